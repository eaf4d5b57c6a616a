"""The scenarios of ``python -m bench`` (issue 5 §2). Each returns result rows.

Every scenario starts its own server(s) on a fresh data folder (so peak memory
is the scenario's own), pinned to core 0, and one or more load generator
processes pinned to core 1. Sizes come from :class:`Sizes` (full or ``--quick``).

A row is a flat dict: ``scenario``, ``variant`` and the measurements, named
with their unit (``msgs_per_s``, ``p99_ms``, ``server_cpu_us_per_msg``,
``kb_per_conn``...); ``docs/benchmarks.md`` explains how each is taken.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import secrets
import shutil
import statistics
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import harness
from bench.harness import Admin, BenchError, LoadGen, Server, load_generators, palaver_server
from bench.loadgen import Meter, percentiles
from bench.preload import prepared_db

Row = dict[str, Any]

#: per generator process; its hard fd limit here is 20,000
IDLE_PER_HOLDER = 15000
#: group members per generator process (scenario 8)
GROUP_PER_HOLDER = 5000
#: storm clients per generator process (scenario 12)
STORM_PER_HOLDER = 5000


@dataclass
class Sizes:
    """How much each scenario does. ``quick`` sizes finish in seconds."""

    burst_pairs: tuple[int, ...] = (4, 16)
    burst_total: int = 100_000  # messages per burst run (split over the pairs)
    burst_window: int = 256  # unacknowledged sends, all senders together
    paced: tuple[tuple[float, int], ...] = ((1000, 5000), (200, 1000))  # (rate, messages)
    rest_calls: int = 5000
    rest_concurrency: tuple[int, ...] = (16, 64)
    idle_levels: tuple[int, ...] = (1000, 10_000, 50_000)
    idle_hold_s: float = 35.0
    growth_burst_total: int = 20_000
    history_sizes: tuple[int, ...] = (10_000, 100_000, 1_000_000)
    history_calls: int = 500
    cluster_burst_total: int = 20_000
    warmup_total: int = 2000
    group_members: int = 10_000  # online members of the fan-out group
    group_sequential: int = 100  # messages sent one at a time (each waits for every member)
    group_burst: int = 50  # messages sent in one write
    group_warmup: int = 3
    media_count: int = 500  # uploads (then downloads) of media_size bytes each
    media_size: int = 1 << 20
    media_concurrency: int = 100
    storm_clients: int = 10_000  # clients that log in (then reconnect) all at once
    storm_live_pairs: int = 4  # live pairs messaging through the storm
    storm_live_rate: float = 200.0  # their messages per second, all pairs together
    storm_quiet_s: float = 5.0  # live traffic measured before the storm, for comparison
    search_size: int = 1_000_000  # stored messages the search scenario queries
    search_calls: int = 200  # per query kind
    callback_rounds: int = 3  # alternating off/on bursts (scenario 11)

    @classmethod
    def quick(cls) -> Sizes:
        return cls(
            burst_pairs=(4,),
            burst_total=4000,
            paced=((1000, 500),),
            rest_calls=300,
            rest_concurrency=(16,),
            idle_levels=(200, 500),
            idle_hold_s=3.0,
            growth_burst_total=1000,
            history_sizes=(10_000,),
            history_calls=50,
            cluster_burst_total=1000,
            warmup_total=400,
            group_members=500,
            group_sequential=5,
            group_burst=10,
            media_count=40,
            media_concurrency=20,
            storm_clients=300,
            storm_quiet_s=1.0,
            search_size=10_000,
            search_calls=20,
            callback_rounds=2,
        )


@dataclass
class Ctx:
    """What every scenario gets."""

    tmp: Path
    sizes: Sizes
    log: Callable[[str], None]
    database_url: str | None = None  # single-node scenarios on this instead of SQLite
    rest_calls: int | None = None
    rest_concurrency: int | None = None
    keep_logs: list[Path] = field(default_factory=list)
    storm_clients: int | None = None  # login_storm: N instead of the size's


@dataclass
class Node:
    """A server with its app, admin client and generator(s), ready to measure."""

    server: Server
    admin: Admin
    sdkappid: int
    key: str
    gens: list[LoadGen]

    @property
    def gen(self) -> LoadGen:
        return self.gens[0]


def pair_users(prefix: str, k: int) -> list[str]:
    return [f"{prefix}_s{i}" for i in range(k)] + [f"{prefix}_r{i}" for i in range(k)]


@contextlib.asynccontextmanager
async def single_node(
    ctx: Ctx,
    name: str,
    users: list[str],
    *,
    gens: int = 1,
    db_file: Path | None = None,
    app: tuple[int, str] | None = None,
    env: dict[str, str] | None = None,
) -> AsyncIterator[Node]:
    """One server (SQLite in a fresh folder unless ``ctx.database_url``; environment
    ``env``) with ``users`` imported and ``gens`` generators set up against it."""
    data = ctx.tmp / name
    data.mkdir(parents=True, exist_ok=True)
    storage = ["--data-dir", str(data)]
    if ctx.database_url and db_file is None:
        storage += ["--database-url", ctx.database_url]
    if db_file is not None:
        shutil.copyfile(db_file, data / "palaver.db")
    if app is None:
        key = secrets.token_hex(32)
        sdkappid = await harness.create_app(storage, key)
    else:
        sdkappid, key = app
    log_path = ctx.tmp / f"{name}.log"
    ctx.keep_logs.append(log_path)
    async with palaver_server(storage, log_path, env=env) as server:
        admin = Admin(server.url, sdkappid, key)
        try:
            if users:
                await admin.import_accounts(users)
            async with load_generators(gens) as gs:
                for g in gs:
                    await g("setup", sdkappid=sdkappid, key=key, nodes=[["127.0.0.1", server.port]])
                yield Node(server, admin, sdkappid, key, gs)
        finally:
            await admin.close()


def c2c_row(
    scenario: str,
    variant: str,
    r: dict[str, Any],
    server_hwm_kb: int,
    warmup: dict[str, Any] | None = None,
) -> Row:
    """A row from a burst/paced answer of the generator (and of its warm-up run)."""
    keys = [
        "pairs",
        "window",
        "rate",
        "messages",
        "delivered",
        "msgs_per_s",
        "p50_ms",
        "p90_ms",
        "p99_ms",
        "max_ms",
        "server_cpu_us_per_msg",
        "server_cpu_pct",
        "extra_cpu_us_per_msg",
        "gen_cpu_pct",
        "noise_core0_pct",
        "noise_core1_pct",
        "lost",
        "duplicated",
        "out_of_order",
        "stale",
        "seq_gaps",
        "malformed",
        "errors_acked",
        "timed_out",
        "stalled",
        "elapsed_s",
        "achieved_rate",
        "send_lateness_p99_ms",
        "closed_clients",
        "first_errors",
    ]
    row: Row = {"scenario": scenario, "variant": variant}
    row.update({k: r[k] for k in keys if k in r})
    row["server_peak_rss_mb"] = server_hwm_kb / 1024
    if warmup is not None:
        row["warmup_bad"] = sum(
            warmup[k] for k in ("lost", "duplicated", "out_of_order", "stale", "seq_gaps")
        )
        row["warmup_timed_out"] = warmup["timed_out"]
    return row


async def burst(
    node: Node, total: int, window_total: int, *, pids: list[int] | None = None, **kw: Any
) -> dict[str, Any]:
    """A burst of ``total`` messages over the logged-in pairs (window split over senders)."""
    pairs = kw.pop("pairs")
    per_pair = max(1, total // pairs)
    window = max(1, window_total // pairs)
    return await node.gen(
        "burst",
        count=per_pair,
        window=window,
        server_pids=pids or [node.server.pid],
        timeout=min(300, 30 + total / 100),
        **kw,
    )


# -- 1. C2C burst ------------------------------------------------------------------


@contextlib.asynccontextmanager
async def relay_node(ctx: Ctx, name: str) -> AsyncIterator[Node]:
    """The bare relay (:mod:`bench.relay`) on the server's core, with a generator."""
    log_path = ctx.tmp / f"{name}.log"
    ctx.keep_logs.append(log_path)
    key = "0" * 64  # the relay checks no UserSig
    async with harness.relay_server(log_path) as server:
        admin = Admin(server.url, 1, key)
        try:
            async with load_generators(1) as gs:
                await gs[0]("setup", sdkappid=1, key=key, nodes=[["127.0.0.1", server.port]])
                yield Node(server, admin, 1, key, gs)
        finally:
            await admin.close()


def relay_ratio(row: Row, relay: Row) -> None:
    """Note in ``row`` its server CPU per message as a multiple of the relay's
    (``cpu_x_relay``), both measured in this run on the same core."""
    row["relay_cpu_us_per_msg"] = relay["server_cpu_us_per_msg"]
    row["cpu_x_relay"] = row["server_cpu_us_per_msg"] / max(relay["server_cpu_us_per_msg"], 1e-9)


async def c2c_burst(ctx: Ctx) -> list[Row]:
    """K sender→receiver pairs over WebSocket, as fast as a bounded window allows:
    first through the bare relay (:mod:`bench.relay`, the yardstick), then Palaver;
    Palaver's row carries ``cpu_x_relay``."""
    sz = ctx.sizes
    rows = []
    for k in sz.burst_pairs:
        async with relay_node(ctx, f"relay{k}") as node:
            await node.gen("pairs", pairs=k)
            w = await burst(node, sz.warmup_total, sz.burst_window, pairs=k)
            r = await burst(node, sz.burst_total, sz.burst_window, pairs=k)
            relay = c2c_row(
                "1 c2c_burst",
                f"relay K={k} window={sz.burst_window} N={r['messages']:,}",
                r,
                node.server.hwm_kb(),
                w,
            )
            relay["relay"] = True
            rows.append(relay)
            ctx.log(summary(relay))
        async with single_node(ctx, f"burst{k}", pair_users("bench", k)) as node:
            await node.gen("pairs", pairs=k)
            w = await burst(node, sz.warmup_total, sz.burst_window, pairs=k)
            async with harness.profiled(node.server.pid, f"c2c_burst_k{k}"):
                r = await burst(node, sz.burst_total, sz.burst_window, pairs=k)
            rows.append(
                c2c_row(
                    "1 c2c_burst",
                    f"K={k} window={sz.burst_window} N={r['messages']:,}",
                    r,
                    node.server.hwm_kb(),
                    w,
                )
            )
            relay_ratio(rows[-1], relay)
            ctx.log(summary(rows[-1]))
    return rows


# -- 9. C2C burst in Tencent's client protocol (issue 10 §5) ---------------------------


async def c2c_burst_tencent(ctx: Ctx) -> list[Row]:
    """The C2C burst twice per K, each on a fresh server: clients speaking Palaver's
    protocol (``/ws``), then clients speaking Tencent's (``/binfo``, frames as
    ``@tencentcloud/chat`` 3.6.6 sends them, every push acknowledged). The Tencent
    row carries ``cpu_ratio``: its server CPU per message over the Palaver row's."""
    sz = ctx.sizes
    rows: list[Row] = []
    for k in sz.burst_pairs:
        base: Row | None = None
        for protocol in ("palaver", "tencent"):
            async with single_node(ctx, f"tburst{k}{protocol}", pair_users("bench", k)) as node:
                await node.gen("pairs", pairs=k, protocol=protocol)
                w = await burst(node, sz.warmup_total, sz.burst_window, pairs=k)
                r = await burst(node, sz.burst_total, sz.burst_window, pairs=k)
                row = c2c_row(
                    "9 c2c_burst_tencent",
                    f"K={k} {protocol} N={r['messages']:,}",
                    r,
                    node.server.hwm_kb(),
                    w,
                )
                row["protocol"] = protocol
                if base is None:
                    base = row
                else:
                    row["cpu_ratio"] = row["server_cpu_us_per_msg"] / max(
                        base["server_cpu_us_per_msg"], 1e-9
                    )
                rows.append(row)
                ctx.log(summary(row))
    return rows


# -- 10. C2C burst with C2C.CallbackAfterSendMsg on (issue 12 §5) ---------------------


class CallbackReceiver:
    """An app backend on 127.0.0.1 (in this process, core 1) that answers every
    callback OK and notes, for each, how long after its ``EventTime`` it arrived."""

    def __init__(self) -> None:
        self.lags_ms: list[float] = []
        self.last_at = 0.0
        self.port = 0
        self._runner: Any = None
        self.enough = asyncio.Event()
        self.expect = 0

    async def _handle(self, request: Any) -> Any:
        from aiohttp import web

        body = await request.json()
        now = time.time()
        self.lags_ms.append(now * 1000 - body["EventTime"])
        self.last_at = now
        if self.expect and len(self.lags_ms) >= self.expect:
            self.enough.set()
        return web.json_response({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""})

    async def __aenter__(self) -> CallbackReceiver:
        from aiohttp import web

        app = web.Application()
        app.router.add_post("/cb", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def wait_for(self, total: int) -> None:
        """Until ``total`` callbacks have arrived since the last :meth:`reset`
        (:class:`TimeoutError` after 600 s)."""
        self.expect = total
        if len(self.lags_ms) < total:
            self.enough.clear()
            await asyncio.wait_for(self.enough.wait(), 600)

    def reset(self) -> None:
        """Forget the callbacks so far (the warm-up's)."""
        self.lags_ms.clear()
        self.expect = 0
        self.enough.clear()

    async def __aexit__(self, *exc: object) -> None:
        await self._runner.cleanup()


async def c2c_burst_callbacks(ctx: Ctx) -> list[Row]:
    """The K=4 C2C burst without callbacks and with ``C2C.CallbackAfterSendMsg`` on
    (delivered to a local receiver), on two servers that are both up, in
    ``callback_rounds`` alternating rounds (off, on, off, on, ...): a slow minute
    of the machine then hits both sides alike. Each round's "on" burst waits until
    every callback has arrived, so the next "off" burst runs on a quiet server.

    Two rows, each the round with the median throughput of its side. The second
    carries ``throughput_ratio`` (the median over the rounds of on msg/s over the
    preceding off msg/s) and ``round_ratios``; the callbacks' lag behind their
    messages over every round (receive time - ``EventTime``: p50/p99/max); and
    ``drain_s``, the longest wait after a burst's end for its last callback."""
    sz = ctx.sizes
    k = 4
    async with contextlib.AsyncExitStack() as stack:
        receiver = await stack.enter_async_context(CallbackReceiver())
        nodes: dict[bool, Node] = {}
        for with_cb in (False, True):
            name = f"cbburst{'on' if with_cb else 'off'}"
            storage = ["--data-dir", str(ctx.tmp / name)]
            (ctx.tmp / name).mkdir(parents=True, exist_ok=True)
            key = secrets.token_hex(32)
            sdkappid = await harness.create_app(storage, key)
            if with_cb:
                await harness.run_palaver(
                    "app",
                    "set",
                    str(sdkappid),
                    f"callback_url=http://127.0.0.1:{receiver.port}/cb",
                    'callback_commands=["C2C.CallbackAfterSendMsg"]',
                    *storage,
                )
            node = await stack.enter_async_context(
                single_node(ctx, name, pair_users("bench", k), app=(sdkappid, key))
            )
            await node.gen("pairs", pairs=k)
            nodes[with_cb] = node
        warmups: dict[bool, dict[str, Any]] = {}
        for with_cb, node in nodes.items():
            warmups[with_cb] = await burst(node, sz.warmup_total, sz.burst_window, pairs=k)
        await receiver.wait_for(warmups[True]["messages"])  # the warm-up's callbacks first
        receiver.reset()
        runs: dict[bool, list[dict[str, Any]]] = {False: [], True: []}
        ratios: list[float] = []
        drains: list[float] = []
        for i in range(sz.callback_rounds):
            for with_cb, node in nodes.items():
                tag = f"cbburst{'on' if with_cb else 'off'}"
                async with harness.profiled(node.server.pid, tag) if i == 0 else _nothing():
                    r = await burst(node, sz.burst_total, sz.burst_window, pairs=k)
                ended = time.time()
                runs[with_cb].append(r)
                if with_cb:
                    await receiver.wait_for(sum(x["messages"] for x in runs[True]))
                    drains.append(max(0.0, receiver.last_at - ended))
                    ratios.append(r["msgs_per_s"] / max(runs[False][-1]["msgs_per_s"], 1e-9))
                    ctx.log(
                        f"11 c2c_burst_callbacks round {i + 1}: off {runs[False][-1]['msgs_per_s']:,.0f}"
                        f" msg/s, on {r['msgs_per_s']:,.0f} msg/s, x{ratios[-1]:.3f}"
                    )
    rows: list[Row] = []
    for with_cb in (False, True):
        r = sorted(runs[with_cb], key=lambda x: x["msgs_per_s"])[len(runs[with_cb]) // 2]
        row = c2c_row(
            "11 c2c_burst_callbacks",
            f"K={k} callbacks {'on' if with_cb else 'off'} N={r['messages']:,}",
            r,
            nodes[with_cb].server.hwm_kb(),
            warmups[with_cb],
        )
        row["rounds"] = len(runs[with_cb])
        if with_cb:
            lags = sorted(receiver.lags_ms)
            row["callbacks"] = len(lags)
            row["callback_lag_p50_ms"] = lags[len(lags) // 2]
            row["callback_lag_p99_ms"] = lags[min(len(lags) - 1, int(len(lags) * 0.99))]
            row["callback_lag_max_ms"] = lags[-1]
            row["drain_s"] = max(drains)
            row["round_ratios"] = [round(x, 3) for x in ratios]
            row["throughput_ratio"] = statistics.median(ratios)
        rows.append(row)
        ctx.log(
            summary(row)
            + (
                f"; callbacks {row['callbacks']:,}, lag p50"
                f" {row['callback_lag_p50_ms']:.0f} ms p99"
                f" {row['callback_lag_p99_ms']:.0f} ms, drained {row['drain_s']:.2f} s"
                f" after a burst at most, throughput x{row['throughput_ratio']:.3f}"
                f" (median of rounds {row['round_ratios']})"
                if with_cb
                else ""
            )
        )
    return rows


@contextlib.asynccontextmanager
async def _nothing() -> AsyncIterator[None]:
    """No profile (rounds after the first)."""
    yield


# -- 2. C2C paced --------------------------------------------------------------------


async def c2c_paced(ctx: Ctx) -> list[Row]:
    """4 pairs, round-robin, at a fixed total rate: latency at a realistic load;
    each rate through the bare relay too (the yardstick, ``cpu_x_relay``)."""
    sz = ctx.sizes
    rows = []
    relays: dict[float, Row] = {}
    async with relay_node(ctx, "relay_paced") as node:
        await node.gen("pairs", pairs=4)
        for rate, count in sz.paced:
            r = await node.gen(
                "paced", rate=rate, count=count, server_pids=[node.server.pid], timeout=300
            )
            relays[rate] = c2c_row(
                "2 c2c_paced", f"relay {rate:,.0f} msg/s N={count:,}", r, node.server.hwm_kb()
            )
            relays[rate]["relay"] = True
            rows.append(relays[rate])
            ctx.log(summary(rows[-1]))
    async with single_node(ctx, "paced", pair_users("bench", 4)) as node:
        await node.gen("pairs", pairs=4)
        w = await node.gen(
            "paced", rate=1000, count=sz.warmup_total // 4, server_pids=[node.server.pid]
        )
        for rate, count in sz.paced:
            async with harness.profiled(node.server.pid, f"c2c_paced_{rate:.0f}"):
                r = await node.gen(
                    "paced", rate=rate, count=count, server_pids=[node.server.pid], timeout=300
                )
            rows.append(
                c2c_row("2 c2c_paced", f"{rate:,.0f} msg/s N={count:,}", r, node.server.hwm_kb(), w)
            )
            relay_ratio(rows[-1], relays[rate])
            ctx.log(summary(rows[-1]))
    return rows


# -- 3. REST sendmsg -------------------------------------------------------------------


async def rest_sendmsg(ctx: Ctx) -> list[Row]:
    """``openim/sendmsg`` by C concurrent keep-alive callers (the generator process);
    then the same calls to the bare relay's REST route on the same core, so each
    row carries ``relay_calls_per_s``, ``relay_cpu_us_per_call`` and
    ``cpu_x_relay`` (Palaver's server CPU per call over the relay's)."""
    sz = ctx.sizes
    calls = ctx.rest_calls or sz.rest_calls
    concs = (ctx.rest_concurrency,) if ctx.rest_concurrency else sz.rest_concurrency
    rows = []
    users = ["bench_alice", "bench_bob"]
    bodies = [
        {
            "SyncOtherMachine": 2,
            "From_Account": "bench_alice",
            "To_Account": "bench_bob",
            "MsgRandom": i,
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": f"bench {i}"}}],
        }
        for i in range(1000)
    ]
    async with single_node(ctx, "rest", users) as node:
        for c in concs:
            async with harness.profiled(node.server.pid, f"rest_c{c}"):
                r = await node.gen(
                    "rest",
                    path="/v4/openim/sendmsg",
                    bodies=bodies,
                    calls=calls,
                    concurrency=c,
                    server_pids=[node.server.pid],
                    timeout=300,
                )
            row: Row = {
                "scenario": "3 rest_sendmsg",
                "variant": f"C={c} N={calls:,}",
                "server_peak_rss_mb": node.server.hwm_kb() / 1024,
            }
            row.update(
                {
                    k: r[k]
                    for k in [
                        "calls",
                        "ok",
                        "failed",
                        "calls_per_s",
                        "p50_ms",
                        "p90_ms",
                        "p99_ms",
                        "max_ms",
                        "server_cpu_us_per_call",
                        "server_cpu_pct",
                        "gen_cpu_pct",
                        "noise_core0_pct",
                        "noise_core1_pct",
                        "first_errors",
                    ]
                }
            )
            rows.append(row)
    async with relay_node(ctx, "rest_relay") as relay:
        for row, c in zip(rows, concs, strict=True):
            r = await relay.gen(
                "rest",
                path="/v4/openim/sendmsg",
                bodies=bodies,
                calls=calls,
                concurrency=c,
                server_pids=[relay.server.pid],
                timeout=300,
            )
            row["relay_calls_per_s"] = r["calls_per_s"]
            row["relay_cpu_us_per_call"] = r["server_cpu_us_per_call"]
            row["cpu_x_relay"] = row["server_cpu_us_per_call"] / max(
                r["server_cpu_us_per_call"], 1e-9
            )
            ctx.log(
                summary(row) + f"; relay {r['calls_per_s']:,.0f} calls/s,"
                f" {r['server_cpu_us_per_call']:.0f} µs/call: CPU x{row['cpu_x_relay']:.1f}"
            )
    return rows


# -- 4 + 6a. Idle connections, and cost growth with connected users -----------------------


async def idle_conns(ctx: Ctx) -> list[Row]:
    """Open idle logged-in connections in steps (1k → 10k → 50k); at each step
    measure server memory per connection, heartbeat CPU, and a 4-pair burst."""
    sz = ctx.sizes
    top = max(sz.idle_levels)
    holders = max(1, math.ceil(top / IDLE_PER_HOLDER))
    idle_users = [f"idle_{n}" for n in range(top)]
    rows: list[Row] = []
    async with single_node(ctx, "idle", [], gens=1 + holders) as node:
        burst_gen, holder_gens = node.gens[0], node.gens[1:]
        t_imp = await node.admin.import_accounts(pair_users("bench", 4) + idle_users)
        ctx.log(f"  imported {len(idle_users) + 8:,} accounts in {t_imp:.1f} s")
        await burst_gen("pairs", pairs=4)
        w = await burst(node, sz.warmup_total, 256, pairs=4)
        server = node.server
        await asyncio.sleep(1.0)
        rss_base = server.rss_kb()
        opened_total = 0
        stop_reason = ""
        for level in sz.idle_levels:
            want = level - opened_total
            if want > 0 and not stop_reason:
                # holder h owns users [h*IDLE_PER_HOLDER, (h+1)*IDLE_PER_HOLDER), from its own
                # loopback address (each address has its own ephemeral port range)
                jobs = []
                for h, g in enumerate(holder_gens):
                    lo = max(opened_total, h * IDLE_PER_HOLDER)
                    hi = min(level, (h + 1) * IDLE_PER_HOLDER)
                    if lo < hi:
                        jobs.append(
                            g(
                                "idle_open",
                                prefix="idle",
                                start=lo,
                                end=hi,
                                concurrency=100,
                                local_host=f"127.0.0.{2 + h}",
                                timeout=240,
                                max_failures=300,
                            )
                        )
                t0, cpu0 = time.perf_counter(), server.cpu()
                answers = await asyncio.gather(*jobs)
                wall = time.perf_counter() - t0
                login_cpu_ms = (server.cpu() - cpu0) * 1000
                opened = sum(a["opened"] for a in answers)
                failures: dict[str, int] = {}
                for a in answers:
                    for why, n in a["failures"].items():
                        failures[why] = failures.get(why, 0) + n
                opened_total += opened
                login_rate = opened / wall if wall else math.nan
                login_cpu_ms /= max(opened, 1)
                if sum(failures.values()):
                    stop_reason = "; ".join(f"{n}× {why}" for why, n in failures.items())
                await asyncio.sleep(2.0)  # let allocations settle
            else:
                login_rate, wall, login_cpu_ms = math.nan, 0.0, math.nan
            status = await asyncio.gather(*(g("status") for g in holder_gens))
            still = sum(s["idle_open"] for s in status)
            rss = server.rss_kb()
            row: Row = {
                "scenario": "4 idle_conns",
                "variant": f"target {level:,} connections",
                "target": level,
                "connected": still,
                "logins_per_s": login_rate,
                "login_wall_s": wall,
                "server_cpu_ms_per_login": login_cpu_ms,
                "server_rss_mb": rss / 1024,
                "server_rss_base_mb": rss_base / 1024,
                "kb_per_conn": (rss - rss_base) / max(still, 1),
                "server_fds": harness.open_fds(server.pid),
                "server_fd_limit": harness.fd_limit(server.pid),
                "failures": stop_reason,
                "server_peak_rss_mb": server.hwm_kb() / 1024,
            }
            if level >= 10_000 or level == max(sz.idle_levels):
                holds = await asyncio.gather(
                    *(
                        g(
                            "idle_hold",
                            seconds=sz.idle_hold_s,
                            server_pids=[server.pid] if i == 0 else [],
                            timeout=sz.idle_hold_s + 60,
                        )
                        for i, g in enumerate(holder_gens)
                    )
                )
                h0 = holds[0]
                sent = sum(h["heartbeats_sent"] for h in holds)
                row.update(
                    {
                        "hold_s": h0["wall_s"],
                        "heartbeats_sent": sent,
                        "heartbeats_answered": sum(h["heartbeats_answered"] for h in holds),
                        "heartbeat_server_cpu_pct": h0["server_cpu_pct"],
                        "server_cpu_us_per_heartbeat": h0["server_cpu_s"] / max(sent, 1) * 1e6,
                        "heartbeat_gen_cpu_pct": sum(h["gen_cpu_pct"] for h in holds),
                        "heartbeat_noise_core0_pct": h0["noise_core0_pct"],
                        "still_open_after_hold": sum(h["still_open"] for h in holds),
                    }
                )
            rows.append(row)
            ctx.log(summary(row))
            note = ""
            if stop_reason:
                # At its fd limit the server cannot open a database file either (logins
                # fail with 70500): free 1,000 descriptors so the burst measures the cost
                # of the connected users, not the limit.
                await holder_gens[0]("idle_close", count=1000)
                await asyncio.sleep(1.0)
                status = await asyncio.gather(*(g("status") for g in holder_gens))
                still = sum(s["idle_open"] for s in status)
                note = " (1,000 closed after the limit)"
            r = await burst(node, sz.growth_burst_total, 256, pairs=4)
            grow = c2c_row(
                "6a growth_users",
                f"4 pairs bursting, {still:,} idle connected{note}",
                r,
                server.hwm_kb(),
                w,
            )
            grow["idle_connected"] = still
            rows.append(grow)
            ctx.log(summary(grow))
        for g in holder_gens:
            await g("idle_close", timeout=120)
    return rows


# -- 5 + 6b. History at 10k → 1M stored messages ----------------------------------------------


async def history(ctx: Ctx) -> list[Row]:
    """``getMessageList`` (WS) and ``admin_getroammsg`` (REST) latency, and a 4-pair
    burst, on databases holding 10k / 100k / 1M messages (pre-loaded, cached)."""
    sz = ctx.sizes
    rows: list[Row] = []
    for n in sz.history_sizes:
        t0 = time.perf_counter()
        db_file, meta = await prepared_db(n)
        ctx.log(
            f"  {n:,} messages: {db_file.stat().st_size / 1e6:,.0f} MB"
            f" (ready in {time.perf_counter() - t0:.1f} s; built in {meta['load_seconds']:.0f} s)"
        )
        alice, bob = meta["hot"]
        anchors = meta["anchors"]
        app = (int(meta["sdkappid"]), str(meta["key"]))
        async with single_node(
            ctx, f"history{n}", pair_users("bench", 4), db_file=db_file, app=app
        ) as node:
            pid = node.server.pid
            r = await node.gen(
                "history",
                user=alice,
                peer=bob,
                anchors=[a["id"] for a in anchors],
                calls=sz.history_calls,
                server_pids=[pid],
                timeout=300,
            )
            rows.append(history_row(n, "getMessageList (WS, 15/page)", r, meta))
            ctx.log(summary(rows[-1]))
            for cnt in (15, 100):
                bodies = [
                    {
                        "Operator_Account": alice,
                        "Peer_Account": bob,
                        "MaxCnt": cnt,
                        "MinTime": 0,
                        "MaxTime": a["time"],
                        "LastMsgKey": a["key"],
                    }
                    for a in anchors
                ] + [{"Operator_Account": alice, "Peer_Account": bob, "MaxCnt": cnt}] * 100
                r = await node.gen(
                    "rest",
                    path="/v4/openim/admin_getroammsg",
                    bodies=bodies[:: max(1, len(bodies) // sz.history_calls)],
                    calls=sz.history_calls,
                    concurrency=1,
                    server_pids=[pid],
                    timeout=300,
                )
                rows.append(history_row(n, f"admin_getroammsg (REST, MaxCnt={cnt})", r, meta))
                ctx.log(summary(rows[-1]))
            await node.gen("pairs", pairs=4)
            w = await burst(node, sz.warmup_total, 256, pairs=4)
            r = await burst(node, sz.growth_burst_total, 256, pairs=4)
            grow = c2c_row(
                "6b growth_stored", f"4-pair burst, {n:,} stored", r, node.server.hwm_kb(), w
            )
            grow["stored_messages"] = n
            rows.append(grow)
            ctx.log(summary(grow))
    return rows


def history_row(n: int, what: str, r: dict[str, Any], meta: dict[str, Any]) -> Row:
    row: Row = {
        "scenario": "5 history",
        "variant": f"{what}, {n:,} stored",
        "what": what,
        "stored_messages": n,
        "db_mb": meta["db_bytes"] / 1e6,
    }
    row.update(
        {
            k: r[k]
            for k in [
                "calls",
                "calls_per_s",
                "p50_ms",
                "p90_ms",
                "p99_ms",
                "max_ms",
                "server_cpu_us_per_call",
                "gen_cpu_pct",
                "noise_core0_pct",
            ]
            if k in r
        }
    )
    row["failed"] = r.get("failed", 0)
    return row


# -- 7. Cluster ----------------------------------------------------------------------------


PG_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DB = "palaver_bench"
REDIS_URL = "redis://127.0.0.1:6379/15"


async def _pg(sql: str) -> None:
    import asyncpg  # type: ignore[import-untyped]

    conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=10)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _cluster_side_pids() -> list[int]:
    """PostgreSQL processes working for ``palaver_bench`` (backends) or for everyone
    (WAL writer, checkpointer, background writer), and Redis."""
    from pathlib import Path as P

    pids = []
    for pid in harness.pids_named("postgres", "redis-server"):
        try:
            cmd = P(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if (
            b"redis-server" in cmd
            or PG_DB.encode() in cmd
            or any(w in cmd for w in (b"walwriter", b"checkpointer", b"background writer"))
        ):
            pids.append(pid)
    return pids


def _cluster_split(r: dict[str, Any], node_pids: list[int], side: list[int]) -> Row:
    """Server CPU per delivered message of each node (``node_cpu_us_per_msg``: A, B...),
    and of PostgreSQL and Redis apart (``pg_cpu_us_per_msg``, ``redis_cpu_us_per_msg``),
    from the generator's per-pid CPU seconds of the measured burst."""
    each = {int(p): c for p, c in r.get("cpu_s_by_pid", {}).items()}
    per_msg = 1e6 / max(r["delivered"], 1)
    redis = set(harness.pids_named("redis-server"))
    return {
        "node_cpu_us_per_msg": [each.get(p, 0.0) * per_msg for p in node_pids],
        "pg_cpu_us_per_msg": sum(c for p, c in each.items() if p in side and p not in redis)
        * per_msg,
        "redis_cpu_us_per_msg": sum(c for p, c in each.items() if p in redis) * per_msg,
    }


async def cluster(ctx: Ctx) -> list[Row]:
    """The C2C burst on PostgreSQL + Redis fan-out: one node, then two nodes with every
    sender on node A and every receiver on node B. All nodes on core 0."""
    sz = ctx.sizes
    url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{PG_DB}"
    await _pg(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    await _pg(f"CREATE DATABASE {PG_DB}")
    rows: list[Row] = []
    try:
        storage = ["--database-url", url, "--data-dir", str(ctx.tmp / "cluster")]
        env = harness.clean_env(PALAVER_FANOUT="redis", PALAVER_REDIS_URL=REDIS_URL)
        key = secrets.token_hex(32)
        sdkappid = await harness.create_app(storage, key)
        for n_nodes in (1, 2):
            async with contextlib.AsyncExitStack() as stack:
                servers = []
                for i in range(n_nodes):
                    log_path = ctx.tmp / f"cluster{n_nodes}-{i}.log"
                    ctx.keep_logs.append(log_path)
                    servers.append(
                        await stack.enter_async_context(palaver_server(storage, log_path, env=env))
                    )
                admin = Admin(servers[0].url, sdkappid, key)
                stack.push_async_callback(admin.close)
                prefix = f"cl{n_nodes}"
                await admin.import_accounts(pair_users(prefix, 4))
                (gen,) = await stack.enter_async_context(load_generators(1))
                await gen(
                    "setup",
                    sdkappid=sdkappid,
                    key=key,
                    nodes=[["127.0.0.1", s.port] for s in servers],
                )
                await gen("pairs", pairs=4, prefix=prefix, sender_node=0, receiver_node=n_nodes - 1)
                node = Node(servers[0], admin, sdkappid, key, [gen])
                pids = [s.pid for s in servers]
                w = await burst(node, sz.warmup_total, 256, pairs=4, pids=pids)
                side = _cluster_side_pids()
                async with harness.profiled(servers[0].pid, f"cluster{n_nodes}-a"):
                    r = await burst(
                        node, sz.cluster_burst_total, 256, pairs=4, pids=pids, extra_pids=side
                    )
                variant = (
                    "1 node (PG + Redis), all users on it"
                    if n_nodes == 1
                    else "2 nodes (PG + Redis), senders on A, receivers on B"
                )
                row = c2c_row("7 cluster", variant, r, sum(s.hwm_kb() for s in servers), w)
                row["nodes"] = n_nodes
                row["pg_redis_cpu_us_per_msg"] = r["extra_cpu_us_per_msg"]
                row.update(_cluster_split(r, pids, side))
                rows.append(row)
                ctx.log(summary(row))
    finally:
        if not os.environ.get("BENCH_KEEP_PG"):  # kept for a post-mortem when set
            with contextlib.suppress(Exception):
                await _pg(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    return rows


# -- 8. Group fan-out -------------------------------------------------------------------------


GROUP_ID = "bench_fanout"
GROUP_OWNER = "gf_owner"


def _hist_percentiles(hist: dict[int, int]) -> dict[str, float]:
    """p50/p99/max (ms) of a histogram of 0.1 ms buckets (nearest rank)."""
    total = sum(hist.values())
    out = {"delivery_p50_ms": math.nan, "delivery_p99_ms": math.nan, "delivery_max_ms": math.nan}
    if not total:
        return out
    ranks = {"delivery_p50_ms": math.ceil(0.5 * total), "delivery_p99_ms": math.ceil(0.99 * total)}
    seen = 0
    buckets = sorted(hist)
    for b in buckets:
        seen += hist[b]
        for name, rank in ranks.items():
            if seen >= rank and math.isnan(out[name]):
                out[name] = (b + 0.5) / 10
    out["delivery_max_ms"] = (buckets[-1] + 0.5) / 10
    return out


async def _group_phase(
    node: Node, lo: int, hi: int, one_at_a_time: bool, gc_log: Path, *, stall: float = 10
) -> dict[str, Any]:
    """Send messages ``lo`` .. ``hi-1`` to the group (each after the previous one
    reached every member, or all in one write) and merge what the members got
    (and the server's collector pauses meanwhile, from ``gc_log``)."""
    sender, holders = node.gens[0], node.gens[1:]
    meter = Meter([node.server.pid], [g.pid for g in node.gens])
    user0, sys0 = harness.cpu_split(node.server.pid)
    stamps: dict[int, float] = {}
    acked = errors_acked = 0
    first_errors: list[str] = []
    timed_out = False
    steps = [(i, i + 1) for i in range(lo, hi)] if one_at_a_time else [(lo, hi)]
    sent = lo
    for a, b in steps:
        timeout = 30 + (b - a) * 2
        s, *waits = await asyncio.gather(
            sender("group_send", start=a, count=b - a, timeout=timeout),
            *(g("group_wait", upto=b, stall=stall, timeout=timeout + stall) for g in holders),
        )
        stamps.update(zip(range(a, b), s["stamps"], strict=True))
        sent = b
        acked += s["acked"]
        errors_acked += s["errors_acked"]
        first_errors += s["first_errors"]
        if s["timed_out"] or any(w["timed_out"] for w in waits):
            timed_out = True
            break
    m = meter.stop()
    user1, sys1 = harness.cpu_split(node.server.pid)
    gc_stats = harness.gc_pauses(gc_log, meter.t0, meter.t0 + m["wall_s"])
    reports = await asyncio.gather(*(g("group_report", lo=lo, hi=sent) for g in holders))
    members = sum(r["members"] for r in reports)
    hist: dict[int, int] = {}
    last_lat, first_lat, spans = [], [], []
    delivered = 0
    t_last = 0.0
    for i in range(lo, sent):
        per = [r["messages"][i - lo] for r in reports]
        got = sum(p["delivered"] for p in per)
        delivered += got
        for p in per:
            for k, v in p["hist"].items():
                hist[int(k)] = hist.get(int(k), 0) + v
        if got:
            last = max(p["last_t"] for p in per)
            first = min(p["first_t"] for p in per if p["delivered"])
            t_last = max(t_last, last)
            last_lat.append(last - stamps[i])
            first_lat.append(first - stamps[i])
            spans.append(last - stamps[i])
    messages = sent - lo
    # one at a time: the time a message was on its way; burst: first send → last delivery
    busy = sum(spans) if one_at_a_time else (t_last - stamps[lo] if delivered else math.nan)
    last_p = percentiles(last_lat)
    row: Row = {
        "members": members,
        "messages": messages,
        "deliveries": members * messages,
        "delivered": delivered,
        "deliveries_per_s": delivered / busy if busy else math.nan,
        "p50_ms": last_p["p50_ms"],
        "p90_ms": last_p["p90_ms"],
        "p99_ms": last_p["p99_ms"],
        "max_ms": last_p["max_ms"],
        "first_member_p50_ms": percentiles(first_lat)["p50_ms"],
        "last_member_ms_each": [round(x * 1000, 1) for x in last_lat],
        **_hist_percentiles(hist),
        "elapsed_s": busy,
        "server_cpu_s": m["server_cpu_s"],
        "server_cpu_us_per_delivery": m["server_cpu_s"] / max(delivered, 1) * 1e6,
        "server_cpu_pct": m["server_cpu_pct"],
        "server_kernel_share_pct": (sys1 - sys0) / max(user1 - user0 + sys1 - sys0, 1e-9) * 100,
        **gc_stats,
        "gen_cpu_pct": m["extra_cpu_s"] / m["wall_s"] * 100,
        "noise_core0_pct": m["noise_core0_pct"],
        # Meter subtracts only this orchestrator's CPU from core 1's; the generators run there too
        "noise_core1_pct": max(0.0, m["noise_core1_pct"] - m["extra_cpu_s"] / m["wall_s"] * 100),
        "lost": members * messages - delivered,
        "duplicated": sum(r["duplicated"] for r in reports),
        "out_of_order": sum(r["out_of_order"] for r in reports),
        "seq_gaps": sum(r["seq_gaps"] for r in reports),
        "malformed": sum(r["malformed"] for r in reports),
        "other_frames": sum(r["other_frames"] for r in reports),
        "frame_bytes": max(r["frame_bytes"] for r in reports),
        "acked": acked,
        "errors_acked": errors_acked,
        "timed_out": timed_out,
        "closed": sum(r["closed"] for r in reports),
        "closed_clients": [c for r in reports for c in r["closed_clients"]][:20],
        "first_errors": (first_errors + [e for r in reports for e in r["first_errors"]])[:10],
    }
    return row


async def group_fanout(ctx: Ctx) -> list[Row]:
    """One Community group with N online members (10k; quick 500): messages from
    one member sent one at a time (latency to the last member) and in one burst
    (deliveries/s), on one server core."""
    sz = ctx.sizes
    n = sz.group_members
    holders = max(1, math.ceil(n / GROUP_PER_HOLDER))
    warm, seq_n, burst_n = sz.group_warmup, sz.group_sequential, sz.group_burst
    slots = warm + seq_n + burst_n
    members = [f"gm_{i}" for i in range(n)]
    rows: list[Row] = []
    gc_log = ctx.tmp / "group-gc.log"
    env = harness.gc_probe_env(gc_log)
    async with single_node(ctx, "group", [], gens=1 + holders, env=env) as node:
        server, holder_gens = node.server, node.gens[1:]
        svc = "group_open_http_svc"
        t0 = time.perf_counter()
        await node.admin.import_accounts([GROUP_OWNER, *members])
        await node.admin.call(
            svc,
            "import_group",
            {
                "Type": "Community",
                "Name": "fan-out",
                "GroupId": GROUP_ID,
                "Owner_Account": GROUP_OWNER,
                "MaxMemberCount": 100_000,
            },
        )
        for i in range(0, n, 500):
            res = await node.admin.call(
                svc,
                "import_group_member",
                {
                    "GroupId": GROUP_ID,
                    "MemberList": [{"Member_Account": u} for u in members[i : i + 500]],
                },
            )
            bad = [m for m in res["MemberList"] if m["Result"] != 1]
            if bad:
                raise BenchError(f"import_group_member: {bad[:3]}")
        ctx.log(f"  {n:,} accounts and group members imported in {time.perf_counter() - t0:.1f} s")
        rss0 = server.rss_kb()
        t0, cpu0 = time.perf_counter(), server.cpu()
        answers = await asyncio.gather(
            *(
                g(
                    "idle_open",
                    prefix="gm",
                    start=h * GROUP_PER_HOLDER,
                    end=min(n, (h + 1) * GROUP_PER_HOLDER),
                    concurrency=100,
                    local_host=f"127.0.0.{2 + h}",
                    group=GROUP_ID,
                    slots=slots,
                    timeout=300,
                    max_failures=100,
                )
                for h, g in enumerate(holder_gens)
            )
        )
        login_wall = time.perf_counter() - t0
        login_cpu = server.cpu() - cpu0
        online = sum(a["opened"] for a in answers)
        failures = {k: v for a in answers for k, v in a["failures"].items()}
        ctx.log(
            f"  {online:,} members logged in in {login_wall:.1f} s"
            + (f"; failures: {failures}" if failures else "")
        )
        if not online:
            raise BenchError(f"no member could log in: {failures}")
        await node.gen("group_sender", user=GROUP_OWNER, group=GROUP_ID)
        await asyncio.sleep(1.0)
        common: Row = {
            "members_online": online,
            "login_failures": failures,
            "logins_per_s": online / login_wall,
            "server_cpu_ms_per_login": login_cpu / online * 1000,
            "server_rss_mb": server.rss_kb() / 1024,
            "kb_per_member_conn": (server.rss_kb() - rss0) / online,
        }
        w = await _group_phase(node, 0, warm, True, gc_log)
        warmup_bad = sum(w[k] for k in ("lost", "duplicated", "out_of_order", "seq_gaps"))
        for variant, lo, hi, one in (
            (f"{online:,} members, {seq_n} messages one at a time", warm, warm + seq_n, True),
            (f"{online:,} members, burst of {burst_n} messages", warm + seq_n, slots, False),
        ):
            async with harness.profiled(server.pid, f"group_fanout-{'one' if one else 'burst'}"):
                r = await _group_phase(node, lo, hi, one, gc_log)
            row: Row = {"scenario": "8 group_fanout", "variant": variant, "one_at_a_time": one}
            row.update(r)
            row.update(common)
            row["warmup_bad"] = warmup_bad
            row["server_peak_rss_mb"] = server.hwm_kb() / 1024
            rows.append(row)
            ctx.log(summary(row))
    return rows


# -- 10. Media uploads and downloads (issue 11 §5) -------------------------------------------


async def media(ctx: Ctx) -> list[Row]:
    """N uploads of 1 MB (distinct random bytes) by C concurrent callers to
    ``POST /media/upload``, then the N downloads: MB/s, latency, server CPU per MB,
    and the server's peak RSS against what C uploads held whole would take."""
    sz = ctx.sizes
    async with single_node(ctx, "media", ["bench_alice"]) as node:
        rss0 = node.server.hwm_kb() / 1024
        r = await node.gen(
            "media",
            count=sz.media_count,
            size=sz.media_size,
            concurrency=sz.media_concurrency,
            server_pids=[node.server.pid],
            timeout=600,
        )
        row: Row = {
            "scenario": "10 media",
            "variant": f"C={sz.media_concurrency} N={sz.media_count} x {sz.media_size >> 10} KB",
            "server_rss_before_mb": rss0,
            "server_peak_rss_mb": node.server.hwm_kb() / 1024,
            "held_whole_would_add_mb": sz.media_concurrency * sz.media_size / (1 << 20),
        }
        row.update(r)
        ctx.log(summary(row))
    return [row]


# -- 12. Login and reconnect storms (issue 20) -----------------------------------------------

STORM_LIVE_KEYS = [
    "live_clients",
    "live_sent",
    "live_delivered",
    "live_lost",
    "live_duplicated",
    "live_nacked",
    "live_closed",
    "live_closed_clients",
    "pings_sent",
    "pings_unanswered",
    "msg_p50_ms",
    "msg_p99_ms",
    "msg_max_ms",
    "ping_p50_ms",
    "ping_p99_ms",
    "ping_max_ms",
    "first_errors",
]


async def _storm_phase(ctx: Ctx, node: Node, phase: str, n: int, live_rate: float) -> Row:
    """Live traffic on; every storm client logs in (``open``) or reconnects
    (``reconnect``) at once; live traffic off once every storm client is back."""
    sz = ctx.sizes
    server, holders = node.server, node.gens[1:]
    await node.gen("live_start", rate=live_rate, ping_interval=0.5)
    meter = Meter([server.pid], [g.pid for g in node.gens])
    jobs = []
    for h, g in enumerate(holders):
        lo, hi = h * STORM_PER_HOLDER, min(n, (h + 1) * STORM_PER_HOLDER)
        if phase == "open":
            jobs.append(
                g(
                    "storm_open",
                    prefix="storm",
                    start=lo,
                    end=hi,
                    local_host=f"127.0.0.{2 + h}",
                    timeout=240,
                )
            )
        else:
            jobs.append(g("storm_reconnect", local_host=f"127.0.0.{2 + h}", timeout=240))
    answers = await asyncio.gather(*jobs)
    m = meter.stop()
    live = await node.gen("live_stop", drain=10)
    await asyncio.sleep(1.0)  # the server's closes reach the clients
    status = await asyncio.gather(*(g("status") for g in holders))
    back = sum(a["back"] for a in answers)
    reasons: dict[str, int] = {}
    for a in answers:
        for why, k in a["failed_attempts"].items():
            reasons[why] = reasons.get(why, 0) + k
    row: Row = {
        "scenario": "12 login_storm",
        "variant": (
            f"{n:,} log in at once" if phase == "open" else f"{n:,} reconnect at once (cursor)"
        )
        + f", {sz.storm_live_pairs} live pairs at {live_rate:g} msg/s",
        "storm_clients": n,
        "storm_back": back,
        "storm_failed": sum(a["failed"] for a in answers),
        "storm_dropped_after": back - sum(s["idle_open"] for s in status),
        "settle_s": max(a["settle_s"] for a in answers),
        "ready_p50_ms": max(a["ready_p50_ms"] for a in answers),
        "ready_p99_ms": max(a["ready_p99_ms"] for a in answers),
        "retried_clients": sum(a["retried_clients"] for a in answers),
        "attempts_max": max(a["attempts_max"] for a in answers),
        "busy_answers": sum(a["busy_answers"] for a in answers),
        "busy_503": sum(a.get("busy_503", 0) for a in answers),
        "failed_attempts": reasons,
        "server_cpu_s": m["server_cpu_s"],
        "server_cpu_ms_per_login": m["server_cpu_s"] / max(back, 1) * 1000,
        "server_cpu_pct": m["server_cpu_pct"],
        "gen_cpu_pct": m["extra_cpu_s"] / m["wall_s"] * 100,
        "noise_core0_pct": m["noise_core0_pct"],
        "server_peak_rss_mb": server.hwm_kb() / 1024,
    }
    row.update({k: live[k] for k in STORM_LIVE_KEYS})
    return row


async def login_storm(ctx: Ctx) -> list[Row]:
    """N clients log in at once, then all drop and reconnect at once, while M live
    pairs message and ping through it (N 10k; quick 300): live clients dropped,
    messages lost, ping and message latency of the live clients, time to settle."""
    sz = ctx.sizes
    n = ctx.storm_clients or sz.storm_clients
    k = sz.storm_live_pairs
    holders = max(1, math.ceil(n / STORM_PER_HOLDER))
    async with single_node(ctx, "storm", [], gens=1 + holders) as node:
        t_imp = await node.admin.import_accounts(
            pair_users("live", k) + [f"storm_{i}" for i in range(n)]
        )
        ctx.log(f"  imported {n + 2 * k:,} accounts in {t_imp:.1f} s")
        await node.gen("pairs", pairs=k, prefix="live")
        await node.gen("live_start", rate=sz.storm_live_rate, ping_interval=0.5)
        await asyncio.sleep(sz.storm_quiet_s)
        quiet = await node.gen("live_stop", drain=10)
        rows: list[Row] = [
            {
                "scenario": "12 login_storm",
                "variant": f"no storm: {k} live pairs at {sz.storm_live_rate:g} msg/s",
                **{key: quiet[key] for key in STORM_LIVE_KEYS},
            }
        ]
        ctx.log(summary(rows[-1]))
        for phase in ("open", "reconnect"):
            rows.append(await _storm_phase(ctx, node, phase, n, sz.storm_live_rate))
            ctx.log(summary(rows[-1]))
    return rows


# -- table ------------------------------------------------------------------------------------


def _f(v: Any, fmt: str) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    return format(v, fmt)


def summary(r: Row) -> str:
    """One line for the progress log."""
    s = f"  {r['scenario']} | {r['variant']}:"
    if "msgs_per_s" in r:
        s += (
            f" {r['msgs_per_s']:,.0f} msg/s, p50 {_f(r['p50_ms'], '.2f')} ms,"
            f" p99 {_f(r['p99_ms'], '.2f')} ms, {r['server_cpu_us_per_msg']:,.0f} µs/msg,"
            f" lost/dup/ooo {r['lost']}/{r['duplicated']}/{r['out_of_order']},"
            f" gen {r['gen_cpu_pct']:.0f}%, noise@core0 {r['noise_core0_pct']:.0f}%"
        )
        if "cpu_x_relay" in r:
            s += f", {r['cpu_x_relay']:.1f}× the relay's CPU/msg"
        if "node_cpu_us_per_msg" in r:
            nodes = " + ".join(f"{c:,.0f}" for c in r["node_cpu_us_per_msg"])
            s += (
                f", nodes {nodes} µs/msg, PostgreSQL {r['pg_cpu_us_per_msg']:,.0f}"
                f" + Redis {r['redis_cpu_us_per_msg']:,.0f} µs/msg"
            )
    elif "deliveries_per_s" in r:
        s += (
            f" {r['deliveries_per_s']:,.0f} deliveries/s, to the last member p50"
            f" {_f(r['p50_ms'], '.1f')} ms p99 {_f(r['p99_ms'], '.1f')} ms,"
            f" {r['server_cpu_us_per_delivery']:,.1f} µs/delivery,"
            f" lost/dup/ooo {r['lost']}/{r['duplicated']}/{r['out_of_order']},"
            f" gen {r['gen_cpu_pct']:.0f}%, noise@core0 {r['noise_core0_pct']:.0f}%"
        )
    elif "calls_per_s" in r:
        s += (
            f" {r['calls_per_s']:,.0f} calls/s, p50 {_f(r['p50_ms'], '.2f')} ms,"
            f" p99 {_f(r['p99_ms'], '.2f')} ms, gen {r['gen_cpu_pct']:.0f}%"
        )
    elif "upload_mb_per_s" in r:
        s += (
            f" up {r['upload_mb_per_s']:.1f} MB/s (p50 {_f(r['upload_p50_ms'], '.0f')} ms,"
            f" {r['upload_server_cpu_ms_per_mb']:.1f} ms CPU/MB), down"
            f" {r['download_mb_per_s']:.1f} MB/s ({r['download_server_cpu_ms_per_mb']:.1f} ms"
            f" CPU/MB), peak RSS {r['server_peak_rss_mb']:.0f} MB, ok"
            f" {r['uploaded']}/{r['downloaded']}/{r['count']}, mismatched {r['mismatched']}"
        )
    elif "live_clients" in r:
        s += (
            f" live: ping p50 {_f(r['ping_p50_ms'], '.1f')} p99 {_f(r['ping_p99_ms'], '.1f')}"
            f" max {_f(r['ping_max_ms'], '.0f')} ms, msg p99 {_f(r['msg_p99_ms'], '.1f')} ms,"
            f" lost {r['live_lost']}, closed {r['live_closed']}"
        )
        if "storm_back" in r:
            s += (
                f"; storm: {r['storm_back']:,}/{r['storm_clients']:,} back in"
                f" {_f(r['settle_s'], '.1f')} s, {r['retried_clients']:,} retried,"
                f" {r['busy_answers']:,} busy answers + {r.get('busy_503', 0):,} 503s,"
                f" dropped after {r['storm_dropped_after']},"
                f" {r['server_cpu_ms_per_login']:.1f} ms CPU/login; failed attempts"
                f" {r['failed_attempts']}"
            )
    elif "connected" in r:
        s += f" {r['connected']:,} connected, {r['kb_per_conn']:.1f} KB/conn"
        if "heartbeat_server_cpu_pct" in r:
            s += f", heartbeats {r['heartbeat_server_cpu_pct']:.1f}% of a core"
        if r.get("failures"):
            s += f"; stopped: {r['failures'][:200]}"
    return s


# -- 13. Search (issue 18) ------------------------------------------------------------

#: Query kinds of the search scenario: (name, keyword lists cycled, AND).
SEARCH_QUERIES: tuple[tuple[str, tuple[tuple[str, ...], ...], bool], ...] = (
    ("one word", (("开会",), ("项目",), ("地址",), ("发票",), ("客户",)), False),
    ("two words (AND)", (("项目", "进度"), ("北京", "开会"), ("客户", "合同")), True),
    ("Chinese phrase", (("建国路88号",), ("新地址是建国路",)), False),
)


def _table_bytes(db: Path) -> dict[str, int]:
    """Bytes on disk of each table with its indexes (SQLite ``dbstat``)."""
    import sqlite3

    con = sqlite3.connect(db)
    try:
        rows = con.execute(
            "SELECT coalesce(m.tbl_name, s.name), sum(s.pgsize) FROM dbstat s "
            "LEFT JOIN sqlite_master m ON m.name = s.name GROUP BY 1"
        ).fetchall()
    finally:
        con.close()
    out: dict[str, int] = {}
    for name, size in rows:
        key = "message_fts" if str(name).startswith("message_fts") else str(name)
        out[key] = out.get(key, 0) + int(size)
    return out


async def _search_latency(db_file: Path, meta: dict[str, Any], calls: int) -> list[Row]:
    """p50/p99 of SearchService.messages in this process (no network), and its CPU
    time per query (all threads; what a busy machine does not inflate), per query
    kind, as the hot-conversation user across conversations and within the
    conversation, and as a user of a small conversation. Hits are messages."""
    from palaver.services.apps import AppService
    from palaver.services.search import MessageSearch, SearchService
    from palaver.storage import Database

    alice, bob = meta["hot"]
    db = Database(f"sqlite+aiosqlite:///{db_file}")
    rows: list[Row] = []
    try:
        app = await AppService(db).get(int(meta["sdkappid"]))
        assert app is not None
        svc = SearchService(db)
        views = (
            ("100k-message conversation, all conversations", alice, {}),
            ("100k-message conversation, within it", alice, {"peer": bob}),
            ("small conversation, all conversations", "hist_u0", {}),
        )
        for what, kws, and_ in SEARCH_QUERIES:
            for where, viewer, extra in views:
                times: list[float] = []
                hits = 0
                cpu0 = time.process_time()
                for i in range(calls):
                    q = MessageSearch(viewer, kws[i % len(kws)], match_all=and_, **extra)
                    t0 = time.perf_counter()
                    page = await svc.messages(app, q)
                    times.append(time.perf_counter() - t0)
                    hits += sum(c.count for c in page.conversations)
                cpu_ms = (time.process_time() - cpu0) * 1000 / calls
                p = percentiles(times)
                rows.append(
                    {
                        "scenario": "13 search",
                        "variant": f"{what}: {where}",
                        "stored_messages": meta["messages"],
                        "calls": calls,
                        "p50_ms": p["p50_ms"],
                        "p99_ms": p["p99_ms"],
                        "max_ms": p["max_ms"],
                        "mean_hits": hits / calls,
                        "cpu_ms_per_query": cpu_ms,
                    }
                )
    finally:
        await db.close()
    return rows


async def search(ctx: Ctx) -> list[Row]:
    """Message search on the history database (issue 18): query latency per kind,
    index size beside the messages, and a 4-pair C2C burst with the index kept
    (``search_index`` on) and without, alternately, on fresh servers."""
    sz = ctx.sizes
    db_file, meta = await prepared_db(sz.search_size)
    work = ctx.tmp / "search.db"
    shutil.copyfile(db_file, work)
    rows = await _search_latency(work, meta, sz.search_calls)
    for r in rows:
        ctx.log(
            f"  {r['variant']}: p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms,"
            f" CPU {r['cpu_ms_per_query']:.1f} ms/query ({r['mean_hits']:,.0f} hits)"
        )
    size = _table_bytes(work)
    idx, msgs = size.get("message_fts", 0), size.get("messages", 0)
    rows.append(
        {
            "scenario": "13 search",
            "variant": "index size",
            "stored_messages": sz.search_size,
            "index_mb": idx / 1e6,
            "messages_mb": msgs / 1e6,
            "database_mb": sum(size.values()) / 1e6,
            "index_vs_messages_pct": 100 * idx / max(1, msgs),
        }
    )
    ctx.log(
        f"  index {idx / 1e6:,.0f} MB = {100 * idx / max(1, msgs):.0f}% of the messages table"
        f" ({msgs / 1e6:,.0f} MB); database {sum(size.values()) / 1e6:,.0f} MB"
    )
    work.unlink()
    for rnd in range(2):
        for on in (False, True):
            env = harness.clean_env(PALAVER_SEARCH_INDEX="true" if on else "false")
            name = f"sburst{rnd}{'on' if on else 'off'}"
            async with single_node(ctx, name, pair_users("bench", 4), env=env) as node:
                await node.gen("pairs", pairs=4)
                w = await burst(node, sz.warmup_total, sz.burst_window, pairs=4)
                r = await burst(node, sz.burst_total, sz.burst_window, pairs=4)
                row = c2c_row(
                    "13 search",
                    f"4-pair burst, index {'on' if on else 'off'} (round {rnd + 1})",
                    r,
                    node.server.hwm_kb(),
                    w,
                )
                rows.append(row)
                ctx.log(summary(row))
    return rows


async def login_storm_restart(ctx: Ctx) -> list[Row]:
    """12b: SIGKILL and restart under N connected clients (:mod:`bench.storm_restart`,
    which imports this module)."""
    from bench.storm_restart import login_storm_restart as run

    return await run(ctx)


Scenario = Callable[[Ctx], Awaitable[list[Row]]]
SCENARIOS: dict[str, Scenario] = {
    "c2c_burst": c2c_burst,
    "c2c_paced": c2c_paced,
    "rest_sendmsg": rest_sendmsg,
    "idle_conns": idle_conns,
    "history": history,
    "cluster": cluster,
    "group_fanout": group_fanout,
    "c2c_burst_tencent": c2c_burst_tencent,
    "media": media,
    "c2c_burst_callbacks": c2c_burst_callbacks,
    "login_storm": login_storm,
    "login_storm_restart": login_storm_restart,
    "search": search,
}

ALIASES = {"sendmsg": "rest_sendmsg"}
