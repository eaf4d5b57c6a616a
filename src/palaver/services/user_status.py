"""User status: the SDK's ``getUserStatus``, ``setSelfStatus``,
``subscribeUserStatus``, ``unsubscribeUserStatus`` and ``USER_STATUS_UPDATED``
(Tencent ``im_open_status.ws_get_user_status``, ``ws_set_custom_status``,
``ws_status_subscribe``, ``ws_status_unsubscribe``).

A user is online (``statusType`` 1) while they have a connection on any node
(the ``Presence`` port, cluster-wide with Redis), else offline (2); each user
may set a custom status (at most :data:`MAX_CUSTOM_STATUS_BYTES`), kept until
changed.  Whoever subscribed to a user gets ``USER_STATUS_UPDATED`` when the
user logs in, logs out or drops their last connection, and when they change
their custom status; the user's own devices get their custom-status changes
too.  Subscriptions are stored (they outlive sessions) and at most
:data:`MAX_SUBSCRIPTIONS` per user; a call names at most :data:`MAX_BATCH` users.

Errors are :class:`~palaver.errors.ImError`: 6017 bad arguments; per user,
70107 not an account (as REST ``query_online_status``).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from palaver.errors import Code, ImError
from palaver.model.events import UserStatus, UserStatusChanged
from palaver.services.ports import Presence, Publisher
from palaver.storage import Database
from palaver.storage import accounts as account_store
from palaver.storage import people as people_store

if TYPE_CHECKING:
    from palaver.services.apps import App

ONLINE, OFFLINE = 1, 2  # TencentCloudChat.TYPES.USER_STATUS_ONLINE / _OFFLINE
MAX_CUSTOM_STATUS_BYTES = 100
MAX_BATCH = 500  # users per call (Tencent's SDK asks for at most 500)
MAX_SUBSCRIPTIONS = 200  # users one user may follow
NOT_AN_ACCOUNT = 70107


@dataclass(frozen=True)
class StatusFailure:
    """A user a call could not handle: ``code`` 70107 not an account."""

    user_id: str
    code: int
    info: str


class UserStatusService:
    """User status of every app.

    Args:
        db: the database.
        publisher: pushes ``USER_STATUS_UPDATED``.
        presence: who is online (on every node).
    """

    def __init__(self, db: Database, publisher: Publisher, presence: Presence) -> None:
        self._db = db
        self._publisher = publisher
        self._presence = presence

    @staticmethod
    def _check_batch(users: Sequence[str]) -> list[str]:
        if not users or len(users) > MAX_BATCH:
            raise ImError(Code.ERR_INVALID_PARAMETERS, f"userIDList needs 1..{MAX_BATCH} users")
        return list(dict.fromkeys(users))

    async def _split(self, app: App, users: Sequence[str]) -> tuple[list[str], list[StatusFailure]]:
        async with self._db.read() as conn:
            have = await account_store.existing(conn, app.sdkappid, list(users))
        return [u for u in users if u in have], [
            StatusFailure(u, NOT_AN_ACCOUNT, "account does not exist")
            for u in users
            if u not in have
        ]

    async def statuses(self, app: App, users: Sequence[str]) -> list[UserStatus]:
        """The status of each of ``users`` (accounts), in order."""
        online = await self._presence.online(app.sdkappid, list(users))
        async with self._db.read() as conn:
            custom = await people_store.custom_statuses(conn, app.sdkappid, users)
        return [
            UserStatus(u, ONLINE if online.get(u) else OFFLINE, custom.get(u, "")) for u in users
        ]

    async def get(
        self, app: App, users: Sequence[str]
    ) -> tuple[list[UserStatus], list[StatusFailure]]:
        """``getUserStatus``: the status of ``users``, and those not accounts (70107).

        Raises:
            ImError: 6017 no users or more than 500.
        """
        found, failed = await self._split(app, self._check_batch(users))
        return await self.statuses(app, found), failed

    async def set_custom(self, app: App, user: str, custom_status: str) -> UserStatus:
        """``setSelfStatus``: set (or, with "", clear) ``user``'s custom status;
        their subscribers and their own devices get ``USER_STATUS_UPDATED``.

        Raises:
            ImError: 6017 over 100 bytes.
        """
        if len(custom_status.encode()) > MAX_CUSTOM_STATUS_BYTES:
            raise ImError(
                Code.ERR_INVALID_PARAMETERS,
                f"customStatus is longer than {MAX_CUSTOM_STATUS_BYTES} bytes",
            )
        async with self._db.write() as conn:
            await people_store.set_custom_status(
                conn, app.sdkappid, user, custom_status, int(time.time())
            )
        [status] = await self.statuses(app, [user])
        await self._tell(app, status, also_self=True)
        return status

    async def subscribe(self, app: App, user: str, targets: Sequence[str]) -> list[StatusFailure]:
        """``subscribeUserStatus``: follow ``targets``' status; the ones that
        are not accounts (70107).

        Raises:
            ImError: 6017 no users, more than 500, or more than 200 followed in all.
        """
        found, failed = await self._split(app, self._check_batch(targets))
        async with self._db.write() as conn:
            await people_store.subscribe_status(conn, app.sdkappid, user, found, int(time.time()))
            n = await people_store.count_status_subscriptions(conn, app.sdkappid, user)
            if n > MAX_SUBSCRIPTIONS:
                raise ImError(
                    Code.ERR_INVALID_PARAMETERS,
                    f"a user follows the status of at most {MAX_SUBSCRIPTIONS} users",
                )
        return failed

    async def unsubscribe(
        self, app: App, user: str, targets: Sequence[str] | None
    ) -> list[StatusFailure]:
        """``unsubscribeUserStatus``: stop following ``targets`` (``None`` or
        empty: everyone); the ones that are not accounts (70107).

        Raises:
            ImError: 6017 more than 500 users.
        """
        failed: list[StatusFailure] = []
        found: list[str] | None = None
        if targets:
            found, failed = await self._split(app, self._check_batch(targets))
        async with self._db.write() as conn:
            await people_store.unsubscribe_status(conn, app.sdkappid, user, found)
        return failed

    async def changed(self, app: App, user: str, subscribers: list[str] | None = None) -> None:
        """``user`` logged in or out or lost a connection: tell their subscribers
        (``subscribers``: already read, by the login's read; ``None``: read them).

        Every login and every disconnect comes here, and most users have no
        subscriber: one read finds that out, and only then is the status read."""
        await self._presence.settle(app.sdkappid, user)
        to = subscribers
        if to is None:
            to = await self._db.run_read(people_store.status_subscribers_sync, app.sdkappid, user)
        if to:
            [status] = await self.statuses(app, [user])
            await self._notify(app, to, status)

    async def _tell(self, app: App, status: UserStatus, *, also_self: bool) -> None:
        async with self._db.read() as conn:
            to = await people_store.status_subscribers(conn, app.sdkappid, status.user_id)
        if also_self:
            to.append(status.user_id)
        if to:
            await self._notify(app, to, status)

    async def _notify(self, app: App, to: list[str], status: UserStatus) -> None:
        """``USER_STATUS_UPDATED`` with ``status`` to the users ``to`` (each once)."""
        await self._publisher.notice(
            app.sdkappid, list(dict.fromkeys(to)), UserStatusChanged((status,))
        )
