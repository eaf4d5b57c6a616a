"""Queries on ``message_extensions`` and ``message_extension_heads``: a message's
key-value extensions (Tencent's ``setMessageExtensions``,
``openim_msg_ext_http_svc``). Every write bumps the message's extension
sequence (``global_seq``); a key remembers the sequence of its last write
(``seq``), which a later write must name to overwrite it."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.storage.dialect import upsert
from palaver.storage.schema import message_extension_heads, message_extensions, messages

E = message_extensions.c
H = message_extension_heads.c


async def lock(conn: AsyncConnection, app_id: int, message_id: int) -> None:
    """Hold the message's row until the transaction ends (PostgreSQL ``FOR UPDATE``;
    SQLite's writes are serialised already), so concurrent extension writes to one
    message check their sequences one after the other."""
    m = messages.c
    await conn.execute(select(m.id).where(m.app_id == app_id, m.id == message_id).with_for_update())


async def head(conn: AsyncConnection, app_id: int, message_id: int) -> tuple[int, int]:
    """The message's ``(global_seq, clear_seq)``; ``(0, 0)`` before any write."""
    q = select(H.global_seq, H.clear_seq).where(H.app_id == app_id, H.message_id == message_id)
    row = (await conn.execute(q)).first()
    return (int(row[0]), int(row[1])) if row else (0, 0)


async def set_head(
    conn: AsyncConnection, app_id: int, message_id: int, global_seq: int, clear_seq: int
) -> None:
    """Store the message's extension sequence and clear sequence."""
    await conn.execute(
        upsert(
            conn, message_extension_heads, ["app_id", "message_id"], ["global_seq", "clear_seq"]
        ),
        [
            {
                "app_id": app_id,
                "message_id": message_id,
                "global_seq": global_seq,
                "clear_seq": clear_seq,
            }
        ],
    )


async def items(
    conn: AsyncConnection, app_id: int, message_id: int, after_seq: int = 0
) -> list[tuple[str, str, int]]:
    """The message's extensions ``(key, value, seq)`` written after ``after_seq``,
    oldest write first."""
    q = (
        select(E.ext_key, E.ext_value, E.seq)
        .where(E.app_id == app_id, E.message_id == message_id, E.seq > after_seq)
        .order_by(E.seq, E.ext_key)
    )
    return [(str(k), str(v), int(s)) for k, v, s in await conn.execute(q)]


async def put(
    conn: AsyncConnection, app_id: int, message_id: int, key: str, value: str, seq: int
) -> None:
    """Write one key at sequence ``seq``."""
    await conn.execute(
        upsert(conn, message_extensions, ["app_id", "message_id", "ext_key"], ["ext_value", "seq"]),
        [
            {
                "app_id": app_id,
                "message_id": message_id,
                "ext_key": key,
                "ext_value": value,
                "seq": seq,
            }
        ],
    )


async def remove(conn: AsyncConnection, app_id: int, message_id: int, key: str) -> None:
    """Delete one key."""
    await conn.execute(
        delete(message_extensions).where(
            E.app_id == app_id, E.message_id == message_id, E.ext_key == key
        )
    )


async def clear(conn: AsyncConnection, app_id: int, message_id: int) -> None:
    """Delete every key of the message."""
    await conn.execute(
        delete(message_extensions).where(E.app_id == app_id, E.message_id == message_id)
    )
