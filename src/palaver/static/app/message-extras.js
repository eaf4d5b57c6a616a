// What a bubble shows besides its content: the message it quotes (chat-uikit's
// `cloudCustomData.messageReply`), "Edited" once modified, and its reactions
// under it (a chip per emoji with its count, mine highlighted; a click adds or
// takes back mine). Reactions of the history are fetched with
// getMessageReactions as pages load; MESSAGE_REACTIONS_UPDATED keeps them live.

import { h, toast } from './dom.js';
import { groupOf, preview } from './format.js';
import { t } from './i18n.js';
import { call } from './session.js';
import { displayName, errorOf, memberName, publish, state, subscribe, thread } from './state.js';

/** The reactions the menu offers (any reactionID from elsewhere is shown as its text). */
export const REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🎉'];
const BATCH = 20; // getMessageReactions' most messages per call
const ABSTRACT_CHARS = 120;

/** chat-uikit's MessageQuoteTypeEnum, by element type. */
const QUOTE_TYPES = {
  TIMTextElem: 1, TIMCustomElem: 2, TIMImageElem: 3, TIMSoundElem: 4, TIMVideoFileElem: 5,
  TIMFileElem: 6, TIMLocationElem: 7, TIMFaceElem: 8, TIMRelayElem: 10,
};

const reactions = new Map(); // messageID → [{reactionID, totalUserCount, partialUserList, reactedByMyself}]
const asked = new Set(); // messageIDs whose reactions were asked for

export function initMessageExtras() {
  subscribe('reactions', onReactions);
}

// ---- quotes (chat-uikit's IQuoteContent in cloudCustomData.messageReply)

/** The `messageReply` a message carries, or null. */
export function quoteOf(msg) {
  if (!msg.cloudCustomData) return null;
  try {
    const data = JSON.parse(msg.cloudCustomData);
    const reply = data && typeof data === 'object' ? data.messageReply : null;
    return reply && typeof reply === 'object' && reply.messageID ? reply : null;
  } catch {
    return null;
  }
}

/** A message's sender as its conversation shows them. */
export function senderName(msg, cid = msg.conversationID) {
  const gid = groupOf(cid);
  const who = msg.from || state.userID;
  return gid ? memberName(gid, who) : displayName(who);
}

/** The `cloudCustomData` of a message quoting `msg` (chat-uikit's shape, version 1). */
export function quoteData(msg) {
  const text = preview(msg, state.userID, '');
  const messageReply = {
    messageAbstract: text.length > ABSTRACT_CHARS ? `${text.slice(0, ABSTRACT_CHARS)}…` : text,
    messageSender: senderName(msg),
    messageID: msg.ID,
    messageType: QUOTE_TYPES[msg.type] || 0,
    messageTime: msg.time || 0,
    messageSequence: msg.sequence || 0,
    version: 1,
  };
  return JSON.stringify({ messageReply });
}

/** The quote shown at the top of a bubble (a click shows the quoted message when loaded). */
export function quoteNode(msg) {
  const q = quoteOf(msg);
  if (!q) return null;
  return h('button', {
    type: 'button',
    class: 'msg__quote',
    dataset: { testid: 'message-quote' },
    title: t('menu.quoteJump'),
    onclick: (ev) => {
      ev.stopPropagation();
      showMessage(String(q.messageID));
    },
  },
  h('span', { class: 'msg__quote-sender', text: `${q.messageSender || ''}:` }),
  h('span', { class: 'msg__quote-text', dataset: { testid: 'message-quote-text' }, text: String(q.messageAbstract || '') }));
}

function showMessage(id) {
  const el = [...document.querySelectorAll('#message-items [data-message-id]')].find((e) => e.dataset.messageId === id);
  if (!el) return;
  el.scrollIntoView({ block: 'center', behavior: 'smooth' });
  el.classList.add('msg--found');
  setTimeout(() => el.classList.remove('msg--found'), 2000);
}

/** "Edited", in the meta line of a modified message. */
export function editedMark(msg) {
  return msg.isModified && !msg.isRevoked
    ? h('span', { class: 'msg__edited', dataset: { testid: 'msg-edited' }, text: t('menu.edited') })
    : null;
}

// ---- reactions

/** Whether reactions make sense for a message (stored, not recalled, not a live room's). */
export function canReact(msg) {
  if (msg.status !== 'success' || msg.isRevoked || !msg.ID || msg.onlineOnly) return false;
  const gid = groupOf(msg.conversationID);
  const g = gid ? state.groups.get(gid) : null;
  return !(g && g.type === 'AVChatRoom');
}

/** Ask for the reactions of messages just loaded from the history (once each, 20 a call). */
export async function wantReactions(cid, messages) {
  const todo = messages.filter((m) => canReact(m) && !asked.has(m.ID));
  for (const m of todo) asked.add(m.ID);
  for (let i = 0; i < todo.length; i += BATCH) {
    let res;
    try {
      res = await call('getMessageReactions', { messageList: todo.slice(i, i + BATCH) });
    } catch {
      continue; // a group I left, a server without reactions: none shown
    }
    const got = ((res && res.data && res.data.resultList) || []).filter((r) => r.reactionList && r.reactionList.length);
    for (const r of got) reactions.set(r.messageID, r.reactionList);
    if (got.length) publish('messages', cid);
  }
}

/** MESSAGE_REACTIONS_UPDATED: the reactions now (whether one is mine, from its first users). */
function onReactions(data) {
  if (!data || !data.messageID) return;
  const before = new Map((reactions.get(data.messageID) || []).map((r) => [r.reactionID, r.reactedByMyself]));
  const list = (data.reactionList || []).map((r) => {
    const users = (r.partialUserList || []).map((u) => u.userID);
    let mine = users.includes(state.userID);
    if (!mine && users.length < r.totalUserCount) mine = Boolean(before.get(r.reactionID));
    return { ...r, reactedByMyself: mine };
  });
  reactions.set(data.messageID, list);
  asked.add(data.messageID);
  publish('messages', data.conversationID);
}

/** My reactions on a message. */
export function myReactions(msg) {
  return (reactions.get(msg.ID) || []).filter((r) => r.reactedByMyself).map((r) => r.reactionID);
}

/** Add or take back my `reactionID` on `msg`; shown at once, the push confirms. */
export async function toggleReaction(msg, reactionID) {
  const mine = myReactions(msg).includes(reactionID);
  try {
    await call(mine ? 'removeMessageReaction' : 'addMessageReaction', msg, reactionID);
  } catch (err) {
    toast(t('menu.failed', errorOf(err)));
    return;
  }
  const list = (reactions.get(msg.ID) || []).map((r) => ({ ...r }));
  let r = list.find((x) => x.reactionID === reactionID);
  if (!r) {
    r = { reactionID, totalUserCount: 0, partialUserList: [], reactedByMyself: false };
    list.push(r);
  }
  if (r.reactedByMyself === mine) {
    r.totalUserCount = Math.max(0, r.totalUserCount + (mine ? -1 : 1));
    r.reactedByMyself = !mine;
  }
  reactions.set(msg.ID, list.filter((x) => x.totalUserCount > 0));
  publish('messages', msg.conversationID);
}

/** The reaction chips under a bubble, or null. */
export function reactionsRow(msg) {
  const list = (reactions.get(msg.ID) || []).filter((r) => r.totalUserCount > 0);
  if (!list.length || msg.isRevoked) return null;
  return h('div', { class: 'msg__reactions', dataset: { testid: 'reactions' } },
    ...list.map((r) => h('button', {
      type: 'button',
      class: `reaction${r.reactedByMyself ? ' reaction--mine' : ''}`,
      'aria-pressed': String(Boolean(r.reactedByMyself)),
      'aria-label': t('menu.reaction', { emoji: r.reactionID, count: r.totalUserCount }),
      dataset: { testid: 'reaction', reaction: r.reactionID },
      onclick: () => toggleReaction(msg, r.reactionID),
    },
    h('span', { class: 'reaction__emoji', text: r.reactionID }),
    h('span', { class: 'reaction__count', dataset: { testid: 'reaction-count' }, text: String(r.totalUserCount) }))));
}

/** Forget a deleted message's reactions, and drop it from its thread. */
export function dropMessage(msg) {
  reactions.delete(msg.ID);
  const th = thread(msg.conversationID);
  th.messages = th.messages.filter((m) => m !== msg && m.ID !== msg.ID);
  publish('messages', msg.conversationID);
}
