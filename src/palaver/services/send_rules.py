"""The rules every user's send goes through, in order: global mutes, the sender's
send rate, content moderation, then the app backend's callbacks
(:class:`~palaver.services.sending.SendHooks` for the send pipeline, which knows
none of them)."""

from __future__ import annotations

from palaver.errors import Code
from palaver.services.callbacks import CallbackService
from palaver.services.moderation import ModerationService
from palaver.services.mutes import GlobalMutes
from palaver.services.ports import Clock, SystemClock
from palaver.services.ratelimit import PerSecond
from palaver.services.sending import Draft, SendContext
from palaver.storage.callbacks import NewCallback


class SendRules:
    """Global mutes (20012 / 10017), a user's sends a second (client protocols
    only: REST is the app's own backend, capped by ``rest_qps``), moderation (block
    80001, or stars), the
    before-send callback (which sees the starred text), and the after-send callback.

    Args:
        moderation: the app's sensitive words.
        callbacks: the app backend's callbacks.
        mutes: the global mutes (``setnospeaking``); none: nobody is muted.
        clock: time (the send-rate windows).
    """

    def __init__(
        self,
        moderation: ModerationService,
        callbacks: CallbackService,
        mutes: GlobalMutes | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._moderation = moderation
        self._callbacks = callbacks
        self._mutes = mutes
        self._sends = PerSecond(clock or SystemClock())

    def idle(self, ctx: SendContext, sender: str) -> bool:
        """Nothing to do for this send of ``sender`` (the send pipeline's fast lane
        then skips :meth:`before_send`): known unmuted (as cached), no send rate to
        count, no sensitive words (as cached) and no before-send callback wanted (an
        after-send one is built by :meth:`after_send_now`)."""
        if self._mutes is not None and not self._mutes.known_unmuted(ctx.app, sender):
            return False
        if ctx.source.platform != "RESTAPI" and ctx.app.settings.client_sends_per_second:
            return False
        return self._moderation.idle(ctx.app) and self._callbacks.idle(ctx)

    async def before_send(self, ctx: SendContext, draft: Draft) -> Draft | None:
        """Check the sender's global mute, count the send, moderate, then ask the
        backend (see :meth:`CallbackService.before_send`).

        Raises:
            ImError: 20012 / 10017 the sender is muted (C2C / group); past the
                app's ``client_sends_per_second`` for the sender (client
                protocols): 10023 in a group, 60007 C2C; 80001 a sensitive word in
                block mode; the callback's refusals.
        """
        if self._mutes is not None:
            await self._mutes.check(ctx.app, draft.sender, ctx.kind)
        if ctx.source.platform != "RESTAPI":
            self._sends.admit(
                (ctx.app.sdkappid, draft.sender),
                ctx.app.settings.client_sends_per_second,
                Code.ERR_SVR_GROUP_SEND_MSG_FREQ_LIMIT
                if ctx.kind == "Group"
                else Code.ERR_SVR_COMM_RATE_LIMITED,
                "messages",
            )
        draft = await self._moderation.check_draft(ctx, draft)
        return await self._callbacks.before_send(ctx, draft)

    async def after_send(self, ctx: SendContext, draft: Draft) -> NewCallback | None:
        """The after-send callback to store with the message, if any."""
        return await self._callbacks.after_send(ctx, draft)

    def after_send_now(self, ctx: SendContext, draft: Draft) -> tuple[bool, NewCallback | None]:
        """:meth:`after_send` without awaiting, when it can be (see
        :meth:`CallbackService.after_send_now`)."""
        return self._callbacks.after_send_now(ctx, draft)

    def sent(self) -> None:
        """Wake the callback delivery worker."""
        self._callbacks.sent()

    async def enqueue(self, callback: NewCallback) -> None:
        """Store an online-only message's callback."""
        await self._callbacks.enqueue(callback)
