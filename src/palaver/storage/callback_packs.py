"""Packed after-send callbacks: one ``callback_outbox`` row per writer batch and conversation.

The group-commit writer stores the after-send callbacks of a batch's messages
(:func:`writer_rows`): those of one conversation (``order_key``) in one *packed*
row whose ``payload`` is a JSON list of items ``[body, msg_id, msg_seq,
msg_key, msg_time, client_ip, platform]`` (``items`` the count, ``msg_id`` /
``msg_last`` the first and last message ids); a conversation with one callback
in the batch gets a plain row. A send thus writes a row per batch and
conversation, not per message, still in the message's transaction.

Ids come from the ``callback_outbox_id`` counter (:func:`reserve`), never from
the table: a packed row with id ``p`` owns ``p .. p + items - 1``. Delivery
treats its callbacks one by one (``storage.callbacks.expand``); when they are
not all delivered in one pass, or before one of their messages is edited or
deleted (``callback_parts.freeze``), the row is *unpacked* (:func:`unpack`):
replaced, in one transaction, by plain rows with the ids it owns, so the
callbacks keep their place in their conversation's order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.storage.dialect import prebuilt
from palaver.storage.schema import callback_outbox, counters

if TYPE_CHECKING:
    from palaver.storage.callbacks import NewCallback, OutboxRow, Outcome

#: the counter that hands out ``callback_outbox`` ids
COUNTER = "callback_outbox_id"
_co = callback_outbox.c


def _reserve_stmt(n: int) -> Any:
    return (
        update(counters)
        .where(counters.c.name == bindparam("name"))
        .values(value=counters.c.value + bindparam("n"))
        .returning(counters.c.value)
    )


def reserve(conn: Connection, n: int) -> int:
    """Reserve ``n`` consecutive outbox ids in the caller's transaction (row-locked
    on PostgreSQL: ids follow commit order); the first. The counter starts above
    the table's largest id on first use."""
    # prebuilt: no statement construction nor compilation per writer batch
    params = {"name": COUNTER, "n": n}
    row = prebuilt(conn, "reserve_callback_ids", 1, _reserve_stmt, params).first()
    if row is None:
        start = int(conn.scalar(select(func.coalesce(func.max(_co.id), 0))) or 0)
        conn.execute(counters.insert().values(name=COUNTER, value=start + n))
        return start + 1
    return int(row[0]) - n + 1


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


def writer_rows(conn: Connection, entries: Sequence[Entry], now_ms: int) -> list[dict[str, Any]]:
    """The outbox rows of a writer batch's after-send callbacks (``entries`` in
    the batch's order), ids reserved: one per (app, command, ``order_key``),
    packed when it holds more than one callback."""
    from palaver.storage.callbacks import outbox_row

    groups: dict[tuple[int, str, str], list[Entry]] = {}
    for e in entries:
        cb = e[0]
        groups.setdefault((cb.app_id, cb.command, cb.order_key), []).append(e)
    next_id = reserve(conn, len(entries))
    rows: list[dict[str, Any]] = []
    for group in groups.values():
        cb, msg_id, seq, key, msg_time = group[0]
        row = outbox_row(cb, now_ms, msg_id=msg_id, msg_seq=seq, msg_key=key, msg_time=msg_time)
        row["id"] = next_id
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
        next_id += len(group)
    return rows


async def unpack(
    conn: AsyncConnection, row: OutboxRow, outcomes: Mapping[int, Outcome], lease_ms: int = 0
) -> bool:
    """Replace the packed ``row`` by plain rows with the ids it owns, each with its
    outcome of the pass (``outcomes`` by owned id; the others pending, leased until
    ``lease_ms``). False (nothing done) when the row is no longer packed (another
    transaction unpacked it)."""
    gone = await conn.execute(
        delete(callback_outbox).where(_co.id == row.id, _co["items"] > 0).returning(_co.id)
    )
    if gone.first() is None:
        return False
    rows = []
    for i, item in enumerate(items_of(row.payload)):
        o = outcomes.get(row.id + i)
        rows.append(
            {
                "id": row.id + i,
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
