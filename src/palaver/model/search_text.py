"""Search text: normalisation and the tokens a message is indexed by (issue 18).

Pure functions shared by the index writer (storage) and the query builder, so a
document and a query are always cut the same way, on SQLite and PostgreSQL.

**Normalisation.** Unicode NFKC (full-width ``ＡＢＣ１２３`` → ``ABC123``, half-width
katakana → full-width, ligatures, circled digits...), then case folding.

**Tokens.** The normalised text is cut into *runs*:

- a CJK run (Han, kana, Hangul) gives its overlapping **bigrams** and then its
  last character alone (``今天开会`` → ``今天 天开 开会 会``; one character: itself);
- a run of letters (any script but CJK, with their combining marks) is one token,
  a run of digits another (``iPhone15`` → ``iphone 15``);
- an emoji or other symbol (Unicode ``So``) is a token on its own;
- everything else (spaces, punctuation, math signs, modifiers, ZWJ) separates.

A query keyword is cut the same way and matched as **one phrase** (its tokens at
consecutive positions), so Chinese, English, digits and emoji match without
spaces between them: ``3点开会`` finds ``明天下午3点开会``. Two adjustments at the
end of a keyword: a trailing CJK run drops its lone last character (the document's
run may go on: ``点开会`` must find ``点开会议``), and a last token of letters,
digits or a single CJK character matches as a **prefix** (``addr`` finds
``address``; a single ``会`` finds ``会议`` and ``开会``).
The choice (bigrams over FTS5's ``trigram``) and its precision/recall are in
docs/search.md.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

#: Element types whose text is indexed, and the field that holds it.
TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "TIMTextElem": ("Text",),
    "TIMFileElem": ("FileName",),
    "TIMLocationElem": ("Desc",),
    "TIMCustomElem": ("Desc", "Ext"),
    "TIMFaceElem": ("Data",),
}

_CJK, _ALPHA, _DIGIT, _SYMBOL, _SEP, _MARK = range(6)


def normalize(text: str) -> str:
    """NFKC, then case-folded: what both the index and the queries compare."""
    return unicodedata.normalize("NFKC", text).casefold()


def _is_cjk(cp: int) -> bool:
    return (
        0x3400 <= cp <= 0x9FFF  # CJK ext A + unified
        or 0xF900 <= cp <= 0xFAFF  # compatibility ideographs
        or 0x20000 <= cp <= 0x3FFFF  # ext B..
        or 0x3040 <= cp <= 0x30FF  # hiragana, katakana
        or 0x31F0 <= cp <= 0x31FF
        or 0xAC00 <= cp <= 0xD7AF  # hangul syllables
        or 0x1100 <= cp <= 0x11FF
        or 0x3130 <= cp <= 0x318F
        or cp == 0x3007  # 〇
    )


def _classify(ch: str) -> int:
    """The class of one character: CJK, letter, digit, combining mark, symbol
    (``So``) or separator (the rest)."""
    if _is_cjk(ord(ch)):
        return _CJK
    cat = unicodedata.category(ch)
    if cat[0] == "L":
        return _ALPHA
    if cat[0] == "N":
        return _DIGIT
    if cat[0] == "M":
        return _MARK
    if cat == "So":
        return _SYMBOL
    return _SEP


#: :func:`_classify` of the characters seen so far (at most :data:`_CLASSES_MAX`:
#: every BMP character fits; past it, the rest are classified each time).
_CLASSES: dict[str, int] = {}
_CLASSES_MAX = 1 << 16

#: Runs of an ASCII text: ASCII has no CJK, symbol (``So``)
#: or mark, its letters are A-Z and a-z, its digits 0-9; everything else separates.
_ASCII_RUNS = re.compile(r"([A-Za-z]+)|([0-9]+)")


#: A run of CJK characters (the ranges of :func:`_is_cjk`).
_CJK_RUN = re.compile(
    "[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003ffff\u3040-\u30ff\u31f0-\u31ff"
    "\uac00-\ud7af\u1100-\u11ff\u3130-\u318f\u3007]+"
)


def runs(text: str) -> list[tuple[int, str]]:
    """``(kind, run)`` of already normalised ``text``, separators left out. A
    combining mark stays in the letter or digit run it follows, else it separates;
    each symbol is a run of its own.

    CJK runs are found by a regular expression (a CJK character always ends the
    run before it), and the text between them is cut by :func:`_other_runs`."""
    if text.isascii():
        return _other_runs(text)
    out: list[tuple[int, str]] = []
    pos = 0
    for m in _CJK_RUN.finditer(text):
        if m.start() > pos:
            out += _other_runs(text[pos : m.start()])
        out.append((_CJK, m.group()))
        pos = m.end()
    if pos < len(text):
        out += _other_runs(text[pos:])
    return out


def _other_runs(text: str) -> list[tuple[int, str]]:
    """:func:`runs` of a text without CJK: ASCII by a regular expression, the
    rest a character at a time through the memo of classes."""
    if text.isascii():
        return [(_ALPHA if a else _DIGIT, a or d) for a, d in _ASCII_RUNS.findall(text)]
    out: list[tuple[int, str]] = []
    kind, start = _SEP, 0
    classes = _CLASSES
    for i, ch in enumerate(text):
        k = classes.get(ch)
        if k is None:
            k = _classify(ch)
            if len(classes) < _CLASSES_MAX:
                classes[ch] = k
        if k == _MARK:
            k = kind if kind in (_ALPHA, _DIGIT) else _SEP
        if k != kind or k == _SYMBOL:
            if kind != _SEP:
                out.append((kind, text[start:i]))
            kind, start = k, i
    if kind != _SEP:
        out.append((kind, text[start:]))
    return out


#: Longest token, in characters: a longer word is indexed (and searched) by its
#: first MAX_TOKEN characters (PostgreSQL refuses lexemes over 2,047 bytes, which
#: would fail the whole write of the message).
MAX_TOKEN = 100


def _run_tokens(kind: int, run: str) -> list[str]:
    if kind != _CJK or len(run) == 1:
        return [run[:MAX_TOKEN]]
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def tokens(text: str) -> list[str]:
    """The index tokens of ``text`` (normalised here), in order."""
    out: list[str] = []
    for kind, run in runs(normalize(text)):
        out += _run_tokens(kind, run)
    return out


@dataclass(frozen=True)
class Phrase:
    """A keyword as tokens at consecutive positions; ``prefix``: the last one
    matches any token starting with it."""

    tokens: tuple[str, ...]
    prefix: bool


def phrase(keyword: str) -> Phrase | None:
    """The phrase a keyword matches (see module doc); ``None`` if it has no
    searchable character (only spaces or punctuation)."""
    rs = runs(normalize(keyword))
    if not rs:
        return None
    out: list[str] = []
    for kind, run in rs:
        out += _run_tokens(kind, run)
    last_kind, last = rs[-1]
    if last_kind == _CJK and len(last) > 1:
        out.pop()  # the document's run may continue past the keyword
        # a CJK bigram is only ever a prefix of itself: an exact token is cheaper
        return Phrase(tuple(out), prefix=False)
    return Phrase(tuple(out), prefix=last_kind != _SYMBOL)


def message_text(body: list[dict[str, Any]]) -> str:
    """The searchable text of a ``MsgBody``: the text fields of its elements
    (:data:`TEXT_FIELDS`), one per line."""
    parts: list[str] = []
    for el in body:
        if not isinstance(el, dict):
            continue
        content = el.get("MsgContent")
        if not isinstance(content, dict):
            continue
        for f in TEXT_FIELDS.get(str(el.get("MsgType")), ()):
            v = content.get(f)
            if isinstance(v, str) and v:
                parts.append(v)
    return "\n".join(parts)


def message_kinds(body: list[dict[str, Any]]) -> list[str]:
    """The element types of a ``MsgBody`` (``TIMTextElem``...), each once, in order."""
    seen: list[str] = []
    for el in body:
        t = el.get("MsgType") if isinstance(el, dict) else None
        if isinstance(t, str) and t not in seen:
            seen.append(t)
    return seen


@functools.lru_cache(maxsize=64)
def kind_token(msg_type: str) -> str:
    """The index token of an element type (letters only, lower case)."""
    return "".join(ch for ch in msg_type.casefold() if ch.isalnum())
