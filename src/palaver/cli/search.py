"""``palaver search rebuild``: the message search index (docs/search.md)."""

from __future__ import annotations

import asyncio

import click
from sqlalchemy.exc import SQLAlchemyError

from palaver.cli.common import (
    SettingsSource,
    _console,
    _fail,
    safe_url,
    settings_options,
)
from palaver.storage import Database


@click.group()
def search() -> None:
    """The message search index (docs/search.md)."""


@search.command("rebuild")
@settings_options
def search_rebuild(source: SettingsSource) -> None:
    """Index every stored message again (after an upgrade or a restore).

    One transaction: searches keep answering from the old index until it commits.
    """
    settings = source.load()

    async def go() -> int:
        db = Database.for_cli(settings.effective_database_url)
        try:
            await db.migrate()
            from palaver.services.search import SearchService

            return await SearchService(db).rebuild()
        finally:
            await db.close()

    try:
        n = asyncio.run(go())
    except (OSError, SQLAlchemyError) as exc:
        _fail(f"error: database {safe_url(settings.effective_database_url)}: {exc}")
    _console().print(f"Indexed {n} messages.")
