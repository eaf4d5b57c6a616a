// Contacts: add a friend by userID (30539: request sent, waiting), friend
// requests to accept or refuse, the friend list (chat, delete, block) by friend
// group with each friend's status (online/offline and custom status, followed
// with subscribeUserStatus), and the blacklist.

import { openConversation } from './chat.js';
import { $, h, toast } from './dom.js';
import { avatar } from './format.js';
import { onLangChange, t } from './i18n.js';
import { call, fetchProfiles } from './session.js';
import { avatarUrl, displayName, errorOf, state, subscribe } from './state.js';

const PENDING = 30539;

export function initContacts() {
  subscribe('friends', renderFriends);
  subscribe('profiles', renderAll);
  subscribe('applications', renderRequests);
  subscribe('groupApplications', renderRequests); // the tab's badge counts both
  subscribe('blacklist', renderBlacklist);
  onLangChange(renderAll);

  $('#add-friend-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const input = $('#add-friend-userid');
    const wording = $('#add-friend-wording');
    const to = input.value.trim();
    if (!to) return;
    const status = $('#add-friend-status');
    status.className = 'form__status';
    try {
      const res = await call('addFriend', {
        to,
        source: 'AddSource_Type_Web',
        wording: wording.value.trim(),
        type: (state.sdk.TYPES && state.sdk.TYPES.SNS_ADD_TYPE_BOTH) || 'Add_Type_Both',
      });
      const code = res && res.data && typeof res.data.code === 'number' ? res.data.code : 0;
      if (code === PENDING) {
        status.textContent = t('contacts.requestSent', { userID: to });
        status.classList.add('form__status--pending');
      } else if (code === 0) {
        status.textContent = t('contacts.added', { userID: to });
        status.classList.add('form__status--ok');
      } else {
        status.textContent = t('contacts.failed', { code, message: (res.data && res.data.message) || '' });
        status.classList.add('form__status--error');
      }
      input.value = '';
      wording.value = '';
      refresh();
    } catch (err) {
      status.textContent = t('contacts.failed', errorOf(err));
      status.classList.add('form__status--error');
    }
  });

  $('#block-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const input = $('#block-userid');
    const userID = input.value.trim();
    if (!userID) return;
    if (await block(userID)) input.value = '';
  });
}

/** Ask the SDK again (its events normally keep these current). */
async function refresh() {
  try {
    const [friends, apps, black] = await Promise.all([
      call('getFriendList'),
      call('getFriendApplicationList'),
      call('getBlacklist'),
    ]);
    const list = (x, key) => (Array.isArray(x?.data) ? x.data : (x?.data && x.data[key]) || []);
    state.friends = list(friends, 'friendList');
    const d = apps?.data || {};
    state.applications = d.friendApplicationList || [];
    state.applicationUnread = Number(d.unreadCount) || 0;
    state.blacklist = list(black, 'userIDList');
    renderAll();
  } catch (err) {
    console.warn('palaver ui: contacts refresh failed', err);
  }
}

function renderAll() {
  renderRequests();
  renderFriends();
  renderBlacklist();
}

function person(userID, name, url, extra, ...buttons) {
  return h(
    'li',
    { class: 'person', dataset: { userid: userID } },
    avatar(userID, name, url, 'md'),
    h('div', { class: 'person__body' },
      h('span', { class: 'person__name', dataset: { testid: 'person-name' }, text: name }),
      extra ? h('span', { class: 'person__extra', text: extra }) : null),
    h('div', { class: 'person__actions' }, ...buttons),
  );
}

function button(label, testid, onclick, kind = '') {
  return h('button', {
    type: 'button',
    class: `button button--small ${kind}`,
    dataset: { testid },
    text: label,
    onclick,
  });
}

function empty(text) {
  return h('li', { class: 'empty', text });
}

function renderRequests() {
  const list = $('#request-list');
  const apps = state.applications || [];
  const incoming = apps.filter((a) => a.type !== 'Pendency_Type_SendOut');
  const badge = $('#requests-badge');
  badge.textContent = String(incoming.length);
  badge.hidden = incoming.length === 0;
  const appBadge = $('#application-badge');
  const total = incoming.length + (state.groupApplications || []).length;
  appBadge.textContent = String(total);
  appBadge.hidden = total === 0;
  if (!apps.length) {
    list.replaceChildren(empty(t('contacts.noRequests')));
    return;
  }
  list.replaceChildren(
    ...apps.map((a) => {
      const name = a.nick || displayName(a.userID);
      const url = a.avatar || avatarUrl(a.userID);
      if (a.type === 'Pendency_Type_SendOut') {
        const li = person(a.userID, name, url, a.wording || '', h('span', { class: 'muted', text: t('contacts.waiting') }));
        li.dataset.testid = 'request-out';
        return li;
      }
      const li = person(
        a.userID,
        name,
        url,
        a.wording || t('contacts.wantsToAdd'),
        button(t('contacts.accept'), 'request-accept', () => answer(a.userID, true), 'button--primary'),
        button(t('contacts.refuse'), 'request-refuse', () => answer(a.userID, false)),
      );
      li.dataset.testid = 'request-in';
      return li;
    }),
  );
}

async function answer(userID, accept) {
  try {
    if (accept) {
      const type = (state.sdk.TYPES && state.sdk.TYPES.SNS_APPLICATION_AGREE_AND_ADD) || 'Response_Action_AgreeAndAdd';
      await call('acceptFriendApplication', { userID, type });
    } else {
      await call('refuseFriendApplication', { userID });
    }
  } catch (err) {
    toast(t('contacts.failed', errorOf(err)));
  }
  refresh();
}

// ---- friend groups and user status (kept here, per logged-in chat)

const people = {
  chat: null, // the chat whose events feed these
  groups: [], // FriendGroup[] ({name, userIDList, count})
  status: new Map(), // userID → {statusType, customStatus}
  followed: new Set(), // userIDs whose status we subscribed to
};

/** Hook the logged-in chat's friend-group and status events up (once per chat). */
function watchPeople() {
  const chat = state.chat;
  if (!chat || people.chat === chat) return;
  people.chat = chat;
  people.groups = [];
  people.status = new Map();
  people.followed = new Set();
  const EVENT = (state.sdk && state.sdk.EVENT) || {};
  chat.on(EVENT.FRIEND_GROUP_LIST_UPDATED || 'onFriendGroupListUpdated', (e) => {
    if (people.chat !== chat) return;
    people.groups = Array.isArray(e && e.data) ? e.data : [];
    renderFriends();
  });
  chat.on(EVENT.USER_STATUS_UPDATED || 'onUserStatusUpdated', (e) => {
    if (people.chat !== chat) return;
    rememberStatus(Array.isArray(e && e.data) ? e.data : []);
    renderFriends();
  });
  call('getFriendGroupList').then(
    (res) => {
      if (people.chat !== chat) return;
      people.groups = (res && Array.isArray(res.data) && res.data) || [];
      renderFriends();
    },
    (err) => console.warn('palaver ui: friend groups failed', err),
  );
}

function rememberStatus(list) {
  for (const u of list || []) {
    if (u && u.userID) people.status.set(u.userID, { statusType: u.statusType, customStatus: u.customStatus || '' });
  }
}

/** Follow the status of friends not followed yet (and ask it once). */
function followFriends(friends) {
  const chat = people.chat;
  const fresh = friends.map((f) => f.userID).filter((id) => !people.followed.has(id));
  if (!chat || !fresh.length) return;
  for (const id of fresh) people.followed.add(id);
  call('subscribeUserStatus', { userIDList: fresh })
    .then(() => call('getUserStatus', { userIDList: fresh }))
    .then(
      (res) => {
        if (people.chat !== chat) return;
        rememberStatus((res && res.data && res.data.successUserList) || []);
        renderFriends();
      },
      (err) => console.warn('palaver ui: user status failed', err),
    );
}

function statusLine(userID) {
  const s = people.status.get(userID);
  if (!s) return null;
  const online = s.statusType === 1;
  const text = online ? t('contacts.online') : t('contacts.offline');
  return h(
    'span',
    { class: `presence ${online ? 'presence--online' : 'presence--offline'}`, dataset: { testid: 'friend-status' } },
    s.customStatus ? `${text} · ${s.customStatus}` : text,
  );
}

function friendRow(f) {
  const name = displayName(f.userID);
  const extra = name !== f.userID ? f.userID : '';
  const li = person(
    f.userID,
    name,
    avatarUrl(f.userID),
    extra,
    button(t('contacts.message'), 'friend-message', () => startChat(f.userID), 'button--primary'),
    button(t('contacts.deleteFriend'), 'friend-delete', () => removeFriend(f.userID)),
    button(t('contacts.block'), 'friend-block', () => block(f.userID), 'button--danger'),
  );
  const status = statusLine(f.userID);
  if (status) li.querySelector('.person__body').append(status);
  li.dataset.testid = 'friend';
  return li;
}

function groupHeader(name, count) {
  return h('li', { class: 'person-group', dataset: { testid: 'friend-group', group: name }, text: `${name} (${count})` });
}

function renderFriends() {
  const list = $('#friend-list');
  const friends = state.friends || [];
  watchPeople();
  if (!friends.length) {
    list.replaceChildren(empty(t('contacts.noFriends')));
    return;
  }
  const missing = friends.filter((f) => !f.profile && !state.profiles.has(f.userID)).map((f) => f.userID);
  if (missing.length) fetchProfiles(missing);
  followFriends(friends);
  const byID = new Map(friends.map((f) => [f.userID, f]));
  const rows = [];
  const placed = new Set();
  for (const g of people.groups) {
    const members = (g.userIDList || []).filter((id) => byID.has(id));
    rows.push(groupHeader(g.name, members.length));
    for (const id of members) {
      rows.push(friendRow(byID.get(id)));
      placed.add(id);
    }
  }
  const rest = friends.filter((f) => !placed.has(f.userID));
  if (people.groups.length && rest.length) rows.push(groupHeader(t('contacts.ungrouped'), rest.length));
  rows.push(...rest.map(friendRow));
  list.replaceChildren(...rows);
}

function startChat(userID) {
  openConversation(`C2C${userID}`);
}

async function removeFriend(userID) {
  try {
    await call('deleteFriend', { userIDList: [userID] });
  } catch (err) {
    toast(t('contacts.failed', errorOf(err)));
  }
  refresh();
}

async function block(userID) {
  try {
    const res = await call('addToBlacklist', { userIDList: [userID] });
    const fail = res && res.data && res.data.failureUserIDList && res.data.failureUserIDList[0];
    if (fail) {
      toast(t('contacts.failed', { code: fail.code, message: fail.message || '' }));
      return false;
    }
  } catch (err) {
    toast(t('contacts.failed', errorOf(err)));
    return false;
  }
  refresh();
  return true;
}

async function unblock(userID) {
  try {
    await call('removeFromBlacklist', { userIDList: [userID] });
  } catch (err) {
    toast(t('contacts.failed', errorOf(err)));
  }
  refresh();
}

function renderBlacklist() {
  const list = $('#blacklist');
  const ids = state.blacklist || [];
  if (!ids.length) {
    list.replaceChildren(empty(t('contacts.noBlacklist')));
    return;
  }
  list.replaceChildren(
    ...ids.map((id) => {
      const li = person(id, displayName(id), avatarUrl(id), '', button(t('contacts.unblock'), 'unblock', () => unblock(id)));
      li.dataset.testid = 'blocked';
      return li;
    }),
  );
}
