"""The commands of Tencent's client protocol, one module per area; importing
this package registers them all (:func:`palaver.api.tencent.core.command`)."""

from palaver.api.tencent.commands import (
    c2c,
    contact_marks,
    conversations,
    forwarding,
    friend_groups,
    group_extras,
    group_history,
    group_messages,
    groups,
    media,
    message_extras,
    message_ops,
    relations,
    search,
    session,
    user_status,
)

__all__ = [
    "c2c",
    "contact_marks",
    "conversations",
    "forwarding",
    "friend_groups",
    "group_extras",
    "group_history",
    "group_messages",
    "groups",
    "media",
    "message_extras",
    "message_ops",
    "relations",
    "search",
    "session",
    "user_status",
]
