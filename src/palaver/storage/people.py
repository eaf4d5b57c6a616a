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

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.storage.dialect import insert_ignore, upsert
from palaver.storage.schema import friend_groups, global_mutes

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
