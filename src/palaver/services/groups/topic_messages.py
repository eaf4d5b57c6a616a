"""Messages in the topics of Community groups: the topic as its own message stream.

A topic is addressed by its ID wherever a GroupId goes (Tencent's SDK sends
``GroupId`` and ``TopicId``, its conversation is ``GROUP<topic ID>``; REST takes
the topic ID as ``GroupId``). Its messages go through the group send pipeline
(:class:`~palaver.services.groups.messages.GroupMessages`, which asks this module
who may send), stored once in conversation ``group:<topic ID>`` with the topic's
own ``MsgSeq``. Every member of the Community group may read and send in its
topics (Tencent's rule); the group's mutes apply, and a topic's ``mute_all``
silences its ordinary members. A member's read position in a topic is kept apart
(``topic_reads``), so each topic has its own unread count. Pushes of a topic's
messages go to the group's online members, outside the group's stream
(docs/design-groups.md, "Topic messages").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

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
from palaver.services.groups.model import Group, Member
from palaver.services.ports import Clock, Publisher
from palaver.storage import Database
from palaver.storage import events as ev_store
from palaver.storage import group_messages as group_msg_store
from palaver.storage import groups as group_store
from palaver.storage import messages as msg_store
from palaver.storage import topic_messages as topic_msg_store
from palaver.storage import topics as topic_store
from palaver.storage.topics import TopicRow

if TYPE_CHECKING:
    from palaver.services.apps import App


@dataclass(frozen=True)
class TopicSelf:
    """A member's view of a topic: ``read_seq`` (their read position), ``unread``
    (messages after it that count, not their own), the topic's newest ``last_seq``
    and its time ``last_time`` (unix s; 0: no message yet)."""

    read_seq: int
    unread: int
    last_seq: int
    last_time: int


class TopicMessages:
    """Who may use a topic's stream, and members' read positions in topics.

    Args:
        db: the database.
        directory: groups and memberships.
        publisher: tells the reader's other devices what they read.
        clock: time (when a read happened).
    """

    def __init__(
        self, db: Database, directory: GroupDirectory, publisher: Publisher, clock: Clock
    ) -> None:
        self._db = db
        self._directory = directory
        self._publisher = publisher
        self._clock = clock

    async def resolve(
        self, app: App, topic_id: str, *, cached: bool = False
    ) -> tuple[Group, TopicRow]:
        """The Community group of a topic ID, and the topic. Raises ImError 10010
        (no such group or topic)."""
        group_id = topic_group(topic_id)
        if group_id is None:
            raise ImError(Code.ERR_SVR_GROUP_NOT_FOUND, f"{topic_id!r} is not a topic ID")
        group = await (self._directory.cached if cached else self._directory.get)(app, group_id)
        async with self._db.read() as conn:
            found = await topic_store.topics(conn, app.sdkappid, group_id, [topic_id])
        if group.type != "Community" or not found:
            raise ImError(Code.ERR_SVR_GROUP_NOT_FOUND, f"topic {topic_id!r} does not exist")
        return group, found[0]

    async def require_member(self, app: App, topic_id: str, user: str) -> tuple[Group, Member]:
        """The topic's group and ``user``'s membership of it. Raises ImError 10010;
        10007 not a member of the group."""
        group, _ = await self.resolve(app, topic_id)
        m = await self._directory.member(app, group.group_id, user)
        if m is None:
            raise ImError(
                Code.ERR_SVR_GROUP_PERMISSION_DENY, f"{user!r} is not a member of the group"
            )
        return group, m

    @staticmethod
    def check_muted(topic: TopicRow, member: Member | None) -> None:
        """Raise ImError 10017 if everyone but the owner and admins is muted in the topic."""
        if topic.mute_all and (member is None or member.role == "Member"):
            raise ImError(Code.ERR_SVR_GROUP_SHUTUP_DENY, "everyone is muted in this topic")

    async def mark_read(self, app: App, user: str, topic_id: str, up_to_seq: int | None) -> int:
        """Move ``user``'s read position in the topic (default: its newest message);
        returns it. Their other devices get ``CONVERSATION_READ`` of
        ``GROUP<topic ID>``; senders of messages with ``need_receipt`` in the newly
        read range get ``MESSAGE_READ_RECEIPT_RECEIVED``, as in a group. Raises
        ImError 10010; 10007 not a member."""
        group, _ = await self.require_member(app, topic_id, user)
        async with self._db.write() as conn:
            top = await group_store.head(conn, app.sdkappid, topic_id)
            target = top if up_to_seq is None else min(up_to_seq, top)
            old = await topic_msg_store.advance_read(conn, app.sdkappid, topic_id, user, target)
            if old is None:
                return max(
                    target,
                    (await topic_msg_store.read_positions(conn, app.sdkappid, user, [topic_id]))[
                        topic_id
                    ],
                )
            senders = await group_msg_store.receipt_senders(
                conn, app.sdkappid, topic_id, old, target, user
            )
            counts = []
            if senders:
                for m in await group_msg_store.receipt_messages(
                    conn, app.sdkappid, topic_id, old, target, user, RECEIPT_COUNTS
                ):
                    read = await topic_msg_store.read_counts(
                        conn, app.sdkappid, group.group_id, topic_id, m[0].seq, m[0].sender
                    )
                    counts.append(ReceiptCount(m[0], *read))
            payload = ConversationRead("GROUP" + topic_id, target, int(self._clock.time()))
            (seq,) = await ev_store.append_events(
                conn, app.sdkappid, [ev_store.NewEvent(user, EventKind.CONV_READ, None, payload)]
            )
        await self._publisher.stream(
            app.sdkappid, [StreamEvent(user, seq, EventKind.CONV_READ, payload)]
        )
        if senders:
            receipt = GroupReadReceipt(topic_id, user, target, tuple(counts))
            await self._publisher.notice(app.sdkappid, senders, receipt)
        return target

    async def read_counts(
        self, app: App, topic_id: str, seqs: list[int]
    ) -> dict[int, tuple[int, int]]:
        """(read count, unread count) per message seq of the topic, the sender of
        each left out (seqs of no message left out). Raises ImError 10010."""
        group, _ = await self.resolve(app, topic_id)
        out: dict[int, tuple[int, int]] = {}
        async with self._db.read() as conn:
            for seq in seqs:
                msg = await msg_store.get_by_seq(conn, app.sdkappid, group_conv_id(topic_id), seq)
                if msg is not None:
                    out[seq] = await topic_msg_store.read_counts(
                        conn, app.sdkappid, group.group_id, topic_id, seq, msg.sender
                    )
        return out

    async def readers(
        self, app: App, topic_id: str, seq: int, sender: str, *, read: bool, offset: int, limit: int
    ) -> list[str]:
        """Members of the topic's group who have (``read``) or have not read message
        ``seq`` of the topic, ``sender`` left out: a page. Raises ImError 10010."""
        group, _ = await self.resolve(app, topic_id)
        async with self._db.read() as conn:
            return await topic_msg_store.readers(
                conn,
                app.sdkappid,
                group.group_id,
                topic_id,
                seq,
                sender,
                read=read,
                offset=offset,
                limit=limit,
            )

    async def self_info(self, app: App, user: str, topic_ids: list[str]) -> dict[str, TopicSelf]:
        """``user``'s read position, unread count and each topic's newest message."""
        async with self._db.read() as conn:
            heads = await topic_msg_store.heads(conn, app.sdkappid, topic_ids)
            reads = await topic_msg_store.read_positions(conn, app.sdkappid, user, topic_ids)
            out: dict[str, TopicSelf] = {}
            for t in topic_ids:
                last_seq, last_time = heads.get(t, (0, 0))
                read = reads.get(t, 0)
                unread = await group_msg_store.unread_count(
                    conn, app.sdkappid, t, user, read, last_seq
                )
                out[t] = TopicSelf(read, unread, last_seq, last_time)
        return out
