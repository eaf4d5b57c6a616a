"""Callbacks to the app backend: the durable outbox callback_outbox

After-callbacks (``C2C.CallbackAfterSendMsg``, ...) are written here in the
transaction of the event they report, then delivered by the callback worker
in order per ``order_key``, with retries and a dead-letter state.

Revision ID: 0007_callbacks
Revises: 0006
Create Date: 2026-12-02 18:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_callbacks"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigIntPK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "callback_outbox",
        sa.Column("id", BigIntPK, autoincrement=True, nullable=False),
        sa.Column("app_id", sa.BigInteger(), nullable=False),
        sa.Column("command", sa.String(64), nullable=False),
        sa.Column("order_key", sa.String(200), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("msg_id", sa.BigInteger(), nullable=True),
        sa.Column("msg_seq", sa.BigInteger(), nullable=True),
        sa.Column("msg_key", sa.String(64), nullable=True),
        sa.Column("msg_time", sa.BigInteger(), nullable=True),
        sa.Column("client_ip", sa.String(64), nullable=False, server_default=""),
        sa.Column("platform", sa.String(16), nullable=False, server_default=""),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_ms", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("lease_ms", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("done_ms", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("latency_ms", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("http_status", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callback_outbox")),
    )
    op.create_index(op.f("ix_callback_outbox_status_id"), "callback_outbox", ["status", "id"])
    op.create_index(
        op.f("ix_callback_outbox_app_id_created_ms"), "callback_outbox", ["app_id", "created_ms"]
    )


def downgrade() -> None:
    op.drop_table("callback_outbox")
