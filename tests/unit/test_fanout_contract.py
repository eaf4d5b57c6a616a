"""The fan-out contract (``palaver.realtime.fanout.Fanout``) and the presence
contract, one suite run against each backend: the in-process one
(``LocalFanout``, ``LocalPresence``) and Redis (``RedisFanout``,
``ClusterPresence``; skipped without Redis, except in CI).

What every backend promises a node: a delivery it publishes reaches its own
sink at once, exactly once, in order. What a multi-node backend promises on
top (tests with ``two_nodes``): another node gets the deliveries of the users
and groups it watches, only those, each once and intact, and never its own
back.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import Any

import pytest

from palaver.model.events import (
    EventKind,
    GroupDismissed,
    GroupEffect,
    GroupSystemNotice,
    MembershipChanged,
    StreamEvent,
)
from palaver.model.messages import MessageRecord
from palaver.protocol.frames import Push
from palaver.realtime.delivery import Delivery, GroupFrame, Kick, Outbound, UserFrame
from palaver.realtime.fanout import Fanout, LocalFanout
from palaver.realtime.notifier import Notifier
from palaver.realtime.presence import LocalPresence
from palaver.realtime.redis import ClusterPresence, RedisFanout, decode, encode

from .conftest import REDIS_URL, require_service

WAIT = 10.0  # bound of one wait for a delivery from another node, seconds


class Node:
    """One node's fan-out with a sink that records and signals deliveries."""

    def __init__(self, fanout: Fanout) -> None:
        self.fanout = fanout
        self.got: list[Delivery] = []
        self._arrived = asyncio.Event()
        fanout.bind(self._sink)

    def _sink(self, d: Delivery) -> None:
        self.got.append(d)
        self._arrived.set()

    async def until(self, pred: Callable[[Delivery], bool]) -> list[Delivery]:
        """Wait (bounded) until a delivery matching ``pred`` arrived; all received so far."""

        async def scan() -> None:
            while not any(pred(d) for d in self.got):
                self._arrived.clear()
                await self._arrived.wait()

        await asyncio.wait_for(scan(), WAIT)
        return list(self.got)


async def redis_up() -> bool:
    import redis.asyncio as aioredis

    r = aioredis.from_url(REDIS_URL, socket_timeout=2)
    try:
        return bool(await r.ping())
    except Exception:
        return False
    finally:
        await r.aclose()


MakeNodes = Callable[[int], Awaitable[list[Node]]]

#: For tests of two or more nodes: the Redis backend only (the in-process one is one node).
CROSS_NODE = pytest.mark.parametrize("make_nodes", ["redis"], indirect=True)


@pytest.fixture(params=["local", "redis"])
async def make_nodes(request: pytest.FixtureRequest) -> AsyncIterator[MakeNodes]:
    """``await make_nodes(n)``: ``n`` started nodes of the backend (local: one only)."""
    started: list[Fanout] = []

    async def make(n: int) -> list[Node]:
        if request.param == "local":
            assert n == 1, "the in-process fan-out is one node: use @CROSS_NODE"
            fanouts: list[Fanout] = [LocalFanout()]
        else:
            require_service("Redis", await redis_up())
            fanouts = [RedisFanout(REDIS_URL) for _ in range(n)]
        nodes = [Node(f) for f in fanouts]
        for f in fanouts:
            await f.start()
            started.append(f)
        return nodes

    yield make
    for f in started:
        await f.close()


@pytest.fixture
def app_id() -> int:
    """An app id of this test alone (Redis channels are shared by every test run)."""
    return random.randrange(10**9, 2 * 10**9)


def user_frame(app_id: int, user: str, text: str, seq: int | None = None, **kw: Any) -> UserFrame:
    return UserFrame(
        app_id, user, Outbound(Push("MESSAGE_RECEIVED", {"text": text}, seq)), seq, **kw
    )


def text_of(d: Delivery) -> str | None:
    return None if isinstance(d, Kick) else str(d.push.push.data.get("text"))


# ------------------------------------------------------------------ every backend


async def test_a_publish_reaches_this_node_at_once_in_order(
    make_nodes: MakeNodes, app_id: int
) -> None:
    [node] = await make_nodes(1)
    await node.fanout.watch(app_id, "bob")
    batch: list[Delivery] = [
        user_frame(app_id, "bob", "one", 1),
        GroupFrame(app_id, "g1", Outbound(Push("MESSAGE_RECEIVED", {"text": "two"}, 5)), 5),
        Kick(app_id, "bob", "multipleDevice", origin="c1", platform="Web"),
        user_frame(app_id, "carol", "three"),  # not watched: this node still gets its own
    ]
    await node.fanout.publish(batch)
    assert node.got == batch  # before publish returned: the same objects, once, in order
    await node.fanout.publish([])
    assert node.got == batch


async def test_publish_without_a_sink_and_watching_twice_are_harmless(
    make_nodes: MakeNodes, app_id: int
) -> None:
    [node] = await make_nodes(1)
    for _ in range(2):
        await node.fanout.watch(app_id, "bob")
        await node.fanout.watch_group(app_id, "g1")
    for _ in range(2):
        await node.fanout.unwatch(app_id, "bob")
        await node.fanout.unwatch_group(app_id, "g1")
    await node.fanout.publish([user_frame(app_id, "bob", "x")])
    assert len(node.got) == 1


@pytest.fixture(params=["local", "redis"])
async def presences(request: pytest.FixtureRequest) -> AsyncIterator[list[LocalPresence]]:
    """Two nodes' presence (local: two independent nodes, as without a cluster)."""
    if request.param == "local":
        yield [LocalPresence(), LocalPresence()]
        return
    require_service("Redis", await redis_up())
    fanouts = [RedisFanout(REDIS_URL) for _ in range(2)]
    ps: list[LocalPresence] = [ClusterPresence(f.redis, f.node_id) for f in fanouts]
    for p in ps:
        await p.start()
    yield ps
    for p, f in zip(ps, fanouts, strict=True):
        await p.close()
        await f.redis.aclose()


async def test_presence_counts_connections_per_platform(
    presences: list[LocalPresence], app_id: int
) -> None:
    a, _ = presences
    a.connected(app_id, "bob", "Web")
    a.connected(app_id, "bob", "Web")
    a.connected(app_id, "bob", "Android")
    assert await a.online(app_id, ["bob", "carol"]) == {"bob": ["Android", "Web"], "carol": []}
    a.disconnected(app_id, "bob", "Web")
    assert a.platforms(app_id, "bob") == ["Android", "Web"]  # one Web connection left
    a.disconnected(app_id, "bob", "Web")
    a.disconnected(app_id, "bob", "iPad")  # never connected: ignored
    assert await a.online(app_id, ["bob"]) == {"bob": ["Android"]}
    a.disconnected(app_id, "bob", "Android")
    a.disconnected(app_id, "bob", "Android")
    assert await a.online(app_id, ["bob"]) == {"bob": []}


async def test_presence_across_nodes(
    presences: list[LocalPresence], app_id: int, request: pytest.FixtureRequest
) -> None:
    a, b = presences
    a.connected(app_id, "bob", "Web")
    b.connected(app_id, "bob", "iPad")
    clustered = isinstance(a, ClusterPresence)
    expected = ["Web", "iPad"] if clustered else ["Web"]
    assert await a.online(app_id, ["bob"]) == {"bob": expected}
    a.disconnected(app_id, "bob", "Web")
    assert await a.online(app_id, ["bob"]) == {"bob": ["iPad"] if clustered else []}


# --------------------------------------------------------------- several nodes


@CROSS_NODE
async def test_another_node_gets_what_it_watches_once(make_nodes: MakeNodes, app_id: int) -> None:
    a, b = await make_nodes(2)
    for n in (a, b):
        await n.fanout.watch(app_id, "bob")
        await n.fanout.watch_group(app_id, "g1")
    effect = GroupEffect("g1", True, 7)
    sent: list[Delivery] = [
        user_frame(app_id, "bob", "one", 1, origin="conn-a", effect=effect),
        GroupFrame(
            app_id, "g1", Outbound(Push("MESSAGE_RECEIVED", {"text": "two"}, 9)), 9, "conn-a"
        ),
        Kick(app_id, "bob", "multipleAccount", origin="conn-a", platform="Web"),
        user_frame(app_id, "bob", "last"),
    ]
    await a.fanout.publish(sent)
    got = await b.until(lambda d: text_of(d) == "last")
    assert len(got) == 4
    one, two, kick, last = got
    assert isinstance(one, UserFrame) and one.push.frame() == sent[0].push.frame()  # type: ignore[union-attr]
    assert (one.seq, one.origin, one.effect) == (1, "conn-a", effect)
    assert isinstance(two, GroupFrame) and (two.group_id, two.seq, two.origin) == (
        "g1",
        9,
        "conn-a",
    )
    assert text_of(two) == "two"
    assert kick == sent[2]
    assert isinstance(last, UserFrame) and last.seq is None and last.effect is None
    # the publishing node got each once, and never its own back (it watches the
    # same channels): a later publish from the other node is the next it gets
    await b.fanout.publish([user_frame(app_id, "bob", "marker")])
    await a.until(lambda d: text_of(d) == "marker")
    assert [text_of(d) for d in a.got] == ["one", "two", None, "last", "marker"]


@CROSS_NODE
async def test_a_node_gets_nothing_it_does_not_watch(make_nodes: MakeNodes, app_id: int) -> None:
    a, b = await make_nodes(2)
    await b.fanout.watch(app_id, "bob")
    await b.fanout.watch(app_id, "carol")
    await b.fanout.watch_group(app_id, "g1")
    await b.fanout.unwatch(app_id, "carol")
    await b.fanout.unwatch_group(app_id, "g1")
    await a.fanout.publish(
        [
            user_frame(app_id, "carol", "unwatched user"),
            user_frame(app_id, "dave", "never watched"),
            GroupFrame(app_id, "g1", Outbound(Push("MESSAGE_RECEIVED", {"text": "g"}))),
            user_frame(app_id, "bob", "marker"),  # published last: what came before is in
        ]
    )
    got = await b.until(lambda d: text_of(d) == "marker")
    assert [text_of(d) for d in got] == ["marker"]


def test_the_wire_form_keeps_every_field() -> None:
    effect = GroupEffect("g", False, 3)
    for d in (
        user_frame(5, "u", "x", 4, origin="o", effect=effect),
        user_frame(5, "u", "y"),
        GroupFrame(5, "g", Outbound(Push("E", {"text": "z"}, 2, "g")), 2, "o"),
        Kick(5, "u", "multipleDevice"),
        Kick(5, "u", "multipleAccount", "o", "Web"),
    ):
        node, back = decode(encode(d, "n1"))
        assert node == "n1"
        if isinstance(d, Kick):
            assert back == d
        else:
            assert type(back) is type(d) and back.push.frame() == d.push.frame()
            assert (back.seq, back.origin) == (d.seq, d.origin)


# ------------------------------------------------- the Publisher port over fan-out


async def publish_everything(notifier: Notifier, app_id: int) -> None:
    m = MessageRecord(1, "c2c:a:b", 3, "alice", "bob", 100, 7, [])
    g = MessageRecord(2, "group:g1", 9, "alice", "g1", 100, 8, [])
    joined = MembershipChanged("g1", "joined", "Public", join_seq=4)
    await notifier.stream(
        app_id,
        [
            StreamEvent("bob", 5, EventKind.MESSAGE, message=m),
            StreamEvent("alice", 6, EventKind.MESSAGE, message=m, origin="conn-a"),
            StreamEvent("bob", 7, EventKind.GROUP, joined),
        ],
    )
    await notifier.group_message(app_id, g, origin="conn-a")
    await notifier.message(app_id, replace(m, online_only=True), ["bob"])
    await notifier.notice(app_id, ["bob"], GroupSystemNotice("g1", "hi"))
    await notifier.group_notice(app_id, "g1", GroupDismissed("g1"))
    await notifier.kick(app_id, "bob", "REST_API_Kick", origin="conn-b", platform="Web")


def shapes(got: list[Delivery]) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for d in got:
        if isinstance(d, Kick):
            out.append(("kick", d.user_id, d.kick_type, d.origin, d.platform))
        elif isinstance(d, GroupFrame):
            out.append(("group", d.group_id, d.push.push.ev, d.seq, d.origin))
        else:
            effect = (d.effect.group_id, d.effect.follow, d.effect.cursor) if d.effect else None
            out.append(("user", d.user_id, d.push.push.ev, d.seq, d.origin, effect))
    return out


EXPECTED = [
    ("user", "bob", "MESSAGE_RECEIVED", 5, None, None),
    ("user", "alice", "MESSAGE_RECEIVED", 6, "conn-a", None),
    ("user", "bob", "GROUP_LIST_UPDATED", 7, None, ("g1", True, 4)),
    ("group", "g1", "MESSAGE_RECEIVED", 9, "conn-a"),
    ("user", "bob", "MESSAGE_RECEIVED", None, None, None),
    ("user", "bob", "GROUP_SYSTEM_NOTICE_RECEIVED", None, None, None),
    ("group", "g1", "GROUP_DISMISSED", None, None),
    ("kick", "bob", "REST_API_Kick", "conn-b", "Web"),
]


async def test_what_services_publish_reaches_this_node(make_nodes: MakeNodes, app_id: int) -> None:
    [node] = await make_nodes(1)
    await publish_everything(Notifier(node.fanout), app_id)
    assert shapes(node.got) == EXPECTED


@CROSS_NODE
async def test_what_services_publish_reaches_the_other_nodes(
    make_nodes: MakeNodes, app_id: int
) -> None:
    a, b = await make_nodes(2)
    for u in ("alice", "bob"):
        await b.fanout.watch(app_id, u)
    await b.fanout.watch_group(app_id, "g1")
    await publish_everything(Notifier(a.fanout), app_id)
    got = await b.until(lambda d: isinstance(d, Kick))
    assert shapes(got) == EXPECTED
