"""A user's settings of their conversations, kept on the server so every device
and front door sees them: do-not-disturb (Tencent ``setMessageRemindType``),
drafts (``setConversationDraft``), custom data (``setConversationCustomData``),
marks (``markConversation``: star, unread, fold, hide) and conversation groups
(``createConversationGroup`` and the rest).

Conversations are named as the SDK names them, ``C2C<userID>`` / ``GROUP<groupID>``.
A group's do-not-disturb is the member's ``MsgFlag`` (REST
``modify_group_member_info``), set through the group services; a C2C one is kept
here. A muted conversation (``AcceptNotNotify`` or ``Discard``) still counts its
unread messages, but not in the user's total (as Tencent's SDK counts it), and its
messages get no offline push (the after-send callback says ``PushFlag`` 1).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from palaver.errors import Code, ImError
from palaver.model.events import ConversationChanged, EventKind, StreamEvent
from palaver.services.ports import Publisher
from palaver.storage import Database
from palaver.storage import accounts as account_store
from palaver.storage import conversation_settings as settings_store
from palaver.storage import events as ev_store

if TYPE_CHECKING:
    from palaver.services.apps import App
    from palaver.services.conversations import Conversation

ACCEPT_AND_NOTIFY = "AcceptAndNotify"
ACCEPT_NOT_NOTIFY = "AcceptNotNotify"
DISCARD = "Discard"
#: remind type <-> Tencent's ``Mute_Notifications`` (C2C)
REMIND_CODES = {ACCEPT_AND_NOTIFY: 0, DISCARD: 1, ACCEPT_NOT_NOTIFY: 2}
REMIND_NAMES = {v: k for k, v in REMIND_CODES.items()}

#: ``markList`` values (Tencent ``CONV_MARK_TYPE_*``): each is one bit
MARK_STAR, MARK_UNREAD, MARK_FOLD, MARK_HIDE = 1, 2, 4, 8
MARKS = (MARK_STAR, MARK_UNREAD, MARK_FOLD, MARK_HIDE)

MAX_DRAFT = 8000  # characters
MAX_CUSTOM_DATA = 256  # bytes (Tencent's limit for conversation custom data)
MAX_GROUPS = 20  # conversation groups per user (Tencent's)
MAX_GROUP_NAME = 32  # bytes
MAX_IDS = 100  # conversations per call
ERR_LIMIT = 51008  # Tencent: too many conversation groups / marked conversations


def mark_list(bits: int) -> list[int]:
    """The marks of a ``marks`` bit field, as Tencent's ``markList``."""
    return [m for m in MARKS if bits & m]


def is_muted(remind_type: str) -> bool:
    """True for ``AcceptNotNotify`` and ``Discard``: no badge, no offline push."""
    return remind_type not in ("", ACCEPT_AND_NOTIFY)


def split_id(conversation_id: str) -> tuple[str, str]:
    """``("C2C", userID)`` or ``("GROUP", groupID)``. Raises ImError(50002) otherwise."""
    for prefix in ("C2C", "GROUP"):
        if conversation_id.startswith(prefix) and len(conversation_id) > len(prefix):
            return prefix, conversation_id[len(prefix) :]
    raise ImError(
        Code.ERR_SVR_CONV_INVALID_PARAMETERS,
        f"{conversation_id!r} is not a conversation ID (C2C<userID> or GROUP<groupID>)",
    )


class ConversationSettings:
    """Per-user conversation settings and conversation groups.

    Args:
        db: the database.
        publisher: tells the owner's devices (``CONVERSATION_CHANGED``).
    """

    def __init__(self, db: Database, publisher: Publisher) -> None:
        self._db = db
        self._publisher = publisher

    async def changed(self, app: App, owner: str, conversation_id: str, change: str) -> None:
        """Tell ``owner``'s devices (stream event ``CONVERSATION_CHANGED``)."""
        payload = ConversationChanged(conversation_id, change)
        async with self._db.write() as conn:
            (seq,) = await ev_store.append_events(
                conn,
                app.sdkappid,
                [ev_store.NewEvent(owner, EventKind.CONV_CHANGED, None, payload)],
            )
        await self._publisher.stream(
            app.sdkappid, [StreamEvent(owner, seq, EventKind.CONV_CHANGED, payload)]
        )

    async def decorate(
        self, app: App, owner: str, convs: Sequence[Conversation]
    ) -> list[Conversation]:
        """``convs`` with their remind type, draft, custom data, marks and groups."""
        async with self._db.read() as conn:
            kept = await settings_store.settings(conn, app.sdkappid, owner)
            flags = await settings_store.group_flags(conn, app.sdkappid, owner)
            names = await settings_store.groups(conn, app.sdkappid, owner)
            inside = await settings_store.memberships(conn, app.sdkappid, owner)
        out = []
        for c in convs:
            cid = c.conversation_id
            s = kept.get(cid, settings_store.Settings())
            remind = (
                flags.get(c.peer, ACCEPT_AND_NOTIFY)
                if cid.startswith("GROUP")
                else REMIND_NAMES.get(s.remind, ACCEPT_AND_NOTIFY)
            )
            out.append(
                dataclasses.replace(
                    c,
                    remind_type=remind,
                    draft=s.draft,
                    draft_time=s.draft_time,
                    custom_data=s.custom_data,
                    marks=s.marks,
                    groups=tuple(names[g] for g in inside.get(cid, []) if g in names),
                )
            )
        return out

    # ------------------------------------------------------ do not disturb

    async def set_c2c_remind(
        self, app: App, owner: str, peers: Sequence[str], remind_type: str
    ) -> list[str]:
        """Set ``owner``'s do-not-disturb of C2C conversations with ``peers``;
        returns the peers that are not imported accounts (left unchanged).

        Raises:
            ImError: 50002 an unknown ``remind_type`` or more than 100 peers.
        """
        if remind_type not in REMIND_CODES:
            raise ImError(
                Code.ERR_SVR_CONV_INVALID_PARAMETERS,
                "messageRemindType must be AcceptAndNotify, AcceptNotNotify or Discard",
            )
        if len(peers) > MAX_IDS:
            raise ImError(Code.ERR_SVR_CONV_INVALID_PARAMETERS, "at most 100 users at once")
        async with self._db.write() as conn:
            have = await account_store.existing(conn, app.sdkappid, peers)
            for p in dict.fromkeys(peers):
                if p in have:
                    await settings_store.save(
                        conn, app.sdkappid, owner, "C2C" + p, remind=REMIND_CODES[remind_type]
                    )
        for p in dict.fromkeys(peers):
            if p in have:
                await self.changed(app, owner, "C2C" + p, "remind")
        return [p for p in peers if p not in have]

    async def c2c_remind(self, app: App, owner: str, peers: Sequence[str]) -> dict[str, str]:
        """``owner``'s remind type of each C2C conversation with ``peers``."""
        async with self._db.read() as conn:
            kept = await settings_store.settings(
                conn, app.sdkappid, owner, ["C2C" + p for p in peers]
            )
        return {
            p: REMIND_NAMES.get(
                kept.get("C2C" + p, settings_store.Settings()).remind, ACCEPT_AND_NOTIFY
            )
            for p in peers
        }

    async def remind_of(self, app: App, receiver: str, sender: str) -> str:
        """``receiver``'s remind type of their C2C conversation with ``sender``."""
        async with self._db.read() as conn:
            code = await settings_store.muted_by(conn, app.sdkappid, receiver, "C2C" + sender)
        return REMIND_NAMES.get(code, ACCEPT_AND_NOTIFY)

    # -------------------------------------------- drafts, custom data, marks

    async def _check_ids(self, app: App, owner: str, ids: Sequence[str]) -> None:
        """Raise ImError(50002) for a malformed ID, a C2C peer that is not an
        account or a group ``owner`` is not in; 50002 for none or over 100."""
        if not ids or len(ids) > MAX_IDS:
            raise ImError(Code.ERR_SVR_CONV_INVALID_PARAMETERS, "give 1 to 100 conversation IDs")
        users: list[str] = []
        groups: list[str] = []
        for cid in ids:
            kind, peer = split_id(cid)
            (users if kind == "C2C" else groups).append(peer)
        async with self._db.read() as conn:
            have = await account_store.existing(conn, app.sdkappid, users)
            mine = await settings_store.group_flags(conn, app.sdkappid, owner) if groups else {}
        for u in users:
            if u not in have:
                raise ImError(Code.ERR_SVR_CONV_INVALID_PARAMETERS, f"no user {u!r}")
        for g in groups:
            if g not in mine:
                raise ImError(Code.ERR_SVR_CONV_INVALID_PARAMETERS, f"not a member of group {g!r}")

    async def set_draft(self, app: App, owner: str, conversation_id: str, text: str) -> None:
        """Keep ``text`` as the draft of one conversation (``""`` clears it).

        Raises:
            ImError: 50002 a bad conversation or a draft over 8000 characters.
        """
        if len(text) > MAX_DRAFT:
            raise ImError(Code.ERR_SVR_CONV_INVALID_PARAMETERS, "a draft holds 8000 characters")
        await self._check_ids(app, owner, [conversation_id])
        async with self._db.write() as conn:
            await settings_store.save(
                conn,
                app.sdkappid,
                owner,
                conversation_id,
                draft=text,
                draft_time=int(time.time()) if text else 0,
            )
        await self.changed(app, owner, conversation_id, "draft")

    async def set_custom_data(
        self, app: App, owner: str, ids: Sequence[str], custom_data: str
    ) -> None:
        """Set the custom data of conversations ``ids``.

        Raises:
            ImError: 50002 a bad conversation or data over 256 bytes.
        """
        if len(custom_data.encode()) > MAX_CUSTOM_DATA:
            raise ImError(Code.ERR_SVR_CONV_INVALID_PARAMETERS, "customData holds 256 bytes")
        await self._check_ids(app, owner, ids)
        async with self._db.write() as conn:
            for cid in dict.fromkeys(ids):
                await settings_store.save(conn, app.sdkappid, owner, cid, custom_data=custom_data)
        for cid in dict.fromkeys(ids):
            await self.changed(app, owner, cid, "customData")

    async def mark(
        self, app: App, owner: str, ids: Sequence[str], mark_type: int, enable: bool
    ) -> None:
        """Set (``enable``) or clear ``mark_type`` (1 star, 2 unread, 4 fold, 8
        hide) on conversations ``ids``.

        Raises:
            ImError: 50002 a bad conversation or mark type.
        """
        if mark_type not in MARKS:
            raise ImError(Code.ERR_SVR_CONV_INVALID_PARAMETERS, "markType must be 1, 2, 4 or 8")
        await self._check_ids(app, owner, ids)
        async with self._db.write() as conn:
            kept = await settings_store.settings(conn, app.sdkappid, owner, ids)
            for cid in dict.fromkeys(ids):
                bits = kept.get(cid, settings_store.Settings()).marks
                bits = bits | mark_type if enable else bits & ~mark_type
                await settings_store.save(conn, app.sdkappid, owner, cid, marks=bits)
        for cid in dict.fromkeys(ids):
            await self.changed(app, owner, cid, "marked")

    # ------------------------------------------------- conversation groups

    async def groups(self, app: App, owner: str) -> dict[int, str]:
        """``owner``'s conversation groups, ``{id: name}`` oldest first."""
        async with self._db.read() as conn:
            return await settings_store.groups(conn, app.sdkappid, owner)

    async def group_items(self, app: App, owner: str) -> dict[str, list[int]]:
        """The groups each of ``owner``'s conversations is in."""
        async with self._db.read() as conn:
            return await settings_store.memberships(conn, app.sdkappid, owner)

    async def _group_id(self, app: App, owner: str, name: str) -> int:
        for gid, n in (await self.groups(app, owner)).items():
            if n == name:
                return gid
        raise ImError(Code.ERR_SVR_CONV_INVALID_PARAMETERS, f"no conversation group {name!r}")

    @staticmethod
    def _check_name(name: str) -> None:
        if not name or len(name.encode()) > MAX_GROUP_NAME:
            raise ImError(Code.ERR_SVR_CONV_INVALID_PARAMETERS, "a group name holds 1 to 32 bytes")

    async def create_group(self, app: App, owner: str, name: str, ids: Sequence[str]) -> int:
        """A new conversation group ``name`` holding ``ids``; its id.

        Raises:
            ImError: 50002 a bad name, an existing one, a bad conversation;
                51008 over 20 groups.
        """
        self._check_name(name)
        await self._check_ids(app, owner, ids)
        async with self._db.write() as conn:
            have = await settings_store.groups(conn, app.sdkappid, owner)
            if name in have.values():
                raise ImError(
                    Code.ERR_SVR_CONV_INVALID_PARAMETERS, f"conversation group {name!r} exists"
                )
            if len(have) >= MAX_GROUPS:
                raise ImError(ERR_LIMIT, "at most 20 conversation groups")
            gid = await settings_store.create_group(
                conn, app.sdkappid, owner, name, int(time.time())
            )
            await settings_store.add_items(conn, app.sdkappid, owner, gid, list(dict.fromkeys(ids)))
        for cid in dict.fromkeys(ids):
            await self.changed(app, owner, cid, "grouped")
        return gid

    async def rename_group(self, app: App, owner: str, old: str, new: str) -> int:
        """Rename a conversation group; its id.

        Raises:
            ImError: 50002 no group ``old``, a bad or taken ``new``.
        """
        self._check_name(new)
        gid = await self._group_id(app, owner, old)
        if new != old and new in (await self.groups(app, owner)).values():
            raise ImError(
                Code.ERR_SVR_CONV_INVALID_PARAMETERS, f"conversation group {new!r} exists"
            )
        async with self._db.write() as conn:
            await settings_store.rename_group(conn, app.sdkappid, owner, gid, new)
        await self._group_changed(app, owner, gid)
        return gid

    async def delete_group(self, app: App, owner: str, name: str) -> int:
        """Delete a conversation group (its conversations stay); its id.

        Raises:
            ImError: 50002 no such group.
        """
        gid = await self._group_id(app, owner, name)
        members = [c for c, gs in (await self.group_items(app, owner)).items() if gid in gs]
        async with self._db.write() as conn:
            await settings_store.delete_group(conn, app.sdkappid, owner, gid)
        for cid in members:
            await self.changed(app, owner, cid, "grouped")
        if not members:
            await self.changed(app, owner, "", "groups")
        return gid

    async def _group_changed(self, app: App, owner: str, gid: int) -> None:
        members = [c for c, gs in (await self.group_items(app, owner)).items() if gid in gs]
        for cid in members:
            await self.changed(app, owner, cid, "grouped")
        if not members:
            await self.changed(app, owner, "", "groups")

    async def add_to_group(self, app: App, owner: str, name: str, ids: Sequence[str]) -> None:
        """Put conversations ``ids`` in group ``name``.

        Raises:
            ImError: 50002 no such group, a bad conversation.
        """
        gid = await self._group_id(app, owner, name)
        await self._check_ids(app, owner, ids)
        async with self._db.write() as conn:
            await settings_store.add_items(conn, app.sdkappid, owner, gid, list(dict.fromkeys(ids)))
        for cid in dict.fromkeys(ids):
            await self.changed(app, owner, cid, "grouped")

    async def remove_from_group(self, app: App, owner: str, name: str, ids: Sequence[str]) -> None:
        """Take conversations ``ids`` out of group ``name``.

        Raises:
            ImError: 50002 no such group, a malformed ID.
        """
        gid = await self._group_id(app, owner, name)
        for cid in ids:
            split_id(cid)
        async with self._db.write() as conn:
            await settings_store.remove_items(
                conn, app.sdkappid, owner, gid, list(dict.fromkeys(ids))
            )
        for cid in dict.fromkeys(ids):
            await self.changed(app, owner, cid, "grouped")
