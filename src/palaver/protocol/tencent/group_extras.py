"""Group attribute and counter pushes in Tencent's protocol (added to
:data:`palaver.protocol.tencent.pushes._BUILDERS`).

``@tencentcloud/chat`` takes both as ``GroupTips`` of ``Event`` 6, never shown as
messages: attributes in ``MsgBody.MsgGroupNewInfo.GroupAttrOption``
(``GroupAttrSeq``, ``PushChangedAttrValFlag`` 1, ``GroupAttrInfo: [{key, Val,
SubKeySeq}]``, ``OpType`` 1 init, 2 set, 3 clear, 4 delete), counters in
``MsgBody.groupCounterInfo: [{type: 0, groupCounterSeq, counterList: [{key,
value}]}]``. An SDK that missed a change (its sequence is behind) fetches the
attributes again by itself.

Topic changes of a Community group (``MillionGroupFlag`` 2, ``TopicId`` in the
``GroupInfo``) follow what the SDK turns into ``TOPIC_CREATED`` (system notice
``OpType`` 17), ``TOPIC_DELETED`` (18, ``TopicIdArray``) and ``TOPIC_UPDATED``
(group tip ``OpType`` 8 with ``MsgTopicNewInfo``).
"""

from __future__ import annotations

from typing import Any

from palaver.protocol.frames import Push
from palaver.protocol.tencent.objects import COMMUNITY_FLAG, SYSTEM

Body = dict[str, Any]

EV_GROUP_EXTRA = 6
#: ``GROUP_ATTRIBUTES_UPDATED`` ``operation`` -> ``GroupAttrOption.OpType``.
ATTR_OPS = {"init": 1, "set": 2, "clear": 3, "delete": 4}


def _tip(group_id: str, body: Body) -> Body:
    item = {
        "GroupInfo": {"GroupId": group_id},
        "ToGroupId": group_id,
        "MsgSeq": 0,
        "MsgRandom": 0,
        "MsgTimeStamp": 0,
        "From_Account": "",
        "MsgBody": body,
    }
    return {"EventArray": [{"Event": EV_GROUP_EXTRA, "GroupTips": [item]}]}


def attributes(d: Body, push: Push) -> Body | None:
    """``GROUP_ATTRIBUTES_UPDATED`` as an attribute notice."""
    op = d.get("operation", "set")
    seq = d.get("mainSequence", 0)
    attrs: dict[str, str] = d.get("groupAttributes") or {}
    keys = d.get("deletedKeyList") if op == "delete" else d.get("updatedKeyList")
    info = [
        {"key": k, "Val": attrs.get(k, ""), "SubKeySeq": seq}
        for k in (keys or [])
        if op == "delete" or k in attrs
    ]
    option = {
        "GroupAttrSeq": seq,
        "PushChangedAttrValFlag": 1,
        "GroupAttrInfo": info,
        "OpType": ATTR_OPS.get(op, 2),
    }
    return _tip(d["groupID"], {"OpType": 6, "MsgGroupNewInfo": {"GroupAttrOption": option}})


def counters(d: Body, push: Push) -> Body | None:
    """``GROUP_COUNTER_UPDATED`` as a counter notice."""
    items = [{"key": k, "value": v} for k, v in (d.get("counters") or {}).items()]
    info = [{"type": 0, "groupCounterSeq": d.get("sequence", 0), "counterList": items}]
    return _tip(d["groupID"], {"groupCounterInfo": info})


def _topic_info(d: Body) -> Body:
    """The ``GroupInfo`` of a topic notice: the group, flagged as a community, and
    the topic (``TopicId``) it is about."""
    info: Body = {
        "GroupId": d["groupID"],
        "GroupType": "Community",
        "MillionGroupFlag": COMMUNITY_FLAG,
    }
    topic = d.get("topicID") or (d.get("topic") or {}).get("topicID")
    if topic:
        info["TopicId"] = topic
    return info


def _topic_notice(d: Body, body: Body, event: int) -> Body:
    item = {
        "GroupInfo": _topic_info(d),
        "ToGroupId": d["groupID"],
        "MsgSeq": 1,
        "MsgRandom": 1,
        "MsgTimeStamp": 0,
        "From_Account": SYSTEM,
        "MsgBody": body,
    }
    return {"EventArray": [{"Event": event, "GroupTips": [item]}]}


#: Group system notice ``OpType`` of a new topic and of deleted ones (``Event`` 5).
TOPIC_CREATED = 17
TOPIC_DELETED = 18
#: Group tip ``OpType`` of a topic's profile change (``Event`` 4).
TOPIC_PROFILE = 8
EV_TIP = 4
EV_NOTICE = 5


def topic_created(d: Body, push: Push) -> Body | None:
    """``TOPIC_CREATED``: a group system notice ``OpType`` 17 naming the topic."""
    return _topic_notice(d, {"OpType": TOPIC_CREATED}, EV_NOTICE)


def topic_deleted(d: Body, push: Push) -> Body | None:
    """``TOPIC_DELETED``: a group system notice ``OpType`` 18 with ``TopicIdArray``."""
    body = {"OpType": TOPIC_DELETED, "TopicIdArray": list(d.get("topicIDList") or [])}
    return _topic_notice(d, body, EV_NOTICE)


def topic_updated(d: Body, push: Push) -> Body | None:
    """``TOPIC_UPDATED``: a group tip ``OpType`` 8 of the topic, its profile now in
    ``MsgTopicNewInfo`` (the SDK updates its topic and emits the event)."""
    t = d.get("topic") or {}
    new = {
        "TopicName": t.get("topicName", ""),
        "TopicFaceUrl": t.get("avatar", ""),
        "TopicIntroduction": t.get("introduction", ""),
        "TopicNotification": t.get("notification", ""),
        "CustomString": t.get("customData", ""),
        "ShutupAll": 1 if t.get("muteAllMembers") else 0,
    }
    body = {"OpType": TOPIC_PROFILE, "Operator_Account": "", "MsgTopicNewInfo": new}
    return _topic_notice(d, body, EV_TIP)
