"""A node's running figures, kept as plain numbers on the hot paths.

The parts of a node (the writer, the send pipeline, the registry, the REST
adapter) add to one :class:`NodeStats`; :mod:`palaver.metrics` reads it when
Prometheus scrapes ``/metrics`` and turns it into metric families. Nothing
here locks or allocates per message: everything runs on the node's event loop
thread, so an increment is a plain ``+=`` (tens of nanoseconds) and a
histogram observation one :func:`bisect.bisect_left` (docs/benchmarks.md,
"Metrics on the message path").

This module imports nothing of Palaver's, so every layer may use it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field

#: Latency buckets, seconds (upper bounds, Prometheus ``le``).
LATENCY_BUCKETS = (
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
)
#: Writer batch-size buckets (messages per transaction).
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)


class Histogram:
    """Counts of observations per bucket, for one event-loop thread.

    Args:
        bounds: increasing upper bounds; an observation above the last one
            lands in the ``+Inf`` bucket.
    """

    __slots__ = ("bounds", "count", "counts", "sum")

    def __init__(self, bounds: tuple[float, ...]) -> None:
        self.bounds = bounds
        self.counts = [0] * (len(bounds) + 1)  # the last one is +Inf
        self.sum = 0.0
        self.count = 0

    def observe(self, value: float) -> None:
        """Count ``value`` in the first bucket whose bound is ≥ it."""
        self.counts[bisect_left(self.bounds, value)] += 1
        self.sum += value
        self.count += 1

    def cumulative(self) -> list[tuple[str, int]]:
        """``[(le, count of observations ≤ le)]`` ending with ``("+Inf", count)``:
        Prometheus' bucket form."""
        out: list[tuple[str, int]] = []
        running = 0
        for bound, n in zip(self.bounds, self.counts, strict=False):
            running += n
            out.append((repr(float(bound)), running))
        out.append(("+Inf", running + self.counts[-1]))
        return out


@dataclass
class NodeStats:
    """What one node counted since it started (monotonic counters and histograms).

    Attributes:
        logins: logged-in connections by protocol (``palaver``, ``tencent``).
        upgrades: WebSocket connections upgraded (accepted), by protocol.
        delivered: stream and push frames handed to connections.
        slow_drops: connections closed because their send queue overflowed.
        send_seconds: send → handed to fan-out after the commit, seconds.
        batch_size: messages per writer transaction.
        commit_seconds: writer transaction time, seconds.
        rest_calls: REST calls by (``service/command``, ``ErrorCode``).
        loop_lag: how late the event loop ran a timer, seconds.
    """

    logins: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))
    upgrades: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))
    delivered: int = 0
    slow_drops: int = 0
    send_seconds: Histogram = field(default_factory=lambda: Histogram(LATENCY_BUCKETS))
    batch_size: Histogram = field(default_factory=lambda: Histogram(BATCH_BUCKETS))
    commit_seconds: Histogram = field(default_factory=lambda: Histogram(LATENCY_BUCKETS))
    rest_calls: defaultdict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))
    loop_lag: Histogram = field(default_factory=lambda: Histogram(LATENCY_BUCKETS))
