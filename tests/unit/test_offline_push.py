"""``OfflinePushInfo`` (issue 12 §3) in the unit layer: the front doors' check, the
message record read back from storage, and the protocol's message object."""

from __future__ import annotations

from typing import Any

import pytest

from palaver.limits import MAX_OFFLINE_PUSH_BYTES
from palaver.offline_push import check_offline_push
from palaver.protocol.objects import message_wire
from palaver.services.messages import SendOptions
from palaver.services.sending import SendSource

from .conftest import World

PUSH = {"PushFlag": 1, "Title": "t", "Desc": "d", "Ext": "e", "ApnsInfo": {"BadgeMode": 1}}
TEXT = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]


@pytest.mark.parametrize(
    "bad",
    [
        [],
        "x",
        {"PushFlag": 2},
        {"PushFlag": True},
        {"PushFlag": "0"},
        {"Title": 1},
        {"Ext": {}},
        {"AndroidInfo": []},
        {"ApnsInfo": {"a": {"b": {"c": 1}}}},
        {"Desc": "x" * MAX_OFFLINE_PUSH_BYTES},
    ],
)
def test_a_bad_one_is_refused(bad: Any) -> None:
    with pytest.raises(ValueError):
        check_offline_push(bad)


def test_a_good_one_is_kept_as_it_is() -> None:
    assert check_offline_push(None) is None
    assert check_offline_push(PUSH) == PUSH
    assert check_offline_push({"Unknown": [1]}) == {"Unknown": [1]}  # Tencent's later fields


async def test_stored_with_the_message_and_shown_on_it(world: World) -> None:
    await world.users("alice", "bob")
    opts = SendOptions(source=SendSource(offline_push=PUSH))
    sent = await world.messages.send_c2c(world.app, "alice", "bob", TEXT, 1, opts)
    plain = await world.messages.send_c2c(world.app, "alice", "bob", TEXT, 2, SendOptions())
    assert sent.message.offline_push == PUSH and plain.message.offline_push is None
    page, _, _ = await world.messages.page(world.app, "bob", "alice", limit=10)
    got = {m.random: m for m in page.messages}
    assert got[1].offline_push == PUSH and got[2].offline_push is None
    assert message_wire(got[1], "bob")["offlinePushInfo"] == PUSH
    assert "offlinePushInfo" not in message_wire(got[2], "bob")
