"""Server CPU per history page, in process (issue 16: a page is one query).

``python -m bench.histprobe --history 10000 --calls 2000`` opens the cached
history database of :mod:`bench.preload` (a copy) with a :class:`~palaver.hub.Hub`
and runs ``getMessageList`` requests of ``hist_alice`` in her conversation with
``hist_bob`` exactly as the ``/ws`` read loop does (:func:`palaver.api.ws.core.run_op`:
the op's model, the page read, the wire shapes, the encoded response frame), the
bench's pattern: nine in ten before a random anchor message, one in ten the newest
page. Prints the process CPU (all threads: the SQLite reader's too) and wall time
per page over ``--reps`` repetitions of ``--calls`` pages, after a warm-up.

Not in it: aiohttp's frame parsing and writing (the same per page whatever the
read does). Run base and change alternately (``PYTHONPATH=<worktree>/src``) to
compare them on a loaded machine.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, cast

import orjson

from bench.preload import prepared_db
from palaver.api.ws.core import Session, run_op
from palaver.hub import Hub
from palaver.protocol.frames import Request
from palaver.settings import Settings


async def _probe(args: argparse.Namespace) -> None:
    db_file, meta = await prepared_db(args.history, quiet=True)
    alice, bob = meta["hot"]
    anchors = [a["id"] for a in meta["anchors"]]
    with tempfile.TemporaryDirectory(prefix="histprobe-") as tmp:
        shutil.copyfile(db_file, Path(tmp) / "palaver.db")
        hub = await Hub.open(Settings(data_dir=Path(tmp)))
        try:
            app = await hub.apps.get(int(meta["sdkappid"]))
            session = Session(hub, cast(Any, None))
            session.app, session.user_id = app, alice
            rng = random.Random(7)
            conv = "C2C" + bob

            def request(n: int) -> Request:
                data: dict[str, Any] = {"conversationID": conv}
                if n % 10:
                    data["nextReqMessageID"] = rng.choice(anchors)
                return Request(n, "getMessageList", data)

            full = 0
            for n in range(200):  # warm-up: caches, pooled connections, prebuilt SQL
                frame = orjson.loads(await run_op(session, request(n)))
                assert frame["code"] == 0, frame
            cpu, wall = [], []
            for _ in range(args.reps):
                reqs = [request(n) for n in range(args.calls)]
                c0, t0 = time.process_time(), time.perf_counter()
                for req in reqs:
                    out = await run_op(session, req)
                cpu.append((time.process_time() - c0) / args.calls * 1e6)
                wall.append((time.perf_counter() - t0) / args.calls * 1e6)
                full += len(orjson.loads(out)["data"]["messageList"]) == 15
            print(
                f"{args.history:,} stored, {args.calls} pages x {args.reps}: CPU/page µs "
                f"{' '.join(f'{c:.0f}' for c in cpu)} (median {statistics.median(cpu):.0f}); "
                f"wall/page µs median {statistics.median(wall):.0f}"
            )
        finally:
            await hub.close()


def main() -> None:
    """Run the probe (see the module's docstring)."""
    p = argparse.ArgumentParser(prog="python -m bench.histprobe", description=__doc__)
    p.add_argument("--history", type=int, default=10_000, help="stored messages (cached db)")
    p.add_argument("--calls", type=int, default=2000, help="pages per repetition")
    p.add_argument("--reps", type=int, default=5, help="repetitions")
    asyncio.run(_probe(p.parse_args()))


if __name__ == "__main__":
    main()
