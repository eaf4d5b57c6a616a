"""Message search (issue 18): the index's precision and recall on a Chinese and
mixed test set, and through a real server (SQLite, or PostgreSQL with
PALAVER_TEST_DATABASE_URL): privacy, late joiners, recall, delete, paging,
rebuild."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from conftest import RunningServer
from palaver.errors import ImError
from palaver.model.search_text import normalize, phrase, tokens
from palaver.services.search import MessageSearch, SearchPage
from palaver.storage import search as search_store
from search_corpus import MESSAGES, QUERIES

FTS5 = "unicode61 remove_diacritics 0 categories 'L* N* M* S* Co'"


def _text(t: str) -> list[dict[str, Any]]:
    return [{"MsgType": "TIMTextElem", "MsgContent": {"Text": t}}]


def quality() -> tuple[float, float, dict[str, tuple[set[int], set[int]]]]:
    """(precision, recall, {keyword: (found, expected)}) of the FTS5 index on the test set."""
    import orjson

    db = sqlite3.connect(":memory:")
    db.execute(
        f"CREATE VIRTUAL TABLE message_fts USING fts5(doc, kinds, scope, content='', tokenize=\"{FTS5}\")"
    )
    for i, t in MESSAGES.items():
        row = {"app_id": 1, "conv_id": "c", "from_account": "u", "flags": 0}
        doc = search_store.fts_doc({**row, "body": orjson.dumps(_text(t)).decode()})
        db.execute("INSERT INTO message_fts(rowid, doc, kinds, scope) VALUES (?,?,?,?)", (i, *doc))
    tp = fp = fn = 0
    out = {}
    for kw, want in QUERIES.items():
        p = phrase(kw)
        assert p is not None
        expr = search_store.match_expr("sqlite", 1, search_store.Match([p]), "c", "viewer")
        got = {
            r[0]
            for r in db.execute("SELECT rowid FROM message_fts WHERE message_fts MATCH ?", (expr,))
        }
        tp += len(got & want)
        fp += len(got - want)
        fn += len(want - got)
        out[kw] = (got, want)
    return tp / (tp + fp), tp / (tp + fn), out


def test_tokens_normalise_width_and_case() -> None:
    assert normalize("ＩＰＨＯＮＥ１５　Ｐｒｏ") == "iphone15 pro"
    assert tokens("明天下午3点开会") == ["明天", "天下", "下午", "午", "3", "点开", "开会", "会"]
    assert tokens("iPhone15😀！") == ["iphone", "15", "😀"]
    p = phrase("点开会")
    assert p is not None and p.tokens == ("点开", "开会") and not p.prefix
    p = phrase("会")
    assert p is not None and p.tokens == ("会",) and p.prefix
    assert phrase("，。!") is None


def test_precision_and_recall_on_the_chinese_and_mixed_set() -> None:
    precision, recall, detail = quality()
    misses = {k: v for k, v in detail.items() if v[0] != v[1]}
    # figures in docs/search.md (bench/search_quality.py prints them)
    assert precision >= 0.98, misses
    assert recall >= 0.93, misses


# --- through a server ------------------------------------------------------------


async def _send(server: RunningServer, frm: str, to: str, t: str, rnd: int = 1) -> dict[str, Any]:
    return await server.ok(
        "openim",
        "sendmsg",
        {"From_Account": frm, "To_Account": to, "MsgRandom": rnd, "MsgBody": _text(t)},
    )


async def _find(server: RunningServer, viewer: str, *kw: str, **extra: Any) -> SearchPage:
    return await server.hub.search.messages(server.app, MessageSearch(viewer, kw, **extra))


def _hits(page: SearchPage) -> int:
    """Messages found (Tencent's ``totalCount`` counts conversations across them)."""
    return sum(c.count for c in page.conversations)


def _texts(page: SearchPage) -> list[str]:
    return [m.body[0]["MsgContent"]["Text"] for c in page.conversations for m in c.messages]


async def test_c2c_search_privacy_recall_and_paging(server: RunningServer) -> None:
    await server.import_users("alice", "bob", "carol")
    await _send(server, "alice", "bob", "我们公司地址变了")
    await _send(server, "bob", "alice", "新地址是建国路88号", 2)
    await _send(server, "carol", "bob", "carol的地址保密")
    # alice sees her conversation with bob only; one conversation, two hits
    page = await _find(server, "alice", "地址")
    assert page.total == 1 and _hits(page) == 2  # across conversations: total = conversations
    conv = page.conversations[0]
    assert conv.peer == "bob" and conv.count == 2 and conv.messages == []
    # bob sees both conversations; carol's has one hit, so it carries the message
    page = await _find(server, "bob", "地址")
    assert (
        page.total == 2
        and _hits(page) == 3
        and {c.peer for c in page.conversations} == {"alice", "carol"}
    )
    assert [c.messages for c in page.conversations if c.peer == "carol"][0][0].sender == "carol"
    # within a conversation: the messages, newest first, paged without repeats
    first = await _find(server, "alice", "地址", peer="bob", count=1)
    assert _texts(first) == ["新地址是建国路88号"] and first.cursor
    second = await _find(server, "alice", "地址", peer="bob", count=1, cursor=first.cursor)
    assert _texts(second) == ["我们公司地址变了"]
    # AND / OR
    assert _hits(await _find(server, "bob", "地址", "88号", match_all=True)) == 1
    assert _hits(await _find(server, "bob", "保密", "88号")) == 2
    # recall: gone from the results
    sent = await _send(server, "alice", "bob", "我的密码是 hunter2", 3)
    assert _hits(await _find(server, "bob", "hunter2")) == 1
    await server.ok(
        "openim",
        "admin_msgwithdraw",
        {"From_Account": "alice", "To_Account": "bob", "MsgKey": sent["MsgKey"]},
    )
    assert _hits(await _find(server, "bob", "hunter2")) == 0
    # clearing the history hides what was cleared
    await server.ok(
        "recentcontact",
        "delete",
        {"From_Account": "alice", "Type": 1, "To_Account": "bob", "ClearRamble": 1},
    )
    assert _hits(await _find(server, "alice", "地址")) == 0
    assert _hits(await _find(server, "bob", "地址")) == 3
    with pytest.raises(ImError) as e:
        await _find(server, "bob", "，，")
    assert e.value.code == 27003


async def test_a_very_long_word_is_stored_delivered_and_found(server: RunningServer) -> None:
    """A 3,000-letter word (over PostgreSQL's 2,047-byte lexeme limit) is indexed by
    its beginning: the message is stored and found, by that word and by its start."""
    await server.import_users("alice", "bob")
    word = "x" * 2990 + "yz" + "我们"
    await _send(server, "alice", "bob", f"long {word} end")
    assert (await _find(server, "bob", word)).total == 1
    assert (await _find(server, "bob", "xxxx")).total == 1
    assert (await _find(server, "bob", "我们")).total == 1


async def test_group_search_from_join_onwards_and_delete(server: RunningServer) -> None:
    await server.import_users("owner", "early", "late")
    G = "group_open_http_svc"
    await server.ok(
        G,
        "create_group",
        {
            "Owner_Account": "owner",
            "Type": "Public",
            "Name": "team",
            "GroupId": "team",
            "MemberList": [{"Member_Account": "early"}],
        },
    )

    async def say(frm: str, t: str, rnd: int) -> None:
        await server.ok(
            G,
            "send_group_msg",
            {"GroupId": "team", "From_Account": frm, "Random": rnd, "MsgBody": _text(t)},
        )

    await say("owner", "周五晚上7点聚餐", 1)
    await server.ok(
        G, "add_group_member", {"GroupId": "team", "MemberList": [{"Member_Account": "late"}]}
    )
    await say("early", "聚餐改到周六", 2)
    assert _hits(await _find(server, "early", "聚餐")) == 2
    late = await _find(server, "late", "聚餐")
    assert late.total == 1 and late.conversations[0].group_id == "team"
    assert _texts(late) == ["聚餐改到周六"]
    assert _hits(await _find(server, "late", "聚餐", group_id="team")) == 1
    assert _hits(await _find(server, "outsider", "聚餐")) == 0
    # a sender's messages deleted: no longer found
    await server.ok(G, "delete_group_msg_by_sender", {"GroupId": "team", "Sender_Account": "early"})
    assert _hits(await _find(server, "owner", "聚餐")) == 1
    # the group dismissed: nothing
    await server.ok(G, "destroy_group", {"GroupId": "team"})
    assert _hits(await _find(server, "owner", "聚餐")) == 0


async def test_rebuild_indexes_existing_messages(server: RunningServer) -> None:
    from test_cli import run_palaver

    await server.import_users("alice", "bob")
    await _send(server, "alice", "bob", "旧消息：发票抬头")
    assert await server.hub.search.rebuild() == 1
    assert _hits(await _find(server, "bob", "发票")) == 1
    url = server.hub.settings.effective_database_url
    rc, out, err = await run_palaver("search", "rebuild", "--database-url", url)
    assert rc == 0 and "Indexed 1 messages" in out, (out, err)
    assert _hits(await _find(server, "bob", "发票")) == 1


async def test_filters_sender_history_types_and_time(server: RunningServer) -> None:
    await server.import_users("alice", "bob")
    await server.ok(
        "openim",
        "sendmsg",
        {
            "From_Account": "alice",
            "To_Account": "bob",
            "MsgRandom": 9,
            "SyncOtherMachine": 2,
            "MsgBody": _text("系统通知：订单已发货"),
        },
    )
    sent = await _send(server, "bob", "alice", "订单号 20250301", 2)
    # kept out of alice's history: bob finds it, alice does not
    assert _hits(await _find(server, "bob", "订单")) == 2
    assert _hits(await _find(server, "alice", "订单")) == 1
    # element types, senders, time range
    assert _hits(await _find(server, "bob", "订单", kinds=["TIMTextElem"])) == 2
    assert _hits(await _find(server, "bob", "订单", kinds=["TIMImageElem"])) == 0
    assert _hits(await _find(server, "bob", senders=["alice"])) == 1
    t = sent["MsgTime"]
    assert _hits(await _find(server, "bob", "订单", start_time=t - 60, end_time=t + 60)) == 2
    assert _hits(await _find(server, "bob", "订单", start_time=t + 3600)) == 0
    page = await _find(server, "bob", "订单", peer="alice", end_time=t + 60, count=1)
    assert page.total == 2 and len(_texts(page)) == 1 and page.cursor


# --- Palaver's WebSocket ops, through the Python SDK --------------------------------


async def test_python_sdk_search(server: RunningServer) -> None:
    from palaver.client import Chat, ChatError

    await server.import_users("alice", "bob", "carol")
    await server.ok(
        "profile",
        "portrait_set",
        {"From_Account": "bob", "ProfileItem": [{"Tag": "Tag_Profile_IM_Nick", "Value": "Bob 李"}]},
    )
    await server.ok(
        "group_open_http_svc",
        "create_group",
        {
            "Owner_Account": "alice",
            "Type": "Public",
            "Name": "北京 Team",
            "GroupId": "bj",
            "MemberList": [{"Member_Account": "bob"}],
        },
    )
    await _send(server, "bob", "alice", "新地址：建国路88号😀")
    await _send(server, "carol", "bob", "carol的地址保密", 2)
    alice = Chat(sdk_app_id=server.app.sdkappid, server=server.url)
    await alice.login(user_id="alice", user_sig=server.sig("alice"))
    try:
        res = await alice.search_cloud_messages(["地址"])
        assert res["total_count"] == 1
        (conv,) = res["search_result_list"]
        assert conv["conversation_id"] == "C2Cbob" and conv["message_count"] == 1
        assert conv["message_list"][0].payload["text"] == "新地址：建国路88号😀"
        res = await alice.search_cloud_messages(["路88号😀"], conversation_id="C2Cbob")
        assert res["total_count"] == 1
        users = await alice.search_cloud_users(["ｂｏｂ"])
        assert [(u["userID"], u["nick"]) for u in users["search_result_list"]] == [
            ("bob", "Bob 李")
        ]
        groups = await alice.search_cloud_groups(["北京"])
        assert [g["groupID"] for g in groups["search_result_list"]] == ["bj"]
        members = await alice.search_cloud_group_members(["李"])
        (item,) = members["search_result_list"]
        assert item["groupInfo"]["groupID"] == "bj"
        assert [m["userID"] for m in item["memberList"]] == ["bob"]
        with pytest.raises(ChatError) as e:
            await alice.search_cloud_messages(["!!"])
        assert e.value.code == 27003
    finally:
        await alice.destroy()


async def test_erased_and_redacted_account_leaves_no_hits(server: RunningServer) -> None:
    await server.import_users("alice", "bob")
    await _send(server, "alice", "bob", "我的住址是建国路88号")
    await _send(server, "bob", "alice", "收到住址", 2)
    assert _hits(await _find(server, "bob", "住址")) == 2
    await server.hub.apps.update_settings(server.app.sdkappid, account_delete_mode="erase_redact")
    await server.ok("im_open_login_svc", "account_delete", {"DeleteItem": [{"UserID": "alice"}]})
    page = await _find(server, "bob", "住址")
    assert _texts(page) == ["收到住址"] and _hits(page) == 1  # only bob's own is left
    assert _hits(await _find(server, "bob", "建国路")) == 0
