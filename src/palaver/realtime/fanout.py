"""Fan-out: carry frames to every node that holds a connection of the recipient.

One small interface, :class:`Fanout`, with an in-process backend
(:class:`LocalFanout`, the default: one node) and a Redis pub/sub backend for
several nodes.  What travels is a :class:`Delivery`: the recipient, the
pre-encoded frame and, for stream events, the ``seq`` (so a receiving
connection can put frames in order and fill gaps from storage).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class GroupEffect:
    """What delivering a user-stream event does to the user's connections:
    start following a group's stream after ``cursor`` (``follow``) or stop."""

    group_id: str
    follow: bool
    cursor: int = 0


@dataclass(frozen=True)
class Delivery:
    """A frame for every connection of (``app_id``, ``user_id``), or, when
    ``group`` is set, for every connection following that group (``user_id`` "").

    ``seq`` is set for stream events (the user's stream, or the group's MsgSeq),
    ``None`` for ephemeral pushes. For a stream event, connection ``spare`` (the
    one whose request caused it, which has the result already) only moves its
    stream position past ``seq``. ``effect`` (user-stream events only) is applied
    by each connection when it delivers the event. A delivery with ``kick`` set
    carries no frame: it closes the user's connections with that ``KICKED_OUT``
    type, except connection ``spare`` and, when ``platform`` is set, connections
    of other platforms.
    """

    app_id: int
    user_id: str
    frame: bytes = b""
    seq: int | None = None
    kick: str | None = None
    spare: str | None = None
    platform: str | None = None
    group: str | None = None
    effect: GroupEffect | None = None


Sink = Callable[[Delivery], None]


class Fanout(Protocol):
    """Carries deliveries to the sink of every node (including this one)."""

    def bind(self, sink: Sink) -> None:
        """Set the function that hands deliveries to this node's connections."""

    async def start(self) -> None:
        """Connect (and subscribe) before the first publish."""

    async def publish(self, deliveries: Sequence[Delivery]) -> None:
        """Send deliveries to every node; returns once handed over."""

    async def watch(self, app_id: int, user_id: str) -> None:
        """This node now holds a connection of the user: route their deliveries here.

        Awaited at login before the stream's catch-up starts, so no live
        delivery can fall between the storage read and the subscription.
        """

    async def unwatch(self, app_id: int, user_id: str) -> None:
        """The user's last connection on this node is gone."""

    async def watch_group(self, app_id: int, group_id: str) -> None:
        """This node now has a connection following the group: route its deliveries here."""

    async def unwatch_group(self, app_id: int, group_id: str) -> None:
        """No connection here follows the group any more."""

    async def close(self) -> None:
        """Disconnect."""


class LocalFanout:
    """In-process fan-out for a single node: publishing calls the sink at once."""

    def __init__(self) -> None:
        self._sink: Sink | None = None

    def bind(self, sink: Sink) -> None:
        self._sink = sink

    async def start(self) -> None:
        return None

    async def publish(self, deliveries: Sequence[Delivery]) -> None:
        sink = self._sink
        if sink is None:
            return
        for d in deliveries:
            sink(d)

    async def watch(self, app_id: int, user_id: str) -> None:
        return None

    async def unwatch(self, app_id: int, user_id: str) -> None:
        return None

    async def watch_group(self, app_id: int, group_id: str) -> None:
        return None

    async def unwatch_group(self, app_id: int, group_id: str) -> None:
        return None

    async def close(self) -> None:
        return None
