"""``python -m bench``: REST throughput and latency of a real Palaver server.

Starts ``python -m palaver serve`` as a subprocess on a free 127.0.0.1 port
with a temporary data folder, creates an app with ``palaver app create``,
imports two accounts, then times ``--calls`` REST ``openim/sendmsg`` calls made
by ``--concurrency`` aiohttp callers.  Prints calls/s, p50/p99 latency and the
server's CPU time per call (utime + stime from ``/proc/<pid>/stat``).

Every wait is bounded: the whole run by ``--timeout`` seconds.  The server is
stopped with SIGTERM (killed if it does not stop) whatever happens.  Exit code
0 if every call succeeded, 1 otherwise.

Add a scenario by writing ``async def scenario(ctx: BenchContext, i: int)`` that
makes one call and raising :class:`CallFailed` on a bad answer, and listing it
in :data:`SCENARIOS`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import re
import secrets
import signal
import socket
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import orjson

from palaver.usersig import gen_usersig_v2

ADMIN = "administrator"
SENDER, RECEIVER = "bench_alice", "bench_bob"


class CallFailed(Exception):
    """A call answered, but not with ``ActionStatus: OK``."""


class BenchError(Exception):
    """The benchmark could not run (server did not start, setup failed, timeout)."""


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def process_cpu_seconds(pid: int) -> float:
    """utime + stime of process ``pid`` in seconds, from ``/proc/<pid>/stat``."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    # Fields after "pid (comm)"; comm may hold spaces or parentheses.
    fields = stat[stat.rindex(")") + 2 :].split()
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile ``p`` (0..100) of already sorted values."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass
class BenchContext:
    """What a scenario call needs: the session, the server URL and an admin's query."""

    session: aiohttp.ClientSession
    base_url: str
    sdkappid: int
    admin_sig: str

    def url(self, service: str, command: str) -> str:
        """The REST URL of ``service/command`` with the admin's credentials."""
        rnd = secrets.randbelow(1 << 32)
        return (
            f"{self.base_url}/v4/{service}/{command}?sdkappid={self.sdkappid}"
            f"&identifier={ADMIN}&usersig={self.admin_sig}&random={rnd}&contenttype=json"
        )

    async def rest(self, service: str, command: str, body: Any) -> dict[str, Any]:
        """POST ``body``; the envelope, or :class:`CallFailed` unless it is OK."""
        async with self.session.post(
            self.url(service, command),
            data=orjson.dumps(body),
            headers={"Content-Type": "application/json"},
        ) as resp:
            raw = await resp.read()
            if resp.status != 200:
                raise CallFailed(f"HTTP {resp.status}: {raw[:200]!r}")
        answer: dict[str, Any] = orjson.loads(raw)
        if answer.get("ActionStatus") != "OK":
            raise CallFailed(f"{service}/{command}: {answer}")
        return answer


async def sendmsg(ctx: BenchContext, i: int) -> None:
    """One C2C text message from SENDER to RECEIVER, sent by the admin."""
    await ctx.rest(
        "openim",
        "sendmsg",
        {
            "SyncOtherMachine": 2,
            "From_Account": SENDER,
            "To_Account": RECEIVER,
            "MsgRandom": i,
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": f"bench {i}"}}],
        },
    )


Scenario = Callable[[BenchContext, int], Awaitable[None]]
SCENARIOS: dict[str, Scenario] = {"sendmsg": sendmsg}


@dataclass
class Result:
    """Measurements of one scenario run."""

    scenario: str
    calls: int
    concurrency: int
    ok: int = 0
    failed: int = 0
    elapsed_s: float = 0.0
    calls_per_s: float = 0.0
    p50_ms: float = math.nan
    p99_ms: float = math.nan
    max_ms: float = math.nan
    server_cpu_us_per_call: float = math.nan
    first_error: str | None = None
    latencies: list[float] = field(default_factory=list, repr=False)


async def run_load(
    ctx: BenchContext, scenario: Scenario, name: str, calls: int, concurrency: int, pid: int
) -> Result:
    """Make ``calls`` calls of ``scenario`` with ``concurrency`` callers; measure them."""
    result = Result(name, calls, concurrency)
    numbers = iter(range(calls))

    async def caller() -> None:
        for i in numbers:  # shared iterator: exactly ``calls`` calls in all
            start = time.perf_counter()
            try:
                await scenario(ctx, i)
            except (CallFailed, aiohttp.ClientError, ValueError) as exc:
                result.failed += 1
                result.first_error = result.first_error or f"{type(exc).__name__}: {exc}"
                continue
            result.latencies.append(time.perf_counter() - start)
            result.ok += 1

    cpu0, t0 = process_cpu_seconds(pid), time.perf_counter()
    await asyncio.gather(*(caller() for _ in range(concurrency)))
    result.elapsed_s = time.perf_counter() - t0
    cpu = process_cpu_seconds(pid) - cpu0
    lat = sorted(result.latencies)
    result.calls_per_s = result.ok / result.elapsed_s if result.elapsed_s else math.nan
    result.p50_ms = percentile(lat, 50) * 1000
    result.p99_ms = percentile(lat, 99) * 1000
    result.max_ms = (lat[-1] * 1000) if lat else math.nan
    result.server_cpu_us_per_call = cpu / calls * 1e6
    return result


async def run_palaver(*args: str) -> str:
    """Run ``python -m palaver ARGS`` (60 s at most); stdout, or :class:`BenchError`."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "palaver",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), 60)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    if proc.returncode != 0:
        raise BenchError(f"palaver {' '.join(args[:2])} failed: {err.decode().strip()}")
    return out.decode()


@contextlib.asynccontextmanager
async def palaver_server(
    data_dir: Path, port: int, database_url: str | None, log_path: Path
) -> AsyncIterator[asyncio.subprocess.Process]:
    """A ``palaver serve`` subprocess answering ``/healthz``; stopped on exit."""
    args = ["serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir)]
    if database_url:
        args += ["--database-url", database_url]
    env = {"PALAVER_LOG_LEVEL": "WARNING", **os.environ, "PYTHONUNBUFFERED": "1"}
    with log_path.open("wb") as log:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "palaver", *args, stdout=log, stderr=log, env=env
        )
    try:
        try:
            async with asyncio.timeout(30):
                await wait_healthy(proc, f"http://127.0.0.1:{port}/healthz", log_path)
        except TimeoutError:
            raise BenchError(f"server did not answer within 30 s:\n{tail(log_path)}") from None
        yield proc
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), 15)
            except TimeoutError:
                proc.kill()
                await proc.wait()


def tail(path: Path, size: int = 4000) -> str:
    """The last ``size`` characters of a text file."""
    return path.read_text(errors="replace")[-size:]


async def wait_healthy(proc: asyncio.subprocess.Process, url: str, log_path: Path) -> None:
    """Poll ``url`` until it answers 200 (bound it with a timeout); fail if the server dies."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
        while True:
            if proc.returncode is not None:
                raise BenchError(f"server exited with {proc.returncode}:\n{tail(log_path)}")
            try:
                async with session.get(url) as resp:
                    if resp.status == 200:
                        return
            except (aiohttp.ClientError, TimeoutError):
                pass
            await asyncio.sleep(0.1)


async def bench(args: argparse.Namespace) -> list[Result]:
    """Set up a server and an app, run the chosen scenarios, return their results."""
    with tempfile.TemporaryDirectory(prefix="palaver-bench-") as tmp:
        data_dir, port = Path(tmp) / "data", free_port()
        key = secrets.token_hex(32)
        db_args = ["--data-dir", str(data_dir)]
        if args.database_url:
            db_args += ["--database-url", args.database_url]
        out = await run_palaver("app", "create", "--secret-key", key, *db_args)
        match = re.search(r"SDKAppID:\s+(\d+)", out)
        if not match:
            raise BenchError(f"no SDKAppID in 'palaver app create' output:\n{out}")
        sdkappid = int(match.group(1))
        sig = gen_usersig_v2(sdkappid, key, ADMIN, 86400)

        log_path = Path(tmp) / "server.log"
        async with palaver_server(data_dir, port, args.database_url, log_path) as proc:
            connector = aiohttp.TCPConnector(limit=args.concurrency)
            timeout = aiohttp.ClientTimeout(total=30)
            async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
                ctx = BenchContext(session, f"http://127.0.0.1:{port}", sdkappid, sig)
                await ctx.rest(
                    "im_open_login_svc", "multiaccount_import", {"Accounts": [SENDER, RECEIVER]}
                )
                results = []
                for name in args.scenario:
                    scenario = SCENARIOS[name]
                    warmup = min(100, max(1, args.calls // 20))
                    for i in range(warmup):
                        await scenario(ctx, args.calls + i)
                    results.append(
                        await run_load(ctx, scenario, name, args.calls, args.concurrency, proc.pid)
                    )
            if args.verbose:
                print(tail(log_path), file=sys.stderr)
        return results


def report(results: list[Result], as_json: bool) -> None:
    """Print the results as a table, or as one JSON object per line."""
    for r in results:
        if as_json:
            row = {k: v for k, v in asdict(r).items() if k != "latencies"}
            print(json.dumps(row))
            continue
        print(
            f"{r.scenario}: {r.ok}/{r.calls} calls OK with {r.concurrency} callers"
            f" in {r.elapsed_s:.2f} s\n"
            f"  throughput   {r.calls_per_s:10.0f} calls/s\n"
            f"  latency p50  {r.p50_ms:10.2f} ms\n"
            f"  latency p99  {r.p99_ms:10.2f} ms\n"
            f"  latency max  {r.max_ms:10.2f} ms\n"
            f"  server CPU   {r.server_cpu_us_per_call:10.0f} µs/call"
        )
        if r.first_error:
            print(f"  {r.failed} failed; first: {r.first_error}")


def main(argv: list[str] | None = None) -> int:
    """Parse options, run the benchmark within the time limit, print, return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=2000, help="calls per scenario (2000)")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent callers (16)")
    parser.add_argument("--timeout", type=float, default=120.0, help="limit for the run, s")
    parser.add_argument(
        "--scenario", action="append", choices=sorted(SCENARIOS), help="repeatable (sendmsg)"
    )
    parser.add_argument("--database-url", help="bench on this database instead of SQLite")
    parser.add_argument("--json", action="store_true", help="print one JSON line per scenario")
    parser.add_argument("-v", "--verbose", action="store_true", help="print the server log")
    args = parser.parse_args(argv)
    args.scenario = args.scenario or ["sendmsg"]
    if args.calls < 1 or args.concurrency < 1:
        parser.error("--calls and --concurrency must be at least 1")

    async def bounded() -> list[Result]:
        return await asyncio.wait_for(bench(args), args.timeout)

    try:
        results = asyncio.run(bounded())
    except TimeoutError:
        print(f"bench: did not finish within {args.timeout:.0f} s", file=sys.stderr)
        return 1
    except (BenchError, CallFailed, aiohttp.ClientError, OSError) as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    report(results, args.json)
    return 0 if all(r.failed == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
