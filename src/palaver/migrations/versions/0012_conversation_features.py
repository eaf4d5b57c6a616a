"""Conversation features (issue 17): do-not-disturb, drafts, custom data, marks
and conversation groups

``conversation_settings`` holds a user's per-conversation settings (C2C
do-not-disturb, draft, custom data, marks); ``conversation_groups`` and
``conversation_group_items`` the user's named groups of conversations.

Revision ID: 0012_conversation_features
Revises: 0011_live_room_mutes
Create Date: 2026-12-03 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_conversation_features"
down_revision: str | None = "0011_live_room_mutes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

USER_ID = 64


def upgrade() -> None:
    op.create_table(
        "conversation_settings",
        sa.Column("app_id", sa.BigInteger(), nullable=False),
        sa.Column("owner", sa.String(USER_ID), nullable=False),
        sa.Column("conversation_id", sa.String(80), nullable=False),
        sa.Column("remind", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("draft", sa.Text(), nullable=False, server_default=""),
        sa.Column("draft_time", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("custom_data", sa.Text(), nullable=False, server_default=""),
        sa.Column("marks", sa.BigInteger(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint(
            "app_id", "owner", "conversation_id", name=op.f("pk_conversation_settings")
        ),
    )
    op.create_table(
        "conversation_groups",
        sa.Column("app_id", sa.BigInteger(), nullable=False),
        sa.Column("owner", sa.String(USER_ID), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("app_id", "owner", "group_id", name=op.f("pk_conversation_groups")),
        sa.UniqueConstraint(
            "app_id", "owner", "name", name=op.f("uq_conversation_groups_app_id_owner_name")
        ),
    )
    op.create_table(
        "conversation_group_items",
        sa.Column("app_id", sa.BigInteger(), nullable=False),
        sa.Column("owner", sa.String(USER_ID), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(80), nullable=False),
        sa.PrimaryKeyConstraint(
            "app_id",
            "owner",
            "group_id",
            "conversation_id",
            name=op.f("pk_conversation_group_items"),
        ),
    )


def downgrade() -> None:
    op.drop_table("conversation_group_items")
    op.drop_table("conversation_groups")
    op.drop_table("conversation_settings")
