"""Accounts (``AccountService``) and profiles (``ProfileService``): limits,
deletes that kick, presence through the port, profile changes told to friends."""

from __future__ import annotations

import pytest

from palaver.errors import ImError
from palaver.model.events import EventKind, ProfileChanged
from palaver.services.accounts import ImportItem
from palaver.services.sns import FriendAdd

from .conftest import World

NICK = "Tag_Profile_IM_Nick"


async def test_imports_are_idempotent_and_bounded(world: World) -> None:
    assert await world.accounts.import_accounts(world.app, [ImportItem("alice", nick="Al")]) == []
    assert await world.accounts.import_accounts(world.app, [ImportItem("alice")]) == []
    assert (await world.profiles.get(world.app, ["alice"], [NICK]))["alice"][NICK] == "Al"
    with pytest.raises(ImError) as err:
        await world.accounts.import_accounts(world.app, [ImportItem("bad id\n")])
    assert err.value.code == 70402
    await world.settings(max_accounts=3)  # alice and the app admin count
    failed = await world.accounts.import_accounts(
        world.app, [ImportItem("bob"), ImportItem("carol")]
    )
    assert failed == ["carol"]  # one over the limit
    with pytest.raises(ImError) as err:
        await world.accounts.import_accounts(world.app, [ImportItem("dave")])
    assert err.value.code == 70398
    assert await world.accounts.existing(world.app, ["alice", "bob", "carol"]) == {"alice", "bob"}
    with pytest.raises(ImError) as err:
        await world.accounts.require(world.app, ["alice", "carol"], 90012)
    assert err.value.code == 90012 and "carol" in err.value.info


async def test_a_deleted_account_is_kicked_and_gone(world: World) -> None:
    await world.users("alice")
    assert await world.accounts.existing(world.app, ["alice"]) == {"alice"}  # now cached
    world.publisher.clear()
    assert await world.accounts.delete(world.app, ["alice", "ghost"]) == {
        "alice": 0,
        "ghost": 70107,
    }
    assert world.publisher.calls == [
        ("kick", world.app.sdkappid, "alice", "REST_API_Kick", None, None)
    ]
    assert await world.accounts.existing(world.app, ["alice"]) == set()
    assert await world.accounts.kicked_at(world.app, "alice") is None
    with pytest.raises(ImError) as err:
        await world.accounts.kick(world.app, "alice")
    assert err.value.code == 70107


async def test_online_status_comes_from_the_presence_port(world: World) -> None:
    await world.users("alice", "bob")
    world.presence.platforms["alice"] = ["Web", "iPad"]
    status = await world.accounts.online_status(world.app, ["alice", "bob"])
    assert status == {"alice": ["Web", "iPad"], "bob": []}


async def test_a_profile_change_is_told_to_the_user_and_their_friends(world: World) -> None:
    await world.users("alice", "bob", "carol")
    await world.sns.friends.add(
        world.app, "bob", [FriendAdd("alice", "AddSource_Type_Web")], both=False
    )
    world.publisher.clear()
    profile = await world.profiles.set(world.app, "alice", [(NICK, "first"), (NICK, "Alice")])
    assert profile[NICK] == "Alice"  # a tag given twice keeps its last value
    told = world.publisher.events()
    assert sorted(e.user_id for e in told) == ["alice", "bob"]  # carol is no friend
    assert all(e.kind == EventKind.PROFILE and isinstance(e.payload, ProfileChanged) for e in told)
    assert told[0].payload.profile["nick"] == "Alice"  # type: ignore[union-attr]
    world.publisher.clear()
    with pytest.raises(ImError) as err:  # all or nothing: a bad pair writes nothing
        await world.profiles.set(world.app, "alice", [(NICK, "x"), ("Tag_Profile_IM_Gender", "No")])
    assert err.value.code in (40605, 40009, 40601, 40610)
    assert world.publisher.calls == []
    assert (await world.profiles.get(world.app, ["alice"], [NICK]))["alice"][NICK] == "Alice"
    with pytest.raises(ImError) as err:
        await world.profiles.set(world.app, "ghost", [(NICK, "x")])
    assert err.value.code == 40003
    assert await world.profiles.allow_type(world.app, "alice") == "AllowType_Type_AllowAny"
