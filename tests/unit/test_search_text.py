"""Search text and index documents (issue 18; docs/search.md): pure functions."""

from __future__ import annotations

import orjson

from palaver.model.search_text import (
    kind_token,
    message_kinds,
    message_text,
    normalize,
    phrase,
    tokens,
)
from palaver.storage import search as st


def test_normalise_and_cut_mixed_text() -> None:
    assert normalize("ＡＢＣ１２３ Ｘ") == "abc123 x"
    assert tokens("明天下午3点开会😀") == [
        "明天",
        "天下",
        "下午",
        "午",
        "3",
        "点开",
        "开会",
        "会",
        "😀",
    ]
    assert tokens("iPhone15, 你好!") == ["iphone", "15", "你好", "好"]
    assert tokens("东") == ["东"] and tokens("，。 ") == []


def test_keyword_phrases() -> None:
    p = phrase("点开会")
    assert p is not None and p.tokens == ("点开", "开会") and not p.prefix
    p = phrase("会3")
    assert p is not None and p.tokens == ("会", "3") and p.prefix
    p = phrase("☕")
    assert p is not None and p.tokens == ("☕",) and not p.prefix
    assert phrase("!?") is None


def test_message_text_and_kinds() -> None:
    body = [
        {"MsgType": "TIMTextElem", "MsgContent": {"Text": "你好"}},
        {"MsgType": "TIMFileElem", "MsgContent": {"FileName": "报告.pdf"}},
        {"MsgType": "TIMImageElem", "MsgContent": {}},
        {"MsgType": "TIMTextElem", "MsgContent": "not an object"},
        "junk",
    ]
    assert message_text(body) == "你好\n报告.pdf"  # type: ignore[arg-type]
    assert message_kinds(body) == ["TIMTextElem", "TIMFileElem", "TIMImageElem"]  # type: ignore[arg-type]
    assert kind_token("TIMTextElem") == "timtextelem"


def test_documents_and_queries_of_both_databases() -> None:
    row = {
        "app_id": 1,
        "conv_id": "c2c:a\x1fb",
        "from_account": "a",
        "flags": 8,  # kept out of the sender's history
        "body": orjson.dumps([{"MsgType": "TIMTextElem", "MsgContent": {"Text": "开会"}}]).decode(),
    }
    doc, kinds, scope = st.fts_doc(row)
    assert doc == "开会 会" and kinds == "timtextelem"
    assert scope.split() == [
        st.conv_scope(1, "c2c:a\x1fb"),
        st.sender_scope(1, "a"),
        st.hidden_scope(1, "a"),
    ]
    assert st.pg_doc(row).startswith("'开会':1 '会':2 '~timtextelem' '@c")
    assert st.fts_doc({**row, "body": "not json"})[0] == ""
    p = phrase("开会")
    assert p is not None
    m = st.Match([p], match_all=True, kinds=["TIMTextElem"], senders=["a"])
    q = st.match_expr("sqlite", 1, m, "c2c:a\x1fb", "b")
    assert q.startswith(f'scope:({st.conv_scope(1, "c2c:a" + chr(31) + "b")}) AND doc:("开会")')
    assert q.endswith(f"NOT scope:{st.hidden_scope(1, 'b')}")
    pg = st.match_expr("postgresql", 1, m, "c2c:a\x1fb", "b")
    assert (
        "('开会')" in pg
        and "'~timtextelem'" in pg
        and pg.endswith(f"& !'@{st.hidden_scope(1, 'b')}'")
    )
    assert st.like_pattern("50%_a\\") == "%50\\%\\_a\\\\%"
