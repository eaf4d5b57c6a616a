"""One send pipeline for C2C and group messages.

Every message Palaver stores or pushes goes through :meth:`SendPipeline.send`:

1. take the sending client's lane ticket (its sends are stored in arrival order);
2. check the body (``MsgBody`` rules, the same for every front door);
3. run the route's checks (C2C: accounts, blacklist, friendship; groups:
   membership and mutes);
4. for a user's send (REST or a client; not imports or tips), the
   :class:`SendHooks`: the app backend's before-send callback, which may
   reject, silently drop or rewrite the message;
5. online-only: push it and stop; else queue it to the group-commit writer
   once the previous send of the lane is queued, with its after-send callback
   (written in the same transaction);
6. after the commit, build the :class:`~palaver.model.messages.MessageRecord`
   once and let the route publish it.

What is the same for every message lives here once; a :class:`Route` holds
what differs.
"""

from __future__ import annotations

import asyncio
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

import orjson

from palaver.errors import Code, ImError
from palaver.model.messages import PRIORITIES, MessageFlag, MessageRecord
from palaver.msgbody import MAX_BODY_BYTES, validate_msg_body
from palaver.storage import messages as msg_store
from palaver.storage.callbacks import NewCallback
from palaver.storage.message_batch import Write, Written
from palaver.storage.writer import MessageWriter

if TYPE_CHECKING:
    from palaver.services.apps import App


class SendLane:
    """Keeps one client's sends in arrival order into the writer, and its
    online-only sends (typing signals) behind the stored ones before them.

    Take a :meth:`ticket` when a send arrives (before any ``await``); the send
    waits for the previous ticket before it is queued for storage, so checks
    of consecutive sends run concurrently but messages are stored in order.
    A stored send counts itself :meth:`unpublished` from its queueing to its
    publication; an online-only send is pushed once none is left
    (:meth:`drained`), so it never overtakes a message its sender sent before it
    (a peer's "typing" shown, then cleared by the older message arriving late).
    """

    def __init__(self) -> None:
        self._tail: asyncio.Future[None] | None = None
        self._unpublished = 0
        self._drained: asyncio.Future[None] | None = None

    def unpublished(self) -> None:
        """A stored send was queued to the writer: its :meth:`published` follows."""
        self._unpublished += 1

    def published(self) -> None:
        """A stored send was published, or failed after it was queued."""
        self._unpublished -= 1
        if self._unpublished == 0 and self._drained is not None:
            drained, self._drained = self._drained, None
            if not drained.done():
                drained.set_result(None)

    async def drained(self) -> None:
        """Return once every stored send queued so far is published."""
        if self._unpublished == 0:
            return
        if self._drained is None:
            self._drained = asyncio.get_running_loop().create_future()
        await asyncio.shield(self._drained)

    @property
    def idle(self) -> bool:
        """No earlier send of this lane is still waiting to be queued: a send may
        be queued now, in order, without a ticket."""
        return self._tail is None or self._tail.done()

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
    #: the sender's ``OfflinePushInfo`` (checked at the front door), stored with it
    offline_push: dict[str, Any] | None = None

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
            offline_push=orjson.dumps(self.offline_push).decode() if self.offline_push else None,
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
            offline_push=self.offline_push,
        )


def control_flags(
    controls: frozenset[str],
    *,
    need_receipt: bool = False,
    priority: str = "Normal",
    support_extension: bool = False,
) -> int:
    """:class:`MessageFlag` bits of REST ``SendMsgControl`` (``NoUnread``,
    ``NoLastMsg``), the SDK's ``needReadReceipt``, ``MsgPriority`` (one of
    :data:`~palaver.model.messages.PRIORITIES`; an unknown one is Normal) and
    ``isSupportExtension`` (REST ``SupportMessageExtension``)."""
    if not controls and not need_receipt and priority == "Normal" and not support_extension:
        return 0
    flags = PRIORITIES.index(priority) << 5 if priority in PRIORITIES else 0
    if "NoUnread" in controls:
        flags |= MessageFlag.NO_UNREAD.value
    if "NoLastMsg" in controls:
        flags |= MessageFlag.NO_LAST_MSG.value
    if need_receipt:
        flags |= MessageFlag.NEED_RECEIPT.value
    if support_extension:
        flags |= MessageFlag.SUPPORT_EXTENSION.value
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
    #: the app backend's before-send callback dropped it: answered, never delivered
    dropped: bool = False


@dataclass(frozen=True)
class SendSource:
    """Where a send comes from, for the app backend's callbacks.

    ``platform``: Tencent's ``OptPlatform`` (``RESTAPI``, ``Web``, ...);
    ``client_ip``: the caller's address; ``operator``: who asked (an App admin
    over REST; ``None``: the sender); ``forbid_callbacks``: REST
    ``ForbidCallbackControl`` (``ForbidBeforeSendMsgCallback``,
    ``ForbidAfterSendMsgCallback``); ``offline_push``: ``OfflinePushInfo``.
    """

    platform: str = "RESTAPI"
    client_ip: str = ""
    operator: str | None = None
    forbid_callbacks: frozenset[str] = field(default_factory=frozenset)
    #: ``OfflinePushInfo`` (``PushFlag``, ``Title``, ``Desc``, ``Ext``...; checked by
    #: :func:`palaver.offline_push.check_offline_push`): stored with the message
    #: (:attr:`Draft.offline_push`) and passed to the app backend in the after-send
    #: callback (its offline-push hook)
    offline_push: dict[str, Any] | None = None


@dataclass(frozen=True)
class SendContext:
    """A user's send as the :class:`SendHooks` see it: the app, C2C or Group
    (with the group's type), where it came from, and whether it is online-only."""

    app: App
    kind: Literal["C2C", "Group"]
    source: SendSource
    online_only: bool = False
    group_type: str = ""


class SendHooks(Protocol):
    """What runs around a user's send (the callbacks service implements it)."""

    async def before_send(self, ctx: SendContext, draft: Draft) -> Draft | None:
        """The draft to send (maybe rewritten), or ``None`` to drop it silently.
        Raises ImError to refuse it."""

    async def after_send(self, ctx: SendContext, draft: Draft) -> NewCallback | None:
        """The after-send callback to store with the message, if the app wants one."""

    def after_send_now(self, ctx: SendContext, draft: Draft) -> tuple[bool, NewCallback | None]:
        """:meth:`after_send` without awaiting: ``(True, the callback or None)``, or
        ``(False, None)`` when it needs awaiting (:meth:`SendPipeline.send` then)."""

    def sent(self) -> None:
        """A message with an after-send callback was committed: wake the delivery worker."""

    def idle(self, ctx: SendContext, sender: str) -> bool:
        """No hook needs awaiting for this send of ``sender`` (decided without awaiting:
        ``False`` when unsure), so :meth:`SendPipeline.send_now` may skip
        :meth:`before_send` and take the after-send callback from :meth:`after_send_now`."""

    async def enqueue(self, callback: NewCallback) -> None:
        """Store a callback of an online-only message (nothing else is stored)."""


class Route(Protocol):
    """What differs between a C2C and a group send."""

    def context(self, draft: Draft) -> SendContext | None:
        """The send as the hooks see it (after :meth:`check`); ``None`` for a
        send no hook sees (imports, tips, notices)."""

    async def check(self, draft: Draft) -> None:
        """Refuse the send (raise ``ImError``) or let it through."""

    def write(self, new: msg_store.NewMessage, callback: NewCallback | None = None) -> Write:
        """The writer operation that stores it (with ``callback``, its after-send
        callback, written in the same transaction)."""

    async def publish(self, message: MessageRecord, written: Written, origin: str | None) -> None:
        """Push a committed message (``origin``: the sending connection, which has
        the response)."""

    async def push_online(self, message: MessageRecord, origin: str | None) -> None:
        """Push an online-only message (never stored)."""


class FastRoute(Route, Protocol):
    """A route whose checks and publishing can run without awaiting, when its
    caches allow (the fast lane: :meth:`SendPipeline.send_now`)."""

    def check_now(self, draft: Draft) -> bool:
        """Run the checks from caches: ``True`` passed, ``False`` a check needs
        storage (use :meth:`SendPipeline.send`). Raises ImError to refuse."""

    def publish_now(self, message: MessageRecord, written: Written, origin: str | None) -> None:
        """:meth:`Route.publish`, handed to fan-out before it returns."""


SendDone = Callable[[SendResult | BaseException], None]


class SendPipeline:
    """Sends messages: the steps of the module docstring, for any :class:`Route`."""

    def __init__(self, writer: MessageWriter, hooks: SendHooks | None = None) -> None:
        self._writer = writer
        self._latency = writer.stats.send_seconds
        self._hooks = hooks

    async def send(
        self,
        draft: Draft,
        route: Route,
        *,
        lane: SendLane | None = None,
        online_only: bool = False,
        origin: str | None = None,
        check_body: bool = True,
        max_bytes: int | None = None,
    ) -> SendResult:
        """Send ``draft`` along ``route``: stored and committed before this
        returns (unless ``online_only``), then published.

        A message the app backend's before-send callback drops is answered as
        sent (``dropped``) but neither stored nor pushed.

        Raises:
            ImError: 90002/90007/80002/... a bad body (:func:`validate_msg_body`);
                80002 ``MsgBody`` and ``CloudCustomData`` together larger than
                ``max_bytes`` (the app's ``max_message_bytes``);
                whatever the route's checks raise; the before-send callback's
                refusal (20006 C2C, 10016 group, or the backend's own code).
        """
        started = time.perf_counter()
        prev, mine = lane.ticket() if lane else (None, None)
        try:
            if check_body:
                validate_msg_body(draft.body)
            check_message_size(draft, max_bytes)
            await route.check(draft)
            hooks = self._hooks
            ctx = route.context(draft) if hooks is not None else None
            callback = None
            if ctx is not None and hooks is not None:
                changed = await hooks.before_send(ctx, draft)
                if changed is None:
                    message = draft.record()
                    return SendResult(
                        message.msg_key, message.time, 0, False, message, dropped=True
                    )
                if changed is not draft:
                    validate_msg_body(changed.body)
                    check_message_size(changed, max_bytes)
                    draft = changed
                callback = await hooks.after_send(ctx, draft)
            if online_only:
                return await self._push_online(draft, route, lane, prev, origin, callback)
            op = route.write(draft.new_message(), callback)
            if prev is not None:
                await asyncio.shield(prev)
            pending = self._writer.submit(op)
            if lane is not None:
                lane.unpublished()
        finally:
            if mine is not None and not mine.done():
                mine.set_result(None)
        try:
            written = await pending
            if callback is not None and hooks is not None and not written.duplicate:
                hooks.sent()
            message = draft.record(written)
            await route.publish(message, written, origin)
        finally:
            if lane is not None:
                lane.published()
        self._latency.observe(time.perf_counter() - started)
        return SendResult(
            message.msg_key, message.time, message.seq, True, message, written.duplicate
        )

    async def _push_online(
        self,
        draft: Draft,
        route: Route,
        lane: SendLane | None,
        prev: asyncio.Future[None] | None,
        origin: str | None,
        callback: NewCallback | None,
    ) -> SendResult:
        """:meth:`send`'s online-only end: pushed (never stored) once the sender's
        earlier sends on ``lane`` are queued (``prev``) and published."""
        message = draft.record()
        if lane is not None:
            if prev is not None:
                await asyncio.shield(prev)
            await lane.drained()
        await route.push_online(message, origin)
        if callback is not None and self._hooks is not None:
            await self._hooks.enqueue(callback)
        return SendResult(message.msg_key, message.time, 0, False, message)

    def send_now(
        self,
        draft: Draft,
        route: FastRoute,
        done: SendDone,
        *,
        lane: SendLane | None = None,
        origin: str | None = None,
        max_bytes: int | None = None,
    ) -> bool:
        """The fast lane of :meth:`send` for a stored send: when nothing needs an
        await (the lane is idle, the route's checks are cached, no hook would act),
        queue ``draft`` to the writer now and return ``True``; ``done`` gets the
        :class:`SendResult` (or the exception) once it is committed and published,
        from the writer's own future (no task, no second future). ``False``: nothing
        was done, use :meth:`send`.

        Raises:
            ImError: as :meth:`send` does for the checks it runs here.
        """
        if lane is not None and not lane.idle:
            return False
        started = time.perf_counter()
        validate_msg_body(draft.body)
        check_message_size(draft, max_bytes)
        if not route.check_now(draft):
            return False
        hooks = self._hooks
        callback = None
        if hooks is not None:
            ctx = route.context(draft)
            if ctx is not None:
                if not hooks.idle(ctx, draft.sender):
                    return False
                now, callback = hooks.after_send_now(ctx, draft)
                if not now:
                    return False
        pending = self._writer.submit(route.write(draft.new_message(), callback))
        if lane is not None:
            lane.unpublished()
        latency = self._latency

        def committed(fut: asyncio.Future[Written]) -> None:
            try:
                written = fut.result()
                if callback is not None and hooks is not None and not written.duplicate:
                    hooks.sent()
                message = draft.record(written)
                route.publish_now(message, written, origin)
            except BaseException as exc:  # the writer's failure goes to the sender
                done(exc)
                return
            finally:
                if lane is not None:
                    lane.published()
            latency.observe(time.perf_counter() - started)
            done(
                SendResult(
                    message.msg_key, message.time, message.seq, True, message, written.duplicate
                )
            )

        pending.add_done_callback(committed)
        return True


def check_message_size(draft: Draft, max_bytes: int | None) -> None:
    """Tencent's message size limit counts ``MsgBody`` and ``CloudCustomData``
    together. Raises ImError 80002 past ``max_bytes`` (``None``: no limit)."""
    extra = draft.cloud_custom_data
    if max_bytes is None or (
        not extra and max_bytes >= MAX_BODY_BYTES
    ):  # the body alone is checked already
        return
    size = len(orjson.dumps(draft.body)) + len((extra or "").encode())
    if size > max_bytes:
        raise ImError(
            Code.ERR_SVR_COMM_BODY_SIZE_LIMIT,
            f"MsgBody and CloudCustomData hold {size} bytes; at most {max_bytes}",
        )
