/**
 * Message calls of issue 17 (Tencent's `modifyMessage`, `deleteMessage`,
 * `clearHistoryMessage`, `setAllMessageRead` and the reaction calls), over the message, conversation, relation, group and
 * search calls.
 *
 * @module palaver-chat/message-ops
 */

import {ChatError, invalid} from './errors.js';
import {Message} from './message.js';
import {SearchAPI} from './search.js';
import {isObject} from './util.js';

/**
 * @template T
 * @typedef {import('./types.js').ChatResponse<T>} ChatResponse
 */

/** Tencent's SDK code of an edit that lost to another (the server says 20027). */
export const MODIFY_CONFLICT = 2480;
const SERVER_CONFLICT = 20027;
const EDITABLE = ['TIMTextElem', 'TIMCustomElem', 'TIMLocationElem', 'TIMFaceElem'];

export class MessageOpsAPI extends SearchAPI {
  /**
   * Save the edited `payload` (text, custom, location and face messages) and/or
   * `cloudCustomData` of a message of my conversations; any participant may
   * edit, as in Tencent's SDK. Resolves `{code: 0, data: {message}}` at its next
   * `version` (`isModified`); every device of both parties (every member in a
   * group), this one included, gets MESSAGE_MODIFIED once.
   *
   * Rejects: 2480 someone else edited it first: `err.data.message` is the
   * message at its newest version (edit again from there); 20026 no such
   * message, or recalled; 6017 another element type or not a sent message;
   * 10007 a group I am not in; 2481 a live room.
   * @param {Message} message
   * @returns {Promise<ChatResponse<{message: Message}>>}
   */
  async modifyMessage(message) {
    const sess = this._requireSession();
    if (!(message instanceof Message) || !message.ID || message.status !== 'success') {
      throw invalid('modifyMessage expects a sent Message');
    }
    /** @type {Record<string, any>} */
    const data = {
      conversationID: message.conversationID, ID: message.ID, version: message.version,
      cloudCustomData: message.cloudCustomData,
    };
    if (EDITABLE.includes(message.type)) Object.assign(data, {type: message.type, payload: message.payload});
    let answer;
    try {
      answer = await this._sessionRequest(sess, 'modifyMessage', data);
    } catch (err) {
      const now = err instanceof ChatError && isObject(err.data) ? err.data.message : null;
      if (!(err instanceof ChatError) || err.code !== SERVER_CONFLICT || !isObject(now)) throw err;
      await this._applyEdit(sess, message, now);
      throw new ChatError(MODIFY_CONFLICT, err.message, null, {message});
    }
    await this._applyEdit(sess, message, answer.message);
    return {code: 0, data: {message}};
  }

  /**
   * Take an edit's result: the kept message (in order with the pushes) and
   * `message`; MESSAGE_MODIFIED once per version, answer or push first.
   * @private
   * @param {any} sess
   * @param {Message} message
   * @param {Record<string, any>} wire
   */
  async _applyEdit(sess, message, wire) {
    const list = sess.list;
    await this._runLocal(sess, () => this._drive(sess, list.modified({message: wire})));
    const {flow, isRead, isPeerRead, ...rest} = wire;
    void flow, void isRead, void isPeerRead;
    message._update(rest);
    message.isModified = message.version > 0;
  }

  /**
   * Delete up to 30 sent messages of one conversation for me only: they leave
   * my history, as every device fetches it (the other party and the other
   * members keep theirs). Resolves `{code: 0, data: {messageList}}`, each
   * `isDeleted`.
   *
   * Rejects: 6017 none, more than 30, several conversations or unsent
   * messages; 20026 a message not in that conversation; 10007 a group I am not in.
   * @param {Message[]} messageList
   * @returns {Promise<ChatResponse<{messageList: Message[]}>>}
   */
  async deleteMessage(messageList) {
    const sess = this._requireSession();
    if (!Array.isArray(messageList) || !messageList.length || messageList.length > 30) {
      throw invalid('deleteMessage expects 1 to 30 messages');
    }
    const conversationID = messageList[0] && messageList[0].conversationID;
    if (messageList.some((m) => !isObject(m) || !m.ID || m.conversationID !== conversationID || m.status !== 'success')) {
      throw invalid('deleteMessage expects sent messages of one conversation');
    }
    await this._sessionRequest(sess, 'deleteMessage', {conversationID, IDList: messageList.map((m) => m.ID)});
    for (const m of messageList) {
      m.isDeleted = true;
      sess.list.messages.delete(m.ID);
    }
    return {code: 0, data: {messageList}};
  }

  /**
   * Clear my history of a conversation (it is read; the other party and the
   * other members keep theirs); the conversation leaves my list until its next
   * message. Resolves `{code: 0, data: {conversationID}}`.
   *
   * Rejects: 6017 a bad conversation ID; 10007 a group I am not in.
   * @param {string} conversationID
   * @returns {Promise<ChatResponse<{conversationID: string}>>}
   */
  async clearHistoryMessage(conversationID) {
    const sess = this._requireSession();
    if (typeof conversationID !== 'string' || !conversationID) throw invalid('clearHistoryMessage expects a conversationID');
    await this._sessionRequest(sess, 'clearHistoryMessage', {conversationID});
    const list = sess.list;
    for (const [id, m] of [...list.messages]) {
      if (m.conversationID === conversationID) {
        m.isDeleted = true;
        list.messages.delete(id);
      }
    }
    await this._runLocal(sess, () => this._drive(sess, list.refresh()));
    return {code: 0, data: {conversationID}};
  }

  /**
   * Read every conversation with unread messages (`scope`: `TYPES.READ_ALL_MSG`
   * (default), `READ_ALL_C2C_MSG` or `READ_ALL_GROUP_MSG`), each as
   * setMessageRead does. Resolves `{code: 0, data: {conversationIDList}}`.
   *
   * Rejects 6017: an unknown scope.
   * @param {{scope?: string}} [options]
   * @returns {Promise<ChatResponse<{conversationIDList: string[]}>>}
   */
  async setAllMessageRead(options = {}) {
    const sess = this._requireSession();
    const scope = isObject(options) && options.scope ? String(options.scope) : 'readAllMessage';
    const d = await this._sessionRequest(sess, 'setAllMessageRead', {scope});
    const ids = Array.isArray(d.conversationIDList) ? d.conversationIDList.map(String) : [];
    for (const cid of ids) await this._runLocal(sess, () => this._drive(sess, sess.list.readLocally(cid)));
    return {code: 0, data: {conversationIDList: ids}};
  }

  /**
   * React to a message of my conversations; everyone in it online gets
   * MESSAGE_REACTIONS_UPDATED `{messageID, conversationID, reactionList}`.
   * Resolves `{code: 0, data: {}}`.
   *
   * Rejects: 6017 a bad reaction ID or a 21st kind; 20026 no such message, or
   * recalled; 10007 a group I am not in.
   * @param {Message} message
   * @param {string} reactionID
   * @returns {Promise<ChatResponse<{}>>}
   */
  async addMessageReaction(message, reactionID) {
    await this._reactionCall('addMessageReaction', message, reactionID);
    return {code: 0, data: {}};
  }

  /**
   * Take back my reaction (rejects as addMessageReaction).
   * @param {Message} message
   * @param {string} reactionID
   * @returns {Promise<ChatResponse<{}>>}
   */
  async removeMessageReaction(message, reactionID) {
    await this._reactionCall('removeMessageReaction', message, reactionID);
    return {code: 0, data: {}};
  }

  /**
   * The reactions of up to 20 messages of one conversation. Resolves
   * `{code: 0, data: {resultList: [{messageID, reactionList: [{reactionID,
   * totalUserCount, partialUserList: [{userID}], reactedByMyself}]}]}}`.
   * @param {{messageList: Message[], maxUserCountPerReaction?: number}} options
   * @returns {Promise<ChatResponse<{resultList: any[]}>>}
   */
  async getMessageReactions(options) {
    const sess = this._requireSession();
    const list = isObject(options) && Array.isArray(options.messageList) ? options.messageList : [];
    if (!list.length || list.length > 20) throw invalid('getMessageReactions expects 1 to 20 messages');
    const d = await this._sessionRequest(sess, 'getMessageReactions', {
      conversationID: list[0].conversationID, IDList: list.map((m) => m.ID),
    });
    return {code: 0, data: {resultList: Array.isArray(d.resultList) ? d.resultList : []}};
  }

  /**
   * A page of the users of one reaction, in the order they reacted. Resolves
   * `{code: 0, data: {userList: [{userID}], nextSeq, isCompleted}}`.
   * @param {{message: Message, reactionID: string, nextSeq?: number, count?: number}} options
   * @returns {Promise<ChatResponse<{userList: any[], nextSeq: number, isCompleted: boolean}>>}
   */
  async getAllUserListOfMessageReaction(options) {
    const sess = this._requireSession();
    if (!isObject(options) || !isObject(options.message)) throw invalid('give {message, reactionID}');
    const {message, reactionID, nextSeq = 0, count = 100} = options;
    const d = await this._sessionRequest(sess, 'getAllUserListOfMessageReaction', {
      conversationID: message.conversationID, ID: message.ID, reactionID, nextSeq, count,
    });
    return {code: 0, data: {userList: d.userList || [], nextSeq: Number(d.nextSeq) || 0, isCompleted: Boolean(d.isCompleted)}};
  }

  /**
   * @private
   * @param {string} op
   * @param {Message} message
   * @param {string} reactionID
   */
  async _reactionCall(op, message, reactionID) {
    const sess = this._requireSession();
    if (!isObject(message) || !message.ID || typeof reactionID !== 'string' || !reactionID) {
      throw invalid(`${op} expects a sent message and a reactionID`);
    }
    await this._sessionRequest(sess, op, {conversationID: message.conversationID, ID: message.ID, reactionID});
  }

  /**
   * An unsent copy of `payload` (a message of any type; media by their URLs) for
   * `to` (Tencent's createForwardMessage); send it with sendMessage. Throws
   * ChatError 6017 on bad options or a message with no content.
   * @param {{to: string, conversationType?: string, payload: Message, cloudCustomData?: string}} options
   * @returns {Message}
   */
  createForwardMessage(options) {
    const original = isObject(options) ? options.payload : null;
    if (!isObject(original) || !Array.isArray(original.MsgBody) || !original.MsgBody.length) {
      throw invalid('createForwardMessage expects {to, conversationType, payload: a message}');
    }
    const {to, conversationType = 'C2C'} = options;
    if (typeof to !== 'string' || !to) throw invalid("'to' must be a userID or a groupID");
    if (conversationType !== 'C2C' && conversationType !== 'GROUP') throw invalid(`bad conversationType ${conversationType}`);
    const random = Math.floor(Math.random() * 0x100000000);
    const now = Math.floor(Date.now() / 1000);
    const from = this._sess && !this._sess.ended ? this._sess.userID : '';
    const copy = new Message({
      ID: `${from}-${now}-${random}`, type: original.type, payload: JSON.parse(JSON.stringify(original.payload || {})),
      conversationID: conversationType + to, conversationType: /** @type {any} */ (conversationType), to, from,
      flow: 'out', time: now, clientTime: now, random, status: 'unSend', isRead: true,
      cloudCustomData: options.cloudCustomData ?? original.cloudCustomData ?? '',
      MsgBody: JSON.parse(JSON.stringify(original.MsgBody)),
    });
    /** @type {any} */ (copy)._forward = true;
    return copy;
  }
}
