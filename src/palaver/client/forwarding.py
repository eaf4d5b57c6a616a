"""Merged forwarding (``createMergerMessage``, ``downloadMergerMessage``) and the
app-wide do-not-disturb (``setAllReceiveMessageOpt``, ``getAllReceiveMessageOpt``),
as a mixin of :class:`palaver.client.Chat` over the message calls."""

from __future__ import annotations

import copy
import time
from collections.abc import Sequence
from typing import Any

import orjson

from palaver.client._processor import PushHandler
from palaver.client.constants import EVENT, TYPES
from palaver.client.messages import MessageManager
from palaver.client.models import ERR_INVALID_PARAMETERS, ChatError, Message, check_recipient

MERGER = "TIMRelayElem"
#: Most messages merged into one (Tencent's ``createMergerMessage``).
MAX_MERGED = 300
#: A merged body larger than this (bytes of its JSON) keeps its messages on the
#: server (the server's ``MsgBody`` limit is 8 KB).
INLINE_BYTES = 8 * 1024 - 256
#: Tencent's SDK codes for ``downloadMergerMessage``
ERR_MERGER_TYPE_INVALID = 2450
ERR_MERGER_KEY_INVALID = 2451


def merged_item(m: Message) -> dict[str, Any]:
    """One forwarded message inside a merged one, REST shape (as Tencent's ``MsgList``)."""
    return {
        "From_Account": m.from_,
        "To_Account": m.to,
        "MsgTimeStamp": m.time,
        "MsgSeq": m.sequence,
        "MsgRandom": m.random,
        "MsgBody": copy.deepcopy(m.msg_body),
        "CloudCustomData": m.cloud_custom_data or "",
    }


class Forwarding(MessageManager):
    """Merged messages and the app-wide do-not-disturb."""

    def _push_handlers(self) -> dict[str, PushHandler]:
        return {
            **super()._push_handlers(),
            "ALL_RECEIVE_MESSAGE_OPT_UPDATED": self._on_all_receive_opt,
        }

    async def _on_all_receive_opt(self, gen: int, data: dict[str, Any]) -> None:
        self._emit(EVENT.ALL_RECEIVE_MESSAGE_OPT_UPDATED, dict(data))

    def create_merger_message(
        self,
        *,
        to: str,
        message_list: Sequence[Message],
        title: str,
        abstract_list: Sequence[str] = (),
        compatible_text: str = "",
        conversation_type: str = TYPES.CONV_C2C,
        cloud_custom_data: str | None = None,
    ) -> Message:
        """An unsent merged message (``TIMRelayElem``) of ``message_list`` (1..300
        sent messages) for ``to``; send it with ``send_message``, which keeps the
        messages on the server first when they are too large to go inline.

        Raises:
            ChatError: 6017 bad ``to`` / ``conversation_type``, no messages or
                over 300, or an unsent one.
        """
        check_recipient(to, conversation_type)
        msgs = list(message_list)
        if not 0 < len(msgs) <= MAX_MERGED or any(m.status != "success" for m in msgs):
            raise ChatError(ERR_INVALID_PARAMETERS, f"1 to {MAX_MERGED} sent messages, please")
        items = [merged_item(m) for m in msgs]
        content = {
            "Title": title,
            "AbstractList": list(abstract_list),
            "CompatibleText": compatible_text,
            "MsgNum": len(items),
            "MsgList": items,
        }
        payload = {
            "title": title,
            "abstractList": list(abstract_list),
            "compatibleText": compatible_text,
            "messageNumber": len(items),
            "messageList": items,
        }
        element = {"MsgType": MERGER, "MsgContent": content}
        return self._outgoing(
            MERGER,
            to,
            conversation_type,
            payload,
            element,
            cloud_custom_data=cloud_custom_data or "",
            forwarded=True,
        )

    async def send_message(
        self,
        message: Message,
        online_user_only: bool = False,
        offline_push_info: dict[str, Any] | None = None,
    ) -> Message:
        """As :meth:`MessageManager.send_message`; a merged message whose body
        would pass the server's 8 KB limit first keeps its messages on the server
        (``saveMergerMessageList``) and goes with their ``JsonMsgKey`` instead."""
        body = message.msg_body
        if (
            message.type == MERGER
            and len(body) == 1
            and body[0]["MsgContent"].get("MsgList")
            and len(orjson.dumps(body)) > INLINE_BYTES
        ):
            content = dict(body[0]["MsgContent"])
            answer = await self._request(
                "saveMergerMessageList", {"messageList": content.pop("MsgList")}
            )
            content["JsonMsgKey"] = answer["downloadKey"]
            message.msg_body = [{"MsgType": MERGER, "MsgContent": content}]
            message.payload = {**message.payload, "downloadKey": answer["downloadKey"]}
            message.payload.pop("messageList", None)
        return await super().send_message(message, online_user_only, offline_push_info)

    async def download_merger_message(self, message: Message) -> list[dict[str, Any]]:
        """The messages of a merged message (REST shape: ``From_Account``,
        ``MsgTimeStamp``, ``MsgBody``...): inline ones as they are, kept ones
        fetched from the server.

        Raises:
            ChatError: 2450 not a merged message; 2451 it has neither messages
                nor a key; 20026 the server has no list with its key.
        """
        if message.type != MERGER or not message.msg_body:
            raise ChatError(ERR_MERGER_TYPE_INVALID, "not a merged message")
        content = message.msg_body[0].get("MsgContent") or {}
        if content.get("MsgList"):
            return list(content["MsgList"])
        key = content.get("JsonMsgKey")
        if not key:
            raise ChatError(ERR_MERGER_KEY_INVALID, "the merged message has no messages")
        answer = await self._request("downloadMergerMessage", {"downloadKey": key})
        return list(answer.get("messageList") or [])

    async def set_all_receive_message_opt(
        self,
        message_remind_type: str = TYPES.MSG_REMIND_ACPT_NOT_NOTE,
        *,
        start_hour: int = 0,
        start_minute: int = 0,
        start_second: int = 0,
        duration: int = 0,
        is_repeated: bool = True,
    ) -> None:
        """My app-wide do-not-disturb (``setAllReceiveMessageOpt``): from
        ``start_hour:start_minute:start_second`` today (UTC) for ``duration``
        seconds, every day when ``is_repeated`` (24 h or more: all day). Inside
        the window my messages still arrive but get no offline push.
        ``MSG_REMIND_ACPT_AND_NOTE`` turns it off.

        Raises:
            ChatError: 6017 an unknown remind type or a bad time.
        """
        if not (0 <= start_hour < 24 and 0 <= start_minute < 60 and 0 <= start_second < 60):
            raise ChatError(ERR_INVALID_PARAMETERS, "start_hour 0..23, minute/second 0..59")
        if duration < 0:
            raise ChatError(ERR_INVALID_PARAMETERS, "duration: seconds, 0 or more")
        day = int(time.time()) // 86_400 * 86_400
        start = day + start_hour * 3600 + start_minute * 60 + start_second
        await self._request(
            "setAllReceiveMessageOpt",
            {
                "messageRemindType": message_remind_type,
                "startTime": start,
                "duration": duration,
                "isRepeated": is_repeated,
            },
        )

    async def get_all_receive_message_opt(self) -> dict[str, Any]:
        """``{messageRemindType, startTime, endTime, isRepeated}`` (times unix s)."""
        return await self._request("getAllReceiveMessageOpt", {})
