"""Pre-load stored messages for the history scenarios, with the server's own storage code.

Sending a million messages through the API takes longer than the whole suite
may, so :func:`prepared_db` writes them straight into a SQLite file with
:func:`palaver.storage.writer.write_batch` through
:meth:`palaver.storage.Database.run_write`: the very function (and transaction)
the group-commit writer runs for live sends, in batches of 5,000. The rows are
exactly what the server writes: messages with their dedupe keys, conversation
heads, both users' conversations, and a stream event for the receiver and for
the sender.

Layout of ``n`` messages: a tenth of them in one "hot" conversation
(``hist_alice`` ↔ ``hist_bob``, alternating directions) that the history
scenario pages through, the rest spread over 500 conversations between
``hist_u0`` .. ``hist_u999``; the hot conversation's messages are interleaved
with the others, as live traffic would store them. Message times rise evenly
over the 10 days before the load (the event rows get the load time, like
events of messages imported with a past ``MsgTimeStamp``).

The file is cached in ``bench/.cache/history-<n>/`` (``palaver.db`` plus
``meta.json`` with the SDKAppID, its secret key and anchor messages to page
from), keyed by ``n``, a digest of the migrations and :data:`LOADER_VERSION`, and
rebuilt when older than :data:`MAX_AGE_DAYS` (its stream events would start
expiring). Run directly: ``python -m bench.preload 1000000``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import shutil
import sqlite3
import sys
import time
import zlib
from pathlib import Path
from typing import Any

import orjson

from bench.harness import ROOT, BenchError, create_app
from palaver.realtime.fanout import LocalFanout
from palaver.realtime.notifier import Notifier
from palaver.realtime.presence import LocalPresence
from palaver.services.accounts import AccountService, ImportItem
from palaver.services.apps import AppService
from palaver.storage import Database
from palaver.storage.message_batch import C2CWrite, write_batch
from palaver.storage.messages import NewMessage, c2c_conv_id

CACHE = Path(__file__).parent / ".cache"
LOADER_VERSION = 2  # 2: mixed Chinese texts (issue 18)
MAX_AGE_DAYS = 14
BATCH = 5000
HOT = ("hist_alice", "hist_bob")
N_USERS = 1000  # hist_u0 .. hist_u999, in 500 conversations
N_ANCHORS = 1000
SPAN_S = 10 * 86400  # message times cover the 10 days before the load


def schema_revision() -> str:
    """A digest of every migration file: any schema change (a new migration, or one
    edited in place) invalidates the cache."""
    import hashlib
    from importlib import resources

    versions = resources.files("palaver") / "migrations" / "versions"
    digest = hashlib.sha256()
    for p in sorted(
        (p for p in versions.iterdir() if p.name.endswith(".py")), key=lambda p: p.name
    ):
        digest.update(p.name.encode() + b"\0" + p.read_bytes())
    return digest.hexdigest()[:16]


def cache_dir(n: int) -> Path:
    return CACHE / f"history-{n}"


def read_meta(n: int) -> dict[str, Any] | None:
    """The cached database's metadata if it is usable, else ``None``."""
    d = cache_dir(n)
    try:
        meta: dict[str, Any] = json.loads((d / "meta.json").read_text())
    except (OSError, ValueError):
        return None
    fresh = time.time() - meta.get("created", 0) < MAX_AGE_DAYS * 86400
    if (
        meta.get("messages") == n
        and meta.get("loader") == LOADER_VERSION
        and meta.get("schema") == schema_revision()
        and fresh
        and (d / "palaver.db").is_file()
    ):
        return meta
    return None


#: Words of the preloaded texts (Chinese, English, digits, emoji), drawn with a
#: Zipf-like skew so common words are common; the search scenario (issue 18) looks
#: for some of them. Texts are a pure function of the message index.
WORDS = [
    "我们",
    "你",
    "他",
    "她",
    "今天",
    "明天",
    "昨天",
    "下午",
    "上午",
    "晚上",
    "开会",
    "会议",
    "项目",
    "进度",
    "地址",
    "电话",
    "发票",
    "公司",
    "北京",
    "上海",
    "深圳",
    "广州",
    "吃饭",
    "聚餐",
    "周末",
    "时间",
    "文件",
    "合同",
    "客户",
    "老板",
    "同事",
    "报告",
    "数据",
    "系统",
    "问题",
    "测试",
    "上线",
    "发布",
    "版本",
    "需求",
    "设计",
    "代码",
    "服务器",
    "数据库",
    "网络",
    "手机",
    "电脑",
    "微信",
    "支付宝",
    "快递",
    "外卖",
    "咖啡",
    "奶茶",
    "电影",
    "旅游",
    "机票",
    "酒店",
    "天气",
    "下雨",
    "好的",
    "收到",
    "谢谢",
    "没问题",
    "可以",
    "ok",
    "thanks",
    "meeting",
    "report",
    "bug",
    "release",
    "iPhone",
    "MacBook",
    "PPT",
    "VIP",
    "app",
    "1",
    "2",
    "3",
    "5",
    "8",
    "10",
    "88",
    "100",
    "2025",
    "😀",
    "👍",
    "☕",
    "🎉",
]
_CUM = [1.0 / (k + 1) ** 0.9 for k in range(len(WORDS))]
#: Planted phrase: one message in ~2,000 mentions it (the "Chinese phrase" query).
PHRASE = "建国路88号"


def text_for(i: int) -> str:
    """The text of preloaded message ``i``: 4..15 words, no spaces between
    Chinese ones (a deterministic generator of its own, so texts do not depend
    on the order messages are made in)."""
    rng = random.Random(i * 2654435761 % (1 << 32))
    words = rng.choices(WORDS, weights=_CUM, k=4 + i % 12)
    text = "".join(w if not w.isascii() else f" {w} " for w in words).strip()
    if i % 1999 == 7:
        text += f"，新地址是{PHRASE}"
    return text


def body_for(i: int) -> list[dict[str, Any]]:
    """A text message of ordinary length (mixed Chinese, see :func:`text_for`)."""
    return [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text_for(i)}}]


def new_message(app_id: int, sender: str, receiver: str, msg_time: int, i: int) -> C2CWrite:
    """The write ``MessageService.send_c2c`` queues for a text send (client_seq 0)."""
    body_json = orjson.dumps(body_for(i)).decode()
    rnd = random.getrandbits(32)
    crc = zlib.crc32(body_json.encode())
    msg = NewMessage(
        conv_id=c2c_conv_id(sender, receiver),
        from_account=sender,
        to_account=receiver,
        msg_time=msg_time,
        random=rnd,
        client_seq=0,
        body=body_json,
        dedupe_key=f"{sender}\x1f{receiver}\x1f0\x1f{rnd}\x1f{crc}",
    )
    return C2CWrite(app_id, msg, dedupe_since=msg_time - 120)


async def load(path: Path, n: int, sdkappid: int) -> dict[str, Any]:
    """Write ``n`` messages into the (created, migrated) database at ``path``."""
    random.seed(n)
    db = Database(f"sqlite+aiosqlite:///{path}")
    try:
        app = await AppService(db).get(sdkappid)
        if app is None:
            raise BenchError(f"app {sdkappid} not found in {path}")
        users = list(HOT) + [f"hist_u{i}" for i in range(N_USERS)]
        # nothing is online while preloading: a local fan-out with no connections
        accounts = AccountService(db, Notifier(LocalFanout()), LocalPresence())
        for i in range(0, len(users), 100):
            await accounts.import_accounts(app, [ImportItem(u) for u in users[i : i + 100]])
        start = int(time.time()) - SPAN_S
        hot_total = n // 10
        anchor_every = max(1, hot_total // N_ANCHORS)
        anchors: list[dict[str, Any]] = []
        hot_n = 0
        t0 = time.perf_counter()
        for b0 in range(0, n, BATCH):
            ops: list[C2CWrite] = []
            hot_idx: list[int] = []
            for i in range(b0, min(n, b0 + BATCH)):
                msg_time = start + (i * SPAN_S) // n
                if i % 10 == 0 and hot_n + len(hot_idx) < hot_total:
                    a, b = HOT if (i // 10) % 2 == 0 else HOT[::-1]
                    hot_idx.append(len(ops))
                else:
                    pair = random.randrange(N_USERS // 2)
                    a, b = f"hist_u{2 * pair}", f"hist_u{2 * pair + 1}"
                    if random.getrandbits(1):
                        a, b = b, a
                ops.append(new_message(app.sdkappid, a, b, msg_time, i))
            written = await db.run_write(write_batch, ops)
            for j in hot_idx:
                if hot_n % anchor_every == 0:
                    st = written[j].stored
                    anchors.append({"id": str(st.id), "key": st.msg_key, "time": st.msg_time})
                hot_n += 1
            if (b0 // BATCH) % 20 == 0:
                rate = (b0 + len(ops)) / (time.perf_counter() - t0)
                print(f"  preload: {b0 + len(ops):,}/{n:,} messages ({rate:,.0f}/s)", flush=True)
    finally:
        await db.close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("ANALYZE")
    con.close()
    return {"hot": list(HOT), "hot_messages": hot_n, "anchors": anchors}


async def prepared_db(n: int, *, quiet: bool = False) -> tuple[Path, dict[str, Any]]:
    """The cached database with ``n`` messages (built if missing): (palaver.db, meta)."""
    d = cache_dir(n)
    meta = read_meta(n)
    if meta is not None:
        return d / "palaver.db", meta
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    key = secrets.token_hex(32)
    t0 = time.perf_counter()
    sdkappid = await create_app(["--data-dir", str(d)], key)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.preload",
        "--load",
        str(n),
        "--sdkappid",
        str(sdkappid),
        stdout=None if not quiet else asyncio.subprocess.DEVNULL,
        cwd=ROOT,
    )
    try:
        rc = await asyncio.wait_for(proc.wait(), 900)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise BenchError(f"pre-loading {n} messages took over 900 s") from None
    if rc != 0:
        raise BenchError(f"pre-loading {n} messages failed ({rc})")
    loaded = json.loads((d / "loaded.json").read_text())
    meta = {
        "messages": n,
        "loader": LOADER_VERSION,
        "schema": schema_revision(),
        "created": time.time(),
        "load_seconds": time.perf_counter() - t0,
        "sdkappid": sdkappid,
        "key": key,
        "db_bytes": (d / "palaver.db").stat().st_size,
        **loaded,
    }
    (d / "loaded.json").unlink()
    (d / "meta.json").write_text(json.dumps(meta))
    return d / "palaver.db", meta


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.preload", description=__doc__.split("\n")[0]
    )
    parser.add_argument("messages", nargs="?", type=int, help="build the cache for this many")
    parser.add_argument("--load", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--sdkappid", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load is not None:  # the worker: fill the database prepared_db created
        d = cache_dir(args.load)
        out = asyncio.run(load(d / "palaver.db", args.load, args.sdkappid))
        (d / "loaded.json").write_text(json.dumps(out))
        return 0
    if not args.messages:
        parser.error("give the number of messages")
    path, meta = asyncio.run(prepared_db(args.messages))
    print(f"{path}: {meta['messages']:,} messages, {meta['db_bytes'] / 1e6:,.0f} MB")
    return 0


if __name__ == "__main__":
    os.environ.pop("PALAVER_DATABASE_URL", None)
    sys.exit(main())
