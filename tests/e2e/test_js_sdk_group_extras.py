"""Group attributes and counters in the JavaScript SDK (``/sdk/palaver-chat.js``),
in real Chromium against a real server: calls, the events other members get, and
permission errors."""

from __future__ import annotations

import pytest

from conftest import RunningServer
from test_js_sdk_group import Open, create_group, open_chat

__all__ = ["open_chat"]  # the fixture, used by name

pytestmark = pytest.mark.timeout(120)

ATTRS = "groupAttributesUpdated"
COUNTER = "onGroupCounterUpdated"


async def test_group_attributes_and_counters(server: RunningServer, open_chat: Open) -> None:
    alice = await open_chat("alice")
    bob = await open_chat("bob")
    carol = await open_chat("carol")
    gid = (await create_group(alice, ["bob"], "Public", "Club"))["groupID"]

    data = await alice.ok(
        "chat.initGroupAttributes({groupID: a, groupAttributes: {a: '1', b: '2'}})", gid
    )
    assert data == {"groupAttributes": {"a": "1", "b": "2"}}
    ev = await bob.until(ATTRS, '"b":"2"')
    assert ev["groupID"] == gid and sorted(ev["updatedKeyList"]) == ["a", "b"]
    await bob.ok("chat.setGroupAttributes({groupID: a, groupAttributes: {a: '9'}})", gid)
    ev = await alice.until(ATTRS, '"a":"9"')
    assert ev["groupAttributes"] == {"a": "9", "b": "2"} and ev["updatedKeyList"] == ["a"]
    data = await bob.ok("chat.deleteGroupAttributes({groupID: a, keyList: ['b']})", gid)
    assert data == {"keyList": ["b"]}
    data = await alice.ok("chat.getGroupAttributes({groupID: a})", gid)
    assert data == {"groupAttributes": {"a": "9"}}

    data = await alice.ok("chat.setGroupCounters({groupID: a, counters: {likes: 2}})", gid)
    assert data == {"counters": {"likes": 2}}
    ev = await bob.until(COUNTER, '"likes"')
    assert ev == {"groupID": gid, "key": "likes", "value": 2}
    data = await bob.ok("chat.increaseGroupCounter({groupID: a, key: 'likes', value: 3})", gid)
    assert data == {"counters": {"likes": 5}}
    data = await bob.ok("chat.decreaseGroupCounter({groupID: a, key: 'likes', value: 1})", gid)
    assert data == {"counters": {"likes": 4}}
    assert (await alice.until(COUNTER, '"value":4'))["key"] == "likes"
    assert await alice.ok("chat.getGroupCounters({groupID: a})", gid) == {"counters": {"likes": 4}}

    err = await carol.fails("chat.setGroupAttributes({groupID: a, groupAttributes: {x: 'y'}})", gid)
    assert err["code"] == 10007
    err = await carol.fails("chat.getGroupCounters({groupID: a})", gid)
    assert err["code"] == 10007
    err = await alice.fails("chat.getGroupCounters({})", None)
    assert err["code"] == 6017


async def test_community_topics(server: RunningServer, open_chat: Open) -> None:
    alice = await open_chat("alice")
    bob = await open_chat("bob")
    gid = (await create_group(alice, ["bob"], "Community", "Club"))["groupID"]
    made = await alice.ok("chat.createTopicInCommunity({groupID: a, topicName: 'news'})", gid)
    topic_id = made["topicID"]
    assert topic_id.startswith(gid + "@TOPIC#_")
    listed = await bob.ok("chat.getTopicList({groupID: a})", gid)
    assert [t["topicName"] for t in listed["successTopicList"]] == ["news"]
    data = await alice.ok(
        "chat.updateTopicProfile({groupID: a.g, topicID: a.t, notification: 'hi'})",
        {"g": gid, "t": topic_id},
    )
    assert data["topic"]["notification"] == "hi"
    err = await bob.fails("chat.createTopicInCommunity({groupID: a, topicName: 'mine'})", gid)
    assert err["code"] == 10007
    data = await alice.ok(
        "chat.deleteTopicFromCommunity({groupID: a.g, topicIDList: [a.t]})",
        {"g": gid, "t": topic_id},
    )
    assert data["successTopicList"] == [{"topicID": topic_id}]
