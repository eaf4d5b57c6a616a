/** The pump of a `PalaverChat` (see the module doc). */
export class ChatPump extends ChatCore {
    /**
     * Queue an item for the pump (a local change after the session stopped is
     * rejected with 6014).
     * @protected
     * @param {Session} sess
     * @param {PumpItem} item
     */
    protected _enqueue(sess: Session, item: PumpItem): void;
    /**
     * Handle queued pushes and local changes one at a time, in order; never dies on one item.
     * @private
     * @param {Session} sess
     */
    private _pump;
    /**
     * Have the pump run `fn` in order with pushes; its result.
     * @protected
     * @template T
     * @param {Session} sess
     * @param {() => Promise<T>} fn
     * @returns {Promise<T>}
     */
    protected _runLocal<T>(sess: Session, fn: () => Promise<T>): Promise<T>;
    /**
     * Run a step of the conversation list: emit what it emits, answer its calls
     * with requests of `sess` (a failed request is thrown into it). `retry`: a
     * request whose connection was lost is made again on the next one (see
     * `_sessionRequest`). Resolves the step's result.
     * @protected
     * @template T
     * @param {Session} sess
     * @param {Step<T>} step
     * @param {boolean} [retry]
     * @returns {Promise<T>}
     */
    protected _drive<T>(sess: Session, step: Step<T>, retry?: boolean): Promise<T>;
    /**
     * MESSAGE_EXTENSIONS_UPDATED / _DELETED: note each key's sequence, then emit.
     * @private
     * @param {Session} sess
     * @param {string} ev
     * @param {Record<string, any>} data
     */
    private _onExtensions;
    /**
     * A push other than MESSAGE_RECEIVED.
     * @private
     * @param {Session} sess
     * @param {{link: Link, push: Push}} item
     */
    private _onPush;
    /**
     * A read receipt, merged with the ones for the same conversation queued
     * right behind it (one refresh of the read counts answers them all).
     * @private
     * @param {Session} sess
     * @param {Record<string, any>} data
     * @returns {Record<string, any>}
     */
    private _mergeReceipts;
    /**
     * Refetch the list a push says changed and emit it (after GROUP_LIST_UPDATED
     * the conversation list too: a group conversation may have come or gone).
     * If that fails (the connection stayed down longer than the request
     * timeout), the push will not come again: the refetch is retried after the
     * next catch-up.
     * @private
     * @param {Session} sess
     * @param {string} ev
     */
    private _refetch;
    /**
     * Caught up after a login. The first time: fetch the conversation list, then
     * SDK_READY and the list and total; after a reconnect: refetch the list
     * (emitting only what changed) and join the AVChatRooms again (docs/protocol.md
     * §8.1). Then the login waiting in _connect goes on.
     * @private
     * @param {Session} sess
     * @param {Link} link
     */
    private _onSynced;
}
export type Session = import("./session.js").Session;
export type Link = import("./session.js").Link;
export type Push = import("./protocol.js").Push;
export type Step<T = void> = import("./conversation-list.js").Step<T>;
/**
 * An item of the pump's queue.
 */
export type PumpItem = {
    kind: "push";
    link: Link;
    push: Push;
} | {
    kind: "local";
    fn: () => Promise<any>;
    done: ReturnType<typeof deferred<any>>;
} | {
    kind: "end";
    events: Array<[string, any]>;
};
import { ChatCore } from './core.js';
import { deferred } from './util.js';
