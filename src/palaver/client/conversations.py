"""Conversations: the list, one conversation, pin, delete, unread total
(Tencent's conversation manager), as a mixin of :class:`palaver.client.Chat`.

The list itself is kept by the sans-I/O
:class:`~palaver.client.conversation_list.ConversationList`; these calls ask
the server and have the processor fold the answer in, in order with pushes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from palaver.client._processor import Processor
from palaver.client.conversation_list import ConversationList, Step
from palaver.client.models import Conversation


def _refreshed(convs: ConversationList) -> Step[list[Conversation]]:
    """Refetch the list (reporting what changed); snapshots of it."""
    yield from convs.refresh()
    return convs.snapshot()


class ConversationManager(Processor):
    """Conversation calls of :class:`~palaver.client.Chat` (Tencent's conversation manager)."""

    @property
    def conversations(self) -> list[Conversation]:
        """The conversation list as this SDK keeps it (what the last
        ``CONVERSATION_LIST_UPDATED`` reported, or newer)."""
        return self._convs.snapshot()

    async def get_conversation_list(self) -> list[Conversation]:
        """My conversations from the server: pinned first, then newest first.
        (The SDK's own list is refreshed with it.)"""
        self._require_login()
        return await self._run_local(_refreshed(self._convs))

    async def get_conversation_profile(self, conversation_id: str) -> Conversation:
        """One of my conversations. Raises ChatError 6017 if I have none with that ID."""
        data = await self._request("getConversationProfile", {"conversationID": conversation_id})
        conv = Conversation.from_wire(data.get("conversation") or {})
        if conv.last_message is not None:
            conv.last_message = self._convs.intern(conv.last_message)
        return conv

    async def delete_conversation(
        self, conversation_id: str | Iterable[str], clear_history_message: bool = True
    ) -> dict[str, Any]:
        """Delete conversations (one ID or several) and, by default, my copy of
        their history. Returns ``{"conversationIDList": [...]}``."""
        ids = [conversation_id] if isinstance(conversation_id, str) else list(conversation_id)
        for cid in ids:
            await self._request(
                "deleteConversation",
                {"conversationID": cid, "clearHistoryMessage": clear_history_message},
            )
        await self._run_local(_refreshed(self._convs))
        return {"conversationIDList": ids}

    async def pin_conversation(self, conversation_id: str, is_pinned: bool) -> None:
        """Pin (or unpin) a conversation: pinned ones list first.
        Raises ChatError 6017 if there is no such conversation."""
        await self._request(
            "pinConversation", {"conversationID": conversation_id, "isPinned": is_pinned}
        )
        await self._run_local(_refreshed(self._convs))

    async def get_total_unread_message_count(self) -> int:
        """The sum of my conversations' unread counts, from the server."""
        data = await self._request("getTotalUnreadMessageCount")
        return int(data.get("count", 0))
