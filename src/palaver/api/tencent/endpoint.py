"""The WebSocket endpoint of Tencent's client protocol: ``/binfo`` (and ``/ws/binfo``).

``TencentCloudChat.create({SDKAppID, proxyServer: "ws://HOST:PORT"})`` makes
``@tencentcloud/chat`` connect here instead of Tencent's servers
(docs/tencent-client-protocol.md). Frames are binary JSON
(:mod:`palaver.protocol.tencent.frames`); ``/info`` is the text-frame variant
some mini-program builds use.

The first request that needs a user is ``im_open_status.wslogin``; it runs
alone, then requests run concurrently (answered when done), except that one
connection's sends are stored in the order they arrived. Heartbeats are
answered at once, ahead of any work in flight, and push acks are noted at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING

from aiohttp import WSMsgType, web

from palaver.api.inflight import InFlight
from palaver.api.media import public_base
from palaver.api.tencent import commands  # noqa: F401  (registers the commands)
from palaver.api.tencent.core import (
    INLINE,
    NO_ANSWER,
    InlineHandler,
    ResumePositions,
    TencentSession,
    find,
    invalid_code,
    parse_body,
    reset_current_request,
    set_current_request,
)
from palaver.api.upgrade_gate import open_websocket
from palaver.errors import Code, ImError
from palaver.limits import screen
from palaver.logcontext import request_id
from palaver.protocol.tencent.frames import (
    COMPRESSED,
    MAX_FRAME_BYTES,
    Request,
    decode_request,
    encode_answer,
    encode_error,
)
from palaver.protocol.tencent.pushes import TencentCodec
from palaver.realtime.connection import Connection

if TYPE_CHECKING:
    from palaver.hub import Hub

log = logging.getLogger("palaver.tencent")

MAX_IN_FLIGHT = 256  # requests of one connection handled at once
OP_GRACE = 10.0  # seconds requests in flight may finish after their connection ends
HEARTBEAT = "heartbeat.alive"
PUSH_ACK = "openim.ws_msg_push_ack"
LOGIN = "im_open_status.wslogin"


class TextTencentCodec(TencentCodec):
    """The same pushes in text frames (``/info``)."""

    name = "tencent-text"
    binary = False


TEXT_CODEC = TextTencentCodec()
BINARY_CODEC = TencentCodec()


class TencentEndpoint:
    """The aiohttp handler of ``/binfo`` and ``/info``."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.resume = ResumePositions()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Serve one SDK instance until it disconnects. A busy server answers the
        upgrade request 503 + ``Retry-After`` instead (:mod:`palaver.api.upgrade_gate`)."""
        hub = self.hub
        opened = await open_websocket(hub, request, "tencent", MAX_FRAME_BYTES)
        if isinstance(opened, web.Response):
            return opened  # busy: 503 + Retry-After, nothing upgraded
        ws, arrival = opened
        text = request.path.endswith("/info")
        conn = Connection(
            ws,
            queue_frames=hub.settings.send_queue_frames,
            loader=hub.catch_up.user,
            group_loader=hub.catch_up.group,
            transport=request.transport,
            codec=TEXT_CODEC if text else BINARY_CODEC,
            close_on_kick=False,
        )
        session = TencentSession(hub, conn, self.resume, request.query.get("instanceid", "")[:64])
        public = hub.settings.public_url
        session.base_url = (public or f"https://{request.host}").rstrip("/")
        session.origin = (public or public_base(request, None)).rstrip("/")
        slots = InFlight(MAX_IN_FLIGHT)
        deadline = asyncio.get_running_loop().call_later(
            hub.settings.login_timeout, _login_deadline, session
        )
        try:
            async for msg in ws:
                conn.last_seen = time.monotonic()
                if msg.type not in (WSMsgType.BINARY, WSMsgType.TEXT):
                    continue
                req = read_request(conn, msg.data)
                if req is None:
                    continue
                if req.servcmd == HEARTBEAT:
                    conn.send(encode_answer(req))  # ahead of everything in flight
                    del msg, req  # an idle connection keeps no frame (issue 16)
                    continue
                if req.servcmd == PUSH_ACK:  # one per push: noted here, without a task
                    data = req.body.get("SessionData")
                    session.note_ack(data if isinstance(data, str) else "")
                    continue
                if session.app is None:
                    arrival.done()  # its login is on its way to the gate
                    if held_for_login(session, req):
                        continue
                    answer(session, await run(session, req))  # login runs alone
                    if req.servcmd == LOGIN:  # what came before it runs now, or is refused
                        early, session.early = session.early, []
                        for e in early:
                            if session.app is None:
                                conn.send(
                                    encode_error(e.servcmd, e.seq, Code.ERR_SDK_NOT_LOGGED_IN)
                                )
                                continue
                            await slots.acquire()
                            self._spawn(session, e, slots)
                    continue
                await slots.acquire()
                self._dispatch(session, req, slots)
        finally:
            deadline.cancel()
            arrival.done()
            async with hub.teardowns:  # a few at a time when thousands drop at once
                await self._end(session)
        return ws

    async def _end(self, session: TencentSession) -> None:
        conn = session.conn
        session.early.clear()  # their login never came: the SDK times them out
        if session.app is not None:
            self.hub.registry.remove(conn)
            self.resume.keep(
                (session.app.sdkappid, session.user_id, session.instance_id), session.acked
            )
            with contextlib.suppress(Exception):  # the backend's trouble, not ours
                await self.hub.sessions.state_change(
                    session.app, session.user_id, "Disconnect", "LinkClose", conn.platform
                )
            session.app = None
        pending = session.tasks.running()
        if pending:
            _, late = await asyncio.wait(pending, timeout=OP_GRACE)
            for task in late:
                task.cancel()
            if late:
                await asyncio.gather(*late, return_exceptions=True)
        await conn.finished()

    def _dispatch(self, session: TencentSession, req: Request, slots: InFlight) -> None:
        """Run a request of a logged-in session (its slot acquired): in the read
        loop if its command has a fast lane that takes it, else as a task."""
        inline = INLINE.get(req.servcmd)
        if inline is not None:
            if not session.slow_inline and self._inline(session, req, inline, slots):
                return
            session.slow_inline += 1
        self._spawn(session, req, slots, inline is not None)

    def _spawn(
        self,
        session: TencentSession,
        req: Request,
        slots: InFlight,
        counted: bool = False,
    ) -> None:
        session.tasks.add(asyncio.create_task(self._run(session, req, slots, counted)))

    @staticmethod
    def _inline(
        session: TencentSession, req: Request, handler: InlineHandler, slots: InFlight
    ) -> bool:
        """Run ``req``'s fast lane in the read loop: ``True`` if it was handled
        (its answer comes later, from the writer, or was queued now), ``False`` to
        run it as a task. The in-flight slot is released with the answer."""
        if session.app is not None:  # as run(): settings changed since login apply now
            session.app = session.hub.apps.current(session.app)

        def finish(frame: bytes) -> None:
            slots.release()
            session.conn.send(frame)

        try:
            return handler(session, req, finish)
        except Exception:
            log.exception("%s failed", req.servcmd)
            finish(encode_error(req.servcmd, req.seq, Code.ERR_SVR_ACCOUNT_INTERNAL_ERROR))
            return True

    @staticmethod
    async def _run(
        session: TencentSession, req: Request, slots: InFlight, counted: bool = False
    ) -> None:
        if counted:
            session.slow_inline -= 1  # its lane ticket is taken before run() first awaits
        request_id.set(f"{session.conn.id[:8]}:{req.seq}")
        try:
            answer(session, await run(session, req))
        finally:
            slots.release()


def _login_deadline(session: TencentSession) -> None:
    """A socket that has not logged in within ``login_timeout`` is closed."""
    if session.app is None:
        session.conn.close(1000, "no login in time")


def read_request(conn: Connection, data: bytes) -> Request | None:
    """Decode a client frame and screen it (:func:`palaver.limits.screen`: NUL,
    huge numbers, deep JSON); ``None`` after answering a bad one with its code."""
    try:
        req = decode_request(data)
    except ImError as exc:
        bad: Request | None = getattr(exc, "request", None)
        if bad is not None:
            conn.send(encode_error(bad.servcmd, bad.seq, exc.code, exc.info))
        return None
    try:  # a compressed frame is walked
        screen(
            data if data[:4] != COMPRESSED else b"", (req.head, req.body), invalid_code(req.servcmd)
        )
    except ImError as exc:
        conn.send(encode_error(req.servcmd, req.seq, exc.code, exc.info))
        return None
    return req


#: Most requests kept while the login they wait for has not come.
MAX_EARLY = 64


def held_for_login(session: TencentSession, req: Request) -> bool:
    """Keep a request that came on a new socket before its re-login: the SDK
    re-sends what was in flight, with its session key, ahead of ``wslogin``.
    It runs once the login succeeds (and is refused if the socket ends first)."""
    cmd = find(req.servcmd)
    if cmd is None or cmd.anonymous or not req.head.get("a2"):
        return False
    if len(session.early) >= MAX_EARLY:
        return False
    session.early.append(req)
    return True


def answer(session: TencentSession, frame: bytes | None) -> None:
    """Queue an answer (``None``: the command takes none), then run the
    session's :attr:`~TencentSession.after_answer` hook if a command set it."""
    if frame is not None:
        session.conn.send(frame)
    hook, session.after_answer = session.after_answer, None
    if hook is not None:
        hook()


async def run(session: TencentSession, req: Request) -> bytes | None:
    """Run one request; its answer frame (errors are Tencent-coded answers;
    ``None`` for commands the SDK expects no answer to)."""
    token = set_current_request(req)
    try:
        if session.conn.kicked:  # a newer login or a REST kick replaced this one
            session.log_out()
        cmd = find(req.servcmd)
        if cmd is None:
            raise ImError(Code.ERR_SVR_COMM_INVALID_RES, f"{req.servcmd} is not supported")
        if session.app is None and not cmd.anonymous:
            raise ImError(Code.ERR_SDK_NOT_LOGGED_IN, "log in first")
        if session.app is not None:  # settings changed since login apply now (no await)
            session.app = session.hub.apps.current(session.app)
            now = session.hub.clock.time()
            if session.expires and now >= session.expires and not cmd.anonymous:
                # the SDK takes this code as KICKED_OUT userSigExpired and starts over
                session.log_out()
                raise ImError(Code.ERR_SVR_ACCOUNT_USERSIG_EXPIRED)
        result = await cmd.handler(session, parse_body(cmd, req))
        if result is NO_ANSWER:
            return None
        return encode_answer(req, result)
    except ImError as exc:
        return encode_error(req.servcmd, req.seq, exc.code, exc.info, **getattr(exc, "answer", {}))
    except Exception:
        log.exception("%s failed", req.servcmd)
        return encode_error(req.servcmd, req.seq, Code.ERR_SVR_ACCOUNT_INTERNAL_ERROR)
    finally:
        reset_current_request(token)


def add_routes(app: web.Application, hub: Hub) -> None:
    """Serve the endpoint where ``proxyServer`` points the SDK: ``/binfo`` and
    ``/info`` at the root (``proxyServer: "ws://HOST:PORT"``) and under ``/ws``."""
    endpoint = TencentEndpoint(hub)
    for path in ("/binfo", "/info", "/ws/binfo", "/ws/info"):
        app.router.add_get(path, endpoint.handle)
    app[ENDPOINT_KEY] = endpoint


ENDPOINT_KEY = web.AppKey("tencent", TencentEndpoint)
