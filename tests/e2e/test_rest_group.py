"""REST ``group_open_http_svc`` (groups, members, group messages) and group
sessions in ``recentcontact``, through a real server."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ADMIN, SDKAPPID, RunningServer
from palaver.api.rest import REGISTRY
from wsclient import ProtocolError, WsClient

G = "group_open_http_svc"


def text(t: str) -> list[dict[str, Any]]:
    return [{"MsgType": "TIMTextElem", "MsgContent": {"Text": t}}]


def texts(msgs: list[dict[str, Any]]) -> list[str]:
    """The texts of ``RspMsgList`` items that are text messages (tips skipped)."""
    return [
        m["MsgBody"][0]["MsgContent"]["Text"]
        for m in msgs
        if m["MsgBody"] and m["MsgBody"][0]["MsgType"] == "TIMTextElem"
    ]


async def create(server: RunningServer, **fields: Any) -> str:
    body = {"Type": "Public", "Name": "team", **fields}
    r = await server.ok(G, "create_group", body)
    gid: str = r["GroupId"]
    return gid


async def code(server: RunningServer, command: str, body: dict[str, Any]) -> int:
    """The ErrorCode of a call expected to fail (with Tencent's FAIL envelope)."""
    r = await server.rest(G, command, body)
    assert r["ActionStatus"] == "FAIL" and r["ErrorCode"] != 0, r
    result: int = r["ErrorCode"]
    return result


async def send(
    server: RunningServer, gid: str, t: str, sender: str | None = None, **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {"GroupId": gid, "Random": extra.pop("Random", 9), "MsgBody": text(t)}
    if sender:
        body["From_Account"] = sender
    return await server.ok(G, "send_group_msg", {**body, **extra})


async def simple(server: RunningServer, gid: str, n: int = 20, seq: int | None = None) -> Any:
    body: dict[str, Any] = {"GroupId": gid, "ReqMsgNumber": n}
    if seq is not None:
        body["ReqMsgSeq"] = seq
    return await server.ok(G, "group_msg_get_simple", body)


async def info(server: RunningServer, gid: str, **filters: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"GroupIdList": [gid]}
    if filters:
        body["ResponseFilter"] = filters
    r = await server.ok(G, "get_group_info", body)
    item: dict[str, Any] = r["GroupInfo"][0]
    assert item["ErrorCode"] == 0, item
    return item


async def members(server: RunningServer, gid: str, **extra: Any) -> dict[str, Any]:
    return await server.ok(G, "get_group_member_info", {"GroupId": gid, **extra})


@contextlib.asynccontextmanager
async def online(server: RunningServer, user: str) -> AsyncIterator[WsClient]:
    client = WsClient(server.url, SDKAPPID, user, server.sig(user))
    await client.connect()
    try:
        yield client
    finally:
        await client.close()


# --- create / info / modify / destroy -------------------------------------------------


async def test_create_group_and_get_info(server: RunningServer) -> None:
    await server.import_users("owner", "ann", "ben")
    gid = await create(
        server,
        GroupId="team-1",
        Owner_Account="owner",
        Name="Team",
        Introduction="intro",
        Notification="notice",
        FaceUrl="http://x/y.png",
        MaxMemberCount=50,
        ApplyJoinOption="NeedPermission",
        AppDefinedData=[{"Key": "k1", "Value": "v1"}, {"Key": "k2", "Value": "v2"}],
        MemberList=[
            {"Member_Account": "ann", "Role": "Admin"},
            {"Member_Account": "ben", "AppMemberDefinedData": [{"Key": "mk", "Value": "mv"}]},
        ],
    )
    assert gid == "team-1"
    g = await info(server, gid)
    assert g["ErrorInfo"] == ""
    assert {k: g[k] for k in ("Type", "Name", "Introduction", "Notification", "FaceUrl")} == {
        "Type": "Public",
        "Name": "Team",
        "Introduction": "intro",
        "Notification": "notice",
        "FaceUrl": "http://x/y.png",
    }
    assert g["Owner_Account"] == "owner" and g["Appid"] == SDKAPPID
    assert g["MemberNum"] == 3 and g["MaxMemberNum"] == 50
    assert g["ApplyJoinOption"] == "NeedPermission" and g["MuteAllMember"] == "Off"
    assert g["CreateTime"] >= int(time.time()) - 60 and g["NextMsgSeq"] >= 1
    assert g["AppDefinedData"] == [{"Key": "k1", "Value": "v1"}, {"Key": "k2", "Value": "v2"}]
    roles = {m["Member_Account"]: m["Role"] for m in g["MemberList"]}
    assert roles == {"owner": "Owner", "ann": "Admin", "ben": "Member"}
    assert g["MemberList"][0]["Member_Account"] == "owner"  # owner first
    ben = next(m for m in g["MemberList"] if m["Member_Account"] == "ben")
    assert ben["AppMemberDefinedData"] == [{"Key": "mk", "Value": "mv"}]
    assert {"JoinTime", "MsgSeq", "MsgFlag", "LastSendMsgTime", "MuteUntil", "NameCard"} <= set(ben)
    assert ben["MuteUntil"] == 0

    # generated IDs, type aliases, an owner-less group
    work = await create(server, Type="Work", Owner_Account="owner")
    assert work.startswith("@TGS#")
    assert (await info(server, work))["Type"] == "Private"
    meeting = await create(server, Type="Meeting")
    m = await info(server, meeting)
    assert m["Type"] == "ChatRoom" and m["Owner_Account"] == "" and m["MemberNum"] == 0
    assert work != meeting


async def test_get_group_info_filters_and_missing_groups(server: RunningServer) -> None:
    await server.import_users("owner", "ann")
    gid = await create(
        server,
        Owner_Account="owner",
        AppDefinedData=[{"Key": "k1", "Value": "v1"}, {"Key": "k2", "Value": "v2"}],
        MemberList=[
            {"Member_Account": "ann", "AppMemberDefinedData": [{"Key": "a", "Value": "1"}]}
        ],
    )
    g = await info(server, gid, GroupBaseInfoFilter=["Type", "Name"])
    assert set(g) == {"GroupId", "ErrorCode", "ErrorInfo", "Type", "Name"}
    g = await info(server, gid, MemberInfoFilter=["Role"])
    assert "MemberList" in g and "AppDefinedData" not in g
    assert {m["Member_Account"]: set(m) for m in g["MemberList"]} == {
        "owner": {"Member_Account", "Role"},
        "ann": {"Member_Account", "Role"},
    }
    g = await info(
        server,
        gid,
        GroupBaseInfoFilter=["Name"],
        AppDefinedDataFilter_Group=["k2"],
        MemberInfoFilter=["NameCard"],
        AppDefinedDataFilter_GroupMember=["a"],
    )
    assert g["AppDefinedData"] == [{"Key": "k2", "Value": "v2"}]
    ann = next(m for m in g["MemberList"] if m["Member_Account"] == "ann")
    assert ann == {
        "Member_Account": "ann",
        "NameCard": "",
        "AppMemberDefinedData": [{"Key": "a", "Value": "1"}],
    }

    # unknown groups fail one by one inside an OK envelope, in request order
    r = await server.ok(G, "get_group_info", {"GroupIdList": ["nope", gid, "x" * 60]})
    got = [(i["GroupId"], i["ErrorCode"]) for i in r["GroupInfo"]]
    assert got == [("nope", 10010), (gid, 0), ("x" * 60, 10015)]
    assert r["GroupInfo"][0]["ErrorInfo"] and "Name" not in r["GroupInfo"][0]
    assert await code(server, "get_group_info", {"GroupIdList": []}) == 10004
    assert await code(server, "get_group_info", {"GroupIdList": ["g"] * 51}) == 10004
    assert await code(server, "get_group_info", {"GroupIdList": "g"}) == 10004


async def test_create_group_errors(server: RunningServer) -> None:
    await server.import_users("owner", "ann")
    assert await code(server, "create_group", {"Type": "Secret", "Name": "x"}) == 10004
    assert await code(server, "create_group", {"Type": "Public"}) == 10004
    assert await code(server, "create_group", {"Type": "Public", "Name": "n" * 31}) == 10004
    bad_id = {"Type": "Public", "Name": "x", "GroupId": "@TGS#mine"}
    assert await code(server, "create_group", bad_id) == 10015
    too_long = {"Type": "Public", "Name": "x", "GroupId": "g" * 49}
    assert await code(server, "create_group", too_long) == 10015
    await create(server, GroupId="taken")
    taken = {"Type": "Public", "Name": "x", "GroupId": "taken"}
    assert await code(server, "create_group", taken) == 10021
    ghost_owner = {"Type": "Public", "Name": "x", "Owner_Account": "ghost"}
    assert await code(server, "create_group", ghost_owner) == 10019
    bad_role = {
        "Type": "Public",
        "Name": "x",
        "Owner_Account": "owner",
        "MemberList": [{"Member_Account": "ann", "Role": "King"}],
    }
    assert await code(server, "create_group", bad_role) == 10004
    many = {
        "Type": "Public",
        "Name": "x",
        "MemberList": [{"Member_Account": f"u{i}"} for i in range(101)],
    }
    assert await code(server, "create_group", many) == 10005
    bad_option = {"Type": "Public", "Name": "x", "ApplyJoinOption": "Sometimes"}
    assert await code(server, "create_group", bad_option) == 10004
    # nothing was created by the failures
    r = await server.ok(G, "get_appid_group_list", {})
    assert [i["GroupId"] for i in r["GroupIdList"]] == ["taken"]


async def test_modify_shut_up_all_and_destroy(server: RunningServer) -> None:
    await server.import_users("owner", "ann", "ben")
    gid = await create(
        server,
        Owner_Account="owner",
        AppDefinedData=[{"Key": "k1", "Value": "v1"}, {"Key": "k2", "Value": "v2"}],
        MemberList=[{"Member_Account": "ann", "Role": "Admin"}, {"Member_Account": "ben"}],
    )
    await server.ok(
        G,
        "modify_group_base_info",
        {
            "GroupId": gid,
            "Name": "renamed",
            "Introduction": "new intro",
            "MaxMemberNum": 20,
            "ApplyJoinOption": "FreeAccess",
            "AppDefinedData": [{"Key": "k1", "Value": ""}, {"Key": "k3", "Value": "v3"}],
        },
    )
    g = await info(server, gid)
    assert (g["Name"], g["Introduction"], g["MaxMemberNum"]) == ("renamed", "new intro", 20)
    assert g["ApplyJoinOption"] == "FreeAccess" and g["Type"] == "Public"
    assert {d["Key"]: d["Value"] for d in g["AppDefinedData"]} == {"k2": "v2", "k3": "v3"}

    await server.ok(G, "modify_group_base_info", {"GroupId": gid, "MuteAllMember": "On"})
    assert (await info(server, gid))["MuteAllMember"] == "On"
    assert (
        await code(
            server,
            "send_group_msg",
            {"GroupId": gid, "Random": 1, "MsgBody": text("x"), "From_Account": "ben"},
        )
        == 10017
    )
    await send(server, gid, "owner speaks", "owner")
    await send(server, gid, "admin speaks", "ann")
    await send(server, gid, "app admin speaks")
    # the older docs' spelling is still understood
    await server.ok(G, "modify_group_base_info", {"GroupId": gid, "ShutUpAllMember": "Off"})
    assert (await info(server, gid))["MuteAllMember"] == "Off"
    await send(server, gid, "ben speaks", "ben")
    assert texts((await simple(server, gid))["RspMsgList"]) == [
        "ben speaks",
        "app admin speaks",
        "admin speaks",
        "owner speaks",
    ]

    bad = {"GroupId": gid, "MuteAllMember": "Maybe"}
    assert await code(server, "modify_group_base_info", bad) == 10004
    assert await code(server, "modify_group_base_info", {"GroupId": gid, "Name": "n" * 31}) == 10004
    assert await code(server, "modify_group_base_info", {"GroupId": "nope", "Name": "x"}) == 10010

    await server.ok(G, "destroy_group", {"GroupId": gid})
    r = await server.ok(G, "get_group_info", {"GroupIdList": [gid]})
    assert r["GroupInfo"][0]["ErrorCode"] == 10010
    assert await code(server, "destroy_group", {"GroupId": gid}) == 10010
    assert (
        await code(server, "send_group_msg", {"GroupId": gid, "Random": 1, "MsgBody": text("x")})
        == 10010
    )
    r = await server.ok(G, "get_joined_group_list", {"Member_Account": "ben"})
    assert r["TotalCount"] == 0 and r["GroupIdList"] == []


async def test_get_appid_group_list_pages_and_filters(server: RunningServer) -> None:
    made = {
        await create(server, Type=t, Name=f"g{i}")
        for i, t in enumerate(["Public", "Private", "ChatRoom", "Public", "Public"])
    }
    got: list[str] = []
    nxt = 0
    for _ in range(10):
        r = await server.ok(G, "get_appid_group_list", {"Limit": 2, "Next": nxt})
        assert r["TotalCount"] == 5 and len(r["GroupIdList"]) <= 2
        got += [i["GroupId"] for i in r["GroupIdList"]]
        nxt = r["Next"]
        if not nxt:
            break
    assert sorted(got) == sorted(made) and len(got) == 5
    r = await server.ok(G, "get_appid_group_list", {"GroupType": "Public"})
    assert len(r["GroupIdList"]) == 3 and r["Next"] == 0
    r = await server.ok(G, "get_appid_group_list", {"Type": "Work"})  # older spelling, alias
    assert len(r["GroupIdList"]) == 1
    assert await code(server, "get_appid_group_list", {"Limit": "2"}) == 10004
    assert await code(server, "get_appid_group_list", {"Limit": 10001}) == 10004


# --- members ---------------------------------------------------------------------------


async def test_add_and_delete_members(server: RunningServer) -> None:
    await server.import_users("owner", "ann", "ben", "cid", "dan")
    gid = await create(server, Owner_Account="owner", MaxMemberCount=4)
    r = await server.ok(
        G,
        "add_group_member",
        {
            "GroupId": gid,
            "MemberList": [
                {"Member_Account": "ann"},
                {"Member_Account": "ghost"},
                {"Member_Account": "owner"},
            ],
        },
    )
    assert r["MemberList"] == [
        {"Member_Account": "ann", "Result": 1},
        {"Member_Account": "ghost", "Result": 0},
        {"Member_Account": "owner", "Result": 2},
    ]
    await server.ok(
        G,
        "add_group_member",
        {"GroupId": gid, "Silence": 1, "MemberList": [{"Member_Account": "ben"}]},
    )
    assert (await info(server, gid))["MemberNum"] == 3
    over = {"GroupId": gid, "MemberList": [{"Member_Account": "cid"}, {"Member_Account": "dan"}]}
    assert await code(server, "add_group_member", over) == 10014
    assert (await info(server, gid))["MemberNum"] == 3
    assert (
        await code(
            server,
            "add_group_member",
            {"GroupId": "nope", "MemberList": [{"Member_Account": "cid"}]},
        )
        == 10010
    )
    assert await code(server, "add_group_member", {"GroupId": gid, "MemberList": []}) == 10004
    too_many = {"GroupId": gid, "MemberList": [{"Member_Account": f"u{i}"} for i in range(301)]}
    assert await code(server, "add_group_member", too_many) == 10005

    await server.ok(
        G,
        "delete_group_member",
        {"GroupId": gid, "MemberToDel_Account": ["ann"], "Reason": "bye", "Silence": 0},
    )
    r = await server.ok(G, "get_role_in_group", {"GroupId": gid, "User_Account": ["ann", "ben"]})
    assert r["UserIdList"] == [
        {"Member_Account": "ann", "Role": "NotMember"},
        {"Member_Account": "ben", "Role": "Member"},
    ]
    assert (
        await code(
            server, "delete_group_member", {"GroupId": gid, "MemberToDel_Account": ["owner"]}
        )
        == 10007
    )
    assert (
        await code(
            server, "delete_group_member", {"GroupId": "nope", "MemberToDel_Account": ["ben"]}
        )
        == 10010
    )
    assert (
        await code(server, "delete_group_member", {"GroupId": gid, "MemberToDel_Account": "ben"})
        == 10004
    )


async def test_get_group_member_info_pages_and_filters(server: RunningServer) -> None:
    users = [f"m{i:02d}" for i in range(12)]
    await server.import_users("owner", *users)
    gid = await create(server, Owner_Account="owner")
    for u in users:  # one by one: join order is the list order
        await server.ok(
            G, "add_group_member", {"GroupId": gid, "MemberList": [{"Member_Account": u}]}
        )
    r = await members(server, gid)
    assert r["MemberNum"] == 13
    assert [m["Member_Account"] for m in r["MemberList"]] == ["owner", *users]
    got: list[str] = []
    for offset in range(0, 13, 5):
        r = await members(server, gid, Limit=5, Offset=offset)
        assert r["MemberNum"] == 13
        got += [m["Member_Account"] for m in r["MemberList"]]
    assert got == ["owner", *users]
    await server.ok(
        G,
        "modify_group_member_info",
        {
            "GroupId": gid,
            "Member_Account": "m03",
            "Role": "Admin",
            "NameCard": "Three",
            "AppMemberDefinedData": [{"Key": "x", "Value": "1"}, {"Key": "y", "Value": "2"}],
        },
    )
    r = await members(server, gid, Limit=3)
    assert [m["Member_Account"] for m in r["MemberList"]] == ["owner", "m03", "m00"]
    r = await members(server, gid, MemberRoleFilter=["Admin"])
    assert r["MemberNum"] == 1 and [m["Member_Account"] for m in r["MemberList"]] == ["m03"]
    r = await members(server, gid, MemberRoleFilter=["Owner", "Admin"])
    assert r["MemberNum"] == 2 and {m["Member_Account"] for m in r["MemberList"]} == {
        "owner",
        "m03",
    }
    r = await members(
        server,
        gid,
        MemberRoleFilter=["Admin"],
        MemberInfoFilter=["Role", "NameCard"],
        AppDefinedDataFilter_GroupMember=["y"],
    )
    assert r["MemberList"] == [
        {
            "Member_Account": "m03",
            "Role": "Admin",
            "NameCard": "Three",
            "AppMemberDefinedData": [{"Key": "y", "Value": "2"}],
        }
    ]
    assert await code(server, "get_group_member_info", {"GroupId": "nope"}) == 10010
    assert (
        await code(server, "get_group_member_info", {"GroupId": gid, "MemberRoleFilter": ["Boss"]})
        == 10004
    )
    assert await code(server, "get_group_member_info", {"GroupId": gid, "Limit": -1}) == 10004


async def test_modify_member_roles_and_owner(server: RunningServer) -> None:
    await server.import_users("owner", "ann", "ben", "out")
    gid = await create(
        server,
        Owner_Account="owner",
        MemberList=[{"Member_Account": "ann"}, {"Member_Account": "ben"}],
    )
    await server.ok(
        G,
        "modify_group_member_info",
        {
            "GroupId": gid,
            "Member_Account": "ann",
            "Role": "Admin",
            "NameCard": "Annie",
            "MsgFlag": "AcceptNotNotify",
            "ShutUpTime": 600,
        },
    )
    ann = (await members(server, gid, MemberRoleFilter=["Admin"]))["MemberList"][0]
    assert (ann["Member_Account"], ann["Role"], ann["NameCard"]) == ("ann", "Admin", "Annie")
    assert ann["MsgFlag"] == "AcceptNotNotify"
    assert int(time.time()) + 500 <= ann["MuteUntil"] <= int(time.time()) + 700
    r = await server.ok(
        G, "get_role_in_group", {"GroupId": gid, "User_Account": ["owner", "ann", "ben", "out"]}
    )
    assert [i["Role"] for i in r["UserIdList"]] == ["Owner", "Admin", "Member", "NotMember"]

    await server.ok(G, "change_group_owner", {"GroupId": gid, "NewOwner_Account": "ben"})
    assert (await info(server, gid))["Owner_Account"] == "ben"
    r = await server.ok(G, "get_role_in_group", {"GroupId": gid, "User_Account": ["owner", "ben"]})
    assert [i["Role"] for i in r["UserIdList"]] == ["Member", "Owner"]
    assert (
        await code(server, "change_group_owner", {"GroupId": gid, "NewOwner_Account": "out"})
        == 10004
    )
    assert (
        await code(server, "change_group_owner", {"GroupId": "nope", "NewOwner_Account": "ann"})
        == 10010
    )

    not_member = {"GroupId": gid, "Member_Account": "out", "NameCard": "x"}
    assert await code(server, "modify_group_member_info", not_member) == 10007
    bad_role = {"GroupId": gid, "Member_Account": "ann", "Role": "Emperor"}
    assert await code(server, "modify_group_member_info", bad_role) == 10004
    bad_flag = {"GroupId": gid, "Member_Account": "ann", "MsgFlag": "Loud"}
    assert await code(server, "modify_group_member_info", bad_flag) == 10004
    assert (
        await code(server, "get_role_in_group", {"GroupId": "nope", "User_Account": ["ann"]})
        == 10010
    )


async def test_get_joined_group_list(server: RunningServer) -> None:
    await server.import_users("owner", "ann", "lonely")
    first = await create(server, Owner_Account="owner", Name="first")
    second = await create(server, Type="Private", Name="second", Owner_Account="owner")
    third = await create(server, Type="ChatRoom", Name="third", Owner_Account="owner")
    now = int(time.time())
    for gid, joined, role in (
        (first, now - 300, "Member"),
        (second, now - 200, "Admin"),
        (third, now - 100, "Member"),
    ):
        item = {"Member_Account": "ann", "JoinTime": joined, "Role": role}
        await server.ok(G, "import_group_member", {"GroupId": gid, "MemberList": [item]})
    await server.ok(
        G, "modify_group_member_info", {"GroupId": third, "Member_Account": "ann", "NameCard": "A"}
    )

    r = await server.ok(G, "get_joined_group_list", {"Member_Account": "ann"})
    assert r["TotalCount"] == 3
    assert [i["GroupId"] for i in r["GroupIdList"]] == [third, second, first]  # newest join first
    assert all(set(i) == {"GroupId"} for i in r["GroupIdList"])
    r = await server.ok(
        G, "get_joined_group_list", {"Member_Account": "ann", "Limit": 1, "Offset": 1}
    )
    assert r["TotalCount"] == 3 and [i["GroupId"] for i in r["GroupIdList"]] == [second]
    r = await server.ok(G, "get_joined_group_list", {"Member_Account": "ann", "GroupType": "Work"})
    assert [i["GroupId"] for i in r["GroupIdList"]] == [second]
    r = await server.ok(G, "get_joined_group_list", {"Member_Account": "ann", "Type": "ChatRoom"})
    assert [i["GroupId"] for i in r["GroupIdList"]] == [third]
    r = await server.ok(
        G,
        "get_joined_group_list",
        {
            "Member_Account": "ann",
            "ResponseFilter": {
                "GroupBaseInfoFilter": ["Type", "Name", "MemberNum"],
                "SelfInfoFilter": ["Role", "NameCard", "JoinTime", "UnreadMsgNum"],
            },
        },
    )
    by_id = {i["GroupId"]: i for i in r["GroupIdList"]}
    assert by_id[third] == {
        "GroupId": third,
        "Type": "ChatRoom",
        "Name": "third",
        "MemberNum": 2,
        "SelfInfo": {"Role": "Member", "NameCard": "A", "JoinTime": now - 100, "UnreadMsgNum": 0},
    }
    assert by_id[second]["SelfInfo"]["Role"] == "Admin"
    r = await server.ok(G, "get_joined_group_list", {"Member_Account": "lonely"})
    assert r["TotalCount"] == 0 and r["GroupIdList"] == []
    assert await code(server, "get_joined_group_list", {"Member_Account": "ghost"}) == 10019
    assert await code(server, "get_joined_group_list", {}) == 10004


async def test_forbid_send_msg_and_shutted_list(server: RunningServer) -> None:
    await server.import_users("owner", "ann", "ben")
    gid = await create(
        server,
        Owner_Account="owner",
        MemberList=[{"Member_Account": "ann"}, {"Member_Account": "ben"}],
    )
    assert (await server.ok(G, "get_group_shutted_uin", {"GroupId": gid}))["ShuttedUinList"] == []
    before = int(time.time())
    await server.ok(
        G, "forbid_send_msg", {"GroupId": gid, "Members_Account": ["ann"], "ShutUpTime": 3600}
    )
    r = await server.ok(G, "get_group_shutted_uin", {"GroupId": gid})
    assert [i["Member_Account"] for i in r["ShuttedUinList"]] == ["ann"]
    assert before + 3600 <= r["ShuttedUinList"][0]["ShuttedUntil"] <= int(time.time()) + 3600
    muted = {"GroupId": gid, "Random": 1, "MsgBody": text("hi"), "From_Account": "ann"}
    assert await code(server, "send_group_msg", muted) == 10017
    await send(server, gid, "ben is fine", "ben")
    await server.ok(
        G, "forbid_send_msg", {"GroupId": gid, "Members_Account": ["ann"], "ShutUpTime": 0}
    )
    assert (await server.ok(G, "get_group_shutted_uin", {"GroupId": gid}))["ShuttedUinList"] == []
    await send(server, gid, "ann again", "ann")
    assert texts((await simple(server, gid))["RspMsgList"])[:2] == ["ann again", "ben is fine"]
    assert (
        await code(
            server,
            "forbid_send_msg",
            {"GroupId": gid, "Members_Account": ["ann"], "ShutUpTime": -1},
        )
        == 10004
    )
    assert (
        await code(
            server,
            "forbid_send_msg",
            {"GroupId": "nope", "Members_Account": ["ann"], "ShutUpTime": 5},
        )
        == 10010
    )
    assert await code(server, "get_group_shutted_uin", {"GroupId": "nope"}) == 10010


# --- messages ----------------------------------------------------------------------------


async def test_send_group_msg_seqs_and_errors(server: RunningServer) -> None:
    await server.import_users("owner", "ann", "out")
    gid = await create(server, Owner_Account="owner", MemberList=[{"Member_Account": "ann"}])
    seqs = []
    for i, sender in enumerate(["owner", None, "ann", "ann"]):
        r = await send(server, gid, f"m{i}", sender, Random=100 + i)
        assert r["MsgTime"] >= int(time.time()) - 60
        seqs.append(r["MsgSeq"])
    assert seqs == sorted(seqs) and len(set(seqs)) == 4 and seqs[-1] - seqs[0] == 3
    assert (await info(server, gid))["NextMsgSeq"] == seqs[-1] + 1
    msgs = (await simple(server, gid))["RspMsgList"]
    assert [(m["From_Account"], m["MsgSeq"], m["MsgRandom"]) for m in msgs[:4]] == [
        ("ann", seqs[3], 103),
        ("ann", seqs[2], 102),
        (ADMIN, seqs[1], 101),
        ("owner", seqs[0], 100),
    ]
    assert all(m["IsPlaceMsg"] == 0 and m["MsgPriority"] for m in msgs[:4])

    base = {"GroupId": gid, "Random": 1, "MsgBody": text("x")}
    assert await code(server, "send_group_msg", {**base, "From_Account": "out"}) == 10007
    assert await code(server, "send_group_msg", {**base, "From_Account": "ghost"}) == 10007
    assert await code(server, "send_group_msg", {**base, "GroupId": "nope"}) == 10010
    assert await code(server, "send_group_msg", {"GroupId": gid, "MsgBody": text("x")}) == 10004
    assert await code(server, "send_group_msg", {**base, "Random": 1 << 32}) == 10004
    assert await code(server, "send_group_msg", {**base, "MsgBody": {"Text": "x"}}) == 10004
    assert await code(
        server, "send_group_msg", {**base, "MsgBody": [{"MsgType": "TIMTextElem"}]}
    ) in (90002, 10004)
    assert await code(server, "send_group_msg", {**base, "MsgPriority": "Urgent"}) == 10004
    # nothing was stored by the failures
    assert (await info(server, gid))["NextMsgSeq"] == seqs[-1] + 1


async def test_at_mentions_and_online_only(server: RunningServer) -> None:
    await server.import_users("owner", "ann", "ben")
    gid = await create(
        server,
        Owner_Account="owner",
        MemberList=[{"Member_Account": "ann"}, {"Member_Account": "ben"}],
    )
    async with online(server, "ann") as ann:
        r = await send(
            server,
            gid,
            "hey ann and all",
            "owner",
            GroupAtInfo=[{"GroupAtAllFlag": 0, "GroupAt_Account": "ann"}, {"GroupAtAllFlag": 1}],
        )
        [got] = await ann.messages(
            1, where=lambda m: m.get("payload", {}).get("text") == "hey ann and all"
        )
        assert got["conversationID"] == f"GROUP{gid}" and got["sequence"] == r["MsgSeq"]
        assert set(got["atUserList"]) == {"ann", "__kImSDK_MesssageAtALL__"}
        await send(server, gid, "only now", "owner", MsgOnlineOnlyFlag=1, Random=77)
        [live] = await ann.messages(
            1, where=lambda m: m.get("payload", {}).get("text") == "only now"
        )
        assert live["from"] == "owner"
    # the online-only message was never stored
    assert "only now" not in texts((await simple(server, gid))["RspMsgList"])
    assert "hey ann and all" in texts((await simple(server, gid))["RspMsgList"])


async def test_system_notification(server: RunningServer) -> None:
    await server.import_users("owner", "ann", "ben")
    gid = await create(
        server,
        Owner_Account="owner",
        MemberList=[{"Member_Account": "ann"}, {"Member_Account": "ben"}],
    )
    await server.ok(G, "send_group_system_notification", {"GroupId": gid, "Content": "to all"})
    msgs = (await simple(server, gid))["RspMsgList"]
    notice = [
        m for m in msgs if m["MsgBody"] and m["MsgBody"][0]["MsgType"] == "TIMGroupSystemNoticeElem"
    ]
    assert [m["MsgBody"][0]["MsgContent"]["Content"] for m in notice] == ["to all"]
    async with online(server, "ann") as ann:
        await server.ok(
            G,
            "send_group_system_notification",
            {"GroupId": gid, "ToMembers_Account": ["ann"], "Content": "just ann"},
        )
        for _ in range(50):
            push = await ann.next_push()
            if push.ev == "GROUP_SYSTEM_NOTICE_RECEIVED":
                break
        else:
            raise AssertionError("no GROUP_SYSTEM_NOTICE_RECEIVED")
        assert push.data == {**push.data, "groupID": gid, "content": "just ann"}
    # a notice to chosen members is not stored
    assert len((await simple(server, gid))["RspMsgList"]) == len(msgs)
    assert (
        await code(server, "send_group_system_notification", {"GroupId": gid, "Content": ""})
        == 10004
    )
    assert (
        await code(server, "send_group_system_notification", {"GroupId": "nope", "Content": "x"})
        == 10010
    )
    assert await code(server, "send_group_system_notification", {"GroupId": gid}) == 10004


async def test_group_msg_get_simple_pages(server: RunningServer) -> None:
    await server.import_users("owner")
    gid = await create(server, Owner_Account="owner")
    sent = [(await send(server, gid, f"m{i:02d}", "owner", Random=i))["MsgSeq"] for i in range(25)]
    r = await simple(server, gid)
    assert r["GroupId"] == gid and r["IsFinished"] == 0 and len(r["RspMsgList"]) == 20
    page1 = r["RspMsgList"]
    assert [m["MsgSeq"] for m in page1] == sorted((m["MsgSeq"] for m in page1), reverse=True)
    assert page1[0]["MsgSeq"] == sent[-1]
    got = list(page1)
    for _ in range(10):
        if r["IsFinished"]:
            break
        r = await simple(server, gid, 20, got[-1]["MsgSeq"] - 1)
        got += r["RspMsgList"]
    assert r["IsFinished"] == 1
    assert texts(got) == [f"m{i:02d}" for i in reversed(range(25))]
    seqs = [m["MsgSeq"] for m in got]
    assert len(set(seqs)) == len(seqs)
    # ReqMsgSeq picks the newest one returned
    r = await simple(server, gid, 3, sent[10])
    assert [m["MsgSeq"] for m in r["RspMsgList"]] == [sent[10], sent[9], sent[8]]
    assert texts(r["RspMsgList"]) == ["m10", "m09", "m08"]
    assert await code(server, "group_msg_get_simple", {"GroupId": gid, "ReqMsgNumber": 21}) == 10004
    assert await code(server, "group_msg_get_simple", {"GroupId": gid}) == 10004
    assert (
        await code(server, "group_msg_get_simple", {"GroupId": "nope", "ReqMsgNumber": 5}) == 10010
    )


async def test_recall_and_delete_by_sender(server: RunningServer) -> None:
    await server.import_users("owner", "ann")
    gid = await create(server, Owner_Account="owner", MemberList=[{"Member_Account": "ann"}])
    own = (await send(server, gid, "admin's", Random=1))["MsgSeq"]
    other = (await send(server, gid, "ann's", "ann", Random=2))["MsgSeq"]
    kept = (await send(server, gid, "kept", "owner", Random=3))["MsgSeq"]
    r = await server.ok(
        G,
        "group_msg_recall",
        {"GroupId": gid, "MsgSeqList": [{"MsgSeq": own}, {"MsgSeq": other}, {"MsgSeq": 9999}]},
    )
    assert r["RecallRetList"] == [
        {"MsgSeq": own, "RetCode": 0},
        {"MsgSeq": other, "RetCode": 0},
        {"MsgSeq": 9999, "RetCode": 10030},
    ]
    by_seq = {m["MsgSeq"]: m for m in (await simple(server, gid))["RspMsgList"]}
    assert by_seq[own]["IsPlaceMsg"] == 1 and by_seq[own]["MsgBody"] == []
    assert by_seq[other]["IsPlaceMsg"] == 1
    assert by_seq[kept]["IsPlaceMsg"] == 0 and texts([by_seq[kept]]) == ["kept"]
    assert await code(server, "group_msg_recall", {"GroupId": gid, "MsgSeqList": []}) == 10004
    assert (
        await code(server, "group_msg_recall", {"GroupId": "nope", "MsgSeqList": [{"MsgSeq": 1}]})
        == 10010
    )
    eleven = {"GroupId": gid, "MsgSeqList": [{"MsgSeq": i} for i in range(11)]}
    assert await code(server, "group_msg_recall", eleven) == 10004

    for i in range(3):
        await send(server, gid, f"ann {i}", "ann", Random=10 + i)
    await send(server, gid, "owner again", "owner", Random=20)
    await server.ok(G, "delete_group_msg_by_sender", {"GroupId": gid, "Sender_Account": "ann"})
    msgs = (await simple(server, gid))["RspMsgList"]
    assert not [m for m in msgs if m["From_Account"] == "ann" and m["MsgBody"]]
    assert texts(msgs)[:2] == ["owner again", "kept"]
    assert (
        await code(
            server, "delete_group_msg_by_sender", {"GroupId": "nope", "Sender_Account": "ann"}
        )
        == 10010
    )


@pytest.mark.parametrize(
    ("group_type", "sees_earlier"), [("Private", False), ("Public", False), ("ChatRoom", True)]
)
async def test_history_after_join(
    server: RunningServer, group_type: str, sees_earlier: bool
) -> None:
    await server.import_users("owner", "late", "out")
    gid = await create(server, Type=group_type, Owner_Account="owner")
    await send(server, gid, "before", "owner", Random=1)
    await server.ok(
        G, "add_group_member", {"GroupId": gid, "MemberList": [{"Member_Account": "late"}]}
    )
    await send(server, gid, "after", "owner", Random=2)
    async with online(server, "late") as late:
        seen = [
            m["payload"]["text"]
            for m in await late.history(f"GROUP{gid}")
            if m["type"] == "TIMTextElem"
        ]
    assert seen == (["before", "after"] if sees_earlier else ["after"])
    async with online(server, "out") as out:
        with pytest.raises(ProtocolError) as err:
            await out.history(f"GROUP{gid}")
        assert err.value.code == 10007
    # the App admin sees everything
    assert texts((await simple(server, gid))["RspMsgList"]) == ["after", "before"]


# --- imports, unread counts, sessions --------------------------------------------------


async def joined_unread(server: RunningServer, user: str) -> dict[str, int]:
    r = await server.ok(
        G,
        "get_joined_group_list",
        {"Member_Account": user, "ResponseFilter": {"SelfInfoFilter": ["UnreadMsgNum"]}},
    )
    return {i["GroupId"]: i["SelfInfo"]["UnreadMsgNum"] for i in r["GroupIdList"]}


async def test_import_group_members_messages_and_unread(server: RunningServer) -> None:
    await server.import_users("owner", "ann", "ben")
    created = int(time.time()) - 86400 * 30
    gid = (
        await server.ok(
            G,
            "import_group",
            {
                "Type": "Public",
                "Name": "old",
                "GroupId": "old-1",
                "Owner_Account": "owner",
                "CreateTime": created,
            },
        )
    )["GroupId"]
    assert gid == "old-1" and (await info(server, gid))["CreateTime"] == created
    t0 = int(time.time()) - 3600
    r = await server.ok(
        G,
        "import_group_msg",
        {
            "GroupId": gid,
            "MsgList": [
                {
                    "From_Account": "owner",
                    "SendTime": t0 + i,
                    "Random": i,
                    "MsgBody": text(f"old {i}"),
                }
                for i in range(3)
            ],
        },
    )
    results = r["ImportMsgResult"]
    assert [i["Result"] for i in results] == [0, 0, 0]
    assert [i["MsgTime"] for i in results] == [t0, t0 + 1, t0 + 2]
    assert [i["MsgSeq"] for i in results] == sorted({i["MsgSeq"] for i in results})
    msgs = (await simple(server, gid))["RspMsgList"]
    assert texts(msgs) == ["old 2", "old 1", "old 0"]
    assert [m["MsgTimeStamp"] for m in msgs] == [t0 + 2, t0 + 1, t0]
    # a time in the future fails alone; a message imported again is a duplicate
    again = {"From_Account": "owner", "SendTime": t0, "Random": 0, "MsgBody": text("old 0")}
    future = {"From_Account": "owner", "SendTime": t0 + 7200, "Random": 50, "MsgBody": text("x")}
    fine = {"From_Account": "owner", "SendTime": t0 + 10, "Random": 51, "MsgBody": text("fine")}
    r = await server.ok(G, "import_group_msg", {"GroupId": gid, "MsgList": [again, future, fine]})
    assert [i["Result"] for i in r["ImportMsgResult"]] == [2, 1, 0]
    assert r["ImportMsgResult"][0]["MsgSeq"] == results[0]["MsgSeq"]
    assert texts((await simple(server, gid))["RspMsgList"]) == ["fine", "old 2", "old 1", "old 0"]

    r = await server.ok(
        G,
        "import_group_member",
        {
            "GroupId": gid,
            "MemberList": [
                {"Member_Account": "ann", "Role": "Admin", "JoinTime": t0 - 10, "UnreadMsgNum": 2},
                {"Member_Account": "ben", "UnreadMsgNum": 0},
                {"Member_Account": "owner"},
                {"Member_Account": "ghost"},
            ],
        },
    )
    assert r["MemberList"] == [
        {"Member_Account": "ann", "Result": 1},
        {"Member_Account": "ben", "Result": 1},
        {"Member_Account": "owner", "Result": 2},
        {"Member_Account": "ghost", "Result": 0},
    ]
    ann = next(
        m for m in (await members(server, gid))["MemberList"] if m["Member_Account"] == "ann"
    )
    assert ann["Role"] == "Admin" and ann["JoinTime"] == t0 - 10
    assert (await joined_unread(server, "ann"))[gid] == 2
    assert (await joined_unread(server, "ben"))[gid] == 0
    await send(server, gid, "new", "owner", Random=99)
    assert (await joined_unread(server, "ann"))[gid] == 3
    assert (await joined_unread(server, "ben"))[gid] == 1

    await server.ok(
        G, "set_unread_msg_num", {"GroupId": gid, "Member_Account": "ann", "UnreadMsgNum": 1}
    )
    assert (await joined_unread(server, "ann"))[gid] == 1
    await server.ok(
        G, "set_unread_msg_num", {"GroupId": gid, "Member_Account": "ben", "UnreadMsgNum": 0}
    )
    assert (await joined_unread(server, "ben"))[gid] == 0
    bad = {"GroupId": gid, "Member_Account": "ann", "UnreadMsgNum": -1}
    assert await code(server, "set_unread_msg_num", bad) == 10004
    stranger = {"GroupId": gid, "Member_Account": "ghost", "UnreadMsgNum": 1}
    assert await code(server, "set_unread_msg_num", stranger) == 10007
    assert await code(server, "set_unread_msg_num", {**stranger, "GroupId": "nope"}) == 10010
    assert (
        await code(
            server,
            "import_group_msg",
            {
                "GroupId": "nope",
                "MsgList": [{"From_Account": "owner", "SendTime": t0, "MsgBody": text("x")}],
            },
        )
        == 10010
    )
    assert (
        await code(
            server,
            "import_group_member",
            {"GroupId": "nope", "MemberList": [{"Member_Account": "ann"}]},
        )
        == 10010
    )
    assert await code(
        server, "import_group", {"Type": "Public", "Name": "x", "GroupId": "old-1"}
    ) in (10021, 10025)


async def test_get_online_member_num(server: RunningServer) -> None:
    await server.import_users("owner", "ann", "ben", "out")
    gid = await create(
        server,
        Owner_Account="owner",
        MemberList=[{"Member_Account": "ann"}, {"Member_Account": "ben"}],
    )
    r = await server.ok(G, "get_online_member_num", {"GroupId": gid})
    assert r["OnlineMemberNum"] == 0
    async with online(server, "ann"), online(server, "out"):
        r = await server.ok(G, "get_online_member_num", {"GroupId": gid})
        assert r["OnlineMemberNum"] == 1  # ann; "out" is online but not a member
    assert await code(server, "get_online_member_num", {"GroupId": "nope"}) == 10010


async def test_recentcontact_lists_group_sessions(server: RunningServer) -> None:
    await server.import_users("owner", "ann", "bob")
    gid = await create(server, Owner_Account="owner", MemberList=[{"Member_Account": "ann"}])
    await server.ok(
        "openim",
        "sendmsg",
        {"From_Account": "bob", "To_Account": "ann", "MsgRandom": 1, "MsgBody": text("c2c")},
    )
    await send(server, gid, "g1", "owner", Random=1)
    await send(server, gid, "g2", "owner", Random=2)
    r = await server.ok("recentcontact", "get_list", {"From_Account": "ann"})
    items = {i["Type"]: i for i in r["SessionItem"]}
    assert len(r["SessionItem"]) == 2 and set(items) == {1, 2}
    group = items[2]
    assert group["GroupId"] == gid and "To_Account" not in group
    assert group["UnreadMsgCount"] >= 2 and group["MsgTime"] >= items[1]["MsgTime"]
    assert items[1]["To_Account"] == "bob" and "GroupId" not in items[1]

    await server.ok("recentcontact", "delete", {"From_Account": "ann", "Type": 2, "ToGroupid": gid})
    r = await server.ok("recentcontact", "get_list", {"From_Account": "ann"})
    assert [i.get("GroupId") for i in r["SessionItem"]] == [None]
    await send(server, gid, "g3", "owner", Random=3)
    r = await server.ok("recentcontact", "get_list", {"From_Account": "ann"})
    items = {i["Type"]: i for i in r["SessionItem"]}
    assert len(r["SessionItem"]) == 2 and items[2]["GroupId"] == gid
    assert items[2]["UnreadMsgCount"] == 1  # the delete read the older ones
    no_peer = {"From_Account": "ann", "Type": 2}
    assert (await server.rest("recentcontact", "delete", no_peer))["ErrorCode"] == 50002


# --- bad input ---------------------------------------------------------------------------

GROUP_COMMANDS = sorted(name for svc, name in REGISTRY if svc == G)

#: A valid body per command (against group "g" with members "owner", "ann").
VALID: dict[str, dict[str, Any]] = {
    "clear_group_msg": {"GroupId": "g", "MsgSeq": 1},
    "create_group": {
        "Type": "Public",
        "Name": "n",
        "Owner_Account": "owner",
        "GroupId": "new",
        "MaxMemberCount": 10,
        "ApplyJoinOption": "FreeAccess",
        "AppDefinedData": [{"Key": "k", "Value": "v"}],
        "MemberList": [{"Member_Account": "ann", "Role": "Member"}],
    },
    "import_group": {"Type": "Public", "Name": "n", "GroupId": "imp", "CreateTime": 1600000000},
    "get_group_info": {"GroupIdList": ["g"], "ResponseFilter": {"GroupBaseInfoFilter": ["Name"]}},
    "modify_group_base_info": {
        "GroupId": "g",
        "Name": "x",
        "MaxMemberNum": 10,
        "MuteAllMember": "Off",
    },
    "destroy_group": {"GroupId": "g"},
    "change_group_owner": {"GroupId": "g", "NewOwner_Account": "ann"},
    "get_appid_group_list": {"Limit": 10, "Next": 0, "GroupType": "Public"},
    "add_group_member": {"GroupId": "g", "Silence": 1, "MemberList": [{"Member_Account": "ann"}]},
    "import_group_member": {
        "GroupId": "g",
        "MemberList": [{"Member_Account": "ann", "JoinTime": 1600000000, "UnreadMsgNum": 1}],
    },
    "delete_group_member": {"GroupId": "g", "MemberToDel_Account": ["ann"], "Silence": 1},
    "get_group_member_info": {
        "GroupId": "g",
        "Limit": 10,
        "Offset": 0,
        "MemberRoleFilter": ["Member"],
    },
    "modify_group_member_info": {"GroupId": "g", "Member_Account": "ann", "MuteTime": 10},
    "get_joined_group_list": {"Member_Account": "ann", "Limit": 10, "Offset": 0},
    "get_role_in_group": {"GroupId": "g", "User_Account": ["ann"]},
    "forbid_send_msg": {"GroupId": "g", "Members_Account": ["ann"], "MuteTime": 10},
    "get_group_shutted_uin": {"GroupId": "g"},
    "get_group_muted_account": {"GroupId": "g"},
    "set_group_attr": {"GroupId": "g", "GroupAttr": [{"key": "k", "value": "v"}]},
    "modify_group_attr": {"GroupId": "g", "GroupAttr": [{"key": "k", "value": "v"}]},
    "delete_group_attr": {"GroupId": "g", "GroupAttr": [{"key": "k"}]},
    "clear_group_attr": {"GroupId": "g"},
    "update_group_counter": {
        "GroupId": "g",
        "GroupCounter": [{"key": "k", "value": 1}],
        "Mode": "Increase",
    },
    "get_group_counter": {"GroupId": "g", "GroupCounterKeys": ["k"]},
    "create_topic": {
        "GroupId": "g",
        "TopicName": "t",
        "TopicId": "g@TOPIC#_t",
        "FaceUrl": "f",
        "Introduction": "i",
        "Notification": "n",
        "CustomString": "c",
    },
    "get_topic": {"GroupId": "g", "TopicIdList": ["g@TOPIC#_t"]},
    "modify_topic": {
        "GroupId": "g",
        "TopicId": "g@TOPIC#_t",
        "TopicName": "u",
        "MuteAllMember": "On",
    },
    "destroy_topic": {"GroupId": "g", "TopicIdList": ["g@TOPIC#_t"]},
    "ban_group_member": {
        "GroupId": "g",
        "Members_Account": ["ann"],
        "Duration": 60,
        "Description": "d",
    },
    "unban_group_member": {"GroupId": "g", "Members_Account": ["ann"]},
    "get_group_ban_member": {"GroupId": "g", "Offset": 0, "Limit": 10},
    "get_specified_group_member_info": {
        "GroupId": "g",
        "Member_List_Account": ["ann"],
        "MemberInfoFilter": ["Role"],
        "AppDefinedDataFilter_GroupMember": ["k"],
    },
    "get_online_member_num": {"GroupId": "g"},
    "set_unread_msg_num": {"GroupId": "g", "Member_Account": "ann", "UnreadMsgNum": 1},
    "send_group_msg": {
        "GroupId": "g",
        "Random": 1,
        "MsgBody": text("x"),
        "From_Account": "ann",
        "MsgOnlineOnlyFlag": 0,
        "GroupAtInfo": [{"GroupAtAllFlag": 1}],
    },
    "send_group_system_notification": {
        "GroupId": "g",
        "Content": "c",
        "ToMembers_Account": ["ann"],
    },
    "group_msg_get_simple": {"GroupId": "g", "ReqMsgNumber": 5, "ReqMsgSeq": 10},
    "group_msg_recall": {"GroupId": "g", "MsgSeqList": [{"MsgSeq": 1}]},
    "delete_group_msg_by_sender": {"GroupId": "g", "Sender_Account": "ann"},
    "pin_message": {"GroupId": "g", "MsgSeq": 1, "Pinner_Account": "owner"},
    "unpin_message": {"GroupId": "g", "MsgSeq": 1, "UnPinner_Account": "owner"},
    "get_pinned_messages": {"GroupId": "g"},
    "import_group_msg": {
        "GroupId": "g",
        "MsgList": [
            {"From_Account": "ann", "SendTime": 1600000000, "Random": 1, "MsgBody": text("x")}
        ],
    },
}


def wrong_values(value: Any) -> list[Any]:
    """JSON values of another type than ``value`` (and out-of-range ints)."""
    if isinstance(value, bool) or value is None:
        raise AssertionError(value)
    if isinstance(value, int):
        return ["1", 1.5, True, [1], {"a": 1}, 2**70, -(2**70)]
    if isinstance(value, str):
        return [1, 1.5, False, ["x"], {"a": "x"}]
    if isinstance(value, list):
        return ["x", 1, {"a": 1}, [1.5], [[]]]
    return ["x", 1, [1], {"GroupBaseInfoFilter": "Name", "SelfInfoFilter": 1}]


def test_every_group_command_has_a_table_row() -> None:
    assert sorted(VALID) == GROUP_COMMANDS


async def test_wrong_typed_fields_get_tencent_codes(server: RunningServer) -> None:
    await server.import_users("owner", "ann")
    await create(server, GroupId="g", Owner_Account="owner")
    before = await info(server, "g")
    for name, body in VALID.items():
        for field, good in body.items():
            for bad in wrong_values(good):
                r = await server.rest(G, name, {**body, field: bad})
                assert r["ActionStatus"] == "FAIL", (name, field, bad, r)
                assert r["ErrorCode"] not in (0, 70500, 10002), (name, field, bad, r)
        r = await server.rest(G, name, raw=b'{"GroupId":')
        assert r["ErrorCode"] == 10011, (name, r)
    # none of it changed the group
    assert await info(server, "g") == before


FIELDS = sorted(
    {f for body in VALID.values() for f in body} | {"Role", "Key", "Value", "MsgType", "MsgContent"}
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(FIELDS), inner, max_size=3)
    ),
    max_leaves=10,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(GROUP_COMMANDS),
    body=st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6),
)
async def test_random_group_bodies_never_500(
    server: RunningServer, name: str, body: dict[str, Any]
) -> None:
    r = await server.rest(G, name, body)
    assert r["ActionStatus"] in ("OK", "FAIL") and isinstance(r["ErrorInfo"], str)
    assert r["ErrorCode"] not in (70500, 10002), (name, body, r)


async def test_nul_characters_are_refused(server: RunningServer) -> None:
    """Storage cannot keep NUL: every string field refuses it with 10004 (never 70500)."""
    await server.import_users("owner", "ann")
    await create(server, GroupId="g", Owner_Account="owner")
    before = await info(server, "g")
    for name, body in VALID.items():
        for field, good in body.items():
            variants: list[Any]
            if isinstance(good, str):
                variants = [good + "\x00"]
            elif isinstance(good, list) and good and isinstance(good[0], str):
                variants = [[good[0] + "\x00"]]
            elif isinstance(good, list) and good and isinstance(good[0], dict):
                variants = [
                    [{**good[0], k: v + "\x00"}] for k, v in good[0].items() if isinstance(v, str)
                ]
            else:
                continue
            for bad in variants:
                if field == "MsgBody":
                    continue
                r = await server.rest(G, name, {**body, field: bad})
                assert r["ErrorCode"] == 10004, (name, field, bad, r)
    assert await info(server, "g") == before
    # inside MsgBody a NUL is kept (bodies are stored as JSON)
    r = await send(server, "g", "a\x00b", "owner")
    assert texts((await simple(server, "g"))["RspMsgList"])[0] == "a\x00b"
