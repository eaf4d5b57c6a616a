"""Media made for tests: real, small files of each kind."""

from __future__ import annotations

import io

from PIL import Image


def tiny_mp4(width: int = 64, height: int = 48, frames: int = 20, fps: int = 10) -> bytes:
    """A real MP4 (MPEG-4 Part 2 video, ``frames / fps`` seconds), encoded with PyAV
    (the ``video`` extra, a dev dependency): something the server can decode."""
    import av

    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        stream = container.add_stream("mpeg4", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for i in range(frames):
            picture = Image.new("RGB", (width, height), (200, 10 * i % 256, 40))
            for packet in stream.encode(av.VideoFrame.from_image(picture)):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()
