"""Content moderation: per-app sensitive words (Tencent IM ``openim_dirty_words``).

Each app keeps a list of words, each in one of two modes:

- ``block``: a text that contains it is refused with 80001 (Tencent's
  "text hit the sensitive-word filter");
- ``replace``: each of its characters is replaced with ``*`` and the text goes on.

Matching is multi-pattern (Aho-Corasick, the ``pyahocorasick`` library: every
word in one pass, linear in the text) over a **normalised** text, so it needs
no word boundaries (Chinese) and is not fooled by full-width letters
(NFKC), case (case folding) or spaces and separators put between characters
(``坏 蛋``, ``b.a.d``): those are dropped before matching, and a replacement
stars the original characters of the match, keeping the separators.

It applies to message texts (``TIMTextElem``), custom-message descriptions
(``TIMCustomElem.Desc``), group names and notices, nicks and name cards; for
messages, before the app backend's before-send callback. Every hit is logged
(logger ``palaver.moderation``): the app, who, where, the word and the mode.
"""

from __future__ import annotations

import dataclasses
import logging
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import ahocorasick

from palaver.errors import Code, ImError
from palaver.services.apps import App
from palaver.services.cache import TTLCache
from palaver.services.sending import Draft, SendContext
from palaver.storage import Database
from palaver.storage import moderation as moderation_store

log = logging.getLogger("palaver.moderation")

Mode = Literal["block", "replace"]
MODES: tuple[str, ...] = ("block", "replace")
MAX_WORD = 100  # characters of one word, normalised
WORDS_TTL = 5.0  # seconds an app's compiled list is cached (other nodes' changes)

#: dropped before matching, so "b a d" and "b-a-d" match "bad"
SEPARATORS = frozenset(" \t\r\n\u00a0\u200b\u200c\u200d\u2060\ufeff\u3000·・_-.,*|~/\\'\"`")


def normalize(text: str) -> tuple[str, list[int]]:
    """The text to match (NFKC, case-folded, separators dropped) and, for each of
    its characters, the index of the original character it came from."""
    out: list[str] = []
    pos: list[int] = []
    for i, ch in enumerate(text):
        folded = ch.lower() if ch.isascii() else unicodedata.normalize("NFKC", ch).casefold()
        for c in folded:
            if c in SEPARATORS or c.isspace():
                continue
            out.append(c)
            pos.append(i)
    return "".join(out), pos


def normalize_word(word: str) -> str:
    """A word as it is stored and matched."""
    return normalize(word)[0]


@dataclass(frozen=True)
class Hit:
    """A match: the word, its mode, and the span ``[start, end]`` (inclusive) of
    original characters it covers."""

    word: str
    mode: str
    start: int
    end: int


class WordFilter:
    """One app's words compiled into an Aho-Corasick automaton.

    Args:
        words: ``(normalised word, mode)`` pairs.
    """

    def __init__(self, words: Iterable[tuple[str, str]]) -> None:
        self._auto: Any = None
        pairs = [(w, m) for w, m in words if w]
        if pairs:
            auto = ahocorasick.Automaton()
            for w, m in pairs:
                auto.add_word(w, (w, m))
            auto.make_automaton()
            self._auto = auto

    def __bool__(self) -> bool:
        return self._auto is not None

    def scan(self, text: str) -> list[Hit]:
        """Every match in ``text`` (overlapping ones too), in the text's order."""
        if self._auto is None or not text:
            return []
        norm, pos = normalize(text)
        hits = []
        for end, (word, mode) in self._auto.iter(norm):
            start = end - len(word) + 1
            hits.append(Hit(word, mode, pos[start], pos[end]))
        return hits

    def apply(self, text: str) -> tuple[str, list[Hit]]:
        """(the text with replace-mode matches starred, every hit); a block-mode
        hit leaves the text as it is (the caller refuses it)."""
        hits = self.scan(text)
        if not hits or any(h.mode == "block" for h in hits):
            return text, hits
        chars = list(text)
        for h in hits:
            for i in range(h.start, h.end + 1):
                if not (chars[i] in SEPARATORS or chars[i].isspace()):
                    chars[i] = "*"
        return "".join(chars), hits


_EMPTY = WordFilter(())


class ModerationService:
    """Sensitive words of every app, and the checks that use them.

    Args:
        db: the database (the word lists).
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._cache: TTLCache[WordFilter] = TTLCache(ttl=WORDS_TTL)

    # --- the lists ---------------------------------------------------------------------------

    async def words(self, app: App) -> list[tuple[str, str]]:
        """The app's ``(word, mode)`` pairs (words normalised), by word."""
        async with self._db.read() as conn:
            return await moderation_store.list_words(conn, app.sdkappid)

    async def add(self, app: App, words: Iterable[str], mode: str = "block") -> list[str]:
        """Add words (normalised; a word already there takes ``mode``); the words added.

        Raises:
            ImError: 90001 an empty or too long word, or an unknown mode.
        """
        if mode not in MODES:
            raise ImError(Code.ERR_SVR_MSG_JSON_PARSE_FAILED, f"mode must be one of {MODES}")
        norm = []
        for w in words:
            n = normalize_word(w) if isinstance(w, str) else ""
            if not n or len(n) > MAX_WORD:
                raise ImError(
                    Code.ERR_SVR_MSG_JSON_PARSE_FAILED,
                    f"a sensitive word must have 1 to {MAX_WORD} characters (not separators)",
                )
            norm.append(n)
        norm = list(dict.fromkeys(norm))
        async with self._db.write() as conn:
            await moderation_store.add_words(conn, app.sdkappid, norm, mode, int(time.time()))
        self._cache.clear()  # a load under way for any app is not cached either
        return norm

    async def delete(self, app: App, words: Iterable[str]) -> int:
        """Delete words (matched after normalising); how many there were."""
        norm = list(dict.fromkeys(normalize_word(w) for w in words if isinstance(w, str)))
        async with self._db.write() as conn:
            n = await moderation_store.delete_words(conn, app.sdkappid, norm)
        self._cache.clear()  # a load under way for any app is not cached either
        return n

    def idle(self, app: App) -> bool:
        """The app has no sensitive words, as cached (``False`` when not cached)."""
        f = self._cache.get(app.sdkappid)
        return f is not None and not f

    async def filter(self, app: App) -> WordFilter:
        """The app's compiled words (cached; others' changes seen within WORDS_TTL s).
        Loaded once when missing, however many sends ask at the same time."""

        async def load() -> WordFilter:
            pairs = await self.words(app)
            return WordFilter(pairs) if pairs else _EMPTY

        return await self._cache.get_or_load(app.sdkappid, load)

    # --- the checks ------------------------------------------------------------------------

    async def check_text(self, app: App, text: str, *, who: str, where: str) -> str:
        """``text`` as it may be kept: unchanged, or with replace-mode words starred.

        Raises:
            ImError: 80001 the text contains a block-mode word.
        """
        f = await self.filter(app)
        if not f or not text:
            return text
        return _judge(app, f, text, who, where)

    async def check_draft(self, ctx: SendContext, draft: Draft) -> Draft:
        """A message's texts (``TIMTextElem.Text``) and custom descriptions
        (``TIMCustomElem.Desc``) checked: the draft, maybe with stars.

        Raises:
            ImError: 80001 a block-mode word.
        """
        f = await self.filter(ctx.app)
        if not f:
            return draft
        where = f"{ctx.kind} message to {draft.receiver}"
        body: list[dict[str, Any]] | None = None
        for i, elem in enumerate(draft.body):
            field = _TEXT_FIELDS.get(elem.get("MsgType", "")) if isinstance(elem, dict) else None
            content = elem.get("MsgContent") if field else None
            value = content.get(field) if isinstance(content, dict) and field else None
            if not isinstance(value, str) or not value:
                continue
            kept = _judge(ctx.app, f, value, draft.sender, where)
            if kept != value:
                body = body if body is not None else list(draft.body)
                body[i] = {**elem, "MsgContent": {**content, field: kept}}  # type: ignore[dict-item]
        return draft if body is None else dataclasses.replace(draft, body=body)


#: the text a message element carries, by ``MsgType``
_TEXT_FIELDS = {"TIMTextElem": "Text", "TIMCustomElem": "Desc"}


def _judge(app: App, f: WordFilter, text: str, who: str, where: str) -> str:
    kept, hits = f.apply(text)
    for h in hits:
        log.info(
            "app %s: %s in %s hit sensitive word %r (%s)", app.sdkappid, who, where, h.word, h.mode
        )
    if any(h.mode == "block" for h in hits):
        raise ImError(Code.ERR_SVR_COMM_SENSITIVE_TEXT, "the text contains a sensitive word")
    return kept
