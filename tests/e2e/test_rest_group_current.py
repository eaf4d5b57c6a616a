"""REST ``group_open_http_svc``: the field and command names of Tencent's current
docs (``MuteTime``, ``get_group_muted_account``, ``MuteAllMember``, ``MuteUntil``)
next to the older ones, and ``get_specified_group_member_info``."""

from __future__ import annotations

import time
from typing import Any

from conftest import RunningServer

G = "group_open_http_svc"


def text(t: str) -> list[dict[str, Any]]:
    return [{"MsgType": "TIMTextElem", "MsgContent": {"Text": t}}]


async def code(server: RunningServer, command: str, body: dict[str, Any]) -> int:
    r = await server.rest(G, command, body)
    assert r["ActionStatus"] == "FAIL" and r["ErrorCode"] != 0, r
    result: int = r["ErrorCode"]
    return result


async def team(server: RunningServer, **fields: Any) -> str:
    await server.import_users("owner", "ann", "ben", "out")
    body = {
        "Type": "Public",
        "Name": "team",
        "Owner_Account": "owner",
        "MemberList": [{"Member_Account": "ann"}, {"Member_Account": "ben"}],
        **fields,
    }
    gid: str = (await server.ok(G, "create_group", body))["GroupId"]
    return gid


async def send_as(server: RunningServer, gid: str, user: str) -> dict[str, Any]:
    body = {"GroupId": gid, "Random": 1, "MsgBody": text("hi"), "From_Account": user}
    return await server.rest(G, "send_group_msg", body)


async def test_forbid_send_msg_takes_mute_time_and_the_muted_list_has_its_current_name(
    server: RunningServer,
) -> None:
    gid = await team(server)
    r = await server.ok(G, "get_group_muted_account", {"GroupId": gid})
    assert r["MutedAccountList"] == []
    before = int(time.time())
    await server.ok(
        G, "forbid_send_msg", {"GroupId": gid, "Members_Account": ["ann"], "MuteTime": 3600}
    )
    r = await server.ok(G, "get_group_muted_account", {"GroupId": gid})
    assert [i["Member_Account"] for i in r["MutedAccountList"]] == ["ann"]
    assert before + 3600 <= r["MutedAccountList"][0]["MutedUntil"] <= int(time.time()) + 3600
    assert (await send_as(server, gid, "ann"))["ErrorCode"] == 10017
    # the older command answers in its older shape, about the same mute
    old = await server.ok(G, "get_group_shutted_uin", {"GroupId": gid})
    assert old["ShuttedUinList"] == [
        {"Member_Account": "ann", "ShuttedUntil": r["MutedAccountList"][0]["MutedUntil"]}
    ]
    # the older field name still works, both ways
    await server.ok(
        G, "forbid_send_msg", {"GroupId": gid, "Members_Account": ["ben"], "ShutUpTime": 60}
    )
    r = await server.ok(G, "get_group_muted_account", {"GroupId": gid})
    assert sorted(i["Member_Account"] for i in r["MutedAccountList"]) == ["ann", "ben"]
    await server.ok(
        G, "forbid_send_msg", {"GroupId": gid, "Members_Account": ["ann", "ben"], "MuteTime": 0}
    )
    assert (await server.ok(G, "get_group_muted_account", {"GroupId": gid}))[
        "MutedAccountList"
    ] == []
    assert (await send_as(server, gid, "ann"))["ActionStatus"] == "OK"
    # neither name: the error names the current field
    r = await server.rest(G, "forbid_send_msg", {"GroupId": gid, "Members_Account": ["ann"]})
    assert r["ErrorCode"] == 10004 and "MuteTime" in r["ErrorInfo"], r
    assert await code(server, "get_group_muted_account", {"GroupId": "nope"}) == 10010


async def test_member_mute_and_group_mute_use_current_names(server: RunningServer) -> None:
    gid = await team(server)
    await server.ok(
        G, "modify_group_member_info", {"GroupId": gid, "Member_Account": "ann", "MuteTime": 600}
    )
    r = await server.ok(G, "get_group_member_info", {"GroupId": gid})
    ann = next(m for m in r["MemberList"] if m["Member_Account"] == "ann")
    assert int(time.time()) + 500 <= ann["MuteUntil"] <= int(time.time()) + 700
    assert "ShutUpUntil" not in ann
    # a filter naming the older field gets it under that name
    r = await server.ok(
        G, "get_group_member_info", {"GroupId": gid, "MemberInfoFilter": ["ShutUpUntil"]}
    )
    ann = next(m for m in r["MemberList"] if m["Member_Account"] == "ann")
    assert set(ann) == {"Member_Account", "ShutUpUntil"} and ann["ShutUpUntil"] > time.time()
    await server.ok(
        G, "modify_group_member_info", {"GroupId": gid, "Member_Account": "ann", "ShutUpTime": 0}
    )
    assert (await send_as(server, gid, "ann"))["ActionStatus"] == "OK"

    await server.ok(G, "modify_group_base_info", {"GroupId": gid, "MuteAllMember": "On"})
    assert (await send_as(server, gid, "ben"))["ErrorCode"] == 10017
    r = await server.ok(G, "get_group_info", {"GroupIdList": [gid]})
    assert r["GroupInfo"][0]["MuteAllMember"] == "On" and "ShutUpAllMember" not in r["GroupInfo"][0]
    flt = {"GroupBaseInfoFilter": ["ShutUpAllMember", "MuteAllMember", "Name"]}
    r = await server.ok(G, "get_group_info", {"GroupIdList": [gid], "ResponseFilter": flt})
    g = r["GroupInfo"][0]
    assert (g["ShutUpAllMember"], g["MuteAllMember"], g["Name"]) == ("On", "On", "team")
    r = await server.ok(
        G,
        "get_joined_group_list",
        {
            "Member_Account": "ann",
            "ResponseFilter": {
                "GroupBaseInfoFilter": ["MuteAllMember"],
                "SelfInfoFilter": ["MuteUntil"],
            },
        },
    )
    assert r["GroupIdList"] == [
        {"GroupId": gid, "MuteAllMember": "On", "SelfInfo": {"MuteUntil": 0}}
    ]


async def test_get_specified_group_member_info(server: RunningServer) -> None:
    gid = await team(
        server,
        MemberList=[
            {"Member_Account": "ann", "Role": "Admin"},
            {"Member_Account": "ben", "AppMemberDefinedData": [{"Key": "k", "Value": "v"}]},
        ],
    )
    body = {"GroupId": gid, "Member_List_Account": ["ben", "out", "owner", "ben"]}
    r = await server.ok(G, "get_specified_group_member_info", body)
    assert [(m["Member_Account"], m["Role"]) for m in r["MemberList"]] == [
        ("ben", "Member"),
        ("owner", "Owner"),
    ]
    assert r["MemberList"][0]["AppMemberDefinedData"] == [{"Key": "k", "Value": "v"}]
    assert {"JoinTime", "MsgSeq", "MsgFlag", "MuteUntil", "NameCard"} <= set(r["MemberList"][0])
    r = await server.ok(
        G,
        "get_specified_group_member_info",
        {**body, "MemberInfoFilter": ["Role"], "AppDefinedDataFilter_GroupMember": ["k"]},
    )
    assert r["MemberList"][0] == {
        "Member_Account": "ben",
        "Role": "Member",
        "AppMemberDefinedData": [{"Key": "k", "Value": "v"}],
    }
    many = {"GroupId": gid, "Member_List_Account": [f"u{i}" for i in range(51)]}
    assert await code(server, "get_specified_group_member_info", many) == 10005
    assert await code(server, "get_specified_group_member_info", {"GroupId": gid}) == 10004
    nope = {"GroupId": "nope", "Member_List_Account": ["ann"]}
    assert await code(server, "get_specified_group_member_info", nope) == 10010
