"""Tencent IM third-party callbacks (第三方回调): the command names Palaver sends.

An app enables the ones it wants (app setting ``callback_commands``); see
docs/callbacks.md for each one's body. Before-callbacks (:data:`BEFORE`) are
synchronous: the backend's answer decides whether the action happens. The
others are after-callbacks, delivered through the durable outbox.
"""

from __future__ import annotations

C2C_BEFORE_SEND = "C2C.CallbackBeforeSendMsg"
C2C_AFTER_SEND = "C2C.CallbackAfterSendMsg"
GROUP_BEFORE_SEND = "Group.CallbackBeforeSendMsg"
GROUP_AFTER_SEND = "Group.CallbackAfterSendMsg"
C2C_AFTER_WITHDRAW = "C2C.CallbackAfterMsgWithDraw"
C2C_AFTER_MSG_REPORT = "C2C.CallbackAfterMsgReport"
GROUP_AFTER_RECALL = "Group.CallbackAfterRecallMsg"
STATE_CHANGE = "State.StateChange"
GROUP_AFTER_CREATE = "Group.CallbackAfterCreateGroup"
GROUP_AFTER_DESTROYED = "Group.CallbackAfterGroupDestroyed"
GROUP_AFTER_INFO_CHANGED = "Group.CallbackAfterGroupInfoChanged"
PROFILE_PORTRAIT_SET = "Profile.CallbackPortraitSet"
SNS_FRIEND_ADD = "Sns.CallbackFriendAdd"
SNS_FRIEND_DELETE = "Sns.CallbackFriendDelete"
SNS_BLACKLIST_ADD = "Sns.CallbackBlackListAdd"
SNS_BLACKLIST_DELETE = "Sns.CallbackBlackListDelete"
SNS_PREV_FRIEND_ADD = "Sns.CallbackPrevFriendAdd"
GROUP_BEFORE_CREATE = "Group.CallbackBeforeCreateGroup"
GROUP_BEFORE_APPLY_JOIN = "Group.CallbackBeforeApplyJoinGroup"
GROUP_AFTER_NEW_MEMBER_JOIN = "Group.CallbackAfterNewMemberJoin"
GROUP_AFTER_MEMBER_EXIT = "Group.CallbackAfterMemberExit"
SNS_PREV_FRIEND_RESPONSE = "Sns.CallbackPrevFriendResponse"
GROUP_BEFORE_INVITE_JOIN = "Group.CallbackBeforeInviteJoinGroup"
GROUP_AFTER_FULL = "Group.CallbackAfterGroupFull"

#: every command Palaver can send, before- and after-callbacks
COMMANDS: tuple[str, ...] = (
    C2C_BEFORE_SEND,
    C2C_AFTER_SEND,
    GROUP_BEFORE_SEND,
    GROUP_AFTER_SEND,
    C2C_AFTER_WITHDRAW,
    C2C_AFTER_MSG_REPORT,
    GROUP_AFTER_RECALL,
    STATE_CHANGE,
    GROUP_AFTER_CREATE,
    GROUP_AFTER_DESTROYED,
    GROUP_AFTER_INFO_CHANGED,
    PROFILE_PORTRAIT_SET,
    SNS_FRIEND_ADD,
    SNS_FRIEND_DELETE,
    SNS_BLACKLIST_ADD,
    SNS_BLACKLIST_DELETE,
    SNS_PREV_FRIEND_ADD,
    GROUP_BEFORE_CREATE,
    GROUP_BEFORE_APPLY_JOIN,
    GROUP_AFTER_NEW_MEMBER_JOIN,
    GROUP_AFTER_MEMBER_EXIT,
    SNS_PREV_FRIEND_RESPONSE,
    GROUP_BEFORE_INVITE_JOIN,
    GROUP_AFTER_FULL,
)

#: the synchronous ones (the backend's answer allows, rejects or rewrites)
BEFORE: frozenset[str] = frozenset(
    {
        C2C_BEFORE_SEND,
        GROUP_BEFORE_SEND,
        SNS_PREV_FRIEND_ADD,
        GROUP_BEFORE_CREATE,
        GROUP_BEFORE_APPLY_JOIN,
        SNS_PREV_FRIEND_RESPONSE,
        GROUP_BEFORE_INVITE_JOIN,
    }
)

#: The ``ErrorCode`` range in which each before-callback's backend may refuse with its
#: own code and ``ErrorInfo``, passed to the user as they are (Tencent's page of each
#: command): C2C messages 120001-130000, groups 10100-10200, friends 38000-39000.
C2C_OWN_CODES = range(120001, 130001)
GROUP_OWN_CODES = range(10100, 10201)
SNS_OWN_CODES = range(38000, 39001)
OWN_CODES: dict[str, range] = {
    C2C_BEFORE_SEND: C2C_OWN_CODES,
    GROUP_BEFORE_SEND: GROUP_OWN_CODES,
    GROUP_BEFORE_CREATE: GROUP_OWN_CODES,
    GROUP_BEFORE_APPLY_JOIN: GROUP_OWN_CODES,
    GROUP_BEFORE_INVITE_JOIN: GROUP_OWN_CODES,
    SNS_PREV_FRIEND_ADD: SNS_OWN_CODES,
    SNS_PREV_FRIEND_RESPONSE: SNS_OWN_CODES,
}

#: Before-callbacks whose answer decides per item (``ResultItem``): an ``ErrorCode``
#: other than 0 says the backend failed to decide, which Tencent ignores by default
#: (the command's fail mode decides, as for no answer).
PER_ITEM: frozenset[str] = frozenset({SNS_PREV_FRIEND_ADD, SNS_PREV_FRIEND_RESPONSE})

#: REST ``ForbidCallbackControl`` values
FORBID_BEFORE_SEND = "ForbidBeforeSendMsgCallback"
FORBID_AFTER_SEND = "ForbidAfterSendMsgCallback"
