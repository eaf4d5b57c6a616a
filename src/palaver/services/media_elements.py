"""The message elements that send an upload, in Tencent IM REST's shapes ("message
formats", cloud.tencent.com/document/product/269/2720): ``TIMImageElem`` with its
``ImageInfoArray``, ``TIMFileElem``, ``TIMSoundElem`` and ``TIMVideoFileElem``,
and the download URLs they name (an image's sizes asked for as Tencent COS names
them).
"""

from __future__ import annotations

from typing import Any

from palaver.services.media import MediaRecord
from palaver.services.media_inspect import SIZES


def media_url(base: str, record: MediaRecord, variant: str | None = None) -> str:
    """The download URL of ``record`` under ``base`` (``https://host``); an image's
    variant is asked for as Tencent COS names it (``?imageView2/3/w/198/h/198``), a
    video's server-made cover as ``?cover``."""
    url = f"{base}/media/{record.app_id}/{record.media_id}"
    if variant == "cover":
        url += "?cover"
    elif variant:
        n = SIZES[variant]
        url += f"?imageView2/3/w/{n}/h/{n}"
    return url


def image_infos(base: str, record: MediaRecord) -> list[dict[str, Any]]:
    """``ImageInfoArray``: Type 1 original, 2 large, 3 thumbnail, each
    ``{Type, Size, Width, Height, URL}`` (bytes, px)."""
    out = [
        {
            "Type": 1,
            "Size": record.size,
            "Width": record.width,
            "Height": record.height,
            "URL": media_url(base, record),
        }
    ]
    for type_, name in ((2, "large"), (3, "thumb")):
        v = record.variants.get(name)
        out.append(
            {
                "Type": type_,
                "Size": v.size if v else record.size,
                "Width": v.width if v else record.width,
                "Height": v.height if v else record.height,
                "URL": media_url(base, record, name) if v else media_url(base, record),
            }
        )
    return out


def element(base: str, record: MediaRecord, cover: MediaRecord | None = None) -> dict[str, Any]:
    """The ``MsgBody`` element that sends ``record``: ``TIMImageElem``, ``TIMFileElem``,
    ``TIMSoundElem`` or ``TIMVideoFileElem`` with Tencent's fields (REST "message
    formats", cloud.tencent.com/document/product/269/2720). ``cover``: a video's
    cover image (its ``Thumb*`` fields)."""
    url = media_url(base, record)
    if record.kind == "image":
        content: dict[str, Any] = {
            "UUID": record.media_id,
            "ImageFormat": record.image_format,
            "ImageInfoArray": image_infos(base, record),
        }
        return {"MsgType": "TIMImageElem", "MsgContent": content}
    if record.kind == "sound":
        content = {
            "Url": url,
            "UUID": record.media_id,
            "Size": record.size,
            "Second": record.duration,
            "Download_Flag": 2,
        }
        return {"MsgType": "TIMSoundElem", "MsgContent": content}
    if record.kind == "video":
        if cover is None and "cover" in record.variants:
            return _video_element(base, record, url)
        content = {
            "VideoUrl": url,
            "VideoUUID": record.media_id,
            "VideoSize": record.size,
            "VideoSecond": record.duration,
            "VideoFormat": record.content_type.rsplit("/", 1)[-1],
            "VideoDownloadFlag": 2,
            "ThumbUrl": media_url(base, cover) if cover else "",
            "ThumbUUID": cover.media_id if cover else "",
            "ThumbSize": cover.size if cover else 0,
            "ThumbWidth": cover.width if cover else 0,
            "ThumbHeight": cover.height if cover else 0,
            "ThumbFormat": cover.content_type.rsplit("/", 1)[-1] if cover else "",
            "ThumbDownloadFlag": 2,
        }
        return {"MsgType": "TIMVideoFileElem", "MsgContent": content}
    content = {
        "Url": url,
        "UUID": record.media_id,
        "FileSize": record.size,
        "FileName": record.file_name,
        "Download_Flag": 2,
    }
    return {"MsgType": "TIMFileElem", "MsgContent": content}


def _video_element(base: str, record: MediaRecord, url: str) -> dict[str, Any]:
    """A ``TIMVideoFileElem`` whose cover is the one Palaver made (variant ``cover``)."""
    v = record.variants["cover"]
    content = {
        "VideoUrl": url,
        "VideoUUID": record.media_id,
        "VideoSize": record.size,
        "VideoSecond": record.duration,
        "VideoFormat": record.content_type.rsplit("/", 1)[-1],
        "VideoDownloadFlag": 2,
        "ThumbUrl": media_url(base, record, "cover"),
        "ThumbUUID": f"{record.media_id}-cover",
        "ThumbSize": v.size,
        "ThumbWidth": v.width,
        "ThumbHeight": v.height,
        "ThumbFormat": v.content_type.rsplit("/", 1)[-1],
        "ThumbDownloadFlag": 2,
    }
    return {"MsgType": "TIMVideoFileElem", "MsgContent": content}
