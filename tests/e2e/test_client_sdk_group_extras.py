"""The Python SDK's group attributes and counters (``palaver.client``) against a
real server: calls, the events other members see, and permission errors."""

from __future__ import annotations

import pytest

from conftest import RunningServer
from palaver.client import EVENT, TYPES, ChatError
from test_client_sdk import Connect, connect

__all__ = ["connect"]  # the fixture, used by name


async def test_attributes_and_counters(server: RunningServer, connect: Connect) -> None:
    await server.import_users("alice", "bob", "carol")
    alice, a = await connect("alice")
    bob, b = await connect("bob")
    carol, _ = await connect("carol")
    created = await alice.create_group(
        type=TYPES.GRP_PUBLIC, name="team", member_list=[{"userID": "bob"}]
    )
    gid = created["group"]["groupID"]
    assert EVENT.GROUP_COUNTER_UPDATED == "onGroupCounterUpdated"

    await alice.init_group_attributes(gid, {"a": "1", "b": "2"})
    ev = await b.until(EVENT.GROUP_ATTRIBUTES_UPDATED, lambda d: d["groupID"] == gid)
    assert ev["groupAttributes"] == {"a": "1", "b": "2"}
    assert sorted(ev["updatedKeyList"]) == ["a", "b"]
    await bob.set_group_attributes(gid, {"a": "9"})
    ev = await a.until(EVENT.GROUP_ATTRIBUTES_UPDATED, lambda d: d["updatedKeyList"] == ["a"])
    assert ev["groupAttributes"] == {"a": "9", "b": "2"}
    assert await bob.delete_group_attributes(gid, ["b"]) == {"keyList": ["b"]}
    ev = await a.until(EVENT.GROUP_ATTRIBUTES_UPDATED, lambda d: d["deletedKeyList"] == ["b"])
    assert await alice.get_group_attributes(gid) == {"groupAttributes": {"a": "9"}}
    assert await alice.delete_group_attributes(gid) == {"keyList": ["a"]}

    assert await alice.set_group_counters(gid, {"n": 1}) == {"counters": {"n": 1}}
    ev = await b.until(EVENT.GROUP_COUNTER_UPDATED, lambda d: d["key"] == "n")
    assert ev == {"groupID": gid, "key": "n", "value": 1}
    assert await bob.increase_group_counter(gid, "n", 4) == {"counters": {"n": 5}}
    assert await bob.decrease_group_counter(gid, "n", 2) == {"counters": {"n": 3}}
    await a.until(EVENT.GROUP_COUNTER_UPDATED, lambda d: d["value"] == 3)
    assert await alice.get_group_counters(gid, ["n", "x"]) == {"counters": {"n": 3}}

    for call in (
        carol.set_group_attributes(gid, {"x": "y"}),
        carol.get_group_attributes(gid),
        carol.increase_group_counter(gid, "n", 1),
        carol.get_group_counters(gid),
    ):
        with pytest.raises(ChatError) as err:
            await call
        assert err.value.code == 10007
    with pytest.raises(ChatError) as err:
        await alice.set_group_attributes(gid, {"k" * 33: "v"})
    assert err.value.code == 10004


async def test_community_topics(server: RunningServer, connect: Connect) -> None:
    await server.import_users("alice", "bob")
    alice, _ = await connect("alice")
    bob, _ = await connect("bob")
    created = await alice.create_group(
        type=TYPES.GRP_COMMUNITY, name="club", member_list=[{"userID": "bob"}]
    )
    gid = created["group"]["groupID"]
    made = await alice.create_topic_in_community(gid, "news", introduction="daily")
    topic_id = made["topicID"]
    listed = await bob.get_topic_list(gid)
    assert [(t["topicID"], t["introduction"]) for t in listed["successTopicList"]] == [
        (topic_id, "daily")
    ]
    r = await alice.update_topic_profile(gid, topic_id, topic_name="headlines")
    assert r["topic"]["topicName"] == "headlines"
    with pytest.raises(ChatError) as err:
        await bob.create_topic_in_community(gid, "mine")
    assert err.value.code == 10007
    r = await alice.delete_topic_from_community(gid, [topic_id])
    assert r["successTopicList"] == [{"topicID": topic_id}]
    assert (await bob.get_topic_list(gid))["successTopicList"] == []
