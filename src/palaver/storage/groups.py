"""Queries on ``im_groups``, ``group_members`` and ``group_applications``.

A group's messages are ``messages`` rows of conversation ``group:<id>`` and its
head is that conversation's ``conv_heads`` row (see :mod:`palaver.storage.schema`).
Read positions are sequences in the member's row: nothing is written per member
when a message is sent. Reads return the records of :mod:`palaver.storage.records`
(:class:`GroupRow`, :class:`MemberRow`, :class:`GroupApplicationRow`,
:class:`MentionRow`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import and_, case, delete, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.model.messages import MessageFlag, MessageRecord, group_conv_id
from palaver.storage import search as search_store
from palaver.storage.messages import UNREAD_EXCLUDED
from palaver.storage.records import (
    GroupApplicationRow,
    GroupRow,
    MemberRow,
    MentionRow,
    group_application_row,
    group_row,
    member_row,
    mention_row,
    message_record,
)
from palaver.storage.schema import (
    conv_heads,
    group_applications,
    group_members,
    im_groups,
    live_room_mutes,
    messages,
)

G = im_groups.c
GM = group_members.c
GA = group_applications.c
H = conv_heads.c
M = messages.c
LM = live_room_mutes.c


#: The storage conversation id of a group's messages.
conv_id = group_conv_id


def custom_json(custom: dict[str, str]) -> str:
    """The stored form (``custom`` columns) of group or member custom data."""
    return orjson.dumps(custom).decode()


@dataclass(frozen=True)
class NewGroup:
    """A group to insert: ``custom`` its custom data ``{key: value}``,
    ``max_members`` 0 for no limit, ``created_at`` unix s (also its info time)."""

    group_id: str
    type: str
    name: str
    introduction: str
    notification: str
    face_url: str
    owner: str
    apply_join_option: str
    max_members: int
    custom: dict[str, str]
    created_at: int


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


def _with_head() -> Any:
    """Group columns plus its head (last seq/time/message id, 0 when empty)."""
    j = im_groups.outerjoin(
        conv_heads, and_(H.app_id == G.app_id, H.conv_id == literal("group:") + G.group_id)
    )
    return select(
        im_groups,
        func.coalesce(H.last_seq, 0).label("last_seq"),
        func.coalesce(H.last_time, 0).label("last_time"),
        func.coalesce(H.last_msg_id, 0).label("last_msg_id"),
    ).select_from(j)


async def get_group(conn: AsyncConnection, app_id: int, group_id: str) -> GroupRow | None:
    """A group with its head, or ``None``."""
    q = _with_head().where(G.app_id == app_id, G.group_id == group_id)
    row = (await conn.execute(q)).mappings().first()
    return None if row is None else group_row(row)


async def get_groups(
    conn: AsyncConnection, app_id: int, group_ids: Sequence[str]
) -> dict[str, GroupRow]:
    """Groups with their heads by id (missing ones left out)."""
    out: dict[str, GroupRow] = {}
    ids = list(dict.fromkeys(group_ids))
    for i in range(0, len(ids), 500):
        q = _with_head().where(G.app_id == app_id, G.group_id.in_(ids[i : i + 500]))
        for r in (await conn.execute(q)).mappings():
            g = group_row(r)
            out[g.group_id] = g
    return out


async def group_exists(conn: AsyncConnection, app_id: int, group_id: str) -> bool:
    """Whether the group id is taken."""
    q = select(G.group_id).where(G.app_id == app_id, G.group_id == group_id)
    return (await conn.scalar(q)) is not None


async def insert_group(conn: AsyncConnection, app_id: int, group: NewGroup) -> None:
    """Insert a group (the caller checked the id is free); not muted, no members."""
    await conn.execute(
        im_groups.insert().values(
            app_id=app_id,
            group_id=group.group_id,
            type=group.type,
            name=group.name,
            introduction=group.introduction,
            notification=group.notification,
            face_url=group.face_url,
            owner=group.owner,
            apply_join_option=group.apply_join_option,
            shut_up_all=False,
            max_members=group.max_members,
            custom=custom_json(group.custom),
            created_at=group.created_at,
            info_time=group.created_at,
        )
    )


async def update_group(conn: AsyncConnection, app_id: int, group_id: str, **values: Any) -> bool:
    """Change columns of a group (``values``: ``im_groups`` column names, e.g.
    ``name=``, ``owner=``, ``custom=`` JSON text, ``info_time=`` unix s); False
    if it does not exist."""
    res = await conn.execute(
        update(im_groups).where(G.app_id == app_id, G.group_id == group_id).values(**values)
    )
    return bool(res.rowcount)


async def delete_group(conn: AsyncConnection, app_id: int, group_id: str) -> None:
    """Delete a group, its members, applications, messages and head."""
    cid = conv_id(group_id)
    await conn.execute(delete(group_members).where(GM.app_id == app_id, GM.group_id == group_id))
    await conn.execute(
        delete(group_applications).where(GA.app_id == app_id, GA.group_id == group_id)
    )
    await search_store.unindex_where(conn, M.app_id == app_id, M.conv_id == cid)
    await conn.execute(delete(messages).where(M.app_id == app_id, M.conv_id == cid))
    await conn.execute(delete(conv_heads).where(H.app_id == app_id, H.conv_id == cid))
    await conn.execute(delete(im_groups).where(G.app_id == app_id, G.group_id == group_id))
    await conn.execute(delete(live_room_mutes).where(LM.app_id == app_id, LM.group_id == group_id))


async def list_group_ids(
    conn: AsyncConnection, app_id: int, *, type: str | None, after: str, limit: int
) -> tuple[list[str], int]:
    """Group ids in id order after ``after`` (paging key), and the total count."""
    cond = [G.app_id == app_id]
    if type:
        cond.append(G.type == type)
    total = int(await conn.scalar(select(func.count()).where(*cond)) or 0)
    q = select(G.group_id).where(*cond, G.group_id > after).order_by(G.group_id).limit(limit)
    return [r[0] for r in await conn.execute(q)], total


async def count_owned(conn: AsyncConnection, app_id: int, owner: str, type: str) -> int:
    """How many groups of ``type`` ``owner`` owns."""
    q = select(func.count()).where(G.app_id == app_id, G.owner == owner, G.type == type)
    return int(await conn.scalar(q) or 0)


async def head(conn: AsyncConnection, app_id: int, group_id: str) -> int:
    """The group's newest MsgSeq (0 if none)."""
    v = await conn.scalar(
        select(H.last_seq).where(H.app_id == app_id, H.conv_id == conv_id(group_id))
    )
    return int(v or 0)


# -- members -----------------------------------------------------------------


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


async def memberships(
    conn: AsyncConnection, app_id: int, user_id: str, *, type: str | None = None
) -> list[tuple[GroupRow, MemberRow]]:
    """``user_id``'s memberships with their groups and heads, newest join first."""
    member_cols = [c.label(f"m_{c.name}") for c in group_members.c]
    q = (
        _with_head()
        .add_columns(*member_cols)
        .join(group_members, and_(GM.app_id == G.app_id, GM.group_id == G.group_id))
        .where(GM.app_id == app_id, GM.user_id == user_id)
    )
    if type:
        q = q.where(G.type == type)
    q = q.order_by(GM.join_time.desc(), G.group_id)
    return [(group_row(r), member_row(r, "m_")) for r in (await conn.execute(q)).mappings()]


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


# -- messages of a group -------------------------------------------------------


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
        await search_store.unindex_where(conn, *where)
        res = await conn.execute(delete(messages).where(*where))
        total += int(res.rowcount or 0)
    return total


async def group_ids_of_type(conn: AsyncConnection, app_id: int, type: str) -> list[str]:
    """Every group id of one type in an app."""
    q = select(G.group_id).where(G.app_id == app_id, G.type == type)
    return [r[0] for r in await conn.execute(q)]


# -- applications ------------------------------------------------------------


async def put_application(
    conn: AsyncConnection, app_id: int, group_id: str, user_id: str, wording: str, now: int
) -> None:
    """Store (or renew) a pending application."""
    await conn.execute(
        delete(group_applications).where(
            GA.app_id == app_id, GA.group_id == group_id, GA.user_id == user_id
        )
    )
    await conn.execute(
        group_applications.insert().values(
            app_id=app_id, group_id=group_id, user_id=user_id, wording=wording, created_at=now
        )
    )


async def take_application(conn: AsyncConnection, app_id: int, group_id: str, user_id: str) -> bool:
    """Remove a pending application; False if there was none."""
    res = await conn.execute(
        delete(group_applications).where(
            GA.app_id == app_id, GA.group_id == group_id, GA.user_id == user_id
        )
    )
    return bool(res.rowcount)


async def applications_for(
    conn: AsyncConnection, app_id: int, manager: str
) -> list[GroupApplicationRow]:
    """Pending applications to groups ``manager`` owns or administers, newest first."""
    mgr = group_members.alias("mgr")
    q = (
        select(group_applications, G.name)
        .join(mgr, and_(mgr.c.app_id == GA.app_id, mgr.c.group_id == GA.group_id))
        .join(im_groups, and_(G.app_id == GA.app_id, G.group_id == GA.group_id))
        .where(
            GA.app_id == app_id,
            mgr.c.user_id == manager,
            mgr.c.role.in_(("Owner", "Admin")),
        )
        .order_by(GA.created_at.desc(), GA.group_id, GA.user_id)
    )
    return [group_application_row(r) for r in (await conn.execute(q)).mappings()]


async def managers(conn: AsyncConnection, app_id: int, group_id: str) -> list[str]:
    """The owner and admins of a group."""
    q = select(GM.user_id).where(
        GM.app_id == app_id, GM.group_id == group_id, GM.role.in_(("Owner", "Admin"))
    )
    return [r[0] for r in await conn.execute(q)]
