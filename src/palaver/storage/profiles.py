"""Queries on ``profiles``: one row per (user, tag), the value JSON-encoded."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import orjson
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.storage.dialect import upsert
from palaver.storage.schema import profiles


async def set_tags(
    conn: AsyncConnection, app_id: int, user_id: str, tags: Mapping[str, Any]
) -> None:
    """Set profile tags (``{"Tag_Profile_IM_Nick": "Alice", ...}``) of one user."""
    rows = [
        {"app_id": app_id, "user_id": user_id, "tag": t, "value": orjson.dumps(v).decode()}
        for t, v in tags.items()
    ]
    if rows:
        await conn.execute(upsert(conn, profiles, ["app_id", "user_id", "tag"], ["value"]), rows)


async def get_tags(
    conn: AsyncConnection, app_id: int, user_ids: Iterable[str], tags: Iterable[str] | None = None
) -> dict[str, dict[str, Any]]:
    """``{user_id: {tag: value}}`` for the given users (and tags, if given)."""
    ids = list(set(user_ids))
    out: dict[str, dict[str, Any]] = {u: {} for u in ids}
    tag_list = list(tags) if tags is not None else None
    for i in range(0, len(ids), 500):
        q = select(profiles.c.user_id, profiles.c.tag, profiles.c.value).where(
            profiles.c.app_id == app_id, profiles.c.user_id.in_(ids[i : i + 500])
        )
        if tag_list is not None:
            q = q.where(profiles.c.tag.in_(tag_list))
        for user_id, tag, value in await conn.execute(q):
            out[user_id][tag] = orjson.loads(value)
    return out


async def delete_tags(
    conn: AsyncConnection, app_id: int, user_id: str, tags: Iterable[str]
) -> None:
    """Remove tags of one user."""
    await conn.execute(
        delete(profiles).where(
            profiles.c.app_id == app_id,
            profiles.c.user_id == user_id,
            profiles.c.tag.in_(list(tags)),
        )
    )
