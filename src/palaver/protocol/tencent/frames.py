"""Frames of Tencent's client protocol: ``{"head": {...}, "body": {...}}``.

Both directions are binary WebSocket frames holding UTF-8 JSON. A server
frame may instead be ``COMP`` followed by a zlib or gzip stream of the JSON;
the SDK inflates either (Palaver sends plain frames: small frames cost more
CPU to compress than they save).

A request's ``head.servcmd`` is ``<service>.<command>`` (``openim.sendmsg``);
its answer echoes ``servcmd`` and ``seq`` (the SDK matches them as one key).
Any other server frame is a push (:mod:`palaver.protocol.tencent.pushes`).
An answer ``{"ActionStatus": "FAIL", "ErrorCode": N, "ErrorInfo": "…"}``
rejects the SDK's promise with ``{code: N, message}`` and keeps the connection.
"""

from __future__ import annotations

import json
import time
import zlib
from dataclasses import dataclass
from typing import Any

import orjson

from palaver.errors import CODE_MEANINGS, Code, ImError
from palaver.limits import json_depth

#: Largest client frame accepted, in bytes (the SDK caps requests at 1 MB).
MAX_FRAME_BYTES = 1024 * 1024
#: Prefix of a compressed server frame.
COMPRESSED = b"COMP"
#: How many levels of JSON nesting a client frame may have (the SDK maps keys to depth 100).
MAX_DEPTH = 100


@dataclass(frozen=True)
class Request:
    """A client frame: ``servcmd`` ``<service>.<command>``, ``seq`` (echoed in
    the answer), the whole ``head`` (credentials: ``identifier``/``usersig`` or
    ``a2``/``tinyid``) and ``body``."""

    servcmd: str
    seq: int
    head: dict[str, Any]
    body: dict[str, Any]

    @property
    def command(self) -> str:
        """The part after the first dot (``sendmsg`` of ``openim.sendmsg``)."""
        return self.servcmd.partition(".")[2]


def decode_request(data: bytes | str) -> Request:
    """Parse a client frame.

    Raises:
        ImError: 60003 not a JSON object with a ``head`` holding a string
            ``servcmd`` and an integer ``seq`` (the error's ``request`` attribute
            then holds what could be read, to answer it), or nested deeper than
            :data:`MAX_DEPTH`.
    """
    raw = data.encode() if isinstance(data, str) else data
    if raw[:4] == COMPRESSED:
        try:
            raw = zlib.decompress(raw[4:], 47)
        except zlib.error:
            raise ImError(Code.ERR_SVR_COMM_REQ_JSON_PARSE_FAILED, "bad compressed frame") from None
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError:
        err = ImError(
            Code.ERR_SVR_COMM_REQ_JSON_PARSE_FAILED,
            "a frame must be JSON (UTF-8, no lone surrogates)",
        )
        err.request = _salvage(raw)  # type: ignore[attr-defined]
        raise err from None
    head = obj.get("head") if isinstance(obj, dict) else None
    if not isinstance(head, dict):
        raise ImError(Code.ERR_SVR_COMM_REQ_JSON_PARSE_FAILED, "a frame needs a head")
    servcmd, seq = head.get("servcmd"), head.get("seq")
    if not isinstance(servcmd, str) or not isinstance(seq, int) or isinstance(seq, bool):
        raise ImError(Code.ERR_SVR_COMM_REQ_JSON_PARSE_FAILED, "head needs servcmd and seq")
    body = obj.get("body")
    if body is None:
        body = {}
    request = Request(servcmd, seq, head, body if isinstance(body, dict) else {})
    # a frame with no more brackets than MAX_DEPTH cannot nest deeper (bytes.count is C)
    shallow = raw.count(b"{") + raw.count(b"[") <= MAX_DEPTH
    if not isinstance(body, dict) or (not shallow and json_depth(body, MAX_DEPTH) > MAX_DEPTH):
        err = ImError(Code.ERR_SVR_COMM_REQ_JSON_PARSE_FAILED, "body must be a JSON object")
        err.request = request  # type: ignore[attr-defined]
        raise err
    return request


def _salvage(raw: bytes) -> Request | None:
    """What of a frame orjson refuses (a lone surrogate...) can be answered: its
    ``servcmd`` and ``seq``, read by the lenient standard parser (``None`` if not)."""
    try:
        obj = json.loads(raw.decode("utf-8", "replace"))
    except (ValueError, RecursionError):
        return None
    head = obj.get("head") if isinstance(obj, dict) else None
    if not isinstance(head, dict):
        return None
    servcmd, seq = head.get("servcmd"), head.get("seq")
    if not isinstance(servcmd, str) or not isinstance(seq, int) or isinstance(seq, bool):
        return None
    return Request(servcmd, seq, {}, {})


def _head(servcmd: str, seq: int) -> dict[str, Any]:
    return {"ver": "v4", "servcmd": servcmd, "seq": seq, "reqtime": int(time.time())}


def encode_answer(request: Request, body: dict[str, Any] | None = None) -> bytes:
    """A success answer to ``request``: ``ActionStatus OK`` plus ``body``."""
    out: dict[str, Any] = {"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""}
    if body:
        out.update(body)
    return orjson.dumps({"head": _head(request.servcmd, request.seq), "body": out})


def encode_error(servcmd: str, seq: int, code: int, info: str | None = None, **extra: Any) -> bytes:
    """An error answer: the SDK rejects the call with ``{code, message}``."""
    body: dict[str, Any] = {
        "ActionStatus": "FAIL",
        "ErrorCode": int(code),
        "ErrorInfo": info if info is not None else CODE_MEANINGS.get(code, "error"),
    }
    body.update(extra)
    return orjson.dumps({"head": _head(servcmd, seq), "body": body})


#: servcmd of the pushes (the SDK maps their keys with this command's key map).
MSG_PUSH = "im_open_push.msg_push"
FORCE_OFFLINE = "im_open_status.stat_forceoffline"


def encode_push(servcmd: str, body: dict[str, Any]) -> bytes:
    """A push frame (its ``seq`` 0 never matches a request: requests are answered
    under their own ``servcmd``)."""
    return orjson.dumps({"head": {"ver": "v4", "servcmd": servcmd, "seq": 0}, "body": body})
