"""What the bytes of an upload are: the type sniffed from them (the client's word is
never taken), an image's size and Tencent's resized copies (large: shorter side at
most 720 px, thumbnail at most 198 px, made with Pillow), and the duration of voice
and video (mutagen; a video's cover from its first frame with PyAV when installed).
Runs in a worker thread (:meth:`~palaver.services.media.MediaService.upload`).

Errors (:class:`~palaver.errors.ImError`, the web SDK's codes): 2252 not an image
(JPG, GIF, PNG, BMP, WebP) or one of more than :data:`MAX_PIXELS` pixels, 2352 not
a video (MP4, MOV, WebM).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from palaver.errors import Code, ImError

#: Pillow format -> (content type, Tencent ``ImageFormat``: JPG 1, GIF 2, PNG 3, BMP 4, other 255)
IMAGE_FORMATS: dict[str, tuple[str, int]] = {
    "JPEG": ("image/jpeg", 1),
    "GIF": ("image/gif", 2),
    "PNG": ("image/png", 3),
    "BMP": ("image/bmp", 4),
    "WEBP": ("image/webp", 255),
}
VIDEO_TYPES = {"video/mp4", "video/quicktime", "video/webm", "video/x-m4v"}
#: containers a voice message may come in when the sniffer names them as video
_AUDIO_CONTAINERS = {"video/webm": "audio/webm", "video/mp4": "audio/mp4", "video/ogg": "audio/ogg"}
#: image sizes Tencent names in ``ImageInfoArray``: Type 2 large, Type 3 thumbnail,
#: each with its shorter side at most this many px (COS ``imageView2/3/w/N/h/N``)
SIZES = {"large": 720, "thumb": 198}
#: largest image decoded (px): 40 MP, e.g. 8000 x 5000; larger ones fail with 2252
MAX_PIXELS = 40_000_000


@dataclass
class Sniffed:
    """What the bytes are: content type, px, seconds, resized copies by name."""

    content_type: str
    width: int = 0
    height: int = 0
    duration: int = 0
    variants: dict[str, bytes] = field(default_factory=dict)


def inspect(path: Path, kind: str) -> Sniffed:
    """Type, size and duration from the bytes at ``path``; resized copies of images.
    Raises ImError 2252 (not an image) or 2352 (not a video)."""
    if kind == "image":
        return _inspect_image(path)
    import filetype  # type: ignore[import-untyped]

    guess = filetype.guess(str(path))
    mime: str = guess.mime if guess is not None else "application/octet-stream"
    if kind == "video":
        if mime not in VIDEO_TYPES:
            raise ImError(Code.MSG_V_TYPES_LIMIT, f"the bytes are {mime}, not MP4, MOV or WebM")
        return _inspect_video(path, mime)
    if kind == "sound":
        mime = _AUDIO_CONTAINERS.get(mime, mime)
        if not mime.startswith("audio/"):
            mime = "application/octet-stream"
        return Sniffed(mime, duration=_duration(path))
    return Sniffed(mime)


def _duration(path: Path) -> int:
    """Seconds of audio or video, rounded, from the container (0 when unknown)."""
    try:
        import mutagen

        info = mutagen.File(str(path))
        length = float(getattr(getattr(info, "info", None), "length", 0) or 0)
    except Exception:  # any parse failure: unknown duration
        return 0
    return max(0, round(length))


def _inspect_video(path: Path, mime: str) -> Sniffed:
    """A video's length, size and a cover from its first frame, where a decoder is
    installed (PyAV, the ``video`` extra: FFmpeg in its wheel); else the length as
    mutagen reads it from the container."""
    sniffed = Sniffed(mime, duration=_duration(path))
    try:
        import av
    except ImportError:
        return sniffed
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            if container.duration:
                sniffed.duration = max(1, round(container.duration / 1_000_000))
            sniffed.width, sniffed.height = stream.width, stream.height
            for frame in container.decode(stream):
                picture = frame.to_image()  # type: ignore[no-untyped-call]
                if picture.width * picture.height <= MAX_PIXELS:
                    sniffed.variants["cover"] = _encode(picture)
                break
    except Exception:  # any decoding failure: no cover, the container's length
        return Sniffed(mime, duration=sniffed.duration)
    return sniffed


def _inspect_image(path: Path) -> Sniffed:
    from PIL import Image, ImageOps

    try:
        with Image.open(path) as img:
            fmt = img.format or ""
            if fmt not in IMAGE_FORMATS:
                raise ImError(
                    Code.MSG_I_TYPES_LIMIT, f"{fmt or 'unknown'} is not a supported image"
                )
            width, height = img.size
            if width * height > MAX_PIXELS:  # decoding would take gigabytes
                raise ImError(
                    Code.MSG_I_TYPES_LIMIT, f"{width}x{height} is more than {MAX_PIXELS} pixels"
                )
            img.load()
            sniffed = Sniffed(IMAGE_FORMATS[fmt][0], width=width, height=height)
            shorter = min(width, height)
            for name, n in SIZES.items():
                if shorter > n:
                    small = ImageOps.exif_transpose(img.copy())
                    scale = n / shorter
                    small = small.resize(
                        (max(1, round(small.width * scale)), max(1, round(small.height * scale))),
                        Image.Resampling.LANCZOS,
                    )
                    sniffed.variants[name] = _encode(small)
    except ImError:
        raise
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        raise ImError(
            Code.MSG_I_TYPES_LIMIT, "the bytes are not an image Palaver can read"
        ) from None
    return sniffed


def _encode(img: Any) -> bytes:
    """JPEG for opaque pictures, PNG where transparency matters."""
    out = io.BytesIO()
    if img.mode in ("RGBA", "LA", "P"):
        img.convert("RGBA").save(out, "PNG", optimize=True)
    else:
        img.convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue()


def dimensions(data: bytes) -> tuple[int, int, str]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as img:
        w, h = img.size
        return int(w), int(h), IMAGE_FORMATS.get(img.format or "", ("image/jpeg", 0))[0]
