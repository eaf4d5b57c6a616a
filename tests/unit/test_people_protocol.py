"""The pushes of issue 17's people features, in both protocols: user status
(``USER_STATUS_UPDATED``) and friend groups (``FRIEND_GROUP_LIST_UPDATED``)."""

from __future__ import annotations

import base64

import orjson

from palaver.model.events import EventKind, UserStatus, UserStatusChanged
from palaver.protocol import pushes as p
from palaver.protocol.tencent.objects import custom_status_wire
from palaver.protocol.tencent.pushes import TENCENT


def test_user_status_push_in_both_protocols() -> None:
    notice = UserStatusChanged((UserStatus("bob", 1, "午饭 ☕"), UserStatus("eve", 2)))
    push = p.notice_push(notice)
    assert (push.ev, push.seq) == ("USER_STATUS_UPDATED", None)
    assert push.data == {
        "userStatusList": [
            {"userID": "bob", "statusType": 1, "customStatus": "午饭 ☕"},
            {"userID": "eve", "statusType": 2, "customStatus": ""},
        ]
    }
    frame = orjson.loads(TENCENT.encode_push(push))
    [item] = frame["body"]["EventArray"]
    assert "NeedAck" not in frame["body"]
    assert item["UserStatusList"] == [
        {"To_Account": "bob", "StatusType": 1, "CustomStatus": custom_status_wire("午饭 ☕")},
        {"To_Account": "eve", "StatusType": 2, "CustomStatus": ""},
    ]
    assert base64.b64decode(item["UserStatusList"][0]["CustomStatus"]).decode() == "午饭 ☕"


def test_friend_group_changes_are_a_refetch_push() -> None:
    push = p.stream_push(EventKind.FRIEND_GROUPS, "alice", 9, None, None)
    assert (push.ev, push.data, push.seq) == ("FRIEND_GROUP_LIST_UPDATED", {}, 9)
    # Tencent's SDK refetches its friend groups itself after its own calls
    assert TENCENT.encode_push(push) == b""
