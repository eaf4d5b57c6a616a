"""What every scenario uses: sizes, the context, a node (server + generators),
rows and the progress line."""

from __future__ import annotations

import contextlib
import math
import secrets
import shutil
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import harness
from bench.harness import Admin, LoadGen, Server, load_generators, palaver_server

Row = dict[str, Any]


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
