"""The group-commit writer (``palaver.storage.writer``) on a real database, on
SQLite and PostgreSQL: batches, sequences, dedupe, group heads, failures."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select

from palaver.model.messages import MessageFlag
from palaver.storage import Database
from palaver.storage import events as ev_store
from palaver.storage.callbacks import NewCallback
from palaver.storage.message_batch import C2CWrite, GroupWrite, Written, reserve_ids
from palaver.storage.messages import NewMessage, c2c_conv_id
from palaver.storage.schema import (
    callback_outbox,
    conv_heads,
    counters,
    group_members,
    messages,
    user_conversations,
)
from palaver.storage.writer import MessageWriter

APP = 1400000001
T = 1_800_000_000


def c2c(
    frm: str, to: str, random: int, *, key: str | None = None, t: int = T, flags: int = 0
) -> NewMessage:
    return NewMessage(
        conv_id=c2c_conv_id(frm, to),
        from_account=frm,
        to_account=to,
        msg_time=t,
        random=random,
        client_seq=0,
        body='[{"MsgType":"TIMTextElem","MsgContent":{"Text":"hi"}}]',
        dedupe_key=key,
        flags=flags,
    )


def grp(group: str, frm: str, random: int, *, flags: int = 0, key: str | None = None) -> NewMessage:
    return NewMessage(
        conv_id=f"group:{group}",
        from_account=frm,
        to_account=group,
        msg_time=T + random,
        random=random,
        client_seq=0,
        body="[]",
        flags=flags,
        dedupe_key=key,
    )


async def rows(db: Database, table: Any, *where: Any) -> list[dict[str, Any]]:
    """The rows of ``table`` (matching ``where``) in primary-key order (PostgreSQL
    returns an unordered select in any order)."""
    async with db.read() as conn:
        q = select(table).order_by(*table.primary_key.columns)
        for w in where:
            q = q.where(w)
        return [dict(r) for r in (await conn.execute(q)).mappings()]


@pytest.fixture
async def writer(any_db: Database) -> Any:
    w = MessageWriter(any_db)
    yield w
    await w.close()


async def test_one_batch_assigns_sequences_per_conversation_and_stream(
    any_db: Database, writer: MessageWriter
) -> None:
    # queued together: one transaction, in submission order
    futs = [
        writer.submit(C2CWrite(APP, c2c("alice", "bob", 1))),
        writer.submit(C2CWrite(APP, c2c("bob", "alice", 2))),
        writer.submit(C2CWrite(APP, c2c("alice", "carol", 3), sender_event=False)),
        writer.submit(C2CWrite(APP, c2c("alice", "alice", 4))),
    ]
    done = await asyncio.gather(*futs)
    assert writer.batches == 1 and writer.written == 4
    assert [w.stored.seq for w in done] == [1, 2, 1, 1]  # per conversation
    assert [w.stored.msg_key for w in done][0] == f"1_1_{T}"
    assert len({w.stored.id for w in done}) == 4
    # each user's stream: alice 1, 2, 3 (her note to herself once); bob 1, 2; carol 1
    assert done[0].event_seqs == {"bob": 1, "alice": 1}
    assert done[1].event_seqs == {"alice": 2, "bob": 2}
    assert done[2].event_seqs == {"carol": 1}  # no sender event
    assert done[3].event_seqs == {"alice": 3}
    async with any_db.read() as conn:
        assert await ev_store.head(conn, APP, "alice") == 3
        assert await ev_store.head(conn, APP, "carol") == 1
    convs = {(r["owner"], r["peer"]): r["last_seq"] for r in await rows(any_db, user_conversations)}
    assert convs == {
        ("alice", "bob"): 2,
        ("bob", "alice"): 2,
        ("carol", "alice"): 1,
        ("alice", "carol"): 1,
        ("alice", "alice"): 1,
    }


async def test_sequences_continue_across_batches_and_ids_never_repeat(
    any_db: Database, writer: MessageWriter
) -> None:
    first = await writer.write(C2CWrite(APP, c2c("alice", "bob", 1)))
    second = await writer.write(C2CWrite(APP, c2c("alice", "bob", 2)))
    assert (first.stored.seq, second.stored.seq) == (1, 2)
    assert second.stored.id == first.stored.id + 1
    assert writer.batches == 2
    heads = await rows(any_db, conv_heads)
    assert [(h["conv_id"], h["last_seq"]) for h in heads] == [(c2c_conv_id("alice", "bob"), 2)]


async def test_a_retried_send_is_stored_once(any_db: Database, writer: MessageWriter) -> None:
    stored = await writer.write(C2CWrite(APP, c2c("alice", "bob", 1, key="k1")))
    # a retry later (no window): the stored message, no new event
    again = await writer.write(C2CWrite(APP, c2c("alice", "bob", 1, key="k1")))
    assert again.duplicate and again.stored == stored.stored and again.event_seqs == {}
    # a window that starts after the first was sent: a new message
    fresh = await writer.write(
        C2CWrite(APP, c2c("alice", "bob", 1, key="k1", t=T + 500), dedupe_since=T + 100)
    )
    assert not fresh.duplicate and fresh.stored.seq == 2
    # a window that covers it: the first
    within = await writer.write(C2CWrite(APP, c2c("alice", "bob", 1, key="k1"), dedupe_since=T))
    assert within.duplicate
    assert len(await rows(any_db, messages)) == 2


async def test_repeats_inside_one_batch_answer_the_first(
    any_db: Database, writer: MessageWriter
) -> None:
    futs = [
        writer.submit(C2CWrite(APP, c2c("alice", "bob", 1, key="same"))),
        writer.submit(C2CWrite(APP, c2c("alice", "bob", 1, key="same"))),
        writer.submit(GroupWrite(APP, grp("g1", "alice", 1, key="gk"))),
        writer.submit(GroupWrite(APP, grp("g1", "alice", 1, key="gk"))),
    ]
    a, b, g1, g2 = await asyncio.gather(*futs)
    assert not a.duplicate and b.duplicate and b.stored == a.stored
    assert not g1.duplicate and g2.duplicate and g2.stored == g1.stored
    assert len(await rows(any_db, messages)) == 2


async def test_group_messages_move_the_head_once_per_batch(
    any_db: Database, writer: MessageWriter
) -> None:
    async with any_db.write() as conn:
        await conn.execute(
            group_members.insert().values(
                app_id=APP, group_id="g1", user_id="alice", role="Owner", join_time=T
            )
        )
    quiet = int(MessageFlag.NO_LAST_MSG)
    futs = [
        writer.submit(GroupWrite(APP, grp("g1", "alice", 1))),
        writer.submit(GroupWrite(APP, grp("g1", "alice", 2))),
        writer.submit(GroupWrite(APP, grp("g2", "admin", 3, flags=quiet), sender_is_member=False)),
        writer.submit(C2CWrite(APP, c2c("alice", "bob", 4))),
    ]
    g1a, g1b, g2, c = await asyncio.gather(*futs)
    assert (g1a.stored.seq, g1b.stored.seq, g2.stored.seq, c.stored.seq) == (1, 2, 1, 1)
    assert g1a.event_seqs == {}  # members read group messages through their read position
    heads = {h["conv_id"]: h for h in await rows(any_db, conv_heads)}
    assert heads["group:g1"]["last_seq"] == 2
    assert heads["group:g1"]["last_msg_id"] == g1b.stored.id
    assert heads["group:g1"]["last_time"] == T + 2
    # NoLastMsg: the seq moves, the shown last message does not
    assert heads["group:g2"]["last_seq"] == 1 and heads["group:g2"]["last_msg_id"] == 0
    [member] = await rows(any_db, group_members)
    assert member["last_send_time"] == T + 2


async def test_no_last_message_c2c_touches_but_does_not_move_the_conversation(
    any_db: Database, writer: MessageWriter
) -> None:
    shown = await writer.write(C2CWrite(APP, c2c("alice", "bob", 1)))
    await writer.write(
        C2CWrite(
            APP, c2c("alice", "bob", 2, flags=int(MessageFlag.NO_LAST_MSG)), to_sender_roam=False
        )
    )
    convs = {r["owner"]: r for r in await rows(any_db, user_conversations)}
    assert convs["bob"]["last_msg_id"] == shown.stored.id  # still the first
    assert convs["alice"]["last_msg_id"] == shown.stored.id
    [_, hidden] = await rows(any_db, messages)
    assert hidden["flags"] & int(MessageFlag.NOT_IN_SENDER_ROAM)


async def test_a_bad_write_fails_alone(any_db: Database, writer: MessageWriter) -> None:
    bad = NewMessage(
        conv_id=c2c_conv_id("alice", "bob"),
        from_account="alice",
        to_account="bob",
        msg_time=T,
        random=9,
        client_seq=0,
        body=None,  # type: ignore[arg-type]  # NOT NULL: the batch fails
    )
    futs = [
        writer.submit(C2CWrite(APP, c2c("alice", "bob", 1))),
        writer.submit(C2CWrite(APP, bad)),
        writer.submit(C2CWrite(APP, c2c("alice", "bob", 2))),
    ]
    results = await asyncio.gather(*futs, return_exceptions=True)
    assert isinstance(results[0], Written) and isinstance(results[2], Written)
    assert isinstance(results[1], Exception)
    assert [r["random"] for r in await rows(any_db, messages)] == [1, 2]
    # alone, it fails too
    with pytest.raises(Exception):  # noqa: B017  # the driver's IntegrityError
        await writer.write(C2CWrite(APP, bad))


async def test_a_write_whose_caller_gave_up_is_skipped(
    any_db: Database, writer: MessageWriter
) -> None:
    gone = writer.submit(C2CWrite(APP, c2c("alice", "bob", 1)))
    gone.cancel()
    kept = await writer.write(C2CWrite(APP, c2c("alice", "bob", 2)))
    assert kept.stored.seq == 1
    assert [r["random"] for r in await rows(any_db, messages)] == [2]


async def test_close_commits_what_is_queued_then_stops(any_db: Database) -> None:
    w = MessageWriter(any_db, max_batch=2)
    await w.close()  # never started: nothing to do
    futs = [w.submit(C2CWrite(APP, c2c("alice", "bob", i))) for i in range(5)]
    await w.close()
    assert all(f.done() and not f.exception() for f in futs)
    assert w.batches == 3 and w.written == 5  # max_batch 2: 2 + 2 + 1
    assert len(await rows(any_db, messages)) == 5


async def test_a_cancelled_writer_fails_its_batch(any_db: Database) -> None:
    w = MessageWriter(any_db)
    gate = asyncio.Event()
    started = asyncio.Event()

    async def stuck(ops: Any) -> list[Written]:
        started.set()
        await gate.wait()
        raise AssertionError("unreachable")

    w._commit = stuck  # type: ignore[method-assign]
    fut = w.submit(C2CWrite(APP, c2c("alice", "bob", 1)))
    await started.wait()
    assert w._task is not None
    w._task.cancel()
    with pytest.raises(RuntimeError, match="writer stopped"):
        await fut
    with pytest.raises(asyncio.CancelledError):
        await w._task


async def test_reserve_ids_starts_after_existing_messages(any_db: Database) -> None:
    async with any_db.write() as conn:
        await conn.execute(
            messages.insert().values(
                id=41,
                app_id=APP,
                conv_id="x",
                seq=1,
                from_account="a",
                to_account="b",
                msg_time=T,
                random=1,
                client_seq=0,
                msg_key="k",
                body="[]",
                flags=0,
            )
        )
        await conn.execute(counters.delete())

    def reserve(conn: Any, n: int) -> int:
        return reserve_ids(conn, "message_id", n)

    assert await any_db.run_write(reserve, 3) == 42  # first use: after the highest id
    assert await any_db.run_write(reserve, 1) == 45


async def test_after_callbacks_are_stored_with_their_message_in_one_transaction(
    any_db: Database, writer: MessageWriter
) -> None:
    """The outbox row of a message's after-callback carries the ids the writer gave
    the message (C2C and group), and a message without a callback writes none."""

    def cb(command: str, key: str) -> NewCallback:
        return NewCallback(APP, command, key, '{"From_Account":"alice"}', "127.0.0.1", "Web")

    c1, c2, g = await asyncio.gather(
        writer.submit(
            C2CWrite(APP, c2c("alice", "bob", 7), callback=cb("C2C.CallbackAfterSendMsg", "c"))
        ),
        writer.submit(C2CWrite(APP, c2c("alice", "bob", 8))),
        writer.submit(
            GroupWrite(
                APP,
                grp("g1", "alice", 9),
                sender_is_member=False,
                callback=cb("Group.CallbackAfterSendMsg", "g"),
            )
        ),
    )
    assert writer.queued == 0
    out = sorted(await rows(any_db, callback_outbox), key=lambda r: r["id"])
    assert [(r["command"], r["msg_id"], r["msg_seq"]) for r in out] == [
        ("C2C.CallbackAfterSendMsg", c1.stored.id, c1.stored.seq),
        ("Group.CallbackAfterSendMsg", g.stored.id, g.stored.seq),
    ]
    assert all(r["status"] == "pending" and r["platform"] == "Web" for r in out)
    assert c2.stored.id not in {r["msg_id"] for r in out}


async def test_batches_wider_than_one_prebuilt_statement(any_db: Database) -> None:
    """700 senders to 700 receivers in one transaction: heads, dedupe keys and
    stream heads are read in chunks of 512 (prebuilt statements padded to a power
    of two), and a retry of all 700 finds every one of them."""
    w = MessageWriter(any_db, max_batch=1000)
    try:
        n = 700
        firsts = await asyncio.gather(
            *(w.submit(C2CWrite(APP, c2c(f"s{i}", f"r{i}", i, key=f"k{i}"))) for i in range(n))
        )
        assert w.batches == 1
        assert [f.stored.seq for f in firsts] == [1] * n
        assert all(f.event_seqs == {f"s{i}": 1, f"r{i}": 1} for i, f in enumerate(firsts))
        again = await asyncio.gather(
            *(w.submit(C2CWrite(APP, c2c(f"s{i}", f"r{i}", i, key=f"k{i}"))) for i in range(n))
        )
        assert all(a.duplicate and a.stored == f.stored for a, f in zip(again, firsts, strict=True))
        more = await asyncio.gather(
            *(w.submit(C2CWrite(APP, c2c(f"s{i}", f"r{i}", n + i))) for i in range(n))
        )
        assert all(m.stored.seq == 2 and m.event_seqs[f"r{i}"] == 2 for i, m in enumerate(more))
    finally:
        await w.close()


def test_padded_rounds_up_to_a_power_of_two() -> None:
    from palaver.storage.dialect import padded

    assert [padded(n) for n in (0, 1, 2, 3, 4, 5, 500, 512, 513)] == [
        1,
        1,
        2,
        4,
        4,
        8,
        512,
        512,
        1024,
    ]
