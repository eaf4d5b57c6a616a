"""Tencent's own web SDK (``@tencentcloud/chat``, unmodified, in Chromium) on
Palaver: issue 17's people features — friend groups, ``updateFriend`` remarks and
custom fields (docs/tencent-client-protocol.md)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import RunningServer
from support.tencent_sdk import TencentError, TencentHarness, TencentTab
from support.waiting import eventually

pytestmark = pytest.mark.timeout(180)

NOT_YET = 3122  # the SDK's "feature not available" before its config arrives


async def login(server: RunningServer, tencent: TencentHarness, *users: str) -> list[TencentTab]:
    await server.import_users(*users)
    return [await tencent.login(u, server.sig(u)) for u in users]


def names(groups: list[dict[str, Any]]) -> dict[str, list[str]]:
    return {g["name"]: sorted(g["userIDList"]) for g in groups}


async def server_groups(server: RunningServer, user: str) -> dict[str, list[str]]:
    r = await server.ok(
        "sns", "group_get", {"From_Account": user, "NeedFriend": "Need_Friend_Type_Yes"}
    )
    return {g["GroupName"]: sorted(g["To_Account"]) for g in r["ResultItem"]}


async def test_friend_groups_and_friend_data(
    server: RunningServer, tencent: TencentHarness
) -> None:
    alice, bob = await login(server, tencent, "alice", "bob")
    await server.import_users("carol")
    added = await alice.call(
        "addFriend", {"to": "bob", "source": "AddSource_Type_Web", "type": "Friend_Type_Both"}
    )
    assert added["code"] == 0, alice.report()
    await alice.wait_event("FRIEND_LIST_UPDATED", lambda d: [f["userID"] for f in d] == ["bob"])

    made = await alice.call("createFriendGroup", {"name": "work", "userIDList": ["bob", "carol"]})
    assert made["friendGroup"]["name"] == "work", alice.report()
    assert made["friendGroup"]["userIDList"] == ["bob"]
    assert [(f["userID"], f["code"]) for f in made["failureUserIDList"]] == [("carol", 32216)]
    await alice.wait_event("FRIEND_GROUP_LIST_UPDATED", lambda d: names(d) == {"work": ["bob"]})
    await alice.call("createFriendGroup", {"name": "club"})
    # the server's list (REST group_get); bob's are his own
    assert names(await bob.call("getFriendGroupList")) == {}
    assert await server_groups(server, "alice") == {"work": ["bob"], "club": []}

    got = await alice.call("addToFriendGroup", {"name": "club", "userIDList": ["bob"]})
    assert got["friendGroup"]["userIDList"] == ["bob"], alice.report()
    got = await alice.call("removeFromFriendGroup", {"name": "work", "userIDList": ["bob"]})
    assert got["friendGroup"]["userIDList"] == [], alice.report()
    renamed = await alice.call("renameFriendGroup", {"oldName": "club", "newName": "pals"})
    assert renamed["name"] == "pals", alice.report()
    # a name that is taken is refused by the server
    with pytest.raises(TencentError) as err:
        await alice.call("renameFriendGroup", {"oldName": "pals", "newName": "work"})
    assert err.value.code == 30001, alice.report()
    await alice.call("deleteFriendGroup", {"name": "work"})
    assert await server_groups(server, "alice") == {"pals": ["bob"]}
    assert names(await alice.call("getFriendGroupList")) == {"pals": ["bob"]}
    (friend,) = (await alice.call("getFriendProfile", {"userIDList": ["bob"]}))["friendList"]
    assert friend["groupList"] == ["pals"], alice.report()

    # updateFriend: remark and custom friend fields
    await alice.call(
        "updateFriend",
        {
            "userID": "bob",
            "remark": "Bob",
            "friendCustomField": [{"key": "Tag_SNS_Custom_Tier", "value": "gold"}],
        },
    )
    (friend,) = (await alice.call("getFriendProfile", {"userIDList": ["bob"]}))["friendList"]
    assert friend["remark"] == "Bob", alice.report()
    assert {"key": "Tag_SNS_Custom_Tier", "value": "gold"} in friend["friendCustomField"]


async def test_a_global_mute_rejects_sends(server: RunningServer, tencent: TencentHarness) -> None:
    alice, bob = await login(server, tencent, "alice", "bob")
    await server.ok(
        "openconfigsvr", "setnospeaking", {"Set_Account": "alice", "C2CmsgNospeakingTime": 600}
    )
    with pytest.raises(TencentError) as err:
        await alice.send_text("bob", "muted")
    assert err.value.code == 20012, alice.report()
    await bob.send_text("alice", "bob is not muted")
    await server.ok(
        "openconfigsvr", "setnospeaking", {"Set_Account": "alice", "C2CmsgNospeakingTime": 0}
    )
    sent = await alice.send_text("bob", "free again")
    got = await bob.wait_event("MESSAGE_RECEIVED", lambda d: d[0]["ID"] == sent["ID"])
    assert got[0]["payload"]["text"] == "free again"


async def test_user_status(server: RunningServer, tencent: TencentHarness) -> None:
    (alice,) = await login(server, tencent, "alice")
    await server.import_users("bob")
    got: dict[str, Any] = {}

    async def asked() -> bool:
        # the SDK refuses status calls (3122) until it has the app's feature
        # bits, which it fetches after SDK_READY
        nonlocal got
        try:
            got = await alice.call("getUserStatus", {"userIDList": ["bob", "ghost"]})
        except TencentError as exc:
            if exc.code != NOT_YET:
                raise
            return False
        return True

    await eventually(asked, "the SDK to know the app may use user status", 15)
    assert [(u["userID"], u["statusType"]) for u in got["successUserList"]] == [("bob", 2)], (
        alice.report()
    )
    assert [(f["userID"], f["code"]) for f in got["failureUserList"]] == [("ghost", 70107)]
    await alice.call("subscribeUserStatus", {"userIDList": ["bob"]})
    bob = await tencent.login("bob", server.sig("bob"))
    await alice.wait_event(
        "USER_STATUS_UPDATED",
        lambda d: d == [{"userID": "bob", "statusType": 1, "customStatus": ""}],
    )
    await bob.call("setSelfStatus", {"customStatus": "at lunch ☕"})
    await alice.wait_event("onUserStatusUpdated", lambda d: d[0]["customStatus"] == "at lunch ☕")
    got = await alice.call("getUserStatus", {"userIDList": ["bob"]})
    assert got["successUserList"][0]["customStatus"] == "at lunch ☕", alice.report()
    with pytest.raises(TencentError) as err:
        await bob.call("setSelfStatus", {"customStatus": "x" * 101})
    assert err.value.code == 6017, bob.report()
    await alice.call("unsubscribeUserStatus", {"userIDList": ["bob"]})
