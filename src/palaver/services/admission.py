"""Admission control for logins: a bounded number in progress, a bounded queue
behind them, and a clear "server busy, retry after N ms" beyond it (issue 20).

A login costs a UserSig check, several database reads and the start of the
catch-up. When a restart or a network blip makes thousands of clients log in
at once, running every login at once fills the event loop's ready queue: the
live clients' heartbeats and messages then wait behind thousands of logins.
:class:`LoginGate` lets ``limit`` logins run at once and ``queue`` more wait
their turn (first come, first served); a login beyond that is refused at once
with Tencent's 70169 ("server internal timeout, retry") and a ``retryAfter``
hint, which Palaver's SDKs honour (plus their own full jitter), instead of
timing out on the client after many seconds.

Refusing is cheapest before the WebSocket upgrade: :meth:`LoginGate.refuse_upgrade`
tells the endpoints whether a new connection would be turned away (counting the
connections upgraded whose login has not reached the gate yet, :class:`Arrival`),
and they answer its upgrade request with HTTP 503 and ``Retry-After`` without
upgrading it (docs/protocol.md §3). The in-protocol 70169 stays for a login that
finds the gate full although its connection was let in.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import AsyncIterator

from palaver.errors import Code, ImError

#: Shortest and longest ``retryAfter`` hint, in ms.
RETRY_AFTER_MIN_MS = 500
RETRY_AFTER_MAX_MS = 30_000


class ServerBusy(ImError):
    """A login turned away because the server is at capacity: Tencent's 70169,
    with ``retry_after_ms``, how long the client should wait before it tries again."""

    def __init__(self, retry_after_ms: int) -> None:
        super().__init__(Code.ERR_SVR_ACCOUNT_SERVER_BUSY, "server busy: retry later")
        self.retry_after_ms = retry_after_ms


class LoginGate:
    """At most ``limit`` logins in progress, ``queue`` more waiting in order.

    Args:
        limit: logins run at once (≥ 1).
        queue: logins that may wait for a turn; one more is refused (0: never wait).
        max_wait: seconds a login may expect to wait (from the recent time per
            login); a login that would wait longer is refused at once. ``None``:
            only ``queue`` bounds the wait.

    A waiting login costs the server next to nothing; a refused one comes back
    and pays for its connection again. So the queue is long, and the expected
    wait, not its length, decides.
    """

    def __init__(self, limit: int, queue: int, max_wait: float | None = None) -> None:
        self.limit = max(1, limit)
        self.queue = max(0, queue)
        self.max_wait = max_wait
        self.active = 0
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._seconds = 0.005  # moving average of one login's time in the gate
        #: logins refused so far (ServerBusy)
        self.refused = 0
        #: connections upgraded whose first frame has not been read yet (:class:`Arrival`)
        self.arriving = 0
        #: upgrade requests refused so far (:meth:`refuse_upgrade`)
        self.refused_upgrades = 0

    @property
    def waiting(self) -> int:
        """Logins waiting for a turn."""
        return len(self._waiters)

    def retry_after_ms(self) -> int:
        """The hint for a refused login: about the time the logins now admitted or
        waiting take to finish, within [RETRY_AFTER_MIN_MS, RETRY_AFTER_MAX_MS]."""
        backlog = (self.active + len(self._waiters)) * self._seconds / self.limit
        return int(min(RETRY_AFTER_MAX_MS, max(RETRY_AFTER_MIN_MS, backlog * 1000)))

    def _too_long(self, position: int) -> bool:
        """Whether the ``position``-th in line would expect to wait over ``max_wait``."""
        return self.max_wait is not None and position * self._seconds / self.limit > self.max_wait

    def refuse_upgrade(self, *, count: bool = True) -> int | None:
        """Whether a new connection should be turned away before its upgrade: the
        ``retryAfter`` hint (ms) if a login from it would be refused now, else ``None``.

        Its place in line counts the logins in progress and waiting and the
        connections upgraded whose login has not reached the gate yet
        (``arriving``): beyond ``queue``, or expected to wait over ``max_wait``,
        it is refused, and :attr:`refused_upgrades` counts it (unless ``count``
        is false: a question, not a connection).
        """
        ahead = self.active + len(self._waiters) + self.arriving
        if ahead < self.limit:
            return None
        place = ahead - self.limit + 1  # its place in line
        if place <= self.queue and not self._too_long(place):
            return None
        self.refused_upgrades += count
        return self.retry_after_ms()

    @contextlib.asynccontextmanager
    async def admit(self) -> AsyncIterator[None]:
        """Hold a login slot for the ``async with`` body (waiting in line for one).

        Raises:
            ServerBusy: every slot is taken and the queue is full.
        """
        if self.active < self.limit and not self._waiters:
            self.active += 1
        else:
            if len(self._waiters) >= self.queue or self._too_long(len(self._waiters) + 1):
                self.refused += 1
                raise ServerBusy(self.retry_after_ms())
            turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(turn)
            try:
                await turn  # the slot is handed over by the login that ends
            except BaseException:
                if turn.done() and not turn.cancelled():
                    self._release()  # handed over just as the wait was cancelled
                else:
                    self._waiters.remove(turn)
                raise
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self._seconds += (time.perf_counter() - t0 - self._seconds) * 0.1
            self._release()

    def _release(self) -> None:
        while self._waiters:
            turn = self._waiters.popleft()
            if not turn.done():
                turn.set_result(None)  # the slot passes on: ``active`` unchanged
                return
        self.active -= 1


class Arrival:
    """A connection let in by :meth:`LoginGate.refuse_upgrade`, counted in the
    gate's ``arriving`` until :meth:`done` (its first frame was read, or it ended);
    ``done`` may be called more than once. ``None``: nothing counted."""

    __slots__ = ("_gate",)

    def __init__(self, gate: LoginGate | None) -> None:
        self._gate = gate
        if gate is not None:
            gate.arriving += 1

    def done(self) -> None:
        """Stop counting this connection (idempotent)."""
        if self._gate is not None:
            self._gate.arriving -= 1
            self._gate = None
