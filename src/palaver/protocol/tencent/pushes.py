"""Palaver's pushes in Tencent's protocol: :class:`TencentCodec`.

Every push Palaver makes (:mod:`palaver.protocol.pushes`) has one translation
here, built from the push alone (so a push is translated once for all the
connections that speak this protocol, on any node). The SDK dispatches a push
by the keys of its ``EventArray`` items (docs/tencent-client-protocol.md §8):

==================================  ===============================================
Palaver push                        Tencent push (``im_open_push.msg_push``)
==================================  ===============================================
``MESSAGE_RECEIVED`` C2C            ``Event`` 1 ``C2cMsgArray``
``MESSAGE_RECEIVED`` group          ``Event`` 3 ``GroupMsgArray``; a tip: ``Event`` 4
                                    ``GroupTips``; a whole-group notice: ``Event`` 5
``MESSAGE_REVOKED``                 C2C: ``WithdrawC2cMsgNotify``; group: ``Event`` 5
                                    ``GroupWithdrawInfoArray``
``MESSAGE_MODIFIED``                C2C: ``C2cMsgModNotifys``; group: ``GroupMsgModNotifys``
``MESSAGE_REACTIONS_UPDATED``       ``MsgReactionNotifyList`` (C2C / group message info)
``MESSAGE_READ_BY_PEER``            ``C2cReadedReceipt``
``CONVERSATION_READ``               C2C: ``ReadC2cMsgNotify``; group: ``GroupReadInfoArray``
``CONVERSATION_CHANGED``            ``RecentContactMod`` (deleted, pinned, unpinned)
``PROFILE_UPDATED``                 ``Event`` 7 ``ProfileDataMod``
``GROUP_LIST_UPDATED``              a group system notice (``Event`` 5): kicked,
                                    dismissed, invited, quit, accepted, rejected, admin
``GROUP_DISMISSED``                 system notice: dismissed
``GROUP_SYSTEM_NOTICE_RECEIVED``    system notice: custom (255)
``KICKED_OUT``                      ``im_open_status.stat_forceoffline``
``FRIEND_LIST_UPDATED``             ``Event`` 8 ``FriendListMod``: ``FriendAdd_Account``
                                    (added or updated), ``FriendDel_Account``
``BLACKLIST_UPDATED``               ``FriendListMod``: ``BlackListAdd_Account`` / ``…Del…``
``FRIEND_APPLICATION_LIST_UPDATED`` ``FriendListMod``: ``PendencyAdd`` with
                                    ``From_Account``; ``FrienPencydDel_Account``
``GROUP_ATTRIBUTES_UPDATED``        ``Event`` 6 ``GroupTips``: ``GroupAttrOption``
``GROUP_COUNTER_UPDATED``           ``Event`` 6 ``GroupTips``: ``groupCounterInfo``
``TOPIC_CREATED``                   system notice (``Event`` 5) ``OpType`` 17
``TOPIC_DELETED``                   system notice ``OpType`` 18: ``TopicIdArray``
``TOPIC_UPDATED``                   ``Event`` 4 ``GroupTips`` ``OpType`` 8: ``MsgTopicNewInfo``
``MESSAGE_EXTENSIONS_UPDATED``      ``MsgExtensionNotify`` ``SetKVInfo``
``MESSAGE_EXTENSIONS_DELETED``      ``MsgExtensionNotify`` ``DeleteKVInfo`` / ``ClearKVInfo``
``PINNED_GROUP_MESSAGE_UPDATED``    ``Event`` 4 ``GroupTips``: ``OpType`` 16 / 17
==================================  ===============================================

Stream pushes (with ``seq``) ask for an ack (``NeedAck``); their ``SessionData``
names the stream position (``u:<seq>``, ``GROUP<id>:<seq>``) so the server
learns what the client holds. Pushes without a translation (``sync_done``,
``MESSAGE_EXPIRED``, list changes stored without details) encode to ``b""``:
nothing is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from palaver.protocol.frames import Push
from palaver.protocol.pushes import REMIND_LEVELS
from palaver.protocol.tencent import group_extras, message_extras
from palaver.protocol.tencent import objects as o
from palaver.protocol.tencent.frames import FORCE_OFFLINE, MSG_PUSH, encode_push
from palaver.protocol.tencent.ids import tiny_id

#: ``KICKED_OUT`` type -> ``KickType``.
KICK_TYPES = {"multipleAccount": 1, "multipleDevice": 2, "REST_API_Kick": 3}

Body = dict[str, Any]


def _events(*items: Body) -> Body:
    return {"EventArray": list(items)}


def _message(d: Body, push: Push) -> Body | None:
    m = d["message"]
    if m.get("conversationType") == "GROUP":
        first = m["MsgBody"][0]["MsgType"] if m["MsgBody"] else ""
        if first == "TIMGroupTipElem":
            return _events({"Event": o.EV_GROUP_TIP, "GroupTips": [o.group_tip(m)]})
        if first == "TIMGroupSystemNoticeElem":
            content = (m["MsgBody"][0].get("MsgContent") or {}).get("Content", "")
            notice = o.system_notice(
                m["to"],
                o.NOTICE_CUSTOM,
                sequence=m["sequence"],
                random=m["random"],
                time=m["time"],
                UserDefinedField=content,
            )
            return _events({"Event": o.EV_GROUP_NOTICE, "GroupTips": [notice]})
        return _events({"Event": o.EV_GROUP_MSG, "GroupMsgArray": [o.group_message(m)]})
    sync = m.get("flow") == "out"
    return _events({"Event": o.EV_C2C, "C2cMsgArray": [o.c2c_message(m, sync=sync)]})


def _revoked(d: Body, push: Push) -> Body | None:
    cid: str = d["conversationID"]
    if cid.startswith("GROUP"):
        group_id = cid[5:]
        item = {
            "GroupInfo": {"GroupId": group_id},
            "ToGroupId": group_id,
            "MsgSeq": 0,
            "MsgRandom": d.get("random", 0),
            "MsgTimeStamp": d.get("time", 0),
            "From_Account": d.get("revoker", ""),
            "MsgBody": {
                "GroupWithdrawInfoArray": [
                    {
                        "GroupId": group_id,
                        "MsgSeq": d["sequence"],
                        "MsgRandom": d.get("random", 0),
                        "TinyId": tiny_id(d.get("from", "")),
                        "MsgClientTime": d.get("clientTime", 0),
                    }
                ]
            },
            "RevokerInfo": {"Revoker": d.get("revoker", ""), "Reason": ""},
        }
        return _events({"Event": o.EV_GROUP_NOTICE, "GroupTips": [item]})
    info = {
        "From_Account": d.get("from", ""),
        "To_Account": d.get("to", ""),
        "MsgSeq": d.get("clientSequence") or d["sequence"],
        "MsgRandom": d.get("random", 0),
        "MsgTimeStamp": d.get("time", 0),
        "TinyId": tiny_id(d.get("from", "")),
        "MsgClientTime": d.get("clientTime", 0),
        "RevokerInfo": {"Revoker": d.get("revoker", ""), "Reason": ""},
    }
    notify = {"WithdrawC2cMsgNotify": {"C2cWithdrawInfoArray": [info]}}
    return _events({"Event": o.EV_C2C_NOTIFY, "C2cNotifyMsgArray": [notify]})


def _modified(d: Body, push: Push) -> Body | None:
    """An edit: the message named as the SDK names it (from, to, random,
    sequence, time), with its new ``MsgVersion``, ``MsgBody`` and ``CloudCustomData``
    (the SDK keeps it when the version is newer than the one it holds)."""
    m = d["message"]
    item: Body = {
        "From_Account": m["from"],
        "MsgRandom": m["random"],
        "MsgTimeStamp": m["time"],
        "MsgVersion": m.get("version", 0),
        "MsgBody": m["MsgBody"],
        "CloudCustomData": m.get("cloudCustomData", ""),
    }
    if m.get("conversationType") == "GROUP":
        item.update(GroupId=m["to"], MsgSeq=m["sequence"])
        return _events({"Event": o.EV_GROUP_MSG_MODIFIED, "GroupMsgModNotifys": [item]})
    item.update(To_Account=m["to"], MsgSeq=m.get("clientSequence") or m["sequence"])
    return _events({"Event": o.EV_C2C_MSG_MODIFIED, "C2cMsgModNotifys": [item]})


def _reactions(d: Body, push: Push) -> Body | None:
    """A message's reactions now, the message named by its sender's TinyId,
    ``MsgClientTime`` and ``MsgRandom`` (the SDK's message ID)."""
    info = {
        "TinyId": tiny_id(d["from"]),
        "MsgClientTime": d["clientTime"],
        "MsgRandom": d["random"],
        "MsgSeq": d["sequence"],
    }
    summary = [
        {
            "Reaction": r["reactionID"],
            "Count": r["totalUserCount"],
            "Reaction_Account": [u["userID"] for u in r["partialUserList"]],
        }
        for r in d["reactionList"]
    ]
    where = "GroupMsgInfo" if d["conversationID"].startswith("GROUP") else "C2CMsgInfo"
    item = {where: info, "MsgReactionSummary": summary}
    return _events({"Event": o.EV_REACTIONS, "MsgReactionNotifyList": [item]})


def _read_by_peer(d: Body, push: Push) -> Body | None:
    reader = d["userID"]
    receipt = {
        "To_Account": reader,
        "UinPairReadArray": [{"To_Account": reader, "LastReadTime": d.get("time", 0)}],
    }
    return _events({"Event": o.EV_C2C_NOTIFY, "C2cNotifyMsgArray": [{"C2cReadedReceipt": receipt}]})


def _conversation_read(d: Body, push: Push) -> Body | None:
    cid: str = d["conversationID"]
    if cid.startswith("GROUP"):
        group_id = cid[5:]
        item = {
            "GroupInfo": {"GroupId": group_id},
            "ToGroupId": group_id,
            "MsgSeq": 0,
            "MsgRandom": 0,
            "From_Account": "",
            "MsgBody": {
                "GroupReadInfoArray": [{"GroupId": group_id, "LastReadMsgSeq": d["readSequence"]}]
            },
        }
        return _events({"Event": o.EV_GROUP_NOTICE, "GroupTips": [item]})
    notice = {"UinPairReadArray": [{"From_Account": cid[3:], "LastReadTime": d.get("time", 0)}]}
    return _events({"Event": o.EV_C2C_NOTIFY, "C2cNotifyMsgArray": [{"ReadC2cMsgNotify": notice}]})


def _conversation_changed(d: Body, push: Push) -> Body | None:
    cid: str = d["conversationID"]
    ref = (
        {"Type": 2, "GroupId": cid[5:]}
        if cid.startswith("GROUP")
        else {"Type": 1, "UserId": cid[3:]}
    )
    change = d.get("change")
    if change == "deleted":
        item = {"PushType": 1, "RecentContactDeleteItem": {"RecentContactList": [ref]}}
    elif change in ("pinned", "unpinned"):
        item = {
            "PushType": 2 if change == "pinned" else 3,
            "RecentContactTopItem": {"RecentContactList": [ref]},
        }
    else:
        return None
    return {"EventArray": [{"Event": 0, "RecentContactMod": [item]}]}


def _profile(d: Body, push: Push) -> Body | None:
    mod = {"Profile_Account": d["userID"], "ProfileList": o.profile_items(d["profile"])}
    return _events({"Event": o.EV_PROFILE, "ProfileDataMod": [mod]})


#: membership ``change`` -> system notice ``OpType``
_MEMBERSHIP = {
    "kicked": o.NOTICE_KICKED,
    "dismissed": o.NOTICE_DISMISSED,
    "quit": o.NOTICE_QUIT,
    "rejected": o.NOTICE_REJECTED,
}


def _membership(d: Body, push: Push) -> Body | None:
    change = d.get("change")
    if change == "joined":
        op = o.NOTICE_CREATED if d.get("role") == "Owner" else o.NOTICE_INVITED
    elif change == "role":
        op = o.NOTICE_SET_ADMIN if d.get("role") == "Admin" else o.NOTICE_CANCEL_ADMIN
        if d.get("role") == "Owner":
            return None  # an owner change shows as a group tip
    elif change in _MEMBERSHIP:
        op = _MEMBERSHIP[change]
    else:
        return None
    notice = o.system_notice(
        d["groupID"], op, group_type=d.get("groupType", ""), RemarkInfo=d.get("reason") or ""
    )
    return _events({"Event": o.EV_GROUP_NOTICE, "GroupTips": [notice]})


def _dismissed(d: Body, push: Push) -> Body | None:
    notice = o.system_notice(d["groupID"], o.NOTICE_DISMISSED)
    return _events({"Event": o.EV_GROUP_NOTICE, "GroupTips": [notice]})


def _system_notice(d: Body, push: Push) -> Body | None:
    notice = o.system_notice(d["groupID"], o.NOTICE_CUSTOM, UserDefinedField=d.get("content", ""))
    return _events({"Event": o.EV_GROUP_NOTICE, "GroupTips": [notice]})


def _read_receipt(d: Body, push: Push) -> Body | None:
    """C2C receipts: ``Event`` 16 ``C2cMsgInfo``; group ones: a group notice
    (``Event`` 5) whose ``MsgBody`` is ``GroupMsgReceiptList`` (new counts per
    message, named by its sender's TinyId, ``MsgClientTime`` and ``MsgRandom``)."""
    if "groupID" in d:
        return _group_receipt(d)
    reader = d["userID"]
    infos = [
        {
            "From_Account": m["from"],
            "To_Account": reader,
            "TinyId": tiny_id(m["from"]),
            "MsgSeq": m["clientSequence"] or m["sequence"],
            "MsgRandom": m["random"],
            "MsgTime": m["time"],
            "MsgClientTime": m["clientTime"],
        }
        for m in d["messages"]
    ]
    newest = max((m["time"] for m in d["messages"]), default=0)
    return _events(
        {"Event": o.EV_C2C_RECEIPT, "UserId": reader, "PeerReadTime": newest, "C2cMsgInfo": infos}
    )


#: ``FriendListMod`` ``PushType`` per change (the SDK reads ``From_Account`` only
#: with 3 and 4; the others are informative).
PUSH_FRIEND_ADD, PUSH_FRIEND_DEL, PUSH_PENDENCY_ADD, PUSH_PENDENCY_DEL = 1, 2, 3, 4
PUSH_BLACKLIST_ADD, PUSH_BLACKLIST_DEL, PUSH_PENDENCY_READ = 5, 6, 7


def _relations(*mods: Body) -> Body | None:
    """``Event`` 8, one ``EventArray`` item per ``FriendListMod`` (the SDK applies
    each item's keys as one change, so directions are never mixed in one)."""
    items = [{"Event": o.EV_FRIENDS, "FriendListMod": [m]} for m in mods]
    return {"EventArray": items} if items else None


def _friends(d: Body, push: Push) -> Body | None:
    """Friends added or updated: ``FriendAdd_Account`` (the SDK refetches their
    friend data, ``sns.friend_get_specified``); removed: ``FriendDel_Account``."""
    mods = []
    if d.get("added") or d.get("updated"):
        added = list(dict.fromkeys([*d.get("added", ()), *d.get("updated", ())]))
        mods.append({"PushType": PUSH_FRIEND_ADD, "FriendAdd_Account": added})
    if d.get("removed"):
        mods.append({"PushType": PUSH_FRIEND_DEL, "FriendDel_Account": d["removed"]})
    return _relations(*mods)


def _blacklist(d: Body, push: Push) -> Body | None:
    mods = []
    if d.get("added"):
        mods.append({"PushType": PUSH_BLACKLIST_ADD, "BlackListAdd_Account": d["added"]})
    if d.get("removed"):
        mods.append({"PushType": PUSH_BLACKLIST_DEL, "BlackListDel_Account": d["removed"]})
    return _relations(*mods)


def _applications(d: Body, push: Push) -> Body | None:
    """New applications: ``PendencyAdd`` with ``From_Account`` the applicant (the
    SDK files them as ``SendOut`` when that is itself), one item per applicant
    so the two directions never share an item; gone ones: ``FrienPencydDel_Account``
    (sic; the SDK refetches the list); read: ``PushType`` 7 with ``ReportTime``
    (the SDK's ``unreadCount`` drops to 0)."""
    by_from: dict[str, list[Body]] = {}
    for a in d.get("added", ()):
        item = {
            "User_Account": a["userID"],
            "AddSource": a["source"],
            "AddWording": a["wording"],
            "AddTime": a["time"],
        }
        by_from.setdefault(a["from"], []).append(item)
    mods = [
        {"PushType": PUSH_PENDENCY_ADD, "From_Account": who, "PendencyAdd": items}
        for who, items in by_from.items()
    ]
    if d.get("removed"):
        mods.append({"PushType": PUSH_PENDENCY_DEL, "FrienPencydDel_Account": d["removed"]})
    if d.get("readTime"):
        mods.append({"PushType": PUSH_PENDENCY_READ, "ReportTime": d["readTime"]})
    return _relations(*mods)


def _group_receipt(d: Body) -> Body | None:
    if not d.get("messages"):
        return None
    group_id = d["groupID"]
    counts = [
        {
            "TinyId": tiny_id(m["from"]),
            "MsgClientTime": m["clientTime"],
            "MsgRandom": m["random"],
            "MsgSeq": m["sequence"],
            "ReadNum": m["readCount"],
            "UnreadNum": m["unreadCount"],
        }
        for m in d["messages"]
    ]
    item = {
        "GroupInfo": {"GroupId": group_id},
        "ToGroupId": group_id,
        "MsgSeq": 0,
        "MsgRandom": 0,
        "From_Account": "",
        "MsgBody": {"GroupMsgReceiptList": counts},
    }
    return _events({"Event": o.EV_GROUP_NOTICE, "GroupTips": [item]})


def _kicked(d: Body, push: Push) -> Body | None:
    kick = {"KickoutMsgNotify": {"KickType": KICK_TYPES.get(d.get("type", ""), 1)}}
    return _events({"Event": o.EV_C2C_NOTIFY, "C2cNotifyMsgArray": [kick]})


def _user_status(d: Body, push: Push) -> Body | None:
    """``userStatusList`` items: ``To_Account``, ``StatusType``, ``CustomStatus``
    (base64 of its UTF-8, :func:`~.objects.custom_status_wire`; the SDK emits
    ``USER_STATUS_UPDATED`` with them)."""
    items = [
        {
            "To_Account": u["userID"],
            "StatusType": u["statusType"],
            "CustomStatus": o.custom_status_wire(u["customStatus"]),
        }
        for u in d.get("userStatusList", ())
    ]
    return _events({"Event": o.EV_USER_STATUS, "UserStatusList": items})


def _all_receive_opt(d: Body, push: Push) -> Body | None:
    """Event 26: the SDK emits ``ALL_RECEIVE_MESSAGE_OPT_UPDATED`` with ``Level``
    (0, 1 Discard, 2 AcceptNotNotify), ``StartTime``, ``EndTime``, ``IsRepeated``."""
    return _events(
        {
            "Event": o.EV_ALL_RECEIVE_OPT,
            "Level": REMIND_LEVELS.index(d["messageRemindType"]),
            "StartTime": d["startTime"],
            "EndTime": d["endTime"],
            "IsRepeated": 1 if d["isRepeated"] else 0,
        }
    )


_BUILDERS: dict[str, Callable[[Body, Push], Body | None]] = {
    "MESSAGE_RECEIVED": _message,
    "MESSAGE_REVOKED": _revoked,
    "MESSAGE_MODIFIED": _modified,
    "MESSAGE_REACTIONS_UPDATED": _reactions,
    "MESSAGE_READ_BY_PEER": _read_by_peer,
    "CONVERSATION_READ": _conversation_read,
    "CONVERSATION_CHANGED": _conversation_changed,
    "PROFILE_UPDATED": _profile,
    "GROUP_LIST_UPDATED": _membership,
    "GROUP_DISMISSED": _dismissed,
    "GROUP_SYSTEM_NOTICE_RECEIVED": _system_notice,
    "KICKED_OUT": _kicked,
    "FRIEND_LIST_UPDATED": _friends,
    "BLACKLIST_UPDATED": _blacklist,
    "FRIEND_APPLICATION_LIST_UPDATED": _applications,
    "MESSAGE_READ_RECEIPT_RECEIVED": _read_receipt,
    "GROUP_ATTRIBUTES_UPDATED": group_extras.attributes,
    "GROUP_COUNTER_UPDATED": group_extras.counters,
    "TOPIC_CREATED": group_extras.topic_created,
    "TOPIC_UPDATED": group_extras.topic_updated,
    "TOPIC_DELETED": group_extras.topic_deleted,
    "USER_STATUS_UPDATED": _user_status,
    "MESSAGE_EXTENSIONS_UPDATED": message_extras.extensions_updated,
    "MESSAGE_EXTENSIONS_DELETED": message_extras.extensions_deleted,
    "PINNED_GROUP_MESSAGE_UPDATED": message_extras.pinned,
    "ALL_RECEIVE_MESSAGE_OPT_UPDATED": _all_receive_opt,
}


def session_data(push: Push) -> str:
    """The ``SessionData`` of a stream push: its stream and position, echoed in the ack."""
    return f"{push.stream or 'u'}:{push.seq}"


class TencentCodec:
    """Encodes Palaver pushes as Tencent push frames (binary JSON)."""

    name = "tencent"
    binary = True

    def encode_push(self, push: Push) -> bytes:
        """The Tencent frame of ``push``; ``b""`` when it has none."""
        build = _BUILDERS.get(push.ev)
        if build is None:
            return b""
        data = push.data if isinstance(push.data, dict) else orjson.loads(push.data)
        body = build(data, push)
        if body is None:
            return b""
        if push.seq is not None:
            body["NeedAck"] = 1
            body["SessionData"] = session_data(push)
        return encode_push(FORCE_OFFLINE if push.ev == "KICKED_OUT" else MSG_PUSH, body)


TENCENT = TencentCodec()
