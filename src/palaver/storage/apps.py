"""Queries on the ``apps`` table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.storage.schema import apps


async def insert_app(conn: AsyncConnection, **values: Any) -> None:
    """Insert one app row (columns of :data:`palaver.storage.schema.apps`)."""
    await conn.execute(apps.insert().values(**values))


async def get_app(conn: AsyncConnection, sdkappid: int) -> RowMapping | None:
    """The app row for ``sdkappid``, or ``None``."""
    row = await conn.execute(select(apps).where(apps.c.sdkappid == sdkappid))
    return row.mappings().first()


async def list_apps(conn: AsyncConnection) -> Sequence[RowMapping]:
    """All app rows, by SDKAppID."""
    rows = await conn.execute(select(apps).order_by(apps.c.sdkappid))
    return rows.mappings().all()


async def update_app(conn: AsyncConnection, sdkappid: int, **values: Any) -> None:
    """Update columns of one app."""
    await conn.execute(apps.update().where(apps.c.sdkappid == sdkappid).values(**values))


async def set_session_key_once(conn: AsyncConnection, sdkappid: int, key: str) -> None:
    """Give the app ``key`` as its ``session_key`` unless it has one (two nodes
    racing keep the first)."""
    await conn.execute(
        apps.update()
        .where(apps.c.sdkappid == sdkappid, apps.c.session_key.is_(None))
        .values(session_key=key)
    )
