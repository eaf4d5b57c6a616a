"""Backups of a live database and their restore (``palaver backup`` / ``palaver restore``).

- **SQLite**: SQLite's online backup API (:meth:`sqlite3.Connection.backup`)
  copies every page in one step under a read transaction. In WAL mode readers
  never block the writer, so the server keeps storing messages while the copy
  runs, and the copy is the database as of one committed transaction: every
  message acknowledged before the backup started is in it, and no message is
  half in it. The copy is checked (``PRAGMA quick_check``) before it is named
  as the backup.
- **PostgreSQL**: ``pg_dump --format=custom`` (one consistent snapshot, the
  documented way to back up a running PostgreSQL) and ``pg_restore``. The
  password of the URL goes to the tools in ``PGPASSWORD``, never on their
  command line.

A backup file says what it is by its first bytes (``SQLite format 3`` or
``PGDMP``): :func:`backup_kind`. Restoring a SQLite backup into PostgreSQL or
the other way round is refused (``palaver migrate-db`` moves data between them).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Literal

from sqlalchemy.engine import URL, make_url

BackupKind = Literal["sqlite", "postgresql"]

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore cannot be done; the message says why (no secrets)."""


def sqlite_path(url: str) -> Path:
    """The file of a ``sqlite[+driver]:///path`` URL.

    Raises:
        BackupError: an in-memory or malformed SQLite URL.
    """
    u = make_url(url)
    if not u.drivername.startswith("sqlite") or not u.database or u.database == ":memory:":
        raise BackupError("an on-disk SQLite database is needed")
    return Path(u.database)


def _pg(url: str) -> tuple[str, dict[str, str]]:
    """(a libpq URL without the password, the environment with ``PGPASSWORD``)."""
    u: URL = make_url(url)
    env = dict(os.environ)
    if u.password is not None:
        env["PGPASSWORD"] = str(u.password)
    plain = u.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return path


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {done.stderr.strip()[-2000:]}")


def backup_kind(path: Path) -> BackupKind:
    """What a backup file holds, from its first bytes.

    Raises:
        BackupError: not a file, or neither a SQLite database nor a ``pg_dump`` archive.
    """
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror}") from None
    if head == SQLITE_MAGIC:
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is neither a SQLite database nor a pg_dump custom archive")


def backup(url: str, dest: Path) -> BackupKind:
    """Write a consistent backup of the database at ``url`` to ``dest`` (a new
    file), while the server may be running.

    Raises:
        BackupError: ``dest`` exists, the database cannot be read, the copy
            fails its check, or ``pg_dump`` is missing or fails.
    """
    if dest.exists():
        raise BackupError(f"{dest} exists already; choose a new file")
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    part.unlink(missing_ok=True)
    try:
        if url.startswith("sqlite"):
            kind: BackupKind = "sqlite"
            _sqlite_copy(sqlite_path(url), part, must_exist=True)
        else:
            kind = "postgresql"
            target, env = _pg(url)
            _run(
                [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(part), target],
                env,
            )
        part.rename(dest)
    finally:
        part.unlink(missing_ok=True)
    return kind


def _sqlite_copy(src: Path, dest: Path, *, must_exist: bool) -> None:
    """Copy the SQLite database ``src`` into ``dest`` with the backup API, then
    check ``dest`` (``quick_check``) and leave it as one file (no WAL)."""
    if must_exist and not src.is_file():
        raise BackupError(f"no database at {src}")
    try:
        source = sqlite3.connect(src, timeout=30)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot open {src}: {exc}") from None
    try:
        target = sqlite3.connect(dest)
        try:
            source.backup(target)  # every page in one step: one consistent snapshot
            target.execute("PRAGMA journal_mode=DELETE")
            (verdict,) = target.execute("PRAGMA quick_check").fetchone()
            if verdict != "ok":
                raise BackupError(f"the copy of {src} failed its check: {verdict}")
        finally:
            target.close()
    except sqlite3.Error as exc:
        raise BackupError(f"copying {src} failed: {exc}") from None
    finally:
        source.close()


def restore(backup_file: Path, url: str, *, force: bool = False) -> BackupKind:
    """Restore ``backup_file`` into the database at ``url`` (the server stopped).

    SQLite: the backup becomes the database file (a WAL or journal left by
    the previous one is removed). PostgreSQL: ``pg_restore --clean --if-exists``
    into the (existing) database. Migrations are the caller's next step.

    Raises:
        BackupError: the kinds differ, the target holds a database and
            ``force`` is false (SQLite: the file exists; PostgreSQL: the
            schema has tables), or the restore fails.
    """
    kind = backup_kind(backup_file)
    target_kind: BackupKind = "sqlite" if url.startswith("sqlite") else "postgresql"
    if kind != target_kind:
        raise BackupError(
            f"a {kind} backup cannot be restored into {target_kind}; "
            "restore it into its own kind, then use palaver migrate-db"
        )
    if kind == "sqlite":
        path = sqlite_path(url)
        if path.exists() and not force:
            raise BackupError(f"{path} exists; stop the server and pass --force to replace it")
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(path.name + ".restoring")
        part.unlink(missing_ok=True)
        try:
            _sqlite_copy(backup_file, part, must_exist=True)
            for suffix in ("-wal", "-shm", "-journal"):
                with contextlib.suppress(FileNotFoundError):
                    path.with_name(path.name + suffix).unlink()
            part.replace(path)
        finally:
            part.unlink(missing_ok=True)
        return kind
    target, env = _pg(url)
    if not force and _pg_has_tables(target, env):
        raise BackupError(
            "the target database has tables; stop the servers and pass --force to replace them"
        )
    _run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            target,
            str(backup_file),
        ],
        env,
    )
    return kind


def _pg_has_tables(target: str, env: dict[str, str]) -> bool:
    done = subprocess.run(
        [
            _tool("psql"),
            "--no-psqlrc",
            "--tuples-only",
            "--no-align",
            "--command",
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()",
            target,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"psql failed: {done.stderr.strip()[-2000:]}")
    return int(done.stdout.strip() or 0) > 0
