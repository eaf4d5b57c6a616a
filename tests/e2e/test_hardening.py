"""Hardening against bad input and abuse (issue 13): each finding's test.

A message nobody can encode must not stop anyone's stream; admins' sigs are
never handed out; NUL characters, huge integers and deep JSON are refused at
the edge with the service's code; a socket holds one login.
"""

from __future__ import annotations

import json
import time
from typing import Any

import orjson
import pytest
from sqlalchemy import update

from conftest import ADMIN, SDKAPPID, SECRET, RunningServer
from palaver.storage import schema
from support.waiting import eventually
from wsclient import ProtocolError, WsClient

TEXT = "TIMTextElem"


def deep(levels: int) -> Any:
    """A JSON value nested ``levels`` deep (lists in a dict)."""
    v: Any = "x"
    for _ in range(levels):
        v = [v]
    return v


def text_body(text: str, **extra: Any) -> list[dict[str, Any]]:
    return [{"MsgType": TEXT, "MsgContent": {"Text": text}, **extra}]


async def rest_send(server: RunningServer, frm: str, to: str, text: str, random: int) -> Any:
    return await server.ok(
        "openim",
        "sendmsg",
        {"From_Account": frm, "To_Account": to, "MsgRandom": random, "MsgBody": text_body(text)},
    )


#: a stored body 250 levels deep: orjson reads it, but no frame around it encodes
DEEP_BODY = (
    '[{"MsgType":"TIMTextElem","MsgContent":{"Text":"bad"},"Extra":'
    + "[" * 250
    + "1"
    + "]" * 250
    + "}]"
)


# -- 1. a message that breaks its recipients ----------------------------------------


async def test_deep_msgbody_refused_at_every_edge(server: RunningServer) -> None:
    await server.import_users("alice", "bob")
    body = text_body("deep", Extra=deep(250))
    r = await server.rest(
        "openim",
        "sendmsg",
        {"From_Account": "alice", "To_Account": "bob", "MsgRandom": 1, "MsgBody": body},
    )
    assert r["ActionStatus"] == "FAIL" and r["ErrorCode"] in (90001, 90002), r
    alice = WsClient(server.url, SDKAPPID, "alice", server.sig("alice"))
    await alice.connect()
    try:
        resp = await alice.request("sendMessage", {"to": "bob", "MsgBody": body, "random": 2})
        assert resp.code != 0 and resp.code != 70500, resp
        # deep, but within what a frame may hold: still refused inside MsgBody
        resp = await alice.request(
            "sendMessage", {"to": "bob", "MsgBody": text_body("d", Extra=deep(60)), "random": 3}
        )
        assert resp.code == 90002, resp
    finally:
        await alice.close()


async def test_stored_unencodable_message_is_skipped_not_fatal(server: RunningServer) -> None:
    """A body already stored that no frame can hold (written before the limits)
    is skipped: the stream, history and REST roaming keep working."""
    await server.import_users("alice", "bob")
    bob = WsClient(server.url, SDKAPPID, "bob", server.sig("bob"))
    await bob.connect()
    await bob.drop()  # bob resumes from here: his catch-up reads the stored body
    await rest_send(server, "alice", "bob", "before", 1)
    bad = await rest_send(server, "alice", "bob", "bad", 2)
    await rest_send(server, "alice", "bob", "after", 3)
    async with server.hub.db.write() as conn:
        await conn.execute(
            update(schema.messages)
            .where(schema.messages.c.msg_key == bad["MsgKey"])
            .values(body=DEEP_BODY)
        )
    await bob.connect()
    try:
        got = await bob.messages(3)
        # the unreadable one keeps its place in the stream, as a placeholder
        assert [m["payload"].get("text") for m in got] == ["before", None, "after"], got
        assert got[1]["MsgBody"][0]["MsgType"] == "TIMCustomElem"
        assert bob.connected
        history = await bob.history("C2Calice")
        texts = [m["payload"].get("text") for m in history]
        assert "before" in texts and "after" in texts, texts
        conv = await bob.call("getConversationList", {})
        assert conv, conv
        # a new message still arrives live
        await rest_send(server, "alice", "bob", "live", 4)
        (live,) = await bob.messages(1, where=lambda m: m["payload"].get("text") == "live")
        assert bob.connected
    finally:
        await bob.close()
    r = await server.ok(
        "openim",
        "admin_getroammsg",
        {"Operator_Account": "bob", "Peer_Account": "alice", "MaxCnt": 10},
    )
    texts = [m["MsgBody"][0]["MsgContent"].get("Text") for m in r["MsgList"]]
    assert "before" in texts and "after" in texts, texts


def test_unencodable_push_is_skipped() -> None:
    """Whatever a push holds, encoding it never raises: it becomes an empty
    frame, which connections skip."""
    from palaver.protocol.frames import Push
    from palaver.realtime.delivery import PALAVER, Outbound

    out = Outbound(Push("MESSAGE_RECEIVED", {"x": deep(300)}, seq=1))
    assert out.frame(PALAVER) == b""


# -- 3. /debug/usersig never signs for an admin -------------------------------------


async def debug_sig(server: RunningServer, body: Any) -> dict[str, Any]:
    async with server.session.post(f"{server.url}/debug/usersig", data=json.dumps(body)) as resp:
        assert resp.status == 200, await resp.text()
        result: dict[str, Any] = await resp.json()
        return result


async def test_debug_usersig_never_signs_for_an_admin(server: RunningServer) -> None:
    await server.hub.apps.update_settings(server.app.sdkappid, debug_usersig=True)
    await server.import_users("alice", ADMIN)
    ok = await debug_sig(server, {"SDKAppID": SDKAPPID, "userID": "alice"})
    assert ok["code"] == 0 and ok["userSig"]
    r = await debug_sig(server, {"SDKAppID": SDKAPPID, "userID": ADMIN})
    assert r["code"] != 0 and "userSig" not in r, r
    # and a sig it handed out does not open the REST admin API either
    r2 = await server.rest(
        "im_open_login_svc",
        "account_check",
        {"CheckItem": [{"UserID": "alice"}]},
        identifier="alice",
        usersig=ok["userSig"],
    )
    assert r2["ActionStatus"] == "FAIL", r2


# -- 4. NUL characters refused at the edge, with each service's code ---------------

ID_FIELDS = [
    "From_Account",
    "To_Account",
    "Operator_Account",
    "Peer_Account",
    "Member_Account",
    "GroupId",
    "Identifier",
    "UserID",
    "Owner_Account",
    "Name",
    "Tag",
]


async def test_nul_characters_get_the_services_invalid_code(server: RunningServer) -> None:
    from palaver.api.rest import REGISTRY
    from palaver.api.rest.core import SERVICES

    await server.import_users("alice", "bob")
    body: dict[str, Any] = dict.fromkeys(ID_FIELDS, "ali\x00ce")
    body["AccountList"] = ["a\x00"]
    for svc, cmd in sorted(REGISTRY):
        r = await server.rest(svc, cmd, body)
        assert r["ErrorCode"] == SERVICES[svc].invalid, (svc, cmd, r)
    # in a key too, and in the Palaver protocol's ops
    alice = WsClient(server.url, SDKAPPID, "alice", server.sig("alice"))
    await alice.connect()
    try:
        for op, data in [
            ("getUserProfile", {"userIDList": ["b\x00b"]}),
            ("sendMessage", {"to": "b\x00b", "payload": {"text": "hi"}}),
            ("getMessageList", {"conversationID": "C2Cb\x00b"}),
            ("createGroup", {"name": "g", "type": "Public", "groupID": "g\x00"}),
            ("updateMyProfile", {"nick\x00": "x"}),
        ]:
            resp = await alice.request(op, data)
            assert resp.code == 6017, (op, resp)
    finally:
        await alice.close()


# -- 5. one login per socket ---------------------------------------------------------


async def test_a_second_login_on_a_logged_in_socket_is_refused(server: RunningServer) -> None:
    await server.import_users("alice", "bob", "carol")
    alice = WsClient(server.url, SDKAPPID, "alice", server.sig("alice"))
    await alice.connect()
    try:
        data = alice.session.login_data(SDKAPPID, "bob", server.sig("bob"))
        resp = await alice.request("login", data)
        assert resp.code == 6017, resp
        online = await server.ok(
            "openim", "query_online_status", {"To_Account": ["bob"], "IsNeedDetail": 1}
        )
        assert online["QueryResult"][0]["Status"] != "Online", online
        # bob's messages do not reach alice's socket; alice's still do
        await rest_send(server, "carol", "bob", "for bob", 1)
        await rest_send(server, "carol", "alice", "for alice", 2)
        got = await alice.messages(1)  # bob's, sent first, would come first
        assert got[0]["payload"]["text"] == "for alice", got
    finally:
        await alice.close()


# -- 9. integers that no column holds -------------------------------------------------


async def test_huge_integers_get_coded_errors(server: RunningServer) -> None:
    for big in (2**31, 2**62):
        r = await server.rest("im_open_login_svc", "account_import", {"UserID": "u", "Type": big})
        assert r["ErrorCode"] == 70402, r
    # no login needed for these two: the SDKAppID of a REST call and of /debug/usersig
    for raw in ("4294967296", "9223372036854775808", "99999999999999999999999", "-1"):
        q = f"sdkappid={raw}&identifier={ADMIN}&usersig={server.admin_sig}"
        r = await server.rest("openim", "sendmsg", {}, query=q)
        assert r["ErrorCode"] == 60006, (raw, r)
    for big in (2**32, 2**63, 2**70):
        r = await debug_sig(server, {"SDKAppID": big, "userID": "u"})
        assert r["code"] == 70402, r
    # the protocols' logins
    ws = await server.session.ws_connect(server.ws_url + "/ws")
    try:
        for big in (2**32, 2**62):
            login = {"SDKAppID": big, "userID": "u", "userSig": "x"}
            await ws.send_str(orjson.dumps({"id": 1, "op": "login", "data": login}).decode())
            answer = orjson.loads((await ws.receive(10)).data)
            assert answer["code"] not in (0, 70500), answer
    finally:
        await ws.close()
    ws = await server.session.ws_connect(server.ws_url + "/binfo")
    try:
        for raw in ("99999999999999999999999", "9223372036854775808", "1e3"):
            head = {"servcmd": "im_open_status.wslogin", "seq": 1, "sdkappid": raw}
            await ws.send_bytes(orjson.dumps({"head": head, "body": {}}))
            answer = orjson.loads((await ws.receive(10)).data)
            assert answer["body"]["ErrorCode"] == 60006, answer
    finally:
        await ws.close()


# -- 2. AVChatRoom: only the room's audience sends ---------------------------------


async def test_avchatroom_sends_need_the_room_joined(server: RunningServer) -> None:
    await server.import_users("alice", "bob")
    alice = WsClient(server.url, SDKAPPID, "alice", server.sig("alice"))
    bob = WsClient(server.url, SDKAPPID, "bob", server.sig("bob"))
    await alice.connect()
    await bob.connect()
    try:
        created = await alice.call("createGroup", {"type": "AVChatRoom", "name": "live"})
        gid = created["group"]["groupID"]
        send = {"to": gid, "conversationType": "GROUP", "payload": {"text": "hi"}}
        resp = await bob.request("sendMessage", {**send, "random": 1})
        assert resp.code == 10007, resp
        await bob.call("joinGroup", {"groupID": gid})
        await bob.call("sendMessage", {**send, "random": 2})
        await alice.call("sendMessage", {**send, "random": 3})  # the owner is in it
        await bob.call("quitGroup", {"groupID": gid})
        resp = await bob.request("sendMessage", {**send, "random": 4})
        assert resp.code == 10007, resp
    finally:
        await alice.close()
        await bob.close()
    # an App admin's REST send needs no room
    await server.ok(
        "group_open_http_svc",
        "send_group_msg",
        {"GroupId": gid, "Random": 5, "From_Account": "bob", "MsgBody": text_body("rest")},
    )


# -- 10. small ones --------------------------------------------------------------------


async def test_non_ascii_digits_are_not_numbers(server: RunningServer) -> None:
    await server.import_users("alice", "bob")
    await rest_send(server, "bob", "alice", "hi", 1)
    alice = WsClient(server.url, SDKAPPID, "alice", server.sig("alice"))
    await alice.connect()
    try:
        for bad in ("²³", "١٢", "1²"):
            resp = await alice.request(
                "getMessageList", {"conversationID": "C2Cbob", "nextReqMessageID": bad}
            )
            assert resp.code == 6017, (bad, resp)
    finally:
        await alice.close()
    for raw in ("+1400000000", "1_400_000_000", " 1400000000", "１４００００００００"):
        q = f"sdkappid={raw}&identifier={ADMIN}&usersig={server.admin_sig}"
        r = await server.rest("openim", "sendmsg", {}, query=q)
        assert r["ErrorCode"] == 60006, (raw, r)


async def test_unknown_sdkappids_are_remembered_in_bounded_memory(
    server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from palaver.services import apps as apps_module

    monkeypatch.setattr(apps_module, "MAX_MISSES", 64, raising=False)
    apps = server.hub.apps
    for i in range(200):
        assert await apps.get(1_000_000 + i) is None
    assert len(apps._misses) <= 64
    assert await apps.get(SDKAPPID) is not None


# -- 8. size limits ------------------------------------------------------------------


async def test_message_size_counts_cloud_custom_data(server: RunningServer) -> None:
    await server.import_users("alice", "bob")

    async def send(ccd: str, random: int) -> dict[str, Any]:
        return await server.rest(
            "openim",
            "sendmsg",
            {
                "From_Account": "alice",
                "To_Account": "bob",
                "MsgRandom": random,
                "MsgBody": text_body("x" * 4000),
                "CloudCustomData": ccd,
            },
        )

    assert (await send("c" * 7000, 1))["ErrorCode"] == 0  # 11 KB in all
    assert (await send("c" * 9000, 2))["ErrorCode"] == 80002  # 13 KB
    assert (await send("c" * 900_000, 3))["ErrorCode"] == 80002
    # a per-app setting (Tencent's 12 KB by default)
    await server.hub.apps.update_settings(server.app.sdkappid, max_message_bytes=6000)
    assert (await send("c" * 3000, 4))["ErrorCode"] == 80002
    alice = WsClient(server.url, SDKAPPID, "alice", server.sig("alice"))
    await alice.connect()
    try:
        resp = await alice.request(
            "sendMessage",
            {"to": "bob", "payload": {"text": "hi"}, "cloudCustomData": "c" * 7000, "random": 5},
        )
        assert resp.code == 80002, resp
    finally:
        await alice.close()


async def test_at_user_list_is_bounded(server: RunningServer) -> None:
    users = [f"u{i}" for i in range(40)]
    await server.import_users("owner", *users)
    await server.ok(
        "group_open_http_svc",
        "create_group",
        {"Type": "Public", "Name": "g", "GroupId": "g", "Owner_Account": "owner"},
    )

    async def send(n: int, random: int) -> dict[str, Any]:
        return await server.rest(
            "group_open_http_svc",
            "send_group_msg",
            {
                "GroupId": "g",
                "Random": random,
                "From_Account": "owner",
                "MsgBody": text_body("@"),
                "GroupAtInfo": [{"GroupAtAllFlag": 0, "GroupAt_Account": u} for u in users[:n]],
            },
        )

    assert (await send(30, 1))["ErrorCode"] == 0
    assert (await send(31, 2))["ErrorCode"] == 10004
    owner = WsClient(server.url, SDKAPPID, "owner", server.sig("owner"))
    await owner.connect()
    try:
        resp = await owner.request(
            "sendMessage",
            {
                "to": "g",
                "conversationType": "GROUP",
                "payload": {"text": "@"},
                "atUserList": [f"x{i}" for i in range(3000)],
                "random": 3,
            },
        )
        assert resp.code == 10004, resp
    finally:
        await owner.close()


# -- 7. rate limits ------------------------------------------------------------------


class FrozenClock:
    """A clock that stands still (every call falls in one second) until moved."""

    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now


async def test_rest_calls_are_capped_per_app_and_second(
    server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    await server.hub.apps.update_settings(server.app.sdkappid, rest_qps=5)
    clock = FrozenClock(2_000_000_000.0)
    monkeypatch.setattr(server.hub, "clock", clock)
    body = {"CheckItem": [{"UserID": "alice"}]}
    codes = [
        (await server.rest("im_open_login_svc", "account_check", body))["ErrorCode"]
        for _ in range(8)
    ]
    assert codes == [0] * 5 + [60007] * 3, codes
    clock.now += 1  # the next second
    assert (await server.rest("im_open_login_svc", "account_check", body))["ErrorCode"] == 0


async def test_msg_timestamps_in_the_future_are_refused(server: RunningServer) -> None:
    await server.import_users("alice", "bob")
    year_36812 = 1_099_511_627_776
    for cmd, extra in (("sendmsg", {}), ("importmsg", {"SyncFromOldSystem": 2})):
        r = await server.rest(
            "openim",
            cmd,
            {
                "From_Account": "alice",
                "To_Account": "bob",
                "MsgRandom": 1,
                "MsgTimeStamp": year_36812,
                "MsgBody": text_body("from the future"),
                **extra,
            },
        )
        assert r["ErrorCode"] == 90006, (cmd, r)


async def test_connections_per_user_are_capped(server: RunningServer) -> None:
    await server.import_users("alice")
    await server.hub.apps.update_settings(server.app.sdkappid, max_connections_per_user=2)
    clients = [
        WsClient(server.url, SDKAPPID, "alice", server.sig("alice"), platform=f"P{i}")
        for i in range(3)
    ]
    try:
        for c in clients:
            await c.connect()
        assert await clients[0].wait_closed() == 4001  # the oldest is kicked
        assert clients[1].connected and clients[2].connected
        await eventually(
            lambda: len(server.hub.registry.connections(server.app.sdkappid, "alice")) == 2,
            "alice has two connections",
        )
    finally:
        for c in clients:
            await c.close()


async def test_group_creations_per_user_and_minute_are_capped(
    server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    await server.import_users("alice")
    await server.hub.apps.update_settings(server.app.sdkappid, group_creates_per_minute=2)
    clock = FrozenClock(2_000_000_040.0)
    monkeypatch.setattr(server.hub.groups.lifecycle._creates, "_clock", clock, raising=False)
    alice = WsClient(server.url, SDKAPPID, "alice", server.sig("alice"))
    await alice.connect()
    try:
        new = {"type": "Public", "name": "g"}
        codes = [(await alice.request("createGroup", new)).code for _ in range(3)]
        assert codes == [0, 0, 10006], codes
        clock.now += 60  # the next minute
        assert (await alice.request("createGroup", new)).code == 0
    finally:
        await alice.close()
    # an App admin's REST creations are not counted
    for i in range(3):
        await server.ok(
            "group_open_http_svc",
            "create_group",
            {"Type": "Public", "Name": "r", "Owner_Account": "alice", "GroupId": f"r{i}"},
        )


async def test_client_sends_are_capped_per_user_and_second(
    server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the app's client_sends_per_second a user's sends are refused (60007 C2C,
    10023 in a group) until the next second; other users and REST are not held back."""
    await server.import_users("alice", "bob", "carol")
    await server.hub.apps.update_settings(server.app.sdkappid, client_sends_per_second=3)
    clock = FrozenClock(2_000_000_100.0)
    monkeypatch.setattr(server.hub.send_rules._sends, "_clock", clock)
    r = await server.ok(
        "group_open_http_svc",
        "create_group",
        {
            "Type": "Public",
            "Name": "g",
            "Owner_Account": "alice",
            "MemberList": [{"Member_Account": "bob"}],
        },
    )
    gid = r["GroupId"]
    alice = WsClient(server.url, SDKAPPID, "alice", server.sig("alice"))
    bob = WsClient(server.url, SDKAPPID, "bob", server.sig("bob"))
    await alice.connect()
    await bob.connect()
    try:
        c2c = {"to": "bob", "conversationType": "C2C", "payload": {"text": "hi"}}
        grp = {"to": gid, "conversationType": "GROUP", "payload": {"text": "hi"}}
        codes = [(await alice.request("sendMessage", {**c2c, "random": i})).code for i in range(3)]
        codes.append((await alice.request("sendMessage", {**c2c, "random": 3})).code)
        codes.append((await alice.request("sendMessage", {**grp, "random": 4})).code)
        assert codes == [0, 0, 0, 60007, 10023], codes
        assert (await bob.request("sendMessage", {**grp, "random": 5})).code == 0
        sent = await server.rest(
            "openim",
            "sendmsg",
            {
                "From_Account": "alice",
                "To_Account": "bob",
                "MsgRandom": 6,
                "MsgBody": text_body("rest"),
            },
        )
        assert sent["ErrorCode"] == 0, sent
        clock.now += 1  # the next second
        assert (await alice.request("sendMessage", {**grp, "random": 7})).code == 0
    finally:
        await alice.close()
        await bob.close()
    history = await server.ok(
        "openim",
        "admin_getroammsg",
        {
            "Operator_Account": "bob",
            "Peer_Account": "alice",
            "MaxCnt": 100,
            "MinTime": 0,
            "MaxTime": 2**31,
        },
    )
    assert len(history["MsgList"]) == 4  # three from the client, one over REST


async def test_profile_and_member_custom_fields_are_bounded(server: RunningServer) -> None:
    """Each value was already bounded; now the number of fields is too, so a profile
    pushed to every friend (or a membership listed to every member) stays small."""
    await server.import_users("alice", "bob")
    await server.hub.apps.update_settings(
        server.app.sdkappid, max_profile_custom_fields=3, max_member_custom_fields=2
    )
    items = [{"Tag": f"Tag_Profile_Custom_k{i}", "Value": "v" * 500} for i in range(3)]
    await server.ok("profile", "portrait_set", {"From_Account": "alice", "ProfileItem": items})
    r = await server.rest(
        "profile",
        "portrait_set",
        {"From_Account": "alice", "ProfileItem": [{"Tag": "Tag_Profile_Custom_k9", "Value": "x"}]},
    )
    assert r["ErrorCode"] == 40601, r
    # the existing ones still change; nothing of the refused call was kept
    await server.ok(
        "profile",
        "portrait_set",
        {"From_Account": "alice", "ProfileItem": [{"Tag": "Tag_Profile_Custom_k0", "Value": "y"}]},
    )
    got = await server.ok(
        "profile",
        "portrait_get",
        {"To_Account": ["alice"], "TagList": [f"Tag_Profile_Custom_k{i}" for i in (0, 1, 2, 9)]},
    )
    tags = {p["Tag"]: p["Value"] for p in got["UserProfileItem"][0]["ProfileItem"]}
    assert tags.get("Tag_Profile_Custom_k0") == "y" and "Tag_Profile_Custom_k9" not in tags
    # the client protocol meets the same limit
    alice = WsClient(server.url, SDKAPPID, "alice", server.sig("alice"))
    await alice.connect()
    try:
        resp = await alice.request(
            "updateMyProfile", {"profileCustomField": [{"key": "k8", "value": "z"}]}
        )
        assert resp.code == 40601, resp
    finally:
        await alice.close()

    g = await server.ok(
        "group_open_http_svc",
        "create_group",
        {
            "Type": "Public",
            "Name": "g",
            "Owner_Account": "alice",
            "MemberList": [{"Member_Account": "bob"}],
        },
    )
    gid = g["GroupId"]

    def fields(*keys: str) -> list[dict[str, str]]:
        return [{"Key": k, "Value": "v"} for k in keys]

    await server.ok(
        "group_open_http_svc",
        "modify_group_member_info",
        {"GroupId": gid, "Member_Account": "bob", "AppMemberDefinedData": fields("a", "b")},
    )
    r = await server.rest(
        "group_open_http_svc",
        "modify_group_member_info",
        {"GroupId": gid, "Member_Account": "bob", "AppMemberDefinedData": fields("c")},
    )
    assert r["ErrorCode"] == 10004, r
    bob = WsClient(server.url, SDKAPPID, "bob", server.sig("bob"))
    await bob.connect()
    try:
        resp = await bob.request(
            "setGroupMemberCustomField",
            {"groupID": gid, "memberCustomField": [{"key": "d", "value": "1"}]},
        )
        assert resp.code == 10004, resp
    finally:
        await bob.close()
    members = await server.ok("group_open_http_svc", "get_group_member_info", {"GroupId": gid})
    (b,) = [m for m in members["MemberList"] if m["Member_Account"] == "bob"]
    assert sorted(d["Key"] for d in b["AppMemberDefinedData"]) == ["a", "b"]


async def test_a_usersig_of_the_kicks_own_second_is_void(server: RunningServer) -> None:
    """A UserSig holds its time in whole seconds: one minted in the second of a REST
    kick (before it, or a stolen one) is refused; the next second's works."""
    from palaver.usersig import gen_usersig_v2

    await server.import_users("alice")
    await server.ok("im_open_login_svc", "kick", {"UserID": "alice"})
    kicked = await server.hub.accounts.kicked_at(server.app, "alice")
    assert kicked
    same = gen_usersig_v2(SDKAPPID, SECRET, "alice", 3600, now=kicked)
    alice = WsClient(server.url, SDKAPPID, "alice", same)
    with pytest.raises(ProtocolError) as err:
        await alice.connect()
    assert err.value.code == 70052
    alice = WsClient(
        server.url,
        SDKAPPID,
        "alice",
        gen_usersig_v2(SDKAPPID, SECRET, "alice", 3600, now=kicked + 1),
    )
    await alice.connect()
    await alice.close()
    # the same for an admin's REST calls
    await server.ok("im_open_login_svc", "kick", {"UserID": ADMIN})
    kicked = await server.hub.accounts.kicked_at(server.app, ADMIN)
    assert kicked
    same = gen_usersig_v2(SDKAPPID, SECRET, ADMIN, 3600, now=kicked)
    r = await server.rest("im_open_login_svc", "account_check", {}, usersig=same)
    assert r["ErrorCode"] == 70052, r


async def test_avchatroom_owner_mutes_the_audience(server: RunningServer) -> None:
    """An AVChatRoom has no member list, yet its owner (or an App admin) mutes anyone
    in the audience: their sends get 10017 until the mute ends; others keep talking."""
    await server.import_users("alice", "bob", "carol")
    alice = WsClient(server.url, SDKAPPID, "alice", server.sig("alice"))
    bob = WsClient(server.url, SDKAPPID, "bob", server.sig("bob"))
    carol = WsClient(server.url, SDKAPPID, "carol", server.sig("carol"))
    for c in (alice, bob, carol):
        await c.connect()
    try:
        created = await alice.call("createGroup", {"type": "AVChatRoom", "name": "live"})
        gid = created["group"]["groupID"]
        await bob.call("joinGroup", {"groupID": gid})
        await carol.call("joinGroup", {"groupID": gid})
        send = {"to": gid, "conversationType": "GROUP", "payload": {"text": "hi"}}
        await bob.call("sendMessage", {**send, "random": 1})
        # only the owner mutes (carol in the audience may not)
        resp = await carol.request(
            "setGroupMemberMuteTime", {"groupID": gid, "userID": "bob", "muteTime": 600}
        )
        assert resp.code == 10007, resp
        muted = await alice.call(
            "setGroupMemberMuteTime", {"groupID": gid, "userID": "bob", "muteTime": 600}
        )
        assert muted["member"]["userID"] == "bob"
        resp = await bob.request("sendMessage", {**send, "random": 2})
        assert resp.code == 10017, resp
        await carol.call("sendMessage", {**send, "random": 3})
        await alice.call("sendMessage", {**send, "random": 4})
        shutted = await server.ok("group_open_http_svc", "get_group_shutted_uin", {"GroupId": gid})
        assert [u["Member_Account"] for u in shutted["ShuttedUinList"]] == ["bob"]
        # REST forbid_send_msg: carol muted, bob unmuted
        await server.ok(
            "group_open_http_svc",
            "forbid_send_msg",
            {"GroupId": gid, "Members_Account": ["carol"], "ShutUpTime": 60},
        )
        await server.ok(
            "group_open_http_svc",
            "forbid_send_msg",
            {"GroupId": gid, "Members_Account": ["bob"], "ShutUpTime": 0},
        )
        assert (await carol.request("sendMessage", {**send, "random": 5})).code == 10017
        await bob.call("sendMessage", {**send, "random": 6})
        # everyone muted: only the owner speaks
        await server.ok(
            "group_open_http_svc",
            "modify_group_base_info",
            {"GroupId": gid, "ShutUpAllMember": "On"},
        )
        assert (await bob.request("sendMessage", {**send, "random": 7})).code == 10017
        await alice.call("sendMessage", {**send, "random": 8})
    finally:
        for c in (alice, bob, carol):
            await c.close()


async def test_reimporting_a_deleted_account_does_not_revive_its_usersigs(
    server: RunningServer,
) -> None:
    await server.import_users("alice")
    old = server.sig("alice", now=int(time.time()) - 10)
    alice = WsClient(server.url, SDKAPPID, "alice", old)
    await alice.connect()
    await alice.close()
    r = await server.ok(
        "im_open_login_svc", "account_delete", {"DeleteItem": [{"UserID": "alice"}]}
    )
    assert r["ResultItem"] == [{"ResultCode": 0, "ResultInfo": "", "UserID": "alice"}], r
    await server.import_users("alice")
    alice = WsClient(server.url, SDKAPPID, "alice", old)
    with pytest.raises(ProtocolError) as err:
        await alice.connect()
    assert err.value.code == 70052
    fresh = WsClient(server.url, SDKAPPID, "alice", server.sig("alice", now=int(time.time()) + 1))
    await fresh.connect()
    await fresh.close()
