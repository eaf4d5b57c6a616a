/**
 * The session: login and logout, the WebSocket (one at a time), heartbeats
 * and reconnects.
 *
 * - One WebSocket at a time. Requests carry an integer `id` (unique per
 *   session); responses are matched by it; a lost connection rejects the
 *   requests in flight with 2800, an unanswered one times out with 2801.
 * - Pushes go through the protocol session (protocol.js: cursors, duplicates,
 *   own echoes), then to the pump (pump.js).
 * - After an unexpected disconnect the SDK reconnects by itself with
 *   exponential backoff and logs in again with the kept cursor, so the server
 *   replays what was missed, exactly once. Logout and a kick (close code
 *   4001) end the session instead.
 *
 * @module palaver-chat/session
 */

import {
  CLOSE_HEARTBEAT, CLOSE_KICKED, DISCONNECTED_AFTER, ERROR_CODE, EVENT, LOGIN_BUSY_RETRIES, TRANSIENT_CODES,
  TYPES,
} from './constants.js';
import {ConversationList} from './conversation-list.js';
import {ChatError, invalid} from './errors.js';
import {ClientSession, SERVER_BUSY, busyHintMs, reconnectDelay} from './protocol.js';
import {ChatPump} from './pump.js';
import {deferred, isObject} from './util.js';

/**
 * @template T
 * @typedef {import('./types.js').ChatResponse<T>} ChatResponse
 */
/** @typedef {import('./types.js').LoginData} LoginData */
/** @typedef {import('./pump.js').PumpItem} PumpItem */

/**
 * One WebSocket connection (a session has one after another).
 * @typedef {object} Link
 * @property {number} gen its number in the session
 * @property {any} ws the WebSocket
 * @property {Map<number, {resolve: Function, reject: Function, timer: any, onOk?: Function}>} pending
 * @property {string | null} kicked the KICKED_OUT type, once pushed
 * @property {boolean} established caught up once: a close now means "reconnect"
 * @property {boolean} dropped closed on purpose
 * @property {any} heartbeat the heartbeat interval timer
 * @property {boolean} beating a heartbeat is in flight
 * @property {ReturnType<typeof deferred<void>>} synced resolved by the catch-up (`sync_done`)
 * @property {number | null} closeCode
 */

/**
 * One login: the protocol state (kept across reconnects, dropped at logout),
 * the conversation list, the connection and the pump's queue.
 */
export class Session extends ClientSession {
  /**
   * @param {string} userID
   * @param {string} userSig
   */
  constructor(userID, userSig) {
    super(userID, userSig);
    /** The conversation list and the kept messages (shares `avRooms` as its live rooms). */
    this.list = new ConversationList(userID, this.avRooms);
    /**
     * Pushes whose refetch failed while disconnected: refetched after the next catch-up.
     * @type {Set<string>}
     */
    this.refetchLater = new Set();
    /**
     * Message ID -> extension key -> its sequence as last seen (setMessageExtensions
     * names it, so a write over a newer one conflicts instead of overwriting it).
     * @type {Map<string, Map<string, number>>}
     */
    this.extSeqs = new Map();
    /**
     * The current connection.
     * @type {Link | null}
     */
    this.link = null;
    this.gen = 0;
    this.online = false; // logged in on the current connection
    /** @type {Set<{resolve: Function, reject: Function, timer?: any}>} */
    this.onlineWaiters = new Set();
    this.readyOnce = false;
    this.reconnecting = false;
    /**
     * Ends a reconnect backoff early.
     * @type {(() => void) | null}
     */
    this.wake = null;
    /**
     * The browser's 'online' listener.
     * @type {(() => void) | null}
     */
    this.onOnline = null;
    this.ended = false;
    /** @type {ReturnType<typeof deferred<void>> | null} */
    this.endDone = null;
    /**
     * The pump: pushes and local changes handled one at a time, in order.
     * @type {PumpItem[]}
     */
    this.inbox = [];
    this.pumping = false;
    this.stopped = false;
  }
}

/** Login, logout and the connection of a `PalaverChat` (see the module doc). */
export class ChatSession extends ChatPump {
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
   * @returns {Promise<ChatResponse<LoginData>>}
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
      data = await this._connectAdmitted(sess);
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
   * @returns {Promise<ChatResponse<Record<string, never>>>}
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

  /**
   * Log out and forget every listener (`chat.destroy()`).
   * @returns {Promise<ChatResponse<Record<string, never>>>}
   */
  async destroy() {
    await this.logout();
    this._listeners.clear();
    return {code: 0, data: {}};
  }

  /**
   * End a session: close its connection, fail what waits on it, and queue
   * `events` (then NET_STATE_CHANGE "disconnected") behind the pushes already
   * queued. Resolves when they were emitted.
   * @protected
   * @param {Session} sess
   * @param {Array<[string, any]>} events
   * @returns {Promise<void>}
   */
  _end(sess, events) {
    if (sess.ended) return sess.endDone.promise;
    sess.ended = true;
    sess.list.closed = true;
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

  /**
   * Open a WebSocket; resolves the link once open. Rejects 2800 / 2801, or
   * 70169 with `retryAfter` (ms) when a busy server turned the upgrade away
   * (HTTP 503, see `_whyRefused`).
   * @private
   * @param {Session} sess
   * @returns {Promise<Link>}
   */
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
      ws.onmessage = (ev) => this._onFrame(sess, link, ev.data);
      ws.onerror = () => {}; // a close event follows
      let opened = false;
      ws.onopen = () => {
        opened = true;
        clearTimeout(timer);
        resolve(link);
      };
      ws.onclose = (ev) => {
        clearTimeout(timer);
        link.closeCode = ev.code;
        const failed = new ChatError(ERROR_CODE.NETWORK, `cannot connect to ${this._url} (close ${ev.code})`);
        if (opened || link.dropped) reject(failed);
        else this._whyRefused().then((busy) => reject(busy || failed));
        this._onClose(sess, link, ev.code);
      };
    });
  }

  /**
   * After an upgrade that failed: ask the server (a plain GET of the same URL)
   * whether it is busy. A busy server answers 503 with `Retry-After`
   * (docs/protocol.md §3); a browser cannot read that from the failed
   * WebSocket itself. Resolves a 70169 ChatError carrying the hint (ms), or
   * null (not busy, unreachable, or no `fetch`); never rejects.
   * @private
   * @returns {Promise<ChatError | null>}
   */
  async _whyRefused() {
    if (typeof globalThis.fetch !== 'function') return null;
    const url = this._url.replace(/^ws/, 'http');
    const abort = typeof AbortController === 'function' ? new AbortController() : null;
    const timer = setTimeout(() => abort && abort.abort(), this._requestTimeout);
    try {
      const resp = await globalThis.fetch(url, {cache: 'no-store', signal: abort ? abort.signal : undefined});
      const hint = busyHintMs(resp.status, (name) => resp.headers.get(name));
      return hint == null ? null : new ChatError(SERVER_BUSY, 'server busy: retry later', hint);
    } catch (_) {
      return null; // down or unreachable: the plain network error stands
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Connect and log in with the session's cursor, then wait for the catch-up
   * (`sync_done`, handled by the pump). Resolves the server's login data.
   * On failure nothing stays open; a kick rejects with `kickType` set.
   * @private
   * @param {Session} sess
   * @returns {Promise<Record<string, any>>}
   */
  async _connect(sess) {
    const link = await this._open(sess);
    if (sess.ended) {
      this._drop(sess, link, new ChatError(ERROR_CODE.NOT_LOGGED_IN, 'logged out'));
      throw new ChatError(ERROR_CODE.NOT_LOGGED_IN, 'logged out');
    }
    sess.link = link;
    try {
      const login = sess.loginData(this.SDKAppID, this.platform);
      // (the cursor is applied as the response arrives, before any push that follows it)
      const data = await this._call(sess, link, 'login', login, this._requestTimeout, (d) => sess.loggedIn(d));
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

  /**
   * Forget a connection on purpose: close it and fail what waits on it.
   * @private
   * @param {Session} sess
   * @param {Link} link
   * @param {unknown} reason
   */
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

  /**
   * Reject the requests in flight on `link` and its catch-up.
   * @private
   * @param {Link} link
   * @param {unknown} reason
   */
  _failPending(link, reason) {
    for (const p of link.pending.values()) {
      clearTimeout(p.timer);
      p.reject(reason);
    }
    link.pending.clear();
    link.synced.reject(reason);
  }

  /**
   * The socket closed: fail its requests; reconnect unless the session ended or was kicked.
   * @private
   * @param {Session} sess
   * @param {Link} link
   * @param {number} code
   */
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
   * Wait before connect attempt `attempt` (0: the first): exponential backoff
   * with full jitter (`reconnectDelay` doubling up to `reconnectMaxDelay`), at
   * least the `retryAfter` (ms) a busy server asked for. An `online` event ends
   * the wait early.
   * @private
   * @param {Session} sess
   * @param {number} attempt
   * @param {number | null} retryAfter
   * @returns {Promise<void>}
   */
  async _backoff(sess, attempt, retryAfter) {
    const ms = reconnectDelay(attempt, this._delayMin, this._delayMax, this._random(), retryAfter);
    await this._sleep(ms, sess);
    sess.wake = null;
  }

  /**
   * `_connect`, tried again after `_backoff` while the server answers that it is
   * busy (70169), at most LOGIN_BUSY_RETRIES times.
   * @private
   * @param {Session} sess
   * @returns {Promise<Record<string, any>>}
   */
  async _connectAdmitted(sess) {
    for (let attempt = 0; attempt < LOGIN_BUSY_RETRIES; attempt++) {
      try {
        return await this._connect(sess);
      } catch (err) {
        if (!(err instanceof ChatError) || err.code !== SERVER_BUSY || sess.ended) throw err;
        this._log(1, 'server busy; logging in again after backoff');
        await this._backoff(sess, attempt, err.retryAfter);
      }
    }
    return this._connect(sess);
  }

  /**
   * Reconnect with exponential backoff and full jitter (see `_backoff`) and log
   * in again with the session's cursor, so the server replays what was missed, exactly once. Ends the
   * session on a kick or a login error that retrying cannot fix.
   * @private
   * @param {Session} sess
   */
  async _reconnect(sess) {
    if (sess.reconnecting || sess.ended) return;
    sess.reconnecting = true;
    this._setNet(TYPES.NET_STATE_CONNECTING);
    let attempt = 0;
    /** @type {number | null} */
    let hint = null;
    try {
      while (!sess.ended) {
        await this._backoff(sess, attempt, hint);
        attempt += 1;
        if (sess.ended) return;
        if (sess.ended) return;
        try {
          await this._connect(sess);
          return;
        } catch (err) {
          if (sess.ended) return;
          hint = err.retryAfter ?? null;
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

  /**
   * One heartbeat; an unanswered one drops the connection (close 4000).
   * @private
   * @param {Session} sess
   * @param {Link} link
   */
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

  /**
   * A server frame: answer a request, or filter a push and queue it for the pump.
   * @private
   * @param {Session} sess
   * @param {Link} link
   * @param {string} text
   */
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
      const push = ClientSession.push(obj);
      if (!sess.accept(push)) return;
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
        const hint = typeof obj.retryAfter === 'number' && obj.retryAfter >= 0 ? obj.retryAfter : null;
        const extra = isObject(obj.data) ? obj.data : {};
        p.reject(new ChatError(code, String(obj.message || `error ${code}`), hint, extra));
      }
      return;
    }
    this._log(2, "ignored a server frame with neither 'ev' nor 'code'");
  }
}
