"""The JS SDK sends images and files (issue 11): ``createImageMessage`` /
``createFileMessage`` with ``payload: {file}`` (a browser ``File`` or an ``<input
type=file>``) and ``onProgress``; ``sendMessage`` uploads, then sends Tencent's element."""

from __future__ import annotations

import base64
import io
from typing import Any

from PIL import Image

from conftest import RunningServer
from test_js_sdk import Open, open_chat  # noqa: F401 - the fixture

PDF = b"%PDF-1.4\n% js sdk\n" + bytes(range(256)) * 4000 + b"\n%%EOF\n"

SEND = """(async () => {
  const bytes = Uint8Array.from(atob(a.b64), (c) => c.charCodeAt(0));
  let file = new File([bytes], a.name, {type: a.mime});
  if (a.input) {
    const input = document.createElement('input');
    input.type = 'file';
    const dt = new DataTransfer(); dt.items.add(file); input.files = dt.files;
    file = input;
  }
  T.progress = [];
  const m = chat[a.create]({to: a.to, conversationType: 'C2C', payload: {file},
                            onProgress: (p) => T.progress.push(p)});
  T.msgs[a.name] = m;
  return await chat.sendMessage(m);
})()"""


def jpeg(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (250, 200, 0)).save(out, "JPEG")
    return out.getvalue()


def args(
    create: str, name: str, data: bytes, mime: str, *, to: str = "bob", input_: bool = False
) -> dict[str, Any]:
    return {
        "create": create,
        "name": name,
        "b64": base64.b64encode(data).decode(),
        "mime": mime,
        "to": to,
        "input": input_,
    }


async def test_image_and_file_from_the_js_sdk(server: RunningServer, open_chat: Open) -> None:  # noqa: F811
    await server.import_users("alice", "bob")
    alice = await open_chat("alice")
    bob = await open_chat("bob")

    photo = jpeg(1000, 1500)
    sent = (
        await alice.ok(SEND, args("createImageMessage", "me.jpg", photo, "image/jpeg", input_=True))
    )["message"]
    progress = await alice.js("return T.progress;")
    assert progress and progress[-1] == 1 and progress == sorted(progress)
    [got] = await bob.messages(1)
    assert got["ID"] == sent["ID"] and got["type"] == "TIMImageElem"
    infos = {i["type"]: i for i in got["payload"]["imageInfoArray"]}
    assert (infos[1]["width"], infos[1]["height"]) == (1000, 1500)
    assert (infos[2]["width"], infos[2]["height"]) == (720, 1080)
    assert (infos[3]["width"], infos[3]["height"]) == (198, 297)
    # bob's page shows the thumbnail and opens the original, from Palaver's origin
    seen = await bob.js(
        "const img = new Image(); img.src = a.url; await img.decode();"
        "const r = await fetch(a.orig); const b = new Uint8Array(await r.arrayBuffer());"
        "return {w: img.naturalWidth, h: img.naturalHeight, n: b.length,"
        " type: r.headers.get('content-type')};",
        {"url": infos[3]["url"], "orig": infos[1]["url"]},
    )
    assert seen == {"w": 198, "h": 297, "n": len(photo), "type": "image/jpeg"}

    sent = (
        await alice.ok(SEND, args("createFileMessage", "Budget 2027.pdf", PDF, "application/pdf"))
    )["message"]
    [got] = await bob.messages(1)
    assert got["type"] == "TIMFileElem"
    payload = got["payload"]
    assert (payload["fileName"], payload["fileSize"]) == ("Budget 2027.pdf", len(PDF))
    async with server.session.get(payload["fileUrl"]) as resp:
        assert await resp.read() == PDF
        assert resp.headers["Content-Disposition"].startswith("attachment;")

    # a file that is not an image fails as an image, and nothing is sent
    failed = await alice.fails(SEND, args("createImageMessage", "fake.png", PDF, "image/png"))
    assert failed["code"] == 2252
    assert await alice.js("return T.msgs['fake.png'].status;") == "fail"


async def test_cancel_uploading_stores_and_sends_nothing(
    server: RunningServer,
    open_chat: Open,  # noqa: F811
) -> None:
    await server.import_users("alice", "bob")
    alice = await open_chat("alice")
    result = await alice.js(
        """const file = new File([new Uint8Array(8 << 20)], 'big.bin');
        const m = chat.createFileMessage({to: 'bob', conversationType: 'C2C', payload: {file}});
        const sending = chat.sendMessage(m);
        const cancelled = chat.cancelUploading(m);
        const err = await sending.then(() => null, (e) => e.code);
        return {cancelled, err, status: m.status, again: chat.cancelUploading(m)};"""
    )
    assert result == {"cancelled": True, "err": 2802, "status": "fail", "again": False}
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
    assert roam["MsgList"] == []
    async with server.hub.db.read() as conn:
        from sqlalchemy import func, select

        from palaver.storage.schema import media

        assert await conn.scalar(select(func.count()).select_from(media)) == 0


async def test_a_video_with_its_cover_from_the_js_sdk(
    server: RunningServer,
    open_chat: Open,  # noqa: F811
) -> None:
    await server.import_users("alice", "bob")
    alice = await open_chat("alice")
    bob = await open_chat("bob")
    mp4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 5000
    cover = jpeg(640, 360)
    sent = await alice.ok(
        """(async () => {
          const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          const file = new File([bytes(a.video)], 'clip.mp4', {type: 'video/mp4'});
          const cover = new Blob([bytes(a.cover)], {type: 'image/jpeg'});
          const m = chat.createVideoMessage({to: 'bob', conversationType: 'C2C',
                                             payload: {file, cover, videoSecond: 3}});
          return await chat.sendMessage(m);
        })()""",
        {"video": base64.b64encode(mp4).decode(), "cover": base64.b64encode(cover).decode()},
    )
    [got] = await bob.messages(1)
    assert got["ID"] == sent["message"]["ID"] and got["type"] == "TIMVideoFileElem"
    p = got["payload"]
    assert (p["videoSecond"], p["thumbWidth"], p["thumbHeight"]) == (3, 640, 360)
    async with server.session.get(p["thumbUrl"]) as resp:
        assert await resp.read() == cover
    async with server.session.get(p["videoUrl"]) as resp:
        assert await resp.read() == mp4
