"""C2C messaging (``MessageService``) and the send pipeline it shares with
groups (``SendPipeline``), with a fake clock and a recording publisher."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from palaver.errors import ImError
from palaver.model.events import ConversationRead, EventKind, ReadByPeer, Revoked
from palaver.model.messages import MessageFlag, MessageRecord
from palaver.services.messages import DEDUPE_WINDOW, SendOptions, UnknownParty, parse_msg_key
from palaver.services.sending import Draft, SendLane, SendPipeline, control_flags
from palaver.services.sns import FriendAdd
from palaver.storage.message_batch import C2CWrite, Written
from palaver.storage.messages import NewMessage
from palaver.storage.writer import MessageWriter

from .conftest import T0, World

TEXT = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]


def body(text: str) -> list[dict[str, Any]]:
    return [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]


async def send(w: World, frm: str, to: str, random: int, **opts: Any) -> Any:
    return await w.messages.send_c2c(w.app, frm, to, TEXT, random, SendOptions(**opts))


async def test_a_send_is_stored_then_published_to_both_streams(world: World) -> None:
    await world.users("alice", "bob")
    r = await send(world, "alice", "bob", 7, origin="conn-1")
    assert r.stored and not r.duplicate and r.seq == 1 and r.msg_time == int(T0)
    assert r.msg_key == f"1_7_{int(T0)}"
    [(kind, app_id, events)] = world.publisher.calls
    assert (kind, app_id) == ("stream", world.app.sdkappid)
    by_user = {e.user_id: e for e in events}
    assert set(by_user) == {"alice", "bob"}
    assert all(e.kind == EventKind.MESSAGE and e.message == r.message for e in events)
    # the sending connection only moves past its seq: it has the response
    assert by_user["alice"].origin == "conn-1" and by_user["bob"].origin is None
    page = await world.messages.history(world.app, "bob", "alice", limit=10)
    assert [m.id for m in page.messages] == [r.message.id] and page.complete


async def test_a_retry_within_the_window_is_answered_once_not_pushed_again(world: World) -> None:
    await world.users("alice", "bob")
    first = await send(world, "alice", "bob", 7)
    world.publisher.clear()
    world.clock.advance(DEDUPE_WINDOW - 1)
    again = await send(world, "alice", "bob", 7)
    assert again.duplicate and again.msg_key == first.msg_key
    assert world.publisher.calls == []  # nothing pushed twice
    # a different body is another message
    other = await world.messages.send_c2c(world.app, "alice", "bob", body("x"), 7, SendOptions())
    assert not other.duplicate
    # past the window the same send is a new message
    world.clock.advance(DEDUPE_WINDOW + 1)
    late = await send(world, "alice", "bob", 7)
    assert not late.duplicate and late.seq == 3


async def test_who_may_send_to_whom(world: World) -> None:
    await world.users("alice", "bob")
    with pytest.raises(UnknownParty) as e:
        await send(world, "alice", "nobody", 1)
    assert (e.value.code, e.value.role) == (20003, "receiver")
    with pytest.raises(UnknownParty) as e:
        await send(world, "ghost", "bob", 1)
    assert e.value.role == "sender"
    await world.sns.blacklist.add(world.app, "bob", ["alice"])
    with pytest.raises(ImError) as err:
        await send(world, "alice", "bob", 2)
    assert err.value.code == 20007
    await send(world, "alice", "bob", 3, check_relations=False)  # an admin's send passes
    await world.sns.blacklist.remove(world.app, "bob", ["alice"])
    await world.settings(check_friendship=True)
    with pytest.raises(ImError) as err:
        await send(world, "alice", "bob", 4)
    assert err.value.code == 20009
    await world.sns.friends.add(world.app, "alice", [FriendAdd("bob", "AddSource_Type_Test")])
    await send(world, "alice", "bob", 5)
    await send(world, "alice", "alice", 6)  # to oneself: no relation needed
    with pytest.raises(ImError) as err:
        await send(world, "alice", "bob", 7, lifetime=7 * 86400 + 1)
    assert err.value.code == 90026


async def test_online_only_is_pushed_never_stored(world: World) -> None:
    await world.users("alice", "bob")
    r = await send(world, "alice", "bob", 9, lifetime=0)
    assert not r.stored and r.seq == 0 and r.message.online_only
    [(kind, _, message, users)] = world.publisher.calls
    assert kind == "message" and users == ["bob", "alice"] and message == r.message
    assert (await world.messages.history(world.app, "bob", "alice", limit=5)).messages == []
    world.publisher.clear()
    await send(world, "alice", "bob", 10, lifetime=0, sync_other_machine=2)
    assert world.publisher.calls[0][3] == ["bob"]  # not synced to the sender's devices


async def test_recall_within_the_window_tells_both(world: World) -> None:
    await world.users("alice", "bob")
    r = await send(world, "alice", "bob", 1)
    world.publisher.clear()
    world.clock.advance(world.app.settings.recall_window + 1)
    with pytest.raises(ImError) as err:
        await world.messages.recall(
            world.app, "alice", "bob", r.msg_key, window=world.app.settings.recall_window
        )
    assert err.value.code == 20016 and world.publisher.calls == []
    recalled = await world.messages.recall(world.app, "alice", "bob", r.msg_key)
    assert recalled.is_recalled
    events = world.publisher.events()
    assert [(e.user_id, e.kind, e.payload) for e in events] == [
        ("alice", EventKind.REVOKE, Revoked("alice")),
        ("bob", EventKind.REVOKE, Revoked("alice")),
    ]
    world.publisher.clear()
    assert (await world.messages.recall(world.app, "alice", "bob", r.msg_key)).is_recalled
    assert world.publisher.calls == []  # once is enough
    with pytest.raises(ImError) as err:
        await world.messages.recall(world.app, "bob", "alice", r.msg_key)  # not bob's
    assert err.value.code == 90001
    [m] = (await world.messages.history(world.app, "bob", "alice", limit=5)).messages
    assert m.is_recalled  # it stays in history, flagged


async def test_reading_moves_once_and_tells_the_peer(world: World) -> None:
    await world.users("alice", "bob")
    await send(world, "alice", "bob", 1)
    await send(world, "alice", "bob", 2)
    assert await world.messages.unread_counts(world.app, "bob") == {"alice": 2}
    world.publisher.clear()
    assert await world.messages.mark_read(world.app, "bob", "alice") == 2
    now = int(T0)
    assert [(e.user_id, e.payload) for e in world.publisher.events()] == [
        ("bob", ConversationRead("C2Calice", 2, now)),
        ("alice", ReadByPeer("bob", 2, now)),
    ]
    assert await world.messages.unread_counts(world.app, "bob", ["alice", "carol"]) == {
        "alice": 0,
        "carol": 0,
    }
    assert await world.messages.peer_read_seq(world.app, "alice", "bob") == 2
    assert await world.messages.peer_read_times(world.app, "alice", ["bob"]) == {"bob": now}
    world.publisher.clear()
    assert await world.messages.mark_read(world.app, "bob", "alice", 1) == 1
    assert world.publisher.calls == []  # nothing moved: nothing pushed


async def test_read_receipts_go_to_the_sender_who_asked(world: World) -> None:
    await world.users("alice", "bob")
    asked = await send(world, "alice", "bob", 1, need_receipt=True)
    plain = await send(world, "alice", "bob", 2)
    world.publisher.clear()
    keys = [(1, asked.msg_time), (2, plain.msg_time), (99, 0)]
    receipted = await world.messages.read_receipt(world.app, "bob", "alice", keys)
    assert [m.id for m in receipted] == [asked.message.id]
    [notice] = world.publisher.of("notice")
    assert notice[2] == ["alice"]


async def test_history_pages_and_retention_follow_the_clock(world: World) -> None:
    await world.users("alice", "bob")
    for i in range(5):
        await send(world, "alice", "bob", i)
        world.clock.advance(86400)
    page = await world.messages.history(world.app, "alice", "bob", limit=2)
    assert [m.random for m in page.messages] == [3, 4] and not page.complete
    page = await world.messages.history(
        world.app, "alice", "bob", limit=10, before_seq=page.messages[0].seq
    )
    assert [m.random for m in page.messages] == [0, 1, 2] and page.complete
    await world.settings(history_retention_days=3)
    page = await world.messages.history(world.app, "alice", "bob", limit=10)
    assert [m.random for m in page.messages] == [2, 3, 4]
    assert await world.messages.purge_expired([world.app]) == 2
    await world.settings(history_retention_days=0)
    assert len((await world.messages.history(world.app, "alice", "bob", limit=10)).messages) == 3


async def test_find_a_message_by_key_random_or_id(world: World) -> None:
    await world.users("alice", "bob")
    r = await send(world, "alice", "bob", 5)
    assert (await world.messages.find_by_key(world.app, "bob", "alice", r.msg_key)) == r.message
    assert await world.messages.find_by_key(world.app, "bob", "alice", "x_y") is None
    assert await world.messages.find(world.app, "alice", "bob", 5, r.msg_time) == r.message
    assert await world.messages.get(world.app, "bob", "alice", r.message.id) == r.message
    with pytest.raises(ImError) as err:
        await world.messages.get(world.app, "bob", "carol", r.message.id)
    assert err.value.code == 6017
    last = await world.messages.last_messages(world.app, [(r.message.conv_id, 1), ("x", 0)])
    assert last == {r.message.conv_id: r.message}
    assert parse_msg_key(r.msg_key) == 1 and parse_msg_key("abc_1_2") is None


async def test_import_is_deduplicated_without_a_window(world: World) -> None:
    await world.users("alice", "bob")
    kw: dict[str, Any] = {"random": 3, "client_seq": 8, "msg_time": 1000, "realtime": False}
    first = await world.messages.import_c2c(world.app, "alice", "bob", TEXT, **kw)
    assert world.publisher.calls[0][0] == "stream"
    assert first.message.flags & MessageFlag.NO_UNREAD
    world.clock.advance(10 * 86400)
    again = await world.messages.import_c2c(world.app, "alice", "bob", TEXT, **kw)
    assert again.duplicate and again.msg_key == first.msg_key
    assert await world.messages.unread_counts(world.app, "bob") == {"alice": 0}


# ------------------------------------------------------------ the send pipeline


class Route:
    """A Route that records what the pipeline asks of it."""

    def __init__(self, refuse: bool = False) -> None:
        self.refuse = refuse
        self.log: list[str] = []

    async def check(self, draft: Draft) -> None:
        self.log.append(f"check {draft.random}")
        if self.refuse:
            raise ImError(10007, "no")

    def write(self, new: NewMessage, callback: Any = None) -> C2CWrite:
        return C2CWrite(1, new, callback=callback)

    async def publish(self, message: MessageRecord, written: Written, origin: str | None) -> None:
        self.log.append(f"publish {message.random} seq {message.seq} {origin}")

    async def push_online(self, message: MessageRecord, origin: str | None) -> None:
        self.log.append(f"online {message.random}")


def draft(random: int, text: str = "x") -> Draft:
    return Draft("c", "alice", "bob", body(text), random, 1000)


async def test_the_pipeline_stores_then_publishes(db: Any) -> None:
    writer = MessageWriter(db)
    pipeline, route = SendPipeline(writer), Route()
    r = await pipeline.send(draft(1), route, origin="o")
    assert route.log == ["check 1", "publish 1 seq 1 o"] and r.stored and r.seq == 1
    r = await pipeline.send(draft(2), route, online_only=True)
    assert route.log[-1] == "online 2" and not r.stored and r.message.online_only
    with pytest.raises(ImError):
        await pipeline.send(Draft("c", "a", "b", [{"MsgType": "Nope"}], 3, 1), route)
    await pipeline.send(Draft("c", "a", "b", [{"MsgType": "Nope"}], 4, 1), route, check_body=False)
    with pytest.raises(ImError):
        await pipeline.send(draft(5), Route(refuse=True))
    await writer.close()


async def test_a_lane_keeps_a_clients_sends_in_order(db: Any) -> None:
    writer = MessageWriter(db)
    pipeline, lane = SendPipeline(writer), SendLane()

    gate, checked = asyncio.Event(), asyncio.Event()

    class SlowFirst(Route):
        async def check(self, draft: Draft) -> None:
            if draft.random == 0:
                await gate.wait()  # the first send's checks take longest
            await super().check(draft)
            if draft.random == 2:
                checked.set()

    route = SlowFirst()
    sends = [asyncio.create_task(pipeline.send(draft(i), route, lane=lane)) for i in range(3)]
    refused = asyncio.create_task(pipeline.send(draft(9), Route(refuse=True), lane=lane))
    await checked.wait()  # the later sends are checked, and wait for the first
    assert route.log == ["check 1", "check 2"]
    gate.set()
    results = await asyncio.gather(*sends)
    with pytest.raises(ImError):
        await refused  # a refused send does not hold up the lane
    assert [r.seq for r in results] == [1, 2, 3]  # stored in arrival order
    after = await pipeline.send(draft(10), route, lane=lane)
    assert after.seq == 4
    await writer.close()


async def test_an_online_only_send_never_overtakes_its_senders_earlier_message(db: Any) -> None:
    """A typing signal sent right after a message reaches the peer after it, though
    the message waits for its commit and the signal is never stored (else the
    message, arriving second, clears the "typing" the signal showed)."""
    writer = MessageWriter(db)
    pipeline, lane = SendPipeline(writer), SendLane()
    gate, checked = asyncio.Event(), asyncio.Event()

    class SlowPublish(Route):
        async def check(self, draft: Draft) -> None:
            await super().check(draft)
            if draft.random == 2:
                checked.set()

        async def publish(
            self, message: MessageRecord, written: Written, origin: str | None
        ) -> None:
            await gate.wait()  # the stored message is slow to go out (a busy database)
            await super().publish(message, written, origin)

    route = SlowPublish()
    stored = asyncio.create_task(pipeline.send(draft(1), route, lane=lane))
    online = asyncio.create_task(pipeline.send(draft(2), route, lane=lane, online_only=True))
    await checked.wait()
    gate.set()
    await asyncio.gather(stored, online)
    assert route.log == ["check 1", "check 2", "publish 1 seq 1 None", "online 2"]
    # with nothing unpublished, an online-only send goes at once
    await pipeline.send(draft(3), route, lane=lane, online_only=True)
    assert route.log[-1] == "online 3"
    await writer.close()


def test_control_flags() -> None:
    assert control_flags(frozenset()) == 0
    flags = control_flags(frozenset({"NoUnread", "NoLastMsg"}), need_receipt=True, priority="Low")
    assert flags & MessageFlag.NO_UNREAD and flags & MessageFlag.NO_LAST_MSG
    assert flags & MessageFlag.NEED_RECEIPT
    assert control_flags(frozenset(), priority="Bogus") == 0


async def test_the_fast_lane_sends_only_from_cached_checks(world: World) -> None:
    """``send_c2c_now`` queues a send when every check is cached and answers from the
    writer's commit; a cache miss or an online-only send says ``False`` (use
    ``send_c2c``), and nothing is stored or pushed for them."""
    await world.users("alice", "bob")
    got: list[Any] = []
    done = asyncio.get_running_loop().create_future()

    def answer(res: Any) -> None:
        got.append(res)
        done.set_result(None)

    world.messages._accounts._known.clear()  # nothing cached yet: the slow path
    assert not world.messages.send_c2c_now(
        world.app, "alice", "bob", TEXT, 1, SendOptions(), answer
    )
    first = await send(world, "alice", "bob", 1)  # fills the caches
    online = SendOptions(lifetime=0)
    assert not world.messages.send_c2c_now(world.app, "alice", "bob", TEXT, 2, online, answer)
    world.publisher.clear()
    lane = SendLane()
    opts = SendOptions(lane=lane, origin="conn-1")
    assert world.messages.send_c2c_now(world.app, "alice", "bob", TEXT, 3, opts, answer)
    await done
    [res] = got
    assert res.stored and res.seq == first.seq + 1 and not res.duplicate
    [(kind, _, events)] = world.publisher.calls
    assert kind == "stream" and {e.user_id for e in events} == {"alice", "bob"}
    assert {e.user_id: e.origin for e in events} == {"alice": "conn-1", "bob": None}
    page = await world.messages.history(world.app, "bob", "alice", limit=10)
    assert [m.random for m in page.messages] == [1, 3]
    # the fast send counted itself published: an online-only send is not held back
    typing = SendOptions(lane=lane, lifetime=0)
    sent = await asyncio.wait_for(
        world.messages.send_c2c(world.app, "alice", "bob", TEXT, 6, typing), 5
    )
    assert not sent.stored
    # a lane with a send still waiting to be queued: the fast lane steps aside
    lane.ticket()
    assert not world.messages.send_c2c_now(world.app, "alice", "bob", TEXT, 4, opts, answer)
    # a refusal from the cached checks is raised at once
    with pytest.raises(ImError):
        world.messages.send_c2c_now(world.app, "alice", "bob", [], 5, SendOptions(), answer)


async def test_a_page_reads_history_and_both_read_positions_at_once(world: World) -> None:
    await world.users("alice", "bob", "carol")
    sent = [await send(world, "alice", "bob", i) for i in range(5)]
    world.clock.advance(86400)
    await world.messages.mark_read(world.app, "bob", "alice", sent[2].seq)
    page, peer_read, my_read = await world.messages.page(world.app, "alice", "bob", limit=2)
    assert [m.random for m in page.messages] == [3, 4] and not page.complete
    assert (peer_read, my_read) == (sent[2].seq, 0)  # bob read to the third; alice never read
    page, _, _ = await world.messages.page(
        world.app, "alice", "bob", limit=10, before_id=page.messages[0].id
    )
    assert [m.random for m in page.messages] == [0, 1, 2] and page.complete
    page, peer_read, my_read = await world.messages.page(world.app, "bob", "alice", limit=10)
    assert len(page.messages) == 5 and (peer_read, my_read) == (0, sent[2].seq)
    other = await send(world, "alice", "carol", 9)
    with pytest.raises(ImError):  # an anchor of another conversation
        await world.messages.page(world.app, "alice", "bob", limit=10, before_id=other.message.id)
    await world.settings(history_retention_days=1)  # the messages are a day old now
    world.clock.advance(3600)
    page, _, _ = await world.messages.page(world.app, "alice", "bob", limit=10)
    assert page.messages == [] and page.complete
