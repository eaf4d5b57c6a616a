"""What every ``palaver`` command shares: the storage options, how to fail, and
opening the database (migrated) for a command.

``--data-dir``, ``--database-url`` and ``--config`` are read the same way by
every command that opens the database: an option wins over its ``PALAVER_*``
variable, which wins over the TOML file (:class:`palaver.settings.Settings`).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click
from rich.console import Console
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from palaver.errors import Code, ImError
from palaver.services.apps import App, AppService
from palaver.settings import Settings, SettingsError
from palaver.storage import Database

R = TypeVar("R")
T = TypeVar("T")

#: The data folder used when neither ``--data-dir`` nor ``PALAVER_DATA_DIR`` is set.
DEFAULT_DATA_DIR = Path("palaver-data")


def _console() -> Console:
    """A rich console on the current stdout (made per call, so test runners can capture it)."""
    return Console(highlight=False)


def _fail(message: str, code: int = 1) -> NoReturn:
    """Print ``message`` on stderr and exit with ``code``."""
    click.echo(message, err=True)
    raise click.exceptions.Exit(code)


def safe_url(url: str) -> str:
    """``url`` with any password masked, fit for logs and terminal output."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split(":", 1)[0] + ":<unparsed URL>"


# --- settings options shared by serve, demo and app -------------------------------------------


@dataclass(frozen=True)
class SettingsSource:
    """The storage options a command was given; :meth:`load` turns them into settings."""

    config_file: Path | None = None
    data_dir: Path | None = None
    database_url: str | None = None

    def load(self, **overrides: Any) -> Settings:
        """Settings from these options plus ``overrides``; a bad setting exits 2."""
        try:
            return Settings.load(
                self.config_file,
                data_dir=self.data_dir,
                database_url=self.database_url,
                **overrides,
            )
        except SettingsError as exc:
            _fail(f"error: {exc}", 2)


def settings_options(fn: Callable[..., R]) -> Callable[..., R]:
    """Add ``--data-dir``, ``--database-url`` and ``--config``, passed on as ``source``."""

    @functools.wraps(fn)
    def wrapper(
        *args: Any,
        data_dir: Path | None,
        database_url: str | None,
        config_file: Path | None,
        **kwargs: Any,
    ) -> R:
        source = SettingsSource(config_file, data_dir, database_url)
        return fn(*args, source=source, **kwargs)

    options = [
        click.option(
            "--config",
            "config_file",
            type=click.Path(dir_okay=False, path_type=Path),
            help="TOML settings file (default: $PALAVER_CONFIG).",
        ),
        click.option(
            "--database-url",
            metavar="URL",
            help="SQLAlchemy URL, e.g. postgresql+asyncpg://user@host/db "
            "(default: $PALAVER_DATABASE_URL, else SQLite in the data folder).",
        ),
        click.option(
            "--data-dir",
            type=click.Path(file_okay=False, path_type=Path),
            help="Data folder for the SQLite database (default: $PALAVER_DATA_DIR or ./palaver-data).",
        ),
    ]
    decorated: Callable[..., R] = wrapper
    for option in options:
        decorated = option(decorated)
    return decorated


# --- the database, for the commands that open it ---------------------------------------------


def _iso(t: int) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def _with_apps(settings: Settings, work: Callable[[AppService], Awaitable[T]]) -> T:
    """Open the database (migrated), run ``work`` with an AppService, close it.

    An :class:`ImError` prints ``error <code>: <info>`` and exits 1; a database
    that cannot be opened prints ``error: ...`` and exits 1.
    """
    return _with_db(settings, lambda db: work(AppService(db)))


def _with_db(settings: Settings, work: Callable[[Database], Awaitable[T]]) -> T:
    """Like :func:`_with_apps`, with the (migrated) database itself."""

    async def go() -> T:
        db = Database.for_cli(settings.effective_database_url)
        try:
            await db.migrate()
            return await work(db)
        finally:
            await db.close()

    try:
        return asyncio.run(go())
    except ImError as exc:
        _fail(f"error {exc.code}: {exc.info}")
    except (OSError, SQLAlchemyError) as exc:
        _fail(f"error: database {safe_url(settings.effective_database_url)}: {exc}")


async def _get_app(apps: AppService, sdkappid: int) -> App:
    found = await apps.get(sdkappid)
    if found is None:
        raise ImError(Code.ERR_SVR_ACCOUNT_SDKAPPID_NOT_FOUND, f"SDKAppID {sdkappid} not found")
    return found
