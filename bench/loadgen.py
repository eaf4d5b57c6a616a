"""The load generator: a separate process (``python -m bench.loadgen``), pinned by the
orchestrator to the core the server does not use.

It takes one JSON command per line on stdin and answers one JSON line on
stdout per command (see :data:`COMMANDS`), so one process can log clients in,
run a burst, run a paced load and report, while the orchestrator samples the
server. Everything is built to cost as little CPU as possible per message:
uvloop, the bare WebSocket protocol of :mod:`bench.wsproto` (a callback per
frame, no task or future per message), request frames built by byte
concatenation (no pydantic, no dict per request), one ``transport.write`` per
received batch of frames. Every answer carries the generator's own CPU use
over the measured interval (``gen_cpu_pct``: 100 = one core), which shows
whether it could have been the bottleneck.

Messages are checked on arrival: each text is ``"<run>:<index>:<perf_counter
at send>"``, so the receiver (same process, same clock) computes latency and
counts lost, duplicated, out-of-order and late (earlier run) messages per
sender→receiver pair, and checks that its stream ``seq`` numbers have no gap.
Every logged-in client heartbeats at the protocol's interval, as real ones do.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import itertools
import math
import os
import random
import resource
import sys
import time
from array import array
from collections.abc import Awaitable, Callable
from typing import Any

import orjson

from bench import tencentproto as tp
from bench.storm import LiveTraffic, StormClients
from bench.wsproto import WsClient, connect, frame_header
from palaver.usersig import gen_usersig_v2

perf = time.perf_counter
CLK_TCK = os.sysconf("SC_CLK_TCK")
HEARTBEAT_INTERVAL = 30.0  # seconds, docs/protocol.md §3.2
HEARTBEAT_IDS_FROM = 1 << 30  # request ids of heartbeats (others count from 1)
_HEARTBEAT_IDS = itertools.count(HEARTBEAT_IDS_FROM)


def _heartbeat_frame() -> bytes:
    """A heartbeat request with an id no other request of the generator uses."""
    payload = b'{"id":%d,"op":"heartbeat"}' % next(_HEARTBEAT_IDS)
    return frame_header(len(payload)) + payload


def raise_fd_limit() -> int:
    """Raise the soft RLIMIT_NOFILE to the hard limit; returns the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def proc_cpu(pid: int) -> float:
    """utime + stime (all threads) of ``pid`` in seconds; 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(b")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def cores_busy() -> list[float]:
    """Busy seconds (all but idle and iowait) of each core since boot, from /proc/stat."""
    out = []
    with open("/proc/stat", "rb") as f:
        for line in f:
            if line.startswith(b"cpu") and line[3:4].isdigit():
                v = [int(x) for x in line.split()[1:9]]
                out.append((sum(v) - v[3] - v[4]) / CLK_TCK)
    return out


class Meter:
    """CPU of the server pids, other pids, this process and each core over an interval.

    ``noise`` is CPU that neither the server nor the generator used, on the
    server's core (core 0) and on the generator's (core 1): other work on this
    shared machine that competed with the measurement.
    """

    def __init__(self, server_pids: list[int], extra_pids: list[int] | None = None) -> None:
        self.server_pids, self.extra_pids = server_pids, extra_pids or []
        self.t0 = perf()
        self.gen0 = time.process_time()
        self.each0 = {p: proc_cpu(p) for p in server_pids + self.extra_pids}
        self.cores0 = cores_busy()

    def stop(self, t_end: float | None = None) -> dict[str, Any]:
        gen = time.process_time()
        each = {p: proc_cpu(p) - c0 for p, c0 in self.each0.items()}
        cores = cores_busy()
        wall = max((t_end or perf()) - self.t0, 1e-9)
        d_srv, d_gen = sum(each[p] for p in self.server_pids), gen - self.gen0
        busy = [b - a for a, b in zip(self.cores0, cores, strict=False)]
        return {
            "wall_s": wall,
            "server_cpu_s": d_srv,
            "server_cpu_pct": d_srv / wall * 100,
            "extra_cpu_s": sum(each[p] for p in self.extra_pids),
            # CPU seconds of each measured pid (str keys: the answer is JSON)
            "cpu_s_by_pid": {str(p): c for p, c in each.items()},
            "gen_cpu_pct": d_gen / wall * 100,
            "noise_core0_pct": max(0.0, (busy[0] - d_srv) / wall * 100) if busy else math.nan,
            "noise_core1_pct": max(0.0, (busy[1] - d_gen) / wall * 100)
            if len(busy) > 1
            else math.nan,
        }


def percentiles(values: list[float]) -> dict[str, float]:
    """p50/p90/p99/max (ms) of latencies in seconds (nearest rank)."""
    if not values:
        return {"p50_ms": math.nan, "p90_ms": math.nan, "p99_ms": math.nan, "max_ms": math.nan}
    v = sorted(values)

    def rank(p: float) -> float:
        return v[max(1, math.ceil(p / 100 * len(v))) - 1] * 1000

    return {"p50_ms": rank(50), "p90_ms": rank(90), "p99_ms": rank(99), "max_ms": v[-1] * 1000}


class Peer:
    """A logged-in client: routes responses to waiting futures, checks its stream.

    After login the fast paths of a scenario replace ``ws.on_frame``.
    """

    __slots__ = ("ws", "user", "pending", "next_id", "last_seq", "seq_gaps", "pushes", "synced")

    def __init__(self, ws: WsClient, user: str) -> None:
        self.ws = ws
        self.user = user
        self.pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.next_id = 1
        self.last_seq = -1  # unknown until the login response gives the cursor
        self.seq_gaps = 0
        self.pushes = 0
        self.synced: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        ws.on_frame = self.on_frame
        ws.on_close = self._closed

    def _closed(self) -> None:
        why = ConnectionError(f"closed ({self.ws.close_code})")
        futs: list[asyncio.Future[Any]] = [*self.pending.values(), self.synced]
        for fut in futs:
            if not fut.done():
                fut.set_exception(why)
                fut.exception()  # retrieved: whoever awaits it sees it, nobody else logs it

    def on_frame(self, payload: bytes) -> None:
        obj = orjson.loads(payload)
        if "ev" in obj:
            self.on_push(obj)
            return
        fut = self.pending.pop(obj.get("id"), None)
        if fut is not None and not fut.done():
            fut.set_result(obj)

    def on_push(self, obj: dict[str, Any]) -> None:
        self.pushes += 1
        seq = obj.get("seq")
        if seq is not None:
            self.check_seq(seq)
        elif obj["ev"] == "sync_done" and not self.synced.done():
            self.synced.set_result(None)

    def check_seq(self, seq: int) -> None:
        if self.last_seq >= 0 and seq != self.last_seq + 1:
            self.seq_gaps += 1
        self.last_seq = seq

    def heartbeat(self) -> bytes:
        """A heartbeat frame (docs/protocol.md §3.2)."""
        return _heartbeat_frame()

    def request(
        self, op: str, data: dict[str, Any] | None = None
    ) -> asyncio.Future[dict[str, Any]]:
        rid = self.next_id
        self.next_id += 1
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.pending[rid] = fut
        self.ws.send(orjson.dumps({"id": rid, "op": op, "data": data or {}}))
        return fut

    async def call(self, op: str, data: dict[str, Any] | None = None, within: float = 30) -> Any:
        """A request's response data; raises RuntimeError on a non-zero code."""
        async with asyncio.timeout(within):
            obj = await self.request(op, data)
        if obj.get("code") != 0:
            raise RuntimeError(f"{op}: {obj.get('code')} {obj.get('message')}")
        return obj.get("data") or {}


class GroupRx:
    """What the group members held by this process received (scenario 8).

    Each member's frame callback (:meth:`add`) parses only what it needs from the
    bytes (the group stream's ``seq``, and the text ``gf:<index>:<perf_counter at
    send>``) and stores the receive time per (member, message index); everything
    else is computed in :meth:`report`, after the measurement. ``perf_counter`` is
    ``CLOCK_MONOTONIC``: the sender's stamp (another process) is on the same clock.
    """

    def __init__(self, group: str, slots: int) -> None:
        self.prefix = b'{"ev":"MESSAGE_RECEIVED","stream":"GROUP' + group.encode() + b'","seq":'
        self.slots = slots
        self.recv: list[array[float]] = []  # per member: receive time per index (0: none)
        self.clients: list[Peer] = []
        self.high: list[int] = []  # per member: highest index received
        self.last_seq: list[int] = []  # per member: last group seq received
        self.stamps = array("d", bytes(8 * slots))
        self.unique = 0  # first deliveries of (member, index)
        self.last_t = 0.0
        self.target = 0
        self.reached: asyncio.Future[None] | None = None
        self.counts = {"duplicated": 0, "out_of_order": 0, "seq_gaps": 0, "malformed": 0}
        self.other = 0  # frames that are neither group messages nor heartbeat answers
        self.frame_bytes = 0  # size of the last group message frame (its payload)
        self.errors: list[str] = []

    def add(self, peer: Peer, on_heartbeat: Callable[[], None]) -> Callable[[bytes], None]:
        """Record the frames of one more member; returns its frame callback."""
        c = len(self.recv)
        self.clients.append(peer)
        rt = array("d", bytes(8 * self.slots))
        self.recv.append(rt)
        self.high.append(-1)
        self.last_seq.append(-1)
        prefix, plen, slots, counts = self.prefix, len(self.prefix), self.slots, self.counts
        high, last_seq, stamps = self.high, self.last_seq, self.stamps

        def on_frame(payload: bytes) -> None:
            now = perf()
            if not payload.startswith(prefix):
                if payload.startswith(b'{"id":'):
                    on_heartbeat()
                else:
                    self.other += 1
                    if len(self.errors) < 5:
                        self.errors.append(payload[:200].decode(errors="replace"))
                return
            try:
                end = payload.index(b",", plen)
                seq = int(payload[plen:end])
                j = payload.index(b'"text":"gf:', end) + 11
                i_s, t_s = payload[j : payload.index(b'"', j)].split(b":")
                i, t = int(i_s), float(t_s)
            except ValueError:
                counts["malformed"] += 1
                return
            last = last_seq[c]
            if seq > last:
                if last >= 0 and seq != last + 1:
                    counts["seq_gaps"] += 1
                last_seq[c] = seq
            if not 0 <= i < slots:
                counts["malformed"] += 1
                return
            if rt[i]:
                counts["duplicated"] += 1
                return
            rt[i] = now
            stamps[i] = t
            self.frame_bytes = len(payload)
            if i < high[c]:
                counts["out_of_order"] += 1
            else:
                high[c] = i
            self.unique += 1
            self.last_t = now
            if self.unique >= self.target and self.reached is not None and not self.reached.done():
                self.reached.set_result(None)

        return on_frame

    def report(self, lo: int, hi: int) -> dict[str, Any]:
        """Per index in [lo, hi): deliveries, last receive time, send stamp, latency
        histogram ``{bucket: count}`` (bucket = 0.1 ms); then the counters since the
        last report (reset)."""
        per: list[dict[str, Any]] = []
        for i in range(lo, hi):
            times = [rt[i] for rt in self.recv if rt[i]]
            stamp = self.stamps[i]
            hist: dict[int, int] = {}
            for x in times:
                b = int((x - stamp) * 10_000)
                hist[b] = hist.get(b, 0) + 1
            per.append(
                {
                    "index": i,
                    "delivered": len(times),
                    "first_t": min(times, default=0.0),
                    "last_t": max(times, default=0.0),
                    "stamp": stamp,
                    "hist": {str(b): n for b, n in hist.items()},
                }
            )
        counts = dict(self.counts)
        for k in self.counts:
            self.counts[k] = 0
        closed = [f"{p.user}: {p.ws.close_code}" for p in self.clients if p.ws.closed.done()]
        return {
            "messages": per,
            **counts,
            "other_frames": self.other,
            "frame_bytes": self.frame_bytes,
            "closed": len(closed),
            "closed_clients": closed[:20],
            "first_errors": self.errors,
        }


class Generator:
    """The generator's state between commands."""

    def __init__(self) -> None:
        self.sdkappid = 0
        self.key = ""
        self.nodes: list[tuple[str, int]] = []
        self.senders: list[Peer | tp.TencentPeer] = []
        self.receivers: list[Peer | tp.TencentPeer] = []
        self.protocol = "palaver"  # of the pairs: "palaver" (/ws) or "tencent" (/binfo)
        self.idle: list[Peer] = []
        self.sigs: dict[str, str] = {}
        self.runs = 0  # C2C runs so far: a message of an earlier run arriving now is "stale"
        self.running = False  # a C2C run is on
        self.heartbeats_sent = 0
        self.heartbeats_answered = 0
        self._heartbeat_task: asyncio.Task[None] | None = None
        self.group_rx: GroupRx | None = None  # group members held here (scenario 8)
        self.group_sender: tuple[Peer, str] | None = None  # (sender, group id)
        self.live: LiveTraffic | None = None  # scenario 12
        self.storm: StormClients | None = None  # scenario 12

    # -- helpers ----------------------------------------------------------

    def sig(self, user: str) -> str:
        s = self.sigs.get(user)
        if s is None:
            s = self.sigs[user] = gen_usersig_v2(self.sdkappid, self.key, user, 7 * 86400)
        return s

    async def login(
        self, user: str, node: int = 0, local_host: str | None = None, within: float = 30
    ) -> Peer:
        """Connect, log in (a new client: no cursor) and wait for ``sync_done``."""
        host, port = self.nodes[node]
        ws = await connect(host, port, local_host=local_host, within=within)
        peer = Peer(ws, user)
        try:
            async with asyncio.timeout(within):
                data = await peer.call(
                    "login",
                    {
                        "v": 1,
                        "SDKAppID": self.sdkappid,
                        "userID": user,
                        "userSig": self.sig(user),
                        "platform": "Linux",
                    },
                )
                peer.last_seq = int(data["cursor"])
                await peer.synced
        except BaseException:
            ws.abort()
            raise
        return peer

    # -- commands -----------------------------------------------------------

    async def cmd_setup(self, c: dict[str, Any]) -> dict[str, Any]:
        self.sdkappid, self.key = int(c["sdkappid"]), c["key"]
        self.nodes = [(h, int(p)) for h, p in c["nodes"]]
        if self._heartbeat_task is None:
            self._heartbeat_task = asyncio.create_task(self._heartbeats())
        return {"fd_limit": raise_fd_limit(), "pid": os.getpid()}

    async def login_tencent(self, user: str, node: int = 0) -> tp.TencentPeer:
        """Connect to ``/binfo`` and log in as Tencent's web SDK does."""
        host, port = self.nodes[node]
        return await tp.tencent_login(host, port, self.sdkappid, user, self.sig(user))

    async def cmd_pairs(self, c: dict[str, Any]) -> dict[str, Any]:
        """Log in ``pairs`` senders and receivers (closing earlier pairs), speaking
        ``protocol``: ``palaver`` (default) or ``tencent``."""
        await self.cmd_close_pairs({})
        k = int(c["pairs"])
        prefix = c.get("prefix", "bench")
        sn, rn = int(c.get("sender_node", 0)), int(c.get("receiver_node", 0))
        self.protocol = c.get("protocol", "palaver")
        login: Callable[[str, int], Awaitable[Peer | tp.TencentPeer]]
        login = self.login_tencent if self.protocol == "tencent" else self.login
        self.senders = [await login(f"{prefix}_s{i}", sn) for i in range(k)]
        self.receivers = [await login(f"{prefix}_r{i}", rn) for i in range(k)]
        return {"pairs": k, "protocol": self.protocol}

    async def cmd_close_pairs(self, c: dict[str, Any]) -> dict[str, Any]:
        for p in self.senders + self.receivers:
            p.ws.close()
        self.senders, self.receivers = [], []
        return {}

    async def cmd_burst(self, c: dict[str, Any]) -> dict[str, Any]:
        """Every sender sends ``count`` messages to its receiver, at most ``window``
        unacknowledged at a time, as fast as the server acknowledges."""
        return await self._c2c(c, paced_rate=None)

    async def cmd_paced(self, c: dict[str, Any]) -> dict[str, Any]:
        """``count`` messages in all at ``rate`` per second, round-robin over the pairs."""
        return await self._c2c(c, paced_rate=float(c["rate"]))

    # One measurement run (complexity 44, over the cap of 12): its per-pair state
    # lives in flat lists that the frame callbacks below close over, the cheapest
    # state to reach on the load generator's hot path. Left whole on purpose:
    # methods would put attribute lookups there, and nothing but a bench run
    # would check the rewrite.
    async def _c2c(self, c: dict[str, Any], paced_rate: float | None) -> dict[str, Any]:  # noqa: C901
        senders, receivers = self.senders, self.receivers
        k = len(senders)
        if paced_rate is None:
            per_pair = int(c["count"])
            counts = [per_pair] * k
        else:
            total = int(c["count"])
            counts = [total // k + (1 if i < total % k else 0) for i in range(k)]
        window = int(c.get("window", 64))
        timeout = float(c.get("timeout", 120))
        server_pids = [int(p) for p in c.get("server_pids", [])]
        extra_pids = [int(p) for p in c.get("extra_pids", [])]
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        expected = sum(counts)
        self.runs += 1
        run = self.runs
        stale = [0] * k

        # per pair state, in flat lists indexed by pair (cheap to reach from callbacks)
        sent = [0] * k
        acked = [0] * k
        nacked = [0] * k
        inflight = [0] * k
        got = [0] * k
        dup = [0] * k
        ooo = [0] * k
        bad = [0] * k
        high = [-1] * k
        seen = [bytearray(n) for n in counts]
        lat = [array("d", bytes(8 * n)) for n in counts]
        echoes = [0] * k
        errors: list[str] = []
        totals = {"delivered": 0, "acked": 0}
        last_delivery = [0.0]
        lateness: list[float] = []

        def check_done() -> None:
            if totals["delivered"] >= expected and totals["acked"] >= expected and not done.done():
                done.set_result(None)

        def answered(i: int, ok: bool, payload: bytes) -> None:
            """Sender ``i`` got the answer to one of its sends."""
            inflight[i] -= 1
            totals["acked"] += 1
            if ok:
                acked[i] += 1
                return
            nacked[i] += 1
            if len(errors) < 5:
                errors.append(payload[:300].decode(errors="replace"))

        def received(i: int, text: str, now: float) -> None:
            """Receiver ``i`` got a message whose text is ``text`` at ``now``."""
            try:
                r_s, n_s, t_s = text.split(":")
                n = int(n_s)
                t = float(t_s)
            except ValueError:
                bad[i] += 1
                return
            if int(r_s) != run:
                stale[i] += 1
                return
            if not 0 <= n < counts[i]:
                bad[i] += 1
                return
            s = seen[i]
            if s[n]:
                dup[i] += 1
                if len(errors) < 8:
                    errors.append(f"pair {i}: message {n} again")
                return
            s[n] = 1
            if n < high[i]:
                ooo[i] += 1
                if len(errors) < 8:
                    errors.append(f"pair {i}: message {n} after {high[i]}")
            else:
                high[i] = n
            lat[i][n] = now - t
            got[i] += 1
            totals["delivered"] += 1
            last_delivery[0] = now

        if self.protocol == "tencent":
            make_frame, sender_handler, receiver_handler = _tencent_c2c(
                senders, receivers, run, answered, received, echoes, errors
            )
        else:
            make_frame, sender_handler, receiver_handler = _palaver_c2c(
                senders, receivers, run, answered, received, echoes, errors
            )

        def fill(i: int) -> None:
            """Burst: top the window of sender ``i`` up (one write)."""
            room = min(window - inflight[i], counts[i] - sent[i])
            if room <= 0:
                return
            out = []
            n0 = sent[i]
            for n in range(n0, n0 + room):
                out.append(make_frame(i, n, perf()))
            sent[i] = n0 + room
            inflight[i] += room
            senders[i].ws.send_raw(b"".join(out))

        def after_sender(i: int) -> Callable[[], None]:
            def after() -> None:
                if paced_rate is None:
                    fill(i)
                check_done()

            return after

        saved = [(p.ws.on_frame, p.ws.after_frames) for p in senders + receivers]
        for i in range(k):
            senders[i].ws.on_frame = sender_handler(i)
            senders[i].ws.after_frames = after_sender(i)
            receivers[i].ws.on_frame = receiver_handler(i)
            receivers[i].ws.after_frames = check_done

        self.running = True
        gc.collect()
        gc.disable()
        meter = Meter(server_pids, extra_pids)
        t0 = meter.t0
        ticker: asyncio.TimerHandle | None = None
        if paced_rate is None:
            for i in range(k):
                fill(i)
        else:
            state = {"n": 0}
            period = 1.0 / paced_rate

            def tick() -> None:
                nonlocal ticker
                now = perf()
                due = min(expected, int((now - t0) / period) + 1)
                writes: dict[int, list[bytes]] = {}
                while state["n"] < due:
                    m = state["n"]
                    i = m % k
                    lateness.append(now - (t0 + m * period))
                    writes.setdefault(i, []).append(make_frame(i, sent[i], perf()))
                    sent[i] += 1
                    inflight[i] += 1
                    state["n"] = m + 1
                for i, frames in writes.items():
                    senders[i].ws.send_raw(b"".join(frames))
                if state["n"] < expected:
                    wait = t0 + state["n"] * period - perf()
                    ticker = loop.call_later(max(0.0, wait), tick)

            tick()
        # Bounded twice: by ``timeout`` in all, and by ``stall`` seconds without any
        # delivery (a message the server acknowledged but never pushed stays "lost").
        stall = float(c.get("stall", 10))
        timed_out = stalled = False
        while not done.done():
            now = perf()
            if now - t0 > timeout:
                timed_out = True
                break
            if now - max(t0, last_delivery[0]) > stall and sum(sent) == expected:
                timed_out = stalled = True
                break
            await asyncio.wait([done], timeout=0.25)
        t_end = last_delivery[0] if totals["delivered"] else perf()
        m = meter.stop(t_end)
        if ticker is not None:
            ticker.cancel()
        gc.enable()
        await asyncio.sleep(float(c.get("grace", 0.3)))  # late duplicates would show here
        self.running = False
        for p, (f, a) in zip(senders + receivers, saved, strict=True):
            p.ws.on_frame, p.ws.after_frames = f, a

        elapsed = max(t_end - t0, 1e-9)
        delivered = totals["delivered"]
        lats = [x for i in range(k) for n, x in enumerate(lat[i]) if seen[i][n]]
        out: dict[str, Any] = {
            "pairs": k,
            "window": window if paced_rate is None else None,
            "rate": paced_rate,
            "messages": expected,
            "sent": sum(sent),
            "acked": sum(acked),
            "errors_acked": sum(nacked),
            "delivered": delivered,
            "lost": expected - delivered,
            "duplicated": sum(dup),
            "out_of_order": sum(ooo),
            "malformed": sum(bad),
            "stale": sum(stale),
            "seq_gaps": sum(p.seq_gaps for p in senders + receivers),
            "echoes_to_sender": sum(echoes),
            "elapsed_s": elapsed,
            "msgs_per_s": delivered / elapsed,
            **m,
            "server_cpu_us_per_msg": m["server_cpu_s"] / max(delivered, 1) * 1e6,
            "extra_cpu_us_per_msg": m["extra_cpu_s"] / max(delivered, 1) * 1e6,
            "timed_out": timed_out,
            "stalled": stalled,
            "first_errors": errors,
            "closed_clients": [
                f"{p.user}: {p.ws.close_code}" for p in senders + receivers if p.ws.closed.done()
            ],
            **percentiles(lats),
        }
        if lateness:
            out["send_lateness_p99_ms"] = percentiles(lateness)["p99_ms"]
            out["achieved_rate"] = sum(sent) / elapsed
        return out

    async def cmd_history(self, c: dict[str, Any]) -> dict[str, Any]:
        """``calls`` sequential ``getMessageList`` calls by ``user`` in the conversation
        with ``peer``: a page before a random one of ``anchors`` (message IDs), or
        the newest page when ``anchors`` is empty or for every ``latest_every``-th."""
        user, peer_user = c["user"], c["peer"]
        anchors: list[str] = c.get("anchors") or []
        calls = int(c["calls"])
        rng = random.Random(7)
        peer = await self.login(user, int(c.get("node", 0)))
        conv = "C2C" + peer_user
        lats: list[float] = []
        pages = 0
        try:
            for _ in range(min(20, calls)):  # warm-up
                await peer.call("getMessageList", {"conversationID": conv})
            meter = Meter([int(p) for p in c.get("server_pids", [])])
            for n in range(calls):
                data: dict[str, Any] = {"conversationID": conv}
                if anchors and n % 10:
                    data["nextReqMessageID"] = rng.choice(anchors)
                t = perf()
                res = await peer.call("getMessageList", data)
                lats.append(perf() - t)
                pages += len(res["messageList"]) == 15
            m = meter.stop()
        finally:
            peer.ws.close()
        return {
            "calls": calls,
            "full_pages": pages,
            "calls_per_s": calls / m["wall_s"],
            **m,
            "server_cpu_us_per_call": m["server_cpu_s"] / calls * 1e6,
            **percentiles(lats),
        }

    async def cmd_rest(self, c: dict[str, Any]) -> dict[str, Any]:
        """REST load: ``calls`` POSTs of ``bodies`` (round-robin, pre-encoded) to
        ``path`` by ``concurrency`` callers, each on its own keep-alive HTTP/1.1
        connection written and read with asyncio streams (aiohttp's client cost
        this process ~150 µs a call, which capped the bench below the server);
        latency per call."""
        host, port = self.nodes[int(c.get("node", 0))]
        admin = c.get("admin", "administrator")
        target = (
            f"{c['path']}?sdkappid={self.sdkappid}&identifier={admin}"
            f"&usersig={self.sig(admin)}&contenttype=json&random="
        ).encode()
        heads = []
        for b in c["bodies"]:
            body = orjson.dumps(b)
            heads.append(
                (
                    b" HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\n\r\n" % (host.encode(), port, len(body)),
                    body,
                )
            )
        calls, conc = int(c["calls"]), int(c["concurrency"])
        server_pids = [int(p) for p in c.get("server_pids", [])]
        lats: list[float] = []
        errors: list[str] = []
        failed = 0
        counter = iter(range(calls + 50 * conc))

        async def caller(
            limit: int, conn: tuple[asyncio.StreamReader, asyncio.StreamWriter]
        ) -> None:
            nonlocal failed
            reader, writer = conn
            for n in counter:
                if n >= limit:
                    return
                head, body = heads[n % len(heads)]
                t = perf()
                writer.write(b"POST " + target + str(n).encode() + head + body)
                status_and_headers = await reader.readuntil(b"\r\n\r\n")
                at = status_and_headers.lower().find(b"content-length:")
                size = int(status_and_headers[at + 15 : status_and_headers.index(b"\r\n", at)])
                raw = await reader.readexactly(size)
                if status_and_headers.startswith(b"HTTP/1.1 200") and b'"ActionStatus":"OK"' in raw:
                    lats.append(perf() - t)
                else:
                    failed += 1
                    if len(errors) < 5:
                        errors.append(f"{status_and_headers[:12]!r}: {raw[:300]!r}")

        conns = [await asyncio.open_connection(host, port) for _ in range(conc)]
        try:
            warm = 20 * conc
            await asyncio.gather(*(caller(warm, conn) for conn in conns))
            lats.clear()
            counter = iter(range(warm, warm + calls))
            gc.collect()
            meter = Meter(server_pids)
            await asyncio.wait_for(
                asyncio.gather(*(caller(warm + calls, conn) for conn in conns)),
                float(c.get("timeout", 120)),
            )
            m = meter.stop()
        finally:
            for _, writer in conns:
                writer.close()
        return {
            "calls": calls,
            "concurrency": conc,
            "ok": len(lats),
            "failed": failed,
            "elapsed_s": m["wall_s"],
            "calls_per_s": len(lats) / m["wall_s"],
            **m,
            "server_cpu_us_per_call": m["server_cpu_s"] / calls * 1e6,
            "first_errors": errors,
            **percentiles(lats),
        }

    async def cmd_media(self, c: dict[str, Any]) -> dict[str, Any]:
        """Media load (issue 11 §5): ``count`` uploads of ``size`` random bytes each by
        ``concurrency`` callers to ``POST /media/upload`` (as user ``user``, kind
        ``file``), then a download of each; MB/s, latency and server CPU per MB of
        each phase, and whether every download matched its upload byte for byte."""
        import hashlib

        import aiohttp

        host, port = self.nodes[int(c.get("node", 0))]
        user = c.get("user", "bench_alice")
        count, size, conc = int(c["count"]), int(c["size"]), int(c["concurrency"])
        server_pids = [int(p) for p in c.get("server_pids", [])]
        base = f"http://{host}:{port}"
        query = {"sdkappid": str(self.sdkappid), "identifier": user, "usersig": self.sig(user)}
        blobs = [os.urandom(size) for _ in range(count)]
        digests = [hashlib.sha256(b).digest() for b in blobs]
        urls: list[str | None] = [None] * count
        errors: list[str] = []
        up_lats: list[float] = []
        down_lats: list[float] = []
        mismatched = 0
        timeout = float(c.get("timeout", 300))
        conn = aiohttp.TCPConnector(limit=conc)
        async with aiohttp.ClientSession(
            connector=conn, timeout=aiohttp.ClientTimeout(total=120)
        ) as session:

            async def upload(i: int) -> None:
                t = perf()
                async with session.post(
                    base + "/media/upload",
                    params={**query, "type": "file", "name": f"bench{i}.bin"},
                    data=blobs[i],
                ) as resp:
                    answer = await resp.json(content_type=None)
                if answer.get("ErrorCode") == 0:
                    urls[i] = answer["URL"]
                    up_lats.append(perf() - t)
                elif len(errors) < 5:
                    errors.append(f"upload {i}: {answer}")

            async def download(i: int) -> None:
                nonlocal mismatched
                url = urls[i]
                if url is None:
                    return
                t = perf()
                h = hashlib.sha256()
                async with session.get(url) as resp:
                    async for chunk in resp.content.iter_chunked(1 << 16):
                        h.update(chunk)
                down_lats.append(perf() - t)
                if h.digest() != digests[i]:
                    mismatched += 1

            async def phase(fn: Callable[[int], Awaitable[None]]) -> dict[str, float]:
                todo = iter(range(count))

                async def worker() -> None:
                    for i in todo:
                        await fn(i)

                meter = Meter(server_pids)
                await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(conc))), timeout)
                return meter.stop()

            gc.collect()
            up = await phase(upload)
            down = await phase(download)
        return _media_report(c, up, down, up_lats, down_lats) | {
            "mismatched": mismatched,
            "first_errors": errors,
        }

    async def cmd_idle_open(self, c: dict[str, Any]) -> dict[str, Any]:
        """Log in users ``prefix_<start>`` .. ``prefix_<end-1>`` and keep them connected
        (``concurrency`` logins at once; ``local_host`` binds the client side). With
        ``group`` set they are that group's members: their group frames are recorded
        (:class:`GroupRx`; ``slots`` = how many messages the scenario sends)."""
        rx: GroupRx | None = None
        if c.get("group"):
            if self.group_rx is None:
                self.group_rx = GroupRx(c["group"], int(c["slots"]))
            rx = self.group_rx
        prefix, start, end = c["prefix"], int(c["start"]), int(c["end"])
        conc = int(c.get("concurrency", 200))
        local = c.get("local_host")
        node = int(c.get("node", 0))
        deadline = perf() + float(c.get("timeout", 300))
        max_failures = int(c.get("max_failures", 200))
        sem = asyncio.Semaphore(conc)
        failures: dict[str, int] = {}
        opened: list[Peer] = []
        stop = False
        t0, cpu0 = perf(), time.process_time()
        lat: list[float] = []

        async def one(n: int) -> None:
            nonlocal stop
            async with sem:
                if stop or perf() > deadline:
                    return
                t = perf()
                try:
                    peer = await self.login(
                        f"{prefix}_{n}", node, local, within=min(30, deadline - perf() + 1)
                    )
                except Exception as exc:  # counted and reported, never hidden
                    why = f"{type(exc).__name__}: {exc}"[:120]
                    failures[why] = failures.get(why, 0) + 1
                    if sum(failures.values()) >= max_failures:
                        stop = True
                    return
                lat.append(perf() - t)
                if rx is None:
                    peer.ws.on_frame = self._idle_frame(peer)
                else:
                    peer.ws.on_frame = rx.add(peer, self._heartbeat_answered)
                opened.append(peer)
                # it heartbeats from now on: a client that waited for the whole batch
                # to log in stayed silent for minutes (issue 20: the 4000 closes)
                self.idle.append(peer)

        tasks = [asyncio.ensure_future(one(n)) for n in range(start, end)]
        await asyncio.gather(*tasks)
        if rx is not None:  # thousands of long-lived clients: keep them out of GC passes
            gc.collect()
            gc.freeze()
        wall = perf() - t0
        return {
            "requested": end - start,
            "opened": len(opened),
            "failed": sum(failures.values()),
            "failures": failures,
            "stopped_early": stop,
            "total_idle": len(self.idle),
            "elapsed_s": wall,
            "logins_per_s": len(opened) / wall,
            "gen_cpu_pct": (time.process_time() - cpu0) / wall * 100,
            "fds": len(os.listdir("/proc/self/fd")),
            **{f"login_{k}": v for k, v in percentiles(lat).items()},
        }

    def _idle_frame(self, peer: Peer) -> Callable[[bytes], None]:
        def on_frame(payload: bytes) -> None:
            if payload.startswith(b'{"id":'):
                self.heartbeats_answered += 1
            else:
                peer.pushes += 1

        return on_frame

    def _heartbeat_answered(self) -> None:
        self.heartbeats_answered += 1

    # -- group fan-out (scenario 8) ------------------------------------------

    async def cmd_group_sender(self, c: dict[str, Any]) -> dict[str, Any]:
        """Log in ``user`` (a member of ``group``) as the group's sender; it heartbeats
        like the idle clients."""
        peer = await self.login(c["user"], int(c.get("node", 0)))
        self.group_sender = (peer, c["group"])
        self.idle.append(peer)
        return {}

    async def cmd_group_send(self, c: dict[str, Any]) -> dict[str, Any]:
        """The sender sends messages ``start`` .. ``start+count-1`` to the group, all in
        one write (``count`` 1: a single message), text ``gf:<index>:<perf_counter>``;
        waits (at most ``timeout`` s) for every acknowledgement."""
        assert self.group_sender is not None
        peer, group = self.group_sender
        start, count = int(c["start"]), int(c["count"])
        loop = asyncio.get_running_loop()
        futs: list[asyncio.Future[dict[str, Any]]] = []
        frames: list[bytes] = []
        stamps: list[float] = []
        for i in range(start, start + count):
            rid = peer.next_id
            peer.next_id += 1
            fut: asyncio.Future[dict[str, Any]] = loop.create_future()
            peer.pending[rid] = fut
            futs.append(fut)
            stamp = perf()
            stamps.append(stamp)
            payload = orjson.dumps(
                {
                    "id": rid,
                    "op": "sendMessage",
                    "data": {
                        "to": group,
                        "conversationType": "GROUP",
                        "payload": {"text": f"gf:{i}:{stamp:.7f}"},
                    },
                }
            )
            frames.append(frame_header(len(payload)) + payload)
        peer.ws.send_raw(b"".join(frames))
        errors: list[str] = []
        seqs: list[int] = []
        timed_out = False
        try:
            async with asyncio.timeout(float(c.get("timeout", 60))):
                answers = await asyncio.gather(*futs)
        except TimeoutError:
            timed_out = True
            answers = [f.result() for f in futs if f.done() and not f.exception()]
        for a in answers:
            if a.get("code") == 0:
                seqs.append(int(a["data"]["message"]["sequence"]))
            elif len(errors) < 5:
                errors.append(str(a)[:300])
        return {
            "stamps": stamps,
            "acked": len(seqs),
            "sequences": seqs,
            "errors_acked": len(answers) - len(seqs),
            "first_errors": errors,
            "timed_out": timed_out,
        }

    async def cmd_group_wait(self, c: dict[str, Any]) -> dict[str, Any]:
        """Wait until every member here has every message before index ``upto``, or
        ``stall`` s pass without a delivery, or ``timeout`` s in all."""
        rx = self.group_rx
        assert rx is not None
        upto, stall, timeout = int(c["upto"]), float(c.get("stall", 10)), float(c["timeout"])
        rx.target = len(rx.recv) * upto
        rx.reached = asyncio.get_running_loop().create_future()
        if rx.unique >= rx.target:
            rx.reached.set_result(None)
        t0 = perf()
        timed_out = stalled = False
        while not rx.reached.done():
            now = perf()
            if now - t0 > timeout:
                timed_out = True
                break
            if now - max(t0, rx.last_t) > stall:
                timed_out = stalled = True
                break
            await asyncio.wait([rx.reached], timeout=0.05)
        return {
            "members": len(rx.recv),
            "delivered": rx.unique,
            "target": rx.target,
            "timed_out": timed_out,
            "stalled": stalled,
        }

    async def cmd_group_report(self, c: dict[str, Any]) -> dict[str, Any]:
        """For message indexes ``lo`` .. ``hi-1``: deliveries, the last receive time and
        a latency histogram (send stamp → receive, 0.1 ms buckets); and the dup /
        out-of-order / seq-gap / malformed counts since the previous report."""
        rx = self.group_rx
        assert rx is not None
        return {"members": len(rx.recv), **rx.report(int(c["lo"]), int(c["hi"]))}

    async def cmd_idle_hold(self, c: dict[str, Any]) -> dict[str, Any]:
        """Measure ``seconds`` of idleness: the clients keep heartbeating (see
        :meth:`_heartbeats`); report heartbeats sent/answered and clients still open."""
        seconds = float(c["seconds"])
        server_pids = [int(p) for p in c.get("server_pids", [])]
        sent0, answered0 = self.heartbeats_sent, self.heartbeats_answered
        meter = Meter(server_pids)
        await asyncio.sleep(seconds)
        m = meter.stop()
        return {
            "clients": len(self.idle),
            "heartbeats_sent": self.heartbeats_sent - sent0,
            "heartbeats_answered": self.heartbeats_answered - answered0,
            "still_open": sum(1 for p in self.idle if not p.ws.closed.done()),
            **m,
        }

    async def _heartbeats(self) -> None:
        """Every logged-in client heartbeats every :data:`HEARTBEAT_INTERVAL` seconds, as
        real clients do (docs/protocol.md §3.2), spread evenly over the interval. Senders
        skip it during a C2C run (their sends are signs of life); receivers ignore the
        answers then."""
        step = 0.05
        owed = 0.0
        idx = 0
        pair_due = perf() + HEARTBEAT_INTERVAL
        while True:
            await asyncio.sleep(step)
            peers = self.idle
            n = len(peers)
            owed += n * step / HEARTBEAT_INTERVAL
            while owed >= 1 and n:
                owed -= 1
                p = peers[idx % n]
                idx += 1
                if not p.ws.closed.done():
                    p.ws.send_raw(_heartbeat_frame())
                    self.heartbeats_sent += 1
            if perf() >= pair_due:
                pair_due += HEARTBEAT_INTERVAL
                for p in self.receivers + ([] if self.running else self.senders):
                    p.ws.send_raw(p.heartbeat())

    async def cmd_idle_close(self, c: dict[str, Any]) -> dict[str, Any]:
        """Close ``count`` idle clients (all by default), the newest first."""
        n = min(int(c.get("count", len(self.idle))), len(self.idle))
        closing, self.idle = self.idle[len(self.idle) - n :], self.idle[: len(self.idle) - n]
        for p in closing:
            p.ws.close()
        await asyncio.sleep(0.5)
        return {"closed": n, "idle": len(self.idle)}

    # -- login and reconnect storms (scenario 12, bench/storm.py) -----------------

    async def cmd_live_start(self, c: dict[str, Any]) -> dict[str, Any]:
        """The logged-in pairs start sending at ``rate`` msg/s in all and every one
        of them pings every ``ping_interval`` s, until ``live_stop``."""
        live = LiveTraffic(
            self.senders, self.receivers, float(c["rate"]), float(c.get("ping_interval", 0.5))
        )
        self.running = True  # the 30 s heartbeats of the pairs are the pings now
        live.task = asyncio.create_task(live.run())
        self.live = live
        return {}

    async def cmd_live_stop(self, c: dict[str, Any]) -> dict[str, Any]:
        """Stop sending, wait up to ``drain`` s for what is on its way, report."""
        live = self.live
        assert live is not None and live.task is not None
        live.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await live.task
        deadline = perf() + float(c.get("drain", 10))
        while perf() < deadline:
            sent = sum(live.sent)
            if sum(len(g) for g in live.got) >= sent and live.acked + live.nacked >= sent:
                break
            await asyncio.sleep(0.05)
        self.running = False
        return live.report()

    async def cmd_storm_open(self, c: dict[str, Any]) -> dict[str, Any]:
        """Log users ``prefix_<start>`` .. ``prefix_<end-1>`` in all at once (new
        logins), each retrying with backoff until ``timeout`` s."""
        if self.storm is None:
            self.storm = StormClients(self)
        users = [f"{c['prefix']}_{n}" for n in range(int(c["start"]), int(c["end"]))]
        return await self.storm.run(c, users, {})

    async def cmd_storm_reconnect(self, c: dict[str, Any]) -> dict[str, Any]:
        """Drop every storm client's socket at once, then log them all in again at
        once with their cursors (a network blip). With ``dropped``, the server
        dropped them (it was killed): wait (up to ``close_wait`` s) until every
        socket is closed instead, then the same."""
        storm = self.storm
        assert storm is not None
        peers = dict(storm.peers)
        gone = {id(p) for p in peers.values()}
        self.idle = [p for p in self.idle if id(p) not in gone]
        if c.get("dropped"):
            closing = [p.ws.closed for p in peers.values()]
            await asyncio.wait(closing, timeout=float(c.get("close_wait", 30)))
        for p in peers.values():
            p.ws.abort()
        cursors = {u: max(p.last_seq, 0) for u, p in peers.items()}
        storm.peers.clear()
        return await storm.run(c, list(peers), cursors)

    async def cmd_storm_texts(self, c: dict[str, Any]) -> dict[str, Any]:
        """Wait up to ``wait`` s until every storm client held here received each of
        ``texts``; then how many are missing or came twice, and stream gaps."""
        storm = self.storm
        assert storm is not None
        texts = list(c["texts"])
        deadline = perf() + float(c.get("wait", 0))
        report = storm.texts_report(texts)
        while report["lost"] and perf() < deadline:
            await asyncio.sleep(0.1)
            report = storm.texts_report(texts)
        return report

    async def cmd_live_mark(self, c: dict[str, Any]) -> dict[str, Any]:
        """Latencies from now on are also reported as ``since_mark_*``."""
        assert self.live is not None
        self.live.set_mark()
        return {}

    async def cmd_live_rejoin(self, c: dict[str, Any]) -> dict[str, Any]:
        """The live clients whose sockets the server dropped (wait up to
        ``close_wait`` s for every one) log in again with their cursors."""
        live = self.live
        assert live is not None
        closing = [p.ws.closed for p in live.peers]
        await asyncio.wait(closing, timeout=float(c.get("close_wait", 30)))
        if self.storm is None:
            self.storm = StormClients(self)
        report = await live.rejoin(self.storm, c)
        self.senders, self.receivers = list(live.senders), list(live.receivers)
        return report

    async def cmd_status(self, c: dict[str, Any]) -> dict[str, Any]:
        return {
            "idle": len(self.idle),
            "idle_open": sum(1 for p in self.idle if not p.ws.closed.done()),
            "fds": len(os.listdir("/proc/self/fd")),
        }


COMMANDS: dict[str, Callable[[Generator, dict[str, Any]], Awaitable[dict[str, Any]]]] = {
    name[4:]: fn for name, fn in vars(Generator).items() if name.startswith("cmd_")
}


def _media_report(
    c: dict[str, Any],
    up: dict[str, float],
    down: dict[str, float],
    up_lats: list[float],
    down_lats: list[float],
) -> dict[str, Any]:
    """The figures of :meth:`Generator.cmd_media` per phase."""
    count, size = int(c["count"]), int(c["size"])
    mb = count * size / 1e6
    out: dict[str, Any] = {
        "count": count,
        "size": size,
        "concurrency": int(c["concurrency"]),
        "uploaded": len(up_lats),
        "downloaded": len(down_lats),
    }
    for name, m, lats in (("upload", up, up_lats), ("download", down, down_lats)):
        out[f"{name}_mb_per_s"] = mb / m["wall_s"]
        out[f"{name}_server_cpu_ms_per_mb"] = m["server_cpu_s"] / mb * 1e3
        out[f"{name}_server_cpu_pct"] = m["server_cpu_pct"]
        out[f"{name}_gen_cpu_pct"] = m["gen_cpu_pct"]
        out[f"{name}_noise_core0_pct"] = m["noise_core0_pct"]
        for k, v in percentiles(lats).items():
            out[f"{name}_{k}"] = v
    return out


#: What a C2C run needs of a protocol: ``make_frame(pair, index, stamp)`` (one whole
#: send frame), and the frame callbacks of pair ``i``'s sender and receiver.
C2CFrames = tuple[
    Callable[[int, int, float], bytes],
    Callable[[int], Callable[[bytes], None]],
    Callable[[int], Callable[[bytes], None]],
]
Answered = Callable[[int, bool, bytes], None]
Received = Callable[[int, str, float], None]


def _palaver_c2c(
    senders: list[Any],
    receivers: list[Any],
    run: int,
    answered: Answered,
    received: Received,
    echoes: list[int],
    errors: list[str],
) -> C2CFrames:
    """Palaver's protocol (docs/protocol.md): ``sendMessage`` requests answered by
    ``id``, ``MESSAGE_RECEIVED`` pushes with the stream ``seq``."""
    heads = [
        (
            b'{"id":',
            b',"op":"sendMessage","data":{"to":"' + r.user.encode() + b'","payload":{"text":"',
        )
        for r in receivers
    ]
    tail = b'"}}}'

    def make_frame(i: int, n: int, stamp: float) -> bytes:
        a, b = heads[i]
        payload = a + str(n + 2).encode() + b + b"%d:%d:%.7f" % (run, n, stamp) + tail
        return frame_header(len(payload)) + payload

    return (
        make_frame,
        lambda i: _palaver_sender(i, senders[i], answered, echoes, errors),
        lambda i: _palaver_receiver(i, receivers[i], received, errors),
    )


def _palaver_sender(
    i: int, peer: Peer, answered: Answered, echoes: list[int], errors: list[str]
) -> Callable[[bytes], None]:
    def on_frame(payload: bytes) -> None:
        if payload.startswith(b'{"id":'):
            if int(payload[6 : payload.index(b",", 6)]) >= HEARTBEAT_IDS_FROM:
                return  # a heartbeat's answer
            answered(i, b'"code":0,' in payload[:40], payload)
            return
        if payload.startswith(b'{"ev":"MESSAGE_RECEIVED","seq":'):
            echoes[i] += 1
            end = payload.index(b",", 31)
            peer.check_seq(int(payload[31:end]))
            return
        if len(errors) < 5:
            errors.append(f"sender {i}: {payload[:300]!r}")

    return on_frame


def _palaver_receiver(
    i: int, peer: Peer, received: Received, errors: list[str]
) -> Callable[[bytes], None]:
    def on_frame(payload: bytes) -> None:
        now = perf()
        if payload.startswith(b'{"id":'):  # a heartbeat's answer
            return
        obj = orjson.loads(payload)
        seq = obj.get("seq")
        if seq is None or obj.get("ev") != "MESSAGE_RECEIVED":
            if len(errors) < 5:
                errors.append(f"receiver {i}: {payload[:300]!r}")
            return
        peer.check_seq(seq)
        try:
            text = obj["data"]["message"]["payload"]["text"]
        except (KeyError, TypeError):
            text = ""
        received(i, text, now)

    return on_frame


def _tencent_c2c(
    senders: list[Any],
    receivers: list[Any],
    run: int,
    answered: Answered,
    received: Received,
    echoes: list[int],
    errors: list[str],
) -> C2CFrames:
    """Tencent's client protocol (:mod:`bench.tencentproto`): ``openim.sendmsg``
    with the SDK's body, ``im_open_push.msg_push`` pushes, each acknowledged."""
    parts = [tp.sendmsg_parts(s.user, r.user) for s, r in zip(senders, receivers, strict=True)]
    base = run * 1_000_000  # a sender's MsgSeq is never reused across runs

    def make_frame(i: int, n: int, stamp: float) -> bytes:
        text = b"%d:%d:%.7f" % (run, n, stamp)
        body = tp.sendmsg_body(parts[i], base + n + 1, text, int(time.time()))
        return senders[i].frame(tp.SENDMSG, base + n + 2, body)

    def sender_handler(i: int) -> Callable[[bytes], None]:
        peer = senders[i]

        def on_frame(payload: bytes) -> None:
            if payload.startswith(tp.SENDMSG_ANSWER):
                answered(i, b'"ErrorCode":0,' in payload, payload)
                return
            if payload.startswith(tp.PUSH_PREFIX):  # a copy for the sender's other devices
                echoes[i] += 1
                peer.on_push(orjson.loads(payload)["body"])
                return
            if not payload.startswith(tp.HEARTBEAT_ANSWER) and len(errors) < 5:
                errors.append(f"sender {i}: {payload[:300]!r}")

        return on_frame

    def receiver_handler(i: int) -> Callable[[bytes], None]:
        peer = receivers[i]

        def on_frame(payload: bytes) -> None:
            now = perf()
            if not payload.startswith(tp.PUSH_PREFIX):
                if not payload.startswith(tp.HEARTBEAT_ANSWER) and len(errors) < 5:
                    errors.append(f"receiver {i}: {payload[:300]!r}")
                return
            body = orjson.loads(payload)["body"]
            peer.on_push(body)  # acks it, checks the stream position
            try:
                msg = body["EventArray"][0]["C2cMsgArray"][0]
                text = msg["MsgBody"][0]["MsgContent"]["Text"]
            except (KeyError, IndexError, TypeError):
                text = ""
            received(i, text, now)

        return on_frame

    return make_frame, sender_handler, receiver_handler


async def serve_commands() -> None:
    """Read command lines from stdin until ``quit`` or EOF; answer each on stdout."""
    gen = Generator()
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=1 << 26)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    out = sys.stdout.buffer
    while True:
        line = await reader.readline()
        if not line:
            break
        cmd = orjson.loads(line)
        name = cmd.get("cmd")
        if name == "quit":
            break
        t0, c0 = perf(), time.process_time()
        try:
            fn = COMMANDS[name]
            res = await fn(gen, cmd)
            res["ok"] = True
        except Exception as exc:
            res = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        res.setdefault("cmd_wall_s", perf() - t0)
        res.setdefault("cmd_gen_cpu_s", time.process_time() - c0)
        out.write(orjson.dumps(res) + b"\n")
        out.flush()
    for p in gen.senders + gen.receivers + gen.idle:
        with contextlib.suppress(Exception):
            p.ws.abort()


def main() -> None:
    import uvloop

    raise_fd_limit()
    uvloop.run(serve_commands())


if __name__ == "__main__":
    main()
