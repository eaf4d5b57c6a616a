"""The delivery of after-callbacks: the outbox's worker, and how a callback request is made.

After-callbacks are written to the durable outbox (:mod:`palaver.storage.callbacks`)
in the transaction of their event; :class:`CallbackDelivery` posts them: in order
per conversation, retried with exponential backoff, dead-lettered after
``callback_max_attempts`` tries. Delivery is at least once (a crash between the
post and its record repeats it); it never holds up a send. A request is
``POST {callback_url}?SdkAppid=&CallbackCommand=&contenttype=json&ClientIP=&OptPlatform=``
(plus ``Sign`` and ``RequestTime`` when the app has a token), as Tencent IM sends
them (cloud.tencent.com/document/product/269/1632).
:class:`~palaver.services.callbacks.CallbackService` builds on this.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import random
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import orjson

from palaver.services.ports import CallbackTransport, Clock, SystemClock
from palaver.stats import LATENCY_BUCKETS, Histogram
from palaver.storage import Database, callback_parts
from palaver.storage import callbacks as callback_store
from palaver.storage.callbacks import OutboxRow, Outcome

if TYPE_CHECKING:
    from palaver.services.apps import App, AppService

log = logging.getLogger("palaver.callbacks")


def sign(token: str, request_time: int) -> str:
    """Tencent's callback ``Sign``: hex SHA-256 of ``token`` + ``RequestTime`` (unix s)."""
    return hashlib.sha256(f"{token}{request_time}".encode()).hexdigest()


def delivery_body(row: OutboxRow, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON body posted for an outbox row: its payload (``body``, when decoded
    and completed already), with the stored message's ``MsgSeq``, ``MsgTime`` (and
    ``MsgKey`` for C2C) when it reports one."""
    if body is None:  # a packed row's callback carries its body decoded
        body = dict(row.body) if row.body is not None else orjson.loads(row.payload)
    if row.msg_id is not None:
        body["MsgSeq"] = row.msg_seq
        body["MsgTime"] = row.msg_time
        if row.command.startswith("C2C."):
            body["MsgKey"] = row.msg_key
    return body


def _at_most(groups: list[list[OutboxRow]], most: int) -> list[list[OutboxRow]]:
    """The first rows of ``groups`` (per order key) holding about ``most``
    callbacks (a packed row holds ``items``; whole rows, at least one)."""
    out: list[list[OutboxRow]] = []
    left = most
    for g in groups:
        if left <= 0:
            break
        take: list[OutboxRow] = []
        for r in g:
            if left <= 0 and (take or out):
                break
            take.append(r)
            left -= max(r.items, 1)
        if take:
            out.append(take)
    return out


def _member_list(body: dict[str, Any]) -> None:
    """A group after-send body's ``OfflineMemberList`` in Tencent's shape
    (``[{Member_Account}]``): the send path stores the bare user ids."""
    members = body.get("OfflineMemberList")
    if members and isinstance(members[0], str):
        body["OfflineMemberList"] = [{"Member_Account": u} for u in members]


#: Callback lag buckets, seconds: retries stretch it to minutes.
CALLBACK_LAG_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0)


class CallbackDelivery:
    """Posts an app's callbacks: the requests, and the worker that delivers the
    outbox's rows.

    Args:
        db: the database (the outbox).
        apps: the apps (their callback settings).
        transport: posts the requests (HTTP, :class:`CallbackTransport`).
        clock: time (``EventTime``, ``RequestTime``, backoff).
        retry_base: seconds before the first retry; doubles each try.
        retry_max: the longest wait between two tries, seconds.
        concurrency: conversations delivered at once.
        poll: seconds between two looks at the outbox when nothing wakes the
            worker (retries come due; other nodes' events).
        activity: a counter that moves while messages arrive (the writer's
            ``submitted``). While it moves **and** the process is on the CPU
            for :attr:`busy_share` of the time or more (the server is
            saturated), the worker waits, up to ``defer_max`` seconds a pass, and
            a pass that starts while still busy posts at most :attr:`busy_scan`
            rows: callbacks take the CPU that messages leave, and catch up when
            the burst is over (issue 12 §5: a burst with callbacks on keeps 90 %
            of its throughput). A server with CPU to spare delivers at once.
        worker: False: no background worker; the caller drives :meth:`run_once`
            (tests on a fake clock).
        retention: seconds a delivered or dead callback is kept (``palaver
            callbacks log`` / ``replay``) before the worker purges it
            (:meth:`purge_once`, at most every :attr:`purge_every` seconds, in
            batches of :attr:`purge_batch` rows, when a pass found nothing to post).
    """

    def __init__(
        self,
        db: Database,
        apps: AppService,
        transport: CallbackTransport,
        clock: Clock | None = None,
        *,
        retry_base: float = 1.0,
        retry_max: float = 300.0,
        concurrency: int = 16,
        poll: float = 1.0,
        activity: Callable[[], int] | None = None,
        defer_max: float = 2.0,
        worker: bool = True,
        retention: float = 7 * 86400.0,
    ) -> None:
        self._db = db
        self._apps = apps
        self._transport = transport
        self._clock = clock or SystemClock()
        self.retry_base = retry_base
        self.retry_max = retry_max
        self.poll = poll
        self._activity = activity
        self.defer_max = defer_max
        #: busy: the process spent at least this share of a look (of one core) on the CPU
        self.busy_share = 0.7
        #: the rows a pass looks at: all due ones up to ``scan``, or while the
        #: server stays busy past ``defer_max``, ``busy_scan`` (~6 ms of work)
        self.scan, self.busy_scan = 1000, 64
        #: CPU seconds of this process (all its threads): the load probe
        self.cpu_time: Callable[[], float] = time.process_time
        self._activity_seen = -1  # the activity counter when the worker last found it still
        self._sem = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = not worker
        self.retention = retention
        #: seconds between two purges, and the most rows of each status one looks at
        self.purge_every, self.purge_batch = 60.0, 500
        self._purge_at = 0.0  # clock time of the next purge
        self.purged = 0  # rows purged since start
        self.delivered = 0  # deliveries since start (for tests and benches)
        #: tries that failed and were scheduled again, and callbacks given up (``/metrics``)
        self.retried = 0
        self.dead = 0
        #: event → delivered (lag) and request → answer, seconds (``/metrics``)
        self.lag_seconds = Histogram(CALLBACK_LAG_BUCKETS)
        self.request_seconds = Histogram(LATENCY_BUCKETS)

    # --- requests ---------------------------------------------------------------------------

    def query(
        self, app: App, command: str, *, client_ip: str = "", platform: str = ""
    ) -> dict[str, str]:
        """The query parameters of a request (``Sign``/``RequestTime`` with a token)."""
        q = {
            "SdkAppid": str(app.sdkappid),
            "CallbackCommand": command,
            "contenttype": "json",
            "ClientIP": client_ip,
            "OptPlatform": platform,
        }
        token = app.settings.callback_token
        if token:
            now = int(self._clock.time())
            q["Sign"] = sign(token, now)
            q["RequestTime"] = str(now)
        return q

    async def _post(
        self, app: App, command: str, body: Mapping[str, Any], client_ip: str, platform: str
    ) -> tuple[int, bytes]:
        return await self._transport.post(
            app.settings.callback_url,
            self.query(app, command, client_ip=client_ip, platform=platform),
            orjson.dumps(body),
            app.settings.callback_timeout,
        )

    # --- the delivery worker ---------------------------------------------------------------

    def sent(self) -> None:
        """A message with an after-callback was committed: deliver it soon."""
        self.start()
        self._wake.set()

    def start(self) -> None:
        """Start the delivery worker (idempotent; not after :meth:`close`)."""
        if self._task is None and not self._stopping:
            self._task = asyncio.create_task(self._run(), name="palaver-callbacks")

    async def close(self, grace: float = 5.0) -> None:
        """Stop the worker after its current pass (at most ``grace`` seconds, then
        it is cancelled: rows in flight stay pending and are sent again later)
        and close the transport."""
        task, self._task = self._task, None
        if task is not None:
            self._stopping = True
            self._wake.set()
            try:
                await asyncio.wait_for(asyncio.shield(task), grace)
            except TimeoutError:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self._transport.close()

    async def _run(self) -> None:
        if self._db.is_sqlite:  # one node: no other worker holds a lease
            async with self._db.write() as conn:
                await callback_store.release_all(conn)
        while not self._stopping:
            self._wake.clear()
            busy = await self._yield_to_messages()
            if self._stopping:
                return
            try:
                done, wait = await self.run_once(scan=self.busy_scan if busy else self.scan)
            except asyncio.CancelledError:
                raise
            except Exception:  # keep delivering; the next pass retries
                log.exception("callback delivery pass failed")
                done, wait = 0, self.poll
            if done:
                continue
            if self._clock.time() >= self._purge_at:
                try:
                    await self.purge_once()
                except Exception:  # the next purge retries
                    log.exception("callback purge failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=wait)

    async def _yield_to_messages(self, step: float = 0.1) -> bool:
        """Wait while the server is busy storing messages: the activity counter
        moved during a ``step`` and the process was on the CPU for
        :attr:`busy_share` of it or more (of one core); at most ``defer_max``
        seconds, after which ``True`` (still busy: the next pass is small).
        ``False`` at once when nothing was stored since the last look."""
        if self._activity is None:
            return False
        started = time.monotonic()
        last = self._activity()
        if last == self._activity_seen:  # nothing stored since the last look
            return False
        while not self._stopping:
            t0, c0 = time.monotonic(), self.cpu_time()
            await asyncio.sleep(step)
            now = self._activity()
            share = (self.cpu_time() - c0) / max(time.monotonic() - t0, 1e-9)
            if now == last or share < self.busy_share:
                self._activity_seen = now
                return False
            last = now
            if time.monotonic() - started >= self.defer_max:
                return True
        return False

    async def purge_once(self) -> int:
        """Delete delivered and dead callbacks finished more than :attr:`retention`
        seconds ago: the oldest :attr:`purge_batch` of each status at most (a small,
        bounded transaction; the next purge, :attr:`purge_every` seconds later, goes
        on, or at once when this one found a full batch). How many rows went."""
        now = self._clock.time()
        before = int((now - self.retention) * 1000)
        async with self._db.write() as conn:
            n = await callback_store.purge(conn, before, batch=self.purge_batch)
        self.purged += n
        self._purge_at = now if n >= self.purge_batch else now + self.purge_every
        return n

    def _now_ms(self) -> int:
        return int(self._clock.time() * 1000)

    async def run_once(self, *, scan: int = 1000) -> tuple[int, float]:
        """One pass: claim the due rows of each conversation among the oldest
        ``scan`` pending ones (whole rows holding about ``scan`` callbacks at most:
        a packed row holds several), post them, record the outcomes. (callbacks
        attempted, seconds until the next pass is worth it)."""
        now = self._now_ms()
        async with self._db.read() as conn:
            stored, wake_ms = await callback_store.due(conn, now, scan=scan)
            stored = _at_most(stored, scan)
            # a packed row's callbacks one by one (each with the id it owns)
            groups = [[c for r in g for c in callback_store.expand(r)] for g in stored]
            bodies = await self._bodies(conn, groups)
        wait = self.poll if wake_ms is None else min(self.poll, max(0.0, (wake_ms - now) / 1000))
        if not groups:
            return 0, wait
        apps: dict[int, App | None] = {}
        for g in groups:
            if g[0].app_id not in apps:
                apps[g[0].app_id] = await self._apps.get(g[0].app_id)
        await self._decorate(apps, [r for g in groups for r in g], bodies)
        ids = [r.id for g in stored for r in g]
        if self._db.is_sqlite:  # one node, one worker: nobody to share the rows with
            got = set(ids)
        else:  # several nodes: lease the rows, so that no other node posts them too
            lease = max((a.settings.callback_timeout for a in apps.values() if a), default=2.0)
            most = max(len(g) for g in groups)
            until = now + int((lease * most + 5) * 1000)
            async with self._db.write() as conn:
                got = await callback_store.claim(conn, ids, now, until)
        packed = {r.id: r for g in stored for r in g if r.items and r.id in got}
        outcomes: list[Outcome] = []
        work = []
        for g in groups:
            n = 0
            while n < len(g) and g[n].stored_id in got:
                n += 1
            outcomes += [
                Outcome(r.id, callback_store.PENDING, attempted=False)
                for r in g[n:]
                if r.stored_id in got
            ]
            if n:
                work.append(self._deliver_key(apps[g[0].app_id], g[:n], bodies))
        for res in await asyncio.gather(*work):
            outcomes += res
        async with self._db.write() as conn:
            await callback_store.finish(conn, outcomes, packed)
        tried = sum(1 for o in outcomes if o.attempted)
        return tried, wait

    async def _bodies(self, conn: Any, groups: list[list[OutboxRow]]) -> dict[int, dict[str, Any]]:
        """The decoded payloads of the rows of a pass, by row id; a message's
        after-send callback gets its message's content (one read for the pass,
        in the pass's read transaction ``conn``; :mod:`palaver.storage.callback_parts`)."""
        bodies: dict[int, dict[str, Any]] = {}
        slim: list[OutboxRow] = []
        for g in groups:
            for r in g:
                body = r.body if r.body is not None else orjson.loads(r.payload)
                bodies[r.id] = body
                _member_list(body)
                if callback_parts.is_slim(body, r.msg_id):
                    slim.append(r)
        if slim:
            got = await callback_parts.parts(conn, [r.msg_id for r in slim if r.msg_id])
            for r in slim:
                assert r.msg_id is not None
                callback_parts.complete(bodies[r.id], got.get(r.msg_id), r.msg_id)
        return bodies

    async def _decorate(
        self, apps: dict[int, App | None], rows: list[OutboxRow], bodies: dict[int, dict[str, Any]]
    ) -> None:
        """Add to the bodies of a pass what is decided when they are posted (the
        callbacks service: do-not-disturb in the offline-push hook); nothing here."""

    async def _deliver_key(
        self, app: App | None, rows: list[OutboxRow], bodies: dict[int, dict[str, Any]]
    ) -> list[Outcome]:
        """Post one conversation's rows in order; stop at the first failure (the
        rest are released untried, to keep the order)."""
        out: list[Outcome] = []
        async with self._sem:
            for i, row in enumerate(rows):
                o = await self._deliver(app, row, bodies.get(row.id))
                out.append(o)
                if o.status == callback_store.PENDING:
                    out += [
                        Outcome(r.id, callback_store.PENDING, attempted=False)
                        for r in rows[i + 1 :]
                    ]
                    break
        return out

    async def _deliver(
        self, app: App | None, row: OutboxRow, body: dict[str, Any] | None = None
    ) -> Outcome:
        if app is None or not app.settings.callback_url:
            return Outcome(
                row.id, callback_store.DEAD, done_ms=self._now_ms(), error="no callback_url"
            )
        started = time.monotonic()
        status, error = 0, None
        try:
            status, _ = await self._post(
                app, row.command, delivery_body(row, body), row.client_ip, row.platform
            )
            if not 200 <= status < 300:
                error = f"HTTP {status}"
        except (TimeoutError, ConnectionError) as exc:
            error = str(exc) or type(exc).__name__
        latency = int((time.monotonic() - started) * 1000)
        now = self._now_ms()
        self.request_seconds.observe(latency / 1000)
        if error is None:
            self.delivered += 1
            self.lag_seconds.observe(max(0, now - row.created_ms) / 1000)
            return Outcome(
                row.id,
                callback_store.DELIVERED,
                done_ms=now,
                latency_ms=latency,
                http_status=status,
            )
        tries = row.attempts + 1
        if tries >= app.settings.callback_max_attempts:
            self.dead += 1
            log.warning(
                "app %s: callback %s #%d dead after %d tries: %s",
                app.sdkappid,
                row.command,
                row.id,
                tries,
                error,
            )
            return Outcome(
                row.id,
                callback_store.DEAD,
                done_ms=now,
                latency_ms=latency,
                http_status=status,
                error=error,
            )
        self.retried += 1
        delay = min(self.retry_max, self.retry_base * 2 ** (tries - 1)) * random.uniform(1, 1.2)
        return Outcome(
            row.id,
            callback_store.PENDING,
            next_ms=now + int(delay * 1000),
            latency_ms=latency,
            http_status=status,
            error=error,
        )
