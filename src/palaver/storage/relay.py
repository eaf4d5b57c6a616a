"""Merged-forward message lists kept on the server (table ``relay_messages``,
Tencent's ``save_relay_json_msg``) and each user's app-wide do-not-disturb
(table ``user_do_not_disturb``, Tencent's ``setAllReceiveMessageOpt``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.storage.dialect import upsert
from palaver.storage.schema import relay_messages, user_do_not_disturb


async def save_relay(
    conn: AsyncConnection, app_id: int, key: str, owner: str, body: str, now: int
) -> None:
    """Keep one message list (``body``: its JSON) under ``key``."""
    await conn.execute(
        relay_messages.insert().values(
            app_id=app_id, relay_key=key, owner=owner, body=body, created_at=now
        )
    )


async def relay_body(conn: AsyncConnection, app_id: int, key: str) -> str | None:
    """The JSON list kept under ``key``; None if there is none."""
    r = relay_messages.c
    q = select(r.body).where(r.app_id == app_id, r.relay_key == key)
    return (await conn.execute(q)).scalar_one_or_none()


@dataclass(frozen=True, slots=True)
class DoNotDisturb:
    """A user's app-wide do-not-disturb; the default (off) when none was set."""

    level: int = 0  # 0 AcceptAndNotify (off), 1 Discard, 2 AcceptNotNotify
    start_time: int = 0  # unix s
    end_time: int = 0  # unix s
    repeated: bool = False  # every day, at the hours of start_time..end_time


async def save_dnd(conn: AsyncConnection, app_id: int, user_id: str, d: DoNotDisturb) -> None:
    """Set ``user_id``'s do-not-disturb."""
    cols = ["level", "start_time", "end_time", "repeated"]
    stmt = upsert(conn, user_do_not_disturb, ["app_id", "user_id"], cols)
    row = {
        "app_id": app_id,
        "user_id": user_id,
        "level": d.level,
        "start_time": d.start_time,
        "end_time": d.end_time,
        "repeated": d.repeated,
    }
    await conn.execute(stmt, [row])


async def dnd_of(
    conn: AsyncConnection, app_id: int, users: Sequence[str]
) -> dict[str, DoNotDisturb]:
    """The do-not-disturb of those of ``users`` who set one (level above 0)."""
    if not users:
        return {}
    t = user_do_not_disturb.c
    q = select(t.user_id, t.level, t.start_time, t.end_time, t.repeated).where(
        t.app_id == app_id, t.user_id.in_(list(users)), t.level > 0
    )
    return {
        u: DoNotDisturb(int(lv), int(s), int(e), bool(rep))
        for u, lv, s, e, rep in await conn.execute(q)
    }
