"""Content moderation (issue 12, part 2): per-app sensitive words, block (80001) or
replace with ``*``, on Chinese and mixed text, through REST, Palaver's WebSocket and
Tencent's own SDK; before the app backend's before-send callback."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from conftest import SDKAPPID, RunningServer
from palaver.services.moderation import WordFilter, normalize, normalize_word
from support.backend import Backend
from support.tencent_sdk import TencentError
from test_web_ui import users  # noqa: F401  (the browser fixture)
from wsclient import ProtocolError, WsClient

G = "group_open_http_svc"
DW = "openim_dirty_words"


def text(t: str) -> list[dict[str, Any]]:
    return [{"MsgType": "TIMTextElem", "MsgContent": {"Text": t}}]


async def add_words(server: RunningServer, words: list[str], mode: str = "block") -> None:
    await server.ok(DW, "add", {"DirtyWordsList": words, "Mode": mode})


async def send(server: RunningServer, t: str, rnd: int, **kw: Any) -> dict[str, Any]:
    body = {"From_Account": "alice", "To_Account": "bob", "MsgRandom": rnd, "MsgBody": text(t)}
    return await server.rest("openim", "sendmsg", {**body, **kw})


async def bob_sees(server: RunningServer) -> list[str]:
    r = await server.ok(
        "openim",
        "admin_getroammsg",
        {"Operator_Account": "bob", "Peer_Account": "alice", "MaxCnt": 100, "MinTime": 0},
    )
    return [m["MsgBody"][0]["MsgContent"]["Text"] for m in r["MsgList"]]


# --- matching ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sample", "hit"),
    [
        ("你是坏蛋吗", True),  # Chinese, no word boundaries
        ("你是 坏 蛋 吗", True),  # spaces put between the characters
        ("你是坏　蛋", True),  # an ideographic space
        ("this is ＢＡＤ", True),  # full-width letters
        ("this is BaD!", True),  # case
        ("b.a.d and b-a-d", True),  # separators
        ("badge", True),  # a substring (no word boundaries, as Tencent)
        ("坏人 和 蛋糕", False),
        ("ba", False),
    ],
)
def test_matching_is_normalised(sample: str, hit: bool) -> None:
    f = WordFilter([(normalize_word("坏蛋"), "block"), (normalize_word("bad"), "block")])
    assert bool(f.scan(sample)) is hit


def test_replace_stars_the_original_characters_and_keeps_separators() -> None:
    f = WordFilter([("坏蛋", "replace"), ("bad", "replace")])
    assert f.apply("你是 坏 蛋, not ＢＡＤ")[0] == "你是 * *, not ***"
    assert f.apply("badbad")[0] == "******"
    assert normalize("Ａ b")[0] == "ab" and normalize("Ａ b")[1] == [0, 2]


# --- REST ----------------------------------------------------------------------------------------


async def test_dirty_words_rest_get_add_delete(server: RunningServer) -> None:
    assert (await server.ok(DW, "get"))["DirtyWordsList"] == []
    await add_words(server, ["坏蛋", "ＢＡＤ"])
    await add_words(server, ["傻 瓜"], "replace")
    got = await server.ok(DW, "get")
    assert got["DirtyWordsList"] == ["bad", "傻瓜", "坏蛋"]
    assert got["DirtyWordsModes"] == {"bad": "block", "傻瓜": "replace", "坏蛋": "block"}
    await server.ok(DW, "delete", {"DirtyWordsList": ["BAD"]})
    assert (await server.ok(DW, "get"))["DirtyWordsList"] == ["傻瓜", "坏蛋"]
    r = await server.rest(DW, "add", {"DirtyWordsList": [" - "]})
    assert r["ErrorCode"] == 90001, r
    r = await server.rest(DW, "add", {"DirtyWordsList": "坏蛋"})
    assert r["ActionStatus"] == "FAIL", r


async def test_rest_messages_blocked_or_starred(
    server: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    await server.import_users("alice", "bob")
    await add_words(server, ["坏蛋"])
    await add_words(server, ["fool"], "replace")
    caplog.set_level(logging.INFO, logger="palaver.moderation")
    r = await send(server, "你这个 坏 蛋 !", 1)
    assert r["ErrorCode"] == 80001, r
    r = await send(server, "you FOOL, 你好", 2)
    assert r["ErrorCode"] == 0, r
    custom = [{"MsgType": "TIMCustomElem", "MsgContent": {"Data": "x", "Desc": "坏蛋 card"}}]
    r = await server.rest(
        "openim",
        "sendmsg",
        {"From_Account": "alice", "To_Account": "bob", "MsgRandom": 3, "MsgBody": custom},
    )
    assert r["ErrorCode"] == 80001, r
    assert await bob_sees(server) == ["you ****, 你好"]
    # every hit is logged: who, where, which word and mode
    lines = [r.getMessage() for r in caplog.records if r.name == "palaver.moderation"]
    assert any("alice" in m and "坏蛋" in m and "block" in m and "C2C" in m for m in lines)
    assert any("alice" in m and "fool" in m and "replace" in m for m in lines)


async def test_group_names_notices_nicks_and_name_cards(server: RunningServer) -> None:
    await server.import_users("alice", "bob")
    await add_words(server, ["坏蛋"])
    await add_words(server, ["傻瓜"], "replace")
    r = await server.rest(
        G, "create_group", {"Type": "Public", "Name": "坏蛋群", "Owner_Account": "alice"}
    )
    assert r["ErrorCode"] == 80001, r
    r = await server.ok(
        G,
        "create_group",
        {
            "Type": "Public",
            "Name": "傻瓜 club",
            "Owner_Account": "alice",
            "MemberList": [{"Member_Account": "bob"}],
        },
    )
    gid = r["GroupId"]
    r = await server.rest(
        G, "modify_group_base_info", {"GroupId": gid, "Notification": "坏 蛋 notice"}
    )
    assert r["ErrorCode"] == 80001, r
    await server.ok(G, "modify_group_base_info", {"GroupId": gid, "Notification": "no 傻瓜s"})
    info = await server.ok(G, "get_group_info", {"GroupIdList": [gid]})
    g = info["GroupInfo"][0]
    assert (g["Name"], g["Notification"]) == ("** club", "no **s")

    r = await server.rest(
        G, "modify_group_member_info", {"GroupId": gid, "Member_Account": "bob", "NameCard": "坏蛋"}
    )
    assert r["ErrorCode"] == 80001, r
    await server.ok(
        G,
        "modify_group_member_info",
        {"GroupId": gid, "Member_Account": "bob", "NameCard": "傻瓜bob"},
    )
    m = await server.ok(G, "get_group_member_info", {"GroupId": gid})
    assert {x["Member_Account"]: x.get("NameCard") for x in m["MemberList"]}["bob"] == "**bob"

    nick = [{"Tag": "Tag_Profile_IM_Nick", "Value": "坏蛋"}]
    r = await server.rest("profile", "portrait_set", {"From_Account": "bob", "ProfileItem": nick})
    assert r["ErrorCode"] == 80001, r
    nick = [{"Tag": "Tag_Profile_IM_Nick", "Value": "大傻瓜"}]
    await server.ok("profile", "portrait_set", {"From_Account": "bob", "ProfileItem": nick})
    p = await server.ok(
        "profile", "portrait_get", {"To_Account": ["bob"], "TagList": ["Tag_Profile_IM_Nick"]}
    )
    assert p["UserProfileItem"][0]["ProfileItem"][0]["Value"] == "大**"


async def test_moderation_runs_before_the_before_send_callback(server: RunningServer) -> None:
    await server.import_users("alice", "bob")
    await add_words(server, ["坏蛋"])
    await add_words(server, ["傻瓜"], "replace")
    backend = Backend()
    await backend.start()
    try:
        await server.hub.apps.update_settings(
            SDKAPPID, callback_url=backend.url, callback_commands=["C2C.CallbackBeforeSendMsg"]
        )
        assert (await send(server, "坏蛋", 1))["ErrorCode"] == 80001
        assert (await send(server, "傻瓜", 2))["ErrorCode"] == 0
    finally:
        await backend.stop()
    (got,) = backend.received  # the blocked one never reached the backend
    assert got.body["MsgBody"] == text("**")


# --- the client protocols ------------------------------------------------------------------------


async def test_palaver_client_sees_80001_and_stars(server: RunningServer) -> None:
    await server.import_users("alice", "bob")
    await add_words(server, ["坏蛋"])
    await add_words(server, ["damn"], "replace")
    alice = WsClient(server.url, SDKAPPID, "alice", server.sig("alice"))
    bob = WsClient(server.url, SDKAPPID, "bob", server.sig("bob"))
    await alice.connect()
    await bob.connect()
    try:
        with pytest.raises(ProtocolError) as err:
            await alice.send_text("bob", "你 坏蛋", 1)
        assert err.value.code == 80001
        sent = await alice.send_text("bob", "DAMN it 好", 2)
        assert sent["payload"]["text"] == "**** it 好"
        (got,) = await bob.messages(1)
        assert got["payload"]["text"] == "**** it 好"
    finally:
        await alice.close()
        await bob.close()


async def test_tencent_sdk_sees_80001_and_stars(server: RunningServer, tencent: Any) -> None:
    await server.import_users("alice", "bob")
    await add_words(server, ["坏蛋"])
    await add_words(server, ["damn"], "replace")
    alice = await tencent.login("alice", server.sig("alice"))
    with pytest.raises(TencentError) as err:
        await alice.send_text("bob", "你是 坏 蛋")
    assert err.value.code == 80001, alice.report()
    await alice.send_text("bob", "ｄａｍｎ 你好")
    assert await bob_sees(server) == ["**** 你好"]


# --- the browser UI -------------------------------------------------------------------------------


async def test_ui_shows_a_blocked_message_as_failed_with_the_reason(
    users: Any,  # noqa: F811
    server: RunningServer,
) -> None:
    from test_web_ui import WAIT, bubbles, expect, open_chat_with_friend
    from test_web_ui import send as ui_send

    await add_words(server, ["坏蛋"])
    await add_words(server, ["傻瓜"], "replace")
    alice = await users.open("alice")
    await open_chat_with_friend(alice, "bob")
    await ui_send(alice, "你 坏 蛋")
    msg = alice.tid("message").filter(has_text="你 坏 蛋")
    await expect(msg.get_by_test_id("msg-status")).to_have_text("Failed", timeout=WAIT)
    await expect(alice.tid("toast")).to_contain_text("80001", timeout=WAIT)
    await ui_send(alice, "hi 傻瓜")
    await expect(bubbles(alice).last).to_have_text("hi **", timeout=WAIT)
