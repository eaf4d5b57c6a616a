"""Message extensions (``ExtensionService``) and pinned group messages
(``GroupPinService``) in the services, storage and protocol layers, and their
pushes in both protocols."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from palaver.errors import ImError
from palaver.model.events import ExtensionsChanged, GroupMessagePinned
from palaver.model.messages import MessageFlag, MessageRecord
from palaver.protocol import pushes as p
from palaver.protocol.objects import message_wire
from palaver.protocol.tencent.objects import c2c_message
from palaver.protocol.tencent.pushes import TENCENT
from palaver.services.group_pins import MAX_PINS, GroupPinService
from palaver.services.message_edits import MessageEditService
from palaver.services.message_extensions import MAX_KEYS, ExtensionService

from .test_groups_and_sns import group, gsend
from .test_messages import send

T = 1_800_000_000
EXT = int(MessageFlag.SUPPORT_EXTENSION)


def record(**kw: Any) -> MessageRecord:
    base: dict[str, Any] = {
        "id": 11,
        "conv_id": "c2c:alice:bob",
        "seq": 3,
        "sender": "alice",
        "receiver": "bob",
        "time": T,
        "random": 77,
        "body": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "poll"}}],
        "client_seq": 12,
        "flags": EXT,
    }
    return MessageRecord(**{**base, **kw})


async def test_extensions_write_conflict_delete_and_clear(world: Any) -> None:
    await world.users("alice", "bob")
    r = await send(world, "alice", "bob", 1, support_extension=True)
    edits = MessageEditService(world.db, world.publisher, world.groups.directory)
    msg = await edits.c2c_by_msg_key(world.app, "alice", "bob", r.msg_key)
    assert msg.supports_extension
    svc = ExtensionService(world.db, world.publisher)
    world.publisher.clear()
    results, seq = await svc.write(world.app, msg, [("a", "1", 0), ("b", "2", 0)])
    assert seq == 1 and [(x.code, x.key, x.seq) for x in results] == [(0, "a", 1), (0, "b", 1)]
    notices = [c[-1] for c in world.publisher.calls if c[0] == "notice"]
    assert {n.conversation_id for n in notices} == {"C2Calice", "C2Cbob"}
    assert isinstance(notices[0], ExtensionsChanged) and notices[0].op == "set"
    # a stale sequence: refused for that key only, with the key now
    results, seq = await svc.write(world.app, msg, [("a", "x", 0), ("b", "3", 1)])
    assert [(x.code, x.value, x.seq) for x in results] == [(23001, "1", 1), (0, "3", 2)]
    assert seq == 2
    world.publisher.clear()
    results, seq = await svc.write(world.app, msg, [("a", "y", 0)])  # nothing written
    assert results[0].code == 23001 and seq == 2 and not world.publisher.calls
    got = await svc.read(world.app, msg)
    assert (got.items, got.global_seq, got.clear_seq) == ([("a", "1", 1), ("b", "3", 2)], 2, 0)
    assert (await svc.read(world.app, msg, 1)).items == [("b", "3", 2)]
    results, seq = await svc.delete(world.app, msg, [("a", "", 1)])
    assert results[0].code == 0 and seq == 3
    assert (await svc.read(world.app, msg)).items == [("b", "3", 2)]
    # a deleted key keeps its sequence: a write naming an older one conflicts
    results, _ = await svc.write(world.app, msg, [("a", "z", 1)])
    assert results[0].code == 23001
    results, seq = await svc.delete(world.app, msg, None)
    assert results == [] and seq == 4
    got = await svc.read(world.app, msg)
    assert (got.items, got.clear_seq) == ([], 4)
    cleared = [c[-1] for c in world.publisher.calls if c[0] == "notice"][-1]
    assert cleared.op == "clear" and [k for k, _, _ in cleared.items] == ["b"]


async def test_extension_limits(world: Any) -> None:
    await world.users("alice", "bob")
    svc = ExtensionService(world.db, world.publisher)
    edits = MessageEditService(world.db, world.publisher, world.groups.directory)
    plain = await send(world, "alice", "bob", 1)
    msg = await edits.c2c_by_msg_key(world.app, "alice", "bob", plain.msg_key)
    bad: list[list[tuple[str, str, int]]] = [
        [("k", "v", 0)],  # the message does not support extensions
    ]
    for items in bad:
        with pytest.raises(ImError) as e:
            await svc.write(world.app, msg, items)
        assert e.value.code == 6017
    r = await send(world, "alice", "bob", 2, support_extension=True)
    msg = await edits.c2c_by_msg_key(world.app, "alice", "bob", r.msg_key)
    for items in (
        [],
        [(f"k{i}", "v", 0) for i in range(21)],
        [("", "v", 0)],
        [("k" * 101, "v", 0)],
        [("k", "", 0)],
        [("k", "v" * 1025, 0)],
        [("k", "v", 0), ("k", "w", 0)],
        [("k", "v", -1)],
    ):
        with pytest.raises(ImError) as e:
            await svc.write(world.app, msg, items)
        assert e.value.code == 6017, items
    for start in range(0, MAX_KEYS, 20):
        await svc.write(world.app, msg, [(f"k{i}", "v", 0) for i in range(start, start + 20)])
    with pytest.raises(ImError) as e:
        await svc.write(world.app, msg, [("one-more", "v", 0)])
    assert e.value.code == 6017
    recalled = await world.messages.recall(world.app, "alice", "bob", r.msg_key)
    with pytest.raises(ImError) as e:
        await svc.read(world.app, recalled)
    assert e.value.code == 20026


async def test_group_extensions_are_pushed_to_the_group(world: Any) -> None:
    await world.users("alice", "bob")
    gid = await group(world, "alice", "bob")
    r = await gsend(world, gid, "alice", 5, support_extension=True)
    svc = ExtensionService(world.db, world.publisher)
    world.publisher.clear()
    await svc.write(world.app, r.message, [("k", "v", 0)])
    [call] = world.publisher.of("group_notice")
    assert call[2] == gid and call[3].conversation_id == "GROUP" + gid


async def test_pins(world: Any) -> None:
    await world.users("alice", "bob", "carol", "dave")
    gid = await group(world, "alice", "bob", "carol")
    await world.groups.members.set_role(world.app, "alice", gid, "bob", "Admin", admin=False)
    svc = GroupPinService(world.db, world.publisher, world.groups.directory, world.clock)
    sent = [await gsend(world, gid, "alice", 10 + i) for i in range(MAX_PINS + 1)]
    world.publisher.clear()
    await svc.pin(world.app, gid, sent[0].seq, "bob", pinned=True)
    [call] = world.publisher.of("group_notice")
    assert isinstance(call[3], GroupMessagePinned) and call[3].pinned and call[3].operator == "bob"
    with pytest.raises(ImError) as e:
        await svc.pin(world.app, gid, sent[0].seq, "alice", pinned=True)
    assert e.value.code == 10071
    with pytest.raises(ImError) as e:
        await svc.pin(world.app, gid, sent[1].seq, "carol", pinned=True)
    assert e.value.code == 10007
    with pytest.raises(ImError) as e:
        await svc.pin(world.app, gid, 999, "alice", pinned=True)
    assert e.value.code == 20026
    for r in sent[1:MAX_PINS]:
        world.clock.advance(1)
        await svc.pin(world.app, gid, r.seq, "alice", pinned=True)
    with pytest.raises(ImError) as e:
        await svc.pin(world.app, gid, sent[MAX_PINS].seq, "alice", pinned=True)
    assert e.value.code == 10070
    pins = await svc.pins(world.app, gid, "carol")
    assert len(pins) == MAX_PINS and pins[0].message.seq == sent[MAX_PINS - 1].seq
    assert pins[-1].pinner == "bob"
    with pytest.raises(ImError) as e:
        await svc.pins(world.app, gid, "dave")
    assert e.value.code == 10007
    world.publisher.clear()
    await svc.pin(world.app, gid, sent[0].seq, "alice", pinned=False)
    await svc.pin(world.app, gid, sent[0].seq, "alice", pinned=False)  # again: no push
    assert len(world.publisher.of("group_notice")) == 1
    assert len(await svc.pins(world.app, gid, None)) == MAX_PINS - 1
    # a recalled pinned message leaves the list but still counts until unpinned
    await world.groups.messages.recall(world.app, "alice", gid, [sent[1].seq], admin=True)
    assert len(await svc.pins(world.app, gid, "carol")) == MAX_PINS - 2
    await svc.pin(world.app, gid, sent[1].seq, "alice", pinned=False)
    with pytest.raises(ImError) as e:
        await svc.pin(world.app, gid, sent[1].seq, "alice", pinned=True)
    assert e.value.code == 20026
    room = await group(world, "alice", type="AVChatRoom")
    with pytest.raises(ImError) as e:
        await svc.pin(world.app, room, 1, "admin", pinned=True, admin=True)
    assert e.value.code == 10004


def test_extension_pushes_in_both_protocols() -> None:
    m = record(client_time=T - 1)
    n = ExtensionsChanged(m, "C2Cbob", "set", (("a", "1", 4),), 4)
    push = p.notice_push(n)
    assert push.ev == "MESSAGE_EXTENSIONS_UPDATED" and push.data["messageID"] == "11"
    assert push.data["extensions"] == [{"key": "a", "value": "1"}]
    assert push.data["extensionSeqs"] == {"a": 4}
    [ev] = orjson.loads(TENCENT.encode_push(push))["body"]["EventArray"]
    notify = ev["MsgExtensionNotify"]
    assert notify["MsgOptType"] == 1 and notify["MsgLastSeq"] == 4
    assert notify["ExtensionC2cMsgInfo"]["MsgClientTime"] == T - 1
    assert notify["SetKVInfo"] == [
        {"MsgKeyValue": [{"Key": "a", "Value": "1", "Seq": 4}], "ClearMsgSeq": 0}
    ]
    g = record(conv_id="group:g1", receiver="g1")
    push = p.notice_push(ExtensionsChanged(g, "GROUPg1", "delete", (("a", "", 5),), 5))
    assert push.ev == "MESSAGE_EXTENSIONS_DELETED" and push.data["keyList"] == ["a"]
    [ev] = orjson.loads(TENCENT.encode_push(push))["body"]["EventArray"]
    notify = ev["MsgExtensionNotify"]
    assert notify["MsgOptType"] == 2 and "ExtensionGroupMsgInfo" in notify
    assert notify["DeleteKVInfo"][0]["MsgKeyValue"] == [{"Key": "a", "Value": "", "Seq": 5}]
    push = p.notice_push(ExtensionsChanged(g, "GROUPg1", "clear", (("b", "", 6),), 6, 6))
    assert push.data["cleared"] is True
    [ev] = orjson.loads(TENCENT.encode_push(push))["body"]["EventArray"]
    assert ev["MsgExtensionNotify"]["ClearKVInfo"] == [{"MsgKeyValue": [], "ClearMsgSeq": 6}]


def test_pin_pushes_in_both_protocols() -> None:
    g = record(conv_id="group:g1", receiver="g1", seq=9)
    push = p.notice_push(GroupMessagePinned(g, True, "bob"))
    assert (push.ev, push.stream) == ("PINNED_GROUP_MESSAGE_UPDATED", "GROUPg1")
    assert push.data["isPinned"] and push.data["operatorInfo"] == {"userID": "bob"}
    assert push.data["message"]["isSupportExtension"] is True
    [ev] = orjson.loads(TENCENT.encode_push(push))["body"]["EventArray"]
    [tip] = ev["GroupTips"]
    assert ev["Event"] == 4 and tip["MsgBody"]["OpType"] == 16
    assert tip["MsgBody"]["PinnedMsg"]["MsgSeq"] == 9
    assert tip["MsgBody"]["PinnedMsg"]["SupportMessageExtension"] == 1
    push = p.notice_push(GroupMessagePinned(g, False, "bob"))
    [ev] = orjson.loads(TENCENT.encode_push(push))["body"]["EventArray"]
    body = ev["GroupTips"][0]["MsgBody"]
    assert body["OpType"] == 17 and body["SdkGroupMessageId"]["MsgSeq"] == 9


def test_support_extension_in_tencent_c2c_messages() -> None:
    wire = message_wire(record(), "bob")
    assert wire["isSupportExtension"] is True
    assert c2c_message(wire)["SupportMessageExtension"] == 1
    plain = message_wire(record(flags=0), "bob")
    assert "isSupportExtension" not in plain and "SupportMessageExtension" not in c2c_message(plain)
