"""``python -m bench.cbcost [-n N] [--reps R] [--group]``: the CPU an after-send callback costs,
in one process, without HTTP or a load generator (docs/benchmarks.md, scenario 11).

A hub on a fresh SQLite database in a temporary folder sends N C2C messages (64 at a
time, 4 conversations, after 500 of warm-up) through ``MessageService.send_c2c`` as a
client would (``OptPlatform`` Web), and measures the process's CPU (all threads:
the writer's too) per message:

- ``send off``: no callback;
- ``send on``: ``C2C.CallbackAfterSendMsg`` on (its body built, its outbox row written
  with the message);
- ``deliver``: then the delivery passes (``CallbackService.run_once``) until the
  outbox is empty, with a transport that answers at once (no HTTP), per callback:
  ``deliver, lease`` as on PostgreSQL (the rows are leased first), ``deliver`` as on
  SQLite now (one node: no lease).

With ``--group`` the messages go to 4 Public groups of 8 members (the sender one of
them) through ``GroupMessages.send``, and the callback is ``Group.CallbackAfterSendMsg``
(its ``OfflineMemberList``: every member is offline here).

Each variant runs ``--reps`` times, alternating, and the best and the median are
printed: on a busy machine the ratios measured in one run are what to compare.

``--interleaved`` measures only the send path, on a loaded machine: one hub with
two apps, the callback off in one and on in the other, sending blocks of 64
messages to each in turn (the order swapped every round), so both see the same
load; it prints each run's CPU per message off and on and their ratio, and the
median ratio over ``--reps`` runs.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from palaver.hub import Hub
from palaver.services.accounts import ImportItem
from palaver.services.groups import GroupSendOptions, MemberSpec
from palaver.services.messages import SendOptions
from palaver.services.sending import SendSource
from palaver.settings import Settings

SDKAPPID = 1400000077
BODY = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hello world " * 3}}]


class InstantBackend:
    """The CallbackTransport port: answers OK at once (no HTTP)."""

    async def post(
        self, url: str, params: Mapping[str, str], body: bytes, seconds: float
    ) -> tuple[int, bytes]:
        return 200, b'{"ActionStatus":"OK","ErrorCode":0}'

    async def close(self) -> None:
        pass


class NotSqlite:
    """The database, saying it is not SQLite: the delivery pass leases its rows first."""

    is_sqlite = False

    def __init__(self, db: Any) -> None:
        self._db = db

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)


async def make_groups(hub: Hub, app: Any, group: bool) -> list[str]:
    """With ``group``: 4 Public groups of the 8 users, owned by u0..u3 (their ids)."""
    gids = []
    for g in range(4 if group else 0):
        made = await hub.groups.lifecycle.create(
            app,
            f"u{g}",
            admin=False,
            type="Public",
            name=f"g{g}",
            members=[MemberSpec(f"u{u}") for u in range(8) if u != g],
        )
        gids.append(made.group_id)
    return gids


async def one_run(
    n: int, *, on: bool, lease: bool = False, group: bool = False
) -> tuple[float, float]:
    """(send CPU µs per message, delivery CPU µs per callback or 0)."""
    with tempfile.TemporaryDirectory(prefix="palaver-cbcost-") as tmp:
        hub = await Hub.open(Settings.load(data_dir=Path(tmp), port=1))
        try:
            app = await hub.apps.create(sdkappid=SDKAPPID, secret_key="k" * 32, admins=["admin"])
            await hub.accounts.import_accounts(app, [ImportItem(f"u{i}") for i in range(8)])
            cbs = hub.callbacks
            cbs._transport = InstantBackend()
            cbs._stopping = True  # no worker: this drives the delivery passes
            if lease:
                cbs._db = NotSqlite(cbs._db)  # type: ignore[assignment]
            if on:
                app = await hub.apps.update_settings(
                    SDKAPPID,
                    callback_url="http://127.0.0.1:9/cb",
                    callback_commands=[
                        "Group.CallbackAfterSendMsg" if group else "C2C.CallbackAfterSendMsg"
                    ],
                )
            source = SendSource(platform="Web")
            gids = await make_groups(hub, app, group)
            gopts = GroupSendOptions(source=source)

            async def send(i: int) -> None:
                if group:
                    await hub.groups.messages.send(app, gids[i % 4], f"u{i % 4}", BODY, i, gopts)
                    return
                await hub.messages.send_c2c(
                    app, f"u{i % 4}", f"u{4 + i % 4}", BODY, i, SendOptions(source=source)
                )

            async def sends(first: int, count: int) -> None:
                for b in range(first, first + count, 64):
                    await asyncio.gather(*(send(b + j) for j in range(64)))

            await sends(0, 500)
            if on:
                while (await cbs.run_once())[0]:
                    pass
            t0 = time.process_time()
            await sends(1000, n)
            sent = (time.process_time() - t0) / n * 1e6
            delivered = 0.0
            if on:
                t1 = time.process_time()
                while (await cbs.run_once())[0]:
                    pass
                delivered = (time.process_time() - t1) / n * 1e6
            return sent, delivered
        finally:
            await hub.close()


async def interleaved(n: int, *, group: bool = False, block: int = 64) -> tuple[float, float]:
    """(send CPU µs per message with the callback off, on): the two apps of one hub
    sent to in alternating blocks."""
    with tempfile.TemporaryDirectory(prefix="palaver-cbcost-") as tmp:
        hub = await Hub.open(Settings.load(data_dir=Path(tmp), port=1))
        try:
            cbs = hub.callbacks
            cbs._transport = InstantBackend()
            cbs._stopping = True  # no delivery: only the send path is measured
            source = SendSource(platform="Web")
            gopts = GroupSendOptions(source=source)
            senders = []
            for k, on in enumerate((False, True)):
                app = await hub.apps.create(
                    sdkappid=SDKAPPID + k, secret_key="k" * 32, admins=["admin"]
                )
                await hub.accounts.import_accounts(app, [ImportItem(f"u{i}") for i in range(8)])
                if on:
                    app = await hub.apps.update_settings(
                        app.sdkappid,
                        callback_url="http://127.0.0.1:9/cb",
                        callback_commands=[
                            "Group.CallbackAfterSendMsg" if group else "C2C.CallbackAfterSendMsg"
                        ],
                    )
                gids = await make_groups(hub, app, group)

                async def send(i: int, app: Any = app, gids: list[str] = gids) -> None:
                    if group:
                        await hub.groups.messages.send(
                            app, gids[i % 4], f"u{i % 4}", BODY, i, gopts
                        )
                        return
                    await hub.messages.send_c2c(
                        app, f"u{i % 4}", f"u{4 + i % 4}", BODY, i, SendOptions(source=source)
                    )

                senders.append(send)

            async def sends(send: Any, first: int, count: int) -> None:
                for b in range(first, first + count, 64):
                    await asyncio.gather(*(send(b + j) for j in range(64)))

            for send in senders:
                await sends(send, 0, 512)
            cpu = [0.0, 0.0]
            for r, first in enumerate(range(1000, 1000 + n, block)):
                for k in (0, 1) if r % 2 == 0 else (1, 0):
                    t0 = time.process_time()
                    await sends(senders[k], first, block)
                    cpu[k] += time.process_time() - t0
            sent = len(range(1000, 1000 + n, block)) * block
            return cpu[0] / sent * 1e6, cpu[1] / sent * 1e6
        finally:
            await hub.close()


async def main_interleaved(n: int, reps: int, group: bool = False) -> None:
    ratios = []
    for _ in range(reps):
        off, on = await interleaved(n, group=group)
        ratios.append(on / off)
        print(f"send off {off:6.1f}  on {on:6.1f} µs per message   on/off {on / off:.3f}")
    print(
        f"on/off: median {statistics.median(ratios):.3f}, best {min(ratios):.3f}"
        f" ({', '.join(f'{x:.3f}' for x in ratios)})"
    )


async def main(n: int, reps: int, group: bool = False) -> None:
    send_off: list[float] = []
    send_on: list[float] = []
    deliver: list[float] = []
    deliver_lease: list[float] = []
    for _ in range(reps):
        send_off.append((await one_run(n, on=False, group=group))[0])
        s, d = await one_run(n, on=True, group=group)
        send_on.append(s)
        deliver.append(d)
        deliver_lease.append((await one_run(n, on=True, lease=True, group=group))[1])
    for name, xs in (
        ("send off", send_off),
        ("send on", send_on),
        ("deliver, lease", deliver_lease),
        ("deliver", deliver),
    ):
        print(
            f"{name:16s} best {min(xs):6.0f}  median {statistics.median(xs):6.0f} µs"
            f"   ({', '.join(f'{x:.0f}' for x in xs)})"
        )
    print(
        f"send on/off: best {min(send_on) / min(send_off):.3f},"
        f" median {statistics.median(send_on) / statistics.median(send_off):.3f};"
        f" deliver/deliver-lease: best {min(deliver) / min(deliver_lease):.3f},"
        f" median {statistics.median(deliver) / statistics.median(deliver_lease):.3f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.cbcost", description=__doc__)
    parser.add_argument("-n", type=int, default=4000, help="messages per run (4,000)")
    parser.add_argument("--reps", type=int, default=4, help="runs of each variant (4)")
    parser.add_argument("--group", action="store_true", help="group messages (see above)")
    parser.add_argument(
        "--interleaved", action="store_true", help="the send path only, off and on interleaved"
    )
    args = parser.parse_args()
    if args.interleaved:
        asyncio.run(main_interleaved(args.n, args.reps, args.group))
    else:
        asyncio.run(main(args.n, args.reps, args.group))
