"""A connection's in-flight bound (:class:`InFlight`) and task set (:class:`TaskSet`),
the small replacements of ``asyncio.Semaphore`` and a ``set`` per connection
(issue 16: an idle connection's size): they must behave as those did."""

from __future__ import annotations

import asyncio

from palaver.api.inflight import InFlight, TaskSet

from .conftest import until


async def test_slots_are_taken_then_handed_to_the_oldest_waiter() -> None:
    slots = InFlight(2)
    await slots.acquire()
    await slots.acquire()
    order: list[str] = []

    async def waiter(name: str) -> None:
        await slots.acquire()
        order.append(name)

    a = asyncio.create_task(waiter("a"))
    await until(lambda: slots.waiting == 1, "a waits")
    b = asyncio.create_task(waiter("b"))
    await until(lambda: slots.waiting == 2, "b waits")
    assert order == []  # both wait: no slot is free
    slots.release()
    await until(lambda: bool(order), "a slot handed on")
    assert order == ["a"] and slots.waiting == 1
    slots.release()
    await asyncio.gather(a, b)
    assert order == ["a", "b"]
    # all four releases back: two slots free again, no wait
    slots.release()
    slots.release()
    await asyncio.wait_for(slots.acquire(), 1)
    await asyncio.wait_for(slots.acquire(), 1)


async def test_a_cancelled_waiter_takes_no_slot() -> None:
    slots = InFlight(1)
    await slots.acquire()
    gone = asyncio.create_task(slots.acquire())
    await until(lambda: slots.waiting == 1, "the first waiter waits")
    gone.cancel()
    await asyncio.gather(gone, return_exceptions=True)
    assert slots.waiting == 0
    later = asyncio.create_task(slots.acquire())
    await until(lambda: slots.waiting == 1, "the second waiter waits")
    slots.release()
    await asyncio.wait_for(later, 1)  # the slot went to the waiter still there

    # handed a slot, then cancelled before running: the slot passes on
    handed = asyncio.create_task(slots.acquire())
    await until(lambda: slots.waiting == 1, "the third waiter waits")
    slots.release()
    handed.cancel()
    await asyncio.gather(handed, return_exceptions=True)
    await asyncio.wait_for(slots.acquire(), 1)


async def test_a_task_set_lists_the_running_tasks_only() -> None:
    tasks = TaskSet()
    assert tasks.running() == []
    gate = asyncio.Event()

    async def work() -> None:
        await gate.wait()

    t = asyncio.create_task(work())
    tasks.add(t)
    assert tasks.running() == [t]
    gate.set()
    await t
    assert tasks.running() == []  # done: not listed, whether its callback ran yet or not
