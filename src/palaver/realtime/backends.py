"""Pick the fan-out and presence backends a node runs with.

One node (``fanout = "local"``): in-process fan-out and in-memory presence.
Several nodes (``fanout = "redis"``): Redis pub/sub and presence shared
through Redis (docs/deploy.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from palaver.realtime.fanout import Fanout, LocalFanout
from palaver.realtime.presence import LocalPresence
from palaver.realtime.redis import ClusterPresence, RedisFanout
from palaver.settings import Settings


@dataclass
class Backends:
    """A node's fan-out and presence.

    The Redis fan-out can lose live pushes (while it resubscribes);
    :meth:`bind_resync` tells it whom to call then: the registry, which makes
    every connection read its streams from storage.
    """

    fanout: Fanout
    presence: LocalPresence
    _redis: RedisFanout | None = None

    @property
    def clustered(self) -> bool:
        """Whether this node shares fan-out and presence through Redis."""
        return self._redis is not None

    @property
    def fanout_queue(self) -> int:
        """Deliveries waiting to go out to other nodes (0 on one node)."""
        return self._redis.outbox if self._redis is not None else 0

    async def ping(self) -> None:
        """Round-trip to Redis when clustered (nothing on one node); raises on failure."""
        if self._redis is not None:
            await self._redis.ping()

    def bind_resync(self, resync: Callable[[], None]) -> None:
        """Call ``resync`` whenever the fan-out may have lost live pushes."""
        if self._redis is not None:
            self._redis.on_resync = resync


def open_backends(settings: Settings) -> Backends:
    """The backends ``settings.fanout`` names (not started yet)."""
    if settings.fanout == "redis":
        redis = RedisFanout(settings.redis_url)
        return Backends(redis, ClusterPresence(redis.redis, redis.node_id), redis)
    return Backends(LocalFanout(), LocalPresence())
