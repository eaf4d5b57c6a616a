"""A small time-bounded cache for the per-message checks (blacklist, send ban...).

Entries expire after ``ttl`` seconds, so a change made on another node is seen
within that time; changes made through this node invalidate at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")
_MISSING = object()


class TTLCache(Generic[V]):
    """A dict whose entries live ``ttl`` seconds; at most ``size`` entries (then cleared)."""

    def __init__(self, ttl: float, size: int = 100_000) -> None:
        self._ttl = ttl
        self._size = size
        self._items: dict[Hashable, tuple[float, V]] = {}
        self._loading: dict[Hashable, asyncio.Future[V]] = {}
        self._generation = 0  # bumped by clear(): a load begun before it is not cached

    async def get_or_load(self, key: Hashable, load: Callable[[], Awaitable[V]]) -> V:
        """The cached value, else ``await load()`` — once: concurrent callers for
        the same key share one load (no stampede when a hot entry is missing)."""
        hit = self.get(key)
        if hit is not None:
            return hit
        pending = self._loading.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        fut: asyncio.Future[V] = asyncio.get_running_loop().create_future()
        self._loading[key] = fut
        generation = self._generation
        try:
            value = await load()
        except BaseException as exc:
            fut.set_exception(exc)
            fut.exception()  # retrieved: no "never retrieved" warning if nobody waited
            raise
        finally:
            self._loading.pop(key, None)
        if generation == self._generation:
            self.put(key, value)
        fut.set_result(value)
        return value

    def get(self, key: Hashable) -> V | None:
        """The cached value, or ``None`` if absent or expired."""
        hit = self._items.get(key)
        if hit is None:
            return None
        if hit[0] < time.monotonic():
            del self._items[key]
            return None
        return hit[1]

    def put(self, key: Hashable, value: V) -> None:
        """Cache ``value`` for ``ttl`` seconds."""
        if len(self._items) >= self._size:
            self._items.clear()
        self._items[key] = (time.monotonic() + self._ttl, value)

    def drop(self, key: Hashable) -> None:
        """Forget one key (after a local change)."""
        self._items.pop(key, None)

    def clear(self) -> None:
        """Forget everything; loads under way finish for their callers but are not cached."""
        self._items.clear()
        self._loading.clear()
        self._generation += 1
