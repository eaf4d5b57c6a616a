"""One client connection: a bounded send queue and gapless stream delivery.

Frames for a connection are queued and written by one writer task, in queue
order.  The queue is bounded (``queue_frames``): when a client reads too slowly
and it overflows, the connection is closed with code 4008 and the client resumes
from its cursor later; nobody else waits for it (docs/protocol.md §4).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable

from aiohttp import WSMsgType, web

from palaver.protocol.frames import CLOSE_SLOW, encode_push
from palaver.protocol.stream import StreamState

log = logging.getLogger("palaver.connection")

#: Seconds a closing client may take to read what is queued and the close frame
#: before its socket is dropped (a client that stopped reading never does).
CLOSE_TIMEOUT = 5.0

#: ``loader(connection, after_seq) -> (frames [(seq, frame)], complete)``
Loader = Callable[["Connection", int], Awaitable[tuple[list[tuple[int, bytes]], bool]]]


class Connection:
    """A logged-in (or logging-in) WebSocket client.

    Args:
        ws: the prepared aiohttp WebSocket.
        queue_frames: most frames waiting to be written before the client is
            dropped as too slow.
        loader: reads the user's stream from storage for catch-up.
    """

    def __init__(self, ws: web.WebSocketResponse, *, queue_frames: int, loader: Loader) -> None:
        self.id = uuid.uuid4().hex
        self.ws = ws
        self.app_id = 0
        self.user_id = ""
        self.platform = "Unknown"
        self.last_seen = time.monotonic()
        self.stream: StreamState | None = None
        self.closed = False
        self._queue: deque[tuple[bytes, bool]] = deque()  # (frame, from catch-up)
        self._limit = queue_frames
        # Catch-up frames in the queue: not counted against the limit (a client that
        # missed more than the queue holds must still catch up); catch-up reads its
        # next page only once the previous one is written.
        self._backlog = 0
        self._backlog_written = asyncio.Event()
        self._backlog_written.set()
        self._ready = asyncio.Event()
        self._loader = loader
        self._catching_up: asyncio.Task[None] | None = None
        self._writer = asyncio.create_task(self._write_loop(), name=f"ws-writer-{self.id[:8]}")

    # -- sending --------------------------------------------------------

    def send(self, frame: bytes) -> None:
        """Queue a frame; closes the connection (4008) if the queue is full."""
        if self.closed:
            return
        if len(self._queue) - self._backlog >= self._limit:
            log.info(
                "dropping slow client %s/%s (%d frames queued)",
                self.app_id,
                self.user_id,
                len(self._queue),
            )
            self.close(CLOSE_SLOW, "send queue overflow")
            return
        self._queue.append((frame, False))
        self._ready.set()

    def _send_backlog(self, frames: list[bytes]) -> None:
        """Queue catch-up frames (outside the limit; paced by :meth:`_catch_up`)."""
        if self.closed or not frames:
            return
        self._queue.extend((f, True) for f in frames)
        self._backlog += len(frames)
        self._backlog_written.clear()
        self._ready.set()

    async def _write_loop(self) -> None:
        ws = self.ws
        try:
            while True:
                await self._ready.wait()
                while self._queue:
                    frame, backlog = self._queue.popleft()
                    if backlog:
                        self._backlog -= 1
                        if not self._backlog:
                            self._backlog_written.set()
                    await ws.send_frame(frame, WSMsgType.TEXT)
                # do not keep the last frame (orjson's 4 KB buffer) alive while idle
                frame = b""
                self._ready.clear()
        except (ConnectionError, RuntimeError, asyncio.CancelledError):
            pass
        except Exception:  # pragma: no cover - defensive
            log.exception("writer of %s failed", self.id)

    # -- the event stream -------------------------------------------------

    def start_stream(self, cursor: int, on_synced: Callable[[], None] | None = None) -> None:
        """Begin delivering the user's stream after ``cursor``: catch up from
        storage first, then live frames, each ``seq`` exactly once."""
        self.stream = StreamState(cursor, syncing=True)
        self._start_catch_up(on_synced)

    def stream_frame(self, seq: int, frame: bytes | None) -> None:
        """A live stream frame from fan-out (``None``: skip ``seq``, the client has it)."""
        if self.stream is None or self.closed:
            return
        step = self.stream.live(seq, frame)
        for f in step.frames:
            self.send(f)
        if step.catch_up:
            self._start_catch_up(None)

    def resync(self) -> None:
        """Read the stream from storage now (live frames may have been lost)."""
        if self.stream is not None and not self.closed:
            self.stream.syncing = True
            self._start_catch_up(None)

    def _start_catch_up(self, on_synced: Callable[[], None] | None) -> None:
        if self._catching_up is None or self._catching_up.done():
            self._catching_up = asyncio.create_task(self._catch_up(on_synced))

    async def _catch_up(self, on_synced: Callable[[], None] | None) -> None:
        stream = self.stream
        assert stream is not None
        try:
            while not self.closed:
                await self._backlog_written.wait()
                frames, complete = await self._loader(self, stream.delivered)
                step = stream.caught_up(frames, complete=complete)
                self._send_backlog(step.frames)
                if not step.catch_up:
                    break
                if complete:  # a live frame is ahead of storage: wait for its commit to be readable
                    await asyncio.sleep(0.005)
        except Exception:
            log.exception("catch-up of %s/%s failed", self.app_id, self.user_id)
            self.close(1011, "catch-up failed")
            return
        if on_synced is not None and not self.closed:
            on_synced()

    # -- closing ----------------------------------------------------------

    def kick(self, kick_type: str, code: int) -> None:
        """Push ``KICKED_OUT`` and close with ``code``."""
        if self.closed:
            return
        self.send(encode_push("KICKED_OUT", {"type": kick_type}))
        self.close(code, "kicked out")

    def close(self, code: int, reason: str = "") -> None:
        """Close after the frames already queued are written (except on overflow)."""
        if self.closed:
            return
        self.closed = True
        if code == CLOSE_SLOW:
            self._queue.clear()
            self._backlog = 0
            self._backlog_written.set()
        asyncio.get_running_loop().create_task(self._close(code, reason))

    async def _close(self, code: int, reason: str) -> None:
        # let queued frames (a KICKED_OUT push, a final response) go out first
        for _ in range(100):
            if not self._queue:
                break
            await asyncio.sleep(0.005)
        self._writer.cancel()
        try:
            await asyncio.wait_for(self.ws.close(code=code, message=reason.encode()), CLOSE_TIMEOUT)
        except asyncio.CancelledError:
            # cancelling the writer also cancels the drain waiter close() awaits
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise
        except Exception:
            pass
        # A client that stopped reading never takes the close frame, and the
        # transport waits for its buffer to flush before it closes: the socket (and
        # this connection's registration) would stay forever. Drop it after a grace.
        req = getattr(self.ws, "_req", None)  # aiohttp keeps the request private
        deadline = time.monotonic() + CLOSE_TIMEOUT
        while req is not None and req.transport is not None:
            if time.monotonic() >= deadline:
                req.transport.abort()
                break
            await asyncio.sleep(0.05)

    async def finished(self) -> None:
        """Stop the helper tasks (the socket is gone)."""
        self.closed = True
        self._writer.cancel()
        if self._catching_up is not None:
            self._catching_up.cancel()
        for task in (self._writer, self._catching_up):
            if task is not None:
                with contextlib.suppress(BaseException):
                    await task
