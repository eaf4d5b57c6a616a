"""Packed after-send callbacks: one ``callback_outbox`` row per writer batch and conversation.

The group-commit writer stores the after-send callbacks of a batch's messages
(:func:`writer_rows`): those of one conversation (``order_key``) in one *packed*
row whose ``payload`` is a JSON list of items ``[body, msg_id, msg_seq,
msg_key, msg_time, client_ip, platform]`` (``items`` the count, ``msg_id`` /
``msg_last`` the first and last message ids); a conversation with one callback
in the batch gets a plain row. A send thus writes a row per batch and
conversation, not per message, still in the message's transaction.

Outbox ids come from the ``message_id`` counter (:func:`reserve`), never from
the table, so a message's callback can take its message's id: a packed row has
its first message's id and *owns* the ids of all its messages (no other row
can take them). Delivery treats its callbacks one by one
(``storage.callbacks.expand``); when they are not all delivered in one pass, or
before one of their messages is edited or deleted (``callback_parts.freeze``),
the row is *unpacked* (:func:`unpack`): replaced, in one transaction, by plain
rows with the ids it owns, so the callbacks keep their place in their
conversation's order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import delete
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.storage.schema import callback_outbox

if TYPE_CHECKING:
    from palaver.storage.callbacks import NewCallback, OutboxRow, Outcome

_co = callback_outbox.c


def reserve(conn: Connection, n: int) -> int:
    """Reserve ``n`` consecutive outbox ids in the caller's transaction; the first.
    They come from the ``message_id`` counter (row-locked on PostgreSQL: ids follow
    commit order), as message ids do, so that a message's callback can take its
    message's id: the writer reserves nothing more for its callbacks."""
    from palaver.storage.message_batch import reserve_ids

    return reserve_ids(conn, "message_id", n)


@dataclass(frozen=True, slots=True)
class Item:
    """One callback of a packed row: its body (decoded) and its message's ids."""

    body: dict[str, Any]
    msg_id: int
    msg_seq: int
    msg_key: str
    msg_time: int
    client_ip: str
    platform: str


def items_of(payload: str) -> list[Item]:
    """The items of a packed row's ``payload``, oldest first."""
    return [Item(*x) for x in orjson.loads(payload)]


#: one message's callback for :func:`writer_rows`: (callback, msg_id, msg_seq, msg_key, msg_time)
Entry = tuple["NewCallback", int, int, str, int]


def writer_rows(entries: Sequence[Entry], now_ms: int) -> list[dict[str, Any]]:
    """The outbox rows of a writer batch's after-send callbacks (``entries`` in
    the batch's order): one per (app, command, ``order_key``), packed when it
    holds more than one callback. A callback's id is its message's id (unique:
    outbox ids come from the message id counter, :func:`reserve`); a packed row
    has its first message's."""
    from palaver.storage.callbacks import outbox_row

    groups: dict[tuple[int, str, str], list[Entry]] = {}
    for e in entries:
        cb = e[0]
        groups.setdefault((cb.app_id, cb.command, cb.order_key), []).append(e)
    rows: list[dict[str, Any]] = []
    for group in groups.values():
        cb, msg_id, seq, key, msg_time = group[0]
        row = outbox_row(cb, now_ms, msg_id=msg_id, msg_seq=seq, msg_key=key, msg_time=msg_time)
        row["id"] = msg_id
        if len(group) > 1:
            row["payload"] = orjson.dumps(
                [
                    [
                        c.payload if isinstance(c.payload, dict) else orjson.Fragment(c.payload),
                        m,
                        s,
                        k,
                        t,
                        c.client_ip,
                        c.platform,
                    ]
                    for c, m, s, k, t in group
                ]
            ).decode()
            row["items"] = len(group)
            row["msg_last"] = group[-1][1]
        rows.append(row)
    return rows


async def unpack(
    conn: AsyncConnection, row: OutboxRow, outcomes: Mapping[int, Outcome], lease_ms: int = 0
) -> bool:
    """Replace the packed ``row`` by plain rows with the ids it owns (its messages'),
    each with its outcome of the pass (``outcomes`` by id; the others pending, leased until
    ``lease_ms``). False (nothing done) when the row is no longer packed (another
    transaction unpacked it)."""
    gone = await conn.execute(
        delete(callback_outbox).where(_co.id == row.id, _co["items"] > 0).returning(_co.id)
    )
    if gone.first() is None:
        return False
    rows = []
    for item in items_of(row.payload):
        o = outcomes.get(item.msg_id)
        rows.append(
            {
                "id": item.msg_id,
                "app_id": row.app_id,
                "command": row.command,
                "order_key": row.order_key,
                "payload": orjson.dumps(item.body).decode(),
                "msg_id": item.msg_id,
                "msg_seq": item.msg_seq,
                "msg_key": item.msg_key,
                "msg_time": item.msg_time,
                "client_ip": item.client_ip,
                "platform": item.platform,
                "created_ms": row.created_ms,
                "status": o.status if o else row.status,
                "attempts": 1 if o else 0,
                "next_ms": o.next_ms if o else 0,
                "lease_ms": 0 if o else lease_ms,
                "done_ms": o.done_ms if o else 0,
                "latency_ms": o.latency_ms if o else 0,
                "http_status": o.http_status if o else 0,
                "last_error": o.error if o else None,
                "items": 0,
                "msg_last": None,
            }
        )
    await conn.execute(callback_outbox.insert(), rows)
    return True
