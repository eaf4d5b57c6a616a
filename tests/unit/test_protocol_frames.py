"""Frames of both client protocols and the client session core, without I/O:
what a malformed frame gets, what a session keeps across reconnects, the
Tencent ids (TinyId, A2 keys, cookies)."""

from __future__ import annotations

import hashlib
import hmac
import zlib

import orjson
import pytest

from palaver.errors import ImError
from palaver.protocol.client import SEEN_IDS, ClientSession, busy_hint, reconnect_delay
from palaver.protocol.frames import (
    Push,
    Response,
    encode_error,
    encode_push,
    encode_response,
    parse_client_frame,
    parse_server_frame,
)
from palaver.protocol.objects import conversation_id, element_to_payload, payload_to_element
from palaver.protocol.tencent import frames as tf
from palaver.protocol.tencent import ids

# ---------------------------------------------------------------- Palaver frames


def test_a_client_frame_without_data_or_with_null_data_has_empty_data() -> None:
    assert parse_client_frame(b'{"id": 1, "op": "heartbeat"}').data == {}
    assert parse_client_frame(b'{"id": 2, "op": "heartbeat", "data": null}').data == {}
    with pytest.raises(ImError) as err:
        parse_client_frame(b'{"id": 3, "op": "x", "data": [1]}')
    assert err.value.code == 60003 and err.value.request_id == 3  # type: ignore[attr-defined]


def test_server_frames_that_are_neither_push_nor_response() -> None:
    for bad in (b"[1]", b"not json", b'{"id": 1}'):
        with pytest.raises(ValueError):
            parse_server_frame(bad)
    r = parse_server_frame(encode_error(None, 70001))
    assert isinstance(r, Response) and r.id is None and r.message
    assert parse_server_frame(encode_response(4)) == Response(4, 0, {}, "")


def test_a_pre_encoded_push_is_spliced_as_is() -> None:
    data = orjson.dumps({"message": {"ID": "1"}})
    for seq, stream in ((None, None), (3, None), (9, "GROUPg")):
        frame = encode_push("MESSAGE_RECEIVED", data, seq, stream)
        assert parse_server_frame(frame) == Push(
            "MESSAGE_RECEIVED", {"message": {"ID": "1"}}, seq, stream
        )


def test_message_elements_both_ways() -> None:
    sound = payload_to_element("TIMSoundElem", {"remoteAudioUrl": "https://a/b.mp3", "second": 3})
    assert sound["MsgContent"]["Url"] == "https://a/b.mp3"
    assert element_to_payload({"MsgType": "Unknown", "MsgContent": {"X": 1}}) == {}
    assert conversation_id("GROUP", "g1") == "GROUPg1"


# ------------------------------------------------------------ the client session


def login_response(cursor: int = 10, user: str = "alice") -> Response:
    return Response(1, 0, {"cursor": cursor, "userID": user})


def push(
    ev: str, data: dict[str, object], seq: int | None = None, stream: str | None = None
) -> bytes:
    return encode_push(ev, data, seq, stream)


def test_a_session_resumes_from_its_cursors() -> None:
    s = ClientSession()
    first = s.login_data(1400000001, "alice", "sig", "Web")
    assert "cursor" not in first and first["platform"] == "Web"
    s.logged_in(login_response(10))
    assert (s.cursor, s.user_id) == (10, "alice")
    joined = {"groupID": "g1", "change": "joined", "groupType": "Public", "joinSeq": 4}
    assert s.receive(push("GROUP_LIST_UPDATED", joined, 11)) is not None
    assert s.group_cursors == {"g1": 4}
    live = {"groupID": "live", "change": "joined", "groupType": "AVChatRoom"}
    s.receive(push("GROUP_LIST_UPDATED", live, 12))
    assert "live" not in s.group_cursors  # a live room is followed per connection
    done = {
        "cursor": 12,
        "resync": False,
        "groupCursors": {"g1": 6, "g2": 1},
        "groupsTruncated": [],
    }
    s.receive(push("sync_done", done))
    assert s.group_cursors == {"g1": 6, "g2": 1}
    s.receive(push("sync_done", {"groupCursors": {"g1": 2}}))
    assert s.group_cursors["g1"] == 6  # never backwards
    s.receive(push("MESSAGE_RECEIVED", {"message": {"ID": "m7"}}, 7, "GROUPg1"))
    assert s.receive(push("MESSAGE_RECEIVED", {"message": {"ID": "m8"}}, 7, "GROUPg1")) is None
    again = s.login_data(1400000001, "alice", "sig")
    assert again["cursor"] == 12 and again["groupCursors"] == {"g1": 7, "g2": 1}
    s.logged_in(login_response(99))
    assert s.cursor == 12  # a later login keeps the session's cursor
    s.receive(push("GROUP_LIST_UPDATED", {"groupID": "g1", "change": "kicked"}, 13))
    assert "g1" not in s.group_cursors


def test_duplicates_and_echoes_are_dropped() -> None:
    s = ClientSession()
    s.logged_in(login_response(0))
    msg = {"ID": "5", "from": "bob", "random": 1}
    assert s.receive(push("MESSAGE_RECEIVED", {"message": msg}, 1)) is not None
    assert s.receive(push("MESSAGE_RECEIVED", {"message": msg}, 2)) is None  # same ID
    assert s.cursor == 2  # the cursor moved anyway
    assert s.receive(push("MESSAGE_RECEIVED", {"message": msg}, 2)) is None  # same seq
    s.sending(42)
    echo = {"ID": "6", "from": "alice", "random": 42}
    assert s.receive(push("MESSAGE_RECEIVED", {"message": echo}, 3)) is None
    s.sent(42, None)
    s.sent(43, "7")
    assert s.receive(push("MESSAGE_RECEIVED", {"message": {"ID": "7"}}, 4)) is None
    mine = {"ID": "8", "from": "alice", "conversationType": "GROUP", "flow": "in"}
    got = s.receive(push("MESSAGE_RECEIVED", {"message": mine}, 1, "GROUPg"))
    assert isinstance(got, Push) and got.data["message"]["flow"] == "out"
    assert got.data["message"]["isRead"] is True
    assert s.receive(encode_response(3, {"x": 1})) == Response(3, 0, {"x": 1}, "")
    assert s.receive(push("KICKED_OUT", {"type": "x"})) is not None  # no seq: always through


def test_the_seen_ids_are_bounded() -> None:
    s = ClientSession()
    for i in range(SEEN_IDS + 1):
        assert s.remember(str(i))
    assert s.remember("0")  # the oldest was forgotten
    assert not s.remember(str(SEEN_IDS))


def test_request_ids_count_up() -> None:
    s = ClientSession()
    (a, fa), (b, _) = s.request("heartbeat"), s.request("x", {"k": 1})
    assert (a, b) == (1, 2) and orjson.loads(fa) == {"id": 1, "op": "heartbeat", "data": {}}


# -------------------------------------------------------------- Tencent frames


def frame(obj: object) -> bytes:
    return orjson.dumps(obj)


def test_tencent_requests_plain_and_compressed() -> None:
    req = tf.decode_request(
        frame({"head": {"servcmd": "openim.sendmsg", "seq": 3}, "body": {"a": 1}})
    )
    assert (req.command, req.seq, req.body) == ("sendmsg", 3, {"a": 1})
    assert tf.decode_request('{"head": {"servcmd": "a.b", "seq": 1}}').body == {}
    gz = zlib.compressobj(wbits=31)
    packed = gz.compress(frame({"head": {"servcmd": "a.b", "seq": 2}, "body": {}})) + gz.flush()
    assert tf.decode_request(tf.COMPRESSED + packed).seq == 2


@pytest.mark.parametrize(
    "raw",
    [
        tf.COMPRESSED + b"not zlib",
        b"not json",
        frame([1]),
        frame({"head": 1}),
        frame({"head": {"servcmd": 1, "seq": 1}}),
        frame({"head": {"servcmd": "a.b", "seq": True}}),
    ],
)
def test_tencent_requests_that_cannot_be_read(raw: bytes) -> None:
    with pytest.raises(ImError) as err:
        tf.decode_request(raw)
    assert err.value.code == 60003


def test_a_tencent_request_with_a_bad_body_can_still_be_answered() -> None:
    deep: object = 1
    for _ in range(tf.MAX_DEPTH + 1):
        deep = [deep]
    for body in ([1], {"deep": deep}):
        with pytest.raises(ImError) as err:
            tf.decode_request(frame({"head": {"servcmd": "a.b", "seq": 7}, "body": body}))
        assert err.value.request.seq == 7  # type: ignore[attr-defined]
    wide = {"items": [[i] for i in range(tf.MAX_DEPTH + 1)]}  # many brackets, not deep
    assert (
        tf.decode_request(frame({"head": {"servcmd": "a.b", "seq": 9}, "body": wide})).body == wide
    )
    shallow = {"k": [{"k": 1}]}
    assert (
        tf.decode_request(frame({"head": {"servcmd": "a.b", "seq": 8}, "body": shallow})).body
        == shallow
    )


def test_tencent_answers_and_errors() -> None:
    req = tf.Request("openim.sendmsg", 5, {}, {})
    ok = orjson.loads(tf.encode_answer(req, {"MsgKey": "k"}))
    assert ok["head"]["servcmd"] == "openim.sendmsg" and ok["head"]["seq"] == 5
    assert ok["body"] == {"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "MsgKey": "k"}
    assert orjson.loads(tf.encode_answer(req))["body"]["ActionStatus"] == "OK"
    bad = orjson.loads(tf.encode_error("a.b", 6, 70001, Extra=1))
    assert (
        bad["body"]["ErrorCode"] == 70001 and bad["body"]["ErrorInfo"] and bad["body"]["Extra"] == 1
    )
    assert orjson.loads(tf.encode_error("a.b", 6, 70001, "why"))["body"]["ErrorInfo"] == "why"


# ------------------------------------------------------------------ Tencent ids


def test_a2_keys_and_cookies() -> None:
    secret = ids.a2_secret("k")
    a2 = ids.A2(1400000001, "alice", 100, 200)
    token = ids.make_a2(secret, a2)
    assert ids.read_a2(secret, token) == a2 and ids.a2_app(token) == 1400000001
    assert ids.read_a2(ids.a2_secret("other"), token) is None
    assert ids.read_a2(secret, "%%%.%%%") is None
    payload = ids._b64(b"[1]")  # signed, but not four fields
    mac = hmac.new(secret, payload.encode(), hashlib.sha256).digest()[:18]
    forged = f"{payload}.{ids._b64(mac)}"
    assert ids.read_a2(secret, forged) is None
    assert ids.a2_app("garbage") is None and ids.a2_app(ids._b64(b"[]")) is None
    assert ids.read_cookie(ids.make_cookie(42)) == 42
    assert ids.read_cookie("") is None and ids.read_cookie("p2.1") is None
    assert ids.tiny_id("alice") == ids.tiny_id("alice") != ids.tiny_id("bob")


def test_a_tencent_frame_orjson_refuses_is_still_answered() -> None:
    """A lone surrogate: orjson refuses the frame, its head is still read to answer it."""
    raw = b'{"head": {"servcmd": "a.b", "seq": 5}, "body": {"x": "\\ud800"}}'
    with pytest.raises(ImError) as err:
        tf.decode_request(raw)
    assert err.value.request.seq == 5  # type: ignore[attr-defined]
    for hopeless in (
        b"{",
        b'["\\ud800"]',
        b'{"head": 1, "x": "\\ud800"}',
        b'{"head": {"servcmd": "a.b", "seq": true}, "x": "\\ud800"}',
        b"\xff" + b"[" * 5000,
    ):
        with pytest.raises(ImError) as err:
            tf.decode_request(hopeless)
        assert getattr(err.value, "request", None) is None


def test_reconnect_delay_backs_off_with_full_jitter_and_waits_out_a_busy_hint() -> None:
    assert reconnect_delay(0, 0.5, 15, 0.0) == 0.0  # full jitter: may come back at once
    assert reconnect_delay(0, 0.5, 15, 0.5) == 0.25
    assert reconnect_delay(3, 0.5, 15, 0.5) == 2.0  # half of 0.5 * 2**3
    assert reconnect_delay(60, 0.5, 15, 0.5) == 7.5  # capped, even for huge attempts
    assert reconnect_delay(2, 0.5, 15, 0.5, retry_after=3.0) == 4.0  # hint + jitter


def test_a_busy_503_says_how_long_to_wait() -> None:
    assert busy_hint({"Retry-After": "2", "Retry-After-Ms": "1500"}) == 1.5  # ms first
    assert busy_hint({"Retry-After": "2"}) == 2.0
    assert busy_hint({"Retry-After": "Fri, 04 Dec 2026 17:00:00 GMT"}) is None  # a date: no
    assert busy_hint({"Retry-After-Ms": "-5", "Retry-After": " 3 "}) == 3.0
    assert busy_hint({}) is None


def test_a_busy_error_carries_retry_after() -> None:
    obj = orjson.loads(encode_error(4, 70169, retry_after_ms=1500))
    assert obj == {"id": 4, "code": 70169, "message": obj["message"], "retryAfter": 1500}
    assert "retryAfter" not in orjson.loads(encode_error(4, 70169))
