"""Scenario 12b, ``login_storm_restart`` (issue 20): a crash and a restart with
every client reconnecting at once.

One ``palaver serve`` (SQLite) on core 0, generators on core 1 as in
``login_storm`` (:mod:`bench.storm`): 4 live pairs and N storm clients.

1. Every client is connected and synced: the live pairs, then the N storm
   clients (logging in with the SDKs' backoff; this login storm is measured by
   ``login_storm`` and only reported here). The admin sends each storm client
   the message ``before`` (REST ``batchsendmsg``); every one receives it.
2. Live traffic on: the live senders send C2C messages at 200/s in all and
   every live client pings every 0.5 s.
3. The server is killed (SIGKILL: no shutdown, no close frames) and started
   again on the same database and port. Every client sees its socket drop and
   logs in again at once, with its cursor, retrying like the SDKs
   (exponential backoff with full jitter, and never before a busy server's
   ``retryAfter`` / ``Retry-After``); connection refusals while the server is
   down are retried the same way. As soon as the server answers, the admin
   sends every storm client the message ``after``, into the storm.

Recorded: the time from the kill (and from the restart) until every client is
back and synced; clients the server closed after they were back (heartbeat
drops: target 0); for the storm clients, ``before`` and ``after`` each received
exactly once (lost / duplicated: target 0) and stream gaps; for the live pairs,
messages the server acknowledged that never arrived (target 0), duplicates, and
the latency of the messages received from the kill on (p50 / p99 / max).
"""

from __future__ import annotations

import asyncio
import math
import os
import time
from typing import Any

from bench import harness
from bench.harness import Admin
from bench.loadgen import Meter
from bench.scenarios import STORM_PER_HOLDER, Ctx, Node, Row, pair_users, single_node

perf = time.perf_counter


async def _send_to_all(admin: Admin, users: list[str], text: str) -> None:
    """The admin's message ``text`` to every user (``batchsendmsg``, 500 a call, 4 at once)."""
    batches = iter([users[i : i + 500] for i in range(0, len(users), 500)])

    async def worker() -> None:
        for batch in batches:
            await admin.call(
                "openim",
                "batchsendmsg",
                {
                    "SyncOtherMachine": 2,
                    "To_Account": batch,
                    "MsgRandom": int.from_bytes(os.urandom(4), "big"),
                    "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}],
                },
            )

    await asyncio.gather(*(worker() for _ in range(4)))


def _sum(answers: list[dict[str, Any]], key: str) -> int:
    return sum(int(a.get(key, 0)) for a in answers)


#: the clients' backoff window cap per round (s): the SDKs' default, then clients
#: that come back much faster (a harsher storm on the restarted server)
ROUND_CAPS = (15.0, 2.0)


async def login_storm_restart(ctx: Ctx) -> list[Row]:
    """N clients and 4 live pairs connected; SIGKILL, restart, everyone back at
    once; one round per backoff cap of :data:`ROUND_CAPS`."""
    sz = ctx.sizes
    n = ctx.storm_clients or sz.storm_clients
    k = sz.storm_live_pairs
    holders = max(1, math.ceil(n / STORM_PER_HOLDER))
    users = [f"storm_{i}" for i in range(n)]
    rows: list[Row] = []
    async with single_node(ctx, "storm_restart", [], gens=1 + holders) as node:
        t_imp = await node.admin.import_accounts(pair_users("live", k) + users)
        ctx.log(f"  imported {n + 2 * k:,} accounts in {t_imp:.1f} s")
        await node.gen("pairs", pairs=k, prefix="live")
        opened = await asyncio.gather(
            *(
                g(
                    "storm_open",
                    prefix="storm",
                    start=h * STORM_PER_HOLDER,
                    end=min(n, (h + 1) * STORM_PER_HOLDER),
                    local_host=f"127.0.0.{2 + h}",
                    timeout=240,
                )
                for h, g in enumerate(node.gens[1:])
            )
        )
        ctx.log(
            f"  {_sum(opened, 'back'):,}/{n:,} storm clients in after"
            f" {max(a['settle_s'] for a in opened):.1f} s"
        )
        admin = node.admin
        for r, cap in enumerate(ROUND_CAPS):
            row, admin = await _round(ctx, node, admin, users, r, cap)
            rows.append(row)
            ctx.log(summary(row))
        if admin is not node.admin:
            await admin.close()
    return rows


async def _round(
    ctx: Ctx, node: Node, admin: Admin, users: list[str], r: int, cap: float
) -> tuple[Row, Admin]:
    """One kill and restart (see the module); the row and the admin client to use next."""
    sz = ctx.sizes
    server, live_gen, storm_gens = node.server, node.gen, node.gens[1:]
    before, after = f"before {r}", f"after {r}"
    await _send_to_all(admin, users, before)
    pre = await asyncio.gather(*(g("storm_texts", texts=[before], wait=60) for g in storm_gens))
    await live_gen("live_start", rate=sz.storm_live_rate, ping_interval=0.5)
    await asyncio.sleep(sz.storm_quiet_s)
    await live_gen("live_mark")
    load = os.getloadavg()
    t_kill = perf()
    await harness.kill_server(server)
    jobs = [
        asyncio.create_task(
            g(
                "storm_reconnect",
                dropped=True,
                local_host=f"127.0.0.{2 + h}",
                timeout=240,
                backoff_cap=cap,
            )
        )
        for h, g in enumerate(storm_gens)
    ]
    jobs.append(asyncio.create_task(live_gen("live_rejoin", timeout=240, backoff_cap=cap)))
    await harness.start_again(server)
    t_up = perf()
    start_cpu = harness.cpu_seconds(server.pid)  # its start-up, against the wall time
    meter = Meter([server.pid], [g.pid for g in node.gens])
    if admin is not node.admin:
        await admin.close()
    admin = Admin(server.url, node.sdkappid, node.key)  # the old one's sockets died
    sending = asyncio.create_task(_send_to_all(admin, users, after))
    answers = await asyncio.gather(*jobs)
    t_back = perf()
    m = meter.stop()
    await sending
    texts = await asyncio.gather(
        *(g("storm_texts", texts=[before, after], wait=30) for g in storm_gens)
    )
    live = await live_gen("live_stop", drain=10)
    await asyncio.sleep(1.0)  # the server's closes reach the clients
    status = await asyncio.gather(*(g("status") for g in storm_gens))
    storm, live_back = answers[:-1], answers[-1]
    reasons: dict[str, int] = {}
    for a in answers:
        for why, c in a["failed_attempts"].items():
            reasons[why] = reasons.get(why, 0) + c
    back = _sum(storm, "back")
    n = len(users)
    return {
        "scenario": "12b login_storm_restart",
        "variant": f"SIGKILL + restart, {n:,} + {live['live_clients']} live"
        f" reconnect at once (cursor), backoff cap {cap:g} s",
        "backoff_cap_s": cap,
        "storm_clients": n,
        "storm_back": back,
        "storm_failed": _sum(storm, "failed") + int(live_back["failed"]),
        "storm_dropped_after": back - sum(s["idle_open"] for s in status),
        "live_back": live_back["back"],
        "restart_s": t_up - t_kill,
        "restart_server_cpu_s": start_cpu,
        "back_after_kill_s": t_back - t_kill,
        "back_after_restart_s": t_back - t_up,
        "ready_p50_ms": max(a["ready_p50_ms"] for a in storm),
        "ready_p99_ms": max(a["ready_p99_ms"] for a in storm),
        "retried_clients": _sum(answers, "retried_clients"),
        "attempts_max": max(a["attempts_max"] for a in answers),
        "busy_answers": _sum(answers, "busy_answers"),
        "busy_503": _sum(answers, "busy_503"),
        "failed_attempts": reasons,
        "storm_before_received": _sum(pre, "clients") - _sum(pre, "lost"),
        "storm_msgs_lost": _sum(texts, "lost"),
        "storm_msgs_duplicated": _sum(texts, "duplicated"),
        "storm_seq_gaps": _sum(texts, "seq_gaps"),
        "live_lost": live["live_acked_lost"],
        "live_duplicated": live["live_duplicated"],
        "live_unanswered_at_kill": live["live_unanswered"],
        "live_offline_skipped": live["live_offline_skipped"],
        "live_closed": live["live_closed"],
        "live_sent": live["live_sent"],
        "live_delivered": live["live_delivered"],
        "msg_p50_ms": live.get("since_mark_msg_p50_ms"),
        "msg_p99_ms": live.get("since_mark_msg_p99_ms"),
        "msg_max_ms": live.get("since_mark_msg_max_ms"),
        "ping_p99_ms": live.get("since_mark_ping_p99_ms"),
        "server_cpu_s": m["server_cpu_s"],
        "server_cpu_ms_per_client_back": m["server_cpu_s"] / max(back, 1) * 1000,
        "noise_core0_pct": m["noise_core0_pct"],
        "loadavg_at_kill": [round(x, 1) for x in load],
        "first_errors": live.get("first_errors"),
    }, admin


def summary(r: Row) -> str:
    """One line for the progress log."""
    return (
        f"  {r['scenario']} | {r['variant']}: restart {r['restart_s']:.1f} s"
        f" ({r['restart_server_cpu_s']:.1f} s of CPU); all"
        f" {r['storm_back']:,}/{r['storm_clients']:,} + {r['live_back']} live back"
        f" {r['back_after_kill_s']:.1f} s after the kill ({r['back_after_restart_s']:.1f} s"
        f" after the restart); dropped after {r['storm_dropped_after']}, failed"
        f" {r['storm_failed']}; storm msgs lost/dup {r['storm_msgs_lost']}/{r['storm_msgs_duplicated']},"
        f" gaps {r['storm_seq_gaps']}; live acked-lost/dup {r['live_lost']}/{r['live_duplicated']}"
        f" (unanswered at kill {r['live_unanswered_at_kill']}), live msg p50/p99/max"
        f" {_ms(r['msg_p50_ms'])}/{_ms(r['msg_p99_ms'])}/{_ms(r['msg_max_ms'])} ms; retried"
        f" {r['retried_clients']:,}, busy {r['busy_answers']:,} + {r['busy_503']:,} 503s;"
        f" {r['server_cpu_ms_per_client_back']:.1f} ms CPU/client; load {r['loadavg_at_kill']};"
        f" failed attempts {r['failed_attempts']}"
    )


def _ms(v: float | None) -> str:
    return "-" if v is None or v != v else f"{v:,.0f}"
