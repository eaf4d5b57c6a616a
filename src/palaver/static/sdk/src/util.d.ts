/**
 * Whether `value` is a plain object (not null, not an array).
 * @param {unknown} value
 * @returns {value is Record<string, any>}
 */
export function isObject(value: unknown): value is Record<string, any>;
/**
 * A random unsigned 32-bit integer (crypto when there is one).
 * @returns {number}
 */
export function uint32(): number;
/**
 * The time in unix seconds.
 * @returns {number}
 */
export function nowSeconds(): number;
/**
 * A promise with its resolve/reject functions.
 * @template [T=void]
 * @returns {{promise: Promise<T>, resolve: (value: T) => void, reject: (reason?: any) => void}}
 */
export function deferred<T = void>(): {
    promise: Promise<T>;
    resolve: (value: T) => void;
    reject: (reason?: any) => void;
};
/**
 * The groupID of a group stream name (`GROUP<id>`), or '' for the user stream.
 * @param {unknown} stream
 * @returns {string}
 */
export function groupOfStream(stream: unknown): string;
/**
 * The groupID of a `GROUP<id>` conversation ID, or ''.
 * @param {unknown} conversationID
 * @returns {string}
 */
export function groupOfConversation(conversationID: unknown): string;
/**
 * `ws(s)://host/ws` from an `http(s)://host` base URL (a `ws(s)://` URL is kept).
 * @param {string} server
 * @returns {string}
 */
export function wsUrl(server: string): string;
