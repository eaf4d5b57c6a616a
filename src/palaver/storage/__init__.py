"""Storage: SQLAlchemy Core tables and every query Palaver runs.

Each module holds the queries of one domain as plain async functions taking an
open :class:`~sqlalchemy.ext.asyncio.AsyncConnection` (from
:meth:`Database.read` / :meth:`Database.write`), so a service can group several
of them in one transaction.  No SQL lives outside this package.
"""

from palaver.storage.database import Database

__all__ = ["Database"]
