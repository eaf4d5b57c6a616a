"""Queries on the ``media`` table (uploaded images, files, voice and video)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.model.messages import MessageFlag
from palaver.storage.schema import media, messages


async def insert_media(conn: AsyncConnection, **values: Any) -> None:
    """Insert one media row (columns of :data:`palaver.storage.schema.media`)."""
    await conn.execute(media.insert().values(**values))


async def get_media(conn: AsyncConnection, app_id: int, media_id: str) -> RowMapping | None:
    """The media row ``media_id`` of app ``app_id``, or ``None``."""
    row = await conn.execute(
        select(media).where(media.c.app_id == app_id, media.c.media_id == media_id)
    )
    return row.mappings().first()


async def app_usage(conn: AsyncConnection, app_id: int) -> int:
    """Bytes of media uploaded to app ``app_id`` (each upload counted, variants not)."""
    total = await conn.scalar(
        select(func.coalesce(func.sum(media.c.size), 0)).where(media.c.app_id == app_id)
    )
    return int(total or 0)


async def bodies_with_media(
    conn: AsyncConnection, app_id: int, after_id: int, limit: int
) -> list[tuple[int, str]]:
    """``(id, body)`` of the app's messages after ``after_id`` (by id) whose body
    names a Palaver media URL (``/media/``) and that are not recalled."""
    q = (
        select(messages.c.id, messages.c.body)
        .where(
            messages.c.app_id == app_id,
            messages.c.id > after_id,
            messages.c.body.contains("/media/"),
            messages.c.flags.op("&")(int(MessageFlag.RECALLED)) == 0,
        )
        .order_by(messages.c.id)
        .limit(limit)
    )
    return [(int(r[0]), str(r[1])) for r in await conn.execute(q)]


async def older_than(conn: AsyncConnection, app_id: int, before: int) -> list[RowMapping]:
    """The app's media rows created before ``before`` (unix s)."""
    q = select(media).where(media.c.app_id == app_id, media.c.created_at < before)
    return list((await conn.execute(q)).mappings().all())


async def delete_media(conn: AsyncConnection, app_id: int, media_ids: list[str]) -> int:
    """Delete these media rows; the count."""
    if not media_ids:
        return 0
    res = await conn.execute(
        delete(media).where(media.c.app_id == app_id, media.c.media_id.in_(media_ids))
    )
    return int(res.rowcount or 0)


async def blob_in_use(conn: AsyncConnection, blob: str) -> bool:
    """Whether any media row (of any app) keeps ``blob``, as its bytes or a resized copy."""
    q = (
        select(media.c.media_id)
        .where(or_(media.c.blob == blob, media.c.variants.contains(blob)))
        .limit(1)
    )
    return (await conn.execute(q)).first() is not None
