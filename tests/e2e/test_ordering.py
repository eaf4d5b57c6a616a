"""One client's pipelined sends are stored and delivered in the order they were sent,
even while the server reloads the app's settings (a reload must never let a
later request overtake an earlier one)."""

from __future__ import annotations

import asyncio
import contextlib

from conftest import SDKAPPID, RunningServer
from wsclient import WsClient


async def test_pipelined_sends_keep_their_order(server: RunningServer) -> None:
    await server.import_users("alice", "bob")
    alice = WsClient(server.url, SDKAPPID, "alice", server.sig("alice"))
    bob = WsClient(server.url, SDKAPPID, "bob", server.sig("bob"))
    await bob.connect()
    await alice.connect()
    n = 300

    async def churn() -> None:  # expire the cached app again and again meanwhile
        while True:
            server.hub.apps._cache.clear()
            await asyncio.sleep(0)  # a load generator: one clear per loop turn, not a wait

    churner = asyncio.create_task(churn())
    try:
        sends = [alice.send_text("bob", f"n:{i}", random=i, within=30) for i in range(n)]
        acks = await asyncio.gather(*sends)
    finally:
        churner.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await churner
    assert [m["sequence"] for m in acks] == sorted(m["sequence"] for m in acks)
    got = await bob.messages(n, within=30)
    assert [m["payload"]["text"] for m in got] == [f"n:{i}" for i in range(n)]
    assert [m["sequence"] for m in got] == list(range(1, n + 1))
    history = await bob.history("C2Calice")
    assert [m["payload"]["text"] for m in history] == [f"n:{i}" for i in range(n)]
    await alice.close()
    await bob.close()


async def test_fast_lane_and_task_path_sends_keep_their_order(server: RunningServer) -> None:
    """A send whose checks are cached is queued by the read loop itself; one with a
    field the fast lane does not take (here an unknown one, which the operation
    ignores) runs as a task. Pipelined sends mixing both, read by the server in
    one batch, are stored and delivered in the order they were sent."""
    await server.import_users("carol", "dave")
    carol = WsClient(server.url, SDKAPPID, "carol", server.sig("carol"))
    dave = WsClient(server.url, SDKAPPID, "dave", server.sig("dave"))
    await dave.connect()
    await carol.connect()
    await carol.send_text("dave", "warm-up", random=10_000)  # the checks' caches are filled
    n = 300
    sends = [
        carol.send_text("dave", f"m:{i}", random=i, within=30, **({"x": 1} if i % 7 == 3 else {}))
        for i in range(n)
    ]
    acks = await asyncio.gather(*sends)
    assert [m["sequence"] for m in acks] == list(range(2, n + 2))
    got = await dave.messages(n + 1, within=30)
    assert [m["payload"]["text"] for m in got] == ["warm-up"] + [f"m:{i}" for i in range(n)]
    history = await dave.history("C2Ccarol")
    assert [m["payload"]["text"] for m in history] == ["warm-up"] + [f"m:{i}" for i in range(n)]
    await carol.close()
    await dave.close()
