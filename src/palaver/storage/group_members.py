"""Queries on ``group_members`` and ``live_room_mutes``: memberships, roles,
mutes and read positions.

Read positions are sequences in the member's row: nothing is written per member
when a message is sent. Reads return :class:`~palaver.storage.records.MemberRow`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.storage.groups import custom_json
from palaver.storage.records import (
    MemberRow,
    member_row,
)
from palaver.storage.schema import (
    group_members,
    live_room_mutes,
)

GM = group_members.c
LM = live_room_mutes.c


@dataclass(frozen=True)
class NewMember:
    """A membership to insert: history visible after ``join_seq``, read up to
    ``read_seq``; ``join_time`` unix s; ``custom`` its custom data."""

    user_id: str
    role: str
    join_time: int
    join_seq: int
    read_seq: int
    custom: dict[str, str] = field(default_factory=dict)


async def member_counts(
    conn: AsyncConnection, app_id: int, group_ids: Sequence[str]
) -> dict[str, int]:
    """Member count per group (0 for none)."""
    out = dict.fromkeys(group_ids, 0)
    ids = list(out)
    for i in range(0, len(ids), 500):
        q = (
            select(GM.group_id, func.count())
            .where(GM.app_id == app_id, GM.group_id.in_(ids[i : i + 500]))
            .group_by(GM.group_id)
        )
        for gid, n in await conn.execute(q):
            out[gid] = int(n)
    return out


async def get_member(
    conn: AsyncConnection, app_id: int, group_id: str, user_id: str
) -> MemberRow | None:
    """One membership, or ``None``."""
    q = select(group_members).where(
        GM.app_id == app_id, GM.group_id == group_id, GM.user_id == user_id
    )
    row = (await conn.execute(q)).mappings().first()
    return None if row is None else member_row(row)


async def get_members(
    conn: AsyncConnection, app_id: int, group_id: str, user_ids: Sequence[str]
) -> dict[str, MemberRow]:
    """Memberships of ``user_ids`` by user (non-members left out)."""
    out: dict[str, MemberRow] = {}
    ids = list(dict.fromkeys(user_ids))
    for i in range(0, len(ids), 500):
        q = select(group_members).where(
            GM.app_id == app_id, GM.group_id == group_id, GM.user_id.in_(ids[i : i + 500])
        )
        for r in (await conn.execute(q)).mappings():
            m = member_row(r)
            out[m.user_id] = m
    return out


_ROLE_ORDER = case((GM.role == "Owner", 0), (GM.role == "Admin", 1), else_=2)


async def list_members(
    conn: AsyncConnection,
    app_id: int,
    group_id: str,
    *,
    offset: int,
    limit: int,
    role: str | None = None,
) -> tuple[list[MemberRow], int]:
    """A page of members (owner, admins, then by join time) and the total."""
    cond = [GM.app_id == app_id, GM.group_id == group_id]
    if role:
        cond.append(GM.role == role)
    total = int(
        await conn.scalar(select(func.count()).select_from(group_members).where(*cond)) or 0
    )
    q = (
        select(group_members)
        .where(*cond)
        .order_by(_ROLE_ORDER, GM.join_time, GM.user_id)
        .offset(offset)
        .limit(limit)
    )
    return [member_row(r) for r in (await conn.execute(q)).mappings()], total


async def member_ids(conn: AsyncConnection, app_id: int, group_id: str) -> list[str]:
    """Every member's user id."""
    q = select(GM.user_id).where(GM.app_id == app_id, GM.group_id == group_id)
    return [r[0] for r in await conn.execute(q)]


async def member_msg_flags(conn: AsyncConnection, app_id: int, group_id: str) -> dict[str, str]:
    """Every member's ``MsgFlag`` (do-not-disturb: ``AcceptAndNotify``,
    ``AcceptNotNotify`` or ``Discard``): {user id: flag}."""
    q = select(GM.user_id, GM.msg_flag).where(GM.app_id == app_id, GM.group_id == group_id)
    return {r[0]: r[1] for r in await conn.execute(q)}


async def insert_members(
    conn: AsyncConnection, app_id: int, group_id: str, members: Sequence[NewMember]
) -> None:
    """Insert memberships (the caller checked they are new): no name card, not
    muted, ``AcceptAndNotify``, the conversation neither pinned nor hidden."""
    rows = [
        {
            "app_id": app_id,
            "group_id": group_id,
            "user_id": m.user_id,
            "role": m.role,
            "join_time": m.join_time,
            "join_seq": m.join_seq,
            "read_seq": m.read_seq,
            "name_card": "",
            "custom": custom_json(m.custom),
            "shut_up_until": 0,
            "msg_flag": "AcceptAndNotify",
            "last_send_time": 0,
            "pinned": False,
            "pinned_at": 0,
            "hidden": False,
            "hidden_seq": 0,
            "cleared_seq": 0,
        }
        for m in members
    ]
    if rows:
        await conn.execute(group_members.insert(), rows)


async def delete_members(
    conn: AsyncConnection, app_id: int, group_id: str, user_ids: Sequence[str]
) -> None:
    """Remove memberships."""
    ids = list(user_ids)
    for i in range(0, len(ids), 500):
        await conn.execute(
            delete(group_members).where(
                GM.app_id == app_id, GM.group_id == group_id, GM.user_id.in_(ids[i : i + 500])
            )
        )


async def update_member(
    conn: AsyncConnection, app_id: int, group_id: str, user_id: str, **values: Any
) -> bool:
    """Change columns of one membership (``values``: ``group_members`` column
    names, e.g. ``role=``, ``read_seq=``, ``custom=`` JSON text,
    ``shut_up_until=`` unix s); False if there is none."""
    res = await conn.execute(
        update(group_members)
        .where(GM.app_id == app_id, GM.group_id == group_id, GM.user_id == user_id)
        .values(**values)
    )
    return bool(res.rowcount)


async def update_members(
    conn: AsyncConnection, app_id: int, group_id: str, user_ids: Sequence[str], **values: Any
) -> None:
    """Change the same columns (as :func:`update_member`) of several memberships,
    500 users per statement."""
    ids = list(user_ids)
    for i in range(0, len(ids), 500):
        await conn.execute(
            update(group_members)
            .where(GM.app_id == app_id, GM.group_id == group_id, GM.user_id.in_(ids[i : i + 500]))
            .values(**values)
        )


async def advance_read(
    conn: AsyncConnection, app_id: int, group_id: str, user_id: str, seq: int
) -> int | None:
    """Move a member's read position forward to ``seq``: the old position, or
    ``None`` if it did not move (already there, or not a member)."""
    member = await get_member(conn, app_id, group_id, user_id)
    if member is None or member.read_seq >= seq:
        return None
    await update_member(conn, app_id, group_id, user_id, read_seq=seq)
    return member.read_seq


async def muted_members(
    conn: AsyncConnection, app_id: int, group_id: str, now: int
) -> list[tuple[str, int]]:
    """(user, muted until) of members muted after ``now``."""
    q = (
        select(GM.user_id, GM.shut_up_until)
        .where(GM.app_id == app_id, GM.group_id == group_id, GM.shut_up_until > now)
        .order_by(GM.user_id)
    )
    return [(r[0], int(r[1])) for r in await conn.execute(q)]


async def set_room_mute(
    conn: AsyncConnection, app_id: int, group_id: str, user_id: str, until: int
) -> None:
    """Mute ``user_id`` in a live room until ``until`` (unix s); 0 unmutes."""
    where = (LM.app_id == app_id, LM.group_id == group_id, LM.user_id == user_id)
    await conn.execute(delete(live_room_mutes).where(*where))
    if until:
        await conn.execute(
            live_room_mutes.insert().values(
                app_id=app_id, group_id=group_id, user_id=user_id, until=until
            )
        )


async def room_mutes(
    conn: AsyncConnection, app_id: int, group_id: str, now: int
) -> list[tuple[str, int]]:
    """(user, muted until) of a live room's audience muted after ``now``."""
    q = (
        select(LM.user_id, LM.until)
        .where(LM.app_id == app_id, LM.group_id == group_id, LM.until > now)
        .order_by(LM.user_id)
    )
    return [(r[0], int(r[1])) for r in await conn.execute(q)]


async def readers(
    conn: AsyncConnection,
    app_id: int,
    group_id: str,
    seq: int,
    exclude: str,
    *,
    read: bool,
    offset: int,
    limit: int,
) -> list[str]:
    """Members whose read position is (``read``) or is not past ``seq``."""
    cond = [GM.app_id == app_id, GM.group_id == group_id, GM.user_id != exclude]
    cond.append(GM.read_seq >= seq if read else GM.read_seq < seq)
    q = select(GM.user_id).where(*cond).order_by(GM.user_id).offset(offset).limit(limit)
    return [r[0] for r in await conn.execute(q)]


async def read_counts(
    conn: AsyncConnection, app_id: int, group_id: str, seq: int, exclude: str
) -> tuple[int, int]:
    """(members who read ``seq``, who did not), ``exclude`` (the sender) left out."""
    q = select(
        func.count().filter(GM.read_seq >= seq), func.count().filter(GM.read_seq < seq)
    ).where(GM.app_id == app_id, GM.group_id == group_id, GM.user_id != exclude)
    row = (await conn.execute(q)).one()
    return int(row[0] or 0), int(row[1] or 0)
