"""Rows to records: each table's row becomes a typed record in exactly one function.

Services and the real-time layer never index rows by column name; they get the
records of :mod:`palaver.model` (and the storage-level records below).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

import orjson
from sqlalchemy.engine import RowMapping

from palaver.limits import stored_json
from palaver.model.messages import MessageFlag, MessageRecord

#: What a stored body no frame can carry reads as (it is logged and skipped).
UNREADABLE_BODY = [
    {"MsgType": "TIMCustomElem", "MsgContent": {"Data": "", "Desc": "[unreadable]", "Ext": ""}}
]


#: The ``messages`` columns a record is made of, in the order of
#: :func:`message_record_of` (a query that selects them so reads plain tuples).
MESSAGE_COLUMNS = (
    "id",
    "conv_id",
    "seq",
    "from_account",
    "to_account",
    "msg_time",
    "random",
    "client_seq",
    "client_time",
    "msg_key",
    "body",
    "cloud_custom_data",
    "flags",
    "at_users",
    "version",
    "offline_push",
)


def message_record(row: RowMapping, prefix: str = "", *, flags: int | None = None) -> MessageRecord:
    """The record of a ``messages`` row (columns named ``{prefix}{column}``; the
    optional ones may be missing): :func:`message_record_of` its values.

    ``flags`` overrides the stored flags (catch-up shows a message as it was sent).
    """
    get = row.get
    return message_record_of(tuple(get(prefix + c) for c in MESSAGE_COLUMNS), flags)


#: The slots of :class:`MessageRecord`, set one by one by :func:`message_record_of`
#: (what the frozen dataclass's ``__init__`` does through ``object.__setattr__``,
#: at 60 % of its cost: a history page builds 16 records). A field added to the
#: record must be set there too: this fails at import until it is.
_SLOTS = ["id", "conv_id", "seq", "sender", "receiver", "time", "random", "body"]
_SLOTS += ["client_seq", "client_time", "msg_key", "cloud_custom_data", "flags", "at_users"]
_SLOTS += ["online_only", "version", "offline_push"]
if [f.name for f in fields(MessageRecord)] != _SLOTS:  # pragma: no cover
    raise ImportError("message_record_of does not set every field of MessageRecord")
(
    _id,
    _conv,
    _seq,
    _sender,
    _receiver,
    _time,
    _random,
    _body,
    _client_seq,
    _client_time,
    _key,
    _custom,
    _flags,
    _at,
    _online,
    _version,
    _push,
) = (getattr(MessageRecord, f).__set__ for f in _SLOTS)
_new = object.__new__


def message_record_of(v: Sequence[Any], flags: int | None = None) -> MessageRecord:
    """The record of a ``messages`` row given as its :data:`MESSAGE_COLUMNS` values
    (``flags``: as :func:`message_record`).

    A body that cannot be read back or is nested too deep for any frame reads
    as :data:`UNREADABLE_BODY` (logged), so it never stops a stream or a history.
    """
    mid = int(v[0])
    at, push = v[13], v[15]
    m: MessageRecord = _new(MessageRecord)
    _id(m, mid)
    _conv(m, v[1])
    _seq(m, int(v[2]))
    _sender(m, v[3])
    _receiver(m, v[4])
    _time(m, int(v[5]))
    _random(m, int(v[6]))
    _body(m, stored_json(v[10], f"message {mid} body", UNREADABLE_BODY))
    _client_seq(m, int(v[7] or 0))
    _client_time(m, int(v[8] or 0))
    _key(m, v[9])
    _custom(m, v[11])
    _flags(m, int(v[12]) if flags is None else flags)
    _at(m, orjson.loads(at) if at else None)
    _online(m, False)
    _version(m, int(v[14] or 0))
    _push(m, stored_json(push, f"message {mid} OfflinePushInfo", None) if push else None)
    return m


@dataclass(frozen=True, slots=True)
class ConversationRow:
    """A user's row of a C2C conversation (``user_conversations``); positions are
    sequences of the conversation, ``last_time`` unix s, ``pinned_at`` ms."""

    owner: str
    conv_id: str
    conv_type: int
    peer: str
    last_seq: int
    last_time: int
    last_msg_id: int
    read_seq: int
    cleared_seq: int
    pinned: bool
    pinned_at: int
    hidden: bool


def conversation_row(row: RowMapping) -> ConversationRow:
    """The record of a ``user_conversations`` row."""
    return ConversationRow(
        owner=row["owner"],
        conv_id=row["conv_id"],
        conv_type=int(row["conv_type"]),
        peer=row["peer"],
        last_seq=int(row["last_seq"]),
        last_time=int(row["last_time"]),
        last_msg_id=int(row["last_msg_id"]),
        read_seq=int(row["read_seq"]),
        cleared_seq=int(row["cleared_seq"]),
        pinned=bool(row["pinned"]),
        pinned_at=int(row["pinned_at"]),
        hidden=bool(row["hidden"]),
    )


@dataclass(frozen=True, slots=True)
class GroupRow:
    """A group (``im_groups``) with its head (the ``conv_heads`` row of ``group:<id>``).

    ``custom``: group custom data ``{key: value}`` (REST ``AppDefinedData``);
    ``max_members`` 0 for no limit (AVChatRoom); ``created_at``/``info_time``/
    ``last_time`` unix s; ``last_seq``/``last_time``/``last_msg_id`` are 0 before
    the first message.
    """

    group_id: str
    type: str
    name: str
    introduction: str
    notification: str
    face_url: str
    owner: str
    apply_join_option: str
    shut_up_all: bool
    max_members: int
    custom: dict[str, str]
    created_at: int
    info_time: int
    last_seq: int
    last_time: int
    last_msg_id: int


def group_row(row: RowMapping) -> GroupRow:
    """The record of an ``im_groups`` row joined with its head (``last_seq``,
    ``last_time``, ``last_msg_id``; see ``storage.groups``)."""
    return GroupRow(
        group_id=row["group_id"],
        type=row["type"],
        name=row["name"],
        introduction=row["introduction"],
        notification=row["notification"],
        face_url=row["face_url"],
        owner=row["owner"],
        apply_join_option=row["apply_join_option"],
        shut_up_all=bool(row["shut_up_all"]),
        max_members=int(row["max_members"]),
        custom=orjson.loads(row["custom"]),
        created_at=int(row["created_at"]),
        info_time=int(row["info_time"]),
        last_seq=int(row["last_seq"]),
        last_time=int(row["last_time"]),
        last_msg_id=int(row["last_msg_id"]),
    )


@dataclass(frozen=True, slots=True)
class MemberRow:
    """A member of a group (``group_members``).

    ``role``: ``Owner``, ``Admin`` or ``Member``; ``join_time`` unix s;
    ``join_seq``: the group's ``MsgSeq`` when they joined (history before it is
    hidden, except in ChatRoom/Community where it is 0); ``read_seq``: read up
    to; ``shut_up_until``: muted until, unix s (0 = not muted); ``msg_flag``:
    REST ``MsgFlag`` (``AcceptAndNotify``, ``AcceptNotNotify``, ``Discard``);
    ``last_send_time`` unix s. The member's conversation ``GROUP<id>``:
    ``pinned`` (at ``pinned_at``, unix ms), ``hidden`` until a message after
    ``hidden_seq``, history hidden up to ``cleared_seq``.
    """

    group_id: str
    user_id: str
    role: str
    join_time: int
    join_seq: int
    read_seq: int
    name_card: str
    custom: dict[str, str]
    shut_up_until: int
    msg_flag: str
    last_send_time: int
    pinned: bool
    pinned_at: int
    hidden: bool
    hidden_seq: int
    cleared_seq: int


def member_row(row: RowMapping, prefix: str = "") -> MemberRow:
    """The record of a ``group_members`` row (columns named ``{prefix}{column}``)."""
    return MemberRow(
        group_id=row[prefix + "group_id"],
        user_id=row[prefix + "user_id"],
        role=row[prefix + "role"],
        join_time=int(row[prefix + "join_time"]),
        join_seq=int(row[prefix + "join_seq"]),
        read_seq=int(row[prefix + "read_seq"]),
        name_card=row[prefix + "name_card"],
        custom=orjson.loads(row[prefix + "custom"]),
        shut_up_until=int(row[prefix + "shut_up_until"]),
        msg_flag=row[prefix + "msg_flag"],
        last_send_time=int(row[prefix + "last_send_time"]),
        pinned=bool(row[prefix + "pinned"]),
        pinned_at=int(row[prefix + "pinned_at"]),
        hidden=bool(row[prefix + "hidden"]),
        hidden_seq=int(row[prefix + "hidden_seq"]),
        cleared_seq=int(row[prefix + "cleared_seq"]),
    )


@dataclass(frozen=True, slots=True)
class GroupApplicationRow:
    """A pending application to join a group (``group_applications``, with the
    group's name): ``applicant`` asked with ``wording`` at ``time`` (unix s)."""

    group_id: str
    group_name: str
    applicant: str
    wording: str
    time: int


def group_application_row(row: RowMapping) -> GroupApplicationRow:
    """The record of a ``group_applications`` row joined with its group's ``name``."""
    return GroupApplicationRow(
        group_id=row["group_id"],
        group_name=row["name"],
        applicant=row["user_id"],
        wording=row["wording"],
        time=int(row["created_at"]),
    )


@dataclass(frozen=True, slots=True)
class MentionRow:
    """A group message that mentions someone: its ``seq``, ``sender``, the
    mentioned user IDs (``at_users``, which may hold the @all marker) and its
    :class:`~palaver.model.messages.MessageFlag` bits."""

    seq: int
    sender: str
    at_users: list[str]
    flags: int

    @property
    def is_recalled(self) -> bool:
        """Whether the message was recalled since."""
        return bool(self.flags & MessageFlag.RECALLED)


def mention_row(row: RowMapping) -> MentionRow:
    """The record of a ``messages`` row's mention columns (``seq``,
    ``from_account``, ``at_users``, ``flags``)."""
    return MentionRow(
        seq=int(row["seq"]),
        sender=row["from_account"],
        at_users=orjson.loads(row["at_users"]),
        flags=int(row["flags"]),
    )
