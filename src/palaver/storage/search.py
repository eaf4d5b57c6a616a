"""The message search index and its queries (issue 18; docs/search.md).

A stored message that is not recalled has exactly one index entry, keyed by
``messages.id``: its tokens (:func:`palaver.model.search_text.tokens`) and its
element types. The group-commit writer adds entries in the transaction that
stores the messages (:func:`index_rows`); recall and every statement that
deletes messages remove them first (:func:`unindex_where`) in the same
transaction, so nothing is searchable before it is stored or after it is gone.

- SQLite: ``message_fts``, a contentless FTS5 table. Removing an entry needs its
  tokens again (FTS5's ``delete`` command), which are recomputed from the body:
  tokenisation is deterministic; ``palaver search rebuild`` redoes everything.
- PostgreSQL: ``message_search``, a ``tsvector`` with positions under GIN; rows go
  with their message (``ON DELETE CASCADE``).

A keyword is a phrase (consecutive tokens, the last a prefix): FTS5
``"t1 t2"*``, PostgreSQL ``'t1' <-> 't2':*``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import and_, exists, func, literal_column, or_, select, text
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
_FTS_INSERT = "INSERT INTO message_fts(rowid, doc, kinds) VALUES (?, ?, ?)"
_FTS_DELETE = "INSERT INTO message_fts(message_fts, rowid, doc, kinds) VALUES ('delete', ?, ?, ?)"
_PG_INSERT = text("INSERT INTO message_search(id, doc) VALUES (:id, CAST(:doc AS tsvector))")


def _body(raw: str) -> list[dict[str, Any]]:
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return []
    return body if isinstance(body, list) else []


def fts_doc(body: str) -> tuple[str, str]:
    """SQLite's ``(doc, kinds)`` of a message body (JSON text)."""
    b = _body(body)
    return " ".join(tokens(message_text(b))), " ".join(kind_token(k) for k in message_kinds(b))


def _pg_lexeme(tok: str) -> str:
    return "'" + tok.replace("\\", "\\\\").replace("'", "''") + "'"


def pg_doc(body: str) -> str:
    """PostgreSQL's ``tsvector`` text of a message body: tokens with positions
    (1-based, at most 16383), then ``~type`` lexemes."""
    b = _body(body)
    parts = [f"{_pg_lexeme(t)}:{min(i, 16383)}" for i, t in enumerate(tokens(message_text(b)), 1)]
    parts += [_pg_lexeme("~" + kind_token(k)) for k in message_kinds(b)]
    return " ".join(parts)


def index_rows(conn: Connection, rows: Iterable[dict[str, Any]]) -> None:
    """Index new ``messages`` rows (dicts with ``id``, ``body``, ``flags``) in the
    caller's transaction; recalled ones are left out. For the writer."""
    live = [r for r in rows if not r["flags"] & _RECALLED]
    if not live:
        return
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(_FTS_INSERT, [(r["id"], *fts_doc(r["body"])) for r in live])
    else:
        conn.execute(_PG_INSERT, [{"id": r["id"], "doc": pg_doc(r["body"])} for r in live])


async def unindex_where(conn: AsyncConnection, *where: Any) -> int:
    """Remove the entries of the messages matching ``where`` (before they are
    recalled or deleted, in the same transaction); the number removed."""
    q = select(messages.c.id, messages.c.body).where(
        *where, messages.c.flags.op("&")(_RECALLED) == 0
    )
    rows = (await conn.execute(q)).all()
    if not rows:
        return 0
    if conn.dialect.name == "sqlite":
        params = [(int(i), *fts_doc(b)) for i, b in rows]
        await conn.exec_driver_sql(_FTS_DELETE, params)
    else:
        ids = [int(i) for i, _ in rows]
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
        q = (
            select(messages.c.id, messages.c.body, messages.c.flags)
            .where(messages.c.id > last)
            .order_by(messages.c.id)
            .limit(chunk)
        )
        rows = [{"id": int(i), "body": b, "flags": int(f)} for i, b, f in conn.execute(q)]
        if not rows:
            break
        index_rows(conn, rows)
        total += sum(1 for r in rows if not r["flags"] & _RECALLED)
        last = rows[-1]["id"]
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


def match_expr(
    dialect: str, phrases: Sequence[Phrase], match_all: bool, kinds: Sequence[str]
) -> str:
    """The FTS5 ``MATCH`` / PostgreSQL ``tsquery`` text of keyword phrases joined
    by AND (``match_all``) or OR, and element types (any of them)."""
    sqlite = dialect == "sqlite"
    parts: list[str] = []
    if phrases:
        glue = " AND " if sqlite else " & "
        if not match_all:
            glue = " OR " if sqlite else " | "
        words = glue.join(_fts_phrase(p) if sqlite else _pg_phrase(p) for p in phrases)
        parts.append(f"doc:({words})" if sqlite else f"({words})")
    if kinds:
        toks = [kind_token(k) for k in kinds]
        if sqlite:
            parts.append("kinds:(" + " OR ".join(f'"{t}"' for t in toks) + ")")
        else:
            parts.append("(" + " | ".join(_pg_lexeme("~" + t) for t in toks) + ")")
    return (" AND " if sqlite else " & ").join(parts)


@dataclass(frozen=True)
class MessageQuery:
    """What to look for, as ``viewer`` (see :func:`search_messages`).

    ``match``: the :func:`match_expr` text (``""``: no text condition);
    ``conv_ids``: only these conversations (storage ids; ``None``: all the viewer's);
    ``senders``: only from these UserIDs; ``start_time``/``end_time``: unix s,
    inclusive; ``before_id``: the paging cursor (ids below it); ``limit``: page size.
    """

    viewer: str
    match: str
    conv_ids: Sequence[str] | None = None
    senders: Sequence[str] = ()
    start_time: int | None = None
    end_time: int | None = None
    before_id: int | None = None
    limit: int = 20


def _visible(app_id: int, viewer: str) -> Any:
    """Messages ``viewer`` may find: of their C2C conversations after what they
    cleared (and not kept out of the sender's history), of their groups after
    they joined and what they cleared; never recalled."""
    m, uc, gm = messages.c, user_conversations.c, group_members.c
    c2c = exists().where(
        uc.app_id == app_id,
        uc.owner == viewer,
        uc.conv_id == m.conv_id,
        m.seq > uc.cleared_seq,
    )
    group = exists().where(
        gm.app_id == app_id,
        gm.user_id == viewer,
        gm.group_id == func.substr(m.conv_id, len(GROUP_CONV_PREFIX) + 1),
        m.seq > gm.join_seq,
        m.seq > gm.cleared_seq,
    )
    return and_(
        m.flags.op("&")(_RECALLED) == 0,
        or_(m.from_account != viewer, m.flags.op("&")(_NOT_IN_SENDER_ROAM) == 0),
        or_(
            and_(m.conv_id.startswith(GROUP_CONV_PREFIX, autoescape=True), group),
            and_(~m.conv_id.startswith(GROUP_CONV_PREFIX, autoescape=True), c2c),
        ),
    )


def _filters(app_id: int, q: MessageQuery) -> list[Any]:
    m = messages.c
    where: list[Any] = [m.app_id == app_id, _visible(app_id, q.viewer)]
    if q.conv_ids is not None:
        where.append(m.conv_id.in_(list(q.conv_ids)))
    if q.senders:
        where.append(m.from_account.in_(list(q.senders)))
    if q.start_time is not None:
        where.append(m.msg_time >= q.start_time)
    if q.end_time is not None:
        where.append(m.msg_time <= q.end_time)
    return where


def _matching(dialect: str, q: MessageQuery) -> Any:
    """A selectable of matching ids (``id``), or ``None`` without text condition."""
    if not q.match:
        return None
    if dialect == "sqlite":
        return text("SELECT rowid AS id FROM message_fts WHERE message_fts MATCH :match").columns(
            literal_column("id")
        )
    return text("SELECT id FROM message_search WHERE doc @@ CAST(:match AS tsquery)").columns(
        literal_column("id")
    )


async def search_messages(
    conn: AsyncConnection, app_id: int, q: MessageQuery
) -> list[MessageRecord]:
    """Up to ``q.limit`` messages ``q.viewer`` may see that match, newest first
    (by id, so pages are stable: the next page is ``before_id`` = the last id)."""
    m = messages.c
    where = _filters(app_id, q)
    if q.before_id is not None:
        where.append(m.id < q.before_id)
    sel = select(messages).where(*where).order_by(m.id.desc()).limit(q.limit)
    ids = _matching(conn.dialect.name, q)
    if ids is not None:
        sel = sel.where(m.id.in_(ids.subquery().select()))
    rows = (await conn.execute(sel, {"match": q.match} if q.match else {})).mappings()
    return [message_record(r) for r in rows]


async def count_by_conversation(
    conn: AsyncConnection, app_id: int, q: MessageQuery
) -> dict[str, tuple[int, int]]:
    """``{conv_id: (matching messages, newest msg_time)}`` of what ``q`` finds
    (paging ignored): Tencent's per-conversation summary."""
    m = messages.c
    sel = (
        select(m.conv_id, func.count(), func.max(m.msg_time))
        .where(*_filters(app_id, q))
        .group_by(m.conv_id)
    )
    ids = _matching(conn.dialect.name, q)
    if ids is not None:
        sel = sel.where(m.id.in_(ids.subquery().select()))
    rows = await conn.execute(sel, {"match": q.match} if q.match else {})
    return {c: (int(n), int(t)) for c, n, t in rows}


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
