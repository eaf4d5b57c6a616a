"""The rules every user's send goes through, in order: global mutes, content
moderation, then the app backend's callbacks (:class:`~palaver.services.sending.SendHooks` for the
send pipeline, which knows neither)."""

from __future__ import annotations

from palaver.services.callbacks import CallbackService
from palaver.services.moderation import ModerationService
from palaver.services.mutes import GlobalMutes
from palaver.services.sending import Draft, SendContext
from palaver.storage.callbacks import NewCallback


class SendRules:
    """Global mutes (20012 / 10017), moderation (block 80001, or stars) before the
    before-send callback (which sees the starred text), and the after-send callback.

    Args:
        moderation: the app's sensitive words.
        callbacks: the app backend's callbacks.
        mutes: the global mutes (``setnospeaking``); none: nobody is muted.
    """

    def __init__(
        self,
        moderation: ModerationService,
        callbacks: CallbackService,
        mutes: GlobalMutes | None = None,
    ) -> None:
        self._moderation = moderation
        self._callbacks = callbacks
        self._mutes = mutes

    async def before_send(self, ctx: SendContext, draft: Draft) -> Draft | None:
        """Check the sender's global mute, moderate, then ask the backend (see
        :meth:`CallbackService.before_send`).

        Raises:
            ImError: 20012 / 10017 the sender is muted (C2C / group); 80001 a
                sensitive word in block mode; the callback's refusals.
        """
        if self._mutes is not None:
            await self._mutes.check(ctx.app, draft.sender, ctx.kind)
        draft = await self._moderation.check_draft(ctx, draft)
        return await self._callbacks.before_send(ctx, draft)

    async def after_send(self, ctx: SendContext, draft: Draft) -> NewCallback | None:
        """The after-send callback to store with the message, if any."""
        return await self._callbacks.after_send(ctx, draft)

    def sent(self) -> None:
        """Wake the callback delivery worker."""
        self._callbacks.sent()

    async def enqueue(self, callback: NewCallback) -> None:
        """Store an online-only message's callback."""
        await self._callbacks.enqueue(callback)
