"""Queries on a group's messages (``messages`` rows of conversation
``group:<id>``): unread counts, mentions, receipts, catch-up, deletes.

Reads return :class:`~palaver.model.messages.MessageRecord` and
:class:`~palaver.storage.records.MentionRow`.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.model.messages import MessageFlag, MessageRecord
from palaver.storage import callback_parts
from palaver.storage import search as search_store
from palaver.storage.group_members import read_counts
from palaver.storage.groups import conv_id, head
from palaver.storage.messages import UNREAD_EXCLUDED
from palaver.storage.records import (
    MentionRow,
    mention_row,
    message_record,
)
from palaver.storage.schema import (
    messages,
)

M = messages.c


async def unread_count(
    conn: AsyncConnection, app_id: int, group_id: str, user_id: str, after: int, up_to: int
) -> int:
    """Messages in ``(after, up_to]`` not from ``user_id`` that count as unread."""
    if up_to <= after:
        return 0
    q = select(func.count()).where(
        M.app_id == app_id,
        M.conv_id == conv_id(group_id),
        M.seq > after,
        M.seq <= up_to,
        M.from_account != user_id,
        M.flags.op("&")(UNREAD_EXCLUDED) == 0,
    )
    return int(await conn.scalar(q) or 0)


async def read_seq_for_unread(
    conn: AsyncConnection, app_id: int, group_id: str, user_id: str, unread: int, floor: int
) -> int:
    """The read position that leaves ``user_id`` exactly ``unread`` unread messages
    (counting only messages that count as unread), not below ``floor``."""
    top = await head(conn, app_id, group_id)
    if unread <= 0:
        return max(top, floor)
    q = (
        select(M.seq)
        .where(
            M.app_id == app_id,
            M.conv_id == conv_id(group_id),
            M.seq > floor,
            M.from_account != user_id,
            M.flags.op("&")(UNREAD_EXCLUDED) == 0,
        )
        .order_by(M.seq.desc())
        .offset(unread - 1)
        .limit(1)
    )
    nth = await conn.scalar(q)
    return floor if nth is None else int(nth) - 1


async def mentions(
    conn: AsyncConnection, app_id: int, group_id: str, after: int, limit: int = 50
) -> list[MentionRow]:
    """Up to ``limit`` messages after ``after`` that mention someone, oldest first."""
    q = (
        select(M.seq, M.from_account, M.at_users, M.flags)
        .where(
            M.app_id == app_id,
            M.conv_id == conv_id(group_id),
            M.seq > after,
            M.at_users.is_not(None),
        )
        .order_by(M.seq)
        .limit(limit)
    )
    return [mention_row(r) for r in (await conn.execute(q)).mappings()]


async def receipt_senders(
    conn: AsyncConnection, app_id: int, group_id: str, after: int, up_to: int, reader: str
) -> list[str]:
    """Senders (not ``reader``) of messages in ``(after, up_to]`` that asked for receipts."""
    q = (
        select(M.from_account)
        .where(
            M.app_id == app_id,
            M.conv_id == conv_id(group_id),
            M.seq > after,
            M.seq <= up_to,
            M.from_account != reader,
            M.flags.op("&")(int(MessageFlag.NEED_RECEIPT)) != 0,
        )
        .distinct()
    )
    return [r[0] for r in await conn.execute(q)]


async def receipt_messages(
    conn: AsyncConnection,
    app_id: int,
    group_id: str,
    after: int,
    up_to: int,
    reader: str,
    limit: int,
) -> list[tuple[MessageRecord, int, int]]:
    """The newest ``limit`` messages in ``(after, up_to]`` not from ``reader``
    that asked for receipts, newest first, each with (members who read it,
    who did not), its sender left out."""
    q = (
        select(messages)
        .where(
            M.app_id == app_id,
            M.conv_id == conv_id(group_id),
            M.seq > after,
            M.seq <= up_to,
            M.from_account != reader,
            M.flags.op("&")(int(MessageFlag.NEED_RECEIPT)) != 0,
        )
        .order_by(M.seq.desc())
        .limit(limit)
    )
    found = [message_record(r) for r in (await conn.execute(q)).mappings()]
    out = []
    for m in found:
        read, unread = await read_counts(conn, app_id, group_id, m.seq, m.sender)
        out.append((m, read, unread))
    return out


async def messages_after(
    conn: AsyncConnection, app_id: int, group_id: str, after: int, limit: int
) -> list[MessageRecord]:
    """Up to ``limit`` messages with ``seq > after``, oldest first (catch-up)."""
    q = (
        select(messages)
        .where(M.app_id == app_id, M.conv_id == conv_id(group_id), M.seq > after)
        .order_by(M.seq)
        .limit(limit)
    )
    return [message_record(r) for r in (await conn.execute(q)).mappings()]


async def delete_by_sender(conn: AsyncConnection, app_id: int, group_id: str, sender: str) -> int:
    """Delete a sender's messages from a group; the count."""
    where = (M.app_id == app_id, M.conv_id == conv_id(group_id), M.from_account == sender)
    await callback_parts.freeze(conn, *where)
    await search_store.unindex_where(conn, *where)
    res = await conn.execute(delete(messages).where(*where))
    return int(res.rowcount or 0)


async def purge_messages_before(
    conn: AsyncConnection, app_id: int, group_ids: Sequence[str], before_time: int
) -> int:
    """Delete messages of these groups sent before ``before_time`` (live-room window)."""
    total = 0
    for gid in group_ids:
        where = (M.app_id == app_id, M.conv_id == conv_id(gid), M.msg_time < before_time)
        await callback_parts.freeze(conn, *where)
        await search_store.unindex_where(conn, *where)
        res = await conn.execute(delete(messages).where(*where))
        total += int(res.rowcount or 0)
    return total
