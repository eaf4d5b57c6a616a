"""One send pipeline for C2C and group messages.

Every message Palaver stores or pushes goes through :meth:`SendPipeline.send`:

1. take the sending client's lane ticket (its sends are stored in arrival order);
2. check the body (``MsgBody`` rules, the same for every front door);
3. run the route's checks (C2C: accounts, blacklist, friendship; groups:
   membership and mutes);
4. online-only: push it and stop; else queue it to the group-commit writer
   once the previous send of the lane is queued;
5. after the commit, build the :class:`~palaver.model.messages.MessageRecord`
   once and let the route publish it.

What is the same for every message (steps 1, 2, 4 and 5) lives here once; a
:class:`Route` holds what differs. A rule for every message (moderation, the
app backend's before-send callback) belongs in step 2.
"""

from __future__ import annotations

import asyncio
import time
import zlib
from dataclasses import dataclass
from typing import Any, Protocol

import orjson

from palaver.model.messages import PRIORITIES, MessageFlag, MessageRecord
from palaver.msgbody import validate_msg_body
from palaver.storage import messages as msg_store
from palaver.storage.writer import MessageWriter, Write, Written


class SendLane:
    """Keeps one client's sends in arrival order into the writer.

    Take a :meth:`ticket` when a send arrives (before any ``await``); the send
    waits for the previous ticket before it is queued for storage, so checks
    of consecutive sends run concurrently but messages are stored in order.
    """

    def __init__(self) -> None:
        self._tail: asyncio.Future[None] | None = None

    def ticket(self) -> tuple[asyncio.Future[None] | None, asyncio.Future[None]]:
        """(the previous send's "queued" future or None, this send's)."""
        prev = self._tail
        mine: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._tail = mine
        return prev, mine


@dataclass(frozen=True)
class Draft:
    """A message about to be sent (times in unix s; ``receiver`` a UserID or GroupId)."""

    conv_id: str
    sender: str
    receiver: str
    body: list[dict[str, Any]]
    random: int
    time: int
    client_seq: int = 0
    client_time: int = 0
    cloud_custom_data: str | None = None
    flags: int = 0
    at_users: list[str] | None = None
    #: a retried send with this key (within the route's window) is stored once
    dedupe_key: str | None = None
    #: the body's CRC-32 ends the dedupe key (a retry carries the same body);
    #: computed once the body has passed its checks
    dedupe_body: bool = False

    def new_message(self) -> msg_store.NewMessage:
        """What the writer stores."""
        key = self.dedupe_key
        if key is not None and self.dedupe_body:
            key = f"{key}\x1f{zlib.crc32(orjson.dumps(self.body))}"
        return msg_store.NewMessage(
            conv_id=self.conv_id,
            from_account=self.sender,
            to_account=self.receiver,
            msg_time=self.time,
            random=self.random,
            client_seq=self.client_seq,
            client_time=self.client_time,
            body=orjson.dumps(self.body).decode(),
            cloud_custom_data=self.cloud_custom_data,
            flags=self.flags,
            dedupe_key=key,
            at_users=orjson.dumps(self.at_users).decode() if self.at_users else None,
        )

    def record(self, written: Written | None = None) -> MessageRecord:
        """The message as stored (``written``), or online-only (``None``)."""
        st = written.stored if written is not None else None
        return MessageRecord(
            id=st.id if st else 0,
            conv_id=self.conv_id,
            seq=st.seq if st else 0,
            sender=self.sender,
            receiver=self.receiver,
            time=st.msg_time if st else self.time,
            random=self.random,
            body=self.body,
            client_seq=self.client_seq,
            client_time=self.client_time,
            msg_key=st.msg_key
            if st
            else msg_store.make_msg_key(self.client_seq, self.random, self.time),
            cloud_custom_data=self.cloud_custom_data,
            flags=self.flags,
            at_users=self.at_users,
            online_only=st is None,
        )


def control_flags(
    controls: frozenset[str], *, need_receipt: bool = False, priority: str = "Normal"
) -> int:
    """:class:`MessageFlag` bits of REST ``SendMsgControl`` (``NoUnread``,
    ``NoLastMsg``), the SDK's ``needReadReceipt`` and ``MsgPriority`` (one of
    :data:`~palaver.model.messages.PRIORITIES`; an unknown one is Normal)."""
    if not controls and not need_receipt and priority == "Normal":
        return 0
    flags = PRIORITIES.index(priority) << 5 if priority in PRIORITIES else 0
    if "NoUnread" in controls:
        flags |= MessageFlag.NO_UNREAD.value
    if "NoLastMsg" in controls:
        flags |= MessageFlag.NO_LAST_MSG.value
    if need_receipt:
        flags |= MessageFlag.NEED_RECEIPT.value
    return flags


@dataclass(frozen=True)
class SendResult:
    """The answer to a send: MsgKey, MsgTime (unix s), sequence; ``stored`` False
    for online-only; ``message`` the stored message (or the one pushed, online-only)."""

    msg_key: str
    msg_time: int
    seq: int
    stored: bool
    message: MessageRecord
    duplicate: bool = False


class Route(Protocol):
    """What differs between a C2C and a group send."""

    async def check(self, draft: Draft) -> None:
        """Refuse the send (raise ``ImError``) or let it through."""

    def write(self, new: msg_store.NewMessage) -> Write:
        """The writer operation that stores it."""

    async def publish(self, message: MessageRecord, written: Written, origin: str | None) -> None:
        """Push a committed message (``origin``: the sending connection, which has
        the response)."""

    async def push_online(self, message: MessageRecord, origin: str | None) -> None:
        """Push an online-only message (never stored)."""


class SendPipeline:
    """Sends messages: the steps of the module docstring, for any :class:`Route`."""

    def __init__(self, writer: MessageWriter) -> None:
        self._writer = writer
        self._latency = writer.stats.send_seconds

    async def send(
        self,
        draft: Draft,
        route: Route,
        *,
        lane: SendLane | None = None,
        online_only: bool = False,
        origin: str | None = None,
        check_body: bool = True,
    ) -> SendResult:
        """Send ``draft`` along ``route``: stored and committed before this
        returns (unless ``online_only``), then published.

        Raises:
            ImError: 90002/90007/80002/... a bad body (:func:`validate_msg_body`);
                whatever the route's checks raise.
        """
        started = time.perf_counter()
        prev, mine = lane.ticket() if lane else (None, None)
        try:
            if check_body:
                validate_msg_body(draft.body)
            await route.check(draft)
            if online_only:
                message = draft.record()
                await route.push_online(message, origin)
                return SendResult(message.msg_key, message.time, 0, False, message)
            op = route.write(draft.new_message())
            if prev is not None:
                await asyncio.shield(prev)
            pending = self._writer.submit(op)
        finally:
            if mine is not None and not mine.done():
                mine.set_result(None)
        written = await pending
        message = draft.record(written)
        await route.publish(message, written, origin)
        self._latency.observe(time.perf_counter() - started)
        return SendResult(
            message.msg_key, message.time, message.seq, True, message, written.duplicate
        )
