"""Search text and index documents (issue 18; docs/search.md): pure functions."""

from __future__ import annotations

import unicodedata

import orjson
from hypothesis import given
from hypothesis.strategies import characters as st_chars
from hypothesis.strategies import text as st_text

from palaver.model import search_text as stx
from palaver.model.search_text import (
    kind_token,
    message_kinds,
    message_text,
    normalize,
    phrase,
    runs,
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


def _runs_one_char_at_a_time(text: str) -> list[tuple[int, str]]:
    """The cut as the module doc states it, one character at a time (the oracle
    of the fast paths in :func:`runs`)."""
    out: list[tuple[int, str]] = []
    kind, start = stx._SEP, 0
    for i, ch in enumerate(text):
        cat = unicodedata.category(ch)
        if stx._is_cjk(ord(ch)):
            k = stx._CJK
        elif cat[0] == "L":
            k = stx._ALPHA
        elif cat[0] == "N":
            k = stx._DIGIT
        elif cat[0] == "M" and kind in (stx._ALPHA, stx._DIGIT):
            k = kind
        elif cat == "So":
            k = stx._SYMBOL
        else:
            k = stx._SEP
        if k != kind or k == stx._SYMBOL:
            if kind != stx._SEP:
                out.append((kind, text[start:i]))
            kind, start = k, i
    if kind != stx._SEP:
        out.append((kind, text[start:]))
    return out


_MIXED = st_text(
    alphabet=st_chars(
        codec="utf-8",
        categories=("L", "M", "N", "S", "P", "Z", "C"),
        exclude_characters="\x00",
    )
)


@given(
    text=_MIXED | st_text(alphabet=st_chars(max_codepoint=127)) | st_text("a1 é\u0301\u3099今天😀")
)
def test_the_fast_cut_is_the_one_the_module_states(text: str) -> None:
    """ASCII through the regular expression, the rest through the memo of
    character classes: the same runs, hence the same index and queries."""
    norm = normalize(text)
    assert runs(norm) == _runs_one_char_at_a_time(norm)
    assert runs(text) == _runs_one_char_at_a_time(text)  # twice: from the memo too
