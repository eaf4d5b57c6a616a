"""A login's reads on one connection in one thread hop (issue 20, cheaper logins).

Where a client's streams resume (:meth:`~palaver.services.sessions.SessionService.plan`)
takes the user's stream head, the oldest event still stored (for a client with a
cursor) and the user's group memberships with their heads; the login's status
change (:meth:`~palaver.services.sessions.SessionService.login`) the user's
status subscribers. Through aiosqlite
each statement costs several hops to its thread (execute, fetch, close, and the
pool's rollback); :func:`login_read` runs them as synchronous Core on one
connection, which ``Database.run_read`` hands to a reader thread in one hop (on
PostgreSQL it runs on the async engine's connection as before). Its statements
are built once, with bind parameters (issue 16: building them cost more than
running them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from palaver.storage.dialect import prebuilt_rows
from palaver.storage.events import first_seq_query, head_query
from palaver.storage.groups import membership_rows, memberships_query
from palaver.storage.people import status_subscribers_sync
from palaver.storage.records import GroupRow, MemberRow


@dataclass(frozen=True)
class LoginRead:
    """What a login reads: ``head`` the last seq of the user's stream (0: empty);
    ``oldest`` the oldest seq still stored (``None``: none, or not asked);
    ``memberships`` (group, membership) of every group the user is in, newest
    join first; ``subscribers`` who follow the user's status (``None``: not asked)."""

    head: int
    oldest: int | None
    memberships: list[tuple[GroupRow, MemberRow]]
    subscribers: list[str] | None = None


def _scalar(conn: Connection, name: str, stmt: Any, params: dict[str, Any]) -> Any:
    """The first column of the first row of a prebuilt statement (``None``: no row);
    on SQLite one call of the ``sqlite3`` connection (:func:`~palaver.storage.dialect.prebuilt_rows`)."""
    rows = prebuilt_rows(conn, name, 1, lambda _: stmt, params)
    return rows[0][0] if rows else None


def login_read(
    conn: Connection, app_id: int, user_id: str, with_oldest: bool, with_subscribers: bool = False
) -> LoginRead:
    """The reads of ``user_id``'s login (``with_oldest``: the client has a cursor;
    ``with_subscribers``: also who follows the user's status, whom the login's
    status change is told)."""
    head = _scalar(conn, "user_head", *head_query(app_id, user_id))
    oldest = _scalar(conn, "first_seq", *first_seq_query(app_id, user_id)) if with_oldest else None
    rows = membership_rows(conn.execute(*memberships_query(app_id, user_id)).mappings())
    subscribers = status_subscribers_sync(conn, app_id, user_id) if with_subscribers else None
    return LoginRead(int(head or 0), None if oldest is None else int(oldest), rows, subscribers)
