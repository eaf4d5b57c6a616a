"""Operations (issue 14) below the server: the node's counters, one user's export
and erase, database figures, backup and restore, and a whole-database copy, on
real SQLite files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from palaver.services.messages import SendOptions
from palaver.services.userdata import UserData, _media
from palaver.stats import Histogram
from palaver.storage import Database
from palaver.storage import stats as stats_store
from palaver.storage.backup import BackupError, backup, backup_kind, restore, sqlite_path
from palaver.storage.transfer import TransferError, transfer

from .conftest import World


def text(t: str) -> list[dict[str, Any]]:
    return [{"MsgType": "TIMTextElem", "MsgContent": {"Text": t}}]


def test_histogram_buckets_are_cumulative() -> None:
    h = Histogram((1.0, 2.0))
    for v in (0.5, 1.0, 1.5, 3.0):
        h.observe(v)
    assert h.cumulative() == [("1.0", 2), ("2.0", 3), ("+Inf", 4)]
    assert (h.count, h.sum) == (4, 6.0)


def test_media_urls_of_a_body() -> None:
    body = [
        {"MsgType": "TIMImageElem", "MsgContent": {"ImageInfoArray": [{"URL": "i1"}, {"x": 1}]}},
        {"MsgType": "TIMVideoFileElem", "MsgContent": {"VideoUrl": "v", "ThumbUrl": "t"}},
        {"MsgType": "TIMFileElem", "MsgContent": {"Url": "f"}},
        {"MsgType": "TIMTextElem", "MsgContent": "not an object"},
        "junk",
    ]
    assert _media(body) == ["i1", "v", "t", "f"]


async def send(world: World, a: str, b: str, t: str, rnd: int) -> None:
    await world.messages.send_c2c(world.app, a, b, text(t), rnd, SendOptions())


async def test_export_and_erase(world: World) -> None:
    await world.users("ann", "ben")
    await send(world, "ann", "ben", "hi", 1)
    await send(world, "ben", "ann", "yo", 2)
    data = UserData(world.db)
    doc = await data.export(world.app.sdkappid, "ann")
    assert [(m["From_Account"], m["Peer_Account"]) for m in doc["Messages"]] == [
        ("ann", "ben"),
        ("ben", "ben"),
    ]
    assert [c["Peer"] for c in doc["Conversations"]] == ["ben"]
    assert world.writer.queued == 0
    done = await data.erase(world.app.sdkappid, "ann", "keep")
    assert done["accounts"] == 1 and "messages_redacted" not in done
    with pytest.raises(Exception, match="not found"):
        await data.export(world.app.sdkappid, "ann")
    with pytest.raises(Exception, match="not found"):
        await data.erase(world.app.sdkappid, "ann")
    await world.users("cid")
    await send(world, "cid", "ben", "secret", 3)
    done = await data.erase(world.app.sdkappid, "cid", "redact")
    assert done["messages_redacted"] == 1
    doc = await data.export(world.app.sdkappid, "ben")
    assert [m["MsgBody"] for m in doc["Messages"] if m["From_Account"] == "cid"] == [[]]


async def test_figures_backup_restore_and_copy(world: World, tmp_path: Path) -> None:
    await world.users("ann", "ben")
    await send(world, "ann", "ben", "one", 1)
    async with world.db.read() as conn:
        (fig,) = [
            f for f in await stats_store.app_figures(conn, 0) if f.sdkappid == world.app.sdkappid
        ]
        size = await stats_store.size_bytes(conn)
    assert (fig.accounts, fig.c2c_messages, sum(fig.per_day.values())) == (3, 1, 1)
    assert size > 0

    if not world.db.is_sqlite:
        return
    src = sqlite_path(world.db.url)
    copy = tmp_path / "backup.db"
    assert backup(world.db.url, copy) == "sqlite" and backup_kind(copy) == "sqlite"
    with pytest.raises(BackupError, match="exists already"):
        backup(world.db.url, copy)
    target = tmp_path / "restored" / "palaver.db"
    url = f"sqlite+aiosqlite:///{target}"
    assert restore(copy, url) == "sqlite"
    with pytest.raises(BackupError, match="--force"):
        restore(copy, url)
    restore(copy, url, force=True)
    with pytest.raises(BackupError, match="migrate-db"):
        restore(copy, "postgresql+asyncpg://u@127.0.0.1/x")
    with pytest.raises(BackupError, match="on-disk"):
        sqlite_path("sqlite+aiosqlite:///:memory:")
    junk = tmp_path / "junk"
    junk.write_bytes(b"nothing")
    with pytest.raises(BackupError, match="neither"):
        backup_kind(junk)
    with pytest.raises(BackupError, match="cannot read"):
        backup_kind(tmp_path / "missing")

    restored = Database.for_cli(url)
    try:
        async with restored.read() as conn:
            (fig2,) = [
                f for f in await stats_store.app_figures(conn, 0) if f.sdkappid == fig.sdkappid
            ]
        assert fig2.c2c_messages == 1
    finally:
        await restored.close()

    moved = f"sqlite+aiosqlite:///{tmp_path / 'moved.db'}"
    lines: list[tuple[str, int]] = []
    done = await transfer(
        f"sqlite+aiosqlite:///{src}", moved, progress=lambda t, n: lines.append((t, n))
    )
    assert done["messages"] == 1 and ("search index", 1) in lines
    with pytest.raises(TransferError, match="--force"):
        await transfer(f"sqlite+aiosqlite:///{src}", moved)
    again = await transfer(f"sqlite+aiosqlite:///{src}", moved, force=True)
    assert again == done
