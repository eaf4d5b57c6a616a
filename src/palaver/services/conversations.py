"""Conversations (Tencent "recent contacts"): list, pin, delete, unread counts.

A user's conversation keeps positions as sequences: ``last_seq`` (the message
shown as last), ``read_seq`` (read up to), ``cleared_seq`` (history hidden up
to). Unread counts are derived from them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from palaver.errors import Code, ImError
from palaver.model.events import ConversationChanged, EventKind, StreamEvent
from palaver.services.conversation_settings import ConversationSettings
from palaver.services.ports import Publisher
from palaver.storage import Database
from palaver.storage import events as ev_store
from palaver.storage import messages as msg_store

if TYPE_CHECKING:
    from palaver.services.apps import App
    from palaver.services.groups import GroupReads

CONV_C2C = msg_store.CONV_C2C
CONV_GROUP = msg_store.CONV_GROUP


@dataclass(frozen=True)
class Conversation:
    """One entry of a user's conversation list. Times in unix seconds."""

    conv_id: str
    conv_type: int  # 1 C2C, 2 group
    peer: str  # UserID (C2C) or GroupId
    last_seq: int
    last_time: int
    read_seq: int
    pinned: bool
    pinned_at: int
    unread: int
    last_msg_id: int = 0
    #: group conversations: unread messages mentioning the owner, (seq, sender, [1 me | 2 all])
    at_me: tuple[tuple[int, str, list[int]], ...] = ()
    #: the owner's settings (services.conversation_settings): do-not-disturb
    #: (``AcceptAndNotify`` | ``AcceptNotNotify`` | ``Discard``), draft (and its
    #: unix s), custom data, marks (bits 1 star, 2 unread, 4 fold, 8 hide),
    #: conversation groups (names)
    remind_type: str = "AcceptAndNotify"
    draft: str = ""
    draft_time: int = 0
    custom_data: str = ""
    marks: int = 0
    groups: tuple[str, ...] = ()

    @property
    def muted(self) -> bool:
        """Do-not-disturb: left out of the unread total, no offline push."""
        return self.remind_type != "AcceptAndNotify"

    @property
    def conversation_id(self) -> str:
        """Tencent's client-side ID: ``C2C<userID>`` or ``GROUP<groupID>``."""
        return ("C2C" if self.conv_type == CONV_C2C else "GROUP") + self.peer


def _conv_id(conv_type: int, peer: str, owner: str) -> str:
    if conv_type == CONV_C2C:
        return msg_store.c2c_conv_id(owner, peer)
    return f"group:{peer}"


class ConversationService:
    """Conversation lists of every user (C2C rows here, group ones from ``groups``)."""

    def __init__(
        self,
        db: Database,
        groups: GroupReads,
        publisher: Publisher,
        settings: ConversationSettings | None = None,
    ) -> None:
        self._db = db
        self._groups = groups
        self._publisher = publisher
        self.settings = settings or ConversationSettings(db, publisher)

    async def _changed(self, app: App, owner: str, conv_type: int, peer: str, change: str) -> None:
        """Tell ``owner``'s other devices (stream event ``CONVERSATION_CHANGED``)."""
        prefix = "C2C" if conv_type == CONV_C2C else "GROUP"
        payload = ConversationChanged(prefix + peer, change)
        async with self._db.write() as conn:
            (seq,) = await ev_store.append_events(
                conn,
                app.sdkappid,
                [ev_store.NewEvent(owner, EventKind.CONV_CHANGED, None, payload)],
            )
        await self._publisher.stream(
            app.sdkappid, [StreamEvent(owner, seq, EventKind.CONV_CHANGED, payload)]
        )

    async def list(
        self, app: App, owner: str, *, include_empty: bool = False
    ) -> list[Conversation]:
        """``owner``'s conversations, C2C and group: pinned first (latest pin
        first), then newest first. A group conversation exists while the owner is
        a member (hidden by a delete until the group's next message)."""
        async with self._db.read() as conn:
            rows = await msg_store.list_conversations(
                conn, app.sdkappid, owner, include_empty=include_empty
            )
            out = []
            for r in rows:
                unread = await msg_store.unread_count(
                    conn,
                    app.sdkappid,
                    owner,
                    r.peer,
                    r.conv_id,
                    r.read_seq,
                    max(r.last_seq, r.read_seq),
                )
                out.append(
                    Conversation(
                        conv_id=r.conv_id,
                        conv_type=r.conv_type,
                        peer=r.peer,
                        last_seq=r.last_seq,
                        last_time=r.last_time,
                        read_seq=r.read_seq,
                        pinned=r.pinned,
                        pinned_at=r.pinned_at,
                        unread=unread,
                        last_msg_id=r.last_msg_id,
                    )
                )
        for g in await self._groups.conversations(app, owner):
            out.append(
                Conversation(
                    conv_id=f"group:{g.group_id}",
                    conv_type=CONV_GROUP,
                    peer=g.group_id,
                    last_seq=g.last_seq,
                    last_time=g.last_time,
                    read_seq=g.read_seq,
                    pinned=g.pinned,
                    pinned_at=g.pinned_at,
                    unread=g.unread,
                    last_msg_id=g.last_msg_id,
                    at_me=tuple(g.at_me),
                )
            )
        out.sort(key=lambda c: (not c.pinned, -c.pinned_at, -c.last_time, -c.last_msg_id))
        return await self.settings.decorate(app, owner, out)

    async def total_unread(self, app: App, owner: str) -> int:
        """The unread messages of ``owner``'s conversations that are not muted
        (Tencent ``getTotalUnreadMessageCount``)."""
        convs = await self.list(app, owner, include_empty=True)
        return sum(c.unread for c in convs if not c.muted)

    async def delete(
        self, app: App, owner: str, conv_type: int, peer: str, *, clear_history: bool
    ) -> None:
        """Hide a conversation until its next message; with ``clear_history`` also
        hide its history from ``owner`` (Tencent ``ClearRamble``). Unread is cleared.

        Raises:
            ImError: 50002 if ``conv_type`` is not 1 or 2.
        """
        if conv_type not in (CONV_C2C, CONV_GROUP):
            raise ImError(Code.ERR_SVR_CONV_INVALID_PARAMETERS, "Type must be 1 (C2C) or 2 (group)")
        if conv_type == CONV_GROUP:
            values_g: dict[str, object] = {"hidden": True, "pinned": False, "pinned_at": 0}
            if not await self._groups.set_conversation(
                app, owner, peer, clear=clear_history, **values_g
            ):
                raise ImError(Code.ERR_SVR_CONV_INVALID_PARAMETERS, "no such conversation")
            await self._changed(app, owner, conv_type, peer, "deleted")
            return
        conv_id = _conv_id(conv_type, peer, owner)
        async with self._db.write() as conn:
            seq = await msg_store.last_seq(conn, app.sdkappid, conv_id)
            values: dict[str, object] = {"hidden": True, "pinned": False, "pinned_at": 0}
            if clear_history:
                values["cleared_seq"] = seq
            await msg_store.update_conversation(conn, app.sdkappid, owner, conv_id, **values)
            await msg_store.mark_read(conn, app.sdkappid, owner, conv_id, seq)
        await self._changed(app, owner, conv_type, peer, "deleted")

    async def pin(self, app: App, owner: str, conv_type: int, peer: str, pinned: bool) -> None:
        """Pin or unpin a conversation (pinned ones list first, latest pin first).

        Raises:
            ImError: 50002 if the conversation does not exist.
        """
        if conv_type == CONV_GROUP:
            ok = await self._groups.set_conversation(
                app,
                owner,
                peer,
                pinned=pinned,
                pinned_at=int(time.time() * 1000) if pinned else 0,
            )
            if not ok:
                raise ImError(Code.ERR_SVR_CONV_INVALID_PARAMETERS, "no such conversation")
            await self._changed(app, owner, conv_type, peer, "pinned" if pinned else "unpinned")
            return
        conv_id = _conv_id(conv_type, peer, owner)
        async with self._db.write() as conn:
            ok = await msg_store.update_conversation(
                conn,
                app.sdkappid,
                owner,
                conv_id,
                pinned=pinned,
                pinned_at=int(time.time() * 1000) if pinned else 0,
            )
        if not ok:
            raise ImError(Code.ERR_SVR_CONV_INVALID_PARAMETERS, "no such conversation")
        await self._changed(app, owner, conv_type, peer, "pinned" if pinned else "unpinned")
