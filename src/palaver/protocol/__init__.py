"""The client protocol (docs/protocol.md) as a sans-I/O core.

Nothing here touches a socket: functions and small state machines take frames
(bytes or str) and return frames and events.  The server's WebSocket endpoint,
the Python SDK (:mod:`palaver.client`) and the tests all use it; the JavaScript
SDK mirrors it.

- :mod:`palaver.protocol.frames` - frame parsing and encoding, constants.
- :mod:`palaver.protocol.objects` - message, conversation and profile shapes.
- :mod:`palaver.protocol.stream` - the server side of the gapless event stream.
- :mod:`palaver.protocol.client` - the client side: requests, responses, pushes, cursor.
"""

from palaver.protocol.frames import (
    CLOSE_HEARTBEAT,
    CLOSE_KICKED,
    CLOSE_SLOW,
    HEARTBEAT_INTERVAL,
    HEARTBEAT_TIMEOUT,
    PROTOCOL_VERSION,
    Push,
    Request,
    Response,
    encode_push,
    encode_request,
    encode_response,
    parse_client_frame,
    parse_server_frame,
)

__all__ = [
    "CLOSE_HEARTBEAT",
    "CLOSE_KICKED",
    "CLOSE_SLOW",
    "HEARTBEAT_INTERVAL",
    "HEARTBEAT_TIMEOUT",
    "PROTOCOL_VERSION",
    "Push",
    "Request",
    "Response",
    "encode_push",
    "encode_request",
    "encode_response",
    "parse_client_frame",
    "parse_server_frame",
]
