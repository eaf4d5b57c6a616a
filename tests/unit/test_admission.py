"""The login gate (``palaver.services.admission.LoginGate``): a bounded number
of logins at once, a bounded queue in arrival order, "busy, retry after" beyond."""

from __future__ import annotations

import asyncio

import pytest

from palaver.services.admission import (
    RETRY_AFTER_MAX_MS,
    RETRY_AFTER_MIN_MS,
    Arrival,
    LoginGate,
    ServerBusy,
)

from .conftest import until


class Login:
    """A login holding the gate until released; records when it got in."""

    def __init__(self, gate: LoginGate, name: str, order: list[str]) -> None:
        self.arrived = asyncio.Event()  # set in the same step as it queues at the gate
        self.inside = asyncio.Event()
        self.leave = asyncio.Event()
        self.task = asyncio.create_task(self._run(gate, name, order))

    async def _run(self, gate: LoginGate, name: str, order: list[str]) -> None:
        self.arrived.set()
        async with gate.admit():
            order.append(name)
            self.inside.set()
            await self.leave.wait()


async def test_logins_past_the_limit_wait_in_order_and_past_the_queue_are_refused() -> None:
    gate, order = LoginGate(limit=2, queue=2), []
    a, b, c, d = (Login(gate, n, order) for n in "abcd")
    await a.inside.wait()  # tasks start in order: b, c and d have reached the gate too
    assert b.inside.is_set() and (gate.active, gate.waiting) == (2, 2)
    with pytest.raises(ServerBusy) as busy:
        async with gate.admit():
            raise AssertionError("admitted past the queue")
    assert busy.value.code == 70169 and gate.refused == 1
    assert RETRY_AFTER_MIN_MS <= busy.value.retry_after_ms <= RETRY_AFTER_MAX_MS
    b.leave.set()
    await c.inside.wait()  # the slot passes to the first in line
    a.leave.set()
    await d.inside.wait()
    assert order == ["a", "b", "c", "d"] and gate.active == 2
    c.leave.set()
    d.leave.set()
    await asyncio.gather(a.task, b.task, c.task, d.task)
    assert (gate.active, gate.waiting) == (0, 0)


async def test_a_waiter_that_gives_up_leaves_the_line() -> None:
    gate, order = LoginGate(limit=1, queue=5), []
    first = Login(gate, "first", order)
    quitter, second = Login(gate, "quitter", order), Login(gate, "second", order)
    await first.inside.wait()  # the two behind it are in line by now
    assert gate.waiting == 2
    quitter.task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await quitter.task
    assert gate.waiting == 1
    first.leave.set()
    await second.inside.wait()
    second.leave.set()
    await asyncio.gather(first.task, second.task)
    assert order == ["first", "second"] and gate.active == 0


async def test_a_slot_handed_over_as_the_wait_is_cancelled_is_passed_on() -> None:
    gate, order = LoginGate(limit=1, queue=5), []
    holding = gate.admit()
    await holding.__aenter__()  # this task holds the only slot
    unlucky, next_ = Login(gate, "unlucky", order), Login(gate, "next", order)
    await next_.arrived.wait()  # both are in line
    await holding.__aexit__(None, None, None)  # hands the slot to "unlucky" (no yield) ...
    unlucky.task.cancel()  # ... which is cancelled before it runs
    with pytest.raises(asyncio.CancelledError):
        await unlucky.task
    await next_.inside.wait()  # the slot was not lost
    next_.leave.set()
    await next_.task
    assert order == ["next"] and gate.active == 0


def test_no_queue_and_odd_limits() -> None:
    gate = LoginGate(limit=0, queue=-1)
    assert (gate.limit, gate.queue) == (1, 0)
    assert gate.retry_after_ms() == RETRY_AFTER_MIN_MS
    gate.active, gate._seconds = 1, 10_000.0
    assert gate.retry_after_ms() == RETRY_AFTER_MAX_MS


async def test_a_connection_is_turned_away_before_its_upgrade_when_its_login_would_be() -> None:
    """``refuse_upgrade`` counts the logins in progress, those waiting and the
    connections upgraded whose login has not come yet; a question (``count``
    false) is answered the same but not counted."""
    gate, order = LoginGate(limit=1, queue=1), []
    assert gate.refuse_upgrade() is None  # a free slot
    first = Arrival(gate)  # upgraded, its login not read yet
    assert gate.arriving == 1
    assert gate.refuse_upgrade() is None  # would be first in line: the queue has room
    second = Arrival(gate)
    hint = gate.refuse_upgrade()  # second in line, the queue holds one: refused
    assert hint is not None and RETRY_AFTER_MIN_MS <= hint <= RETRY_AFTER_MAX_MS
    assert gate.refused_upgrades == 1
    assert gate.refuse_upgrade(count=False) is not None and gate.refused_upgrades == 1
    first.done()
    first.done()  # idempotent
    second.done()
    assert gate.arriving == 0
    a = Login(gate, "a", order)
    await a.inside.wait()
    assert gate.refuse_upgrade() is None  # one slot taken, one place in line
    b = Login(gate, "b", order)
    await b.arrived.wait()
    await until(lambda: gate.waiting == 1, "b in line")
    assert gate.waiting == 1 and gate.refuse_upgrade() is not None
    Arrival(None).done()  # a question: nothing counted
    assert gate.arriving == 0
    a.leave.set()
    b.leave.set()
    await asyncio.gather(a.task, b.task)
    assert order == ["a", "b"]


async def test_an_upgrade_is_refused_when_its_expected_wait_is_too_long() -> None:
    gate = LoginGate(limit=1, queue=100, max_wait=0.001)
    arrived = [Arrival(gate) for _ in range(3)]  # the second and third would wait
    assert gate.refuse_upgrade() is not None  # 3rd in line: ~15 ms expected, > 1 ms
    for a in arrived:
        a.done()
    assert gate.refuse_upgrade() is None
