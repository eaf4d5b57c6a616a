"""One transaction of the group-commit writer (:mod:`palaver.storage.writer`): the
message writes (:class:`C2CWrite`, :class:`GroupWrite`) and :func:`write_batch`,
which stores a batch of them in the caller's transaction:

1. finds retried sends (dedupe keys) already stored or repeated in the batch;
2. reads and locks the heads it needs (conversation ``last_seq``, each user's
   stream ``last_seq``) and assigns sequences in memory;
3. writes messages (and their search index entries), heads, stream events and
   conversation rows with one ``executemany`` per statement.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, false, func, select, update
from sqlalchemy.engine import Connection

from palaver.model.events import EventKind
from palaver.model.messages import MessageFlag
from palaver.storage import events as ev_store
from palaver.storage import search as search_store
from palaver.storage.callbacks import NewCallback, outbox_row
from palaver.storage.dialect import (
    executemany,
    insert_on_conflict,
    padded,
    prebuilt_rows,
    upsert,
)
from palaver.storage.messages import (
    CONV_C2C,
    NewMessage,
    StoredMessage,
    make_msg_key,
)
from palaver.storage.schema import (
    callback_outbox,
    conv_heads,
    counters,
    group_members,
    messages,
    user_conversations,
)

# Plain ints: flag arithmetic runs per message (IntFlag operations cost ~1 µs).
_NOT_IN_SENDER_ROAM = MessageFlag.NOT_IN_SENDER_ROAM.value
_NO_LAST_MSG = MessageFlag.NO_LAST_MSG.value


@dataclass(frozen=True)
class C2CWrite:
    """A C2C message to store.

    ``dedupe_since``: a stored message with the same dedupe key sent at or
    after this time (unix s) makes this write a duplicate (``None``: any time).
    ``sender_event``: also put the message in the sender's event stream (to
    sync the sender's other devices).
    """

    app_id: int
    msg: NewMessage
    to_sender_roam: bool = True
    sender_event: bool = True
    dedupe_since: int | None = None
    #: an after-callback to the app backend, written in the same transaction
    callback: NewCallback | None = None


@dataclass(frozen=True)
class Written:
    """The outcome of a write: the stored message (or, for a retried send, the
    earlier one it repeats) and, for C2C, the stream seq of each user who got an
    event (none for repeats)."""

    stored: StoredMessage
    duplicate: bool = False
    event_seqs: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class GroupWrite:
    """A group message to store: one row, ``seq`` from the group's head, no
    per-member write (members read it through their read position). The
    sender's membership ``last_send_time`` is updated when ``sender_is_member``."""

    app_id: int
    msg: NewMessage
    sender_is_member: bool = True
    dedupe_since: int | None = None
    #: an after-callback to the app backend, written in the same transaction
    callback: NewCallback | None = None


Write = C2CWrite | GroupWrite


def _reserve_stmt(n: int) -> Any:
    return (
        update(counters)
        .where(counters.c.name == bindparam("name"))
        .values(value=counters.c.value + bindparam("n"))
        .returning(counters.c.value)
    )


def reserve_ids(conn: Connection, name: str, n: int) -> int:
    """Reserve ``n`` consecutive values of counter ``name``; returns the first.

    Inside the caller's transaction (row-locked on PostgreSQL), so ids are
    never handed out twice, on any number of nodes; an insert then needs no
    ``RETURNING`` and can be one ``executemany``.
    """
    rows = prebuilt_rows(conn, "reserve_ids", 1, _reserve_stmt, {"name": name, "n": n})
    if not rows:  # first use of this counter
        start = int(conn.scalar(select(func.coalesce(func.max(messages.c.id), 0))) or 0)
        conn.execute(counters.insert().values(name=name, value=start + n))
        return start + 1
    return int(rows[0][0]) - n + 1


def _keys_params(app_id: int, keys: Sequence[str], n: int) -> dict[str, Any]:
    """Bind values of a prebuilt ``IN`` list of ``n`` (padded with the last key)."""
    params: dict[str, Any] = {"app": app_id}
    for i in range(n):
        params[f"k{i}"] = keys[min(i, len(keys) - 1)]
    return params


def _dupes_stmt(n: int) -> Any:
    m = messages.c
    return select(m.dedupe_key, m.id, m.seq, m.msg_key, m.msg_time).where(
        m.app_id == bindparam("app"), m.dedupe_key.in_([bindparam(f"k{i}") for i in range(n)])
    )


def _find_duplicates(
    conn: Connection, ops: Sequence[Write]
) -> dict[tuple[int, str], tuple[int, int, str, int]]:
    """Stored messages whose dedupe key a write of ``ops`` repeats:
    (app, key) -> (id, seq, msg_key, msg_time)."""
    found: dict[tuple[int, str], tuple[int, int, str, int]] = {}
    by_app: dict[int, list[str]] = {}
    for op in ops:
        if op.msg.dedupe_key:
            by_app.setdefault(op.app_id, []).append(op.msg.dedupe_key)
    for app_id, all_keys in by_app.items():
        for i in range(0, len(all_keys), 512):
            keys = all_keys[i : i + 512]
            n = padded(len(keys))
            res = prebuilt_rows(conn, "dupes", n, _dupes_stmt, _keys_params(app_id, keys, n))
            for key, msg_id, seq, msg_key, msg_time in res:
                found.setdefault((app_id, key), (int(msg_id), int(seq), msg_key, int(msg_time)))
    return found


def _conv_heads_stmt(pg: bool) -> Any:
    def build(n: int) -> Any:
        q = select(conv_heads.c.conv_id, conv_heads.c.last_seq).where(
            conv_heads.c.app_id == bindparam("app"),
            conv_heads.c.conv_id.in_([bindparam(f"k{i}") for i in range(n)]),
        )
        if pg:
            q = q.order_by(conv_heads.c.conv_id).with_for_update()
        return q

    return build


_CONV_HEADS = {False: _conv_heads_stmt(False), True: _conv_heads_stmt(True)}


def _lock_conv_heads(conn: Connection, app_id: int, conv_ids: set[str]) -> dict[str, int]:
    ids = sorted(conv_ids)
    heads = dict.fromkeys(ids, 0)
    build = _CONV_HEADS[conn.dialect.name == "postgresql"]
    for i in range(0, len(ids), 512):
        chunk = ids[i : i + 512]
        n = padded(len(chunk))
        params = _keys_params(app_id, chunk, n)
        for conv_id, last in prebuilt_rows(conn, "conv_heads", n, build, params):
            heads[conv_id] = int(last)
    return heads


def _message_row(app_id: int, m: NewMessage, seq: int, flags: int) -> dict[str, Any]:
    """The ``messages`` row of ``m`` at ``seq`` (its ``id`` is set by the caller)."""
    return {
        "app_id": app_id,
        "conv_id": m.conv_id,
        "seq": seq,
        "from_account": m.from_account,
        "to_account": m.to_account,
        "msg_time": m.msg_time,
        "random": m.random,
        "client_seq": m.client_seq,
        "client_time": m.client_time,
        "msg_key": make_msg_key(seq, m.random, m.msg_time),
        "body": m.body,
        "cloud_custom_data": m.cloud_custom_data,
        "flags": flags,
        "dedupe_key": m.dedupe_key,
        "at_users": m.at_users,
        "offline_push": m.offline_push,
    }


def _conv_row(
    app_id: int, owner: str, peer: str, conv_id: str, seq: int, t: int, msg_id: int
) -> dict[str, Any]:
    return {
        "app_id": app_id,
        "owner": owner,
        "conv_id": conv_id,
        "conv_type": CONV_C2C,
        "peer": peer,
        "last_seq": seq,
        "last_time": t,
        "last_msg_id": msg_id,
        "read_seq": 0,
        "cleared_seq": 0,
        "pinned": False,
        "pinned_at": 0,
        "hidden": False,
    }


def write_batch(conn: Connection, ops: Sequence[Write], *, index: bool = True) -> list[Written]:
    """Store a batch of C2C and group messages in the caller's transaction (see
    module doc); ``index``: with their search index entries."""
    now = int(time.time())
    stored_dups = _find_duplicates(conn, ops)
    results: list[Written | None] = [None] * len(ops)
    first_in_batch: dict[tuple[int, str], int] = {}
    fresh: list[int] = []
    for i, op in enumerate(ops):
        key = op.msg.dedupe_key
        if key:
            dup = stored_dups.get((op.app_id, key))
            if dup is not None and (op.dedupe_since is None or dup[3] >= op.dedupe_since):
                results[i] = Written(StoredMessage(*dup), duplicate=True)
                continue
            if (op.app_id, key) in first_in_batch:
                continue  # resolved after the first one is written
            first_in_batch[(op.app_id, key)] = i
        fresh.append(i)

    by_app: dict[int, list[int]] = {}
    for i in fresh:
        by_app.setdefault(ops[i].app_id, []).append(i)
    for app_id, idxs in by_app.items():
        c2c = [i for i in idxs if isinstance(ops[i], C2CWrite)]
        group = [i for i in idxs if isinstance(ops[i], GroupWrite)]
        if c2c:
            _write_app(conn, app_id, [ops[i] for i in c2c], c2c, results, now, index)  # type: ignore[misc]
        if group:
            _write_group_app(conn, app_id, [ops[i] for i in group], group, results, index)  # type: ignore[misc]

    for i, op in enumerate(ops):
        if results[i] is None:  # a repeat of an earlier write in this batch
            j = first_in_batch[(op.app_id, op.msg.dedupe_key or "")]
            first = results[j]
            assert first is not None
            results[i] = Written(first.stored, duplicate=True)
    return [r for r in results if r is not None]


def _write_app(
    conn: Connection,
    app_id: int,
    ops: list[C2CWrite],
    idxs: list[int],
    results: list[Written | None],
    now: int,
    index: bool = True,
) -> None:
    """Write one app's C2C messages of a batch (their stream events, heads and
    both parties' conversations) and put each one's result at ``results[idxs[k]]``."""
    conv_last = _lock_conv_heads(conn, app_id, {op.msg.conv_id for op in ops})
    users: set[str] = set()
    for op in ops:
        users.add(op.msg.to_account)
        if op.sender_event:
            users.add(op.msg.from_account)
    user_last = ev_store.lock_heads(conn, app_id, users)

    ids, seqs = _insert_c2c_messages(conn, app_id, ops, conv_last, index)
    events: list[ev_store.NewEvent] = []
    owners: list[list[str]] = []
    conv_moved: dict[tuple[str, str], dict[str, Any]] = {}
    conv_touched: dict[tuple[str, str], dict[str, Any]] = {}
    for op, msg_id, seq in zip(ops, ids, seqs, strict=True):
        m = op.msg
        who = [m.to_account]
        if op.sender_event and m.from_account != m.to_account:
            who.append(m.from_account)
        owners.append(who)
        events += [ev_store.NewEvent(u, EventKind.MESSAGE, int(msg_id)) for u in who]
        sides = [(m.to_account, m.from_account)] if m.to_account != m.from_account else []
        if op.to_sender_roam:
            sides.append((m.from_account, m.to_account))
        target = conv_touched if m.flags & _NO_LAST_MSG else conv_moved
        for owner, peer in sides:
            target[(owner, m.conv_id)] = _conv_row(
                app_id, owner, peer, m.conv_id, seq, m.msg_time, int(msg_id)
            )
    ev_rows, ev_seqs = ev_store.event_rows(app_id, events, user_last, now)
    ev_store.insert_event_rows(conn, ev_rows)
    ev_store.store_heads(conn, app_id, {ev.user_id: user_last[ev.user_id] for ev in events})
    _store_c2c_conversations(conn, app_id, conv_last, conv_touched, conv_moved)
    _store_callbacks(conn, ops, ids, seqs)

    pos = 0
    for k, (op, msg_id, seq) in enumerate(zip(ops, ids, seqs, strict=True)):
        who = owners[k]
        mine = dict(zip(who, ev_seqs[pos : pos + len(who)], strict=True))
        pos += len(who)
        stored = StoredMessage(
            int(msg_id), seq, make_msg_key(seq, op.msg.random, op.msg.msg_time), op.msg.msg_time
        )
        results[idxs[k]] = Written(stored, event_seqs=mine)


def _insert_c2c_messages(
    conn: Connection, app_id: int, ops: list[C2CWrite], conv_last: dict[str, int], index: bool
) -> tuple[list[int], list[int]]:
    """Insert the messages of ``ops``, each at the next seq of its conversation
    (``conv_last`` is advanced): (their ids, their seqs)."""
    msg_rows: list[dict[str, Any]] = []
    seqs: list[int] = []
    for op in ops:
        m = op.msg
        seq = conv_last[m.conv_id] + 1
        conv_last[m.conv_id] = seq
        seqs.append(seq)
        flags = m.flags | (0 if op.to_sender_roam else _NOT_IN_SENDER_ROAM)
        msg_rows.append(_message_row(app_id, m, seq, flags))
    first = reserve_ids(conn, "message_id", len(msg_rows))
    ids = list(range(first, first + len(msg_rows)))
    for row, msg_id in zip(msg_rows, ids, strict=True):
        row["id"] = msg_id
    executemany(conn, "messages", messages.insert, msg_rows)
    if index:
        search_store.index_rows(conn, msg_rows)
    return ids, seqs


def _store_c2c_conversations(
    conn: Connection,
    app_id: int,
    conv_last: dict[str, int],
    conv_touched: dict[tuple[str, str], dict[str, Any]],
    conv_moved: dict[tuple[str, str], dict[str, Any]],
) -> None:
    """Store the conversations' heads, and the owners' conversation rows:
    ``conv_moved`` ones show the new message as their last, ``conv_touched``
    ones (``NoLastMsg``) only reappear if hidden."""
    executemany(
        conn,
        "conv_heads",
        lambda: upsert(conn, conv_heads, ["app_id", "conv_id"], ["last_seq"]),
        [{"app_id": app_id, "conv_id": c, "last_seq": s} for c, s in conv_last.items() if s],
    )
    uc_key = ["app_id", "owner", "conv_id"]
    if conv_touched:
        rows = [
            {**r, "last_seq": 0, "last_time": 0, "last_msg_id": 0} for r in conv_touched.values()
        ]
        executemany(
            conn,
            "conversations_touched",
            lambda: insert_on_conflict(conn, user_conversations).on_conflict_do_update(
                index_elements=uc_key, set_={"hidden": false()}
            ),
            rows,
        )
    if conv_moved:
        moved = ["last_seq", "last_time", "last_msg_id", "hidden"]
        executemany(
            conn,
            "conversations_moved",
            lambda: upsert(conn, user_conversations, uc_key, moved),
            list(conv_moved.values()),
        )


def _store_callbacks(
    conn: Connection,
    ops: Sequence[Write],
    ids: Sequence[int],
    seqs: Sequence[int],
) -> None:
    """The after-callbacks of the messages just written, with their ids."""
    if all(op.callback is None for op in ops):
        return
    now_ms = int(time.time() * 1000)
    rows = [
        outbox_row(
            op.callback,
            now_ms,
            msg_id=int(msg_id),
            msg_seq=seq,
            msg_key=make_msg_key(seq, op.msg.random, op.msg.msg_time),
            msg_time=op.msg.msg_time,
        )
        for op, msg_id, seq in zip(ops, ids, seqs, strict=True)
        if op.callback is not None
    ]
    executemany(conn, "callback_outbox", callback_outbox.insert, rows)


def _write_group_app(
    conn: Connection,
    app_id: int,
    ops: list[GroupWrite],
    idxs: list[int],
    results: list[Written | None],
    index: bool = True,
) -> None:
    """Group messages of one app: one row each, the group's head moved once."""
    heads = _lock_conv_heads(conn, app_id, {op.msg.conv_id for op in ops})
    rows: list[dict[str, Any]] = []
    for op in ops:
        m = op.msg
        seq = heads[m.conv_id] + 1
        heads[m.conv_id] = seq
        rows.append(_message_row(app_id, m, seq, m.flags))
    first = reserve_ids(conn, "message_id", len(rows))
    shown: dict[str, tuple[int, int]] = {}  # conv -> (time, id) of its last shown message
    senders: dict[tuple[str, str], int] = {}
    for k, (op, row) in enumerate(zip(ops, rows, strict=True)):
        row["id"] = first + k
        if not op.msg.flags & _NO_LAST_MSG:
            shown[op.msg.conv_id] = (op.msg.msg_time, first + k)
        if op.sender_is_member:
            senders[(op.msg.to_account, op.msg.from_account)] = op.msg.msg_time
    executemany(conn, "messages", messages.insert, rows)
    if index:
        search_store.index_rows(conn, rows)
    moved = [c for c in heads if c in shown]
    if moved:
        executemany(
            conn,
            "group_heads",
            lambda: upsert(
                conn, conv_heads, ["app_id", "conv_id"], ["last_seq", "last_time", "last_msg_id"]
            ),
            [
                {
                    "app_id": app_id,
                    "conv_id": c,
                    "last_seq": heads[c],
                    "last_time": shown[c][0],
                    "last_msg_id": shown[c][1],
                }
                for c in moved
            ],
        )
    quiet = [c for c in heads if c not in shown and heads[c]]
    if quiet:  # NoLastMsg only: the seq moves, the shown last message does not
        executemany(
            conn,
            "conv_heads",
            lambda: upsert(conn, conv_heads, ["app_id", "conv_id"], ["last_seq"]),
            [{"app_id": app_id, "conv_id": c, "last_seq": heads[c]} for c in quiet],
        )
    if senders:
        gm = group_members.c
        executemany(
            conn,
            "group_last_send",
            lambda: (
                update(group_members)
                .where(
                    gm.app_id == bindparam("b_app"),
                    gm.group_id == bindparam("b_group"),
                    gm.user_id == bindparam("b_user"),
                )
                .values(last_send_time=bindparam("b_time"))
            ),
            [
                {"b_app": app_id, "b_group": g, "b_user": u, "b_time": t}
                for (g, u), t in senders.items()
            ],
        )
    _store_callbacks(conn, ops, [r["id"] for r in rows], [r["seq"] for r in rows])
    for k, (op, row) in enumerate(zip(ops, rows, strict=True)):
        stored = StoredMessage(first + k, row["seq"], row["msg_key"], op.msg.msg_time)
        results[idxs[k]] = Written(stored)
