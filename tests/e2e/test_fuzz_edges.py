"""Every front door answers hostile input with a coded error, never an internal one.

Hypothesis builds requests from each operation's own field names (Palaver's
``/ws`` ops, Tencent's ``/binfo`` commands) with hostile values: deep
nesting, NUL characters, lone surrogates, huge integers, huge floats and wrong
types. Invariants: never 70500, never a traceback in the log, the socket stays
open and answers the next request (issue 13 §2). tests/test_rest_robustness.py
does the same for the REST API.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
from typing import Any

import aiohttp
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SDKAPPID, RunningServer
from palaver.api.tencent.core import COMMANDS
from palaver.api.ws.core import OPS

TIMEOUT = 10.0
#: examples per test (``make fuzz`` raises it with PALAVER_FUZZ_EXAMPLES)
FUZZ_EXAMPLES = int(os.environ.get("PALAVER_FUZZ_EXAMPLES", "200"))


def _field_names(model: Any) -> list[str]:
    names = []
    for name, f in model.model_fields.items():
        names.append(f.alias or name)
    return names or ["x"]


hostile_text = st.sampled_from(
    ["", "a\x00b", "\x00", "\ud800", "²³", "+1", "1" * 40, "x" * 5000, "alice", "bob", "@TGS#1"]
) | st.text(max_size=20)
hostile_ints = st.sampled_from([-(2**63) - 1, 2**31, 2**32, 2**63, 2**64 - 1, 2**64, -1, 0]) | (
    st.integers(-(2**70), 2**70)
)
scalars = (
    st.none()
    | st.booleans()
    | hostile_ints
    | st.floats(allow_nan=False, allow_infinity=False)
    | hostile_text
)


def nested(levels: int) -> Any:
    v: Any = 1
    for _ in range(levels):
        v = {"a": v}
    return v


values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(hostile_text, inner, max_size=4),
    max_leaves=10,
) | st.integers(20, 130).map(nested)


def data_for(names: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(names), values, max_size=5)


def dumps(obj: Any) -> str:
    """JSON as a careless client writes it (lone surrogates escaped, any depth)."""
    return json.dumps(obj)


def no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    bad = [r for r in caplog.records if r.exc_info and r.name.startswith("palaver")]
    caplog.clear()
    assert not bad, [r.getMessage() for r in bad]


# -- Palaver's protocol --------------------------------------------------------------

WS_OPS = sorted(set(OPS) - {"login", "logout"})


class WsProbe:
    """One logged-in raw socket, reopened if an example closed it."""

    def __init__(self, server: RunningServer) -> None:
        self.server = server
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.ids = itertools.count(1)

    async def socket(self) -> aiohttp.ClientWebSocketResponse:
        if self.ws is None or self.ws.closed:
            self.ws = await self.server.session.ws_connect(self.server.ws_url + "/ws")
            login = {"SDKAppID": SDKAPPID, "userID": "alice", "userSig": self.server.sig("alice")}
            r = await self.call("login", login, raw=None)
            assert r["code"] == 0, r
        return self.ws

    async def call(self, op: str, data: Any, raw: str | None = None) -> dict[str, Any]:
        ws = self.ws if raw is None and op == "login" else await self.socket()
        assert ws is not None
        rid = next(self.ids)
        await ws.send_str(raw if raw is not None else dumps({"id": rid, "op": op, "data": data}))
        while True:
            msg = await ws.receive(TIMEOUT)
            assert msg.type == aiohttp.WSMsgType.TEXT, (op, data, msg)
            frame = orjson.loads(msg.data)
            if "code" in frame and frame.get("id") in (rid, None):
                return dict(frame)


@pytest.fixture
async def ws_probe(server: RunningServer) -> WsProbe:
    await server.import_users("alice", "bob")
    return WsProbe(server)


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
async def test_ws_ops_answer_hostile_data_with_codes(
    ws_probe: WsProbe, caplog: pytest.LogCaptureFixture, data: st.DataObject
) -> None:
    caplog.set_level(logging.ERROR)
    op = data.draw(st.sampled_from(WS_OPS), label="op")
    body = data.draw(data_for(_field_names(OPS[op].model)), label="data")
    r = await ws_probe.call(op, body)
    assert isinstance(r["code"], int) and r["code"] != 70500, (op, body, r)
    alive = await ws_probe.call("heartbeat", {})
    assert alive["code"] == 0
    no_tracebacks(caplog)


# -- Tencent's protocol --------------------------------------------------------------

TENCENT_CMDS = sorted(
    set(COMMANDS) - {"im_open_status.wslogin", "im_open_status.wslogout", "openim.ws_msg_push_ack"}
)


class TencentProbe:
    def __init__(self, server: RunningServer) -> None:
        self.server = server
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.seqs = itertools.count(1)

    async def socket(self) -> aiohttp.ClientWebSocketResponse:
        if self.ws is None or self.ws.closed:
            self.ws = await self.server.session.ws_connect(self.server.ws_url + "/binfo")
            head = {
                "sdkappid": SDKAPPID,
                "identifier": "alice",
                "usersig": self.server.sig("alice"),
            }
            r = await self.call("im_open_status.wslogin", {}, head)
            assert r["ErrorCode"] == 0, r
        return self.ws

    async def call(
        self, servcmd: str, body: Any, head: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        ws = self.ws if servcmd == "im_open_status.wslogin" else await self.socket()
        assert ws is not None
        seq = next(self.seqs)
        frame = {
            "head": {"ver": "v4", "servcmd": servcmd, "seq": seq, **(head or {})},
            "body": body,
        }
        await ws.send_bytes(dumps(frame).encode())
        while True:
            msg = await ws.receive(TIMEOUT)
            assert msg.type == aiohttp.WSMsgType.BINARY, (servcmd, body, msg)
            got = orjson.loads(msg.data)
            if got["head"].get("servcmd") == servcmd and got["head"].get("seq") == seq:
                return dict(got["body"])


@pytest.fixture
async def tencent_probe(server: RunningServer) -> TencentProbe:
    await server.import_users("alice", "bob")
    return TencentProbe(server)


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
async def test_tencent_commands_answer_hostile_bodies_with_codes(
    tencent_probe: TencentProbe, caplog: pytest.LogCaptureFixture, data: st.DataObject
) -> None:
    caplog.set_level(logging.ERROR)
    cmd = data.draw(st.sampled_from(TENCENT_CMDS), label="servcmd")
    body = data.draw(data_for(_field_names(COMMANDS[cmd].model)), label="body")
    r = await tencent_probe.call(cmd, body)
    if r:  # commands that take no answer answer nothing but their echo
        assert r.get("ErrorCode") != 70500, (cmd, body, r)
    alive = await tencent_probe.call("heartbeat.alive", {})
    assert alive.get("ErrorCode", 0) == 0
    no_tracebacks(caplog)
