"""Reading every conversation at once (Tencent's ``setAllMessageRead``).

Each conversation with unread messages is read as ``setMessageRead`` reads it:
the peer gets ``MESSAGE_READ_BY_PEER``, my other devices ``CONVERSATION_READ``,
senders who asked get group read receipts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from palaver.errors import Code, ImError
from palaver.services.conversations import CONV_C2C, CONV_GROUP

if TYPE_CHECKING:
    from palaver.services.apps import App
    from palaver.services.conversations import ConversationService
    from palaver.services.groups.reads import GroupReads
    from palaver.services.messages import MessageService

#: ``setAllMessageRead`` scopes (Tencent's ``TYPES.READ_ALL_*``).
READ_ALL_C2C = "readAllC2CMessage"
READ_ALL_GROUP = "readAllGroupMessage"
READ_ALL = "readAllMessage"
SCOPES = (READ_ALL_C2C, READ_ALL_GROUP, READ_ALL)


@dataclass
class ReadAll:
    """What was read: C2C peers, and each group with its new read sequence."""

    c2c: list[str] = field(default_factory=list)
    groups: dict[str, int] = field(default_factory=dict)


class ReadAllService:
    """``setAllMessageRead`` over the C2C and group read positions.

    Args:
        conversations: my conversations with their unread counts.
        messages: C2C read positions.
        group_reads: group read positions.
    """

    def __init__(
        self, conversations: ConversationService, messages: MessageService, group_reads: GroupReads
    ) -> None:
        self._conversations = conversations
        self._messages = messages
        self._group_reads = group_reads

    async def read_all(
        self,
        app: App,
        user: str,
        scope: str = READ_ALL,
        group_seqs: dict[str, int | None] | None = None,
    ) -> ReadAll:
        """Read every C2C and/or group conversation of ``user`` that has unread
        messages (``group_seqs``: read those groups instead, up to these sequences; ``None``:
        the newest).

        Raises:
            ImError: 6017 an unknown ``scope``.
        """
        if scope not in SCOPES:
            raise ImError(Code.ERR_INVALID_PARAMETERS, f"scope must be one of {SCOPES}")
        out = ReadAll()
        convs = await self._conversations.list(app, user, include_empty=True)
        for c in convs:
            if c.unread <= 0:
                continue
            if c.conv_type == CONV_C2C and scope != READ_ALL_GROUP:
                await self._messages.mark_read(app, user, c.peer)
                out.c2c.append(c.peer)
            elif c.conv_type == CONV_GROUP and scope != READ_ALL_C2C and group_seqs is None:
                out.groups[c.peer] = await self._group_reads.mark_read(app, user, c.peer)
        for group_id, seq in (group_seqs or {}).items():
            out.groups[group_id] = await self._group_reads.mark_read(app, user, group_id, seq)
        return out
