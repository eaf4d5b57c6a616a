"""Server CPU per history page, in process (issue 16: a page is one query).

``python -m bench.histprobe --history 10000 --calls 2000`` opens the cached
history database of :mod:`bench.preload` (a copy) with a :class:`~palaver.hub.Hub`
and runs ``getMessageList`` requests of ``hist_alice`` in her conversation with
``hist_bob`` exactly as the ``/ws`` read loop does (:func:`palaver.api.ws.core.run_op`:
the op's model, the page read, the wire shapes, the encoded response frame), the
bench's pattern: nine in ten before a random anchor message, one in ten the newest
page. Prints the process CPU (all threads: the SQLite reader's too) and wall time
per page over ``--reps`` repetitions of ``--calls`` pages, after a warm-up.

``--api rest``: Tencent REST ``openim/admin_getroammsg`` pages of 15 instead
(``Operator_Account`` hist_alice; nine in ten with ``LastMsgKey`` a random
anchor's MsgKey and ``MaxTime`` its time, as the bench's scenario sends them), as
:class:`~palaver.api.rest.core.RestApi` runs one once the caller is
authenticated: the JSON body parsed and screened, its model, the handler, the
envelope.

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

import palaver.api.rest  # noqa: F401  (registers the REST commands)
from bench.preload import prepared_db
from palaver.api.rest.core import REGISTRY, SERVICES, RestRequest, envelope, parse_body
from palaver.api.ws.core import Session, run_op
from palaver.hub import Hub
from palaver.limits import screen
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
            assert app is not None
            session = Session(hub, cast(Any, None))
            session.app, session.user_id = app, alice
            rng = random.Random(7)
            conv = "C2C" + bob

            def request(n: int) -> Request:
                data: dict[str, Any] = {"conversationID": conv}
                if n % 10:
                    data["nextReqMessageID"] = rng.choice(anchors)
                return Request(n, "getMessageList", data)

            roam = REGISTRY["openim", "admin_getroammsg"]
            codes = SERVICES["openim"]

            def rest_body(n: int) -> bytes:
                body: dict[str, Any] = {"Operator_Account": alice, "Peer_Account": bob}
                body["MaxCnt"] = 15
                if n % 10:  # as the bench's history scenario pages back
                    a = rng.choice(meta["anchors"])
                    body.update(MinTime=0, MaxTime=a["time"], LastMsgKey=a["key"])
                return orjson.dumps(body)

            async def rest_call(raw: bytes) -> bytes:
                body = orjson.loads(raw)
                screen(raw, body, codes.invalid)
                parsed = parse_body(roam.model, body, codes)
                result = await roam.handler(RestRequest(app, "admin", hub, codes), parsed)
                return envelope(codes, None, **(result or {}))

            def page_size(out: bytes) -> int:
                got = orjson.loads(out)
                if args.api == "rest":
                    assert got["ErrorCode"] == 0, got
                    return len(got["MsgList"])
                assert got["code"] == 0, got
                return len(got["data"]["messageList"])

            async def call(req: Any) -> bytes:
                return await (rest_call(req) if args.api == "rest" else run_op(session, req))

            make = rest_body if args.api == "rest" else request
            full = 0
            for n in range(200):  # warm-up: caches, pooled connections, prebuilt SQL
                page_size(await call(make(n)))
            cpu, wall = [], []
            for _ in range(args.reps):
                reqs = [make(n) for n in range(args.calls)]
                c0, t0 = time.process_time(), time.perf_counter()
                for req in reqs:
                    out = await call(req)
                cpu.append((time.process_time() - c0) / args.calls * 1e6)
                wall.append((time.perf_counter() - t0) / args.calls * 1e6)
                full += page_size(out) == 15
            print(
                f"{args.api}: {args.history:,} stored, {args.calls} pages x {args.reps}: "
                "CPU/page µs "
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
    p.add_argument("--api", choices=("ws", "rest"), default="ws", help="getMessageList or REST")
    asyncio.run(_probe(p.parse_args()))


if __name__ == "__main__":
    main()
