"""The ``palaver`` command: run the server, manage apps, sign UserSigs, try a demo.

Commands::

    palaver serve                  run a node (settings: options > PALAVER_* > TOML > defaults)
    palaver app create|list|show|set
    palaver usersig gen|verify|dump
    palaver demo                   create a demo app once, print how to call it, serve

``serve``, ``demo`` and every ``app`` command take the same storage options
(``--data-dir``, ``--database-url``, ``--config``), read the same way: an
option wins over its ``PALAVER_*`` variable, which wins over the TOML file.
Secret keys are never printed or logged, except by ``app show --show-key``.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import shlex
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import click
import orjson
from pydantic import ValidationError
from rich.markup import escape
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from palaver import __version__
from palaver.cli_common import SettingsSource, _console, _fail, safe_url, settings_options
from palaver.cli_ops import register_ops
from palaver.cli_usersig import usersig
from palaver.errors import Code, ImError
from palaver.logcontext import RequestIdFilter
from palaver.services.apps import DEFAULT_ADMIN, App, AppService, AppSettings
from palaver.settings import Settings
from palaver.storage import Database
from palaver.usersig import DEFAULT_EXPIRE, gen_usersig_v2

log = logging.getLogger("palaver.cli")

T = TypeVar("T")
R = TypeVar("R")

#: The data folder used when neither ``--data-dir`` nor ``PALAVER_DATA_DIR`` is set.
DEFAULT_DATA_DIR = Path("palaver-data")


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


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line (``log_format = "json"``): ``ts`` (ISO 8601, UTC),
    ``level``, ``logger``, ``msg``, ``request_id`` within a request
    (:mod:`palaver.logcontext`) and, for an exception, ``exc``."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        rid = getattr(record, "request_id", None)
        if rid is not None:
            line["request_id"] = rid
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(line).decode()


def _configure_logging(settings: Settings) -> None:
    if settings.log_format == "json":
        handler = logging.StreamHandler()
        handler.setFormatter(JsonLogFormatter())
        handler.addFilter(RequestIdFilter())
        logging.basicConfig(level=settings.log_level, handlers=[handler])
        return
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def _serve(settings: Settings) -> None:
    """Run the server until SIGINT/SIGTERM; a socket or database failure exits 1."""
    from palaver.server import run

    log.info(
        "data folder %s, database %s",
        settings.data_dir.resolve(),
        safe_url(settings.effective_database_url),
    )
    try:
        run(settings)
    except (OSError, SQLAlchemyError) as exc:
        _fail(f"error: {exc}")


# --- commands ----------------------------------------------------------------------------------


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="palaver")
def palaver() -> None:
    """Palaver: a self-hosted IM server speaking Tencent Cloud IM's REST API."""


palaver.add_command(usersig)
register_ops(palaver)


@palaver.command()
@click.option("--host", help="Address to listen on (default: $PALAVER_HOST or 127.0.0.1).")
@click.option("--port", type=int, help="TCP port (default: $PALAVER_PORT or 8080).")
@settings_options
def serve(host: str | None, port: int | None, source: SettingsSource) -> None:
    """Run a Palaver node until Ctrl-C or SIGTERM."""
    settings = source.load(host=host, port=port)
    _configure_logging(settings)
    _serve(settings)


@palaver.group()
def app() -> None:
    """Create, list, show and configure apps (SDKAppIDs)."""


def _key_kinds(a: App) -> str:
    kinds = [k for k, present in (("v2", a.secret_key), ("v1", a.public_key_pem)) if present]
    return "/".join(kinds) or "none"


#: per-app settings shown as "set (hidden)", never their value
SECRET_SETTINGS = frozenset({"callback_token"})


def _app_table(a: App, show_key: bool) -> Table:
    table = Table(title=f"App {a.sdkappid}", title_justify="left")
    table.add_column("Setting", style="bold")
    table.add_column("Value", overflow="fold")
    table.add_column("Meaning", style="dim")
    table.add_row("sdkappid", str(a.sdkappid), "")
    table.add_row("admins", escape(", ".join(a.admins)), "REST API callers")
    if a.secret_key:
        hint = "shown below" if show_key else "hidden (--show-key)"
        table.add_row("secret key", f"stored, {hint}", "v2 UserSigs (HMAC-SHA256)")
    if a.public_key_pem:
        hint = "shown below" if show_key else "stored (--show-key)"
        table.add_row("public key", hint, "v1 UserSigs (ECDSA)")
    table.add_row("created", _iso(a.created_at), "")
    values = a.settings.model_dump()
    for name, info in AppSettings.model_fields.items():
        value = values[name]
        shown = str(value).lower() if isinstance(value, bool) else str(value)
        if name in SECRET_SETTINGS and value:
            shown = "set (hidden)"
        elif isinstance(value, list | dict):
            shown = orjson.dumps(value).decode()
        table.add_row(name, escape(shown), escape(info.description or ""))
    return table


@app.command("create")
@click.option("--sdkappid", type=int, help="The SDKAppID (default: a new 14xxxxxxxx).")
@click.option("--secret-key", help="The v2 secret key (default: 64 random hex digits).")
@click.option(
    "--public-key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="EC public key PEM for v1 UserSigs; with it, no v2 key is generated.",
)
@click.option(
    "--admin",
    "admins",
    multiple=True,
    metavar="ID",
    help="An admin account (repeatable, 1 to 10; default: administrator).",
)
@settings_options
def app_create(
    sdkappid: int | None,
    secret_key: str | None,
    public_key: Path | None,
    admins: tuple[str, ...],
    source: SettingsSource,
) -> None:
    """Create an app; the SDKAppID and the v2 secret key are generated unless given."""
    settings = source.load()
    pem = None
    if public_key is not None:
        try:
            pem = public_key.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise click.BadParameter(str(exc), param_hint="--public-key") from None

    async def work(apps: AppService) -> App:
        return await apps.create(
            sdkappid=sdkappid,
            secret_key=secret_key,
            public_key_pem=pem,
            admins=list(admins) or None,
        )

    created = _with_apps(settings, work)
    out = _console()
    out.print(f"Created app [bold]{created.sdkappid}[/bold]")
    out.print(f"  SDKAppID: {created.sdkappid}")
    out.print(f"  admins:   {escape(', '.join(created.admins))}")
    out.print(f"  keys:     {_key_kinds(created)}")
    if created.secret_key:
        how = "given" if secret_key is not None else "generated"
        out.print(
            f"The {how} secret key is stored in {safe_url(settings.effective_database_url)};"
            f" show it with: palaver app show {created.sdkappid} --show-key",
            soft_wrap=True,
        )


@app.command("list")
@settings_options
def app_list(source: SettingsSource) -> None:
    """List the apps: SDKAppID, admins, key kinds, creation time."""
    settings = source.load()

    async def work(apps: AppService) -> list[App]:
        return await apps.list()

    found = _with_apps(settings, work)
    out = _console()
    if not found:
        out.print("No apps yet; create one with: palaver app create")
        return
    table = Table()
    table.add_column("SDKAppID")
    table.add_column("Admins")
    table.add_column("Keys")
    table.add_column("Created")
    for a in found:
        table.add_row(
            str(a.sdkappid), escape(", ".join(a.admins)), _key_kinds(a), _iso(a.created_at)
        )
    out.print(table)


async def _get_app(apps: AppService, sdkappid: int) -> App:
    found = await apps.get(sdkappid)
    if found is None:
        raise ImError(Code.ERR_SVR_ACCOUNT_SDKAPPID_NOT_FOUND, f"SDKAppID {sdkappid} not found")
    return found


@app.command("show")
@click.argument("sdkappid", type=int)
@click.option("--show-key", is_flag=True, help="Also print the secret key and public key.")
@settings_options
def app_show(sdkappid: int, show_key: bool, source: SettingsSource) -> None:
    """Show an app's admins, keys and settings (the secret key only with --show-key)."""
    settings = source.load()
    found = _with_apps(settings, lambda apps: _get_app(apps, sdkappid))
    _console().print(_app_table(found, show_key))
    if show_key:
        # Plain echo: a table cell could wrap the key and spoil copy-paste.
        if found.secret_key:
            click.echo(f"secret key: {found.secret_key}")
        if found.public_key_pem:
            click.echo("public key:")
            click.echo(found.public_key_pem.rstrip("\n"))


@app.command("set")
@click.argument("sdkappid", type=int)
@click.argument("assignments", nargs=-1, required=True, metavar="KEY=VALUE...")
@settings_options
def app_set(sdkappid: int, assignments: tuple[str, ...], source: SettingsSource) -> None:
    """Change per-app settings, e.g. ``check_friendship=true recall_window=300``."""
    changes: dict[str, object] = {}
    for item in assignments:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="KEY=VALUE")
        if key not in AppSettings.model_fields:
            known = ", ".join(AppSettings.model_fields)
            _fail(f"error 70402: unknown setting {key!r}; settings: {known}")
        value = value.strip()
        if value.startswith(("{", "[")):  # JSON, e.g. group_member_limits={"Public": 500}
            try:
                changes[key] = orjson.loads(value)
            except orjson.JSONDecodeError:
                _fail(f"error 70402: setting {key!r}: not valid JSON")
        else:
            changes[key] = value
    try:  # the service validates too; this gives one short line per bad value
        AppSettings.model_validate({**AppSettings().model_dump(), **changes})
    except ValidationError as exc:
        problems = "; ".join(
            f"setting {'.'.join(str(p) for p in err['loc'])!r}: {err['msg']}"
            for err in exc.errors()
        )
        _fail(f"error 70402: {problems}")
    settings = source.load()

    async def work(apps: AppService) -> App:
        return await apps.update_settings(sdkappid, **changes)

    updated = _with_apps(settings, work)
    out = _console()
    out.print(f"Updated app {updated.sdkappid}: {escape(', '.join(changes))}")
    out.print(_app_table(updated, show_key=False))


# --- demo --------------------------------------------------------------------------------------


def curl_command(base_url: str, service: str, command: str, query: str, body: object) -> str:
    """A copy-paste ``curl`` line POSTing ``body`` (JSON) to a REST command, shell-quoted."""
    url = f"{base_url}/v4/{service}/{command}?{query}"
    data = orjson.dumps(body).decode()
    return shlex.join(["curl", "-sS", url, "-H", "Content-Type: application/json", "-d", data])


def demo_commands(base_url: str, sdkappid: int, admin: str, sig: str) -> list[tuple[str, str]]:
    """``(comment, curl line)`` pairs: import alice and bob, then send alice → bob."""

    def query() -> str:
        rnd = secrets.randbelow(1 << 32)
        return f"sdkappid={sdkappid}&identifier={admin}&usersig={sig}&random={rnd}&contenttype=json"

    message = {
        "From_Account": "alice",
        "To_Account": "bob",
        "MsgRandom": 123,
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hello"}}],
    }
    return [
        (
            "import the accounts alice and bob",
            curl_command(
                base_url,
                "im_open_login_svc",
                "multiaccount_import",
                query(),
                {"Accounts": ["alice", "bob"]},
            ),
        ),
        (
            "send 'hello' from alice to bob",
            curl_command(base_url, "openim", "sendmsg", query(), message),
        ),
    ]


def _client_base_url(settings: Settings) -> str:
    host = settings.host
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.port}"


# --- callbacks --------------------------------------------------------------------------------


@palaver.group()
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


# --- words (content moderation) -----------------------------------------------------------


@palaver.group()
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


@palaver.command()
@click.option("--host", help="Address to listen on (default: 127.0.0.1).")
@click.option("--port", type=int, help="TCP port (default: 8080).")
@settings_options
def demo(host: str | None, port: int | None, source: SettingsSource) -> None:
    """Create a demo app once (kept in the data folder), print how to call it, serve.

    The demo app has users alice and bob (friends, with a few messages) and
    ``debug_usersig`` on. Prints the SDKAppID, an admin UserSig (180 days),
    curl commands and a browser link per user, then runs the server like
    ``palaver serve``.
    """
    settings = source.load(host=host, port=port)
    base_url = _client_base_url(settings)
    try:
        from palaver.demo import prepare_demo  # the whole server: only for this command

        prepared = asyncio.run(prepare_demo(settings, base_url))
    except (OSError, SQLAlchemyError) as exc:
        _fail(f"error: {safe_url(str(exc))}")
    the_app, created = prepared.app, prepared.created
    assert the_app.secret_key is not None
    admin = DEFAULT_ADMIN if DEFAULT_ADMIN in the_app.admins else the_app.admins[0]
    sig = gen_usersig_v2(the_app.sdkappid, the_app.secret_key, admin, DEFAULT_EXPIRE)
    show = f"palaver app show {the_app.sdkappid} --show-key"
    if source.data_dir is not None:
        show += f" --data-dir {shlex.quote(str(source.data_dir))}"
    if source.database_url is not None:
        show += f" --database-url {shlex.quote(safe_url(source.database_url))}"

    out = _console()
    out.rule("Palaver demo")
    state = "created now" if created else "reused"
    out.print(f"SDKAppID:    [bold]{the_app.sdkappid}[/bold] ({state})", soft_wrap=True)
    out.print(f"Admin:       {escape(admin)}", soft_wrap=True)
    out.print(
        f"Secret key:  stored in the database {escape(safe_url(settings.effective_database_url))}",
        soft_wrap=True,
    )
    out.print(f"             show it with: {escape(show)}", soft_wrap=True)
    out.print("Admin UserSig (valid 180 days):")
    out.print(sig, markup=False, soft_wrap=True)
    out.print()
    out.print(f"Try it from another terminal once the server listens on {base_url}:")
    for comment, line in demo_commands(base_url, the_app.sdkappid, admin, sig):
        out.print(f"# {comment}", markup=False, soft_wrap=True)
        out.print(line, markup=False, soft_wrap=True)
    out.print()
    out.print("Chat in the browser: open each link in its own window (alice and bob are friends):")
    for user, link in prepared.links.items():
        out.print(f"# {user}", markup=False, soft_wrap=True)
        out.print(link, markup=False, soft_wrap=True)
    out.print()
    out.print(f"Starting Palaver on {base_url} (Ctrl-C stops it)", soft_wrap=True)
    out.file.flush()
    _configure_logging(settings)
    _serve(settings)


@palaver.group()
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


def main() -> None:
    """Entry point of the ``palaver`` console script and ``python -m palaver``."""
    palaver(prog_name="palaver")
