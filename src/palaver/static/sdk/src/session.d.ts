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
    /** The conversation list and the kept messages (shares `avRooms` as its live rooms). */
    list: ConversationList;
    /**
     * Pushes whose refetch failed while disconnected: refetched after the next catch-up.
     * @type {Set<string>}
     */
    refetchLater: Set<string>;
    /**
     * Message ID -> extension key -> its sequence as last seen (setMessageExtensions
     * names it, so a write over a newer one conflicts instead of overwriting it).
     * @type {Map<string, Map<string, number>>}
     */
    extSeqs: Map<string, Map<string, number>>;
    /**
     * The current connection.
     * @type {Link | null}
     */
    link: Link | null;
    gen: number;
    online: boolean;
    /** @type {Set<{resolve: Function, reject: Function, timer?: any}>} */
    onlineWaiters: Set<{
        resolve: Function;
        reject: Function;
        timer?: any;
    }>;
    readyOnce: boolean;
    reconnecting: boolean;
    /**
     * Ends a reconnect backoff early.
     * @type {(() => void) | null}
     */
    wake: (() => void) | null;
    /**
     * The browser's 'online' listener.
     * @type {(() => void) | null}
     */
    onOnline: (() => void) | null;
    ended: boolean;
    /** @type {ReturnType<typeof deferred<void>> | null} */
    endDone: ReturnType<typeof deferred<void>> | null;
    /**
     * The pump: pushes and local changes handled one at a time, in order.
     * @type {PumpItem[]}
     */
    inbox: PumpItem[];
    pumping: boolean;
    stopped: boolean;
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
    login(options: {
        userID: string;
        userSig: string;
    }): Promise<ChatResponse<LoginData>>;
    /**
     * Log out: the server ends the session; SDK_NOT_READY is emitted. Local state
     * (conversations, cached messages) is dropped; listeners stay. Resolves
     * `{code: 0, data: {}}`, also when not logged in.
     * @returns {Promise<ChatResponse<Record<string, never>>>}
     */
    logout(): Promise<ChatResponse<Record<string, never>>>;
    /**
     * Log out and forget every listener (`chat.destroy()`).
     * @returns {Promise<ChatResponse<Record<string, never>>>}
     */
    destroy(): Promise<ChatResponse<Record<string, never>>>;
    /**
     * End a session: close its connection, fail what waits on it, and queue
     * `events` (then NET_STATE_CHANGE "disconnected") behind the pushes already
     * queued. Resolves when they were emitted.
     * @protected
     * @param {Session} sess
     * @param {Array<[string, any]>} events
     * @returns {Promise<void>}
     */
    protected _end(sess: Session, events: Array<[string, any]>): Promise<void>;
    /**
     * Open a WebSocket; resolves the link once open. Rejects 2800 / 2801, or
     * 70169 with `retryAfter` (ms) when a busy server turned the upgrade away
     * (HTTP 503, see `_whyRefused`).
     * @private
     * @param {Session} sess
     * @returns {Promise<Link>}
     */
    private _open;
    /**
     * After an upgrade that failed: ask the server (a plain GET of the same URL)
     * whether it is busy. A busy server answers 503 with `Retry-After`
     * (docs/protocol.md §3); a browser cannot read that from the failed
     * WebSocket itself. Resolves a 70169 ChatError carrying the hint (ms), or
     * null (not busy, unreachable, or no `fetch`); never rejects.
     * @private
     * @returns {Promise<ChatError | null>}
     */
    private _whyRefused;
    /**
     * Connect and log in with the session's cursor, then wait for the catch-up
     * (`sync_done`, handled by the pump). Resolves the server's login data.
     * On failure nothing stays open; a kick rejects with `kickType` set.
     * @private
     * @param {Session} sess
     * @returns {Promise<Record<string, any>>}
     */
    private _connect;
    /**
     * Forget a connection on purpose: close it and fail what waits on it.
     * @private
     * @param {Session} sess
     * @param {Link} link
     * @param {unknown} reason
     */
    private _drop;
    /**
     * Reject the requests in flight on `link` and its catch-up.
     * @private
     * @param {Link} link
     * @param {unknown} reason
     */
    private _failPending;
    /**
     * The socket closed: fail its requests; reconnect unless the session ended or was kicked.
     * @private
     * @param {Session} sess
     * @param {Link} link
     * @param {number} code
     */
    private _onClose;
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
    private _backoff;
    /**
     * `_connect`, tried again after `_backoff` while the server answers that it is
     * busy (70169), at most LOGIN_BUSY_RETRIES times.
     * @private
     * @param {Session} sess
     * @returns {Promise<Record<string, any>>}
     */
    private _connectAdmitted;
    /**
     * Reconnect with exponential backoff and full jitter (see `_backoff`) and log
     * in again with the session's cursor, so the server replays what was missed, exactly once. Ends the
     * session on a kick or a login error that retrying cannot fix.
     * @private
     * @param {Session} sess
     */
    private _reconnect;
    /**
     * One heartbeat; an unanswered one drops the connection (close 4000).
     * @private
     * @param {Session} sess
     * @param {Link} link
     */
    private _beat;
    /**
     * A server frame: answer a request, or filter a push and queue it for the pump.
     * @private
     * @param {Session} sess
     * @param {Link} link
     * @param {string} text
     */
    private _onFrame;
}
export type ChatResponse<T> = import("./types.js").ChatResponse<T>;
export type LoginData = import("./types.js").LoginData;
export type PumpItem = import("./pump.js").PumpItem;
/**
 * One WebSocket connection (a session has one after another).
 */
export type Link = {
    /**
     * its number in the session
     */
    gen: number;
    /**
     * the WebSocket
     */
    ws: any;
    pending: Map<number, {
        resolve: Function;
        reject: Function;
        timer: any;
        onOk?: Function;
    }>;
    /**
     * the KICKED_OUT type, once pushed
     */
    kicked: string | null;
    /**
     * caught up once: a close now means "reconnect"
     */
    established: boolean;
    /**
     * closed on purpose
     */
    dropped: boolean;
    /**
     * the heartbeat interval timer
     */
    heartbeat: any;
    /**
     * a heartbeat is in flight
     */
    beating: boolean;
    /**
     * resolved by the catch-up (`sync_done`)
     */
    synced: ReturnType<typeof deferred<void>>;
    closeCode: number | null;
};
import { ClientSession } from './protocol.js';
import { ConversationList } from './conversation-list.js';
import { deferred } from './util.js';
import { ChatPump } from './pump.js';
