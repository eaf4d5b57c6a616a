/**
 * An empty conversation.
 * @param {string} conversationID
 * @param {string} type
 * @param {Record<string, any>} userProfile
 * @returns {Conversation}
 */
export function newConversation(conversationID: string, type: string, userProfile: Record<string, any>): Conversation;
/**
 * Do-not-disturb is on (`AcceptNotNotify` or `Discard`): the conversation keeps
 * its unread count but leaves the total, as in Tencent's SDK.
 * @param {Conversation} c
 * @returns {boolean}
 */
export function isMuted(c: Conversation): boolean;
/**
 * A conversation new to the list, from one of its messages (C2C: the peer; GROUP: the group).
 * @param {Message} m
 * @returns {Conversation}
 */
export function newConversationFor(m: Message): Conversation;
/**
 * What a user sees of a conversation, to tell whether the list changed.
 * @param {Conversation} c
 * @returns {unknown[]}
 */
export function conversationKey(c: Conversation): unknown[];
/**
 * A snapshot of a conversation in Tencent's shape: `lastMessage` is a copy of
 * the message with Tencent's `lastTime`, `lastSequence`, `fromAccount` and
 * `messageForShow` (the text, or a placeholder such as '[图片]' by type).
 * @param {Conversation} c
 * @returns {ConversationView}
 */
export function conversationView(c: Conversation): ConversationView;
export type Message = import("./message.js").Message;
export type ConversationView = import("./types.js").Conversation;
export type GroupAtInfo = import("./types.js").GroupAtInfo;
/**
 * A conversation as the list keeps it (events carry {@link conversationView} snapshots).
 */
export type Conversation = {
    conversationID: string;
    type: string;
    unreadCount: number;
    lastMessage: Message | null;
    isPinned: boolean;
    userProfile: Record<string, any>;
    groupProfile: Record<string, any> | null;
    groupAtInfoList: GroupAtInfo[];
    peerReadSequence: number;
    readSequence: number;
    messageRemindType: string;
    draftText: string;
    customData: string;
    markList: number[];
    conversationGroupList: string[];
};
