"""``python -m bench.txcost [-n N] [--reps R]``: the CPU a C2C send costs the server, in
one process, with one message per write transaction and with 64 (docs/benchmarks.md,
issue 16: "paced 200 msg/s, server CPU per message ≤ 0.3 ms: a transaction's fixed cost").

A hub on a fresh SQLite database in a temporary folder (WAL, ``synchronous=NORMAL``, as
``palaver serve``) sends C2C text messages through ``MessageService.send_c2c`` as a
client would, over 4 conversations, after 500 of warm-up, and measures the process's
CPU (all threads: the writer's too) per message:

- ``one at a time``: each send awaited before the next, so each is its own
  transaction (what a paced, lightly loaded server does);
- ``64 at a time``: 64 sends gathered, so the writer commits them together (a burst).

Each variant runs ``--reps`` times, alternating, and the best and the median are
printed. To compare two versions in one sitting, run this twice with ``PYTHONPATH``
at the other tree's ``src``, alternately: ratios measured in one sitting are what to
compare on a busy machine.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from palaver.hub import Hub
from palaver.services.accounts import ImportItem
from palaver.services.messages import SendOptions
from palaver.services.sending import SendSource
from palaver.settings import Settings

SDKAPPID = 1400000078
BODY = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hello world " * 3}}]


async def one_run(n: int, *, together: int) -> float:
    """Server CPU µs per message of ``n`` sends, ``together`` at a time."""
    with tempfile.TemporaryDirectory(prefix="palaver-txcost-") as tmp:
        hub = await Hub.open(Settings.load(data_dir=Path(tmp), port=1))
        try:
            app = await hub.apps.create(sdkappid=SDKAPPID, secret_key="k" * 32, admins=["admin"])
            await hub.accounts.import_accounts(app, [ImportItem(f"u{i}") for i in range(8)])
            opts = SendOptions(source=SendSource(platform="Web"))

            async def send(i: int) -> None:
                await hub.messages.send_c2c(app, f"u{i % 4}", f"u{4 + i % 4}", BODY, i, opts)

            async def sends(first: int, count: int) -> None:
                for b in range(first, first + count, together):
                    await asyncio.gather(*(send(b + j) for j in range(together)))

            await sends(0, 500)
            t0 = time.process_time()
            await sends(1000, n)
            return (time.process_time() - t0) / n * 1e6
        finally:
            await hub.close()


async def main(n: int, reps: int) -> None:
    one: list[float] = []
    many: list[float] = []
    for _ in range(reps):
        one.append(await one_run(n // 4, together=1))
        many.append(await one_run(n, together=64))
    for name, xs in (("one at a time", one), ("64 at a time", many)):
        print(
            f"{name:14s} best {min(xs):6.0f}  median {statistics.median(xs):6.0f} µs/msg"
            f"   ({', '.join(f'{x:.0f}' for x in xs)})"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=4096, help="messages per 64-at-a-time run")
    parser.add_argument("--reps", type=int, default=4, help="runs of each variant (4)")
    args = parser.parse_args()
    asyncio.run(main(args.n, args.reps))
