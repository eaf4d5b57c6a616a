"""C2C history: pages of a conversation, finding messages, recalls.

:class:`C2CHistory` is the part of :class:`~palaver.services.messages.MessageService`
that reads a conversation's messages (Tencent ``admin_getroammsg``, SDK
``getMessageList``) and recalls them (``admin_msgwithdraw``, SDK ``revokeMessage``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from palaver.errors import Code, ImError
from palaver.model import callbacks as cb
from palaver.model.events import EventKind, Revoked, StreamEvent
from palaver.model.messages import MessageFlag, MessageRecord
from palaver.services.ports import Clock, Publisher
from palaver.storage import Database, history_page
from palaver.storage import events as ev_store
from palaver.storage import messages as msg_store

if TYPE_CHECKING:
    from palaver.services.apps import App
    from palaver.services.callbacks import CallbackService


@dataclass(frozen=True)
class HistoryPage:
    """Messages oldest first; ``complete`` when nothing older matches."""

    messages: list[MessageRecord]
    complete: bool


@dataclass(frozen=True)
class ReadPage(HistoryPage):
    """A page with the read positions of both sides (sequences):
    ``peer_read`` how far the peer read, ``my_read`` how far the viewer did."""

    peer_read: int
    my_read: int


class C2CHistory:
    """History, lookups and recalls of C2C messages (a part of
    :class:`~palaver.services.messages.MessageService`, which sets the
    collaborators below)."""

    _db: Database
    _publisher: Publisher
    _clock: Clock
    _callbacks: CallbackService | None

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

    async def read_page(
        self,
        app: App,
        viewer: str,
        peer: str,
        *,
        limit: int,
        before_id: int | None = None,
        before_key: str | None = None,
        min_time: int | None = None,
        max_time: int | None = None,
    ) -> ReadPage | None:
        """``viewer``'s view of the C2C history with ``peer`` as :meth:`history`
        shows it — the newest ``limit`` messages within ``[min_time, max_time]``
        (unix s) and the retention, oldest first — older than the anchor: message
        ``before_id`` (storage id) or the message with MsgKey ``before_key``
        (:meth:`find_by_key`'s rules), with both read positions; one query, no
        thread hop (:func:`~palaver.storage.history_page.c2c_page`,
        :meth:`~palaver.storage.Database.read_now`). ``None`` when the
        anchor is not a message of this conversation (callers answer their error).
        """
        retention = app.settings.history_retention_days
        if retention:
            horizon = int(self._clock.time()) - retention * 86400
            min_time = max(min_time or 0, horizon)
        got = await self._db.read_now(
            history_page.c2c_page,
            app.sdkappid,
            viewer,
            peer,
            before_id=before_id,
            before_key=before_key,
            min_time=min_time,
            max_time=max_time,
            limit=limit + 1,
        )
        if got is None:
            return None
        msgs = got.messages[:limit]
        msgs.reverse()
        return ReadPage(msgs, len(got.messages) <= limit, got.peer_read, got.my_read)

    async def page(
        self, app: App, viewer: str, peer: str, *, limit: int, before_id: int | None = None
    ) -> tuple[HistoryPage, int, int]:
        """A page of :meth:`history` before message ``before_id`` (storage id) with
        the read positions (``peer_read``: how far ``peer`` read; ``my_read``: how
        far ``viewer`` did) (:meth:`read_page`): (page, peer_read, my_read).

        Raises:
            ImError: 6017 ``before_id`` is not a message of this conversation.
        """
        got = await self.read_page(app, viewer, peer, limit=limit, before_id=before_id)
        if got is None:
            raise ImError(Code.ERR_INVALID_PARAMETERS, "no such message in this conversation")
        return got, got.peer_read, got.my_read

    async def find_by_key(self, app: App, a: str, b: str, msg_key: str) -> MessageRecord | None:
        """The message of the a/b conversation with this MsgKey, or ``None``.

        A MsgKey is ``{seq}_{random}_{time}``; a key that batchsendmsg gave for
        several recipients also finds the copy in each recipient's conversation.
        """
        parts = msg_store.parse_msg_key(msg_key)
        if parts is None:
            return None
        seq, random, msg_time = parts
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

    async def last_messages(
        self, app: App, keys: Sequence[tuple[str, int]]
    ) -> dict[str, MessageRecord]:
        """The messages at (conv_id, seq) — conversations' last messages — by conv_id."""
        async with self._db.read() as conn:
            found = await msg_store.get_many_by_seq(
                conn, app.sdkappid, [k for k in keys if k[1] > 0]
            )
        return {conv: m for (conv, _), m in found.items()}
