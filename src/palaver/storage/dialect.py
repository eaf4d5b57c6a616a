"""The few statements that differ between SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

AnyConnection = Connection | AsyncConnection


def _insert(conn: AnyConnection, table: Table) -> Any:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def insert_ignore(conn: AnyConnection, table: Table, key: list[str]) -> Any:
    """``INSERT ... ON CONFLICT (key) DO NOTHING``."""
    return _insert(conn, table).on_conflict_do_nothing(index_elements=key)


def upsert(conn: AnyConnection, table: Table, key: list[str], update: list[str]) -> Any:
    """``INSERT ... ON CONFLICT (key) DO UPDATE SET col = excluded.col`` for ``update``."""
    stmt = _insert(conn, table)
    return stmt.on_conflict_do_update(
        index_elements=key, set_={c: stmt.excluded[c] for c in update}
    )


def insert_on_conflict(conn: AnyConnection, table: Table) -> Any:
    """A dialect ``insert`` supporting ``on_conflict_do_update`` / ``returning``."""
    return _insert(conn, table)
