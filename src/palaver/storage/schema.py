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
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "pk": "pk_%(table_name)s",
    }
)

#: SQLite only makes ``INTEGER PRIMARY KEY`` an auto-incrementing rowid alias.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")

USER_ID = 64  # Tencent allows 32 bytes; leave room for imported legacy ids.

apps = Table(
    "apps",
    metadata,
    Column("sdkappid", BigInteger, primary_key=True, autoincrement=False),
    Column("secret_key", Text, nullable=True),
    Column("public_key_pem", Text, nullable=True),
    Column("admins", Text, nullable=False),  # JSON list of identifiers
    Column("settings", Text, nullable=False),  # JSON object, see services.apps.AppSettings
    Column("created_at", BigInteger, nullable=False),
    # signs the session keys (A2) of Tencent's client protocol
    Column("session_key", Text, nullable=True),
)

accounts = Table(
    "accounts",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("user_id", String(USER_ID), primary_key=True),
    Column("type", Integer, nullable=False, default=0),  # 0 normal, 1 robot
    Column("created_at", BigInteger, nullable=False),
    # UserSigs issued (TLS.time) before this time are refused (REST kick).
    Column("kicked_at", BigInteger, nullable=False, default=0),
    # friend applications sent to this user up to this time are read (unix s)
    Column("applications_read_at", BigInteger, nullable=False, default=0, server_default="0"),
)

profiles = Table(
    "profiles",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("user_id", String(USER_ID), primary_key=True),
    Column("tag", String(128), primary_key=True),
    Column("value", Text, nullable=False),  # JSON-encoded value (string or number)
)

friends = Table(
    "friends",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("owner", String(USER_ID), primary_key=True),
    Column("peer", String(USER_ID), primary_key=True),
    Column("add_source", String(128), nullable=False, default=""),
    Column("remark", String(256), nullable=False, default=""),
    Column("group_names", Text, nullable=False, default="[]"),  # JSON list
    Column("add_wording", String(512), nullable=False, default=""),
    Column("add_time", BigInteger, nullable=False),
    Column("remark_time", BigInteger, nullable=False, default=0),
    Column("custom", Text, nullable=False, default="{}"),  # JSON {Tag_SNS_Custom_x: value}
)

friend_requests = Table(
    "friend_requests",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("from_user", String(USER_ID), primary_key=True),
    Column("to_user", String(USER_ID), primary_key=True),
    Column("add_source", String(128), nullable=False, default=""),
    Column("add_wording", String(512), nullable=False, default=""),
    Column("remark", String(256), nullable=False, default=""),
    Column("group_name", String(256), nullable=False, default=""),
    Column("created_at", BigInteger, nullable=False),
    Index(None, "app_id", "to_user"),
)

blacklist = Table(
    "blacklist",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("owner", String(USER_ID), primary_key=True),
    Column("peer", String(USER_ID), primary_key=True),
    Column("added_at", BigInteger, nullable=False),
)

conv_heads = Table(
    "conv_heads",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("conv_id", String(160), primary_key=True),
    Column("last_seq", BigInteger, nullable=False),
    # Group conversations are derived from membership + the group's head, so the
    # head also knows its last message (C2C heads leave these 0).
    Column("last_time", BigInteger, nullable=False, server_default="0"),
    Column("last_msg_id", BigInteger, nullable=False, server_default="0"),
)

# messages.flags holds palaver.model.messages.MessageFlag bits.
messages = Table(
    "messages",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("app_id", BigInteger, nullable=False),
    Column("conv_id", String(160), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("from_account", String(USER_ID), nullable=False),
    Column("to_account", String(USER_ID), nullable=False),
    Column("msg_time", BigInteger, nullable=False),
    Column("random", BigInteger, nullable=False),
    Column("client_seq", BigInteger, nullable=False),
    # the sender's clock (Tencent's MsgClientTime; 0: the same as msg_time)
    Column("client_time", BigInteger, nullable=False, server_default="0"),
    Column("msg_key", String(96), nullable=False),
    Column("body", Text, nullable=False),  # JSON MsgBody array
    Column("cloud_custom_data", Text, nullable=True),
    Column("flags", Integer, nullable=False, default=0),
    Column("dedupe_key", String(200), nullable=True),
    # group messages: JSON list of mentioned UserIDs (and/or the @all marker)
    Column("at_users", Text, nullable=True),
    # times modified (Tencent's MsgVersion): an edit names the version it saw
    Column("version", Integer, nullable=False, server_default="0"),
    UniqueConstraint("app_id", "conv_id", "seq"),
    Index(None, "app_id", "dedupe_key"),
    Index(None, "app_id", "to_account", "id"),
    Index(None, "app_id", "from_account", "id"),
    Index(None, "app_id", "msg_time"),
)

# messages a user deleted for themselves only (Tencent's deleteMessage,
# delete_c2c_msg_ramble): kept out of that user's history, not the others'
hidden_messages = Table(
    "hidden_messages",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("owner", String(USER_ID), primary_key=True),
    Column("message_id", BigInteger, primary_key=True),
)

# message reactions (Tencent's addMessageReaction): one row per user and reaction
message_reactions = Table(
    "message_reactions",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("message_id", BigInteger, primary_key=True),
    Column("reaction", String(128), primary_key=True),
    Column("user_id", String(USER_ID), primary_key=True),
    Column("seq", BigIntPK, nullable=False),  # order of reacting (the pages of users)
)

# message extensions (Tencent's setMessageExtensions, openim_msg_ext_http_svc):
# one row per key; ``seq`` is the message's extension sequence at its last write
message_extensions = Table(
    "message_extensions",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("message_id", BigInteger, primary_key=True),
    Column("ext_key", String(128), primary_key=True),
    Column("ext_value", Text, nullable=False),
    Column("seq", BigInteger, nullable=False),
)

# per message with extensions: its extension sequence (bumped by every write)
# and the sequence up to which a ClearAll removed them
message_extension_heads = Table(
    "message_extension_heads",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("message_id", BigInteger, primary_key=True),
    Column("global_seq", BigInteger, nullable=False),
    Column("clear_seq", BigInteger, nullable=False),
)

user_conversations = Table(
    "user_conversations",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("owner", String(USER_ID), primary_key=True),
    Column("conv_id", String(160), primary_key=True),
    Column("conv_type", Integer, nullable=False),  # 1 C2C, 2 group
    Column("peer", String(USER_ID), nullable=False),  # user id (C2C) or group id
    Column("last_seq", BigInteger, nullable=False, default=0),  # last message shown
    Column("last_time", BigInteger, nullable=False, default=0),
    # id of the last message: orders conversations whose last messages share a second
    Column("last_msg_id", BigInteger, nullable=False, default=0, server_default="0"),
    Column("read_seq", BigInteger, nullable=False, default=0),
    Column("cleared_seq", BigInteger, nullable=False, default=0),  # history hidden up to
    Column("pinned", Boolean, nullable=False, default=False),
    Column("pinned_at", BigInteger, nullable=False, default=0),  # milliseconds
    Column("hidden", Boolean, nullable=False, default=False),  # deleted until next message
    Index(None, "app_id", "owner", "last_time"),
)


# The per-user event stream (docs/protocol.md section 4): every change a user's
# clients must see, numbered 1, 2, 3... per user without gaps.
# user_events.kind is a palaver.model.events.EventKind.

user_heads = Table(
    "user_heads",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("user_id", String(USER_ID), primary_key=True),
    Column("last_seq", BigInteger, nullable=False),
)

user_events = Table(
    "user_events",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("user_id", String(USER_ID), primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    Column("kind", Integer, nullable=False),
    Column("message_id", BigInteger, nullable=True),
    Column("payload", Text, nullable=True),  # JSON object
    Column("created_at", BigInteger, nullable=False),
)


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

# Group attributes (SDK initGroupAttributes/setGroupAttributes...): key -> value.
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

# Named counters shared by every node, advanced in blocks inside a transaction
# (``messages.id`` is assigned from "message_id" by the group-commit writer).
counters = Table(
    "counters",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

#: Uploaded media (images, files, voice, video): one row per upload, named by an
#: unguessable ``media_id``; the bytes live once per content hash (``blob``, the
#: SHA-256 in hex) in the file store (:mod:`palaver.storage.files`). ``variants``:
#: JSON ``{"large"|"thumb": {"blob", "size", "width", "height"}}`` (images).
media = Table(
    "media",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("media_id", String(32), primary_key=True),
    Column("owner", String(USER_ID), nullable=False),
    Column("kind", String(8), nullable=False),  # image | file | sound | video
    Column("blob", String(64), nullable=False),
    Column("size", BigInteger, nullable=False),  # bytes
    Column("content_type", String(128), nullable=False),  # sniffed from the bytes
    Column("file_name", String(255), nullable=False, default=""),
    Column("width", Integer, nullable=False, default=0),  # px
    Column("height", Integer, nullable=False, default=0),  # px
    Column("duration", Integer, nullable=False, default=0),  # seconds
    Column("variants", Text, nullable=False, default="{}"),
    Column("created_at", BigInteger, nullable=False),
    Index(None, "blob"),
    Index(None, "app_id", "owner"),
)


# The durable outbox of callbacks to the app backend (third-party callbacks).
# A row is written in the transaction of the event it reports (a message's row
# in the group-commit writer's transaction), then delivered by the callback
# worker: in ``id`` order per ``order_key`` (a conversation), retried with
# backoff, ``dead`` after the app's most attempts. Times in unix milliseconds.
callback_outbox = Table(
    "callback_outbox",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("app_id", BigInteger, nullable=False),
    Column("command", String(64), nullable=False),  # CallbackCommand
    Column("order_key", String(200), nullable=False),  # deliveries of a key keep their order
    Column("payload", Text, nullable=False),  # JSON object: the body, less the message's ids
    # the message the callback reports (set by the writer in the same transaction)
    Column("msg_id", BigInteger, nullable=True),
    Column("msg_seq", BigInteger, nullable=True),
    Column("msg_key", String(64), nullable=True),
    Column("msg_time", BigInteger, nullable=True),
    Column("client_ip", String(64), nullable=False, default=""),
    Column("platform", String(16), nullable=False, default=""),  # OptPlatform
    Column("created_ms", BigInteger, nullable=False),
    Column("status", String(16), nullable=False, default="pending"),  # pending|delivered|dead
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_ms", BigInteger, nullable=False, default=0),  # not before (retry backoff)
    Column("lease_ms", BigInteger, nullable=False, default=0),  # claimed by a worker until
    Column("done_ms", BigInteger, nullable=False, default=0),  # delivered or dead at
    Column("latency_ms", Integer, nullable=False, default=0),  # of the last attempt
    Column("http_status", Integer, nullable=False, default=0),  # of the last attempt
    Column("last_error", Text, nullable=True),
    Index(None, "status", "id"),
    Index(None, "app_id", "created_ms"),
)


# Per-app sensitive words (Tencent REST ``openim_dirty_words``): ``word`` is kept
# normalised (NFKC, case-folded, separators removed; see services.moderation);
# ``mode`` is ``block`` (the sender gets 80001) or ``replace`` (stars).
#: Deleted accounts: when each was deleted (unix s). Importing the UserID again
#: makes that its kick time, so UserSigs issued before the deletion stay void.
deleted_accounts = Table(
    "deleted_accounts",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("user_id", String(USER_ID), primary_key=True),
    Column("deleted_at", BigInteger, nullable=False),
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

dirty_words = Table(
    "dirty_words",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("word", String(200), primary_key=True),
    Column("mode", String(16), nullable=False, default="block"),
    Column("created_at", BigInteger, nullable=False),
)


# A user's settings of one conversation (``conversation_id`` as the SDK names it:
# ``C2C<userID>`` / ``GROUP<groupID>``): C2C do-not-disturb (``remind``, Tencent's
# ``Mute_Notifications``: 0 AcceptAndNotify, 1 Discard, 2 AcceptNotNotify; a group's
# is the member's ``group_members.msg_flag``), the draft, custom data and marks
# (Tencent's ``markList`` bits: 1 star, 2 unread, 4 fold, 8 hide).
conversation_settings = Table(
    "conversation_settings",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("owner", String(USER_ID), primary_key=True),
    Column("conversation_id", String(80), primary_key=True),
    Column("remind", Integer, nullable=False, default=0),
    Column("draft", Text, nullable=False, default=""),
    Column("draft_time", BigInteger, nullable=False, default=0),
    Column("custom_data", Text, nullable=False, default=""),
    Column("marks", BigInteger, nullable=False, default=0),
)

# Merged-forward message lists too large to inline (Tencent's
# ``im_long_msg.save_relay_json_msg``): the JSON list, fetched by its ``relay_key``
# (a ``TIMRelayElem``'s ``JsonMsgKey``) by anyone of the app who holds the key.
relay_messages = Table(
    "relay_messages",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("relay_key", String(64), primary_key=True),
    Column("owner", String(USER_ID), nullable=False),  # who saved it
    Column("body", Text, nullable=False),  # JSON list of REST-shaped messages
    Column("created_at", BigInteger, nullable=False),
)

# A user's app-wide do-not-disturb (Tencent ``setAllReceiveMessageOpt``): ``level``
# 0 AcceptAndNotify (off), 1 Discard, 2 AcceptNotNotify; from ``start_time`` to
# ``end_time`` (unix s), every day at those hours when ``repeated``.
user_do_not_disturb = Table(
    "user_do_not_disturb",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("user_id", String(USER_ID), primary_key=True),
    Column("level", Integer, nullable=False),
    Column("start_time", BigInteger, nullable=False),
    Column("end_time", BigInteger, nullable=False),
    Column("repeated", Boolean, nullable=False),
)

# A user's conversation groups (Tencent ``createConversationGroup``): named
# folders of conversations, ``group_id`` numbered per owner.
conversation_groups = Table(
    "conversation_groups",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("owner", String(USER_ID), primary_key=True),
    Column("group_id", Integer, primary_key=True),
    Column("name", String(64), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    UniqueConstraint("app_id", "owner", "name"),
)

conversation_group_items = Table(
    "conversation_group_items",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("owner", String(USER_ID), primary_key=True),
    Column("group_id", Integer, primary_key=True),
    Column("conversation_id", String(80), primary_key=True),
)


# --- people (issue 17): friend groups, global mutes, user status, push to everyone ---

# Friend groups a user created (REST ``sns/group_add``, the SDK's
# ``createFriendGroup``); which friends are in one is ``friends.group_names``.
friend_groups = Table(
    "friend_groups",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("owner", String(USER_ID), primary_key=True),
    Column("name", String(64), primary_key=True),
    Column("created_ms", BigInteger, nullable=False),
)

# Global mutes (REST ``openconfigsvr/setnospeaking``): until when (unix s; 0 none,
# FOREVER = 4294967295 for ever) the user may send no C2C / no group messages.
global_mutes = Table(
    "global_mutes",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("user_id", String(USER_ID), primary_key=True),
    Column("c2c_until", BigInteger, nullable=False, default=0),
    Column("group_until", BigInteger, nullable=False, default=0),
)

# The custom status a user set (``setSelfStatus``) and who follows whose status
# (``subscribeUserStatus``).
user_status = Table(
    "user_status",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("user_id", String(USER_ID), primary_key=True),
    Column("custom_status", String(256), nullable=False, default=""),
    Column("updated_at", BigInteger, nullable=False),
)
status_subscriptions = Table(
    "status_subscriptions",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("target", String(USER_ID), primary_key=True),
    Column("subscriber", String(USER_ID), primary_key=True),
    Column("created_at", BigInteger, nullable=False),
    Index(None, "app_id", "subscriber"),
)

# Push to everyone (REST ``all_member_push``): the app's attribute names, and each
# user's attribute values and tags, which a push's ``Condition`` selects on.
push_attr_names = Table(
    "push_attr_names",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("slot", Integer, primary_key=True),  # "0".."9"
    Column("name", String(64), nullable=False),
)
user_push_attrs = Table(
    "user_push_attrs",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("user_id", String(USER_ID), primary_key=True),
    Column("name", String(64), primary_key=True),
    Column("value", String(256), nullable=False),
)
user_push_tags = Table(
    "user_push_tags",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("user_id", String(USER_ID), primary_key=True),
    Column("tag", String(64), primary_key=True),
    Index(None, "app_id", "tag"),
)
