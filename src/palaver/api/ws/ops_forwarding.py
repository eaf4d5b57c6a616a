"""Merged forwarding and the app-wide do-not-disturb (docs/protocol.md §5):
``saveMergerMessageList`` / ``downloadMergerMessage`` keep and fetch the message
list of a merged message too large to inline (:mod:`palaver.services.relay_messages`),
``setAllReceiveMessageOpt`` / ``getAllReceiveMessageOpt`` as ``@tencentcloud/chat``'s
(:mod:`palaver.services.do_not_disturb`)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from palaver.api.ws.core import OpModel, Session, op
from palaver.errors import Code, ImError
from palaver.services.do_not_disturb import DAY, LEVELS, DoNotDisturb


class SaveList(OpModel):
    messageList: Any = None


@op("saveMergerMessageList", SaveList)
async def save_merger_message_list(s: Session, d: SaveList) -> dict[str, Any]:
    """Keep ``messageList`` (1..300 message objects, REST shape) and answer its
    ``downloadKey``: the SDK sends the ``TIMRelayElem`` with ``JsonMsgKey`` set to
    it instead of ``MsgList``. Errors: 6017 a bad list; 80002 over 1 MB."""
    key = await s.hub.relays.save(s.require_app(), s.user_id, d.messageList)
    return {"downloadKey": key}


class Download(OpModel):
    downloadKey: str = ""


@op("downloadMergerMessage", Download)
async def download_merger_message(s: Session, d: Download) -> dict[str, Any]:
    """``{messageList}`` kept under ``downloadKey`` (a ``TIMRelayElem``'s
    ``JsonMsgKey``), as saved; anyone of the app holding the key may read it.
    Errors: 20026 no such key."""
    return {"messageList": await s.hub.relays.load(s.require_app(), d.downloadKey)}


class AllReceiveOpt(OpModel):
    messageRemindType: str = "AcceptNotNotify"
    #: the window's start, unix s (Tencent's SDK computes it from startHour,
    #: startMinute, startSecond of the device's day)
    startTime: int = Field(0, ge=0)
    duration: int = Field(0, ge=0)
    isRepeated: bool = True


@op("setAllReceiveMessageOpt", AllReceiveOpt)
async def set_all_receive_message_opt(s: Session, d: AllReceiveOpt) -> None:
    """Set my app-wide do-not-disturb: ``messageRemindType`` (``AcceptNotNotify``,
    ``Discard``; ``AcceptAndNotify`` turns it off) from ``startTime`` for
    ``duration`` seconds, every day when ``isRepeated``. Inside the window my
    messages get no offline push. Errors: 6017 an unknown remind type."""
    level = LEVELS.get(d.messageRemindType)
    if level is None:
        raise ImError(Code.ERR_INVALID_PARAMETERS, "messageRemindType: " + ", ".join(LEVELS))
    duration = DAY if d.isRepeated and d.duration >= DAY else d.duration
    dnd = DoNotDisturb(level, d.startTime, d.startTime + duration, d.isRepeated)
    await s.hub.do_not_disturb.save(s.require_app(), s.user_id, dnd)


@op("getAllReceiveMessageOpt", OpModel)
async def get_all_receive_message_opt(s: Session, d: OpModel) -> dict[str, Any]:
    """My app-wide do-not-disturb: ``{messageRemindType, startTime, endTime,
    isRepeated}`` (``AcceptAndNotify`` and zeros when never set)."""
    dnd = await s.hub.do_not_disturb.get(s.require_app(), s.user_id)
    names = {v: k for k, v in LEVELS.items()}
    return {
        "messageRemindType": names[dnd.level],
        "startTime": dnd.start_time,
        "endTime": dnd.end_time,
        "isRepeated": dnd.repeated,
    }
