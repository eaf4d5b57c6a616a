"""Connections that never log in, or never send a whole request, are closed (issue 13 §1.6)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import pytest

from conftest import SDKAPPID, RunningServer
from wsclient import WsClient

LOGIN_TIMEOUT = 0.5
IDLE_TIMEOUT = 1.0


@pytest.fixture
def server_settings() -> dict[str, Any]:
    return {"login_timeout": LOGIN_TIMEOUT, "http_idle_timeout": IDLE_TIMEOUT}


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


async def _closed_by_server(reader: asyncio.StreamReader, within: float = 20) -> bool:
    """Whether the server closes the connection (EOF) within ``within`` seconds."""
    try:
        return await asyncio.wait_for(reader.read(), within) is not None
    except TimeoutError:
        return False


@pytest.mark.parametrize(
    "sent",
    [b"", b"GET /healthz HTTP/1.1\r\nHost: x\r\n"],  # nothing; headers that never end
    ids=["idle", "unfinished-headers"],
)
async def test_connections_that_send_no_request_are_closed(
    server: RunningServer, sent: bytes
) -> None:
    host, port = server.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(sent)
        await writer.drain()
        t0 = time.monotonic()
        assert await _closed_by_server(reader), "the server kept the connection open"
        assert time.monotonic() - t0 < 15
    finally:
        writer.close()


async def test_an_idle_keep_alive_connection_is_closed_after_its_request(
    server: RunningServer,
) -> None:
    host, port = server.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        assert head.startswith(b"HTTP/1.1 ")
        assert await _closed_by_server(reader)
    finally:
        writer.close()
