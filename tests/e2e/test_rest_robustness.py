"""Bad input never gets a 500 or an internal error, and never changes stored data.

Hypothesis throws bodies built from Tencent field names with values of every
JSON type at every registered REST command.
"""

from __future__ import annotations

import os
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import RunningServer
from palaver.api.rest import REGISTRY

FIELDS = [
    "From_Account",
    "To_Account",
    "UserID",
    "Identifier",
    "MsgRandom",
    "MsgBody",
    "MsgSeq",
    "MsgLifeTime",
    "SyncOtherMachine",
    "MsgTimeStamp",
    "Peer_Account",
    "Operator_Account",
    "MaxCnt",
    "LastMsgKey",
    "MsgKey",
    "AddFriendItem",
    "AddType",
    "ForceAddFlags",
    "DeleteType",
    "CheckType",
    "StartIndex",
    "ProfileItem",
    "TagList",
    "Type",
    "ClearRamble",
    "Accounts",
    "AccountList",
    "DeleteItem",
    "CheckItem",
    "UpdateItem",
    "SnsItem",
    "Tag",
    "Value",
    "AssistFlags",
    "MaxLimited",
    "SyncFromOldSystem",
    "Report_Account",
    "IsNeedDetail",
]
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=40)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(FIELDS + ["MsgType", "MsgContent", "Text"]), inner, max_size=4
        )
    ),
    max_leaves=12,
)
bodies = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6)
commands = st.sampled_from(sorted(REGISTRY))


@settings(
    max_examples=int(os.environ.get("PALAVER_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(cmd=commands, body=bodies)
async def test_random_bodies_get_tencent_errors_not_500(
    server: RunningServer, cmd: tuple[str, str], body: dict[str, Any]
) -> None:
    r = await server.rest(cmd[0], cmd[1], body)
    assert r["ActionStatus"] in ("OK", "FAIL")
    assert isinstance(r["ErrorCode"], int) and isinstance(r["ErrorInfo"], str)
    assert r["ErrorCode"] != 70500, (cmd, body, r)


async def test_garbage_bytes_and_shapes(server: RunningServer) -> None:
    await server.import_users("alice", "bob")
    await server.ok(
        "openim",
        "sendmsg",
        {
            "From_Account": "alice",
            "To_Account": "bob",
            "MsgRandom": 1,
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "keep"}}],
        },
    )
    for svc, cmd in sorted(REGISTRY):
        for raw in (b"\xff\xfe", b"null", b"1", b'"s"', b"[]", b'{"a":', orjson.dumps({"x": 1})):
            r = await server.rest(svc, cmd, raw=raw)
            assert r["ActionStatus"] in ("OK", "FAIL") and r["ErrorCode"] != 70500, (
                svc,
                cmd,
                raw,
                r,
            )
    r = await server.ok(
        "openim",
        "admin_getroammsg",
        {"Operator_Account": "bob", "Peer_Account": "alice", "MaxCnt": 10},
    )
    assert [m["MsgBody"][0]["MsgContent"]["Text"] for m in r["MsgList"]] == ["keep"]
