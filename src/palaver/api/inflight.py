"""A connection's bound on requests in flight, and the tasks that run them.

:class:`InFlight` is a counting semaphore as :class:`asyncio.Semaphore` behaves
for the read loops (``acquire`` waits for a free slot, first come first served;
``release`` hands the slot to the oldest waiter), in a quarter of its memory: one
of each per open WebSocket (issue 16: an idle connection's size).
:class:`TaskSet` holds the running request tasks of a connection, and nothing
while none runs.
"""

from __future__ import annotations

import asyncio


class InFlight:
    """At most ``n`` requests of one connection in flight.

    Args:
        n: slots, at least 1.
    """

    __slots__ = ("_free", "_waiters")

    def __init__(self, n: int) -> None:
        self._free = n
        self._waiters: list[asyncio.Future[None]] | None = None

    async def acquire(self) -> None:
        """Take a slot, waiting (in arrival order) while none is free."""
        if self._free > 0 and not self._waiters:
            self._free -= 1
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if self._waiters is None:
            self._waiters = []
        self._waiters.append(fut)
        try:
            await fut
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():
                self.release()  # handed a slot, then cancelled: pass it on
            elif self._waiters is not None and fut in self._waiters:
                self._waiters.remove(fut)
            raise

    @property
    def waiting(self) -> int:
        """Requests waiting for a slot now."""
        return sum(1 for f in self._waiters or () if not f.done())

    def release(self) -> None:
        """Free a slot: the oldest waiter gets it, else it is counted free."""
        waiters = self._waiters
        while waiters:
            fut = waiters.pop(0)
            if not fut.done():
                if not waiters:
                    self._waiters = None
                fut.set_result(None)
                return
        self._waiters = None
        self._free += 1


class TaskSet:
    """The running tasks of one connection; holds no set while none runs."""

    __slots__ = ("_tasks",)

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] | None = None

    def add(self, task: asyncio.Task[None]) -> None:
        """Track ``task`` until it is done."""
        if self._tasks is None:
            self._tasks = set()
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        if self._tasks is not None:
            self._tasks.discard(task)
            if not self._tasks:
                self._tasks = None

    def running(self) -> list[asyncio.Task[None]]:
        """The tasks not done yet (a task that just ended is left out even before
        its done callback has run)."""
        return [t for t in self._tasks or () if not t.done()]
