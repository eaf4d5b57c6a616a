"""Retention (issue 14 §2): messages past an app's ``history_retention_days`` are
purged in small transactions, so a big purge never holds up live sends."""

from __future__ import annotations

import asyncio
import time

import orjson

from conftest import RunningServer
from palaver.storage.message_batch import C2CWrite, write_batch
from palaver.storage.messages import NewMessage, c2c_conv_id

OLD = 40_000
BATCH = 400


async def test_a_big_purge_lets_sends_through(server: RunningServer) -> None:
    await server.import_users("old", "new")
    body = orjson.dumps([{"MsgType": "TIMTextElem", "MsgContent": {"Text": "old"}}]).decode()
    long_ago = int(time.time()) - 30 * 86400
    app_id = server.app.sdkappid
    for start in range(0, OLD, 5000):
        ops = [
            C2CWrite(
                app_id,
                NewMessage(c2c_conv_id("old", "new"), "old", "new", long_ago + i, i, 0, body),
            )
            for i in range(start, start + 5000)
        ]
        await server.hub.db.run_write(write_batch, ops)
    app = await server.hub.apps.update_settings(app_id, history_retention_days=3)

    purge = asyncio.create_task(server.hub.messages.purge_expired([app], batch=BATCH))
    acked_while_purging = 0
    for i in range(3):
        r = await server.ok(
            "openim",
            "sendmsg",
            {"From_Account": "new", "To_Account": "old", "MsgRandom": 10**6 + i,
             "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": f"fresh {i}"}}]},
        )  # fmt: skip
        assert r["ErrorCode"] == 0
        acked_while_purging += not purge.done()
    assert acked_while_purging == 3, "a send waited for the whole purge"
    assert await purge == OLD

    r = await server.ok(
        "openim",
        "admin_getroammsg",
        {"Operator_Account": "old", "Peer_Account": "new", "MaxCnt": 100, "MinTime": 0,
         "MaxTime": 2**31 - 1},
    )  # fmt: skip
    assert [m["MsgBody"][0]["MsgContent"]["Text"] for m in r["MsgList"]] == [
        "fresh 0",
        "fresh 1",
        "fresh 2",
    ]
    assert await server.hub.messages.purge_expired([app], batch=BATCH) == 0


async def test_old_stream_events_go_in_batches_too(server: RunningServer) -> None:
    """Stream events older than ``event_retention_days`` are dropped in small
    transactions, walking the table once; sends go on meanwhile."""
    from sqlalchemy import func, select, update

    from palaver.storage.schema import user_events

    await server.import_users("old", "new")
    body = orjson.dumps([{"MsgType": "TIMTextElem", "MsgContent": {"Text": "old"}}]).decode()
    app_id = server.app.sdkappid
    for start in range(0, 20_000, 5000):
        ops = [
            C2CWrite(app_id, NewMessage(c2c_conv_id("old", "new"), "old", "new", 1, i, 0, body))
            for i in range(start, start + 5000)
        ]
        await server.hub.db.run_write(write_batch, ops)
    async with server.hub.db.write() as conn:  # as if written 60 days ago
        await conn.execute(update(user_events).values(created_at=int(time.time()) - 60 * 86400))
        (old_events,) = (await conn.execute(select(func.count()).select_from(user_events))).one()
    assert old_events == 40_000  # one for each party of each message

    purge = asyncio.create_task(server.hub.purge_events(batch=BATCH))
    r = await server.ok(
        "openim",
        "sendmsg",
        {"From_Account": "new", "To_Account": "old", "MsgRandom": 7,
         "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "fresh"}}]},
    )  # fmt: skip
    assert r["ErrorCode"] == 0
    assert not purge.done(), "the send waited for the whole purge"
    assert await purge == old_events
    async with server.hub.db.read() as conn:
        (left,) = (await conn.execute(select(func.count()).select_from(user_events))).one()
    assert left == 2  # the fresh message's events, for both parties
