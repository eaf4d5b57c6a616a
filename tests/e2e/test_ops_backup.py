"""Backing up and restoring (issue 14 §2), as an operator does it: ``palaver backup``
against a real ``palaver serve`` that is storing messages, ``palaver restore``
into a new place, a new server on it, and every message read back through the
REST API.

What must hold: every message acknowledged before the backup began is in the
restored database; every conversation there is a gapless prefix (MsgSeq 1..k)
of the one the live server kept, with the same bodies; the restored server
takes new messages after the restored ones.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from click.testing import CliRunner
from sqlalchemy import make_url

from conftest import PG_DEFAULT_URL, free_port, per_run_url, require_service, reset_postgres
from palaver.cli import palaver
from palaver.storage.backup import backup_kind
from palaver.usersig import gen_usersig_v2
from support.waiting import eventually
from test_cli import Node, post_json, run_palaver

# several `palaver` processes each (serve, backup, restore, ...): a loaded machine
# starts each in seconds
pytestmark = pytest.mark.timeout(300)

SDKAPPID = 1400000814
KEY = "backup-test-key-" + "5" * 48
ADMIN = "administrator"
PAIRS = [("u0", "u1"), ("u2", "u3"), ("u4", "u5"), ("u1", "u4")]
MAX_PER_PAIR = 3000  # the load's bound: each pair sends until told to stop, at most this
WAIT = 60.0


@dataclass
class Target:
    """Where a server keeps its data: a data folder (SQLite) or a PostgreSQL URL."""

    args: list[str]
    url: str | None = None


@dataclass
class Load:
    """Messages sent by the load, with the time each was acknowledged."""

    acked: dict[tuple[str, str], list[tuple[int, float]]] = field(default_factory=dict)
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    #: stop by itself after this many messages in all (None: only when told)
    limit: int | None = None

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.acked.values())


def rest_url(port: int, service: str, command: str) -> str:
    sig = gen_usersig_v2(SDKAPPID, KEY, ADMIN, 3600)
    q = f"sdkappid={SDKAPPID}&identifier={ADMIN}&usersig={sig}&random=9&contenttype=json"
    return f"http://127.0.0.1:{port}/v4/{service}/{command}?{q}"


async def start_server(tmp_path: Path, name: str, target: Target, nodes: list[Node]) -> int:
    port = free_port()
    node = Node(tmp_path, name, "serve", "--port", str(port), *target.args)
    nodes.append(node)
    await node.start()
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=WAIT)) as session:
        await node.wait_healthy(f"http://127.0.0.1:{port}", session)
    return port


async def send_load(session: aiohttp.ClientSession, port: int, load: Load) -> None:
    """Each pair sends messages one after another (sender → receiver, random =
    index) until ``load.stop`` is set (bounded by MAX_PER_PAIR and WAIT)."""
    deadline = time.monotonic() + WAIT

    async def pair(a: str, b: str) -> None:
        acked = load.acked.setdefault((a, b), [])
        for i in range(MAX_PER_PAIR):
            if load.stop.is_set() or time.monotonic() > deadline:
                return
            if load.limit is not None and load.count >= load.limit:
                return
            body = {
                "From_Account": a,
                "To_Account": b,
                "MsgRandom": i,
                "SyncOtherMachine": 1,
                "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": f"{a}>{b} #{i}"}}],
            }
            r = await post_json(session, rest_url(port, "openim", "sendmsg"), body)
            assert r["ErrorCode"] == 0, r
            acked.append((i, time.monotonic()))

    await asyncio.gather(*(pair(a, b) for a, b in PAIRS))


async def history(
    session: aiohttp.ClientSession, port: int, a: str, b: str
) -> list[dict[str, Any]]:
    """The whole C2C history of a with b, oldest first (REST ``admin_getroammsg``)."""
    pages: list[list[dict[str, Any]]] = []
    body: dict[str, Any] = {
        "Operator_Account": a,
        "Peer_Account": b,
        "MaxCnt": 100,
        "MinTime": 0,
        "MaxTime": int(time.time()) + 3600,
    }
    for _ in range(100):
        r = await post_json(session, rest_url(port, "openim", "admin_getroammsg"), body)
        assert r["ErrorCode"] == 0, r
        pages.append(r["MsgList"])
        if r["Complete"]:
            break
        body = {**body, "LastMsgKey": r["LastMsgKey"], "MaxTime": r["LastMsgTime"]}
    return [m for page in reversed(pages) for m in page]


async def prepare(tmp_path: Path, target: Target) -> None:
    rc, _, err = await run_palaver(
        "app", "create", "--sdkappid", str(SDKAPPID), "--secret-key", KEY, *target.args
    )
    assert rc == 0, err


async def pg_target(name: str) -> Target:
    base = make_url(per_run_url(os.environ.get("PALAVER_TEST_DATABASE_URL") or PG_DEFAULT_URL))
    url = base.set(database=f"{base.database}_{name}").render_as_string(hide_password=False)
    try:
        await reset_postgres(url)
    except OSError as exc:
        require_service("PostgreSQL", False, str(exc))
    return Target(["--database-url", url], url)


@pytest.fixture
async def nodes() -> AsyncIterator[list[Node]]:
    started: list[Node] = []
    try:
        yield started
    finally:
        for node in started:
            await node.kill()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_backup_under_load_restores_every_acknowledged_message(
    tmp_path: Path, nodes: list[Node], kind: str
) -> None:
    if kind == "postgresql":
        require_service("pg_dump", shutil.which("pg_dump") is not None, "postgresql-client")
        live, restored = await pg_target("live"), await pg_target("restored")
    else:
        live = Target(["--data-dir", str(tmp_path / "live")])
        restored = Target(["--data-dir", str(tmp_path / "restored")])
    await prepare(tmp_path, live)
    port = await start_server(tmp_path, "live", live, nodes)
    dest = tmp_path / "backups" / "palaver.backup"
    load = Load()
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=WAIT)) as session:
        users = sorted({u for pair in PAIRS for u in pair})
        r = await post_json(
            session, rest_url(port, "im_open_login_svc", "multiaccount_import"), {"Accounts": users}
        )
        assert r["ErrorCode"] == 0, r
        sending = asyncio.create_task(send_load(session, port, load))

        # back up once 200 messages are in, while more keep coming
        def started() -> bool:
            assert not sending.done(), "the load ended early"
            return load.count >= 200

        await eventually(started, "200 messages of the load", WAIT)
        backup_started, at_start = time.monotonic(), load.count
        rc, out, err = await run_palaver("backup", str(dest), *live.args)
        assert rc == 0, err
        assert "Backed up" in out and KEY not in out + err
        assert not sending.done(), "the load ended before the backup did"
        during = load.count - at_start
        load.stop.set()
        await sending
        assert during > 0, "no message was stored while the backup ran"
        live_history = {pair: await history(session, port, *pair) for pair in PAIRS}
    assert backup_kind(dest) == kind
    assert await nodes[0].terminate() == 0, nodes[0].logs

    rc, out, err = await run_palaver("restore", str(dest), *restored.args)
    assert rc == 0, err
    assert "Restored" in out
    port = await start_server(tmp_path, "restored", restored, nodes)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=WAIT)) as session:
        for (a, b), acked in load.acked.items():
            got = await history(session, port, a, b)
            before = {i for i, at in acked if at < backup_started}
            randoms = [m["MsgRandom"] for m in got if m["From_Account"] == a]
            assert before <= set(randoms), f"{a}>{b}: lost {sorted(before - set(randoms))[:5]}"
            # a gapless prefix of what the live server kept, the same messages
            assert [m["MsgSeq"] for m in got] == list(range(1, len(got) + 1))
            live_prefix = live_history[(a, b)][: len(got)]
            assert [(m["MsgKey"], m["MsgBody"]) for m in got] == [
                (m["MsgKey"], m["MsgBody"]) for m in live_prefix
            ]
        # and the restored server goes on from there
        a, b = PAIRS[0]
        r = await post_json(
            session,
            rest_url(port, "openim", "sendmsg"),
            {
                "From_Account": a,
                "To_Account": b,
                "MsgRandom": 10**6,
                "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "after"}}],
            },
        )
        assert r["ErrorCode"] == 0, r
        got = await history(session, port, a, b)
        assert got[-1]["MsgBody"][0]["MsgContent"]["Text"] == "after"
        assert got[-1]["MsgSeq"] == len(got)
    assert await nodes[1].terminate() == 0, nodes[1].logs


def test_backup_and_restore_refuse_what_would_lose_data(tmp_path: Path) -> None:
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(palaver, list(args), catch_exceptions=False)
        return result.exit_code, result.output + result.stderr

    data = str(tmp_path / "data")
    assert run("app", "create", "--data-dir", data)[0] == 0
    dest = tmp_path / "one.db"
    assert run("backup", str(dest), "--data-dir", data)[0] == 0
    code, out = run("backup", str(dest), "--data-dir", data)
    assert code == 1 and "exists already" in out
    # restoring over a database that is there needs --force
    code, out = run("restore", str(dest), "--data-dir", data)
    assert code == 1 and "--force" in out
    code, out = run("restore", str(dest), "--data-dir", data, "--force")
    assert code == 0, out
    # a file that is no backup, and a SQLite backup into PostgreSQL, are refused
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not a backup")
    code, out = run("restore", str(junk), "--data-dir", str(tmp_path / "other"))
    assert code == 1 and "neither" in out
    code, out = run(
        "restore", str(dest), "--database-url", "postgresql+asyncpg://u:pw-secret@127.0.0.1/x"
    )
    assert code == 1 and "migrate-db" in out and "pw-secret" not in out
    # no database at all
    code, out = run("backup", str(tmp_path / "two.db"), "--data-dir", str(tmp_path / "none"))
    assert code == 1 and "no database" in out
