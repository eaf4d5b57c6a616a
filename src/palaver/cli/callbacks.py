"""``palaver callbacks log|replay|test``: an app's callbacks to its backend
(docs/callbacks.md).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import click

from palaver.cli.common import (
    SettingsSource,
    _console,
    _fail,
    _get_app,
    _with_db,
    settings_options,
)
from palaver.errors import Code, ImError
from palaver.services.apps import AppService
from palaver.storage import Database


@click.group()
def callbacks() -> None:
    """An app's callbacks to its backend: the log, replays, test requests (docs/callbacks.md)."""


def _parse_since(text: str) -> float:
    """``--since``: an ISO date-time (UTC unless it says) or an age like 30s, 15m, 2h, 7d."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    t = text.strip()
    if t[:-1].isascii() and t[:-1].isdigit() and t[-1:] in units:
        return datetime.now(UTC).timestamp() - int(t[:-1]) * units[t[-1]]
    try:
        when = datetime.fromisoformat(t)
    except ValueError:
        raise click.BadParameter(
            f"{text!r}: an ISO date-time or an age (30s, 15m, 2h, 7d)", param_hint="--since"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


def _callback_service(db: Database) -> Any:
    from palaver.realtime.webhook import HttpCallbackTransport
    from palaver.services.callbacks import CallbackService

    return CallbackService(db, AppService(db), HttpCallbackTransport())


@callbacks.command("log")
@click.argument("sdkappid", type=int)
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option("--status", type=click.Choice(["pending", "delivered", "dead"]))
@settings_options
def callbacks_log(sdkappid: int, limit: int, status: str | None, source: SettingsSource) -> None:
    """Recent callbacks, newest first: status, tries, latency, HTTP status, last error."""

    async def work(db: Database) -> Any:
        found = await _get_app(AppService(db), sdkappid)
        return await _callback_service(db).log(found, limit=limit, status=status)

    rows = _with_db(source.load(), work)
    if not rows:
        click.echo(f"App {sdkappid} has no callbacks{' ' + status if status else ''} yet")
        return
    # one line each (a table would fold the command names on a narrow terminal)
    for r in rows:
        when = datetime.fromtimestamp(r.created_ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S")
        parts = [f"#{r.id}", when, r.command, r.status, f"tries={r.attempts}"]
        if r.attempts:
            parts.append(f"latency={r.latency_ms}ms")
        if r.http_status:
            parts.append(f"http={r.http_status}")
        if r.last_error:
            parts.append(f"error={r.last_error}")
        click.echo("  ".join(parts))


@callbacks.command("replay")
@click.argument("sdkappid", type=int)
@click.option("--since", "since", required=True, help="An ISO date-time, or an age: 30s, 15m, 2h.")
@click.option("--dead-only", is_flag=True, help="Only the dead-lettered ones.")
@settings_options
def callbacks_replay(sdkappid: int, since: str, dead_only: bool, source: SettingsSource) -> None:
    """Send again the callbacks made since a time (delivered and dead-lettered ones);
    the running server delivers them in their order within a second."""
    t = _parse_since(since)

    async def work(db: Database) -> int:
        found = await _get_app(AppService(db), sdkappid)
        statuses = ("dead",) if dead_only else ("delivered", "dead")
        n: int = await _callback_service(db).replay(found, t, statuses)
        return n

    n = _with_db(source.load(), work)
    _console().print(f"App {sdkappid}: {n} callback(s) queued again")


@callbacks.command("test")
@click.argument("sdkappid", type=int)
@click.option("--command", "commands", multiple=True, help="A CallbackCommand (repeatable).")
@settings_options
def callbacks_test(sdkappid: int, commands: tuple[str, ...], source: SettingsSource) -> None:
    """POST a sample of each command (default: the app's enabled ones) to the app's
    callback URL now, and show each answer. Exit 1 if one was not HTTP 200."""
    from palaver.model.callbacks import COMMANDS

    for c in commands:
        if c not in COMMANDS:
            _fail(f"error 70402: unknown CallbackCommand {c!r}")

    async def work(db: Database) -> Any:
        found = await _get_app(AppService(db), sdkappid)
        if not found.settings.callback_url:
            raise ImError(Code.ERR_SVR_ACCOUNT_INVALID_PARAMETERS, "the app has no callback_url")
        chosen = list(commands) or found.settings.callback_commands or list(COMMANDS)
        service = _callback_service(db)
        try:
            return await service.test(found, chosen)
        finally:
            await service.close()

    results = _with_db(source.load(), work)
    for command, status, answer, took in results:
        click.echo(f"{command}  http={status or '-'}  {took * 1000:.0f}ms  {answer}")
    if any(status != 200 for _, status, _, _ in results):
        raise SystemExit(1)
