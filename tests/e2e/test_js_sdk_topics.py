"""Messages in Community topics and topic change events in the JavaScript SDK
(``/sdk/palaver-chat.js``), in real Chromium against a real server."""

from __future__ import annotations

import pytest

from conftest import RunningServer
from test_js_sdk_group import Open, create_group, open_chat, send_group

__all__ = ["open_chat"]  # the fixture, used by name

pytestmark = pytest.mark.timeout(120)


async def test_topic_messages_and_events(server: RunningServer, open_chat: Open) -> None:
    alice = await open_chat("alice")
    bob = await open_chat("bob")
    carol = await open_chat("carol")
    gid = (await create_group(alice, ["bob"], "Community", "Club"))["groupID"]

    made = await alice.ok("chat.createTopicInCommunity({groupID: a, topicName: 'news'})", gid)
    news = made["topicID"]
    ev = await bob.until("onTopicCreated", news)
    assert ev == {"groupID": gid, "topicID": news}

    sent = await send_group(alice, news, "in the topic")
    assert (sent["conversationID"], sent["sequence"]) == ("GROUP" + news, 1)
    got = await bob.until("onMessageReceived", "in the topic")
    assert [m["conversationID"] for m in got] == ["GROUP" + news]
    page = await bob.ok("chat.getMessageList({conversationID: a})", "GROUP" + news)
    assert [m["payload"]["text"] for m in page["messageList"]] == ["in the topic"]
    listed = await bob.ok("chat.getTopicList({groupID: a})", gid)
    assert [(t["topicID"], t["unreadCount"]) for t in listed["successTopicList"]] == [(news, 1)]

    await alice.ok(
        "chat.updateTopicProfile({groupID: a.g, topicID: a.t, notification: 'read me'})",
        {"g": gid, "t": news},
    )
    ev = await bob.until("onTopicUpdated", "read me")
    assert (ev["groupID"], ev["topic"]["topicID"]) == (gid, news)

    err = await carol.fails("chat.getMessageList({conversationID: a})", "GROUP" + news)
    assert err["code"] == 10007

    await alice.ok(
        "chat.deleteTopicFromCommunity({groupID: a.g, topicIDList: [a.t]})", {"g": gid, "t": news}
    )
    ev = await bob.until("onTopicDeleted", news)
    assert ev == {"groupID": gid, "topicIDList": [news]}
