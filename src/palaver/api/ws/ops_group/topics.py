"""Community topics in Palaver's protocol (docs/protocol.md §8.6):
``createTopicInCommunity``, ``deleteTopicFromCommunity``, ``updateTopicProfile``,
``getTopicList`` (``@tencentcloud/chat`` names and shapes), over
``hub.groups.topics``. The group's owner and admins manage topics; members list them.

Errors: 10010 no group (or topic), 10007 not allowed (not owner/admin, not a
member, not a Community group), 10004 no name or a field too long or over 100
topics, 10015 a topic ID not ``<groupID>@TOPIC#_<suffix>``, 10021 topic ID taken,
6017 data of the wrong shape.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from palaver.api.ws.core import OpModel, Session, op
from palaver.protocol.group_extras import topic_view


class CreateTopic(OpModel):
    """``{groupID, topicName, topicID?, avatar?, introduction?, notification?, customData?}``."""

    groupID: str = Field(min_length=1)
    topicName: str
    topicID: str | None = None
    avatar: str = ""
    introduction: str = ""
    notification: str = ""
    customData: str = ""


@op("createTopicInCommunity", CreateTopic)
async def create_topic(s: Session, d: CreateTopic) -> dict[str, Any]:
    """A topic in a Community group I own or administer: ``{topicID}``."""
    topic = await s.hub.groups.topics.create(
        s.require_app(),
        s.user_id,
        d.groupID,
        admin=False,
        name=d.topicName,
        topic_id=d.topicID,
        face_url=d.avatar,
        introduction=d.introduction,
        notification=d.notification,
        custom_data=d.customData,
    )
    return {"topicID": topic.topic_id}


class TopicIDs(OpModel):
    """``{groupID, topicIDList?}``."""

    groupID: str = Field(min_length=1)
    topicIDList: list[str] = []


@op("deleteTopicFromCommunity", TopicIDs)
async def delete_topics(s: Session, d: TopicIDs) -> dict[str, Any]:
    """Delete topics (all of the group's when ``topicIDList`` is empty):
    ``{successTopicList: [{topicID}], failureTopicList: [{topicID, code, message}]}``."""
    app = s.require_app()
    ids = list(dict.fromkeys(d.topicIDList)) or [
        t.topic_id for t in await s.hub.groups.topics.get(app, s.user_id, d.groupID)
    ]
    codes = await s.hub.groups.topics.destroy(app, s.user_id, d.groupID, ids, admin=False)
    return {
        "successTopicList": [{"topicID": t} for t in ids if not codes[t]],
        "failureTopicList": [
            {"topicID": t, "code": codes[t], "message": "no such topic"} for t in ids if codes[t]
        ],
    }


class UpdateTopic(OpModel):
    """``{groupID, topicID, topicName?, avatar?, introduction?, notification?,
    customData?, muteAllMembers?}``."""

    groupID: str = Field(min_length=1)
    topicID: str
    topicName: str | None = None
    avatar: str | None = None
    introduction: str | None = None
    notification: str | None = None
    customData: str | None = None
    muteAllMembers: bool | None = None


@op("updateTopicProfile", UpdateTopic)
async def update_topic(s: Session, d: UpdateTopic) -> dict[str, Any]:
    """Change a topic's profile (the group's owner or an admin): ``{topic}``."""
    changes = {
        "name": d.topicName,
        "face_url": d.avatar,
        "introduction": d.introduction,
        "notification": d.notification,
        "custom_data": d.customData,
        "mute_all": d.muteAllMembers,
    }
    topic = await s.hub.groups.topics.modify(
        s.require_app(),
        s.user_id,
        d.groupID,
        d.topicID,
        admin=False,
        **{k: v for k, v in changes.items() if v is not None},
    )
    return {"topic": topic_view(topic)}


@op("getTopicList", TopicIDs)
async def get_topics(s: Session, d: TopicIDs) -> dict[str, Any]:
    """The group's topics (members): ``{successTopicList: [topic], failureTopicList:
    [{topicID, code, message}]}`` (a listed ID without a topic fails with 10010).
    Each topic also has my ``unreadCount``, ``nextMessageSeq`` (its newest
    ``MsgSeq`` + 1) and ``selfInfo: {readedSequence}`` (my read position)."""
    app = s.require_app()
    found = await s.hub.groups.topics.get(app, s.user_id, d.groupID, d.topicIDList or None)
    me = await s.hub.groups.topic_messages.self_info(app, s.user_id, [t.topic_id for t in found])
    have = {t.topic_id for t in found}
    return {
        "successTopicList": [
            {
                **topic_view(t),
                "unreadCount": me[t.topic_id].unread,
                "nextMessageSeq": me[t.topic_id].last_seq + 1,
                "selfInfo": {"readedSequence": me[t.topic_id].read_seq},
            }
            for t in found
        ],
        "failureTopicList": [
            {"topicID": t, "code": 10010, "message": "no such topic"}
            for t in dict.fromkeys(d.topicIDList)
            if t not in have
        ],
    }
