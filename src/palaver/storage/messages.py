"""Queries on ``messages``, ``conv_heads`` and ``user_conversations``.

A C2C message is one ``messages`` row; its ``seq`` comes from the
conversation's ``conv_heads`` row, incremented in the same transaction (so it
is strictly increasing and gapless per conversation, on SQLite and on
PostgreSQL where the row lock serialises concurrent senders).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    and_,
    exists,
    func,
    not_,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.model.messages import MessageFlag, MessageRecord
from palaver.storage import callback_parts
from palaver.storage import search as search_store
from palaver.storage.dialect import insert_ignore
from palaver.storage.records import ConversationRow, conversation_row, message_record
from palaver.storage.schema import (
    conv_heads,
    hidden_messages,
    messages,
    user_conversations,
)

CONV_C2C = 1
CONV_GROUP = 2

# Messages that never count as unread.
UNREAD_EXCLUDED = int(MessageFlag.RECALLED | MessageFlag.NO_UNREAD)


def c2c_conv_id(a: str, b: str) -> str:
    """The storage id of the C2C conversation between ``a`` and ``b`` (order-free).

    UserIDs are printable ASCII, so the unit separator cannot occur in them.
    """
    lo, hi = (a, b) if a <= b else (b, a)
    return f"c2c:{lo}\x1f{hi}"


@dataclass(frozen=True)
class NewMessage:
    """A message to store. ``body`` is the JSON text of ``MsgBody``; times in unix s."""

    conv_id: str
    from_account: str
    to_account: str
    msg_time: int
    random: int
    client_seq: int
    body: str
    client_time: int = 0
    cloud_custom_data: str | None = None
    flags: int = 0
    dedupe_key: str | None = None
    at_users: str | None = None  # group messages: JSON list of mentioned UserIDs
    offline_push: str | None = None  # JSON ``OfflinePushInfo`` (palaver.offline_push)


@dataclass(frozen=True)
class StoredMessage:
    """What storage assigned: global ``id``, conversation ``seq`` and the MsgKey."""

    id: int
    seq: int
    msg_key: str
    msg_time: int


def make_msg_key(seq: int, random: int, msg_time: int) -> str:
    """Tencent's MsgKey layout ``{MsgSeq}_{MsgRandom}_{MsgTime}`` (unique per conversation)."""
    return f"{seq}_{random}_{msg_time}"


def parse_msg_key(msg_key: str) -> tuple[int, int, int] | None:
    """(seq, random, time) of a MsgKey (:func:`make_msg_key`'s layout: three runs
    of at most 18 ASCII digits), ``None`` for anything else."""
    parts = msg_key.split("_")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() and len(p) < 19 for p in parts):
        return None
    seq, random, msg_time = (int(p) for p in parts)
    return seq, random, msg_time


async def get_conversation(
    conn: AsyncConnection, app_id: int, owner: str, conv_id: str
) -> ConversationRow | None:
    """``owner``'s row of a conversation, or ``None``."""
    row = await conn.execute(
        select(user_conversations).where(
            user_conversations.c.app_id == app_id,
            user_conversations.c.owner == owner,
            user_conversations.c.conv_id == conv_id,
        )
    )
    r = row.mappings().first()
    return None if r is None else conversation_row(r)


def _visible_to(owner: str) -> Any:
    """Messages of a conversation that ``owner``'s history shows (not kept out
    of the sender's roaming, not deleted by ``owner`` for themselves)."""
    return and_(
        or_(
            messages.c.from_account != owner,
            messages.c.flags.op("&")(int(MessageFlag.NOT_IN_SENDER_ROAM)) == 0,
        ),
        not_(hidden_for(owner)),
    )


def hidden_for(owner: Any) -> Any:
    """The message was deleted by ``owner`` for themselves (``hidden_messages``)."""
    h = hidden_messages.c
    return exists().where(
        and_(h.app_id == messages.c.app_id, h.owner == owner, h.message_id == messages.c.id)
    )


async def history(
    conn: AsyncConnection,
    app_id: int,
    owner: str,
    conv_id: str,
    *,
    after_seq: int,
    before_seq: int | None,
    min_time: int | None,
    max_time: int | None,
    limit: int,
) -> list[MessageRecord]:
    """Up to ``limit`` messages visible to ``owner``, newest first, with
    ``after_seq < seq < before_seq`` and ``min_time <= msg_time <= max_time``."""
    m = messages.c
    q = select(messages).where(m.app_id == app_id, m.conv_id == conv_id, m.seq > after_seq)
    if before_seq is not None:
        q = q.where(m.seq < before_seq)
    if min_time is not None:
        q = q.where(m.msg_time >= min_time)
    if max_time is not None:
        q = q.where(m.msg_time <= max_time)
    q = q.where(_visible_to(owner)).order_by(m.seq.desc()).limit(limit)
    return [message_record(r) for r in (await conn.execute(q)).mappings()]


async def get_by_seq(
    conn: AsyncConnection, app_id: int, conv_id: str, seq: int
) -> MessageRecord | None:
    """The message with ``seq`` in a conversation."""
    row = await conn.execute(
        select(messages).where(
            messages.c.app_id == app_id, messages.c.conv_id == conv_id, messages.c.seq == seq
        )
    )
    return _first(row.mappings().first())


def _first(row: RowMapping | None) -> MessageRecord | None:
    return None if row is None else message_record(row)


async def get_by_random_time(
    conn: AsyncConnection, app_id: int, conv_id: str, random: int, msg_time: int
) -> MessageRecord | None:
    """The message of a conversation with this MsgRandom and MsgTime (oldest first)."""
    m = messages.c
    row = await conn.execute(
        select(messages)
        .where(m.app_id == app_id, m.msg_time == msg_time, m.conv_id == conv_id, m.random == random)
        .order_by(m.seq)
        .limit(1)
    )
    return _first(row.mappings().first())


async def set_flags(conn: AsyncConnection, message_id: int, flags: int) -> None:
    """Overwrite a message's flag bits (recall sets :data:`MessageFlag.RECALLED`;
    a recalled message leaves the search index in the same transaction)."""
    if flags & MessageFlag.RECALLED:
        await search_store.unindex_where(conn, messages.c.id == message_id)
    await conn.execute(update(messages).where(messages.c.id == message_id).values(flags=flags))


async def unread_count(
    conn: AsyncConnection,
    app_id: int,
    owner: str,
    peer: str,
    conv_id: str,
    read_seq: int,
    up_to_seq: int | None = None,
) -> int:
    """Messages from ``peer`` in ``(read_seq, up_to_seq]`` that count as unread.

    ``up_to_seq`` (the conversation row's ``last_seq``) keeps the count
    consistent with the last message read in the same listing.
    """
    m = messages.c
    q = select(func.count()).where(
        m.app_id == app_id,
        m.conv_id == conv_id,
        m.seq > read_seq,
        m.from_account == peer,
        m.flags.op("&")(UNREAD_EXCLUDED) == 0,
    )
    if up_to_seq is not None:
        q = q.where(m.seq <= up_to_seq)
    return int(await conn.scalar(q) or 0)


async def get_by_id(conn: AsyncConnection, app_id: int, message_id: int) -> MessageRecord | None:
    """The message with this storage id, or ``None``."""
    row = await conn.execute(
        select(messages).where(messages.c.app_id == app_id, messages.c.id == message_id)
    )
    return _first(row.mappings().first())


async def get_many_by_seq(
    conn: AsyncConnection, app_id: int, keys: Sequence[tuple[str, int]]
) -> dict[tuple[str, int], MessageRecord]:
    """Messages by (conv_id, seq), for conversation lists' last messages."""
    out: dict[tuple[str, int], MessageRecord] = {}
    for i in range(0, len(keys), 200):
        chunk = keys[i : i + 200]
        q = select(messages).where(
            messages.c.app_id == app_id,
            tuple_(messages.c.conv_id, messages.c.seq).in_(chunk),
        )
        for row in (await conn.execute(q)).mappings():
            rec = message_record(row)
            out[(rec.conv_id, rec.seq)] = rec
    return out


async def advance_read(
    conn: AsyncConnection, app_id: int, owner: str, conv_id: str, up_to_seq: int
) -> bool:
    """Move ``owner``'s read position forward to ``up_to_seq``; False if it was there."""
    uc = user_conversations.c
    res = await conn.execute(
        update(user_conversations)
        .where(
            uc.app_id == app_id,
            uc.owner == owner,
            uc.conv_id == conv_id,
            uc.read_seq < up_to_seq,
        )
        .values(read_seq=up_to_seq)
    )
    return bool(res.rowcount)


async def mark_read(
    conn: AsyncConnection, app_id: int, owner: str, conv_id: str, up_to_seq: int | None = None
) -> int:
    """Move ``owner``'s read position to ``up_to_seq`` (default: the latest); returns it."""
    uc = user_conversations.c
    if up_to_seq is None:
        up_to_seq = int(
            await conn.scalar(
                select(conv_heads.c.last_seq).where(
                    conv_heads.c.app_id == app_id, conv_heads.c.conv_id == conv_id
                )
            )
            or 0
        )
    await conn.execute(
        update(user_conversations)
        .where(
            uc.app_id == app_id,
            uc.owner == owner,
            uc.conv_id == conv_id,
            uc.read_seq < up_to_seq,
        )
        .values(read_seq=up_to_seq)
    )
    return up_to_seq


async def list_conversations(
    conn: AsyncConnection, app_id: int, owner: str, *, include_empty: bool = False
) -> list[ConversationRow]:
    """``owner``'s visible conversations: pinned first (newest pin first), then by last time."""
    uc = user_conversations.c
    q = select(user_conversations).where(
        uc.app_id == app_id, uc.owner == owner, uc.hidden.is_(False)
    )
    if not include_empty:
        q = q.where(uc.last_seq > uc.cleared_seq)
    q = q.order_by(
        uc.pinned.desc(), uc.pinned_at.desc(), uc.last_time.desc(), uc.last_msg_id.desc()
    )
    return [conversation_row(r) for r in (await conn.execute(q)).mappings()]


async def update_conversation(
    conn: AsyncConnection, app_id: int, owner: str, conv_id: str, **values: Any
) -> bool:
    """Change columns of ``owner``'s conversation; False if it does not exist."""
    uc = user_conversations.c
    res = await conn.execute(
        update(user_conversations)
        .where(uc.app_id == app_id, uc.owner == owner, uc.conv_id == conv_id)
        .values(**values)
    )
    return bool(res.rowcount)


async def last_seq(conn: AsyncConnection, app_id: int, conv_id: str) -> int:
    """The newest sequence number of a conversation (0 if empty)."""
    v = await conn.scalar(
        select(conv_heads.c.last_seq).where(
            conv_heads.c.app_id == app_id, conv_heads.c.conv_id == conv_id
        )
    )
    return int(v or 0)


async def purge_older_than(
    conn: AsyncConnection, app_id: int, before_time: int, limit: int | None = None
) -> int:
    """Delete messages sent before ``before_time`` (history retention), at most
    ``limit`` of them (the oldest first; ``None``: all), with their search
    entries; returns the count."""
    m = messages.c
    where: tuple[Any, ...] = (m.app_id == app_id, m.msg_time < before_time)
    if limit is not None:
        q = select(m.id).where(*where).order_by(m.msg_time, m.id).limit(limit)
        ids = [int(i) for (i,) in await conn.execute(q)]
        if not ids:
            return 0
        where = (m.id.in_(ids),)
    await callback_parts.freeze(conn, *where)
    await search_store.unindex_where(conn, *where)
    res = await conn.execute(messages.delete().where(*where))
    return int(res.rowcount or 0)


async def modify(
    conn: AsyncConnection,
    message_id: int,
    version: int | None,
    body: str | None,
    cloud_custom_data: str | None,
) -> bool:
    """Replace a message's body (JSON text) and/or ``CloudCustomData`` and bump
    its ``version``, if it still has ``version`` (``None``: any; a compare-and-set,
    so of two edits made from the same version one wins). False: it has another
    version now (or is gone). A message in the search index is indexed again."""
    m = messages.c
    values: dict[str, Any] = {"version": m.version + 1}
    if body is not None:
        values["body"] = body
    if cloud_custom_data is not None:
        values["cloud_custom_data"] = cloud_custom_data
    where = [m.id == message_id]
    if version is not None:
        where.append(m.version == version)
    await callback_parts.freeze(conn, *where)
    indexed = body is not None and await search_store.unindex_where(conn, *where) > 0
    res = await conn.execute(update(messages).where(*where).values(**values))
    if not res.rowcount:
        return False
    if indexed:
        await search_store.reindex(conn, message_id)
    return True


async def hide(conn: AsyncConnection, app_id: int, owner: str, message_ids: Sequence[int]) -> None:
    """Keep messages out of ``owner``'s history (deleted for them only; again: no-op)."""
    rows = [{"app_id": app_id, "owner": owner, "message_id": i} for i in set(message_ids)]
    if rows:
        await conn.execute(
            insert_ignore(conn, hidden_messages, ["app_id", "owner", "message_id"]), rows
        )
