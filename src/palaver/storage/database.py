"""The database engine: SQLite (WAL) by default, PostgreSQL through asyncpg.

Only :mod:`palaver.storage` talks SQL.  :class:`Database` owns the async
engine, applies the SQLite pragmas on every connection, runs the Alembic
migrations at start and hands out transactions.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool, StaticPool

P = ParamSpec("P")
R = TypeVar("R")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _inline_pragmas(dbapi_conn: Any, record: Any) -> None:
    """:meth:`Database.read_now`'s connection: reads only, never a busy wait."""
    _sqlite_pragmas(dbapi_conn, record)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=0")
    cur.execute("PRAGMA query_only=ON")
    cur.close()


def _is_busy(exc: Exception) -> bool:
    """SQLite's ``SQLITE_BUSY`` (``database is locked``), wrapped or not."""
    orig = getattr(exc, "orig", exc)
    return isinstance(orig, sqlite3.OperationalError) and "locked" in str(orig)


class Database:
    """An async SQLAlchemy engine plus a write lock for SQLite.

    Args:
        url: SQLAlchemy URL, ``sqlite+aiosqlite:///path`` or
            ``postgresql+asyncpg://user@host/db``.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        kwargs: dict[str, Any] = {}
        if self.is_sqlite:
            path = url.split("///", 1)[1] if "///" in url else ""
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
        else:
            kwargs = {"pool_size": 10, "max_overflow": 20, "pool_pre_ping": True}
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        # SQLite has one writer at a time; serialising writers in-process avoids
        # SQLITE_BUSY storms. PostgreSQL relies on row locks instead.
        self._write_lock = asyncio.Lock() if self.is_sqlite else None
        self._sync_writer: Engine | None = None
        self._writer_thread: ThreadPoolExecutor | None = None
        self._sync_reader: Engine | None = None
        self._reader_threads: ThreadPoolExecutor | None = None
        self._inline: Connection | None = None

    @classmethod
    def for_cli(cls, url: str) -> Database:
        """A database for short-lived CLI commands (no connection pool kept)."""
        db = cls.__new__(cls)
        db.url = url
        db.is_sqlite = url.startswith("sqlite")
        if db.is_sqlite and "///" in url:
            Path(url.split("///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
        db.engine = create_async_engine(url, poolclass=NullPool)
        if db.is_sqlite:
            event.listen(db.engine.sync_engine, "connect", _sqlite_pragmas)
        db._write_lock = asyncio.Lock() if db.is_sqlite else None
        db._sync_writer = None
        db._writer_thread = None
        db._sync_reader = None
        db._reader_threads = None
        db._inline = None
        return db

    @staticmethod
    def head_revision() -> str:
        """The newest Alembic revision this release knows."""
        cfg = Config()
        cfg.set_main_option("script_location", str(resources.files("palaver") / "migrations"))
        head = ScriptDirectory.from_config(cfg).get_current_head()
        assert head is not None
        return head

    async def revision(self) -> str | None:
        """The schema's Alembic revision (``None``: an empty database)."""

        def current(sync_conn: Connection) -> str | None:
            return MigrationContext.configure(sync_conn).get_current_revision()

        async with self.engine.connect() as conn:
            return await conn.run_sync(current)

    async def migrate(self, revision: str = "head") -> None:
        """Create or upgrade the schema to ``revision`` (default: the newest)."""
        script_location = str(resources.files("palaver") / "migrations")

        def upgrade(sync_conn: Connection) -> None:
            cfg = Config()
            cfg.set_main_option("script_location", script_location)
            cfg.attributes["connection"] = sync_conn
            command.upgrade(cfg, revision)

        async with self.engine.begin() as conn:
            await conn.run_sync(upgrade)

    async def ping(self) -> None:
        """Run ``SELECT 1`` on a fresh checkout (``/readyz``); raises on failure."""
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    def pool_status(self) -> tuple[int, int]:
        """(connections in the pool, of which checked out now); (0, 0) without a pool."""
        pool: Any = self.engine.pool
        size = getattr(pool, "size", None)
        out = getattr(pool, "checkedout", None)
        if not callable(size) or not callable(out):
            return 0, 0
        return int(size()), int(out())

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A connection for reads (autocommit semantics; no lock)."""
        async with self.engine.connect() as conn:
            yield conn

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """A transaction for writes, committed on success, rolled back on error."""
        if self._write_lock is None:
            async with self.engine.begin() as conn:
                yield conn
            return
        async with self._write_lock, self.engine.begin() as conn:
            yield conn

    async def run_write(
        self, fn: Callable[Concatenate[Connection, P], R], *args: P.args, **kwargs: P.kwargs
    ) -> R:
        """Run ``fn(conn, *args)`` — synchronous SQLAlchemy Core — in one write transaction.

        On SQLite it runs in a dedicated writer thread on a plain ``sqlite3``
        connection: one thread hop per transaction instead of one per statement
        (aiosqlite hops for each), which is what makes group commit cheap. On
        PostgreSQL it runs on the async engine through ``run_sync``.
        """
        if not self.is_sqlite:
            async with self.engine.begin() as conn:
                return await conn.run_sync(fn, *args, **kwargs)
        if self._sync_writer is None:
            self._sync_writer = create_engine(
                self.url.replace("+aiosqlite", ""),
                poolclass=StaticPool,
                connect_args={"check_same_thread": False},
            )
            event.listen(self._sync_writer, "connect", _sqlite_pragmas)
            self._writer_thread = ThreadPoolExecutor(1, thread_name_prefix="palaver-sqlite-writer")
        engine = self._sync_writer

        def job() -> R:
            with engine.begin() as conn:
                return fn(conn, *args, **kwargs)

        assert self._write_lock is not None
        async with self._write_lock:
            return await asyncio.get_running_loop().run_in_executor(self._writer_thread, job)

    async def run_read(
        self, fn: Callable[Concatenate[Connection, P], R], *args: P.args, **kwargs: P.kwargs
    ) -> R:
        """Run ``fn(conn, *args)`` — synchronous SQLAlchemy Core reads — on one read
        connection in **one** thread hop: on SQLite in a reader thread on a pooled
        plain ``sqlite3`` connection (aiosqlite hops for every execute, fetch and
        close), on PostgreSQL on the async engine through ``run_sync``. For reads on
        a hot path that take several statements (a history page)."""
        if not self.is_sqlite:
            async with self.engine.connect() as conn:
                return await conn.run_sync(fn, *args, **kwargs)
        if self._sync_reader is None:
            self._sync_reader = create_engine(
                self.url.replace("+aiosqlite", ""),
                pool_size=2,
                connect_args={"check_same_thread": False},
            )
            event.listen(self._sync_reader, "connect", _sqlite_pragmas)
            self._reader_threads = ThreadPoolExecutor(2, thread_name_prefix="palaver-sqlite-reader")
        engine = self._sync_reader

        def job() -> R:
            with engine.connect() as conn:
                return fn(conn, *args, **kwargs)

        return await asyncio.get_running_loop().run_in_executor(self._reader_threads, job)

    async def read_now(
        self, fn: Callable[Concatenate[Connection, P], R], *args: P.args, **kwargs: P.kwargs
    ) -> R:
        """Run ``fn(conn, *args)`` — one short read: a single indexed statement of
        a few rows through one driver call (a history page) — with no thread hop.

        On SQLite it runs on the event loop's own thread on a connection kept for
        it (``query_only``, no busy wait): a read of ~100 µs costs less than the
        hop to a reader thread and back. Should SQLite answer ``SQLITE_BUSY`` (in
        WAL mode: another connection holds the database exclusively, or recovers
        the log) it runs in a reader thread instead (:meth:`run_read`), so the loop never waits on a lock;
        ``fn`` must be a pure read, safe to run twice. It does wait on the disk if
        the pages it reads are not in the OS cache. On PostgreSQL: :meth:`run_read`.
        """
        if not self.is_sqlite:
            return await self.run_read(fn, *args, **kwargs)
        try:
            conn = self._inline or self._open_inline()
            try:
                return fn(conn, *args, **kwargs)
            finally:
                if conn.in_transaction():  # no snapshot held past the call
                    conn.rollback()
        except (OperationalError, sqlite3.OperationalError) as exc:  # wrapped or a driver call
            if not _is_busy(exc):
                raise
        return await self.run_read(fn, *args, **kwargs)

    def _open_inline(self) -> Connection:
        engine = create_engine(
            self.url.replace("+aiosqlite", ""),
            poolclass=StaticPool,
            connect_args={"check_same_thread": False, "timeout": 0},
        )
        event.listen(engine, "connect", _inline_pragmas)
        try:
            self._inline = engine.connect()
        except BaseException:
            engine.dispose()
            raise
        return self._inline

    async def close(self) -> None:
        """Dispose of the engines and their pooled connections."""
        if self._inline is not None:
            inline, self._inline = self._inline, None
            inline.close()
            inline.engine.dispose()
        if self._sync_reader is not None:
            assert self._reader_threads is not None
            self._reader_threads.shutdown(wait=True)
            self._sync_reader.dispose()
        if self._sync_writer is not None:
            self._sync_writer.dispose()
            assert self._writer_thread is not None
            self._writer_thread.shutdown(wait=True)
        await self.engine.dispose()
