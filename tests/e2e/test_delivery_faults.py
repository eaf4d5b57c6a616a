"""Delivery guarantees under faults (docs/protocol.md §4, issue 3 §2).

Real components only: a ``palaver serve`` subprocess that is killed (SIGKILL)
or stopped (SIGTERM) mid-stream and restarted on the same data folder, and the
in-process server for cutting a client's socket, stalling a client's reader and
heartbeat timeouts.  Clients are raw protocol clients (:mod:`wsclient`) that
keep their cursor across reconnects.

Every scenario counts explicitly, from what came off the wire *before* the
client's duplicate suppression (so a server that sends something twice fails):
lost = expected − received, duplicated, out of order (message ``sequence`` and
stream ``seq`` both strictly increasing, the stream without gaps).  Messages
carry the text ``n:<i>`` and a fixed ``random`` per ``i``, so a retried send is
answered with the stored message instead of storing it twice.

Every loop is bounded in iterations and in time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pytest
from aiohttp import web
from click.testing import CliRunner

import conftest
from conftest import ADMIN, SDKAPPID, SECRET, RunningServer, free_port
from palaver.api.ws.core import WebSocketEndpoint
from palaver.cli import palaver
from palaver.hub import Hub
from palaver.server import build_app
from palaver.settings import Settings
from palaver.usersig import gen_usersig_v2
from support.waiting import eventually
from wsclient import Disconnected, ProtocolError, WsClient

WAIT = 20.0  # seconds any single wait may take
#: bound of a server subprocess's start: on a loaded 2-core machine the import of the
#: server alone takes seconds (clone runs of 2026-12-03: > 20 s at load 18)
START_WAIT = 60.0
RANDOM_BASE = 7_000_000  # random of message i: RANDOM_BASE + i (fixed, so retries dedupe)


# --- counting -----------------------------------------------------------------------------------


def text_of(i: int, pad: int = 0) -> str:
    """The text of message ``i`` (``n:<i>``, padded with ``:xxx...`` to grow it)."""
    return f"n:{i}" + (":" + "x" * pad if pad else "")


def index_of(message: dict[str, Any]) -> int | None:
    """``i`` of a message whose text is ``n:<i>[:...]``; None for any other."""
    body = message.get("MsgBody") or []
    text = body[0].get("MsgContent", {}).get("Text", "") if body else ""
    parts = str(text).split(":")
    if len(parts) >= 2 and parts[0] == "n" and parts[1].isdigit():
        return int(parts[1])
    return None


@dataclass
class Audit:
    """What a receiver got from one sender, counted from the raw wire record."""

    expected: list[int]
    received: list[int] = field(default_factory=list)  # i, in arrival order, every copy
    sequences: list[int] = field(default_factory=list)  # message `sequence`, arrival order
    ids: dict[int, list[str]] = field(default_factory=dict)  # i -> message IDs received
    seq_repeats: int = 0  # stream pushes with a seq at or below one already received
    seq_gaps: int = 0  # stream pushes that skipped a seq
    app_received: list[int] = field(default_factory=list)  # i after duplicate suppression

    @property
    def lost(self) -> list[int]:
        return sorted(set(self.expected) - set(self.received))

    @property
    def duplicated(self) -> list[int]:
        return sorted(i for i, n in Counter(self.received).items() if n > 1)

    @property
    def unexpected(self) -> list[int]:
        return sorted(set(self.received) - set(self.expected))

    @property
    def out_of_order(self) -> int:
        """Arrivals whose ``sequence`` is not above the previous one's."""
        return sum(1 for a, b in zip(self.sequences, self.sequences[1:], strict=False) if b <= a)

    @property
    def index_out_of_order(self) -> int:
        """Arrivals whose ``i`` is not above the previous one's (sends are ordered)."""
        return sum(1 for a, b in zip(self.received, self.received[1:], strict=False) if b <= a)

    def report(self) -> str:
        return (
            f"expected={len(self.expected)} received={len(self.received)} "
            f"lost={len(self.lost)} {self.lost[:20]} "
            f"duplicated={len(self.duplicated)} {self.duplicated[:20]} "
            f"unexpected={self.unexpected[:20]} out_of_order(sequence)={self.out_of_order} "
            f"out_of_order(i)={self.index_out_of_order} "
            f"stream seq repeats={self.seq_repeats} gaps={self.seq_gaps} "
            f"app-level received={len(self.app_received)}"
        )

    def assert_perfect(self, what: str, *, sends_of: Callable[[int], int] | None = None) -> None:
        """Nothing lost, nothing doubled, nothing unexpected, order kept.

        ``sends_of(i)`` names the sender connection of ``i`` when the sender
        reconnected: send order is kept per connection only (a cut connection's
        sends still in flight may be stored after its successor's first ones).
        """
        by_conn: dict[int, list[int]] = {}
        for i in self.received:
            by_conn.setdefault(sends_of(i) if sends_of else 0, []).append(i)
        index_disorder = sum(
            1 for got in by_conn.values() for a, b in zip(got, got[1:], strict=False) if b <= a
        )
        ok = (
            not self.lost
            and not self.duplicated
            and not self.unexpected
            and self.out_of_order == 0
            and index_disorder == 0
            and self.seq_repeats == 0
            and self.seq_gaps == 0
            and sorted(self.app_received) == sorted(self.expected)
            and len(self.app_received) == len(self.expected)
        )
        assert ok, f"{what}: {self.report()}"


def audit(client: WsClient, sender: str, expected: Iterable[int], *, start_seq: int) -> Audit:
    """Count what ``client`` received from ``sender`` (``n:<i>`` messages), from
    the raw wire record of every connection; ``start_seq`` is the stream cursor
    the client started with (its first push must be ``start_seq + 1``)."""
    assert not client.errors, f"{client.user_id}'s reader failed: {client.errors}"
    result = Audit(sorted(expected))
    last = start_seq
    for push in client.raw:
        if push.seq <= last:
            result.seq_repeats += 1  # sent again: its message counts twice below
        else:
            if push.seq != last + 1:
                result.seq_gaps += 1
            last = push.seq
        if push.ev != "MESSAGE_RECEIVED":
            continue
        message = push.data["message"]
        i = index_of(message)
        if message.get("from") != sender or i is None:
            continue
        result.received.append(i)
        result.sequences.append(int(message["sequence"]))
        result.ids.setdefault(i, []).append(str(message["ID"]))
    for item in client.drain_pushes():
        if item.ev == "MESSAGE_RECEIVED" and item.data["message"].get("from") == sender:
            i = index_of(item.data["message"])
            if i is not None:
                result.app_received.append(i)
    return result


def raw_indices(client: WsClient, sender: str) -> set[int]:
    """The ``i`` of every ``n:<i>`` message from ``sender`` the client has read."""
    out = set()
    for push in client.raw:
        if push.ev == "MESSAGE_RECEIVED" and push.data["message"].get("from") == sender:
            i = index_of(push.data["message"])
            if i is not None:
                out.add(i)
    return out


async def wait_for(
    check: Callable[[], bool], what: Callable[[], str], within: float = WAIT
) -> None:
    """Wait until ``check()``; fail with ``what()`` after ``within`` seconds."""
    await eventually(check, what, within)


MARKER = "marker"  # the text of a marker message (index_of: None)
_marker_randoms = iter(range(8_000_000, 9_000_000))


def is_stored_marker(message: dict[str, Any]) -> bool:
    body = message.get("MsgBody") or []
    return bool(body) and body[0].get("MsgContent", {}).get("Text") == MARKER


async def wait_received(
    client: WsClient,
    sender: str,
    expected: Iterable[int],
    within: float = WAIT,
    *,
    marker: WsClient,
) -> None:
    """Wait until ``client`` has read every expected ``i`` from ``sender``; then
    ``marker`` (a connected client, usually the sender) sends ``client`` a
    message and that is read too, so that a late duplicate of any would have
    been seen (it would have come before the marker)."""
    want = set(expected)

    def missing() -> list[int]:
        return sorted(want - raw_indices(client, sender))

    await wait_for(
        lambda: not missing(),
        lambda: (
            f"{client.user_id} to receive {len(want)} messages from {sender}: "
            f"lost={len(missing())} {missing()[:20]}"
        ),
        within,
    )
    sent = await marker.send_text(client.user_id, MARKER, next(_marker_randoms))
    await wait_for(
        lambda: any(
            p.ev == "MESSAGE_RECEIVED" and p.data["message"]["ID"] == sent["ID"] for p in client.raw
        ),
        lambda: f"{client.user_id} to receive the marker",
        within,
    )


@dataclass
class Sender:
    """Sends ``n:<i>`` messages over the protocol, ``window`` in flight at once,
    in increasing ``i`` order; records the acknowledged message of each ``i``."""

    client: WsClient
    to: str
    window: int = 8
    pad: int = 0
    acked: dict[int, dict[str, Any]] = field(default_factory=dict)
    sent_time: dict[int, float] = field(default_factory=dict)  # last send of i
    ack_time: dict[int, float] = field(default_factory=dict)
    failures: list[tuple[int, str]] = field(default_factory=list)
    reconnects: int = 0

    async def send(self, indices: Iterable[int], *, pace: float = 0.0) -> None:
        """Send each ``i`` (stopping at the first failure: the connection is
        gone); returns when every send in flight is answered or failed."""
        slots = asyncio.Semaphore(self.window)
        tasks: list[asyncio.Task[None]] = []
        broken = asyncio.Event()

        async def one(i: int) -> None:
            self.sent_time[i] = time.monotonic()
            try:
                msg = await self.client.send_text(
                    self.to, text_of(i, self.pad), RANDOM_BASE + i, within=WAIT
                )
                self.acked[i] = msg
                self.ack_time[i] = time.monotonic()
            except (Disconnected, ProtocolError, TimeoutError) as exc:
                self.failures.append((i, repr(exc)))
                broken.set()
            finally:
                slots.release()

        for i in indices:
            await slots.acquire()
            if broken.is_set() or not self.client.connected:
                slots.release()
                break
            tasks.append(asyncio.create_task(one(i)))
            if pace:  # a load generator's pacing (the behaviour under test), not a wait
                await asyncio.sleep(pace)
        await asyncio.wait_for(asyncio.gather(*tasks), WAIT)

    async def send_all(self, indices: Iterable[int], *, pace: float = 0.0, rounds: int = 5) -> None:
        """Send until every ``i`` is acknowledged: after a lost connection,
        reconnect and resend what was not acknowledged (at most ``rounds`` times)."""
        wanted = list(indices)
        for _ in range(rounds):
            todo = [i for i in wanted if i not in self.acked]
            if not todo:
                return
            if not self.client.connected:
                await self.client.connect()
                self.reconnects += 1
            await self.send(todo, pace=pace)
        missing = [i for i in wanted if i not in self.acked]
        assert not missing, f"{len(missing)} sends never acknowledged: {self.failures[-5:]}"


# --- a palaver serve subprocess -----------------------------------------------------------------


def _env() -> dict[str, str]:
    """The caller's environment without PALAVER_* settings (the command line decides)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PALAVER_")}
    env["PYTHONUNBUFFERED"] = "1"
    return env


async def palaver_cli(*args: str | Path) -> str:
    """Run the ``palaver`` command (click, in a worker thread: no interpreter start
    to wait for) with no PALAVER_* settings from the environment; assert exit 0;
    its output."""
    env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("PALAVER_")}
    result = await asyncio.wait_for(
        asyncio.to_thread(
            CliRunner().invoke, palaver, [str(a) for a in args], env=env, catch_exceptions=False
        ),
        WAIT,
    )
    assert result.exit_code == 0, result.output
    return result.output


class ServerProcess:
    """``palaver serve`` on a fixed port and data folder, started as often as needed."""

    def __init__(self, tmp_path: Path, data_dir: Path, port: int) -> None:
        self.tmp_path = tmp_path
        self.data_dir = data_dir
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.runs = 0
        self.proc: asyncio.subprocess.Process | None = None

    def _log(self, n: int) -> Path:
        return self.tmp_path / f"serve-{n}.log"

    @property
    def logs(self) -> str:
        return "\n".join(
            f"--- run {n}:\n" + self._log(n).read_text(errors="replace")[-4000:]
            for n in range(1, self.runs + 1)
            if self._log(n).exists()
        )

    async def start(self, http: aiohttp.ClientSession) -> None:
        """Start and wait until ``/healthz`` answers (bounded)."""
        self.runs += 1
        with self._log(self.runs).open("wb") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "palaver",
                "serve",
                "--port",
                str(self.port),
                "--data-dir",
                str(self.data_dir),
                stdout=log,
                stderr=log,
                env=_env(),
            )
        proc = self.proc

        async def healthy() -> bool:
            if proc.returncode is not None:
                raise AssertionError(f"server exited {proc.returncode}\n{self.logs}")
            with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError):
                async with http.get(f"{self.url}/healthz", timeout=aiohttp.ClientTimeout(1)) as r:
                    return r.status == 200
            return False

        await eventually(healthy, lambda: f"/healthz to answer\n{self.logs}", START_WAIT)

    async def stop(self, sig: signal.Signals) -> int:
        """Send ``sig``; the exit code (bounded wait)."""
        assert self.proc is not None
        self.proc.send_signal(sig)
        return await asyncio.wait_for(self.proc.wait(), WAIT)

    async def kill(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await asyncio.wait_for(self.proc.wait(), WAIT)


@pytest.fixture
async def processes() -> AsyncIterator[list[ServerProcess]]:
    """Server subprocesses of a test, killed at the end whatever happens."""
    started: list[ServerProcess] = []
    try:
        yield started
    finally:
        for p in started:
            await p.kill()


async def rest_ok(
    http: aiohttp.ClientSession, base: str, service: str, command: str, body: Any
) -> None:
    """An admin REST call that must answer ``ActionStatus: OK``."""
    sig = gen_usersig_v2(SDKAPPID, SECRET, ADMIN, 86400)
    url = (
        f"{base}/v4/{service}/{command}?sdkappid={SDKAPPID}&identifier={ADMIN}"
        f"&usersig={sig}&random=1&contenttype=json"
    )
    async with http.post(url, data=orjson.dumps(body)) as resp:
        assert resp.status == 200, await resp.text()
        answer = orjson.loads(await resp.read())
    assert answer["ActionStatus"] == "OK", answer


# --- in-process servers with tuned settings ----------------------------------------------------


@contextlib.asynccontextmanager
async def tuned_server(data_dir: Path, **overrides: Any) -> AsyncIterator[RunningServer]:
    """Like conftest's ``server`` fixture, with settings ``overrides``
    (``send_queue_frames``, ``heartbeat_timeout``...)."""
    url = await conftest.fresh_database(data_dir)
    settings = Settings.load(data_dir=data_dir, port=free_port(), database_url=url, **overrides)
    hub = await Hub.open(settings)
    app = await hub.apps.create(sdkappid=SDKAPPID, secret_key=SECRET, admins=[ADMIN])
    runner = web.AppRunner(build_app(hub), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", settings.port)
    await site.start()
    try:
        async with aiohttp.ClientSession() as session:
            yield RunningServer(
                f"http://127.0.0.1:{settings.port}",
                hub,
                app,
                session,
                gen_usersig_v2(SDKAPPID, SECRET, ADMIN, 86400),
            )
    finally:
        await runner.cleanup()
        await hub.close()


@contextlib.asynccontextmanager
async def clients(*made: WsClient) -> AsyncIterator[None]:
    """Close every client at the end, whatever happens."""
    try:
        yield
    finally:
        for c in made:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(c.close(), 5)


def client_of(server: RunningServer, user: str, **kw: Any) -> WsClient:
    return WsClient(server.url, SDKAPPID, user, server.sig(user), **kw)


# --- 1 and 4: the server is killed (or stopped) mid-stream and restarted -----------------------

N_RESTART = 300


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "sigterm"])
async def test_server_stopped_mid_stream_and_restarted(
    tmp_path: Path, processes: list[ServerProcess], stop: signal.Signals
) -> None:
    """alice streams N messages to bob; the server dies (kill -9) or stops
    (SIGTERM) partway and restarts on the same data; alice resends what was not
    acknowledged, bob resumes from his cursor: bob has each message exactly
    once, in order, and so has the stored history."""
    data = tmp_path / "data"
    await palaver_cli(
        "app", "create", "--sdkappid", str(SDKAPPID), "--secret-key", SECRET, "--data-dir", data
    )
    node = ServerProcess(tmp_path, data, free_port())
    processes.append(node)
    sig = {u: gen_usersig_v2(SDKAPPID, SECRET, u, 86400) for u in ("alice", "bob")}
    alice = WsClient(node.url, SDKAPPID, "alice", sig["alice"])
    bob = WsClient(node.url, SDKAPPID, "bob", sig["bob"])
    async with aiohttp.ClientSession() as http, clients(alice, bob):
        await node.start(http)
        await rest_ok(
            http,
            node.url,
            "im_open_login_svc",
            "multiaccount_import",
            {"Accounts": ["alice", "bob"]},
        )
        await bob.connect()
        await alice.connect()
        start_seq = bob.session.cursor
        sender = Sender(alice, "bob", window=8)

        # Phase 1: stream; stop the server once a third is acknowledged.
        streaming = asyncio.create_task(sender.send(range(N_RESTART)))
        await wait_for(
            lambda: len(sender.acked) >= N_RESTART // 3 or streaming.done(),
            lambda: f"a third of the acks (have {len(sender.acked)})\n{node.logs}",
        )
        t_stop = time.monotonic()
        rc = await node.stop(stop)
        stop_took = time.monotonic() - t_stop
        await asyncio.wait_for(streaming, WAIT)
        before_stop = dict(sender.acked)
        bob_code = await bob.wait_closed()
        alice_code = await alice.wait_closed()
        assert N_RESTART // 3 <= len(before_stop) < N_RESTART, (
            f"the server must stop mid-stream: {len(before_stop)} of {N_RESTART} acknowledged"
        )
        if stop == signal.SIGTERM:
            assert rc == 0, node.logs
            assert (bob_code, alice_code) == (1001, 1001), (bob.close_codes, alice.close_codes)
        else:
            assert rc == -signal.SIGKILL
            assert bob_code != 1001 and alice_code != 1001, (bob.close_codes, alice.close_codes)
        received_before = raw_indices(bob, "alice")

        # Phase 2: restart on the same port and data; resume and resend.
        await node.start(http)
        await bob.connect()
        await alice.connect()
        unacked = [i for i in range(N_RESTART) if i not in sender.acked]
        # Retrying is safe across the restart: a resend of an acknowledged message
        # is answered with the stored one (and delivered to nobody again).
        again = sorted(before_stop)[-3:]
        retry = Sender(alice, "bob")
        await retry.send(again)
        assert [retry.acked[i]["ID"] for i in again] == [before_stop[i]["ID"] for i in again], (
            "a resend after the restart must answer the stored message"
        )
        sender.failures.clear()
        await sender.send(unacked)
        assert len(sender.acked) == N_RESTART, (
            f"after the restart every resend must be acknowledged: {sender.failures[:5]}"
        )
        await wait_received(bob, "alice", range(N_RESTART), marker=alice)

        result = audit(bob, "alice", range(N_RESTART), start_seq=start_seq)
        result.assert_perfect(f"bob's stream ({stop.name})")
        # every acknowledged message reached bob exactly once, as acknowledged
        wrong_id = [i for i, msg in sender.acked.items() if result.ids.get(i) != [str(msg["ID"])]]
        assert not wrong_id, f"acknowledged IDs that bob did not get exactly once: {wrong_id[:20]}"
        resent_stored_before = sum(
            1
            for i in unacked
            if int(sender.acked[i]["sequence"])
            <= max((int(m["sequence"]) for m in before_stop.values()), default=0)
        )

        # the stored history is exactly 0..N-1, once each, in order
        history = await bob.history("C2Calice")
        stored = [
            -1 if (i := index_of(m)) is None else i for m in history if not is_stored_marker(m)
        ]
        counts = Counter(stored)
        dup = sorted(i for i, n in counts.items() if n > 1)
        missing = sorted(set(range(N_RESTART)) - set(counts))
        seqs = [int(m["sequence"]) for m in history if not is_stored_marker(m)]
        disorder = sum(1 for a, b in zip(seqs, seqs[1:], strict=False) if b <= a)
        assert (len(stored), dup, missing, disorder) == (N_RESTART, [], [], 0), (
            f"history: stored={len(stored)} duplicated={dup[:20]} missing={missing[:20]} "
            f"out_of_order={disorder}"
        )
        assert stored == list(range(N_RESTART))
        print(
            f"{stop.name} (exit took {stop_took:.2f} s): acked before stop={len(before_stop)}, "
            f"bob had {len(received_before)} "
            f"before the stop, resent={len(unacked)} (of which stored before the stop: "
            f"{resent_stored_before}), {result.report()}"
        )


# --- 2: a client's connection is cut -----------------------------------------------------------

N_CUT = 240
CUTS = (40, 100, 160)  # acknowledged counts at which bob's socket is cut
OFFLINE = 20  # messages sent while bob is away, each time
SENDER_CUT = 70  # acknowledged count at which alice's own socket is cut, sends in flight


async def test_cut_connection_resumes_from_cursor(server: RunningServer) -> None:
    """bob's socket is reset (no close frame) three times while alice keeps
    sending; each time bob reconnects with his cursor after more messages were
    stored.  alice's socket is cut once too, with sends in flight: she
    reconnects and resends what was not acknowledged.  Nothing lost, nothing
    doubled, order kept."""
    await server.import_users("alice", "bob")
    alice, bob = client_of(server, "alice"), client_of(server, "bob")
    async with clients(alice, bob):
        await bob.connect()
        await alice.connect()
        start_seq = bob.session.cursor
        sender = Sender(alice, "bob", window=4)
        streaming = asyncio.create_task(sender.send_all(range(N_CUT), pace=0.002))

        async def cut_sender() -> None:
            await wait_for(lambda: len(sender.acked) >= SENDER_CUT, lambda: "alice's cut")
            alice.abort()

        cutting = asyncio.create_task(cut_sender())
        offline_counts = []
        for cut in CUTS:
            await wait_for(
                lambda cut=cut: len(sender.acked) >= cut,  # type: ignore[misc]
                lambda: f"{CUTS} acks (have {len(sender.acked)})",
            )
            bob.abort()
            await bob.wait_closed()
            at_cut = len(sender.acked)
            await wait_for(
                lambda at_cut=at_cut: len(sender.acked) >= at_cut + OFFLINE,  # type: ignore[misc]
                lambda: f"{OFFLINE} more acks while bob is away (have {len(sender.acked)})",
            )
            offline_counts.append(len(sender.acked) - at_cut)
            await bob.connect()
        await asyncio.wait_for(streaming, WAIT)
        await asyncio.wait_for(cutting, WAIT)
        assert len(sender.acked) == N_CUT, sender.failures[:5]
        assert sender.reconnects == 1, sender.reconnects
        await wait_received(bob, "alice", range(N_CUT), marker=alice)

        result = audit(bob, "alice", range(N_CUT), start_seq=start_seq)
        result.assert_perfect("bob after three cuts")
        assert bob.conn_no == len(CUTS) + 1
        # the catch-up path was exercised: messages were stored while bob was away,
        # and were read by the connection that came after
        assert all(n >= OFFLINE for n in offline_counts), offline_counts
        by_conn = Counter(
            p.conn_no
            for p in bob.raw
            if p.ev == "MESSAGE_RECEIVED" and index_of(p.data["message"]) is not None
        )
        assert all(by_conn[n] > 0 for n in range(1, len(CUTS) + 2)), by_conn
        # the server forgot the dead connections
        await wait_for(
            lambda: len(server.hub.registry.connections(SDKAPPID, "bob")) == 1,
            lambda: f"one bob connection, have {server.hub.registry.connections(SDKAPPID, 'bob')}",
        )
        print(
            f"cuts: sent while bob was away={offline_counts}, bob's messages per connection="
            f"{dict(by_conn)}, alice's sends failed by her cut={len(sender.failures)} (resent), "
            f"{result.report()}"
        )


# --- 3: a client stops reading its socket ------------------------------------------------------

QUEUE_FRAMES = 20  # the per-connection send queue of this test (settings minimum is 10)
PAD = 6000  # bytes of padding of a message to the stalled reader (body limit is 8 KB)
MAX_TO_STALLED = 1500  # bound on the messages sent to make the server drop the stalled reader
DROP_WAIT = 15.0  # seconds the server may take to drop a stalled connection
#: Worst send-to-receipt time allowed for carol while bob is stalled: far below the
#: seconds bob's stuck socket lasts (a server that waited for bob would exceed it).
MAX_LAG = 2.0


async def test_stalled_reader_is_dropped_and_nobody_waits(
    data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """bob stops reading his socket while alice sends him large messages: the
    server drops bob's connection (queue overflow, 4008) within bounded time,
    while carol keeps getting alice's messages promptly; bob then reconnects and
    gets everything exactly once, in order."""
    caplog.set_level(logging.INFO, logger="palaver.connection")
    async with tuned_server(data_dir, send_queue_frames=QUEUE_FRAMES) as server:
        await server.import_users("alice", "bob", "carol")
        alice, carol = client_of(server, "alice"), client_of(server, "carol")
        bob = client_of(server, "bob", rcvbuf=4096)
        async with clients(alice, bob, carol):
            await alice.connect()
            await carol.connect()
            await bob.connect()
            bob_start, carol_start = bob.session.cursor, carol.session.cursor
            (bob_conn,) = server.hub.registry.connections(SDKAPPID, "bob")
            to_bob = Sender(alice, "bob", window=4, pad=PAD)
            to_carol = Sender(alice, "carol", window=1)

            # bob reads the first messages, then stops reading
            await to_bob.send(range(5))
            await wait_received(bob, "alice", range(5), marker=alice)
            bob.stall()
            stalled_at = time.monotonic()

            # alice streams to bob until the server gives up on him; a message to
            # carol every few, whose delivery time is measured
            n_bob = n_carol = 5
            while not bob_conn.closed and n_bob < MAX_TO_STALLED:
                assert time.monotonic() - stalled_at < DROP_WAIT, (
                    f"the server did not drop the stalled reader after {n_bob} messages"
                )
                await to_bob.send(range(n_bob, n_bob + 8))
                n_bob += 8
                await to_carol.send([n_carol])
                n_carol += 1
            assert bob_conn.closed, f"bob's connection still open after {n_bob} messages"
            closed_at = time.monotonic()
            overflow = [r for r in caplog.records if "dropping slow client" in r.getMessage()]
            assert [r.getMessage().split()[3] for r in overflow] == [f"{SDKAPPID}/bob"], (
                "bob (only) must be dropped for a full send queue (4008): "
                f"{[r.getMessage() for r in overflow]}"
            )

            # the dead connection leaves the registry within bounded time, while
            # alice keeps sending to both
            async def unregistered() -> bool:
                nonlocal n_bob, n_carol
                if not server.hub.registry.connections(SDKAPPID, "bob"):
                    return True
                await to_bob.send([n_bob])
                n_bob += 1
                await to_carol.send([n_carol])
                n_carol += 1
                return False

            await eventually(
                unregistered,
                "bob's stalled connection to leave the registry after it was closed as too slow",
                DROP_WAIT - (time.monotonic() - closed_at),
            )
            dropped_at = time.monotonic()
            await wait_received(carol, "alice", range(5, n_carol), marker=alice)

            # carol's deliveries kept flowing during the whole stall
            arrival = {
                index_of(p.data["message"]): p.at for p in carol.raw if p.ev == "MESSAGE_RECEIVED"
            }
            during = [
                i for i in range(5, n_carol) if stalled_at <= to_carol.sent_time[i] <= dropped_at
            ]
            lag = {i: arrival[i] - to_carol.sent_time[i] for i in during}
            worst = max(lag.values())
            # ...including while bob's stuck socket was still open on the server
            late = sum(1 for i in during if closed_at <= arrival[i] <= dropped_at)
            assert len(during) >= 10 and late >= 5 and worst < MAX_LAG, (
                f"carol during bob's stall: {len(during)} messages ({late} while bob's socket "
                f"was closing), worst delivery lag {worst:.3f} s after the send"
            )
            assert len(to_bob.acked) == n_bob, to_bob.failures[:5]

            # bob comes back on a fresh socket with his cursor
            read_before = len(raw_indices(bob, "alice"))
            await bob.drop()
            await bob.connect()
            await wait_received(bob, "alice", range(n_bob), marker=alice)
            audit(bob, "alice", range(n_bob), start_seq=bob_start).assert_perfect(
                "bob after his stall"
            )
            audit(carol, "alice", range(5, n_carol), start_seq=carol_start).assert_perfect("carol")
            print(
                f"stall: {n_bob} messages to bob ({read_before} read before the stall), "
                f"closed {closed_at - stalled_at:.2f} s after the stall, unregistered "
                f"{dropped_at - closed_at:.2f} s later; carol {len(during)} messages during "
                f"the stall, worst lag {worst * 1000:.1f} ms"
            )


# --- 5: heartbeat timeout ----------------------------------------------------------------------

HEARTBEAT_TIMEOUT = 1.5


async def test_heartbeat_timeout_drops_silent_clients_only(data_dir: Path) -> None:
    """A client silent for longer than ``heartbeat_timeout`` is closed with 4000
    (and resumes from its cursor afterwards); a client that sends heartbeats
    stays connected and keeps receiving."""
    async with tuned_server(data_dir, heartbeat_timeout=HEARTBEAT_TIMEOUT) as server:
        await server.import_users("alice", "bob", "carol")
        alice, bob, carol = (client_of(server, u) for u in ("alice", "bob", "carol"))
        async with clients(alice, bob, carol):
            for c in (alice, carol, bob):
                await c.connect()
            t0 = time.monotonic()  # bob's last frame to the server: his login
            assert bob.login_data["heartbeatTimeout"] == HEARTBEAT_TIMEOUT
            bob_start, carol_start = bob.session.cursor, carol.session.cursor
            to_bob, to_carol = Sender(alice, "bob"), Sender(alice, "carol")
            await to_bob.send(range(5))  # bob only reads from now on
            await to_carol.send(range(5))
            await wait_received(bob, "alice", range(5), marker=alice)

            async def beat(client: WsClient, until: float) -> int:
                n = 0
                while time.monotonic() < until and n < 100:
                    await client.call("heartbeat", within=2)
                    n += 1
                    # the behaviour under test: a client beating at its interval
                    await asyncio.sleep(HEARTBEAT_TIMEOUT / 4)
                return n

            # alice and carol send heartbeats; bob stays silent
            deadline = t0 + HEARTBEAT_TIMEOUT * 3
            beats = asyncio.gather(beat(alice, deadline), beat(carol, deadline))
            try:
                code = await bob.wait_closed(within=HEARTBEAT_TIMEOUT * 4)
            except TimeoutError:
                raise AssertionError(
                    f"bob, silent for {time.monotonic() - t0:.1f} s, is still connected "
                    f"(heartbeat timeout {HEARTBEAT_TIMEOUT} s)"
                ) from None
            silent_for = time.monotonic() - t0
            assert code == 4000, bob.close_codes
            assert HEARTBEAT_TIMEOUT <= silent_for < HEARTBEAT_TIMEOUT * 4, silent_for
            await asyncio.wait_for(beats, WAIT)
            assert carol.connected and alice.connected, (carol.close_codes, alice.close_codes)
            assert len(server.hub.registry.connections(SDKAPPID, "carol")) == 1

            # messages while bob is away; carol, still connected, gets hers live
            await to_bob.send(range(5, 15))
            await to_carol.send(range(5, 15))
            await wait_received(carol, "alice", range(15), marker=alice)
            await bob.connect()
            await wait_received(bob, "alice", range(15), marker=alice)
            bob_audit = audit(bob, "alice", range(15), start_seq=bob_start)
            bob_audit.assert_perfect("bob")
            audit(carol, "alice", range(15), start_seq=carol_start).assert_perfect("carol")
            assert carol.conn_no == 1 and bob.conn_no == 2
            ours = [p for p in bob.raw if index_of(p.data.get("message") or {}) is not None]
            assert sorted(p.conn_no for p in ours) == [1] * 5 + [2] * 10, bob.raw
            print(f"heartbeat: silent client closed with 4000 after {silent_for:.2f} s")


# --- the first reconnect of a client whose stream was empty -----------------------------------


async def test_first_reconnect_of_a_client_that_had_no_events(server: RunningServer) -> None:
    """bob logs in on an empty stream (cursor 0), loses his connection before
    any event, and alice sends meanwhile: on reconnect bob resumes from cursor 0
    and gets those messages (not "a new client, start at the end")."""
    await server.import_users("alice", "bob")
    alice, bob = client_of(server, "alice"), client_of(server, "bob")
    async with clients(alice, bob):
        await bob.connect()
        await alice.connect()
        start_seq = bob.session.cursor
        assert start_seq == 0
        bob.abort()
        await bob.wait_closed()
        await Sender(alice, "bob").send(range(3))
        await bob.connect()
        await wait_received(bob, "alice", range(3), within=5, marker=alice)
        audit(bob, "alice", range(3), start_seq=start_seq).assert_perfect("bob")


# --- a known gap: the sender's socket is cut while its message is being stored -------------------


def ops_in_flight() -> list[asyncio.Task[Any]]:
    """The client requests still running on this (in-process) server: the
    WebSocket endpoint runs each in a task of ``WebSocketEndpoint._run``, which
    ends after the op's commit and publish, even when its socket is gone."""
    code = WebSocketEndpoint._run.__code__
    return [t for t in asyncio.all_tasks() if getattr(t.get_coro(), "cr_code", None) is code]


SENDER_CUT_ATTEMPTS = 30


async def test_sender_cut_while_its_messages_are_stored(server: RunningServer) -> None:
    """alice's socket is cut while bursts of her sends are being stored, at
    growing delays: whatever was stored is pushed to bob, who stays online, at
    once (within 1 s, with no later event to reveal a gap)."""
    await server.import_users("alice", "bob")
    alice, bob = client_of(server, "alice"), client_of(server, "bob")
    async with clients(alice, bob):
        await bob.connect()
        start_seq = bob.session.cursor
        stored_all: list[int] = []
        unacked_stored = 0
        for attempt in range(SENDER_CUT_ATTEMPTS):
            await alice.connect()
            burst = range(attempt * 10, attempt * 10 + 10)
            sender = Sender(alice, "bob", window=10)
            sending = asyncio.create_task(sender.send(burst))
            # the behaviour under test: the cut lands at a growing point of the burst
            await asyncio.sleep(0.001 * attempt)
            alice.abort()
            await asyncio.wait_for(sending, WAIT)
            await alice.wait_closed()
            page = await bob.call("getMessageList", {"conversationID": "C2Calice", "count": 15})
            stored = sorted(
                i for m in page["messageList"] if (i := index_of(m)) is not None and i in burst
            )
            stored_all += stored
            unacked_stored += sum(1 for i in stored if i not in sender.acked)
            with contextlib.suppress(AssertionError):
                want = set(stored)
                await wait_for(lambda w=want: w <= raw_indices(bob, "alice"), str, 1.0)  # type: ignore[misc]
            not_pushed = sorted(set(stored) - raw_indices(bob, "alice"))
            assert not not_pushed, (
                f"attempt {attempt}: stored but not pushed to bob (online) within 1 s: "
                f"lost={len(not_pushed)} {not_pushed}"
            )
        # Requests in flight when a socket drops still finish (and publish), so a
        # few may have been stored after the per-attempt read. Once alice's sockets
        # are gone from the server, no request of hers runs in a task and the writer
        # has committed every send the read loops' fast lane queued, take the final
        # history.
        writer = server.hub.writer

        def settled() -> bool:
            gone = not server.hub.registry.connections(SDKAPPID, "alice")
            return gone and not ops_in_flight() and writer.written == writer.submitted

        await eventually(settled, "the cut sender's requests to be stored")
        stored_all = [i for m in await bob.history("C2Calice") if (i := index_of(m)) is not None]
        with contextlib.suppress(AssertionError):
            await wait_for(lambda: set(stored_all) <= raw_indices(bob, "alice"), str, 1.0)  # type: ignore[misc]
        audit(bob, "alice", stored_all, start_seq=start_seq).assert_perfect(
            "bob", sends_of=lambda i: i // 10
        )
        print(f"sender cuts: {len(stored_all)} stored, {unacked_stored} of them without an ack")
