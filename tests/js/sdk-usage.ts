// What an app written in TypeScript may do with the SDK, type-checked (strict) against
// its generated .d.ts files by `make lint` (tools/sdk-types/sdk-types.mjs --check): the
// declarations must stay at least this precise. Never run; @ts-expect-error lines must fail.

import PalaverChat, {ChatError, Message, EVENT, TYPES, ERROR_CODE} from '../../src/palaver/static/sdk/palaver-chat.js';
import type {Conversation, Group, ChatResponse, Profile, ReadByPeer, LoginData, GroupMember, EventData, Listener} from '../../src/palaver/static/sdk/palaver-chat.js';

// `check(value, true)` fails to compile when `value` is `any` (a declaration lost its type).
type IsAny<T> = 0 extends 1 & T ? true : false;
function check<T>(_value: T, _typed: IsAny<T> extends true ? never : true): void {}

const chat = PalaverChat.create({SDKAppID: 1400000000, server: 'http://x'});
const ready: 'sdkStateReady' = PalaverChat.EVENT.SDK_READY;
const c2c: 'C2C' = TYPES.CONV_C2C;
const net: 2800 = ERROR_CODE.NETWORK;
chat.on(EVENT.CONVERSATION_LIST_UPDATED, ({name, data}) => {
  const n: 'onConversationListUpdated' = name;
  const list: Conversation[] = data;
  const first = list[0];
  const unread: number = first.unreadCount;
  const text: string | undefined = first.lastMessage?.messageForShow;
  const g: Group | null = first.groupProfile;
});
chat.on(EVENT.MESSAGE_READ_BY_PEER, ({data}) => { const r: ReadByPeer = data; const s: number = data.readSequence; });
chat.on(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, ({data}) => { const n: number = data; });
chat.on(EVENT.KICKED_OUT, ({data}) => { const t: 'multipleAccount' | 'multipleDevice' | 'userSigExpired' | 'REST_API_Kick' = data.type; });
export async function usage(): Promise<void> {
  const r: ChatResponse<LoginData> = await chat.login({userID: 'a', userSig: 's'});
  const repeat: boolean = r.data.repeatLogin;
  const m: Message = chat.createTextMessage({to: 'bob', conversationType: 'C2C', payload: {text: 'hi'}});
  // @ts-expect-error: payload must have text
  chat.createTextMessage({to: 'bob', conversationType: 'C2C', payload: {}});
  // @ts-expect-error: conversationType is C2C or GROUP
  chat.createTextMessage({to: 'bob', conversationType: 'X', payload: {text: ''}});
  const sent = await chat.sendMessage(m, {onlineUserOnly: false});
  const msg: Message = sent.data.message;
  const st: 'unSend' | 'success' | 'fail' = msg.status;
  const flow: 'in' | 'out' = msg.flow;
  const pushed = await chat.sendMessage(m, {offlinePushInfo: {title: 'T', description: 'D', disablePush: false}});
  const push: {disablePush?: boolean, title?: string, description?: string, extension?: string} | null = pushed.data.message.offlinePushInfo;
  // @ts-expect-error: offlinePushInfo.title is a string
  chat.sendMessage(m, {offlinePushInfo: {title: 1}});
  const one = await chat.deleteConversation('C2Cbob');
  const id: string = one.data.conversationID;
  const many = await chat.deleteConversation({conversationIDList: ['a']});
  const ids: string[] = many.data.conversationIDList;
  const total: number = chat.getTotalUnreadMessageCount();
  const groups: Group[] = (await chat.getGroupList()).data.groupList;
  const members: GroupMember[] = (await chat.getGroupMemberList({groupID: 'g'})).data.memberList;
  const prof: Profile = (await chat.getMyProfile()).data;
  const hist = await chat.getMessageList({conversationID: 'C2Cbob'});
  const done: boolean = hist.data.isCompleted;
  const join = await chat.joinGroup({groupID: 'g'});
  const js: 'JoinedSuccess' | 'WaitAdminApproval' | 'AlreadyInGroup' = join.data.status;
  const rr = await chat.getGroupMessageReadMemberList({message: m, filter: 0});
  const ns: 'connected' | 'connecting' | 'disconnected' = chat.getNetState();
  const e = new ChatError(6017, 'x');
  const code: number = e.code; const exp: boolean = e.isUserSigExpired;
  // @ts-expect-error: private
  chat._request('x');
  // @ts-expect-error: no such method
  chat.noSuchMethod();
  const bl: string[] = (await chat.addToBlacklist({userIDList: ['x']})).data;
  const fr = await chat.addFriend({to: 'x', source: 'AddSource_Type_Web'});
  const frc: number = fr.data.code;
  const s: string = chat.server; const ap: number = chat.SDKAppID;
  // every call has a declared result (none is `any`)
  check(await chat.login({userID: 'a', userSig: 's'}), true);
  check(await chat.sendMessage(m), true);
  check(await chat.resendMessage(m), true);
  check(await chat.revokeMessage(m), true);
  check(await chat.getMessageList({conversationID: 'C2Cbob'}), true);
  check(await chat.setMessageRead({conversationID: 'C2Cbob'}), true);
  check(await chat.getConversationList(), true);
  check(await chat.getConversationProfile('C2Cbob'), true);
  check(await chat.deleteConversation('C2Cbob'), true);
  check(await chat.deleteConversation({conversationIDList: ['C2Cbob']}), true);
  check(await chat.pinConversation({conversationID: 'C2Cbob', isPinned: true}), true);
  check(await chat.getMyProfile(), true);
  check(await chat.getUserProfile({userIDList: ['bob']}), true);
  check(await chat.updateMyProfile({nick: 'A'}), true);
  check(await chat.getFriendList(), true);
  check(await chat.addFriend({to: 'bob', source: 'AddSource_Type_Web'}), true);
  check(await chat.deleteFriend({userIDList: ['bob']}), true);
  check(await chat.checkFriend({userIDList: ['bob']}), true);
  check(await chat.getFriendApplicationList(), true);
  check(await chat.acceptFriendApplication({userID: 'bob'}), true);
  check(await chat.refuseFriendApplication({userID: 'bob'}), true);
  check(await chat.getBlacklist(), true);
  check(await chat.addToBlacklist({userIDList: ['bob']}), true);
  check(await chat.removeFromBlacklist({userIDList: ['bob']}), true);
  check(await chat.createGroup({name: 'x'}), true);
  check(await chat.getGroupList(), true);
  check(await chat.getGroupProfile({groupID: 'g'}), true);
  check(await chat.updateGroupProfile({groupID: 'g', name: 'y'}), true);
  check(await chat.joinGroup({groupID: 'g'}), true);
  check(await chat.quitGroup('g'), true);
  check(await chat.dismissGroup('g'), true);
  check(await chat.searchGroupByID('g'), true);
  check(await chat.changeGroupOwner({groupID: 'g', newOwnerID: 'bob'}), true);
  check(await chat.getGroupApplicationList(), true);
  check(await chat.handleGroupApplication({handleAction: 'Agree', groupID: 'g', applicant: 'bob'}), true);
  check(await chat.getGroupMemberList({groupID: 'g'}), true);
  check(await chat.getGroupMemberProfile({groupID: 'g', userIDList: ['bob']}), true);
  check(await chat.addGroupMember({groupID: 'g', userIDList: ['bob']}), true);
  check(await chat.deleteGroupMember({groupID: 'g', userIDList: ['bob']}), true);
  check(await chat.setGroupMemberRole({groupID: 'g', userID: 'bob', role: 'Admin'}), true);
  check(await chat.setGroupMemberMuteTime({groupID: 'g', userID: 'bob', muteTime: 60}), true);
  check(await chat.setGroupMemberNameCard({groupID: 'g', nameCard: 'x'}), true);
  check(await chat.setGroupMemberCustomField({groupID: 'g', memberCustomField: []}), true);
  check(await chat.getGroupOnlineMemberCount('g'), true);
  check(await chat.getMessageReadReceiptList([m]), true);
  check(await chat.sendMessageReadReceipt([m]), true);
  check(await chat.getGroupMessageReadMemberList({message: m, filter: 1}), true);
  check(await chat.logout(), true);
  check(await chat.destroy(), true);
  check(chat.createTextAtMessage({to: 'g', conversationType: 'GROUP', payload: {text: 'x', atUserList: ['bob']}}), true);
  check(chat.createFaceMessage({to: 'bob', conversationType: 'C2C', payload: {index: 1, data: 'x'}}), true);
  check(chat.createLocationMessage({to: 'bob', conversationType: 'C2C', payload: {description: 'x', longitude: 1, latitude: 2}}), true);
  check(chat.createCustomMessage({to: 'bob', conversationType: 'C2C', payload: {data: 'x'}}), true);
  check(chat.createImageMessage({to: 'bob', conversationType: 'C2C', payload: {url: 'https://x/a.png'}}), true);
  check(chat.createFileMessage({to: 'bob', conversationType: 'C2C', payload: {url: 'https://x/a.pdf'}}), true);
  check(chat.createAudioMessage({to: 'bob', conversationType: 'C2C', payload: {url: 'https://x/a.mp3'}}), true);
  check(chat.createVideoMessage({to: 'bob', conversationType: 'C2C', payload: {url: 'https://x/a.mp4'}}), true);
  check(chat.isReady(), true);
  check(chat.getLoginUser(), true);
  check(chat.getCursor(), true);
  check(chat.getNetState(), true);
  check(chat.getTotalUnreadMessageCount(), true);
  check(r.data, true); check(sent.data.message, true); check(hist.data.messageList, true);
  // @ts-expect-error: conversationID is a string
  await chat.pinConversation({conversationID: 1, isPinned: true});
  // @ts-expect-error: role is Admin or Member
  await chat.setGroupMemberRole({groupID: 'g', userID: 'u', role: 'Owner'});
  // @ts-expect-error: userIDList is required
  await chat.addGroupMember({groupID: 'g'});
  // @ts-expect-error: login needs userSig
  await chat.login({userID: 'a'});
}
