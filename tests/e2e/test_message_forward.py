"""Forwarding one message (issue 17): ``createForwardMessage`` in Palaver's SDKs
and in Tencent's own, the copy arriving with the original's whole content."""

from __future__ import annotations

import pytest

from conftest import RunningServer
from palaver.client import ChatError
from support.tencent_sdk import Ref, TencentHarness
from test_client_sdk import Connect
from test_client_sdk import connect as connect  # the fixture
from test_js_sdk import Open
from test_js_sdk import open_chat as open_chat  # the fixture

pytestmark = pytest.mark.timeout(180)

BODY = [
    {"MsgType": "TIMTextElem", "MsgContent": {"Text": "look"}},
    {"MsgType": "TIMCustomElem", "MsgContent": {"Data": '{"k":1}', "Desc": "d", "Ext": "e"}},
]


async def test_python_and_js_sdks_forward_a_message(
    server: RunningServer, connect: Connect, open_chat: Open
) -> None:
    await server.import_users("alice", "bob", "carol")
    bob, b = await connect("bob")
    carol, c = await connect("carol")
    await server.ok(
        "openim",
        "sendmsg",
        {"From_Account": "alice", "To_Account": "bob", "MsgRandom": 1, "MsgBody": BODY},
    )
    [got] = await b.messages(1)
    copy = bob.create_forward_message(to="carol", message=got)
    sent = await bob.send_message(copy)
    assert sent.id != got.id
    [fwd] = await c.messages(1)
    assert fwd.from_ == "bob" and fwd.msg_body == BODY
    with pytest.raises(ChatError) as err:
        bob.create_forward_message(to="", message=got)
    assert err.value.code == 6017

    # the JS SDK forwards what it received
    js_carol = await open_chat("carol")
    await js_carol.js(
        "const page = (await chat.getMessageList({conversationID: 'C2Cbob'})).data;"
        " const m = page.messageList[page.messageList.length - 1];"
        " const f = chat.createForwardMessage({to: 'bob', conversationType: 'C2C', payload: m});"
        " await chat.sendMessage(f);"
    )
    [back] = await b.messages(1)
    assert back.from_ == "carol" and back.msg_body == BODY
    assert (await js_carol.fails("chat.createForwardMessage({to: 'bob', payload: {}})"))[
        "code"
    ] == 6017


async def test_official_sdk_forward_reaches_palaver(
    server: RunningServer, tencent: TencentHarness, connect: Connect
) -> None:
    await server.import_users("alice", "bob", "carol")
    bob = await tencent.login("bob", server.sig("bob"))
    _, c = await connect("carol")
    await server.ok(
        "openim",
        "sendmsg",
        {"From_Account": "alice", "To_Account": "bob", "MsgRandom": 2, "MsgBody": BODY[:1]},
    )
    [got] = await bob.received(1)
    fwd = await bob.call(
        "createForwardMessage",
        {"to": "carol", "conversationType": "C2C", "payload": bob.msg(got["ID"])},
        keep="fwd",
    )
    assert fwd["payload"]["text"] == "look"
    await bob.call("sendMessage", Ref("fwd"))
    [arrived] = await c.messages(1)
    assert arrived.from_ == "bob" and arrived.payload == {"text": "look"}
