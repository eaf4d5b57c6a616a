"""The Python SDK's groups (``palaver.client``), end to end against a real server.

Group calls with their errors, the events an app sees (``GROUP_LIST_UPDATED``,
``GROUP_APPLICATION_LIST_UPDATED``, ``MESSAGE_READ_RECEIPT_RECEIVED``, group
tips as ``MESSAGE_RECEIVED``), group conversations with unread counts and
@-mentions, AVChatRooms joined again after a reconnect, and resume in a busy
group. Every wait is bounded (see ``test_client_sdk.Recorder``).
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest

from conftest import RunningServer
from palaver.client import EVENT, TYPES, Chat, ChatError, Conversation, Message
from test_client_sdk import WAIT, Connect, Recorder, connect, drop_connections, send_text

__all__ = ["connect"]  # the fixture, used by name


def group_cid(gid: str) -> str:
    return TYPES.CONV_GROUP + gid


async def group_messages(
    rec: Recorder, gid: str, n: int, type: str | None = TYPES.MSG_TEXT, within: float = WAIT
) -> list[Message]:
    """The next ``n`` received messages of ``GROUP<gid>`` (of ``type``; others skipped)."""
    got: list[Message] = []

    async def collect() -> None:
        while len(got) < n:
            batch = await rec.queues[EVENT.MESSAGE_RECEIVED].get()
            got.extend(
                m
                for m in batch
                if m.conversation_id == group_cid(gid) and (type is None or m.type == type)
            )

    await asyncio.wait_for(collect(), within)
    assert len(got) == n, got
    return got


async def group_tip(rec: Recorder, gid: str, operation: int, within: float = WAIT) -> Message:
    """The next group tip of ``GROUP<gid>`` with ``operationType`` ``operation``; the
    tips before it (the group's creation tips, say) are skipped. One
    ``MESSAGE_RECEIVED`` batch may hold several tips."""

    def wanted(m: Message) -> bool:
        return (
            m.conversation_id == group_cid(gid)
            and m.type == TYPES.MSG_GRP_TIP
            and m.payload["operationType"] == operation
        )

    batch = await rec.until(EVENT.MESSAGE_RECEIVED, lambda ms: any(map(wanted, ms)), within)
    return next(m for m in batch if wanted(m))


async def send_group_text(chat: Chat, gid: str, text: str, **kw: Any) -> Message:
    msg = chat.create_text_message(
        to=gid, conversation_type=TYPES.CONV_GROUP, payload={"text": text}, **kw
    )
    return await chat.send_message(msg)


def has_group(gid: str) -> Any:
    return lambda groups: any(g["groupID"] == gid for g in groups)


async def test_group_constants_are_tencents() -> None:
    assert EVENT.GROUP_LIST_UPDATED == "onGroupListUpdated"
    assert EVENT.MESSAGE_READ_RECEIPT_RECEIVED == "onMessageReadReceiptReceived"
    assert TYPES.MSG_GRP_TIP == "TIMGroupTipElem"
    assert TYPES.MSG_AT_ALL == "__kImSDK_MesssageAtALL__"
    assert [
        TYPES.GRP_TIP_MBR_JOIN,
        TYPES.GRP_TIP_MBR_QUIT,
        TYPES.GRP_TIP_MBR_KICKED_OUT,
        TYPES.GRP_TIP_MBR_SET_ADMIN,
        TYPES.GRP_TIP_MBR_CANCELED_ADMIN,
        TYPES.GRP_TIP_GRP_PROFILE_UPDATED,
        TYPES.GRP_TIP_MBR_PROFILE_UPDATED,
    ] == [1, 2, 3, 4, 5, 6, 7]
    assert (TYPES.GRP_WORK, TYPES.GRP_PUBLIC, TYPES.GRP_MEETING) == (
        "Private",
        "Public",
        "ChatRoom",
    )
    assert (TYPES.GRP_CHATROOM, TYPES.GRP_AVCHATROOM, TYPES.GRP_COMMUNITY) == (
        "ChatRoom",
        "AVChatRoom",
        "Community",
    )
    assert (TYPES.GRP_MBR_ROLE_OWNER, TYPES.GRP_MBR_ROLE_ADMIN, TYPES.GRP_MBR_ROLE_MEMBER) == (
        "Owner",
        "Admin",
        "Member",
    )
    assert TYPES.JOIN_OPTIONS_NEED_PERMISSION == "NeedPermission"
    assert TYPES.JOIN_OPTIONS_FREE_ACCESS == "FreeAccess"
    assert TYPES.JOIN_OPTIONS_DISABLE_APPLY == "DisableApply"
    assert TYPES.JOIN_STATUS_SUCCESS == "JoinedSuccess"
    assert TYPES.JOIN_STATUS_WAIT_APPROVAL == "WaitAdminApproval"
    assert TYPES.JOIN_STATUS_ALREADY_IN_GROUP == "AlreadyInGroup"


async def test_create_apply_agree_reject_and_group_list_events(
    server: RunningServer, connect: Connect
) -> None:
    await server.import_users("alice", "bob", "carol", "dave")
    alice, a = await connect("alice")
    bob, b = await connect("bob")
    carol, c = await connect("carol")
    dave, d = await connect("dave")
    created = await alice.create_group(
        type=TYPES.GRP_PUBLIC,
        name="team",
        join_option=TYPES.JOIN_OPTIONS_NEED_PERMISSION,
        member_list=[{"userID": "bob"}],
        group_custom_field=[{"key": "Tier", "value": "gold"}],
    )
    group = created["group"]
    gid = group["groupID"]
    assert group["selfInfo"]["role"] == TYPES.GRP_MBR_ROLE_OWNER and group["memberCount"] == 2
    groups = await b.until(EVENT.GROUP_LIST_UPDATED, has_group(gid))
    assert [g["selfInfo"]["role"] for g in groups if g["groupID"] == gid] == ["Member"]
    conv = await b.conversation(group_cid(gid))
    assert conv.type == TYPES.CONV_GROUP and conv.group_profile["groupID"] == gid
    assert conv.peer == gid

    res = await carol.join_group(gid, apply_message="let me in")
    assert res["status"] == TYPES.JOIN_STATUS_WAIT_APPROVAL
    apps = await a.next(EVENT.GROUP_APPLICATION_LIST_UPDATED)
    [item] = apps["applicationList"]
    assert (item["applicant"], item["applyMessage"], item["groupID"]) == ("carol", "let me in", gid)
    with pytest.raises(ChatError) as err:
        await bob.handle_group_application("Agree", application=item)
    assert err.value.code == 10007
    await alice.handle_group_application("Agree", application=item)
    await c.until(EVENT.GROUP_LIST_UPDATED, has_group(gid))
    await c.conversation(group_cid(gid))
    mine = (await carol.get_group_list())["groupList"]
    assert [(g["groupID"], g["selfInfo"]["role"]) for g in mine] == [(gid, "Member")]
    assert (await carol.join_group(gid))["status"] == TYPES.JOIN_STATUS_ALREADY_IN_GROUP

    assert (await dave.join_group(gid))["status"] == TYPES.JOIN_STATUS_WAIT_APPROVAL
    await a.until(EVENT.GROUP_APPLICATION_LIST_UPDATED, lambda x: len(x["applicationList"]) == 1)
    await alice.handle_group_application("Reject", group_id=gid, applicant="dave")
    assert await d.next(EVENT.GROUP_LIST_UPDATED) == []
    with pytest.raises(ChatError) as err:
        await alice.handle_group_application("Reject", group_id=gid, applicant="dave")
    assert err.value.code == 10024

    # profile and search
    assert (await dave.search_group_by_id(gid))["group"]["name"] == "team"
    new = await alice.update_group_profile(gid, name="Team", mute_all_members=False)
    assert new["group"]["name"] == "Team"
    with pytest.raises(ChatError) as err:
        await bob.update_group_profile(gid, name="mine")
    assert err.value.code == 10007
    profile = (await bob.get_group_profile(gid))["group"]
    assert profile["name"] == "Team" and profile["groupCustomField"] == [
        {"key": "Tier", "value": "gold"}
    ]
    with pytest.raises(ChatError) as err:
        await bob.get_group_profile("nope")
    assert err.value.code == 10010


async def test_members_roles_mute_kick_and_tips(server: RunningServer, connect: Connect) -> None:
    await server.import_users("alice", "bob", "carol")
    alice, a = await connect("alice")
    bob, b = await connect("bob")
    carol, c = await connect("carol")
    gid = (
        await alice.create_group(
            type=TYPES.GRP_WORK, name="work", member_list=[{"userID": "bob"}, {"userID": "carol"}]
        )
    )["group"]["groupID"]
    await c.until(EVENT.GROUP_LIST_UPDATED, has_group(gid))

    res = await alice.set_group_member_role(gid, "bob", TYPES.GRP_MBR_ROLE_ADMIN)
    assert res["member"]["role"] == "Admin"
    tip = await group_tip(c, gid, TYPES.GRP_TIP_MBR_SET_ADMIN)  # after the creation tips
    assert tip.payload["userIDList"] == ["bob"] and tip.payload["operatorID"] == "alice"

    members = await carol.get_group_member_list(gid, count=10)
    assert [(m["userID"], m["role"]) for m in members["memberList"]] == [
        ("alice", "Owner"),
        ("bob", "Admin"),
        ("carol", "Member"),
    ]
    assert members["offset"] == 0
    assert [
        m["userID"] for m in (await bob.get_group_member_profile(gid, ["carol"]))["memberList"]
    ] == ["carol"]

    await bob.set_group_member_mute_time(gid, "carol", 600)
    with pytest.raises(ChatError) as err:
        await send_group_text(carol, gid, "can I talk?")
    assert err.value.code == 10017
    with pytest.raises(ChatError) as err:
        await carol.delete_group_member(gid, ["bob"])
    assert err.value.code == 10007
    with pytest.raises(ChatError) as err:
        await alice.quit_group(gid)
    assert err.value.code == 10009
    card = await carol.set_group_member_name_card(gid, "C.")
    assert card["member"]["nameCard"] == "C."
    custom = await carol.set_group_member_custom_field(gid, [{"key": "Seat", "value": "7"}])
    assert custom["member"]["memberCustomField"] == [{"key": "Seat", "value": "7"}]

    res = await bob.delete_group_member(gid, ["carol"], reason="quiet")
    assert res["userIDList"] == ["carol"]
    assert await c.until(EVENT.GROUP_LIST_UPDATED, lambda g: not has_group(gid)(g)) == []
    kicked = await group_tip(b, gid, TYPES.GRP_TIP_MBR_KICKED_OUT)
    assert kicked.payload["userIDList"] == ["carol"]
    await c.until(
        EVENT.CONVERSATION_LIST_UPDATED,
        lambda convs: all(cv.conversation_id != group_cid(gid) for cv in convs),
    )
    with pytest.raises(ChatError) as err:
        await carol.get_message_list(group_cid(gid))
    assert err.value.code == 10007

    # the tips are messages of the group's history too
    page = await alice.get_message_list(group_cid(gid))
    ops = [m.payload["operationType"] for m in page.message_list if m.type == TYPES.MSG_GRP_TIP]
    assert ops[-3:] == [
        TYPES.GRP_TIP_MBR_SET_ADMIN,
        TYPES.GRP_TIP_MBR_PROFILE_UPDATED,
        TYPES.GRP_TIP_MBR_KICKED_OUT,
    ]
    assert (await alice.change_group_owner(gid, "bob"))["group"]["ownerID"] == "bob"
    assert await alice.quit_group(gid) == {"groupID": gid}
    assert (await bob.dismiss_group(gid)) == {"groupID": gid}
    await b.until(EVENT.GROUP_LIST_UPDATED, lambda g: g == [])


async def test_group_messages_unread_and_mentions(server: RunningServer, connect: Connect) -> None:
    await server.import_users("alice", "bob", "carol")
    alice, a = await connect("alice")
    alice_web, aw = await connect("alice", platform="Web")
    bob, b = await connect("bob")
    carol, c = await connect("carol")
    gid = (
        await alice.create_group(
            type=TYPES.GRP_WORK, name="work", member_list=[{"userID": "bob"}, {"userID": "carol"}]
        )
    )["group"]["groupID"]
    await b.conversation(group_cid(gid))
    await c.conversation(group_cid(gid))

    plain = await send_group_text(alice, gid, "hello")
    assert plain.conversation_id == group_cid(gid) and plain.to == gid and plain.flow == "out"
    at_bob = alice.create_text_at_message(to=gid, payload={"text": "@bob", "atUserList": ["bob"]})
    at_bob = await alice.send_message(at_bob)
    at_all = alice.create_text_at_message(
        to=gid, payload={"text": "@all", "atUserList": [TYPES.MSG_AT_ALL]}
    )
    at_all = await alice.send_message(at_all)
    with pytest.raises(ChatError) as err:
        alice.create_text_at_message(
            to="bob", conversation_type=TYPES.CONV_C2C, payload={"text": "x", "atUserList": []}
        )
    assert err.value.code == 6017

    got = await group_messages(b, gid, 3)
    assert [m.payload["text"] for m in got] == ["hello", "@bob", "@all"]
    assert [m.flow for m in got] == ["in"] * 3
    assert got[1].at_user_list == ["bob"] and got[2].at_user_list == [TYPES.MSG_AT_ALL]
    mine = await group_messages(aw, gid, 3)  # alice's other device: her own messages
    assert [m.flow for m in mine] == ["out"] * 3 and [m.id for m in mine] == [
        plain.id,
        at_bob.id,
        at_all.id,
    ]
    # no echo on the sending device: a later message to it is the first text it sees
    marker = await send_text(carol, "alice", "marker")
    await a.until(EVENT.MESSAGE_RECEIVED, lambda batch: any(m.id == marker.id for m in batch))
    seen = [m for name, batch in a.log if name == EVENT.MESSAGE_RECEIVED for m in batch]
    assert [m.id for m in seen if m.type == TYPES.MSG_TEXT] == [marker.id]

    def at_types(conv: Conversation) -> list[tuple[int, list[int]]]:
        return sorted((x["messageSequence"], x["atTypeArray"]) for x in conv.group_at_info_list)

    conv_b = conv = await b.conversation(group_cid(gid), lambda cv: cv.unread_count == 3)
    assert at_types(conv) == [
        (at_bob.sequence, [TYPES.CONV_AT_ME]),
        (at_all.sequence, [TYPES.CONV_AT_ALL]),
    ]
    assert conv.last_message is not None and conv.last_message.id == at_all.id
    conv = await c.conversation(group_cid(gid), lambda cv: cv.unread_count == 3)
    assert at_types(conv) == [(at_all.sequence, [TYPES.CONV_AT_ALL])]
    # the server's list says the same
    [fresh] = [
        cv for cv in await bob.get_conversation_list() if cv.conversation_id == group_cid(gid)
    ]
    assert fresh.unread_count == 3 and at_types(fresh) == at_types(conv_b)
    assert await bob.get_total_unread_message_count() == 3

    await bob.set_message_read(group_cid(gid))
    conv = await b.conversation(group_cid(gid), lambda cv: cv.unread_count == 0)
    assert conv.group_at_info_list == []
    await b.unread_total(0)
    page = await bob.get_message_list(group_cid(gid))
    texts = [m.payload["text"] for m in page.message_list if m.type == TYPES.MSG_TEXT]
    assert texts == ["hello", "@bob", "@all"]

    # recall: the sender's own; everyone sees it revoked
    with pytest.raises(ChatError) as err:
        await bob.revoke_message(got[0])
    assert err.value.code == 10007
    await alice.revoke_message(plain)
    [revoked] = await b.next(EVENT.MESSAGE_REVOKED)
    assert revoked.id == plain.id and revoked.is_revoked


async def test_read_receipts(server: RunningServer, connect: Connect) -> None:
    await server.import_users("alice", "bob", "carol")
    alice, a = await connect("alice")
    bob, b = await connect("bob")
    carol, c = await connect("carol")
    gid = (
        await alice.create_group(
            type=TYPES.GRP_WORK, name="work", member_list=[{"userID": "bob"}, {"userID": "carol"}]
        )
    )["group"]["groupID"]
    await b.conversation(group_cid(gid))
    msg = await send_group_text(alice, gid, "ack please", need_read_receipt=True)
    [got] = await group_messages(b, gid, 1)
    assert got.need_read_receipt
    await alice.get_message_read_receipt_list([msg])
    assert msg.read_receipt_info == {"readCount": 0, "unreadCount": 2}

    await bob.set_message_read(group_cid(gid))
    [receipt] = await a.next(EVENT.MESSAGE_READ_RECEIPT_RECEIVED)
    assert receipt == {
        "groupID": gid,
        "conversationID": group_cid(gid),
        "messageID": msg.id,
        "readCount": 1,
        "unreadCount": 1,
    }
    assert msg.read_receipt_info == {"readCount": 1, "unreadCount": 1}
    read = await alice.get_group_message_read_member_list(msg, filter=0)
    assert read == {
        "messageID": msg.id,
        "readUserIDList": ["bob"],
        "cursor": "",
        "isCompleted": True,
    }
    unread = await alice.get_group_message_read_member_list(msg, filter=1)
    assert unread["unreadUserIDList"] == ["carol"]

    [on_carol] = await group_messages(c, gid, 1)
    await carol.send_message_read_receipt([on_carol])
    [receipt] = await a.next(EVENT.MESSAGE_READ_RECEIPT_RECEIVED)
    assert (receipt["readCount"], receipt["unreadCount"]) == (2, 0)


async def test_avchatroom_is_joined_again_after_a_reconnect(
    server: RunningServer, connect: Connect
) -> None:
    await server.import_users("alice", "bob")
    alice, _ = await connect("alice")
    bob, b = await connect("bob", reconnect_delay=0.2)
    gid = (await alice.create_group(type=TYPES.GRP_AVCHATROOM, name="live"))["group"]["groupID"]
    assert (await bob.join_group(gid))["status"] == TYPES.JOIN_STATUS_SUCCESS
    assert (await bob.get_group_online_member_count(gid))["memberCount"] == 2
    await send_group_text(alice, gid, "one")
    assert [m.payload["text"] for m in await group_messages(b, gid, 1)] == ["one"]
    # a live room has no conversation
    assert all(cv.conversation_id != group_cid(gid) for cv in bob.conversations)
    assert all(cv.conversation_id != group_cid(gid) for cv in await bob.get_conversation_list())

    b.drain(EVENT.NET_STATE_CHANGE)
    assert drop_connections(server, "bob") == 1
    await b.until(EVENT.NET_STATE_CHANGE, lambda s: s["state"] == TYPES.NET_STATE_CONNECTED)
    await send_group_text(alice, gid, "two")
    assert [m.payload["text"] for m in await group_messages(b, gid, 1)] == ["two"]
    assert (await alice.get_group_online_member_count(gid))["memberCount"] == 2

    await bob.quit_group(gid)
    assert (await alice.get_group_online_member_count(gid))["memberCount"] == 1
    drop_connections(server, "bob")
    await b.until(EVENT.NET_STATE_CHANGE, lambda s: s["state"] == TYPES.NET_STATE_CONNECTED)
    assert (await alice.get_group_online_member_count(gid))["memberCount"] == 1  # not rejoined


async def test_resume_in_a_busy_group_nothing_lost_doubled_or_reordered(
    server: RunningServer, connect: Connect
) -> None:
    await server.import_users("alice", "bob", "carol")
    alice, _ = await connect("alice")
    bob, _ = await connect("bob")
    carol, c = await connect("carol", reconnect_delay=1.0)
    carol._rand = lambda: 0.99  # full jitter at its top: away for ~the whole delay
    gid = (
        await alice.create_group(
            type=TYPES.GRP_WORK, name="busy", member_list=[{"userID": "bob"}, {"userID": "carol"}]
        )
    )["group"]["groupID"]
    await send_group_text(alice, gid, "warm up")
    [first] = await group_messages(c, gid, 1)

    async def blast(chat: Chat, tag: str, n: int) -> list[Message]:
        slots = asyncio.Semaphore(5)

        async def one(i: int) -> Message:
            async with slots:
                return await send_group_text(chat, gid, f"{tag}{i}")

        return list(await asyncio.gather(*(one(i) for i in range(n))))

    received: list[Message] = []
    expected: list[Message] = []
    for round_ in range(2):
        c.drain(EVENT.NET_STATE_CHANGE)
        assert drop_connections(server, "carol") == 1
        assert (await c.next(EVENT.NET_STATE_CHANGE))["state"] == TYPES.NET_STATE_CONNECTING
        # sent while carol is away (the jitter at its top: >= 0.99 s) ...
        away = await asyncio.gather(blast(alice, f"a{round_}-", 25), blast(bob, f"b{round_}-", 25))
        # ... and while she catches up
        during = await asyncio.gather(
            blast(alice, f"c{round_}-", 25),
            blast(bob, f"d{round_}-", 25),
            c.until(EVENT.NET_STATE_CHANGE, lambda s: s["state"] == TYPES.NET_STATE_CONNECTED),
        )
        batch = [m for part in (*away, during[0], during[1]) for m in part]
        expected.extend(batch)
        received.extend(await group_messages(c, gid, len(batch), within=3 * WAIT))

    want = sorted(m.sequence for m in expected)
    seqs = [m.sequence for m in received]
    lost = len(set(want) - set(seqs))
    doubled = len(seqs) - len(set(seqs))
    disorder = sum(1 for x, y in itertools.pairwise(seqs) if y <= x)
    assert (lost, doubled, disorder) == (0, 0, 0)
    assert seqs == want and seqs[0] == first.sequence + 1
    assert {m.id for m in received} == {m.id for m in expected}
    # nothing twice, later: a later message is the next one carol sees
    marker = await send_group_text(alice, gid, "marker")
    assert [m.id for m in await group_messages(c, gid, 1)] == [marker.id]
    assert [m for b in c.drain(EVENT.MESSAGE_RECEIVED) for m in b] == []
    page = await carol.get_message_list(group_cid(gid))
    assert [m.sequence for m in page.message_list[-2:]] == [want[-1], marker.sequence]
