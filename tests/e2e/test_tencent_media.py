"""Tencent's own web SDK with ``tim-upload-plugin`` (both unmodified, in Chromium) sends
images, files, voice and video through Palaver (issue 11): ``fileUploadProxy`` and
``fileDownloadProxy`` point at Palaver, the SDK asks ``im_cos_msg.simple_sig`` for an
upload URL, the plugin PUTs the bytes there, and the receiver opens what it got."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest
from PIL import Image

from conftest import RunningServer
from support.media import tiny_mp4
from support.tencent_sdk import Ref, TencentError, TencentHarness, TencentTab

pytestmark = pytest.mark.timeout(180)

PDF = b"%PDF-1.4\n% palaver\n" + bytes(range(256)) * 64 + b"\n%%EOF\n"


def jpeg(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (20, 120, 220)).save(out, "JPEG")
    return out.getvalue()


async def login(server: RunningServer, tencent: TencentHarness, *users: str) -> list[TencentTab]:
    await server.import_users(*users)
    return [
        await tencent.login(
            u, server.sig(u), fileUploadProxy=server.url, fileDownloadProxy=server.url
        )
        for u in users
    ]


async def put_file(tab: TencentTab, name: str, data: bytes, mime: str, *, wrap: bool) -> Ref:
    """A browser ``File`` kept in the page; ``wrap``: in an ``<input type=file>``, as a
    page's file picker holds it (what the web SDK's image, file and video messages take)."""
    await tab.js(
        "const bytes = Uint8Array.from(atob(a.b64), (c) => c.charCodeAt(0));"
        "const file = new File([bytes], a.name, {type: a.mime});"
        "let held = file;"
        "if (a.wrap) { held = document.createElement('input'); held.type = 'file';"
        " const dt = new DataTransfer(); dt.items.add(file); held.files = dt.files; }"
        "H.refs[a.key] = held; return null;",
        {
            "b64": base64.b64encode(data).decode(),
            "name": name,
            "mime": mime,
            "key": "file:" + name,
            "wrap": wrap,
        },
    )
    return Ref("file:" + name)


async def send_media(
    tab: TencentTab, create: str, to: str, file: Ref, **payload: Any
) -> dict[str, Any]:
    msg = await tab.call(
        create, {"to": to, "conversationType": "C2C", "payload": {"file": file, **payload}}
    )
    data = await tab.call("sendMessage", tab.msg(msg["ID"]))
    sent: dict[str, Any] = data["message"]
    return sent


async def fetch(server: RunningServer, url: str) -> tuple[int, dict[str, str], bytes]:
    async with server.session.get(url) as resp:
        return resp.status, dict(resp.headers), await resp.read()


async def test_image_and_file_from_the_official_sdk(
    server: RunningServer, tencent: TencentHarness
) -> None:
    alice, bob = await login(server, tencent, "alice", "bob")
    photo = jpeg(1280, 960)
    image = await put_file(alice, "photo.jpg", photo, "image/jpeg", wrap=True)
    sent = await send_media(alice, "createImageMessage", "bob", image)
    assert sent["status"] == "success", alice.report()

    got = (await bob.wait_event("MESSAGE_RECEIVED"))[0]
    assert got["ID"] == sent["ID"] and got["type"] == "TIMImageElem", bob.report()
    # the SDK lists original, thumbnail, large (sizeType 1, 3, 2), as with Tencent
    infos = got["payload"]["imageInfoArray"]
    assert [(i["sizeType"], i["width"], i["height"]) for i in infos] == [
        (1, 1280, 960),
        (3, 264, 198),
        (2, 960, 720),
    ], infos
    # what bob's SDK shows comes through fileDownloadProxy, i.e. from Palaver
    assert all(i["url"].startswith(server.url + "/media/") for i in infos), infos
    status, headers, body = await fetch(server, infos[0]["url"])
    assert status == 200 and body == photo and headers["Content-Type"] == "image/jpeg"
    status, _, body = await fetch(server, infos[1]["url"])
    assert status == 200 and Image.open(io.BytesIO(body)).size == (264, 198)

    # REST sees a TIMImageElem with Tencent's fields
    roam = await server.ok(
        "openim",
        "admin_getroammsg",
        {
            "Operator_Account": "bob",
            "Peer_Account": "alice",
            "MaxCnt": 10,
            "MinTime": 0,
            "MaxTime": 2**31 - 1,
        },
    )
    elem = roam["MsgList"][0]["MsgBody"][0]
    assert elem["MsgType"] == "TIMImageElem", elem
    content = elem["MsgContent"]
    assert content["ImageFormat"] == 1
    sizes = {i["Type"]: (i["Width"], i["Height"]) for i in content["ImageInfoArray"]}
    assert sizes == {1: (1280, 960), 2: (960, 720), 3: (264, 198)}, content
    assert all(i["URL"].startswith(server.url + "/media/") for i in content["ImageInfoArray"])

    doc = await put_file(alice, "Plan B.pdf", PDF, "application/pdf", wrap=True)
    sent = await send_media(alice, "createFileMessage", "bob", doc)
    got = (await bob.wait_event("MESSAGE_RECEIVED"))[0]
    assert got["type"] == "TIMFileElem", bob.report()
    payload = got["payload"]
    assert (payload["fileName"], payload["fileSize"]) == ("Plan B.pdf", len(PDF)), payload
    status, headers, body = await fetch(server, payload["fileUrl"])
    assert status == 200 and body == PDF
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"].startswith("attachment;")
    # the stored message names the server as clients reach it (the SDK wrote https://)
    assert payload["remoteFileUrl"].startswith(server.url + "/media/"), payload
    status, _, body = await fetch(server, payload["remoteFileUrl"])
    assert body == PDF
    assert not alice.blocked and not bob.blocked, (alice.blocked, bob.blocked)


async def test_voice_and_video_from_the_official_sdk(
    server: RunningServer, tencent: TencentHarness
) -> None:
    alice, bob = await login(server, tencent, "alice", "bob")
    voice = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 2000
    audio = await put_file(alice, "note.mp3", voice, "audio/mpeg", wrap=False)
    sent = await send_media(alice, "createAudioMessage", "bob", audio)
    got = (await bob.wait_event("MESSAGE_RECEIVED"))[0]
    assert got["ID"] == sent["ID"] and got["type"] == "TIMSoundElem", bob.report()
    status, headers, body = await fetch(server, got["payload"]["remoteAudioUrl"])
    assert status == 200 and body == voice and headers["Content-Type"] == "audio/mpeg"

    mp4 = tiny_mp4(80, 60)  # a real video: Palaver makes its cover (video_cover)
    video = await put_file(alice, "clip.mp4", mp4, "video/mp4", wrap=True)
    sent = await send_media(alice, "createVideoMessage", "bob", video)
    got = (await bob.wait_event("MESSAGE_RECEIVED"))[0]
    assert got["type"] == "TIMVideoFileElem", bob.report()
    p = got["payload"]
    status, headers, body = await fetch(server, p["remoteVideoUrl"])
    assert status == 200 and body == mp4 and headers["Content-Type"] == "video/mp4"
    assert (p["thumbWidth"], p["thumbHeight"]) == (80, 60), p
    status, headers, body = await fetch(server, p["thumbUrl"])
    assert headers["Content-Type"] == "image/jpeg" and Image.open(io.BytesIO(body)).size == (80, 60)


async def test_the_apps_limit_reaches_the_sdk(
    server: RunningServer, tencent: TencentHarness
) -> None:
    await server.hub.apps.update_settings(server.app.sdkappid, media_limits_mb={"image": 1})
    (alice,) = await login(server, tencent, "alice")
    await server.import_users("bob")
    big = await put_file(
        alice, "big.jpg", jpeg(64, 64) + b"\0" * (1 << 20), "image/jpeg", wrap=True
    )
    with pytest.raises(TencentError) as err:
        await send_media(alice, "createImageMessage", "bob", big)
    assert err.value.code == 2253, alice.report()
