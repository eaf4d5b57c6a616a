"""Callbacks (issue 12) and moderation in the unit layer: the callback service with a fake
transport (the CallbackTransport port) on a real database and a fake clock, the outbox's
order, retries and dead letters, and the word filter. The HTTP side is tested end to end
in tests/e2e/test_callbacks.py."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Any

import orjson
import pytest

from palaver.errors import ImError
from palaver.services.callback_delivery import delivery_body, sign
from palaver.services.callbacks import CallbackService
from palaver.services.groups import MemberSpec
from palaver.services.messages import SendOptions
from palaver.services.moderation import ModerationService, WordFilter, normalize
from palaver.services.send_rules import SendRules
from palaver.services.sending import SendPipeline, SendSource
from palaver.storage import callbacks as store

from .conftest import FakePresence, World

C2C_AFTER = "C2C.CallbackAfterSendMsg"
C2C_BEFORE = "C2C.CallbackBeforeSendMsg"
TEXT = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]


class FakeTransport:
    """The CallbackTransport port: records posts; answers from ``answers`` or fails."""

    def __init__(self) -> None:
        self.posts: list[tuple[dict[str, str], dict[str, Any]]] = []
        self.answer: dict[str, Any] = {"ActionStatus": "OK", "ErrorCode": 0}
        self.status = 200
        self.fail: type[Exception] | None = None
        self.closed = False

    async def post(
        self, url: str, params: Mapping[str, str], body: bytes, seconds: float
    ) -> tuple[int, bytes]:
        if self.fail is not None:
            raise self.fail("down")
        self.posts.append((dict(params), orjson.loads(body)))
        return self.status, orjson.dumps(self.answer)

    async def close(self) -> None:
        self.closed = True


async def wired(
    world: World, *commands: str, worker: bool = False, **settings: Any
) -> tuple[CallbackService, FakeTransport]:
    """A callback service (and moderation) in the world's send pipeline; its delivery
    worker runs once started when ``worker``, else the test drives ``run_once``."""
    transport = FakeTransport()
    cbs = CallbackService(
        world.db,
        world.apps,
        transport,
        world.clock,
        retry_base=1.0,
        presence=world.presence,
        worker=worker,
    )
    rules = SendRules(ModerationService(world.db), cbs)
    world.messages._pipeline = SendPipeline(world.writer, rules)
    await world.settings(
        callback_url="http://backend.test/cb",
        callback_token="tok",
        callback_commands=list(commands),
        **settings,
    )
    return cbs, transport


async def send(world: World, text: str, rnd: int, **kw: Any) -> Any:
    body = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]
    opts = SendOptions(source=SendSource(**kw))
    return await world.messages.send_c2c(world.app, "alice", "bob", body, rnd, opts)


def test_sign_is_tencents() -> None:
    # Tencent's documented example
    assert sign("xxxxyyyy", 1669872112) == (
        "17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061"
    )


async def test_before_send_answers(world: World) -> None:
    await world.users("alice", "bob")
    cbs, transport = await wired(world, C2C_BEFORE)
    transport.answer = {"ErrorCode": 0, "MsgBody": TEXT, "CloudCustomData": "x"}
    res = await send(world, "rewrite me", 1)
    assert res.message.body == TEXT and res.message.cloud_custom_data == "x"
    params, body = transport.posts[0]
    assert params["Sign"] == sign("tok", int(params["RequestTime"]))
    assert (
        body["From_Account"] == "alice" and body["MsgBody"][0]["MsgContent"]["Text"] == "rewrite me"
    )
    transport.answer = {"ErrorCode": 2}
    assert (await send(world, "drop", 2)).dropped
    for answer, code in (
        ({"ErrorCode": 1}, 20006),
        ({"ErrorCode": 120002, "ErrorInfo": "no"}, 120002),
        ({"ErrorCode": "x"}, 20006),
    ):
        transport.answer = answer
        with pytest.raises(ImError) as err:
            await send(world, "refused", 3)
        assert err.value.code == code
    transport.status = 500  # fail open
    assert not (await send(world, "open", 4)).dropped
    transport.status, transport.answer = 200, []  # type: ignore[assignment]
    assert not (await send(world, "not an object", 5)).dropped
    await world.settings(callback_fail_closed=[C2C_BEFORE])
    transport.fail = ConnectionError
    with pytest.raises(ImError) as err:
        await send(world, "closed", 6)
    assert err.value.code == 20006
    assert not (
        await send(world, "skip", 7, forbid_callbacks=frozenset({"ForbidBeforeSendMsgCallback"}))
    ).dropped


async def test_after_send_outbox_order_retries_and_dead_letters(world: World) -> None:
    await world.users("alice", "bob")
    cbs, transport = await wired(world, C2C_AFTER, callback_max_attempts=2)
    for i in range(3):
        await send(world, f"m{i}", i)
    transport.fail = TimeoutError
    tried, _ = await cbs.run_once()
    assert tried == 1  # the first fails; the rest of the conversation waits
    async with world.db.read() as conn:
        first = (await store.recent(conn, world.app.sdkappid))[-1]
    assert first.attempts == 1 and first.status == store.PENDING and first.next_ms > 0
    assert (await cbs.run_once())[0] == 0  # not due yet
    world.clock.advance(5)
    assert (await cbs.run_once())[0] == 2  # second try: dead; the next one is tried
    transport.fail = None
    world.clock.advance(5)
    tried, _ = await cbs.run_once()
    assert tried == 2
    assert [b["MsgRandom"] for _, b in transport.posts] == [1, 2]
    assert all(b["MsgKey"] and b["MsgSeq"] for _, b in transport.posts)
    async with world.db.write() as conn:
        st = await store.counts(conn, world.app.sdkappid)
        assert st == {"dead": 1, "delivered": 2}
        assert await store.requeue(conn, world.app.sdkappid, 0, ["dead"]) == 1
    log = await cbs.log(world.app, status="delivered")
    assert len(log) == 2
    assert await cbs.replay(world.app, 0, ["delivered"]) == 2
    assert (await cbs.run_once())[0] == 3
    row = log[0]
    assert delivery_body(row)["MsgSeq"] == row.msg_seq
    await cbs.close()
    assert transport.closed


async def test_events_and_test_samples(world: World) -> None:
    await world.users("alice")
    cbs, transport = await wired(world, "State.StateChange")
    await cbs.event(world.app, "State.StateChange", "state:alice", {"Info": {"Action": "Login"}})
    await cbs.event(world.app, "Profile.CallbackPortraitSet", "p", {})  # not wanted: nothing
    assert (await cbs.run_once())[0] == 1
    assert transport.posts[-1][1]["Info"] == {"Action": "Login"}
    out = await cbs.test(world.app, ["State.StateChange", C2C_AFTER])
    assert [(c, s) for c, s, _, _ in out] == [("State.StateChange", 200), (C2C_AFTER, 200)]
    transport.fail = ConnectionError
    (res,) = await cbs.test(world.app, [C2C_AFTER])
    assert res[1] == 0 and "down" in res[2]
    await cbs.close()


def test_word_filter_normalises() -> None:
    f = WordFilter([("坏蛋", "replace"), ("bad", "block")])
    assert f.apply("你 坏-蛋")[0] == "你 *-*"
    assert [h.mode for h in f.scan("ＢＡＤ 坏蛋")] == ["block", "replace"]
    assert f.apply("ＢＡＤ")[0] == "ＢＡＤ"  # block: left as it is, the caller refuses
    assert not WordFilter([]) and not WordFilter([]).scan("x")
    assert normalize("Ａ\u200bB")[0] == "ab"


async def test_moderation_service(world: World) -> None:
    m = ModerationService(world.db)
    assert await m.check_text(world.app, "anything", who="a", where="w") == "anything"
    assert await m.add(world.app, ["Ｂａｄ", "坏 蛋"], "replace") == ["bad", "坏蛋"]
    with pytest.raises(ImError):
        await m.add(world.app, ["x"], "nope")
    with pytest.raises(ImError):
        await m.add(world.app, [" - "])
    assert await m.check_text(world.app, "so bad", who="a", where="w") == "so ***"
    await m.add(world.app, ["bad"], "block")
    with pytest.raises(ImError) as err:
        await m.check_text(world.app, "so BAD", who="a", where="w")
    assert err.value.code == 80001
    assert await m.words(world.app) == [("bad", "block"), ("坏蛋", "replace")]
    assert await m.delete(world.app, ["BAD", "none"]) == 1


def test_every_command_has_a_sample_for_callbacks_test() -> None:
    from palaver.model import callbacks as cb
    from palaver.services.callbacks import SAMPLES

    assert set(SAMPLES) == set(cb.COMMANDS)
    assert set(cb.COMMANDS) >= cb.BEFORE


async def test_ask_allows_refuses_and_follows_the_fail_mode(world: World) -> None:
    """The before-callbacks of other actions (Sns.CallbackPrevFriendAdd,
    Group.CallbackBeforeCreateGroup, Group.CallbackBeforeApplyJoinGroup)."""
    cmd = "Group.CallbackBeforeApplyJoinGroup"
    cbs, transport = await wired(world)
    body = {"GroupId": "g", "Type": "Public", "Requestor_Account": "bob"}
    assert await cbs.ask(world.app, cmd, body, refused=10016) is None  # not wanted
    assert transport.posts == []
    await world.settings(callback_commands=[cmd])
    app = await world.apps.get(world.app.sdkappid)
    assert app is not None
    transport.answer = {"ErrorCode": 0, "Extra": 1}
    assert await cbs.ask(app, cmd, body, refused=10016) == {"ErrorCode": 0, "Extra": 1}
    params, posted = transport.posts[0]
    assert params["CallbackCommand"] == cmd and posted["CallbackCommand"] == cmd
    assert posted["Requestor_Account"] == "bob" and posted["EventTime"] > 0
    # Tencent's range for group before-callbacks is 10100-10200 (120001-130000 is C2C's)
    for answer, code in (
        ({"ErrorCode": 1}, 10016),
        ({"ErrorCode": 10150, "ErrorInfo": "mine"}, 10150),
        ({"ErrorCode": 125000}, 10016),
    ):
        transport.answer = answer
        with pytest.raises(ImError) as err:
            await cbs.ask(app, cmd, body, refused=10016)
        assert err.value.code == code
    transport.fail = TimeoutError
    assert await cbs.ask(app, cmd, body, refused=10016) is None  # fails open
    await world.settings(callback_fail_closed=[cmd])
    app = await world.apps.get(world.app.sdkappid)
    assert app is not None
    with pytest.raises(ImError) as err:
        await cbs.ask(app, cmd, body, refused=10016)
    assert err.value.code == 10016


async def test_client_sends_a_second(world: World) -> None:
    """SendRules counts a user's client sends (REST is not counted)."""
    await world.users("alice", "bob")
    await wired(world)
    await world.settings(client_sends_per_second=2)
    rules = world.messages._pipeline._hooks
    assert isinstance(rules, SendRules)
    rules._sends._clock = world.clock
    for i in range(2):
        await send(world, "hi", i, platform="Web")
    with pytest.raises(ImError) as err:
        await send(world, "hi", 3, platform="Web")
    assert err.value.code == 60007
    await send(world, "over REST", 4)  # RESTAPI


async def test_offline_members_and_the_push_filter(world: World) -> None:
    """The group offline-push hook lists the offline members when the message is sent;
    the app-wide do-not-disturb gate drops some when the callback is posted."""
    await world.users("alice", "bob", "carol")
    cbs, transport = await wired(world, "Group.CallbackAfterSendMsg")
    world.groups.messages._pipeline = world.messages._pipeline
    g = await world.groups.lifecycle.create(
        world.app,
        "alice",
        admin=False,
        type="Public",
        name="g",
        members=[MemberSpec("bob"), MemberSpec("carol")],
    )
    presence = cbs._presence
    assert isinstance(presence, FakePresence)
    presence.platforms = {"bob": ["Web"]}
    assert await cbs.offline_members(world.app, g.group_id, "alice") == ["carol"]

    async def no_carol(app: Any, conv: str, users: list[str]) -> list[str]:
        assert conv == f"GROUP{g.group_id}"
        return [u for u in users if u != "carol"]

    cbs.push_filter = no_carol
    from palaver.services.groups import GroupSendOptions

    await world.groups.messages.send(world.app, g.group_id, "alice", TEXT, 1, GroupSendOptions())
    presence.platforms = {}
    await world.groups.messages.send(world.app, g.group_id, "alice", TEXT, 2, GroupSendOptions())
    assert (await cbs.run_once())[0] == 2
    lists = [b["OfflineMemberList"] for _, b in transport.posts]
    assert lists == [[], [{"Member_Account": "bob"}]]  # carol: do-not-disturb
    await world.settings(callback_offline_members_max=2)
    assert await cbs.offline_members(world.app, g.group_id, "alice") is None


# --- the callbacks of friend answers, invitations and full groups --------------------------

PREV_RESPONSE = "Sns.CallbackPrevFriendResponse"
BEFORE_INVITE = "Group.CallbackBeforeInviteJoinGroup"
AFTER_FULL = "Group.CallbackAfterGroupFull"
NEW_MEMBER = "Group.CallbackAfterNewMemberJoin"
MEMBER_EXIT = "Group.CallbackAfterMemberExit"


async def test_ask_passes_the_commands_own_codes(world: World) -> None:
    """Each before-callback has Tencent's range of codes the backend may refuse with."""
    cbs, transport = await wired(world, BEFORE_INVITE)
    body = {"GroupId": "g"}
    for answer, code in (
        ({"ErrorCode": 10150, "ErrorInfo": "mine"}, 10150),
        ({"ErrorCode": 125000}, 10016),  # not this command's range
        ({"ErrorCode": 1}, 10016),
    ):
        transport.answer = answer
        with pytest.raises(ImError) as err:
            await cbs.ask(world.app, BEFORE_INVITE, body, refused=10016)
        assert err.value.code == code
    assert err.value.info != "mine"
    # an explicit range wins over the command's
    transport.answer = {"ErrorCode": 125000, "ErrorInfo": "mine"}
    with pytest.raises(ImError) as err:
        await cbs.ask(world.app, BEFORE_INVITE, body, refused=1, own_codes=range(125000, 125001))
    assert (err.value.code, err.value.info) == (125000, "mine")


async def test_friend_answers_ask_the_backend_first(world: World) -> None:
    """A user's answers to friend applications go to Sns.CallbackPrevFriendResponse in
    one request; the backend refuses some (ResultItem: any ResultCode but 0); an ErrorCode
    says it failed: ignored, as Tencent, unless the command fails closed."""
    from palaver.services.sns import FriendAdd, FriendResponse, SnsServices

    await world.users("alice", "bob", "carol", "dave")
    cbs, transport = await wired(world, PREV_RESPONSE)
    sns = SnsServices(world.db, world.publisher, cbs)
    await world.profiles.set(
        world.app, "dave", [("Tag_Profile_IM_AllowType", "AllowType_Type_NeedConfirm")]
    )
    for u in ("alice", "bob", "carol"):
        await sns.friends.add(world.app, u, [FriendAdd("dave", "AddSource_Type_Test")])
    transport.answer = {
        "ErrorCode": 0,
        "ResultItem": [
            {"To_Account": "alice", "ResultCode": 0, "ResultInfo": ""},
            {"To_Account": "bob", "ResultCode": 38005, "ResultInfo": "not bob"},
            {"To_Account": "carol", "ResultCode": 5},  # outside 38000-39000: 38000
        ],
    }
    answers = [
        FriendResponse("alice", remark="al", group_name="mates"),
        FriendResponse("bob"),
        FriendResponse("carol", "Response_Action_Reject"),
        FriendResponse("nobody", "Response_Action_Agree"),
    ]
    got = await sns.applications.respond(world.app, "dave", answers, client=True)
    assert [(r.peer, r.code) for r in got] == [
        ("alice", 0),
        ("bob", 38005),
        ("carol", 38000),
        ("nobody", 30614),
    ]
    assert got[1].info == "not bob"
    ((params, posted),) = transport.posts
    assert params["CallbackCommand"] == PREV_RESPONSE
    assert (posted["Requester_Account"], posted["From_Account"]) == ("dave", "dave")
    assert posted["ResponseFriendItem"][0] == {
        "To_Account": "alice",
        "Remark": "al",
        "TagName": "mates",
        "ResponseAction": "Response_Action_AgreeAndAdd",
    }
    assert posted["ResponseFriendItem"][2]["ResponseAction"] == "Response_Action_Reject"
    pending = await sns.applications.pending(world.app, "dave")
    # bob's and carol's are still pending
    assert sorted(a.from_user for a in pending.applications) == ["bob", "carol"]
    # an ErrorCode: the backend failed; failing closed, the answer is refused with the
    # backend's code in 38000-39000 (else 38000) ...
    await world.settings(callback_fail_closed=[PREV_RESPONSE])
    for answer, code, info in (
        ({"ErrorCode": 38100, "ErrorInfo": "later"}, 38100, "later"),
        ({"ErrorCode": 7, "ErrorInfo": "x"}, 38000, "the app backend failed (ErrorCode 7)"),
    ):
        transport.answer = answer
        with pytest.raises(ImError) as err:
            await sns.applications.respond(world.app, "dave", [FriendResponse("bob")], client=True)
        assert (err.value.code, err.value.info) == (code, info)
    # ... and by default (fail open, as Tencent ignores it) it goes through, the
    # ResultItem of a failed answer unread
    await world.settings(callback_fail_closed=[])
    transport.answer = {"ErrorCode": 38100, "ResultItem": [{"To_Account": "bob", "ResultCode": 1}]}
    (ok,) = await sns.applications.respond(world.app, "dave", [FriendResponse("bob")], client=True)
    assert ok.ok
    # not a user's answer (no client): not asked, as Tencent does not ask REST
    n = len(transport.posts)
    (ok,) = await sns.applications.respond(world.app, "dave", [FriendResponse("carol")])
    assert ok.ok and len(transport.posts) == n


async def test_invitations_ask_the_backend_and_full_groups_are_reported(world: World) -> None:
    """Group.CallbackBeforeInviteJoinGroup refuses some of the invited (not added,
    result 0); a group filled to its MaxMemberNum, or refused for it, sends
    Group.CallbackAfterGroupFull after the join; imports send nothing."""
    from palaver.services.groups import ADD_ALREADY, ADD_FAILED, ADD_OK, GroupServices

    await world.users("alice", "bob", "carol", "dave", "erin")
    cbs, transport = await wired(world, BEFORE_INVITE, AFTER_FULL, NEW_MEMBER)
    groups = GroupServices(
        world.db,
        world.writer,
        world.accounts,
        world.publisher,
        world.presence,
        world.audience,
        world.clock,
        callbacks=cbs,
    )
    g = await groups.lifecycle.create(
        world.app, "alice", admin=False, type="Private", name="g", max_members=4
    )
    transport.answer = {"ErrorCode": 0, "RefusedMembers_Account": ["dave"]}
    got = await groups.members.add(
        world.app, "alice", g.group_id, ["bob", "dave", "bob"], admin=False
    )
    assert got == {"bob": ADD_OK, "dave": ADD_FAILED}
    ((_, asked),) = transport.posts
    assert asked["DestinationMembers"] == [{"Member_Account": "bob"}, {"Member_Account": "dave"}]
    assert (asked["GroupId"], asked["Type"], asked["Operator_Account"]) == (
        g.group_id,
        "Private",
        "alice",
    )
    transport.answer = {"ErrorCode": 0, "RefusedMembers_Account": ["carol"]}  # all refused
    got = await groups.members.add(world.app, "alice", g.group_id, ["carol"], admin=False)
    assert got == {"carol": ADD_FAILED}
    transport.answer = {"ErrorCode": 0}
    got = await groups.members.add(
        world.app, "bob", g.group_id, ["bob", "carol", "erin"], admin=False
    )
    assert got == {"bob": ADD_ALREADY, "carol": ADD_OK, "erin": ADD_OK}  # 4 of 4: full
    assert transport.posts[2][1]["DestinationMembers"] == [
        {"Member_Account": "carol"},
        {"Member_Account": "erin"},
    ]
    with pytest.raises(ImError) as err:
        await groups.members.add(world.app, "alice", g.group_id, ["dave"], admin=False)
    assert err.value.code == 10014
    n = len(transport.posts)
    while (await cbs.run_once())[0]:
        pass
    delivered = [body for _, body in transport.posts[n:]]
    assert [b["CallbackCommand"] for b in delivered] == [
        NEW_MEMBER,
        NEW_MEMBER,
        AFTER_FULL,
        AFTER_FULL,
    ]
    assert delivered[2].keys() == {"CallbackCommand", "GroupId", "EventTime"}
    assert delivered[2]["GroupId"] == g.group_id
    # import_group_member sends no callbacks (Tencent: "without triggering callbacks")
    h = await groups.lifecycle.create(
        world.app, "alice", admin=True, type="Public", name="h", max_members=2
    )
    n = len(transport.posts)
    await groups.members.import_members(world.app, h.group_id, [MemberSpec("bob")])
    assert await cbs.run_once() == (0, cbs.poll) and len(transport.posts) == n


async def test_live_room_joins_and_quits_send_member_callbacks(world: World) -> None:
    """AVChatRoom: joinGroup and quitGroup send the join and exit callbacks for a
    user's first and last connection in the room (on this node)."""
    from palaver.services.groups import GroupServices

    await world.users("alice", "bob")
    cbs, transport = await wired(world, NEW_MEMBER, MEMBER_EXIT)
    groups = GroupServices(
        world.db,
        world.writer,
        world.accounts,
        world.publisher,
        world.presence,
        world.audience,
        world.clock,
        callbacks=cbs,
    )
    g = await groups.lifecycle.create(
        world.app, "alice", admin=False, type="AVChatRoom", name="live"
    )
    assert await groups.members.join(world.app, "bob", g.group_id) == "JoinedSuccess"
    world.audience.followers[g.group_id] = {"bob"}  # the API layer follows the room
    await groups.members.join(world.app, "bob", g.group_id)  # a second connection: no callback
    await groups.members.left_live_room(world.app, "bob", g.group_id)  # one is still in
    world.audience.followers[g.group_id] = set()
    await groups.members.left_live_room(world.app, "bob", g.group_id)
    while (await cbs.run_once())[0]:
        pass
    bodies = [body for _, body in transport.posts]
    assert [(b["CallbackCommand"], b["GroupId"], b["Type"]) for b in bodies] == [
        (NEW_MEMBER, g.group_id, "AVChatRoom"),
        (MEMBER_EXIT, g.group_id, "AVChatRoom"),
    ]
    assert (bodies[0]["JoinType"], bodies[0]["Operator_Account"]) == ("Apply", "bob")
    assert bodies[0]["NewMemberList"] == [{"Member_Account": "bob"}]
    assert (bodies[1]["ExitType"], bodies[1]["ExitMemberList"]) == (
        "Quit",
        [{"Member_Account": "bob"}],
    )


async def test_group_before_send_passes_tencents_group_range(world: World) -> None:
    """Group.CallbackBeforeSendMsg's own codes are 10100-10200 (Tencent's page), not
    C2C's 120001-130000."""
    await world.users("alice", "bob")
    cbs, transport = await wired(world, "Group.CallbackBeforeSendMsg")
    world.groups.messages._pipeline = world.messages._pipeline
    g = await world.groups.lifecycle.create(
        world.app, "alice", admin=False, type="Public", name="g", members=[MemberSpec("bob")]
    )
    from palaver.services.groups import GroupSendOptions

    for answer, code in (
        ({"ErrorCode": 10150, "ErrorInfo": "not here"}, 10150),
        ({"ErrorCode": 120005, "ErrorInfo": "C2C's"}, 10016),
    ):
        transport.answer = answer
        with pytest.raises(ImError) as err:
            await world.groups.messages.send(
                world.app, g.group_id, "bob", TEXT, 1, GroupSendOptions()
            )
        assert err.value.code == code
    assert err.value.info != "C2C's"


async def test_callbacks_trickle_while_the_server_is_saturated_then_catch_up(
    world: World,
) -> None:
    """Issue 12 §5: delivering callbacks never takes the CPU a burst of messages needs.
    While messages keep coming and the event loop's thread is on the CPU all the time,
    the worker waits ``defer_max`` and then posts at most ``busy_scan`` callbacks a pass;
    once the server has CPU to spare, the rest go at once, in order, each once."""
    await world.users("alice", "bob")
    cbs, transport = await wired(world, C2C_AFTER, worker=True)
    ticks = iter(range(10**9))
    cbs._activity = lambda: next(ticks)  # messages keep arriving...
    cbs.cpu_time = time.monotonic  # ...and the loop's thread never rests
    cbs.defer_max = 3600.0  # (no pass while the test sends)
    for i in range(200):
        await send(world, f"m{i}", i)  # the first one starts the worker
    passes: list[tuple[int, int]] = []
    two_passes, all_posted = asyncio.Event(), asyncio.Event()
    run_once = cbs.run_once

    async def counted(*, scan: int = 1000) -> tuple[int, float]:
        done = await run_once(scan=scan)
        passes.append((scan, done[0]))
        if len(passes) == 2:
            two_passes.set()
        if len(transport.posts) == 200:
            all_posted.set()
        return done

    cbs.run_once = counted  # type: ignore[method-assign]
    assert transport.posts == []  # busy: nothing yet
    cbs.defer_max = 0.05  # the worker has waited long enough: small passes
    try:
        await asyncio.wait_for(two_passes.wait(), 10)
        assert all(scan == cbs.busy_scan and 0 < n <= scan for scan, n in passes), passes
        assert len(transport.posts) < 200
        cbs.cpu_time = lambda: 0.0  # the burst is over: the loop has time to spare
        await asyncio.wait_for(all_posted.wait(), 10)
    finally:
        await cbs.close()
    texts = [body["MsgBody"][0]["MsgContent"]["Text"] for _, body in transport.posts]
    assert texts == [f"m{i}" for i in range(200)]
    assert passes[-1][0] == cbs.scan  # the rest in one full pass


async def test_the_fast_lane_stores_the_after_send_callback_with_the_message(
    world: World,
) -> None:
    """Issue 12 §5: a send with ``C2C.CallbackAfterSendMsg`` on takes the send pipeline's
    fast lane (no task, no await) and its outbox row is written with the message, with
    the receiver's online state; a before-send callback still needs the awaiting path."""
    await world.users("alice", "bob")
    cbs, transport = await wired(world, C2C_AFTER)
    world.presence.platforms["bob"] = ["iOS", "Web"]
    await send(world, "warm the caches", 1)
    while (await cbs.run_once())[0]:
        pass
    got: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    opts = SendOptions(source=SendSource())
    assert world.messages.send_c2c_now(world.app, "alice", "bob", TEXT, 2, opts, got.set_result)
    res = await got
    assert res.stored
    assert (await cbs.run_once())[0] == 1
    _, body = transport.posts[-1]
    assert body["MsgKey"] == res.msg_key and body["MsgBody"] == TEXT
    assert (body["To_Account_Online"], body["To_Account_Platforms"]) == (1, ["Web", "iOS"])
    await world.settings(callback_commands=[C2C_AFTER, C2C_BEFORE])
    assert not world.messages.send_c2c_now(world.app, "alice", "bob", TEXT, 3, opts, print)
