"""A C2C history page in one query (SDK ``getMessageList``).

One statement reads what a page needs: both sides' read positions, the anchor
message's sequence (the page is older than it; it must be a message of the
conversation) and the page itself, past the viewer's cleared position and
without what the viewer may not see. A header row (the positions and the anchor)
is left-joined with the page's rows, so a page with no message still has its
header. Compiled once per dialect and variant (:func:`~palaver.storage.dialect.prebuilt_rows`);
on SQLite the rows come from one call of the ``sqlite3`` driver (issue 16: a
history page is one query through one driver call).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, literal_column, not_, or_, select, true

from palaver.model.messages import MessageFlag, MessageRecord
from palaver.storage.dialect import prebuilt_rows
from palaver.storage.messages import c2c_conv_id, hidden_for
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


def _anchor() -> Any:
    """The anchor message's seq, NULL unless it is a message of the conversation."""
    a = messages.alias("anchor")
    return (
        select(a.c.seq)
        .where(
            a.c.app_id == bindparam("app"),
            a.c.id == bindparam("before_id"),
            a.c.conv_id == bindparam("conv"),
        )
        .scalar_subquery()
    )


def _page_query(before: bool, since: bool) -> Callable[[int], Any]:
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
        if before:
            q = q.where(m.seq < _anchor())
        if since:
            q = q.where(m.msg_time >= bindparam("since"))
        # OFFSET: SQLite's compiler renders one with any LIMIT; a parameter, as LIMIT's
        q = q.order_by(m.seq.desc()).limit(bindparam("limit")).offset(bindparam("offset"))
        page = q.subquery("page")
        head = select(
            _side("viewer", "read_seq").label("my_read"),
            _side("peer", "read_seq").label("peer_read"),
            (_anchor() if before else literal_column("0")).label("anchor"),
        ).subquery("head")
        return (
            select(head.c.my_read, head.c.peer_read, head.c.anchor, *page.c)
            .select_from(head.outerjoin(page, true()))
            .order_by(page.c.seq.desc())
        )

    return build


_QUERIES = {(b, s): _page_query(b, s) for b in (False, True) for s in (False, True)}


def c2c_page(
    conn: Any,
    app_id: int,
    viewer: str,
    peer: str,
    *,
    before_id: int | None,
    min_time: int | None,
    limit: int,
) -> C2CPage | None:
    """``viewer``'s page of the C2C history with ``peer``: the newest ``limit``
    messages (newest first) past the viewer's cleared position that the viewer
    may see (not deleted for themselves, not kept out of their roaming as
    sender), older than message ``before_id`` and not older than ``min_time``
    (unix s), with both read positions. ``None`` when ``before_id`` is not a
    message of this conversation. ``conn``: a synchronous SQLAlchemy connection
    (:meth:`~palaver.storage.Database.run_read`)."""
    before, since = before_id is not None, min_time is not None
    params = {
        "app": app_id,
        "conv": c2c_conv_id(viewer, peer),
        "viewer": viewer,
        "peer": peer,
        "before_id": before_id,
        "since": min_time,
        "limit": limit,
        "offset": 0,
    }
    rows = prebuilt_rows(
        conn, f"c2c_page{int(before)}{int(since)}", 1, _QUERIES[before, since], params
    )
    head = rows[0]
    if before and head[2] is None:
        return None
    found = [message_record_of(r[3:]) for r in rows if r[3] is not None]
    return C2CPage(found, int(head[0] or 0), int(head[1] or 0))
