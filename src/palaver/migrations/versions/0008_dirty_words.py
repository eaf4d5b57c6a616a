"""Content moderation: per-app sensitive words (dirty_words)

Tencent REST ``openim_dirty_words`` get/add/delete and ``palaver words``; each
word blocks (80001) or is replaced with ``*``.

Revision ID: 0008_dirty_words
Revises: 0007_callbacks
Create Date: 2026-12-02 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_dirty_words"
down_revision: str | None = "0007_callbacks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dirty_words",
        sa.Column("app_id", sa.BigInteger(), nullable=False),
        sa.Column("word", sa.String(200), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False, server_default="block"),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("app_id", "word", name=op.f("pk_dirty_words")),
    )


def downgrade() -> None:
    op.drop_table("dirty_words")
