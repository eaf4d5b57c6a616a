"""What one login costs the server (issue 20, "cheaper logins").

``python -m bench.login_cost [--clients K] [--reps R] [--concurrency C] [--cprofile FILE]``

One ``palaver serve`` (SQLite, fresh folder) on core 0 and one load generator on
core 1, as in ``python -m bench``. Each rep logs K new users in (``idle_open``:
connect, upgrade, ``login``, the catch-up to ``sync_done``; C at a time), closes
them, then logs the same K in again (a known user coming back), and closes them.
Reported per rep and kind: server CPU (utime + stime from ``/proc``) per login,
in ms, measured over the logins only (not the closes).

``--cprofile FILE`` runs the server under ``cProfile`` (``bench/cprofile``:
``sitecustomize`` that profiles the main thread and writes FILE when the server
stops): where the time goes, slower than without. To compare two versions of the
server in one sitting, point ``PYTHONPATH`` at the other tree's ``src`` (the
server is started with this environment) and run the two alternately.
``BENCH_CPROFILE_TIMER=cpu`` counts the main thread's CPU time instead of wall
time (a loaded machine's preemptions and GIL waits left out). With
``BENCH_PYSPY=<py-spy binary>`` each rep's logins (not the closes) are sampled
by ``py-spy record`` into ``bench/profiles/login_cost_<rep>_<kind>.txt``
(:func:`bench.harness.profiled`; read with ``python -m bench.pyspy FILE``); the
CPU per login is then counted with py-spy's own pauses in it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import harness
from bench.harness import Admin, cpu_seconds, load_generators, palaver_server

CPROFILE = Path(__file__).parent / "cprofile"


async def measure(args: argparse.Namespace) -> dict[str, Any]:
    env = None
    if args.cprofile:
        path = os.environ.get("PYTHONPATH")
        env = harness.clean_env(
            BENCH_CPROFILE=args.cprofile,
            PYTHONPATH=str(CPROFILE) + (os.pathsep + path if path else ""),
        )
    k = args.clients
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="palaver-login-cost-") as tmp:
        storage = ["--data-dir", tmp]
        key = secrets.token_hex(32)
        sdkappid = await harness.create_app(storage, key)
        async with palaver_server(storage, Path(tmp) / "server.log", env=env) as server:
            admin = Admin(server.url, sdkappid, key)
            try:
                users = [f"u{r}_{i}" for r in range(args.reps) for i in range(k)]
                await admin.import_accounts(users)
            finally:
                await admin.close()
            async with load_generators(1) as [gen]:
                await gen("setup", sdkappid=sdkappid, key=key, nodes=[["127.0.0.1", server.port]])
                for r in range(args.reps):
                    for kind in ("new", "again"):
                        cpu0 = cpu_seconds(server.pid)
                        async with harness.profiled(server.pid, f"login_cost_{r}_{kind}"):
                            res = await gen(
                                "idle_open",
                                prefix=f"u{r}",
                                start=0,
                                end=k,
                                concurrency=args.concurrency,
                            )
                        cpu = cpu_seconds(server.pid) - cpu0
                        await gen("idle_close")
                        row = {
                            "rep": r,
                            "kind": kind,
                            "opened": res["opened"],
                            "failed": res["failed"],
                            "server_cpu_ms_per_login": cpu / max(res["opened"], 1) * 1000,
                            "logins_per_s": res["logins_per_s"],
                            "login_p50_ms": res.get("login_p50_ms"),
                        }
                        rows.append(row)
                        print(json.dumps(row), file=sys.stderr, flush=True)
    per = {
        kind: sorted(r["server_cpu_ms_per_login"] for r in rows if r["kind"] == kind)
        for kind in ("new", "again")
    }
    return {
        "clients": k,
        "reps": args.reps,
        "concurrency": args.concurrency,
        "loadavg": os.getloadavg(),
        "median_ms_per_login": {kind: v[len(v) // 2] for kind, v in per.items() if v},
        "rows": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--cprofile", help="profile the server into this file (pstats)")
    args = parser.parse_args()
    if args.cprofile:
        args.cprofile = str(Path(args.cprofile).resolve())
    print(json.dumps(asyncio.run(measure(args)), indent=1))


if __name__ == "__main__":
    main()
