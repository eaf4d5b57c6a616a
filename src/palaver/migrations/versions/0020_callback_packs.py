"""Issue 12 §5: packed after-send callbacks. ``callback_outbox.items`` (the number of
callbacks a packed row holds; 0 for a plain row) and ``callback_outbox.msg_last``
(a packed row's last message id; ``msg_id`` is its first). Ids of new rows come
from the ``message_id`` counter (a message's callback takes its message's id),
which is moved past the outbox's largest id.

Revision ID: 0020_callback_packs
Revises: 0019_offline_push
Create Date: 2026-12-04 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_callback_packs"
down_revision: str | None = "0019_offline_push"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("callback_outbox") as batch:
        batch.add_column(sa.Column("items", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("msg_last", sa.BigInteger(), nullable=True))
    top = "(SELECT COALESCE(MAX(id), 0) FROM callback_outbox)"
    op.execute(f"UPDATE counters SET value = {top} WHERE name = 'message_id' AND value < {top}")


def downgrade() -> None:
    with op.batch_alter_table("callback_outbox") as batch:
        batch.drop_column("msg_last")
        batch.drop_column("items")
