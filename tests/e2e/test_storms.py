"""A busy server never drops live clients (issue 20): liveness counts what arrived
on the socket, heartbeats are answered ahead of work in flight, logins are
admitted through a bounded gate, a refused login is told when to come back,
and the Python SDK comes back then and gets in.

No timed assertions here: how fast a storm settles is measured by
``python -m bench --scenario login_storm`` (docs/benchmarks.md).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from conftest import SDKAPPID, RunningServer
from palaver.api.ws.core import MAX_IN_FLIGHT
from palaver.client import EVENT, Chat
from palaver.protocol.client import SERVER_BUSY, reconnect_delay
from palaver.protocol.frames import CLOSE_HEARTBEAT
from palaver.services.admission import RETRY_AFTER_MIN_MS, LoginGate, ServerBusy
from palaver.services.sessions import LoginPlan
from support.waiting import eventually
from wsclient import ProtocolError, WsClient

WAIT = 10.0  # bound of any single wait, seconds


def client(server: RunningServer, user: str) -> WsClient:
    return WsClient(server.url, SDKAPPID, user, server.sig(user))


def hold_logins(server: RunningServer, prefix: str) -> asyncio.Event:
    """Logins of users named ``prefix...`` stay in progress (inside the login gate)
    until the returned event is set: a storm frozen mid-way, deterministically."""
    release = asyncio.Event()
    sessions = server.hub.sessions
    plan, login = sessions.plan, sessions.login

    async def held_plan(app: Any, user_id: str, *args: Any, **kw: Any) -> LoginPlan:
        if user_id.startswith(prefix):
            await release.wait()
        return await plan(app, user_id, *args, **kw)

    async def held_login(app: Any, user_id: str, *args: Any, **kw: Any) -> LoginPlan:
        if user_id.startswith(prefix):
            await release.wait()
        return await login(app, user_id, *args, **kw)

    sessions.plan = held_plan  # type: ignore[method-assign]
    sessions.login = held_login  # type: ignore[method-assign]
    return release


def refused_at_login_only(gate: LoginGate) -> LoginGate:
    """``gate``, letting every upgrade through: as if it filled up between a
    connection's upgrade and its login, so the refusal is the login's 70169 (the
    503 before the upgrade is tested in test_storms_upgrade.py)."""
    gate.refuse_upgrade = lambda **_: None  # type: ignore[method-assign]
    return gate


# ------------------------------------------------------------------ liveness


async def test_a_heartbeat_the_server_has_not_read_yet_keeps_its_client(
    server: RunningServer,
) -> None:
    """The server's loop is too busy to read: alice's heartbeat waits unread in her
    socket when the sweeper looks (a fake clock puts it past the timeout). She was
    heard from and stays; bob, from whom nothing came, is dropped with 4000."""
    await server.import_users("alice", "bob")
    alice, bob = client(server, "alice"), client(server, "bob")
    await alice.connect()
    await bob.connect()
    registry = server.hub.registry
    [conn] = registry.connections(SDKAPPID, "alice")

    # alice heartbeats; nothing else runs on the loop until the sweep below
    ws = alice._ws
    assert ws is not None
    _, frame = alice.session.request("heartbeat")
    await ws.send_str(frame.decode())  # a small write: done without yielding
    for _ in range(1000):  # bounded; loopback delivers at once
        if conn.input_pending():
            break
        time.sleep(0.001)  # noqa: ASYNC251 (the server's loop must not run here)
    late = time.monotonic() + server.hub.settings.heartbeat_timeout + 1
    assert registry.sweep(late) == 1  # bob, silent; not alice

    assert await bob.wait_closed() == CLOSE_HEARTBEAT
    assert (await alice.call("heartbeat"))["serverTime"] > 0
    assert alice.connected and alice.close_codes == []
    await alice.send_text("alice", "still here", 1)
    assert [c.user_id for c in registry] == ["alice"]
    await alice.close()
    await bob.close()


async def test_heartbeats_are_answered_ahead_of_work_in_flight(server: RunningServer) -> None:
    """Alice has as many requests stuck in the server as one connection may run
    at once; her heartbeat is answered anyway, and the stuck ones later."""
    await server.import_users("alice")
    alice = client(server, "alice")
    await alice.connect()
    release = asyncio.Event()
    conversations = server.hub.conversations
    real = conversations.list

    async def stuck(*args: Any, **kw: Any) -> Any:
        await release.wait()
        return await real(*args, **kw)

    conversations.list = stuck  # type: ignore[method-assign]
    waiting = [
        asyncio.create_task(alice.request("getTotalUnreadMessageCount"))
        for _ in range(MAX_IN_FLIGHT + 2)
    ]
    assert (await alice.call("heartbeat"))["serverTime"] > 0
    assert not any(t.done() for t in waiting)
    release.set()
    assert all(r.code == 0 for r in await asyncio.gather(*waiting))
    await alice.close()


# ------------------------------------------------------------- admission control


async def test_a_login_storm_is_admitted_in_turn_while_live_clients_chat(
    server: RunningServer,
) -> None:
    """Two logins run, four wait their turn, the rest are told at once to come
    back later (70169 + retryAfter), not left to time out. Meanwhile alice and bob,
    already online, keep talking and neither connection drops. Once the storm is
    admitted, the refused clients come back and get in."""
    storm = [f"storm{i}" for i in range(16)]
    await server.import_users("alice", "bob", *storm)
    server.hub.login_gate = gate = refused_at_login_only(LoginGate(limit=2, queue=4))
    alice, bob = client(server, "alice"), client(server, "bob")
    await alice.connect()
    await bob.connect()
    release = hold_logins(server, "storm")

    clients = [client(server, u) for u in storm]
    logins = [asyncio.create_task(c.connect()) for c in clients]
    await eventually(lambda: gate.active == 2 and gate.waiting == 4 and gate.refused == 10)
    await eventually(lambda: sum(t.done() for t in logins) == 10)  # their answers arrive
    refused = [t for t in logins if t.done()]
    assert len(refused) == 10
    for t in refused:
        exc = t.exception()
        assert isinstance(exc, ProtocolError) and exc.code == SERVER_BUSY

    # the storm is frozen mid-way: the live pair talks through it
    for i in range(20):
        await alice.send_text("bob", f"during {i}", 1000 + i)
    got = await bob.messages(20)
    assert [m["payload"]["text"] for m in got] == [f"during {i}" for i in range(20)]

    release.set()
    await asyncio.gather(*(t for t in logins if t not in refused))
    for c, t in zip(clients, logins, strict=True):
        if t in refused:
            await c.connect()  # coming back after the storm, it gets in
    assert all(c.connected for c in clients)
    assert alice.close_codes == [] and bob.close_codes == []
    assert alice.connected and bob.connected
    for c in (alice, bob, *clients):
        await c.close()


async def test_a_refused_login_says_when_to_come_back(server: RunningServer) -> None:
    """On the wire: a busy server's login answer is 70169 with ``retryAfter`` (ms)."""
    await server.import_users("alice", "bob")
    server.hub.login_gate = refused_at_login_only(LoginGate(limit=1, queue=0))
    release = hold_logins(server, "alice")
    alice = client(server, "alice")
    first = asyncio.create_task(alice.connect())
    await eventually(lambda: server.hub.login_gate.active == 1)
    async with server.session.ws_connect(server.url + "/ws") as ws:
        login = {"v": 1, "SDKAppID": SDKAPPID, "userID": "bob", "userSig": server.sig("bob")}
        await ws.send_json({"id": 1, "op": "login", "data": login})
        answer = await ws.receive_json(timeout=WAIT)
    assert answer["id"] == 1 and answer["code"] == SERVER_BUSY
    assert answer["retryAfter"] >= RETRY_AFTER_MIN_MS
    release.set()
    await first
    await alice.close()


def test_login_gate_hands_slots_over_in_order_and_refuses_beyond_its_queue() -> None:
    async def scenario() -> None:
        gate = LoginGate(limit=1, queue=2)
        order: list[str] = []
        go = asyncio.Event()

        async def login(name: str) -> None:
            async with gate.admit():
                order.append(name)
                await go.wait()

        first = asyncio.create_task(login("a"))
        await eventually(lambda: gate.active == 1)
        queued = [asyncio.create_task(login(n)) for n in ("b", "c")]
        await eventually(lambda: gate.waiting == 2)
        with pytest.raises(ServerBusy) as busy:
            async with gate.admit():
                pass
        assert busy.value.code == SERVER_BUSY
        assert busy.value.retry_after_ms >= RETRY_AFTER_MIN_MS
        queued[0].cancel()  # a client that gave up frees its place in line
        await eventually(lambda: gate.waiting == 1)
        go.set()
        await asyncio.gather(first, queued[1])
        assert order == ["a", "c"] and gate.active == 0 and gate.waiting == 0

    asyncio.run(scenario())


def test_login_gate_refuses_a_login_that_would_wait_too_long() -> None:
    async def scenario() -> None:
        gate = LoginGate(limit=1, queue=100, max_wait=0.001)
        go = asyncio.Event()

        async def login() -> None:
            async with gate.admit():
                await go.wait()

        first = asyncio.create_task(login())
        await eventually(lambda: gate.active == 1)
        with pytest.raises(ServerBusy):  # room in line, but the wait would be too long
            async with gate.admit():
                pass
        go.set()
        await first
        async with gate.admit():  # nobody ahead: no wait
            assert gate.active == 1

    asyncio.run(scenario())


# ------------------------------------------------------------------ SDK backoff


def test_reconnect_delay_is_exponential_with_full_jitter_and_honours_the_hint() -> None:
    assert reconnect_delay(0, 0.5, 15, 0.0) == 0.0  # full jitter: may come back at once
    assert reconnect_delay(0, 0.5, 15, 0.5) == 0.25
    assert reconnect_delay(3, 0.5, 15, 0.5) == 2.0  # window 0.5 * 2**3
    assert reconnect_delay(10, 0.5, 15, 0.999) < 15  # capped
    assert reconnect_delay(1000, 0.5, 15, 0.5) == 7.5  # no overflow
    # a busy server's hint comes first; the jitter spreads those told the same
    assert reconnect_delay(0, 0.5, 15, 0.0, retry_after=2.0) == 2.0
    assert reconnect_delay(0, 0.5, 15, 0.5, retry_after=2.0) == 2.25


async def test_the_sdk_retries_a_busy_login_after_the_hint_and_gets_in(
    server: RunningServer,
) -> None:
    """Admission control turns alice's SDK away (one login at a time, none may
    wait: bob's is in progress); the SDK waits the server's hint plus jitter
    (a fake clock records it), tries again and gets in, and works."""
    await server.import_users("alice", "bob")
    server.hub.login_gate = gate = refused_at_login_only(LoginGate(limit=1, queue=0))
    release = hold_logins(server, "bob")
    bob = client(server, "bob")
    bob_in = asyncio.create_task(bob.connect())
    await eventually(lambda: gate.active == 1)

    chat = Chat(SDKAPPID, server.url)
    waits: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)
        release.set()  # time passes: the login in progress ends
        await eventually(lambda: gate.active == 0)

    chat._sleep = fake_sleep  # type: ignore[method-assign]
    chat._rand = lambda: 0.5  # type: ignore[method-assign]
    try:
        await chat.login("alice", server.sig("alice"))
        assert gate.refused == 1
        assert len(waits) == 1 and waits[0] >= RETRY_AFTER_MIN_MS / 1000  # the hint, at least
        assert chat.is_ready()
        got: asyncio.Queue[Any] = asyncio.Queue()
        chat.on(EVENT.MESSAGE_RECEIVED, got.put_nowait)
        await bob_in
        await bob.send_text("alice", "welcome", 1)
        [message] = await asyncio.wait_for(got.get(), WAIT)
        assert message.payload["text"] == "welcome"
    finally:
        await chat.logout()
        await bob.close()
