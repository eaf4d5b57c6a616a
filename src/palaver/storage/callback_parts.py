"""A message's after-send callback keeps its message's content out of the outbox.

The send path writes ``C2C.CallbackAfterSendMsg`` / ``Group.CallbackAfterSendMsg``
rows (``callback_outbox``, with the message's ``msg_id``) whose payload leaves
out ``MsgBody``, ``CloudCustomData`` and ``OfflinePushInfo``: the message row
already holds them, so the send does not build or store a second copy. The
delivery pass reads them back by ``msg_id`` (:func:`parts`, one query per pass)
and :func:`complete` puts them in the body it posts.

A message's content can change or go before its callback is posted (an edit, a
redaction, a deletion, retention). Each of those first calls :func:`freeze` in
its own transaction: the pending callbacks of the messages it touches get the
content written into their payloads, so they still report the message as it was
sent. Rows already delivered or dead-lettered are not frozen (they may be many):
``palaver callbacks replay`` posts them again with their messages as they are
then (pending again, they are frozen from then on); a message gone by then is
reported with an empty ``MsgBody``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.limits import stored_json
from palaver.storage.schema import callback_outbox, messages

PENDING = "pending"

_co = callback_outbox.c
_m = messages.c


@dataclass(frozen=True, slots=True)
class MessageParts:
    """What a slim callback payload leaves to its message: ``body`` (JSON text of
    ``MsgBody``), ``cloud_custom_data`` and ``offline_push`` (JSON text) or None."""

    body: str
    cloud_custom_data: str | None
    offline_push: str | None


def is_slim(payload: dict[str, Any], msg_id: int | None) -> bool:
    """Whether a row's decoded payload takes its content from its message."""
    return msg_id is not None and "MsgBody" not in payload


def complete(payload: dict[str, Any], parts: MessageParts | None, msg_id: int) -> dict[str, Any]:
    """A slim payload with its message's content (in place; returned): ``MsgBody``
    (``[]`` when the message is gone), ``CloudCustomData`` and ``OfflinePushInfo``
    when the message has them (an ``OfflinePushInfo`` already in the payload,
    e.g. do-not-disturb's ``PushFlag`` 1, is kept over the stored one)."""
    if parts is None:
        payload["MsgBody"] = []
        return payload
    payload["MsgBody"] = stored_json(parts.body, f"message {msg_id} body", [])
    if parts.cloud_custom_data is not None:
        payload["CloudCustomData"] = parts.cloud_custom_data
    if parts.offline_push and "OfflinePushInfo" not in payload:
        payload["OfflinePushInfo"] = stored_json(
            parts.offline_push, f"message {msg_id} OfflinePushInfo", {}
        )
    return payload


async def parts(conn: AsyncConnection, msg_ids: Sequence[int]) -> dict[int, MessageParts]:
    """The content of these messages (those still stored), by id."""
    out: dict[int, MessageParts] = {}
    ids = list(dict.fromkeys(msg_ids))
    for i in range(0, len(ids), 500):
        q = select(_m.id, _m.body, _m.cloud_custom_data, _m.offline_push).where(
            _m.id.in_(ids[i : i + 500])
        )
        for mid, body, data, push in await conn.execute(q):
            out[int(mid)] = MessageParts(body, data, push)
    return out


async def _write(conn: AsyncConnection, rows: Sequence[Any]) -> int:
    """Complete and store the payloads of ``rows`` (id, payload, msg_id, body,
    cloud_custom_data, offline_push) that are slim."""
    done = []
    for row_id, payload, msg_id, body, data, push in rows:
        decoded = orjson.loads(payload)
        if not is_slim(decoded, msg_id):
            continue
        full = complete(decoded, MessageParts(body, data, push), msg_id)
        done.append({"b_id": row_id, "b_payload": orjson.dumps(full).decode()})
    if done:
        await conn.execute(
            update(callback_outbox)
            .where(_co.id == bindparam("b_id"))
            .values(payload=bindparam("b_payload")),
            done,
        )
    return len(done)


async def freeze(conn: AsyncConnection, *where: Any) -> int:
    """Before the messages matching ``where`` (conditions on ``messages``) change
    or are deleted, in the same transaction: write their content into their
    pending slim callbacks (a packed row holding one is unpacked first:
    :mod:`~palaver.storage.callback_packs`). The number of callbacks frozen."""
    from palaver.storage.callbacks import unpack_touching

    await unpack_touching(conn, *where)
    q = (
        select(_co.id, _co.payload, _co.msg_id, _m.body, _m.cloud_custom_data, _m.offline_push)
        .join_from(callback_outbox, messages, _co.msg_id == _m.id)
        .where(_co.status == PENDING, *where)
    )
    return await _write(conn, (await conn.execute(q)).all())
