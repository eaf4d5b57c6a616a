"""Tencent's own web SDK (``@tencentcloud/chat``, pinned in ``tests/tencent/``) in Chromium,
on the test server's origin, through the harness in ``tests/e2e/support/tencent_sdk.py``.

Palaver has no endpoint for this SDK yet, so this only checks the harness end to end: the
unmodified SDK loads from node_modules next to the server, and ``create()`` with a
``proxyServer`` makes it open its WebSocket there, at ``<proxyServer>/binfo``. A test-only
route records that request and closes the socket.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from aiohttp import WSMsgType, web

from conftest import SDKAPPID, RunningServer
from support.tencent_sdk import SDK_PACKAGE, WAIT, TencentHarness, pinned_version


async def test_create_opens_the_sdk_socket_at_the_proxy_server(
    server: RunningServer, tencent: TencentHarness
) -> None:
    seen: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def probe(request: web.Request) -> web.StreamResponse:
        """Record the SDK's WebSocket request and its first frame, then close."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        frame = await ws.receive(timeout=WAIT)
        await ws.close()
        seen.put_nowait(
            {
                "path": request.path,
                "query": dict(request.query),
                "origin": request.headers.get("Origin"),
                "frame": frame,
            }
        )
        return ws

    server.mount("binfo-probe", probe)
    tab = await tencent.open("probe")
    info = await tab.create(SDKAPPID, server.ws_url + "/_test/binfo-probe")
    got = await asyncio.wait_for(seen.get(), WAIT)

    version = pinned_version(SDK_PACKAGE)
    assert info["version"] == version, tab.report()
    assert got["path"] == "/_test/binfo-probe/binfo", got
    query = got["query"]
    assert query["sdkappid"] == str(SDKAPPID) and query["sdkversion"] == version, query
    assert query["platform"] == "7" and re.fullmatch(r"[0-9a-f]{32}", query["instanceid"]), query
    assert got["origin"] == server.url  # the page is on the server's origin
    # Its first frame, before any login: a binary frame holding JSON {head, body}.
    frame = got["frame"]
    assert frame.type == WSMsgType.BINARY, (frame, tab.report())
    head = json.loads(frame.data)["head"]
    assert head["sdkappid"] == SDKAPPID and head["servcmd"] == "heartbeat.alive", head

    # The harness saw the SDK's own log (level 0) and recorded its events, and nothing
    # left the origin.
    state = await tab.wait_event("NET_STATE_CHANGE")
    assert state["state"] in ("connecting", "connected", "disconnected"), tab.report()
    assert any(f"VERSION:{version}" in line for line in tab.console), tab.report()
    assert await tab.collect_errors() == [] and tab.blocked == [], tab.report()
