"""Nothing lost, nothing doubled: Tencent's own web SDK (``@tencentcloud/chat`` 3.6.6,
in Chromium) through network cuts and a server restart, with other front doors (REST,
Palaver's Python SDK) talking to it both ways, and several devices of one user.

Each test counts what the SDK gives the app (``MESSAGE_RECEIVED`` events and the
history it shows): every message exactly once.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest

from conftest import ADMIN, SDKAPPID, SECRET, RunningServer
from palaver.client import EVENT, TYPES, Chat
from palaver.usersig import gen_usersig_v2
from support.tencent_sdk import WAIT, TencentHarness, TencentTab

pytestmark = pytest.mark.timeout(240)


async def rest_send(server: RunningServer, frm: str, to: str, text: str, rnd: int) -> None:
    await server.ok(
        "openim",
        "sendmsg",
        {
            "From_Account": frm,
            "To_Account": to,
            "MsgRandom": rnd,
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}],
        },
    )


async def received_texts(tab: TencentTab, n: int) -> list[str]:
    """The texts of the next ``n`` messages the SDK hands the app."""
    return [m["payload"]["text"] for m in await tab.received(n, within=3 * WAIT)]


async def assert_nothing_more(tab: TencentTab, marker_from: RunningServer, peer: str) -> None:
    """Nothing else arrives: a last message, sent after everything, is the next one."""
    await rest_send(marker_from, peer, tab.label, "marker", 999_999)
    assert await received_texts(tab, 1) == ["marker"], tab.report()


async def test_network_cut_then_everything_missed_arrives_exactly_once(
    server: RunningServer, tencent: TencentHarness
) -> None:
    await server.import_users("alice", "bob")
    bob = await tencent.login("bob", server.sig("bob"), relay=True)
    await rest_send(server, "alice", "bob", "before", 1)
    assert await received_texts(bob, 1) == ["before"]
    await bob.network_down()
    await bob.wait_event("NET_STATE_CHANGE", lambda d: d["state"] == "disconnected")
    for i in range(10):  # sent while bob is away
        await rest_send(server, "alice", "bob", f"away {i}", 100 + i)
    await bob.network_up()
    await bob.wait_event("NET_STATE_CHANGE", lambda d: d["state"] == "connected")
    got = await received_texts(bob, 10)
    assert got == [f"away {i}" for i in range(10)], bob.report()
    await assert_nothing_more(bob, server, "alice")
    page = await bob.call("getMessageList", {"conversationID": "C2Calice"})
    history = [m["payload"]["text"] for m in page["messageList"]]
    assert history == ["before", *[f"away {i}" for i in range(10)], "marker"], bob.report()
    assert len({m["ID"] for m in page["messageList"]}) == 12


async def test_server_restart_loses_and_doubles_nothing(
    server: RunningServer, tencent: TencentHarness
) -> None:
    await server.import_users("alice", "bob")
    alice = await tencent.login("alice", server.sig("alice"), relay=True)
    bob = await tencent.login("bob", server.sig("bob"), relay=True)
    for i in range(5):
        await alice.send_text("bob", f"one {i}")
    assert await received_texts(bob, 5) == [f"one {i}" for i in range(5)]
    await server.restart()  # nothing in memory survives; the SDKs reconnect by themselves
    for i in range(5):
        await rest_send(server, "alice", "bob", f"two {i}", 200 + i)
    # bob's SDK notices the restart (its socket closed) and reconnects at once; if
    # the node was not listening yet, it waits for the app's next request (its own
    # rule, docs/tencent-client-protocol.md §4), as here. It logs in again with its
    # session key and gets what it missed; alice keeps sending through the new node.
    await bob.call("checkFriend", {"userIDList": ["alice"], "type": "CheckResult_Type_Both"})
    await bob.wait_event("NET_STATE_CHANGE", lambda d: d["state"] == "connected", within=30)
    for i in range(5):
        await alice.send_text("bob", f"three {i}")
    got = await received_texts(bob, 10)
    assert Counter(got) == Counter(
        [f"two {i}" for i in range(5)] + [f"three {i}" for i in range(5)]
    ), (
        got,
        bob.report(),
    )
    assert [t for t in got if t.startswith("two")] == [f"two {i}" for i in range(5)]
    assert [t for t in got if t.startswith("three")] == [f"three {i}" for i in range(5)]
    await assert_nothing_more(bob, server, "alice")


async def test_interop_with_rest_and_palaver_python_sdk(
    server: RunningServer, tencent: TencentHarness
) -> None:
    await server.import_users("alice", "bob")
    alice = await tencent.login("alice", server.sig("alice"))
    bob = Chat(SDKAPPID, server.ws_url + "/ws")
    inbox: asyncio.Queue[Any] = asyncio.Queue()
    bob.on(EVENT.MESSAGE_RECEIVED, lambda batch: [inbox.put_nowait(m) for m in batch])
    await bob.login("bob", gen_usersig_v2(SDKAPPID, SECRET, "bob", 86400))
    try:
        # Tencent's SDK -> Palaver's SDK
        sent = await alice.send_text("bob", "from tencent")
        got = await asyncio.wait_for(inbox.get(), WAIT)
        assert (got.from_, got.payload["text"]) == ("alice", "from tencent"), sent
        # Palaver's SDK -> Tencent's SDK
        msg = bob.create_text_message(
            to="alice", conversation_type=TYPES.CONV_C2C, payload={"text": "from palaver"}
        )
        await bob.send_message(msg)
        assert [m["payload"]["text"] for m in await alice.received(1)] == ["from palaver"]
        # REST -> Tencent's SDK, and the history REST sees has all three
        await rest_send(server, "bob", "alice", "from rest", 5)
        assert [m["payload"]["text"] for m in await alice.received(1)] == ["from rest"]
        roam = await server.ok(
            "openim",
            "admin_getroammsg",
            {"Operator_Account": "alice", "Peer_Account": "bob", "MaxCnt": 10},
            identifier=ADMIN,
        )
        texts = [m["MsgBody"][0]["MsgContent"]["Text"] for m in roam["MsgList"]]
        assert texts == ["from tencent", "from palaver", "from rest"], roam
    finally:
        await bob.logout()


async def test_two_devices_of_one_user_and_kick_out(
    server: RunningServer, tencent: TencentHarness
) -> None:
    await server.import_users("alice", "bob")
    bob = await tencent.login("bob", server.sig("bob"))
    laptop = await tencent.login("alice", server.sig("alice"))
    # alice's second login on the same platform (Web) replaces the first
    phone = await tencent.login("alice", server.sig("alice"))
    kicked = await laptop.wait_event("KICKED_OUT")
    assert kicked["type"] == "multipleDevice", laptop.report()
    await phone.send_text("bob", "from the phone")
    assert [m["payload"]["text"] for m in await bob.received(1)] == ["from the phone"]
    # the REST kick ends the session everywhere, with its own type
    await server.ok("im_open_login_svc", "kick", {"UserID": "alice"})
    kicked = await phone.wait_event("KICKED_OUT")
    assert kicked["type"] == "REST_API_Kick", phone.report()


async def test_single_login_policy_kicks_across_sdks(
    server: RunningServer, tencent: TencentHarness
) -> None:
    """Login policy ``single``: a login with Palaver's own SDK (another platform)
    ends the web session of Tencent's SDK with ``multipleAccount``."""
    await server.hub.apps.update_settings(server.app.sdkappid, login_policy="single")
    await server.import_users("alice")
    web = await tencent.login("alice", server.sig("alice"))
    phone = Chat(SDKAPPID, server.ws_url + "/ws")
    await phone.login("alice", gen_usersig_v2(SDKAPPID, SECRET, "alice", 86400))
    try:
        kicked = await web.wait_event("KICKED_OUT")
        assert kicked["type"] == "multipleAccount", web.report()
    finally:
        await phone.logout()
