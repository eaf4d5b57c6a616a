"""Frames of protocol version 1: requests, responses and pushes (docs/protocol.md §2).

All frames are JSON objects in WebSocket text frames.  Encoders return UTF-8
``bytes`` (what :func:`orjson.dumps` makes), which a server sends as a text
frame without decoding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from palaver.errors import CODE_MEANINGS, Code, ImError

PROTOCOL_VERSION = 1

#: Seconds between client heartbeats, and of silence before the server drops a client.
HEARTBEAT_INTERVAL = 30
HEARTBEAT_TIMEOUT = 90

#: Largest client frame the server accepts, in bytes.
MAX_FRAME_BYTES = 64 * 1024

#: Bounded per-connection send queue, in frames (docs/protocol.md §4).
SEND_QUEUE_FRAMES = 1000

# WebSocket close codes (docs/protocol.md §3.3).
CLOSE_NORMAL = 1000
CLOSE_GOING_AWAY = 1001
CLOSE_HEARTBEAT = 4000
CLOSE_KICKED = 4001
CLOSE_SLOW = 4008


@dataclass(frozen=True)
class Request:
    """A client request: ``{"id": int, "op": str, "data": {...}}``."""

    id: int
    op: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Response:
    """A server response to request ``id``: ``code`` 0 with ``data``, or an error."""

    id: int | None
    code: int
    data: dict[str, Any]
    message: str = ""
    #: a busy server's "retry after" (ms) on a refused request (70169)
    retry_after_ms: int | None = None


@dataclass(frozen=True)
class Push:
    """A server push: event name, data, and ``seq`` for stream events (else ``None``).

    ``stream`` names a group stream (``GROUP<groupID>``, docs/protocol.md §8.1);
    ``None`` is the user's own stream. ``data`` is the JSON object of the push
    (:mod:`palaver.protocol.pushes` types each one); a server may hold it as
    pre-encoded JSON bytes, spliced into the frame as is.
    """

    ev: str
    data: Any
    seq: int | None = None
    stream: str | None = None


def _loads(frame: bytes | str) -> Any:
    try:
        return orjson.loads(frame)
    except orjson.JSONDecodeError:
        return None


def parse_client_frame(frame: bytes | str) -> Request:
    """Parse a client frame.

    Raises:
        ImError: 60003 if it is not a JSON object with an integer ``id``, a
            string ``op`` and an object ``data`` (the error's ``request_id``
            attribute carries the id when one could be read).
    """
    obj = _loads(frame)
    if not isinstance(obj, dict):
        raise _bad(None, "a frame must be a JSON object")
    rid = obj.get("id")
    if not isinstance(rid, int) or isinstance(rid, bool):
        raise _bad(None, "'id' must be an integer")
    op = obj.get("op")
    if not isinstance(op, str) or not op:
        raise _bad(rid, "'op' must be a non-empty string")
    data = obj.get("data", {})
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise _bad(rid, "'data' must be an object")
    return Request(rid, op, data)


def _bad(rid: int | None, why: str) -> ImError:
    err = ImError(Code.ERR_SVR_COMM_REQ_JSON_PARSE_FAILED, why)
    err.request_id = rid  # type: ignore[attr-defined]
    return err


def parse_server_frame(frame: bytes | str) -> Response | Push:
    """Parse a server frame into a :class:`Response` or a :class:`Push`.

    Raises:
        ValueError: the frame is neither.
    """
    obj = _loads(frame)
    if not isinstance(obj, dict):
        raise ValueError("server frame is not a JSON object")
    if "ev" in obj:
        seq = obj.get("seq")
        stream = obj.get("stream")
        return Push(
            str(obj["ev"]),
            obj.get("data") or {},
            int(seq) if seq is not None else None,
            str(stream) if stream is not None else None,
        )
    if "code" in obj:
        hint = obj.get("retryAfter")
        return Response(
            obj.get("id"),
            int(obj["code"]),
            obj.get("data") or {},
            obj.get("message", ""),
            int(hint) if isinstance(hint, int | float) and hint >= 0 else None,
        )
    raise ValueError("server frame has neither 'ev' nor 'code'")


def encode_request(rid: int, op: str, data: dict[str, Any] | None = None) -> bytes:
    """``{"id": rid, "op": op, "data": data}``."""
    return orjson.dumps({"id": rid, "op": op, "data": data or {}})


def encode_response(rid: int | None, data: dict[str, Any] | None = None) -> bytes:
    """A success response ``{"id": rid, "code": 0, "data": data}``."""
    return orjson.dumps({"id": rid, "code": 0, "data": data or {}})


def encode_error(
    rid: int | None,
    code: int,
    message: str | None = None,
    retry_after_ms: int | None = None,
    data: dict[str, Any] | None = None,
) -> bytes:
    """An error response ``{"id": rid, "code": code, "message": ...}``; with
    ``retryAfter`` (ms) when the server is busy (70169): try again after that;
    with ``data`` when the error carries a result (20027: the message as it is now)."""
    text = message if message is not None else CODE_MEANINGS.get(code, "error")
    obj: dict[str, Any] = {"id": rid, "code": code, "message": text}
    if retry_after_ms is not None:
        obj["retryAfter"] = retry_after_ms
    if data is not None:
        obj["data"] = data
    return orjson.dumps(obj)


def encode_push(
    ev: str, data: dict[str, Any] | bytes, seq: int | None = None, stream: str | None = None
) -> bytes:
    """A push frame. ``data`` may be pre-encoded JSON bytes (spliced in as is);
    ``stream`` is set for group streams (``GROUP<groupID>``)."""
    if isinstance(data, bytes):
        head = b'{"ev":' + orjson.dumps(ev)
        if stream is not None:
            head += b',"stream":' + orjson.dumps(stream)
        if seq is not None:
            head += b',"seq":' + str(seq).encode()
        return head + b',"data":' + data + b"}"
    obj: dict[str, Any] = {"ev": ev}
    if stream is not None:
        obj["stream"] = stream
    if seq is not None:
        obj["seq"] = seq
    obj["data"] = data
    return orjson.dumps(obj)
