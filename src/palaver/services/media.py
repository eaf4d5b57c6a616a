"""Media: uploads of images, files, voice and video, their records and message elements.

An upload streams into the :class:`~palaver.services.ports.FileStore` (bytes kept
once per SHA-256), is checked against the app's per-kind limit while it arrives,
has its type sniffed from the bytes (the client's word is never taken), and only
then gets a record (``media`` table) under an unguessable ``media_id``. Images get
Tencent's three sizes (original, large with its shorter side at most 720 px,
thumbnail at most 198 px) made with Pillow; voice and video get their duration
from mutagen where the container says it (:mod:`.media_inspect`). The message
elements that send an upload are made by :mod:`.media_elements`.

Limits follow Tencent's defaults (web SDK ``UPLOAD_SIZE_LIMIT``): image 20 MB,
sound 20 MB, file 100 MB, video 100 MB, changed per app (``media_limits_mb``).

Errors (:class:`~palaver.errors.ImError`, the web SDK's codes): 2108 empty,
2253/2301/2351/2402 too large for an image/voice/video/file, 2252 not an image
(JPG, GIF, PNG, BMP, WebP) or one of more than :data:`~.media_inspect.MAX_PIXELS` pixels, 2352 not a video (MP4, MOV, WebM), 2400 over the app's
quota, 6006 a bad or expired upload ticket, 6008 the store failed (disk full,
object store down). Nothing is stored when an upload fails.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import orjson

from palaver.errors import Code, ImError
from palaver.services.apps import App
from palaver.services.media_inspect import IMAGE_FORMATS, dimensions, inspect
from palaver.services.ports import BlobWriter, Clock, FileStore, StoreUnavailable
from palaver.storage import Database
from palaver.storage import media as store

Kind = Literal["image", "file", "sound", "video"]
KINDS: tuple[Kind, ...] = ("image", "file", "sound", "video")
MB = 1 << 20

#: Tencent's default largest upload per kind, in bytes (@tencentcloud/chat 3.6.6).
DEFAULT_LIMITS: dict[str, int] = {
    "image": 20 * MB,
    "sound": 20 * MB,
    "file": 100 * MB,
    "video": 100 * MB,
}
_TOO_BIG = {
    "image": Code.MSG_I_SIZE_LIMIT,
    "sound": Code.MSG_A_SIZE_LIMIT,
    "file": Code.MSG_F_SIZE_LIMIT,
    "video": Code.MSG_V_SIZE_LIMIT,
}
#: Content types served inline from Palaver's origin; anything else is an attachment.
INLINE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp"}
TICKET_TTL = 900  # seconds an upload ticket stays valid (the SDK asks for 900)
GC_GRACE = 86400  # seconds an upload may wait for its message before it can be deleted
GC_PAGE = 1000  # message bodies read per query by the garbage collection
GC_RECENT = 600  # seconds: bytes committed again this recently are never deleted
#: a media id in a message body: ``/media/<SDKAppID>/<id>`` (any host, any scheme)
_MEDIA_REF = r"/media/{app}/([A-Za-z0-9_-]{{16,32}})"


@dataclass(frozen=True)
class Variant:
    """A resized copy of an image: its blob, bytes and pixel size."""

    blob: str
    size: int
    width: int
    height: int
    content_type: str = "image/jpeg"


@dataclass(frozen=True)
class MediaRecord:
    """One upload. ``size`` in bytes, ``width``/``height`` in px, ``duration`` in s;
    ``variants``: ``large``/``thumb`` for images bigger than those sizes, ``cover``
    for videos Palaver could decode."""

    app_id: int
    media_id: str
    owner: str
    kind: str
    blob: str
    size: int
    content_type: str
    file_name: str = ""
    width: int = 0
    height: int = 0
    duration: int = 0
    variants: dict[str, Variant] = field(default_factory=dict)
    created_at: int = 0

    @property
    def image_format(self) -> int:
        """Tencent's ``ImageFormat`` (JPG 1, GIF 2, PNG 3, BMP 4, other 255)."""
        for ctype, code in IMAGE_FORMATS.values():
            if ctype == self.content_type:
                return code
        return 255

    @property
    def inline(self) -> bool:
        """Served inline (images, voice, video) rather than as a download."""
        if self.kind == "file":
            return False
        return self.content_type in INLINE_TYPES or self.content_type.startswith(
            ("audio/", "video/")
        )


@dataclass(frozen=True)
class Ticket:
    """What an upload ticket allows: one upload of ``kind`` by ``owner`` into app
    ``app_id``, stored as ``media_id``, until ``expires`` (unix s)."""

    app_id: int
    owner: str
    kind: Kind
    media_id: str
    file_name: str
    expires: int


def _row(r: Any) -> MediaRecord:
    variants = {k: Variant(**v) for k, v in orjson.loads(r["variants"] or "{}").items()}
    return MediaRecord(
        app_id=int(r["app_id"]),
        media_id=r["media_id"],
        owner=r["owner"],
        kind=r["kind"],
        blob=r["blob"],
        size=int(r["size"]),
        content_type=r["content_type"],
        file_name=r["file_name"],
        width=int(r["width"]),
        height=int(r["height"]),
        duration=int(r["duration"]),
        variants=variants,
        created_at=int(r["created_at"]),
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def clean_file_name(name: str) -> str:
    """A file name safe to keep and to put in a header: the last path part, control
    characters and quotes dropped, at most 200 characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable() and c not in '"')
    return name.strip()[:200]


class MediaService:
    """Uploads, records and message elements of media.

    Args:
        db: the database (``media`` records).
        files: where the bytes go (local disk or an object store).
        clock: time (tests pass a fake one).
    """

    def __init__(self, db: Database, files: FileStore, clock: Clock) -> None:
        self._db = db
        self.files = files
        self._clock = clock

    async def close(self) -> None:
        """Release the file store's connections (an object store's client)."""
        close = getattr(self.files, "close", None)
        if close is not None:
            await close()

    @staticmethod
    def limit(app: App, kind: str) -> int:
        """The largest upload of ``kind`` the app accepts, in bytes."""
        mb = app.settings.media_limits_mb.get(kind)
        return mb * MB if mb else DEFAULT_LIMITS[kind]

    async def upload(
        self,
        app: App,
        owner: str,
        kind: Kind,
        chunks: AsyncIterator[bytes],
        *,
        file_name: str = "",
        media_id: str | None = None,
        duration_hint: int = 0,
    ) -> MediaRecord:
        """Store one upload read from ``chunks`` and record it.

        Args:
            app: the app; owner: the uploading UserID (or admin).
            kind: ``image`` | ``file`` | ``sound`` | ``video``.
            file_name: the name the client gave (kept for ``FileName`` and downloads).
            media_id: the id an upload ticket promised; a new one otherwise.
            duration_hint: seconds of voice or video as the client measured them (a
                browser's recorder), used when the container does not say (WebM).

        Raises:
            ImError: 2108, 2253/2301/2351/2402, 2252, 2352, 2400, 6008 (module doc).
        """
        limit = self.limit(app, kind)
        quota = app.settings.media_quota_mb * MB
        async with self._db.read() as conn:
            if media_id and await store.get_media(conn, app.sdkappid, media_id) is not None:
                raise ImError(Code.ERR_FILE_TRANS_AUTH_FAILED, "this upload ticket was used")
            if quota and await store.app_usage(conn, app.sdkappid) >= quota:
                raise ImError(Code.MSG_F_UPLOAD_FAIL, "the app's media quota is used up")
        writer = self.files.begin()
        try:
            async for chunk in chunks:
                if writer.size + len(chunk) > limit:
                    raise ImError(_TOO_BIG[kind], f"larger than the {kind} limit of {limit} bytes")
                await writer.write(chunk)
            if writer.size == 0:
                raise ImError(Code.MSG_F_IS_EMPTY)
            sniffed = await asyncio.to_thread(inspect, writer.path, kind)
            blob = await writer.commit()
            variants = {
                name: await self._store_variant(data) for name, data in sniffed.variants.items()
            }
        except StoreUnavailable as exc:
            raise ImError(Code.ERR_FILE_TRANS_UPLOAD_FAILED, str(exc)) from None
        finally:
            await writer.abort()
        record = MediaRecord(
            app_id=app.sdkappid,
            media_id=media_id or secrets.token_urlsafe(16),
            owner=owner,
            kind=kind,
            blob=blob,
            size=writer.size,
            content_type=sniffed.content_type,
            file_name=clean_file_name(file_name),
            width=sniffed.width,
            height=sniffed.height,
            duration=sniffed.duration
            or (max(0, duration_hint) if kind in ("sound", "video") else 0),
            variants=variants,
            created_at=int(self._clock.time()),
        )
        async with self._db.write() as conn:
            if await store.get_media(conn, app.sdkappid, record.media_id) is not None:
                raise ImError(Code.ERR_FILE_TRANS_AUTH_FAILED, "this upload ticket was used")
            await store.insert_media(
                conn,
                app_id=record.app_id,
                media_id=record.media_id,
                owner=record.owner,
                kind=record.kind,
                blob=record.blob,
                size=record.size,
                content_type=record.content_type,
                file_name=record.file_name,
                width=record.width,
                height=record.height,
                duration=record.duration,
                variants=orjson.dumps({k: v.__dict__ for k, v in record.variants.items()}).decode(),
                created_at=record.created_at,
            )
        return record

    async def _store_variant(self, data: bytes) -> Variant:
        writer: BlobWriter = self.files.begin()
        try:
            await writer.write(data)
            blob = await writer.commit()
        finally:
            await writer.abort()
        width, height, ctype = await asyncio.to_thread(dimensions, data)
        return Variant(blob=blob, size=len(data), width=width, height=height, content_type=ctype)

    async def get(self, app_id: int, media_id: str) -> MediaRecord | None:
        """The record of ``media_id`` in app ``app_id``, or ``None``."""
        async with self._db.read() as conn:
            row = await store.get_media(conn, app_id, media_id)
        return _row(row) if row is not None else None

    async def open(self, record: MediaRecord, variant: str | None = None) -> Path | None:
        """The local file with the bytes of ``record`` (or of its ``variant``; the
        original when the image is small enough to have none).

        Raises:
            ImError: 6008 the store is unavailable.
        """
        v = record.variants.get(variant) if variant else None
        try:
            return await self.files.open(v.blob if v else record.blob)
        except StoreUnavailable as exc:
            raise ImError(Code.ERR_FILE_TRANS_UPLOAD_FAILED, str(exc)) from None

    # -- deletion of what nothing references ---------------------------------------

    async def collect_garbage(self, app: App, now: int | None = None) -> int:
        """Delete the app's uploads that no stored, unrecalled message names and that
        are older than :data:`GC_GRACE` (a client sends what it uploaded within that
        time), and their bytes once no upload of any app keeps them. Returns how many
        uploads went. Messages go by retention, live-room windows and deletes; a
        recalled message no longer keeps its media.

        Cost: one pass over the app's messages that name ``/media/`` (by id, in pages
        of :data:`GC_PAGE`), and the media rows past the grace time.
        """
        now = int(self._clock.time()) if now is None else now
        async with self._db.read() as conn:
            candidates = await store.older_than(conn, app.sdkappid, now - GC_GRACE)
        if not candidates:
            return 0
        referenced, last = await self._referenced(app, 0)
        dead = [r for r in candidates if r["media_id"] not in referenced]
        if not dead:
            return 0
        # messages stored while we scanned may name some of them
        more, _ = await self._referenced(app, last)
        dead = [r for r in dead if r["media_id"] not in more]
        async with self._db.write() as conn:
            gone = await store.delete_media(conn, app.sdkappid, [r["media_id"] for r in dead])
        blobs = {r["blob"] for r in dead}
        for r in dead:
            blobs.update(v["blob"] for v in orjson.loads(r["variants"] or "{}").values())
        for blob in blobs:
            async with self._db.read() as conn:
                if await store.blob_in_use(conn, blob):
                    continue
            try:
                # bytes an upload committed again lately stay: it may not be recorded yet
                await self.files.delete(blob, unless_since=now - GC_RECENT)
            except StoreUnavailable:
                continue  # kept for now; nothing names it, a later pass cannot find it
        return gone

    async def _referenced(self, app: App, after_id: int) -> tuple[set[str], int]:
        """Media ids named by the app's messages after ``after_id``; the last id seen."""
        pattern = _MEDIA_REF.format(app=app.sdkappid)
        found: set[str] = set()
        while True:
            async with self._db.read() as conn:
                page = await store.bodies_with_media(conn, app.sdkappid, after_id, GC_PAGE)
            for msg_id, body in page:
                found.update(re.findall(pattern, body))
                after_id = msg_id
            if len(page) < GC_PAGE:
                return found, after_id

    # -- upload tickets (the Tencent SDK's pre-signed upload URLs) -----------------

    def issue_ticket(self, app: App, owner: str, kind: Kind, file_name: str) -> Ticket:
        """A ticket for one upload, valid :data:`TICKET_TTL` seconds."""
        return Ticket(
            app_id=app.sdkappid,
            owner=owner,
            kind=kind,
            media_id=secrets.token_urlsafe(16),
            file_name=clean_file_name(file_name),
            expires=int(self._clock.time()) + TICKET_TTL,
        )

    @staticmethod
    def _ticket_key(app: App) -> bytes:
        secret = app.session_key or app.secret_key or ""
        return hashlib.sha256(b"palaver-media-ticket\0" + secret.encode()).digest()

    def encode_ticket(self, app: App, ticket: Ticket) -> str:
        """The ticket as a URL path segment: ``<base64url JSON>.<base64url HMAC>``."""
        body = orjson.dumps(
            [
                ticket.app_id,
                ticket.owner,
                ticket.kind,
                ticket.media_id,
                ticket.file_name,
                ticket.expires,
            ]
        )
        mac = hmac.new(self._ticket_key(app), body, hashlib.sha256).digest()[:18]
        return f"{_b64(body)}.{_b64(mac)}"

    @staticmethod
    def ticket_app(text: str) -> int:
        """The SDKAppID a ticket names (before it is verified). Raises ImError(6006)."""
        try:
            return int(orjson.loads(_unb64(text.split(".", 1)[0]))[0])
        except (ValueError, TypeError, IndexError, orjson.JSONDecodeError):
            raise ImError(Code.ERR_FILE_TRANS_AUTH_FAILED, "not an upload ticket") from None

    def decode_ticket(self, app: App, text: str) -> Ticket:
        """Verify a ticket of ``app``. Raises ImError(6006): forged, malformed or expired."""
        try:
            body_b64, mac_b64 = text.split(".", 1)
            body = _unb64(body_b64)
            good = hmac.new(self._ticket_key(app), body, hashlib.sha256).digest()[:18]
            if not hmac.compare_digest(good, _unb64(mac_b64)):
                raise ValueError("bad signature")
            app_id, owner, kind, media_id, name, expires = orjson.loads(body)
        except (ValueError, TypeError, orjson.JSONDecodeError):
            raise ImError(Code.ERR_FILE_TRANS_AUTH_FAILED, "not a valid upload ticket") from None
        if expires < self._clock.time():
            raise ImError(Code.ERR_FILE_TRANS_AUTH_FAILED, "the upload ticket has expired")
        return Ticket(int(app_id), str(owner), kind, str(media_id), str(name), int(expires))
