"""Message calls of issue 17 (edits, deletes for me, cleared histories, read all,
reactions), as a mixin of :class:`palaver.client.Chat`."""

from __future__ import annotations

import copy
import secrets
import time
from typing import Any

from palaver.client._processor import Processor
from palaver.client.constants import TYPES
from palaver.client.models import ERR_INVALID_PARAMETERS, ChatError, Message

#: Tencent's SDK code of an edit that lost to another (the server says 20027).
ERR_MODIFY_CONFLICT = 2480
_SERVER_CONFLICT = 20027


class MessageOps(Processor):
    """Edits of sent messages (``@tencentcloud/chat``'s ``modifyMessage``)."""

    async def modify_message(self, message: Message) -> Message:
        """Save the edited ``payload`` (text, custom, location or face messages)
        and/or ``cloud_custom_data`` of a message of my conversations; any
        participant may edit, as in Tencent's SDK. The message becomes the next
        ``version`` (``is_modified``); the other party / every member and my other
        devices get ``MESSAGE_MODIFIED`` (so does this one, once, as with
        Tencent's SDK).

        Raises:
            ChatError: 2480 someone else edited it first: ``err.data["message"]``
                is ``message``, updated to the newest version (edit again from
                there); 20026 no such message or recalled; 6017 another element
                type; 10007 a group I am not in; 2481 a live room.
        """
        data: dict[str, Any] = {
            "conversationID": message.conversation_id,
            "ID": message.id,
            "version": message.version,
            "cloudCustomData": message.cloud_custom_data,
        }
        if message.type in ("TIMTextElem", "TIMCustomElem", "TIMLocationElem", "TIMFaceElem"):
            data.update(type=message.type, payload=message.payload)
        try:
            answer = await self._request("modifyMessage", data)
        except ChatError as exc:
            now = exc.data.get("message")
            if exc.code != _SERVER_CONFLICT or not isinstance(now, dict):
                raise
            await self._apply(message, now)
            raise ChatError(ERR_MODIFY_CONFLICT, exc.message, data={"message": message}) from None
        await self._apply(message, answer.get("message") or {})
        return message

    async def _apply(self, message: Message, wire: dict[str, Any]) -> None:
        """Take an edit's result: the kept message (in order with the pushes) and
        ``message`` take it; ``MESSAGE_MODIFIED`` once per new version on this
        device, whether the answer or the push comes first (as Tencent's SDK)."""
        await self._run_local(self._convs.modified({"message": wire}))
        for key in ("flow", "isRead", "isPeerRead"):
            wire.pop(key, None)
        message.update_from_wire(wire)
        message.is_modified = message.version > 0

    async def delete_message(self, messages: list[Message]) -> list[Message]:
        """Delete up to 30 sent messages of one conversation for me only: they
        leave my history, as every device fetches it (the other party and the
        other members keep theirs); returns them, ``is_deleted`` True.

        Raises:
            ChatError: 6017 none, more than 30, several conversations or an
                unsent message; 20026 a message not in that conversation; 10007
                a group I am not in.
        """
        if not messages or len(messages) > 30:
            raise ChatError(ERR_INVALID_PARAMETERS, "delete 1 to 30 messages at once")
        conversation = messages[0].conversation_id
        if any(m.conversation_id != conversation or not m.id for m in messages):
            raise ChatError(ERR_INVALID_PARAMETERS, "messages of one conversation, sent")
        await self._request(
            "deleteMessage", {"conversationID": conversation, "IDList": [m.id for m in messages]}
        )
        for m in messages:
            m.is_deleted = True
            self._convs.messages.pop(m.id, None)
        return messages

    async def clear_history_message(self, conversation_id: str) -> None:
        """Clear my history of a conversation (it is read; the other party and
        the other members keep theirs). The conversation leaves my list until its
        next message.

        Raises:
            ChatError: 6017 a bad conversation ID; 10007 a group I am not in.
        """
        await self._request("clearHistoryMessage", {"conversationID": conversation_id})
        for mid, m in list(self._convs.messages.items()):
            if m.conversation_id == conversation_id:
                m.is_deleted = True
                self._convs.messages.pop(mid, None)
        await self._run_local(self._convs.refresh())

    async def set_all_message_read(self, scope: str = "readAllMessage") -> list[str]:
        """Read every conversation with unread messages (``scope``:
        ``TYPES.READ_ALL_MSG``, ``READ_ALL_C2C_MSG`` or ``READ_ALL_GROUP_MSG``),
        each as :meth:`set_message_read` does; the conversation IDs read.

        Raises:
            ChatError: 6017 an unknown scope.
        """
        data = await self._request("setAllMessageRead", {"scope": scope})
        ids = [str(i) for i in data.get("conversationIDList") or []]
        for cid in ids:
            await self._run_local(self._convs.read_locally(cid))
        return ids

    async def add_message_reaction(self, message: Message, reaction_id: str) -> None:
        """React to a message of my conversations; everyone in it online gets
        ``MESSAGE_REACTIONS_UPDATED``.

        Raises:
            ChatError: 6017 a bad reaction ID or too many kinds; 20026 no such
                message, or recalled; 10007 a group I am not in.
        """
        await self._request("addMessageReaction", self._reaction(message, reaction_id))

    async def remove_message_reaction(self, message: Message, reaction_id: str) -> None:
        """Take back my reaction (errors as :meth:`add_message_reaction`)."""
        await self._request("removeMessageReaction", self._reaction(message, reaction_id))

    async def get_message_reactions(self, message_list: list[Message]) -> list[dict[str, Any]]:
        """The reactions of up to 20 messages of one conversation: ``[{"messageID",
        "reactionList": [{"reactionID", "totalUserCount", "partialUserList",
        "reactedByMyself"}]}]``."""
        if not message_list:
            raise ChatError(ERR_INVALID_PARAMETERS, "give 1 to 20 messages")
        data = await self._request(
            "getMessageReactions",
            {
                "conversationID": message_list[0].conversation_id,
                "IDList": [m.id for m in message_list],
            },
        )
        return list(data.get("resultList") or [])

    async def get_all_user_list_of_message_reaction(
        self, message: Message, reaction_id: str, *, next_seq: int = 0, count: int = 100
    ) -> dict[str, Any]:
        """A page of the users of one reaction: ``{"userList": [{"userID"}],
        "nextSeq", "isCompleted"}`` (pass ``nextSeq`` back for the next page)."""
        return await self._request(
            "getAllUserListOfMessageReaction",
            {**self._reaction(message, reaction_id), "nextSeq": next_seq, "count": count},
        )

    @staticmethod
    def _reaction(message: Message, reaction_id: str) -> dict[str, Any]:
        return {
            "conversationID": message.conversation_id,
            "ID": message.id,
            "reactionID": reaction_id,
        }

    def create_forward_message(
        self, *, to: str, conversation_type: str = TYPES.CONV_C2C, message: Message
    ) -> Message:
        """An unsent copy of ``message`` (any type, media by its URLs) for ``to``
        (Tencent's ``createForwardMessage``); send it with ``send_message``.

        Raises:
            ChatError: 6017 bad ``to`` / ``conversation_type``, or a message with
                no content.
        """
        if not isinstance(to, str) or not to:
            raise ChatError(ERR_INVALID_PARAMETERS, "'to' must be a userID or groupID")
        if conversation_type not in (TYPES.CONV_C2C, TYPES.CONV_GROUP):
            raise ChatError(ERR_INVALID_PARAMETERS, f"bad conversation_type {conversation_type!r}")
        if not message.msg_body:
            raise ChatError(ERR_INVALID_PARAMETERS, "the message has no content to forward")
        rnd = secrets.randbelow(1 << 32)
        now = int(time.time())
        return Message(
            id=f"{self._user_id}-{now}-{rnd}",
            conversation_id=conversation_type + to,
            conversation_type=conversation_type,
            from_=self._user_id,
            to=to,
            flow="out",
            time=now,
            random=rnd,
            status="unSend",
            is_read=True,
            payload=copy.deepcopy(message.payload),
            type=message.type,
            msg_body=copy.deepcopy(message.msg_body),
            cloud_custom_data=message.cloud_custom_data,
            forwarded=True,
        )
