"""REST commands of message extensions and pinned group messages (issue 17).

Tencent IM REST ``openim_msg_ext_http_svc/set_key_values``, ``get_key_values``
(C2C messages by ``MsgKey``; cloud.tencent.com/document/product/269/77992,
trtc.io/document/51195, /51194), ``group_set_key_values``,
``group_get_key_values`` (group messages by ``MsgSeq``), and
``group_open_http_svc/pin_message``, ``unpin_message``, ``get_pinned_messages``
(cloud.tencent.com/document/product/269/133874, /134120).

``OperateType``: 1 set the ``ExtensionList`` keys, 2 delete them, 3 delete every
key. Each item names the ``Seq`` it last saw of its key (0 for a new key); a
stale one is not written: its ``ResultList`` item carries ``ErrorCode`` 23001 and
the key as it is now.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, StrictInt

from palaver.api.rest.core import RestRequest, Wire, command
from palaver.errors import Code, ImError
from palaver.model.messages import MessageRecord
from palaver.services.message_extensions import MAX_PER_CALL, ExtResult

EXT = "openim_msg_ext_http_svc"
GROUP = "group_open_http_svc"


class Extension(Wire):
    Key: str
    Value: str = ""
    Seq: StrictInt = Field(0, ge=0)


class _SetKeys(Wire):
    OperateType: Literal[1, 2, 3]
    ExtensionList: list[Extension] = Field([], max_length=MAX_PER_CALL)


class C2CSetKeys(_SetKeys):
    From_Account: str
    To_Account: str
    MsgKey: str


class GroupSetKeys(_SetKeys):
    field_codes = {"GroupId": Code.ERR_SVR_GROUP_INVALID_PARAMETERS}

    GroupId: str
    MsgSeq: StrictInt = Field(ge=1, le=1 << 62)


class C2CGetKeys(Wire):
    From_Account: str
    To_Account: str
    MsgKey: str
    StartSeq: StrictInt = Field(0, ge=0)


class GroupGetKeys(Wire):
    field_codes = {"GroupId": Code.ERR_SVR_GROUP_INVALID_PARAMETERS}

    GroupId: str
    MsgSeq: StrictInt = Field(ge=1, le=1 << 62)
    StartSeq: StrictInt = Field(0, ge=0)


def _result(r: ExtResult) -> dict[str, Any]:
    return {
        "ErrorCode": r.code,
        "ErrorInfo": "" if r.code == 0 else "the key changed since that Seq",
        "Extension": {"Key": r.key, "Value": r.value, "Seq": r.seq},
    }


async def _set(req: RestRequest, msg: MessageRecord, body: _SetKeys) -> dict[str, Any]:
    ext = req.hub.extensions
    items = [(e.Key, e.Value, e.Seq) for e in body.ExtensionList]
    if body.OperateType == 3:
        results, seq = await ext.delete(req.app, msg, None)
    elif not items:
        raise ImError(Code.ERR_INVALID_PARAMETERS, "ExtensionList: 1..20 items")
    elif body.OperateType == 1:
        results, seq = await ext.write(req.app, msg, items)
    else:
        results, seq = await ext.delete(req.app, msg, items)
    return {"ResultList": [_result(r) for r in results], "Seq": seq}


async def _get(req: RestRequest, msg: MessageRecord, start: int) -> dict[str, Any]:
    found = await req.hub.extensions.read(req.app, msg, max(0, start - 1))
    return {
        "ExtensionList": [{"Key": k, "Value": v, "Seq": s} for k, v, s in found.items],
        "CompleteFlag": 1,
        "LatestSeq": found.global_seq,
        "ClearSeq": found.clear_seq,
    }


async def _c2c(req: RestRequest, a: str, b: str, msg_key: str) -> MessageRecord:
    return await req.hub.edits.c2c_by_msg_key(req.app, a, b, msg_key)


@command(EXT, "set_key_values", C2CSetKeys)
async def set_key_values(req: RestRequest, body: C2CSetKeys) -> dict[str, Any]:
    """Set (``OperateType`` 1), delete (2) or clear (3) the extensions of the C2C
    message ``MsgKey`` between ``From_Account`` and ``To_Account``; answers a
    ``ResultList`` item per key (``ErrorCode`` 0 or 23001 with the key now) and
    the message's extension ``Seq``. Both parties online get
    ``MESSAGE_EXTENSIONS_UPDATED`` / ``…_DELETED``.

    Errors: 20026 no such message (or recalled); 6017 a message sent without
    ``SupportMessageExtension``, more than 20 items, a key over 100 bytes, a
    value over 1 KB, over 300 keys; 90001 a bad ``OperateType``.
    """
    return await _set(req, await _c2c(req, body.From_Account, body.To_Account, body.MsgKey), body)


@command(EXT, "get_key_values", C2CGetKeys)
async def get_key_values(req: RestRequest, body: C2CGetKeys) -> dict[str, Any]:
    """The extensions of a C2C message (from ``StartSeq``): ``ExtensionList``
    ``[{Key, Value, Seq}]``, ``CompleteFlag`` 1, ``LatestSeq`` (its extension
    sequence) and ``ClearSeq``. Errors as ``set_key_values``."""
    msg = await _c2c(req, body.From_Account, body.To_Account, body.MsgKey)
    return await _get(req, msg, body.StartSeq)


@command(EXT, "group_set_key_values", GroupSetKeys)
async def group_set_key_values(req: RestRequest, body: GroupSetKeys) -> dict[str, Any]:
    """``set_key_values`` for the group message ``MsgSeq``; members online get
    the events. Errors: 10010 no such group; 2481 an AVChatRoom; the rest as
    ``set_key_values``."""
    msg = await req.hub.edits.group_message(req.app, body.GroupId, body.MsgSeq, None)
    return await _set(req, msg, body)


@command(EXT, "group_get_key_values", GroupGetKeys)
async def group_get_key_values(req: RestRequest, body: GroupGetKeys) -> dict[str, Any]:
    """``get_key_values`` for the group message ``MsgSeq``."""
    msg = await req.hub.edits.group_message(req.app, body.GroupId, body.MsgSeq, None)
    return await _get(req, msg, body.StartSeq)


# -- pinned group messages --------------------------------------------------------


class PinMessage(Wire):
    field_codes = {"GroupId": Code.ERR_SVR_GROUP_INVALID_PARAMETERS}

    GroupId: str
    MsgSeq: StrictInt = Field(ge=1, le=(1 << 32) - 1)
    Pinner_Account: str | None = None


class UnpinMessage(Wire):
    field_codes = {"GroupId": Code.ERR_SVR_GROUP_INVALID_PARAMETERS}

    GroupId: str
    MsgSeq: StrictInt = Field(ge=1, le=(1 << 32) - 1)
    UnPinner_Account: str | None = None


class GetPinned(Wire):
    GroupId: str


@command(GROUP, "pin_message", PinMessage)
async def pin_message(req: RestRequest, body: PinMessage) -> None:
    """Pin the group's message ``MsgSeq`` as ``Pinner_Account`` (default: the
    admin); members online get ``PINNED_GROUP_MESSAGE_UPDATED``. Errors: 10010 no
    group; 10004 an AVChatRoom; 20026 no such message; 10071 pinned already;
    10070 ten pinned already."""
    pinner = body.Pinner_Account or req.identifier
    await req.hub.pins.pin(req.app, body.GroupId, body.MsgSeq, pinner, pinned=True, admin=True)


@command(GROUP, "unpin_message", UnpinMessage)
async def unpin_message(req: RestRequest, body: UnpinMessage) -> None:
    """Unpin the group's message ``MsgSeq`` (not pinned: nothing changes).
    Errors: 10010; 10004 an AVChatRoom; 20026 no such message."""
    who = body.UnPinner_Account or req.identifier
    await req.hub.pins.pin(req.app, body.GroupId, body.MsgSeq, who, pinned=False, admin=True)


@command(GROUP, "get_pinned_messages", GetPinned)
async def get_pinned_messages(req: RestRequest, body: GetPinned) -> dict[str, Any]:
    """The group's pinned messages, latest pin first: ``PinnedMsgList``
    ``[{MsgSeq, Pinner_Account}]``. Errors: 10010 no such group."""
    pins = await req.hub.pins.pins(req.app, body.GroupId, None)
    return {"PinnedMsgList": [{"MsgSeq": p.message.seq, "Pinner_Account": p.pinner} for p in pins]}
