"""groups: im_groups, group_members, group_applications; group heads and @-mentions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "im_groups",
        sa.Column("app_id", sa.BigInteger(), nullable=False),
        sa.Column("group_id", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("introduction", sa.Text(), nullable=False),
        sa.Column("notification", sa.Text(), nullable=False),
        sa.Column("face_url", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("apply_join_option", sa.String(length=16), nullable=False),
        sa.Column("shut_up_all", sa.Boolean(), nullable=False),
        sa.Column("max_members", sa.Integer(), nullable=False),
        sa.Column("custom", sa.Text(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("info_time", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("app_id", "group_id", name=op.f("pk_im_groups")),
    )
    op.create_index(op.f("ix_im_groups_app_id_type"), "im_groups", ["app_id", "type"])
    op.create_table(
        "group_members",
        sa.Column("app_id", sa.BigInteger(), nullable=False),
        sa.Column("group_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("join_time", sa.BigInteger(), nullable=False),
        sa.Column("join_seq", sa.BigInteger(), nullable=False),
        sa.Column("read_seq", sa.BigInteger(), nullable=False),
        sa.Column("name_card", sa.String(length=128), nullable=False),
        sa.Column("custom", sa.Text(), nullable=False),
        sa.Column("shut_up_until", sa.BigInteger(), nullable=False),
        sa.Column("msg_flag", sa.String(length=24), nullable=False),
        sa.Column("last_send_time", sa.BigInteger(), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("pinned_at", sa.BigInteger(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("hidden_seq", sa.BigInteger(), nullable=False),
        sa.Column("cleared_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("app_id", "group_id", "user_id", name=op.f("pk_group_members")),
    )
    op.create_index(op.f("ix_group_members_app_id_user_id"), "group_members", ["app_id", "user_id"])
    op.create_table(
        "group_applications",
        sa.Column("app_id", sa.BigInteger(), nullable=False),
        sa.Column("group_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("wording", sa.String(length=512), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "app_id", "group_id", "user_id", name=op.f("pk_group_applications")
        ),
    )
    with op.batch_alter_table("conv_heads") as batch:
        batch.add_column(
            sa.Column("last_time", sa.BigInteger(), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("last_msg_id", sa.BigInteger(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("at_users", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("at_users")
    with op.batch_alter_table("conv_heads") as batch:
        batch.drop_column("last_msg_id")
        batch.drop_column("last_time")
    op.drop_table("group_applications")
    op.drop_index(op.f("ix_group_members_app_id_user_id"), table_name="group_members")
    op.drop_table("group_members")
    op.drop_index(op.f("ix_im_groups_app_id_type"), table_name="im_groups")
    op.drop_table("im_groups")
