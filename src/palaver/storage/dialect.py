"""The few statements that differ between SQLite and PostgreSQL."""

from __future__ import annotations

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
    must already be what the driver takes (int, str, bool, None).
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
    conn.exec_driver_sql(sql, list(map(pick, rows)))


_QUERIES: dict[tuple[str, str, int], tuple[str, tuple[str, ...]]] = {}


def padded(n: int) -> int:
    """``n`` rounded up to a power of two (at least 1): the sizes :func:`prebuilt`
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


def prebuilt(
    conn: Connection, name: str, n: int, build: Callable[[int], Any], params: Mapping[str, Any]
) -> Any:
    """Run the statement ``build(n)`` with ``params``, compiled once per dialect,
    ``name`` and ``n`` into driver SQL with positional parameters (no statement
    construction, compilation or cache-key work per call: what costs most in the
    group-commit writer's small reads). ``build`` must use plain, non-expanding
    ``bindparam``\\ s (see :func:`padded` for ``IN`` lists). Returns the cursor result."""
    return conn.exec_driver_sql(*_prebuilt(conn, name, n, build, params))


def prebuilt_rows(
    conn: Connection, name: str, n: int, build: Callable[[int], Any], params: Mapping[str, Any]
) -> Sequence[Sequence[Any]]:
    """:func:`prebuilt`'s rows as plain tuples of driver values. On SQLite it is
    one call of the ``sqlite3`` connection (no SQLAlchemy cursor result, row
    processing or metadata per call: for a hot read of a few rows that is most
    of its cost); on PostgreSQL the cursor result's rows."""
    sql, args = _prebuilt(conn, name, n, build, params)
    if conn.dialect.name == "sqlite":
        raw: Any = conn.connection.driver_connection
        rows: list[tuple[Any, ...]] = raw.execute(sql, args).fetchall()
        return rows
    return conn.exec_driver_sql(sql, args).all()
