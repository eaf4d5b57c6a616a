/**
 * Palaver JavaScript SDK: `@tencentcloud/chat`'s API over Palaver's client
 * protocol (docs/protocol.md, version 1).
 *
 * Dependency-free native ES modules, no build step (this entry re-exports
 * the modules under `src/`):
 *
 *     import PalaverChat from '/sdk/palaver-chat.js';
 *     const chat = PalaverChat.create({SDKAppID: 1400000000});
 *     chat.on(PalaverChat.EVENT.MESSAGE_RECEIVED, ({data}) => console.log(data));
 *     await chat.login({userID: 'alice', userSig});
 *
 * Calls resolve `{code: 0, data}` and reject with a {@link ChatError}
 * `{code, message}`, as Tencent's do. Listeners get `{name, data}`.
 *
 * How it works (the same logic as the Python SDK, `palaver.client`, and its
 * sans-I/O core `palaver.protocol.client.ClientSession`):
 *
 * - One WebSocket at a time. Requests carry an integer `id` (unique per
 *   session); responses are matched by it; a lost connection rejects the
 *   requests in flight with 2800, an unanswered one times out with 2801.
 * - Every stored event the server pushes has a `seq` in the user's event
 *   stream. The SDK keeps the last one it processed (the *cursor*) across
 *   reconnects and sends it in `login`, so the server replays exactly what was
 *   missed. Pushes at or below the cursor are dropped (already processed).
 * - Each group is a stream of its own (pushes with `stream: "GROUP<id>"`,
 *   docs/protocol.md §8.1): the SDK keeps a cursor per group, sends them as
 *   `groupCursors` when it logs in again, starts a group's cursor at the
 *   `joinSeq` of the membership event that says I joined, and forgets it when
 *   I leave. Group messages are encoded once for all members: the SDK sets
 *   `flow: 'out'` on mine. AVChatRooms are joined again after a reconnect.
 * - Messages are also dropped when their `ID` was seen already, and when they
 *   are the echo of a send made from this device (recognised by `random` while
 *   the send is in flight, by `ID` after it was answered): the sender's copy is
 *   the Message object `sendMessage` updated.
 * - Pushes are handled one at a time, in order, by a queue (the *pump*): it
 *   keeps the conversation list, marks messages revoked or read, refetches what
 *   an event says changed, and emits Tencent's events.
 * - After an unexpected disconnect the SDK reconnects by itself with
 *   exponential backoff and logs in again with the kept cursor. Logout and a
 *   kick (close code 4001) end the session instead.
 *
 * The SDK does no DOM work and never interprets message content: text is a
 * plain string for the app to render as text.
 *
 * The modules: `src/constants.js` (EVENT, TYPES, ERROR_CODE), `src/errors.js`
 * (ChatError), `src/message.js` (Message, message bodies), `src/protocol.js`
 * (the sans-I/O protocol session: cursors, duplicates), `src/conversation-list.js`
 * (the sans-I/O conversation list), `src/core.js` < `src/pump.js` <
 * `src/session.js` < `src/messages.js` < `src/message-reads.js` <
 * `src/conversations.js` < `src/relations.js` < `src/groups.js` < `src/chat.js`
 * (the SDK's class, one layer per area), `src/types.js` (the shapes, types
 * only). The `.d.ts` files are generated from their JSDoc by `tsc`
 * (`make sdk-types`).
 *
 * @module palaver-chat
 */

export {default} from './src/chat.js';
export {ERROR_CODE, EVENT, TYPES} from './src/constants.js';
export {ChatError} from './src/errors.js';
export {Message} from './src/message.js';

/** @typedef {import('./src/types.js').EventName} EventName */
/** @typedef {import('./src/types.js').ConversationType} ConversationType */
/** @typedef {import('./src/types.js').MessageType} MessageType */
/** @typedef {import('./src/types.js').GroupType} GroupType */
/** @typedef {import('./src/types.js').GroupRole} GroupRole */
/** @typedef {import('./src/types.js').JoinOption} JoinOption */
/** @typedef {import('./src/types.js').JoinStatus} JoinStatus */
/** @typedef {import('./src/types.js').MessageStatus} MessageStatus */
/** @typedef {import('./src/types.js').NetState} NetState */
/** @typedef {import('./src/types.js').KickedOutType} KickedOutType */
/** @typedef {import('./src/types.js').MsgElement} MsgElement */
/** @typedef {import('./src/types.js').TextPayload} TextPayload */
/** @typedef {import('./src/types.js').TextAtPayload} TextAtPayload */
/** @typedef {import('./src/types.js').GroupTipPayload} GroupTipPayload */
/** @typedef {import('./src/types.js').FacePayload} FacePayload */
/** @typedef {import('./src/types.js').LocationPayload} LocationPayload */
/** @typedef {import('./src/types.js').CustomPayload} CustomPayload */
/** @typedef {import('./src/types.js').ImageInfo} ImageInfo */
/** @typedef {import('./src/types.js').ImagePayload} ImagePayload */
/** @typedef {import('./src/types.js').FilePayload} FilePayload */
/** @typedef {import('./src/types.js').AudioPayload} AudioPayload */
/** @typedef {import('./src/types.js').VideoPayload} VideoPayload */
/** @typedef {import('./src/types.js').LastMessage} LastMessage */
/** @typedef {import('./src/types.js').Profile} Profile */
/** @typedef {import('./src/types.js').Conversation} Conversation */
/** @typedef {import('./src/types.js').GroupAtInfo} GroupAtInfo */
/** @typedef {import('./src/types.js').Group} Group */
/** @typedef {import('./src/types.js').GroupMember} GroupMember */
/** @typedef {import('./src/types.js').GroupApplication} GroupApplication */
/** @typedef {import('./src/types.js').GroupApplicationList} GroupApplicationList */
/** @typedef {import('./src/types.js').ReadReceipts} ReadReceipts */
/** @typedef {import('./src/types.js').CreateGroupOptions} CreateGroupOptions */
/** @typedef {import('./src/types.js').UpdateGroupOptions} UpdateGroupOptions */
/** @typedef {import('./src/types.js').Friend} Friend */
/** @typedef {import('./src/types.js').FriendApplication} FriendApplication */
/** @typedef {import('./src/types.js').FriendApplicationList} FriendApplicationList */
/** @typedef {import('./src/types.js').ReadByPeer} ReadByPeer */
/** @typedef {import('./src/types.js').UserIDResult} UserIDResult */
/** @typedef {import('./src/types.js').CheckFriendResult} CheckFriendResult */
/** @typedef {import('./src/types.js').EventData} EventData */
/** @typedef {import('./src/types.js').CreateOptions} CreateOptions */
/** @typedef {import('./src/types.js').LoginData} LoginData */
/** @typedef {import('./src/types.js').ProfileUpdate} ProfileUpdate */
/**
 * @template T
 * @typedef {import('./src/types.js').ChatResponse<T>} ChatResponse
 */
/**
 * @template P
 * @typedef {import('./src/types.js').MessageOptions<P>} MessageOptions
 */
/**
 * @template {string} E
 * @typedef {import('./src/types.js').Listener<E>} Listener
 */
