// The conversation page: history (paged as you scroll up), day separators,
// bubbles, text and emoji sending, status (sending / sent / failed + resend),
// recall, read receipts, the peer's typing indicator, the "new messages" jump,
// and setMessageRead while the conversation is open and the page visible.
// Group conversations show who sent what (name card, nick or userID, and
// avatar), group tips as centred lines, @-mentions of me highlighted, and
// the @-mention picker in the message box. Media: attach, paste or drop files
// (images, voice, video, any file), a progress bar while they upload, image
// thumbnails that open the original in a viewer, file cards, audio and video players
// (what a bubble shows is in message-content.js). A right-click or long press
// on a bubble opens its menu (message-menu.js); quotes, "Edited" and reactions
// around a bubble are message-extras.js's.

import { $, h, toast } from './dom.js';
import { clearUnreadMark, draftOf, saveDraft } from './drafts.js';
import { initEmojiPanel, insertAtCaret } from './emoji.js';
import {
  TYPING_BUSINESS_ID, avatar, clock, dayKey, dayLabel, groupOf, memberCount, mentionOf, peerOf, tipText, typingStatus,
} from './format.js';
import { onLangChange, t } from './i18n.js';
import { content, creatorOf, uploads } from './message-content.js';
import { editedMark, initMessageExtras, quoteNode, reactionsRow, wantReactions } from './message-extras.js';
import { composeData, endCompose, initMessageMenu, recall, saveEdit } from './message-menu.js';
import { initMentions, mentionKey, takeMentions } from './mention.js';
import { ensureProfiles, fetchGroup, fetchProfiles, loadMembers } from './session.js';
import {
  avatarUrl, displayName, errorOf, groupName, memberName, memberOf, publish, state, subscribe, thread,
} from './state.js';

const PAGE = 15; // getMessageList's maximum page
const RECALL_WINDOW = 120; // seconds: the app default recall_window
const NEAR_BOTTOM_PX = 80;
const LOAD_OLDER_PX = 80;
const TYPING_RESEND_MS = 4000; // repeat "typing" while typing, so the peer's timeout never fires

let clockSkew = 0; // server time - local time, in seconds (learned from sent messages)
let newCount = 0; // messages that arrived while scrolled up
let recallTimer = 0;
let typingSentAt = 0; // when I last told the peer "typing" (0: not typing)
let typingPeer = '';
const reading = { busy: false, again: false };
let found = { ID: '', glow: false }; // the message a search hit opened at (highlighted a while)

const els = {};

export function initChat() {
  Object.assign(els, {
    body: $('#chat-body'),
    placeholder: $('#chat-placeholder'),
    title: $('#chat-title'),
    avatar: $('#chat-avatar'),
    typing: $('#chat-typing'),
    scroller: $('#messages'),
    top: $('#messages-top'),
    items: $('#message-items'),
    jump: $('#jump-new'),
    form: $('#composer'),
    input: $('#composer-input'),
    emojiPanel: $('#emoji-panel'),
    emojiToggle: $('#emoji-toggle'),
    info: $('#chat-info'),
    notice: $('#chat-notice'),
  });

  $('#chat-back').addEventListener('click', () => closeConversation());
  els.info.addEventListener('click', () => {
    const gid = groupOf(state.current);
    if (gid) publish('showGroup', gid);
  });
  initMentions(els.input, $('#mention-panel'));
  els.form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    sendText();
  });
  els.input.addEventListener('keydown', (ev) => {
    if (mentionKey(ev)) return;
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      sendText();
    }
  });
  els.input.addEventListener('input', () => {
    autosize();
    typingChanged();
  });
  els.input.addEventListener('blur', () => stopTyping());

  initEmojiPanel(els.emojiPanel, (e) => {
    insertAtCaret(els.input, e);
    els.input.focus();
  });
  els.emojiToggle.addEventListener('click', () => toggleEmoji());
  const record = $('#record-toggle');
  record.hidden = !(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && typeof MediaRecorder !== 'undefined');
  record.addEventListener('click', () => toggleRecording());
  const picker = $('#attach-input');
  $('#attach-toggle').addEventListener('click', () => picker.click());
  picker.addEventListener('change', () => {
    sendFiles([...picker.files]);
    picker.value = '';
  });
  els.input.addEventListener('paste', (ev) => {
    const files = [...(ev.clipboardData ? ev.clipboardData.files : [])];
    if (files.length) {
      ev.preventDefault();
      sendFiles(files);
    }
  });
  els.body.addEventListener('dragover', (ev) => {
    if (ev.dataTransfer && [...ev.dataTransfer.types].includes('Files')) ev.preventDefault();
  });
  els.body.addEventListener('drop', (ev) => {
    const files = [...(ev.dataTransfer ? ev.dataTransfer.files : [])];
    if (files.length) {
      ev.preventDefault();
      sendFiles(files);
    }
  });
  document.addEventListener('click', (ev) => {
    if (!els.emojiPanel.hidden && !ev.target.closest('#emoji-panel, #emoji-toggle')) toggleEmoji(false);
  });

  els.scroller.addEventListener('scroll', onScroll, { passive: true });
  els.jump.addEventListener('click', () => {
    scrollToBottom(true);
    hideJump();
  });

  initMessageExtras();
  initMessageMenu();

  subscribe('messages', (cid) => {
    if (cid === state.current) renderMessages();
  });
  subscribe('incoming', onIncoming);
  subscribe('typing', (cid) => {
    if (cid === state.current) renderHeader();
  });
  subscribe('profiles', () => {
    if (state.current) {
      renderHeader();
      renderMessages();
    }
  });
  subscribe('friends', () => state.current && renderHeader());
  subscribe('members', (gid) => {
    if (gid && state.current === `GROUP${gid}`) {
      renderHeader();
      renderMessages();
    }
  });
  subscribe('groups', () => state.current && renderHeader());
  subscribe('conversations', () => {
    // Opened while another device or the list says there is something unread.
    const conv = currentConversation();
    if (conv && conv.unreadCount > 0) markRead();
  });
  onLangChange(() => {
    if (state.current) {
      renderHeader();
      renderMessages();
    }
    renderJump();
  });
  document.addEventListener('visibilitychange', () => {
    const conv = currentConversation();
    if (document.visibilityState === 'visible' && conv && conv.unreadCount > 0) markRead();
  });
}

function currentConversation() {
  return state.conversations.find((c) => c.conversationID === state.current);
}

// ---- open / close

export async function openConversation(conversationID) {
  if (state.current !== conversationID) {
    stopTyping();
    endCompose();
    saveDraft(state.current, els.input.value);
    els.input.value = draftOf(conversationID);
    autosize();
  }
  state.current = conversationID;
  newCount = 0;
  hideJump();
  toggleEmoji(false);
  els.placeholder.hidden = true;
  els.body.hidden = false;
  publish('open', conversationID);
  renderHeader();
  els.items.replaceChildren();
  const th = thread(conversationID);
  const gid = groupOf(conversationID);
  if (gid) {
    if (!state.members.has(gid)) loadMembers(gid);
    if (!state.groups.has(gid)) fetchGroup(gid);
  } else {
    const peer = peerOf(conversationID);
    if (!state.profiles.has(peer)) fetchProfiles([peer]);
  }
  if (th.loaded) {
    renderMessages();
    scrollToBottom();
  } else {
    renderTop();
    await loadInitial(conversationID);
  }
  markRead();
  clearUnreadMark(conversationID);
  if (window.matchMedia('(min-width: 768px)').matches) els.input.focus({ preventScroll: true });
}

export function closeConversation() {
  stopTyping();
  endCompose();
  saveDraft(state.current, els.input.value);
  els.input.value = '';
  state.current = null;
  toggleEmoji(false);
  els.body.hidden = true;
  els.placeholder.hidden = false;
  publish('open', null);
}

async function loadInitial(cid) {
  const th = thread(cid);
  if (th.loading) return;
  th.loading = true;
  renderTop();
  try {
    const res = await state.chat.getMessageList({ conversationID: cid, count: PAGE });
    const d = res && res.data ? res.data : res || {};
    const page = (d.messageList || []).filter((m) => typingStatus(m) === null);
    const ids = new Set(page.map((m) => m.ID));
    // Keep messages added meanwhile (sent or received while the page loaded).
    th.messages = [...page, ...th.messages.filter((m) => !ids.has(m.ID))];
    th.nextReqMessageID = d.nextReqMessageID || '';
    th.isCompleted = Boolean(d.isCompleted) || !th.nextReqMessageID;
    th.loaded = true;
    wantReactions(cid, page);
  } catch (err) {
    toast(t('chat.loadFailed', errorOf(err)));
  } finally {
    th.loading = false;
  }
  if (state.current !== cid) return;
  renderMessages();
  scrollToBottom();
  fillViewport(cid);
}

/** Load older pages until the list can scroll (or there is no more history). */
async function fillViewport(cid) {
  const th = thread(cid);
  let guard = 10;
  while (state.current === cid && !th.isCompleted && guard-- > 0
    && els.scroller.scrollHeight <= els.scroller.clientHeight + LOAD_OLDER_PX) {
    if (!(await loadOlder(cid))) break;
  }
}

async function loadOlder(cid) {
  const th = thread(cid);
  if (th.loading || th.isCompleted || !th.loaded) return false;
  th.loading = true;
  renderTop();
  let ok = false;
  try {
    const res = await state.chat.getMessageList({
      conversationID: cid,
      nextReqMessageID: th.nextReqMessageID,
      count: PAGE,
    });
    const d = res && res.data ? res.data : res || {};
    const known = new Set(th.messages.map((m) => m.ID));
    const older = (d.messageList || []).filter((m) => typingStatus(m) === null && !known.has(m.ID));
    th.messages = [...older, ...th.messages];
    wantReactions(cid, older);
    th.nextReqMessageID = d.nextReqMessageID || '';
    th.isCompleted = Boolean(d.isCompleted) || !th.nextReqMessageID;
    ok = true;
  } catch (err) {
    toast(t('chat.loadFailed', errorOf(err)));
  } finally {
    th.loading = false;
  }
  if (state.current === cid) {
    // Keep what the user was looking at in place while the older page goes in above.
    const before = els.scroller.scrollHeight - els.scroller.scrollTop;
    renderMessages();
    els.scroller.scrollTop = els.scroller.scrollHeight - before;
  }
  return ok;
}

/**
 * Open a conversation at one of its messages (a search hit): older pages are
 * loaded until it is there (at most 100), then it is scrolled to the middle of
 * the view, with the messages around it, and highlighted. False if not found.
 */
export async function openAtMessage(conversationID, messageID) {
  await openConversation(conversationID);
  const th = thread(conversationID);
  for (let i = 0; i < 100 && state.current === conversationID; i++) {
    if (th.messages.some((m) => m.ID === messageID)) break;
    if (th.isCompleted || !(await loadOlder(conversationID))) break;
  }
  if (state.current !== conversationID) return false;
  const el = [...els.items.querySelectorAll('[data-message-id]')].find((e) => e.dataset.messageId === messageID);
  if (!el) return false;
  el.scrollIntoView({ block: 'center' });
  found = { ID: messageID, glow: true }; // (kept when the list is drawn again)
  renderMessages();
  setTimeout(() => {
    if (found.ID !== messageID) return;
    found.glow = false;
    renderMessages();
  }, 3000);
  return true;
}

function onScroll() {
  const cid = state.current;
  if (!cid) return;
  if (els.scroller.scrollTop < LOAD_OLDER_PX) loadOlder(cid);
  if (nearBottom()) hideJump();
}

function nearBottom() {
  const s = els.scroller;
  return s.scrollHeight - s.scrollTop - s.clientHeight < NEAR_BOTTOM_PX;
}

function scrollToBottom(smooth = false) {
  const s = els.scroller;
  if (smooth && typeof s.scrollTo === 'function') s.scrollTo({ top: s.scrollHeight, behavior: 'smooth' });
  else s.scrollTop = s.scrollHeight;
}

// ---- live updates

function onIncoming(msg) {
  if (msg.conversationID !== state.current) return;
  const stick = nearBottom();
  renderMessages();
  if (stick || msg.flow === 'out') {
    scrollToBottom();
  } else {
    newCount += 1;
    renderJump();
  }
  if (msg.flow === 'in') markRead();
}

function renderJump() {
  els.jump.hidden = newCount <= 0;
  els.jump.textContent = newCount > 1 ? t('chat.newMessagesCount', { count: newCount }) : t('chat.newMessages');
}

function hideJump() {
  newCount = 0;
  renderJump();
}

/** setMessageRead for the open conversation while the page is visible (one call at a time). */
async function markRead() {
  const cid = state.current;
  if (!cid || !state.chat || document.visibilityState !== 'visible') return;
  if (reading.busy) {
    reading.again = true;
    return;
  }
  reading.busy = true;
  try {
    await state.chat.setMessageRead({ conversationID: cid });
  } catch (err) {
    console.warn('palaver ui: setMessageRead failed', err);
  } finally {
    reading.busy = false;
  }
  if (reading.again) {
    reading.again = false;
    markRead();
  }
}

// ---- rendering

function renderHeader() {
  const cid = state.current;
  if (!cid) return;
  const gid = groupOf(cid);
  els.info.hidden = !gid;
  if (gid) {
    const g = state.groups.get(gid) || {};
    const name = groupName(gid);
    els.title.textContent = name;
    els.avatar.replaceChildren(avatar(gid, name, g.avatar, 'sm'));
    els.typing.hidden = !g.memberCount;
    els.typing.className = 'chat__subtitle chat__subtitle--muted';
    els.typing.textContent = g.memberCount ? memberCount(g.memberCount) : '';
    renderComposer(gid);
    return;
  }
  renderComposer('');
  const peer = peerOf(cid);
  const conv = currentConversation();
  const name = (conv && conv.remark) || displayName(peer);
  els.title.textContent = name;
  els.avatar.replaceChildren(avatar(peer, name, avatarUrl(peer), 'sm'));
  const typing = state.typing.has(cid);
  els.typing.hidden = !typing;
  els.typing.className = 'chat__subtitle';
  els.typing.textContent = typing ? t('chat.typing') : '';
}

/** A group I am no longer in (left, removed, dismissed) keeps its history but takes no messages. */
function renderComposer(gid) {
  const g = gid ? state.groups.get(gid) : null;
  const gone = Boolean(gid) && state.groupsLoaded && !(g && g.selfInfo);
  els.form.hidden = gone;
  els.notice.hidden = !gone;
  els.notice.textContent = gone ? t('group.notMember') : '';
}

function renderTop() {
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

// ---- voice messages (MediaRecorder, where the page may use the microphone)

let recording = null; // {rec, started, timer} while recording

async function toggleRecording() {
  if (recording) {
    recording.rec.stop();
    return;
  }
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch (err) {
    toast(t('media.micDenied', { message: err && err.message ? err.message : String(err) }));
    return;
  }
  const rec = new MediaRecorder(stream);
  const chunks = [];
  const started = Date.now();
  rec.addEventListener('dataavailable', (ev) => {
    if (ev.data && ev.data.size) chunks.push(ev.data);
  });
  rec.addEventListener('stop', () => {
    for (const track of stream.getTracks()) track.stop();
    clearInterval(recording.timer);
    recording = null;
    renderRecording();
    const second = Math.max(1, Math.round((Date.now() - started) / 1000));
    const type = (rec.mimeType || 'audio/webm').split(';')[0];
    const ext = type.includes('ogg') ? 'ogg' : type.includes('mp4') ? 'm4a' : 'webm';
    sendFiles([new File(chunks, `voice-${started}.${ext}`, { type })], { second });
  });
  recording = { rec, started, timer: setInterval(renderRecording, 250) };
  rec.start(250);
  renderRecording();
}

function renderRecording() {
  const button = $('#record-toggle');
  const label = $('#record-time');
  button.setAttribute('aria-pressed', recording ? 'true' : 'false');
  label.hidden = !recording;
  if (recording) {
    const s = Math.floor((Date.now() - recording.started) / 1000);
    label.textContent = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  }
}

/**
 * Send files (attach button, paste, drop, a voice recording) to the open conversation,
 * each as its own message; `extra` goes into each payload (a recording's `second`).
 */
export async function sendFiles(files, extra = {}) {
  if (!state.current || !state.chat) return;
  const cid = state.current;
  const gid = groupOf(cid);
  for (const file of files) {
    const options = {
      to: gid || peerOf(cid), conversationType: gid ? 'GROUP' : 'C2C', payload: { file, ...extra },
      onProgress: (fraction) => {
        const up = uploads.get(msg);
        if (!up) return;
        up.progress = fraction;
        if (cid === state.current) renderMessages();
      },
    };
    let msg;
    try {
      msg = state.chat[creatorOf(file)](options);
    } catch (err) {
      toast(t('chat.sendFailed', errorOf(err)));
      continue;
    }
    uploads.set(msg, { progress: 0, name: file.name || t('preview.file'), cid, cancelled: false });
    thread(cid).messages.push(msg);
    if (state.current === cid) {
      renderMessages();
      scrollToBottom();
    }
    sendUpload(msg, cid);
  }
}

async function sendUpload(msg, cid) {
  const up = uploads.get(msg);
  try {
    await state.chat.sendMessage(msg);
  } catch (err) {
    if (!up.cancelled) {
      msg.status = 'fail';
      toast(t('chat.sendFailed', errorOf(err)));
    }
  }
  uploads.delete(msg);
  if (up.cancelled && msg.status === 'success') {
    // sent before the cancel could stop it: take it back
    state.chat.revokeMessage(msg).catch(() => {});
  }
  const th = state.threads.get(cid);
  if (th && msg.ID) th.messages = th.messages.filter((m) => m === msg || m.ID !== msg.ID);
  if (cid === state.current) renderMessages();
}

// ---- sending

function autosize() {
  const el = els.input;
  el.style.height = 'auto'; // CSP allows styles set from script (not style attributes)
  el.style.height = `${Math.min(el.scrollHeight, 140)}px`;
}

async function sendText() {
  const text = els.input.value;
  if (!text.trim() || !state.current || !state.chat) return;
  const cid = state.current;
  if (await saveEdit(cid, text)) return;
  const gid = groupOf(cid);
  const cloudCustomData = composeData(cid);
  let msg;
  try {
    if (gid) {
      const atUserList = takeMentions(cid, text);
      const options = { to: gid, conversationType: 'GROUP', payload: atUserList.length ? { text, atUserList } : { text }, cloudCustomData };
      msg = atUserList.length ? state.chat.createTextAtMessage(options) : state.chat.createTextMessage(options);
    } else {
      msg = state.chat.createTextMessage({ to: peerOf(cid), conversationType: 'C2C', payload: { text }, cloudCustomData });
    }
  } catch (err) {
    toast(t('chat.sendFailed', errorOf(err)));
    return;
  }
  els.input.value = '';
  endCompose();
  autosize();
  stopTyping();
  saveDraft(cid, '');
  toggleEmoji(false);
  const th = thread(cid);
  th.messages.push(msg);
  if (state.current === cid) {
    renderMessages();
    scrollToBottom();
  }
  await send(msg, false, cid);
}

async function send(msg, again, cid = state.current) {
  if (again) {
    msg.status = 'unSend';
    renderMessages();
  }
  try {
    const res = again ? await state.chat.resendMessage(msg) : await state.chat.sendMessage(msg);
    const sent = res && res.data && res.data.message;
    if (sent && sent !== msg) Object.assign(msg, sent);
    if (msg.status !== 'success') msg.status = 'success';
    if (msg.time) clockSkew = msg.time - Date.now() / 1000;
  } catch (err) {
    msg.status = 'fail';
    toast(t('chat.sendFailed', errorOf(err)));
  }
  // A copy may have arrived meanwhile (another path to the same message): keep one.
  const th = state.threads.get(cid);
  if (th && msg.ID) th.messages = th.messages.filter((m) => m === msg || m.ID !== msg.ID);
  if (cid === state.current) renderMessages();
}

// ---- typing indicator (chat-uikit's custom message, online users only)

function typingChanged() {
  if (!state.current || !state.chat || groupOf(state.current)) return; // typing is a C2C signal
  if (!els.input.value.trim()) {
    stopTyping();
    return;
  }
  const nowMs = Date.now();
  if (nowMs - typingSentAt > TYPING_RESEND_MS) {
    typingSentAt = nowMs;
    typingPeer = peerOf(state.current);
    sendTyping(typingPeer, 1);
  }
}

function stopTyping() {
  if (typingSentAt && typingPeer) sendTyping(typingPeer, 0);
  typingSentAt = 0;
  typingPeer = '';
}

function sendTyping(to, status) {
  if (!state.chat || !to || to === state.userID) return;
  try {
    const { TYPES } = state.sdk;
    const msg = state.chat.createCustomMessage({
      to,
      conversationType: (TYPES && TYPES.CONV_C2C) || 'C2C',
      payload: {
        data: JSON.stringify({
          businessID: TYPING_BUSINESS_ID,
          typingStatus: status,
          version: 1,
          userAction: status ? 14 : 0,
          actionParam: status ? 'EIMAMSG_InputStatus_Ing' : 'EIMAMSG_InputStatus_End',
        }),
        description: '',
        extension: '',
      },
    });
    Promise.resolve(state.chat.sendMessage(msg, { onlineUserOnly: true })).catch(() => {});
  } catch {
    // typing signals are best effort
  }
}

// ---- emoji panel

function toggleEmoji(open) {
  const next = open === undefined ? els.emojiPanel.hidden : open;
  els.emojiPanel.hidden = !next;
  els.emojiToggle.setAttribute('aria-expanded', String(next));
}
