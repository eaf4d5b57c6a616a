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
import {MessageReadAPI} from './message-reads.js';
import {isObject} from './util.js';

/**
 * @template T
 * @typedef {import('./types.js').ChatResponse<T>} ChatResponse
 */
/** @typedef {import('./types.js').Conversation} Conversation */
/**
 * `getConversationList`'s filter (Tencent's).
 * @typedef {{type?: string, markType?: number, groupName?: string, hasUnreadCount?: boolean, hasGroupAtInfo?: boolean}} ConversationFilter
 */

/**
 * Whether `c` passes `getConversationList`'s `options`.
 * @param {Conversation} c
 * @param {string[] | ConversationFilter | undefined} options
 * @returns {boolean}
 */
function passes(c, options) {
  if (options === undefined || options === null) return true;
  if (Array.isArray(options)) return options.includes(c.conversationID);
  if (!isObject(options)) return false;
  const {type, markType, groupName, hasUnreadCount, hasGroupAtInfo} = options;
  if ((type === 'C2C' || type === 'GROUP') && c.type !== type) return false;
  if (typeof markType === 'number' && (markType === 0 ? c.markList.length > 0 : !c.markList.includes(markType))) return false;
  if (typeof groupName === 'string' && (groupName === '' ? c.conversationGroupList.length > 0 : !c.conversationGroupList.includes(groupName))) return false;
  if (typeof hasUnreadCount === 'boolean' && (c.unreadCount > 0) !== hasUnreadCount) return false;
  if (typeof hasGroupAtInfo === 'boolean' && (c.groupAtInfoList.length > 0) !== hasGroupAtInfo) return false;
  return true;
}

/** Conversation calls of a `PalaverChat`. */
export class ConversationAPI extends MessageReadAPI {
  /**
   * My conversations from the server, pinned first then newest first (the
   * SDK's own list is refreshed with it, emitting CONVERSATION_LIST_UPDATED if
   * it changed). As Tencent's: an array of conversationIDs picks those; a
   * filter `{type?, markType?, groupName?, hasUnreadCount?, hasGroupAtInfo?}`
   * keeps those that pass it (`markType` 0: unmarked; `groupName` '': in no
   * conversation group). Resolves `{code: 0, data: {conversationList, isSyncCompleted: true}}`.
   * @param {string[] | ConversationFilter} [options]
   * @returns {Promise<ChatResponse<{conversationList: Conversation[], isSyncCompleted: boolean}>>}
   */
  async getConversationList(options) {
    const sess = this._requireSession();
    const all = await this._runLocal(sess, async () => {
      await this._drive(sess, sess.list.refresh());
      return sess.list.views();
    });
    const conversationList = all.filter((c) => passes(c, options));
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

  /**
   * Ask the server, then refresh the list (emitting what changed).
   * @private
   * @param {string} op
   * @param {Record<string, unknown>} data
   * @returns {Promise<Record<string, any>>}
   */
  async _convChange(op, data) {
    const sess = this._requireSession();
    const d = await this._sessionRequest(sess, op, data);
    await this._runLocal(sess, () => this._drive(sess, sess.list.refresh()));
    return d;
  }

  /**
   * Do-not-disturb (`TYPES.MSG_REMIND_*`) of C2C conversations
   * (`{userIDList, messageRemindType}`) or of a group (`{groupID,
   * messageRemindType}`). A muted conversation keeps its unread count but leaves
   * the total. Resolves `{code: 0, data: {successUserIDList, failureUserIDList}}`
   * (C2C) or `{code: 0, data: {}}`; rejects 50002 (a bad type), 10007 / 10010
   * (group: not a member / no such group).
   * @param {{userIDList?: string[], groupID?: string, messageRemindType: string}} options
   * @returns {Promise<ChatResponse<Record<string, any>>>}
   */
  async setMessageRemindType(options) {
    if (!isObject(options) || typeof options.messageRemindType !== 'string') {
      throw invalid('setMessageRemindType expects {userIDList | groupID, messageRemindType}');
    }
    const data = typeof options.groupID === 'string'
      ? {groupID: options.groupID, messageRemindType: options.messageRemindType}
      : {userIDList: options.userIDList, messageRemindType: options.messageRemindType};
    return {code: 0, data: await this._convChange('setMessageRemindType', data)};
  }

  /**
   * Keep a draft of a conversation on the server (`''` clears it); every device
   * sees it as `draftText`. Rejects 50002 for a conversation I do not have.
   * @param {{conversationID: string, draftText: string}} options
   * @returns {Promise<ChatResponse<{conversationID: string}>>}
   */
  async setConversationDraft(options) {
    if (!isObject(options) || typeof options.conversationID !== 'string') {
      throw invalid('setConversationDraft expects {conversationID, draftText}');
    }
    await this._convChange('setConversationDraft', {
      conversationID: options.conversationID, draftText: String(options.draftText ?? ''),
    });
    return {code: 0, data: {conversationID: options.conversationID}};
  }

  /**
   * Set my custom data (at most 256 bytes) of conversations. Rejects 50002.
   * @param {{conversationIDList: string[], customData: string}} options
   * @returns {Promise<ChatResponse<{successConversationIDList: string[], failureConversationIDList: unknown[]}>>}
   */
  async setConversationCustomData(options) {
    if (!isObject(options) || !Array.isArray(options.conversationIDList)) {
      throw invalid('setConversationCustomData expects {conversationIDList, customData}');
    }
    const d = await this._convChange('setConversationCustomData', {
      conversationIDList: options.conversationIDList, customData: String(options.customData ?? ''),
    });
    return {code: 0, data: /** @type {any} */ (d)};
  }

  /**
   * Set (`enableMark`) or clear a mark (`TYPES.CONV_MARK_TYPE_*`) on conversations. Rejects 50002.
   * @param {{conversationIDList: string[], markType: number, enableMark: boolean}} options
   * @returns {Promise<ChatResponse<{successConversationIDList: string[], failureConversationIDList: unknown[]}>>}
   */
  async markConversation(options) {
    if (!isObject(options) || !Array.isArray(options.conversationIDList)) {
      throw invalid('markConversation expects {conversationIDList, markType, enableMark}');
    }
    const d = await this._convChange('markConversation', {
      conversationIDList: options.conversationIDList,
      markType: Number(options.markType),
      enableMark: Boolean(options.enableMark),
    });
    return {code: 0, data: /** @type {any} */ (d)};
  }

  /**
   * The names of my conversation groups.
   * @returns {Promise<ChatResponse<string[]>>}
   */
  async getConversationGroupList() {
    const sess = this._requireSession();
    const d = await this._sessionRequest(sess, 'getConversationGroupList', {});
    return {code: 0, data: Array.isArray(d.groupList) ? d.groupList.map(String) : []};
  }

  /**
   * A new conversation group holding conversations. Rejects 50002 (a bad or
   * taken name, a bad conversation) or 51008 (over 20 groups).
   * @param {{groupName: string, conversationIDList: string[]}} options
   * @returns {Promise<ChatResponse<{successConversationIDList: string[], failureConversationIDList: unknown[]}>>}
   */
  async createConversationGroup(options) {
    if (!isObject(options) || typeof options.groupName !== 'string') {
      throw invalid('createConversationGroup expects {groupName, conversationIDList}');
    }
    const d = await this._convChange('createConversationGroup', {
      groupName: options.groupName, conversationIDList: options.conversationIDList,
    });
    return {code: 0, data: /** @type {any} */ (d)};
  }

  /**
   * Delete a conversation group (its conversations stay). Rejects 50002 if there is none.
   * @param {string} groupName
   * @returns {Promise<ChatResponse<{}>>}
   */
  async deleteConversationGroup(groupName) {
    if (typeof groupName !== 'string') throw invalid('deleteConversationGroup expects a groupName');
    await this._convChange('deleteConversationGroup', {groupName});
    return {code: 0, data: {}};
  }

  /**
   * Rename a conversation group. Rejects 50002.
   * @param {{oldName: string, newName: string}} options
   * @returns {Promise<ChatResponse<{}>>}
   */
  async renameConversationGroup(options) {
    if (!isObject(options) || typeof options.oldName !== 'string' || typeof options.newName !== 'string') {
      throw invalid('renameConversationGroup expects {oldName, newName}');
    }
    await this._convChange('renameConversationGroup', {oldName: options.oldName, newName: options.newName});
    return {code: 0, data: {}};
  }

  /**
   * Put conversations in a conversation group. Rejects 50002.
   * @param {{groupName: string, conversationIDList: string[]}} options
   * @returns {Promise<ChatResponse<{successConversationIDList: string[], failureConversationIDList: unknown[]}>>}
   */
  async addConversationsToGroup(options) {
    if (!isObject(options) || typeof options.groupName !== 'string') {
      throw invalid('addConversationsToGroup expects {groupName, conversationIDList}');
    }
    const d = await this._convChange('addConversationsToGroup', {
      groupName: options.groupName, conversationIDList: options.conversationIDList,
    });
    return {code: 0, data: /** @type {any} */ (d)};
  }

  /**
   * Take conversations out of a conversation group. Rejects 50002.
   * @param {{groupName: string, conversationIDList: string[]}} options
   * @returns {Promise<ChatResponse<{successConversationIDList: string[], failureConversationIDList: unknown[]}>>}
   */
  async deleteConversationsFromGroup(options) {
    if (!isObject(options) || typeof options.groupName !== 'string') {
      throw invalid('deleteConversationsFromGroup expects {groupName, conversationIDList}');
    }
    const d = await this._convChange('deleteConversationsFromGroup', {
      groupName: options.groupName, conversationIDList: options.conversationIDList,
    });
    return {code: 0, data: /** @type {any} */ (d)};
  }
}
