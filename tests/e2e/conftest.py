"""Shared fixtures: a real Palaver server on a free 127.0.0.1 port, with one app.

``server`` starts the aiohttp application in the test's event loop on a real
socket, on a fresh SQLite file (or on ``PALAVER_TEST_DATABASE_URL``, a
PostgreSQL URL: each pytest process uses its own database next to the named
one, emptied before each test).  ``server.rest(service,
command, body)`` calls the REST API as an admin, as a Tencent backend would;
``server.mount(name, handler)`` adds a test-only route under ``/_test/<name>/``
(the server itself never has one).

When ``CI=true`` (or ``PALAVER_REQUIRE_SERVICES=1``), a missing PostgreSQL,
Redis or Chromium is a failure, never a skip: see :func:`require_service`.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import os
import shutil
import socket
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pytest
from aiohttp import web

from palaver.hub import Hub
from palaver.server import build_app, runner_options
from palaver.services.apps import App
from palaver.settings import Settings
from palaver.storage.database import Database
from palaver.usersig import gen_usersig_v2

SDKAPPID = 1400000001
SECRET = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
ADMIN = "administrator"

STRICT = os.environ.get("CI") == "true" or os.environ.get("PALAVER_REQUIRE_SERVICES") == "1"

# Test plugins: fixtures and hooks that live beside their helpers.
pytest_plugins = ["support.tencent_sdk"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def require_service(name: str, available: bool, why: str = "") -> None:
    """Skip when ``name`` is unavailable locally; fail under CI=true."""
    if available:
        return
    msg = f"{name} is not available{': ' + why if why else ''}"
    if STRICT:
        pytest.fail(msg + " (CI=true: required)")
    pytest.skip(msg)


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


#: PostgreSQL for the tests when ``PALAVER_TEST_DATABASE_URL`` is not set (test_cluster).
PG_DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/palaver_test"
#: Databases this pytest process created (dropped when the session ends).
_CREATED: set[str] = set()


def per_run_url(url: str) -> str:
    """``url`` with its database renamed ``<name>_<pid>``: every pytest process works
    in its own database, so runs side by side (two checkouts, a developer beside
    CI) never empty each other's tables. Dropped at the end of the session; one a
    killed run left behind is dropped by the next run (its pid is gone)."""
    from sqlalchemy import make_url

    target = make_url(url)
    own = target.set(database=f"{target.database}_{os.getpid()}")
    return own.render_as_string(hide_password=False)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def reset_postgres(url: str) -> None:
    """Empty the test database of ``url`` (creating it if needed), so migrations
    start from empty. Creating one also drops what dead runs left (``<base>_<pid>``
    of a pid that is gone)."""
    from sqlalchemy import make_url, text
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.ext.asyncio import create_async_engine

    target = make_url(url)
    name = str(target.database)
    if name not in _CREATED:
        admin = create_async_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
        try:
            async with admin.connect() as conn:
                base, _, _ = name.rpartition("_")
                rows = await conn.execute(text("SELECT datname FROM pg_database"))
                for (other,) in rows:
                    head, _, pid = other.rpartition("_")
                    if (
                        head == base
                        and pid.isdigit()
                        and other != name
                        and not _pid_alive(int(pid))
                    ):
                        with contextlib.suppress(DBAPIError):
                            await conn.execute(text(f'DROP DATABASE "{other}" WITH (FORCE)'))
                exists = await conn.scalar(
                    text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
                )
                if not exists:
                    with contextlib.suppress(DBAPIError):  # created concurrently
                        await conn.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            await admin.dispose()
        _CREATED.add(name)
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


@dataclass
class _Snapshot:
    """A migrated, empty PostgreSQL schema, as :func:`fresh_database` restores it."""

    head: str  # the Alembic revision it was migrated to
    order: list[str]  # its tables but ``alembic_version``, those that refer to others first
    sequences: list[str]
    seeds: dict[str, tuple[list[str], list[tuple[Any, ...]]]]  # rows the migrations wrote


#: The migrated SQLite file every ``server`` starts from (made once per run).
_sqlite_template: Path | None = None
#: What a migrated PostgreSQL database holds, by URL (taken once per run and database).
_pg_snapshots: dict[str, _Snapshot] = {}


async def fresh_database(data_dir: Path) -> str | None:
    """Put an empty database at the newest schema where a node on ``data_dir`` will
    find it; return its URL (``None``: SQLite, the file in ``data_dir``).

    Migrating from empty takes 0.2 s on SQLite and 0.5–1 s on PostgreSQL, on every
    test. So the first call migrates once; later calls copy that SQLite file, or
    empty the PostgreSQL tables and put back the rows the migrations wrote. If the
    tables or the revision differ from that snapshot (a test migrated to an old
    revision), the database is emptied and migrated again."""
    global _sqlite_template
    url = test_database_url(data_dir)
    if url is None:
        if _sqlite_template is None:
            folder = Path(tempfile.mkdtemp(prefix="palaver-template-"))
            await _migrate(f"sqlite+aiosqlite:///{folder / 'palaver.db'}")
            _sqlite_template = folder / "palaver.db"
        await asyncio.to_thread(_copy_into, _sqlite_template, data_dir)
        return None
    if not await _restore_postgres(url):
        await reset_postgres(url)
        await _migrate(url)
        _pg_snapshots[url] = await _snapshot_postgres(url)
    return url


async def _migrate(url: str) -> None:
    db = Database.for_cli(url)
    try:
        await db.migrate()
    finally:
        await db.close()


def _copy_into(file: Path, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(file, folder / file.name)


def _asyncpg_dsn(url: str) -> str:
    from sqlalchemy import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _snapshot_postgres(url: str) -> _Snapshot:
    """What the freshly migrated database of ``url`` holds: its revision, tables,
    sequences and rows (the migrations' own, e.g. ``counters``)."""
    import asyncpg

    con = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        head = await con.fetchval("SELECT version_num FROM alembic_version")
        tables = [
            r[0]
            for r in await con.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                " AND tablename <> 'alembic_version' ORDER BY tablename"
            )
        ]
        refs = await con.fetch(
            "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint"
            " WHERE contype = 'f' AND connamespace = 'public'::regnamespace"
        )
        sequences = [
            r[0]
            for r in await con.fetch(
                "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"
            )
        ]
        seeds: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
        for table in tables:
            rows = await con.fetch(f'SELECT * FROM "{table}"')
            if rows:
                seeds[table] = (list(rows[0].keys()), [tuple(r) for r in rows])
    finally:
        await con.close()
    # A table is emptied before the tables it refers to.
    order: list[str] = []
    pending = set(tables)
    while pending:
        ready = sorted(t for t in pending if not any(a in pending and b == t for a, b in refs))
        if not ready:
            raise RuntimeError(f"foreign keys form a cycle among {sorted(pending)}")
        order += ready
        pending -= set(ready)
    return _Snapshot(head, order, sequences, seeds)


async def _restore_postgres(url: str) -> bool:
    """Empty the tables of ``url`` and put back its snapshot's rows, in one
    transaction; False (nothing done) without a snapshot or if the schema differs."""
    import asyncpg

    snap = _pg_snapshots.get(url)
    if snap is None:
        return False
    con = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        async with con.transaction():
            head = await con.fetchval("SELECT version_num FROM alembic_version")
            tables = await con.fetchval(
                "SELECT array_agg(tablename::text ORDER BY tablename) FROM pg_tables"
                " WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
            )
            if head != snap.head or list(tables or []) != sorted(snap.order):
                return False
            await con.execute(
                "".join(f'DELETE FROM "{t}";' for t in snap.order)
                + "".join(f'ALTER SEQUENCE "{s}" RESTART;' for s in snap.sequences)
            )
            for table, (columns, rows) in snap.seeds.items():
                await con.copy_records_to_table(table, records=rows, columns=columns)
    except asyncpg.UndefinedTableError:
        return False
    finally:
        await con.close()
    return True


async def _drop_created() -> None:
    from sqlalchemy import make_url, text
    from sqlalchemy.ext.asyncio import create_async_engine

    base = os.environ.get("PALAVER_TEST_DATABASE_URL") or PG_DEFAULT_URL
    admin = create_async_engine(
        make_url(base).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    try:
        async with admin.connect() as conn:
            for name in _CREATED:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Drop the databases this run created (a failure here only leaves one behind) and
    the SQLite template."""
    if _CREATED:
        with contextlib.suppress(Exception):
            asyncio.run(_drop_created())
    if _sqlite_template is not None:
        shutil.rmtree(_sqlite_template.parent, ignore_errors=True)


def test_database_url(data_dir: Path) -> str | None:
    """This run's own PostgreSQL database (:func:`per_run_url` of
    ``PALAVER_TEST_DATABASE_URL``) if that is set, else None (SQLite)."""
    url = os.environ.get("PALAVER_TEST_DATABASE_URL")
    return per_run_url(url) if url else None


@dataclass
class RunningServer:
    """A Palaver node under test, with an admin's REST client."""

    url: str
    hub: Hub
    app: App
    session: aiohttp.ClientSession
    admin_sig: str
    mounts: dict[str, Handler] | None = None  # see mount()
    runner: web.AppRunner | None = None  # see restart()

    async def restart(self) -> None:
        """Stop the node as a SIGTERM would (connections closed with 1001, writes
        committed) and start it again on the same port and database: a new hub,
        nothing kept in memory. The test-only mounts stay."""
        assert self.runner is not None, "this server cannot restart"
        settings = self.hub.settings
        await self.runner.cleanup()
        await self.hub.close()
        self.hub = await Hub.open(settings)
        web_app = build_app(self.hub)
        if self.mounts is not None:
            mounts = add_mount_point(web_app)
            mounts.update(self.mounts)
            self.mounts = mounts
        self.runner = web.AppRunner(web_app, **runner_options(settings))
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", settings.port, reuse_address=True).start()

    @property
    def ws_url(self) -> str:
        """``ws://127.0.0.1:<port>``: the server's origin as a WebSocket URL."""
        return "ws" + self.url.removeprefix("http")

    def mount(self, name: str, handler: Handler) -> str:
        """Route every request under ``/_test/<name>/`` to ``handler`` (test-only: pages,
        scripts or WebSocket probes on the server's own origin); the URL of that folder.
        Works while the server runs; ``request.match_info["tail"]`` is the rest of the path."""
        if self.mounts is None:
            raise RuntimeError("this server was started without a /_test/ mount point")
        self.mounts[name] = handler
        return f"{self.url}/_test/{name}/"

    def sig(self, user: str, expire: int = 86400, now: int | None = None) -> str:
        """A v2 UserSig for ``user`` in the test app."""
        return gen_usersig_v2(self.app.sdkappid, SECRET, user, expire, now=now)

    async def rest(
        self,
        service: str,
        command: str,
        body: Any = None,
        *,
        identifier: str = ADMIN,
        usersig: str | None = None,
        sdkappid: int | None = None,
        raw: bytes | None = None,
        method: str = "POST",
        headers: dict[str, str] | None = None,
        query: str | None = None,
    ) -> dict[str, Any]:
        """POST ``/v4/service/command`` with the admin's credentials; the JSON answer."""
        q = query or (
            f"sdkappid={sdkappid or self.app.sdkappid}&identifier={identifier}"
            f"&usersig={usersig or self.admin_sig}&random=12345&contenttype=json"
        )
        data = raw if raw is not None else json.dumps({} if body is None else body).encode()
        async with self.session.request(
            method, f"{self.url}/v4/{service}/{command}?{q}", data=data, headers=headers
        ) as resp:
            assert resp.status == 200, await resp.text()
            result: dict[str, Any] = orjson.loads(await resp.read())
            return result

    async def ok(self, service: str, command: str, body: Any = None, **kw: Any) -> dict[str, Any]:
        """Like :meth:`rest`, asserting ``ActionStatus == "OK"``."""
        r = await self.rest(service, command, body, **kw)
        assert r["ActionStatus"] == "OK" and r["ErrorCode"] == 0, r
        return r

    async def import_users(self, *users: str) -> None:
        """Import accounts through the REST API."""
        await self.ok("im_open_login_svc", "multiaccount_import", {"Accounts": list(users)})


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    # a fake microphone and camera, allowed without a prompt (voice messages in the UI)
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
]


def _playwright_version() -> str:
    from importlib.metadata import version

    return version("playwright")


class _Chromium:
    """The run's one Chromium and its Playwright driver, started when a test first needs
    them and again if the browser went away (it crashed, or a test closed it)."""

    def __init__(self, pytestconfig: pytest.Config) -> None:
        self.config = pytestconfig
        self.playwright: Any = None
        self.browser: Any = None
        self.logged = False  # the version line is written once per run

    async def get(self) -> Any:
        """The connected browser, launched if there is none."""
        if self.browser is not None and self.browser.is_connected():
            return self.browser
        await self.close()
        path = shutil.which("chromium")
        require_service("Chromium", path is not None, "apt-get install chromium (make browser)")
        from playwright.async_api import async_playwright

        self.playwright = await async_playwright().start()
        self.browser = await self.playwright.chromium.launch(
            executable_path=path, args=CHROMIUM_ARGS
        )
        self._log_version(str(path))
        return self.browser

    def _log_version(self, path: str) -> None:
        if self.logged:
            return
        self.logged = True
        plugins = self.config.pluginmanager
        reporter = plugins.get_plugin("terminalreporter")
        capture = plugins.get_plugin("capturemanager")
        line = (
            f"browser tests: Chromium {self.browser.version} ({path}),"
            f" Playwright {_playwright_version()}"
        )
        if reporter is not None and capture is not None:
            with capture.global_and_fixture_disabled():
                reporter.write_line("")
                reporter.write_line(line)

    async def close(self) -> None:
        """Close the browser and stop the driver (nothing if they were not started)."""
        if self.browser is not None:
            with contextlib.suppress(Exception):
                await self.browser.close()
            self.browser = None
        if self.playwright is not None:
            with contextlib.suppress(Exception):
                await self.playwright.stop()
            self.playwright = None


@pytest.fixture(scope="session")
async def _chromium(pytestconfig: pytest.Config) -> AsyncIterator[_Chromium]:
    """The run's :class:`_Chromium` (nothing started until a test asks ``browser``);
    closed when the session ends."""
    holder = _Chromium(pytestconfig)
    try:
        yield holder
    finally:
        await holder.close()


@pytest.fixture
async def browser(_chromium: _Chromium) -> AsyncIterator[Any]:
    """Debian's Chromium driven by Playwright (skipped locally without it; CI fails).

    One browser serves the whole run (a launch costs ~0.7 s of CPU): each test opens
    its own contexts (``browser.new_context()``), which share nothing, and any context
    a test leaves open is closed when it ends. Its version is written to the terminal
    once per run, so a failure can be tied to the browser build that showed it."""
    b = await _chromium.get()
    try:
        yield b
    finally:
        for context in list(b.contexts):
            with contextlib.suppress(Exception):
                await context.close()


@pytest.fixture(autouse=True)
async def _own_tasks() -> AsyncIterator[None]:
    """Cancel the tasks a test started and left running when it ends.

    Every test runs in the run's one event loop (``pyproject.toml``:
    ``asyncio_default_test_loop_scope``, so the browser can serve them all). A client a
    test did not close would otherwise go on reconnecting, maybe to the next test's
    server on the same port. Playwright's own tasks are left alone."""
    before = asyncio.all_tasks()
    yield
    current = asyncio.current_task()
    left = [
        t
        for t in asyncio.all_tasks() - before
        if t is not current and not t.done() and "/playwright/" not in _task_file(t)
    ]
    for task in left:
        task.cancel()
    if left:
        await asyncio.wait(left, timeout=5)


def _task_file(task: asyncio.Task[Any]) -> str:
    """The source file of ``task``'s coroutine ("" if it is not a plain coroutine)."""
    code = getattr(task.get_coro(), "cr_code", None)
    return code.co_filename if code is not None else ""


@pytest.fixture
def artifacts() -> Path:
    """Folder for screenshots and other test artifacts (``test-artifacts/``)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def add_mount_point(app: web.Application) -> dict[str, Handler]:
    """Add the test-only route ``/_test/{name}/{tail}`` to ``app`` (before it starts);
    the returned dict maps a name to its handler and may be filled later."""
    mounts: dict[str, Handler] = {}

    async def mounted(request: web.Request) -> web.StreamResponse:
        handler = mounts.get(request.match_info["name"])
        if handler is None:
            raise web.HTTPNotFound()
        return await handler(request)

    app.router.add_route("*", "/_test/{name}/{tail:.*}", mounted)
    return mounts


@pytest.fixture
def server_settings() -> dict[str, Any]:
    """Extra settings of the ``server`` fixture's node (none); a test module overrides
    this fixture to run its tests on another configuration (tests/e2e/test_media_s3.py)."""
    return {}


@pytest.fixture
async def server(data_dir: Path, server_settings: dict[str, Any]) -> AsyncIterator[RunningServer]:
    """A real Palaver node on a free port, with one app (v2 key SECRET, admin ADMIN)."""
    url = await fresh_database(data_dir)
    settings = Settings.load(
        data_dir=data_dir, port=free_port(), database_url=url, **server_settings
    )
    hub = await Hub.open(settings)
    app = await hub.apps.create(sdkappid=SDKAPPID, secret_key=SECRET, admins=[ADMIN])
    web_app = build_app(hub)
    mounts = add_mount_point(web_app)
    runner = web.AppRunner(web_app, **runner_options(settings))
    await runner.setup()
    for attempt in range(5):  # another process may take the free port before us
        try:
            await web.TCPSite(runner, "127.0.0.1", settings.port).start()
            break
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE or attempt == 4:
                raise
            settings = hub.settings = settings.model_copy(update={"port": free_port()})
    async with aiohttp.ClientSession() as session:
        running = RunningServer(
            f"http://127.0.0.1:{settings.port}",
            hub,
            app,
            session,
            gen_usersig_v2(SDKAPPID, SECRET, ADMIN, 86400),
            mounts,
            runner,
        )
        yield running
    assert running.runner is not None
    await running.runner.cleanup()
    await running.hub.close()
