"""Queries of push to everyone (Tencent REST ``all_member_push``): the app's
attribute names (``push_attr_names``), users' attribute values
(``user_push_attrs``) and tags (``user_push_tags``), and the accounts a push
goes to."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.storage.dialect import insert_ignore, upsert
from palaver.storage.schema import accounts, push_attr_names, user_push_attrs, user_push_tags

CHUNK = 500


async def attr_names(conn: AsyncConnection, app_id: int) -> dict[int, str]:
    """The app's attribute names by slot (0..9)."""
    rows = await conn.execute(
        select(push_attr_names.c.slot, push_attr_names.c.name).where(
            push_attr_names.c.app_id == app_id
        )
    )
    return {int(slot): name for slot, name in rows}


async def set_attr_names(conn: AsyncConnection, app_id: int, names: Mapping[int, str]) -> None:
    """Name (or rename) attribute slots."""
    if names:
        await conn.execute(
            upsert(conn, push_attr_names, ["app_id", "slot"], ["name"]),
            [{"app_id": app_id, "slot": k, "name": v} for k, v in names.items()],
        )


async def user_attrs(
    conn: AsyncConnection, app_id: int, users: Sequence[str]
) -> dict[str, dict[str, str]]:
    """``{user: {name: value}}`` for those of ``users`` with attributes."""
    out: dict[str, dict[str, str]] = {}
    for i in range(0, len(users), CHUNK):
        rows = await conn.execute(
            select(user_push_attrs.c.user_id, user_push_attrs.c.name, user_push_attrs.c.value)
            .where(
                user_push_attrs.c.app_id == app_id,
                user_push_attrs.c.user_id.in_(users[i : i + CHUNK]),
            )
            .order_by(user_push_attrs.c.name)
        )
        for u, n, v in rows:
            out.setdefault(u, {})[n] = v
    return out


async def set_user_attrs(
    conn: AsyncConnection, app_id: int, user: str, attrs: Mapping[str, str]
) -> None:
    """Set some attributes of ``user``."""
    if attrs:
        await conn.execute(
            upsert(conn, user_push_attrs, ["app_id", "user_id", "name"], ["value"]),
            [{"app_id": app_id, "user_id": user, "name": n, "value": v} for n, v in attrs.items()],
        )


async def remove_user_attrs(
    conn: AsyncConnection, app_id: int, user: str, names: Sequence[str]
) -> None:
    """Remove some attributes of ``user``."""
    if names:
        await conn.execute(
            delete(user_push_attrs).where(
                user_push_attrs.c.app_id == app_id,
                user_push_attrs.c.user_id == user,
                user_push_attrs.c.name.in_(list(names)),
            )
        )


async def user_tags(
    conn: AsyncConnection, app_id: int, users: Sequence[str]
) -> dict[str, list[str]]:
    """``{user: [tag...]}`` (sorted) for those of ``users`` with tags."""
    out: dict[str, list[str]] = {}
    for i in range(0, len(users), CHUNK):
        rows = await conn.execute(
            select(user_push_tags.c.user_id, user_push_tags.c.tag)
            .where(
                user_push_tags.c.app_id == app_id,
                user_push_tags.c.user_id.in_(users[i : i + CHUNK]),
            )
            .order_by(user_push_tags.c.tag)
        )
        for u, t in rows:
            out.setdefault(u, []).append(t)
    return out


async def add_user_tags(conn: AsyncConnection, app_id: int, user: str, tags: Sequence[str]) -> None:
    """Give ``user`` some tags (ones it has stay)."""
    if tags:
        await conn.execute(
            insert_ignore(conn, user_push_tags, ["app_id", "user_id", "tag"]),
            [{"app_id": app_id, "user_id": user, "tag": t} for t in tags],
        )


async def remove_user_tags(
    conn: AsyncConnection, app_id: int, user: str, tags: Sequence[str] | None
) -> None:
    """Take tags (``None``: all) from ``user``."""
    stmt = delete(user_push_tags).where(
        user_push_tags.c.app_id == app_id, user_push_tags.c.user_id == user
    )
    if tags is not None:
        stmt = stmt.where(user_push_tags.c.tag.in_(list(tags)))
    await conn.execute(stmt)


async def account_page(conn: AsyncConnection, app_id: int, after: str, limit: int) -> list[str]:
    """Up to ``limit`` account IDs of the app after ``after`` (in ID order)."""
    rows = await conn.execute(
        select(accounts.c.user_id)
        .where(accounts.c.app_id == app_id, accounts.c.user_id > after)
        .order_by(accounts.c.user_id)
        .limit(limit)
    )
    return [r[0] for r in rows]
