"""Merged-forward lists kept on the server (``RelayService``) and the app-wide
do-not-disturb (``DoNotDisturbService``: its window, the offline-push gates),
in the services and storage layers (issue 17)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from palaver.errors import ImError
from palaver.model.events import AllReceiveOptChanged
from palaver.protocol import pushes as p
from palaver.protocol.tencent.pushes import TENCENT
from palaver.services.do_not_disturb import DAY, DoNotDisturb, DoNotDisturbService, in_window
from palaver.services.relay_messages import MAX_RELAY_MESSAGES, RelayService

T = 1_800_000_000  # the fake clock's start


def item(i: int, text: str = "hi") -> dict[str, Any]:
    return {
        "From_Account": "alice",
        "MsgSeq": i,
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}],
    }


async def test_a_kept_list_comes_back_as_saved_by_its_key_in_its_app_only(world: Any) -> None:
    svc = RelayService(world.db, world.clock)
    msgs = [item(i) for i in range(3)]
    key = await svc.save(world.app, "alice", msgs)
    assert key.startswith("relay-") and await svc.load(world.app, key) == msgs
    other = await svc.save(world.app, "bob", [item(9)])
    assert other != key and await svc.load(world.app, other) == [item(9)]
    for bad in ("", "relay-nope"):
        with pytest.raises(ImError) as err:
            await svc.load(world.app, bad)
        assert err.value.code == 20026
    other_app = await world.apps.create(sdkappid=1400000999, secret_key="k" * 32, admins=["a"])
    with pytest.raises(ImError) as err:
        await svc.load(other_app, key)
    assert err.value.code == 20026


@pytest.mark.parametrize(
    "bad",
    [None, [], "x", [1, 2], [item(i) for i in range(MAX_RELAY_MESSAGES + 1)]],
)
async def test_a_bad_list_is_refused(world: Any, bad: Any) -> None:
    with pytest.raises(ImError) as err:
        await RelayService(world.db).save(world.app, "alice", bad)
    assert err.value.code == 6017


async def test_an_oversized_or_too_deep_list_is_refused(world: Any) -> None:
    svc = RelayService(world.db)
    with pytest.raises(ImError) as err:
        await svc.save(world.app, "alice", [item(i, "x" * 4000) for i in range(260)])
    assert err.value.code == 80002
    deep: dict[str, Any] = {}
    for _ in range(80):
        deep = {"a": deep}
    with pytest.raises(ImError) as err:
        await svc.save(world.app, "alice", [deep])
    assert err.value.code == 6017


def test_the_window_once_and_every_day() -> None:
    night = DoNotDisturb(2, T + 22 * 3600, T + 30 * 3600, repeated=True)  # 22:00 to 06:00
    assert in_window(night, T + 23 * 3600) and in_window(night, T + DAY + 5 * 3600)
    assert in_window(night, T + 5 * DAY + 22 * 3600)  # days later, same hours
    assert not in_window(night, T + 12 * 3600) and not in_window(night, T + DAY + 7 * 3600)
    once = DoNotDisturb(1, T + 3600, T + 7200, repeated=False)
    assert in_window(once, T + 3600) and not in_window(once, T + 7200)
    assert not in_window(once, T + DAY + 3600)  # not repeated
    all_day = DoNotDisturb(2, T, T + DAY, repeated=True)
    assert in_window(all_day, T + 17 * DAY + 1)
    assert not in_window(DoNotDisturb(0, T, T + DAY, repeated=True), T + 1)  # off


async def test_do_not_disturb_is_kept_per_user_and_gates_offline_pushes(world: Any) -> None:
    svc = DoNotDisturbService(world.db, world.publisher, world.clock)
    world.clock.now = T + 23 * 3600
    assert await svc.get(world.app, "bob") == DoNotDisturb()
    night = DoNotDisturb(2, T + 22 * 3600, T + 30 * 3600, repeated=True)
    await svc.save(world.app, "bob", night)
    await svc.save(world.app, "carol", DoNotDisturb(2, T, T + 3600, repeated=False))
    assert await svc.get(world.app, "bob") == night
    notices = [c for c in world.publisher.calls if c[0] == "notice"]
    assert notices[0][2:] == (["bob"], AllReceiveOptChanged(2, T + 22 * 3600, T + 30 * 3600, True))
    assert await svc.quiet(world.app, ["bob", "carol", "dave"]) == {"bob"}
    assert await svc.push_filter(world.app, "GROUPg", ["bob", "carol", "dave"]) == [
        "carol",
        "dave",
    ]

    async def loud(app: Any, receiver: str, sender: str) -> str:
        return "AcceptAndNotify"

    remind = svc.remind_type(loud)
    assert await remind(world.app, "bob", "alice") == "AcceptNotNotify"
    assert await remind(world.app, "dave", "alice") == "AcceptAndNotify"
    world.clock.now = T + DAY + 12 * 3600  # noon: out of bob's window
    assert await remind(world.app, "bob", "alice") == "AcceptAndNotify"
    await svc.save(world.app, "bob", DoNotDisturb())  # level 0: off
    assert await svc.get(world.app, "bob") == DoNotDisturb()

    for bad in (DoNotDisturb(3, 0, 1), DoNotDisturb(2, 10, 5), DoNotDisturb(2, -1, 5)):
        with pytest.raises(ImError) as err:
            await svc.save(world.app, "bob", bad)
        assert err.value.code == 6017


def test_a_change_is_pushed_to_the_users_devices_in_both_protocols() -> None:
    push = p.notice_push(AllReceiveOptChanged(2, T, T + 3600, True))
    assert (push.ev, push.seq) == ("ALL_RECEIVE_MESSAGE_OPT_UPDATED", None)
    assert push.data == {
        "messageRemindType": "AcceptNotNotify",
        "startTime": T,
        "endTime": T + 3600,
        "isRepeated": True,
    }
    frame = orjson.loads(TENCENT.encode_push(push))
    assert frame["body"]["EventArray"] == [
        {"Event": 26, "Level": 2, "StartTime": T, "EndTime": T + 3600, "IsRepeated": 1}
    ]
    off = p.notice_push(AllReceiveOptChanged(0, 0, 0, False))
    [item] = orjson.loads(TENCENT.encode_push(off))["body"]["EventArray"]
    assert (item["Level"], item["IsRepeated"]) == (0, 0)
