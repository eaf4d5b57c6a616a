"""Message extensions and pinned group messages (``@tencentcloud/chat``'s
``setMessageExtensions``, ``getMessageExtensions``, ``deleteMessageExtensions``,
``pinGroupMessage``, ``getPinnedGroupMessageList`` and their events), as a mixin of
:class:`palaver.client.Chat`.

As Tencent's SDK, this one remembers the sequence of each extension key it has
seen (from answers and pushes) and names it when it writes the key, so a write
over someone else's newer one is refused for that key (code 23001) with the key
as it is now, instead of silently overwriting it.
"""

from __future__ import annotations

from typing import Any

from palaver.client._processor import Processor, PushHandler
from palaver.client.constants import EVENT
from palaver.client.models import Message


class MessageExtras(Processor):
    """Extension and pin calls of :class:`~palaver.client.Chat`."""

    def _push_handlers(self) -> dict[str, PushHandler]:
        return {
            **super()._push_handlers(),
            "MESSAGE_EXTENSIONS_UPDATED": self._on_extensions_updated,
            "MESSAGE_EXTENSIONS_DELETED": self._on_extensions_deleted,
            "PINNED_GROUP_MESSAGE_UPDATED": self._on_pinned,
        }

    @property
    def _ext_seqs(self) -> dict[str, dict[str, int]]:
        """Message ID -> key -> the key's sequence as last seen."""
        seqs: dict[str, dict[str, int]] | None = self.__dict__.get("_ext_seq_map")
        if seqs is None:
            seqs = self.__dict__["_ext_seq_map"] = {}
        return seqs

    def _seen(self, message_id: str, key: str, seq: int) -> None:
        self._ext_seqs.setdefault(message_id, {})[key] = seq

    async def _on_extensions_updated(self, gen: int, data: dict[str, Any]) -> None:
        mid = str(data.get("messageID", ""))
        for key, seq in (data.get("extensionSeqs") or {}).items():
            self._seen(mid, key, int(seq))
        self._emit(
            EVENT.MESSAGE_EXTENSIONS_UPDATED,
            {"messageID": mid, "extensions": list(data.get("extensions") or [])},
        )

    async def _on_extensions_deleted(self, gen: int, data: dict[str, Any]) -> None:
        mid = str(data.get("messageID", ""))
        seq = int(data.get("globalSequence", 0) or 0)
        if data.get("cleared"):
            self._ext_seqs.pop(mid, None)
        for key in data.get("keyList") or []:
            self._seen(mid, key, seq)
        self._emit(
            EVENT.MESSAGE_EXTENSIONS_DELETED,
            {"messageID": mid, "keyList": list(data.get("keyList") or [])},
        )

    async def _on_pinned(self, gen: int, data: dict[str, Any]) -> None:
        self._emit(
            EVENT.PINNED_GROUP_MESSAGE_UPDATED,
            {
                "groupID": data.get("groupID", ""),
                "message": Message.from_wire(data.get("message") or {}),
                "isPinned": bool(data.get("isPinned")),
                "operatorInfo": dict(data.get("operatorInfo") or {}),
            },
        )

    def _results(self, message: Message, answer: dict[str, Any]) -> list[dict[str, Any]]:
        out = []
        for r in answer.get("extensions") or []:
            self._seen(message.id, r["key"], int(r["seq"]))
            out.append({"code": r["code"], "key": r["key"], "value": r["value"]})
        return out

    async def set_message_extensions(
        self, message: Message, extensions: list[dict[str, str]]
    ) -> list[dict[str, Any]]:
        """Set (or add) up to 20 ``{"key", "value"}`` extensions of a message sent
        with ``is_support_extension``: one ``{"code", "key", "value"}`` per key,
        ``code`` 0 done or 23001 (someone changed the key first: ``value`` is it
        now; set it again to overwrite). Everyone in the conversation gets
        ``MESSAGE_EXTENSIONS_UPDATED``.

        Raises:
            ChatError: 6017 a message without ``is_support_extension``, no or more
                than 20 extensions, a key of 0 or over 100 bytes, a value of 0 or
                over 1 KB, over 300 keys; 20026 no such message (or recalled);
                10007 a group I am not in; 2481 a live room.
        """
        known = self._ext_seqs.get(message.id, {})
        items = [
            {"key": e["key"], "value": e["value"], "seq": known.get(e["key"], 0)}
            for e in extensions
        ]
        answer = await self._request(
            "setMessageExtensions",
            {"conversationID": message.conversation_id, "ID": message.id, "extensionList": items},
        )
        return self._results(message, answer)

    async def get_message_extensions(self, message: Message) -> list[dict[str, str]]:
        """The extensions of a message: ``[{"key", "value"}]`` (errors as
        :meth:`set_message_extensions`)."""
        answer = await self._request(
            "getMessageExtensions", {"conversationID": message.conversation_id, "ID": message.id}
        )
        self._ext_seqs[message.id] = {e["key"]: int(e["seq"]) for e in answer["extensions"]}
        return [{"key": e["key"], "value": e["value"]} for e in answer["extensions"]]

    async def delete_message_extensions(
        self, message: Message, keys: list[str] | None = None
    ) -> list[dict[str, Any]]:
        """Delete the extensions ``keys`` of a message (``None``: all of them);
        results as :meth:`set_message_extensions`. The others get
        ``MESSAGE_EXTENSIONS_DELETED``."""
        data: dict[str, Any] = {"conversationID": message.conversation_id, "ID": message.id}
        if keys is not None:
            known = self._ext_seqs.get(message.id, {})
            data["extensionList"] = [{"key": k, "seq": known.get(k, 0)} for k in keys]
        answer = await self._request("deleteMessageExtensions", data)
        if keys is None:
            self._ext_seqs.pop(message.id, None)
        return self._results(message, answer)

    async def pin_group_message(
        self, group_id: str, message: Message, is_pinned: bool = True
    ) -> None:
        """Pin (or unpin) a message of a group I own or administer (at most 10
        pinned); members online get ``PINNED_GROUP_MESSAGE_UPDATED``.

        Raises:
            ChatError: 10007 not the owner or an admin; 10070 ten pinned already;
                10071 pinned already; 20026 no such message; 10004 a live room;
                10010 no such group.
        """
        await self._request(
            "pinGroupMessage",
            {"groupID": group_id, "sequence": message.sequence, "isPinned": is_pinned},
        )

    async def get_pinned_group_message_list(self, group_id: str) -> list[Message]:
        """The group's pinned messages, latest pin first; each has
        ``pinner_info`` (``{"userID"}``). Raises ChatError 10007 not a member."""
        answer = await self._request("getPinnedGroupMessageList", {"groupID": group_id})
        out = []
        for wire in answer["messageList"]:
            msg = Message.from_wire(wire)
            msg.pinner_info = dict(wire.get("pinnerInfo") or {})
            out.append(msg)
        return out
