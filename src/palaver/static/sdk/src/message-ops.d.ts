/**
 * @template T
 * @typedef {import('./types.js').ChatResponse<T>} ChatResponse
 */
/** Tencent's SDK code of an edit that lost to another (the server says 20027). */
export const MODIFY_CONFLICT: 2480;
export class MessageOpsAPI extends SearchAPI {
    /**
     * Save the edited `payload` (text, custom, location and face messages) and/or
     * `cloudCustomData` of a message of my conversations; any participant may
     * edit, as in Tencent's SDK. Resolves `{code: 0, data: {message}}` at its next
     * `version` (`isModified`); every device of both parties (every member in a
     * group), this one included, gets MESSAGE_MODIFIED once.
     *
     * Rejects: 2480 someone else edited it first: `err.data.message` is the
     * message at its newest version (edit again from there); 20026 no such
     * message, or recalled; 6017 another element type or not a sent message;
     * 10007 a group I am not in; 2481 a live room.
     * @param {Message} message
     * @returns {Promise<ChatResponse<{message: Message}>>}
     */
    modifyMessage(message: Message): Promise<ChatResponse<{
        message: Message;
    }>>;
    /**
     * Take an edit's result: the kept message (in order with the pushes) and
     * `message`; MESSAGE_MODIFIED once per version, answer or push first.
     * @private
     * @param {any} sess
     * @param {Message} message
     * @param {Record<string, any>} wire
     */
    private _applyEdit;
    /**
     * Delete up to 30 sent messages of one conversation for me only: they leave
     * my history, as every device fetches it (the other party and the other
     * members keep theirs). Resolves `{code: 0, data: {messageList}}`, each
     * `isDeleted`.
     *
     * Rejects: 6017 none, more than 30, several conversations or unsent
     * messages; 20026 a message not in that conversation; 10007 a group I am not in.
     * @param {Message[]} messageList
     * @returns {Promise<ChatResponse<{messageList: Message[]}>>}
     */
    deleteMessage(messageList: Message[]): Promise<ChatResponse<{
        messageList: Message[];
    }>>;
    /**
     * Clear my history of a conversation (it is read; the other party and the
     * other members keep theirs); the conversation leaves my list until its next
     * message. Resolves `{code: 0, data: {conversationID}}`.
     *
     * Rejects: 6017 a bad conversation ID; 10007 a group I am not in.
     * @param {string} conversationID
     * @returns {Promise<ChatResponse<{conversationID: string}>>}
     */
    clearHistoryMessage(conversationID: string): Promise<ChatResponse<{
        conversationID: string;
    }>>;
    /**
     * Read every conversation with unread messages (`scope`: `TYPES.READ_ALL_MSG`
     * (default), `READ_ALL_C2C_MSG` or `READ_ALL_GROUP_MSG`), each as
     * setMessageRead does. Resolves `{code: 0, data: {conversationIDList}}`.
     *
     * Rejects 6017: an unknown scope.
     * @param {{scope?: string}} [options]
     * @returns {Promise<ChatResponse<{conversationIDList: string[]}>>}
     */
    setAllMessageRead(options?: {
        scope?: string;
    }): Promise<ChatResponse<{
        conversationIDList: string[];
    }>>;
    /**
     * React to a message of my conversations; everyone in it online gets
     * MESSAGE_REACTIONS_UPDATED `{messageID, conversationID, reactionList}`.
     * Resolves `{code: 0, data: {}}`.
     *
     * Rejects: 6017 a bad reaction ID or a 21st kind; 20026 no such message, or
     * recalled; 10007 a group I am not in.
     * @param {Message} message
     * @param {string} reactionID
     * @returns {Promise<ChatResponse<{}>>}
     */
    addMessageReaction(message: Message, reactionID: string): Promise<ChatResponse<{}>>;
    /**
     * Take back my reaction (rejects as addMessageReaction).
     * @param {Message} message
     * @param {string} reactionID
     * @returns {Promise<ChatResponse<{}>>}
     */
    removeMessageReaction(message: Message, reactionID: string): Promise<ChatResponse<{}>>;
    /**
     * The reactions of up to 20 messages of one conversation. Resolves
     * `{code: 0, data: {resultList: [{messageID, reactionList: [{reactionID,
     * totalUserCount, partialUserList: [{userID}], reactedByMyself}]}]}}`.
     * @param {{messageList: Message[], maxUserCountPerReaction?: number}} options
     * @returns {Promise<ChatResponse<{resultList: any[]}>>}
     */
    getMessageReactions(options: {
        messageList: Message[];
        maxUserCountPerReaction?: number;
    }): Promise<ChatResponse<{
        resultList: any[];
    }>>;
    /**
     * A page of the users of one reaction, in the order they reacted. Resolves
     * `{code: 0, data: {userList: [{userID}], nextSeq, isCompleted}}`.
     * @param {{message: Message, reactionID: string, nextSeq?: number, count?: number}} options
     * @returns {Promise<ChatResponse<{userList: any[], nextSeq: number, isCompleted: boolean}>>}
     */
    getAllUserListOfMessageReaction(options: {
        message: Message;
        reactionID: string;
        nextSeq?: number;
        count?: number;
    }): Promise<ChatResponse<{
        userList: any[];
        nextSeq: number;
        isCompleted: boolean;
    }>>;
    /**
     * @private
     * @param {string} op
     * @param {Message} message
     * @param {string} reactionID
     */
    private _reactionCall;
    /**
     * An unsent copy of `payload` (a message of any type; media by their URLs) for
     * `to` (Tencent's createForwardMessage); send it with sendMessage. Throws
     * ChatError 6017 on bad options or a message with no content.
     * @param {{to: string, conversationType?: string, payload: Message, cloudCustomData?: string}} options
     * @returns {Message}
     */
    createForwardMessage(options: {
        to: string;
        conversationType?: string;
        payload: Message;
        cloudCustomData?: string;
    }): Message;
}
export type ChatResponse<T> = import("./types.js").ChatResponse<T>;
import { SearchAPI } from './search.js';
import { Message } from './message.js';
