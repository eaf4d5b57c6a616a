"""Pinned group messages (``group_pins``) and message extensions
(``message_extensions``, ``message_extension_heads``) of issue 17.

Revision ID: 0016_pins_extensions
Revises: 0015_messages_features
Create Date: 2026-12-03 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_pins_extensions"
down_revision: str | None = "0015_messages_features"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

USER_ID = 64  # as palaver.storage.schema (frozen here)
GROUP_ID = 64


def upgrade() -> None:
    op.create_table(
        "group_pins",
        sa.Column("app_id", sa.BigInteger(), primary_key=True),
        sa.Column("group_id", sa.String(GROUP_ID), primary_key=True),
        sa.Column("msg_seq", sa.BigInteger(), primary_key=True),
        sa.Column("pinner", sa.String(USER_ID), nullable=False),
        sa.Column("pinned_at", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "message_extensions",
        sa.Column("app_id", sa.BigInteger(), primary_key=True),
        sa.Column("message_id", sa.BigInteger(), primary_key=True),
        sa.Column("ext_key", sa.String(128), primary_key=True),
        sa.Column("ext_value", sa.Text(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "message_extension_heads",
        sa.Column("app_id", sa.BigInteger(), primary_key=True),
        sa.Column("message_id", sa.BigInteger(), primary_key=True),
        sa.Column("global_seq", sa.BigInteger(), nullable=False),
        sa.Column("clear_seq", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("message_extension_heads")
    op.drop_table("message_extensions")
    op.drop_table("group_pins")
