"""The JavaScript SDK (``/sdk/palaver-chat.js``) in Chromium: issue 17's people
features — friend groups and ``updateFriend`` (harness: test_js_sdk.py)."""

from __future__ import annotations

from conftest import RunningServer
from test_js_sdk import EVENT, Open, make_friends
from test_js_sdk import open_chat as open_chat  # the fixture

__all__ = ["open_chat"]

FRIEND_GROUPS = "onFriendGroupListUpdated"
STATUS = "onUserStatusUpdated"


async def test_friend_groups_and_update_friend(server: RunningServer, open_chat: Open) -> None:
    await server.import_users("alice", "bob", "carol")
    await make_friends(server, "alice", "bob")
    alice = await open_chat("alice")
    made = await alice.ok("chat.createFriendGroup({name: 'work', userIDList: ['bob', 'carol']})")
    assert made["friendGroup"] == {"name": "work", "userIDList": ["bob"], "count": 1}
    assert [f["code"] for f in made["failureUserIDList"]] == [32216]
    pushed = await alice.until(FRIEND_GROUPS, '"work"')
    assert pushed == [{"name": "work", "userIDList": ["bob"], "count": 1}]
    assert (await alice.fails("chat.createFriendGroup({name: 'work'})"))["code"] == 30001
    assert (await alice.fails("chat.createFriendGroup({})"))["code"] == 6017

    renamed = await alice.ok("chat.renameFriendGroup({oldName: 'work', newName: 'job'})")
    assert renamed == {"name": "job", "userIDList": ["bob"], "count": 1}
    out = await alice.ok("chat.removeFromFriendGroup({name: 'job', userIDList: ['bob']})")
    assert out["friendGroup"]["count"] == 0
    back = await alice.ok("chat.addToFriendGroup({name: 'job', userIDList: ['bob']})")
    assert back["friendGroup"]["userIDList"] == ["bob"]
    assert await alice.ok("chat.getFriendGroupList()") == [
        {"name": "job", "userIDList": ["bob"], "count": 1}
    ]
    friends = await alice.until(EVENT["FRIEND_LIST_UPDATED"], '"job"')
    assert friends[0]["groupList"] == ["job"]
    gone = await alice.ok("chat.deleteFriendGroup({name: 'job'})")
    assert gone["name"] == "job"
    assert (await alice.fails("chat.deleteFriendGroup({name: 'job'})"))["code"] == 30001

    data = await alice.ok(
        "chat.updateFriend({userID: 'bob', remark: 'B',"
        " friendCustomField: [{key: 'Tag_SNS_Custom_x', value: 'y'}]})"
    )
    assert data["remark"] == "B"
    assert data["friendCustomField"] == [{"key": "Tag_SNS_Custom_x", "value": "y"}]
    friends = await alice.until(EVENT["FRIEND_LIST_UPDATED"], '"remark":"B"')
    assert friends[0]["remark"] == "B"
    assert (await alice.fails("chat.updateFriend({userID: 'carol', remark: 'c'})"))["code"] == 30001


async def test_a_global_mute_rejects_sends(server: RunningServer, open_chat: Open) -> None:
    await server.import_users("alice", "bob")
    alice = await open_chat("alice")
    await server.ok(
        "openconfigsvr", "setnospeaking", {"Set_Account": "alice", "C2CmsgNospeakingTime": 600}
    )
    failed = await alice.fails(
        "chat.sendMessage(chat.createTextMessage({to: 'bob', conversationType: 'C2C',"
        " payload: {text: 'x'}}))"
    )
    assert failed["code"] == 20012


async def test_user_status(server: RunningServer, open_chat: Open) -> None:
    await server.import_users("alice", "bob")
    alice = await open_chat("alice")
    got = await alice.ok("chat.getUserStatus({userIDList: ['bob', 'ghost']})")
    assert got["successUserList"] == [{"userID": "bob", "statusType": 2, "customStatus": ""}]
    assert [f["code"] for f in got["failureUserList"]] == [70107]
    await alice.ok("chat.subscribeUserStatus({userIDList: ['bob']})")
    bob = await open_chat("bob")
    pushed = await alice.until(STATUS, '"statusType":1')
    assert pushed == [{"userID": "bob", "statusType": 1, "customStatus": ""}]
    mine = await bob.ok("chat.setSelfStatus({customStatus: 'away'})")
    assert mine["customStatus"] == "away"
    pushed = await alice.until(STATUS, '"away"')
    assert pushed[0]["userID"] == "bob"
    assert (await bob.fails("chat.setSelfStatus({})"))["code"] == 6017
    await alice.ok("chat.unsubscribeUserStatus()")
