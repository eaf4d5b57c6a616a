"""The start of a logged-in connection's user stream (issue 16, cheaper logins):
a login whose plan resumes at the stream's head reads nothing from storage,
unless a live push came before the stream started (and was dropped then).

A real :class:`~palaver.realtime.connection.Connection` over a fake socket
socket (what it would send) and a loader that records its reads.
"""

from __future__ import annotations

from typing import Any

import orjson

from palaver.protocol.frames import Push
from palaver.realtime.connection import Connection, Item
from palaver.realtime.delivery import Outbound

from .conftest import until


class Socket:
    """The connection's socket: its transport (direct writes of whole frames) and
    its WebSocket (``send_frame``, the queued path); what was sent, in order."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, Any]] = []  # (push event, its data)

    def is_closing(self) -> bool:
        return False

    def get_write_buffer_size(self) -> int:
        return 0

    def get_extra_info(self, name: str) -> Any:
        return None

    def write(self, data: bytes) -> None:  # unmasked text frames under 126 bytes
        while data:
            n = data[1]
            self._record(data[2 : 2 + n])
            data = data[2 + n :]

    async def send_frame(self, payload: bytes, msg_type: Any) -> None:
        self._record(payload)

    def _record(self, payload: bytes) -> None:
        frame = orjson.loads(payload)
        self.sent.append((frame["ev"], frame["data"]))


def push(seq: int) -> Outbound:
    return Outbound(Push("EVENT", {"seq": seq}))


class Storage:
    """The user's stream as stored: ``after`` -> the items a read returns."""

    def __init__(self, items: list[tuple[int, Item | None]]) -> None:
        self.items = items
        self.reads: list[int] = []

    async def load(
        self, conn: Connection, after: int
    ) -> tuple[list[tuple[int, Item | None]], bool]:
        self.reads.append(after)
        return [(s, i) for s, i in self.items if s > after], True


def connection(storage: Storage) -> tuple[Connection, Socket]:
    sock = Socket()
    conn = Connection(
        sock,  # type: ignore[arg-type]
        queue_frames=100,
        loader=storage.load,
        transport=sock,  # type: ignore[arg-type]
    )
    return conn, sock


async def test_a_login_at_the_head_reads_nothing_and_is_synced_at_once() -> None:
    storage = Storage([])
    conn, sock = connection(storage)
    synced: list[int] = []
    conn.start_stream(7, lambda: synced.append(1), at_head=True)
    assert synced == [1]  # sync_done is sent right after the login's answer
    conn.stream_item(8, push(8))  # what is stored after the head arrives live
    conn.stream_item(8, push(8))  # (twice: sent once)
    await until(lambda: sock.sent)
    assert sock.sent == [("EVENT", {"seq": 8})]
    assert storage.reads == []


async def test_a_push_dropped_before_the_stream_started_is_read_from_storage() -> None:
    storage = Storage([(8, push(8))])
    conn, sock = connection(storage)
    conn.stream_item(8, push(8))  # came live between the plan's read and the start
    synced: list[int] = []
    conn.start_stream(7, lambda: synced.append(1), at_head=True)
    await until(lambda: synced)
    await until(lambda: sock.sent)
    assert storage.reads == [7]
    assert sock.sent == [("EVENT", {"seq": 8})]


async def test_a_gap_in_live_pushes_after_the_head_is_read_from_storage() -> None:
    storage = Storage([(8, push(8)), (9, push(9))])
    conn, sock = connection(storage)
    conn.start_stream(7, None, at_head=True)
    conn.stream_item(9, push(9))  # 8 has not come (yet)
    await until(lambda: storage.reads)
    await until(lambda: len(sock.sent) == 2)
    assert storage.reads == [7]
    assert sock.sent == [("EVENT", {"seq": 8}), ("EVENT", {"seq": 9})]


async def test_a_client_behind_the_head_catches_up_from_storage_first() -> None:
    storage = Storage([(8, push(8))])
    conn, sock = connection(storage)
    synced: list[int] = []
    conn.start_stream(7, lambda: synced.append(1))
    assert synced == []
    await until(lambda: synced)
    await until(lambda: sock.sent)
    assert storage.reads == [7]
    assert sock.sent == [("EVENT", {"seq": 8})]
