"""Tables of messages and conversations: conversation heads, messages and what hangs
on them (hides, reactions, extensions), each user's conversations and event stream,
conversation settings and groups, merged-forward lists, do-not-disturb.
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
    UniqueConstraint,
)

from palaver.storage.schema.base import USER_ID, BigIntPK, metadata

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
    # the sender's OfflinePushInfo (JSON object; palaver.offline_push), or NULL
    Column("offline_push", Text, nullable=True),
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
