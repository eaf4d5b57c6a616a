"""The asyncio chat client: :class:`Chat`, the Pythonic form of ``@tencentcloud/chat``.

One :class:`Chat` is one logged-in user on one device. Its parts, each a
module along Tencent's own areas:

- :mod:`palaver.client._connection`: the WebSocket (one after another),
  requests, heartbeats, reconnects with backoff, listeners;
- :mod:`palaver.client._processor`: pushes and local changes, one at a time,
  in order;
- :mod:`palaver.client.conversation_list`: the conversation list and the kept
  message objects, a sans-I/O state machine;
- the feature mixins, which hold no state of their own:
  :mod:`~palaver.client.messages`, :mod:`~palaver.client.conversations`,
  :mod:`~palaver.client.relations` (profiles, friends, blacklist) and
  :mod:`~palaver.client.groups`.

``Chat`` itself creates the session's tasks at login (reader, processor,
dispatcher, supervisor; see :mod:`palaver.client._connection`) and ends them
at logout.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import aiohttp

from palaver.client._connection import ERR_KICKED, LOGGED_OUT, LOGGING_IN, Listener
from palaver.client._inbox import Inbox, Mark
from palaver.client.constants import EVENT, TYPES
from palaver.client.conversation_list import ConversationList
from palaver.client.conversations import ConversationManager
from palaver.client.forwarding import Forwarding
from palaver.client.groups import GroupManager
from palaver.client.message_extras import MessageExtras
from palaver.client.message_ops import MessageOps
from palaver.client.models import ERR_INVALID_PARAMETERS, ChatError
from palaver.client.relations import RelationManager
from palaver.client.search import SearchManager
from palaver.protocol.client import ClientSession

__all__ = ["ERR_KICKED", "Chat", "Listener"]


class Chat(
    Forwarding,
    MessageOps,
    MessageExtras,
    ConversationManager,
    RelationManager,
    GroupManager,
    SearchManager,
):
    """A chat client for one user (``TencentCloudChat`` in Python).

    Args:
        sdk_app_id: the app's SDKAppID.
        server: the node's base URL (``http://host:port``; ``https://`` for
            TLS; a ``ws://.../ws`` URL is used as is).
        platform: what the server calls this device (``login_policy``
            ``multi_platform`` allows one connection per platform):
            ``Web``, ``Android``, ``iOS``, ``Windows``, ``Mac``, ``iPad``,
            ``Linux``, ``Python``, ``Unknown``.
        request_timeout: seconds a request may wait for its answer (including
            for a lost connection to come back) before it fails with
            :class:`ChatError` 2801.
        heartbeat_interval: seconds between heartbeats; ``None`` uses the
            server's ``heartbeatInterval`` (30 s).
        reconnect_delay: the backoff's first window in seconds: a reconnect
            waits a uniformly random time within the window (full jitter, so
            clients that lost one server together do not come back together),
            and the window doubles after each failed attempt, up to
            ``reconnect_max_delay``. A busy server's answer (70169 with
            ``retryAfter``, or HTTP 503 + ``Retry-After`` to the upgrade) is
            waited out first; ``login`` itself tries again
            after it (up to 5 times) before it fails with 70169.
        reconnect_max_delay: the largest backoff window (s).

    Errors are :class:`ChatError` ``(code, message)``. Codes the SDK makes
    itself: 2800 the connection was lost (or could not be opened) before an
    answer, 2801 no answer within ``request_timeout``, 6014 not logged in,
    6017 invalid parameters. The rest are the server's Tencent codes.
    """

    def __init__(
        self,
        sdk_app_id: int,
        server: str,
        *,
        platform: str = "Python",
        request_timeout: float = 15.0,
        heartbeat_interval: float | None = None,
        reconnect_delay: float = 0.2,
        reconnect_max_delay: float = 10.0,
    ) -> None:
        super().__init__(
            sdk_app_id,
            server,
            platform=platform,
            request_timeout=request_timeout,
            heartbeat_interval=heartbeat_interval,
            reconnect_delay=reconnect_delay,
            reconnect_max_delay=reconnect_max_delay,
        )

    @classmethod
    def create(cls, sdk_app_id: int, server: str, **options: Any) -> Chat:
        """A new instance (``TencentCloudChat.create``). Unlike Tencent's, every
        call makes a new instance, so one process can be several users or
        devices. ``options`` are the constructor's keyword arguments."""
        return cls(sdk_app_id, server, **options)

    async def login(self, user_id: str, user_sig: str) -> dict[str, Any]:
        """Log in and catch up; returns once ``SDK_READY`` was dispatched.

        Returns the server's login data ``{"v", "userID", "serverTime" (unix s),
        "heartbeatInterval" (s), "heartbeatTimeout" (s), "cursor"}``; a repeated
        login of the logged-in user returns ``{"repeatLogin": True}``.

        Raises:
            ChatError: 70001 UserSig expired (``is_user_sig_expired``), 70002
                empty, 70003 malformed, 70009 bad signature, 70013 userID
                mismatch, 70014 SDKAppID mismatch, 70020 unknown SDKAppID,
                70052 UserSig issued before a kick, 70107 account not imported;
                70169 the server stayed busy; 2800 cannot connect; 2801 no answer in time; 6017 another user
                is logged in on this instance (log out first).
        """
        if self._state != LOGGED_OUT:
            if user_id == self._user_id:
                return {"repeatLogin": True}
            raise ChatError(
                ERR_INVALID_PARAMETERS, f"{self._user_id!r} is logged in; log out first"
            )
        await self._wait_stopped()
        self._state = LOGGING_IN
        self._user_id, self._user_sig = user_id, user_sig
        self._session = ClientSession()
        self._online = asyncio.Event()
        self._sync_waiters = {}
        self._inbox = Inbox()
        self._events = asyncio.Queue()
        self._ready_once = False
        self._convs = ConversationList(user_id)
        self._http = aiohttp.ClientSession()
        self._processor = asyncio.create_task(self._process(self._inbox), name="chat-processor")
        self._dispatcher = asyncio.create_task(self._dispatch(self._events), name="chat-dispatcher")
        self._set_net(TYPES.NET_STATE_CONNECTING)
        try:
            data = await self._connect_admitted()
        except BaseException:
            await self._end([])
            await self._wait_stopped()
            raise
        self._supervisor = asyncio.create_task(self._supervise(), name="chat-supervisor")
        ready = asyncio.get_running_loop().create_future()
        self._events.put_nowait(Mark(ready))
        await ready
        return data

    async def logout(self) -> None:
        """Log out: the server ends the session; ``SDK_NOT_READY`` is emitted.

        Local state (conversations, cached messages) is dropped; listeners stay
        registered. Logging out when not logged in does nothing.
        """
        if self._state == LOGGED_OUT:
            await self._wait_stopped()  # e.g. after a kick: let its events be dispatched
            return
        self._state = LOGGED_OUT
        link = self._link
        if link is not None and self._online.is_set():
            with contextlib.suppress(ChatError):
                await self._call(link, "logout", None, min(self.request_timeout, 5.0))
        await self._end([(EVENT.SDK_NOT_READY, {"name": EVENT.SDK_NOT_READY})])
        await self._wait_stopped()

    async def destroy(self) -> None:
        """Log out and forget every listener (``chat.destroy()``)."""
        await self.logout()
        self._listeners.clear()
