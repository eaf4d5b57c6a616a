"""Messages in Community topics through REST and Palaver's protocol (the Python
SDK): a topic is its own message stream, addressed by its ID where a GroupId
goes; members of the group read and send in it, others may not; topic changes
are pushed (``TOPIC_CREATED``, ``TOPIC_UPDATED``, ``TOPIC_DELETED``)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from conftest import RunningServer
from palaver.client import EVENT, ChatError
from test_client_sdk import Connect, connect
from test_client_sdk_group import group_messages, send_group_text

__all__ = ["connect"]  # the fixture, used by name

G = "group_open_http_svc"
GID = "@TGS#_club"


def text(t: str) -> list[dict[str, Any]]:
    return [{"MsgType": "TIMTextElem", "MsgContent": {"Text": t}}]


_random = itertools.count(1)


async def send(server: RunningServer, group: str, sender: str, t: str) -> int:
    """REST ``send_group_msg`` of a text as ``sender``; its ``MsgSeq``."""
    body = {"GroupId": group, "From_Account": sender, "MsgBody": text(t), "Random": next(_random)}
    seq: int = (await server.ok(G, "send_group_msg", body))["MsgSeq"]
    return seq


async def fails(server: RunningServer, command: str, body: dict[str, Any]) -> int:
    r = await server.rest(G, command, body)
    assert r["ActionStatus"] == "FAIL", r
    code: int = r["ErrorCode"]
    return code


async def club(server: RunningServer, *members: str) -> tuple[str, str]:
    """A Community group owned by alice with ``members``, and a topic in it."""
    await server.import_users("alice", "bob", "carol", "dave")
    body = {
        "Type": "Community",
        "Name": "club",
        "GroupId": GID,
        "Owner_Account": "alice",
        "MemberList": [{"Member_Account": m} for m in members],
    }
    assert (await server.ok(G, "create_group", body))["GroupId"] == GID
    news = (await server.ok(G, "create_topic", {"GroupId": GID, "TopicName": "news"}))["TopicId"]
    return GID, news


async def test_rest_topic_messages(server: RunningServer) -> None:
    gid, news = await club(server, "bob")
    chat = (await server.ok(G, "create_topic", {"GroupId": gid, "TopicName": "chat"}))["TopicId"]

    # each topic has its own MsgSeq; the group's own stream is apart
    assert await send(server, news, "bob", "n1") == 1
    assert await send(server, news, "alice", "n2") == 2
    assert await send(server, chat, "alice", "c1") == 1
    group_seq = await send(server, gid, "alice", "g1")

    r = await server.ok(G, "group_msg_get_simple", {"GroupId": news, "ReqMsgNumber": 10})
    assert [(m["MsgSeq"], m["From_Account"], m["MsgBody"]) for m in r["RspMsgList"]] == [
        (2, "alice", text("n2")),
        (1, "bob", text("n1")),
    ]
    r = await server.ok(G, "group_msg_get_simple", {"GroupId": chat, "ReqMsgNumber": 10})
    assert [m["MsgBody"] for m in r["RspMsgList"]] == [text("c1")]
    r = await server.ok(G, "group_msg_get_simple", {"GroupId": gid, "ReqMsgNumber": 10})
    assert [m["MsgSeq"] for m in r["RspMsgList"] if m["MsgBody"] == text("g1")] == [group_seq]
    assert all(m["MsgBody"] not in (text("n1"), text("c1")) for m in r["RspMsgList"])

    # recall in a topic
    r = await server.ok(G, "group_msg_recall", {"GroupId": news, "MsgSeqList": [{"MsgSeq": 1}]})
    assert r["RecallRetList"] == [{"MsgSeq": 1, "RetCode": 0}]
    r = await server.ok(G, "group_msg_get_simple", {"GroupId": news, "ReqMsgNumber": 10})
    assert [(m["MsgSeq"], m["IsPlaceMsg"]) for m in r["RspMsgList"]] == [(2, 0), (1, 1)]

    # a non-member may not send; no such topic; a muted topic
    body = {"GroupId": news, "From_Account": "carol", "MsgBody": text("x"), "Random": 1}
    assert await fails(server, "send_group_msg", body) == 10007
    body = {
        "GroupId": gid + "@TOPIC#_none",
        "From_Account": "bob",
        "MsgBody": text("x"),
        "Random": 1,
    }
    assert await fails(server, "send_group_msg", body) == 10010
    assert (
        await fails(server, "group_msg_get_simple", {"GroupId": body["GroupId"], "ReqMsgNumber": 1})
        == 10010
    )
    await server.ok(G, "modify_topic", {"GroupId": gid, "TopicId": news, "MuteAllMember": "On"})
    body = {"GroupId": news, "From_Account": "bob", "MsgBody": text("x"), "Random": 1}
    assert await fails(server, "send_group_msg", body) == 10017
    assert await send(server, news, "alice", "owner") == 3

    # a deleted topic takes its messages with it; a new one of that ID starts again
    await server.ok(G, "destroy_topic", {"GroupId": gid, "TopicIdList": [news]})
    assert (
        await fails(server, "group_msg_get_simple", {"GroupId": news, "ReqMsgNumber": 1}) == 10010
    )
    await server.ok(G, "create_topic", {"GroupId": gid, "TopicId": news, "TopicName": "again"})
    r = await server.ok(G, "group_msg_get_simple", {"GroupId": news, "ReqMsgNumber": 10})
    assert r["RspMsgList"] == []
    assert await send(server, news, "bob", "fresh") == 1


async def test_community_ids(server: RunningServer) -> None:
    """A Community's custom ID may start ``@TGS#_`` (Tencent's rule, so its SDK knows
    the topics); other types may not, and no new group's ID holds ``@TOPIC#_``."""
    await server.import_users("alice")
    for gtype, gid in (("Public", "@TGS#_pub"), ("Community", "a@TOPIC#_b")):
        body = {"Type": gtype, "Name": "x", "GroupId": gid, "Owner_Account": "alice"}
        assert await fails(server, "create_group", body) == 10015
    body = {"Type": "Community", "Name": "x", "GroupId": "@TGS#_ok", "Owner_Account": "alice"}
    assert (await server.ok(G, "create_group", body))["GroupId"] == "@TGS#_ok"


async def test_sdk_topic_messages(server: RunningServer, connect: Connect) -> None:
    gid, news = await club(server, "bob", "dave")
    alice, a = await connect("alice")
    bob, b = await connect("bob")
    carol, _ = await connect("carol")
    dave, d = await connect("dave")
    assert (EVENT.TOPIC_CREATED, EVENT.TOPIC_UPDATED, EVENT.TOPIC_DELETED) == (
        "onTopicCreated",
        "onTopicUpdated",
        "onTopicDeleted",
    )

    # topic changes reach the members online
    made = await alice.create_topic_in_community(gid, "chat")
    chat = made["topicID"]
    ev = await b.until(EVENT.TOPIC_CREATED, lambda e: e["topicID"] == chat)
    assert ev["groupID"] == gid
    await alice.update_topic_profile(gid, chat, introduction="talk here")
    ev = await b.until(EVENT.TOPIC_UPDATED, lambda e: e["topic"]["topicID"] == chat)
    assert (ev["groupID"], ev["topic"]["introduction"]) == (gid, "talk here")

    # a member sends in a topic; members online get it, in the topic's conversation
    sent = await send_group_text(bob, news, "hi news")
    assert (sent.conversation_id, sent.sequence) == ("GROUP" + news, 1)
    [got] = await group_messages(d, news, 1)
    assert got.payload["text"] == "hi news"
    await send(server, news, "alice", "two")
    [got] = await group_messages(d, news, 1)
    assert (got.payload["text"], got.sequence) == ("two", 2)

    # history and unread counts are the topic's own
    page = await dave.get_message_list("GROUP" + news)
    assert [m.payload["text"] for m in page.message_list] == ["hi news", "two"]
    topics = {t["topicID"]: t for t in (await dave.get_topic_list(gid))["successTopicList"]}
    assert (topics[news]["unreadCount"], topics[news]["nextMessageSeq"]) == (2, 3)
    assert topics[chat]["unreadCount"] == 0
    await dave.set_message_read("GROUP" + news)
    topics = {t["topicID"]: t for t in (await dave.get_topic_list(gid))["successTopicList"]}
    assert (topics[news]["unreadCount"], topics[news]["selfInfo"]["readedSequence"]) == (0, 2)

    # read receipts, as in a group (counted over the group's members)
    ask = await send_group_text(alice, news, "ack please", need_read_receipt=True)
    [got] = await group_messages(d, news, 1)
    assert got.need_read_receipt
    await alice.get_message_read_receipt_list([ask])
    assert ask.read_receipt_info == {"readCount": 0, "unreadCount": 2}
    await dave.set_message_read("GROUP" + news)
    receipt = await a.until(EVENT.MESSAGE_READ_RECEIPT_RECEIVED, lambda rs: True)
    assert [(r["conversationID"], r["messageID"], r["readCount"]) for r in receipt] == [
        ("GROUP" + news, ask.id, 1)
    ]
    read = await alice.get_group_message_read_member_list(ask, filter=0)
    assert read["readUserIDList"] == ["dave"]
    unread = await alice.get_group_message_read_member_list(ask, filter=1)
    assert unread["unreadUserIDList"] == ["bob"]

    # recall, by the sender
    await bob.revoke_message(sent)
    await d.until(EVENT.MESSAGE_REVOKED, lambda ms: any(m.id == sent.id for m in ms))

    # privacy: a non-member can neither read nor send
    for call in (
        carol.get_message_list("GROUP" + news),
        send_group_text(carol, news, "let me in"),
        carol.get_topic_list(gid),
    ):
        with pytest.raises(ChatError) as err:
            await call
        assert err.value.code == 10007

    r = await alice.delete_topic_from_community(gid, [chat])
    assert r["successTopicList"] == [{"topicID": chat}]
    ev = await b.until(EVENT.TOPIC_DELETED, lambda e: chat in e["topicIDList"])
    assert ev["groupID"] == gid
