"""The message search index and its queries (issue 18; docs/search.md).

A stored message that is not recalled has exactly one index entry, keyed by
``messages.id``: its text tokens (:func:`palaver.model.search_text.tokens`), its
element types, and *scope* tokens: its conversation, its sender, and, when it is
kept out of its sender's history (``SyncOtherMachine`` 2), a mark for that sender.
The group-commit writer adds entries in the transaction that stores the messages
(:func:`index_rows`); recall and every statement that deletes messages remove them
first (:func:`unindex_where`) in the same transaction, so nothing is searchable
before it is stored or after it is gone.

- SQLite: ``message_fts``, a contentless FTS5 table (columns ``doc``, ``kinds``,
  ``scope``). Removing an entry needs its tokens again (FTS5's ``delete``
  command), recomputed from the stored row: tokenisation is deterministic, and
  ``palaver search rebuild`` redoes everything.
- PostgreSQL: ``message_search``, one ``tsvector`` (text tokens with positions,
  ``~type`` and ``@scope`` lexemes) under GIN; rows go with their message
  (``ON DELETE CASCADE``).

Queries run on the index alone: a conversation is a scope token, and "from the
viewer's join / after what they cleared" is a message id floor (ids grow with
``seq`` in a conversation), so counting and paging never visit ``messages``
except to load the page (or to apply a time range).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import and_, exists, func, or_, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.model.messages import GROUP_CONV_PREFIX, MessageFlag, MessageRecord
from palaver.model.search_text import (
    Phrase,
    kind_token,
    message_kinds,
    message_text,
    tokens,
)
from palaver.storage.dialect import driver_executemany
from palaver.storage.records import message_record
from palaver.storage.schema import (
    accounts,
    group_members,
    im_groups,
    messages,
    profiles,
    user_conversations,
)

_RECALLED = int(MessageFlag.RECALLED)
_NOT_IN_SENDER_ROAM = int(MessageFlag.NOT_IN_SENDER_ROAM)
_FTS_INSERT = "INSERT INTO message_fts(rowid, doc, kinds, scope) VALUES (?, ?, ?, ?)"
_FTS_DELETE = (
    "INSERT INTO message_fts(message_fts, rowid, doc, kinds, scope) VALUES ('delete', ?, ?, ?, ?)"
)
_PG_INSERT = text("INSERT INTO message_search(id, doc) VALUES (:id, CAST(:doc AS tsvector))")


def _body(raw: str) -> list[dict[str, Any]]:
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return []
    return body if isinstance(body, list) else []


@functools.lru_cache(maxsize=1 << 14)
def _hash(kind: str, app_id: int, name: str) -> str:
    h = hashlib.blake2b(f"{app_id}\x1f{name}".encode(), digest_size=8).hexdigest()
    return kind + h


def conv_scope(app_id: int, conv_id: str) -> str:
    """The scope token of a conversation (a hash: ids may hold any character)."""
    return _hash("c", app_id, conv_id)


def sender_scope(app_id: int, user: str) -> str:
    """The scope token of a sender."""
    return _hash("f", app_id, user)


def hidden_scope(app_id: int, user: str) -> str:
    """The scope token of a message kept out of ``user``'s (its sender's) history."""
    return _hash("h", app_id, user)


def _scopes(row: dict[str, Any]) -> list[str]:
    app_id = int(row["app_id"])
    out = [conv_scope(app_id, row["conv_id"]), sender_scope(app_id, row["from_account"])]
    if int(row["flags"]) & _NOT_IN_SENDER_ROAM:
        out.append(hidden_scope(app_id, row["from_account"]))
    return out


def fts_doc(row: dict[str, Any]) -> tuple[str, str, str]:
    """SQLite's ``(doc, kinds, scope)`` of a ``messages`` row (a dict with
    ``app_id``, ``conv_id``, ``from_account``, ``body``, ``flags``)."""
    b = _body(row["body"])
    return (
        " ".join(tokens(message_text(b))),
        " ".join(kind_token(k) for k in message_kinds(b)),
        " ".join(_scopes(row)),
    )


def _pg_lexeme(tok: str) -> str:
    return "'" + tok.replace("\\", "\\\\").replace("'", "''") + "'"


def pg_doc(row: dict[str, Any]) -> str:
    """PostgreSQL's ``tsvector`` text of a ``messages`` row: text tokens with
    positions (1-based, at most 16383), then ``~type`` and ``@scope`` lexemes."""
    b = _body(row["body"])
    parts = [f"{_pg_lexeme(t)}:{min(i, 16383)}" for i, t in enumerate(tokens(message_text(b)), 1)]
    parts += [_pg_lexeme("~" + kind_token(k)) for k in message_kinds(b)]
    parts += [_pg_lexeme("@" + s) for s in _scopes(row)]
    return " ".join(parts)


def index_rows(conn: Connection, rows: Iterable[dict[str, Any]]) -> None:
    """Index new ``messages`` rows (dicts with ``id``, ``app_id``, ``conv_id``,
    ``from_account``, ``body``, ``flags``) in the caller's transaction; recalled
    ones are left out. For the writer."""
    live = [r for r in rows if not r["flags"] & _RECALLED]
    if not live:
        return
    if conn.dialect.name == "sqlite":
        driver_executemany(conn, _FTS_INSERT, [(r["id"], *fts_doc(r)) for r in live])
    else:
        conn.execute(_PG_INSERT, [{"id": r["id"], "doc": pg_doc(r)} for r in live])


_ROW_COLS = (
    messages.c.id,
    messages.c.app_id,
    messages.c.conv_id,
    messages.c.from_account,
    messages.c.body,
    messages.c.flags,
)


async def reindex(conn: AsyncConnection, message_id: int) -> None:
    """Index one message again (after :func:`unindex_where` took out its old body)."""
    q = select(*_ROW_COLS).where(messages.c.id == message_id)
    rows = [dict(r) for r in (await conn.execute(q)).mappings()]
    await conn.run_sync(lambda c: index_rows(c, rows))


async def unindex_where(conn: AsyncConnection, *where: Any) -> int:
    """Remove the entries of the messages matching ``where`` (before they are
    recalled or deleted, in the same transaction); the number removed."""
    q = select(*_ROW_COLS).where(*where, messages.c.flags.op("&")(_RECALLED) == 0)
    rows = [dict(r) for r in (await conn.execute(q)).mappings()]
    if not rows:
        return 0
    if conn.dialect.name == "sqlite":
        await conn.exec_driver_sql(_FTS_DELETE, [(r["id"], *fts_doc(r)) for r in rows])
    else:
        ids = [int(r["id"]) for r in rows]
        for k in range(0, len(ids), 5000):
            await conn.execute(
                text("DELETE FROM message_search WHERE id = ANY(:ids)"), {"ids": ids[k : k + 5000]}
            )
    return len(rows)


def rebuild(conn: Connection, *, chunk: int = 5000) -> int:
    """Empty the index and index every stored message again (``palaver search
    rebuild``), in the caller's transaction; the number indexed."""
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        conn.exec_driver_sql("INSERT INTO message_fts(message_fts) VALUES ('delete-all')")
    else:
        conn.exec_driver_sql("DELETE FROM message_search")
    last, total = 0, 0
    while True:
        q = select(*_ROW_COLS).where(messages.c.id > last).order_by(messages.c.id).limit(chunk)
        rows = [dict(r) for r in conn.execute(q).mappings()]
        if not rows:
            break
        index_rows(conn, rows)
        total += sum(1 for r in rows if not r["flags"] & _RECALLED)
        last = int(rows[-1]["id"])
    if sqlite:
        conn.exec_driver_sql("INSERT INTO message_fts(message_fts) VALUES ('optimize')")
    return total


# --- queries -----------------------------------------------------------------


def _fts_phrase(p: Phrase) -> str:
    return '"' + " ".join(p.tokens) + '"' + ("*" if p.prefix else "")


def _pg_phrase(p: Phrase) -> str:
    lex = [_pg_lexeme(t) for t in p.tokens]
    if p.prefix:
        lex[-1] += ":*"
    return "(" + " <-> ".join(lex) + ")"


@dataclass(frozen=True)
class Match:
    """What an entry must hold: keyword ``phrases`` (all of them with
    ``match_all``, else any), one of ``kinds`` (element types), one of
    ``senders``; empty parts are no condition."""

    phrases: Sequence[Phrase] = ()
    match_all: bool = False
    kinds: Sequence[str] = ()
    senders: Sequence[str] = ()


def match_expr(dialect: str, app_id: int, m: Match, conv_id: str, viewer: str) -> str:
    """The FTS5 ``MATCH`` / PostgreSQL ``tsquery`` text of ``m`` within one
    conversation, leaving out what ``viewer`` sent out of their own history."""
    sqlite = dialect == "sqlite"
    AND, OR = (" AND ", " OR ") if sqlite else (" & ", " | ")
    parts: list[str] = []

    def scope(toks: Iterable[str]) -> str:
        if sqlite:
            return "scope:(" + " OR ".join(toks) + ")"
        return "(" + " | ".join(_pg_lexeme("@" + t) for t in toks) + ")"

    parts.append(scope([conv_scope(app_id, conv_id)]))
    if m.phrases:
        glue = AND if m.match_all else OR
        words = glue.join(_fts_phrase(p) if sqlite else _pg_phrase(p) for p in m.phrases)
        parts.append(f"doc:({words})" if sqlite else f"({words})")
    if m.kinds:
        toks = [kind_token(k) for k in m.kinds]
        if sqlite:
            parts.append("kinds:(" + " OR ".join(f'"{t}"' for t in toks) + ")")
        else:
            parts.append("(" + " | ".join(_pg_lexeme("~" + t) for t in toks) + ")")
    if m.senders:
        parts.append(scope(sender_scope(app_id, s) for s in m.senders))
    expr = AND.join(parts)
    hidden = hidden_scope(app_id, viewer)
    return f"{expr} NOT scope:{hidden}" if sqlite else f"{expr} & !{_pg_lexeme('@' + hidden)}"


@dataclass(frozen=True)
class Scope:
    """A conversation ``viewer`` may search, from message id ``floor`` on
    (exclusive: what they cleared, or before they joined, is at or below it)."""

    conv_id: str
    floor: int


async def viewer_scopes(
    conn: AsyncConnection, app_id: int, viewer: str, only: str | None = None
) -> list[Scope]:
    """The conversations ``viewer`` is in (C2C with a conversation row, groups as
    a member), most recent first, with their id floors; ``only``: just this one
    (none if the viewer is not in it)."""
    uc, gm, m = user_conversations.c, group_members.c, messages.c
    c2c = select(uc.conv_id, uc.cleared_seq, uc.last_time).where(
        uc.app_id == app_id, uc.owner == viewer, uc.conv_type == 1
    )
    grp = select(gm.group_id, gm.join_seq, gm.cleared_seq).where(
        gm.app_id == app_id, gm.user_id == viewer
    )
    if only is not None:
        c2c = c2c.where(uc.conv_id == only)
        grp = grp.where(gm.group_id == only.removeprefix(GROUP_CONV_PREFIX))
    seqs: list[tuple[str, int, int]] = [(c, int(s), int(t)) for c, s, t in await conn.execute(c2c)]
    if only is None or only.startswith(GROUP_CONV_PREFIX):
        seqs += [
            (GROUP_CONV_PREFIX + g, max(int(j), int(c)), 0) for g, j, c in await conn.execute(grp)
        ]
    seqs.sort(key=lambda x: -x[2])
    floors: dict[str, int] = {}
    later = [(c, s) for c, s, _ in seqs if s > 0]
    for i in range(0, len(later), 200):  # one query per 200 conversations
        part = later[i : i + 200]
        q = (
            select(m.conv_id, func.max(m.id))
            .where(m.app_id == app_id, or_(*(and_(m.conv_id == c, m.seq <= s) for c, s in part)))
            .group_by(m.conv_id)
        )
        floors.update({str(c): int(f) for c, f in await conn.execute(q)})
    return [Scope(c, floors.get(c, 0)) for c, _, _ in seqs]


_FTS_COUNT = text(
    "SELECT count(*), coalesce(max(rowid), 0) FROM message_fts "
    "WHERE message_fts MATCH :q AND rowid > :floor"
)
_FTS_PAGE = text(
    "SELECT rowid FROM message_fts WHERE message_fts MATCH :q AND rowid > :floor "
    "AND rowid < :before ORDER BY rowid DESC LIMIT :n"
)
_PG_COUNT = text(
    "SELECT count(*), coalesce(max(id), 0) FROM message_search "
    "WHERE doc @@ CAST(:q AS tsquery) AND id > :floor"
)
_PG_PAGE = text(
    "SELECT id FROM message_search WHERE doc @@ CAST(:q AS tsquery) AND id > :floor "
    "AND id < :before ORDER BY id DESC LIMIT :n"
)
_NO_CURSOR = 1 << 62


def _ids_query(dialect: str, count: bool) -> Any:
    if dialect == "sqlite":
        return _FTS_COUNT if count else _FTS_PAGE
    return _PG_COUNT if count else _PG_PAGE


async def count_in(
    conn: AsyncConnection, app_id: int, viewer: str, m: Match, scope: Scope
) -> tuple[int, int]:
    """(matching entries, the newest one's id) in one conversation, from the index."""
    q = match_expr(conn.dialect.name, app_id, m, scope.conv_id, viewer)
    row = (
        await conn.execute(_ids_query(conn.dialect.name, True), {"q": q, "floor": scope.floor})
    ).one()
    return int(row[0]), int(row[1])


async def page_in(
    conn: AsyncConnection,
    app_id: int,
    viewer: str,
    m: Match,
    scope: Scope,
    *,
    before_id: int | None,
    limit: int,
) -> list[MessageRecord]:
    """Up to ``limit`` matching messages of one conversation, newest first, with
    ids below ``before_id``."""
    q = match_expr(conn.dialect.name, app_id, m, scope.conv_id, viewer)
    params = {"q": q, "floor": scope.floor, "before": before_id or _NO_CURSOR, "n": limit}
    ids = [int(r[0]) for r in await conn.execute(_ids_query(conn.dialect.name, False), params)]
    return await _load(conn, app_id, ids)


async def _load(conn: AsyncConnection, app_id: int, ids: list[int]) -> list[MessageRecord]:
    if not ids:
        return []
    rows = await conn.execute(
        select(messages).where(messages.c.app_id == app_id, messages.c.id.in_(ids))
    )
    by_id = {int(r["id"]): message_record(r) for r in rows.mappings()}
    return [by_id[i] for i in ids if i in by_id]


async def timed_in(
    conn: AsyncConnection,
    app_id: int,
    viewer: str,
    m: Match,
    scope: Scope,
    *,
    start_time: int | None,
    end_time: int | None,
    before_id: int | None,
    limit: int,
) -> tuple[list[MessageRecord], int, int]:
    """Like :func:`page_in` with a time range (inclusive unix s), which needs the
    messages themselves: (page, matching count, newest matching time)."""
    q = match_expr(conn.dialect.name, app_id, m, scope.conv_id, viewer)
    ids_sql = (
        "SELECT rowid AS id FROM message_fts WHERE message_fts MATCH :q AND rowid > :floor"
        if conn.dialect.name == "sqlite"
        else "SELECT id FROM message_search WHERE doc @@ CAST(:q AS tsquery) AND id > :floor"
    )
    mc = messages.c
    where = [mc.app_id == app_id, mc.id.in_(text(ids_sql).columns(mc.id).subquery().select())]
    if start_time is not None:
        where.append(mc.msg_time >= start_time)
    if end_time is not None:
        where.append(mc.msg_time <= end_time)
    params = {"q": q, "floor": scope.floor}
    n, last = (
        await conn.execute(
            select(func.count(), func.coalesce(func.max(mc.msg_time), 0)).where(*where), params
        )
    ).one()
    if before_id is not None:
        where.append(mc.id < before_id)
    sel = select(messages).where(*where).order_by(mc.id.desc()).limit(limit)
    page = [message_record(r) for r in (await conn.execute(sel, params)).mappings()]
    return page, int(n), int(last)


async def times_of(conn: AsyncConnection, app_id: int, ids: Sequence[int]) -> dict[int, int]:
    """``{id: msg_time}`` of these messages."""
    if not ids:
        return {}
    rows = await conn.execute(
        select(messages.c.id, messages.c.msg_time).where(
            messages.c.app_id == app_id, messages.c.id.in_(list(ids))
        )
    )
    return {int(i): int(t) for i, t in rows}


# --- users, groups, members ------------------------------------------------------

NICK = "Tag_Profile_IM_Nick"
_LIKE_ESCAPE = "\\"


def like_pattern(keyword: str) -> str:
    """``%keyword%`` for ``LIKE`` with ``\\`` escaping (the keyword already normalised)."""
    k = keyword.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{k}%"


def _contains_any(cols: Sequence[Any], pattern: str) -> Any:
    return or_(*(func.lower(c).like(pattern, escape=_LIKE_ESCAPE) for c in cols))


def _keywords(cols: Sequence[Any], keywords: Sequence[str], match_all: bool) -> Any:
    conds = [_contains_any(cols, like_pattern(k)) for k in keywords]
    return and_(*conds) if match_all else or_(*conds)


def json_int_between(col: Any, lo: int, hi: int) -> Any:
    """A JSON-number column's value within ``lo..hi`` (inclusive)."""
    from sqlalchemy import BigInteger, cast

    v = cast(col, BigInteger)
    return and_(v >= lo, v <= hi)


@dataclass(frozen=True)
class UserHit:
    """A user found: ``nick`` is the JSON text of the stored nick (``""``: none)."""

    user_id: str
    nick: str


async def search_users(
    conn: AsyncConnection,
    app_id: int,
    keywords: Sequence[str],
    match_all: bool,
    *,
    profile_filters: Sequence[tuple[str, Any]] = (),
    after: str = "",
    limit: int = 20,
) -> tuple[list[UserHit], int]:
    """Accounts whose UserID or nick contains the (normalised) keywords, by
    UserID after ``after``; ``profile_filters``: ``(tag, condition on the JSON
    value column)`` pairs that must hold. (page, total)."""
    a, p = accounts.c, profiles.c
    nick = (
        select(p.value)
        .where(p.app_id == a.app_id, p.user_id == a.user_id, p.tag == NICK)
        .scalar_subquery()
    )
    where = [
        a.app_id == app_id,
        _keywords([a.user_id, func.coalesce(nick, "")], keywords, match_all),
    ]
    for tag, cond in profile_filters:
        where.append(
            exists().where(
                p.app_id == a.app_id, p.user_id == a.user_id, p.tag == tag, cond(p.value)
            )
        )
    total = int((await conn.execute(select(func.count()).where(*where))).scalar_one())
    q = (
        select(a.user_id, func.coalesce(nick, ""))
        .where(*where, a.user_id > after)
        .order_by(a.user_id)
        .limit(limit)
    )
    return [UserHit(u, n) for u, n in await conn.execute(q)], total


async def search_groups(
    conn: AsyncConnection,
    app_id: int,
    viewer: str,
    keywords: Sequence[str],
    match_all: bool,
    *,
    types: Sequence[str] = (),
    private_types: Sequence[str] = (),
    after: str = "",
    limit: int = 20,
) -> tuple[list[str], int]:
    """Ids of groups whose GroupId or name contains the keywords, by GroupId after
    ``after``; groups of ``private_types`` only if ``viewer`` is a member. (page, total)."""
    g, gm = im_groups.c, group_members.c
    member = exists().where(gm.app_id == g.app_id, gm.group_id == g.group_id, gm.user_id == viewer)
    where = [g.app_id == app_id, _keywords([g.group_id, g.name], keywords, match_all)]
    if types:
        where.append(g.type.in_(list(types)))
    if private_types:
        where.append(or_(g.type.not_in(list(private_types)), member))
    total = int((await conn.execute(select(func.count()).where(*where))).scalar_one())
    q = select(g.group_id).where(*where, g.group_id > after).order_by(g.group_id).limit(limit)
    return [r[0] for r in await conn.execute(q)], total


@dataclass(frozen=True)
class MemberHit:
    """A member found: group, UserID, name card, nick (JSON text, ``""``: none)."""

    group_id: str
    user_id: str
    name_card: str
    nick: str


async def search_members(
    conn: AsyncConnection,
    app_id: int,
    viewer: str,
    keywords: Sequence[str],
    match_all: bool,
    *,
    group_ids: Sequence[str] = (),
    types: Sequence[str] = (),
    after: tuple[str, str] = ("", ""),
    limit: int = 20,
) -> tuple[list[MemberHit], int]:
    """Members of ``viewer``'s groups whose UserID, name card or nick contains the
    keywords, by (GroupId, UserID) after ``after``. (page, total)."""
    gm, p, g = group_members.c, profiles.c, im_groups.c
    me = group_members.alias("me")
    nick = (
        select(p.value)
        .where(p.app_id == gm.app_id, p.user_id == gm.user_id, p.tag == NICK)
        .scalar_subquery()
    )
    where = [
        gm.app_id == app_id,
        exists().where(
            me.c.app_id == gm.app_id, me.c.group_id == gm.group_id, me.c.user_id == viewer
        ),
        _keywords([gm.user_id, gm.name_card, func.coalesce(nick, "")], keywords, match_all),
    ]
    if group_ids:
        where.append(gm.group_id.in_(list(group_ids)))
    if types:
        where.append(
            exists().where(
                g.app_id == gm.app_id, g.group_id == gm.group_id, g.type.in_(list(types))
            )
        )
    total = int((await conn.execute(select(func.count()).where(*where))).scalar_one())
    page = or_(gm.group_id > after[0], and_(gm.group_id == after[0], gm.user_id > after[1]))
    q = (
        select(gm.group_id, gm.user_id, gm.name_card, func.coalesce(nick, ""))
        .where(*where, page)
        .order_by(gm.group_id, gm.user_id)
        .limit(limit)
    )
    return [MemberHit(*r) for r in await conn.execute(q)], total
