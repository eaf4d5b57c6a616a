"""C2C read positions: reading a conversation, read receipts, unread counts.

:class:`C2CReads` is the part of :class:`~palaver.services.messages.MessageService`
that moves and reports read positions (Tencent ``admin_set_msg_read``,
``c2c_msg_read_receipt``, ``get_c2c_unread_msg_num``; SDK ``setMessageRead``,
``sendMessageReadReceipt``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from palaver.model import callbacks as cb
from palaver.model.events import (
    C2CReadReceipt,
    ConversationRead,
    EventKind,
    ReadByPeer,
    StreamEvent,
)
from palaver.model.messages import MessageRecord
from palaver.services.ports import Clock, Publisher
from palaver.storage import Database
from palaver.storage import events as ev_store
from palaver.storage import messages as msg_store
from palaver.storage.records import ConversationRow

if TYPE_CHECKING:
    from palaver.services.apps import App
    from palaver.services.callbacks import CallbackService


class C2CReads:
    """Read positions and unread counts of C2C conversations (a part of
    :class:`~palaver.services.messages.MessageService`, which sets the
    collaborators below)."""

    _db: Database
    _publisher: Publisher
    _clock: Clock
    _callbacks: CallbackService | None

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
