"""Queries on the messages of Community topics and members' read positions in them.

A topic's messages are group messages of conversation ``group:<topic id>`` (the
writer gives them the topic's own ``MsgSeq``; its head is a ``conv_heads`` row);
a member's read position in a topic is a ``topic_reads`` row (none: nothing read).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.model.messages import group_conv_id
from palaver.storage import callback_parts
from palaver.storage import search as search_store
from palaver.storage.schema import conv_heads, group_members, messages, topic_reads

R = topic_reads.c
GM = group_members.c
H = conv_heads.c
M = messages.c


async def heads(
    conn: AsyncConnection, app_id: int, topic_ids: Sequence[str]
) -> dict[str, tuple[int, int]]:
    """(newest MsgSeq, its time) per topic; topics without messages are left out."""
    convs = {group_conv_id(t): t for t in topic_ids}
    if not convs:
        return {}
    q = select(H.conv_id, H.last_seq, H.last_time).where(
        H.app_id == app_id, H.conv_id.in_(list(convs))
    )
    return {convs[c]: (int(s), int(t)) for c, s, t in await conn.execute(q)}


async def read_positions(
    conn: AsyncConnection, app_id: int, user_id: str, topic_ids: Sequence[str]
) -> dict[str, int]:
    """``user_id``'s read ``MsgSeq`` per topic (topics never read are left out)."""
    if not topic_ids:
        return {}
    q = select(R.topic_id, R.read_seq).where(
        R.app_id == app_id, R.user_id == user_id, R.topic_id.in_(list(topic_ids))
    )
    return {t: int(s) for t, s in await conn.execute(q)}


async def advance_read(
    conn: AsyncConnection, app_id: int, topic_id: str, user_id: str, seq: int
) -> int | None:
    """Move ``user_id``'s read position in the topic forward to ``seq``: the old
    position, or ``None`` if it did not move."""
    old = (await read_positions(conn, app_id, user_id, [topic_id])).get(topic_id)
    if old is None:
        await conn.execute(
            topic_reads.insert().values(
                app_id=app_id, topic_id=topic_id, user_id=user_id, read_seq=seq
            )
        )
        return 0
    if old >= seq:
        return None
    await conn.execute(
        update(topic_reads)
        .where(R.app_id == app_id, R.topic_id == topic_id, R.user_id == user_id)
        .values(read_seq=seq)
    )
    return old


async def delete_topic_messages(
    conn: AsyncConnection, app_id: int, topic_ids: Sequence[str]
) -> int:
    """Delete the topics' messages, heads and read positions (the topics are
    gone); the number of messages deleted."""
    if not topic_ids:
        return 0
    convs = [group_conv_id(t) for t in topic_ids]
    where = (M.app_id == app_id, M.conv_id.in_(convs))
    await callback_parts.freeze(conn, *where)
    await search_store.unindex_where(conn, *where)
    res = await conn.execute(delete(messages).where(*where))
    await conn.execute(delete(conv_heads).where(H.app_id == app_id, H.conv_id.in_(convs)))
    await conn.execute(
        delete(topic_reads).where(R.app_id == app_id, R.topic_id.in_(list(topic_ids)))
    )
    return int(res.rowcount or 0)


def _members_reads(app_id: int, group_id: str, topic_id: str, exclude: str) -> tuple[Any, Any]:
    """(the group's members but ``exclude`` joined with their read position in the
    topic (0 without one), the position column)."""
    joined = group_members.outerjoin(
        topic_reads,
        and_(R.app_id == GM.app_id, R.topic_id == topic_id, R.user_id == GM.user_id),
    )
    pos = func.coalesce(R.read_seq, 0)
    cond = and_(GM.app_id == app_id, GM.group_id == group_id, GM.user_id != exclude)
    return select(GM.user_id).select_from(joined).where(cond), pos


async def read_counts(
    conn: AsyncConnection, app_id: int, group_id: str, topic_id: str, seq: int, exclude: str
) -> tuple[int, int]:
    """(members of the topic's group who read ``seq`` in it, who did not),
    ``exclude`` (the sender) left out."""
    q, pos = _members_reads(app_id, group_id, topic_id, exclude)
    q = q.with_only_columns(func.count().filter(pos >= seq), func.count().filter(pos < seq))
    row = (await conn.execute(q)).one()
    return int(row[0] or 0), int(row[1] or 0)


async def readers(
    conn: AsyncConnection,
    app_id: int,
    group_id: str,
    topic_id: str,
    seq: int,
    exclude: str,
    *,
    read: bool,
    offset: int,
    limit: int,
) -> list[str]:
    """Members of the topic's group whose read position in it is (``read``) or is
    not past ``seq``, ``exclude`` left out, by user ID."""
    q, pos = _members_reads(app_id, group_id, topic_id, exclude)
    q = q.where(pos >= seq if read else pos < seq).order_by(GM.user_id)
    return [r[0] for r in await conn.execute(q.offset(offset).limit(limit))]
