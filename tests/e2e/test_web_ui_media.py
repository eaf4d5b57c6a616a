"""The browser UI sends and shows media (issue 11): alice attaches an image and a PDF,
bob sees the thumbnail, opens the original in the viewer, and downloads the file
byte-identical."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
from pathlib import Path
from typing import Any

from PIL import Image

from conftest import RunningServer
from test_web_ui import WAIT, Users, conversation, expect, open_chat_with_friend, users  # noqa: F401

PDF = b"%PDF-1.4\n% ui\n" + bytes(range(256)) * 300 + b"\n%%EOF\n"


def jpeg(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (120, 40, 200)).save(out, "JPEG")
    return out.getvalue()


async def test_alice_sends_an_image_and_a_file_bob_opens_both(
    users: Users,  # noqa: F811
    server: RunningServer,
) -> None:
    alice = await users.open("alice")
    bob = await users.open("bob")
    await open_chat_with_friend(alice, "bob")

    photo = jpeg(1600, 1200)
    await alice.tid("attach-input").set_input_files(
        [
            {"name": "sunset.jpg", "mimeType": "image/jpeg", "buffer": photo},
            {"name": "Report Q3.pdf", "mimeType": "application/pdf", "buffer": PDF},
        ]
    )
    # alice's own bubbles turn into the image and the file card once uploaded
    await expect(alice.tid("message-list").get_by_test_id("message-image")).to_have_count(
        1, timeout=WAIT
    )
    await expect(alice.tid("message-list").get_by_test_id("file-name")).to_have_text(
        "Report Q3.pdf", timeout=WAIT
    )
    await expect(alice.tid("upload-progress")).to_have_count(0, timeout=WAIT)

    await conversation(bob, "alice").get_by_test_id("conversation-open").click()
    thumb = bob.tid("message-list").get_by_test_id("message-image")
    await expect(thumb).to_have_count(1, timeout=WAIT)
    size = await thumb.evaluate(
        "async (img) => { await img.decode(); return [img.naturalWidth, img.naturalHeight]; }"
    )
    assert size == [264, 198]  # the thumbnail, not the original
    await thumb.click()
    full = bob.tid("viewer-image")
    await expect(full).to_be_visible(timeout=WAIT)
    size = await full.evaluate(
        "async (img) => { await img.decode(); return [img.naturalWidth, img.naturalHeight]; }"
    )
    assert size == [1600, 1200]
    await bob.page.keyboard.press("Escape")

    card = bob.tid("message-list").get_by_test_id("file-card")
    await expect(card.get_by_test_id("file-name")).to_have_text("Report Q3.pdf")
    await expect(card.get_by_test_id("file-size")).to_have_text(f"{len(PDF) / 1024:.1f} KB")
    async with bob.page.expect_download() as info:
        await card.get_by_test_id("file-download").click()
    download = await info.value
    assert download.suggested_filename == "Report Q3.pdf"
    assert await asyncio.to_thread(Path(await download.path()).read_bytes) == PDF
    assert not alice.errors and not bob.errors, (alice.errors, bob.errors)


async def test_cancel_an_upload_in_progress(users: Users, server: RunningServer) -> None:  # noqa: F811
    alice = await users.open("alice")
    await open_chat_with_friend(alice, "bob")
    held = asyncio.Event()
    release = asyncio.Event()

    async def hold(route: Any) -> None:  # the upload hangs until the test lets it go
        held.set()
        await release.wait()
        with contextlib.suppress(Exception):  # the page aborted it meanwhile
            await route.abort()

    await alice.page.route("**/media/upload?*", hold)
    await alice.tid("attach-input").set_input_files(
        [{"name": "big.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    await asyncio.wait_for(held.wait(), WAIT / 1000)
    await expect(alice.tid("upload-progress")).to_have_count(1, timeout=WAIT)
    await alice.tid("upload-cancel").click()
    await expect(alice.tid("upload-progress")).to_have_count(0, timeout=WAIT)
    await expect(alice.tid("message-list").get_by_test_id("file-card")).to_have_count(0)
    release.set()
    await expect(alice.tid("toast")).to_have_text("Upload cancelled", timeout=WAIT)
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


async def test_voice_message_recorded_in_the_browser(users: Users, server: RunningServer) -> None:  # noqa: F811
    alice = await users.open("alice")
    bob = await users.open("bob")
    await open_chat_with_friend(alice, "bob")
    await alice.tid("record").click()
    # Chromium's fake microphone: record until the clock shows a second
    await expect(alice.tid("record-time")).to_have_text("0:01", timeout=WAIT)
    await alice.tid("record").click()
    await expect(alice.tid("record-time")).to_be_hidden()

    await conversation(bob, "alice").get_by_test_id("conversation-open").click()
    player = bob.tid("message-list").get_by_test_id("message-audio")
    await expect(player).to_have_count(1, timeout=WAIT)
    src = await player.get_attribute("src")
    assert src and src.startswith(server.url + "/media/")
    async with server.session.get(src) as resp:
        assert resp.status == 200 and resp.headers["Content-Type"] == "audio/webm"
        assert len(await resp.read()) > 100
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
    [msg] = roam["MsgList"]
    content = msg["MsgBody"][0]["MsgContent"]
    assert msg["MsgBody"][0]["MsgType"] == "TIMSoundElem" and content["Second"] >= 1


async def test_drop_and_paste_send_and_remote_images_wait(
    users: Users,  # noqa: F811
    server: RunningServer,
) -> None:
    alice = await users.open("alice")
    bob = await users.open("bob")
    # a picture from another host, sent by a backend: bob's page must not fetch it unasked
    remote: list[str] = []
    asked = asyncio.Event()

    async def elsewhere(route: Any) -> None:
        remote.append(route.request.url)
        asked.set()
        await route.abort()

    await bob.page.route("http://pictures.example/**", elsewhere)
    await server.ok(
        "openim",
        "sendmsg",
        {
            "From_Account": "alice",
            "To_Account": "bob",
            "MsgRandom": 9,
            "MsgBody": [
                {
                    "MsgType": "TIMImageElem",
                    "MsgContent": {
                        "UUID": "x",
                        "ImageFormat": 1,
                        "ImageInfoArray": [
                            {
                                "Type": t,
                                "Size": 1,
                                "Width": 9,
                                "Height": 9,
                                "URL": "http://pictures.example/p.jpg",
                            }
                            for t in (1, 2, 3)
                        ],
                    },
                }
            ],
        },
    )
    await open_chat_with_friend(alice, "bob")
    drop = """(el, a) => {
      const bytes = Uint8Array.from(atob(a.b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], a.name, {type: a.type}));
      if (a.paste) {
        el.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true}));
      } else {
        el.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
      }
    }"""
    dropped, pasted = jpeg(400, 300), jpeg(300, 400)
    await alice.tid("message-list").evaluate(
        drop,
        {
            "b64": base64.b64encode(dropped).decode(),
            "name": "d.jpg",
            "type": "image/jpeg",
            "paste": False,
        },
    )
    await alice.tid("composer-input").evaluate(
        drop,
        {
            "b64": base64.b64encode(pasted).decode(),
            "name": "p.jpg",
            "type": "image/jpeg",
            "paste": True,
        },
    )
    await expect(alice.tid("message-list").get_by_test_id("message-image")).to_have_count(
        2, timeout=WAIT
    )

    await conversation(bob, "alice").get_by_test_id("conversation-open").click()
    images = bob.tid("message-list").get_by_test_id("message-image")
    await expect(images).to_have_count(2, timeout=WAIT)  # Palaver's own: shown at once
    button = bob.tid("load-remote-image")
    await expect(button).to_have_text("Show image from pictures.example")
    assert remote == []
    await button.click()
    await expect(images).to_have_count(3, timeout=WAIT)
    await asyncio.wait_for(asked.wait(), WAIT / 1000)  # fetched only now, when asked
    assert remote == ["http://pictures.example/p.jpg"]
