"""Message extensions (Tencent's ``setMessageExtensions``, ``getMessageExtensions``,
``deleteMessageExtensions``, ``MESSAGE_EXTENSIONS_UPDATED`` /
``MESSAGE_EXTENSIONS_DELETED``; REST ``openim_msg_ext_http_svc`` ``set_key_values``,
``get_key_values``, ``group_set_key_values``, ``group_get_key_values``;
cloud.tencent.com/document/product/269/50865, trtc.io/document/51195).

A message sent with ``isSupportExtension`` (REST ``SupportMessageExtension`` 1)
carries key-value pairs any participant may set: both parties of a C2C
conversation, the members of a group (not an AVChatRoom). Every write bumps the
message's extension sequence; each key keeps the sequence of its last write and a
writer names the sequence it saw (0 for a key it believes new): a stale one is
refused for that key with 23001 and the key as it is now, so concurrent writers
never overwrite each other unseen. Deleted keys stay as empty tombstones (their
sequence moves on), so a delete conflicts the same way. Each change reaches
everyone online in the conversation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from palaver.errors import Code, ImError
from palaver.model.events import ExtensionsChanged
from palaver.model.messages import MessageRecord
from palaver.services.ports import Publisher
from palaver.storage import Database
from palaver.storage import message_extensions as ext_store

if TYPE_CHECKING:
    from palaver.services.apps import App

#: Longest key, in UTF-8 bytes.
MAX_KEY_BYTES = 100
#: Longest value, in UTF-8 bytes.
MAX_VALUE_BYTES = 1024
#: Most keys written or deleted by one call.
MAX_PER_CALL = 20
#: Most keys on one message.
MAX_KEYS = 300

OK = 0


@dataclass(frozen=True, slots=True)
class ExtResult:
    """One key of a write: ``code`` 0 (done) or 23001 (stale ``seq``: ``value``
    and ``seq`` are the key as it is now)."""

    code: int
    key: str
    value: str
    seq: int


@dataclass(frozen=True, slots=True)
class Extensions:
    """A message's extensions: ``items`` ``(key, value, seq)`` (values not empty),
    its extension sequence and the sequence a clear-all reached."""

    items: list[tuple[str, str, int]]
    global_seq: int
    clear_seq: int


def _check_items(items: Sequence[tuple[str, str, int]], deleting: bool) -> None:
    if not 0 < len(items) <= MAX_PER_CALL:
        raise ImError(Code.ERR_INVALID_PARAMETERS, f"1..{MAX_PER_CALL} extensions per call")
    for key, value, seq in items:
        if not 0 < len(key.encode()) <= MAX_KEY_BYTES:
            raise ImError(Code.ERR_INVALID_PARAMETERS, f"key: 1..{MAX_KEY_BYTES} bytes")
        if not deleting and not 0 < len(value.encode()) <= MAX_VALUE_BYTES:
            raise ImError(Code.ERR_INVALID_PARAMETERS, f"value: 1..{MAX_VALUE_BYTES} bytes")
        if seq < 0:
            raise ImError(Code.ERR_INVALID_PARAMETERS, "seq: 0 or more")
    if len({k for k, _, _ in items}) != len(items):
        raise ImError(Code.ERR_INVALID_PARAMETERS, "a key appears twice")


def _apply(
    now: dict[str, tuple[str, int]],
    items: Sequence[tuple[str, str, int]],
    op: str,
    new_seq: int,
) -> list[ExtResult]:
    """What a write or delete of ``items`` does to the keys ``now``."""
    results: list[ExtResult] = []
    live = sum(1 for v, _ in now.values() if v)
    for key, value, seq in items:
        cur_value, cur_seq = now.get(key, ("", 0))
        if key in now and seq != cur_seq:
            results.append(ExtResult(Code.ERR_SVR_MSG_EXTENSION_CONFLICT, key, cur_value, cur_seq))
            continue
        stored = value if op == "set" else ""
        if stored and not cur_value:
            live += 1
            if live > MAX_KEYS:
                raise ImError(Code.ERR_INVALID_PARAMETERS, f"at most {MAX_KEYS} keys on a message")
        results.append(ExtResult(OK, key, stored, new_seq))
    return results


class ExtensionService:
    """Key-value extensions of stored messages, and their pushes.

    Args:
        db: the database.
        publisher: pushes the changes.
    """

    def __init__(self, db: Database, publisher: Publisher) -> None:
        self._db = db
        self._publisher = publisher

    @staticmethod
    def _usable(msg: MessageRecord) -> None:
        if msg.is_recalled:
            raise ImError(Code.ERR_SVR_MSG_NOT_FOUND, "the message was recalled")
        if not msg.supports_extension:
            raise ImError(
                Code.ERR_INVALID_PARAMETERS,
                "the message was not sent with isSupportExtension (SupportMessageExtension 1)",
            )

    async def write(
        self, app: App, msg: MessageRecord, items: Sequence[tuple[str, str, int]]
    ) -> tuple[list[ExtResult], int]:
        """Set (or add) ``items`` ``(key, value, seq seen)`` on ``msg`` (the caller
        checked it is in the writer's conversations); the results per key and the
        message's extension sequence after. Keys written are pushed.

        Raises:
            ImError: 6017 no items or more than 20, a key of 0 or over 100 bytes, a
                value of 0 or over 1 KB, a key twice, more than 300 keys on the
                message, or a message not sent with ``isSupportExtension``; 20026
                the message was recalled.
        """
        _check_items(items, False)
        return await self._change(app, msg, items, "set")

    async def delete(
        self, app: App, msg: MessageRecord, items: Sequence[tuple[str, str, int]] | None
    ) -> tuple[list[ExtResult], int]:
        """Delete the keys ``items`` ``(key, _, seq seen)`` (``None``: every key);
        errors as :meth:`write`."""
        if items is not None:
            _check_items(items, True)
        return await self._change(app, msg, items, "delete" if items is not None else "clear")

    async def _change(
        self,
        app: App,
        msg: MessageRecord,
        items: Sequence[tuple[str, str, int]] | None,
        op: str,
    ) -> tuple[list[ExtResult], int]:
        self._usable(msg)
        sid, mid = app.sdkappid, msg.id
        async with self._db.write() as conn:
            await ext_store.lock(conn, sid, mid)
            global_seq, clear_seq = await ext_store.head(conn, sid, mid)
            now = {k: (v, s) for k, v, s in await ext_store.items(conn, sid, mid)}
            new_seq = global_seq + 1
            if items is None:
                results: list[ExtResult] = []
                done = [(k, "", new_seq) for k, (v, _) in now.items() if v]
                clear_seq = new_seq
                await ext_store.clear(conn, sid, mid)
            else:
                results = _apply(now, items, op, new_seq)
                done = [(r.key, r.value, r.seq) for r in results if r.code == OK]
                for key, value, seq in done:
                    await ext_store.put(conn, sid, mid, key, value, seq)
            if done or items is None:
                await ext_store.set_head(conn, sid, mid, new_seq, clear_seq)
        if not done and items is not None:
            return results, global_seq
        await self._push(app, msg, op, done, new_seq, clear_seq)
        return results, new_seq

    async def read(self, app: App, msg: MessageRecord, after_seq: int = 0) -> Extensions:
        """``msg``'s extensions written after ``after_seq`` (0: all). Raises
        ImError 6017 / 20026 as :meth:`write`."""
        self._usable(msg)
        async with self._db.read() as conn:
            global_seq, clear_seq = await ext_store.head(conn, app.sdkappid, msg.id)
            found = await ext_store.items(conn, app.sdkappid, msg.id, after_seq)
        return Extensions([i for i in found if i[1]], global_seq, clear_seq)

    async def _push(
        self,
        app: App,
        msg: MessageRecord,
        op: str,
        items: list[tuple[str, str, int]],
        global_seq: int,
        clear_seq: int,
    ) -> None:
        def notice(conversation_id: str) -> ExtensionsChanged:
            return ExtensionsChanged(msg, conversation_id, op, tuple(items), global_seq, clear_seq)

        if msg.group_id is not None:
            await self._publisher.group_notice(
                app.sdkappid, msg.group_id, notice("GROUP" + msg.group_id)
            )
            return
        for viewer, peer in ((msg.sender, msg.receiver), (msg.receiver, msg.sender)):
            await self._publisher.notice(app.sdkappid, [viewer], notice("C2C" + peer))
            if viewer == peer:
                break
