"""Figures about what a database holds (``palaver stats``): what Tencent's console shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.model.messages import GROUP_CONV_PREFIX
from palaver.storage.schema import accounts, apps, im_groups, messages

DAY = 86400


@dataclass
class AppFigures:
    """One app's figures; ``per_day`` maps a day (unix s of 00:00 UTC) to messages."""

    sdkappid: int
    accounts: int = 0
    groups: int = 0
    c2c_messages: int = 0
    group_messages: int = 0
    per_day: dict[int, int] = field(default_factory=dict)


async def app_figures(conn: AsyncConnection, since: int) -> list[AppFigures]:
    """Every app's accounts, groups, messages (C2C and group) and messages per
    UTC day from ``since`` (unix s) on."""
    out = {int(a): AppFigures(int(a)) for (a,) in await conn.execute(select(apps.c.sdkappid))}

    def of(app_id: int) -> AppFigures:
        return out.setdefault(int(app_id), AppFigures(int(app_id)))

    for app_id, n in await conn.execute(
        select(accounts.c.app_id, func.count()).group_by(accounts.c.app_id)
    ):
        of(app_id).accounts = int(n)
    for app_id, n in await conn.execute(
        select(im_groups.c.app_id, func.count()).group_by(im_groups.c.app_id)
    ):
        of(app_id).groups = int(n)
    m = messages.c
    is_group = m.conv_id.startswith(GROUP_CONV_PREFIX)
    for app_id, group, n in await conn.execute(
        select(m.app_id, is_group, func.count()).group_by(m.app_id, is_group)
    ):
        if group:
            of(app_id).group_messages = int(n)
        else:
            of(app_id).c2c_messages = int(n)
    day = m.msg_time // DAY
    for app_id, d, n in await conn.execute(
        select(m.app_id, day, func.count()).where(m.msg_time >= since).group_by(m.app_id, day)
    ):
        of(app_id).per_day[int(d) * DAY] = int(n)
    return sorted(out.values(), key=lambda f: f.sdkappid)


async def size_bytes(conn: AsyncConnection) -> int:
    """Bytes the database takes: the SQLite file with its WAL, or PostgreSQL's
    ``pg_database_size`` of the current database."""
    if conn.dialect.name == "postgresql":
        return int(await conn.scalar(text("SELECT pg_database_size(current_database())")) or 0)
    path = conn.engine.url.database
    if not path or path == ":memory:":
        return 0
    return sum(
        p.stat().st_size
        for p in (Path(path), Path(path + "-wal"), Path(path + "-shm"))
        if p.exists()
    )
