"""Scenario 12 (issue 20): login and reconnect storms (12b: :mod:`bench.storm_restart`)."""

from __future__ import annotations

import asyncio
import math

from bench.loadgen import Meter
from bench.scenarios.common import (
    Ctx,
    Node,
    Row,
    pair_users,
    single_node,
    summary,
)

#: storm clients per generator process (scenario 12)
STORM_PER_HOLDER = 5000

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


async def login_storm_restart(ctx: Ctx) -> list[Row]:
    """12b: SIGKILL and restart under N connected clients (:mod:`bench.storm_restart`,
    which imports :mod:`bench.scenarios`)."""
    from bench.storm_restart import login_storm_restart as run

    return await run(ctx)
