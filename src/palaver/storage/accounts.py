"""Queries on ``accounts`` (and the rows that die with an account)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, delete, func, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.storage import people
from palaver.storage.dialect import insert_ignore, prebuilt_rows, upsert
from palaver.storage.schema import (
    accounts,
    blacklist,
    deleted_accounts,
    friend_requests,
    friends,
    profiles,
)


async def import_accounts(
    conn: AsyncConnection, app_id: int, user_ids: Iterable[str], *, now: int, type_: int = 0
) -> None:
    """Create accounts that do not exist yet (re-importing is a no-op). A UserID
    deleted before starts with its deletion time as its kick time (its old
    UserSigs stay void)."""
    ids = list(user_ids)
    if not ids:
        return
    d = deleted_accounts.c
    gone = dict(
        (
            await conn.execute(
                select(d.user_id, d.deleted_at).where(d.app_id == app_id, d.user_id.in_(ids))
            )
        ).all()
    )
    rows = [
        {
            "app_id": app_id,
            "user_id": u,
            "type": type_,
            "created_at": now,
            "kicked_at": int(gone.get(u, 0)),
        }
        for u in ids
    ]
    await conn.execute(insert_ignore(conn, accounts, ["app_id", "user_id"]), rows)
    if gone:
        await conn.execute(
            delete(deleted_accounts).where(d.app_id == app_id, d.user_id.in_(list(gone)))
        )


async def mark_deleted(conn: AsyncConnection, app_id: int, user_id: str, when: int) -> None:
    """Remember that ``user_id`` was deleted at ``when`` (unix s)."""
    await conn.execute(
        upsert(conn, deleted_accounts, ["app_id", "user_id"], ["deleted_at"]),
        [{"app_id": app_id, "user_id": user_id, "deleted_at": when}],
    )


async def existing(conn: AsyncConnection, app_id: int, user_ids: Iterable[str]) -> set[str]:
    """The subset of ``user_ids`` that are imported accounts."""
    ids = list(set(user_ids))
    found: set[str] = set()
    for i in range(0, len(ids), 500):
        rows = await conn.execute(
            select(accounts.c.user_id).where(
                accounts.c.app_id == app_id, accounts.c.user_id.in_(ids[i : i + 500])
            )
        )
        found.update(r[0] for r in rows)
    return found


async def count(conn: AsyncConnection, app_id: int) -> int:
    """Number of accounts of an app."""
    n = await conn.scalar(select(func.count()).where(accounts.c.app_id == app_id))
    return int(n or 0)


#: A user's kick time; parameters ``app_id``, ``user_id``. Built once (building
#: a select costs more CPU than running it on SQLite).
_KICKED_AT = select(accounts.c.kicked_at).where(
    accounts.c.app_id == bindparam("app_id"), accounts.c.user_id == bindparam("user_id")
)


def kicked_at_sync(conn: Connection, app_id: int, user_id: str) -> int | None:
    """The user's last kick time (unix s, 0 if never), or ``None`` if not imported;
    on a synchronous connection (``Database.read_now``: no thread hop on SQLite;
    every login of a user the node has not cached yet asks, after a restart all)."""
    params = {"app_id": app_id, "user_id": user_id}
    rows = prebuilt_rows(conn, "kicked_at", 1, lambda _: _KICKED_AT, params)
    v = rows[0][0] if rows else None
    return None if v is None else int(v)


async def set_kicked_at(conn: AsyncConnection, app_id: int, user_id: str, when: int) -> bool:
    """Record a kick; False if the account does not exist."""
    res = await conn.execute(
        update(accounts)
        .where(accounts.c.app_id == app_id, accounts.c.user_id == user_id)
        .values(kicked_at=when)
    )
    return bool(res.rowcount)


async def delete_account(conn: AsyncConnection, app_id: int, user_id: str) -> bool:
    """Delete an account with its profile, friends, requests and blacklist rows
    (and its friend groups, mutes, status, status subscriptions, push attributes and tags).

    Messages stay: they belong to the peers' history too. Returns False if the
    account did not exist.
    """
    res = await conn.execute(
        delete(accounts).where(accounts.c.app_id == app_id, accounts.c.user_id == user_id)
    )
    if not res.rowcount:
        return False
    await conn.execute(
        delete(profiles).where(profiles.c.app_id == app_id, profiles.c.user_id == user_id)
    )
    for table, a, b in (
        (friends, friends.c.owner, friends.c.peer),
        (blacklist, blacklist.c.owner, blacklist.c.peer),
        (friend_requests, friend_requests.c.from_user, friend_requests.c.to_user),
    ):
        await conn.execute(
            delete(table).where(table.c.app_id == app_id, or_(a == user_id, b == user_id))
        )
    await people.forget_user(conn, app_id, user_id)
    return True
