"""The sans-I/O protocol core, fed frames directly (no sockets)."""

from __future__ import annotations

import random

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from palaver.errors import ImError
from palaver.protocol.client import ClientSession
from palaver.protocol.frames import (
    Push,
    Response,
    encode_error,
    encode_push,
    encode_response,
    parse_client_frame,
    parse_server_frame,
)
from palaver.protocol.objects import element_to_payload, payload_to_element, split_conversation_id
from palaver.protocol.stream import StreamState


def test_parse_client_frames() -> None:
    req = parse_client_frame(b'{"id": 3, "op": "sendMessage", "data": {"to": "bob"}}')
    assert (req.id, req.op, req.data) == (3, "sendMessage", {"to": "bob"})
    assert parse_client_frame('{"id":1,"op":"heartbeat"}').data == {}
    for bad, rid in (
        (b"not json", None),
        (b"[1]", None),
        (b'{"op":"x"}', None),
        (b'{"id":"1","op":"x"}', None),
        (b'{"id":true,"op":"x"}', None),
        (b'{"id":4}', 4),
        (b'{"id":5,"op":"x","data":[1]}', 5),
    ):
        with pytest.raises(ImError) as err:
            parse_client_frame(bad)
        assert err.value.code == 60003
        assert getattr(err.value, "request_id", None) == rid


def test_server_frames_round_trip() -> None:
    r = parse_server_frame(encode_response(7, {"a": 1}))
    assert r == Response(7, 0, {"a": 1})
    e = parse_server_frame(encode_error(8, 20007))
    assert isinstance(e, Response) and (e.code, e.id) == (20007, 8) and "blacklist" in e.message
    p = parse_server_frame(encode_push("MESSAGE_RECEIVED", {"message": {"ID": "1"}}, 12))
    assert p == Push("MESSAGE_RECEIVED", {"message": {"ID": "1"}}, 12)
    spliced = encode_push("X", orjson.dumps({"k": [1, 2]}), 3)
    assert orjson.loads(spliced) == {"ev": "X", "seq": 3, "data": {"k": [1, 2]}}
    assert parse_server_frame(encode_push("sync_done", {"cursor": 1})).seq is None


def test_payload_mapping_round_trips() -> None:
    cases = {
        "TIMTextElem": {"text": "hi"},
        "TIMFaceElem": {"index": 1, "data": "smile"},
        "TIMLocationElem": {"description": "d", "latitude": 1.5, "longitude": 2.5},
        "TIMCustomElem": {"data": "x", "description": "y", "extension": "z"},
        "TIMImageElem": {
            "uuid": "u",
            "imageFormat": 1,
            "imageInfoArray": [{"type": 1, "size": 2, "width": 3, "height": 4, "url": "https://i"}],
        },
        "TIMFileElem": {"fileUrl": "https://f", "fileName": "a.txt", "fileSize": 3},
    }
    for t, payload in cases.items():
        el = payload_to_element(t, payload)
        assert el["MsgType"] == t
        assert element_to_payload(el) == payload
    assert payload_to_element("TIMTextElem", {"text": "a"})["MsgContent"] == {"Text": "a"}
    with pytest.raises(ImError):
        payload_to_element("TIMNope", {})
    assert split_conversation_id("C2Cbob") == ("C2C", "bob")
    assert split_conversation_id("GROUP@TGS#1") == ("GROUP", "@TGS#1")
    for bad in ("C2C", "bob", "GROUP"):
        with pytest.raises(ImError):
            split_conversation_id(bad)


def frame(seq: int) -> bytes:
    return f"f{seq}".encode()


def test_stream_in_order_and_duplicates() -> None:
    s = StreamState(5, syncing=False)
    assert s.live(6, frame(6)).frames == [frame(6)]
    assert s.live(6, frame(6)).frames == []  # duplicate
    assert s.live(3, frame(3)).frames == []  # old
    step = s.live(8, frame(8))  # gap: 7 missing
    assert step.frames == [] and step.catch_up
    assert s.live(9, frame(9)).frames == []  # held while syncing
    step = s.caught_up([(7, frame(7)), (8, frame(8))], complete=True)
    assert step.frames == [frame(7), frame(8), frame(9)] and not step.catch_up
    assert s.delivered == 9 and not s.syncing


def test_stream_skips_what_the_client_already_has() -> None:
    """A seq marked None (the sender's own message) moves the position, sends nothing."""
    s = StreamState(1, syncing=False)
    assert s.live(2, None).frames == []
    assert s.delivered == 2
    assert s.live(3, frame(3)).frames == [frame(3)]  # no gap, no catch-up
    step = s.live(5, None)  # ahead of a gap: held, then skipped after catch-up
    assert step.catch_up
    assert s.caught_up([(4, frame(4))], complete=True).frames == [frame(4)]
    assert s.delivered == 5


def test_stream_login_catch_up_with_live_overlap() -> None:
    s = StreamState(2)  # login with cursor 2: storage first
    assert s.live(5, frame(5)).frames == []
    assert s.live(4, frame(4)).frames == []
    step = s.caught_up([(3, frame(3)), (4, frame(4))], complete=True)
    assert step.frames == [frame(3), frame(4), frame(5)]
    assert s.live(6, frame(6)).frames == [frame(6)]


def test_stream_partial_page_asks_for_more() -> None:
    s = StreamState(0)
    step = s.caught_up([(1, frame(1))], complete=False)
    assert step.frames == [frame(1)] and step.catch_up
    step = s.caught_up([(2, frame(2))], complete=True)
    assert step.frames == [frame(2)] and not step.catch_up


@settings(max_examples=200)
@given(st.integers(0, 2**32), st.integers(1, 60), st.floats(0, 1))
def test_stream_any_arrival_order_delivers_each_once_in_order(
    seed: int, n: int, dup_rate: float
) -> None:
    """Live frames shuffled and duplicated, storage reads when asked: each seq once, in order."""
    rng = random.Random(seed)
    stored = list(range(1, n + 1))
    arrivals = stored + [x for x in stored if rng.random() < dup_rate]
    rng.shuffle(arrivals)
    s = StreamState(0)
    sent: list[bytes] = []
    need = True
    committed = 0
    for seq in arrivals:
        committed = max(committed, seq)  # a live frame is only published after its commit
        step = s.live(seq, frame(seq))
        sent += step.frames
        need = need or step.catch_up
        while need:
            page = [(x, frame(x)) for x in stored if s.delivered < x <= committed][:7]
            done = len(page) < 7
            step = s.caught_up(page, complete=done)
            sent += step.frames
            need = step.catch_up and not done
            if step.catch_up and done:
                need = False  # wait for later arrivals (their commit makes them readable)
    step = s.caught_up([(x, frame(x)) for x in stored if x > s.delivered], complete=True)
    sent += step.frames
    assert sent == [frame(x) for x in stored]


def test_client_session_cursor_and_duplicates() -> None:
    c = ClientSession()
    c.logged_in(Response(1, 0, {"cursor": 10, "userID": "alice"}))
    assert c.cursor == 10
    msg = {"message": {"ID": "m1", "from": "bob", "random": 5}}
    assert c.receive(encode_push("MESSAGE_RECEIVED", msg, 11)) is not None
    assert c.cursor == 11
    assert c.receive(encode_push("MESSAGE_RECEIVED", msg, 11)) is None  # same seq
    assert c.receive(encode_push("MESSAGE_RECEIVED", msg, 12)) is None  # same ID, new seq
    assert c.cursor == 12
    # the echo of my own send is not a received message
    c.sending(77)
    mine = {"message": {"ID": "m2", "from": "alice", "random": 77}}
    assert c.receive(encode_push("MESSAGE_RECEIVED", mine, 13)) is None
    c.sent(77, "m2")
    # a second login keeps the cursor
    c.logged_in(Response(2, 0, {"cursor": 99, "userID": "alice"}))
    assert c.cursor == 13
    rid1, f1 = c.request("heartbeat")
    rid2, _ = c.request("heartbeat")
    assert rid2 == rid1 + 1 and orjson.loads(f1)["op"] == "heartbeat"


async def test_ttl_cache_loads_once_and_never_caches_across_a_clear() -> None:
    import asyncio

    from palaver.services.cache import TTLCache

    cache: TTLCache[int] = TTLCache(ttl=60)
    calls = 0
    gate = asyncio.Event()
    loading = asyncio.Event()

    async def load() -> int:
        nonlocal calls
        calls += 1
        loading.set()
        await gate.wait()
        return calls

    waiters = [asyncio.create_task(cache.get_or_load("k", load)) for _ in range(50)]
    await loading.wait()  # every waiter has asked (tasks start in order) and one loads
    gate.set()
    assert await asyncio.gather(*waiters) == [1] * 50 and calls == 1  # one load for 50 callers
    # a change (clear) while a load is under way: its (stale) result is not cached
    gate.clear()
    cache.clear()
    loading.clear()
    slow = asyncio.create_task(cache.get_or_load("k", load))
    await loading.wait()
    cache.clear()
    gate.set()
    assert await slow == 2
    assert cache.get("k") is None
    assert await cache.get_or_load("k", load) == 3
