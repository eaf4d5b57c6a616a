"""The session's connection: one WebSocket after another, requests, listeners.

:class:`Connection` is the I/O base of :class:`palaver.client.Chat`. It keeps
one WebSocket to a Palaver node at a time (docs/protocol.md §3) and builds on
the sans-I/O :class:`palaver.protocol.client.ClientSession` (request ids, the
stream cursors, duplicate and own-echo suppression). Its tasks:

- a *reader* per connection parses frames, answers pending requests and queues
  pushes in the inbox (it never waits on anything else, so a request can
  always be answered);
- a *heartbeat* per connection; an unanswered one drops the connection;
- the *supervisor* reconnects after an unexpected disconnect, with backoff, and
  logs in again with the same ``ClientSession`` so the stream resumes from its
  cursor (nothing lost, nothing twice); a kick or a fatal login error ends the
  session;
- the *dispatcher* calls listeners, one event at a time, in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import random as _random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from palaver.client._inbox import STOP, End, Inbox, Mark
from palaver.client.constants import EVENT, TYPES
from palaver.client.conversation_list import ConversationList
from palaver.client.models import (
    ERR_NETWORK,
    ERR_NOT_LOGGED_IN,
    ERR_REQUEST_TIMEOUT,
    ChatError,
)
from palaver.protocol.client import SERVER_BUSY, ClientSession, busy_hint, reconnect_delay
from palaver.protocol.frames import CLOSE_KICKED, Response

log = logging.getLogger("palaver.client")

#: A listener: ``fn(data)``, a plain function or a coroutine function.
Listener = Callable[[Any], Any]

#: login error codes worth retrying after a disconnect (the rest end the session)
TRANSIENT_CODES = frozenset({ERR_NETWORK, ERR_REQUEST_TIMEOUT, SERVER_BUSY, 70500})
#: failed reconnect attempts after which NET_STATE_CHANGE says "disconnected"
DISCONNECTED_AFTER = 3
#: times ``login`` tries again after a busy server's answer (70169) before it fails
LOGIN_BUSY_RETRIES = 5
#: kicked offline by another login (Tencent ERR_LOGIN_KICKED_OFF_BY_OTHER)
ERR_KICKED = 6208

LOGGED_OUT = "loggedOut"
LOGGING_IN = "loggingIn"
READY = "ready"


@dataclass
class Link:
    """One WebSocket connection (a session has one after another)."""

    gen: int
    ws: aiohttp.ClientWebSocketResponse
    pending: dict[int, asyncio.Future[Response]] = field(default_factory=dict)
    reader: asyncio.Task[None] | None = None
    heartbeat: asyncio.Task[None] | None = None
    kicked: str | None = None  # KICKED_OUT type, once pushed

    def kick_type(self) -> str | None:
        """The ``KICKED_OUT`` type if this connection ended with a kick, else None."""
        if self.kicked is not None or self.ws.close_code == CLOSE_KICKED:
            return self.kicked or TYPES.KICKED_OUT_MULT_ACCOUNT
        return None


class KickedError(ChatError):
    """The connection was closed with ``KICKED_OUT`` (6208) while logging in again."""

    def __init__(self, kick_type: str) -> None:
        super().__init__(ERR_KICKED, f"kicked out ({kick_type})")
        self.kick_type = kick_type


def ws_url(server: str) -> str:
    """The ``ws(s)://host/ws`` URL of an ``http(s)://host`` base URL (a
    ``ws(s)://`` URL is kept; ``/ws`` is added if missing)."""
    url = server.rstrip("/")
    if url.startswith("https://"):
        url = "wss://" + url[len("https://") :]
    elif url.startswith("http://"):
        url = "ws://" + url[len("http://") :]
    elif not url.startswith(("ws://", "wss://")):
        url = "ws://" + url
    return url if url.endswith("/ws") else url + "/ws"


def _kicked_events(kick_type: str) -> list[tuple[str, Any]]:
    return [
        (EVENT.KICKED_OUT, {"type": kick_type}),
        (EVENT.SDK_NOT_READY, {"name": EVENT.SDK_NOT_READY}),
    ]


class Connection:
    """Connection, requests and listeners of one :class:`~palaver.client.Chat`
    (see the module docstring; the arguments are ``Chat``'s)."""

    def __init__(
        self,
        sdk_app_id: int,
        server: str,
        *,
        platform: str,
        request_timeout: float,
        heartbeat_interval: float | None,
        reconnect_delay: float,
        reconnect_max_delay: float,
    ) -> None:
        self.sdk_app_id = int(sdk_app_id)
        self.server = server
        self.platform = platform
        self.request_timeout = request_timeout
        self._url = ws_url(server)
        self._heartbeat_interval = heartbeat_interval
        self._delay_min = reconnect_delay
        self._delay_max = reconnect_max_delay
        #: the backoff's randomness and its wait, replaceable in tests (a fake clock)
        self._rand: Callable[[], float] = _random.random
        self._sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
        self._listeners: dict[str, list[Listener]] = {}
        self._state = LOGGED_OUT
        self._net = TYPES.NET_STATE_DISCONNECTED
        self._user_id = ""
        self._user_sig = ""
        self._session = ClientSession()
        self._http: aiohttp.ClientSession | None = None
        self._link: Link | None = None
        self._gen = 0
        self._online = asyncio.Event()
        self._sync_waiters: dict[int, asyncio.Future[None]] = {}
        self._inbox = Inbox()
        self._events: asyncio.Queue[Any] = asyncio.Queue()
        self._processor: asyncio.Task[None] | None = None
        self._dispatcher: asyncio.Task[None] | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._ready_once = False
        self._convs = ConversationList()

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
            if item is STOP:
                return
            if isinstance(item, Mark):
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
        self._inbox.put(End(events))
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
        catch-up (``sync_done``). Raises ChatError (70169 with ``retry_after``
        also when a busy server answers the upgrade itself 503 + ``Retry-After``);
        leaves nothing open on failure."""
        if self._http is None:
            raise ChatError(ERR_NOT_LOGGED_IN, "logged out")
        self._gen += 1
        gen = self._gen
        try:
            ws = await asyncio.wait_for(
                self._http.ws_connect(self._url, autoping=True, max_msg_size=16 * 1024 * 1024),
                self.request_timeout,
            )
        except aiohttp.WSServerHandshakeError as exc:
            if exc.status == 503:  # turned away before the upgrade: like 70169
                hint = busy_hint(exc.headers or {})
                raise ChatError(SERVER_BUSY, "server busy: retry later", hint) from None
            raise ChatError(ERR_NETWORK, f"cannot connect to {self._url}: {exc!r}") from None
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise ChatError(ERR_NETWORK, f"cannot connect to {self._url}: {exc!r}") from None
        link = Link(gen, ws)
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
            kick = link.kick_type()
            if kick is not None:
                raise KickedError(kick) from None
            raise

    async def _rejoin_rooms(self) -> None:
        """Join again, on a new connection, the AVChatRooms this session was in
        (a room is followed per connection, docs/protocol.md §8.1). A room that
        is gone (10010) is forgotten; a lost connection raises ChatError."""
        rooms = self._convs.live_rooms
        for group_id in sorted(rooms):
            try:
                await self._request("joinGroup", {"groupID": group_id})
            except ChatError as exc:
                if exc.code in (ERR_NETWORK, ERR_REQUEST_TIMEOUT):
                    raise
                log.info("cannot join AVChatRoom %s again: %s", group_id, exc)
                rooms.discard(group_id)

    async def _drop_link(self, link: Link) -> None:
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

    async def _read(self, link: Link) -> None:
        """The reader of one connection: answers requests, queues pushes."""
        try:
            async for msg in link.ws:
                if msg.type == aiohttp.WSMsgType.TEXT:
                    self._on_frame(link, msg.data)
        except Exception:
            log.exception("reader of connection %d failed", link.gen)
        finally:
            self._on_closed(link)

    def _on_frame(self, link: Link, frame: str) -> None:
        """One text frame: answer its request, or queue its push."""
        try:
            item = self._session.receive(frame)
        except ValueError as exc:
            log.warning("bad server frame: %s", exc)
            return
        if item is None:
            return
        if isinstance(item, Response):
            fut = link.pending.get(item.id) if item.id is not None else None
            if fut is not None and not fut.done():
                fut.set_result(item)
            return
        if item.ev == "KICKED_OUT":
            link.kicked = str(item.data.get("type") or TYPES.KICKED_OUT_MULT_ACCOUNT)
        self._inbox.put((link.gen, item))

    def _on_closed(self, link: Link) -> None:
        """The connection closed: fail its requests and the catch-up waiting on it."""
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
            waiter.set_exception(ChatError(ERR_NETWORK, "the connection was lost while syncing"))

    async def _heartbeat(self, link: Link, interval: float) -> None:
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
        while True:
            link = self._link
            if link is not None and link.reader is not None:
                await asyncio.wait([link.reader])
            if self._state == LOGGED_OUT:
                return
            if link is not None:
                kick = link.kick_type()
                if kick is not None:
                    log.info("kicked out (%s)", kick)
                    await self._end(_kicked_events(kick))
                    return
                log.info("connection lost (close code %s); reconnecting", link.ws.close_code)
                if self._link is link:
                    await self._drop_link(link)
            self._set_net(TYPES.NET_STATE_CONNECTING)
            if not await self._reconnect():
                return

    async def _reconnect(self) -> bool:
        """Log in again on new connections, with backoff, until one catches up
        (True) or the session ends: logout, kick or a fatal login error (False)."""
        attempt = 0
        hint: float | None = None
        while True:
            await self._backoff(attempt, hint)
            attempt += 1
            if self._state == LOGGED_OUT:
                return False
            try:
                await self._connect()
            except KickedError as exc:
                log.info("kicked out while reconnecting (%s)", exc.kick_type)
                await self._end(_kicked_events(exc.kick_type))
                return False
            except ChatError as exc:
                hint = exc.retry_after
                if exc.code in TRANSIENT_CODES:
                    log.info("reconnect attempt %d failed: %s", attempt, exc)
                    if attempt >= DISCONNECTED_AFTER:  # still trying, less hopeful
                        self._set_net(TYPES.NET_STATE_DISCONNECTED)
                    continue
                await self._give_up(exc)
                return False
            return True

    async def _backoff(self, attempt: int, retry_after: float | None) -> None:
        """Wait before connect attempt ``attempt`` (0: the first): exponential backoff
        with full jitter, at least the ``retry_after`` a busy server asked for."""
        window = (self._delay_min, self._delay_max)
        await self._sleep(reconnect_delay(attempt, *window, self._rand(), retry_after))

    async def _connect_admitted(self) -> dict[str, Any]:
        """:meth:`_connect`, tried again (after :meth:`_backoff`) while the server
        answers that it is busy (70169), at most :data:`LOGIN_BUSY_RETRIES` times."""
        for attempt in range(LOGIN_BUSY_RETRIES):
            try:
                return await self._connect()
            except ChatError as exc:
                if exc.code != SERVER_BUSY or self._state == LOGGED_OUT:
                    raise
                log.info("server busy; logging in again after backoff (%s)", exc)
                await self._backoff(attempt, exc.retry_after)
        return await self._connect()

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
        self, link: Link, op: str, data: dict[str, Any] | None, wait: float
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
            hint = resp.retry_after_ms / 1000 if resp.retry_after_ms is not None else None
            raise ChatError(resp.code, resp.message, hint, resp.data)
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
