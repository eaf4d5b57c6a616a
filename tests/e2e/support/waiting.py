"""Bounded waits on a condition, for tests.

The suite never sleeps for a fixed time to wait for something (docs/GUIDE: "No
fixed sleeps"): it awaits an event, a queue, or, where nothing signals the
change (a subprocess's ``/healthz``, the registry of a node, a row in a table),
polls the condition with :func:`eventually`, the one place where tests poll.

"Nothing happens" is never checked by listening for a while either: a test
sends a later *marker* through the same path and asserts that the marker is the
next thing to arrive (what should not have come would have come before it).
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import time
from collections.abc import Awaitable, Callable
from typing import Any

WAIT = 10.0  # default bound of one wait, seconds
POLL = 0.02  # seconds between two looks at a condition nothing signals


async def eventually(
    check: Callable[[], bool | Awaitable[bool]],
    what: str | Callable[[], str] = "the condition",
    within: float = WAIT,
) -> None:
    """Return as soon as ``check()`` (sync or async) is true; fail after ``within`` s.

    Polls every :data:`POLL` seconds: for conditions that no event signals.

    Raises:
        AssertionError: still false after ``within`` seconds (with ``what``, or
            ``what()`` evaluated then).
    """
    deadline = time.monotonic() + within
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            text = what() if callable(what) else what
            raise AssertionError(f"timed out after {within} s waiting for {text}")
        await asyncio.sleep(POLL)  # the poll interval: nothing signals this condition


MARKER = "marker"  # the account markers come from
_markers = itertools.count(1)


async def send_marker(server: Any, user: str) -> str:
    """Send ``user`` a C2C text from the account :data:`MARKER` (imported first)
    through the REST API, as a backend would; the text, unique per call.

    ``server`` is a ``conftest.RunningServer``. The send returns after the
    message was published, so it reaches each of ``user``'s connections after
    whatever was published before the call: the next thing to arrive must be it.
    """
    text = f"marker {next(_markers)}"
    await server.import_users(MARKER)
    await server.ok(
        "openim",
        "sendmsg",
        {
            "From_Account": MARKER,
            "To_Account": user,
            "MsgRandom": 900_000 + next(_markers),
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}],
        },
    )
    return text


def is_marker(ev: str, data: dict[str, Any], text: str) -> bool:
    """Is this push (event name, data) the marker message ``text``?"""
    message = data.get("message") or {}
    return bool(
        ev == "MESSAGE_RECEIVED"
        and message.get("from") == MARKER
        and (message.get("payload") or {}).get("text") == text
    )
