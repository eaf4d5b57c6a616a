"""C2C messages: send, import, history, recall, read positions, unread counts.

:class:`MessageService` sends and imports here; its history and recalls are
:class:`~palaver.services.c2c_history.C2CHistory`, its read positions and
unread counts :class:`~palaver.services.c2c_reads.C2CReads`.

Rules follow Tencent IM ``openim/sendmsg``, ``importmsg``, ``admin_getroammsg``,
``admin_msgwithdraw``, ``admin_set_msg_read`` and ``get_c2c_unread_msg_num``
(cloud.tencent.com/document/api/269/2282 and neighbours).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from palaver.errors import Code, ImError
from palaver.model.events import (
    EventKind,
    StreamEvent,
)
from palaver.model.messages import MessageFlag, MessageRecord
from palaver.services.c2c_history import C2CHistory
from palaver.services.c2c_reads import C2CReads
from palaver.services.ports import Clock, Publisher, SystemClock
from palaver.services.sending import (
    Draft,
    SendContext,
    SendDone,
    SendHooks,
    SendLane,
    SendPipeline,
    SendResult,
    SendSource,
    control_flags,
)
from palaver.storage import Database
from palaver.storage import messages as msg_store
from palaver.storage.callbacks import NewCallback
from palaver.storage.message_batch import C2CWrite, Written
from palaver.storage.writer import MessageWriter

if TYPE_CHECKING:
    from palaver.services.accounts import AccountService
    from palaver.services.apps import App
    from palaver.services.callbacks import CallbackService
    from palaver.services.sns import RelationChecks

DEDUPE_WINDOW = 120  # seconds a retried send is answered with the first MsgKey
MAX_LIFETIME = 7 * 86400  # MsgLifeTime upper bound, seconds
MAX_SEQ_SEARCH = 1 << 62


@dataclass(frozen=True)
class SendOptions:
    """Optional parts of a send.

    ``sync_other_machine``: 1 sync to the sender's devices and roaming, 2 keep
    it out of the sender's roaming, ``None`` the default (roaming, as 1).
    ``lifetime``: seconds of offline storage; 0 means online only (not stored).
    ``controls``: ``SendMsgControl`` flags (``NoUnread``, ``NoLastMsg``).
    ``check_relations``: apply blacklist (20007), friendship (20009) and
    ``AdminForbid_Type_SendOut`` (20012) checks. ``lane``: order of this client's sends.
    ``client_seq``/``client_time``: the client's own sequence and clock (Tencent's
    ``MsgSeq`` and ``MsgClientTime``), kept so every device names the message alike.
    ``need_receipt``: the sender wants a read receipt (:meth:`MessageService.read_receipt`).
    ``priority``: ``MsgPriority`` (``High``, ``Normal``, ``Low``, ``Lowest``), kept
    with the message and shown to its receivers. ``source``: where the send came
    from (platform, ``ForbidCallbackControl``), for the app backend's callbacks.
    """

    client_seq: int | None = None
    client_time: int = 0
    need_receipt: bool = False
    priority: str = "Normal"
    #: ``isSupportExtension``: the message may carry extensions (:mod:`message_extensions`)
    support_extension: bool = False
    msg_time: int | None = None
    cloud_custom_data: str | None = None
    sync_other_machine: int | None = None
    lifetime: int | None = None
    controls: frozenset[str] = field(default_factory=frozenset)
    check_relations: bool = True
    lane: SendLane | None = None
    origin: str | None = None  # the sending connection: it gets the response, not the echo
    source: SendSource = field(default_factory=SendSource)


class UnknownParty(ImError):
    """A sender or receiver that is not an imported account (20003).

    ``role`` is ``"sender"`` or ``"receiver"``, so the REST layer can answer
    with its own codes (90048 / 90012).
    """

    def __init__(self, role: str, user_id: str) -> None:
        super().__init__(20003, f"{role} {user_id!r} is not an imported account")
        self.role = role


def parse_msg_key(msg_key: str) -> int | None:
    """The conversation sequence encoded in a MsgKey (``seq_random_time``), or ``None``."""
    head = msg_key.split("_", 1)[0]
    return int(head) if head.isascii() and head.isdigit() and len(head) < 19 else None


#: Messages deleted per transaction by :meth:`MessageService.purge_expired`.
PURGE_BATCH = 250


class MessageService(C2CHistory, C2CReads):
    """C2C messaging for every app.

    Args:
        db: the database.
        writer: the group-commit writer every message write goes through
            (by the :class:`~palaver.services.sending.SendPipeline`).
        accounts: checks that both parties are imported.
        relations: blacklist and friendship checks (``check_relations``).
        publisher: pushes what was committed.
        clock: time (recall windows, dedupe windows, retention).
        hooks: what a user's send goes through (see :class:`SendHooks`).
        callbacks: the app backend's callbacks of other events (recalls).
    """

    def __init__(
        self,
        db: Database,
        writer: MessageWriter,
        accounts: AccountService,
        relations: RelationChecks,
        publisher: Publisher,
        clock: Clock | None = None,
        hooks: SendHooks | None = None,
        callbacks: CallbackService | None = None,
    ) -> None:
        self._db = db
        self._pipeline = SendPipeline(writer, hooks)
        self._callbacks = callbacks
        self._accounts = accounts
        self._relations = relations
        self._publisher = publisher
        self._clock = clock or SystemClock()

    async def purge_expired(
        self,
        apps: Iterable[App],
        now: int | None = None,
        batch: int = PURGE_BATCH,
        pace: bool = True,
    ) -> int:
        """Delete messages older than each app's ``history_retention_days``; returns the count.

        In transactions of at most ``batch`` messages, oldest first, resting
        after each as long as it took (``pace``, a share of the node's time for
        the purge of at most one half): the group-commit writer (which waits for
        the same SQLite write lock, first come first served) commits between
        two batches, so a purge of a million messages never stalls delivery.
        """
        now = int(self._clock.time()) if now is None else now
        total = 0
        for app in apps:
            days = app.settings.history_retention_days
            if not days:
                continue
            while True:
                started = self._clock.monotonic()
                async with self._db.write() as conn:
                    n = await msg_store.purge_older_than(
                        conn, app.sdkappid, now - days * 86400, limit=batch
                    )
                total += n
                if n < batch:
                    break
                await asyncio.sleep(self._clock.monotonic() - started if pace else 0)
        return total

    def _check_parties_now(self, app: App, sender: str, receiver: str, check: bool) -> bool:
        """:meth:`_check_parties` from caches: ``True`` passed, ``False`` unsure
        (a cache misses: run the async checks). Raises ImError as they do."""
        accounts, relations = self._accounts, self._relations
        if not (accounts.known(app, sender) and accounts.known(app, receiver)):
            return False
        if not check or sender == receiver:
            return True
        black = relations.cached_blacklisted(app, receiver, sender)
        if black is None:
            return False
        if black:
            raise ImError(
                Code.ERR_SVR_MSG_IN_PEER_BLACKLIST, "the sender is on the receiver's blacklist"
            )
        if app.settings.check_friendship:
            friends = relations.cached_friends(app, sender, receiver)
            if friends is None:
                return False
            if not friends:
                raise ImError(Code.ERR_SVR_MSG_BOTH_NOT_FRIEND, "not friends with each other")
        return True

    async def _check_parties(self, app: App, sender: str, receiver: str, check: bool) -> None:
        have = await self._accounts.existing(app, {sender, receiver})
        if sender not in have:
            raise UnknownParty("sender", sender)
        if receiver not in have:
            raise UnknownParty("receiver", receiver)
        if not check or sender == receiver:
            return
        if await self._relations.is_blacklisted(app, receiver, sender):
            raise ImError(
                Code.ERR_SVR_MSG_IN_PEER_BLACKLIST, "the sender is on the receiver's blacklist"
            )
        if app.settings.check_friendship and not await self._relations.are_friends(
            app, sender, receiver
        ):
            raise ImError(Code.ERR_SVR_MSG_BOTH_NOT_FRIEND, "not friends with each other")

    def send_c2c_now(
        self,
        app: App,
        sender: str,
        receiver: str,
        body: Any,
        random: int,
        opts: SendOptions,
        done: SendDone,
    ) -> bool:
        """:meth:`send_c2c` in the pipeline's fast lane
        (:meth:`~palaver.services.sending.SendPipeline.send_now`): ``True`` if it
        was queued (``done`` gets the result), ``False`` if it must go through
        :meth:`send_c2c` (online-only, a check that needs storage, a hook).

        Raises:
            ImError: the checks :meth:`send_c2c` raises, when they fail here.
        """
        if opts.lifetime == 0:
            return False
        draft, route = self._c2c_draft(app, sender, receiver, body, random, opts)
        return self._pipeline.send_now(
            draft,
            route,
            done,
            lane=opts.lane,
            origin=opts.origin,
            max_bytes=app.settings.max_message_bytes,
        )

    async def send_c2c_soon(
        self, app: App, sender: str, receiver: str, body: Any, random: int, opts: SendOptions
    ) -> SendResult:
        """:meth:`send_c2c` for a caller that awaits the result (REST
        ``openim/sendmsg``): through the fast lane (:meth:`send_c2c_now`: one
        future, no pipeline step) when it takes the send, else :meth:`send_c2c`.
        Same result, errors and durability as :meth:`send_c2c`.

        Raises:
            ImError: as :meth:`send_c2c`.
        """
        result: asyncio.Future[SendResult] = asyncio.get_running_loop().create_future()

        def done(res: SendResult | BaseException) -> None:
            if result.done():
                return
            if isinstance(res, BaseException):
                result.set_exception(res)
            else:
                result.set_result(res)

        if self.send_c2c_now(app, sender, receiver, body, random, opts, done):
            return await result
        return await self.send_c2c(app, sender, receiver, body, random, opts)

    def _c2c_draft(
        self, app: App, sender: str, receiver: str, body: Any, random: int, opts: SendOptions
    ) -> tuple[Draft, _C2CRoute]:
        now = int(self._clock.time())
        msg_time = opts.msg_time or now
        client_seq = opts.client_seq or 0
        sync_sender = opts.sync_other_machine != 2
        draft = Draft(
            conv_id=msg_store.c2c_conv_id(sender, receiver),
            sender=sender,
            receiver=receiver,
            body=body,
            random=random,
            time=msg_time,
            client_seq=client_seq,
            client_time=opts.client_time,
            cloud_custom_data=opts.cloud_custom_data,
            flags=control_flags(
                opts.controls,
                need_receipt=opts.need_receipt,
                priority=opts.priority,
                support_extension=opts.support_extension,
            ),
            dedupe_key=f"{sender}\x1f{receiver}\x1f{client_seq}\x1f{random}",
            dedupe_body=True,
            offline_push=opts.source.offline_push,
        )
        route = _C2CRoute(
            self,
            app,
            check_relations=opts.check_relations,
            lifetime=opts.lifetime,
            sync_sender=sync_sender,
            dedupe_since=now - DEDUPE_WINDOW,
            source=opts.source,
        )
        return draft, route

    async def send_c2c(
        self, app: App, sender: str, receiver: str, body: Any, random: int, opts: SendOptions
    ) -> SendResult:
        """Store (unless online-only) and deliver one C2C message (REST
        ``openim/sendmsg``, SDK ``sendMessage`` to ``C2C<id>``).

        The message is committed (by the group-commit writer) before this
        returns, then pushed to the receiver's devices and the sender's other
        devices. A retried send (same sender, receiver, ``client_seq``,
        ``random`` and body within :data:`DEDUPE_WINDOW` seconds) is stored
        once and answered with the first MsgKey.

        Raises:
            ImError: 90007/90002/80002 bad body; 90026 lifetime > 7 days;
                20003 a party is not imported (:class:`UnknownParty`); 20007
                blacklisted; 20009 not friends (when the app checks
                friendship); 20012 the sender is forbidden to send.
        """
        draft, route = self._c2c_draft(app, sender, receiver, body, random, opts)
        return await self._pipeline.send(
            draft,
            route,
            lane=opts.lane,
            online_only=opts.lifetime == 0,
            origin=opts.origin,
            max_bytes=app.settings.max_message_bytes,
        )

    async def import_c2c(
        self,
        app: App,
        sender: str,
        receiver: str,
        body: Any,
        *,
        random: int,
        client_seq: int,
        msg_time: int,
        realtime: bool,
        cloud_custom_data: str | None = None,
    ) -> SendResult:
        """Import one message (``openim/importmsg``): history (no unread, no
        push) or realtime (counts as unread and is pushed).

        Deduplicated by (MsgSeq, MsgRandom, MsgTimeStamp) in either direction,
        with no time window.

        Raises:
            ImError: 90002/90007/80002 bad body; 20003 a party is not imported.
        """
        conv_id = msg_store.c2c_conv_id(sender, receiver)
        draft = Draft(
            conv_id=conv_id,
            sender=sender,
            receiver=receiver,
            body=body,
            random=random,
            time=msg_time,
            client_seq=client_seq,
            cloud_custom_data=cloud_custom_data,
            flags=0 if realtime else int(MessageFlag.NO_UNREAD),
            dedupe_key=f"import\x1f{conv_id}\x1f{client_seq}\x1f{random}\x1f{msg_time}",
        )
        route = _C2CRoute(self, app, check_relations=False, sync_sender=realtime, roam_sender=True)
        return await self._pipeline.send(draft, route, max_bytes=app.settings.max_message_bytes)


class _C2CRoute:
    """The C2C part of a send (:class:`~palaver.services.sending.Route`).

    ``sync_sender``: the sender's other devices get it (and, with
    ``roam_sender``, the sender's history has it; SyncOtherMachine 2 keeps it
    out). ``lifetime`` 0 is online-only; over 7 days is refused.
    """

    def __init__(
        self,
        service: MessageService,
        app: App,
        *,
        check_relations: bool,
        sync_sender: bool,
        roam_sender: bool | None = None,
        lifetime: int | None = None,
        dedupe_since: int | None = None,
        source: SendSource | None = None,
    ) -> None:
        self._service = service
        self._app = app
        self._source = source
        self._check_relations = check_relations
        self._sync_sender = sync_sender
        self._roam_sender = sync_sender if roam_sender is None else roam_sender
        self._lifetime = lifetime
        self._dedupe_since = dedupe_since

    async def check(self, draft: Draft) -> None:
        if self._lifetime is not None and not 0 <= self._lifetime <= MAX_LIFETIME:
            raise ImError(Code.ERR_SVR_MSG_TIME_LIMIT, "MsgLifeTime must be 0..604800 seconds")
        await self._service._check_parties(
            self._app, draft.sender, draft.receiver, self._check_relations
        )

    def check_now(self, draft: Draft) -> bool:
        if self._lifetime is not None and not 0 <= self._lifetime <= MAX_LIFETIME:
            raise ImError(Code.ERR_SVR_MSG_TIME_LIMIT, "MsgLifeTime must be 0..604800 seconds")
        return self._service._check_parties_now(
            self._app, draft.sender, draft.receiver, self._check_relations
        )

    def context(self, draft: Draft) -> SendContext | None:
        """A user's send (``source`` given) as the hooks see it."""
        if self._source is None:
            return None
        return SendContext(self._app, "C2C", self._source, online_only=self._lifetime == 0)

    def write(self, new: msg_store.NewMessage, callback: NewCallback | None = None) -> C2CWrite:
        return C2CWrite(
            self._app.sdkappid,
            new,
            to_sender_roam=self._roam_sender,
            sender_event=self._sync_sender,
            dedupe_since=self._dedupe_since,
            callback=callback,
        )

    async def publish(self, message: MessageRecord, written: Written, origin: str | None) -> None:
        """To the users whose streams got it (none for a repeat), except to
        ``origin``, the sending connection, which has the response."""
        self.publish_now(message, written, origin)

    def publish_now(self, message: MessageRecord, written: Written, origin: str | None) -> None:
        if not written.event_seqs:
            return
        self._service._publisher.stream_now(
            self._app.sdkappid,
            [
                StreamEvent(
                    u,
                    s,
                    EventKind.MESSAGE,
                    message=message,
                    origin=origin if u == message.sender else None,
                )
                for u, s in written.event_seqs.items()
            ],
        )

    async def push_online(self, message: MessageRecord, origin: str | None) -> None:
        sender, receiver = message.sender, message.receiver
        users = [receiver] + ([sender] if self._sync_sender and sender != receiver else [])
        await self._service._publisher.message(self._app.sdkappid, message, users)
