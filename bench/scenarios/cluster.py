"""Scenario 7: the burst on PostgreSQL + Redis, one node and two."""

from __future__ import annotations

import contextlib
import os
import secrets
from typing import Any

from bench import harness
from bench.harness import Admin, load_generators, palaver_server
from bench.scenarios.common import (
    Ctx,
    Node,
    Row,
    burst,
    c2c_row,
    pair_users,
    summary,
)

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
