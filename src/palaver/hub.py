"""The hub: one object that owns the settings, the database and every service.

Like Synapse's ``HomeServer``, it is built once at start and handed to the API
layers, which reach the services through it (``hub.accounts``, ``hub.messages``...).
"""

from __future__ import annotations

import asyncio
import logging
import time

from palaver.realtime.fanout import Fanout, LocalFanout
from palaver.realtime.notifier import Notifier
from palaver.realtime.redis import ClusterPresence, RedisFanout
from palaver.realtime.registry import Registry
from palaver.services.accounts import AccountService
from palaver.services.apps import AppService
from palaver.services.conversations import ConversationService
from palaver.services.groups import GroupService
from palaver.services.messages import MessageService
from palaver.services.presence import Presence
from palaver.services.profiles import ProfileService
from palaver.services.sns import SnsService
from palaver.settings import Settings
from palaver.storage import Database
from palaver.storage import events as ev_store

log = logging.getLogger("palaver.hub")


class Hub:
    """Settings, storage and services of one Palaver node."""

    def __init__(self, settings: Settings, db: Database, fanout: Fanout | None = None) -> None:
        self.settings = settings
        self.db = db
        if fanout is None and settings.fanout == "redis":
            fanout = RedisFanout(settings.redis_url)
        self.fanout: Fanout = fanout or LocalFanout()
        self.presence: Presence = (
            ClusterPresence(self.fanout.redis, self.fanout.node_id)
            if isinstance(self.fanout, RedisFanout)
            else Presence()
        )
        self._unwatching: set[asyncio.Task[None]] = set()
        self.registry = Registry(
            self.presence, settings.heartbeat_timeout, self._user_gone, self._route_group
        )
        self.fanout.bind(self.registry.deliver)
        if isinstance(self.fanout, RedisFanout):
            self.fanout.on_resync = self.registry.resync_all
        self.notifier = Notifier(db, self.fanout)
        self.apps = AppService(db)
        self.accounts = AccountService(db)
        self.profiles = ProfileService(db, self)
        self.sns = SnsService(db, self)
        self.conversations = ConversationService(db, self)
        self.messages = MessageService(db, self)
        self.groups = GroupService(db, self)

    @classmethod
    async def open(cls, settings: Settings) -> Hub:
        """Open the database, apply migrations and build the services."""
        db = Database(settings.effective_database_url)
        await db.migrate()
        hub = cls(settings, db)
        await hub.fanout.start()
        await hub.presence.start()
        hub.registry.start(interval=min(5.0, settings.heartbeat_timeout / 3))
        return hub

    def _route_group(self, app_id: int, group_id: str, on: bool) -> asyncio.Future[None] | None:
        if on:
            return asyncio.ensure_future(self.fanout.watch_group(app_id, group_id))
        task = asyncio.ensure_future(self.fanout.unwatch_group(app_id, group_id))
        self._unwatching.add(task)
        task.add_done_callback(self._unwatching.discard)
        return None

    def _user_gone(self, app_id: int, user_id: str) -> None:
        task = asyncio.ensure_future(self.fanout.unwatch(app_id, user_id))
        self._unwatching.add(task)
        task.add_done_callback(self._unwatching.discard)

    async def maintain(self, interval: float = 3600.0) -> None:
        """Run periodic upkeep until cancelled: purge messages past their app's
        retention, live-room (AVChatRoom) messages past their window, and stream
        events older than ``event_retention_days``.

        Args:
            interval: seconds between two passes.
        """
        while True:
            try:
                apps = await self.apps.list()
                purged = await self.messages.purge_expired(apps)
                if purged:
                    log.info("purged %d messages past retention", purged)
                purged = await self.groups.purge_rooms(apps)
                if purged:
                    log.info("purged %d live-room messages past their window", purged)
                horizon = int(time.time()) - self.settings.event_retention_days * 86400
                async with self.db.write() as conn:
                    dropped = await ev_store.purge_before(conn, horizon)
                if dropped:
                    log.info("purged %d stream events older than the resume window", dropped)
            except Exception:  # keep the loop alive; the next pass retries
                log.exception("maintenance pass failed")
            await asyncio.sleep(interval)

    async def close(self) -> None:
        """Close client connections, commit pending writes, close the database."""
        await self.registry.close()
        await self.messages.close()
        await self.presence.close()
        await self.fanout.close()
        await self.db.close()
