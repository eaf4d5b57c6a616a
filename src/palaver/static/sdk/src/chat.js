/**
 * {@link PalaverChat}: the SDK's class, `TencentCloudChat` for a Palaver server.
 *
 * @module palaver-chat/chat
 */

import {ERROR_CODE, EVENT, TYPES} from './constants.js';
import {ForwardingAPI} from './forwarding.js';

/** @typedef {import('./types.js').CreateOptions} CreateOptions */

/**
 * A chat client for one user: `TencentCloudChat` for a Palaver server.
 * Make one with {@link PalaverChat.create}. Its calls come from a stack of
 * classes, one per area of `@tencentcloud/chat` (see core.js): sessions and
 * events, messages, conversations, relations (profiles, friends, blacklist),
 * groups, search and the message features of issue 17 (edits, reactions,
 * extensions, pinned group messages).
 */
export default class PalaverChat extends ForwardingAPI {
  /**
   * Event names (Tencent's `TencentCloudChat.EVENT`: same names and values).
   * @readonly
   */
  static EVENT = EVENT;
  /**
   * Enumerated values (Tencent's `TencentCloudChat.TYPES`, plus `MSG_STATUS_*`).
   * @readonly
   */
  static TYPES = TYPES;
  /**
   * Error codes the SDK makes itself (the rest are the server's Tencent codes).
   * @readonly
   */
  static ERROR_CODE = ERROR_CODE;
  /** @readonly */
  static VERSION = '0.1.0';

  /**
   * A new SDK instance (`TencentCloudChat.create`). Unlike Tencent's, every call
   * makes a new instance, so one page can be several users. Throws ChatError
   * 6017 on bad options.
   *
   * Options: `SDKAppID` the app's SDKAppID; `server` the server's base URL
   * (`http(s)://host:port`, or a `ws(s)://host:port/ws` URL), default
   * `location.origin`; `platform` what the server calls this device ('Web';
   * under `login_policy` `multi_platform` one connection per platform is
   * allowed); `requestTimeout` ms a request may wait for its answer, including
   * for a lost connection to come back (15000); `heartbeatInterval` ms between
   * heartbeats (default: the server's `heartbeatInterval`); `reconnectDelay`
   * the backoff's first window in ms (500): a reconnect waits a uniformly
   * random time within it (full jitter: clients that lost one server together
   * do not come back together) and the window doubles after each failed
   * attempt; a busy server's `retryAfter` (70169, or an HTTP 503 to the
   * upgrade, learnt by a plain GET of the same URL) is waited out first, and
   * `login` itself tries again after it (up to 5 times); `reconnectMaxDelay`
   * the largest window in ms (15000);
   * `WebSocket` a WebSocket class (default: the global one).
   *
   * @param {CreateOptions} options
   * @returns {PalaverChat}
   */
  static create(options) {
    return new PalaverChat(options);
  }

  /** @param {CreateOptions} options see {@link PalaverChat.create} */
  constructor(options) {
    super(options === undefined ? /** @type {CreateOptions} */ ({}) : options);
  }
}
