"""The aiohttp application: the REST API, the client WebSocket, the browser UI and SDK."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import socket
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web

from palaver.api import media, ops, tencent
from palaver.api.rest import RestApi
from palaver.api.web import add_routes, security_headers
from palaver.api.ws import WebSocketEndpoint
from palaver.hub import Hub
from palaver.metrics import Monitor
from palaver.settings import Settings

log = logging.getLogger("palaver.server")

HUB_KEY = web.AppKey("hub", Hub)

#: Connections accepted per event-loop iteration; the rest wait in the kernel's
#: accept queue (``listen_backlog`` deep) for the next iteration.
ACCEPT_BATCH = 32


class PacedSite(web.BaseSite):
    """A TCP site that accepts at most :data:`ACCEPT_BATCH` connections per
    event-loop iteration (issue 20).

    aiohttp's ``TCPSite`` lets the loop accept every pending connection at once:
    when thousands of clients reconnect together, one iteration then starts
    thousands of HTTP upgrades and the live clients' frames wait behind them for
    seconds. Paced, an iteration stays short and the live clients' heartbeats
    and messages go through while the storm is admitted a batch at a time.
    """

    def __init__(self, runner: web.BaseRunner, host: str, port: int, *, backlog: int) -> None:
        super().__init__(runner, backlog=backlog)
        self._host, self._port = host, port
        self._sock: socket.socket | None = None
        self._acceptor: asyncio.Task[None] | None = None

    @property
    def name(self) -> str:
        return f"http://{self._host}:{self._port}"

    async def start(self) -> None:
        await super().start()
        sock = socket.create_server((self._host, self._port), backlog=self._backlog)
        sock.setblocking(False)
        self._sock = sock
        self._acceptor = asyncio.create_task(self._accept(sock), name="palaver-accept")

    async def _accept(self, sock: socket.socket) -> None:
        loop = asyncio.get_running_loop()
        server = self._runner.server
        assert server is not None
        while True:
            for _ in range(ACCEPT_BATCH):
                try:
                    conn, _ = await loop.sock_accept(sock)
                    conn.setblocking(False)
                    await loop.connect_accepted_socket(server, conn)
                except OSError as exc:  # out of descriptors: let some close first
                    log.warning("accept failed: %s", exc)
                    await asyncio.sleep(0.1)
            await asyncio.sleep(0)  # the next batch in the next iteration

    async def stop(self) -> None:
        if self._acceptor is not None:
            self._acceptor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._acceptor
            self._acceptor = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        await super().stop()


def build_app(hub: Hub) -> web.Application:
    """The aiohttp application for a hub: ``/v4/{service}/{command}`` (REST), ``/ws``
    (Palaver's clients), ``/binfo`` (Tencent's SDK, see :mod:`palaver.api.tencent`), ``/media/...``
    (uploads and downloads, :mod:`palaver.api.media`), ``/`` (chat UI),
    ``/sdk/palaver-chat.js``, ``/healthz``, ``/readyz`` and, with ``metrics_token`` set and no
    ``metrics_port``, ``/metrics`` (:mod:`palaver.api.ops`).
    The node's :class:`~palaver.metrics.Monitor` is ``app[ops.MONITOR_KEY]``."""
    app = web.Application(client_max_size=hub.settings.rest_max_body_bytes)
    app.on_response_prepare.append(security_headers)
    app[HUB_KEY] = hub
    rest = RestApi(hub)
    app.router.add_route("POST", "/v4/{service}/{command}", rest.handle)
    app.router.add_route("GET", "/v4/{service}/{command}", rest.handle)
    app.router.add_get("/ws", WebSocketEndpoint(hub).handle)
    tencent.add_routes(app, hub)
    media.add_routes(app, hub)

    monitor = Monitor(hub, timeout=hub.settings.readiness_timeout)
    on_main = hub.settings.metrics_port is None and hub.settings.metrics_token is not None
    ops.add_routes(app, monitor, hub.settings, metrics=on_main)
    add_routes(app, hub)

    async def maintenance(_: web.Application) -> AsyncIterator[None]:
        await monitor.check()
        tasks = [asyncio.create_task(hub.maintain()), asyncio.create_task(monitor.run())]
        yield
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app.cleanup_ctx.append(maintenance)

    async def close_clients(_: web.Application) -> None:
        await hub.registry.close()

    app.on_shutdown.append(close_clients)
    return app


def runner_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments of the node's ``web.AppRunner``: no access log, and
    connections that send nothing (an idle keep-alive, a connection that never
    sends a request, or one whose headers never finish) closed after
    ``http_idle_timeout`` seconds (aiohttp's keep-alive timer runs from the
    connection's start and closes a connection whose handler is still waiting
    for a whole request). A WebSocket, once upgraded, is its handler's to end."""
    return {"access_log": None, "keepalive_timeout": settings.http_idle_timeout}


async def serve(settings: Settings, *, ready: asyncio.Event | None = None) -> None:
    """Run a node until cancelled: open the hub, listen on ``settings.host:port``."""
    hub = await Hub.open(settings)
    app = build_app(hub)
    runner = web.AppRunner(app, **runner_options(settings))
    await runner.setup()
    # A deep accept queue, drained a batch per iteration: when every client
    # reconnects at once (a restart), a short queue drops SYNs (the clients wait
    # out TCP's 1 s, 3 s, 7 s... retransmits), and accepting all at once stalls
    # the live clients (PacedSite).
    site = PacedSite(runner, settings.host, settings.port, backlog=settings.listen_backlog)
    await site.start()
    log.info("Palaver listening on http://%s:%s", settings.host, settings.port)
    runners = [runner]
    if settings.metrics_port is not None:
        ops_runner = web.AppRunner(
            ops.build_ops_app(app[ops.MONITOR_KEY], settings), access_log=None
        )
        await ops_runner.setup()
        await web.TCPSite(
            ops_runner, settings.metrics_host, settings.metrics_port, reuse_address=True
        ).start()
        runners.append(ops_runner)
        log.info("metrics on http://%s:%s/metrics", settings.metrics_host, settings.metrics_port)
    if ready is not None:
        ready.set()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
        log.info("Palaver stopping")
    finally:
        for r in reversed(runners):
            await r.cleanup()
        await hub.close()


#: ``gc.set_threshold`` of a serving process: the youngest generation is collected
#: after 20,000 net allocations of container objects instead of CPython's 700. A
#: message allocates a few hundred short-lived dicts, lists and records that die
#: within its own handling; at 700 the collector ran every few messages and walked
#: them (a C2C burst: 165–170 → 124–126 µs of server CPU per message, p99 160 → 50–57
#: ms; docs/benchmarks.md, "The garbage collector's threshold"). The young
#: generation then holds at most ~20,000 objects (a few MB) before it is collected.
GC_THRESHOLDS = (20_000, 50, 100)


def run(settings: Settings) -> None:
    """Run :func:`serve` on uvloop until SIGINT (Ctrl-C) or SIGTERM, then shut down
    cleanly. Sets the collector's thresholds (:data:`GC_THRESHOLDS`) first."""
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        import uvloop

        runner_factory = uvloop.new_event_loop
    except ImportError:  # pragma: no cover - uvloop is a dependency on Linux
        runner_factory = None
    with asyncio.Runner(loop_factory=runner_factory) as runner:
        runner.run(serve(settings))
