// The message box: text and emoji sending, the @-mention picker (mention.js),
// status while sending (sending / sent / failed + resend), media (attach, paste
// or drop files: images, voice, video, any file; a voice recording), the upload
// progress (message-content.js draws it), the peer's typing indicator we send,
// drafts per conversation, and the notice instead of the box in a group I am no
// longer in. The quote / edit bar above it is message-menu.js's.

import { $, toast } from './dom.js';
import { draftOf, saveDraft } from './drafts.js';
import { initEmojiPanel, insertAtCaret } from './emoji.js';
import { TYPING_BUSINESS_ID, groupOf, peerOf } from './format.js';
import { t } from './i18n.js';
import { creatorOf, uploads } from './message-content.js';
import { learnClock, renderMessages, scrollToBottom } from './message-list.js';
import { composeData, endCompose, saveEdit } from './message-menu.js';
import { initMentions, mentionKey, takeMentions } from './mention.js';
import { errorOf, state, thread } from './state.js';

const TYPING_RESEND_MS = 4000; // repeat "typing" while typing, so the peer's timeout never fires

let typingSentAt = 0; // when I last told the peer "typing" (0: not typing)
let typingPeer = '';

const els = {};

export function initComposer() {
  Object.assign(els, {
    body: $('#chat-body'),
    form: $('#composer'),
    input: $('#composer-input'),
    emojiPanel: $('#emoji-panel'),
    emojiToggle: $('#emoji-toggle'),
    notice: $('#chat-notice'),
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
}

/** The message box moves to another conversation: this one's draft is kept, that one's put in. */
export function switchComposer(conversationID) {
  stopTyping();
  endCompose();
  saveDraft(state.current, els.input.value);
  els.input.value = draftOf(conversationID);
  autosize();
}

/** The conversation closes: its draft is kept and the box emptied. */
export function closeComposer() {
  stopTyping();
  endCompose();
  saveDraft(state.current, els.input.value);
  els.input.value = '';
}

export function focusComposer() {
  els.input.focus({ preventScroll: true });
}

/** A group I am no longer in (left, removed, dismissed) keeps its history but takes no messages. */
export function renderComposer(gid) {
  const g = gid ? state.groups.get(gid) : null;
  const gone = Boolean(gid) && state.groupsLoaded && !(g && g.selfInfo);
  els.form.hidden = gone;
  els.notice.hidden = !gone;
  els.notice.textContent = gone ? t('group.notMember') : '';
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

export async function send(msg, again, cid = state.current) {
  if (again) {
    msg.status = 'unSend';
    renderMessages();
  }
  try {
    const res = again ? await state.chat.resendMessage(msg) : await state.chat.sendMessage(msg);
    const sent = res && res.data && res.data.message;
    if (sent && sent !== msg) Object.assign(msg, sent);
    if (msg.status !== 'success') msg.status = 'success';
    if (msg.time) learnClock(msg.time);
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

export function toggleEmoji(open) {
  const next = open === undefined ? els.emojiPanel.hidden : open;
  els.emojiPanel.hidden = !next;
  els.emojiToggle.setAttribute('aria-expanded', String(next));
}
