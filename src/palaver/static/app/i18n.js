// Strings of the chat UI in Chinese (zh-CN) and English, and the current language.
//
// The language is the one saved in localStorage ('palaver.lang'), else the
// browser's (navigator.language zh* → zh-CN, anything else → en). Static labels
// in index.html carry data-i18n (textContent), data-i18n-placeholder,
// data-i18n-label (aria-label) or data-i18n-title; views call t() when they render
// and render again on the 'lang' change (see onLangChange).

const STRINGS = {
  en: {
    'app.title': 'Palaver',
    'app.tagline': 'Self-hosted chat, compatible with Tencent Cloud IM',
    'lang.name': 'English',
    'lang.switch': '中文',
    'lang.switchLabel': 'Switch language to Chinese',

    'login.heading': 'Log in',
    'login.sdkAppID': 'SDKAppID',
    'login.userID': 'UserID',
    'login.userSig': 'UserSig',
    'login.userIDPlaceholder': 'e.g. alice',
    'login.userSigPlaceholder': 'Paste the UserSig your backend issued',
    'login.submit': 'Log in',
    'login.busy': 'Logging in…',
    'login.debugSig': 'Get a debug UserSig',
    'login.debugNote':
      'Debug only: the server signs a UserSig for any userID. Never turn this on in production; your backend must issue UserSigs.',
    'login.debugDisabled': 'This app does not sign debug UserSigs (debug_usersig is off): paste a UserSig from your backend.',
    'login.debugFailed': 'Could not get a debug UserSig (code {code}): {message}',
    'login.debugDone': 'Debug UserSig filled in.',
    'login.needFields': 'Fill in SDKAppID, UserID and UserSig.',
    'login.needIDs': 'Fill in SDKAppID and UserID first.',
    'login.failed': 'Login failed (code {code}): {message}',
    'login.kicked': 'You were logged out: {reason}',
    'kick.multipleAccount': 'this account logged in somewhere else',
    'kick.multipleDevice': 'this account logged in on another device of the same kind',
    'kick.REST_API_Kick': 'the administrator signed you out',
    'kick.userSigExpired': 'your UserSig expired',
    'kick.other': 'the server ended the session ({type})',

    'nav.chats': 'Chats',
    'nav.contacts': 'Contacts',
    'nav.me': 'Me',

    'net.connecting': 'Connecting…',
    'net.disconnected': 'Disconnected. Reconnecting…',

    'conv.empty': 'No conversations yet. Start one from Contacts or with “New chat”.',
    'conv.newChat': 'New chat',
    'conv.newChatPlaceholder': 'UserID to chat with',
    'conv.newChatGo': 'Chat',
    'conv.userNotFound': 'No user “{userID}”.',
    'conv.actions': 'More actions for {name}',
    'conv.pin': 'Pin to top',
    'conv.unpin': 'Unpin',
    'conv.delete': 'Delete conversation',
    'conv.pinned': 'Pinned',
    'conv.unreadLabel': '{count} unread',
    'conv.totalUnread': '{count} unread messages',

    'preview.image': '[Image]',
    'preview.sound': '[Voice]',
    'preview.video': '[Video]',
    'preview.file': '[File]',
    'preview.face': '[Emoji]',
    'preview.location': '[Location]',
    'preview.custom': '[Custom message]',
    'preview.merger': '[Chat history]',
    'preview.unknown': '[Message]',
    'preview.draftless': '',

    'time.yesterday': 'Yesterday',
    'day.today': 'Today',
    'day.yesterday': 'Yesterday',

    'chat.placeholder': 'Select a conversation to start chatting',
    'chat.messages': 'Messages',
    'chat.back': 'Back to the list',
    'chat.typing': 'typing…',
    'chat.loadingOlder': 'Loading earlier messages…',
    'chat.noMore': 'No earlier messages',
    'chat.inputPlaceholder': 'Type a message',
    'chat.inputLabel': 'Message',
    'chat.send': 'Send',
    'chat.emoji': 'Emoji',
    'chat.newMessages': 'New messages ↓',
    'chat.newMessagesCount': '{count} new messages ↓',
    'chat.sending': 'Sending',
    'chat.sent': 'Sent',
    'chat.failed': 'Failed',
    'chat.resend': 'Resend',
    'chat.read': 'Read',
    'chat.unread': 'Unread',
    'chat.recall': 'Recall',
    'chat.recallFailed': 'Could not recall (code {code}): {message}',
    'chat.sendFailed': 'Not sent (code {code}): {message}',
    'chat.recalledByMe': 'You recalled a message',
    'chat.recalledByPeer': '{name} recalled a message',
    'chat.messageRecalled': 'Message recalled',
    'chat.loadFailed': 'Could not load messages (code {code}): {message}',
    'chat.messageActions': 'Message actions',

    'contacts.add': 'Add a friend',
    'contacts.addPlaceholder': 'UserID',
    'contacts.wordingPlaceholder': 'Say hello (optional)',
    'contacts.addButton': 'Add',
    'contacts.requestSent': 'Friend request sent to {userID}. Waiting for their answer.',
    'contacts.added': '{userID} is now your friend.',
    'contacts.failed': 'Failed (code {code}): {message}',
    'contacts.requests': 'Friend requests',
    'contacts.noRequests': 'No friend requests',
    'contacts.accept': 'Accept',
    'contacts.refuse': 'Refuse',
    'contacts.waiting': 'Waiting for verification',
    'contacts.wantsToAdd': 'wants to be your friend',
    'contacts.friends': 'Friends',
    'contacts.noFriends': 'No friends yet',
    'contacts.message': 'Message',
    'contacts.deleteFriend': 'Delete',
    'contacts.block': 'Block',
    'contacts.blacklist': 'Blocked users',
    'contacts.noBlacklist': 'Nobody is blocked',
    'contacts.blockPlaceholder': 'UserID to block',
    'contacts.blockButton': 'Block',
    'contacts.unblock': 'Unblock',

    'profile.heading': 'My profile',
    'profile.nick': 'Nickname',
    'profile.avatar': 'Avatar URL',
    'profile.signature': 'Signature',
    'profile.allowType': 'Friend requests',
    'profile.allowAny': 'Allow anyone to add me',
    'profile.needConfirm': 'Require my confirmation',
    'profile.denyAny': 'Refuse all requests',
    'profile.save': 'Save',
    'profile.saved': 'Profile saved.',
    'profile.failed': 'Not saved (code {code}): {message}',
    'profile.language': 'Language',
    'profile.logout': 'Log out',
    'profile.userID': 'UserID: {userID}',
  },
  'zh-CN': {
    'app.title': 'Palaver',
    'app.tagline': '自托管的即时通信，兼容腾讯云 IM',
    'lang.name': '中文',
    'lang.switch': 'English',
    'lang.switchLabel': '切换到英文',

    'login.heading': '登录',
    'login.sdkAppID': 'SDKAppID',
    'login.userID': '用户 ID',
    'login.userSig': 'UserSig',
    'login.userIDPlaceholder': '例如 alice',
    'login.userSigPlaceholder': '粘贴后台签发的 UserSig',
    'login.submit': '登录',
    'login.busy': '正在登录…',
    'login.debugSig': '获取调试 UserSig',
    'login.debugNote': '仅供调试：服务器会为任意用户 ID 签发 UserSig。生产环境切勿开启，应由您的后台签发 UserSig。',
    'login.debugDisabled': '此应用未开启调试签名（debug_usersig 已关闭）：请粘贴后台签发的 UserSig。',
    'login.debugFailed': '获取调试 UserSig 失败（错误码 {code}）：{message}',
    'login.debugDone': '已填入调试 UserSig。',
    'login.needFields': '请填写 SDKAppID、用户 ID 和 UserSig。',
    'login.needIDs': '请先填写 SDKAppID 和用户 ID。',
    'login.failed': '登录失败（错误码 {code}）：{message}',
    'login.kicked': '您已下线：{reason}',
    'kick.multipleAccount': '该账号已在其他地方登录',
    'kick.multipleDevice': '该账号已在同类设备上登录',
    'kick.REST_API_Kick': '管理员已将您踢下线',
    'kick.userSigExpired': 'UserSig 已过期',
    'kick.other': '服务器结束了会话（{type}）',

    'nav.chats': '消息',
    'nav.contacts': '通讯录',
    'nav.me': '我',

    'net.connecting': '连接中…',
    'net.disconnected': '连接已断开，正在重连…',

    'conv.empty': '暂无会话。可从通讯录或“发起会话”开始聊天。',
    'conv.newChat': '发起会话',
    'conv.newChatPlaceholder': '输入对方用户 ID',
    'conv.newChatGo': '聊天',
    'conv.userNotFound': '用户“{userID}”不存在。',
    'conv.actions': '{name} 的更多操作',
    'conv.pin': '置顶',
    'conv.unpin': '取消置顶',
    'conv.delete': '删除会话',
    'conv.pinned': '已置顶',
    'conv.unreadLabel': '{count} 条未读',
    'conv.totalUnread': '{count} 条未读消息',

    'preview.image': '[图片]',
    'preview.sound': '[语音]',
    'preview.video': '[视频]',
    'preview.file': '[文件]',
    'preview.face': '[表情]',
    'preview.location': '[位置]',
    'preview.custom': '[自定义消息]',
    'preview.merger': '[聊天记录]',
    'preview.unknown': '[消息]',
    'preview.draftless': '',

    'time.yesterday': '昨天',
    'day.today': '今天',
    'day.yesterday': '昨天',

    'chat.placeholder': '选择一个会话开始聊天',
    'chat.messages': '消息记录',
    'chat.back': '返回会话列表',
    'chat.typing': '对方正在输入…',
    'chat.loadingOlder': '正在加载更早的消息…',
    'chat.noMore': '没有更早的消息了',
    'chat.inputPlaceholder': '输入消息',
    'chat.inputLabel': '消息',
    'chat.send': '发送',
    'chat.emoji': '表情',
    'chat.newMessages': '有新消息 ↓',
    'chat.newMessagesCount': '{count} 条新消息 ↓',
    'chat.sending': '发送中',
    'chat.sent': '已发送',
    'chat.failed': '发送失败',
    'chat.resend': '重发',
    'chat.read': '已读',
    'chat.unread': '未读',
    'chat.recall': '撤回',
    'chat.recallFailed': '撤回失败（错误码 {code}）：{message}',
    'chat.sendFailed': '发送失败（错误码 {code}）：{message}',
    'chat.recalledByMe': '你撤回了一条消息',
    'chat.recalledByPeer': '{name} 撤回了一条消息',
    'chat.messageRecalled': '消息已撤回',
    'chat.loadFailed': '加载消息失败（错误码 {code}）：{message}',
    'chat.messageActions': '消息操作',

    'contacts.add': '添加好友',
    'contacts.addPlaceholder': '用户 ID',
    'contacts.wordingPlaceholder': '验证消息（可选）',
    'contacts.addButton': '添加',
    'contacts.requestSent': '已向 {userID} 发送好友申请，等待对方验证。',
    'contacts.added': '{userID} 已成为您的好友。',
    'contacts.failed': '操作失败（错误码 {code}）：{message}',
    'contacts.requests': '新的朋友',
    'contacts.noRequests': '暂无好友申请',
    'contacts.accept': '同意',
    'contacts.refuse': '拒绝',
    'contacts.waiting': '等待验证',
    'contacts.wantsToAdd': '请求添加您为好友',
    'contacts.friends': '好友',
    'contacts.noFriends': '暂无好友',
    'contacts.message': '发消息',
    'contacts.deleteFriend': '删除',
    'contacts.block': '拉黑',
    'contacts.blacklist': '黑名单',
    'contacts.noBlacklist': '黑名单为空',
    'contacts.blockPlaceholder': '要拉黑的用户 ID',
    'contacts.blockButton': '拉黑',
    'contacts.unblock': '移出黑名单',

    'profile.heading': '我的资料',
    'profile.nick': '昵称',
    'profile.avatar': '头像 URL',
    'profile.signature': '个性签名',
    'profile.allowType': '加好友验证',
    'profile.allowAny': '允许任何人添加我',
    'profile.needConfirm': '需要我验证',
    'profile.denyAny': '拒绝任何人添加',
    'profile.save': '保存',
    'profile.saved': '资料已保存。',
    'profile.failed': '保存失败（错误码 {code}）：{message}',
    'profile.language': '语言',
    'profile.logout': '退出登录',
    'profile.userID': '用户 ID：{userID}',
  },
};

export const LANGS = ['zh-CN', 'en'];
const STORAGE_KEY = 'palaver.lang';

function detect() {
  let saved = null;
  try {
    saved = localStorage.getItem(STORAGE_KEY);
  } catch {
    // storage may be unavailable (privacy mode): fall back to the browser's language
  }
  if (saved && STRINGS[saved]) return saved;
  const nav = (navigator.languages && navigator.languages[0]) || navigator.language || 'en';
  return nav.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

let lang = detect();
const listeners = new Set();

export function getLang() {
  return lang;
}

/** The string for `key` in the current language, with {name} placeholders filled. */
export function t(key, params) {
  const table = STRINGS[lang] || STRINGS.en;
  let s = key in table ? table[key] : key in STRINGS.en ? STRINGS.en[key] : key;
  if (params) {
    s = s.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
  }
  return s;
}

/** Switch the language, remember it, relabel the page and tell the views. */
export function setLang(next) {
  if (!STRINGS[next] || next === lang) return;
  lang = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // not persisted: fine
  }
  applyStatic(document);
  for (const fn of listeners) fn(lang);
}

export function toggleLang() {
  setLang(lang === 'en' ? 'zh-CN' : 'en');
}

export function onLangChange(fn) {
  listeners.add(fn);
}

/** Fill the data-i18n* attributes under `root`. */
export function applyStatic(root) {
  document.documentElement.lang = lang;
  document.title = t('app.title');
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
  for (const el of root.querySelectorAll('[data-i18n-label]')) {
    el.setAttribute('aria-label', t(el.dataset.i18nLabel));
  }
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
}
