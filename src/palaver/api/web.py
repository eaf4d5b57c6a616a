"""The browser side: the chat UI at ``/``, the JavaScript SDK at
``/sdk/palaver-chat.js`` and the development-only UserSig signer.

Pages get a Content-Security-Policy that allows only this origin's scripts and
styles, WebSocket connections back to it, and images from anywhere (avatars
and image messages are URLs); no inline script, no framing.
"""

from __future__ import annotations

import time
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import orjson
from aiohttp import web
from pydantic import BaseModel, Field, ValidationError

from palaver.errors import Code, ImError
from palaver.usersig import gen_usersig_v2

if TYPE_CHECKING:
    from palaver.hub import Hub

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: https: http:; media-src 'self' https: http:; "
    "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
DEBUG_SIG_LIFETIME = 7 * 86400  # seconds

STATIC_DIR = Path(str(resources.files("palaver") / "static"))


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Add the CSP and related headers to every response that is not a WebSocket,
    errors included, unless the handler set its own (media downloads do).

    An ``on_response_prepare`` signal, not a middleware: an app with a middleware
    keeps two more coroutine frames alive for each open WebSocket (its handler runs
    inside them for the socket's life), about 0.7 KB per idle connection (issue 16)."""
    if not isinstance(response, web.WebSocketResponse):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")


class DebugSigRequest(BaseModel):
    SDKAppID: int = Field(ge=1, le=2**32 - 1)  # Tencent's SDKAppIDs are uint32
    userID: str = Field(min_length=1, max_length=45, pattern=r"^[^\x00]*$")


def add_routes(app: web.Application, hub: Hub) -> None:
    """Serve the UI (``/``, ``/static/...``), the SDK (``/sdk/...``) and ``/debug/usersig``."""

    async def index(_: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC_DIR / "index.html")

    async def debug_usersig(request: web.Request) -> web.Response:
        """``POST {"SDKAppID", "userID"}`` → ``{"code": 0, "userSig", "expire"}``.

        Only for apps whose ``debug_usersig`` setting is on (the ``make run``
        demo app), like TUIKit's ``GenerateTestUserSig``: anyone who can reach
        the server can then log in as anyone. Errors: 70020 unknown app, 70016
        signing disabled for this app, 70402 bad request or ``userID`` an App
        admin (never signed here: that would hand out the REST admin API),
        70107 not imported.
        """
        try:
            try:
                body = DebugSigRequest.model_validate(orjson.loads(await request.read()))
            except (orjson.JSONDecodeError, ValidationError):
                raise ImError(
                    Code.ERR_SVR_ACCOUNT_INVALID_PARAMETERS,
                    'expected {"SDKAppID": number, "userID": string}',
                ) from None
            app = await hub.apps.get(body.SDKAppID)
            if app is None:
                raise ImError(Code.ERR_SVR_ACCOUNT_SDKAPPID_NOT_FOUND)
            if not app.settings.debug_usersig or not app.secret_key:
                raise ImError(
                    Code.ERR_SVR_ACCOUNT_USERSIG_PUBLICKEY_NOT_FOUND,
                    "this app does not sign UserSigs for clients (debug_usersig is off)",
                )
            if app.is_admin(body.userID):
                raise ImError(
                    Code.ERR_SVR_ACCOUNT_INVALID_PARAMETERS,
                    "UserSigs of App admins are never signed here",
                )
            await hub.accounts.require(app, [body.userID], 70107)
            sig = gen_usersig_v2(app.sdkappid, app.secret_key, body.userID, DEBUG_SIG_LIFETIME)
        except ImError as exc:
            return web.json_response({"code": exc.code, "message": exc.info})
        return web.json_response(
            {"code": 0, "userSig": sig, "expire": int(time.time()) + DEBUG_SIG_LIFETIME}
        )

    app.router.add_get("/", index)
    app.router.add_post("/debug/usersig", debug_usersig)
    app.router.add_static("/sdk/", STATIC_DIR / "sdk", append_version=False)
    app.router.add_static("/static/", STATIC_DIR, append_version=False)
