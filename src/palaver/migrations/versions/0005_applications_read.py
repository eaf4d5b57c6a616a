"""Friend applications read mark: accounts.applications_read_at

Tencent's ``setFriendApplicationRead`` (``sns.pendency_report``) reports the
time up to which a user has seen the applications sent to them; those sent
later are its ``unreadCount``, on every device. 0: none read.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(
            sa.Column("applications_read_at", sa.BigInteger(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("applications_read_at")
