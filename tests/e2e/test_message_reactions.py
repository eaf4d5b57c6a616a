"""Message reactions (issue 17): Palaver's SDKs and Tencent's own SDK react, list
reactions and their users, and hear ``MESSAGE_REACTIONS_UPDATED`` across front doors."""

from __future__ import annotations

import pytest

from conftest import RunningServer
from palaver.client import EVENT, ChatError
from support.tencent_sdk import TencentHarness, TencentTab
from support.waiting import eventually
from test_client_sdk import Connect, send_text
from test_client_sdk import connect as connect  # the fixture
from test_js_sdk import Open
from test_js_sdk import open_chat as open_chat  # the fixture
from test_message_edits import make_group

pytestmark = pytest.mark.timeout(180)


async def test_python_sdk_reactions_c2c_and_group(server: RunningServer, connect: Connect) -> None:
    await server.import_users("alice", "bob", "carol")
    alice, a = await connect("alice")
    bob, b = await connect("bob")
    sent = await send_text(alice, "bob", "party?")
    [seen] = await b.messages(1)
    await bob.add_message_reaction(seen, "emoji_1")
    upd = await a.next(EVENT.MESSAGE_REACTIONS_UPDATED)
    assert upd["messageID"] == sent.id and upd["conversationID"] == "C2Cbob"
    assert upd["reactionList"] == [
        {"reactionID": "emoji_1", "totalUserCount": 1, "partialUserList": [{"userID": "bob"}]}
    ]
    mine = await b.next(EVENT.MESSAGE_REACTIONS_UPDATED)
    assert mine["conversationID"] == "C2Calice"
    await alice.add_message_reaction(sent, "emoji_1")
    await alice.add_message_reaction(sent, "emoji_2")
    [result] = await alice.get_message_reactions([sent])
    assert result["messageID"] == sent.id
    got = {
        r["reactionID"]: (r["totalUserCount"], r["reactedByMyself"]) for r in result["reactionList"]
    }
    assert got == {"emoji_1": (2, True), "emoji_2": (1, True)}
    page = await bob.get_all_user_list_of_message_reaction(seen, "emoji_1", count=1)
    assert page["userList"] == [{"userID": "bob"}] and not page["isCompleted"]
    page = await bob.get_all_user_list_of_message_reaction(
        seen, "emoji_1", next_seq=page["nextSeq"], count=1
    )
    assert page["userList"] == [{"userID": "alice"}] and page["isCompleted"]
    await alice.remove_message_reaction(sent, "emoji_2")
    [result] = await bob.get_message_reactions([seen])
    assert [r["reactionID"] for r in result["reactionList"]] == ["emoji_1"]

    carol, _ = await connect("carol")
    with pytest.raises(ChatError) as err:
        await carol._request(
            "addMessageReaction", {"conversationID": "C2Calice", "ID": sent.id, "reactionID": "x"}
        )
    assert err.value.code == 20026
    with pytest.raises(ChatError) as err:
        await alice.add_message_reaction(sent, "")
    assert err.value.code == 6017

    group_id = await make_group(server, "alice", "bob")
    gmsg = await alice.send_message(
        alice.create_text_message(to=group_id, conversation_type="GROUP", payload={"text": "g"})
    )
    await bob.add_message_reaction(gmsg, "thumbs")
    upd = await a.until(EVENT.MESSAGE_REACTIONS_UPDATED, lambda d: d["messageID"] == gmsg.id)
    assert upd["conversationID"] == "GROUP" + group_id
    with pytest.raises(ChatError) as err:
        await carol._request(
            "addMessageReaction",
            {"conversationID": "GROUP" + group_id, "ID": gmsg.id, "reactionID": "x"},
        )
    assert err.value.code == 10007


async def reactions_ready(tab: TencentTab, message_id: str) -> None:
    """Wait until the SDK has fetched its feature bits (a timer after login; until
    then its reaction calls fail locally with 3122)."""

    async def ready() -> bool:
        code = await tab.js(
            "try { await chat.getMessageReactions({messageList: [H.refs['msg:' + a]]});"
            " return 0; } catch (e) { return e.code; }",
            message_id,
        )
        return bool(code != 3122)

    await eventually(ready, "the SDK's feature bits", within=20)


async def test_official_sdk_reactions_reach_palaver_and_back(
    server: RunningServer, tencent: TencentHarness, connect: Connect
) -> None:
    await server.import_users("alice", "bob")
    alice = await tencent.login("alice", server.sig("alice"))
    palaver_bob, b = await connect("bob")
    sent = await alice.send_text("bob", "react to me")
    [seen] = await b.messages(1)
    await reactions_ready(alice, sent["ID"])
    # the official SDK reacts; Palaver's SDK hears it
    await alice.call("addMessageReaction", alice.msg(sent["ID"]), "smile")
    upd = await b.next(EVENT.MESSAGE_REACTIONS_UPDATED)
    assert upd["messageID"] == seen.id and upd["reactionList"][0]["reactionID"] == "smile"
    # Palaver's SDK reacts; the official SDK hears it, by its own message ID
    await palaver_bob.add_message_reaction(seen, "heart")
    got = await alice.wait_event(
        "MESSAGE_REACTIONS_UPDATED",
        lambda d: any(r["reactionID"] == "heart" for r in d["reactionList"]),
    )
    assert got["messageID"] == sent["ID"], alice.report()
    data = await alice.call("getMessageReactions", {"messageList": [alice.msg(sent["ID"])]})
    [result] = data["resultList"]
    assert result["messageID"] == sent["ID"], alice.report()
    kinds = {r["reactionID"]: r["totalUserCount"] for r in result["reactionList"]}
    assert kinds == {"smile": 1, "heart": 1}
    users = await alice.call(
        "getAllUserListOfMessageReaction", {"message": alice.msg(sent["ID"]), "reactionID": "heart"}
    )
    assert [u["userID"] for u in users["userList"]] == ["bob"] and users["isCompleted"]
    await alice.call("removeMessageReaction", alice.msg(sent["ID"]), "smile")
    [result] = await palaver_bob.get_message_reactions([seen])
    assert [r["reactionID"] for r in result["reactionList"]] == ["heart"]

    # groups
    await server.import_users("carol")
    group_id = await make_group(server, "alice", "bob")
    g = await alice.send_text(group_id, "group one", "GROUP")
    await alice.call("addMessageReaction", alice.msg(g["ID"]), "wow")
    data = await alice.call("getMessageReactions", {"messageList": [alice.msg(g["ID"])]})
    assert data["resultList"][0]["reactionList"][0]["reactionID"] == "wow", alice.report()
    upd = await b.until(
        EVENT.MESSAGE_REACTIONS_UPDATED, lambda d: d["conversationID"].startswith("GROUP")
    )
    assert upd["reactionList"][0]["partialUserList"] == [{"userID": "alice"}]


async def test_js_sdk_reactions(server: RunningServer, open_chat: Open) -> None:
    await server.import_users("alice", "bob")
    alice = await open_chat("alice")
    bob = await open_chat("bob")
    await alice.send_text("bob", "hey", key="m")
    await bob.messages(1)
    await alice.ok("chat.addMessageReaction(T.msgs.m, 'like')")
    upd = await bob.next("onMessageReactionsUpdated")
    assert upd["conversationID"] == "C2Calice"
    assert upd["reactionList"][0]["reactionID"] == "like"
    data = await alice.ok("chat.getMessageReactions({messageList: [T.msgs.m]})")
    assert data["resultList"][0]["reactionList"][0]["reactedByMyself"] is True
    users = await alice.ok(
        "chat.getAllUserListOfMessageReaction({message: T.msgs.m, reactionID: 'like'})"
    )
    assert users["userList"] == [{"userID": "alice"}] and users["isCompleted"] is True
    await alice.ok("chat.removeMessageReaction(T.msgs.m, 'like')")
    data = await alice.ok("chat.getMessageReactions({messageList: [T.msgs.m]})")
    assert data["resultList"][0]["reactionList"] == []
    assert (await alice.fails("chat.addMessageReaction(T.msgs.m, '')"))["code"] == 6017
