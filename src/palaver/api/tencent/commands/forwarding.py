"""Merged forwarding and the app-wide do-not-disturb in Tencent's client protocol
(docs/tencent-client-protocol.md §6.5): ``im_long_msg.save_relay_json_msg`` and
``get_relay_json_msg`` (the SDK's upload of a merged message too large to inline,
and ``downloadMergerMessage``; :mod:`palaver.services.relay_messages`), and
``im_msg_db_logic.ws_set_do_not_disturb`` / ``ws_get_do_not_disturb``
(``setAllReceiveMessageOpt`` / ``getAllReceiveMessageOpt``;
:mod:`palaver.services.do_not_disturb`)."""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, Field

from palaver.api.tencent.core import Body, TencentSession, command
from palaver.services.do_not_disturb import DoNotDisturb


class SaveRelay(Body):
    MsgList: Any = Field(None, validation_alias=AliasChoices("MsgList", "messageList"))


@command("im_long_msg", "save_relay_json_msg", SaveRelay)
async def save_relay_json_msg(s: TencentSession, d: SaveRelay) -> dict[str, Any]:
    """The messages of a merged message, kept on the server: answers ``JsonMsgKey``
    (the SDK's ``downloadKey``, which it sends in the ``TIMRelayElem`` instead of
    ``MsgList``) and ``PbMsgKey`` (the same key). Errors: 6017 not a list of 1..300
    objects; 80002 over 1 MB."""
    key = await s.hub.relays.save(s.require_app(), s.user_id, d.MsgList)
    return {"JsonMsgKey": key, "PbMsgKey": key}


class GetRelay(Body):
    JsonMsgKey: str = Field(
        "", validation_alias=AliasChoices("JsonMsgKey", "downloadKey", "DownloadKey")
    )


@command("im_long_msg", "get_relay_json_msg", GetRelay)
async def get_relay_json_msg(s: TencentSession, d: GetRelay) -> dict[str, Any]:
    """``downloadMergerMessage``: ``MsgList``, as it was saved. Anyone of the app
    holding the key may read it (as Tencent). Errors: 20026 no such key."""
    return {"MsgList": await s.hub.relays.load(s.require_app(), d.JsonMsgKey)}


class SetDoNotDisturb(Body):
    Level: int = Field(2, validation_alias=AliasChoices("Level", "messageRemindType"))
    StartTime: int = Field(0, validation_alias=AliasChoices("StartTime", "startTime"))
    EndTime: int = Field(0, validation_alias=AliasChoices("EndTime", "endTime"))
    IsRepeated: int = Field(0, validation_alias=AliasChoices("IsRepeated", "isRepeated"))


@command("im_msg_db_logic", "ws_set_do_not_disturb", SetDoNotDisturb)
async def ws_set_do_not_disturb(s: TencentSession, d: SetDoNotDisturb) -> dict[str, Any]:
    """``setAllReceiveMessageOpt``: ``Level`` (0 AcceptAndNotify, 1 Discard, 2
    AcceptNotNotify) from ``StartTime`` to ``EndTime`` (unix s), daily when
    ``IsRepeated`` is 1. Errors: 6017 a bad level or window."""
    dnd = DoNotDisturb(d.Level, d.StartTime, d.EndTime, d.IsRepeated == 1)
    await s.hub.do_not_disturb.save(s.require_app(), s.user_id, dnd)
    return {}


@command("im_msg_db_logic", "ws_get_do_not_disturb", Body)
async def ws_get_do_not_disturb(s: TencentSession, d: Body) -> dict[str, Any]:
    """``getAllReceiveMessageOpt``: ``Level``, ``StartTime``, ``EndTime``,
    ``IsRepeated`` (all 0 when never set)."""
    dnd = await s.hub.do_not_disturb.get(s.require_app(), s.user_id)
    return {
        "Level": dnd.level,
        "StartTime": dnd.start_time,
        "EndTime": dnd.end_time,
        "IsRepeated": 1 if dnd.repeated else 0,
    }
