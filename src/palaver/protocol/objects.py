"""Objects of the client protocol (docs/protocol.md §7), in Tencent SDK field names.

Messages travel with both shapes: ``type``/``payload`` as ``@tencentcloud/chat``
presents the first element, and ``MsgBody`` (every element, REST shape).
"""

from __future__ import annotations

from typing import Any

from palaver.errors import Code, ImError
from palaver.model.messages import MessageFlag, MessageRecord

_SUPPORT_EXTENSION = int(MessageFlag.SUPPORT_EXTENSION)

C2C = "C2C"
GROUP = "GROUP"
#: The first element of a message with none (an empty ``MsgBody``), read only.
_EMPTY_TEXT: dict[str, Any] = {"MsgType": "TIMTextElem", "MsgContent": {"Text": ""}}
#: A friend application's ``type`` as its receiver (``ComeIn``) and its sender (``SendOut``) see it.
APPLICATION_IN = "Pendency_Type_ComeIn"
APPLICATION_OUT = "Pendency_Type_SendOut"

#: SDK payload field -> REST MsgContent field, per element type.
_FIELDS: dict[str, dict[str, str]] = {
    "TIMTextElem": {"text": "Text"},
    "TIMFaceElem": {"index": "Index", "data": "Data"},
    "TIMLocationElem": {"description": "Desc", "latitude": "Latitude", "longitude": "Longitude"},
    "TIMCustomElem": {"data": "Data", "description": "Desc", "extension": "Ext", "sound": "Sound"},
    "TIMSoundElem": {
        "url": "Url",
        "uuid": "UUID",
        "size": "Size",
        "second": "Second",
        "downloadFlag": "Download_Flag",
    },
    "TIMFileElem": {
        "fileUrl": "Url",
        "uuid": "UUID",
        "fileSize": "FileSize",
        "fileName": "FileName",
        "downloadFlag": "Download_Flag",
    },
    "TIMImageElem": {
        "uuid": "UUID",
        "imageFormat": "ImageFormat",
        "imageInfoArray": "ImageInfoArray",
    },
    "TIMVideoFileElem": {
        "videoUrl": "VideoUrl",
        "videoUUID": "VideoUUID",
        "videoSize": "VideoSize",
        "videoSecond": "VideoSecond",
        "videoFormat": "VideoFormat",
        "thumbUrl": "ThumbUrl",
        "thumbUUID": "ThumbUUID",
        "thumbSize": "ThumbSize",
        "thumbWidth": "ThumbWidth",
        "thumbHeight": "ThumbHeight",
        "thumbFormat": "ThumbFormat",
    },
}
# merged messages: the forwarded messages inline (MsgList, REST shape) or kept on the
# server under JsonMsgKey (``downloadMergerMessage``)
_FIELDS["TIMRelayElem"] = {
    "title": "Title",
    "abstractList": "AbstractList",
    "compatibleText": "CompatibleText",
    "messageNumber": "MsgNum",
    "messageList": "MsgList",
    "downloadKey": "JsonMsgKey",
}
# Server-made elements of group messages (docs/protocol.md §8.4): shown, never sent.
_FIELDS["TIMGroupSystemNoticeElem"] = {"content": "Content"}
#: REST tip ``GroupInfo`` field -> SDK ``newGroupProfile`` field
_GROUP_INFO = {
    "Name": "name",
    "Introduction": "introduction",
    "Notification": "notification",
    "FaceUrl": "avatar",
    "MaxMemberNum": "maxMemberNum",
    "ApplyJoinOption": "joinOption",
    "Owner_Account": "ownerID",
}
_IMAGE_INFO = {"type": "Type", "size": "Size", "width": "Width", "height": "Height", "url": "URL"}


def payload_to_element(msg_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    """One REST ``MsgBody`` element from an SDK ``type`` and ``payload``.

    Raises:
        ImError: 6017 for an unknown type or a payload that is not an object.
    """
    fields = _FIELDS.get(msg_type)
    if fields is None or not isinstance(payload, dict):
        raise ImError(
            Code.ERR_INVALID_PARAMETERS, f"unsupported message type {msg_type!r} or payload"
        )
    content: dict[str, Any] = {}
    for sdk, rest in fields.items():
        if sdk in payload:
            value = payload[sdk]
            if msg_type == "TIMImageElem" and sdk == "imageInfoArray" and isinstance(value, list):
                value = [
                    {_IMAGE_INFO.get(k, k): v for k, v in info.items()}
                    if isinstance(info, dict)
                    else info
                    for info in value
                ]
            content[rest] = value
    if msg_type == "TIMSoundElem" and "url" not in payload and "remoteAudioUrl" in payload:
        content["Url"] = payload["remoteAudioUrl"]
    return {"MsgType": msg_type, "MsgContent": content}


def element_to_payload(element: dict[str, Any]) -> dict[str, Any]:
    """The SDK payload of one REST element (the inverse of :func:`payload_to_element`)."""
    msg_type = element.get("MsgType", "")
    content = element.get("MsgContent") or {}
    if msg_type == "TIMGroupTipElem":
        return group_tip_payload(content)
    fields = _FIELDS.get(msg_type, {})
    out: dict[str, Any] = {}
    for sdk, rest in fields.items():
        if rest in content:
            value = content[rest]
            if msg_type == "TIMImageElem" and rest == "ImageInfoArray" and isinstance(value, list):
                inverse = {v: k for k, v in _IMAGE_INFO.items()}
                value = [{inverse.get(k, k): v for k, v in i.items()} for i in value]
            out[sdk] = value
    return out


def group_tip_payload(content: dict[str, Any]) -> dict[str, Any]:
    """The SDK payload of a group tip, ``{operationType, operatorID, userIDList,
    newGroupProfile?, msgMemberInfo?}``, from its REST ``TIMGroupTipElem`` content."""
    out: dict[str, Any] = {
        "operationType": content.get("OpType", 0),
        "operatorID": content.get("Operator_Account", ""),
        "userIDList": list(content.get("List_Account") or []),
    }
    info = content.get("GroupInfo")
    if isinstance(info, dict):
        profile = {_GROUP_INFO[k]: v for k, v in info.items() if k in _GROUP_INFO}
        if "ShutUpAllMember" in info:
            profile["muteAllMembers"] = info["ShutUpAllMember"] == "On"
        if isinstance(info.get("AppDefinedData"), list):
            profile["groupCustomField"] = [
                {"key": i.get("Key"), "value": i.get("Value")}
                for i in info["AppDefinedData"]
                if isinstance(i, dict)
            ]
        out["newGroupProfile"] = profile
    members = content.get("MemberInfo")
    if isinstance(members, list):
        out["msgMemberInfo"] = [
            {"userID": m.get("Member_Account", ""), "muteTime": m.get("ShutUpTime", 0)}
            for m in members
            if isinstance(m, dict)
        ]
    return out


def conversation_id(conv_type: str, peer: str) -> str:
    """Tencent's conversation ID: ``C2C<userID>`` or ``GROUP<groupID>``."""
    return conv_type + peer


def split_conversation_id(conv_id: str) -> tuple[str, str]:
    """``("C2C", "bob")`` for ``"C2Cbob"``.

    Raises:
        ImError: 6017 if it is neither ``C2C...`` nor ``GROUP...``.
    """
    for prefix in (C2C, GROUP):
        if conv_id.startswith(prefix) and len(conv_id) > len(prefix):
            return prefix, conv_id[len(prefix) :]
    raise ImError(Code.ERR_INVALID_PARAMETERS, f"invalid conversationID {conv_id!r}")


def message_wire(
    m: MessageRecord, viewer: str, *, is_read: bool = False, is_peer_read: bool = False
) -> dict[str, Any]:
    """A message as ``viewer`` sees it (docs/protocol.md §7, §8.4).

    A group message has ``conversationID`` ``GROUP<id>``, ``to`` the group,
    ``atUserList`` and ``needReadReceipt``; with ``viewer`` "" it is the shape
    pushed to every member (``flow`` "in", clients fix it for their own).
    ``isRead`` (incoming) and ``isPeerRead`` (outgoing) come from read positions
    the caller knows; a pushed message is unread. ``isSupportExtension`` is
    there (true) when the message was sent with it, ``offlinePushInfo`` (Tencent's
    ``OfflinePushInfo`` object, as the sender gave it) when it was sent with one.
    """
    body = m.body
    first = body[0] if body else _EMPTY_TEXT
    sender = m.sender
    out = viewer == sender
    group_id = m.group_id
    w: dict[str, Any]
    if group_id is not None:
        w = {
            "ID": m.message_id,
            "conversationID": GROUP + group_id,
            "conversationType": GROUP,
            "atUserList": m.at_users or [],
            "needReadReceipt": m.need_receipt,
        }
    else:
        peer = m.receiver if out else sender
        w = {
            "ID": m.message_id,
            "conversationID": C2C + peer,
            "conversationType": C2C,
            "needReadReceipt": m.need_receipt,
        }
    if m.flags & _SUPPORT_EXTENSION:
        w["isSupportExtension"] = True
    if m.offline_push is not None:
        w["offlinePushInfo"] = m.offline_push
    # key by key into the one dict (not a second dict merged in: 20 % less per
    # message; a history page makes 15, a push one per message)
    w["from"] = sender
    w["to"] = m.receiver
    w["flow"] = "out" if out else "in"
    w["time"] = m.time
    w["sequence"] = m.seq
    w["random"] = m.random
    w["type"] = first.get("MsgType", "")
    w["payload"] = element_to_payload(first)
    w["MsgBody"] = body
    w["cloudCustomData"] = m.cloud_custom_data or ""
    w["priority"] = m.priority
    w["status"] = "success"
    w["isRevoked"] = m.is_recalled
    w["isPeerRead"] = is_peer_read
    w["isRead"] = True if out else is_read
    w["msgKey"] = m.msg_key
    w["onlineOnly"] = m.online_only
    w["clientSequence"] = m.client_seq
    w["clientTime"] = m.client_time or m.time
    w["version"] = m.version
    return w
