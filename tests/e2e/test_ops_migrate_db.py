"""Moving from SQLite to PostgreSQL (issue 14 §3): ``palaver migrate-db`` copies a
live SQLite deployment; after the final copy with the server stopped, a server
on PostgreSQL serves every message, and the conversations go on from there."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import aiohttp
import pytest

from palaver.settings import Settings
from test_cli import Node, post_json, run_palaver
from test_ops_backup import (
    PAIRS,
    WAIT,
    Load,
    Target,
    history,
    nodes,  # noqa: F401 - the fixture
    pg_target,
    prepare,
    rest_url,
    send_load,
    start_server,
)

# several `palaver` processes each (serve, backup, restore, ...): a loaded machine
# starts each in seconds
pytestmark = pytest.mark.timeout(600)

#: A whole-database copy while a server writes, on a loaded CI machine (one run with a CPU
#: hog on one core and another suite beside it took over 30 s): bounded, but not tight.
COPY_WAIT = 150.0


async def test_sqlite_to_postgresql_loses_nothing(tmp_path: Path, nodes: list[Node]) -> None:  # noqa: F811
    live = Target(["--data-dir", str(tmp_path / "live")])
    pg = await pg_target("moved")
    assert pg.url is not None
    sqlite_url = Settings.load(data_dir=tmp_path / "live").effective_database_url
    await prepare(tmp_path, live)
    port = await start_server(tmp_path, "sqlite", live, nodes)
    load = Load(limit=800)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=WAIT)) as session:
        users = sorted({u for pair in PAIRS for u in pair})
        r = await post_json(
            session, rest_url(port, "im_open_login_svc", "multiaccount_import"), {"Accounts": users}
        )
        assert r["ErrorCode"] == 0, r
        sending = asyncio.create_task(send_load(session, port, load))
        deadline = time.monotonic() + WAIT
        while load.count < 100:
            assert not sending.done() and time.monotonic() < deadline
            await asyncio.sleep(0.01)
        # a first copy while the server runs and messages keep coming
        rc, out, err = await run_palaver(
            "migrate-db", "--from", sqlite_url, "--to", pg.url, limit=COPY_WAIT
        )
        assert rc == 0, err
        assert "row counts match" in out
        load.stop.set()
        await sending
        # a second copy into the same target needs --force
        rc, _, err = await run_palaver(
            "migrate-db", "--from", sqlite_url, "--to", pg.url, limit=COPY_WAIT
        )
        assert rc == 1 and "--force" in err
    assert await nodes[0].terminate() == 0, nodes[0].logs

    # the final copy, server stopped; then switch
    rc, out, err = await run_palaver(
        "migrate-db", "--from", sqlite_url, "--to", pg.url, "--force", limit=COPY_WAIT
    )
    assert rc == 0, err
    assert f"search index: {load.count:,} messages indexed" in out, out
    port = await start_server(tmp_path, "postgresql", pg, nodes)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=WAIT)) as session:
        for (a, b), acked in load.acked.items():
            got = await history(session, port, a, b)
            sent = [m["MsgRandom"] for m in got if m["From_Account"] == a]
            assert sent == [i for i, _ in acked], f"{a}>{b}"
            assert [m["MsgSeq"] for m in got] == list(range(1, len(got) + 1))
        a, b = PAIRS[0]
        before = await history(session, port, a, b)
        r = await post_json(
            session,
            rest_url(port, "openim", "sendmsg"),
            {
                "From_Account": a,
                "To_Account": b,
                "MsgRandom": 10**6,
                "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "on postgres"}}],
            },
        )
        assert r["ErrorCode"] == 0, r
        after = await history(session, port, a, b)
        assert after[-1]["MsgSeq"] == len(before) + 1
    assert await nodes[1].terminate() == 0, nodes[1].logs
