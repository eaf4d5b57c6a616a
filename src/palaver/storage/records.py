"""Rows to records: each table's row becomes a typed record in exactly one function.

Services and the real-time layer never index rows by column name; they get the
records of :mod:`palaver.model` (and the storage-level records below).
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson
from sqlalchemy.engine import RowMapping

from palaver.model.messages import MessageRecord


def message_record(row: RowMapping, prefix: str = "", *, flags: int | None = None) -> MessageRecord:
    """The record of a ``messages`` row (columns named ``{prefix}{column}``).

    ``flags`` overrides the stored flags (catch-up shows a message as it was sent).
    """
    at = row.get(prefix + "at_users")
    return MessageRecord(
        id=int(row[prefix + "id"]),
        conv_id=row[prefix + "conv_id"],
        seq=int(row[prefix + "seq"]),
        sender=row[prefix + "from_account"],
        receiver=row[prefix + "to_account"],
        time=int(row[prefix + "msg_time"]),
        random=int(row[prefix + "random"]),
        body=orjson.loads(row[prefix + "body"]),
        client_seq=int(row.get(prefix + "client_seq") or 0),
        client_time=int(row.get(prefix + "client_time") or 0),
        msg_key=row[prefix + "msg_key"],
        cloud_custom_data=row[prefix + "cloud_custom_data"],
        flags=int(row[prefix + "flags"]) if flags is None else flags,
        at_users=orjson.loads(at) if at else None,
    )


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
