"""Sessions: who may log in, who gets kicked, and where a client's streams resume.

Both client protocols (Palaver's ``/ws`` and Tencent's) log in through here:

1. :meth:`SessionService.authenticate` checks the app, the UserSig and the
   account (Tencent's login errors).
2. The API layer binds the connection to the real-time layer (it now receives
   live pushes), then :meth:`SessionService.open` kicks the user's other
   connections as the app's ``login_policy`` says.
3. :meth:`SessionService.plan` reads where each stream resumes
   (docs/protocol.md §3.1 and §8.1): the user's stream from the client's
   cursor, each group's stream from its cursor, bounded by what is kept.

:meth:`SessionService.login` is 2 and 3 with one read from storage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from palaver.errors import Code, ImError
from palaver.model.callbacks import STATE_CHANGE
from palaver.protocol.tencent import ids
from palaver.services.accounts import voided_by_kick
from palaver.services.groups.reads import stream_positions
from palaver.services.ports import Publisher
from palaver.services.user_status import UserStatusService
from palaver.storage import Database
from palaver.storage import login_reads as login_store

if TYPE_CHECKING:
    from palaver.services.accounts import AccountService
    from palaver.services.apps import App, AppService
    from palaver.services.callbacks import CallbackService

#: Most missed messages of one group replayed at login (docs/protocol.md §8.1).
GROUP_REPLAY_LIMIT = 200


@dataclass(frozen=True)
class Authenticated:
    """Who logged in: the app, the user, and the validity of the credential
    (unix s: ``issued``, and ``expires``, when the UserSig stops working)."""

    app: App
    user_id: str
    issued: int
    expires: int


@dataclass(frozen=True)
class LoginPlan:
    """Where a logged-in client's streams resume.

    Attributes:
        head: the newest ``seq`` of the user's stream at login.
        cursor: deliver the user's stream after this ``seq``.
        resync: the client was away longer than events are kept: it resumes at
            ``head`` and must refetch conversations (``sync_done.resync``).
        group_cursors: deliver each group's stream after this ``MsgSeq``.
        truncated: groups whose backlog was cut to :data:`GROUP_REPLAY_LIMIT`.
    """

    head: int
    cursor: int
    resync: bool
    group_cursors: dict[str, int] = field(default_factory=dict)
    truncated: list[str] = field(default_factory=list)

    @property
    def at_head(self) -> bool:
        """The user's stream resumes at its head as read (a new client, or one that
        has everything): nothing to read from storage but what comes after
        (``Connection.start_stream(at_head=...)``)."""
        return self.cursor == self.head


class SessionService:
    """Login, kick policy and resume planning for every client protocol.

    Args:
        db: the database (stream heads).
        apps: app lookup (keys, settings).
        accounts: imported accounts and their kick times.
        publisher: closes the connections a new login replaces.
        callbacks: the app backend's ``State.StateChange``.
        status: user status, told of every login, logout and lost connection
            (``USER_STATUS_UPDATED`` to subscribers).
    """

    def __init__(
        self,
        db: Database,
        apps: AppService,
        accounts: AccountService,
        publisher: Publisher,
        callbacks: CallbackService | None = None,
        status: UserStatusService | None = None,
    ) -> None:
        self._db = db
        self._status = status
        self._apps = apps
        self._accounts = accounts
        self._publisher = publisher
        self._callbacks = callbacks

    async def authenticate(self, sdkappid: int, user_id: str, user_sig: str) -> Authenticated:
        """Who may log in with ``user_sig``.

        Raises:
            ImError: 70020 unknown SDKAppID; 700xx a bad UserSig (70001 expired,
                70003 malformed, 70009 bad signature, 70013 another user's,
                70014 another app's, ...); 70107 the account is not imported;
                70052 the UserSig was issued before a REST ``kick``.
        """
        app = await self._apps.get(sdkappid)
        if app is None:
            raise ImError(Code.ERR_SVR_ACCOUNT_SDKAPPID_NOT_FOUND)
        info = app.verify_usersig(user_sig, user_id)
        await self._check_account(app, user_id, info.time)
        return Authenticated(app, user_id, info.time, info.time + info.expire)

    async def _check_account(self, app: App, user_id: str, issued: int) -> None:
        kicked = await self._accounts.kicked_at(app, user_id)
        if kicked is None:
            raise ImError(Code.ERR_SVR_ACCOUNT_NOT_FOUND)
        if voided_by_kick(issued, kicked):
            raise ImError(Code.ERR_SVR_ACCOUNT_INVALID_USERSIG)

    async def issue_key(self, who: Authenticated) -> str:
        """A session key (Tencent's ``A2Key``) for ``who``: the SDK logs in with it
        again after a reconnect, to any node, until the UserSig would have expired."""
        secret = ids.a2_secret(await self._session_key(who.app))
        return ids.make_a2(secret, ids.A2(who.app.sdkappid, who.user_id, who.issued, who.expires))

    async def authenticate_key(self, token: str, now: int) -> Authenticated:
        """Who a session key (from :meth:`issue_key`) logs in.

        Raises:
            ImError: 70003 not a valid key; 70020 its app is gone; 70001 expired
                (the UserSig it came from has); 70107 the account is gone; 70052
                the user was kicked after it was issued.
        """
        sdkappid = ids.a2_app(token)
        app = await self._apps.get(sdkappid) if sdkappid is not None else None
        if app is None:
            raise ImError(Code.ERR_SVR_ACCOUNT_SDKAPPID_NOT_FOUND)
        a2 = ids.read_a2(ids.a2_secret(await self._session_key(app)), token)
        if a2 is None or a2.sdkappid != app.sdkappid:
            raise ImError(Code.ERR_SVR_ACCOUNT_USERSIG_CHECK_FAILED, "invalid session key")
        if now >= a2.expires:
            raise ImError(Code.ERR_SVR_ACCOUNT_USERSIG_EXPIRED)
        await self._check_account(app, a2.user_id, a2.issued)
        return Authenticated(app, a2.user_id, a2.issued, a2.expires)

    async def _session_key(self, app: App) -> str:
        if app.session_key:
            return app.session_key
        return await self._apps.ensure_session_key(app.sdkappid)

    async def open(
        self,
        app: App,
        user_id: str,
        connection_id: str,
        platform: str,
        subscribers: list[str] | None = None,
    ) -> None:
        """A new connection of ``user_id`` on ``platform`` is live: close the ones it
        replaces on every node. Login policy ``single``: every other connection
        (``KICKED_OUT`` ``multipleAccount``); ``multi_platform``: the other
        connections of the same platform (``multipleDevice``). ``subscribers``:
        the user's status subscribers if already read (:meth:`login`)."""
        await self.state_change(app, user_id, "Login", "Register", platform, subscribers)
        if app.settings.login_policy == "single":
            await self._publisher.kick(
                app.sdkappid, user_id, "multipleAccount", origin=connection_id
            )
        else:
            await self._publisher.kick(
                app.sdkappid, user_id, "multipleDevice", origin=connection_id, platform=platform
            )

    async def state_change(
        self,
        app: App,
        user_id: str,
        action: str,
        reason: str,
        platform: str = "",
        subscribers: list[str] | None = None,
    ) -> None:
        """Tell the app backend (``State.StateChange``, if it wants it) that
        ``user_id`` logged in (``Login``/``Register``), logged out
        (``Logout``/``Unregister``) or lost a connection (``Disconnect``/``LinkClose``);
        the user's status subscribers are told too (``subscribers``: already read)."""
        if self._status is not None:
            await self._status.changed(app, user_id, subscribers)
        if self._callbacks is None:
            return
        await self._callbacks.event(
            app,
            STATE_CHANGE,
            f"state:{user_id}",
            {"Info": {"Action": action, "To_Account": user_id, "Reason": reason}},
            platform=platform,
        )

    async def plan(
        self,
        app: App,
        user_id: str,
        cursor: int | None,
        group_cursors: dict[str, int] | None = None,
    ) -> LoginPlan:
        """Where the client's streams resume.

        Args:
            cursor: the last ``seq`` of the user's stream the client processed;
                ``None`` for a new client, which starts at the end of every stream.
            group_cursors: the last ``MsgSeq`` processed per group; a group without
                one starts at its end (new client) or where the user joined.
        """
        # one connection, one thread hop (storage.login_reads)
        got = await self._db.run_read(
            login_store.login_read, app.sdkappid, user_id, cursor is not None
        )
        return _plan(got, cursor, group_cursors)

    async def login(
        self,
        app: App,
        user_id: str,
        connection_id: str,
        platform: str,
        cursor: int | None,
        group_cursors: dict[str, int] | None = None,
    ) -> LoginPlan:
        """:meth:`open` then :meth:`plan` (same arguments, same effects), with one
        read from storage for both: the plan's reads and the status subscribers
        (issue 16: a thread hop costs more than these reads). Call it once the
        connection is registered for live pushes, as :meth:`plan`."""
        got = await self._db.run_read(
            login_store.login_read,
            app.sdkappid,
            user_id,
            cursor is not None,
            self._status is not None,
        )
        await self.open(app, user_id, connection_id, platform, got.subscribers)
        return _plan(got, cursor, group_cursors)


def _plan(
    got: login_store.LoginRead, cursor: int | None, group_cursors: dict[str, int] | None
) -> LoginPlan:
    """Where the streams resume (:meth:`SessionService.plan`) from the login's read."""
    head, oldest, positions = got.head, got.oldest, stream_positions(got.memberships)
    start = head if cursor is None else min(cursor, head)
    # Away longer than the events are kept: resume from now and say so; the
    # client refetches conversations (unread counts, last messages) as always.
    resync = start < head and (oldest is None or start < oldest - 1)
    if resync:
        start = head
    given = group_cursors or {}
    groups: dict[str, int] = {}
    truncated: list[str] = []
    for group_id, joined_at, top in positions:
        g = given.get(group_id)
        if g is not None:
            first = min(max(g, 0), top)
        else:
            first = top if cursor is None else min(joined_at, top)
        if top - first > GROUP_REPLAY_LIMIT:
            first = top - GROUP_REPLAY_LIMIT
            truncated.append(group_id)
        groups[group_id] = first
    return LoginPlan(head, start, resync, groups, truncated)
