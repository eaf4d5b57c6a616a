"""Queries on ``group_topics``: the topics of Community groups (see
:mod:`palaver.storage.schema`). Times are unix seconds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.model.events import TopicProfile
from palaver.storage.schema import group_topics
from palaver.storage.topic_messages import delete_topic_messages

T = group_topics.c


#: A topic as stored (the same record the notices carry).
TopicRow = TopicProfile


def _row(r: Any) -> TopicRow:
    return TopicRow(
        topic_id=r["topic_id"],
        group_id=r["group_id"],
        name=r["name"],
        face_url=r["face_url"],
        introduction=r["introduction"],
        notification=r["notification"],
        custom_data=r["custom_data"],
        mute_all=bool(r["mute_all"]),
        created_at=int(r["created_at"]),
    )


async def insert_topic(conn: AsyncConnection, app_id: int, topic: TopicRow) -> None:
    """Insert a topic (the caller checked its id is free)."""
    await conn.execute(
        group_topics.insert().values(
            app_id=app_id,
            topic_id=topic.topic_id,
            group_id=topic.group_id,
            name=topic.name,
            face_url=topic.face_url,
            introduction=topic.introduction,
            notification=topic.notification,
            custom_data=topic.custom_data,
            mute_all=topic.mute_all,
            created_at=topic.created_at,
        )
    )


async def topics(
    conn: AsyncConnection, app_id: int, group_id: str, topic_ids: Sequence[str] | None = None
) -> list[TopicRow]:
    """The group's topics (``topic_ids`` only, when given), oldest first."""
    cond = [T.app_id == app_id, T.group_id == group_id]
    if topic_ids is not None:
        cond.append(T.topic_id.in_(list(topic_ids)))
    q = select(group_topics).where(*cond).order_by(T.created_at, T.topic_id)
    return [_row(r) for r in (await conn.execute(q)).mappings()]


async def topic_exists(conn: AsyncConnection, app_id: int, topic_id: str) -> bool:
    """Whether a topic has this id (in any group)."""
    q = select(T.topic_id).where(T.app_id == app_id, T.topic_id == topic_id)
    return (await conn.scalar(q)) is not None


async def update_topic(conn: AsyncConnection, app_id: int, topic_id: str, **values: Any) -> bool:
    """Change columns of a topic (``group_topics`` column names); False if there is none."""
    res = await conn.execute(
        update(group_topics).where(T.app_id == app_id, T.topic_id == topic_id).values(**values)
    )
    return bool(res.rowcount)


async def delete_topics(
    conn: AsyncConnection, app_id: int, group_id: str, topic_ids: Sequence[str] | None = None
) -> None:
    """Delete the group's topics ``topic_ids`` (every one when ``None``) with their
    messages, heads and read positions."""
    if topic_ids is None:
        topic_ids = [t.topic_id for t in await topics(conn, app_id, group_id)]
    cond = [T.app_id == app_id, T.group_id == group_id, T.topic_id.in_(list(topic_ids))]
    await conn.execute(delete(group_topics).where(*cond))
    await delete_topic_messages(conn, app_id, topic_ids)
