"""Login and resume planning (``SessionService``) and conversation lists
(``ConversationService``), with a fake clock and a recording publisher."""

from __future__ import annotations

import time

import pytest

from palaver.errors import ImError
from palaver.model.events import ConversationChanged, EventKind
from palaver.services.groups import GroupSendOptions, MemberSpec
from palaver.services.messages import SendOptions
from palaver.services.sessions import GROUP_REPLAY_LIMIT
from palaver.storage import events as ev_store
from palaver.usersig import gen_usersig_v2

from .conftest import SDKAPPID, SECRET, T0, World

TEXT = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]


async def c2c(w: World, frm: str, to: str, random: int) -> None:
    await w.messages.send_c2c(w.app, frm, to, TEXT, random, SendOptions())


async def test_who_may_log_in(world: World) -> None:
    await world.users("alice")
    sig = gen_usersig_v2(SDKAPPID, SECRET, "alice", 3600, now=int(T0))
    who = await world.sessions.authenticate(SDKAPPID, "alice", sig)
    assert (who.user_id, who.issued, who.expires) == ("alice", int(T0), int(T0) + 3600)
    codes = []
    for app_id, user, s in (
        (42, "alice", sig),  # no such app
        (SDKAPPID, "bob", gen_usersig_v2(SDKAPPID, SECRET, "bob", 3600)),  # not imported
        (SDKAPPID, "bob", sig),  # another user's UserSig
    ):
        with pytest.raises(ImError) as err:
            await world.sessions.authenticate(app_id, user, s)
        codes.append(err.value.code)
    assert codes == [70020, 70107, 70013]
    # a REST kick voids the UserSigs issued before it (accounts read the system clock)
    before = gen_usersig_v2(SDKAPPID, SECRET, "alice", 3600, now=int(time.time()) - 10)
    await world.sessions.authenticate(SDKAPPID, "alice", before)
    await world.accounts.kick(world.app, "alice")
    with pytest.raises(ImError) as err:
        await world.sessions.authenticate(SDKAPPID, "alice", before)
    assert err.value.code == 70052


async def test_a_session_key_logs_in_again_until_the_usersig_would_expire(world: World) -> None:
    await world.users("alice")
    sig = gen_usersig_v2(SDKAPPID, SECRET, "alice", 3600, now=int(T0))
    who = await world.sessions.authenticate(SDKAPPID, "alice", sig)
    key = await world.sessions.issue_key(who)
    again = await world.sessions.authenticate_key(key, int(T0) + 3599)
    assert (again.user_id, again.expires) == ("alice", who.expires)
    codes = []
    for token, now in ((key, int(T0) + 3600), ("garbage", int(T0)), (key[:-2] + "xx", int(T0))):
        with pytest.raises(ImError) as err:
            await world.sessions.authenticate_key(token, now)
        codes.append(err.value.code)
    assert codes[0] == 70001 and codes[1] in (70003, 70020) and codes[2] == 70003


async def test_a_new_login_kicks_what_the_policy_says(world: World) -> None:
    await world.sessions.open(world.app, "alice", "conn-2", "Web")
    assert world.publisher.calls[-1] == (
        "kick",
        SDKAPPID,
        "alice",
        "multipleDevice",
        "conn-2",
        "Web",
    )
    await world.settings(login_policy="single")
    await world.sessions.open(world.app, "alice", "conn-3", "Android")
    assert world.publisher.calls[-1] == (
        "kick",
        SDKAPPID,
        "alice",
        "multipleAccount",
        "conn-3",
        None,
    )


async def test_resume_plans(world: World) -> None:
    await world.users("alice", "bob")
    for i in range(3):
        await c2c(world, "bob", "alice", i)  # alice's stream: 1, 2, 3
    new = await world.sessions.plan(world.app, "alice", None)
    assert (new.head, new.cursor, new.resync) == (3, 3, False)  # a new client starts at the end
    back = await world.sessions.plan(world.app, "alice", 1)
    assert (back.cursor, back.resync) == (1, False)
    ahead = await world.sessions.plan(world.app, "alice", 99)
    assert ahead.cursor == 3  # a cursor past the head resumes at the head
    # away longer than the events are kept: resume at the head and refetch
    async with world.db.write() as conn:
        await ev_store.purge_before(conn, int(T0) + 1)
    await c2c(world, "bob", "alice", 9)
    gone = await world.sessions.plan(world.app, "alice", 1)
    assert (gone.cursor, gone.resync) == (4, True)


async def test_group_resume_positions(world: World) -> None:
    await world.users("alice", "bob")
    g = await world.groups.lifecycle.create(
        world.app,
        "alice",
        admin=False,
        type="Public",
        name="g",
        members=[MemberSpec("bob")],
        silence=True,
    )
    for i in range(GROUP_REPLAY_LIMIT + 5):
        await world.groups.messages.send(
            world.app, g.group_id, "alice", TEXT, i, GroupSendOptions()
        )
    top = GROUP_REPLAY_LIMIT + 5
    new = await world.sessions.plan(world.app, "bob", None)
    assert new.group_cursors == {g.group_id: top} and new.truncated == []
    old = await world.sessions.plan(world.app, "bob", 0, {g.group_id: 2})
    assert old.group_cursors == {g.group_id: top - GROUP_REPLAY_LIMIT}  # cut to the limit
    assert old.truncated == [g.group_id]
    near = await world.sessions.plan(world.app, "bob", 0, {g.group_id: top - 1})
    assert near.group_cursors == {g.group_id: top - 1} and near.truncated == []
    joined = await world.sessions.plan(world.app, "bob", 0)
    assert joined.group_cursors[g.group_id] == top - GROUP_REPLAY_LIMIT  # from the join, cut


async def test_conversation_list_order_pins_and_deletes(world: World) -> None:
    await world.users("alice", "bob", "carol")
    await c2c(world, "bob", "alice", 1)
    world.clock.advance(5)
    await c2c(world, "carol", "alice", 2)
    convs = await world.conversations.list(world.app, "alice")
    assert [(c.peer, c.unread) for c in convs] == [("carol", 1), ("bob", 1)]  # newest first
    assert convs[0].conversation_id == "C2Ccarol"
    world.publisher.clear()
    await world.conversations.pin(world.app, "alice", 1, "bob", True)
    assert [c.peer for c in await world.conversations.list(world.app, "alice")] == ["bob", "carol"]
    [event] = world.publisher.events()
    assert (event.user_id, event.kind) == ("alice", EventKind.CONV_CHANGED)
    assert isinstance(event.payload, ConversationChanged)
    await world.conversations.delete(world.app, "alice", 1, "bob", clear_history=True)
    assert [c.peer for c in await world.conversations.list(world.app, "alice")] == ["carol"]
    assert (await world.messages.history(world.app, "alice", "bob", limit=5)).messages == []
    assert len((await world.messages.history(world.app, "bob", "alice", limit=5)).messages) == 1
    with pytest.raises(ImError) as err:
        await world.conversations.delete(world.app, "alice", 3, "bob", clear_history=False)
    assert err.value.code == 50002
    await c2c(world, "bob", "alice", 3)  # a new message brings it back
    assert [c.peer for c in await world.conversations.list(world.app, "alice")] == ["bob", "carol"]
