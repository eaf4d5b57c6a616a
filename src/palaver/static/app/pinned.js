// Pinned group messages (chat-uikit's pinned-message bar): the group's owner
// and admins pin a message from its menu (pinGroupMessage, at most 10 per
// group); everyone in the group sees the latest pin in a bar under the chat's
// header, with how many there are. A click on the bar opens the chat at the
// pinned message (cycling through the pins, newest first); its ✕ unpins (owner
// and admins). The list is read when a group chat opens
// (getPinnedGroupMessageList) and follows PINNED_GROUP_MESSAGE_UPDATED.

import { openAtMessage } from './chat.js';
import { $, h, toast } from './dom.js';
import { groupOf, preview } from './format.js';
import { t } from './i18n.js';
import { call } from './session.js';
import { senderName } from './message-extras.js';
import { errorOf, myRole, state, subscribe } from './state.js';

const PRIVILEGED = ['Owner', 'Admin'];

const pins = new Map(); // groupID → Message[] (latest pin first)
const shown = new Map(); // groupID → index of the pin the bar shows
let bar = null;

export function initPinned() {
  bar = $('#pinned-bar');
  subscribe('open', (cid) => {
    const gid = groupOf(cid);
    render();
    if (gid) load(gid);
  });
  subscribe('pinned', onPinned);
  subscribe('groups', () => render());
  subscribe('members', () => render());
}

/** Whether I may pin or unpin in the group of `msg` (its owner or an admin, not a live room). */
export function canPin(msg) {
  const gid = groupOf(msg.conversationID);
  if (!gid || msg.isRevoked || msg.status !== 'success' || !msg.sequence) return false;
  const g = state.groups.get(gid);
  if (g && g.type === 'AVChatRoom') return false;
  return PRIVILEGED.includes(myRole(gid));
}

/** Whether `msg` is pinned in its group (as far as this page knows). */
export function isPinned(msg) {
  const list = pins.get(groupOf(msg.conversationID)) || [];
  return list.some((m) => m.sequence === msg.sequence);
}

/** Pin or unpin `msg` (the menu's item); the bar follows the push. */
export async function togglePin(msg) {
  const gid = groupOf(msg.conversationID);
  const isPinnedNow = !isPinned(msg);
  try {
    await call('pinGroupMessage', { groupID: gid, message: msg, isPinned: isPinnedNow });
  } catch (err) {
    toast(t('pin.failed', errorOf(err)));
    return;
  }
  apply(gid, msg, isPinnedNow);
}

async function load(gid) {
  try {
    const res = await call('getPinnedGroupMessageList', gid);
    pins.set(gid, (res && res.data && res.data.messageList) || []);
  } catch {
    pins.set(gid, []); // not a member (any more), a live room: no bar
  }
  render();
}

function onPinned(data) {
  if (!data || !data.groupID || !data.message) return;
  apply(data.groupID, data.message, data.isPinned);
}

function apply(gid, msg, pinnedNow) {
  const list = (pins.get(gid) || []).filter((m) => m.sequence !== msg.sequence);
  if (pinnedNow) list.unshift(msg);
  pins.set(gid, list);
  shown.set(gid, 0);
  render();
}

function render() {
  if (!bar) return;
  const gid = groupOf(state.current || '');
  const list = gid ? pins.get(gid) || [] : [];
  bar.hidden = list.length === 0;
  if (!list.length) {
    bar.replaceChildren();
    return;
  }
  const i = Math.min(shown.get(gid) || 0, list.length - 1);
  const msg = list[i];
  const text = `${senderName(msg)}: ${preview(msg, state.userID)}`;
  const open = h('button', {
    type: 'button', class: 'pinned-bar__body', dataset: { testid: 'pinned-open' },
    'aria-label': t('pin.open', { text }),
    onclick: () => {
      shown.set(gid, (i + 1) % list.length);
      openAtMessage(`GROUP${gid}`, msg.ID);
      render();
    },
  },
  h('span', { class: 'pinned-bar__title', text: list.length > 1 ? t('pin.titleCount', { n: i + 1, count: list.length }) : t('pin.title') }),
  h('span', { class: 'pinned-bar__text', dataset: { testid: 'pinned-text' }, text }));
  const items = [open];
  if (PRIVILEGED.includes(myRole(gid))) {
    items.push(h('button', {
      type: 'button', class: 'icon-button pinned-bar__close', dataset: { testid: 'pinned-unpin' },
      'aria-label': t('pin.unpin'), title: t('pin.unpin'), text: '✕',
      onclick: () => togglePin(msg),
    }));
  }
  bar.replaceChildren(...items);
}
