// The conversation list: avatar, name (remark or nick), last-message preview,
// time, unread badge, pinned on top, pin/unpin and delete; live from
// CONVERSATION_LIST_UPDATED. Group conversations show the group's name, the
// sender before the preview, and "[@me]" / "[@all]" while an @-mention of me
// is unread. Also the "new chat" box and the total-unread badge.
// Muted conversations (do not disturb) show a dot instead of the count and are
// left out of the total; the conversation groups a conversation is in show by
// its name. Its menu (conversation-menu.js): pin, mute, mark unread, move to a
// conversation group, delete. A conversation not open shows its saved draft as
// its preview.

import { openConversation } from './chat.js';
import { MARK_UNREAD, initConversationMenu, isMuted, menuOpenFor, openConversationMenu } from './conversation-menu.js';
import { $, h, toast } from './dom.js';
import { closedByPress } from './popup-menu.js';
import { avatar, groupOf, listTime, peerOf, preview, tipText } from './format.js';
import { onLangChange, t } from './i18n.js';
import { ensureProfiles, fetchProfiles } from './session.js';
import {
  avatarUrl, displayName, groupName, memberName, state, subscribe,
} from './state.js';

export function initConversations() {
  for (const topic of ['conversations', 'profiles', 'friends', 'typing', 'open', 'me', 'groups', 'members']) {
    subscribe(topic, renderList);
  }
  subscribe('unread', renderTotal);
  onLangChange(() => {
    renderList();
    renderTotal();
  });

  $('#new-chat-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const input = $('#new-chat-input');
    const userID = input.value.trim();
    if (!userID) return;
    const found = await fetchProfiles([userID]);
    if (!found.some((p) => p.userID === userID)) {
      toast(t('conv.userNotFound', { userID }));
      return;
    }
    input.value = '';
    openConversation(`C2C${userID}`);
  });

  initConversationMenu();
}

function renderTotal() {
  const badge = $('#total-unread');
  const n = state.totalUnread || 0;
  badge.textContent = n > 99 ? '99+' : String(n);
  badge.hidden = n <= 0;
  badge.setAttribute('aria-label', t('conv.totalUnread', { count: n }));
  document.title = n > 0 ? `(${n > 99 ? '99+' : n}) ${t('app.title')}` : t('app.title');
}

export function renderList() {
  const list = $('#conv-list');
  const items = state.conversations.filter((c) => c && c.conversationID);
  $('#conv-empty').hidden = items.length > 0;
  list.replaceChildren(...items.map(item));
  const senders = items.filter((c) => c.type === 'GROUP' && c.lastMessage).map((c) => c.lastMessage.from);
  ensureProfiles(senders);
}

/** "[@me]" or "[@all]" while the conversation has an unread @-mention of me (or of everyone). */
function atMarker(conv) {
  const types = (conv.groupAtInfoList || []).flatMap((a) => a.atTypeArray || []);
  if (types.includes(1) || types.includes(3)) return t('conv.atMe');
  if (types.includes(2)) return t('conv.atAll');
  return '';
}

/** A group conversation's preview: tips as a line, others as "Sender: text". */
function groupPreview(gid, last) {
  if (!last) return '';
  const nameOf = (id) => memberName(gid, id);
  if (last.type === 'TIMGroupTipElem' || last.type === 'TIMGroupSystemNoticeElem') return tipText(last, nameOf);
  const text = preview(last, state.userID, nameOf(last.revoker || last.from));
  if (last.isRevoked || !last.from) return text;
  return `${last.from === state.userID ? t('conv.me') : nameOf(last.from)}: ${text}`;
}

function item(conv) {
  const cid = conv.conversationID;
  const gid = groupOf(cid);
  const group = gid ? state.groups.get(gid) || conv.groupProfile || {} : null;
  const peer = gid || (conv.userProfile && conv.userProfile.userID) || peerOf(cid);
  const name = gid ? groupName(gid) : conv.remark || displayName(peer);
  const url = gid ? group.avatar || '' : avatarUrl(peer) || (conv.userProfile && conv.userProfile.avatar) || '';
  const unread = conv.unreadCount || 0;
  const muted = isMuted(conv);
  const markedUnread = (conv.markList || []).includes(MARK_UNREAD);
  const typing = state.typing.has(cid);
  const last = conv.lastMessage;
  const draft = cid !== state.current ? conv.draftText || '' : '';
  let text = typing ? t('chat.typing') : gid ? groupPreview(gid, last) : preview(last, state.userID, name);
  if (draft && !typing) text = `${t('conv.draft')} ${draft}`;
  const marker = gid ? atMarker(conv) : '';

  const classes = ['conv'];
  if (conv.isPinned) classes.push('conv--pinned');
  if (cid === state.current) classes.push('conv--active');
  if (menuOpenFor() === cid) classes.push('conv--menu-open');

  let badge = null;
  if (unread > 0 && !muted) {
    badge = h('span', {
      class: 'badge conv__badge',
      dataset: { testid: 'unread-badge' },
      'aria-label': t('conv.unreadLabel', { count: unread }),
      text: unread > 99 ? '99+' : String(unread),
    });
  } else if (unread > 0 || markedUnread) {
    badge = h('span', {
      class: 'conv__dot',
      dataset: { testid: muted ? 'muted-dot' : 'marked-unread' },
      'aria-label': t('conv.unreadLabel', { count: unread || 1 }),
    });
  }
  const groups = conv.conversationGroupList || [];

  const main = h(
    'button',
    {
      type: 'button',
      class: 'conv__main',
      dataset: { testid: 'conversation-open' },
      'aria-current': cid === state.current ? 'true' : null,
      onclick: () => openConversation(cid),
    },
    avatar(peer, name, url, 'md'),
    h(
      'span',
      { class: 'conv__body' },
      h(
        'span',
        { class: 'conv__row' },
        h('span', { class: 'conv__name', dataset: { testid: 'conversation-name' }, text: name }),
        conv.isPinned ? h('span', { class: 'pin-mark', title: t('conv.pinned'), 'aria-label': t('conv.pinned') }) : null,
        muted ? h('span', { class: 'mute-mark', dataset: { testid: 'muted-mark' }, title: t('conv.muted'), 'aria-label': t('conv.muted') }) : null,
        ...groups.map((g) => h('span', { class: 'conv__group', dataset: { testid: 'conversation-group' }, text: g })),
        h('span', { class: 'conv__time', text: last ? listTime(last.time) : '' }),
      ),
      h(
        'span',
        { class: 'conv__row' },
        marker ? h('span', { class: 'conv__at', dataset: { testid: 'at-marker' }, text: marker }) : null,
        h('span', {
          class: typing ? 'conv__preview conv__preview--typing' : 'conv__preview',
          dataset: { testid: 'conversation-preview' },
          text,
        }),
        badge,
      ),
    ),
  );

  const more = h('button', {
    type: 'button',
    class: 'conv__more icon-button',
    dataset: { testid: 'conversation-more' },
    'aria-label': t('conv.actions', { name }),
    title: t('conv.actions', { name }),
    'aria-haspopup': 'menu',
    'aria-expanded': menuOpenFor() === cid ? 'true' : 'false',
    onclick: (ev) => closedByPress(ev.currentTarget) || openConversationMenu(conv, ev.currentTarget),
  }, h('span', { class: 'icon icon--more', 'aria-hidden': 'true' }));

  return h(
    'li',
    { class: classes.join(' '), dataset: { testid: 'conversation-item', conversationId: cid } },
    main,
    more,
  );
}
