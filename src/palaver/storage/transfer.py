"""Copy a whole Palaver database into another one (``palaver migrate-db``), e.g.
a SQLite deployment into PostgreSQL.

The source is read from one consistent snapshot: a SQLite source is first
copied with the online backup API (:func:`palaver.storage.backup.backup`), so
the server may keep running while the snapshot is taken; rows committed after
it are not in the copy (stop the server before the final run: docs/deploy.md).
The snapshot and the target are both migrated to this release's schema, then
every table is copied in primary-key order in batches, and each table's row
count is compared at the end. Ids are copied as they are; PostgreSQL's
``messages.id`` sequence is moved past the largest one. The message search
index (docs/search.md) is rebuilt on the target.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Table, delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.storage import search as search_store
from palaver.storage.backup import BackupError, backup
from palaver.storage.database import Database
from palaver.storage.schema import accounts, apps, messages, metadata

#: Rows per insert batch.
BATCH = 2000


class TransferError(Exception):
    """The copy cannot be made or did not match; the message says why."""


async def _count(conn: AsyncConnection, table: Table) -> int:
    return int(await conn.scalar(select(func.count()).select_from(table)) or 0)


async def _holds_data(db: Database) -> bool:
    """Whether a database has apps, accounts or messages (a fresh schema has
    only what migrations seed, such as counters)."""
    async with db.read() as conn:
        return any([await _count(conn, t) for t in (apps, accounts, messages)])


async def _copy_table(src: AsyncConnection, dst: Database, table: Table) -> int:
    copied = 0
    stream = await src.stream(select(table).order_by(*table.primary_key.columns))
    async for chunk in stream.mappings().partitions(BATCH):
        rows = [dict(r) for r in chunk]
        async with dst.write() as conn:
            await conn.execute(table.insert(), rows)
        copied += len(rows)
    return copied


async def transfer(
    src_url: str,
    dst_url: str,
    *,
    force: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Copy every table of ``src_url`` into ``dst_url``: {table: rows copied}.

    Raises:
        TransferError: the target holds rows and ``force`` is false, the
            snapshot fails, or a table's row count differs after the copy.
    """
    with tempfile.TemporaryDirectory(prefix="palaver-migrate-db-") as tmp:
        if src_url.startswith("sqlite"):
            snapshot = Path(tmp) / "snapshot.db"
            try:
                backup(src_url, snapshot)
            except BackupError as exc:
                raise TransferError(str(exc)) from None
            src_url = f"sqlite+aiosqlite:///{snapshot}"
        src, dst = Database.for_cli(src_url), Database.for_cli(dst_url)
        try:
            await src.migrate()
            await dst.migrate()
            if await _holds_data(dst) and not force:
                raise TransferError("the target database holds data; pass --force to replace it")
            async with dst.write() as conn:  # what migrations seeded, or --force
                for table in reversed(metadata.sorted_tables):
                    await conn.execute(delete(table))
            done: dict[str, int] = {}
            async with src.read() as conn:
                for table in metadata.sorted_tables:
                    done[table.name] = await _copy_table(conn, dst, table)
                    if progress is not None:
                        progress(table.name, done[table.name])
                    if await _count(conn, table) != done[table.name]:
                        raise TransferError(f"{table.name}: the source changed during the copy")
            async with dst.read() as conn:
                for table in metadata.sorted_tables:
                    n = await _count(conn, table)
                    if n != done[table.name]:
                        raise TransferError(
                            f"{table.name}: {done[table.name]} rows copied, {n} in the target"
                        )
            # the search index is not a table of the schema: built anew on the target
            indexed = await dst.run_write(search_store.rebuild)
            if progress is not None:
                progress("search index", indexed)
            if not dst.is_sqlite:
                async with dst.write() as conn:
                    await conn.execute(
                        text(
                            "SELECT setval(pg_get_serial_sequence('messages', 'id'),"
                            " (SELECT COALESCE(MAX(id), 0) + 1 FROM messages), false)"
                        )
                    )
            return done
        finally:
            await src.close()
            await dst.close()
