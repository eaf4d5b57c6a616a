"""The fast unit layer: domain services, the storage writer and the fan-out
contract, on a fake clock and fake ports, against a real database.

- :class:`FakeClock` stands for the :class:`~palaver.services.ports.Clock` port:
  time moves only when a test advances it.
- :class:`FakePublisher` records every call a service makes to its
  :class:`~palaver.services.ports.Publisher` port (what would be pushed).
- ``db`` is a real, migrated SQLite database (a copy of one migrated once per
  run) or, for the ``postgresql`` parameter of ``any_db``, the PostgreSQL
  database ``palaver_unit`` emptied before each test.
- :class:`World` wires the services the way the hub does, with those fakes.

No server, no socket, no sleep: `make unit` runs all of it in seconds.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from palaver.model.events import Notice, StreamEvent
from palaver.model.messages import MessageRecord
from palaver.services.accounts import AccountService, ImportItem
from palaver.services.apps import App, AppService
from palaver.services.conversations import ConversationService
from palaver.services.groups import GroupServices
from palaver.services.messages import MessageService
from palaver.services.profiles import ProfileService
from palaver.services.sessions import SessionService
from palaver.services.sns import SnsServices
from palaver.storage import Database
from palaver.storage.writer import MessageWriter

SDKAPPID = 1400000001
SECRET = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
ADMIN = "administrator"
T0 = 1_800_000_000.0  # the fake clock's start, unix s

STRICT = os.environ.get("CI") == "true" or os.environ.get("PALAVER_REQUIRE_SERVICES") == "1"
#: This process's own PostgreSQL database (``palaver_unit_<pid>``: runs side by side
#: never empty each other's tables); dropped when the session ends.
PG_URL = (
    os.environ.get(
        "PALAVER_UNIT_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/palaver_unit"
    )
    + f"_{os.getpid()}"
)
REDIS_URL = os.environ.get("PALAVER_UNIT_REDIS_URL", "redis://127.0.0.1:6379/0")


def require_service(name: str, available: bool) -> None:
    """Skip when ``name`` is unavailable locally; fail under CI=true."""
    if available:
        return
    if STRICT:
        pytest.fail(f"{name} is not available (CI=true: required)")
    pytest.skip(f"{name} is not available")


# ------------------------------------------------------------------- fake ports


async def until(check: Callable[[], object], what: str = "the condition") -> None:
    """Let the event loop run until ``check()`` is true: at most :data:`TURNS`
    iterations of it (no wall clock), for a state that only other tasks change
    (a task reaching its ``await``, a done callback). Fails after that."""
    for _ in range(TURNS):
        if check():
            return
        await asyncio.sleep(0)  # one turn of the event loop, not a wait for time
    raise AssertionError(f"{what}: still false after {TURNS} turns of the event loop")


#: the most event-loop iterations :func:`until` lets pass
TURNS = 1000


class FakeClock:
    """The Clock port: time stands still until :meth:`advance` (``sleep`` advances it)."""

    def __init__(self, now: float = T0) -> None:
        self.now = now
        self.mono = 1000.0

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.mono

    async def sleep(self, seconds: float) -> None:
        self.advance(seconds)
        await asyncio.sleep(0)  # a yield, as a real sleep is: no time passes

    def advance(self, seconds: float) -> None:
        self.now += seconds
        self.mono += seconds


@dataclass
class FakePublisher:
    """The Publisher port: every call recorded, in order, as ``(kind, app_id, ...)``."""

    calls: list[tuple[Any, ...]] = field(default_factory=list)

    async def stream(self, app_id: int, events: Sequence[StreamEvent]) -> None:
        self.stream_now(app_id, events)

    def stream_now(self, app_id: int, events: Sequence[StreamEvent]) -> None:
        self.calls.append(("stream", app_id, list(events)))

    async def group_message(
        self, app_id: int, message: MessageRecord, *, origin: str | None = None
    ) -> None:
        self.calls.append(("group_message", app_id, message, origin))

    async def message(self, app_id: int, message: MessageRecord, users: Sequence[str]) -> None:
        self.calls.append(("message", app_id, message, list(users)))

    async def notice(self, app_id: int, users: Sequence[str], notice: Notice) -> None:
        self.calls.append(("notice", app_id, list(users), notice))

    async def group_notice(self, app_id: int, group_id: str, notice: Notice) -> None:
        self.calls.append(("group_notice", app_id, group_id, notice))

    async def kick(
        self,
        app_id: int,
        user_id: str,
        kick_type: str,
        *,
        origin: str | None = None,
        platform: str | None = None,
    ) -> None:
        self.calls.append(("kick", app_id, user_id, kick_type, origin, platform))

    def events(self) -> list[StreamEvent]:
        """Every stream event published so far, in order."""
        return [e for c in self.calls if c[0] == "stream" for e in c[2]]

    def events_of(self, user: str) -> list[StreamEvent]:
        """The stream events published to ``user``."""
        return [e for e in self.events() if e.user_id == user]

    def of(self, kind: str) -> list[tuple[Any, ...]]:
        return [c for c in self.calls if c[0] == kind]

    def clear(self) -> None:
        self.calls.clear()


@dataclass
class FakePresence:
    """The Presence port: who is online is what the test says."""

    platforms: dict[str, list[str]] = field(default_factory=dict)

    async def online(self, app_id: int, user_ids: Sequence[str]) -> dict[str, list[str]]:
        return {u: list(self.platforms.get(u, [])) for u in user_ids}

    def platforms_now(self, app_id: int, user_id: str) -> list[str] | None:
        return list(self.platforms.get(user_id, []))  # one node: known in process

    def offline_now(self, app_id: int, user_ids: Iterable[str]) -> list[str] | None:
        return [u for u in user_ids if not self.platforms.get(u)]

    async def settle(self, app_id: int, user_id: str) -> None:
        pass


@dataclass
class FakeAudience:
    """The Audience port: the connections following each live room."""

    followers: dict[str, set[str]] = field(default_factory=dict)

    def group_users(self, app_id: int, group_id: str) -> set[str]:
        return set(self.followers.get(group_id, set()))


# --------------------------------------------------------------------- database


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database migrated once per run; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "palaver.db"

    async def migrate() -> None:
        db = Database(f"sqlite+aiosqlite:///{path}")
        await db.migrate()
        await db.close()

    asyncio.run(migrate())
    return path


async def _pg_available() -> bool:
    import asyncpg

    try:
        conn = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres", timeout=3)
    except Exception:
        return False
    await conn.close()
    return True


_pg_migrated = False
_pg_created: list[str] = []


@pytest.fixture(scope="session", autouse=True)
def _drop_pg_database() -> Iterator[None]:
    """Drop this run's PostgreSQL database at the end (if it made one)."""
    yield
    if _pg_created:
        import contextlib

        with contextlib.suppress(Exception):
            asyncio.run(
                _admin([f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in _pg_created])
            )


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def _admin(sql: list[str]) -> list[str]:
    """Run statements on the ``postgres`` database; the names of all databases."""
    import asyncpg

    conn = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres")
    try:
        for statement in sql:
            await conn.execute(statement)
        return [r["datname"] for r in await conn.fetch("SELECT datname FROM pg_database")]
    finally:
        await conn.close()


async def _reset_postgres(url: str) -> None:
    """Create this run's database (dropping those of runs that died) and empty
    its schema, so migrations start from empty."""
    from sqlalchemy import make_url, text
    from sqlalchemy.ext.asyncio import create_async_engine

    name = str(make_url(url).database)
    base = name.rpartition("_")[0]
    dead = [
        f'DROP DATABASE IF EXISTS "{other}" WITH (FORCE)'
        for other in await _admin([])
        if other.rpartition("_")[0] == base
        and other.rpartition("_")[2].isdigit()
        and not _pid_alive(int(other.rpartition("_")[2]))
    ]
    if name not in await _admin(dead):
        await _admin([f'CREATE DATABASE "{name}"'])
    _pg_created.append(name)
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


async def _pg_database() -> Database:
    """The unit PostgreSQL database, migrated once per run, emptied each time."""
    global _pg_migrated
    if not _pg_migrated:
        await _reset_postgres(PG_URL)
    db = Database(PG_URL)
    if not _pg_migrated:
        await db.migrate()
        _pg_migrated = True
    import asyncpg

    conn = await asyncpg.connect(PG_URL.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        tables = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            " AND tablename != 'alembic_version'"
        )
        # one round trip (simple query protocol); DELETE beats TRUNCATE on tiny tables
        await conn.execute("".join(f'DELETE FROM "{t["tablename"]}";' for t in tables))
    finally:
        await conn.close()
    return db


async def open_db(kind: str, tmp_path: Path, template: Path) -> Database:
    if kind == "postgresql":
        require_service("PostgreSQL", await _pg_available())
        return await _pg_database()
    path = tmp_path / "palaver.db"
    shutil.copy(template, path)
    return Database(f"sqlite+aiosqlite:///{path}")


@pytest.fixture
async def db(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[Database]:
    """A real, migrated, empty SQLite database."""
    database = await open_db("sqlite", tmp_path, sqlite_template)
    yield database
    await database.close()


@pytest.fixture(params=["sqlite", "postgresql"])
async def any_db(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> AsyncIterator[Database]:
    """The same, on SQLite and on PostgreSQL (skipped without it, except in CI)."""
    database = await open_db(request.param, tmp_path, sqlite_template)
    yield database
    await database.close()


# ------------------------------------------------------------------------ world


@dataclass
class World:
    """The services of one node, wired as the hub wires them, with fake ports."""

    db: Database
    clock: FakeClock
    publisher: FakePublisher
    presence: FakePresence
    audience: FakeAudience
    writer: MessageWriter
    apps: AppService
    accounts: AccountService
    profiles: ProfileService
    sns: SnsServices
    messages: MessageService
    groups: GroupServices
    conversations: ConversationService
    sessions: SessionService
    app: App

    async def users(self, *user_ids: str) -> None:
        """Import accounts."""
        await self.accounts.import_accounts(self.app, [ImportItem(u) for u in user_ids])

    async def settings(self, **changes: Any) -> None:
        """Change the app's settings (the services see the new ones)."""
        self.app = await self.apps.update_settings(self.app.sdkappid, **changes)


async def build_world(db: Database) -> World:
    clock, publisher, presence, audience = (
        FakeClock(),
        FakePublisher(),
        FakePresence(),
        FakeAudience(),
    )
    writer = MessageWriter(db)
    apps = AppService(db)
    accounts = AccountService(db, publisher, presence)
    sns = SnsServices(db, publisher)
    groups = GroupServices(db, writer, accounts, publisher, presence, audience, clock)
    app = await apps.create(sdkappid=SDKAPPID, secret_key=SECRET, admins=[ADMIN])
    return World(
        db=db,
        clock=clock,
        publisher=publisher,
        presence=presence,
        audience=audience,
        writer=writer,
        apps=apps,
        accounts=accounts,
        profiles=ProfileService(db, publisher),
        sns=sns,
        messages=MessageService(db, writer, accounts, sns.checks, publisher, clock),
        groups=groups,
        conversations=ConversationService(db, groups.reads, publisher),
        sessions=SessionService(db, apps, accounts, publisher),
        app=app,
    )


@pytest.fixture
async def world(db: Database) -> AsyncIterator[World]:
    """Every service on a fresh SQLite database, a fake clock and fake ports."""
    w = await build_world(db)
    yield w
    await w.writer.close()


@pytest.fixture
def clock() -> Iterator[FakeClock]:
    yield FakeClock()


@pytest.fixture
async def any_world(any_db: Database) -> AsyncIterator[World]:
    """A :class:`World` on SQLite and on PostgreSQL (``any_db``)."""
    w = await build_world(any_db)
    yield w
    await w.writer.close()


def text(t: str) -> list[dict[str, Any]]:
    """A ``MsgBody`` of one ``TIMTextElem``."""
    return [{"MsgType": "TIMTextElem", "MsgContent": {"Text": t}}]
