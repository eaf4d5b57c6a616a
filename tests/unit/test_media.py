"""Media (``MediaService``) on the local-disk store: uploads, limits, sniffing, tickets,
message elements and the deletion pass, with a fake clock, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image

from palaver.errors import ImError
from palaver.services import media as m
from palaver.services.media_elements import element
from palaver.services.messages import SendOptions
from palaver.storage import Database
from palaver.storage.files import LocalFileStore

from .conftest import World, build_world

PDF = b"%PDF-1.4\n% unit\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (1, 2, 3)).save(out, "PNG")
    return out.getvalue()


async def chunks(data: bytes, size: int = 1000) -> AsyncIterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


@pytest.fixture
async def mw(any_db: Database, tmp_path: Path) -> AsyncIterator[tuple[World, m.MediaService]]:
    world = await build_world(any_db)
    service = m.MediaService(any_db, LocalFileStore(tmp_path / "media"), world.clock)
    yield world, service
    await world.writer.close()


def blobs(service: m.MediaService) -> set[str]:
    root = Path(service.files.root) / "blobs"  # type: ignore[attr-defined]
    return {p.name for p in root.rglob("*") if p.is_file()}


async def test_uploads_elements_and_sizes(mw: tuple[World, m.MediaService]) -> None:
    world, media = mw
    image = await media.upload(
        world.app, "alice", "image", chunks(png(1440, 1080)), file_name="a/b\\c\x00.png"
    )
    assert (image.width, image.height, image.content_type) == (1440, 1080, "image/png")
    assert image.file_name == "c.png" and image.created_at == int(world.clock.time())
    assert {k: (v.width, v.height) for k, v in image.variants.items()} == {
        "large": (960, 720),
        "thumb": (264, 198),
    }
    elem = element("https://im.example", image)
    assert elem["MsgType"] == "TIMImageElem" and elem["MsgContent"]["ImageFormat"] == 3
    urls = [i["URL"] for i in elem["MsgContent"]["ImageInfoArray"]]
    base = f"https://im.example/media/{world.app.sdkappid}/{image.media_id}"
    assert urls == [base, base + "?imageView2/3/w/720/h/720", base + "?imageView2/3/w/198/h/198"]
    assert await media.get(world.app.sdkappid, image.media_id) == image

    doc = await media.upload(world.app, "alice", "file", chunks(PDF), file_name="r.pdf")
    again = await media.upload(world.app, "bob", "file", chunks(PDF))
    assert doc.blob == again.blob and doc.media_id != again.media_id
    assert len(blobs(media)) == 4  # image, large, thumb; the PDF once
    assert element("h", doc)["MsgContent"] == {
        "Url": f"h/media/{world.app.sdkappid}/{doc.media_id}",
        "UUID": doc.media_id,
        "FileSize": len(PDF),
        "FileName": "r.pdf",
        "Download_Flag": 2,
    }
    voice = await media.upload(world.app, "alice", "sound", chunks(b"\x00" * 50), duration_hint=4)
    assert element("h", voice)["MsgContent"]["Second"] == 4
    assert voice.content_type == "application/octet-stream" and not voice.inline
    cover = await media.upload(world.app, "alice", "image", chunks(png(40, 30)))
    video = await media.upload(
        world.app, "alice", "video", chunks(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100)
    )
    content = element("h", video, cover)["MsgContent"]
    assert (content["ThumbUUID"], content["ThumbWidth"], content["VideoFormat"]) == (
        cover.media_id,
        40,
        "mp4",
    )


async def test_limits_codes_and_nothing_left(mw: tuple[World, m.MediaService]) -> None:
    world, media = mw
    await world.settings(media_limits_mb={"sound": 1})
    cases = [
        ("sound", b"\x00" * ((1 << 20) + 1), 2301),
        ("image", PDF, 2252),
        ("video", PDF, 2352),
        ("file", b"", 2108),
    ]
    for kind, data, code in cases:
        with pytest.raises(ImError) as err:
            await media.upload(world.app, "alice", kind, chunks(data, 1 << 16))  # type: ignore[arg-type]
        assert err.value.code == code, kind
    assert blobs(media) == set()
    assert not list((Path(media.files.root) / "tmp").iterdir())  # type: ignore[attr-defined]
    assert media.limit(world.app, "video") == 100 << 20


async def test_tickets(mw: tuple[World, m.MediaService]) -> None:
    world, media = mw
    ticket = media.issue_ticket(world.app, "alice", "image", "x.png")
    text = media.encode_ticket(world.app, ticket)
    assert media.ticket_app(text) == world.app.sdkappid
    assert media.decode_ticket(world.app, text) == ticket
    for bad in (text[:-2] + "xx", "nonsense", text.replace(".", "")):
        with pytest.raises(ImError) as err:
            media.decode_ticket(world.app, bad)
        assert err.value.code == 6006
    world.clock.advance(m.TICKET_TTL + 1)
    with pytest.raises(ImError) as err:
        media.decode_ticket(world.app, text)
    assert err.value.code == 6006


async def test_the_deletion_pass(mw: tuple[World, m.MediaService]) -> None:
    world, media = mw
    await world.users("alice", "bob")
    kept = await media.upload(world.app, "alice", "file", chunks(PDF + b"1"))
    recalled = await media.upload(world.app, "alice", "file", chunks(PDF + b"2"))
    await media.upload(world.app, "alice", "file", chunks(PDF + b"3"))  # never sent
    keys = []
    for i, r in enumerate((kept, recalled)):
        res = await world.messages.send_c2c(
            world.app, "alice", "bob", [element("https://h", r)], i + 1, SendOptions()
        )
        keys.append(res.msg_key)
    await world.messages.recall(world.app, "alice", "bob", keys[1])
    assert await media.collect_garbage(world.app) == 0  # within the grace time
    world.clock.advance(m.GC_GRACE + 1)
    assert await media.collect_garbage(world.app) == 2
    assert await media.get(world.app.sdkappid, kept.media_id) == kept
    assert await media.get(world.app.sdkappid, recalled.media_id) is None
    assert blobs(media) == {kept.blob}
