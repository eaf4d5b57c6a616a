"""Operators' commands: ``backup``, ``restore`` and ``migrate`` (docs/deploy.md).

Commands::

    palaver backup DEST            a consistent copy of the live database
    palaver restore BACKUP         put a backup in place (server stopped), then migrate
    palaver migrate                upgrade the schema to this release's (``--check``: only tell)
    palaver migrate-db --from URL --to URL        copy a database (SQLite → PostgreSQL)
    palaver stats [--days N]       apps, accounts, groups, messages per day, storage used
    palaver account export APP USER [-o FILE]   one user's data as JSON
    palaver account erase APP USER [--messages redact|keep] --yes

Each takes the storage options of every command (``--data-dir``,
``--database-url``, ``--config``). Exit codes: 0 done, 1 failed (the reason on
stderr, without secrets), 2 bad options.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import click
import orjson
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from palaver.cli.common import SettingsSource, _console, _fail, safe_url, settings_options
from palaver.errors import ImError
from palaver.storage import Database
from palaver.storage import stats as stats_store
from palaver.storage.backup import BackupError, backup, restore
from palaver.storage.transfer import TransferError, transfer

if TYPE_CHECKING:
    from palaver.services.userdata import UserData


async def _migrate(url: str) -> tuple[str | None, str | None]:
    """Upgrade the database at ``url``: (revision before, revision after)."""
    db = Database.for_cli(url)
    try:
        before = await db.revision()
        await db.migrate()
        return before, await db.revision()
    finally:
        await db.close()


def _migrated(url: str) -> tuple[str | None, str | None]:
    try:
        return asyncio.run(_migrate(url))
    except (OSError, SQLAlchemyError) as exc:
        _fail(f"error: database {safe_url(url)}: {exc}")


@click.command("backup")
@click.argument("dest", type=click.Path(dir_okay=False, path_type=Path))
@settings_options
def backup_cmd(dest: Path, source: SettingsSource) -> None:
    """Write a consistent backup of the database to DEST (a new file) while the
    server runs: SQLite's online backup API, or pg_dump's custom format."""
    settings = source.load()
    url = settings.effective_database_url
    try:
        kind = backup(url, dest)
    except BackupError as exc:
        _fail(f"error: {exc}")
    size = dest.stat().st_size
    _console().print(
        f"Backed up {safe_url(url)} to {dest} ({kind}, {size:,} bytes)", soft_wrap=True
    )


@click.command("restore")
@click.argument("backup_file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that is already there.")
@settings_options
def restore_cmd(backup_file: Path, force: bool, source: SettingsSource) -> None:
    """Restore BACKUP_FILE (made by ``palaver backup``) into the data folder or
    database given, with every server on it stopped; then migrate it to this
    release's schema."""
    settings = source.load()
    url = settings.effective_database_url
    try:
        kind = restore(backup_file, url, force=force)
    except BackupError as exc:
        _fail(f"error: {exc}")
    before, after = _migrated(url)
    out = _console()
    out.print(f"Restored {backup_file} ({kind}) into {safe_url(url)}", soft_wrap=True)
    if before != after:
        out.print(f"Migrated the schema from {before} to {after}")


@click.command("migrate")
@click.option("--check", is_flag=True, help="Only tell whether a migration is due (exit 3 if so).")
@settings_options
def migrate_cmd(check: bool, source: SettingsSource) -> None:
    """Upgrade the database schema to this release's (servers also do it at start)."""
    settings = source.load()
    url = settings.effective_database_url
    if check:
        current, head = _revisions(url)
        _console().print(f"database at {current or 'empty'}, this release at {head}")
        if current != head:
            raise click.exceptions.Exit(3)
        return
    before, after = _migrated(url)
    if before == after:
        _console().print(f"{safe_url(url)} is up to date ({after})", soft_wrap=True)
    else:
        _console().print(
            f"Migrated {safe_url(url)} from {before or 'empty'} to {after}", soft_wrap=True
        )


def _revisions(url: str) -> tuple[str | None, str]:
    async def go() -> tuple[str | None, str]:
        db = Database.for_cli(url)
        try:
            return await db.revision(), Database.head_revision()
        finally:
            await db.close()

    try:
        return asyncio.run(go())
    except (OSError, SQLAlchemyError) as exc:
        _fail(f"error: database {safe_url(url)}: {exc}")


@click.command("migrate-db")
@click.option("--from", "src", required=True, metavar="URL", help="The database to copy.")
@click.option("--to", "dst", required=True, metavar="URL", help="The database to copy into.")
@click.option("--force", is_flag=True, help="Replace what the target database holds.")
def migrate_db_cmd(src: str, dst: str, force: bool) -> None:
    """Copy every table of one database into another, e.g. a SQLite deployment
    into PostgreSQL (sqlite+aiosqlite:///srv/palaver/palaver.db →
    postgresql+asyncpg://palaver@db/palaver), then compare row counts."""
    out = _console()

    def progress(table: str, rows: int) -> None:
        out.print(
            f"  {table}: {rows:,} {'messages indexed' if table == 'search index' else 'rows'}"
        )

    out.print(f"Copying {safe_url(src)} → {safe_url(dst)}", soft_wrap=True)
    try:
        done = asyncio.run(transfer(src, dst, force=force, progress=progress))
    except TransferError as exc:
        _fail(f"error: {exc}")
    except (OSError, SQLAlchemyError) as exc:
        _fail(f"error: {type(exc).__name__}: {exc}")
    out.print(f"Copied {sum(done.values()):,} rows in {len(done)} tables; row counts match")


@click.command("stats")
@click.option("--days", type=click.IntRange(1, 366), default=7, show_default=True,
              help="Days of messages-per-day to show.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of tables.")
@settings_options
def stats_cmd(days: int, as_json: bool, source: SettingsSource) -> None:
    """Apps, accounts, groups, messages (C2C and group), messages per day (UTC)
    and the storage the database takes. Online users: ``palaver_online_users``
    on each node's /metrics."""
    url = source.load().effective_database_url
    today = int(time.time()) // stats_store.DAY * stats_store.DAY
    since = today - (days - 1) * stats_store.DAY

    async def go() -> tuple[list[stats_store.AppFigures], int]:
        db = Database.for_cli(url)
        try:
            await db.migrate()
            async with db.read() as conn:
                return await stats_store.app_figures(conn, since), await stats_store.size_bytes(
                    conn
                )
        finally:
            await db.close()

    try:
        figures, size = asyncio.run(go())
    except (OSError, SQLAlchemyError) as exc:
        _fail(f"error: database {safe_url(url)}: {exc}")
    day_list = [since + i * stats_store.DAY for i in range(days)]
    if as_json:
        doc = {
            "StorageBytes": size,
            "Apps": [
                {
                    "SDKAppID": f.sdkappid,
                    "Accounts": f.accounts,
                    "Groups": f.groups,
                    "C2CMessages": f.c2c_messages,
                    "GroupMessages": f.group_messages,
                    "MessagesPerDay": {_day(d): f.per_day.get(d, 0) for d in day_list},
                }
                for f in figures
            ],
        }
        click.echo(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode())
        return
    out = _console()
    out.print(f"Database {safe_url(url)}: {size:,} bytes", soft_wrap=True)
    table = Table(title="Apps", title_justify="left")
    for name in ("SDKAppID", "Accounts", "Groups", "C2C messages", "Group messages"):
        table.add_column(name, justify="right", no_wrap=True)
    for f in figures:
        table.add_row(
            str(f.sdkappid),
            f"{f.accounts:,}",
            f"{f.groups:,}",
            f"{f.c2c_messages:,}",
            f"{f.group_messages:,}",
        )
    out.print(table)
    per_day = Table(title="Messages per day (UTC)", title_justify="left")
    per_day.add_column("Day", no_wrap=True)
    for f in figures:
        per_day.add_column(str(f.sdkappid), justify="right", no_wrap=True)
    for d in day_list:
        per_day.add_row(_day(d), *(f"{f.per_day.get(d, 0):,}" for f in figures))
    out.print(per_day)


def _day(t: int) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d")


T = TypeVar("T")


def _with_userdata(url: str, work: Callable[[UserData], Awaitable[T]]) -> T:
    async def go() -> T:
        db = Database.for_cli(url)
        try:
            await db.migrate()
            from palaver.services.userdata import UserData  # the services: only here

            return await work(UserData(db))
        finally:
            await db.close()

    try:
        return asyncio.run(go())
    except ImError as exc:
        _fail(f"error {exc.code}: {exc.info}")
    except (OSError, SQLAlchemyError) as exc:
        _fail(f"error: database {safe_url(url)}: {exc}")


@click.group("account")
def account() -> None:
    """Move one user's data out, or erase it (docs/deploy.md, "A user's data")."""


@account.command("export")
@click.argument("sdkappid", type=int)
@click.argument("user_id")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the JSON document here (default: stdout).",
)
@settings_options
def account_export(
    sdkappid: int, user_id: str, output: Path | None, source: SettingsSource
) -> None:
    """Write USER_ID's profile, friends, conversations, groups, messages and media
    references as one JSON document."""
    url = source.load().effective_database_url
    doc: dict[str, Any] = _with_userdata(url, lambda data: data.export(sdkappid, user_id))
    raw = orjson.dumps(doc, option=orjson.OPT_INDENT_2) + b"\n"
    if output is None:
        click.echo(raw.decode(), nl=False)
        return
    output.write_bytes(raw)
    click.echo(
        f"Exported {user_id}: {len(doc['Messages'])} messages, {len(doc['Media'])} media "
        f"references to {output}",
        err=True,
    )


@account.command("erase")
@click.argument("sdkappid", type=int)
@click.argument("user_id")
@click.option(
    "--messages",
    type=click.Choice(["redact", "keep"]),
    default="redact",
    show_default=True,
    help="redact: blank the messages the user sent (peers see them recalled); "
    "keep: leave them as Tencent's account_delete does.",
)
@click.option("--yes", is_flag=True, help="Do it (without it, nothing is erased).")
@settings_options
def account_erase(
    sdkappid: int, user_id: str, messages: str, yes: bool, source: SettingsSource
) -> None:
    """Erase USER_ID and everything only they have; on a running server prefer REST
    account_delete with account_delete_mode, which also closes their connections."""
    if not yes:
        _fail("error: erasing cannot be undone; pass --yes to erase", 2)
    url = source.load().effective_database_url
    rule: Literal["redact", "keep"] = "redact" if messages == "redact" else "keep"
    done = _with_userdata(url, lambda data: data.erase(sdkappid, user_id, rule))
    changed = ", ".join(f"{name} {n}" for name, n in sorted(done.items()) if n)
    _console().print(f"Erased {user_id} from app {sdkappid}: {changed}", soft_wrap=True)


def register_ops(group: click.Group) -> None:
    """Add the operators' commands to the ``palaver`` group."""
    for cmd in (backup_cmd, restore_cmd, migrate_cmd, migrate_db_cmd, stats_cmd, account):
        group.add_command(cmd)
