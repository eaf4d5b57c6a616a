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
    constructor(options: CreateOptions);
    /** @readonly */
    readonly SDKAppID: number;
    /** @readonly */
    readonly server: string;
    /** @readonly */
    readonly platform: string;
    /** @private */
    private _url;
    /**
     * @private
     * @type {any}
     */
    private _WebSocket;
    /** @private */
    private _requestTimeout;
    /** @private */
    private _heartbeatInterval;
    /** @private */
    private _delayMin;
    /** @private */
    private _delayMax;
    /**
     * The backoff's randomness (uniform in [0, 1)) and its wait: replaceable in tests.
     * @protected
     * @type {() => number}
     */
    protected _random: () => number;
    /**
     * @protected
     * @type {(ms: number, sess: any) => Promise<void>}
     */
    protected _sleep: (ms: number, sess: any) => Promise<void>;
    /** @private */
    private _logLevel;
    /**
     * @private
     * @type {Map<string, Array<{fn: Function, ctx: any}>>}
     */
    private _listeners;
    /**
     * @private
     * @type {NetState}
     */
    private _net;
    /**
     * @private
     * @type {'loggedOut' | 'loggingIn' | 'ready'}
     */
    private _state;
    /**
     * @private
     * @type {Session | null}
     */
    private _sess;
    /**
     * The previous session's end, while it drains.
     * @private
     * @type {Promise<void> | null}
     */
    private _ending;
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
    on<E extends string>(event: E, fn: Listener<E>, ctx?: unknown): void;
    /**
     * Stop calling `fn` for `event` (no error if it was not registered).
     * @template {string} E
     * @param {E} event
     * @param {Listener<E>} fn
     * @param {unknown} [ctx] only the registration with this context
     * @returns {void}
     */
    off<E extends string>(event: E, fn: Listener<E>, ctx?: unknown): void;
    /**
     * Call the listeners of `name` now, with `{name, data}`.
     * @protected
     * @param {string} name
     * @param {any} data
     */
    protected _emit(name: string, data: any): void;
    /**
     * Emit NET_STATE_CHANGE if the network state changes.
     * @protected
     * @param {NetState} state
     */
    protected _setNet(state: NetState): void;
    /**
     * Log level, as Tencent's: 0 everything, 1 normal (default), 2 warnings,
     * 3 errors, 4 nothing.
     * @param {number} level
     * @returns {void}
     */
    setLogLevel(level: number): void;
    /**
     * Log at `level` (0 debug, 1 info, 2 warning, 3 error) if the log level lets it through.
     * @protected
     * @param {number} level
     * @param {...any} args
     */
    protected _log(level: number, ...args: any[]): void;
    /**
     * Accepted for compatibility with code written for Tencent's SDK (e.g.
     * `{'tim-upload-plugin': ...}`); Palaver has no plugins yet.
     * @param {Record<string, unknown>} plugins
     * @returns {void}
     */
    registerPlugin(plugins: Record<string, unknown>): void;
    _plugins: any;
    /**
     * True between SDK_READY and logout (also while reconnecting).
     * @returns {boolean}
     */
    isReady(): boolean;
    /**
     * The logged-in userID (`''` when logged out).
     * @returns {string}
     */
    getLoginUser(): string;
    /**
     * Palaver: the network state, a `TYPES.NET_STATE_*` value.
     * @returns {NetState}
     */
    getNetState(): NetState;
    /**
     * Palaver: the last event-stream `seq` processed (docs/protocol.md §4), 0 when logged out.
     * @returns {number}
     */
    getCursor(): number;
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
    protected _call(sess: Session, link: Link, op: string, data: Record<string, any> | null | undefined, timeoutMs: number, onOk?: (data: Record<string, any>) => void): Promise<Record<string, any>>;
    /**
     * A request of the logged-in session. While the connection is down it waits
     * (within the request timeout) for it to come back. Rejects ChatError.
     * @protected
     * @param {string} op
     * @param {Record<string, any> | null} [data]
     * @returns {Promise<Record<string, any>>}
     */
    protected _request(op: string, data?: Record<string, any> | null): Promise<Record<string, any>>;
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
    protected _sessionRequest(sess: Session, op: string, data?: Record<string, any> | null, retry?: boolean): Promise<Record<string, any>>;
    /**
     * The logged-in session; throws ChatError 6014 when there is none.
     * @protected
     * @returns {Session}
     */
    protected _requireSession(): Session;
}
export type CreateOptions = import("./types.js").CreateOptions;
export type NetState = import("./types.js").NetState;
export type Listener<E extends string> = import("./types.js").Listener<E>;
export type Session = import("./session.js").Session;
export type Link = import("./session.js").Link;
