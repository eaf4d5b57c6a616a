"""Push to everyone (issue 17, People): REST ``all_member_push`` — attribute
names, user attributes and tags, and ``im_push`` to everyone or to those a
condition selects, online only or kept offline."""

from __future__ import annotations

from typing import Any

from conftest import RunningServer
from test_ws_social import Client, online

SVC = "all_member_push"


def body(text: str, random: int, **extra: Any) -> dict[str, Any]:
    return {
        "MsgRandom": random,
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}],
        **extra,
    }


async def fails(server: RunningServer, command: str, data: dict[str, Any]) -> int:
    r = await server.rest(SVC, command, data)
    assert r["ActionStatus"] == "FAIL", r
    return int(r["ErrorCode"])


async def test_attribute_names_attributes_and_tags(server: RunningServer) -> None:
    await server.import_users("u1", "u2")
    await server.ok(SVC, "im_set_attr_name", {"AttrNames": {"0": "city", "1": "tier"}})
    got = await server.ok(SVC, "im_get_attr_name", {})
    assert got["AttrNames"] == {"0": "city", "1": "tier"}
    assert await fails(server, "im_set_attr_name", {"AttrNames": {"10": "x"}}) == 90001
    assert await fails(server, "im_set_attr_name", {"AttrNames": {"2": "city"}}) == 90001
    assert await fails(server, "im_set_attr_name", {"AttrNames": {"2": "x" * 51}}) == 90001

    r = await server.ok(
        SVC,
        "im_set_attr",
        {
            "UserAttrs": [
                {"To_Account": "u1", "Attrs": {"city": "Paris", "tier": "gold"}},
                {"To_Account": "ghost", "Attrs": {"city": "Rome"}},
            ]
        },
    )
    assert r["ErrorList"] == [
        {"To_Account": "ghost", "ErrorCode": 70107, "ErrorInfo": "account does not exist"}
    ]
    unnamed = {"UserAttrs": [{"To_Account": "u1", "Attrs": {"age": "3"}}]}
    assert await fails(server, "im_set_attr", unnamed) == 90001
    got = await server.ok(SVC, "im_get_attr", {"To_Account": ["u1", "u2"]})
    assert got["UserAttrs"] == [
        {"To_Account": "u1", "Attrs": {"city": "Paris", "tier": "gold"}},
        {"To_Account": "u2", "Attrs": {}},
    ]
    await server.ok(
        SVC, "im_remove_attr", {"UserAttrs": [{"To_Account": "u1", "Attrs": {"tier": ""}}]}
    )
    got = await server.ok(SVC, "im_get_attr", {"To_Account": ["u1"]})
    assert got["UserAttrs"][0]["Attrs"] == {"city": "Paris"}

    await server.ok(SVC, "im_add_tag", {"UserTags": [{"To_Account": "u1", "Tags": ["a", "b"]}]})
    await server.ok(SVC, "im_add_tag", {"UserTags": [{"To_Account": "u2", "Tags": ["b"]}]})
    got = await server.ok(SVC, "im_get_tag", {"To_Account": ["u1", "u2", "ghost"]})
    assert got["UserTags"] == [
        {"To_Account": "u1", "Tags": ["a", "b"]},
        {"To_Account": "u2", "Tags": ["b"]},
    ]
    assert [e["To_Account"] for e in got["ErrorList"]] == ["ghost"]
    eleven = {"UserTags": [{"To_Account": "u1", "Tags": [f"t{i}" for i in range(9)]}]}
    assert await fails(server, "im_add_tag", eleven) == 90001
    await server.ok(SVC, "im_remove_tag", {"UserTags": [{"To_Account": "u1", "Tags": ["a"]}]})
    await server.ok(SVC, "im_remove_all_tags", {"To_Account": ["u2"]})
    got = await server.ok(SVC, "im_get_tag", {"To_Account": ["u1", "u2"]})
    assert [g["Tags"] for g in got["UserTags"]] == [["b"], []]
    assert await fails(server, "im_get_tag", {"To_Account": []}) == 90001
    # an App admin's commands only
    r = await server.rest(SVC, "im_get_attr_name", {}, identifier="u1", usersig=server.sig("u1"))
    assert r["ErrorCode"] == 60010


async def test_push_to_everyone_and_by_condition(server: RunningServer) -> None:
    alice, bob, carol = await online(server, "alice", "bob", "carol")
    await server.import_users("boss", "dora")  # dora stays offline
    await server.ok(
        SVC, "im_add_tag", {"UserTags": [{"To_Account": "alice", "Tags": ["vip", "eu"]}]}
    )
    await server.ok(SVC, "im_add_tag", {"UserTags": [{"To_Account": "bob", "Tags": ["eu"]}]})
    await server.ok(SVC, "im_set_attr_name", {"AttrNames": {"0": "city"}})
    await server.ok(
        SVC, "im_set_attr", {"UserAttrs": [{"To_Account": "carol", "Attrs": {"city": "Oslo"}}]}
    )

    async def received(c: Client, text: str) -> None:
        [push] = await c.expect("MESSAGE_RECEIVED")
        m = push.data["message"]
        assert (m["from"], m["payload"]["text"]) == ("boss", text), m

    # everyone (but the sender), online only: dora gets nothing, even later
    r = await server.ok(SVC, "im_push", body("hello all", 1, From_Account="boss"))
    assert isinstance(r["TaskId"], str) and r["TaskId"]
    await server.hub.push_all.settled()
    for c in (alice, bob, carol):
        await received(c, "hello all")

    # TagsAnd: alice only; TagsOr: alice and bob; AttrsOr: carol
    await server.ok(
        SVC, "im_push", body("vips", 2, From_Account="boss", Condition={"TagsAnd": ["vip", "eu"]})
    )
    await server.hub.push_all.settled()
    await received(alice, "vips")
    await server.ok(
        SVC, "im_push", body("europe", 3, From_Account="boss", Condition={"TagsOr": ["eu", "x"]})
    )
    await server.hub.push_all.settled()
    await received(alice, "europe")
    await received(bob, "europe")
    await server.ok(
        SVC,
        "im_push",
        body("oslo", 4, From_Account="boss", Condition={"AttrsOr": {"city": "Oslo"}}),
    )
    await server.hub.push_all.settled()
    await received(carol, "oslo")
    for c in (alice, bob, carol):
        await c.quiet()

    # kept offline (MsgLifeTime): dora finds it when she logs in
    await server.ok(SVC, "im_push", body("kept", 5, From_Account="boss", MsgLifeTime=120))
    await server.hub.push_all.settled()
    for c in (alice, bob, carol):
        await received(c, "kept")
    dora = Client(server, "dora")
    await dora.login()
    history = await dora.ok("getMessageList", {"conversationID": "C2Cboss"})
    assert [m["payload"]["text"] for m in history["messageList"]] == ["kept"]
    # the sender's own conversations are left alone
    boss = Client(server, "boss")
    await boss.login()
    assert (await boss.ok("getConversationList"))["conversationList"] == []

    # bad pushes
    mixed = {"TagsOr": ["eu"], "AttrsOr": {"city": "Oslo"}}
    assert (
        await fails(server, "im_push", body("x", 6, From_Account="boss", Condition=mixed)) == 90001
    )
    assert await fails(server, "im_push", body("x", 7, From_Account="ghost")) == 90048
    assert await fails(server, "im_push", body("x", 9, MsgLifeTime=604801)) == 90001
    assert (
        await fails(server, "im_push", {"MsgRandom": 1, "From_Account": "boss", "MsgBody": []})
        == 90007
    )
    assert await fails(server, "im_push", {"From_Account": "boss"}) == 90001
