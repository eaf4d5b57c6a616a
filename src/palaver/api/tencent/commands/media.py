"""Upload signatures of Tencent's SDK (``im_cos_msg.*``), answered with Palaver's own
upload tickets (docs/tencent-client-protocol.md §5).

With ``fileUploadProxy`` set, ``@tencentcloud/chat`` 3.6.6 asks ``simple_sig`` (or
``pre_sig``) for an upload URL and a download URL, swaps the upload URL's
``https://host`` for its ``fileUploadProxy`` and has ``tim-upload-plugin`` PUT the file
there (``/media/upload/<ticket>``, :mod:`palaver.api.media`); the download URL goes into
the message. For an image it then asks ``get_imageinfo`` for Tencent's three sizes.
"""

from __future__ import annotations

from typing import Any

from palaver.api.tencent.core import Body, TencentSession, command
from palaver.services import media as m
from palaver.services.media_elements import image_infos, media_url

#: The SDK's ``uploadFileType``: 1 image, 2 video, 3 voice, 255 file
FILE_TYPES: dict[int, m.Kind] = {1: "image", 2: "video", 3: "sound", 255: "file"}


def _ticket_urls(s: TencentSession, file_type: int, file_name: str) -> tuple[str, str]:
    """(upload URL, download URL) of a new ticket for the session's user."""
    app = s.require_app()
    media = s.hub.media
    ticket = media.issue_ticket(app, s.user_id, FILE_TYPES.get(file_type, "file"), file_name)
    upload = f"{s.base_url}/media/upload/{media.encode_ticket(app, ticket)}"
    download = f"{s.base_url}/media/{ticket.app_id}/{ticket.media_id}"
    return upload, download


def own_media_urls(s: TencentSession, body: Any) -> Any:
    """``body`` with the media URLs the SDK made (it writes ``https://<host>`` whatever
    the scheme) on the origin clients really reach, so REST and Palaver's SDKs can
    fetch them; Tencent's SDKs show them through ``fileDownloadProxy`` either way."""
    wrong, right = s.base_url + "/media/", s.origin + "/media/"
    if not s.origin or wrong == right:
        return body

    def fix(v: Any) -> Any:
        if isinstance(v, str):
            return right + v[len(wrong) :] if v.startswith(wrong) else v
        if isinstance(v, list):
            return [fix(x) for x in v]
        if isinstance(v, dict):
            return {k: fix(x) for k, x in v.items()}
        return v

    return fix(body)


class UploadObject(Body):
    uint32_file_id: int = 1
    uint32_file_type: int = 255
    str_file_name: str = ""


class SimpleSig(Body):
    rpt_upload_object: list[UploadObject] = []


@command("im_cos_msg", "simple_sig", SimpleSig)
async def simple_sig(s: TencentSession, d: SimpleSig) -> dict[str, Any]:
    """``uploadConfig: [{fileID, fileType, fileName}]`` -> ``preSig: [{fileID,
    uploadUrl, downloadUrl, fileKey, existFlag: 0}]`` and no ``uploadIP``: one ticket
    per object, valid 900 s, for the logged-in user. Errors: 6014 not logged in."""
    pre = []
    for obj in d.rpt_upload_object or [UploadObject()]:
        upload, download = _ticket_urls(s, obj.uint32_file_type, obj.str_file_name)
        item = {
            "uint32_file_id": obj.uint32_file_id,
            "uint32_exist_flag": 0,
            "str_upload_url": upload,
            "str_download_url": download,
            "str_file_key": download.rsplit("/", 1)[-1],
        }
        if FILE_TYPES.get(obj.uint32_file_type) == "video":
            item["str_snapshot_url"] = download  # the SDK asks video_cover with it after
        pre.append(item)
    return {"str_final_ip": "", "rpt_pre_sig": pre}


class PreSig(Body):
    file_type: int = 255
    file_name: str = ""


@command("im_cos_msg", "pre_sig", PreSig)
async def pre_sig(s: TencentSession, d: PreSig) -> dict[str, Any]:
    """The older single-object form: ``{fileType, fileName}`` -> ``{uploadUrl,
    downloadUrl, expiredTime, requestId}``. Errors: 6014 not logged in."""
    upload, download = _ticket_urls(s, d.file_type, d.file_name)
    return {
        "upload_url": upload,
        "download_url": download,
        "expired_time": int(s.hub.clock.time()) + m.TICKET_TTL,
        "request_id": download.rsplit("/", 1)[-1],
    }


class ImageInfo(Body):
    str_image_url: str = ""


@command("im_cos_msg", "get_imageinfo", ImageInfo)
async def get_imageinfo(s: TencentSession, d: ImageInfo) -> dict[str, Any]:
    """``{imageUrl}`` (a download URL from ``simple_sig``) -> ``imageInfoArray: [{type,
    url, width, height, imageFormat}]`` with this command's types: 1 thumbnail, 2 large,
    3 original (the SDK files them as the message's Types 3, 2, 1). An image not
    uploaded here answers an empty list (the SDK then computes sizes itself)."""
    app = s.require_app()
    media_id = d.str_image_url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    record = await s.hub.media.get(app.sdkappid, media_id)
    if record is None or record.kind != "image":
        return {"rpt_msg_image_info": []}
    fmt = record.content_type.rsplit("/", 1)[-1]
    out = []
    for info in image_infos(s.base_url, record):
        out.append(
            {
                "uint32_image_type": {1: 3, 2: 2, 3: 1}[info["Type"]],
                "str_url": info["URL"],
                "uint32_width": info["Width"],
                "uint32_height": info["Height"],
                "uint32_size": info["Size"],
                "str_image_format": fmt,
            }
        )
    return {"rpt_msg_image_info": out}


class Empty(Body):
    pass


@command("im_cos_msg", "get_final_ip", Empty)
async def get_final_ip(s: TencentSession, d: Empty) -> dict[str, Any]:
    """No upload-by-IP: uploads go to ``fileUploadProxy``."""
    return {"str_final_ip": ""}


class VideoCover(Body):
    snapshot_url: str = ""


@command("im_cos_msg", "video_cover", VideoCover)
async def video_cover(s: TencentSession, d: VideoCover) -> dict[str, Any]:
    """``{requestSnapshotUrl}`` (a video's download URL from ``simple_sig``) ->
    ``{snapshotUrl}``: the cover Palaver made from the video's first frame, or ``""``
    when it could not (no decoder installed, not a video uploaded here); the SDK then
    sends the video without a cover."""
    app = s.require_app()
    media_id = d.snapshot_url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    record = await s.hub.media.get(app.sdkappid, media_id) if media_id else None
    url = ""
    if record is not None and record.kind == "video" and "cover" in record.variants:
        url = media_url(s.base_url, record, "cover")
    return {"error_code": 0, "error_msg": "", "download_url": url}
