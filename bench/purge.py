"""``python -m bench.purge``: retention purging N old messages while sends go on (issue 14 §2).

1. A fresh SQLite database gets N messages sent 30 days ago (``write_batch``
   through ``Database.run_write``, 5,000 per transaction: what the writer
   stores, with stream events, conversations and search entries), over 500
   conversations.
2. A hub on it (the server's parts, in this process, on uvloop) sends C2C
   messages at a steady rate through ``MessageService.send_c2c`` (the
   group-commit writer) and times each send (accepted → committed → published):
   first for ``--baseline`` seconds without a purge, then while
   ``MessageService.purge_expired`` deletes every old message (retention 3 days).
3. It prints the send latency (p50, p99, max) without and during the purge, the
   purge's duration and rate, and checks that every old message is gone and every
   send was stored.

Figures go in docs/benchmarks.md ("Retention on 1M messages").
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import orjson

from palaver.hub import Hub
from palaver.services.messages import SendOptions
from palaver.settings import Settings
from palaver.storage.message_batch import C2CWrite, write_batch
from palaver.storage.messages import NewMessage, c2c_conv_id

SDKAPPID = 1400000999
PAIRS = 500


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * p))] if s else 0.0


async def preload(hub: Hub, n: int) -> float:
    body = orjson.dumps([{"MsgType": "TIMTextElem", "MsgContent": {"Text": "old news"}}]).decode()
    long_ago = int(time.time()) - 30 * 86400
    started = time.perf_counter()
    for start in range(0, n, 5000):
        ops = []
        for i in range(start, min(n, start + 5000)):
            a, b = f"p{i % PAIRS}", f"q{i % PAIRS}"
            msg = NewMessage(c2c_conv_id(a, b), a, b, long_ago + i // 1000, i, 0, body)
            ops.append(C2CWrite(SDKAPPID, msg))
        await hub.db.run_write(write_batch, ops)
    return time.perf_counter() - started


async def paced_sends(hub: Hub, seconds: float, rate: float, first: int) -> list[float]:
    """Send for ``seconds`` at ``rate`` per second; each send's latency, seconds."""
    app = await hub.apps.get(SDKAPPID)
    assert app is not None
    body = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "live"}}]
    latencies: list[float] = []
    pending: set[asyncio.Task[None]] = set()

    async def one(i: int) -> None:
        t = time.perf_counter()
        await hub.messages.send_c2c(app, "live_a", "live_b", body, first + i, SendOptions())
        latencies.append(time.perf_counter() - t)

    loop = asyncio.get_running_loop()
    start = loop.time()
    i = 0
    while loop.time() - start < seconds:
        task = asyncio.create_task(one(i))
        pending.add(task)
        task.add_done_callback(pending.discard)
        i += 1
        await asyncio.sleep(max(0.0, start + i / rate - loop.time()))
    await asyncio.gather(*pending)
    return latencies


def line(name: str, lat: list[float]) -> str:
    return (
        f"{name}: {len(lat)} sends, p50 {percentile(lat, 0.5) * 1000:.1f} ms, "
        f"p99 {percentile(lat, 0.99) * 1000:.1f} ms, max {max(lat) * 1000:.1f} ms"
    )


async def main(n: int, rate: float, baseline: float, batch: int, pace: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="palaver-purge-") as tmp:
        settings = Settings.load(data_dir=Path(tmp), port=0)
        hub = await Hub.open(settings)
        try:
            await hub.apps.create(sdkappid=SDKAPPID, secret_key="k" * 64)
            from palaver.services.accounts import ImportItem

            app = await hub.apps.get(SDKAPPID)
            assert app is not None
            await hub.accounts.import_accounts(app, [ImportItem("live_a"), ImportItem("live_b")])
            took = await preload(hub, n)
            print(f"preloaded {n:,} old messages in {took:.0f} s")
            calm = await paced_sends(hub, baseline, rate, 0)
            print(line("without a purge", calm))
            app = await hub.apps.update_settings(SDKAPPID, history_retention_days=3)
            started = time.perf_counter()
            purge = asyncio.create_task(hub.messages.purge_expired([app], batch=batch, pace=pace))
            during: list[float] = []
            while not purge.done():
                during += await paced_sends(hub, 2.0, rate, 10**6 + len(during))
            purged = await purge
            took = time.perf_counter() - started
            print(line("during the purge", during))
            print(f"purged {purged:,} messages in {took:.1f} s ({purged / took:,.0f}/s)")
            assert purged == n, purged
            assert len(calm) + len(during) == hub.writer.written, "a send was not stored"
        finally:
            await hub.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1_000_000, help="old messages (1,000,000)")
    parser.add_argument("--rate", type=float, default=200.0, help="sends per second (200)")
    parser.add_argument("--baseline", type=float, default=10.0, help="seconds without purge")
    parser.add_argument(
        "--batch", type=int, default=250, help="messages per purge transaction (250)"
    )
    parser.add_argument("--no-pace", action="store_true", help="no rest between batches")
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.install()
    except ImportError:  # pragma: no cover
        pass
    asyncio.run(main(args.n, args.rate, args.baseline, args.batch, not args.no_pace))
