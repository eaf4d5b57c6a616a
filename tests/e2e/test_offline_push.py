"""``OfflinePushInfo`` is stored with its message (issue 12 §3).

Sent over REST (``sendmsg``, ``batchsendmsg``, ``send_group_msg``), the Python SDK
(``send_message(..., offline_push_info=...)``) or Palaver's protocol, it comes back
with the message where Tencent's SDK shows it: the pushed message and the history
(Palaver's protocol ``offlinePushInfo``; the SDK's ``offline_push_info``). Tencent's
REST history (``admin_getroammsg``, ``group_msg_get_simple``) does not return it, as
Tencent's does not. A bad one is refused at the front door with its Tencent code.
"""

from __future__ import annotations

from typing import Any

from conftest import RunningServer
from palaver.client import TYPES
from palaver.limits import MAX_OFFLINE_PUSH_BYTES
from test_client_sdk import Connect, connect
from test_js_sdk import Open, open_chat
from wsclient import ProtocolError, WsClient

__all__ = ["connect", "open_chat"]  # the fixtures, used by name

PUSH = {"PushFlag": 0, "Title": "New message", "Desc": "alice: hi", "Ext": '{"k":1}'}
SDK_PUSH = {"disablePush": False, "title": "New message", "description": "alice: hi"}
G = "group_open_http_svc"


def text(t: str) -> list[dict[str, Any]]:
    return [{"MsgType": "TIMTextElem", "MsgContent": {"Text": t}}]


async def make_group(server: RunningServer, owner: str, *members: str) -> str:
    r = await server.ok(
        G,
        "create_group",
        {
            "Owner_Account": owner,
            "Type": "Public",
            "Name": "push",
            "MemberList": [{"Member_Account": m} for m in members],
        },
    )
    return str(r["GroupId"])


async def test_rest_sends_keep_it_in_pushes_and_history(server: RunningServer) -> None:
    await server.import_users("alice", "bob", "carol")
    gid = await make_group(server, "alice", "bob")
    bob = WsClient(server.url, server.app.sdkappid, "bob", server.sig("bob"))
    await bob.connect()
    try:
        await server.ok(
            "openim",
            "sendmsg",
            {
                "From_Account": "alice",
                "To_Account": "bob",
                "MsgRandom": 1,
                "MsgBody": text("with push info"),
                "OfflinePushInfo": PUSH,
            },
        )
        await server.ok(
            "openim",
            "sendmsg",
            {"From_Account": "alice", "To_Account": "bob", "MsgRandom": 2, "MsgBody": text("none")},
        )
        await server.ok(
            "openim",
            "batchsendmsg",
            {
                "From_Account": "alice",
                "To_Account": ["bob", "carol"],
                "MsgRandom": 3,
                "MsgBody": text("batch"),
                "OfflinePushInfo": {**PUSH, "PushFlag": 1},
            },
        )
        await server.ok(
            G,
            "send_group_msg",
            {
                "GroupId": gid,
                "From_Account": "alice",
                "Random": 4,
                "MsgBody": text("group"),
                "OfflinePushInfo": PUSH,
            },
        )
        pushed = await bob.messages(4)
        assert [m.get("offlinePushInfo") for m in pushed] == [
            PUSH,
            None,
            {**PUSH, "PushFlag": 1},
            PUSH,
        ]
        c2c = await bob.history("C2Calice")
        assert [m.get("offlinePushInfo") for m in c2c] == [PUSH, None, {**PUSH, "PushFlag": 1}]
        (g,) = [m for m in await bob.history(f"GROUP{gid}") if m["type"] == "TIMTextElem"]
        assert g["offlinePushInfo"] == PUSH
    finally:
        await bob.close()
    # Tencent's REST history has no OfflinePushInfo (nor has Palaver's)
    roam = await server.ok(
        "openim",
        "admin_getroammsg",
        {
            "Operator_Account": "bob",
            "Peer_Account": "alice",
            "MaxCnt": 10,
            "MinTime": 0,
            "MaxTime": 2**31,
        },
    )
    assert roam["MsgList"] and all("OfflinePushInfo" not in m for m in roam["MsgList"])


async def test_the_python_sdk_sends_and_reads_it(server: RunningServer, connect: Connect) -> None:
    await server.import_users("alice", "bob")
    gid = await make_group(server, "alice", "bob")
    alice, _ = await connect("alice")
    bob, b = await connect("bob")
    sent = await alice.send_message(
        alice.create_text_message(to="bob", payload={"text": "hi"}), offline_push_info=SDK_PUSH
    )
    seen = {**SDK_PUSH, "extension": ""}
    assert sent.offline_push_info == seen
    (got,) = await b.messages(1)
    assert got.offline_push_info == seen
    page = await bob.get_message_list("C2Calice")
    assert [m.offline_push_info for m in page.message_list] == [seen]
    await alice.send_message(
        alice.create_text_message(
            to=gid, conversation_type=TYPES.CONV_GROUP, payload={"text": "all"}
        ),
        offline_push_info={"disablePush": True, "extension": "x"},
    )
    page = await bob.get_message_list(f"GROUP{gid}")
    texts = [m for m in page.message_list if m.type == TYPES.MSG_TEXT]
    assert [m.offline_push_info for m in texts] == [
        {"disablePush": True, "title": "", "description": "", "extension": "x"}
    ]
    # Palaver's protocol carries Tencent's object
    raw = WsClient(server.url, server.app.sdkappid, "bob", server.sig("bob"))
    await raw.connect()
    try:
        (m,) = await raw.history("C2Calice")
        assert m["offlinePushInfo"] == {
            "PushFlag": 0,
            "Title": "New message",
            "Desc": "alice: hi",
        }
    finally:
        await raw.close()


async def test_the_js_sdk_sends_and_reads_it(server: RunningServer, open_chat: Open) -> None:
    await server.import_users("alice", "bob")
    alice = await open_chat("alice")
    sent = await alice.ok(
        """(async () => {
          const m = chat.createTextMessage({to: 'bob', conversationType: 'C2C',
                                            payload: {text: 'hi'}});
          return await chat.sendMessage(m, {offlinePushInfo: a});
        })()""",
        {"title": "New message", "description": "alice: hi", "extension": "x"},
    )
    seen = {
        "disablePush": False,
        "title": "New message",
        "description": "alice: hi",
        "extension": "x",
    }
    assert sent["message"]["offlinePushInfo"] == seen
    bob = await open_chat("bob")
    page = await bob.ok("chat.getMessageList({conversationID: 'C2Calice'})")
    assert [m["offlinePushInfo"] for m in page["messageList"]] == [seen]
    bad = await alice.fails(
        """chat.sendMessage(chat.createTextMessage({to: 'bob', conversationType: 'C2C',
             payload: {text: 'no'}}), {offlinePushInfo: {title: 5}})"""
    )
    assert bad["code"] == 6017


async def test_a_bad_one_is_refused_with_tencents_codes(server: RunningServer) -> None:
    await server.import_users("alice", "bob")
    gid = await make_group(server, "alice", "bob")
    too_big = {"Title": "x" * MAX_OFFLINE_PUSH_BYTES}
    for bad in ({**PUSH, "PushFlag": "0"}, {**PUSH, "Desc": 5}, {"ApnsInfo": "x"}, too_big, []):
        r = await server.rest(
            "openim",
            "sendmsg",
            {
                "From_Account": "alice",
                "To_Account": "bob",
                "MsgRandom": 9,
                "MsgBody": text("bad"),
                "OfflinePushInfo": bad,
            },
        )
        assert (r["ActionStatus"], r["ErrorCode"]) == ("FAIL", 90001), (bad, r)
        r = await server.rest(
            G,
            "send_group_msg",
            {"GroupId": gid, "Random": 9, "MsgBody": text("bad"), "OfflinePushInfo": bad},
        )
        assert r["ErrorCode"] == 10004, (bad, r)
    alice = WsClient(server.url, server.app.sdkappid, "alice", server.sig("alice"))
    await alice.connect()
    try:
        for bad in ({"PushFlag": 2}, too_big):
            try:
                await alice.send_text("bob", "bad", 10, offlinePushInfo=bad)
            except ProtocolError as exc:
                assert exc.code == 6017, exc
            else:
                raise AssertionError(f"{bad} was taken")
        assert await alice.history("C2Cbob") == []
    finally:
        await alice.close()


async def test_tencents_sdk_sends_it_and_it_is_stored(server: RunningServer, tencent: Any) -> None:
    """Tencent's web SDK's sendMessage option offlinePushInfo (C2C and group) is stored:
    Palaver's protocol shows it on the message (Tencent's own protocol does not, as its
    web SDK reads none)."""
    await server.import_users("alice", "bob")
    gid = await make_group(server, "alice", "bob")
    alice = await tencent.login("alice", server.sig("alice"))
    await alice.js(
        "const opts = {offlinePushInfo: {title: 'T', description: 'D', extension: 'E'}};"
        " await chat.sendMessage(chat.createTextMessage({to: 'bob', conversationType: 'C2C',"
        " payload: {text: 'c2c'}}), opts);"
        f" await chat.sendMessage(chat.createTextMessage({{to: '{gid}',"
        " conversationType: 'GROUP', payload: {text: 'group'}}), opts); return null;"
    )
    bob = WsClient(server.url, server.app.sdkappid, "bob", server.sig("bob"))
    await bob.connect()
    try:
        (c2c,) = await bob.history("C2Calice")
        group = [m for m in await bob.history(f"GROUP{gid}") if m["type"] == "TIMTextElem"]
    finally:
        await bob.close()
    for m in (c2c, *group):
        info = m.get("offlinePushInfo") or {}
        assert (info.get("Title"), info.get("Desc"), info.get("Ext")) == ("T", "D", "E"), m
    assert len(group) == 1
