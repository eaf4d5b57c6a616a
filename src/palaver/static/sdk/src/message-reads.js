/**
 * Message history and read state: pages of a conversation's history, marking
 * read, and read receipts (Tencent's message calls).
 *
 * @module palaver-chat/message-reads
 */

import {MAX_PAGE} from './constants.js';
import {invalid} from './errors.js';
import {MessageAPI} from './messages.js';
import {groupOfConversation, isObject} from './util.js';

/**
 * @template T
 * @typedef {import('./types.js').ChatResponse<T>} ChatResponse
 */
/** @typedef {import('./message.js').Message} Message */

/** History and read calls of a `PalaverChat`. */
export class MessageReadAPI extends MessageAPI {
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
   * @returns {Promise<ChatResponse<{messageList: Message[], nextReqMessageID: string, isCompleted: boolean}>>}
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
    const messageList = (d.messageList || []).map((/** @type {unknown} */ w) => sess.list.internWire(w));
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
   * @returns {Promise<ChatResponse<Record<string, never>>>}
   */
  async setMessageRead(options) {
    if (!isObject(options) || typeof options.conversationID !== 'string') {
      throw invalid('setMessageRead expects {conversationID}');
    }
    const sess = this._requireSession();
    const cid = options.conversationID;
    await this._sessionRequest(sess, 'setMessageRead', {conversationID: cid});
    await this._runLocal(sess, () => this._drive(sess, sess.list.readLocally(cid)));
    return {code: 0, data: {}};
  }


  // ------------------------------------------------------------ read receipts

  /**
   * Read counts of my group messages sent with `needReadReceipt` (all from one
   * conversation): each Message's `readReceiptInfo` becomes `{readCount,
   * unreadCount}`. Resolves `{code: 0, data: {messageList}}` (the same
   * objects). Rejects 6017 mixed conversations or unsent messages; 10007.
   * @param {Message[]} messageList
   * @returns {Promise<ChatResponse<{messageList: Message[]}>>}
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
      const kept = sess.list.messages.get(m.ID);
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
   * @returns {Promise<ChatResponse<Record<string, never>>>}
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
    await this._runLocal(sess, () => this._drive(sess, sess.list.readUpTo(cid, upTo)));
    return {code: 0, data: {}};
  }

  /**
   * Who read (`filter` 0) or has not read (`filter` 1) one of my group
   * messages, a page of `count` (≤ 100) from `cursor` (`''` first). Resolves
   * `{code: 0, data: {messageID, isCompleted, cursor, readUserIDList}}` (or
   * `unreadUserIDList` for filter 1); pass `cursor` back for the next page.
   * @param {{message: Message, filter: 0 | 1, cursor?: string, count?: number}} options
   * @returns {Promise<ChatResponse<{messageID: string, isCompleted: boolean, cursor: string, readUserIDList?: string[], unreadUserIDList?: string[]}>>}
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
