"""Group attributes and group counters: small key/value data of a group that every
member (every user in an AVChatRoom) reads and writes, pushed to the group when it
changes.

Follows ``@tencentcloud/chat`` ``initGroupAttributes``, ``setGroupAttributes``,
``deleteGroupAttributes``, ``getGroupAttributes`` (event
``GROUP_ATTRIBUTES_UPDATED``) and ``setGroupCounters``, ``increaseGroupCounter``,
``decreaseGroupCounter``, ``getGroupCounters`` (``GROUP_COUNTER_UPDATED``), and
their servcmds ``set_group_attr``, ``modify_group_attr``, ``delete_group_attr``,
``clear_group_attr``, ``get_group_attr``, ``update_group_counter``,
``get_group_counter``.

Limits are Tencent's: at most 16 attributes, keys up to 32 bytes, values up to
4,000 bytes, 16,000 bytes in all; at most 20 counters, keys up to 128 bytes,
values signed 64-bit. Writes with a ``seen`` sequence (the SDK's ``RaceConflict``
control) fail with 10056 when another write came first: read again, then write.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from palaver.errors import Code, ImError
from palaver.model.events import GroupAttributesChanged, GroupCountersChanged
from palaver.services.groups.directory import GroupDirectory
from palaver.services.groups.model import Group
from palaver.services.ports import Audience, Publisher
from palaver.storage import Database
from palaver.storage import group_extras as group_extras_store

if TYPE_CHECKING:
    from palaver.services.apps import App

MAX_ATTRIBUTES = 16
ATTRIBUTE_KEY_BYTES = 32
ATTRIBUTE_VALUE_BYTES = 4000
ATTRIBUTES_BYTES = 16000
MAX_COUNTERS = 20
COUNTER_KEY_BYTES = 128
INT64 = (1 << 63) - 1
#: Tencent's code for a write based on an outdated attribute sequence.
ERR_ATTRIBUTE_CONFLICT = 10056
COUNTER_MODES = ("Set", "Increase", "Decrease")


def _bad(info: str) -> ImError:
    return ImError(Code.ERR_SVR_GROUP_INVALID_PARAMETERS, info)


def _check_key(key: str, size: int) -> None:
    if not key or len(key.encode()) > size:
        raise _bad(f"keys are 1 to {size} bytes: {key[:40]!r}")


class _Access:
    """Who may read and write a group's attributes and counters."""

    def __init__(self, directory: GroupDirectory, audience: Audience | None) -> None:
        self._directory = directory
        self._audience = audience

    async def check(self, app: App, group_id: str, user: str | None) -> Group:
        """The group, if ``user`` may use its attributes (``None``: an App admin).
        Raises ImError 10010 no group; 10007 not a member (AVChatRoom: not in the
        room)."""
        group = await self._directory.get(app, group_id)
        if user is None:
            return group
        if group.type == "AVChatRoom":
            if self._audience is None or user in self._audience.group_users(app.sdkappid, group_id):
                return group
            raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, "join the live room first")
        if await self._directory.member(app, group_id, user) is None:
            raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, "not a member of the group")
        return group


class GroupAttributes:
    """Attributes of every group.

    Args:
        db: the database.
        directory: groups and memberships.
        publisher: pushes ``GROUP_ATTRIBUTES_UPDATED`` to the group.
        audience: who is in a live room on this node (AVChatRoom access).
    """

    def __init__(
        self,
        db: Database,
        directory: GroupDirectory,
        publisher: Publisher,
        audience: Audience | None = None,
    ) -> None:
        self._db = db
        self._access = _Access(directory, audience)
        self._publisher = publisher

    async def get(
        self, app: App, user: str | None, group_id: str, keys: list[str] | None = None
    ) -> tuple[int, dict[str, str]]:
        """(sequence, ``{key: value}``; ``keys`` only when given). Errors as :meth:`write`."""
        await self._access.check(app, group_id, user)
        async with self._db.read() as conn:
            seq, attrs = await group_extras_store.attributes(conn, app.sdkappid, group_id)
        if keys:
            attrs = {k: attrs[k] for k in keys if k in attrs}
        return seq, attrs

    async def write(
        self,
        app: App,
        user: str | None,
        group_id: str,
        op: str,
        values: Mapping[str, str] | None = None,
        keys: list[str] | None = None,
        seen: int | None = None,
    ) -> tuple[int, dict[str, str]]:
        """Change the attributes; (new sequence, every attribute now). ``op``:
        ``init`` (replace them all with ``values``), ``set`` (add or change
        ``values``), ``delete`` (``keys``) or ``clear``. ``user`` ``None``: an App
        admin. ``seen``: the sequence the writer last read (``None``: no check).

        Raises:
            ImError: 10010 no group; 10007 not a member (AVChatRoom: not in the
                room); 10004 an empty or too long key or value, too many or too
                much; 10056 ``seen`` is not the sequence now.
        """
        await self._access.check(app, group_id, user)
        values = dict(values or {})
        for k, v in values.items():
            _check_key(k, ATTRIBUTE_KEY_BYTES)
            if len(v.encode()) > ATTRIBUTE_VALUE_BYTES:
                raise _bad(f"attribute {k!r}: values are at most {ATTRIBUTE_VALUE_BYTES} bytes")
        async with self._db.write() as conn:
            seq, old = await group_extras_store.attributes(conn, app.sdkappid, group_id)
            if seen is not None and seen != seq:
                raise ImError(
                    ERR_ATTRIBUTE_CONFLICT, "the group attributes changed: get them again first"
                )
            new = _apply(op, old, values, keys or [])
            if not await group_extras_store.advance_attributes(conn, app.sdkappid, group_id, seq):
                raise ImError(
                    ERR_ATTRIBUTE_CONFLICT, "the group attributes changed: get them again first"
                )
            gone = [k for k in old if k not in new]
            if gone:
                await group_extras_store.drop_attributes(conn, app.sdkappid, group_id, gone)
            changed = {k: v for k, v in new.items() if old.get(k) != v}
            await group_extras_store.put_attributes(conn, app.sdkappid, group_id, changed)
        notice = GroupAttributesChanged(
            group_id,
            op,
            seq + 1,
            tuple(new.items()),
            changed=tuple(changed) if op != "init" else tuple(new),
            deleted=tuple(gone),
        )
        await self._publisher.group_notice(app.sdkappid, group_id, notice)
        return seq + 1, new


def _apply(op: str, old: dict[str, str], values: dict[str, str], keys: list[str]) -> dict[str, str]:
    """The attributes after ``op``; raises ImError 10004 past the limits."""
    if op == "init":
        new = dict(values)
    elif op == "set":
        new = {**old, **values}
    elif op == "delete":
        new = {k: v for k, v in old.items() if k not in keys}
    elif op == "clear":
        new = {}
    else:
        raise _bad(f"unknown attribute operation {op!r}")
    if len(new) > MAX_ATTRIBUTES:
        raise _bad(f"a group has at most {MAX_ATTRIBUTES} attributes")
    if sum(len(k.encode()) + len(v.encode()) for k, v in new.items()) > ATTRIBUTES_BYTES:
        raise _bad(f"a group's attributes are at most {ATTRIBUTES_BYTES} bytes in all")
    return dict(sorted(new.items()))


class GroupCounters:
    """Counters of every group.

    Args:
        db: the database.
        directory: groups and memberships.
        publisher: pushes ``GROUP_COUNTER_UPDATED`` to the group.
        audience: who is in a live room on this node (AVChatRoom access).
    """

    def __init__(
        self,
        db: Database,
        directory: GroupDirectory,
        publisher: Publisher,
        audience: Audience | None = None,
    ) -> None:
        self._db = db
        self._access = _Access(directory, audience)
        self._publisher = publisher

    async def get(
        self, app: App, user: str | None, group_id: str, keys: list[str] | None = None
    ) -> tuple[int, dict[str, int]]:
        """(sequence, ``{key: value}``; ``keys`` only when given, missing ones left
        out). Errors as :meth:`update`."""
        await self._access.check(app, group_id, user)
        async with self._db.read() as conn:
            return await group_extras_store.counters(conn, app.sdkappid, group_id, keys or None)

    async def update(
        self, app: App, user: str | None, group_id: str, mode: str, values: Mapping[str, int]
    ) -> tuple[int, dict[str, int]]:
        """``mode`` ``Set`` the counters to ``values``, or ``Increase`` /
        ``Decrease`` them by ``values`` (a missing counter starts at 0); (new
        sequence, the new values of these counters). ``user`` ``None``: an App admin.

        Raises:
            ImError: 10010 no group; 10007 not a member (AVChatRoom: not in the
                room); 10004 an empty or too long key, an unknown mode, a value
                past signed 64 bits, more than 20 counters.
        """
        if mode not in COUNTER_MODES:
            raise _bad(f"mode is one of {', '.join(COUNTER_MODES)}")
        if not values:
            raise _bad("no counters given")
        for k, v in values.items():
            _check_key(k, COUNTER_KEY_BYTES)
            if not -INT64 - 1 <= v <= INT64 or (mode != "Set" and v < 0):
                raise _bad(f"counter {k!r}: bad value {v}")
        await self._access.check(app, group_id, user)
        sign = -1 if mode == "Decrease" else 1
        async with self._db.write() as conn:
            _, now = await group_extras_store.counters(conn, app.sdkappid, group_id)
            if len(set(now) | set(values)) > MAX_COUNTERS:
                raise _bad(f"a group has at most {MAX_COUNTERS} counters")
            out: dict[str, int] = {}
            if mode == "Set":
                await group_extras_store.put_counters(conn, app.sdkappid, group_id, values)
                out = dict(values)
            else:
                for k, v in values.items():
                    if not -INT64 - 1 <= now.get(k, 0) + sign * v <= INT64:
                        raise _bad(f"counter {k!r} would overflow")
                    out[k] = await group_extras_store.add_counter(
                        conn, app.sdkappid, group_id, k, sign * v
                    )
            seq = await group_extras_store.add_counter(
                conn, app.sdkappid, group_id, group_extras_store.SEQ_KEY, 1
            )
        notice = GroupCountersChanged(group_id, seq, tuple(out.items()))
        await self._publisher.group_notice(app.sdkappid, group_id, notice)
        return seq, out
