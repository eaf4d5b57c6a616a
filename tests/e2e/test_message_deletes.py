"""Deleting messages for me only and clearing histories (issue 17): REST
``delete_c2c_msg_ramble`` / ``clear_group_msg``, Palaver's ``deleteMessage`` /
``clearHistoryMessage`` (both SDKs) and Tencent's own SDK's."""

from __future__ import annotations

import pytest

from conftest import RunningServer
from palaver.client import Chat, ChatError
from support.tencent_sdk import TencentHarness
from test_client_sdk import Connect, send_text
from test_client_sdk import connect as connect  # the fixture
from test_js_sdk import Open
from test_js_sdk import open_chat as open_chat  # the fixture
from test_message_edits import make_group, text_body

pytestmark = pytest.mark.timeout(180)


async def texts(chat: Chat, conversation_id: str) -> list[str]:
    """The texts of a conversation's history (group tips left out)."""
    page = await chat.get_message_list(conversation_id=conversation_id)
    return [m.payload["text"] for m in page.message_list if m.type == "TIMTextElem"]


async def roam(server: RunningServer, operator: str, peer: str) -> list[str]:
    r = await server.ok(
        "openim",
        "admin_getroammsg",
        {
            "Operator_Account": operator,
            "Peer_Account": peer,
            "MaxCnt": 50,
            "MinTime": 0,
            "MaxTime": 2**31,
        },
    )
    return [m["MsgBody"][0]["MsgContent"]["Text"] for m in r["MsgList"]]


async def test_python_sdk_deletes_for_me_and_clears(
    server: RunningServer, connect: Connect
) -> None:
    await server.import_users("alice", "bob", "carol")
    alice, _ = await connect("alice")
    bob, b = await connect("bob")
    sent = [await send_text(alice, "bob", t) for t in ("one", "two", "three")]
    await b.messages(3)
    deleted = await alice.delete_message(sent[:2])
    assert [m.is_deleted for m in deleted] == [True, True]
    assert await texts(alice, "C2Cbob") == ["three"]
    assert await texts(bob, "C2Calice") == ["one", "two", "three"]  # bob keeps them
    assert sorted(await roam(server, "alice", "bob")) == ["three"]
    # again: no-op; carol cannot name alice's messages
    await alice.delete_message(sent[:1])
    carol, _ = await connect("carol")
    with pytest.raises(ChatError) as err:
        await carol._request(
            "deleteMessage", {"conversationID": "C2Calice", "IDList": [sent[2].id]}
        )
    assert err.value.code == 20026
    with pytest.raises(ChatError) as err:
        await alice.delete_message([])
    assert err.value.code == 6017

    # clear: bob's history of alice is empty, alice's is not; unread is gone
    await bob.clear_history_message("C2Calice")
    assert await texts(bob, "C2Calice") == []
    assert await texts(alice, "C2Cbob") == ["three"]
    assert (await bob.get_total_unread_message_count()) == 0
    after = await send_text(alice, "bob", "four")
    assert after.id
    assert await texts(bob, "C2Calice") == ["four"]

    # groups: delete for me, clear for me; outsiders refused
    group_id = await make_group(server, "alice", "bob")
    gmsg = await alice.send_message(
        alice.create_text_message(to=group_id, conversation_type="GROUP", payload={"text": "g1"})
    )
    await alice.send_message(
        alice.create_text_message(to=group_id, conversation_type="GROUP", payload={"text": "g2"})
    )
    cid = "GROUP" + group_id
    await alice.delete_message([gmsg])
    assert await texts(alice, cid) == ["g2"]
    assert "g1" in await texts(bob, cid)
    with pytest.raises(ChatError) as err:
        await carol._request("deleteMessage", {"conversationID": cid, "IDList": [gmsg.id]})
    assert err.value.code == 10007
    with pytest.raises(ChatError) as err:
        await carol.clear_history_message(cid)
    assert err.value.code == 10007
    await bob.clear_history_message(cid)
    assert [t for t in await texts(bob, cid) if t.startswith("g")] == []
    assert await texts(alice, cid) == ["g2"]


async def test_rest_delete_c2c_msg_ramble_and_clear_group_msg(
    server: RunningServer, connect: Connect
) -> None:
    await server.import_users("alice", "bob")
    keys = []
    for i, t in enumerate(("a", "b")):
        r = await server.ok(
            "openim",
            "sendmsg",
            {"From_Account": "alice", "To_Account": "bob", "MsgRandom": i, "MsgBody": text_body(t)},
        )
        keys.append(r["MsgKey"])
    await server.ok(
        "openim",
        "delete_c2c_msg_ramble",
        {"Operator_Account": "bob", "Peer_Account": "alice", "MsgKeyList": [keys[0], "1_2_3"]},
    )
    assert await roam(server, "bob", "alice") == ["b"]
    assert sorted(await roam(server, "alice", "bob")) == ["a", "b"]
    r = await server.rest(
        "openim",
        "delete_c2c_msg_ramble",
        {"Operator_Account": "bob", "Peer_Account": "alice", "MsgKeyList": ["1_1_1"] * 31},
    )
    assert r["ErrorCode"] == 6017, r

    group_id = await make_group(server, "alice", "bob")
    for t in ("x", "y", "z"):
        await server.ok(
            "group_open_http_svc",
            "send_group_msg",
            {
                "GroupId": group_id,
                "From_Account": "alice",
                "Random": ord(t),
                "MsgBody": text_body(t),
            },
        )
    bob, _ = await connect("bob")
    cid = "GROUP" + group_id
    before = [t for t in await texts(bob, cid) if t in "xyz"]
    assert before == ["x", "y", "z"]
    page = await bob.get_message_list(conversation_id=cid)
    y_seq = next(m.sequence for m in page.message_list if m.payload.get("text") == "y")
    await server.ok(
        "group_open_http_svc", "clear_group_msg", {"GroupId": group_id, "MsgSeq": y_seq}
    )
    assert [t for t in await texts(bob, cid) if t in "xyz"] == ["z"]
    await server.ok("group_open_http_svc", "clear_group_msg", {"GroupId": group_id})
    assert [t for t in await texts(bob, cid) if t in "xyz"] == []
    # the admin still sees them
    r = await server.ok(
        "group_open_http_svc", "group_msg_get_simple", {"GroupId": group_id, "ReqMsgNumber": 20}
    )
    assert len(r["RspMsgList"]) >= 3
    r = await server.rest("group_open_http_svc", "clear_group_msg", {"GroupId": "nope"})
    assert r["ErrorCode"] == 10010, r


async def test_official_sdk_delete_message_and_clear_history(
    server: RunningServer, tencent: TencentHarness, connect: Connect
) -> None:
    await server.import_users("alice", "bob")
    alice = await tencent.login("alice", server.sig("alice"))
    bob = await tencent.login("bob", server.sig("bob"))
    one = await alice.send_text("bob", "one")
    await alice.send_text("bob", "two")
    await bob.received(2)
    data = await alice.call("deleteMessage", [alice.msg(one["ID"])])
    assert [m["ID"] for m in data["messageList"]] == [one["ID"]]
    assert await roam(server, "alice", "bob") == ["two"]
    assert sorted(await roam(server, "bob", "alice")) == ["one", "two"]
    palaver_alice, _ = await connect("alice")
    assert await texts(palaver_alice, "C2Cbob") == ["two"]

    # group: deleted by sequence
    group_id = await make_group(server, "alice", "bob")
    g = await alice.send_text(group_id, "g1", "GROUP")
    await bob.received(1)
    await alice.call("deleteMessage", [alice.msg(g["ID"])])
    assert "g1" not in await texts(palaver_alice, "GROUP" + group_id)

    # clear: bob's history is empty after a fresh login too
    await bob.call("clearHistoryMessage", "C2Calice")
    assert await roam(server, "bob", "alice") == []
    palaver_bob, _ = await connect("bob")
    assert await texts(palaver_bob, "C2Calice") == []
    await bob.call("clearHistoryMessage", "GROUP" + group_id)
    assert "g1" not in await texts(palaver_bob, "GROUP" + group_id)


async def test_js_sdk_delete_message_and_clear_history(
    server: RunningServer, open_chat: Open, connect: Connect
) -> None:
    await server.import_users("alice", "bob")
    alice = await open_chat("alice")
    bob = await open_chat("bob")
    await alice.send_text("bob", "one", key="one")
    await alice.send_text("bob", "two", key="two")
    await bob.messages(2)
    data = await alice.ok("chat.deleteMessage([T.msgs.one])")
    assert data["messageList"][0]["isDeleted"] is True
    page = await alice.ok("chat.getMessageList({conversationID: 'C2Cbob'})")
    assert [m["payload"]["text"] for m in page["messageList"]] == ["two"]
    assert (await alice.fails("chat.deleteMessage([])"))["code"] == 6017
    await bob.ok("chat.clearHistoryMessage('C2Calice')")
    page = await bob.ok("chat.getMessageList({conversationID: 'C2Calice'})")
    assert page["messageList"] == []
    assert sorted(await roam(server, "alice", "bob")) == ["two"]
    assert (await bob.fails("chat.clearHistoryMessage('GROUPnope')"))["code"] == 10010
