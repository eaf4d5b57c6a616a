"""Message bodies: ``MsgBody: [{"MsgType": ..., "MsgContent": {...}}, ...]``.

Element types and fields follow Tencent IM "message formats"
(cloud.tencent.com/document/product/269/2720): ``TIMTextElem``, ``TIMFaceElem``,
``TIMLocationElem``, ``TIMCustomElem``, ``TIMImageElem``, ``TIMFileElem``,
``TIMSoundElem``, ``TIMVideoFileElem`` (plus ``TIMRelayElem`` for merged
messages).  This module is sans-I/O: the REST API, the WebSocket protocol and
the SDKs share it.

Errors (:class:`~palaver.errors.ImError`): 90007 ``MsgBody`` is not a
non-empty array, 90002 an element is malformed or nested deeper than
:data:`MAX_BODY_DEPTH`, 80002 the encoded body is larger than :data:`MAX_BODY_BYTES`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, StrictInt, TypeAdapter, ValidationError

from palaver.errors import Code, ImError
from palaver.limits import json_depth

MAX_BODY_BYTES = 8 * 1024
#: Deepest nesting of a ``MsgBody`` (the array is level 1; Tencent's elements need 4).
MAX_BODY_DEPTH = 32

Num = float | int


class _Content(BaseModel):
    model_config = ConfigDict(extra="allow")


class TextContent(_Content):
    Text: str


class FaceContent(_Content):
    Index: StrictInt
    Data: str = ""


class LocationContent(_Content):
    Desc: str = ""
    Latitude: Num
    Longitude: Num


class CustomContent(_Content):
    Data: str = ""
    Desc: str = ""
    Ext: str = ""
    Sound: str = ""


class SoundContent(_Content):
    Url: str
    UUID: str = ""
    Size: StrictInt = 0
    Second: StrictInt = 0
    Download_Flag: StrictInt = 2


class ImageInfo(_Content):
    Type: Literal[1, 2, 3]
    Size: StrictInt = 0
    Width: StrictInt = 0
    Height: StrictInt = 0
    URL: str


class ImageContent(_Content):
    UUID: str = ""
    ImageFormat: StrictInt = 255
    ImageInfoArray: list[ImageInfo] = Field(min_length=1)


class FileContent(_Content):
    Url: str
    UUID: str = ""
    FileSize: StrictInt = 0
    FileName: str = ""
    Download_Flag: StrictInt = 2


class VideoContent(_Content):
    VideoUrl: str
    VideoUUID: str = ""
    VideoSize: StrictInt = 0
    VideoSecond: StrictInt = 0
    VideoFormat: str = ""
    VideoDownloadFlag: StrictInt = 2
    ThumbUrl: str = ""
    ThumbUUID: str = ""
    ThumbSize: StrictInt = 0
    ThumbWidth: StrictInt = 0
    ThumbHeight: StrictInt = 0
    ThumbFormat: str = ""
    ThumbDownloadFlag: StrictInt = 2


class RelayContent(_Content):
    Title: str = ""
    MsgNum: StrictInt = 0
    CompatibleText: str = ""
    AbstractList: list[str] = []
    MsgList: list[Any] = []


class _Elem(BaseModel):
    model_config = ConfigDict(extra="allow")


class TextElem(_Elem):
    MsgType: Literal["TIMTextElem"]
    MsgContent: TextContent


class FaceElem(_Elem):
    MsgType: Literal["TIMFaceElem"]
    MsgContent: FaceContent


class LocationElem(_Elem):
    MsgType: Literal["TIMLocationElem"]
    MsgContent: LocationContent


class CustomElem(_Elem):
    MsgType: Literal["TIMCustomElem"]
    MsgContent: CustomContent


class SoundElem(_Elem):
    MsgType: Literal["TIMSoundElem"]
    MsgContent: SoundContent


class ImageElem(_Elem):
    MsgType: Literal["TIMImageElem"]
    MsgContent: ImageContent


class FileElem(_Elem):
    MsgType: Literal["TIMFileElem"]
    MsgContent: FileContent


class VideoElem(_Elem):
    MsgType: Literal["TIMVideoFileElem"]
    MsgContent: VideoContent


class RelayElem(_Elem):
    MsgType: Literal["TIMRelayElem"]
    MsgContent: RelayContent


Element = Annotated[
    TextElem
    | FaceElem
    | LocationElem
    | CustomElem
    | SoundElem
    | ImageElem
    | FileElem
    | VideoElem
    | RelayElem,
    Field(discriminator="MsgType"),
]
_adapter: TypeAdapter[list[Element]] = TypeAdapter(list[Element])


def _is_plain_text(el: Any) -> bool:
    """The common case, checked without building models: one text element
    with nothing else in it."""
    return (
        type(el) is dict
        and len(el) == 2
        and el.get("MsgType") == "TIMTextElem"
        and type(el.get("MsgContent")) is dict
        and len(el["MsgContent"]) == 1
        and type(el["MsgContent"].get("Text")) is str
    )


def validate_msg_body(body: Any) -> list[dict[str, Any]]:
    """Validate a ``MsgBody`` and return it unchanged (as stored and delivered).

    Raises:
        ImError: 90007 not a non-empty list; 90002 an element has an unknown
            ``MsgType`` or wrong ``MsgContent`` fields; 80002 encoded body > 8 KB.
    """
    if not isinstance(body, list) or not body:
        raise ImError(Code.ERR_SVR_MSG_BODY_NOT_ARRAY, "MsgBody must be a non-empty array")
    if len(body) == 1 and _is_plain_text(body[0]):
        # 4 bytes per character at most: short texts cannot exceed the limit
        text = body[0]["MsgContent"]["Text"]
        if len(text) > (MAX_BODY_BYTES - 64) // 4 and len(orjson.dumps(body)) > MAX_BODY_BYTES:
            raise ImError(Code.ERR_SVR_COMM_BODY_SIZE_LIMIT)
        return body
    try:
        _adapter.validate_python(body)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ImError(
            Code.ERR_SVR_MSG_INVALID_JSON_BODY_FORMAT, f"MsgBody.{where}: {err['msg']}"
        ) from None
    if json_depth(body, MAX_BODY_DEPTH) > MAX_BODY_DEPTH:
        raise ImError(
            Code.ERR_SVR_MSG_INVALID_JSON_BODY_FORMAT,
            f"MsgBody nested deeper than {MAX_BODY_DEPTH} levels",
        )
    if len(orjson.dumps(body)) > MAX_BODY_BYTES:
        raise ImError(Code.ERR_SVR_COMM_BODY_SIZE_LIMIT)
    return body


def preview_text(body: list[dict[str, Any]]) -> str:
    """A one-line summary of a body for conversation lists (``[Image]``, the text...)."""
    parts: list[str] = []
    for el in body:
        t = el.get("MsgType")
        c = el.get("MsgContent") or {}
        if t == "TIMTextElem":
            parts.append(str(c.get("Text", "")))
        else:
            parts.append(
                {
                    "TIMFaceElem": "[Face]",
                    "TIMLocationElem": "[Location]",
                    "TIMCustomElem": "[Custom]",
                    "TIMSoundElem": "[Voice]",
                    "TIMImageElem": "[Image]",
                    "TIMFileElem": "[File]",
                    "TIMVideoFileElem": "[Video]",
                    "TIMRelayElem": "[Chat History]",
                }.get(str(t), "[Message]")
            )
    return "".join(parts)
