"""What every ``palaver`` command shares: the storage options and how to fail.

``--data-dir``, ``--database-url`` and ``--config`` are read the same way by
every command that opens the database: an option wins over its ``PALAVER_*``
variable, which wins over the TOML file (:class:`palaver.settings.Settings`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click
from rich.console import Console
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from palaver.settings import Settings, SettingsError

R = TypeVar("R")


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
