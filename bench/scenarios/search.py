"""Scenario 13 (issue 18): search latency and index size."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from bench import harness
from bench.loadgen import percentiles
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

#: Query kinds of the search scenario: (name, keyword lists cycled, AND).
SEARCH_QUERIES: tuple[tuple[str, tuple[tuple[str, ...], ...], bool], ...] = (
    ("one word", (("开会",), ("项目",), ("地址",), ("发票",), ("客户",)), False),
    ("two words (AND)", (("项目", "进度"), ("北京", "开会"), ("客户", "合同")), True),
    ("Chinese phrase", (("建国路88号",), ("新地址是建国路",)), False),
)


def _table_bytes(db: Path) -> dict[str, int]:
    """Bytes on disk of each table with its indexes (SQLite ``dbstat``)."""
    import sqlite3

    con = sqlite3.connect(db)
    try:
        rows = con.execute(
            "SELECT coalesce(m.tbl_name, s.name), sum(s.pgsize) FROM dbstat s "
            "LEFT JOIN sqlite_master m ON m.name = s.name GROUP BY 1"
        ).fetchall()
    finally:
        con.close()
    out: dict[str, int] = {}
    for name, size in rows:
        key = "message_fts" if str(name).startswith("message_fts") else str(name)
        out[key] = out.get(key, 0) + int(size)
    return out


async def _search_latency(db_file: Path, meta: dict[str, Any], calls: int) -> list[Row]:
    """p50/p99 of SearchService.messages in this process (no network), and its CPU
    time per query (all threads; what a busy machine does not inflate), per query
    kind, as the hot-conversation user across conversations and within the
    conversation, and as a user of a small conversation. Hits are messages."""
    from palaver.services.apps import AppService
    from palaver.services.search import MessageSearch, SearchService
    from palaver.storage import Database

    alice, bob = meta["hot"]
    db = Database(f"sqlite+aiosqlite:///{db_file}")
    rows: list[Row] = []
    try:
        app = await AppService(db).get(int(meta["sdkappid"]))
        assert app is not None
        svc = SearchService(db)
        views = (
            ("100k-message conversation, all conversations", alice, {}),
            ("100k-message conversation, within it", alice, {"peer": bob}),
            ("small conversation, all conversations", "hist_u0", {}),
        )
        for what, kws, and_ in SEARCH_QUERIES:
            for where, viewer, extra in views:
                times: list[float] = []
                hits = 0
                cpu0 = time.process_time()
                for i in range(calls):
                    q = MessageSearch(viewer, kws[i % len(kws)], match_all=and_, **extra)
                    t0 = time.perf_counter()
                    page = await svc.messages(app, q)
                    times.append(time.perf_counter() - t0)
                    hits += sum(c.count for c in page.conversations)
                cpu_ms = (time.process_time() - cpu0) * 1000 / calls
                p = percentiles(times)
                rows.append(
                    {
                        "scenario": "13 search",
                        "variant": f"{what}: {where}",
                        "stored_messages": meta["messages"],
                        "calls": calls,
                        "p50_ms": p["p50_ms"],
                        "p99_ms": p["p99_ms"],
                        "max_ms": p["max_ms"],
                        "mean_hits": hits / calls,
                        "cpu_ms_per_query": cpu_ms,
                    }
                )
    finally:
        await db.close()
    return rows


async def search(ctx: Ctx) -> list[Row]:
    """Message search on the history database (issue 18): query latency per kind,
    index size beside the messages, and a 4-pair C2C burst with the index kept
    (``search_index`` on) and without, alternately, on fresh servers."""
    sz = ctx.sizes
    db_file, meta = await prepared_db(sz.search_size)
    work = ctx.tmp / "search.db"
    shutil.copyfile(db_file, work)
    rows = await _search_latency(work, meta, sz.search_calls)
    for r in rows:
        ctx.log(
            f"  {r['variant']}: p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms,"
            f" CPU {r['cpu_ms_per_query']:.1f} ms/query ({r['mean_hits']:,.0f} hits)"
        )
    size = _table_bytes(work)
    idx, msgs = size.get("message_fts", 0), size.get("messages", 0)
    rows.append(
        {
            "scenario": "13 search",
            "variant": "index size",
            "stored_messages": sz.search_size,
            "index_mb": idx / 1e6,
            "messages_mb": msgs / 1e6,
            "database_mb": sum(size.values()) / 1e6,
            "index_vs_messages_pct": 100 * idx / max(1, msgs),
        }
    )
    ctx.log(
        f"  index {idx / 1e6:,.0f} MB = {100 * idx / max(1, msgs):.0f}% of the messages table"
        f" ({msgs / 1e6:,.0f} MB); database {sum(size.values()) / 1e6:,.0f} MB"
    )
    work.unlink()
    for rnd in range(2):
        for on in (False, True):
            env = harness.clean_env(PALAVER_SEARCH_INDEX="true" if on else "false")
            name = f"sburst{rnd}{'on' if on else 'off'}"
            async with single_node(ctx, name, pair_users("bench", 4), env=env) as node:
                await node.gen("pairs", pairs=4)
                w = await burst(node, sz.warmup_total, sz.burst_window, pairs=4)
                r = await burst(node, sz.burst_total, sz.burst_window, pairs=4)
                row = c2c_row(
                    "13 search",
                    f"4-pair burst, index {'on' if on else 'off'} (round {rnd + 1})",
                    r,
                    node.server.hwm_kb(),
                    w,
                )
                rows.append(row)
                ctx.log(summary(row))
    return rows
