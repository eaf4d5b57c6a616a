"""Issue 17's message features in the services, storage and protocol layers:
edits (``MessageEditService``, ``MESSAGE_MODIFIED`` in both protocols), deletes
for one user and cleared histories (``MessageDeleteService``)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from palaver.errors import ImError
from palaver.model.events import EventKind, GroupMessageModified, Modified, ReactionsChanged
from palaver.model.messages import MessageRecord
from palaver.protocol import pushes as p
from palaver.protocol.frames import encode_error
from palaver.protocol.tencent.pushes import TENCENT
from palaver.services.message_deletes import MessageDeleteService
from palaver.services.message_edits import MessageEditService, ModifyConflict
from palaver.services.message_reactions import ReactionService
from palaver.services.message_reads import READ_ALL, READ_ALL_C2C, READ_ALL_GROUP, ReadAllService
from palaver.storage import events as ev_store
from palaver.storage.messages import c2c_conv_id

from .test_groups_and_sns import group, gsend
from .test_messages import send

T = 1_800_000_000


def text(t: str) -> list[dict[str, Any]]:
    return [{"MsgType": "TIMTextElem", "MsgContent": {"Text": t}}]


def edits(w: Any) -> MessageEditService:
    return MessageEditService(w.db, w.publisher, w.groups.directory)


async def test_a_c2c_edit_bumps_the_version_and_tells_both_streams(world: Any) -> None:
    await world.users("alice", "bob", "carol")
    r = await send(world, "alice", "bob", 1)
    svc = edits(world)
    msg = await svc.c2c_by_msg_key(world.app, "bob", "alice", r.msg_key)
    world.publisher.clear()
    now = await svc.modify(world.app, msg, "alice", body=text("new"), version=0)
    assert (now.version, now.body, now.cloud_custom_data) == (1, text("new"), None)
    events = world.publisher.events()
    assert [(e.user_id, e.kind, e.payload) for e in events] == [
        ("alice", EventKind.MODIFY, Modified("alice", 1)),
        ("bob", EventKind.MODIFY, Modified("alice", 1)),
    ]
    # a second edit from version 0 loses and carries the message as it is now
    with pytest.raises(ModifyConflict) as err:
        await svc.modify(world.app, msg, "bob", body=text("late"), version=0)
    assert err.value.code == 20027 and err.value.message.body == text("new")
    # custom data only, whatever the version (REST)
    now = await svc.modify(world.app, msg, "admin", cloud_custom_data="cc", user_edit=False)
    assert (now.version, now.body, now.cloud_custom_data) == (2, text("new"), "cc")
    # the stream keeps the edit for a client that reconnects: the newest state
    async with world.db.read() as conn:
        stored = await ev_store.read_events(conn, world.app.sdkappid, "bob", 0, 100)
    last = stored[-1]
    assert last.kind == EventKind.MODIFY and last.payload == Modified("admin", 2)
    assert last.message is not None and last.message.version == 2
    # history shows it
    [h] = (await world.messages.history(world.app, "bob", "alice", limit=5)).messages
    assert (h.version, h.body) == (2, text("new"))
    # naming it as Tencent's SDK does: sequence, random, time
    found = await svc.c2c_by_key(
        world.app, "alice", "bob", seq=h.seq, random=h.random, msg_time=h.time
    )
    assert found.id == h.id
    for bad in (
        {"seq": h.seq + 5, "random": h.random, "msg_time": h.time},
        {"seq": h.seq, "random": h.random + 1, "msg_time": h.time},
    ):
        with pytest.raises(ImError) as e:
            await svc.c2c_by_key(world.app, "alice", "bob", **bad)
        assert e.value.code == 20026
    with pytest.raises(ImError) as e:  # not carol's conversation
        await svc.by_id(world.app, c2c_conv_id("carol", "alice"), h.id)
    assert e.value.code == 20026
    for key in ("x", "1_2", f"{h.seq}_{h.random}_1"):
        with pytest.raises(ImError) as e:
            await svc.c2c_by_msg_key(world.app, "alice", "bob", key)
        assert e.value.code == 20026


async def test_what_an_edit_may_change(world: Any) -> None:
    await world.users("alice", "bob")
    r = await send(world, "alice", "bob", 1)
    svc = edits(world)
    msg = await svc.c2c_by_msg_key(world.app, "alice", "bob", r.msg_key)
    image = [{"MsgType": "TIMImageElem", "MsgContent": {"UUID": "u", "ImageFormat": 1}}]
    for kw, code in (
        ({}, 6017),
        ({"body": "text"}, 90007),
        ({"body": image}, 6017),
    ):
        with pytest.raises(ImError) as e:
            await svc.modify(world.app, msg, "alice", version=0, **kw)
        assert e.value.code == code, kw
    recalled = await world.messages.recall(world.app, "alice", "bob", r.msg_key)
    with pytest.raises(ImError) as e:
        await svc.modify(world.app, recalled, "alice", body=text("x"))
    assert e.value.code == 20026


async def test_group_edits_are_for_members_and_not_for_live_rooms(world: Any) -> None:
    await world.users("alice", "bob", "carol")
    gid = await group(world, "alice", "bob")
    sent = await gsend(world, gid, "bob", 3)
    svc = edits(world)
    msg = await svc.group_message(world.app, gid, sent.seq, "alice")
    world.publisher.clear()
    now = await svc.modify(world.app, msg, "alice", body=text("fixed"), version=0)
    assert now.version == 1
    [notice] = [c for c in world.publisher.calls if c[0] == "group_notice"]
    assert isinstance(notice[-1], GroupMessageModified) and notice[-1].group_id == gid
    assert world.publisher.events() == []  # members online hear it; history has it
    for editor, code in (("carol", 10007),):
        with pytest.raises(ImError) as e:
            await svc.group_message(world.app, gid, sent.seq, editor)
        assert e.value.code == code
    with pytest.raises(ImError) as e:
        await svc.group_message(world.app, gid, 999, None)
    assert e.value.code == 20026
    with pytest.raises(ImError) as e:
        await svc.group_message(world.app, "nope", 1, None)
    assert e.value.code == 10010
    live = await group(world, "alice", type="AVChatRoom")
    with pytest.raises(ImError) as e:
        await svc.group_message(world.app, live, 1, "alice")
    assert e.value.code == 2481


def record(**kw: Any) -> MessageRecord:
    base: dict[str, Any] = {
        "id": 11,
        "conv_id": "c2c:alice:bob",
        "seq": 3,
        "sender": "alice",
        "receiver": "bob",
        "time": T,
        "random": 77,
        "body": text("edited"),
        "client_seq": 12,
        "cloud_custom_data": "cc",
        "version": 2,
    }
    return MessageRecord(**{**base, **kw})


def test_message_modified_in_both_protocols() -> None:
    m = record()
    push = p.stream_push(EventKind.MODIFY, "bob", 5, Modified("alice", 2), m)
    assert push.ev == "MESSAGE_MODIFIED" and push.data["conversationID"] == "C2Calice"
    assert push.data["modifier"] == "alice" and push.data["message"]["version"] == 2
    frame = orjson.loads(TENCENT.encode_push(push))
    [ev] = frame["body"]["EventArray"]
    [item] = ev["C2cMsgModNotifys"]
    assert (item["From_Account"], item["To_Account"], item["MsgSeq"]) == ("alice", "bob", 12)
    assert (item["MsgRandom"], item["MsgTimeStamp"], item["MsgVersion"]) == (77, T, 2)
    assert (item["MsgBody"], item["CloudCustomData"]) == (text("edited"), "cc")
    # a stream event whose message is gone is not a MESSAGE_MODIFIED
    gone = p.stream_push(EventKind.MODIFY, "bob", 6, Modified("alice", 2), None)
    assert gone.ev != "MESSAGE_MODIFIED"
    g = record(id=21, conv_id="group:g1", receiver="g1", seq=9, client_seq=4)
    gpush = p.notice_push(GroupMessageModified(g, "bob"))
    assert (gpush.ev, gpush.stream, gpush.seq) == ("MESSAGE_MODIFIED", "GROUPg1", None)
    frame = orjson.loads(TENCENT.encode_push(gpush))
    [ev] = frame["body"]["EventArray"]
    [item] = ev["GroupMsgModNotifys"]
    assert (item["GroupId"], item["MsgSeq"], item["MsgVersion"]) == ("g1", 9, 2)


def test_stored_payloads_and_error_frames() -> None:
    text_ = ev_store.payload_json(Modified("bob", 4))
    assert ev_store.payload_of(EventKind.MODIFY, text_) == Modified("bob", 4)
    frame = orjson.loads(encode_error(7, 20027, None, None, {"message": {"ID": "1"}}))
    assert frame == {
        "id": 7,
        "code": 20027,
        "message": frame["message"],
        "data": {"message": {"ID": "1"}},
    }
    busy = orjson.loads(encode_error(8, 70169, "busy", 1500))
    assert busy["retryAfter"] == 1500 and "data" not in busy


def deletes(w: Any) -> MessageDeleteService:
    return MessageDeleteService(w.db, w.groups.directory, w.groups.reads)


async def test_deleted_for_me_only_and_cleared_histories(world: Any) -> None:
    await world.users("alice", "bob", "carol")
    r1 = await send(world, "alice", "bob", 1)
    await send(world, "alice", "bob", 2)
    svc = deletes(world)
    found = await svc.c2c_by_keys(world.app, "bob", "alice", [r1.msg_key, "x", "9_9_9"])
    assert [m.msg_key for m in found] == [r1.msg_key]
    await svc.delete_for(world.app, "bob", found)
    await svc.delete_for(world.app, "bob", found)  # again: no-op
    mine = (await world.messages.history(world.app, "bob", "alice", limit=10)).messages
    theirs = (await world.messages.history(world.app, "alice", "bob", limit=10)).messages
    assert len(mine) == 1 and len(theirs) == 2
    with pytest.raises(ImError) as e:
        await svc.c2c_by_keys(world.app, "bob", "alice", ["1_1_1"] * 31)
    assert e.value.code == 6017
    with pytest.raises(ImError) as e:
        await svc.delete_for(world.app, "bob", found * 31)
    assert e.value.code == 6017
    await svc.clear_c2c(world.app, "alice", "bob")
    assert (await world.messages.history(world.app, "alice", "bob", limit=10)).messages == []
    assert len((await world.messages.history(world.app, "bob", "alice", limit=10)).messages) == 1

    gid = await group(world, "alice", "bob")
    sent = [await gsend(world, gid, "alice", i) for i in range(3)]
    msgs = await svc.group_by_seqs(world.app, "bob", gid, [sent[0].seq, 999])
    assert [m.seq for m in msgs] == [sent[0].seq]
    await svc.delete_for(world.app, "bob", msgs)
    page = await world.groups.messages.history(world.app, gid, "bob", limit=10)
    assert sent[0].seq not in [m.seq for m in page.messages]
    with pytest.raises(ImError) as e:
        await svc.group_by_seqs(world.app, "carol", gid, [1])
    assert e.value.code == 10007
    with pytest.raises(ImError) as e:
        await svc.group_by_seqs(world.app, "bob", gid, list(range(31)))
    assert e.value.code == 6017
    with pytest.raises(ImError) as e:
        await svc.clear_group(world.app, "carol", gid)
    assert e.value.code == 10007
    await svc.clear_group_for_all(world.app, gid, sent[1].seq)
    page = await world.groups.messages.history(world.app, gid, "alice", limit=10)
    assert [m.seq for m in page.messages] == [sent[2].seq]
    await svc.clear_group(world.app, "bob", gid)
    assert (await world.groups.messages.history(world.app, gid, "bob", limit=10)).messages == []
    await svc.clear_group_for_all(world.app, gid, None)
    assert (await world.groups.messages.history(world.app, gid, "alice", limit=10)).messages == []
    admin = await world.groups.messages.history(world.app, gid, None, limit=10)
    assert len(admin.messages) >= 3  # the app admin still sees them
    with pytest.raises(ImError) as e:
        await svc.clear_group_for_all(world.app, "nope", None)
    assert e.value.code == 10010


async def test_read_all_by_scope(world: Any) -> None:
    await world.users("alice", "bob", "carol")
    await send(world, "alice", "bob", 1)
    await send(world, "carol", "bob", 2)
    gid = await group(world, "alice", "bob")
    await gsend(world, gid, "alice", 3)
    svc = ReadAllService(world.conversations, world.messages, world.groups.reads)
    with pytest.raises(ImError) as e:
        await svc.read_all(world.app, "bob", "bogus")
    assert e.value.code == 6017
    done = await svc.read_all(world.app, "bob", READ_ALL_GROUP)
    assert done.c2c == [] and list(done.groups) == [gid]
    done = await svc.read_all(world.app, "bob", READ_ALL_C2C)
    assert sorted(done.c2c) == ["alice", "carol"] and done.groups == {}
    done = await svc.read_all(world.app, "bob")
    assert done.c2c == [] and done.groups == {}
    await gsend(world, gid, "alice", 4)
    done = await svc.read_all(world.app, "bob", READ_ALL, {gid: None})
    assert list(done.groups) == [gid]
    convs = await world.conversations.list(world.app, "bob", include_empty=True)
    assert all(c.unread == 0 for c in convs)


async def test_reactions_count_page_and_push(world: Any) -> None:
    await world.users("alice", "bob")
    r = await send(world, "alice", "bob", 1)
    msg = await edits(world).c2c_by_msg_key(world.app, "alice", "bob", r.msg_key)
    svc = ReactionService(world.db, world.publisher, world.clock)
    world.publisher.clear()
    await svc.react(world.app, msg, "bob", "like", True)
    world.clock.advance(1)
    await svc.react(world.app, msg, "alice", "like", True)
    await svc.react(world.app, msg, "alice", "like", True)  # again: no push
    notices = [c for c in world.publisher.calls if c[0] == "notice"]
    assert len(notices) == 4  # two changes, to each party
    last = notices[-1][-1]
    assert isinstance(last, ReactionsChanged) and last.reactions == (("like", 2, ("bob", "alice")),)
    assert {n[-1].conversation_id for n in notices} == {"C2Calice", "C2Cbob"}
    users, nxt = await svc.users(world.app, msg, "like", 0, 1)
    assert users == ["bob"] and nxt
    users, nxt = await svc.users(world.app, msg, "like", nxt, 1)
    assert users == ["alice"] and nxt == 0
    for bad in ("", "x" * 101):
        with pytest.raises(ImError) as e:
            await svc.react(world.app, msg, "bob", bad, True)
        assert e.value.code == 6017
    for i in range(19):
        await svc.react(world.app, msg, "bob", f"r{i}", True)
    with pytest.raises(ImError) as e:
        await svc.react(world.app, msg, "bob", "one-too-many", True)
    assert e.value.code == 6017
    await svc.react(world.app, msg, "bob", "like", False)
    summary = (await svc.summaries(world.app, [msg.id]))[msg.id]
    assert summary[0] == ("like", 1, ("alice",))
    recalled = await world.messages.recall(world.app, "alice", "bob", r.msg_key)
    with pytest.raises(ImError) as e:
        await svc.react(world.app, recalled, "bob", "like", True)
    assert e.value.code == 20026


def test_reactions_push_in_both_protocols() -> None:
    g = record(id=21, conv_id="group:g1", receiver="g1", seq=9, client_seq=4, client_time=T - 1)
    push = p.notice_push(ReactionsChanged(g, "GROUPg1", (("like", 3, ("a", "b")),)))
    assert push.ev == "MESSAGE_REACTIONS_UPDATED" and push.data["messageID"] == "21"
    assert push.data["reactionList"] == [
        {
            "reactionID": "like",
            "totalUserCount": 3,
            "partialUserList": [{"userID": "a"}, {"userID": "b"}],
        }
    ]
    [ev] = orjson.loads(TENCENT.encode_push(push))["body"]["EventArray"]
    [item] = ev["MsgReactionNotifyList"]
    assert item["GroupMsgInfo"]["MsgClientTime"] == T - 1 and item["GroupMsgInfo"]["MsgSeq"] == 9
    assert item["MsgReactionSummary"] == [
        {"Reaction": "like", "Count": 3, "Reaction_Account": ["a", "b"]}
    ]
    c = record()
    push = p.notice_push(ReactionsChanged(c, "C2Cbob", ()))
    [ev] = orjson.loads(TENCENT.encode_push(push))["body"]["EventArray"]
    assert "C2CMsgInfo" in ev["MsgReactionNotifyList"][0]
