"""``palaver demo``: create a demo app once, print how to call it (curl lines,
browser links), then serve like ``palaver serve``.
"""

from __future__ import annotations

import asyncio
import secrets
import shlex

import click
import orjson
from rich.markup import escape
from sqlalchemy.exc import SQLAlchemyError

from palaver.cli.common import (
    SettingsSource,
    _console,
    _fail,
    safe_url,
    settings_options,
)
from palaver.cli.serve import _configure_logging, _serve
from palaver.services.apps import DEFAULT_ADMIN
from palaver.settings import Settings
from palaver.usersig import DEFAULT_EXPIRE, gen_usersig_v2


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


@click.command()
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
