"""The few statements that differ between SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
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


_COMPILED: dict[tuple[str, str], tuple[str, Callable[[Mapping[str, Any]], tuple[Any, ...]]]] = {}


def executemany(
    conn: Connection, name: str, build: Callable[[], Any], rows: Sequence[Mapping[str, Any]]
) -> None:
    """Run ``build()`` (an INSERT/upsert) for every row: one ``executemany`` of a
    statement compiled once per dialect and row shape, with plain tuples.

    For the group-commit writer's hot path: SQLAlchemy's per-row parameter
    processing is skipped, which matters with hundreds of rows per batch. Values
    must already be what the driver takes (int, str, bool, None). On SQLite it is
    one call of the ``sqlite3`` connection (see :func:`sqlite_driver`); errors are then
    the driver's (``sqlite3.Error``), not SQLAlchemy's wrappers.
    """
    if not rows:
        return
    columns = tuple(rows[0])
    key = (conn.dialect.name, name + ":" + ",".join(columns))
    hit = _COMPILED.get(key)
    if hit is None:
        compiled = build().compile(dialect=conn.dialect, column_keys=list(columns))
        positions = compiled.positiontup
        assert positions is not None, "executemany needs a positional paramstyle"
        get = itemgetter(*positions)
        pick = get if len(positions) > 1 else lambda r: (get(r),)
        hit = (str(compiled), pick)
        _COMPILED[key] = hit
    sql, pick = hit
    driver_executemany(conn, sql, list(map(pick, rows)))


def driver_executemany(conn: Connection, sql: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """Run driver SQL ``sql`` (positional parameters) for each tuple of ``rows``:
    on the ``sqlite3`` connection itself where there is one (:func:`sqlite_driver`),
    else through ``exec_driver_sql``."""
    raw = sqlite_driver(conn)
    if raw is not None:
        raw.executemany(sql, rows)
    else:
        conn.exec_driver_sql(sql, rows)


def sqlite_driver(conn: Connection) -> sqlite3.Connection | None:
    """The ``sqlite3`` connection under ``conn``, if it is one (the writer's and
    the readers' threads run on plain ``sqlite3``: ``Database.run_write`` and
    ``run_read``), else ``None`` (PostgreSQL, or aiosqlite under ``run_sync``,
    whose connection belongs to its own thread).

    Statements run on it directly skip SQLAlchemy's per-call work (execution
    context, cursor result and its metadata), most of the cost of a small
    statement. It is the same connection in the same transaction: Python's
    ``sqlite3`` opens the transaction before the first write, as it does for the
    statements SQLAlchemy runs, and SQLAlchemy commits or rolls it back."""
    raw = conn.connection.driver_connection
    return raw if isinstance(raw, sqlite3.Connection) else None


_QUERIES: dict[tuple[str, str, int], tuple[str, tuple[str, ...]]] = {}


def padded(n: int) -> int:
    """``n`` rounded up to a power of two (at least 1): the sizes :func:`prebuilt_rows`
    statements with ``n`` parameters are compiled for, so few are cached."""
    return 1 << max(0, n - 1).bit_length()


def _prebuilt(
    conn: Connection, name: str, n: int, build: Callable[[int], Any], params: Mapping[str, Any]
) -> tuple[str, tuple[Any, ...]]:
    key = (conn.dialect.name, name, n)
    hit = _QUERIES.get(key)
    if hit is None:
        compiled = build(n).compile(dialect=conn.dialect)
        positions = compiled.positiontup
        assert positions is not None, "prebuilt needs a positional paramstyle"
        hit = (str(compiled), tuple(positions))
        _QUERIES[key] = hit
    sql, names = hit
    return sql, tuple(params[k] for k in names)


def prebuilt_rows(
    conn: Connection, name: str, n: int, build: Callable[[int], Any], params: Mapping[str, Any]
) -> Sequence[Sequence[Any]]:
    """Run the statement ``build(n)`` with ``params`` and return its rows as plain
    tuples of driver values (also an ``UPDATE ... RETURNING``'s).

    The statement is compiled once per dialect, ``name`` and ``n`` into driver SQL
    with positional parameters: no statement construction, compilation or
    cache-key work per call, what costs most in the group-commit writer's small
    reads. ``build`` must use plain, non-expanding ``bindparam``\\ s (see
    :func:`padded` for ``IN`` lists). On SQLite it is one call of the ``sqlite3``
    connection (:func:`sqlite_driver`: no SQLAlchemy cursor result, row processing or
    metadata per call); on PostgreSQL the cursor result's rows."""
    sql, args = _prebuilt(conn, name, n, build, params)
    raw = sqlite_driver(conn)
    if raw is not None:
        rows: list[tuple[Any, ...]] = raw.execute(sql, args).fetchall()
        return rows
    return conn.exec_driver_sql(sql, args).all()
