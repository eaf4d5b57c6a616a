"""What a login's storage reads cost in-process (issue 16, cheaper logins).

``python -m bench.login_reads [--accounts N] [--calls C]``

A fresh SQLite database (migrated, N imported accounts, no events), then, on one
synchronous connection, each read a login makes (the kick time, the status
subscribers, the plan's ``login_read``, a page of the user's events) ``C`` times
for different users, in CPU time of this thread (``time.thread_time``) per call;
then the CPU time (all threads, ``time.process_time``) of one
``Database.run_read`` hop that runs nothing, and of one that reads the kick time,
on uvloop as the server runs (asyncio's own loop where uvloop is missing); the
same through ``Database.read_now`` (no hop) where the tree has it.
Point ``PYTHONPATH`` at another tree's ``src`` to measure that version.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.engine import Connection

from palaver.storage import Database, login_reads
from palaver.storage import accounts as account_store
from palaver.storage import events as event_store
from palaver.storage import people as people_store

APP = 1400000000


async def _create(url: str, accounts: int) -> None:
    db = Database(url)
    await db.migrate()
    async with db.write() as conn:
        await account_store.import_accounts(conn, APP, [f"u{i}" for i in range(accounts)], now=0)
    await db.close()


def _reads(url: str, calls: int) -> dict[str, float]:
    engine = create_engine(url.replace("+aiosqlite", ""))
    reads: dict[str, Callable[[Connection, str], Any]] = {
        "kicked_at": lambda c, u: account_store.kicked_at_sync(c, APP, u),
        "status_subscribers": lambda c, u: people_store.status_subscribers_sync(c, APP, u),
        "login_read": lambda c, u: login_reads.login_read(c, APP, u, False),
        "events_page": lambda c, u: event_store.read_events_sync(c, APP, u, 0, 500),
    }
    out = {}
    with engine.connect() as conn:
        for name, read in reads.items():
            for i in range(50):  # warm: caches, compiled statements
                read(conn, f"u{i}")
            t = time.thread_time()
            for i in range(calls):
                read(conn, f"u{i}")
            out[name] = (time.thread_time() - t) / calls * 1e6
    engine.dispose()
    return out


async def _hops(url: str, calls: int) -> dict[str, float]:
    db = Database(url)

    def nothing(conn: Connection) -> None:
        return None

    runners = [("run_read", db.run_read)]
    read_now = getattr(db, "read_now", None)  # not in trees before it
    if read_now is not None:
        runners.append(("read_now", read_now))
    out = {}
    for how, run in runners:
        for what, fn, args in (
            ("nothing", nothing, ()),
            ("kicked_at", account_store.kicked_at_sync, (APP, "u1")),
        ):
            for _ in range(200):
                await run(fn, *args)
            t = time.process_time()
            for _ in range(calls):
                await run(fn, *args)
            out[f"{how}({what})"] = (time.process_time() - t) / calls * 1e6
    await db.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=4000)
    parser.add_argument("--calls", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="palaver-login-reads-") as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/palaver.db"
        asyncio.run(_create(url, args.accounts))
        figures = _reads(url, args.calls)
        try:
            import uvloop
        except ImportError:  # pragma: no cover - uvloop is a dependency on Linux
            figures.update(asyncio.run(_hops(url, args.calls)))
        else:
            figures.update(uvloop.run(_hops(url, args.calls)))
    for name, us in figures.items():
        print(f"{name:22} {us:8.1f} µs CPU per call")


if __name__ == "__main__":
    main()
