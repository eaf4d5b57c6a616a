"""Packed after-send callbacks (issue 12 §5): the writer stores one outbox row per batch
and conversation; delivery still posts one callback per message, in order, once each,
across failures and edits; ``log``/``replay``/counts see every callback. And the
delivery worker's purge of old delivered and dead rows, on a fake clock."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import orjson

from palaver.model.callbacks import FORBID_AFTER_SEND as FORBID_AFTER
from palaver.services.callback_delivery import delivery_body
from palaver.services.messages import SendOptions
from palaver.services.sending import SendSource
from palaver.storage import callbacks as store
from palaver.storage import messages as msg_store
from palaver.storage.schema import callback_outbox

from .conftest import World, text
from .test_callbacks_and_moderation import C2C_AFTER, wired

DAY = 86400.0


async def burst(world: World, n: int, first: int = 0) -> list[Any]:
    """``n`` messages alice -> bob sent at once and stored in one writer batch (the
    writer is held on a message of carol's, without callback, until all ``n`` are
    queued behind it), in the order they were stored (by seq)."""
    writer = world.writer
    holding, gate, queued = asyncio.Event(), asyncio.Event(), asyncio.Event()
    commit, submit = writer._commit, writer.submit
    submitted = [0]

    async def gated(ops: Any) -> Any:
        holding.set()
        await gate.wait()
        return await commit(ops)

    def counted(op: Any) -> Any:
        fut = submit(op)
        submitted[0] += 1
        if submitted[0] == n + 1:  # the held one and the n
            queued.set()
        return fut

    writer._commit = gated  # type: ignore[method-assign]
    writer.submit = counted  # type: ignore[method-assign]
    try:
        no_cb = SendOptions(source=SendSource(forbid_callbacks=frozenset({FORBID_AFTER})))
        blocker = asyncio.create_task(
            world.messages.send_c2c(world.app, "carol", "dave", text("hold"), 0, no_cb)
        )
        await holding.wait()
        sends = asyncio.gather(
            *(
                world.messages.send_c2c(world.app, "alice", "bob", text(f"m{i}"), i, SendOptions())
                for i in range(first, first + n)
            )
        )
        await queued.wait()
        gate.set()
        sent = await sends
        await blocker
    finally:
        writer._commit, writer.submit = commit, submit  # type: ignore[method-assign]
        gate.set()
    return sorted(sent, key=lambda m: m.message.seq)


async def stored_rows(world: World) -> list[dict[str, Any]]:
    async with world.db.read() as conn:
        res = await conn.execute(callback_outbox.select().order_by(callback_outbox.c.id))
        return [dict(r) for r in res.mappings()]


class FlakyTransport:
    """Answers 200, except HTTP 500 to the calls whose numbers (from 1) are in ``fail``."""

    def __init__(self, fail: set[int]) -> None:
        self.fail = fail
        self.calls = 0
        self.posts: list[dict[str, Any]] = []

    async def post(
        self, url: str, params: Mapping[str, str], body: bytes, seconds: float
    ) -> tuple[int, bytes]:
        self.calls += 1
        self.posts.append(orjson.loads(body))
        return (500 if self.calls in self.fail else 200), b'{"ErrorCode":0}'

    async def close(self) -> None:
        pass


async def test_a_batch_of_one_conversation_is_one_row_delivered_as_its_callbacks(
    any_world: World,
) -> None:
    world = any_world
    await world.users("alice", "bob", "carol", "dave")
    cbs, transport = await wired(world, C2C_AFTER)
    sent = await burst(world, 6)
    rows = await stored_rows(world)
    assert [r["items"] for r in rows] == [6]  # one row for the batch's 6 callbacks
    async with world.db.read() as conn:
        assert await store.counts(conn, world.app.sdkappid) == {"pending": 6}
        log = await store.recent(conn, world.app.sdkappid)
    # each callback shown on its own, newest first, with its message's ids
    assert [r.msg_key for r in reversed(log)] == [m.msg_key for m in sent]
    assert len({r.id for r in log}) == 6
    assert (await cbs.run_once())[0] == 6
    bodies = [b for _, b in transport.posts]
    assert [b["MsgKey"] for b in bodies] == [m.msg_key for m in sent]
    assert [b["MsgSeq"] for b in bodies] == [m.message.seq for m in sent]
    assert [delivery_body(r)["MsgKey"] for r in reversed(log)] == [m.msg_key for m in sent]
    assert [b["MsgBody"] for b in bodies] == [m.message.body for m in sent]
    assert all(b["From_Account"] == "alice" and b["To_Account"] == "bob" for b in bodies)
    assert (await cbs.run_once())[0] == 0  # each delivered once
    async with world.db.read() as conn:
        assert await store.counts(conn, world.app.sdkappid) == {"delivered": 6}
    assert await cbs.replay(world.app, 0) == 6  # replayed whole, in order
    assert (await cbs.run_once())[0] == 6
    assert [b["MsgKey"] for _, b in transport.posts[6:]] == [m.msg_key for m in sent]


async def test_a_failure_inside_a_packed_row_keeps_order_and_posts_nothing_twice(
    any_world: World,
) -> None:
    world = any_world
    await world.users("alice", "bob", "carol", "dave")
    cbs, _ = await wired(world, C2C_AFTER, callback_max_attempts=2)
    flaky = FlakyTransport(fail={3, 4})  # the 3rd call fails, and its retry: dead
    cbs._transport = flaky
    sent = await burst(world, 5)
    assert [r["items"] for r in await stored_rows(world)] == [5]
    later = (await burst(world, 1, first=9))[0]  # a later row of the same conversation
    assert (await cbs.run_once())[0] == 3  # two delivered, the third failed: the rest wait
    async with world.db.read() as conn:
        log = list(reversed(await store.recent(conn, world.app.sdkappid)))
    assert [(r.status, r.attempts) for r in log] == [
        ("delivered", 1),
        ("delivered", 1),
        ("pending", 1),
        ("pending", 0),
        ("pending", 0),
        ("pending", 0),
    ]
    assert [r.msg_key for r in log] == [m.msg_key for m in [*sent, later]]
    world.clock.advance(5)
    assert (await cbs.run_once())[0] == 4  # the retry dies; the conversation moves on
    keys = [b["MsgKey"] for b in flaky.posts]
    k = [m.msg_key for m in [*sent, later]]
    assert keys == [k[0], k[1], k[2], k[2], k[3], k[4], k[5]]
    async with world.db.read() as conn:
        assert await store.counts(conn, world.app.sdkappid) == {"delivered": 5, "dead": 1}
        dead = await store.recent(conn, world.app.sdkappid, status="dead")
    assert [r.msg_key for r in dead] == [k[2]] and dead[0].last_error == "HTTP 500"
    assert await cbs.replay(world.app, 0, ["dead"]) == 1
    assert (await cbs.run_once())[0] == 1
    assert flaky.posts[-1]["MsgKey"] == k[2]


async def test_an_edit_unpacks_the_pending_row_and_keeps_the_content_as_sent(
    any_world: World,
) -> None:
    world = any_world
    await world.users("alice", "bob", "carol", "dave")
    cbs, transport = await wired(world, C2C_AFTER)
    sent = await burst(world, 4)
    assert [r["items"] for r in await stored_rows(world)] == [4]
    async with world.db.write() as conn:
        assert await msg_store.modify(
            conn, sent[1].message.id, None, orjson.dumps(text("edited")).decode(), "new"
        )
    rows = await stored_rows(world)
    assert [r["items"] for r in rows] == [0, 0, 0, 0]  # unpacked, same ids as it owned
    assert (await cbs.run_once())[0] == 4
    bodies = [b for _, b in transport.posts]
    assert [b["MsgBody"] for b in bodies] == [m.message.body for m in sent]
    assert bodies[1]["MsgBody"] != text("edited")
    assert [b["MsgKey"] for b in bodies] == [m.msg_key for m in sent]


async def test_the_worker_purges_old_delivered_and_dead_rows_in_bounded_batches(
    world: World,
) -> None:
    await world.users("alice", "bob", "carol", "dave")
    cbs, transport = await wired(world, C2C_AFTER, callback_max_attempts=1)
    for i in range(3):
        await world.messages.send_c2c(world.app, "alice", "bob", text("x"), i, SendOptions())
        transport.status = 500 if i == 0 else 200  # the first one dies (one attempt)
        await cbs.run_once()
    await world.messages.send_c2c(world.app, "alice", "bob", text("x"), 9, SendOptions())
    assert cbs.retention == 7 * DAY
    world.clock.advance(6 * DAY)
    assert await cbs.purge_once() == 0  # younger than the retention
    world.clock.advance(2 * DAY)
    cbs.purge_batch = 1
    assert await cbs.purge_once() == 2  # one delivered, one dead: a batch of each
    assert await cbs.purge_once() == 1
    assert await cbs.purge_once() == 0
    async with world.db.read() as conn:
        assert await store.counts(conn, world.app.sdkappid) == {"pending": 1}  # kept
    assert (await cbs.run_once())[0] == 1
    assert cbs.purged == 3


class EditingTransport(FlakyTransport):
    """Answers 200; during its first post, edits ``edit`` (a message id): the packed
    row being delivered is unpacked under the delivery pass."""

    def __init__(self, world: World, edit: int) -> None:
        super().__init__(fail=set())
        self.world, self.edit = world, edit

    async def post(
        self, url: str, params: Mapping[str, str], body: bytes, seconds: float
    ) -> tuple[int, bytes]:
        if not self.calls:
            async with self.world.db.write() as conn:
                new = orjson.dumps(text("edited")).decode()
                assert await msg_store.modify(conn, self.edit, None, new, "new")
        return await super().post(url, params, body, seconds)


async def test_a_row_unpacked_during_its_delivery_is_still_posted_once(
    any_world: World,
) -> None:
    world = any_world
    await world.users("alice", "bob", "carol", "dave")
    cbs, _ = await wired(world, C2C_AFTER)
    sent = await burst(world, 4)
    assert [r["items"] for r in await stored_rows(world)] == [4]
    transport = EditingTransport(world, sent[2].message.id)
    cbs._transport = transport
    assert (await cbs.run_once())[0] == 4
    assert [r["items"] for r in await stored_rows(world)] == [0, 0, 0, 0]
    assert (await cbs.run_once())[0] == 0  # the outcomes went to the unpacked rows
    assert [b["MsgKey"] for b in transport.posts] == [m.msg_key for m in sent]
    async with world.db.read() as conn:
        assert await store.counts(conn, world.app.sdkappid) == {"delivered": 4}
