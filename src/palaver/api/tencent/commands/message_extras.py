"""Message extensions and pinned group messages in Tencent's client protocol:
``openim_msg_ext_http_svc.set_key_values`` / ``get_key_values`` (C2C, the message
by ``MsgKey`` ``{clientSequence}_{random}_{time}``) and ``group_set_key_values`` /
``group_get_key_values`` (by ``MsgSeq``): the SDK's ``setMessageExtensions``,
``getMessageExtensions``, ``deleteMessageExtensions``; and
``group_open_http_svc.pin_message`` / ``unpin_message`` / ``get_pinned_messages``:
``pinGroupMessage`` and ``getPinnedGroupMessageList``. Tencent REST shapes on the
wire (docs/tencent-client-protocol.md §4)."""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, Field

from palaver.api.tencent.commands.message_ops import _c2c_by_key, _group_msg
from palaver.api.tencent.core import Body, TencentSession, command
from palaver.errors import Code, ImError
from palaver.model.messages import MessageRecord
from palaver.services.message_extensions import MAX_PER_CALL

EXT = "openim_msg_ext_http_svc"
GROUP = "group_open_http_svc"


class Kv(Body):
    Key: str
    Value: str = ""
    Seq: int = Field(0, ge=0)


class _SetKeys(Body):
    OperateType: int = 1
    ExtensionList: list[Kv] | None = Field(None, max_length=MAX_PER_CALL)


class C2CSetKeys(_SetKeys):
    From_Account: str = ""
    To_Account: str = ""
    MsgKey: str = Field(validation_alias=AliasChoices("MsgKey", "MessageKey"))


class GroupSetKeys(_SetKeys):
    GroupId: str
    MsgSeq: int = Field(
        ge=0, le=1 << 62, validation_alias=AliasChoices("MsgSeq", "MessageSequence")
    )


async def _set(s: TencentSession, msg: MessageRecord, d: _SetKeys) -> dict[str, Any]:
    """``OperateType`` 1 set, 2 delete, 3 clear; ``ExtensionList`` per key
    ``{ErrorCode, Extension: {Key, Value, Seq}}`` and the extension ``Seq``."""
    ext, app = s.hub.extensions, s.require_app()
    items = [(e.Key, e.Value, e.Seq) for e in d.ExtensionList or []]
    if d.OperateType == 3:
        results, seq = await ext.delete(app, msg, None)
    elif d.OperateType == 1:
        results, seq = await ext.write(app, msg, items)
    elif d.OperateType == 2:
        results, seq = await ext.delete(app, msg, items)
    else:
        raise ImError(Code.ERR_INVALID_PARAMETERS, "OperateType: 1, 2 or 3")
    out = [
        {"ErrorCode": r.code, "Extension": {"Key": r.key, "Value": r.value, "Seq": r.seq}}
        for r in results
    ]
    return {"ExtensionList": out, "Seq": seq}


async def _get(s: TencentSession, msg: MessageRecord, start: int) -> dict[str, Any]:
    found = await s.hub.extensions.read(s.require_app(), msg, max(0, start - 1))
    return {
        "ExtensionList": [{"Key": k, "Value": v, "Seq": q} for k, v, q in found.items],
        "CompleteFlag": 1,
        "LatestSeq": found.global_seq,
        "ClearSeq": found.clear_seq,
    }


@command(EXT, "set_key_values", C2CSetKeys)
async def set_key_values(s: TencentSession, d: C2CSetKeys) -> dict[str, Any]:
    """``setMessageExtensions`` / ``deleteMessageExtensions`` in C2C. Errors:
    20026 not in my conversation with that peer (or recalled); 6017 a message
    without ``isSupportExtension``, limits (20 per call, key 100 bytes, value
    1 KB, 300 keys)."""
    msg = await _c2c_by_key(s, d.From_Account, d.To_Account, d.MsgKey)
    return await _set(s, msg, d)


@command(EXT, "group_set_key_values", GroupSetKeys)
async def group_set_key_values(s: TencentSession, d: GroupSetKeys) -> dict[str, Any]:
    """The same for a group message by ``MsgSeq``. Errors: 10010; 10007 not a
    member; 20026; 6017."""
    return await _set(s, await _group_msg(s, d.GroupId, d.MsgSeq), d)


class C2CGetKeys(Body):
    From_Account: str = ""
    To_Account: str = ""
    MsgKey: str = Field(validation_alias=AliasChoices("MsgKey", "MessageKey"))
    StartSeq: int = Field(0, ge=0, validation_alias=AliasChoices("StartSeq", "StartSequence"))


class GroupGetKeys(Body):
    GroupId: str
    MsgSeq: int = Field(
        ge=0, le=1 << 62, validation_alias=AliasChoices("MsgSeq", "MessageSequence")
    )
    StartSeq: int = Field(0, ge=0, validation_alias=AliasChoices("StartSeq", "StartSequence"))


@command(EXT, "get_key_values", C2CGetKeys)
async def get_key_values(s: TencentSession, d: C2CGetKeys) -> dict[str, Any]:
    """``getMessageExtensions`` in C2C: ``ExtensionList`` ``[{Key, Value, Seq}]``,
    ``CompleteFlag`` 1, ``LatestSeq``, ``ClearSeq``. Errors as ``set_key_values``."""
    msg = await _c2c_by_key(s, d.From_Account, d.To_Account, d.MsgKey)
    return await _get(s, msg, d.StartSeq)


@command(EXT, "group_get_key_values", GroupGetKeys)
async def group_get_key_values(s: TencentSession, d: GroupGetKeys) -> dict[str, Any]:
    """``getMessageExtensions`` in a group."""
    return await _get(s, await _group_msg(s, d.GroupId, d.MsgSeq), d.StartSeq)


# -- pinned group messages ---------------------------------------------------------


class PinMsg(Body):
    GroupId: str
    MsgSeq: int = Field(ge=1, le=(1 << 32) - 1)


@command(GROUP, "pin_message", PinMsg)
async def pin_message(s: TencentSession, d: PinMsg) -> dict[str, Any]:
    """``pinGroupMessage(isPinned true)``: as the logged-in user (``Pinner_Account``
    is ignored). Errors: 10010; 10007 not the owner or an admin; 10004 an
    AVChatRoom; 20026 no such message; 10071 pinned already; 10070 ten pinned."""
    await s.hub.pins.pin(s.require_app(), d.GroupId, d.MsgSeq, s.user_id, pinned=True)
    return {}


@command(GROUP, "unpin_message", PinMsg)
async def unpin_message(s: TencentSession, d: PinMsg) -> dict[str, Any]:
    """``pinGroupMessage(isPinned false)``; errors as ``pin_message``."""
    await s.hub.pins.pin(s.require_app(), d.GroupId, d.MsgSeq, s.user_id, pinned=False)
    return {}


class GetPinned(Body):
    GroupId: str


@command(GROUP, "get_pinned_messages", GetPinned)
async def get_pinned_messages(s: TencentSession, d: GetPinned) -> dict[str, Any]:
    """``getPinnedGroupMessageList``: ``PinnedMsgList`` ``[{MsgSeq,
    Pinner_Account}]`` (the SDK fetches the messages it lacks with
    ``group_msg_get`` ``GetType`` 3). Errors: 10010; 10007 not a member."""
    pins = await s.hub.pins.pins(s.require_app(), d.GroupId, s.user_id)
    return {"PinnedMsgList": [{"MsgSeq": p.message.seq, "Pinner_Account": p.pinner} for p in pins]}
