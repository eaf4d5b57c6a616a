"""Uploads of the Python SDK: a file (path, bytes or binary file object) streamed to
``POST /media/upload`` with the user's UserSig, reporting progress as it goes
(docs/media.md). Tencent's ``createImageMessage({payload: {file}, onProgress})`` in
Python: the ``create_*_message`` methods take ``payload={"file": ...}`` and
``on_progress``, and :meth:`~palaver.client.Chat.send_message` uploads before it sends.
"""

from __future__ import annotations

import io
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import aiohttp

from palaver.client.models import (
    ERR_INVALID_PARAMETERS,
    ERR_NETWORK,
    ERR_UPLOAD_CANCELLED,
    ChatError,
)

CHUNK = 1 << 16
#: ``TYPES.MSG_*`` -> the upload endpoint's ``type``
KINDS = {
    "TIMImageElem": "image",
    "TIMFileElem": "file",
    "TIMSoundElem": "sound",
    "TIMVideoFileElem": "video",
}

FileSource = str | os.PathLike[str] | bytes | bytearray | BinaryIO
Progress = Callable[[float], Any]


@dataclass
class PendingFile:
    """A file to upload when its message is sent."""

    kind: str
    source: FileSource
    name: str
    on_progress: Progress | None = None
    #: a video's cover image, uploaded first
    cover: FileSource | None = None
    #: the voice or video length the caller measured (s), where the container does not say
    second: int = 0
    #: set by ``cancel_uploading``: the bytes stop, the send fails with 2802
    cancelled: bool = False


def http_base(server: str) -> str:
    """``http(s)://host[:port]`` from the SDK's ``server`` (``ws(s)://.../ws`` too)."""
    url = server.rstrip("/").removesuffix("/ws")
    if url.startswith("wss://"):
        return "https://" + url[len("wss://") :]
    if url.startswith("ws://"):
        return "http://" + url[len("ws://") :]
    return url if url.startswith(("http://", "https://")) else "http://" + url


def pending(msg_type: str, payload: dict[str, Any], on_progress: Progress | None) -> PendingFile:
    """The upload a ``create_*_message`` payload with ``"file"`` asks for; ``"fileName"``
    names it (default: the path's name, or ``"file"``). Raises ChatError(6017)."""
    source = payload["file"]
    if not isinstance(source, str | os.PathLike | bytes | bytearray) and not hasattr(
        source, "read"
    ):
        raise ChatError(ERR_INVALID_PARAMETERS, "payload.file: a path, bytes or a binary file")
    name = payload.get("fileName") or ""
    if not name and isinstance(source, str | os.PathLike):
        name = Path(source).name
    if not name:
        name = str(getattr(source, "name", "") or "file")
        name = Path(name).name
    cover = payload.get("cover") if msg_type == "TIMVideoFileElem" else None
    second = int(payload.get("second") or payload.get("videoSecond") or 0)
    return PendingFile(KINDS[msg_type], source, name, on_progress, cover, second)


def _open(source: FileSource) -> tuple[BinaryIO, int, bool]:
    """(readable, total bytes, whether we opened it)."""
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source), len(source), True
    if isinstance(source, str | os.PathLike):
        f = open(source, "rb")  # noqa: SIM115 - closed by upload()
        return f, os.fstat(f.fileno()).st_size, True
    start = source.tell()
    total = source.seek(0, os.SEEK_END) - start
    source.seek(start)
    return source, total, False


async def _chunks(reader: BinaryIO, total: int, file: PendingFile) -> AsyncIterator[bytes]:
    """The file's bytes, :data:`CHUNK` at a time, reporting progress; stops with 2802
    once the upload is cancelled."""
    sent = 0
    while chunk := reader.read(CHUNK):
        if file.cancelled:
            raise ChatError(ERR_UPLOAD_CANCELLED, "upload cancelled")
        sent += len(chunk)
        yield chunk
        if file.on_progress is not None and total:
            file.on_progress(min(sent / total, 0.99))


def _query(
    file: PendingFile, sdk_app_id: int, user_id: str, user_sig: str, cover_id: str
) -> dict[str, str]:
    """The upload's query string (docs/media.md)."""
    query = {
        "sdkappid": str(sdk_app_id),
        "identifier": user_id,
        "usersig": user_sig,
        "type": file.kind,
        "name": file.name,
    }
    if cover_id:
        query["cover"] = cover_id
    if file.second:
        query["second"] = str(file.second)
    return query


async def upload(
    http: aiohttp.ClientSession,
    server: str,
    sdk_app_id: int,
    user_id: str,
    user_sig: str,
    file: PendingFile,
) -> dict[str, Any]:
    """Upload ``file`` (a video's cover first); the server's answer ``{"UUID", "URL",
    "Size", "ContentType", "Width", "Height", "Second", "FileName", "MsgBody":
    [element], "type", "payload"}``.

    ``file.on_progress(fraction)`` is called as bytes leave (0 < fraction <= 1) and
    with 1.0 once stored.

    Raises:
        ChatError: the server's code (2253/2301/2351/2402 too large, 2252 not an
            image, 2352 not a video, 2108 empty, 6008 storage failed, 700xx a bad
            UserSig); 2800 the server could not be reached; 2802 cancelled
            (``cancel_uploading``).
    """
    if file.cancelled:
        raise ChatError(ERR_UPLOAD_CANCELLED, "upload cancelled")
    cover_id = ""
    if file.cover is not None:
        cover = PendingFile("image", file.cover, "cover")
        cover_id = (await upload(http, server, sdk_app_id, user_id, user_sig, cover))["UUID"]
    reader, total, owned = _open(file.source)
    query = _query(file, sdk_app_id, user_id, user_sig, cover_id)
    try:
        async with http.post(
            http_base(server) + "/media/upload",
            params=query,
            data=_chunks(reader, total, file),
            headers={"Content-Type": "application/octet-stream", "Content-Length": str(total)},
        ) as resp:
            answer: dict[str, Any] = await resp.json(content_type=None)
    except (aiohttp.ClientError, ValueError) as exc:
        if file.cancelled:
            raise ChatError(ERR_UPLOAD_CANCELLED, "upload cancelled") from None
        raise ChatError(ERR_NETWORK, f"upload failed: {exc!r}") from None
    finally:
        if owned:
            reader.close()
    if answer.get("ErrorCode"):
        raise ChatError(int(answer["ErrorCode"]), str(answer.get("ErrorInfo", "")))
    if file.on_progress is not None:
        file.on_progress(1.0)
    return answer
