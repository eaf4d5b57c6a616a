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
