"""Tables of users and apps: accounts, profiles, friends and their groups, blacklists,
global mutes, user status, push-to-everyone attributes and tags.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from palaver.storage.schema.base import USER_ID, metadata

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


#: Deleted accounts: when each was deleted (unix s). Importing the UserID again
#: makes that its kick time, so UserSigs issued before the deletion stay void.
deleted_accounts = Table(
    "deleted_accounts",
    metadata,
    Column("app_id", BigInteger, primary_key=True),
    Column("user_id", String(USER_ID), primary_key=True),
    Column("deleted_at", BigInteger, nullable=False),
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
