"""Commands of Tencent's client protocol: registration, sessions and body models.

A handler is registered for a command name (``@command("openim", "sendmsg")``)
and gets the :class:`TencentSession` and the request body parsed into its
pydantic model (Tencent's wire names; unknown fields ignored). It returns the
answer body (Tencent's wire names) or ``None`` for an empty success; an
:class:`~palaver.errors.ImError` becomes an error answer with its code, which
the SDK turns into a rejected promise.

Groups of the ``Community`` type arrive under ``million_group_open_http_svc``
and are served by the same handlers as ``group_open_http_svc``. A request about
a topic's messages names the group as ``GroupId`` and the topic as ``TopicId``;
the topic is then the ``GroupId`` the handler sees (a topic is its own message
stream, :mod:`palaver.services.groups.topic_messages`).
"""

from __future__ import annotations

import contextvars
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from palaver.api.inflight import TaskSet
from palaver.errors import Code, ImError
from palaver.protocol.tencent.frames import Request

if TYPE_CHECKING:
    from palaver.hub import Hub
    from palaver.realtime.connection import Connection
    from palaver.services.apps import App
    from palaver.services.sending import SendLane

log = logging.getLogger("palaver.tencent")


class Body(BaseModel):
    """Base of request body models: Tencent's wire names, unknown fields ignored."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


B = TypeVar("B", bound=Body)

#: Services whose commands are the same as another's.
SERVICE_ALIASES = {"million_group_open_http_svc": "group_open_http_svc"}

#: The invalid-parameter code of each service, as Tencent's REST API answers it.
INVALID = {
    "openim": Code.ERR_SVR_MSG_JSON_PARSE_FAILED,
    "group_open_http_svc": Code.ERR_SVR_GROUP_INVALID_PARAMETERS,
    "group_open_attr_http_svc": Code.ERR_SVR_GROUP_INVALID_PARAMETERS,
    "sns": Code.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS,
    "profile": Code.ERR_SVR_PROFILE_INVALID_PARAMETERS,
    "recentcontact": Code.ERR_SVR_CONV_INVALID_PARAMETERS,
}


#: Stream positions of recently ended connections are kept this many seconds
#: (and at most RESUME_KEEP of them) for the reconnect that follows.
RESUME_TTL = 3600.0
RESUME_KEEP = 100_000

#: What a handler returns for a command that gets no answer (acks).
NO_ANSWER: dict[str, Any] = {}


class ResumePositions:
    """What each recently ended connection had acknowledged, by (app, user, SDK
    instance), so the same instance resumes without replaying much (this node only;
    elsewhere the ``getmsg`` cookie says where to resume)."""

    def __init__(self) -> None:
        self._kept: OrderedDict[tuple[int, str, str], tuple[float, dict[str, int]]] = OrderedDict()

    def keep(self, key: tuple[int, str, str], acked: dict[str, int]) -> None:
        """Remember ``acked`` for ``key`` (the oldest entries go past the bound)."""
        if not acked or not key[2]:
            return
        self._kept[key] = (time.monotonic(), dict(acked))
        self._kept.move_to_end(key)
        while len(self._kept) > RESUME_KEEP:
            self._kept.popitem(last=False)

    def take(self, key: tuple[int, str, str]) -> dict[str, int] | None:
        """The positions kept for ``key`` (forgotten now), or ``None``."""
        hit = self._kept.pop(key, None)
        if hit is None or time.monotonic() - hit[0] > RESUME_TTL:
            return None
        return hit[1]


@dataclass(slots=True)
class TencentSession:
    """One connection's state: who is logged in, and where its streams stand.

    ``acked``: the last user-stream ``seq`` and group ``MsgSeq`` the client
    acknowledged (``ws_msg_push_ack``); kept when the connection ends, so a
    reconnect of the same SDK instance resumes from there.
    ``waiting_cookie``: logged in again after a reconnect without a known
    position: the streams start at the ``getmsg`` that follows, from its cookie.
    """

    hub: Hub
    conn: Connection
    resume: ResumePositions
    instance_id: str
    app: App | None = None
    user_id: str = ""
    #: when the UserSig the session came from stops working (unix s)
    expires: int = 0
    inst_id: int = 0
    lane: SendLane | None = None
    waiting_cookie: bool = False
    acked: dict[str, int] = field(default_factory=dict)
    #: run once the current answer is queued (login starts the streams)
    after_answer: Callable[[], None] | None = None
    #: requests that came before the (re-)login they need, oldest first
    early: list[Request] = field(default_factory=list)
    tasks: TaskSet = field(default_factory=TaskSet)
    #: the origin media URLs start with (``https://`` + the socket's Host, or the
    #: ``public_url`` setting): the SDK swaps it for its ``fileUploadProxy``
    base_url: str = ""
    #: the origin clients really reach (``http://`` on a plain socket): media URLs in
    #: messages are stored with it (:func:`own_media_urls`)
    origin: str = ""
    #: fast-lane commands (:data:`INLINE`) sent to a task and not started yet: while
    #: any is, later ones take the task path too, so sends keep their order
    slow_inline: int = 0

    def require_app(self) -> App:
        """The logged-in app. Raises ImError(6014) before login."""
        if self.app is None:
            raise ImError(Code.ERR_SDK_NOT_LOGGED_IN, "not logged in")
        return self.app

    def note_ack(self, session_data: str) -> None:
        """The SDK acknowledged a push (``openim.ws_msg_push_ack``): its
        ``SessionData`` (``u:<seq>`` or ``GROUP<id>:<seq>``) says how far the
        client holds that stream. Ignored before login, for a group the
        connection is not in, or when malformed."""
        stream, _, seq = session_data.rpartition(":")
        if self.app is None or not (seq.isascii() and seq.isdigit() and len(seq) < 19):
            return
        if stream == "u" or (stream.startswith("GROUP") and stream[5:] in self.conn.groups):
            at = int(seq)
            if at > self.acked.get(stream, 0):
                self.acked[stream] = at

    def log_out(self) -> None:
        """End the login, keeping the socket (the SDK may log in again on it):
        no more pushes, positions kept for a reconnect of this instance."""
        if self.app is None:
            return
        self.hub.registry.remove(self.conn)
        self.resume.keep((self.app.sdkappid, self.user_id, self.instance_id), self.acked)
        self.conn.detach()
        self.app, self.user_id, self.lane = None, "", None
        self.waiting_cookie = False
        self.acked = {}


Handler = Callable[[TencentSession, Any], Awaitable[dict[str, Any] | None]]

#: The request being handled (each runs in its own task, so each sees its own).
_current: contextvars.ContextVar[Request] = contextvars.ContextVar("tencent_request")


def current_request() -> Request:
    """The request the running handler serves (its ``head`` carries credentials)."""
    return _current.get()


def set_current_request(req: Request) -> contextvars.Token[Request]:
    """Make ``req`` the current request (see :func:`current_request`)."""
    return _current.set(req)


def reset_current_request(token: contextvars.Token[Request]) -> None:
    """Undo :func:`set_current_request`."""
    _current.reset(token)


@dataclass(frozen=True)
class Command:
    """A registered command: its body model and handler."""

    service: str
    name: str
    model: type[Body]
    handler: Handler
    #: may run before login (heartbeats, telemetry, config)
    anonymous: bool = False


COMMANDS: dict[str, Command] = {}

#: ``handler(session, request, answer) -> handled``: a command's fast lane, run by
#: the endpoint's read loop itself (no task, no pydantic model). ``True``: it was
#: queued (or refused at once) and calls ``answer(frame)`` exactly once, in order
#: with the connection's other sends; ``False``: nothing done, the request takes
#: the task path (:data:`COMMANDS`).
InlineHandler = Callable[[TencentSession, Request, Callable[[bytes], None]], bool]
INLINE: dict[str, InlineHandler] = {}


def command(
    service: str, name: str, model: type[B], *, anonymous: bool = False
) -> Callable[[Callable[[TencentSession, B], Awaitable[dict[str, Any] | None]]], Handler]:
    """Register ``handler(session, body: model) -> answer body`` for ``service.name``."""

    def register(fn: Callable[[TencentSession, B], Awaitable[dict[str, Any] | None]]) -> Handler:
        COMMANDS[f"{service}.{name}"] = Command(service, name, model, fn, anonymous)
        return fn

    return register


def find(servcmd: str) -> Command | None:
    """The command a ``servcmd`` names (service aliases applied), or ``None``."""
    service, _, name = servcmd.partition(".")
    return COMMANDS.get(f"{SERVICE_ALIASES.get(service, service)}.{name}")


def invalid_code(servcmd: str) -> int:
    """The invalid-parameter code of ``servcmd``'s service (6017 if it has none)."""
    cmd = find(servcmd)
    return INVALID.get(cmd.service if cmd else "", Code.ERR_INVALID_PARAMETERS)


#: Commands whose ``TopicId`` names a topic itself, not the topic's message stream.
TOPIC_COMMANDS = frozenset({"create_topic", "destroy_topic", "modify_topic", "get_topic"})


def parse_body(cmd: Command, request: Request) -> Body:
    """Validate a body; a bad field raises the service's invalid-parameter code naming it.
    A ``TopicId`` (a topic's message) replaces ``GroupId``."""
    body = request.body
    topic = body.get("TopicId") if isinstance(body, dict) else None
    if topic and isinstance(topic, str) and cmd.name not in TOPIC_COMMANDS:
        body = {**body, "GroupId": topic}
    try:
        return cmd.model.model_validate(body)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "body"
        code = INVALID.get(cmd.service, Code.ERR_INVALID_PARAMETERS)
        raise ImError(code, f"{where}: {err['msg']}") from None
