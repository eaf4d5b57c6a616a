/**
 * Message extensions and pinned group messages (Tencent's `setMessageExtensions`,
 * `getMessageExtensions`, `deleteMessageExtensions`, `pinGroupMessage`,
 * `getPinnedGroupMessageList`), over the other message calls of issue 17.
 *
 * As Tencent's SDK, this one remembers the sequence of each extension key it has
 * seen (answers and pushes) and names it when it writes the key: a write over
 * someone else's newer one comes back with code 23001 and the key as it is now.
 *
 * @module palaver-chat/message-extras
 */

import {invalid} from './errors.js';
import {Message} from './message.js';
import {MessageOpsAPI} from './message-ops.js';
import {isObject} from './util.js';

/**
 * @template T
 * @typedef {import('./types.js').ChatResponse<T>} ChatResponse
 */
/** @typedef {import('./session.js').Session} Session */
/** @typedef {{code: number, key: string, value: string}} ExtensionResult */

export class MessageExtrasAPI extends MessageOpsAPI {
  /**
   * Set (or add) up to 20 `{key, value}` extensions of a message sent with
   * `isSupportExtension`. Resolves `{code: 0, data: {extensions: [{code, key,
   * value}]}}`: code 0 written, 23001 someone changed the key first (`value` is
   * it now; set it again to overwrite). Everyone in the conversation gets
   * MESSAGE_EXTENSIONS_UPDATED.
   *
   * Rejects: 6017 a message without `isSupportExtension`, no or more than 20
   * extensions, a key of 0 or over 100 bytes, a value of 0 or over 1 KB, over
   * 300 keys; 20026 no such message, or recalled; 10007 a group I am not in.
   * @param {Message} message
   * @param {{key: string, value: string}[]} extensions
   * @returns {Promise<ChatResponse<{extensions: ExtensionResult[]}>>}
   */
  async setMessageExtensions(message, extensions) {
    const sess = this._requireSession();
    if (!(message instanceof Message) || !Array.isArray(extensions)) {
      throw invalid('setMessageExtensions(message, [{key, value}])');
    }
    const known = sess.extSeqs.get(message.ID);
    const extensionList = extensions.map((e) => ({
      key: String(e.key), value: String(e.value), seq: (known && known.get(String(e.key))) || 0,
    }));
    const d = await this._sessionRequest(sess, 'setMessageExtensions', {
      conversationID: message.conversationID, ID: message.ID, extensionList,
    });
    return {code: 0, data: {extensions: this._noteResults(sess, message, d)}};
  }

  /**
   * The extensions of a message: resolves `{code: 0, data: {extensions: [{key,
   * value}]}}` (rejects as setMessageExtensions).
   * @param {Message} message
   * @returns {Promise<ChatResponse<{extensions: {key: string, value: string}[]}>>}
   */
  async getMessageExtensions(message) {
    const sess = this._requireSession();
    if (!(message instanceof Message)) throw invalid('getMessageExtensions(message)');
    const d = await this._sessionRequest(sess, 'getMessageExtensions', {
      conversationID: message.conversationID, ID: message.ID,
    });
    const list = Array.isArray(d.extensions) ? d.extensions : [];
    sess.extSeqs.set(message.ID, new Map(list.map((e) => [String(e.key), Number(e.seq) || 0])));
    return {code: 0, data: {extensions: list.map((e) => ({key: String(e.key), value: String(e.value)}))}};
  }

  /**
   * Delete the extensions `keyList` of a message (none: all of them); resolves
   * as setMessageExtensions. The others get MESSAGE_EXTENSIONS_DELETED.
   * @param {Message} message
   * @param {string[]} [keyList]
   * @returns {Promise<ChatResponse<{extensions: ExtensionResult[]}>>}
   */
  async deleteMessageExtensions(message, keyList) {
    const sess = this._requireSession();
    if (!(message instanceof Message)) throw invalid('deleteMessageExtensions(message, keyList?)');
    /** @type {Record<string, any>} */
    const data = {conversationID: message.conversationID, ID: message.ID};
    const known = sess.extSeqs.get(message.ID);
    if (Array.isArray(keyList) && keyList.length) {
      data.extensionList = keyList.map((k) => ({key: String(k), seq: (known && known.get(String(k))) || 0}));
    } else {
      sess.extSeqs.delete(message.ID);
    }
    const d = await this._sessionRequest(sess, 'deleteMessageExtensions', data);
    return {code: 0, data: {extensions: this._noteResults(sess, message, d)}};
  }

  /**
   * Pin (or unpin) a message of a group I own or administer (at most 10 pinned);
   * members online get PINNED_GROUP_MESSAGE_UPDATED. Resolves `{code: 0, data: {}}`.
   *
   * Rejects: 10007 not the owner or an admin; 10070 ten pinned already; 10071
   * pinned already; 20026 no such message; 10004 a live room; 10010 no group.
   * @param {{groupID: string, message: Message, isPinned: boolean}} options
   * @returns {Promise<ChatResponse<{}>>}
   */
  async pinGroupMessage(options) {
    const sess = this._requireSession();
    if (!isObject(options) || !(options.message instanceof Message)) {
      throw invalid('pinGroupMessage({groupID, message, isPinned})');
    }
    await this._sessionRequest(sess, 'pinGroupMessage', {
      groupID: String(options.groupID), sequence: options.message.sequence, isPinned: Boolean(options.isPinned),
    });
    return {code: 0, data: {}};
  }

  /**
   * The group's pinned messages, latest pin first, each with `pinnerInfo`
   * (`{userID}`). Resolves `{code: 0, data: {messageList}}`; rejects 10007 not a member.
   * @param {string} groupID
   * @returns {Promise<ChatResponse<{messageList: Message[]}>>}
   */
  async getPinnedGroupMessageList(groupID) {
    const sess = this._requireSession();
    const d = await this._sessionRequest(sess, 'getPinnedGroupMessageList', {groupID: String(groupID)});
    const messageList = (Array.isArray(d.messageList) ? d.messageList : []).map((w) => {
      const m = Message._fromWire(w);
      m.pinnerInfo = isObject(w.pinnerInfo) ? {userID: String(w.pinnerInfo.userID)} : null;
      return m;
    });
    return {code: 0, data: {messageList}};
  }

  /**
   * @private
   * @param {Session} sess
   * @param {Message} message
   * @param {Record<string, any>} d
   * @returns {ExtensionResult[]}
   */
  _noteResults(sess, message, d) {
    const seqs = sess.extSeqs.get(message.ID) || new Map();
    sess.extSeqs.set(message.ID, seqs);
    const list = Array.isArray(d.extensions) ? d.extensions : [];
    return list.map((r) => {
      seqs.set(String(r.key), Number(r.seq) || 0);
      return {code: Number(r.code) || 0, key: String(r.key), value: String(r.value)};
    });
  }
}
