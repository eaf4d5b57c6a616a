"""Group attributes and counters through Tencent's own web SDK (``@tencentcloud/chat``
in Chromium) on Palaver: its calls, the events other members get, and a REST
change reaching the SDK (docs/tencent-client-protocol.md)."""

from __future__ import annotations

import pytest

from conftest import RunningServer
from support.tencent_sdk import TencentError, TencentHarness, TencentTab

pytestmark = pytest.mark.timeout(180)


async def login(server: RunningServer, tencent: TencentHarness, *users: str) -> list[TencentTab]:
    await server.import_users(*users)
    return [await tencent.login(u, server.sig(u)) for u in users]


async def team(alice: TencentTab, bob: TencentTab) -> str:
    created = await alice.call(
        "createGroup", {"type": "Public", "name": "team", "memberList": [{"userID": "bob"}]}
    )
    gid: str = created["group"]["groupID"]
    await bob.wait_event("GROUP_LIST_UPDATED", lambda d: any(g["groupID"] == gid for g in d))
    return gid


async def test_group_attributes(server: RunningServer, tencent: TencentHarness) -> None:
    alice, bob, carol = await login(server, tencent, "alice", "bob", "carol")
    gid = await team(alice, bob)

    r = await alice.call("initGroupAttributes", {"groupID": gid, "groupAttributes": {"a": "1"}})
    assert r["groupAttributes"] == {"a": "1"}, alice.report()
    ev = await bob.wait_event("GROUP_ATTRIBUTES_UPDATED", lambda d: d["groupID"] == gid)
    assert ev["groupAttributes"] == {"a": "1"}, bob.report()
    got = await bob.call("getGroupAttributes", {"groupID": gid, "keyList": []})
    assert got["groupAttributes"] == {"a": "1"}, bob.report()

    await bob.call("setGroupAttributes", {"groupID": gid, "groupAttributes": {"b": "2"}})
    ev = await alice.wait_event(
        "GROUP_ATTRIBUTES_UPDATED", lambda d: d["groupAttributes"].get("b") == "2"
    )
    assert ev["groupAttributes"] == {"a": "1", "b": "2"}, alice.report()
    r = await alice.call("deleteGroupAttributes", {"groupID": gid, "keyList": ["a"]})
    assert r["keyList"] == ["a"], alice.report()
    await bob.wait_event("GROUP_ATTRIBUTES_UPDATED", lambda d: d["groupAttributes"] == {"b": "2"})

    # a change made by the backend reaches the SDK, and the SDK writes after it
    await server.ok(
        "group_open_http_svc",
        "modify_group_attr",
        {"GroupId": gid, "GroupAttr": [{"key": "c", "value": "3"}]},
    )
    ev = await alice.wait_event("GROUP_ATTRIBUTES_UPDATED", lambda d: "c" in d["groupAttributes"])
    assert ev["groupAttributes"] == {"b": "2", "c": "3"}, alice.report()
    await alice.call("setGroupAttributes", {"groupID": gid, "groupAttributes": {"d": "4"}})
    r = await server.ok("group_open_attr_http_svc", "get_group_attr", {"GroupId": gid})
    assert {i["key"] for i in r["GroupAttrAry"]} == {"b", "c", "d"}
    await alice.call("deleteGroupAttributes", {"groupID": gid, "keyList": []})
    r = await server.ok("group_open_attr_http_svc", "get_group_attr", {"GroupId": gid})
    assert r["GroupAttrAry"] == []

    # not a member
    with pytest.raises(TencentError) as err:
        await carol.call("setGroupAttributes", {"groupID": gid, "groupAttributes": {"x": "y"}})
    assert err.value.code == 10007


async def test_group_counters(server: RunningServer, tencent: TencentHarness) -> None:
    alice, bob, carol = await login(server, tencent, "alice", "bob", "carol")
    gid = await team(alice, bob)

    r = await alice.call("setGroupCounters", {"groupID": gid, "counters": {"likes": 5}})
    assert r["counters"] == {"likes": 5}, alice.report()
    ev = await bob.wait_event("GROUP_COUNTER_UPDATED", lambda d: d["key"] == "likes")
    assert (ev["groupID"], ev["value"]) == (gid, 5), bob.report()
    r = await bob.call("increaseGroupCounter", {"groupID": gid, "key": "likes", "value": 2})
    assert r["counters"] == {"likes": 7}, bob.report()
    await alice.wait_event("GROUP_COUNTER_UPDATED", lambda d: d["value"] == 7)
    r = await alice.call("decreaseGroupCounter", {"groupID": gid, "key": "likes", "value": 10})
    assert r["counters"] == {"likes": -3}, alice.report()
    got = await bob.call("getGroupCounters", {"groupID": gid, "keyList": []})
    assert got["counters"] == {"likes": -3}, bob.report()

    # not a member: refused (by the SDK itself, 3122, as it does not know the group)
    with pytest.raises(TencentError):
        await carol.call("increaseGroupCounter", {"groupID": gid, "key": "likes", "value": 1})
    r = await server.ok("group_open_http_svc", "get_group_counter", {"GroupId": gid})
    assert r["GroupCounter"] == [{"key": "likes", "value": -3}]


async def test_a_ban_takes_a_viewer_out_of_the_live_room(
    server: RunningServer, tencent: TencentHarness
) -> None:
    host, viewer = await login(server, tencent, "host", "viewer")
    created = await host.call("createGroup", {"type": "AVChatRoom", "name": "live"})
    gid = created["group"]["groupID"]
    for tab in (host, viewer):
        joined = await tab.call("joinGroup", {"groupID": gid})
        assert joined["status"] == "JoinedSuccess", tab.report()
    sent = await host.send_text(gid, "welcome", "GROUP")
    await viewer.wait_event("MESSAGE_RECEIVED", lambda d: any(m["ID"] == sent["ID"] for m in d))

    ban = {"GroupId": gid, "Members_Account": ["viewer"], "Duration": 600, "Description": "rude"}
    await server.ok("group_open_http_svc", "ban_group_member", ban)
    r = await server.ok("group_open_http_svc", "get_group_ban_member", {"GroupId": gid})
    assert [i["Member_Account"] for i in r["BannedAccountList"]] == ["viewer"]
    await host.send_text(gid, "after the ban", "GROUP")
    # the banned viewer gets nothing more of the room: the next message it gets is a
    # C2C one sent after the room's last
    await host.send_text("viewer", "marker")
    texts = [m["payload"].get("text") for m in await viewer.received(1)]
    while texts[-1] != "marker":
        texts += [m["payload"].get("text") for m in await viewer.received(1)]
    assert "after the ban" not in texts, viewer.report()
    with pytest.raises(TencentError) as err:
        await viewer.call("joinGroup", {"groupID": gid})
    assert err.value.code == 10007, viewer.report()

    await server.ok(
        "group_open_http_svc", "unban_group_member", {"GroupId": gid, "Members_Account": ["viewer"]}
    )
    joined = await viewer.call("joinGroup", {"groupID": gid})
    assert joined["status"] == "JoinedSuccess", viewer.report()
    sent = await host.send_text(gid, "welcome back", "GROUP")
    await viewer.wait_event("MESSAGE_RECEIVED", lambda d: any(m["ID"] == sent["ID"] for m in d))


async def test_community_topics(server: RunningServer, tencent: TencentHarness) -> None:
    alice, bob = await login(server, tencent, "alice", "bob")
    body = {
        "Type": "Community",
        "Name": "club",
        "Owner_Account": "alice",
        "MemberList": [{"Member_Account": "bob"}],
    }
    gid = (await server.ok("group_open_http_svc", "create_group", body))["GroupId"]
    await bob.wait_event("GROUP_LIST_UPDATED", lambda d: any(g["groupID"] == gid for g in d))

    made = await alice.call(
        "createTopicInCommunity", {"groupID": gid, "topicName": "news", "introduction": "daily"}
    )
    news = made["topicID"]
    assert news.startswith(gid + "@TOPIC#_"), alice.report()
    listed = await bob.call("getTopicList", {"groupID": gid, "topicIDList": []})
    topics = listed["successTopicList"]
    assert [(t["topicID"], t["topicName"], t["introduction"]) for t in topics] == [
        (news, "news", "daily")
    ], bob.report()

    await alice.call(
        "updateTopicProfile",
        {"groupID": gid, "topicID": news, "topicName": "headlines", "muteAllMembers": True},
    )
    r = await server.ok("group_open_http_svc", "get_topic", {"GroupId": gid})
    t = r["TopicInfo"][0]
    assert (t["TopicName"], t["MuteAllMember"]) == ("headlines", "On")

    # a member who is not the owner or an admin may not make topics
    with pytest.raises(TencentError) as err:
        await bob.call("createTopicInCommunity", {"groupID": gid, "topicName": "mine"})
    assert err.value.code == 10007

    gone = await alice.call("deleteTopicFromCommunity", {"groupID": gid, "topicIDList": [news]})
    assert gone["successTopicList"] == [{"topicID": news}], alice.report()
    r = await server.ok("group_open_http_svc", "get_topic", {"GroupId": gid})
    assert r["TopicInfo"] == []
