"""Catch-up: a connection's streams read back from storage, as pushes.

After a reconnect (or when a live push arrives ahead of one it has not seen),
a connection reads its user's stream (:meth:`CatchUp.user`) and each group's
stream (:meth:`CatchUp.group`) from storage, in pages, and delivers them
through the same :class:`~palaver.protocol.stream.StreamState` as live pushes.
The pushes are built by :mod:`palaver.protocol.pushes`, exactly as live ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from palaver.model.events import EventKind, group_effect
from palaver.model.messages import MessageFlag
from palaver.protocol.pushes import expired_push, group_message_push, stream_push
from palaver.realtime.connection import Item, StreamItemWithEffect
from palaver.realtime.delivery import Outbound
from palaver.storage import Database
from palaver.storage import events as ev_store
from palaver.storage import group_messages as group_msg_store
from palaver.storage import groups as group_store

if TYPE_CHECKING:
    from palaver.realtime.connection import Connection

#: Events (or group messages) read per page.
CATCH_UP_PAGE = 500


class CatchUp:
    """The storage readers a :class:`~palaver.realtime.connection.Connection` catches up with."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def user(
        self, conn: Connection, after: int
    ) -> tuple[list[tuple[int, Item | None]], bool]:
        """The stream of ``conn``'s user after ``after``: ([(seq, item)], complete).

        A message event shows the message as it was sent (its recall is a later
        event); membership events carry their follow/unfollow effect.
        """
        rows = await self._db.run_read(  # one thread hop (every login comes here)
            ev_store.read_events_sync, conn.app_id, conn.user_id, after, CATCH_UP_PAGE
        )
        items: list[tuple[int, Item | None]] = []
        for r in rows:
            message = r.message
            if r.message_id is not None and message is None:
                push = expired_push(r.message_id, r.seq)  # gone (history retention)
            else:
                if message is not None and r.kind == EventKind.MESSAGE:
                    message = message.with_flags(message.flags & ~MessageFlag.RECALLED.value)
                push = stream_push(r.kind, conn.user_id, r.seq, r.payload, message)
            effect = group_effect(r.payload)
            out = Outbound(push)
            items.append((r.seq, StreamItemWithEffect(out, effect) if effect is not None else out))
        return items, len(rows) < CATCH_UP_PAGE

    async def group(
        self, conn: Connection, group_id: str, after: int
    ) -> tuple[list[tuple[int, Outbound | None]], bool]:
        """A group's stream after ``after``: its stored messages, pushed as live; a
        seq with no message (deleted, expired) is ``None``, so the stream has no gap."""
        async with self._db.read() as c:
            top = await group_store.head(c, conn.app_id, group_id)
            rows = await group_msg_store.messages_after(
                c, conn.app_id, group_id, after, CATCH_UP_PAGE
            )
        pushes: list[tuple[int, Outbound | None]] = []
        expect = after + 1
        for m in rows:
            if m.seq > top:
                break
            pushes.extend((s, None) for s in range(expect, m.seq))
            pushes.append((m.seq, Outbound(group_message_push(m))))
            expect = m.seq + 1
        complete = len(rows) < CATCH_UP_PAGE
        if complete:
            pushes.extend((s, None) for s in range(expect, top + 1))
        return pushes, complete
