"""Precision and recall of the search index on the test set (issue 18).

    .venv/bin/python -m bench.search_quality

Compares Palaver's scheme (CJK bigrams + words, made in Python, into FTS5 with
``unicode61``) with FTS5's built-in ``trigram`` tokenizer (on the same NFKC +
case-folded text; a keyword is one quoted string) on tests/e2e/search_corpus.py.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import orjson

from palaver.model.search_text import normalize, phrase
from palaver.storage import search as search_store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "e2e"))
from search_corpus import MESSAGES, QUERIES

ROW = {"app_id": 1, "conv_id": "c", "from_account": "u", "flags": 0}
FTS5 = "unicode61 remove_diacritics 0 categories 'L* N* M* S* Co'"


def _score(found: dict[str, set[int]]) -> tuple[float, float, list[str]]:
    tp = fp = fn = 0
    missed = []
    for kw, want in QUERIES.items():
        got = found[kw]
        tp += len(got & want)
        fp += len(got - want)
        fn += len(want - got)
        if got != want:
            missed.append(kw)
    return tp / max(1, tp + fp), tp / max(1, tp + fn), missed


def bigrams() -> dict[str, set[int]]:
    db = sqlite3.connect(":memory:")
    db.execute(
        f"CREATE VIRTUAL TABLE f USING fts5(doc, kinds, scope, content='', tokenize=\"{FTS5}\")"
    )
    for i, t in MESSAGES.items():
        body = orjson.dumps([{"MsgType": "TIMTextElem", "MsgContent": {"Text": t}}]).decode()
        db.execute(
            "INSERT INTO f(rowid, doc, kinds, scope) VALUES (?,?,?,?)",
            (i, *search_store.fts_doc({**ROW, "body": body})),
        )
    out = {}
    for kw in QUERIES:
        p = phrase(kw)
        expr = search_store.match_expr("sqlite", 1, search_store.Match([p] if p else []), "c", "v")
        out[kw] = {r[0] for r in db.execute("SELECT rowid FROM f WHERE f MATCH ?", (expr,))}
    return out


def trigram() -> dict[str, set[int]]:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE f USING fts5(doc, tokenize='trigram')")
    for i, t in MESSAGES.items():
        db.execute("INSERT INTO f(rowid, doc) VALUES (?,?)", (i, normalize(t)))
    out = {}
    for kw in QUERIES:
        q = '"' + normalize(kw).replace('"', '""') + '"'
        out[kw] = {r[0] for r in db.execute("SELECT rowid FROM f WHERE f MATCH ?", (q,))}
    return out


def main() -> None:
    print(
        f"{len(MESSAGES)} messages, {len(QUERIES)} keywords, "
        f"{sum(len(v) for v in QUERIES.values())} expected hits"
    )
    for name, fn in (("bigrams+words (Palaver)", bigrams), ("FTS5 trigram", trigram)):
        p, r, missed = _score(fn())
        print(f"{name:26} precision {p:.3f}  recall {r:.3f}  imperfect: {', '.join(missed) or '-'}")


if __name__ == "__main__":
    main()
