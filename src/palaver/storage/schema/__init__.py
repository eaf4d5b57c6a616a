"""SQLAlchemy Core tables. Every row belongs to one app (``app_id`` = SDKAppID).

Design notes:

- A message is stored **once** (``messages``), in a conversation identified by
  ``conv_id``; ``seq`` is its sequence number in that conversation, assigned in
  storage from the conversation's head row (``conv_heads.last_seq``) inside the
  same transaction, so it is strictly increasing and gapless per conversation.
- Each user's view of a conversation (``user_conversations``) keeps positions as
  sequences (``read_seq``, ``cleared_seq``, ``last_seq``); unread counts are
  derived from them, never from a copy of the message per member.
- ``messages.id`` is a global, monotonically increasing id. The cursor of a
  user's event stream is ``user_events.seq`` (see :mod:`palaver.storage.events`).
- Times are unix seconds unless the column name ends in ``_ms``.

The schema is created and upgraded by Alembic (``palaver/migrations``); this
module is what the migrations and the queries share.

The tables are split by area (:mod:`.people`, :mod:`.messages`, :mod:`.groups`,
:mod:`.service`), all in the one :data:`metadata` of :mod:`.base`; this package
re-exports them all.
"""

from __future__ import annotations

from palaver.storage.schema.base import USER_ID, BigIntPK, metadata
from palaver.storage.schema.groups import (
    GROUP_ID,
    TOPIC_ID,
    group_applications,
    group_attributes,
    group_bans,
    group_counters,
    group_members,
    group_pins,
    group_topics,
    im_groups,
    live_room_mutes,
    topic_reads,
)
from palaver.storage.schema.messages import (
    conv_heads,
    conversation_group_items,
    conversation_groups,
    conversation_settings,
    hidden_messages,
    message_extension_heads,
    message_extensions,
    message_reactions,
    messages,
    relay_messages,
    user_conversations,
    user_do_not_disturb,
    user_events,
    user_heads,
)
from palaver.storage.schema.people import (
    accounts,
    apps,
    blacklist,
    deleted_accounts,
    friend_groups,
    friend_requests,
    friends,
    global_mutes,
    profiles,
    push_attr_names,
    status_subscriptions,
    user_push_attrs,
    user_push_tags,
    user_status,
)
from palaver.storage.schema.service import (
    callback_outbox,
    counters,
    dirty_words,
    media,
)

__all__ = [
    "metadata",
    "BigIntPK",
    "USER_ID",
    "apps",
    "accounts",
    "profiles",
    "friends",
    "friend_requests",
    "blacklist",
    "deleted_accounts",
    "friend_groups",
    "global_mutes",
    "user_status",
    "status_subscriptions",
    "push_attr_names",
    "user_push_attrs",
    "user_push_tags",
    "conv_heads",
    "messages",
    "hidden_messages",
    "message_reactions",
    "message_extensions",
    "message_extension_heads",
    "user_conversations",
    "user_heads",
    "user_events",
    "conversation_settings",
    "relay_messages",
    "user_do_not_disturb",
    "conversation_groups",
    "conversation_group_items",
    "GROUP_ID",
    "im_groups",
    "group_members",
    "group_applications",
    "group_bans",
    "group_pins",
    "group_attributes",
    "group_counters",
    "TOPIC_ID",
    "group_topics",
    "topic_reads",
    "live_room_mutes",
    "counters",
    "media",
    "callback_outbox",
    "dirty_words",
]
