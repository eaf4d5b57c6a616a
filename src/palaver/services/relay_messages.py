"""Merged forwarding (Tencent's ``createMergerMessage`` / ``downloadMergerMessage``,
cloud.tencent.com/document/product/269/2720 ``TIMRelayElem``).

A merged message is one ``TIMRelayElem`` whose ``MsgContent`` holds ``Title``,
``AbstractList``, ``CompatibleText``, ``MsgNum`` and the forwarded messages in
``MsgList``. A list too large to go inline (Tencent's web SDK uploads it when the
message's JSON passes 11 KB; Palaver's SDKs when the body would pass the 8 KB
``MsgBody`` limit) is kept here with :meth:`RelayService.save`
(``im_long_msg.save_relay_json_msg``) and the element carries its key in
``JsonMsgKey`` instead; :meth:`RelayService.load` (``get_relay_json_msg``) gives it
back. As with Tencent, the key is the only permission: anyone of the app who holds
it (whoever received the merged message) reads the list. The list is kept as sent
(the shapes the sender's SDK wrote), so every SDK reads back what it wrote.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

import orjson

from palaver.errors import Code, ImError
from palaver.limits import json_depth
from palaver.services.ports import Clock, SystemClock
from palaver.storage import Database
from palaver.storage import relay as relay_store

if TYPE_CHECKING:
    from palaver.services.apps import App

#: Most messages of one merged message (Tencent's ``createMergerMessage``: 300).
MAX_RELAY_MESSAGES = 300
#: Largest kept list, bytes of its JSON (under the 1 MiB frame of Tencent's client
#: protocol; Palaver's own protocol's 64 KB frames bound it lower there).
MAX_RELAY_BYTES = 1_000_000
#: Deepest nesting of a kept list (a merger inside a merger inside...).
MAX_RELAY_DEPTH = 64


class RelayService:
    """Message lists of merged messages, kept by key.

    Args:
        db: the database.
        clock: stamps what is kept.
    """

    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self._db = db
        self._clock = clock or SystemClock()

    async def save(self, app: App, owner: str, messages: Any) -> str:
        """Keep ``messages`` (a list of 1 to 300 message objects) and return its
        key (the ``JsonMsgKey`` of the ``TIMRelayElem`` that names it).

        Raises:
            ImError: 6017 not a list of 1..300 objects, or nested deeper than 64
                levels; 80002 its JSON is over :data:`MAX_RELAY_BYTES`.
        """
        if (
            not isinstance(messages, list)
            or not 0 < len(messages) <= MAX_RELAY_MESSAGES
            or not all(isinstance(m, dict) for m in messages)
        ):
            raise ImError(
                Code.ERR_INVALID_PARAMETERS,
                f"MsgList: 1 to {MAX_RELAY_MESSAGES} message objects",
            )
        if json_depth(messages, MAX_RELAY_DEPTH) > MAX_RELAY_DEPTH:
            raise ImError(Code.ERR_INVALID_PARAMETERS, "MsgList nested too deep")
        body = orjson.dumps(messages)
        if len(body) > MAX_RELAY_BYTES:
            raise ImError(
                Code.ERR_SVR_COMM_BODY_SIZE_LIMIT, f"MsgList over {MAX_RELAY_BYTES} bytes"
            )
        key = "relay-" + secrets.token_hex(16)
        async with self._db.write() as conn:
            await relay_store.save_relay(
                conn, app.sdkappid, key, owner, body.decode(), int(self._clock.time())
            )
        return key

    async def load(self, app: App, key: str) -> list[Any]:
        """The message list kept under ``key``, as it was saved.

        Raises:
            ImError: 20026 no list has that key in this app.
        """
        async with self._db.read() as conn:
            body = await relay_store.relay_body(conn, app.sdkappid, key) if key else None
        if body is None:
            raise ImError(Code.ERR_SVR_MSG_NOT_FOUND, "no merged message list with that key")
        out: list[Any] = orjson.loads(body)
        return out
