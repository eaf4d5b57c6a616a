"""Conversation features through Tencent's own web SDK (``@tencentcloud/chat``
3.6.6 in Chromium) on Palaver: do-not-disturb (``setMessageRemindType``, C2C and
group), marks, custom data and conversation groups, with their errors; what one
session sets, the next session of the user gets from the server.
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


async def when_purchased(tab: TencentTab, method: str, *args: Any) -> Any:
    """``method`` once the SDK has fetched the app's feature bits: a call made
    before it is refused by the SDK itself (3122, NO_USE); bounded by ``eventually``."""
    result: list[Any] = []

    async def done() -> bool:
        try:
            result.append(await tab.call(method, *args))
        except TencentError as exc:
            if exc.code != 3122:
                raise
            return False
        return True

    await eventually(done, f"{method} after the feature bits")
    return result[0]


async def conv(tab: TencentTab, cid: str) -> dict[str, Any]:
    convs = (await tab.call("getConversationList"))["conversationList"]
    return next(c for c in convs if c["conversationID"] == cid)


async def test_c2c_do_not_disturb(server: RunningServer, tencent: TencentHarness) -> None:
    alice, bob, carol = await login(server, tencent, "alice", "bob", "carol")
    res = await bob.call(
        "setMessageRemindType",
        {"userIDList": ["alice", "nobody"], "messageRemindType": "AcceptNotNotify"},
    )
    assert res["successUserIDList"] == [{"userID": "alice"}], bob.report()
    assert res["failureUserIDList"] == [{"userID": "nobody", "code": 50002}]
    await alice.send_text("bob", "quiet")
    await carol.send_text("bob", "loud")
    await bob.received(2)
    muted = await conv(bob, "C2Calice")
    assert muted["messageRemindType"] == "AcceptNotNotify" and muted["unreadCount"] == 1
    assert await bob.call("getTotalUnreadMessageCount") == 1, bob.report()

    # the server keeps it: the next session of bob learns it at login
    await bob.logout()
    again = await tencent.login("bob", server.sig("bob"))
    await again.wait_event(
        "CONVERSATION_LIST_UPDATED",
        lambda cs: any(
            c["conversationID"] == "C2Calice" and c["messageRemindType"] == "AcceptNotNotify"
            for c in cs
        ),
    )
    # the SDK applies the unread counts of its login sync after that list: wait for them

    async def total_is_one() -> bool:
        return bool(await again.call("getTotalUnreadMessageCount") == 1)

    await eventually(total_is_one, again.report, 15)


async def test_group_do_not_disturb_is_my_msgflag(
    server: RunningServer, tencent: TencentHarness
) -> None:
    (bob,) = await login(server, tencent, "bob")
    await server.import_users("owner")
    await server.ok(
        "group_open_http_svc",
        "create_group",
        {
            "Owner_Account": "owner",
            "Type": "Work",
            "GroupId": "dnd",
            "Name": "dnd",
            "MemberList": [{"Member_Account": "bob"}],
        },
    )
    await bob.wait_event("GROUP_LIST_UPDATED")
    await bob.call("setMessageRemindType", {"groupID": "dnd", "messageRemindType": "Discard"})
    info = await server.ok("group_open_http_svc", "get_group_member_info", {"GroupId": "dnd"})
    flags = {m["Member_Account"]: m["MsgFlag"] for m in info["MemberList"]}
    assert flags["bob"] == "Discard", bob.report()
    with pytest.raises(TencentError) as err:
        await bob.call("setMessageRemindType", {"groupID": "nope", "messageRemindType": "Discard"})
    assert err.value.code == 10010, bob.report()


async def test_marks_custom_data_and_conversation_groups(
    server: RunningServer, tencent: TencentHarness
) -> None:
    alice, bob, carol = await login(server, tencent, "alice", "bob", "carol")
    await bob.send_text("alice", "b")
    await carol.send_text("alice", "c")
    await alice.received(2)

    res = await alice.call(
        "markConversation",
        {"conversationIDList": ["C2Cbob"], "markType": 1, "enableMark": True},
    )
    assert res["successConversationIDList"] == ["C2Cbob"], alice.report()
    await alice.call(
        "markConversation", {"conversationIDList": ["C2Cbob"], "markType": 4, "enableMark": True}
    )
    await alice.call(
        "setConversationCustomData", {"conversationIDList": ["C2Ccarol"], "customData": "vip"}
    )
    await alice.call(
        "createConversationGroup", {"groupName": "work", "conversationIDList": ["C2Cbob"]}
    )
    await alice.call(
        "addConversationsToGroup", {"groupName": "work", "conversationIDList": ["C2Ccarol"]}
    )
    await alice.call("renameConversationGroup", {"oldName": "work", "newName": "job"})
    await alice.call(
        "deleteConversationsFromGroup", {"groupName": "job", "conversationIDList": ["C2Cbob"]}
    )
    assert await alice.call("getConversationGroupList") == ["job"]
    b = await conv(alice, "C2Cbob")
    c = await conv(alice, "C2Ccarol")
    assert sorted(b["markList"]) == [1, 4] and b["conversationGroupList"] == [], alice.report()
    assert c["customData"] == "vip" and c["conversationGroupList"] == ["job"]
    starred = (await alice.call("getConversationList", {"markType": 1}))["conversationList"]
    assert [x["conversationID"] for x in starred] == ["C2Cbob"]

    with pytest.raises(TencentError) as err:
        await alice.call(
            "createConversationGroup", {"groupName": "job", "conversationIDList": ["C2Cbob"]}
        )
    assert err.value.code == 50002, alice.report()

    # a new session gets all of it from the server
    await alice.logout()
    again = await tencent.login("alice", server.sig("alice"))
    await again.wait_event("CONVERSATION_GROUP_LIST_UPDATED", lambda gs: gs == ["job"])
    b = await conv(again, "C2Cbob")
    c = await conv(again, "C2Ccarol")
    assert sorted(b["markList"]) == [1, 4], again.report()
    assert c["customData"] == "vip" and c["conversationGroupList"] == ["job"]
    await when_purchased(again, "deleteConversationGroup", "job")
    assert await again.call("getConversationGroupList") == []
    assert (await server.hub.conversation_settings.groups(server.app, "alice")) == {}
