"""A user's per-conversation settings (do-not-disturb, draft, custom data,
marks) and conversation groups (tables ``conversation_settings``,
``conversation_groups``, ``conversation_group_items``).

Conversations are named as the SDK names them: ``C2C<userID>`` / ``GROUP<groupID>``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.storage.dialect import insert_ignore, upsert
from palaver.storage.schema import (
    conversation_group_items,
    conversation_groups,
    conversation_settings,
    group_members,
)

SETTINGS = ("remind", "draft", "draft_time", "custom_data", "marks")


@dataclass(frozen=True, slots=True)
class Settings:
    """One conversation's settings; the defaults when none were stored."""

    remind: int = 0  # 0 AcceptAndNotify, 1 Discard, 2 AcceptNotNotify (C2C)
    draft: str = ""
    draft_time: int = 0  # unix s
    custom_data: str = ""
    marks: int = 0  # bits: 1 star, 2 unread, 4 fold, 8 hide


async def settings(
    conn: AsyncConnection, app_id: int, owner: str, ids: Sequence[str] | None = None
) -> dict[str, Settings]:
    """``owner``'s stored settings by conversation ID (all, or those of ``ids``)."""
    cs = conversation_settings.c
    q = select(conversation_settings).where(cs.app_id == app_id, cs.owner == owner)
    if ids is not None:
        q = q.where(cs.conversation_id.in_(list(ids)))
    out = {}
    for r in (await conn.execute(q)).mappings():
        out[r["conversation_id"]] = Settings(*(r[k] for k in SETTINGS))
    return out


async def save(
    conn: AsyncConnection, app_id: int, owner: str, conversation_id: str, **values: Any
) -> None:
    """Set some of :data:`SETTINGS` of one conversation (the others kept)."""
    row = {"app_id": app_id, "owner": owner, "conversation_id": conversation_id, **values}
    stmt = upsert(conn, conversation_settings, ["app_id", "owner", "conversation_id"], list(values))
    await conn.execute(stmt, [row])


async def muted_by(conn: AsyncConnection, app_id: int, receiver: str, conversation_id: str) -> int:
    """``receiver``'s C2C ``remind`` for ``conversation_id`` (0: notify)."""
    cs = conversation_settings.c
    v = await conn.scalar(
        select(cs.remind).where(
            cs.app_id == app_id, cs.owner == receiver, cs.conversation_id == conversation_id
        )
    )
    return int(v or 0)


async def group_flags(conn: AsyncConnection, app_id: int, user: str) -> dict[str, str]:
    """``user``'s ``MsgFlag`` in each of their groups."""
    gm = group_members.c
    q = select(gm.group_id, gm.msg_flag).where(gm.app_id == app_id, gm.user_id == user)
    return {str(g): str(f) for g, f in await conn.execute(q)}


# ------------------------------------------------------- conversation groups


async def groups(conn: AsyncConnection, app_id: int, owner: str) -> dict[int, str]:
    """``owner``'s conversation groups, ``{group_id: name}`` in creation order."""
    g = conversation_groups.c
    q = select(g.group_id, g.name).where(g.app_id == app_id, g.owner == owner)
    return {int(i): n for i, n in await conn.execute(q.order_by(g.group_id))}


async def memberships(conn: AsyncConnection, app_id: int, owner: str) -> dict[str, list[int]]:
    """The groups each of ``owner``'s conversations is in, by conversation ID."""
    i = conversation_group_items.c
    q = select(i.conversation_id, i.group_id).where(i.app_id == app_id, i.owner == owner)
    out: dict[str, list[int]] = {}
    for cid, gid in await conn.execute(q.order_by(i.group_id)):
        out.setdefault(cid, []).append(int(gid))
    return out


async def create_group(conn: AsyncConnection, app_id: int, owner: str, name: str, now: int) -> int:
    """A new group named ``name``; its id."""
    g = conversation_groups.c
    top = await conn.scalar(
        select(func.max(g.group_id)).where(g.app_id == app_id, g.owner == owner)
    )
    gid = int(top or 0) + 1
    await conn.execute(
        conversation_groups.insert().values(
            app_id=app_id, owner=owner, group_id=gid, name=name, created_at=now
        )
    )
    return gid


async def rename_group(
    conn: AsyncConnection, app_id: int, owner: str, group_id: int, name: str
) -> None:
    """Rename group ``group_id``."""
    g = conversation_groups.c
    await conn.execute(
        update(conversation_groups)
        .where(g.app_id == app_id, g.owner == owner, g.group_id == group_id)
        .values(name=name)
    )


async def delete_group(conn: AsyncConnection, app_id: int, owner: str, group_id: int) -> None:
    """Delete group ``group_id`` (its conversations stay, out of it)."""
    i = conversation_group_items.c
    await conn.execute(
        delete(conversation_group_items).where(
            i.app_id == app_id, i.owner == owner, i.group_id == group_id
        )
    )
    g = conversation_groups.c
    await conn.execute(
        delete(conversation_groups).where(
            g.app_id == app_id, g.owner == owner, g.group_id == group_id
        )
    )


async def add_items(
    conn: AsyncConnection, app_id: int, owner: str, group_id: int, ids: Sequence[str]
) -> None:
    """Put conversations ``ids`` in group ``group_id`` (those in it stay)."""
    if not ids:
        return
    rows = [
        {"app_id": app_id, "owner": owner, "group_id": group_id, "conversation_id": c} for c in ids
    ]
    stmt = insert_ignore(
        conn, conversation_group_items, ["app_id", "owner", "group_id", "conversation_id"]
    )
    await conn.execute(stmt, rows)


async def remove_items(
    conn: AsyncConnection, app_id: int, owner: str, group_id: int, ids: Sequence[str]
) -> None:
    """Take conversations ``ids`` out of group ``group_id``."""
    i = conversation_group_items.c
    await conn.execute(
        delete(conversation_group_items).where(
            i.app_id == app_id,
            i.owner == owner,
            i.group_id == group_id,
            i.conversation_id.in_(list(ids)),
        )
    )
