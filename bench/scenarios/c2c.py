"""Scenarios 1, 2 and 9: the C2C burst (beside the bare relay), paced C2C, and the
burst in Tencent's client protocol."""

from __future__ import annotations

from bench import harness
from bench.scenarios.common import (
    Ctx,
    Row,
    burst,
    c2c_row,
    pair_users,
    relay_node,
    relay_ratio,
    single_node,
    summary,
)


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
