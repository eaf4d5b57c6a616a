"""Queries on ``group_pins``: a group's pinned messages (Tencent's
``pinGroupMessage`` / ``getPinnedGroupMessageList``)."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.storage.dialect import insert_ignore
from palaver.storage.schema import group_pins

P = group_pins.c


async def pins(conn: AsyncConnection, app_id: int, group_id: str) -> list[tuple[int, str, int]]:
    """The group's pinned messages: ``(msg_seq, pinner, pinned_at ms)``, latest pin first."""
    q = (
        select(P.msg_seq, P.pinner, P.pinned_at)
        .where(P.app_id == app_id, P.group_id == group_id)
        .order_by(P.pinned_at.desc(), P.msg_seq.desc())
    )
    return [(int(s), str(u), int(t)) for s, u, t in await conn.execute(q)]


async def count(conn: AsyncConnection, app_id: int, group_id: str) -> int:
    """How many messages the group has pinned."""
    q = select(func.count()).where(P.app_id == app_id, P.group_id == group_id)
    return int(await conn.scalar(q) or 0)


async def pin(
    conn: AsyncConnection, app_id: int, group_id: str, seq: int, pinner: str, at_ms: int
) -> bool:
    """Pin message ``seq``; False if it was pinned already."""
    row = {"app_id": app_id, "group_id": group_id, "msg_seq": seq, "pinner": pinner}
    res = await conn.execute(
        insert_ignore(conn, group_pins, ["app_id", "group_id", "msg_seq"]),
        [{**row, "pinned_at": at_ms}],
    )
    return bool(res.rowcount)


async def unpin(conn: AsyncConnection, app_id: int, group_id: str, seq: int) -> bool:
    """Unpin message ``seq``; False if it was not pinned."""
    res = await conn.execute(
        delete(group_pins).where(P.app_id == app_id, P.group_id == group_id, P.msg_seq == seq)
    )
    return bool(res.rowcount)
