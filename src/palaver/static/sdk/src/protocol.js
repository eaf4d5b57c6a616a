/**
 * The client side of the protocol, without I/O: the twin of Python's
 * `palaver.protocol.client.ClientSession`. It keeps the stream cursors (the
 * user's stream and each group's, docs/protocol.md §4 and §8.1), numbers
 * requests, builds the login request and drops pushes that were processed
 * already or that echo this device's own sends.
 *
 * @module palaver-chat/protocol
 */

import {PROTOCOL_VERSION, SEEN_IDS} from './constants.js';
import {groupOfStream, isObject} from './util.js';

/**
 * A push as the SDK handles it.
 * @typedef {object} Push
 * @property {string} ev the event name
 * @property {Record<string, any>} data
 * @property {number | null} seq its position in its stream (null: not a stream push)
 * @property {string} group the groupID of its group stream ('' for the user's stream)
 */

/** The login error of a busy server: try again after its `retryAfter` (docs/protocol.md §3). */
export const SERVER_BUSY = 70169;

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
export function reconnectDelay(attempt, base, cap, rand, retryAfter = null) {
  const window = Math.min(cap, base * 2 ** Math.min(attempt, 32));
  const jitter = rand * window;
  return retryAfter == null ? jitter : retryAfter + jitter;
}

/**
 * Milliseconds a busy server's HTTP 503 asks the client to wait (docs/protocol.md
 * §3: an upgrade turned away before it happened): the twin of Python's
 * `palaver.protocol.client.busy_hint`. Its `Retry-After-Ms`, else its
 * `Retry-After` (whole seconds); null if the answer is not a 503 or has neither.
 * @param {number} status the HTTP status
 * @param {(name: string) => string | null} header a header by name (`Headers.get`)
 * @returns {number | null}
 */
export function busyHintMs(status, header) {
  if (status !== 503) return null;
  for (const [name, scale] of [['Retry-After-Ms', 1], ['Retry-After', 1000]]) {
    const value = (header(name) || '').trim();
    if (/^\d+$/.test(value)) return Number(value) * scale;
  }
  return null;
}

/** Protocol state of one login (kept across reconnects, dropped at logout). */
export class ClientSession {
  /**
   * @param {string} userID
   * @param {string} userSig
   */
  constructor(userID, userSig) {
    this.userID = userID;
    this.userSig = userSig;
    /** The last event-stream `seq` processed; sent in every login (docs/protocol.md §4). */
    this.cursor = 0;
    /** Whether a login answered: until then there is no cursor to resume from. */
    this.hasCursor = false;
    /**
     * The last `seq` processed per group stream (docs/protocol.md §8.1), by
     * groupID; sent as `groupCursors` in every login after the first.
     * @type {Map<string, number>}
     */
    this.groupCursors = new Map();
    /**
     * AVChatRooms joined on this session: joined again after a reconnect, not resumed.
     * @type {Set<string>}
     */
    this.avRooms = new Set();
    this.nextId = 1;
    /**
     * Message IDs already reported, oldest first (a Map keeps insertion order).
     * @type {Map<string, boolean>}
     */
    this.seen = new Map();
    /**
     * `random`s of sends in flight from this device: their echo is not "received".
     * @type {Set<number>}
     */
    this.ownSends = new Set();
  }

  /**
   * Record a message ID; false if it was seen already (a duplicate).
   * @param {string} id
   * @returns {boolean}
   */
  remember(id) {
    if (this.seen.has(id)) return false;
    this.seen.set(id, true);
    if (this.seen.size > SEEN_IDS) this.seen.delete(/** @type {string} */ (this.seen.keys().next().value));
    return true;
  }

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
  loginData(sdkAppID, platform) {
    /** @type {Record<string, any>} */
    const login = {
      v: PROTOCOL_VERSION,
      SDKAppID: sdkAppID,
      userID: this.userID,
      userSig: this.userSig,
      platform,
    };
    if (this.hasCursor) {
      login.cursor = this.cursor;
      login.groupCursors = {};
      for (const [groupID, seq] of this.groupCursors) {
        if (!this.avRooms.has(groupID)) login.groupCursors[groupID] = seq;
      }
    }
    return login;
  }

  /**
   * A login answered (applied as the response arrives, before any push that
   * follows it): a fresh session starts at the stream's end.
   * @param {Record<string, any>} data the login response's data
   */
  loggedIn(data) {
    if (!this.hasCursor) {
      this.cursor = Math.max(this.cursor, Number(data.cursor) || 0);
      this.hasCursor = true;
    }
  }

  /**
   * A push from a server frame object `{ev, data, seq?, stream?}`.
   * @param {Record<string, any>} obj
   * @returns {Push}
   */
  static push(obj) {
    const seq = obj.seq === undefined || obj.seq === null ? null : Number(obj.seq);
    return {ev: String(obj.ev), data: isObject(obj.data) ? obj.data : {}, seq, group: groupOfStream(obj.stream)};
  }

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
  accept(push) {
    if (push.seq !== null && Number.isFinite(push.seq)) {
      if (push.group) {
        const at = this.groupCursors.get(push.group);
        if (at !== undefined && push.seq <= at) return false;
        this.groupCursors.set(push.group, push.seq);
      } else {
        if (push.seq <= this.cursor) return false;
        this.cursor = push.seq;
      }
    }
    if (push.ev === 'GROUP_LIST_UPDATED' && !push.group) {
      this._membership(push.data);
    } else if (push.ev === 'sync_done' && isObject(push.data.groupCursors)) {
      // where the server now has each group: nothing at or below it will come
      for (const [groupID, value] of Object.entries(push.data.groupCursors)) {
        const seq = Number(value) || 0;
        if (seq > (this.groupCursors.get(groupID) ?? -1)) this.groupCursors.set(groupID, seq);
      }
    }
    if (push.ev === 'MESSAGE_RECEIVED') {
      const m = isObject(push.data.message) ? push.data.message : {};
      const id = m.ID === undefined || m.ID === null ? '' : String(m.ID);
      if (id && !this.remember(id)) return false;
      if (m.from === this.userID && this.ownSends.has(Number(m.random))) return false;
    }
    return true;
  }

  /**
   * Follow the user-stream membership events: a joined group's stream starts
   * at `joinSeq`; a group left is forgotten.
   * @private
   * @param {Record<string, any>} data
   */
  _membership(data) {
    const groupID = String(data.groupID ?? '');
    const change = data.change;
    if (change === 'joined' && groupID && !this.groupCursors.has(groupID)) {
      this.groupCursors.set(groupID, Number(data.joinSeq) || 0);
    } else if (change === 'quit' || change === 'kicked' || change === 'dismissed') {
      this.groupCursors.delete(groupID);
      this.avRooms.delete(groupID);
    }
  }
}
