"""Third-party callbacks to the app backend (issue 12, part 1), against a real HTTP receiver.

The receiver (tests/e2e/support/backend.py) is an aiohttp server on 127.0.0.1, the way an
app backend written for Tencent IM's callbacks receives them: query parameters
(``SdkAppid``, ``CallbackCommand``, ``contenttype``, ``ClientIP``, ``OptPlatform``,
``Sign``/``RequestTime``), a JSON body in Tencent's field names, and answers that
allow, refuse, drop or rewrite a message.
"""

from __future__ import annotations

import asyncio
import hashlib
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from conftest import ADMIN, SDKAPPID, SECRET, RunningServer, free_port
from palaver.storage import callbacks as cb_store
from palaver.usersig import gen_usersig_v2
from support.backend import Backend, Received
from support.tencent_sdk import TencentError
from support.waiting import eventually
from test_delivery_faults import ServerProcess, palaver_cli, processes, rest_ok  # noqa: F401
from wsclient import ProtocolError, WsClient

G = "group_open_http_svc"
C2C_AFTER = "C2C.CallbackAfterSendMsg"
C2C_BEFORE = "C2C.CallbackBeforeSendMsg"
GROUP_AFTER = "Group.CallbackAfterSendMsg"
GROUP_BEFORE = "Group.CallbackBeforeSendMsg"
TOKEN = "callback-secret-token"


@pytest.fixture(autouse=True)
def _fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries after 50 ms (doubling), so a backend that comes back is reached soon."""
    monkeypatch.setenv("PALAVER_CALLBACK_RETRY_BASE", "0.05")
    monkeypatch.setenv("PALAVER_CALLBACK_RETRY_MAX", "0.5")


@pytest.fixture
async def backend() -> AsyncIterator[Backend]:
    b = Backend()
    await b.start()
    try:
        yield b
    finally:
        await b.stop()


async def enable(server: RunningServer, backend: Backend, *commands: str, **more: Any) -> None:
    await server.hub.apps.update_settings(
        SDKAPPID,
        callback_url=backend.url,
        callback_token=TOKEN,
        callback_commands=list(commands),
        **more,
    )


def text(t: str) -> list[dict[str, Any]]:
    return [{"MsgType": "TIMTextElem", "MsgContent": {"Text": t}}]


async def send(server: RunningServer, frm: str, to: str, t: str, rnd: int, **kw: Any) -> Any:
    body = {"From_Account": frm, "To_Account": to, "MsgRandom": rnd, "MsgBody": text(t), **kw}
    return await server.rest("openim", "sendmsg", body)


async def history(server: RunningServer, a: str, b: str) -> list[str]:
    r = await server.ok(
        "openim",
        "admin_getroammsg",
        {"Operator_Account": a, "Peer_Account": b, "MaxCnt": 100, "MinTime": 0, "MaxTime": 2**31},
    )
    return [m["MsgBody"][0]["MsgContent"]["Text"] for m in r["MsgList"]]


async def make_group(server: RunningServer, *members: str) -> str:
    r = await server.ok(
        G,
        "create_group",
        {
            "Type": "Public",
            "Name": "team",
            "Owner_Account": members[0],
            "MemberList": [{"Member_Account": m} for m in members[1:]],
        },
    )
    gid: str = r["GroupId"]
    return gid


def check_signed(got: Received) -> None:
    """``Sign`` is hex SHA-256 of token + ``RequestTime``; the time is now."""
    q = got.query
    assert q["Sign"] == hashlib.sha256(f"{TOKEN}{q['RequestTime']}".encode()).hexdigest()
    assert abs(int(q["RequestTime"]) - time.time()) < 60
    assert q["SdkAppid"] == str(SDKAPPID) and q["contenttype"] == "json"
    assert q["app"] == "test"  # the URL's own query is kept


async def test_after_send_c2c_and_group_carry_tencent_fields(
    server: RunningServer, backend: Backend
) -> None:
    await server.import_users("alice", "bob", "carol")
    await enable(server, backend, C2C_AFTER, GROUP_AFTER)
    r = await send(server, "alice", "bob", "hello 你好", 7, CloudCustomData="cd")
    assert r["ErrorCode"] == 0, r
    (got,) = await backend.wait_for(C2C_AFTER)
    check_signed(got)
    assert got.query["OptPlatform"] == "RESTAPI" and got.query["ClientIP"] == "127.0.0.1"
    b = got.body
    assert b["CallbackCommand"] == C2C_AFTER
    assert (b["From_Account"], b["To_Account"], b["MsgRandom"]) == ("alice", "bob", 7)
    assert b["MsgKey"] == r["MsgKey"] and b["MsgTime"] == r["MsgTime"]
    assert b["MsgSeq"] == int(r["MsgKey"].split("_")[0])
    assert b["MsgBody"] == text("hello 你好") and b["CloudCustomData"] == "cd"
    assert b["OnlineOnlyFlag"] == 0 and b["SendMsgResult"] == 0
    assert abs(b["EventTime"] - time.time() * 1000) < 60_000

    gid = await make_group(server, "alice", "bob", "carol")
    g = await server.ok(
        G,
        "send_group_msg",
        {"GroupId": gid, "From_Account": "bob", "Random": 9, "MsgBody": text("hi all")},
    )
    (got,) = await backend.wait_for(GROUP_AFTER)
    check_signed(got)
    b = got.body
    assert (b["GroupId"], b["Type"], b["From_Account"]) == (gid, "Public", "bob")
    assert b["Operator_Account"] == ADMIN and b["Random"] == 9
    assert (b["MsgSeq"], b["MsgTime"]) == (g["MsgSeq"], g["MsgTime"])
    assert b["MsgBody"] == text("hi all")
    # tips of the group's creation are not messages a user sent: no callback for them
    assert len(backend.of(GROUP_AFTER)) == 1
    # no token: no Sign
    await server.hub.apps.update_settings(SDKAPPID, callback_token="")
    await send(server, "alice", "bob", "again", 8)
    got = (await backend.wait_for(C2C_AFTER, 2))[1]
    assert "Sign" not in got.query and "RequestTime" not in got.query


async def test_before_send_allows_refuses_drops_and_rewrites(
    server: RunningServer, backend: Backend
) -> None:
    await server.import_users("alice", "bob")
    await enable(server, backend, C2C_BEFORE, C2C_AFTER)
    verdicts: dict[str, dict[str, Any]] = {
        "allow": {"ActionStatus": "OK", "ErrorCode": 0},
        "refuse": {"ActionStatus": "OK", "ErrorCode": 1, "ErrorInfo": "no"},
        "own": {"ActionStatus": "FAIL", "ErrorCode": 120005, "ErrorInfo": "money words"},
        "drop": {"ActionStatus": "OK", "ErrorCode": 2},
        "rewrite": {
            "ActionStatus": "OK",
            "ErrorCode": 0,
            "MsgBody": text("rewritten"),
            "CloudCustomData": "by backend",
        },
    }
    backend.answers[C2C_BEFORE] = lambda got: verdicts[got.body["MsgBody"][0]["MsgContent"]["Text"]]

    r = await send(server, "alice", "bob", "allow", 1)
    assert r["ErrorCode"] == 0
    r = await send(server, "alice", "bob", "refuse", 2)
    assert r["ErrorCode"] == 20006, r
    r = await send(server, "alice", "bob", "own", 3)
    assert (r["ErrorCode"], r["ErrorInfo"]) == (120005, "money words")
    r = await send(server, "alice", "bob", "drop", 4)
    assert r["ActionStatus"] == "OK" and r["ErrorCode"] == 0  # the sender sees success
    r = await send(server, "alice", "bob", "rewrite", 5, CloudCustomData="mine")
    assert r["ErrorCode"] == 0

    before = backend.of(C2C_BEFORE)
    assert len(before) == 5
    b = before[0].body
    assert (b["From_Account"], b["To_Account"], b["MsgRandom"]) == ("alice", "bob", 1)
    check_signed(before[0])
    # only what was allowed is stored, the rewrite as the backend made it
    assert await history(server, "bob", "alice") == ["allow", "rewritten"]
    # the refused and dropped have no after-send callback: a later message's is the third
    r = await send(server, "alice", "bob", "marker", 6)
    assert r["ErrorCode"] == 0
    after = await backend.wait_for(C2C_AFTER, 3)
    assert [a.body["MsgBody"] for a in after] == [text("allow"), text("rewritten"), text("marker")]
    assert after[1].body["CloudCustomData"] == "by backend"


async def test_group_before_send_refuses_with_10016(
    server: RunningServer, backend: Backend
) -> None:
    await server.import_users("alice", "bob")
    gid = await make_group(server, "alice", "bob")
    await enable(server, backend, GROUP_BEFORE)
    backend.answers[GROUP_BEFORE] = {"ActionStatus": "OK", "ErrorCode": 1}
    body = {"GroupId": gid, "From_Account": "bob", "Random": 1, "MsgBody": text("x")}
    r = await server.rest(G, "send_group_msg", body)
    assert r["ErrorCode"] == 10016, r
    (got,) = backend.of(GROUP_BEFORE)
    assert (got.body["GroupId"], got.body["Type"], got.body["From_Account"]) == (
        gid,
        "Public",
        "bob",
    )
    # ForbidCallbackControl skips it
    r = await server.rest(
        G, "send_group_msg", {**body, "ForbidCallbackControl": ["ForbidBeforeSendMsgCallback"]}
    )
    assert r["ErrorCode"] == 0, r


async def test_before_send_timeout_follows_the_fail_mode(
    server: RunningServer, backend: Backend
) -> None:
    await server.import_users("alice", "bob")
    await enable(server, backend, C2C_BEFORE, callback_timeout=0.2)
    backend.delay = 1.0
    t0 = time.monotonic()
    r = await send(server, "alice", "bob", "open", 1)
    assert r["ErrorCode"] == 0, r  # fail open (Tencent's way): the message goes through
    assert time.monotonic() - t0 < 0.9
    await server.hub.apps.update_settings(SDKAPPID, callback_fail_closed=[C2C_BEFORE])
    r = await send(server, "alice", "bob", "closed", 2)
    assert r["ErrorCode"] == 20006, r
    assert await history(server, "bob", "alice") == ["open"]
    # unreachable counts as no answer too
    await backend.stop()
    r = await send(server, "alice", "bob", "closed again", 3)
    assert r["ErrorCode"] == 20006, r


async def test_forbid_callback_control(server: RunningServer, backend: Backend) -> None:
    await server.import_users("alice", "bob")
    await enable(server, backend, C2C_BEFORE, C2C_AFTER)
    backend.answers[C2C_BEFORE] = {"ErrorCode": 1}
    r = await send(
        server,
        "alice",
        "bob",
        "quiet",
        1,
        ForbidCallbackControl=["ForbidBeforeSendMsgCallback", "ForbidAfterSendMsgCallback"],
    )
    assert r["ErrorCode"] == 0, r
    backend.answers[C2C_BEFORE] = {"ErrorCode": 0}
    await send(server, "alice", "bob", "loud", 2)
    (after,) = await backend.wait_for(C2C_AFTER)
    assert after.body["MsgBody"] == text("loud")
    assert [r.body["MsgBody"] for r in backend.of(C2C_BEFORE)] == [text("loud")]


async def test_client_sends_go_through_the_same_callbacks(
    server: RunningServer, backend: Backend
) -> None:
    await server.import_users("alice", "bob", "carol")
    gid = await make_group(server, "alice", "bob", "carol")
    await enable(server, backend, C2C_BEFORE, C2C_AFTER, GROUP_BEFORE, GROUP_AFTER)
    backend.answers[C2C_BEFORE] = lambda got: (
        {"ErrorCode": 120001, "ErrorInfo": "blocked by backend"}
        if got.body["MsgBody"][0]["MsgContent"]["Text"] == "bad"
        else {"ErrorCode": 0, "MsgBody": text("clean")}
    )
    alice = WsClient(server.url, SDKAPPID, "alice", server.sig("alice"), platform="Web")
    await alice.connect()
    try:
        with pytest.raises(ProtocolError) as err:
            await alice.send_text("bob", "bad", 1)
        assert (err.value.code, err.value.message) == (120001, "blocked by backend")
        sent = await alice.send_text("bob", "ok", 2)
        assert sent["payload"]["text"] == "clean"  # the sender sees the rewrite
        await alice.send_text(gid, "to the group", 3, conversation_type="GROUP")
    finally:
        await alice.close()
    (after,) = await backend.wait_for(C2C_AFTER)
    assert after.query["OptPlatform"] == "Web" and after.query["ClientIP"] == "127.0.0.1"
    assert after.body["MsgBody"] == text("clean")
    (g,) = await backend.wait_for(GROUP_AFTER)
    assert g.body["Operator_Account"] == "alice" and g.body["MsgBody"] == text("to the group")
    assert len(backend.of(GROUP_BEFORE)) == 1


async def outbox(server: RunningServer) -> list[cb_store.OutboxRow]:
    """The app's outbox rows, oldest first."""
    async with server.hub.db.read() as conn:
        return list(reversed(await cb_store.recent(conn, SDKAPPID, limit=1000)))


async def outbox_until(
    server: RunningServer, ok: Any, what: str, within: float = 20
) -> list[cb_store.OutboxRow]:
    """Poll the outbox until ``ok(rows)`` (bounded); the rows."""
    rows: list[cb_store.OutboxRow] = []

    async def shows() -> bool:
        nonlocal rows
        rows = await outbox(server)
        return bool(ok(rows))

    await eventually(shows, lambda: f"the outbox to show {what}: {rows}", within)
    return rows


def per_conversation(got: list[Received]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for r in got:
        key = "-".join(sorted([r.body["From_Account"], r.body["To_Account"]]))
        out.setdefault(key, []).append(r.body["MsgRandom"])
    return out


async def test_backend_down_then_back_each_callback_once_in_order(
    server: RunningServer, backend: Backend
) -> None:
    """While the backend is down every send succeeds at once; when it is back each
    after-callback arrives once, in order within each conversation."""
    await server.import_users("alice", "bob", "carol")
    await enable(server, backend, C2C_AFTER, callback_max_attempts=100)
    await backend.stop()
    n = 30
    t0 = time.monotonic()
    for i in range(n):
        to = "bob" if i % 2 else "carol"
        r = await send(server, "alice", to, f"m{i}", 1000 + i)
        assert r["ErrorCode"] == 0
    assert time.monotonic() - t0 < 10  # sends never wait for the backend
    rows = await outbox(server)
    assert len(rows) == n and all(r.status == cb_store.PENDING for r in rows)
    # let the worker fail on the first of each conversation, then come back
    await outbox_until(server, lambda rs: rs[0].attempts and rs[1].attempts, "failed tries")
    await backend.start()
    got = await backend.wait_for(C2C_AFTER, n)
    assert len(got) == n
    assert sorted(r.body["MsgRandom"] for r in got) == list(range(1000, 1000 + n))
    for seq in per_conversation(got).values():
        assert seq == sorted(seq)
    rows = await outbox_until(
        server, lambda rs: all(r.status == cb_store.DELIVERED for r in rs), "all delivered"
    )
    assert max(r.attempts for r in rows) >= 2


async def test_dead_letter_after_max_attempts_then_the_next_goes(
    server: RunningServer, backend: Backend
) -> None:
    await server.import_users("alice", "bob")
    await enable(server, backend, C2C_AFTER, callback_max_attempts=3)
    backend.status = 500
    await send(server, "alice", "bob", "doomed", 1)
    (row,) = await outbox_until(server, lambda rs: rs[0].status == cb_store.DEAD, "dead")
    assert row.attempts == 3 and row.http_status == 500 and row.last_error == "HTTP 500"
    backend.status = 200
    await send(server, "alice", "bob", "next", 2)
    (got,) = await backend.wait_for(C2C_AFTER)
    assert got.body["MsgBody"] == text("next")


async def test_restart_with_callbacks_pending_loses_none(
    server: RunningServer, backend: Backend
) -> None:
    await server.import_users("alice", "bob")
    await enable(server, backend, C2C_AFTER, callback_max_attempts=100)
    await backend.stop()
    for i in range(10):
        await send(server, "alice", "bob", f"m{i}", i)
    await server.restart()
    await backend.start()
    got = await backend.wait_for(C2C_AFTER, 10)
    assert [r.body["MsgRandom"] for r in got] == list(range(10))


async def test_kill_9_with_callbacks_pending_loses_none(
    tmp_path: Path,
    processes: list[ServerProcess],  # noqa: F811
    backend: Backend,
) -> None:
    """``palaver serve`` killed with SIGKILL while callbacks wait for a backend
    that is down: after the restart each arrives, once and in order."""
    data = tmp_path / "data"
    await palaver_cli(
        "app", "create", "--sdkappid", str(SDKAPPID), "--secret-key", SECRET, "--data-dir", data
    )
    await palaver_cli(
        "app",
        "set",
        str(SDKAPPID),
        f"callback_url={backend.url}",
        f'callback_commands=["{C2C_AFTER}"]',
        "--data-dir",
        data,
    )
    await backend.stop()
    node = ServerProcess(tmp_path, data, free_port())
    processes.append(node)
    sig = gen_usersig_v2(SDKAPPID, SECRET, ADMIN, 86400)
    async with aiohttp.ClientSession() as http:
        await node.start(http)
        await rest_ok(
            http, node.url, "im_open_login_svc", "multiaccount_import", {"Accounts": ["a", "b"]}
        )
        for i in range(20):
            url = (
                f"{node.url}/v4/openim/sendmsg?sdkappid={SDKAPPID}&identifier={ADMIN}"
                f"&usersig={sig}&random={i}&contenttype=json"
            )
            body = {"From_Account": "a", "To_Account": "b", "MsgRandom": i, "MsgBody": text("x")}
            async with http.post(url, json=body) as resp:
                assert (await resp.json())["ErrorCode"] == 0
        assert await node.stop(signal.SIGKILL) == -signal.SIGKILL
        await backend.start()
        await node.start(http)
        got = await backend.wait_for(C2C_AFTER, 20)
    assert [r.body["MsgRandom"] for r in got] == list(range(20)), node.logs


async def test_cli_sets_callbacks_and_never_shows_the_token(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await palaver_cli("app", "create", "--sdkappid", str(SDKAPPID), "--data-dir", data)
    out = await palaver_cli(
        "app",
        "set",
        str(SDKAPPID),
        "callback_url=https://backend.example/im",
        f"callback_token={TOKEN}",
        f'callback_commands=["{C2C_AFTER}", "{C2C_BEFORE}"]',
        f'callback_fail_closed=["{C2C_BEFORE}"]',
        "callback_timeout=1.5",
        "--data-dir",
        data,
    )
    shown = await palaver_cli("app", "show", str(SDKAPPID), "--data-dir", data)
    for text_ in (out, shown):
        assert TOKEN not in text_
        assert "set (hidden)" in text_
    app_ = await _load_app(f"sqlite+aiosqlite:///{data / 'palaver.db'}")
    assert app_.settings.callback_token == TOKEN and TOKEN not in repr(app_)
    assert app_.settings.callback_commands == [C2C_AFTER, C2C_BEFORE]
    assert app_.settings.callback_timeout == 1.5


async def _load_app(url: str) -> Any:
    from palaver.services.apps import AppService
    from palaver.storage import Database

    db = Database.for_cli(url)
    try:
        return await AppService(db).get(SDKAPPID)
    finally:
        await db.close()


@pytest.mark.parametrize(
    ("setting", "bad"),
    [
        ("callback_commands", '["C2C.NoSuchCallback"]'),
        ("callback_url", "ftp://backend.example"),
        ("callback_timeout", "0"),
    ],
)
async def test_cli_refuses_bad_callback_settings(tmp_path: Path, setting: str, bad: str) -> None:
    from click.testing import CliRunner

    from palaver.cli import palaver

    data = tmp_path / "data"
    await palaver_cli("app", "create", "--sdkappid", str(SDKAPPID), "--data-dir", data)
    res = await asyncio.to_thread(
        CliRunner().invoke,
        palaver,
        ["app", "set", str(SDKAPPID), f"{setting}={bad}", "--data-dir", str(data)],
    )
    assert res.exit_code == 1 and setting in res.output, res.output


# --- events other than sends (part 3) -----------------------------------------------------------


async def test_recalls_group_lifecycle_and_profile_callbacks(
    server: RunningServer, backend: Backend
) -> None:
    await server.import_users("alice", "bob")
    await enable(
        server,
        backend,
        C2C_AFTER,
        "C2C.CallbackAfterMsgWithDraw",
        "Group.CallbackAfterRecallMsg",
        "Group.CallbackAfterCreateGroup",
        "Group.CallbackAfterGroupInfoChanged",
        "Group.CallbackAfterGroupDestroyed",
        "Profile.CallbackPortraitSet",
    )
    r = await send(server, "alice", "bob", "oops", 1)
    await server.ok(
        "openim",
        "admin_msgwithdraw",
        {"From_Account": "alice", "To_Account": "bob", "MsgKey": r["MsgKey"]},
    )
    (w,) = await backend.wait_for("C2C.CallbackAfterMsgWithDraw")
    assert (w.body["From_Account"], w.body["To_Account"], w.body["MsgKey"]) == (
        "alice",
        "bob",
        r["MsgKey"],
    )
    # in order within the conversation: the send's callback came first
    order = [x.command for x in backend.received]
    assert order.index(C2C_AFTER) < order.index("C2C.CallbackAfterMsgWithDraw")

    gid = await make_group(server, "alice", "bob")
    (c,) = await backend.wait_for("Group.CallbackAfterCreateGroup")
    assert (c.body["GroupId"], c.body["Type"], c.body["Owner_Account"]) == (gid, "Public", "alice")
    assert c.body["MemberList"] == [{"Member_Account": "bob"}]
    g = await server.ok(
        G,
        "send_group_msg",
        {"GroupId": gid, "From_Account": "bob", "Random": 1, "MsgBody": text("x")},
    )
    rr = await server.ok(
        G, "group_msg_recall", {"GroupId": gid, "MsgSeqList": [{"MsgSeq": g["MsgSeq"]}]}
    )
    assert rr["RecallRetList"] == [{"MsgSeq": g["MsgSeq"], "RetCode": 0}], rr
    (rc,) = await backend.wait_for("Group.CallbackAfterRecallMsg")
    assert rc.body["MsgSeqList"] == [{"MsgSeq": g["MsgSeq"]}] and rc.body["GroupId"] == gid
    await server.ok(G, "modify_group_base_info", {"GroupId": gid, "Name": "renamed"})
    (ch,) = await backend.wait_for("Group.CallbackAfterGroupInfoChanged")
    assert ch.body["Name"] == "renamed" and ch.body["Operator_Account"] == ADMIN
    await server.ok(G, "destroy_group", {"GroupId": gid})
    (d,) = await backend.wait_for("Group.CallbackAfterGroupDestroyed")
    assert d.body["GroupId"] == gid and d.body["Name"] == "renamed"
    assert {m["Member_Account"] for m in d.body["MemberList"]} == {"alice", "bob"}

    nick = [{"Tag": "Tag_Profile_IM_Nick", "Value": "Bobby"}]
    await server.ok("profile", "portrait_set", {"From_Account": "bob", "ProfileItem": nick})
    (p,) = await backend.wait_for("Profile.CallbackPortraitSet")
    assert p.body["From_Account"] == "bob" and p.body["ProfileItem"] == nick


async def test_state_change_login_logout_disconnect(
    server: RunningServer, backend: Backend, tencent: Any
) -> None:
    await server.import_users("alice", "bob")
    await enable(server, backend, "State.StateChange")
    alice = WsClient(server.url, SDKAPPID, "alice", server.sig("alice"), platform="Web")
    await alice.connect()
    await alice.call("logout")
    await alice.close()
    await alice.connect()
    alice.abort()  # the link drops
    got = await backend.wait_for("State.StateChange", 4)
    assert [(x.body["Info"]["Action"], x.body["Info"]["Reason"]) for x in got] == [
        ("Login", "Register"),
        ("Logout", "Unregister"),
        ("Login", "Register"),
        ("Disconnect", "LinkClose"),
    ]
    assert all(x.body["Info"]["To_Account"] == "alice" for x in got)
    # Tencent's own SDK, through its protocol
    await tencent.login("bob", server.sig("bob"))
    got = await backend.wait_for("State.StateChange", 5)
    assert got[-1].body["Info"] == {"Action": "Login", "To_Account": "bob", "Reason": "Register"}
    assert got[-1].query["OptPlatform"] == "Web"


async def test_cli_log_replay_and_test(
    server: RunningServer, backend: Backend, data_dir: Path
) -> None:
    await server.import_users("alice", "bob")
    await enable(server, backend, C2C_AFTER, STATE := "State.StateChange")
    for i in range(3):
        await send(server, "alice", "bob", f"m{i}", i)
    await backend.wait_for(C2C_AFTER, 3)
    await outbox_until(
        server, lambda rs: all(r.status == cb_store.DELIVERED for r in rs), "delivered"
    )
    where = ["--data-dir", str(data_dir)]
    url = server.hub.settings.database_url
    if url:
        where += ["--database-url", url]
    log = await palaver_cli("callbacks", "log", str(SDKAPPID), *where)
    assert log.count(C2C_AFTER) == 3 and log.count("delivered") == 3
    out = await palaver_cli("callbacks", "replay", str(SDKAPPID), "--since", "1h", *where)
    assert "3 callback(s) queued again" in out
    got = await backend.wait_for(C2C_AFTER, 6)
    assert [r.body["MsgRandom"] for r in got] == [0, 1, 2, 0, 1, 2]
    out = await palaver_cli("callbacks", "test", str(SDKAPPID), *where)
    assert C2C_AFTER in out and STATE in out and "200" in out
    (sample,) = await backend.wait_for(STATE)
    assert sample.body["Info"]["Action"] == "Login"
    check_signed(sample)


async def test_sns_callbacks(server: RunningServer, backend: Backend) -> None:
    await server.import_users("a", "b", "c")
    names = [
        "Sns.CallbackFriendAdd",
        "Sns.CallbackFriendDelete",
        "Sns.CallbackBlackListAdd",
        "Sns.CallbackBlackListDelete",
    ]
    await enable(server, backend, *names)
    await server.ok(
        "sns",
        "friend_add",
        {
            "From_Account": "a",
            "AddFriendItem": [{"To_Account": "b", "AddSource": "AddSource_Type_x"}],
            "AddType": "Add_Type_Both",
            "ForceAddFlags": 1,
        },
    )
    (add,) = await backend.wait_for("Sns.CallbackFriendAdd")
    pairs = {(p["From_Account"], p["To_Account"]) for p in add.body["PairList"]}
    assert pairs == {("a", "b"), ("b", "a")}
    await server.ok(
        "sns",
        "friend_delete",
        {"From_Account": "a", "To_Account": ["b"], "DeleteType": "Delete_Type_Single"},
    )
    (rm,) = await backend.wait_for("Sns.CallbackFriendDelete")
    assert {"From_Account": "a", "To_Account": "b"} in rm.body["PairList"]
    await server.ok("sns", "black_list_add", {"From_Account": "a", "To_Account": ["c"]})
    (bl,) = await backend.wait_for("Sns.CallbackBlackListAdd")
    assert bl.body["PairList"] == [{"From_Account": "a", "To_Account": "c"}]
    await server.ok("sns", "black_list_delete", {"From_Account": "a", "To_Account": ["c"]})
    (ub,) = await backend.wait_for("Sns.CallbackBlackListDelete")
    assert ub.body["PairList"] == [{"From_Account": "a", "To_Account": "c"}]


async def test_offline_push_hook_carries_online_state_and_push_info(
    server: RunningServer, backend: Backend
) -> None:
    await server.import_users("alice", "bob", "carol")
    gid = await make_group(server, "alice", "bob", "carol")
    await enable(server, backend, C2C_AFTER, GROUP_AFTER)
    push = {"PushFlag": 0, "Title": "New message", "Desc": "alice: hi", "Ext": "{}"}
    await send(server, "alice", "bob", "while away", 1, OfflinePushInfo=push)
    bob = WsClient(server.url, SDKAPPID, "bob", server.sig("bob"), platform="Web")
    await bob.connect()
    try:
        await send(server, "alice", "bob", "while here", 2)
        got = await backend.wait_for(C2C_AFTER, 2)
    finally:
        await bob.close()
    away, here = got
    assert away.body["To_Account_Online"] == 0 and away.body["To_Account_Platforms"] == []
    assert away.body["OfflinePushInfo"] == push
    assert here.body["To_Account_Online"] == 1 and here.body["To_Account_Platforms"] == ["Web"]
    assert "OfflinePushInfo" not in here.body
    await server.ok(
        G,
        "send_group_msg",
        {
            "GroupId": gid,
            "From_Account": "alice",
            "Random": 3,
            "MsgBody": text("all"),
            "OfflinePushInfo": push,
        },
    )
    (g,) = await backend.wait_for(GROUP_AFTER)
    assert g.body["OfflinePushInfo"] == push
    # group messages list the members who were offline (the sender left out)
    assert g.body["OfflineMemberList"] == [{"Member_Account": "bob"}, {"Member_Account": "carol"}]
    bob = WsClient(server.url, SDKAPPID, "bob", server.sig("bob"), platform="Web")
    await bob.connect()
    try:
        # a client's own OfflinePushInfo (Palaver's protocol) reaches the hook too
        await bob.call(
            "sendMessage",
            {
                "to": gid,
                "conversationType": "GROUP",
                "payload": {"text": "from bob"},
                "offlinePushInfo": push,
            },
        )
        await bob.call(
            "sendMessage",
            {
                "to": "carol",
                "conversationType": "C2C",
                "payload": {"text": "hi"},
                "offlinePushInfo": push,
            },
        )
        g2 = (await backend.wait_for(GROUP_AFTER, 2))[1]
        c = (await backend.wait_for(C2C_AFTER, 3))[2]
    finally:
        await bob.close()
    assert g2.body["OfflineMemberList"] == [
        {"Member_Account": "alice"},
        {"Member_Account": "carol"},
    ]
    assert g2.body["OfflinePushInfo"] == push and c.body["OfflinePushInfo"] == push
    assert c.body["To_Account_Online"] == 0
    # a big group (past callback_offline_members_max) leaves the list out
    await server.hub.apps.update_settings(SDKAPPID, callback_offline_members_max=2)
    await server.ok(
        G,
        "send_group_msg",
        {"GroupId": gid, "From_Account": "alice", "Random": 4, "MsgBody": text("big")},
    )
    g3 = (await backend.wait_for(GROUP_AFTER, 3))[2]
    assert "OfflineMemberList" not in g3.body
    # a member with do-not-disturb on the group (MsgFlag) is left out of the push
    await server.hub.apps.update_settings(SDKAPPID, callback_offline_members_max=2000)
    await server.ok(
        G,
        "modify_group_member_info",
        {"GroupId": gid, "Member_Account": "carol", "MsgFlag": "AcceptNotNotify"},
    )
    await server.ok(
        G,
        "send_group_msg",
        {"GroupId": gid, "From_Account": "alice", "Random": 5, "MsgBody": text("quiet")},
    )
    g4 = (await backend.wait_for(GROUP_AFTER, 4))[3]
    assert g4.body["OfflineMemberList"] == [{"Member_Account": "bob"}]


async def test_offline_push_info_from_tencents_sdk(
    server: RunningServer, backend: Backend, tencent: Any
) -> None:
    """Tencent's SDK sends its sendMessage option offlinePushInfo; the hook has it."""
    await server.import_users("alice", "bob")
    await enable(server, backend, C2C_AFTER)
    alice = await tencent.login("alice", server.sig("alice"))
    await alice.js(
        "const m = chat.createTextMessage({to: 'bob', conversationType: 'C2C',"
        " payload: {text: 'ping'}});"
        " await chat.sendMessage(m, {offlinePushInfo: {title: 'T', description: 'D',"
        " extension: 'E'}}); return null;"
    )
    (got,) = await backend.wait_for(C2C_AFTER)
    info = got.body.get("OfflinePushInfo")
    assert info is not None, got.body
    assert (info.get("Title"), info.get("Desc"), info.get("Ext")) == ("T", "D", "E"), info


async def test_read_report_callback(server: RunningServer, backend: Backend) -> None:
    await server.import_users("alice", "bob")
    await enable(server, backend, C2C_AFTER, "C2C.CallbackAfterMsgReport")
    await send(server, "alice", "bob", "read me", 1)
    await server.ok(
        "openim", "admin_set_msg_read", {"Report_Account": "bob", "Peer_Account": "alice"}
    )
    (rep,) = await backend.wait_for("C2C.CallbackAfterMsgReport")
    assert (rep.body["Report_Account"], rep.body["Peer_Account"]) == ("bob", "alice")
    assert abs(rep.body["LastReadTime"] - time.time()) < 60 and rep.body["MsgSeq"] == 1
    # after the message's own callback (one conversation, one order)
    assert [r.command for r in backend.received] == [C2C_AFTER, "C2C.CallbackAfterMsgReport"]


# --- membership and relationship callbacks (before: may refuse; after: the outbox) ------------

BEFORE_CREATE = "Group.CallbackBeforeCreateGroup"
BEFORE_APPLY = "Group.CallbackBeforeApplyJoinGroup"
NEW_MEMBER = "Group.CallbackAfterNewMemberJoin"
MEMBER_EXIT = "Group.CallbackAfterMemberExit"
PREV_FRIEND_ADD = "Sns.CallbackPrevFriendAdd"


async def test_before_create_group_refuses_with_10016_and_counts_groups(
    server: RunningServer, backend: Backend
) -> None:
    await server.import_users("alice", "bob")
    await enable(server, backend, BEFORE_CREATE, "Group.CallbackAfterCreateGroup")
    gid = await make_group(server, "alice", "bob")  # allowed (ErrorCode 0)
    (first,) = backend.of(BEFORE_CREATE)
    b = first.body
    assert (b["Owner_Account"], b["Operator_Account"], b["Type"], b["Name"]) == (
        "alice",
        ADMIN,
        "Public",
        "team",
    )
    assert b["MemberList"] == [{"Member_Account": "bob"}] and b["CreateGroupNum"] == 0
    assert first.query["OptPlatform"] == "RESTAPI"
    check_signed(first)
    backend.answers[BEFORE_CREATE] = {"ActionStatus": "OK", "ErrorCode": 1, "ErrorInfo": "no"}
    r = await server.rest(
        G, "create_group", {"Type": "Public", "Name": "second", "Owner_Account": "alice"}
    )
    assert r["ErrorCode"] == 10016, r
    assert backend.of(BEFORE_CREATE)[1].body["CreateGroupNum"] == 1  # alice owns one Public
    # a user's createGroup (Palaver's protocol) is refused the same way; nothing was made
    alice = WsClient(server.url, SDKAPPID, "alice", server.sig("alice"), platform="Web")
    await alice.connect()
    try:
        with pytest.raises(ProtocolError) as err:
            await alice.call("createGroup", {"type": "Public", "name": "mine"})
        assert err.value.code == 10016
    finally:
        await alice.close()
    (created,) = await backend.wait_for("Group.CallbackAfterCreateGroup")
    assert created.body["GroupId"] == gid
    listed = await server.ok(G, "get_appid_group_list", {})
    assert [g["GroupId"] for g in listed["GroupIdList"]] == [gid]


async def test_join_and_exit_callbacks(server: RunningServer, backend: Backend) -> None:
    """A user applying to join asks the backend first (refused: 10016, nothing
    changes); members joining (applied, invited) and leaving (quit, kicked) are
    reported after the fact, in the group's order."""
    await server.import_users("alice", "bob", "carol", "dave")
    r = await server.ok(
        G, "create_group", {"Type": "ChatRoom", "Name": "open", "Owner_Account": "alice"}
    )
    gid = r["GroupId"]
    await enable(server, backend, BEFORE_APPLY, NEW_MEMBER, MEMBER_EXIT)
    backend.answers[BEFORE_APPLY] = lambda got: {
        "ErrorCode": 1 if got.body["Requestor_Account"] == "dave" else 0
    }
    bob = WsClient(server.url, SDKAPPID, "bob", server.sig("bob"), platform="Web")
    dave = WsClient(server.url, SDKAPPID, "dave", server.sig("dave"), platform="Web")
    await bob.connect()
    await dave.connect()
    try:
        joined = await bob.call("joinGroup", {"groupID": gid})
        assert joined["status"] == "JoinedSuccess"
        with pytest.raises(ProtocolError) as err:
            await dave.call("joinGroup", {"groupID": gid})
        assert err.value.code == 10016
        await server.ok(
            G, "add_group_member", {"GroupId": gid, "MemberList": [{"Member_Account": "carol"}]}
        )
        await bob.call("quitGroup", {"groupID": gid})
        await server.ok(
            G, "delete_group_member", {"GroupId": gid, "MemberToDel_Account": ["carol"]}
        )
    finally:
        await bob.close()
        await dave.close()
    asks = backend.of(BEFORE_APPLY)
    assert [a.body["Requestor_Account"] for a in asks] == ["bob", "dave"]
    assert (asks[0].body["GroupId"], asks[0].body["Type"]) == (gid, "ChatRoom")
    members = await server.ok(G, "get_group_member_info", {"GroupId": gid})
    assert [m["Member_Account"] for m in members["MemberList"]] == ["alice"]
    got = await backend.wait_for(NEW_MEMBER, 2)
    assert [
        (g.body["JoinType"], g.body["Operator_Account"], g.body["NewMemberList"]) for g in got
    ] == [
        ("Apply", "bob", [{"Member_Account": "bob"}]),
        ("Invited", ADMIN, [{"Member_Account": "carol"}]),
    ]
    assert all((g.body["GroupId"], g.body["Type"]) == (gid, "ChatRoom") for g in got)
    left = await backend.wait_for(MEMBER_EXIT, 2)
    assert [
        (g.body["ExitType"], g.body["Operator_Account"], g.body["ExitMemberList"]) for g in left
    ] == [
        ("Quit", "bob", [{"Member_Account": "bob"}]),
        ("Kicked", ADMIN, [{"Member_Account": "carol"}]),
    ]
    # one group, one order: join, invite, quit, kick
    order = [x.body["CallbackCommand"] for x in backend.received if x.command != BEFORE_APPLY]
    assert order == [NEW_MEMBER, NEW_MEMBER, MEMBER_EXIT, MEMBER_EXIT]


async def test_before_apply_fails_closed_when_the_backend_is_down(
    server: RunningServer, backend: Backend
) -> None:
    await server.import_users("alice", "bob")
    r = await server.ok(
        G, "create_group", {"Type": "ChatRoom", "Name": "open", "Owner_Account": "alice"}
    )
    await enable(server, backend, BEFORE_APPLY, callback_timeout=0.3)
    await backend.stop()
    bob = WsClient(server.url, SDKAPPID, "bob", server.sig("bob"), platform="Web")
    await bob.connect()
    try:
        assert (await bob.call("joinGroup", {"groupID": r["GroupId"]}))["status"] == "JoinedSuccess"
        await bob.call("quitGroup", {"groupID": r["GroupId"]})
        await server.hub.apps.update_settings(SDKAPPID, callback_fail_closed=[BEFORE_APPLY])
        with pytest.raises(ProtocolError) as err:
            await bob.call("joinGroup", {"groupID": r["GroupId"]})
        assert err.value.code == 10016
    finally:
        await bob.close()


async def test_prev_friend_add_refuses_per_target(
    server: RunningServer, backend: Backend, tencent: Any
) -> None:
    """A user's friend request asks the backend first; a target it answers with a
    ResultCode in 38000-39000 is refused with that code. REST friend_add does not ask."""
    await server.import_users("alice", "bob", "carol", "dave")
    await enable(server, backend, PREV_FRIEND_ADD, "Sns.CallbackFriendAdd")
    backend.answers[PREV_FRIEND_ADD] = lambda got: {
        "ActionStatus": "OK",
        "ErrorCode": 0,
        "ResultItem": [
            {"To_Account": i["To_Account"], "ResultCode": 38001, "ResultInfo": "not today"}
            for i in got.body["FriendItem"]
            if i["To_Account"] == "carol"
        ],
    }
    alice = WsClient(server.url, SDKAPPID, "alice", server.sig("alice"), platform="Web")
    await alice.connect()
    try:
        ok = await alice.call(
            "addFriend", {"to": "bob", "source": "AddSource_Type_Web", "wording": "hi bob"}
        )
        assert ok["code"] == 0
        with pytest.raises(ProtocolError) as err:
            await alice.call("addFriend", {"to": "carol", "source": "AddSource_Type_Web"})
        assert (err.value.code, err.value.message) == (38001, "not today")
    finally:
        await alice.close()
    asks = backend.of(PREV_FRIEND_ADD)
    assert len(asks) == 2
    b = asks[0].body
    assert (b["Requester_Account"], b["From_Account"], b["AddType"]) == (
        "alice",
        "alice",
        "Add_Type_Both",
    )
    assert b["FriendItem"][0]["To_Account"] == "bob"
    assert b["FriendItem"][0]["AddWording"] == "hi bob"
    assert b["FriendItem"][0]["AddSource"] == "AddSource_Type_Web"
    # Tencent's SDK (its protocol) gets per-item codes the same way
    dave = await tencent.login("dave", server.sig("dave"))
    try:
        res = await dave.call("addFriend", {"to": "carol", "source": "AddSource_Type_Web"})
        code = res["code"]
    except TencentError as exc:
        code = exc.code
    assert code == 38001, dave.report()
    # REST (an admin) is not asked, as Tencent
    await server.ok(
        "sns",
        "friend_add",
        {
            "From_Account": "carol",
            "AddFriendItem": [{"To_Account": "dave", "AddSource": "AddSource_Type_x"}],
        },
    )
    assert len(backend.of(PREV_FRIEND_ADD)) == 3
    friends = await server.ok("sns", "friend_get", {"From_Account": "alice", "StartIndex": 0})
    assert [f["To_Account"] for f in friends.get("UserDataItem", [])] == ["bob"]
