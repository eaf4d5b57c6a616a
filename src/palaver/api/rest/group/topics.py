"""REST commands about the topics of Community groups, as an App admin:
``create_topic``, ``get_topic``, ``modify_topic``, ``destroy_topic``
(cloud.tencent.com/document/product/269/78120 and neighbours), over
``hub.groups.topics`` (:mod:`palaver.services.groups.topics`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, StrictStr

from palaver.api.rest.core import RestRequest, command
from palaver.api.rest.group.wire import SVC, GroupRequest
from palaver.services.groups.topics import MAX_TOPICS, Topic


def topic_info(t: Topic) -> dict[str, Any]:
    """A ``TopicInfo`` item."""
    return {
        "TopicId": t.topic_id,
        "TopicName": t.name,
        "FaceUrl": t.face_url,
        "Introduction": t.introduction,
        "Notification": t.notification,
        "CustomString": t.custom_data,
        "CreateTime": t.created_at,
        "MuteAllMember": "On" if t.mute_all else "Off",
    }


class CreateTopic(GroupRequest):
    """``{"GroupId", "TopicName", "TopicId"?, "FaceUrl"?, "Introduction"?,
    "Notification"?, "CustomString"?}``."""

    TopicName: StrictStr
    TopicId: StrictStr | None = None
    FaceUrl: StrictStr = ""
    Introduction: StrictStr = ""
    Notification: StrictStr = ""
    CustomString: StrictStr = ""


@command(SVC, "create_topic", CreateTopic)
async def create_topic(req: RestRequest, body: CreateTopic) -> dict[str, Any]:
    """A topic in a Community group: ``TopicId`` (``<GroupId>@TOPIC#_<suffix>``).
    Errors: 10010 no group, 10007 not a Community group, 10004 no name or a field
    too long or over 100 topics, 10015 a bad ``TopicId``, 10021 ``TopicId`` taken."""
    topic = await req.hub.groups.topics.create(
        req.app,
        req.identifier,
        body.GroupId,
        admin=True,
        name=body.TopicName,
        topic_id=body.TopicId,
        face_url=body.FaceUrl,
        introduction=body.Introduction,
        notification=body.Notification,
        custom_data=body.CustomString,
    )
    return {"TopicId": topic.topic_id}


class GetTopic(GroupRequest):
    """``{"GroupId", "TopicIdList"?: [...]}`` (all topics without it)."""

    TopicIdList: Annotated[list[StrictStr], Field(max_length=MAX_TOPICS)] | None = None


@command(SVC, "get_topic", GetTopic)
async def get_topic(req: RestRequest, body: GetTopic) -> dict[str, Any]:
    """``TopicInfo: [{"TopicId", "TopicName", "FaceUrl", "Introduction",
    "Notification", "CustomString", "CreateTime", "MuteAllMember", "ErrorCode"}]``,
    oldest first; a listed ID without a topic gets ``ErrorCode`` 10010.
    Errors: 10010 no group."""
    found = await req.hub.groups.topics.get(req.app, None, body.GroupId, body.TopicIdList)
    items = [{**topic_info(t), "ErrorCode": 0} for t in found]
    have = {t.topic_id for t in found}
    missing = [t for t in dict.fromkeys(body.TopicIdList or []) if t not in have]
    items += [{"TopicId": t, "ErrorCode": 10010} for t in missing]
    return {"TopicInfo": items}


class ModifyTopic(GroupRequest):
    """``{"GroupId", "TopicId", "TopicName"?, "FaceUrl"?, "Introduction"?,
    "Notification"?, "CustomString"?, "MuteAllMember"?: "On"|"Off"}`` (older
    ``ShutUpAllMember``)."""

    TopicId: StrictStr
    TopicName: StrictStr | None = None
    FaceUrl: StrictStr | None = None
    Introduction: StrictStr | None = None
    Notification: StrictStr | None = None
    CustomString: StrictStr | None = None
    MuteAllMember: Literal["On", "Off"] | None = Field(
        None, validation_alias=AliasChoices("MuteAllMember", "ShutUpAllMember")
    )


@command(SVC, "modify_topic", ModifyTopic)
async def modify_topic(req: RestRequest, body: ModifyTopic) -> None:
    """Change a topic's profile. Errors: 10010 no group or topic, 10007 not a
    Community group, 10004 an empty name or a field too long."""
    changes: dict[str, Any] = {
        "name": body.TopicName,
        "face_url": body.FaceUrl,
        "introduction": body.Introduction,
        "notification": body.Notification,
        "custom_data": body.CustomString,
        "mute_all": None if body.MuteAllMember is None else body.MuteAllMember == "On",
    }
    await req.hub.groups.topics.modify(
        req.app,
        req.identifier,
        body.GroupId,
        body.TopicId,
        admin=True,
        **{k: v for k, v in changes.items() if v is not None},
    )


class DestroyTopic(GroupRequest):
    """``{"GroupId", "TopicIdList": [...]}``."""

    TopicIdList: Annotated[list[StrictStr], Field(min_length=1, max_length=MAX_TOPICS)]


@command(SVC, "destroy_topic", DestroyTopic)
async def destroy_topic(req: RestRequest, body: DestroyTopic) -> dict[str, Any]:
    """Delete topics: ``DestroyResultItem: [{"TopicId", "ErrorCode" (0, or 10010
    none such), "ErrorInfo"}]``. Errors: 10010 no group, 10007 not a Community group."""
    ids = list(dict.fromkeys(body.TopicIdList))
    codes = await req.hub.groups.topics.destroy(
        req.app, req.identifier, body.GroupId, ids, admin=True
    )
    return {
        "DestroyResultItem": [
            {"TopicId": t, "ErrorCode": codes[t], "ErrorInfo": "" if not codes[t] else "no topic"}
            for t in ids
        ]
    }
