/**
 * Conversations: the list, one conversation, pin, delete, the unread total
 * (Tencent's conversation calls). The list itself is kept by the sans-I/O
 * conversation list (conversation-list.js); these calls ask the server and
 * have the pump fold the answer in, in order with pushes.
 *
 * @module palaver-chat/conversations
 */

import {conversationView} from './conversation.js';
import {invalid} from './errors.js';
import {MessageAPI} from './messages.js';
import {isObject} from './util.js';

/**
 * @template T
 * @typedef {import('./types.js').ChatResponse<T>} ChatResponse
 */
/** @typedef {import('./types.js').Conversation} Conversation */

/** Conversation calls of a `PalaverChat`. */
export class ConversationAPI extends MessageAPI {
  /**
   * My conversations from the server, pinned first then newest first (the
   * SDK's own list is refreshed with it, emitting CONVERSATION_LIST_UPDATED if
   * it changed). Resolves `{code: 0, data: {conversationList, isSyncCompleted: true}}`.
   * @returns {Promise<ChatResponse<{conversationList: Conversation[], isSyncCompleted: boolean}>>}
   */
  async getConversationList() {
    const sess = this._requireSession();
    const conversationList = await this._runLocal(sess, async () => {
      await this._drive(sess, sess.list.refresh());
      return sess.list.views();
    });
    return {code: 0, data: {conversationList, isSyncCompleted: true}};
  }

  /**
   * One of my conversations: `{code: 0, data: {conversation}}`. Rejects 6017 if
   * I have none with that ID.
   * @param {string} conversationID
   * @returns {Promise<ChatResponse<{conversation: Conversation}>>}
   */
  async getConversationProfile(conversationID) {
    if (typeof conversationID !== 'string') throw invalid('conversationID must be a string');
    const sess = this._requireSession();
    const d = await this._sessionRequest(sess, 'getConversationProfile', {conversationID});
    const conv = sess.list.fromWire(isObject(d.conversation) ? d.conversation : {});
    return {code: 0, data: {conversation: conversationView(conv)}};
  }

  /**
   * Delete a conversation (`'C2Cbob'`) or several (`{conversationIDList,
   * clearHistoryMessage?}`), with my copy of their history unless
   * `clearHistoryMessage` is false. Resolves `{code: 0, data: {conversationID}}`
   * (one) or `{code: 0, data: {conversationIDList}}` (several). Rejects 6017
   * on a bad ID.
   * @overload
   * @param {string} options one conversationID
   * @returns {Promise<ChatResponse<{conversationID: string}>>}
   */
  /**
   * @overload
   * @param {{conversationIDList: string[], clearHistoryMessage?: boolean}} options
   * @returns {Promise<ChatResponse<{conversationIDList: string[]}>>}
   */
  /**
   * @param {string | {conversationIDList: string[], clearHistoryMessage?: boolean}} options
   * @returns {Promise<ChatResponse<{conversationID: string} | {conversationIDList: string[]}>>}
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
    await this._runLocal(sess, () => this._drive(sess, sess.list.refresh()));
    return {code: 0, data: one ? {conversationID: ids[0]} : {conversationIDList: ids}};
  }

  /**
   * Pin or unpin a conversation (pinned ones list first). Resolves
   * `{code: 0, data: {conversationID}}`; rejects 6017 if there is no such
   * conversation.
   * @param {{conversationID: string, isPinned: boolean}} options
   * @returns {Promise<ChatResponse<{conversationID: string}>>}
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
    await this._runLocal(sess, () => this._drive(sess, sess.list.refresh()));
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
    return sess.list.totalUnread();
  }
}
