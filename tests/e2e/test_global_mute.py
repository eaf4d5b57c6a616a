"""Global mutes (issue 17, People): REST ``openconfigsvr/setnospeaking`` and
``getnospeaking``, enforced on C2C (20012) and group (10017) sends through
every front door: REST, Palaver's protocol, the Python SDK (the official SDK's
case is in test_tencent_people.py)."""

from __future__ import annotations

from typing import Any

from conftest import RunningServer
from palaver.client import Chat, ChatError
from test_ws_social import online

CFG = "openconfigsvr"
FOREVER = 4294967295
TEXT = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]


async def mute(server: RunningServer, user: str, **times: int) -> dict[str, Any]:
    return await server.ok(CFG, "setnospeaking", {"Set_Account": user, **times})


async def c2c(server: RunningServer, frm: str, to: str, random: int) -> dict[str, Any]:
    body = {"From_Account": frm, "To_Account": to, "MsgRandom": random, "MsgBody": TEXT}
    return await server.rest("openim", "sendmsg", body)


async def group_send(server: RunningServer, gid: str, frm: str, random: int) -> dict[str, Any]:
    body = {"GroupId": gid, "From_Account": frm, "Random": random, "MsgBody": TEXT}
    return await server.rest("group_open_http_svc", "send_group_msg", body)


async def make_group(server: RunningServer, owner: str, *members: str) -> str:
    r = await server.ok(
        "group_open_http_svc",
        "create_group",
        {
            "Owner_Account": owner,
            "Type": "Public",
            "Name": "g",
            "MemberList": [{"Member_Account": m} for m in members],
        },
    )
    return str(r["GroupId"])


async def test_set_and_get_with_their_errors(server: RunningServer) -> None:
    await server.import_users("a")
    got = await server.ok(CFG, "getnospeaking", {"Get_Account": "a"})
    assert (got["C2CmsgNospeakingTime"], got["GroupmsgNospeakingTime"]) == (0, 0)
    await mute(server, "a", C2CmsgNospeakingTime=FOREVER, GroupmsgNospeakingTime=7200)
    got = await server.ok(CFG, "getnospeaking", {"Get_Account": "a"})
    assert got["C2CmsgNospeakingTime"] == FOREVER
    assert 7190 <= got["GroupmsgNospeakingTime"] <= 7200
    # one of them only: the other stays
    await mute(server, "a", C2CmsgNospeakingTime=0)
    got = await server.ok(CFG, "getnospeaking", {"Get_Account": "a"})
    assert got["C2CmsgNospeakingTime"] == 0 and got["GroupmsgNospeakingTime"] > 7000

    for command, body, code in [
        ("setnospeaking", {"Set_Account": "a"}, 130008),
        ("setnospeaking", {"C2CmsgNospeakingTime": 5}, 130004),
        ("setnospeaking", {"Set_Account": "ghost", "C2CmsgNospeakingTime": 5}, 130005),
        ("setnospeaking", {"Set_Account": "a", "C2CmsgNospeakingTime": -1}, 130005),
        ("setnospeaking", {"Set_Account": "a", "C2CmsgNospeakingTime": FOREVER + 1}, 130005),
        ("getnospeaking", {}, 130004),
        ("getnospeaking", {"Get_Account": "ghost"}, 130005),
    ]:
        r = await server.rest(CFG, command, body)
        assert (r["ActionStatus"], r["ErrorCode"]) == ("FAIL", code), (body, r)
    r = await server.rest(CFG, "getnospeaking", raw=b"{nope")
    assert r["ErrorCode"] == 130001
    # an App admin's command only
    r = await server.rest(
        CFG, "getnospeaking", {"Get_Account": "a"}, identifier="a", usersig=server.sig("a")
    )
    assert r["ErrorCode"] == 60010


async def test_mutes_refuse_sends_in_every_front_door(server: RunningServer) -> None:
    alice, bob = await online(server, "alice", "bob")
    gid = await make_group(server, "bob", "alice")
    await mute(server, "alice", C2CmsgNospeakingTime=3600)
    # C2C refused (REST, client protocol); group sends still go
    assert (await c2c(server, "alice", "bob", 1))["ErrorCode"] == 20012
    assert await alice.fails("sendMessage", {"to": "bob", "payload": {"text": "x"}}) == 20012
    assert (await group_send(server, gid, "alice", 2))["ErrorCode"] == 0
    # the others are not muted
    assert (await c2c(server, "bob", "alice", 3))["ErrorCode"] == 0

    await mute(server, "alice", C2CmsgNospeakingTime=0, GroupmsgNospeakingTime=FOREVER)
    assert (await c2c(server, "alice", "bob", 4))["ErrorCode"] == 0
    assert (await group_send(server, gid, "alice", 5))["ErrorCode"] == 10017
    group_msg = {"to": gid, "conversationType": "GROUP", "payload": {"text": "x"}}
    assert await alice.fails("sendMessage", group_msg) == 10017

    await mute(server, "alice", GroupmsgNospeakingTime=0)
    assert (await group_send(server, gid, "alice", 6))["ErrorCode"] == 0
    await alice.ok("sendMessage", group_msg)

    # the Python SDK's send rejects with the code
    await server.import_users("carol")
    await server.ok(
        "group_open_http_svc",
        "add_group_member",
        {"GroupId": gid, "MemberList": [{"Member_Account": "carol"}]},
    )
    await mute(server, "carol", GroupmsgNospeakingTime=FOREVER)
    chat = Chat.create(server.app.sdkappid, server.url)
    await chat.login(user_id="carol", user_sig=server.sig("carol"))
    try:
        message = chat.create_text_message(to=gid, conversation_type="GROUP", payload={"text": "y"})
        try:
            await chat.send_message(message)
        except ChatError as exc:
            assert exc.code == 10017
        else:
            raise AssertionError("a muted group send went through")
    finally:
        await chat.logout()
