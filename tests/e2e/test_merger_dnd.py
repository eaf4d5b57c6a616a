"""Merged forwarding and the app-wide do-not-disturb (issue 17), through Tencent's
own SDK in Chromium, Palaver's Python and JS SDKs and the offline-push hook:
a merger too large to inline is kept on the server (``save_relay_json_msg``) and
fetched (``get_relay_json_msg`` / ``downloadMergerMessage``) across front doors;
``setAllReceiveMessageOpt`` stops offline pushes inside its window."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import RunningServer
from palaver.client import EVENT, TYPES, ChatError
from support.backend import Backend
from support.tencent_sdk import TencentHarness
from test_client_sdk import Connect, send_text
from test_client_sdk import connect as connect  # the fixture
from test_js_sdk import Open
from test_js_sdk import open_chat as open_chat  # the fixture

pytestmark = pytest.mark.timeout(180)

C2C_AFTER = "C2C.CallbackAfterSendMsg"
GROUP_AFTER = "Group.CallbackAfterSendMsg"
LONG = "x" * 900


def text_body(text: str) -> list[dict[str, Any]]:
    return [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]


async def rest_texts(server: RunningServer, frm: str, to: str, texts: list[str]) -> None:
    for i, t in enumerate(texts):
        await server.ok(
            "openim",
            "sendmsg",
            {"From_Account": frm, "To_Account": to, "MsgRandom": 100 + i, "MsgBody": text_body(t)},
        )


async def test_official_sdk_keeps_a_large_merger_on_the_server_and_fetches_it(
    server: RunningServer, tencent: TencentHarness, connect: Connect
) -> None:
    await server.import_users("alice", "bob", "carol")
    alice = await tencent.login("alice", server.sig("alice"))
    bob = await tencent.login("bob", server.sig("bob"))
    carol, c = await connect("carol")
    texts = [f"{i}:{LONG}" for i in range(14)]  # ~13 KB: over the SDK's 11 KB inline bound
    await rest_texts(server, "alice", "bob", texts)
    await bob.received(len(texts))
    merged = await alice.js(
        """const l = (await chat.getMessageList({conversationID: 'C2Cbob', count: 15})).data.messageList;
           const m = chat.createMergerMessage({to: 'bob', conversationType: 'C2C',
             payload: {messageList: l, title: 'alice and bob', abstractList: ['a', 'b'],
                       compatibleText: 'upgrade'}});
           return (await chat.sendMessage(m)).data.message;"""
    )
    assert merged["type"] == "TIMRelayElem", alice.report()
    (got,) = await bob.received(1)
    assert got["type"] == "TIMRelayElem", bob.report()
    assert got["payload"]["title"] == "alice and bob" and got["payload"]["downloadKey"]
    assert got["payload"]["messageList"] == []
    full = await bob.call("downloadMergerMessage", bob.msg(got["ID"]))
    inner = full["payload"]["messageList"]
    assert [m["messageBody"][0]["payload"]["text"] for m in inner] == texts, bob.report()
    assert {m["from"] for m in inner} == {"alice"}

    # the same key read from Palaver's Python SDK: the stored list, as the SDK wrote it
    await alice.js(
        """const l = (await chat.getMessageList({conversationID: 'C2Cbob', count: 15})).data.messageList
             .filter((m) => m.type === 'TIMTextElem');
           const m = chat.createMergerMessage({to: 'carol', conversationType: 'C2C',
             payload: {messageList: l, title: 't', abstractList: [], compatibleText: 'c'}});
           return (await chat.sendMessage(m)).data.message.ID;"""
    )
    [to_carol] = await c.messages(1)
    assert to_carol.type == "TIMRelayElem" and to_carol.payload["downloadKey"]
    items = await carol.download_merger_message(to_carol)
    assert len(items) == len(texts) and all(t in json.dumps(items) for t in texts)

    # a key that was never made: the SDK's own 2452 (download failed)
    bad = await bob.js(
        """const m = H.refs['msg:' + a];
           m.payload.downloadKey = 'relay-nope';
           try { await chat.downloadMergerMessage(m); return null; } catch (e) { return e.code; }""",
        got["ID"],
    )
    assert bad == 2452, bob.report()


async def test_python_and_js_sdks_merge_small_and_large(
    server: RunningServer, connect: Connect, open_chat: Open
) -> None:
    await server.import_users("alice", "bob", "carol")
    alice, _ = await connect("alice")
    bob, b = await connect("bob")
    carol, c = await connect("carol")
    sent = [await send_text(alice, "bob", t) for t in ("one", "two")]
    await b.messages(2)
    # inline: the messages travel inside the element
    small = alice.create_merger_message(
        to="carol", message_list=sent, title="chat", abstract_list=["alice: one"]
    )
    await alice.send_message(small)
    [got] = await c.messages(1)
    content = got.msg_body[0]["MsgContent"]
    assert got.type == TYPES.MSG_MERGER and content["MsgNum"] == 2 and "JsonMsgKey" not in content
    items = await carol.download_merger_message(got)
    assert [i["MsgBody"][0]["MsgContent"]["Text"] for i in items] == ["one", "two"]
    assert items[0]["From_Account"] == "alice"

    # large: kept on the server, the element carries its key
    big = [await send_text(alice, "bob", f"{i}:{LONG}") for i in range(10)]
    await b.messages(10)
    await alice.send_message(alice.create_merger_message(to="carol", message_list=big, title="t"))
    [got] = await c.messages(1)
    assert "MsgList" not in got.msg_body[0]["MsgContent"] and got.payload["downloadKey"]
    items = await carol.download_merger_message(got)
    assert [i["MsgBody"][0]["MsgContent"]["Text"] for i in items] == [
        m.payload["text"] for m in big
    ]

    # in a group: the members read the kept list
    await server.ok(
        "group_open_http_svc",
        "create_group",
        {
            "Owner_Account": "alice",
            "Type": "Work",
            "GroupId": "gm",
            "Name": "gm",
            "MemberList": [{"Member_Account": "carol"}],
        },
    )
    await c.messages(1)  # the group's creation tip
    await alice.send_message(
        alice.create_merger_message(
            to="gm", conversation_type=TYPES.CONV_GROUP, message_list=big, title="g"
        )
    )
    [in_group] = await c.messages(1)
    assert in_group.conversation_id == "GROUPgm" and in_group.payload["downloadKey"]
    assert len(await carol.download_merger_message(in_group)) == 10

    # errors: not a merger, no messages, unsent messages
    with pytest.raises(ChatError) as err:
        await carol.download_merger_message(sent[0])
    assert err.value.code == 2450
    with pytest.raises(ChatError) as err:
        alice.create_merger_message(to="carol", message_list=[], title="t")
    assert err.value.code == 6017

    # the JS SDK reads both, and makes a large one that Python reads
    js = await open_chat("carol")
    n = await js.js(
        "const l = (await chat.getMessageList({conversationID: 'C2Calice'})).data.messageList;"
        " const out = [];"
        " for (const m of l) out.push((await chat.downloadMergerMessage(m)).data.messageList.length);"
        " return out;"
    )
    assert n == [2, 10]
    await js.js(
        "const l = (await chat.getMessageList({conversationID: 'C2Calice'})).data.messageList;"
        " const fwd = chat.createMergerMessage({to: 'bob', conversationType: 'C2C',"
        "   payload: {messageList: l, title: 'again', abstractList: [], compatibleText: ''}});"
        " await chat.sendMessage(fwd);"
    )
    [again] = await b.messages(1)
    assert again.payload["title"] == "again"
    inner = await bob.download_merger_message(again)  # two mergers, merged again
    assert [i["MsgBody"][0]["MsgType"] for i in inner] == ["TIMRelayElem"] * 2
    assert (await js.fails("chat.downloadMergerMessage({type: 'TIMTextElem'})"))["code"] == 2450


async def test_all_receive_opt_stops_offline_pushes_in_its_window(
    server: RunningServer, tencent: TencentHarness, connect: Connect
) -> None:
    backend = Backend()
    await backend.start()
    try:
        await server.hub.apps.update_settings(
            server.app.sdkappid,
            callback_url=backend.url,
            callback_commands=[C2C_AFTER, GROUP_AFTER],
        )
        await server.import_users("alice", "bob", "carol", "dave")
        bob = await tencent.login("bob", server.sig("bob"))
        # all day, every day, in the official SDK
        await bob.call(
            "setAllReceiveMessageOpt",
            {"messageRemindType": "AcceptNotNotify", "startHour": 0, "duration": 86400},
        )
        opt = await bob.call("getAllReceiveMessageOpt")
        assert opt["messageRemindType"] == "AcceptNotNotify" and opt["isRepeated"] is True
        assert opt["endTime"] - opt["startTime"] == 86400, bob.report()
        push = {"PushFlag": 0, "Title": "hi", "Desc": "new"}
        body = {"From_Account": "alice", "To_Account": "bob", "MsgBody": text_body("shh")}
        await server.ok("openim", "sendmsg", {**body, "MsgRandom": 1, "OfflinePushInfo": push})
        (quiet,) = await backend.wait_for(C2C_AFTER, 1)
        assert quiet.body["OfflinePushInfo"]["PushFlag"] == 1  # the message came, no push
        (got,) = await bob.received(1)
        assert got["payload"]["text"] == "shh"

        # Python SDK: carol's window is on, dave has none; both offline in a group
        carol, c = await connect("carol")
        await carol.set_all_receive_message_opt(
            TYPES.MSG_REMIND_ACPT_NOT_NOTE, start_hour=0, duration=86400
        )
        told = await c.next(EVENT.ALL_RECEIVE_MESSAGE_OPT_UPDATED)
        assert told["messageRemindType"] == "AcceptNotNotify" and told["isRepeated"] is True
        assert (await carol.get_all_receive_message_opt())["messageRemindType"] == (
            "AcceptNotNotify"
        )
        await carol.logout()
        await server.ok(
            "group_open_http_svc",
            "create_group",
            {
                "Owner_Account": "alice",
                "Type": "Work",
                "GroupId": "g1",
                "Name": "g1",
                "MemberList": [{"Member_Account": m} for m in ("carol", "dave")],
            },
        )
        await server.ok(
            "group_open_http_svc",
            "send_group_msg",
            {"GroupId": "g1", "From_Account": "alice", "Random": 5, "MsgBody": text_body("hey")},
        )
        (g,) = await backend.wait_for(GROUP_AFTER, 1)
        assert g.body["OfflineMemberList"] == [{"Member_Account": "dave"}]

        # turned off: pushes again
        await bob.call("setAllReceiveMessageOpt", {"messageRemindType": "AcceptAndNotify"})
        assert (await bob.call("getAllReceiveMessageOpt"))["messageRemindType"] == (
            "AcceptAndNotify"
        )
        await server.ok("openim", "sendmsg", {**body, "MsgRandom": 2, "OfflinePushInfo": push})
        _, loud = await backend.wait_for(C2C_AFTER, 2)
        assert loud.body["OfflinePushInfo"] == push
    finally:
        await backend.stop()


async def test_js_sdk_all_receive_opt(server: RunningServer, open_chat: Open) -> None:
    await server.import_users("alice")
    js = await open_chat("alice")
    opt = await js.js(
        "await chat.setAllReceiveMessageOpt({allReceiveMessageOpt: 'AcceptNotNotify',"
        " startHour: 22, startMinute: 0, startSecond: 0, duration: 8 * 3600});"
        " return (await chat.getAllReceiveMessageOpt()).data;"
    )
    told = await js.next("onAllReceiveMessageOptUpdated")
    assert told["endTime"] == opt["endTime"]
    assert opt["messageRemindType"] == "AcceptNotNotify" and opt["isRepeated"] is True
    assert opt["endTime"] - opt["startTime"] == 8 * 3600
    assert (await js.fails("chat.setAllReceiveMessageOpt({messageRemindType: 'Nope'})"))[
        "code"
    ] == 6017


async def test_rest_sendmsg_takes_a_relay_elem_inline_or_by_key(
    server: RunningServer, connect: Connect
) -> None:
    await server.import_users("alice", "bob")
    alice, _ = await connect("alice")
    bob, b = await connect("bob")
    inner = [
        {"From_Account": "carol", "MsgTimeStamp": 1, "MsgBody": text_body("old news")},
    ]
    relay = {"Title": "carol's chat", "MsgNum": 1, "CompatibleText": "upgrade"}
    await server.ok(
        "openim",
        "sendmsg",
        {
            "From_Account": "alice",
            "To_Account": "bob",
            "MsgRandom": 1,
            "MsgBody": [{"MsgType": "TIMRelayElem", "MsgContent": {**relay, "MsgList": inner}}],
        },
    )
    [got] = await b.messages(1)
    assert got.payload["title"] == "carol's chat" and got.payload["messageNumber"] == 1
    assert await bob.download_merger_message(got) == inner
    # a backend names a list a client kept (its JsonMsgKey)
    big = [await send_text(alice, "bob", f"{i}:{LONG}") for i in range(10)]
    await b.messages(10)
    made = alice.create_merger_message(to="bob", message_list=big, title="t")
    await alice.send_message(made)
    [kept] = await b.messages(1)
    key = kept.payload["downloadKey"]
    await server.ok(
        "openim",
        "sendmsg",
        {
            "From_Account": "alice",
            "To_Account": "bob",
            "MsgRandom": 2,
            "MsgBody": [{"MsgType": "TIMRelayElem", "MsgContent": {**relay, "JsonMsgKey": key}}],
        },
    )
    [by_key] = await b.messages(1)
    assert len(await bob.download_merger_message(by_key)) == 10
