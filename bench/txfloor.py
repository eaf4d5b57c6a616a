"""``python -m bench.txfloor [-n N]``: what SQLite itself charges for a one-message write
transaction, with none of Palaver's Python around it (issue 16: "paced 200 msg/s, server
CPU per message ≤ 0.3 ms").

A fresh database in a temporary folder, WAL and ``synchronous=NORMAL`` as ``palaver
serve`` opens it, three small tables shaped like the writer's (a message row with its
JSON body and two indexes, the sender's and the receiver's stream events, a
conversation head and two stream heads). Per transaction, on one plain ``sqlite3``
connection: ``BEGIN IMMEDIATE``, read the three heads, insert the message and two
events, update the three heads, ``COMMIT``: about what the group-commit writer runs
for one C2C message (``bench.txcost`` measures the real thing). Printed: process CPU
(user + system) per transaction, and the share in the kernel (WAL appends).
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import tempfile
from pathlib import Path

SCHEMA = """
CREATE TABLE messages (id INTEGER PRIMARY KEY, conv TEXT NOT NULL, seq INTEGER NOT NULL,
    sender TEXT NOT NULL, receiver TEXT NOT NULL, random INTEGER NOT NULL,
    time INTEGER NOT NULL, body TEXT NOT NULL);
CREATE UNIQUE INDEX ix_messages_conv_seq ON messages (conv, seq);
CREATE UNIQUE INDEX ix_messages_dedupe ON messages (sender, receiver, random, time);
CREATE TABLE events (owner TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,
    message_id INTEGER, PRIMARY KEY (owner, seq));
CREATE TABLE heads (key TEXT PRIMARY KEY, seq INTEGER NOT NULL);
"""
BODY = '[{"MsgType":"TIMTextElem","MsgContent":{"Text":"hello world hello world"}}]'


def _cpu() -> tuple[float, float]:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime, r.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=5000, help="transactions per round")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="palaver-txfloor-") as tmp:
        db = sqlite3.connect(Path(tmp) / "t.db", isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(SCHEMA)
        keys = ("c2c:a:b", "stream:a", "stream:b")
        db.executemany("INSERT INTO heads VALUES (?, 0)", [(k,) for k in keys])
        i = 0
        for r in range(args.rounds):
            t0, s0 = _cpu()
            for _ in range(args.n):
                i += 1
                db.execute("BEGIN IMMEDIATE")
                conv, sa, sb = (
                    db.execute("SELECT seq FROM heads WHERE key = ?", (k,)).fetchone()[0]
                    for k in keys
                )
                cur = db.execute(
                    "INSERT INTO messages (conv, seq, sender, receiver, random, time, body)"
                    " VALUES ('a:b', ?, 'a', 'b', ?, ?, ?)",
                    (conv + 1, i, 1_700_000_000 + i, BODY),
                )
                mid = cur.lastrowid
                db.executemany(
                    "INSERT INTO events VALUES (?, ?, 'message', ?)",
                    [("a", sa + 1, mid), ("b", sb + 1, mid)],
                )
                db.executemany(
                    "UPDATE heads SET seq = ? WHERE key = ?",
                    [(conv + 1, keys[0]), (sa + 1, keys[1]), (sb + 1, keys[2])],
                )
                db.execute("COMMIT")
            t1, s1 = _cpu()
            print(
                f"round {r + 1}: {1e6 * (t1 - t0) / args.n:.1f} µs CPU per one-message"
                f" transaction ({1e6 * (s1 - s0) / args.n:.1f} µs of it in the kernel)"
            )
        db.close()


if __name__ == "__main__":
    main()
