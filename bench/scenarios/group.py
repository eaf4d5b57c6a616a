"""Scenario 8 (issue 6 §5): one Community group with 10k online members."""

from __future__ import annotations

import asyncio
import math
import time
from pathlib import Path
from typing import Any

from bench import harness
from bench.harness import BenchError
from bench.loadgen import Meter, percentiles
from bench.scenarios.common import (
    Ctx,
    Node,
    Row,
    single_node,
    summary,
)

#: group members per generator process (scenario 8)
GROUP_PER_HOLDER = 5000


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
