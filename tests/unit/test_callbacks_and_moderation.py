"""Callbacks (issue 12) and moderation in the unit layer: the callback service with a fake
transport (the CallbackTransport port) on a real database and a fake clock, the outbox's
order, retries and dead letters, and the word filter. The HTTP side is tested end to end
in tests/e2e/test_callbacks.py."""

from __future__ import annotations

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
    world: World, *commands: str, **settings: Any
) -> tuple[CallbackService, FakeTransport]:
    """A callback service (and moderation) in the world's send pipeline."""
    transport = FakeTransport()
    cbs = CallbackService(
        world.db,
        world.apps,
        transport,
        world.clock,
        retry_base=1.0,
        presence=FakePresence(),
        worker=False,
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
    for answer, code in (({"ErrorCode": 1}, 10016), ({"ErrorCode": 125000}, 125000)):
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
    """The group offline-push hook lists the offline members, through the DND gate."""
    await world.users("alice", "bob", "carol")
    cbs, _ = await wired(world)
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
    assert await cbs.offline_members(world.app, g.group_id, "alice") == []
    await world.settings(callback_offline_members_max=2)
    assert await cbs.offline_members(world.app, g.group_id, "alice") is None
