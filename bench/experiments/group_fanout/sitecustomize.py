"""An experiment, not a fix: patches ``palaver serve`` at start-up to try the group
fan-out changes measured in docs/benchmarks.md ("Group fan-out", experiments A–C),
without editing ``src/``. Run::

    PYTHONPATH=bench/experiments/group_fanout BENCH_FANOUT_EXPERIMENT=C \\
        .venv/bin/python -m bench --scenario group_fanout

``BENCH_FANOUT_EXPERIMENT``:

- ``A``: ``gc.freeze()`` every 2 s, from a thread.
- ``B``: A, and ``Connection.send`` writes a frame straight to the transport when
  the connection has nothing queued or in flight and the transport is not paused
  (else the queue and writer task, as now).
- ``C`` (default): A, and no writer-task wake-up per frame: frames of connections
  with nothing queued or in flight collect in a per-event-loop-iteration table
  that one ``call_soon`` callback flushes, one ``transport.write`` per connection.

It reaches into private attributes of ``Connection`` and aiohttp's WebSocket
writer, and skips the queue limit for the frames of one iteration: good enough
to measure, not to ship. Only the ``palaver serve`` process is patched.
"""

from __future__ import annotations

import os
import sys

if "serve" in sys.argv:
    import asyncio
    import gc
    import threading
    import time
    from typing import Any

    from aiohttp import WSMsgType

    from palaver.realtime import connection as _conn

    _MODE = os.environ.get("BENCH_FANOUT_EXPERIMENT", "C").upper()

    def _freezer() -> None:
        while True:
            time.sleep(2.0)
            gc.freeze()

    threading.Thread(target=_freezer, daemon=True).start()

    _queued_send = _conn.Connection.send

    def _header(n: int) -> bytes:
        """A server text frame's header (FIN, opcode 1, unmasked length)."""
        if n < 126:
            return bytes((0x81, n))
        if n < 65536:
            return bytes((0x81, 126)) + n.to_bytes(2, "big")
        return bytes((0x81, 127)) + n.to_bytes(8, "big")

    def _transport(c: Any) -> Any:
        """The connection's transport if a write now would not bypass anything."""
        if c._queue or getattr(c, "_busy", False):
            return None
        w = c.ws._writer
        t = w.transport if w is not None else None
        if t is None or t.is_closing() or w.protocol._paused:
            return None
        return t

    def _send_direct(self: Any, frame: bytes) -> None:  # B
        if self.closed:
            return
        t = _transport(self)
        if t is None:
            _queued_send(self, frame)
        else:
            t.write(_header(len(frame)) + frame)

    _dirty: dict[Any, list[bytes]] = {}
    _scheduled = [False]

    def _flush() -> None:
        _scheduled[0] = False
        items = list(_dirty.items())
        _dirty.clear()
        for c, frames in items:
            if c.closed:
                continue
            t = _transport(c)
            if t is None:
                for f in frames:
                    _queued_send(c, f)
                continue
            parts = []
            for f in frames:
                parts.append(_header(len(f)))
                parts.append(f)
            t.write(b"".join(parts))

    def _send_flushed(self: Any, frame: bytes) -> None:  # C
        if self.closed:
            return
        waiting = _dirty.get(self)
        if waiting is not None:
            waiting.append(frame)
        elif self._queue or getattr(self, "_busy", False):
            _queued_send(self, frame)
        else:
            _dirty[self] = [frame]
            if not _scheduled[0]:
                _scheduled[0] = True
                asyncio.get_running_loop().call_soon(_flush)

    async def _write_loop(self: Any) -> None:
        """``Connection._write_loop`` with a flag while a frame is in flight."""
        ws = self.ws
        try:
            while True:
                await self._ready.wait()
                self._busy = True
                while self._queue:
                    frame, backlog = self._queue.popleft()
                    if backlog:
                        self._backlog -= 1
                        if not self._backlog:
                            self._backlog_written.set()
                    await ws.send_frame(frame, WSMsgType.TEXT)
                self._busy = False
                frame = b""
                self._ready.clear()
        except (ConnectionError, RuntimeError, asyncio.CancelledError):
            pass

    if _MODE in ("B", "C"):
        _conn.Connection._write_loop = _write_loop  # type: ignore[method-assign]
        _conn.Connection.send = (  # type: ignore[method-assign]
            _send_direct if _MODE == "B" else _send_flushed
        )
