/**
 * @template T
 * @typedef {import('./types.js').ChatResponse<T>} ChatResponse
 */
/** @typedef {import('./session.js').Session} Session */
/** @typedef {{code: number, key: string, value: string}} ExtensionResult */
export class MessageExtrasAPI extends MessageOpsAPI {
    /**
     * Set (or add) up to 20 `{key, value}` extensions of a message sent with
     * `isSupportExtension`. Resolves `{code: 0, data: {extensions: [{code, key,
     * value}]}}`: code 0 written, 23001 someone changed the key first (`value` is
     * it now; set it again to overwrite). Everyone in the conversation gets
     * MESSAGE_EXTENSIONS_UPDATED.
     *
     * Rejects: 6017 a message without `isSupportExtension`, no or more than 20
     * extensions, a key of 0 or over 100 bytes, a value of 0 or over 1 KB, over
     * 300 keys; 20026 no such message, or recalled; 10007 a group I am not in.
     * @param {Message} message
     * @param {{key: string, value: string}[]} extensions
     * @returns {Promise<ChatResponse<{extensions: ExtensionResult[]}>>}
     */
    setMessageExtensions(message: Message, extensions: {
        key: string;
        value: string;
    }[]): Promise<ChatResponse<{
        extensions: ExtensionResult[];
    }>>;
    /**
     * The extensions of a message: resolves `{code: 0, data: {extensions: [{key,
     * value}]}}` (rejects as setMessageExtensions).
     * @param {Message} message
     * @returns {Promise<ChatResponse<{extensions: {key: string, value: string}[]}>>}
     */
    getMessageExtensions(message: Message): Promise<ChatResponse<{
        extensions: {
            key: string;
            value: string;
        }[];
    }>>;
    /**
     * Delete the extensions `keyList` of a message (none: all of them); resolves
     * as setMessageExtensions. The others get MESSAGE_EXTENSIONS_DELETED.
     * @param {Message} message
     * @param {string[]} [keyList]
     * @returns {Promise<ChatResponse<{extensions: ExtensionResult[]}>>}
     */
    deleteMessageExtensions(message: Message, keyList?: string[]): Promise<ChatResponse<{
        extensions: ExtensionResult[];
    }>>;
    /**
     * Pin (or unpin) a message of a group I own or administer (at most 10 pinned);
     * members online get PINNED_GROUP_MESSAGE_UPDATED. Resolves `{code: 0, data: {}}`.
     *
     * Rejects: 10007 not the owner or an admin; 10070 ten pinned already; 10071
     * pinned already; 20026 no such message; 10004 a live room; 10010 no group.
     * @param {{groupID: string, message: Message, isPinned: boolean}} options
     * @returns {Promise<ChatResponse<{}>>}
     */
    pinGroupMessage(options: {
        groupID: string;
        message: Message;
        isPinned: boolean;
    }): Promise<ChatResponse<{}>>;
    /**
     * The group's pinned messages, latest pin first, each with `pinnerInfo`
     * (`{userID}`). Resolves `{code: 0, data: {messageList}}`; rejects 10007 not a member.
     * @param {string} groupID
     * @returns {Promise<ChatResponse<{messageList: Message[]}>>}
     */
    getPinnedGroupMessageList(groupID: string): Promise<ChatResponse<{
        messageList: Message[];
    }>>;
    /**
     * @private
     * @param {Session} sess
     * @param {Message} message
     * @param {Record<string, any>} d
     * @returns {ExtensionResult[]}
     */
    private _noteResults;
}
export type ChatResponse<T> = import("./types.js").ChatResponse<T>;
export type Session = import("./session.js").Session;
export type ExtensionResult = {
    code: number;
    key: string;
    value: string;
};
import { MessageOpsAPI } from './message-ops.js';
import { Message } from './message.js';
