"""A group's history in Tencent's client protocol: ``group_open_http_svc.group_msg_get``
(the SDK's ``getMessageList`` of ``GROUP<id>``, and its fetch of given sequences,
``GetType`` 3, e.g. for the pinned messages it does not hold)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from palaver.api.tencent.commands.groups import MAX_PAGE, SVC
from palaver.api.tencent.core import Body, TencentSession, command
from palaver.errors import Code, ImError
from palaver.model.messages import MessageRecord
from palaver.protocol.objects import message_wire
from palaver.protocol.tencent import objects as o

#: ``GetType`` of a fetch of the sequences ``ReqMsgSeqList``.
BY_SEQUENCES = 3


def _history_item(m: MessageRecord, viewer: str, group_type: str) -> dict[str, Any]:
    return o.group_message(message_wire(m, viewer), group_type)


class GroupMsgGet(Body):
    GroupId: str
    ReqMsgNumber: int = Field(20, ge=1)
    ReqMsgSeq: int = Field(0, ge=0)
    GetType: int = 0
    ReqMsgSeqList: list[Any] = Field([], max_length=MAX_PAGE)


def _seq(item: Any) -> int:
    value = item.get("MsgSeq") if isinstance(item, dict) else item
    if type(value) is not int or value < 0:
        raise ImError(Code.ERR_SVR_GROUP_INVALID_PARAMETERS, f"bad sequence {value!r}")
    return value


async def _by_sequences(s: TencentSession, d: GroupMsgGet, group_type: str) -> dict[str, Any]:
    app = s.require_app()
    seqs = [_seq(i) for i in d.ReqMsgSeqList]
    found = await s.hub.deletes.group_by_seqs(app, s.user_id, d.GroupId, seqs)
    msgs = sorted(found, key=lambda m: -m.seq)
    return {
        "GroupId": d.GroupId,
        "IsFinished": 1,
        "NextReqMsgSeq": 0,
        "RspMsgList": [_history_item(m, s.user_id, group_type) for m in msgs],
    }


@command(SVC, "group_msg_get", GroupMsgGet)
async def group_msg_get(s: TencentSession, d: GroupMsgGet) -> dict[str, Any]:
    """``getMessageList`` of ``GROUP<id>``: up to ``ReqMsgNumber`` messages at or
    before ``ReqMsgSeq`` (0: the newest), newest first, from my join on.
    ``NextReqMsgSeq`` is where the next (older) page starts; 0 when done. With
    ``GetType`` 3: the messages of ``ReqMsgSeqList`` (numbers or ``{MsgSeq}``;
    unknown ones left out). Errors: 10010; 10007 not a member; 10004 a bad
    sequence."""
    app = s.require_app()
    g = await s.hub.groups.messages.stream_group(app, d.GroupId)  # a topic's: its group
    if d.GetType == BY_SEQUENCES:
        return await _by_sequences(s, d, g.type)
    before = d.ReqMsgSeq + 1 if d.ReqMsgSeq else None
    page = await s.hub.groups.messages.history(
        app, d.GroupId, s.user_id, limit=min(d.ReqMsgNumber, MAX_PAGE), before_seq=before
    )
    msgs = list(reversed(page.messages))
    oldest = msgs[-1].seq if msgs else 0
    return {
        "GroupId": d.GroupId,
        "IsFinished": int(page.complete),
        "NextReqMsgSeq": 0 if page.complete or oldest <= 1 else oldest - 1,
        "RspMsgList": [_history_item(m, s.user_id, g.type) for m in msgs],
    }
