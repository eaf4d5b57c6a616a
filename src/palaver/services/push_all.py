"""Push to everyone: Tencent IM REST ``all_member_push`` — ``im_push`` and the
user attributes and tags its ``Condition`` selects on (``im_set_attr_name``,
``im_get_attr_name``, ``im_set_attr``, ``im_get_attr``, ``im_remove_attr``,
``im_add_tag``, ``im_get_tag``, ``im_remove_tag``, ``im_remove_all_tags``;
cloud.tencent.com/document/product/269/45934 and neighbours).

A push is a C2C message from ``From_Account`` to every account of the app (the
sender left out) or to those a condition selects: ``TagsOr`` / ``TagsAnd`` (any
/ all of these tags) or ``AttrsOr`` / ``AttrsAnd`` (any / all of these
attribute values), tags and attributes not mixed.  It is answered with a
``TaskId`` at once; the messages go out in the background, one after the
other, kept out of the sender's own conversations, at most
:data:`MAX_TARGETS` per push.  ``MsgLifeTime`` 0 (the default) reaches only
who is online.

Limits: :data:`MAX_ATTRS` attribute names (slots 0..9), :data:`MAX_TAGS`
tags per user, names, values and tags up to :data:`MAX_NAME_BYTES` bytes,
:data:`MAX_USERS` users per call.  Bad requests get :class:`ImError` 90001
(90048 an unknown sender; the MsgBody codes of ``sendmsg``); accounts that do
not exist are answered per user with 70107.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from palaver.errors import ImError
from palaver.msgbody import validate_msg_body
from palaver.services.messages import MAX_LIFETIME, MessageService, SendOptions
from palaver.storage import Database
from palaver.storage import accounts as account_store
from palaver.storage import push_targets as push_store

if TYPE_CHECKING:
    from palaver.services.apps import App

log = logging.getLogger("palaver.push_all")

MAX_ATTRS = 10  # attribute names per app (slots 0..9)
MAX_TAGS = 10  # tags per user
MAX_NAME_BYTES = 50  # an attribute name or value, a tag
MAX_USERS = 100  # users per attribute/tag call
MAX_TARGETS = 100_000  # users one push reaches at most
PAGE = 1000  # accounts read at a time
BAD = 90001  # invalid request
NOT_AN_ACCOUNT = 70107
BAD_SENDER = 90048


def _bad(info: str) -> ImError:
    return ImError(BAD, info)


def _short(kind: str, value: Any) -> str:
    if not isinstance(value, str) or not value or len(value.encode()) > MAX_NAME_BYTES:
        raise _bad(f"{kind} must be a string of 1..{MAX_NAME_BYTES} bytes")
    return value


@dataclass(frozen=True)
class Condition:
    """Who a push goes to (all empty: everyone)."""

    tags_or: tuple[str, ...] = ()
    tags_and: tuple[str, ...] = ()
    attrs_or: Mapping[str, str] = field(default_factory=dict)
    attrs_and: Mapping[str, str] = field(default_factory=dict)

    def check(self) -> None:
        """Raise 90001 when tags and attributes are mixed or a value is bad."""
        if (self.tags_or or self.tags_and) and (self.attrs_or or self.attrs_and):
            raise _bad("Condition: tags and attributes cannot be combined")
        for t in (*self.tags_or, *self.tags_and):
            _short("a tag", t)
        for n, v in (*self.attrs_or.items(), *self.attrs_and.items()):
            _short("an attribute name", n)
            _short("an attribute value", v)

    @property
    def empty(self) -> bool:
        """True when the push goes to everyone."""
        return not (self.tags_or or self.tags_and or self.attrs_or or self.attrs_and)

    def matches(self, tags: Sequence[str], attrs: Mapping[str, str]) -> bool:
        """Whether a user with ``tags`` and ``attrs`` is selected."""
        if self.tags_or and not set(self.tags_or) & set(tags):
            return False
        if self.tags_and and not set(self.tags_and) <= set(tags):
            return False
        if self.attrs_or and not any(attrs.get(n) == v for n, v in self.attrs_or.items()):
            return False
        return all(attrs.get(n) == v for n, v in self.attrs_and.items())


class PushToEveryone:
    """Pushes, attribute names, user attributes and tags of every app.

    Args:
        db: the database.
        messages: sends the pushed C2C messages.
    """

    def __init__(self, db: Database, messages: MessageService) -> None:
        self._db = db
        self._messages = messages
        self._tasks: set[asyncio.Task[None]] = set()

    # ---------------------------------------------------------------- names

    async def set_attr_names(self, app: App, names: Mapping[str, str]) -> None:
        """``im_set_attr_name``: ``{"0": name, ... "9": name}``. Raises 90001
        for a slot outside 0..9, a bad name or a name used by another slot."""
        slots: dict[int, str] = {}
        for k, v in names.items():
            if not (k.isdigit() and 0 <= int(k) < MAX_ATTRS):
                raise _bad(f'AttrNames keys are "0".."{MAX_ATTRS - 1}"')
            slots[int(k)] = _short("an attribute name", v)
        async with self._db.write() as conn:
            merged = await push_store.attr_names(conn, app.sdkappid) | slots
            if len(set(merged.values())) != len(merged):
                raise _bad("two attribute slots would have the same name")
            await push_store.set_attr_names(conn, app.sdkappid, slots)

    async def attr_names(self, app: App) -> dict[str, str]:
        """``im_get_attr_name``: ``{"0": name, ...}``."""
        async with self._db.read() as conn:
            names = await push_store.attr_names(conn, app.sdkappid)
        return {str(k): v for k, v in sorted(names.items())}

    # ------------------------------------------------------------ attributes

    async def _accounts(self, app: App, users: Sequence[str]) -> set[str]:
        if not users or len(users) > MAX_USERS:
            raise _bad(f"1..{MAX_USERS} users per call")
        async with self._db.read() as conn:
            return await account_store.existing(conn, app.sdkappid, list(users))

    async def set_attrs(self, app: App, items: Mapping[str, Mapping[str, str]]) -> list[str]:
        """``im_set_attr``: ``{user: {name: value}}`` (names must be named
        first, ``im_set_attr_name``); the users that are not accounts."""
        have = await self._accounts(app, list(items))
        async with self._db.write() as conn:
            known = set((await push_store.attr_names(conn, app.sdkappid)).values())
            for user, attrs in items.items():
                for n, v in attrs.items():
                    if n not in known:
                        raise _bad(f"attribute {n!r} is not named (im_set_attr_name)")
                    _short("an attribute value", v)
                if user in have:
                    await push_store.set_user_attrs(conn, app.sdkappid, user, attrs)
        return [u for u in items if u not in have]

    async def remove_attrs(self, app: App, items: Mapping[str, Sequence[str]]) -> list[str]:
        """``im_remove_attr``: ``{user: [name...]}``; the users that are not accounts."""
        have = await self._accounts(app, list(items))
        async with self._db.write() as conn:
            for user, names in items.items():
                if user in have:
                    await push_store.remove_user_attrs(conn, app.sdkappid, user, list(names))
        return [u for u in items if u not in have]

    async def attrs(
        self, app: App, users: Sequence[str]
    ) -> tuple[dict[str, dict[str, str]], list[str]]:
        """``im_get_attr``: each account's attributes, and the users that are not accounts."""
        have = await self._accounts(app, users)
        async with self._db.read() as conn:
            found = await push_store.user_attrs(conn, app.sdkappid, [u for u in users if u in have])
        return {u: found.get(u, {}) for u in users if u in have}, [
            u for u in users if u not in have
        ]

    # ------------------------------------------------------------------ tags

    async def add_tags(self, app: App, items: Mapping[str, Sequence[str]]) -> list[str]:
        """``im_add_tag``: ``{user: [tag...]}``; 90001 when a user would have
        more than 10 tags or a tag is bad; the users that are not accounts."""
        have = await self._accounts(app, list(items))
        async with self._db.write() as conn:
            current = await push_store.user_tags(
                conn, app.sdkappid, [u for u in items if u in have]
            )
            for user, tags in items.items():
                for t in tags:
                    _short("a tag", t)
                if user not in have:
                    continue
                if len(set(current.get(user, [])) | set(tags)) > MAX_TAGS:
                    raise _bad(f"a user has at most {MAX_TAGS} tags")
                await push_store.add_user_tags(conn, app.sdkappid, user, list(dict.fromkeys(tags)))
        return [u for u in items if u not in have]

    async def remove_tags(self, app: App, items: Mapping[str, Sequence[str] | None]) -> list[str]:
        """``im_remove_tag`` (``{user: [tag...]}``) and ``im_remove_all_tags``
        (``{user: None}``); the users that are not accounts."""
        have = await self._accounts(app, list(items))
        async with self._db.write() as conn:
            for user, tags in items.items():
                if user in have:
                    await push_store.remove_user_tags(
                        conn, app.sdkappid, user, None if tags is None else list(tags)
                    )
        return [u for u in items if u not in have]

    async def tags(self, app: App, users: Sequence[str]) -> tuple[dict[str, list[str]], list[str]]:
        """``im_get_tag``: each account's tags, and the users that are not accounts."""
        have = await self._accounts(app, users)
        async with self._db.read() as conn:
            found = await push_store.user_tags(conn, app.sdkappid, [u for u in users if u in have])
        return {u: found.get(u, []) for u in users if u in have}, [
            u for u in users if u not in have
        ]

    # ------------------------------------------------------------------ push

    async def targets(self, app: App, sender: str, condition: Condition) -> list[str]:
        """The accounts ``condition`` selects (not ``sender``), at most MAX_TARGETS."""
        out: list[str] = []
        after = ""
        async with self._db.read() as conn:
            while len(out) < MAX_TARGETS:
                page = await push_store.account_page(conn, app.sdkappid, after, PAGE)
                if not page:
                    break
                after = page[-1]
                if condition.empty:
                    chosen = page
                else:
                    tags = await push_store.user_tags(conn, app.sdkappid, page)
                    attrs = await push_store.user_attrs(conn, app.sdkappid, page)
                    chosen = [
                        u for u in page if condition.matches(tags.get(u, []), attrs.get(u, {}))
                    ]
                out.extend(u for u in chosen if u != sender)
        return out[:MAX_TARGETS]

    async def push(
        self,
        app: App,
        sender: str,
        random: int,
        body: Any,
        *,
        lifetime: int = 0,
        condition: Condition | None = None,
    ) -> tuple[str, list[str]]:
        """``im_push``: start a push; its ``TaskId`` and the users it goes to.

        Raises:
            ImError: 90001 a bad condition or lifetime; 90048 ``sender`` is not
                an account; 90007/90002/80002 a bad MsgBody.
        """
        condition = condition or Condition()
        condition.check()
        if not 0 <= lifetime <= MAX_LIFETIME:
            raise _bad(f"MsgLifeTime is 0..{MAX_LIFETIME} seconds")
        body = validate_msg_body(body)
        async with self._db.read() as conn:
            if not await account_store.existing(conn, app.sdkappid, [sender]):
                raise ImError(BAD_SENDER, f"sender {sender!r} is not an imported account")
        targets = await self.targets(app, sender, condition)
        task_id = uuid.uuid4().hex
        opts = SendOptions(lifetime=lifetime, check_relations=False, sync_other_machine=2)

        async def run() -> None:
            for user in targets:
                try:
                    await self._messages.send_c2c(app, sender, user, body, random, opts)
                except ImError as exc:  # one receiver's trouble does not stop the push
                    log.warning("push %s to %s failed: %s %s", task_id, user, exc.code, exc.info)

        task = asyncio.create_task(run(), name=f"push-all-{task_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task_id, targets

    async def settled(self) -> None:
        """Wait until the pushes under way are done."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def close(self) -> None:
        """Stop the pushes under way (what was sent stays sent)."""
        for task in self._tasks:
            task.cancel()
        await self.settled()
