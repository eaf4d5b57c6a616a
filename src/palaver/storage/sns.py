"""Queries on ``friends``, ``friend_requests`` (pendency) and ``blacklist``.

A ``friend_requests`` row is what Tencent's SDK calls a friend application
(``getFriendApplicationList``): :class:`FriendApplication` here.

All three tables hold directed pairs of one app: ``friends`` and ``blacklist``
are ``owner -> peer`` (the peer is in the owner's list), ``friend_requests`` is
``from_user -> to_user`` (from_user asked to add to_user).  The ``*_links``
functions answer, for one user and a batch of others, which pairs exist in
either direction with one query; the ``delete_*_links`` functions remove them
the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import Column, Table, and_, bindparam, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.storage.dialect import insert_ignore, upsert
from palaver.storage.schema import accounts, blacklist, friend_requests, friends

CHUNK = 500  # ids per IN (...) list


@dataclass(frozen=True)
class Friend:
    """One row of ``owner``'s friend list: ``peer`` with its friend data.

    ``groups`` are the friend-group names, ``custom`` the ``Tag_SNS_Custom_*``
    values; times are unix seconds (``remark_time`` 0 if never set).
    """

    owner: str
    peer: str
    add_source: str = ""
    remark: str = ""
    groups: tuple[str, ...] = ()
    add_wording: str = ""
    add_time: int = 0
    remark_time: int = 0
    custom: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FriendApplication:
    """A pending friend application: ``from_user`` asked to add ``to_user``.

    ``remark`` and ``group_name`` are what ``from_user`` wants for ``to_user``
    once accepted; ``created_at`` is unix seconds.
    """

    from_user: str
    to_user: str
    add_source: str = ""
    add_wording: str = ""
    remark: str = ""
    group_name: str = ""
    created_at: int = 0


@dataclass(frozen=True)
class Block:
    """``peer`` is on ``owner``'s blacklist since ``added_at`` (unix s)."""

    owner: str
    peer: str
    added_at: int


@dataclass
class Links:
    """Which of a batch of others are linked to a user, per direction.

    ``outgoing``: the user -> other pairs that exist; ``incoming``: other -> user.
    """

    outgoing: set[str] = field(default_factory=set)
    incoming: set[str] = field(default_factory=set)


def _chunks(ids: Iterable[str]) -> Iterator[list[str]]:
    items = list(dict.fromkeys(ids))
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def _pair_columns(table: Table) -> tuple[Column[Any], Column[Any]]:
    if table is friend_requests:
        return table.c.from_user, table.c.to_user
    return table.c.owner, table.c.peer


async def _links(
    conn: AsyncConnection, table: Table, app_id: int, user: str, others: Iterable[str]
) -> Links:
    a, b = _pair_columns(table)
    out = Links()
    for chunk in _chunks(others):
        rows = await conn.execute(
            select(a, b).where(
                table.c.app_id == app_id,
                or_(and_(a == user, b.in_(chunk)), and_(b == user, a.in_(chunk))),
            )
        )
        for src, dst in rows:
            if src == user:
                out.outgoing.add(dst)
            if dst == user:
                out.incoming.add(src)
    return out


async def _delete_links(
    conn: AsyncConnection,
    table: Table,
    app_id: int,
    user: str,
    outgoing: Iterable[str] = (),
    incoming: Iterable[str] = (),
) -> None:
    a, b = _pair_columns(table)
    for chunk in _chunks(outgoing):
        await conn.execute(delete(table).where(table.c.app_id == app_id, a == user, b.in_(chunk)))
    for chunk in _chunks(incoming):
        await conn.execute(delete(table).where(table.c.app_id == app_id, b == user, a.in_(chunk)))


# --- friends -----------------------------------------------------------------


def _friend(row: Any) -> Friend:
    return Friend(
        owner=row.owner,
        peer=row.peer,
        add_source=row.add_source,
        remark=row.remark,
        groups=tuple(orjson.loads(row.group_names)),
        add_wording=row.add_wording,
        add_time=int(row.add_time),
        remark_time=int(row.remark_time),
        custom=orjson.loads(row.custom),
    )


async def friend_links(
    conn: AsyncConnection, app_id: int, user: str, others: Iterable[str]
) -> Links:
    """Which ``others`` are in ``user``'s friend list (outgoing) and have ``user`` (incoming)."""
    return await _links(conn, friends, app_id, user, others)


async def friends_of(
    conn: AsyncConnection, app_id: int, owner: str, peers: Iterable[str] | None = None
) -> list[Friend]:
    """``owner``'s friends (only ``peers`` if given), oldest first (by add time, then id)."""
    base = select(friends).where(friends.c.app_id == app_id, friends.c.owner == owner)
    order = (friends.c.add_time, friends.c.peer)
    if peers is None:
        return [_friend(r) for r in await conn.execute(base.order_by(*order))]
    found: list[Friend] = []
    for chunk in _chunks(peers):
        rows = await conn.execute(base.where(friends.c.peer.in_(chunk)).order_by(*order))
        found.extend(_friend(r) for r in rows)
    return found


def _friend_values(app_id: int, f: Friend) -> dict[str, Any]:
    return {
        "app_id": app_id,
        "owner": f.owner,
        "peer": f.peer,
        "add_source": f.add_source,
        "remark": f.remark,
        "group_names": orjson.dumps(list(f.groups)).decode(),
        "add_wording": f.add_wording,
        "add_time": f.add_time,
        "remark_time": f.remark_time,
        "custom": orjson.dumps(f.custom).decode(),
    }


async def insert_friends(conn: AsyncConnection, app_id: int, rows: Sequence[Friend]) -> None:
    """Add friend-list rows; a pair that already exists is left as it is."""
    if rows:
        await conn.execute(
            insert_ignore(conn, friends, ["app_id", "owner", "peer"]),
            [_friend_values(app_id, f) for f in rows],
        )


async def save_friend_data(conn: AsyncConnection, app_id: int, rows: Sequence[Friend]) -> None:
    """Write the editable data (remark, remark time, groups, custom) of existing rows."""
    if not rows:
        return
    stmt = (
        update(friends)
        .where(
            friends.c.app_id == app_id,
            friends.c.owner == bindparam("b_owner"),
            friends.c.peer == bindparam("b_peer"),
        )
        .values(
            remark=bindparam("b_remark"),
            remark_time=bindparam("b_remark_time"),
            group_names=bindparam("b_groups"),
            custom=bindparam("b_custom"),
        )
    )
    await conn.execute(
        stmt,
        [
            {
                "b_owner": f.owner,
                "b_peer": f.peer,
                "b_remark": f.remark,
                "b_remark_time": f.remark_time,
                "b_groups": orjson.dumps(list(f.groups)).decode(),
                "b_custom": orjson.dumps(f.custom).decode(),
            }
            for f in rows
        ],
    )


async def delete_friend_links(
    conn: AsyncConnection,
    app_id: int,
    user: str,
    outgoing: Iterable[str] = (),
    incoming: Iterable[str] = (),
) -> None:
    """Remove ``outgoing`` from ``user``'s list and ``user`` from the lists of ``incoming``."""
    await _delete_links(conn, friends, app_id, user, outgoing, incoming)


async def delete_all_friends(
    conn: AsyncConnection, app_id: int, owner: str, *, both: bool
) -> list[str]:
    """Empty ``owner``'s friend list; with ``both``, also drop ``owner`` from those friends' lists.

    Returns the peers that were in ``owner``'s list.
    """
    peers = [
        r[0]
        for r in await conn.execute(
            select(friends.c.peer).where(friends.c.app_id == app_id, friends.c.owner == owner)
        )
    ]
    await conn.execute(delete(friends).where(friends.c.app_id == app_id, friends.c.owner == owner))
    if both:
        await _delete_links(conn, friends, app_id, owner, incoming=peers)
    return peers


async def count_friends(
    conn: AsyncConnection, app_id: int, owners: Iterable[str]
) -> dict[str, int]:
    """Friend-list sizes, ``{owner: n}`` (0 for owners without friends)."""
    counts: dict[str, int] = {}
    for chunk in _chunks(owners):
        counts.update(dict.fromkeys(chunk, 0))
        rows = await conn.execute(
            select(friends.c.owner, func.count())
            .where(friends.c.app_id == app_id, friends.c.owner.in_(chunk))
            .group_by(friends.c.owner)
        )
        counts.update({owner: int(n) for owner, n in rows})
    return counts


# --- friend applications (pendency; table friend_requests) ----------------------


def _application(row: Any) -> FriendApplication:
    return FriendApplication(
        from_user=row.from_user,
        to_user=row.to_user,
        add_source=row.add_source,
        add_wording=row.add_wording,
        remark=row.remark,
        group_name=row.group_name,
        created_at=int(row.created_at),
    )


async def applications_between(
    conn: AsyncConnection, app_id: int, user: str, others: Iterable[str]
) -> list[FriendApplication]:
    """Pending applications from ``user`` to any of ``others`` and from them to ``user``."""
    a, b = friend_requests.c.from_user, friend_requests.c.to_user
    found: list[FriendApplication] = []
    for chunk in _chunks(others):
        rows = await conn.execute(
            select(friend_requests).where(
                friend_requests.c.app_id == app_id,
                or_(and_(a == user, b.in_(chunk)), and_(b == user, a.in_(chunk))),
            )
        )
        found.extend(_application(r) for r in rows)
    return found


async def applications_of(
    conn: AsyncConnection, app_id: int, user: str, *, incoming: bool, outgoing: bool
) -> list[FriendApplication]:
    """Pending applications sent to ``user`` and/or sent by ``user``, newest first."""
    sides = []
    if incoming:
        sides.append(friend_requests.c.to_user == user)
    if outgoing:
        sides.append(friend_requests.c.from_user == user)
    if not sides:
        return []
    rows = await conn.execute(
        select(friend_requests)
        .where(friend_requests.c.app_id == app_id, or_(*sides))
        .order_by(friend_requests.c.created_at.desc(), friend_requests.c.from_user)
    )
    return [_application(r) for r in rows]


async def applications_read_at(conn: AsyncConnection, app_id: int, user: str) -> int:
    """Until when (unix s) ``user`` has read the applications sent to them (0: never)."""
    q = select(accounts.c.applications_read_at).where(
        accounts.c.app_id == app_id, accounts.c.user_id == user
    )
    return int(await conn.scalar(q) or 0)


async def set_applications_read(conn: AsyncConnection, app_id: int, user: str, at: int) -> bool:
    """Move ``user``'s applications read mark forward to ``at``; False if it was already there."""
    result = await conn.execute(
        update(accounts)
        .where(
            accounts.c.app_id == app_id,
            accounts.c.user_id == user,
            accounts.c.applications_read_at < at,
        )
        .values(applications_read_at=at)
    )
    return bool(result.rowcount)


async def save_applications(
    conn: AsyncConnection, app_id: int, rows: Sequence[FriendApplication]
) -> None:
    """Create pending applications; an existing one for the same pair is replaced."""
    if not rows:
        return
    values = [
        {
            "app_id": app_id,
            "from_user": r.from_user,
            "to_user": r.to_user,
            "add_source": r.add_source,
            "add_wording": r.add_wording,
            "remark": r.remark,
            "group_name": r.group_name,
            "created_at": r.created_at,
        }
        for r in rows
    ]
    keys = ["app_id", "from_user", "to_user"]
    data = [c for c in values[0] if c not in keys]
    await conn.execute(upsert(conn, friend_requests, keys, data), values)


async def delete_application_links(
    conn: AsyncConnection,
    app_id: int,
    user: str,
    outgoing: Iterable[str] = (),
    incoming: Iterable[str] = (),
) -> None:
    """Drop applications from ``user`` to ``outgoing`` and from ``incoming`` to ``user``."""
    await _delete_links(conn, friend_requests, app_id, user, outgoing, incoming)


# --- blacklist -------------------------------------------------------------------


async def block_links(
    conn: AsyncConnection, app_id: int, user: str, others: Iterable[str]
) -> Links:
    """Which ``others`` ``user`` has blacklisted (outgoing) and which blacklist ``user`` (incoming)."""
    return await _links(conn, blacklist, app_id, user, others)


async def blocks_of(conn: AsyncConnection, app_id: int, owner: str) -> list[Block]:
    """``owner``'s blacklist, oldest first (by time added, then id)."""
    rows = await conn.execute(
        select(blacklist.c.peer, blacklist.c.added_at)
        .where(blacklist.c.app_id == app_id, blacklist.c.owner == owner)
        .order_by(blacklist.c.added_at, blacklist.c.peer)
    )
    return [Block(owner, peer, int(added)) for peer, added in rows]


async def count_blocks(conn: AsyncConnection, app_id: int, owner: str) -> int:
    """Size of ``owner``'s blacklist."""
    n = await conn.scalar(
        select(func.count()).where(blacklist.c.app_id == app_id, blacklist.c.owner == owner)
    )
    return int(n or 0)


async def insert_blocks(conn: AsyncConnection, app_id: int, rows: Sequence[Block]) -> None:
    """Add blacklist rows; a pair that already exists is left as it is."""
    if rows:
        await conn.execute(
            insert_ignore(conn, blacklist, ["app_id", "owner", "peer"]),
            [
                {"app_id": app_id, "owner": b.owner, "peer": b.peer, "added_at": b.added_at}
                for b in rows
            ],
        )


async def delete_blocks(
    conn: AsyncConnection, app_id: int, owner: str, peers: Iterable[str]
) -> None:
    """Remove ``peers`` from ``owner``'s blacklist."""
    await _delete_links(conn, blacklist, app_id, owner, outgoing=peers)


async def friend_owners_of(conn: AsyncConnection, app_id: int, peer: str) -> list[str]:
    """Users who have ``peer`` in their friend list.

    ``friends`` is keyed (app_id, owner, peer): this lookup by peer scans the
    app's rows; it runs when a profile changes, never on the message path.
    """
    rows = await conn.execute(
        select(friends.c.owner).where(friends.c.app_id == app_id, friends.c.peer == peer)
    )
    return [r[0] for r in rows]
