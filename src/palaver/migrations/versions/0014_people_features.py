"""People features (issue 17): friend groups, global mutes, user status, push to everyone

- ``friend_groups``: the friend groups a user created (``sns/group_add``);
- ``global_mutes``: ``openconfigsvr/setnospeaking`` (C2C and group, until when);
- ``user_status`` and ``status_subscriptions``: ``setSelfStatus`` custom status
  and ``subscribeUserStatus``;
- ``push_attr_names``, ``user_push_attrs``, ``user_push_tags``: the attribute
  names, user attributes and user tags of ``all_member_push``.

Revision ID: 0014_people_features
Revises: 0013_group_features
Create Date: 2026-12-03 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_people_features"
down_revision: str | None = "0013_group_features"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _key(name: str, *cols: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(*cols, name=op.f(f"pk_{name}"))


def upgrade() -> None:
    op.create_table(
        "friend_groups",
        sa.Column("app_id", sa.BigInteger(), nullable=False),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        _key("friend_groups", "app_id", "owner", "name"),
    )
    op.create_table(
        "global_mutes",
        sa.Column("app_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("c2c_until", sa.BigInteger(), nullable=False),
        sa.Column("group_until", sa.BigInteger(), nullable=False),
        _key("global_mutes", "app_id", "user_id"),
    )
    op.create_table(
        "user_status",
        sa.Column("app_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("custom_status", sa.String(256), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        _key("user_status", "app_id", "user_id"),
    )
    op.create_table(
        "status_subscriptions",
        sa.Column("app_id", sa.BigInteger(), nullable=False),
        sa.Column("target", sa.String(64), nullable=False),
        sa.Column("subscriber", sa.String(64), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        _key("status_subscriptions", "app_id", "target", "subscriber"),
    )
    op.create_index(
        op.f("ix_status_subscriptions_app_id_subscriber"),
        "status_subscriptions",
        ["app_id", "subscriber"],
    )
    op.create_table(
        "push_attr_names",
        sa.Column("app_id", sa.BigInteger(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        _key("push_attr_names", "app_id", "slot"),
    )
    op.create_table(
        "user_push_attrs",
        sa.Column("app_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", sa.String(256), nullable=False),
        _key("user_push_attrs", "app_id", "user_id", "name"),
    )
    op.create_table(
        "user_push_tags",
        sa.Column("app_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("tag", sa.String(64), nullable=False),
        _key("user_push_tags", "app_id", "user_id", "tag"),
    )
    op.create_index(op.f("ix_user_push_tags_app_id_tag"), "user_push_tags", ["app_id", "tag"])


def downgrade() -> None:
    for table in (
        "user_push_tags",
        "user_push_attrs",
        "push_attr_names",
        "status_subscriptions",
        "user_status",
        "global_mutes",
        "friend_groups",
    ):
        op.drop_table(table)
