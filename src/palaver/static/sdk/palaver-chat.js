/**
 * Palaver JavaScript SDK: `@tencentcloud/chat`'s API over Palaver's client
 * protocol (docs/protocol.md, version 1).
 *
 * A dependency-free ES module, no build step:
 *
 *     import PalaverChat from '/sdk/palaver-chat.js';
 *     const chat = PalaverChat.create({SDKAppID: 1400000000});
 *     chat.on(PalaverChat.EVENT.MESSAGE_RECEIVED, ({data}) => console.log(data));
 *     await chat.login({userID: 'alice', userSig});
 *
 * Calls resolve `{code: 0, data}` and reject with a {@link ChatError}
 * `{code, message}`, as Tencent's do. Listeners get `{name, data}`.
 *
 * How it works (the same logic as the Python SDK, `palaver.client`, and its
 * sans-I/O core `palaver.protocol.client.ClientSession`):
 *
 * - One WebSocket at a time. Requests carry an integer `id` (unique per
 *   session); responses are matched by it; a lost connection rejects the
 *   requests in flight with 2800, an unanswered one times out with 2801.
 * - Every stored event the server pushes has a `seq` in the user's event
 *   stream. The SDK keeps the last one it processed (the *cursor*) across
 *   reconnects and sends it in `login`, so the server replays exactly what was
 *   missed. Pushes at or below the cursor are dropped (already processed).
 * - Each group is a stream of its own (pushes with `stream: "GROUP<id>"`,
 *   docs/protocol.md §8.1): the SDK keeps a cursor per group, sends them as
 *   `groupCursors` when it logs in again, starts a group's cursor at the
 *   `joinSeq` of the membership event that says I joined, and forgets it when
 *   I leave. Group messages are encoded once for all members: the SDK sets
 *   `flow: 'out'` on mine. AVChatRooms are joined again after a reconnect.
 * - Messages are also dropped when their `ID` was seen already, and when they
 *   are the echo of a send made from this device (recognised by `random` while
 *   the send is in flight, by `ID` after it was answered): the sender's copy is
 *   the Message object `sendMessage` updated.
 * - Pushes are handled one at a time, in order, by a queue (the *pump*): it
 *   keeps the conversation list, marks messages revoked or read, refetches what
 *   an event says changed, and emits Tencent's events.
 * - After an unexpected disconnect the SDK reconnects by itself with
 *   exponential backoff and logs in again with the kept cursor. Logout and a
 *   kick (close code 4001) end the session instead.
 *
 * The SDK does no DOM work and never interprets message content: text is a
 * plain string for the app to render as text.
 *
 * @module palaver-chat
 */

const PROTOCOL_VERSION = 1;
const MAX_PAGE = 15; // getMessageList's cap, as Tencent's SDK clamps it
const SEEN_IDS = 5000; // message IDs remembered for duplicate suppression
const CACHED_MESSAGES = 5000; // message objects kept so recalls/receipts update them in place
const DISCONNECTED_AFTER = 3; // failed reconnect attempts before NET_STATE_CHANGE "disconnected"
const CLOSE_KICKED = 4001; // docs/protocol.md §3.3
const CLOSE_HEARTBEAT = 4000;
const UINT32 = 0x100000000;

/** Error codes the SDK makes itself (the rest are the server's Tencent codes). */
const ERROR_CODE = Object.freeze({
  /** The connection was lost (or could not be opened) before the answer. */
  NETWORK: 2800,
  /** No answer within `requestTimeout`. */
  REQUEST_TIMEOUT: 2801,
  /** Not logged in (logged out, kicked out, or the session ended). */
  NOT_LOGGED_IN: 6014,
  /** Invalid parameters, checked before anything is sent. */
  INVALID_PARAMETERS: 6017,
  /** Kicked offline by another login (Tencent ERR_LOGIN_KICKED_OFF_BY_OTHER). */
  KICKED: 6208,
  /** UserSig expired (server code 70001; Tencent's native SDKs also say 6206). */
  USER_SIG_EXPIRED: 70001,
});

/** Login errors worth retrying while reconnecting (others end the session). */
const TRANSIENT_CODES = new Set([ERROR_CODE.NETWORK, ERROR_CODE.REQUEST_TIMEOUT, 70169, 70500]);

/** Event names: Tencent's `TencentCloudChat.EVENT`, same names and values. */
const EVENT = Object.freeze({
  SDK_READY: 'sdkStateReady',
  SDK_NOT_READY: 'sdkStateNotReady',
  MESSAGE_RECEIVED: 'onMessageReceived',
  MESSAGE_MODIFIED: 'onMessageModified',
  MESSAGE_REVOKED: 'onMessageRevoked',
  MESSAGE_READ_BY_PEER: 'onMessageReadByPeer',
  MESSAGE_READ_RECEIPT_RECEIVED: 'onMessageReadReceiptReceived',
  CONVERSATION_LIST_UPDATED: 'onConversationListUpdated',
  TOTAL_UNREAD_MESSAGE_COUNT_UPDATED: 'onTotalUnreadMessageCountUpdated',
  GROUP_LIST_UPDATED: 'onGroupListUpdated',
  GROUP_ATTRIBUTES_UPDATED: 'groupAttributesUpdated',
  PROFILE_UPDATED: 'onProfileUpdated',
  USER_STATUS_UPDATED: 'onUserStatusUpdated',
  BLACKLIST_UPDATED: 'blacklistUpdated',
  FRIEND_LIST_UPDATED: 'onFriendListUpdated',
  FRIEND_GROUP_LIST_UPDATED: 'onFriendGroupListUpdated',
  FRIEND_APPLICATION_LIST_UPDATED: 'onFriendApplicationListUpdated',
  /** Palaver: applications to groups I own or administer changed (Tencent says it with system notices). */
  GROUP_APPLICATION_LIST_UPDATED: 'onGroupApplicationListUpdated',
  KICKED_OUT: 'kickedOut',
  ERROR: 'error',
  NET_STATE_CHANGE: 'netStateChange',
});

/** Enumerated values: Tencent's `TencentCloudChat.TYPES` (plus `MSG_STATUS_*`). */
const TYPES = Object.freeze({
  // conversations
  CONV_C2C: 'C2C',
  CONV_GROUP: 'GROUP',
  CONV_SYSTEM: '@TIM#SYSTEM',
  // message element types
  MSG_TEXT: 'TIMTextElem',
  MSG_IMAGE: 'TIMImageElem',
  MSG_AUDIO: 'TIMSoundElem',
  MSG_VIDEO: 'TIMVideoFileElem',
  MSG_FILE: 'TIMFileElem',
  MSG_FACE: 'TIMFaceElem',
  MSG_LOCATION: 'TIMLocationElem',
  MSG_CUSTOM: 'TIMCustomElem',
  MSG_MERGER: 'TIMRelayElem',
  MSG_GRP_TIP: 'TIMGroupTipElem',
  MSG_GRP_SYS_NOTICE: 'TIMGroupSystemNoticeElem',
  // message status (Message.status; a Palaver convenience, the values are Tencent's)
  MSG_STATUS_UNSEND: 'unSend',
  MSG_STATUS_SUCCESS: 'success',
  MSG_STATUS_FAIL: 'fail',
  // message priority
  MSG_PRIORITY_HIGH: 'High',
  MSG_PRIORITY_NORMAL: 'Normal',
  MSG_PRIORITY_LOW: 'Low',
  MSG_PRIORITY_LOWEST: 'Lowest',
  // message remind types
  MSG_REMIND_ACPT_AND_NOTE: 'AcceptAndNotify',
  MSG_REMIND_ACPT_NOT_NOTE: 'AcceptNotNotify',
  MSG_REMIND_DISCARD: 'Discard',
  // KICKED_OUT data.type
  KICKED_OUT_MULT_ACCOUNT: 'multipleAccount',
  KICKED_OUT_MULT_DEVICE: 'multipleDevice',
  KICKED_OUT_USERSIG_EXPIRED: 'userSigExpired',
  KICKED_OUT_REST_API: 'REST_API_Kick',
  // NET_STATE_CHANGE data.state
  NET_STATE_CONNECTED: 'connected',
  NET_STATE_CONNECTING: 'connecting',
  NET_STATE_DISCONNECTED: 'disconnected',
  // profile
  GENDER_UNKNOWN: 'Gender_Type_Unknown',
  GENDER_FEMALE: 'Gender_Type_Female',
  GENDER_MALE: 'Gender_Type_Male',
  ALLOW_TYPE_ALLOW_ANY: 'AllowType_Type_AllowAny',
  ALLOW_TYPE_NEED_CONFIRM: 'AllowType_Type_NeedConfirm',
  ALLOW_TYPE_DENY_ANY: 'AllowType_Type_DenyAny',
  FORBID_TYPE_NONE: 'AdminForbid_Type_None',
  FORBID_TYPE_SEND_OUT: 'AdminForbid_Type_SendOut',
  // relationship chain
  SNS_ADD_TYPE_SINGLE: 'Add_Type_Single',
  SNS_ADD_TYPE_BOTH: 'Add_Type_Both',
  SNS_DELETE_TYPE_SINGLE: 'Delete_Type_Single',
  SNS_DELETE_TYPE_BOTH: 'Delete_Type_Both',
  SNS_CHECK_TYPE_SINGLE: 'CheckResult_Type_Single',
  SNS_CHECK_TYPE_BOTH: 'CheckResult_Type_Both',
  SNS_TYPE_NO_RELATION: 'CheckResult_Type_NoRelation',
  SNS_TYPE_A_WITH_B: 'CheckResult_Type_AWithB',
  SNS_TYPE_B_WITH_A: 'CheckResult_Type_BWithA',
  SNS_TYPE_BOTH_WAY: 'CheckResult_Type_BothWay',
  SNS_APPLICATION_SENT_TO_ME: 'Pendency_Type_ComeIn',
  SNS_APPLICATION_SENT_BY_ME: 'Pendency_Type_SendOut',
  SNS_APPLICATION_TYPE_BOTH: 'Pendency_Type_Both',
  SNS_APPLICATION_AGREE: 'Response_Action_Agree',
  SNS_APPLICATION_AGREE_AND_ADD: 'Response_Action_AgreeAndAdd',
  // group types
  GRP_WORK: 'Private',
  GRP_PUBLIC: 'Public',
  GRP_MEETING: 'ChatRoom',
  GRP_CHATROOM: 'ChatRoom',
  GRP_AVCHATROOM: 'AVChatRoom',
  GRP_COMMUNITY: 'Community',
  // group member roles
  GRP_MBR_ROLE_OWNER: 'Owner',
  GRP_MBR_ROLE_ADMIN: 'Admin',
  GRP_MBR_ROLE_MEMBER: 'Member',
  // how a group takes applications (group.joinOption)
  JOIN_OPTIONS_FREE_ACCESS: 'FreeAccess',
  JOIN_OPTIONS_NEED_PERMISSION: 'NeedPermission',
  JOIN_OPTIONS_DISABLE_APPLY: 'DisableApply',
  // joinGroup data.status
  JOIN_STATUS_SUCCESS: 'JoinedSuccess',
  JOIN_STATUS_WAIT_APPROVAL: 'WaitAdminApproval',
  JOIN_STATUS_ALREADY_IN_GROUP: 'AlreadyInGroup',
  // group tips (payload.operationType of TIMGroupTipElem)
  GRP_TIP_MBR_JOIN: 1,
  GRP_TIP_MBR_QUIT: 2,
  GRP_TIP_MBR_KICKED_OUT: 3,
  GRP_TIP_MBR_SET_ADMIN: 4,
  GRP_TIP_MBR_CANCELED_ADMIN: 5,
  GRP_TIP_GRP_PROFILE_UPDATED: 6,
  GRP_TIP_MBR_PROFILE_UPDATED: 7,
  // @-mentions: atUserList's "everyone", and conversation.groupAtInfoList[].atTypeArray
  MSG_AT_ALL: '__kImSDK_MesssageAtALL__',
  CONV_AT_ME: 1,
  CONV_AT_ALL: 2,
  CONV_AT_ALL_AT_ME: 3,
});

/** What Tencent's `conversation.lastMessage.messageForShow` says for non-text messages. */
const MESSAGE_FOR_SHOW = {
  TIMFaceElem: '[动画表情]',
  TIMImageElem: '[图片]',
  TIMSoundElem: '[语音]',
  TIMVideoFileElem: '[视频]',
  TIMFileElem: '[文件]',
  TIMLocationElem: '[位置]',
  TIMCustomElem: '[自定义消息]',
  TIMRelayElem: '[聊天记录]',
  TIMGroupTipElem: '[群提示消息]',
  TIMGroupSystemNoticeElem: '[群系统通知]',
};

/** SDK payload field -> REST `MsgContent` field, per element type (palaver.protocol.objects). */
const ELEMENT_FIELDS = {
  TIMTextElem: {text: 'Text'},
  TIMFaceElem: {index: 'Index', data: 'Data'},
  TIMLocationElem: {description: 'Desc', latitude: 'Latitude', longitude: 'Longitude'},
  TIMCustomElem: {data: 'Data', description: 'Desc', extension: 'Ext', sound: 'Sound'},
  TIMSoundElem: {url: 'Url', uuid: 'UUID', size: 'Size', second: 'Second', downloadFlag: 'Download_Flag'},
  TIMFileElem: {
    fileUrl: 'Url', uuid: 'UUID', fileSize: 'FileSize', fileName: 'FileName', downloadFlag: 'Download_Flag',
  },
  TIMImageElem: {uuid: 'UUID', imageFormat: 'ImageFormat', imageInfoArray: 'ImageInfoArray'},
  TIMVideoFileElem: {
    videoUrl: 'VideoUrl', videoUUID: 'VideoUUID', videoSize: 'VideoSize', videoSecond: 'VideoSecond',
    videoFormat: 'VideoFormat', thumbUrl: 'ThumbUrl', thumbUUID: 'ThumbUUID', thumbSize: 'ThumbSize',
    thumbWidth: 'ThumbWidth', thumbHeight: 'ThumbHeight', thumbFormat: 'ThumbFormat',
  },
};
const IMAGE_INFO_FIELDS = {type: 'Type', size: 'Size', width: 'Width', height: 'Height', url: 'URL'};

// ---------------------------------------------------------------------------- helpers

/**
 * A failed call: `code` is a Tencent error code, `message` says why.
 * Server refusals carry the server's code (70001 UserSig expired, 70009 bad
 * signature, 70107 not imported, 20016 recall window passed...); the SDK's own
 * codes are in `PalaverChat.ERROR_CODE`.
 */
export class ChatError extends Error {
  /**
   * @param {number} code
   * @param {string} [message]
   */
  constructor(code, message) {
    super(message || `error ${code}`);
    this.name = 'ChatError';
    /** @type {number} */
    this.code = code;
  }

  /** True for an expired UserSig (70001, or 6206 as native SDKs name it). */
  get isUserSigExpired() {
    return this.code === 70001 || this.code === 6206;
  }

  toJSON() {
    return {code: this.code, message: this.message};
  }
}

function invalid(message) {
  return new ChatError(ERROR_CODE.INVALID_PARAMETERS, message);
}

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function uint32() {
  const c = globalThis.crypto;
  if (c && typeof c.getRandomValues === 'function') return c.getRandomValues(new Uint32Array(1))[0];
  return Math.floor(Math.random() * UINT32);
}

function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}

/** A promise with its resolve/reject functions. */
function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {}); // a deferred nobody awaits must not be an unhandled rejection
  return {promise, resolve, reject};
}

/** The groupID of a group stream name (`GROUP<id>`), or '' for the user stream. */
function groupOfStream(stream) {
  return typeof stream === 'string' && stream.startsWith('GROUP') ? stream.slice(5) : '';
}

/** The groupID of a `GROUP<id>` conversation ID, or ''. */
function groupOfConversation(conversationID) {
  return typeof conversationID === 'string' && conversationID.startsWith('GROUP') ? conversationID.slice(5) : '';
}

/** `ws(s)://host/ws` from an `http(s)://host` base URL (a `ws(s)://` URL is kept). */
function wsUrl(server) {
  let url = String(server).replace(/\/+$/, '');
  if (url.startsWith('https://')) url = 'wss://' + url.slice(8);
  else if (url.startsWith('http://')) url = 'ws://' + url.slice(7);
  else if (!url.startsWith('ws://') && !url.startsWith('wss://')) url = 'ws://' + url;
  return url.endsWith('/ws') ? url : url + '/ws';
}

/** One REST `MsgBody` element from an SDK `type` and `payload`. */
function payloadToElement(type, payload) {
  const fields = ELEMENT_FIELDS[type];
  if (!fields || !isObject(payload)) throw invalid(`unsupported message type ${type} or payload`);
  const content = {};
  for (const [sdk, rest] of Object.entries(fields)) {
    if (!(sdk in payload)) continue;
    let value = payload[sdk];
    if (type === 'TIMImageElem' && sdk === 'imageInfoArray' && Array.isArray(value)) {
      value = value.map((info) => {
        if (!isObject(info)) return info;
        const out = {};
        for (const [k, v] of Object.entries(info)) out[IMAGE_INFO_FIELDS[k] || k] = v;
        return out;
      });
    }
    content[rest] = value;
  }
  return {MsgType: type, MsgContent: content};
}

// ---------------------------------------------------------------------------- objects

/**
 * A message, with `@tencentcloud/chat`'s `Message` fields. The SDK keeps one
 * object per message ID and updates it in place (status after a send,
 * `isRevoked` after a recall, `isPeerRead` after a read receipt).
 */
export class Message {
  /** @param {Object} [init] fields to set */
  constructor(init) {
    /** Server message ID (opaque); before sending, a local `userID-time-random`. */
    this.ID = '';
    this.type = TYPES.MSG_TEXT;
    /** The first element in the SDK's shape, e.g. `{text}`. */
    this.payload = {};
    this.conversationID = '';
    this.conversationType = TYPES.CONV_C2C;
    this.to = '';
    this.from = '';
    /** `'out'` (sent by this user, from any device) or `'in'`. */
    this.flow = 'out';
    /** Unix seconds (the server's, once sent). */
    this.time = 0;
    this.clientTime = 0;
    /** Position in the conversation (0 before sending and for online-only messages). */
    this.sequence = 0;
    /** The client random that makes retries idempotent. */
    this.random = 0;
    /** `'unSend'`, `'success'` or `'fail'`. */
    this.status = 'unSend';
    this.priority = TYPES.MSG_PRIORITY_NORMAL;
    this.isRead = true;
    this.isPeerRead = false;
    this.isRevoked = false;
    this.revoker = '';
    this.revokerInfo = null;
    this.revokeReason = '';
    this.isDeleted = false;
    this.isModified = false;
    this.nick = '';
    this.avatar = '';
    this.nameCard = '';
    /** Group messages: the mentioned userIDs (`TYPES.MSG_AT_ALL` for everyone). */
    this.atUserList = [];
    this.cloudCustomData = '';
    this.needReadReceipt = false;
    /** Group messages with `needReadReceipt`, sent by me: how many members read it (see getMessageReadReceiptList). */
    this.readReceiptInfo = {readCount: 0, unreadCount: 0};
    /** Palaver: every element in the REST shape (`[{MsgType, MsgContent}]`). */
    this.MsgBody = [];
    /** Palaver: sent with `onlineUserOnly` (not stored). */
    this.onlineOnly = false;
    if (init) Object.assign(this, init);
  }

  /** Overwrite the fields a protocol message object (docs/protocol.md §7) carries. */
  _update(wire) {
    if (!isObject(wire)) return this;
    const str = (k, prop = k) => {
      if (wire[k] !== undefined && wire[k] !== null) this[prop] = String(wire[k]);
    };
    const num = (k) => {
      if (wire[k] !== undefined && wire[k] !== null) this[k] = Number(wire[k]) || 0;
    };
    const bool = (k) => {
      if (wire[k] !== undefined && wire[k] !== null) this[k] = Boolean(wire[k]);
    };
    str('ID');
    str('conversationID');
    str('conversationType');
    str('from');
    str('to');
    str('flow');
    num('time');
    num('sequence');
    num('random');
    str('status');
    bool('isRead');
    bool('isPeerRead');
    bool('isRevoked');
    if (isObject(wire.payload)) this.payload = {...wire.payload};
    str('type');
    if (Array.isArray(wire.MsgBody)) this.MsgBody = wire.MsgBody;
    str('cloudCustomData');
    str('nick');
    str('avatar');
    str('nameCard');
    str('priority');
    bool('needReadReceipt');
    if (Array.isArray(wire.atUserList)) this.atUserList = wire.atUserList.map(String);
    bool('onlineOnly');
    if (!this.type && this.MsgBody.length) this.type = String(this.MsgBody[0].MsgType || '');
    return this;
  }

  /** @param {Object} wire a protocol message object */
  static _fromWire(wire) {
    return new Message()._update(wire);
  }
}

// ---------------------------------------------------------------------------- session

/** Protocol state of one login (kept across reconnects, dropped at logout). */
class Session {
  constructor(userID, userSig) {
    this.userID = userID;
    this.userSig = userSig;
    /** The last event-stream `seq` processed; sent in every login (docs/protocol.md §4). */
    this.cursor = 0;
    /** Whether a login answered: until then there is no cursor to resume from. */
    this.hasCursor = false;
    /**
     * The last `seq` processed per group stream (docs/protocol.md §8.1), by
     * groupID; sent as `groupCursors` in every login after the first.
     * @type {Map<string, number>}
     */
    this.groupCursors = new Map();
    /** AVChatRooms joined on this session: joined again after a reconnect. */
    this.avRooms = new Set();
    this.nextId = 1;
    /** Message IDs already reported, oldest first (a Map keeps insertion order). */
    this.seen = new Map();
    /** `random`s of sends in flight from this device: their echo is not "received". */
    this.ownSends = new Set();
    /** IDs this device is recalling: the echo of the recall is not reported. */
    this.ownRevokes = new Set();
    /** Pushes whose refetch failed while disconnected: refetched after the next catch-up. */
    this.refetchLater = new Set();
    /** @type {Map<string, Message>} one object per message ID, least recently used first */
    this.messages = new Map();
    this.conversations = [];
    this.emittedListKey = null;
    this.emittedTotal = null;
    this.link = null; // the current connection
    this.gen = 0;
    this.online = false; // logged in on the current connection
    this.onlineWaiters = new Set();
    this.readyOnce = false;
    this.reconnecting = false;
    this.wake = null; // ends a reconnect backoff early
    this.onOnline = null; // the browser's 'online' listener
    this.ended = false;
    this.endDone = null;
    // the pump: pushes and local changes handled one at a time, in order
    this.inbox = [];
    this.pumping = false;
    this.stopped = false;
  }

  /** Record a message ID; false if it was seen already (a duplicate). */
  remember(id) {
    if (this.seen.has(id)) return false;
    this.seen.set(id, true);
    if (this.seen.size > SEEN_IDS) this.seen.delete(this.seen.keys().next().value);
    return true;
  }
}

// ---------------------------------------------------------------------------- the SDK

/**
 * A chat client for one user: `TencentCloudChat` for a Palaver server.
 * Make one with {@link PalaverChat.create}.
 */
export default class PalaverChat {
  /**
   * A new SDK instance (`TencentCloudChat.create`). Unlike Tencent's, every call
   * makes a new instance, so one page can be several users.
   *
   * @param {Object} options
   * @param {number} options.SDKAppID the app's SDKAppID
   * @param {string} [options.server] the server's base URL (`http(s)://host:port`,
   *   or a `ws(s)://host:port/ws` URL); defaults to `location.origin`
   * @param {string} [options.platform] what the server calls this device ('Web');
   *   under `login_policy` `multi_platform` one connection per platform is allowed
   * @param {number} [options.requestTimeout] ms a request may wait for its answer,
   *   including for a lost connection to come back (15000)
   * @param {number} [options.heartbeatInterval] ms between heartbeats (default:
   *   the server's `heartbeatInterval`)
   * @param {number} [options.reconnectDelay] first reconnect delay in ms (500); it
   *   doubles after each failed attempt, with ±25 % jitter
   * @param {number} [options.reconnectMaxDelay] longest reconnect delay in ms (15000)
   * @param {typeof WebSocket} [options.WebSocket] a WebSocket class (default: the global one)
   * @returns {PalaverChat}
   */
  static create(options) {
    return new PalaverChat(options);
  }

  /** @param {Object} options see {@link PalaverChat.create} */
  constructor(options = {}) {
    if (!isObject(options)) throw invalid('create({SDKAppID, server?}) expects an object');
    const sdkAppId = Number(options.SDKAppID);
    if (!Number.isInteger(sdkAppId) || sdkAppId <= 0) throw invalid('SDKAppID must be a positive integer');
    let server = options.server;
    if (!server) {
      if (!globalThis.location || !globalThis.location.origin) {
        throw invalid('server is required outside a browser page');
      }
      server = globalThis.location.origin;
    }
    this.SDKAppID = sdkAppId;
    this.server = String(server);
    this.platform = options.platform || 'Web';
    this._url = wsUrl(this.server);
    this._WebSocket = options.WebSocket || globalThis.WebSocket;
    this._requestTimeout = options.requestTimeout ?? 15000;
    this._heartbeatInterval = options.heartbeatInterval ?? null;
    this._delayMin = options.reconnectDelay ?? 500;
    this._delayMax = options.reconnectMaxDelay ?? 15000;
    this._logLevel = 1;
    /** @type {Map<string, Array<{fn: Function, ctx: any}>>} */
    this._listeners = new Map();
    this._net = TYPES.NET_STATE_DISCONNECTED;
    this._state = 'loggedOut'; // 'loggedOut' | 'loggingIn' | 'ready'
    /** @type {Session|null} */
    this._sess = null;
    this._ending = null; // the previous session's end, while it drains
  }

  // ------------------------------------------------------------------ events

  /**
   * Call `fn({name, data})` for every `event` (a `PalaverChat.EVENT` value).
   *
   * `data` per event: SDK_READY / SDK_NOT_READY none; MESSAGE_RECEIVED
   * `Message[]`; MESSAGE_REVOKED `Message[]` (`isRevoked` true);
   * MESSAGE_READ_BY_PEER `Message[]` (this SDK's loaded out-messages that just
   * became `isPeerRead`; the array also has `conversationID`, `userID` (the
   * reader), `readSequence` and `time` properties); CONVERSATION_LIST_UPDATED
   * `Conversation[]` (the whole list: pinned first, then newest first);
   * TOTAL_UNREAD_MESSAGE_COUNT_UPDATED `number`; PROFILE_UPDATED `Profile[]`;
   * FRIEND_LIST_UPDATED `Friend[]`; FRIEND_APPLICATION_LIST_UPDATED
   * `{friendApplicationList, unreadCount}`; BLACKLIST_UPDATED `userID[]`;
   * GROUP_LIST_UPDATED `Group[]` (all my groups, refetched when I join, leave,
   * am removed, a group is dismissed or my role changes);
   * GROUP_APPLICATION_LIST_UPDATED `{applicationList, unreadCount}`;
   * MESSAGE_READ_RECEIPT_RECEIVED `[{groupID, conversationID, messageID,
   * readCount, unreadCount}]`;
   * KICKED_OUT `{type}` (`TYPES.KICKED_OUT_*`); NET_STATE_CHANGE `{state}`
   * (`TYPES.NET_STATE_*`); ERROR `{code, message}` (the SDK gave up
   * reconnecting).
   *
   * An exception thrown by a listener is logged and otherwise ignored.
   *
   * @param {string} event
   * @param {(event: {name: string, data: any}) => void} fn
   * @param {any} [ctx] `this` for `fn`
   */
  on(event, fn, ctx) {
    if (typeof fn !== 'function') throw invalid('listener must be a function');
    if (!this._listeners.has(event)) this._listeners.set(event, []);
    this._listeners.get(event).push({fn, ctx});
  }

  /**
   * Stop calling `fn` for `event` (no error if it was not registered).
   * @param {string} event
   * @param {Function} fn
   * @param {any} [ctx] only the registration with this context
   */
  off(event, fn, ctx) {
    const list = this._listeners.get(event);
    if (!list) return;
    const i = list.findIndex((l) => l.fn === fn && (ctx === undefined || l.ctx === ctx));
    if (i >= 0) list.splice(i, 1);
  }

  _emit(name, data) {
    for (const {fn, ctx} of [...(this._listeners.get(name) || [])]) {
      try {
        fn.call(ctx, {name, data});
      } catch (err) {
        this._log(3, `listener of ${name} failed`, err);
      }
    }
  }

  _setNet(state) {
    if (state !== this._net) {
      this._net = state;
      this._emit(EVENT.NET_STATE_CHANGE, {state});
    }
  }

  /**
   * Log level, as Tencent's: 0 everything, 1 normal (default), 2 warnings,
   * 3 errors, 4 nothing.
   * @param {number} level
   */
  setLogLevel(level) {
    this._logLevel = Number(level);
  }

  /** Log at `level` (0 debug, 1 info, 2 warning, 3 error) if the log level lets it through. */
  _log(level, ...args) {
    if (level < this._logLevel) return;
    const out = [console.debug, console.info, console.warn, console.error][Math.min(level, 3)];
    out.call(console, '[palaver-chat]', ...args);
  }

  /**
   * Accepted for compatibility with code written for Tencent's SDK (e.g.
   * `{'tim-upload-plugin': ...}`); Palaver has no plugins yet.
   * @param {Object} plugins
   */
  registerPlugin(plugins) {
    this._plugins = {...(this._plugins || {}), ...plugins};
  }

  // ----------------------------------------------------------------- session

  /** True between SDK_READY and logout (also while reconnecting). */
  isReady() {
    return this._state === 'ready';
  }

  /** The logged-in userID (`''` when logged out). */
  getLoginUser() {
    return this._sess && this._state !== 'loggedOut' ? this._sess.userID : '';
  }

  /** Palaver: the network state, a `TYPES.NET_STATE_*` value. */
  getNetState() {
    return this._net;
  }

  /** Palaver: the last event-stream `seq` processed (docs/protocol.md §4), 0 when logged out. */
  getCursor() {
    return this._sess ? this._sess.cursor : 0;
  }

  /**
   * Log in, catch up with the server and fetch the conversation list; resolves
   * once SDK_READY was emitted.
   *
   * Resolves `{code: 0, data: {repeatLogin, errorInfo, userID, serverTime,
   * heartbeatInterval, heartbeatTimeout, recallWindow, cursor}}` (`{repeatLogin: true}` when
   * this user is logged in already).
   *
   * Rejects `{code, message}`: 70001 UserSig expired, 70002 empty, 70003
   * malformed, 70009 bad signature, 70013 userID mismatch, 70014 SDKAppID
   * mismatch, 70020 unknown SDKAppID, 70052 UserSig issued before a kick,
   * 70107 account not imported; 2800 cannot connect; 2801 no answer in time;
   * 6017 bad arguments or another user is logged in on this instance.
   *
   * @param {{userID: string, userSig: string}} options
   */
  async login(options) {
    const {userID, userSig} = isObject(options) ? options : {};
    if (typeof userID !== 'string' || !userID) throw invalid('login: userID must be a non-empty string');
    if (typeof userSig !== 'string') throw invalid('login: userSig must be a string');
    if (this._sess && !this._sess.ended) {
      if (this._sess.userID === userID) return {code: 0, data: {repeatLogin: true, errorInfo: ''}};
      throw invalid(`${this._sess.userID} is logged in on this instance; log out first`);
    }
    if (this._ending) await this._ending;
    if (!this._WebSocket) throw new ChatError(ERROR_CODE.NETWORK, 'no WebSocket implementation');
    const sess = new Session(userID, userSig);
    this._sess = sess;
    this._state = 'loggingIn';
    this._setNet(TYPES.NET_STATE_CONNECTING);
    if (typeof globalThis.addEventListener === 'function') {
      // back online: do not wait out the reconnect backoff
      sess.onOnline = () => sess.wake && sess.wake();
      globalThis.addEventListener('online', sess.onOnline);
    }
    let data;
    try {
      data = await this._connect(sess);
    } catch (err) {
      await this._end(sess, []);
      throw err instanceof ChatError ? err : new ChatError(ERROR_CODE.NETWORK, String(err));
    }
    return {code: 0, data: {repeatLogin: false, errorInfo: '', ...data}};
  }

  /**
   * Log out: the server ends the session; SDK_NOT_READY is emitted. Local state
   * (conversations, cached messages) is dropped; listeners stay. Resolves
   * `{code: 0, data: {}}`, also when not logged in.
   */
  async logout() {
    const sess = this._sess;
    if (!sess || sess.ended) {
      if (this._ending) await this._ending;
      return {code: 0, data: {}};
    }
    this._state = 'loggedOut';
    const link = sess.link;
    if (link && sess.online) {
      try {
        await this._call(sess, link, 'logout', null, Math.min(this._requestTimeout, 5000));
      } catch (err) {
        this._log(1, 'logout:', err.message);
      }
    }
    await this._end(sess, [[EVENT.SDK_NOT_READY, undefined]]);
    return {code: 0, data: {}};
  }

  /** Log out and forget every listener (`chat.destroy()`). */
  async destroy() {
    await this.logout();
    this._listeners.clear();
    return {code: 0, data: {}};
  }

  /**
   * End a session: close its connection, fail what waits on it, and queue
   * `events` (then NET_STATE_CHANGE "disconnected") behind the pushes already
   * queued. Resolves when they were emitted.
   */
  _end(sess, events) {
    if (sess.ended) return sess.endDone.promise;
    sess.ended = true;
    sess.endDone = deferred();
    if (this._sess === sess) this._state = 'loggedOut';
    if (sess.onOnline) globalThis.removeEventListener('online', sess.onOnline);
    if (sess.wake) sess.wake();
    const link = sess.link;
    sess.link = null;
    sess.online = false;
    if (link) this._drop(sess, link, new ChatError(ERROR_CODE.NOT_LOGGED_IN, 'logged out'));
    for (const w of sess.onlineWaiters) w.reject(new ChatError(ERROR_CODE.NOT_LOGGED_IN, 'logged out'));
    sess.onlineWaiters.clear();
    const all = [...events];
    if (this._sess === sess && this._net !== TYPES.NET_STATE_DISCONNECTED) {
      this._net = TYPES.NET_STATE_DISCONNECTED;
      all.push([EVENT.NET_STATE_CHANGE, {state: TYPES.NET_STATE_DISCONNECTED}]);
    }
    const done = sess.endDone.promise.then(() => {
      if (this._sess === sess) this._sess = null;
      if (this._ending === done) this._ending = null;
    });
    this._ending = done;
    this._enqueue(sess, {kind: 'end', events: all});
    return done;
  }

  // -------------------------------------------------------------- connection

  /** Open a WebSocket; resolves the link once open. Rejects 2800 / 2801. */
  _open(sess) {
    const gen = ++sess.gen;
    return new Promise((resolve, reject) => {
      let ws;
      try {
        ws = new this._WebSocket(this._url);
      } catch (err) {
        reject(new ChatError(ERROR_CODE.NETWORK, `cannot connect to ${this._url}: ${err}`));
        return;
      }
      const link = {
        gen, ws, pending: new Map(), kicked: null, established: false, dropped: false,
        heartbeat: null, beating: false, synced: deferred(), closeCode: null,
      };
      const timer = setTimeout(() => {
        link.dropped = true;
        try { ws.close(); } catch (_) { /* closing anyway */ }
        reject(new ChatError(ERROR_CODE.REQUEST_TIMEOUT, `cannot connect to ${this._url} in time`));
      }, this._requestTimeout);
      ws.onopen = () => {
        clearTimeout(timer);
        resolve(link);
      };
      ws.onmessage = (ev) => this._onFrame(sess, link, ev.data);
      ws.onerror = () => {}; // a close event follows
      ws.onclose = (ev) => {
        clearTimeout(timer);
        link.closeCode = ev.code;
        reject(new ChatError(ERROR_CODE.NETWORK, `cannot connect to ${this._url} (close ${ev.code})`));
        this._onClose(sess, link, ev.code);
      };
    });
  }

  /**
   * Connect and log in with the session's cursor, then wait for the catch-up
   * (`sync_done`, handled by the pump). Resolves the server's login data.
   * On failure nothing stays open; a kick rejects with `kickType` set.
   */
  async _connect(sess) {
    const link = await this._open(sess);
    if (sess.ended) {
      this._drop(sess, link, new ChatError(ERROR_CODE.NOT_LOGGED_IN, 'logged out'));
      throw new ChatError(ERROR_CODE.NOT_LOGGED_IN, 'logged out');
    }
    sess.link = link;
    try {
      const login = {
        v: PROTOCOL_VERSION,
        SDKAppID: this.SDKAppID,
        userID: sess.userID,
        userSig: sess.userSig,
        platform: this.platform,
      };
      // A new session sends no cursor: it starts at the current end of the
      // stream. A reconnect sends the one it has, even 0 (an empty stream at
      // the first login): see docs/protocol.md §3.1. Group streams likewise
      // (§8.1): AVChatRooms are not resumed but joined again after the catch-up.
      if (sess.hasCursor) {
        login.cursor = sess.cursor;
        login.groupCursors = {};
        for (const [groupID, seq] of sess.groupCursors) {
          if (!sess.avRooms.has(groupID)) login.groupCursors[groupID] = seq;
        }
      }
      const data = await this._call(sess, link, 'login', login, this._requestTimeout, (d) => {
        // Applied as the response arrives, before any push that follows it.
        if (!sess.hasCursor) {
          sess.cursor = Math.max(sess.cursor, Number(d.cursor) || 0);
          sess.hasCursor = true;
        }
      });
      const interval = this._heartbeatInterval ?? (Number(data.heartbeatInterval) || 30) * 1000;
      link.heartbeat = setInterval(() => this._beat(sess, link), interval);
      sess.online = true;
      for (const w of sess.onlineWaiters) w.resolve();
      sess.onlineWaiters.clear();
      this._setNet(TYPES.NET_STATE_CONNECTED);
      let timer;
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new ChatError(ERROR_CODE.REQUEST_TIMEOUT, 'not synchronised in time')),
          this._requestTimeout,
        );
      });
      try {
        await Promise.race([link.synced.promise, timeout]);
      } finally {
        clearTimeout(timer);
      }
      if (link.closeCode !== null || sess.link !== link) {
        throw new ChatError(ERROR_CODE.NETWORK, 'the connection was lost while syncing');
      }
      link.established = true; // from now on a close means "reconnect" (_onClose)
      return data;
    } catch (err) {
      this._drop(sess, link, err);
      if (link.kicked || link.closeCode === CLOSE_KICKED) {
        const kicked = new ChatError(ERROR_CODE.KICKED, `kicked out (${link.kicked || 'multipleAccount'})`);
        kicked.kickType = link.kicked || TYPES.KICKED_OUT_MULT_ACCOUNT;
        throw kicked;
      }
      throw err;
    }
  }

  /** Forget a connection on purpose: close it and fail what waits on it. */
  _drop(sess, link, reason) {
    link.dropped = true;
    if (link.heartbeat) clearInterval(link.heartbeat);
    link.heartbeat = null;
    if (sess.link === link) {
      sess.link = null;
      sess.online = false;
    }
    this._failPending(link, reason);
    try {
      link.ws.close(1000);
    } catch (_) {
      /* closed already */
    }
  }

  _failPending(link, reason) {
    for (const p of link.pending.values()) {
      clearTimeout(p.timer);
      p.reject(reason);
    }
    link.pending.clear();
    link.synced.reject(reason);
  }

  /** The socket closed: fail its requests; reconnect unless the session ended or was kicked. */
  _onClose(sess, link, code) {
    if (link.heartbeat) clearInterval(link.heartbeat);
    link.heartbeat = null;
    this._failPending(link, new ChatError(ERROR_CODE.NETWORK, `the connection was lost (close ${code})`));
    if (sess.link === link) {
      sess.link = null;
      sess.online = false;
    }
    // A connection being set up is _connect's business (it rejects); one we
    // dropped on purpose needs nothing more.
    if (link.dropped || !link.established || sess.ended) return;
    if (link.kicked || code === CLOSE_KICKED) {
      const type = link.kicked || TYPES.KICKED_OUT_MULT_ACCOUNT;
      this._log(1, `kicked out (${type})`);
      this._end(sess, [[EVENT.KICKED_OUT, {type}], [EVENT.SDK_NOT_READY, undefined]]);
      return;
    }
    this._log(1, `connection lost (close ${code}); reconnecting`);
    this._reconnect(sess);
  }

  /**
   * Reconnect with exponential backoff (reconnectDelay doubling up to
   * reconnectMaxDelay, ±25 % jitter) and log in again with the session's
   * cursor, so the server replays what was missed, exactly once. Ends the
   * session on a kick or a login error that retrying cannot fix.
   */
  async _reconnect(sess) {
    if (sess.reconnecting || sess.ended) return;
    sess.reconnecting = true;
    this._setNet(TYPES.NET_STATE_CONNECTING);
    let attempt = 0;
    try {
      while (!sess.ended) {
        const base = Math.min(this._delayMax, this._delayMin * 2 ** attempt);
        const delay = Math.min(this._delayMax, base * (0.75 + Math.random() * 0.5));
        attempt += 1;
        await new Promise((resolve) => {
          const timer = setTimeout(resolve, delay);
          sess.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        sess.wake = null;
        if (sess.ended) return;
        try {
          await this._connect(sess);
          return;
        } catch (err) {
          if (sess.ended) return;
          if (err.kickType) {
            await this._end(sess, [[EVENT.KICKED_OUT, {type: err.kickType}], [EVENT.SDK_NOT_READY, undefined]]);
            return;
          }
          if (TRANSIENT_CODES.has(err.code)) {
            // (the attempt may have said "connected" before it broke during the catch-up)
            this._setNet(attempt >= DISCONNECTED_AFTER ? TYPES.NET_STATE_DISCONNECTED : TYPES.NET_STATE_CONNECTING);
            continue;
          }
          this._log(2, 'cannot log in again; session ended:', err.message);
          const events = [];
          if (err.code === 70001 || err.code === 6206) {
            events.push([EVENT.KICKED_OUT, {type: TYPES.KICKED_OUT_USERSIG_EXPIRED}]);
          } else if (err.code === 70052) {
            events.push([EVENT.KICKED_OUT, {type: TYPES.KICKED_OUT_REST_API}]);
          }
          events.push([EVENT.ERROR, {code: err.code, message: err.message}]);
          events.push([EVENT.SDK_NOT_READY, undefined]);
          await this._end(sess, events);
          return;
        }
      }
    } finally {
      sess.reconnecting = false;
    }
  }

  async _beat(sess, link) {
    if (link.beating || link.dropped) return;
    link.beating = true;
    try {
      await this._call(sess, link, 'heartbeat', null, this._requestTimeout);
    } catch (err) {
      if (err.code === ERROR_CODE.REQUEST_TIMEOUT && !link.dropped) {
        this._log(1, 'heartbeat unanswered: dropping the connection');
        try { link.ws.close(CLOSE_HEARTBEAT); } catch (_) { /* closing anyway */ }
      }
    } finally {
      link.beating = false;
    }
  }

  /** A server frame: answer a request, or filter a push and queue it for the pump. */
  _onFrame(sess, link, text) {
    let obj;
    try {
      obj = JSON.parse(text);
    } catch (_) {
      obj = null;
    }
    if (!isObject(obj)) {
      this._log(2, 'ignored a server frame that is not a JSON object');
      return;
    }
    if ('ev' in obj) {
      const seq = obj.seq === undefined || obj.seq === null ? null : Number(obj.seq);
      const push = {ev: String(obj.ev), data: isObject(obj.data) ? obj.data : {}, seq, group: groupOfStream(obj.stream)};
      if (!this._accept(sess, push)) return;
      if (push.ev === 'KICKED_OUT') {
        // the server closes the socket (4001) right after: _onClose ends the session
        link.kicked = String(push.data.type || TYPES.KICKED_OUT_MULT_ACCOUNT);
        return;
      }
      this._enqueue(sess, {kind: 'push', link, push});
      return;
    }
    if ('code' in obj) {
      const p = link.pending.get(obj.id);
      if (!p) return;
      link.pending.delete(obj.id);
      clearTimeout(p.timer);
      const code = Number(obj.code);
      if (code === 0) {
        const data = isObject(obj.data) ? obj.data : {};
        if (p.onOk) p.onOk(data);
        p.resolve(data);
      } else {
        p.reject(new ChatError(code, String(obj.message || `error ${code}`)));
      }
      return;
    }
    this._log(2, "ignored a server frame with neither 'ev' nor 'code'");
  }

  /**
   * Whether a push is new (ClientSession.receive): stream pushes at or below
   * their stream's cursor (the user stream's, or a group stream's for frames
   * with `stream: "GROUP<id>"`) were processed already (a replay overlapping
   * live delivery); otherwise they move it. A message whose ID was seen, or
   * that echoes a send in flight from this device, is dropped after moving the
   * cursor. Membership changes and `sync_done` move group cursors here too, in
   * frame order.
   */
  _accept(sess, push) {
    if (push.seq !== null && Number.isFinite(push.seq)) {
      if (push.group) {
        const at = sess.groupCursors.get(push.group);
        if (at !== undefined && push.seq <= at) return false;
        sess.groupCursors.set(push.group, push.seq);
      } else {
        if (push.seq <= sess.cursor) return false;
        sess.cursor = push.seq;
      }
    }
    if (push.ev === 'GROUP_LIST_UPDATED' && !push.group) {
      const groupID = String(push.data.groupID ?? '');
      const change = push.data.change;
      if (change === 'joined' && groupID && !sess.groupCursors.has(groupID)) {
        sess.groupCursors.set(groupID, Number(push.data.joinSeq) || 0);
      } else if (change === 'quit' || change === 'kicked' || change === 'dismissed') {
        sess.groupCursors.delete(groupID);
        sess.avRooms.delete(groupID);
      }
    } else if (push.ev === 'sync_done' && isObject(push.data.groupCursors)) {
      // where the server now has each group: nothing at or below it will come
      for (const [groupID, value] of Object.entries(push.data.groupCursors)) {
        const seq = Number(value) || 0;
        if (seq > (sess.groupCursors.get(groupID) ?? -1)) sess.groupCursors.set(groupID, seq);
      }
    }
    if (push.ev === 'MESSAGE_RECEIVED') {
      const m = isObject(push.data.message) ? push.data.message : {};
      const id = m.ID === undefined || m.ID === null ? '' : String(m.ID);
      if (id && !sess.remember(id)) return false;
      if (m.from === sess.userID && sess.ownSends.has(Number(m.random))) return false;
    }
    return true;
  }

  // ---------------------------------------------------------------- requests

  /**
   * One request on `link`; resolves the response data, rejects ChatError
   * (the server's code, 2800 connection lost, 2801 timeout).
   */
  _call(sess, link, op, data, timeoutMs, onOk) {
    return new Promise((resolve, reject) => {
      if (link.dropped || link.ws.readyState !== 1) {
        reject(new ChatError(ERROR_CODE.NETWORK, `${op}: not connected`));
        return;
      }
      const id = sess.nextId++;
      const timer = setTimeout(() => {
        link.pending.delete(id);
        reject(new ChatError(ERROR_CODE.REQUEST_TIMEOUT, `${op}: no answer within ${timeoutMs} ms`));
      }, Math.max(timeoutMs, 1));
      link.pending.set(id, {resolve, reject, timer, onOk});
      try {
        link.ws.send(JSON.stringify(data ? {id, op, data} : {id, op}));
      } catch (err) {
        clearTimeout(timer);
        link.pending.delete(id);
        reject(new ChatError(ERROR_CODE.NETWORK, `${op}: cannot send (${err})`));
      }
    });
  }

  /**
   * A request of the logged-in session. While the connection is down it waits
   * (within the request timeout) for it to come back. Rejects ChatError.
   */
  async _request(op, data) {
    const sess = this._sess;
    if (!sess || sess.ended) throw new ChatError(ERROR_CODE.NOT_LOGGED_IN, 'not logged in');
    return this._sessionRequest(sess, op, data);
  }

  /**
   * `_request` for a given session. With `retry` (reads the pump makes on its
   * own: refetches after a push) a request whose connection was lost is made
   * again on the next one, within the same deadline: the push that asked for it
   * will not be replayed, its cursor has moved.
   */
  async _sessionRequest(sess, op, data, retry = false) {
    const deadline = Date.now() + this._requestTimeout;
    for (;;) {
      if (sess.ended) throw new ChatError(ERROR_CODE.NOT_LOGGED_IN, 'not logged in');
      if (sess.online && sess.link) {
        try {
          return await this._call(sess, sess.link, op, data, deadline - Date.now());
        } catch (err) {
          if (!retry || err.code !== ERROR_CODE.NETWORK || sess.ended || Date.now() >= deadline) throw err;
          continue;
        }
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new ChatError(ERROR_CODE.REQUEST_TIMEOUT, `${op}: not connected in time`);
      await new Promise((resolve, reject) => {
        const w = {
          resolve: () => { clearTimeout(w.timer); resolve(); },
          reject: (e) => { clearTimeout(w.timer); reject(e); },
        };
        w.timer = setTimeout(() => {
          sess.onlineWaiters.delete(w);
          reject(new ChatError(ERROR_CODE.REQUEST_TIMEOUT, `${op}: not connected in time`));
        }, left);
        sess.onlineWaiters.add(w);
      });
    }
  }

  _requireSession() {
    const sess = this._sess;
    if (!sess || sess.ended) throw new ChatError(ERROR_CODE.NOT_LOGGED_IN, 'not logged in');
    return sess;
  }

  // --------------------------------------------------------------- the pump

  _enqueue(sess, item) {
    if (sess.stopped) {
      if (item.kind === 'local') item.done.reject(new ChatError(ERROR_CODE.NOT_LOGGED_IN, 'logged out'));
      return;
    }
    sess.inbox.push(item);
    if (!sess.pumping) {
      sess.pumping = true;
      Promise.resolve().then(() => this._pump(sess));
    }
  }

  /** Handle queued pushes and local changes one at a time, in order; never dies on one item. */
  async _pump(sess) {
    try {
      while (sess.inbox.length) {
        const item = sess.inbox.shift();
        if (item.kind === 'end') {
          sess.stopped = true;
          for (const rest of sess.inbox) {
            if (rest.kind === 'local') rest.done.reject(new ChatError(ERROR_CODE.NOT_LOGGED_IN, 'logged out'));
          }
          sess.inbox.length = 0;
          for (const [name, data] of item.events) this._emit(name, data);
          sess.endDone.resolve();
          return;
        }
        try {
          if (item.kind === 'local') {
            item.done.resolve(await item.fn());
          } else if (item.push.ev === 'MESSAGE_RECEIVED') {
            // messages queued back to back (a replay) are reported together
            const batch = [item.push];
            while (sess.inbox.length && sess.inbox[0].kind === 'push' && sess.inbox[0].push.ev === 'MESSAGE_RECEIVED') {
              batch.push(sess.inbox.shift().push);
            }
            await this._onMessages(sess, batch);
          } else {
            await this._onPush(sess, item);
          }
        } catch (err) {
          if (item.kind === 'local') item.done.reject(err);
          else this._log(2, `could not handle ${item.push.ev}:`, err && err.message);
        }
      }
    } finally {
      sess.pumping = false;
    }
  }

  /** Have the pump run `fn` in order with pushes; its result. */
  _runLocal(sess, fn) {
    const done = deferred();
    this._enqueue(sess, {kind: 'local', fn, done});
    return done.promise;
  }

  async _onPush(sess, {link, push}) {
    const {ev, data} = push;
    switch (ev) {
      case 'sync_done':
        await this._onSynced(sess, link);
        break;
      case 'MESSAGE_REVOKED':
        this._onRevoked(sess, data);
        break;
      case 'MESSAGE_READ_BY_PEER':
        this._onReadByPeer(sess, data);
        break;
      case 'CONVERSATION_READ':
        await this._onConversationRead(sess, data);
        break;
      case 'CONVERSATION_CHANGED':
        await this._refreshConversations(sess);
        break;
      case 'PROFILE_UPDATED':
        this._onProfile(sess, data);
        break;
      case 'MESSAGE_READ_RECEIPT_RECEIVED':
        await this._onReadReceipt(sess, data);
        break;
      case 'GROUP_SYSTEM_NOTICE_RECEIVED':
        this._onGroupSystemNotice(sess, data);
        break;
      case 'FRIEND_LIST_UPDATED':
      case 'FRIEND_APPLICATION_LIST_UPDATED':
      case 'BLACKLIST_UPDATED':
      case 'GROUP_LIST_UPDATED':
      case 'GROUP_APPLICATION_LIST_UPDATED':
        // "refetch": one refetch answers several of these queued back to back
        while (sess.inbox.length && sess.inbox[0].kind === 'push' && sess.inbox[0].push.ev === ev) sess.inbox.shift();
        await this._refetch(sess, ev);
        break;
      default:
        this._log(0, `ignored push ${ev}`);
    }
  }

  /**
   * Refetch the list a push says changed and emit it. If that fails (the
   * connection stayed down longer than the request timeout), the push will not
   * come again: the refetch is retried after the next catch-up.
   */
  async _refetch(sess, ev) {
    try {
      if (ev === 'FRIEND_LIST_UPDATED') {
        const d = await this._sessionRequest(sess, 'getFriendList', null, true);
        this._emit(EVENT.FRIEND_LIST_UPDATED, d.friendList || []);
      } else if (ev === 'FRIEND_APPLICATION_LIST_UPDATED') {
        const d = await this._sessionRequest(sess, 'getFriendApplicationList', null, true);
        this._emit(EVENT.FRIEND_APPLICATION_LIST_UPDATED, {
          friendApplicationList: d.friendApplicationList || [],
          unreadCount: Number(d.unreadCount) || 0,
        });
      } else if (ev === 'GROUP_LIST_UPDATED') {
        // joined, left, kicked, dismissed, role changed: my groups and their conversations
        const d = await this._sessionRequest(sess, 'getGroupList', null, true);
        this._emit(EVENT.GROUP_LIST_UPDATED, d.groupList || []);
        await this._refreshConversations(sess);
      } else if (ev === 'GROUP_APPLICATION_LIST_UPDATED') {
        const d = await this._sessionRequest(sess, 'getGroupApplicationList', null, true);
        this._emit(EVENT.GROUP_APPLICATION_LIST_UPDATED, {
          applicationList: d.applicationList || [],
          unreadCount: Number(d.unreadCount) || 0,
        });
      } else {
        const d = await this._sessionRequest(sess, 'getBlacklist', null, true);
        this._emit(EVENT.BLACKLIST_UPDATED, d.userIDList || []);
      }
      sess.refetchLater.delete(ev);
    } catch (err) {
      if (!sess.ended) sess.refetchLater.add(ev);
      throw err;
    }
  }

  /**
   * Caught up after a login. The first time: fetch the conversation list, then
   * SDK_READY and the list and total; after a reconnect: refetch the list
   * (emitting only what changed) and join the AVChatRooms again (docs/protocol.md
   * §8.1). Then the login waiting in _connect goes on.
   */
  async _onSynced(sess, link) {
    const reconnected = sess.readyOnce;
    try {
      if (!reconnected) {
        await this._refreshConversations(sess, false, false);
        sess.readyOnce = true;
        if (this._sess === sess && !sess.ended) this._state = 'ready';
        this._emit(EVENT.SDK_READY, undefined);
        this._emitConversations(sess, true);
      } else {
        await this._refreshConversations(sess, true, false);
      }
    } catch (err) {
      link.synced.reject(err);
      return;
    }
    link.synced.resolve();
    if (reconnected) {
      for (const groupID of [...sess.avRooms]) {
        this._sessionRequest(sess, 'joinGroup', {groupID}, true)
          .catch((err) => this._log(2, `could not join ${groupID} again:`, err.message));
      }
    }
    for (const ev of [...sess.refetchLater]) {
      await this._refetch(sess, ev).catch((err) => this._log(2, `could not refetch after ${ev}:`, err.message));
    }
  }

  // -- messages

  /**
   * The one object the SDK keeps for a message ID, made or updated from a
   * protocol message object. A late copy (a page of history fetched before a
   * recall was pushed) never un-revokes or un-reads what the SDK knows.
   */
  _internWire(sess, wire) {
    const id = isObject(wire) && wire.ID !== undefined && wire.ID !== null ? String(wire.ID) : '';
    const known = id ? sess.messages.get(id) : undefined;
    if (!known) return this._keep(sess, ownFlow(sess, Message._fromWire(wire)));
    const before = {...known};
    known._update(wire);
    mergeKnown(known, before);
    return this._keep(sess, ownFlow(sess, known));
  }

  /**
   * Keep `msg` as the object for its ID (most recently used first to stay).
   * The app's own object (a message it sent) takes over from a copy.
   */
  _keep(sess, msg) {
    if (!msg.ID) return msg;
    const known = sess.messages.get(msg.ID);
    if (known !== undefined) {
      if (known !== msg) mergeKnown(msg, known);
      sess.messages.delete(msg.ID);
    }
    sess.messages.set(msg.ID, msg);
    if (sess.messages.size > CACHED_MESSAGES) sess.messages.delete(sess.messages.keys().next().value);
    return msg;
  }

  async _onMessages(sess, pushes) {
    const msgs = pushes.map((p) => this._internWire(sess, p.data.message));
    this._emit(EVENT.MESSAGE_RECEIVED, msgs);
    for (const m of msgs) await this._fold(sess, m);
    this._emitConversations(sess);
  }

  /** Fold a stored message into the conversation list (fetching a new conversation). */
  async _fold(sess, m) {
    if (m.onlineOnly || !m.sequence) return;
    if (sess.avRooms.has(groupOfConversation(m.conversationID))) return; // live rooms have no conversation
    if (!this._find(sess, m.conversationID)) this._place(sess, await this._fetchConversation(sess, m));
    this._applyMessage(sess, m);
  }

  /**
   * A conversation new to the list, made from its first message here. Its
   * unread count stays local (one per incoming message folded in): the server
   * is asked only for the peer's profile and the pin, so messages it counted
   * while later ones arrived cannot be counted twice.
   */
  async _fetchConversation(sess, m) {
    const conv = newConversationFor(m);
    try {
      const d = await this._sessionRequest(
        sess, 'getConversationProfile', {conversationID: m.conversationID}, true);
      const fresh = isObject(d.conversation) ? d.conversation : {};
      if (isObject(fresh.userProfile)) conv.userProfile = fresh.userProfile;
      if (isObject(fresh.groupProfile)) conv.groupProfile = fresh.groupProfile;
      conv.isPinned = Boolean(fresh.isPinned);
      conv.peerReadSequence = Number(fresh.peerReadSequence) || 0;
    } catch (err) {
      this._log(0, `no profile for ${m.conversationID}:`, err.message);
    }
    return conv;
  }

  /**
   * Make `m` its conversation's last message if it is newer (counting it unread
   * if incoming, and noting an @-mention of me or of everyone in a group).
   */
  _applyMessage(sess, m) {
    let conv = this._find(sess, m.conversationID);
    if (!conv) {
      conv = newConversationFor(m);
      this._place(sess, conv);
    }
    const last = conv.lastMessage;
    if (!last || m.sequence > last.sequence) {
      conv.lastMessage = m;
      // group tips and notices are shown, never counted (docs/protocol.md §8.4)
      if (m.flow === 'in' && !m.isRead && m.type !== TYPES.MSG_GRP_TIP && m.type !== TYPES.MSG_GRP_SYS_NOTICE) {
        conv.unreadCount += 1;
        const at = atInfo(sess, m);
        if (at && !conv.groupAtInfoList.some((a) => a.messageSequence === m.sequence)) {
          conv.groupAtInfoList = [...conv.groupAtInfoList, at];
        }
      }
      this._place(sess, conv);
    } else if (last.sequence === m.sequence && last.ID === m.ID) {
      conv.lastMessage = m;
    }
  }

  _find(sess, conversationID) {
    return sess.conversations.find((c) => c.conversationID === conversationID);
  }

  /** Move (or add) `conv` to the top of its group (pinned ones first). */
  _place(sess, conv) {
    const list = sess.conversations;
    const i = list.indexOf(conv);
    if (i >= 0) list.splice(i, 1);
    let at = 0;
    if (!conv.isPinned) while (at < list.length && list[at].isPinned) at += 1;
    list.splice(at, 0, conv);
  }

  _onRevoked(sess, data) {
    const id = String(data.ID ?? '');
    let msg = sess.messages.get(id);
    if (!msg) {
      // not loaded here: a stand-in with what the push says (in C2C only the
      // sender recalls; in a group an admin may, so the sender stays unknown)
      const cid = String(data.conversationID || '');
      const revoker = String(data.revoker || '');
      const groupID = groupOfConversation(cid);
      const peer = cid.startsWith('C2C') ? cid.slice(3) : '';
      const out = !groupID && revoker === sess.userID;
      msg = new Message({
        ID: id, conversationID: cid, conversationType: groupID ? TYPES.CONV_GROUP : TYPES.CONV_C2C,
        sequence: Number(data.sequence) || 0, status: 'success', from: groupID ? '' : revoker,
        to: groupID || (out ? peer : sess.userID), flow: out ? 'out' : 'in',
      });
    }
    msg.isRevoked = true;
    msg.revoker = String(data.revoker || '');
    msg.revokerInfo = {userID: msg.revoker, nick: '', avatar: ''};
    const conv = this._find(sess, msg.conversationID);
    if (conv && conv.lastMessage && conv.lastMessage.ID === id) conv.lastMessage.isRevoked = true;
    if (sess.ownRevokes.has(id)) sess.ownRevokes.delete(id); // this device's recall: its promise said so
    else this._emit(EVENT.MESSAGE_REVOKED, [msg]);
    this._emitConversations(sess);
  }

  _onReadByPeer(sess, data) {
    const cid = String(data.conversationID || '');
    const readSeq = Number(data.readSequence) || 0;
    const affected = [];
    for (const m of sess.messages.values()) {
      if (m.conversationID === cid && m.flow === 'out' && m.sequence > 0 && m.sequence <= readSeq && !m.isPeerRead) {
        m.isPeerRead = true;
        affected.push(m);
      }
    }
    const conv = this._find(sess, cid);
    if (conv) {
      conv.peerReadSequence = Math.max(conv.peerReadSequence, readSeq);
      const last = conv.lastMessage;
      if (last && last.flow === 'out' && last.sequence <= readSeq) last.isPeerRead = true;
    }
    // Tencent's data is the Message[]; what the receipt says rides along as properties
    affected.conversationID = cid;
    affected.userID = String(data.userID || '');
    affected.readSequence = readSeq;
    affected.time = Number(data.time) || 0;
    this._emit(EVENT.MESSAGE_READ_BY_PEER, affected);
    this._emitConversations(sess);
  }

  /**
   * A member read my group messages up to `readSequence`: refresh the read
   * counts of the loaded ones that asked for receipts and emit
   * MESSAGE_READ_RECEIPT_RECEIVED `[{groupID, conversationID, messageID,
   * readCount, unreadCount}]` (the array also carries `conversationID`,
   * `groupID`, `userID` (the reader) and `readSequence`).
   */
  async _onReadReceipt(sess, data) {
    const cid = String(data.conversationID || '');
    const groupID = String(data.groupID || groupOfConversation(cid));
    let readSeq = Number(data.readSequence) || 0;
    // receipts queued back to back for the same conversation need one refresh
    while (sess.inbox.length && sess.inbox[0].kind === 'push' && sess.inbox[0].push.ev === 'MESSAGE_READ_RECEIPT_RECEIVED'
      && String(sess.inbox[0].push.data.conversationID || '') === cid) {
      readSeq = Math.max(readSeq, Number(sess.inbox.shift().push.data.readSequence) || 0);
    }
    const mine = [...sess.messages.values()].filter((m) => m.conversationID === cid && m.flow === 'out'
      && m.needReadReceipt && m.sequence > 0 && m.sequence <= readSeq);
    const out = [];
    if (mine.length) {
      const d = await this._sessionRequest(
        sess, 'getMessageReadReceiptList', {conversationID: cid, messageIDList: mine.map((m) => m.ID)}, true);
      for (const item of d.messageList || []) {
        const msg = sess.messages.get(String(item.ID));
        const info = isObject(item.readReceiptInfo) ? item.readReceiptInfo : {};
        const readCount = Number(info.readCount) || 0;
        const unreadCount = Number(info.unreadCount) || 0;
        if (msg) msg.readReceiptInfo = {readCount, unreadCount};
        out.push({groupID, conversationID: cid, messageID: String(item.ID), readCount, unreadCount});
      }
    }
    out.conversationID = cid;
    out.groupID = groupID;
    out.userID = String(data.userID || '');
    out.readSequence = readSeq;
    this._emit(EVENT.MESSAGE_READ_RECEIPT_RECEIVED, out);
  }

  /**
   * A group system notice sent to chosen members (REST
   * send_group_system_notification): a MESSAGE_RECEIVED of type
   * TIMGroupSystemNoticeElem in the `@TIM#SYSTEM` conversation, as Tencent's.
   */
  _onGroupSystemNotice(sess, data) {
    const groupID = String(data.groupID || '');
    const msg = new Message({
      ID: `notice-${groupID}-${nowSeconds()}-${uint32()}`,
      type: TYPES.MSG_GRP_SYS_NOTICE,
      payload: {groupProfile: {groupID}, operationType: 255, userDefinedField: String(data.content ?? '')},
      conversationID: TYPES.CONV_SYSTEM,
      conversationType: TYPES.CONV_SYSTEM,
      from: TYPES.CONV_SYSTEM,
      to: sess.userID,
      flow: 'in',
      time: nowSeconds(),
      status: 'success',
      isRead: false,
    });
    this._emit(EVENT.MESSAGE_RECEIVED, [msg]);
  }

  /** I read a conversation on another device (up to `readSequence`). */
  async _onConversationRead(sess, data) {
    const cid = String(data.conversationID || '');
    const readSeq = Number(data.readSequence) || 0;
    this._markReadLocally(sess, cid, readSeq);
    const conv = this._find(sess, cid);
    if (conv) conv.groupAtInfoList = conv.groupAtInfoList.filter((a) => a.messageSequence > readSeq);
    if (conv && conv.unreadCount) {
      const last = conv.lastMessage;
      if (!last || last.sequence <= readSeq) {
        conv.unreadCount = 0;
      } else {
        // newer messages arrived meanwhile: the server knows how many are left
        const d = await this._sessionRequest(sess, 'getConversationProfile', {conversationID: cid}, true);
        if (isObject(d.conversation)) conv.unreadCount = Number(d.conversation.unreadCount) || 0;
      }
    }
    this._emitConversations(sess);
  }

  _markReadLocally(sess, cid, readSeq) {
    for (const m of sess.messages.values()) {
      if (m.conversationID === cid && m.flow === 'in' && !m.isRead && (readSeq === null || m.sequence <= readSeq)) {
        m.isRead = true;
      }
    }
  }

  _onProfile(sess, data) {
    const profile = isObject(data.profile) ? {...data.profile} : {};
    const userID = String(data.userID || profile.userID || '');
    if (userID && !profile.userID) profile.userID = userID;
    for (const conv of sess.conversations) {
      if (conv.type === TYPES.CONV_C2C && conv.conversationID === 'C2C' + userID) {
        conv.userProfile = {...conv.userProfile, ...profile};
      }
    }
    this._emit(EVENT.PROFILE_UPDATED, [profile]);
    this._emitConversations(sess);
  }

  // -- conversations

  /**
   * Replace the list with the server's. `retry` for refetches after a push;
   * not for the catch-up after a login, whose connection is the one it waits for.
   */
  async _refreshConversations(sess, emit = true, retry = true) {
    const d = await this._sessionRequest(sess, 'getConversationList', null, retry);
    sess.conversations = (d.conversationList || []).map((c) => this._conversationFromWire(sess, c));
    if (emit) this._emitConversations(sess);
  }

  _conversationFromWire(sess, wire) {
    const conv = newConversation(String(wire.conversationID || ''), String(wire.type || TYPES.CONV_C2C), {});
    conv.unreadCount = Number(wire.unreadCount) || 0;
    conv.isPinned = Boolean(wire.isPinned);
    conv.userProfile = isObject(wire.userProfile) ? wire.userProfile : {};
    conv.peerReadSequence = Number(wire.peerReadSequence) || 0;
    conv.readSequence = Number(wire.readSequence) || 0;
    if (isObject(wire.groupProfile)) conv.groupProfile = wire.groupProfile;
    if (Array.isArray(wire.groupAtInfoList)) conv.groupAtInfoList = wire.groupAtInfoList.filter(isObject);
    if (isObject(wire.lastMessage)) conv.lastMessage = this._internWire(sess, wire.lastMessage);
    return conv;
  }

  /**
   * Emit CONVERSATION_LIST_UPDATED / TOTAL_UNREAD_MESSAGE_COUNT_UPDATED for what
   * changed since they were last emitted (each event carries a snapshot).
   */
  _emitConversations(sess, force = false) {
    if (sess.ended && !force) return;
    const key = JSON.stringify(sess.conversations.map(conversationKey));
    if (force || key !== sess.emittedListKey) {
      sess.emittedListKey = key;
      this._emit(EVENT.CONVERSATION_LIST_UPDATED, sess.conversations.map(conversationView));
    }
    const total = sess.conversations.reduce((n, c) => n + c.unreadCount, 0);
    if (force || total !== sess.emittedTotal) {
      sess.emittedTotal = total;
      this._emit(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, total);
    }
  }

  // ---------------------------------------------------------------- messages

  _create(type, options, payload) {
    if (!isObject(options)) throw invalid('expected {to, conversationType, payload}');
    const {to, conversationType = TYPES.CONV_C2C, cloudCustomData, needReadReceipt, priority} = options;
    if (typeof to !== 'string' || !to) throw invalid("'to' must be a userID (C2C) or a groupID (GROUP)");
    if (conversationType !== TYPES.CONV_C2C && conversationType !== TYPES.CONV_GROUP) {
      throw invalid(`bad conversationType ${conversationType}`);
    }
    if (cloudCustomData !== undefined && typeof cloudCustomData !== 'string') {
      throw invalid('cloudCustomData must be a string');
    }
    const element = payloadToElement(type, payload);
    const random = uint32();
    const now = nowSeconds();
    const from = this._sess && !this._sess.ended ? this._sess.userID : '';
    return new Message({
      ID: `${from}-${now}-${random}`,
      type,
      payload: {...payload},
      conversationID: conversationType + to,
      conversationType,
      to,
      from,
      flow: 'out',
      time: now,
      clientTime: now,
      random,
      status: 'unSend',
      isRead: true,
      priority: priority || TYPES.MSG_PRIORITY_NORMAL,
      cloudCustomData: cloudCustomData || '',
      needReadReceipt: Boolean(needReadReceipt),
      MsgBody: [element],
    });
  }

  /**
   * An unsent text message. Throws ChatError 6017 on bad options.
   * @param {{to: string, conversationType: string, payload: {text: string}, cloudCustomData?: string, needReadReceipt?: boolean}} options
   * @returns {Message}
   */
  createTextMessage(options) {
    const payload = isObject(options) ? options.payload : null;
    if (!isObject(payload) || typeof payload.text !== 'string') throw invalid('payload.text must be a string');
    return this._create(TYPES.MSG_TEXT, options, {text: payload.text});
  }

  /**
   * An unsent group text message mentioning members (`@`): payload `{text,
   * atUserList}` with userIDs, or `TYPES.MSG_AT_ALL` for everyone. The
   * mentioned members' conversations get a `groupAtInfoList` entry; a C2C
   * message carries just the text.
   * @param {{to: string, conversationType: string, payload: {text: string, atUserList?: string[]}}} options
   * @returns {Message}
   */
  createTextAtMessage(options) {
    const msg = this.createTextMessage(options);
    const list = options.payload.atUserList;
    if (list !== undefined && !Array.isArray(list)) throw invalid('payload.atUserList must be an array');
    msg.atUserList = list ? list.map(String) : [];
    return msg;
  }

  /**
   * An unsent face (emoji) message: payload `{index: number, data: string}`.
   * @returns {Message}
   */
  createFaceMessage(options) {
    const payload = isObject(options) ? options.payload : null;
    if (!isObject(payload)) throw invalid('payload must be {index, data}');
    return this._create(TYPES.MSG_FACE, options, payload);
  }

  /**
   * An unsent location: payload `{description: string, longitude: number, latitude: number}`.
   * @returns {Message}
   */
  createLocationMessage(options) {
    const payload = isObject(options) ? options.payload : null;
    if (!isObject(payload)) throw invalid('payload must be {description, longitude, latitude}');
    return this._create(TYPES.MSG_LOCATION, options, payload);
  }

  /**
   * An unsent custom message: payload `{data: string, description?: string, extension?: string}`.
   * @returns {Message}
   */
  createCustomMessage(options) {
    const payload = isObject(options) ? options.payload : null;
    if (!isObject(payload)) throw invalid('payload must be {data, description, extension}');
    return this._create(TYPES.MSG_CUSTOM, options, payload);
  }

  /**
   * An unsent image message by URL (uploads come later). payload: Tencent's
   * received shape `{uuid, imageFormat, imageInfoArray: [{type, size, width,
   * height, url}]}`, or the short form `{url, width?, height?, size?, imageFormat?}`.
   * @returns {Message}
   */
  createImageMessage(options) {
    let payload = isObject(options) ? options.payload : null;
    if (!isObject(payload)) throw invalid('payload must be {url, ...} or {imageInfoArray, ...}');
    if (!('imageInfoArray' in payload) && typeof payload.url === 'string') {
      const info = {type: 1, url: payload.url};
      for (const k of ['size', 'width', 'height']) if (k in payload) info[k] = payload[k];
      payload = {uuid: payload.uuid || '', imageFormat: payload.imageFormat ?? 255, imageInfoArray: [info]};
    }
    return this._create(TYPES.MSG_IMAGE, options, payload);
  }

  /**
   * An unsent file message by URL: payload `{fileUrl (or url), fileName, fileSize, uuid?}`.
   * @returns {Message}
   */
  createFileMessage(options) {
    return this._create(TYPES.MSG_FILE, options, renameUrl(options, 'fileUrl'));
  }

  /**
   * An unsent audio message by URL: payload `{url, second, size, uuid?}`.
   * @returns {Message}
   */
  createAudioMessage(options) {
    const payload = isObject(options) ? options.payload : null;
    if (!isObject(payload)) throw invalid('payload must be {url, second, size}');
    return this._create(TYPES.MSG_AUDIO, options, payload);
  }

  /**
   * An unsent video message by URL: payload `{videoUrl (or url), videoSecond,
   * videoSize, videoFormat, thumbUrl, thumbWidth, thumbHeight, ...}`.
   * @returns {Message}
   */
  createVideoMessage(options) {
    return this._create(TYPES.MSG_VIDEO, options, renameUrl(options, 'videoUrl'));
  }

  /**
   * Send a message made by a `create*Message` method. The same object is
   * updated: `status` 'success', the server's `ID`, `sequence` and `time`.
   * The receiver's devices (a group's members) and this user's other devices
   * get MESSAGE_RECEIVED; this device does not (the message object is its copy).
   *
   * With `onlineUserOnly` the message is not stored: only devices online now
   * get it (`sequence` 0).
   *
   * Resolves `{code: 0, data: {message}}`. On failure `status` becomes 'fail'
   * and it rejects `{code, message}`: 20003 receiver not imported, 20007 I am
   * on their blacklist, 20009 not friends (when the app checks), 20012 I may
   * not send; in groups 10010 no such group, 10007 not a member, 10017 muted;
   * 90002/80002 bad body, 6014 not logged in, 6017 bad arguments;
   * 2800/2801 when the answer was lost — then the message may have been
   * stored, and {@link PalaverChat#resendMessage} sends it with the same
   * `random` so the server answers the stored copy instead of storing it twice.
   *
   * @param {Message} message
   * @param {{onlineUserOnly?: boolean}} [options]
   */
  async sendMessage(message, options = {}) {
    const sess = this._requireSession();
    if (!(message instanceof Message)) throw invalid('sendMessage expects a Message made by create*Message');
    if (message.status === 'success') throw invalid('this message was sent already');
    const onlineOnly = Boolean(options && options.onlineUserOnly);
    const data = {
      to: message.to,
      conversationType: message.conversationType,
      type: message.type,
      payload: message.payload,
      random: message.random,
      onlineUserOnly: onlineOnly,
      needReadReceipt: message.needReadReceipt,
    };
    if (message.MsgBody.length > 1) data.MsgBody = message.MsgBody;
    if (message.cloudCustomData) data.cloudCustomData = message.cloudCustomData;
    if (message.conversationType === TYPES.CONV_GROUP) {
      if (message.atUserList.length) data.atUserList = message.atUserList;
      if (message.priority && message.priority !== TYPES.MSG_PRIORITY_NORMAL) data.priority = message.priority;
    }
    if (!message.from) message.from = sess.userID;
    sess.ownSends.add(message.random);
    message.status = 'unSend';
    let answer;
    try {
      answer = await this._sessionRequest(sess, 'sendMessage', data);
    } catch (err) {
      message.status = 'fail';
      // A lost answer may hide a stored message: its echo stays suppressed
      // until a resend (same random) gets the stored copy.
      if (err.code !== ERROR_CODE.NETWORK && err.code !== ERROR_CODE.REQUEST_TIMEOUT) {
        sess.ownSends.delete(message.random);
      }
      throw err;
    }
    const type = message.type;
    const payload = message.payload;
    message._update(answer.message);
    if (!answer.message || !answer.message.type) {
      message.type = type; // online-only answers carry MsgBody only
      message.payload = payload;
    }
    message.status = 'success';
    message.flow = 'out';
    message.isRead = true;
    message.onlineOnly = onlineOnly;
    sess.ownSends.delete(message.random);
    if (message.ID) sess.remember(message.ID); // a later echo is dropped by its ID
    if (!onlineOnly) {
      this._keep(sess, message);
      this._runLocal(sess, async () => {
        await this._fold(sess, message);
        this._emitConversations(sess);
      }).catch(() => {});
    }
    return {code: 0, data: {message}};
  }

  /**
   * Send again a message whose send failed (same `random`: if the first
   * attempt was stored, the server answers that copy). Rejects 6017 if it was
   * sent successfully, otherwise as {@link PalaverChat#sendMessage}.
   * @param {Message} message
   */
  async resendMessage(message) {
    if (message instanceof Message && message.status === 'success') throw invalid('this message was sent already');
    return this.sendMessage(message, {onlineUserOnly: message && message.onlineOnly});
  }

  /**
   * Recall one of my sent messages. Resolves `{code: 0, data: {message}}`
   * (`isRevoked` true). The peer's devices and my other devices get
   * MESSAGE_REVOKED; this device does not (the promise is its news).
   *
   * Rejects: 20016 the app's recall window (default 120 s) has passed; 6017
   * not my message, not in my conversations, or not a sent message.
   * @param {Message} message
   */
  async revokeMessage(message) {
    const sess = this._requireSession();
    if (!isObject(message) || !message.ID || message.status !== 'success') {
      throw invalid('revokeMessage expects a sent Message');
    }
    sess.ownRevokes.add(message.ID);
    let d;
    try {
      d = await this._sessionRequest(sess, 'revokeMessage', {conversationID: message.conversationID, ID: message.ID});
    } catch (err) {
      sess.ownRevokes.delete(message.ID);
      throw err;
    }
    // a plain copy (say a conversation's lastMessage) stands for the object the SDK keeps
    const target = message instanceof Message ? message : this._internWire(sess, message);
    target._update(d.message);
    target.isRevoked = true;
    target.revoker = sess.userID;
    target.revokerInfo = {userID: sess.userID, nick: '', avatar: ''};
    const kept = this._keep(sess, target);
    this._runLocal(sess, async () => {
      const conv = this._find(sess, kept.conversationID);
      if (conv && conv.lastMessage && conv.lastMessage.ID === kept.ID) conv.lastMessage.isRevoked = true;
      this._emitConversations(sess);
    }).catch(() => {});
    return {code: 0, data: {message: target}};
  }

  /**
   * A page of a conversation's history, oldest first.
   *
   * Resolves `{code: 0, data: {messageList, nextReqMessageID, isCompleted}}`:
   * pass `nextReqMessageID` back for the page before (`''` when complete).
   * `count` is 1..15 (more is clamped to 15, as Tencent's SDK does).
   * Rejects 6017: a bad conversation ID, or a `nextReqMessageID` that is not a
   * message of this conversation.
   *
   * @param {{conversationID: string, nextReqMessageID?: string, count?: number}} options
   */
  async getMessageList(options) {
    if (!isObject(options) || typeof options.conversationID !== 'string') {
      throw invalid('getMessageList expects {conversationID}');
    }
    const sess = this._requireSession();
    const count = Math.max(1, Math.min(Math.floor(Number(options.count) || MAX_PAGE), MAX_PAGE));
    const req = {conversationID: options.conversationID, count};
    if (options.nextReqMessageID) req.nextReqMessageID = String(options.nextReqMessageID);
    const d = await this._sessionRequest(sess, 'getMessageList', req);
    const messageList = (d.messageList || []).map((w) => this._internWire(sess, w));
    return {
      code: 0,
      data: {messageList, nextReqMessageID: String(d.nextReqMessageID || ''), isCompleted: d.isCompleted !== false},
    };
  }

  /**
   * Mark every message of a conversation read: its unread count becomes 0, my
   * other devices follow, and the peer gets MESSAGE_READ_BY_PEER. Rejects
   * 6017 on a bad conversation ID.
   * @param {{conversationID: string}} options
   */
  async setMessageRead(options) {
    if (!isObject(options) || typeof options.conversationID !== 'string') {
      throw invalid('setMessageRead expects {conversationID}');
    }
    const sess = this._requireSession();
    const cid = options.conversationID;
    await this._sessionRequest(sess, 'setMessageRead', {conversationID: cid});
    await this._runLocal(sess, async () => {
      const conv = this._find(sess, cid);
      if (conv) {
        conv.unreadCount = 0;
        conv.groupAtInfoList = [];
      }
      this._markReadLocally(sess, cid, null);
      this._emitConversations(sess);
    });
    return {code: 0, data: {}};
  }

  // ----------------------------------------------------------- conversations

  /**
   * My conversations from the server, pinned first then newest first (the
   * SDK's own list is refreshed with it, emitting CONVERSATION_LIST_UPDATED if
   * it changed). Resolves `{code: 0, data: {conversationList, isSyncCompleted: true}}`.
   */
  async getConversationList() {
    const sess = this._requireSession();
    const conversationList = await this._runLocal(sess, async () => {
      await this._refreshConversations(sess);
      return sess.conversations.map(conversationView);
    });
    return {code: 0, data: {conversationList, isSyncCompleted: true}};
  }

  /**
   * One of my conversations: `{code: 0, data: {conversation}}`. Rejects 6017 if
   * I have none with that ID.
   * @param {string} conversationID
   */
  async getConversationProfile(conversationID) {
    if (typeof conversationID !== 'string') throw invalid('conversationID must be a string');
    const sess = this._requireSession();
    const d = await this._sessionRequest(sess, 'getConversationProfile', {conversationID});
    const conv = this._conversationFromWire(sess, isObject(d.conversation) ? d.conversation : {});
    return {code: 0, data: {conversation: conversationView(conv)}};
  }

  /**
   * Delete a conversation (`'C2Cbob'`) or several (`{conversationIDList,
   * clearHistoryMessage?}`), with my copy of their history unless
   * `clearHistoryMessage` is false. Resolves `{code: 0, data: {conversationID}}`
   * (one) or `{code: 0, data: {conversationIDList}}` (several). Rejects 6017
   * on a bad ID.
   * @param {string | {conversationIDList: string[], clearHistoryMessage?: boolean}} options
   */
  async deleteConversation(options) {
    const one = typeof options === 'string';
    const ids = one ? [options] : isObject(options) ? options.conversationIDList : null;
    if (!Array.isArray(ids) || !ids.length || !ids.every((i) => typeof i === 'string')) {
      throw invalid("deleteConversation expects a conversationID or {conversationIDList}");
    }
    const clear = one || options.clearHistoryMessage === undefined ? true : Boolean(options.clearHistoryMessage);
    const sess = this._requireSession();
    for (const conversationID of ids) {
      await this._sessionRequest(sess, 'deleteConversation', {conversationID, clearHistoryMessage: clear});
    }
    await this._runLocal(sess, () => this._refreshConversations(sess));
    return {code: 0, data: one ? {conversationID: ids[0]} : {conversationIDList: ids}};
  }

  /**
   * Pin or unpin a conversation (pinned ones list first). Resolves
   * `{code: 0, data: {conversationID}}`; rejects 6017 if there is no such
   * conversation.
   * @param {{conversationID: string, isPinned: boolean}} options
   */
  async pinConversation(options) {
    if (!isObject(options) || typeof options.conversationID !== 'string') {
      throw invalid('pinConversation expects {conversationID, isPinned}');
    }
    const sess = this._requireSession();
    await this._sessionRequest(sess, 'pinConversation', {
      conversationID: options.conversationID,
      isPinned: Boolean(options.isPinned),
    });
    await this._runLocal(sess, () => this._refreshConversations(sess));
    return {code: 0, data: {conversationID: options.conversationID}};
  }

  /**
   * The sum of my conversations' unread counts, as the SDK keeps it (what the
   * last TOTAL_UNREAD_MESSAGE_COUNT_UPDATED said). A number, like Tencent's;
   * 0 when logged out.
   * @returns {number}
   */
  getTotalUnreadMessageCount() {
    const sess = this._sess;
    if (!sess || sess.ended) return 0;
    return sess.conversations.reduce((n, c) => n + c.unreadCount, 0);
  }

  // ----------------------------------------------------------------- profile

  /**
   * My profile: `{code: 0, data: Profile}` (`{userID, nick, avatar, gender,
   * selfSignature, allowType, birthday, location, language, messageSettings,
   * adminForbidType, level, role, profileCustomField: [{key, value}]}`).
   */
  async getMyProfile() {
    const d = await this._request('getMyProfile');
    return {code: 0, data: d.profile || d};
  }

  /**
   * Profiles of users: `{code: 0, data: Profile[]}` (request order; unknown
   * accounts left out). Rejects 6017 for an empty list or more than 100.
   * @param {{userIDList: string[]}} options
   */
  async getUserProfile(options) {
    const list = isObject(options) ? options.userIDList : null;
    if (!Array.isArray(list)) throw invalid('getUserProfile expects {userIDList}');
    const d = await this._request('getUserProfile', {userIDList: list});
    return {code: 0, data: d.profileList || []};
  }

  /**
   * Change my profile; resolves `{code: 0, data: Profile}` (the whole new
   * one). Fields: nick, avatar, gender (`TYPES.GENDER_*`), selfSignature,
   * allowType (`TYPES.ALLOW_TYPE_*`), birthday, location, language,
   * messageSettings, level, role, profileCustomField `[{key, value}]`. I and
   * my friends get PROFILE_UPDATED.
   *
   * Rejects: 40610 a value of the wrong type, 40605 a value not allowed, 40601
   * a string over 500 bytes, 40009 a bad custom key, 6017 no or unknown field.
   * @param {Object} options
   */
  async updateMyProfile(options) {
    if (!isObject(options)) throw invalid('updateMyProfile expects an object');
    const d = await this._request('updateMyProfile', options);
    return {code: 0, data: d.profile || d};
  }

  // ------------------------------------------------------------ relationships

  /**
   * My friends, oldest first: `{code: 0, data: Friend[]}` (`{userID, remark,
   * groupList, addTime, source, wording, friendCustomField, profile}`).
   */
  async getFriendList() {
    const d = await this._request('getFriendList');
    return {code: 0, data: d.friendList || []};
  }

  /**
   * Add a friend, or ask to. Resolves `{code: 0, data: {userID, code}}`:
   * `data.code` 0 added, 30539 a request is pending (the user's allowType is
   * NeedConfirm), as Tencent's does.
   *
   * Rejects: 30001 myself / already friends / bad source / remark over 96
   * bytes / wording over 256; 30003 unknown account; 30515 the user is on my
   * blacklist; 30525 I am on theirs; 30516 the user accepts no requests;
   * 30010/30014 a friend list is full; 6017 bad arguments.
   *
   * @param {{to: string, source: string, wording?: string, type?: string, remark?: string, groupName?: string}} options
   */
  async addFriend(options) {
    if (!isObject(options) || typeof options.to !== 'string' || typeof options.source !== 'string') {
      throw invalid("addFriend expects {to, source: 'AddSource_Type_...'}");
    }
    const req = {to: options.to, source: options.source, type: options.type || TYPES.SNS_ADD_TYPE_BOTH};
    for (const k of ['wording', 'remark', 'groupName']) if (options[k] !== undefined) req[k] = options[k];
    const d = await this._request('addFriend', req);
    return {code: 0, data: {userID: d.userID ?? options.to, code: Number(d.code) || 0}};
  }

  /**
   * Delete friends (both ways by default). Resolves `{code: 0, data:
   * {successUserIDList: [{userID}], failureUserIDList: [{userID, code, message}]}}`.
   * @param {{userIDList: string[], type?: string}} options
   */
  async deleteFriend(options) {
    const list = isObject(options) ? options.userIDList : null;
    if (!Array.isArray(list)) throw invalid('deleteFriend expects {userIDList}');
    const d = await this._request('deleteFriend', {userIDList: list, type: options.type || TYPES.SNS_DELETE_TYPE_BOTH});
    return {code: 0, data: {successUserIDList: d.successUserIDList || [], failureUserIDList: d.failureUserIDList || []}};
  }

  /**
   * Relations with users. Resolves `{code: 0, data: {successUserIDList:
   * [{userID, code: 0, relation: TYPES.SNS_TYPE_*}], failureUserIDList}}`.
   * @param {{userIDList: string[], type?: string}} options
   */
  async checkFriend(options) {
    const list = isObject(options) ? options.userIDList : null;
    if (!Array.isArray(list)) throw invalid('checkFriend expects {userIDList}');
    const d = await this._request('checkFriend', {userIDList: list, type: options.type || TYPES.SNS_CHECK_TYPE_BOTH});
    return {code: 0, data: {successUserIDList: d.successUserIDList || [], failureUserIDList: d.failureUserIDList || []}};
  }

  /**
   * Pending friend requests to and from me, newest first: `{code: 0, data:
   * {friendApplicationList: [{userID, type (TYPES.SNS_APPLICATION_SENT_TO_ME /
   * _SENT_BY_ME), wording, source, time, nick, avatar}], unreadCount}}`.
   */
  async getFriendApplicationList() {
    const d = await this._request('getFriendApplicationList');
    return {
      code: 0,
      data: {friendApplicationList: d.friendApplicationList || [], unreadCount: Number(d.unreadCount) || 0},
    };
  }

  /**
   * Accept the request `userID` sent me: `type` AgreeAndAdd (default: friends
   * both ways) or Agree (they add me only). Rejects 30614 no such request.
   * @param {{userID: string, type?: string, remark?: string}} options
   */
  async acceptFriendApplication(options) {
    if (!isObject(options) || typeof options.userID !== 'string') {
      throw invalid('acceptFriendApplication expects {userID}');
    }
    const req = {userID: options.userID, type: options.type || TYPES.SNS_APPLICATION_AGREE_AND_ADD};
    if (options.remark !== undefined) req.remark = options.remark;
    await this._request('acceptFriendApplication', req);
    return {code: 0, data: {}};
  }

  /**
   * Refuse the request `userID` sent me. Rejects 30614 no such request.
   * @param {{userID: string}} options
   */
  async refuseFriendApplication(options) {
    if (!isObject(options) || typeof options.userID !== 'string') {
      throw invalid('refuseFriendApplication expects {userID}');
    }
    await this._request('refuseFriendApplication', {userID: options.userID});
    return {code: 0, data: {}};
  }

  /** The userIDs I blacklisted, oldest first: `{code: 0, data: userID[]}`. */
  async getBlacklist() {
    const d = await this._request('getBlacklist');
    return {code: 0, data: d.userIDList || []};
  }

  /**
   * Blacklist users (their messages to me fail with 20007; friendships and
   * requests with them are removed). Resolves `{code: 0, data: userID[]}` (the
   * ones added, as Tencent's); rejects with the first failure's code (30003
   * unknown account, 30001 myself or already blacklisted, 30013 full) when
   * none was added.
   * @param {{userIDList: string[]}} options
   */
  async addToBlacklist(options) {
    return this._blacklistChange('addToBlacklist', options);
  }

  /**
   * Take users off my blacklist (friendships are not restored). Resolves
   * `{code: 0, data: userID[]}` (the ones removed); rejects with the first
   * failure's code (30001 not on it, 30003 unknown account) when none was.
   * @param {{userIDList: string[]}} options
   */
  async removeFromBlacklist(options) {
    return this._blacklistChange('removeFromBlacklist', options);
  }

  async _blacklistChange(op, options) {
    const list = isObject(options) ? options.userIDList : null;
    if (!Array.isArray(list)) throw invalid(`${op} expects {userIDList}`);
    const d = await this._request(op, {userIDList: list});
    const ok = d.successUserIDList || [];
    const failed = d.failureUserIDList || [];
    if (!ok.length && failed.length) throw new ChatError(Number(failed[0].code), String(failed[0].message || ''));
    return {code: 0, data: ok};
  }

  // ------------------------------------------------------------------- groups

  /**
   * A group request: `options` must be an object with a non-empty string
   * `groupID` (unless `needsGroup` is false); the listed `fields` that are set
   * are sent. Resolves the response data; rejects 6017 before sending on bad
   * options, else the server's code.
   */
  async _groupRequest(op, options, fields, needsGroup = true) {
    if (typeof options === 'string') options = {groupID: options};
    if (!isObject(options)) throw invalid(`${op} expects an object`);
    if (needsGroup && (typeof options.groupID !== 'string' || !options.groupID)) {
      throw invalid(`${op}: groupID must be a non-empty string`);
    }
    const req = needsGroup ? {groupID: options.groupID} : {};
    for (const k of fields) if (options[k] !== undefined) req[k] = options[k];
    return this._request(op, req);
  }

  /**
   * Create a group; I am its owner and every member gets GROUP_LIST_UPDATED.
   * `type` is a `TYPES.GRP_*` (default `GRP_WORK`, 'Private'); `memberList`
   * items are `{userID, role?, memberCustomField?}` (or userIDs), up to 100;
   * `joinOption` a `TYPES.JOIN_OPTIONS_*`. Resolves `{code: 0, data: {group}}`.
   *
   * Rejects: 10004 bad type, name over 30 bytes or other sizes, role or
   * option; 10015 bad custom groupID (it must not start with `@TGS#`); 10021
   * groupID in use; 10019 a member is not an imported account; 10038 more
   * members than the type allows; 6017 bad arguments.
   * @param {{type?: string, name: string, groupID?: string, introduction?: string, notification?: string, avatar?: string, maxMemberNum?: number, joinOption?: string, memberList?: Array<Object|string>, groupCustomField?: Array<{key: string, value: string}>}} options
   */
  async createGroup(options) {
    if (!isObject(options) || typeof options.name !== 'string') throw invalid('createGroup expects {type, name, ...}');
    const req = {...options, type: options.type || TYPES.GRP_WORK};
    if (req.memberList !== undefined) {
      if (!Array.isArray(req.memberList)) throw invalid('createGroup: memberList must be an array');
      req.memberList = req.memberList.map((m) => (typeof m === 'string' ? {userID: m} : m));
    }
    const d = await this._groupRequest('createGroup', req, [
      'type', 'name', 'groupID', 'introduction', 'notification', 'avatar', 'maxMemberNum', 'joinOption',
      'memberList', 'groupCustomField',
    ], false);
    // the creator of an AVChatRoom is in the room on this connection (joined again after a reconnect)
    if (isObject(d.group) && d.group.type === TYPES.GRP_AVCHATROOM) this._sess?.avRooms.add(String(d.group.groupID));
    return {code: 0, data: {group: d.group || null}};
  }

  /**
   * The groups I am a member of, newest join first: `{code: 0, data:
   * {groupList: Group[]}}` (AVChatRooms joined on this connection are not
   * memberships and are not listed).
   */
  async getGroupList() {
    const d = await this._request('getGroupList', {});
    return {code: 0, data: {groupList: d.groupList || []}};
  }

  /**
   * One group's profile: `{code: 0, data: {group}}` (`selfInfo` set when I am
   * a member). Rejects 10010 no such group; 10007 a Private group I am not in.
   * @param {{groupID: string}} options
   */
  async getGroupProfile(options) {
    const d = await this._groupRequest('getGroupProfile', options, []);
    return {code: 0, data: {group: d.group || null}};
  }

  /**
   * Change a group's profile (owner or admin); members get a group tip
   * (`GRP_TIP_GRP_PROFILE_UPDATED`). Resolves `{code: 0, data: {group}}`.
   * Rejects 10007 not owner/admin, 10004 a bad value, 10010 no such group.
   * @param {{groupID: string, name?: string, introduction?: string, notification?: string, avatar?: string, maxMemberNum?: number, joinOption?: string, muteAllMembers?: boolean, groupCustomField?: Array<{key: string, value: string}>}} options
   */
  async updateGroupProfile(options) {
    const d = await this._groupRequest('updateGroupProfile', options, [
      'name', 'introduction', 'notification', 'avatar', 'maxMemberNum', 'joinOption', 'muteAllMembers',
      'groupCustomField',
    ]);
    return {code: 0, data: {group: d.group || null}};
  }

  /**
   * Join a group, or apply to. Resolves `{code: 0, data: {status, group?}}`,
   * `status` a `TYPES.JOIN_STATUS_*`: JoinedSuccess (GROUP_LIST_UPDATED
   * follows), WaitAdminApproval (the owner and admins get
   * GROUP_APPLICATION_LIST_UPDATED), AlreadyInGroup. An AVChatRoom is joined
   * on this connection only; the SDK joins it again after a reconnect.
   *
   * Rejects 10010 no such group; 10007 a Private group or one that takes no
   * applications; 10014 full.
   * @param {{groupID: string, applyMessage?: string}} options
   */
  async joinGroup(options) {
    const sess = this._requireSession();
    const d = await this._groupRequest('joinGroup', options, ['applyMessage']);
    const group = isObject(d.group) ? d.group : null;
    const status = String(d.status || TYPES.JOIN_STATUS_SUCCESS);
    if (group && group.type === TYPES.GRP_AVCHATROOM && status !== TYPES.JOIN_STATUS_WAIT_APPROVAL) {
      sess.avRooms.add(String(group.groupID || options.groupID));
    }
    return {code: 0, data: group ? {status, group} : {status}};
  }

  /**
   * Leave a group (`quitGroup('@TGS#…')`): its conversation goes, and
   * GROUP_LIST_UPDATED follows. Resolves `{code: 0, data: {groupID}}`.
   * Rejects 10009 I am the owner (dismiss it, or hand it over first); 10007
   * not a member; 10010 no such group.
   * @param {string} groupID
   */
  async quitGroup(groupID) {
    const sess = this._requireSession();
    const d = await this._groupRequest('quitGroup', groupID, []);
    const id = String(d.groupID || (isObject(groupID) ? groupID.groupID : groupID));
    sess.avRooms.delete(id);
    return {code: 0, data: {groupID: id}};
  }

  /**
   * Dismiss a group I own (`dismissGroup('@TGS#…')`): every member gets
   * GROUP_LIST_UPDATED and loses the conversation; the history is deleted.
   * Resolves `{code: 0, data: {groupID}}`. Rejects 10007 not the owner, 10010.
   * @param {string} groupID
   */
  async dismissGroup(groupID) {
    const sess = this._requireSession();
    const d = await this._groupRequest('dismissGroup', groupID, []);
    const id = String(d.groupID || (isObject(groupID) ? groupID.groupID : groupID));
    sess.avRooms.delete(id);
    return {code: 0, data: {groupID: id}};
  }

  /**
   * A group's public profile by ID (`searchGroupByID('@TGS#…')`), to join it:
   * `{code: 0, data: {group}}`. Rejects 10010 no such group; 10007 a Private
   * group (found only by invitation).
   * @param {string} groupID
   */
  async searchGroupByID(groupID) {
    const d = await this._groupRequest('searchGroupByID', groupID, []);
    return {code: 0, data: {group: d.group || null}};
  }

  /**
   * Hand a group I own to a member (I become a Member). Resolves `{code: 0,
   * data: {group}}`. Rejects 10007 not the owner; 10004 the new owner is not a member.
   * @param {{groupID: string, newOwnerID: string}} options
   */
  async changeGroupOwner(options) {
    const d = await this._groupRequest('changeGroupOwner', options, ['newOwnerID']);
    return {code: 0, data: {group: d.group || null}};
  }

  /**
   * Pending applications to groups I own or administer: `{code: 0, data:
   * {applicationList: [{groupID, groupName, applicant, applicantNick,
   * applyMessage, time}], unreadCount}}`.
   */
  async getGroupApplicationList() {
    const d = await this._request('getGroupApplicationList', {});
    return {code: 0, data: {applicationList: d.applicationList || [], unreadCount: Number(d.unreadCount) || 0}};
  }

  /**
   * Agree to or reject an application (owner or admin): `{handleAction:
   * 'Agree'|'Reject', handleMessage?, application}` with `application` an item
   * of getGroupApplicationList (or `groupID` and `applicant` directly). The
   * applicant joins (Agree) or gets GROUP_LIST_UPDATED 'rejected'. Resolves
   * `{code: 0, data: {}}`. Rejects 10024 no such pending application, 10007
   * not owner/admin, 10014 the group is full.
   * @param {{handleAction: string, handleMessage?: string, application?: {groupID: string, applicant: string}, groupID?: string, applicant?: string}} options
   */
  async handleGroupApplication(options) {
    if (!isObject(options)) throw invalid('handleGroupApplication expects {handleAction, application}');
    const app = isObject(options.application) ? options.application : options;
    if (typeof app.applicant !== 'string' || !app.applicant) throw invalid('handleGroupApplication: no applicant');
    const d = await this._groupRequest('handleGroupApplication', {
      groupID: app.groupID,
      applicant: app.applicant,
      handleAction: options.handleAction,
      handleMessage: options.handleMessage,
    }, ['applicant', 'handleAction', 'handleMessage']);
    return {code: 0, data: d};
  }

  /**
   * A page of a group's members, owner first then by join time: `{code: 0,
   * data: {memberList: [{userID, nick, avatar, role, joinTime, nameCard,
   * muteUntil, memberCustomField}], offset}}` (`offset`: the next page's, 0
   * when done). `count` 1..100 (15), `role` a `TYPES.GRP_MBR_ROLE_*` filter.
   * Rejects 10007 not a member (Private), 10010.
   * @param {{groupID: string, count?: number, offset?: number, role?: string}} options
   */
  async getGroupMemberList(options) {
    const d = await this._groupRequest('getGroupMemberList', options, ['count', 'offset', 'role']);
    return {code: 0, data: {memberList: d.memberList || [], offset: Number(d.offset) || 0}};
  }

  /**
   * Some members' profiles in a group (non-members left out): `{code: 0, data:
   * {memberList}}`. Up to 50 userIDs.
   * @param {{groupID: string, userIDList: string[]}} options
   */
  async getGroupMemberProfile(options) {
    if (!isObject(options) || !Array.isArray(options.userIDList)) {
      throw invalid('getGroupMemberProfile expects {groupID, userIDList}');
    }
    const d = await this._groupRequest('getGroupMemberProfile', options, ['userIDList']);
    return {code: 0, data: {memberList: d.memberList || []}};
  }

  /**
   * Add members (who may invite depends on the type: any member of a Work
   * group, the owner and admins otherwise). Resolves `{code: 0, data:
   * {successUserIDList, failureUserIDList, existedUserIDList, group}}`.
   * Rejects 10007 I may not invite, 10014 the group would be over its limit.
   * @param {{groupID: string, userIDList: string[]}} options
   */
  async addGroupMember(options) {
    if (!isObject(options) || !Array.isArray(options.userIDList)) throw invalid('addGroupMember expects {groupID, userIDList}');
    const d = await this._groupRequest('addGroupMember', options, ['userIDList']);
    return {
      code: 0,
      data: {
        successUserIDList: d.successUserIDList || [], failureUserIDList: d.failureUserIDList || [],
        existedUserIDList: d.existedUserIDList || [], group: d.group || null,
      },
    };
  }

  /**
   * Remove members (the owner removes anyone, admins remove members); they get
   * GROUP_LIST_UPDATED 'kicked'. Resolves `{code: 0, data: {group, userIDList}}`.
   * Rejects 10007 not allowed.
   * @param {{groupID: string, userIDList: string[], reason?: string}} options
   */
  async deleteGroupMember(options) {
    if (!isObject(options) || !Array.isArray(options.userIDList)) {
      throw invalid('deleteGroupMember expects {groupID, userIDList}');
    }
    const d = await this._groupRequest('deleteGroupMember', options, ['userIDList', 'reason']);
    return {code: 0, data: {group: d.group || null, userIDList: d.userIDList || []}};
  }

  /**
   * Make a member an admin or a member again (owner only): `role`
   * `TYPES.GRP_MBR_ROLE_ADMIN` or `_MEMBER`. Resolves `{code: 0, data: {group,
   * member}}`. Rejects 10007 not the owner or not a member, 10004 bad role.
   * @param {{groupID: string, userID: string, role: string}} options
   */
  async setGroupMemberRole(options) {
    const d = await this._groupRequest('setGroupMemberRole', options, ['userID', 'role']);
    return {code: 0, data: {group: d.group || null, member: d.member || null}};
  }

  /**
   * Mute a member for `muteTime` seconds from now (0 unmutes); owner or admin
   * over lower roles. Their sends fail with 10017 meanwhile. Resolves
   * `{code: 0, data: {group, member}}`. Rejects 10007 not allowed.
   * @param {{groupID: string, userID: string, muteTime: number}} options
   */
  async setGroupMemberMuteTime(options) {
    const d = await this._groupRequest('setGroupMemberMuteTime', options, ['userID', 'muteTime']);
    return {code: 0, data: {group: d.group || null, member: d.member || null}};
  }

  /**
   * Set a member's name card in the group (mine, or anyone's as owner/admin).
   * Resolves `{code: 0, data: {group, member}}`. Rejects 10007, 10004 too long.
   * @param {{groupID: string, userID?: string, nameCard: string}} options
   */
  async setGroupMemberNameCard(options) {
    const d = await this._groupRequest('setGroupMemberNameCard', options, ['userID', 'nameCard']);
    return {code: 0, data: {group: d.group || null, member: d.member || null}};
  }

  /**
   * Set a member's custom fields `[{key, value}]` (mine, or anyone's as
   * owner/admin). Resolves `{code: 0, data: {group, member}}`.
   * @param {{groupID: string, userID?: string, memberCustomField: Array<{key: string, value: string}>}} options
   */
  async setGroupMemberCustomField(options) {
    const d = await this._groupRequest('setGroupMemberCustomField', options, ['userID', 'memberCustomField']);
    return {code: 0, data: {group: d.group || null, member: d.member || null}};
  }

  /**
   * How many members are online now (`getGroupOnlineMemberCount('@TGS#…')`;
   * an AVChatRoom: users in the room): `{code: 0, data: {memberCount}}`.
   * @param {string} groupID
   */
  async getGroupOnlineMemberCount(groupID) {
    const d = await this._groupRequest('getGroupOnlineMemberCount', groupID, []);
    return {code: 0, data: {memberCount: Number(d.memberCount) || 0}};
  }

  /**
   * Read counts of my group messages sent with `needReadReceipt` (all from one
   * conversation): each Message's `readReceiptInfo` becomes `{readCount,
   * unreadCount}`. Resolves `{code: 0, data: {messageList}}` (the same
   * objects). Rejects 6017 mixed conversations or unsent messages; 10007.
   * @param {Message[]} messageList
   */
  async getMessageReadReceiptList(messageList) {
    if (!Array.isArray(messageList) || !messageList.length || !messageList.every((m) => isObject(m) && m.ID)) {
      throw invalid('getMessageReadReceiptList expects sent messages of one conversation');
    }
    const cid = messageList[0].conversationID;
    if (!messageList.every((m) => m.conversationID === cid)) throw invalid('messages of one conversation only');
    const sess = this._requireSession();
    const d = await this._sessionRequest(sess, 'getMessageReadReceiptList', {
      conversationID: cid, messageIDList: messageList.map((m) => m.ID),
    });
    const byID = new Map((d.messageList || []).map((item) => [String(item.ID), item]));
    for (const m of messageList) {
      const info = isObject(byID.get(m.ID)?.readReceiptInfo) ? byID.get(m.ID).readReceiptInfo : null;
      if (!info) continue;
      m.readReceiptInfo = {readCount: Number(info.readCount) || 0, unreadCount: Number(info.unreadCount) || 0};
      const kept = sess.messages.get(m.ID);
      if (kept && kept !== m) kept.readReceiptInfo = {...m.readReceiptInfo};
    }
    return {code: 0, data: {messageList}};
  }

  /**
   * Tell the senders I read these messages (all from one conversation; Tencent
   * `sendMessageReadReceipt`): the conversation is read up to the newest of
   * them, and senders who asked get MESSAGE_READ_RECEIPT_RECEIVED (group) or
   * MESSAGE_READ_BY_PEER (C2C). Resolves `{code: 0, data: {}}`. Rejects 6017
   * mixed conversations or unsent messages; 10007 not a member.
   * @param {Message[]} messageList
   */
  async sendMessageReadReceipt(messageList) {
    if (!Array.isArray(messageList) || !messageList.length || !messageList.every((m) => isObject(m) && m.ID)) {
      throw invalid('sendMessageReadReceipt expects received messages of one conversation');
    }
    const cid = messageList[0].conversationID;
    if (!messageList.every((m) => m.conversationID === cid)) throw invalid('messages of one conversation only');
    const sess = this._requireSession();
    await this._sessionRequest(sess, 'sendMessageReadReceipt', {
      conversationID: cid, messageIDList: messageList.map((m) => m.ID),
    });
    const upTo = Math.max(...messageList.map((m) => Number(m.sequence) || 0));
    await this._runLocal(sess, async () => {
      this._markReadLocally(sess, cid, upTo);
      const conv = this._find(sess, cid);
      if (conv) {
        conv.groupAtInfoList = conv.groupAtInfoList.filter((a) => a.messageSequence > upTo);
        if (!conv.lastMessage || conv.lastMessage.sequence <= upTo) conv.unreadCount = 0;
      }
      this._emitConversations(sess);
    });
    return {code: 0, data: {}};
  }

  /**
   * Who read (`filter` 0) or has not read (`filter` 1) one of my group
   * messages, a page of `count` (≤ 100) from `cursor` (`''` first). Resolves
   * `{code: 0, data: {messageID, isCompleted, cursor, readUserIDList}}` (or
   * `unreadUserIDList` for filter 1); pass `cursor` back for the next page.
   * @param {{message: Message, filter: number, cursor?: string, count?: number}} options
   */
  async getGroupMessageReadMemberList(options) {
    const msg = isObject(options) ? options.message : null;
    if (!isObject(msg) || !msg.ID || !groupOfConversation(msg.conversationID)) {
      throw invalid('getGroupMessageReadMemberList expects {message (a sent group message), filter}');
    }
    const filter = Number(options.filter) === 1 ? 1 : 0;
    const req = {conversationID: msg.conversationID, messageID: msg.ID, filter};
    if (options.cursor) req.offset = Number(options.cursor) || 0;
    if (options.count !== undefined) req.count = options.count;
    const d = await this._request('getGroupMessageReadMemberList', req);
    const isCompleted = d.isCompleted !== false;
    return {
      code: 0,
      data: {
        messageID: msg.ID,
        isCompleted,
        cursor: isCompleted ? '' : String(d.offset ?? ''),
        [filter === 0 ? 'readUserIDList' : 'unreadUserIDList']: d.userIDList || [],
      },
    };
  }
}

PalaverChat.EVENT = EVENT;
PalaverChat.TYPES = TYPES;
PalaverChat.ERROR_CODE = ERROR_CODE;
PalaverChat.VERSION = '0.1.0';

export {EVENT, TYPES, ERROR_CODE};

// ---------------------------------------------------------------------------- conversations

function newConversation(conversationID, type, userProfile) {
  return {
    conversationID,
    type,
    unreadCount: 0,
    lastMessage: null,
    isPinned: false,
    userProfile,
    groupProfile: null,
    groupAtInfoList: [],
    peerReadSequence: 0,
    readSequence: 0,
  };
}

/** A conversation new to the list, from one of its messages (C2C: the peer; GROUP: the group). */
function newConversationFor(m) {
  if (m.conversationType === TYPES.CONV_GROUP) {
    const conv = newConversation(m.conversationID, TYPES.CONV_GROUP, {});
    conv.groupProfile = {groupID: groupOfConversation(m.conversationID) || m.to};
    return conv;
  }
  return newConversation(m.conversationID, m.conversationType, {userID: m.flow === 'out' ? m.to : m.from});
}

/**
 * A group message pushed to every member alike says `flow: "in"` (docs/protocol.md
 * §8.1): mine (from any of my devices) is `out`, and read.
 */
function ownFlow(sess, msg) {
  if (msg.conversationType === TYPES.CONV_GROUP && msg.from && msg.from === sess.userID) {
    msg.flow = 'out';
    msg.isRead = true;
  }
  return msg;
}

/** The `groupAtInfoList` entry an incoming group message makes (it @-mentions me or everyone), or null. */
function atInfo(sess, m) {
  if (m.conversationType !== TYPES.CONV_GROUP || !m.atUserList.length) return null;
  const me = m.atUserList.includes(sess.userID);
  const all = m.atUserList.includes(TYPES.MSG_AT_ALL);
  if (!me && !all) return null;
  return {
    groupID: groupOfConversation(m.conversationID),
    from: m.from,
    messageSequence: m.sequence,
    atTypeArray: me && all ? [TYPES.CONV_AT_ME, TYPES.CONV_AT_ALL] : [me ? TYPES.CONV_AT_ME : TYPES.CONV_AT_ALL],
  };
}

/** What a user sees of a conversation, to tell whether the list changed. */
function conversationKey(c) {
  const m = c.lastMessage;
  return [
    c.conversationID, c.unreadCount, c.isPinned, c.peerReadSequence,
    m ? [m.ID, m.isRevoked, m.isPeerRead] : null, c.userProfile, c.groupProfile,
    c.groupAtInfoList.map((a) => a.messageSequence),
  ];
}

/**
 * A snapshot of a conversation in Tencent's shape: `lastMessage` is a copy of
 * the message with Tencent's `lastTime`, `lastSequence`, `fromAccount` and
 * `messageForShow` (the text, or a placeholder such as '[图片]' by type).
 */
function conversationView(c) {
  const m = c.lastMessage;
  let lastMessage = null;
  if (m) {
    lastMessage = {
      ...m,
      payload: {...m.payload},
      lastTime: m.time,
      lastSequence: m.sequence,
      fromAccount: m.from,
      messageForShow: m.type === TYPES.MSG_TEXT ? String(m.payload.text ?? '') : MESSAGE_FOR_SHOW[m.type] || '',
    };
  }
  return {
    conversationID: c.conversationID,
    type: c.type,
    subType: '',
    unreadCount: c.unreadCount,
    lastMessage,
    isPinned: c.isPinned,
    userProfile: {...c.userProfile},
    groupProfile: c.groupProfile ? {...c.groupProfile} : null,
    groupAtInfoList: c.groupAtInfoList.map((a) => ({...a, atTypeArray: [...(a.atTypeArray || [])]})),
    remark: '',
    messageRemindType: '',
    draftText: '',
    peerReadSequence: c.peerReadSequence,
    readSequence: c.readSequence,
  };
}

/**
 * Carry over to `msg` what `other` (an older view of the same message) knew and
 * `msg` does not: recalled, read by the peer, read by me only ever become true.
 */
function mergeKnown(msg, other) {
  if (other.isRevoked && !msg.isRevoked) {
    msg.isRevoked = true;
    msg.revoker = msg.revoker || other.revoker;
    msg.revokerInfo = msg.revokerInfo || other.revokerInfo;
  }
  if (other.isPeerRead) msg.isPeerRead = true;
  if (other.isRead) msg.isRead = true;
}

/** Options whose payload names its URL `url`, with it renamed to `field`. */
function renameUrl(options, field) {
  const payload = isObject(options) ? options.payload : null;
  if (!isObject(payload)) throw invalid(`payload must be {${field} (or url), ...}`);
  if (field in payload || !('url' in payload)) return payload;
  const {url, ...rest} = payload;
  return {...rest, [field]: url};
}
