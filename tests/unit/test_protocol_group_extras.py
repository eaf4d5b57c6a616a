"""Group attribute, counter and topic pushes, and topic messages, in Palaver's
protocol and in Tencent's."""

from __future__ import annotations

from typing import Any

import orjson

from palaver.model.events import (
    GroupAttributesChanged,
    GroupCountersChanged,
    TopicProfile,
    TopicsChanged,
)
from palaver.model.messages import MessageRecord, group_conv_id, topic_group
from palaver.protocol import pushes as p
from palaver.protocol.tencent.pushes import TENCENT


def tips(push: Any) -> dict[str, Any]:
    frame = orjson.loads(TENCENT.encode_push(push))
    [event] = frame["body"]["EventArray"]
    assert event["Event"] == 6
    [item] = event["GroupTips"]
    assert item["ToGroupId"] == "g1"
    body: dict[str, Any] = item["MsgBody"]
    return body


def test_attribute_changes() -> None:
    n = GroupAttributesChanged("g1", "set", 4, (("a", "1"), ("b", "2")), changed=("b",))
    push = p.notice_push(n)
    assert (push.ev, push.stream, push.seq) == ("GROUP_ATTRIBUTES_UPDATED", "GROUPg1", None)
    assert push.data == {
        "groupID": "g1",
        "groupAttributes": {"a": "1", "b": "2"},
        "updatedKeyList": ["b"],
        "deletedKeyList": [],
        "operation": "set",
        "mainSequence": 4,
    }
    option = tips(push)["MsgGroupNewInfo"]["GroupAttrOption"]
    assert option == {
        "GroupAttrSeq": 4,
        "PushChangedAttrValFlag": 1,
        "GroupAttrInfo": [{"key": "b", "Val": "2", "SubKeySeq": 4}],
        "OpType": 2,
    }
    gone = p.notice_push(GroupAttributesChanged("g1", "delete", 5, (("a", "1"),), deleted=("b",)))
    option = tips(gone)["MsgGroupNewInfo"]["GroupAttrOption"]
    assert (option["OpType"], option["GroupAttrInfo"]) == (
        4,
        [{"key": "b", "Val": "", "SubKeySeq": 5}],
    )
    clear = p.notice_push(GroupAttributesChanged("g1", "clear", 6, (), deleted=("a",)))
    assert tips(clear)["MsgGroupNewInfo"]["GroupAttrOption"]["OpType"] == 3
    init = p.notice_push(GroupAttributesChanged("g1", "init", 1, (("x", "y"),), changed=("x",)))
    option = tips(init)["MsgGroupNewInfo"]["GroupAttrOption"]
    assert (option["OpType"], option["GroupAttrInfo"][0]["Val"]) == (1, "y")


def test_counter_changes() -> None:
    push = p.notice_push(GroupCountersChanged("g1", 7, (("likes", 3), ("views", -1))))
    assert (push.ev, push.stream) == ("GROUP_COUNTER_UPDATED", "GROUPg1")
    assert push.data == {"groupID": "g1", "counters": {"likes": 3, "views": -1}, "sequence": 7}
    assert tips(push)["groupCounterInfo"] == [
        {
            "type": 0,
            "groupCounterSeq": 7,
            "counterList": [{"key": "likes", "value": 3}, {"key": "views", "value": -1}],
        }
    ]


TOPIC = TopicProfile("@TGS#_g@TOPIC#_t", "@TGS#_g", "news", "f", "i", "n", "c", True, 5)


def tencent_item(push: Any, event: int) -> dict[str, Any]:
    frame = orjson.loads(TENCENT.encode_push(push))
    [ev] = frame["body"]["EventArray"]
    assert ev["Event"] == event
    [item] = ev["GroupTips"]
    info = item["GroupInfo"]
    assert (info["GroupId"], info["MillionGroupFlag"], item["ToGroupId"]) == (
        "@TGS#_g",
        2,
        "@TGS#_g",
    )
    out: dict[str, Any] = item
    return out


def test_topic_changes() -> None:
    created = p.notice_push(TopicsChanged("@TGS#_g", "created", TOPIC))
    assert (created.ev, created.stream, created.seq) == ("TOPIC_CREATED", "GROUP@TGS#_g", None)
    assert created.data["topicID"] == TOPIC.topic_id
    assert created.data["topic"]["muteAllMembers"] is True
    item = tencent_item(created, 5)  # a system notice the SDK turns into TOPIC_CREATED
    assert item["GroupInfo"]["TopicId"] == TOPIC.topic_id
    assert item["MsgBody"] == {"OpType": 17}

    updated = p.notice_push(TopicsChanged("@TGS#_g", "updated", TOPIC))
    assert updated.ev == "TOPIC_UPDATED" and "topicID" not in updated.data
    item = tencent_item(updated, 4)  # a group tip of the topic
    assert item["GroupInfo"]["TopicId"] == TOPIC.topic_id
    assert item["MsgBody"]["OpType"] == 8
    assert item["MsgBody"]["MsgTopicNewInfo"] == {
        "TopicName": "news",
        "TopicFaceUrl": "f",
        "TopicIntroduction": "i",
        "TopicNotification": "n",
        "CustomString": "c",
        "ShutupAll": 1,
    }

    deleted = p.notice_push(TopicsChanged("@TGS#_g", "deleted", deleted=("a", "b")))
    assert deleted.data == {"groupID": "@TGS#_g", "topicIDList": ["a", "b"]}
    item = tencent_item(deleted, 5)
    assert "TopicId" not in item["GroupInfo"]
    assert item["MsgBody"] == {"OpType": 18, "TopicIdArray": ["a", "b"]}


def test_topic_messages() -> None:
    """A topic's message: pushed outside every stream; in Tencent's protocol its group
    is ``GroupId`` and the topic ``TopicId``."""
    m = MessageRecord(
        id=3,
        conv_id=group_conv_id(TOPIC.topic_id),
        seq=2,
        sender="bob",
        receiver=TOPIC.topic_id,
        time=10,
        random=1,
        body=[{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}],
    )
    push = p.group_message_push(m)
    assert (push.seq, push.stream) == (None, "GROUP" + TOPIC.topic_id)
    frame = orjson.loads(TENCENT.encode_push(push))
    assert "NeedAck" not in frame["body"]
    [ev] = frame["body"]["EventArray"]
    [item] = ev["GroupMsgArray"]
    assert (item["GroupId"], item["ToGroupId"], item["TopicId"], item["MsgSeq"]) == (
        "@TGS#_g",
        "@TGS#_g",
        TOPIC.topic_id,
        2,
    )
    assert item["GroupInfo"]["MillionGroupFlag"] == 2
    assert topic_group(TOPIC.topic_id) == "@TGS#_g"
    assert topic_group("@TGS#_g") is None and topic_group("@TOPIC#_x") is None
