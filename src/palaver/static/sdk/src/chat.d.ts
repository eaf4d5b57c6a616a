/** @typedef {import('./types.js').CreateOptions} CreateOptions */
/**
 * A chat client for one user: `TencentCloudChat` for a Palaver server.
 * Make one with {@link PalaverChat.create}. Its calls come from a stack of
 * classes, one per area of `@tencentcloud/chat` (see core.js): sessions and
 * events, messages, conversations, relations (profiles, friends, blacklist),
 * groups, search and the message features of issue 17 (edits, reactions,
 * extensions, pinned group messages).
 */
export default class PalaverChat extends ForwardingAPI {
    /**
     * Event names (Tencent's `TencentCloudChat.EVENT`: same names and values).
     * @readonly
     */
    static readonly EVENT: Readonly<{
        readonly SDK_READY: "sdkStateReady";
        readonly SDK_NOT_READY: "sdkStateNotReady";
        readonly MESSAGE_RECEIVED: "onMessageReceived";
        readonly MESSAGE_MODIFIED: "onMessageModified";
        readonly MESSAGE_REACTIONS_UPDATED: "onMessageReactionsUpdated";
        readonly MESSAGE_EXTENSIONS_UPDATED: "onMessageExtensionsUpdated";
        readonly MESSAGE_EXTENSIONS_DELETED: "onMessageExtensionsDeleted";
        readonly PINNED_GROUP_MESSAGE_UPDATED: "onPinnedGroupMessageUpdated";
        readonly MESSAGE_REVOKED: "onMessageRevoked";
        readonly MESSAGE_READ_BY_PEER: "onMessageReadByPeer";
        readonly MESSAGE_READ_RECEIPT_RECEIVED: "onMessageReadReceiptReceived";
        readonly CONVERSATION_LIST_UPDATED: "onConversationListUpdated";
        readonly TOTAL_UNREAD_MESSAGE_COUNT_UPDATED: "onTotalUnreadMessageCountUpdated";
        readonly GROUP_LIST_UPDATED: "onGroupListUpdated";
        readonly GROUP_ATTRIBUTES_UPDATED: "groupAttributesUpdated";
        readonly GROUP_COUNTER_UPDATED: "onGroupCounterUpdated";
        readonly TOPIC_CREATED: "onTopicCreated";
        readonly TOPIC_UPDATED: "onTopicUpdated";
        readonly TOPIC_DELETED: "onTopicDeleted";
        readonly PROFILE_UPDATED: "onProfileUpdated";
        readonly USER_STATUS_UPDATED: "onUserStatusUpdated";
        readonly ALL_RECEIVE_MESSAGE_OPT_UPDATED: "onAllReceiveMessageOptUpdated";
        readonly BLACKLIST_UPDATED: "blacklistUpdated";
        readonly FRIEND_LIST_UPDATED: "onFriendListUpdated";
        readonly FRIEND_GROUP_LIST_UPDATED: "onFriendGroupListUpdated";
        readonly FRIEND_APPLICATION_LIST_UPDATED: "onFriendApplicationListUpdated";
        readonly GROUP_APPLICATION_LIST_UPDATED: "onGroupApplicationListUpdated";
        readonly KICKED_OUT: "kickedOut";
        readonly ERROR: "error";
        readonly NET_STATE_CHANGE: "netStateChange";
    }>;
    /**
     * Enumerated values (Tencent's `TencentCloudChat.TYPES`, plus `MSG_STATUS_*`).
     * @readonly
     */
    static readonly TYPES: Readonly<{
        readonly CONV_C2C: "C2C";
        readonly CONV_GROUP: "GROUP";
        readonly CONV_SYSTEM: "@TIM#SYSTEM";
        readonly MSG_TEXT: "TIMTextElem";
        readonly MSG_IMAGE: "TIMImageElem";
        readonly MSG_AUDIO: "TIMSoundElem";
        readonly MSG_VIDEO: "TIMVideoFileElem";
        readonly MSG_FILE: "TIMFileElem";
        readonly MSG_FACE: "TIMFaceElem";
        readonly MSG_LOCATION: "TIMLocationElem";
        readonly MSG_CUSTOM: "TIMCustomElem";
        readonly MSG_MERGER: "TIMRelayElem";
        readonly MSG_GRP_TIP: "TIMGroupTipElem";
        readonly MSG_GRP_SYS_NOTICE: "TIMGroupSystemNoticeElem";
        readonly MSG_STATUS_UNSEND: "unSend";
        readonly MSG_STATUS_SUCCESS: "success";
        readonly MSG_STATUS_FAIL: "fail";
        readonly MSG_PRIORITY_HIGH: "High";
        readonly MSG_PRIORITY_NORMAL: "Normal";
        readonly READ_ALL_C2C_MSG: "readAllC2CMessage";
        readonly READ_ALL_GROUP_MSG: "readAllGroupMessage";
        readonly READ_ALL_MSG: "readAllMessage";
        readonly MSG_PRIORITY_LOW: "Low";
        readonly MSG_PRIORITY_LOWEST: "Lowest";
        readonly MSG_REMIND_ACPT_AND_NOTE: "AcceptAndNotify";
        readonly MSG_REMIND_ACPT_NOT_NOTE: "AcceptNotNotify";
        readonly MSG_REMIND_DISCARD: "Discard";
        readonly KICKED_OUT_MULT_ACCOUNT: "multipleAccount";
        readonly KICKED_OUT_MULT_DEVICE: "multipleDevice";
        readonly KICKED_OUT_USERSIG_EXPIRED: "userSigExpired";
        readonly KICKED_OUT_REST_API: "REST_API_Kick";
        readonly NET_STATE_CONNECTED: "connected";
        readonly NET_STATE_CONNECTING: "connecting";
        readonly NET_STATE_DISCONNECTED: "disconnected";
        readonly GENDER_UNKNOWN: "Gender_Type_Unknown";
        readonly GENDER_FEMALE: "Gender_Type_Female";
        readonly GENDER_MALE: "Gender_Type_Male";
        readonly USER_STATUS_UNKNOWN: 0;
        readonly USER_STATUS_ONLINE: 1;
        readonly USER_STATUS_OFFLINE: 2;
        readonly USER_STATUS_UNLOGINED: 3;
        readonly ALLOW_TYPE_ALLOW_ANY: "AllowType_Type_AllowAny";
        readonly ALLOW_TYPE_NEED_CONFIRM: "AllowType_Type_NeedConfirm";
        readonly ALLOW_TYPE_DENY_ANY: "AllowType_Type_DenyAny";
        readonly FORBID_TYPE_NONE: "AdminForbid_Type_None";
        readonly FORBID_TYPE_SEND_OUT: "AdminForbid_Type_SendOut";
        readonly SNS_ADD_TYPE_SINGLE: "Add_Type_Single";
        readonly SNS_ADD_TYPE_BOTH: "Add_Type_Both";
        readonly SNS_DELETE_TYPE_SINGLE: "Delete_Type_Single";
        readonly SNS_DELETE_TYPE_BOTH: "Delete_Type_Both";
        readonly SNS_CHECK_TYPE_SINGLE: "CheckResult_Type_Single";
        readonly SNS_CHECK_TYPE_BOTH: "CheckResult_Type_Both";
        readonly SNS_TYPE_NO_RELATION: "CheckResult_Type_NoRelation";
        readonly SNS_TYPE_A_WITH_B: "CheckResult_Type_AWithB";
        readonly SNS_TYPE_B_WITH_A: "CheckResult_Type_BWithA";
        readonly SNS_TYPE_BOTH_WAY: "CheckResult_Type_BothWay";
        readonly SNS_APPLICATION_SENT_TO_ME: "Pendency_Type_ComeIn";
        readonly SNS_APPLICATION_SENT_BY_ME: "Pendency_Type_SendOut";
        readonly SNS_APPLICATION_TYPE_BOTH: "Pendency_Type_Both";
        readonly SNS_APPLICATION_AGREE: "Response_Action_Agree";
        readonly SNS_APPLICATION_AGREE_AND_ADD: "Response_Action_AgreeAndAdd";
        readonly GRP_WORK: "Private";
        readonly GRP_PUBLIC: "Public";
        readonly GRP_MEETING: "ChatRoom";
        readonly GRP_CHATROOM: "ChatRoom";
        readonly GRP_AVCHATROOM: "AVChatRoom";
        readonly GRP_COMMUNITY: "Community";
        readonly GRP_MBR_ROLE_OWNER: "Owner";
        readonly GRP_MBR_ROLE_ADMIN: "Admin";
        readonly GRP_MBR_ROLE_MEMBER: "Member";
        readonly JOIN_OPTIONS_FREE_ACCESS: "FreeAccess";
        readonly JOIN_OPTIONS_NEED_PERMISSION: "NeedPermission";
        readonly JOIN_OPTIONS_DISABLE_APPLY: "DisableApply";
        readonly JOIN_STATUS_SUCCESS: "JoinedSuccess";
        readonly JOIN_STATUS_WAIT_APPROVAL: "WaitAdminApproval";
        readonly JOIN_STATUS_ALREADY_IN_GROUP: "AlreadyInGroup";
        readonly GRP_TIP_MBR_JOIN: 1;
        readonly GRP_TIP_MBR_QUIT: 2;
        readonly GRP_TIP_MBR_KICKED_OUT: 3;
        readonly GRP_TIP_MBR_SET_ADMIN: 4;
        readonly GRP_TIP_MBR_CANCELED_ADMIN: 5;
        readonly GRP_TIP_GRP_PROFILE_UPDATED: 6;
        readonly GRP_TIP_MBR_PROFILE_UPDATED: 7;
        readonly MSG_AT_ALL: "__kImSDK_MesssageAtALL__";
        readonly CONV_AT_ME: 1;
        readonly CONV_AT_ALL: 2;
        readonly CONV_AT_ALL_AT_ME: 3;
        readonly CONV_MARK_TYPE_STAR: 1;
        readonly CONV_MARK_TYPE_UNREAD: 2;
        readonly CONV_MARK_TYPE_FOLD: 4;
        readonly CONV_MARK_TYPE_HIDE: 8;
    }>;
    /**
     * Error codes the SDK makes itself (the rest are the server's Tencent codes).
     * @readonly
     */
    static readonly ERROR_CODE: Readonly<{
        readonly NETWORK: 2800;
        readonly REQUEST_TIMEOUT: 2801;
        readonly UPLOAD_CANCELLED: 2802;
        readonly NOT_LOGGED_IN: 6014;
        readonly INVALID_PARAMETERS: 6017;
        readonly KICKED: 6208;
        readonly USER_SIG_EXPIRED: 70001;
    }>;
    /** @readonly */
    static readonly VERSION: "0.1.0";
    /**
     * A new SDK instance (`TencentCloudChat.create`). Unlike Tencent's, every call
     * makes a new instance, so one page can be several users. Throws ChatError
     * 6017 on bad options.
     *
     * Options: `SDKAppID` the app's SDKAppID; `server` the server's base URL
     * (`http(s)://host:port`, or a `ws(s)://host:port/ws` URL), default
     * `location.origin`; `platform` what the server calls this device ('Web';
     * under `login_policy` `multi_platform` one connection per platform is
     * allowed); `requestTimeout` ms a request may wait for its answer, including
     * for a lost connection to come back (15000); `heartbeatInterval` ms between
     * heartbeats (default: the server's `heartbeatInterval`); `reconnectDelay`
     * the backoff's first window in ms (500): a reconnect waits a uniformly
     * random time within it (full jitter: clients that lost one server together
     * do not come back together) and the window doubles after each failed
     * attempt; a busy server's `retryAfter` (70169, or an HTTP 503 to the
     * upgrade, learnt by a plain GET of the same URL) is waited out first, and
     * `login` itself tries again after it (up to 5 times); `reconnectMaxDelay`
     * the largest window in ms (15000);
     * `WebSocket` a WebSocket class (default: the global one).
     *
     * @param {CreateOptions} options
     * @returns {PalaverChat}
     */
    static create(options: CreateOptions): PalaverChat;
}
export type CreateOptions = import("./types.js").CreateOptions;
import { ForwardingAPI } from './forwarding.js';
