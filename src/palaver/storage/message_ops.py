"""Queries of issue 17's message features: clearing a group's history for every
member (REST ``clear_group_msg``) and message reactions (``message_reactions``)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import case, delete, distinct, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.storage.dialect import insert_ignore
from palaver.storage.schema import group_members, message_reactions


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


async def add_reaction(
    conn: AsyncConnection, app_id: int, message_id: int, reaction: str, user: str, seq: int
) -> bool:
    """``user`` reacts with ``reaction``; False if they had already."""
    res = await conn.execute(
        insert_ignore(conn, message_reactions, ["app_id", "message_id", "reaction", "user_id"]),
        [
            {
                "app_id": app_id,
                "message_id": message_id,
                "reaction": reaction,
                "user_id": user,
                "seq": seq,
            }
        ],
    )
    return bool(res.rowcount)


async def remove_reaction(
    conn: AsyncConnection, app_id: int, message_id: int, reaction: str, user: str
) -> bool:
    """``user`` takes back ``reaction``; False if they had none."""
    r = message_reactions.c
    res = await conn.execute(
        delete(message_reactions).where(
            r.app_id == app_id,
            r.message_id == message_id,
            r.reaction == reaction,
            r.user_id == user,
        )
    )
    return bool(res.rowcount)


async def reaction_kinds(conn: AsyncConnection, app_id: int, message_id: int) -> int:
    """How many different reactions a message has."""
    r = message_reactions.c
    q = select(func.count(distinct(r.reaction))).where(
        r.app_id == app_id, r.message_id == message_id
    )
    return int(await conn.scalar(q) or 0)


async def reactions(
    conn: AsyncConnection, app_id: int, message_ids: Sequence[int]
) -> dict[int, dict[str, list[str]]]:
    """Each message's reactions: ``{message_id: {reaction: [user, ...]}}``, users
    in the order they reacted, reactions in the order they first appeared."""
    r = message_reactions.c
    out: dict[int, dict[str, list[str]]] = {i: {} for i in message_ids}
    if not message_ids:
        return out
    q = (
        select(r.message_id, r.reaction, r.user_id)
        .where(r.app_id == app_id, r.message_id.in_(list(message_ids)))
        .order_by(r.message_id, r.seq)
    )
    for mid, reaction, user in await conn.execute(q):
        out[int(mid)].setdefault(reaction, []).append(user)
    return out


async def reaction_users(
    conn: AsyncConnection, app_id: int, message_id: int, reaction: str, after: int, limit: int
) -> tuple[list[str], int]:
    """Up to ``limit`` users of one reaction who reacted after position ``after``;
    and the position to go on from (0: no more)."""
    r = message_reactions.c
    q = (
        select(r.user_id, r.seq)
        .where(
            r.app_id == app_id, r.message_id == message_id, r.reaction == reaction, r.seq > after
        )
        .order_by(r.seq)
        .limit(limit + 1)
    )
    rows = list(await conn.execute(q))
    more = len(rows) > limit
    rows = rows[:limit]
    return [u for u, _ in rows], (int(rows[-1][1]) if more and rows else 0)
