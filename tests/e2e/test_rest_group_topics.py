"""REST topics of Community groups (``create_topic``, ``get_topic``,
``modify_topic``, ``destroy_topic``) through a real server, with their errors."""

from __future__ import annotations

from typing import Any

from conftest import RunningServer

G = "group_open_http_svc"


async def code(server: RunningServer, command: str, body: dict[str, Any]) -> int:
    r = await server.rest(G, command, body)
    assert r["ActionStatus"] == "FAIL", r
    result: int = r["ErrorCode"]
    return result


async def test_topics_of_a_community(server: RunningServer) -> None:
    await server.import_users("owner")
    body = {"Type": "Community", "Name": "club", "Owner_Account": "owner", "GroupId": "club-1"}
    gid = (await server.ok(G, "create_group", body))["GroupId"]

    made = await server.ok(G, "create_topic", {"GroupId": gid, "TopicName": "news"})
    news = made["TopicId"]
    assert news.startswith(gid + "@TOPIC#_") and len(news) > len(gid) + 8
    chosen = gid + "@TOPIC#_chat"
    body = {
        "GroupId": gid,
        "TopicId": chosen,
        "TopicName": "chat",
        "Introduction": "talk",
        "CustomString": "c",
    }
    assert (await server.ok(G, "create_topic", body))["TopicId"] == chosen
    assert await code(server, "create_topic", body) == 10021

    r = await server.ok(G, "get_topic", {"GroupId": gid})  # oldest first; same second: by ID
    assert sorted((t["TopicId"], t["TopicName"]) for t in r["TopicInfo"]) == sorted(
        [(news, "news"), (chosen, "chat")]
    )
    chat = next(t for t in r["TopicInfo"] if t["TopicId"] == chosen)
    assert (chat["Introduction"], chat["CustomString"], chat["MuteAllMember"]) == (
        "talk",
        "c",
        "Off",
    )
    r = await server.ok(
        G, "get_topic", {"GroupId": gid, "TopicIdList": [chosen, gid + "@TOPIC#_x"]}
    )
    assert [(t["TopicId"], t["ErrorCode"]) for t in r["TopicInfo"]] == [
        (chosen, 0),
        (gid + "@TOPIC#_x", 10010),
    ]

    change = {"GroupId": gid, "TopicId": chosen, "TopicName": "talk", "MuteAllMember": "On"}
    await server.ok(G, "modify_topic", change)
    await server.ok(
        G,
        "modify_topic",
        {"GroupId": gid, "TopicId": chosen, "ShutUpAllMember": "Off", "Notification": "n"},
    )
    r = await server.ok(G, "get_topic", {"GroupId": gid, "TopicIdList": [chosen]})
    t = r["TopicInfo"][0]
    assert (t["TopicName"], t["Notification"], t["MuteAllMember"]) == ("talk", "n", "Off")

    r = await server.ok(G, "destroy_topic", {"GroupId": gid, "TopicIdList": [news, news + "x"]})
    assert [(i["TopicId"], i["ErrorCode"]) for i in r["DestroyResultItem"]] == [
        (news, 0),
        (news + "x", 10010),
    ]
    r = await server.ok(G, "get_topic", {"GroupId": gid})
    assert [t["TopicId"] for t in r["TopicInfo"]] == [chosen]

    # a dismissed group takes its topics with it
    await server.ok(G, "destroy_group", {"GroupId": gid})
    again = await server.ok(G, "create_group", {"Type": "Community", "Name": "c", "GroupId": gid})
    assert again["GroupId"] == gid
    assert (await server.ok(G, "get_topic", {"GroupId": gid}))["TopicInfo"] == []


async def test_topic_errors(server: RunningServer) -> None:
    await server.import_users("owner")
    public = (await server.ok(G, "create_group", {"Type": "Public", "Name": "p"}))["GroupId"]
    gid = (await server.ok(G, "create_group", {"Type": "Community", "Name": "c"}))["GroupId"]
    assert await code(server, "create_topic", {"GroupId": public, "TopicName": "t"}) == 10007
    assert await code(server, "create_topic", {"GroupId": "nope", "TopicName": "t"}) == 10010
    assert await code(server, "create_topic", {"GroupId": gid, "TopicName": ""}) == 10004
    assert await code(server, "create_topic", {"GroupId": gid, "TopicName": "t" * 151}) == 10004
    other = {"GroupId": gid, "TopicName": "t", "TopicId": public + "@TOPIC#_t"}
    assert await code(server, "create_topic", other) == 10015
    bare = {"GroupId": gid, "TopicName": "t", "TopicId": gid + "@TOPIC#_"}
    assert await code(server, "create_topic", bare) == 10015
    nope = {"GroupId": gid, "TopicId": gid + "@TOPIC#_none", "TopicName": "x"}
    assert await code(server, "modify_topic", nope) == 10010
    assert await code(server, "get_topic", {"GroupId": "nope"}) == 10010
    assert await code(server, "destroy_topic", {"GroupId": public, "TopicIdList": ["x"]}) == 10007
    assert await code(server, "destroy_topic", {"GroupId": gid, "TopicIdList": []}) == 10004
    for i in range(100):
        await server.ok(G, "create_topic", {"GroupId": gid, "TopicName": f"t{i}"})
    assert await code(server, "create_topic", {"GroupId": gid, "TopicName": "one more"}) == 10004
