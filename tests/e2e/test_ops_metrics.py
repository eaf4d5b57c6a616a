"""Watching a node (issue 14 §1): ``/metrics`` as Prometheus scrapes it, ``/readyz``
as a load balancer polls it, on real servers.

What an operator would check: the figures move when clients log in and send,
the token keeps strangers out, the separate metrics listener works from the
real ``palaver serve`` command, and a node whose database goes away says "not
ready" and comes back by itself.
"""

from __future__ import annotations

import asyncio
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
from support.waiting import eventually
from test_cli import Node, wait_until
from wsclient import WsClient

TOKEN = "scrape-me-" + "7" * 22
#: bound of one /readyz call: the node answers within its readiness_timeout (2-3 s)
READY_WAIT = aiohttp.ClientTimeout(total=30)


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
        async with node.session.get(f"{node.url}/readyz", timeout=READY_WAIT) as resp:
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
                async with node.session.get(f"{node.url}/readyz", timeout=READY_WAIT) as resp:
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


async def test_callback_deliveries_and_lag(data_dir: Path) -> None:
    """An app backend that answers: its after-send callback shows up as delivered,
    with its lag and request time."""
    answers: list[int] = []

    async def backend(request: web.Request) -> web.Response:
        answers.append(200)
        return web.json_response({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""})

    backend_app = web.Application()
    backend_app.router.add_post("/cb", backend)
    backend_runner = web.AppRunner(backend_app)
    await backend_runner.setup()
    port = free_port()
    await web.TCPSite(backend_runner, "127.0.0.1", port).start()
    try:
        async with running(data_dir, metrics_token=TOKEN) as node:
            await node.hub.apps.update_settings(
                SDKAPPID,
                callback_url=f"http://127.0.0.1:{port}/cb",
                callback_commands=["C2C.CallbackAfterSendMsg"],
            )
            r = await node.rest(
                "im_open_login_svc", "multiaccount_import", {"Accounts": ["a", "b"]}
            )
            assert r["ErrorCode"] == 0, r
            r = await node.rest(
                "openim",
                "sendmsg",
                {"From_Account": "a", "To_Account": "b", "MsgRandom": 1,
                 "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "x"}}]},
            )  # fmt: skip
            assert r["ErrorCode"] == 0, r
            await wait_for_value(node, "palaver_callbacks_delivered_total", 1)
            m = await node.metrics()
            assert m["palaver_callback_lag_seconds_count"] == 1
            assert m["palaver_callback_request_seconds_count"] == 1
            assert m["palaver_callbacks_retried_total"] == 0
            assert m["palaver_callbacks_dead_total"] == 0
            assert answers == [200]
    finally:
        await backend_runner.cleanup()


async def test_log_lines_carry_the_request_id(data_dir: Path) -> None:
    """A REST call's ``X-Request-Id`` is echoed, and a line logged while serving it
    (here: the app backend's before-send callback got no answer) carries it in
    the JSON log format; a call without one gets a new id."""
    import logging

    import orjson

    from palaver.cli.serve import JsonLogFormatter
    from palaver.logcontext import RequestIdFilter

    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Collect()
    handler.setFormatter(JsonLogFormatter())
    handler.addFilter(RequestIdFilter())
    logging.getLogger().addHandler(handler)
    try:
        async with running(data_dir) as node:
            await node.hub.apps.update_settings(
                SDKAPPID,
                callback_url=f"http://127.0.0.1:{free_port()}/nobody-listens",
                callback_commands=["C2C.CallbackBeforeSendMsg"],
            )
            r = await node.rest(
                "im_open_login_svc", "multiaccount_import", {"Accounts": ["a", "b"]}
            )
            assert r["ErrorCode"] == 0, r
            q = f"sdkappid={SDKAPPID}&identifier={ADMIN}&usersig={node.sig(ADMIN)}&random=1"
            body = {"From_Account": "a", "To_Account": "b", "MsgRandom": 1,
                    "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "x"}}]}  # fmt: skip
            async with node.session.post(
                f"{node.url}/v4/openim/sendmsg?{q}", json=body, headers={"X-Request-Id": "trace-42"}
            ) as resp:
                assert resp.headers["X-Request-Id"] == "trace-42"
                assert (await resp.json(content_type=None))["ErrorCode"] == 0
            async with node.session.post(f"{node.url}/v4/openim/sendmsg?{q}", json=body) as resp:
                other = resp.headers["X-Request-Id"]
                assert other and other != "trace-42"
    finally:
        logging.getLogger().removeHandler(handler)
    records = [orjson.loads(line) for line in lines]
    missed = [r for r in records if "got no answer" in r["msg"]]
    assert [r.get("request_id") for r in missed] == ["trace-42", other], records
    assert all(node.sig(ADMIN) not in line for line in lines)


@contextlib.asynccontextmanager
async def private_redis(port: int) -> AsyncIterator[Any]:
    """A ``redis-server`` of this test alone on ``port`` (nothing saved): yields a
    function that stops it (``stop()``) and one that starts it again (``start()``)."""
    import shutil

    exe = shutil.which("redis-server")
    require_service("redis-server", exe is not None, "redis-server is not installed")
    assert exe is not None
    procs: list[asyncio.subprocess.Process] = []

    async def up() -> bool:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            return False
        writer.close()
        return True

    async def start() -> None:
        args = [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        procs.append(
            await asyncio.create_subprocess_exec(
                *args, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
            )
        )
        await eventually(up, f"redis-server on {port} to take connections", 15)

    async def stop() -> None:
        procs[-1].kill()
        await procs[-1].wait()

    await start()
    try:
        yield start, stop
    finally:
        for p in procs:
            if p.returncode is None:
                p.kill()
                await p.wait()


async def test_readyz_follows_redis_and_the_cluster_recovers_by_itself(data_dir: Path) -> None:
    """Two nodes of one cluster (PostgreSQL + Redis). When Redis goes away, both say
    "not ready" while each keeps serving its own clients; when Redis is back, both are
    ready again and a message crosses from one node to the other live."""
    base = os.environ.get("PALAVER_TEST_DATABASE_URL") or PG_DEFAULT_URL
    url = per_run_url(base)
    try:
        await reset_postgres(url)
    except OSError as exc:
        require_service("PostgreSQL", False, str(exc))
    port = free_port()
    redis_url = f"redis://127.0.0.1:{port}/0"
    opts: dict[str, Any] = {"fanout": "redis", "redis_url": redis_url, "readiness_timeout": 2}
    async with (
        private_redis(port) as (start_redis, stop_redis),
        running(data_dir / "a", database_url=url, **opts) as a,
        running(data_dir / "b", database_url=url, **opts) as b,
    ):

        async def ready(node: Node_) -> tuple[int, dict[str, Any]]:
            async with node.session.get(f"{node.url}/readyz", timeout=READY_WAIT) as resp:
                return resp.status, await resp.json()

        r = await a.rest(
            "im_open_login_svc", "multiaccount_import", {"Accounts": ["al", "bo", "cy"]}
        )
        assert r["ErrorCode"] == 0, r
        al = WsClient(a.url, SDKAPPID, "al", a.sig("al"))
        cy = WsClient(a.url, SDKAPPID, "cy", a.sig("cy"))
        bo = WsClient(b.url, SDKAPPID, "bo", b.sig("bo"))
        for c in (al, cy, bo):
            await c.connect()
        try:
            for node in (a, b):
                status, body = await ready(node)
                assert status == 200 and body["checks"]["redis"]["ok"] is True, body

            await stop_redis()
            for node in (a, b):
                status, body = await ready(node)
                assert status == 503, body
                assert body["checks"]["redis"]["ok"] is False
                assert body["checks"]["database"]["ok"] is True
            # the node still serves its own clients: stored, and delivered on this node
            await al.send_text("cy", "while redis is away", random=7)
            assert [m["payload"]["text"] for m in await cy.messages(1)] == ["while redis is away"]

            await start_redis()

            async def both_ready() -> bool:
                return [(await ready(n))[0] for n in (a, b)] == [200, 200]

            await eventually(both_ready, "both nodes to be ready again", 20)

            # live across nodes again: al on node a reaches bo on node b without a
            # reconnect (each try a new message; one that went out before node b had
            # subscribed again waits in bo's stream for his next sync)
            tries = iter(range(1000, 1100))

            async def crosses() -> bool:
                n = next(tries)
                await al.send_text("bo", f"across {n}", random=n)
                try:
                    await bo.messages(1, within=1.0)
                except TimeoutError:
                    return False
                return True

            await eventually(crosses, "a message from node a to reach bo on node b live", 30)
        finally:
            for c in (al, cy, bo):
                await c.close()
