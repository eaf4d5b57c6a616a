"""Tables of groups (docs/design-groups.md): groups, members, applications, bans, pins,
attributes, counters, Community topics and their reads, AVChatRoom mutes.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from palaver.storage.schema.base import USER_ID, metadata

GROUP_ID = 64


# Groups (docs/design-groups.md). A group's messages are ``messages`` rows of
# conversation ``group:<id>`` (stored once); its head is the ``conv_heads`` row.
im_groups = Table(
    "im_groups",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("group_id", String(GROUP_ID), primary_key=True),
    Column("type", String(16), nullable=False),
    Column("name", String(128), nullable=False),
    Column("introduction", Text, nullable=False, default=""),
    Column("notification", Text, nullable=False, default=""),
    Column("face_url", Text, nullable=False, default=""),
    Column("owner", String(USER_ID), nullable=False, default=""),
    Column("apply_join_option", String(16), nullable=False),
    Column("shut_up_all", Boolean, nullable=False, default=False),
    Column("max_members", Integer, nullable=False),  # 0: no limit
    Column("custom", Text, nullable=False, default="{}"),  # JSON {key: value}
    Column("created_at", BigInteger, nullable=False),
    Column("info_time", BigInteger, nullable=False),
    Index(None, "app_id", "type"),
)


group_members = Table(
    "group_members",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("group_id", String(GROUP_ID), primary_key=True),
    Column("user_id", String(USER_ID), primary_key=True),
    Column("role", String(8), nullable=False),  # Owner, Admin, Member
    Column("join_time", BigInteger, nullable=False),
    Column("join_seq", BigInteger, nullable=False, default=0),  # history visible after
    Column("read_seq", BigInteger, nullable=False, default=0),
    Column("name_card", String(128), nullable=False, default=""),
    Column("custom", Text, nullable=False, default="{}"),
    Column("shut_up_until", BigInteger, nullable=False, default=0),
    Column("msg_flag", String(24), nullable=False, default="AcceptAndNotify"),
    Column("last_send_time", BigInteger, nullable=False, default=0),
    # the member's conversation GROUP<id>: pinned, and hidden until a message after hidden_seq
    Column("pinned", Boolean, nullable=False, default=False),
    Column("pinned_at", BigInteger, nullable=False, default=0),  # milliseconds
    Column("hidden", Boolean, nullable=False, default=False),
    Column("hidden_seq", BigInteger, nullable=False, default=0),
    Column("cleared_seq", BigInteger, nullable=False, default=0),
    Index(None, "app_id", "user_id"),
)


group_applications = Table(
    "group_applications",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("group_id", String(GROUP_ID), primary_key=True),
    Column("user_id", String(USER_ID), primary_key=True),
    Column("wording", String(512), nullable=False, default=""),
    Column("created_at", BigInteger, nullable=False),
)


# Members banned from a group (REST ban_group_member): not in it, cannot (re)join
# until ``until`` (unix s).
group_bans = Table(
    "group_bans",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("group_id", String(GROUP_ID), primary_key=True),
    Column("user_id", String(USER_ID), primary_key=True),
    Column("until", BigInteger, nullable=False),
    Column("description", Text, nullable=False, default=""),
)


# pinned group messages (Tencent's pinGroupMessage): at most 10 per group
group_pins = Table(
    "group_pins",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("group_id", String(GROUP_ID), primary_key=True),
    Column("msg_seq", BigInteger, primary_key=True),
    Column("pinner", String(USER_ID), nullable=False),
    Column("pinned_at", BigInteger, nullable=False),  # milliseconds
)


# Group attributes (SDK initGroupAttributes/setGroupAttributes...): key -> value.
group_attributes = Table(
    "group_attributes",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("group_id", String(GROUP_ID), primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)


# Group counters (SDK setGroupCounters/increaseGroupCounter...): key -> integer.
group_counters = Table(
    "group_counters",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("group_id", String(GROUP_ID), primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("value", BigInteger, nullable=False),
)


TOPIC_ID = 128  # <community group id>@TOPIC#_<suffix>


# Topics of Community groups; a topic's messages are the conversation group:<topic id>.
group_topics = Table(
    "group_topics",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("topic_id", String(TOPIC_ID), primary_key=True),
    Column("group_id", String(GROUP_ID), nullable=False),
    Column("name", String(256), nullable=False),
    Column("face_url", Text, nullable=False, default=""),
    Column("introduction", Text, nullable=False, default=""),
    Column("notification", Text, nullable=False, default=""),
    Column("custom_data", Text, nullable=False, default=""),
    Column("mute_all", Boolean, nullable=False, default=False),
    Column("created_at", BigInteger, nullable=False),
    Index(None, "app_id", "group_id"),
)


# A member's read position in a topic (its own MsgSeq stream, conversation
# ``group:<topic id>``); no row: nothing read yet.
topic_reads = Table(
    "topic_reads",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("topic_id", String(TOPIC_ID), primary_key=True),
    Column("user_id", String(USER_ID), primary_key=True),
    Column("read_seq", BigInteger, nullable=False),
)


#: Mutes in an AVChatRoom, whose audience has no ``group_members`` rows
#: (REST ``forbid_send_msg``, SDK ``setGroupMemberMuteTime``): muted until, unix s.
live_room_mutes = Table(
    "live_room_mutes",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("group_id", String(GROUP_ID), primary_key=True),
    Column("user_id", String(USER_ID), primary_key=True),
    Column("until", BigInteger, nullable=False),
)
