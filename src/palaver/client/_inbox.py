"""The queues between the SDK's tasks: the processor's inbox and its items.

The reader of a connection puts pushes into the :class:`Inbox`; methods put
:class:`Local` changes made by this device; the session's end puts :class:`End`.
The processor takes them one at a time, in order, and puts events (and
:class:`Mark` items) on the listeners' queue.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass
from typing import Any

from palaver.client.conversation_list import Step

#: The listeners' queue item that stops the dispatcher.
STOP = object()


@dataclass
class End:
    """Inbox item: the session is over; emit ``events`` and stop."""

    events: list[tuple[str, Any]]


@dataclass
class Mark:
    """Event-queue item: resolve ``fut`` once every event before it was dispatched."""

    fut: asyncio.Future[None]


@dataclass
class Local:
    """Inbox item: a change made by this device, as a step of the conversation
    list to drive in order with the pushes; ``fut`` gets its result."""

    step: Step[Any]
    fut: asyncio.Future[Any] | None = None


class Inbox:
    """An unbounded FIFO that can be peeked (for batching received messages)."""

    def __init__(self) -> None:
        self._items: deque[Any] = deque()
        self._ready = asyncio.Event()

    def put(self, item: Any) -> None:
        """Append ``item`` (never blocks)."""
        self._items.append(item)
        self._ready.set()

    async def get(self) -> Any:
        """The oldest item, waiting for one if empty."""
        while not self._items:
            self._ready.clear()
            await self._ready.wait()
        return self._items.popleft()

    def peek(self) -> Any:
        """The oldest item without taking it, or None."""
        return self._items[0] if self._items else None

    def get_nowait(self) -> Any:
        """Take the oldest item (IndexError if empty)."""
        return self._items.popleft()
