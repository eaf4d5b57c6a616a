"""Queries of issue 17's people features: friend groups (``friend_groups``),
global mutes (``global_mutes``), user status (``user_status``,
``status_subscriptions``) and push-to-everyone attributes and tags
(``push_attr_names``, ``user_push_attrs``, ``user_push_tags``).

Which friends are in a friend group is kept on the friend rows
(``friends.group_names``, :mod:`palaver.storage.sns`); ``friend_groups`` holds
the groups a user created, so an empty group exists too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import bindparam, delete, func, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.storage.dialect import insert_ignore, prebuilt_rows, upsert
from palaver.storage.schema import (
    friend_groups,
    global_mutes,
    status_subscriptions,
    user_push_attrs,
    user_push_tags,
    user_status,
)

CHUNK = 500

# --- friend groups ------------------------------------------------------------------


async def friend_group_names(conn: AsyncConnection, app_id: int, owner: str) -> list[str]:
    """The friend groups ``owner`` created, oldest first."""
    rows = await conn.execute(
        select(friend_groups.c.name)
        .where(friend_groups.c.app_id == app_id, friend_groups.c.owner == owner)
        .order_by(friend_groups.c.created_ms, friend_groups.c.name)
    )
    return [r[0] for r in rows]


async def add_friend_groups(
    conn: AsyncConnection, app_id: int, owner: str, names: Sequence[str], now_ms: int
) -> None:
    """Create friend groups of ``owner``, in ``names`` order from ``now_ms`` (an
    existing name is left as it is)."""
    if names:
        await conn.execute(
            insert_ignore(conn, friend_groups, ["app_id", "owner", "name"]),
            [
                {"app_id": app_id, "owner": owner, "name": n, "created_ms": now_ms + i}
                for i, n in enumerate(names)
            ],
        )


async def delete_friend_groups(
    conn: AsyncConnection, app_id: int, owner: str, names: Iterable[str]
) -> None:
    """Drop friend groups of ``owner`` (their friends stay friends)."""
    names = list(names)
    for i in range(0, len(names), CHUNK):
        await conn.execute(
            delete(friend_groups).where(
                friend_groups.c.app_id == app_id,
                friend_groups.c.owner == owner,
                friend_groups.c.name.in_(names[i : i + CHUNK]),
            )
        )


async def rename_friend_group(
    conn: AsyncConnection, app_id: int, owner: str, old: str, new: str
) -> None:
    """Rename one of ``owner``'s friend groups."""
    await conn.execute(
        update(friend_groups)
        .where(
            friend_groups.c.app_id == app_id,
            friend_groups.c.owner == owner,
            friend_groups.c.name == old,
        )
        .values(name=new)
    )


# --- global mutes ---------------------------------------------------------------------


async def global_mute(conn: AsyncConnection, app_id: int, user: str) -> tuple[int, int]:
    """``(c2c_until, group_until)`` of ``user`` (unix s; 0 none)."""
    row = (
        await conn.execute(
            select(global_mutes.c.c2c_until, global_mutes.c.group_until).where(
                global_mutes.c.app_id == app_id, global_mutes.c.user_id == user
            )
        )
    ).first()
    return (int(row[0]), int(row[1])) if row else (0, 0)


async def set_global_mute(
    conn: AsyncConnection, app_id: int, user: str, c2c_until: int, group_until: int
) -> None:
    """Store ``user``'s global mutes (a row of zeros is removed)."""
    if not c2c_until and not group_until:
        await conn.execute(
            delete(global_mutes).where(
                global_mutes.c.app_id == app_id, global_mutes.c.user_id == user
            )
        )
        return
    values = {"app_id": app_id, "user_id": user, "c2c_until": c2c_until, "group_until": group_until}
    await conn.execute(
        upsert(conn, global_mutes, ["app_id", "user_id"], ["c2c_until", "group_until"]), [values]
    )


async def muted_users(conn: AsyncConnection, app_id: int) -> dict[str, tuple[int, int]]:
    """Every user of the app with a global mute: ``{user: (c2c_until, group_until)}``."""
    rows = await conn.execute(
        select(global_mutes.c.user_id, global_mutes.c.c2c_until, global_mutes.c.group_until).where(
            global_mutes.c.app_id == app_id
        )
    )
    return {u: (int(c), int(g)) for u, c, g in rows}


# --- user status --------------------------------------------------------------------


async def custom_statuses(
    conn: AsyncConnection, app_id: int, users: Sequence[str]
) -> dict[str, str]:
    """The custom status (``setSelfStatus``) of those of ``users`` who set one."""
    out: dict[str, str] = {}
    users = list(dict.fromkeys(users))
    for i in range(0, len(users), CHUNK):
        rows = await conn.execute(
            select(user_status.c.user_id, user_status.c.custom_status).where(
                user_status.c.app_id == app_id, user_status.c.user_id.in_(users[i : i + CHUNK])
            )
        )
        out.update({u: s for u, s in rows if s})
    return out


async def set_custom_status(
    conn: AsyncConnection, app_id: int, user: str, status: str, now: int
) -> None:
    """Store ``user``'s custom status ("" clears it)."""
    values = {"app_id": app_id, "user_id": user, "custom_status": status, "updated_at": now}
    await conn.execute(
        upsert(conn, user_status, ["app_id", "user_id"], ["custom_status", "updated_at"]),
        [values],
    )


async def subscribe_status(
    conn: AsyncConnection, app_id: int, subscriber: str, targets: Sequence[str], now: int
) -> None:
    """``subscriber`` follows the status of ``targets`` (existing pairs stay)."""
    if targets:
        await conn.execute(
            insert_ignore(conn, status_subscriptions, ["app_id", "target", "subscriber"]),
            [
                {"app_id": app_id, "target": t, "subscriber": subscriber, "created_at": now}
                for t in targets
            ],
        )


async def unsubscribe_status(
    conn: AsyncConnection, app_id: int, subscriber: str, targets: Sequence[str] | None
) -> None:
    """``subscriber`` stops following ``targets`` (``None``: everyone)."""
    base = delete(status_subscriptions).where(
        status_subscriptions.c.app_id == app_id, status_subscriptions.c.subscriber == subscriber
    )
    if targets is None:
        await conn.execute(base)
        return
    for i in range(0, len(targets), CHUNK):
        await conn.execute(base.where(status_subscriptions.c.target.in_(targets[i : i + CHUNK])))


#: Who follows a user's status; parameters ``app_id``, ``target``. Built once
#: (every login and disconnect asks; building a select costs more than running it).
_SUBSCRIBERS = select(status_subscriptions.c.subscriber).where(
    status_subscriptions.c.app_id == bindparam("app_id"),
    status_subscriptions.c.target == bindparam("target"),
)


async def status_subscribers(conn: AsyncConnection, app_id: int, target: str) -> list[str]:
    """Who follows ``target``'s status."""
    rows = await conn.execute(_SUBSCRIBERS, {"app_id": app_id, "target": target})
    return [r[0] for r in rows]


def status_subscribers_sync(conn: Connection, app_id: int, target: str) -> list[str]:
    """:func:`status_subscribers` on a synchronous connection (``Database.run_read``:
    one thread hop on SQLite; every login and disconnect asks)."""
    params = {"app_id": app_id, "target": target}
    return [
        r[0] for r in prebuilt_rows(conn, "status_subscribers", 1, lambda _: _SUBSCRIBERS, params)
    ]


async def count_status_subscriptions(conn: AsyncConnection, app_id: int, subscriber: str) -> int:
    """How many users ``subscriber`` follows."""
    n = await conn.scalar(
        select(func.count()).where(
            status_subscriptions.c.app_id == app_id,
            status_subscriptions.c.subscriber == subscriber,
        )
    )
    return int(n or 0)


async def forget_user(conn: AsyncConnection, app_id: int, user: str) -> None:
    """Drop a deleted account's rows of these tables."""
    await conn.execute(
        delete(friend_groups).where(friend_groups.c.app_id == app_id, friend_groups.c.owner == user)
    )
    for table in (global_mutes, user_status, user_push_attrs, user_push_tags):
        await conn.execute(delete(table).where(table.c.app_id == app_id, table.c.user_id == user))
    s = status_subscriptions.c
    await conn.execute(
        delete(status_subscriptions).where(
            s.app_id == app_id, or_(s.target == user, s.subscriber == user)
        )
    )
