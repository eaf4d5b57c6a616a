/**
 * @template T
 * @typedef {import('./types.js').ChatResponse<T>} ChatResponse
 */
/** @typedef {import('./message.js').Message} Message */
/** History and read calls of a `PalaverChat`. */
export class MessageReadAPI extends MessageAPI {
    /**
     * A page of a conversation's history, oldest first.
     *
     * Resolves `{code: 0, data: {messageList, nextReqMessageID, isCompleted}}`:
     * pass `nextReqMessageID` back for the page before (`''` when complete).
     * `count` is 1..15 (more is clamped to 15, as Tencent's SDK does).
     * Rejects 6017: a bad conversation ID, or a `nextReqMessageID` that is not a
     * message of this conversation.
     *
     * @param {{conversationID: string, nextReqMessageID?: string, count?: number}} options
     * @returns {Promise<ChatResponse<{messageList: Message[], nextReqMessageID: string, isCompleted: boolean}>>}
     */
    getMessageList(options: {
        conversationID: string;
        nextReqMessageID?: string;
        count?: number;
    }): Promise<ChatResponse<{
        messageList: Message[];
        nextReqMessageID: string;
        isCompleted: boolean;
    }>>;
    /**
     * Mark every message of a conversation read: its unread count becomes 0, my
     * other devices follow, and the peer gets MESSAGE_READ_BY_PEER. Rejects
     * 6017 on a bad conversation ID.
     * @param {{conversationID: string}} options
     * @returns {Promise<ChatResponse<Record<string, never>>>}
     */
    setMessageRead(options: {
        conversationID: string;
    }): Promise<ChatResponse<Record<string, never>>>;
    /**
     * Read counts of my group messages sent with `needReadReceipt` (all from one
     * conversation): each Message's `readReceiptInfo` becomes `{readCount,
     * unreadCount}`. Resolves `{code: 0, data: {messageList}}` (the same
     * objects). Rejects 6017 mixed conversations or unsent messages; 10007.
     * @param {Message[]} messageList
     * @returns {Promise<ChatResponse<{messageList: Message[]}>>}
     */
    getMessageReadReceiptList(messageList: Message[]): Promise<ChatResponse<{
        messageList: Message[];
    }>>;
    /**
     * Tell the senders I read these messages (all from one conversation; Tencent
     * `sendMessageReadReceipt`): the conversation is read up to the newest of
     * them, and senders who asked get MESSAGE_READ_RECEIPT_RECEIVED (group) or
     * MESSAGE_READ_BY_PEER (C2C). Resolves `{code: 0, data: {}}`. Rejects 6017
     * mixed conversations or unsent messages; 10007 not a member.
     * @param {Message[]} messageList
     * @returns {Promise<ChatResponse<Record<string, never>>>}
     */
    sendMessageReadReceipt(messageList: Message[]): Promise<ChatResponse<Record<string, never>>>;
    /**
     * Who read (`filter` 0) or has not read (`filter` 1) one of my group
     * messages, a page of `count` (≤ 100) from `cursor` (`''` first). Resolves
     * `{code: 0, data: {messageID, isCompleted, cursor, readUserIDList}}` (or
     * `unreadUserIDList` for filter 1); pass `cursor` back for the next page.
     * @param {{message: Message, filter: 0 | 1, cursor?: string, count?: number}} options
     * @returns {Promise<ChatResponse<{messageID: string, isCompleted: boolean, cursor: string, readUserIDList?: string[], unreadUserIDList?: string[]}>>}
     */
    getGroupMessageReadMemberList(options: {
        message: Message;
        filter: 0 | 1;
        cursor?: string;
        count?: number;
    }): Promise<ChatResponse<{
        messageID: string;
        isCompleted: boolean;
        cursor: string;
        readUserIDList?: string[];
        unreadUserIDList?: string[];
    }>>;
}
export type ChatResponse<T> = import("./types.js").ChatResponse<T>;
export type Message = import("./message.js").Message;
import { MessageAPI } from './messages.js';
