"""Upgrading (issue 14 §3): a database an older release made, with data in it,
migrates forward with ``palaver migrate`` and serves its messages afterwards.

The old database is built the way that release left it: the schema at
revision 0003 (before ``messages.client_time``, ``apps.session_key`` and
``accounts.applications_read_at``) and rows written with that schema's
columns only. It runs on SQLite, and on PostgreSQL in the suite's PostgreSQL
pass.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pytest
from aiohttp import web
from sqlalchemy import text

from conftest import free_port, reset_postgres
from conftest import test_database_url as own_database_url
from palaver.hub import Hub
from palaver.server import build_app
from palaver.settings import Settings
from palaver.storage import Database
from palaver.usersig import gen_usersig_v2
from test_cli import run_palaver

# several `palaver` processes each (serve, backup, restore, ...): a loaded machine
# starts each in seconds
pytestmark = pytest.mark.timeout(300)

SDKAPPID = 1400000915
KEY = "upgrade-test-key-" + "3" * 47
OLD = "0003"
CONV = "c2c:ann\x1fben"

OLD_ROWS: list[tuple[str, dict[str, Any]]] = [
    (
        "INSERT INTO apps (sdkappid, secret_key, public_key_pem, admins, settings, created_at)"
        " VALUES (:id, :key, NULL, :admins, '{}', 1700000000)",
        {"id": SDKAPPID, "key": KEY, "admins": '["administrator"]'},
    ),
    *[
        (
            "INSERT INTO accounts (app_id, user_id, type, created_at, kicked_at)"
            " VALUES (:app, :u, 0, 1700000000, 0)",
            {"app": SDKAPPID, "u": u},
        )
        for u in ("administrator", "ann", "ben")
    ],
    *[
        (
            "INSERT INTO messages (id, app_id, conv_id, seq, from_account, to_account, msg_time,"
            " random, client_seq, msg_key, body, cloud_custom_data, flags, dedupe_key, at_users)"
            " VALUES (:id, :app, :conv, :seq, :f, :t, :time, :rnd, 0, :key, :body, NULL, 0,"
            " NULL, NULL)",
            {
                "id": seq,
                "app": SDKAPPID,
                "conv": CONV,
                "seq": seq,
                "f": "ann" if seq % 2 else "ben",
                "t": "ben" if seq % 2 else "ann",
                "time": 1700000000 + seq,
                "rnd": 500 + seq,
                "key": f"{seq}_{500 + seq}_{1700000000 + seq}",
                "body": orjson.dumps(
                    [{"MsgType": "TIMTextElem", "MsgContent": {"Text": f"old {seq}"}}]
                ).decode(),
            },
        )
        for seq in (1, 2, 3)
    ],
    (
        "INSERT INTO conv_heads (app_id, conv_id, last_seq, last_time, last_msg_id)"
        " VALUES (:app, :conv, 3, 1700000003, 3)",
        {"app": SDKAPPID, "conv": CONV},
    ),
    *[
        (
            "INSERT INTO user_conversations (app_id, owner, conv_id, conv_type, peer, last_seq,"
            " last_time, last_msg_id, read_seq, cleared_seq, pinned, pinned_at, hidden)"
            " VALUES (:app, :o, :conv, 1, :p, 3, 1700000003, 3, 0, 0, false, 0, false)",
            {"app": SDKAPPID, "o": o, "p": p, "conv": CONV},
        )
        for o, p in (("ann", "ben"), ("ben", "ann"))
    ],
    ("UPDATE counters SET value = 3 WHERE name = 'message_id'", {}),
]


async def make_old_database(url: str) -> None:
    db = Database.for_cli(url)
    try:
        await db.migrate(OLD)
        assert await db.revision() == OLD
        async with db.write() as conn:
            for sql, params in OLD_ROWS:
                await conn.execute(text(sql), params)
    finally:
        await db.close()


async def roam(session: aiohttp.ClientSession, base: str, who: str, peer: str) -> dict[str, Any]:
    sig = gen_usersig_v2(SDKAPPID, KEY, "administrator", 3600)
    q = f"sdkappid={SDKAPPID}&identifier=administrator&usersig={sig}&random=1&contenttype=json"
    body = {"Operator_Account": who, "Peer_Account": peer, "MaxCnt": 100, "MinTime": 0,
            "MaxTime": int(time.time()) + 60}  # fmt: skip
    async with session.post(f"{base}/v4/openim/admin_getroammsg?{q}", json=body) as resp:
        result: dict[str, Any] = await resp.json(content_type=None)
    return result


async def test_an_old_database_migrates_and_serves_its_messages(data_dir: Path) -> None:
    url = own_database_url(data_dir)
    if url:
        await reset_postgres(url)
    else:
        url = Settings.load(data_dir=data_dir).effective_database_url
    await make_old_database(url)

    rc, out, err = await run_palaver("migrate", "--check", "--database-url", url)
    assert rc == 3 and f"database at {OLD}" in out, (out, err)
    rc, out, err = await run_palaver("migrate", "--database-url", url)
    assert rc == 0, err
    assert f"from {OLD} to {Database.head_revision()}" in out
    rc, out, err = await run_palaver("migrate", "--check", "--database-url", url)
    assert rc == 0, (out, err)
    rc, out, err = await run_palaver("migrate", "--database-url", url)
    assert rc == 0 and "up to date" in out, (out, err)

    settings = Settings.load(data_dir=data_dir, port=free_port(), database_url=url)
    hub = await Hub.open(settings)
    site_runner = web.AppRunner(build_app(hub), access_log=None)
    await site_runner.setup()
    await web.TCPSite(site_runner, "127.0.0.1", settings.port).start()
    base = f"http://127.0.0.1:{settings.port}"
    try:
        async with aiohttp.ClientSession() as session:
            r = await roam(session, base, "ben", "ann")
            assert r["ErrorCode"] == 0, r
            assert [m["MsgBody"][0]["MsgContent"]["Text"] for m in r["MsgList"]] == [
                "old 1",
                "old 2",
                "old 3",
            ]
            assert [m["MsgSeq"] for m in r["MsgList"]] == [1, 2, 3]
            # the old app (no session key before 0004) sends, and the seq goes on
            sig = gen_usersig_v2(SDKAPPID, KEY, "administrator", 3600)
            q = f"sdkappid={SDKAPPID}&identifier=administrator&usersig={sig}&random=2"
            body = {
                "From_Account": "ann",
                "To_Account": "ben",
                "MsgRandom": 77,
                "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "new"}}],
            }
            async with session.post(f"{base}/v4/openim/sendmsg?{q}", json=body) as resp:
                sent = await resp.json(content_type=None)
            assert sent["ErrorCode"] == 0, sent
            r = await roam(session, base, "ann", "ben")
            assert [m["MsgSeq"] for m in r["MsgList"]] == [1, 2, 3, 4]
            assert r["MsgList"][-1]["MsgBody"][0]["MsgContent"]["Text"] == "new"
    finally:
        await site_runner.cleanup()
        await hub.close()
