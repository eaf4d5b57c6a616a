"""The asyncio chat client: :class:`Chat`, the Pythonic form of ``@tencentcloud/chat``.

One :class:`Chat` is one logged-in user on one device.  It keeps one WebSocket
to a Palaver node (docs/protocol.md) and builds on the sans-I/O core
:class:`palaver.protocol.client.ClientSession` (request ids, the stream cursor,
duplicate and own-echo suppression).

Inside, four kinds of asyncio tasks cooperate:

- a *reader* per connection parses frames, answers pending requests and queues
  pushes (it never waits on anything else, so a request can always be answered);
- the *processor* handles pushes in order: keeps the conversation list, marks
  messages revoked or read, refetches what an event says changed, and queues
  events for listeners;
- the *dispatcher* calls listeners, one event at a time, in order (a listener
  may ``await`` any method of the SDK);
- the *supervisor* reconnects after an unexpected disconnect, with backoff, and
  logs in again with the same ``ClientSession`` so the stream resumes from its
  cursor (nothing lost, nothing twice).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import inspect
import logging
import random as _random
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from palaver.client.constants import EVENT, TYPES
from palaver.client.models import (
    ERR_INVALID_PARAMETERS,
    ERR_NETWORK,
    ERR_NOT_LOGGED_IN,
    ERR_REQUEST_TIMEOUT,
    ChatError,
    Conversation,
    Message,
    MessageListResult,
)
from palaver.errors import ImError
from palaver.protocol.client import ClientSession
from palaver.protocol.frames import CLOSE_KICKED, Push, Response
from palaver.protocol.objects import payload_to_element

log = logging.getLogger("palaver.client")

#: A listener: ``fn(data)``, a plain function or a coroutine function.
Listener = Callable[[Any], Any]

UINT32 = 1 << 32
MAX_PAGE = 15  # getMessageList's cap, as Tencent's SDK clamps it
CACHED_MESSAGES = 5000  # message objects kept so recalls/read receipts update them in place
#: login error codes worth retrying after a disconnect (the rest end the session)
TRANSIENT_CODES = frozenset({ERR_NETWORK, ERR_REQUEST_TIMEOUT, 70169, 70500})
#: failed reconnect attempts after which NET_STATE_CHANGE says "disconnected"
DISCONNECTED_AFTER = 3
#: kicked offline by another login (Tencent ERR_LOGIN_KICKED_OFF_BY_OTHER)
ERR_KICKED = 6208

LOGGED_OUT = "loggedOut"
LOGGING_IN = "loggingIn"
READY = "ready"

#: update_group_profile's snake_case names -> protocol names
_GROUP_FIELDS = {
    "max_member_num": "maxMemberNum",
    "join_option": "joinOption",
    "mute_all_members": "muteAllMembers",
    "group_custom_field": "groupCustomField",
}
MAX_RECEIPT_QUERY = 100  # messages per getMessageReadReceiptList request
#: message types the server never counts as unread (group tips and notices)
NOT_UNREAD = frozenset({TYPES.MSG_GRP_TIP, TYPES.MSG_GRP_SYS_NOTICE})

_PROFILE_FIELDS = {
    "self_signature": "selfSignature",
    "allow_type": "allowType",
    "message_settings": "messageSettings",
    "admin_forbid_type": "adminForbidType",
    "profile_custom_field": "profileCustomField",
}


@dataclass
class _Link:
    """One WebSocket connection (a session has one after another)."""

    gen: int
    ws: aiohttp.ClientWebSocketResponse
    pending: dict[int, asyncio.Future[Response]] = field(default_factory=dict)
    reader: asyncio.Task[None] | None = None
    heartbeat: asyncio.Task[None] | None = None
    kicked: str | None = None  # KICKED_OUT type, once pushed


@dataclass
class _End:
    """Inbox item: the session is over; emit ``events`` and stop."""

    events: list[tuple[str, Any]]


@dataclass
class _Mark:
    """Event-queue item: resolve ``fut`` once every event before it was dispatched."""

    fut: asyncio.Future[None]


@dataclass
class _Local:
    """Inbox item: a change made by this device (``what``) to fold into local state."""

    what: str
    arg: Any = None
    fut: asyncio.Future[Any] | None = None


_STOP = object()


class _KickedError(ChatError):
    """The connection was closed with ``KICKED_OUT`` (6208) while logging in again."""

    def __init__(self, kick_type: str) -> None:
        super().__init__(ERR_KICKED, f"kicked out ({kick_type})")
        self.kick_type = kick_type


class _Inbox:
    """An unbounded FIFO that can be peeked (for batching received messages)."""

    def __init__(self) -> None:
        self._items: deque[Any] = deque()
        self._ready = asyncio.Event()

    def put(self, item: Any) -> None:
        self._items.append(item)
        self._ready.set()

    async def get(self) -> Any:
        while not self._items:
            self._ready.clear()
            await self._ready.wait()
        return self._items.popleft()

    def peek(self) -> Any:
        return self._items[0] if self._items else None

    def get_nowait(self) -> Any:
        return self._items.popleft()


def _snapshot(conv: Conversation) -> Conversation:
    """A copy of a conversation (and of its last message) as it is now: event
    data stays what it was when emitted."""
    out = copy.copy(conv)
    out.user_profile = dict(conv.user_profile)
    out.group_profile = dict(conv.group_profile)
    out.group_at_info_list = [dict(a) for a in conv.group_at_info_list]
    if conv.last_message is not None:
        out.last_message = copy.copy(conv.last_message)
    return out


def _ws_url(server: str) -> str:
    url = server.rstrip("/")
    if url.startswith("https://"):
        url = "wss://" + url[len("https://") :]
    elif url.startswith("http://"):
        url = "ws://" + url[len("http://") :]
    elif not url.startswith(("ws://", "wss://")):
        url = "ws://" + url
    return url if url.endswith("/ws") else url + "/ws"


class Chat:
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
        reconnect_delay: first reconnect delay in seconds; it doubles after
            each failed attempt, up to ``reconnect_max_delay``, with +-25% jitter.
        reconnect_max_delay: the longest delay between reconnect attempts (s).

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
        self.sdk_app_id = int(sdk_app_id)
        self.server = server
        self.platform = platform
        self.request_timeout = request_timeout
        self._url = _ws_url(server)
        self._heartbeat_interval = heartbeat_interval
        self._delay_min = reconnect_delay
        self._delay_max = reconnect_max_delay
        self._listeners: dict[str, list[Listener]] = {}
        self._state = LOGGED_OUT
        self._net = TYPES.NET_STATE_DISCONNECTED
        self._user_id = ""
        self._user_sig = ""
        self._session = ClientSession()
        self._http: aiohttp.ClientSession | None = None
        self._link: _Link | None = None
        self._gen = 0
        self._online = asyncio.Event()
        self._sync_waiters: dict[int, asyncio.Future[None]] = {}
        self._inbox = _Inbox()
        self._events: asyncio.Queue[Any] = asyncio.Queue()
        self._processor: asyncio.Task[None] | None = None
        self._dispatcher: asyncio.Task[None] | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._ready_once = False
        self._conversations: list[Conversation] = []
        self._emitted_list: tuple[Any, ...] | None = None
        self._emitted_total: int | None = None
        self._messages: OrderedDict[str, Message] = OrderedDict()
        self._own_revokes: set[str] = set()
        self._av_rooms: set[str] = set()  # AVChatRooms joined: joined again after a reconnect

    @classmethod
    def create(cls, sdk_app_id: int, server: str, **options: Any) -> Chat:
        """A new instance (``TencentCloudChat.create``). Unlike Tencent's, every
        call makes a new instance, so one process can be several users or
        devices. ``options`` are the constructor's keyword arguments."""
        return cls(sdk_app_id, server, **options)

    # ------------------------------------------------------------------ events

    def on(self, event: str, listener: Listener) -> None:
        """Call ``listener(data)`` for every ``event`` (an ``EVENT.*`` value).

        Listeners may be plain functions or coroutine functions; they run one
        at a time, in event order, and may call any method of this SDK. An
        exception in a listener is logged and otherwise ignored. See
        :class:`~palaver.client.constants.EVENT` for each event's data.
        """
        self._listeners.setdefault(event, []).append(listener)

    def off(self, event: str, listener: Listener) -> None:
        """Stop calling ``listener`` for ``event`` (no error if it was not registered)."""
        fns = self._listeners.get(event, [])
        with contextlib.suppress(ValueError):
            fns.remove(listener)

    def _emit(self, event: str, data: Any) -> None:
        self._events.put_nowait((event, data))

    def _set_net(self, state: str) -> None:
        if state != self._net:
            self._net = state
            self._emit(EVENT.NET_STATE_CHANGE, {"state": state})

    async def _dispatch(self, events: asyncio.Queue[Any]) -> None:
        while True:
            item = await events.get()
            if item is _STOP:
                return
            if isinstance(item, _Mark):
                if not item.fut.done():
                    item.fut.set_result(None)
                continue
            name, data = item
            for fn in list(self._listeners.get(name, ())):
                try:
                    result = fn(data)
                    if inspect.isawaitable(result):
                        await result
                except Exception:
                    log.exception("listener %r of %s failed", fn, name)

    # ----------------------------------------------------------------- session

    @property
    def net_state(self) -> str:
        """``TYPES.NET_STATE_CONNECTED``, ``..._CONNECTING`` or ``..._DISCONNECTED``."""
        return self._net

    def is_ready(self) -> bool:
        """True between ``SDK_READY`` and logout (also while reconnecting)."""
        return self._state == READY

    def get_login_user(self) -> str:
        """The logged-in userID (``""`` when logged out)."""
        return self._user_id if self._state != LOGGED_OUT else ""

    @property
    def cursor(self) -> int:
        """The last event-stream ``seq`` this client processed (docs/protocol.md §4)."""
        return self._session.cursor

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
                2800 cannot connect; 2801 no answer in time; 6017 another user
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
        self._inbox = _Inbox()
        self._events = asyncio.Queue()
        self._ready_once = False
        self._conversations = []
        self._emitted_list = None
        self._emitted_total = None
        self._messages.clear()
        self._own_revokes.clear()
        self._av_rooms.clear()
        self._http = aiohttp.ClientSession()
        self._processor = asyncio.create_task(self._process(self._inbox), name="chat-processor")
        self._dispatcher = asyncio.create_task(self._dispatch(self._events), name="chat-dispatcher")
        self._set_net(TYPES.NET_STATE_CONNECTING)
        try:
            data = await self._connect()
        except BaseException:
            await self._end([])
            await self._wait_stopped()
            raise
        self._supervisor = asyncio.create_task(self._supervise(), name="chat-supervisor")
        ready = asyncio.get_running_loop().create_future()
        self._events.put_nowait(_Mark(ready))
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

    async def _end(self, events: list[tuple[str, Any]]) -> None:
        """Close the session: drop the connection, fail what waits, stop the tasks
        after they emitted ``events`` (and a final ``NET_STATE_CHANGE``)."""
        self._state = LOGGED_OUT
        sup, self._supervisor = self._supervisor, None
        if sup is not None and sup is not asyncio.current_task():
            sup.cancel()
            await asyncio.wait([sup])
        link, self._link = self._link, None
        if link is not None:
            await self._drop_link(link)
        self._online.set()  # wake requests waiting for a connection: they see LOGGED_OUT
        for fut in self._sync_waiters.values():
            if not fut.done():
                fut.set_exception(ChatError(ERR_NOT_LOGGED_IN, "logged out"))
        self._sync_waiters.clear()
        if self._net != TYPES.NET_STATE_DISCONNECTED:
            self._net = TYPES.NET_STATE_DISCONNECTED
            events = [*events, (EVENT.NET_STATE_CHANGE, {"state": self._net})]
        self._inbox.put(_End(events))
        http, self._http = self._http, None
        if http is not None:
            await http.close()

    async def _wait_stopped(self) -> None:
        """Wait for the processor and dispatcher of a finished session to drain."""
        me = asyncio.current_task()
        for task in (self._processor, self._dispatcher):
            if task is not None and task is not me and not task.done():
                await asyncio.wait([task])

    # -------------------------------------------------------------- connection

    async def _connect(self) -> dict[str, Any]:
        """Open a WebSocket, log in with the session's cursor and wait for the
        catch-up (``sync_done``). Raises ChatError; leaves nothing open on failure."""
        if self._http is None:
            raise ChatError(ERR_NOT_LOGGED_IN, "logged out")
        self._gen += 1
        gen = self._gen
        try:
            ws = await asyncio.wait_for(
                self._http.ws_connect(self._url, autoping=True, max_msg_size=16 * 1024 * 1024),
                self.request_timeout,
            )
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise ChatError(ERR_NETWORK, f"cannot connect to {self._url}: {exc!r}") from None
        link = _Link(gen, ws)
        self._link = link
        synced: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sync_waiters[gen] = synced
        link.reader = asyncio.create_task(self._read(link), name=f"chat-reader-{gen}")
        try:
            login = self._session.login_data(
                self.sdk_app_id, self._user_id, self._user_sig, self.platform
            )
            data = await self._call(link, "login", login, self.request_timeout)
            self._session.logged_in(Response(None, 0, data))
            interval = self._heartbeat_interval or float(data.get("heartbeatInterval") or 30)
            link.heartbeat = asyncio.create_task(
                self._heartbeat(link, interval), name=f"chat-heartbeat-{gen}"
            )
            self._online.set()
            try:
                await asyncio.wait_for(asyncio.shield(synced), self.request_timeout)
            except TimeoutError:
                raise ChatError(
                    ERR_REQUEST_TIMEOUT, f"not synchronised within {self.request_timeout:g} s"
                ) from None
            return data
        except BaseException:
            self._sync_waiters.pop(gen, None)
            await self._drop_link(link)
            if link.kicked is not None or link.ws.close_code == CLOSE_KICKED:
                raise _KickedError(link.kicked or TYPES.KICKED_OUT_MULT_ACCOUNT) from None
            raise

    async def _rejoin_rooms(self) -> None:
        """Join again, on a new connection, the AVChatRooms this session was in
        (a room is followed per connection, docs/protocol.md §8.1). A room that
        is gone (10010) is forgotten; a lost connection raises ChatError."""
        for group_id in sorted(self._av_rooms):
            try:
                await self._request("joinGroup", {"groupID": group_id})
            except ChatError as exc:
                if exc.code in (ERR_NETWORK, ERR_REQUEST_TIMEOUT):
                    raise
                log.info("cannot join AVChatRoom %s again: %s", group_id, exc)
                self._av_rooms.discard(group_id)

    async def _drop_link(self, link: _Link) -> None:
        if self._link is link:
            self._link = None
            self._online.clear()
        if link.heartbeat is not None and link.heartbeat is not asyncio.current_task():
            link.heartbeat.cancel()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(link.ws.close(), 2.0)
        if link.reader is not None and not link.reader.done():
            try:
                await asyncio.wait_for(asyncio.shield(link.reader), 2.0)
            except TimeoutError:
                link.reader.cancel()
                await asyncio.wait([link.reader])

    async def _read(self, link: _Link) -> None:
        """The reader of one connection: answers requests, queues pushes."""
        try:
            async for msg in link.ws:
                if msg.type != aiohttp.WSMsgType.TEXT:
                    continue
                try:
                    item = self._session.receive(msg.data)
                except ValueError as exc:
                    log.warning("bad server frame: %s", exc)
                    continue
                if item is None:
                    continue
                if isinstance(item, Response):
                    fut = link.pending.get(item.id) if item.id is not None else None
                    if fut is not None and not fut.done():
                        fut.set_result(item)
                    continue
                if item.ev == "KICKED_OUT":
                    link.kicked = str(item.data.get("type") or TYPES.KICKED_OUT_MULT_ACCOUNT)
                self._inbox.put((link.gen, item))
        except Exception:
            log.exception("reader of connection %d failed", link.gen)
        finally:
            log.debug(
                "connection %d closed (code %s, %s)",
                link.gen,
                link.ws.close_code,
                link.ws.exception(),
            )
            if self._link is link:
                self._online.clear()
            lost = ChatError(ERR_NETWORK, "the connection was lost before the answer")
            for fut in link.pending.values():
                if not fut.done():
                    fut.set_exception(lost)
            waiter = self._sync_waiters.pop(link.gen, None)
            if waiter is not None and not waiter.done():
                waiter.set_exception(
                    ChatError(ERR_NETWORK, "the connection was lost while syncing")
                )

    async def _heartbeat(self, link: _Link, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await self._call(link, "heartbeat", None, self.request_timeout)
            except ChatError as exc:
                if exc.code == ERR_REQUEST_TIMEOUT:
                    log.info("heartbeat unanswered: dropping the connection")
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(link.ws.close(), 2.0)
                    if link.reader is not None:
                        link.reader.cancel()
                return

    async def _supervise(self) -> None:
        """Reconnect after unexpected disconnects until logout, kick or a fatal error."""
        attempt = 0
        while True:
            link = self._link
            if link is not None and link.reader is not None:
                await asyncio.wait([link.reader])
            if self._state == LOGGED_OUT:
                return
            if link is not None:
                if link.kicked is not None or link.ws.close_code == CLOSE_KICKED:
                    kick = link.kicked or TYPES.KICKED_OUT_MULT_ACCOUNT
                    log.info("kicked out (%s)", kick)
                    await self._end(
                        [
                            (EVENT.KICKED_OUT, {"type": kick}),
                            (EVENT.SDK_NOT_READY, {"name": EVENT.SDK_NOT_READY}),
                        ]
                    )
                    return
                log.info("connection lost (close code %s); reconnecting", link.ws.close_code)
                if self._link is link:
                    await self._drop_link(link)
            self._set_net(TYPES.NET_STATE_CONNECTING)
            while True:
                delay = min(self._delay_max, self._delay_min * 2**attempt)
                delay = min(self._delay_max, delay * _random.uniform(0.75, 1.25))
                attempt += 1
                await asyncio.sleep(delay)
                if self._state == LOGGED_OUT:
                    return
                try:
                    await self._connect()
                except _KickedError as exc:
                    log.info("kicked out while reconnecting (%s)", exc.kick_type)
                    await self._end(
                        [
                            (EVENT.KICKED_OUT, {"type": exc.kick_type}),
                            (EVENT.SDK_NOT_READY, {"name": EVENT.SDK_NOT_READY}),
                        ]
                    )
                    return
                except ChatError as exc:
                    if exc.code in TRANSIENT_CODES:
                        log.info("reconnect attempt %d failed: %s", attempt, exc)
                        if attempt >= DISCONNECTED_AFTER:  # still trying, less hopeful
                            self._set_net(TYPES.NET_STATE_DISCONNECTED)
                        continue
                    await self._give_up(exc)
                    return
                attempt = 0
                break

    async def _give_up(self, exc: ChatError) -> None:
        log.warning("cannot log in again (%s): session ended", exc)
        events: list[tuple[str, Any]] = []
        if exc.is_user_sig_expired:
            events.append((EVENT.KICKED_OUT, {"type": TYPES.KICKED_OUT_USERSIG_EXPIRED}))
        elif exc.code == 70052:
            events.append((EVENT.KICKED_OUT, {"type": TYPES.KICKED_OUT_REST_API}))
        events.append((EVENT.ERROR, {"code": exc.code, "message": exc.message}))
        events.append((EVENT.SDK_NOT_READY, {"name": EVENT.SDK_NOT_READY}))
        await self._end(events)

    # ---------------------------------------------------------------- requests

    async def _call(
        self, link: _Link, op: str, data: dict[str, Any] | None, wait: float
    ) -> dict[str, Any]:
        """One request on ``link``; the response data. Raises ChatError."""
        rid, frame = self._session.request(op, data)
        fut: asyncio.Future[Response] = asyncio.get_running_loop().create_future()
        link.pending[rid] = fut
        try:
            try:
                await link.ws.send_str(frame.decode())
            except (ConnectionError, RuntimeError, aiohttp.ClientError) as exc:
                raise ChatError(ERR_NETWORK, f"{op}: cannot send ({exc!r})") from None
            try:
                resp = await asyncio.wait_for(fut, max(wait, 0.001))
            except TimeoutError:
                raise ChatError(ERR_REQUEST_TIMEOUT, f"{op}: no answer within {wait:g} s") from None
        finally:
            link.pending.pop(rid, None)
        if resp.code != 0:
            raise ChatError(resp.code, resp.message)
        return resp.data

    async def _request(self, op: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        """A request of the logged-in session; waits (within the request timeout)
        for a lost connection to come back. Raises ChatError."""
        if self._state == LOGGED_OUT:
            raise ChatError(ERR_NOT_LOGGED_IN, "not logged in")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.request_timeout
        while True:
            try:
                await asyncio.wait_for(self._online.wait(), max(deadline - loop.time(), 0.001))
            except TimeoutError:
                raise ChatError(
                    ERR_REQUEST_TIMEOUT,
                    f"{op}: not connected within {self.request_timeout:g} s",
                ) from None
            if self._state == LOGGED_OUT:
                raise ChatError(ERR_NOT_LOGGED_IN, "not logged in")
            link = self._link
            if link is not None:
                return await self._call(link, op, data, deadline - loop.time())
            await asyncio.sleep(0.01)  # between links: the event is about to clear

    def _require_login(self) -> None:
        if self._state == LOGGED_OUT:
            raise ChatError(ERR_NOT_LOGGED_IN, "not logged in")

    # --------------------------------------------------------------- processor

    async def _process(self, inbox: _Inbox) -> None:
        """Handle pushes and local changes in order; never dies on one item."""
        events = self._events
        while True:
            item = await inbox.get()
            if isinstance(item, _End):
                for name, data in item.events:
                    events.put_nowait((name, data))
                events.put_nowait(_STOP)
                return
            try:
                if isinstance(item, _Local):
                    await self._local(item)
                    continue
                gen, push = item
                if push.ev == "MESSAGE_RECEIVED":
                    batch = [push]
                    while True:
                        nxt = inbox.peek()
                        if not (isinstance(nxt, tuple) and nxt[1].ev == "MESSAGE_RECEIVED"):
                            break
                        batch.append(inbox.get_nowait()[1])
                    await self._on_messages(batch)
                else:
                    await self._on_push(gen, push)
            except ChatError as exc:
                log.warning("could not handle %r: %s", item, exc)
                if isinstance(item, _Local) and item.fut is not None and not item.fut.done():
                    item.fut.set_exception(exc)
            except Exception as exc:
                log.exception("could not handle %r", item)
                if isinstance(item, _Local) and item.fut is not None and not item.fut.done():
                    item.fut.set_exception(exc)

    async def _on_push(self, gen: int, push: Push) -> None:
        ev, data = push.ev, push.data
        if ev == "sync_done":
            await self._on_synced(gen)
        elif ev == "MESSAGE_REVOKED":
            self._on_revoked(data)
        elif ev == "MESSAGE_READ_BY_PEER":
            self._on_read_by_peer(data)
        elif ev == "CONVERSATION_READ":
            await self._on_conversation_read(data)
        elif ev == "CONVERSATION_CHANGED":
            await self._refresh_conversations()
        elif ev == "PROFILE_UPDATED":
            self._on_profile(data)
        elif ev == "FRIEND_LIST_UPDATED":
            friends = await self.get_friend_list()
            self._emit(EVENT.FRIEND_LIST_UPDATED, friends)
        elif ev == "FRIEND_APPLICATION_LIST_UPDATED":
            self._emit(
                EVENT.FRIEND_APPLICATION_LIST_UPDATED, await self.get_friend_application_list()
            )
        elif ev == "BLACKLIST_UPDATED":
            self._emit(EVENT.BLACKLIST_UPDATED, await self.get_blacklist())
        elif ev == "GROUP_LIST_UPDATED":
            if data.get("change") in ("joined", "quit", "kicked", "dismissed"):
                await self._refresh_conversations()  # the group conversation came or went
            groups = await self.get_group_list()
            self._emit(EVENT.GROUP_LIST_UPDATED, groups["groupList"])
        elif ev == "GROUP_APPLICATION_LIST_UPDATED":
            self._emit(
                EVENT.GROUP_APPLICATION_LIST_UPDATED, await self.get_group_application_list()
            )
        elif ev == "MESSAGE_READ_RECEIPT_RECEIVED":
            await self._on_read_receipt(data)
        elif ev == "GROUP_SYSTEM_NOTICE_RECEIVED":
            self._emit(EVENT.MESSAGE_RECEIVED, [self._system_notice(data)])
        elif ev == "KICKED_OUT":
            pass  # the supervisor ends the session when the socket closes
        else:
            log.debug("ignored push %s", ev)

    async def _on_synced(self, gen: int) -> None:
        """Caught up: the first time, fetch the conversation list and emit SDK_READY;
        after a reconnect, refetch the list (emitting what changed). The list is
        also what shows a client that was away longer than the server keeps
        events (``sync_done`` ``resync``) what it missed."""
        if gen not in self._sync_waiters:
            return  # the connection that sent it is gone already
        try:
            if not self._ready_once:
                await self._refresh_conversations(emit=False)
                self._set_net(TYPES.NET_STATE_CONNECTED)
                self._ready_once = True
                self._state = READY
                self._emit(EVENT.SDK_READY, {"name": EVENT.SDK_READY})
                self._emit_conversations(force=True)
            else:
                await self._rejoin_rooms()  # before "connected": the rooms are live again
                await self._refresh_conversations()
                self._set_net(TYPES.NET_STATE_CONNECTED)
        except ChatError as exc:
            waiter = self._sync_waiters.pop(gen, None)
            if waiter is not None and not waiter.done():
                waiter.set_exception(exc)
            return
        waiter = self._sync_waiters.pop(gen, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def _local(self, item: _Local) -> None:
        result: Any = None
        if item.what == "sent":
            await self._fold(item.arg)
            self._emit_conversations()
        elif item.what == "read":
            conv = self._find(item.arg)
            if conv is not None and conv.unread_count:
                conv.unread_count = 0
                self._mark_read_locally(conv.conversation_id, None)
            if conv is not None:
                conv.group_at_info_list = []
            self._emit_conversations()
        elif item.what == "revoked":
            self._emit_conversations()
        elif item.what == "read_to":
            cid, seq = item.arg
            await self._on_conversation_read({"conversationID": cid, "readSequence": seq})
        elif item.what == "refresh":
            await self._refresh_conversations()
            result = [_snapshot(c) for c in self._conversations]
        if item.fut is not None and not item.fut.done():
            item.fut.set_result(result)

    async def _run_local(self, what: str, arg: Any = None) -> Any:
        """Have the processor do ``what`` (in order with pushes); its result."""
        processor = self._processor
        if self._state == LOGGED_OUT or processor is None or processor.done():
            raise ChatError(ERR_NOT_LOGGED_IN, "not logged in")
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._inbox.put(_Local(what, arg, fut))
        await asyncio.wait([fut, processor], return_when=asyncio.FIRST_COMPLETED)
        if not fut.done():
            fut.cancel()
            raise ChatError(ERR_NOT_LOGGED_IN, "logged out")
        return fut.result()

    # -- messages

    def _intern(self, msg: Message) -> Message:
        """The one object the SDK keeps for a message ID (updated from ``msg``)."""
        if not msg.id:
            return msg
        known = self._messages.get(msg.id)
        if known is None:
            self._messages[msg.id] = msg
            if len(self._messages) > CACHED_MESSAGES:
                self._messages.popitem(last=False)
            return msg
        self._messages.move_to_end(msg.id)
        if known is not msg:
            known.update_from_wire(msg.to_wire())
        return known

    async def _on_messages(self, pushes: list[Push]) -> None:
        # (ClientSession already set flow "out" on group messages from this user)
        msgs = [self._intern(Message.from_wire(p.data.get("message") or {})) for p in pushes]
        self._emit(EVENT.MESSAGE_RECEIVED, msgs)
        for m in msgs:
            await self._fold(m)
        self._emit_conversations()

    async def _fold(self, m: Message) -> None:
        """Fold a message into the conversation list (fetching a new conversation)."""
        if m.online_only or m.sequence == 0:
            return
        if m.conversation_type == TYPES.CONV_GROUP and m.to in self._av_rooms:
            return  # live rooms have no conversation (no unread counts, no list entry)
        if self._find(m.conversation_id) is None:
            conv = await self._fetch_conversation(m)
            if conv is None:
                return
            self._place(conv)
        self._apply_message(m)

    async def _fetch_conversation(self, m: Message) -> Conversation | None:
        """A conversation new to the list, made from its first message here
        (``None`` for a group that has none: a live room, AVChatRoom).

        Unread counts stay local (one per incoming message folded in); the
        server is asked only for the peer's profile, so a count it computed
        while later messages arrived cannot be counted twice.
        """
        conv = self._new_conversation(m)
        try:
            data = await self._request(
                "getConversationProfile", {"conversationID": m.conversation_id}
            )
        except ChatError as exc:
            log.debug("no profile for %s: %s", m.conversation_id, exc)
            if exc.code == ERR_INVALID_PARAMETERS and m.conversation_type == TYPES.CONV_GROUP:
                return None
            return conv
        fresh = Conversation.from_wire(data.get("conversation") or {})
        conv.user_profile = fresh.user_profile or conv.user_profile
        conv.group_profile = fresh.group_profile or conv.group_profile
        conv.group_at_info_list = [
            a for a in fresh.group_at_info_list if a.get("messageSequence", 0) < m.sequence
        ]
        conv.is_pinned = fresh.is_pinned
        conv.peer_read_sequence = fresh.peer_read_sequence
        return conv

    @staticmethod
    def _new_conversation(m: Message) -> Conversation:
        """An empty conversation for ``m``'s (peer or group known by ID only)."""
        if m.conversation_type == TYPES.CONV_GROUP:
            return Conversation(
                m.conversation_id, m.conversation_type, group_profile={"groupID": m.to}
            )
        peer = m.to if m.flow == "out" else m.from_
        return Conversation(m.conversation_id, m.conversation_type, user_profile={"userID": peer})

    def _apply_message(self, m: Message) -> None:
        """Fold a stored message into its conversation (last message, unread)."""
        conv = self._find(m.conversation_id)
        if conv is None:
            conv = self._new_conversation(m)
            self._place(conv)
        last = conv.last_message
        if last is None or m.sequence > last.sequence:
            conv.last_message = m
            if m.flow == "in" and not m.is_read and m.type not in NOT_UNREAD:
                conv.unread_count += 1
                self._note_mention(conv, m)
            self._place(conv)
        elif last.sequence == m.sequence and last.id == m.id:
            conv.last_message = m

    def _note_mention(self, conv: Conversation, m: Message) -> None:
        """Add ``m`` to the conversation's ``group_at_info_list`` if it mentions me."""
        types = []
        if self._user_id in m.at_user_list:
            types.append(TYPES.CONV_AT_ME)
        if TYPES.MSG_AT_ALL in m.at_user_list:
            types.append(TYPES.CONV_AT_ALL)
        if not types or any(
            a.get("messageSequence") == m.sequence for a in conv.group_at_info_list
        ):
            return
        conv.group_at_info_list.append(
            {
                "groupID": m.to,
                "from": m.from_,
                "messageSequence": m.sequence,
                "atTypeArray": types,
            }
        )

    def _find(self, conversation_id: str) -> Conversation | None:
        for c in self._conversations:
            if c.conversation_id == conversation_id:
                return c
        return None

    def _place(self, conv: Conversation) -> None:
        """Move (or add) ``conv`` to the top of its group (pinned first)."""
        with contextlib.suppress(ValueError):
            self._conversations.remove(conv)
        index = 0
        if not conv.is_pinned:
            while index < len(self._conversations) and self._conversations[index].is_pinned:
                index += 1
        self._conversations.insert(index, conv)

    def _on_revoked(self, data: dict[str, Any]) -> None:
        msg_id = str(data.get("ID", ""))
        msg = self._messages.get(msg_id)
        if msg is None:
            msg = Message(
                id=msg_id,
                conversation_id=str(data.get("conversationID", "")),
                sequence=int(data.get("sequence", 0) or 0),
                status="success",
            )
        msg.is_revoked = True
        msg.revoker = str(data.get("revoker", ""))
        conv = self._find(msg.conversation_id)
        if conv is not None and conv.last_message is not None and conv.last_message.id == msg_id:
            conv.last_message.is_revoked = True
        if msg_id in self._own_revokes:
            self._own_revokes.discard(msg_id)
        else:
            self._emit(EVENT.MESSAGE_REVOKED, [msg])
        self._emit_conversations()

    def _on_read_by_peer(self, data: dict[str, Any]) -> None:
        cid = str(data.get("conversationID", ""))
        read_seq = int(data.get("readSequence", 0) or 0)
        affected = []
        for m in self._messages.values():
            if (
                m.conversation_id == cid
                and m.flow == "out"
                and 0 < m.sequence <= read_seq
                and not m.is_peer_read
            ):
                m.is_peer_read = True
                affected.append(m)
        conv = self._find(cid)
        if conv is not None:
            conv.peer_read_sequence = max(conv.peer_read_sequence, read_seq)
            last = conv.last_message
            if last is not None and last.flow == "out" and last.sequence <= read_seq:
                last.is_peer_read = True
        self._emit(EVENT.MESSAGE_READ_BY_PEER, {**data, "messageList": affected})
        self._emit_conversations()

    async def _on_read_receipt(self, data: dict[str, Any]) -> None:
        """A member read my messages up to ``readSequence``: refresh the read
        counts of those of my cached messages that asked for receipts."""
        cid = str(data.get("conversationID", ""))
        read_seq = int(data.get("readSequence", 0) or 0)
        mine = [
            m
            for m in self._messages.values()
            if m.conversation_id == cid
            and m.from_ == self._user_id
            and m.need_read_receipt
            and 0 < m.sequence <= read_seq
        ]
        if not mine:
            return
        await self.get_message_read_receipt_list(mine)
        self._emit(
            EVENT.MESSAGE_READ_RECEIPT_RECEIVED,
            [
                {
                    "groupID": str(data.get("groupID", "")),
                    "conversationID": cid,
                    "messageID": m.id,
                    "readCount": m.read_receipt_info.get("readCount", 0),
                    "unreadCount": m.read_receipt_info.get("unreadCount", 0),
                }
                for m in mine
            ],
        )

    def _system_notice(self, data: dict[str, Any]) -> Message:
        """A group system notice sent to chosen members (REST
        ``send_group_system_notification``) as Tencent's SDK shows it: a message
        of ``@TIM#SYSTEM``, type ``TIMGroupSystemNoticeElem``, operationType 255."""
        group_id = str(data.get("groupID", ""))
        content = str(data.get("content", ""))
        return Message(
            id=f"{TYPES.CONV_SYSTEM}-{group_id}-{secrets.randbelow(UINT32)}",
            conversation_id=TYPES.CONV_SYSTEM,
            conversation_type=TYPES.CONV_SYSTEM,
            from_=TYPES.CONV_SYSTEM,
            to=self._user_id,
            flow="in",
            time=int(time.time()),
            status="success",
            is_read=False,
            type=TYPES.MSG_GRP_SYS_NOTICE,
            payload={
                "operationType": 255,
                "groupProfile": {"groupID": group_id},
                "userDefinedField": content,
            },
            msg_body=[{"MsgType": TYPES.MSG_GRP_SYS_NOTICE, "MsgContent": {"Content": content}}],
        )

    async def _on_conversation_read(self, data: dict[str, Any]) -> None:
        cid = str(data.get("conversationID", ""))
        read_seq = int(data.get("readSequence", 0) or 0)
        self._mark_read_locally(cid, read_seq)
        conv = self._find(cid)
        if conv is not None:
            conv.group_at_info_list = [
                a for a in conv.group_at_info_list if a.get("messageSequence", 0) > read_seq
            ]
        if conv is not None and conv.unread_count:
            last = conv.last_message
            if last is None or last.sequence <= read_seq:
                conv.unread_count = 0
            else:  # newer messages arrived meanwhile: ask the server
                fresh = await self._request("getConversationProfile", {"conversationID": cid})
                conv.unread_count = int(
                    (fresh.get("conversation") or {}).get("unreadCount", conv.unread_count)
                )
        self._emit_conversations()

    def _mark_read_locally(self, cid: str, read_seq: int | None) -> None:
        for m in self._messages.values():
            if (
                m.conversation_id == cid
                and m.flow == "in"
                and not m.is_read
                and (read_seq is None or m.sequence <= read_seq)
            ):
                m.is_read = True

    def _on_profile(self, data: dict[str, Any]) -> None:
        profile = dict(data.get("profile") or {})
        user_id = str(data.get("userID") or profile.get("userID") or "")
        if user_id:
            profile.setdefault("userID", user_id)
        for conv in self._conversations:
            if conv.type == TYPES.CONV_C2C and conv.peer == user_id:
                conv.user_profile = {**conv.user_profile, **profile}
        self._emit(EVENT.PROFILE_UPDATED, [profile])
        self._emit_conversations()

    # -- conversations

    async def _refresh_conversations(self, *, emit: bool = True) -> None:
        data = await self._request("getConversationList")
        convs = [Conversation.from_wire(c) for c in data.get("conversationList") or []]
        for c in convs:
            if c.last_message is not None:
                c.last_message = self._intern(c.last_message)
        self._conversations = convs
        if emit:
            self._emit_conversations()

    def _emit_conversations(self, *, force: bool = False) -> None:
        """Emit CONVERSATION_LIST_UPDATED / TOTAL_UNREAD_MESSAGE_COUNT_UPDATED
        for what changed since they were last emitted."""
        keys = tuple(c.key() for c in self._conversations)
        if force or keys != self._emitted_list:
            self._emitted_list = keys
            self._emit(EVENT.CONVERSATION_LIST_UPDATED, [_snapshot(c) for c in self._conversations])
        total = sum(c.unread_count for c in self._conversations)
        if force or total != self._emitted_total:
            self._emitted_total = total
            self._emit(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, total)

    # ---------------------------------------------------------------- messages

    def _create(
        self,
        msg_type: str,
        to: str,
        conversation_type: str,
        payload: dict[str, Any],
        cloud_custom_data: str | None,
        need_read_receipt: bool,
    ) -> Message:
        if not isinstance(to, str) or not to:
            raise ChatError(ERR_INVALID_PARAMETERS, "'to' must be a userID")
        if conversation_type not in (TYPES.CONV_C2C, TYPES.CONV_GROUP):
            raise ChatError(ERR_INVALID_PARAMETERS, f"bad conversation_type {conversation_type!r}")
        try:
            element = payload_to_element(msg_type, payload)
        except ImError as exc:
            raise ChatError(ERR_INVALID_PARAMETERS, exc.info) from None
        rnd = secrets.randbelow(UINT32)
        now = int(time.time())
        return Message(
            id=f"{self._user_id}-{now}-{rnd}",
            conversation_id=conversation_type + to,
            conversation_type=conversation_type,
            from_=self._user_id,
            to=to,
            flow="out",
            time=now,
            random=rnd,
            status="unSend",
            is_read=True,
            payload=dict(payload),
            type=msg_type,
            msg_body=[element],
            cloud_custom_data=cloud_custom_data or "",
            need_read_receipt=need_read_receipt,
        )

    def create_text_message(
        self,
        *,
        to: str,
        conversation_type: str = TYPES.CONV_C2C,
        payload: dict[str, Any],
        cloud_custom_data: str | None = None,
        need_read_receipt: bool = False,
    ) -> Message:
        """An unsent text message. ``payload``: ``{"text": str}``.

        Raises:
            ChatError: 6017 bad ``to``, ``conversation_type`` or payload.
        """
        if not isinstance(payload.get("text"), str):
            raise ChatError(ERR_INVALID_PARAMETERS, "payload.text must be a string")
        return self._create(
            TYPES.MSG_TEXT, to, conversation_type, payload, cloud_custom_data, need_read_receipt
        )

    def create_text_at_message(
        self,
        *,
        to: str,
        conversation_type: str = TYPES.CONV_GROUP,
        payload: dict[str, Any],
        cloud_custom_data: str | None = None,
        need_read_receipt: bool = False,
    ) -> Message:
        """An unsent group text that mentions members (Tencent
        ``createTextAtMessage``). ``payload``: ``{"text": str, "atUserList":
        [userID | TYPES.MSG_AT_ALL]}``. The mentioned members' conversation
        gets an entry in ``group_at_info_list``.

        Raises:
            ChatError: 6017 not a group conversation, bad payload.
        """
        at = payload.get("atUserList")
        if conversation_type != TYPES.CONV_GROUP:
            raise ChatError(ERR_INVALID_PARAMETERS, "@-mentions are for group messages")
        if not isinstance(at, list) or not all(isinstance(u, str) and u for u in at):
            raise ChatError(ERR_INVALID_PARAMETERS, "payload.atUserList must list userIDs")
        msg = self.create_text_message(
            to=to,
            conversation_type=conversation_type,
            payload={"text": payload.get("text")},
            cloud_custom_data=cloud_custom_data,
            need_read_receipt=need_read_receipt,
        )
        msg.at_user_list = list(at)
        msg.payload = dict(payload)
        return msg

    def create_face_message(
        self,
        *,
        to: str,
        conversation_type: str = TYPES.CONV_C2C,
        payload: dict[str, Any],
        cloud_custom_data: str | None = None,
        need_read_receipt: bool = False,
    ) -> Message:
        """An unsent face (emoji) message. ``payload``: ``{"index": int, "data": str}``."""
        return self._create(
            TYPES.MSG_FACE, to, conversation_type, payload, cloud_custom_data, need_read_receipt
        )

    def create_location_message(
        self,
        *,
        to: str,
        conversation_type: str = TYPES.CONV_C2C,
        payload: dict[str, Any],
        cloud_custom_data: str | None = None,
        need_read_receipt: bool = False,
    ) -> Message:
        """An unsent location. ``payload``: ``{"description": str, "longitude":
        float, "latitude": float}`` (degrees)."""
        return self._create(
            TYPES.MSG_LOCATION, to, conversation_type, payload, cloud_custom_data, need_read_receipt
        )

    def create_custom_message(
        self,
        *,
        to: str,
        conversation_type: str = TYPES.CONV_C2C,
        payload: dict[str, Any],
        cloud_custom_data: str | None = None,
        need_read_receipt: bool = False,
    ) -> Message:
        """An unsent custom message. ``payload``: ``{"data": str, "description":
        str, "extension": str}``."""
        return self._create(
            TYPES.MSG_CUSTOM, to, conversation_type, payload, cloud_custom_data, need_read_receipt
        )

    def create_image_message(
        self,
        *,
        to: str,
        conversation_type: str = TYPES.CONV_C2C,
        payload: dict[str, Any],
        cloud_custom_data: str | None = None,
        need_read_receipt: bool = False,
    ) -> Message:
        """An unsent image message, by URL (uploads do not exist yet).

        ``payload``: Tencent's received shape ``{"uuid", "imageFormat",
        "imageInfoArray": [{"type": 1|2|3, "size", "width", "height", "url"}]}``,
        or the short form ``{"url", "width"?, "height"?, "size"? (bytes),
        "imageFormat"?}`` (one original-size image).
        """
        if "imageInfoArray" not in payload and "url" in payload:
            info = {"type": 1, "url": payload["url"]}
            for k in ("size", "width", "height"):
                if k in payload:
                    info[k] = payload[k]
            payload = {
                "uuid": payload.get("uuid", ""),
                "imageFormat": payload.get("imageFormat", 255),
                "imageInfoArray": [info],
            }
        return self._create(
            TYPES.MSG_IMAGE, to, conversation_type, payload, cloud_custom_data, need_read_receipt
        )

    def create_file_message(
        self,
        *,
        to: str,
        conversation_type: str = TYPES.CONV_C2C,
        payload: dict[str, Any],
        cloud_custom_data: str | None = None,
        need_read_receipt: bool = False,
    ) -> Message:
        """An unsent file message, by URL. ``payload``: ``{"fileUrl" (or "url"),
        "fileName", "fileSize" (bytes), "uuid"?}``."""
        if "fileUrl" not in payload and "url" in payload:
            payload = {
                **{k: v for k, v in payload.items() if k != "url"},
                "fileUrl": payload["url"],
            }
        return self._create(
            TYPES.MSG_FILE, to, conversation_type, payload, cloud_custom_data, need_read_receipt
        )

    def create_audio_message(
        self,
        *,
        to: str,
        conversation_type: str = TYPES.CONV_C2C,
        payload: dict[str, Any],
        cloud_custom_data: str | None = None,
        need_read_receipt: bool = False,
    ) -> Message:
        """An unsent audio message, by URL. ``payload``: ``{"url", "second"
        (duration, s), "size" (bytes), "uuid"?}``."""
        return self._create(
            TYPES.MSG_AUDIO, to, conversation_type, payload, cloud_custom_data, need_read_receipt
        )

    def create_video_message(
        self,
        *,
        to: str,
        conversation_type: str = TYPES.CONV_C2C,
        payload: dict[str, Any],
        cloud_custom_data: str | None = None,
        need_read_receipt: bool = False,
    ) -> Message:
        """An unsent video message, by URL. ``payload``: ``{"videoUrl" (or "url"),
        "videoSecond" (s), "videoSize" (bytes), "videoFormat", "thumbUrl",
        "thumbWidth", "thumbHeight", ...}``."""
        if "videoUrl" not in payload and "url" in payload:
            payload = {
                **{k: v for k, v in payload.items() if k != "url"},
                "videoUrl": payload["url"],
            }
        return self._create(
            TYPES.MSG_VIDEO, to, conversation_type, payload, cloud_custom_data, need_read_receipt
        )

    async def send_message(self, message: Message, online_user_only: bool = False) -> Message:
        """Send a message made by a ``create_*_message`` method.

        The same object is updated and returned: server ``id``, ``sequence``,
        ``time`` and ``status`` ``"success"``. The receiver's devices and this
        user's other devices get it as ``MESSAGE_RECEIVED``; this device does not
        (the returned message is its copy). With ``online_user_only`` the message
        is not stored: only devices online now get it (``sequence`` 0).

        Group messages (``conversation_type`` ``TYPES.CONV_GROUP``, ``to`` the
        group ID) go to every member; ``create_text_at_message`` mentions some.

        On failure ``status`` becomes ``"fail"`` and ChatError is raised: the
        server's codes (20003 receiver not imported, 20007 blacklisted, 20009
        not friends, 20012 forbidden to send, 90002/80002 bad body; groups:
        10010 no such group, 10007 not a member, 10017 muted...), or 2800
        / 2801 when the answer was lost — then the message may have been stored:
        :meth:`resend_message` sends it again with the same ``random`` and the
        server answers the stored copy instead of storing it twice.
        """
        self._require_login()
        if message.status == "success":
            raise ChatError(ERR_INVALID_PARAMETERS, "this message was sent already")
        data: dict[str, Any] = {
            "to": message.to,
            "conversationType": message.conversation_type,
            "type": message.type,
            "payload": message.payload,
            "random": message.random,
            "onlineUserOnly": online_user_only,
            "needReadReceipt": message.need_read_receipt,
        }
        if message.at_user_list:
            data["atUserList"] = message.at_user_list
        if message.priority != TYPES.MSG_PRIORITY_NORMAL:
            data["priority"] = message.priority
        if len(message.msg_body) > 1:
            data["MsgBody"] = message.msg_body
        if message.cloud_custom_data:
            data["cloudCustomData"] = message.cloud_custom_data
        if not message.from_:
            message.from_ = self._user_id
        self._session.sending(message.random)
        message.status = "unSend"
        try:
            answer = await self._request("sendMessage", data)
        except ChatError as exc:
            message.status = "fail"
            if exc.code not in (ERR_NETWORK, ERR_REQUEST_TIMEOUT):
                self._session.sent(message.random, None)
            # else: it may be stored; its echo stays suppressed until a resend
            raise
        message.update_from_wire(answer.get("message") or {})
        message.status = "success"
        message.flow = "out"
        message.is_read = True
        message.online_only = online_user_only
        self._session.sent(message.random, message.id)
        if not online_user_only:
            self._intern(message)
            self._inbox.put(_Local("sent", message))
        return message

    async def resend_message(self, message: Message) -> Message:
        """Send again a message whose send failed (same ``random``: if the first
        attempt was stored, the server answers that copy). Raises ChatError
        6017 if the message was sent successfully, else as :meth:`send_message`."""
        if message.status == "success":
            raise ChatError(ERR_INVALID_PARAMETERS, "this message was sent already")
        return await self.send_message(message, online_user_only=message.online_only)

    async def get_message_list(
        self, conversation_id: str, next_req_message_id: str | None = None, count: int = MAX_PAGE
    ) -> MessageListResult:
        """A page of a conversation's history, oldest first.

        Args:
            conversation_id: ``"C2C<userID>"`` or ``"GROUP<groupID>"`` (one of mine).
            next_req_message_id: ``None`` for the newest page, then the previous
                page's ``next_req_message_id``.
            count: 1..15 (more is clamped to 15, as Tencent's SDK does).

        Raises:
            ChatError: 6017 bad conversation ID, or a ``next_req_message_id``
                that is not a message of this conversation; 10007 a group I am
                not a member of; 10010 no such group.
        """
        count = max(1, min(int(count), MAX_PAGE))
        req: dict[str, Any] = {"conversationID": conversation_id, "count": count}
        if next_req_message_id:
            req["nextReqMessageID"] = next_req_message_id
        data = await self._request("getMessageList", req)
        msgs = [self._intern(Message.from_wire(m)) for m in data.get("messageList") or []]
        return MessageListResult(
            msgs, str(data.get("nextReqMessageID") or ""), bool(data.get("isCompleted", True))
        )

    async def set_message_read(self, conversation_id: str) -> None:
        """Mark every message of a conversation read: its unread count becomes 0,
        my other devices follow, and the peer gets ``MESSAGE_READ_BY_PEER`` (in a
        group: senders who asked get ``MESSAGE_READ_RECEIPT_RECEIVED``; the
        conversation's ``group_at_info_list`` empties).

        Raises:
            ChatError: 6017 bad conversation ID; 10007 a group I am not in.
        """
        await self._request("setMessageRead", {"conversationID": conversation_id})
        self._inbox.put(_Local("read", conversation_id))

    async def revoke_message(self, message: Message) -> Message:
        """Recall one of my sent messages; both parties' devices get ``MESSAGE_REVOKED``
        (except this one: the returned message, ``is_revoked`` True, is its news).

        In a group, the owner and admins may recall anyone's message at any time.

        Raises:
            ChatError: 20016 the app's recall window (default 120 s) has
                passed (10031 in a group); 6017 not my message or not in my
                conversations (10007 in a group: not mine, and I am no admin).
        """
        self._own_revokes.add(message.id)
        try:
            data = await self._request(
                "revokeMessage", {"conversationID": message.conversation_id, "ID": message.id}
            )
        except ChatError:
            self._own_revokes.discard(message.id)
            raise
        message.update_from_wire(data.get("message") or {})
        message.is_revoked = True
        message.revoker = self._user_id
        self._intern(message).is_revoked = True
        self._inbox.put(_Local("revoked", message))
        return message

    # ----------------------------------------------------------- conversations

    @property
    def conversations(self) -> list[Conversation]:
        """The conversation list as this SDK keeps it (what the last
        ``CONVERSATION_LIST_UPDATED`` reported, or newer)."""
        return [_snapshot(c) for c in self._conversations]

    async def get_conversation_list(self) -> list[Conversation]:
        """My conversations from the server: pinned first, then newest first.
        (The SDK's own list is refreshed with it.)"""
        self._require_login()
        result: list[Conversation] = await self._run_local("refresh")
        return result

    async def get_conversation_profile(self, conversation_id: str) -> Conversation:
        """One of my conversations. Raises ChatError 6017 if I have none with that ID."""
        data = await self._request("getConversationProfile", {"conversationID": conversation_id})
        conv = Conversation.from_wire(data.get("conversation") or {})
        if conv.last_message is not None:
            conv.last_message = self._intern(conv.last_message)
        return conv

    async def delete_conversation(
        self, conversation_id: str | Iterable[str], clear_history_message: bool = True
    ) -> dict[str, Any]:
        """Delete conversations (one ID or several) and, by default, my copy of
        their history. Returns ``{"conversationIDList": [...]}``."""
        ids = [conversation_id] if isinstance(conversation_id, str) else list(conversation_id)
        for cid in ids:
            await self._request(
                "deleteConversation",
                {"conversationID": cid, "clearHistoryMessage": clear_history_message},
            )
        await self._run_local("refresh")
        return {"conversationIDList": ids}

    async def pin_conversation(self, conversation_id: str, is_pinned: bool) -> None:
        """Pin (or unpin) a conversation: pinned ones list first.
        Raises ChatError 6017 if there is no such conversation."""
        await self._request(
            "pinConversation", {"conversationID": conversation_id, "isPinned": is_pinned}
        )
        await self._run_local("refresh")

    async def get_total_unread_message_count(self) -> int:
        """The sum of my conversations' unread counts, from the server."""
        data = await self._request("getTotalUnreadMessageCount")
        return int(data.get("count", 0))

    # ----------------------------------------------------------------- profile

    async def get_my_profile(self) -> dict[str, Any]:
        """My profile: ``{"userID", "nick", "avatar", "gender", "selfSignature",
        "allowType", "birthday", "location", "language", "messageSettings",
        "adminForbidType", "level", "role", "profileCustomField": [{"key", "value"}]}``."""
        data = await self._request("getMyProfile")
        return dict(data.get("profile") or data)

    async def get_user_profile(self, user_id_list: Iterable[str]) -> list[dict[str, Any]]:
        """Profiles of users (same shape as :meth:`get_my_profile`)."""
        data = await self._request("getUserProfile", {"userIDList": list(user_id_list)})
        return list(data.get("profileList") or [])

    async def update_my_profile(self, **fields: Any) -> dict[str, Any]:
        """Change my profile; returns it. Fields: ``nick``, ``avatar``, ``gender``
        (``TYPES.GENDER_*``), ``self_signature``, ``allow_type``
        (``TYPES.ALLOW_TYPE_*``), ``birthday`` (int ``YYYYMMDD``), ``location``,
        ``language``, ``message_settings``, ``level``, ``role``,
        ``profile_custom_field`` (``[{"key", "value"}]``); Tencent's camelCase
        names are accepted too. My friends get ``PROFILE_UPDATED``.

        Raises:
            ChatError: the server's profile validation codes (40xxx, 6017).
        """
        data = {_PROFILE_FIELDS.get(k, k): v for k, v in fields.items()}
        answer = await self._request("updateMyProfile", data)
        return dict(answer.get("profile") or answer)

    # ------------------------------------------------------------ relationships

    async def get_friend_list(self) -> list[dict[str, Any]]:
        """My friends: ``[{"userID", "remark", "groupList", "addTime", "profile"}]``."""
        data = await self._request("getFriendList")
        return list(data.get("friendList") or [])

    async def add_friend(
        self,
        to: str,
        source: str,
        wording: str | None = None,
        type: str = TYPES.SNS_ADD_TYPE_BOTH,
        remark: str | None = None,
        group_name: str | None = None,
    ) -> dict[str, Any]:
        """Add a friend or ask to. ``source``: ``"AddSource_Type_<something>"``.

        Returns ``{"userID", "code"}``: code 0 added, 30539 request pending
        (the user's ``allowType`` needs confirmation).

        Raises:
            ChatError: 30516 the user accepts no requests, 30515 I am on their
                blacklist, 30525 they are on mine, 9004 bad ``source``...
        """
        data: dict[str, Any] = {"to": to, "source": source, "type": type}
        if wording is not None:
            data["wording"] = wording
        if remark is not None:
            data["remark"] = remark
        if group_name is not None:
            data["groupName"] = group_name
        return await self._request("addFriend", data)

    async def delete_friend(
        self, user_id_list: Iterable[str], type: str = TYPES.SNS_DELETE_TYPE_BOTH
    ) -> dict[str, Any]:
        """Delete friends. Returns ``{"successUserIDList", "failureUserIDList"}``."""
        return await self._request("deleteFriend", {"userIDList": list(user_id_list), "type": type})

    async def check_friend(
        self, user_id_list: Iterable[str], type: str = TYPES.SNS_CHECK_TYPE_BOTH
    ) -> dict[str, Any]:
        """Check relations. Returns ``{"successUserIDList": [{"userID", "relation"
        (TYPES.SNS_TYPE_*)}], "failureUserIDList"}``."""
        return await self._request("checkFriend", {"userIDList": list(user_id_list), "type": type})

    async def get_friend_application_list(self) -> dict[str, Any]:
        """Friend requests: ``{"friendApplicationList": [{"userID", "type"
        (TYPES.SNS_APPLICATION_SENT_TO_ME / _SENT_BY_ME), "wording", "source",
        "time"}], "unreadCount"}``."""
        return await self._request("getFriendApplicationList")

    async def accept_friend_application(
        self,
        user_id: str,
        type: str = TYPES.SNS_APPLICATION_AGREE_AND_ADD,
        remark: str | None = None,
    ) -> dict[str, Any]:
        """Accept the request ``user_id`` sent me (``AgreeAndAdd``: we become
        friends both ways; ``Agree``: they add me only)."""
        data: dict[str, Any] = {"userID": user_id, "type": type}
        if remark is not None:
            data["remark"] = remark
        return await self._request("acceptFriendApplication", data)

    async def refuse_friend_application(self, user_id: str) -> dict[str, Any]:
        """Refuse the request ``user_id`` sent me."""
        return await self._request("refuseFriendApplication", {"userID": user_id})

    async def get_blacklist(self) -> list[str]:
        """The userIDs I blacklisted."""
        data = await self._request("getBlacklist")
        return [str(u) for u in data.get("userIDList") or []]

    async def add_to_blacklist(self, user_id_list: Iterable[str]) -> dict[str, Any]:
        """Blacklist users (their messages to me fail with 20007). Returns
        ``{"successUserIDList", "failureUserIDList"}``."""
        return await self._request("addToBlacklist", {"userIDList": list(user_id_list)})

    async def remove_from_blacklist(self, user_id_list: Iterable[str]) -> dict[str, Any]:
        """Take users off my blacklist. Returns ``{"successUserIDList", "failureUserIDList"}``."""
        return await self._request("removeFromBlacklist", {"userIDList": list(user_id_list)})

    # ------------------------------------------------------------------ groups

    async def create_group(
        self,
        *,
        type: str,
        name: str,
        group_id: str | None = None,
        introduction: str | None = None,
        notification: str | None = None,
        avatar: str | None = None,
        max_member_num: int | None = None,
        join_option: str | None = None,
        member_list: Iterable[dict[str, Any]] | None = None,
        group_custom_field: Iterable[dict[str, str]] | None = None,
    ) -> dict[str, Any]:
        """Create a group that I own: ``{"group"}`` (docs/protocol.md §8.4).

        Args:
            type: ``TYPES.GRP_WORK`` (Private), ``GRP_PUBLIC``, ``GRP_MEETING``
                (ChatRoom), ``GRP_AVCHATROOM``, ``GRP_COMMUNITY``.
            group_id: a custom ID (not starting with ``@TGS#``); generated if None.
            join_option: ``TYPES.JOIN_OPTIONS_*`` (Public groups).
            member_list: ``[{"userID", "role"?, "memberCustomField"?}]`` (≤ 100).
            group_custom_field: ``[{"key", "value"}]``.

        I am in an AVChatRoom I create (and in it again after a reconnect).

        Raises:
            ChatError: 10004 bad type/name/option; 10015 bad ``group_id``; 10021
                ``group_id`` in use; 10019 a member is not imported; 10038 too many.
        """
        data: dict[str, Any] = {"type": type, "name": name}
        optional = {
            "groupID": group_id,
            "introduction": introduction,
            "notification": notification,
            "avatar": avatar,
            "maxMemberNum": max_member_num,
            "joinOption": join_option,
            "memberList": list(member_list) if member_list is not None else None,
            "groupCustomField": list(group_custom_field)
            if group_custom_field is not None
            else None,
        }
        data.update({k: v for k, v in optional.items() if v is not None})
        answer = await self._request("createGroup", data)
        group = answer.get("group") or {}
        if group.get("type") == TYPES.GRP_AVCHATROOM:
            self._av_rooms.add(str(group.get("groupID")))
        return answer

    async def get_group_list(self) -> dict[str, Any]:
        """The groups I am a member of, newest join first: ``{"groupList": [group]}``
        (each with my ``selfInfo``: role, join time, name card, mute)."""
        return await self._request("getGroupList")

    async def get_group_profile(self, group_id: str) -> dict[str, Any]:
        """``{"group"}``. Raises ChatError 10010 no such group; 10007 a Private
        group I am not in."""
        return await self._request("getGroupProfile", {"groupID": group_id})

    async def update_group_profile(self, group_id: str, **fields: Any) -> dict[str, Any]:
        """Change a group I own or administer: ``{"group"}``. Fields (Tencent's
        names, snake_case accepted): ``name``, ``introduction``, ``notification``,
        ``avatar``, ``max_member_num``, ``join_option``, ``mute_all_members``
        (bool), ``group_custom_field`` (``[{"key", "value"}]``, merged). Members
        get a group tip (``TYPES.GRP_TIP_GRP_PROFILE_UPDATED``).

        Raises:
            ChatError: 10007 not owner/admin; 10004 a bad value; 10010.
        """
        data = {_GROUP_FIELDS.get(k, k): v for k, v in fields.items()}
        return await self._request("updateGroupProfile", {"groupID": group_id, **data})

    async def join_group(self, group_id: str, apply_message: str = "") -> dict[str, Any]:
        """Join (or apply to) a group: ``{"status": TYPES.JOIN_STATUS_*, "group"?}``.

        ``Public`` groups follow their ``joinOption`` (``WaitAdminApproval``: the
        owner and admins get ``GROUP_APPLICATION_LIST_UPDATED``; when they agree,
        ``GROUP_LIST_UPDATED`` comes here). ChatRoom and Community are free; an
        AVChatRoom is joined by this device only, and again after a reconnect.

        Raises:
            ChatError: 10007 a Private group or one that takes no applications;
                10010 no such group; 10014 full.
        """
        data: dict[str, Any] = {"groupID": group_id}
        if apply_message:
            data["applyMessage"] = apply_message
        answer = await self._request("joinGroup", data)
        group = answer.get("group") or {}
        if group.get("type") == TYPES.GRP_AVCHATROOM:
            self._av_rooms.add(group_id)
        return answer

    async def quit_group(self, group_id: str) -> dict[str, Any]:
        """Leave a group: ``{"groupID"}``. Raises ChatError 10009 I own it
        (dismiss it, or hand it over first); 10007 not a member; 10010."""
        answer = await self._request("quitGroup", {"groupID": group_id})
        self._av_rooms.discard(group_id)
        return answer

    async def dismiss_group(self, group_id: str) -> dict[str, Any]:
        """Dismiss a group I own: ``{"groupID"}``; members get ``GROUP_LIST_UPDATED``.
        Raises ChatError 10007 not the owner; 10010."""
        answer = await self._request("dismissGroup", {"groupID": group_id})
        self._av_rooms.discard(group_id)
        return answer

    async def search_group_by_id(self, group_id: str) -> dict[str, Any]:
        """A group's public profile: ``{"group"}``. Raises ChatError 10010 none;
        10007 a Private group."""
        return await self._request("searchGroupByID", {"groupID": group_id})

    async def change_group_owner(self, group_id: str, new_owner_id: str) -> dict[str, Any]:
        """Hand my group to a member (I become a Member): ``{"group"}``.
        Raises ChatError 10007 not the owner; 10004 not a member."""
        return await self._request(
            "changeGroupOwner", {"groupID": group_id, "newOwnerID": new_owner_id}
        )

    async def get_group_application_list(self) -> dict[str, Any]:
        """Pending applications to groups I own or administer, newest first:
        ``{"applicationList": [{"groupID", "groupName", "applicant",
        "applicantNick", "applyMessage", "time"}], "unreadCount"}``."""
        return await self._request("getGroupApplicationList")

    async def handle_group_application(
        self,
        handle_action: str,
        *,
        application: dict[str, Any] | None = None,
        group_id: str | None = None,
        applicant: str | None = None,
        handle_message: str = "",
    ) -> dict[str, Any]:
        """Agree or reject an application (``handle_action`` ``"Agree"`` or
        ``"Reject"``), given as an item of ``get_group_application_list`` or by
        ``group_id`` and ``applicant``. Returns ``{}``.

        Raises:
            ChatError: 10007 not owner/admin; 10024 no such pending application;
                6017 neither an application nor group_id and applicant.
        """
        app = application or {}
        gid = group_id or app.get("groupID")
        who = applicant or app.get("applicant")
        if not gid or not who:
            raise ChatError(ERR_INVALID_PARAMETERS, "which application? (group_id, applicant)")
        data = {"groupID": gid, "applicant": who, "handleAction": handle_action}
        if handle_message:
            data["handleMessage"] = handle_message
        return await self._request("handleGroupApplication", data)

    async def get_group_member_list(
        self, group_id: str, count: int = 15, offset: int = 0, role: str | None = None
    ) -> dict[str, Any]:
        """A page of members, owner first then by join time: ``{"memberList":
        [{"userID", "nick", "avatar", "role", "joinTime", "nameCard", "muteUntil",
        "memberCustomField"}], "offset"}`` (the next offset; 0 when done).
        ``count`` 1..100. Raises ChatError 10007 not a member; 10010."""
        data: dict[str, Any] = {"groupID": group_id, "count": count, "offset": offset}
        if role is not None:
            data["role"] = role
        return await self._request("getGroupMemberList", data)

    async def get_group_member_profile(
        self, group_id: str, user_id_list: Iterable[str]
    ) -> dict[str, Any]:
        """The members among ``user_id_list`` (≤ 50): ``{"memberList"}``.
        Raises ChatError 10007 I am not a member; 10010."""
        return await self._request(
            "getGroupMemberProfile", {"groupID": group_id, "userIDList": list(user_id_list)}
        )

    async def add_group_member(self, group_id: str, user_id_list: Iterable[str]) -> dict[str, Any]:
        """Invite users: ``{"successUserIDList", "failureUserIDList",
        "existedUserIDList", "group"}``. Private groups: any member invites;
        others: owner/admins. Raises ChatError 10007 not allowed; 10014 full."""
        return await self._request(
            "addGroupMember", {"groupID": group_id, "userIDList": list(user_id_list)}
        )

    async def delete_group_member(
        self, group_id: str, user_id_list: Iterable[str], reason: str = ""
    ) -> dict[str, Any]:
        """Kick members: ``{"group", "userIDList"}`` (those removed). The owner
        kicks anyone, admins kick members. Raises ChatError 10007 not allowed."""
        data: dict[str, Any] = {"groupID": group_id, "userIDList": list(user_id_list)}
        if reason:
            data["reason"] = reason
        return await self._request("deleteGroupMember", data)

    async def set_group_member_role(self, group_id: str, user_id: str, role: str) -> dict[str, Any]:
        """Make a member ``TYPES.GRP_MBR_ROLE_ADMIN`` or ``..._MEMBER`` (owner
        only): ``{"group", "member"}``. Raises ChatError 10007; 10004 bad role."""
        return await self._request(
            "setGroupMemberRole", {"groupID": group_id, "userID": user_id, "role": role}
        )

    async def set_group_member_mute_time(
        self, group_id: str, user_id: str, mute_time: int
    ) -> dict[str, Any]:
        """Mute a member for ``mute_time`` seconds (0 unmutes; owner/admins):
        ``{"group", "member"}``; their sends then fail with 10017.
        Raises ChatError 10007 not allowed."""
        return await self._request(
            "setGroupMemberMuteTime",
            {"groupID": group_id, "userID": user_id, "muteTime": int(mute_time)},
        )

    async def set_group_member_name_card(
        self, group_id: str, name_card: str, user_id: str | None = None
    ) -> dict[str, Any]:
        """Set my name card in a group (or a member's, as owner/admin):
        ``{"group", "member"}``. Raises ChatError 10007 not allowed."""
        data: dict[str, Any] = {"groupID": group_id, "nameCard": name_card}
        if user_id is not None:
            data["userID"] = user_id
        return await self._request("setGroupMemberNameCard", data)

    async def set_group_member_custom_field(
        self,
        group_id: str,
        member_custom_field: Iterable[dict[str, str]],
        user_id: str | None = None,
    ) -> dict[str, Any]:
        """Set member custom fields (``[{"key", "value"}]``, merged; mine, or a
        member's as owner/admin): ``{"group", "member"}``."""
        data: dict[str, Any] = {
            "groupID": group_id,
            "memberCustomField": list(member_custom_field),
        }
        if user_id is not None:
            data["userID"] = user_id
        return await self._request("setGroupMemberCustomField", data)

    async def get_group_online_member_count(self, group_id: str) -> dict[str, Any]:
        """``{"memberCount"}``: members online now (AVChatRoom: users in the room)."""
        return await self._request("getGroupOnlineMemberCount", {"groupID": group_id})

    # ------------------------------------------------------------ read receipts

    async def get_message_read_receipt_list(
        self, message_list: Iterable[Message]
    ) -> dict[str, Any]:
        """Read counts of messages (one conversation or several): ``{"messageList"}``,
        the same Message objects with ``read_receipt_info`` ``{"readCount",
        "unreadCount"}`` set (in a group, members other than the sender; in C2C,
        the other party, 0 or 1).

        Raises:
            ChatError: 6017 a message not in its conversation; 10007 a group I am
                not in.
        """
        msgs = list(message_list)
        by_conv: dict[str, list[Message]] = {}
        for m in msgs:
            by_conv.setdefault(m.conversation_id, []).append(m)
        for cid, group in by_conv.items():
            for i in range(0, len(group), MAX_RECEIPT_QUERY):
                chunk = group[i : i + MAX_RECEIPT_QUERY]
                data = await self._request(
                    "getMessageReadReceiptList",
                    {"conversationID": cid, "messageIDList": [m.id for m in chunk]},
                )
                info = {
                    str(x.get("ID")): x.get("readReceiptInfo") or {}
                    for x in data.get("messageList") or []
                }
                for m in chunk:
                    if m.id in info:
                        m.read_receipt_info = {k: int(v) for k, v in info[m.id].items()}
        return {"messageList": msgs}

    async def get_group_message_read_member_list(
        self, message: Message, filter: int = 0, cursor: str = "", count: int = 100
    ) -> dict[str, Any]:
        """Who read (``filter`` 0) or has not read (1) one of a group's messages,
        the sender left out: ``{"messageID", "readUserIDList"`` (or
        ``"unreadUserIDList"``), ``"cursor"`` (pass it back for the next page),
        ``"isCompleted"}``. ``count`` 1..100.

        Raises:
            ChatError: 6017 not a group message; 10007 not a member.
        """
        data = await self._request(
            "getGroupMessageReadMemberList",
            {
                "conversationID": message.conversation_id,
                "messageID": message.id,
                "filter": filter,
                "offset": int(cursor or 0),
                "count": count,
            },
        )
        key = "readUserIDList" if filter == 0 else "unreadUserIDList"
        return {
            "messageID": message.id,
            key: list(data.get("userIDList") or []),
            "cursor": str(data.get("offset") or ""),
            "isCompleted": bool(data.get("isCompleted", True)),
        }

    async def send_message_read_receipt(self, message_list: Iterable[Message]) -> None:
        """Tell the senders I read these messages (Tencent ``sendMessageReadReceipt``):
        their conversation is read up to the newest of them. Messages of one
        conversation per call.

        Raises:
            ChatError: 6017 no messages, several conversations, or a message not
                in its conversation; 10007 a group I am not in.
        """
        msgs = list(message_list)
        cids = {m.conversation_id for m in msgs}
        if len(cids) != 1:
            raise ChatError(ERR_INVALID_PARAMETERS, "messages of one conversation, please")
        (cid,) = cids
        await self._request(
            "sendMessageReadReceipt", {"conversationID": cid, "messageIDList": [m.id for m in msgs]}
        )
        self._inbox.put(_Local("read_to", (cid, max(m.sequence for m in msgs))))
