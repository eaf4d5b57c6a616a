"""The WebSocket endpoint ``/ws``: frames in, operations dispatched, frames out.

Protocol: docs/protocol.md.  The first request must be ``login``; after it,
requests run concurrently (each answered when done), except that
``sendMessage`` requests of one connection are stored in the order they
arrived.  Operations register with :func:`op` and get the :class:`Session` and
the request data parsed into their pydantic model (a bad field answers 6017).
Heartbeats of a logged-in client are answered by the read loop itself, ahead
of any work in flight (issue 20).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from aiohttp import WSMsgType, web
from pydantic import BaseModel, ConfigDict, ValidationError

from palaver.api.inflight import InFlight, TaskSet
from palaver.api.upgrade_gate import open_websocket
from palaver.errors import Code, ImError
from palaver.limits import screen
from palaver.logcontext import request_id
from palaver.model.messages import MessageRecord
from palaver.protocol.frames import (
    CLOSE_HEARTBEAT,
    MAX_FRAME_BYTES,
    Request,
    encode_error,
    encode_response,
    parse_client_frame,
)
from palaver.protocol.objects import message_wire
from palaver.realtime.connection import Connection
from palaver.services.sending import SendLane

if TYPE_CHECKING:
    from palaver.hub import Hub
    from palaver.services.apps import App

log = logging.getLogger("palaver.ws")

MAX_IN_FLIGHT = 256  # requests of one connection handled at once
HEARTBEAT = "heartbeat"
OP_GRACE = 10.0  # seconds requests in flight may finish after their connection ends


class OpModel(BaseModel):
    """Base of operation data models: unknown fields ignored, SDK field names."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


M = TypeVar("M", bound=OpModel)


@dataclass(slots=True)
class Session:
    """One connection's login state, what operations work with."""

    hub: Hub
    conn: Connection
    app: App | None = None
    user_id: str = ""
    lane: SendLane | None = None  # keeps this client's sends in order
    #: run once the current response is queued (login starts the stream, logout closes)
    after_response: Callable[[], None] | None = None
    #: its requests running as tasks
    tasks: TaskSet = field(default_factory=TaskSet)
    #: its requests in flight (tasks and fast-lane sends not answered yet)
    slots: InFlight = field(default_factory=lambda: InFlight(MAX_IN_FLIGHT))
    #: requests of an inline-capable op (``sendMessage``) whose task has not started
    #: yet: while any has not, later ones take the task path too. A started C2C
    #: send takes its lane ticket before its first await, and the fast lane waits
    #: for an idle lane, so no send overtakes an earlier one
    slow_inline: int = 0

    def answer(self, frame: bytes) -> None:
        """Queue a response, then run :attr:`after_response` if an op set it."""
        self.conn.send(frame)
        hook, self.after_response = self.after_response, None
        if hook is not None:
            hook()

    def finish(self, frame: bytes) -> None:
        """Answer a request that held a slot (:attr:`slots`), and free the slot."""
        self.answer(frame)
        self.slots.release()

    @property
    def logged_in(self) -> bool:
        return self.app is not None

    def require_app(self) -> App:
        """The logged-in app. Raises ImError(Code.ERR_SDK_NOT_LOGGED_IN) before login."""
        if self.app is None:
            raise ImError(Code.ERR_SDK_NOT_LOGGED_IN, "not logged in")
        return self.app


OpHandler = Callable[[Session, Any], Awaitable[dict[str, Any] | None]]


@dataclass(frozen=True)
class Op:
    name: str
    model: type[OpModel]
    handler: OpHandler


OPS: dict[str, Op] = {}

#: ``handler(session, request id, data, answer) -> queued``: an operation's fast
#: lane, run by the read loop itself (no task). ``True``: it was queued and will
#: call ``answer(frame)`` exactly once, in request order with the other sends of
#: the connection; ``False``: nothing done, the request takes the normal path.
InlineHandler = Callable[[Session, Any, dict[str, Any], Callable[[bytes], None]], bool]
INLINE: dict[str, InlineHandler] = {}


def op(
    name: str, model: type[M]
) -> Callable[[Callable[[Session, M], Awaitable[dict[str, Any] | None]]], OpHandler]:
    """Register ``handler(session, data: model) -> response data`` for ``op``."""

    def register(fn: Callable[[Session, M], Awaitable[dict[str, Any] | None]]) -> OpHandler:
        OPS[name] = Op(name, model, fn)
        return fn

    return register


def parse_data(model: type[M], data: dict[str, Any]) -> M:
    """Validate request data; a bad field raises ImError(Code.ERR_INVALID_PARAMETERS) naming it."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "data"
        raise ImError(Code.ERR_INVALID_PARAMETERS, f"{where}: {err['msg']}") from None


def parse_message_id(text: str) -> int:
    """A message ``ID`` (decimal storage id) as an int. Raises ImError(Code.ERR_INVALID_PARAMETERS)."""
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise ImError(Code.ERR_INVALID_PARAMETERS, "invalid message ID")
    return int(text)


def error_data(exc: ImError, viewer: str) -> dict[str, Any] | None:
    """What an error frame carries besides its code: an edit's conflict (20027)
    gives the message as it is now."""
    current = getattr(exc, "message", None)
    if isinstance(current, MessageRecord):
        return {"message": message_wire(current, viewer)}
    return None


def error_frame(rid: Any, exc: BaseException) -> bytes:
    """The error response to request ``rid`` that raised ``exc`` (Tencent-coded;
    anything but an ImError is logged and answered 70500)."""
    if isinstance(exc, ImError):
        return encode_error(rid, exc.code, exc.info, getattr(exc, "retry_after_ms", None))
    log.error("request %s failed", rid, exc_info=exc)
    return encode_error(rid, 70500)


async def run_op(session: Session, req: Request) -> bytes:
    """Run one request; the response frame (errors are Tencent-coded frames)."""
    try:
        spec = OPS.get(req.op)
        if spec is None:
            raise ImError(Code.ERR_SVR_COMM_INVALID_RES, f"unknown op {req.op!r}")
        if not session.logged_in and req.op != "login":
            raise ImError(Code.ERR_SDK_NOT_LOGGED_IN, "log in first")
        if session.app is not None:  # settings changed since login apply now (no await:
            session.app = session.hub.apps.current(session.app)  # requests keep their order)
        result = await spec.handler(session, parse_data(spec.model, req.data))
        return encode_response(req.id, result)
    except ImError as exc:
        return encode_error(
            req.id,
            exc.code,
            exc.info,
            getattr(exc, "retry_after_ms", None),
            error_data(exc, session.user_id),
        )
    except Exception:
        log.exception("op %s failed", req.op)
        return encode_error(req.id, 70500)


def _login_deadline(session: Session) -> None:
    """A socket that has not logged in within ``login_timeout`` is closed (4000)."""
    if not session.logged_in:
        session.conn.close(CLOSE_HEARTBEAT, "no login in time")


def _read_frame(conn: Connection, data: bytes) -> Request | None:
    """The request in a text frame's ``data``; ``None`` when it is malformed or
    hostile (deep, NUL, huge numbers: issue 13), after its error answer was queued."""
    try:
        req = parse_client_frame(data)
    except ImError as exc:
        conn.send(encode_error(getattr(exc, "request_id", None), exc.code, exc.info))
        return None
    try:
        screen(data, req.data, Code.ERR_INVALID_PARAMETERS)
    except ImError as exc:
        conn.send(encode_error(req.id, exc.code, exc.info))
        return None
    return req


class WebSocketEndpoint:
    """The aiohttp handler of ``/ws``."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Serve one client until it disconnects. A busy server answers the
        upgrade request 503 + ``Retry-After`` instead (:mod:`palaver.api.upgrade_gate`)."""
        hub = self.hub
        opened = await open_websocket(hub, request, "palaver", MAX_FRAME_BYTES)
        if isinstance(opened, web.Response):
            return opened  # busy: 503 + Retry-After, nothing upgraded
        ws, arrival = opened
        conn = Connection(
            ws,
            queue_frames=hub.settings.send_queue_frames,
            loader=hub.catch_up.user,
            group_loader=hub.catch_up.group,
            transport=request.transport,
        )
        session = Session(hub, conn)
        deadline: asyncio.TimerHandle | None = asyncio.get_running_loop().call_later(
            hub.settings.login_timeout, _login_deadline, session
        )

        try:
            async for msg in ws:
                conn.last_seen = time.monotonic()
                if msg.type == WSMsgType.BINARY:
                    await ws.close(code=1003, message=b"text frames only")
                    break
                if msg.type != WSMsgType.TEXT:
                    continue
                req = _read_frame(conn, msg.data)
                if req is None:
                    continue
                if not session.logged_in:
                    arrival.done()  # at the gate now (or refused)
                    session.answer(await run_op(session, req))  # login runs alone
                    if session.logged_in and deadline is not None:
                        deadline.cancel()
                        deadline = None
                    del msg, req  # an idle connection keeps no frame (issue 16)
                    continue
                if req.op == HEARTBEAT:  # answered at once, ahead of everything in flight
                    conn.send(encode_response(req.id, {"serverTime": int(time.time())}))
                    del msg, req
                    continue
                await session.slots.acquire()
                inline = INLINE.get(req.op)
                if inline is not None:
                    if not session.slow_inline and self._inline(session, req, inline):
                        continue
                    session.slow_inline += 1
                session.tasks.add(asyncio.create_task(self._run(session, req, inline is not None)))
        finally:
            if deadline is not None:
                deadline.cancel()
            arrival.done()
            async with hub.teardowns:  # a few at a time when thousands drop at once
                await self._end(session)
        return ws

    async def _end(self, session: Session) -> None:
        hub, conn = self.hub, session.conn
        if session.app is not None:
            hub.registry.remove(conn)
            with contextlib.suppress(Exception):  # the backend's trouble, not ours
                await hub.sessions.state_change(
                    session.app, conn.user_id, "Disconnect", "LinkClose", conn.platform
                )
        # Let requests in flight finish: a send whose message is being
        # committed must still be published to the other devices. Only
        # what is still running after OP_GRACE seconds is cancelled.
        pending = session.tasks.running()
        if pending:
            _, late = await asyncio.wait(pending, timeout=OP_GRACE)
            for task in late:
                task.cancel()
            if late:  # let cancelled ops release their database connections now
                await asyncio.gather(*late, return_exceptions=True)
        await conn.finished()

    def _inline(self, session: Session, req: Request, handler: InlineHandler) -> bool:
        """Run ``req``'s fast lane in the read loop: ``True`` if it was handled
        (queued, or refused at once; answered through :meth:`Session.finish`),
        ``False`` to run it as a task."""
        if session.app is not None:  # as run_op: settings changed since login apply now
            session.app = session.hub.apps.current(session.app)
        try:
            return handler(session, req.id, req.data, session.finish)
        except Exception as exc:
            session.finish(error_frame(req.id, exc))
            return True

    @staticmethod
    async def _run(session: Session, req: Request, counted: bool = False) -> None:
        if counted:
            session.slow_inline -= 1  # its lane ticket is taken before run_op first awaits
        request_id.set(f"{session.conn.id[:8]}:{req.id}")
        try:
            session.answer(await run_op(session, req))
        finally:
            session.slots.release()
