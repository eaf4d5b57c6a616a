"""The processor: pushes and this device's changes, one at a time, in order.

The *processor* task takes the inbox's items (pushes queued by the reader,
local changes queued by methods) and hands each to its handler: the
conversation-list pushes to the sans-I/O
:class:`~palaver.client.conversation_list.ConversationList`, whose steps it
drives (:meth:`Processor._drive`: events go to the listeners' queue, requests
to the server), the others to the handlers the feature mixins register with
:meth:`Processor._push_handlers`. Received messages queued back to back are
reported together.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from functools import cached_property
from typing import Any, TypeVar

from palaver.client._connection import LOGGED_OUT, READY, Connection
from palaver.client._inbox import STOP, End, Inbox, Local
from palaver.client.constants import EVENT, TYPES
from palaver.client.conversation_list import Emit, Step
from palaver.client.models import ERR_NOT_LOGGED_IN, ChatError
from palaver.protocol.frames import Push

log = logging.getLogger("palaver.client")

#: A push handler: ``await fn(connection generation, push data)``.
PushHandler = Callable[[int, dict[str, Any]], Awaitable[None]]
_T = TypeVar("_T")


class Processor(Connection):
    """The processor of a :class:`~palaver.client.Chat` (see the module docstring)."""

    def _push_handlers(self) -> dict[str, PushHandler]:
        """The handler of each push by event name; the feature mixins extend it
        (``{**super()._push_handlers(), ...}``). Unknown pushes are ignored."""
        return {
            "sync_done": lambda gen, _: self._on_synced(gen),
            "MESSAGE_REVOKED": lambda _, d: self._drive(self._convs.revoked(d)),
            "MESSAGE_MODIFIED": lambda _, d: self._drive(self._convs.modified(d)),
            "MESSAGE_REACTIONS_UPDATED": self._on_reactions,
            "MESSAGE_READ_BY_PEER": lambda _, d: self._drive(self._convs.read_by_peer(d)),
            "CONVERSATION_READ": lambda _, d: self._drive(
                self._convs.conversation_read(
                    str(d.get("conversationID", "")), int(d.get("readSequence", 0) or 0)
                )
            ),
            "CONVERSATION_CHANGED": lambda _, d: self._drive(self._convs.refresh()),
            "PROFILE_UPDATED": lambda _, d: self._drive(self._convs.profile_updated(d)),
            "MESSAGE_READ_RECEIPT_RECEIVED": lambda _, d: self._drive(self._convs.read_receipt(d)),
            "KICKED_OUT": self._ignore,  # the supervisor ends the session when the socket closes
        }

    @cached_property
    def _push_table(self) -> dict[str, PushHandler]:
        return self._push_handlers()

    async def _on_reactions(self, gen: int, data: dict[str, Any]) -> None:
        keep = ("messageID", "conversationID", "reactionList")
        self._emit(EVENT.MESSAGE_REACTIONS_UPDATED, {k: data.get(k) for k in keep})

    async def _ignore(self, gen: int, data: dict[str, Any]) -> None:
        """A push that needs nothing here."""

    async def _drive(self, step: Step[_T]) -> _T:
        """Run a step of the conversation list: emit what it emits, answer its
        calls with requests (a failed request is thrown into it). Its result."""
        reply: Any = None
        error: ChatError | None = None
        while True:
            try:
                effect = step.send(reply) if error is None else step.throw(error)
            except StopIteration as stop:
                result: _T = stop.value
                return result
            reply, error = None, None
            if isinstance(effect, Emit):
                self._emit(effect.event, effect.data)
                continue
            try:
                reply = await self._request(effect.op, effect.data)
            except ChatError as exc:
                error = exc

    async def _process(self, inbox: Inbox) -> None:
        """Handle pushes and local changes in order; never dies on one item."""
        events = self._events
        while True:
            item = await inbox.get()
            if isinstance(item, End):
                for name, data in item.events:
                    events.put_nowait((name, data))
                events.put_nowait(STOP)
                return
            try:
                await self._handle(inbox, item)
            except Exception as exc:
                if isinstance(exc, ChatError):
                    log.warning("could not handle %r: %s", item, exc)
                else:
                    log.exception("could not handle %r", item)
                if isinstance(item, Local) and item.fut is not None and not item.fut.done():
                    item.fut.set_exception(exc)

    async def _handle(self, inbox: Inbox, item: Local | tuple[int, Push]) -> None:
        if isinstance(item, Local):
            result = await self._drive(item.step)
            if item.fut is not None and not item.fut.done():
                item.fut.set_result(result)
            return
        gen, push = item
        if push.ev != "MESSAGE_RECEIVED":
            handler = self._push_table.get(push.ev)
            if handler is None:
                log.debug("ignored push %s", push.ev)
            else:
                await handler(gen, push.data)
            return
        batch = [push]
        while True:
            nxt = inbox.peek()
            if not (isinstance(nxt, tuple) and nxt[1].ev == "MESSAGE_RECEIVED"):
                break
            batch.append(inbox.get_nowait()[1])
        await self._drive(self._convs.received([p.data.get("message") or {} for p in batch]))

    async def _on_synced(self, gen: int) -> None:
        """Caught up: the first time, fetch the conversation list and emit SDK_READY;
        after a reconnect, refetch the list (emitting what changed). The list is
        also what shows a client that was away longer than the server keeps
        events (``sync_done`` ``resync``) what it missed."""
        if gen not in self._sync_waiters:
            return  # the connection that sent it is gone already
        try:
            if not self._ready_once:
                await self._drive(self._convs.refresh(emit=False))
                self._set_net(TYPES.NET_STATE_CONNECTED)
                self._ready_once = True
                self._state = READY
                self._emit(EVENT.SDK_READY, {"name": EVENT.SDK_READY})
                await self._drive(self._convs.emit_changes(force=True))
            else:
                await self._rejoin_rooms()  # before "connected": the rooms are live again
                await self._drive(self._convs.refresh())
                self._set_net(TYPES.NET_STATE_CONNECTED)
        except ChatError as exc:
            waiter = self._sync_waiters.pop(gen, None)
            if waiter is not None and not waiter.done():
                waiter.set_exception(exc)
            return
        waiter = self._sync_waiters.pop(gen, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _queue_local(self, step: Step[Any]) -> None:
        """Have the processor drive ``step`` in order with pushes (no answer)."""
        self._inbox.put(Local(step))

    async def _run_local(self, step: Step[_T]) -> _T:
        """Have the processor drive ``step`` in order with pushes; its result.
        Raises ChatError 6014 if the session ends first."""
        processor = self._processor
        if self._state == LOGGED_OUT or processor is None or processor.done():
            raise ChatError(ERR_NOT_LOGGED_IN, "not logged in")
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._inbox.put(Local(step, fut))
        await asyncio.wait([fut, processor], return_when=asyncio.FIRST_COMPLETED)
        if not fut.done():
            fut.cancel()
            raise ChatError(ERR_NOT_LOGGED_IN, "logged out")
        result: _T = fut.result()
        return result
