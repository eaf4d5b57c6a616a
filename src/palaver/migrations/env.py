"""Alembic environment for Palaver.

Palaver runs migrations itself at start (:meth:`palaver.storage.database.Database.migrate`),
handing Alembic an open connection in ``config.attributes["connection"]``.  From the
command line (``alembic -c alembic.ini upgrade head``) the URL comes from
``PALAVER_DATABASE_URL`` or the settings' default, with a synchronous driver.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection

from palaver.storage.schema import metadata

config = context.config


def _sync_url() -> str:
    from palaver.settings import Settings

    url = Settings.load().effective_database_url
    return url.replace("+aiosqlite", "").replace("+asyncpg", "+psycopg")


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = create_engine(_sync_url())
    with engine.begin() as conn:
        _run(conn)
