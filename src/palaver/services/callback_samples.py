"""Sample bodies of every callback command, for ``palaver callbacks test``: what
the app backend receives, with Tencent's field names (Tencent IM third-party
callbacks, 第三方回调) and made-up values (``test_sender``, ``@TGS#test``)."""

from __future__ import annotations

from typing import Any

from palaver.model import callbacks as cb

_SAMPLE_MSG = {
    "From_Account": "test_sender",
    "To_Account": "test_receiver",
    "MsgSeq": 1,
    "MsgRandom": 12345,
    "MsgTime": 0,
    "MsgKey": "1_12345_0",
    "OnlineOnlyFlag": 0,
    "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "palaver callbacks test"}}],
}
_SAMPLE_GROUP = {"GroupId": "@TGS#test", "Type": "Public", "Operator_Account": "test_sender"}
#: a sample body per command (``palaver callbacks test``)
SAMPLES: dict[str, dict[str, Any]] = {
    cb.C2C_BEFORE_SEND: _SAMPLE_MSG,
    cb.C2C_AFTER_SEND: {**_SAMPLE_MSG, "SendMsgResult": 0, "ErrorInfo": "send msg succeed"},
    cb.GROUP_BEFORE_SEND: {
        **_SAMPLE_GROUP,
        "From_Account": "test_sender",
        "Random": 12345,
        "OnlineOnlyFlag": 0,
        "MsgBody": _SAMPLE_MSG["MsgBody"],
    },
    cb.GROUP_AFTER_SEND: {
        **_SAMPLE_GROUP,
        "From_Account": "test_sender",
        "Random": 12345,
        "OnlineOnlyFlag": 0,
        "MsgBody": _SAMPLE_MSG["MsgBody"],
        "MsgSeq": 1,
        "MsgTime": 0,
    },
    cb.C2C_AFTER_WITHDRAW: {
        "From_Account": "test_sender",
        "To_Account": "test_receiver",
        "MsgKey": "1_12345_0",
    },
    cb.C2C_AFTER_MSG_REPORT: {
        "Report_Account": "test_receiver",
        "Peer_Account": "test_sender",
        "LastReadTime": 0,
        "MsgSeq": 1,
    },
    cb.GROUP_AFTER_RECALL: {**_SAMPLE_GROUP, "MsgSeqList": [{"MsgSeq": 1}]},
    cb.STATE_CHANGE: {
        "Info": {"Action": "Login", "To_Account": "test_sender", "Reason": "Register"}
    },
    cb.GROUP_AFTER_CREATE: {
        **_SAMPLE_GROUP,
        "Name": "test",
        "Owner_Account": "test_sender",
        "MemberList": [{"Member_Account": "test_receiver"}],
    },
    cb.GROUP_AFTER_DESTROYED: {
        **_SAMPLE_GROUP,
        "Name": "test",
        "Owner_Account": "test_sender",
        "MemberList": [{"Member_Account": "test_sender"}],
    },
    cb.GROUP_AFTER_INFO_CHANGED: {**_SAMPLE_GROUP, "Name": "renamed"},
    cb.GROUP_BEFORE_CREATE: {
        "Operator_Account": "test_sender",
        "Owner_Account": "test_sender",
        "Type": "Public",
        "Name": "test",
        "CreateGroupNum": 0,
        "MemberList": [{"Member_Account": "test_receiver"}],
    },
    cb.GROUP_BEFORE_APPLY_JOIN: {
        "GroupId": "@TGS#test",
        "Type": "Public",
        "Requestor_Account": "test_receiver",
    },
    cb.GROUP_AFTER_NEW_MEMBER_JOIN: {
        **_SAMPLE_GROUP,
        "JoinType": "Apply",
        "NewMemberList": [{"Member_Account": "test_receiver"}],
    },
    cb.GROUP_AFTER_MEMBER_EXIT: {
        **_SAMPLE_GROUP,
        "ExitType": "Quit",
        "ExitMemberList": [{"Member_Account": "test_receiver"}],
    },
    cb.SNS_PREV_FRIEND_ADD: {
        "Requester_Account": "test_sender",
        "From_Account": "test_sender",
        "AddType": "Add_Type_Both",
        "ForceAddFlags": 0,
        "FriendItem": [
            {
                "To_Account": "test_receiver",
                "Remark": "",
                "GroupName": "",
                "AddSource": "AddSource_Type_Test",
                "AddWording": "hello",
            }
        ],
    },
    cb.SNS_PREV_FRIEND_RESPONSE: {
        "Requester_Account": "test_receiver",
        "From_Account": "test_receiver",
        "ResponseFriendItem": [
            {
                "To_Account": "test_sender",
                "Remark": "",
                "TagName": "",
                "ResponseAction": "Response_Action_AgreeAndAdd",
            }
        ],
    },
    cb.GROUP_BEFORE_INVITE_JOIN: {
        **_SAMPLE_GROUP,
        "DestinationMembers": [{"Member_Account": "test_receiver"}],
    },
    cb.GROUP_AFTER_FULL: {"GroupId": "@TGS#test"},
    cb.SNS_FRIEND_ADD: {
        "ClientCmd": "friend_add",
        "PairList": [
            {
                "From_Account": "test_sender",
                "To_Account": "test_receiver",
                "Initiator_Account": "test_sender",
            }
        ],
    },
    cb.SNS_FRIEND_DELETE: {
        "PairList": [{"From_Account": "test_sender", "To_Account": "test_receiver"}]
    },
    cb.SNS_BLACKLIST_ADD: {
        "PairList": [{"From_Account": "test_sender", "To_Account": "test_receiver"}]
    },
    cb.SNS_BLACKLIST_DELETE: {
        "PairList": [{"From_Account": "test_sender", "To_Account": "test_receiver"}]
    },
    cb.PROFILE_PORTRAIT_SET: {
        "From_Account": "test_sender",
        "ProfileItem": [{"Tag": "Tag_Profile_IM_Nick", "Value": "test"}],
    },
}
