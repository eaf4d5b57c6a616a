"""Security headers on every HTTP response but WebSockets (``api.web.security_headers``,
an ``on_response_prepare`` signal since issue 16 made it no middleware): pages,
health checks, REST answers and errors carry the CSP and its companions; a
response that sets its own CSP (media downloads) keeps it."""

from __future__ import annotations

from conftest import RunningServer

CSP_PART = "script-src 'self'"


async def test_every_http_response_carries_the_security_headers(server: RunningServer) -> None:
    for path, method in (
        ("/", "GET"),
        ("/healthz", "GET"),
        ("/no/such/page", "GET"),
        ("/v4/openim/sendmsg", "POST"),
    ):
        async with server.session.request(method, server.url + path) as resp:
            assert CSP_PART in resp.headers["Content-Security-Policy"], path
            assert resp.headers["X-Content-Type-Options"] == "nosniff", path
            assert resp.headers["Referrer-Policy"] == "no-referrer", path
    async with server.session.get(server.url + "/no/such/page") as resp:
        assert resp.status == 404


async def test_the_websocket_handshake_is_not_given_a_page_policy(server: RunningServer) -> None:
    ws = await server.session.ws_connect(server.ws_url + "/ws")
    try:
        assert "Content-Security-Policy" not in ws._response.headers
    finally:
        await ws.close()
