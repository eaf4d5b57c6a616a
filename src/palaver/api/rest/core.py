"""The Tencent IM REST surface: ``POST /v4/{service}/{command}``.

Follows Tencent IM "REST API overview" (cloud.tencent.com/document/api/269/1519):

- query ``sdkappid``, ``identifier`` (an App admin), ``usersig`` (that admin's
  UserSig, raw with ``*``/``-``/``_`` or percent-encoded), ``random`` and
  ``contenttype`` — ``random`` and ``contenttype`` may be missing;
- a JSON object body, whatever the Content-Type header says (an empty body is
  ``{}``); GET with a JSON body works like POST;
- the answer is always HTTP 200 with the envelope
  ``{"ActionStatus": "OK"|"FAIL", "ErrorCode": int, "ErrorInfo": str, ...}``.

Command handlers register with :func:`command` and receive a
:class:`RestRequest` and the body parsed into their pydantic model.  A model's
``field_codes`` maps a field to the Tencent code for a bad value of it; any
other validation failure gets the service's ``invalid`` code.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import orjson
from aiohttp import web
from pydantic import BaseModel, ConfigDict, ValidationError

from palaver.errors import Code, ImError
from palaver.limits import parse_sdkappid, screen
from palaver.logcontext import new_request_id
from palaver.services.accounts import voided_by_kick
from palaver.usersig import UserSigInfo

if TYPE_CHECKING:
    from palaver.hub import Hub
    from palaver.services.apps import App

log = logging.getLogger("palaver.rest")


@dataclass(frozen=True)
class ServiceCodes:
    """Per-service error codes: caller not an admin, body not JSON, bad parameter."""

    not_admin: int
    bad_json: int
    invalid: int
    error_display: bool = False  # sns, profile and recentcontact add "ErrorDisplay"


#: A caller that is not an App admin gets 60010 from the REST gateway, except on
#: the account service, whose pages document 70403 ("requires App admin").
SERVICES: dict[str, ServiceCodes] = {
    "im_open_login_svc": ServiceCodes(70403, 60003, 70402),
    "openim": ServiceCodes(60010, 90001, 90001),
    "sns": ServiceCodes(60010, 30001, 30001, error_display=True),
    "profile": ServiceCodes(60010, 40001, 40001, error_display=True),
    "recentcontact": ServiceCodes(60010, 50002, 50002, error_display=True),
    "group_open_http_svc": ServiceCodes(60010, 10011, 10004),
    "group_open_attr_http_svc": ServiceCodes(60010, 10011, 10004),
    "openim_dirty_words": ServiceCodes(60010, 90001, 90001),
    "openconfigsvr": ServiceCodes(60010, 130001, 130005),
    "all_member_push": ServiceCodes(60010, 90001, 90001),
    "openim_msg_ext_http_svc": ServiceCodes(60010, 90001, 90001),
}


class Wire(BaseModel):
    """Base of REST request models: unknown fields are ignored, names are Tencent's."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    #: field name -> Tencent error code when that field is missing or invalid.
    field_codes: ClassVar[dict[str, int]] = {}


@dataclass(frozen=True)
class RestRequest:
    """What a command handler gets besides its body: the app, the admin caller, the hub."""

    app: App
    identifier: str
    hub: Hub
    codes: ServiceCodes
    client_ip: str = ""  # the caller's address (the callbacks' ClientIP)


M = TypeVar("M", bound=Wire)
Handler = Callable[[RestRequest, Any], Awaitable[dict[str, Any] | None]]


@dataclass(frozen=True)
class Command:
    service: str
    name: str
    model: type[Wire]
    handler: Handler


REGISTRY: dict[tuple[str, str], Command] = {}


def command(
    service: str, name: str, model: type[M]
) -> Callable[[Callable[[RestRequest, M], Awaitable[dict[str, Any] | None]]], Handler]:
    """Register ``handler(request, body: model) -> extra envelope fields`` for a path."""
    if service not in SERVICES:
        raise ValueError(f"unknown service {service}")

    def register(fn: Callable[[RestRequest, M], Awaitable[dict[str, Any] | None]]) -> Handler:
        REGISTRY[(service, name)] = Command(service, name, model, fn)
        return fn

    return register


def parse_body(model: type[M], body: dict[str, Any], codes: ServiceCodes) -> M:
    """Validate ``body`` into ``model``; a bad field raises ImError with its Tencent code."""
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = err["loc"]
        field = str(loc[0]) if loc else ""
        code = model.field_codes.get(field, codes.invalid)
        where = ".".join(str(p) for p in loc) or "body"
        raise ImError(code, f"{where}: {err['msg']}") from None


def envelope(codes: ServiceCodes | None, error: ImError | None = None, **extra: Any) -> bytes:
    """Serialise the Tencent envelope (``ActionStatus``, ``ErrorCode``, ``ErrorInfo``)."""
    out: dict[str, Any] = {
        "ActionStatus": "FAIL" if error else "OK",
        "ErrorCode": error.code if error else 0,
        "ErrorInfo": error.info if error else "",
    }
    if codes is not None and codes.error_display:
        out["ErrorDisplay"] = ""
    out.update(extra)
    return orjson.dumps(out)


class _SigCache:
    """Verified admin UserSigs, so a busy backend is not re-verified on every call."""

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._items: dict[tuple[int, str, str], UserSigInfo] = {}

    def get(self, key: tuple[int, str, str]) -> UserSigInfo | None:
        return self._items.get(key)

    def put(self, key: tuple[int, str, str], info: UserSigInfo) -> None:
        if len(self._items) >= self._size:
            self._items.clear()
        self._items[key] = info


class _QpsLimit:
    """Calls per app in the current second (a fixed one-second window)."""

    def __init__(self) -> None:
        self._windows: dict[int, tuple[int, int]] = {}

    def admit(self, app: App, now: float) -> None:
        """Count a call. Raises ImError 60007 past the app's ``rest_qps``."""
        limit = app.settings.rest_qps
        if not limit:
            return
        second = int(now)
        start, count = self._windows.get(app.sdkappid, (second, 0))
        if start != second:
            start, count = second, 0
        if count >= limit:
            raise ImError(
                Code.ERR_SVR_COMM_RATE_LIMITED, f"more than {limit} REST calls a second (rest_qps)"
            )
        self._windows[app.sdkappid] = (start, count + 1)


class RestApi:
    """The aiohttp handler for ``/v4/{service}/{command}``."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self._sigs = _SigCache()
        self._qps = _QpsLimit()

    async def authenticate(self, query: Any, codes: ServiceCodes) -> tuple[App, str]:
        """Check ``sdkappid``/``identifier``/``usersig`` and that the caller is an admin.

        Raises:
            ImError: 60012 sdkappid missing, 60006 not a number of 1-10 ASCII
                digits below 2^32, 70020 unknown app,
                60004 identifier missing, 70002 usersig missing, 700xx bad UserSig,
                70052 UserSig issued before a kick, ``codes.not_admin`` not an admin.
        """
        raw_app = query.get("sdkappid")
        if not raw_app:
            raise ImError(Code.ERR_SVR_COMM_SDKAPPID_MISS)
        sdkappid = parse_sdkappid(raw_app)
        app = await self.hub.apps.get(sdkappid)
        if app is None:
            raise ImError(Code.ERR_SVR_ACCOUNT_SDKAPPID_NOT_FOUND)
        identifier = query.get("identifier")
        if not identifier:
            raise ImError(Code.ERR_SVR_COMM_INVALID_ACCOUNT, "identifier missing")
        sig = (query.get("usersig") or "").strip()
        if not sig:
            raise ImError(Code.ERR_SVR_ACCOUNT_USERSIG_EMPTY)
        key = (sdkappid, identifier, sig)
        info = self._sigs.get(key)
        now = int(time.time())
        if info is None:
            info = app.verify_usersig(sig, identifier, now)
            self._sigs.put(key, info)
        elif now > info.expires_at:
            raise ImError(Code.ERR_SVR_ACCOUNT_USERSIG_EXPIRED)
        kicked = await self.hub.accounts.kicked_at(app, identifier)
        if kicked is not None and voided_by_kick(info.time, kicked):
            raise ImError(Code.ERR_SVR_ACCOUNT_INVALID_USERSIG)
        if not app.is_admin(identifier):
            raise ImError(codes.not_admin, f"{identifier!r} is not an App admin")
        return app, identifier

    async def handle(self, request: web.Request) -> web.Response:
        """Answer one REST call; always HTTP 200 with the Tencent envelope.

        Each call is counted by command and ``ErrorCode`` (``/metrics``
        ``palaver_rest_calls_total``; an unknown command counts as ``unknown``)."""
        service = request.match_info["service"]
        name = request.match_info["command"]
        codes = SERVICES.get(service)
        label, code = "unknown", 0
        rid = new_request_id(request.headers.get("X-Request-Id"))
        try:
            cmd = REGISTRY.get((service, name))
            if codes is None or cmd is None:
                raise ImError(Code.ERR_SVR_COMM_INVALID_RES, f"unknown command {service}/{name}")
            label = f"{service}/{name}"
            app, identifier = await self.authenticate(request.query, codes)
            self._qps.admit(app, self.hub.clock.time())  # 60007 past the app's rest_qps
            raw = await request.read()
            try:
                body = orjson.loads(raw) if raw.strip() else {}
            except orjson.JSONDecodeError:
                raise ImError(codes.bad_json, "request body is not valid JSON") from None
            if not isinstance(body, dict):
                raise ImError(codes.bad_json, "request body must be a JSON object")
            screen(raw, body, codes.invalid)  # deep, NUL, huge numbers (issue 13)
            parsed = parse_body(cmd.model, body, codes)
            result = await cmd.handler(
                RestRequest(app, identifier, self.hub, codes, request.remote or ""), parsed
            )
            payload = envelope(codes, None, **(result or {}))
        except ImError as exc:
            code = exc.code
            payload = envelope(codes, exc)
        except web.HTTPRequestEntityTooLarge:
            code = Code.ERR_SVR_MSG_BODY_SIZE_LIMIT
            payload = envelope(
                codes, ImError(Code.ERR_SVR_MSG_BODY_SIZE_LIMIT, "request body too large")
            )
        except Exception:
            log.exception("REST %s/%s failed", service, name)
            code = Code.ERR_SVR_ACCOUNT_INTERNAL_ERROR
            payload = envelope(codes, ImError(Code.ERR_SVR_ACCOUNT_INTERNAL_ERROR))
        self.hub.stats.rest_calls[(label, int(code))] += 1
        return web.Response(
            body=payload, content_type="application/json", headers={"X-Request-Id": rid}
        )
