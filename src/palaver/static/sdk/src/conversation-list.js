/**
 * The client's conversation list as a sans-I/O state machine: the twin of
 * Python's `palaver.client.conversation_list`.
 *
 * A {@link ConversationList} holds what one logged-in user sees: the
 * conversation list (pinned first, then newest first, with unread counts, last
 * messages, @-mentions and read positions) and the one {@link Message} object
 * kept per message ID (so a recall or a read receipt updates the object the
 * app holds). It decides how each server push, each answer and each change
 * made on this device moves that state, and which events it reports.
 *
 * It does no I/O: no sockets, no timers, no promises. Each operation is a
 * generator that yields *effects*:
 *
 * - `{emit, data}`: report the event `emit` (an `EVENT.*` value) now;
 * - `{call, data}`: make the request `call` (docs/protocol.md §5); the driver
 *   passes the answer's data back in with `next(data)`, or throws the
 *   ChatError it failed with into the generator;
 * - `{log}`: a debug line for the SDK's log (level 0).
 *
 * The SDK's pump drives these steps over its WebSocket (`_drive`);
 * `tests/js/conversation-list.test.mjs` drives them with the scripted answers
 * of the protocol corpus (`tests/corpus/*.json`), which pytest replays against
 * the Python twin.
 *
 * @module palaver-chat/conversation-list
 */

import {CACHED_MESSAGES, EVENT, TYPES} from './constants.js';
import {conversationKey, conversationView, isMuted, newConversation, newConversationFor} from './conversation.js';
import {Message, mergeKnown} from './message.js';
import {groupOfConversation, isObject} from './util.js';

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
  constructor(userID, liveRooms = new Set()) {
    this.userID = userID;
    /**
     * The list, pinned first, then by newest message.
     * @type {Conversation[]}
     */
    this.conversations = [];
    /**
     * One object per message ID, least recently used first (at most 5000).
     * @type {Map<string, Message>}
     */
    this.messages = new Map();
    this.liveRooms = liveRooms;
    /**
     * IDs this device is recalling: the echo of the recall is not reported.
     * @type {Set<string>}
     */
    this.ownRevokes = new Set();
    /**
     * Per kept message ID, the newest version this device was told of
     * (MESSAGE_MODIFIED) or first kept at: a later copy (a conversation fetched
     * after an edit) may update the message but not its report.
     * @type {Map<string, number>}
     */
    this.toldVersions = new Map();
    /** The session ended: only forced list events are reported. */
    this.closed = false;
    /** @type {string | null} */
    this.emittedListKey = null;
    /** @type {number | null} */
    this.emittedTotal = null;
  }

  // ------------------------------------------------------------ messages

  /**
   * The one object kept for a message ID, made or updated from a protocol
   * message object. A late copy (a page of history fetched before a recall was
   * pushed) never un-revokes or un-reads what the SDK knows.
   * @param {unknown} wire
   * @returns {Message}
   */
  internWire(wire) {
    const id = isObject(wire) && wire.ID !== undefined && wire.ID !== null ? String(wire.ID) : '';
    const known = id ? this.messages.get(id) : undefined;
    if (!known) return this.keep(this._ownFlow(Message._fromWire(wire)));
    const before = /** @type {Message} */ ({...known});
    known._update(wire);
    mergeKnown(known, before);
    return this.keep(this._ownFlow(known));
  }

  /**
   * Keep `msg` as the object for its ID (most recently used first to stay).
   * The app's own object (a message it sent) takes over from a copy.
   * @param {Message} msg
   * @returns {Message}
   */
  keep(msg) {
    if (!msg.ID) return msg;
    const known = this.messages.get(msg.ID);
    if (known !== undefined) {
      if (known !== msg) mergeKnown(msg, known);
      this.messages.delete(msg.ID);
    }
    this.messages.set(msg.ID, msg);
    if (!this.toldVersions.has(msg.ID)) this.toldVersions.set(msg.ID, msg.version);
    if (this.messages.size > CACHED_MESSAGES) {
      const gone = /** @type {string} */ (this.messages.keys().next().value);
      this.messages.delete(gone);
      this.toldVersions.delete(gone);
    }
    return msg;
  }

  /**
   * A conversation from its protocol object (its last message kept).
   * @param {Record<string, any>} wire
   * @returns {Conversation}
   */
  fromWire(wire) {
    const conv = newConversation(String(wire.conversationID || ''), String(wire.type || TYPES.CONV_C2C), {});
    conv.unreadCount = Number(wire.unreadCount) || 0;
    conv.isPinned = Boolean(wire.isPinned);
    conv.userProfile = isObject(wire.userProfile) ? wire.userProfile : {};
    conv.peerReadSequence = Number(wire.peerReadSequence) || 0;
    conv.readSequence = Number(wire.readSequence) || 0;
    if (isObject(wire.groupProfile)) conv.groupProfile = wire.groupProfile;
    if (Array.isArray(wire.groupAtInfoList)) conv.groupAtInfoList = wire.groupAtInfoList.filter(isObject);
    if (isObject(wire.lastMessage)) conv.lastMessage = this.internWire(wire.lastMessage);
    conv.messageRemindType = String(wire.messageRemindType || TYPES.MSG_REMIND_ACPT_AND_NOTE);
    conv.draftText = String(wire.draftText || '');
    conv.customData = String(wire.customData || '');
    conv.markList = Array.isArray(wire.markList) ? wire.markList.map(Number) : [];
    conv.conversationGroupList = Array.isArray(wire.conversationGroupList) ? wire.conversationGroupList.map(String) : [];
    return conv;
  }

  /**
   * The conversation with that ID, or undefined.
   * @param {string} conversationID
   * @returns {Conversation | undefined}
   */
  find(conversationID) {
    return this.conversations.find((c) => c.conversationID === conversationID);
  }

  /**
   * Snapshots of the list in Tencent's shape.
   * @returns {ConversationView[]}
   */
  views() {
    return this.conversations.map(conversationView);
  }

  /**
   * The sum of the unread counts, less muted conversations' (as Tencent's SDK).
   * @returns {number}
   */
  totalUnread() {
    return this.conversations.reduce((n, c) => (isMuted(c) ? n : n + c.unreadCount), 0);
  }

  // ------------------------------------------------------------- pushes

  /**
   * `MESSAGE_RECEIVED` pushes (protocol message objects, in order): report
   * them, fold each into its conversation (a conversation new to the list asks
   * the server for its profile), report what changed.
   * @param {unknown[]} wires
   * @returns {Step<Message[]>}
   */
  *received(wires) {
    const msgs = wires.map((w) => this.internWire(w));
    yield {emit: EVENT.MESSAGE_RECEIVED, data: msgs};
    for (const m of msgs) yield* this._fold(m);
    yield* this.emitChanges();
    return msgs;
  }

  /**
   * `MESSAGE_REVOKED` `{ID, conversationID, sequence, revoker}`.
   * @param {Record<string, any>} data
   * @returns {Step}
   */
  *revoked(data) {
    const id = String(data.ID ?? '');
    let msg = this.messages.get(id);
    if (!msg) {
      // not loaded here: a stand-in with what the push says (in C2C only the
      // sender recalls; in a group an admin may, so the sender stays unknown)
      const cid = String(data.conversationID || '');
      const revoker = String(data.revoker || '');
      const groupID = groupOfConversation(cid);
      const peer = cid.startsWith('C2C') ? cid.slice(3) : '';
      const out = !groupID && revoker === this.userID;
      msg = new Message({
        ID: id, conversationID: cid, conversationType: groupID ? TYPES.CONV_GROUP : TYPES.CONV_C2C,
        sequence: Number(data.sequence) || 0, status: 'success', from: groupID ? '' : revoker,
        to: groupID || (out ? peer : this.userID), flow: out ? 'out' : 'in',
      });
    }
    msg.isRevoked = true;
    msg.revoker = String(data.revoker || '');
    msg.revokerInfo = {userID: msg.revoker, nick: '', avatar: ''};
    const conv = this.find(msg.conversationID);
    if (conv && conv.lastMessage && conv.lastMessage.ID === id) conv.lastMessage.isRevoked = true;
    if (this.ownRevokes.has(id)) this.ownRevokes.delete(id); // this device's recall: its promise said so
    else yield {emit: EVENT.MESSAGE_REVOKED, data: [msg]};
    yield* this.emitChanges();
  }

  /**
   * `MESSAGE_MODIFIED` `{conversationID, modifier, message}` (or an edit's
   * answer): each version is reported once per device, whichever comes first;
   * the kept message takes the new state when it is a newer version. A copy
   * that came in between (a conversation's last message fetched after the
   * edit) updates the message but does not count as reported.
   * @param {Record<string, any>} data
   * @returns {Step}
   */
  *modified(data) {
    const wire = isObject(data.message) ? {...data.message} : {};
    const id = String(wire.ID ?? '');
    if (!id) return;
    const version = Number(wire.version) || 0;
    let msg = this.messages.get(id);
    if (msg) {
      if ((this.toldVersions.get(id) ?? msg.version) >= version) return;
      this.toldVersions.set(id, version);
    }
    // a group push is shaped for every member: keep my own flow and read state
    delete wire.flow;
    delete wire.isRead;
    delete wire.isPeerRead;
    if (!msg) msg = this.keep(this._ownFlow(Message._fromWire(wire)));
    else if (msg.version <= version) msg._update(wire);
    msg.isModified = true;
    const conv = this.find(msg.conversationID);
    const last = conv ? conv.lastMessage : null;
    if (last && last.ID === id && last !== msg) {
      if (last.version <= version) last._update(wire);
      last.isModified = true;
    }
    yield {emit: EVENT.MESSAGE_MODIFIED, data: [msg]};
    yield* this.emitChanges();
  }

  /**
   * `MESSAGE_READ_BY_PEER` `{conversationID, userID, readSequence, time}`: my
   * messages up to `readSequence` become `isPeerRead`.
   * @param {Record<string, any>} data
   * @returns {Step}
   */
  *readByPeer(data) {
    const cid = String(data.conversationID || '');
    const readSeq = Number(data.readSequence) || 0;
    /** @type {any} */
    const affected = [];
    for (const m of this.messages.values()) {
      if (m.conversationID === cid && m.flow === 'out' && m.sequence > 0 && m.sequence <= readSeq && !m.isPeerRead) {
        m.isPeerRead = true;
        affected.push(m);
      }
    }
    const conv = this.find(cid);
    if (conv) {
      conv.peerReadSequence = Math.max(conv.peerReadSequence, readSeq);
      const last = conv.lastMessage;
      if (last && last.flow === 'out' && last.sequence <= readSeq) last.isPeerRead = true;
    }
    // Tencent's data is the Message[]; what the receipt says rides along as properties
    affected.conversationID = cid;
    affected.userID = String(data.userID || '');
    affected.readSequence = readSeq;
    affected.time = Number(data.time) || 0;
    yield {emit: EVENT.MESSAGE_READ_BY_PEER, data: affected};
    yield* this.emitChanges();
  }

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
  *readReceipt(data) {
    const cid = String(data.conversationID || '');
    const groupID = String(data.groupID || groupOfConversation(cid));
    const readSeq = Number(data.readSequence) || 0;
    const mine = [...this.messages.values()].filter((m) => m.conversationID === cid && m.flow === 'out'
      && m.needReadReceipt && m.sequence > 0 && m.sequence <= readSeq);
    /** @type {any} */
    const out = [];
    if (mine.length) {
      const d = yield {call: 'getMessageReadReceiptList', data: {conversationID: cid, messageIDList: mine.map((m) => m.ID)}};
      for (const item of d.messageList || []) {
        const msg = this.messages.get(String(item.ID));
        const info = isObject(item.readReceiptInfo) ? item.readReceiptInfo : {};
        const readCount = Number(info.readCount) || 0;
        const unreadCount = Number(info.unreadCount) || 0;
        if (msg) msg.readReceiptInfo = {readCount, unreadCount};
        out.push({groupID, conversationID: cid, messageID: String(item.ID), readCount, unreadCount});
      }
    }
    out.conversationID = cid;
    out.groupID = groupID;
    out.userID = String(data.userID || '');
    out.readSequence = readSeq;
    yield {emit: EVENT.MESSAGE_READ_RECEIPT_RECEIVED, data: out};
  }

  /**
   * I read a conversation on another device (`CONVERSATION_READ`), up to
   * `readSeq`. When newer messages came meanwhile, the server says how many
   * are left unread.
   * @param {string} cid
   * @param {number} readSeq
   * @returns {Step}
   */
  *conversationRead(cid, readSeq) {
    this._markRead(cid, readSeq);
    const conv = this.find(cid);
    if (conv) conv.groupAtInfoList = conv.groupAtInfoList.filter((a) => a.messageSequence > readSeq);
    if (conv && conv.unreadCount) {
      const last = conv.lastMessage;
      if (!last || last.sequence <= readSeq) {
        conv.unreadCount = 0;
      } else {
        // newer messages arrived meanwhile: the server knows how many are left
        const d = yield {call: 'getConversationProfile', data: {conversationID: cid}};
        if (isObject(d.conversation)) conv.unreadCount = Number(d.conversation.unreadCount) || 0;
      }
    }
    yield* this.emitChanges();
  }

  /**
   * `PROFILE_UPDATED` `{userID, profile}`: the C2C conversation with that user
   * shows the new profile.
   * @param {Record<string, any>} data
   * @returns {Step}
   */
  *profileUpdated(data) {
    const profile = isObject(data.profile) ? {...data.profile} : {};
    const userID = String(data.userID || profile.userID || '');
    if (userID && !profile.userID) profile.userID = userID;
    for (const conv of this.conversations) {
      if (conv.type === TYPES.CONV_C2C && conv.conversationID === 'C2C' + userID) {
        conv.userProfile = {...conv.userProfile, ...profile};
      }
    }
    yield {emit: EVENT.PROFILE_UPDATED, data: [profile]};
    yield* this.emitChanges();
  }

  /**
   * Replace the list with the server's (`getConversationList`): after a login,
   * a reconnect, a pin or a delete; reports what changed if `emit`.
   * @param {boolean} [emit]
   * @returns {Step}
   */
  *refresh(emit = true) {
    const d = yield {call: 'getConversationList', data: null};
    this.conversations = (d.conversationList || []).map((/** @type {any} */ c) => this.fromWire(c));
    if (emit) yield* this.emitChanges();
  }

  // ------------------------------------------------------ local changes

  /**
   * This device sent `message` (stored: `sequence` > 0).
   * @param {Message} message
   * @returns {Step}
   */
  *sent(message) {
    yield* this._fold(message);
    yield* this.emitChanges();
  }

  /**
   * This device marked a whole conversation read: no unread, no mentions.
   * @param {string} cid
   * @returns {Step}
   */
  *readLocally(cid) {
    const conv = this.find(cid);
    if (conv) {
      conv.unreadCount = 0;
      conv.groupAtInfoList = [];
    }
    this._markRead(cid, null);
    yield* this.emitChanges();
  }

  /**
   * This device sent read receipts up to `upTo` (a message sequence): the
   * conversation is read that far.
   * @param {string} cid
   * @param {number} upTo
   * @returns {Step}
   */
  *readUpTo(cid, upTo) {
    this._markRead(cid, upTo);
    const conv = this.find(cid);
    if (conv) {
      conv.groupAtInfoList = conv.groupAtInfoList.filter((a) => a.messageSequence > upTo);
      if (!conv.lastMessage || conv.lastMessage.sequence <= upTo) conv.unreadCount = 0;
    }
    yield* this.emitChanges();
  }

  /**
   * This device recalled `kept` (the object kept for it, marked revoked).
   * @param {Message} kept
   * @returns {Step}
   */
  *revokedLocally(kept) {
    const conv = this.find(kept.conversationID);
    if (conv && conv.lastMessage && conv.lastMessage.ID === kept.ID) conv.lastMessage.isRevoked = true;
    yield* this.emitChanges();
  }

  /**
   * Report CONVERSATION_LIST_UPDATED / TOTAL_UNREAD_MESSAGE_COUNT_UPDATED for
   * what changed since they were last reported (each event carries a
   * snapshot); both when `force`.
   * @param {boolean} [force]
   * @returns {Step}
   */
  *emitChanges(force = false) {
    if (this.closed && !force) return;
    const key = JSON.stringify(this.conversations.map(conversationKey));
    if (force || key !== this.emittedListKey) {
      this.emittedListKey = key;
      yield {emit: EVENT.CONVERSATION_LIST_UPDATED, data: this.views()};
    }
    const total = this.totalUnread();
    if (force || total !== this.emittedTotal) {
      this.emittedTotal = total;
      yield {emit: EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, data: total};
    }
  }

  // ------------------------------------------------------------ folding

  /**
   * Fold a stored message into the list (fetching a new conversation).
   * @private
   * @param {Message} m
   * @returns {Step}
   */
  *_fold(m) {
    if (m.onlineOnly || !m.sequence) return;
    if (this.liveRooms.has(groupOfConversation(m.conversationID))) return; // live rooms have no conversation
    if (!this.find(m.conversationID)) this._place(yield* this._fetchConversation(m));
    this._applyMessage(m);
  }

  /**
   * A conversation new to the list, made from its first message here. Its
   * unread count stays local (one per incoming message folded in): the server
   * is asked only for the peer's profile and the pin, so messages it counted
   * while later ones arrived cannot be counted twice.
   * @private
   * @param {Message} m
   * @returns {Step<Conversation>}
   */
  *_fetchConversation(m) {
    const conv = newConversationFor(m);
    try {
      const d = yield {call: 'getConversationProfile', data: {conversationID: m.conversationID}};
      const fresh = isObject(d.conversation) ? d.conversation : {};
      if (isObject(fresh.userProfile)) conv.userProfile = fresh.userProfile;
      if (isObject(fresh.groupProfile)) conv.groupProfile = fresh.groupProfile;
      conv.isPinned = Boolean(fresh.isPinned);
      conv.peerReadSequence = Number(fresh.peerReadSequence) || 0;
      const settings = this.fromWire(fresh);
      conv.messageRemindType = settings.messageRemindType;
      conv.draftText = settings.draftText;
      conv.customData = settings.customData;
      conv.markList = settings.markList;
      conv.conversationGroupList = settings.conversationGroupList;
    } catch (err) {
      yield {log: `no profile for ${m.conversationID}: ${err instanceof Error ? err.message : err}`};
    }
    return conv;
  }

  /**
   * Make `m` its conversation's last message if it is newer (counting it unread
   * if incoming, and noting an @-mention of me or of everyone in a group).
   * @private
   * @param {Message} m
   */
  _applyMessage(m) {
    let conv = this.find(m.conversationID);
    if (!conv) {
      conv = newConversationFor(m);
      this._place(conv);
    }
    const last = conv.lastMessage;
    if (!last || m.sequence > last.sequence) {
      conv.lastMessage = m;
      // group tips and notices are shown, never counted (docs/protocol.md §8.4)
      if (m.flow === 'in' && !m.isRead && m.type !== TYPES.MSG_GRP_TIP && m.type !== TYPES.MSG_GRP_SYS_NOTICE) {
        conv.unreadCount += 1;
        const at = this._atInfo(m);
        if (at && !conv.groupAtInfoList.some((a) => a.messageSequence === m.sequence)) {
          conv.groupAtInfoList = [...conv.groupAtInfoList, at];
        }
      }
      this._place(conv);
    } else if (last.sequence === m.sequence && last.ID === m.ID) {
      conv.lastMessage = m;
    }
  }

  /**
   * Move (or add) `conv` to the top of its part (pinned ones first).
   * @private
   * @param {Conversation} conv
   */
  _place(conv) {
    const list = this.conversations;
    const i = list.indexOf(conv);
    if (i >= 0) list.splice(i, 1);
    let at = 0;
    if (!conv.isPinned) while (at < list.length && list[at].isPinned) at += 1;
    list.splice(at, 0, conv);
  }

  /**
   * Mark my kept incoming messages of a conversation read (up to `readSeq`; all if null).
   * @private
   * @param {string} cid
   * @param {number | null} readSeq
   */
  _markRead(cid, readSeq) {
    for (const m of this.messages.values()) {
      if (m.conversationID === cid && m.flow === 'in' && !m.isRead && (readSeq === null || m.sequence <= readSeq)) {
        m.isRead = true;
      }
    }
  }

  /**
   * A group message pushed to every member alike says `flow: "in"`
   * (docs/protocol.md §8.1): mine (from any of my devices) is `out`, and read.
   * @private
   * @param {Message} msg
   * @returns {Message}
   */
  _ownFlow(msg) {
    if (msg.conversationType === TYPES.CONV_GROUP && msg.from && msg.from === this.userID) {
      msg.flow = 'out';
      msg.isRead = true;
    }
    return msg;
  }

  /**
   * The `groupAtInfoList` entry an incoming group message makes (it
   * @-mentions me or everyone), or null.
   * @private
   * @param {Message} m
   * @returns {GroupAtInfo | null}
   */
  _atInfo(m) {
    if (m.conversationType !== TYPES.CONV_GROUP || !m.atUserList.length) return null;
    const me = m.atUserList.includes(this.userID);
    const all = m.atUserList.includes(TYPES.MSG_AT_ALL);
    if (!me && !all) return null;
    return {
      groupID: groupOfConversation(m.conversationID),
      from: m.from,
      messageSequence: m.sequence,
      atTypeArray: me && all ? [TYPES.CONV_AT_ME, TYPES.CONV_AT_ALL] : [me ? TYPES.CONV_AT_ME : TYPES.CONV_AT_ALL],
    };
  }
}
