"""The callback outbox (``callback_outbox``): after-callbacks waiting for the app backend.

A callback is written in the transaction of the event it reports: a message's
by the group-commit writer (:func:`outbox_row`, with the message's ids), other
events' by :func:`enqueue`. The delivery worker (``services.callbacks``) reads
the due head rows of each ``order_key`` (:func:`due`), claims them with a lease
(:func:`claim`), posts them and records each outcome (:func:`finish`). Times are
unix milliseconds.

The writer packs the after-send callbacks of one batch's messages of one
conversation into one row (:mod:`palaver.storage.callback_packs`): the send
path writes one row per batch and conversation instead of one per message.
Delivery reads a packed row as its callbacks (:func:`expand`: one
:class:`OutboxRow` each, with the ids the row owns); a packed row delivered
whole is marked delivered at once, any other outcome unpacks it into plain rows.
Delivered (and dead) rows older than the retention are purged (:func:`purge`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import bindparam, case, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.storage import callback_packs as packs
from palaver.storage.schema import callback_outbox

PENDING = "pending"
DELIVERED = "delivered"
DEAD = "dead"

_co = callback_outbox.c


@dataclass(frozen=True)
class NewCallback:
    """A callback to write: ``payload`` the JSON body, as text, UTF-8 bytes or a
    dict the writer serialises (the writer adds nothing to it; the message's ids
    go to their own columns), ``order_key`` what its delivery keeps order within
    (a conversation)."""

    app_id: int
    command: str
    order_key: str
    payload: str | bytes | dict[str, Any]
    client_ip: str = ""
    platform: str = ""


@dataclass(frozen=True)
class OutboxRow:
    """A stored callback and its delivery state (see the table's comments)."""

    id: int
    app_id: int
    command: str
    order_key: str
    payload: str
    msg_id: int | None
    msg_seq: int | None
    msg_key: str | None
    msg_time: int | None
    client_ip: str
    platform: str
    created_ms: int
    status: str
    attempts: int
    next_ms: int
    lease_ms: int
    done_ms: int
    latency_ms: int
    http_status: int
    last_error: str | None
    #: a packed row's callbacks (0: a plain row) and its last message id
    items: int = 0
    msg_last: int | None = None
    #: one callback of a packed row (:func:`expand`): the packed row's id (``id``
    #: is the one this callback owns) and its decoded body
    parent: int = 0
    body: dict[str, Any] | None = None

    @property
    def stored_id(self) -> int:
        """The id of the stored row that holds this callback."""
        return self.parent or self.id


_COLUMNS = tuple(c.name for c in callback_outbox.columns)


@dataclass(frozen=True)
class Outcome:
    """What became of one claimed row: ``status`` :data:`DELIVERED`,
    :data:`PENDING` (retry at ``next_ms``; ``attempted`` False if it was not
    tried, only released) or :data:`DEAD`."""

    id: int
    status: str
    attempted: bool = True
    next_ms: int = 0
    done_ms: int = 0
    latency_ms: int = 0
    http_status: int = 0
    error: str | None = None


def outbox_row(
    cb: NewCallback,
    now_ms: int,
    *,
    msg_id: int | None = None,
    msg_seq: int | None = None,
    msg_key: str | None = None,
    msg_time: int | None = None,
) -> dict[str, Any]:
    """The ``callback_outbox`` row of ``cb`` (for :func:`~palaver.storage.dialect.executemany`;
    its ``id`` from :func:`~palaver.storage.callback_packs.reserve`)."""
    payload = cb.payload
    return {
        "app_id": cb.app_id,
        "command": cb.command,
        "order_key": cb.order_key,
        "payload": _text(payload),
        "msg_id": msg_id,
        "msg_seq": msg_seq,
        "msg_key": msg_key,
        "msg_time": msg_time,
        "client_ip": cb.client_ip,
        "platform": cb.platform,
        "created_ms": now_ms,
        "status": PENDING,
        "attempts": 0,
        "next_ms": 0,
        "lease_ms": 0,
        "done_ms": 0,
        "latency_ms": 0,
        "http_status": 0,
        "items": 0,
        "msg_last": None,
    }


def _text(payload: str | bytes | dict[str, Any]) -> str:
    """A payload as JSON text."""
    if isinstance(payload, str):
        return payload
    return (payload if isinstance(payload, bytes) else orjson.dumps(payload)).decode()


async def enqueue(conn: AsyncConnection, items: Sequence[NewCallback], now_ms: int) -> None:
    """Write callbacks of events that are not messages (in the caller's transaction)."""
    if items:
        first = await conn.run_sync(packs.reserve, len(items))
        rows = [outbox_row(cb, now_ms) for cb in items]
        for k, row in enumerate(rows):
            row["id"] = first + k
        await conn.execute(callback_outbox.insert(), rows)


def _row(r: Any) -> OutboxRow:
    return OutboxRow(**{k: r[k] for k in _COLUMNS})


def expand(row: OutboxRow) -> list[OutboxRow]:
    """The callbacks of a row, oldest first: a plain row itself; a packed row's
    (``items`` > 0), each with the id it owns (its message's), its message's
    ids, ``parent`` the packed row's id and ``body`` its decoded payload."""
    if not row.items:
        return [row]
    return [
        dataclasses.replace(
            row,
            id=item.msg_id,
            payload="",
            msg_id=item.msg_id,
            msg_seq=item.msg_seq,
            msg_key=item.msg_key,
            msg_time=item.msg_time,
            client_ip=item.client_ip,
            platform=item.platform,
            items=0,
            msg_last=None,
            parent=row.id,
            body=item.body,
        )
        for item in packs.items_of(row.payload)
    ]


#: rows of one order key claimed and posted in one pass
PER_KEY = 50


async def due(
    conn: AsyncConnection, now_ms: int, *, scan: int = 1000, per_key: int = PER_KEY
) -> tuple[list[list[OutboxRow]], int | None]:
    """Rows to deliver now, per order key (each list oldest first): the first
    ``per_key`` pending rows of every key whose oldest pending row is due (past
    its ``next_ms``) and not claimed. Looks at the oldest ``scan`` pending rows.
    Also the earliest time a key now waiting becomes due (``None``: none waits)."""
    # the scan reads only what picks the rows (no payloads), then the picked rows whole
    q = (
        select(_co.id, _co.app_id, _co.order_key, _co.next_ms, _co.lease_ms)
        .where(_co.status == PENDING)
        .order_by(_co.id)
        .limit(scan)
    )
    picked: dict[tuple[int, str], list[int]] = {}
    blocked: set[tuple[int, str]] = set()
    wake: int | None = None
    for row_id, app_id, order_key, next_ms, lease_ms in await conn.execute(q):
        key = (int(app_id), order_key)
        if key in blocked:
            continue
        ids = picked.get(key)
        if ids is None:
            not_before = max(int(next_ms), int(lease_ms))
            if not_before > now_ms:
                blocked.add(key)
                wake = not_before if wake is None else min(wake, not_before)
                continue
            picked[key] = ids = []
        if len(ids) < per_key:
            ids.append(int(row_id))
    wanted = [i for ids in picked.values() for i in ids]
    rows: dict[int, OutboxRow] = {}
    for i in range(0, len(wanted), 500):
        q2 = select(callback_outbox).where(_co.id.in_(wanted[i : i + 500]))
        rows.update((r.id, r) for r in map(_row, (await conn.execute(q2)).mappings()))
    groups = [[rows[i] for i in ids if i in rows] for ids in picked.values()]
    return [g for g in groups if g], wake


async def release_all(conn: AsyncConnection) -> None:
    """Release every lease (at start, when no other node can hold one: SQLite)."""
    await conn.execute(
        update(callback_outbox).where(_co.status == PENDING, _co.lease_ms > 0).values(lease_ms=0)
    )


async def claim(conn: AsyncConnection, ids: Sequence[int], now_ms: int, until_ms: int) -> set[int]:
    """Lease the pending, unclaimed rows among ``ids`` until ``until_ms``; the ids
    claimed (another node may have taken some first)."""
    got: set[int] = set()
    for i in range(0, len(ids), 500):
        res = await conn.execute(
            update(callback_outbox)
            .where(
                _co.id.in_(ids[i : i + 500]),
                _co.status == PENDING,
                _co.lease_ms <= now_ms,
            )
            .values(lease_ms=until_ms)
            .returning(_co.id)
        )
        got.update(int(x) for x in res.scalars())
    return got


async def finish(
    conn: AsyncConnection,
    outcomes: Sequence[Outcome],
    packed: Mapping[int, OutboxRow] | None = None,
) -> None:
    """Record the outcomes of claimed rows and release their leases. ``packed``:
    the packed rows of the pass by id, whose callbacks' outcomes (by the ids they
    own, :func:`expand`) are in ``outcomes``: a packed row whose every callback was
    delivered is marked delivered; one none of whose callbacks was tried is
    released; any other is unpacked into plain rows that keep each outcome."""
    plain = list(outcomes)
    if packed:
        owner = {it.msg_id: p.id for p in packed.values() for it in packs.items_of(p.payload)}
        by_parent: dict[int, list[Outcome]] = {}
        plain = []
        for o in outcomes:
            pid = owner.get(o.id)
            if pid is None:
                plain.append(o)
            else:
                by_parent.setdefault(pid, []).append(o)
        for pid, outs in by_parent.items():
            p = packed[pid]
            if not any(o.attempted for o in outs):
                plain.append(Outcome(pid, PENDING, attempted=False))
                continue
            if len(outs) == p.items and all(o.status == DELIVERED for o in outs):
                res = await conn.execute(
                    update(callback_outbox)
                    .where(_co.id == pid, _co["items"] > 0)
                    .values(
                        status=DELIVERED,
                        attempts=_co.attempts + 1,
                        lease_ms=0,
                        done_ms=max(o.done_ms for o in outs),
                        latency_ms=outs[-1].latency_ms,
                        http_status=outs[-1].http_status,
                    )
                )
                if res.rowcount:
                    continue
            elif await packs.unpack(conn, p, {o.id: o for o in outs if o.attempted}):
                continue
            # unpacked meanwhile (an edit froze a callback of it): its plain rows
            # have the ids the outcomes name
            plain += outs
    tried = [o for o in plain if o.attempted]
    if tried:
        await conn.execute(
            update(callback_outbox)
            .where(_co.id == bindparam("b_id"))
            .values(
                status=bindparam("b_status"),
                attempts=_co.attempts + 1,
                next_ms=bindparam("b_next"),
                lease_ms=0,
                done_ms=bindparam("b_done"),
                latency_ms=bindparam("b_latency"),
                http_status=bindparam("b_http"),
                last_error=bindparam("b_error"),
            ),
            [
                {
                    "b_id": o.id,
                    "b_status": o.status,
                    "b_next": o.next_ms,
                    "b_done": o.done_ms,
                    "b_latency": o.latency_ms,
                    "b_http": o.http_status,
                    "b_error": o.error,
                }
                for o in tried
            ],
        )
    released = [o.id for o in plain if not o.attempted]
    if released:
        await conn.execute(update(callback_outbox).where(_co.id.in_(released)).values(lease_ms=0))


#: how many callbacks a row holds (a packed row: its ``items``)
_HELD = case((_co["items"] > 0, _co["items"]), else_=1)


async def recent(
    conn: AsyncConnection,
    app_id: int,
    *,
    limit: int = 50,
    status: str | None = None,
    since_ms: int | None = None,
) -> list[OutboxRow]:
    """An app's callbacks, newest first (a packed row's each on its own)."""
    q = select(callback_outbox).where(_co.app_id == app_id)
    if status is not None:
        q = q.where(_co.status == status)
    if since_ms is not None:
        q = q.where(_co.created_ms >= since_ms)
    q = q.order_by(_co.id.desc()).limit(limit)
    out: list[OutboxRow] = []
    for r in (await conn.execute(q)).mappings():
        out += reversed(expand(_row(r)))
    return out[:limit]


async def requeue(
    conn: AsyncConnection, app_id: int, since_ms: int, statuses: Sequence[str]
) -> int:
    """Make an app's callbacks created since ``since_ms`` with one of ``statuses``
    pending again, due now, with their attempts reset; how many callbacks (a
    packed row counts its ``items``)."""
    where = (
        _co.app_id == app_id,
        _co.created_ms >= since_ms,
        _co.status.in_(list(statuses)),
    )
    n = await conn.scalar(select(func.coalesce(func.sum(_HELD), 0)).where(*where))
    await conn.execute(
        update(callback_outbox)
        .where(*where)
        .values(status=PENDING, attempts=0, next_ms=0, lease_ms=0, done_ms=0)
    )
    return int(n or 0)


async def counts(conn: AsyncConnection, app_id: int | None = None) -> dict[str, int]:
    """How many callbacks are in each status (one app's, or all; a packed row
    counts its ``items``)."""
    q = select(_co.status, func.sum(_HELD)).group_by(_co.status)
    if app_id is not None:
        q = q.where(_co.app_id == app_id)
    return {s: int(n) for s, n in (await conn.execute(q)).all()}


async def purge(conn: AsyncConnection, before_ms: int, *, batch: int = 500) -> int:
    """Delete delivered and dead rows finished (``done_ms``) before ``before_ms``,
    looking at no more than the oldest ``batch`` of them (by id): bounded work for
    one call of each status (the ``(status, id)`` index). How many rows were deleted."""
    gone = 0
    for status in (DELIVERED, DEAD):
        q = select(_co.id, _co.done_ms).where(_co.status == status).order_by(_co.id).limit(batch)
        old = [int(i) for i, done in await conn.execute(q) if int(done) < before_ms]
        if old:
            await conn.execute(delete(callback_outbox).where(_co.id.in_(old)))
        gone += len(old)
    return gone


async def unpack_touching(conn: AsyncConnection, *where: Any) -> int:
    """Unpack the pending packed rows that hold a callback of a message matching
    ``where`` (conditions on ``messages``), in the caller's transaction (before
    those messages change: ``callback_parts.freeze``); how many. Their plain rows
    keep a lease a worker may hold on the packed row."""
    from palaver.storage.schema import messages

    m = messages.c
    q = (
        select(callback_outbox)
        .join_from(
            callback_outbox,
            messages,
            (m.app_id == _co.app_id)
            & (m.conv_id == _co.order_key)
            & (m.id >= _co.msg_id)
            & (m.id <= _co.msg_last),
        )
        .where(_co.status == PENDING, _co["items"] > 0, *where)
    )
    found = {r.id: r for r in map(_row, (await conn.execute(q)).mappings())}
    n = 0
    for row in found.values():
        n += await packs.unpack(conn, row, {}, lease_ms=row.lease_ms)
    return n
