"""Groups through Tencent's own web SDK (``@tencentcloud/chat`` 3.6.6 in Chromium) on
Palaver: create, members, messages with @-mentions, history, read state, recall,
applications, quit and dismiss (docs/tencent-client-protocol.md)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import RunningServer
from support.tencent_sdk import TencentError, TencentHarness, TencentTab

pytestmark = pytest.mark.timeout(180)

AT_ALL = "__kImSDK_MesssageAtALL__"


async def login(server: RunningServer, tencent: TencentHarness, *users: str) -> list[TencentTab]:
    await server.import_users(*users)
    return [await tencent.login(u, server.sig(u)) for u in users]


def texts(messages: list[dict[str, Any]]) -> list[str]:
    return [m["payload"]["text"] for m in messages if m["type"] == "TIMTextElem"]


async def test_work_group_messages_mentions_history_and_read_state(
    server: RunningServer, tencent: TencentHarness
) -> None:
    alice, bob, carol = await login(server, tencent, "alice", "bob", "carol")
    created = await alice.call(
        "createGroup",
        {
            "type": "Private",
            "name": "weekend",
            "memberList": [{"userID": "bob"}, {"userID": "carol"}],
        },
    )
    gid = created["group"]["groupID"]
    assert created["group"]["type"] == "Private" and gid.startswith("@TGS#"), alice.report()
    # the members see the group (its list and a tip of who joined)
    await bob.wait_event("GROUP_LIST_UPDATED", lambda d: any(g["groupID"] == gid for g in d))
    groups = await bob.call("getGroupList")
    assert [g["groupID"] for g in groups["groupList"]] == [gid], bob.report()

    sent = await alice.send_text(gid, "hello all", "GROUP")
    got = await bob.wait_event("MESSAGE_RECEIVED", lambda d: any(m["ID"] == sent["ID"] for m in d))
    m = next(m for m in got if m["ID"] == sent["ID"])
    assert (m["conversationID"], m["from"], m["payload"]["text"]) == (
        "GROUP" + gid,
        "alice",
        "hello all",
    ), bob.report()
    await carol.wait_event("MESSAGE_RECEIVED", lambda d: any(m["ID"] == sent["ID"] for m in d))

    # an @-mention of bob
    mention = await carol.js(
        """const m = chat.createTextAtMessage({to: a.gid, conversationType: 'GROUP',
            payload: {text: '@bob lunch?', atUserList: ['bob']}});
           return (await chat.sendMessage(m)).data.message.ID;""",
        {"gid": gid},
    )
    got = await bob.wait_event("MESSAGE_RECEIVED", lambda d: any(m["ID"] == mention for m in d))
    (m,) = [m for m in got if m["ID"] == mention]
    assert m["atUserList"] == ["bob"], bob.report()
    conv = await bob.call("getConversationProfile", "GROUP" + gid)
    assert conv["conversation"]["unreadCount"] >= 2, bob.report()

    # history: everyone sees the same messages, in order
    page = await bob.call("getMessageList", {"conversationID": "GROUP" + gid})
    assert texts(page["messageList"]) == ["hello all", "@bob lunch?"], bob.report()
    await bob.call("setMessageRead", {"conversationID": "GROUP" + gid})
    conv = await bob.call("getConversationProfile", "GROUP" + gid)
    assert conv["conversation"]["unreadCount"] == 0


async def test_recall_members_and_dismiss(server: RunningServer, tencent: TencentHarness) -> None:
    alice, bob = await login(server, tencent, "alice", "bob")
    created = await alice.call(
        "createGroup", {"type": "Public", "name": "club", "memberList": [{"userID": "bob"}]}
    )
    gid = created["group"]["groupID"]
    sent = await bob.send_text(gid, "mistake", "GROUP")
    await alice.wait_event("MESSAGE_RECEIVED", lambda d: any(m["ID"] == sent["ID"] for m in d))
    await bob.call("revokeMessage", bob.msg(sent["ID"]))
    revoked = await alice.wait_event("MESSAGE_REVOKED")
    assert revoked[0]["ID"] == sent["ID"] and revoked[0]["isRevoked"], alice.report()

    members = await alice.call("getGroupMemberList", {"groupID": gid, "count": 30, "offset": 0})
    roles = {m["userID"]: m["role"] for m in members["memberList"]}
    assert roles == {"alice": "Owner", "bob": "Member"}, alice.report()
    await alice.call("setGroupMemberRole", {"groupID": gid, "userID": "bob", "role": "Admin"})
    await alice.call("setGroupMemberMuteTime", {"groupID": gid, "userID": "bob", "muteTime": 0})
    (bob_member,) = (
        await alice.call("getGroupMemberProfile", {"groupID": gid, "userIDList": ["bob"]})
    )["memberList"]
    assert bob_member["role"] == "Admin", alice.report()
    # members may not dismiss; the owner may
    with pytest.raises(TencentError) as err:
        await bob.call("dismissGroup", gid)
    assert err.value.code == 10007
    await alice.call("dismissGroup", gid)
    await bob.wait_event("GROUP_LIST_UPDATED", lambda d: all(g["groupID"] != gid for g in d))


async def test_join_with_approval_and_quit(server: RunningServer, tencent: TencentHarness) -> None:
    alice, dave = await login(server, tencent, "alice", "dave")
    created = await alice.call(
        "createGroup", {"type": "Public", "name": "hikers", "joinOption": "NeedPermission"}
    )
    gid = created["group"]["groupID"]
    found = await dave.call("searchGroupByID", gid)
    assert found["group"]["name"] == "hikers", dave.report()
    joined = await dave.call("joinGroup", {"groupID": gid, "applyMessage": "me too"})
    assert joined["status"] == "WaitAdminApproval", dave.report()
    apps = await alice.call("getGroupApplicationList")
    (application,) = apps["applicationList"]
    assert application["applicant"] == "dave", alice.report()
    await alice.call(
        "handleGroupApplication", {"handleAction": "Agree", "application": application}
    )
    await dave.wait_event("GROUP_LIST_UPDATED", lambda d: any(g["groupID"] == gid for g in d))
    sent = await dave.send_text(gid, "thanks", "GROUP")
    await alice.wait_event("MESSAGE_RECEIVED", lambda d: any(m["ID"] == sent["ID"] for m in d))
    await dave.call("quitGroup", gid)
    assert (await dave.call("getGroupList"))["groupList"] == []
    with pytest.raises(TencentError) as err:
        await dave.call("searchGroupByID", "@TGS#nope")
    assert err.value.code == 10010


async def test_live_room_join_receive_and_online_count(
    server: RunningServer, tencent: TencentHarness
) -> None:
    host, viewer = await login(server, tencent, "host", "viewer")
    created = await host.call("createGroup", {"type": "AVChatRoom", "name": "live"})
    gid = created["group"]["groupID"]
    for tab in (host, viewer):  # the SDK sends to a live room only once it joined it
        joined = await tab.call("joinGroup", {"groupID": gid})
        assert joined["status"] == "JoinedSuccess", tab.report()
    sent = await host.send_text(gid, "welcome", "GROUP")
    got = await viewer.wait_event(
        "MESSAGE_RECEIVED", lambda d: any(m["ID"] == sent["ID"] for m in d)
    )
    assert next(m for m in got if m["ID"] == sent["ID"])["payload"]["text"] == "welcome"
    count = await viewer.call("getGroupOnlineMemberCount", gid)
    assert count["memberCount"] == 2, viewer.report()
    await viewer.call("quitGroup", gid)
    await host.send_text(gid, "bye", "GROUP")
    # the one who left gets nothing more of the room: the next message is a C2C
    # one sent after the room's last
    await host.send_text("viewer", "after the room")
    (next_one,) = await viewer.received(1)
    assert next_one["payload"]["text"] == "after the room", viewer.report()


async def test_group_tips_say_who_did_what(server: RunningServer, tencent: TencentHarness) -> None:
    """The tips chat-uikit turns into "alice invited carol" lines: one per change,
    in order, with the operator, the members and the new profile."""
    alice, bob = await login(server, tencent, "alice", "bob")
    await server.import_users("carol")
    created = await alice.call(
        "createGroup", {"type": "Public", "name": "club", "memberList": [{"userID": "bob"}]}
    )
    gid = created["group"]["groupID"]
    # the founding members' join is the group's first tip
    first = await bob.wait_event(
        "MESSAGE_RECEIVED", lambda d: any(m["type"] == "TIMGroupTipElem" for m in d)
    )
    assert sorted(first[0]["payload"]["userIDList"]) == ["alice", "bob"], bob.report()
    await alice.call("addGroupMember", {"groupID": gid, "userIDList": ["carol"]})
    await alice.call("setGroupMemberRole", {"groupID": gid, "userID": "bob", "role": "Admin"})
    await alice.call("updateGroupProfile", {"groupID": gid, "name": "the club"})
    await alice.call("deleteGroupMember", {"groupID": gid, "userIDList": ["carol"]})

    tips: list[dict[str, Any]] = []
    while len(tips) < 4:
        batch = await bob.wait_event(
            "MESSAGE_RECEIVED", lambda d: any(m["type"] == "TIMGroupTipElem" for m in d)
        )
        tips += [m for m in batch if m["type"] == "TIMGroupTipElem"]
    types = await bob.js(
        "const T = TencentCloudChat.TYPES; return [T.GRP_TIP_MBR_JOIN, T.GRP_TIP_MBR_SET_ADMIN,"
        " T.GRP_TIP_GRP_PROFILE_UPDATED, T.GRP_TIP_MBR_KICKED_OUT];"
    )
    got = [t["payload"] for t in tips]
    assert [p["operationType"] for p in got] == types, bob.report()
    assert all(p["operatorID"] == "alice" for p in got)
    assert got[0]["userIDList"] == ["carol"] and got[3]["userIDList"] == ["carol"]
    assert got[1]["userIDList"] == ["bob"]
    assert got[2]["newGroupProfile"]["groupName"] == "the club"
    assert all(t["conversationID"] == "GROUP" + gid for t in tips)


async def test_group_read_receipts_and_priority(
    server: RunningServer, tencent: TencentHarness
) -> None:
    """A sender asks for receipts: it is told as members read, and can ask who has."""
    alice, bob, carol = await login(server, tencent, "alice", "bob", "carol")
    created = await alice.call(
        "createGroup",
        {"type": "Private", "name": "team", "memberList": [{"userID": "bob"}, {"userID": "carol"}]},
    )
    gid = created["group"]["groupID"]
    sent = await alice.send_text(
        gid, "read by noon please", "GROUP", needReadReceipt=True, priority="High"
    )
    got = await bob.wait_event("MESSAGE_RECEIVED", lambda d: any(m["ID"] == sent["ID"] for m in d))
    (mine,) = [m for m in got if m["ID"] == sent["ID"]]
    assert (mine["needReadReceipt"], mine["priority"]) == (True, "High"), bob.report()

    await bob.call("sendMessageReadReceipt", [bob.msg(sent["ID"])])
    (receipt,) = await alice.wait_event("MESSAGE_READ_RECEIPT_RECEIVED")
    assert (receipt["groupID"], receipt["messageID"]) == (gid, sent["ID"]), alice.report()
    assert (receipt["readCount"], receipt["unreadCount"]) == (1, 1)

    listed = await alice.call("getMessageReadReceiptList", [alice.msg(sent["ID"])])
    info = listed["messageList"][0]["readReceiptInfo"]
    assert (info["readCount"], info["unreadCount"]) == (1, 1), alice.report()
    for flag, key, who in ((0, "readUserIDList", ["bob"]), (1, "unreadUserIDList", ["carol"])):
        page = await alice.call(
            "getGroupMessageReadMemberList",
            {"message": alice.msg(sent["ID"]), "filter": flag, "cursor": "", "count": 30},
        )
        assert (page[key], page["isCompleted"]) == (who, True), alice.report()

    # a receipt is only for messages that asked for one, and not for my own
    with pytest.raises(TencentError):
        await alice.call("sendMessageReadReceipt", [alice.msg(sent["ID"])])


async def test_group_profile_and_name_cards(server: RunningServer, tencent: TencentHarness) -> None:
    alice, bob = await login(server, tencent, "alice", "bob")
    created = await alice.call(
        "createGroup",
        {
            "type": "Public",
            "name": "readers",
            "introduction": "books",
            "memberList": [{"userID": "bob"}],
        },
    )
    gid = created["group"]["groupID"]
    profile = (await bob.call("getGroupProfile", {"groupID": gid}))["group"]
    assert (profile["name"], profile["introduction"], profile["ownerID"]) == (
        "readers",
        "books",
        "alice",
    ), bob.report()
    assert profile["memberCount"] == 2

    await bob.call("setGroupMemberNameCard", {"groupID": gid, "nameCard": "Bob the reader"})
    (me,) = (await alice.call("getGroupMemberProfile", {"groupID": gid, "userIDList": ["bob"]}))[
        "memberList"
    ]
    assert me["nameCard"] == "Bob the reader", alice.report()
    # a member may not rename another; the owner may
    with pytest.raises(TencentError) as err:
        await bob.call(
            "setGroupMemberNameCard", {"groupID": gid, "userID": "alice", "nameCard": "boss"}
        )
    assert err.value.code == 10007, bob.report()
    await alice.call(
        "setGroupMemberNameCard", {"groupID": gid, "userID": "bob", "nameCard": "Bobby"}
    )
    (me,) = (await bob.call("getGroupMemberProfile", {"groupID": gid, "userIDList": ["bob"]}))[
        "memberList"
    ]
    assert me["nameCard"] == "Bobby", bob.report()
    with pytest.raises(TencentError) as err:
        await bob.call("getGroupProfile", {"groupID": "@TGS#nope"})
    assert err.value.code == 10010
