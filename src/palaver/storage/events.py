"""The per-user event stream: ``user_heads`` (last seq) and ``user_events``.

Events are appended in the transaction of the change they report; a user's
``seq`` numbers are assigned from ``user_heads`` under that transaction's lock
(SQLite's single writer, PostgreSQL's row lock), so they are gapless and in
commit order.

The write helpers are synchronous (they run in the group-commit writer's
thread, see :mod:`palaver.storage.writer`); async callers use
:func:`append_events`, which runs them through ``run_sync``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import bindparam, func, select, tuple_
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.model.events import (
    ApplicationNote,
    ApplicationsChanged,
    BlacklistChanged,
    ConversationChanged,
    ConversationRead,
    EventKind,
    EventPayload,
    FriendsChanged,
    GroupApplicationsChanged,
    MembershipChanged,
    Modified,
    ProfileChanged,
    ReadByPeer,
    Revoked,
)
from palaver.model.messages import MessageRecord
from palaver.storage.dialect import executemany, padded, prebuilt_rows, upsert
from palaver.storage.records import message_record
from palaver.storage.schema import messages, user_events, user_heads


@dataclass(frozen=True)
class NewEvent:
    """An event for ``user_id``: its kind, optional message id and typed payload."""

    user_id: str
    kind: EventKind
    message_id: int | None = None
    payload: EventPayload | None = None


@dataclass(frozen=True)
class EventRecord:
    """A stored stream event; ``message`` is its message when it refers to one
    that still exists (``message_id`` set and ``message`` None: it is gone)."""

    seq: int
    kind: EventKind
    message_id: int | None
    payload: EventPayload | None
    message: MessageRecord | None


def payload_json(p: EventPayload | None) -> str | None:
    """The stored JSON of a payload (the keys are the stored format: never rename)."""
    if p is None:
        return None
    d: dict[str, Any]
    match p:
        case Revoked():
            d = {"revoker": p.revoker}
        case Modified():
            d = {"modifier": p.modifier, "version": p.version}
        case ReadByPeer():
            d = {"peer": p.peer, "seq": p.seq, "time": p.time}
        case ConversationRead():
            d = {"conversationID": p.conversation_id, "seq": p.seq, "time": p.time}
        case ConversationChanged():
            d = {"conversationID": p.conversation_id, "change": p.change}
        case ProfileChanged():
            d = {"userID": p.user_id, "profile": p.profile}
        case MembershipChanged():
            d = _membership_json(p)
        case GroupApplicationsChanged():
            d = {"groupID": p.group_id}
        case FriendsChanged() | BlacklistChanged() | ApplicationsChanged():
            d = _relations_json(p)
    return orjson.dumps(d).decode()


def _membership_json(p: MembershipChanged) -> dict[str, Any]:
    """The stored keys of a membership change (optional ones only when set)."""
    d: dict[str, Any] = {"groupID": p.group_id, "change": p.change, "groupType": p.group_type}
    optional = {"joinSeq": p.join_seq, "role": p.role, "reason": p.reason}
    d.update((k, v) for k, v in optional.items() if v is not None)
    return d


def _relations_json(p: FriendsChanged | BlacklistChanged | ApplicationsChanged) -> dict[str, Any]:
    """The stored keys of a friend, blacklist or application change."""
    if isinstance(p, FriendsChanged):
        return {"added": p.added, "removed": p.removed, "updated": p.updated}
    if isinstance(p, BlacklistChanged):
        return {"added": p.added, "removed": p.removed}
    added = [
        {"user": a.user, "in": a.incoming, "source": a.source, "wording": a.wording, "time": a.time}
        for a in p.added
    ]
    d: dict[str, Any] = {"added": added, "removed": p.removed}
    if p.read_time:
        d["read"] = p.read_time
    return d


def _message_change(kind: int, d: dict[str, Any]) -> Revoked | Modified:
    """A recall's or an edit's payload."""
    if kind == EventKind.REVOKE:
        return Revoked(d.get("revoker", ""))
    return Modified(d.get("modifier", ""), int(d.get("version", 0)))


def payload_of(kind: int, text: str | bytes | None) -> EventPayload | None:
    """The typed payload of a stored event (``None`` for kinds without one)."""
    if not text:
        return None
    d = orjson.loads(text)
    match kind:
        case EventKind.REVOKE | EventKind.MODIFY:
            return _message_change(kind, d)
        case EventKind.READ_BY_PEER:
            return ReadByPeer(d["peer"], int(d["seq"]), int(d.get("time", 0)))
        case EventKind.CONV_READ:
            return ConversationRead(d["conversationID"], int(d["seq"]), int(d.get("time", 0)))
        case EventKind.CONV_CHANGED:
            return ConversationChanged(d["conversationID"], d["change"])
        case EventKind.PROFILE:
            return ProfileChanged(d["userID"], d["profile"])
        case EventKind.GROUP:
            join = d.get("joinSeq")
            return MembershipChanged(
                d["groupID"],
                d["change"],
                d.get("groupType", ""),
                join_seq=None if join is None else int(join),
                role=d.get("role"),
                reason=d.get("reason"),
            )
        case EventKind.GROUP_APPLICATIONS:
            return GroupApplicationsChanged(d["groupID"])
        case EventKind.FRIENDS:
            return FriendsChanged(
                tuple(d.get("added", ())), tuple(d.get("removed", ())), tuple(d.get("updated", ()))
            )
        case EventKind.BLACKLIST:
            return BlacklistChanged(tuple(d.get("added", ())), tuple(d.get("removed", ())))
        case EventKind.FRIEND_APPLICATIONS:
            return ApplicationsChanged(
                tuple(
                    ApplicationNote(
                        a["user"],
                        bool(a["in"]),
                        a.get("source", ""),
                        a.get("wording", ""),
                        int(a.get("time", 0)),
                    )
                    for a in d.get("added", ())
                ),
                tuple(d.get("removed", ())),
                int(d.get("read", 0)),
            )
    return None


def _heads_stmt(pg: bool) -> Any:
    def build(n: int) -> Any:
        q = select(user_heads.c.user_id, user_heads.c.last_seq).where(
            user_heads.c.app_id == bindparam("app"),
            user_heads.c.user_id.in_([bindparam(f"k{i}") for i in range(n)]),
        )
        if pg:
            q = q.order_by(user_heads.c.user_id).with_for_update()
        return q

    return build


_HEADS = {False: _heads_stmt(False), True: _heads_stmt(True)}


def lock_heads(conn: Connection, app_id: int, user_ids: Iterable[str]) -> dict[str, int]:
    """Current ``last_seq`` of each user (0 if none), locked for this transaction
    (a prebuilt statement: :func:`~palaver.storage.dialect.prebuilt_rows`)."""
    ids = sorted(set(user_ids))
    heads = dict.fromkeys(ids, 0)
    build = _HEADS[conn.dialect.name == "postgresql"]
    for i in range(0, len(ids), 512):
        chunk = ids[i : i + 512]
        n = padded(len(chunk))
        params: dict[str, Any] = {"app": app_id}
        for j in range(n):
            params[f"k{j}"] = chunk[min(j, len(chunk) - 1)]
        for user_id, last in prebuilt_rows(conn, "user_heads", n, build, params):
            heads[user_id] = int(last)
    return heads


def store_heads(conn: Connection, app_id: int, heads: dict[str, int]) -> None:
    """Write back ``last_seq`` of users (after assigning seqs in memory)."""
    executemany(
        conn,
        "user_heads",
        lambda: upsert(conn, user_heads, ["app_id", "user_id"], ["last_seq"]),
        [{"app_id": app_id, "user_id": u, "last_seq": s} for u, s in heads.items()],
    )


def event_rows(
    app_id: int, events: Sequence[NewEvent], heads: dict[str, int], now: int
) -> tuple[list[dict[str, Any]], list[int]]:
    """Assign seqs from ``heads`` (updated in place); the rows to insert and the seqs."""
    rows: list[dict[str, Any]] = []
    seqs: list[int] = []
    for ev in events:
        seq = heads[ev.user_id] + 1
        heads[ev.user_id] = seq
        seqs.append(seq)
        rows.append(
            {
                "app_id": app_id,
                "user_id": ev.user_id,
                "seq": seq,
                "kind": int(ev.kind),
                "message_id": ev.message_id,
                "payload": payload_json(ev.payload),
                "created_at": now,
            }
        )
    return rows, seqs


def insert_event_rows(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert prepared event rows (see :func:`event_rows`)."""
    executemany(conn, "user_events", user_events.insert, rows)


def append_events_sync(conn: Connection, app_id: int, events: Sequence[NewEvent]) -> list[int]:
    """:func:`append_events` on a synchronous connection."""
    if not events:
        return []
    heads = lock_heads(conn, app_id, (e.user_id for e in events))
    rows, seqs = event_rows(app_id, events, heads, int(time.time()))
    insert_event_rows(conn, rows)
    store_heads(conn, app_id, {e.user_id: heads[e.user_id] for e in events})
    return seqs


async def append_events(
    conn: AsyncConnection, app_id: int, events: Sequence[NewEvent]
) -> list[int]:
    """Append events inside the caller's transaction; returns each event's seq."""
    return await conn.run_sync(append_events_sync, app_id, events)


# Statements of the hot reads, built once with bind parameters: building a
# ``select`` and its cache key costs more CPU than running it on SQLite (a
# login's reads took ~0.9 ms that way, docs/benchmarks.md "issue 16"); a built
# statement memoizes its cache key, so each execution only binds values.

#: The last seq of a user's stream (a scalar; none if the stream is empty).
#: Parameters ``app_id``, ``user_id``.
HEAD = select(user_heads.c.last_seq).where(
    user_heads.c.app_id == bindparam("app_id"), user_heads.c.user_id == bindparam("user_id")
)

#: The oldest seq still stored for a user (a scalar; NULL if none is).
#: Parameters ``app_id``, ``user_id``.
FIRST_SEQ = select(func.min(user_events.c.seq)).where(
    user_events.c.app_id == bindparam("app_id"), user_events.c.user_id == bindparam("user_id")
)


def head_query(app_id: int, user_id: str) -> tuple[Any, dict[str, Any]]:
    """:data:`HEAD` and its parameters for ``user_id``."""
    return HEAD, {"app_id": app_id, "user_id": user_id}


def first_seq_query(app_id: int, user_id: str) -> tuple[Any, dict[str, Any]]:
    """:data:`FIRST_SEQ` and its parameters for ``user_id``."""
    return FIRST_SEQ, {"app_id": app_id, "user_id": user_id}


async def head(conn: AsyncConnection, app_id: int, user_id: str) -> int:
    """The last seq of a user's stream (0 if empty)."""
    return int(await conn.scalar(*head_query(app_id, user_id)) or 0)


def _build_events_query() -> Any:
    e = user_events.c
    m = messages.c
    return (
        select(
            e.seq,
            e.kind,
            e.message_id,
            e.payload,
            m.id.label("m_id"),
            m.conv_id.label("m_conv_id"),
            m.seq.label("m_seq"),
            m.from_account.label("m_from_account"),
            m.to_account.label("m_to_account"),
            m.msg_time.label("m_msg_time"),
            m.random.label("m_random"),
            m.client_seq.label("m_client_seq"),
            m.client_time.label("m_client_time"),
            m.msg_key.label("m_msg_key"),
            m.body.label("m_body"),
            m.cloud_custom_data.label("m_cloud_custom_data"),
            m.flags.label("m_flags"),
            m.at_users.label("m_at_users"),
            m.version.label("m_version"),
            m.offline_push.label("m_offline_push"),
        )
        .select_from(user_events.outerjoin(messages, messages.c.id == e.message_id))
        .where(
            e.app_id == bindparam("app_id"),
            e.user_id == bindparam("user_id"),
            e.seq > bindparam("after"),
        )
        .order_by(e.seq)
        .limit(bindparam("limit"))
    )


#: A page of a user's events with their messages (:func:`read_events`), built
#: once (see :data:`HEAD`). Parameters ``app_id``, ``user_id``, ``after``, ``limit``.
EVENTS_PAGE = _build_events_query()


def _events_params(app_id: int, user_id: str, after: int, limit: int) -> dict[str, Any]:
    return {"app_id": app_id, "user_id": user_id, "after": after, "limit": limit}


def _event_records(rows: Iterable[Any]) -> list[EventRecord]:
    out = []
    for r in rows:
        kind = EventKind(int(r["kind"]))
        out.append(
            EventRecord(
                seq=int(r["seq"]),
                kind=kind,
                message_id=None if r["message_id"] is None else int(r["message_id"]),
                payload=payload_of(kind, r["payload"]),
                message=message_record(r, "m_") if r["m_id"] is not None else None,
            )
        )
    return out


async def read_events(
    conn: AsyncConnection, app_id: int, user_id: str, after: int, limit: int
) -> list[EventRecord]:
    """Events of a user with ``seq > after``, ascending, with their messages."""
    return _event_records(
        (await conn.execute(EVENTS_PAGE, _events_params(app_id, user_id, after, limit))).mappings()
    )


def read_events_sync(
    conn: Connection, app_id: int, user_id: str, after: int, limit: int
) -> list[EventRecord]:
    """:func:`read_events` on a synchronous connection (``Database.run_read``: one
    thread hop on SQLite instead of one per execute, fetch and close)."""
    params = _events_params(app_id, user_id, after, limit)
    return _event_records(conn.execute(EVENTS_PAGE, params).mappings())


async def purge_before(conn: AsyncConnection, before_time: int) -> int:
    """Delete stream events created before ``before_time`` (unix s); returns the count."""
    res = await conn.execute(user_events.delete().where(user_events.c.created_at < before_time))
    return int(res.rowcount or 0)


EventKey = tuple[int, str, int]


async def purge_batch_before(
    conn: AsyncConnection, before_time: int, after: EventKey | None, limit: int
) -> tuple[int, EventKey | None]:
    """Delete up to ``limit`` stream events created before ``before_time``, the
    first ones in (app, user, seq) order after ``after`` (``None``: from the
    start): (how many, the last key deleted, to pass as ``after`` next; ``None``
    when none was left). Walking the key this way reads the table once in all,
    however many batches it takes."""
    e = user_events.c
    q = select(e.app_id, e.user_id, e.seq).where(e.created_at < before_time)
    if after is not None:
        q = q.where(tuple_(e.app_id, e.user_id, e.seq) > tuple_(*after))
    keys = [(int(a), str(u), int(s)) for a, u, s in await conn.execute(
        q.order_by(e.app_id, e.user_id, e.seq).limit(limit)
    )]  # fmt: skip
    if not keys:
        return 0, None
    by_user: dict[tuple[int, str], list[int]] = {}
    for a, u, s in keys:
        by_user.setdefault((a, u), []).append(s)
    for (a, u), seqs in by_user.items():
        await conn.execute(
            user_events.delete().where(e.app_id == a, e.user_id == u, e.seq.in_(seqs))
        )
    return len(keys), keys[-1]


async def first_seq(conn: AsyncConnection, app_id: int, user_id: str) -> int | None:
    """The oldest seq still stored for a user, or ``None`` if none is."""
    v = await conn.scalar(*first_seq_query(app_id, user_id))
    return None if v is None else int(v)
