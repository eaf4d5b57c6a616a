"""Watching a node (issue 14 §1): ``/metrics`` as Prometheus scrapes it, ``/readyz``
as a load balancer polls it, on real servers.

What an operator would check: the figures move when clients log in and send,
the token keeps strangers out, the separate metrics listener works from the
real ``palaver serve`` command, and a node whose database goes away says "not
ready" and comes back by itself.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from prometheus_client.parser import text_string_to_metric_families

from conftest import (
    ADMIN,
    PG_DEFAULT_URL,
    SDKAPPID,
    SECRET,
    free_port,
    per_run_url,
    require_service,
    reset_postgres,
)
from conftest import (
    test_database_url as own_database_url,
)
from palaver.hub import Hub
from palaver.server import build_app
from palaver.settings import Settings
from palaver.usersig import gen_usersig_v2
from test_cli import Node, wait_until
from wsclient import WsClient

TOKEN = "scrape-me-" + "7" * 22


@dataclass
class Node_:
    url: str
    hub: Hub
    session: aiohttp.ClientSession

    def sig(self, user: str) -> str:
        return gen_usersig_v2(SDKAPPID, SECRET, user, 3600)

    async def rest(self, service: str, command: str, body: Any) -> dict[str, Any]:
        q = f"sdkappid={SDKAPPID}&identifier={ADMIN}&usersig={self.sig(ADMIN)}&random=1"
        async with self.session.post(f"{self.url}/v4/{service}/{command}?{q}", json=body) as r:
            result: dict[str, Any] = await r.json(content_type=None)
        return result

    async def metrics(self, token: str | None = TOKEN) -> dict[str, float]:
        """Scrape ``/metrics``: {sample name with sorted labels: value}."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with self.session.get(f"{self.url}/metrics", headers=headers) as resp:
            assert resp.status == 200, await resp.text()
            assert resp.headers["Content-Type"].startswith("text/plain")
            text = await resp.text()
        return samples(text)


def samples(text: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()))
            out[f"{s.name}{{{labels}}}" if labels else s.name] = s.value
    return out


@contextlib.asynccontextmanager
async def running(
    data_dir: Path, database_url: str | None = None, **settings: Any
) -> AsyncIterator[Node_]:
    """A node (the same application ``palaver serve`` runs) with the test app."""
    url = database_url or own_database_url(data_dir)
    if url and database_url is None:
        await reset_postgres(url)
    conf = Settings.load(data_dir=data_dir, port=free_port(), database_url=url, **settings)
    hub = await Hub.open(conf)
    if SDKAPPID not in {a.sdkappid for a in await hub.apps.list()}:
        await hub.apps.create(sdkappid=SDKAPPID, secret_key=SECRET, admins=[ADMIN])
    runner = web.AppRunner(build_app(hub), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", conf.port).start()
    try:
        async with aiohttp.ClientSession() as session:
            yield Node_(f"http://127.0.0.1:{conf.port}", hub, session)
    finally:
        await runner.cleanup()
        await hub.close()


async def test_metrics_follow_logins_sends_and_rest_calls(data_dir: Path) -> None:
    async with running(data_dir, metrics_token=TOKEN) as node:
        before = await node.metrics()
        assert before["palaver_connections{protocol=palaver}"] == 0
        assert before["palaver_messages_stored_total"] == 0
        assert before["palaver_up{target=database}"] == 1  # checked when the node started

        r = await node.rest("im_open_login_svc", "multiaccount_import", {"Accounts": ["al", "bo"]})
        assert r["ErrorCode"] == 0, r
        r = await node.rest("im_open_login_svc", "kick", {"UserID": "nobody"})
        assert r["ErrorCode"] == 70107, r
        al = WsClient(node.url, SDKAPPID, "al", node.sig("al"))
        bo = WsClient(node.url, SDKAPPID, "bo", node.sig("bo"))
        await al.connect()
        await bo.connect()
        try:
            for i in range(5):
                await al.send_text("bo", f"hello {i}", random=100 + i)
            assert len(await bo.messages(5)) == 5
            for i in range(3):
                r = await node.rest(
                    "openim",
                    "sendmsg",
                    {
                        "From_Account": "bo",
                        "To_Account": "al",
                        "MsgRandom": 900 + i,
                        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "x"}}],
                    },
                )
                assert r["ErrorCode"] == 0, r
            assert len(await al.messages(3)) == 3

            m = await node.metrics()
            assert m["palaver_connections{protocol=palaver}"] == 2
            assert m["palaver_connections{protocol=tencent}"] == 0
            assert m["palaver_logins_total{protocol=palaver}"] == 2
            assert m["palaver_online_users"] == 2
            assert m["palaver_messages_stored_total"] == 8
            assert m["palaver_message_send_seconds_count"] == 8
            assert 0 < m["palaver_message_send_seconds_sum"] < 8 * 10
            assert m["palaver_message_send_seconds_bucket{le=+Inf}"] == 8
            # each message reached its receiver (and the sender's own stream): ≥ 8 frames
            assert m["palaver_messages_delivered_total"] >= 8
            assert m["palaver_writer_batch_size_sum"] == 8
            assert m["palaver_writer_commit_seconds_count"] >= 1
            assert m["palaver_rest_calls_total{code=0,command=openim/sendmsg}"] == 3
            assert m["palaver_rest_calls_total{code=70107,command=im_open_login_svc/kick}"] == 1
            assert m["palaver_slow_client_drops_total"] == 0
            assert "palaver_event_loop_lag_seconds_count" in m
            assert "process_resident_memory_bytes" in m
            assert (
                m[
                    "palaver_info{database=%s,fanout=local,version=0.1.0}"
                    % ("sqlite" if node.hub.db.is_sqlite else "postgresql")
                ]
                == 1
            )
        finally:
            await al.close()
            await bo.close()
        # the connections are gone once closed
        await wait_for_value(node, "palaver_connections{protocol=palaver}", 0)


async def wait_for_value(node: Node_, name: str, value: float) -> None:
    from support.waiting import eventually

    async def reached() -> bool:
        return bool((await node.metrics())[name] == value)

    await eventually(reached, f"{name} to become {value}", 10)


async def test_metrics_need_the_token_and_are_off_without_one(data_dir: Path) -> None:
    async with running(data_dir, metrics_token=TOKEN) as node:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
            async with node.session.get(f"{node.url}/metrics", headers=headers) as resp:
                assert resp.status == 401
                assert TOKEN not in await resp.text()
    async with running(data_dir) as node:
        async with node.session.get(f"{node.url}/metrics") as resp:
            assert resp.status == 404
        async with node.session.get(f"{node.url}/readyz") as resp:
            assert resp.status == 200
            assert await resp.json() == {"status": "ready", "checks": {"database": {"ok": True}}}


async def test_serve_with_a_separate_metrics_port(tmp_path: Path, nodes: list[Node]) -> None:
    """``palaver serve`` with ``metrics_port`` in its TOML file: /metrics there, not on
    the main port."""
    data, port, mport = tmp_path / "data", free_port(), free_port()
    config = tmp_path / "palaver.toml"
    config.write_text(f'metrics_port = {mport}\nmetrics_host = "127.0.0.1"\n')
    node = Node(
        tmp_path, "serve", "serve", "--port", str(port), "--data-dir", data, "--config", config
    )
    nodes.append(node)
    await node.start()
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        await node.wait_healthy(f"http://127.0.0.1:{port}", session)

        async def scraped() -> bool:
            try:
                async with session.get(f"http://127.0.0.1:{mport}/metrics") as resp:
                    return resp.status == 200 and "palaver_writer_queue" in await resp.text()
            except aiohttp.ClientError:
                return False

        await wait_until(scraped, "the metrics port to answer\n{logs}", node)
        async with session.get(f"http://127.0.0.1:{port}/metrics") as resp:
            assert resp.status == 404
        async with session.get(f"http://127.0.0.1:{mport}/readyz") as resp:
            assert resp.status == 200
    assert await node.terminate() == 0, node.logs


async def test_readyz_follows_the_database_and_recovers_by_itself(data_dir: Path) -> None:
    """A PostgreSQL node whose database refuses connections is not ready; when the
    database takes connections again, the same node is ready again."""
    from sqlalchemy import make_url, text
    from sqlalchemy.ext.asyncio import create_async_engine

    base = os.environ.get("PALAVER_TEST_DATABASE_URL") or PG_DEFAULT_URL
    own = make_url(per_run_url(base))
    url = own.set(database=f"{own.database}_ready").render_as_string(hide_password=False)
    try:
        await reset_postgres(url)
    except OSError as exc:
        require_service("PostgreSQL", False, str(exc))
    name = make_url(url).database
    admin = create_async_engine(
        make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )

    async def allow(on: bool) -> None:
        async with admin.connect() as conn:
            await conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(on).lower()}'))
            if not on:
                await conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"
                    ),
                    {"n": name},
                )

    try:
        async with running(data_dir, database_url=url, readiness_timeout=3) as node:

            async def ready() -> tuple[int, dict[str, Any]]:
                async with node.session.get(f"{node.url}/readyz") as resp:
                    return resp.status, await resp.json()

            assert (await ready())[0] == 200
            await allow(False)
            status, body = await ready()
            assert status == 503, body
            assert body["status"] == "not ready"
            assert body["checks"]["database"]["ok"] is False
            assert "postgres" not in body["checks"]["database"]["error"]  # no URL, no secret
            async with node.session.get(f"{node.url}/healthz") as resp:
                assert resp.status == 200  # alive all the same
            await allow(True)
            status, body = await ready()
            assert status == 200, body
            # and it serves again: a REST call that writes
            r = await node.rest("im_open_login_svc", "account_import", {"UserID": "back"})
            assert r["ErrorCode"] == 0, r
    finally:
        with contextlib.suppress(Exception):
            await allow(True)
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@pytest.fixture
async def nodes() -> AsyncIterator[list[Node]]:
    started: list[Node] = []
    try:
        yield started
    finally:
        for node in started:
            await node.kill()


async def test_json_log_lines(tmp_path: Path, nodes: list[Node]) -> None:
    """``log_format = "json"``: every line ``palaver serve`` logs is one JSON object,
    and the database URL's password is never in them."""
    import orjson

    port = free_port()
    config = tmp_path / "palaver.toml"
    config.write_text('log_format = "json"\n')
    node = Node(tmp_path, "serve", "serve", "--port", str(port), "--data-dir",
                tmp_path / "data", "--config", config)  # fmt: skip
    nodes.append(node)
    await node.start()
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        await node.wait_healthy(f"http://127.0.0.1:{port}", session)
    assert await node.terminate() == 0, node.logs
    lines = [ln for ln in node.stderr_path.read_text().splitlines() if ln.strip()]
    assert lines, node.logs
    records = [orjson.loads(ln) for ln in lines]
    assert {"ts", "level", "logger", "msg"} <= set(records[0])
    assert any("listening" in r["msg"] for r in records), records
