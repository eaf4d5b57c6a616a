"""Message extensions and pinned group messages (issue 17): Palaver's Python SDK,
REST ``openim_msg_ext_http_svc`` and ``pin_message`` / ``get_pinned_messages``,
their pushes, limits and permission errors."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import RunningServer
from palaver.client import EVENT, Chat, ChatError, Message
from support.tencent_sdk import TencentError, TencentHarness, TencentTab
from support.waiting import eventually
from test_client_sdk import Connect, rest_text
from test_client_sdk import connect as connect  # the fixture
from test_js_sdk import Open
from test_js_sdk import open_chat as open_chat  # the fixture
from test_message_edits import make_group

pytestmark = pytest.mark.timeout(180)


async def send_ext(chat: Chat, to: str, text: str, group: bool = False) -> Message:
    msg = chat.create_text_message(
        to=to, conversation_type="GROUP" if group else "C2C", payload={"text": text}
    )
    msg.is_support_extension = True
    return await chat.send_message(msg)


async def test_python_sdk_extensions_c2c_conflict_and_delete(
    server: RunningServer, connect: Connect
) -> None:
    await server.import_users("alice", "bob", "carol")
    alice, a = await connect("alice")
    bob, b = await connect("bob")
    vote = await send_ext(alice, "bob", "lunch poll")
    assert vote.is_support_extension
    [seen] = await b.messages(1)
    assert seen.is_support_extension
    res = await alice.set_message_extensions(vote, [{"key": "alice", "value": "pizza"}])
    assert res == [{"code": 0, "key": "alice", "value": "pizza"}]
    upd = await b.next(EVENT.MESSAGE_EXTENSIONS_UPDATED)
    assert upd == {"messageID": seen.id, "extensions": [{"key": "alice", "value": "pizza"}]}
    # bob has not seen the key's sequence yet: his write of it conflicts and
    # tells him the value now; once known, it goes through
    await bob.get_message_extensions(seen)  # learns alice's key (sequence 1)
    fresh = Message.from_wire(seen.to_wire())
    res = await chat_set_unseen(bob, fresh, "alice", "sushi")
    assert res == [{"code": 23001, "key": "alice", "value": "pizza"}]
    res = await bob.set_message_extensions(fresh, [{"key": "alice", "value": "sushi"}])
    assert res[0]["code"] == 0
    got = await alice.get_message_extensions(vote)
    assert got == [{"key": "alice", "value": "sushi"}]
    await bob.set_message_extensions(seen, [{"key": "bob", "value": "salad"}])
    res = await alice.delete_message_extensions(vote, ["alice"])
    assert res[0]["code"] == 0
    gone = await b.until(EVENT.MESSAGE_EXTENSIONS_DELETED, lambda d: d["keyList"] == ["alice"])
    assert gone["messageID"] == seen.id
    assert await bob.get_message_extensions(seen) == [{"key": "bob", "value": "salad"}]
    await alice.delete_message_extensions(vote)  # all of them
    await b.until(EVENT.MESSAGE_EXTENSIONS_DELETED, lambda d: d["keyList"] == ["bob"])
    assert await bob.get_message_extensions(seen) == []

    # limits and errors
    with pytest.raises(ChatError) as err:
        await alice.set_message_extensions(vote, [{"key": "k" * 101, "value": "v"}])
    assert err.value.code == 6017
    with pytest.raises(ChatError) as err:
        await alice.set_message_extensions(vote, [{"key": "k", "value": "v" * 1025}])
    assert err.value.code == 6017
    with pytest.raises(ChatError) as err:
        many = [{"key": f"k{i}", "value": "v"} for i in range(21)]
        await alice.set_message_extensions(vote, many)
    assert err.value.code == 6017
    plain = await alice.send_message(alice.create_text_message(to="bob", payload={"text": "x"}))
    with pytest.raises(ChatError) as err:
        await alice.set_message_extensions(plain, [{"key": "k", "value": "v"}])
    assert err.value.code == 6017
    carol, _ = await connect("carol")
    with pytest.raises(ChatError) as err:
        await carol._request("getMessageExtensions", {"conversationID": "C2Calice", "ID": vote.id})
    assert err.value.code == 20026


async def chat_set_unseen(chat: Chat, message: Message, key: str, value: str) -> list[Any]:
    """A write naming sequence 0 (a client that never saw the key)."""
    answer = await chat._request(
        "setMessageExtensions",
        {
            "conversationID": message.conversation_id,
            "ID": message.id,
            "extensionList": [{"key": key, "value": value, "seq": 0}],
        },
    )
    return [{k: r[k] for k in ("code", "key", "value")} for r in answer["extensions"]]


async def test_extensions_300_keys_at_most(server: RunningServer, connect: Connect) -> None:
    await server.import_users("alice", "bob")
    alice, _ = await connect("alice")
    vote = await send_ext(alice, "bob", "big poll")
    for start in range(0, 300, 20):
        batch = [{"key": f"k{i}", "value": "v"} for i in range(start, start + 20)]
        assert all(r["code"] == 0 for r in await alice.set_message_extensions(vote, batch))
    with pytest.raises(ChatError) as err:
        await alice.set_message_extensions(vote, [{"key": "one-more", "value": "v"}])
    assert err.value.code == 6017
    assert len(await alice.get_message_extensions(vote)) == 300


async def test_python_sdk_group_extensions(server: RunningServer, connect: Connect) -> None:
    await server.import_users("alice", "bob", "carol")
    group_id = await make_group(server, "alice", "bob")
    alice, a = await connect("alice")
    bob, b = await connect("bob")
    poll = await send_ext(alice, group_id, "vote", group=True)
    [seen] = await b.messages(1)
    await bob.set_message_extensions(seen, [{"key": "bob", "value": "yes"}])
    upd = await a.until(EVENT.MESSAGE_EXTENSIONS_UPDATED, lambda d: d["messageID"] == poll.id)
    assert upd["extensions"] == [{"key": "bob", "value": "yes"}]
    assert await alice.get_message_extensions(poll) == [{"key": "bob", "value": "yes"}]
    carol, _ = await connect("carol")
    with pytest.raises(ChatError) as err:
        await carol._request(
            "setMessageExtensions",
            {
                "conversationID": "GROUP" + group_id,
                "ID": poll.id,
                "extensionList": [{"key": "c", "value": "no"}],
            },
        )
    assert err.value.code == 10007


async def test_rest_key_values(server: RunningServer, connect: Connect) -> None:
    await server.import_users("alice", "bob")
    bob, b = await connect("bob")
    sent = await server.ok(
        "openim", "sendmsg", rest_text("alice", "bob", "poll", SupportMessageExtension=1)
    )
    [seen] = await b.messages(1)
    assert seen.is_support_extension
    key = {"From_Account": "alice", "To_Account": "bob", "MsgKey": sent["MsgKey"]}
    r = await server.ok(
        "openim_msg_ext_http_svc",
        "set_key_values",
        {**key, "OperateType": 1, "ExtensionList": [{"Key": "k1", "Value": "v1", "Seq": 0}]},
    )
    [item] = r["ResultList"]
    assert item["ErrorCode"] == 0 and item["Extension"]["Key"] == "k1"
    seq = item["Extension"]["Seq"]
    upd = await b.next(EVENT.MESSAGE_EXTENSIONS_UPDATED)
    assert upd["extensions"] == [{"key": "k1", "value": "v1"}]
    # a stale Seq conflicts, with the key as it is now
    r = await server.ok(
        "openim_msg_ext_http_svc",
        "set_key_values",
        {**key, "OperateType": 1, "ExtensionList": [{"Key": "k1", "Value": "v2", "Seq": 0}]},
    )
    assert r["ResultList"][0]["ErrorCode"] == 23001
    assert r["ResultList"][0]["Extension"] == {"Key": "k1", "Value": "v1", "Seq": seq}
    got = await server.ok("openim_msg_ext_http_svc", "get_key_values", key)
    assert got["ExtensionList"] == [{"Key": "k1", "Value": "v1", "Seq": seq}]
    assert got["CompleteFlag"] == 1
    await server.ok("openim_msg_ext_http_svc", "set_key_values", {**key, "OperateType": 3})
    await b.next(EVENT.MESSAGE_EXTENSIONS_DELETED)
    got = await server.ok("openim_msg_ext_http_svc", "get_key_values", key)
    assert got["ExtensionList"] == []
    bad = await server.rest("openim_msg_ext_http_svc", "get_key_values", {**key, "MsgKey": "1_2_3"})
    assert bad["ErrorCode"] == 20026

    # groups, by MsgSeq
    group_id = await make_group(server, "alice", "bob")
    g = await server.ok(
        "group_open_http_svc",
        "send_group_msg",
        {
            "GroupId": group_id,
            "From_Account": "alice",
            "Random": 5,
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "g"}}],
            "SupportMessageExtension": 1,
        },
    )
    where = {"GroupId": group_id, "MsgSeq": g["MsgSeq"]}
    r = await server.ok(
        "openim_msg_ext_http_svc",
        "group_set_key_values",
        {**where, "OperateType": 1, "ExtensionList": [{"Key": "x", "Value": "1", "Seq": 0}]},
    )
    assert r["ResultList"][0]["ErrorCode"] == 0
    got = await server.ok("openim_msg_ext_http_svc", "group_get_key_values", where)
    assert [e["Key"] for e in got["ExtensionList"]] == ["x"]
    plain = await server.ok(
        "group_open_http_svc",
        "send_group_msg",
        {
            "GroupId": group_id,
            "From_Account": "alice",
            "Random": 6,
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "plain"}}],
        },
    )
    bad = await server.rest(
        "openim_msg_ext_http_svc",
        "group_set_key_values",
        {
            "GroupId": group_id,
            "MsgSeq": plain["MsgSeq"],
            "OperateType": 1,
            "ExtensionList": [{"Key": "x", "Value": "1", "Seq": 0}],
        },
    )
    assert bad["ErrorCode"] == 6017


# ------------------------------------------------------------------ pinned messages


async def test_python_sdk_pins(server: RunningServer, connect: Connect) -> None:
    await server.import_users("alice", "bob", "carol", "dave")
    group_id = await make_group(server, "alice", "bob", "carol")
    await server.ok(
        "group_open_http_svc",
        "modify_group_member_info",
        {"GroupId": group_id, "Member_Account": "bob", "Role": "Admin"},
    )
    alice, a = await connect("alice")
    bob, b = await connect("bob")
    carol, c = await connect("carol")
    sent = [
        await alice.send_message(
            alice.create_text_message(to=group_id, conversation_type="GROUP", payload={"text": t})
        )
        for t in ("one", "two")
    ]
    await bob.pin_group_message(group_id, sent[0])  # an admin may
    upd = await c.until(EVENT.PINNED_GROUP_MESSAGE_UPDATED, lambda d: d["isPinned"])
    assert upd["groupID"] == group_id and upd["message"].id == sent[0].id
    assert upd["operatorInfo"] == {"userID": "bob"}
    await alice.pin_group_message(group_id, sent[1])  # so may the owner
    pins = await carol.get_pinned_group_message_list(group_id)  # any member lists them
    assert [m.id for m in pins] == [sent[1].id, sent[0].id]  # latest pin first
    assert pins[1].pinner_info == {"userID": "bob"}
    with pytest.raises(ChatError) as err:
        await carol.pin_group_message(group_id, sent[0], False)  # a plain member may not
    assert err.value.code == 10007
    with pytest.raises(ChatError) as err:
        await alice.pin_group_message(group_id, sent[0])
    assert err.value.code == 10071
    await alice.pin_group_message(group_id, sent[0], False)
    upd = await c.until(EVENT.PINNED_GROUP_MESSAGE_UPDATED, lambda d: not d["isPinned"])
    assert upd["message"].id == sent[0].id
    assert [m.id for m in await bob.get_pinned_group_message_list(group_id)] == [sent[1].id]
    dave, _ = await connect("dave")
    with pytest.raises(ChatError) as err:
        await dave.get_pinned_group_message_list(group_id)
    assert err.value.code == 10007

    # at most 10; the list survives a reconnect (it is stored)
    for i in range(9):
        m = await alice.send_message(
            alice.create_text_message(
                to=group_id, conversation_type="GROUP", payload={"text": f"m{i}"}
            )
        )
        await alice.pin_group_message(group_id, m)
    extra = await alice.send_message(
        alice.create_text_message(to=group_id, conversation_type="GROUP", payload={"text": "x"})
    )
    with pytest.raises(ChatError) as err:
        await alice.pin_group_message(group_id, extra)
    assert err.value.code == 10070
    await carol.logout()
    carol2, _ = await connect("carol")
    assert len(await carol2.get_pinned_group_message_list(group_id)) == 10


async def test_rest_pins(server: RunningServer, connect: Connect) -> None:
    await server.import_users("alice", "bob")
    group_id = await make_group(server, "alice", "bob")
    bob, b = await connect("bob")
    g = await server.ok(
        "group_open_http_svc",
        "send_group_msg",
        {
            "GroupId": group_id,
            "From_Account": "alice",
            "Random": 5,
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "rules"}}],
        },
    )
    await server.ok(
        "group_open_http_svc",
        "pin_message",
        {"GroupId": group_id, "MsgSeq": g["MsgSeq"], "Pinner_Account": "alice"},
    )
    upd = await b.next(EVENT.PINNED_GROUP_MESSAGE_UPDATED)
    assert upd["isPinned"] and upd["message"].sequence == g["MsgSeq"]
    r = await server.ok("group_open_http_svc", "get_pinned_messages", {"GroupId": group_id})
    assert r["PinnedMsgList"] == [{"MsgSeq": g["MsgSeq"], "Pinner_Account": "alice"}]
    r = await server.rest(
        "group_open_http_svc", "pin_message", {"GroupId": group_id, "MsgSeq": g["MsgSeq"]}
    )
    assert r["ErrorCode"] == 10071
    r = await server.rest("group_open_http_svc", "pin_message", {"GroupId": group_id, "MsgSeq": 99})
    assert r["ErrorCode"] == 20026
    r = await server.rest("group_open_http_svc", "get_pinned_messages", {"GroupId": "nope"})
    assert r["ErrorCode"] == 10010
    await server.ok(
        "group_open_http_svc", "unpin_message", {"GroupId": group_id, "MsgSeq": g["MsgSeq"]}
    )
    upd = await b.next(EVENT.PINNED_GROUP_MESSAGE_UPDATED)
    assert not upd["isPinned"]
    r = await server.ok("group_open_http_svc", "get_pinned_messages", {"GroupId": group_id})
    assert r["PinnedMsgList"] == []


# ------------------------------------------------------------------ the official SDK


async def sdk_ready(tab: TencentTab, message_id: str) -> None:
    """Wait until the SDK has fetched its feature bits (until then its extension
    calls fail locally)."""

    async def ready() -> bool:
        code = await tab.js(
            "try { await chat.getMessageExtensions(H.refs['msg:' + a]); return 0; }"
            " catch (e) { return e.code; }",
            message_id,
        )
        return bool(code == 0)

    await eventually(ready, "the SDK's feature bits", within=20)


async def test_official_sdk_extensions_reach_palaver_and_back(
    server: RunningServer, tencent: TencentHarness, connect: Connect
) -> None:
    await server.import_users("alice", "bob")
    alice = await tencent.login("alice", server.sig("alice"))
    bob, b = await connect("bob")
    sent = await alice.send_text("bob", "poll", isSupportExtension=True)
    [seen] = await b.messages(1)
    assert seen.is_support_extension
    ref = alice.msg(sent["ID"])
    await sdk_ready(alice, sent["ID"])
    data = await alice.call("setMessageExtensions", ref, [{"key": "alice", "value": "yes"}])
    assert data["extensions"] == [{"code": 0, "key": "alice", "value": "yes"}], alice.report()
    upd = await b.next(EVENT.MESSAGE_EXTENSIONS_UPDATED)
    assert upd == {"messageID": seen.id, "extensions": [{"key": "alice", "value": "yes"}]}
    # Palaver's SDK writes; the official SDK hears it by its own message ID
    await bob.set_message_extensions(seen, [{"key": "bob", "value": "no"}])
    got = await alice.wait_event(
        "MESSAGE_EXTENSIONS_UPDATED", lambda d: d["extensions"][0]["key"] == "bob"
    )
    assert got["messageID"] == sent["ID"], alice.report()
    data = await alice.call("getMessageExtensions", ref)
    kv = {e["key"]: e["value"] for e in data["extensions"]}
    assert kv == {"alice": "yes", "bob": "no"}, alice.report()
    # the official SDK knows the newest sequence of "bob": its write goes through
    data = await alice.call("setMessageExtensions", ref, [{"key": "bob", "value": "maybe"}])
    assert data["extensions"][0]["code"] == 0, alice.report()
    now = {e["key"]: e["value"] for e in await bob.get_message_extensions(seen)}
    assert now == {"alice": "yes", "bob": "maybe"}
    await alice.call("deleteMessageExtensions", ref, ["alice"])
    gone = await b.until(EVENT.MESSAGE_EXTENSIONS_DELETED, lambda d: d["keyList"] == ["alice"])
    assert gone["messageID"] == seen.id
    await bob.delete_message_extensions(seen, ["bob"])
    got = await alice.wait_event("MESSAGE_EXTENSIONS_DELETED", lambda d: d["keyList"] == ["bob"])
    assert got == {"messageID": sent["ID"], "keyList": ["bob"]}, alice.report()
    data = await alice.call("getMessageExtensions", ref)
    assert data["extensions"] == [], alice.report()


async def test_official_sdk_group_extensions_and_pins(
    server: RunningServer, tencent: TencentHarness, connect: Connect
) -> None:
    await server.import_users("alice", "bob", "carol")
    group_id = await make_group(server, "alice", "bob", "carol")
    alice = await tencent.login("alice", server.sig("alice"))
    bob, b = await connect("bob")
    g = await alice.send_text(group_id, "group poll", "GROUP", isSupportExtension=True)
    [seen] = await b.messages(1)
    ref = alice.msg(g["ID"])
    await sdk_ready(alice, g["ID"])
    await alice.call("setMessageExtensions", ref, [{"key": "k", "value": "v"}])
    upd = await b.next(EVENT.MESSAGE_EXTENSIONS_UPDATED)
    assert upd["messageID"] == seen.id
    await bob.set_message_extensions(seen, [{"key": "b", "value": "1"}])
    got = await alice.wait_event(
        "MESSAGE_EXTENSIONS_UPDATED", lambda d: d["extensions"][0]["key"] == "b"
    )
    assert got["messageID"] == g["ID"], alice.report()
    assert got["extensions"] == [{"key": "b", "value": "1"}], alice.report()

    # pins: the owner (official SDK) pins, Palaver's SDK hears it and lists it
    await alice.call("pinGroupMessage", {"groupID": group_id, "message": ref, "isPinned": True})
    pin = await b.next(EVENT.PINNED_GROUP_MESSAGE_UPDATED)
    assert pin["isPinned"] and pin["message"].id == seen.id
    assert pin["operatorInfo"] == {"userID": "alice"}
    [listed] = await bob.get_pinned_group_message_list(group_id)
    assert listed.id == seen.id and listed.pinner_info == {"userID": "alice"}
    # an admin pins through Palaver's SDK; the official SDK hears it and lists both
    await server.ok(
        "group_open_http_svc",
        "modify_group_member_info",
        {"GroupId": group_id, "Member_Account": "bob", "Role": "Admin"},
    )
    other = await bob.send_message(
        bob.create_text_message(to=group_id, conversation_type="GROUP", payload={"text": "2"})
    )
    await bob.pin_group_message(group_id, other)
    got = await alice.wait_event(
        "PINNED_GROUP_MESSAGE_UPDATED", lambda d: d["message"]["ID"] != g["ID"]
    )
    assert got["operatorInfo"]["userID"] == "bob", alice.report()
    data = await alice.call("getPinnedGroupMessageList", group_id)
    pins = {m["ID"]: m["pinnerInfo"]["userID"] for m in data["messageList"]}
    assert len(pins) == 2 and pins.get(g["ID"]) == "alice", (data, alice.report())
    await alice.call("pinGroupMessage", {"groupID": group_id, "message": ref, "isPinned": False})
    unpin = await b.until(EVENT.PINNED_GROUP_MESSAGE_UPDATED, lambda d: not d["isPinned"])
    assert unpin["message"].id == seen.id
    # a plain member may not pin
    carol = await tencent.login("carol", server.sig("carol"))
    [c_msg] = (await carol.call("getMessageList", {"conversationID": "GROUP" + group_id}))[
        "messageList"
    ][:1]
    with pytest.raises(TencentError) as err:
        await carol.call(
            "pinGroupMessage",
            {"groupID": group_id, "message": carol.msg(c_msg["ID"]), "isPinned": True},
        )
    assert err.value.code == 10007


# ------------------------------------------------------------------ Palaver's JS SDK


async def test_js_sdk_extensions_and_pins(server: RunningServer, open_chat: Open) -> None:
    await server.import_users("alice", "bob", "carol")
    alice = await open_chat("alice")
    bob = await open_chat("bob")
    sent = await alice.ok(
        """(async () => {
          const m = chat.createTextMessage({to: 'bob', conversationType: 'C2C',
                                            payload: {text: 'poll'}, isSupportExtension: true});
          T.msgs.poll = m;
          return await chat.sendMessage(m);
        })()"""
    )
    assert sent["message"]["isSupportExtension"] is True
    [seen] = await bob.messages(1)
    assert seen["isSupportExtension"] is True
    data = await alice.ok("chat.setMessageExtensions(T.msgs.poll, [{key: 'a', value: '1'}])")
    assert data["extensions"] == [{"code": 0, "key": "a", "value": "1"}]
    upd = await bob.next("onMessageExtensionsUpdated")
    assert upd == {"messageID": seen["ID"], "extensions": [{"key": "a", "value": "1"}]}
    await bob.js(
        "T.msgs.seen = (await T.chat.getMessageList({conversationID: 'C2Calice'})).data.messageList.at(-1);"
    )
    # bob has seen key a's sequence in the push: his write goes through
    data = await bob.ok("chat.setMessageExtensions(T.msgs.seen, [{key: 'a', value: '2'}])")
    assert data["extensions"][0]["code"] == 0
    # alice's SDK heard that push too, so her next write of "a" is not stale
    await alice.until("onMessageExtensionsUpdated", '"2"')
    data = await alice.ok("chat.setMessageExtensions(T.msgs.poll, [{key: 'a', value: '3'}])")
    assert data["extensions"][0]["code"] == 0
    data = await bob.ok("chat.getMessageExtensions(T.msgs.seen)")
    assert data["extensions"] == [{"key": "a", "value": "3"}]
    await alice.ok("chat.deleteMessageExtensions(T.msgs.poll, ['a'])")
    gone = await bob.until("onMessageExtensionsDeleted", '"a"')
    assert gone["keyList"] == ["a"]
    err = await alice.fails(
        "chat.setMessageExtensions(T.msgs.poll, [{key: 'k'.repeat(101), value: 'v'}])"
    )
    assert err["code"] == 6017

    group_id = await make_group(server, "alice", "bob", "carol")
    carol = await open_chat("carol")
    g = await alice.ok(
        """(async () => {
          const m = chat.createTextMessage({to: a, conversationType: 'GROUP', payload: {text: 'rules'}});
          T.msgs.rules = m;
          return await chat.sendMessage(m);
        })()""",
        group_id,
    )
    await alice.ok(
        "chat.pinGroupMessage({groupID: a, message: T.msgs.rules, isPinned: true})", group_id
    )
    pin = await carol.until("onPinnedGroupMessageUpdated", '"isPinned":true')
    assert pin["groupID"] == group_id and pin["message"]["ID"] == g["message"]["ID"]
    data = await carol.ok("chat.getPinnedGroupMessageList(a)", group_id)
    [listed] = data["messageList"]
    assert listed["ID"] == g["message"]["ID"] and listed["pinnerInfo"] == {"userID": "alice"}
    await carol.js(
        "T.msgs.r = (await T.chat.getMessageList({conversationID: 'GROUP' + a})).data.messageList.at(-1);",
        group_id,
    )
    err = await carol.fails(
        "chat.pinGroupMessage({groupID: a, message: T.msgs.r, isPinned: false})", group_id
    )
    assert err["code"] == 10007
