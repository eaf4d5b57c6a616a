/**
 * Messages: the {@link Message} object, message bodies (SDK payload <-> REST
 * `MsgBody` element, as `palaver.protocol.objects`) and the messages the SDK
 * makes itself.
 *
 * @module palaver-chat/message
 */

import {TYPES} from './constants.js';
import {invalid} from './errors.js';
import {isObject, nowSeconds, uint32} from './util.js';

/** @typedef {import('./types.js').MessageType} MessageType */
/** @typedef {import('./types.js').ConversationType} ConversationType */
/** @typedef {import('./types.js').MessageStatus} MessageStatus */
/** @typedef {import('./types.js').MsgElement} MsgElement */
/** @typedef {import('./types.js').OfflinePushInfo} OfflinePushInfo */

/**
 * SDK payload field -> REST `MsgContent` field, per element type (palaver.protocol.objects).
 * @type {Record<string, Record<string, string>>}
 */
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
  TIMRelayElem: {
    title: 'Title', abstractList: 'AbstractList', compatibleText: 'CompatibleText', messageNumber: 'MsgNum',
    messageList: 'MsgList', downloadKey: 'JsonMsgKey',
  },
};
/** @type {Record<string, string>} */
const IMAGE_INFO_FIELDS = {type: 'Type', size: 'Size', width: 'Width', height: 'Height', url: 'URL'};

/**
 * One REST `MsgBody` element from an SDK `type` and `payload`. Throws
 * ChatError 6017 for an unknown type or a payload that is not an object.
 * @param {string} type a `TYPES.MSG_*` element type
 * @param {unknown} payload the SDK's payload, e.g. `{text}`
 * @returns {MsgElement}
 */
export function payloadToElement(type, payload) {
  const fields = ELEMENT_FIELDS[type];
  if (!fields || !isObject(payload)) throw invalid(`unsupported message type ${type} or payload`);
  /** @type {Record<string, unknown>} */
  const content = {};
  for (const [sdk, rest] of Object.entries(fields)) {
    if (!(sdk in payload)) continue;
    let value = payload[sdk];
    if (type === 'TIMImageElem' && sdk === 'imageInfoArray' && Array.isArray(value)) {
      value = value.map((info) => {
        if (!isObject(info)) return info;
        /** @type {Record<string, unknown>} */
        const out = {};
        for (const [k, v] of Object.entries(info)) out[IMAGE_INFO_FIELDS[k] || k] = v;
        return out;
      });
    }
    content[rest] = value;
  }
  return {MsgType: type, MsgContent: content};
}

/**
 * A message, with `@tencentcloud/chat`'s `Message` fields. The SDK keeps one
 * object per message ID and updates it in place (status after a send,
 * `isRevoked` after a recall, `isPeerRead` after a read receipt).
 */
export class Message {
  /** @param {Partial<Message>} [init] fields to set */
  constructor(init) {
    /** Server message ID (opaque); before sending, a local `userID-time-random`. */
    this.ID = '';
    /** @type {MessageType} */
    this.type = TYPES.MSG_TEXT;
    /**
     * The first element in the SDK's shape, e.g. `{text}`.
     * @type {Record<string, any>}
     */
    this.payload = {};
    this.conversationID = '';
    /** @type {ConversationType} */
    this.conversationType = TYPES.CONV_C2C;
    this.to = '';
    this.from = '';
    /**
     * `'out'` (sent by this user, from any device) or `'in'`.
     * @type {'in' | 'out'}
     */
    this.flow = 'out';
    /** Unix seconds (the server's, once sent). */
    this.time = 0;
    this.clientTime = 0;
    /** Position in the conversation (0 before sending and for online-only messages). */
    this.sequence = 0;
    /** The client random that makes retries idempotent. */
    this.random = 0;
    /**
     * `'unSend'`, `'success'` or `'fail'`.
     * @type {MessageStatus}
     */
    this.status = 'unSend';
    /** @type {string} */
    this.priority = TYPES.MSG_PRIORITY_NORMAL;
    this.isRead = true;
    this.isPeerRead = false;
    this.isRevoked = false;
    this.revoker = '';
    /** @type {{userID: string, nick: string, avatar: string} | null} */
    this.revokerInfo = null;
    this.revokeReason = '';
    this.isDeleted = false;
    this.isModified = false;
    /** Times edited (Tencent's `version`); an edit names the version it started from. */
    this.version = 0;
    this.nick = '';
    this.avatar = '';
    this.nameCard = '';
    /**
     * Group messages: the mentioned userIDs (`TYPES.MSG_AT_ALL` for everyone).
     * @type {string[]}
     */
    this.atUserList = [];
    this.cloudCustomData = '';
    this.needReadReceipt = false;
    /** Sent with `isSupportExtension`: it may carry key-value extensions (setMessageExtensions). */
    this.isSupportExtension = false;
    /**
     * The sender's `sendMessage` option `offlinePushInfo`, if it gave one.
     * @type {OfflinePushInfo | null}
     */
    this.offlinePushInfo = null;
    /**
     * A pinned group message (getPinnedGroupMessageList): who pinned it.
     * @type {{userID: string} | null}
     */
    this.pinnerInfo = null;
    /** Group messages with `needReadReceipt`, sent by me: how many members read it (see getMessageReadReceiptList). */
    this.readReceiptInfo = {readCount: 0, unreadCount: 0};
    /**
     * Palaver: every element in the REST shape (`[{MsgType, MsgContent}]`).
     * @type {MsgElement[]}
     */
    this.MsgBody = [];
    /** Palaver: sent with `onlineUserOnly` (not stored). */
    this.onlineOnly = false;
    if (init) Object.assign(this, init);
  }

  /**
   * Overwrite the fields a protocol message object (docs/protocol.md §7) carries.
   * @protected
   * @param {unknown} wire
   * @returns {this}
   */
  _update(wire) {
    if (!isObject(wire)) return this;
    /** @type {Record<string, any>} */
    const self = this;
    /** @param {string} k */
    const str = (k, prop = k) => {
      if (wire[k] !== undefined && wire[k] !== null) self[prop] = String(wire[k]);
    };
    /** @param {string} k */
    const num = (k) => {
      if (wire[k] !== undefined && wire[k] !== null) self[k] = Number(wire[k]) || 0;
    };
    /** @param {string} k */
    const bool = (k) => {
      if (wire[k] !== undefined && wire[k] !== null) self[k] = Boolean(wire[k]);
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
    bool('isSupportExtension');
    if (Array.isArray(wire.atUserList)) this.atUserList = wire.atUserList.map(String);
    bool('onlineOnly');
    if (isObject(wire.offlinePushInfo)) this.offlinePushInfo = pushInfoFromWire(wire.offlinePushInfo);
    num('version');
    if (this.version > 0) this.isModified = true;
    if (!this.type && this.MsgBody.length) this.type = String(this.MsgBody[0].MsgType || '');
    return this;
  }

  /**
   * A message from a protocol message object.
   * @protected
   * @param {unknown} wire a protocol message object
   * @returns {Message}
   */
  static _fromWire(wire) {
    return new Message()._update(wire);
  }
}

/** `OfflinePushInfo` text fields: SDK name -> Tencent's. */
const PUSH_TEXTS = {title: 'Title', description: 'Desc', extension: 'Ext'};

/**
 * Tencent's `OfflinePushInfo` (the protocol's `offlinePushInfo`) of a `sendMessage`
 * option. Throws 6017 when it is not an object or a text field is not a string.
 * @param {unknown} info
 * @returns {Record<string, unknown>}
 */
export function pushInfoToWire(info) {
  if (!isObject(info)) throw invalid('offlinePushInfo must be an object');
  /** @type {Record<string, unknown>} */
  const wire = {PushFlag: info.disablePush ? 1 : 0};
  for (const [key, name] of Object.entries(PUSH_TEXTS)) {
    const value = info[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw invalid(`offlinePushInfo.${key} must be a string`);
    wire[name] = value;
  }
  return wire;
}

/**
 * A message's `offlinePushInfo` (Tencent's `OfflinePushInfo`) as the SDK shows it.
 * @param {Record<string, any>} wire
 * @returns {OfflinePushInfo}
 */
function pushInfoFromWire(wire) {
  return {
    disablePush: wire.PushFlag === 1,
    title: String(wire.Title || ''),
    description: String(wire.Desc || ''),
    extension: String(wire.Ext || ''),
  };
}

/**
 * Carry over to `msg` what `other` (an older view of the same message) knew and
 * `msg` does not: recalled, read by the peer, read by me only ever become true.
 * @param {Message} msg
 * @param {Message} other
 */
export function mergeKnown(msg, other) {
  if (other.isRevoked && !msg.isRevoked) {
    msg.isRevoked = true;
    msg.revoker = msg.revoker || other.revoker;
    msg.revokerInfo = msg.revokerInfo || other.revokerInfo;
  }
  if (other.isPeerRead) msg.isPeerRead = true;
  if (other.isRead) msg.isRead = true;
}

/**
 * The payload of `options` whose URL is named `url`, with it renamed to
 * `field`. Throws 6017 if there is no payload object.
 * @param {unknown} options `{payload}`
 * @param {string} field
 * @returns {Record<string, any>}
 */
export function renameUrl(options, field) {
  const payload = isObject(options) ? options.payload : null;
  if (!isObject(payload)) throw invalid(`payload must be {${field} (or url), ...}`);
  if (field in payload || !('url' in payload)) return payload;
  const {url, ...rest} = payload;
  return {...rest, [field]: url};
}

/**
 * A group system notice sent to chosen members (REST
 * send_group_system_notification, push `GROUP_SYSTEM_NOTICE_RECEIVED`
 * `{groupID, content}`) as Tencent's SDK shows it to `userID`: a message of
 * type TIMGroupSystemNoticeElem in the `@TIM#SYSTEM` conversation.
 * @param {Record<string, any>} data the push's data
 * @param {string} userID the receiver (me)
 * @returns {Message}
 */
export function systemNotice(data, userID) {
  const groupID = String(data.groupID || '');
  return new Message({
    ID: `notice-${groupID}-${nowSeconds()}-${uint32()}`,
    type: TYPES.MSG_GRP_SYS_NOTICE,
    payload: {groupProfile: {groupID}, operationType: 255, userDefinedField: String(data.content ?? '')},
    conversationID: TYPES.CONV_SYSTEM,
    conversationType: /** @type {ConversationType} */ (TYPES.CONV_SYSTEM),
    from: TYPES.CONV_SYSTEM,
    to: userID,
    flow: 'in',
    time: nowSeconds(),
    status: 'success',
    isRead: false,
  });
}
