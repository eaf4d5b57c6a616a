"""What fan-out carries: three kinds of delivery, and pushes encoded once per wire protocol.

A push (:class:`palaver.protocol.frames.Push`: event name, data, ``seq``,
``stream``) travels as an :class:`Outbound`, which encodes it for a wire
protocol (a :class:`Codec`) the first time a connection speaking that protocol
needs it, and keeps the bytes: a group message fanned out to 10,000 members
is encoded once per protocol, not once per member.

Between nodes an outbound travels as its Palaver frame (the canonical form, see
docs/protocol.md); a node that needs it in another protocol decodes it once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from palaver.model.events import GroupEffect
from palaver.protocol.frames import Push, encode_push, parse_server_frame

log = logging.getLogger("palaver.delivery")


class Codec(Protocol):
    """A wire protocol's encoding of pushes (Palaver's own, Tencent's ...)."""

    #: a short unique name, the key of :class:`Outbound`'s cache
    name: str
    #: the WebSocket frames it sends are binary (else text)
    binary: bool

    def encode_push(self, push: Push) -> bytes:
        """The frame payload of ``push`` in this protocol (``b""``: this protocol
        has no such push; nothing is sent)."""


class PalaverCodec:
    """Palaver's client protocol (docs/protocol.md §2): JSON text frames."""

    name = "palaver"
    binary = False

    def encode_push(self, push: Push) -> bytes:
        """``{"ev", "stream"?, "seq"?, "data"}``."""
        return encode_push(push.ev, push.data, push.seq, push.stream)


PALAVER = PalaverCodec()


class Outbound:
    """A push on its way to connections, encoded at most once per codec.

    Build it from a :class:`Push` (``data`` may be pre-encoded JSON bytes) or,
    on a node that received it from another one, from its Palaver frame.
    """

    __slots__ = ("_frames", "_push")

    def __init__(self, push: Push | None = None, *, frame: bytes | None = None) -> None:
        if push is None and frame is None:
            raise ValueError("an Outbound needs a push or a frame")
        self._push = push
        self._frames: dict[str, bytes] = {} if frame is None else {PALAVER.name: frame}

    @property
    def push(self) -> Push:
        """The push (decoded from the Palaver frame on first use if it came as one)."""
        if self._push is None:
            parsed = parse_server_frame(self._frames[PALAVER.name])
            assert isinstance(parsed, Push)
            self._push = parsed
        return self._push

    def frame(self, codec: Codec = PALAVER) -> bytes:
        """The frame payload in ``codec``'s protocol (cached). A push that cannot be
        encoded (a value nested too deep...) is logged and becomes ``b""``, which
        connections skip: it never stops a stream."""
        f = self._frames.get(codec.name)
        if f is None:
            try:
                f = codec.encode_push(self.push)
            except (TypeError, ValueError) as exc:  # orjson.JSONEncodeError is a TypeError
                log.error(
                    "push %s skipped: cannot encode it for %s (%s)", self.push.ev, codec.name, exc
                )
                f = b""
            self._frames[codec.name] = f
        return f


@dataclass(frozen=True, slots=True)
class UserFrame:
    """A push for every connection of (``app_id``, ``user_id``).

    ``seq`` is set for the user's stream events (``None``: ephemeral). The
    connection ``origin`` (whose request caused it and which has the result)
    only moves its stream position past ``seq``. ``effect`` (membership events)
    is applied by each connection when it delivers the event.
    """

    app_id: int
    user_id: str
    push: Outbound
    seq: int | None = None
    origin: str | None = None
    effect: GroupEffect | None = None


@dataclass(frozen=True, slots=True)
class GroupFrame:
    """A push for every connection following group ``group_id``'s stream: the
    same bytes for all (``seq`` = MsgSeq; ``None`` for pushes outside the stream)."""

    app_id: int
    group_id: str
    push: Outbound
    seq: int | None = None
    origin: str | None = None


@dataclass(frozen=True, slots=True)
class Kick:
    """Close the user's connections with ``KICKED_OUT`` ``kick_type``, except
    connection ``origin`` and, when ``platform`` is set, those of other platforms."""

    app_id: int
    user_id: str
    kick_type: str
    origin: str | None = None
    platform: str | None = None


Delivery = UserFrame | GroupFrame | Kick
