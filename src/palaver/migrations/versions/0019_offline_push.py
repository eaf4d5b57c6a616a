"""Issue 12 §3: a message keeps its sender's ``OfflinePushInfo`` (``messages.offline_push``,
JSON text, NULL when the send had none), shown with the message and read by the
after-send callback.

Revision ID: 0019_offline_push
Revises: 0018_topic_messages
Create Date: 2026-12-04 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_offline_push"
down_revision: str | None = "0018_topic_messages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("offline_push", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("offline_push")
