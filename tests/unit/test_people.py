"""Issue 17's people features through the services, with fake ports: friend
groups (what they store, the codes, what they publish)."""

from __future__ import annotations

import pytest

from palaver.errors import ImError
from palaver.model.events import EventKind, UserStatus, UserStatusChanged
from palaver.services.mutes import FOREVER, GlobalMutes
from palaver.services.push_all import Condition, PushToEveryone
from palaver.services.sns import MAX_FRIEND_GROUPS, FriendAdd
from palaver.services.user_status import UserStatusService
from palaver.storage import messages as msg_store

from .conftest import World


async def friends(w: World, owner: str, *peers: str) -> None:
    items = [FriendAdd(p, "AddSource_Type_Web") for p in peers]
    assert all(r.ok for r in await w.sns.friends.add(w.app, owner, items))


async def test_friend_groups_create_fill_rename_delete(world: World) -> None:
    await world.users("a", "b", "c", "d")
    await friends(world, "a", "b", "c")
    fg = world.sns.friend_groups
    world.publisher.clear()
    results, seq = await fg.create(world.app, "a", ["x", "y"], ["b", "d", "nobody", "b"])
    assert [(r.peer, r.code) for r in results] == [("b", 0), ("d", 32216), ("nobody", 30003)]
    kinds = [(e.user_id, e.kind) for e in world.publisher.events()]
    assert kinds == [("a", EventKind.FRIEND_GROUPS), ("a", EventKind.FRIENDS)]
    got = await fg.get(world.app, "a")
    assert [(g.name, g.members) for g in got.groups] == [("x", ("b",)), ("y", ("b",))]
    assert got.sequence == seq

    for bad in (["x"], [""], ["n" * 31], []):
        with pytest.raises(ImError) as err:
            await fg.create(world.app, "a", bad)
        assert err.value.code == 30001
    with pytest.raises(ImError) as err:
        await fg.create(world.app, "a", [f"g{i}" for i in range(MAX_FRIEND_GROUPS - 1)])
    assert err.value.code == 30001
    with pytest.raises(ImError) as err:
        await fg.create(world.app, "nobody", ["z"])
    assert err.value.code == 30003

    changed = await fg.update(world.app, "a", "x", new_name="z", add=["c"], remove=["b", "d"])
    assert [(r.peer, r.code, added) for r, added in changed] == [
        ("c", 0, True),
        ("b", 0, False),
        ("d", 32216, False),
    ]
    got = await fg.get(world.app, "a", ["z", "x", "y"])
    assert [(g.name, g.members) for g in got.groups] == [("z", ("c",)), ("y", ("b",))]
    for name, new in (("x", None), ("z", "y"), ("z", "")):
        with pytest.raises(ImError) as err:
            await fg.update(world.app, "a", name, new_name=new)
        assert err.value.code == 30001

    # a group named only by a friend's data exists too, and can be deleted
    await world.sns.friends.add(
        world.app, "d", [FriendAdd("b", "AddSource_Type_Web", group_name="old")]
    )
    assert [g.name for g in (await fg.get(world.app, "d")).groups] == ["old"]
    await fg.delete(world.app, "d", ["old"])
    assert (await fg.get(world.app, "d")).groups == []

    seq2 = await fg.delete(world.app, "a", ["y", "z"])
    assert seq2 != seq and (await fg.get(world.app, "a")).groups == []
    [b] = await world.sns.friends.get_profiles(world.app, "a", ["b"], ["Tag_SNS_IM_Group"])
    assert b.items == [("Tag_SNS_IM_Group", [])]
    with pytest.raises(ImError) as err:
        await fg.delete(world.app, "a", ["y"])
    assert err.value.code == 30001


async def test_global_mutes_end_by_themselves(world: World) -> None:
    await world.users("a")
    mutes = GlobalMutes(world.db, world.clock)
    await mutes.check(world.app, "a", "C2C")
    await mutes.set(world.app, "a", 60, FOREVER)
    state = await mutes.get(world.app, "a")
    assert (state.c2c, state.group) == (60, FOREVER)
    for kind, code in (("C2C", 20012), ("Group", 10017)):
        with pytest.raises(ImError) as err:
            await mutes.check(world.app, "a", kind)
        assert err.value.code == code
    world.clock.advance(61)
    await mutes.check(world.app, "a", "C2C")
    assert (await mutes.get(world.app, "a")).c2c == 0
    await mutes.set(world.app, "a", None, 0)
    await mutes.check(world.app, "a", "Group")
    for args, code in (((None, None), 130008), ((-1, None), 130005)):
        with pytest.raises(ImError) as err:
            await mutes.set(world.app, "a", *args)
        assert err.value.code == code
    for user in ("nobody", ""):
        with pytest.raises(ImError) as err:
            await mutes.get(world.app, user)
        assert err.value.code == 130005


async def test_user_status_subscriptions_and_pushes(world: World) -> None:
    await world.users("a", "b")
    status = UserStatusService(world.db, world.publisher, world.presence)
    found, failed = await status.get(world.app, ["b", "nobody", "b"])
    assert found == [UserStatus("b", 2, "")]
    assert [(f.user_id, f.code) for f in failed] == [("nobody", 70107)]
    assert [f.user_id for f in await status.subscribe(world.app, "a", ["b", "nobody"])] == [
        "nobody"
    ]
    world.presence.platforms["b"] = ["Web"]
    world.publisher.clear()
    await status.changed(world.app, "b")
    [call] = world.publisher.of("notice")
    assert call[2] == ["a"] and call[3] == UserStatusChanged((UserStatus("b", 1, ""),))
    world.publisher.clear()
    assert await status.set_custom(world.app, "b", "busy") == UserStatus("b", 1, "busy")
    [call] = world.publisher.of("notice")
    assert call[2] == ["a", "b"]
    for bad in ([], [f"u{i}" for i in range(501)]):
        with pytest.raises(ImError) as err:
            await status.get(world.app, bad)
        assert err.value.code == 6017
    with pytest.raises(ImError) as err:
        await status.set_custom(world.app, "b", "x" * 101)
    assert err.value.code == 6017
    await status.unsubscribe(world.app, "a", ["b"])
    world.publisher.clear()
    await status.changed(world.app, "b")
    assert world.publisher.of("notice") == []
    await status.subscribe(world.app, "a", ["b"])
    assert await status.unsubscribe(world.app, "a", None) == []
    await status.changed(world.app, "b")
    assert world.publisher.of("notice") == []


def test_push_conditions_select_by_tags_or_attributes() -> None:
    assert Condition().empty and Condition().matches([], {})
    assert Condition(tags_or=("a", "b")).matches(["b"], {})
    assert not Condition(tags_or=("a",)).matches(["b"], {})
    assert Condition(tags_and=("a", "b")).matches(["a", "b", "c"], {})
    assert not Condition(tags_and=("a", "b")).matches(["a"], {})
    assert Condition(attrs_or={"c": "x", "d": "y"}).matches([], {"d": "y"})
    assert not Condition(attrs_or={"c": "x"}).matches([], {"c": "z"})
    assert Condition(attrs_and={"c": "x", "d": "y"}).matches([], {"c": "x", "d": "y"})
    assert not Condition(attrs_and={"c": "x", "d": "y"}).matches([], {"c": "x"})
    for bad in (Condition(tags_or=("a",), attrs_and={"c": "x"}), Condition(tags_or=("",))):
        with pytest.raises(ImError) as err:
            bad.check()
        assert err.value.code == 90001


async def test_push_to_everyone_sends_in_the_background(world: World) -> None:
    await world.users("boss", "a", "b", "c")
    push = PushToEveryone(world.db, world.messages)
    await push.add_tags(world.app, {"a": ["x"], "b": ["x", "y"]})
    assert (await push.tags(world.app, ["a", "b", "c"]))[0] == {
        "a": ["x"],
        "b": ["x", "y"],
        "c": [],
    }
    body = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]
    _, targets = await push.push(
        world.app, "boss", 1, body, lifetime=60, condition=Condition(tags_or=("x",))
    )
    assert targets == ["a", "b"]
    await push.settled()
    async with world.db.read() as conn:
        for user in ("a", "b", "c"):
            rows = await msg_store.history(
                conn,
                world.app.sdkappid,
                user,
                msg_store.c2c_conv_id("boss", user),
                after_seq=0,
                before_seq=None,
                min_time=None,
                max_time=None,
                limit=5,
            )
            assert len(rows) == (1 if user != "c" else 0), user
    _, everyone = await push.push(world.app, "boss", 2, body)
    assert set(everyone) >= {"a", "b", "c"} and "boss" not in everyone
    await push.close()
    with pytest.raises(ImError) as err:
        await push.add_tags(world.app, {"a": [f"t{i}" for i in range(10)]})
    assert err.value.code == 90001
    assert await push.remove_tags(world.app, {"a": None, "nobody": ["x"]}) == ["nobody"]
    with pytest.raises(ImError) as err:
        await push.set_attr_names(world.app, {"x": "city"})
    assert err.value.code == 90001
    await push.set_attr_names(world.app, {"0": "city"})
    assert await push.attr_names(world.app) == {"0": "city"}
    assert await push.set_attrs(world.app, {"a": {"city": "Oslo"}, "nobody": {}}) == ["nobody"]
    assert (await push.attrs(world.app, ["a"]))[0] == {"a": {"city": "Oslo"}}
    await push.remove_attrs(world.app, {"a": ["city"]})
    assert (await push.attrs(world.app, ["a"]))[0] == {"a": {}}


async def test_a_deleted_account_takes_its_people_rows_along(world: World) -> None:
    await world.users("a", "b")
    await friends(world, "a", "b")
    await world.sns.friend_groups.create(world.app, "a", ["x"], ["b"])
    mutes = GlobalMutes(world.db, world.clock)
    await mutes.set(world.app, "a", FOREVER, None)
    status = UserStatusService(world.db, world.publisher, world.presence)
    await status.subscribe(world.app, "b", ["a"])
    await status.set_custom(world.app, "a", "here")
    await world.accounts.delete(world.app, ["a"])
    await world.users("a")  # the same ID again: a new account, nothing carried over
    assert (await world.sns.friend_groups.get(world.app, "a")).groups == []
    assert (await mutes.get(world.app, "a")).c2c == 0
    assert (await status.get(world.app, ["a"]))[0] == [UserStatus("a", 2, "")]
    world.publisher.clear()
    await status.changed(world.app, "a")
    assert world.publisher.of("notice") == []
