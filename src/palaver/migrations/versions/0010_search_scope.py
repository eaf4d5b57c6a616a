"""Message search index: scope tokens (issue 18)

Each index entry also holds hashed tokens of its conversation and sender (and a
mark when it is kept out of its sender's history), so searches count and page on
the index alone (palaver.storage.search). SQLite: ``message_fts`` is made again
with a ``scope`` column. Both: every stored message is indexed again here (the
same work as ``palaver search rebuild``; about 4 minutes per million messages).

Revision ID: 0010_search_scope
Revises: 0009_search
Create Date: 2026-12-02 19:45:00
"""

from collections.abc import Sequence

from alembic import op

from palaver.storage import search

revision: str = "0010_search_scope"
down_revision: str | None = "0009_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS5_TOKENIZE = "unicode61 remove_diacritics 0 categories 'L* N* M* S* Co'"


def _fts(columns: str) -> None:
    op.execute("DROP TABLE message_fts")
    op.execute(
        "CREATE VIRTUAL TABLE message_fts USING fts5("
        f"{columns}, content='', tokenize=\"{FTS5_TOKENIZE}\")"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _fts("doc, kinds, scope")
    search.rebuild(op.get_bind())


def downgrade() -> None:
    """SQLite: the two-column table, empty (the older code's ``palaver search
    rebuild`` fills it); PostgreSQL keeps its entries (extra lexemes are harmless)."""
    if op.get_bind().dialect.name == "sqlite":
        _fts("doc, kinds")
