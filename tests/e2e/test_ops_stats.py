"""``palaver stats`` (issue 14 §1): what Tencent's console shows, from a real
server's database."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import orjson

from conftest import RunningServer
from test_cli import run_palaver


async def test_stats_count_what_the_app_holds(server: RunningServer) -> None:
    await server.import_users("ann", "ben", "cid")
    for i in range(3):
        await server.ok(
            "openim",
            "sendmsg",
            {"From_Account": "ann", "To_Account": "ben", "MsgRandom": i,
             "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "x"}}]},
        )  # fmt: skip
    g = await server.ok(
        "group_open_http_svc",
        "create_group",
        {"Owner_Account": "ann", "Type": "Public", "Name": "g"},
    )
    await server.ok(
        "group_open_http_svc",
        "send_group_msg",
        {"GroupId": g["GroupId"], "From_Account": "ann", "Random": 1,
         "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "y"}}]},
    )  # fmt: skip
    url = server.hub.settings.effective_database_url
    rc, out, err = await run_palaver("stats", "--json", "--days", "3", "--database-url", url)
    assert rc == 0, err
    doc = orjson.loads(out)
    assert doc["StorageBytes"] > 0
    (app,) = [a for a in doc["Apps"] if a["SDKAppID"] == server.app.sdkappid]
    assert (app["Accounts"], app["Groups"], app["C2CMessages"]) == (4, 1, 3)  # + the admin
    assert app["GroupMessages"] >= 1  # the send, and any group tips the app stores
    today = datetime.fromtimestamp(time.time(), UTC).strftime("%Y-%m-%d")
    assert list(app["MessagesPerDay"])[-1] == today and len(app["MessagesPerDay"]) == 3
    assert app["MessagesPerDay"][today] == app["C2CMessages"] + app["GroupMessages"]
    rc, out, err = await run_palaver("stats", "--database-url", url)
    assert rc == 0, err
    assert str(server.app.sdkappid) in out and "bytes" in out
