"""A small raw client of the Palaver protocol (docs/protocol.md), for tests.

It moves bytes and nothing more: the protocol state (request ids, the stream
cursor, duplicate suppression) is :class:`palaver.protocol.client.ClientSession`,
which survives reconnects, so :meth:`WsClient.connect` after a disconnect
resumes from the cursor.  Unlike an SDK it also keeps a raw record of every
stream push the server sent, *before* duplicate suppression
(:attr:`WsClient.raw`), so that tests can check what the server did (nothing
sent twice, no gap) rather than what the client let through.

Typical use::

    bob = WsClient(server.url, SDKAPPID, "bob", server.sig("bob"))
    await bob.connect()                 # login, then catch-up until sync_done
    msgs = await bob.messages(3)        # MESSAGE_RECEIVED message objects, deduped
    bob.abort()                         # cut the socket abruptly
    await bob.connect()                 # resume from bob.session.cursor
    await bob.close()

Every wait is bounded (``within`` arguments); nothing here retries by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import WSMsgType

from palaver.protocol.client import ClientSession
from palaver.protocol.frames import Push, Response, parse_server_frame

TIMEOUT = 10.0  # default bound of any single wait, seconds


class ProtocolError(Exception):
    """A response with a non-zero code (or a login that failed)."""

    def __init__(self, op: str, code: int, message: str) -> None:
        super().__init__(f"{op}: code {code}: {message}")
        self.op = op
        self.code = code
        self.message = message


class Disconnected(ConnectionError):
    """The connection ended before a response arrived."""


@dataclass(frozen=True)
class RawPush:
    """A stream push as it came off the wire (before duplicate suppression)."""

    seq: int
    ev: str
    data: dict[str, Any]
    conn_no: int  # which connection of this client (1, 2, ...) carried it
    at: float  # time.monotonic() when it was read


def small_rcvbuf_socket_factory(rcvbuf: int) -> Callable[[Any], socket.socket]:
    """An aiohttp ``socket_factory`` whose sockets have a small receive buffer
    (set before ``connect``, so the TCP window stays small): a stalled reader
    then pushes back on the server after a few kilobytes, not megabytes."""

    def factory(addr_info: Any) -> socket.socket:
        family, type_, proto, _, _ = addr_info
        sock = socket.socket(family=family, type=type_, proto=proto)
        sock.setblocking(False)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        return sock

    return factory


class WsClient:
    """One protocol client (one device) of one user, across reconnects.

    Args:
        base_url: ``http://127.0.0.1:PORT`` (``/ws`` is appended).
        sdk_app_id, user_id, user_sig: the login credentials.
        platform: the login platform.
        rcvbuf: if set, the socket receive buffer in bytes (see
            :func:`small_rcvbuf_socket_factory`).
    """

    def __init__(
        self,
        base_url: str,
        sdk_app_id: int,
        user_id: str,
        user_sig: str,
        *,
        platform: str = "Python",
        rcvbuf: int | None = None,
    ) -> None:
        self.url = base_url.rstrip("/") + "/ws"
        self.sdk_app_id = sdk_app_id
        self.user_id = user_id
        self.user_sig = user_sig
        self.platform = platform
        self.session = ClientSession()
        #: pushes that passed duplicate suppression, in arrival order (all connections)
        self.pushes: asyncio.Queue[Push] = asyncio.Queue()
        #: every stream push read off the wire, before duplicate suppression
        self.raw: list[RawPush] = []
        #: close code of each finished connection (None: no close frame, e.g. EOF)
        self.close_codes: list[int | None] = []
        self.conn_no = 0
        #: errors that ended a connection's reader (an unparsable frame...)
        self.errors: list[Exception] = []
        self.login_data: dict[str, Any] = {}
        self.synced = asyncio.Event()  # sync_done seen on the current connection
        self._rcvbuf = rcvbuf
        self._http: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None
        self._pending: dict[int, tuple[str, asyncio.Future[Response]]] = {}
        self._ended = asyncio.Event()
        self._ended.set()

    # -- connection -------------------------------------------------------------

    @property
    def connected(self) -> bool:
        """A connection is open (its reader has not seen it end)."""
        return not self._ended.is_set()

    async def connect(self, *, within: float = TIMEOUT, wait_sync: bool = True) -> dict[str, Any]:
        """Open a connection and log in with the session's cursor.

        Returns the login response data. With ``wait_sync``, returns only after
        the server's ``sync_done`` (catch-up finished).

        Raises:
            ProtocolError: the login was refused (the connection is closed).
        """
        if self.connected:
            raise RuntimeError("already connected")
        if self._http is None:
            connector = (
                aiohttp.TCPConnector(socket_factory=small_rcvbuf_socket_factory(self._rcvbuf))
                if self._rcvbuf
                else aiohttp.TCPConnector()
            )
            self._http = aiohttp.ClientSession(connector=connector)
        self._ws = await asyncio.wait_for(
            self._http.ws_connect(self.url, autoping=True, max_msg_size=0), within
        )
        self.conn_no += 1
        self.synced.clear()
        self._ended.clear()
        self._reader = asyncio.create_task(self._read_loop(self._ws, self.conn_no))
        data = self.session.login_data(self.sdk_app_id, self.user_id, self.user_sig, self.platform)
        resp = await self.request("login", data, within=within)
        if resp.code != 0:
            await self._ws.close()
            raise ProtocolError("login", resp.code, resp.message)
        self.session.logged_in(resp)
        self.login_data = resp.data
        if wait_sync:
            await asyncio.wait_for(self.synced.wait(), within)
        return resp.data

    async def _read_loop(self, ws: aiohttp.ClientWebSocketResponse, conn_no: int) -> None:
        code: int | None = None
        try:
            while True:
                msg = await ws.receive()
                if msg.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                    self._frame(msg.data, conn_no)
                    continue
                if msg.type == WSMsgType.CLOSE:
                    code = int(msg.data)
                    continue  # aiohttp answers the close; CLOSED follows
                if msg.type in (WSMsgType.CLOSED, WSMsgType.CLOSING, WSMsgType.ERROR):
                    break
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a frame it could not parse: keep it for the test to see
            self.errors.append(exc)
        finally:
            if code is None and ws.close_code is not None and ws.close_code != 1006:
                code = ws.close_code
            self.close_codes.append(code)
            for op, fut in list(self._pending.values()):
                if not fut.done():
                    fut.set_exception(Disconnected(f"{op}: connection lost"))
            self._pending.clear()
            self._ended.set()

    def _frame(self, frame: bytes | str, conn_no: int) -> None:
        parsed = parse_server_frame(frame)
        if isinstance(parsed, Push) and parsed.seq is not None:
            self.raw.append(RawPush(parsed.seq, parsed.ev, parsed.data, conn_no, time.monotonic()))
        item = self.session.receive(frame)
        if item is None:
            return
        if isinstance(item, Response):
            entry = self._pending.pop(item.id, None) if item.id is not None else None
            if entry is not None and not entry[1].done():
                entry[1].set_result(item)
            return
        if item.ev == "sync_done":
            self.synced.set()
        self.pushes.put_nowait(item)

    async def wait_closed(self, within: float = TIMEOUT) -> int | None:
        """Wait for the current connection to end; its close code (None: no close frame).

        Raises:
            TimeoutError: still open after ``within`` seconds.
        """
        await asyncio.wait_for(self._ended.wait(), within)
        return self.close_codes[-1] if self.close_codes else None

    def abort(self) -> None:
        """Cut the connection abruptly: the TCP socket is reset, no close frame."""
        ws = self._ws
        if ws is None:
            return
        conn = ws._response.connection
        if conn is not None and conn.transport is not None:
            conn.transport.abort()

    def stall(self) -> None:
        """Stop reading the socket (the connection stays open): frames pile up
        in the kernel buffers, then at the server."""
        ws = self._ws
        if ws is None:
            return
        conn = ws._response.connection
        if conn is not None and conn.transport is not None:
            conn.transport.pause_reading()
        if self._reader is not None:
            self._reader.cancel()

    async def drop(self) -> None:
        """Forget a stalled (or any) connection: abort it and wait for its reader."""
        self.abort()
        reader = self._reader
        if reader is not None:
            reader.cancel()
            with contextlib.suppress(BaseException):
                await reader
            if not self._ended.is_set():  # cancelled before its finally ran
                self.close_codes.append(None)
                self._ended.set()
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._ws.close(), 1.0)

    async def close(self) -> None:
        """Log out (if connected), then close the connection and the HTTP session."""
        if self.connected:
            with contextlib.suppress(Exception):
                await self.request("logout", within=2.0)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._ended.wait(), 2.0)
        await self.drop()
        if self._http is not None:
            await self._http.close()
            self._http = None

    # -- requests -----------------------------------------------------------------

    async def request(
        self, op: str, data: dict[str, Any] | None = None, *, within: float = TIMEOUT
    ) -> Response:
        """Send a request and await its response (any code).

        Raises:
            Disconnected: the connection ended first (or was not open).
            TimeoutError: no response in ``within`` seconds.
        """
        ws = self._ws
        if ws is None or not self.connected:
            raise Disconnected(f"{op}: not connected")
        rid, frame = self.session.request(op, data)
        fut: asyncio.Future[Response] = asyncio.get_running_loop().create_future()
        self._pending[rid] = (op, fut)
        try:
            await ws.send_str(frame.decode())
        except (ConnectionError, RuntimeError) as exc:
            self._pending.pop(rid, None)
            raise Disconnected(f"{op}: {exc}") from exc
        try:
            return await asyncio.wait_for(fut, within)
        finally:
            self._pending.pop(rid, None)

    async def call(
        self, op: str, data: dict[str, Any] | None = None, *, within: float = TIMEOUT
    ) -> dict[str, Any]:
        """:meth:`request`, raising :class:`ProtocolError` unless code 0; the data."""
        resp = await self.request(op, data, within=within)
        if resp.code != 0:
            raise ProtocolError(op, resp.code, resp.message)
        return resp.data

    async def send_text(
        self,
        to: str,
        text: str,
        random: int,
        *,
        within: float = TIMEOUT,
        conversation_type: str = "C2C",
        **extra: Any,
    ) -> dict[str, Any]:
        """``sendMessage`` of a text to ``to`` (a user, or a group with
        ``conversation_type="GROUP"``) with a fixed ``random`` (so that a retry is
        answered with the same stored message); the message object."""
        self.session.sending(random)
        msg_id = None
        try:
            data = await self.call(
                "sendMessage",
                {
                    "to": to,
                    "conversationType": conversation_type,
                    "type": "TIMTextElem",
                    "payload": {"text": text},
                    "random": random,
                    **extra,
                },
                within=within,
            )
            message: dict[str, Any] = data["message"]
            msg_id = message["ID"]
            return message
        finally:
            self.session.sent(random, msg_id)

    async def history(self, conversation_id: str, *, max_pages: int = 1000) -> list[dict[str, Any]]:
        """The whole stored history of a conversation via ``getMessageList``
        paging, oldest first (bounded by ``max_pages``)."""
        pages: list[list[dict[str, Any]]] = []
        next_id: str | None = None
        for _ in range(max_pages):
            req: dict[str, Any] = {"conversationID": conversation_id, "count": 15}
            if next_id:
                req["nextReqMessageID"] = next_id
            page = await self.call("getMessageList", req)
            pages.append(page["messageList"])
            if page["isCompleted"]:
                break
            next_id = page["nextReqMessageID"]
            assert next_id, page
        else:
            raise AssertionError(f"history of {conversation_id} has more than {max_pages} pages")
        return [m for page in reversed(pages) for m in page]

    # -- pushes -------------------------------------------------------------------

    async def next_push(self, within: float = TIMEOUT) -> Push:
        """The next push that passed duplicate suppression."""
        return await asyncio.wait_for(self.pushes.get(), within)

    async def messages(
        self,
        count: int,
        *,
        within: float = TIMEOUT,
        where: Callable[[dict[str, Any]], bool] | None = None,
    ) -> list[dict[str, Any]]:
        """The next ``count`` received message objects (``MESSAGE_RECEIVED``
        pushes, matching ``where`` if given); other pushes are skipped.

        Raises:
            TimeoutError: fewer arrived in ``within`` seconds in all.
        """
        out: list[dict[str, Any]] = []
        deadline = time.monotonic() + within
        while len(out) < count:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{self.user_id}: got {len(out)} of {count} messages")
            push = await asyncio.wait_for(self.pushes.get(), left)
            if push.ev != "MESSAGE_RECEIVED":
                continue
            message = push.data["message"]
            if where is None or where(message):
                out.append(message)
        return out

    async def pushes_before(
        self, match: Callable[[Push], bool], *, within: float = TIMEOUT
    ) -> list[Push]:
        """Read pushes until one satisfies ``match`` (a marker sent after the
        action under test); the pushes that came before it. This is how a test
        shows that something did *not* arrive: it would have come first.

        Raises:
            TimeoutError: no matching push in ``within`` seconds.
        """
        out: list[Push] = []
        deadline = time.monotonic() + within
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{self.user_id}: no marker; got {out}")
            push = await asyncio.wait_for(self.pushes.get(), left)
            if match(push):
                return out
            out.append(push)

    async def before_message(
        self, message: dict[str, Any], *, within: float = TIMEOUT
    ) -> list[Push]:
        """:meth:`pushes_before` the push of ``message`` (a message object, as a
        send returned it): what this client got before that message."""
        return await self.pushes_before(
            lambda p: p.ev == "MESSAGE_RECEIVED" and p.data["message"]["ID"] == message["ID"],
            within=within,
        )

    def drain_pushes(self) -> list[Push]:
        """Every push queued now, without waiting."""
        out = []
        while not self.pushes.empty():
            out.append(self.pushes.get_nowait())
        return out
