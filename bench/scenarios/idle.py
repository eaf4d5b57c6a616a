"""Scenarios 4 and 6a: idle logged-in connections, and the burst beside them."""

from __future__ import annotations

import asyncio
import math
import time

from bench import harness
from bench.scenarios.common import (
    Ctx,
    Row,
    burst,
    c2c_row,
    pair_users,
    single_node,
    summary,
)

#: per generator process; its hard fd limit here is 20,000
IDLE_PER_HOLDER = 15000


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
