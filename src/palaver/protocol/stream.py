"""The server side of the gapless event stream, without I/O (docs/protocol.md §4).

One :class:`StreamState` per connection tracks the highest ``seq`` sent.  Live
frames arrive from fan-out in any order and possibly twice; the state sends a
frame only when it is the next one, holds frames that come early, and asks for
a catch-up read from storage when there is a gap.  A connection therefore sends
its user's events exactly once, in ``seq`` order, whatever the fan-out does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

#: What a stream carries: encoded frames, or items wrapping them (the server's
#: connection attaches side effects, e.g. following a group, to user-stream frames).
F = TypeVar("F")


@dataclass
class Step(Generic[F]):
    """What to do after feeding a frame: send ``frames``; if ``catch_up``, read
    the stream from storage after :attr:`StreamState.delivered` and feed it to
    :meth:`StreamState.caught_up`."""

    frames: list[F] = field(default_factory=list)
    catch_up: bool = False


class StreamState(Generic[F]):
    """Delivery position of one connection in its user's event stream.

    Args:
        delivered: the last ``seq`` the client has (its cursor at login).
        syncing: start in catch-up mode (True at login: storage is read first).
    """

    def __init__(self, delivered: int, *, syncing: bool = True) -> None:
        self.delivered = delivered
        self.syncing = syncing
        self._pending: dict[int, F | None] = {}

    def live(self, seq: int, frame: F | None) -> Step[F]:
        """A stream frame from fan-out; ``None`` marks a seq the client already has
        (the result of its own request): the position moves, nothing is sent."""
        if seq <= self.delivered:
            return Step()
        if not self.syncing and seq == self.delivered + 1:
            self.delivered = seq
            return Step([frame] if frame is not None else [])
        self._pending[seq] = frame
        if self.syncing:
            return Step()
        self.syncing = True
        return Step(catch_up=True)

    def caught_up(self, frames: Iterable[tuple[int, F | None]], *, complete: bool) -> Step[F]:
        """Frames read from storage (``seq`` ascending, after :attr:`delivered`);
        a ``None`` frame is a ``seq`` with nothing to send (e.g. a deleted message).

        Args:
            complete: the read reached the end of the stream as stored then.

        Returns the frames to send; ``catch_up`` is set while a gap remains.
        """
        out: list[F] = []
        for seq, frame in frames:
            if seq == self.delivered + 1:
                if frame is not None:
                    out.append(frame)
                self.delivered = seq
                self._pending.pop(seq, None)
        while self.delivered + 1 in self._pending:
            self.delivered += 1
            held = self._pending.pop(self.delivered)
            if held is not None:
                out.append(held)
        if not complete or self._pending:
            return Step(out, catch_up=True)
        self.syncing = False
        return Step(out)
