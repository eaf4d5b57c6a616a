"""Media on an S3-compatible object store (issue 11): the same uploads and downloads
with ``media_store = "s3"``, against moto's S3 server (``moto_server``, a dev
dependency) started on a free port over real HTTP; and what an outage does."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

import conftest
from conftest import (
    ADMIN,
    SDKAPPID,
    SECRET,
    RunningServer,
    free_port,
    require_service,
    reset_postgres,
)
from palaver.hub import Hub
from palaver.server import build_app
from palaver.settings import Settings
from palaver.usersig import gen_usersig_v2
from test_media import PDF, fetch, png, upload

BUCKET = "palaver-test"
KEYS = {"s3_access_key": "testing", "s3_secret_key": "testing"}


@contextlib.asynccontextmanager
async def moto_server() -> AsyncIterator[tuple[str, asyncio.subprocess.Process]]:
    """moto's S3 server on a free port; its URL and process (stopped afterwards)."""
    exe = Path(sys.executable).parent / "moto_server"
    require_service("moto_server", exe.exists(), "the dev extras install moto[server]")
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        str(exe),
        "-H",
        "127.0.0.1",
        "-p",
        str(port),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        async with aiohttp.ClientSession() as session:
            while True:
                try:
                    async with session.get(url + "/moto-api/") as resp:
                        if resp.status < 500:
                            break
                except aiohttp.ClientError:
                    if time.monotonic() > deadline or proc.returncode is not None:
                        raise AssertionError("moto_server did not start") from None
                    await asyncio.sleep(0.1)  # polling a starting process, bounded above
        yield url, proc
    finally:
        if proc.returncode is None:
            proc.terminate()
            await proc.wait()


async def s3_client(endpoint: str) -> Any:
    from aiobotocore.session import get_session

    return get_session().create_client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


async def objects(endpoint: str) -> dict[str, int]:
    async with await s3_client(endpoint) as s3:
        listed = await s3.list_objects_v2(Bucket=BUCKET)
    return {o["Key"]: o["Size"] for o in listed.get("Contents", [])}


@pytest.fixture
async def s3_server(data_dir: Path) -> AsyncIterator[tuple[RunningServer, str, Any]]:
    """A Palaver node storing media in a moto bucket: (server, S3 URL, moto process)."""
    async with moto_server() as (endpoint, proc):
        async with await s3_client(endpoint) as s3:
            await s3.create_bucket(Bucket=BUCKET)
        url = conftest.test_database_url(data_dir)
        if url:
            await reset_postgres(url)
        settings = Settings.load(
            data_dir=data_dir,
            port=free_port(),
            database_url=url,
            media_store="s3",
            s3_bucket=BUCKET,
            s3_endpoint_url=endpoint,
            **KEYS,
        )
        hub = await Hub.open(settings)
        app = await hub.apps.create(sdkappid=SDKAPPID, secret_key=SECRET, admins=[ADMIN])
        runner = web.AppRunner(build_app(hub), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", settings.port).start()
        try:
            async with aiohttp.ClientSession() as session:
                yield (
                    RunningServer(
                        f"http://127.0.0.1:{settings.port}",
                        hub,
                        app,
                        session,
                        gen_usersig_v2(SDKAPPID, SECRET, ADMIN, 86400),
                        None,
                        runner,
                    ),
                    endpoint,
                    proc,
                )
        finally:
            await runner.cleanup()
            await hub.close()


async def test_uploads_live_in_the_bucket(s3_server: tuple[RunningServer, str, Any]) -> None:
    server, endpoint, _ = s3_server
    await server.import_users("alice", "bob")
    picture = png(1000, 800)
    image = await upload(server, picture, name="p.png")
    assert image["ActionStatus"] == "OK", image
    doc = await upload(server, PDF, kind="file", name="a.pdf")
    again = await upload(server, PDF, kind="file", user="bob")  # the same bytes: one object
    assert doc["ActionStatus"] == again["ActionStatus"] == "OK"
    stored = await objects(endpoint)
    sha = hashlib.sha256
    assert stored[f"media/{sha(picture).hexdigest()}"] == len(picture)
    assert stored[f"media/{sha(PDF).hexdigest()}"] == len(PDF)
    assert len(stored) == 4  # the picture, its large and thumbnail copies, the PDF
    # nothing of it stays on the local disk but the download cache
    local = server.hub.settings.data_dir / "media"
    assert not list((local / "blobs").rglob("*")) and not list((local / "tmp").iterdir())

    status, headers, body = await fetch(server, doc["URL"], {"Range": "bytes=10-29"})
    assert status == 206 and body == PDF[10:30]
    status, headers, body = await fetch(server, image["URL"])
    assert (status, headers["Content-Type"], body) == (200, "image/png", picture)
    thumb = image["MsgBody"][0]["MsgContent"]["ImageInfoArray"][2]
    assert (await fetch(server, thumb["URL"]))[0] == 200

    # an upload nothing names goes, object included, once past the grace time
    later = int(time.time()) + 2 * 86400
    assert await server.hub.media.collect_garbage(server.app, later) == 3
    assert await objects(endpoint) == {}
    assert (await fetch(server, doc["URL"]))[0] == 404


async def test_an_outage_is_a_clear_error(s3_server: tuple[RunningServer, str, Any]) -> None:
    server, endpoint, proc = s3_server
    await server.import_users("alice")
    seen = await upload(server, PDF, kind="file")
    unseen = await upload(server, PDF + b"2", kind="file")
    assert (await fetch(server, seen["URL"]))[2] == PDF  # now cached locally
    proc.terminate()
    await proc.wait()
    failed = await upload(server, PDF + b"3", kind="file")
    assert failed["ErrorCode"] == 6008, failed
    status, _, body = await fetch(server, unseen["URL"])
    assert status == 503 and b"6008" in body
    assert (await fetch(server, seen["URL"]))[2] == PDF  # the cache still serves
    async with server.hub.db.read() as conn:
        from sqlalchemy import func, select

        from palaver.storage.schema import media

        assert await conn.scalar(select(func.count()).select_from(media)) == 2
