"""What an open WebSocket keeps of its HTTP request (issue 16: an idle connection's size)."""

from __future__ import annotations

from aiohttp import web


def drop_http_parser(request: web.Request) -> None:
    """Let go of the HTTP/1 request parser of a connection upgraded to a WebSocket.

    aiohttp keeps each connection's HTTP parser (about 0.8 KB) until the socket
    closes, though after the upgrade it feeds every byte to the WebSocket reader
    and never to that parser (aiohttp 3.10–3.14: ``RequestHandler.data_received``
    once ``_upgraded``; the handler's loop skips a ``None`` parser). Call after
    ``WebSocketResponse.prepare``; a no-op unless the upgrade is in place, or on
    an aiohttp without these (private) attributes.
    """
    proto = request.protocol
    if (
        getattr(proto, "_upgraded", False)
        and getattr(proto, "_payload_parser", None) is not None
        and getattr(proto, "_parser", None) is not None
    ):
        proto._parser = None
