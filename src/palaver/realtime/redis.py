"""Fan-out and online state across nodes through Redis.

:class:`RedisFanout` implements :class:`~palaver.realtime.fanout.Fanout` with
Redis pub/sub: one channel per user (``palaver:u:<app>:<user>``), to which a
node subscribes while it holds a connection of that user.  A delivery is
handed to this node's connections at once and published for the others (each
node ignores what it published itself). One publisher task sends everything
queued since its last turn in one pipeline, so a burst costs a few round trips
and a single Redis connection, and a failed publish is retried, not dropped.

Pub/sub is at-most-once: if the subscription breaks, deliveries in between are
lost *from the live path only*.  When it comes back, every local connection
reads its stream from storage (where everything is), so clients still get
every event exactly once and in order.

:class:`ClusterPresence` keeps each node's online users in a Redis hash that
expires unless the node refreshes it, so a node that dies stops counting
within :data:`PRESENCE_TTL` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import orjson
import redis.asyncio as aioredis

from palaver.model.events import GroupEffect
from palaver.realtime.delivery import Delivery, GroupFrame, Kick, Outbound, UserFrame
from palaver.realtime.fanout import Sink
from palaver.realtime.presence import LocalPresence

log = logging.getLogger("palaver.redis")

OUTBOX_LIMIT = 200_000  # deliveries waiting for Redis before the oldest are dropped
PUBLISH_BATCH = 2_000  # deliveries per pipeline
PRESENCE_TTL = 30  # seconds a node's presence survives without a refresh
PRESENCE_REFRESH = 10  # seconds between refreshes
_SEP = b"\x00"


def channel(app_id: int, user_id: str) -> str:
    """The pub/sub channel of one user."""
    return f"palaver:u:{app_id}:{user_id}"


def group_channel(app_id: int, group_id: str) -> str:
    """The pub/sub channel of one group's stream (one publish per group message,
    whatever the number of members)."""
    return f"palaver:g:{app_id}:{group_id}"


def delivery_channel(d: Delivery) -> str:
    """The channel a delivery is published on: its group's, or its user's."""
    if isinstance(d, GroupFrame):
        return group_channel(d.app_id, d.group_id)
    return channel(d.app_id, d.user_id)


def encode(d: Delivery, node: str) -> bytes:
    """``header JSON \\0 frame``: the push travels as its Palaver frame, encoded
    once; ``node`` is the publishing node (which ignores its own publishes)."""
    head: dict[str, Any] = {"o": node, "a": d.app_id}
    frame = b""
    match d:
        case Kick():
            head.update(u=d.user_id, k=d.kick_type, f=d.platform)
        case UserFrame():
            head["u"] = d.user_id
            frame = d.push.frame()
            if d.effect is not None:
                head["e"] = [d.effect.group_id, d.effect.follow, d.effect.cursor]
        case GroupFrame():
            head["g"] = d.group_id
            frame = d.push.frame()
    if not isinstance(d, Kick) and d.seq is not None:
        head["s"] = d.seq
    if d.origin is not None:
        head["p"] = d.origin
    return orjson.dumps(head) + _SEP + frame


def decode(data: bytes) -> tuple[str, Delivery]:
    """The publishing node and the delivery of a published payload."""
    head_raw, _, frame = data.partition(_SEP)
    h = orjson.loads(head_raw)
    origin = h.get("p")
    if "k" in h:
        return h["o"], Kick(h["a"], h["u"], h["k"], origin, h.get("f"))
    push = Outbound(frame=frame)
    if "g" in h:
        return h["o"], GroupFrame(h["a"], h["g"], push, h.get("s"), origin)
    e = h.get("e")
    effect = GroupEffect(e[0], bool(e[1]), int(e[2])) if e else None
    return h["o"], UserFrame(h["a"], h["u"], push, h.get("s"), origin, effect)


class RedisFanout:
    """Fan-out through Redis pub/sub (see the module docstring).

    Args:
        url: Redis URL, e.g. ``redis://127.0.0.1:6379/0``.
        node_id: this node's name (random by default).
    """

    #: ``SUBSCRIBE`` is sent, not confirmed, when :meth:`watch` returns
    routed_on_watch = False

    def __init__(self, url: str, node_id: str | None = None) -> None:
        self.node_id = node_id or uuid.uuid4().hex[:12]
        self.redis: aioredis.Redis = aioredis.from_url(url)
        self._sink: Sink | None = None
        self._pubsub: Any = None
        self._task: asyncio.Task[None] | None = None
        self._watched: set[str] = set()
        self.on_resync: Callable[[], None] | None = None
        # Deliveries for other nodes wait here; one publisher task sends all that
        # are queued in one pipeline per turn (never one connection per send).
        self._outbox: list[tuple[str, bytes]] = []
        self._wake = asyncio.Event()
        self._publisher: asyncio.Task[None] | None = None

    def bind(self, sink: Sink) -> None:
        self._sink = sink

    async def start(self) -> None:
        """Connect and start listening (raises if Redis is unreachable)."""
        await self.redis.ping()
        await self._subscribe_all()
        self._task = asyncio.create_task(self._listen(), name="palaver-redis-fanout")
        self._publisher = asyncio.create_task(self._publish_loop(), name="palaver-redis-publish")

    async def _subscribe_all(self) -> None:
        self._pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
        await self._pubsub.subscribe(f"palaver:node:{self.node_id}", *sorted(self._watched))

    async def watch(self, app_id: int, user_id: str) -> None:
        """Receive the user's deliveries from other nodes (awaited before catch-up)."""
        ch = channel(app_id, user_id)
        if ch not in self._watched:
            self._watched.add(ch)
            await self._pubsub.subscribe(ch)

    async def unwatch(self, app_id: int, user_id: str) -> None:
        """Stop receiving a user's deliveries (no connection of theirs left here)."""
        ch = channel(app_id, user_id)
        if ch in self._watched:
            self._watched.discard(ch)
            with contextlib.suppress(Exception):
                await self._pubsub.unsubscribe(ch)

    async def watch_group(self, app_id: int, group_id: str) -> None:
        """Receive a group's deliveries from other nodes."""
        ch = group_channel(app_id, group_id)
        if ch not in self._watched:
            self._watched.add(ch)
            await self._pubsub.subscribe(ch)

    async def unwatch_group(self, app_id: int, group_id: str) -> None:
        """Stop receiving a group's deliveries."""
        ch = group_channel(app_id, group_id)
        if ch in self._watched:
            self._watched.discard(ch)
            with contextlib.suppress(Exception):
                await self._pubsub.unsubscribe(ch)

    async def publish(self, deliveries: Sequence[Delivery]) -> None:
        """Deliver locally now; queue for the other nodes (sent by the publisher task)."""
        self.publish_now(deliveries)

    def publish_now(self, deliveries: Sequence[Delivery]) -> None:
        """:meth:`publish`, which never awaits."""
        sink = self._sink
        if sink is not None:
            for d in deliveries:
                sink(d)
        if not deliveries:
            return
        if len(self._outbox) >= OUTBOX_LIMIT:
            # Redis has been unreachable for long: drop the oldest. The events are
            # stored; remote clients get them with their next event or reconnect.
            del self._outbox[: len(deliveries)]
            log.warning("Redis outbox full: dropped %d live deliveries", len(deliveries))
        self._outbox.extend((delivery_channel(d), encode(d, self.node_id)) for d in deliveries)
        self._wake.set()

    async def _publish_loop(self) -> None:
        backoff = 0.05
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._outbox:
                batch = self._outbox[:PUBLISH_BATCH]
                try:
                    async with self.redis.pipeline(transaction=False) as pipe:
                        for ch, payload in batch:
                            pipe.publish(ch, payload)
                        await pipe.execute()
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.warning("publishing to Redis failed; retrying in %.2f s", backoff)
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 2.0)
                    continue
                backoff = 0.05
                del self._outbox[: len(batch)]

    async def ping(self) -> None:
        """Round-trip to Redis (``/readyz``); raises whatever redis-py raises."""
        await self.redis.ping()

    @property
    def outbox(self) -> int:
        """Deliveries waiting to be published to Redis."""
        return len(self._outbox)

    async def _listen(self) -> None:
        backoff = 0.1
        while True:
            try:
                async for msg in self._pubsub.listen():
                    if msg.get("type") != "message":
                        continue
                    origin, d = decode(msg["data"])
                    if origin != self.node_id and self._sink is not None:
                        self._sink(d)
                    backoff = 0.1
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("Redis subscription lost; resubscribing in %.1f s", backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 5.0)
            with contextlib.suppress(Exception):
                await self._subscribe_all()
                if self.on_resync is not None:
                    self.on_resync()  # fill what the live path missed from storage

    async def close(self) -> None:
        if self._publisher is not None:
            for _ in range(100):  # let what is queued go out (bounded)
                if not self._outbox:
                    break
                await asyncio.sleep(0.01)
            self._publisher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._publisher
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(Exception):
            if self._pubsub is not None:
                await self._pubsub.aclose()
        await self.redis.aclose()


class ClusterPresence(LocalPresence):
    """Online state of every node: local counts plus a Redis hash per node.

    ``palaver:presence:<node>`` maps ``"<app>:<user>"`` to a comma-separated
    platform list and expires after :data:`PRESENCE_TTL` seconds unless the
    node refreshes it; ``palaver:nodes`` (a sorted set) lists the live nodes.
    """

    def __init__(self, redis: aioredis.Redis, node_id: str) -> None:
        super().__init__()
        self._redis = redis
        self._node = node_id
        self._key = f"palaver:presence:{node_id}"
        self._task: asyncio.Task[None] | None = None
        self._pending: set[asyncio.Task[Any]] = set()
        self._last: dict[str, asyncio.Task[Any]] = {}  # the newest write of each field

    def platforms_now(self, app_id: int, user_id: str) -> list[str] | None:
        """``None``: other nodes' connections are known only through Redis (:meth:`online`)."""
        return None

    def offline_now(self, app_id: int, user_ids: Iterable[str]) -> list[str] | None:
        """``None``: other nodes' connections are known only through Redis (:meth:`online`)."""
        return None

    def _changed(self, app_id: int, user_id: str) -> None:
        field = f"{app_id}:{user_id}"
        platforms = self.platforms(app_id, user_id)
        # Writes of one user go out one after the other: concurrent commands may
        # take different pooled connections, and an older value must never land last.
        previous = self._last.get(field)

        async def write() -> None:
            if previous is not None:
                await asyncio.gather(previous, return_exceptions=True)
            try:
                if platforms:
                    await self._redis.hset(self._key, field, ",".join(platforms))
                else:
                    await self._redis.hdel(self._key, field)
            except Exception as exc:  # Redis away: the next refresh rewrites the whole hash
                log.warning(
                    "presence write to Redis failed (%s); the next refresh repairs it",
                    type(exc).__name__,
                )

        task = asyncio.ensure_future(write())
        self._last[field] = task
        self._pending.add(task)

        def done(t: asyncio.Task[Any]) -> None:
            self._pending.discard(t)
            if self._last.get(field) is t:
                del self._last[field]

        task.add_done_callback(done)

    def connected(self, app_id: int, user_id: str, platform: str) -> None:
        super().connected(app_id, user_id, platform)
        self._changed(app_id, user_id)

    async def settle(self, app_id: int, user_id: str) -> None:
        """Wait until this node's newest presence write of ``user_id`` is in Redis
        (so a read that follows, on any node, sees it)."""
        task = self._last.get(f"{app_id}:{user_id}")
        if task is not None:
            await asyncio.gather(task, return_exceptions=True)

    def disconnected(self, app_id: int, user_id: str, platform: str) -> None:
        super().disconnected(app_id, user_id, platform)
        self._changed(app_id, user_id)

    async def start(self) -> None:
        """Publish this node's presence now and every :data:`PRESENCE_REFRESH` seconds."""
        await self._refresh()
        self._task = asyncio.create_task(self._loop())

    async def _refresh(self) -> None:
        now = time.time()
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.delete(self._key)
            snapshot: dict[Any, Any] = {
                f"{app}:{user}": ",".join(sorted(per)) for (app, user), per in self._online.items()
            }
            if snapshot:
                pipe.hset(self._key, mapping=snapshot)
            pipe.expire(self._key, PRESENCE_TTL)
            pipe.zadd("palaver:nodes", {self._node: now})
            pipe.zremrangebyscore("palaver:nodes", 0, now - PRESENCE_TTL)
            await pipe.execute()

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(PRESENCE_REFRESH)
            try:
                await self._refresh()
            except Exception:
                log.warning("refreshing presence in Redis failed", exc_info=True)

    async def online(self, app_id: int, user_ids: Sequence[str]) -> dict[str, list[str]]:
        """Platforms each user is online on, across every live node."""
        if self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)
        nodes = await self._redis.zrangebyscore("palaver:nodes", time.time() - PRESENCE_TTL, "+inf")
        out: dict[str, set[str]] = {u: set() for u in user_ids}
        fields = [f"{app_id}:{u}" for u in user_ids]
        for node in nodes:
            name = node.decode() if isinstance(node, bytes) else str(node)
            values = await self._redis.hmget(f"palaver:presence:{name}", fields)
            for u, v in zip(user_ids, values, strict=True):
                if v:
                    text = v.decode() if isinstance(v, bytes) else str(v)
                    out[u].update(text.split(","))
        return {u: sorted(p) for u, p in out.items()}

    async def close(self) -> None:
        """Stop refreshing and remove this node's presence."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(Exception):
            await self._redis.delete(self._key)
            await self._redis.zrem("palaver:nodes", self._node)
