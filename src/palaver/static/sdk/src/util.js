/**
 * Small helpers of the SDK's modules (not exported by the package).
 *
 * @module palaver-chat/util
 */

import {UINT32} from './constants.js';

/**
 * Whether `value` is a plain object (not null, not an array).
 * @param {unknown} value
 * @returns {value is Record<string, any>}
 */
export function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A random unsigned 32-bit integer (crypto when there is one).
 * @returns {number}
 */
export function uint32() {
  const c = globalThis.crypto;
  if (c && typeof c.getRandomValues === 'function') return c.getRandomValues(new Uint32Array(1))[0];
  return Math.floor(Math.random() * UINT32);
}

/**
 * The time in unix seconds.
 * @returns {number}
 */
export function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}

/**
 * A promise with its resolve/reject functions.
 * @template [T=void]
 * @returns {{promise: Promise<T>, resolve: (value: T) => void, reject: (reason?: any) => void}}
 */
export function deferred() {
  /** @type {(value: T) => void} */
  let resolve = () => {};
  /** @type {(reason?: any) => void} */
  let reject = () => {};
  /** @type {Promise<T>} */
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {}); // a deferred nobody awaits must not be an unhandled rejection
  return {promise, resolve, reject};
}

/**
 * The groupID of a group stream name (`GROUP<id>`), or '' for the user stream.
 * @param {unknown} stream
 * @returns {string}
 */
export function groupOfStream(stream) {
  return typeof stream === 'string' && stream.startsWith('GROUP') ? stream.slice(5) : '';
}

/**
 * The groupID of a `GROUP<id>` conversation ID, or ''.
 * @param {unknown} conversationID
 * @returns {string}
 */
export function groupOfConversation(conversationID) {
  return typeof conversationID === 'string' && conversationID.startsWith('GROUP') ? conversationID.slice(5) : '';
}

/**
 * `ws(s)://host/ws` from an `http(s)://host` base URL (a `ws(s)://` URL is kept).
 * @param {string} server
 * @returns {string}
 */
export function wsUrl(server) {
  let url = String(server).replace(/\/+$/, '');
  if (url.startsWith('https://')) url = 'wss://' + url.slice(8);
  else if (url.startsWith('http://')) url = 'ws://' + url.slice(7);
  else if (!url.startsWith('ws://') && !url.startsWith('wss://')) url = 'ws://' + url;
  return url.endsWith('/ws') ? url : url + '/ws';
}
