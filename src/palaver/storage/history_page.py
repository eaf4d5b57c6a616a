"""A C2C history page in one query (SDK ``getMessageList``, Tencent REST
``admin_getroammsg``, the Tencent protocol's ``getroammsg``).

One statement reads what a page needs: both sides' read positions, the anchor
message's sequence (the page is older than it; it must be a message of the
conversation: named by storage id, or by MsgKey) and the page itself, past the
viewer's cleared position, within a time range and without what the viewer may
not see. A header row (the positions and the anchor)
is left-joined with the page's rows, so a page with no message still has its
header. Compiled once per dialect and variant (:func:`~palaver.storage.dialect.prebuilt_rows`);
on SQLite the rows come from one call of the ``sqlite3`` driver (issue 16: a
history page is one query through one driver call).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import bindparam, func, literal_column, not_, or_, select, true

from palaver.model.messages import MessageFlag, MessageRecord
from palaver.storage.dialect import prebuilt_rows
from palaver.storage.messages import c2c_conv_id, hidden_for, parse_msg_key
from palaver.storage.records import MESSAGE_COLUMNS, message_record_of
from palaver.storage.schema import messages, user_conversations


@dataclass(frozen=True, slots=True)
class C2CPage:
    """A history page as ``viewer`` sees it (:func:`c2c_page`): up to ``limit``
    messages, newest first, and both sides' read positions."""

    messages: list[MessageRecord]
    my_read: int  # how far the viewer read the conversation
    peer_read: int  # how far the peer read it


def _side(owner: str, column: str) -> Any:
    """A column of ``owner``'s row of the conversation (NULL without one)."""
    uc = user_conversations.c
    return (
        select(uc[column])
        .where(
            uc.app_id == bindparam("app"),
            uc.owner == bindparam(owner),
            uc.conv_id == bindparam("conv"),
        )
        .scalar_subquery()
    )


#: How a page is anchored: not at all (the newest), by storage id, by MsgKey.
NEWEST, BY_ID, BY_KEY = 0, 1, 2


def _anchor(by: int) -> Any:
    """The anchor message's seq, NULL unless it is a message of the conversation.

    By MsgKey (``{seq}_{random}_{time}``) as ``find_by_key`` of the services: the
    message at that seq with that very key, else (a key ``batchsendmsg`` gave all
    its recipients) the conversation's oldest with that MsgRandom and time."""
    a = messages.alias("anchor")
    mine = (a.c.app_id == bindparam("app"), a.c.conv_id == bindparam("conv"))
    if by == BY_ID:
        return select(a.c.seq).where(*mine, a.c.id == bindparam("before_id")).scalar_subquery()
    b = messages.alias("anchor_copy")
    same_key = select(a.c.seq).where(
        *mine, a.c.seq == bindparam("key_seq"), a.c.msg_key == bindparam("key")
    )
    copy = (
        select(b.c.seq)
        .where(
            b.c.app_id == bindparam("app"),
            b.c.msg_time == bindparam("key_time"),
            b.c.conv_id == bindparam("conv"),
            b.c.random == bindparam("key_random"),
        )
        .order_by(b.c.seq)
        # literals: a prebuilt statement binds only named parameters, and SQLite's
        # compiler adds an OFFSET to any LIMIT
        .limit(literal_column("1"))
        .offset(literal_column("0"))
    )
    return func.coalesce(same_key.scalar_subquery(), copy.scalar_subquery())


def _page_query(by: int, since: bool, until: bool) -> Callable[[int], Any]:
    def build(_: int) -> Any:
        m = messages.c
        q = select(*(m[c] for c in MESSAGE_COLUMNS)).where(
            m.app_id == bindparam("app"),
            m.conv_id == bindparam("conv"),
            m.seq > func.coalesce(_side("viewer", "cleared_seq"), literal_column("0")),
            or_(
                m.from_account != bindparam("viewer"),
                m.flags.op("&")(literal_column(str(int(MessageFlag.NOT_IN_SENDER_ROAM))))
                == literal_column("0"),
            ),
            not_(hidden_for(bindparam("viewer"))),
        )
        if by != NEWEST:
            q = q.where(m.seq < _anchor(by))
        if since:
            q = q.where(m.msg_time >= bindparam("since"))
        if until:
            q = q.where(m.msg_time <= bindparam("until"))
        # OFFSET: SQLite's compiler renders one with any LIMIT; a parameter, as LIMIT's
        q = q.order_by(m.seq.desc()).limit(bindparam("limit")).offset(bindparam("offset"))
        page = q.subquery("page")
        head = select(
            _side("viewer", "read_seq").label("my_read"),
            _side("peer", "read_seq").label("peer_read"),
            (_anchor(by) if by != NEWEST else literal_column("0")).label("anchor"),
        ).subquery("head")
        # no ORDER BY out here: SQLite would sort the page's rows, bodies and all,
        # again in a temporary B-tree (a third of the statement's time at 1M
        # messages); c2c_page puts the few rows in order itself
        return select(head.c.my_read, head.c.peer_read, head.c.anchor, *page.c).select_from(
            head.outerjoin(page, true())
        )

    return build


_SEQ = itemgetter(3 + MESSAGE_COLUMNS.index("seq"))  # a page row's seq

_QUERIES = {
    (by, s, u): _page_query(by, s, u)
    for by in (NEWEST, BY_ID, BY_KEY)
    for s in (False, True)
    for u in (False, True)
}


def c2c_page(
    conn: Any,
    app_id: int,
    viewer: str,
    peer: str,
    *,
    before_id: int | None = None,
    before_key: str | None = None,
    min_time: int | None = None,
    max_time: int | None = None,
    limit: int,
) -> C2CPage | None:
    """``viewer``'s page of the C2C history with ``peer``: the newest ``limit``
    messages (newest first) past the viewer's cleared position that the viewer
    may see (not deleted for themselves, not kept out of their roaming as
    sender), older than the anchor — message ``before_id`` (storage id) or the
    message with MsgKey ``before_key`` (see :func:`_anchor`; at most one of them)
    — and with ``min_time <= msg_time <= max_time`` (unix s; ``None``: unbounded),
    with both read positions. ``None`` when the anchor is not a message of this
    conversation (a MsgKey not of Tencent's ``{seq}_{random}_{time}`` layout is
    none). ``conn``: a synchronous SQLAlchemy connection
    (:meth:`~palaver.storage.Database.run_read`)."""
    params: dict[str, Any] = {
        "app": app_id,
        "conv": c2c_conv_id(viewer, peer),
        "viewer": viewer,
        "peer": peer,
        "before_id": before_id,
        "since": min_time,
        "until": max_time,
        "limit": limit,
        "offset": 0,
    }
    by = NEWEST
    if before_id is not None:
        by = BY_ID
    elif before_key is not None:
        parts = parse_msg_key(before_key)
        if parts is None:
            return None
        by = BY_KEY
        params.update(key=before_key, key_seq=parts[0], key_random=parts[1], key_time=parts[2])
    since, until = min_time is not None, max_time is not None
    rows = prebuilt_rows(
        conn, f"c2c_page{by}{int(since)}{int(until)}", 1, _QUERIES[by, since, until], params
    )
    head = rows[0]
    if by != NEWEST and head[2] is None:
        return None
    page = sorted((r for r in rows if r[3] is not None), key=_SEQ, reverse=True)
    found = [message_record_of(r[3:]) for r in page]
    return C2CPage(found, int(head[0] or 0), int(head[1] or 0))
