"""Media over HTTP: uploads and downloads of images, files, voice and video.

Routes (docs/media.md):

- ``POST|PUT /media/upload?sdkappid=&identifier=&usersig=&type=&name=[&second=][&cover=]``: an upload
  by a client (its UserSig) or a backend (an admin's UserSig, as for REST). The body
  is the file itself, or ``multipart/form-data`` whose part ``file`` is. ``type``:
  ``image`` | ``file`` | ``sound`` | ``video`` (Tencent's ``fileType`` numbers 1, 255,
  3, 2 too); ``second``: voice or video length as the client measured it, used when
  the container does not say (a browser's WebM recording); ``cover``: for a video, the
  ``UUID`` of an image uploaded before as its cover (the element's ``Thumb*`` fields;
  6017 if it is not an image of the app). Answers HTTP 200 with Tencent's envelope, as REST does:
  ``{"ActionStatus", "ErrorCode", "ErrorInfo", "UUID", "URL", "Size", "ContentType",
  "Width", "Height", "Second", "FileName", "MsgBody": [element], "type", "payload"}``
  where the element is ready for ``sendmsg`` and ``type``/``payload`` are the same in
  the SDKs' shape (docs/protocol.md §7).
- ``PUT|POST /media/upload/{ticket}``: an upload with a ticket from the Tencent
  SDK's ``im_cos_msg.simple_sig`` / ``pre_sig`` (what ``tim-upload-plugin`` sends: a
  raw PUT from browsers, a multipart POST from mini programs). HTTP 200 on success;
  a failure has a 4xx/5xx status (the plugin looks only at the status) and the
  envelope. Cross-origin: any origin may send (the ticket is the credential).
- ``GET|HEAD /media/{sdkappid}/{media_id}[/{name}]``: the bytes, with the sniffed
  ``Content-Type``, ranges (``Accept-Ranges``, 206), ``Content-Disposition:
  attachment`` for files and anything not an image, voice or video, and a sandbox
  CSP so nothing uploaded runs as a page of Palaver's origin. Images take
  ``?imageView2/3/w/720/h/720`` (large) and ``?imageView2/3/w/198/h/198`` (thumbnail),
  as Tencent COS names them; videos ``?cover`` (the cover Palaver made, where it could
  decode the video). Unknown ids: 404 with error 6009.

Error codes: services/media.py; 6006 bad credentials or ticket, 70001/70003/...
a bad UserSig, 70107 not imported, 6017 bad ``type``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

import orjson
from aiohttp import BodyPartReader, web

from palaver.errors import Code, ImError
from palaver.protocol.objects import element_to_payload
from palaver.services import media as m
from palaver.services import media_elements
from palaver.services.media_inspect import SIZES

if TYPE_CHECKING:
    from palaver.hub import Hub

log = logging.getLogger("palaver.media")

CHUNK = 1 << 16
#: Tencent's ``fileType`` numbers (the SDK's ``uploadFileType``) and our names
KIND_NAMES: dict[str, m.Kind] = {
    "image": "image",
    "1": "image",
    "file": "file",
    "255": "file",
    "4": "file",
    "sound": "sound",
    "audio": "sound",
    "3": "sound",
    "video": "video",
    "2": "video",
}
MEDIA_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "PUT, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Max-Age": "86400",
}
_STATUS = {
    Code.ERR_FILE_TRANS_AUTH_FAILED: 403,
    Code.ERR_FILE_TRANS_UPLOAD_FAILED: 503,
    Code.ERR_FILE_TRANS_DOWNLOAD_FAILED: 404,
    Code.MSG_I_SIZE_LIMIT: 413,
    Code.MSG_A_SIZE_LIMIT: 413,
    Code.MSG_V_SIZE_LIMIT: 413,
    Code.MSG_F_SIZE_LIMIT: 413,
}


def public_base(request: web.Request, public_url: str | None) -> str:
    """The origin media URLs start with: the ``public_url`` setting, else this
    request's scheme and ``Host`` (``X-Forwarded-Proto`` honoured)."""
    if public_url:
        return public_url.rstrip("/")
    scheme = request.headers.get("X-Forwarded-Proto", request.scheme)
    scheme = {"ws": "http", "wss": "https"}.get(scheme, scheme)
    return f"{scheme}://{request.host}"


def envelope(error: ImError | None = None, **extra: Any) -> bytes:
    """Tencent's envelope ``{"ActionStatus", "ErrorCode", "ErrorInfo", ...}``."""
    out: dict[str, Any] = {
        "ActionStatus": "FAIL" if error else "OK",
        "ErrorCode": error.code if error else 0,
        "ErrorInfo": error.info if error else "",
    }
    out.update(extra)
    return orjson.dumps(out)


def upload_answer(
    base: str, record: m.MediaRecord, cover: m.MediaRecord | None = None
) -> dict[str, Any]:
    """The fields an upload answers with (see the module doc); ``cover``: a video's."""
    element = media_elements.element(base, record, cover)
    return {
        "UUID": record.media_id,
        "URL": media_elements.media_url(base, record),
        "Size": record.size,
        "ContentType": record.content_type,
        "Width": record.width,
        "Height": record.height,
        "Second": record.duration,
        "FileName": record.file_name,
        "MsgBody": [element],
        "type": element["MsgType"],
        "payload": element_to_payload(element),
    }


async def _raw_chunks(request: web.Request) -> AsyncIterator[bytes]:
    async for chunk in request.content.iter_chunked(CHUNK):
        yield chunk


async def _file_part(request: web.Request) -> tuple[AsyncIterator[bytes], str]:
    """The part ``file`` of a multipart body (fields before it are skipped), as
    chunks, and its file name."""
    reader = await request.multipart()
    while True:
        part = await reader.next()
        if part is None:
            raise ImError(Code.ERR_INVALID_PARAMETERS, "the multipart body has no part 'file'")
        if isinstance(part, BodyPartReader) and (part.name == "file" or part.filename):
            break
        await part.release()

    async def chunks() -> AsyncIterator[bytes]:
        while chunk := await part.read_chunk(CHUNK):
            yield chunk

    # some clients (aiohttp's among them) percent-encode the name; browsers send UTF-8
    return chunks(), unquote(part.filename or "")


async def body_chunks(request: web.Request) -> tuple[AsyncIterator[bytes], str]:
    """The uploaded bytes, from a raw or a multipart body, and the part's file name."""
    if request.content_type.startswith("multipart/"):
        return await _file_part(request)
    return _raw_chunks(request), ""


def kind_of(value: str) -> m.Kind:
    """A media kind from ``type``. Raises ImError(6017) for anything else."""
    kind = KIND_NAMES.get(value.lower())
    if kind is None:
        raise ImError(Code.ERR_INVALID_PARAMETERS, "type must be image, file, sound or video")
    return kind


class MediaEndpoint:
    """The aiohttp handlers of the routes above (thin: the work is in MediaService)."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    async def upload(self, request: web.Request) -> web.Response:
        """``/media/upload`` with a UserSig in the query (a client's or an admin's)."""
        try:
            q = request.query
            try:
                sdkappid = int(q.get("sdkappid", ""))
            except ValueError:
                raise ImError(Code.ERR_SVR_COMM_INVALID_SDKAPPID) from None
            who = await self.hub.sessions.authenticate(
                sdkappid, q.get("identifier", ""), (q.get("usersig") or "").strip()
            )
            kind = kind_of(q.get("type", "file"))
            chunks, part_name = await body_chunks(request)
            record = await self.hub.media.upload(
                who.app,
                who.user_id,
                kind,
                chunks,
                file_name=q.get("name") or part_name,
                duration_hint=_seconds(q.get("second", "")),
            )
            cover = await self._cover(who.app.sdkappid, q.get("cover", ""), kind)
            base = public_base(request, self.hub.settings.public_url)
            body = envelope(None, **upload_answer(base, record, cover))
        except ImError as exc:
            body = envelope(exc)
        except Exception:
            log.exception("upload failed")
            body = envelope(ImError(Code.MSG_F_UPLOAD_FAIL))
        return web.Response(body=body, content_type="application/json")

    async def _cover(self, app_id: int, media_id: str, kind: str) -> m.MediaRecord | None:
        """The cover image a video upload names (``cover=<UUID>`` of an image upload).
        Raises ImError(6017): not an image of this app."""
        if not media_id or kind != "video":
            return None
        cover = await self.hub.media.get(app_id, media_id)
        if cover is None or cover.kind != "image":
            raise ImError(
                Code.ERR_INVALID_PARAMETERS, "cover must be the UUID of an uploaded image"
            )
        return cover

    async def upload_ticket(self, request: web.Request) -> web.Response:
        """``/media/upload/{ticket}``: what ``tim-upload-plugin`` sends."""
        status = 200
        try:
            text = request.match_info["ticket"]
            app = await self.hub.apps.get(self.hub.media.ticket_app(text))
            if app is None:
                raise ImError(Code.ERR_FILE_TRANS_AUTH_FAILED, "unknown app")
            ticket = self.hub.media.decode_ticket(app, text)
            chunks, part_name = await body_chunks(request)
            record = await self.hub.media.upload(
                app,
                ticket.owner,
                ticket.kind,
                chunks,
                file_name=ticket.file_name or part_name,
                media_id=ticket.media_id,
            )
            base = public_base(request, self.hub.settings.public_url)
            body = envelope(None, **upload_answer(base, record))
        except ImError as exc:
            status = _STATUS.get(exc.code, 400)  # type: ignore[call-overload]
            body = envelope(exc)
        except Exception:
            log.exception("upload failed")
            status, body = 500, envelope(ImError(Code.MSG_F_UPLOAD_FAIL))
        return web.Response(status=status, body=body, content_type="application/json", headers=CORS)

    async def preflight(self, _: web.Request) -> web.Response:
        """CORS preflight of a ticket upload."""
        return web.Response(status=204, headers=CORS)

    async def download(self, request: web.Request) -> web.StreamResponse:
        """``GET|HEAD /media/{sdkappid}/{media_id}``: the bytes (ranges served)."""
        try:
            try:
                app_id = int(request.match_info["app"])
            except ValueError:
                raise ImError(Code.ERR_FILE_TRANS_DOWNLOAD_FAILED) from None
            record = await self.hub.media.get(app_id, request.match_info["media_id"])
            if record is None:
                raise ImError(Code.ERR_FILE_TRANS_DOWNLOAD_FAILED)
            variant = _variant(request.query_string) if record.kind in ("image", "video") else None
            path = await self.hub.media.open(record, variant)
            if path is None:
                raise ImError(Code.ERR_FILE_TRANS_DOWNLOAD_FAILED)
        except ImError as exc:
            return web.Response(
                status=_STATUS.get(exc.code, 400),  # type: ignore[call-overload]
                body=envelope(exc),
                content_type="application/json",
            )
        v = record.variants.get(variant) if variant else None
        ctype = v.content_type if v else record.content_type
        headers = {
            "Cache-Control": "private, max-age=31536000, immutable",
            "Content-Security-Policy": MEDIA_CSP,
            "Cross-Origin-Resource-Policy": "cross-origin",
            "Access-Control-Allow-Origin": "*",
        }
        if record.inline:
            headers["Content-Type"] = ctype
            headers["Content-Disposition"] = "inline"
        else:
            headers["Content-Type"] = ctype if record.kind == "file" else "application/octet-stream"
            name = record.file_name or record.media_id
            headers["Content-Disposition"] = (
                f"attachment; filename=\"{_ascii(name)}\"; filename*=UTF-8''{quote(name)}"
            )
        return web.FileResponse(path, headers=headers)


def _seconds(value: str) -> int:
    """A client's duration in whole seconds (0 when absent or not a number)."""
    try:
        return max(0, min(int(float(value)), 86400))
    except ValueError:
        return 0


def _variant(query: str) -> str | None:
    """``large`` / ``thumb`` from a COS-style ``imageView2/3/w/N/h/N`` query; ``cover``
    (a video's) from ``cover``."""
    if query == "cover":
        return "cover"
    for name, n in SIZES.items():
        if f"/w/{n}/" in query:
            return name
    return None


def _ascii(name: str) -> str:
    return "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in name)


def add_routes(app: web.Application, hub: Hub) -> None:
    """Register the media routes on ``app``."""
    ep = MediaEndpoint(hub)
    for method in ("POST", "PUT"):
        app.router.add_route(method, "/media/upload", ep.upload)
        app.router.add_route(method, "/media/upload/{ticket}", ep.upload_ticket)
    app.router.add_route("OPTIONS", "/media/upload/{ticket}", ep.preflight)
    app.router.add_get("/media/{app:\\d+}/{media_id}", ep.download)
    app.router.add_get("/media/{app:\\d+}/{media_id}/{name}", ep.download)
