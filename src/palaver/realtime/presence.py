"""Online state: which users have live connections, on which platforms.

The registry records each connection here; services read it through their
``Presence`` port (:mod:`palaver.services.ports`), e.g. REST
``openim/query_online_status``. :class:`LocalPresence` keeps this node's
state in memory; :class:`~palaver.realtime.redis.ClusterPresence` spans nodes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence


class LocalPresence:
    """Connections per (SDKAppID, UserID), counted per platform (``Web``, ``Android``...)."""

    def __init__(self) -> None:
        self._online: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)

    def connected(self, app_id: int, user_id: str, platform: str) -> None:
        """Record one more live connection of ``user_id`` on ``platform``."""
        per = self._online[(app_id, user_id)]
        per[platform] = per.get(platform, 0) + 1

    def disconnected(self, app_id: int, user_id: str, platform: str) -> None:
        """Forget one live connection of ``user_id`` on ``platform``."""
        key = (app_id, user_id)
        per = self._online.get(key)
        if not per or platform not in per:
            return
        per[platform] -= 1
        if per[platform] <= 0:
            del per[platform]
        if not per:
            del self._online[key]

    def platforms(self, app_id: int, user_id: str) -> list[str]:
        """Platforms on which ``user_id`` is online now (empty when offline)."""
        return sorted(self._online.get((app_id, user_id), {}))

    def platforms_now(self, app_id: int, user_id: str) -> list[str] | None:
        """:meth:`platforms`: on one node the in-process state is the whole truth."""
        return self.platforms(app_id, user_id)

    def offline_now(self, app_id: int, user_ids: Iterable[str]) -> list[str] | None:
        """Those of ``user_ids`` (in their order) with no connection on this node:
        one dict lookup each (the offline-push hook of a group message)."""
        online = self._online
        return [u for u in user_ids if (app_id, u) not in online]

    async def online(self, app_id: int, user_ids: Sequence[str]) -> dict[str, list[str]]:
        """Platforms each user is online on (this node; the cluster version spans nodes)."""
        return {u: self.platforms(app_id, u) for u in user_ids}

    async def settle(self, app_id: int, user_id: str) -> None:
        """Nothing to wait for: this node's state is read where it is kept."""

    async def start(self) -> None:
        """Nothing to start for the in-process version."""

    async def close(self) -> None:
        """Nothing to stop for the in-process version."""
