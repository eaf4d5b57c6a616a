"""The only outward-facing interfaces services may call.

Services decide and write; what happens next on the wire is somebody else's
job, reached through these small ports. :mod:`palaver.realtime` implements
them (structurally: it never imports this module), the hub wires them in, and
tests pass fakes (``tests/unit/conftest.py``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

from palaver.errors import StoreUnavailable
from palaver.model.events import Notice, StreamEvent
from palaver.model.messages import MessageRecord

__all__ = ["BlobWriter", "Clock", "FileStore", "Presence", "Publisher", "StoreUnavailable"]


class Publisher(Protocol):
    """Pushes committed changes to the clients that are online (on every node)."""

    async def stream(self, app_id: int, events: Sequence[StreamEvent]) -> None:
        """Publish committed stream events (each with the ``seq`` storage gave it)."""

    def stream_now(self, app_id: int, events: Sequence[StreamEvent]) -> None:
        """:meth:`stream`, handed to fan-out before it returns (no await)."""

    async def group_message(
        self, app_id: int, message: MessageRecord, *, origin: str | None = None
    ) -> None:
        """Push a group message to every connection following the group, except
        that connection ``origin`` (the sender's, which has the response) only
        moves past its ``MsgSeq``."""

    async def message(self, app_id: int, message: MessageRecord, users: Sequence[str]) -> None:
        """Push an online-only C2C message to ``users``' connections."""

    async def notice(self, app_id: int, users: Sequence[str], notice: Notice) -> None:
        """Push a notice to whoever of ``users`` is online."""

    async def group_notice(self, app_id: int, group_id: str, notice: Notice) -> None:
        """Push a notice to every connection following the group."""

    async def kick(
        self,
        app_id: int,
        user_id: str,
        kick_type: str,
        *,
        origin: str | None = None,
        platform: str | None = None,
    ) -> None:
        """Close the user's connections with ``KICKED_OUT`` ``kick_type``, except
        connection ``origin`` and, when ``platform`` is set, other platforms'."""


class Presence(Protocol):
    """Who is online (across nodes in a cluster)."""

    async def online(self, app_id: int, user_ids: Sequence[str]) -> dict[str, list[str]]:
        """The platforms each user is online on (empty list: offline)."""

    async def settle(self, app_id: int, user_id: str) -> None:
        """Wait until this node's last change of ``user_id`` is visible to every node."""

    def platforms_now(self, app_id: int, user_id: str) -> list[str] | None:
        """The platforms ``user_id`` is online on, when this node knows it without
        awaiting (one node: the in-process state); ``None``: only :meth:`online`
        can tell (a cluster)."""

    def offline_now(self, app_id: int, user_ids: Iterable[str]) -> list[str] | None:
        """Those of ``user_ids`` (in their order) with no connection, when this node
        knows it without awaiting (one node); ``None``: only :meth:`online` can tell."""


class Audience(Protocol):
    """Who follows a live room (AVChatRoom audiences are per connection, not stored)."""

    def group_users(self, app_id: int, group_id: str) -> set[str]:
        """Users with a connection on this node following the group."""


class BlobWriter(Protocol):
    """One upload on its way into a :class:`FileStore`: bytes go to a private temporary
    file, invisible to readers until :meth:`commit` (a half-written upload is never seen)."""

    #: bytes written so far
    size: int
    #: the temporary file, readable for sniffing before the commit
    path: Path

    async def write(self, chunk: bytes) -> None:
        """Append ``chunk``. Raises :class:`StoreUnavailable` (disk full, I/O error)."""

    async def commit(self) -> str:
        """Make the bytes readable under their SHA-256 (hex), which is returned; bytes
        already stored under it are kept, marked as committed now, and the copy dropped.
        Raises StoreUnavailable."""

    async def abort(self) -> None:
        """Drop the temporary file (idempotent; also fine after a commit)."""


class FileStore(Protocol):
    """Content-addressed bytes (images, files, voice, video): each distinct content is
    kept once, named by its SHA-256 in hex."""

    def begin(self) -> BlobWriter:
        """Start an upload (see :class:`BlobWriter`)."""

    async def open(self, blob: str) -> Path | None:
        """A local file holding ``blob`` to serve (ranges included), or ``None`` if it is
        not stored. Raises StoreUnavailable."""

    async def delete(self, blob: str, *, unless_since: float | None = None) -> None:
        """Forget ``blob`` (no error if it is not stored); with ``unless_since`` (unix s),
        keep it if it was stored or committed again (a duplicate upload) at or after then."""


class CallbackTransport(Protocol):
    """Posts third-party callbacks to an app backend over HTTP(S)."""

    async def post(
        self, url: str, params: Mapping[str, str], body: bytes, seconds: float
    ) -> tuple[int, bytes]:
        """POST ``body`` (JSON) to ``url`` with the query ``params``; (HTTP
        status, response body). Raises :class:`TimeoutError` after ``seconds``
        seconds, :class:`ConnectionError` when the backend cannot be reached."""

    async def close(self) -> None:
        """Close pooled connections."""


class Clock(Protocol):
    """Time, injectable: tests use a fake one they advance."""

    def time(self) -> float:
        """Unix time, seconds."""

    def monotonic(self) -> float:
        """A monotonic clock, seconds."""

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds``."""


class SystemClock:
    """The real clock."""

    def time(self) -> float:
        """:func:`time.time`."""
        return time.time()

    def monotonic(self) -> float:
        """:func:`time.monotonic`."""
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        """:func:`asyncio.sleep`."""
        await asyncio.sleep(seconds)
