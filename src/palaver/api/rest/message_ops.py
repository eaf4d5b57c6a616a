"""REST commands of issue 17's message features: edits and deletes.

Tencent IM REST ``openim/modify_c2c_msg`` and ``openim/modify_group_msg``
(cloud.tencent.com/document/product/269/74740, /74741),
``openim/delete_c2c_msg_ramble`` (/101439), ``group_open_http_svc/clear_group_msg``
(/95617).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from palaver.api.rest.core import RestRequest, Wire, command
from palaver.errors import Code

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
    MsgSeq: int = Field(ge=1)
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
    MsgSeq: int | None = Field(None, ge=0)


@command("group_open_http_svc", "clear_group_msg", ClearGroupMsg)
async def clear_group_msg(req: RestRequest, body: ClearGroupMsg) -> None:
    """Clear a group's history up to ``MsgSeq`` (default: all so far) for every
    member; ``group_msg_get_simple`` still returns it. Errors: 10010 no group."""
    await req.hub.deletes.clear_group_for_all(req.app, body.GroupId, body.MsgSeq)
