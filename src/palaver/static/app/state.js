// The app's state and a tiny publish/subscribe bus between the SDK wiring
// (session.js) and the views.
//
// Topics: 'conversations', 'unread', 'profiles', 'friends', 'applications',
// 'blacklist', 'messages' (conversationID), 'message' (msg), 'typing'
// (conversationID), 'open' (conversationID|null), 'tab', 'net', 'me',
// 'reactions' (MESSAGE_REACTIONS_UPDATED's data).

export const state = {
  chat: null, // the PalaverChat instance once logged in
  sdk: null, // the PalaverChat module (EVENT, TYPES)
  userID: '',
  me: null, // my profile
  conversations: [], // as the SDK lists them: pinned first, newest first
  conversationGroups: [], // my conversation groups' names (getConversationGroupList)
  totalUnread: 0,
  profiles: new Map(), // userID → profile (friends, peers, me)
  friends: [], // Friend[]
  applications: [], // friend applications (in and out)
  applicationUnread: 0,
  blacklist: [], // userID[]
  groups: new Map(), // groupID → Group (mine have selfInfo; others I looked at do not)
  groupsLoaded: false, // the group list came at least once
  members: new Map(), // groupID → {list: GroupMember[], loading: Promise|null}
  groupApplications: [], // applications to groups I own or administer
  current: null, // the open conversationID
  threads: new Map(), // conversationID → Thread
  typing: new Map(), // conversationID → timer id while the peer types
  tab: 'chats',
  netState: 'connected',
};

/** The messages of one conversation as loaded so far (``pending``: the page load under way). */
export function thread(conversationID) {
  let th = state.threads.get(conversationID);
  if (!th) {
    th = { messages: [], nextReqMessageID: '', isCompleted: false, loaded: false, loading: false, pending: null };
    state.threads.set(conversationID, th);
  }
  return th;
}

const topics = new Map();

export function subscribe(topic, fn) {
  if (!topics.has(topic)) topics.set(topic, new Set());
  topics.get(topic).add(fn);
}

export function publish(topic, arg) {
  for (const fn of topics.get(topic) || []) {
    try {
      fn(arg);
    } catch (err) {
      console.error(`palaver ui: ${topic} handler failed`, err);
    }
  }
}

/** Everything about the logged-in user forgotten (logout, kick). */
export function resetState() {
  for (const timer of state.typing.values()) clearTimeout(timer);
  Object.assign(state, {
    chat: null,
    userID: '',
    me: null,
    conversations: [],
    conversationGroups: [],
    totalUnread: 0,
    profiles: new Map(),
    friends: [],
    applications: [],
    applicationUnread: 0,
    blacklist: [],
    groups: new Map(),
    groupsLoaded: false,
    members: new Map(),
    groupApplications: [],
    current: null,
    threads: new Map(),
    typing: new Map(),
    tab: 'chats',
    netState: 'connected',
  });
}

/** The name to show for a user: my remark for a friend, else their nick, else the userID. */
export function displayName(userID) {
  const friend = state.friends.find((f) => f.userID === userID);
  if (friend && friend.remark) return friend.remark;
  const p = state.profiles.get(userID) || (friend && friend.profile);
  return (p && p.nick) || userID;
}

/** A group member (from the loaded member list), or null. */
export function memberOf(groupID, userID) {
  const m = state.members.get(groupID);
  return (m && m.list.find((x) => x.userID === userID)) || null;
}

/** A user's name in a group: their name card, else their nick, else the userID. */
export function memberName(groupID, userID) {
  const m = memberOf(groupID, userID);
  if (m && m.nameCard) return m.nameCard;
  const p = state.profiles.get(userID);
  return (m && m.nick) || (p && p.nick) || userID;
}

/** The group's name (or its ID while unknown). */
export function groupName(groupID) {
  const g = state.groups.get(groupID);
  if (g && g.name) return g.name;
  const conv = state.conversations.find((c) => c.conversationID === `GROUP${groupID}`);
  return (conv && conv.groupProfile && conv.groupProfile.name) || groupID;
}

/** My role in a group ('Owner', 'Admin', 'Member'), or '' if I am not a member. */
export function myRole(groupID) {
  const g = state.groups.get(groupID);
  if (g && g.selfInfo && g.selfInfo.role) return g.selfInfo.role;
  const me = memberOf(groupID, state.userID);
  return me ? me.role : '';
}

export function avatarUrl(userID) {
  const p = state.profiles.get(userID);
  if (p && p.avatar) return p.avatar;
  const friend = state.friends.find((f) => f.userID === userID);
  return (friend && friend.profile && friend.profile.avatar) || '';
}

/** Remember profiles (merging with what is known). */
export function rememberProfiles(list) {
  let changed = false;
  for (const p of list || []) {
    if (!p || !p.userID) continue;
    const old = state.profiles.get(p.userID) || {};
    state.profiles.set(p.userID, { ...old, ...p });
    changed = true;
  }
  return changed;
}

/** An error from the SDK as {code, message} (whatever was thrown). */
export function errorOf(err) {
  if (err && typeof err === 'object') {
    return { code: err.code ?? -1, message: err.message || String(err) };
  }
  return { code: -1, message: String(err) };
}
