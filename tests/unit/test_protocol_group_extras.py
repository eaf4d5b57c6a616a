"""Group attribute and counter pushes, in Palaver's protocol and in Tencent's."""

from __future__ import annotations

from typing import Any

import orjson

from palaver.model.events import GroupAttributesChanged, GroupCountersChanged
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
