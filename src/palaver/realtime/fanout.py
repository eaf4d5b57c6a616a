"""Fan-out: carry frames to every node that holds a connection of the recipient.

One small interface, :class:`Fanout`, with an in-process backend
(:class:`LocalFanout`, the default: one node) and a Redis pub/sub backend for
several nodes.  What travels is a :data:`~palaver.realtime.delivery.Delivery`:
a push for a user's or a group's connections (with the stream ``seq``, so a
receiving connection can put frames in order and fill gaps from storage), or a kick.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from palaver.realtime.delivery import Delivery

Sink = Callable[[Delivery], None]


class Fanout(Protocol):
    """Carries deliveries to the sink of every node (including this one)."""

    #: :meth:`watch` returns only once every delivery published from then on,
    #: on any node, reaches this node (the in-process fan-out); ``False``: the
    #: subscription may take effect a little later (Redis pub/sub), so a login
    #: reads its stream from storage even when it resumes at the head (issue 16)
    routed_on_watch: bool

    def bind(self, sink: Sink) -> None:
        """Set the function that hands deliveries to this node's connections."""

    async def start(self) -> None:
        """Connect (and subscribe) before the first publish."""

    async def publish(self, deliveries: Sequence[Delivery]) -> None:
        """Send deliveries to every node; returns once handed over."""

    def publish_now(self, deliveries: Sequence[Delivery]) -> None:
        """:meth:`publish` without awaiting: delivered here at once, queued for
        the other nodes (the send path's fast lane calls it from a callback)."""

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

    routed_on_watch = True

    def __init__(self) -> None:
        self._sink: Sink | None = None

    def bind(self, sink: Sink) -> None:
        self._sink = sink

    async def start(self) -> None:
        return None

    async def publish(self, deliveries: Sequence[Delivery]) -> None:
        self.publish_now(deliveries)

    def publish_now(self, deliveries: Sequence[Delivery]) -> None:
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
