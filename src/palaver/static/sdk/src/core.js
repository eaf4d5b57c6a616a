/**
 * The base of the SDK's class: options, listeners, logging, session state
 * queries and the requests of a session (docs/protocol.md §2: requests carry
 * an integer `id`, answers are matched by it).
 *
 * The SDK's class is a stack, one module per part of `@tencentcloud/chat`:
 * `ChatCore` (here) < `ChatPump` (pump.js: pushes and local changes in order)
 * < `ChatSession` (session.js: login, the WebSocket, reconnects) <
 * `MessageAPI` (messages.js) < `MessageReadAPI` (message-reads.js: history,
 * read state) < `ConversationAPI` (conversations.js) <
 * `RelationAPI` (relations.js: profiles, friends, blacklist) < `GroupAPI`
 * (groups.js) < `PalaverChat` (chat.js). The feature classes keep no state of
 * their own: they make requests and hand what changed to the conversation
 * list (conversation-list.js), a sans-I/O state machine.
 *
 * @module palaver-chat/core
 */

import {ERROR_CODE, EVENT, TYPES} from './constants.js';
import {ChatError, invalid} from './errors.js';
import {isObject, wsUrl} from './util.js';

/** @typedef {import('./types.js').CreateOptions} CreateOptions */
/** @typedef {import('./types.js').NetState} NetState */
/**
 * @template {string} E
 * @typedef {import('./types.js').Listener<E>} Listener
 */
/** @typedef {import('./session.js').Session} Session */
/** @typedef {import('./session.js').Link} Link */

/** Options, listeners and requests of a `PalaverChat` (see the module doc). */
export class ChatCore {
  /**
   * @param {CreateOptions} options see `PalaverChat.create`
   */
  constructor(options) {
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
    /** @readonly */
    this.SDKAppID = sdkAppId;
    /** @readonly */
    this.server = String(server);
    /** @readonly */
    this.platform = options.platform || 'Web';
    /** @private */
    this._url = wsUrl(this.server);
    /**
     * @private
     * @type {any}
     */
    this._WebSocket = options.WebSocket || globalThis.WebSocket;
    /** @private */
    this._requestTimeout = options.requestTimeout ?? 15000;
    /** @private */
    this._heartbeatInterval = options.heartbeatInterval ?? null;
    /** @private */
    this._delayMin = options.reconnectDelay ?? 500;
    /** @private */
    this._delayMax = options.reconnectMaxDelay ?? 15000;
    /**
     * The backoff's randomness (uniform in [0, 1)) and its wait: replaceable in tests.
     * @protected
     * @type {() => number}
     */
    this._random = Math.random;
    /**
     * @protected
     * @type {(ms: number, sess: any) => Promise<void>}
     */
    this._sleep = (ms, sess) =>
      new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        if (sess) {
          sess.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        }
      });
    /** @private */
    this._logLevel = 1;
    /**
     * @private
     * @type {Map<string, Array<{fn: Function, ctx: any}>>}
     */
    this._listeners = new Map();
    /**
     * @private
     * @type {NetState}
     */
    this._net = TYPES.NET_STATE_DISCONNECTED;
    /**
     * @private
     * @type {'loggedOut' | 'loggingIn' | 'ready'}
     */
    this._state = 'loggedOut';
    /**
     * @private
     * @type {Session | null}
     */
    this._sess = null;
    /**
     * The previous session's end, while it drains.
     * @private
     * @type {Promise<void> | null}
     */
    this._ending = null;
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
   * readCount, unreadCount}]`; GROUP_ATTRIBUTES_UPDATED `{groupID,
   * groupAttributes, updatedKeyList, deletedKeyList}`; GROUP_COUNTER_UPDATED
   * `{groupID, key, value}` (one per counter changed); TOPIC_CREATED `{groupID,
   * topicID}`, TOPIC_UPDATED `{groupID, topic}`, TOPIC_DELETED `{groupID, topicIDList}`;
   * KICKED_OUT `{type}` (`TYPES.KICKED_OUT_*`); NET_STATE_CHANGE `{state}`
   * (`TYPES.NET_STATE_*`); ERROR `{code, message}` (the SDK gave up
   * reconnecting).
   *
   * An exception thrown by a listener is logged and otherwise ignored.
   *
   * @template {string} E
   * @param {E} event
   * @param {Listener<E>} fn
   * @param {unknown} [ctx] `this` for `fn`
   * @returns {void}
   */
  on(event, fn, ctx) {
    if (typeof fn !== 'function') throw invalid('listener must be a function');
    if (!this._listeners.has(event)) this._listeners.set(event, []);
    /** @type {Array<{fn: Function, ctx: any}>} */ (this._listeners.get(event)).push({fn, ctx});
  }

  /**
   * Stop calling `fn` for `event` (no error if it was not registered).
   * @template {string} E
   * @param {E} event
   * @param {Listener<E>} fn
   * @param {unknown} [ctx] only the registration with this context
   * @returns {void}
   */
  off(event, fn, ctx) {
    const list = this._listeners.get(event);
    if (!list) return;
    const i = list.findIndex((l) => l.fn === fn && (ctx === undefined || l.ctx === ctx));
    if (i >= 0) list.splice(i, 1);
  }

  /**
   * Call the listeners of `name` now, with `{name, data}`.
   * @protected
   * @param {string} name
   * @param {any} data
   */
  _emit(name, data) {
    for (const {fn, ctx} of [...(this._listeners.get(name) || [])]) {
      try {
        fn.call(ctx, {name, data});
      } catch (err) {
        this._log(3, `listener of ${name} failed`, err);
      }
    }
  }

  /**
   * Emit NET_STATE_CHANGE if the network state changes.
   * @protected
   * @param {NetState} state
   */
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
   * @returns {void}
   */
  setLogLevel(level) {
    this._logLevel = Number(level);
  }

  /**
   * Log at `level` (0 debug, 1 info, 2 warning, 3 error) if the log level lets it through.
   * @protected
   * @param {number} level
   * @param {...any} args
   */
  _log(level, ...args) {
    if (level < this._logLevel) return;
    const out = [console.debug, console.info, console.warn, console.error][Math.min(level, 3)];
    out.call(console, '[palaver-chat]', ...args);
  }

  /**
   * Accepted for compatibility with code written for Tencent's SDK (e.g.
   * `{'tim-upload-plugin': ...}`); Palaver has no plugins yet.
   * @param {Record<string, unknown>} plugins
   * @returns {void}
   */
  registerPlugin(plugins) {
    this._plugins = {...(this._plugins || {}), ...plugins};
  }

  // ----------------------------------------------------------------- session

  /**
   * True between SDK_READY and logout (also while reconnecting).
   * @returns {boolean}
   */
  isReady() {
    return this._state === 'ready';
  }

  /**
   * The logged-in userID (`''` when logged out).
   * @returns {string}
   */
  getLoginUser() {
    return this._sess && this._state !== 'loggedOut' ? this._sess.userID : '';
  }

  /**
   * Palaver: the network state, a `TYPES.NET_STATE_*` value.
   * @returns {NetState}
   */
  getNetState() {
    return this._net;
  }

  /**
   * Palaver: the last event-stream `seq` processed (docs/protocol.md §4), 0 when logged out.
   * @returns {number}
   */
  getCursor() {
    return this._sess ? this._sess.cursor : 0;
  }

  // ---------------------------------------------------------------- requests

  /**
   * One request on `link`; resolves the response data, rejects ChatError
   * (the server's code, 2800 connection lost, 2801 timeout). `onOk` sees the
   * data as the response arrives, before any push that follows it.
   * @protected
   * @param {Session} sess
   * @param {Link} link
   * @param {string} op
   * @param {Record<string, any> | null | undefined} data
   * @param {number} timeoutMs
   * @param {(data: Record<string, any>) => void} [onOk]
   * @returns {Promise<Record<string, any>>}
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
   * @protected
   * @param {string} op
   * @param {Record<string, any> | null} [data]
   * @returns {Promise<Record<string, any>>}
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
   * @protected
   * @param {Session} sess
   * @param {string} op
   * @param {Record<string, any> | null} [data]
   * @param {boolean} [retry]
   * @returns {Promise<Record<string, any>>}
   */
  async _sessionRequest(sess, op, data, retry = false) {
    const deadline = Date.now() + this._requestTimeout;
    for (;;) {
      if (sess.ended) throw new ChatError(ERROR_CODE.NOT_LOGGED_IN, 'not logged in');
      if (sess.online && sess.link) {
        try {
          return await this._call(sess, sess.link, op, data, deadline - Date.now());
        } catch (err) {
          if (!retry || /** @type {ChatError} */ (err).code !== ERROR_CODE.NETWORK || sess.ended || Date.now() >= deadline) throw err;
          continue;
        }
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new ChatError(ERROR_CODE.REQUEST_TIMEOUT, `${op}: not connected in time`);
      await new Promise((resolve, reject) => {
        /** @type {any} */
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

  /**
   * The logged-in session; throws ChatError 6014 when there is none.
   * @protected
   * @returns {Session}
   */
  _requireSession() {
    const sess = this._sess;
    if (!sess || sess.ended) throw new ChatError(ERROR_CODE.NOT_LOGGED_IN, 'not logged in');
    return sess;
  }
}
