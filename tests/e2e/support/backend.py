"""An app backend that receives Tencent IM's third-party callbacks, for tests.

A real aiohttp server on 127.0.0.1 (a free port, kept across :meth:`Backend.stop`
and :meth:`Backend.start`, so a test can take the backend down and bring it
back). It records every request it answered and answers each command with
what the test set in :attr:`Backend.answers` (default ``{"ActionStatus": "OK",
"ErrorCode": 0}``), after :attr:`Backend.delay` seconds.

    backend = Backend()
    await backend.start()
    backend.answers["C2C.CallbackBeforeSendMsg"] = {"ErrorCode": 1}
    got = await backend.wait_for("C2C.CallbackAfterSendMsg", 3)
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from aiohttp import web

WAIT = 30.0  # bound of any wait, seconds


@dataclass(frozen=True)
class Received:
    """One callback request: its query parameters, JSON body and arrival time."""

    query: dict[str, str]
    body: dict[str, Any]
    at: float

    @property
    def command(self) -> str:
        return self.query.get("CallbackCommand", "")


Answer = dict[str, Any] | Callable[[Received], dict[str, Any]]


class Backend:
    """A callback receiver (see the module docstring)."""

    def __init__(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}/im/callback?app=test"
        self.received: list[Received] = []
        self.answers: dict[str, Answer] = {}
        self.delay = 0.0
        self.status = 200  # HTTP status of the answers
        self._runner: web.AppRunner | None = None
        self._changed = asyncio.Condition()

    async def _handle(self, request: web.Request) -> web.Response:
        body = orjson.loads(await request.read())
        got = Received(dict(request.query), body, time.time())
        if self.delay:  # a slow backend: the behaviour under test, not a wait
            await asyncio.sleep(self.delay)
        answer = self.answers.get(got.command, {"ActionStatus": "OK", "ErrorCode": 0})
        if callable(answer):
            answer = answer(got)
        if self.status == 200:
            async with self._changed:
                self.received.append(got)
                self._changed.notify_all()
        return web.Response(
            status=self.status, body=orjson.dumps(answer), content_type="application/json"
        )

    async def start(self) -> None:
        """Listen (again) on :attr:`port`."""
        app = web.Application()
        app.router.add_post("/im/callback", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port, reuse_address=True).start()

    async def stop(self) -> None:
        """Stop listening: connections are refused until :meth:`start`."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def of(self, command: str) -> list[Received]:
        """The requests of one command, in arrival order."""
        return [r for r in self.received if r.command == command]

    async def wait_for(self, command: str, n: int = 1, within: float = WAIT) -> list[Received]:
        """Wait until ``n`` requests of ``command`` arrived; all of them (bounded)."""

        def enough() -> bool:
            return len(self.of(command)) >= n

        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(enough), within)
            except TimeoutError:
                raise AssertionError(
                    f"{len(self.of(command))} of {n} {command} callbacks within {within} s"
                ) from None
        return self.of(command)
