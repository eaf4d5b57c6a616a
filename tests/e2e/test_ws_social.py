"""Profiles, friends, friend applications and the blacklist over the client protocol.

End to end over a real WebSocket (docs/protocol.md §5, §6): each operation
with its success and error answers, the pushes both sides get
(``PROFILE_UPDATED``, ``FRIEND_LIST_UPDATED``, ``FRIEND_APPLICATION_LIST_UPDATED``,
``BLACKLIST_UPDATED``), the same pushes for REST changes, and their replay
after a reconnect.  The client is a tiny one built on the sans-I/O
:class:`~palaver.protocol.client.ClientSession` (not on the Python SDK).
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from conftest import SDKAPPID, RunningServer
from palaver.protocol.client import ClientSession
from palaver.protocol.frames import Push, Response
from support.waiting import is_marker, send_marker

TIMEOUT = 10.0  # seconds any single wait may take (a bound, not a pause: a busy machine needs room)

NEED_CONFIRM = "AllowType_Type_NeedConfirm"
DENY_ANY = "AllowType_Type_DenyAny"
SOURCE = "AddSource_Type_Web"


class Client:
    """One device: a WebSocket, the protocol session, responses and pushes."""

    def __init__(self, server: RunningServer, user: str) -> None:
        self.server = server
        self.user = user
        self.proto = ClientSession()
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.pending: dict[int, asyncio.Future[Response]] = {}
        self.pushes: asyncio.Queue[Push] = asyncio.Queue()
        self.reader: asyncio.Task[None] | None = None

    async def login(self) -> list[Push]:
        """Connect, log in with the session's cursor; the stream pushes up to ``sync_done``."""
        self.ws = await self.server.session.ws_connect(f"{self.server.url}/ws")
        self.reader = asyncio.create_task(self._read(self.ws))
        data = self.proto.login_data(SDKAPPID, self.user, self.server.sig(self.user))
        r = await self.call("login", data)
        assert r.code == 0, r
        self.proto.logged_in(r)
        caught_up: list[Push] = []
        while True:
            p = await self.next_push()
            if p.ev == "sync_done":
                return caught_up
            caught_up.append(p)

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for msg in ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                continue
            item = self.proto.receive(msg.data)
            if isinstance(item, Response):
                fut = self.pending.pop(item.id or 0, None)
                if fut is not None and not fut.done():
                    fut.set_result(item)
            elif item is not None:
                self.pushes.put_nowait(item)

    async def call(self, op: str, data: dict[str, Any] | None = None) -> Response:
        """Send a request; its response (any code)."""
        assert self.ws is not None
        rid, frame = self.proto.request(op, data)
        fut: asyncio.Future[Response] = asyncio.get_running_loop().create_future()
        self.pending[rid] = fut
        await self.ws.send_str(frame.decode())  # text frames only (docs/protocol.md §1)
        return await asyncio.wait_for(fut, TIMEOUT)

    async def ok(self, op: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        """Call ``op``, asserting success; the response data."""
        r = await self.call(op, data)
        assert r.code == 0, (op, r)
        return r.data

    async def fails(self, op: str, data: dict[str, Any] | None = None) -> int:
        """Call ``op``, asserting an error response; its code."""
        r = await self.call(op, data)
        assert r.code != 0, (op, r)
        assert r.message, r
        return r.code

    async def next_push(self) -> Push:
        return await asyncio.wait_for(self.pushes.get(), TIMEOUT)

    async def expect(self, *events: str) -> list[Push]:
        """The next pushes are exactly ``events``, in this order."""
        got = [await self.next_push() for _ in events]
        assert [p.ev for p in got] == list(events), got
        return got

    async def quiet(self) -> None:
        """Nothing more is pushed: a marker message sent now is the next push
        (anything pushed before would have come first)."""
        text = await send_marker(self.server, self.user)
        p = await self.next_push()
        assert is_marker(p.ev, p.data, text), p

    async def logout(self) -> None:
        await self.ok("logout")
        await self.close()

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            await asyncio.wait_for(self.reader, TIMEOUT)
        self.ws = self.reader = None


async def online(server: RunningServer, *users: str) -> list[Client]:
    """Import ``users`` and log each in."""
    await server.import_users(*users)
    clients = [Client(server, u) for u in users]
    for c in clients:
        assert await c.login() == []
    return clients


async def add_friend(c: Client, to: str, **extra: Any) -> dict[str, Any]:
    return await c.ok("addFriend", {"to": to, "source": SOURCE, **extra})


async def test_profiles_get_update_and_push_to_friends(server: RunningServer) -> None:
    alice, bob, carol = await online(server, "alice", "bob", "carol")
    me = (await alice.ok("getMyProfile"))["profile"]
    assert me["userID"] == "alice" and me["nick"] == ""
    assert me["allowType"] == "AllowType_Type_AllowAny" and me["profileCustomField"] == []

    # bob has alice in his list (one way), carol has nothing to do with her
    assert (await add_friend(bob, "alice", type="Add_Type_Single"))["code"] == 0
    await bob.expect("FRIEND_LIST_UPDATED")

    new = await alice.ok(
        "updateMyProfile",
        {
            "nick": "Alice",
            "gender": "Gender_Type_Female",
            "profileCustomField": [{"key": "Tier", "value": 3}],
        },
    )
    profile = new["profile"]
    assert profile["nick"] == "Alice" and profile["gender"] == "Gender_Type_Female"
    assert profile["profileCustomField"] == [{"key": "Tag_Profile_Custom_Tier", "value": 3}]
    for c in (alice, bob):
        [push] = await c.expect("PROFILE_UPDATED")
        assert push.seq is not None
        assert push.data["userID"] == "alice" and push.data["profile"] == profile
    await carol.quiet()
    await alice.quiet()
    assert (await alice.ok("getMyProfile"))["profile"] == profile

    got = await carol.ok("getUserProfile", {"userIDList": ["alice", "ghost", "carol", "alice"]})
    assert [p["userID"] for p in got["profileList"]] == ["alice", "carol"]
    assert got["profileList"][0]["nick"] == "Alice"
    assert (await carol.ok("getUserProfile", {"userIDList": ["ghost"]}))["profileList"] == []

    # bad requests: the shape (6017), then the REST portrait_set rules
    bad_lists: list[dict[str, Any]] = [
        {},
        {"userIDList": []},
        {"userIDList": "a"},
        {"userIDList": [1]},
    ]
    for bad in bad_lists:
        assert await carol.fails("getUserProfile", bad) == 6017
    assert (
        await carol.fails("getUserProfile", {"userIDList": [f"u{i}" for i in range(101)]}) == 6017
    )
    assert await alice.fails("updateMyProfile", {}) == 6017
    assert await alice.fails("updateMyProfile", {"nickname": "x"}) == 6017
    assert (
        await alice.fails("updateMyProfile", {"adminForbidType": "AdminForbid_Type_None"}) == 6017
    )
    assert await alice.fails("updateMyProfile", {"profileCustomField": "x"}) == 6017
    assert await alice.fails("updateMyProfile", {"gender": "Gender_Type_Robot"}) == 40605
    assert await alice.fails("updateMyProfile", {"nick": 5}) == 40610
    assert await alice.fails("updateMyProfile", {"nick": "x" * 501}) == 40601
    bad_key = {"profileCustomField": [{"key": "much_too_long", "value": 1}]}
    assert await alice.fails("updateMyProfile", bad_key) == 40009
    # all or nothing: a bad field leaves the good one unwritten, and nothing is pushed
    assert await alice.fails("updateMyProfile", {"nick": "B", "level": -1}) == 40605
    assert (await alice.ok("getMyProfile"))["profile"]["nick"] == "Alice"
    await alice.quiet()
    await bob.quiet()


async def test_rest_portrait_set_pushes(server: RunningServer) -> None:
    alice, bob = await online(server, "alice", "bob")
    await add_friend(alice, "bob")  # both ways
    await alice.expect("FRIEND_LIST_UPDATED")
    await bob.expect("FRIEND_LIST_UPDATED")
    await server.ok(
        "profile",
        "portrait_set",
        {"From_Account": "bob", "ProfileItem": [{"Tag": "Tag_Profile_IM_Nick", "Value": "Bobby"}]},
    )
    for c in (alice, bob):
        [push] = await c.expect("PROFILE_UPDATED")
        assert push.data["userID"] == "bob" and push.data["profile"]["nick"] == "Bobby"
    friends = (await alice.ok("getFriendList"))["friendList"]
    assert [(f["userID"], f["profile"]["nick"]) for f in friends] == [("bob", "Bobby")]


async def test_need_confirm_apply_and_accept_both_ways(server: RunningServer) -> None:
    alice, bob, carol = await online(server, "alice", "bob", "carol")
    await alice.ok("updateMyProfile", {"nick": "Alice"})
    await alice.expect("PROFILE_UPDATED")
    await bob.ok("updateMyProfile", {"allowType": NEED_CONFIRM, "nick": "Bob"})
    await bob.expect("PROFILE_UPDATED")

    res = await add_friend(alice, "bob", wording="hi, it's alice", remark="B", groupName="work")
    assert res == {"userID": "bob", "code": 30539}  # resolved, not an error
    await alice.expect("FRIEND_APPLICATION_LIST_UPDATED")
    await bob.expect("FRIEND_APPLICATION_LIST_UPDATED")
    await carol.quiet()
    assert (await alice.ok("getFriendList"))["friendList"] == []

    apps = await bob.ok("getFriendApplicationList")
    assert apps["unreadCount"] == 1
    [item] = apps["friendApplicationList"]
    assert item["userID"] == "alice" and item["type"] == "Pendency_Type_ComeIn"
    assert item["wording"] == "hi, it's alice" and item["source"] == SOURCE
    assert item["nick"] == "Alice" and item["avatar"] == "" and item["time"] > 0
    mine = await alice.ok("getFriendApplicationList")
    assert mine["unreadCount"] == 0
    assert [(i["userID"], i["type"], i["nick"]) for i in mine["friendApplicationList"]] == [
        ("bob", "Pendency_Type_SendOut", "Bob")
    ]

    # bob reads them: the unread count drops on every device of his
    await bob.ok("setFriendApplicationRead")
    (read,) = await bob.expect("FRIEND_APPLICATION_LIST_UPDATED")
    assert read.data["readTime"] > 0 and read.data["added"] == []
    assert (await bob.ok("getFriendApplicationList"))["unreadCount"] == 0
    await alice.quiet()

    # asking again replaces the request (still pending, both told again)
    again = await add_friend(alice, "bob", wording="again", remark="Bee", groupName="work")
    assert again["code"] == 30539
    await alice.expect("FRIEND_APPLICATION_LIST_UPDATED")
    (told,) = await bob.expect("FRIEND_APPLICATION_LIST_UPDATED")
    assert [(a["userID"], a["type"], a["wording"]) for a in told.data["added"]] == [
        ("alice", "Pendency_Type_ComeIn", "again")
    ]

    await bob.ok("acceptFriendApplication", {"userID": "alice", "remark": "from work"})
    for c in (alice, bob):
        await c.expect("FRIEND_APPLICATION_LIST_UPDATED", "FRIEND_LIST_UPDATED")
    await carol.quiet()
    assert (await bob.ok("getFriendApplicationList"))["friendApplicationList"] == []
    assert (await alice.ok("getFriendApplicationList"))["friendApplicationList"] == []

    [a_view] = (await alice.ok("getFriendList"))["friendList"]
    assert (
        a_view["userID"] == "bob" and a_view["remark"] == "Bee" and a_view["groupList"] == ["work"]
    )
    assert a_view["profile"]["nick"] == "Bob" and a_view["addTime"] > 0
    assert a_view["source"] == SOURCE and a_view["friendCustomField"] == []
    [b_view] = (await bob.ok("getFriendList"))["friendList"]
    assert b_view["userID"] == "alice" and b_view["remark"] == "from work"
    check = await alice.ok("checkFriend", {"userIDList": ["bob"]})
    assert check == {
        "successUserIDList": [{"userID": "bob", "code": 0, "relation": "CheckResult_Type_BothWay"}],
        "failureUserIDList": [],
    }
    # accepting twice: there is nothing pending any more
    assert await bob.fails("acceptFriendApplication", {"userID": "alice"}) == 30614


async def test_accept_agree_is_one_way_and_refuse(server: RunningServer) -> None:
    alice, bob, carol = await online(server, "alice", "bob", "carol")
    await bob.ok("updateMyProfile", {"allowType": NEED_CONFIRM})
    await bob.expect("PROFILE_UPDATED")

    assert (await add_friend(alice, "bob"))["code"] == 30539
    await alice.expect("FRIEND_APPLICATION_LIST_UPDATED")
    await bob.expect("FRIEND_APPLICATION_LIST_UPDATED")
    await bob.ok("acceptFriendApplication", {"userID": "alice", "type": "Response_Action_Agree"})
    # alice (the requester) got bob in her list; bob's list did not change
    await alice.expect("FRIEND_APPLICATION_LIST_UPDATED", "FRIEND_LIST_UPDATED")
    await bob.expect("FRIEND_APPLICATION_LIST_UPDATED")
    await bob.quiet()
    assert [f["userID"] for f in (await alice.ok("getFriendList"))["friendList"]] == ["bob"]
    assert (await bob.ok("getFriendList"))["friendList"] == []
    rel = await bob.ok("checkFriend", {"userIDList": ["alice"]})
    assert rel["successUserIDList"][0]["relation"] == "CheckResult_Type_BWithA"
    single = await bob.ok(
        "checkFriend", {"userIDList": ["alice"], "type": "CheckResult_Type_Single"}
    )
    assert single["successUserIDList"][0]["relation"] == "CheckResult_Type_NoRelation"

    assert (await add_friend(carol, "bob"))["code"] == 30539
    await carol.expect("FRIEND_APPLICATION_LIST_UPDATED")
    await bob.expect("FRIEND_APPLICATION_LIST_UPDATED")
    await bob.ok("refuseFriendApplication", {"userID": "carol"})
    await carol.expect("FRIEND_APPLICATION_LIST_UPDATED")
    await bob.expect("FRIEND_APPLICATION_LIST_UPDATED")
    assert (await bob.ok("getFriendApplicationList"))["friendApplicationList"] == []
    assert (await carol.ok("getFriendList"))["friendList"] == []
    assert await bob.fails("refuseFriendApplication", {"userID": "carol"}) == 30614
    assert await bob.fails("acceptFriendApplication", {"userID": "carol"}) == 30614
    assert await bob.fails("refuseFriendApplication", {}) == 6017
    assert await bob.fails("refuseFriendApplication", {"userID": "c\x00"}) == 6017
    assert await bob.fails("acceptFriendApplication", {"userID": "c\x00"}) == 6017
    assert await bob.fails("acceptFriendApplication", {"userID": "carol", "type": "Yes"}) == 6017
    await carol.quiet()


async def test_add_friend_allow_any_and_refusals(server: RunningServer) -> None:
    alice, bob, dave = await online(server, "alice", "bob", "dave")
    assert await add_friend(alice, "bob") == {"userID": "bob", "code": 0}
    await alice.expect("FRIEND_LIST_UPDATED")
    await bob.expect("FRIEND_LIST_UPDATED")
    assert [f["userID"] for f in (await bob.ok("getFriendList"))["friendList"]] == ["alice"]

    async def refused(c: Client, data: dict[str, Any]) -> int:
        return await c.fails("addFriend", {"source": SOURCE, **data})

    assert await refused(alice, {"to": "bob"}) == 30001  # already friends
    assert await refused(alice, {"to": "alice"}) == 30001
    assert await refused(alice, {"to": "ghost"}) == 30003
    assert await refused(alice, {"to": "a\x00b"}) == 6017  # NUL: refused at the edge
    assert await refused(alice, {"to": "dave", "source": "Web"}) == 30001
    assert await refused(alice, {"to": "dave", "remark": "r" * 97}) == 30001
    assert await alice.fails("addFriend", {"to": "dave"}) == 6017  # no source
    assert await alice.fails("addFriend", {"source": SOURCE}) == 6017  # no to
    assert await refused(alice, {"to": "dave", "type": "Add_Type_Sometimes"}) == 6017
    assert await refused(alice, {"to": ["dave"]}) == 6017

    await dave.ok("updateMyProfile", {"allowType": DENY_ANY})
    await dave.expect("PROFILE_UPDATED")
    assert await refused(alice, {"to": "dave"}) == 30516
    assert (await dave.ok("getFriendApplicationList"))["friendApplicationList"] == []
    for c in (alice, bob, dave):
        await c.quiet()


async def test_blacklist_ops(server: RunningServer) -> None:
    alice, bob, carol = await online(server, "alice", "bob", "carol")
    await add_friend(alice, "bob")
    await alice.expect("FRIEND_LIST_UPDATED")
    await bob.expect("FRIEND_LIST_UPDATED")
    await carol.ok("updateMyProfile", {"allowType": NEED_CONFIRM})
    await carol.expect("PROFILE_UPDATED")
    assert (await add_friend(alice, "carol"))["code"] == 30539
    await alice.expect("FRIEND_APPLICATION_LIST_UPDATED")
    await carol.expect("FRIEND_APPLICATION_LIST_UPDATED")

    res = await alice.ok("addToBlacklist", {"userIDList": ["bob", "ghost", "carol", "alice"]})
    assert res["successUserIDList"] == ["bob", "carol"]
    assert [(f["userID"], f["code"]) for f in res["failureUserIDList"]] == [
        ("ghost", 30003),
        ("alice", 30001),
    ]
    # alice: her blacklist, her friend list (bob gone), her application list (carol's gone)
    await alice.expect(
        "BLACKLIST_UPDATED", "FRIEND_LIST_UPDATED", "FRIEND_APPLICATION_LIST_UPDATED"
    )
    await bob.expect("FRIEND_LIST_UPDATED")  # alice left his list; his blacklist did not change
    await carol.expect("FRIEND_APPLICATION_LIST_UPDATED")
    for c in (alice, bob, carol):
        await c.quiet()
    assert (await alice.ok("getBlacklist")) == {"userIDList": ["bob", "carol"]}
    assert (await bob.ok("getBlacklist")) == {"userIDList": []}
    assert (await alice.ok("getFriendList"))["friendList"] == []
    assert (await bob.ok("getFriendList"))["friendList"] == []
    assert (await carol.ok("getFriendApplicationList"))["friendApplicationList"] == []

    assert await alice.fails("addFriend", {"to": "bob", "source": SOURCE}) == 30515
    assert await bob.fails("addFriend", {"to": "alice", "source": SOURCE}) == 30525
    again = await alice.ok("addToBlacklist", {"userIDList": ["bob"]})
    assert again["successUserIDList"] == [] and again["failureUserIDList"][0]["code"] == 30001
    await alice.quiet()  # nothing changed, nothing pushed

    assert await alice.fails("removeFromBlacklist", {"userIDList": ["bob", "d\x00"]}) == 6017
    res = await alice.ok("removeFromBlacklist", {"userIDList": ["bob", "dave"]})
    assert res["successUserIDList"] == ["bob"]
    assert [(f["userID"], f["code"]) for f in res["failureUserIDList"]] == [("dave", 30003)]
    await alice.expect("BLACKLIST_UPDATED")
    res = await alice.ok("removeFromBlacklist", {"userIDList": ["bob"]})
    assert res["failureUserIDList"][0]["code"] == 30001
    assert (await alice.ok("getBlacklist")) == {"userIDList": ["carol"]}
    assert (await alice.ok("getFriendList"))["friendList"] == []  # not restored

    bad_lists: list[dict[str, Any]] = [
        {},
        {"userIDList": []},
        {"userIDList": ["x"] * 1001},
        {"userIDList": [None]},
    ]
    for bad in bad_lists:
        assert await alice.fails("addToBlacklist", bad) == 6017
        assert await alice.fails("removeFromBlacklist", bad) == 6017
    await alice.quiet()
    await bob.quiet()


async def test_delete_and_check_friends(server: RunningServer) -> None:
    alice, bob, carol = await online(server, "alice", "bob", "carol")
    await add_friend(alice, "bob")
    await add_friend(alice, "carol")
    await alice.expect("FRIEND_LIST_UPDATED", "FRIEND_LIST_UPDATED")
    await bob.expect("FRIEND_LIST_UPDATED")
    await carol.expect("FRIEND_LIST_UPDATED")

    check = await alice.ok("checkFriend", {"userIDList": ["bob", "ghost"]})
    assert [(i["userID"], i["relation"]) for i in check["successUserIDList"]] == [
        ("bob", "CheckResult_Type_BothWay")
    ]
    assert [(i["userID"], i["code"]) for i in check["failureUserIDList"]] == [("ghost", 30003)]
    assert await alice.fails("checkFriend", {"userIDList": ["bob", "g\x00"]}) == 6017
    assert await alice.fails("checkFriend", {"userIDList": []}) == 6017
    assert await alice.fails("checkFriend", {"userIDList": ["bob"], "type": "Both"}) == 6017

    # one way: only alice's list changes
    res = await alice.ok("deleteFriend", {"userIDList": ["bob"], "type": "Delete_Type_Single"})
    assert res == {"successUserIDList": [{"userID": "bob"}], "failureUserIDList": []}
    await alice.expect("FRIEND_LIST_UPDATED")
    await bob.quiet()
    rel = await bob.ok("checkFriend", {"userIDList": ["alice"]})
    assert rel["successUserIDList"][0]["relation"] == "CheckResult_Type_AWithB"

    # both ways (the default); then nothing left to delete
    assert await alice.fails("deleteFriend", {"userIDList": ["carol", "g\x00"]}) == 6017
    res = await alice.ok("deleteFriend", {"userIDList": ["carol", "ghost"]})
    assert res["successUserIDList"] == [{"userID": "carol"}]
    assert [(f["userID"], f["code"]) for f in res["failureUserIDList"]] == [("ghost", 30003)]
    await alice.expect("FRIEND_LIST_UPDATED")
    await carol.expect("FRIEND_LIST_UPDATED")
    res = await alice.ok("deleteFriend", {"userIDList": ["carol"]})
    assert [(f["userID"], f["code"]) for f in res["failureUserIDList"]] == [("carol", 31704)]
    assert (await alice.ok("getFriendList"))["friendList"] == []
    assert (await carol.ok("getFriendList"))["friendList"] == []
    assert await alice.fails("deleteFriend", {"userIDList": "carol"}) == 6017
    for c in (alice, bob, carol):
        await c.quiet()


async def test_rest_sns_commands_push(server: RunningServer) -> None:
    alice, bob = await online(server, "alice", "bob")
    await server.ok(
        "sns",
        "friend_add",
        {"From_Account": "alice", "AddFriendItem": [{"To_Account": "bob", "AddSource": SOURCE}]},
    )
    await alice.expect("FRIEND_LIST_UPDATED")
    await bob.expect("FRIEND_LIST_UPDATED")
    await server.ok(
        "sns",
        "friend_update",
        {
            "From_Account": "alice",
            "UpdateItem": [
                {"To_Account": "bob", "SnsItem": [{"Tag": "Tag_SNS_IM_Remark", "Value": "B"}]}
            ],
        },
    )
    await alice.expect("FRIEND_LIST_UPDATED")
    await bob.quiet()
    await server.ok(
        "sns", "friend_delete_all", {"From_Account": "bob", "DeleteType": "Delete_Type_Both"}
    )
    await bob.expect("FRIEND_LIST_UPDATED")
    await alice.expect("FRIEND_LIST_UPDATED")
    await server.ok(
        "sns",
        "friend_import",
        {"From_Account": "bob", "AddFriendItem": [{"To_Account": "alice", "AddSource": SOURCE}]},
    )
    await bob.expect("FRIEND_LIST_UPDATED")
    await alice.quiet()  # a one-way import leaves alice's list alone
    await server.ok("sns", "black_list_add", {"From_Account": "alice", "To_Account": ["bob"]})
    await alice.expect("BLACKLIST_UPDATED")  # bob was not in alice's list
    await bob.expect("FRIEND_LIST_UPDATED")  # but alice was in bob's
    await server.ok("sns", "black_list_delete", {"From_Account": "alice", "To_Account": ["bob"]})
    await alice.expect("BLACKLIST_UPDATED")
    # a REST call that changes nothing pushes nothing
    await server.ok("sns", "friend_delete", {"From_Account": "alice", "To_Account": ["bob"]})
    for c in (alice, bob):
        await c.quiet()


async def test_missed_events_arrive_before_sync_done(server: RunningServer) -> None:
    await server.import_users("alice", "bob", "carol")
    alice = Client(server, "alice")
    assert await alice.login() == []
    await alice.ok("updateMyProfile", {"nick": "Alice"})
    await alice.expect("PROFILE_UPDATED")
    cursor = alice.proto.cursor
    assert cursor > 0
    await alice.logout()

    # while alice is away: bob befriends her, renames himself, carol asks, alice blocks dave
    await server.import_users("dave")
    await server.ok(
        "sns",
        "friend_add",
        {"From_Account": "bob", "AddFriendItem": [{"To_Account": "alice", "AddSource": SOURCE}]},
    )
    await server.ok(
        "profile",
        "portrait_set",
        {"From_Account": "bob", "ProfileItem": [{"Tag": "Tag_Profile_IM_Nick", "Value": "Bob"}]},
    )
    await server.ok(
        "profile",
        "portrait_set",
        {
            "From_Account": "alice",
            "ProfileItem": [{"Tag": "Tag_Profile_IM_AllowType", "Value": NEED_CONFIRM}],
        },
    )
    await server.ok(
        "sns",
        "friend_add",
        {"From_Account": "carol", "AddFriendItem": [{"To_Account": "alice", "AddSource": SOURCE}]},
    )
    await server.ok("sns", "black_list_add", {"From_Account": "alice", "To_Account": ["dave"]})

    assert alice.proto.cursor == cursor
    missed = await alice.login()  # resumes from the old cursor
    assert [p.ev for p in missed] == [
        "FRIEND_LIST_UPDATED",
        "PROFILE_UPDATED",
        "PROFILE_UPDATED",
        "FRIEND_APPLICATION_LIST_UPDATED",
        "BLACKLIST_UPDATED",
    ]
    seqs = [p.seq for p in missed]
    assert seqs == list(range(cursor + 1, cursor + 6))
    assert missed[1].data["userID"] == "bob" and missed[1].data["profile"]["nick"] == "Bob"
    assert missed[2].data["userID"] == "alice"
    assert missed[2].data["profile"]["allowType"] == NEED_CONFIRM
    [app] = (await alice.ok("getFriendApplicationList"))["friendApplicationList"]
    assert app["userID"] == "carol" and app["type"] == "Pendency_Type_ComeIn"
    await alice.quiet()

    # and once more: a client already up to date replays nothing
    await alice.logout()
    assert await alice.login() == []
    await alice.close()


async def test_missed_events_after_an_empty_stream(server: RunningServer) -> None:
    await server.import_users("alice", "bob")
    alice = Client(server, "alice")
    assert await alice.login() == []
    assert alice.proto.cursor == 0
    await alice.logout()
    await server.ok(
        "sns",
        "friend_add",
        {"From_Account": "bob", "AddFriendItem": [{"To_Account": "alice", "AddSource": SOURCE}]},
    )
    try:
        assert [p.ev for p in await alice.login()] == ["FRIEND_LIST_UPDATED"]
    finally:
        await alice.close()
