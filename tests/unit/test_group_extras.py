"""Group attributes, counters and bans at the service level: the write conflict
of a stale attribute sequence, counter bounds, and how long a ban lasts."""

from __future__ import annotations

import pytest

from palaver.errors import ImError
from palaver.model.events import GroupAttributesChanged
from palaver.services.groups import MemberSpec
from palaver.storage import userdata

from .conftest import World


async def team(w: World) -> str:
    await w.users("alice", "bob")
    g = await w.groups.lifecycle.create(
        w.app, "alice", admin=False, type="Public", name="g", members=[MemberSpec("bob")]
    )
    return g.group_id


async def test_a_write_based_on_an_old_sequence_conflicts(world: World) -> None:
    gid = await team(world)
    attrs = world.groups.attributes
    seq, _ = await attrs.write(world.app, "alice", gid, "init", {"a": "1"}, seen=0)
    assert seq == 1
    seq, now = await attrs.write(world.app, "bob", gid, "set", {"b": "2"}, seen=1)
    assert (seq, now) == (2, {"a": "1", "b": "2"})
    with pytest.raises(ImError) as err:
        await attrs.write(world.app, "alice", gid, "set", {"c": "3"}, seen=1)
    assert err.value.code == 10056
    assert await attrs.get(world.app, "alice", gid) == (2, {"a": "1", "b": "2"})
    notices = world.publisher.of("group_notice")
    assert [n[3].seq for n in notices if isinstance(n[3], GroupAttributesChanged)] == [1, 2]
    with pytest.raises(ImError) as err:
        await attrs.write(world.app, None, gid, "rename")
    assert err.value.code == 10004
    too_big = {f"k{i}": "v" * 1000 for i in range(16)}  # 16 keys, > 16,000 bytes
    with pytest.raises(ImError) as err:
        await attrs.write(world.app, None, gid, "init", too_big)
    assert err.value.code == 10004


async def test_counters_stay_within_64_bits(world: World) -> None:
    gid = await team(world)
    counters = world.groups.counters
    top = (1 << 63) - 1
    assert (await counters.update(world.app, "bob", gid, "Set", {"n": top}))[1] == {"n": top}
    with pytest.raises(ImError) as err:
        await counters.update(world.app, "bob", gid, "Increase", {"n": 1})
    assert err.value.code == 10004
    with pytest.raises(ImError) as err:
        await counters.update(world.app, "bob", gid, "Set", {})
    assert err.value.code == 10004
    seq, values = await counters.get(world.app, "alice", gid)
    assert (seq, values) == (1, {"n": top})


async def test_a_ban_ends(world: World) -> None:
    gid = await team(world)
    await world.groups.bans.ban(world.app, "admin", gid, ["bob"], 60)
    assert await world.groups.directory.member(world.app, gid, "bob") is None
    with pytest.raises(ImError) as err:
        await world.groups.members.join(world.app, "bob", gid)
    assert err.value.code == 10007
    world.clock.advance(61)
    assert await world.groups.bans.banned(world.app, gid, offset=0, limit=10) == ([], 0)
    assert await world.groups.members.join(world.app, "bob", gid) in (
        "WaitAdminApproval",
        "JoinedSuccess",
    )


async def test_erasing_an_account_drops_its_bans(world: World) -> None:
    gid = await team(world)
    await world.groups.bans.ban(world.app, "admin", gid, ["bob"], 600)
    async with world.db.read() as conn:
        assert (await userdata.relations(conn, world.app.sdkappid, "bob"))["group_bans"] != []
    async with world.db.write() as conn:
        done = await userdata.erase(conn, world.app.sdkappid, "bob", redact=False)
    assert done["group_bans"] == 1
    assert await world.groups.bans.banned(world.app, gid, offset=0, limit=10) == ([], 0)
