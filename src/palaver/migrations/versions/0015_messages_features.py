"""Message features of issue 17: edits (``messages.version``), messages deleted
for one user only (``hidden_messages``), reactions (``message_reactions``).

Revision ID: 0015_messages_features
Revises: 0014_people_features
Create Date: 2026-12-03 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_messages_features"
down_revision: str | None = "0014_people_features"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

USER_ID = 64  # as palaver.storage.schema (frozen here)


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "hidden_messages",
        sa.Column("app_id", sa.BigInteger(), primary_key=True),
        sa.Column("owner", sa.String(USER_ID), primary_key=True),
        sa.Column("message_id", sa.BigInteger(), primary_key=True),
    )
    op.create_table(
        "message_reactions",
        sa.Column("app_id", sa.BigInteger(), primary_key=True),
        sa.Column("message_id", sa.BigInteger(), primary_key=True),
        sa.Column("reaction", sa.String(128), primary_key=True),
        sa.Column("user_id", sa.String(USER_ID), primary_key=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("message_reactions")
    op.drop_table("hidden_messages")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("version")
