"""Login and reconnect storms (scenario 12, ``login_storm``, issue 20): the
load generator's side.

Two kinds of clients, in separate generator processes:

- **Live** clients (:class:`LiveTraffic`, the ``live_*`` commands): M
  sender→receiver pairs that were logged in before the storm. Through the
  storm the senders send C2C messages at a fixed total rate (text
  ``st:<index>:<perf_counter at send>``) and every live client pings (a
  ``heartbeat`` request) every ``ping_interval`` seconds. Measured: message
  latency and loss, ping round trip, and every live client the server closed.
- **Storm** clients (:class:`StormClients`, the ``storm_*`` commands): N
  clients that all log in at once (a new login: no cursor), and later all
  drop their sockets at once and log in again with their cursor (a network
  blip: every client reconnects together). Each one behaves like Palaver's
  SDKs: a refused or failed attempt is retried after exponential backoff with
  full jitter, and not before the ``retryAfter`` the server asked for (in its
  70169 login answer, or its HTTP 503 to the upgrade: docs/protocol.md §3). Once logged in, a storm client heartbeats every 30 s
  like the idle clients (it is appended to the generator's idle list at once).

Every loop is bounded: attempts by ``deadline``, the live run by ``live_stop``.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import orjson

from bench.wsproto import HandshakeError, connect, frame_header

if TYPE_CHECKING:
    from bench.loadgen import Generator, Peer

perf = time.perf_counter

#: request ids of live pings (above those of the generator's own 30 s heartbeats)
PING_IDS_FROM = 1 << 40
#: the generator's 30 s heartbeats (bench.loadgen.HEARTBEAT_IDS_FROM)
HEARTBEAT_IDS_FROM = 1 << 30
#: the login error a busy server answers (Tencent 70169 "server internal timeout, retry")
BUSY = 70169
#: what :class:`LoginRefused` carries for an upgrade turned away (HTTP 503 + Retry-After)
UPGRADE_BUSY = 503


class LoginRefused(RuntimeError):
    """A login answered with an error ``code`` (``retry_after`` s when the server said)."""

    def __init__(self, code: int, message: str, retry_after: float | None) -> None:
        super().__init__(f"login: {code} {message}")
        self.code = code
        self.retry_after = retry_after


def _pcts(values: list[float], prefix: str) -> dict[str, float]:
    from bench.loadgen import percentiles

    return {f"{prefix}{k}": v for k, v in percentiles(values).items()}


class LiveTraffic:
    """Paced C2C messages between the live pairs, and pings from every live client."""

    def __init__(self, senders: list[Peer], receivers: list[Peer], rate: float, ping: float):
        self.senders, self.receivers = senders, receivers
        self.rate, self.ping_interval = rate, ping
        self.peers = senders + receivers
        k = len(senders)
        self.sent = [0] * k
        self.got: list[set[int]] = [set() for _ in range(k)]
        self.dup = [0] * k
        self.acked = self.nacked = 0
        self.acked_idx: list[set[int]] = [set() for _ in range(k)]
        self.offline_skipped = 0  # sends due while the sender was not connected
        self.mark = (0, 0)  # lat and ping_rtt lengths at :meth:`set_mark`
        self.lat: list[float] = []
        self.ping_rtt: list[float] = []
        self.ping_sent: dict[int, float] = {}
        self.ping_ids = itertools.count(PING_IDS_FROM)
        self.errors: list[str] = []
        self.t0 = perf()
        self.task: asyncio.Task[None] | None = None
        for i, p in enumerate(senders):
            p.ws.on_frame = self._sender_frame(i)
        for i, p in enumerate(receivers):
            p.ws.on_frame = self._receiver_frame(i)

    @staticmethod
    def _note_seq(peer: Peer, obj: dict[str, Any]) -> None:
        seq = obj.get("seq")
        if isinstance(seq, int):
            peer.last_seq = max(peer.last_seq, seq)  # its cursor for a reconnect

    def _pong(self, payload: bytes) -> bool:
        """A ping's answer: record its round trip."""
        if not payload.startswith(b'{"id":'):
            return False
        rid = int(payload[6 : payload.index(b",", 6)])
        t = self.ping_sent.pop(rid, None)
        if t is not None:
            self.ping_rtt.append(perf() - t)
            return True
        return rid >= HEARTBEAT_IDS_FROM  # the generator's own 30 s heartbeats

    def _sender_frame(self, i: int) -> Callable[[bytes], None]:
        def on_frame(payload: bytes) -> None:
            if self._pong(payload):
                return
            if not payload.startswith(b'{"id":'):
                self._note_seq(self.senders[i], orjson.loads(payload))
                return
            rid = payload[6 : payload.index(b",", 6)]
            n = int(rid) - 2 if rid.isdigit() else -1  # a send's id is its index + 2
            if n >= 0:  # (not the answer to a login)
                if b'"code":0,' in payload[:40]:
                    self.acked += 1
                    self.acked_idx[i].add(n)
                else:
                    self.nacked += 1
                    if len(self.errors) < 5:
                        self.errors.append(payload[:300].decode(errors="replace"))

        return on_frame

    def _receiver_frame(self, i: int) -> Callable[[bytes], None]:
        def on_frame(payload: bytes) -> None:
            now = perf()
            if self._pong(payload):
                return
            obj = orjson.loads(payload)
            self._note_seq(self.receivers[i], obj)
            if obj.get("ev") != "MESSAGE_RECEIVED":
                return
            text = obj["data"]["message"]["payload"].get("text", "")
            if not text.startswith("st:"):
                return
            _, n_s, t_s = text.split(":")
            n = int(n_s)
            if n in self.got[i]:
                self.dup[i] += 1
                return
            self.got[i].add(n)
            self.lat.append(now - float(t_s))

        return on_frame

    def _send(self, i: int) -> None:
        if self.senders[i].ws.closed.done():
            self.offline_skipped += 1  # (an app would keep it until it is back)
            return
        n = self.sent[i]
        self.sent[i] += 1
        to = self.receivers[i].user
        payload = orjson.dumps(
            {
                "id": n + 2,
                "op": "sendMessage",
                "data": {"to": to, "payload": {"text": f"st:{n}:{perf():.7f}"}},
            }
        )
        self.senders[i].ws.send_raw(frame_header(len(payload)) + payload)

    def _ping(self, p: Peer) -> None:
        rid = next(self.ping_ids)
        payload = b'{"id":%d,"op":"heartbeat"}' % rid
        self.ping_sent[rid] = perf()
        p.ws.send_raw(frame_header(len(payload)) + payload)

    async def run(self) -> None:
        """Send and ping on schedule (catching up after a late wake-up) until cancelled."""
        k = len(self.senders)
        step = 0.01
        start = perf()
        msgs = pings = 0
        while True:
            await asyncio.sleep(step)
            elapsed = perf() - start
            while msgs < elapsed * self.rate:
                self._send(msgs % k)
                msgs += 1
            per_round = len(self.peers)
            while pings < elapsed / self.ping_interval * per_round:
                p = self.peers[pings % per_round]
                if not p.ws.closed.done():
                    self._ping(p)
                pings += 1

    async def rejoin(self, storm: StormClients, c: dict[str, Any]) -> dict[str, Any]:
        """Every live client whose socket is gone logs in again with its cursor,
        retrying like the SDKs (:meth:`StormClients.run`); pushes of the catch-up
        reach the live handlers too. Returns the storm report of the live clients."""
        closed = [(True, i, p) for i, p in enumerate(self.senders) if p.ws.closed.done()]
        closed += [(False, i, p) for i, p in enumerate(self.receivers) if p.ws.closed.done()]
        by_user = {p.user: (is_sender, i) for is_sender, i, p in closed}

        def tap(user: str) -> Callable[[bytes], None]:
            is_sender, i = by_user[user]
            return self._sender_frame(i) if is_sender else self._receiver_frame(i)

        def back(peer: Peer) -> None:
            is_sender, i = by_user[peer.user]
            (self.senders if is_sender else self.receivers)[i] = peer
            peer.ws.on_frame = tap(peer.user)
            self.peers = self.senders + self.receivers

        cursors = {p.user: max(p.last_seq, 0) for _, _, p in closed}
        return await storm.run(c, list(by_user), cursors, tap=tap, on_back=back, idle=False)

    def set_mark(self) -> None:
        """From now on: the latencies the report gives as ``since_mark_*``."""
        self.mark = (len(self.lat), len(self.ping_rtt))

    def acked_lost(self) -> int:
        """Messages the server acknowledged (stored) that never reached their receiver."""
        return sum(len(a - g) for a, g in zip(self.acked_idx, self.got, strict=True))

    def report(self) -> dict[str, Any]:
        sent = sum(self.sent)
        delivered = sum(len(g) for g in self.got)
        closed = [f"{p.user}: {p.ws.close_code}" for p in self.peers if p.ws.closed.done()]
        return {
            "live_clients": len(self.peers),
            "live_sent": sent,
            "live_delivered": delivered,
            "live_lost": sent - delivered,
            "live_acked_lost": self.acked_lost(),
            "live_unanswered": sent - self.acked - self.nacked,
            "live_offline_skipped": self.offline_skipped,
            "live_duplicated": sum(self.dup),
            "live_acked": self.acked,
            "live_nacked": self.nacked,
            "live_closed": len(closed),
            "live_closed_clients": closed[:10],
            "pings_sent": len(self.ping_rtt) + len(self.ping_sent),
            "pings_unanswered": len(self.ping_sent),
            **_pcts(self.lat, "msg_"),
            **_pcts(self.ping_rtt, "ping_"),
            **_pcts(self.lat[self.mark[0] :], "since_mark_msg_"),
            **_pcts(self.ping_rtt[self.mark[1] :], "since_mark_ping_"),
            "first_errors": self.errors,
        }


class StormClients:
    """N clients that log in (and later reconnect) all at once, retrying like the SDKs."""

    def __init__(self, gen: Generator) -> None:
        self.gen = gen
        self.peers: dict[str, Peer] = {}
        self.rng = random.Random(20)
        #: message texts each storm client received, with how often
        self.texts: dict[str, dict[str, int]] = {}

    def frame(self, peer: Peer) -> Callable[[bytes], None]:
        """A storm client's frames: answers (its requests, heartbeats), its stream's
        ``seq`` (its cursor, gaps) and the texts of the messages it receives."""
        g = self.gen
        texts = self.texts.setdefault(peer.user, {})

        def on_frame(payload: bytes) -> None:
            obj = orjson.loads(payload)
            if "ev" not in obj:
                fut = peer.pending.pop(obj.get("id"), None)
                if fut is None:
                    g.heartbeats_answered += 1
                elif not fut.done():
                    fut.set_result(obj)
                return
            peer.on_push(obj)
            if obj["ev"] == "MESSAGE_RECEIVED":
                text = obj["data"]["message"]["payload"].get("text", "")
                texts[text] = texts.get(text, 0) + 1

        return on_frame

    def texts_report(self, expected: list[str]) -> dict[str, Any]:
        """For every storm client held here: each of ``expected`` received once?"""
        lost = dup = 0
        for user in self.peers:
            got = self.texts.get(user, {})
            for text in expected:
                k = got.get(text, 0)
                lost += k == 0
                dup += max(0, k - 1)
        gaps = sum(p.seq_gaps for p in self.peers.values())
        return {"clients": len(self.peers), "lost": lost, "duplicated": dup, "seq_gaps": gaps}

    async def attempt(
        self,
        user: str,
        cursor: int | None,
        local: str | None,
        within: float,
        tap: Callable[[bytes], None] | None = None,
    ) -> Peer:
        """One connect + login + sync; raises LoginRefused, OSError or TimeoutError.
        ``tap`` sees every frame too (the catch-up's pushes among them)."""
        from bench.loadgen import Peer

        g = self.gen
        host, port = g.nodes[0]
        try:
            ws = await connect(host, port, local_host=local, within=within)
        except HandshakeError as exc:  # a busy server's 503 before the upgrade
            if exc.status != 503:
                raise ConnectionError(str(exc)) from None
            raise LoginRefused(UPGRADE_BUSY, str(exc), exc.retry_after) from None
        peer = Peer(ws, user)
        if tap is not None:
            own = peer.on_frame

            def both(payload: bytes) -> None:
                own(payload)
                tap(payload)

            ws.on_frame = both
        else:
            ws.on_frame = self.frame(peer)
        data: dict[str, Any] = {
            "v": 1,
            "SDKAppID": g.sdkappid,
            "userID": user,
            "userSig": g.sig(user),
            "platform": "Linux",
        }
        if cursor is not None:
            data["cursor"] = cursor
        try:
            async with asyncio.timeout(within):
                obj = await peer.request("login", data)
                if obj.get("code") != 0:
                    hint = obj.get("retryAfter")
                    raise LoginRefused(
                        int(obj.get("code", 0)),
                        str(obj.get("message", "")),
                        hint / 1000 if isinstance(hint, int | float) else None,
                    )
                peer.last_seq = int(obj["data"]["cursor"]) if cursor is None else cursor
                await peer.synced
        except BaseException:
            ws.abort()
            raise
        return peer

    async def run(
        self,
        c: dict[str, Any],
        users: list[str],
        cursors: dict[str, int],
        *,
        tap: Callable[[str], Callable[[bytes], None]] | None = None,
        on_back: Callable[[Peer], None] | None = None,
        idle: bool = True,
    ) -> dict:
        """Log every user in at once (with its cursor, if any); report how it went.
        ``tap(user)``: a frame handler that sees that user's frames during its
        attempts; ``on_back(peer)`` is called for each one back instead of making
        it a storm client (``idle``: heartbeating every 30 s)."""
        deadline = perf() + float(c.get("timeout", 300))
        base, cap = float(c.get("backoff_base", 0.5)), float(c.get("backoff_cap", 15))
        within = float(c.get("attempt_timeout", 30))
        local = c.get("local_host")
        t0 = perf()
        done_at: list[float] = []
        attempts: list[int] = []
        reasons: dict[str, int] = {}
        busy = busy_503 = 0
        failed: list[str] = []
        g = self.gen

        async def one(user: str) -> None:
            nonlocal busy, busy_503
            for attempt in itertools.count():
                left = deadline - perf()
                if left <= 0:
                    failed.append(user)
                    return
                try:
                    peer = await self.attempt(
                        user,
                        cursors.get(user),
                        local,
                        min(within, left),
                        tap(user) if tap is not None else None,
                    )
                    break
                except LoginRefused as exc:
                    why = "http 503" if exc.code == UPGRADE_BUSY else f"code {exc.code}"
                    hint = exc.retry_after
                    busy += exc.code == BUSY
                    busy_503 += exc.code == UPGRADE_BUSY
                except (OSError, TimeoutError, ConnectionError) as exc:
                    why, hint = type(exc).__name__, None
                reasons[why] = reasons.get(why, 0) + 1
                # exponential backoff, full jitter; never before the server's hint
                delay = self.rng.uniform(0, min(cap, base * 2**attempt))
                if hint is not None:
                    delay += hint
                await asyncio.sleep(min(delay, max(0.0, deadline - perf())))
            done_at.append(perf() - t0)
            attempts.append(attempt + 1)
            if on_back is not None:
                on_back(peer)
                return
            self.peers[user] = peer
            if idle:
                g.idle.append(peer)  # heartbeats every 30 s from now on

        await asyncio.gather(*(one(u) for u in users))
        return {
            "requested": len(users),
            "back": len(done_at),
            "failed": len(failed),
            "settle_s": max(done_at, default=float("nan")),
            **_pcts(done_at, "ready_"),
            "attempts_max": max(attempts, default=0),
            "retried_clients": sum(1 for a in attempts if a > 1),
            "failed_attempts": reasons,
            "busy_answers": busy,
            "busy_503": busy_503,
        }
