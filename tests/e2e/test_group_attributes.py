"""Group attributes and counters through REST and Palaver's protocol: reads,
writes, the pushes members get, limits and permission errors."""

from __future__ import annotations

from typing import Any

from conftest import RunningServer
from test_ws_group import close_clients, create, joined, online  # noqa: F401  (fixture)

G = "group_open_http_svc"


def for_group(gid: str) -> Any:
    return lambda d: d["groupID"] == gid


async def test_attributes_through_the_protocol_and_rest(server: RunningServer) -> None:
    alice, bob, carol = await online(server, "alice", "bob", "carol")
    gid = await create(alice, "Public", ["bob"])
    await joined(bob, gid)

    r = await alice.ok("initGroupAttributes", {"groupID": gid, "groupAttributes": {"a": "1"}})
    assert r == {"groupAttributes": {"a": "1"}}
    push = await bob.wait("GROUP_ATTRIBUTES_UPDATED", for_group(gid))
    assert push["groupAttributes"] == {"a": "1"} and push["updatedKeyList"] == ["a"]
    await bob.ok("setGroupAttributes", {"groupID": gid, "groupAttributes": {"b": "2", "a": "0"}})
    push = await alice.wait("GROUP_ATTRIBUTES_UPDATED", lambda d: "b" in d["groupAttributes"])
    assert push["groupAttributes"] == {"a": "0", "b": "2"}
    assert sorted(push["updatedKeyList"]) == ["a", "b"] and push["deletedKeyList"] == []
    got = await bob.ok("getGroupAttributes", {"groupID": gid, "keyList": ["b", "zz"]})
    assert got == {"groupAttributes": {"b": "2"}}

    # REST sees and changes the same attributes
    r = await server.ok("group_open_attr_http_svc", "get_group_attr", {"GroupId": gid})
    assert r["GroupAttrAry"] == [{"key": "a", "value": "0"}, {"key": "b", "value": "2"}]
    await server.ok(
        G, "modify_group_attr", {"GroupId": gid, "GroupAttr": [{"key": "c", "value": "3"}]}
    )
    push = await bob.wait("GROUP_ATTRIBUTES_UPDATED", lambda d: "c" in d["groupAttributes"])
    assert push["updatedKeyList"] == ["c"]
    await server.ok(G, "delete_group_attr", {"GroupId": gid, "GroupAttr": [{"key": "a"}]})
    push = await bob.wait("GROUP_ATTRIBUTES_UPDATED", lambda d: d["deletedKeyList"] == ["a"])
    assert push["groupAttributes"] == {"b": "2", "c": "3"}

    r = await alice.ok("deleteGroupAttributes", {"groupID": gid, "keyList": ["b", "nope"]})
    assert r == {"keyList": ["b"]}
    r = await alice.ok("deleteGroupAttributes", {"groupID": gid})
    assert r == {"keyList": ["c"]}
    assert (await bob.ok("getGroupAttributes", {"groupID": gid}))["groupAttributes"] == {}
    await server.ok(
        G, "set_group_attr", {"GroupId": gid, "GroupAttr": [{"key": "x", "value": "y"}]}
    )
    await server.ok(G, "clear_group_attr", {"GroupId": gid})
    r = await server.ok("group_open_attr_http_svc", "get_group_attr", {"GroupId": gid})
    assert r["GroupAttrAry"] == []

    # permissions and limits
    data = {"groupID": gid, "groupAttributes": {"k": "v"}}
    assert await carol.fails("setGroupAttributes", data) == 10007
    assert await carol.fails("getGroupAttributes", {"groupID": gid}) == 10007
    assert await alice.fails("setGroupAttributes", {**data, "groupID": "nope"}) == 10010
    many = {"groupID": gid, "groupAttributes": {f"k{i}": "v" for i in range(17)}}
    assert await alice.fails("initGroupAttributes", many) == 10004
    assert (
        await alice.fails("setGroupAttributes", {**data, "groupAttributes": {"k" * 33: "v"}})
        == 10004
    )
    big = {**data, "groupAttributes": {"k": "v" * 4001}}
    assert await alice.fails("setGroupAttributes", big) == 10004
    assert await alice.fails("setGroupAttributes", {**data, "groupAttributes": {"": "v"}}) == 10004
    assert await alice.fails("setGroupAttributes", {"groupID": gid}) == 6017
    r = await server.rest(
        G, "modify_group_attr", {"GroupId": "nope", "GroupAttr": [{"key": "k", "value": "v"}]}
    )
    assert r["ErrorCode"] == 10010


async def test_counters_through_the_protocol_and_rest(server: RunningServer) -> None:
    alice, bob, carol = await online(server, "alice", "bob", "carol")
    gid = await create(alice, "Public", ["bob"])
    await joined(bob, gid)

    r = await alice.ok("setGroupCounters", {"groupID": gid, "counters": {"likes": 5, "views": 0}})
    assert r == {"counters": {"likes": 5, "views": 0}}
    push = await bob.wait("GROUP_COUNTER_UPDATED", for_group(gid))
    assert push["counters"] == {"likes": 5, "views": 0} and push["sequence"] >= 1
    r = await bob.ok("increaseGroupCounter", {"groupID": gid, "key": "likes", "value": 3})
    assert r == {"counters": {"likes": 8}}
    push = await alice.wait("GROUP_COUNTER_UPDATED", lambda d: d["counters"] == {"likes": 8})
    r = await bob.ok("decreaseGroupCounter", {"groupID": gid, "key": "new", "value": 2})
    assert r == {"counters": {"new": -2}}
    r = await alice.ok("getGroupCounters", {"groupID": gid})
    assert r == {"counters": {"likes": 8, "new": -2, "views": 0}}
    r = await alice.ok("getGroupCounters", {"groupID": gid, "keyList": ["views", "none"]})
    assert r == {"counters": {"views": 0}}

    body = {"GroupId": gid, "GroupCounter": [{"key": "likes", "value": 10}], "Mode": "Increase"}
    r = await server.ok(G, "update_group_counter", body)
    assert r["GroupCounter"] == [{"key": "likes", "value": 18}]
    await bob.wait("GROUP_COUNTER_UPDATED", lambda d: d["counters"] == {"likes": 18})
    r = await server.ok(G, "get_group_counter", {"GroupId": gid, "GroupCounterKeys": ["likes"]})
    assert r["GroupCounter"] == [{"key": "likes", "value": 18}]
    r = await server.ok(G, "get_group_counter", {"GroupId": gid})
    assert [c["key"] for c in r["GroupCounter"]] == ["likes", "new", "views"]

    # permissions and limits
    step = {"groupID": gid, "key": "likes", "value": 1}
    assert await carol.fails("increaseGroupCounter", step) == 10007
    assert await carol.fails("getGroupCounters", {"groupID": gid}) == 10007
    assert await alice.fails("increaseGroupCounter", {**step, "value": -1}) == 6017
    assert await alice.fails("increaseGroupCounter", {**step, "groupID": "nope"}) == 10010
    many = {"groupID": gid, "counters": {f"c{i}": 1 for i in range(18)}}
    assert await alice.fails("setGroupCounters", many) == 10004
    huge = {"groupID": gid, "key": "likes", "value": 2**63 - 1}
    assert await alice.fails("increaseGroupCounter", huge) == 10004
    bad_mode = {"GroupId": gid, "GroupCounter": [{"key": "k", "value": 1}], "Mode": "Double"}
    assert (await server.rest(G, "update_group_counter", bad_mode))["ErrorCode"] == 10004
    assert (await alice.ok("getGroupCounters", {"groupID": gid}))["counters"]["likes"] == 18


async def test_live_room_attributes_need_the_room(server: RunningServer) -> None:
    alice, bob = await online(server, "alice", "bob")
    gid = await create(alice, "AVChatRoom")
    data = {"groupID": gid, "groupAttributes": {"topic": "news"}}
    assert await bob.fails("setGroupAttributes", data) == 10007
    await bob.ok("joinGroup", {"groupID": gid})
    await alice.ok("setGroupAttributes", data)
    push = await bob.wait("GROUP_ATTRIBUTES_UPDATED", for_group(gid))
    assert push["groupAttributes"] == {"topic": "news"}
    await bob.ok("increaseGroupCounter", {"groupID": gid, "key": "hearts", "value": 1})
    push = await alice.wait("GROUP_COUNTER_UPDATED", for_group(gid))
    assert push["counters"] == {"hearts": 1}


async def test_community_topics_through_the_protocol(server: RunningServer) -> None:
    alice, bob, carol = await online(server, "alice", "bob", "carol")
    gid = await create(alice, "Community", ["bob"])
    public = await create(alice, "Public")

    made = await alice.ok("createTopicInCommunity", {"groupID": gid, "topicName": "news"})
    news = made["topicID"]
    assert news.startswith(gid + "@TOPIC#_")
    mine = gid + "@TOPIC#_chat"
    data = {"groupID": gid, "topicName": "chat", "topicID": mine, "customData": "c"}
    assert (await alice.ok("createTopicInCommunity", data))["topicID"] == mine
    assert await alice.fails("createTopicInCommunity", data) == 10021
    listed = await bob.ok("getTopicList", {"groupID": gid})
    by_id = {t["topicID"]: t for t in listed["successTopicList"]}  # same second: by ID
    assert sorted(by_id) == sorted([news, mine]) and by_id[mine]["customData"] == "c"
    listed = await bob.ok("getTopicList", {"groupID": gid, "topicIDList": [mine, "x"]})
    assert [t["topicID"] for t in listed["successTopicList"]] == [mine]
    assert listed["failureTopicList"] == [
        {"topicID": "x", "code": 10010, "message": "no such topic"}
    ]

    r = await alice.ok(
        "updateTopicProfile",
        {"groupID": gid, "topicID": mine, "topicName": "talk", "muteAllMembers": True},
    )
    assert (r["topic"]["topicName"], r["topic"]["muteAllMembers"]) == ("talk", True)

    # permissions
    assert await bob.fails("createTopicInCommunity", {"groupID": gid, "topicName": "b"}) == 10007
    assert (
        await bob.fails("updateTopicProfile", {"groupID": gid, "topicID": mine, "topicName": "b"})
        == 10007
    )
    assert (
        await bob.fails("deleteTopicFromCommunity", {"groupID": gid, "topicIDList": [mine]})
        == 10007
    )
    assert await carol.fails("getTopicList", {"groupID": gid}) == 10007
    assert (
        await alice.fails("createTopicInCommunity", {"groupID": public, "topicName": "p"}) == 10007
    )
    assert await alice.fails("createTopicInCommunity", {"groupID": gid}) == 6017

    r = await alice.ok("deleteTopicFromCommunity", {"groupID": gid, "topicIDList": [news, "x"]})
    assert r["successTopicList"] == [{"topicID": news}]
    assert [f["topicID"] for f in r["failureTopicList"]] == ["x"]
    r = await alice.ok("deleteTopicFromCommunity", {"groupID": gid})
    assert r["successTopicList"] == [{"topicID": mine}]
    assert (await bob.ok("getTopicList", {"groupID": gid}))["successTopicList"] == []
