/**
 * One REST `MsgBody` element from an SDK `type` and `payload`. Throws
 * ChatError 6017 for an unknown type or a payload that is not an object.
 * @param {string} type a `TYPES.MSG_*` element type
 * @param {unknown} payload the SDK's payload, e.g. `{text}`
 * @returns {MsgElement}
 */
export function payloadToElement(type: string, payload: unknown): MsgElement;
/**
 * Tencent's `OfflinePushInfo` (the protocol's `offlinePushInfo`) of a `sendMessage`
 * option. Throws 6017 when it is not an object or a text field is not a string.
 * @param {unknown} info
 * @returns {Record<string, unknown>}
 */
export function pushInfoToWire(info: unknown): Record<string, unknown>;
/**
 * Carry over to `msg` what `other` (an older view of the same message) knew and
 * `msg` does not: recalled, read by the peer, read by me only ever become true.
 * @param {Message} msg
 * @param {Message} other
 */
export function mergeKnown(msg: Message, other: Message): void;
/**
 * The payload of `options` whose URL is named `url`, with it renamed to
 * `field`. Throws 6017 if there is no payload object.
 * @param {unknown} options `{payload}`
 * @param {string} field
 * @returns {Record<string, any>}
 */
export function renameUrl(options: unknown, field: string): Record<string, any>;
/**
 * A group system notice sent to chosen members (REST
 * send_group_system_notification, push `GROUP_SYSTEM_NOTICE_RECEIVED`
 * `{groupID, content}`) as Tencent's SDK shows it to `userID`: a message of
 * type TIMGroupSystemNoticeElem in the `@TIM#SYSTEM` conversation.
 * @param {Record<string, any>} data the push's data
 * @param {string} userID the receiver (me)
 * @returns {Message}
 */
export function systemNotice(data: Record<string, any>, userID: string): Message;
/**
 * A message, with `@tencentcloud/chat`'s `Message` fields. The SDK keeps one
 * object per message ID and updates it in place (status after a send,
 * `isRevoked` after a recall, `isPeerRead` after a read receipt).
 */
export class Message {
    /**
     * A message from a protocol message object.
     * @protected
     * @param {unknown} wire a protocol message object
     * @returns {Message}
     */
    protected static _fromWire(wire: unknown): Message;
    /** @param {Partial<Message>} [init] fields to set */
    constructor(init?: Partial<Message>);
    /** Server message ID (opaque); before sending, a local `userID-time-random`. */
    ID: string;
    /** @type {MessageType} */
    type: MessageType;
    /**
     * The first element in the SDK's shape, e.g. `{text}`.
     * @type {Record<string, any>}
     */
    payload: Record<string, any>;
    conversationID: string;
    /** @type {ConversationType} */
    conversationType: ConversationType;
    to: string;
    from: string;
    /**
     * `'out'` (sent by this user, from any device) or `'in'`.
     * @type {'in' | 'out'}
     */
    flow: "in" | "out";
    /** Unix seconds (the server's, once sent). */
    time: number;
    clientTime: number;
    /** Position in the conversation (0 before sending and for online-only messages). */
    sequence: number;
    /** The client random that makes retries idempotent. */
    random: number;
    /**
     * `'unSend'`, `'success'` or `'fail'`.
     * @type {MessageStatus}
     */
    status: MessageStatus;
    /** @type {string} */
    priority: string;
    isRead: boolean;
    isPeerRead: boolean;
    isRevoked: boolean;
    revoker: string;
    /** @type {{userID: string, nick: string, avatar: string} | null} */
    revokerInfo: {
        userID: string;
        nick: string;
        avatar: string;
    } | null;
    revokeReason: string;
    isDeleted: boolean;
    isModified: boolean;
    /** Times edited (Tencent's `version`); an edit names the version it started from. */
    version: number;
    nick: string;
    avatar: string;
    nameCard: string;
    /**
     * Group messages: the mentioned userIDs (`TYPES.MSG_AT_ALL` for everyone).
     * @type {string[]}
     */
    atUserList: string[];
    cloudCustomData: string;
    needReadReceipt: boolean;
    /** Sent with `isSupportExtension`: it may carry key-value extensions (setMessageExtensions). */
    isSupportExtension: boolean;
    /**
     * The sender's `sendMessage` option `offlinePushInfo`, if it gave one.
     * @type {OfflinePushInfo | null}
     */
    offlinePushInfo: OfflinePushInfo | null;
    /**
     * A pinned group message (getPinnedGroupMessageList): who pinned it.
     * @type {{userID: string} | null}
     */
    pinnerInfo: {
        userID: string;
    } | null;
    /** Group messages with `needReadReceipt`, sent by me: how many members read it (see getMessageReadReceiptList). */
    readReceiptInfo: {
        readCount: number;
        unreadCount: number;
    };
    /**
     * Palaver: every element in the REST shape (`[{MsgType, MsgContent}]`).
     * @type {MsgElement[]}
     */
    MsgBody: MsgElement[];
    /** Palaver: sent with `onlineUserOnly` (not stored). */
    onlineOnly: boolean;
    /**
     * Overwrite the fields a protocol message object (docs/protocol.md §7) carries.
     * @protected
     * @param {unknown} wire
     * @returns {this}
     */
    protected _update(wire: unknown): this;
}
export type MessageType = import("./types.js").MessageType;
export type ConversationType = import("./types.js").ConversationType;
export type MessageStatus = import("./types.js").MessageStatus;
export type MsgElement = import("./types.js").MsgElement;
export type OfflinePushInfo = import("./types.js").OfflinePushInfo;
