"""The rules every user's send goes through, in order: content moderation, then
the app backend's callbacks (:class:`~palaver.services.sending.SendHooks` for the
send pipeline, which knows neither)."""

from __future__ import annotations

from palaver.services.callbacks import CallbackService
from palaver.services.moderation import ModerationService
from palaver.services.sending import Draft, SendContext
from palaver.storage.callbacks import NewCallback


class SendRules:
    """Moderation (block 80001, or stars) before the before-send callback (which
    sees the starred text), and the after-send callback.

    Args:
        moderation: the app's sensitive words.
        callbacks: the app backend's callbacks.
    """

    def __init__(self, moderation: ModerationService, callbacks: CallbackService) -> None:
        self._moderation = moderation
        self._callbacks = callbacks

    def idle(self, ctx: SendContext) -> bool:
        """Nothing to do for this send: no sensitive words (as cached) and no
        before- or after-send callback wanted."""
        return self._moderation.idle(ctx.app) and self._callbacks.idle(ctx)

    async def before_send(self, ctx: SendContext, draft: Draft) -> Draft | None:
        """Moderate, then ask the backend (see :meth:`CallbackService.before_send`).

        Raises:
            ImError: 80001 a sensitive word in block mode; the callback's refusals.
        """
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
