"""Friend groups and friend data (issue 17, People): REST ``sns/group_add``,
``group_delete``, ``group_get`` and ``friend_update``; the client protocol's
``*FriendGroup*`` ops and ``updateFriend`` with their pushes; the Python SDK.
(The official SDK's calls are in test_tencent_people.py.)"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from conftest import RunningServer
from palaver.client import EVENT, Chat, ChatError
from test_client_sdk import Connect, Recorder
from test_ws_social import add_friend, online

SNS = "sns"


@pytest.fixture
async def connect(server: RunningServer) -> AsyncIterator[Connect]:
    """``await connect(user)`` -> a logged-in Python SDK Chat and its Recorder."""
    chats: list[Chat] = []

    async def make(user: str, **options: Any) -> tuple[Chat, Recorder]:
        chat = Chat.create(server.app.sdkappid, server.url, **options)
        rec = Recorder(chat)
        chats.append(chat)
        await chat.login(user_id=user, user_sig=server.sig(user))
        return chat, rec

    yield make
    for chat in chats:
        await chat.logout()


async def befriend(server: RunningServer, owner: str, *peers: str) -> None:
    body = {
        "From_Account": owner,
        "AddFriendItem": [{"To_Account": p, "AddSource": "AddSource_Type_T"} for p in peers],
        "AddType": "Add_Type_Both",
        "ForceAddFlags": 1,
    }
    r = await server.ok(SNS, "friend_add", body)
    assert all(i["ResultCode"] == 0 for i in r["ResultItem"]), r


async def groups(server: RunningServer, owner: str, **extra: Any) -> dict[str, Any]:
    return await server.ok(SNS, "group_get", {"From_Account": owner, **extra})


async def test_rest_group_add_get_delete(server: RunningServer) -> None:
    await server.import_users("a", "b", "c", "d")
    await befriend(server, "a", "b", "c")
    r = await server.ok(SNS, "group_add", {"From_Account": "a", "GroupName": ["empty"]})
    assert r["CurrentSequence"] > 0 and "ResultItem" not in r
    r = await server.ok(
        SNS,
        "group_add",
        {"From_Account": "a", "GroupName": ["work", "club"], "To_Account": ["b", "d", "ghost"]},
    )
    items = {i["To_Account"]: i["ResultCode"] for i in r["ResultItem"]}
    assert items == {"b": 0, "d": 32216, "ghost": 30003}
    assert r["Fail_Account"] == ["d", "ghost"]
    seq = r["CurrentSequence"]

    got = await groups(server, "a")
    assert got["ResultItem"] == [
        {"GroupName": "empty", "FriendNumber": 0},
        {"GroupName": "work", "FriendNumber": 1},
        {"GroupName": "club", "FriendNumber": 1},
    ]
    assert got["CurrentSequence"] == seq
    full = await groups(server, "a", NeedFriend="Need_Friend_Type_Yes")
    assert [g.get("To_Account") for g in full["ResultItem"]] == [[], ["b"], ["b"]]
    named = await groups(server, "a", GroupName=["club", "nope"])
    assert named["ResultItem"] == [{"GroupName": "club", "FriendNumber": 1, "To_Account": ["b"]}]
    same = await groups(server, "a", LastSequence=seq)
    assert "ResultItem" not in same and same["CurrentSequence"] == seq

    # the friend's own data names the groups (friend_get_list Tag_SNS_IM_Group)
    r = await server.ok(
        SNS,
        "friend_get_list",
        {"From_Account": "a", "To_Account": ["b"], "TagList": ["Tag_SNS_IM_Group"]},
    )
    assert r["InfoItem"][0]["SnsProfileItem"] == [
        {"Tag": "Tag_SNS_IM_Group", "Value": ["work", "club"]}
    ]

    # errors: existing name, empty/oversized names, too many groups, unknown owner
    for bad, code in [
        ({"From_Account": "a", "GroupName": ["work"]}, 30001),
        ({"From_Account": "a", "GroupName": [""]}, 30001),
        ({"From_Account": "a", "GroupName": ["x" * 31]}, 30001),
        ({"From_Account": "a", "GroupName": []}, 30001),
        ({"From_Account": "a", "GroupName": [f"g{i}" for i in range(30)]}, 30001),
        ({"From_Account": "ghost", "GroupName": ["x"]}, 30003),
        ({"GroupName": ["x"]}, 30001),
    ]:
        r = await server.rest(SNS, "group_add", bad)
        assert (r["ActionStatus"], r["ErrorCode"]) == ("FAIL", code), (bad, r)
    r = await server.rest(SNS, "group_delete", {"From_Account": "a", "GroupName": ["nope"]})
    assert r["ErrorCode"] == 30001
    # only an App admin may call them (60010)
    r = await server.rest(
        SNS, "group_get", {"From_Account": "a"}, identifier="a", usersig=server.sig("a")
    )
    assert r["ErrorCode"] == 60010

    r = await server.ok(SNS, "group_delete", {"From_Account": "a", "GroupName": ["work", "empty"]})
    assert r["CurrentSequence"] != seq
    assert [g["GroupName"] for g in (await groups(server, "a"))["ResultItem"]] == ["club"]
    r = await server.ok(
        SNS,
        "friend_get_list",
        {"From_Account": "a", "To_Account": ["b"], "TagList": ["Tag_SNS_IM_Group"]},
    )
    assert r["InfoItem"][0]["SnsProfileItem"] == [{"Tag": "Tag_SNS_IM_Group", "Value": ["club"]}]
    # b is still a's friend; c has no group
    check = await server.ok(SNS, "friend_check", {"From_Account": "a", "To_Account": ["b", "c"]})
    assert {i["Relation"] for i in check["InfoItem"]} == {"CheckResult_Type_BothWay"}


async def test_rest_friend_update_remark_and_custom(server: RunningServer) -> None:
    await server.import_users("a", "b", "c")
    await befriend(server, "a", "b")
    r = await server.ok(
        SNS,
        "friend_update",
        {
            "From_Account": "a",
            "UpdateItem": [
                {
                    "To_Account": "b",
                    "SnsItem": [
                        {"Tag": "Tag_SNS_IM_Remark", "Value": "Bobby"},
                        {"Tag": "Tag_SNS_Custom_Level", "Value": 3},
                    ],
                },
                {"To_Account": "c", "SnsItem": [{"Tag": "Tag_SNS_IM_Remark", "Value": "x"}]},
            ],
        },
    )
    assert {i["To_Account"]: i["ResultCode"] for i in r["ResultItem"]} == {"b": 0, "c": 30001}
    got = await server.ok(
        SNS,
        "friend_get_list",
        {
            "From_Account": "a",
            "To_Account": ["b"],
            "TagList": ["Tag_SNS_IM_Remark", "Tag_SNS_Custom_Level"],
        },
    )
    assert got["InfoItem"][0]["SnsProfileItem"] == [
        {"Tag": "Tag_SNS_IM_Remark", "Value": "Bobby"},
        {"Tag": "Tag_SNS_Custom_Level", "Value": 3},
    ]


async def test_ws_friend_group_ops_and_pushes(server: RunningServer) -> None:
    alice, bob, carol = await online(server, "alice", "bob", "carol")
    await add_friend(alice, "bob")
    await alice.expect("FRIEND_LIST_UPDATED")
    await bob.expect("FRIEND_LIST_UPDATED")

    made = await alice.ok("createFriendGroup", {"name": "mates", "userIDList": ["bob", "carol"]})
    assert made["friendGroup"] == {"name": "mates", "userIDList": ["bob"], "count": 1}
    assert made["failureUserIDList"] == [
        {"userID": "carol", "code": 32216, "message": "Err_SNS_GroupAdd_ToTinyId_Not_Friend"}
    ]
    pushes = await alice.expect("FRIEND_GROUP_LIST_UPDATED", "FRIEND_LIST_UPDATED")
    assert pushes[1].data["updated"] == ["bob"]
    assert await alice.fails("createFriendGroup", {"name": "mates"}) == 30001
    assert await alice.fails("createFriendGroup", {"name": "y" * 31}) == 30001
    assert await alice.fails("createFriendGroup", {}) == 6017

    await alice.ok("createFriendGroup", {"name": "later"})
    await alice.expect("FRIEND_GROUP_LIST_UPDATED")
    r = await alice.ok("addToFriendGroup", {"name": "later", "userIDList": ["bob", "ghost"]})
    assert r["friendGroup"]["userIDList"] == ["bob"]
    assert [f["code"] for f in r["failureUserIDList"]] == [30003]
    await alice.expect("FRIEND_GROUP_LIST_UPDATED", "FRIEND_LIST_UPDATED")
    friends = (await alice.ok("getFriendList"))["friendList"]
    assert friends[0]["groupList"] == ["mates", "later"]

    r = await alice.ok("renameFriendGroup", {"oldName": "mates", "newName": "pals"})
    assert r["friendGroup"] == {"name": "pals", "userIDList": ["bob"], "count": 1}
    await alice.expect("FRIEND_GROUP_LIST_UPDATED", "FRIEND_LIST_UPDATED")
    assert await alice.fails("renameFriendGroup", {"oldName": "mates", "newName": "z"}) == 30001
    assert await alice.fails("renameFriendGroup", {"oldName": "pals", "newName": "later"}) == 30001

    r = await alice.ok("removeFromFriendGroup", {"name": "later", "userIDList": ["bob"]})
    assert r["friendGroup"]["userIDList"] == [] and r["failureUserIDList"] == []
    await alice.expect("FRIEND_GROUP_LIST_UPDATED", "FRIEND_LIST_UPDATED")
    assert await alice.fails("addToFriendGroup", {"name": "nope", "userIDList": ["bob"]}) == 30001

    listed = (await alice.ok("getFriendGroupList"))["friendGroupList"]
    assert listed == [
        {"name": "later", "userIDList": [], "count": 0},
        {"name": "pals", "userIDList": ["bob"], "count": 1},
    ]
    r = await alice.ok("deleteFriendGroup", {"name": "pals"})
    assert r["friendGroup"]["userIDList"] == ["bob"]
    await alice.expect("FRIEND_GROUP_LIST_UPDATED", "FRIEND_LIST_UPDATED")
    assert await alice.fails("deleteFriendGroup", {"name": "pals"}) == 30001
    # someone else's groups are theirs: bob sees none, and got no push
    assert (await bob.ok("getFriendGroupList"))["friendGroupList"] == []
    await bob.quiet()

    # updateFriend: remark and custom fields
    r = await alice.ok(
        "updateFriend",
        {
            "userID": "bob",
            "remark": "B",
            "friendCustomField": [{"key": "Tag_SNS_Custom_x", "value": "1"}],
        },
    )
    assert r["remark"] == "B"
    assert r["friendCustomField"] == [{"key": "Tag_SNS_Custom_x", "value": "1"}]
    await alice.expect("FRIEND_LIST_UPDATED")
    assert await alice.fails("updateFriend", {"userID": "carol", "remark": "C"}) == 30001
    assert await alice.fails("updateFriend", {"userID": "bob", "remark": "r" * 97}) == 30001
    assert await alice.fails("updateFriend", {"userID": "bob"}) == 6017
    friends = (await alice.ok("getFriendList"))["friendList"]
    assert friends[0]["remark"] == "B"


async def test_python_sdk_friend_groups(server: RunningServer, connect: Connect) -> None:
    await server.import_users("p1", "p2", "p3")
    await befriend(server, "p1", "p2")
    chat, rec = await connect("p1")
    r = await chat.create_friend_group("fam", ["p2", "p3"])
    assert r["friendGroup"]["userIDList"] == ["p2"]
    assert [f["code"] for f in r["failureUserIDList"]] == [32216]
    pushed = await rec.until(EVENT.FRIEND_GROUP_LIST_UPDATED, lambda gs: len(gs) == 1)
    assert pushed == [{"name": "fam", "userIDList": ["p2"], "count": 1}]
    await chat.rename_friend_group("fam", "family")
    await chat.remove_from_friend_group("family", ["p2"])
    await chat.add_to_friend_group("family", ["p2"])
    assert await chat.get_friend_group_list() == [
        {"name": "family", "userIDList": ["p2"], "count": 1}
    ]
    assert (await chat.delete_friend_group("family"))["name"] == "family"
    assert await chat.get_friend_group_list() == []
    try:
        await chat.delete_friend_group("family")
    except ChatError as exc:
        assert exc.code == 30001
    else:
        raise AssertionError("deleting a missing group succeeded")
    r = await chat.update_friend(
        "p2", remark="two", friend_custom_field=[{"key": "Tag_SNS_Custom_k", "value": 5}]
    )
    assert r["remark"] == "two"
    friends = await rec.until(
        EVENT.FRIEND_LIST_UPDATED, lambda fs: any(f.get("remark") == "two" for f in fs)
    )
    assert friends[0]["friendCustomField"] == [{"key": "Tag_SNS_Custom_k", "value": 5}]
