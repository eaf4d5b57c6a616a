"""Banned group members (REST ``ban_group_member``, ``unban_group_member``,
``get_group_ban_member``), enforced on Palaver's protocol: a banned user leaves
the group or the live room, receives nothing more and cannot come back until
the ban is lifted."""

from __future__ import annotations

import time
from typing import Any

from conftest import RunningServer
from test_ws_group import close_clients, create, in_group, online  # noqa: F401  (fixture)

G = "group_open_http_svc"


def said(d: dict[str, Any], gid: str, text: str) -> bool:
    return in_group(d, gid) and d["message"].get("payload", {}).get("text") == text


async def fail(server: RunningServer, command: str, body: dict[str, object]) -> int:
    r = await server.rest(G, command, body)
    assert r["ActionStatus"] == "FAIL", r
    code: int = r["ErrorCode"]
    return code


async def test_a_banned_user_leaves_the_live_room_until_unbanned(server: RunningServer) -> None:
    alice, bob, carol = await online(server, "alice", "bob", "carol")
    gid = await create(alice, "AVChatRoom")
    for c in (bob, carol):
        assert (await c.ok("joinGroup", {"groupID": gid}))["status"] == "JoinedSuccess"
    await alice.send(gid, "before")
    for c in (bob, carol):
        assert await c.texts(gid, 1) == ["before"]

    before = int(time.time())
    ban = {"GroupId": gid, "Members_Account": ["bob"], "Duration": 3600, "Description": "spam"}
    await server.ok(G, "ban_group_member", ban)
    kicked = await bob.wait(
        "GROUP_LIST_UPDATED", lambda d: d["groupID"] == gid and d["change"] == "kicked"
    )
    assert kicked.get("reason") == "spam"
    r = await server.ok(G, "get_group_ban_member", {"GroupId": gid})
    assert [i["Member_Account"] for i in r["BannedAccountList"]] == ["bob"]
    assert before + 3600 <= r["BannedAccountList"][0]["BannedUntil"] <= int(time.time()) + 3600
    assert r["NextOffset"] == 0

    await alice.send(gid, "after")
    assert await carol.texts(gid, 1) == ["after"]
    await bob.no("MESSAGE_RECEIVED", lambda d: said(d, gid, "after"))
    assert await bob.fails("joinGroup", {"groupID": gid}) == 10007
    assert await bob.send_fails(gid) == 10007

    await server.ok(G, "unban_group_member", {"GroupId": gid, "Members_Account": ["bob"]})
    assert (await server.ok(G, "get_group_ban_member", {"GroupId": gid}))["BannedAccountList"] == []
    assert (await bob.ok("joinGroup", {"groupID": gid}))["status"] == "JoinedSuccess"
    await alice.send(gid, "welcome back")
    assert await bob.texts(gid, 1) == ["welcome back"]


async def test_a_banned_member_is_removed_and_kept_out(server: RunningServer) -> None:
    alice, bob = await online(server, "alice", "bob")
    await server.import_users("carol")
    gid = await create(alice, "Public", ["bob", "carol"], joinOption="FreeAccess")
    ban = {"GroupId": gid, "Members_Account": ["bob", "carol"], "Duration": 600}
    await server.ok(G, "ban_group_member", ban)
    await bob.wait("GROUP_LIST_UPDATED", lambda d: d["groupID"] == gid and d["change"] == "kicked")
    roles = await server.ok(G, "get_role_in_group", {"GroupId": gid, "User_Account": ["bob"]})
    assert roles["UserIdList"][0]["Role"] == "NotMember"
    await alice.send(gid, "without bob")
    await bob.no("MESSAGE_RECEIVED", lambda d: said(d, gid, "without bob"))
    assert await bob.fails("joinGroup", {"groupID": gid}) == 10007
    add = {"GroupId": gid, "MemberList": [{"Member_Account": "carol"}]}
    assert (await server.ok(G, "add_group_member", add))["MemberList"][0]["Result"] == 0
    res = await alice.ok("addGroupMember", {"groupID": gid, "userIDList": ["bob"]})
    assert res["successUserIDList"] == [] and res["failureUserIDList"] == ["bob"]

    page = await server.ok(G, "get_group_ban_member", {"GroupId": gid, "Limit": 1})
    assert [i["Member_Account"] for i in page["BannedAccountList"]] == ["bob"]
    assert page["NextOffset"] == 1
    page = await server.ok(G, "get_group_ban_member", {"GroupId": gid, "Limit": 1, "Offset": 1})
    assert [i["Member_Account"] for i in page["BannedAccountList"]] == ["carol"]
    assert page["NextOffset"] == 0

    await server.ok(G, "unban_group_member", {"GroupId": gid, "Members_Account": ["carol"]})
    assert (await server.ok(G, "add_group_member", add))["MemberList"][0]["Result"] == 1


async def test_ban_errors(server: RunningServer) -> None:
    alice, _ = await online(server, "alice", "bob")
    gid = await create(alice, "Public", ["bob"])
    owner = {"GroupId": gid, "Members_Account": ["alice"], "Duration": 60}
    assert await fail(server, "ban_group_member", owner) == 10007
    zero = {"GroupId": gid, "Members_Account": ["bob"], "Duration": 0}
    assert await fail(server, "ban_group_member", zero) == 10004
    long = {"GroupId": gid, "Members_Account": ["bob"], "Duration": 9, "Description": "x" * 1001}
    assert await fail(server, "ban_group_member", long) == 10004
    many = {"GroupId": gid, "Members_Account": [f"u{i}" for i in range(21)], "Duration": 60}
    assert await fail(server, "ban_group_member", many) == 10005
    nope = {"GroupId": "nope", "Members_Account": ["bob"], "Duration": 60}
    assert await fail(server, "ban_group_member", nope) == 10010
    assert await fail(server, "unban_group_member", nope) == 10010
    assert await fail(server, "get_group_ban_member", {"GroupId": "nope"}) == 10010
    not_admin = await server.rest(
        G, "ban_group_member", {**owner}, identifier="bob", usersig=server.sig("bob")
    )
    assert not_admin["ErrorCode"] == 60010
    # nothing happened to bob
    roles = await server.ok(G, "get_role_in_group", {"GroupId": gid, "User_Account": ["bob"]})
    assert roles["UserIdList"][0]["Role"] == "Member"
