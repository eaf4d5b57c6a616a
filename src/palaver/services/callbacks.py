"""Third-party callbacks (第三方回调) to the app backend, as Tencent IM sends them.

Each app may set a ``callback_url``, a ``callback_token`` and the
``callback_commands`` it wants (:class:`~palaver.services.apps.AppSettings`).
A request is ``POST {callback_url}?SdkAppid=&CallbackCommand=&contenttype=json
&ClientIP=&OptPlatform=`` (plus ``Sign`` = hex SHA-256 of token + ``RequestTime``
and ``RequestTime`` when the app has a token) with a JSON body in Tencent's
field names (cloud.tencent.com/document/product/269/1632 and the command pages).

- **Before-callbacks** (``C2C.CallbackBeforeSendMsg``, ``Group.CallbackBeforeSendMsg``)
  are synchronous (:meth:`CallbackService.before_send`): the answer's
  ``ErrorCode`` 0 allows (its ``MsgBody`` / ``CloudCustomData``, if any,
  replace the message's), 1 refuses (20006 C2C, 10016 group), 2 drops the
  message silently, 120001–130000 refuses with the backend's own code and
  ``ErrorInfo``. No answer within ``callback_timeout`` (or a bad one) lets the
  message through, unless the command is in ``callback_fail_closed``.
- **After-callbacks** go through the durable outbox (:mod:`palaver.storage.callbacks`),
  written in the transaction of the event, and a delivery worker posts them:
  in order per conversation, retried with exponential backoff, dead-lettered
  after ``callback_max_attempts`` tries. Delivery is at least once (a crash
  between the post and its record repeats it); it never holds up a send.

The secret ``callback_token`` is never logged nor returned.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import orjson

from palaver.errors import Code, ImError
from palaver.model import callbacks as cb
from palaver.services.callback_samples import SAMPLES
from palaver.services.ports import CallbackTransport, Clock, Presence, SystemClock
from palaver.services.sending import Draft, SendContext
from palaver.stats import LATENCY_BUCKETS, Histogram
from palaver.storage import Database
from palaver.storage import callbacks as store
from palaver.storage import groups as group_store
from palaver.storage.callbacks import NewCallback, OutboxRow, Outcome

if TYPE_CHECKING:
    from palaver.services.apps import App, AppService

log = logging.getLogger("palaver.callbacks")

#: ``ErrorCode`` of a before-callback's answer
ALLOW, REFUSE, DROP = 0, 1, 2
#: the range of the backend's own codes, passed to the sender as they are
OWN_CODES = range(120001, 130001)

#: (app, conversation id, offline users) -> those who still want an offline push
PushFilter = Callable[["App", str, list[str]], Awaitable[list[str]]]


class CallbackFailed(Exception):
    """A callback got no usable answer (timeout, unreachable, HTTP error, not JSON)."""


def sign(token: str, request_time: int) -> str:
    """Tencent's callback ``Sign``: hex SHA-256 of ``token`` + ``RequestTime`` (unix s)."""
    return hashlib.sha256(f"{token}{request_time}".encode()).hexdigest()


def wants(app: App, command: str) -> bool:
    """Does ``app`` have a callback URL and ``command`` switched on?"""
    s = app.settings
    return bool(s.callback_url) and command in s.callback_commands


def _message_body(draft: Draft) -> dict[str, Any]:
    body: dict[str, Any] = {"MsgBody": draft.body}
    if draft.cloud_custom_data is not None:
        body["CloudCustomData"] = draft.cloud_custom_data
    return body


def message_payload(ctx: SendContext, draft: Draft, command: str, now_ms: int) -> dict[str, Any]:
    """The body of a send callback (``C2C.*SendMsg``, ``Group.*SendMsg``) before
    storage gives the message its ``MsgSeq``/``MsgKey`` (added at delivery)."""
    online = 1 if ctx.online_only else 0
    if ctx.kind == "C2C":
        return {
            "CallbackCommand": command,
            "From_Account": draft.sender,
            "To_Account": draft.receiver,
            "MsgRandom": draft.random,
            "MsgTime": draft.time,
            "OnlineOnlyFlag": online,
            **_message_body(draft),
            "EventTime": now_ms,
        }
    return {
        "CallbackCommand": command,
        "GroupId": draft.receiver,
        "Type": ctx.group_type,
        "From_Account": draft.sender,
        "Operator_Account": ctx.source.operator or draft.sender,
        "Random": draft.random,
        "OnlineOnlyFlag": 0 if ctx.group_type == "AVChatRoom" else online,
        **_message_body(draft),
        "EventTime": now_ms,
    }


def delivery_body(row: OutboxRow) -> dict[str, Any]:
    """The JSON body posted for an outbox row: its payload, with the stored
    message's ``MsgSeq``, ``MsgTime`` (and ``MsgKey`` for C2C) when it reports one."""
    body: dict[str, Any] = orjson.loads(row.payload)
    if row.msg_id is not None:
        body["MsgSeq"] = row.msg_seq
        body["MsgTime"] = row.msg_time
        if row.command.startswith("C2C."):
            body["MsgKey"] = row.msg_key
    return body


#: Callback lag buckets, seconds: retries stretch it to minutes.
CALLBACK_LAG_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0)


class CallbackService:
    """Sends an app's callbacks: before-callbacks now, after-callbacks through
    the outbox and its delivery worker. Implements
    :class:`~palaver.services.sending.SendHooks` for the send pipeline.

    Args:
        db: the database (the outbox).
        apps: the apps (their callback settings).
        transport: posts the requests (HTTP, :class:`CallbackTransport`).
        clock: time (``EventTime``, ``RequestTime``, backoff).
        retry_base: seconds before the first retry; doubles each try.
        retry_max: the longest wait between two tries, seconds.
        concurrency: conversations delivered at once.
        poll: seconds between two looks at the outbox when nothing wakes the
            worker (retries come due; other nodes' events).
        activity: a counter that moves while messages arrive (the writer's
            ``submitted``): while it moves, the worker waits (up to
            ``defer_max`` seconds a pass), so callbacks never slow messages
            down; they catch up when the burst is over.
        presence: who is online (the receiver's state in C2C after-send callbacks).
        worker: False: no background worker; the caller drives :meth:`run_once`
            (tests on a fake clock).
    """

    def __init__(
        self,
        db: Database,
        apps: AppService,
        transport: CallbackTransport,
        clock: Clock | None = None,
        *,
        retry_base: float = 1.0,
        retry_max: float = 300.0,
        concurrency: int = 16,
        poll: float = 1.0,
        activity: Callable[[], int] | None = None,
        defer_max: float = 2.0,
        presence: Presence | None = None,
        worker: bool = True,
        remind_type: Callable[[App, str, str], Awaitable[str]] | None = None,
    ) -> None:
        self._db = db
        #: ``remind_type(app, receiver, sender)``: the receiver's do-not-disturb of
        #: the C2C conversation (services.conversation_settings)
        self._remind_type = remind_type
        self._apps = apps
        self._transport = transport
        self._clock = clock or SystemClock()
        self.retry_base = retry_base
        self.retry_max = retry_max
        self.poll = poll
        self._activity = activity
        self._presence = presence
        self.defer_max = defer_max
        self._sem = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = not worker
        self.delivered = 0  # deliveries since start (for tests and benches)
        #: tries that failed and were scheduled again, and callbacks given up (``/metrics``)
        self.retried = 0
        self.dead = 0
        #: event → delivered (lag) and request → answer, seconds (``/metrics``)
        self.lag_seconds = Histogram(CALLBACK_LAG_BUCKETS)
        self.request_seconds = Histogram(LATENCY_BUCKETS)
        #: the offline-push hook's gate: given (app, Tencent's conversation ID such as
        #: ``GROUP<id>``, offline users),
        #: the users who still want an offline push (do-not-disturb: ``MsgFlag`` /
        #: ``setMessageRemindType`` drops the others); ``None`` keeps them all
        self.push_filter: PushFilter | None = None

    # --- requests ---------------------------------------------------------------------------

    def query(
        self, app: App, command: str, *, client_ip: str = "", platform: str = ""
    ) -> dict[str, str]:
        """The query parameters of a request (``Sign``/``RequestTime`` with a token)."""
        q = {
            "SdkAppid": str(app.sdkappid),
            "CallbackCommand": command,
            "contenttype": "json",
            "ClientIP": client_ip,
            "OptPlatform": platform,
        }
        token = app.settings.callback_token
        if token:
            now = int(self._clock.time())
            q["Sign"] = sign(token, now)
            q["RequestTime"] = str(now)
        return q

    async def _post(
        self, app: App, command: str, body: Mapping[str, Any], client_ip: str, platform: str
    ) -> tuple[int, bytes]:
        return await self._transport.post(
            app.settings.callback_url,
            self.query(app, command, client_ip=client_ip, platform=platform),
            orjson.dumps(body),
            app.settings.callback_timeout,
        )

    async def call(
        self,
        app: App,
        command: str,
        body: Mapping[str, Any],
        *,
        client_ip: str = "",
        platform: str = "",
    ) -> dict[str, Any]:
        """Post a before-callback and return the backend's JSON answer.

        Raises:
            CallbackFailed: no answer within ``callback_timeout``, unreachable,
                an HTTP status other than 200, or an answer that is not a JSON object.
        """
        try:
            status, raw = await self._post(app, command, body, client_ip, platform)
        except (TimeoutError, ConnectionError) as exc:
            raise CallbackFailed(str(exc)) from None
        if status != 200:
            raise CallbackFailed(f"HTTP {status}")
        try:
            reply = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise CallbackFailed("the answer is not JSON") from None
        if not isinstance(reply, dict):
            raise CallbackFailed("the answer is not a JSON object")
        return reply

    async def ask(
        self,
        app: App,
        command: str,
        body: Mapping[str, Any],
        *,
        refused: int,
        client_ip: str = "",
        platform: str = "",
    ) -> dict[str, Any] | None:
        """A before-callback of an action other than a send
        (``Sns.CallbackPrevFriendAdd``, ``Group.CallbackBeforeCreateGroup``,
        ``Group.CallbackBeforeApplyJoinGroup``): post ``body`` (``CallbackCommand``
        and ``EventTime`` added) when the app wants ``command``.

        Returns the backend's answer when the action may go on, ``None`` when
        the app does not want the command or the backend did not answer and the
        command fails open. The answer's ``ErrorCode`` decides: 0 allows (the
        caller may read more of the answer, e.g. per-item results);
        120001–130000 refuses with the backend's code and ``ErrorInfo``;
        anything else refuses with ``refused``.

        Raises:
            ImError: ``refused`` (or the backend's own code), as above, or when
                the backend did not answer and the command is in ``callback_fail_closed``.
        """
        if not wants(app, command):
            return None
        payload = {"CallbackCommand": command, **body, "EventTime": self._now_ms()}
        try:
            reply = await self.call(app, command, payload, client_ip=client_ip, platform=platform)
        except CallbackFailed as exc:
            self._failed(app, command, exc, refused)
            return None
        code = _error_code(reply)
        if code in OWN_CODES:
            raise ImError(code, str(reply.get("ErrorInfo") or "refused by the app backend"))
        if code != ALLOW:
            raise ImError(refused, f"the app backend's {command} refused it")
        return reply

    def _failed(self, app: App, command: str, exc: CallbackFailed, refused: int) -> None:
        """A before-callback got no answer: log it; raise ``refused`` if the command
        fails closed (else the action goes on)."""
        closed = command in app.settings.callback_fail_closed
        log.warning(
            "app %s: %s got no answer (%s); %s",
            app.sdkappid,
            command,
            exc,
            "refusing (fail closed)" if closed else "letting it through",
        )
        if closed:
            raise ImError(refused, "the app backend did not answer the callback") from None

    async def test(self, app: App, commands: Sequence[str]) -> list[tuple[str, int, str, float]]:
        """Post a sample of each command now (``palaver callbacks test``):
        ``(command, HTTP status or 0, the answer or the failure, seconds)``."""
        out = []
        for command in commands:
            now = self._clock.time()
            body = {"CallbackCommand": command, **SAMPLES[command], "EventTime": int(now * 1000)}
            for k in ("MsgTime",):
                if k in body:
                    body[k] = int(now)
            started = time.monotonic()
            try:
                status, raw = await self._post(app, command, body, "127.0.0.1", "RESTAPI")
                answer = raw.decode(errors="replace")[:200]
            except (TimeoutError, ConnectionError) as exc:
                status, answer = 0, str(exc)
            out.append((command, status, answer, time.monotonic() - started))
        return out

    async def log(self, app: App, *, limit: int = 50, status: str | None = None) -> list[OutboxRow]:
        """The app's recent callbacks, newest first (``palaver callbacks log``)."""
        async with self._db.read() as conn:
            return await store.recent(conn, app.sdkappid, limit=limit, status=status)

    async def replay(
        self, app: App, since: float, statuses: Sequence[str] = (store.DELIVERED, store.DEAD)
    ) -> int:
        """Send again the app's callbacks created since ``since`` (unix s) that were
        delivered or dead-lettered (``palaver callbacks replay``): they become
        pending, due now, in their original order; how many. A running node
        delivers them within a second."""
        async with self._db.write() as conn:
            n = await store.requeue(conn, app.sdkappid, int(since * 1000), statuses)
        self._wake.set()
        return n

    # --- the send pipeline's hooks (SendHooks) -------------------------------------------------

    def idle(self, ctx: SendContext) -> bool:
        """Neither the before- nor the after-send callback of this send is wanted."""
        if ctx.kind == "C2C":
            return not (wants(ctx.app, cb.C2C_BEFORE_SEND) or wants(ctx.app, cb.C2C_AFTER_SEND))
        return not (wants(ctx.app, cb.GROUP_BEFORE_SEND) or wants(ctx.app, cb.GROUP_AFTER_SEND))

    async def before_send(self, ctx: SendContext, draft: Draft) -> Draft | None:
        """``C2C.CallbackBeforeSendMsg`` / ``Group.CallbackBeforeSendMsg``, when
        the app wants it and the sender did not forbid it: the draft to send
        (maybe with the backend's ``MsgBody``/``CloudCustomData``), ``None`` to
        drop it silently.

        Raises:
            ImError: 20006 (C2C) / 10016 (group) refused (``ErrorCode`` 1, or no
                answer and the command fails closed); 120001–130000 the
                backend's own code and ``ErrorInfo``.
        """
        command = cb.C2C_BEFORE_SEND if ctx.kind == "C2C" else cb.GROUP_BEFORE_SEND
        app = ctx.app
        if not wants(app, command) or cb.FORBID_BEFORE_SEND in ctx.source.forbid_callbacks:
            return draft
        refused = (
            Code.ERR_SVR_MSG_PUSH_DENY
            if ctx.kind == "C2C"
            else Code.ERR_SVR_GROUP_REJECT_FROM_THIRDPARTY
        )
        body = message_payload(ctx, draft, command, int(self._clock.time() * 1000))
        try:
            reply = await self.call(
                app, command, body, client_ip=ctx.source.client_ip, platform=ctx.source.platform
            )
        except CallbackFailed as exc:
            self._failed(app, command, exc, refused)
            return draft
        return _apply_answer(reply, draft, refused)

    async def after_send(self, ctx: SendContext, draft: Draft) -> NewCallback | None:
        """The ``C2C.CallbackAfterSendMsg`` / ``Group.CallbackAfterSendMsg`` row to
        store with the message, when the app wants it and the sender did not forbid it.

        The offline-push hook: it carries the sender's ``OfflinePushInfo`` and, for
        C2C, whether the receiver was online when the message was sent
        (``To_Account_Online`` 0/1, ``To_Account_Platforms``), so the backend can
        push (APNs, FCM, a WeChat subscription message) to those who were not."""
        command = cb.C2C_AFTER_SEND if ctx.kind == "C2C" else cb.GROUP_AFTER_SEND
        if not wants(ctx.app, command) or cb.FORBID_AFTER_SEND in ctx.source.forbid_callbacks:
            return None
        body = message_payload(ctx, draft, command, int(self._clock.time() * 1000))
        body["SendMsgResult"] = 0
        body["ErrorInfo"] = "send msg succeed"
        if ctx.source.offline_push is not None:
            body["OfflinePushInfo"] = ctx.source.offline_push
        if ctx.kind == "C2C" and self._remind_type is not None:
            remind = await self._remind_type(ctx.app, draft.receiver, draft.sender)
            if remind != "AcceptAndNotify":  # do-not-disturb: no offline push for it
                body["OfflinePushInfo"] = {**(ctx.source.offline_push or {}), "PushFlag": 1}
                body["To_Account_MsgFlag"] = remind
        if ctx.kind == "C2C" and self._presence is not None:
            online = await self._presence.online(ctx.app.sdkappid, [draft.receiver])
            platforms = online.get(draft.receiver) or []
            body["To_Account_Online"] = 1 if platforms else 0
            body["To_Account_Platforms"] = sorted(set(platforms))
        elif ctx.kind == "Group" and ctx.group_type != "AVChatRoom":
            offline = await self.offline_members(ctx.app, draft.receiver, draft.sender)
            if offline is not None:
                body["OfflineMemberList"] = [{"Member_Account": u} for u in offline]
        if ctx.online_only:  # nothing stored: the ids the sender was answered with
            rec = draft.record()
            body["MsgSeq"] = rec.seq if ctx.kind == "Group" else rec.client_seq
            if ctx.kind == "C2C":
                body["MsgKey"] = rec.msg_key
        return NewCallback(
            ctx.app.sdkappid,
            command,
            draft.conv_id,
            orjson.dumps(body).decode(),
            client_ip=ctx.source.client_ip,
            platform=ctx.source.platform,
        )

    async def offline_members(self, app: App, group_id: str, sender: str) -> list[str] | None:
        """The offline-push hook of a group message: the members (the sender left
        out) with no connection now and no do-not-disturb on the group (``MsgFlag``
        ``AcceptAndNotify``), for ``OfflineMemberList``; ``None`` when the
        group has more than the app's ``callback_offline_members_max`` members
        (the list is left out, to keep callbacks small) or presence is unknown.
        :attr:`push_filter` (do-not-disturb) then drops who wants no push."""
        if self._presence is None:
            return None
        most = app.settings.callback_offline_members_max
        async with self._db.read() as conn:
            flags = await group_store.member_msg_flags(conn, app.sdkappid, group_id)
        if len(flags) > most:
            return None
        others = [u for u in flags if u != sender]
        online = await self._presence.online(app.sdkappid, others)
        # do-not-disturb (the member's MsgFlag, setMessageRemindType): no offline push
        offline = sorted(u for u in others if not online.get(u) and flags[u] == "AcceptAndNotify")
        if self.push_filter is not None and offline:
            offline = await self.push_filter(app, f"GROUP{group_id}", offline)
        return offline

    def sent(self) -> None:
        """A message with an after-callback was committed: deliver it soon."""
        self.start()
        self._wake.set()

    async def enqueue(self, callback: NewCallback) -> None:
        """Store one callback on its own (an online-only message's) and deliver it soon."""
        await self.emit([callback])

    async def stage(
        self,
        conn: Any,
        app: App,
        command: str,
        order_key: str,
        body: Mapping[str, Any],
        *,
        client_ip: str = "",
        platform: str = "",
    ) -> bool:
        """Write an event's after-callback in the event's own transaction
        (``conn``, from ``Database.write()``), if the app wants ``command``; call :meth:`sent` after the
        commit. ``body`` is the command's fields; ``CallbackCommand`` and
        ``EventTime`` are added. True if one was written."""
        if not wants(app, command):
            return False
        now = int(self._clock.time() * 1000)
        payload = {"CallbackCommand": command, **body, "EventTime": now}
        cb_ = NewCallback(
            app.sdkappid,
            command,
            order_key,
            orjson.dumps(payload).decode(),
            client_ip=client_ip,
            platform=platform,
        )
        await store.enqueue(conn, [cb_], now)
        return True

    async def event(
        self,
        app: App,
        command: str,
        order_key: str,
        body: Mapping[str, Any],
        *,
        client_ip: str = "",
        platform: str = "",
    ) -> None:
        """An after-callback of an event that writes nothing else (a login): its
        own transaction, then delivery soon. Nothing if the app does not want it."""
        if not wants(app, command):
            return
        async with self._db.write() as conn:
            await self.stage(
                conn, app, command, order_key, body, client_ip=client_ip, platform=platform
            )
        self.sent()

    async def emit(self, callbacks: Sequence[NewCallback]) -> None:
        """Store callbacks of events in their own transaction and deliver them soon."""
        async with self._db.write() as conn:
            await store.enqueue(conn, callbacks, int(self._clock.time() * 1000))
        self.sent()

    # --- the delivery worker ---------------------------------------------------------------

    def start(self) -> None:
        """Start the delivery worker (idempotent; not after :meth:`close`)."""
        if self._task is None and not self._stopping:
            self._task = asyncio.create_task(self._run(), name="palaver-callbacks")

    async def close(self, grace: float = 5.0) -> None:
        """Stop the worker after its current pass (at most ``grace`` seconds, then
        it is cancelled: rows in flight stay pending and are sent again later)
        and close the transport."""
        task, self._task = self._task, None
        if task is not None:
            self._stopping = True
            self._wake.set()
            try:
                await asyncio.wait_for(asyncio.shield(task), grace)
            except TimeoutError:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self._transport.close()

    async def _run(self) -> None:
        if self._db.is_sqlite:  # one node: no other worker holds a lease
            async with self._db.write() as conn:
                await store.release_all(conn)
        while not self._stopping:
            self._wake.clear()
            await self._yield_to_messages()
            if self._stopping:
                return
            try:
                done, wait = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:  # keep delivering; the next pass retries
                log.exception("callback delivery pass failed")
                done, wait = 0, self.poll
            if done:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=wait)

    async def _yield_to_messages(self, step: float = 0.02) -> None:
        """Wait while messages are being stored (the activity counter moves), at
        most ``defer_max`` seconds: message delivery goes first."""
        if self._activity is None:
            return
        started = time.monotonic()
        last = self._activity()
        while time.monotonic() - started < self.defer_max and not self._stopping:
            await asyncio.sleep(step)
            now = self._activity()
            if now == last:
                return
            last = now

    def _now_ms(self) -> int:
        return int(self._clock.time() * 1000)

    async def run_once(self) -> tuple[int, float]:
        """One pass: claim the due rows of each conversation, post them, record
        the outcomes. (rows attempted, seconds until the next pass is worth it)."""
        now = self._now_ms()
        async with self._db.read() as conn:
            groups, wake_ms = await store.due(conn, now)
        wait = self.poll if wake_ms is None else min(self.poll, max(0.0, (wake_ms - now) / 1000))
        if not groups:
            return 0, wait
        apps: dict[int, App | None] = {}
        for g in groups:
            if g[0].app_id not in apps:
                apps[g[0].app_id] = await self._apps.get(g[0].app_id)
        ids = [r.id for g in groups for r in g]
        if self._db.is_sqlite:  # one node, one worker: nobody to share the rows with
            got = set(ids)
        else:  # several nodes: lease the rows, so that no other node posts them too
            lease = max((a.settings.callback_timeout for a in apps.values() if a), default=2.0)
            until = now + int((lease * store.PER_KEY + 5) * 1000)
            async with self._db.write() as conn:
                got = await store.claim(conn, ids, now, until)
        outcomes: list[Outcome] = []
        work = []
        for g in groups:
            n = 0
            while n < len(g) and g[n].id in got:
                n += 1
            outcomes += [
                Outcome(r.id, store.PENDING, attempted=False) for r in g[n:] if r.id in got
            ]
            if n:
                work.append(self._deliver_key(apps[g[0].app_id], g[:n]))
        for res in await asyncio.gather(*work):
            outcomes += res
        async with self._db.write() as conn:
            await store.finish(conn, outcomes)
        tried = sum(1 for o in outcomes if o.attempted)
        return tried, wait

    async def _deliver_key(self, app: App | None, rows: list[OutboxRow]) -> list[Outcome]:
        """Post one conversation's rows in order; stop at the first failure (the
        rest are released untried, to keep the order)."""
        out: list[Outcome] = []
        async with self._sem:
            for i, row in enumerate(rows):
                o = await self._deliver(app, row)
                out.append(o)
                if o.status == store.PENDING:
                    out += [Outcome(r.id, store.PENDING, attempted=False) for r in rows[i + 1 :]]
                    break
        return out

    async def _deliver(self, app: App | None, row: OutboxRow) -> Outcome:
        if app is None or not app.settings.callback_url:
            return Outcome(row.id, store.DEAD, done_ms=self._now_ms(), error="no callback_url")
        started = time.monotonic()
        status, error = 0, None
        try:
            status, _ = await self._post(
                app, row.command, delivery_body(row), row.client_ip, row.platform
            )
            if not 200 <= status < 300:
                error = f"HTTP {status}"
        except (TimeoutError, ConnectionError) as exc:
            error = str(exc) or type(exc).__name__
        latency = int((time.monotonic() - started) * 1000)
        now = self._now_ms()
        self.request_seconds.observe(latency / 1000)
        if error is None:
            self.delivered += 1
            self.lag_seconds.observe(max(0, now - row.created_ms) / 1000)
            return Outcome(
                row.id, store.DELIVERED, done_ms=now, latency_ms=latency, http_status=status
            )
        tries = row.attempts + 1
        if tries >= app.settings.callback_max_attempts:
            self.dead += 1
            log.warning(
                "app %s: callback %s #%d dead after %d tries: %s",
                app.sdkappid,
                row.command,
                row.id,
                tries,
                error,
            )
            return Outcome(
                row.id, store.DEAD, done_ms=now, latency_ms=latency, http_status=status, error=error
            )
        self.retried += 1
        delay = min(self.retry_max, self.retry_base * 2 ** (tries - 1)) * random.uniform(1, 1.2)
        return Outcome(
            row.id,
            store.PENDING,
            next_ms=now + int(delay * 1000),
            latency_ms=latency,
            http_status=status,
            error=error,
        )


def _apply_answer(reply: dict[str, Any], draft: Draft, refused: int) -> Draft | None:
    """What a before-send answer does to ``draft`` (see :meth:`CallbackService.before_send`)."""
    code = _error_code(reply)
    if code == DROP:
        return None
    if code in OWN_CODES:
        raise ImError(code, str(reply.get("ErrorInfo") or "refused by the app backend"))
    if code != ALLOW:
        raise ImError(refused, "the app backend's callback refused the message")
    changes: dict[str, Any] = {}
    new_body = reply.get("MsgBody")
    if isinstance(new_body, list) and new_body:
        changes["body"] = new_body
    new_data = reply.get("CloudCustomData")
    if isinstance(new_data, str):
        changes["cloud_custom_data"] = new_data
    return dataclasses.replace(draft, **changes) if changes else draft


def _error_code(reply: Mapping[str, Any]) -> int:
    """An answer's ``ErrorCode`` (0 when absent; :data:`REFUSE` when not a number)."""
    try:
        return int(reply.get("ErrorCode", 0))
    except (TypeError, ValueError):
        return REFUSE
