"""User status (issue 17, People): ``getUserStatus``, ``setSelfStatus``,
``subscribeUserStatus``, ``unsubscribeUserStatus`` and ``USER_STATUS_UPDATED``
through Palaver's protocol, the Python SDK and REST ``query_online_status``
(the official SDK: test_tencent_people.py; the JS SDK: test_js_sdk_people.py;
across nodes: test_cluster.py)."""

from __future__ import annotations

import asyncio

from conftest import RunningServer
from palaver.client import EVENT, TYPES, Chat, ChatError
from test_client_sdk import Recorder
from test_ws_social import Client, online


async def test_subscribe_login_custom_status_logout(server: RunningServer) -> None:
    (alice,) = await online(server, "alice")
    await server.import_users("bob")
    got = await alice.ok("getUserStatus", {"userIDList": ["bob", "ghost", "alice"]})
    assert got["successUserList"] == [
        {"userID": "bob", "statusType": 2, "customStatus": ""},
        {"userID": "alice", "statusType": 1, "customStatus": ""},
    ]
    assert got["failureUserList"] == [
        {"userID": "ghost", "code": 70107, "message": "account does not exist"}
    ]
    r = await alice.ok("subscribeUserStatus", {"userIDList": ["bob", "ghost"]})
    assert [f["userID"] for f in r["failureUserList"]] == ["ghost"]

    bob = Client(server, "bob")
    await bob.login()
    [push] = await alice.expect("USER_STATUS_UPDATED")
    assert push.seq is None
    assert push.data == {"userStatusList": [{"userID": "bob", "statusType": 1, "customStatus": ""}]}
    mine = await bob.ok("setSelfStatus", {"customStatus": "busy"})
    assert mine == {"userID": "bob", "statusType": 1, "customStatus": "busy"}
    for c in (alice, bob):  # subscribers and bob's own devices
        [push] = await c.expect("USER_STATUS_UPDATED")
        assert push.data["userStatusList"][0]["customStatus"] == "busy"
    assert await bob.fails("setSelfStatus", {"customStatus": "x" * 101}) == 6017
    assert await bob.fails("setSelfStatus", {}) == 6017
    await bob.logout()
    [push] = await alice.expect("USER_STATUS_UPDATED")
    assert push.data["userStatusList"] == [
        {"userID": "bob", "statusType": 2, "customStatus": "busy"}
    ]
    # REST query_online_status agrees
    r = await server.ok("openim", "query_online_status", {"To_Account": ["bob", "alice"]})
    assert {i["To_Account"]: i["Status"] for i in r["QueryResult"]} == {
        "bob": "Offline",
        "alice": "Online",
    }

    # unsubscribed: bob's comings and goings are no longer told
    await alice.ok("unsubscribeUserStatus", {"userIDList": ["bob"]})
    bob = Client(server, "bob")
    await bob.login()
    await bob.ok("setSelfStatus", {"customStatus": "back"})
    await alice.quiet()
    # bad requests
    for op in ("getUserStatus", "subscribeUserStatus"):
        assert await alice.fails(op, {"userIDList": []}) == 6017
        assert await alice.fails(op, {"userIDList": [f"u{i}" for i in range(501)]}) == 6017
    await alice.ok("unsubscribeUserStatus", {})


async def test_python_sdk_user_status(server: RunningServer) -> None:
    await server.import_users("p1", "p2")
    chats: list[Chat] = []
    try:
        watcher = Chat.create(server.app.sdkappid, server.url)
        chats.append(watcher)
        rec = Recorder(watcher)
        await watcher.login(user_id="p1", user_sig=server.sig("p1"))
        r = await watcher.subscribe_user_status(["p2"])
        assert r["failureUserList"] == []
        other = Chat.create(server.app.sdkappid, server.url)
        chats.append(other)
        await other.login(user_id="p2", user_sig=server.sig("p2"))
        await rec.until(
            EVENT.USER_STATUS_UPDATED,
            lambda d: (
                d == [{"userID": "p2", "statusType": TYPES.USER_STATUS_ONLINE, "customStatus": ""}]
            ),
        )
        await other.set_self_status("coding")
        await rec.until(EVENT.USER_STATUS_UPDATED, lambda d: d[0]["customStatus"] == "coding")
        got = await watcher.get_user_status(["p2"])
        assert got["successUserList"][0]["customStatus"] == "coding"
        try:
            await other.set_self_status("z" * 200)
        except ChatError as exc:
            assert exc.code == 6017
        else:
            raise AssertionError("a 200-byte custom status was taken")
        await watcher.unsubscribe_user_status()
        await asyncio.wait_for(other.logout(), 10)
        chats.remove(other)
        got = await watcher.get_user_status(["p2"])
        assert got["successUserList"][0]["statusType"] == TYPES.USER_STATUS_OFFLINE
    finally:
        for c in chats:
            await c.logout()
