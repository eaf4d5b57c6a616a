"""Pushes of message extensions and pinned group messages (docs/protocol.md §6),
named and shaped as ``@tencentcloud/chat``'s events of the same names:
``MESSAGE_EXTENSIONS_UPDATED``, ``MESSAGE_EXTENSIONS_DELETED`` and
``PINNED_GROUP_MESSAGE_UPDATED``."""

from __future__ import annotations

from typing import Any, TypedDict

from palaver.model.events import ExtensionsChanged, GroupMessagePinned
from palaver.protocol.frames import Push
from palaver.protocol.objects import GROUP, message_wire


class MessageExtensionsUpdated(TypedDict):
    """``MESSAGE_EXTENSIONS_UPDATED``: the keys written (``extensions``
    ``[{key, value}]``) of the message ``messageID``; ``sequence``/``random``/
    ``from``/``clientTime`` name it as Tencent's SDK does, ``globalSequence`` is
    its extension sequence now and ``extensionSeqs`` each key's sequence."""

    conversationID: str
    messageID: str
    extensions: list[dict[str, str]]
    extensionSeqs: dict[str, int]
    globalSequence: int
    sequence: int
    random: int
    clientTime: int
    clientSequence: int


class MessageExtensionsDeleted(TypedDict):
    """``MESSAGE_EXTENSIONS_DELETED``: the keys deleted (``keyList``); ``cleared``
    true when every key was (``clearSequence``: up to that sequence)."""

    conversationID: str
    messageID: str
    keyList: list[str]
    cleared: bool
    clearSequence: int
    globalSequence: int
    sequence: int
    random: int
    clientTime: int
    clientSequence: int


class PinnedGroupMessageUpdated(TypedDict):
    """``PINNED_GROUP_MESSAGE_UPDATED``: ``message`` was pinned (``isPinned``) or
    unpinned in ``groupID`` by ``operatorInfo.userID``."""

    groupID: str
    message: dict[str, Any]
    isPinned: bool
    operatorInfo: dict[str, str]


def _ids(n: ExtensionsChanged) -> dict[str, Any]:
    m = n.message
    return {
        "conversationID": n.conversation_id,
        "messageID": m.message_id,
        "from": m.sender,
        "globalSequence": n.global_seq,
        "sequence": m.seq,
        "random": m.random,
        "clientTime": m.client_time or m.time,
        "clientSequence": m.client_seq,
    }


def extensions_push(n: ExtensionsChanged) -> Push:
    """The push of an :class:`ExtensionsChanged` (no ``seq``):
    :class:`MessageExtensionsUpdated` or :class:`MessageExtensionsDeleted`."""
    data = _ids(n)
    if n.op == "set":
        data["extensions"] = [{"key": k, "value": v} for k, v, _ in n.items]
        data["extensionSeqs"] = {k: s for k, _, s in n.items}
        return Push("MESSAGE_EXTENSIONS_UPDATED", data)
    data["keyList"] = [k for k, _, _ in n.items]
    data["cleared"] = n.op == "clear"
    data["clearSequence"] = n.clear_seq
    return Push("MESSAGE_EXTENSIONS_DELETED", data)


def pinned_push(n: GroupMessagePinned) -> Push:
    """The push of a :class:`GroupMessagePinned` on the group's stream (no ``seq``)."""
    data = PinnedGroupMessageUpdated(
        groupID=n.group_id,
        message=message_wire(n.message, ""),
        isPinned=n.pinned,
        operatorInfo={"userID": n.operator},
    )
    return Push("PINNED_GROUP_MESSAGE_UPDATED", data, None, GROUP + n.group_id)


def extras_push(n: ExtensionsChanged | GroupMessagePinned) -> Push:
    """The push of either notice of this module."""
    if isinstance(n, ExtensionsChanged):
        return extensions_push(n)
    return pinned_push(n)
