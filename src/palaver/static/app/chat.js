// The conversation page: its header (name, avatar, the peer's typing, a group's
// member count and info button), history (paged as you scroll up; drawn by
// message-list.js), live updates, opening at a search hit, and setMessageRead
// while the conversation is open and the page visible. The message box below it
// (text, emoji, @-mentions, media, voice, typing, sending) is composer.js's. A
// right-click or long press on a bubble opens its menu (message-menu.js); quotes,
// "Edited" and reactions around a bubble are message-extras.js's.

import { closeComposer, focusComposer, initComposer, renderComposer, switchComposer, toggleEmoji } from './composer.js';
import { $, toast } from './dom.js';
import { clearUnreadMark } from './drafts.js';
import { avatar, groupOf, memberCount, peerOf, typingStatus } from './format.js';
import { onLangChange, t } from './i18n.js';
import { initMessageExtras, wantReactions } from './message-extras.js';
import {
  countNew, hideJump, initMessageList, nearBottom, renderJump, renderMessages, renderTop, scrollToBottom, showFound,
} from './message-list.js';
import { initMessageMenu } from './message-menu.js';
import { initPinned } from './pinned.js';
import { initMerged } from './merged.js';
import { fetchGroup, fetchProfiles, loadMembers } from './session.js';
import { avatarUrl, displayName, errorOf, groupName, publish, state, subscribe, thread } from './state.js';

const PAGE = 15; // getMessageList's maximum page
const LOAD_OLDER_PX = 80;

const reading = { busy: false, again: false };

const els = {};

export function initChat() {
  Object.assign(els, {
    body: $('#chat-body'),
    placeholder: $('#chat-placeholder'),
    title: $('#chat-title'),
    avatar: $('#chat-avatar'),
    typing: $('#chat-typing'),
    scroller: $('#messages'),
    items: $('#message-items'),
    info: $('#chat-info'),
  });

  $('#chat-back').addEventListener('click', () => closeConversation());
  els.info.addEventListener('click', () => {
    const gid = groupOf(state.current);
    if (gid) publish('showGroup', gid);
  });
  initComposer();

  els.scroller.addEventListener('scroll', onScroll, { passive: true });
  initMessageList();

  initMessageExtras();
  initMessageMenu();
  initPinned();
  initMerged();

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
    switchComposer(conversationID);
  }
  state.current = conversationID;
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
  if (window.matchMedia('(min-width: 768px)').matches) focusComposer();
}

export function closeConversation() {
  closeComposer();
  state.current = null;
  toggleEmoji(false);
  els.body.hidden = true;
  els.placeholder.hidden = false;
  publish('open', null);
}

/**
 * Load a conversation's newest page. A call while it is loading waits for that
 * same load (``th.pending``), so a second opener (a pinned message or a search hit
 * clicked while the chat opens) sees the page the first one asked for.
 */
function loadInitial(cid) {
  const th = thread(cid);
  if (th.pending) return th.pending;
  const load = fetchInitial(cid).finally(() => { if (th.pending === load) th.pending = null; });
  th.pending = load;
  return load;
}

async function fetchInitial(cid) {
  const th = thread(cid);
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

/** Load the page before the oldest message shown (kept in ``th.pending`` while it loads): true if it came. */
function loadOlder(cid) {
  const th = thread(cid);
  if (th.loading || th.isCompleted || !th.loaded) return Promise.resolve(false);
  const load = fetchOlder(cid).finally(() => { if (th.pending === load) th.pending = null; });
  th.pending = load;
  return load;
}

async function fetchOlder(cid) {
  const th = thread(cid);
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
    if (th.pending) await th.pending; // a page another caller asked for comes first
    if (th.messages.some((m) => m.ID === messageID)) break;
    if (th.isCompleted) break;
    if (!(await loadOlder(conversationID)) && !th.pending) break; // failed, or another load runs
  }
  if (state.current !== conversationID) return false;
  const el = [...els.items.querySelectorAll('[data-message-id]')].find((e) => e.dataset.messageId === messageID);
  if (!el) return false;
  el.scrollIntoView({ block: 'center' });
  showFound(messageID);
  return true;
}

function onScroll() {
  const cid = state.current;
  if (!cid) return;
  if (els.scroller.scrollTop < LOAD_OLDER_PX) loadOlder(cid);
  if (nearBottom()) hideJump();
}

// ---- live updates

function onIncoming(msg) {
  if (msg.conversationID !== state.current) return;
  const stick = nearBottom();
  renderMessages();
  if (stick || msg.flow === 'out') {
    scrollToBottom();
  } else {
    countNew();
  }
  if (msg.flow === 'in') markRead();
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

// ---- the header

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

