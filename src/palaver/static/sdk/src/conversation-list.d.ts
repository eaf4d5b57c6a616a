/** @typedef {import('./types.js').Conversation} ConversationView */
/** @typedef {import('./conversation.js').Conversation} Conversation */
/** @typedef {import('./types.js').GroupAtInfo} GroupAtInfo */
/**
 * An effect: an event to report, or a request to make.
 * @typedef {{emit: string, data: any} | {call: string, data: Record<string, any> | null} | {log: string}} Effect
 */
/**
 * A step of the state machine: yields effects, gets answers, returns a `T`.
 * @template [T=void]
 * @typedef {Generator<Effect, T, any>} Step
 */
/** The conversation list and message objects of one login, sans-I/O. */
export class ConversationList {
    /**
     * @param {string} userID the logged-in user (mentions of me, my group messages)
     * @param {Set<string>} [liveRooms] IDs of the AVChatRooms joined on this
     *   device (shared with the protocol session): their messages make no conversation
     */
    constructor(userID: string, liveRooms?: Set<string>);
    userID: string;
    /**
     * The list, pinned first, then by newest message.
     * @type {Conversation[]}
     */
    conversations: Conversation[];
    /**
     * One object per message ID, least recently used first (at most 5000).
     * @type {Map<string, Message>}
     */
    messages: Map<string, Message>;
    liveRooms: Set<string>;
    /**
     * IDs this device is recalling: the echo of the recall is not reported.
     * @type {Set<string>}
     */
    ownRevokes: Set<string>;
    /**
     * Per kept message ID, the newest version this device was told of
     * (MESSAGE_MODIFIED) or first kept at: a later copy (a conversation fetched
     * after an edit) may update the message but not its report.
     * @type {Map<string, number>}
     */
    toldVersions: Map<string, number>;
    /** The session ended: only forced list events are reported. */
    closed: boolean;
    /** @type {string | null} */
    emittedListKey: string | null;
    /** @type {number | null} */
    emittedTotal: number | null;
    /**
     * The one object kept for a message ID, made or updated from a protocol
     * message object. A late copy (a page of history fetched before a recall was
     * pushed) never un-revokes or un-reads what the SDK knows.
     * @param {unknown} wire
     * @returns {Message}
     */
    internWire(wire: unknown): Message;
    /**
     * Keep `msg` as the object for its ID (most recently used first to stay).
     * The app's own object (a message it sent) takes over from a copy.
     * @param {Message} msg
     * @returns {Message}
     */
    keep(msg: Message): Message;
    /**
     * A conversation from its protocol object (its last message kept).
     * @param {Record<string, any>} wire
     * @returns {Conversation}
     */
    fromWire(wire: Record<string, any>): Conversation;
    /**
     * The conversation with that ID, or undefined.
     * @param {string} conversationID
     * @returns {Conversation | undefined}
     */
    find(conversationID: string): Conversation | undefined;
    /**
     * Snapshots of the list in Tencent's shape.
     * @returns {ConversationView[]}
     */
    views(): ConversationView[];
    /**
     * The sum of the unread counts, less muted conversations' (as Tencent's SDK).
     * @returns {number}
     */
    totalUnread(): number;
    /**
     * `MESSAGE_RECEIVED` pushes (protocol message objects, in order): report
     * them, fold each into its conversation (a conversation new to the list asks
     * the server for its profile), report what changed.
     * @param {unknown[]} wires
     * @returns {Step<Message[]>}
     */
    received(wires: unknown[]): Step<Message[]>;
    /**
     * `MESSAGE_REVOKED` `{ID, conversationID, sequence, revoker}`.
     * @param {Record<string, any>} data
     * @returns {Step}
     */
    revoked(data: Record<string, any>): Step;
    /**
     * `MESSAGE_MODIFIED` `{conversationID, modifier, message}` (or an edit's
     * answer): each version is reported once per device, whichever comes first;
     * the kept message takes the new state when it is a newer version. A copy
     * that came in between (a conversation's last message fetched after the
     * edit) updates the message but does not count as reported.
     * @param {Record<string, any>} data
     * @returns {Step}
     */
    modified(data: Record<string, any>): Step;
    /**
     * `MESSAGE_READ_BY_PEER` `{conversationID, userID, readSequence, time}`: my
     * messages up to `readSequence` become `isPeerRead`.
     * @param {Record<string, any>} data
     * @returns {Step}
     */
    readByPeer(data: Record<string, any>): Step;
    /**
     * `MESSAGE_READ_RECEIPT_RECEIVED` `{groupID, conversationID, userID,
     * readSequence}`: a member read my group messages up to `readSequence`.
     * Refresh the read counts of the kept ones that asked for receipts and
     * report `[{groupID, conversationID, messageID, readCount, unreadCount}]`
     * (the array also carries `conversationID`, `groupID`, `userID` (the
     * reader) and `readSequence`).
     * @param {Record<string, any>} data
     * @returns {Step}
     */
    readReceipt(data: Record<string, any>): Step;
    /**
     * I read a conversation on another device (`CONVERSATION_READ`), up to
     * `readSeq`. When newer messages came meanwhile, the server says how many
     * are left unread.
     * @param {string} cid
     * @param {number} readSeq
     * @returns {Step}
     */
    conversationRead(cid: string, readSeq: number): Step;
    /**
     * `PROFILE_UPDATED` `{userID, profile}`: the C2C conversation with that user
     * shows the new profile.
     * @param {Record<string, any>} data
     * @returns {Step}
     */
    profileUpdated(data: Record<string, any>): Step;
    /**
     * Replace the list with the server's (`getConversationList`): after a login,
     * a reconnect, a pin or a delete; reports what changed if `emit`.
     * @param {boolean} [emit]
     * @returns {Step}
     */
    refresh(emit?: boolean): Step;
    /**
     * This device sent `message` (stored: `sequence` > 0).
     * @param {Message} message
     * @returns {Step}
     */
    sent(message: Message): Step;
    /**
     * This device marked a whole conversation read: no unread, no mentions.
     * @param {string} cid
     * @returns {Step}
     */
    readLocally(cid: string): Step;
    /**
     * This device sent read receipts up to `upTo` (a message sequence): the
     * conversation is read that far.
     * @param {string} cid
     * @param {number} upTo
     * @returns {Step}
     */
    readUpTo(cid: string, upTo: number): Step;
    /**
     * This device recalled `kept` (the object kept for it, marked revoked).
     * @param {Message} kept
     * @returns {Step}
     */
    revokedLocally(kept: Message): Step;
    /**
     * Report CONVERSATION_LIST_UPDATED / TOTAL_UNREAD_MESSAGE_COUNT_UPDATED for
     * what changed since they were last reported (each event carries a
     * snapshot); both when `force`.
     * @param {boolean} [force]
     * @returns {Step}
     */
    emitChanges(force?: boolean): Step;
    /**
     * Fold a stored message into the list (fetching a new conversation).
     * @private
     * @param {Message} m
     * @returns {Step}
     */
    private _fold;
    /**
     * A conversation new to the list, made from its first message here. Its
     * unread count stays local (one per incoming message folded in): the server
     * is asked only for the peer's profile and the pin, so messages it counted
     * while later ones arrived cannot be counted twice.
     * @private
     * @param {Message} m
     * @returns {Step<Conversation>}
     */
    private _fetchConversation;
    /**
     * Make `m` its conversation's last message if it is newer (counting it unread
     * if incoming, and noting an @-mention of me or of everyone in a group).
     * @private
     * @param {Message} m
     */
    private _applyMessage;
    /**
     * Move (or add) `conv` to the top of its part (pinned ones first).
     * @private
     * @param {Conversation} conv
     */
    private _place;
    /**
     * Mark my kept incoming messages of a conversation read (up to `readSeq`; all if null).
     * @private
     * @param {string} cid
     * @param {number | null} readSeq
     */
    private _markRead;
    /**
     * A group message pushed to every member alike says `flow: "in"`
     * (docs/protocol.md §8.1): mine (from any of my devices) is `out`, and read.
     * @private
     * @param {Message} msg
     * @returns {Message}
     */
    private _ownFlow;
    /**
     * The `groupAtInfoList` entry an incoming group message makes (it
     * @-mentions me or everyone), or null.
     * @private
     * @param {Message} m
     * @returns {GroupAtInfo | null}
     */
    private _atInfo;
}
export type ConversationView = import("./types.js").Conversation;
export type Conversation = import("./conversation.js").Conversation;
export type GroupAtInfo = import("./types.js").GroupAtInfo;
/**
 * An effect: an event to report, or a request to make.
 */
export type Effect = {
    emit: string;
    data: any;
} | {
    call: string;
    data: Record<string, any> | null;
} | {
    log: string;
};
/**
 * A step of the state machine: yields effects, gets answers, returns a `T`.
 */
export type Step<T = void> = Generator<Effect, T, any>;
import { Message } from './message.js';
