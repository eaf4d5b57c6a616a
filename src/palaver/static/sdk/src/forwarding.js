/**
 * Merged forwarding (Tencent's `createMergerMessage`, `downloadMergerMessage`)
 * and the app-wide do-not-disturb (`setAllReceiveMessageOpt`,
 * `getAllReceiveMessageOpt`), over the message calls.
 *
 * @module palaver-chat/forwarding
 */

import {ChatError, invalid} from './errors.js';
import {Message} from './message.js';
import {MessageExtrasAPI} from './message-extras.js';
import {isObject} from './util.js';

/**
 * @template T
 * @typedef {import('./types.js').ChatResponse<T>} ChatResponse
 */

const MERGER = 'TIMRelayElem';
/** Most messages merged into one (Tencent's `createMergerMessage`). */
const MAX_MERGED = 300;
/** A merged body larger than this (bytes of its JSON) keeps its messages on the server. */
const INLINE_BYTES = 8 * 1024 - 256;
/** Tencent's SDK codes of `downloadMergerMessage`. */
export const MERGER_TYPE_INVALID = 2450;
export const MERGER_KEY_INVALID = 2451;

/**
 * One forwarded message inside a merged one, REST shape (Tencent's `MsgList`).
 * @param {Message} m
 * @returns {Record<string, unknown>}
 */
function mergedItem(m) {
  return {
    From_Account: m.from, To_Account: m.to, MsgTimeStamp: m.time, MsgSeq: m.sequence, MsgRandom: m.random,
    MsgBody: JSON.parse(JSON.stringify(m.MsgBody)), CloudCustomData: m.cloudCustomData || '',
  };
}

export class ForwardingAPI extends MessageExtrasAPI {
  /**
   * An unsent merged message (`TIMRelayElem`) of `payload.messageList` (1..300
   * sent messages) for `to`; send it with sendMessage, which keeps the messages
   * on the server first when they are too large to go inline. Throws ChatError
   * 6017 on bad options.
   * @param {{to: string, conversationType?: string, cloudCustomData?: string,
   *   payload: {messageList: Message[], title: string, abstractList?: string[], compatibleText?: string}}} options
   * @returns {Message}
   */
  createMergerMessage(options) {
    const p = isObject(options) ? options.payload : null;
    if (!isObject(p) || !Array.isArray(p.messageList)) throw invalid('give {to, conversationType, payload: {messageList, title}}');
    const {to, conversationType = 'C2C'} = options;
    if (typeof to !== 'string' || !to) throw invalid("'to' must be a userID or a groupID");
    if (conversationType !== 'C2C' && conversationType !== 'GROUP') throw invalid(`bad conversationType ${conversationType}`);
    const list = p.messageList;
    if (!list.length || list.length > MAX_MERGED || list.some((m) => !isObject(m) || m.status !== 'success')) {
      throw invalid(`1 to ${MAX_MERGED} sent messages, please`);
    }
    const items = list.map(mergedItem);
    const title = String(p.title || '');
    const abstractList = Array.isArray(p.abstractList) ? p.abstractList.map(String) : [];
    const compatibleText = String(p.compatibleText || '');
    const random = Math.floor(Math.random() * 0x100000000);
    const now = Math.floor(Date.now() / 1000);
    const from = this._sess && !this._sess.ended ? this._sess.userID : '';
    const message = new Message({
      ID: `${from}-${now}-${random}`, type: MERGER,
      payload: {title, abstractList, compatibleText, messageNumber: items.length, messageList: items},
      conversationID: conversationType + to, conversationType: /** @type {any} */ (conversationType), to, from,
      flow: 'out', time: now, clientTime: now, random, status: 'unSend', isRead: true,
      cloudCustomData: options.cloudCustomData || '',
      MsgBody: [{MsgType: MERGER, MsgContent: {
        Title: title, AbstractList: abstractList, CompatibleText: compatibleText, MsgNum: items.length, MsgList: items,
      }}],
    });
    /** @type {any} */ (message)._forward = true;
    return message;
  }

  /**
   * As the message calls' sendMessage; a merged message whose body would pass
   * the server's 8 KB limit first keeps its messages on the server and goes with
   * their key (`payload.downloadKey`) instead.
   * @param {Message} message
   * @param {{onlineUserOnly?: boolean, offlinePushInfo?: import('./types.js').OfflinePushInfo}} [options]
   * @returns {Promise<ChatResponse<{message: Message}>>}
   */
  async sendMessage(message, options = {}) {
    const body = message instanceof Message ? message.MsgBody : null;
    if (body && message.type === MERGER && body.length === 1 && body[0].MsgContent.MsgList
      && new TextEncoder().encode(JSON.stringify(body)).length > INLINE_BYTES) {
      const sess = this._requireSession();
      const content = {...body[0].MsgContent};
      const d = await this._sessionRequest(sess, 'saveMergerMessageList', {messageList: content.MsgList});
      delete content.MsgList;
      content.JsonMsgKey = d.downloadKey;
      message.MsgBody = [{MsgType: MERGER, MsgContent: content}];
      const payload = {...message.payload, downloadKey: d.downloadKey};
      delete payload.messageList;
      message.payload = payload;
    }
    return super.sendMessage(message, options);
  }

  /**
   * The messages of a merged message (REST shape: `From_Account`,
   * `MsgTimeStamp`, `MsgBody`...) as `{code: 0, data: {messageList}}`: inline
   * ones as they are, kept ones fetched from the server. Rejects 2450 not a
   * merged message, 2451 neither messages nor a key, 20026 no list with its key.
   * @param {Message} message
   * @returns {Promise<ChatResponse<{messageList: Record<string, any>[]}>>}
   */
  async downloadMergerMessage(message) {
    if (!isObject(message) || message.type !== MERGER || !Array.isArray(message.MsgBody) || !message.MsgBody.length) {
      throw new ChatError(MERGER_TYPE_INVALID, 'not a merged message');
    }
    const content = message.MsgBody[0].MsgContent || {};
    if (Array.isArray(content.MsgList) && content.MsgList.length) {
      return {code: 0, data: {messageList: content.MsgList}};
    }
    if (!content.JsonMsgKey) throw new ChatError(MERGER_KEY_INVALID, 'the merged message has no messages');
    const sess = this._requireSession();
    const d = await this._sessionRequest(sess, 'downloadMergerMessage', {downloadKey: content.JsonMsgKey});
    return {code: 0, data: {messageList: d.messageList || []}};
  }

  /**
   * My app-wide do-not-disturb (Tencent's `setAllReceiveMessageOpt`): from
   * `startHour:startMinute:startSecond` today (this device's time) for
   * `duration` seconds, every day unless `isRepeated` is false (24 h or more:
   * all day). Inside the window my messages still arrive but get no offline
   * push. `messageRemindType` (`allReceiveMessageOpt` also taken):
   * `AcceptNotNotify` (default) or `Discard`; `AcceptAndNotify` turns it off.
   * Rejects 6017 on bad options.
   * @param {{messageRemindType?: string, allReceiveMessageOpt?: string, startHour?: number,
   *   startMinute?: number, startSecond?: number, duration?: number, isRepeated?: boolean}} options
   * @returns {Promise<ChatResponse<{}>>}
   */
  async setAllReceiveMessageOpt(options) {
    const sess = this._requireSession();
    if (!isObject(options)) throw invalid('give {messageRemindType, startHour, startMinute, startSecond, duration}');
    const {startHour = 0, startMinute = 0, startSecond = 0, duration = 0, isRepeated = true} = options;
    const type = options.messageRemindType || options.allReceiveMessageOpt || 'AcceptNotNotify';
    const today = new Date();
    const start = new Date(today.getFullYear(), today.getMonth(), today.getDate(), startHour, startMinute, startSecond);
    const startTime = Math.round(start.getTime() / 1000);
    if (!Number.isFinite(startTime) || !(Number(duration) >= 0)) throw invalid('bad start time or duration');
    await this._sessionRequest(sess, 'setAllReceiveMessageOpt', {
      messageRemindType: type, startTime, duration: Number(duration), isRepeated: Boolean(isRepeated),
    });
    return {code: 0, data: {}};
  }

  /**
   * My app-wide do-not-disturb: `{messageRemindType, startTime, endTime,
   * isRepeated}` (times in unix seconds).
   * @returns {Promise<ChatResponse<{messageRemindType: string, startTime: number, endTime: number, isRepeated: boolean}>>}
   */
  async getAllReceiveMessageOpt() {
    const sess = this._requireSession();
    const d = await this._sessionRequest(sess, 'getAllReceiveMessageOpt', {});
    return {code: 0, data: {
      messageRemindType: String(d.messageRemindType), startTime: Number(d.startTime) || 0,
      endTime: Number(d.endTime) || 0, isRepeated: Boolean(d.isRepeated),
    }};
  }
}
