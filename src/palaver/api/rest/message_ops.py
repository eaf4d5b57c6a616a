"""REST commands of issue 17's message features: edits, deletes, read receipts.

Tencent IM REST ``openim/modify_c2c_msg`` and ``openim/modify_group_msg``
(cloud.tencent.com/document/product/269/74740, /74741),
``openim/delete_c2c_msg_ramble`` (/101439), ``group_open_http_svc/clear_group_msg``
(/95617), ``openim/c2c_msg_read_receipt`` (/104121).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, StrictInt

from palaver.api.rest.core import RestRequest, Wire, command
from palaver.errors import Code, ImError

SVC = "openim"


class ModifyC2CMsg(Wire):
    From_Account: str
    To_Account: str
    MsgKey: str
    MsgBody: Any = None
    CloudCustomData: str | None = None


@command(SVC, "modify_c2c_msg", ModifyC2CMsg)
async def modify_c2c_msg(req: RestRequest, body: ModifyC2CMsg) -> None:
    """Replace the ``MsgBody`` and/or ``CloudCustomData`` of the C2C message
    ``MsgKey`` between ``From_Account`` and ``To_Account`` (any element types;
    no version check). Both parties get ``MESSAGE_MODIFIED``.

    Errors: 20026 no such message (or recalled); 90007/90002/80002 bad body;
    6017 neither field given.
    """
    hub = req.hub
    msg = await hub.edits.c2c_by_msg_key(req.app, body.From_Account, body.To_Account, body.MsgKey)
    await hub.edits.modify(
        req.app,
        msg,
        req.identifier,
        body=body.MsgBody,
        cloud_custom_data=body.CloudCustomData,
        user_edit=False,
    )


class ModifyGroupMsg(Wire):
    field_codes = {"GroupId": Code.ERR_SVR_GROUP_INVALID_PARAMETERS}

    GroupId: str
    MsgSeq: StrictInt = Field(ge=1, le=1 << 62)
    MsgBody: Any = None
    CloudCustomData: str | None = None


@command(SVC, "modify_group_msg", ModifyGroupMsg)
async def modify_group_msg(req: RestRequest, body: ModifyGroupMsg) -> None:
    """Replace the ``MsgBody`` and/or ``CloudCustomData`` of a group's message
    ``MsgSeq`` (no version check); members online get ``MESSAGE_MODIFIED``.

    Errors: 10010 no such group; 2481 an AVChatRoom; 20026 no such message (or
    recalled); 90007/90002/80002 bad body; 6017 neither field given.
    """
    hub = req.hub
    msg = await hub.edits.group_message(req.app, body.GroupId, body.MsgSeq, None)
    await hub.edits.modify(
        req.app,
        msg,
        req.identifier,
        body=body.MsgBody,
        cloud_custom_data=body.CloudCustomData,
        user_edit=False,
    )


class DeleteC2CMsgRamble(Wire):
    Operator_Account: str
    Peer_Account: str
    MsgKeyList: list[str] = Field(min_length=1)


@command(SVC, "delete_c2c_msg_ramble", DeleteC2CMsgRamble)
async def delete_c2c_msg_ramble(req: RestRequest, body: DeleteC2CMsgRamble) -> None:
    """Delete messages of the C2C conversation ``Operator_Account`` /
    ``Peer_Account`` by ``MsgKey`` for ``Operator_Account`` only (the peer keeps
    them); unknown keys are skipped. Errors: 6017 more than 30 keys."""
    d = req.hub.deletes
    msgs = await d.c2c_by_keys(req.app, body.Operator_Account, body.Peer_Account, body.MsgKeyList)
    await d.delete_for(req.app, body.Operator_Account, msgs)


class ClearGroupMsg(Wire):
    GroupId: str
    MsgSeq: StrictInt | None = Field(None, ge=0, le=1 << 62)


@command("group_open_http_svc", "clear_group_msg", ClearGroupMsg)
async def clear_group_msg(req: RestRequest, body: ClearGroupMsg) -> None:
    """Clear a group's history up to ``MsgSeq`` (default: all so far) for every
    member; ``group_msg_get_simple`` still returns it. Errors: 10010 no group."""
    await req.hub.deletes.clear_group_for_all(req.app, body.GroupId, body.MsgSeq)


class ReceiptItem(Wire):
    From_Account: str = ""
    To_Account: str = ""
    MsgKey: str


class C2CMsgReadReceipt(Wire):
    Operator_Account: str
    Peer_Account: str
    C2CMsgInfo: list[ReceiptItem] = Field(min_length=1)


@command(SVC, "c2c_msg_read_receipt", C2CMsgReadReceipt)
async def c2c_msg_read_receipt(req: RestRequest, body: C2CMsgReadReceipt) -> None:
    """``Operator_Account`` sends read receipts for messages ``Peer_Account``
    sent it, named by ``MsgKey``: the conversation is read up to them and the
    peer gets ``MESSAGE_READ_RECEIPT_RECEIVED`` for those that asked for one.
    Errors: 20001 an item whose ``From_Account`` / ``To_Account`` is not the
    peer / the operator; 20026 a ``MsgKey`` not in their conversation."""
    hub, app = req.hub, req.app
    keys: list[tuple[int, int]] = []
    for item in body.C2CMsgInfo:
        if (item.From_Account or body.Peer_Account, item.To_Account or body.Operator_Account) != (
            body.Peer_Account,
            body.Operator_Account,
        ):
            raise ImError(
                Code.ERR_SVR_MSG_PKG_PARSE_FAILED,
                "C2CMsgInfo From_Account/To_Account must be Peer_Account/Operator_Account",
            )
        msg = await hub.edits.c2c_by_msg_key(
            app, body.Operator_Account, body.Peer_Account, item.MsgKey
        )
        keys.append((msg.random, msg.time))
    await hub.messages.read_receipt(app, body.Operator_Account, body.Peer_Account, keys)
