"""The Python SDK sends images, files, voice and video (issue 11): ``create_*_message``
with ``payload={"file": path | bytes | file}`` and ``on_progress``; ``send_message``
uploads, then sends Tencent's element; the receiver downloads the bytes."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from conftest import RunningServer
from palaver.client import ChatError
from palaver.client.constants import TYPES
from test_client_sdk import Connect, connect  # noqa: F401 - the fixture

PDF = b"%PDF-1.4\n% python sdk\n" + bytes(range(256)) * 2000 + b"\n%%EOF\n"


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (10, 200, 10, 128)).save(out, "PNG")
    return out.getvalue()


async def get(server: RunningServer, url: str) -> tuple[int, str, bytes]:
    async with server.session.get(url) as resp:
        return resp.status, resp.headers.get("Content-Type", ""), await resp.read()


async def test_image_file_voice_video_from_the_python_sdk(
    server: RunningServer,
    connect: Connect,  # noqa: F811
    tmp_path: Path,
) -> None:
    await server.import_users("alice", "bob")
    alice, _ = await connect("alice")
    bob, b = await connect("bob")

    picture = png(800, 600)
    seen: list[float] = []
    msg = alice.create_image_message(
        to="bob", payload={"file": picture, "fileName": "p.png"}, on_progress=seen.append
    )
    assert msg.type == TYPES.MSG_IMAGE and msg.status == "unSend"
    sent = await alice.send_message(msg)
    assert sent.status == "success" and seen and seen[-1] == 1.0 and seen == sorted(seen)
    [got] = await b.messages(1)
    assert got.id == sent.id and got.type == TYPES.MSG_IMAGE
    infos = {i["type"]: i for i in got.payload["imageInfoArray"]}
    assert (infos[1]["width"], infos[1]["height"]) == (800, 600)
    assert (infos[2]["width"], infos[2]["height"]) == (800, 600)  # shorter side 600 < 720
    assert (infos[3]["width"], infos[3]["height"]) == (264, 198)
    status, ctype, body = await get(server, infos[1]["url"])
    assert (status, ctype, body) == (200, "image/png", picture)
    _, ctype, body = await get(server, infos[3]["url"])
    assert ctype == "image/png" and Image.open(io.BytesIO(body)).size == (264, 198)

    path = tmp_path / "Minutes.pdf"
    path.write_bytes(PDF)
    seen.clear()
    sent = await alice.send_message(
        alice.create_file_message(to="bob", payload={"file": str(path)}, on_progress=seen.append)
    )
    assert len(seen) > 2 and seen[-1] == 1.0  # several chunks, then stored
    [got] = await b.messages(1)
    assert got.type == TYPES.MSG_FILE
    assert (got.payload["fileName"], got.payload["fileSize"]) == ("Minutes.pdf", len(PDF))
    assert (await get(server, got.payload["fileUrl"]))[1:] == ("application/pdf", PDF)

    voice = b"OggS\x00\x02" + b"\x00" * 20 + b"\x01\x1eOpusHead" + b"\x00" * 3000
    with io.BytesIO(voice) as f:
        await alice.send_message(alice.create_audio_message(to="bob", payload={"file": f}))
    [got] = await b.messages(1)
    assert got.type == TYPES.MSG_AUDIO and got.payload["size"] == len(voice)
    assert (await get(server, got.payload["url"]))[2] == voice

    mp4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 5000
    await alice.send_message(alice.create_video_message(to="bob", payload={"file": mp4}))
    [got] = await b.messages(1)
    assert got.type == TYPES.MSG_VIDEO and got.payload["videoSize"] == len(mp4)
    assert (await get(server, got.payload["videoUrl"]))[1:] == ("video/mp4", mp4)


async def test_upload_errors_fail_the_send(server: RunningServer, connect: Connect) -> None:  # noqa: F811
    await server.import_users("alice", "bob")
    alice, _ = await connect("alice")
    msg = alice.create_image_message(to="bob", payload={"file": PDF, "fileName": "cat.png"})
    try:
        await alice.send_message(msg)
    except ChatError as exc:
        assert exc.code == 2252
    else:
        raise AssertionError("a PDF was sent as an image")
    assert msg.status == "fail"
    history = await alice.get_message_list("C2Cbob")
    assert history.message_list == []
