"""Scenario 11 (issue 12 §5): the C2C burst with ``C2C.CallbackAfterSendMsg`` on."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import statistics
import time
from typing import Any

from bench import harness
from bench.scenarios.common import (
    Ctx,
    Node,
    Row,
    burst,
    c2c_row,
    pair_users,
    single_node,
    summary,
)


class CallbackReceiver:
    """An app backend on 127.0.0.1 (in this process, core 1) that answers every
    callback OK and notes, for each, how long after its ``EventTime`` it arrived."""

    def __init__(self) -> None:
        self.lags_ms: list[float] = []
        self.last_at = 0.0
        self.port = 0
        self._runner: Any = None
        self.enough = asyncio.Event()
        self.expect = 0

    async def _handle(self, request: Any) -> Any:
        from aiohttp import web

        body = await request.json()
        now = time.time()
        self.lags_ms.append(now * 1000 - body["EventTime"])
        self.last_at = now
        if self.expect and len(self.lags_ms) >= self.expect:
            self.enough.set()
        return web.json_response({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""})

    async def __aenter__(self) -> CallbackReceiver:
        from aiohttp import web

        app = web.Application()
        app.router.add_post("/cb", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def wait_for(self, total: int) -> None:
        """Until ``total`` callbacks have arrived since the last :meth:`reset`
        (:class:`TimeoutError` after 600 s)."""
        self.expect = total
        if len(self.lags_ms) < total:
            self.enough.clear()
            await asyncio.wait_for(self.enough.wait(), 600)

    def reset(self) -> None:
        """Forget the callbacks so far (the warm-up's)."""
        self.lags_ms.clear()
        self.expect = 0
        self.enough.clear()

    async def __aexit__(self, *exc: object) -> None:
        await self._runner.cleanup()


async def c2c_burst_callbacks(ctx: Ctx) -> list[Row]:
    """The K=4 C2C burst without callbacks and with ``C2C.CallbackAfterSendMsg`` on
    (delivered to a local receiver), on two servers that are both up, in
    ``callback_rounds`` alternating rounds (off, on, off, on, ...): a slow minute
    of the machine then hits both sides alike. Each round's "on" burst waits until
    every callback has arrived, so the next "off" burst runs on a quiet server.

    Two rows, each the round with the median throughput of its side. The second
    carries ``throughput_ratio`` (the median over the rounds of on msg/s over the
    preceding off msg/s) and ``round_ratios``; the callbacks' lag behind their
    messages over every round (receive time - ``EventTime``: p50/p99/max); and
    ``drain_s``, the longest wait after a burst's end for its last callback."""
    sz = ctx.sizes
    k = 4
    async with contextlib.AsyncExitStack() as stack:
        receiver = await stack.enter_async_context(CallbackReceiver())
        nodes: dict[bool, Node] = {}
        for with_cb in (False, True):
            name = f"cbburst{'on' if with_cb else 'off'}"
            storage = ["--data-dir", str(ctx.tmp / name)]
            (ctx.tmp / name).mkdir(parents=True, exist_ok=True)
            key = secrets.token_hex(32)
            sdkappid = await harness.create_app(storage, key)
            if with_cb:
                await harness.run_palaver(
                    "app",
                    "set",
                    str(sdkappid),
                    f"callback_url=http://127.0.0.1:{receiver.port}/cb",
                    'callback_commands=["C2C.CallbackAfterSendMsg"]',
                    *storage,
                )
            node = await stack.enter_async_context(
                single_node(ctx, name, pair_users("bench", k), app=(sdkappid, key))
            )
            await node.gen("pairs", pairs=k)
            nodes[with_cb] = node
        warmups: dict[bool, dict[str, Any]] = {}
        for with_cb, node in nodes.items():
            warmups[with_cb] = await burst(node, sz.warmup_total, sz.burst_window, pairs=k)
        await receiver.wait_for(warmups[True]["messages"])  # the warm-up's callbacks first
        receiver.reset()
        runs: dict[bool, list[dict[str, Any]]] = {False: [], True: []}
        ratios: list[float] = []
        drains: list[float] = []
        for i in range(sz.callback_rounds):
            for with_cb, node in nodes.items():
                tag = f"cbburst{'on' if with_cb else 'off'}"
                async with (
                    harness.profiled(node.server.pid, tag) if i == 0 else contextlib.nullcontext()
                ):
                    r = await burst(node, sz.burst_total, sz.burst_window, pairs=k)
                ended = time.time()
                runs[with_cb].append(r)
                if with_cb:
                    await receiver.wait_for(sum(x["messages"] for x in runs[True]))
                    drains.append(max(0.0, receiver.last_at - ended))
                    ratios.append(r["msgs_per_s"] / max(runs[False][-1]["msgs_per_s"], 1e-9))
                    ctx.log(
                        f"11 c2c_burst_callbacks round {i + 1}: off {runs[False][-1]['msgs_per_s']:,.0f}"
                        f" msg/s, on {r['msgs_per_s']:,.0f} msg/s, x{ratios[-1]:.3f}"
                    )
    rows: list[Row] = []
    for with_cb in (False, True):
        r = sorted(runs[with_cb], key=lambda x: x["msgs_per_s"])[len(runs[with_cb]) // 2]
        row = c2c_row(
            "11 c2c_burst_callbacks",
            f"K={k} callbacks {'on' if with_cb else 'off'} N={r['messages']:,}",
            r,
            nodes[with_cb].server.hwm_kb(),
            warmups[with_cb],
        )
        row["rounds"] = len(runs[with_cb])
        if with_cb:
            lags = sorted(receiver.lags_ms)
            row["callbacks"] = len(lags)
            row["callback_lag_p50_ms"] = lags[len(lags) // 2]
            row["callback_lag_p99_ms"] = lags[min(len(lags) - 1, int(len(lags) * 0.99))]
            row["callback_lag_max_ms"] = lags[-1]
            row["drain_s"] = max(drains)
            row["round_ratios"] = [round(x, 3) for x in ratios]
            row["throughput_ratio"] = statistics.median(ratios)
        rows.append(row)
        ctx.log(
            summary(row)
            + (
                f"; callbacks {row['callbacks']:,}, lag p50"
                f" {row['callback_lag_p50_ms']:.0f} ms p99"
                f" {row['callback_lag_p99_ms']:.0f} ms, drained {row['drain_s']:.2f} s"
                f" after a burst at most, throughput x{row['throughput_ratio']:.3f}"
                f" (median of rounds {row['round_ratios']})"
                if with_cb
                else ""
            )
        )
    return rows
