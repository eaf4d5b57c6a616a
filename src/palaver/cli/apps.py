"""``palaver app create|list|show|set``: the apps (SDKAppIDs), their keys and
per-app settings. Secret keys are never printed, except by ``app show --show-key``.
"""

from __future__ import annotations

from pathlib import Path

import click
import orjson
from pydantic import ValidationError
from rich.markup import escape
from rich.table import Table

from palaver.cli.common import (
    SettingsSource,
    _console,
    _fail,
    _get_app,
    _iso,
    _with_apps,
    safe_url,
    settings_options,
)
from palaver.services.apps import App, AppService, AppSettings


@click.group()
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
