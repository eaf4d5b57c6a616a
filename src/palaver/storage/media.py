"""Queries on the ``media`` table (uploaded images, files, voice and video)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.storage.schema import media


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
