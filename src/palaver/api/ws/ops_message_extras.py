"""Message extensions and pinned group messages (docs/protocol.md §5), mirroring
``@tencentcloud/chat``'s ``setMessageExtensions``, ``getMessageExtensions``,
``deleteMessageExtensions``, ``pinGroupMessage`` and
``getPinnedGroupMessageList``."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from palaver.api.ws.core import OpModel, Session, op
from palaver.api.ws.ops_messages import my_message
from palaver.protocol.objects import message_wire
from palaver.services.message_extensions import MAX_PER_CALL, ExtResult


class ExtensionItem(OpModel):
    key: str
    value: str = ""
    #: the key's sequence as I last saw it (0: a key I believe new)
    seq: int = Field(0, ge=0)


class SetExtensions(OpModel):
    conversationID: str
    ID: str
    extensionList: list[ExtensionItem] = Field(min_length=1, max_length=MAX_PER_CALL)


def _results(results: list[ExtResult], seq: int) -> dict[str, Any]:
    return {
        "extensions": [
            {"code": r.code, "key": r.key, "value": r.value, "seq": r.seq} for r in results
        ],
        "globalSequence": seq,
    }


@op("setMessageExtensions", SetExtensions)
async def set_message_extensions(s: Session, d: SetExtensions) -> dict[str, Any]:
    """Set (or add) extensions of a message of my conversations sent with
    ``isSupportExtension``: ``{extensions: [{code, key, value, seq}],
    globalSequence}``, ``code`` 0 written or 23001 (the key changed since the
    ``seq`` I named: ``value``/``seq`` are it now). Everyone in the conversation
    online gets ``MESSAGE_EXTENSIONS_UPDATED``.

    Errors: 6017 a message without ``isSupportExtension``, more than 20 items, a
    key of 0 or over 100 bytes, a value of 0 or over 1 KB, a key twice, over 300
    keys on the message; 20026 no such message (or recalled); groups: 10010,
    10007 not a member, 2481 an AVChatRoom.
    """
    msg = await my_message(s, d.conversationID, d.ID)
    items = [(e.key, e.value, e.seq) for e in d.extensionList]
    results, seq = await s.hub.extensions.write(s.require_app(), msg, items)
    return _results(results, seq)


class GetExtensions(OpModel):
    conversationID: str
    ID: str
    startSequence: int = Field(0, ge=0)


@op("getMessageExtensions", GetExtensions)
async def get_message_extensions(s: Session, d: GetExtensions) -> dict[str, Any]:
    """A message's extensions (written from ``startSequence`` on; 0: all):
    ``{extensions: [{key, value, seq}], globalSequence, clearSequence}``.
    Errors as ``setMessageExtensions``."""
    msg = await my_message(s, d.conversationID, d.ID)
    found = await s.hub.extensions.read(s.require_app(), msg, max(0, d.startSequence - 1))
    return {
        "extensions": [{"key": k, "value": v, "seq": q} for k, v, q in found.items],
        "globalSequence": found.global_seq,
        "clearSequence": found.clear_seq,
    }


class DeleteKey(OpModel):
    key: str
    seq: int = Field(0, ge=0)


class DeleteExtensions(OpModel):
    conversationID: str
    ID: str
    #: keys to delete with the sequence I last saw; none: every key
    extensionList: list[DeleteKey] | None = Field(None, max_length=MAX_PER_CALL)


@op("deleteMessageExtensions", DeleteExtensions)
async def delete_message_extensions(s: Session, d: DeleteExtensions) -> dict[str, Any]:
    """Delete some extensions of a message (``extensionList``), or all of them:
    ``{extensions: [{code, key, value, seq}], globalSequence}`` as
    ``setMessageExtensions``; the others online get ``MESSAGE_EXTENSIONS_DELETED``.
    Errors as ``setMessageExtensions``."""
    msg = await my_message(s, d.conversationID, d.ID)
    items = None if d.extensionList is None else [(e.key, "", e.seq) for e in d.extensionList]
    results, seq = await s.hub.extensions.delete(s.require_app(), msg, items)
    return _results(results, seq)


class PinMessage(OpModel):
    groupID: str
    sequence: int = Field(ge=1)
    isPinned: bool = True


@op("pinGroupMessage", PinMessage)
async def pin_group_message(s: Session, d: PinMessage) -> None:
    """Pin (``isPinned``) or unpin the group's message ``sequence``; members
    online get ``PINNED_GROUP_MESSAGE_UPDATED``. Errors: 10010 no group; 10007
    not the owner or an admin; 10004 an AVChatRoom; 20026 no such message; 10071
    pinned already; 10070 ten pinned already."""
    await s.hub.pins.pin(s.require_app(), d.groupID, d.sequence, s.user_id, pinned=d.isPinned)


class PinnedList(OpModel):
    groupID: str


@op("getPinnedGroupMessageList", PinnedList)
async def get_pinned_group_message_list(s: Session, d: PinnedList) -> dict[str, Any]:
    """The group's pinned messages, latest pin first: ``{messageList: [message
    with pinnerInfo {userID} and pinnedTime (ms)]}``. Errors: 10010; 10007 not a
    member."""
    pins = await s.hub.pins.pins(s.require_app(), d.groupID, s.user_id)
    return {
        "messageList": [
            {
                **message_wire(p.message, s.user_id),
                "pinnerInfo": {"userID": p.pinner},
                "pinnedTime": p.pinned_at,
            }
            for p in pins
        ]
    }
