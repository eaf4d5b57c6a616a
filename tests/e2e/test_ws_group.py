"""Group operations of the client protocol over a real WebSocket (docs/protocol.md §8).

Each operation with its success and permission errors, every group type's join
rules, @-mentions, read receipts, recalls, group tips in history, and resume
after a disconnect in a busy group. The client is the raw protocol client of
``tests/e2e/wsclient.py`` (the sans-I/O ``ClientSession`` underneath), not an SDK.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

import pytest

from conftest import SDKAPPID, RunningServer
from palaver.protocol.frames import Push
from support.waiting import is_marker, send_marker
from wsclient import WsClient

WAIT = 5.0  # seconds any single expected push may take
AT_ALL = "__kImSDK_MesssageAtALL__"
TIP = "TIMGroupTipElem"
TEXT = "TIMTextElem"

_randoms = itertools.count(1000)


class Client(WsClient):
    """A WsClient that can wait for one kind of push while keeping the others."""

    opened: list[Client] = []  # closed after each test (see ``close_clients``)

    def __init__(self, server: RunningServer, user: str) -> None:
        super().__init__(server.url, SDKAPPID, user, server.sig(user))
        self.server = server
        self.backlog: list[Push] = []
        Client.opened.append(self)

    async def ok(self, op: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        return await self.call(op, data)

    async def fails(self, op: str, data: dict[str, Any] | None = None) -> int:
        """Call ``op``, asserting an error response with a message; its code."""
        r = await self.request(op, data)
        assert r.code != 0, (op, data, r)
        assert r.message, r
        return r.code

    async def wait(
        self, ev: str, where: Callable[[dict[str, Any]], bool] = lambda d: True
    ) -> dict[str, Any]:
        """The data of the first push ``ev`` matching ``where`` (earlier ones
        skipped are kept for later waits)."""
        for i, p in enumerate(self.backlog):
            if p.ev == ev and where(p.data):
                del self.backlog[i]
                return p.data
        deadline = time.monotonic() + WAIT
        while True:
            left = deadline - time.monotonic()
            assert left > 0, f"{self.user_id}: no {ev} within {WAIT} s; got {self.backlog}"
            p = await asyncio.wait_for(self.pushes.get(), left)
            if p.ev == ev and where(p.data):
                return p.data
            self.backlog.append(p)

    async def group_messages(
        self, gid: str, n: int, type: str | None = None
    ) -> list[dict[str, Any]]:
        """The next ``n`` messages received in ``GROUP<gid>`` (of ``type`` if given)."""

        def match(d: dict[str, Any]) -> bool:
            return in_group(d, gid) and (type is None or d["message"]["type"] == type)

        return [(await self.wait("MESSAGE_RECEIVED", match))["message"] for _ in range(n)]

    async def texts(self, gid: str, n: int) -> list[str]:
        """The texts of the next ``n`` text messages received in ``GROUP<gid>``."""
        return texts(await self.group_messages(gid, n, TEXT))

    async def tip(self, gid: str, operation: int, users: list[str] | None = None) -> dict[str, Any]:
        """The next group tip of ``operation`` type (about ``users`` if given)
        received in ``GROUP<gid>``."""

        def match(d: dict[str, Any]) -> bool:
            m = d.get("message", {})
            return (
                in_group(d, gid)
                and m["type"] == TIP
                and m["payload"]["operationType"] == operation
                and (users is None or m["payload"]["userIDList"] == users)
            )

        message: dict[str, Any] = (await self.wait("MESSAGE_RECEIVED", match))["message"]
        return message

    async def no(self, ev: str, where: Callable[[dict[str, Any]], bool] = lambda d: True) -> None:
        """No push ``ev`` matching ``where`` came: none before a marker message
        sent now (what was pushed before would have come first)."""
        text = await send_marker(self.server, self.user_id)
        before = await self.pushes_before(lambda p: is_marker(p.ev, p.data, text))
        for p in self.backlog + before:
            assert not (p.ev == ev and where(p.data)), p
        self.backlog.extend(before)

    async def send(self, gid: str, text: str, **extra: Any) -> dict[str, Any]:
        """Send a group text; the message object of the response."""
        return await self.send_text(gid, text, next(_randoms), conversation_type="GROUP", **extra)

    async def send_fails(self, gid: str, text: str = "x") -> int:
        return await self.fails(
            "sendMessage",
            {"to": gid, "conversationType": "GROUP", "payload": {"text": text}},
        )


def in_group(d: dict[str, Any], gid: str) -> bool:
    return bool(d.get("message", {}).get("conversationID") == "GROUP" + gid)


def texts(msgs: list[dict[str, Any]]) -> list[str]:
    return [m["payload"]["text"] for m in msgs if m["type"] == "TIMTextElem"]


def tips(msgs: list[dict[str, Any]]) -> list[tuple[int, list[str]]]:
    return [
        (m["payload"]["operationType"], sorted(m["payload"]["userIDList"]))
        for m in msgs
        if m["type"] == TIP
    ]


async def online(server: RunningServer, *users: str) -> list[Client]:
    """Import ``users`` and log each in (as new clients)."""
    await server.import_users(*users)
    clients = [Client(server, u) for u in users]
    for c in clients:
        await c.connect()
    return clients


async def create(c: Client, type: str, members: Sequence[str] = (), **extra: Any) -> str:
    data = {"type": type, "name": f"{type} group", **extra}
    if members:
        data["memberList"] = [{"userID": u} for u in members]
    g = (await c.ok("createGroup", data))["group"]
    assert g["type"] == type and g["ownerID"] == c.user_id
    if type != "AVChatRoom":  # a live room keeps no members (so no selfInfo)
        assert g["selfInfo"]["role"] == "Owner" and g["selfInfo"]["userID"] == c.user_id
    gid: str = g["groupID"]
    return gid


async def joined(c: Client, gid: str) -> dict[str, Any]:
    """Wait for ``GROUP_LIST_UPDATED`` ``joined`` of ``gid``."""
    return await c.wait(
        "GROUP_LIST_UPDATED", lambda d: d["groupID"] == gid and d["change"] == "joined"
    )


@pytest.fixture(autouse=True)
async def close_clients() -> AsyncIterator[None]:
    """Log out and close every client a test opened, whatever the outcome."""
    yield
    opened, Client.opened = Client.opened, []
    for c in opened:
        await c.close()


# --- groups: create, profile, list, search, update, owner, dismiss ---------------


async def test_create_profile_list_update_and_errors(server: RunningServer) -> None:
    alice, bob, carol = await online(server, "alice", "bob", "carol")
    gid = await create(alice, "Private", ["bob"], introduction="intro", notification="note")
    assert gid.startswith("@TGS#")
    await joined(bob, gid)
    g = (await alice.ok("getGroupProfile", {"groupID": gid}))["group"]
    assert g["name"] == "Private group" and g["introduction"] == "intro"
    assert g["notification"] == "note" and g["memberCount"] == 2
    assert g["joinOption"] and g["muteAllMembers"] is False and g["createTime"] > 0
    assert {"lastTime", "lastSequence", "fromAccount"} <= set(g["lastMessage"])
    assert g["nextMessageSeq"] == g["lastMessage"]["lastSequence"] + 1

    mine = (await bob.ok("getGroupList"))["groupList"]
    assert [(x["groupID"], x["selfInfo"]["role"]) for x in mine] == [(gid, "Member")]
    assert (await carol.ok("getGroupList"))["groupList"] == []

    # a Private group is invisible to non-members
    assert await carol.fails("getGroupProfile", {"groupID": gid}) == 10007
    assert await carol.fails("searchGroupByID", {"groupID": gid}) == 10007
    assert await carol.fails("getGroupOnlineMemberCount", {"groupID": gid}) == 10007
    assert (await bob.ok("getGroupOnlineMemberCount", {"groupID": gid}))["memberCount"] == 2
    assert await carol.fails("getGroupProfile", {"groupID": "nope"}) == 10010
    assert await carol.fails("searchGroupByID", {"groupID": "nope"}) == 10010

    # custom IDs, bad types and sizes
    pub = await create(alice, "Public", groupID="team-1", joinOption="FreeAccess")
    assert pub == "team-1"
    assert (
        await alice.fails("createGroup", {"type": "Public", "name": "x", "groupID": "team-1"})
        == 10025
    )
    assert (
        await bob.fails("createGroup", {"type": "Public", "name": "x", "groupID": "team-1"})
        == 10021
    )
    assert (
        await alice.fails("createGroup", {"type": "Public", "name": "x", "groupID": "@TGS#x"})
        == 10015
    )
    assert await alice.fails("createGroup", {"type": "Party", "name": "x"}) == 10004
    assert await alice.fails("createGroup", {"type": "Public", "name": "x" * 31}) == 10004
    assert await alice.fails("createGroup", {"type": "Public"}) == 6017
    bad_member = {"type": "Public", "name": "x", "memberList": [{"userID": "ghost"}]}
    assert await alice.fails("createGroup", bad_member) == 10019
    found = (await carol.ok("searchGroupByID", {"groupID": pub}))["group"]
    assert found["groupID"] == pub and "selfInfo" not in found
    assert (await carol.ok("getGroupProfile", {"groupID": pub}))["group"]["name"] == "Public group"

    # update: owner (and admins) only
    assert await bob.fails("updateGroupProfile", {"groupID": gid, "name": "mine"}) == 10007
    assert await carol.fails("updateGroupProfile", {"groupID": gid, "name": "mine"}) == 10007
    assert await alice.fails("updateGroupProfile", {"groupID": gid}) == 10004
    assert await alice.fails("updateGroupProfile", {"groupID": gid, "name": "x" * 31}) == 10004
    new = await alice.ok(
        "updateGroupProfile",
        {
            "groupID": gid,
            "name": "Work",
            "notification": "read me",
            "groupCustomField": [{"key": "Tier", "value": "gold"}],
        },
    )
    assert new["group"]["name"] == "Work" and new["group"]["notification"] == "read me"
    assert new["group"]["groupCustomField"] == [{"key": "Tier", "value": "gold"}]
    tip = await bob.tip(gid, 6)
    assert tip["payload"]["operatorID"] == "alice"
    assert tip["payload"]["newGroupProfile"]["name"] == "Work"
    assert (await bob.ok("getGroupProfile", {"groupID": gid}))["group"]["name"] == "Work"


async def test_change_owner_quit_and_dismiss(server: RunningServer) -> None:
    alice, bob, carol = await online(server, "alice", "bob", "carol")
    gid = await create(alice, "Private", ["bob", "carol"])
    for c in (bob, carol):
        await joined(c, gid)
    assert await alice.fails("quitGroup", {"groupID": gid}) == 10009
    assert await bob.fails("changeGroupOwner", {"groupID": gid, "newOwnerID": "bob"}) == 10007
    assert await alice.fails("changeGroupOwner", {"groupID": gid, "newOwnerID": "dave"}) in (
        10004,
        10007,
    )
    g = (await alice.ok("changeGroupOwner", {"groupID": gid, "newOwnerID": "bob"}))["group"]
    assert g["ownerID"] == "bob" and g["selfInfo"]["role"] == "Member"
    assert await alice.fails("dismissGroup", {"groupID": gid}) == 10007

    # alice may quit now; carol sees the tip; alice's group list is empty
    assert await alice.ok("quitGroup", {"groupID": gid}) == {"groupID": gid}
    await alice.wait("GROUP_LIST_UPDATED", lambda d: d["groupID"] == gid and d["change"] == "quit")
    assert (await alice.ok("getGroupList"))["groupList"] == []
    tip = await carol.tip(gid, 2)
    assert tip["payload"]["userIDList"] == ["alice"]
    assert await alice.fails("quitGroup", {"groupID": gid}) == 10007
    assert await alice.fails("getMessageList", {"conversationID": "GROUP" + gid}) == 10007

    assert await bob.ok("dismissGroup", {"groupID": gid}) == {"groupID": gid}
    for c in (bob, carol):
        await c.wait(
            "GROUP_LIST_UPDATED", lambda d: d["groupID"] == gid and d["change"] == "dismissed"
        )
    assert await carol.fails("getGroupProfile", {"groupID": gid}) == 10010
    assert await carol.send_fails(gid) == 10010


# --- join rules per type -------------------------------------------------------------


async def test_private_group_members_invite_nobody_joins(server: RunningServer) -> None:
    alice, bob, carol = await online(server, "alice", "bob", "carol")
    gid = await create(alice, "Private", ["bob"])
    await joined(bob, gid)
    await alice.send(gid, "before carol")
    assert await carol.fails("joinGroup", {"groupID": gid}) == 10007
    assert await carol.fails("addGroupMember", {"groupID": gid, "userIDList": ["carol"]}) == 10007

    res = await bob.ok(
        "addGroupMember", {"groupID": gid, "userIDList": ["carol", "alice", "ghost"]}
    )
    assert res["successUserIDList"] == ["carol"] and res["existedUserIDList"] == ["alice"]
    assert res["failureUserIDList"] == ["ghost"] and res["group"]["memberCount"] == 3
    push = await joined(carol, gid)
    assert push["groupType"] == "Private" and push["joinSeq"] >= 1
    tip = await alice.tip(gid, 1, ["carol"])
    assert tip["payload"]["operatorID"] == "bob"

    # carol sees history from her join on only; new messages reach her live
    seen = await carol.history("GROUP" + gid)
    assert "before carol" not in texts(seen)
    await alice.send(gid, "hello carol")
    assert await carol.texts(gid, 1) == ["hello carol"]


async def test_public_need_permission_apply_agree_reject(server: RunningServer) -> None:
    alice, bob, carol, dave = await online(server, "alice", "bob", "carol", "dave")
    gid = await create(alice, "Public", ["bob"], joinOption="NeedPermission")
    await joined(bob, gid)
    res = await carol.ok("joinGroup", {"groupID": gid, "applyMessage": "let me in"})
    assert res == {"status": "WaitAdminApproval"}
    assert (await alice.wait("GROUP_APPLICATION_LIST_UPDATED"))["groupID"] == gid
    await bob.no("GROUP_APPLICATION_LIST_UPDATED")  # a plain member is not told
    apps = await alice.ok("getGroupApplicationList")
    [item] = apps["applicationList"]
    assert apps["unreadCount"] == 1
    assert (item["groupID"], item["applicant"], item["applyMessage"]) == (gid, "carol", "let me in")
    assert item["groupName"] == "Public group" and item["time"] > 0
    assert (await bob.ok("getGroupApplicationList"))["applicationList"] == []
    agree = {"groupID": gid, "applicant": "carol", "handleAction": "Agree"}
    assert await bob.fails("handleGroupApplication", agree) == 10007
    assert await carol.fails("getMessageList", {"conversationID": "GROUP" + gid}) == 10007

    assert await alice.ok("handleGroupApplication", agree) == {}
    await alice.wait("GROUP_APPLICATION_LIST_UPDATED")
    await joined(carol, gid)
    assert (await alice.ok("getGroupApplicationList"))["applicationList"] == []
    assert await alice.fails("handleGroupApplication", agree) == 10024
    assert (await carol.ok("joinGroup", {"groupID": gid}))["status"] == "AlreadyInGroup"

    # an admin handles too; a rejected applicant is told
    await alice.ok("setGroupMemberRole", {"groupID": gid, "userID": "bob", "role": "Admin"})
    assert (await dave.ok("joinGroup", {"groupID": gid}))["status"] == "WaitAdminApproval"
    await bob.wait("GROUP_APPLICATION_LIST_UPDATED")
    [item] = (await bob.ok("getGroupApplicationList"))["applicationList"]
    assert item["applicant"] == "dave"
    reject = {"groupID": gid, "applicant": "dave", "handleAction": "Reject"}
    assert await bob.ok("handleGroupApplication", reject) == {}
    await dave.wait(
        "GROUP_LIST_UPDATED", lambda d: d["groupID"] == gid and d["change"] == "rejected"
    )
    assert (await dave.ok("getGroupList"))["groupList"] == []
    bad = {"groupID": gid, "applicant": "dave", "handleAction": "Maybe"}
    assert await bob.fails("handleGroupApplication", bad) == 6017


async def test_public_free_access_and_disable_apply(server: RunningServer) -> None:
    alice, bob = await online(server, "alice", "bob")
    free = await create(alice, "Public", joinOption="FreeAccess")
    res = await bob.ok("joinGroup", {"groupID": free})
    assert res["status"] == "JoinedSuccess" and res["group"]["selfInfo"]["role"] == "Member"
    await joined(bob, free)
    assert (await bob.ok("joinGroup", {"groupID": free}))["status"] == "AlreadyInGroup"
    closed = await create(alice, "Public", joinOption="DisableApply")
    assert await bob.fails("joinGroup", {"groupID": closed}) == 10007
    assert await bob.fails("joinGroup", {"groupID": "nope"}) == 10010
    full = await create(alice, "Public", joinOption="FreeAccess", maxMemberNum=1)
    assert await bob.fails("joinGroup", {"groupID": full}) == 10014


async def test_chatroom_free_join_sees_earlier_history(server: RunningServer) -> None:
    alice, bob = await online(server, "alice", "bob")
    gid = await create(alice, "ChatRoom")
    for t in ("one", "two", "three"):
        await alice.send(gid, t)
    assert (await bob.ok("joinGroup", {"groupID": gid}))["status"] == "JoinedSuccess"
    await joined(bob, gid)
    assert texts(await bob.history("GROUP" + gid)) == ["one", "two", "three"]
    await alice.send(gid, "four")
    assert await bob.texts(gid, 1) == ["four"]


async def test_community_free_join(server: RunningServer) -> None:
    alice, bob = await online(server, "alice", "bob")
    gid = await create(alice, "Community")
    assert (await bob.ok("joinGroup", {"groupID": gid}))["status"] == "JoinedSuccess"
    await joined(bob, gid)
    await bob.send(gid, "hi all")
    assert await alice.texts(gid, 1) == ["hi all"]
    assert (await alice.tip(gid, 1, ["bob"]))["payload"]["operatorID"] == "bob"


async def test_avchatroom_online_only_and_member_count(server: RunningServer) -> None:
    alice, bob, carol = await online(server, "alice", "bob", "carol")
    gid = await create(alice, "AVChatRoom")
    for c in (bob, carol):
        assert (await c.ok("joinGroup", {"groupID": gid}))["status"] == "JoinedSuccess"
    count = await bob.ok("getGroupOnlineMemberCount", {"groupID": gid})
    assert count == {"memberCount": 3}
    await alice.send(gid, "live 1")
    for c in (bob, carol):
        assert await c.texts(gid, 1) == ["live 1"]
    assert (await bob.ok("getGroupMemberList", {"groupID": gid}))["memberList"] == []
    assert await bob.fails("addGroupMember", {"groupID": gid, "userIDList": ["carol"]}) == 10007

    # carol leaves the room: nothing more comes to her; the count drops
    assert await carol.ok("quitGroup", {"groupID": gid}) == {"groupID": gid}
    assert (await bob.ok("getGroupOnlineMemberCount", {"groupID": gid}))["memberCount"] == 2
    await alice.send(gid, "live 2")
    assert await bob.texts(gid, 1) == ["live 2"]
    await carol.no("MESSAGE_RECEIVED", lambda d: in_group(d, gid))

    # a room is followed per connection: bob reconnects and must join again
    bob.abort()
    await bob.wait_closed()
    await bob.connect()
    await alice.send(gid, "live 3")
    await bob.no("MESSAGE_RECEIVED", lambda d: in_group(d, gid))
    await bob.ok("joinGroup", {"groupID": gid})
    await alice.send(gid, "live 4")
    assert await bob.texts(gid, 1) == ["live 4"]


# --- members: roles, kicks, mutes, name cards -----------------------------------------


async def test_member_permissions_roles_kick_mute_name_card(server: RunningServer) -> None:
    alice, bob, carol, dave = await online(server, "alice", "bob", "carol", "dave")
    await carol.ok("updateMyProfile", {"nick": "Caro"})
    gid = await create(alice, "Public", ["bob", "carol", "dave"], joinOption="FreeAccess")
    for c in (bob, carol, dave):
        await joined(c, gid)

    # roles: only the owner sets them
    role = {"groupID": gid, "userID": "bob", "role": "Admin"}
    assert await carol.fails("setGroupMemberRole", role) == 10007
    res = await alice.ok("setGroupMemberRole", role)
    assert res["member"]["userID"] == "bob" and res["member"]["role"] == "Admin"
    await bob.wait("GROUP_LIST_UPDATED", lambda d: d["groupID"] == gid and d["change"] == "role")
    bad_role = {"groupID": gid, "userID": "carol", "role": "Owner"}
    assert await alice.fails("setGroupMemberRole", bad_role) == 10004

    # kicks: a member cannot, an admin kicks members but not the owner or admins
    kick = {"groupID": gid, "userIDList": ["dave"]}
    assert await carol.fails("deleteGroupMember", kick) == 10007
    assert await bob.fails("deleteGroupMember", {"groupID": gid, "userIDList": ["alice"]}) == 10007
    res = await bob.ok("deleteGroupMember", {**kick, "reason": "spam"})
    assert res["userIDList"] == ["dave"] and res["group"]["memberCount"] == 3
    await dave.wait("GROUP_LIST_UPDATED", lambda d: d["groupID"] == gid and d["change"] == "kicked")
    assert await dave.fails("getMessageList", {"conversationID": "GROUP" + gid}) == 10007
    assert await dave.send_fails(gid) == 10007

    # mutes: owner/admin over lower roles; a muted member cannot send
    mute = {"groupID": gid, "userID": "carol", "muteTime": 600}
    assert await carol.fails("setGroupMemberMuteTime", {**mute, "userID": "bob"}) == 10007
    assert await bob.fails("setGroupMemberMuteTime", {**mute, "userID": "alice"}) == 10007
    before = int(time.time())
    res = await bob.ok("setGroupMemberMuteTime", mute)
    assert res["member"]["muteUntil"] >= before + 600
    assert await carol.send_fails(gid) == 10017
    assert await alice.fails("setGroupMemberMuteTime", {**mute, "muteTime": -1}) == 10004
    await bob.ok("setGroupMemberMuteTime", {**mute, "muteTime": 0})
    await carol.send(gid, "free again")

    # everyone muted: members cannot send, owner and admins can
    await alice.ok("updateGroupProfile", {"groupID": gid, "muteAllMembers": True})
    assert await carol.send_fails(gid) == 10017
    await bob.send(gid, "admins still talk")
    await alice.ok("updateGroupProfile", {"groupID": gid, "muteAllMembers": False})
    await carol.send(gid, "all clear")

    # name cards and custom fields: mine, or others' as owner/admin
    res = await carol.ok("setGroupMemberNameCard", {"groupID": gid, "nameCard": "C."})
    assert res["member"]["nameCard"] == "C."
    other = {"groupID": gid, "userID": "bob", "nameCard": "B"}
    assert await carol.fails("setGroupMemberNameCard", other) == 10007
    assert (await alice.ok("setGroupMemberNameCard", other))["member"]["nameCard"] == "B"
    field = {"groupID": gid, "memberCustomField": [{"key": "Seat", "value": "7"}]}
    res = await carol.ok("setGroupMemberCustomField", field)
    assert res["member"]["memberCustomField"] == [{"key": "Seat", "value": "7"}]
    assert await carol.fails("setGroupMemberCustomField", {**field, "userID": "bob"}) == 10007

    # member list (owner first, then by join time, paged) and profiles
    page1 = await carol.ok("getGroupMemberList", {"groupID": gid, "count": 2})
    assert [m["userID"] for m in page1["memberList"]] == ["alice", "bob"]
    assert page1["offset"] == 2
    page2 = await carol.ok("getGroupMemberList", {"groupID": gid, "count": 2, "offset": 2})
    [me] = page2["memberList"]
    assert page2["offset"] == 0
    assert (me["userID"], me["nick"], me["nameCard"], me["role"]) == (
        "carol",
        "Caro",
        "C.",
        "Member",
    )
    assert me["joinTime"] > 0 and me["muteUntil"] == 0
    admins = await carol.ok("getGroupMemberList", {"groupID": gid, "role": "Admin"})
    assert [m["userID"] for m in admins["memberList"]] == ["bob"]
    profiles = await carol.ok(
        "getGroupMemberProfile", {"groupID": gid, "userIDList": ["dave", "carol", "alice"]}
    )
    assert [m["userID"] for m in profiles["memberList"]] == ["carol", "alice"]
    assert await dave.fails("getGroupMemberList", {"groupID": gid}) == 10007
    assert await dave.fails("getGroupMemberProfile", {"groupID": gid, "userIDList": ["a"]}) == 10007
    assert await carol.fails("getGroupMemberList", {"groupID": gid, "count": 101}) == 6017

    # online members: every member has a connection now
    assert (await carol.ok("getGroupOnlineMemberCount", {"groupID": gid}))["memberCount"] == 3
    await bob.close()
    assert (await carol.ok("getGroupOnlineMemberCount", {"groupID": gid}))["memberCount"] == 2

    # quitting: a member may, the owner may not
    assert await alice.fails("quitGroup", {"groupID": gid}) == 10009
    assert await carol.ok("quitGroup", {"groupID": gid}) == {"groupID": gid}


async def test_group_tips_in_history(server: RunningServer) -> None:
    alice, bob, carol = await online(server, "alice", "bob", "carol")
    gid = await create(alice, "Public", ["bob"], joinOption="FreeAccess")
    await carol.ok("joinGroup", {"groupID": gid})  # 1 join
    await alice.ok("setGroupMemberRole", {"groupID": gid, "userID": "bob", "role": "Admin"})  # 4
    await alice.ok("setGroupMemberRole", {"groupID": gid, "userID": "bob", "role": "Member"})  # 5
    await alice.ok("updateGroupProfile", {"groupID": gid, "introduction": "about"})  # 6
    await alice.ok("setGroupMemberMuteTime", {"groupID": gid, "userID": "bob", "muteTime": 60})  # 7
    await alice.ok("deleteGroupMember", {"groupID": gid, "userIDList": ["bob"]})  # 3
    await carol.ok("quitGroup", {"groupID": gid})  # 2
    history = await alice.history("GROUP" + gid)
    got = tips(history)
    expected = [
        (1, ["carol"]),
        (4, ["bob"]),
        (5, ["bob"]),
        (6, []),
        (7, ["bob"]),
        (3, ["bob"]),
        (2, ["carol"]),
    ]
    assert got[-len(expected) :] == expected, got
    by_type = {m["payload"]["operationType"]: m for m in history if m["type"] == TIP}
    assert by_type[6]["payload"]["newGroupProfile"]["introduction"] == "about"
    [info] = by_type[7]["payload"]["msgMemberInfo"]
    assert info["userID"] == "bob" and info["muteTime"] == 60
    assert by_type[3]["payload"]["operatorID"] == "alice"
    element = by_type[3]["MsgBody"][0]
    assert element["MsgType"] == TIP and element["MsgContent"]["OpType"] == 3
    assert element["MsgContent"]["List_Account"] == ["bob"]
    seqs = [m["sequence"] for m in history]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


# --- group messages: send, history, read, recall, @, receipts -------------------------


async def test_send_history_and_conversation(server: RunningServer) -> None:
    alice, bob, carol = await online(server, "alice", "bob", "carol")
    gid = await create(alice, "Private", ["bob"])
    await joined(bob, gid)
    sent = await alice.send(gid, "hello", cloudCustomData="cc")
    assert sent["conversationID"] == "GROUP" + gid and sent["conversationType"] == "GROUP"
    assert sent["to"] == gid and sent["from"] == "alice" and sent["flow"] == "out"
    assert sent["sequence"] >= 1 and sent["status"] == "success" and sent["cloudCustomData"] == "cc"
    [got] = await bob.group_messages(gid, 1, TEXT)
    assert got["payload"]["text"] == "hello" and got["ID"] == sent["ID"]
    assert got["sequence"] == sent["sequence"] and got["flow"] == "in"
    await alice.no("MESSAGE_RECEIVED", lambda d: d["message"].get("ID") == sent["ID"])  # no echo
    await alice.ok("setMessageRead", {"conversationID": "GROUP" + gid})

    for i in range(20):
        await bob.send(gid, f"m{i}")
    history = await alice.history("GROUP" + gid)
    assert texts(history) == ["hello"] + [f"m{i}" for i in range(20)]
    mine = [m for m in history if m["from"] == "alice" and m["type"] == "TIMTextElem"]
    assert all(m["flow"] == "out" and m["isRead"] for m in mine)
    first = await alice.ok("getMessageList", {"conversationID": "GROUP" + gid, "count": 15})
    assert len(first["messageList"]) == 15 and not first["isCompleted"]

    # bob's conversation: unread counts from sequences, then read
    convs = (await alice.ok("getConversationList"))["conversationList"]
    [conv] = [c for c in convs if c["conversationID"] == "GROUP" + gid]
    assert conv["type"] == "GROUP" and conv["unreadCount"] == 20
    assert conv["groupProfile"]["groupID"] == gid
    assert conv["lastMessage"]["payload"]["text"] == "m19"
    assert (await alice.ok("getTotalUnreadMessageCount"))["count"] >= 20
    await alice.ok("setMessageRead", {"conversationID": "GROUP" + gid})
    convs = (await alice.ok("getConversationList"))["conversationList"]
    [conv] = [c for c in convs if c["conversationID"] == "GROUP" + gid]
    assert conv["unreadCount"] == 0

    # non-members: no history, no sending, no read marks
    assert await carol.fails("getMessageList", {"conversationID": "GROUP" + gid}) == 10007
    assert await carol.send_fails(gid) == 10007
    assert await carol.fails("setMessageRead", {"conversationID": "GROUP" + gid}) == 10007
    assert await carol.send_fails("nope") == 10010
    assert await bob.fails("getMessageList", {"conversationID": "GROUP"}) == 6017


async def test_online_only_group_message(server: RunningServer) -> None:
    alice, bob, carol = await online(server, "alice", "bob", "carol")
    gid = await create(alice, "Private", ["bob", "carol"])
    for c in (bob, carol):
        await joined(c, gid)
    carol.abort()
    await carol.wait_closed()
    typing = await alice.send(gid, "typing...", onlineUserOnly=True)
    assert typing["sequence"] == 0
    assert await bob.texts(gid, 1) == ["typing..."]
    await carol.connect()  # resumes: what was online-only is not replayed
    await alice.send(gid, "stored")
    assert await carol.texts(gid, 1) == ["stored"]
    assert "typing..." not in texts(await alice.history("GROUP" + gid))


async def test_recall_in_group(server: RunningServer) -> None:
    alice, bob, carol = await online(server, "alice", "bob", "carol")
    gid = await create(alice, "Private", ["bob", "carol"])
    for c in (bob, carol):
        await joined(c, gid)
    by_bob = await bob.send(gid, "oops")
    by_carol = await carol.send(gid, "mine")
    cid = "GROUP" + gid
    assert await carol.fails("revokeMessage", {"conversationID": cid, "ID": by_bob["ID"]}) == 10007
    res = await bob.ok("revokeMessage", {"conversationID": cid, "ID": by_bob["ID"]})
    assert res["message"]["isRevoked"] is True and res["message"]["ID"] == by_bob["ID"]
    push = await carol.wait("MESSAGE_REVOKED", lambda d: d["ID"] == by_bob["ID"])
    assert push["conversationID"] == cid and push["revoker"] == "bob"
    # the owner recalls anyone's message
    await alice.ok("revokeMessage", {"conversationID": cid, "ID": by_carol["ID"]})
    history = {m["ID"]: m for m in await carol.history(cid)}
    assert history[by_bob["ID"]]["isRevoked"] and history[by_carol["ID"]]["isRevoked"]
    assert await carol.fails("revokeMessage", {"conversationID": cid, "ID": "999999"}) == 6017
    assert await carol.fails("revokeMessage", {"conversationID": cid, "ID": "x"}) == 6017


async def test_at_mentions_in_conversations(server: RunningServer) -> None:
    alice, bob, carol = await online(server, "alice", "bob", "carol")
    gid = await create(alice, "Private", ["bob", "carol"])
    for c in (bob, carol):
        await joined(c, gid)
    to_bob = await alice.send(gid, "@bob look", atUserList=["bob"])
    assert to_bob["atUserList"] == ["bob"]
    to_all = await alice.send(gid, "@all lunch", atUserList=[AT_ALL])
    got = await bob.group_messages(gid, 2, TEXT)
    assert [m["atUserList"] for m in got] == [["bob"], [AT_ALL]]

    def at_info(convs: list[dict[str, Any]]) -> list[tuple[int, list[int]]]:
        [conv] = [c for c in convs if c["conversationID"] == "GROUP" + gid]
        return sorted((a["messageSequence"], a["atTypeArray"]) for a in conv["groupAtInfoList"])

    bob_convs = (await bob.ok("getConversationList"))["conversationList"]
    assert at_info(bob_convs) == [(to_bob["sequence"], [1]), (to_all["sequence"], [2])]
    carol_convs = (await carol.ok("getConversationList"))["conversationList"]
    assert at_info(carol_convs) == [(to_all["sequence"], [2])]
    one = await bob.ok("getConversationProfile", {"conversationID": "GROUP" + gid})
    assert at_info([one["conversation"]]) == at_info(bob_convs)
    await bob.ok("setMessageRead", {"conversationID": "GROUP" + gid})
    assert at_info((await bob.ok("getConversationList"))["conversationList"]) == []


async def test_read_receipts_who_read(server: RunningServer) -> None:
    alice, bob, carol = await online(server, "alice", "bob", "carol")
    gid = await create(alice, "Private", ["bob", "carol"])
    for c in (bob, carol):
        await joined(c, gid)
    cid = "GROUP" + gid
    asked = await alice.send(gid, "please confirm", needReadReceipt=True)
    assert asked["needReadReceipt"] is True
    [got] = await bob.group_messages(gid, 1, TEXT)
    assert got["needReadReceipt"] is True

    def counts(res: dict[str, Any]) -> tuple[int, int]:
        [item] = res["messageList"]
        assert item["ID"] == asked["ID"] and item["sequence"] == asked["sequence"]
        return item["readReceiptInfo"]["readCount"], item["readReceiptInfo"]["unreadCount"]

    query = {"conversationID": cid, "messageIDList": [asked["ID"]]}
    assert counts(await alice.ok("getMessageReadReceiptList", query)) == (0, 2)
    await bob.ok("setMessageRead", {"conversationID": cid})
    receipt = await alice.wait("MESSAGE_READ_RECEIPT_RECEIVED")
    assert receipt["conversationID"] == cid and receipt["groupID"] == gid
    assert receipt["userID"] == "bob" and receipt["readSequence"] >= asked["sequence"]
    assert counts(await alice.ok("getMessageReadReceiptList", query)) == (1, 1)

    who = {"conversationID": cid, "messageID": asked["ID"]}
    read = await alice.ok("getGroupMessageReadMemberList", {**who, "filter": 0})
    assert read == {"userIDList": ["bob"], "offset": 0, "isCompleted": True}
    unread = await alice.ok("getGroupMessageReadMemberList", {**who, "filter": 1})
    assert unread["userIDList"] == ["carol"]

    # a read receipt for chosen messages reads up to the newest of them
    await carol.ok(
        "sendMessageReadReceipt", {"conversationID": cid, "messageIDList": [asked["ID"]]}
    )
    await alice.wait("MESSAGE_READ_RECEIPT_RECEIVED", lambda d: d["userID"] == "carol")
    assert counts(await alice.ok("getMessageReadReceiptList", query)) == (2, 0)

    # a message that did not ask: no receipt pushed
    plain = await alice.send(gid, "fyi")
    await bob.ok("setMessageRead", {"conversationID": cid})
    await alice.no("MESSAGE_READ_RECEIPT_RECEIVED")
    assert plain["needReadReceipt"] is False
    # C2C messages have read counts too: the other party, 0 or 1
    c2c = await alice.ok(
        "sendMessage", {"to": "bob", "conversationType": "C2C", "payload": {"text": "dm"}}
    )
    dm = {"conversationID": "C2Cbob", "messageIDList": [c2c["message"]["ID"]]}
    [item] = (await alice.ok("getMessageReadReceiptList", dm))["messageList"]
    assert item["readReceiptInfo"] == {"readCount": 0, "unreadCount": 1}
    await bob.ok("setMessageRead", {"conversationID": "C2Calice"})
    [item] = (await alice.ok("getMessageReadReceiptList", dm))["messageList"]
    assert item["readReceiptInfo"] == {"readCount": 1, "unreadCount": 0}
    outsider = (await online(server, "dave"))[0]
    assert await outsider.fails("getMessageReadReceiptList", query) == 10007
    assert await outsider.fails("getGroupMessageReadMemberList", who) == 10007
    assert (
        await bob.fails("getMessageReadReceiptList", {**query, "messageIDList": ["99999"]}) == 6017
    )


# --- resume after a disconnect in a busy group ---------------------------------------


def audit(msgs: list[dict[str, Any]], expected: list[int]) -> tuple[int, int, int]:
    """(lost, duplicated, out of order) of received group messages vs. the
    expected sequences."""
    seqs = [m["sequence"] for m in msgs]
    lost = len(set(expected) - set(seqs))
    dup = len(seqs) - len(set(seqs))
    disorder = sum(1 for a, b in itertools.pairwise(seqs) if b <= a)
    return lost, dup, disorder


async def drain_group(c: Client, gid: str, upto: int) -> list[dict[str, Any]]:
    """Group messages received until one with sequence ``upto`` (bounded)."""
    out: list[dict[str, Any]] = []
    while not out or out[-1]["sequence"] < upto:
        out.extend(await c.group_messages(gid, 1))
    return out


async def blast(c: Client, gid: str, n: int, tag: str) -> list[dict[str, Any]]:
    """``n`` sends, up to 5 in flight at once."""
    slots = asyncio.Semaphore(5)

    async def one(i: int) -> dict[str, Any]:
        async with slots:
            return await c.send(gid, f"{tag}{i}")

    return list(await asyncio.gather(*(one(i) for i in range(n))))


async def test_resume_after_disconnect_in_busy_group(server: RunningServer) -> None:
    alice, bob, carol = await online(server, "alice", "bob", "carol")
    gid = await create(alice, "Private", ["bob", "carol"])
    for c in (bob, carol):
        await joined(c, gid)
    await alice.send(gid, "warm up")
    head = (await carol.group_messages(gid, 1, TEXT))[0]["sequence"]
    carol.backlog.clear()  # older pushes (the creation's tips) are not part of the audit

    # carol drops; alice and bob keep talking concurrently
    carol.abort()
    await carol.wait_closed()
    sent = await asyncio.gather(blast(alice, gid, 40, "a"), blast(bob, gid, 40, "b"))
    last = max(m["sequence"] for batch in sent for m in batch)
    await carol.connect()
    got = await drain_group(carol, gid, last)
    assert audit(got, list(range(head + 1, last + 1))) == (0, 0, 0)
    assert len(got) == 80

    # again, with messages still flowing while carol catches up
    carol.abort()
    await carol.wait_closed()
    first = await asyncio.gather(blast(alice, gid, 30, "c"), blast(bob, gid, 30, "d"))
    flowing = asyncio.gather(blast(alice, gid, 30, "e"), blast(bob, gid, 30, "f"))
    await carol.connect(wait_sync=False)
    more = await flowing
    top = max(m["sequence"] for batch in (*first, *more) for m in batch)
    got = await drain_group(carol, gid, top)
    assert audit(got, list(range(last + 1, top + 1))) == (0, 0, 0)
    assert len(got) == 120
    stored = [m["sequence"] for m in await carol.history("GROUP" + gid)]
    assert [m["sequence"] for m in got] == [s for s in stored if s > last]
    await carol.no("MESSAGE_RECEIVED", lambda d: in_group(d, gid))  # nothing twice, later


async def test_resume_picks_up_groups_joined_while_away(server: RunningServer) -> None:
    alice, bob = await online(server, "alice", "bob")
    bob.abort()
    await bob.wait_closed()
    gid = await create(alice, "Private", ["bob"])
    await alice.send(gid, "while you were out")
    await bob.connect()
    await joined(bob, gid)
    assert await bob.texts(gid, 1) == ["while you were out"]
