"""``EVENT`` and ``TYPES``: the constants of ``@tencentcloud/chat``, same names and values.

Use them as ``chat.on(EVENT.MESSAGE_RECEIVED, fn)`` and
``conversation_type=TYPES.CONV_C2C``; every value is the string Tencent's SDK
uses, so code written against one reads the same against the other.
"""

from __future__ import annotations

from typing import Final


class EVENT:
    """Event names for :meth:`palaver.client.Chat.on` (Tencent's ``TencentCloudChat.EVENT``).

    What each listener is called with:

    - ``SDK_READY`` / ``SDK_NOT_READY``: ``{"name": <the event value>}``.
    - ``MESSAGE_RECEIVED``: ``list[Message]`` (new messages, oldest first).
    - ``MESSAGE_REVOKED``: ``list[Message]`` (the recalled messages, ``is_revoked`` True).
    - ``MESSAGE_MODIFIED``: ``list[Message]`` (edited messages at their new ``version``).
    - ``MESSAGE_REACTIONS_UPDATED``: ``{"messageID", "conversationID", "reactionList":
      [{"reactionID", "totalUserCount", "partialUserList": [{"userID"}]}]}``.
    - ``MESSAGE_EXTENSIONS_UPDATED``: ``{"messageID", "extensions": [{"key", "value"}]}``
      (the keys written).
    - ``MESSAGE_EXTENSIONS_DELETED``: ``{"messageID", "keyList"}``.
    - ``PINNED_GROUP_MESSAGE_UPDATED``: ``{"groupID", "message": Message, "isPinned",
      "operatorInfo": {"userID"}}``.
    - ``MESSAGE_READ_BY_PEER``: ``{"conversationID", "userID", "readSequence", "time",
      "messageList": list[Message]}`` (``messageList``: the messages of that
      conversation this SDK holds that are now read by the peer).
    - ``CONVERSATION_LIST_UPDATED``: ``list[Conversation]`` (the whole list).
    - ``TOTAL_UNREAD_MESSAGE_COUNT_UPDATED``: ``int``.
    - ``PROFILE_UPDATED``: ``list[dict]`` (profiles, protocol field names).
    - ``FRIEND_LIST_UPDATED``: ``list[dict]`` (the friend list, refetched).
    - ``FRIEND_APPLICATION_LIST_UPDATED``: ``{"friendApplicationList", "unreadCount"}``.
    - ``BLACKLIST_UPDATED``: ``list[str]`` (the blacklisted userIDs, refetched).
    - ``GROUP_LIST_UPDATED``: ``list[dict]`` (the groups I am in, refetched; group
      objects of docs/protocol.md §8.4) after I joined, left, was kicked, a group
      was dismissed, my role changed or my application was rejected.
    - ``GROUP_APPLICATION_LIST_UPDATED`` (Palaver's; Tencent's native SDKs have
      ``onReceiveJoinApplication``): ``{"applicationList", "unreadCount"}``
      (refetched) when someone applies to a group I own or administer, or an
      application is handled.
    - ``MESSAGE_READ_RECEIPT_RECEIVED``: ``list[dict]`` ``{"groupID",
      "conversationID", "messageID", "readCount", "unreadCount"}`` for my
      messages sent with ``need_read_receipt`` that a member just read.
    - ``GROUP_ATTRIBUTES_UPDATED``: ``{"groupID", "groupAttributes" (all of them),
      "updatedKeyList", "deletedKeyList"}``.
    - ``GROUP_COUNTER_UPDATED``: ``{"groupID", "key", "value"}``, one per counter changed.
    - ``TOPIC_CREATED``: ``{"groupID", "topicID"}``, a topic was made in a Community I am in.
    - ``TOPIC_UPDATED``: ``{"groupID", "topic"}`` (the topic's profile now).
    - ``TOPIC_DELETED``: ``{"groupID", "topicIDList"}``.
    - ``ALL_RECEIVE_MESSAGE_OPT_UPDATED``: ``{"messageRemindType", "startTime",
      "endTime", "isRepeated"}``: my app-wide do-not-disturb changed.
    - ``KICKED_OUT``: ``{"type": TYPES.KICKED_OUT_*}``.
    - ``NET_STATE_CHANGE``: ``{"state": TYPES.NET_STATE_*}``.
    - ``ERROR``: ``{"code": int, "message": str}`` (the SDK gave up reconnecting).
    """

    SDK_READY: Final = "sdkStateReady"
    SDK_NOT_READY: Final = "sdkStateNotReady"
    MESSAGE_RECEIVED: Final = "onMessageReceived"
    MESSAGE_MODIFIED: Final = "onMessageModified"
    MESSAGE_REACTIONS_UPDATED: Final = "onMessageReactionsUpdated"
    MESSAGE_EXTENSIONS_UPDATED: Final = "onMessageExtensionsUpdated"
    MESSAGE_EXTENSIONS_DELETED: Final = "onMessageExtensionsDeleted"
    PINNED_GROUP_MESSAGE_UPDATED: Final = "onPinnedGroupMessageUpdated"
    MESSAGE_REVOKED: Final = "onMessageRevoked"
    MESSAGE_READ_BY_PEER: Final = "onMessageReadByPeer"
    MESSAGE_READ_RECEIPT_RECEIVED: Final = "onMessageReadReceiptReceived"
    CONVERSATION_LIST_UPDATED: Final = "onConversationListUpdated"
    TOTAL_UNREAD_MESSAGE_COUNT_UPDATED: Final = "onTotalUnreadMessageCountUpdated"
    GROUP_LIST_UPDATED: Final = "onGroupListUpdated"
    GROUP_APPLICATION_LIST_UPDATED: Final = "onGroupApplicationListUpdated"
    GROUP_ATTRIBUTES_UPDATED: Final = "groupAttributesUpdated"
    GROUP_COUNTER_UPDATED: Final = "onGroupCounterUpdated"
    TOPIC_CREATED: Final = "onTopicCreated"
    TOPIC_UPDATED: Final = "onTopicUpdated"
    TOPIC_DELETED: Final = "onTopicDeleted"
    PROFILE_UPDATED: Final = "onProfileUpdated"
    USER_STATUS_UPDATED: Final = "onUserStatusUpdated"
    ALL_RECEIVE_MESSAGE_OPT_UPDATED: Final = "onAllReceiveMessageOptUpdated"
    BLACKLIST_UPDATED: Final = "blacklistUpdated"
    FRIEND_LIST_UPDATED: Final = "onFriendListUpdated"
    FRIEND_GROUP_LIST_UPDATED: Final = "onFriendGroupListUpdated"
    FRIEND_APPLICATION_LIST_UPDATED: Final = "onFriendApplicationListUpdated"
    KICKED_OUT: Final = "kickedOut"
    ERROR: Final = "error"
    NET_STATE_CHANGE: Final = "netStateChange"


class TYPES:
    """Enumerated values (Tencent's ``TencentCloudChat.TYPES``)."""

    # conversations
    CONV_C2C: Final = "C2C"
    CONV_GROUP: Final = "GROUP"
    CONV_SYSTEM: Final = "@TIM#SYSTEM"

    # message element types
    MSG_TEXT: Final = "TIMTextElem"
    MSG_IMAGE: Final = "TIMImageElem"
    MSG_AUDIO: Final = "TIMSoundElem"
    MSG_VIDEO: Final = "TIMVideoFileElem"
    MSG_FILE: Final = "TIMFileElem"
    MSG_FACE: Final = "TIMFaceElem"
    MSG_LOCATION: Final = "TIMLocationElem"
    MSG_CUSTOM: Final = "TIMCustomElem"
    MSG_MERGER: Final = "TIMRelayElem"
    MSG_GRP_TIP: Final = "TIMGroupTipElem"
    MSG_GRP_SYS_NOTICE: Final = "TIMGroupSystemNoticeElem"
    #: the ``atUserList`` entry that mentions everyone (``create_text_at_message``)
    MSG_AT_ALL: Final = "__kImSDK_MesssageAtALL__"

    # group tip operation types (TIMGroupTipElem payload["operationType"])
    GRP_TIP_MBR_JOIN: Final = 1
    GRP_TIP_MBR_QUIT: Final = 2
    GRP_TIP_MBR_KICKED_OUT: Final = 3
    GRP_TIP_MBR_SET_ADMIN: Final = 4
    GRP_TIP_MBR_CANCELED_ADMIN: Final = 5
    GRP_TIP_GRP_PROFILE_UPDATED: Final = 6
    GRP_TIP_MBR_PROFILE_UPDATED: Final = 7

    # @-mentions (Conversation.group_at_info_list[i]["atTypeArray"])
    CONV_AT_ME: Final = 1
    CONV_AT_ALL: Final = 2
    CONV_AT_ALL_AT_ME: Final = 3
    # conversation marks (markConversation)
    CONV_MARK_TYPE_STAR: Final = 1
    CONV_MARK_TYPE_UNREAD: Final = 2
    CONV_MARK_TYPE_FOLD: Final = 4
    CONV_MARK_TYPE_HIDE: Final = 8

    # message priority
    MSG_PRIORITY_HIGH: Final = "High"
    MSG_PRIORITY_NORMAL: Final = "Normal"
    READ_ALL_C2C_MSG: Final = "readAllC2CMessage"
    READ_ALL_GROUP_MSG: Final = "readAllGroupMessage"
    READ_ALL_MSG: Final = "readAllMessage"
    MSG_PRIORITY_LOW: Final = "Low"
    MSG_PRIORITY_LOWEST: Final = "Lowest"

    # message remind types
    MSG_REMIND_ACPT_AND_NOTE: Final = "AcceptAndNotify"
    MSG_REMIND_ACPT_NOT_NOTE: Final = "AcceptNotNotify"
    MSG_REMIND_DISCARD: Final = "Discard"

    # kick-out reasons (KICKED_OUT data["type"])
    KICKED_OUT_MULT_ACCOUNT: Final = "multipleAccount"
    KICKED_OUT_MULT_DEVICE: Final = "multipleDevice"
    KICKED_OUT_USERSIG_EXPIRED: Final = "userSigExpired"
    KICKED_OUT_REST_API: Final = "REST_API_Kick"

    # network state (NET_STATE_CHANGE data["state"])
    NET_STATE_CONNECTED: Final = "connected"
    NET_STATE_CONNECTING: Final = "connecting"
    NET_STATE_DISCONNECTED: Final = "disconnected"

    # profile
    GENDER_UNKNOWN: Final = "Gender_Type_Unknown"
    GENDER_FEMALE: Final = "Gender_Type_Female"
    GENDER_MALE: Final = "Gender_Type_Male"
    USER_STATUS_UNKNOWN: Final = 0
    USER_STATUS_ONLINE: Final = 1
    USER_STATUS_OFFLINE: Final = 2
    USER_STATUS_UNLOGINED: Final = 3
    ALLOW_TYPE_ALLOW_ANY: Final = "AllowType_Type_AllowAny"
    ALLOW_TYPE_NEED_CONFIRM: Final = "AllowType_Type_NeedConfirm"
    ALLOW_TYPE_DENY_ANY: Final = "AllowType_Type_DenyAny"
    FORBID_TYPE_NONE: Final = "AdminForbid_Type_None"
    FORBID_TYPE_SEND_OUT: Final = "AdminForbid_Type_SendOut"

    # relationship chain
    SNS_ADD_TYPE_SINGLE: Final = "Add_Type_Single"
    SNS_ADD_TYPE_BOTH: Final = "Add_Type_Both"
    SNS_DELETE_TYPE_SINGLE: Final = "Delete_Type_Single"
    SNS_DELETE_TYPE_BOTH: Final = "Delete_Type_Both"
    SNS_CHECK_TYPE_SINGLE: Final = "CheckResult_Type_Single"
    SNS_CHECK_TYPE_BOTH: Final = "CheckResult_Type_Both"
    SNS_TYPE_NO_RELATION: Final = "CheckResult_Type_NoRelation"
    SNS_TYPE_A_WITH_B: Final = "CheckResult_Type_AWithB"
    SNS_TYPE_B_WITH_A: Final = "CheckResult_Type_BWithA"
    SNS_TYPE_BOTH_WAY: Final = "CheckResult_Type_BothWay"
    SNS_APPLICATION_SENT_TO_ME: Final = "Pendency_Type_ComeIn"
    SNS_APPLICATION_SENT_BY_ME: Final = "Pendency_Type_SendOut"
    SNS_APPLICATION_TYPE_BOTH: Final = "Pendency_Type_Both"
    SNS_APPLICATION_AGREE: Final = "Response_Action_Agree"
    SNS_APPLICATION_AGREE_AND_ADD: Final = "Response_Action_AgreeAndAdd"

    # group types
    GRP_WORK: Final = "Private"
    GRP_PUBLIC: Final = "Public"
    GRP_MEETING: Final = "ChatRoom"
    GRP_CHATROOM: Final = "ChatRoom"
    GRP_AVCHATROOM: Final = "AVChatRoom"
    GRP_COMMUNITY: Final = "Community"

    # group member roles
    GRP_MBR_ROLE_OWNER: Final = "Owner"
    GRP_MBR_ROLE_ADMIN: Final = "Admin"
    GRP_MBR_ROLE_MEMBER: Final = "Member"

    # how a group may be joined (group["joinOption"])
    JOIN_OPTIONS_FREE_ACCESS: Final = "FreeAccess"
    JOIN_OPTIONS_NEED_PERMISSION: Final = "NeedPermission"
    JOIN_OPTIONS_DISABLE_APPLY: Final = "DisableApply"

    # join_group results (["status"])
    JOIN_STATUS_SUCCESS: Final = "JoinedSuccess"
    JOIN_STATUS_ALREADY_IN_GROUP: Final = "AlreadyInGroup"
    JOIN_STATUS_WAIT_APPROVAL: Final = "WaitAdminApproval"
