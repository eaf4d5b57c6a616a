"""The input limits every front door shares (palaver.limits) and the per-minute
rate limit (palaver.services.ratelimit), without a server."""

from __future__ import annotations

import pytest

from palaver.errors import ImError
from palaver.limits import (
    MAX_DEPTH,
    json_depth,
    parse_sdkappid,
    problem,
    screen,
    stored_json,
    suspicious,
)
from palaver.services.ratelimit import PerMinute


def nested(n: int) -> object:
    v: object = 1
    for _ in range(n):
        v = [v]
    return v


def test_problems_are_named() -> None:
    assert problem({"a": ["x", 1, 2.5, True, None]}) is None
    assert problem(nested(MAX_DEPTH + 1)) is not None
    assert problem({"a": "x\x00"}) == "a string holds a NUL character"
    assert problem({"a\x00": 1}) == "a key holds a NUL character"
    assert problem({"MsgBody": [{"Text": "a\x00b"}]}) is None  # stored as JSON
    assert problem({"n": 2**63}) is not None and problem({"n": -(2**63) - 1}) is not None
    assert problem({"Value": 2**64 - 1}) is None  # uint64 custom fields
    assert problem(({"a": 1}, ["b"])) is None
    assert json_depth(nested(5), 100) == 6 and json_depth(nested(50), 10) == 11


def test_screen_walks_only_suspicious_text() -> None:
    assert not suspicious(b'{"a": "b"}') and not suspicious('{"a": 1}')
    assert suspicious(b'{"a": "\\u0000"}') and suspicious(b"[" * 101) and suspicious(b"1" * 19)
    screen(b'{"a": "b"}', {"a": "\x00"}, 7)  # trusted: the text looks clean
    with pytest.raises(ImError) as err:
        screen(b"", {"a": "\x00"}, 7)
    assert err.value.code == 7


def test_stored_json_that_no_frame_can_carry_reads_as_a_placeholder() -> None:
    assert stored_json('[{"a": 1}]', "m", []) == [{"a": 1}]
    assert stored_json(b"[" * 200 + b"]" * 200, "m", ["p"]) == ["p"]
    assert stored_json("[" * 200 + "]" * 200, "m", ["p"]) == ["p"]
    assert stored_json("[[[]]]" * 30, "m", ["p"]) == ["p"]  # not JSON at all
    assert stored_json("[" * 70 + "]" * 70, "m", ["p"]) != ["p"]  # many brackets, shallow enough


def test_sdkappids_are_ascii_digits_below_2_to_the_32() -> None:
    assert parse_sdkappid("1400000000") == 1400000000 and parse_sdkappid(0) == 0
    for bad in ("", "+1", "1_0", " 1", "１", "4294967296", 2**32, -1, True, 1.5, None):
        with pytest.raises(ImError) as err:
            parse_sdkappid(bad)
        assert err.value.code == 60006


class Clock:
    def __init__(self) -> None:
        self.now = 600.0

    def time(self) -> float:
        return self.now


def test_per_minute_windows() -> None:
    clock = Clock()
    limit = PerMinute(clock)
    limit.admit("k", 0, 1, "x")  # no limit
    limit.admit("k", 2, 1, "x")
    limit.admit("k", 2, 1, "x")
    with pytest.raises(ImError):
        limit.admit("k", 2, 1, "x")
    limit.admit("other", 2, 1, "x")
    clock.now += 60
    limit.admit("k", 2, 1, "x")


def test_per_second_windows() -> None:
    from palaver.services.ratelimit import PerSecond

    clock = Clock()
    limit = PerSecond(clock)
    limit.admit("k", 1, 7, "x")
    with pytest.raises(ImError) as err:
        limit.admit("k", 1, 7, "x")
    assert err.value.code == 7 and "a second" in str(err.value)
    clock.now += 1
    limit.admit("k", 1, 7, "x")


def test_a_kick_voids_the_usersigs_of_its_own_second() -> None:
    from palaver.services.accounts import voided_by_kick

    assert not voided_by_kick(100, 0)  # never kicked
    assert voided_by_kick(99, 100) and voided_by_kick(100, 100)
    assert not voided_by_kick(101, 100)


def test_custom_fields_are_counted() -> None:
    from palaver.services.groups.model import merge_custom

    assert merge_custom({"a": "1"}, {"b": "2"}, 2) == {"a": "1", "b": "2"}
    with pytest.raises(ImError) as err:
        merge_custom({"a": "1", "b": "2"}, {"c": "3"}, 2)
    assert err.value.code == 10004
    # a membership already past the limit may still change or drop its fields
    assert merge_custom({"a": "1", "b": "2", "c": "3"}, {"a": "9", "c": ""}, 2) == {
        "a": "9",
        "b": "2",
    }
    assert len(merge_custom({}, {str(i): "v" for i in range(50)})) == 50  # 0: no limit
