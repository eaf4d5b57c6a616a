"""Queries on ``group_bans``, ``group_attributes`` and ``group_counters``: what a
group holds besides its profile and members (see :mod:`palaver.storage.schema`).
Times are unix seconds.

Each group's attributes and counters have a sequence, advanced by every change
(Tencent's ``AttrMainSeq`` and ``groupCounterSeq``); it is kept in a row of the
same table under the empty key :data:`SEQ_KEY`, which no attribute or counter
can have.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.storage.dialect import insert_ignore, insert_on_conflict, upsert
from palaver.storage.schema import group_attributes, group_bans, group_counters, group_pins

B = group_bans.c
A = group_attributes.c
C = group_counters.c

#: The key of the row holding a group's attribute (or counter) sequence.
SEQ_KEY = ""


# -- bans ----------------------------------------------------------------------------


async def put_bans(
    conn: AsyncConnection,
    app_id: int,
    group_id: str,
    users: Sequence[str],
    until: int,
    description: str,
) -> None:
    """Ban ``users`` until ``until`` (a ban already there is replaced)."""
    if users:
        await conn.execute(
            upsert(conn, group_bans, ["app_id", "group_id", "user_id"], ["until", "description"]),
            [
                {
                    "app_id": app_id,
                    "group_id": group_id,
                    "user_id": u,
                    "until": until,
                    "description": description,
                }
                for u in users
            ],
        )


async def drop_bans(
    conn: AsyncConnection, app_id: int, group_id: str, users: Sequence[str]
) -> None:
    """Lift the bans of ``users`` (none there is fine)."""
    if users:
        await conn.execute(
            delete(group_bans).where(
                B.app_id == app_id, B.group_id == group_id, B.user_id.in_(list(users))
            )
        )


async def banned(
    conn: AsyncConnection, app_id: int, group_id: str, users: Sequence[str], now: int
) -> set[str]:
    """Those of ``users`` banned at ``now``."""
    if not users:
        return set()
    q = select(B.user_id).where(
        B.app_id == app_id, B.group_id == group_id, B.user_id.in_(list(users)), B.until > now
    )
    return {r[0] for r in await conn.execute(q)}


async def list_bans(
    conn: AsyncConnection, app_id: int, group_id: str, now: int, *, offset: int, limit: int
) -> tuple[list[tuple[str, int]], int]:
    """A page of ``(user, until)`` banned at ``now``, by user id, and how many there are."""
    cond = (B.app_id == app_id, B.group_id == group_id, B.until > now)
    total = int(await conn.scalar(select(func.count()).where(*cond)) or 0)
    q = select(B.user_id, B.until).where(*cond).order_by(B.user_id).offset(offset).limit(limit)
    return [(r[0], int(r[1])) for r in await conn.execute(q)], total


# -- attributes ----------------------------------------------------------------------


async def attributes(
    conn: AsyncConnection, app_id: int, group_id: str
) -> tuple[int, dict[str, str]]:
    """The group's attribute sequence (0 before any change) and attributes
    ``{key: value}``, by key."""
    q = select(A.key, A.value).where(A.app_id == app_id, A.group_id == group_id).order_by(A.key)
    rows = {r[0]: r[1] for r in await conn.execute(q)}
    seq = int(rows.pop(SEQ_KEY, "0") or 0)
    return seq, rows


async def advance_attributes(conn: AsyncConnection, app_id: int, group_id: str, seen: int) -> bool:
    """Move the attribute sequence from ``seen`` to ``seen + 1``, atomically; False
    if it is not ``seen`` any more (another change came first)."""
    key = {"app_id": app_id, "group_id": group_id, "key": SEQ_KEY}
    if seen == 0:
        stmt = insert_ignore(conn, group_attributes, ["app_id", "group_id", "key"])
        return bool((await conn.execute(stmt, [{**key, "value": "1"}])).rowcount)
    res = await conn.execute(
        update(group_attributes)
        .where(A.app_id == app_id, A.group_id == group_id, A.key == SEQ_KEY, A.value == str(seen))
        .values(value=str(seen + 1))
    )
    return bool(res.rowcount)


async def put_attributes(
    conn: AsyncConnection, app_id: int, group_id: str, values: Mapping[str, str]
) -> None:
    """Set attributes (existing keys get the new value)."""
    if values:
        await conn.execute(
            upsert(conn, group_attributes, ["app_id", "group_id", "key"], ["value"]),
            [
                {"app_id": app_id, "group_id": group_id, "key": k, "value": v}
                for k, v in values.items()
            ],
        )


async def drop_attributes(
    conn: AsyncConnection, app_id: int, group_id: str, keys: Sequence[str] | None
) -> None:
    """Delete the attributes ``keys`` (every attribute when ``None``)."""
    cond = [A.app_id == app_id, A.group_id == group_id, A.key != SEQ_KEY]
    if keys is not None:
        cond.append(A.key.in_(list(keys)))
    await conn.execute(delete(group_attributes).where(*cond))


# -- counters ------------------------------------------------------------------------


async def counters(
    conn: AsyncConnection, app_id: int, group_id: str, keys: Sequence[str] | None = None
) -> tuple[int, dict[str, int]]:
    """The group's counter sequence (0 before any change) and counters ``{key:
    value}`` (``keys`` only, when given), by key."""
    cond = [C.app_id == app_id, C.group_id == group_id]
    if keys is not None:
        cond.append(C.key.in_([*keys, SEQ_KEY]))
    q = select(C.key, C.value).where(*cond).order_by(C.key)
    rows = {r[0]: int(r[1]) for r in await conn.execute(q)}
    return rows.pop(SEQ_KEY, 0), rows


async def put_counters(
    conn: AsyncConnection, app_id: int, group_id: str, values: Mapping[str, int]
) -> None:
    """Set counters (existing keys get the new value)."""
    if values:
        await conn.execute(
            upsert(conn, group_counters, ["app_id", "group_id", "key"], ["value"]),
            [
                {"app_id": app_id, "group_id": group_id, "key": k, "value": v}
                for k, v in values.items()
            ],
        )


async def add_counter(
    conn: AsyncConnection, app_id: int, group_id: str, key: str, delta: int
) -> int:
    """Add ``delta`` to a counter (a missing one starts at 0), atomically; its new value."""
    stmt = insert_on_conflict(conn, group_counters).values(
        app_id=app_id, group_id=group_id, key=key, value=delta
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["app_id", "group_id", "key"],
        set_={"value": group_counters.c.value + stmt.excluded.value},
    ).returning(group_counters.c.value)
    return int((await conn.execute(stmt)).scalar_one())


# -- a group goes -------------------------------------------------------------------


async def delete_all(conn: AsyncConnection, app_id: int, group_id: str) -> None:
    """Forget a dismissed group's bans, attributes, counters and pinned messages."""
    for table in (group_bans, group_attributes, group_counters, group_pins):
        await conn.execute(
            delete(table).where(table.c.app_id == app_id, table.c.group_id == group_id)
        )
