"""Message reactions (Tencent's ``addMessageReaction``, ``removeMessageReaction``,
``getMessageReactions``, ``getAllUserListOfMessageReaction`` and
``MESSAGE_REACTIONS_UPDATED``; cloud.tencent.com/document/product/269/97708).

Any participant of a conversation may react to its stored messages: both
parties of a C2C conversation, the members of a group. Each change reaches
everyone online in it as ``MESSAGE_REACTIONS_UPDATED`` with the reactions now;
a client that was away asks again with ``getMessageReactions``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from palaver.errors import Code, ImError
from palaver.model.events import ReactionsChanged
from palaver.model.messages import MessageRecord
from palaver.services.ports import Clock, Publisher, SystemClock
from palaver.storage import Database
from palaver.storage import message_ops as ops_store

if TYPE_CHECKING:
    from palaver.services.apps import App

#: Longest reaction ID, in characters (an emoji code, a short name).
MAX_REACTION = 100
#: Most different reactions on one message.
MAX_KINDS = 20
#: Users listed with each reaction in summaries and pushes.
PARTIAL_USERS = 10
#: Most users of one page of :meth:`ReactionService.users`.
MAX_PAGE = 100

Summary = tuple[tuple[str, int, tuple[str, ...]], ...]


class ReactionService:
    """Reactions to stored messages, and their pushes.

    Args:
        db: the database.
        publisher: pushes the changes.
        clock: orders the users of a reaction.
    """

    def __init__(self, db: Database, publisher: Publisher, clock: Clock | None = None) -> None:
        self._db = db
        self._publisher = publisher
        self._clock = clock or SystemClock()

    async def react(
        self, app: App, msg: MessageRecord, user: str, reaction: str, add: bool
    ) -> None:
        """``user`` adds (``add``) or takes back ``reaction`` on ``msg`` (the caller
        checked that it is in their conversations). Again: no change, no push.

        Raises:
            ImError: 6017 an empty or too long reaction ID, or more than
                :data:`MAX_KINDS` reactions on the message; 20026 the message
                was recalled.
        """
        if not 0 < len(reaction) <= MAX_REACTION:
            raise ImError(Code.ERR_INVALID_PARAMETERS, f"reactionID: 1..{MAX_REACTION} characters")
        if msg.is_recalled:
            raise ImError(Code.ERR_SVR_MSG_NOT_FOUND, "the message was recalled")
        async with self._db.write() as conn:
            before = (await ops_store.reactions(conn, app.sdkappid, [msg.id]))[msg.id]
            if add:
                if reaction not in before and len(before) >= MAX_KINDS:
                    raise ImError(
                        Code.ERR_INVALID_PARAMETERS,
                        f"at most {MAX_KINDS} different reactions on a message",
                    )
                seq = int(self._clock.time() * 1_000_000)
                changed = await ops_store.add_reaction(
                    conn, app.sdkappid, msg.id, reaction, user, seq
                )
            else:
                changed = await ops_store.remove_reaction(
                    conn, app.sdkappid, msg.id, reaction, user
                )
            after = (await ops_store.reactions(conn, app.sdkappid, [msg.id]))[msg.id]
        if changed:
            await self._publish(app, msg, _summary(after))

    async def summaries(self, app: App, message_ids: Sequence[int]) -> dict[int, Summary]:
        """Each message's reactions: ``(reaction, count, first users)``."""
        async with self._db.read() as conn:
            found = await ops_store.reactions(conn, app.sdkappid, message_ids)
        return {mid: _summary(by) for mid, by in found.items()}

    async def users(
        self, app: App, msg: MessageRecord, reaction: str, after: int, count: int
    ) -> tuple[list[str], int]:
        """A page of the users of one reaction, in the order they reacted, and
        the ``nextSeq`` to go on from (0: that was all)."""
        async with self._db.read() as conn:
            return await ops_store.reaction_users(
                conn, app.sdkappid, msg.id, reaction, after, max(1, min(count, MAX_PAGE))
            )

    async def _publish(self, app: App, msg: MessageRecord, summary: Summary) -> None:
        if msg.group_id is not None:
            notice = ReactionsChanged(msg, "GROUP" + msg.group_id, summary)
            await self._publisher.group_notice(app.sdkappid, msg.group_id, notice)
            return
        for viewer, peer in ((msg.sender, msg.receiver), (msg.receiver, msg.sender)):
            notice = ReactionsChanged(msg, "C2C" + peer, summary)
            await self._publisher.notice(app.sdkappid, [viewer], notice)
            if viewer == peer:
                break


def _summary(by: dict[str, list[str]]) -> Summary:
    return tuple((r, len(users), tuple(users[:PARTIAL_USERS])) for r, users in by.items())
