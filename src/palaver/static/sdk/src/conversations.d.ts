/**
 * @template T
 * @typedef {import('./types.js').ChatResponse<T>} ChatResponse
 */
/** @typedef {import('./types.js').Conversation} Conversation */
/** Conversation calls of a `PalaverChat`. */
export class ConversationAPI extends MessageAPI {
    /**
     * My conversations from the server, pinned first then newest first (the
     * SDK's own list is refreshed with it, emitting CONVERSATION_LIST_UPDATED if
     * it changed). Resolves `{code: 0, data: {conversationList, isSyncCompleted: true}}`.
     * @returns {Promise<ChatResponse<{conversationList: Conversation[], isSyncCompleted: boolean}>>}
     */
    getConversationList(): Promise<ChatResponse<{
        conversationList: Conversation[];
        isSyncCompleted: boolean;
    }>>;
    /**
     * One of my conversations: `{code: 0, data: {conversation}}`. Rejects 6017 if
     * I have none with that ID.
     * @param {string} conversationID
     * @returns {Promise<ChatResponse<{conversation: Conversation}>>}
     */
    getConversationProfile(conversationID: string): Promise<ChatResponse<{
        conversation: Conversation;
    }>>;
    /**
     * Delete a conversation (`'C2Cbob'`) or several (`{conversationIDList,
     * clearHistoryMessage?}`), with my copy of their history unless
     * `clearHistoryMessage` is false. Resolves `{code: 0, data: {conversationID}}`
     * (one) or `{code: 0, data: {conversationIDList}}` (several). Rejects 6017
     * on a bad ID.
     * @overload
     * @param {string} options one conversationID
     * @returns {Promise<ChatResponse<{conversationID: string}>>}
     */
    deleteConversation(options: string): Promise<ChatResponse<{
        conversationID: string;
    }>>;
    /**
     * @overload
     * @param {{conversationIDList: string[], clearHistoryMessage?: boolean}} options
     * @returns {Promise<ChatResponse<{conversationIDList: string[]}>>}
     */
    deleteConversation(options: {
        conversationIDList: string[];
        clearHistoryMessage?: boolean;
    }): Promise<ChatResponse<{
        conversationIDList: string[];
    }>>;
    /**
     * Pin or unpin a conversation (pinned ones list first). Resolves
     * `{code: 0, data: {conversationID}}`; rejects 6017 if there is no such
     * conversation.
     * @param {{conversationID: string, isPinned: boolean}} options
     * @returns {Promise<ChatResponse<{conversationID: string}>>}
     */
    pinConversation(options: {
        conversationID: string;
        isPinned: boolean;
    }): Promise<ChatResponse<{
        conversationID: string;
    }>>;
    /**
     * The sum of my conversations' unread counts, as the SDK keeps it (what the
     * last TOTAL_UNREAD_MESSAGE_COUNT_UPDATED said). A number, like Tencent's;
     * 0 when logged out.
     * @returns {number}
     */
    getTotalUnreadMessageCount(): number;
}
export type ChatResponse<T> = import("./types.js").ChatResponse<T>;
export type Conversation = import("./types.js").Conversation;
import { MessageAPI } from './messages.js';
