"""Relationship chain: friends, friend requests (pendency) and the blacklist (Tencent ``sns``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from palaver.storage import Database

if TYPE_CHECKING:
    from palaver.services.apps import App


class SnsService:
    """Friends and blacklist of every app."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def is_blacklisted(self, app: App, owner: str, peer: str) -> bool:
        """True if ``owner`` has ``peer`` on its blacklist."""
        raise NotImplementedError

    async def are_friends(self, app: App, a: str, b: str) -> bool:
        """True if ``a`` and ``b`` have each other as friends (both ways)."""
        raise NotImplementedError
