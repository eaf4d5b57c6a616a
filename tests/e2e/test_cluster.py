"""Several ``palaver serve`` nodes sharing one PostgreSQL and one Redis act as one server.

Three real node processes on free 127.0.0.1 ports (``PALAVER_FANOUT=redis``),
real clients over WebSocket: live delivery across nodes, online state, kick-out
and the login policy across nodes, and a node killed mid-stream (its clients
resume on another node with nothing lost or doubled).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from conftest import PG_DEFAULT_URL, free_port, per_run_url, require_service, reset_postgres
from palaver.usersig import gen_usersig_v2
from support.waiting import eventually
from wsclient import WsClient

# this run's own app: Redis pub/sub channels (palaver:u:<app>:<user>) are shared by every
# test run on the machine, whatever the database number
SDKAPPID = 1_400_100_000 + os.getpid() % 800_000
KEY = "cluster-test-key-" + "0" * 47
ADMIN = "administrator"
PG_URL = per_run_url(os.environ.get("PALAVER_TEST_DATABASE_URL") or PG_DEFAULT_URL)
REDIS_URL = os.environ.get("PALAVER_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _palaver(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "palaver", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


@dataclass
class Node:
    port: int
    proc: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Cluster:
    nodes: list[Node]
    env: dict[str, str]
    session: aiohttp.ClientSession

    def sig(self, user: str) -> str:
        return gen_usersig_v2(SDKAPPID, KEY, user, 3600)

    def client(self, node: int, user: str, platform: str = "Web") -> WsClient:
        return WsClient(self.nodes[node].url, SDKAPPID, user, self.sig(user), platform=platform)

    async def rest(self, node: int, service: str, command: str, body: Any) -> dict[str, Any]:
        q = f"sdkappid={SDKAPPID}&identifier={ADMIN}&usersig={self.sig(ADMIN)}&random=1"
        url = f"{self.nodes[node].url}/v4/{service}/{command}?{q}"
        async with self.session.post(url, json=body) as resp:
            result: dict[str, Any] = await resp.json(content_type=None)
        assert result["ActionStatus"] == "OK", result
        return result


def start_node(env: dict[str, str], log: Path) -> Node:
    port = free_port()
    out = log.open("ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "palaver", "serve", "--port", str(port)],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    return Node(port, proc)


async def wait_healthy(session: aiohttp.ClientSession, node: Node, within: float = 60) -> None:
    """Until the node answers `/healthz` (three start at once: on a loaded machine each
    import of the server takes seconds)."""

    async def healthy() -> bool:
        assert node.proc.poll() is None, "node exited at start"
        try:
            async with session.get(node.url + "/healthz") as r:
                return r.status == 200
        except aiohttp.ClientError:
            return False

    await eventually(healthy, f"the node on {node.port} to start", within)


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping())
    except Exception:
        return False


def _postgres_up() -> bool:
    import socket

    with socket.socket() as s:
        s.settimeout(2)
        return s.connect_ex(("127.0.0.1", 5432)) == 0


@pytest_asyncio.fixture(scope="module")
async def cluster(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Cluster]:
    """Three nodes for the whole module (each test uses its own users)."""
    tmp_path = tmp_path_factory.mktemp("cluster")
    require_service("PostgreSQL", _postgres_up())
    require_service("Redis", _redis_up())
    await reset_postgres(PG_URL)
    env = {
        **os.environ,
        "PALAVER_DATABASE_URL": PG_URL,
        "PALAVER_FANOUT": "redis",
        "PALAVER_REDIS_URL": REDIS_URL,
        "PALAVER_DATA_DIR": str(tmp_path / "data"),
    }
    _palaver("app", "create", "--sdkappid", str(SDKAPPID), "--secret-key", KEY, env=env)
    nodes: list[Node] = []
    try:
        for _ in range(3):
            nodes.append(start_node(env, tmp_path / "nodes.log"))
        async with aiohttp.ClientSession() as session:
            for n in nodes:
                await wait_healthy(session, n)
            c = Cluster(nodes, env, session)
            await c.rest(
                0,
                "im_open_login_svc",
                "multiaccount_import",
                {"Accounts": [f"{u}{i}" for u in ("alice", "bob", "carol") for i in range(5)]},
            )
            yield c
    finally:
        for n in nodes:
            if n.proc.poll() is None:
                n.proc.send_signal(signal.SIGTERM)
        for n in nodes:
            try:
                n.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                n.proc.kill()


def texts(messages: list[dict[str, Any]]) -> list[str]:
    return [m["payload"]["text"] for m in messages]


async def next_event(client: WsClient, ev: str, within: float = 5) -> Any:
    """The next push named ``ev`` (others are skipped)."""
    deadline = time.monotonic() + within
    while True:
        push = await client.next_push(within=max(0.01, deadline - time.monotonic()))
        if push.ev == ev:
            return push


async def test_live_delivery_across_nodes(cluster: Cluster) -> None:
    alice, bob = cluster.client(0, "alice0"), cluster.client(1, "bob0")
    await alice.connect()
    await bob.connect()
    for i in range(30):
        await alice.send_text("bob0", f"n:{i}", random=i)
    got = await bob.messages(30, within=10)
    assert texts(got) == [f"n:{i}" for i in range(30)]
    seqs = [m["sequence"] for m in got]
    assert seqs == sorted(seqs) and len(set(seqs)) == 30
    # a REST send through the third node reaches bob on the second, live
    await cluster.rest(
        2,
        "openim",
        "sendmsg",
        {
            "From_Account": "carol0",
            "To_Account": "bob0",
            "MsgRandom": 5,
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "via rest on node 3"}}],
        },
    )
    assert texts(await bob.messages(1, within=5)) == ["via rest on node 3"]
    await alice.close()
    await bob.close()


async def test_online_state_across_nodes(cluster: Cluster) -> None:
    alice = cluster.client(0, "alice1", platform="Web")
    await alice.connect()

    async def status() -> dict[str, str]:
        r = await cluster.rest(
            2,
            "openim",
            "query_online_status",
            {"To_Account": ["alice1", "bob1"], "IsNeedDetail": 1},
        )
        return {i["To_Account"]: i["Status"] for i in r["QueryResult"]}

    assert await status() == {"alice1": "Online", "bob1": "Offline"}
    await alice.close()

    async def offline() -> bool:
        return (await status())["alice1"] == "Offline"

    await eventually(offline, "alice to be offline after disconnecting", 5)


async def test_kick_and_login_policy_across_nodes(cluster: Cluster) -> None:
    # REST kick through node 3 closes alice's connection on node 1
    alice = cluster.client(0, "alice2")
    await alice.connect()
    await cluster.rest(2, "im_open_login_svc", "kick", {"UserID": "alice2"})
    push = await next_event(alice, "KICKED_OUT")
    assert push.data == {"type": "REST_API_Kick"}
    assert await alice.wait_closed(within=5) == 4001
    # one device per platform (default): a second Web login on node 2 kicks node 1's
    bob1, bob2 = cluster.client(0, "bob2", "Web"), cluster.client(1, "bob2", "Web")
    await bob1.connect()
    await bob2.connect()
    push = await next_event(bob1, "KICKED_OUT")
    assert push.data == {"type": "multipleDevice"}
    # another platform on node 3 is fine
    bob3 = cluster.client(2, "bob2", "Android")
    await bob3.connect()
    # no kick for the others: a message sent after bob3's login reaches both
    # (a kick would have come first and closed the connection)
    await cluster.rest(0, "im_open_login_svc", "multiaccount_import", {"Accounts": ["marker"]})
    await cluster.rest(
        1,
        "openim",
        "sendmsg",
        {
            "From_Account": "marker",
            "To_Account": "bob2",
            "MsgRandom": 4242,
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "marker"}}],
        },
    )
    for c in (bob2, bob3):
        before = await c.pushes_before(
            lambda p: p.ev == "MESSAGE_RECEIVED" and texts([p.data["message"]]) == ["marker"]
        )
        assert not [p for p in before if p.ev == "KICKED_OUT"], before
    assert bob2.connected and bob3.connected
    for c in (bob2, bob3):
        await c.close()


async def send_group(client: WsClient, group_id: str, text: str, rnd: int) -> None:
    await client.send_text(group_id, text, rnd, conversation_type="GROUP")


async def test_group_streams_across_nodes(cluster: Cluster) -> None:
    """A group whose members sit on three nodes: one publish per message reaches
    all of them live; a member who leaves and comes back on another node resumes
    the group's stream; a live room (AVChatRoom) audience spans nodes too."""
    alice, bob, carol = (cluster.client(i, u) for i, u in enumerate(("alice4", "bob4", "carol4")))
    for c in (alice, bob, carol):
        await c.connect()
    group = (
        await alice.call(
            "createGroup",
            {
                "type": "Public",
                "name": "nodes",
                "memberList": [{"userID": "bob4"}, {"userID": "carol4"}],
            },
        )
    )["group"]
    gid = group["groupID"]
    for i in range(10):
        await send_group(alice, gid, f"g:{i}", 500 + i)
    for c in (bob, carol):
        got = [m for m in await c.messages(11, within=10) if m["type"] == "TIMTextElem"]
        assert texts(got) == [f"g:{i}" for i in range(10)]
    await carol.close()
    for i in range(10, 20):
        await send_group(bob, gid, f"g:{i}", 500 + i)
    carol.url = cluster.nodes[0].url + "/ws"  # back through alice's node, same cursors
    await carol.connect()
    assert texts(await carol.messages(10, within=10)) == [f"g:{i}" for i in range(10, 20)]
    room = (await alice.call("createGroup", {"type": "AVChatRoom", "name": "live"}))["group"]
    for c in (bob, carol):
        assert (await c.call("joinGroup", {"groupID": room["groupID"]}))[
            "status"
        ] == "JoinedSuccess"
    await send_group(alice, room["groupID"], "on air", 900)
    for c in (bob, carol):
        assert texts(await c.messages(1, within=10)) == ["on air"]
    for c in (alice, bob, carol):
        await c.close()


async def test_node_killed_mid_stream_loses_nothing(cluster: Cluster) -> None:
    """bob's node dies with SIGKILL while alice sends; bob resumes on another node."""
    n = 200
    alice, bob = cluster.client(0, "alice3"), cluster.client(1, "bob3")
    await alice.connect()
    await bob.connect()
    acked: list[int] = []
    third = asyncio.Event()

    async def send_all() -> None:
        for i in range(n):
            await alice.send_text("bob3", f"n:{i}", random=10_000 + i)
            acked.append(i)
            if len(acked) == n // 3:
                third.set()

    sender = asyncio.create_task(send_all())
    await asyncio.wait_for(third.wait(), 30)
    cluster.nodes[1].proc.kill()  # bob's node, mid-stream
    await bob.wait_closed(within=5)
    await asyncio.wait_for(sender, 60)
    bob.url = cluster.nodes[2].url + "/ws"  # reconnect through another node, same cursor
    await bob.connect()
    got = await bob.messages(n, within=20)
    received = [int(t.split(":")[1]) for t in texts(got)]
    lost = sorted(set(acked) - set(received))
    duplicated = len(received) - len(set(received))
    out_of_order = sum(1 for a, b in zip(received, received[1:], strict=False) if b <= a)
    assert (lost, duplicated, out_of_order) == ([], 0, 0), (lost, duplicated, out_of_order)
    assert received == list(range(n))
    raw_seqs = [p.seq for p in bob.raw]
    assert len(raw_seqs) == len(set(raw_seqs)), "the server sent a stream event twice"
    await alice.close()
    await bob.close()


async def test_user_status_across_nodes(cluster: Cluster) -> None:
    # carol1 (node 1) follows carol2, who logs in, sets a status and leaves on node 3
    watcher = cluster.client(0, "carol1")
    await watcher.connect()
    r = await watcher.call("subscribeUserStatus", {"userIDList": ["carol2", "nobody"]})
    assert [f["code"] for f in r["failureUserList"]] == [70107]
    got = await watcher.call("getUserStatus", {"userIDList": ["carol2"]})
    assert got["successUserList"] == [{"userID": "carol2", "statusType": 2, "customStatus": ""}]

    target = cluster.client(2, "carol2")
    await target.connect()
    push = await next_event(watcher, "USER_STATUS_UPDATED")
    assert push.data["userStatusList"][0]["statusType"] == 1
    got = await watcher.call("getUserStatus", {"userIDList": ["carol2"]})
    assert got["successUserList"][0]["statusType"] == 1
    await target.call("setSelfStatus", {"customStatus": "in a meeting"})
    push = await next_event(watcher, "USER_STATUS_UPDATED")
    assert push.data["userStatusList"] == [
        {"userID": "carol2", "statusType": 1, "customStatus": "in a meeting"}
    ]
    await target.close()
    push = await next_event(watcher, "USER_STATUS_UPDATED")
    assert push.data["userStatusList"] == [
        {"userID": "carol2", "statusType": 2, "customStatus": "in a meeting"}
    ]
    await watcher.close()
