"""Reading everything at once and C2C read receipts over REST (issue 17):
``setAllMessageRead`` (Palaver's SDKs and Tencent's own) and REST
``c2c_msg_read_receipt``."""

from __future__ import annotations

import pytest

from conftest import RunningServer
from palaver.client import EVENT, TYPES, ChatError
from support.tencent_sdk import TencentHarness
from test_client_sdk import Connect, send_text
from test_client_sdk import connect as connect  # the fixture
from test_js_sdk import TOTAL_UNREAD, Open
from test_js_sdk import open_chat as open_chat  # the fixture
from test_message_edits import make_group, text_body

pytestmark = pytest.mark.timeout(180)


async def group_text(server: RunningServer, group_id: str, text: str) -> None:
    await server.ok(
        "group_open_http_svc",
        "send_group_msg",
        {
            "GroupId": group_id,
            "From_Account": "alice",
            "Random": len(text),
            "MsgBody": text_body(text),
        },
    )


async def test_python_sdk_set_all_message_read(server: RunningServer, connect: Connect) -> None:
    await server.import_users("alice", "bob", "carol")
    group_id = await make_group(server, "alice", "bob")
    alice, a = await connect("alice")
    carol, _ = await connect("carol")
    bob, b = await connect("bob")
    await send_text(alice, "bob", "1")
    await send_text(carol, "bob", "2")
    await group_text(server, group_id, "g")
    await b.unread_total(3)

    read = await bob.set_all_message_read(TYPES.READ_ALL_C2C_MSG)
    assert sorted(read) == ["C2Calice", "C2Ccarol"]
    await b.unread_total(1)
    read_by = await a.next(EVENT.MESSAGE_READ_BY_PEER)  # alice hears bob read her
    assert read_by["conversationID"] == "C2Cbob", read_by
    read = await bob.set_all_message_read()
    assert read == ["GROUP" + group_id]
    await b.unread_total(0)
    assert await bob.get_total_unread_message_count() == 0
    assert await bob.set_all_message_read() == []  # nothing left
    with pytest.raises(ChatError) as err:
        await bob.set_all_message_read("everything")
    assert err.value.code == 6017


async def test_rest_c2c_msg_read_receipt(server: RunningServer, tencent: TencentHarness) -> None:
    await server.import_users("alice", "bob")
    alice = await tencent.login("alice", server.sig("alice"))
    sent = await alice.js(
        """const m = chat.createTextMessage({to: 'bob', conversationType: 'C2C',
            payload: {text: 'ack?'}, needReadReceipt: true});
           return (await chat.sendMessage(m)).data.message;"""
    )
    roam = await server.ok(
        "openim",
        "admin_getroammsg",
        {
            "Operator_Account": "bob",
            "Peer_Account": "alice",
            "MaxCnt": 5,
            "MinTime": 0,
            "MaxTime": 2**31,
        },
    )
    key = roam["MsgList"][0]["MsgKey"]
    await server.ok(
        "openim",
        "c2c_msg_read_receipt",
        {
            "Operator_Account": "bob",
            "Peer_Account": "alice",
            "C2CMsgInfo": [{"From_Account": "alice", "To_Account": "bob", "MsgKey": key}],
        },
    )
    receipts = await alice.wait_event("MESSAGE_READ_RECEIPT_RECEIVED")
    assert [r["messageID"] for r in receipts] == [sent["ID"]], alice.report()
    # the sender and receiver swapped, and an unknown key
    for info, code in (
        ({"From_Account": "bob", "To_Account": "alice", "MsgKey": key}, 20001),
        ({"From_Account": "alice", "To_Account": "bob", "MsgKey": "1_2_3"}, 20026),
    ):
        r = await server.rest(
            "openim",
            "c2c_msg_read_receipt",
            {"Operator_Account": "bob", "Peer_Account": "alice", "C2CMsgInfo": [info]},
        )
        assert r["ErrorCode"] == code, r


async def test_official_sdk_set_all_message_read(
    server: RunningServer, tencent: TencentHarness
) -> None:
    await server.import_users("alice", "bob")
    group_id = await make_group(server, "alice", "bob")
    alice = await tencent.login("alice", server.sig("alice"))
    bob = await tencent.login("bob", server.sig("bob"))
    await alice.send_text("bob", "c2c")
    await group_text(server, group_id, "grp")
    await bob.received(2)
    await bob.wait_event("TOTAL_UNREAD_MESSAGE_COUNT_UPDATED", lambda n: n == 2)
    await bob.call("setAllMessageRead", {"scope": "readAllMessage"})
    await bob.wait_event("TOTAL_UNREAD_MESSAGE_COUNT_UPDATED", lambda n: n == 0)
    await alice.wait_event("MESSAGE_READ_BY_PEER")
    # the server agrees: a fresh login has nothing unread
    bob2 = await tencent.login("bob", server.sig("bob"))
    convs = await bob2.call("getConversationList")
    assert all(c["unreadCount"] == 0 for c in convs["conversationList"]), bob2.report()


async def test_js_sdk_set_all_message_read(server: RunningServer, open_chat: Open) -> None:
    await server.import_users("alice", "bob")
    alice = await open_chat("alice")
    bob = await open_chat("bob")
    await alice.send_text("bob", "hi")
    await bob.messages(1)
    await bob.until(TOTAL_UNREAD, "1")
    data = await bob.ok("chat.setAllMessageRead()")
    assert data["conversationIDList"] == ["C2Calice"]
    await bob.until(TOTAL_UNREAD, "0")
    assert (await bob.fails("chat.setAllMessageRead({scope: 'nope'})"))["code"] == 6017
