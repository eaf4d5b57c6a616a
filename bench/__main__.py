"""``python -m bench`` (``make bench``): Palaver's benchmark suite (issue 5 §2).

Scenarios (``--scenario NAME``, repeatable; default: all, in this order):

- ``c2c_burst``   1. K sender→receiver pairs over WebSocket, as fast as a bounded
                  window of unacknowledged sends allows, durable history (SQLite)
- ``c2c_paced``   2. the same at a fixed 1,000 msg/s (and 200 msg/s): latency
- ``rest_sendmsg`` 3. REST ``openim/sendmsg`` with C concurrent callers
- ``idle_conns``  4. idle logged-in WebSockets at 1k / 10k / 50k: memory per
                  connection, heartbeat CPU; and 6a. a 4-pair burst at each step
- ``history``     5. ``getMessageList`` / ``admin_getroammsg`` latency with 10k /
                  100k / 1M stored messages; and 6b. a 4-pair burst on each
- ``cluster``     7. the burst on PostgreSQL + Redis: 1 node, then 2 nodes with
                  senders on A and receivers on B
- ``group_fanout`` 8. (issue 6 §5) one Community group with 10k online members:
                  messages one at a time (latency to the last member) and a
                  burst (deliveries/s)
- ``c2c_burst_tencent`` 9. (issue 10 §5) the C2C burst with Palaver's protocol,
                  then with clients speaking Tencent's (``/binfo``): server CPU
                  per message of one over the other
- ``media``       10. (issue 11 §5) 500 uploads of 1 MB by 100 concurrent callers,
                  then their downloads: MB/s, server CPU per MB, peak RSS
- ``c2c_burst_callbacks`` 11. (issue 12 §5) the K=4 C2C burst without callbacks
                  and with ``C2C.CallbackAfterSendMsg`` on to a local receiver, two
                  servers up, 3 alternating rounds: median throughput ratio and
                  how far the callbacks lag
- ``login_storm`` 12. (issue 20) 10k clients log in at once, then all reconnect
                  at once, while 4 live pairs message and ping through it:
                  live clients dropped, messages lost, ping / message latency,
                  time until every storm client is back
- ``login_storm_restart`` 12b. (issue 20) the same clients connected, then a SIGKILL
                  and restart: every client reconnects at once with its cursor
- ``search``      13. (issue 18) message search on the 1M-message history
                  database: query p50/p99 (one word, two words, a Chinese
                  phrase), index size beside the messages, and the C2C burst
                  with the index kept and without

Each scenario runs real ``palaver serve`` processes pinned to core 0 and a
separate load generator process (``bench/loadgen.py``) pinned to core 1; this
orchestrator also stays on core 1. It prints a table, the issue's targets
marked met or missed, and writes every figure to ``bench/results.json``.
Latency is send → receive on one clock (the generator stamps ``perf_counter``
into the text and receives in the same process); server CPU is utime + stime of
the server processes from ``/proc``; lost / duplicated / out-of-order messages
are counted per pair by message index. ``--quick`` runs small sizes (a smoke
test: ``python -m bench --quick --scenario c2c_burst`` takes seconds).

Everything listens on 127.0.0.1 only; every wait is bounded, the whole run by
``--timeout``. Exit code 0 if every run delivered every message exactly once
and in order and no call failed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import json
import math
import os
import platform
import shlex
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import harness
from bench.harness import BenchError
from bench.scenarios import ALIASES, SCENARIOS, Ctx, Row, Sizes

RESULTS = Path(__file__).parent / "results.json"


def loadavg() -> list[str]:
    """The 1, 5 and 15 minute load averages (other work on this shared machine)."""
    return Path("/proc/loadavg").read_text().split()[:3]


def source_version() -> dict[str, Any]:
    """The commit measured, and whether ``src/`` differed from it."""
    import subprocess

    def git(*args: str) -> str:
        try:
            out = subprocess.run(
                ["git", *args], cwd=harness.ROOT, capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return out.stdout.strip()

    return {
        "commit": git("rev-parse", "HEAD"),
        "src_modified": bool(git("status", "--porcelain", "src")),
    }


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    info: dict[str, Any] = {"cores": os.cpu_count(), "kernel": platform.release()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["mem_gib"] = round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    import aiohttp
    import uvloop

    info.update(
        python=platform.python_version(),
        sqlite=sqlite3.sqlite_version,
        aiohttp=aiohttp.__version__,
        uvloop=getattr(uvloop, "__version__", "?"),
        fd_limit=harness.fd_limit(os.getpid()),
        ephemeral_ports=Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split(),
        loadavg_at_start=loadavg(),
    )
    return info


# -- targets (issue 5 §3) ---------------------------------------------------------------


def _rows(rows: list[Row], scenario: str) -> list[Row]:
    return [r for r in rows if r["scenario"].split(" ", 1)[1] == scenario]


def _c2c_targets(rows: list[Row], add: Any) -> None:
    """The C2C targets of issue 16 (burst, relay ratio, paced) this run measured."""
    burst = [r for r in _rows(rows, "c2c_burst") if r.get("pairs") == 4 and not r.get("relay")]
    if burst:
        add(
            "C2C burst, SQLite, server on one core (K=4)",
            burst[0]["msgs_per_s"],
            12_000,
            "msg/s",
            True,
        )
        add(
            "server CPU per message (K=4 burst)",
            burst[0]["server_cpu_us_per_msg"],
            80,
            "µs",
            False,
        )
        if "cpu_x_relay" in burst[0]:
            add(
                "server CPU per message over the bare relay's (K=4 burst, same run)",
                burst[0]["cpu_x_relay"],
                7,
                "×",
                False,
            )
    paced = [r for r in _rows(rows, "c2c_paced") if r.get("rate") == 1000 and not r.get("relay")]
    if paced:
        add("p50 at 1,000 msg/s", paced[0]["p50_ms"], 1, "ms", False)
        add("p99 at 1,000 msg/s", paced[0]["p99_ms"], 5, "ms", False)
    paced = [r for r in _rows(rows, "c2c_paced") if r.get("rate") == 200 and not r.get("relay")]
    if paced:
        add(
            "server CPU per message at 200 msg/s",
            paced[0]["server_cpu_us_per_msg"] / 1000,
            0.3,
            "ms",
            False,
        )


def targets(rows: list[Row]) -> list[dict[str, Any]]:
    """Each target of issue 5 §3 (and issues 6 §5, 12 §5) that this run measured: value,
    verdict, gap."""
    out: list[dict[str, Any]] = []

    def add(name: str, value: float, goal: float, unit: str, higher_is_better: bool) -> None:
        met = value >= goal if higher_is_better else value <= goal
        gap = (
            ""
            if met
            else (
                f"{goal / value:.1f}× short"
                if higher_is_better and value > 0
                else f"{value / goal:.1f}× over"
                if goal > 0
                else "over"
            )
        )
        out.append(
            {
                "target": name,
                "goal": f"{'≥' if higher_is_better else '≤'} {goal:,g} {unit}",
                "measured": f"{value:,.2f} {unit}" if value < 100 else f"{value:,.0f} {unit}",
                "met": met,
                "gap": gap,
            }
        )

    _c2c_targets(rows, add)
    rest = _rows(rows, "rest_sendmsg")
    if rest:
        add("REST sendmsg (best C)", max(r["calls_per_s"] for r in rest), 8000, "calls/s", True)
    idle = _rows(rows, "idle_conns")
    if idle:
        at10 = [r for r in idle if r["target"] >= 10_000] or idle
        add(
            f"memory per idle connection (at {at10[0]['connected']:,})",
            at10[0]["kb_per_conn"],
            20,
            "KB",
            False,
        )
        add(
            "idle logged-in connections on one node",
            max(r["connected"] for r in idle),
            50_000,
            "connections",
            True,
        )
    hist = [r for r in _rows(rows, "history") if r["stored_messages"] == 1_000_000]
    for r in hist:
        add(f"history p99 at 1M stored: {r['what']}", r["p99_ms"], 2, "ms", False)
    for r in _rows(rows, "group_fanout"):
        if r["one_at_a_time"]:
            add(
                f"group p99 send → last member ({r['members']:,} members)",
                r["p99_ms"],
                200,
                "ms",
                False,
            )
        else:
            add(
                f"group fan-out, one core ({r['members']:,} members, burst)",
                r["deliveries_per_s"],
                100_000,
                "deliveries/s",
                True,
            )
    for r in _rows(rows, "c2c_burst_tencent"):
        if "cpu_ratio" in r:
            add(
                f"Tencent protocol server CPU/msg over Palaver's (K={r['pairs']})",
                r["cpu_ratio"],
                1.3,
                "×",
                False,
            )
    for r in _rows(rows, "c2c_burst_callbacks"):
        if "throughput_ratio" in r:
            add(
                "C2C burst with after-send callbacks over without (issue 12 §5)",
                r["throughput_ratio"],
                0.9,
                "×",
                True,
            )
    runs = [r for r in rows if "lost" in r]
    if runs:
        bad = sum(
            r["lost"]
            + r["duplicated"]
            + r["out_of_order"]
            + r.get("stale", 0)
            + r.get("seq_gaps", 0)
            + r.get("warmup_bad", 0)
            for r in runs
        )
        out.append(
            {
                "target": f"0 lost / duplicated / out of order ({len(runs)} runs)",
                "goal": "0",
                "measured": str(bad),
                "met": bad == 0,
                "gap": "" if bad == 0 else f"{bad} bad deliveries",
            }
        )
    return out


# -- output -------------------------------------------------------------------------------


def _f(v: Any, fmt: str = ",.0f") -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    return format(v, fmt)


def table(headers: list[str], lines: list[list[str]]) -> str:
    widths = [max(len(h), *(len(x[i]) for x in lines)) for i, h in enumerate(headers)]
    fmt = "  ".join(f"{{:{'<' if i < 2 else '>'}{w}}}" for i, w in enumerate(widths))
    return "\n".join(
        [fmt.format(*headers), fmt.format(*("-" * w for w in widths))]
        + [fmt.format(*x) for x in lines]
    )


def render(rows: list[Row], goals: list[dict[str, Any]]) -> str:
    parts = []
    msg = [r for r in rows if "msgs_per_s" in r]
    if msg:
        parts.append(
            table(
                [
                    "scenario",
                    "variant",
                    "msg/s",
                    "p50 ms",
                    "p99 ms",
                    "srv µs/msg",
                    "srv CPU%",
                    "peak RSS MB",
                    "lost/dup/ooo",
                    "gen CPU%",
                    "noise c0%",
                ],
                [
                    [
                        r["scenario"],
                        r["variant"],
                        _f(r["msgs_per_s"]),
                        _f(r["p50_ms"], ".2f"),
                        _f(r["p99_ms"], ".2f"),
                        _f(r["server_cpu_us_per_msg"]),
                        _f(r["server_cpu_pct"]),
                        _f(r["server_peak_rss_mb"]),
                        f"{r['lost']}/{r['duplicated']}/{r['out_of_order']}"
                        + (f" +{r['stale']} stale" if r.get("stale") else ""),
                        _f(r["gen_cpu_pct"], ".1f"),
                        _f(r["noise_core0_pct"]),
                    ]
                    for r in msg
                ],
            )
        )
    fan = [r for r in rows if "deliveries_per_s" in r]
    if fan:
        parts.append(
            table(
                [
                    "scenario",
                    "variant",
                    "deliveries/s",
                    "last p50 ms",
                    "last p99 ms",
                    "each p50 ms",
                    "srv µs/delivery",
                    "srv GC s",
                    "srv CPU%",
                    "lost/dup/ooo",
                    "gen CPU%",
                    "noise c0%",
                ],
                [
                    [
                        r["scenario"],
                        r["variant"],
                        _f(r["deliveries_per_s"]),
                        _f(r["p50_ms"], ".1f"),
                        _f(r["p99_ms"], ".1f"),
                        _f(r["delivery_p50_ms"], ".1f"),
                        _f(r["server_cpu_us_per_delivery"], ".1f"),
                        _f(r.get("server_gc_s"), ".2f"),
                        _f(r["server_cpu_pct"]),
                        f"{r['lost']}/{r['duplicated']}/{r['out_of_order']}",
                        _f(r["gen_cpu_pct"], ".1f"),
                        _f(r["noise_core0_pct"]),
                    ]
                    for r in fan
                ],
            )
        )
    calls = [r for r in rows if "calls_per_s" in r]
    if calls:
        parts.append(
            table(
                [
                    "scenario",
                    "variant",
                    "calls/s",
                    "p50 ms",
                    "p99 ms",
                    "srv µs/call",
                    "failed",
                    "gen CPU%",
                ],
                [
                    [
                        r["scenario"],
                        r["variant"],
                        _f(r["calls_per_s"]),
                        _f(r["p50_ms"], ".2f"),
                        _f(r["p99_ms"], ".2f"),
                        _f(r.get("server_cpu_us_per_call")),
                        str(r.get("failed", 0)),
                        _f(r["gen_cpu_pct"], ".1f"),
                    ]
                    for r in calls
                ],
            )
        )
    idle = [r for r in rows if "connected" in r]
    if idle:
        parts.append(
            table(
                [
                    "scenario",
                    "variant",
                    "connected",
                    "KB/conn",
                    "RSS MB",
                    "fds (limit)",
                    "logins/s",
                    "heartbeat CPU%",
                    "µs/heartbeat",
                    "stopped by",
                ],
                [
                    [
                        r["scenario"],
                        r["variant"],
                        f"{r['connected']:,}",
                        _f(r["kb_per_conn"], ".1f"),
                        _f(r["server_rss_mb"]),
                        f"{r['server_fds']:,} ({r['server_fd_limit']})",
                        _f(r["logins_per_s"]),
                        _f(r.get("heartbeat_server_cpu_pct"), ".2f"),
                        _f(r.get("server_cpu_us_per_heartbeat")),
                        (r.get("failures") or "")[:70],
                    ]
                    for r in idle
                ],
            )
        )
    if goals:
        parts.append(
            table(
                ["target (issues 5 §3, 6 §5, 12 §5)", "goal", "measured", "verdict"],
                [
                    [
                        g["target"],
                        g["goal"],
                        g["measured"],
                        "met" if g["met"] else f"MISSED ({g['gap']})",
                    ]
                    for g in goals
                ],
            )
        )
    return "\n\n".join(parts)


#: counts that must be 0 in every row (lost, duplicated, dropped...)
BAD_COUNTS = (  # noqa: SIM905 (four lines, not fourteen)
    "lost duplicated out_of_order stale seq_gaps warmup_bad live_lost live_duplicated live_closed"
    " storm_failed storm_dropped_after storm_msgs_lost storm_msgs_duplicated storm_seq_gaps"
).split()


def healthy(rows: list[Row]) -> bool:
    """Every message delivered exactly once and in order, and no call failed."""
    for r in rows:
        for k in BAD_COUNTS:
            if r.get(k):
                return False
        if r.get("failed") or r.get("errors_acked") or r.get("timed_out"):
            return False
        if r.get("mismatched") or r.get("uploaded", r.get("count")) != r.get("count"):
            return False  # media: every upload stored, every download byte-identical
        if "downloaded" in r and r["downloaded"] != r["count"]:
            return False
    return True


# -- main ------------------------------------------------------------------------------------


def sizes(args: argparse.Namespace) -> Sizes:
    """The run's sizes: full or ``--quick``, then the size options (``--burst`` … ``--idle``)."""
    sz = Sizes.quick() if args.quick else Sizes()
    if args.burst:
        sz.burst_total = args.burst
    if args.pairs:
        sz.burst_pairs = tuple(args.pairs)
    if args.history:
        sz.history_sizes = tuple(args.history)
    if args.idle:
        sz.idle_levels = tuple(args.idle)
    return sz


async def run(args: argparse.Namespace, names: list[str]) -> dict[str, Any]:
    started = time.time()
    host = machine()
    with tempfile.TemporaryDirectory(prefix="palaver-bench-") as tmp:
        ctx = Ctx(
            tmp=Path(tmp),
            sizes=sizes(args),
            log=lambda s: print(s, file=sys.stderr, flush=True),
            database_url=args.database_url,
            rest_calls=args.calls,
            rest_concurrency=args.concurrency,
            storm_clients=args.storm_clients,
        )
        rows: list[Row] = []
        errors: dict[str, str] = {}
        for name in names:
            ctx.log(f"== {name}")
            t0 = time.perf_counter()
            try:
                rows += await SCENARIOS[name](ctx)
            except BenchError as exc:
                errors[name] = str(exc)
                ctx.log(f"  {name} FAILED: {exc}")
            ctx.log(f"  ({time.perf_counter() - t0:.0f} s)")
            if args.verbose:
                for p in ctx.keep_logs:
                    ctx.log(f"--- {p.name}\n{harness.tail(p)}")
            ctx.keep_logs.clear()
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command": "python -m bench " + shlex.join(sys.argv[1:]),
        "quick": args.quick,
        "source": source_version(),
        "machine": host,
        "pinning": {
            "server(s)": f"core {harness.SERVER_CPU} (taskset)",
            "load generator(s) and orchestrator": f"core {harness.GEN_CPU}",
            "PostgreSQL, Redis (cluster)": "not pinned (system services)",
        },
        "duration_s": time.time() - started,
        "loadavg_at_end": loadavg(),
        "results": rows,
        "targets": targets(rows),
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__.split("\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    choices = sorted(SCENARIOS) + sorted(ALIASES)
    parser.add_argument(
        "--scenario", action="append", choices=choices, help="repeatable (default: all)"
    )
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke test")
    parser.add_argument("--json", action="store_true", help="print the results as JSON, not tables")
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"results file ({RESULTS.name})")
    parser.add_argument(
        "--timeout", type=float, help="limit for the whole run, s (2,700; quick 300)"
    )
    parser.add_argument("--database-url", help="single-node scenarios on this database, not SQLite")
    parser.add_argument("--calls", type=int, help="rest_sendmsg: calls per run")
    parser.add_argument("--concurrency", type=int, help="rest_sendmsg: concurrent callers")
    parser.add_argument("--storm-clients", type=int, help="login_storm: N (10,000; quick 300)")
    parser.add_argument(
        "--burst", "--burst-total", type=int, help="C2C bursts: messages per run (100,000)"
    )
    parser.add_argument(
        "--pairs", type=int, action="append", help="c2c_burst: K, repeatable (4 and 16)"
    )
    parser.add_argument(
        "--history", type=int, action="append", help="history: stored messages, repeatable"
    )
    parser.add_argument("--idle", type=int, action="append", help="idle_conns: a step, repeatable")
    parser.add_argument("-v", "--verbose", action="store_true", help="print server log tails")
    args = parser.parse_args(argv)
    names = [ALIASES.get(n, n) for n in (args.scenario or list(SCENARIOS))]
    names = list(dict.fromkeys(names))
    timeout = args.timeout or (300.0 if args.quick else 2700.0)
    if any(v is not None and v < 1 for v in (args.calls, args.concurrency)):
        parser.error("--calls and --concurrency must be at least 1")
    with contextlib.suppress(OSError):  # this orchestrator stays off the server's core
        os.sched_setaffinity(0, {harness.GEN_CPU})

    async def bounded() -> dict[str, Any]:
        return await asyncio.wait_for(run(args, names), timeout)

    try:
        report = asyncio.run(bounded())
    except TimeoutError:
        print(f"bench: did not finish within {timeout:.0f} s", file=sys.stderr)
        return 1
    except (BenchError, OSError) as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    args.out.write_text(json.dumps(report, indent=1, default=str) + "\n")
    if args.json:
        print(json.dumps(report, indent=1, default=str))
    else:
        print(render(report["results"], report["targets"]))
        print(f"\n{len(report['results'])} results in {report['duration_s']:.0f} s → {args.out}")
    for name, err in report["errors"].items():
        print(f"bench: {name} failed: {err}", file=sys.stderr)
    return 0 if healthy(report["results"]) and not report["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
