"""A small time-bounded cache for the per-message checks (blacklist, send ban...).

Entries expire after ``ttl`` seconds, so a change made on another node is seen
within that time; changes made through this node invalidate at once.
"""

from __future__ import annotations

import time
from collections.abc import Hashable
from typing import Generic, TypeVar

V = TypeVar("V")
_MISSING = object()


class TTLCache(Generic[V]):
    """A dict whose entries live ``ttl`` seconds; at most ``size`` entries (then cleared)."""

    def __init__(self, ttl: float, size: int = 100_000) -> None:
        self._ttl = ttl
        self._size = size
        self._items: dict[Hashable, tuple[float, V]] = {}

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
        """Forget everything."""
        self._items.clear()
