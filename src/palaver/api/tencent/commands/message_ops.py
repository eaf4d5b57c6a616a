"""Message commands of issue 17 in Tencent's client protocol: edits
(``openim.modify_c2c_msg``, ``openim.modify_group_msg``; the SDK's
``modifyMessage``). Tencent REST shapes on the wire."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from palaver.api.tencent.core import Body, TencentSession, command
from palaver.errors import ImError
from palaver.model.messages import MessageRecord
from palaver.services.message_edits import ModifyConflict

UINT32 = (1 << 32) - 1


class ConflictAnswer(ImError):
    """20027 with the message as it is now in the answer (the SDK rejects with
    2480 and ``data.message`` updated from ``MsgBody``, ``MsgVersion``,
    ``CloudCustomData``)."""

    def __init__(self, conflict: ModifyConflict) -> None:
        super().__init__(conflict.code, conflict.info)
        self.answer = _edited(conflict.message)


def _edited(m: MessageRecord) -> dict[str, Any]:
    return {
        "MsgBody": m.body,
        "MsgVersion": m.version,
        "CloudCustomData": m.cloud_custom_data or "",
    }


class ModifyC2CMsg(Body):
    From_Account: str
    To_Account: str
    MsgSeq: int = Field(0, ge=0, le=UINT32)
    MsgRandom: int = Field(0, ge=0, le=UINT32)
    MsgTime: int = Field(0, ge=0)
    MsgVersion: int = Field(0, ge=0)
    MsgBody: list[Any] | None = None
    CloudCustomData: str | None = None


async def _modify(
    s: TencentSession, msg: MessageRecord, d: ModifyC2CMsg | ModifyGroupMsg
) -> dict[str, Any]:
    try:
        now = await s.hub.edits.modify(
            s.require_app(),
            msg,
            s.user_id,
            body=d.MsgBody,
            cloud_custom_data=d.CloudCustomData,
            version=d.MsgVersion,
        )
    except ModifyConflict as conflict:
        raise ConflictAnswer(conflict) from None
    return _edited(now)


@command("openim", "modify_c2c_msg", ModifyC2CMsg)
async def modify_c2c_msg(s: TencentSession, d: ModifyC2CMsg) -> dict[str, Any]:
    """``modifyMessage`` in ``C2C<id>``: the message named by sequence, random and
    time, edited from ``MsgVersion``; answers its new ``MsgBody``, ``MsgVersion``
    and ``CloudCustomData``. Errors: 20026 not in my conversation with that peer
    (or recalled); 20027 edited by someone else first (with the current message);
    6017 an element type that cannot be edited."""
    app = s.require_app()
    peer = d.To_Account if d.From_Account == s.user_id else d.From_Account
    msg = await s.hub.edits.c2c_by_key(
        app, s.user_id, peer, seq=d.MsgSeq, random=d.MsgRandom, msg_time=d.MsgTime
    )
    return await _modify(s, msg, d)


class ModifyGroupMsg(Body):
    GroupId: str
    MsgSeq: int = Field(ge=0, le=(1 << 62))
    MsgVersion: int = Field(0, ge=0)
    MsgBody: list[Any] | None = None
    CloudCustomData: str | None = None


@command("openim", "modify_group_msg", ModifyGroupMsg)
async def modify_group_msg(s: TencentSession, d: ModifyGroupMsg) -> dict[str, Any]:
    """``modifyMessage`` in ``GROUP<id>``: the message ``MsgSeq``. Errors: 10010 no
    group; 10007 not a member; 2481 a live room; 20026; 20027 as for C2C."""
    msg = await s.hub.edits.group_message(s.require_app(), d.GroupId, d.MsgSeq, s.user_id)
    return await _modify(s, msg, d)
