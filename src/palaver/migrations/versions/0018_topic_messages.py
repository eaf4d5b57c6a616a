"""Messages in Community topics (issue 17): members' read positions in topics
(``topic_reads``). A topic's messages are group messages of conversation
``group:<topic id>``, so they need no table of their own.

Revision ID: 0018_topic_messages
Revises: 0015_messages_features
Create Date: 2026-12-03 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_topic_messages"
down_revision: str | None = "0017_merger_dnd"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

USER_ID = 64  # as palaver.storage.schema (frozen here)
TOPIC_ID = 128


def upgrade() -> None:
    op.create_table(
        "topic_reads",
        sa.Column("app_id", sa.BigInteger(), primary_key=True),
        sa.Column("topic_id", sa.String(TOPIC_ID), primary_key=True),
        sa.Column("user_id", sa.String(USER_ID), primary_key=True),
        sa.Column("read_seq", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("topic_reads")
