"""Scenario 3: REST ``openim/sendmsg`` (beside the bare relay's REST route)."""

from __future__ import annotations

from typing import Any

from bench import harness
from bench.scenarios.common import (
    Ctx,
    Node,
    Row,
    relay_node,
    single_node,
    summary,
)


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

    async def run(node: Node, c: int) -> dict[str, Any]:
        """The calls against ``node``'s server, ``c`` at a time."""
        answer: dict[str, Any] = await node.gen(
            "rest",
            path="/v4/openim/sendmsg",
            bodies=bodies,
            calls=calls,
            concurrency=c,
            server_pids=[node.server.pid],
            timeout=300,
        )
        return answer

    async with single_node(ctx, "rest", users) as node:
        for c in concs:
            async with harness.profiled(node.server.pid, f"rest_c{c}"):
                r = await run(node, c)
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
            r = await run(relay, c)
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
