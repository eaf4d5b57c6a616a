/**
 * A ChatError 6017 (invalid parameters), thrown before anything is sent.
 * @param {string} message
 * @returns {ChatError}
 */
export function invalid(message: string): ChatError;
/**
 * A failed call: `code` is a Tencent error code, `message` says why.
 * Server refusals carry the server's code (70001 UserSig expired, 70009 bad
 * signature, 70107 not imported, 20016 recall window passed...); the SDK's own
 * codes are in `PalaverChat.ERROR_CODE`.
 */
export class ChatError extends Error {
    /**
     * @param {number} code a Tencent error code (the server's, or `ERROR_CODE.*`)
     * @param {string} [message] why; `error <code>` by default
     * @param {number | null} [retryAfter] a busy server's hint, ms
     * @param {Record<string, any>} [data] what the failure carries (2480: `{message}`, the newest)
     */
    constructor(code: number, message?: string, retryAfter?: number | null, data?: Record<string, any>);
    /**
     * What the failure carries: for an edit that lost (2480), `{message}`, the
     * message at its newest version.
     * @type {Record<string, any>}
     */
    data: Record<string, any>;
    /**
     * Milliseconds a busy server (70169) asked the client to wait before it tries again.
     * @readonly
     * @type {number | null}
     */
    readonly retryAfter: number | null;
    /**
     * A Tencent error code (server codes, or `ERROR_CODE.*`).
     * @readonly
     * @type {number}
     */
    readonly code: number;
    /**
     * True for an expired UserSig (70001, or 6206 as native SDKs name it).
     * @returns {boolean}
     */
    get isUserSigExpired(): boolean;
    /** @returns {{code: number, message: string}} */
    toJSON(): {
        code: number;
        message: string;
    };
}
