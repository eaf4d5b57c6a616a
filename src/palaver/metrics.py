"""What a node tells Prometheus and its load balancer: metrics and readiness.

:class:`NodeCollector` turns a hub's running figures (:class:`palaver.stats.NodeStats`
and the live state of its parts) into Prometheus metric families when
``/metrics`` is scraped, through the ``prometheus_client`` library: nothing is
computed on the message path beyond the plain counters of :mod:`palaver.stats`.
:class:`Monitor` measures the event loop's lag and checks the database (and,
in a cluster, Redis) for ``/readyz``. The metric names are listed in
docs/deploy.md, "Watching Palaver".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    generate_latest,
)
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from palaver import __version__
from palaver.hub import Hub
from palaver.stats import Histogram

log = logging.getLogger("palaver.metrics")

#: The media type of Prometheus' text format that ``generate_latest`` writes.
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
#: Seconds between two event-loop lag probes.
LAG_INTERVAL = 0.5
#: Seconds between two background health checks (``palaver_*_up``).
CHECK_INTERVAL = 10.0


def _histogram(name: str, doc: str, h: Histogram) -> HistogramMetricFamily:
    return HistogramMetricFamily(name, doc, buckets=h.cumulative(), sum_value=h.sum)


@dataclass
class Check:
    """The last result of one readiness check."""

    ok: bool = False
    error: str = ""
    checked_at: float = 0.0


@dataclass
class Monitor:
    """A node's event-loop lag probe and readiness checks.

    Args:
        hub: the node.
        timeout: seconds each check may take (``readiness_timeout``).
    """

    hub: Hub
    timeout: float = 2.0
    checks: dict[str, Check] = field(default_factory=dict)
    last_lag: float = 0.0
    #: probes that timed out and are still being cancelled (kept referenced)
    _abandoned: set[asyncio.Future[None]] = field(default_factory=set)

    def _forget(self, task: asyncio.Future[None]) -> None:
        self._abandoned.discard(task)
        if not task.cancelled():
            task.exception()  # retrieved: a late failure of a dropped probe is expected

    async def check(self) -> dict[str, Check]:
        """Check the database (``SELECT 1`` on a fresh checkout) and, when clustered,
        Redis (``PING``), each within ``timeout`` seconds: {name: result}. A
        failure is a result, never an exception; the error text names no secret."""
        probes = {"database": self.hub.db.ping}
        if self.hub.backends.clustered:
            probes["redis"] = self.hub.backends.ping
        for name, probe in probes.items():
            result = Check(checked_at=time.time())
            # Not wait_for: it waits for the probe to finish cancelling, and a
            # driver closing a dead connection may take minutes. The answer comes
            # within the timeout; a probe still running is cancelled and left to end.
            task = asyncio.ensure_future(probe())
            done, _ = await asyncio.wait({task}, timeout=self.timeout)
            if not done:
                task.cancel()
                self._abandoned.add(task)
                task.add_done_callback(self._forget)
                result.error = f"no answer within {self.timeout:g} s"
            elif (exc := task.exception()) is not None:  # whatever the driver raised
                result.error = type(exc).__name__
            else:
                result.ok = True
            if result.ok != self.checks.get(name, Check(ok=True)).ok:
                if result.ok:
                    log.info("%s reachable again", name)
                else:
                    log.warning("%s unreachable: %s", name, result.error)
            self.checks[name] = result
        return dict(self.checks)

    async def run(self) -> None:
        """Probe the loop's lag every :data:`LAG_INTERVAL` s and check health every
        :data:`CHECK_INTERVAL` s, until cancelled."""
        loop = asyncio.get_running_loop()
        next_check = loop.time() + CHECK_INTERVAL
        while True:
            if loop.time() >= next_check:
                next_check = loop.time() + CHECK_INTERVAL
                await self.check()
            started = loop.time()
            await asyncio.sleep(LAG_INTERVAL)
            self.last_lag = max(0.0, loop.time() - started - LAG_INTERVAL)
            self.hub.stats.loop_lag.observe(self.last_lag)


class NodeCollector(Collector):
    """The ``palaver_*`` metric families of one node, read at scrape time."""

    def __init__(self, hub: Hub, monitor: Monitor) -> None:
        self.hub = hub
        self.monitor = monitor

    def collect(self) -> Iterable[Metric]:
        """Every family, from the hub's figures as they are now."""
        yield from self._connections()
        yield from self._messages()
        yield from self._rest()
        yield from self._callbacks()
        yield from self._health()

    def _connections(self) -> Iterator[Metric]:
        hub = self.hub
        conns = GaugeMetricFamily(
            "palaver_connections", "Logged-in client connections", labels=["protocol"]
        )
        by_protocol = {"palaver": 0, "tencent": 0, **hub.registry.by_protocol()}
        for protocol, n in sorted(by_protocol.items()):
            conns.add_metric([protocol], n)
        yield conns
        logins = CounterMetricFamily(
            "palaver_logins", "Logins (connections that logged in)", labels=["protocol"]
        )
        for protocol in sorted({"palaver", "tencent", *hub.stats.logins}):
            logins.add_metric([protocol], hub.stats.logins.get(protocol, 0))
        yield logins
        upgrades = CounterMetricFamily(
            "palaver_websocket_upgrades",
            "Client WebSocket connections upgraded (accepted)",
            labels=["protocol"],
        )
        for protocol in sorted({"palaver", "tencent", *hub.stats.upgrades}):
            upgrades.add_metric([protocol], hub.stats.upgrades.get(protocol, 0))
        yield upgrades
        yield from self._admission()
        yield GaugeMetricFamily(
            "palaver_online_users", "Users with a connection on this node", hub.registry.users()
        )
        yield GaugeMetricFamily(
            "palaver_fanout_queue_frames",
            "Frames waiting in slow clients' send queues on this node",
            hub.registry.queued_frames(),
        )
        yield GaugeMetricFamily(
            "palaver_fanout_outbox",
            "Deliveries waiting to be published to other nodes (Redis)",
            hub.backends.fanout_queue,
        )
        yield CounterMetricFamily(
            "palaver_slow_client_drops",
            "Connections closed because their send queue overflowed (code 4008)",
            hub.stats.slow_drops,
        )

    def _admission(self) -> Iterator[Metric]:
        gate = self.hub.login_gate
        refused = CounterMetricFamily(
            "palaver_logins_refused",
            "Logins turned away as the server was busy: before the WebSocket upgrade "
            "(HTTP 503) or at the login (70169)",
            labels=["stage"],
        )
        refused.add_metric(["upgrade"], gate.refused_upgrades)
        refused.add_metric(["login"], gate.refused)
        yield refused
        yield GaugeMetricFamily(
            "palaver_logins_in_progress", "Logins holding a slot of the login gate", gate.active
        )
        yield GaugeMetricFamily(
            "palaver_logins_waiting",
            "Logins waiting for a slot, and connections upgraded whose login has not come yet",
            gate.waiting + gate.arriving,
        )

    def _messages(self) -> Iterator[Metric]:
        hub, stats = self.hub, self.hub.stats
        yield CounterMetricFamily(
            "palaver_messages_stored", "Messages committed by this node", hub.writer.written
        )
        yield CounterMetricFamily(
            "palaver_messages_delivered",
            "Frames (messages and other events) handed to connections on this node",
            stats.delivered,
        )
        yield _histogram(
            "palaver_message_send_seconds",
            "Send accepted → committed → handed to fan-out, seconds",
            stats.send_seconds,
        )
        yield _histogram(
            "palaver_writer_batch_size", "Messages per writer transaction", stats.batch_size
        )
        yield _histogram(
            "palaver_writer_commit_seconds",
            "Writer transaction time, seconds",
            stats.commit_seconds,
        )
        yield GaugeMetricFamily(
            "palaver_writer_queue", "Writes waiting for the next transaction", hub.writer.queued
        )

    def _rest(self) -> Iterator[Metric]:
        calls = CounterMetricFamily(
            "palaver_rest_calls",
            "REST API calls by command and ErrorCode",
            labels=["command", "code"],
        )
        for (command, code), n in sorted(self.hub.stats.rest_calls.items()):
            calls.add_metric([command, str(code)], n)
        yield calls

    def _callbacks(self) -> Iterator[Metric]:
        cb = self.hub.callbacks
        yield CounterMetricFamily(
            "palaver_callbacks_delivered",
            "Callbacks the app backends answered with 2xx",
            cb.delivered,
        )
        yield CounterMetricFamily(
            "palaver_callbacks_retried",
            "Callback tries that failed and were scheduled again",
            cb.retried,
        )
        yield CounterMetricFamily(
            "palaver_callbacks_dead", "Callbacks given up after callback_max_attempts", cb.dead
        )
        yield _histogram(
            "palaver_callback_lag_seconds",
            "Event stored → its callback delivered (after-callbacks), seconds",
            cb.lag_seconds,
        )
        yield _histogram(
            "palaver_callback_request_seconds",
            "One callback request → its answer (or failure), seconds",
            cb.request_seconds,
        )

    def _health(self) -> Iterator[Metric]:
        hub = self.hub
        size, checked_out = hub.db.pool_status()
        yield GaugeMetricFamily("palaver_db_pool_size", "Database connections pooled", size)
        yield GaugeMetricFamily(
            "palaver_db_pool_checked_out", "Database connections in use", checked_out
        )
        up = GaugeMetricFamily(
            "palaver_up", "1 if the last check reached it (database, redis)", labels=["target"]
        )
        for name, check in sorted(self.monitor.checks.items()):
            up.add_metric([name], 1.0 if check.ok else 0.0)
        yield up
        yield _histogram(
            "palaver_event_loop_lag_seconds",
            f"How late the event loop ran a {LAG_INTERVAL:g} s timer, seconds",
            hub.stats.loop_lag,
        )
        info = GaugeMetricFamily(
            "palaver_info", "Palaver's version and set-up", labels=["version", "database", "fanout"]
        )
        info.add_metric(
            [__version__, "sqlite" if hub.db.is_sqlite else "postgresql", hub.settings.fanout], 1
        )
        yield info


def metrics_registry(hub: Hub, monitor: Monitor) -> CollectorRegistry:
    """A registry with the node's families and the process, platform and GC
    collectors of ``prometheus_client`` (CPU seconds, resident memory, open files...)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(NodeCollector(hub, monitor))
    for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
        with contextlib.suppress(ValueError):
            registry.register(collector)
    return registry


def exposition(registry: CollectorRegistry) -> bytes:
    """The registry in Prometheus' text format (:data:`CONTENT_TYPE`)."""
    return generate_latest(registry)
