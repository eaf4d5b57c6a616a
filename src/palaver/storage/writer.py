"""Group commit of messages: many sends, one transaction, one statement per table.

Every message write goes through :class:`MessageWriter`.  Callers queue a
:class:`C2CWrite` and await its result; a single task takes everything queued
(up to ``max_batch``), and in **one transaction**:

1. stores them all (:func:`palaver.storage.message_batch.write_batch`: dedupe,
   sequences, one ``executemany`` per statement);
2. commits, then answers every caller.

A caller is answered only after the commit, so an acknowledged message is
durable.  At low load a batch holds one message and nothing waits; under load
the batch grows while the previous one commits (natural group commit).  If a
batch fails, its writes are retried one by one so one bad write fails alone.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from typing import Any

from palaver.stats import NodeStats
from palaver.storage import Database
from palaver.storage.message_batch import Write, Written, write_batch

log = logging.getLogger("palaver.writer")


_Item = tuple[Write, "asyncio.Future[Written]"]
_STOP: Any = (None, None)  # queued by close(): commit what came before, then stop


class MessageWriter:
    """The group-commit writer. Start with :meth:`start`, stop with :meth:`close`.

    Args:
        db: the database.
        max_batch: most writes per transaction.
        stats: where batch sizes and commit times are counted (and the send
            pipelines that share this writer count their latency).
        index: also write the search index entries (docs/search.md); off, new
            messages are not searchable until ``palaver search rebuild``.
    """

    def __init__(
        self,
        db: Database,
        max_batch: int = 512,
        stats: NodeStats | None = None,
        *,
        index: bool = True,
    ) -> None:
        self._db = db
        self._max_batch = max_batch
        self.stats = stats or NodeStats()
        self._index = index
        self._queue: asyncio.Queue[_Item] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self.batches = 0
        self.written = 0
        self.submitted = 0  # writes queued since start (moves while messages arrive)

    def start(self) -> None:
        """Start the writer task (idempotent)."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="palaver-writer")

    def submit(self, op: Write) -> asyncio.Future[Written]:
        """Queue a write now; the future resolves once it is committed.

        Writes are committed in the order they were submitted.
        """
        self.start()
        self.submitted += 1
        fut: asyncio.Future[Written] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((op, fut))
        return fut

    async def write(self, op: Write) -> Written:
        """Queue a write and wait until it is committed.

        Raises:
            Exception: whatever storage raised for this write.
        """
        return await self.submit(op)

    @property
    def queued(self) -> int:
        """Writes waiting for the next transaction."""
        return self._queue.qsize()

    async def close(self) -> None:
        """Commit what is queued, then stop."""
        if self._task is None:
            return
        self._queue.put_nowait(_STOP)
        await self._task
        self._task = None

    async def _run(self) -> None:
        stopping = False
        while not stopping:
            batch, stopping = await self._next_batch()
            live = [(op, fut) for op, fut in batch if not fut.done()]
            if live:
                await self._write(live)

    async def _next_batch(self) -> tuple[list[_Item], bool]:
        """Wait for a write, then take the ones queued behind it, up to
        ``max_batch``: (the batch, whether :meth:`close` asked to stop after it)."""
        batch: list[_Item] = []
        item = await self._queue.get()
        while True:
            if item is _STOP:
                return batch, True
            batch.append(item)
            if len(batch) >= self._max_batch or self._queue.empty():
                return batch, False
            item = self._queue.get_nowait()

    async def _write(self, live: list[_Item]) -> None:
        """Commit a batch and answer its callers; a failed batch is retried one
        write at a time, so one bad write fails alone."""
        started = time.perf_counter()
        try:
            results = await self._commit([op for op, _ in live])
        except asyncio.CancelledError:
            for _, fut in live:
                if not fut.done():
                    fut.set_exception(RuntimeError("writer stopped"))
            raise
        except Exception:
            if len(live) > 1:
                log.warning("batch of %d failed; retrying one by one", len(live))
            await self._one_by_one(live)
            return
        self.batches += 1
        self.written += len(live)
        self.stats.commit_seconds.observe(time.perf_counter() - started)
        self.stats.batch_size.observe(len(live))
        for (_, fut), res in zip(live, results, strict=True):
            if not fut.done():
                fut.set_result(res)

    async def _one_by_one(self, items: list[_Item]) -> None:
        for op, fut in items:
            try:
                (res,) = await self._commit([op])
            except Exception as exc:
                log.exception("message write failed")
                if not fut.done():
                    fut.set_exception(exc)
            else:
                if not fut.done():
                    fut.set_result(res)

    async def _commit(self, ops: Sequence[Write]) -> list[Written]:
        return await self._db.run_write(write_batch, ops, index=self._index)
