"""A busy server refuses new connections where it is cheap: before the WebSocket
upgrade (issue 20). When the login gate would turn a login away anyway, the
upgrade request of ``/ws`` and of Tencent's ``/binfo`` is answered HTTP 503 with
``Retry-After`` (and ``Retry-After-Ms``): no upgrade, no connection, no login
work, which an operator sees in ``/metrics``. Palaver's SDKs (Python and JS)
take the 503 like a 70169: they wait at least the hint plus jitter, come back
and get in, and the clients already online keep talking meanwhile.

No timed assertions here; how a storm settles is measured by
``python -m bench --scenario login_storm`` (docs/benchmarks.md).
"""

from __future__ import annotations

import asyncio
import base64
import os
from dataclasses import dataclass
from typing import Any

import aiohttp
import orjson
import pytest

from conftest import SDKAPPID, RunningServer
from palaver.client import EVENT, Chat
from palaver.protocol.client import SERVER_BUSY
from palaver.services.admission import RETRY_AFTER_MIN_MS, LoginGate
from support.waiting import eventually
from test_js_sdk import Open, drop_connections, texts
from test_js_sdk import open_chat as open_chat  # the fixture
from test_ops_metrics import samples
from test_storms import client, hold_logins
from wsclient import WsClient

WAIT = 10.0  # bound of any single wait, seconds
TOKEN = "scrape-storms-" + "5" * 20

REFUSED_UPGRADE = "palaver_logins_refused_total{stage=upgrade}"
REFUSED_LOGIN = "palaver_logins_refused_total{stage=login}"
UPGRADES = "palaver_websocket_upgrades_total{protocol=%s}"


@pytest.fixture
def server_settings() -> dict[str, Any]:
    """``/metrics`` on (with a token): the operator's view of the refusals."""
    return {"metrics_token": TOKEN}


async def metrics(server: RunningServer) -> dict[str, float]:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with server.session.get(f"{server.url}/metrics", headers=headers) as resp:
        assert resp.status == 200, await resp.text()
        return samples(await resp.text())


def upgrade_headers() -> dict[str, str]:
    """The headers of a WebSocket upgrade request (RFC 6455 §4.1), as a browser sends them."""
    return {
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(),
        "Sec-WebSocket-Version": "13",
    }


@dataclass
class Busy:
    """A server with its one login slot held (see :func:`busy_gate`)."""

    gate: LoginGate
    release: asyncio.Event  # set: the held login goes on and frees the slot
    holder: WsClient
    login: asyncio.Task[dict[str, Any]]

    async def end(self) -> None:
        self.release.set()
        await self.login
        await self.holder.close()


async def busy_gate(server: RunningServer, holder: str) -> Busy:
    """One login at a time, none may wait; ``holder``'s login is in progress and
    stays so until ``release`` is set: every new connection is turned away."""
    server.hub.login_gate = gate = LoginGate(limit=1, queue=0)
    release = hold_logins(server, holder)
    ws = client(server, holder)
    login = asyncio.create_task(ws.connect())
    await eventually(lambda: gate.active == 1)
    return Busy(gate, release, ws, login)


async def test_a_busy_server_refuses_the_upgrade_before_any_connection_or_login_work(
    server: RunningServer,
) -> None:
    """Carol's login holds the only slot. New connections to ``/ws`` and ``/binfo``
    get 503 + Retry-After (+ Retry-After-Ms) and the 70169 envelope, and are not
    upgraded: the upgrades counter stands still while the upgrade refusals count
    up, and no login was refused (none got that far). Alice and bob, online
    before, keep talking. Once the slot is free an upgrade goes through again."""
    await server.import_users("alice", "bob", "carol", "dave")
    alice, bob = client(server, "alice"), client(server, "bob")
    await alice.connect()
    await bob.connect()
    busy = await busy_gate(server, "carol")
    gate, release = busy.gate, busy.release
    before = await metrics(server)

    for path in ("/ws", "/binfo", "/ws"):
        async with server.session.get(server.url + path, headers=upgrade_headers()) as resp:
            assert resp.status == 503
            hint_ms = int(resp.headers["Retry-After-Ms"])
            assert hint_ms >= RETRY_AFTER_MIN_MS
            assert int(resp.headers["Retry-After"]) * 1000 >= hint_ms  # whole seconds, up
            body = orjson.loads(await resp.read())
            assert body["ErrorCode"] == SERVER_BUSY and body["retryAfter"] == hint_ms
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:  # an SDK's handshake
        await server.session.ws_connect(server.url + "/ws")
    assert refused.value.status == 503

    during = await metrics(server)
    assert during[REFUSED_UPGRADE] - before[REFUSED_UPGRADE] == 4
    assert during[UPGRADES % "palaver"] == before[UPGRADES % "palaver"]  # none upgraded
    assert during[UPGRADES % "tencent"] == before[UPGRADES % "tencent"]
    assert during[REFUSED_LOGIN] == before[REFUSED_LOGIN] == 0  # no login work started
    assert during["palaver_logins_in_progress"] == 1
    for i in range(5):  # the live pair talks through it
        await alice.send_text("bob", f"during {i}", 100 + i)
    assert [m["payload"]["text"] for m in await bob.messages(5)] == [
        f"during {i}" for i in range(5)
    ]

    release.set()
    await eventually(lambda: gate.active == 0)
    dave = client(server, "dave")
    await dave.connect()  # room again: upgraded and logged in
    after = await metrics(server)
    assert after[UPGRADES % "palaver"] == before[UPGRADES % "palaver"] + 1  # dave's
    assert after[REFUSED_UPGRADE] == during[REFUSED_UPGRADE]
    assert alice.close_codes == [] and bob.close_codes == []
    for c in (alice, bob, dave):
        await c.close()
    await busy.end()


async def test_a_plain_get_learns_the_busy_state_without_counting_as_a_refusal(
    server: RunningServer,
) -> None:
    """What the JS SDK asks after its upgrade failed (a browser cannot read the
    503 itself): the same 503 while busy, a 400 once not; neither is a refusal."""
    await server.import_users("carol")
    busy = await busy_gate(server, "carol")
    gate, release = busy.gate, busy.release
    async with server.session.get(server.url + "/ws") as resp:
        assert resp.status == 503 and int(resp.headers["Retry-After-Ms"]) >= RETRY_AFTER_MIN_MS
        assert resp.headers["Access-Control-Allow-Origin"] == "*"
        assert "Retry-After-Ms" in resp.headers["Access-Control-Expose-Headers"]
    assert gate.refused_upgrades == 0
    release.set()
    await eventually(lambda: gate.active == 0)
    async with server.session.get(server.url + "/ws") as resp:
        assert resp.status == 400  # not busy: just not an upgrade
    await busy.end()


async def test_the_python_sdk_turned_away_at_the_upgrade_waits_the_hint_and_gets_in(
    server: RunningServer,
) -> None:
    """Alice's SDK logs in while the server is busy: its upgrade gets the 503;
    it waits the hint plus jitter (a fake clock records it; meanwhile the live
    pair keeps talking), tries again and gets in."""
    await server.import_users("alice", "bob", "carol", "erin")
    bob, erin = client(server, "bob"), client(server, "erin")
    await bob.connect()
    await erin.connect()
    busy = await busy_gate(server, "carol")
    gate, release = busy.gate, busy.release
    chat = Chat(SDKAPPID, server.url)
    waits: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)
        await bob.send_text("erin", "while alice waits", 1)  # live clients unaffected
        assert texts(await erin.messages(1)) == ["while alice waits"]
        release.set()  # time passes: the login in progress ends
        await eventually(lambda: gate.active == 0)

    chat._sleep = fake_sleep  # type: ignore[method-assign]
    chat._rand = lambda: 0.5  # type: ignore[method-assign]
    try:
        await chat.login("alice", server.sig("alice"))
        assert gate.refused_upgrades == 1 and gate.refused == 0  # refused at the upgrade
        assert len(waits) == 1 and waits[0] >= RETRY_AFTER_MIN_MS / 1000  # the hint, at least
        got: asyncio.Queue[Any] = asyncio.Queue()
        chat.on(EVENT.MESSAGE_RECEIVED, got.put_nowait)
        await bob.send_text("alice", "welcome", 2)
        [message] = await asyncio.wait_for(got.get(), WAIT)
        assert message.payload["text"] == "welcome"
    finally:
        await chat.logout()
        await bob.close()
        await erin.close()
    await busy.end()


async def test_the_python_sdk_reconnecting_into_a_busy_server_comes_back_with_what_it_missed(
    server: RunningServer,
) -> None:
    """Alice is online when her connection drops and the server is busy: her
    reconnect's upgrade gets the 503, she waits the hint, comes back with her
    cursor and gets, exactly once, the message sent while she was away."""
    await server.import_users("alice", "bob", "carol")
    bob = client(server, "bob")
    await bob.connect()
    chat = Chat(SDKAPPID, server.url)
    got: asyncio.Queue[Any] = asyncio.Queue()
    chat.on(EVENT.MESSAGE_RECEIVED, got.put_nowait)
    await chat.login("alice", server.sig("alice"))
    busy = await busy_gate(server, "carol")
    gate, release = busy.gate, busy.release
    waits: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)
        if gate.refused_upgrades and not release.is_set():  # turned away: time passes
            await bob.send_text("alice", "while away", 1)
            release.set()
            await eventually(lambda: gate.active == 0)

    chat._sleep = fake_sleep  # type: ignore[method-assign]
    chat._rand = lambda: 0.5  # type: ignore[method-assign]
    try:
        assert drop_connections(server, "alice") == 1  # as a restarting server would
        [message] = await asyncio.wait_for(got.get(), WAIT)
        assert message.payload["text"] == "while away"
        assert gate.refused_upgrades == 1
        assert waits[-1] >= RETRY_AFTER_MIN_MS / 1000  # the wait after the 503: the hint, at least
        await bob.send_text("alice", "marker", 2)
        [marker] = await asyncio.wait_for(got.get(), WAIT)
        assert marker.payload["text"] == "marker"  # and nothing twice before it
    finally:
        await chat.logout()
        await bob.close()
    await busy.end()


async def test_the_js_sdk_turned_away_at_the_upgrade_waits_the_hint_and_gets_in(
    server: RunningServer, open_chat: Open
) -> None:
    """In Chromium: alice's upgrade gets the 503 (the browser only sees a failed
    WebSocket), the SDK asks the server why and learns the hint, waits at least
    that (a fake sleep records it), comes back and gets in."""
    await server.import_users("alice", "bob", "carol")
    bob = client(server, "bob")
    await bob.connect()
    busy = await busy_gate(server, "carol")
    gate, release = busy.gate, busy.release
    alice = await open_chat("alice", login=False)
    await alice.js(
        "T.waits = []; chat._random = () => 0.5;"
        "chat._sleep = (ms) => new Promise((resolve) => { T.waits.push(ms); T.resume = resolve; });"
    )
    login = asyncio.create_task(alice.login(server.sig("alice")))
    await eventually(lambda: gate.refused_upgrades == 1)
    waits: list[float] = []
    for _ in range(200):  # bounded: the refusal and the answer to its question reach the page
        waits = await alice.js("return T.waits;")
        if waits:
            break
    assert len(waits) == 1 and waits[0] >= RETRY_AFTER_MIN_MS  # the server's hint, at least
    assert gate.refused == 0  # never got as far as a login
    release.set()
    await eventually(lambda: gate.active == 0)
    await alice.js("T.resume();")  # the wait is over
    await login
    assert await alice.js("return chat.isReady();") is True
    await bob.send_text("alice", "welcome", 1)
    assert texts(await alice.messages(1)) == ["welcome"]
    await bob.close()
    await busy.end()
