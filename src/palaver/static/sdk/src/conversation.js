/**
 * A conversation as the conversation list keeps it, and its snapshot in
 * Tencent's shape (what events and calls hand out).
 *
 * @module palaver-chat/conversation
 */

import {TYPES} from './constants.js';
import {groupOfConversation} from './util.js';

/** @typedef {import('./message.js').Message} Message */
/** @typedef {import('./types.js').Conversation} ConversationView */
/** @typedef {import('./types.js').GroupAtInfo} GroupAtInfo */

/**
 * A conversation as the list keeps it (events carry {@link conversationView} snapshots).
 * @typedef {object} Conversation
 * @property {string} conversationID
 * @property {string} type
 * @property {number} unreadCount
 * @property {Message | null} lastMessage
 * @property {boolean} isPinned
 * @property {Record<string, any>} userProfile
 * @property {Record<string, any> | null} groupProfile
 * @property {GroupAtInfo[]} groupAtInfoList
 * @property {number} peerReadSequence
 * @property {number} readSequence
 * @property {string} messageRemindType
 * @property {string} draftText
 * @property {string} customData
 * @property {number[]} markList
 * @property {string[]} conversationGroupList
 */

/** What Tencent's `conversation.lastMessage.messageForShow` says for non-text messages. */
const MESSAGE_FOR_SHOW = /** @type {Record<string, string>} */ ({
  TIMFaceElem: '[动画表情]',
  TIMImageElem: '[图片]',
  TIMSoundElem: '[语音]',
  TIMVideoFileElem: '[视频]',
  TIMFileElem: '[文件]',
  TIMLocationElem: '[位置]',
  TIMCustomElem: '[自定义消息]',
  TIMRelayElem: '[聊天记录]',
  TIMGroupTipElem: '[群提示消息]',
  TIMGroupSystemNoticeElem: '[群系统通知]',
});

/**
 * An empty conversation.
 * @param {string} conversationID
 * @param {string} type
 * @param {Record<string, any>} userProfile
 * @returns {Conversation}
 */
export function newConversation(conversationID, type, userProfile) {
  return {
    conversationID,
    type,
    unreadCount: 0,
    lastMessage: null,
    isPinned: false,
    userProfile,
    groupProfile: null,
    groupAtInfoList: [],
    peerReadSequence: 0,
    readSequence: 0,
    messageRemindType: '',
    draftText: '',
    customData: '',
    markList: [],
    conversationGroupList: [],
  };
}

/**
 * Do-not-disturb is on (`AcceptNotNotify` or `Discard`): the conversation keeps
 * its unread count but leaves the total, as in Tencent's SDK.
 * @param {Conversation} c
 * @returns {boolean}
 */
export function isMuted(c) {
  return c.messageRemindType !== '' && c.messageRemindType !== TYPES.MSG_REMIND_ACPT_AND_NOTE;
}

/**
 * A conversation new to the list, from one of its messages (C2C: the peer; GROUP: the group).
 * @param {Message} m
 * @returns {Conversation}
 */
export function newConversationFor(m) {
  if (m.conversationType === TYPES.CONV_GROUP) {
    const conv = newConversation(m.conversationID, TYPES.CONV_GROUP, {});
    conv.groupProfile = {groupID: groupOfConversation(m.conversationID) || m.to};
    return conv;
  }
  return newConversation(m.conversationID, m.conversationType, {userID: m.flow === 'out' ? m.to : m.from});
}

/**
 * What a user sees of a conversation, to tell whether the list changed.
 * @param {Conversation} c
 * @returns {unknown[]}
 */
export function conversationKey(c) {
  const m = c.lastMessage;
  return [
    c.conversationID, c.unreadCount, c.isPinned, c.peerReadSequence,
    m ? [m.ID, m.isRevoked, m.isPeerRead, m.version] : null, c.userProfile, c.groupProfile,
    c.groupAtInfoList.map((a) => a.messageSequence),
    c.messageRemindType, c.draftText, c.customData, c.markList, c.conversationGroupList,
  ];
}

/**
 * A snapshot of a conversation in Tencent's shape: `lastMessage` is a copy of
 * the message with Tencent's `lastTime`, `lastSequence`, `fromAccount` and
 * `messageForShow` (the text, or a placeholder such as '[图片]' by type).
 * @param {Conversation} c
 * @returns {ConversationView}
 */
export function conversationView(c) {
  const m = c.lastMessage;
  let lastMessage = null;
  if (m) {
    lastMessage = {
      ...m,
      payload: {...m.payload},
      lastTime: m.time,
      lastSequence: m.sequence,
      fromAccount: m.from,
      messageForShow: m.type === TYPES.MSG_TEXT ? String(m.payload.text ?? '') : MESSAGE_FOR_SHOW[m.type] || '',
    };
  }
  return /** @type {ConversationView} */ ({
    conversationID: c.conversationID,
    type: c.type,
    subType: '',
    unreadCount: c.unreadCount,
    lastMessage,
    isPinned: c.isPinned,
    userProfile: {...c.userProfile},
    groupProfile: c.groupProfile ? {...c.groupProfile} : null,
    groupAtInfoList: c.groupAtInfoList.map((a) => ({...a, atTypeArray: [...(a.atTypeArray || [])]})),
    remark: '',
    messageRemindType: c.messageRemindType,
    draftText: c.draftText,
    customData: c.customData,
    markList: [...c.markList],
    conversationGroupList: [...c.conversationGroupList],
    peerReadSequence: c.peerReadSequence,
    readSequence: c.readSequence,
  });
}
