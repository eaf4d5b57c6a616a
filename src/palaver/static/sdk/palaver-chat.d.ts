/**
 * Palaver JavaScript SDK: `@tencentcloud/chat`'s API over Palaver's client
 * protocol (docs/protocol.md, version 1).
 *
 * Calls resolve `{code: 0, data}` and reject with a {@link ChatError}
 * `{code, message}`. Listeners get `{name, data}`.
 */

/** Event names (Tencent's `TencentCloudChat.EVENT`: same names and values). */
export declare const EVENT: {
  readonly SDK_READY: 'sdkStateReady';
  readonly SDK_NOT_READY: 'sdkStateNotReady';
  readonly MESSAGE_RECEIVED: 'onMessageReceived';
  readonly MESSAGE_MODIFIED: 'onMessageModified';
  readonly MESSAGE_REVOKED: 'onMessageRevoked';
  readonly MESSAGE_READ_BY_PEER: 'onMessageReadByPeer';
  readonly MESSAGE_READ_RECEIPT_RECEIVED: 'onMessageReadReceiptReceived';
  readonly CONVERSATION_LIST_UPDATED: 'onConversationListUpdated';
  readonly TOTAL_UNREAD_MESSAGE_COUNT_UPDATED: 'onTotalUnreadMessageCountUpdated';
  readonly GROUP_LIST_UPDATED: 'onGroupListUpdated';
  readonly GROUP_ATTRIBUTES_UPDATED: 'groupAttributesUpdated';
  readonly PROFILE_UPDATED: 'onProfileUpdated';
  readonly USER_STATUS_UPDATED: 'onUserStatusUpdated';
  readonly BLACKLIST_UPDATED: 'blacklistUpdated';
  readonly FRIEND_LIST_UPDATED: 'onFriendListUpdated';
  readonly FRIEND_GROUP_LIST_UPDATED: 'onFriendGroupListUpdated';
  readonly FRIEND_APPLICATION_LIST_UPDATED: 'onFriendApplicationListUpdated';
  /** Palaver: applications to groups I own or administer changed. */
  readonly GROUP_APPLICATION_LIST_UPDATED: 'onGroupApplicationListUpdated';
  readonly KICKED_OUT: 'kickedOut';
  readonly ERROR: 'error';
  readonly NET_STATE_CHANGE: 'netStateChange';
};

/** Enumerated values (Tencent's `TencentCloudChat.TYPES`, plus `MSG_STATUS_*`). */
export declare const TYPES: {
  readonly CONV_C2C: 'C2C';
  readonly CONV_GROUP: 'GROUP';
  readonly CONV_SYSTEM: '@TIM#SYSTEM';
  readonly MSG_TEXT: 'TIMTextElem';
  readonly MSG_IMAGE: 'TIMImageElem';
  readonly MSG_AUDIO: 'TIMSoundElem';
  readonly MSG_VIDEO: 'TIMVideoFileElem';
  readonly MSG_FILE: 'TIMFileElem';
  readonly MSG_FACE: 'TIMFaceElem';
  readonly MSG_LOCATION: 'TIMLocationElem';
  readonly MSG_CUSTOM: 'TIMCustomElem';
  readonly MSG_MERGER: 'TIMRelayElem';
  readonly MSG_GRP_TIP: 'TIMGroupTipElem';
  readonly MSG_GRP_SYS_NOTICE: 'TIMGroupSystemNoticeElem';
  readonly MSG_STATUS_UNSEND: 'unSend';
  readonly MSG_STATUS_SUCCESS: 'success';
  readonly MSG_STATUS_FAIL: 'fail';
  readonly MSG_PRIORITY_HIGH: 'High';
  readonly MSG_PRIORITY_NORMAL: 'Normal';
  readonly MSG_PRIORITY_LOW: 'Low';
  readonly MSG_PRIORITY_LOWEST: 'Lowest';
  readonly MSG_REMIND_ACPT_AND_NOTE: 'AcceptAndNotify';
  readonly MSG_REMIND_ACPT_NOT_NOTE: 'AcceptNotNotify';
  readonly MSG_REMIND_DISCARD: 'Discard';
  readonly KICKED_OUT_MULT_ACCOUNT: 'multipleAccount';
  readonly KICKED_OUT_MULT_DEVICE: 'multipleDevice';
  readonly KICKED_OUT_USERSIG_EXPIRED: 'userSigExpired';
  readonly KICKED_OUT_REST_API: 'REST_API_Kick';
  readonly NET_STATE_CONNECTED: 'connected';
  readonly NET_STATE_CONNECTING: 'connecting';
  readonly NET_STATE_DISCONNECTED: 'disconnected';
  readonly GENDER_UNKNOWN: 'Gender_Type_Unknown';
  readonly GENDER_FEMALE: 'Gender_Type_Female';
  readonly GENDER_MALE: 'Gender_Type_Male';
  readonly ALLOW_TYPE_ALLOW_ANY: 'AllowType_Type_AllowAny';
  readonly ALLOW_TYPE_NEED_CONFIRM: 'AllowType_Type_NeedConfirm';
  readonly ALLOW_TYPE_DENY_ANY: 'AllowType_Type_DenyAny';
  readonly FORBID_TYPE_NONE: 'AdminForbid_Type_None';
  readonly FORBID_TYPE_SEND_OUT: 'AdminForbid_Type_SendOut';
  readonly SNS_ADD_TYPE_SINGLE: 'Add_Type_Single';
  readonly SNS_ADD_TYPE_BOTH: 'Add_Type_Both';
  readonly SNS_DELETE_TYPE_SINGLE: 'Delete_Type_Single';
  readonly SNS_DELETE_TYPE_BOTH: 'Delete_Type_Both';
  readonly SNS_CHECK_TYPE_SINGLE: 'CheckResult_Type_Single';
  readonly SNS_CHECK_TYPE_BOTH: 'CheckResult_Type_Both';
  readonly SNS_TYPE_NO_RELATION: 'CheckResult_Type_NoRelation';
  readonly SNS_TYPE_A_WITH_B: 'CheckResult_Type_AWithB';
  readonly SNS_TYPE_B_WITH_A: 'CheckResult_Type_BWithA';
  readonly SNS_TYPE_BOTH_WAY: 'CheckResult_Type_BothWay';
  readonly SNS_APPLICATION_SENT_TO_ME: 'Pendency_Type_ComeIn';
  readonly SNS_APPLICATION_SENT_BY_ME: 'Pendency_Type_SendOut';
  readonly SNS_APPLICATION_TYPE_BOTH: 'Pendency_Type_Both';
  readonly SNS_APPLICATION_AGREE: 'Response_Action_Agree';
  readonly SNS_APPLICATION_AGREE_AND_ADD: 'Response_Action_AgreeAndAdd';
  readonly GRP_WORK: 'Private';
  readonly GRP_PUBLIC: 'Public';
  readonly GRP_MEETING: 'ChatRoom';
  readonly GRP_CHATROOM: 'ChatRoom';
  readonly GRP_AVCHATROOM: 'AVChatRoom';
  readonly GRP_COMMUNITY: 'Community';
  readonly GRP_MBR_ROLE_OWNER: 'Owner';
  readonly GRP_MBR_ROLE_ADMIN: 'Admin';
  readonly GRP_MBR_ROLE_MEMBER: 'Member';
  readonly JOIN_OPTIONS_FREE_ACCESS: 'FreeAccess';
  readonly JOIN_OPTIONS_NEED_PERMISSION: 'NeedPermission';
  readonly JOIN_OPTIONS_DISABLE_APPLY: 'DisableApply';
  readonly JOIN_STATUS_SUCCESS: 'JoinedSuccess';
  readonly JOIN_STATUS_WAIT_APPROVAL: 'WaitAdminApproval';
  readonly JOIN_STATUS_ALREADY_IN_GROUP: 'AlreadyInGroup';
  readonly GRP_TIP_MBR_JOIN: 1;
  readonly GRP_TIP_MBR_QUIT: 2;
  readonly GRP_TIP_MBR_KICKED_OUT: 3;
  readonly GRP_TIP_MBR_SET_ADMIN: 4;
  readonly GRP_TIP_MBR_CANCELED_ADMIN: 5;
  readonly GRP_TIP_GRP_PROFILE_UPDATED: 6;
  readonly GRP_TIP_MBR_PROFILE_UPDATED: 7;
  /** `atUserList` value that mentions everyone. */
  readonly MSG_AT_ALL: '__kImSDK_MesssageAtALL__';
  readonly CONV_AT_ME: 1;
  readonly CONV_AT_ALL: 2;
  readonly CONV_AT_ALL_AT_ME: 3;
};

/** Error codes the SDK makes itself (the rest are the server's Tencent codes). */
export declare const ERROR_CODE: {
  /** The connection was lost (or could not be opened) before the answer. */
  readonly NETWORK: 2800;
  /** No answer within `requestTimeout`. */
  readonly REQUEST_TIMEOUT: 2801;
  /** Not logged in (logged out, kicked out, or the session ended). */
  readonly NOT_LOGGED_IN: 6014;
  /** Invalid parameters, checked before anything is sent. */
  readonly INVALID_PARAMETERS: 6017;
  /** Kicked offline by another login. */
  readonly KICKED: 6208;
  /** UserSig expired. */
  readonly USER_SIG_EXPIRED: 70001;
};

export type EventName = (typeof EVENT)[keyof typeof EVENT];
export type ConversationType = 'C2C' | 'GROUP';
export type MessageType =
  | 'TIMTextElem'
  | 'TIMFaceElem'
  | 'TIMLocationElem'
  | 'TIMCustomElem'
  | 'TIMImageElem'
  | 'TIMFileElem'
  | 'TIMSoundElem'
  | 'TIMVideoFileElem'
  | 'TIMGroupTipElem'
  | 'TIMGroupSystemNoticeElem'
  | string;
export type GroupType = 'Private' | 'Public' | 'ChatRoom' | 'AVChatRoom' | 'Community';
export type GroupRole = 'Owner' | 'Admin' | 'Member';
export type JoinOption = 'FreeAccess' | 'NeedPermission' | 'DisableApply';
export type JoinStatus = 'JoinedSuccess' | 'WaitAdminApproval' | 'AlreadyInGroup';
export type MessageStatus = 'unSend' | 'success' | 'fail';
export type NetState = 'connected' | 'connecting' | 'disconnected';
export type KickedOutType = 'multipleAccount' | 'multipleDevice' | 'userSigExpired' | 'REST_API_Kick';

/** A failed call. */
export declare class ChatError extends Error {
  constructor(code: number, message?: string);
  /** A Tencent error code (server codes, or {@link ERROR_CODE}). */
  readonly code: number;
  readonly message: string;
  /** True for an expired UserSig (70001 / 6206). */
  readonly isUserSigExpired: boolean;
  toJSON(): { code: number; message: string };
}

/** What every call resolves with. */
export interface ChatResponse<T> {
  code: 0;
  data: T;
}

/** One REST `MsgBody` element. */
export interface MsgElement {
  MsgType: string;
  MsgContent: Record<string, unknown>;
}

export interface TextPayload {
  text: string;
}
export interface TextAtPayload extends TextPayload {
  /** userIDs, or `TYPES.MSG_AT_ALL`. */
  atUserList?: string[];
}

/** `payload` of a `TIMGroupTipElem` message. */
export interface GroupTipPayload {
  /** `TYPES.GRP_TIP_*`: 1 join, 2 quit, 3 kicked, 4 admin set, 5 admin unset, 6 group profile, 7 member profile. */
  operationType: number;
  operatorID: string;
  userIDList: string[];
  newGroupProfile?: Partial<Group>;
  msgMemberInfo?: Array<{ userID: string; muteTime: number }>;
}
export interface FacePayload {
  index: number;
  data: string;
}
export interface LocationPayload {
  description: string;
  longitude: number;
  latitude: number;
}
export interface CustomPayload {
  data: string;
  description?: string;
  extension?: string;
}
export interface ImageInfo {
  type: number;
  url: string;
  size?: number;
  width?: number;
  height?: number;
}
/** Tencent's shape, or the short form `{url, width?, height?, size?, imageFormat?}`. */
export type ImagePayload =
  | { uuid?: string; imageFormat?: number | string; imageInfoArray: ImageInfo[] }
  | { url: string; width?: number; height?: number; size?: number; imageFormat?: number | string; uuid?: string };
export interface FilePayload {
  fileUrl?: string;
  url?: string;
  fileName?: string;
  fileSize?: number;
  uuid?: string;
}
export interface AudioPayload {
  url: string;
  second?: number;
  size?: number;
  uuid?: string;
}
export interface VideoPayload {
  videoUrl?: string;
  url?: string;
  videoSecond?: number;
  videoSize?: number;
  videoFormat?: string;
  thumbUrl?: string;
  thumbWidth?: number;
  thumbHeight?: number;
  [key: string]: unknown;
}

/** A message (Tencent's `Message`); the SDK updates it in place. */
export declare class Message {
  constructor(init?: Partial<Message>);
  /** Server message ID (opaque); before sending, a local `userID-time-random`. */
  ID: string;
  type: MessageType;
  /** The first element in the SDK's shape, e.g. `{text}`. */
  payload: Record<string, any>;
  conversationID: string;
  conversationType: ConversationType;
  to: string;
  from: string;
  flow: 'in' | 'out';
  /** Unix seconds. */
  time: number;
  clientTime: number;
  sequence: number;
  random: number;
  status: MessageStatus;
  priority: string;
  isRead: boolean;
  isPeerRead: boolean;
  isRevoked: boolean;
  revoker: string;
  revokerInfo: { userID: string; nick: string; avatar: string } | null;
  revokeReason: string;
  isDeleted: boolean;
  isModified: boolean;
  nick: string;
  avatar: string;
  nameCard: string;
  /** Group messages: mentioned userIDs (`TYPES.MSG_AT_ALL` for everyone). */
  atUserList: string[];
  cloudCustomData: string;
  needReadReceipt: boolean;
  /** My group messages with `needReadReceipt`: see getMessageReadReceiptList. */
  readReceiptInfo: { readCount: number; unreadCount: number };
  /** Palaver: every element in the REST shape. */
  MsgBody: MsgElement[];
  /** Palaver: sent with `onlineUserOnly` (not stored). */
  onlineOnly: boolean;
}

/** `conversation.lastMessage`: the message plus Tencent's summary fields. */
export interface LastMessage extends Message {
  lastTime: number;
  lastSequence: number;
  fromAccount: string;
  /** The text, or a placeholder by type ('[图片]', '[语音]', '[文件]'...). */
  messageForShow: string;
}

export interface Profile {
  userID: string;
  nick: string;
  avatar: string;
  gender: string;
  selfSignature: string;
  allowType: string;
  birthday: number;
  location: string;
  language: number;
  messageSettings: number;
  adminForbidType: string;
  level: number;
  role: number;
  profileCustomField: Array<{ key: string; value: string | number }>;
}

/** A conversation (Tencent's `Conversation`), a snapshot. */
export interface Conversation {
  conversationID: string;
  type: ConversationType;
  subType: string;
  unreadCount: number;
  lastMessage: LastMessage | null;
  isPinned: boolean;
  /** C2C: the peer's profile (`{}` for groups). */
  userProfile: Partial<Profile> & { userID?: string };
  /** GROUP: the group (null for C2C). */
  groupProfile: Group | null;
  /** GROUP: unread messages that @-mention me or everyone. */
  groupAtInfoList: GroupAtInfo[];
  remark: string;
  messageRemindType: string;
  draftText: string;
  /** Palaver: how far the peer read (a message `sequence`). */
  peerReadSequence: number;
  /** Palaver: how far I read. */
  readSequence: number;
}

export interface GroupAtInfo {
  groupID: string;
  from: string;
  messageSequence: number;
  /** `TYPES.CONV_AT_ME` (1) and/or `TYPES.CONV_AT_ALL` (2). */
  atTypeArray: number[];
}

/** A group (docs/protocol.md §8.4). */
export interface Group {
  groupID: string;
  type: GroupType;
  name: string;
  avatar: string;
  introduction: string;
  notification: string;
  ownerID: string;
  /** Unix seconds. */
  createTime: number;
  lastInfoTime: number;
  lastMessage: { lastTime: number; lastSequence: number; fromAccount: string };
  nextMessageSeq: number;
  memberCount: number;
  maxMemberCount: number;
  muteAllMembers: boolean;
  joinOption: JoinOption;
  groupCustomField: Array<{ key: string; value: string }>;
  /** Mine, when I am a member. */
  selfInfo?: { userID: string; role: GroupRole; joinTime: number; nameCard: string; muteUntil: number; messageRemindType: string };
}

export interface GroupMember {
  userID: string;
  nick: string;
  avatar: string;
  role: GroupRole;
  /** Unix seconds. */
  joinTime: number;
  nameCard: string;
  /** Unix seconds; 0 = not muted. */
  muteUntil: number;
  memberCustomField: Array<{ key: string; value: string }>;
}

export interface GroupApplication {
  groupID: string;
  groupName: string;
  applicant: string;
  applicantNick: string;
  applyMessage: string;
  /** Unix seconds. */
  time: number;
}

export interface GroupApplicationList {
  applicationList: GroupApplication[];
  unreadCount: number;
}

/** MESSAGE_READ_RECEIPT_RECEIVED data: new read counts of my loaded messages, plus what the receipt says. */
export type ReadReceipts = Array<{
  groupID: string;
  conversationID: string;
  messageID: string;
  readCount: number;
  unreadCount: number;
}> & { conversationID: string; groupID: string; userID: string; readSequence: number };

export interface CreateGroupOptions {
  /** `TYPES.GRP_*` (default 'Private'). */
  type?: GroupType | 'Work' | 'Meeting';
  name: string;
  groupID?: string;
  introduction?: string;
  notification?: string;
  avatar?: string;
  maxMemberNum?: number;
  joinOption?: JoinOption;
  memberList?: Array<string | { userID: string; role?: GroupRole; memberCustomField?: Array<{ key: string; value: string }> }>;
  groupCustomField?: Array<{ key: string; value: string }>;
}

export interface UpdateGroupOptions {
  groupID: string;
  name?: string;
  introduction?: string;
  notification?: string;
  avatar?: string;
  maxMemberNum?: number;
  joinOption?: JoinOption;
  muteAllMembers?: boolean;
  groupCustomField?: Array<{ key: string; value: string }>;
}

export interface Friend {
  userID: string;
  remark: string;
  groupList: string[];
  addTime: number;
  source: string;
  wording: string;
  friendCustomField: Array<{ key: string; value: string | number }>;
  profile: Profile;
}

export interface FriendApplication {
  userID: string;
  type: 'Pendency_Type_ComeIn' | 'Pendency_Type_SendOut';
  wording: string;
  source: string;
  time: number;
  nick: string;
  avatar: string;
}

export interface FriendApplicationList {
  friendApplicationList: FriendApplication[];
  unreadCount: number;
}

/** MESSAGE_READ_BY_PEER data: the messages now read, plus what the receipt says. */
export type ReadByPeer = Message[] & {
  conversationID: string;
  /** The reader. */
  userID: string;
  readSequence: number;
  time: number;
};

export interface UserIDResult {
  successUserIDList: Array<{ userID: string }>;
  failureUserIDList: Array<{ userID: string; code: number; message: string }>;
}

export interface CheckFriendResult {
  successUserIDList: Array<{ userID: string; code: 0; relation: string }>;
  failureUserIDList: Array<{ userID: string; code: number; message: string }>;
}

/** Event data per event name. */
export interface EventData {
  sdkStateReady: undefined;
  sdkStateNotReady: undefined;
  onMessageReceived: Message[];
  onMessageRevoked: Message[];
  onMessageReadByPeer: ReadByPeer;
  onMessageReadReceiptReceived: ReadReceipts;
  /** The whole refetched list of my groups. */
  onGroupListUpdated: Group[];
  onGroupApplicationListUpdated: GroupApplicationList;
  onConversationListUpdated: Conversation[];
  onTotalUnreadMessageCountUpdated: number;
  onProfileUpdated: Profile[];
  onFriendListUpdated: Friend[];
  onFriendApplicationListUpdated: FriendApplicationList;
  blacklistUpdated: string[];
  kickedOut: { type: KickedOutType };
  netStateChange: { state: NetState };
  error: { code: number; message: string };
  [name: string]: unknown;
}

export type Listener<E extends string> = (event: {
  name: E;
  data: E extends keyof EventData ? EventData[E] : unknown;
}) => void;

export interface CreateOptions {
  SDKAppID: number;
  /** `http(s)://host:port` (or `ws(s)://host:port/ws`); default `location.origin`. */
  server?: string;
  /** What the server calls this device ('Web'). */
  platform?: 'Web' | 'Android' | 'iOS' | 'Windows' | 'Mac' | 'iPad' | 'Linux' | 'Unknown' | string;
  /** ms a request may wait for its answer, including for a reconnect (15000). */
  requestTimeout?: number;
  /** ms between heartbeats (default: the server's `heartbeatInterval`). */
  heartbeatInterval?: number;
  /** First reconnect delay in ms (500), doubling per failed attempt, ±25 % jitter. */
  reconnectDelay?: number;
  /** Longest reconnect delay in ms (15000). */
  reconnectMaxDelay?: number;
  /** A WebSocket class, where there is no global one. */
  WebSocket?: unknown;
}

export interface MessageOptions<P> {
  to: string;
  conversationType: ConversationType;
  payload: P;
  cloudCustomData?: string;
  needReadReceipt?: boolean;
  priority?: string;
}

export interface LoginData {
  repeatLogin: boolean;
  errorInfo: string;
  userID?: string;
  /** Unix seconds. */
  serverTime?: number;
  /** Seconds. */
  heartbeatInterval?: number;
  heartbeatTimeout?: number;
  /** Seconds a sender may recall a message in this app. */
  recallWindow?: number;
  cursor?: number;
}

export interface ProfileUpdate {
  nick?: string;
  avatar?: string;
  gender?: string;
  selfSignature?: string;
  allowType?: string;
  birthday?: number;
  location?: string;
  language?: number;
  messageSettings?: number;
  level?: number;
  role?: number;
  profileCustomField?: Array<{ key: string; value: string | number }>;
}

/** A chat client for one user (`TencentCloudChat` for a Palaver server). */
export default class PalaverChat {
  static readonly EVENT: typeof EVENT;
  static readonly TYPES: typeof TYPES;
  static readonly ERROR_CODE: typeof ERROR_CODE;
  static readonly VERSION: string;

  /** A new instance (unlike Tencent's, every call makes a new one). Throws 6017 on bad options. */
  static create(options: CreateOptions): PalaverChat;
  constructor(options: CreateOptions);

  readonly SDKAppID: number;
  readonly server: string;
  readonly platform: string;

  /** Listen to an event; `ctx` is `this` for `fn`. */
  on<E extends string>(event: E, fn: Listener<E>, ctx?: unknown): void;
  /** Stop listening (no error if not registered). */
  off<E extends string>(event: E, fn: Listener<E>, ctx?: unknown): void;
  /** 0 everything, 1 normal (default), 2 warnings, 3 errors, 4 nothing. */
  setLogLevel(level: number): void;
  /** Accepted for compatibility; Palaver has no plugins yet. */
  registerPlugin(plugins: Record<string, unknown>): void;

  /** True between SDK_READY and logout (also while reconnecting). */
  isReady(): boolean;
  /** The logged-in userID ('' when logged out). */
  getLoginUser(): string;
  /** Palaver: the network state. */
  getNetState(): NetState;
  /** Palaver: the last event-stream seq processed (0 when logged out). */
  getCursor(): number;

  /**
   * Log in; resolves once SDK_READY was emitted. Rejects 70001 expired, 70002,
   * 70003 malformed, 70009 bad signature, 70013 userID mismatch, 70014, 70020,
   * 70052 issued before a kick, 70107 not imported, 2800, 2801, 6017.
   */
  login(options: { userID: string; userSig: string }): Promise<ChatResponse<LoginData>>;
  /** Log out (SDK_NOT_READY); resolves also when not logged in. */
  logout(): Promise<ChatResponse<Record<string, never>>>;
  /** Log out and drop every listener. */
  destroy(): Promise<ChatResponse<Record<string, never>>>;

  createTextMessage(options: MessageOptions<TextPayload>): Message;
  createTextAtMessage(options: MessageOptions<TextAtPayload>): Message;
  createFaceMessage(options: MessageOptions<FacePayload>): Message;
  createLocationMessage(options: MessageOptions<LocationPayload>): Message;
  createCustomMessage(options: MessageOptions<CustomPayload>): Message;
  createImageMessage(options: MessageOptions<ImagePayload>): Message;
  createFileMessage(options: MessageOptions<FilePayload>): Message;
  createAudioMessage(options: MessageOptions<AudioPayload>): Message;
  createVideoMessage(options: MessageOptions<VideoPayload>): Message;

  /**
   * Send; the same Message is updated (status 'success', ID, sequence, time) or
   * gets status 'fail'. Rejects 20003, 20007, 20009, 20012, (groups) 10007 not a
   * member, 10010 no group, 10017 muted; 90002, 80002, 6014, 6017, 2800/2801
   * (then resend).
   */
  sendMessage(message: Message, options?: { onlineUserOnly?: boolean }): Promise<ChatResponse<{ message: Message }>>;
  /** Send a failed message again (same random: the server dedupes). */
  resendMessage(message: Message): Promise<ChatResponse<{ message: Message }>>;
  /** Recall one of my messages. Rejects 20016 window passed, 6017 not mine. */
  revokeMessage(message: Message | LastMessage): Promise<ChatResponse<{ message: Message }>>;
  /** A page of history, oldest first (count ≤ 15). */
  getMessageList(options: {
    conversationID: string;
    nextReqMessageID?: string;
    count?: number;
  }): Promise<ChatResponse<{ messageList: Message[]; nextReqMessageID: string; isCompleted: boolean }>>;
  /** Mark a conversation read (the peer gets MESSAGE_READ_BY_PEER). */
  setMessageRead(options: { conversationID: string }): Promise<ChatResponse<Record<string, never>>>;

  /** My conversations, pinned first then newest first. */
  getConversationList(): Promise<ChatResponse<{ conversationList: Conversation[]; isSyncCompleted: boolean }>>;
  /** One conversation. Rejects 6017 if there is none. */
  getConversationProfile(conversationID: string): Promise<ChatResponse<{ conversation: Conversation }>>;
  /** Delete one conversation, or several. */
  deleteConversation(conversationID: string): Promise<ChatResponse<{ conversationID: string }>>;
  deleteConversation(options: {
    conversationIDList: string[];
    clearHistoryMessage?: boolean;
  }): Promise<ChatResponse<{ conversationIDList: string[] }>>;
  /** Pin or unpin a conversation. */
  pinConversation(options: { conversationID: string; isPinned: boolean }): Promise<ChatResponse<{ conversationID: string }>>;
  /** The total unread count the SDK keeps (a number, like Tencent's). */
  getTotalUnreadMessageCount(): number;

  getMyProfile(): Promise<ChatResponse<Profile>>;
  getUserProfile(options: { userIDList: string[] }): Promise<ChatResponse<Profile[]>>;
  /** Rejects 40610, 40605, 40601, 40009, 6017. */
  updateMyProfile(options: ProfileUpdate): Promise<ChatResponse<Profile>>;

  getFriendList(): Promise<ChatResponse<Friend[]>>;
  /** `data.code` 0 added, 30539 pending. Rejects 30001, 30003, 30515, 30525, 30516, 30010, 30014. */
  addFriend(options: {
    to: string;
    source: string;
    wording?: string;
    type?: 'Add_Type_Both' | 'Add_Type_Single';
    remark?: string;
    groupName?: string;
  }): Promise<ChatResponse<{ userID: string; code: number }>>;
  deleteFriend(options: { userIDList: string[]; type?: 'Delete_Type_Both' | 'Delete_Type_Single' }): Promise<ChatResponse<UserIDResult>>;
  checkFriend(options: {
    userIDList: string[];
    type?: 'CheckResult_Type_Both' | 'CheckResult_Type_Single';
  }): Promise<ChatResponse<CheckFriendResult>>;
  getFriendApplicationList(): Promise<ChatResponse<FriendApplicationList>>;
  /** Rejects 30614 no such request. */
  acceptFriendApplication(options: {
    userID: string;
    type?: 'Response_Action_AgreeAndAdd' | 'Response_Action_Agree';
    remark?: string;
  }): Promise<ChatResponse<Record<string, never>>>;
  /** Rejects 30614 no such request. */
  refuseFriendApplication(options: { userID: string }): Promise<ChatResponse<Record<string, never>>>;

  getBlacklist(): Promise<ChatResponse<string[]>>;
  /** Resolves the userIDs added; rejects with the first failure's code when none was. */
  addToBlacklist(options: { userIDList: string[] }): Promise<ChatResponse<string[]>>;
  /** Resolves the userIDs removed; rejects with the first failure's code when none was. */
  removeFromBlacklist(options: { userIDList: string[] }): Promise<ChatResponse<string[]>>;

  /** Create a group (I am the owner). Rejects 10004, 10015, 10021, 10019, 10038, 6017. */
  createGroup(options: CreateGroupOptions): Promise<ChatResponse<{ group: Group }>>;
  /** My groups, newest join first. */
  getGroupList(): Promise<ChatResponse<{ groupList: Group[] }>>;
  /** Rejects 10010 no group, 10007 a Private group I am not in. */
  getGroupProfile(options: { groupID: string }): Promise<ChatResponse<{ group: Group }>>;
  /** Owner/admin; members get a tip. Rejects 10007, 10004, 10010. */
  updateGroupProfile(options: UpdateGroupOptions): Promise<ChatResponse<{ group: Group }>>;
  /** Rejects 10010, 10007 (Private, DisableApply), 10014 full. */
  joinGroup(options: { groupID: string; applyMessage?: string }): Promise<ChatResponse<{ status: JoinStatus; group?: Group }>>;
  /** Rejects 10009 the owner, 10007 not a member, 10010. */
  quitGroup(groupID: string): Promise<ChatResponse<{ groupID: string }>>;
  /** Owner only. Rejects 10007, 10010. */
  dismissGroup(groupID: string): Promise<ChatResponse<{ groupID: string }>>;
  /** Rejects 10010 no group, 10007 Private. */
  searchGroupByID(groupID: string): Promise<ChatResponse<{ group: Group }>>;
  /** Owner only; the new owner must be a member (10004). */
  changeGroupOwner(options: { groupID: string; newOwnerID: string }): Promise<ChatResponse<{ group: Group }>>;
  /** Applications to groups I own or administer. */
  getGroupApplicationList(): Promise<ChatResponse<GroupApplicationList>>;
  /** Rejects 10024 none pending, 10007, 10014. */
  handleGroupApplication(options: {
    handleAction: 'Agree' | 'Reject';
    handleMessage?: string;
    application?: { groupID: string; applicant: string };
    groupID?: string;
    applicant?: string;
  }): Promise<ChatResponse<Record<string, never>>>;
  /** Owner first, then by join time; `offset` 0 when done. */
  getGroupMemberList(options: {
    groupID: string;
    count?: number;
    offset?: number;
    role?: GroupRole;
  }): Promise<ChatResponse<{ memberList: GroupMember[]; offset: number }>>;
  getGroupMemberProfile(options: { groupID: string; userIDList: string[] }): Promise<ChatResponse<{ memberList: GroupMember[] }>>;
  /** Rejects 10007 may not invite, 10014 full. */
  addGroupMember(options: { groupID: string; userIDList: string[] }): Promise<
    ChatResponse<{ successUserIDList: string[]; failureUserIDList: string[]; existedUserIDList: string[]; group: Group }>
  >;
  /** Rejects 10007 not allowed. */
  deleteGroupMember(options: { groupID: string; userIDList: string[]; reason?: string }): Promise<
    ChatResponse<{ group: Group; userIDList: string[] }>
  >;
  /** Owner only. */
  setGroupMemberRole(options: { groupID: string; userID: string; role: 'Admin' | 'Member' }): Promise<
    ChatResponse<{ group: Group; member: GroupMember }>
  >;
  /** Seconds from now; 0 unmutes. */
  setGroupMemberMuteTime(options: { groupID: string; userID: string; muteTime: number }): Promise<
    ChatResponse<{ group: Group; member: GroupMember }>
  >;
  setGroupMemberNameCard(options: { groupID: string; userID?: string; nameCard: string }): Promise<
    ChatResponse<{ group: Group; member: GroupMember }>
  >;
  setGroupMemberCustomField(options: {
    groupID: string;
    userID?: string;
    memberCustomField: Array<{ key: string; value: string }>;
  }): Promise<ChatResponse<{ group: Group; member: GroupMember }>>;
  getGroupOnlineMemberCount(groupID: string): Promise<ChatResponse<{ memberCount: number }>>;
  /** Fills `readReceiptInfo` of my group messages (one conversation). */
  getMessageReadReceiptList(messageList: Message[]): Promise<ChatResponse<{ messageList: Message[] }>>;
  /** I read these messages (one conversation): senders who asked get receipts. */
  sendMessageReadReceipt(messageList: Message[]): Promise<ChatResponse<Record<string, never>>>;
  /** Who read (filter 0) or has not read (filter 1) my group message. */
  getGroupMessageReadMemberList(options: {
    message: Message;
    filter: 0 | 1;
    cursor?: string;
    count?: number;
  }): Promise<
    ChatResponse<{ messageID: string; isCompleted: boolean; cursor: string; readUserIDList?: string[]; unreadUserIDList?: string[] }>
  >;
}
