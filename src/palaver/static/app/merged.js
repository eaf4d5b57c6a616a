// Several messages forwarded at once (chat-uikit's multi-select): "Select" in a
// message's menu starts it; a click on a bubble then picks or drops it, and the
// bar above the message box forwards the picked messages one by one
// (createForwardMessage each) or merged into one (createMergerMessage: a
// "chat history" card with its title and first lines). A merged message shows
// as that card; a click opens its messages (downloadMergerMessage: inline
// ones at once, kept ones fetched from the server).

import { $, h, openModal, toast } from './dom.js';
import { groupOf, peerOf, preview } from './format.js';
import { t } from './i18n.js';
import { senderName } from './message-extras.js';
import { chooseConversation, sendCopy } from './message-menu.js';
import { call } from './session.js';
import { displayName, errorOf, groupName, state, subscribe, thread } from './state.js';

const ABSTRACT_LINES = 3; // chat-uikit's card shows the first few lines
const MAX_MERGED = 300; // Tencent's createMergerMessage limit

let selecting = null; // {cid, ids: Set<string>}
const els = {};

export function initMerged() {
  Object.assign(els, { items: $('#message-items'), bar: $('#select-bar') });
  els.items.addEventListener('click', onPick, true);
  new MutationObserver(() => mark()).observe(els.items, { childList: true });
  subscribe('open', (cid) => {
    if (selecting && selecting.cid !== cid) stopSelecting();
  });
}

/** Start picking messages of `msg`'s conversation, `msg` picked. */
export function startSelecting(msg) {
  selecting = { cid: msg.conversationID, ids: new Set([msg.ID]) };
  render();
}

export function stopSelecting() {
  selecting = null;
  render();
}

function onPick(ev) {
  if (!selecting) return;
  const row = ev.target.closest('[data-message-id]');
  if (!row || !row.dataset.messageId) return;
  ev.preventDefault();
  ev.stopPropagation();
  const id = row.dataset.messageId;
  if (selecting.ids.has(id)) selecting.ids.delete(id);
  else if (selecting.ids.size < MAX_MERGED) selecting.ids.add(id);
  render();
}

function picked() {
  if (!selecting) return [];
  return thread(selecting.cid).messages.filter((m) => selecting.ids.has(m.ID)); // oldest first
}

function mark() {
  for (const row of els.items.querySelectorAll('[data-message-id]')) {
    const on = Boolean(selecting && selecting.ids.has(row.dataset.messageId));
    row.classList.toggle('msg--selected', on);
    if (selecting) row.setAttribute('aria-selected', String(on));
    else row.removeAttribute('aria-selected');
  }
}

function render() {
  mark();
  els.bar.hidden = !selecting;
  if (!selecting) {
    els.bar.replaceChildren();
    return;
  }
  const n = selecting.ids.size;
  const button = (text, testid, onclick, disabled = false) =>
    h('button', { type: 'button', class: 'button button--small', dataset: { testid }, disabled, text, onclick });
  els.bar.replaceChildren(
    h('span', { class: 'select-bar__count', dataset: { testid: 'select-count' }, text: t('select.count', { n }) }),
    button(t('select.oneByOne'), 'forward-each', () => forwardPicked(false), n === 0),
    button(t('select.merged'), 'forward-merged', () => forwardPicked(true), n === 0),
    button(t('menu.cancel'), 'select-cancel', () => stopSelecting()),
  );
}

/** The merged card's title: chat-uikit's "Group chat history" or "A and B's chat history". */
function historyTitle(cid) {
  const gid = groupOf(cid);
  if (gid) return t('merged.groupTitle', { name: groupName(gid) });
  return t('merged.c2cTitle', { me: displayName(state.userID), peer: displayName(peerOf(cid)) });
}

function forwardPicked(merged) {
  const msgs = picked();
  if (!msgs.length) return;
  const cid = selecting.cid;
  chooseConversation(async (c) => {
    const gid = groupOf(c.conversationID);
    const to = { to: gid || peerOf(c.conversationID), conversationType: gid ? 'GROUP' : 'C2C' };
    if (merged) {
      const abstractList = msgs.slice(0, ABSTRACT_LINES).map((m) => `${senderName(m)}: ${preview(m, state.userID, '')}`);
      const copy = state.chat.createMergerMessage({
        ...to, payload: { messageList: msgs, title: historyTitle(cid), abstractList, compatibleText: t('preview.merger') },
      });
      await sendCopy(copy);
    } else {
      for (const m of msgs) await sendCopy(state.chat.createForwardMessage({ ...to, payload: m }));
    }
    stopSelecting();
  });
}

// ---- the merged message's card and its messages

/** The bubble of a merged message: its title and first lines; a click shows them all. */
export function mergerCard(msg) {
  const p = msg.payload || {};
  const lines = Array.isArray(p.abstractList) ? p.abstractList.slice(0, ABSTRACT_LINES) : [];
  return h('button', {
    type: 'button', class: 'merger-card', dataset: { testid: 'merger-card' },
    onclick: (ev) => {
      if (selecting) return;
      ev.stopPropagation();
      showMerged(msg);
    },
  },
  h('span', { class: 'merger-card__title', dataset: { testid: 'merger-title' }, text: String(p.title || t('preview.merger')) }),
  ...lines.map((line) => h('span', { class: 'merger-card__line', dataset: { testid: 'merger-line' }, text: String(line) })),
  h('span', { class: 'merger-card__foot', text: t('preview.merger') }));
}

/** One message of a merged list (REST shape) as a line of the viewer. */
function mergedLine(item) {
  const body = Array.isArray(item.MsgBody) ? item.MsgBody[0] || {} : {};
  const c = body.MsgContent || {};
  let text;
  if (body.MsgType === 'TIMTextElem') text = String(c.Text ?? '');
  else if (body.MsgType === 'TIMRelayElem') text = t('preview.merger');
  else text = preview({ type: body.MsgType, payload: {} }, state.userID, '');
  const who = displayName(String(item.From_Account || ''));
  return h('li', { class: 'merged-list__item', dataset: { testid: 'merged-item' } },
    h('span', { class: 'merged-list__from', text: who }),
    h('span', { class: 'merged-list__text', text }));
}

async function showMerged(msg) {
  let list;
  try {
    const res = await call('downloadMergerMessage', msg);
    list = (res && res.data && res.data.messageList) || [];
  } catch (err) {
    toast(t('menu.failed', errorOf(err)));
    return;
  }
  const title = String((msg.payload && msg.payload.title) || t('preview.merger'));
  openModal(title, [h('ol', { class: 'merged-list' }, ...list.map(mergedLine))], {
    testid: 'merged-dialog', closeLabel: t('menu.cancel'),
  });
}
