/**
 * Milliseconds to wait before (re)connect attempt `attempt` (0: the first): the
 * twin of Python's `palaver.protocol.client.reconnect_delay`. Exponential
 * backoff with full jitter, uniform over `[0, min(cap, base * 2 ** attempt))`
 * with `rand` uniform in `[0, 1)`, so clients that lost a server together do
 * not come back together (the first attempt too); after a busy server's
 * answer, at least its `retryAfter`, plus the jitter.
 * @param {number} attempt
 * @param {number} base the first window (ms)
 * @param {number} cap the largest window (ms)
 * @param {number} rand uniform in [0, 1)
 * @param {number | null} [retryAfter] the server's hint (ms)
 * @returns {number}
 */
export function reconnectDelay(attempt: number, base: number, cap: number, rand: number, retryAfter?: number | null): number;
/**
 * Milliseconds a busy server's HTTP 503 asks the client to wait (docs/protocol.md
 * §3: an upgrade turned away before it happened): the twin of Python's
 * `palaver.protocol.client.busy_hint`. Its `Retry-After-Ms`, else its
 * `Retry-After` (whole seconds); null if the answer is not a 503 or has neither.
 * @param {number} status the HTTP status
 * @param {(name: string) => string | null} header a header by name (`Headers.get`)
 * @returns {number | null}
 */
export function busyHintMs(status: number, header: (name: string) => string | null): number | null;
/**
 * A push as the SDK handles it.
 * @typedef {object} Push
 * @property {string} ev the event name
 * @property {Record<string, any>} data
 * @property {number | null} seq its position in its stream (null: not a stream push)
 * @property {string} group the groupID of its group stream ('' for the user's stream)
 */
/** The login error of a busy server: try again after its `retryAfter` (docs/protocol.md §3). */
export const SERVER_BUSY: 70169;
/** Protocol state of one login (kept across reconnects, dropped at logout). */
export class ClientSession {
    /**
     * A push from a server frame object `{ev, data, seq?, stream?}`.
     * @param {Record<string, any>} obj
     * @returns {Push}
     */
    static push(obj: Record<string, any>): Push;
    /**
     * @param {string} userID
     * @param {string} userSig
     */
    constructor(userID: string, userSig: string);
    userID: string;
    userSig: string;
    /** The last event-stream `seq` processed; sent in every login (docs/protocol.md §4). */
    cursor: number;
    /** Whether a login answered: until then there is no cursor to resume from. */
    hasCursor: boolean;
    /**
     * The last `seq` processed per group stream (docs/protocol.md §8.1), by
     * groupID; sent as `groupCursors` in every login after the first.
     * @type {Map<string, number>}
     */
    groupCursors: Map<string, number>;
    /**
     * AVChatRooms joined on this session: joined again after a reconnect, not resumed.
     * @type {Set<string>}
     */
    avRooms: Set<string>;
    nextId: number;
    /**
     * Message IDs already reported, oldest first (a Map keeps insertion order).
     * @type {Map<string, boolean>}
     */
    seen: Map<string, boolean>;
    /**
     * `random`s of sends in flight from this device: their echo is not "received".
     * @type {Set<number>}
     */
    ownSends: Set<number>;
    /**
     * Record a message ID; false if it was seen already (a duplicate).
     * @param {string} id
     * @returns {boolean}
     */
    remember(id: string): boolean;
    /**
     * The `login` request's data. A new session sends no cursor: it starts at
     * the current end of the stream. A reconnect sends the one it has, even 0
     * (an empty stream at the first login): see docs/protocol.md §3.1. Group
     * streams likewise (§8.1): AVChatRooms are not resumed but joined again
     * after the catch-up.
     * @param {number} sdkAppID
     * @param {string} platform
     * @returns {Record<string, any>}
     */
    loginData(sdkAppID: number, platform: string): Record<string, any>;
    /**
     * A login answered (applied as the response arrives, before any push that
     * follows it): a fresh session starts at the stream's end.
     * @param {Record<string, any>} data the login response's data
     */
    loggedIn(data: Record<string, any>): void;
    /**
     * Whether a push is new (ClientSession.receive): stream pushes at or below
     * their stream's cursor (the user stream's, or a group stream's for frames
     * with `stream: "GROUP<id>"`) were processed already (a replay overlapping
     * live delivery); otherwise they move it. A message whose ID was seen, or
     * that echoes a send in flight from this device, is dropped after moving the
     * cursor. Membership changes and `sync_done` move group cursors here too, in
     * frame order.
     * @param {Push} push
     * @returns {boolean}
     */
    accept(push: Push): boolean;
    /**
     * Follow the user-stream membership events: a joined group's stream starts
     * at `joinSeq`; a group left is forgotten.
     * @private
     * @param {Record<string, any>} data
     */
    private _membership;
}
/**
 * A push as the SDK handles it.
 */
export type Push = {
    /**
     * the event name
     */
    ev: string;
    data: Record<string, any>;
    /**
     * its position in its stream (null: not a stream push)
     */
    seq: number | null;
    /**
     * the groupID of its group stream ('' for the user's stream)
     */
    group: string;
};
