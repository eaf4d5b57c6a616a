"""The one ``metadata`` every table of :mod:`palaver.storage.schema` belongs to, and shared column sizes."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, MetaData

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "pk": "pk_%(table_name)s",
    }
)

#: SQLite only makes ``INTEGER PRIMARY KEY`` an auto-incrementing rowid alias.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")

USER_ID = 64  # Tencent allows 32 bytes; leave room for imported legacy ids.
