"""REST ``openim`` (C2C messages) and ``recentcontact``, through a real server."""

from __future__ import annotations

import time
from typing import Any

from conftest import ADMIN, RunningServer


def text(t: str) -> list[dict[str, Any]]:
    return [{"MsgType": "TIMTextElem", "MsgContent": {"Text": t}}]


async def send(server: RunningServer, frm: str, to: str, t: str, **extra: Any) -> dict[str, Any]:
    body = {
        "From_Account": frm,
        "To_Account": to,
        "MsgRandom": extra.pop("MsgRandom", 7),
        "MsgBody": text(t),
        **extra,
    }
    return await server.ok("openim", "sendmsg", body)


async def roam(server: RunningServer, op: str, peer: str, **extra: Any) -> dict[str, Any]:
    body = {
        "Operator_Account": op,
        "Peer_Account": peer,
        "MaxCnt": 100,
        "MinTime": 0,
        "MaxTime": int(time.time()) + 10,
        **extra,
    }
    return await server.ok("openim", "admin_getroammsg", body)


async def test_send_and_history_in_order(server: RunningServer) -> None:
    await server.import_users("alice", "bob")
    keys = []
    for i in range(5):
        r = await send(
            server,
            "alice" if i % 2 == 0 else "bob",
            "bob" if i % 2 == 0 else "alice",
            f"m{i}",
            MsgRandom=100 + i,
        )
        assert r["MsgTime"] >= int(time.time()) - 5
        keys.append(r["MsgKey"])
    assert len(set(keys)) == 5
    for op, peer in (("alice", "bob"), ("bob", "alice")):
        r = await roam(server, op, peer)
        assert r["Complete"] == 1 and r["MsgCnt"] == 5
        assert [m["MsgBody"][0]["MsgContent"]["Text"] for m in r["MsgList"]] == [
            f"m{i}" for i in range(5)
        ]
        seqs = [m["MsgSeq"] for m in r["MsgList"]]
        assert seqs == sorted(seqs) and len(set(seqs)) == 5
        assert [m["MsgKey"] for m in r["MsgList"]] == keys


async def test_history_paging_with_last_msg_key(server: RunningServer) -> None:
    await server.import_users("alice", "bob")
    for i in range(25):
        await send(server, "alice", "bob", f"p{i}", MsgRandom=i)
    seen: list[str] = []
    extra: dict[str, Any] = {"MaxCnt": 10}
    pages = 0
    while True:
        r = await roam(server, "bob", "alice", **extra)
        pages += 1
        seen = [m["MsgBody"][0]["MsgContent"]["Text"] for m in r["MsgList"]] + seen
        if r["Complete"]:
            break
        extra = {"MaxCnt": 10, "LastMsgKey": r["LastMsgKey"], "MaxTime": r["LastMsgTime"]}
        assert pages < 10
    assert pages == 3
    assert seen == [f"p{i}" for i in range(25)]


async def test_time_range(server: RunningServer) -> None:
    await server.import_users("alice", "bob")
    for i, ts in enumerate((1_600_000_000, 1_600_000_100, 1_600_000_200)):
        await server.ok(
            "openim",
            "importmsg",
            {
                "SyncFromOldSystem": 2,
                "From_Account": "alice",
                "To_Account": "bob",
                "MsgRandom": i,
                "MsgTimeStamp": ts,
                "MsgBody": text(f"old{i}"),
            },
        )
    r = await roam(server, "alice", "bob", MinTime=1_600_000_050, MaxTime=1_600_000_150)
    assert [m["MsgBody"][0]["MsgContent"]["Text"] for m in r["MsgList"]] == ["old1"]


async def test_retried_send_is_stored_once(server: RunningServer) -> None:
    await server.import_users("alice", "bob")
    body = {
        "From_Account": "alice",
        "To_Account": "bob",
        "MsgSeq": 9,
        "MsgRandom": 1287657,
        "MsgBody": text("same"),
    }
    a = await server.ok("openim", "sendmsg", body)
    b = await server.ok("openim", "sendmsg", body)
    assert a["MsgKey"] == b["MsgKey"]
    c = await server.ok("openim", "sendmsg", {**body, "MsgBody": text("other")})
    assert c["MsgKey"] != a["MsgKey"]
    d = await server.ok("openim", "sendmsg", {**body, "MsgSeq": 10})
    assert d["MsgKey"] != a["MsgKey"]
    r = await roam(server, "bob", "alice")
    assert r["MsgCnt"] == 3


async def test_send_errors(server: RunningServer) -> None:
    await server.import_users("alice", "bob")
    base = {"From_Account": "alice", "To_Account": "bob", "MsgRandom": 1, "MsgBody": text("x")}
    cases = [
        ({**base, "To_Account": "ghost"}, 90012),
        ({**base, "From_Account": "ghost"}, 90048),
        ({k: v for k, v in base.items() if k != "To_Account"}, 90003),
        ({k: v for k, v in base.items() if k != "MsgRandom"}, 90005),
        ({**base, "MsgRandom": "abc"}, 90005),
        ({**base, "MsgBody": {"MsgType": "TIMTextElem"}}, 90007),
        ({**base, "MsgBody": []}, 90007),
        ({**base, "MsgBody": [{"MsgType": "TIMNope", "MsgContent": {}}]}, 90002),
        ({**base, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Txt": "x"}}]}, 90002),
        (
            {
                **base,
                "MsgBody": [
                    {"MsgType": "TIMLocationElem", "MsgContent": {"Desc": "d", "Latitude": "north"}}
                ],
            },
            90002,
        ),
        ({**base, "MsgBody": text("x" * 9000)}, 80002),
        ({**base, "MsgLifeTime": 604801}, 90026),
        ({**base, "MsgLifeTime": "long"}, 90044),
        ({**base, "SyncOtherMachine": "yes"}, 90031),
        ({**base, "MsgTimeStamp": "now"}, 90006),
    ]
    for body, code in cases:
        r = await server.rest("openim", "sendmsg", body)
        assert (r["ActionStatus"], r["ErrorCode"]) == ("FAIL", code), (body, r)
    r = await server.rest("openim", "sendmsg", raw=b"{oops")
    assert r["ErrorCode"] == 90001
    assert (await roam(server, "alice", "bob"))["MsgCnt"] == 0  # nothing stored


async def test_all_element_types_round_trip(server: RunningServer) -> None:
    await server.import_users("alice", "bob")
    body = [
        {"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}},
        {"MsgType": "TIMFaceElem", "MsgContent": {"Index": 1, "Data": "smile"}},
        {
            "MsgType": "TIMLocationElem",
            "MsgContent": {"Desc": "here", "Latitude": 22.5, "Longitude": 113.9},
        },
        {"MsgType": "TIMCustomElem", "MsgContent": {"Data": '{"k":1}', "Desc": "d", "Ext": "e"}},
        {
            "MsgType": "TIMImageElem",
            "MsgContent": {
                "UUID": "u",
                "ImageFormat": 1,
                "ImageInfoArray": [
                    {"Type": 1, "Size": 10, "Width": 2, "Height": 3, "URL": "https://x/1.jpg"}
                ],
            },
        },
        {
            "MsgType": "TIMFileElem",
            "MsgContent": {
                "Url": "https://x/f",
                "FileSize": 5,
                "FileName": "f.txt",
                "Download_Flag": 2,
            },
        },
        {
            "MsgType": "TIMSoundElem",
            "MsgContent": {"Url": "https://x/s", "Size": 5, "Second": 2, "Download_Flag": 2},
        },
        {
            "MsgType": "TIMVideoFileElem",
            "MsgContent": {
                "VideoUrl": "https://x/v",
                "VideoSize": 9,
                "VideoSecond": 3,
                "VideoFormat": "mp4",
                "ThumbUrl": "https://x/t",
            },
        },
    ]
    await server.ok(
        "openim",
        "sendmsg",
        {
            "From_Account": "alice",
            "To_Account": "bob",
            "MsgRandom": 3,
            "MsgBody": body,
            "CloudCustomData": "ccd",
        },
    )
    r = await roam(server, "bob", "alice")
    assert r["MsgList"][0]["MsgBody"] == body
    assert r["MsgList"][0]["CloudCustomData"] == "ccd"


async def test_admin_is_default_sender_and_online_only(server: RunningServer) -> None:
    await server.import_users("bob")
    await server.ok(
        "openim", "sendmsg", {"To_Account": "bob", "MsgRandom": 1, "MsgBody": text("hey")}
    )
    r = await roam(server, "bob", ADMIN)
    assert [m["From_Account"] for m in r["MsgList"]] == [ADMIN]
    r = await server.ok(
        "openim",
        "sendmsg",
        {"To_Account": "bob", "MsgRandom": 2, "MsgLifeTime": 0, "MsgBody": text("typing")},
    )
    assert r["MsgKey"]
    assert (await roam(server, "bob", ADMIN))["MsgCnt"] == 1  # online-only is not stored


async def test_sync_other_machine_2_keeps_it_out_of_sender_roaming(server: RunningServer) -> None:
    await server.import_users("alice", "bob")
    await send(server, "alice", "bob", "quiet", SyncOtherMachine=2)
    assert (await roam(server, "alice", "bob"))["MsgCnt"] == 0
    assert (await roam(server, "bob", "alice"))["MsgCnt"] == 1


async def test_recall(server: RunningServer) -> None:
    await server.import_users("alice", "bob")
    r = await send(server, "alice", "bob", "oops")
    await server.ok(
        "openim",
        "admin_msgwithdraw",
        {"From_Account": "alice", "To_Account": "bob", "MsgKey": r["MsgKey"]},
    )
    items = (await roam(server, "bob", "alice"))["MsgList"]
    assert items[0]["MsgFlagBits"] == 2
    bad = await server.rest(
        "openim",
        "admin_msgwithdraw",
        {"From_Account": "bob", "To_Account": "alice", "MsgKey": r["MsgKey"]},
    )
    assert bad["ActionStatus"] == "FAIL"
    bad = await server.rest(
        "openim",
        "admin_msgwithdraw",
        {"From_Account": "alice", "To_Account": "bob", "MsgKey": "1_2_3"},
    )
    assert bad["ActionStatus"] == "FAIL"
    # a recalled message no longer counts as unread
    u = await server.ok("openim", "get_c2c_unread_msg_num", {"To_Account": "bob"})
    assert u["AllC2CUnreadMsgNum"] == 0


async def test_batchsendmsg(server: RunningServer) -> None:
    await server.import_users("alice", "b1", "b2")
    r = await server.ok(
        "openim",
        "batchsendmsg",
        {
            "From_Account": "alice",
            "To_Account": ["b1", "b2", "ghost"],
            "MsgRandom": 5,
            "MsgBody": text("all"),
        },
    )
    assert r["ErrorList"] == [{"To_Account": "ghost", "ErrorCode": 70107}]
    for b in ("b1", "b2"):
        assert (await roam(server, b, "alice"))["MsgCnt"] == 1
        # the one MsgKey recalls each recipient's copy
        await server.ok(
            "openim",
            "admin_msgwithdraw",
            {"From_Account": "alice", "To_Account": b, "MsgKey": r["MsgKey"]},
        )
        assert (await roam(server, b, "alice"))["MsgList"][0]["MsgFlagBits"] == 2
    too_many = await server.rest(
        "openim",
        "batchsendmsg",
        {
            "From_Account": "alice",
            "To_Account": [f"u{i}" for i in range(501)],
            "MsgRandom": 5,
            "MsgBody": text("x"),
        },
    )
    assert too_many["ErrorCode"] == 90011


async def test_importmsg_dedupe_and_unread(server: RunningServer) -> None:
    await server.import_users("alice", "bob")
    body = {
        "SyncFromOldSystem": 2,
        "From_Account": "alice",
        "To_Account": "bob",
        "MsgSeq": 1,
        "MsgRandom": 2,
        "MsgTimeStamp": 1_700_000_000,
        "MsgBody": text("h"),
    }
    await server.ok("openim", "importmsg", body)
    await server.ok("openim", "importmsg", body)
    assert (await roam(server, "bob", "alice", MinTime=0, MaxTime=1_800_000_000))["MsgCnt"] == 1
    u = await server.ok("openim", "get_c2c_unread_msg_num", {"To_Account": "bob"})
    assert u["AllC2CUnreadMsgNum"] == 0  # history import does not count as unread
    await server.ok("openim", "importmsg", {**body, "SyncFromOldSystem": 5, "MsgRandom": 3})
    u = await server.ok("openim", "get_c2c_unread_msg_num", {"To_Account": "bob"})
    assert u["AllC2CUnreadMsgNum"] == 1
    r = await server.rest("openim", "importmsg", {**body, "MsgTimeStamp": None})
    assert r["ErrorCode"] == 90006


async def test_unread_counts_and_read(server: RunningServer) -> None:
    await server.import_users("alice", "bob", "carol")
    for i in range(3):
        await send(server, "alice", "bob", f"a{i}", MsgRandom=i)
    await send(server, "carol", "bob", "c0")
    await send(server, "bob", "alice", "reply")
    u = await server.ok(
        "openim",
        "get_c2c_unread_msg_num",
        {"To_Account": "bob", "Peer_Account": ["alice", "carol", "ghost"]},
    )
    assert u["AllC2CUnreadMsgNum"] == 4
    assert {i["Peer_Account"]: i["C2CUnreadMsgNum"] for i in u["C2CUnreadMsgNumList"]} == {
        "alice": 3,
        "carol": 1,
    }
    assert u["ErrorList"] == [{"Peer_Account": "ghost", "ErrorCode": 70107}]
    # bob's unread does not include what bob sent; alice has 1
    a = await server.ok("openim", "get_c2c_unread_msg_num", {"To_Account": "alice"})
    assert a["AllC2CUnreadMsgNum"] == 1
    # alice's messages are not read by bob yet
    items = (await roam(server, "alice", "bob"))["MsgList"]
    assert [m["IsPeerRead"] for m in items if m["From_Account"] == "alice"] == [0, 0, 0]
    await server.ok(
        "openim", "admin_set_msg_read", {"Report_Account": "bob", "Peer_Account": "alice"}
    )
    u = await server.ok("openim", "get_c2c_unread_msg_num", {"To_Account": "bob"})
    assert u["AllC2CUnreadMsgNum"] == 1
    items = (await roam(server, "alice", "bob"))["MsgList"]
    assert [m["IsPeerRead"] for m in items if m["From_Account"] == "alice"] == [1, 1, 1]
    # NoUnread control
    await send(server, "alice", "bob", "silent", SendMsgControl=["NoUnread"], MsgRandom=77)
    u = await server.ok("openim", "get_c2c_unread_msg_num", {"To_Account": "bob"})
    assert u["AllC2CUnreadMsgNum"] == 1


async def test_query_online_status(server: RunningServer) -> None:
    await server.import_users("alice")
    server.hub.presence.connected(server.app.sdkappid, "alice", "Web")
    r = await server.ok(
        "openim",
        "query_online_status",
        {"To_Account": ["alice", "ghost", ADMIN], "IsNeedDetail": 1},
    )
    assert r["QueryResult"] == [
        {
            "To_Account": "alice",
            "Status": "Online",
            "Detail": [{"Platform": "Web", "Status": "Online"}],
        },
        {"To_Account": ADMIN, "Status": "Offline", "Detail": []},
    ]
    assert r["ErrorList"] == [{"To_Account": "ghost", "ErrorCode": 70107}]
    server.hub.presence.disconnected(server.app.sdkappid, "alice", "Web")
    r = await server.ok("openim", "query_online_status", {"To_Account": ["alice"]})
    assert r["QueryResult"] == [{"To_Account": "alice", "Status": "Offline"}]


async def test_recentcontact(server: RunningServer) -> None:
    await server.import_users("alice", "bob", "carol", "dave")
    await send(server, "bob", "alice", "1")
    await send(server, "carol", "alice", "2")
    await send(server, "dave", "alice", "3", SendMsgControl=["NoLastMsg"])
    r = await server.ok("recentcontact", "get_list", {"From_Account": "alice"})
    assert r["CompleteFlag"] == 1 and r["ErrorDisplay"] == ""
    peers = [i["To_Account"] for i in r["SessionItem"]]
    assert set(peers) == {"bob", "carol"}  # NoLastMsg does not surface dave's session
    assert all(i["Type"] == 1 for i in r["SessionItem"])
    # pin bob: first with AssistFlags bit 0
    await server.hub.conversations.pin(server.app, "alice", 1, "bob", True)
    r = await server.ok("recentcontact", "get_list", {"From_Account": "alice", "AssistFlags": 1})
    assert r["SessionItem"][0]["To_Account"] == "bob" and r["SessionItem"][0]["TopFlag"] == 1
    # delete (legacy lowercase type); comes back with the next message
    await server.ok(
        "recentcontact", "delete", {"From_Account": "alice", "type": 1, "To_Account": "carol"}
    )
    r = await server.ok("recentcontact", "get_list", {"From_Account": "alice"})
    assert [i["To_Account"] for i in r["SessionItem"]] == ["bob"]
    assert (await roam(server, "alice", "carol"))["MsgCnt"] == 1  # history kept
    await server.ok(
        "recentcontact",
        "delete",
        {"From_Account": "alice", "Type": 1, "To_Account": "bob", "ClearRamble": 1},
    )
    assert (await roam(server, "alice", "bob"))["MsgCnt"] == 0  # history cleared for alice
    assert (await roam(server, "bob", "alice"))["MsgCnt"] == 1  # ...not for bob
    await send(server, "carol", "alice", "again", MsgRandom=99)
    r = await server.ok("recentcontact", "get_list", {"From_Account": "alice"})
    assert [i["To_Account"] for i in r["SessionItem"]] == ["carol"]
    bad = await server.rest(
        "recentcontact", "delete", {"From_Account": "alice", "Type": 3, "To_Account": "x"}
    )
    assert bad["ErrorCode"] == 50002
    bad = await server.rest("recentcontact", "get_list", {"From_Account": "ghost"})
    assert bad["ErrorCode"] == 50001


async def test_recentcontact_paging(server: RunningServer) -> None:
    users = [f"u{i:03d}" for i in range(130)]
    await server.import_users("alice")
    for i in range(0, 130, 100):
        await server.import_users(*users[i : i + 100])
    for u in users:
        await send(server, u, "alice", "hi")
    got: list[str] = []
    body: dict[str, Any] = {"From_Account": "alice"}
    for _ in range(5):
        r = await server.ok("recentcontact", "get_list", body)
        got += [i["To_Account"] for i in r["SessionItem"]]
        if r["CompleteFlag"]:
            break
        body = {"From_Account": "alice", "StartIndex": r["StartIndex"], "TimeStamp": r["TimeStamp"]}
    assert sorted(got) == users and len(got) == 130


async def test_history_retention(server: RunningServer) -> None:
    await server.import_users("alice", "bob")
    now = int(time.time())
    for i, age_days in enumerate((10, 2, 0)):
        await server.ok(
            "openim",
            "importmsg",
            {
                "SyncFromOldSystem": 2,
                "From_Account": "alice",
                "To_Account": "bob",
                "MsgRandom": i,
                "MsgTimeStamp": now - age_days * 86400 - 5,
                "MsgBody": text(f"d{age_days}"),
            },
        )
    assert (await roam(server, "bob", "alice", MinTime=0))["MsgCnt"] == 3
    app = await server.hub.apps.update_settings(server.app.sdkappid, history_retention_days=3)
    r = await roam(server, "bob", "alice", MinTime=0)
    assert [m["MsgBody"][0]["MsgContent"]["Text"] for m in r["MsgList"]] == ["d2", "d0"]
    assert await server.hub.messages.purge_expired([app]) == 1
    assert await server.hub.messages.purge_expired([app]) == 0
