"""The JavaScript SDK's conversation features in Chromium, against a real server:
do-not-disturb (C2C and group) with the unread total, list filters, drafts,
custom data, marks and conversation groups, with their errors
(harness: ``test_js_sdk``).
"""

from __future__ import annotations

from typing import Any

from conftest import RunningServer
from test_js_sdk import CONV_LIST, TOTAL_UNREAD, Open, open_chat, rest_text

__all__ = ["open_chat"]  # the fixture, used by name


def ids(convs: list[dict[str, Any]]) -> list[str]:
    return sorted(c["conversationID"] for c in convs)


async def test_do_not_disturb_and_the_unread_total(server: RunningServer, open_chat: Open) -> None:
    await server.import_users("alice", "bob", "carol", "owner")
    await server.ok(
        "group_open_http_svc",
        "create_group",
        {
            "Owner_Account": "owner",
            "Type": "Work",
            "GroupId": "js1",
            "Name": "js1",
            "MemberList": [{"Member_Account": "alice"}],
        },
    )
    await server.ok("openim", "sendmsg", rest_text("bob", "alice", "from bob", random=1))
    await server.ok("openim", "sendmsg", rest_text("carol", "alice", "from carol", random=2))
    alice = await open_chat("alice")
    assert await alice.until(TOTAL_UNREAD, "2") == 2

    res = await alice.ok(
        "chat.setMessageRemindType({userIDList: ['bob', 'ghost'], messageRemindType: 'AcceptNotNotify'})"
    )
    assert res["successUserIDList"] == [{"userID": "bob"}]
    assert res["failureUserIDList"] == [{"userID": "ghost", "code": 50002}]
    assert await alice.until(TOTAL_UNREAD, "1") == 1
    assert await alice.js("return chat.getTotalUnreadMessageCount();") == 1
    convs = (await alice.ok("chat.getConversationList()"))["conversationList"]
    kinds = {c["conversationID"]: c["messageRemindType"] for c in convs}
    assert kinds["C2Cbob"] == "AcceptNotNotify" and kinds["C2Ccarol"] == "AcceptAndNotify"

    await alice.ok("chat.setMessageRemindType({groupID: 'js1', messageRemindType: 'Discard'})")
    err = await alice.fails(
        "chat.setMessageRemindType({groupID: 'nope', messageRemindType: 'Discard'})"
    )
    assert err["code"] == 10010
    err = await alice.fails(
        "chat.setMessageRemindType({userIDList: ['bob'], messageRemindType: 'Loud'})"
    )
    assert err["code"] == 50002

    # filters
    got = await alice.ok("chat.getConversationList({type: 'GROUP'})")
    assert ids(got["conversationList"]) == ["GROUPjs1"]
    got = await alice.ok("chat.getConversationList({hasUnreadCount: true})")
    assert ids(got["conversationList"]) == ["C2Cbob", "C2Ccarol"]
    got = await alice.ok("chat.getConversationList(['C2Ccarol'])")
    assert ids(got["conversationList"]) == ["C2Ccarol"]


async def test_drafts_marks_custom_data_and_groups(server: RunningServer, open_chat: Open) -> None:
    await server.import_users("alice", "bob", "carol")
    await server.ok("openim", "sendmsg", rest_text("bob", "alice", "from bob", random=1))
    await server.ok("openim", "sendmsg", rest_text("carol", "alice", "from carol", random=2))
    alice = await open_chat("alice")
    await alice.next(CONV_LIST)

    await alice.ok("chat.setConversationDraft({conversationID: 'C2Cbob', draftText: 'later'})")
    await alice.ok(
        "chat.setConversationCustomData({conversationIDList: ['C2Cbob'], customData: 'k'})"
    )
    await alice.ok(
        "chat.markConversation({conversationIDList: ['C2Cbob'], markType: 1, enableMark: true})"
    )
    await alice.ok(
        "chat.createConversationGroup({groupName: 'fam', conversationIDList: ['C2Ccarol']})"
    )
    await alice.ok(
        "chat.addConversationsToGroup({groupName: 'fam', conversationIDList: ['C2Cbob']})"
    )
    await alice.ok("chat.renameConversationGroup({oldName: 'fam', newName: 'family'})")
    await alice.ok(
        "chat.deleteConversationsFromGroup({groupName: 'family', conversationIDList: ['C2Ccarol']})"
    )
    assert await alice.ok("chat.getConversationGroupList()") == ["family"]
    convs = {
        c["conversationID"]: c
        for c in (await alice.ok("chat.getConversationList()"))["conversationList"]
    }
    bob = convs["C2Cbob"]
    assert (bob["draftText"], bob["customData"], bob["markList"]) == ("later", "k", [1])
    assert bob["conversationGroupList"] == ["family"]
    assert convs["C2Ccarol"]["conversationGroupList"] == []
    got = await alice.ok("chat.getConversationList({markType: 1})")
    assert ids(got["conversationList"]) == ["C2Cbob"]
    got = await alice.ok("chat.getConversationList({groupName: ''})")
    assert ids(got["conversationList"]) == ["C2Ccarol"]

    # a second device sees it all (the server keeps it)
    other = await open_chat("alice", platform="Android")
    convs = {
        c["conversationID"]: c
        for c in (await other.ok("chat.getConversationList()"))["conversationList"]
    }
    assert convs["C2Cbob"]["draftText"] == "later"
    await alice.ok("chat.deleteConversationGroup('family')")
    assert await other.until(CONV_LIST, '"conversationGroupList":[]')

    errors = [
        "chat.setConversationDraft({conversationID: 'C2Cghost', draftText: 'x'})",
        "chat.markConversation({conversationIDList: ['C2Cbob'], markType: 5, enableMark: true})",
        "chat.renameConversationGroup({oldName: 'none', newName: 'x'})",
        "chat.setConversationCustomData({conversationIDList: ['C2Cbob'], customData: 'x'.repeat(300)})",
    ]
    for expr in errors:
        assert (await alice.fails(expr))["code"] == 50002, expr
