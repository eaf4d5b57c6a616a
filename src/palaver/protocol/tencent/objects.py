"""Objects of Tencent's client protocol, in the wire names the SDK maps from.

They are built from Palaver's own wire shapes (:func:`palaver.protocol.objects.message_wire`
and the pushes of :mod:`palaver.protocol.pushes`), so a node can translate a
push that another node encoded. Field names follow what ``@tencentcloud/chat``
3.6.6 reads (docs/tencent-client-protocol.md §9): mostly Tencent REST names,
which the SDK renames with its key maps.
"""

from __future__ import annotations

import base64
from typing import Any

from palaver.model.messages import topic_group
from palaver.protocol.tencent.ids import tiny_id

#: ``MsgFlagBits`` of a recalled C2C message; ``IsPlaceMsg`` of a recalled group one.
C2C_RECALLED = 8
GROUP_RECALLED = 2
#: The @all marker in ``atUserList``.
AT_ALL = "__kImSDK_MesssageAtALL__"
#: From_Account of system notices.
SYSTEM = "@TIM#SYSTEM"

#: Event numbers of EventArray items (the SDK dispatches on the item's keys;
#: these numbers matter for tips, notices and receipts).
EV_C2C = 1
EV_GROUP_MSG = 3
EV_GROUP_TIP = 4
EV_GROUP_NOTICE = 5
EV_PROFILE = 7
EV_FRIENDS = 8
EV_USER_STATUS = 21  # userStatusList (the SDK dispatches on the key)
EV_ALL_RECEIVE_OPT = 26  # the app-wide do-not-disturb changed (setAllReceiveMessageOpt)
EV_C2C_NOTIFY = 9
EV_C2C_RECEIPT = 16
EV_C2C_MSG_MODIFIED = 20
EV_GROUP_MSG_MODIFIED = 23
EV_REACTIONS = 22  # not 14, 16, 24, 26, 100: the SDK handles those apart

#: Group system notice ``OpType`` (TIMGroupSystemNoticeElem operationType).
NOTICE_JOIN_REQUEST = 1
NOTICE_ACCEPTED = 2
NOTICE_REJECTED = 3
NOTICE_KICKED = 4
NOTICE_DISMISSED = 5
NOTICE_CREATED = 6
NOTICE_INVITED = 7
NOTICE_QUIT = 8
NOTICE_SET_ADMIN = 9
NOTICE_CANCEL_ADMIN = 10
NOTICE_CUSTOM = 255
#: ``GroupInfo.MillionGroupFlag`` (the SDK's ``communityType``) of a Community
#: group with topics: its notices and messages may name a topic.
COMMUNITY_FLAG = 2


def client_time(m: dict[str, Any]) -> int:
    """``MsgClientTime`` of a Palaver message object (the sender's clock, else its time)."""
    return int(m.get("clientTime") or m["time"])


def c2c_message(m: dict[str, Any], *, sync: bool = False) -> dict[str, Any]:
    """A C2C message (``C2cMsgArray`` item, ``getroammsg``/``getmsg`` ``MsgList`` item).

    ``MsgSeq`` is the sender's own sequence when it had one (Tencent's SDK
    chose it), else the conversation's. ``sync``: a copy for the sender's other
    devices (``IsSyncMsg``; the SDK swaps From and To of those back).
    """
    sender, receiver = m["from"], m["to"]
    out: dict[str, Any] = {
        "From_Account": receiver if sync else sender,
        "To_Account": sender if sync else receiver,
        "MsgSeq": m.get("clientSequence") or m["sequence"],
        "MsgRandom": m["random"],
        "MsgTimeStamp": m["time"],
        "MsgClientTime": client_time(m),
        "TinyId": tiny_id(sender),
        "MsgKey": m.get("msgKey", ""),
        "MsgBody": m["MsgBody"],
        "CloudCustomData": m.get("cloudCustomData", ""),
        "MsgFlagBits": C2C_RECALLED if m.get("isRevoked") else 0,
        "MsgPriority": m.get("priority", "Normal"),
        "MsgVersion": m.get("version", 0),
    }
    if sync:
        out["IsSyncMsg"] = 1
    if m.get("needReadReceipt"):
        out["IsNeedReadReceipt"] = 1
    if m.get("isSupportExtension"):
        out["SupportMessageExtension"] = 1
    if m.get("onlineOnly"):
        out["MsgLifeTime"] = 0
    return out


def group_message(m: dict[str, Any], group_type: str = "") -> dict[str, Any]:
    """A group message (``GroupMsgArray`` item, ``group_msg_get`` ``RspMsgList`` item).

    A topic's message (``to`` a topic ID) names its Community group as
    ``GroupId`` and the topic as ``TopicId``, with ``MillionGroupFlag`` 2 in its
    ``GroupInfo``: the SDK then files it under ``GROUP<topic ID>``."""
    group_id = m["to"]
    community = topic_group(group_id)
    out: dict[str, Any] = {
        "From_Account": m["from"],
        "GroupId": group_id,
        "ToGroupId": group_id,
        "MsgSeq": m["sequence"],
        "MsgRandom": m["random"],
        "MsgTime": m["time"],
        "MsgTimeStamp": m["time"],
        "MsgClientTime": client_time(m),
        "ClientSeq": m.get("clientSequence", 0),
        "TinyId": tiny_id(m["from"]),
        "MsgPriority": m.get("priority", "Normal"),
        "MsgBody": m["MsgBody"],
        "CloudCustomData": m.get("cloudCustomData", ""),
        "IsPlaceMsg": GROUP_RECALLED if m.get("isRevoked") else 0,
        "GroupInfo": {"GroupId": group_id, "GroupType": group_type},
        "MsgVersion": m.get("version", 0),
    }
    if community is not None:
        out["GroupId"] = out["ToGroupId"] = community
        out["TopicId"] = group_id
        out["GroupInfo"] = {
            "GroupId": community,
            "GroupType": "Community",
            "MillionGroupFlag": COMMUNITY_FLAG,
            "TopicId": group_id,
        }
    at = m.get("atUserList") or []
    if at:
        out["GroupAtInfo"] = [
            {"GroupAtAllFlag": 1} if u == AT_ALL else {"GroupAtAllFlag": 0, "GroupAt_Account": u}
            for u in at
        ]
    if m.get("needReadReceipt"):
        out["NeedReadReceipt"] = 1
    if m.get("isSupportExtension"):
        out["SupportMessageExtension"] = 1
    if m.get("onlineOnly"):
        out["OnlineOnlyFlag"] = 1
    return out


#: Stored tip ``GroupInfo`` field -> the tip's ``MsgGroupNewInfo`` field.
_NEW_INFO = {
    "Name": "GroupName",
    "FaceUrl": "GroupFaceUrl",
    "Introduction": "GroupIntroduction",
    "Notification": "GroupNotification",
    "Owner_Account": "Owner_Account",
    "ApplyJoinOption": "GroupApplyJoinOption",
}


def group_tip(m: dict[str, Any], group_type: str = "") -> dict[str, Any]:
    """A ``GroupTips`` item (``Event`` 4) of a stored ``TIMGroupTipElem`` message.

    Its ``MsgBody`` is an object (``OpType``, ``Operator_Account``,
    ``List_Account``, ``MsgGroupNewInfo`` for profile changes, ``MsgMemberInfo``
    for mutes), not an element list.
    """
    content = (m["MsgBody"][0] if m["MsgBody"] else {}).get("MsgContent") or {}
    body: dict[str, Any] = {
        "OpType": content.get("OpType", 0),
        "Operator_Account": content.get("Operator_Account", ""),
        "List_Account": list(content.get("List_Account") or []),
    }
    info = content.get("GroupInfo")
    if isinstance(info, dict):
        new = {_NEW_INFO[k]: v for k, v in info.items() if k in _NEW_INFO}
        if "ShutUpAllMember" in info:
            new["ShutupAll"] = 1 if info["ShutUpAllMember"] == "On" else 0
        if isinstance(info.get("AppDefinedData"), list):
            new["MsgAppDefinedData"] = info["AppDefinedData"]
        body["MsgGroupNewInfo"] = new
    members = content.get("MemberInfo")
    if isinstance(members, list):
        body["MsgMemberInfo"] = [
            {"User_Account": x.get("Member_Account", ""), "ShutupTime": x.get("ShutUpTime", 0)}
            for x in members
            if isinstance(x, dict)
        ]
    return _tips_item(m, body, group_type)


def _tips_item(m: dict[str, Any], body: dict[str, Any], group_type: str) -> dict[str, Any]:
    group_id = m["to"]
    return {
        "GroupInfo": {"GroupId": group_id, "GroupType": group_type},
        "ToGroupId": group_id,
        "MsgSeq": m["sequence"],
        "MsgRandom": m["random"],
        "MsgTimeStamp": m["time"],
        "MsgClientTime": client_time(m),
        "From_Account": m["from"],
        "TinyId": tiny_id(m["from"]),
        "MsgBody": body,
    }


def system_notice(
    group_id: str,
    op_type: int,
    *,
    operator: str = "",
    group_type: str = "",
    sequence: int = 0,
    random: int = 0,
    time: int = 0,
    **extra: Any,
) -> dict[str, Any]:
    """A group system notice (``GroupTips`` item of ``Event`` 5,
    ``TIMGroupSystemNoticeElem``): lands in conversation ``@TIM#SYSTEM``.

    ``extra`` goes into its ``MsgBody`` (``RemarkInfo``, ``UserDefinedField``...).
    A ``sequence``/``random`` of 0 lets the SDK pick its own ones.
    """
    body: dict[str, Any] = {"OpType": op_type, "Operator_Account": operator}
    body.update(extra)
    return {
        "GroupInfo": {"GroupId": group_id, "GroupType": group_type},
        "ToGroupId": group_id,
        "MsgSeq": sequence or 1,
        "MsgRandom": random or 1,
        "MsgTimeStamp": time,
        "From_Account": SYSTEM,
        "MsgBody": body,
    }


#: SDK profile field -> ``Tag_Profile_IM_*`` tag.
PROFILE_TAGS = {
    "nick": "Tag_Profile_IM_Nick",
    "avatar": "Tag_Profile_IM_Image",
    "gender": "Tag_Profile_IM_Gender",
    "selfSignature": "Tag_Profile_IM_SelfSignature",
    "allowType": "Tag_Profile_IM_AllowType",
    "birthday": "Tag_Profile_IM_BirthDay",
    "location": "Tag_Profile_IM_Location",
    "language": "Tag_Profile_IM_Language",
    "messageSettings": "Tag_Profile_IM_MsgSettings",
    "adminForbidType": "Tag_Profile_IM_AdminForbidType",
    "level": "Tag_Profile_IM_Level",
    "role": "Tag_Profile_IM_Role",
}


def profile_items(profile: dict[str, Any]) -> list[dict[str, Any]]:
    """``ProfileItem``/``ProfileList``: ``[{Tag, Value}]`` of an SDK-shaped profile."""
    items = [{"Tag": tag, "Value": profile[k]} for k, tag in PROFILE_TAGS.items() if k in profile]
    for c in profile.get("profileCustomField") or []:
        items.append({"Tag": c["key"], "Value": c["value"]})
    return items


def custom_status_wire(text: str) -> str:
    """A custom status (``setSelfStatus``) as the SDK reads it in answers and
    pushes: base64 of its UTF-8 ("" stays "")."""
    return base64.b64encode(text.encode()).decode() if text else ""
