"""Turning a new client connection away before its WebSocket upgrade (issue 20).

When the login gate (:class:`~palaver.services.admission.LoginGate`) would
refuse a login anyway, the upgrade request of ``/ws`` (Palaver's protocol) or
``/binfo`` / ``/info`` (Tencent's) is answered at once with::

    HTTP/1.1 503 Service Unavailable
    Retry-After: 2                      (seconds, rounded up)
    Retry-After-Ms: 1500                (the same hint in ms)
    Connection: close
    Content-Type: application/json

    {"ActionStatus":"FAIL","ErrorCode":70169,"ErrorInfo":"server busy: retry later","retryAfter":1500}

No upgrade, no :class:`~palaver.realtime.connection.Connection`, no database
read: the refusal costs the server one parsed HTTP request. Palaver's SDKs back
off at least ``Retry-After`` plus full jitter and try again
(docs/protocol.md §3). A plain ``GET`` of the same path (no ``Upgrade``) gets
the same 503 while the server is busy: a browser cannot read the status of a
failed WebSocket upgrade, so the JS SDK asks that way (not counted as a refusal).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import orjson
from aiohttp import web

from palaver.api.sockets import drop_http_parser
from palaver.errors import Code
from palaver.services.admission import Arrival

if TYPE_CHECKING:
    from palaver.hub import Hub

#: the busy answer's hint in milliseconds (``Retry-After`` has whole seconds)
RETRY_AFTER_MS = "Retry-After-Ms"


def busy_response(retry_after_ms: int) -> web.Response:
    """The 503 answer to an upgrade request of a busy server (see the module)."""
    body = {
        "ActionStatus": "FAIL",
        "ErrorCode": int(Code.ERR_SVR_ACCOUNT_SERVER_BUSY),
        "ErrorInfo": "server busy: retry later",
        "retryAfter": retry_after_ms,
    }
    resp = web.Response(
        status=503,
        body=orjson.dumps(body),
        content_type="application/json",
        headers={
            "Retry-After": str(max(1, math.ceil(retry_after_ms / 1000))),
            RETRY_AFTER_MS: str(retry_after_ms),
            # a page of another origin may read the hint (nothing private in it)
            "Access-Control-Allow-Origin": "*",
            "Access-Control-Expose-Headers": f"Retry-After, {RETRY_AFTER_MS}",
            "Cache-Control": "no-store",
        },
    )
    resp.force_close()  # the client goes away to wait: do not keep its socket
    return resp


def admit_upgrade(hub: Hub, request: web.Request) -> Arrival | web.Response:
    """Let a new connection be upgraded (an :class:`Arrival` the endpoint ends
    with ``done()`` at its first frame or its end), or the 503 to answer it with.

    A request without ``Upgrade: websocket`` (the JS SDK asking why its upgrade
    failed) is answered 503 when busy, and otherwise let through to aiohttp's own
    answer (400); it is not counted as an arrival or a refusal.
    """
    gate = hub.login_gate
    upgrade = request.headers.get("Upgrade", "").lower() == "websocket"
    hint = gate.refuse_upgrade(count=upgrade)
    if hint is not None:
        return busy_response(hint)
    return Arrival(gate if upgrade else None)


async def open_websocket(
    hub: Hub, request: web.Request, protocol: str, max_frame: int
) -> tuple[web.WebSocketResponse, Arrival] | web.Response:
    """Upgrade ``request`` to a WebSocket (frames up to ``max_frame`` bytes, text
    not decoded, no permessage-deflate: compressing many small frames costs more
    CPU per message than it saves, docs/benchmarks.md) and count it under
    ``protocol`` (``palaver_websocket_upgrades``); or, when the server is busy,
    the 503 to answer instead (:func:`admit_upgrade`). aiohttp's own errors
    (400 for a request that is no upgrade) propagate."""
    arrival = admit_upgrade(hub, request)
    if isinstance(arrival, web.Response):
        return arrival
    ws = web.WebSocketResponse(
        max_msg_size=max_frame, autoping=True, decode_text=False, compress=False
    )
    try:
        await ws.prepare(request)
    except BaseException:
        arrival.done()
        raise
    drop_http_parser(request)  # an idle connection keeps no HTTP parser (issue 16)
    hub.stats.upgrades[protocol] += 1
    return ws, arrival
