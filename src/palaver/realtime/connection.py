"""One client connection: a bounded send queue and gapless stream delivery.

Frames for a connection that keeps up are written straight to its socket: the
frames of one event-loop iteration are collected (across every connection) and
written at the end of the iteration, one ``transport.write`` per connection, so
fanning a group message out to 10k members wakes no task and makes no system
call per frame beyond that write (docs/benchmarks.md, "Group fan-out").

When a client does not keep up (its socket buffer is over :data:`WRITE_HIGH_WATER`),
frames go to a queue that a writer task drains with flow control, in order; the
task (and the queue) exist only while there is something queued, so an idle
connection holds no task, no event and no queue (issue 16: memory per connection).
The queue is bounded (``queue_frames``): when a client reads too slowly and it
overflows, the connection is closed with code 4008 and the client resumes from
its cursor later; nobody else waits for it (docs/protocol.md §4).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import gc
import itertools
import logging
import os
import sys
import termios
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import cast

from aiohttp import WSMsgType, web

from palaver.model.events import GroupEffect
from palaver.protocol.frames import CLOSE_SLOW, Push
from palaver.protocol.stream import StreamState
from palaver.realtime.delivery import PALAVER, Codec, Outbound
from palaver.realtime.writes import batch as _batch
from palaver.realtime.writes import frame_header as _frame_header
from palaver.stats import NodeStats

log = logging.getLogger("palaver.connection")

#: Seconds a closing client may take to read what is queued and the close frame
#: before its socket is dropped (a client that stopped reading never does).
CLOSE_TIMEOUT = 5.0

#: Bytes waiting in a socket's buffer above which frames take the queued path
#: (asyncio's default high-water mark for pausing writers).
WRITE_HIGH_WATER = 64 * 1024


#: New connections after which one is frozen out of the garbage collector's scans
#: at once (``gc.freeze()``). A login storm allocates fast: without this, every
#: growth by a quarter sets off a full collection over every connection (about a
#: second at 10k) while the live clients wait; the registry's sweeper, every 5 s,
#: is too slow for a storm. Frozen garbage is collected by the sweeper's periodic
#: unfreeze (``REFREEZE_INTERVAL``).
FREEZE_STEP = 200
_created = [0]


def _count_new_connection() -> None:
    _created[0] += 1
    if _created[0] >= FREEZE_STEP:
        _created[0] = 0
        gc.freeze()


#: Connection ids: a serial number, then this process's random part (96 bits,
#: drawn once), so that they are unique across nodes (kicks and sends name their
#: origin connection cluster-wide) without ``os.urandom`` per connection.
_SERIAL = itertools.count(1)
_PROCESS = os.urandom(12).hex()


@dataclass(frozen=True, slots=True)
class StreamItemWithEffect:
    """A user-stream push whose delivery also changes what the connection
    follows (a membership event: follow or unfollow a group's stream). No
    ``push`` only applies the effect (the connection that caused it has the answer)."""

    push: Outbound | None
    effect: GroupEffect


#: An item of the user stream: a push, or a push with an effect.
Item = Outbound | StreamItemWithEffect

#: ``loader(connection, after_seq) -> (items [(seq, item)], complete)``
Loader = Callable[["Connection", int], Awaitable[tuple[list[tuple[int, Item | None]], bool]]]
#: ``group_loader(connection, group_id, after_seq) -> (pushes [(seq, push or None)], complete)``
GroupLoader = Callable[
    ["Connection", str, int], Awaitable[tuple[list[tuple[int, Outbound | None]], bool]]
]
#: ``on_follow(connection, group_id, following)``: the registry's hook; may return
#: an awaitable that completes once the node receives the group's deliveries.
FollowHook = Callable[["Connection", str, bool], Awaitable[None] | None]


class Connection:
    """A logged-in (or logging-in) WebSocket client.

    Args:
        ws: the prepared aiohttp WebSocket.
        queue_frames: most frames waiting to be written before the client is
            dropped as too slow.
        loader: reads the user's stream from storage for catch-up.
        group_loader: reads a group's stream (its messages) from storage.
        transport: the socket's transport (``request.transport``) for direct
            writes; without one every frame takes the queued path.
        codec: the wire protocol of its pushes (Palaver's by default).
        close_on_kick: a kick closes the socket (Palaver's protocol); else it is
            only pushed and the registry forgets the connection (Tencent's SDK
            logs out on its own and would reconnect if its socket closed).
    """

    __slots__ = (
        "id", "codec", "protocol", "stats", "close_on_kick", "_opcode", "_msg_type", "ws",
        "app_id", "user_id", "platform", "last_seen", "stream", "groups", "on_follow",
        "closed", "kicked", "_queue", "_transport", "_direct", "_writer", "_limit",
        "_backlog", "_drained", "_loader", "_group_loader", "_catching", "_routed",
        "_initial", "_on_synced", "_missed", "__weakref__",
    )  # fmt: skip

    def __init__(
        self,
        ws: web.WebSocketResponse,
        *,
        queue_frames: int,
        loader: Loader,
        group_loader: GroupLoader | None = None,
        transport: asyncio.BaseTransport | None = None,
        codec: Codec = PALAVER,
        close_on_kick: bool = True,
    ) -> None:
        self.id = f"{next(_SERIAL):08x}{_PROCESS}"
        self.codec = codec
        #: the client protocol, a metrics label: ``palaver`` or ``tencent``
        self.protocol = codec.name.split("-", 1)[0]
        #: the node's figures (the registry sets them at login)
        self.stats: NodeStats | None = None
        self.close_on_kick = close_on_kick
        self._opcode = 0x82 if codec.binary else 0x81
        self._msg_type = WSMsgType.BINARY if codec.binary else WSMsgType.TEXT
        self.ws = ws
        self.app_id = 0
        self.user_id = ""
        self.platform = "Unknown"
        self.last_seen = time.monotonic()
        self.stream: StreamState[Item] | None = None
        #: group streams followed, by group id (docs/protocol.md §8.1)
        self.groups: dict[str, StreamState[Outbound]] = {}
        self.on_follow: FollowHook | None = None
        self.closed = False
        #: kicked out (a new login replaced it, or REST ``kick``): deliveries stopped
        self.kicked = False
        # (frame, from catch-up); ``None`` while nothing is queued
        self._queue: deque[tuple[bytes, bool]] | None = None
        # uvloop's transports implement WriteTransport without subclassing it
        self._transport = cast("asyncio.WriteTransport | None", transport)
        self._direct: list[bytes] | None = None  # frames for this iteration's direct write
        # the writer task, while the queue has frames (it ends when it drained them)
        self._writer: asyncio.Task[None] | None = None
        self._limit = queue_frames
        # Catch-up frames in the queue: not counted against the limit (a client that
        # missed more than the queue holds must still catch up); catch-up reads its
        # next page only once the previous one is written (``_drained`` is set then;
        # made only while a catch-up waits for it).
        self._backlog = 0
        self._drained: asyncio.Event | None = None
        self._loader = loader
        self._group_loader = group_loader
        # catch-up task per stream: "" the user's, else a group id
        self._catching: dict[str, asyncio.Task[None]] = {}
        self._routed: dict[str, Awaitable[None]] = {}  # group -> node subscribed
        self._initial: set[str] | None = None  # streams whose first catch-up is running
        self._on_synced: Callable[[], None] | None = None
        # a live push of the user's stream came before :meth:`start_stream` (dropped)
        self._missed = False
        _count_new_connection()

    # -- sending --------------------------------------------------------

    @property
    def queued(self) -> int:
        """Frames waiting in this connection's send queue."""
        return len(self._queue) if self._queue else 0

    @property
    def client_ip(self) -> str:
        """The peer's IP address ("" if unknown)."""
        peer = self._transport.get_extra_info("peername") if self._transport else None
        return str(peer[0]) if isinstance(peer, tuple) and peer else ""

    def send_push(self, push: Outbound) -> None:
        """Send a push, encoded in this connection's protocol (once per protocol)."""
        self.send(push.frame(self.codec))

    def send(self, frame: bytes) -> None:
        """Send a frame: directly at the end of this loop iteration when the client
        keeps up, else through the queue; closes the connection (4008) if the queue
        is full. An empty frame (a push the codec has no translation for) is skipped."""
        if self.closed or not frame:
            return
        if self._direct is not None:
            self._direct.append(frame)
            return
        if self._writer is None and self._writable():
            self._direct = [frame]
            _batch().add(self)
            return
        self._enqueue(frame)

    def _writable(self) -> bool:
        t = self._transport
        return t is not None and not t.is_closing() and t.get_write_buffer_size() < WRITE_HIGH_WATER

    def _flush(self) -> None:
        """Write this iteration's frames (called by the loop's batch). Frames sent
        just before a close (a ``KICKED_OUT`` push, a last response) still go out."""
        frames, self._direct = self._direct or [], None
        if not frames:
            return
        if self._writer is not None or not self._writable():
            self._queued().extend((f, False) for f in frames)
            return
        assert self._transport is not None
        parts: list[bytes] = []
        opcode = self._opcode
        for f in frames:
            parts.append(_frame_header(len(f), opcode))
            parts.append(f)
        self._transport.write(b"".join(parts))

    def _queued(self) -> deque[tuple[bytes, bool]]:
        """The send queue, and a writer task draining it (both made on demand)."""
        q = self._queue
        if q is None:
            q = self._queue = deque()
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_loop())
        return q

    def _direct_to_queue(self) -> None:
        """Frames waiting for this iteration's direct write go first in the queue
        (anything queued after them must not overtake them)."""
        if self._direct:
            pending, self._direct = self._direct, None
            self._queued().extend((f, False) for f in pending)

    def _enqueue(self, frame: bytes) -> None:
        if self.closed:
            return
        self._direct_to_queue()
        n = self.queued
        if n - self._backlog >= self._limit:
            log.info("dropping slow client %s/%s (%d frames queued)", self.app_id, self.user_id, n)
            self.close(CLOSE_SLOW, "send queue overflow")
            return
        self._queued().append((frame, False))

    def _send_backlog(self, frames: list[bytes]) -> None:
        """Queue catch-up frames (outside the limit; paced by :meth:`_catch_up`)."""
        frames = [f for f in frames if f]
        if self.closed or not frames:
            return
        self._direct_to_queue()
        self._queued().extend((f, True) for f in frames)
        self._backlog += len(frames)

    def _backlog_done(self) -> None:
        self._backlog = 0
        ev, self._drained = self._drained, None
        if ev is not None:
            ev.set()

    async def _backlog_written(self) -> None:
        """Wait until no catch-up frame is queued."""
        while self._backlog:
            if self._drained is None:
                self._drained = asyncio.Event()
            await self._drained.wait()

    async def _write_loop(self) -> None:
        """Write the queued frames in order with flow control; end once the queue is
        empty (the next queued frame starts a new writer; nothing awaits between
        the last check and the end, so no frame is left behind)."""
        ws, q = self.ws, self._queue
        try:
            while q:
                frame, backlog = q.popleft()
                if backlog:
                    self._backlog -= 1
                    if not self._backlog:
                        self._backlog_done()
                await ws.send_frame(frame, self._msg_type)
                del frame  # the last one (orjson's 4 KB buffer) is not kept while waiting
        except (ConnectionError, RuntimeError, asyncio.CancelledError):
            pass
        except Exception:  # pragma: no cover - defensive
            log.exception("writer of %s failed", self.id)
        finally:
            # after a failed write the task stays set: later frames queue behind the
            # ones left (until the limit or the close), as they did behind a live writer
            if not q and self._writer is asyncio.current_task():
                self._writer = None
                if self._queue is q:
                    self._queue = None

    # -- the event stream and group streams ----------------------------------

    def start_stream(
        self,
        cursor: int,
        on_synced: Callable[[], None] | None = None,
        group_cursors: dict[str, int] | None = None,
        *,
        at_head: bool = False,
    ) -> None:
        """Begin delivering the user's stream after ``cursor`` and each group's
        stream after its cursor: catch up from storage first, then live frames,
        each ``seq`` exactly once. ``on_synced`` runs once every first catch-up
        is done (at once if there is none).

        ``at_head``: ``cursor`` is the stream's head, read from storage after this
        connection was registered for live pushes (the login's plan): whatever is
        stored after it arrives live, so the first read from storage is skipped
        (issue 16: a new client's catch-up read nothing), unless a live push came
        before this call and was dropped. A gap in what arrives live is read from
        storage as always."""
        read = not at_head or self._missed
        self._missed = False
        self.stream = StreamState(cursor, syncing=read)
        self._on_synced = on_synced
        self._initial = ({""} if read else set()) | set(group_cursors or {})
        for group_id, after in (group_cursors or {}).items():
            self.follow_group(group_id, after)
        if read:
            self._start_catch_up("")
        elif not self._initial:
            self._initial = {""}
            self._initial_done("")

    def _deliver(self, items: list[Item], backlog: bool) -> None:
        frames: list[bytes] = []
        codec = self.codec
        for item in items:
            if isinstance(item, StreamItemWithEffect):
                e = item.effect
                if e.follow:
                    self.follow_group(e.group_id, e.cursor)
                else:
                    self.unfollow_group(e.group_id)
                if item.push is not None:
                    frames.append(item.push.frame(codec))
            else:
                frames.append(item.frame(codec))
        if backlog:
            self._send_backlog(frames)
        else:
            for f in frames:
                self.send(f)

    def stream_item(self, seq: int, item: Item | None) -> None:
        """A live user-stream push from fan-out (``None``: skip ``seq``, the client has it)."""
        if self.stream is None or self.closed:
            self._missed = self.stream is None  # before start_stream: read storage then
            return
        step = self.stream.live(seq, item)
        self._deliver(step.frames, backlog=False)
        if step.catch_up:
            self._start_catch_up("")

    def follow_group(self, group_id: str, cursor: int) -> None:
        """Follow a group's stream after ``cursor`` (idempotent): storage first,
        then live frames."""
        if self.closed or group_id in self.groups:
            return
        self.groups[group_id] = StreamState(cursor, syncing=True)
        if self.on_follow is not None:
            routed = self.on_follow(self, group_id, True)
            if routed is not None:
                self._routed[group_id] = routed
        self._start_catch_up(group_id)

    def unfollow_group(self, group_id: str) -> None:
        """Stop following a group's stream."""
        if self.groups.pop(group_id, None) is None:
            return
        self._routed.pop(group_id, None)
        task = self._catching.pop(group_id, None)
        if task is not None:
            task.cancel()
        self._initial_done(group_id)
        if self.on_follow is not None:
            self.on_follow(self, group_id, False)

    def group_push(self, group_id: str, seq: int, push: Outbound | None) -> None:
        """A live push of a group's stream (``None``: skip ``seq``)."""
        state = self.groups.get(group_id)
        if state is None or self.closed:
            return
        step = state.live(seq, push)
        for p in step.frames:
            self.send(p.frame(self.codec))
        if step.catch_up:
            self._start_catch_up(group_id)

    def group_cursors(self) -> dict[str, int]:
        """The last ``seq`` delivered of each followed group."""
        return {g: st.delivered for g, st in self.groups.items()}

    def resync(self) -> None:
        """Read every stream from storage now (live frames may have been lost)."""
        if self.closed:
            return
        if self.stream is not None:
            self.stream.syncing = True
            self._start_catch_up("")
        for group_id, state in self.groups.items():
            state.syncing = True
            self._start_catch_up(group_id)

    def _start_catch_up(self, key: str) -> None:
        task = self._catching.get(key)
        if task is None or task.done():
            self._catching[key] = asyncio.create_task(self._catch_up(key))

    def _caught_up(self, key: str) -> None:
        """Forget the catch-up task of ``key`` once it ends (it is the running task)."""
        if self._catching.get(key) is asyncio.current_task():
            del self._catching[key]

    def _initial_done(self, key: str) -> None:
        if self._initial is not None and key in self._initial:
            self._initial.discard(key)
            if self._initial:
                return
            self._initial = None
            if self._on_synced is not None and not self.closed:
                hook, self._on_synced = self._on_synced, None
                hook()

    async def _catch_up(self, key: str) -> None:
        try:
            routed = self._routed.pop(key, None)
            if routed is not None:  # the node must get live frames before storage is read
                await routed
            while not self.closed:
                await self._backlog_written()
                state: StreamState[Item] | StreamState[Outbound] | None
                if key:
                    state = self.groups.get(key)
                    if state is None or self._group_loader is None:
                        return
                    gframes, complete = await self._group_loader(self, key, state.delivered)
                    if self.groups.get(key) is not state:
                        return  # unfollowed meanwhile
                    gstep = state.caught_up(gframes, complete=complete)
                    self._send_backlog([p.frame(self.codec) for p in gstep.frames])
                    more = gstep.catch_up
                else:
                    ustate = self.stream
                    assert ustate is not None
                    frames, complete = await self._loader(self, ustate.delivered)
                    step = ustate.caught_up(frames, complete=complete)
                    self._deliver(step.frames, backlog=True)
                    more = step.catch_up
                if not more:
                    break
                if complete:  # a live frame is ahead of storage: wait for its commit to be readable
                    await asyncio.sleep(0.005)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("catch-up of %s/%s %r failed", self.app_id, self.user_id, key)
            self.close(1011, "catch-up failed")
            return
        finally:
            self._caught_up(key)
        self._initial_done(key)

    def detach(self) -> None:
        """Forget the user's streams, keeping the socket (Tencent's SDK logs out and
        in again on the same socket). The registry must have forgotten it first."""
        for task in self._catching.values():
            task.cancel()
        self._catching.clear()
        self._routed.clear()
        self._initial = None
        self._on_synced = None
        self.stream = None
        self._missed = False
        self.groups.clear()
        self.kicked = False

    # -- closing ----------------------------------------------------------

    def kick(self, kick_type: str, code: int) -> None:
        """Push ``KICKED_OUT`` and, if :attr:`close_on_kick`, close with ``code``."""
        if self.closed:
            return
        self.send(self.codec.encode_push(Push("KICKED_OUT", {"type": kick_type})))
        self.kicked = True
        if self.close_on_kick:
            self.close(code, "kicked out")

    def close(self, code: int, reason: str = "") -> None:
        """Close after the frames already queued are written (except on overflow)."""
        if self.closed:
            return
        self.closed = True
        if code == CLOSE_SLOW:
            if self.stats is not None:
                self.stats.slow_drops += 1
            self._direct = None
            if self._queue:
                self._queue.clear()
            self._backlog_done()
        asyncio.get_running_loop().create_task(self._close(code, reason))

    async def _close(self, code: int, reason: str) -> None:
        # let queued frames (a KICKED_OUT push, a final response) go out first
        for _ in range(100):
            if not self._queue and not self._direct:
                break
            await asyncio.sleep(0.005)
        if self._writer is not None:
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

    def input_pending(self) -> bool:
        """Something arrived from the client that the endpoint has not read yet:
        frames parsed but not yet taken by the read loop, or bytes still in the
        kernel's receive buffer (a busy event loop reads its sockets late). A
        client with input pending is alive, however long ago its last frame was
        handled (issue 20)."""
        reader = getattr(self.ws, "_reader", None)  # aiohttp keeps the queue private
        if reader is not None and getattr(reader, "_buffer", None):
            return True
        t = self._transport
        sock = t.get_extra_info("socket") if t is not None else None
        if sock is None:
            return False
        try:
            raw = fcntl.ioctl(sock.fileno(), termios.FIONREAD, b"\0\0\0\0")
        except (OSError, ValueError):
            return False
        return int.from_bytes(raw, sys.byteorder) > 0

    async def finished(self) -> None:
        """Stop the helper tasks (the socket is gone)."""
        self.closed = True
        tasks = [*self._catching.values()]
        if self._writer is not None:
            tasks.append(self._writer)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(BaseException):
                await task
