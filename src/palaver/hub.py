"""The hub: builds one node's parts, in dependency order, and holds them.

Wiring only. Every service gets its collaborators in its constructor and calls
outward only through the ports of :mod:`palaver.services.ports`, which the
real-time layer implements; no service imports this module. The API layers get
the hub and reach the services through it (``hub.accounts``, ``hub.messages``...).
"""

from __future__ import annotations

import asyncio
import logging

from palaver.realtime.backends import Backends, open_backends
from palaver.realtime.catch_up import CatchUp
from palaver.realtime.notifier import Notifier
from palaver.realtime.registry import Registry
from palaver.realtime.webhook import HttpCallbackTransport
from palaver.services.accounts import AccountService
from palaver.services.admission import LoginGate
from palaver.services.apps import AppService
from palaver.services.callbacks import CallbackService
from palaver.services.conversation_settings import ConversationSettings
from palaver.services.conversations import ConversationService
from palaver.services.do_not_disturb import DoNotDisturbService
from palaver.services.group_pins import GroupPinService
from palaver.services.groups import GroupServices
from palaver.services.media import MediaService
from palaver.services.message_deletes import MessageDeleteService
from palaver.services.message_edits import MessageEditService
from palaver.services.message_extensions import ExtensionService
from palaver.services.message_reactions import ReactionService
from palaver.services.message_reads import ReadAllService
from palaver.services.messages import MessageService
from palaver.services.moderation import ModerationService
from palaver.services.mutes import GlobalMutes
from palaver.services.ports import Clock, FileStore, SystemClock
from palaver.services.profiles import ProfileService
from palaver.services.push_all import PushToEveryone
from palaver.services.relay_messages import RelayService
from palaver.services.search import SearchService
from palaver.services.send_rules import SendRules
from palaver.services.sessions import SessionService
from palaver.services.sns import SnsServices
from palaver.services.user_status import UserStatusService
from palaver.settings import Settings
from palaver.stats import NodeStats
from palaver.storage import Database
from palaver.storage import events as ev_store
from palaver.storage.files import LocalFileStore
from palaver.storage.writer import MessageWriter

log = logging.getLogger("palaver.hub")

#: Stream events deleted per transaction by :meth:`Hub.purge_events`.
EVENT_PURGE_BATCH = 500


def open_file_store(settings: Settings) -> FileStore:
    """The media file store the settings name: ``data_dir/media`` on the local disk, or
    an S3-compatible bucket (staging and a download cache in ``data_dir/media``)."""
    root = settings.data_dir / "media"
    if settings.media_store == "s3":
        from palaver.storage.s3 import S3FileStore

        secret = settings.s3_secret_key.get_secret_value() if settings.s3_secret_key else None
        return S3FileStore(
            root,
            settings.s3_bucket,
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            access_key=settings.s3_access_key,
            secret_key=secret,
            prefix=settings.s3_prefix,
        )
    return LocalFileStore(root)


class Hub:
    """Settings, storage, the real-time parts and the services of one node.

    Args:
        settings: the node's settings.
        db: the (migrated) database.
        backends: fan-out and presence (default: from ``settings``, see
            :func:`~palaver.realtime.backends.open_backends`).
        clock: time for the services and the registry (tests pass a fake one).
    """

    def __init__(
        self,
        settings: Settings,
        db: Database,
        backends: Backends | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.clock = clock or SystemClock()
        #: this node's running figures (``/metrics``)
        self.stats = NodeStats()
        b = backends or open_backends(settings)
        self.backends = b
        self.fanout, self.presence = b.fanout, b.presence
        # real-time: the fan-out sink, and the Publisher port services call
        self.registry = Registry(self.fanout, self.presence, settings.heartbeat_timeout, self.stats)
        self.notifier = Notifier(self.fanout)
        self.catch_up = CatchUp(db)
        b.bind_resync(self.registry.resync_all)
        # services, each after what it needs
        publisher = self.notifier
        self.writer = MessageWriter(db, stats=self.stats, index=settings.search_index)
        self.apps = AppService(db)
        self.conversation_settings = ConversationSettings(db, publisher)
        #: app-wide do-not-disturb (setAllReceiveMessageOpt): gates offline pushes
        self.do_not_disturb = dnd = DoNotDisturbService(db, publisher, self.clock)
        self.callbacks = CallbackService(
            db,
            self.apps,
            HttpCallbackTransport(),
            self.clock,
            retry_base=settings.callback_retry_base,
            retry_max=settings.callback_retry_max,
            concurrency=settings.callback_concurrency,
            retention=settings.callback_retention_days * 86400,
            activity=lambda: self.writer.submitted,
            presence=self.presence,
            remind_type=dnd.remind_type(self.conversation_settings.remind_of),
        )
        self.callbacks.push_filter = dnd.push_filter
        self.moderation = ModerationService(db)
        #: global mutes (REST setnospeaking), checked on every user's send
        self.mutes = GlobalMutes(db, self.clock)
        #: what every user's send goes through (global mutes, send rate, moderation,
        #: callbacks)
        self.send_rules = rules = SendRules(self.moderation, self.callbacks, self.mutes, self.clock)
        self.accounts = AccountService(db, publisher, self.presence)
        self.profiles = ProfileService(db, publisher, self.moderation, self.callbacks)
        self.sns = SnsServices(db, publisher, self.callbacks)
        self.messages = MessageService(
            db,
            self.writer,
            self.accounts,
            self.sns.checks,
            publisher,
            self.clock,
            rules,
            self.callbacks,
        )
        self.groups = GroupServices(
            db,
            self.writer,
            self.accounts,
            publisher,
            self.presence,
            self.registry,
            self.clock,
            rules,
            self.moderation,
            self.callbacks,
        )
        self.edits = MessageEditService(db, publisher, self.groups.directory)
        self.deletes = MessageDeleteService(db, self.groups.directory, self.groups.reads)
        self.reactions = ReactionService(db, publisher, self.clock)
        #: message extensions (setMessageExtensions, openim_msg_ext_http_svc)
        self.extensions = ExtensionService(db, publisher)
        #: pinned group messages (pinGroupMessage)
        self.pins = GroupPinService(db, publisher, self.groups.directory, self.clock)
        #: merged-forward lists too large to inline (save_relay_json_msg)
        self.relays = RelayService(db, self.clock)
        #: push to everyone (REST all_member_push), its attributes and tags
        self.push_all = PushToEveryone(db, self.messages)
        self.search = SearchService(db)
        self.conversations = ConversationService(
            db, self.groups.reads, publisher, self.conversation_settings
        )
        self.read_all = ReadAllService(self.conversations, self.messages, self.groups.reads)
        #: user status and its subscriptions (getUserStatus, subscribeUserStatus)
        self.user_status = UserStatusService(db, publisher, self.presence)
        self.sessions = SessionService(
            db,
            self.apps,
            self.accounts,
            publisher,
            self.callbacks,
            status=self.user_status,
        )
        self.media = MediaService(db, open_file_store(settings), self.clock)
        #: admission control of both client protocols' logins (issue 20)
        self.login_gate = LoginGate(
            settings.login_concurrency, settings.login_queue, settings.login_max_wait
        )
        #: connections whose end is being handled at once: when thousands drop
        #: together (a network blip), the rest wait their turn so that one loop
        #: iteration does not tear down thousands while live clients wait (issue 20)
        self.teardowns = asyncio.Semaphore(64)

    @classmethod
    async def open(cls, settings: Settings) -> Hub:
        """Open the database, apply migrations, build the parts and start them."""
        db = Database(settings.effective_database_url)
        await db.migrate()
        hub = cls(settings, db)
        await hub.fanout.start()
        await hub.presence.start()
        hub.registry.start(interval=min(5.0, settings.heartbeat_timeout / 3))
        hub.callbacks.start()  # delivers what was pending when the node stopped
        return hub

    async def maintain(self, interval: float = 3600.0) -> None:
        """Run periodic upkeep until cancelled: purge messages past their app's
        retention, live-room (AVChatRoom) messages past their window, uploads that no
        message names any more (and their files), and stream events older than
        ``event_retention_days``.

        Args:
            interval: seconds between two passes.
        """
        while True:
            try:
                apps = await self.apps.list()
                purged = await self.messages.purge_expired(apps)
                if purged:
                    log.info("purged %d messages past retention", purged)
                purged = await self.groups.live_rooms.purge_history(apps)
                if purged:
                    log.info("purged %d live-room messages past their window", purged)
                for app in apps:
                    dropped = await self.media.collect_garbage(app)
                    if dropped:
                        log.info(
                            "deleted %d uploads of app %d that nothing names", dropped, app.sdkappid
                        )
                dropped = await self.purge_events()
                if dropped:
                    log.info("purged %d stream events older than the resume window", dropped)
            except Exception:  # keep the loop alive; the next pass retries
                log.exception("maintenance pass failed")
            await asyncio.sleep(interval)

    async def purge_events(self, batch: int = EVENT_PURGE_BATCH) -> int:
        """Delete stream events older than ``event_retention_days``, in transactions
        of at most ``batch`` (the writer commits between two); returns how many."""
        horizon = int(self.clock.time()) - self.settings.event_retention_days * 86400
        total, after = 0, None
        while True:
            async with self.db.write() as conn:
                n, after = await ev_store.purge_batch_before(conn, horizon, after, batch)
            total += n
            if n < batch:
                return total
            await asyncio.sleep(0)

    async def close(self) -> None:
        """Close client connections, commit pending writes, stop delivering
        callbacks (pending ones stay stored), close the database."""
        await self.registry.close()
        await self.push_all.close()  # stops pushes under way, before the writer goes
        await self.writer.close()
        await self.media.close()
        await self.callbacks.close()
        await self.presence.close()
        await self.fanout.close()
        await self.db.close()
