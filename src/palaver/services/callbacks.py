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
  message silently, a code in the command's range (120001–130000 C2C,
  10100–10200 groups) refuses with the backend's own code and ``ErrorInfo``.
  No answer within ``callback_timeout`` (or a bad one) lets the message
  through, unless the command is in ``callback_fail_closed``.
- **After-callbacks** go through the durable outbox (:mod:`palaver.storage.callbacks`),
  written in the transaction of the event, and a delivery worker
  (:mod:`palaver.services.callback_delivery`) posts them:
  in order per conversation, retried with exponential backoff, dead-lettered
  after ``callback_max_attempts`` tries. Delivery is at least once (a crash
  between the post and its record repeats it); it never holds up a send.

The secret ``callback_token`` is never logged nor returned.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import orjson

from palaver.errors import Code, ImError
from palaver.model import callbacks as cb
from palaver.services import callback_push_hook as push_hook
from palaver.services.callback_delivery import CallbackDelivery
from palaver.services.callback_push_hook import PushFilter
from palaver.services.callback_samples import SAMPLES
from palaver.services.ports import CallbackTransport, Clock, Presence
from palaver.services.sending import Draft, SendContext
from palaver.storage import Database
from palaver.storage import callbacks as callback_store
from palaver.storage.callbacks import NewCallback, OutboxRow

if TYPE_CHECKING:
    from palaver.services.apps import App, AppService

log = logging.getLogger("palaver.callbacks")

#: ``ErrorCode`` of a before-callback's answer
ALLOW, REFUSE, DROP = 0, 1, 2
#: the range of the backend's own codes of a C2C send, passed to the sender as they are
#: (each command's range: :data:`palaver.model.callbacks.OWN_CODES`)
OWN_CODES = cb.C2C_OWN_CODES


class CallbackFailed(Exception):
    """A callback got no usable answer (timeout, unreachable, HTTP error, not JSON)."""


def wants(app: App, command: str) -> bool:
    """Does ``app`` have a callback URL and ``command`` switched on?"""
    s = app.settings
    return bool(s.callback_url) and command in s.callback_commands


def _message_body(draft: Draft) -> dict[str, Any]:
    body: dict[str, Any] = {"MsgBody": draft.body}
    if draft.cloud_custom_data is not None:
        body["CloudCustomData"] = draft.cloud_custom_data
    return body


def message_payload(
    ctx: SendContext, draft: Draft, command: str, now_ms: int, *, content: bool = True
) -> dict[str, Any]:
    """The body of a send callback (``C2C.*SendMsg``, ``Group.*SendMsg``) before
    storage gives the message its ``MsgSeq``/``MsgKey`` (added at delivery).
    ``content`` False leaves ``MsgBody`` and ``CloudCustomData`` out (a stored
    message's after-send callback: delivery reads them from the message)."""
    online = 1 if ctx.online_only else 0
    parts = _message_body(draft) if content else {}
    if ctx.kind == "C2C":
        return {
            "CallbackCommand": command,
            "From_Account": draft.sender,
            "To_Account": draft.receiver,
            "MsgRandom": draft.random,
            "MsgTime": draft.time,
            "OnlineOnlyFlag": online,
            **parts,
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
        **parts,
        "EventTime": now_ms,
    }


def _online_state(body: dict[str, Any], platforms: list[str]) -> None:
    """A C2C after-send body's receiver state: ``To_Account_Online`` (0/1) and
    ``To_Account_Platforms`` (sorted, each once)."""
    body["To_Account_Online"] = 1 if platforms else 0
    body["To_Account_Platforms"] = sorted(set(platforms))


class CallbackService(CallbackDelivery):
    """Sends an app's callbacks: before-callbacks now, after-callbacks through
    the outbox and its delivery worker (:class:`~.callback_delivery.CallbackDelivery`).
    Implements :class:`~palaver.services.sending.SendHooks` for the send pipeline.

    Args:
        db, apps, transport, clock, retry_base, retry_max, concurrency, poll,
            activity, defer_max, worker, retention: as
            :class:`~.callback_delivery.CallbackDelivery`.
        presence: who is online (the receiver's state in C2C after-send callbacks).
        remind_type: ``remind_type(app, receiver, sender)``: the receiver's
            do-not-disturb of the C2C conversation (services.conversation_settings).
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
        retention: float = 7 * 86400.0,
    ) -> None:
        super().__init__(
            db,
            apps,
            transport,
            clock,
            retry_base=retry_base,
            retry_max=retry_max,
            concurrency=concurrency,
            poll=poll,
            activity=activity,
            defer_max=defer_max,
            worker=worker,
            retention=retention,
        )
        #: ``remind_type(app, receiver, sender)``: the receiver's do-not-disturb of
        #: the C2C conversation (services.conversation_settings)
        self._remind_type = remind_type
        self._presence = presence
        self._members = push_hook.MemberFlags(db)
        #: the offline-push hook's gate: given (app, Tencent's conversation ID such as
        #: ``GROUP<id>``, offline users),
        #: the users who still want an offline push (do-not-disturb: ``MsgFlag`` /
        #: ``setMessageRemindType`` drops the others); ``None`` keeps them all
        self.push_filter: PushFilter | None = None

    # --- before-callbacks and the operators' commands --------------------------------------

    def wanted(self, app: App, command: str) -> bool:
        """Does ``app`` have a callback URL and ``command`` switched on? (:func:`wants`)"""
        return wants(app, command)

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
        own_codes: range | None = None,
        client_ip: str = "",
        platform: str = "",
    ) -> dict[str, Any] | None:
        """A before-callback of an action other than a send
        (``Sns.CallbackPrevFriendAdd``, ``Sns.CallbackPrevFriendResponse``,
        ``Group.CallbackBeforeCreateGroup``, ``Group.CallbackBeforeApplyJoinGroup``,
        ``Group.CallbackBeforeInviteJoinGroup``): post ``body`` (``CallbackCommand``
        and ``EventTime`` added) when the app wants ``command``.

        Returns the backend's answer when the action may go on, ``None`` when
        the app does not want the command or the backend did not answer and the
        command fails open. The answer's ``ErrorCode`` decides, as Tencent's page of
        each command says: 0 allows (the caller may read more of the answer, e.g.
        per-item results); a code in ``own_codes`` (default: the command's range,
        :data:`palaver.model.callbacks.OWN_CODES`: 10100–10200 for groups) refuses
        with the backend's code and ``ErrorInfo``; anything else refuses with
        ``refused``. For the commands that decide per item
        (:data:`~palaver.model.callbacks.PER_ITEM`: ``Sns.CallbackPrevFriendAdd``,
        ``Sns.CallbackPrevFriendResponse``) an ``ErrorCode`` other than 0 says the
        backend failed: ignored (``None``: the action goes on, as Tencent by
        default) unless the command fails closed, which refuses with the
        backend's code if in its range, else ``refused``.

        Raises:
            ImError: ``refused`` (or the backend's own code), as above, or when
                the backend did not answer (or failed, per-item commands) and the
                command is in ``callback_fail_closed``.
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
        own = cb.OWN_CODES.get(command, OWN_CODES) if own_codes is None else own_codes
        info = str(reply.get("ErrorInfo") or "refused by the app backend")
        if code != ALLOW and command in cb.PER_ITEM:  # the backend failed to decide
            failed = f"the app backend failed (ErrorCode {code})"
            self._failed(
                app, command, failed, *((code, info) if code in own else (refused, failed))
            )
            return None
        if code in own:
            raise ImError(code, info)
        if code != ALLOW:
            raise ImError(refused, f"the app backend's {command} refused it")
        return reply

    def _failed(
        self,
        app: App,
        command: str,
        exc: CallbackFailed | str,
        refused: int,
        info: str = "the app backend did not answer the callback",
    ) -> None:
        """A before-callback got no (usable) answer: log it; raise ``refused`` (with
        ``info``) if the command fails closed (else the action goes on)."""
        closed = command in app.settings.callback_fail_closed
        log.warning(
            "app %s: %s got no answer (%s); %s",
            app.sdkappid,
            command,
            exc,
            "refusing (fail closed)" if closed else "letting it through",
        )
        if closed:
            raise ImError(refused, info) from None

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
            return await callback_store.recent(conn, app.sdkappid, limit=limit, status=status)

    async def replay(
        self,
        app: App,
        since: float,
        statuses: Sequence[str] = (callback_store.DELIVERED, callback_store.DEAD),
    ) -> int:
        """Send again the app's callbacks created since ``since`` (unix s) that were
        delivered or dead-lettered (``palaver callbacks replay``): they become
        pending, due now, in their original order; how many. A running node
        delivers them within a second."""
        async with self._db.write() as conn:
            n = await callback_store.requeue(conn, app.sdkappid, int(since * 1000), statuses)
        self._wake.set()
        return n

    # --- the send pipeline's hooks (SendHooks) -------------------------------------------------

    def idle(self, ctx: SendContext) -> bool:
        """No before-send callback is wanted for this send, and no after-send one
        either, or a C2C one (which :meth:`after_send_now` may build)."""
        if ctx.kind == "C2C":
            return not wants(ctx.app, cb.C2C_BEFORE_SEND)
        return not (wants(ctx.app, cb.GROUP_BEFORE_SEND) or wants(ctx.app, cb.GROUP_AFTER_SEND))

    async def before_send(self, ctx: SendContext, draft: Draft) -> Draft | None:
        """``C2C.CallbackBeforeSendMsg`` / ``Group.CallbackBeforeSendMsg``, when
        the app wants it and the sender did not forbid it: the draft to send
        (maybe with the backend's ``MsgBody``/``CloudCustomData``), ``None`` to
        drop it silently.

        Raises:
            ImError: 20006 (C2C) / 10016 (group) refused (``ErrorCode`` 1, or no
                answer and the command fails closed); the backend's own code and
                ``ErrorInfo``: 120001–130000 (C2C), 10100–10200 (group), as Tencent.
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
        return _apply_answer(reply, draft, refused, cb.OWN_CODES[command])

    async def after_send(self, ctx: SendContext, draft: Draft) -> NewCallback | None:
        """The ``C2C.CallbackAfterSendMsg`` / ``Group.CallbackAfterSendMsg`` row to
        store with the message, when the app wants it and the sender did not forbid it.

        The offline-push hook: it carries the sender's ``OfflinePushInfo`` and, for
        C2C, whether the receiver was online when the message was sent
        (``To_Account_Online`` 0/1, ``To_Account_Platforms``), so the backend can
        push (APNs, FCM, a WeChat subscription message) to those who were not.

        A stored message's row leaves ``MsgBody``, ``CloudCustomData`` and
        ``OfflinePushInfo`` to the message (read back at delivery,
        :mod:`palaver.storage.callback_parts`); the receiver's do-not-disturb is
        looked up at delivery too (:meth:`_decorate`): the send path reads nothing."""
        command = self._after_command(ctx)
        if command is None:
            return None
        body = self._after_body(ctx, draft, command)
        if ctx.kind == "C2C" and self._presence is not None:
            platforms = self._presence.platforms_now(ctx.app.sdkappid, draft.receiver)
            if platforms is None:  # a cluster: ask every node
                online = await self._presence.online(ctx.app.sdkappid, [draft.receiver])
                platforms = online.get(draft.receiver) or []
            _online_state(body, platforms)
        elif ctx.kind == "Group" and ctx.group_type != "AVChatRoom":
            offline = await self.offline_members(ctx.app, draft.receiver, draft.sender)
            if offline is not None:  # user ids: made [{Member_Account}] at delivery
                body["OfflineMemberList"] = offline
        return self._after_row(ctx, draft, command, body)

    def after_send_now(self, ctx: SendContext, draft: Draft) -> tuple[bool, NewCallback | None]:
        """:meth:`after_send` without awaiting (the send pipeline's fast lane):
        ``(True, row or None)``; ``(False, None)`` when it needs awaiting — a group
        send, or a receiver whose online state only a cluster's presence knows."""
        command = self._after_command(ctx)
        if command is None:
            return True, None
        if ctx.kind != "C2C":
            return False, None
        body = self._after_body(ctx, draft, command)
        if self._presence is not None:
            platforms = self._presence.platforms_now(ctx.app.sdkappid, draft.receiver)
            if platforms is None:
                return False, None
            _online_state(body, platforms)
        return True, self._after_row(ctx, draft, command, body)

    @staticmethod
    def _after_command(ctx: SendContext) -> str | None:
        """The after-send ``CallbackCommand`` of this send, if the app wants it and
        the sender did not forbid it (``ForbidAfterSendMsgCallback``)."""
        command = cb.C2C_AFTER_SEND if ctx.kind == "C2C" else cb.GROUP_AFTER_SEND
        if not wants(ctx.app, command) or cb.FORBID_AFTER_SEND in ctx.source.forbid_callbacks:
            return None
        return command

    def _after_body(self, ctx: SendContext, draft: Draft, command: str) -> dict[str, Any]:
        """The after-send body, less the online state (C2C) or offline members (group)."""
        online_only = ctx.online_only
        body = message_payload(ctx, draft, command, self._now_ms(), content=online_only)
        body["SendMsgResult"] = 0
        body["ErrorInfo"] = "send msg succeed"
        if online_only and draft.offline_push is not None:
            body["OfflinePushInfo"] = draft.offline_push
        return body

    @staticmethod
    def _after_row(
        ctx: SendContext, draft: Draft, command: str, body: dict[str, Any]
    ) -> NewCallback:
        """The outbox row of an after-send ``body``: its JSON as bytes (no text
        decoding; the writer embeds a conversation's callbacks in one packed row
        as they are, and no dict stays alive until the batch is written)."""
        if ctx.online_only:  # nothing stored: the ids the sender was answered with
            rec = draft.record()
            body["MsgSeq"] = rec.seq if ctx.kind == "Group" else rec.client_seq
            if ctx.kind == "C2C":
                body["MsgKey"] = rec.msg_key
        return NewCallback(
            ctx.app.sdkappid,
            command,
            draft.conv_id,
            orjson.dumps(body),
            client_ip=ctx.source.client_ip,
            platform=ctx.source.platform,
        )

    async def _decorate(
        self, apps: dict[int, App | None], rows: list[OutboxRow], bodies: dict[int, dict[str, Any]]
    ) -> None:
        """The offline-push hook's do-not-disturb, decided when a pass posts the
        callbacks (:mod:`~palaver.services.callback_push_hook`): C2C receivers'
        (``PushFlag`` 1, ``To_Account_MsgFlag``) and group members' (``MsgFlag``,
        and the app-wide one, :attr:`push_filter`, on ``OfflineMemberList``)."""
        if self._remind_type is not None:
            await push_hook.decide_c2c(self._remind_type, apps, rows, bodies)
        await push_hook.filter_groups(self._members, self.push_filter, apps, rows, bodies)

    async def offline_members(self, app: App, group_id: str, sender: str) -> list[str] | None:
        """The offline-push hook of a group message: the members (the sender left
        out) with no connection now, for ``OfflineMemberList``; ``None`` when the
        group has more than the app's ``callback_offline_members_max`` members
        (the list is left out, to keep callbacks small) or presence is unknown.
        The member list may be up to 2 s old (:class:`~.callback_push_hook.MemberFlags`);
        do-not-disturb (the member's ``MsgFlag``, :attr:`push_filter`) is applied
        when the callback is posted (:meth:`_decorate`)."""
        if self._presence is None:
            return None
        most = app.settings.callback_offline_members_max
        flags = await self._members.get(app.sdkappid, group_id)  # in user id order
        if len(flags) > most:
            return None
        offline = self._presence.offline_now(app.sdkappid, flags)
        if offline is None:  # a cluster: ask every node
            others = [u for u in flags if u != sender]
            online = await self._presence.online(app.sdkappid, others)
            return [u for u in others if not online.get(u)]
        return [u for u in offline if u != sender] if sender in flags else offline

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
        await callback_store.enqueue(conn, [cb_], now)
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
            await callback_store.enqueue(conn, callbacks, int(self._clock.time() * 1000))
        self.sent()


def _apply_answer(reply: dict[str, Any], draft: Draft, refused: int, own: range) -> Draft | None:
    """What a before-send answer does to ``draft`` (see :meth:`CallbackService.before_send`):
    ``own`` the command's range of the backend's own codes."""
    code = _error_code(reply)
    if code == DROP:
        return None
    if code in own:
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
