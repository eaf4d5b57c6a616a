"""One message record, from the writer's result to the frame encoder.

A stored C2C or group message, or an online-only one (never stored), as every
layer sees it. Storage maps a ``messages`` row to it in one place
(:func:`palaver.storage.records.message_record`); the protocol layer shapes it
for a viewer (:func:`palaver.protocol.objects.message_wire`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import IntFlag
from typing import Any


class MessageFlag(IntFlag):
    """Bits of ``messages.flags``."""

    RECALLED = 1
    NO_UNREAD = 2  #: SendMsgControl ``NoUnread``, or imported history
    NO_LAST_MSG = 4  #: SendMsgControl ``NoLastMsg``
    NOT_IN_SENDER_ROAM = 8  #: SyncOtherMachine 2: not in the sender's history
    NEED_RECEIPT = 16  #: the sender wants read receipts
    PRIORITY_HIGH = 32  #: ``MsgPriority`` High; with LOW: Lowest (see :data:`PRIORITIES`)
    PRIORITY_LOW = 64  #: ``MsgPriority`` Low
    SUPPORT_EXTENSION = 128  #: sent with ``isSupportExtension`` / ``SupportMessageExtension`` 1


#: ``MsgPriority`` by the two priority bits (``flags >> 5 & 3``).
PRIORITIES = ("Normal", "High", "Low", "Lowest")


# Plain-int masks for the per-message checks (IntFlag arithmetic costs ~1 µs).
_RECALLED = int(MessageFlag.RECALLED)
_NEED_RECEIPT = int(MessageFlag.NEED_RECEIPT)
_SUPPORT_EXTENSION = int(MessageFlag.SUPPORT_EXTENSION)

#: Storage conversation id prefix of a group's messages (``group:<GroupId>``).
GROUP_CONV_PREFIX = "group:"


@dataclass(frozen=True, slots=True)
class MessageRecord:
    """A message: C2C (``receiver`` is a UserID) or group (``receiver`` is the
    GroupId, ``conv_id`` ``group:<id>``).

    Attributes:
        id: storage id (0 for an online-only message).
        conv_id: storage conversation id (``c2c:<a>:<b>`` or ``group:<id>``).
        seq: the conversation's sequence (C2C) or the group's ``MsgSeq``; 0 online-only.
        sender, receiver: ``From_Account`` and ``To_Account`` / GroupId.
        time: ``MsgTimeStamp``, unix seconds.
        random: ``MsgRandom`` (uint32).
        client_seq: the client's own sequence (C2C ``MsgSeq``, group ``ClientSeq``; 0 if none).
        client_time: the sender's clock when it made the message (Tencent's
            ``MsgClientTime``; 0: the same as ``time``).
        msg_key: Tencent's ``MsgKey`` (``{seq}_{random}_{time}``).
        body: ``MsgBody``, a list of ``{"MsgType", "MsgContent"}`` elements.
        cloud_custom_data: ``CloudCustomData`` or ``None``.
        flags: :class:`MessageFlag` bits.
        at_users: group messages: mentioned UserIDs and/or the @all marker.
        online_only: pushed to who was online, never stored.
        version: how many times it was modified (Tencent's ``MsgVersion``; 0: never).
        offline_push: the sender's ``OfflinePushInfo`` (``PushFlag``, ``Title``,
            ``Desc``, ``Ext``...; :mod:`palaver.offline_push`) or ``None``.
    """

    id: int
    conv_id: str
    seq: int
    sender: str
    receiver: str
    time: int
    random: int
    body: list[dict[str, Any]]
    client_seq: int = 0
    client_time: int = 0
    msg_key: str = ""
    cloud_custom_data: str | None = None
    flags: int = 0
    at_users: list[str] | None = None
    online_only: bool = False
    version: int = 0
    offline_push: dict[str, Any] | None = None

    @property
    def message_id(self) -> str:
        """The client-visible ``ID``: the storage id, or ``o-<random>-<time>`` online-only."""
        return f"o-{self.random}-{self.time}" if self.online_only else str(self.id)

    @property
    def group_id(self) -> str | None:
        """The GroupId of a group message, else ``None``."""
        if self.conv_id.startswith(GROUP_CONV_PREFIX):
            return self.conv_id[len(GROUP_CONV_PREFIX) :]
        return None

    @property
    def is_recalled(self) -> bool:
        """Recalled (it stays in history, flagged)."""
        return bool(self.flags & _RECALLED)

    @property
    def priority(self) -> str:
        """``MsgPriority``: ``High``, ``Normal``, ``Low`` or ``Lowest``."""
        return PRIORITIES[self.flags >> 5 & 3]

    @property
    def need_receipt(self) -> bool:
        """The sender asked for group read receipts."""
        return bool(self.flags & _NEED_RECEIPT)

    @property
    def supports_extension(self) -> bool:
        """Sent with ``isSupportExtension``: it may carry key-value extensions."""
        return bool(self.flags & _SUPPORT_EXTENSION)

    def with_flags(self, flags: int) -> MessageRecord:
        """A copy with other flags (say, recalled)."""
        return replace(self, flags=flags)


def group_conv_id(group_id: str) -> str:
    """The storage conversation id of a group's messages."""
    return GROUP_CONV_PREFIX + group_id


#: What joins a Community group's ID and a topic's suffix in the topic's ID
#: (``<group ID>@TOPIC#_<suffix>``, as Tencent names topics).
TOPIC_MARK = "@TOPIC#_"


def topic_group(conversation_group_id: str) -> str | None:
    """The Community group of a topic ID (used where a GroupId goes: a topic is its
    own message stream), or ``None`` for a group's own ID."""
    head, mark, tail = conversation_group_id.partition(TOPIC_MARK)
    return head if mark and head and tail else None
