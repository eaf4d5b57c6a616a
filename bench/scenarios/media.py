"""Scenario 10 (issue 11 §5): media uploads and downloads."""

from __future__ import annotations

from bench.scenarios.common import (
    Ctx,
    Row,
    single_node,
    summary,
)


async def media(ctx: Ctx) -> list[Row]:
    """N uploads of 1 MB (distinct random bytes) by C concurrent callers to
    ``POST /media/upload``, then the N downloads: MB/s, latency, server CPU per MB,
    and the server's peak RSS against what C uploads held whole would take."""
    sz = ctx.sizes
    async with single_node(ctx, "media", ["bench_alice"]) as node:
        rss0 = node.server.hwm_kb() / 1024
        r = await node.gen(
            "media",
            count=sz.media_count,
            size=sz.media_size,
            concurrency=sz.media_concurrency,
            server_pids=[node.server.pid],
            timeout=600,
        )
        row: Row = {
            "scenario": "10 media",
            "variant": f"C={sz.media_concurrency} N={sz.media_count} x {sz.media_size >> 10} KB",
            "server_rss_before_mb": rss0,
            "server_peak_rss_mb": node.server.hwm_kb() / 1024,
            "held_whole_would_add_mb": sz.media_concurrency * sz.media_size / (1 << 20),
        }
        row.update(r)
        ctx.log(summary(row))
    return [row]
