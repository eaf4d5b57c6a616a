"""Media on an S3-compatible object store (issue 11): uploads and downloads with
``media_store = "s3"`` against moto's S3 server (``moto_server``, a dev dependency)
started on a free port, over real HTTP; what an outage does; and the end-to-end tests
of both SDKs and of Tencent's SDK with its upload plugin, run again on S3 (imported
below: the ``server`` fixture of this module stores in the bucket)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from conftest import (
    RunningServer,
    free_port,
    require_service,
)
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
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stderr is not None
    started = asyncio.Event()

    async def drain(stream: asyncio.StreamReader) -> None:
        # werkzeug says "Running on http://..." once listening, then logs each request
        while line := await stream.readline():
            if b"Running on" in line:
                started.set()

    reader = asyncio.create_task(drain(proc.stderr))
    try:
        await asyncio.wait_for(started.wait(), 30)
        yield f"http://127.0.0.1:{port}", proc
    finally:
        if proc.returncode is None:
            proc.terminate()
            await proc.wait()
        await reader


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
async def moto() -> AsyncIterator[tuple[str, Any]]:
    """moto's S3 server with the bucket made: (its URL, its process)."""
    async with moto_server() as (endpoint, proc):
        async with await s3_client(endpoint) as s3:
            await s3.create_bucket(Bucket=BUCKET)
        yield endpoint, proc


@pytest.fixture
def server_settings(moto: tuple[str, Any]) -> dict[str, Any]:
    """Every ``server`` of this module stores its media in moto's bucket."""
    return {"media_store": "s3", "s3_bucket": BUCKET, "s3_endpoint_url": moto[0], **KEYS}


async def test_uploads_live_in_the_bucket(server: RunningServer, moto: tuple[str, Any]) -> None:
    endpoint = moto[0]
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


async def test_an_outage_is_a_clear_error(server: RunningServer, moto: tuple[str, Any]) -> None:
    proc = moto[1]
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


# The same end-to-end tests, on S3 (this module's ``server_settings``).
from test_client_sdk import connect  # noqa: E402, F401 - fixture
from test_client_sdk_media import (  # noqa: E402, F401
    test_image_file_voice_video_from_the_python_sdk as test_python_sdk_on_s3,
)
from test_js_sdk import open_chat  # noqa: E402, F401 - fixture
from test_js_sdk_media import (  # noqa: E402, F401
    test_image_and_file_from_the_js_sdk as test_js_sdk_on_s3,
)
from test_tencent_media import (  # noqa: E402, F401
    test_image_and_file_from_the_official_sdk as test_tencent_sdk_on_s3,
)
