"""C2C messages: send, import, history, recall, read positions, unread counts.

Rules follow Tencent IM ``openim/sendmsg``, ``importmsg``, ``admin_getroammsg``,
``admin_msgwithdraw``, ``admin_set_msg_read`` and ``get_c2c_unread_msg_num``
(cloud.tencent.com/document/api/269/2282 and neighbours).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from palaver.errors import Code, ImError
from palaver.model import callbacks as cb
from palaver.model.events import (
    C2CReadReceipt,
    ConversationRead,
    EventKind,
    ReadByPeer,
    Revoked,
    StreamEvent,
)
from palaver.model.messages import MessageFlag, MessageRecord
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
from palaver.storage import events as ev_store
from palaver.storage import messages as msg_store
from palaver.storage.message_batch import C2CWrite, Written
from palaver.storage.records import ConversationRow
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


@dataclass(frozen=True)
class HistoryPage:
    """Messages oldest first; ``complete`` when nothing older matches."""

    messages: list[MessageRecord]
    complete: bool


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


class MessageService:
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

    async def history(
        self,
        app: App,
        owner: str,
        peer: str,
        *,
        limit: int,
        min_time: int | None = None,
        max_time: int | None = None,
        before_seq: int | None = None,
    ) -> HistoryPage:
        """``owner``'s view of the C2C history with ``peer``: the newest ``limit``
        messages older than ``before_seq`` within the time range, oldest first.

        Recalled messages are included (flagged); history hidden by a cleared
        conversation, by SyncOtherMachine 2 or past the retention is not.
        """
        conv_id = msg_store.c2c_conv_id(owner, peer)
        retention = app.settings.history_retention_days
        if retention:
            horizon = int(self._clock.time()) - retention * 86400
            min_time = max(min_time or 0, horizon)
        async with self._db.read() as conn:
            conv = await msg_store.get_conversation(conn, app.sdkappid, owner, conv_id)
            rows = await msg_store.history(
                conn,
                app.sdkappid,
                owner,
                conv_id,
                after_seq=conv.cleared_seq if conv else 0,
                before_seq=before_seq,
                min_time=min_time,
                max_time=max_time,
                limit=limit + 1,
            )
        msgs = rows[:limit]
        msgs.reverse()
        return HistoryPage(msgs, complete=len(rows) <= limit)

    async def page(
        self, app: App, viewer: str, peer: str, *, limit: int, before_id: int | None = None
    ) -> tuple[HistoryPage, int, int]:
        """A page of :meth:`history` before message ``before_id`` (storage id) with
        the read positions (``peer_read``: how far ``peer`` read; ``my_read``: how
        far ``viewer`` did), read on one connection in one hop
        (:func:`~palaver.storage.messages.c2c_page`): (page, peer_read, my_read).

        Raises:
            ImError: 6017 ``before_id`` is not a message of this conversation.
        """
        retention = app.settings.history_retention_days
        since = int(self._clock.time()) - retention * 86400 if retention else None
        got = await self._db.run_read(
            msg_store.c2c_page,
            app.sdkappid,
            viewer,
            peer,
            before_id=before_id,
            min_time=since,
            limit=limit + 1,
        )
        if got is None:
            raise ImError(Code.ERR_INVALID_PARAMETERS, "no such message in this conversation")
        msgs = got.messages[:limit]
        msgs.reverse()
        return HistoryPage(msgs, complete=len(got.messages) <= limit), got.peer_read, got.my_read

    async def find_by_key(self, app: App, a: str, b: str, msg_key: str) -> MessageRecord | None:
        """The message of the a/b conversation with this MsgKey, or ``None``.

        A MsgKey is ``{seq}_{random}_{time}``; a key that batchsendmsg gave for
        several recipients also finds the copy in each recipient's conversation.
        """
        parts = msg_key.split("_")
        if len(parts) != 3 or not all(p.isascii() and p.isdigit() and len(p) < 19 for p in parts):
            return None
        seq, random, msg_time = (int(p) for p in parts)
        conv_id = msg_store.c2c_conv_id(a, b)
        async with self._db.read() as conn:
            msg = await msg_store.get_by_seq(conn, app.sdkappid, conv_id, seq)
            if msg is None or msg.msg_key != msg_key:
                # batchsendmsg answers one MsgKey for all recipients: match the
                # other recipients' copies by random and time.
                msg = await msg_store.get_by_random_time(
                    conn, app.sdkappid, conv_id, random, msg_time
                )
        return msg

    async def find(
        self, app: App, a: str, b: str, random: int, msg_time: int
    ) -> MessageRecord | None:
        """The message of the a/b conversation with this ``MsgRandom`` and
        ``MsgTimeStamp`` (how Tencent's SDK names one it recalls), or ``None``."""
        conv_id = msg_store.c2c_conv_id(a, b)
        async with self._db.read() as conn:
            return await msg_store.get_by_random_time(conn, app.sdkappid, conv_id, random, msg_time)

    async def peer_read_times(self, app: App, owner: str, peers: Iterable[str]) -> dict[str, int]:
        """When each peer read its conversation with ``owner`` last: the time (unix
        s) of the last message it has read, 0 if none (Tencent's ``ReadTime``)."""
        out: dict[str, int] = {}
        async with self._db.read() as conn:
            for peer in peers:
                conv_id = msg_store.c2c_conv_id(owner, peer)
                row = await msg_store.get_conversation(conn, app.sdkappid, peer, conv_id)
                msg = (
                    await msg_store.get_by_seq(conn, app.sdkappid, conv_id, row.read_seq)
                    if row is not None and row.read_seq
                    else None
                )
                out[peer] = msg.time if msg is not None else 0
        return out

    async def get(self, app: App, viewer: str, peer: str, message_id: int) -> MessageRecord:
        """A message of ``viewer``'s conversation with ``peer`` by storage id.

        Raises:
            ImError: 6017 if there is no such message in that conversation
                (whether or not it exists elsewhere).
        """
        async with self._db.read() as conn:
            msg = await msg_store.get_by_id(conn, app.sdkappid, message_id)
        if msg is None or msg.conv_id != msg_store.c2c_conv_id(viewer, peer):
            raise ImError(Code.ERR_INVALID_PARAMETERS, "no such message in this conversation")
        return msg

    async def recall(
        self, app: App, sender: str, receiver: str, msg_key: str, *, window: int | None = None
    ) -> MessageRecord:
        """Recall a message ``sender`` sent to ``receiver`` by MsgKey (REST admin path).

        Raises:
            ImError: 90001 no such message from ``sender``; 20016 past ``window``.
        """
        msg = await self.find_by_key(app, sender, receiver, msg_key)
        if msg is None or msg.sender != sender or msg.receiver != receiver:
            raise ImError(
                Code.ERR_SVR_MSG_JSON_PARSE_FAILED, "MsgKey not found for this sender and receiver"
            )
        return await self.recall_message(app, msg, sender, window=window)

    async def recall_message(
        self, app: App, msg: MessageRecord, revoker: str, *, window: int | None = None
    ) -> MessageRecord:
        """Mark ``msg`` recalled (it stays in history, flagged) and tell both parties.

        Args:
            window: seconds after sending a recall is allowed; ``None`` = no limit.

        Raises:
            ImError: 20016 past ``window``.
        """
        if window is not None and self._clock.time() - msg.time > window:
            raise ImError(Code.ERR_SVR_MSG_REVOKE_TIME_LIMIT, "the recall time limit has passed")
        recalled = msg.with_flags(msg.flags | MessageFlag.RECALLED.value)
        if msg.is_recalled:
            return recalled
        users = list(dict.fromkeys([msg.sender, msg.receiver]))
        payload = Revoked(revoker)
        async with self._db.write() as conn:
            await msg_store.set_flags(conn, msg.id, int(recalled.flags))
            seqs = await ev_store.append_events(
                conn,
                app.sdkappid,
                [ev_store.NewEvent(u, EventKind.REVOKE, msg.id, payload) for u in users],
            )
            staged = self._callbacks is not None and await self._callbacks.stage(
                conn,
                app,
                cb.C2C_AFTER_WITHDRAW,
                msg.conv_id,
                {
                    "From_Account": msg.sender,
                    "To_Account": msg.receiver,
                    "Operator_Account": revoker,
                    "MsgKey": msg.msg_key,
                    "MsgSeq": msg.seq,
                    "MsgRandom": msg.random,
                    "MsgTime": msg.time,
                },
            )
        if staged and self._callbacks is not None:
            self._callbacks.sent()
        await self._publisher.stream(
            app.sdkappid,
            [
                StreamEvent(u, s, EventKind.REVOKE, payload, recalled)
                for u, s in zip(users, seqs, strict=True)
            ],
        )
        return recalled

    async def mark_read(self, app: App, owner: str, peer: str, up_to_seq: int | None = None) -> int:
        """Mark ``owner``'s conversation with ``peer`` read up to ``up_to_seq``
        (default: all). When the position moves, the peer gets
        ``MESSAGE_READ_BY_PEER`` and the owner's other devices ``CONVERSATION_READ``.
        Returns the read position."""
        conv_id = msg_store.c2c_conv_id(owner, peer)
        now = int(self._clock.time())
        async with self._db.write() as conn:
            target = (
                up_to_seq
                if up_to_seq is not None
                else await msg_store.last_seq(conn, app.sdkappid, conv_id)
            )
            if not await msg_store.advance_read(conn, app.sdkappid, owner, conv_id, target):
                return target
            events = [
                ev_store.NewEvent(
                    owner, EventKind.CONV_READ, None, ConversationRead("C2C" + peer, target, now)
                ),
            ]
            if peer != owner:
                events.append(
                    ev_store.NewEvent(
                        peer, EventKind.READ_BY_PEER, None, ReadByPeer(owner, target, now)
                    )
                )
            seqs = await ev_store.append_events(conn, app.sdkappid, events)
            staged = self._callbacks is not None and await self._callbacks.stage(
                conn,
                app,
                cb.C2C_AFTER_MSG_REPORT,
                conv_id,
                {
                    "Report_Account": owner,
                    "Peer_Account": peer,
                    "LastReadTime": now,
                    "MsgSeq": target,
                },
            )
        if staged and self._callbacks is not None:
            self._callbacks.sent()
        await self._publisher.stream(
            app.sdkappid,
            [
                StreamEvent(e.user_id, s, e.kind, e.payload)
                for e, s in zip(events, seqs, strict=True)
            ],
        )
        return target

    async def read_receipt(
        self, app: App, reader: str, peer: str, keys: Sequence[tuple[int, int]]
    ) -> list[MessageRecord]:
        """``reader`` confirms reading messages ``peer`` sent it, named by
        (``MsgRandom``, ``MsgTimeStamp``) (Tencent ``c2c_msg_read_receipt``, SDK
        ``sendMessageReadReceipt``): the conversation is read up to them, and
        ``peer`` gets a receipt for those that asked for one. Messages not from
        ``peer`` to ``reader`` are skipped; returns the ones receipted."""
        conv_id = msg_store.c2c_conv_id(reader, peer)
        found: list[MessageRecord] = []
        async with self._db.read() as conn:
            for random, msg_time in keys:
                m = await msg_store.get_by_random_time(
                    conn, app.sdkappid, conv_id, random, msg_time
                )
                if m is not None and m.sender == peer and m.receiver == reader:
                    found.append(m)
        if found:
            await self.mark_read(app, reader, peer, max(m.seq for m in found))
        asked = tuple(m for m in found if m.need_receipt)
        if asked:
            await self._publisher.notice(app.sdkappid, [peer], C2CReadReceipt(reader, asked))
        return list(asked)

    async def last_messages(
        self, app: App, keys: Sequence[tuple[str, int]]
    ) -> dict[str, MessageRecord]:
        """The messages at (conv_id, seq) — conversations' last messages — by conv_id."""
        async with self._db.read() as conn:
            found = await msg_store.get_many_by_seq(
                conn, app.sdkappid, [k for k in keys if k[1] > 0]
            )
        return {conv: m for (conv, _), m in found.items()}

    async def peer_read_seq(self, app: App, owner: str, peer: str) -> int:
        """How far ``peer`` has read the conversation with ``owner`` (a sequence)."""
        async with self._db.read() as conn:
            conv = await msg_store.get_conversation(
                conn, app.sdkappid, peer, msg_store.c2c_conv_id(owner, peer)
            )
        return conv.read_seq if conv else 0

    async def unread_counts(
        self, app: App, owner: str, peers: Iterable[str] | None = None
    ) -> dict[str, int]:
        """Unread C2C messages of ``owner`` per peer (all conversations when ``peers`` is None)."""
        out: dict[str, int] = {}
        convs: list[tuple[str, ConversationRow | None]]
        async with self._db.read() as conn:
            if peers is None:
                rows = await msg_store.list_conversations(
                    conn, app.sdkappid, owner, include_empty=True
                )
                convs = [(r.peer, r) for r in rows if r.conv_type == msg_store.CONV_C2C]
            else:
                convs = []
                for p in peers:
                    row = await msg_store.get_conversation(
                        conn, app.sdkappid, owner, msg_store.c2c_conv_id(owner, p)
                    )
                    convs.append((p, row))
            for peer, row in convs:
                if row is None:
                    out[peer] = 0
                    continue
                out[peer] = await msg_store.unread_count(
                    conn, app.sdkappid, owner, peer, row.conv_id, row.read_seq
                )
        return out


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

    def write(self, new: msg_store.NewMessage) -> C2CWrite:
        return C2CWrite(
            self._app.sdkappid,
            new,
            to_sender_roam=self._roam_sender,
            sender_event=self._sync_sender,
            dedupe_since=self._dedupe_since,
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
