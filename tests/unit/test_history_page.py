"""The C2C history page of ``getMessageList`` (``MessageService.page``, one query
since issue 16) and of ``admin_getroammsg`` (``read_page`` by MsgKey) against
:meth:`MessageService.history`, on SQLite and PostgreSQL: the same messages, the
read positions of both sides, anchors, time bounds, paging, and what the viewer
may not see; and the records its rows read back as."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import FrozenInstanceError
from pathlib import Path
from typing import Any

import pytest

from palaver.errors import ImError
from palaver.model.messages import MessageRecord
from palaver.services.message_deletes import MessageDeleteService
from palaver.storage import Database
from palaver.storage.records import message_record_of

from .conftest import World, build_world, until
from .test_messages import send


@pytest.fixture
async def w(any_db: Database) -> AsyncIterator[World]:
    world = await build_world(any_db)
    yield world
    await world.writer.close()


async def test_a_page_is_what_history_shows_with_both_read_positions(w: World) -> None:
    await w.users("alice", "bob", "carol")
    sent = [
        await send(w, "alice" if i % 2 else "bob", "bob" if i % 2 else "alice", i) for i in range(7)
    ]
    hidden = await send(w, "alice", "bob", 100, sync_other_machine=2)  # not in alice's roaming
    await w.messages.mark_read(w.app, "bob", "alice", sent[4].seq)
    await w.messages.mark_read(w.app, "alice", "bob", sent[2].seq)

    page, peer_read, my_read = await w.messages.page(w.app, "alice", "bob", limit=3)
    assert (peer_read, my_read) == (sent[4].seq, sent[2].seq)
    assert [m.seq for m in page.messages] == [s.seq for s in sent[4:7]]  # oldest first
    assert not page.complete
    history = await w.messages.history(w.app, "alice", "bob", limit=3)
    assert page.messages == history.messages

    # bob sees the message kept out of alice's roaming; the anchor pages back
    page, peer_read, my_read = await w.messages.page(w.app, "bob", "alice", limit=2)
    assert [m.seq for m in page.messages] == [sent[6].seq, hidden.seq]
    assert (peer_read, my_read) == (sent[2].seq, sent[4].seq)
    older, _, _ = await w.messages.page(
        w.app, "bob", "alice", limit=10, before_id=page.messages[0].id
    )
    assert [m.seq for m in older.messages] == [s.seq for s in sent[:6]] and older.complete
    assert older.messages[0].body == sent[0].message.body

    # a message of another conversation is no anchor (6017), nor is a missing one
    other = await send(w, "carol", "bob", 1)
    for bad in (other.message.id, 10**12):
        with pytest.raises(ImError) as e:
            await w.messages.page(w.app, "bob", "alice", limit=5, before_id=bad)
        assert e.value.code == 6017

    # no conversation at all: an empty, complete page, nobody read anything
    page, peer_read, my_read = await w.messages.page(w.app, "alice", "carol", limit=5)
    assert (page.messages, page.complete, peer_read, my_read) == ([], True, 0, 0)


async def test_deleted_for_me_and_cleared_messages_are_not_on_my_page(w: World) -> None:
    await w.users("alice", "bob")
    sent = [await send(w, "alice", "bob", i) for i in range(5)]
    deletes = MessageDeleteService(w.db, w.groups.directory, w.groups.reads)
    [gone] = await deletes.c2c_by_keys(w.app, "bob", "alice", [sent[3].msg_key])
    await deletes.delete_for(w.app, "bob", [gone])
    page, _, _ = await w.messages.page(w.app, "bob", "alice", limit=10)
    assert [m.seq for m in page.messages] == [s.seq for s in sent if s is not sent[3]]
    recalled = await w.messages.recall_message(w.app, sent[4].message, "alice")
    await deletes.clear_c2c(w.app, "bob", "alice")
    after = await send(w, "alice", "bob", 9)
    page, _, _ = await w.messages.page(w.app, "bob", "alice", limit=10)
    assert [m.seq for m in page.messages] == [after.seq]
    page, _, _ = await w.messages.page(w.app, "alice", "bob", limit=10)
    assert [m.seq for m in page.messages] == [s.seq for s in sent] + [after.seq]
    assert page.messages[4].is_recalled and page.messages[4].seq == recalled.seq


async def test_the_retention_horizon_bounds_the_page(w: World) -> None:
    await w.users("alice", "bob")
    old = await send(w, "alice", "bob", 1)
    w.clock.advance(3 * 86400)
    new = await send(w, "alice", "bob", 2)
    await w.settings(history_retention_days=2)
    page, _, _ = await w.messages.page(w.app, "bob", "alice", limit=10)
    assert [m.seq for m in page.messages] == [new.seq] and page.complete
    # before the newest: the old message is past the horizon, but no error
    page, _, _ = await w.messages.page(w.app, "bob", "alice", limit=10, before_id=new.message.id)
    assert page.messages == [] and page.complete and old.seq < new.seq


async def test_a_page_by_msgkey_and_time_range_is_what_history_shows(w: World) -> None:
    """The REST ``admin_getroammsg`` page (``read_page`` by MsgKey, one query)
    against the lookups it replaced: ``find_by_key`` then ``history``."""
    await w.users("alice", "bob", "carol")
    sent = []
    for i in range(8):
        sent.append(await send(w, "alice" if i % 2 else "bob", "bob" if i % 2 else "alice", i))
        w.clock.advance(10)
    await w.messages.mark_read(w.app, "bob", "alice", sent[5].seq)
    t = [s.msg_time for s in sent]

    async def both(key: str | None, lo: int | None, hi: int | None) -> list[int]:
        page = await w.messages.read_page(
            w.app, "alice", "bob", limit=3, before_key=key, min_time=lo, max_time=hi
        )
        assert page is not None and page.peer_read == sent[5].seq
        anchor = await w.messages.find_by_key(w.app, "alice", "bob", key) if key else None
        old = await w.messages.history(
            w.app,
            "alice",
            "bob",
            limit=3,
            min_time=lo,
            max_time=hi,
            before_seq=anchor.seq if anchor else None,
        )
        assert (page.messages, page.complete) == (old.messages, old.complete)
        return [m.seq for m in page.messages]

    assert await both(None, None, None) == [s.seq for s in sent[5:]]
    assert await both(sent[6].msg_key, None, None) == [s.seq for s in sent[3:6]]
    assert await both(sent[6].msg_key, t[4], None) == [sent[4].seq, sent[5].seq]
    assert await both(None, t[1], t[3]) == [s.seq for s in sent[1:4]]
    assert await both(sent[3].msg_key, None, t[1]) == [sent[0].seq, sent[1].seq]
    # a key with another seq but this message's random and time (batchsendmsg's
    # one MsgKey for every recipient) anchors at that message, as find_by_key does
    s = sent[4]
    assert await both(f"{s.seq + 100}_{s.message.random}_{s.msg_time}", None, None) == [
        x.seq for x in sent[1:4]
    ]
    # no anchor: a malformed key, one of another conversation, one of no message
    other = await send(w, "carol", "bob", 1)
    for bad in ("x", "1_2", f"{sent[0].seq}_99_{t[0]}", other.msg_key):
        assert await w.messages.read_page(w.app, "alice", "bob", limit=3, before_key=bad) is None


def test_a_row_reads_back_as_the_record_its_constructor_makes() -> None:
    """``message_record_of`` sets the record's slots itself (issue 16): every
    field, the same values as ``MessageRecord(...)``, equal and as frozen."""
    row = (7, "c2c:a\x1fb", 3, "a", "b", 1700000000, 42, 5, 1699999999, "3_42_1700000000")
    row += ('[{"MsgType":"TIMTextElem","MsgContent":{"Text":"hi"}}]', "cc", 16 | 1)
    row += ('["b"]', 2, '{"PushFlag":0,"Title":"t"}')
    made = MessageRecord(
        id=7,
        conv_id="c2c:a\x1fb",
        seq=3,
        sender="a",
        receiver="b",
        time=1700000000,
        random=42,
        body=[{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}],
        client_seq=5,
        client_time=1699999999,
        msg_key="3_42_1700000000",
        cloud_custom_data="cc",
        flags=17,
        at_users=["b"],
        version=2,
        offline_push={"PushFlag": 0, "Title": "t"},
    )
    got = message_record_of(row)
    assert got == made and repr(got) == repr(made) and got.is_recalled and got.need_receipt
    assert message_record_of(row, flags=0) == made.with_flags(0)
    bare = message_record_of(row[:7] + (None, None, row[9], "[]", None, 0, None, None, None))
    assert (bare.client_seq, bare.client_time, bare.version, bare.at_users) == (0, 0, 0, None)
    assert (bare.body, bare.offline_push, bare.online_only) == ([], None, False)
    with pytest.raises(FrozenInstanceError):
        got.seq = 4  # type: ignore[misc]


async def test_a_page_read_on_a_locked_database_waits_off_the_event_loop(tmp_path: Path) -> None:
    """``Database.read_now`` reads on the loop's thread, but a database another
    connection holds locked (SQLite ``SQLITE_BUSY``) is waited for in a reader
    thread: the loop goes on, and the read answers once the lock is gone."""
    path = tmp_path / "locked.db"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("PRAGMA journal_mode=WAL")
    other.execute("CREATE TABLE t (x)")
    other.execute("PRAGMA locking_mode=EXCLUSIVE")
    other.execute("INSERT INTO t VALUES (7)")  # the database is now other's alone
    db = Database(f"sqlite+aiosqlite:///{path}")

    def count(conn: Any) -> Any:
        return conn.connection.driver_connection.execute("SELECT sum(x) FROM t").fetchall()

    try:
        read = asyncio.create_task(db.read_now(count))
        await until(lambda: db._reader_threads is not None, "the read moved to a reader thread")
        assert not read.done()  # the lock holds it there; the loop goes on
        other.close()
        assert await read == [(7,)]
        assert await db.read_now(count) == [(7,)]  # and the next on the loop's thread
    finally:
        await db.close()
