"""Tencent's web SDK (``@tencentcloud/chat`` 3.6.6, in Chromium) searching on
Palaver: ``searchCloudMessages`` (issue 18, docs/search.md)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import RunningServer
from support.tencent_sdk import TencentError, TencentHarness

pytestmark = pytest.mark.timeout(180)


async def test_search_cloud_messages_chinese_privacy_and_paging(
    server: RunningServer, tencent: TencentHarness
) -> None:
    await server.import_users("alice", "bob", "carol")
    alice = await tencent.login("alice", server.sig("alice"))
    bob = await tencent.login("bob", server.sig("bob"))
    await alice.send_text("bob", "我们公司地址变了")
    await bob.send_text("alice", "新地址：建国路88号😀")
    await server.ok(
        "openim",
        "sendmsg",
        {
            "From_Account": "carol",
            "To_Account": "bob",
            "MsgRandom": 5,
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "carol的地址保密"}}],
        },
    )

    # across conversations: alice finds only hers, summarised per conversation
    res: dict[str, Any] = await alice.call("searchCloudMessages", {"keywordList": ["地址"]})
    assert res["totalCount"] == 1, alice.report()  # across conversations: conversations
    assert [(c["conversationID"], c["messageCount"]) for c in res["searchResultList"]] == [
        ("C2Cbob", 2)
    ]
    # within the conversation: the messages, newest first, paged
    res = await alice.call(
        "searchCloudMessages", {"keywordList": ["地址"], "conversationID": "C2Cbob", "count": 1}
    )
    (conv,) = res["searchResultList"]
    assert [m["payload"]["text"] for m in conv["messageList"]] == ["新地址：建国路88号😀"]
    assert res["cursor"]
    res = await alice.call(
        "searchCloudMessages",
        {"keywordList": ["地址"], "conversationID": "C2Cbob", "count": 1, "cursor": res["cursor"]},
    )
    assert [m["payload"]["text"] for m in res["searchResultList"][0]["messageList"]] == [
        "我们公司地址变了"
    ]
    # mixed Chinese/digits/emoji without spaces; AND of two keywords; full-width
    for kws, kind in ((["路88号😀"], "or"), (["建国路", "８８"], "and")):
        res = await bob.call(
            "searchCloudMessages", {"keywordList": kws, "keywordListMatchType": kind}
        )
        assert res["totalCount"] == 1, (kws, bob.report())
        assert res["searchResultList"][0]["messageList"][0]["from"] == "bob"
    # bob sees carol's too; a sender filter narrows it
    res = await bob.call("searchCloudMessages", {"keywordList": ["地址"]})
    assert res["totalCount"] == 2
    res = await bob.call(
        "searchCloudMessages", {"keywordList": ["地址"], "senderUserIDList": ["carol"]}
    )
    assert [c["conversationID"] for c in res["searchResultList"]] == ["C2Ccarol"]
    with pytest.raises(TencentError) as e:
        await bob.call("searchCloudMessages", {"keywordList": ["，"]})
    assert e.value.code == 27003


async def test_search_cloud_users_groups_and_members(
    server: RunningServer, tencent: TencentHarness
) -> None:
    await server.import_users("alice", "bob", "zhang", "outsider")
    for user, nick in (("bob", "Bob 李"), ("zhang", "张伟")):
        await server.ok(
            "profile",
            "portrait_set",
            {"From_Account": user, "ProfileItem": [{"Tag": "Tag_Profile_IM_Nick", "Value": nick}]},
        )
    G = "group_open_http_svc"
    await server.ok(
        G,
        "create_group",
        {
            "Owner_Account": "alice",
            "Type": "Public",
            "Name": "北京 Team",
            "GroupId": "bj",
            "MemberList": [{"Member_Account": "zhang"}],
        },
    )
    await server.ok(
        G,
        "create_group",
        {
            "Owner_Account": "outsider",
            "Type": "Private",
            "Name": "北京 secret",
            "GroupId": "hidden",
            "MemberList": [{"Member_Account": "bob"}],
        },
    )
    await server.ok(
        G,
        "modify_group_member_info",
        {"GroupId": "bj", "Member_Account": "zhang", "NameCard": "老张"},
    )
    alice = await tencent.login("alice", server.sig("alice"))

    # users: by nick (case and width folded) or UserID
    res: dict[str, Any] = await alice.call("searchCloudUsers", {"keywordList": ["ＢＯＢ"]})
    assert [(u["userID"], u["nick"]) for u in res["searchResultList"]] == [("bob", "Bob 李")], (
        alice.report()
    )
    res = await alice.call("searchCloudUsers", {"keywordList": ["张"]})
    assert [u["userID"] for u in res["searchResultList"]] == ["zhang"]
    assert res["totalCount"] == 1

    # groups: the public one; the private one of others stays hidden
    res = await alice.call("searchCloudGroups", {"keywordList": ["北京"]})
    found = res["searchResultList"]
    assert [(g["groupID"], g["name"], g["type"]) for g in found] == [("bj", "北京 Team", "Public")]
    assert found[0]["ownerID"] == "alice" and found[0]["memberCount"] == 2

    # members of alice's groups, by name card or nick
    for kw in ("老张", "张伟"):
        res = await alice.call("searchCloudGroupMembers", {"keywordList": [kw]})
        (item,) = res["searchResultList"]
        assert item["groupInfo"]["groupID"] == "bj"
        assert [(m["userID"], m["nameCard"], m["nick"]) for m in item["memberList"]] == [
            ("zhang", "老张", "张伟")
        ]
    # bob is only in the private group; alice cannot search its members
    res = await alice.call("searchCloudGroupMembers", {"keywordList": ["bob"]})
    assert res["searchResultList"] == []
