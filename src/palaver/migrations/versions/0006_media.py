"""Media: uploaded images, files, voice and video (issue 11)

One row per upload (``media_id``, unguessable), pointing at bytes stored once per
SHA-256 (``blob``) in the file store under ``data_dir/media``.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 18:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "media",
        sa.Column("app_id", sa.BigInteger(), nullable=False),
        sa.Column("media_id", sa.String(32), nullable=False),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("blob", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("content_type", sa.String(128), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("duration", sa.Integer(), nullable=False),
        sa.Column("variants", sa.Text(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("app_id", "media_id", name=op.f("pk_media")),
    )
    op.create_index(op.f("ix_media_blob"), "media", ["blob"])
    op.create_index(op.f("ix_media_app_id_owner"), "media", ["app_id", "owner"])


def downgrade() -> None:
    op.drop_index("ix_media_app_id_owner", "media")
    op.drop_index("ix_media_blob", "media")
    op.drop_table("media")
