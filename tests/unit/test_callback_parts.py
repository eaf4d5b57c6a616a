"""A message's after-send callback takes its content from the message (issue 12 §5):
the outbox row leaves ``MsgBody``/``CloudCustomData``/``OfflinePushInfo`` out, the
delivery pass reads them back, and a message edited, recalled or deleted before its
callback is posted is still reported as it was sent. Do-not-disturb is decided at
delivery, once per conversation and pass."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest

from palaver.services.groups import GroupSendOptions, MemberSpec
from palaver.services.messages import SendOptions
from palaver.services.sending import SendSource
from palaver.storage import callbacks as store
from palaver.storage import group_messages as group_store
from palaver.storage import messages as msg_store

from .conftest import World, text
from .test_callbacks_and_moderation import C2C_AFTER, wired

GROUP_AFTER = "Group.CallbackAfterSendMsg"
PUSH = {"PushFlag": 0, "Title": "t", "Desc": "d"}


async def send(world: World, t: str, rnd: int, **opts: Any) -> Any:
    return await world.messages.send_c2c(
        world.app, "alice", "bob", text(t), rnd, SendOptions(**opts)
    )


async def test_changes_before_delivery_do_not_change_the_callback(any_world: World) -> None:
    world = any_world
    await world.users("alice", "bob")
    cbs, transport = await wired(world, C2C_AFTER)
    push = SendSource(offline_push=PUSH)
    purged = await send(world, "purged", 1, cloud_custom_data="cd", source=push)
    edited = await send(world, "as sent", 2)
    recalled = await send(world, "recalled", 3)
    kept = await send(world, "kept", 4, source=push)
    async with world.db.read() as conn:
        rows = await store.recent(conn, world.app.sdkappid)
    # the send stored no second copy of the content
    assert all("MsgBody" not in orjson.loads(r.payload) for r in rows)
    assert all(
        "CloudCustomData" not in r.payload and "OfflinePushInfo" not in r.payload for r in rows
    )
    async with world.db.write() as conn:
        assert await msg_store.purge_older_than(conn, world.app.sdkappid, 2**40, limit=1) == 1
        assert await msg_store.modify(
            conn, edited.message.id, None, orjson.dumps(text("edited")).decode(), "new"
        )
        await msg_store.set_flags(conn, recalled.message.id, 1)
    assert (await cbs.run_once())[0] == 4
    bodies = [b for _, b in transport.posts]
    assert [b["MsgBody"] for b in bodies] == [
        text("purged"),
        text("as sent"),
        text("recalled"),
        text("kept"),
    ]
    assert bodies[0]["CloudCustomData"] == "cd" and "CloudCustomData" not in bodies[1]
    assert bodies[0]["OfflinePushInfo"] == PUSH and bodies[3]["OfflinePushInfo"] == PUSH
    assert [b["MsgKey"] for b in bodies] == [m.msg_key for m in (purged, edited, recalled, kept)]
    assert all(b["From_Account"] == "alice" and b["To_Account"] == "bob" for b in bodies)
    # delivered rows are not frozen: a replay posts what was frozen, else the message as it
    # is then (gone: no content)
    async with world.db.write() as conn:
        assert await msg_store.purge_older_than(conn, world.app.sdkappid, 2**40) == 3
    assert await cbs.replay(world.app, 0) == 4
    assert (await cbs.run_once())[0] == 4
    again = [b["MsgBody"] for _, b in transport.posts[4:]]
    assert again == [text("purged"), text("as sent"), [], []]


async def test_a_group_message_deleted_before_delivery(any_world: World) -> None:
    world = any_world
    await world.users("alice", "bob")
    cbs, transport = await wired(world, GROUP_AFTER)
    world.groups.messages._pipeline = world.messages._pipeline  # the callbacks' rules
    g = await world.groups.lifecycle.create(
        world.app, "alice", admin=False, type="Public", name="g", members=[MemberSpec("bob")]
    )
    opts = GroupSendOptions(cloud_custom_data="x", source=SendSource(offline_push=PUSH))
    await world.groups.messages.send(world.app, g.group_id, "bob", text("bye"), 7, opts)
    async with world.db.write() as conn:
        assert await group_store.delete_by_sender(conn, world.app.sdkappid, g.group_id, "bob")
    assert (await cbs.run_once())[0] == 1
    (body,) = [b for _, b in transport.posts]
    assert (body["GroupId"], body["From_Account"], body["Random"]) == (g.group_id, "bob", 7)
    assert body["MsgBody"] == text("bye") and body["CloudCustomData"] == "x"
    assert body["OfflinePushInfo"] == PUSH


async def test_do_not_disturb_is_decided_at_delivery(world: World) -> None:
    await world.users("alice", "bob")
    cbs, transport = await wired(world, C2C_AFTER)
    asked: list[tuple[str, str]] = []
    remind = {"bob": "AcceptNotNotify"}

    async def remind_type(app: Any, receiver: str, sender: str) -> str:
        asked.append((receiver, sender))
        return remind.get(receiver, "AcceptAndNotify")

    cbs._remind_type = remind_type
    await send(world, "one", 1, source=SendSource(offline_push=PUSH))
    await send(world, "two", 2)
    assert asked == []  # nothing looked up on the send path
    assert (await cbs.run_once())[0] == 2
    assert asked == [("bob", "alice")]  # once a pass and conversation
    one, two = (b for _, b in transport.posts)
    assert one["OfflinePushInfo"] == {**PUSH, "PushFlag": 1}
    assert two["OfflinePushInfo"] == {"PushFlag": 1}
    assert one["To_Account_MsgFlag"] == two["To_Account_MsgFlag"] == "AcceptNotNotify"
    remind.clear()
    await send(world, "three", 3, source=SendSource(offline_push=PUSH))
    assert (await cbs.run_once())[0] == 1
    three = transport.posts[-1][1]
    assert three["OfflinePushInfo"] == PUSH and "To_Account_MsgFlag" not in three


async def test_group_member_lists_are_reused_for_two_seconds(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The send path reads a group's members once per MEMBERS_TTL, not per message;
    the least recently used groups go first past MEMBERS_KEPT."""
    from palaver.services import callback_push_hook as hook
    from palaver.storage import group_members as member_store

    await world.users("alice", "bob", "carol")
    g = await world.groups.lifecycle.create(
        world.app, "alice", admin=False, type="Public", name="g", members=[MemberSpec("bob")]
    )
    now = [100.0]
    cache = hook.MemberFlags(world.db, clock=lambda: now[0])
    app_id = world.app.sdkappid
    assert sorted(await cache.get(app_id, g.group_id)) == ["alice", "bob"]
    async with world.db.write() as conn:
        await member_store.insert_members(
            conn, app_id, g.group_id, [member_store.NewMember("carol", "Member", 0, 0, 0)]
        )
    assert sorted(await cache.get(app_id, g.group_id)) == ["alice", "bob"]  # still kept
    assert sorted(await cache.fresh(app_id, g.group_id)) == ["alice", "bob", "carol"]
    now[0] += hook.MEMBERS_TTL
    assert "carol" in await cache.get(app_id, g.group_id)
    # a burst of the group's messages finding the list expired: one read, not one each
    now[0] += hook.MEMBERS_TTL
    reads = cache.reads
    got = await asyncio.gather(*(cache.get(app_id, g.group_id) for _ in range(16)))
    assert cache.reads == reads + 1 and all(list(f) == ["alice", "bob", "carol"] for f in got)
    monkeypatch.setattr(hook, "MEMBERS_KEPT", 3)
    for i in range(3):
        await cache.get(app_id, f"none{i}")
    assert (app_id, g.group_id) not in cache._kept and len(cache._kept) == 3
