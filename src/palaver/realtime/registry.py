"""Every client connection of this node, by (SDKAppID, UserID).

The registry is the fan-out sink: :meth:`Registry.deliver` hands a delivery to
each connection of its user (or to each follower of its group).  It also keeps
online state (:class:`~palaver.realtime.presence.LocalPresence`), routes the
fan-out to this node for the users and groups it holds, and drops silent
connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from collections.abc import Awaitable, Coroutine, Iterator
from typing import Any

from palaver.protocol.frames import CLOSE_HEARTBEAT, CLOSE_KICKED
from palaver.realtime.connection import Connection, StreamItemWithEffect
from palaver.realtime.delivery import Delivery, GroupFrame, Kick
from palaver.realtime.fanout import Fanout
from palaver.realtime.presence import LocalPresence
from palaver.stats import NodeStats

log = logging.getLogger("palaver.registry")

#: Connections added since the last ``gc.freeze()`` that make the sweeper freeze
#: again: long-lived connection objects then stay out of full collections, which
#: with 10k connections took ~0.8 s each and came every few group messages.
FREEZE_GROWTH = 1000
#: Seconds between unfreezing for one full collection (frees cyclic garbage of
#: connections that closed after they were frozen).
REFREEZE_INTERVAL = 600.0


class Registry:
    """Connections by user; the sink of fan-out.

    Args:
        fanout: the fan-out backend; the registry binds itself as its sink and
            asks it to route a user's (a group's) deliveries to this node while
            a connection here needs them.
        presence: online state to keep up to date.
        heartbeat_timeout: seconds of silence after which a client is dropped.
        stats: where logins, deliveries and slow-client drops are counted.
    """

    def __init__(
        self,
        fanout: Fanout,
        presence: LocalPresence,
        heartbeat_timeout: float,
        stats: NodeStats | None = None,
    ) -> None:
        self.stats = stats or NodeStats()
        self._by_user: dict[tuple[int, str], dict[str, Connection]] = {}
        # connections following each group's stream (members online, live-room audiences)
        self._followers: dict[tuple[int, str], dict[str, Connection]] = {}
        self._fanout = fanout
        self._presence = presence
        self._timeout = heartbeat_timeout
        self._sweeper: asyncio.Task[None] | None = None
        self._unwatching: set[asyncio.Task[None]] = set()
        fanout.bind(self.deliver)

    @property
    def routed_on_watch(self) -> bool:
        """A connection gets every delivery of its user as soon as :meth:`attach`
        returns (:attr:`Fanout.routed_on_watch <palaver.realtime.fanout.Fanout.routed_on_watch>`)."""
        return self._fanout.routed_on_watch

    def __len__(self) -> int:
        return sum(len(c) for c in self._by_user.values())

    def __iter__(self) -> Iterator[Connection]:
        for conns in list(self._by_user.values()):
            yield from list(conns.values())

    async def attach(self, conn: Connection, max_per_user: int = 0) -> None:
        """Register a logged-in connection: it receives its user's deliveries from
        now on, from every node (awaited before its stream is read from storage,
        so no live delivery falls between the read and the subscription).

        ``max_per_user`` (0: no limit): the user's connections on this node; past
        it the oldest are kicked (``KICKED_OUT`` ``multipleDevice``)."""
        conns = self._by_user.setdefault((conn.app_id, conn.user_id), {})
        if max_per_user:
            live = [c for c in conns.values() if not c.closed and not c.kicked]
            for old in live[: max(0, len(live) - max_per_user + 1)]:
                old.kick("multipleDevice", CLOSE_KICKED)
        conns[conn.id] = conn
        conn.on_follow = self._follow
        conn.stats = self.stats
        self.stats.logins[conn.protocol] += 1
        self._presence.connected(conn.app_id, conn.user_id, conn.platform)
        await self._fanout.watch(conn.app_id, conn.user_id)

    def _follow(self, conn: Connection, group_id: str, on: bool) -> Awaitable[None] | None:
        key = (conn.app_id, group_id)
        if on:
            conns = self._followers.setdefault(key, {})
            first = not conns
            conns[conn.id] = conn
            if first:
                return asyncio.ensure_future(self._fanout.watch_group(conn.app_id, group_id))
            return None
        followers = self._followers.get(key)
        if followers is not None and followers.pop(conn.id, None) is not None and not followers:
            del self._followers[key]
            self._background(self._fanout.unwatch_group(conn.app_id, group_id))
        return None

    def _background(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coro)
        self._unwatching.add(task)
        task.add_done_callback(self._unwatching.discard)

    def group_users(self, app_id: int, group_id: str) -> set[str]:
        """Users with a connection here following the group."""
        return {c.user_id for c in self._followers.get((app_id, group_id), {}).values()}

    def remove(self, conn: Connection) -> None:
        """Forget a connection (idempotent)."""
        key = (conn.app_id, conn.user_id)
        conns = self._by_user.get(key)
        if conns is None or conns.pop(conn.id, None) is None:
            return
        for group_id in list(conn.groups):
            self._follow(conn, group_id, False)
        if not conns:
            del self._by_user[key]
            self._background(self._fanout.unwatch(conn.app_id, conn.user_id))
        self._presence.disconnected(conn.app_id, conn.user_id, conn.platform)

    def resync_all(self) -> None:
        """Make every connection read its stream from storage (after fan-out lost frames)."""
        for conn in self:
            conn.resync()

    def by_protocol(self) -> dict[str, int]:
        """Logged-in connections on this node by protocol (``palaver``, ``tencent``)."""
        counts: dict[str, int] = {}
        for conn in self:
            counts[conn.protocol] = counts.get(conn.protocol, 0) + 1
        return counts

    def users(self) -> int:
        """Users with at least one logged-in connection on this node."""
        return len(self._by_user)

    def queued_frames(self) -> int:
        """Frames waiting in this node's connection send queues (slow clients)."""
        return sum(conn.queued for conn in self)

    def connections(self, app_id: int, user_id: str) -> list[Connection]:
        """This node's connections of a user."""
        return list(self._by_user.get((app_id, user_id), {}).values())

    def deliver(self, d: Delivery) -> None:
        """Hand a delivery to the user's (or the group's) connections on this node.

        A group push is the same object for every follower: encoded once per
        wire protocol, not per member.
        """
        if isinstance(d, GroupFrame):
            followers = self._followers.get((d.app_id, d.group_id))
            if not followers:
                return
            group, seq, push, origin = d.group_id, d.seq, d.push, d.origin
            self.stats.delivered += len(followers)
            for conn in list(followers.values()):
                if seq is None:
                    conn.send_push(push)
                else:
                    conn.group_push(group, seq, None if conn.id == origin else push)
            return
        conns = self._by_user.get((d.app_id, d.user_id))
        if not conns:
            return
        self.stats.delivered += len(conns)
        for conn in list(conns.values()):
            if isinstance(d, Kick):
                if conn.id != d.origin and (d.platform is None or conn.platform == d.platform):
                    conn.kick(d.kick_type, CLOSE_KICKED)
                    self.remove(conn)  # it gets nothing more, whether or not it closes
            elif d.seq is None:
                conn.send_push(d.push)
            elif d.effect is not None:
                spared = conn.id == d.origin
                conn.stream_item(d.seq, StreamItemWithEffect(None if spared else d.push, d.effect))
            else:
                conn.stream_item(d.seq, None if conn.id == d.origin else d.push)

    def start(self, interval: float = 5.0) -> None:
        """Start dropping connections silent for longer than the heartbeat timeout."""
        if self._sweeper is None:
            self._sweeper = asyncio.create_task(self._sweep(interval))

    async def _sweep(self, interval: float) -> None:
        frozen_at, collected_at = 0, time.monotonic()
        due = time.monotonic() + interval
        while True:
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            now = time.monotonic()
            # Woken late: the loop was saturated and clients' frames may still wait
            # unread. Judge nobody on that stale view; look again next round.
            lateness, due = now - due, now + interval
            late = lateness > interval
            count = len(self)
            if time.monotonic() - collected_at > REFREEZE_INTERVAL and gc.get_freeze_count():
                gc.unfreeze()
                gc.collect()
                gc.freeze()
                frozen_at, collected_at = count, time.monotonic()
            elif count - frozen_at >= FREEZE_GROWTH:
                gc.freeze()
                frozen_at = count
            elif count < frozen_at:
                frozen_at = count
            if late:
                log.info("sweeper woke %.1f s late: no heartbeat timeouts this round", lateness)
                continue
            self.sweep(time.monotonic())

    def sweep(self, now: float) -> int:
        """Close (4000) the connections nothing arrived from for the heartbeat
        timeout before ``now`` (monotonic s); returns how many. Arrived counts, read
        or not: a connection with input pending is alive and its clock restarts."""
        limit = now - self._timeout
        dropped = 0
        for conn in self:
            if conn.last_seen >= limit or conn.closed:
                continue
            if conn.input_pending():
                conn.last_seen = now
                continue
            log.info("heartbeat timeout: %s/%s", conn.app_id, conn.user_id)
            conn.close(CLOSE_HEARTBEAT, "heartbeat timeout")
            dropped += 1
        return dropped

    async def close(self, code: int = 1001) -> None:
        """Close every connection (server shutdown) and stop the sweeper."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None
        for conn in self:
            conn.close(code, "server shutting down")
