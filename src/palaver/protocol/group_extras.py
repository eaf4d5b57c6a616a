"""Pushes of group attributes and counters (docs/protocol.md §8.5), one typed
definition each: ``GROUP_ATTRIBUTES_UPDATED`` and ``GROUP_COUNTER_UPDATED``,
named and shaped as ``@tencentcloud/chat``'s events of the same names; and the
topic pushes of Community groups (§8.6): ``TOPIC_CREATED``, ``TOPIC_UPDATED``,
``TOPIC_DELETED``, shaped as the SDK's events.
"""

from __future__ import annotations

from typing import Any, TypedDict

from palaver.model.events import (
    GroupAttributesChanged,
    GroupCountersChanged,
    TopicProfile,
    TopicsChanged,
)
from palaver.protocol.frames import Push
from palaver.protocol.objects import GROUP


class GroupAttributesUpdated(TypedDict):
    """``GROUP_ATTRIBUTES_UPDATED``: ``groupAttributes`` every attribute now,
    ``updatedKeyList``/``deletedKeyList`` what changed, ``operation`` ``init``,
    ``set``, ``delete`` or ``clear``, ``mainSequence`` the attribute sequence."""

    groupID: str
    groupAttributes: dict[str, str]
    updatedKeyList: list[str]
    deletedKeyList: list[str]
    operation: str
    mainSequence: int


class GroupCounterUpdated(TypedDict):
    """``GROUP_COUNTER_UPDATED``: the counters that changed, their new values, and
    the counter sequence."""

    groupID: str
    counters: dict[str, int]
    sequence: int


def attributes_push(n: GroupAttributesChanged) -> Push:
    """The push of a :class:`GroupAttributesChanged` on the group's stream (no ``seq``)."""
    data = GroupAttributesUpdated(
        groupID=n.group_id,
        groupAttributes=dict(n.attributes),
        updatedKeyList=list(n.changed),
        deletedKeyList=list(n.deleted),
        operation=n.op,
        mainSequence=n.seq,
    )
    return Push("GROUP_ATTRIBUTES_UPDATED", data, None, GROUP + n.group_id)


def counters_push(n: GroupCountersChanged) -> Push:
    """The push of a :class:`GroupCountersChanged` on the group's stream (no ``seq``)."""
    data = GroupCounterUpdated(groupID=n.group_id, counters=dict(n.counters), sequence=n.seq)
    return Push("GROUP_COUNTER_UPDATED", data, None, GROUP + n.group_id)


def topic_view(t: TopicProfile) -> dict[str, Any]:
    """A topic object: ``{topicID, groupID, topicName, avatar, introduction,
    notification, customData, muteAllMembers, createTime}``."""
    return {
        "topicID": t.topic_id,
        "groupID": t.group_id,
        "topicName": t.name,
        "avatar": t.face_url,
        "introduction": t.introduction,
        "notification": t.notification,
        "customData": t.custom_data,
        "muteAllMembers": t.mute_all,
        "createTime": t.created_at,
    }


def topics_push(n: TopicsChanged) -> Push:
    """``TOPIC_CREATED`` ``{groupID, topicID, topic}``, ``TOPIC_UPDATED`` ``{groupID,
    topic}`` or ``TOPIC_DELETED`` ``{groupID, topicIDList}`` (no ``seq``)."""
    data: dict[str, Any] = {"groupID": n.group_id}
    if n.change == "deleted":
        data["topicIDList"] = list(n.deleted)
    else:
        assert n.topic is not None
        if n.change == "created":
            data["topicID"] = n.topic.topic_id
        data["topic"] = topic_view(n.topic)
    return Push(f"TOPIC_{n.change.upper()}", data, None, GROUP + n.group_id)


def group_extras_push(n: GroupAttributesChanged | GroupCountersChanged | TopicsChanged) -> Push:
    """The push of a group attributes, counters or topics change (no ``seq``)."""
    if isinstance(n, GroupAttributesChanged):
        return attributes_push(n)
    if isinstance(n, GroupCountersChanged):
        return counters_push(n)
    return topics_push(n)
