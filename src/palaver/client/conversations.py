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

    async def get_conversation_list(
        self,
        *,
        type: str | None = None,
        mark_type: int | None = None,
        group_name: str | None = None,
        has_unread_count: bool | None = None,
        has_group_at_info: bool | None = None,
    ) -> list[Conversation]:
        """My conversations from the server: pinned first, then newest first.
        (The SDK's own list is refreshed with it.) With a filter, those that
        pass it: ``type`` (``C2C`` | ``GROUP``), ``mark_type`` (0: unmarked),
        ``group_name`` (``""``: in no conversation group), ``has_unread_count``,
        ``has_group_at_info``."""
        self._require_login()
        convs = await self._run_local(_refreshed(self._convs))
        return [
            c
            for c in convs
            if (type not in ("C2C", "GROUP") or c.type == type)
            and (
                mark_type is None
                or (not c.mark_list if mark_type == 0 else mark_type in c.mark_list)
            )
            and (
                group_name is None
                or (
                    not c.conversation_group_list
                    if group_name == ""
                    else group_name in c.conversation_group_list
                )
            )
            and (has_unread_count is None or (c.unread_count > 0) == has_unread_count)
            and (has_group_at_info is None or bool(c.group_at_info_list) == has_group_at_info)
        ]

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
        """The sum of my conversations' unread counts, less muted ones', from the server."""
        data = await self._request("getTotalUnreadMessageCount")
        return int(data.get("count", 0))

    async def _changed(self, op: str, data: dict[str, Any]) -> dict[str, Any]:
        answer = await self._request(op, data)
        await self._run_local(_refreshed(self._convs))
        return answer

    async def set_message_remind_type(
        self,
        message_remind_type: str,
        *,
        user_id_list: list[str] | None = None,
        group_id: str | None = None,
    ) -> dict[str, Any]:
        """Do-not-disturb (``TYPES.MSG_REMIND_*``) of C2C conversations with
        ``user_id_list``, or of group ``group_id``. A muted conversation keeps its
        unread count but leaves the total, and gets no offline push. Returns
        ``{"successUserIDList", "failureUserIDList"}`` (C2C). Raises ChatError
        50002 (a bad type), 10007 / 10010 (group: not a member / no group)."""
        data: dict[str, Any] = {"messageRemindType": message_remind_type}
        if group_id is not None:
            data["groupID"] = group_id
        else:
            data["userIDList"] = list(user_id_list or [])
        return await self._changed("setMessageRemindType", data)

    async def set_conversation_draft(self, conversation_id: str, draft_text: str) -> None:
        """Keep a draft of a conversation on the server (``""`` clears it).
        Raises ChatError 50002 for a conversation I do not have."""
        await self._changed(
            "setConversationDraft", {"conversationID": conversation_id, "draftText": draft_text}
        )

    async def set_conversation_custom_data(
        self, conversation_id_list: list[str], custom_data: str
    ) -> dict[str, Any]:
        """Set my custom data (at most 256 bytes) of conversations. Raises ChatError 50002."""
        return await self._changed(
            "setConversationCustomData",
            {"conversationIDList": conversation_id_list, "customData": custom_data},
        )

    async def mark_conversation(
        self, conversation_id_list: list[str], mark_type: int, enable_mark: bool
    ) -> dict[str, Any]:
        """Set or clear a mark (``TYPES.CONV_MARK_TYPE_*``) on conversations.
        Raises ChatError 50002."""
        return await self._changed(
            "markConversation",
            {
                "conversationIDList": conversation_id_list,
                "markType": mark_type,
                "enableMark": enable_mark,
            },
        )

    async def get_conversation_group_list(self) -> list[str]:
        """The names of my conversation groups."""
        data = await self._request("getConversationGroupList")
        return [str(g) for g in data.get("groupList") or []]

    async def create_conversation_group(
        self, group_name: str, conversation_id_list: list[str]
    ) -> dict[str, Any]:
        """A new conversation group. Raises ChatError 50002 (a bad or taken name,
        a bad conversation), 51008 (over 20 groups)."""
        return await self._changed(
            "createConversationGroup",
            {"groupName": group_name, "conversationIDList": conversation_id_list},
        )

    async def delete_conversation_group(self, group_name: str) -> None:
        """Delete a conversation group. Raises ChatError 50002 if there is none."""
        await self._changed("deleteConversationGroup", {"groupName": group_name})

    async def rename_conversation_group(self, old_name: str, new_name: str) -> None:
        """Rename a conversation group. Raises ChatError 50002."""
        await self._changed("renameConversationGroup", {"oldName": old_name, "newName": new_name})

    async def add_conversations_to_group(
        self, group_name: str, conversation_id_list: list[str]
    ) -> dict[str, Any]:
        """Put conversations in a conversation group. Raises ChatError 50002."""
        return await self._changed(
            "addConversationsToGroup",
            {"groupName": group_name, "conversationIDList": conversation_id_list},
        )

    async def delete_conversations_from_group(
        self, group_name: str, conversation_id_list: list[str]
    ) -> dict[str, Any]:
        """Take conversations out of a conversation group. Raises ChatError 50002."""
        return await self._changed(
            "deleteConversationsFromGroup",
            {"groupName": group_name, "conversationIDList": conversation_id_list},
        )
