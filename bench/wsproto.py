"""A minimal WebSocket client on a bare :class:`asyncio.Protocol`, for load generation.

Why not aiohttp's client: the load generator must not be the bottleneck. Here a
frame costs one ``data_received`` slice and one callback, with no task, no
future and no queue per frame, and an outgoing frame is a 6-byte header plus
the pre-encoded payload: frames are masked with the all-zero key (RFC 6455
§5.3 lets the client pick any key; servers unmask without checking it), so the
payload goes out unchanged and never has to be XORed.

Only what Palaver's ``/ws`` and Tencent's ``/binfo`` need: text and binary
frames (both go to ``on_frame``), ping → pong, close. The server never
fragments, but continuation frames are joined anyway.
"""

from __future__ import annotations

import asyncio
import base64
import os
from collections.abc import Callable

_OP_CONT, _OP_TEXT, _OP_BIN, _OP_CLOSE, _OP_PING, _OP_PONG = 0, 1, 2, 8, 9, 10
_ZERO_MASK = b"\x00\x00\x00\x00"


def frame_header(length: int, opcode: int = _OP_TEXT) -> bytes:
    """The header (FIN, opcode, masked length, all-zero mask key) of a client frame."""
    first = 0x80 | opcode
    if length < 126:
        return bytes((first, 0x80 | length)) + _ZERO_MASK
    if length < 65536:
        return bytes((first, 0x80 | 126)) + length.to_bytes(2, "big") + _ZERO_MASK
    return bytes((first, 0x80 | 127)) + length.to_bytes(8, "big") + _ZERO_MASK


def client_frame(payload: bytes, opcode: int = _OP_TEXT) -> bytes:
    """A whole client frame carrying ``payload`` (pre-encode constant frames with this)."""
    return frame_header(len(payload), opcode) + payload


class HandshakeError(Exception):
    """The server did not switch protocols: ``status`` (0 if unreadable) and, for a
    busy server's 503, ``retry_after`` (s, from ``Retry-After-Ms`` or ``Retry-After``)."""

    def __init__(self, line: str, status: int = 0, retry_after: float | None = None) -> None:
        super().__init__(line)
        self.status = status
        self.retry_after = retry_after


def _refusal(head: bytes) -> HandshakeError:
    """The HandshakeError of a non-101 response head (status line + headers)."""
    lines = head.decode(errors="replace").split("\r\n")
    parts = lines[0].split(" ", 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    hint: float | None = None
    if headers.get("retry-after-ms", "").isdigit():
        hint = int(headers["retry-after-ms"]) / 1000
    elif headers.get("retry-after", "").isdigit():
        hint = float(headers["retry-after"])
    return HandshakeError(lines[0], status, hint)


class WsClient(asyncio.Protocol):
    """One client WebSocket. ``on_frame(payload)`` is called for every text frame.

    Use :func:`connect`. ``closed`` resolves when the socket is gone.
    """

    def __init__(self, host: str, port: int, path: str = "/ws") -> None:
        self.on_frame: Callable[[bytes], None] = lambda _: None  # text and binary frames
        self.on_close: Callable[[], None] | None = None
        #: called after each batch of frames read at once (flush replies in one write)
        self.after_frames: Callable[[], None] | None = None
        self.transport: asyncio.Transport | None = None
        self.upgraded: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.close_code: int | None = None
        self._buf = b""
        self._frag: list[bytes] = []
        key = base64.b64encode(os.urandom(16)).decode()
        self._request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        ).encode()

    # -- asyncio.Protocol ------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is not a subclass
        assert self.transport is not None
        self.transport.write(self._request)

    def data_received(self, data: bytes) -> None:
        if not self.upgraded.done():
            data = self._handshake(data)
            if not data:
                return
        buf = self._buf + data if self._buf else data
        n = len(buf)
        pos = 0
        on_frame = self.on_frame
        while n - pos >= 2:
            b0 = buf[pos]
            ln = buf[pos + 1] & 0x7F
            hdr = 2
            if ln == 126:
                if n - pos < 4:
                    break
                ln = int.from_bytes(buf[pos + 2 : pos + 4], "big")
                hdr = 4
            elif ln == 127:
                if n - pos < 10:
                    break
                ln = int.from_bytes(buf[pos + 2 : pos + 10], "big")
                hdr = 10
            end = pos + hdr + ln
            if end > n:
                break
            payload = buf[pos + hdr : end]
            pos = end
            opcode = b0 & 0x0F
            if b0 == 0x81 or b0 == 0x82:  # a whole text or binary frame
                on_frame(payload)
            else:
                self._control(b0, opcode, payload)
        self._buf = buf[pos:] if pos < n else b""
        if self.after_frames is not None:
            self.after_frames()

    def _handshake(self, data: bytes) -> bytes:
        """Take the upgrade response; the bytes after it (frames already sent),
        b"" while it is incomplete or if the upgrade failed."""
        self._buf += data
        end = self._buf.find(b"\r\n\r\n")
        if end < 0:
            if len(self._buf) > 16384:
                self._fail(HandshakeError("handshake response too long"))
            return b""
        status = self._buf[: self._buf.find(b"\r\n")]
        if b" 101 " not in status + b" ":
            self._fail(_refusal(self._buf[:end]))
            return b""
        data, self._buf = self._buf[end + 4 :], b""
        self.upgraded.set_result(None)
        return data

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.upgraded.done():
            self.upgraded.set_exception(exc or ConnectionError("closed during handshake"))
        if not self.closed.done():
            self.closed.set_result(None)
        if self.on_close is not None:
            self.on_close()

    # -- frames ------------------------------------------------------------

    def _control(self, b0: int, opcode: int, payload: bytes) -> None:
        if opcode in (_OP_TEXT, _OP_BIN):  # first fragment
            self._frag = [payload]
        elif opcode == _OP_CONT:
            self._frag.append(payload)
            if b0 & 0x80:
                whole, self._frag = b"".join(self._frag), []
                self.on_frame(whole)
        elif opcode == _OP_PING:
            self.write_frame(payload, _OP_PONG)
        elif opcode == _OP_CLOSE:
            self.close_code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else 1005
            if self.transport is not None and not self.transport.is_closing():
                self.transport.write(client_frame(payload[:2], _OP_CLOSE))
                self.transport.close()

    def send(self, payload: bytes) -> None:
        """Send ``payload`` as a text frame."""
        self.write_frame(payload, _OP_TEXT)

    def write_frame(self, payload: bytes, opcode: int = _OP_TEXT) -> None:
        """Send a frame (no-op once the socket is closing)."""
        t = self.transport
        if t is not None and not t.is_closing():
            t.write(frame_header(len(payload), opcode) + payload)

    def send_raw(self, frame: bytes) -> None:
        """Send a frame made by :func:`client_frame`."""
        t = self.transport
        if t is not None and not t.is_closing():
            t.write(frame)

    def close(self, code: int = 1000) -> None:
        """Send a close frame and close the socket."""
        t = self.transport
        if t is not None and not t.is_closing():
            t.write(client_frame(code.to_bytes(2, "big"), _OP_CLOSE))
            t.close()

    def abort(self) -> None:
        """Drop the socket at once."""
        if self.transport is not None:
            self.transport.abort()

    def _fail(self, exc: Exception) -> None:
        if not self.upgraded.done():
            self.upgraded.set_exception(exc)
        if self.transport is not None:
            self.transport.abort()


async def connect(
    host: str,
    port: int,
    *,
    local_host: str | None = None,
    within: float = 10.0,
    path: str = "/ws",
) -> WsClient:
    """Open and upgrade a WebSocket to ``ws://host:port<path>`` (bounded by ``within`` s).

    ``local_host`` binds the client side to that address (several loopback
    addresses give more than one ephemeral port range's worth of connections).
    """
    loop = asyncio.get_running_loop()
    local = (local_host, 0) if local_host else None
    async with asyncio.timeout(within):
        _, proto = await loop.create_connection(
            lambda: WsClient(host, port, path), host, port, local_addr=local
        )
        try:
            await proto.upgraded
        except BaseException:
            proto.abort()
            raise
    return proto
