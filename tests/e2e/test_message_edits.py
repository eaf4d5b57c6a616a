"""Editing sent messages (issue 17): REST ``modify_c2c_msg`` / ``modify_group_msg``,
Palaver's ``modifyMessage`` (Python SDK), and Tencent's own SDK's ``modifyMessage`` and
``MESSAGE_MODIFIED`` on Palaver, with versions so that concurrent edits conflict."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import RunningServer
from palaver.client import EVENT, ChatError
from support.tencent_sdk import TencentHarness
from test_client_sdk import Connect, send_text
from test_client_sdk import connect as connect  # the fixture
from test_js_sdk import CONV_LIST, Open
from test_js_sdk import open_chat as open_chat  # the fixture

pytestmark = pytest.mark.timeout(180)


def text_body(text: str) -> list[dict[str, Any]]:
    return [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]


async def make_group(server: RunningServer, owner: str, *members: str) -> str:
    r = await server.ok(
        "group_open_http_svc",
        "create_group",
        {
            "Owner_Account": owner,
            "Type": "Public",
            "Name": "edits",
            "MemberList": [{"Member_Account": m} for m in members],
        },
    )
    return str(r["GroupId"])


async def test_python_sdk_edit_reaches_the_peer_and_a_stale_edit_conflicts(
    server: RunningServer, connect: Connect
) -> None:
    await server.import_users("alice", "bob", "carol")
    alice, a = await connect("alice")
    bob, b = await connect("bob")
    sent = await send_text(alice, "bob", "helo")
    [seen] = await b.messages(1)
    assert sent.version == 0 and not sent.is_modified

    sent.payload = {"text": "hello"}
    edited = await alice.modify_message(sent)
    assert edited is sent and sent.version == 1 and sent.is_modified
    [mod] = await b.next(EVENT.MESSAGE_MODIFIED)
    assert mod is seen and seen.payload == {"text": "hello"} and seen.version == 1
    assert seen.is_modified and seen.flow == "in"
    # the editing device reports it once too (as Tencent's SDK does)
    [own] = await a.next(EVENT.MESSAGE_MODIFIED)
    assert own is sent

    # bob edits too (any participant may, as in Tencent's SDK): version 2
    seen.cloud_custom_data = '{"quote": 1}'
    await bob.modify_message(seen)
    [mine] = await a.next(EVENT.MESSAGE_MODIFIED)
    assert mine is sent and sent.version == 2 and sent.cloud_custom_data == '{"quote": 1}'

    # an edit from an old version loses; the error carries the newest message
    stale_copy = (await bob.get_message_list(conversation_id="C2Calice")).message_list[-1]
    assert stale_copy.version == 2
    stale_copy.version = 1
    stale_copy.payload = {"text": "lost"}
    with pytest.raises(ChatError) as err:
        await bob.modify_message(stale_copy)
    assert err.value.code == 2480
    latest = err.value.data["message"]
    assert latest.version == 2 and latest.payload == {"text": "hello"}

    # history shows the edit on every device
    history = await alice.get_message_list(conversation_id="C2Cbob")
    [(v, p)] = [(m.version, m.payload) for m in history.message_list]
    assert (v, p) == (2, {"text": "hello"})

    # not a participant: no such message in my conversations
    carol, _ = await connect("carol")
    with pytest.raises(ChatError) as err:
        await carol._request(
            "modifyMessage",
            {
                "conversationID": "C2Calice",
                "ID": sent.id,
                "version": 2,
                "type": "TIMTextElem",
                "payload": {"text": "x"},
            },
        )
    assert err.value.code == 20026
    # element types that cannot be edited
    with pytest.raises(ChatError) as err:
        await alice._request(
            "modifyMessage",
            {
                "conversationID": "C2Cbob",
                "ID": sent.id,
                "version": 2,
                "MsgBody": [{"MsgType": "TIMImageElem", "MsgContent": {"UUID": "x"}}],
            },
        )
    assert err.value.code in (6017, 90002)
    # a recalled message cannot be edited
    await alice.revoke_message(sent)
    with pytest.raises(ChatError) as err:
        await alice.modify_message(sent)
    assert err.value.code == 20026


async def test_group_edits_reach_members_and_outsiders_are_refused(
    server: RunningServer, connect: Connect
) -> None:
    await server.import_users("alice", "bob", "carol")
    group_id = await make_group(server, "alice", "bob")
    alice, _ = await connect("alice")
    bob, b = await connect("bob")
    msg = alice.create_text_message(
        to=group_id, conversation_type="GROUP", payload={"text": "draft"}
    )
    sent = await alice.send_message(msg)
    [seen] = await b.messages(1)
    sent.payload = {"text": "final"}
    await alice.modify_message(sent)
    [mod] = await b.next(EVENT.MESSAGE_MODIFIED)
    assert mod is seen and seen.payload == {"text": "final"} and seen.version == 1
    assert seen.flow == "in"

    carol, _ = await connect("carol")
    with pytest.raises(ChatError) as err:
        await carol._request(
            "modifyMessage",
            {
                "conversationID": "GROUP" + group_id,
                "ID": sent.id,
                "version": 1,
                "type": "TIMTextElem",
                "payload": {"text": "x"},
            },
        )
    assert err.value.code == 10007

    # REST: the admin edits whatever the version; members get MESSAGE_MODIFIED
    await server.ok(
        "openim",
        "modify_group_msg",
        {"GroupId": group_id, "MsgSeq": sent.sequence, "MsgBody": text_body("by admin")},
    )
    [mod] = await b.next(EVENT.MESSAGE_MODIFIED)
    assert seen.payload == {"text": "by admin"} and seen.version == 2
    r = await server.rest("openim", "modify_group_msg", {"GroupId": group_id, "MsgSeq": 999})
    assert r["ErrorCode"] == 20026, r
    r = await server.rest("openim", "modify_group_msg", {"GroupId": "nope", "MsgSeq": 1})
    assert r["ErrorCode"] == 10010, r


async def test_rest_modify_c2c_msg(server: RunningServer, connect: Connect) -> None:
    await server.import_users("alice", "bob")
    _, b = await connect("bob")
    r = await server.ok(
        "openim",
        "sendmsg",
        {"From_Account": "alice", "To_Account": "bob", "MsgRandom": 5, "MsgBody": text_body("a")},
    )
    [seen] = await b.messages(1)
    key = r["MsgKey"]
    await server.ok(
        "openim",
        "modify_c2c_msg",
        {
            "From_Account": "alice",
            "To_Account": "bob",
            "MsgKey": key,
            "MsgBody": text_body("b"),
            "CloudCustomData": "cc",
        },
    )
    [mod] = await b.next(EVENT.MESSAGE_MODIFIED)
    assert mod is seen and seen.payload == {"text": "b"} and seen.cloud_custom_data == "cc"
    # custom data alone
    await server.ok(
        "openim",
        "modify_c2c_msg",
        {"From_Account": "alice", "To_Account": "bob", "MsgKey": key, "CloudCustomData": "dd"},
    )
    await b.next(EVENT.MESSAGE_MODIFIED)
    assert seen.payload == {"text": "b"} and seen.cloud_custom_data == "dd" and seen.version == 2
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
    assert roam["MsgList"][0]["MsgBody"] == text_body("b"), roam
    for bad, code in (
        ({"MsgKey": "1_2_3", "MsgBody": text_body("x")}, 20026),
        ({"MsgKey": "junk", "MsgBody": text_body("x")}, 20026),
        ({"MsgKey": key}, 6017),
        ({"MsgKey": key, "MsgBody": "x"}, 90007),
    ):
        r = await server.rest(
            "openim", "modify_c2c_msg", {"From_Account": "alice", "To_Account": "bob", **bad}
        )
        assert r["ErrorCode"] == code, (bad, r)
    # the wrong pair of accounts does not find it
    r = await server.rest(
        "openim",
        "modify_c2c_msg",
        {"From_Account": "alice", "To_Account": "alice", "MsgKey": key, "MsgBody": text_body("x")},
    )
    assert r["ErrorCode"] == 20026, r


async def test_official_sdk_modify_message_and_conflicts(
    server: RunningServer, tencent: TencentHarness, connect: Connect
) -> None:
    await server.import_users("alice", "bob")
    alice = await tencent.login("alice", server.sig("alice"))
    bob = await tencent.login("bob", server.sig("bob"))
    sent = await alice.send_text("bob", "tpyo")
    await bob.received(1)
    edited = await alice.js(
        "const m = H.refs['msg:' + a]; m.payload.text = 'typo';"
        " const r = await chat.modifyMessage(m);"
        " return {text: r.data.message.payload.text, version: r.data.message.version};",
        sent["ID"],
    )
    assert edited == {"text": "typo", "version": 1}, alice.report()
    got = await bob.wait_event("MESSAGE_MODIFIED")
    assert got[0]["ID"] == sent["ID"] and got[0]["payload"]["text"] == "typo", bob.report()
    assert got[0]["version"] == 1 and got[0]["isModified"] is True

    # bob edits from version 1; then alice edits from her copy, also version 1: conflict
    await bob.js(
        "const m = H.refs['msg:' + a]; m.payload.text = 'by bob'; await chat.modifyMessage(m);",
        sent["ID"],
    )
    await alice.wait_event("MESSAGE_MODIFIED", lambda d: d[0]["payload"]["text"] == "by bob")
    conflict = await alice.js(
        "const m = H.refs['msg:' + a]; m.version = 1; m.payload.text = 'late';"
        " try { await chat.modifyMessage(m); return {ok: true}; }"
        " catch (e) { return {code: e.code, text: e.data.message.payload.text,"
        " version: e.data.message.version}; }",
        sent["ID"],
    )
    assert conflict == {"code": 2480, "text": "by bob", "version": 2}, alice.report()

    # history carries the version
    page = await bob.call("getMessageList", {"conversationID": "C2Calice"})
    last = page["messageList"][-1]
    assert (last["payload"]["text"], last["version"]) == ("by bob", 2)

    # cross-door: an edit made in Palaver's SDK reaches the official SDK user
    palaver_alice, _ = await connect("alice")
    history = await palaver_alice.get_message_list(conversation_id="C2Cbob")
    mine = history.message_list[-1]
    mine.payload = {"text": "from palaver"}
    await palaver_alice.modify_message(mine)
    got = await bob.wait_event(
        "MESSAGE_MODIFIED", lambda d: d[0]["payload"]["text"] == "from palaver"
    )
    assert got[0]["ID"] == sent["ID"] and got[0]["version"] == 3, bob.report()

    # a message of a conversation that is not mine
    code = await bob.js(
        "const m = H.refs['msg:' + a]; m.to = 'nobody'; m.from = 'nobody2';"
        " try { await chat.modifyMessage(m); return 0; } catch (e) { return e.code; }",
        sent["ID"],
    )
    assert code == 20026, bob.report()


async def test_official_sdk_group_edit(
    server: RunningServer, tencent: TencentHarness, connect: Connect
) -> None:
    await server.import_users("alice", "bob")
    group_id = await make_group(server, "alice", "bob")
    alice = await tencent.login("alice", server.sig("alice"))
    bob = await tencent.login("bob", server.sig("bob"))
    sent = await alice.send_text(group_id, "v0", "GROUP")
    await bob.received(1)
    await alice.js(
        "const m = H.refs['msg:' + a]; m.payload.text = 'v1'; await chat.modifyMessage(m);",
        sent["ID"],
    )
    got = await bob.wait_event("MESSAGE_MODIFIED")
    assert got[0]["ID"] == sent["ID"] and got[0]["payload"]["text"] == "v1", bob.report()
    # Palaver's SDK edits; the official SDK member sees it
    palaver_bob, _ = await connect("bob")
    history = await palaver_bob.get_message_list(conversation_id="GROUP" + group_id)
    m = history.message_list[-1]
    assert m.version == 1
    m.payload = {"text": "v2"}
    await palaver_bob.modify_message(m)
    got = await alice.wait_event("MESSAGE_MODIFIED", lambda d: d[0]["payload"]["text"] == "v2")
    assert got[0]["version"] == 2, alice.report()


MODIFIED = "onMessageModified"


async def test_js_sdk_modify_message(server: RunningServer, open_chat: Open) -> None:
    await server.import_users("alice", "bob", "carol")
    alice = await open_chat("alice")
    bob = await open_chat("bob")
    sent = await alice.send_text("bob", "colour", key="m")
    [got] = await bob.messages(1)
    data = await alice.ok(
        "(async () => { T.msgs.m.payload.text = 'color'; return chat.modifyMessage(T.msgs.m); })()"
    )
    assert data["message"]["version"] == 1 and data["message"]["isModified"] is True
    [mine] = await alice.next(MODIFIED)  # this device too, once
    assert mine["ID"] == sent["ID"] and mine["payload"] == {"text": "color"}
    [theirs] = await bob.next(MODIFIED)
    assert theirs["ID"] == got["ID"] and theirs["payload"] == {"text": "color"}
    assert theirs["version"] == 1 and theirs["flow"] == "in"
    convs = await bob.until(CONV_LIST, '"color"')
    assert convs[0]["lastMessage"]["payload"] == {"text": "color"}

    # a stale copy loses with 2480 and the newest message
    conflict = await bob.js(
        "const page = (await chat.getMessageList({conversationID: 'C2Calice'})).data;"
        " const m = page.messageList[0]; m.version = 0; m.payload.text = 'late';"
        " try { await chat.modifyMessage(m); return null; }"
        " catch (e) { return {code: e.code, text: e.data.message.payload.text,"
        " version: e.data.message.version}; }"
    )
    assert conflict == {"code": 2480, "text": "color", "version": 1}
    assert await alice.drain(MODIFIED) == []

    # not my conversation
    carol = await open_chat("carol")
    refused = await carol.js(
        "const {Message} = await import('/sdk/src/message.js');"
        " const m = Message._fromWire({ID: a, conversationID: 'C2Calice', status: 'success',"
        " type: 'TIMTextElem', payload: {text: 'x'}});"
        " try { await chat.modifyMessage(m); return null; } catch (e) { return e.code; }",
        sent["ID"],
    )
    assert refused == 20026
    assert (await alice.fails("chat.modifyMessage({ID: 'x'})"))["code"] == 6017
