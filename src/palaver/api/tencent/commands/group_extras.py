"""Group attributes and counters in Tencent's client protocol: ``set_group_attr``
(``initGroupAttributes``), ``modify_group_attr`` (``setGroupAttributes``),
``delete_group_attr`` / ``clear_group_attr`` (``deleteGroupAttributes``),
``group_open_attr_http_svc.get_group_attr`` (``getGroupAttributes``),
``update_group_counter`` (``setGroupCounters``, ``increaseGroupCounter``,
``decreaseGroupCounter``) and ``get_group_counter`` (``getGroupCounters``), over
``hub.groups.attributes`` and ``hub.groups.counters``; Community topics
(``million_group_open_http_svc.create_topic``, ``destroy_topic``, ``modify_topic``,
``get_topic``: ``createTopicInCommunity``, ``deleteTopicFromCommunity``,
``updateTopicProfile``, ``getTopicList``) over ``hub.groups.topics``; all as the
logged-in user.

Wire names are the SDK's: ``GroupAttr``/``GroupAttrAry`` ``[{key, value, seq}]``,
``AttrMainSeq``, ``AttrControl: ["RaceConflict"]`` (then ``AttrMainSeq`` must be
the sequence now, or 10056), ``GroupCounter: [{key, value}]``, ``mode``.
"""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, Field

from palaver.api.tencent.core import Body, TencentSession, command

SVC = "group_open_http_svc"
ATTR_SVC = "group_open_attr_http_svc"


class _Attr(Body):
    key: str = Field(validation_alias=AliasChoices("key", "Key"))
    value: str = Field("", validation_alias=AliasChoices("value", "Value"))


class AttrWrite(Body):
    GroupId: str
    GroupAttr: list[_Attr] = []
    AttrMainSeq: int = 0
    AttrControl: list[str] = []

    def seen(self) -> int | None:
        """The sequence the SDK last saw, when it asks for the conflict check."""
        return self.AttrMainSeq if "RaceConflict" in self.AttrControl else None


async def _write(s: TencentSession, d: AttrWrite, op: str) -> dict[str, Any]:
    values = {a.key: a.value for a in d.GroupAttr} if op in ("init", "set") else None
    keys = [a.key for a in d.GroupAttr] if op == "delete" else None
    seq, _ = await s.hub.groups.attributes.write(
        s.require_app(), s.user_id, d.GroupId, op, values, keys, seen=d.seen()
    )
    return {"AttrMainSeq": seq, "GroupAttr": [{"key": a.key, "seq": seq} for a in d.GroupAttr]}


@command(SVC, "set_group_attr", AttrWrite)
async def set_group_attr(s: TencentSession, d: AttrWrite) -> dict[str, Any]:
    """``initGroupAttributes``: replace every attribute. Errors: 10010, 10007 not a
    member (AVChatRoom: not in the room), 10004 limits, 10056 a newer change."""
    return await _write(s, d, "init")


@command(SVC, "modify_group_attr", AttrWrite)
async def modify_group_attr(s: TencentSession, d: AttrWrite) -> dict[str, Any]:
    """``setGroupAttributes``: add or change attributes. Errors as set_group_attr."""
    return await _write(s, d, "set")


@command(SVC, "delete_group_attr", AttrWrite)
async def delete_group_attr(s: TencentSession, d: AttrWrite) -> dict[str, Any]:
    """``deleteGroupAttributes`` with keys. Errors as set_group_attr."""
    return {"AttrMainSeq": (await _write(s, d, "delete"))["AttrMainSeq"]}


@command(SVC, "clear_group_attr", AttrWrite)
async def clear_group_attr(s: TencentSession, d: AttrWrite) -> dict[str, Any]:
    """``deleteGroupAttributes`` without keys: every attribute. Errors as set_group_attr."""
    return {"AttrMainSeq": (await _write(s, d, "clear"))["AttrMainSeq"]}


class AttrRead(Body):
    GroupId: str


@command(ATTR_SVC, "get_group_attr", AttrRead)
async def get_group_attr(s: TencentSession, d: AttrRead) -> dict[str, Any]:
    """``getGroupAttributes``: ``AttrMainSeq`` and ``GroupAttrAry: [{key, value, seq}]``.
    Errors: 10010, 10007 not a member (AVChatRoom: not in the room)."""
    seq, attrs = await s.hub.groups.attributes.get(s.require_app(), s.user_id, d.GroupId)
    return {
        "AttrMainSeq": seq,
        "GroupAttrAry": [{"key": k, "value": v, "seq": seq} for k, v in attrs.items()],
    }


class _Counter(Body):
    """A counter as the SDK sends it (``{Key, Value}``; ``key``/``value`` too)."""

    key: str = Field(validation_alias=AliasChoices("key", "Key"))
    value: int = Field(0, validation_alias=AliasChoices("value", "Value"))


class CounterWrite(Body):
    GroupId: str
    GroupCounter: list[_Counter] = Field(min_length=1)
    mode: str = Field("Set", validation_alias=AliasChoices("mode", "Mode"))


def _counters(values: dict[str, int]) -> list[dict[str, Any]]:
    return [{"key": k, "value": v} for k, v in values.items()]


@command(SVC, "update_group_counter", CounterWrite)
async def update_group_counter(s: TencentSession, d: CounterWrite) -> dict[str, Any]:
    """``setGroupCounters`` (``mode`` Set), ``increaseGroupCounter`` /
    ``decreaseGroupCounter`` (Increase/Decrease): ``GroupCounter`` with the new
    values. Errors: 10010, 10007 not a member, 10004 bad key/mode/value, too many."""
    seq, values = await s.hub.groups.counters.update(
        s.require_app(),
        s.user_id,
        d.GroupId,
        d.mode,
        {c.key: c.value for c in d.GroupCounter},
    )
    return {"GroupCounter": _counters(values), "groupCounterSeq": seq}


class CounterRead(Body):
    GroupId: str
    GroupCounterKeys: list[str] = []


@command(SVC, "get_group_counter", CounterRead)
async def get_group_counter(s: TencentSession, d: CounterRead) -> dict[str, Any]:
    """``getGroupCounters``: ``GroupCounter`` (every counter, or ``GroupCounterKeys``)
    and ``groupCounterSeq``. Errors: 10010, 10007 not a member."""
    seq, values = await s.hub.groups.counters.get(
        s.require_app(), s.user_id, d.GroupId, d.GroupCounterKeys or None
    )
    return {"GroupCounter": _counters(values), "groupCounterSeq": seq}


# -- Community topics (``million_group_open_http_svc.*``) ------------------------------


class TopicCreate(Body):
    GroupId: str
    TopicName: str = ""
    TopicId: str | None = None
    FaceUrl: str = ""
    Introduction: str = ""
    Notification: str = ""
    CustomString: str = ""


@command(SVC, "create_topic", TopicCreate)
async def create_topic(s: TencentSession, d: TopicCreate) -> dict[str, Any]:
    """``createTopicInCommunity`` (the group's owner or an admin): ``TopicId``.
    Errors: 10010, 10007 not owner/admin or not a Community group, 10004, 10015, 10021."""
    topic = await s.hub.groups.topics.create(
        s.require_app(),
        s.user_id,
        d.GroupId,
        admin=False,
        name=d.TopicName,
        topic_id=d.TopicId or None,
        face_url=d.FaceUrl,
        introduction=d.Introduction,
        notification=d.Notification,
        custom_data=d.CustomString,
    )
    return {"TopicId": topic.topic_id}


class TopicDestroy(Body):
    GroupId: str
    TopicIdList: list[str] = Field(min_length=1)


@command(SVC, "destroy_topic", TopicDestroy)
async def destroy_topic(s: TencentSession, d: TopicDestroy) -> dict[str, Any]:
    """``deleteTopicFromCommunity``: ``DestroyResultItem: [{TopicId, ErrorCode, ErrorInfo}]``."""
    ids = list(dict.fromkeys(d.TopicIdList))
    codes = await s.hub.groups.topics.destroy(
        s.require_app(), s.user_id, d.GroupId, ids, admin=False
    )
    return {
        "DestroyResultItem": [
            {"TopicId": t, "ErrorCode": codes[t], "ErrorInfo": "" if not codes[t] else "no topic"}
            for t in ids
        ]
    }


class TopicModify(Body):
    GroupId: str
    TopicId: str
    TopicName: str | None = None
    FaceUrl: str | None = None
    Introduction: str | None = None
    Notification: str | None = None
    CustomString: str | None = None
    ShutUpAllMember: str | None = Field(
        None, validation_alias=AliasChoices("ShutUpAllMember", "MuteAllMember")
    )


@command(SVC, "modify_topic", TopicModify)
async def modify_topic(s: TencentSession, d: TopicModify) -> None:
    """``updateTopicProfile`` (the group's owner or an admin). Errors: 10010 no group
    or topic, 10007 not owner/admin, 10004."""
    changes: dict[str, Any] = {
        "name": d.TopicName,
        "face_url": d.FaceUrl,
        "introduction": d.Introduction,
        "notification": d.Notification,
        "custom_data": d.CustomString,
        "mute_all": None if d.ShutUpAllMember is None else d.ShutUpAllMember == "On",
    }
    await s.hub.groups.topics.modify(
        s.require_app(),
        s.user_id,
        d.GroupId,
        d.TopicId,
        admin=False,
        **{k: v for k, v in changes.items() if v is not None},
    )


class TopicGet(Body):
    GroupId: str
    TopicIdList: list[str] = []


@command(SVC, "get_topic", TopicGet)
async def get_topic(s: TencentSession, d: TopicGet) -> dict[str, Any]:
    """``getTopicList`` (members): ``TopicAndSelfInfo: [{TopicInfo, SelfInfo,
    ErrorCode, ErrorInfo}]``, oldest first; ``TopicInfo.NextMsgSeq`` and
    ``SelfInfo.MsgSeq`` (my read position) give the SDK the topic's unread count.
    Errors: 10010, 10007 not a member."""
    app = s.require_app()
    found = await s.hub.groups.topics.get(app, s.user_id, d.GroupId, d.TopicIdList or None)
    me = await s.hub.groups.topic_messages.self_info(app, s.user_id, [t.topic_id for t in found])
    items: list[dict[str, Any]] = [
        {
            "TopicInfo": {
                "GroupID": t.group_id,
                "TopicId": t.topic_id,
                "TopicName": t.name,
                "FaceUrl": t.face_url,
                "Introduction": t.introduction,
                "Notification": t.notification,
                "CustomString": t.custom_data,
                "ShutUpAllFlag": 1 if t.mute_all else 0,
                "CreateTime": t.created_at,
                "NextMsgSeq": me[t.topic_id].last_seq + 1,
                "LastMsgTime": me[t.topic_id].last_time,
            },
            "SelfInfo": {"MsgSeq": me[t.topic_id].read_seq},
            "ErrorCode": 0,
            "ErrorInfo": "",
        }
        for t in found
    ]
    have = {t.topic_id for t in found}
    items += [
        {"TopicInfo": {"TopicId": t}, "ErrorCode": 10010, "ErrorInfo": "no topic"}
        for t in dict.fromkeys(d.TopicIdList)
        if t not in have
    ]
    return {"TopicAndSelfInfo": items}
