"""Every client connection of this node, by (SDKAppID, UserID).

The registry is the fan-out sink: :meth:`Registry.deliver` hands a delivery to
each connection of its user.  It also keeps online state
(:class:`~palaver.services.presence.Presence`) and drops silent connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterator

from palaver.protocol.frames import CLOSE_HEARTBEAT, CLOSE_KICKED
from palaver.realtime.connection import Connection
from palaver.realtime.fanout import Delivery
from palaver.services.presence import Presence

log = logging.getLogger("palaver.registry")


class Registry:
    """Connections by user; the sink of fan-out.

    Args:
        presence: online state to keep up to date.
        heartbeat_timeout: seconds of silence after which a client is dropped.
        on_empty: called with (app, user) when the user's last connection here goes.
    """

    def __init__(
        self,
        presence: Presence,
        heartbeat_timeout: float,
        on_empty: Callable[[int, str], None] | None = None,
    ) -> None:
        self._by_user: dict[tuple[int, str], dict[str, Connection]] = {}
        self._presence = presence
        self._on_empty = on_empty
        self._timeout = heartbeat_timeout
        self._sweeper: asyncio.Task[None] | None = None

    def __len__(self) -> int:
        return sum(len(c) for c in self._by_user.values())

    def __iter__(self) -> Iterator[Connection]:
        for conns in list(self._by_user.values()):
            yield from list(conns.values())

    def add(self, conn: Connection) -> None:
        """Register a logged-in connection (it starts receiving deliveries)."""
        self._by_user.setdefault((conn.app_id, conn.user_id), {})[conn.id] = conn
        self._presence.connected(conn.app_id, conn.user_id, conn.platform)

    def remove(self, conn: Connection) -> None:
        """Forget a connection (idempotent)."""
        key = (conn.app_id, conn.user_id)
        conns = self._by_user.get(key)
        if conns is None or conns.pop(conn.id, None) is None:
            return
        if not conns:
            del self._by_user[key]
            if self._on_empty is not None:
                self._on_empty(conn.app_id, conn.user_id)
        self._presence.disconnected(conn.app_id, conn.user_id, conn.platform)

    def resync_all(self) -> None:
        """Make every connection read its stream from storage (after fan-out lost frames)."""
        for conn in self:
            conn.resync()

    def connections(self, app_id: int, user_id: str) -> list[Connection]:
        """This node's connections of a user."""
        return list(self._by_user.get((app_id, user_id), {}).values())

    def deliver(self, d: Delivery) -> None:
        """Hand a delivery to the user's connections on this node."""
        conns = self._by_user.get((d.app_id, d.user_id))
        if not conns:
            return
        for conn in list(conns.values()):
            if d.kick is not None:
                if conn.id != d.spare and (d.platform is None or conn.platform == d.platform):
                    conn.kick(d.kick, CLOSE_KICKED)
            elif d.seq is None:
                conn.send(d.frame)
            else:
                conn.stream_frame(d.seq, None if conn.id == d.spare else d.frame)

    def start(self, interval: float = 5.0) -> None:
        """Start dropping connections silent for longer than the heartbeat timeout."""
        if self._sweeper is None:
            self._sweeper = asyncio.create_task(self._sweep(interval))

    async def _sweep(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            limit = time.monotonic() - self._timeout
            for conn in self:
                if conn.last_seen < limit and not conn.closed:
                    log.info("heartbeat timeout: %s/%s", conn.app_id, conn.user_id)
                    conn.close(CLOSE_HEARTBEAT, "heartbeat timeout")

    async def close(self, code: int = 1001) -> None:
        """Close every connection (server shutdown) and stop the sweeper."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None
        for conn in self:
            conn.close(code, "server shutting down")
