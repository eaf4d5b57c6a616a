"""Message search index (issue 18)

SQLite: ``message_fts``, a contentless FTS5 table (``rowid`` = ``messages.id``)
whose ``doc`` column holds the tokens of :mod:`palaver.model.search_text`
separated by spaces (the ``unicode61`` tokenizer, told that letters, digits,
marks and symbols are token characters, only splits them at the spaces) and
whose ``kinds`` column holds the message's element types.

PostgreSQL: ``message_search`` (``id`` = ``messages.id``, cascading deletes), a
``tsvector`` of the same tokens with positions (phrase queries) plus the element
types as ``~type`` lexemes, under a GIN index.

The index is filled by the message writer; ``palaver search rebuild`` fills it
for messages stored before this revision.

Revision ID: 0009_search
Revises: 0008_dirty_words
Create Date: 2026-12-02 19:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009_search"
down_revision: str | None = "0008_dirty_words"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS5_TOKENIZE = "unicode61 remove_diacritics 0 categories 'L* N* M* S* Co'"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE message_fts USING fts5("
            f"doc, kinds, content='', tokenize=\"{FTS5_TOKENIZE}\")"
        )
    else:
        op.execute(
            "CREATE TABLE message_search ("
            " id BIGINT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,"
            " doc TSVECTOR NOT NULL)"
        )
        op.execute("CREATE INDEX ix_message_search_doc ON message_search USING GIN (doc)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE message_fts")
    else:
        op.execute("DROP TABLE message_search")
