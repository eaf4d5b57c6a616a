"""Queries on ``im_groups`` and ``group_applications``.

A group's messages are ``messages`` rows of conversation ``group:<id>`` and its
head is that conversation's ``conv_heads`` row (see :mod:`palaver.storage.schema`).
Its members are in :mod:`palaver.storage.group_members`, queries on its messages
in :mod:`palaver.storage.group_messages`. Reads return the records of
:mod:`palaver.storage.records` (:class:`GroupRow`, :class:`MemberRow`,
:class:`GroupApplicationRow`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import and_, bindparam, delete, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.model.messages import group_conv_id
from palaver.storage import callback_parts
from palaver.storage import search as search_store
from palaver.storage.records import (
    GroupApplicationRow,
    GroupRow,
    MemberRow,
    group_application_row,
    group_row,
    member_row,
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
    await callback_parts.freeze(conn, M.app_id == app_id, M.conv_id == cid)
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


def _build_memberships_query(typed: bool) -> Any:
    member_cols = [c.label(f"m_{c.name}") for c in group_members.c]
    q = (
        _with_head()
        .add_columns(*member_cols)
        .join(group_members, and_(GM.app_id == G.app_id, GM.group_id == G.group_id))
        .where(GM.app_id == bindparam("app_id"), GM.user_id == bindparam("user_id"))
    )
    if typed:
        q = q.where(G.type == bindparam("type"))
    return q.order_by(GM.join_time.desc(), G.group_id)


# Built once with bind parameters (as ``events.HEAD``): building this select
# and its cache key cost ~0.45 ms of CPU, many times what SQLite takes to run it.
_MEMBERSHIPS = _build_memberships_query(False)
_MEMBERSHIPS_OF_TYPE = _build_memberships_query(True)


def memberships_query(
    app_id: int, user_id: str, type: str | None = None
) -> tuple[Any, dict[str, Any]]:
    """The statement of :func:`memberships` and its parameters (execute them, then
    read the rows with :func:`membership_rows`)."""
    if type:
        return _MEMBERSHIPS_OF_TYPE, {"app_id": app_id, "user_id": user_id, "type": type}
    return _MEMBERSHIPS, {"app_id": app_id, "user_id": user_id}


def membership_rows(rows: Iterable[Any]) -> list[tuple[GroupRow, MemberRow]]:
    """(group, membership) records of :func:`memberships_query`'s mapping rows."""
    return [(group_row(r), member_row(r, "m_")) for r in rows]


async def memberships(
    conn: AsyncConnection, app_id: int, user_id: str, *, type: str | None = None
) -> list[tuple[GroupRow, MemberRow]]:
    """``user_id``'s memberships with their groups and heads, newest join first."""
    return membership_rows(
        (await conn.execute(*memberships_query(app_id, user_id, type))).mappings()
    )


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
