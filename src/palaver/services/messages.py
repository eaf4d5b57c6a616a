"""C2C messages: send, import, history, recall, read positions, unread counts.

Rules follow Tencent IM ``openim/sendmsg``, ``importmsg``, ``admin_getroammsg``,
``admin_msgwithdraw``, ``admin_set_msg_read`` and ``get_c2c_unread_msg_num``
(cloud.tencent.com/document/api/269/2282 and neighbours).
"""

from __future__ import annotations

import asyncio
import time
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy.engine import RowMapping

from palaver.errors import ImError
from palaver.msgbody import validate_msg_body
from palaver.realtime.notifier import MessageView, StreamEvent
from palaver.storage import Database
from palaver.storage import events as ev_store
from palaver.storage import messages as store
from palaver.storage.schema import (
    EV_CONV_READ,
    EV_MESSAGE,
    EV_READ_BY_PEER,
    EV_REVOKE,
    FLAG_NO_LAST_MSG,
    FLAG_NO_UNREAD,
    FLAG_RECALLED,
)
from palaver.storage.writer import C2CWrite, C2CWritten, MessageWriter

if TYPE_CHECKING:
    from palaver.hub import Hub
    from palaver.services.apps import App

DEDUPE_WINDOW = 120  # seconds a retried send is answered with the first MsgKey
MAX_LIFETIME = 7 * 86400  # MsgLifeTime upper bound, seconds
MAX_SEQ_SEARCH = 1 << 62


class SendLane:
    """Keeps one client's sends in arrival order into the writer.

    Take a :meth:`ticket` when a send arrives (before any ``await``); the send
    waits for the previous ticket before it is queued for storage, so checks
    of consecutive sends run concurrently but messages are stored in order.
    """

    def __init__(self) -> None:
        self._tail: asyncio.Future[None] | None = None

    def ticket(self) -> tuple[asyncio.Future[None] | None, asyncio.Future[None]]:
        """(the previous send's "queued" future or None, this send's)."""
        prev = self._tail
        mine: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._tail = mine
        return prev, mine


@dataclass(frozen=True)
class SendOptions:
    """Optional parts of a send.

    ``sync_other_machine``: 1 sync to the sender's devices and roaming, 2 keep
    it out of the sender's roaming, ``None`` the default (roaming, as 1).
    ``lifetime``: seconds of offline storage; 0 means online only (not stored).
    ``controls``: ``SendMsgControl`` flags (``NoUnread``, ``NoLastMsg``).
    ``check_relations``: apply blacklist (20007), friendship (20009) and
    ``AdminForbid_Type_SendOut`` (20012) checks. ``lane``: order of this client's sends.
    """

    client_seq: int | None = None
    msg_time: int | None = None
    cloud_custom_data: str | None = None
    sync_other_machine: int | None = None
    lifetime: int | None = None
    controls: frozenset[str] = field(default_factory=frozenset)
    check_relations: bool = True
    lane: SendLane | None = None
    origin: str | None = None  # the sending connection: it gets the response, not the echo


@dataclass(frozen=True)
class Message:
    """A stored C2C message as the APIs present it."""

    id: int
    conv_id: str
    seq: int
    from_account: str
    to_account: str
    msg_time: int
    random: int
    client_seq: int
    msg_key: str
    body: list[dict[str, Any]]
    cloud_custom_data: str | None
    flags: int
    at_users: list[str] | None = None  # group messages: mentioned UserIDs / @all

    @property
    def group_id(self) -> str | None:
        """The group of a group message (``to_account``), else ``None``."""
        return self.conv_id[6:] if self.conv_id.startswith("group:") else None

    @property
    def is_recalled(self) -> bool:
        """The message was recalled (it stays in history, flagged)."""
        return bool(self.flags & FLAG_RECALLED)

    def view(self) -> MessageView:
        """The fields a protocol frame needs."""
        return MessageView(
            msg_id=str(self.id),
            sender=self.from_account,
            receiver=self.to_account,
            seq=self.seq,
            time=self.msg_time,
            random=self.random,
            body=self.body,
            cloud_custom_data=self.cloud_custom_data,
            msg_key=self.msg_key,
            flags=self.flags,
            group_id=self.group_id,
            at_users=self.at_users,
        )

    @classmethod
    def from_row(cls, row: Any) -> Message:
        """From a ``messages`` row (C2C or group)."""
        at = row.get("at_users") if hasattr(row, "get") else None
        return cls(
            id=int(row["id"]),
            conv_id=row["conv_id"],
            seq=int(row["seq"]),
            from_account=row["from_account"],
            to_account=row["to_account"],
            msg_time=int(row["msg_time"]),
            random=int(row["random"]),
            client_seq=int(row["client_seq"]),
            msg_key=row["msg_key"],
            body=orjson.loads(row["body"]),
            cloud_custom_data=row["cloud_custom_data"],
            flags=int(row["flags"]),
            at_users=orjson.loads(at) if at else None,
        )


@dataclass(frozen=True)
class SendResult:
    """The answer to a send: MsgKey, MsgTime (unix s), sequence; ``stored`` False for online-only."""

    msg_key: str
    msg_time: int
    seq: int
    stored: bool
    duplicate: bool = False
    message: Message | None = None
    online_view: MessageView | None = None  # what was pushed, for an online-only message


@dataclass(frozen=True)
class HistoryPage:
    """Messages oldest first; ``complete`` when nothing older matches."""

    messages: list[Message]
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
    return int(head) if head.isdigit() and len(head) < 19 else None


class MessageService:
    """C2C messaging for every app."""

    def __init__(self, db: Database, hub: Hub) -> None:
        self._db = db
        self._hub = hub
        self._writer = MessageWriter(db)

    @property
    def writer(self) -> MessageWriter:
        """The group-commit writer every message write goes through (C2C and group)."""
        return self._writer

    async def close(self) -> None:
        """Commit what the writer still holds, then stop it."""
        await self._writer.close()

    async def purge_expired(self, apps: Iterable[App], now: int | None = None) -> int:
        """Delete messages older than each app's ``history_retention_days``; returns the count."""
        now = int(time.time()) if now is None else now
        total = 0
        for app in apps:
            days = app.settings.history_retention_days
            if days:
                async with self._db.write() as conn:
                    total += await store.purge_older_than(conn, app.sdkappid, now - days * 86400)
        return total

    async def _check_parties(self, app: App, sender: str, receiver: str, check: bool) -> None:
        have = await self._hub.accounts.existing(app, {sender, receiver})
        if sender not in have:
            raise UnknownParty("sender", sender)
        if receiver not in have:
            raise UnknownParty("receiver", receiver)
        if not check or sender == receiver:
            return
        if await self._hub.sns.is_blacklisted(app, receiver, sender):
            raise ImError(20007, "the sender is on the receiver's blacklist")
        if app.settings.check_friendship and not await self._hub.sns.are_friends(
            app, sender, receiver
        ):
            raise ImError(20009, "not friends with each other")

    async def send_c2c(
        self, app: App, sender: str, receiver: str, body: Any, random: int, opts: SendOptions
    ) -> SendResult:
        """Store (unless online-only) and deliver one C2C message.

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
        prev, mine = opts.lane.ticket() if opts.lane else (None, None)
        try:
            validate_msg_body(body)
            if opts.lifetime is not None and not 0 <= opts.lifetime <= MAX_LIFETIME:
                raise ImError(90026, "MsgLifeTime must be 0..604800 seconds")
            await self._check_parties(app, sender, receiver, opts.check_relations)
            now = int(time.time())
            msg_time = opts.msg_time or now
            client_seq = opts.client_seq or 0
            sync_sender = opts.sync_other_machine != 2
            if opts.lifetime == 0:
                view = MessageView(
                    msg_id=f"o-{random}-{msg_time}",
                    sender=sender,
                    receiver=receiver,
                    seq=0,
                    time=msg_time,
                    random=random,
                    body=body,
                    cloud_custom_data=opts.cloud_custom_data,
                    online_only=True,
                )
                users = [receiver] + ([sender] if sync_sender and sender != receiver else [])
                await self._hub.notifier.online_only_message(app.sdkappid, view, users)
                key = store.make_msg_key(client_seq, random, msg_time)
                return SendResult(key, msg_time, 0, stored=False, online_view=view)
            body_json = orjson.dumps(body).decode()
            crc = zlib.crc32(body_json.encode())
            flags = (FLAG_NO_UNREAD if "NoUnread" in opts.controls else 0) | (
                FLAG_NO_LAST_MSG if "NoLastMsg" in opts.controls else 0
            )
            conv_id = store.c2c_conv_id(sender, receiver)
            new = store.NewMessage(
                conv_id=conv_id,
                from_account=sender,
                to_account=receiver,
                msg_time=msg_time,
                random=random,
                client_seq=client_seq,
                body=body_json,
                cloud_custom_data=opts.cloud_custom_data,
                flags=flags,
                dedupe_key=f"{sender}\x1f{receiver}\x1f{client_seq}\x1f{random}\x1f{crc}",
            )
            op = C2CWrite(
                app.sdkappid,
                new,
                to_sender_roam=sync_sender,
                sender_event=sync_sender,
                dedupe_since=now - DEDUPE_WINDOW,
            )
            if prev is not None:
                await asyncio.shield(prev)
            pending = self._writer.submit(op)
        finally:
            if mine is not None and not mine.done():
                mine.set_result(None)
        written = await pending
        message = await self._publish(app, written, new, body, origin=opts.origin)
        st = written.stored
        return SendResult(
            st.msg_key, st.msg_time, st.seq, True, duplicate=written.duplicate, message=message
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
        validate_msg_body(body)
        await self._check_parties(app, sender, receiver, check=False)
        conv_id = store.c2c_conv_id(sender, receiver)
        new = store.NewMessage(
            conv_id=conv_id,
            from_account=sender,
            to_account=receiver,
            msg_time=msg_time,
            random=random,
            client_seq=client_seq,
            body=orjson.dumps(body).decode(),
            cloud_custom_data=cloud_custom_data,
            flags=0 if realtime else FLAG_NO_UNREAD,
            dedupe_key=f"import\x1f{conv_id}\x1f{client_seq}\x1f{random}\x1f{msg_time}",
        )
        written = await self._writer.write(C2CWrite(app.sdkappid, new, sender_event=realtime))
        await self._publish(app, written, new, body)
        st = written.stored
        return SendResult(st.msg_key, st.msg_time, st.seq, True, duplicate=written.duplicate)

    async def _publish(
        self,
        app: App,
        written: C2CWritten,
        new: store.NewMessage,
        body: list[dict[str, Any]],
        origin: str | None = None,
    ) -> Message:
        """The stored message; pushed to the users whose streams got it (none for a
        repeat), except to ``origin``, the sending connection, which has the response."""
        st = written.stored
        message = Message(
            st.id,
            new.conv_id,
            st.seq,
            new.from_account,
            new.to_account,
            st.msg_time,
            new.random,
            new.client_seq,
            st.msg_key,
            body,
            new.cloud_custom_data,
            new.flags,
        )
        if written.event_seqs:
            view = message.view()
            await self._hub.notifier.stream(
                app.sdkappid,
                [
                    StreamEvent(
                        u,
                        s,
                        EV_MESSAGE,
                        message=view,
                        origin=origin if u == new.from_account else None,
                    )
                    for u, s in written.event_seqs.items()
                ],
            )
        return message

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
        conv_id = store.c2c_conv_id(owner, peer)
        retention = app.settings.history_retention_days
        if retention:
            horizon = int(time.time()) - retention * 86400
            min_time = max(min_time or 0, horizon)
        async with self._db.read() as conn:
            conv = await store.get_conversation(conn, app.sdkappid, owner, conv_id)
            cleared = int(conv["cleared_seq"]) if conv else 0
            rows = await store.history(
                conn,
                app.sdkappid,
                owner,
                conv_id,
                after_seq=cleared,
                before_seq=before_seq,
                min_time=min_time,
                max_time=max_time,
                limit=limit + 1,
            )
        msgs = [Message.from_row(r) for r in rows[:limit]]
        msgs.reverse()
        return HistoryPage(msgs, complete=len(rows) <= limit)

    async def find_by_key(self, app: App, a: str, b: str, msg_key: str) -> Message | None:
        """The message of the a/b conversation with this MsgKey, or ``None``.

        A MsgKey is ``{seq}_{random}_{time}``; a key that batchsendmsg gave for
        several recipients also finds the copy in each recipient's conversation.
        """
        parts = msg_key.split("_")
        if len(parts) != 3 or not all(p.isdigit() and len(p) < 19 for p in parts):
            return None
        seq, random, msg_time = (int(p) for p in parts)
        conv_id = store.c2c_conv_id(a, b)
        async with self._db.read() as conn:
            row = await store.get_by_seq(conn, app.sdkappid, conv_id, seq)
            if row is None or row["msg_key"] != msg_key:
                # batchsendmsg answers one MsgKey for all recipients: match the
                # other recipients' copies by random and time.
                row = await store.get_by_random_time(conn, app.sdkappid, conv_id, random, msg_time)
        return None if row is None else Message.from_row(row)

    async def get(self, app: App, viewer: str, peer: str, message_id: int) -> Message:
        """A message of ``viewer``'s conversation with ``peer`` by storage id.

        Raises:
            ImError: 6017 if there is no such message in that conversation
                (whether or not it exists elsewhere).
        """
        async with self._db.read() as conn:
            row = await store.get_by_id(conn, app.sdkappid, message_id)
        if row is None or row["conv_id"] != store.c2c_conv_id(viewer, peer):
            raise ImError(6017, "no such message in this conversation")
        return Message.from_row(row)

    async def recall(
        self, app: App, sender: str, receiver: str, msg_key: str, *, window: int | None = None
    ) -> Message:
        """Recall a message ``sender`` sent to ``receiver`` by MsgKey (REST admin path).

        Raises:
            ImError: 90001 no such message from ``sender``; 20016 past ``window``.
        """
        msg = await self.find_by_key(app, sender, receiver, msg_key)
        if msg is None or msg.from_account != sender or msg.to_account != receiver:
            raise ImError(90001, "MsgKey not found for this sender and receiver")
        return await self.recall_message(app, msg, sender, window=window)

    async def recall_message(
        self, app: App, msg: Message, revoker: str, *, window: int | None = None
    ) -> Message:
        """Mark ``msg`` recalled (it stays in history, flagged) and tell both parties.

        Args:
            window: seconds after sending a recall is allowed; ``None`` = no limit.

        Raises:
            ImError: 20016 past ``window``.
        """
        if window is not None and time.time() - msg.msg_time > window:
            raise ImError(20016, "the recall time limit has passed")
        recalled = Message(**{**msg.__dict__, "flags": msg.flags | FLAG_RECALLED})
        if msg.is_recalled:
            return recalled
        users = list(dict.fromkeys([msg.from_account, msg.to_account]))
        payload = {"revoker": revoker}
        async with self._db.write() as conn:
            await store.set_flags(conn, msg.id, recalled.flags)
            seqs = await ev_store.append_events(
                conn,
                app.sdkappid,
                [ev_store.NewEvent(u, EV_REVOKE, msg.id, payload) for u in users],
            )
        view = recalled.view()
        await self._hub.notifier.stream(
            app.sdkappid,
            [StreamEvent(u, s, EV_REVOKE, payload, view) for u, s in zip(users, seqs, strict=True)],
        )
        return recalled

    async def mark_read(self, app: App, owner: str, peer: str, up_to_seq: int | None = None) -> int:
        """Mark ``owner``'s conversation with ``peer`` read up to ``up_to_seq``
        (default: all). When the position moves, the peer gets
        ``MESSAGE_READ_BY_PEER`` and the owner's other devices ``CONVERSATION_READ``.
        Returns the read position."""
        conv_id = store.c2c_conv_id(owner, peer)
        now = int(time.time())
        async with self._db.write() as conn:
            target = (
                up_to_seq
                if up_to_seq is not None
                else await store.last_seq(conn, app.sdkappid, conv_id)
            )
            if not await store.advance_read(conn, app.sdkappid, owner, conv_id, target):
                return target
            events = [
                ev_store.NewEvent(
                    owner, EV_CONV_READ, None, {"conversationID": "C2C" + peer, "seq": target}
                ),
            ]
            if peer != owner:
                events.append(
                    ev_store.NewEvent(
                        peer, EV_READ_BY_PEER, None, {"peer": owner, "seq": target, "time": now}
                    )
                )
            seqs = await ev_store.append_events(conn, app.sdkappid, events)
        await self._hub.notifier.stream(
            app.sdkappid,
            [
                StreamEvent(e.user_id, s, e.kind, e.payload)
                for e, s in zip(events, seqs, strict=True)
            ],
        )
        return target

    async def last_messages(self, app: App, keys: Sequence[tuple[str, int]]) -> dict[str, Message]:
        """The messages at (conv_id, seq) — conversations' last messages — by conv_id."""
        async with self._db.read() as conn:
            rows = await store.get_many_by_seq(conn, app.sdkappid, [k for k in keys if k[1] > 0])
        return {conv: Message.from_row(r) for (conv, _), r in rows.items()}

    async def peer_read_seq(self, app: App, owner: str, peer: str) -> int:
        """How far ``peer`` has read the conversation with ``owner`` (a sequence)."""
        async with self._db.read() as conn:
            conv = await store.get_conversation(
                conn, app.sdkappid, peer, store.c2c_conv_id(owner, peer)
            )
        return int(conv["read_seq"]) if conv else 0

    async def unread_counts(
        self, app: App, owner: str, peers: Iterable[str] | None = None
    ) -> dict[str, int]:
        """Unread C2C messages of ``owner`` per peer (all conversations when ``peers`` is None)."""
        out: dict[str, int] = {}
        convs: list[tuple[str, RowMapping | None]]
        async with self._db.read() as conn:
            if peers is None:
                rows = await store.list_conversations(conn, app.sdkappid, owner, include_empty=True)
                convs = [(r["peer"], r) for r in rows if r["conv_type"] == store.CONV_C2C]
            else:
                convs = []
                for p in peers:
                    row = await store.get_conversation(
                        conn, app.sdkappid, owner, store.c2c_conv_id(owner, p)
                    )
                    convs.append((p, row))
            for peer, row in convs:
                if row is None:
                    out[peer] = 0
                    continue
                out[peer] = await store.unread_count(
                    conn, app.sdkappid, owner, peer, row["conv_id"], int(row["read_seq"])
                )
        return out
