"""Every push, from the model's event or notice to the wire: Palaver's push
(``palaver.protocol.pushes``) and its translation into Tencent's protocol
(``palaver.protocol.tencent.pushes``), checked by the keys each SDK dispatches on."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from palaver.model.events import (
    ApplicationNote,
    ApplicationsChanged,
    BlacklistChanged,
    C2CReadReceipt,
    ConversationChanged,
    ConversationRead,
    EventKind,
    FriendsChanged,
    GroupApplicationsChanged,
    GroupDismissed,
    GroupMessageRevoked,
    GroupReadReceipt,
    GroupSystemNotice,
    MembershipChanged,
    ProfileChanged,
    ReadByPeer,
    ReceiptCount,
    Revoked,
)
from palaver.model.messages import MessageFlag, MessageRecord
from palaver.protocol import pushes as p
from palaver.protocol.frames import Push
from palaver.protocol.tencent import objects as o
from palaver.protocol.tencent.ids import tiny_id
from palaver.protocol.tencent.pushes import TENCENT, session_data

T = 1_800_000_000


def text(t: str) -> list[dict[str, Any]]:
    return [{"MsgType": "TIMTextElem", "MsgContent": {"Text": t}}]


def c2c(**kw: Any) -> MessageRecord:
    base: dict[str, Any] = {
        "id": 11,
        "conv_id": "c2c:alice:bob",
        "seq": 3,
        "sender": "alice",
        "receiver": "bob",
        "time": T,
        "random": 77,
        "body": text("hi"),
        "msg_key": f"3_77_{T}",
    }
    return MessageRecord(**{**base, **kw})


def grp(**kw: Any) -> MessageRecord:
    base: dict[str, Any] = {
        "id": 21,
        "conv_id": "group:g1",
        "seq": 9,
        "sender": "alice",
        "receiver": "g1",
        "time": T,
        "random": 5,
        "body": text("to all"),
        "client_seq": 4,
    }
    return MessageRecord(**{**base, **kw})


def tencent(push: Push) -> dict[str, Any] | None:
    """The Tencent frame of a push, decoded (None: not sent in that protocol)."""
    frame = TENCENT.encode_push(push)
    return orjson.loads(frame) if frame else None


def events(push: Push) -> list[dict[str, Any]]:
    frame = tencent(push)
    assert frame is not None, push
    assert frame["head"]["servcmd"] == "im_open_push.msg_push"
    return list(frame["body"]["EventArray"])


# ---------------------------------------------------------------- messages


def test_a_c2c_message_as_each_side_sees_it() -> None:
    m = c2c(flags=int(MessageFlag.NEED_RECEIPT | MessageFlag.PRIORITY_HIGH), client_time=T - 1)
    to_bob = p.stream_push(EventKind.MESSAGE, "bob", 4, None, m)
    wire = to_bob.data["message"]
    assert (to_bob.ev, to_bob.seq, wire["conversationID"], wire["flow"]) == (
        "MESSAGE_RECEIVED",
        4,
        "C2Calice",
        "in",
    )
    assert wire["needReadReceipt"] and wire["priority"] == "High" and wire["isRead"] is False
    [ev] = events(to_bob)
    assert ev["Event"] == o.EV_C2C
    [item] = ev["C2cMsgArray"]
    assert (item["From_Account"], item["To_Account"], item["IsNeedReadReceipt"]) == (
        "alice",
        "bob",
        1,
    )
    assert item["MsgClientTime"] == T - 1 and item["TinyId"] == tiny_id("alice")
    frame = tencent(to_bob)
    assert frame is not None and frame["body"]["NeedAck"] == 1
    assert frame["body"]["SessionData"] == "u:4" == session_data(to_bob)
    # the sender's other device: a sync copy, From and To swapped for the SDK
    to_alice = p.stream_push(EventKind.MESSAGE, "alice", 8, None, m)
    assert to_alice.data["message"]["conversationID"] == "C2Cbob"
    [ev] = events(to_alice)
    [item] = ev["C2cMsgArray"]
    assert (item["From_Account"], item["IsSyncMsg"]) == ("bob", 1)


def test_an_online_only_c2c_message() -> None:
    m = c2c(id=0, seq=0, online_only=True, body=[])
    push = p.message_push(m, "bob")
    assert push.seq is None and push.data["message"]["ID"] == f"o-77-{T}"
    assert push.data["message"]["type"] == "TIMTextElem"  # an empty body shows as empty text
    [ev] = events(push)
    frame = tencent(push)
    assert frame is not None and "NeedAck" not in frame["body"]
    assert ev["C2cMsgArray"][0]["MsgLifeTime"] == 0


def test_a_group_message_is_encoded_once_for_every_member() -> None:
    m = grp(at_users=["bob", "__kImSDK_MesssageAtALL__"], flags=int(MessageFlag.NEED_RECEIPT))
    push = p.group_message_push(m)
    assert isinstance(push.data, bytes) and (push.seq, push.stream) == (9, "GROUPg1")
    wire = orjson.loads(push.data)["message"]
    assert wire["conversationID"] == "GROUPg1" and wire["atUserList"][0] == "bob"
    [ev] = events(push)
    assert ev["Event"] == o.EV_GROUP_MSG
    [item] = ev["GroupMsgArray"]
    assert item["GroupAtInfo"] == [
        {"GroupAtAllFlag": 0, "GroupAt_Account": "bob"},
        {"GroupAtAllFlag": 1},
    ]
    assert item["NeedReadReceipt"] == 1 and item["ClientSeq"] == 4
    frame = tencent(push)
    assert frame is not None and frame["body"]["SessionData"] == "GROUPg1:9"
    online = p.group_message_push(grp(id=0, seq=0, online_only=True))
    assert online.seq is None
    assert events(online)[0]["GroupMsgArray"][0]["OnlineOnlyFlag"] == 1


def test_a_group_tip_and_a_system_notice_message() -> None:
    tip = grp(
        body=[
            {
                "MsgType": "TIMGroupTipElem",
                "MsgContent": {
                    "OpType": 3,
                    "Operator_Account": "alice",
                    "List_Account": ["bob"],
                    "GroupInfo": {
                        "Name": "new",
                        "ShutUpAllMember": "On",
                        "AppDefinedData": [{"Key": "k", "Value": "v"}],
                        "Ignored": 1,
                    },
                    "MemberInfo": [{"Member_Account": "bob", "ShutUpTime": 60}, "junk"],
                },
            }
        ]
    )
    push = p.group_message_push(tip)
    payload = orjson.loads(push.data)["message"]["payload"]
    assert payload["operationType"] == 3 and payload["userIDList"] == ["bob"]
    assert payload["newGroupProfile"] == {
        "name": "new",
        "muteAllMembers": True,
        "groupCustomField": [{"key": "k", "value": "v"}],
    }
    assert payload["msgMemberInfo"] == [{"userID": "bob", "muteTime": 60}]
    [ev] = events(push)
    assert ev["Event"] == o.EV_GROUP_TIP
    body = ev["GroupTips"][0]["MsgBody"]
    assert body["MsgGroupNewInfo"] == {
        "GroupName": "new",
        "ShutupAll": 1,
        "MsgAppDefinedData": [{"Key": "k", "Value": "v"}],
    }
    assert body["MsgMemberInfo"] == [{"User_Account": "bob", "ShutupTime": 60}]
    bare = grp(body=[{"MsgType": "TIMGroupTipElem", "MsgContent": {}}])
    assert events(p.group_message_push(bare))[0]["GroupTips"][0]["MsgBody"]["OpType"] == 0
    notice = grp(
        body=[{"MsgType": "TIMGroupSystemNoticeElem", "MsgContent": {"Content": "hello all"}}]
    )
    [ev] = events(p.group_message_push(notice))
    [item] = ev["GroupTips"]
    assert ev["Event"] == o.EV_GROUP_NOTICE and item["From_Account"] == "@TIM#SYSTEM"
    assert item["MsgBody"] == {
        "OpType": o.NOTICE_CUSTOM,
        "Operator_Account": "",
        "UserDefinedField": "hello all",
    }
    assert (item["MsgSeq"], item["MsgRandom"]) == (9, 5)


def test_a_group_message_with_an_empty_body() -> None:
    [ev] = events(p.group_message_push(grp(body=[])))
    assert ev["Event"] == o.EV_GROUP_MSG


# ------------------------------------------------------------ stream events


def test_recalls_in_c2c_and_in_groups() -> None:
    m = c2c(flags=int(MessageFlag.RECALLED), client_seq=12)
    push = p.stream_push(EventKind.REVOKE, "bob", 5, Revoked("alice"), m)
    assert push.ev == "MESSAGE_REVOKED" and push.data["conversationID"] == "C2Calice"
    mine = p.stream_push(EventKind.REVOKE, "alice", 6, Revoked(""), m)
    assert mine.data["conversationID"] == "C2Cbob" and mine.data["revoker"] == "alice"
    [ev] = events(push)
    [info] = ev["C2cNotifyMsgArray"][0]["WithdrawC2cMsgNotify"]["C2cWithdrawInfoArray"]
    assert (info["MsgSeq"], info["RevokerInfo"]["Revoker"]) == (12, "alice")
    gpush = p.notice_push(GroupMessageRevoked(grp(), "admin"))
    assert (gpush.ev, gpush.stream, gpush.seq) == ("MESSAGE_REVOKED", "GROUPg1", None)
    [ev] = events(gpush)
    [tip] = ev["GroupTips"]
    assert tip["MsgBody"]["GroupWithdrawInfoArray"][0]["MsgSeq"] == 9
    assert tip["RevokerInfo"] == {"Revoker": "admin", "Reason": ""}


def test_reads_and_conversation_changes() -> None:
    by_peer = p.stream_push(EventKind.READ_BY_PEER, "alice", 1, ReadByPeer("bob", 3, T), None)
    assert by_peer.data == {
        "conversationID": "C2Cbob",
        "userID": "bob",
        "readSequence": 3,
        "time": T,
    }
    receipt = events(by_peer)[0]["C2cNotifyMsgArray"][0]["C2cReadedReceipt"]
    assert receipt["UinPairReadArray"] == [{"To_Account": "bob", "LastReadTime": T}]
    read = p.stream_push(EventKind.CONV_READ, "bob", 2, ConversationRead("C2Calice", 3, T), None)
    assert read.ev == "CONVERSATION_READ"
    notify = events(read)[0]["C2cNotifyMsgArray"][0]["ReadC2cMsgNotify"]
    assert notify["UinPairReadArray"] == [{"From_Account": "alice", "LastReadTime": T}]
    gread = p.stream_push(EventKind.CONV_READ, "bob", 3, ConversationRead("GROUPg1", 9, T), None)
    gtip = events(gread)[0]["GroupTips"][0]
    assert gtip["MsgBody"]["GroupReadInfoArray"] == [{"GroupId": "g1", "LastReadMsgSeq": 9}]
    expected = {
        ("C2Cbob", "deleted"): (1, "RecentContactDeleteItem", {"Type": 1, "UserId": "bob"}),
        ("GROUPg1", "pinned"): (2, "RecentContactTopItem", {"Type": 2, "GroupId": "g1"}),
        ("C2Cbob", "unpinned"): (3, "RecentContactTopItem", {"Type": 1, "UserId": "bob"}),
    }
    for (cid, change), (push_type, key, ref) in expected.items():
        push = p.stream_push(EventKind.CONV_CHANGED, "a", 4, ConversationChanged(cid, change), None)
        assert push.data == {"conversationID": cid, "change": change}
        [ev] = events(push)
        [item] = ev["RecentContactMod"]
        assert item["PushType"] == push_type and item[key]["RecentContactList"] == [ref]
    odd = p.stream_push(EventKind.CONV_CHANGED, "a", 5, ConversationChanged("C2Cb", "other"), None)
    assert tencent(odd) is None


def test_profiles_and_relations() -> None:
    profile = {
        "nick": "Al",
        "allowType": "x",
        "profileCustomField": [{"key": "Tag_Profile_Custom_a", "value": 1}],
    }
    push = p.stream_push(EventKind.PROFILE, "bob", 1, ProfileChanged("alice", profile), None)
    assert push.data == {"userID": "alice", "profile": profile}
    [mod] = events(push)[0]["ProfileDataMod"]
    assert mod["ProfileList"] == [
        {"Tag": "Tag_Profile_IM_Nick", "Value": "Al"},
        {"Tag": "Tag_Profile_IM_AllowType", "Value": "x"},
        {"Tag": "Tag_Profile_Custom_a", "Value": 1},
    ]
    friends = p.stream_push(
        EventKind.FRIENDS, "a", 2, FriendsChanged(("b",), ("c",), ("b", "d")), None
    )
    assert friends.data == {"added": ["b"], "removed": ["c"], "updated": ["b", "d"]}
    mods = [ev["FriendListMod"][0] for ev in events(friends)]
    assert mods == [
        {"PushType": 1, "FriendAdd_Account": ["b", "d"]},
        {"PushType": 2, "FriendDel_Account": ["c"]},
    ]
    black = p.stream_push(EventKind.BLACKLIST, "a", 3, BlacklistChanged(("x",), ("y",)), None)
    assert [ev["FriendListMod"][0]["PushType"] for ev in events(black)] == [5, 6]
    notes = (ApplicationNote("b", True, "src", "hi", T), ApplicationNote("c", False))
    apps = p.stream_push(
        EventKind.FRIEND_APPLICATIONS, "a", 4, ApplicationsChanged(notes, ("d",), T), None
    )
    assert [(i["userID"], i["type"], i["from"]) for i in apps.data["added"]] == [
        ("b", "Pendency_Type_ComeIn", "b"),
        ("c", "Pendency_Type_SendOut", "a"),
    ]
    mods = [ev["FriendListMod"][0] for ev in events(apps)]
    assert [(m["PushType"], m.get("From_Account")) for m in mods] == [
        (3, "b"),
        (3, "a"),
        (4, None),
        (7, None),
    ]
    assert mods[3]["ReportTime"] == T
    # list events stored before details were kept: an empty push, nothing for Tencent
    for kind in (EventKind.FRIENDS, EventKind.BLACKLIST, EventKind.FRIEND_APPLICATIONS):
        old = p.stream_push(kind, "a", 5, None, None)
        assert old.data == {} and tencent(old) is None
    assert tencent(p.stream_push(EventKind.FRIENDS, "a", 6, FriendsChanged(), None)) is None


@pytest.mark.parametrize(
    ("change", "role", "op"),
    [
        ("joined", "Owner", o.NOTICE_CREATED),
        ("joined", "Member", o.NOTICE_INVITED),
        ("role", "Admin", o.NOTICE_SET_ADMIN),
        ("role", "Member", o.NOTICE_CANCEL_ADMIN),
        ("kicked", None, o.NOTICE_KICKED),
        ("dismissed", None, o.NOTICE_DISMISSED),
        ("quit", None, o.NOTICE_QUIT),
        ("rejected", None, o.NOTICE_REJECTED),
        ("role", "Owner", None),
        ("renamed", None, None),
    ],
)
def test_memberships(change: str, role: str | None, op: int | None) -> None:
    payload = MembershipChanged("g1", change, "Public", join_seq=4, role=role, reason="why")
    push = p.stream_push(EventKind.GROUP, "bob", 7, payload, None)
    assert push.ev == "GROUP_LIST_UPDATED"
    assert push.data["groupID"] == "g1" and push.data["joinSeq"] == 4
    if op is None:
        assert tencent(push) is None
        return
    [tip] = events(push)[0]["GroupTips"]
    assert tip["MsgBody"]["OpType"] == op and tip["MsgBody"]["RemarkInfo"] == "why"
    assert tip["GroupInfo"] == {"GroupId": "g1", "GroupType": "Public"}


def test_group_application_and_message_expiry() -> None:
    push = p.stream_push(EventKind.GROUP_APPLICATIONS, "a", 1, GroupApplicationsChanged("g1"), None)
    assert (push.ev, push.data) == ("GROUP_APPLICATION_LIST_UPDATED", {"groupID": "g1"})
    assert tencent(push) is None
    gone = p.stream_push(EventKind.MESSAGE, "a", 2, None, None)
    assert gone.ev == "UNKNOWN_EVENT"
    expired = p.expired_push(11, 3)
    assert (expired.ev, expired.data, expired.seq) == ("MESSAGE_EXPIRED", {"ID": "11"}, 3)
    assert tencent(expired) is None
    bare = p.membership_data(MembershipChanged("g", "quit", "Work"))
    assert bare == {"groupID": "g", "change": "quit", "groupType": "Work"}


# --------------------------------------------------------------------- notices


def test_notices() -> None:
    dismissed = p.notice_push(GroupDismissed("g1"))
    assert (dismissed.ev, dismissed.stream) == ("GROUP_DISMISSED", "GROUPg1")
    assert events(dismissed)[0]["GroupTips"][0]["MsgBody"]["OpType"] == o.NOTICE_DISMISSED
    system = p.notice_push(GroupSystemNotice("g1", "hello"))
    assert system.data == {"groupID": "g1", "content": "hello"}
    assert events(system)[0]["GroupTips"][0]["MsgBody"]["UserDefinedField"] == "hello"
    m = c2c(client_seq=0)
    c2c_receipt = p.notice_push(C2CReadReceipt("bob", (m,)))
    assert c2c_receipt.data["messages"][0]["clientTime"] == T
    [ev] = events(c2c_receipt)
    assert (ev["Event"], ev["UserId"], ev["PeerReadTime"]) == (o.EV_C2C_RECEIPT, "bob", T)
    assert ev["C2cMsgInfo"][0]["MsgSeq"] == 3
    g_receipt = p.notice_push(GroupReadReceipt("g1", "bob", 9, (ReceiptCount(grp(), 2, 1),)))
    assert g_receipt.data["messages"][0]["readCount"] == 2
    [ev] = events(g_receipt)
    counts = ev["GroupTips"][0]["MsgBody"]["GroupMsgReceiptList"]
    assert counts == [
        {
            "TinyId": tiny_id("alice"),
            "MsgClientTime": T,
            "MsgRandom": 5,
            "MsgSeq": 9,
            "ReadNum": 2,
            "UnreadNum": 1,
        }
    ]
    assert tencent(p.notice_push(GroupReadReceipt("g1", "bob", 9))) is None


def test_kicks_and_sync_done() -> None:
    for kick_type, code in (
        ("multipleAccount", 1),
        ("multipleDevice", 2),
        ("REST_API_Kick", 3),
        ("other", 1),
    ):
        push = p.kicked_out(kick_type)
        frame = tencent(push)
        assert frame is not None and frame["head"]["servcmd"] == "im_open_status.stat_forceoffline"
        [ev] = frame["body"]["EventArray"]
        assert ev["C2cNotifyMsgArray"][0]["KickoutMsgNotify"]["KickType"] == code
    done = p.sync_done(5, True, {"g": 2}, ["g"])
    assert done.data == {
        "cursor": 5,
        "resync": True,
        "groupCursors": {"g": 2},
        "groupsTruncated": ["g"],
    }
    assert tencent(done) is None
    assert TENCENT.encode_push(Push("NO_SUCH_PUSH", {})) == b""
