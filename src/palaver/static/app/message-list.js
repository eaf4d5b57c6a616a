// The conversation's message list: day separators, bubbles (who sent them, their
// status: sending / sent / failed + resend, read receipts), group tips as centred
// lines, @-mentions of me highlighted, recalled messages, the recall button while
// the recall window lasts, the "new messages" jump and the search hit's highlight.
// What a bubble shows is message-content.js's; quotes, "Edited" and reactions
// around it are message-extras.js's. chat.js loads the history into it.

import { send } from './composer.js';
import { $, h } from './dom.js';
import { avatar, clock, dayKey, dayLabel, groupOf, mentionOf, peerOf, tipText, typingStatus } from './format.js';
import { t } from './i18n.js';
import { content } from './message-content.js';
import { editedMark, quoteNode, reactionsRow } from './message-extras.js';
import { recall } from './message-menu.js';
import { ensureProfiles } from './session.js';
import { avatarUrl, displayName, memberName, memberOf, state, thread } from './state.js';

const RECALL_WINDOW = 120; // seconds: the app default recall_window
const NEAR_BOTTOM_PX = 80;

let clockSkew = 0; // server time - local time, in seconds (learned from sent messages)
let newCount = 0; // messages that arrived while scrolled up
let recallTimer = 0;
let found = { ID: '', glow: false }; // the message a search hit opened at (highlighted a while)

const els = {};

export function initMessageList() {
  Object.assign(els, {
    scroller: $('#messages'),
    top: $('#messages-top'),
    items: $('#message-items'),
    jump: $('#jump-new'),
  });
  els.jump.addEventListener('click', () => {
    scrollToBottom(true);
    hideJump();
  });
}

export function nearBottom() {
  const s = els.scroller;
  return s.scrollHeight - s.scrollTop - s.clientHeight < NEAR_BOTTOM_PX;
}

export function scrollToBottom(smooth = false) {
  const s = els.scroller;
  if (smooth && typeof s.scrollTo === 'function') s.scrollTo({ top: s.scrollHeight, behavior: 'smooth' });
  else s.scrollTop = s.scrollHeight;
}

// ---- the "new messages" jump

/** One more message arrived while the list is scrolled up. */
export function countNew() {
  newCount += 1;
  renderJump();
}

export function renderJump() {
  els.jump.hidden = newCount <= 0;
  els.jump.textContent = newCount > 1 ? t('chat.newMessagesCount', { count: newCount }) : t('chat.newMessages');
}

export function hideJump() {
  newCount = 0;
  renderJump();
}

// ---- rendering

export function renderTop() {
  const th = state.current ? thread(state.current) : null;
  if (!th) return;
  els.top.classList.toggle('messages__top--loading', th.loading);
  els.top.textContent = th.loading
    ? t('chat.loadingOlder')
    : th.loaded && th.isCompleted && th.messages.length
      ? t('chat.noMore')
      : '';
}

function now() {
  return Date.now() / 1000 + clockSkew;
}

/** Learn the server's clock from a message it has just stamped (`time`, in seconds). */
export function learnClock(time) {
  clockSkew = time - Date.now() / 1000;
}

export function canRecall(msg) {
  return msg.flow === 'out' && msg.status === 'success' && !msg.isRevoked && msg.time
    && now() - msg.time < RECALL_WINDOW;
}

export function renderMessages() {
  const cid = state.current;
  if (!cid) return;
  const th = thread(cid);
  const stick = nearBottom();
  const nodes = [];
  let lastDay = '';
  let nextExpiry = Infinity;
  for (const msg of th.messages) {
    if (typingStatus(msg) !== null) continue;
    const day = dayKey(msg.time || now());
    if (day !== lastDay) {
      lastDay = day;
      nodes.push(h('li', { class: 'day', dataset: { testid: 'day-separator' } },
        h('span', { text: dayLabel(msg.time || now()) })));
    }
    nodes.push(messageNode(msg));
    if (canRecall(msg)) nextExpiry = Math.min(nextExpiry, msg.time + RECALL_WINDOW);
  }
  els.items.replaceChildren(...nodes);
  if (groupOf(cid)) {
    // names of senders and of users in tips who are not (or no longer) members
    const ids = th.messages.flatMap((m) => [m.from, ...((m.payload && m.payload.userIDList) || [])]);
    ensureProfiles(ids.filter((id) => !memberOf(groupOf(cid), id)));
  }
  renderTop();
  if (stick) scrollToBottom();
  clearTimeout(recallTimer);
  if (nextExpiry < Infinity) {
    recallTimer = setTimeout(renderMessages, Math.max(1000, (nextExpiry - now()) * 1000 + 200));
  }
}

function messageNode(msg) {
  const mine = msg.flow === 'out' || (msg.from && msg.from === state.userID && msg.flow !== 'in');
  const gid = groupOf(state.current);
  const peer = peerOf(state.current);
  const nameOf = (id) => (gid ? memberName(gid, id) : displayName(id));
  if (msg.type === 'TIMGroupTipElem' || msg.type === 'TIMGroupSystemNoticeElem') {
    return h('li', { class: 'tip tip--group', dataset: { testid: 'group-tip', messageId: msg.ID || '' }, text: tipText(msg, nameOf) });
  }
  if (msg.isRevoked) {
    const byMe = msg.revoker ? msg.revoker === state.userID : mine;
    const by = gid ? msg.revoker || msg.from : peer;
    return h('li', {
      class: 'tip',
      dataset: { testid: 'msg-recalled', messageId: msg.ID || '' },
      text: byMe ? t('chat.recalledByMe') : t('chat.recalledByPeer', { name: nameOf(by) }),
    });
  }
  const who = mine ? state.userID : msg.from || peer;
  const name = nameOf(who);
  const status = msg.status || 'unSend';
  const meta = [h('time', { class: 'msg__time', text: msg.time ? clock(msg.time) : '' }), editedMark(msg)];
  if (mine) {
    if (status === 'fail') {
      meta.push(
        h('span', { class: 'status status--fail', dataset: { testid: 'msg-status' }, text: t('chat.failed') }),
        h('button', {
          type: 'button',
          class: 'link-button status__resend',
          dataset: { testid: 'resend' },
          text: t('chat.resend'),
          onclick: () => send(msg, true),
        }),
      );
    } else if (status !== 'success') {
      meta.push(h('span', { class: 'status status--sending', dataset: { testid: 'msg-status' }, text: t('chat.sending') }));
    } else if (!gid) {
      meta.push(h('span', {
        class: msg.isPeerRead ? 'status status--read' : 'status status--unread',
        dataset: { testid: 'read-receipt' },
        text: msg.isPeerRead ? t('chat.read') : t('chat.unread'),
      }));
    }
  }
  const actions = canRecall(msg)
    ? h('div', { class: 'msg__actions', role: 'group', 'aria-label': t('chat.messageActions') },
      h('button', {
        type: 'button',
        class: 'chip',
        dataset: { testid: 'recall' },
        text: t('chat.recall'),
        onclick: () => recall(msg),
      }))
    : null;
  const at = gid && !mine ? mentionOf(msg, state.userID) : '';
  const member = gid ? memberOf(gid, who) : null;
  const picture = mine
    ? (state.me && state.me.avatar) || avatarUrl(who)
    : (member && member.avatar) || msg.avatar || avatarUrl(who);
  return h(
    'li',
    {
      class: `msg ${mine ? 'msg--out' : 'msg--in'}${status === 'fail' ? ' msg--fail' : ''}${at ? ' msg--at' : ''}${
        found.glow && found.ID === msg.ID ? ' msg--found' : ''}`,
      dataset: { testid: 'message', messageId: msg.ID || '', status, from: who, ...(found.ID === msg.ID ? { found: 'true' } : {}) },
    },
    avatar(who, name, picture, 'sm'),
    h(
      'div',
      { class: 'msg__content' },
      gid && !mine
        ? h('div', { class: 'msg__sender' },
          h('span', { dataset: { testid: 'sender-name' }, text: name }),
          at ? h('span', { class: 'at-chip', dataset: { testid: 'at-me' }, text: at === 'me' ? t('mention.atMe') : t('mention.atAll') }) : null)
        : null,
      h('div', { class: 'msg__bubble', dataset: { testid: 'bubble' }, tabindex: '0', 'aria-haspopup': 'menu' }, quoteNode(msg), content(msg)),
      reactionsRow(msg),
      h('div', { class: 'msg__meta' }, ...meta),
      actions,
    ),
  );
}

/** Highlight a message a search hit opened at for a while (kept when the list is drawn again). */
export function showFound(messageID) {
  found = { ID: messageID, glow: true };
  renderMessages();
  setTimeout(() => {
    if (found.ID !== messageID) return;
    found.glow = false;
    renderMessages();
  }, 3000);
}
