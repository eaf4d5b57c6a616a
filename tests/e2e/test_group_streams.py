"""Group streams (docs/protocol.md §8.1): a group message is stored once and its
frame goes to every online member; each connection gets each group's messages
exactly once, in MsgSeq order, across disconnects, joins and deleted messages."""

from __future__ import annotations

import asyncio
import random
import time
from typing import Any

from conftest import RunningServer
from palaver.services.groups import MemberSpec
from wsclient import WsClient


async def client(server: RunningServer, user: str) -> WsClient:
    c = WsClient(server.url, server.app.sdkappid, user, server.sig(user))
    await c.connect()
    return c


async def send_group(c: WsClient, group_id: str, text: str) -> dict[str, Any]:
    return await c.send_text(group_id, text, random.getrandbits(32), conversation_type="GROUP")


def texts(messages: list[dict[str, Any]]) -> list[str]:
    return [m["payload"].get("text", "") for m in messages if m["type"] == "TIMTextElem"]


async def make_group(server: RunningServer, owner: str, *members: str, type: str = "Public") -> str:
    await server.import_users(owner, *members)
    group = await server.hub.groups.lifecycle.create(
        server.app,
        owner,
        admin=False,
        type=type,
        name="streams",
        members=[MemberSpec(m) for m in members],
        silence=True,
    )
    return group.group_id


async def test_every_member_gets_the_same_message_once(server: RunningServer) -> None:
    gid = await make_group(server, "alice", "bob", "carol")
    alice, bob, carol = [await client(server, u) for u in ("alice", "bob", "carol")]
    sent = await send_group(alice, gid, "hello group")
    assert sent["flow"] == "out" and sent["conversationID"] == "GROUP" + gid
    (b,) = await bob.messages(1)
    (c,) = await carol.messages(1)
    assert b == c  # one frame for everyone
    assert b["ID"] == sent["ID"] and b["sequence"] == sent["sequence"]
    assert b["flow"] == "in" and b["from"] == "alice" and b["to"] == gid
    # no echo: a later message to alice is the first she receives, and the
    # server sent her none (not even one her client would have dropped)
    marker = await bob.send_text("alice", "marker", 900)
    assert not [p for p in await alice.before_message(marker) if p.ev == "MESSAGE_RECEIVED"]
    assert [p.data["message"]["ID"] for p in alice.raw if p.ev == "MESSAGE_RECEIVED"] == [
        marker["ID"]
    ]
    for c_ in (alice, bob, carol):
        await c_.close()


async def test_resume_in_a_busy_group(server: RunningServer) -> None:
    """Carol drops off while alice and bob keep sending (before, during and
    after her reconnect): she gets every message once, in MsgSeq order."""
    gid = await make_group(server, "alice", "bob", "carol")
    alice, bob, carol = [await client(server, u) for u in ("alice", "bob", "carol")]
    await send_group(alice, gid, "a-0")
    await carol.messages(1)
    carol.abort()
    await carol.wait_closed()

    async def burst(c: WsClient, tag: str, n: int) -> None:
        for i in range(n):
            await send_group(c, gid, f"{tag}-{i}")

    await asyncio.gather(burst(alice, "a", 40), burst(bob, "b", 40))
    reconnect = asyncio.create_task(carol.connect())
    await asyncio.gather(burst(alice, "x", 20), burst(bob, "y", 20))
    await reconnect
    got = await carol.messages(120, within=30)
    seqs = [m["sequence"] for m in got]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert seqs == list(range(seqs[0], seqs[0] + 120))
    raw = [p.seq for p in carol.raw if p.ev == "MESSAGE_RECEIVED"]
    assert len(raw) == len(set(raw)) == 121  # the server never sent one twice
    history = await alice.history("GROUP" + gid)
    assert [m["ID"] for m in history[-120:]] == [m["ID"] for m in got]
    for c_ in (alice, bob, carol):
        await c_.close()


async def test_a_member_added_while_online_follows_the_group(server: RunningServer) -> None:
    gid = await make_group(server, "alice", "bob")
    await server.import_users("dave")
    alice, dave = await client(server, "alice"), await client(server, "dave")
    await send_group(alice, gid, "before dave")
    await alice.call("addGroupMember", {"groupID": gid, "userIDList": ["dave"]})
    await send_group(alice, gid, "welcome dave")
    got = await dave.messages(2)
    assert got[0]["type"] == "TIMGroupTipElem" and got[0]["payload"]["userIDList"] == ["dave"]
    assert texts(got) == ["welcome dave"]  # nothing from before he joined
    joined = [p.data for p in dave.raw if p.ev == "GROUP_LIST_UPDATED"]
    assert joined and joined[0]["change"] == "joined" and joined[0]["groupID"] == gid
    await alice.call("deleteGroupMember", {"groupID": gid, "userIDList": ["dave"]})
    await send_group(alice, gid, "after dave")
    marker = await alice.send_text("dave", "marker", 900)  # comes after anything of the group
    after = [p for p in await dave.before_message(marker) if p.ev == "MESSAGE_RECEIVED"]
    assert not texts([p.data["message"] for p in after])
    kicked = [p.data["change"] for p in dave.raw if p.ev == "GROUP_LIST_UPDATED"]
    assert kicked[-1] == "kicked"
    await alice.close()
    await dave.close()


async def test_catch_up_skips_deleted_messages(server: RunningServer) -> None:
    """Messages deleted while a member was away leave holes in MsgSeq; resume
    must not wait for them forever."""
    gid = await make_group(server, "alice", "bob", "carol")
    alice, bob, carol = [await client(server, u) for u in ("alice", "bob", "carol")]
    await send_group(alice, gid, "start")
    await carol.messages(1)
    carol.abort()
    await carol.wait_closed()
    for i in range(3):
        await send_group(bob, gid, f"spam-{i}")
        await send_group(alice, gid, f"ok-{i}")
    await send_group(bob, gid, "spam-last")
    await server.ok(
        "group_open_http_svc",
        "delete_group_msg_by_sender",
        {"GroupId": gid, "Sender_Account": "bob"},
    )
    await carol.connect()
    await send_group(alice, gid, "live")
    got = await carol.messages(4)
    assert texts(got) == ["ok-0", "ok-1", "ok-2", "live"]
    for c_ in (alice, bob, carol):
        await c_.close()


async def test_new_client_starts_at_the_end_and_cursor_bound(server: RunningServer) -> None:
    gid = await make_group(server, "alice", "bob")
    alice = await client(server, "alice")
    for i in range(5):
        await send_group(alice, gid, f"old-{i}")
    bob = await client(server, "bob")  # a new client: no replay
    marker = await alice.send_text("bob", "marker", 900)
    assert not [p for p in await bob.before_message(marker) if p.ev == "MESSAGE_RECEIVED"]
    await bob.close()
    for i in range(250):
        await send_group(alice, gid, f"m-{i}")
    await bob.connect()
    got = await bob.messages(200, within=30)
    assert texts(got)[0] == "m-50" and texts(got)[-1] == "m-249"
    done = [p for p in bob.drain_pushes() if p.ev == "sync_done"]
    assert done and done[-1].data["groupsTruncated"] == [gid]
    assert done[-1].data["groupCursors"][gid] == got[-1]["sequence"]
    await alice.close()
    await bob.close()


async def test_live_room_keeps_a_short_window(server: RunningServer) -> None:
    """An AVChatRoom keeps no member list and its messages only for
    ``avchatroom_history_seconds``; upkeep drops older ones."""
    await server.import_users("host", "viewer")
    host, viewer = await client(server, "host"), await client(server, "viewer")
    room = (await host.call("createGroup", {"type": "AVChatRoom", "name": "live"}))["group"]
    gid = room["groupID"]
    await viewer.call("joinGroup", {"groupID": gid})
    count = await viewer.call("getGroupOnlineMemberCount", {"groupID": gid})
    assert count["memberCount"] == 2  # the host (who created it) and the viewer
    await send_group(host, gid, "hello room")
    assert texts(await viewer.messages(1)) == ["hello room"]
    assert texts(await viewer.history("GROUP" + gid)) == ["hello room"]
    window = server.app.settings.avchatroom_history_seconds
    purged = await server.hub.groups.live_rooms.purge_history(
        [server.app], now=int(time.time()) + window + 1
    )
    assert purged == 1
    assert await viewer.history("GROUP" + gid) == []
    await viewer.call("quitGroup", {"groupID": gid})
    count = await host.call("getGroupOnlineMemberCount", {"groupID": gid})
    assert count["memberCount"] == 1
    await send_group(host, gid, "anyone there?")
    marker = await host.send_text("viewer", "marker", 900)
    assert not [p for p in await viewer.before_message(marker) if p.ev == "MESSAGE_RECEIVED"]
    await host.close()
    await viewer.close()
