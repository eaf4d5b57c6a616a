"""Queries of issue 17's message features that span tables: clearing a group's
history for every member (REST ``clear_group_msg``)."""

from __future__ import annotations

from sqlalchemy import case, update
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.storage.schema import group_members


async def clear_group_for_all(
    conn: AsyncConnection, app_id: int, group_id: str, up_to_seq: int
) -> int:
    """Hide a group's messages up to ``up_to_seq`` from every member's history
    (their ``cleared_seq`` only moves forward); the number of members."""
    gm = group_members.c
    res = await conn.execute(
        update(group_members)
        .where(gm.app_id == app_id, gm.group_id == group_id)
        .values(cleared_seq=case((gm.cleared_seq < up_to_seq, up_to_seq), else_=gm.cleared_seq))
    )
    return int(res.rowcount or 0)
