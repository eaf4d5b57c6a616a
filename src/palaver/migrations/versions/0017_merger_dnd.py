"""Issue 17: merged-forward lists stored on the server (``relay_messages``, Tencent's
``save_relay_json_msg``) and the app-wide do-not-disturb (``user_do_not_disturb``,
Tencent's ``setAllReceiveMessageOpt``).

Revision ID: 0017_merger_dnd
Revises: 0015_messages_features
Create Date: 2026-12-03 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_merger_dnd"
# 0016_pins_extensions once that branch is merged
down_revision: str | None = "0016_pins_extensions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

USER_ID = 64  # as palaver.storage.schema (frozen here)


def upgrade() -> None:
    op.create_table(
        "relay_messages",
        sa.Column("app_id", sa.BigInteger(), primary_key=True),
        sa.Column("relay_key", sa.String(64), primary_key=True),
        sa.Column("owner", sa.String(USER_ID), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "user_do_not_disturb",
        sa.Column("app_id", sa.BigInteger(), primary_key=True),
        sa.Column("user_id", sa.String(USER_ID), primary_key=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("start_time", sa.BigInteger(), nullable=False),
        sa.Column("end_time", sa.BigInteger(), nullable=False),
        sa.Column("repeated", sa.Boolean(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("user_do_not_disturb")
    op.drop_table("relay_messages")
