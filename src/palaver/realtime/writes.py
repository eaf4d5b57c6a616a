"""Writing frames to sockets at the end of an event-loop iteration (one
``transport.write`` per connection for all the frames of the iteration), and
the WebSocket frame header those writes carry. Used by
:class:`~palaver.realtime.connection.Connection`.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Protocol


class Flushable(Protocol):
    """A connection with frames to write (:meth:`Connection._flush
    <palaver.realtime.connection.Connection>`)."""

    def _flush(self) -> None: ...


def frame_header(n: int, first: int = 0x81) -> bytes:
    """The header of an unmasked final server frame of ``n`` bytes (RFC 6455 §5.2);
    ``first`` is 0x81 for a text frame, 0x82 for a binary one."""
    if n < 126:
        return bytes((first, n))
    if n < 65536:
        return bytes((first, 0x7E)) + n.to_bytes(2, "big")
    return bytes((first, 0x7F)) + n.to_bytes(8, "big")


class Batch:
    """The frames of this event-loop iteration, per connection, written by one
    ``call_soon`` callback at its end (one batch per event loop)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._conns: list[Flushable] = []

    def add(self, conn: Flushable) -> None:
        """Write ``conn``'s direct frames at the end of this iteration."""
        if not self._conns:
            self._loop.call_soon(self._flush)
        self._conns.append(conn)

    def _flush(self) -> None:
        conns, self._conns = self._conns, []
        for conn in conns:
            conn._flush()


_BATCHES: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Batch] = weakref.WeakKeyDictionary()


def batch() -> Batch:
    """The running event loop's :class:`Batch` (made on first use)."""
    loop = asyncio.get_running_loop()
    b = _BATCHES.get(loop)
    if b is None:
        b = _BATCHES[loop] = Batch(loop)
    return b
