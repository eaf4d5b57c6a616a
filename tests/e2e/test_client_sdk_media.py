"""The Python SDK sends images, files, voice and video (issue 11): ``create_*_message``
with ``payload={"file": path | bytes | file}`` and ``on_progress``; ``send_message``
uploads, then sends Tencent's element; the receiver downloads the bytes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from conftest import RunningServer
from palaver.client import ERR_UPLOAD_CANCELLED, ChatError
from palaver.client.constants import EVENT, TYPES
from support.media import tiny_mp4
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
    cover = png(320, 180)
    await alice.send_message(
        alice.create_video_message(
            to="bob", payload={"file": mp4, "cover": cover, "videoSecond": 7}
        )
    )
    [got] = await b.messages(1)
    p = got.payload
    assert got.type == TYPES.MSG_VIDEO and p["videoSize"] == len(mp4)
    assert (p["videoSecond"], p["thumbWidth"], p["thumbHeight"]) == (7, 320, 180)
    assert p["thumbFormat"] == "png" and p["videoFormat"] == "mp4"
    assert (await get(server, p["videoUrl"]))[1:] == ("video/mp4", mp4)
    assert (await get(server, p["thumbUrl"]))[1:] == ("image/png", cover)


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


async def test_a_picture_in_a_group(server: RunningServer, connect: Connect) -> None:  # noqa: F811
    await server.import_users("alice", "bob")
    alice, _ = await connect("alice")
    bob, b = await connect("bob")
    created = await alice.create_group(
        type=TYPES.GRP_WORK, name="photos", member_list=[{"userID": "bob"}]
    )
    gid = created["group"]["groupID"]
    picture = png(300, 200)
    sent = await alice.send_message(
        alice.create_image_message(
            to=gid, conversation_type=TYPES.CONV_GROUP, payload={"file": picture}
        )
    )
    got = await b.until(EVENT.MESSAGE_RECEIVED, lambda ms: any(m.id == sent.id for m in ms))
    [msg] = [m for m in got if m.id == sent.id]
    assert msg.conversation_id == "GROUP" + gid and msg.type == TYPES.MSG_IMAGE
    infos = {i["type"]: i for i in msg.payload["imageInfoArray"]}
    assert (await get(server, infos[1]["url"]))[2] == picture
    history = await server.ok(
        "group_open_http_svc", "group_msg_get_simple", {"GroupId": gid, "ReqMsgNumber": 5}
    )
    [elem] = [
        m["MsgBody"][0]
        for m in history["RspMsgList"]
        if m["MsgBody"] and m["MsgBody"][0]["MsgType"] == "TIMImageElem"
    ]
    assert elem["MsgContent"]["ImageInfoArray"][0]["Width"] == 300


async def test_a_video_gets_a_cover_made_by_the_server(
    server: RunningServer,
    connect: Connect,  # noqa: F811
) -> None:
    await server.import_users("alice", "bob")
    alice, _ = await connect("alice")
    bob, b = await connect("bob")
    video = tiny_mp4(64, 48, frames=20, fps=10)  # 2 s
    await alice.send_message(alice.create_video_message(to="bob", payload={"file": video}))
    [got] = await b.messages(1)
    p = got.payload
    assert (p["videoSecond"], p["thumbWidth"], p["thumbHeight"]) == (2, 64, 48), p
    status, ctype, body = await get(server, p["thumbUrl"])
    assert (status, ctype) == (200, "image/jpeg")
    assert Image.open(io.BytesIO(body)).size == (64, 48)
    assert (await get(server, p["videoUrl"]))[2] == video


async def test_cancel_uploading(server: RunningServer, connect: Connect) -> None:  # noqa: F811
    await server.import_users("alice", "bob")
    alice, _ = await connect("alice")
    seen: list[float] = []

    def progress(fraction: float) -> None:  # cancels once the first 64 KB left
        seen.append(fraction)
        assert alice.cancel_uploading(msg)

    msg = alice.create_file_message(
        to="bob", payload={"file": b"\x01" * (1 << 20)}, on_progress=progress
    )
    with pytest.raises(ChatError) as err:
        await alice.send_message(msg)
    assert err.value.code == ERR_UPLOAD_CANCELLED and msg.status == "fail"
    assert len(seen) == 1 and not alice.cancel_uploading(msg)
    with pytest.raises(ChatError) as err:
        await alice.resend_message(msg)
    assert err.value.code == ERR_UPLOAD_CANCELLED
    assert not alice.cancel_uploading(alice.create_text_message(to="bob", payload={"text": "x"}))
    history = await alice.get_message_list("C2Cbob")
    assert history.message_list == []
    async with server.hub.db.read() as conn:
        from sqlalchemy import func, select

        from palaver.storage.schema import media

        assert await conn.scalar(select(func.count()).select_from(media)) == 0
