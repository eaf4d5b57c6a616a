"""Queries on ``dirty_words``: an app's sensitive words and their modes."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.storage.dialect import upsert
from palaver.storage.schema import dirty_words

_dw = dirty_words.c


async def list_words(conn: AsyncConnection, app_id: int) -> list[tuple[str, str]]:
    """The app's ``(word, mode)`` pairs, by word."""
    q = select(_dw.word, _dw.mode).where(_dw.app_id == app_id).order_by(_dw.word)
    return [(w, m) for w, m in (await conn.execute(q)).all()]


async def add_words(
    conn: AsyncConnection, app_id: int, words: Sequence[str], mode: str, now: int
) -> None:
    """Add words (a word already there takes ``mode``)."""
    if words:
        await conn.execute(
            upsert(conn, dirty_words, ["app_id", "word"], ["mode"]),
            [{"app_id": app_id, "word": w, "mode": mode, "created_at": now} for w in words],
        )


async def delete_words(conn: AsyncConnection, app_id: int, words: Sequence[str]) -> int:
    """Delete words; how many there were."""
    if not words:
        return 0
    res = await conn.execute(
        delete(dirty_words).where(_dw.app_id == app_id, _dw.word.in_(list(words)))
    )
    return int(res.rowcount or 0)
