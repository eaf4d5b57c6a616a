"""Group message commands (``group_open_http_svc.*``) as the logged-in user:
sending, read reports and receipts, recall (docs/tencent-client-protocol.md §6.6).
Tencent REST shapes on the wire."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from palaver.api.tencent.commands.groups import MAX_PAGE, SVC, UINT32
from palaver.api.tencent.commands.media import own_media_urls
from palaver.api.tencent.core import Body, TencentSession, command
from palaver.errors import Code, ImError
from palaver.offline_push import OfflinePushField
from palaver.protocol.tencent import objects as o
from palaver.services.groups import GroupSendOptions
from palaver.services.sending import SendSource

# --- messages ------------------------------------------------------------------------


class AtInfo(Body):
    GroupAtAllFlag: int = 0
    GroupAt_Account: str = ""


class SendGroupMsg(Body):
    GroupId: str
    Random: int = Field(0, ge=0, le=UINT32)
    ClientSeq: int = Field(0, ge=0)
    MsgBody: Any = None
    CloudCustomData: str = ""
    OnlineOnlyFlag: int = 0
    GroupAtInfo: list[AtInfo] = []
    NeedReadReceipt: int = 0
    MsgClientTime: int = Field(0, ge=0)
    SendMsgControl: list[str] = []
    MsgPriority: Literal["High", "Normal", "Low", "Lowest"] = "Normal"
    OfflinePushInfo: OfflinePushField = None
    SupportMessageExtension: int = 0


@command(SVC, "send_group_msg", SendGroupMsg)
async def send_group_msg(s: TencentSession, d: SendGroupMsg) -> dict[str, Any]:
    """``sendMessage`` to ``GROUP<id>``: stored once (``OnlineOnlyFlag``: not
    stored) and pushed to every online member; answers ``MsgTime`` and ``MsgSeq``.
    Errors: 90002/80002 bad body; 10010; 10007 not a member; 10017 muted."""
    app = s.require_app()
    at = tuple(o.AT_ALL if a.GroupAtAllFlag == 1 else a.GroupAt_Account for a in d.GroupAtInfo)
    res = await s.hub.groups.messages.send(
        app,
        d.GroupId,
        s.user_id,
        own_media_urls(s, d.MsgBody),
        d.Random,
        GroupSendOptions(
            at=tuple(a for a in at if a),
            online_only=d.OnlineOnlyFlag == 1,
            cloud_custom_data=d.CloudCustomData or None,
            controls=frozenset(d.SendMsgControl),
            need_receipt=d.NeedReadReceipt == 1,
            support_extension=d.SupportMessageExtension == 1,
            priority=d.MsgPriority,
            lane=s.lane,
            origin=s.conn.id,
            client_seq=d.ClientSeq,
            client_time=d.MsgClientTime,
            source=SendSource(
                platform=s.conn.platform,
                client_ip=s.conn.client_ip,
                offline_push=d.OfflinePushInfo,
            ),
        ),
    )
    return {"MsgTime": res.msg_time, "MsgSeq": res.seq}


class ReadReport(Body):
    GroupId: str
    MsgReadedSeq: int = Field(0, ge=0)


@command(SVC, "msg_read_report", ReadReport)
async def msg_read_report(s: TencentSession, d: ReadReport) -> None:
    """``setMessageRead`` of ``GROUP<id>``: read up to ``MsgReadedSeq`` (0: all).
    Errors: 10010; 10007 not a member."""
    app = s.require_app()
    await s.hub.groups.reads.mark_read(app, s.user_id, d.GroupId, d.MsgReadedSeq or None)


class SeqItem(Body):
    MsgSeq: int


class Receipts(Body):
    GroupId: str
    MsgSeqList: list[SeqItem] = Field(min_length=1, max_length=MAX_PAGE)


@command(SVC, "group_msg_receipt", Receipts)
async def group_msg_receipt(s: TencentSession, d: Receipts) -> None:
    """``sendMessageReadReceipt`` for group messages: I have read them (my read
    position moves up to the newest of them); their senders get
    ``MESSAGE_READ_RECEIPT_RECEIVED`` with the new counts. Errors: 10010; 10007
    not a member."""
    app = s.require_app()
    newest = max(i.MsgSeq for i in d.MsgSeqList)
    await s.hub.groups.reads.mark_read(app, s.user_id, d.GroupId, newest)


@command(SVC, "get_group_msg_receipt", Receipts)
async def get_group_msg_receipt(s: TencentSession, d: Receipts) -> dict[str, Any]:
    """``getMessageReadReceiptList`` in a group: per message ``ReadNum`` and
    ``UnreadNum`` (its sender not counted); ``Code`` 6017 for a seq with no
    message. Errors: 10010; 10007 not a member."""
    app = s.require_app()
    await s.hub.groups.messages.reader(app, d.GroupId, s.user_id)  # a topic's: its group
    seqs = [i.MsgSeq for i in d.MsgSeqList]
    counts = await s.hub.groups.reads.read_counts(app, d.GroupId, seqs)
    items = []
    for seq in seqs:
        read, unread = counts.get(seq, (0, 0))
        code = 0 if seq in counts else Code.ERR_INVALID_PARAMETERS
        items.append({"MsgSeq": seq, "ReadNum": read, "UnreadNum": unread, "Code": code})
    return {"GroupMsgReceiptList": items}


class ReceiptDetail(Body):
    GroupId: str
    MsgSeq: int = Field(ge=1)
    Flag: Literal[0, 1] = 0
    Cursor: str | int = ""
    Num: int = Field(MAX_PAGE, ge=1, le=MAX_PAGE)


@command(SVC, "get_group_msg_receipt_detail", ReceiptDetail)
async def get_group_msg_receipt_detail(s: TencentSession, d: ReceiptDetail) -> dict[str, Any]:
    """``getGroupMessageReadMemberList``: a page of the members who have read
    (``Flag`` 0: ``ReadList``) or not read (1: ``UnreadList``) a message, its
    sender left out; ``Cursor`` names the next page, ``IsFinish`` 1 on the last.
    Errors: 10010; 10007 not a member; 6017 no such message."""
    app = s.require_app()
    await s.hub.groups.messages.reader(app, d.GroupId, s.user_id)  # a topic's: its group
    msg = await s.hub.groups.messages.get_by_seq(app, d.GroupId, d.MsgSeq)
    start = int(d.Cursor) if str(d.Cursor).isascii() and str(d.Cursor).isdigit() else 0
    users, nxt = await s.hub.groups.reads.readers(
        app, d.GroupId, d.MsgSeq, msg.sender, read=d.Flag == 0, offset=start, limit=d.Num
    )
    key = "Read_Account" if d.Flag == 0 else "Unread_Account"
    return {
        "ReadList" if d.Flag == 0 else "UnreadList": [{key: u} for u in users],
        "Cursor": str(nxt) if nxt else "",
        "IsFinish": int(not nxt),
    }


class Recall(Body):
    GroupId: str
    MsgSeqList: list[SeqItem] = Field(min_length=1, max_length=100)


@command(SVC, "group_msg_recall", Recall)
async def group_msg_recall(s: TencentSession, d: Recall) -> dict[str, Any]:
    """``revokeMessage`` in a group: mine within the recall window, anyone's for
    the owner and admins; ``RecallRetList`` per seq (0, 10030 not found, 10031
    too late, 10007 not allowed)."""
    app = s.require_app()
    me = await s.hub.groups.directory.member(app, d.GroupId, s.user_id)
    privileged = me is not None and me.role in ("Owner", "Admin")
    codes = await s.hub.groups.messages.recall(
        app,
        s.user_id,
        d.GroupId,
        [i.MsgSeq for i in d.MsgSeqList],
        admin=False,
        window=None if privileged else app.settings.recall_window,
    )
    if len(codes) == 1 and next(iter(codes.values())):
        raise ImError(next(iter(codes.values())))
    return {"RecallRetList": [{"MsgSeq": q, "RetCode": c} for q, c in codes.items()]}
