"""Conversation features (issue 17) through Palaver's protocol, the Python SDK,
REST and the callbacks: do-not-disturb (``setMessageRemindType``, REST
``MsgFlag``) with its effect on unread totals and the offline-push hook, the
unread total and list filters, drafts and custom data, marks and conversation
groups, each with its errors. Every wait is bounded (``test_client_sdk.Recorder``).
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import RunningServer
from palaver.client import TYPES, Chat, ChatError, Conversation
from support.backend import Backend
from support.waiting import eventually
from test_client_sdk import Connect, connect, send_text

__all__ = ["connect"]  # the fixture, used by name

C2C_AFTER = "C2C.CallbackAfterSendMsg"


async def make_group(server: RunningServer, owner: str, gid: str, *members: str) -> None:
    await server.ok(
        "group_open_http_svc",
        "create_group",
        {
            "Owner_Account": owner,
            "Type": "Work",
            "GroupId": gid,
            "Name": gid,
            "MemberList": [{"Member_Account": m} for m in members],
        },
    )


async def group_text(server: RunningServer, gid: str, frm: str, text: str, rnd: int) -> None:
    await server.ok(
        "group_open_http_svc",
        "send_group_msg",
        {
            "GroupId": gid,
            "From_Account": frm,
            "Random": rnd,
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}],
        },
    )


def conv_of(chat: Chat, cid: str) -> Conversation:
    """``cid`` in ``chat``'s own list (an empty one if not listed)."""
    return next((c for c in chat.conversations if c.conversation_id == cid), Conversation(cid))


def unread_of(chat: Chat, cid: str) -> int:
    """The unread count of ``cid`` in ``chat``'s own list (-1: not listed)."""
    return next((c.unread_count for c in chat.conversations if c.conversation_id == cid), -1)


# ------------------------------------------------------------- do not disturb


async def test_c2c_do_not_disturb_leaves_the_unread_total(
    server: RunningServer, connect: Connect
) -> None:
    await server.import_users("alice", "bob", "carol")
    alice, _ = await connect("alice")
    carol, _ = await connect("carol")
    bob, b = await connect("bob")
    bob2, b2 = await connect("bob", platform="iOS")

    res = await bob.set_message_remind_type(
        TYPES.MSG_REMIND_ACPT_NOT_NOTE, user_id_list=["alice", "nobody"]
    )
    assert res["successUserIDList"] == [{"userID": "alice"}]
    assert res["failureUserIDList"] == [{"userID": "nobody", "code": 50002}]
    await send_text(alice, "bob", "a1")
    await send_text(alice, "bob", "a2")
    await send_text(carol, "bob", "c1")

    conv = await b.conversation("C2Calice", lambda c: c.unread_count == 2)
    assert conv.message_remind_type == TYPES.MSG_REMIND_ACPT_NOT_NOTE and conv.muted
    await eventually(lambda: unread_of(bob, "C2Ccarol") == 1)
    await b.unread_total(1)  # alice's two are muted: only carol's counts
    assert await bob.get_total_unread_message_count() == 1
    # bob's other device learns the setting too
    await b2.conversation("C2Calice", lambda c: c.muted and c.unread_count == 2)
    await b2.unread_total(1)

    await bob.set_message_remind_type(TYPES.MSG_REMIND_ACPT_AND_NOTE, user_id_list=["alice"])
    await b.unread_total(3)
    assert await bob.get_total_unread_message_count() == 3

    with pytest.raises(ChatError) as err:
        await bob.set_message_remind_type("Loud", user_id_list=["alice"])
    assert err.value.code == 50002


async def test_group_do_not_disturb_by_rest_msgflag_and_by_the_sdk(
    server: RunningServer, connect: Connect
) -> None:
    await server.import_users("owner", "bob", "eve")
    await make_group(server, "owner", "g1", "bob")
    bob, b = await connect("bob")
    eve, _ = await connect("eve")
    await group_text(server, "g1", "owner", "one", 1)
    await b.unread_total(1)

    # REST MsgFlag takes effect on bob's devices at once
    await server.ok(
        "group_open_http_svc",
        "modify_group_member_info",
        {"GroupId": "g1", "Member_Account": "bob", "MsgFlag": "AcceptNotNotify"},
    )
    await b.conversation("GROUPg1", lambda c: c.message_remind_type == "AcceptNotNotify")
    await b.unread_total(0)
    await group_text(server, "g1", "owner", "two", 2)
    conv = await b.conversation("GROUPg1", lambda c: c.unread_count == 2)
    assert conv.muted
    assert await bob.get_total_unread_message_count() == 0

    # the SDK call sets the member's MsgFlag, seen by REST
    await bob.set_message_remind_type(TYPES.MSG_REMIND_ACPT_AND_NOTE, group_id="g1")
    await b.unread_total(2)
    info = await server.ok("group_open_http_svc", "get_group_member_info", {"GroupId": "g1"})
    flags = {m["Member_Account"]: m["MsgFlag"] for m in info["MemberList"]}
    assert flags["bob"] == "AcceptAndNotify"

    # permission: eve is not a member; a group that does not exist
    with pytest.raises(ChatError) as err:
        await eve.set_message_remind_type(TYPES.MSG_REMIND_DISCARD, group_id="g1")
    assert err.value.code == 10007
    with pytest.raises(ChatError) as err:
        await eve.set_message_remind_type(TYPES.MSG_REMIND_DISCARD, group_id="nope")
    assert err.value.code == 10010


async def test_muted_c2c_messages_tell_the_offline_push_hook_not_to_push(
    server: RunningServer, connect: Connect
) -> None:
    backend = Backend()
    await backend.start()
    try:
        await server.hub.apps.update_settings(
            server.app.sdkappid,
            callback_url=backend.url,
            callback_commands=[C2C_AFTER],
        )
        await server.import_users("alice", "bob")
        bob, _ = await connect("bob")
        push = {"PushFlag": 0, "Title": "hi", "Desc": "new message"}
        body: dict[str, Any] = {
            "From_Account": "alice",
            "To_Account": "bob",
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "loud"}}],
            "OfflinePushInfo": push,
        }
        await server.ok("openim", "sendmsg", {**body, "MsgRandom": 1})
        (loud,) = await backend.wait_for(C2C_AFTER, 1)
        assert loud.body["OfflinePushInfo"] == push and "To_Account_MsgFlag" not in loud.body

        await bob.set_message_remind_type(TYPES.MSG_REMIND_ACPT_NOT_NOTE, user_id_list=["alice"])
        await server.ok("openim", "sendmsg", {**body, "MsgRandom": 2})
        _, quiet = await backend.wait_for(C2C_AFTER, 2)
        assert quiet.body["OfflinePushInfo"] == {**push, "PushFlag": 1}  # do not push
        assert quiet.body["To_Account_MsgFlag"] == "AcceptNotNotify"
    finally:
        await backend.stop()


# -------------------------------------------------- total unread and filters


async def test_conversation_list_filters(server: RunningServer, connect: Connect) -> None:
    await server.import_users("alice", "bob", "carol", "owner")
    await make_group(server, "owner", "g2", "bob")
    alice, _ = await connect("alice")
    carol, _ = await connect("carol")
    bob, b = await connect("bob")
    await send_text(alice, "bob", "hi")
    await send_text(carol, "bob", "yo")
    await group_text(server, "g2", "owner", "all", 1)
    await b.unread_total(3)
    await bob.set_message_read(conversation_id="C2Ccarol")
    await b.unread_total(2)

    def ids(convs: list[Any]) -> set[str]:
        return {c.conversation_id for c in convs}

    assert ids(await bob.get_conversation_list(type="C2C")) == {"C2Calice", "C2Ccarol"}
    assert ids(await bob.get_conversation_list(type="GROUP")) == {"GROUPg2"}
    assert ids(await bob.get_conversation_list(has_unread_count=True)) == {
        "C2Calice",
        "GROUPg2",
    }
    assert ids(await bob.get_conversation_list(has_unread_count=False)) == {"C2Ccarol"}
    await bob.mark_conversation(["C2Calice"], TYPES.CONV_MARK_TYPE_STAR, True)
    assert ids(await bob.get_conversation_list(mark_type=TYPES.CONV_MARK_TYPE_STAR)) == {"C2Calice"}
    assert ids(await bob.get_conversation_list(mark_type=0)) == {"C2Ccarol", "GROUPg2"}
    await bob.create_conversation_group("work", ["GROUPg2", "C2Ccarol"])
    assert ids(await bob.get_conversation_list(group_name="work")) == {"GROUPg2", "C2Ccarol"}
    assert ids(await bob.get_conversation_list(group_name="")) == {"C2Calice"}
    # the server filters the same way (Palaver's protocol)
    got = await bob._request("getConversationList", {"type": "GROUP", "hasUnreadCount": True})
    assert [c["conversationID"] for c in got["conversationList"]] == ["GROUPg2"]


# ------------------------------------------------ drafts, custom data, marks


async def test_drafts_and_custom_data_follow_to_my_other_devices(
    server: RunningServer, connect: Connect
) -> None:
    await server.import_users("alice", "bob", "owner")
    await make_group(server, "owner", "g3", "owner")
    alice, a = await connect("alice")
    alice2, a2 = await connect("alice", platform="iOS")
    await send_text(alice, "bob", "hi")
    await a.conversation("C2Cbob")

    await alice.set_conversation_draft("C2Cbob", "half a thought")
    conv = await a2.conversation("C2Cbob", lambda c: c.draft_text == "half a thought")
    assert conv.draft_text == "half a thought"
    await alice.set_conversation_custom_data(["C2Cbob"], "colour=blue")
    await a2.conversation("C2Cbob", lambda c: c.custom_data == "colour=blue")
    await alice.set_conversation_draft("C2Cbob", "")
    await a2.conversation("C2Cbob", lambda c: c.draft_text == "")

    # errors: a bad ID, a user that does not exist, a group I am not in, too long
    for cid in ("bob", "C2Cnobody", "GROUPg3"):
        with pytest.raises(ChatError) as err:
            await alice.set_conversation_draft(cid, "x")
        assert err.value.code == 50002, cid
    with pytest.raises(ChatError) as err:
        await alice.set_conversation_custom_data(["C2Cbob"], "x" * 257)
    assert err.value.code == 50002


async def test_marks_set_and_clear(server: RunningServer, connect: Connect) -> None:
    await server.import_users("alice", "bob")
    alice, a = await connect("alice")
    await send_text(alice, "bob", "hi")
    await a.conversation("C2Cbob")
    for mark in (TYPES.CONV_MARK_TYPE_STAR, TYPES.CONV_MARK_TYPE_UNREAD, TYPES.CONV_MARK_TYPE_FOLD):
        await alice.mark_conversation(["C2Cbob"], mark, True)
    conv = await a.conversation("C2Cbob", lambda c: len(c.mark_list) == 3)
    assert conv.mark_list == [1, 2, 4]
    await alice.mark_conversation(["C2Cbob"], TYPES.CONV_MARK_TYPE_UNREAD, False)
    await alice.mark_conversation(["C2Cbob"], TYPES.CONV_MARK_TYPE_HIDE, True)
    conv = await a.conversation("C2Cbob", lambda c: c.mark_list == [1, 4, 8])
    with pytest.raises(ChatError) as err:
        await alice.mark_conversation(["C2Cbob"], 16, True)
    assert err.value.code == 50002


# -------------------------------------------------------- conversation groups


async def test_conversation_groups(server: RunningServer, connect: Connect) -> None:
    await server.import_users("alice", "bob", "carol")
    alice, a = await connect("alice")
    await send_text(alice, "bob", "hi")
    await send_text(alice, "carol", "hi")
    await a.conversation("C2Ccarol")

    await alice.create_conversation_group("friends", ["C2Cbob"])
    assert await alice.get_conversation_group_list() == ["friends"]
    await a.conversation("C2Cbob", lambda c: c.conversation_group_list == ["friends"])
    await alice.add_conversations_to_group("friends", ["C2Ccarol"])
    await a.conversation("C2Ccarol", lambda c: c.conversation_group_list == ["friends"])
    await alice.rename_conversation_group("friends", "pals")
    await a.conversation("C2Cbob", lambda c: c.conversation_group_list == ["pals"])
    await alice.delete_conversations_from_group("pals", ["C2Cbob"])
    await a.conversation("C2Cbob", lambda c: c.conversation_group_list == [])
    await alice.delete_conversation_group("pals")
    assert await alice.get_conversation_group_list() == []
    await a.conversation("C2Ccarol", lambda c: c.conversation_group_list == [])

    # errors: no such group, a taken name, a bad conversation, too many groups
    with pytest.raises(ChatError) as err:
        await alice.add_conversations_to_group("nope", ["C2Cbob"])
    assert err.value.code == 50002
    await alice.create_conversation_group("g", ["C2Cbob"])
    with pytest.raises(ChatError) as err:
        await alice.create_conversation_group("g", ["C2Cbob"])
    assert err.value.code == 50002
    with pytest.raises(ChatError) as err:
        await alice.create_conversation_group("h", ["C2Cnobody"])
    assert err.value.code == 50002
    for i in range(19):
        await alice.create_conversation_group(f"n{i}", ["C2Cbob"])
    with pytest.raises(ChatError) as err:
        await alice.create_conversation_group("one too many", ["C2Cbob"])
    assert err.value.code == 51008


# ----------------------------------------------------------------------- REST


async def test_rest_marks_and_conversation_groups(server: RunningServer, connect: Connect) -> None:
    await server.import_users("alice", "bob", "carol")
    alice, a = await connect("alice")
    await send_text(alice, "bob", "hi")
    await send_text(alice, "carol", "hi")
    rc = "recentcontact"
    bob = {"Type": 1, "To_Account": "bob"}
    carol = {"Type": 1, "To_Account": "carol"}

    res = await server.ok(
        rc,
        "mark_contact",
        {
            "From_Account": "alice",
            "MarkItem": [
                {"OptType": 1, "ContactItem": bob, "SetMark": [0, 2]},
                {"OptType": 2, "ContactItem": carol, "CustomMark": "vip"},
                {"OptType": 1, "ContactItem": {"Type": 1, "To_Account": "nobody"}, "SetMark": [0]},
            ],
        },
    )
    assert [r["ResultCode"] for r in res["ResultItem"]] == [0, 0, 50002]
    assert res["ResultItem"][0]["ContactItem"] == bob
    # the user's devices see REST's changes
    await eventually(lambda: conv_of(alice, "C2Cbob").mark_list == [1, 4])
    await eventually(lambda: conv_of(alice, "C2Ccarol").custom_data == "vip")

    made = await server.ok(
        rc,
        "create_contact_group",
        {"From_Account": "alice", "GroupContactItem": [{"GroupName": "g", "ContactItem": [bob]}]},
    )
    (result,) = made["GroupResultItem"]
    gid = result["GroupItem"]["GroupId"]
    assert result["GroupItem"]["GroupName"] == "g" and result["ResultItem"][0]["ResultCode"] == 0
    await server.ok(
        rc,
        "update_contact_group",
        {
            "From_Account": "alice",
            "UpdateType": 1,
            "UpdateGroup": {
                "UpdateGroupType": 2,
                "OldGroupName": "g",
                "ContactUpdateItem": [{"ContactOptType": 1, "ContactItem": carol}],
            },
        },
    )
    renamed = await server.ok(
        rc,
        "update_contact_group",
        {
            "From_Account": "alice",
            "UpdateType": 1,
            "UpdateGroup": {"UpdateGroupType": 1, "OldGroupName": "g", "NewGroupName": "h"},
        },
    )
    assert renamed["UpdateGroupResult"]["GroupId"] == gid
    got = await server.ok(rc, "get_contact_group", {"From_Account": "alice"})
    assert got["GroupItem"] == [{"GroupName": "h", "GroupId": gid}]
    items = {i["To_Account"]: i for i in got["ContactItem"]}
    assert items["bob"]["StandardMark"] == "101" and items["bob"]["ContactGroupId"] == [gid]
    assert items["carol"]["CustomMark"] == "vip" and items["carol"]["ContactGroupId"] == [gid]
    found = await server.ok(
        rc, "search_contact_group", {"From_Account": "alice", "ContactItem": [carol]}
    )
    assert [i["To_Account"] for i in found["ContactResultItem"]] == ["carol"]
    assert (await alice.get_conversation_group_list()) == ["h"]

    # errors: a taken name, no such group, a user who is not imported
    taken = await server.rest(
        rc,
        "create_contact_group",
        {"From_Account": "alice", "GroupContactItem": [{"GroupName": "h", "ContactItem": [bob]}]},
    )
    assert taken["ErrorCode"] == 50002
    gone = await server.rest(rc, "del_contact_group", {"From_Account": "alice", "GroupName": ["x"]})
    assert gone["ErrorCode"] == 50002
    nobody = await server.rest(rc, "get_contact_group", {"From_Account": "ghost"})
    assert nobody["ErrorCode"] == 50001
    deleted = await server.ok(
        rc, "del_contact_group", {"From_Account": "alice", "GroupName": ["h"]}
    )
    assert deleted["GroupItem"] == [{"GroupName": "h", "GroupId": gid}]
    await eventually(lambda: conv_of(alice, "C2Cbob").conversation_group_list == [])
