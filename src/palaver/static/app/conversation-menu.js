// The menu of a conversation (chat-uikit's conversation long-press menu): its
// "more" button, a right-click or a long press on it opens it. Pin / unpin,
// mute (do not disturb: setMessageRemindType), mark unread / read
// (markConversation), move to or out of a conversation group (or a new one),
// delete (deleteConversation).

import { closeConversation } from './chat.js';
import { $, toast } from './dom.js';
import { groupOf, peerOf } from './format.js';
import { t } from './i18n.js';
import { menuItem, onMenuGesture, openMenu } from './popup-menu.js';
import { call } from './session.js';
import { errorOf, publish, state } from './state.js';
import { renderList } from './conversations.js';

export const MARK_UNREAD = 2; // TYPES.CONV_MARK_TYPE_UNREAD

let menuFor = null; // the conversationID whose menu is open

/** The conversation whose menu is open (its item shows it), or null. */
export function menuOpenFor() {
  return menuFor;
}

export function isMuted(conv) {
  return Boolean(conv.messageRemindType) && conv.messageRemindType !== 'AcceptAndNotify';
}

export function initConversationMenu() {
  onMenuGesture($('#conv-list'), '[data-testid="conversation-item"]', (el, at) => {
    const conv = state.conversations.find((c) => c.conversationID === el.dataset.conversationId);
    if (conv) openConversationMenu(conv, at);
  });
}

function moreButton(cid) {
  const item = [...document.querySelectorAll('#conv-list [data-conversation-id]')].find((e) => e.dataset.conversationId === cid);
  return item ? item.querySelector('.conv__more') : null;
}

/** Open the menu of `conv` at a point or under an element (its "more" button). */
export async function openConversationMenu(conv, at) {
  const cid = conv.conversationID;
  const unread = conv.unreadCount || 0;
  const muted = isMuted(conv);
  const marked = (conv.markList || []).includes(MARK_UNREAD);
  await loadConversationGroups();
  const items = [
    menuItem({ text: conv.isPinned ? t('conv.unpin') : t('conv.pin'), testid: 'conversation-pin', onPick: () => pin(conv) }),
    menuItem({ text: muted ? t('conv.unmute') : t('conv.mute'), testid: 'conversation-mute', onPick: () => mute(conv, !muted) }),
    menuItem({
      text: marked || unread > 0 ? t('conv.markRead') : t('conv.markUnread'),
      testid: 'conversation-mark-unread',
      onPick: () => markUnread(conv, !(marked || unread > 0)),
    }),
    ...moveItems(conv),
    menuItem({ text: t('conv.delete'), testid: 'conversation-delete', danger: true, onPick: () => remove(conv) }),
  ];
  menuFor = cid;
  renderList();
  const anchor = at instanceof Element ? moreButton(cid) || at : at;
  openMenu({
    items, at: anchor, label: t('conv.menu'), testid: 'conversation-menu',
    returnTo: () => moreButton(cid),
    onClose: () => {
      if (menuFor === cid) menuFor = null;
      renderList();
    },
  });
}

/** The "move to" items: each conversation group (in it: take it out), and a new one. */
function moveItems(conv) {
  const mine = conv.conversationGroupList || [];
  const names = [...new Set([...state.conversationGroups, ...mine])];
  return [
    ...names.map((g) => menuItem({
      text: mine.includes(g) ? t('conv.leaveGroup', { group: g }) : t('conv.moveTo', { group: g }),
      testid: 'conversation-move',
      extra: { group: g },
      onPick: () => move(conv, g, !mine.includes(g)),
    })),
    menuItem({ text: t('conv.newGroup'), testid: 'conversation-new-group', onPick: () => newGroup(conv) }),
  ];
}

async function act(fn) {
  try {
    await fn();
  } catch (err) {
    toast(t('contacts.failed', errorOf(err)));
  }
  renderList();
}

function pin(conv) {
  return act(() => call('pinConversation', { conversationID: conv.conversationID, isPinned: !conv.isPinned }));
}

function mute(conv, on) {
  const cid = conv.conversationID;
  const gid = groupOf(cid);
  const messageRemindType = on ? 'AcceptNotNotify' : 'AcceptAndNotify';
  return act(() => call(
    'setMessageRemindType',
    gid ? { groupID: gid, messageRemindType } : { userIDList: [peerOf(cid)], messageRemindType },
  ));
}

function markUnread(conv, on) {
  const cid = conv.conversationID;
  return act(async () => {
    if (!on && conv.unreadCount > 0) await call('setMessageRead', { conversationID: cid });
    await call('markConversation', { conversationIDList: [cid], markType: MARK_UNREAD, enableMark: on });
  });
}

async function loadConversationGroups() {
  try {
    const res = await call('getConversationGroupList');
    state.conversationGroups = (res && res.data) || [];
  } catch {
    state.conversationGroups = [];
  }
}

function move(conv, group, into) {
  const ids = { groupName: group, conversationIDList: [conv.conversationID] };
  return act(async () => {
    await call(into ? 'addConversationsToGroup' : 'deleteConversationsFromGroup', ids);
    await loadConversationGroups();
  });
}

function newGroup(conv) {
  const name = (window.prompt(t('conv.newGroupPrompt')) || '').trim();
  if (!name) return null;
  return act(async () => {
    await call('createConversationGroup', { groupName: name, conversationIDList: [conv.conversationID] });
    await loadConversationGroups();
  });
}

async function remove(conv) {
  const cid = conv.conversationID;
  try {
    await call('deleteConversation', cid);
    // The SDK's CONVERSATION_LIST_UPDATED follows; drop it now so the list reacts at once.
    state.conversations = state.conversations.filter((c) => c.conversationID !== cid);
    state.threads.delete(cid);
    publish('conversations');
    if (state.current === cid) closeConversation();
  } catch (err) {
    toast(t('contacts.failed', errorOf(err)));
    renderList();
  }
}
