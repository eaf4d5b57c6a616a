"""Tencent IM REST ``openim_dirty_words``: get, add and delete the app's sensitive words.

``get`` answers ``{"DirtyWordsList": [...]}``; ``add`` and ``delete`` take
``{"DirtyWordsList": ["word", ...]}`` (cloud.tencent.com/document/product/269/2396,
/2397, /2398). Palaver adds an optional ``"Mode"`` to ``add``: ``"block"``
(Tencent's behaviour, the default: the sender gets 80001) or ``"replace"``
(the word is starred). Words are stored normalised (see
:mod:`palaver.services.moderation`); ``get`` lists them so.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, StrictStr

from palaver.api.rest.core import RestRequest, Wire, command

SVC = "openim_dirty_words"
MAX_WORDS = 1000  # words in one add/delete


class _Empty(Wire):
    pass


class _Words(Wire):
    DirtyWordsList: list[StrictStr] = Field(min_length=1, max_length=MAX_WORDS)


class _AddWords(_Words):
    Mode: Literal["block", "replace"] = "block"


@command(SVC, "get", _Empty)
async def get(req: RestRequest, body: _Empty) -> dict[str, Any]:
    """The app's sensitive words, ``DirtyWordsList`` (normalised, by word) and,
    Palaver's addition, ``DirtyWordsModes`` (``{word: "block"|"replace"}``)."""
    pairs = await req.hub.moderation.words(req.app)
    return {"DirtyWordsList": [w for w, _ in pairs], "DirtyWordsModes": dict(pairs)}


@command(SVC, "add", _AddWords)
async def add(req: RestRequest, body: _AddWords) -> None:
    """Add words (``Mode`` block or replace). Errors: 90001 an empty word (only
    separators) or one longer than 100 characters."""
    await req.hub.moderation.add(req.app, body.DirtyWordsList, body.Mode)


@command(SVC, "delete", _Words)
async def delete(req: RestRequest, body: _Words) -> None:
    """Delete words (matched after normalising; unknown ones are ignored)."""
    await req.hub.moderation.delete(req.app, body.DirtyWordsList)
