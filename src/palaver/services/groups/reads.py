"""Read positions in groups: mark read, unread counts, read receipts, conversations.

A member's read position is a ``MsgSeq`` in their membership; nothing is written
per member when a message is sent. Tencent IM REST ``set_unread_msg_num`` and
``get_joined_group_list``'s ``UnreadMsgNum``; the SDK's ``setMessageRead``,
``sendMessageReadReceipt``, ``getMessageReadReceiptList``,
``getGroupMessageReadMemberList`` and the group entries of
``getConversationList``; and where a member's group streams resume at login.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from palaver.errors import Code, ImError
from palaver.model.events import (
    RECEIPT_COUNTS,
    ConversationRead,
    EventKind,
    GroupReadReceipt,
    ReceiptCount,
    StreamEvent,
)
from palaver.model.messages import group_conv_id, topic_group
from palaver.services.groups.directory import GroupDirectory
from palaver.services.groups.model import AT_ALL, GroupConversation, Member
from palaver.services.ports import Clock, Publisher
from palaver.storage import Database, Tx
from palaver.storage import events as ev_store
from palaver.storage import group_members as member_store
from palaver.storage import group_messages as group_msg_store
from palaver.storage import groups as group_store
from palaver.storage import messages as msg_store
from palaver.storage.records import GroupRow, MemberRow

if TYPE_CHECKING:
    from palaver.services.apps import App
    from palaver.services.groups.topic_messages import TopicMessages

AT_ME = 1  # GroupConversation.at_me kinds: mentions me
AT_EVERYONE = 2  # mentions everyone


class GroupReads:
    """Members' read positions and their group conversations.

    Args:
        db: the database.
        publisher: pushes read positions to the reader's devices and receipts to senders.
        directory: groups and memberships (and their caches).
        clock: time (when a read happened).
        topics: read positions in Community topics (a topic ID as ``group_id``).
    """

    def __init__(
        self,
        db: Database,
        publisher: Publisher,
        directory: GroupDirectory,
        clock: Clock,
        topics: TopicMessages | None = None,
    ) -> None:
        self._db = db
        self._topics = topics
        self._publisher = publisher
        self._directory = directory
        self._clock = clock

    async def mark_read(
        self, app: App, user: str, group_id: str, up_to_seq: int | None = None
    ) -> int:
        """Move ``user``'s read position (default: the newest message); returns it.
        Their other devices get ``CONVERSATION_READ``; senders of messages with
        ``need_receipt`` in the newly read range get ``MESSAGE_READ_RECEIPT_RECEIVED``.
        Raises ImError 10010; 10007 not a member."""
        if self._topics is not None and topic_group(group_id) is not None:
            return await self._topics.mark_read(app, user, group_id, up_to_seq)
        group, m = await self._directory.require_member(app, group_id, user)
        target = group.last_seq if up_to_seq is None else min(up_to_seq, group.last_seq)
        async with self._db.write() as conn:
            old = await member_store.advance_read(conn, app.sdkappid, group_id, user, target)
            if old is None:
                return max(m.read_seq, target) if up_to_seq is None else m.read_seq
            senders = await group_msg_store.receipt_senders(
                conn, app.sdkappid, group_id, old, target, user
            )
            counts = (
                await group_msg_store.receipt_messages(
                    conn, app.sdkappid, group_id, old, target, user, RECEIPT_COUNTS
                )
                if senders
                else []
            )
            payload = ConversationRead("GROUP" + group_id, target, int(self._clock.time()))
            (seq,) = await ev_store.append_events(
                conn, app.sdkappid, [ev_store.NewEvent(user, EventKind.CONV_READ, None, payload)]
            )
        self._directory.forget_members(app, group_id, [user])
        await self._publisher.stream(
            app.sdkappid, [StreamEvent(user, seq, EventKind.CONV_READ, payload)]
        )
        if senders:
            await self._publisher.notice(
                app.sdkappid,
                senders,
                GroupReadReceipt(group_id, user, target, tuple(ReceiptCount(*c) for c in counts)),
            )
        return target

    async def set_unread(self, app: App, group_id: str, user: str, unread: int) -> None:
        """REST ``set_unread_msg_num``: make ``user`` have ``unread`` unread messages.
        Raises ImError 10010; 10007 not a member; 10004 negative."""
        if unread < 0:
            raise ImError(Code.ERR_SVR_GROUP_INVALID_PARAMETERS, "UnreadMsgNum must be >= 0")
        _, m = await self._directory.require_member(app, group_id, user)
        async with self._db.write() as conn:
            read = await group_msg_store.read_seq_for_unread(
                conn, app.sdkappid, group_id, user, unread, m.join_seq
            )
            await member_store.update_member(conn, app.sdkappid, group_id, user, read_seq=read)
        self._directory.forget_members(app, group_id, [user])

    async def unread(self, app: App, user: str, group_id: str) -> int:
        """``user``'s unread count in the group (messages after their read
        position, not theirs, not NoUnread/recalled). Raises ImError 10010; 10007."""
        group, m = await self._directory.require_member(app, group_id, user)
        async with self._db.read() as conn:
            return await group_msg_store.unread_count(
                conn, app.sdkappid, group_id, user, max(m.read_seq, m.join_seq), group.last_seq
            )

    async def read_counts(
        self, app: App, group_id: str, seqs: list[int]
    ) -> dict[int, tuple[int, int]]:
        """(read count, unread count) per message seq, excluding each sender
        (seqs of no message left out); of a topic's message when ``group_id`` is a
        topic ID."""
        if self._topics is not None and topic_group(group_id) is not None:
            return await self._topics.read_counts(app, group_id, seqs)
        out: dict[int, tuple[int, int]] = {}
        async with self._db.read() as conn:
            for seq in seqs:
                msg = await msg_store.get_by_seq(conn, app.sdkappid, group_conv_id(group_id), seq)
                if msg is None:
                    continue
                out[seq] = await member_store.read_counts(
                    conn, app.sdkappid, group_id, seq, msg.sender
                )
        return out

    async def readers(
        self,
        app: App,
        group_id: str,
        seq: int,
        sender: str,
        *,
        read: bool,
        offset: int = 0,
        limit: int = 100,
    ) -> tuple[list[str], int]:
        """Members who have (``read``) or have not read message ``seq`` (of a topic,
        when ``group_id`` is a topic ID), the sender excluded: (page of user IDs,
        next offset (0 = done))."""
        if self._topics is not None and topic_group(group_id) is not None:
            users = await self._topics.readers(
                app, group_id, seq, sender, read=read, offset=offset, limit=limit + 1
            )
        else:
            async with self._db.read() as conn:
                users = await member_store.readers(
                    conn,
                    app.sdkappid,
                    group_id,
                    seq,
                    sender,
                    read=read,
                    offset=offset,
                    limit=limit + 1,
                )
        more = len(users) > limit
        return users[:limit], (offset + limit if more else 0)

    async def conversations(self, app: App, user: str) -> list[GroupConversation]:
        """``user``'s group conversations (every group they are in, except hidden
        ones with nothing new), with unread counts and @-me markers."""
        async with self._db.read() as conn:
            rows = await group_store.memberships(conn, app.sdkappid, user)
            out = []
            for g, m in rows:
                if m.hidden and g.last_seq <= m.hidden_seq:
                    continue
                out.append(await _conversation(conn, app, user, g, m))
        return out

    async def set_conversation(self, app: App, user: str, group_id: str, **values: Any) -> bool:
        """Change ``user``'s group conversation (``pinned`` bool / ``pinned_at``
        unix ms; ``hidden`` hides it until a newer message and marks it read;
        ``clear`` also hides the history so far). False if they are not a member."""
        async with self._db.write() as conn:
            top = await group_store.head(conn, app.sdkappid, group_id)
            if values.pop("clear", False):
                values["cleared_seq"] = top
            if values.get("hidden"):
                values["hidden_seq"] = top
                values["read_seq"] = top
            return await member_store.update_member(conn, app.sdkappid, group_id, user, **values)


async def _conversation(conn: Tx, app: App, user: str, g: GroupRow, m: Member) -> GroupConversation:
    """``user``'s conversation of group ``g`` (their membership ``m``): unread
    messages after what they read, joined before or cleared, and the unread ones
    that mention them or everyone (not their own, not recalled)."""
    after = max(m.read_seq, m.join_seq, m.cleared_seq)
    unread = await group_msg_store.unread_count(
        conn, app.sdkappid, g.group_id, user, after, g.last_seq
    )
    at: list[tuple[int, str, list[int]]] = []
    if unread:
        for mr in await group_msg_store.mentions(conn, app.sdkappid, g.group_id, after):
            kinds = ([AT_ME] if user in mr.at_users else []) + (
                [AT_EVERYONE] if AT_ALL in mr.at_users else []
            )
            if kinds and mr.sender != user and not mr.is_recalled:
                at.append((mr.seq, mr.sender, kinds))
    return GroupConversation(
        group_id=g.group_id,
        last_seq=g.last_seq,
        last_time=g.last_time or m.join_time,
        last_msg_id=g.last_msg_id,
        read_seq=after,
        pinned=m.pinned,
        pinned_at=m.pinned_at,
        unread=unread,
        at_me=at,
    )


def stream_positions(rows: Sequence[tuple[GroupRow, MemberRow]]) -> list[tuple[str, int, int]]:
    """(group id, where a resuming client without a cursor starts, head) of the
    groups of ``rows`` (a user's memberships) with a stream to follow at login
    (all but AVChatRooms): it starts after what they have read, and never before
    they joined."""
    return [
        (g.group_id, max(m.join_seq, m.read_seq), g.last_seq)
        for g, m in rows
        if g.type != "AVChatRoom"
    ]
