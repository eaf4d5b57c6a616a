/**
 * The SDK's constants: Tencent's `EVENT` and `TYPES` (same names and values),
 * the SDK's own error codes, and the protocol's numbers (docs/protocol.md).
 *
 * @module palaver-chat/constants
 */

export const PROTOCOL_VERSION = 1;
export const MAX_PAGE = 15; // getMessageList's cap, as Tencent's SDK clamps it
export const SEEN_IDS = 5000; // message IDs remembered for duplicate suppression
export const CACHED_MESSAGES = 5000; // message objects kept so recalls/receipts update them in place
export const DISCONNECTED_AFTER = 3; // failed reconnect attempts before NET_STATE_CHANGE "disconnected"
export const LOGIN_BUSY_RETRIES = 5; // times login() tries again after a busy server's answer (70169)
export const CLOSE_KICKED = 4001; // docs/protocol.md §3.3
export const CLOSE_HEARTBEAT = 4000;
export const UINT32 = 0x100000000;

/** Error codes the SDK makes itself (the rest are the server's Tencent codes). */
export const ERROR_CODE = Object.freeze(/** @type {const} */ ({
  /** The connection was lost (or could not be opened) before the answer. */
  NETWORK: 2800,
  /** No answer within `requestTimeout`. */
  REQUEST_TIMEOUT: 2801,
  /** The upload of a media message was cancelled (`cancelUploading`; Palaver's own). */
  UPLOAD_CANCELLED: 2802,
  /** Not logged in (logged out, kicked out, or the session ended). */
  NOT_LOGGED_IN: 6014,
  /** Invalid parameters, checked before anything is sent. */
  INVALID_PARAMETERS: 6017,
  /** Kicked offline by another login (Tencent ERR_LOGIN_KICKED_OFF_BY_OTHER). */
  KICKED: 6208,
  /** UserSig expired (server code 70001; Tencent's native SDKs also say 6206). */
  USER_SIG_EXPIRED: 70001,
}));

/** Login errors worth retrying while reconnecting (others end the session). */
export const TRANSIENT_CODES = new Set([ERROR_CODE.NETWORK, ERROR_CODE.REQUEST_TIMEOUT, 70169, 70500]);

/** Event names: Tencent's `TencentCloudChat.EVENT`, same names and values. */
export const EVENT = Object.freeze(/** @type {const} */ ({
  SDK_READY: 'sdkStateReady',
  SDK_NOT_READY: 'sdkStateNotReady',
  MESSAGE_RECEIVED: 'onMessageReceived',
  MESSAGE_MODIFIED: 'onMessageModified',
  MESSAGE_REACTIONS_UPDATED: 'onMessageReactionsUpdated',
  MESSAGE_EXTENSIONS_UPDATED: 'onMessageExtensionsUpdated',
  MESSAGE_EXTENSIONS_DELETED: 'onMessageExtensionsDeleted',
  PINNED_GROUP_MESSAGE_UPDATED: 'onPinnedGroupMessageUpdated',
  MESSAGE_REVOKED: 'onMessageRevoked',
  MESSAGE_READ_BY_PEER: 'onMessageReadByPeer',
  MESSAGE_READ_RECEIPT_RECEIVED: 'onMessageReadReceiptReceived',
  CONVERSATION_LIST_UPDATED: 'onConversationListUpdated',
  TOTAL_UNREAD_MESSAGE_COUNT_UPDATED: 'onTotalUnreadMessageCountUpdated',
  GROUP_LIST_UPDATED: 'onGroupListUpdated',
  GROUP_ATTRIBUTES_UPDATED: 'groupAttributesUpdated',
  GROUP_COUNTER_UPDATED: 'onGroupCounterUpdated',
  /** A topic was made in a Community I am in: `{groupID, topicID}`. */
  TOPIC_CREATED: 'onTopicCreated',
  /** A topic's profile changed: `{groupID, topic}`. */
  TOPIC_UPDATED: 'onTopicUpdated',
  /** Topics were deleted: `{groupID, topicIDList}`. */
  TOPIC_DELETED: 'onTopicDeleted',
  PROFILE_UPDATED: 'onProfileUpdated',
  USER_STATUS_UPDATED: 'onUserStatusUpdated',
  ALL_RECEIVE_MESSAGE_OPT_UPDATED: 'onAllReceiveMessageOptUpdated',
  BLACKLIST_UPDATED: 'blacklistUpdated',
  FRIEND_LIST_UPDATED: 'onFriendListUpdated',
  FRIEND_GROUP_LIST_UPDATED: 'onFriendGroupListUpdated',
  FRIEND_APPLICATION_LIST_UPDATED: 'onFriendApplicationListUpdated',
  /** Palaver: applications to groups I own or administer changed (Tencent says it with system notices). */
  GROUP_APPLICATION_LIST_UPDATED: 'onGroupApplicationListUpdated',
  KICKED_OUT: 'kickedOut',
  ERROR: 'error',
  NET_STATE_CHANGE: 'netStateChange',
}));

/** Enumerated values: Tencent's `TencentCloudChat.TYPES` (plus `MSG_STATUS_*`). */
export const TYPES = Object.freeze(/** @type {const} */ ({
  // conversations
  CONV_C2C: 'C2C',
  CONV_GROUP: 'GROUP',
  CONV_SYSTEM: '@TIM#SYSTEM',
  // message element types
  MSG_TEXT: 'TIMTextElem',
  MSG_IMAGE: 'TIMImageElem',
  MSG_AUDIO: 'TIMSoundElem',
  MSG_VIDEO: 'TIMVideoFileElem',
  MSG_FILE: 'TIMFileElem',
  MSG_FACE: 'TIMFaceElem',
  MSG_LOCATION: 'TIMLocationElem',
  MSG_CUSTOM: 'TIMCustomElem',
  MSG_MERGER: 'TIMRelayElem',
  MSG_GRP_TIP: 'TIMGroupTipElem',
  MSG_GRP_SYS_NOTICE: 'TIMGroupSystemNoticeElem',
  // message status (Message.status; a Palaver convenience, the values are Tencent's)
  MSG_STATUS_UNSEND: 'unSend',
  MSG_STATUS_SUCCESS: 'success',
  MSG_STATUS_FAIL: 'fail',
  // message priority
  MSG_PRIORITY_HIGH: 'High',
  MSG_PRIORITY_NORMAL: 'Normal',
  READ_ALL_C2C_MSG: 'readAllC2CMessage',
  READ_ALL_GROUP_MSG: 'readAllGroupMessage',
  READ_ALL_MSG: 'readAllMessage',
  MSG_PRIORITY_LOW: 'Low',
  MSG_PRIORITY_LOWEST: 'Lowest',
  // message remind types
  MSG_REMIND_ACPT_AND_NOTE: 'AcceptAndNotify',
  MSG_REMIND_ACPT_NOT_NOTE: 'AcceptNotNotify',
  MSG_REMIND_DISCARD: 'Discard',
  // KICKED_OUT data.type
  KICKED_OUT_MULT_ACCOUNT: 'multipleAccount',
  KICKED_OUT_MULT_DEVICE: 'multipleDevice',
  KICKED_OUT_USERSIG_EXPIRED: 'userSigExpired',
  KICKED_OUT_REST_API: 'REST_API_Kick',
  // NET_STATE_CHANGE data.state
  NET_STATE_CONNECTED: 'connected',
  NET_STATE_CONNECTING: 'connecting',
  NET_STATE_DISCONNECTED: 'disconnected',
  // profile
  GENDER_UNKNOWN: 'Gender_Type_Unknown',
  GENDER_FEMALE: 'Gender_Type_Female',
  GENDER_MALE: 'Gender_Type_Male',
  USER_STATUS_UNKNOWN: 0,
  USER_STATUS_ONLINE: 1,
  USER_STATUS_OFFLINE: 2,
  USER_STATUS_UNLOGINED: 3,
  ALLOW_TYPE_ALLOW_ANY: 'AllowType_Type_AllowAny',
  ALLOW_TYPE_NEED_CONFIRM: 'AllowType_Type_NeedConfirm',
  ALLOW_TYPE_DENY_ANY: 'AllowType_Type_DenyAny',
  FORBID_TYPE_NONE: 'AdminForbid_Type_None',
  FORBID_TYPE_SEND_OUT: 'AdminForbid_Type_SendOut',
  // relationship chain
  SNS_ADD_TYPE_SINGLE: 'Add_Type_Single',
  SNS_ADD_TYPE_BOTH: 'Add_Type_Both',
  SNS_DELETE_TYPE_SINGLE: 'Delete_Type_Single',
  SNS_DELETE_TYPE_BOTH: 'Delete_Type_Both',
  SNS_CHECK_TYPE_SINGLE: 'CheckResult_Type_Single',
  SNS_CHECK_TYPE_BOTH: 'CheckResult_Type_Both',
  SNS_TYPE_NO_RELATION: 'CheckResult_Type_NoRelation',
  SNS_TYPE_A_WITH_B: 'CheckResult_Type_AWithB',
  SNS_TYPE_B_WITH_A: 'CheckResult_Type_BWithA',
  SNS_TYPE_BOTH_WAY: 'CheckResult_Type_BothWay',
  SNS_APPLICATION_SENT_TO_ME: 'Pendency_Type_ComeIn',
  SNS_APPLICATION_SENT_BY_ME: 'Pendency_Type_SendOut',
  SNS_APPLICATION_TYPE_BOTH: 'Pendency_Type_Both',
  SNS_APPLICATION_AGREE: 'Response_Action_Agree',
  SNS_APPLICATION_AGREE_AND_ADD: 'Response_Action_AgreeAndAdd',
  // group types
  GRP_WORK: 'Private',
  GRP_PUBLIC: 'Public',
  GRP_MEETING: 'ChatRoom',
  GRP_CHATROOM: 'ChatRoom',
  GRP_AVCHATROOM: 'AVChatRoom',
  GRP_COMMUNITY: 'Community',
  // group member roles
  GRP_MBR_ROLE_OWNER: 'Owner',
  GRP_MBR_ROLE_ADMIN: 'Admin',
  GRP_MBR_ROLE_MEMBER: 'Member',
  // how a group takes applications (group.joinOption)
  JOIN_OPTIONS_FREE_ACCESS: 'FreeAccess',
  JOIN_OPTIONS_NEED_PERMISSION: 'NeedPermission',
  JOIN_OPTIONS_DISABLE_APPLY: 'DisableApply',
  // joinGroup data.status
  JOIN_STATUS_SUCCESS: 'JoinedSuccess',
  JOIN_STATUS_WAIT_APPROVAL: 'WaitAdminApproval',
  JOIN_STATUS_ALREADY_IN_GROUP: 'AlreadyInGroup',
  // group tips (payload.operationType of TIMGroupTipElem)
  GRP_TIP_MBR_JOIN: 1,
  GRP_TIP_MBR_QUIT: 2,
  GRP_TIP_MBR_KICKED_OUT: 3,
  GRP_TIP_MBR_SET_ADMIN: 4,
  GRP_TIP_MBR_CANCELED_ADMIN: 5,
  GRP_TIP_GRP_PROFILE_UPDATED: 6,
  GRP_TIP_MBR_PROFILE_UPDATED: 7,
  // @-mentions: atUserList's "everyone", and conversation.groupAtInfoList[].atTypeArray
  MSG_AT_ALL: '__kImSDK_MesssageAtALL__',
  CONV_AT_ME: 1,
  CONV_AT_ALL: 2,
  CONV_AT_ALL_AT_ME: 3,
  // conversation marks (markConversation)
  CONV_MARK_TYPE_STAR: 1,
  CONV_MARK_TYPE_UNREAD: 2,
  CONV_MARK_TYPE_FOLD: 4,
  CONV_MARK_TYPE_HIDE: 8,
}));
