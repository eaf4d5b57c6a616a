// The SDK side: load /sdk/palaver-chat.js, log in, turn SDK events into state
// changes and publish them to the views; log out.

import { groupOf, typingStatus } from './format.js';
import { publish, rememberProfiles, resetState, state } from './state.js';

const TYPING_TIMEOUT_MS = 6000; // hide "typing…" if the peer's "stopped" signal never comes

let sdkModule = null;
let handlers = [];

/** The SDK module (loaded on first use, so the login page works even if it fails). */
export async function loadSdk() {
  if (!sdkModule) {
    const mod = await import('/sdk/palaver-chat.js');
    sdkModule = mod.default || mod.PalaverChat || mod;
  }
  return sdkModule;
}

// ---- result shapes (Tencent's, with the protocol's wrappers tolerated)

function dataOf(res) {
  return res && typeof res === 'object' && 'data' in res ? res.data : res;
}

function listOf(res, key) {
  const d = dataOf(res);
  if (Array.isArray(d)) return d;
  return (d && Array.isArray(d[key]) && d[key]) || [];
}

export async function call(method, ...args) {
  if (!state.chat) throw { code: 6014, message: 'not logged in' };
  return state.chat[method](...args);
}

// ---- login / logout

/** Log in; resolves when the SDK is ready and the first data is loaded; rejects {code, message}. */
export async function login({ SDKAppID, userID, userSig }) {
  const PalaverChat = await loadSdk();
  const chat = PalaverChat.create({ SDKAppID: Number(SDKAppID) });
  state.sdk = PalaverChat;
  wire(chat, PalaverChat.EVENT);
  state.chat = chat;
  state.userID = userID;
  try {
    await chat.login({ userID, userSig });
  } catch (err) {
    unwire(chat);
    resetState();
    throw err;
  }
  await loadAll();
  return chat;
}

async function loadAll() {
  const chat = state.chat;
  const settle = (p) => Promise.resolve(p).then(
    (v) => v,
    (err) => {
      console.warn('palaver ui: initial load failed', err);
      return undefined;
    },
  );
  const [me, convs, total, friends, apps, black, groups, groupApps] = await Promise.all([
    settle(chat.getMyProfile()),
    settle(chat.getConversationList()),
    settle(chat.getTotalUnreadMessageCount()),
    settle(chat.getFriendList()),
    settle(chat.getFriendApplicationList()),
    settle(chat.getBlacklist()),
    settle(chat.getGroupList()),
    settle(chat.getGroupApplicationList()),
  ]);
  if (me !== undefined) setMe(dataOf(me)?.profile || dataOf(me));
  if (convs !== undefined) setConversations(listOf(convs, 'conversationList'));
  if (total !== undefined) setTotal(total);
  if (friends !== undefined) setFriends(listOf(friends, 'friendList'));
  if (apps !== undefined) setApplications(dataOf(apps));
  if (black !== undefined) setBlacklist(listOf(black, 'userIDList'));
  if (groups !== undefined) setGroups(listOf(groups, 'groupList'));
  if (groupApps !== undefined) setGroupApplications(dataOf(groupApps));
  const missing = state.conversations
    .filter((c) => c.type !== 'GROUP')
    .map((c) => c.userProfile && c.userProfile.userID)
    .filter((id) => id && !(state.profiles.get(id) || {}).nick);
  if (missing.length) fetchProfiles(missing);
}

export async function logout() {
  askedProfiles.clear();
  const chat = state.chat;
  if (chat) {
    unwire(chat);
    try {
      await chat.logout();
    } catch (err) {
      console.warn('palaver ui: logout failed', err);
    }
  }
  resetState();
}

/** Forget the session after a kick (the SDK has closed it already). */
export function dropSession() {
  if (state.chat) unwire(state.chat);
  resetState();
}

const askedProfiles = new Set(); // userIDs ensureProfiles asked for once already

/** Fetch the profiles of users not known yet, each at most once (names of group senders). */
export function ensureProfiles(userIDList) {
  const missing = [...new Set(userIDList)].filter((id) => id && !state.profiles.has(id) && !askedProfiles.has(id));
  for (const id of missing) askedProfiles.add(id);
  if (missing.length) fetchProfiles(missing);
}

export async function fetchProfiles(userIDList) {
  const ids = [...new Set(userIDList)].filter(Boolean).slice(0, 100);
  if (!ids.length || !state.chat) return [];
  try {
    const list = listOf(await state.chat.getUserProfile({ userIDList: ids }), 'profileList');
    if (rememberProfiles(list)) publish('profiles');
    return list;
  } catch (err) {
    console.warn('palaver ui: getUserProfile failed', err);
    return [];
  }
}

// ---- state setters

function setMe(profile) {
  if (!profile) return;
  state.me = profile;
  rememberProfiles([profile]);
  publish('me');
}

function setConversations(list) {
  state.conversations = Array.isArray(list) ? list : [];
  const profiles = state.conversations
    .map((c) => c.userProfile)
    .filter((p) => p && p.userID && (p.nick || p.avatar || !state.profiles.has(p.userID)));
  rememberProfiles(profiles);
  publish('conversations');
}

function setTotal(value) {
  let n = value;
  if (typeof n !== 'number') {
    const d = dataOf(n);
    n = typeof d === 'number' ? d : Number(d && d.count) || 0;
  }
  state.totalUnread = n;
  publish('unread');
}

function setFriends(list) {
  state.friends = Array.isArray(list) ? list : [];
  rememberProfiles(state.friends.map((f) => f.profile && { ...f.profile, userID: f.userID }));
  publish('friends');
}

function setApplications(data) {
  const d = data || {};
  state.applications = Array.isArray(d) ? d : d.friendApplicationList || [];
  state.applicationUnread = Number(d.unreadCount) || 0;
  publish('applications');
}

/** My groups (GROUP_LIST_UPDATED gives the whole list); groups I left are forgotten. */
function setGroups(list) {
  const mine = new Map();
  for (const g of Array.isArray(list) ? list : []) if (g && g.groupID) mine.set(g.groupID, g);
  for (const id of state.groups.keys()) {
    if (!mine.has(id)) state.members.delete(id);
  }
  state.groups = mine;
  state.groupsLoaded = true;
  publish('groups');
}

/** Remember one group's fresh profile (after a change or a look-up). */
export function rememberGroup(group) {
  if (!group || !group.groupID) return;
  const old = state.groups.get(group.groupID) || {};
  // (selfInfo comes only for members: a group I left loses it)
  state.groups.set(group.groupID, { ...old, ...group, selfInfo: group.selfInfo });
  publish('groups');
}

function setGroupApplications(data) {
  const d = data || {};
  state.groupApplications = Array.isArray(d) ? d : d.applicationList || [];
  publish('groupApplications');
}

/** Ask again for the groups and the applications to them. */
export async function refreshGroups() {
  if (!state.chat) return;
  try {
    const [groups, apps] = await Promise.all([state.chat.getGroupList(), state.chat.getGroupApplicationList()]);
    setGroups(listOf(groups, 'groupList'));
    setGroupApplications(dataOf(apps));
  } catch (err) {
    console.warn('palaver ui: group refresh failed', err);
  }
}

/** One group's profile, fetched again. */
export async function fetchGroup(groupID) {
  try {
    const res = await state.chat.getGroupProfile({ groupID });
    rememberGroup(dataOf(res).group);
  } catch (err) {
    console.warn('palaver ui: getGroupProfile failed', err);
  }
}

const MEMBER_PAGES = 10; // at most 1,000 members shown

/** Load (again) a group's members, owner first; publishes 'members' with the groupID. */
export function loadMembers(groupID) {
  const entry = state.members.get(groupID) || { list: [], loading: null, loaded: false };
  state.members.set(groupID, entry);
  if (entry.loading) {
    entry.again = true;
    return entry.loading;
  }
  entry.loading = (async () => {
    try {
      const list = [];
      let offset = 0;
      for (let page = 0; page < MEMBER_PAGES; page++) {
        const d = dataOf(await state.chat.getGroupMemberList({ groupID, count: 100, offset }));
        list.push(...(d.memberList || []));
        offset = Number(d.offset) || 0;
        if (!offset) break;
      }
      entry.list = list;
      entry.loaded = true;
      rememberProfiles(list.filter((m) => m.nick || m.avatar).map((m) => ({ userID: m.userID, nick: m.nick, avatar: m.avatar })));
    } catch (err) {
      console.warn('palaver ui: getGroupMemberList failed', err);
    } finally {
      entry.loading = null;
    }
    publish('members', groupID);
    if (entry.again) {
      entry.again = false;
      loadMembers(groupID);
    }
  })();
  return entry.loading;
}

function setBlacklist(list) {
  state.blacklist = (Array.isArray(list) ? list : []).map((x) => (typeof x === 'string' ? x : x.userID));
  publish('blacklist');
}

// ---- messages in loaded threads

/**
 * Add a message to its thread, merging by ID. Threads never opened are left
 * alone (their history is fetched on opening); a thread whose first page is
 * still loading keeps it, to merge after that page. True if it is new and shown.
 */
export function addToThread(msg) {
  const th = state.threads.get(msg.conversationID);
  if (!th) return false;
  const known = th.messages.findIndex((m) => m === msg || (m.ID && m.ID === msg.ID));
  if (known >= 0) {
    if (th.messages[known] !== msg) Object.assign(th.messages[known], msg);
    return false;
  }
  th.messages.push(msg);
  return th.loaded;
}

function findMessage(conversationID, ID) {
  const ths = conversationID ? [state.threads.get(conversationID)] : [...state.threads.values()];
  for (const th of ths) {
    const m = th && th.messages.find((x) => x.ID === ID);
    if (m) return m;
  }
  return null;
}

function setTyping(conversationID, on) {
  clearTimeout(state.typing.get(conversationID));
  state.typing.delete(conversationID);
  if (on) {
    state.typing.set(
      conversationID,
      setTimeout(() => {
        state.typing.delete(conversationID);
        publish('typing', conversationID);
      }, TYPING_TIMEOUT_MS),
    );
  }
  publish('typing', conversationID);
}

// ---- SDK events

function wire(chat, EVENT) {
  const on = (name, fn) => {
    if (!name) return;
    const wrapped = (event) => {
      try {
        fn(event ? event.data : undefined);
      } catch (err) {
        console.error(`palaver ui: ${name} handler failed`, err);
      }
    };
    chat.on(name, wrapped);
    handlers.push([name, wrapped]);
  };

  on(EVENT.MESSAGE_RECEIVED, (list) => {
    const touched = new Set();
    for (const msg of list || []) {
      const typing = typingStatus(msg);
      if (typing !== null) {
        if (msg.flow !== 'out') setTyping(msg.conversationID, typing === 1);
        continue;
      }
      if (msg.flow === 'in' && state.typing.has(msg.conversationID)) setTyping(msg.conversationID, false);
      if (msg.type === 'TIMGroupTipElem') groupChanged(groupOf(msg.conversationID), msg.payload || {});
      const added = addToThread(msg);
      touched.add(msg.conversationID);
      if (added) publish('incoming', msg);
    }
    for (const cid of touched) publish('messages', cid);
  });

  on(EVENT.MESSAGE_REVOKED, (list) => {
    const touched = new Set();
    for (const msg of list || []) {
      const known = findMessage(msg.conversationID, msg.ID);
      if (known && known !== msg) Object.assign(known, msg, { isRevoked: true });
      else if (known) known.isRevoked = true;
      touched.add(msg.conversationID || (known && known.conversationID));
    }
    for (const cid of touched) publish('messages', cid);
  });

  on(EVENT.MESSAGE_MODIFIED, (list) => {
    const touched = new Set();
    for (const msg of list || []) {
      const known = findMessage(msg.conversationID, msg.ID);
      if (known && known !== msg) Object.assign(known, msg, { isModified: true });
      touched.add(msg.conversationID || (known && known.conversationID));
    }
    for (const cid of touched) publish('messages', cid);
  });
  on(EVENT.MESSAGE_REACTIONS_UPDATED, (data) => publish('reactions', data));
  on(EVENT.PINNED_GROUP_MESSAGE_UPDATED, (data) => publish('pinned', data));

  on(EVENT.MESSAGE_READ_BY_PEER, (data) => {
    const list = Array.isArray(data) ? data : (data && data.messageList) || [];
    const bySeq = new Map(); // conversationID → highest read sequence
    for (const msg of list) {
      const known = findMessage(msg.conversationID, msg.ID);
      if (known) known.isPeerRead = true;
      bySeq.set(msg.conversationID, Math.max(bySeq.get(msg.conversationID) || 0, msg.sequence || 0));
    }
    if (data && data.conversationID && data.readSequence) {
      bySeq.set(data.conversationID, Math.max(bySeq.get(data.conversationID) || 0, data.readSequence || 0));
    }
    for (const [cid, seq] of bySeq) {
      const th = state.threads.get(cid);
      for (const m of th ? th.messages : []) {
        if (m.flow === 'out' && m.sequence && m.sequence <= seq) m.isPeerRead = true;
      }
      publish('messages', cid);
    }
  });

  on(EVENT.CONVERSATION_LIST_UPDATED, (list) => setConversations(list));
  on(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, (n) => setTotal(n));
  on(EVENT.PROFILE_UPDATED, (list) => {
    const arr = Array.isArray(list) ? list : [list];
    rememberProfiles(arr);
    const mine = arr.find((p) => p && p.userID === state.userID);
    if (mine) setMe({ ...(state.me || {}), ...mine });
    publish('profiles');
  });
  on(EVENT.FRIEND_LIST_UPDATED, (list) => setFriends(Array.isArray(list) ? list : listOf(list, 'friendList')));
  on(EVENT.FRIEND_APPLICATION_LIST_UPDATED, (data) => setApplications(data));
  on(EVENT.BLACKLIST_UPDATED, (list) => setBlacklist(Array.isArray(list) ? list : listOf(list, 'userIDList')));
  on(EVENT.GROUP_LIST_UPDATED, (list) => setGroups(Array.isArray(list) ? list : listOf(list, 'groupList')));
  on(EVENT.GROUP_APPLICATION_LIST_UPDATED, (data) => setGroupApplications(data));
  on(EVENT.NET_STATE_CHANGE, (data) => {
    state.netState = (data && data.state) || 'connected';
    publish('net');
  });
  on(EVENT.KICKED_OUT, (data) => publish('kicked', (data && data.type) || 'unknown'));
  on(EVENT.ERROR, (data) => console.warn('palaver sdk error', data));
}

/** A group tip says members or the profile changed: refresh what is shown. */
function groupChanged(groupID, tip) {
  if (!groupID) return;
  if (Number(tip.operationType) === 6) fetchGroup(groupID);
  else if (state.members.has(groupID)) loadMembers(groupID);
  if ([1, 2, 3].includes(Number(tip.operationType))) fetchGroup(groupID); // the member count
}

function unwire(chat) {
  for (const [name, fn] of handlers) {
    try {
      chat.off(name, fn);
    } catch {
      // already gone
    }
  }
  handlers = [];
}
