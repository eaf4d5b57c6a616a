"""Tencent IM REST ``openim``: C2C messages and online state.

sendmsg, batchsendmsg, importmsg, admin_getroammsg, admin_msgwithdraw,
admin_set_msg_read, get_c2c_unread_msg_num, query_online_status
(cloud.tencent.com/document/api/269/2282 and neighbours).
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from pydantic import AliasChoices, Field, StrictInt, field_validator

from palaver.api.rest.core import RestRequest, Wire, command
from palaver.errors import Code, ImError
from palaver.model.messages import MessageRecord
from palaver.offline_push import OfflinePushField
from palaver.services.accounts import validate_user_id
from palaver.services.messages import SendOptions, UnknownParty
from palaver.services.sending import SendResult, SendSource

SVC = "openim"
UINT32 = (1 << 32) - 1
MAX_BATCH = 500
MAX_ROAM_COUNT = 100

#: MsgFlagBits of admin_getroammsg: bit 1 marks a recalled message.
MSG_FLAG_RECALLED = 2


#: How far ahead of the server's clock a MsgTimeStamp may be (seconds): a time
#: in the far future would pin its conversation to the top of every list.
MAX_CLOCK_SKEW = 600


def _not_in_future(v: int | None) -> int | None:
    if v is not None and v > time.time() + MAX_CLOCK_SKEW:
        raise ValueError(f"MsgTimeStamp is more than {MAX_CLOCK_SKEW} s in the future")
    return v


class _Send(Wire):
    """Fields shared by sendmsg and batchsendmsg."""

    field_codes = {
        "SyncOtherMachine": 90031,
        "From_Account": 90001,
        "To_Account": 90003,
        "MsgLifeTime": 90044,
        "MsgSeq": 90001,
        "MsgRandom": 90005,
        "MsgTimeStamp": 90006,
        "MsgBody": 90007,
    }

    SyncOtherMachine: StrictInt | None = None
    From_Account: str | None = None
    MsgLifeTime: StrictInt | None = None
    MsgSeq: StrictInt | None = Field(None, ge=0, le=UINT32)
    MsgRandom: StrictInt = Field(ge=0, le=UINT32)
    MsgTimeStamp: StrictInt | None = Field(None, ge=0)
    MsgBody: list[Any]
    CloudCustomData: str | None = None
    SendMsgControl: list[str] = []

    _not_future = field_validator("MsgTimeStamp")(lambda v: _not_in_future(v))
    ForbidCallbackControl: list[str] = []
    OfflinePushInfo: OfflinePushField = None
    IsNeedReadReceipt: int = 0
    SupportMessageExtension: int = 0

    def options(self, req: RestRequest) -> SendOptions:
        return SendOptions(
            source=SendSource(
                client_ip=req.client_ip,
                operator=req.identifier,
                forbid_callbacks=frozenset(self.ForbidCallbackControl),
                offline_push=self.OfflinePushInfo,
            ),
            client_seq=self.MsgSeq,
            msg_time=self.MsgTimeStamp,
            cloud_custom_data=self.CloudCustomData,
            sync_other_machine=self.SyncOtherMachine,
            lifetime=self.MsgLifeTime,
            controls=frozenset(self.SendMsgControl),
            support_extension=self.SupportMessageExtension == 1,
        )


class SendMsg(_Send):
    To_Account: str


async def _send_one(
    req: RestRequest, body: _Send, to: str, opts: SendOptions | None = None
) -> SendResult:
    sender = body.From_Account or req.identifier
    validate_user_id(to, 90003)
    validate_user_id(sender, 90001)
    try:
        return await req.hub.messages.send_c2c_soon(
            req.app, sender, to, body.MsgBody, body.MsgRandom, opts or body.options(req)
        )
    except UnknownParty as exc:
        raise ImError(
            Code.ERR_SVR_MSG_TO_ACCOUNT_NOT_FOUND if exc.role == "receiver" else 90048, exc.info
        ) from None


@command(SVC, "sendmsg", SendMsg)
async def sendmsg(req: RestRequest, body: SendMsg) -> dict[str, Any]:
    """Send one C2C message; answers ``MsgTime`` (unix s) and ``MsgKey``.

    Errors: 90003 bad To_Account, 90005 MsgRandom, 90006 MsgTimeStamp, 90007
    MsgBody not an array, 90002 bad element, 80002 body > 8 KB, 90026 lifetime
    > 7 days, 90012 receiver / 90048 sender not imported, 20007 blacklisted,
    20009 not friends (app setting ``check_friendship``).
    """
    res = await _send_one(req, body, body.To_Account)
    return {"MsgTime": res.msg_time, "MsgKey": res.msg_key}


class BatchSendMsg(_Send):
    To_Account: list[str] = Field(min_length=1)

    @field_validator("To_Account")
    @classmethod
    def _limit(cls, v: list[str]) -> list[str]:
        if len(v) > MAX_BATCH:
            raise ImError(
                Code.ERR_SVR_MSG_TO_ACCOUNT_COUNT_LIMIT, f"at most {MAX_BATCH} recipients"
            )
        return v


@command(SVC, "batchsendmsg", BatchSendMsg)
async def batchsendmsg(req: RestRequest, body: BatchSendMsg) -> dict[str, Any]:
    """Send the same message to up to 500 users. ``MsgKey`` recalls it for any of them;
    ``ErrorList: [{To_Account, ErrorCode}]`` lists the recipients that failed."""
    key = ""
    errors: list[dict[str, Any]] = []
    # one MsgTime for every copy, so the one MsgKey finds each of them
    opts = dataclasses.replace(body.options(req), msg_time=body.MsgTimeStamp or int(time.time()))
    for to in dict.fromkeys(body.To_Account):
        try:
            res = await _send_one(req, body, to, opts)
            key = key or res.msg_key
        except ImError as exc:
            if exc.code in (90001, 90002, 90007, 80002, 90026, 90048):
                raise  # the message itself (or its sender) is bad: same for everyone
            errors.append({"To_Account": to, "ErrorCode": 70107 if exc.code == 90012 else exc.code})
    return {"MsgKey": key, "ErrorList": errors}


class ImportMsg(Wire):
    field_codes = {"MsgRandom": 90005, "MsgTimeStamp": 90006, "MsgBody": 90007, "To_Account": 90003}

    SyncFromOldSystem: StrictInt = 2
    From_Account: str
    To_Account: str
    MsgSeq: StrictInt = Field(0, ge=0, le=UINT32)
    MsgRandom: StrictInt = Field(ge=0, le=UINT32)
    MsgTimeStamp: StrictInt = Field(ge=0)
    MsgBody: list[Any]
    CloudCustomData: str | None = None

    _not_future = field_validator("MsgTimeStamp")(lambda v: _not_in_future(v))


@command(SVC, "importmsg", ImportMsg)
async def importmsg(req: RestRequest, body: ImportMsg) -> None:
    """Import a C2C message at its own ``MsgTimeStamp``.

    ``SyncFromOldSystem`` 2 (history: no unread count) or 1/5 (realtime:
    counts as unread). Duplicates by (MsgSeq, MsgRandom, MsgTimeStamp) are
    stored once.
    """
    if body.SyncFromOldSystem not in (1, 2, 5):
        raise ImError(Code.ERR_SVR_MSG_JSON_PARSE_FAILED, "SyncFromOldSystem must be 1, 2 or 5")
    try:
        await req.hub.messages.import_c2c(
            req.app,
            body.From_Account,
            body.To_Account,
            body.MsgBody,
            random=body.MsgRandom,
            client_seq=body.MsgSeq,
            msg_time=body.MsgTimeStamp,
            realtime=body.SyncFromOldSystem != 2,
            cloud_custom_data=body.CloudCustomData,
        )
    except UnknownParty as exc:
        raise ImError(
            Code.ERR_SVR_MSG_TO_ACCOUNT_NOT_FOUND if exc.role == "receiver" else 90048, exc.info
        ) from None


class GetRoamMsg(Wire):
    """Current names ``Operator_Account``/``Peer_Account``; older ``From_Account``/``To_Account``."""

    Operator_Account: str = Field(validation_alias=AliasChoices("Operator_Account", "From_Account"))
    Peer_Account: str = Field(validation_alias=AliasChoices("Peer_Account", "To_Account"))
    MaxCnt: StrictInt = Field(MAX_ROAM_COUNT, ge=1)
    MinTime: StrictInt = Field(0, ge=0)
    MaxTime: StrictInt | None = Field(None, ge=0)
    LastMsgKey: str | None = None


def _roam_item(m: MessageRecord, peer_read_seq: int, operator: str) -> dict[str, Any]:
    return {
        "From_Account": m.sender,
        "To_Account": m.receiver,
        "MsgSeq": m.seq,
        "MsgRandom": m.random,
        "MsgTimeStamp": m.time,
        "MsgFlagBits": MSG_FLAG_RECALLED if m.is_recalled else 0,
        "IsPeerRead": int(m.sender == operator and m.seq <= peer_read_seq),
        "MsgKey": m.msg_key,
        "MsgBody": m.body,
        "CloudCustomData": m.cloud_custom_data or "",
    }


@command(SVC, "admin_getroammsg", GetRoamMsg)
async def admin_getroammsg(req: RestRequest, body: GetRoamMsg) -> dict[str, Any]:
    """C2C history seen by ``Operator_Account``, newest page first.

    Each page has up to ``MaxCnt`` (≤100) messages in ``[MinTime, MaxTime]``,
    oldest first within the page. When ``Complete`` is 0, ask again with
    ``LastMsgKey`` (and ``MaxTime`` = ``LastMsgTime``) for the older ones.
    Recalled messages are included with ``MsgFlagBits`` = 2. ``IsPeerRead``
    is 1 for the operator's messages the peer has read. One query
    (:meth:`~palaver.services.c2c_history.C2CHistory.read_page`).

    Errors: 90001 a ``LastMsgKey`` that is not a message of this conversation.
    """
    page = await req.hub.messages.read_page(
        req.app,
        body.Operator_Account,
        body.Peer_Account,
        limit=min(body.MaxCnt, MAX_ROAM_COUNT),
        before_key=body.LastMsgKey or None,
        min_time=body.MinTime or None,
        max_time=body.MaxTime,
    )
    if page is None:
        raise ImError(
            Code.ERR_SVR_MSG_JSON_PARSE_FAILED, "LastMsgKey is not a message of this conversation"
        )
    peer_read = page.peer_read
    msgs = page.messages
    oldest = msgs[0] if msgs else None
    return {
        "Complete": int(page.complete),
        "MsgCnt": len(msgs),
        "LastMsgTime": oldest.time if oldest else 0,
        "LastMsgKey": oldest.msg_key if oldest else "",
        "MsgList": [_roam_item(m, peer_read, body.Operator_Account) for m in msgs],
    }


class MsgWithdraw(Wire):
    From_Account: str
    To_Account: str
    MsgKey: str


@command(SVC, "admin_msgwithdraw", MsgWithdraw)
async def admin_msgwithdraw(req: RestRequest, body: MsgWithdraw) -> None:
    """Recall a C2C message by MsgKey (no time limit for the admin). Errors: 90001 not found."""
    await req.hub.messages.recall(req.app, body.From_Account, body.To_Account, body.MsgKey)


class SetMsgRead(Wire):
    Report_Account: str
    Peer_Account: str


@command(SVC, "admin_set_msg_read", SetMsgRead)
async def admin_set_msg_read(req: RestRequest, body: SetMsgRead) -> None:
    """Mark every message ``Peer_Account`` sent to ``Report_Account`` as read."""
    await req.hub.accounts.require(req.app, [body.Report_Account, body.Peer_Account], 70107)
    await req.hub.messages.mark_read(req.app, body.Report_Account, body.Peer_Account)


class C2CUnread(Wire):
    To_Account: str
    Peer_Account: list[str] | None = None


@command(SVC, "get_c2c_unread_msg_num", C2CUnread)
async def get_c2c_unread_msg_num(req: RestRequest, body: C2CUnread) -> dict[str, Any]:
    """``AllC2CUnreadMsgNum`` (all conversations), plus ``C2CUnreadMsgNumList`` per
    requested peer and ``ErrorList`` (70107) for peers that are not imported."""
    await req.hub.accounts.require(req.app, [body.To_Account], 70107)
    total = sum((await req.hub.messages.unread_counts(req.app, body.To_Account)).values())
    out: dict[str, Any] = {"AllC2CUnreadMsgNum": total}
    if body.Peer_Account is not None:
        have = await req.hub.accounts.existing(req.app, body.Peer_Account)
        good = [p for p in body.Peer_Account if p in have]
        counts = await req.hub.messages.unread_counts(req.app, body.To_Account, good)
        out["C2CUnreadMsgNumList"] = [
            {"Peer_Account": p, "C2CUnreadMsgNum": counts[p]} for p in good
        ]
        out["ErrorList"] = [
            {"Peer_Account": p, "ErrorCode": 70107} for p in body.Peer_Account if p not in have
        ]
    return out


class QueryOnline(Wire):
    To_Account: list[str] = Field(min_length=1, max_length=MAX_BATCH)
    IsNeedDetail: int = 0


@command(SVC, "query_online_status", QueryOnline)
async def query_online_status(req: RestRequest, body: QueryOnline) -> dict[str, Any]:
    """``QueryResult: [{To_Account, Status: Online|Offline, Detail?}]`` from live
    connections; ``ErrorList`` (70107) for accounts that are not imported."""
    online = await req.hub.accounts.online_status(req.app, body.To_Account)
    results = []
    for user in body.To_Account:
        if user not in online:
            continue
        platforms = online[user]
        item: dict[str, Any] = {"To_Account": user, "Status": "Online" if platforms else "Offline"}
        if body.IsNeedDetail:
            item["Detail"] = [{"Platform": p, "Status": "Online"} for p in platforms]
        results.append(item)
    return {
        "QueryResult": results,
        "ErrorList": [
            {"To_Account": u, "ErrorCode": 70107} for u in body.To_Account if u not in online
        ],
    }
