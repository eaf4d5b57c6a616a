"""C2C message commands (``openim.*``): send, history, recall, read state
(docs/tencent-client-protocol.md §6.5). Tencent REST shapes on the wire."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from pydantic import AliasChoices, Field

from palaver.api.tencent.commands.media import own_media_urls
from palaver.api.tencent.core import INLINE, Body, TencentSession, command
from palaver.errors import Code, ImError
from palaver.model.messages import MessageRecord
from palaver.offline_push import OfflinePushField, check_offline_push
from palaver.protocol.objects import message_wire
from palaver.protocol.tencent import objects as o
from palaver.protocol.tencent.frames import Request, encode_answer, encode_error
from palaver.services.conversation_settings import REMIND_CODES, REMIND_NAMES
from palaver.services.messages import SendOptions, UnknownParty
from palaver.services.sending import SendResult, SendSource

log = logging.getLogger("palaver.tencent")

UINT32 = (1 << 32) - 1
#: Most messages of one ``getroammsg`` page (the SDK asks for 15).
MAX_ROAM = 100


class SendMsg(Body):
    To_Account: str
    MsgSeq: int = Field(0, ge=0, le=UINT32)
    MsgRandom: int = Field(0, ge=0, le=UINT32)
    MsgBody: Any = None
    CloudCustomData: str = ""
    MsgClientTime: int = Field(0, ge=0)
    MsgLifeTime: int | None = None
    SendMsgControl: list[str] = []
    IsNeedReadReceipt: int = 0
    SupportMessageExtension: int = 0
    OfflinePushInfo: OfflinePushField = None


@command("openim", "sendmsg", SendMsg)
async def sendmsg(s: TencentSession, d: SendMsg) -> dict[str, Any]:
    """``sendMessage`` to ``C2C<id>``: stored (``MsgLifeTime`` 0: online-only) and
    pushed; answers ``MsgTime``, ``MsgSeq`` and ``MsgKey``.

    Errors as REST ``openim/sendmsg``: 90002/90007/80002 bad body, 20003 the
    receiver is not imported, 20007 blacklisted, 20009 not friends (app setting
    ``check_friendship``), 90026 bad lifetime.
    """
    app = s.require_app()
    try:
        res = await s.hub.messages.send_c2c(
            app,
            s.user_id,
            d.To_Account,
            own_media_urls(s, d.MsgBody),
            d.MsgRandom,
            SendOptions(
                client_seq=d.MsgSeq,
                client_time=d.MsgClientTime,
                cloud_custom_data=d.CloudCustomData or None,
                lifetime=d.MsgLifeTime,
                need_receipt=d.IsNeedReadReceipt == 1,
                support_extension=d.SupportMessageExtension == 1,
                controls=frozenset(d.SendMsgControl),
                lane=s.lane,
                origin=s.conn.id,
                source=SendSource(
                    platform=s.conn.platform,
                    client_ip=s.conn.client_ip,
                    offline_push=d.OfflinePushInfo,
                ),
            ),
        )
    except UnknownParty as exc:
        raise ImError(Code.ERR_SVR_MSG_INVALID_ID, exc.info) from None
    return {"MsgTime": res.msg_time, "MsgSeq": d.MsgSeq, "MsgKey": res.msg_key}


def _plain_send(d: dict[str, Any]) -> bool:
    """A ``sendmsg`` body the fast lane takes: the fields :class:`SendMsg` allows,
    of plain types and in range, stored (no ``MsgLifeTime``), no send controls."""
    seq, rnd, t = d.get("MsgSeq", 0), d.get("MsgRandom", 0), d.get("MsgClientTime", 0)
    push = d.get("OfflinePushInfo")
    return (
        type(d.get("To_Account")) is str
        and type(seq) is int
        and 0 <= seq <= UINT32
        and type(rnd) is int
        and 0 <= rnd <= UINT32
        and type(t) is int
        and t >= 0
        and type(d.get("MsgBody")) is list
        and type(d.get("CloudCustomData", "")) is str
        and d.get("MsgLifeTime") is None
        and not d.get("SendMsgControl")
        and d.get("IsNeedReadReceipt", 0) in (0, 1)
        and not d.get("SupportMessageExtension")
        and (push is None or _valid_push(push))
    )


def _valid_push(push: Any) -> bool:
    """An ``OfflinePushInfo`` the task path would take (a bad one goes there, to be refused)."""
    try:
        check_offline_push(push)
    except ValueError:
        return False
    return True


def sendmsg_now(s: TencentSession, req: Request, answer: Callable[[bytes], None]) -> bool:
    """``openim.sendmsg``'s fast lane, run by the endpoint's read loop (no task, no
    pydantic model): a stored send with a plain body whose checks are cached is
    queued to the writer at once, in the connection's order, and answered from
    the writer's commit; anything else returns ``False`` for :func:`sendmsg`.
    Same answers and errors as :func:`sendmsg`."""
    d = req.body
    app = s.app
    if app is None or s.conn.kicked or not _plain_send(d):
        return False
    if s.expires and s.hub.clock.time() >= s.expires:
        return False  # the task path logs the session out with 70001
    seq = d.get("MsgSeq", 0)
    opts = SendOptions(
        client_seq=seq,
        client_time=d.get("MsgClientTime", 0),
        cloud_custom_data=d.get("CloudCustomData") or None,
        need_receipt=d.get("IsNeedReadReceipt", 0) == 1,
        lane=s.lane,
        origin=s.conn.id,
        source=SendSource(
            platform=s.conn.platform,
            client_ip=s.conn.client_ip,
            offline_push=d.get("OfflinePushInfo"),
        ),
    )

    def done(res: SendResult | BaseException) -> None:
        if isinstance(res, UnknownParty):
            answer(encode_error(req.servcmd, req.seq, Code.ERR_SVR_MSG_INVALID_ID, res.info))
        elif isinstance(res, ImError):
            answer(encode_error(req.servcmd, req.seq, res.code, res.info))
        elif isinstance(res, BaseException):
            log.error("openim.sendmsg failed", exc_info=res)
            answer(encode_error(req.servcmd, req.seq, Code.ERR_SVR_ACCOUNT_INTERNAL_ERROR))
        else:
            answer(
                encode_answer(req, {"MsgTime": res.msg_time, "MsgSeq": seq, "MsgKey": res.msg_key})
            )

    try:
        return s.hub.messages.send_c2c_now(
            app,
            s.user_id,
            d["To_Account"],
            own_media_urls(s, d["MsgBody"]),
            d.get("MsgRandom", 0),
            opts,
            done,
        )
    except ImError as exc:  # a check that failed at once: refused, in order
        done(exc)
        return True


INLINE["openim.sendmsg"] = sendmsg_now


def _c2c(m: MessageRecord, viewer: str, peer_read: int = 0) -> dict[str, Any]:
    """A C2C message for a history page, with ``IsPeerRead`` on mine."""
    obj = o.c2c_message(message_wire(m, viewer))
    if m.sender == viewer and m.seq <= peer_read:
        obj["IsPeerRead"] = 1
    return obj


class GetRoamMsg(Body):
    Peer_Account: str
    MaxCnt: int = Field(15, ge=1)
    LastMsgTime: int = 0
    MsgKey: str = ""


@command("openim", "getroammsg", GetRoamMsg)
async def getroammsg(s: TencentSession, d: GetRoamMsg) -> dict[str, Any]:
    """``getMessageList`` of ``C2C<id>``: a page of history, oldest first, before
    the message ``MsgKey`` (empty: the newest). ``Complete`` 1 when nothing is older.

    Errors: 90001 a ``MsgKey`` that is not a message of this conversation.
    """
    app = s.require_app()
    page = await s.hub.messages.read_page(
        app, s.user_id, d.Peer_Account, limit=min(d.MaxCnt, MAX_ROAM), before_key=d.MsgKey or None
    )
    if page is None:
        raise ImError(Code.ERR_SVR_MSG_JSON_PARSE_FAILED, "MsgKey is not in this conversation")
    peer_read = page.peer_read
    msgs = page.messages
    oldest = msgs[0] if msgs else None
    return {
        "Complete": int(page.complete),
        "MsgCnt": len(msgs),
        "LastMsgTime": oldest.time if oldest else 0,
        "MsgKey": oldest.msg_key if oldest else "",
        "MsgList": [_c2c(m, s.user_id, peer_read) for m in msgs],
    }


class MsgRef(Body):
    From_Account: str = ""
    To_Account: str
    MsgSeq: int = 0
    MsgRandom: int = 0
    MsgTimeStamp: int = 0


class MsgWithdraw(Body):
    MsgInfo: MsgRef


@command("openim", "msgwithdraw", MsgWithdraw)
async def msgwithdraw(s: TencentSession, d: MsgWithdraw) -> None:
    """``revokeMessage`` of one of my C2C messages, within the app's recall window.

    Errors: 20016 past the window; 90001 no such message of mine.
    """
    app = s.require_app()
    i = d.MsgInfo
    msg = await s.hub.messages.find(app, s.user_id, i.To_Account, i.MsgRandom, i.MsgTimeStamp)
    if msg is None or msg.sender != s.user_id:
        raise ImError(Code.ERR_SVR_MSG_JSON_PARSE_FAILED, "no such message of yours")
    await s.hub.messages.recall_message(app, msg, s.user_id, window=app.settings.recall_window)


class ReadItem(Body):
    To_Account: str
    LastedMsgTime: int = 0


class Readed(Body):
    C2CMsgReadedItem: list[ReadItem] = Field(default_factory=list, max_length=100)


class MsgReaded(Body):
    C2CMsgReaded: Readed = Readed()


@command("openim", "msgreaded", MsgReaded)
async def msgreaded(s: TencentSession, d: MsgReaded) -> None:
    """``setMessageRead`` of ``C2C<id>``: read up to the newest message; the peer
    gets ``MESSAGE_READ_BY_PEER``, my other devices the read state."""
    app = s.require_app()
    for item in d.C2CMsgReaded.C2CMsgReadedItem:
        await s.hub.messages.mark_read(app, s.user_id, item.To_Account)


class PeerReadTime(Body):
    To_Account: list[str] = Field(default_factory=list, max_length=100)


@command("openim", "get_peer_read_time", PeerReadTime)
async def get_peer_read_time(s: TencentSession, d: PeerReadTime) -> dict[str, Any]:
    """When each peer read our conversation last: the time of the last message
    they read (0 if none), parallel to ``To_Account``; the SDK marks my older
    messages ``isPeerRead``."""
    app = s.require_app()
    times = await s.hub.messages.peer_read_times(app, s.user_id, d.To_Account)
    return {"ReadTime": [times.get(p, 0) for p in d.To_Account]}


class ReceiptItem(Body):
    From_Account: str = ""
    To_Account: str = ""
    MsgRandom: int = 0
    MsgTime: int = 0


class C2CReceipt(Body):
    Peer_Account: str
    C2CMsgInfo: list[ReceiptItem] = Field(default_factory=list, max_length=100)


@command("openim", "c2c_msg_read_receipt", C2CReceipt)
async def c2c_msg_read_receipt(s: TencentSession, d: C2CReceipt) -> None:
    """``sendMessageReadReceipt`` for messages from ``Peer_Account``: the
    conversation is read up to them, and the peer gets
    ``MESSAGE_READ_RECEIPT_RECEIVED`` for those sent with ``needReadReceipt``."""
    app = s.require_app()
    keys = [(i.MsgRandom, i.MsgTime) for i in d.C2CMsgInfo]
    await s.hub.messages.read_receipt(app, s.user_id, d.Peer_Account, keys)


class MuteQuery(Body):
    Peer_Account: list[str] = Field(default_factory=list, max_length=100)


@command("openim", "get_c2c_peer_mute_notifications", MuteQuery)
async def get_c2c_peer_mute_notifications(s: TencentSession, d: MuteQuery) -> dict[str, Any]:
    """The SDK asks for my do-not-disturb of new C2C conversations:
    ``MuteNotificationsList: [{Peer_Account, MuteNotifications}]`` (0
    AcceptAndNotify, 1 Discard, 2 AcceptNotNotify)."""
    app = s.require_app()
    kinds = await s.hub.conversation_settings.c2c_remind(app, s.user_id, d.Peer_Account)
    return {
        "MuteNotificationsList": [
            {"Peer_Account": p, "MuteNotifications": REMIND_CODES[kinds[p]]} for p in d.Peer_Account
        ]
    }


class MuteSet(Body):
    Peer_Account: list[str] = Field(default_factory=list, min_length=1, max_length=100)
    Mute_Notifications: int = Field(
        0, validation_alias=AliasChoices("Mute_Notifications", "MuteNotifications")
    )


@command("openim", "set_c2c_peer_mute_notifications", MuteSet)
async def set_c2c_peer_mute_notifications(s: TencentSession, d: MuteSet) -> dict[str, Any]:
    """``setMessageRemindType({userIDList})``: ``Mute_Notifications`` 0
    AcceptAndNotify, 1 Discard, 2 AcceptNotNotify. ``ErrorList: [{UserId,
    ErrorCode}]`` names the peers that are not accounts (50002).
    Errors: 50002 another value."""
    app = s.require_app()
    kind = REMIND_NAMES.get(d.Mute_Notifications)
    if kind is None:
        raise ImError(Code.ERR_SVR_CONV_INVALID_PARAMETERS, "Mute_Notifications is 0, 1 or 2")
    failed = await s.hub.conversation_settings.set_c2c_remind(app, s.user_id, d.Peer_Account, kind)
    return {
        "ErrorList": [
            {"UserId": u, "ErrorCode": Code.ERR_SVR_CONV_INVALID_PARAMETERS} for u in failed
        ]
    }
