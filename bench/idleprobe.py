"""Memory per idle logged-in connection, and what holds it (issue 16).

``python -m bench.idleprobe --conns 2000`` starts one ``palaver serve`` (SQLite, a
fresh folder) with :mod:`tracemalloc` on, logs in ``--warm`` clients through the
bench's load generator (``idle_open``: Palaver's ``/ws`` login, ``sync_done``,
heartbeats), takes a heap snapshot, logs in ``--conns`` more, waits for the heap
to settle, takes another, and prints, per connection: the growth of the Python
heap (``tracemalloc``), of RSS, and the top allocation sites of the difference.
``--tencent`` logs the clients in on Tencent's ``/binfo`` instead (not
implemented by the generator's ``idle_open``: the scenario is Palaver's ``/ws``).

``python -m bench.idleprobe serve ARGS`` is the server side: ``palaver ARGS``;
on ``SIGUSR1`` it collects garbage, starts ``tracemalloc`` (the first time: so
the heap growth is what was allocated since the first snapshot and is still
alive), writes a snapshot to ``$IDLEPROBE_SNAP`` and a file ``<snap>.done``.
``tracemalloc`` makes the server slower, and its own bookkeeping is in RSS, not
in the traced heap: compare heap figures with heap figures, and RSS with RSS of
the bench scenario.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import secrets
import signal
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from bench import harness


def _serve(argv: list[str]) -> None:
    snap = Path(os.environ["IDLEPROBE_SNAP"])

    def dump(signum: int, frame: object) -> None:
        gc.collect()
        if not tracemalloc.is_tracing():  # the first signal starts tracing
            tracemalloc.start(int(os.environ.get("IDLEPROBE_FRAMES", "12")))
        tracemalloc.take_snapshot().dump(str(snap))
        snap.with_suffix(".done").write_text("ok")

    signal.signal(signal.SIGUSR1, dump)
    from palaver.cli import main

    sys.argv = ["palaver", *argv]
    main()


async def _snapshot(pid: int, path: Path) -> tracemalloc.Snapshot:
    done = path.with_suffix(".done")
    done.unlink(missing_ok=True)
    os.kill(pid, signal.SIGUSR1)
    for _ in range(1200):
        if done.exists():
            return tracemalloc.Snapshot.load(str(path))
        await asyncio.sleep(0.1)
    raise harness.BenchError("the server wrote no snapshot within 120 s")


async def _probe(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="idleprobe-") as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        storage = ["--data-dir", str(data)]
        key = secrets.token_hex(32)
        sdkappid = await harness.create_app(storage, key)
        port = harness.free_port()
        snap = Path(tmp) / "heap.snap"
        env = harness.clean_env(IDLEPROBE_SNAP=str(snap))
        log_path = Path(tmp) / "server.log"
        with log_path.open("wb") as log:
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bench.idleprobe",
                "serve",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                *storage,
                stdout=log,
                stderr=log,
                env=env,
                cwd=harness.ROOT,
            )
        server = harness.Server(proc, port, log_path)
        try:
            async with asyncio.timeout(60):
                await harness._wait_healthy(server)
            admin = harness.Admin(server.url, sdkappid, key)
            total = args.warm + args.conns
            try:
                await admin.import_accounts([f"idle_{n}" for n in range(total)])
            finally:
                await admin.close()
            async with harness.load_generators(1) as (gen,):
                await gen("setup", sdkappid=sdkappid, key=key, nodes=[["127.0.0.1", port]])
                await gen("idle_open", prefix="idle", start=0, end=args.warm, concurrency=50)
                await asyncio.sleep(args.settle)
                rss0 = server.rss_kb()
                s0 = await _snapshot(server.pid, snap)
                t0 = time.perf_counter()
                r = await gen(
                    "idle_open", prefix="idle", start=args.warm, end=total, concurrency=50
                )
                opened = int(r["opened"])
                await asyncio.sleep(args.settle)
                rss1 = server.rss_kb()
                s1 = await _snapshot(server.pid, snap)
                st = await gen("status")
                still = int(st["idle_open"]) - args.warm
                _report(
                    s0,
                    s1,
                    rss1 - rss0,
                    opened,
                    still,
                    time.perf_counter() - t0,
                    args.top,
                    args.trace,
                    args.palaver_only,
                )
                await gen("idle_close", timeout=120)
        finally:
            await harness.stop_process(proc)


def _report(
    s0: tracemalloc.Snapshot,
    s1: tracemalloc.Snapshot,
    rss_kb: int,
    opened: int,
    still: int,
    wall: float,
    top: int,
    trace: list[str],
    palaver_only: bool = False,
) -> None:
    n = max(still, 1)
    stats = s1.compare_to(s0, "lineno")
    heap = sum(s.size_diff for s in stats)
    blocks = sum(s.count_diff for s in stats)
    print(f"opened {opened:,}, still open {still:,} ({wall:.0f} s)")
    print(
        f"per connection: Python heap {heap / n:,.0f} B in {blocks / n:.1f} blocks; "
        f"RSS {rss_kb * 1024 / n:,.0f} B (includes tracemalloc's own)"
    )
    print(f"\ntop {top} allocation sites by growth, bytes / blocks per connection:")
    for s in stats[:top]:
        fr = s.traceback[0]
        name = "/".join(Path(fr.filename).parts[-3:])
        print(f"{s.size_diff / n:8,.0f} B {s.count_diff / n:6.2f}  {name}:{fr.lineno}")
    tb = s1.compare_to(s0, "traceback")
    owners: dict[str, list[int]] = {}
    for s in tb:
        site = "?"
        for f in reversed(s.traceback):  # innermost first
            if "palaver" in f.filename or ("aiohttp" in f.filename and not palaver_only):
                site = f"{'/'.join(Path(f.filename).parts[-2:])}:{f.lineno}"
                break
        acc = owners.setdefault(site, [0, 0])
        acc[0] += s.size_diff
        acc[1] += s.count_diff
    print(f"\ntop {top} by the innermost Palaver or aiohttp line (what it called included):")
    for site, (size, count) in sorted(owners.items(), key=lambda kv: -kv[1][0])[:top]:
        print(f"{size / n:8,.0f} B {count / n:6.2f}  {site}")
    for want in trace:
        print(f"\nwhere {want} allocates (innermost last):")
        for s in tb:
            lines = [f"{'/'.join(Path(f.filename).parts[-2:])}:{f.lineno}" for f in s.traceback]
            if s.size_diff > 0 and any(x.endswith(want) for x in lines):
                print(f"{s.size_diff / n:8,.0f} B  " + " > ".join(lines[-8:]))


def main() -> None:
    """``serve ARGS`` (the server side) or the probe (see the module's docstring)."""
    if sys.argv[1:2] == ["serve"]:
        _serve(sys.argv[2:])
        return
    p = argparse.ArgumentParser(prog="python -m bench.idleprobe", description=__doc__)
    p.add_argument("--conns", type=int, default=2000, help="connections measured")
    p.add_argument("--warm", type=int, default=200, help="connections opened before")
    p.add_argument("--settle", type=float, default=2.0, help="seconds before each snapshot")
    p.add_argument("--top", type=int, default=30, help="allocation sites printed")
    p.add_argument("--palaver-only", action="store_true", help="sites: the innermost Palaver line")
    p.add_argument(
        "--trace", action="append", default=[], help="print the stacks through FILE:LINE"
    )
    asyncio.run(_probe(p.parse_args()))


if __name__ == "__main__":
    main()
