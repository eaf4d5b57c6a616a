"""AVChatRoom audience mutes (live_room_mutes); deleted accounts (deleted_accounts)

An AVChatRoom keeps no member rows, so the mutes of its audience (REST
``forbid_send_msg``, SDK ``setGroupMemberMuteTime``) have a table of their own
(issue 13 §1.2). A deleted account's deletion time is kept, so that importing it
again does not revive its old UserSigs (issue 13 §1.10).

Revision ID: 0011_live_room_mutes
Revises: 0010_search_scope
Create Date: 2026-12-03 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_live_room_mutes"
down_revision: str | None = "0010_search_scope"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "live_room_mutes",
        sa.Column("app_id", sa.BigInteger(), nullable=False),
        sa.Column("group_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("until", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("app_id", "group_id", "user_id", name=op.f("pk_live_room_mutes")),
    )

    op.create_table(
        "deleted_accounts",
        sa.Column("app_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("deleted_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("app_id", "user_id", name=op.f("pk_deleted_accounts")),
    )


def downgrade() -> None:
    op.drop_table("deleted_accounts")
    op.drop_table("live_room_mutes")
