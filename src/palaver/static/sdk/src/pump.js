/**
 * The pump: pushes and local changes handled one at a time, in order.
 *
 * Pushes accepted by the protocol session (protocol.js) and changes made by
 * this device are queued; the pump takes them in order and hands the ones that
 * touch the conversation list to the sans-I/O {@link ConversationList}, whose
 * steps it drives (`_drive`: events are emitted, requests made). Pushes that
 * say a list changed (friends, applications, blacklist, groups) are answered by
 * refetching that list; one refetch answers several such pushes queued back to
 * back, and a refetch that fails while disconnected is made again after the
 * next catch-up.
 *
 * @module palaver-chat/pump
 */

import {EVENT, ERROR_CODE} from './constants.js';
import {ChatCore} from './core.js';
import {ChatError} from './errors.js';
import {Message, systemNotice} from './message.js';
import {deferred} from './util.js';

/** @typedef {import('./session.js').Session} Session */
/** @typedef {import('./session.js').Link} Link */
/** @typedef {import('./protocol.js').Push} Push */
/**
 * @template [T=void]
 * @typedef {import('./conversation-list.js').Step<T>} Step
 */
/**
 * An item of the pump's queue.
 * @typedef {{kind: 'push', link: Link, push: Push}
 *   | {kind: 'local', fn: () => Promise<any>, done: ReturnType<typeof deferred<any>>}
 *   | {kind: 'end', events: Array<[string, any]>}} PumpItem
 */

/** The lists a push says changed, and how to refetch and report each. */
const REFETCH = /** @type {Record<string, (d: Record<string, any>) => any>} */ ({
  FRIEND_LIST_UPDATED: (d) => d.friendList || [],
  FRIEND_APPLICATION_LIST_UPDATED: (d) => ({
    friendApplicationList: d.friendApplicationList || [],
    unreadCount: Number(d.unreadCount) || 0,
  }),
  GROUP_LIST_UPDATED: (d) => d.groupList || [],
  GROUP_APPLICATION_LIST_UPDATED: (d) => ({
    applicationList: d.applicationList || [],
    unreadCount: Number(d.unreadCount) || 0,
  }),
  BLACKLIST_UPDATED: (d) => d.userIDList || [],
  FRIEND_GROUP_LIST_UPDATED: (d) => d.friendGroupList || [],
});
/** @type {Record<string, string>} */
const REFETCH_OP = {
  FRIEND_LIST_UPDATED: 'getFriendList',
  FRIEND_APPLICATION_LIST_UPDATED: 'getFriendApplicationList',
  GROUP_LIST_UPDATED: 'getGroupList',
  GROUP_APPLICATION_LIST_UPDATED: 'getGroupApplicationList',
  BLACKLIST_UPDATED: 'getBlacklist',
  FRIEND_GROUP_LIST_UPDATED: 'getFriendGroupList',
};

/** The pump of a `PalaverChat` (see the module doc). */
export class ChatPump extends ChatCore {
  /**
   * Queue an item for the pump (a local change after the session stopped is
   * rejected with 6014).
   * @protected
   * @param {Session} sess
   * @param {PumpItem} item
   */
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

  /**
   * Handle queued pushes and local changes one at a time, in order; never dies on one item.
   * @private
   * @param {Session} sess
   */
  async _pump(sess) {
    try {
      while (sess.inbox.length) {
        const item = /** @type {PumpItem} */ (sess.inbox.shift());
        if (item.kind === 'end') {
          sess.stopped = true;
          for (const rest of sess.inbox) {
            if (rest.kind === 'local') rest.done.reject(new ChatError(ERROR_CODE.NOT_LOGGED_IN, 'logged out'));
          }
          sess.inbox.length = 0;
          for (const [name, data] of item.events) this._emit(name, data);
          /** @type {NonNullable<Session['endDone']>} */ (sess.endDone).resolve();
          return;
        }
        try {
          if (item.kind === 'local') {
            item.done.resolve(await item.fn());
          } else if (item.push.ev === 'MESSAGE_RECEIVED') {
            // messages queued back to back (a replay) are reported together
            const batch = [item.push];
            while (sess.inbox.length && sess.inbox[0].kind === 'push' && sess.inbox[0].push.ev === 'MESSAGE_RECEIVED') {
              batch.push(/** @type {{push: Push}} */ (sess.inbox.shift()).push);
            }
            await this._drive(sess, sess.list.received(batch.map((p) => p.data.message)));
          } else {
            await this._onPush(sess, item);
          }
        } catch (err) {
          if (item.kind === 'local') item.done.reject(err);
          else this._log(2, `could not handle ${item.push.ev}:`, err && /** @type {Error} */ (err).message);
        }
      }
    } finally {
      sess.pumping = false;
    }
  }

  /**
   * Have the pump run `fn` in order with pushes; its result.
   * @protected
   * @template T
   * @param {Session} sess
   * @param {() => Promise<T>} fn
   * @returns {Promise<T>}
   */
  _runLocal(sess, fn) {
    /** @type {ReturnType<typeof deferred<any>>} */
    const done = deferred();
    this._enqueue(sess, {kind: 'local', fn, done});
    return done.promise;
  }

  /**
   * Run a step of the conversation list: emit what it emits, answer its calls
   * with requests of `sess` (a failed request is thrown into it). `retry`: a
   * request whose connection was lost is made again on the next one (see
   * `_sessionRequest`). Resolves the step's result.
   * @protected
   * @template T
   * @param {Session} sess
   * @param {Step<T>} step
   * @param {boolean} [retry]
   * @returns {Promise<T>}
   */
  async _drive(sess, step, retry = true) {
    /** @type {any} */
    let reply;
    /** @type {unknown} */
    let error = null;
    for (;;) {
      const r = error === null ? step.next(reply) : step.throw(error);
      if (r.done) return r.value;
      reply = undefined;
      error = null;
      const effect = r.value;
      if ('emit' in effect) {
        this._emit(effect.emit, effect.data);
      } else if ('log' in effect) {
        this._log(0, effect.log);
      } else {
        try {
          reply = await this._sessionRequest(sess, effect.call, effect.data, retry);
        } catch (err) {
          error = err;
        }
      }
    }
  }

  /**
   * MESSAGE_EXTENSIONS_UPDATED / _DELETED: note each key's sequence, then emit.
   * @private
   * @param {Session} sess
   * @param {string} ev
   * @param {Record<string, any>} data
   */
  _onExtensions(sess, ev, data) {
    const messageID = String(data.messageID ?? '');
    if (data.cleared) sess.extSeqs.delete(messageID);
    const seqs = sess.extSeqs.get(messageID) || new Map();
    sess.extSeqs.set(messageID, seqs);
    if (ev === 'MESSAGE_EXTENSIONS_UPDATED') {
      for (const [key, seq] of Object.entries(data.extensionSeqs || {})) seqs.set(key, Number(seq) || 0);
      this._emit(EVENT.MESSAGE_EXTENSIONS_UPDATED, {messageID, extensions: data.extensions || []});
      return;
    }
    for (const key of data.keyList || []) seqs.set(String(key), Number(data.globalSequence) || 0);
    this._emit(EVENT.MESSAGE_EXTENSIONS_DELETED, {messageID, keyList: data.keyList || []});
  }

  /**
   * A push other than MESSAGE_RECEIVED.
   * @private
   * @param {Session} sess
   * @param {{link: Link, push: Push}} item
   */
  async _onPush(sess, {link, push}) {
    const {ev, data} = push;
    const list = sess.list;
    switch (ev) {
      case 'sync_done':
        await this._onSynced(sess, link);
        break;
      case 'MESSAGE_REVOKED':
        await this._drive(sess, list.revoked(data));
        break;
      case 'MESSAGE_MODIFIED':
        await this._drive(sess, list.modified(data));
        break;
      case 'MESSAGE_READ_BY_PEER':
        await this._drive(sess, list.readByPeer(data));
        break;
      case 'CONVERSATION_READ':
        await this._drive(sess, list.conversationRead(String(data.conversationID || ''), Number(data.readSequence) || 0));
        break;
      case 'CONVERSATION_CHANGED':
        await this._drive(sess, list.refresh());
        break;
      case 'PROFILE_UPDATED':
        await this._drive(sess, list.profileUpdated(data));
        break;
      case 'MESSAGE_READ_RECEIPT_RECEIVED':
        await this._drive(sess, list.readReceipt(this._mergeReceipts(sess, data)));
        break;
      case 'MESSAGE_REACTIONS_UPDATED':
        this._emit(EVENT.MESSAGE_REACTIONS_UPDATED, {
          messageID: String(data.messageID ?? ''), conversationID: String(data.conversationID ?? ''),
          reactionList: Array.isArray(data.reactionList) ? data.reactionList : [],
        });
        break;
      case 'MESSAGE_EXTENSIONS_UPDATED':
      case 'MESSAGE_EXTENSIONS_DELETED':
        this._onExtensions(sess, ev, data);
        break;
      case 'PINNED_GROUP_MESSAGE_UPDATED':
        this._emit(EVENT.PINNED_GROUP_MESSAGE_UPDATED, {
          groupID: String(data.groupID ?? ''), message: Message._fromWire(data.message),
          isPinned: Boolean(data.isPinned), operatorInfo: data.operatorInfo || {},
        });
        break;
      case 'USER_STATUS_UPDATED':
        this._emit(EVENT.USER_STATUS_UPDATED, data.userStatusList || []);
        break;
      case 'ALL_RECEIVE_MESSAGE_OPT_UPDATED':
        this._emit(EVENT.ALL_RECEIVE_MESSAGE_OPT_UPDATED, {...data});
        break;
      case 'GROUP_SYSTEM_NOTICE_RECEIVED':
        this._emit(EVENT.MESSAGE_RECEIVED, [systemNotice(data, sess.userID)]);
        break;
      case 'GROUP_ATTRIBUTES_UPDATED':
        this._emit(EVENT.GROUP_ATTRIBUTES_UPDATED, {
          groupID: data.groupID,
          groupAttributes: data.groupAttributes || {},
          updatedKeyList: data.updatedKeyList || [],
          deletedKeyList: data.deletedKeyList || [],
        });
        break;
      case 'GROUP_COUNTER_UPDATED':
        for (const [key, value] of Object.entries(data.counters || {})) {
          this._emit(EVENT.GROUP_COUNTER_UPDATED, {groupID: data.groupID, key, value});
        }
        break;
      case 'TOPIC_CREATED':
        this._emit(EVENT.TOPIC_CREATED, {groupID: data.groupID, topicID: data.topicID});
        break;
      case 'TOPIC_UPDATED':
        this._emit(EVENT.TOPIC_UPDATED, {groupID: data.groupID, topic: data.topic});
        break;
      case 'TOPIC_DELETED':
        this._emit(EVENT.TOPIC_DELETED, {groupID: data.groupID, topicIDList: data.topicIDList || []});
        break;
      case 'FRIEND_LIST_UPDATED':
      case 'FRIEND_APPLICATION_LIST_UPDATED':
      case 'BLACKLIST_UPDATED':
      case 'FRIEND_GROUP_LIST_UPDATED':
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
   * A read receipt, merged with the ones for the same conversation queued
   * right behind it (one refresh of the read counts answers them all).
   * @private
   * @param {Session} sess
   * @param {Record<string, any>} data
   * @returns {Record<string, any>}
   */
  _mergeReceipts(sess, data) {
    const cid = String(data.conversationID || '');
    let readSeq = Number(data.readSequence) || 0;
    while (sess.inbox.length && sess.inbox[0].kind === 'push' && sess.inbox[0].push.ev === 'MESSAGE_READ_RECEIPT_RECEIVED'
      && String(sess.inbox[0].push.data.conversationID || '') === cid) {
      readSeq = Math.max(readSeq, Number(/** @type {{push: Push}} */ (sess.inbox.shift()).push.data.readSequence) || 0);
    }
    return {...data, readSequence: readSeq};
  }

  /**
   * Refetch the list a push says changed and emit it (after GROUP_LIST_UPDATED
   * the conversation list too: a group conversation may have come or gone).
   * If that fails (the connection stayed down longer than the request
   * timeout), the push will not come again: the refetch is retried after the
   * next catch-up.
   * @private
   * @param {Session} sess
   * @param {string} ev
   */
  async _refetch(sess, ev) {
    try {
      const d = await this._sessionRequest(sess, REFETCH_OP[ev], null, true);
      this._emit(EVENT[/** @type {keyof typeof EVENT} */ (ev)], REFETCH[ev](d));
      if (ev === 'GROUP_LIST_UPDATED') await this._drive(sess, sess.list.refresh());
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
   * @private
   * @param {Session} sess
   * @param {Link} link
   */
  async _onSynced(sess, link) {
    const reconnected = sess.readyOnce;
    try {
      if (!reconnected) {
        await this._drive(sess, sess.list.refresh(false), false);
        sess.readyOnce = true;
        if (this._sess === sess && !sess.ended) this._state = 'ready';
        this._emit(EVENT.SDK_READY, undefined);
        await this._drive(sess, sess.list.emitChanges(true));
      } else {
        await this._drive(sess, sess.list.refresh(), false);
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
}
