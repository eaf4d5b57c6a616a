"""Tencent's client protocol: messages.client_time and apps.session_key

- ``messages.client_time``: Tencent's SDK names a message
  ``<sender TinyId>-<MsgClientTime>-<MsgRandom>`` and every device must agree
  on that name, so the client's ``MsgClientTime`` is kept (0: the same as
  ``msg_time``).
- ``apps.session_key``: a random secret per app that signs the session keys
  (A2) Palaver gives Tencent's SDK at login, so every node can check them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 18:00:00
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(
            sa.Column("client_time", sa.BigInteger(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("apps") as batch:
        batch.add_column(sa.Column("session_key", sa.Text(), nullable=True))
    apps = sa.table("apps", sa.column("sdkappid", sa.BigInteger), sa.column("session_key", sa.Text))
    conn = op.get_bind()
    for (sdkappid,) in conn.execute(sa.select(apps.c.sdkappid)).all():
        conn.execute(
            apps.update()
            .where(apps.c.sdkappid == sdkappid)
            .values(session_key=secrets.token_hex(32))
        )


def downgrade() -> None:
    with op.batch_alter_table("apps") as batch:
        batch.drop_column("session_key")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("client_time")
