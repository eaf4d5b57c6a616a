"""Connections that never log in are closed (issue 13 §1.6)."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from conftest import SDKAPPID, RunningServer
from wsclient import WsClient

LOGIN_TIMEOUT = 0.5


@pytest.fixture
def server_settings() -> dict[str, Any]:
    return {"login_timeout": LOGIN_TIMEOUT}


@pytest.mark.parametrize("path", ["/ws", "/binfo"])
async def test_a_socket_that_never_logs_in_is_closed(server: RunningServer, path: str) -> None:
    ws = await server.session.ws_connect(server.ws_url + path)
    msg = await ws.receive(timeout=10)  # bounded wait; the server closes it long before
    assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED), msg
    assert ws.closed or msg.type == aiohttp.WSMsgType.CLOSE


async def test_a_logged_in_socket_outlives_the_login_timeout(server: RunningServer) -> None:
    await server.import_users("alice")
    alice = WsClient(server.url, SDKAPPID, "alice", server.sig("alice"))
    probe = await server.session.ws_connect(server.ws_url + "/ws")  # never logs in
    await alice.connect()
    try:
        msg = await probe.receive(timeout=10)  # the login deadline has passed for both
        assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED), msg
        assert await alice.call("getMyProfile", {})
        assert alice.connected
    finally:
        await alice.close()
