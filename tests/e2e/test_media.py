"""Media over HTTP (issue 11): uploads by UserSig, downloads by URL, limits, sniffing,
storage once per content, against a real server on the local-disk store."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import time
from pathlib import Path
from typing import Any

import aiohttp
from PIL import Image

from conftest import ADMIN, SDKAPPID, RunningServer
from palaver.errors import StoreUnavailable

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


def png(width: int, height: int, color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


def stored_files(server: RunningServer) -> list[Path]:
    root = server.hub.settings.data_dir / "media"
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


async def upload(
    server: RunningServer,
    data: bytes | aiohttp.FormData,
    *,
    user: str = "alice",
    kind: str = "image",
    name: str = "",
    sig: str | None = None,
    method: str = "POST",
) -> dict[str, Any]:
    q = {
        "sdkappid": str(SDKAPPID),
        "identifier": user,
        "usersig": sig if sig is not None else server.sig(user),
        "type": kind,
    }
    if name:
        q["name"] = name
    async with server.session.request(
        method, f"{server.url}/media/upload", params=q, data=data
    ) as resp:
        assert resp.status == 200
        result: dict[str, Any] = await resp.json()
        return result


async def fetch(
    server: RunningServer, url: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    async with server.session.get(url, headers=headers) as resp:
        return resp.status, dict(resp.headers), await resp.read()


async def test_image_upload_three_sizes_and_download(server: RunningServer) -> None:
    await server.import_users("alice", "bob")
    data = png(1000, 800)
    r = await upload(server, data, name="holiday.png")
    assert r["ActionStatus"] == "OK", r
    assert (r["Size"], r["Width"], r["Height"]) == (len(data), 1000, 800)
    assert r["ContentType"] == "image/png"
    elem = r["MsgBody"][0]
    assert elem["MsgType"] == "TIMImageElem"
    content = elem["MsgContent"]
    assert content["UUID"] == r["UUID"] and content["ImageFormat"] == 3  # PNG
    infos = {i["Type"]: i for i in content["ImageInfoArray"]}
    assert (infos[1]["Width"], infos[1]["Height"], infos[1]["Size"]) == (1000, 800, len(data))
    assert (infos[2]["Width"], infos[2]["Height"]) == (900, 720)  # shorter side 720
    assert (infos[3]["Width"], infos[3]["Height"]) == (248, 198)  # shorter side 198
    assert infos[1]["URL"].startswith(server.url + "/media/")

    status, headers, body = await fetch(server, infos[1]["URL"])
    assert status == 200 and body == data
    assert headers["Content-Type"] == "image/png"
    assert "sandbox" in headers["Content-Security-Policy"]
    for t, (w, h) in ((2, (900, 720)), (3, (248, 198))):
        status, headers, body = await fetch(server, infos[t]["URL"])
        assert status == 200 and len(body) == infos[t]["Size"]
        assert headers["Content-Type"] == "image/jpeg"
        assert Image.open(io.BytesIO(body)).size == (w, h)

    # the element goes out as a message through REST and comes back unchanged
    sent = await server.ok(
        "openim",
        "sendmsg",
        {"From_Account": "alice", "To_Account": "bob", "MsgRandom": 1, "MsgBody": [elem]},
    )
    assert sent["MsgKey"]


async def test_small_image_has_one_size_and_same_content_is_stored_once(
    server: RunningServer,
) -> None:
    await server.import_users("alice", "bob")
    data = png(120, 90)
    a = await upload(server, data)
    b = await upload(server, data, user="bob")
    assert a["ActionStatus"] == b["ActionStatus"] == "OK", (a, b)
    assert a["UUID"] != b["UUID"] and a["URL"] != b["URL"]
    infos = a["MsgBody"][0]["MsgContent"]["ImageInfoArray"]
    assert [(i["Width"], i["Height"], i["URL"]) for i in infos] == [(120, 90, a["URL"])] * 3
    files = [p for p in stored_files(server) if "blobs" in p.parts]
    root = server.hub.settings.data_dir / "media"
    assert len(files) == 1 and (root / files[0]).read_bytes() == data
    for url in (a["URL"], b["URL"]):
        status, _, body = await fetch(server, url)
        assert status == 200 and body == data


async def test_file_multipart_download_with_name_and_ranges(server: RunningServer) -> None:
    await server.import_users("alice")
    form = aiohttp.FormData()
    form.add_field("note", "ignored")
    form.add_field("file", PDF, filename="Quarterly report.pdf", content_type="image/png")
    r = await upload(server, form, kind="file")
    assert r["ActionStatus"] == "OK", r
    assert r["ContentType"] == "application/pdf"  # sniffed, not the client's image/png
    elem = r["MsgBody"][0]
    assert elem == {
        "MsgType": "TIMFileElem",
        "MsgContent": {
            "Url": r["URL"],
            "UUID": r["UUID"],
            "FileSize": len(PDF),
            "FileName": "Quarterly report.pdf",
            "Download_Flag": 2,
        },
    }
    status, headers, body = await fetch(server, r["URL"])
    assert status == 200 and body == PDF
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''Quarterly%20report.pdf" in headers["Content-Disposition"]
    assert headers["Accept-Ranges"] == "bytes"
    status, headers, body = await fetch(server, r["URL"], {"Range": "bytes=100-1099"})
    assert status == 206 and body == PDF[100:1100]
    assert headers["Content-Range"] == f"bytes 100-1099/{len(PDF)}"
    status, _, body = await fetch(server, r["URL"], {"Range": f"bytes=-{10}"})
    assert status == 206 and body == PDF[-10:]


async def test_html_is_never_served_as_a_page(server: RunningServer) -> None:
    await server.import_users("alice")
    page = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
    r = await upload(server, page, kind="file", name="x.html")
    assert r["ActionStatus"] == "OK"
    status, headers, body = await fetch(server, r["URL"])
    assert status == 200 and body == page
    assert "html" not in headers["Content-Type"]
    assert headers["Content-Disposition"].startswith("attachment;")
    assert headers["X-Content-Type-Options"] == "nosniff"
    # a voice message whose bytes are not audio is a download too
    r = await upload(server, page, kind="sound")
    status, headers, _ = await fetch(server, r["URL"])
    assert headers["Content-Type"] == "application/octet-stream"
    assert headers["Content-Disposition"].startswith("attachment;")


async def test_limits_and_types_store_nothing(server: RunningServer) -> None:
    await server.import_users("alice")
    await server.hub.apps.update_settings(SDKAPPID, media_limits_mb={"image": 1, "file": 1})
    big = png(10, 10) + b"\0" * (1 << 20)
    assert (await upload(server, big))["ErrorCode"] == 2253
    assert (await upload(server, b"x" * ((1 << 20) + 1), kind="file"))["ErrorCode"] == 2402
    assert (await upload(server, PDF, kind="image", name="cat.png"))["ErrorCode"] == 2252
    assert (await upload(server, PDF, kind="video", name="clip.mp4"))["ErrorCode"] == 2352
    huge = io.BytesIO()  # 9000 x 5000 px of one colour: a few KB that would decode to 135 MB
    Image.new("L", (9000, 5000)).save(huge, "PNG")
    assert (await upload(server, huge.getvalue()))["ErrorCode"] == 2252
    assert (await upload(server, b"", kind="file"))["ErrorCode"] == 2108
    assert (await upload(server, PDF, kind="bogus"))["ErrorCode"] == 6017
    assert stored_files(server) == []
    async with server.hub.db.read() as conn:
        from sqlalchemy import func, select

        from palaver.storage.schema import media

        assert await conn.scalar(select(func.count()).select_from(media)) == 0


async def test_upload_credentials(server: RunningServer) -> None:
    await server.import_users("alice")
    assert (await upload(server, PDF, kind="file", sig="nonsense"))["ErrorCode"] == 70003
    assert (await upload(server, PDF, kind="file", sig=server.sig("bob")))["ErrorCode"] == 70013
    assert (await upload(server, PDF, kind="file", user="carol"))["ErrorCode"] == 70107
    r = await upload(server, PDF, kind="file", user=ADMIN, sig=server.admin_sig, method="PUT")
    assert r["ActionStatus"] == "OK" and r["Size"] == len(PDF)
    status, headers, body = await fetch(server, r["URL"] + "x")
    assert status == 404 and (await _json(body))["ErrorCode"] == 6009
    assert [p.parts[0] for p in stored_files(server)] == ["blobs"]


async def _json(body: bytes) -> dict[str, Any]:
    import orjson

    result: dict[str, Any] = orjson.loads(body)
    return result


class FullDisk:
    """A file store whose disk fills up after ``room`` bytes (the real local store
    otherwise): what the media service sees when a disk is full."""

    def __init__(self, inner: Any, room: int) -> None:
        self.inner, self.room = inner, room

    def begin(self) -> Any:
        writer = self.inner.begin()
        write = writer.write
        store = self

        async def limited(chunk: bytes) -> None:
            if writer.size + len(chunk) > store.room:
                await writer.abort()
                raise StoreUnavailable("No space left on device")
            await write(chunk)

        writer.write = limited
        return writer

    async def open(self, blob: str) -> Any:
        return await self.inner.open(blob)

    async def delete(self, blob: str, *, unless_since: float | None = None) -> None:
        await self.inner.delete(blob, unless_since=unless_since)


async def test_a_full_disk_is_a_clear_error_and_leaves_nothing(server: RunningServer) -> None:
    await server.import_users("alice")
    media = server.hub.media
    media.files = FullDisk(media.files, room=1 << 16)  # type: ignore[assignment]
    r = await upload(server, PDF * 20, kind="file")
    assert (r["ErrorCode"], r["ActionStatus"]) == (6008, "FAIL"), r
    assert "No space" in r["ErrorInfo"]
    assert stored_files(server) == []
    small = await upload(server, PDF, kind="file")
    assert small["ActionStatus"] == "OK"
    assert (await fetch(server, small["URL"]))[2] == PDF


async def test_the_apps_quota(server: RunningServer) -> None:
    await server.import_users("alice")
    await server.hub.apps.update_settings(SDKAPPID, media_quota_mb=1)
    first = await upload(server, PDF * 110, kind="file")  # 1.1 MB: within, the quota is used up
    assert first["ActionStatus"] == "OK", first
    second = await upload(server, PDF, kind="file")
    assert second["ErrorCode"] == 2400 and "quota" in second["ErrorInfo"]
    assert (await fetch(server, first["URL"]))[0] == 200


async def test_uploads_nothing_names_are_deleted_with_their_files(server: RunningServer) -> None:
    await server.import_users("alice", "bob")
    kept = await upload(server, png(900, 900), name="kept.png")  # sent: stays
    recalled = await upload(server, PDF, kind="file")  # sent, then recalled
    orphan = await upload(server, PDF + b"orphan", kind="file")  # never sent
    twin = await upload(server, PDF, kind="file", user="bob")  # same bytes as `recalled`
    keys = {}
    for name, r in (("kept", kept), ("recalled", recalled), ("twin", twin)):
        sent = await server.ok(
            "openim",
            "sendmsg",
            {
                "From_Account": "alice",
                "To_Account": "bob",
                "MsgRandom": len(keys) + 1,
                "MsgBody": r["MsgBody"],
            },
        )
        keys[name] = sent["MsgKey"]
    await server.ok(
        "openim",
        "admin_msgwithdraw",
        {"From_Account": "alice", "To_Account": "bob", "MsgKey": keys["recalled"]},
    )
    media = server.hub.media
    now = int(time.time())
    # within the grace time nothing goes (a client may not have sent it yet)
    assert await media.collect_garbage(server.app, now) == 0
    later = now + 2 * 86400
    assert await media.collect_garbage(server.app, later) == 2  # recalled and orphan
    for r, status in ((kept, 200), (recalled, 404), (orphan, 404), (twin, 200)):
        assert (await fetch(server, r["URL"]))[0] == status, r["FileName"]
    # the recalled file's bytes stay for its twin; the orphan's are gone
    blobs = {p.name for p in stored_files(server)}
    assert hashlib.sha256(PDF).hexdigest() in blobs
    assert hashlib.sha256(PDF + b"orphan").hexdigest() not in blobs
    assert len(blobs) == 4  # kept: original, large, thumbnail; the PDF

    # retention removes the messages, then the files
    await server.hub.apps.update_settings(SDKAPPID, history_retention_days=1)
    app = await server.hub.apps.get(SDKAPPID)
    assert app is not None
    assert await server.hub.messages.purge_expired([app], later) == 3
    assert await media.collect_garbage(app, later) == 2
    assert stored_files(server) == []
    assert (await fetch(server, kept["URL"]))[0] == 404


async def test_upload_tickets_as_mini_programs_send_them(server: RunningServer) -> None:
    """``/media/upload/<ticket>`` (Tencent SDK's pre-signed URL): a multipart POST as
    ``wx.uploadFile`` sends it, one upload per ticket, signed, expiring."""
    await server.import_users("alice")
    media = server.hub.media
    ticket = media.issue_ticket(server.app, "alice", "file", "plan.pdf")
    url = f"{server.url}/media/upload/{media.encode_ticket(server.app, ticket)}"

    def form(data: bytes) -> aiohttp.FormData:
        f = aiohttp.FormData()
        f.add_field("key", "whatever")
        f.add_field("success_action_status", "200")
        f.add_field("file", data, filename="tmp_123.pdf", content_type="application/pdf")
        return f

    async with server.session.options(url) as resp:
        assert resp.status == 204 and resp.headers["Access-Control-Allow-Origin"] == "*"
    async with server.session.post(url, data=form(PDF)) as resp:
        assert resp.status == 200, await resp.text()
        answer = await resp.json()
    assert answer["UUID"] == ticket.media_id and answer["FileName"] == "plan.pdf"
    assert (await fetch(server, f"{server.url}/media/{SDKAPPID}/{ticket.media_id}"))[2] == PDF
    async with server.session.put(url, data=PDF) as resp:  # a ticket is good for one upload
        assert resp.status == 403 and (await resp.json())["ErrorCode"] == 6006

    forged = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    expired = dataclasses.replace(
        media.issue_ticket(server.app, "alice", "file", "x"), expires=int(time.time()) - 1
    )
    big = media.issue_ticket(server.app, "alice", "image", "x.png")
    await server.hub.apps.update_settings(SDKAPPID, media_limits_mb={"image": 1})
    for target, status, code in (
        (forged, 403, 6006),
        (f"{server.url}/media/upload/{media.encode_ticket(server.app, expired)}", 403, 6006),
        (f"{server.url}/media/upload/{media.encode_ticket(server.app, big)}", 413, 2253),
    ):
        async with server.session.put(target, data=b"\0" * ((1 << 20) + 10)) as resp:
            assert (resp.status, (await resp.json())["ErrorCode"]) == (status, code), target


async def put(store: Any, data: bytes) -> str:
    writer = store.begin()
    await writer.write(data)
    try:
        blob: str = await writer.commit()
    finally:
        await writer.abort()
    return blob


async def test_bytes_committed_again_lately_survive_a_deletion(server: RunningServer) -> None:
    """The store's half of the deletion race: a duplicate upload marks the stored bytes
    as in use now, and the deletion pass keeps what was marked within GC_RECENT."""
    store = server.hub.media.files
    old = time.time() - 3600
    blob = await put(store, PDF)
    path = await store.open(blob)
    assert path is not None
    os.utime(path, (old, old))
    await store.delete(blob, unless_since=time.time() - 600)  # not touched lately: goes
    assert await store.open(blob) is None
    blob = await put(store, PDF)
    os.utime(await store.open(blob), (old, old))
    assert await put(store, PDF) == blob  # a duplicate upload: marks it
    await store.delete(blob, unless_since=time.time() - 600)
    assert await store.open(blob) is not None
