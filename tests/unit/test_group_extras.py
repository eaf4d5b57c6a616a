"""Group attributes, counters, bans and topics at the service level: the write
conflict of a stale attribute sequence, counter bounds, how long a ban lasts, and
messages in topics."""

from __future__ import annotations

from typing import Any
from unittest.mock import ANY

import pytest

from palaver.errors import ImError
from palaver.model.events import GroupAttributesChanged, TopicsChanged
from palaver.services.groups import GroupSendOptions, MemberSpec
from palaver.storage import topic_messages as topic_msg_store
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


async def test_attribute_operations_and_counter_steps(world: World) -> None:
    gid = await team(world)
    attrs, counters = world.groups.attributes, world.groups.counters
    await attrs.write(world.app, None, gid, "init", {"a": "1", "b": "2", "c": "3"})
    assert (await attrs.get(world.app, "bob", gid, ["b", "zz"]))[1] == {"b": "2"}
    assert (await attrs.write(world.app, "bob", gid, "delete", keys=["a"]))[1] == {
        "b": "2",
        "c": "3",
    }
    assert (await attrs.write(world.app, "bob", gid, "clear"))[1] == {}
    with pytest.raises(ImError) as err:
        await attrs.get(world.app, "carol", gid)
    assert err.value.code == 10007
    with pytest.raises(ImError) as err:
        await attrs.write(world.app, None, gid, "set", {"": "x"})
    assert err.value.code == 10004
    await counters.update(world.app, "bob", gid, "Increase", {"n": 5})
    _, values = await counters.update(world.app, "bob", gid, "Decrease", {"n": 7})
    assert values == {"n": -2}
    with pytest.raises(ImError) as err:
        await counters.update(world.app, "bob", gid, "Decrease", {"n": -1})
    assert err.value.code == 10004
    with pytest.raises(ImError) as err:
        await counters.update(world.app, "bob", gid, "Twice", {"n": 1})
    assert err.value.code == 10004
    seq, values = await counters.get(world.app, None, gid, ["n", "m"])
    assert (seq, values) == (2, {"n": -2})


async def test_topics(world: World) -> None:
    await world.users("alice", "bob")
    g = await world.groups.lifecycle.create(
        world.app, "alice", admin=False, type="Community", name="c", members=[MemberSpec("bob")]
    )
    gid = g.group_id
    topics = world.groups.topics
    t = await topics.create(world.app, "alice", gid, admin=False, name="news", introduction="i")
    assert t.topic_id.startswith(gid + "@TOPIC#_") and t.introduction == "i"
    mine = gid + "@TOPIC#_mine"
    await topics.create(world.app, "x", gid, admin=True, name="mine", topic_id=mine)
    with pytest.raises(ImError) as err:
        await topics.create(world.app, "x", gid, admin=True, name="again", topic_id=mine)
    assert err.value.code == 10021
    with pytest.raises(ImError) as err:
        await topics.create(world.app, "bob", gid, admin=False, name="b")
    assert err.value.code == 10007
    with pytest.raises(ImError) as err:
        await topics.create(world.app, "x", gid, admin=True, name="t", topic_id="other@TOPIC#_t")
    assert err.value.code == 10015
    with pytest.raises(ImError) as err:
        await topics.create(world.app, "x", gid, admin=True, name="t", notification="n" * 401)
    assert err.value.code == 10004
    assert {x.topic_id for x in await topics.get(world.app, "bob", gid)} == {t.topic_id, mine}
    changed = await topics.modify(
        world.app, "alice", gid, mine, admin=False, name="ours", mute_all=True, custom_data="c"
    )
    assert (changed.name, changed.mute_all, changed.custom_data) == ("ours", True, "c")
    with pytest.raises(ImError) as err:
        await topics.modify(world.app, "alice", gid, gid + "@TOPIC#_no", admin=False, name="n")
    assert err.value.code == 10010
    with pytest.raises(ImError) as err:
        await topics.modify(world.app, "alice", gid, mine, admin=False, name="")
    assert err.value.code == 10004
    codes = await topics.destroy(world.app, "alice", gid, [mine, "nope"], admin=False)
    assert codes == {mine: 0, "nope": 10010}
    assert [x.topic_id for x in await topics.get(world.app, None, gid)] == [t.topic_id]
    await world.groups.lifecycle.destroy(world.app, "alice", gid, admin=False)
    with pytest.raises(ImError) as err:
        await topics.get(world.app, None, gid)
    assert err.value.code == 10010


async def test_topic_messages(world: World) -> None:
    """A topic is its own message stream: its own MsgSeq, history, read position and
    unread count; members of the group send, others may not; changes are notices."""
    await world.users("alice", "bob", "carol")
    g = await world.groups.lifecycle.create(
        world.app,
        "alice",
        admin=False,
        type="Community",
        name="c",
        group_id="@TGS#_c",
        members=[MemberSpec("bob")],
    )
    gid, app = g.group_id, world.app
    topic = (await world.groups.topics.create(app, "alice", gid, admin=False, name="t")).topic_id
    assert ("group_notice", app.sdkappid, gid) == world.publisher.calls[-1][:3]
    assert world.publisher.calls[-1][3] == TopicsChanged(gid, "created", ANY)
    msgs, reads = world.groups.messages, world.groups.reads

    def body(t: str) -> list[dict[str, Any]]:
        return [{"MsgType": "TIMTextElem", "MsgContent": {"Text": t}}]

    one = await msgs.send(app, topic, "bob", body("1"), 1, GroupSendOptions())
    two = await msgs.send(app, topic, "alice", body("2"), 2, GroupSendOptions())
    assert (one.seq, two.seq) == (1, 2)
    assert world.publisher.calls[-1][0] == "group_message"
    page = await msgs.history(app, topic, "bob", limit=10)
    assert [m.seq for m in page.messages] == [1, 2] and page.complete
    info = await world.groups.topic_messages.self_info(app, "bob", [topic])
    assert (info[topic].unread, info[topic].last_seq, info[topic].read_seq) == (1, 2, 0)
    assert await reads.mark_read(app, "bob", topic, 1) == 1
    assert await reads.mark_read(app, "bob", topic, None) == 2
    assert await reads.mark_read(app, "bob", topic, 1) == 2  # never backwards
    assert (await world.groups.topic_messages.self_info(app, "bob", [topic]))[topic].unread == 0
    assert (await msgs.reader(app, topic, "bob"))[2] == 2

    # read receipts, as in a group: counted over the group's members
    asked = await msgs.send(app, topic, "alice", body("r"), 9, GroupSendOptions(need_receipt=True))
    assert await reads.read_counts(app, topic, [asked.seq, 99]) == {asked.seq: (0, 1)}
    assert await reads.readers(app, topic, asked.seq, "alice", read=False) == (["bob"], 0)
    await reads.mark_read(app, "bob", topic)
    notice = world.publisher.calls[-1]
    assert notice[:3] == ("notice", app.sdkappid, ["alice"])
    assert (notice[3].group_id, notice[3].user_id, notice[3].read_seq) == (topic, "bob", 3)
    assert [(c.message.seq, c.read, c.unread) for c in notice[3].counts] == [(asked.seq, 1, 0)]
    assert await reads.read_counts(app, topic, [asked.seq]) == {asked.seq: (1, 0)}
    assert await reads.readers(app, topic, asked.seq, "alice", read=True) == (["bob"], 0)
    assert await msgs.recall(app, "bob", topic, [1], admin=False) == {1: 0}

    for call in (
        msgs.send(app, topic, "carol", body("x"), 3, GroupSendOptions()),
        msgs.history(app, topic, "carol", limit=1),
        reads.mark_read(app, "carol", topic),
    ):
        with pytest.raises(ImError) as err:
            await call
        assert err.value.code == 10007
    for bad in (gid + "@TOPIC#_none", "@TGS#_nogroup@TOPIC#_x"):
        with pytest.raises(ImError) as err:
            await msgs.send(app, bad, "bob", body("x"), 4, GroupSendOptions())
        assert err.value.code == 10010
    with pytest.raises(ImError) as err:
        await world.groups.topic_messages.resolve(app, gid)
    assert err.value.code == 10010

    await world.groups.topics.modify(app, "alice", gid, topic, admin=False, mute_all=True)
    with pytest.raises(ImError) as err:
        await msgs.send(app, topic, "bob", body("x"), 5, GroupSendOptions())
    assert err.value.code == 10017
    await msgs.send(app, topic, "alice", body("3"), 6, GroupSendOptions())

    await world.groups.topics.destroy(app, "alice", gid, [topic], admin=False)
    assert world.publisher.calls[-1][3] == TopicsChanged(gid, "deleted", deleted=(topic,))
    await world.groups.topics.create(app, "alice", gid, admin=False, name="t", topic_id=topic)
    assert (await msgs.history(app, topic, "bob", limit=10)).messages == []
    assert (await world.groups.topic_messages.self_info(app, "bob", [topic]))[topic].read_seq == 0

    # a dismissed group takes its topics' messages with it
    await msgs.send(app, topic, "bob", body("last"), 10, GroupSendOptions())
    async with world.db.read() as conn:
        assert await topic_msg_store.heads(conn, app.sdkappid, [topic]) != {}
    await world.groups.lifecycle.destroy(app, "alice", gid, admin=False)
    async with world.db.read() as conn:
        assert await topic_msg_store.heads(conn, app.sdkappid, [topic]) == {}
        assert await topic_msg_store.read_positions(conn, app.sdkappid, "bob", [topic]) == {}
