"""Processes of a benchmark run: Palaver servers, the load generator, /proc readings.

- :class:`Server`: ``python -m palaver serve`` pinned with ``taskset`` to one core,
  on a free 127.0.0.1 port, answering ``/healthz`` before it is used, stopped with
  SIGTERM (killed after 15 s) whatever happens.
- :class:`LoadGen`: ``python -m bench.loadgen`` pinned to the other core, driven by
  one JSON command per line (every reply awaited with a timeout).
- :class:`Admin`: the REST admin calls a run needs (account import in batches).
- ``/proc`` readers: CPU (utime + stime of all threads), VmRSS, VmHWM, open fds.
- :func:`profiled`: ``py-spy record`` of a server during a block (``BENCH_PYSPY``);
  :func:`gc_probe_env` / :func:`gc_pauses`: a server's garbage-collector pauses
  (``bench/gcprobe``).

Nothing here listens anywhere but 127.0.0.1, and every wait is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import secrets
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import orjson

from palaver.usersig import gen_usersig_v2

ADMIN = "administrator"
ROOT = Path(__file__).resolve().parent.parent  # the repository: ``bench`` imports from here
SERVER_CPU = 0  # the core the Palaver server(s) run on
GEN_CPU = 1  # the core of the load generator and of this orchestrator
CLK_TCK = os.sysconf("SC_CLK_TCK")


class BenchError(Exception):
    """The benchmark could not run (a server did not start, setup failed, a timeout)."""


# -- /proc -------------------------------------------------------------------


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """utime + stime of process ``pid`` (all its threads), seconds; 0 if gone."""
    return sum(cpu_split(pid))


def cpu_split(pid: int) -> tuple[float, float]:
    """(utime, stime) of process ``pid`` (all its threads): seconds in user space and
    in the kernel (system calls: socket writes...); zeros if gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return 0.0, 0.0
    fields = stat[stat.rindex(b")") + 2 :].split()
    return int(fields[11]) / CLK_TCK, int(fields[12]) / CLK_TCK


def status_kb(pid: int, key: str) -> int:
    """A ``kB`` field of ``/proc/<pid>/status`` (``VmRSS``, ``VmHWM``); 0 if gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def open_fds(pid: int) -> int:
    """Number of open file descriptors of ``pid``."""
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


def fd_limit(pid: int) -> str:
    """The 'Max open files' soft/hard limits of ``pid``."""
    try:
        for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
            if line.startswith("Max open files"):
                soft, hard = line.split()[3:5]
                return f"{soft}/{hard}"
    except OSError:
        pass
    return "?"


def pids_named(*names: str) -> list[int]:
    """Pids of running processes whose ``comm`` is one of ``names`` (read-only)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                comm = Path(f"/proc/{entry}/comm").read_text().strip()
            except OSError:
                continue
            if comm in names:
                found.append(int(entry))
    return found


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without inherited ``PALAVER_*`` settings, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PALAVER_")}
    level = os.environ.get("BENCH_SERVER_LOG_LEVEL", "WARNING")
    env.update({"PALAVER_LOG_LEVEL": level, "PYTHONUNBUFFERED": "1"}, **extra)
    return env


#: ``sitecustomize`` that logs a server's garbage-collector pauses (``bench/gcprobe``)
GC_PROBE = Path(__file__).parent / "gcprobe"


def gc_probe_env(log: Path) -> dict[str, str]:
    """A server environment (:func:`clean_env`) that appends every garbage
    collection of the process to ``log``; read it with :func:`gc_pauses`."""
    path = os.environ.get("PYTHONPATH")
    return clean_env(
        BENCH_GC_LOG=str(log),
        PYTHONPATH=str(GC_PROBE) + (os.pathsep + path if path else ""),
    )


def gc_pauses(log: Path, t0: float, t1: float) -> dict[str, float]:
    """Collector pauses in ``log`` that ended between ``t0`` and ``t1``
    (``perf_counter``): their sum (s), the longest (ms), the number of full
    (generation 2) collections and their sum (s)."""
    total = longest = full_s = 0.0
    full = 0
    try:
        lines = log.read_text().splitlines()
    except OSError:
        lines = []
    for line in lines:
        try:
            t_s, gen_s, d_s = line.split()
            t, gen, d = float(t_s), int(gen_s), float(d_s)
        except ValueError:
            continue
        if t0 <= t <= t1:
            total += d
            longest = max(longest, d)
            if gen == 2:
                full += 1
                full_s += d
    return {
        "server_gc_s": total,
        "server_gc_max_ms": longest * 1000,
        "server_gc_full": full,
        "server_gc_full_s": full_s,
    }


def tail(path: Path, size: int = 3000) -> str:
    """The last ``size`` characters of a text file."""
    try:
        return path.read_text(errors="replace")[-size:]
    except OSError:
        return ""


# -- palaver CLI and servers ----------------------------------------------------


async def run_palaver(*args: str, env: dict[str, str] | None = None, within: float = 60) -> str:
    """Run ``python -m palaver ARGS``; its stdout, or :class:`BenchError`."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "palaver",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env or clean_env(),
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), within)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    if proc.returncode != 0:
        raise BenchError(f"palaver {' '.join(args[:2])} failed: {err.decode().strip()}")
    return out.decode()


async def create_app(storage_args: list[str], key: str) -> int:
    """``palaver app create`` with the secret key ``key``; the SDKAppID."""
    out = await run_palaver("app", "create", "--secret-key", key, *storage_args)
    match = re.search(r"SDKAppID:\s+(\d+)", out)
    if not match:
        raise BenchError(f"no SDKAppID in 'palaver app create' output:\n{out}")
    return int(match.group(1))


@dataclass
class Server:
    """A running ``palaver serve`` process (``argv`` and ``env`` start it again:
    :func:`kill_server`, :func:`start_again`)."""

    proc: asyncio.subprocess.Process
    port: int
    log_path: Path
    argv: tuple[str, ...] = ()
    env: dict[str, str] | None = None

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cpu(self) -> float:
        return cpu_seconds(self.pid)

    def rss_kb(self) -> int:
        return status_kb(self.pid, "VmRSS")

    def hwm_kb(self) -> int:
        return status_kb(self.pid, "VmHWM")


@contextlib.asynccontextmanager
async def palaver_server(
    storage_args: list[str],
    log_path: Path,
    *,
    cpu: int = SERVER_CPU,
    env: dict[str, str] | None = None,
) -> AsyncIterator[Server]:
    """A ``palaver serve`` pinned to ``cpu``, answering ``/healthz``; stopped on exit."""
    port = free_port()
    args = ["serve", "--host", "127.0.0.1", "--port", str(port), *storage_args]
    argv = ("taskset", "-c", str(cpu), sys.executable, "-m", "palaver", *args)
    env = env or clean_env()
    server = Server(await _spawn(argv, env, log_path), port, log_path, argv, env)
    try:
        await _started(server)
        yield server
    finally:
        await stop_process(server.proc)


async def _spawn(
    argv: tuple[str, ...], env: dict[str, str], log_path: Path
) -> asyncio.subprocess.Process:
    with log_path.open("ab") as log:
        return await asyncio.create_subprocess_exec(*argv, stdout=log, stderr=log, env=env)


async def _started(server: Server) -> None:
    try:
        async with asyncio.timeout(60):
            await _wait_healthy(server)
    except TimeoutError:
        raise BenchError(f"server did not answer within 60 s:\n{tail(server.log_path)}") from None


async def kill_server(server: Server) -> None:
    """SIGKILL the server (no shutdown at all: a crash) and wait until it is gone."""
    with contextlib.suppress(ProcessLookupError):
        server.proc.kill()
    await server.proc.wait()


async def start_again(server: Server) -> None:
    """Start a killed server again with the same command (port, data, settings);
    returns once it answers ``/healthz``. ``server.pid`` is the new process's."""
    server.proc = await _spawn(server.argv, server.env or clean_env(), server.log_path)
    await _started(server)


@contextlib.asynccontextmanager
async def relay_server(log_path: Path, *, cpu: int = SERVER_CPU) -> AsyncIterator[Server]:
    """The bare aiohttp relay of :mod:`bench.relay` pinned to ``cpu``, answering
    ``/healthz``; stopped on exit. The yardstick Palaver's CPU is compared with."""
    port = free_port()
    with log_path.open("wb") as log:
        proc = await asyncio.create_subprocess_exec(
            "taskset",
            "-c",
            str(cpu),
            sys.executable,
            "-m",
            "bench.relay",
            "--port",
            str(port),
            stdout=log,
            stderr=log,
            env=clean_env(),
            cwd=ROOT,
        )
    server = Server(proc, port, log_path)
    try:
        try:
            async with asyncio.timeout(60):
                await _wait_healthy(server)
        except TimeoutError:
            raise BenchError(f"relay did not answer within 60 s:\n{tail(log_path)}") from None
        yield server
    finally:
        await stop_process(proc)


async def stop_process(proc: asyncio.subprocess.Process, grace: float = 15) -> None:
    """SIGTERM, then SIGKILL after ``grace`` seconds."""
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), grace)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()


async def _wait_healthy(server: Server) -> None:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
        while True:
            if server.proc.returncode is not None:
                raise BenchError(
                    f"server exited with {server.proc.returncode}:\n{tail(server.log_path)}"
                )
            try:
                async with session.get(server.url + "/healthz") as resp:
                    if resp.status == 200:
                        return
            except (aiohttp.ClientError, TimeoutError):
                pass
            await asyncio.sleep(0.1)


#: where :func:`profiled` writes (not committed)
PROFILES = Path(__file__).parent / "profiles"


@contextlib.asynccontextmanager
async def profiled(pid: int, name: str) -> AsyncIterator[Path | None]:
    """``py-spy record`` of process ``pid`` while the block runs, when the environment
    variable ``BENCH_PYSPY`` names a py-spy binary (else nothing happens).

    Samples at 200 Hz only the thread holding the GIL (``--gil``: Python CPU, not
    idle helper threads), raw "stack count" lines into ``bench/profiles/NAME.txt``;
    py-spy runs on the generator's core. Yields the output path (or None).
    """
    spy = os.environ.get("BENCH_PYSPY")
    if not spy:
        yield None
        return
    PROFILES.mkdir(exist_ok=True)
    out = PROFILES / f"{name}.txt"
    log = (PROFILES / f"{name}.log").open("wb")
    proc = await asyncio.create_subprocess_exec(
        "taskset",
        "-c",
        str(GEN_CPU),
        spy,
        "record",
        "--pid",
        str(pid),
        "--rate",
        "200",
        "--format",
        "raw",
        "--gil",
        "--nonblocking",
        "--output",
        str(out),
        stdout=log,
        stderr=log,
    )
    log.close()
    await asyncio.sleep(0.5)  # attached
    try:
        yield out
    finally:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGINT)  # py-spy writes its output on SIGINT
        try:
            await asyncio.wait_for(proc.wait(), 30)
        except TimeoutError:
            await stop_process(proc, grace=5)


# -- REST admin ------------------------------------------------------------------


class Admin:
    """REST calls as the app's administrator."""

    def __init__(self, base_url: str, sdkappid: int, key: str) -> None:
        self.base_url = base_url
        self.sdkappid = sdkappid
        self.sig = gen_usersig_v2(sdkappid, key, ADMIN, 86400)
        self.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120))

    async def close(self) -> None:
        await self.session.close()

    async def call(self, service: str, command: str, body: Any) -> dict[str, Any]:
        url = (
            f"{self.base_url}/v4/{service}/{command}?sdkappid={self.sdkappid}"
            f"&identifier={ADMIN}&usersig={self.sig}"
            f"&random={secrets.randbelow(1 << 32)}&contenttype=json"
        )
        async with self.session.post(
            url, data=orjson.dumps(body), headers={"Content-Type": "application/json"}
        ) as resp:
            raw = await resp.read()
        answer: dict[str, Any] = orjson.loads(raw)
        if answer.get("ActionStatus") != "OK":
            raise BenchError(f"{service}/{command}: {answer}")
        return answer

    async def import_accounts(self, users: list[str], concurrency: int = 4) -> float:
        """``multiaccount_import`` in batches of 100; the seconds it took."""
        t0 = time.perf_counter()
        batches = [users[i : i + 100] for i in range(0, len(users), 100)]
        it = iter(batches)

        async def worker() -> None:
            for batch in it:
                res = await self.call(
                    "im_open_login_svc", "multiaccount_import", {"Accounts": batch}
                )
                if res.get("FailAccounts"):
                    raise BenchError(f"import failed for {res['FailAccounts'][:5]}")

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - t0


# -- the load generator -------------------------------------------------------------


class LoadGen:
    """``python -m bench.loadgen`` pinned to :data:`GEN_CPU`, driven by JSON lines."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    @classmethod
    async def start(cls, cpu: int = GEN_CPU) -> LoadGen:
        proc = await asyncio.create_subprocess_exec(
            "taskset",
            "-c",
            str(cpu),
            sys.executable,
            "-m",
            "bench.loadgen",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=clean_env(),
            cwd=ROOT,
            limit=1 << 26,
        )
        return cls(proc)

    @property
    def pid(self) -> int:
        return self.proc.pid

    async def __call__(self, cmd: str, **args: Any) -> dict[str, Any]:
        """Run one command; its answer (:class:`BenchError` if it failed).

        The answer is awaited for the command's own ``timeout`` plus a minute.
        """
        assert self.proc.stdin is not None and self.proc.stdout is not None
        timeout = float(args.get("timeout", 240)) + 60
        self.proc.stdin.write(orjson.dumps({"cmd": cmd, **args}) + b"\n")
        await self.proc.stdin.drain()
        try:
            line = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
        except TimeoutError:
            raise BenchError(
                f"load generator: {cmd} did not answer within {timeout:.0f} s"
            ) from None
        if not line:
            raise BenchError(f"load generator exited during {cmd} ({self.proc.returncode})")
        res: dict[str, Any] = orjson.loads(line)
        if not res.get("ok"):
            raise BenchError(f"load generator: {cmd}: {res.get('error')}")
        return res

    async def stop(self) -> None:
        if self.proc.returncode is None and self.proc.stdin is not None:
            with contextlib.suppress(Exception):
                self.proc.stdin.write(b'{"cmd": "quit"}\n')
                await self.proc.stdin.drain()
                self.proc.stdin.close()
            try:
                await asyncio.wait_for(self.proc.wait(), 10)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()


@contextlib.asynccontextmanager
async def load_generators(n: int = 1) -> AsyncIterator[list[LoadGen]]:
    """``n`` load generator processes (all on :data:`GEN_CPU`), stopped on exit."""
    gens: list[LoadGen] = []
    try:
        for _ in range(n):
            gens.append(await LoadGen.start())
        yield gens
    finally:
        for g in gens:
            await g.stop()
