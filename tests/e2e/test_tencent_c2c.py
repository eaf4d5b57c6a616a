"""Tencent's own web SDK (``@tencentcloud/chat`` 3.6.6, unmodified, in Chromium) on
Palaver through its ``proxyServer`` option: sessions, C2C messages, conversations,
profiles, friends and the blacklist (docs/tencent-client-protocol.md).

Every test logs real users in with UserSigs, as an app would, and looks only at what
the SDK's promises and events give the app.
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import RunningServer
from support.tencent_sdk import TencentError, TencentHarness, TencentTab
from support.waiting import eventually

pytestmark = pytest.mark.timeout(180)


async def login(server: RunningServer, tencent: TencentHarness, *users: str) -> list[TencentTab]:
    await server.import_users(*users)
    return [await tencent.login(u, server.sig(u)) for u in users]


def text(m: dict[str, Any]) -> str:
    return str(m["payload"]["text"])


async def test_login_then_c2c_both_ways_with_history_and_conversations(
    server: RunningServer, tencent: TencentHarness
) -> None:
    alice, bob = await login(server, tencent, "alice", "bob")
    assert (await alice.call("getMyProfile"))["userID"] == "alice"

    sent = await alice.send_text("bob", "hello bob")
    got = (await bob.wait_event("MESSAGE_RECEIVED"))[0]
    # the receiver names the message as the sender does (one ID on every device)
    assert got["ID"] == sent["ID"] and text(got) == "hello bob", bob.report()
    assert (got["from"], got["to"], got["flow"], got["conversationID"]) == (
        "alice",
        "bob",
        "in",
        "C2Calice",
    )
    reply = await bob.send_text("alice", "hi alice")
    assert (await alice.wait_event("MESSAGE_RECEIVED"))[0]["ID"] == reply["ID"]

    # both see the same history, oldest first, with the same IDs
    for tab, peer in ((alice, "bob"), (bob, "alice")):
        page = await tab.call("getMessageList", {"conversationID": "C2C" + peer})
        assert [m["ID"] for m in page["messageList"]] == [sent["ID"], reply["ID"]], tab.report()
        assert [text(m) for m in page["messageList"]] == ["hello bob", "hi alice"]
        assert page["isCompleted"] is True

    convs = (await bob.call("getConversationList"))["conversationList"]
    assert [c["conversationID"] for c in convs] == ["C2Calice"], bob.report()
    assert convs[0]["lastMessage"]["payload"]["text"] == "hi alice"
    assert convs[0]["userProfile"]["userID"] == "alice"


async def test_history_pages_back_to_the_first_message(
    server: RunningServer, tencent: TencentHarness
) -> None:
    await server.import_users("alice", "bob")
    for i in range(20):  # sent by the app backend (REST) before bob logs in
        await server.ok(
            "openim",
            "sendmsg",
            {
                "From_Account": "alice",
                "To_Account": "bob",
                "MsgRandom": 1000 + i,
                "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": f"m{i}"}}],
            },
        )
    bob = await tencent.login("bob", server.sig("bob"))
    first = await bob.call("getMessageList", {"conversationID": "C2Calice"})
    assert [text(m) for m in first["messageList"]] == [f"m{i}" for i in range(5, 20)]
    assert first["isCompleted"] is False and first["nextReqMessageID"]
    rest = await bob.call(
        "getMessageList",
        {"conversationID": "C2Calice", "nextReqMessageID": first["nextReqMessageID"]},
    )
    assert [text(m) for m in rest["messageList"]] == [f"m{i}" for i in range(5)], bob.report()
    assert rest["isCompleted"] is True
    # what was sent while bob was away counts as unread, once the SDK's login sync of
    # its conversation list is done (until then it answers from its empty cache)

    async def alice_unread_20() -> bool:
        convs = (await bob.call("getConversationList"))["conversationList"]
        return [(c["conversationID"], c["unreadCount"]) for c in convs] == [("C2Calice", 20)]

    await eventually(alice_unread_20, bob.report)


async def test_read_receipts_and_unread_counts(
    server: RunningServer, tencent: TencentHarness
) -> None:
    alice, bob = await login(server, tencent, "alice", "bob")
    ids = [(await alice.send_text("bob", f"n{i}"))["ID"] for i in range(3)]
    await bob.received(3)
    total = await bob.wait_event("TOTAL_UNREAD_MESSAGE_COUNT_UPDATED", lambda d: d == 3, after=0)
    assert total == 3
    await bob.call("setMessageRead", {"conversationID": "C2Calice"})
    read = await alice.wait_event("MESSAGE_READ_BY_PEER")
    assert {m["ID"] for m in read} == set(ids), alice.report()
    await bob.wait_event("TOTAL_UNREAD_MESSAGE_COUNT_UPDATED", lambda d: d == 0)
    assert (await bob.call("getTotalUnreadMessageCount")) == 0
    page = await alice.call("getMessageList", {"conversationID": "C2Cbob"})
    assert all(m["isPeerRead"] for m in page["messageList"]), alice.report()


async def test_revoke_reaches_the_peer_and_the_window_applies(
    server: RunningServer, tencent: TencentHarness
) -> None:
    alice, bob = await login(server, tencent, "alice", "bob")
    sent = await alice.send_text("bob", "oops")
    await bob.received(1)
    await alice.call("revokeMessage", alice.msg(sent["ID"]))
    revoked = await bob.wait_event("MESSAGE_REVOKED")
    assert revoked[0]["ID"] == sent["ID"] and revoked[0]["isRevoked"], bob.report()
    assert revoked[0]["revoker"] == "alice"
    page = await bob.call("getMessageList", {"conversationID": "C2Calice"})
    assert page["messageList"][-1]["isRevoked"] is True
    # a message older than the app's recall window (120 s) cannot be recalled
    await server.ok(
        "openim",
        "importmsg",
        {
            "From_Account": "alice",
            "To_Account": "bob",
            "MsgRandom": 77,
            "MsgTimeStamp": 1_700_000_000,
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "long ago"}}],
        },
    )
    page = await alice.call("getMessageList", {"conversationID": "C2Cbob"})
    old = next(m for m in page["messageList"] if text(m) == "long ago")
    with pytest.raises(TencentError) as err:
        await alice.call("revokeMessage", alice.msg(old["ID"]))
    assert err.value.code == 20016, alice.report()


def ids(friends: list[dict[str, Any]]) -> list[str]:
    return sorted(f["userID"] for f in friends)


async def test_profiles_friends_and_blacklist(
    server: RunningServer, tencent: TencentHarness
) -> None:
    alice, bob = await login(server, tencent, "alice", "bob")
    await server.import_users("carol")
    added = await alice.call(
        "addFriend", {"to": "bob", "source": "AddSource_Type_Web", "type": "Friend_Type_Both"}
    )
    assert added["code"] == 0, alice.report()
    # both lists change at once: the SDKs learn it from the push, not by polling
    for tab, peer in ((alice, "bob"), (bob, "alice")):
        await tab.wait_event("FRIEND_LIST_UPDATED", lambda d, p=peer: ids(d) == [p])
        assert ids(await tab.call("getFriendList")) == [peer], tab.report()
    check = await alice.call(
        "checkFriend", {"userIDList": ["bob", "carol"], "type": "CheckResult_Type_Both"}
    )
    relations = {r["userID"]: r["relation"] for r in check["successUserIDList"]}
    assert relations == {"bob": "CheckResult_Type_BothWay", "carol": "CheckResult_Type_NoRelation"}

    # a remark set on one device shows in the friend data
    await alice.call("updateFriend", {"userID": "bob", "remark": "Bob from work"})
    (bob_data,) = (await alice.call("getFriendProfile", {"userIDList": ["bob"]}))["friendList"]
    assert bob_data["remark"] == "Bob from work", alice.report()

    # a friend's profile change reaches the others
    await bob.call("updateMyProfile", {"nick": "Bobby", "selfSignature": "hi"})
    changed = await alice.wait_event("PROFILE_UPDATED", lambda d: d[0]["userID"] == "bob")
    assert changed[0]["nick"] == "Bobby", alice.report()
    (profile,) = await alice.call("getUserProfile", {"userIDList": ["bob"]})
    assert (profile["nick"], profile["selfSignature"]) == ("Bobby", "hi")

    await alice.call("addToBlacklist", {"userIDList": ["carol"]})
    assert await alice.wait_event("BLACKLIST_UPDATED", lambda d: d == ["carol"])
    assert await alice.call("getBlacklist") == ["carol"], alice.report()
    await alice.call("removeFromBlacklist", {"userIDList": ["carol"]})
    assert await alice.wait_event("BLACKLIST_UPDATED", lambda d: d == []) == []
    await alice.call("deleteFriend", {"userIDList": ["bob"], "type": "Delete_Type_Both"})
    # bob's SDK drops alice without being asked
    await bob.wait_event("FRIEND_LIST_UPDATED", lambda d: d == [])
    assert await bob.call("getFriendList") == [], bob.report()
    assert await alice.call("getFriendList") == []


async def test_friend_applications_reach_both_sides(
    server: RunningServer, tencent: TencentHarness
) -> None:
    alice, carol = await login(server, tencent, "alice", "carol")
    await carol.call("updateMyProfile", {"allowType": "AllowType_Type_NeedConfirm"})
    asked = await alice.call(
        "addFriend",
        {"to": "carol", "source": "AddSource_Type_Web", "wording": "it's alice"},
    )
    assert asked["code"] == 30539, alice.report()  # pending: carol must confirm

    def pending(kind: str, who: str) -> Any:
        def match(d: dict[str, Any]) -> bool:
            return [(a["userID"], a["type"]) for a in d["friendApplicationList"]] == [(who, kind)]

        return match

    incoming = await carol.wait_event(
        "FRIEND_APPLICATION_LIST_UPDATED", pending("Pendency_Type_ComeIn", "alice")
    )
    assert incoming["unreadCount"] == 1, carol.report()
    assert incoming["friendApplicationList"][0]["wording"] == "it's alice"
    await alice.wait_event(
        "FRIEND_APPLICATION_LIST_UPDATED", pending("Pendency_Type_SendOut", "carol")
    )

    await carol.call(
        "acceptFriendApplication", {"userID": "alice", "type": "Response_Action_AgreeAndAdd"}
    )
    for tab, peer in ((alice, "carol"), (carol, "alice")):
        await tab.wait_event("FRIEND_LIST_UPDATED", lambda d, p=peer: ids(d) == [p])
        await tab.wait_event(
            "FRIEND_APPLICATION_LIST_UPDATED", lambda d: d["friendApplicationList"] == []
        )

    # read on one device, read everywhere: carol's next session has no unread badge
    await server.import_users("dave")
    dave = await tencent.login("dave", server.sig("dave"))
    await carol.call("deleteFriend", {"userIDList": ["alice"]})
    await dave.call("addFriend", {"to": "carol", "source": "AddSource_Type_Web"})
    await carol.wait_event(
        "FRIEND_APPLICATION_LIST_UPDATED", pending("Pendency_Type_ComeIn", "dave")
    )
    await carol.call("setFriendApplicationRead")
    carol = await tencent.login("carol", server.sig("carol"))
    listed = await carol.wait_event(
        "FRIEND_APPLICATION_LIST_UPDATED", pending("Pendency_Type_ComeIn", "dave")
    )
    assert listed["unreadCount"] == 0, carol.report()

    # a withdrawn application disappears on the other side
    await dave.call("deleteFriendApplication", {"userID": "carol", "type": "Pendency_Type_SendOut"})
    await carol.wait_event(
        "FRIEND_APPLICATION_LIST_UPDATED", lambda d: d["friendApplicationList"] == []
    )

    # a refused application leaves no friendship and no application behind
    await dave.call("addFriend", {"to": "carol", "source": "AddSource_Type_Web"})
    await carol.wait_event(
        "FRIEND_APPLICATION_LIST_UPDATED", pending("Pendency_Type_ComeIn", "dave")
    )
    await carol.call("refuseFriendApplication", {"userID": "dave"})
    await dave.wait_event(
        "FRIEND_APPLICATION_LIST_UPDATED", lambda d: d["friendApplicationList"] == []
    )
    assert await dave.call("getFriendList") == [], dave.report()


async def test_delete_and_pin_conversations(server: RunningServer, tencent: TencentHarness) -> None:
    alice, bob, carol = await login(server, tencent, "alice", "bob", "carol")
    await bob.send_text("alice", "from bob")
    await carol.send_text("alice", "from carol")
    await alice.received(2)
    await alice.call("pinConversation", {"conversationID": "C2Cbob", "isPinned": True})
    convs = (await alice.call("getConversationList"))["conversationList"]
    assert [(c["conversationID"], c["isPinned"]) for c in convs] == [
        ("C2Cbob", True),
        ("C2Ccarol", False),
    ], alice.report()
    await alice.call("deleteConversation", "C2Ccarol")
    convs = (await alice.call("getConversationList"))["conversationList"]
    assert [c["conversationID"] for c in convs] == ["C2Cbob"]


async def test_unsupported_calls_fail_cleanly_and_the_session_goes_on(
    server: RunningServer, tencent: TencentHarness
) -> None:
    (alice,) = await login(server, tencent, "alice")
    with pytest.raises(TencentError) as err:
        await alice.call("getGroupAttributes", {"groupID": "@TGS#nope", "keyList": []})
    assert err.value.code != 0 and err.value.code < 100_000, alice.report()
    assert (await alice.call("getMyProfile"))["userID"] == "alice"


async def test_login_errors(server: RunningServer, tencent: TencentHarness) -> None:
    await server.import_users("alice")
    tab = await tencent.open("alice")
    await tab.create(server.app.sdkappid, server.ws_url)
    with pytest.raises(TencentError) as err:
        await tab.login("alice", server.sig("alice", expire=10, now=1_700_000_000), ready=False)
    assert err.value.code == 70001, tab.report()
    with pytest.raises(TencentError) as err:
        await tab.login("nobody", server.sig("nobody"), ready=False)
    assert err.value.code == 70107
    await tab.login("alice", server.sig("alice"))  # then a good one works


async def test_message_read_receipts(server: RunningServer, tencent: TencentHarness) -> None:
    alice, bob = await login(server, tencent, "alice", "bob")
    sent = await alice.js(
        """const m = chat.createTextMessage({to: 'bob', conversationType: 'C2C',
            payload: {text: 'did you read this?'}, needReadReceipt: true});
           return (await chat.sendMessage(m)).data.message;"""
    )
    assert sent["needReadReceipt"] is True, alice.report()
    (got,) = await bob.received(1)
    assert got["needReadReceipt"] is True, bob.report()
    await bob.call("sendMessageReadReceipt", [bob.msg(got["ID"])])
    receipts = await alice.wait_event("MESSAGE_READ_RECEIPT_RECEIVED")
    assert [r["messageID"] for r in receipts] == [sent["ID"]], alice.report()


async def test_message_types_custom_data_and_online_only(
    server: RunningServer, tencent: TencentHarness
) -> None:
    alice, bob = await login(server, tencent, "alice", "bob")
    made = {
        "face": "chat.createFaceMessage({to: 'bob', conversationType: 'C2C', payload: {index: 2, data: 'smile'}})",
        "location": "chat.createLocationMessage({to: 'bob', conversationType: 'C2C', payload: {description: 'here', longitude: 116.3, latitude: 39.9}})",
        "custom": "chat.createCustomMessage({to: 'bob', conversationType: 'C2C', payload: {data: 'd', description: 'desc', extension: 'ext'}, cloudCustomData: 'ccd'})",
    }
    for js in made.values():
        await alice.js(f"return (await chat.sendMessage({js})).data.message.ID;")
    got = await bob.received(3)
    assert [m["type"] for m in got] == ["TIMFaceElem", "TIMLocationElem", "TIMCustomElem"]
    face, location, custom = (m["payload"] for m in got)
    assert (face["index"], face["data"]) == (2, "smile"), bob.report()
    assert (location["description"], location["latitude"]) == ("here", 39.9)
    assert (custom["data"], custom["description"], custom["extension"]) == ("d", "desc", "ext")
    assert got[2]["cloudCustomData"] == "ccd"
    # merged forwarding of the three, as one message
    await alice.js(
        """const l = (await chat.getMessageList({conversationID: 'C2Cbob'})).data.messageList;
           const m = chat.createMergerMessage({to: 'bob', conversationType: 'C2C',
             payload: {messageList: l, title: 'chat', abstractList: ['a', 'b', 'c'], compatibleText: 'upgrade'}});
           return (await chat.sendMessage(m)).data.message.ID;"""
    )
    (merged,) = await bob.received(1)
    assert merged["type"] == "TIMRelayElem" and merged["payload"]["title"] == "chat", bob.report()
    # online only: to whoever is online now, never kept
    await alice.js(
        """const m = chat.createTextMessage({to: 'bob', conversationType: 'C2C', payload: {text: 'typing'}});
           return (await chat.sendMessage(m, {onlineUserOnly: true})).data.message.ID;"""
    )
    (online,) = await bob.received(1)
    assert online["payload"]["text"] == "typing", bob.report()
    page = await bob.call("getMessageList", {"conversationID": "C2Calice"})
    assert "typing" not in [m["payload"].get("text") for m in page["messageList"]]


async def test_an_expired_usersig_kicks_the_session_out(
    server: RunningServer, tencent: TencentHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await server.import_users("alice")
    tab = await tencent.open("alice")
    await tab.create(server.app.sdkappid, server.ws_url)
    await tab.login("alice", server.sig("alice", expire=60))
    await tab.call("checkFriend", {"userIDList": ["alice"], "type": "CheckResult_Type_Both"})
    # a minute later, by the server's clock: the next call finds the UserSig over
    clock = server.hub.clock
    later = clock.time() + 61
    monkeypatch.setattr(clock, "time", lambda: later)
    with pytest.raises(TencentError) as err:
        await tab.call("checkFriend", {"userIDList": ["alice"], "type": "CheckResult_Type_Both"})
    # The first request after the minute gets 70001. On a busy machine that can be one of
    # the SDK's own, still in flight from its login-time sync (conversation or group list):
    # the SDK then resets and either refuses our call itself as kicked out for an expired
    # UserSig (3004, KICKED_OUT_USERSIG_EXPIRED) or re-sends it on a socket it never logs
    # in again and times it out (2801). Every way the session is over, which is what the
    # user sees (the event below).
    assert err.value.code in (70001, 3004, 2801), tab.report()
    kicked = await tab.wait_event("KICKED_OUT")
    assert kicked["type"] == "userSigExpired", tab.report()
