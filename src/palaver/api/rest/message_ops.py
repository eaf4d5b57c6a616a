"""REST commands of issue 17's message features (``openim`` service): edits.

Tencent IM REST ``openim/modify_c2c_msg`` and ``openim/modify_group_msg``
(cloud.tencent.com/document/product/269/74740, /74741).
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
