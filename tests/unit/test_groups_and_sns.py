"""Groups (``GroupServices``) and relations (``SnsServices``): the rules, what
they store and what they publish, with a fake clock and fake ports."""

from __future__ import annotations

from typing import Any

import pytest

from palaver.errors import ImError
from palaver.model.events import EventKind, MembershipChanged
from palaver.services.groups import GroupSendOptions, MemberSpec
from palaver.services.messages import SendOptions
from palaver.services.sns import FriendAdd
from palaver.storage import group_members as member_store

from .conftest import ADMIN, T0, World

TEXT = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]


async def group(w: World, owner: str, *members: str, **kw: Any) -> str:
    g = await w.groups.lifecycle.create(
        w.app,
        owner,
        admin=False,
        type=kw.pop("type", "Public"),
        name="g",
        members=[MemberSpec(m) for m in members],
        **kw,
    )
    return g.group_id


async def gsend(w: World, gid: str, sender: str, random: int, **opts: Any) -> Any:
    return await w.groups.messages.send(w.app, gid, sender, TEXT, random, GroupSendOptions(**opts))


def tips(w: World) -> list[int]:
    """OpTypes of the group tips published so far."""
    return [
        c[2].body[0]["MsgContent"]["OpType"]
        for c in w.publisher.of("group_message")
        if c[2].body[0]["MsgType"] == "TIMGroupTipElem"
    ]


async def test_create_publishes_memberships_and_a_join_tip(world: World) -> None:
    await world.users("alice", "bob", "carol")
    gid = await group(world, "alice", "bob", "carol")
    joined = [e for e in world.publisher.events() if e.kind == EventKind.GROUP]
    assert sorted(e.user_id for e in joined) == ["alice", "bob", "carol"]
    assert all(isinstance(e.payload, MembershipChanged) for e in joined)
    assert tips(world) == [1]  # bob and carol joined
    g = await world.groups.directory.get(world.app, gid)
    assert (g.owner, g.member_num, g.type, g.created_at) == ("alice", 3, "Public", int(T0))


async def test_a_group_message_is_one_publish_for_the_whole_group(world: World) -> None:
    await world.users("alice", "bob", "carol")
    gid = await group(world, "alice", "bob", "carol", silence=True)
    world.publisher.clear()
    r = await gsend(world, gid, "bob", 1, origin="conn-b")
    [(kind, _, message, origin)] = world.publisher.calls
    assert (kind, origin) == ("group_message", "conn-b")
    assert message == r.message and message.seq == 1 and r.stored
    assert await world.groups.reads.unread(world.app, "carol", gid) == 1
    assert await world.groups.reads.unread(world.app, "bob", gid) == 0  # one's own
    # online-only: pushed, never stored
    world.publisher.clear()
    r = await gsend(world, gid, "bob", 2, online_only=True)
    assert not r.stored and world.publisher.calls[0][0] == "group_message"
    page = await world.groups.messages.history(world.app, gid, "carol", limit=10)
    assert [m.random for m in page.messages] == [1]


async def test_who_may_send_to_a_group(world: World) -> None:
    await world.users("alice", "bob", "dave")
    gid = await group(world, "alice", "bob", silence=True)
    codes = []
    for gid_, sender in ((gid, "dave"), ("@TGS#nope", "alice")):
        with pytest.raises(ImError) as err:
            await gsend(world, gid_, sender, 1)
        codes.append(err.value.code)
    assert codes == [10007, 10010]
    # a mute lasts until the clock passes it
    await world.groups.members.set_mute_time(world.app, "alice", gid, "bob", 60, admin=False)
    with pytest.raises(ImError) as err:
        await gsend(world, gid, "bob", 2)
    assert err.value.code == 10017
    world.clock.advance(61)
    await gsend(world, gid, "bob", 3)
    with pytest.raises(ImError) as err:  # a member cannot mute the owner
        await world.groups.members.set_mute_time(world.app, "bob", gid, "alice", 60, admin=False)
    assert err.value.code == 10007


async def test_join_rules_and_applications(world: World) -> None:
    await world.users("alice", "bob", "carol", "dave")
    open_ = await group(world, "alice", apply_join_option="FreeAccess")
    assert await world.groups.members.join(world.app, "bob", open_) == "JoinedSuccess"
    assert await world.groups.members.join(world.app, "bob", open_) == "AlreadyInGroup"
    private = await group(world, "alice", type="Private")
    with pytest.raises(ImError) as err:
        await world.groups.members.join(world.app, "bob", private)
    assert err.value.code == 10007
    asks = await group(world, "alice", apply_join_option="NeedPermission")
    world.publisher.clear()
    assert await world.groups.members.join(world.app, "carol", asks, "let me in") == (
        "WaitAdminApproval"
    )
    [told] = world.publisher.events()
    assert (told.user_id, told.kind) == ("alice", EventKind.GROUP_APPLICATIONS)
    [application] = await world.groups.members.applications(world.app, "alice")
    assert (application.group_id, application.applicant) == (asks, "carol")
    # quitting: a member may, the owner may not
    await world.groups.members.quit(world.app, "bob", open_)
    assert await world.groups.directory.member(world.app, open_, "bob") is None
    with pytest.raises(ImError) as err:
        await world.groups.members.quit(world.app, "alice", open_)
    assert err.value.code == 10009


async def test_group_reads_and_receipts(world: World) -> None:
    await world.users("alice", "bob")
    gid = await group(world, "alice", "bob", silence=True)
    for i in range(3):
        await gsend(world, gid, "alice", i, need_receipt=i == 2)
    assert await world.groups.reads.unread(world.app, "bob", gid) == 3
    world.publisher.clear()
    await world.groups.reads.mark_read(world.app, "bob", gid)
    assert await world.groups.reads.unread(world.app, "bob", gid) == 0
    assert [(e.user_id, e.kind) for e in world.publisher.events()] == [("bob", EventKind.CONV_READ)]
    [receipt] = world.publisher.of("notice")  # the sender who asked is told
    assert receipt[2] == ["alice"]
    assert await world.groups.reads.read_counts(world.app, gid, [3, 99]) == {3: (1, 0)}


async def test_dismiss_tells_every_member(world: World) -> None:
    await world.users("alice", "bob")
    gid = await group(world, "alice", "bob", silence=True)
    world.publisher.clear()
    with pytest.raises(ImError):
        await world.groups.lifecycle.destroy(world.app, "bob", gid, admin=False)
    await world.groups.lifecycle.destroy(world.app, "alice", gid, admin=False)
    assert sorted(e.user_id for e in world.publisher.events() if e.kind == EventKind.GROUP) == [
        "alice",
        "bob",
    ]
    with pytest.raises(ImError) as err:
        await world.groups.directory.get(world.app, gid)
    assert err.value.code == 10010


async def test_live_room_history_has_a_window(world: World) -> None:
    await world.users("host")
    room = await group(world, "host", type="AVChatRoom")
    world.audience.followers[room] = {"host"}
    await gsend(world, room, "host", 1)
    window = world.app.settings.avchatroom_history_seconds
    assert await world.groups.live_rooms.purge_history([world.app], now=int(T0) + window - 1) == 0
    assert await world.groups.live_rooms.purge_history([world.app], now=int(T0) + window + 1) == 1


async def test_live_room_mutes_end_and_go_with_the_room(world: World) -> None:
    await world.users("host", "fan")
    room = await group(world, "host", type="AVChatRoom")
    world.audience.followers[room] = {"host", "fan"}
    await world.groups.members.mute(world.app, "host", room, ["fan"], 60, admin=False)
    with pytest.raises(ImError) as err:
        await gsend(world, room, "fan", 1)
    assert err.value.code == 10017
    assert [u for u, _ in await world.groups.directory.muted(world.app, room)] == ["fan"]
    world.clock.now += 61  # the mute ends (the cached check too, once its entry is old)
    world.groups.directory.forget_room_mutes(world.app, room)
    await gsend(world, room, "fan", 2)
    assert await world.groups.directory.muted(world.app, room) == []
    with pytest.raises(ImError) as err:  # the owner is never muted
        await world.groups.members.mute(world.app, "fan", room, ["host"], 60, admin=True)
    assert err.value.code == 10007
    await world.groups.members.mute(world.app, "host", room, ["fan"], 60, admin=False)
    await world.groups.lifecycle.destroy(world.app, ADMIN, room, admin=True)
    async with world.db.read() as conn:
        assert await member_store.room_mutes(conn, world.app.sdkappid, room, 0) == []


# ------------------------------------------------------------------------- sns


async def test_friends_both_ways_and_what_each_side_is_told(world: World) -> None:
    await world.users("alice", "bob", "carol")
    [res] = await world.sns.friends.add(
        world.app, "alice", [FriendAdd("bob", "AddSource_Type_Web")]
    )
    assert res.ok
    assert {e.user_id for e in world.publisher.events() if e.kind == EventKind.FRIENDS} == {
        "alice",
        "bob",
    }
    assert await world.sns.checks.are_friends(world.app, "alice", "bob")
    [res] = await world.sns.friends.add(
        world.app, "alice", [FriendAdd("bob", "AddSource_Type_Web")]
    )
    assert not res.ok  # already friends
    with pytest.raises(ImError) as err:
        await world.sns.friends.add(world.app, "alice", [FriendAdd("bob", "Nope")])
    assert err.value.code == 30001
    world.publisher.clear()
    await world.sns.friends.delete(world.app, "alice", ["bob"], both=True)
    assert not await world.sns.checks.are_friends(world.app, "alice", "bob")
    assert {e.user_id for e in world.publisher.events()} == {"alice", "bob"}


async def test_a_blacklist_blocks_and_unfriends(world: World) -> None:
    await world.users("alice", "bob")
    await world.sns.friends.add(world.app, "alice", [FriendAdd("bob", "AddSource_Type_Web")])
    world.publisher.clear()
    [res] = await world.sns.blacklist.add(world.app, "bob", ["alice"])
    assert res.ok
    assert await world.sns.checks.is_blacklisted(world.app, "bob", "alice")
    assert not await world.sns.checks.are_friends(world.app, "alice", "bob")
    assert EventKind.BLACKLIST in {e.kind for e in world.publisher.events_of("bob")}
    with pytest.raises(ImError):
        await world.messages.send_c2c(world.app, "alice", "bob", TEXT, 1, SendOptions())
    await world.sns.blacklist.remove(world.app, "bob", ["alice"])
    assert not await world.sns.checks.is_blacklisted(world.app, "bob", "alice")


async def test_applications_wait_for_an_answer(world: World) -> None:
    await world.users("alice", "bob", "carol")
    await world.profiles.set(
        world.app, "bob", [("Tag_Profile_IM_AllowType", "AllowType_Type_NeedConfirm")]
    )
    await world.profiles.set(
        world.app, "carol", [("Tag_Profile_IM_AllowType", "AllowType_Type_DenyAny")]
    )
    world.publisher.clear()
    add = [FriendAdd("bob", "AddSource_Type_Web", add_wording="hello")]
    [res] = await world.sns.friends.add(world.app, "alice", add)
    assert res.code == 30539  # waiting for bob
    [res] = await world.sns.friends.add(
        world.app, "alice", [FriendAdd("carol", "AddSource_Type_Web")]
    )
    assert res.code == 30516  # carol takes nobody
    assert not await world.sns.checks.are_friends(world.app, "alice", "bob")
    assert {e.user_id for e in world.publisher.events()} == {"alice", "bob"}
    pending = await world.sns.applications.pending(world.app, "bob")
    assert [(a.from_user, a.add_wording) for a in pending.applications] == [("alice", "hello")]
    assert pending.unread == 1
    await world.sns.applications.set_read(world.app, "bob")
    assert (await world.sns.applications.pending(world.app, "bob")).unread == 0
    await world.sns.applications.accept(world.app, "bob", "alice")
    assert await world.sns.checks.are_friends(world.app, "alice", "bob")
    assert (await world.sns.applications.pending(world.app, "bob")).applications == []
    with pytest.raises(ImError) as err:
        await world.sns.applications.refuse(world.app, "bob", "alice")
    assert err.value.code == 30614


async def test_members_roles_and_the_tips_they_leave(world: World) -> None:
    await world.users("alice", "bob", "carol", "dave")
    gid = await group(world, "alice", "bob", silence=True)
    world.publisher.clear()
    added = await world.groups.members.add(world.app, "alice", gid, ["carol", "dave"], admin=False)
    assert set(added.values()) == {1}  # ADD_OK
    assert tips(world) == [1]
    with pytest.raises(ImError) as err:  # a plain member manages nobody
        await world.groups.members.delete(world.app, "bob", gid, ["carol"], admin=False)
    assert err.value.code == 10007
    await world.groups.members.set_role(world.app, "alice", gid, "bob", "Admin", admin=False)
    world.publisher.clear()
    kicked = await world.groups.members.delete(world.app, "bob", gid, ["carol"], admin=False)
    assert kicked == ["carol"] and tips(world) == [3]
    [told] = [e for e in world.publisher.events() if e.kind == EventKind.GROUP]
    assert told.user_id == "carol" and told.payload.change == "kicked"  # type: ignore[union-attr]
    member = await world.groups.members.set_name_card(
        world.app, "dave", gid, "dave", "D", admin=False
    )
    assert member.name_card == "D"
    renamed = await world.groups.lifecycle.modify(world.app, "bob", gid, admin=False, name="new")
    assert renamed.name == "new" and tips(world)[-1] == 6
    with pytest.raises(ImError) as err:
        await world.groups.lifecycle.modify(world.app, "dave", gid, admin=False, name="mine")
    assert err.value.code == 10007
    moved = await world.groups.lifecycle.change_owner(world.app, "alice", gid, "dave", admin=False)
    assert moved.owner == "dave"
    roles = await world.groups.directory.roles(world.app, gid, ["alice", "bob", "dave"])
    assert roles == {"alice": "Member", "bob": "Admin", "dave": "Owner"}


async def test_applications_are_answered_by_a_manager(world: World) -> None:
    await world.users("alice", "bob", "carol")
    gid = await group(world, "alice", apply_join_option="NeedPermission")
    await world.groups.members.join(world.app, "bob", gid, "please")
    await world.groups.members.join(world.app, "carol", gid)
    with pytest.raises(ImError):
        await world.groups.members.handle_application(
            world.app, "carol", gid, "bob", True, admin=False
        )
    await world.groups.members.handle_application(world.app, "alice", gid, "bob", True, admin=False)
    await world.groups.members.handle_application(
        world.app, "alice", gid, "carol", False, admin=False
    )
    assert await world.groups.directory.member(world.app, gid, "bob") is not None
    assert await world.groups.directory.member(world.app, gid, "carol") is None
    assert await world.groups.members.applications(world.app, "alice") == []
    changes = {
        (e.user_id, e.payload.change) for e in world.publisher.events() if e.kind == EventKind.GROUP
    }  # type: ignore[union-attr]
    assert ("bob", "joined") in changes and ("carol", "rejected") in changes


async def test_group_recalls_and_system_notices(world: World) -> None:
    await world.users("alice", "bob")
    gid = await group(world, "alice", "bob", silence=True)
    mine = await gsend(world, gid, "bob", 1)
    theirs = await gsend(world, gid, "alice", 2)
    world.publisher.clear()
    result = await world.groups.messages.recall(
        world.app, "bob", gid, [mine.seq, theirs.seq, 99], admin=False
    )
    assert result == {mine.seq: 0, theirs.seq: 10007, 99: 10030}
    [notice] = world.publisher.of("group_notice")
    assert notice[2] == gid and notice[3].message.id == mine.message.id
    again = await gsend(world, gid, "bob", 3)
    world.clock.advance(3600)
    late = await world.groups.messages.recall(
        world.app, "bob", gid, [again.seq], admin=False, window=60
    )
    assert late == {again.seq: 10031}  # a member's window has passed
    owner = await world.groups.messages.recall(
        world.app, "alice", gid, [again.seq], admin=False, window=60
    )
    assert owner == {again.seq: 0}  # the owner's has none
    world.publisher.clear()
    await world.groups.messages.system_notification(world.app, gid, "to bob", ["bob"])
    [(kind, _, users, _notice)] = world.publisher.calls
    assert (kind, users) == ("notice", ["bob"])
    await world.groups.messages.system_notification(world.app, gid, "to all")
    assert world.publisher.calls[-1][0] == "group_message"
    with pytest.raises(ImError) as err:
        await world.groups.messages.system_notification(world.app, gid, "")
    assert err.value.code == 10004
    assert await world.groups.messages.delete_by_sender(world.app, gid, "bob") == 2
