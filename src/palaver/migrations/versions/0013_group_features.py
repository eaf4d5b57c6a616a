"""Group features of issue 17: bans, attributes, counters, Community topics

Four new tables (palaver.storage.schema): ``group_bans`` (REST
``ban_group_member``), ``group_attributes`` and ``group_counters`` (the SDK's
group attributes and counters) and ``group_topics`` (Community topics; a
topic's messages are the conversation ``group:<topic id>``). Nothing existing
changes.

Revision ID: 0013_group_features
Revises: 0012_conversation_features
Create Date: 2026-12-03 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_group_features"
down_revision: str | None = "0012_conversation_features"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GROUP_ID = 64
USER_ID = 64


def _keyed(name: str, value: sa.Column) -> None:  # type: ignore[type-arg]
    op.create_table(
        name,
        sa.Column("app_id", sa.BigInteger, primary_key=True),
        sa.Column("group_id", sa.String(GROUP_ID), primary_key=True),
        sa.Column("key", sa.String(64), primary_key=True),
        value,
    )


def upgrade() -> None:
    op.create_table(
        "group_bans",
        sa.Column("app_id", sa.BigInteger, primary_key=True),
        sa.Column("group_id", sa.String(GROUP_ID), primary_key=True),
        sa.Column("user_id", sa.String(USER_ID), primary_key=True),
        sa.Column("until", sa.BigInteger, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
    )
    _keyed("group_attributes", sa.Column("value", sa.Text, nullable=False))
    _keyed("group_counters", sa.Column("value", sa.BigInteger, nullable=False))
    op.create_table(
        "group_topics",
        sa.Column("app_id", sa.BigInteger, primary_key=True),
        sa.Column("topic_id", sa.String(128), primary_key=True),
        sa.Column("group_id", sa.String(GROUP_ID), nullable=False),
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("face_url", sa.Text, nullable=False),
        sa.Column("introduction", sa.Text, nullable=False),
        sa.Column("notification", sa.Text, nullable=False),
        sa.Column("custom_data", sa.Text, nullable=False),
        sa.Column("mute_all", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_index(op.f("ix_group_topics_app_id_group_id"), "group_topics", ["app_id", "group_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_group_topics_app_id_group_id"), table_name="group_topics")
    for name in ("group_topics", "group_counters", "group_attributes", "group_bans"):
        op.drop_table(name)
