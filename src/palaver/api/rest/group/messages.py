"""``group_open_http_svc`` commands about group messages: send_group_msg,
send_group_system_notification, group_msg_get_simple, group_msg_recall,
delete_group_msg_by_sender, import_group_msg, set_unread_msg_num.

They call ``hub.groups.messages`` and ``hub.groups.reads``
(:mod:`palaver.services.groups`) as an App admin.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StrictInt, StrictStr

from palaver.api.rest.core import RestRequest, Wire, command
from palaver.api.rest.group.wire import (
    MAX_ACCOUNTS,
    MAX_IMPORT_MSGS,
    MAX_RECALL,
    MAX_SIMPLE_MSGS,
    SVC,
    Account,
    GroupRequest,
    Uint,
    at_most,
)
from palaver.errors import ImError
from palaver.offline_push import OfflinePushField
from palaver.services.groups import AT_ALL, GroupSendOptions
from palaver.services.sending import SendSource

# Import results (REST ``import_group_msg`` ``Result``).
IMPORT_OK = 0
IMPORT_FAILED = 1
IMPORT_DUPLICATE = 2


class SetUnread(GroupRequest):
    """``{"GroupId", "Member_Account", "UnreadMsgNum"}``."""

    Member_Account: Account
    UnreadMsgNum: Uint


@command(SVC, "set_unread_msg_num", SetUnread)
async def set_unread_msg_num(req: RestRequest, body: SetUnread) -> None:
    """Make a member have ``UnreadMsgNum`` unread messages in the group.
    Errors: 10010 no group, 10007 not a member."""
    await req.hub.groups.reads.set_unread(
        req.app, body.GroupId, body.Member_Account, body.UnreadMsgNum
    )


class AtInfo(Wire):
    GroupAtAllFlag: Annotated[StrictInt, Field(ge=0, le=1)] = 0
    GroupAt_Account: StrictStr | None = None


class SendGroupMsg(GroupRequest):
    """``{"GroupId", "Random", "MsgBody", "From_Account"?, "MsgPriority"?,
    "MsgOnlineOnlyFlag"?, "SendMsgControl"?, "CloudCustomData"?, "GroupAtInfo"?,
    "ForbidCallbackControl"?, "OfflinePushInfo"?}`` (``OfflinePushInfo`` reaches the app
    backend in ``Group.CallbackAfterSendMsg``)."""

    Random: Uint
    MsgBody: list[Any]
    From_Account: Account | None = None
    MsgPriority: Literal["High", "Normal", "Low", "Lowest"] = "Normal"
    MsgOnlineOnlyFlag: Annotated[StrictInt, Field(ge=0, le=1)] = 0
    SendMsgControl: list[StrictStr] = []
    CloudCustomData: StrictStr | None = None
    GroupAtInfo: list[AtInfo] = []
    ForbidCallbackControl: list[StrictStr] = []
    OfflinePushInfo: OfflinePushField = None
    SupportMessageExtension: Annotated[StrictInt, Field(ge=0, le=1)] = 0


@command(SVC, "send_group_msg", SendGroupMsg)
async def send_group_msg(req: RestRequest, body: SendGroupMsg) -> dict[str, Any]:
    """Send a group message as ``From_Account`` (a member) or, without it, as the
    admin; answers ``MsgTime`` (unix s) and ``MsgSeq`` (per group, from 1).

    ``GroupAtInfo`` mentions members (``GroupAt_Account``) or everyone
    (``GroupAtAllFlag`` 1); ``MsgOnlineOnlyFlag`` 1 reaches online members only and
    is not stored. Errors: 10010 no group, 10007 sender not a member, 10017
    sender muted (or everyone muted), 90002/90007/80002 bad ``MsgBody``.
    """
    at = [AT_ALL if a.GroupAtAllFlag else a.GroupAt_Account or "" for a in body.GroupAtInfo]
    opts = GroupSendOptions(
        at=tuple(dict.fromkeys(a for a in at if a)),
        online_only=bool(body.MsgOnlineOnlyFlag),
        cloud_custom_data=body.CloudCustomData,
        priority=body.MsgPriority,
        controls=frozenset(body.SendMsgControl),
        support_extension=body.SupportMessageExtension == 1,
        check_member=body.From_Account is not None,
        source=SendSource(
            client_ip=req.client_ip,
            operator=req.identifier,
            forbid_callbacks=frozenset(body.ForbidCallbackControl),
            offline_push=body.OfflinePushInfo,
        ),
    )
    res = await req.hub.groups.messages.send(
        req.app,
        body.GroupId,
        body.From_Account or req.identifier,
        body.MsgBody,
        body.Random,
        opts,
    )
    return {"MsgTime": res.msg_time, "MsgSeq": res.seq}


class SystemNotification(GroupRequest):
    """``{"GroupId", "ToMembers_Account"?: [...] (≤500), "Content"}``."""

    ToMembers_Account: Annotated[list[Account], at_most(MAX_ACCOUNTS)] | None = None
    Content: StrictStr


@command(SVC, "send_group_system_notification", SystemNotification)
async def send_group_system_notification(req: RestRequest, body: SystemNotification) -> None:
    """Send a group system notice: to everyone (stored, in history) or, with
    ``ToMembers_Account``, an online push to those members. Errors: 10010, 10004 empty."""
    await req.hub.groups.messages.system_notification(
        req.app, body.GroupId, body.Content, body.ToMembers_Account or None
    )


class GetSimple(GroupRequest):
    """``{"GroupId", "ReqMsgNumber" (1..20), "ReqMsgSeq"? (newest seq to return)}``."""

    ReqMsgNumber: Annotated[StrictInt, Field(ge=1, le=MAX_SIMPLE_MSGS)]
    ReqMsgSeq: Annotated[StrictInt, Field(ge=0, le=(1 << 62))] | None = None


@command(SVC, "group_msg_get_simple", GetSimple)
async def group_msg_get_simple(req: RestRequest, body: GetSimple) -> dict[str, Any]:
    """Group history, newest first: ``GroupId``, ``IsFinished`` (1 nothing older,
    0 more) and ``RspMsgList: [{"From_Account", "IsPlaceMsg", "MsgBody",
    "MsgPriority", "MsgRandom", "MsgSeq", "MsgTimeStamp"}]``, the ``ReqMsgNumber``
    messages with ``MsgSeq`` ≤ ``ReqMsgSeq`` (default: the newest). Page on with
    the smallest ``MsgSeq`` returned minus 1. A recalled message stays in its
    place with ``IsPlaceMsg`` 1 and an empty ``MsgBody``. Errors: 10010 no group.
    """
    before = None if body.ReqMsgSeq is None else body.ReqMsgSeq + 1
    page = await req.hub.groups.messages.history(
        req.app, body.GroupId, None, limit=body.ReqMsgNumber, before_seq=before
    )
    items = []
    for m in reversed(page.messages):
        recalled = m.is_recalled
        items.append(
            {
                "From_Account": m.sender,
                "IsPlaceMsg": int(recalled),
                "MsgBody": [] if recalled else m.body,
                "MsgPriority": m.priority,
                "MsgRandom": m.random,
                "MsgSeq": m.seq,
                "MsgTimeStamp": m.time,
            }
        )
    return {"GroupId": body.GroupId, "IsFinished": int(page.complete), "RspMsgList": items}


class _SeqItem(Wire):
    MsgSeq: Annotated[StrictInt, Field(ge=0, le=(1 << 62))]


class Recall(GroupRequest):
    """``{"GroupId", "MsgSeqList": [{"MsgSeq"}] (≤10)}``."""

    MsgSeqList: Annotated[list[_SeqItem], Field(min_length=1), at_most(MAX_RECALL, 10004)]


@command(SVC, "group_msg_recall", Recall)
async def group_msg_recall(req: RestRequest, body: Recall) -> dict[str, Any]:
    """Recall messages (any sender, any age for the admin): ``RecallRetList:
    [{"MsgSeq", "RetCode"}]``, RetCode 0 recalled, 10030 no such message.
    Errors: 10010 no group."""
    seqs = list(dict.fromkeys(i.MsgSeq for i in body.MsgSeqList))
    codes = await req.hub.groups.messages.recall(
        req.app, req.identifier, body.GroupId, seqs, admin=True
    )
    return {"RecallRetList": [{"MsgSeq": s, "RetCode": codes.get(s, 10030)} for s in seqs]}


class DeleteBySender(GroupRequest):
    Sender_Account: Account


@command(SVC, "delete_group_msg_by_sender", DeleteBySender)
async def delete_group_msg_by_sender(req: RestRequest, body: DeleteBySender) -> None:
    """Delete every message ``Sender_Account`` sent in the group. Errors: 10010 no group."""
    await req.hub.groups.messages.delete_by_sender(req.app, body.GroupId, body.Sender_Account)


class _ImportMsg(Wire):
    From_Account: Account
    SendTime: Uint
    Random: Uint = 0
    MsgBody: list[Any]


class ImportGroupMsg(GroupRequest):
    """``{"GroupId", "MsgList": [{"From_Account", "SendTime", "Random"?, "MsgBody"}] (≤20)}``
    (``RecentContactFlag`` is accepted and ignored)."""

    MsgList: Annotated[list[_ImportMsg], Field(min_length=1), at_most(MAX_IMPORT_MSGS, 10004)]


@command(SVC, "import_group_msg", ImportGroupMsg)
async def import_group_msg(req: RestRequest, body: ImportGroupMsg) -> dict[str, Any]:
    """Import history messages (no push, no unread), in the order given:
    ``ImportMsgResult: [{"MsgSeq", "MsgTime", "Result"}]``, Result 0 imported, 1 failed
    (bad ``MsgBody``, a ``SendTime`` in the future), 2 already imported (same sender,
    ``Random`` and ``SendTime``).
    Errors: 10010 no group."""
    await req.hub.groups.directory.get(req.app, body.GroupId)
    results = []
    for m in body.MsgList:
        try:
            res = await req.hub.groups.messages.import_message(
                req.app,
                body.GroupId,
                m.From_Account,
                m.MsgBody,
                random=m.Random,
                msg_time=m.SendTime,
            )
        except ImError as exc:
            if exc.code == 10010:
                raise
            results.append({"MsgSeq": 0, "MsgTime": m.SendTime, "Result": IMPORT_FAILED})
            continue
        result = IMPORT_DUPLICATE if res.duplicate else IMPORT_OK
        results.append({"MsgSeq": res.seq, "MsgTime": res.msg_time, "Result": result})
    return {"ImportMsgResult": results}
