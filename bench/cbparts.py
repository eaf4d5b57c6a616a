"""``python -m bench.cbparts [-n N] [--reps R] [--group]``: where an after-send callback's
share of a send goes (docs/benchmarks.md, issue 12 §5), in one process.

Runs ``bench.cbcost``'s "send on" (N C2C messages, ``C2C.CallbackAfterSendMsg`` on) and
charges the CPU time of the thread that runs them (``time.thread_time``) to two parts
of the send path, per message:

- ``after_send``: ``CallbackService.after_send`` (the callback's body, the receiver's
  online state, the row to store), on the event loop; on one node nothing in it
  suspends, so the time is its own;
- ``store``: ``message_batch._store_callbacks`` (the outbox rows, written with the
  messages), in the group-commit writer's thread;

and ``write`` (the writer's whole ``_write_app``, for scale). With ``--group``, the
messages are ``bench.cbcost --group``'s and the count of ``member reads`` is printed too
(the offline-push hook's reads of a group's member list, ``MemberFlags.fresh``; the
group ``after_send`` may await that read, so its time is not its own). Thread CPU time is less
disturbed by other processes than wall time: on a loaded machine, compare two trees
in one sitting (``PYTHONPATH=<tree>/src``).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import time
from collections.abc import Callable
from typing import Any

from bench import cbcost
from palaver.services import callbacks as service
from palaver.storage import message_batch as batch

spent: dict[str, float] = {}


def _charge(key: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kw: Any) -> Any:
        t0 = time.thread_time()
        try:
            return fn(*args, **kw)
        finally:
            spent[key] = spent.get(key, 0.0) + time.thread_time() - t0

    return wrapper


def _charge_async(key: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    async def wrapper(*args: Any, **kw: Any) -> Any:
        t0 = time.thread_time()
        try:
            return await fn(*args, **kw)
        finally:
            spent[key] = spent.get(key, 0.0) + time.thread_time() - t0

    return wrapper


def main(n: int, reps: int, group: bool = False) -> None:
    from palaver.services.callback_push_hook import MemberFlags

    service.CallbackService.after_send = _charge_async(  # type: ignore[method-assign]
        "after_send", service.CallbackService.after_send
    )
    reads = [0]
    fresh = MemberFlags.fresh

    async def counted(self: MemberFlags, app_id: int, group_id: str) -> dict[str, str]:
        reads[0] += 1
        return await fresh(self, app_id, group_id)

    MemberFlags.fresh = counted  # type: ignore[method-assign]
    batch._store_callbacks = _charge("store", batch._store_callbacks)
    batch._write_app = _charge("write", batch._write_app)
    if group:
        batch._write_group_app = _charge("write", batch._write_group_app)
    for _ in range(reps):
        spent.clear()
        reads[0] = 0
        sent, _ = asyncio.run(cbcost.one_run(n, on=True, group=group))
        total = 64 * (-(-500 // 64) + -(-n // 64))  # the warm-up's blocks of 64, and the run's
        parts = ", ".join(f"{k} {v / total * 1e6:.2f}" for k, v in sorted(spent.items()))
        more = f"; member reads {reads[0]} for {total} messages" if group else ""
        print(f"send on {sent:.0f} µs per message; thread CPU µs per message: {parts}{more}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.cbparts", description=__doc__)
    parser.add_argument("-n", type=int, default=4000, help="messages per run (4,000)")
    parser.add_argument("--reps", type=int, default=2, help="runs (2)")
    parser.add_argument("--group", action="store_true", help="bench.cbcost --group's messages")
    args = parser.parse_args()
    main(args.n, args.reps, args.group)
