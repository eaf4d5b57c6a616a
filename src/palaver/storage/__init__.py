"""Storage: SQLAlchemy Core tables and every query Palaver runs.

Each module holds the queries of one domain as plain async functions taking an
open :class:`~sqlalchemy.ext.asyncio.AsyncConnection` (from
:meth:`Database.read` / :meth:`Database.write`), so a service can group several
of them in one transaction.  No SQL lives outside this package.
"""

from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.storage.database import Database

#: An open transaction, as services hand it from one storage call to the next.
Tx = AsyncConnection

__all__ = ["Database", "Tx"]
