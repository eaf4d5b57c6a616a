"""``palaver words list|add|delete``: an app's sensitive words (content moderation;
REST ``openim_dirty_words``).
"""

from __future__ import annotations

from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from palaver.cli.common import (
    SettingsSource,
    _console,
    _get_app,
    _with_db,
    settings_options,
)
from palaver.services.apps import AppService
from palaver.storage import Database


@click.group()
def words() -> None:
    """An app's sensitive words (content moderation; REST ``openim_dirty_words``)."""


async def _words_do(db: Database, sdkappid: int, op: str, items: tuple[str, ...], mode: str) -> Any:
    from palaver.services.moderation import ModerationService

    found = await _get_app(AppService(db), sdkappid)
    moderation = ModerationService(db)
    if op == "add":
        return await moderation.add(found, items, mode)
    if op == "delete":
        return await moderation.delete(found, items)
    return await moderation.words(found)


@words.command("list")
@click.argument("sdkappid", type=int)
@settings_options
def words_list(sdkappid: int, source: SettingsSource) -> None:
    """List the app's sensitive words (normalised) and their modes."""
    pairs = _with_db(source.load(), lambda db: _words_do(db, sdkappid, "list", (), ""))
    out = _console()
    if not pairs:
        out.print(f"App {sdkappid} has no sensitive words; add some with: palaver words add")
        return
    table = Table()
    table.add_column("Word")
    table.add_column("Mode")
    for word, mode in pairs:
        table.add_row(escape(word), mode)
    out.print(table)


@words.command("add")
@click.argument("sdkappid", type=int)
@click.argument("items", nargs=-1, required=True, metavar="WORD...")
@click.option(
    "--mode",
    type=click.Choice(["block", "replace"]),
    default="block",
    show_default=True,
    help="block: the sender gets error 80001; replace: the word is starred.",
)
@settings_options
def words_add(sdkappid: int, items: tuple[str, ...], mode: str, source: SettingsSource) -> None:
    """Add sensitive words (a word already there takes the new mode)."""
    added = _with_db(source.load(), lambda db: _words_do(db, sdkappid, "add", items, mode))
    _console().print(f"App {sdkappid}: {len(added)} word(s) in {mode} mode")


@words.command("delete")
@click.argument("sdkappid", type=int)
@click.argument("items", nargs=-1, required=True, metavar="WORD...")
@settings_options
def words_delete(sdkappid: int, items: tuple[str, ...], source: SettingsSource) -> None:
    """Delete sensitive words."""
    n = _with_db(source.load(), lambda db: _words_do(db, sdkappid, "delete", items, ""))
    _console().print(f"App {sdkappid}: {n} word(s) deleted")
