/** Conversation calls of a `PalaverChat`. */
export class ConversationAPI extends MessageReadAPI {
    /**
     * My conversations from the server, pinned first then newest first (the
     * SDK's own list is refreshed with it, emitting CONVERSATION_LIST_UPDATED if
     * it changed). As Tencent's: an array of conversationIDs picks those; a
     * filter `{type?, markType?, groupName?, hasUnreadCount?, hasGroupAtInfo?}`
     * keeps those that pass it (`markType` 0: unmarked; `groupName` '': in no
     * conversation group). Resolves `{code: 0, data: {conversationList, isSyncCompleted: true}}`.
     * @param {string[] | ConversationFilter} [options]
     * @returns {Promise<ChatResponse<{conversationList: Conversation[], isSyncCompleted: boolean}>>}
     */
    getConversationList(options?: string[] | ConversationFilter): Promise<ChatResponse<{
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
    /**
     * Ask the server, then refresh the list (emitting what changed).
     * @private
     * @param {string} op
     * @param {Record<string, unknown>} data
     * @returns {Promise<Record<string, any>>}
     */
    private _convChange;
    /**
     * Do-not-disturb (`TYPES.MSG_REMIND_*`) of C2C conversations
     * (`{userIDList, messageRemindType}`) or of a group (`{groupID,
     * messageRemindType}`). A muted conversation keeps its unread count but leaves
     * the total. Resolves `{code: 0, data: {successUserIDList, failureUserIDList}}`
     * (C2C) or `{code: 0, data: {}}`; rejects 50002 (a bad type), 10007 / 10010
     * (group: not a member / no such group).
     * @param {{userIDList?: string[], groupID?: string, messageRemindType: string}} options
     * @returns {Promise<ChatResponse<Record<string, any>>>}
     */
    setMessageRemindType(options: {
        userIDList?: string[];
        groupID?: string;
        messageRemindType: string;
    }): Promise<ChatResponse<Record<string, any>>>;
    /**
     * Keep a draft of a conversation on the server (`''` clears it); every device
     * sees it as `draftText`. Rejects 50002 for a conversation I do not have.
     * @param {{conversationID: string, draftText: string}} options
     * @returns {Promise<ChatResponse<{conversationID: string}>>}
     */
    setConversationDraft(options: {
        conversationID: string;
        draftText: string;
    }): Promise<ChatResponse<{
        conversationID: string;
    }>>;
    /**
     * Set my custom data (at most 256 bytes) of conversations. Rejects 50002.
     * @param {{conversationIDList: string[], customData: string}} options
     * @returns {Promise<ChatResponse<{successConversationIDList: string[], failureConversationIDList: unknown[]}>>}
     */
    setConversationCustomData(options: {
        conversationIDList: string[];
        customData: string;
    }): Promise<ChatResponse<{
        successConversationIDList: string[];
        failureConversationIDList: unknown[];
    }>>;
    /**
     * Set (`enableMark`) or clear a mark (`TYPES.CONV_MARK_TYPE_*`) on conversations. Rejects 50002.
     * @param {{conversationIDList: string[], markType: number, enableMark: boolean}} options
     * @returns {Promise<ChatResponse<{successConversationIDList: string[], failureConversationIDList: unknown[]}>>}
     */
    markConversation(options: {
        conversationIDList: string[];
        markType: number;
        enableMark: boolean;
    }): Promise<ChatResponse<{
        successConversationIDList: string[];
        failureConversationIDList: unknown[];
    }>>;
    /**
     * The names of my conversation groups.
     * @returns {Promise<ChatResponse<string[]>>}
     */
    getConversationGroupList(): Promise<ChatResponse<string[]>>;
    /**
     * A new conversation group holding conversations. Rejects 50002 (a bad or
     * taken name, a bad conversation) or 51008 (over 20 groups).
     * @param {{groupName: string, conversationIDList: string[]}} options
     * @returns {Promise<ChatResponse<{successConversationIDList: string[], failureConversationIDList: unknown[]}>>}
     */
    createConversationGroup(options: {
        groupName: string;
        conversationIDList: string[];
    }): Promise<ChatResponse<{
        successConversationIDList: string[];
        failureConversationIDList: unknown[];
    }>>;
    /**
     * Delete a conversation group (its conversations stay). Rejects 50002 if there is none.
     * @param {string} groupName
     * @returns {Promise<ChatResponse<{}>>}
     */
    deleteConversationGroup(groupName: string): Promise<ChatResponse<{}>>;
    /**
     * Rename a conversation group. Rejects 50002.
     * @param {{oldName: string, newName: string}} options
     * @returns {Promise<ChatResponse<{}>>}
     */
    renameConversationGroup(options: {
        oldName: string;
        newName: string;
    }): Promise<ChatResponse<{}>>;
    /**
     * Put conversations in a conversation group. Rejects 50002.
     * @param {{groupName: string, conversationIDList: string[]}} options
     * @returns {Promise<ChatResponse<{successConversationIDList: string[], failureConversationIDList: unknown[]}>>}
     */
    addConversationsToGroup(options: {
        groupName: string;
        conversationIDList: string[];
    }): Promise<ChatResponse<{
        successConversationIDList: string[];
        failureConversationIDList: unknown[];
    }>>;
    /**
     * Take conversations out of a conversation group. Rejects 50002.
     * @param {{groupName: string, conversationIDList: string[]}} options
     * @returns {Promise<ChatResponse<{successConversationIDList: string[], failureConversationIDList: unknown[]}>>}
     */
    deleteConversationsFromGroup(options: {
        groupName: string;
        conversationIDList: string[];
    }): Promise<ChatResponse<{
        successConversationIDList: string[];
        failureConversationIDList: unknown[];
    }>>;
}
export type ChatResponse<T> = import("./types.js").ChatResponse<T>;
export type Conversation = import("./types.js").Conversation;
/**
 * `getConversationList`'s filter (Tencent's).
 */
export type ConversationFilter = {
    type?: string;
    markType?: number;
    groupName?: string;
    hasUnreadCount?: boolean;
    hasGroupAtInfo?: boolean;
};
import { MessageReadAPI } from './message-reads.js';
