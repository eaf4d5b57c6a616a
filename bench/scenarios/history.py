"""Scenarios 5 and 6b: history pages at 10k → 1M stored messages, and the burst on
those databases."""

from __future__ import annotations

import time
from typing import Any

from bench.preload import prepared_db
from bench.scenarios.common import (
    Ctx,
    Row,
    burst,
    c2c_row,
    pair_users,
    single_node,
    summary,
)


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
