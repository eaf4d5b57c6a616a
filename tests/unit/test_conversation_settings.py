"""Conversation settings (``ConversationSettings``): do-not-disturb, drafts,
custom data, marks and conversation groups, with the errors, on a fresh database."""

from __future__ import annotations

import pytest

from palaver.errors import ImError
from palaver.model.events import ConversationChanged
from palaver.services.conversation_settings import (
    ConversationSettings,
    is_muted,
    mark_list,
    split_id,
)
from palaver.services.groups import MemberSpec
from palaver.services.messages import SendOptions

from .conftest import World

TEXT = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]


async def c2c(w: World, frm: str, to: str, random: int) -> None:
    await w.messages.send_c2c(w.app, frm, to, TEXT, random, SendOptions())


def codes(w: World) -> list[str]:
    return [
        e.payload.change for e in w.publisher.events() if isinstance(e.payload, ConversationChanged)
    ]


async def test_helpers() -> None:
    assert mark_list(0b1011) == [1, 2, 8] and mark_list(0) == []
    assert is_muted("AcceptNotNotify") and is_muted("Discard")
    assert not is_muted("AcceptAndNotify") and not is_muted("")
    assert split_id("C2Cbob") == ("C2C", "bob") and split_id("GROUPg") == ("GROUP", "g")
    for bad in ("C2C", "bob", "GROUP"):
        with pytest.raises(ImError) as err:
            split_id(bad)
        assert err.value.code == 50002


async def test_c2c_mute_counts_out_of_the_total(world: World) -> None:
    s: ConversationSettings = world.conversations.settings
    await world.users("alice", "bob", "carol")
    await c2c(world, "bob", "alice", 1)
    await c2c(world, "carol", "alice", 2)
    assert await world.conversations.total_unread(world.app, "alice") == 2
    world.publisher.clear()
    failed = await s.set_c2c_remind(world.app, "alice", ["bob", "ghost"], "AcceptNotNotify")
    assert failed == ["ghost"] and codes(world) == ["remind"]
    convs = {c.peer: c for c in await world.conversations.list(world.app, "alice")}
    assert convs["bob"].muted and convs["bob"].unread == 1 and not convs["carol"].muted
    assert await world.conversations.total_unread(world.app, "alice") == 1
    assert await s.c2c_remind(world.app, "alice", ["bob", "carol"]) == {
        "bob": "AcceptNotNotify",
        "carol": "AcceptAndNotify",
    }
    assert await s.remind_of(world.app, "alice", "bob") == "AcceptNotNotify"
    assert await s.remind_of(world.app, "bob", "alice") == "AcceptAndNotify"
    for bad in (("bob",), ["x"] * 101):
        with pytest.raises(ImError) as err:
            await s.set_c2c_remind(
                world.app, "alice", list(bad), "Loud" if len(bad) == 1 else "Discard"
            )
        assert err.value.code == 50002


async def test_group_msg_flag_is_the_remind_type(world: World) -> None:
    await world.users("owner", "alice")
    await world.groups.lifecycle.create(
        world.app,
        "owner",
        admin=True,
        type="Work",
        name="g",
        group_id="g1",
        members=[MemberSpec("alice")],
    )
    await world.groups.members.modify(
        world.app, "owner", "g1", "alice", admin=True, msg_flag="Discard"
    )
    [conv] = await world.conversations.list(world.app, "alice", include_empty=True)
    assert conv.remind_type == "Discard" and conv.muted


async def test_drafts_custom_data_and_marks(world: World) -> None:
    s = world.conversations.settings
    await world.users("alice", "bob")
    await c2c(world, "bob", "alice", 1)
    await s.set_draft(world.app, "alice", "C2Cbob", "hello")
    await s.set_custom_data(world.app, "alice", ["C2Cbob"], "x=1")
    await s.mark(world.app, "alice", ["C2Cbob"], 1, True)
    await s.mark(world.app, "alice", ["C2Cbob"], 4, True)
    await s.mark(world.app, "alice", ["C2Cbob"], 1, False)
    [conv] = await world.conversations.list(world.app, "alice")
    assert (conv.draft, conv.custom_data, conv.marks) == ("hello", "x=1", 4)
    assert conv.draft_time > 0
    await s.set_draft(world.app, "alice", "C2Cbob", "")
    [conv] = await world.conversations.list(world.app, "alice")
    assert (conv.draft, conv.draft_time) == ("", 0)
    bad = [
        s.set_draft(world.app, "alice", "C2Cbob", "x" * 8001),
        s.set_draft(world.app, "alice", "C2Cghost", "x"),
        s.set_draft(world.app, "alice", "GROUPnone", "x"),
        s.set_custom_data(world.app, "alice", ["C2Cbob"], "x" * 257),
        s.set_custom_data(world.app, "alice", [], "x"),
        s.mark(world.app, "alice", ["C2Cbob"], 3, True),
    ]
    for call in bad:
        with pytest.raises(ImError) as err:
            await call
        assert err.value.code == 50002


async def test_conversation_groups(world: World) -> None:
    s = world.conversations.settings
    await world.users("alice", "bob", "carol")
    await c2c(world, "bob", "alice", 1)
    await c2c(world, "carol", "alice", 2)
    gid = await s.create_group(world.app, "alice", "friends", ["C2Cbob"])
    await s.add_to_group(world.app, "alice", "friends", ["C2Ccarol"])
    assert await s.groups(world.app, "alice") == {gid: "friends"}
    assert await s.rename_group(world.app, "alice", "friends", "pals") == gid
    convs = {c.peer: c for c in await world.conversations.list(world.app, "alice")}
    assert convs["bob"].groups == ("pals",) and convs["carol"].groups == ("pals",)
    await s.remove_from_group(world.app, "alice", "pals", ["C2Cbob"])
    assert await s.group_items(world.app, "alice") == {"C2Ccarol": [gid]}
    assert await s.delete_group(world.app, "alice", "pals") == gid
    assert await s.groups(world.app, "alice") == {}
    empty = await s.create_group(world.app, "alice", "empty", ["C2Cbob"])
    await s.remove_from_group(world.app, "alice", "empty", ["C2Cbob"])
    world.publisher.clear()
    await s.rename_group(world.app, "alice", "empty", "void")
    await s.delete_group(world.app, "alice", "void")
    assert codes(world) == ["groups", "groups"] and empty >= 1
    await s.create_group(world.app, "alice", "a", ["C2Cbob"])
    bad = [
        s.create_group(world.app, "alice", "a", ["C2Cbob"]),  # taken
        s.create_group(world.app, "alice", "", ["C2Cbob"]),  # no name
        s.create_group(world.app, "alice", "x" * 33, ["C2Cbob"]),  # too long
        s.rename_group(world.app, "alice", "none", "b"),  # no such group
        s.delete_group(world.app, "alice", "none"),
        s.add_to_group(world.app, "alice", "none", ["C2Cbob"]),
        s.remove_from_group(world.app, "alice", "a", ["bob"]),  # not an ID
    ]
    await s.create_group(world.app, "alice", "b", ["C2Cbob"])
    bad.append(s.rename_group(world.app, "alice", "a", "b"))  # taken
    for call in bad:
        with pytest.raises(ImError) as err:
            await call
        assert err.value.code == 50002
    for i in range(18):
        await s.create_group(world.app, "alice", f"n{i}", ["C2Cbob"])
    with pytest.raises(ImError) as err:
        await s.create_group(world.app, "alice", "over", ["C2Cbob"])
    assert err.value.code == 51008
