"""The callbacks of friend answers, invitations, full groups and live rooms (issue 12),
against the real HTTP receiver (tests/e2e/support/backend.py), through REST, Palaver's
protocol and Tencent's web SDK:

- ``Sns.CallbackPrevFriendResponse`` before a user answers friend applications;
- ``Group.CallbackBeforeInviteJoinGroup`` before members are added or invited;
- ``Group.CallbackAfterGroupFull`` after a join fills a group (or is refused for it);
- ``Group.CallbackAfterNewMemberJoin`` / ``Group.CallbackAfterMemberExit`` for
  AVChatRoom joins and quits.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from conftest import ADMIN, SDKAPPID, RunningServer
from support.backend import Backend, Received
from support.tencent_sdk import TencentError, TencentHarness
from support.waiting import eventually
from test_callbacks import _fast_retries, check_signed, enable  # noqa: F401
from wsclient import ProtocolError, WsClient

G = "group_open_http_svc"
PREV_RESPONSE = "Sns.CallbackPrevFriendResponse"
FRIEND_ADD = "Sns.CallbackFriendAdd"
BEFORE_INVITE = "Group.CallbackBeforeInviteJoinGroup"
AFTER_FULL = "Group.CallbackAfterGroupFull"
NEW_MEMBER = "Group.CallbackAfterNewMemberJoin"
MEMBER_EXIT = "Group.CallbackAfterMemberExit"


@pytest.fixture
async def backend() -> AsyncIterator[Backend]:
    b = Backend()
    await b.start()
    try:
        yield b
    finally:
        await b.stop()


async def ws(server: RunningServer, user: str, platform: str = "Web") -> WsClient:
    c = WsClient(server.url, SDKAPPID, user, server.sig(user), platform=platform)
    await c.connect()
    return c


async def apply_to(server: RunningServer, target: str, *applicants: str) -> None:
    """``target`` confirms friends; each applicant asks to add them (pending)."""
    await server.ok(
        "profile",
        "portrait_set",
        {
            "From_Account": target,
            "ProfileItem": [
                {"Tag": "Tag_Profile_IM_AllowType", "Value": "AllowType_Type_NeedConfirm"}
            ],
        },
    )
    for u in applicants:
        r = await server.ok(
            "sns",
            "friend_add",
            {
                "From_Account": u,
                "AddFriendItem": [{"To_Account": target, "AddSource": "AddSource_Type_Web"}],
            },
        )
        assert r["ResultItem"][0]["ResultCode"] == 30539, r


async def pending_to(server: RunningServer, user: str) -> list[str]:
    app = await server.hub.apps.get(SDKAPPID)
    assert app is not None
    found = await server.hub.sns.applications.pending(app, user, outgoing=False)
    return sorted(a.from_user for a in found.applications)


async def member_ids(server: RunningServer, gid: str) -> list[str]:
    r = await server.ok(G, "get_group_member_info", {"GroupId": gid})
    return sorted(m["Member_Account"] for m in r["MemberList"])


def items(got: Received) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = got.body["ResponseFriendItem"]
    return out


async def test_prev_friend_response_refuses_per_applicant_or_all(
    server: RunningServer, backend: Backend, tencent: TencentHarness
) -> None:
    """A user's answer to friend applications asks the backend first: an applicant it
    answers with a ResultCode in 38000-39000 gets that code (their application stays
    pending); an ErrorCode says the backend failed: the answer goes through (Tencent
    ignores it), or, failing closed, is refused with that code; in Palaver's protocol
    and in Tencent's SDK alike."""
    await server.import_users("alice", "bob", "carol", "dave", "erin")
    await apply_to(server, "bob", "alice", "carol", "dave", "erin")
    await enable(server, backend, PREV_RESPONSE, FRIEND_ADD)

    def answer(got: Received) -> dict[str, Any]:
        if any(i["To_Account"] == "dave" for i in items(got)):
            return {"ActionStatus": "FAIL", "ErrorCode": 38500, "ErrorInfo": "try later"}
        return {
            "ActionStatus": "OK",
            "ErrorCode": 0,
            "ErrorInfo": "",
            "ResultItem": [
                {
                    "To_Account": i["To_Account"],
                    "ResultCode": 38002 if i["To_Account"] == "carol" else 0,
                    "ResultInfo": "not carol" if i["To_Account"] == "carol" else "",
                }
                for i in items(got)
            ],
        }

    backend.answers[PREV_RESPONSE] = answer
    bob = await ws(server, "bob")
    try:
        await bob.call(
            "acceptFriendApplication",
            {"userID": "alice", "type": "Response_Action_AgreeAndAdd", "remark": "Al"},
        )
        with pytest.raises(ProtocolError) as err:
            await bob.call("acceptFriendApplication", {"userID": "carol"})
        assert (err.value.code, err.value.message) == (38002, "not carol")
        await server.hub.apps.update_settings(SDKAPPID, callback_fail_closed=[PREV_RESPONSE])
        with pytest.raises(ProtocolError) as err:
            await bob.call("refuseFriendApplication", {"userID": "dave"})
        assert (err.value.code, err.value.message) == (38500, "try later")
        assert "dave" in await pending_to(server, "bob")
        await server.hub.apps.update_settings(SDKAPPID, callback_fail_closed=[])
        await bob.call("refuseFriendApplication", {"userID": "dave"})  # the error ignored
    finally:
        await bob.close()
    asks = backend.of(PREV_RESPONSE)
    assert len(asks) == 4
    check_signed(asks[0])
    b = asks[0].body
    assert (b["CallbackCommand"], b["Requester_Account"], b["From_Account"]) == (
        PREV_RESPONSE,
        "bob",
        "bob",
    )
    assert items(asks[0]) == [
        {
            "To_Account": "alice",
            "Remark": "Al",
            "TagName": "",
            "ResponseAction": "Response_Action_AgreeAndAdd",
        }
    ]
    assert b["EventTime"] > 0
    assert items(asks[3])[0]["ResponseAction"] == "Response_Action_Reject"
    # alice's and dave's were answered; carol's waits, erin's was not touched
    assert await pending_to(server, "bob") == ["carol", "erin"]
    (added,) = await backend.wait_for(FRIEND_ADD)
    assert sorted((p["From_Account"], p["To_Account"]) for p in added.body["PairList"]) == [
        ("alice", "bob"),
        ("bob", "alice"),
    ]

    # Tencent's SDK (its friend_response) gets the applicant's code the same way
    tab = await tencent.login("bob", server.sig("bob"))
    with pytest.raises(TencentError) as terr:
        await tab.call(
            "acceptFriendApplication", {"userID": "carol", "type": "Response_Action_AgreeAndAdd"}
        )
    assert (terr.value.code, terr.value.message) == (38002, "not carol"), tab.report()
    await tab.call("refuseFriendApplication", {"userID": "erin"})
    last = backend.of(PREV_RESPONSE)[-1]
    assert items(last) == [
        {
            "To_Account": "erin",
            "Remark": "",
            "TagName": "",
            "ResponseAction": "Response_Action_Reject",
        }
    ]
    assert await pending_to(server, "bob") == ["carol"]


async def test_before_invite_refuses_some_or_all(
    server: RunningServer, backend: Backend, tencent: TencentHarness
) -> None:
    """Adding members (REST add_group_member, Palaver's addGroupMember, Tencent's SDK)
    asks the backend first: those in RefusedMembers_Account are not added (Result 0),
    ErrorCode 1 refuses all with 10016, 10100-10200 with the backend's own code."""
    await server.import_users("alice", "bob", "carol", "dave", "erin", "frank")
    r = await server.ok(
        G,
        "create_group",
        {
            "Type": "Public",
            "Name": "team",
            "Owner_Account": "alice",
            "MemberList": [{"Member_Account": "bob"}],
        },
    )
    gid = r["GroupId"]
    await enable(server, backend, BEFORE_INVITE, NEW_MEMBER)
    verdict: dict[str, Any] = {
        "ActionStatus": "OK",
        "ErrorCode": 0,
        "RefusedMembers_Account": ["dave"],
    }
    backend.answers[BEFORE_INVITE] = lambda got: verdict

    r = await server.ok(
        G,
        "add_group_member",
        {"GroupId": gid, "MemberList": [{"Member_Account": "carol"}, {"Member_Account": "dave"}]},
    )
    assert r["MemberList"] == [
        {"Member_Account": "carol", "Result": 1},
        {"Member_Account": "dave", "Result": 0},
    ]
    (asked,) = backend.of(BEFORE_INVITE)
    check_signed(asked)
    b = asked.body
    assert (b["CallbackCommand"], b["GroupId"], b["Type"], b["Operator_Account"]) == (
        BEFORE_INVITE,
        gid,
        "Public",
        ADMIN,
    )
    assert b["DestinationMembers"] == [{"Member_Account": "carol"}, {"Member_Account": "dave"}]
    assert b["EventTime"] > 0

    verdict.clear()
    verdict.update({"ActionStatus": "OK", "ErrorCode": 1, "ErrorInfo": "no"})
    r = await server.rest(
        G,
        "add_group_member",
        {"GroupId": gid, "MemberList": [{"Member_Account": "carol"}, {"Member_Account": "erin"}]},
    )
    assert r["ErrorCode"] == 10016, r
    # carol is a member already: only erin is asked about
    assert backend.of(BEFORE_INVITE)[1].body["DestinationMembers"] == [{"Member_Account": "erin"}]

    verdict.update({"ActionStatus": "FAIL", "ErrorCode": 10150, "ErrorInfo": "invites closed"})
    alice = await ws(server, "alice")
    try:
        with pytest.raises(ProtocolError) as err:
            await alice.call("addGroupMember", {"groupID": gid, "userIDList": ["erin"]})
        assert (err.value.code, err.value.message) == (10150, "invites closed")
    finally:
        await alice.close()
    assert backend.of(BEFORE_INVITE)[2].body["Operator_Account"] == "alice"
    assert await member_ids(server, gid) == ["alice", "bob", "carol"]

    # Tencent's SDK: frank is refused, erin is added
    verdict.clear()
    verdict.update({"ActionStatus": "OK", "ErrorCode": 0, "RefusedMembers_Account": ["frank"]})
    tab = await tencent.login("alice", server.sig("alice"))

    async def knows_the_group() -> bool:  # the SDK adds members of groups in its list
        groups = (await tab.call("getGroupList"))["groupList"]
        return gid in [g["groupID"] for g in groups]

    await eventually(knows_the_group, "the SDK's group list has the group")
    res = await tab.call("addGroupMember", {"groupID": gid, "userIDList": ["erin", "frank"]})
    assert res["successUserIDList"] == ["erin"], tab.report()
    assert "frank" in res["failureUserIDList"], res
    assert backend.of(BEFORE_INVITE)[3].body["DestinationMembers"] == [
        {"Member_Account": "erin"},
        {"Member_Account": "frank"},
    ]
    assert await member_ids(server, gid) == ["alice", "bob", "carol", "erin"]
    joined = await backend.wait_for(NEW_MEMBER, 2)
    assert [(j.body["Operator_Account"], j.body["NewMemberList"]) for j in joined] == [
        (ADMIN, [{"Member_Account": "carol"}]),
        ("alice", [{"Member_Account": "erin"}]),
    ]


async def test_new_before_callbacks_follow_the_fail_mode(
    server: RunningServer, backend: Backend
) -> None:
    """No answer: the invitation / the friend answer goes through (fail open, as
    Tencent), or, for commands in callback_fail_closed, is refused (10016 / 38000)."""
    await server.import_users("alice", "bob", "carol", "dave")
    await apply_to(server, "bob", "alice")
    r = await server.ok(
        G,
        "create_group",
        {
            "Type": "Private",
            "Name": "p",
            "Owner_Account": "alice",
            "MemberList": [{"Member_Account": "bob"}],
        },
    )
    gid = r["GroupId"]
    await enable(server, backend, BEFORE_INVITE, PREV_RESPONSE, callback_timeout=0.3)
    await backend.stop()
    alice, bob = await ws(server, "alice"), await ws(server, "bob")
    try:
        added = await alice.call("addGroupMember", {"groupID": gid, "userIDList": ["carol"]})
        assert added["successUserIDList"] == ["carol"]
        await server.hub.apps.update_settings(
            SDKAPPID, callback_fail_closed=[BEFORE_INVITE, PREV_RESPONSE]
        )
        with pytest.raises(ProtocolError) as err:
            await alice.call("addGroupMember", {"groupID": gid, "userIDList": ["dave"]})
        assert err.value.code == 10016
        with pytest.raises(ProtocolError) as err:
            await bob.call("acceptFriendApplication", {"userID": "alice"})
        assert err.value.code == 38000
        assert await pending_to(server, "bob") == ["alice"]
        await server.hub.apps.update_settings(SDKAPPID, callback_fail_closed=[])
        await bob.call("acceptFriendApplication", {"userID": "alice"})
    finally:
        await alice.close()
        await bob.close()
    assert await pending_to(server, "bob") == []
    assert await member_ids(server, gid) == ["alice", "bob", "carol"]


async def test_after_group_full(server: RunningServer, backend: Backend) -> None:
    """A join or an add that fills the group to its MaxMemberNum sends
    Group.CallbackAfterGroupFull (after the join's own callback); so does one refused
    because the group is full (10014). import_group_member sends none, as Tencent."""
    await server.import_users("alice", "bob", "carol", "dave", "erin")
    r = await server.ok(
        G,
        "create_group",
        {
            "Type": "ChatRoom",
            "Name": "small",
            "Owner_Account": "alice",
            "MaxMemberCount": 3,
            "MemberList": [{"Member_Account": "bob"}],
        },
    )
    gid = r["GroupId"]
    await enable(server, backend, AFTER_FULL, NEW_MEMBER)
    carol, dave = await ws(server, "carol"), await ws(server, "dave")
    try:
        assert (await carol.call("joinGroup", {"groupID": gid}))["status"] == "JoinedSuccess"
        with pytest.raises(ProtocolError) as err:
            await dave.call("joinGroup", {"groupID": gid})
        assert err.value.code == 10014
    finally:
        await carol.close()
        await dave.close()
    r = await server.rest(
        G, "add_group_member", {"GroupId": gid, "MemberList": [{"Member_Account": "erin"}]}
    )
    assert r["ErrorCode"] == 10014, r
    full = await backend.wait_for(AFTER_FULL, 3)
    for f in full:
        check_signed(f)
        assert f.body.keys() == {"CallbackCommand", "GroupId", "EventTime"}
        assert f.body["GroupId"] == gid
    # one group, one order: carol's join, then the group full, then the two refused
    assert [x.command for x in backend.received] == [NEW_MEMBER, AFTER_FULL, AFTER_FULL, AFTER_FULL]
    assert backend.received[0].body["NewMemberList"] == [{"Member_Account": "carol"}]

    # an import that fills a group sends nothing; a later add refused for it does
    r = await server.ok(
        G,
        "create_group",
        {"Type": "Public", "Name": "imp", "Owner_Account": "alice", "MaxMemberCount": 2},
    )
    imported = r["GroupId"]
    await server.ok(
        G, "import_group_member", {"GroupId": imported, "MemberList": [{"Member_Account": "bob"}]}
    )
    r = await server.rest(
        G, "add_group_member", {"GroupId": imported, "MemberList": [{"Member_Account": "carol"}]}
    )
    assert r["ErrorCode"] == 10014, r
    later = await backend.wait_for(AFTER_FULL, 4)
    assert later[3].body["GroupId"] == imported
    assert [x.command for x in backend.received][4:] == [AFTER_FULL]


async def test_live_room_join_and_quit_send_member_callbacks(
    server: RunningServer, backend: Backend, tencent: TencentHarness
) -> None:
    """AVChatRoom: joinGroup sends Group.CallbackAfterNewMemberJoin (Apply) for the
    user's first connection in the room, quitGroup Group.CallbackAfterMemberExit (Quit)
    for the last; in Palaver's protocol and in Tencent's SDK."""
    await server.import_users("alice", "bob", "carol")
    r = await server.ok(
        G, "create_group", {"Type": "AVChatRoom", "Name": "live", "Owner_Account": "alice"}
    )
    gid = r["GroupId"]
    await enable(server, backend, NEW_MEMBER, MEMBER_EXIT)
    # one device per platform (login_policy multi_platform): bob in the room twice
    one, two = await ws(server, "bob"), await ws(server, "bob", "Android")
    try:
        await one.call("joinGroup", {"groupID": gid})
        await two.call("joinGroup", {"groupID": gid})  # bob is in the room already
        await one.call("quitGroup", {"groupID": gid})  # still in it on `two`
        await two.call("quitGroup", {"groupID": gid})
    finally:
        await one.close()
        await two.close()
    tab = await tencent.login("carol", server.sig("carol"))
    joined = await tab.call("joinGroup", {"groupID": gid})
    assert joined["status"] == "JoinedSuccess", tab.report()
    await tab.call("quitGroup", gid)
    await backend.wait_for(MEMBER_EXIT, 2)
    got = [(x.command, x.body) for x in backend.received]
    assert [(c, b["GroupId"], b["Type"]) for c, b in got] == [
        (NEW_MEMBER, gid, "AVChatRoom"),
        (MEMBER_EXIT, gid, "AVChatRoom"),
        (NEW_MEMBER, gid, "AVChatRoom"),
        (MEMBER_EXIT, gid, "AVChatRoom"),
    ]
    assert [(b.get("JoinType"), b["Operator_Account"]) for _, b in got[::2]] == [
        ("Apply", "bob"),
        ("Apply", "carol"),
    ]
    assert [b["NewMemberList"] for _, b in got[::2]] == [
        [{"Member_Account": "bob"}],
        [{"Member_Account": "carol"}],
    ]
    assert [(b["ExitType"], b["ExitMemberList"]) for _, b in got[1::2]] == [
        ("Quit", [{"Member_Account": "bob"}]),
        ("Quit", [{"Member_Account": "carol"}]),
    ]
