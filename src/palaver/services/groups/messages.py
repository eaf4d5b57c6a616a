"""Group messages: send, system notifications, history, recall, import, delete by sender.

Tencent IM REST ``send_group_msg``, ``send_group_system_notification``,
``group_msg_get_simple``, ``group_msg_recall``, ``import_group_msg`` and
``delete_group_msg_by_sender``, and the SDK's ``sendMessage``/``getMessageList``/
``revokeMessage`` on ``GROUP<id>``. A group message is stored once (conversation
``group:<id>``) with the group's next ``MsgSeq``, through the one send pipeline
(:mod:`palaver.services.sending`); this module holds the group route of it.
"""

from __future__ import annotations

import random as _random
from typing import TYPE_CHECKING, Any

from palaver.errors import Code, ImError
from palaver.model import callbacks as cb
from palaver.model.events import GroupMessageRevoked, GroupSystemNotice
from palaver.model.messages import MessageFlag, MessageRecord, group_conv_id, topic_group
from palaver.msgbody import validate_msg_body
from palaver.services.c2c_history import HistoryPage
from palaver.services.groups.directory import GroupDirectory
from palaver.services.groups.model import (
    DEDUPE_WINDOW,
    SYSTEM_SENDER,
    Group,
    GroupSendOptions,
    Member,
)
from palaver.services.ports import Audience, Clock, Publisher
from palaver.services.sending import (
    Draft,
    SendContext,
    SendHooks,
    SendPipeline,
    SendResult,
    SendSource,
    control_flags,
)
from palaver.storage import Database
from palaver.storage import group_messages as group_msg_store
from palaver.storage import messages as msg_store
from palaver.storage.callbacks import NewCallback
from palaver.storage.message_batch import GroupWrite, Written
from palaver.storage.messages import NewMessage
from palaver.storage.writer import MessageWriter

if TYPE_CHECKING:
    from palaver.services.accounts import AccountService
    from palaver.services.apps import App
    from palaver.services.callbacks import CallbackService
    from palaver.services.groups.topic_messages import TopicMessages

#: ``recall`` result codes per ``MsgSeq`` (REST ``group_msg_recall`` ``RetCode``).
RECALL_OK = 0
RECALL_NOT_ALLOWED = int(Code.ERR_SVR_GROUP_PERMISSION_DENY)  # 10007
RECALL_NOT_FOUND = 10030
RECALL_TOO_LATE = 10031


class GroupMessages:
    """Messages of every group.

    Args:
        db: the database.
        writer: the group-commit writer (group messages are stored through it).
        accounts: checks that an AVChatRoom sender is an imported account.
        publisher: pushes what was committed.
        directory: groups and memberships (cached for the send checks).
        clock: time (mutes, recall windows, dedupe windows).
        hooks: what a user's send goes through (see :class:`SendHooks`).
        callbacks: the app backend's callbacks of other events (recalls).
        audience: who is in each live room on this node (a client's send to an
            AVChatRoom needs the room joined on its connection's node).
        topics: Community topics, whose IDs this service takes as GroupIds (a
            topic is its own message stream; :mod:`.topic_messages`).
    """

    def __init__(
        self,
        db: Database,
        writer: MessageWriter,
        accounts: AccountService,
        publisher: Publisher,
        directory: GroupDirectory,
        clock: Clock,
        hooks: SendHooks | None = None,
        callbacks: CallbackService | None = None,
        audience: Audience | None = None,
        topics: TopicMessages | None = None,
    ) -> None:
        self._db = db
        self._topics = topics
        self._audience = audience
        self._pipeline = SendPipeline(writer, hooks)
        self._callbacks = callbacks
        self._accounts = accounts
        self._publisher = publisher
        self._directory = directory
        self._clock = clock

    async def send(
        self,
        app: App,
        group_id: str,
        sender: str,
        body: Any,
        random: int,
        opts: GroupSendOptions,
    ) -> SendResult:
        """Store (unless online-only) and deliver one group message (REST
        ``send_group_msg``, SDK ``sendMessage`` to ``GROUP<id>``). Committed
        before it returns, then one push goes to every online member.

        Raises:
            ImError: 90002/90007/80002 bad body (as C2C); 10010 no group; 10007
                sender not a member; 10017 muted (member, or all muted and the
                sender is not owner/admin); 10004 more @-mentions than the
                app's ``max_at_users``.
        """
        at = list(dict.fromkeys(opts.at))
        if len(at) > app.settings.max_at_users:
            raise ImError(
                Code.ERR_SVR_GROUP_INVALID_PARAMETERS,
                f"{len(at)} @-mentions; at most {app.settings.max_at_users}",
            )
        draft = Draft(
            conv_id=group_conv_id(group_id),
            sender=sender,
            receiver=group_id,
            body=body,
            random=random,
            time=opts.msg_time or int(self._clock.time()),
            client_seq=opts.client_seq,
            client_time=opts.client_time,
            cloud_custom_data=opts.cloud_custom_data,
            flags=control_flags(
                opts.controls,
                need_receipt=opts.need_receipt,
                priority=opts.priority,
                support_extension=opts.support_extension,
            ),
            at_users=at or None,
            dedupe_key=f"g\x1f{group_id}\x1f{sender}\x1f{random}",
            dedupe_body=True,
            offline_push=opts.source.offline_push,
        )
        route = _GroupRoute(
            self,
            app,
            group_id,
            check_member=opts.check_member,
            from_client=opts.origin is not None,
            dedupe_since=int(self._clock.time()) - DEDUPE_WINDOW,
            source=opts.source,
            online_only=opts.online_only,
        )
        return await self._pipeline.send(
            draft,
            route,
            lane=opts.lane,
            online_only=opts.online_only,
            origin=opts.origin,
            max_bytes=app.settings.max_message_bytes,
        )

    async def _stage(
        self, conn: Any, app: App, command: str, key: str, body: dict[str, Any]
    ) -> bool:
        if self._callbacks is None:
            return False
        return await self._callbacks.stage(conn, app, command, key, body)

    def _sent(self) -> None:
        if self._callbacks is not None:
            self._callbacks.sent()

    async def _check_sender(
        self, app: App, group: Group, sender: str, from_client: bool = False
    ) -> bool:
        """May ``sender`` send to ``group``? True if as a member (AVChatRooms have
        none: an imported account may, from a client only once in the room).
        Raises ImError 10007 not a member (or not imported, or a client not in
        the live room); 10017 muted, or all muted and not owner/admin."""
        if group.type == "AVChatRoom":
            if sender not in await self._accounts.existing(app, [sender]):
                raise ImError(
                    Code.ERR_SVR_GROUP_PERMISSION_DENY, "the sender is not an imported account"
                )
            audience = self._audience
            if (
                from_client
                and audience is not None
                and sender not in audience.group_users(app.sdkappid, group.group_id)
            ):
                raise ImError(
                    Code.ERR_SVR_GROUP_PERMISSION_DENY, "join the live room before sending to it"
                )
            if sender != group.owner:
                await self._check_room_mute(app, group, sender)
            return False
        m = await self._directory.cached_member(app, group.group_id, sender)
        if m is None:
            raise ImError(
                Code.ERR_SVR_GROUP_PERMISSION_DENY, "the sender is not a member of the group"
            )
        if m.shut_up_until > self._clock.time():
            raise ImError(Code.ERR_SVR_GROUP_SHUTUP_DENY, "the sender is muted in this group")
        if group.shut_up_all and m.role == "Member":
            raise ImError(Code.ERR_SVR_GROUP_SHUTUP_DENY, "everyone is muted in this group")
        return True

    async def stream_group(self, app: App, group_id: str, cached: bool = False) -> Group:
        """The group whose members use stream ``group_id``: the group itself, or a
        topic's Community group. Raises ImError 10010."""
        if self._topics is not None and topic_group(group_id) is not None:
            return (await self._topics.resolve(app, group_id, cached=cached))[0]
        return await (self._directory.cached if cached else self._directory.get)(app, group_id)

    async def reader(self, app: App, group_id: str, user: str) -> tuple[Group, Member, int]:
        """The group of stream ``group_id`` (a group, or a topic's group), ``user``'s
        membership of it and their read position in the stream. Raises ImError
        10010; 10007 not a member."""
        if self._topics is not None and topic_group(group_id) is not None:
            group, m = await self._topics.require_member(app, group_id, user)
            return (
                group,
                m,
                (await self._topics.self_info(app, user, [group_id]))[group_id].read_seq,
            )
        group, m = await self._directory.require_member(app, group_id, user)
        return group, m, m.read_seq

    async def _check_topic_sender(self, app: App, group: Group, topic_id: str, sender: str) -> bool:
        """:meth:`_check_sender` for topic ``topic_id`` of ``group``, and the topic's
        own mute (10017). Returns False: the topic has no membership rows."""
        assert self._topics is not None
        await self._check_sender(app, group, sender)
        _, topic = await self._topics.resolve(app, topic_id, cached=True)
        self._topics.check_muted(
            topic, await self._directory.cached_member(app, group.group_id, sender)
        )
        return False

    async def _check_room_mute(self, app: App, group: Group, sender: str) -> None:
        """Raise ImError 10017 if ``sender`` (not the owner) is muted in a live room,
        or everyone is."""
        if group.shut_up_all:
            raise ImError(Code.ERR_SVR_GROUP_SHUTUP_DENY, "everyone is muted in this room")
        until = await self._directory.room_muted_until(app, group.group_id, sender)
        if until > self._clock.time():
            raise ImError(Code.ERR_SVR_GROUP_SHUTUP_DENY, "the sender is muted in this room")

    async def server_message(
        self, app: App, group: Group, sender: str, body: list[dict[str, Any]]
    ) -> None:
        """Store and push a message the server makes (a tip, a notice): not unread.
        ``sender`` "" sends as :data:`SYSTEM_SENDER`."""
        draft = Draft(
            conv_id=group_conv_id(group.group_id),
            sender=sender or SYSTEM_SENDER,
            receiver=group.group_id,
            body=body,
            random=_random.getrandbits(32),
            time=int(self._clock.time()),
            flags=int(MessageFlag.NO_UNREAD),
        )
        route = _GroupRoute(self, app, group.group_id, group=group, check_member=False)
        await self._pipeline.send(draft, route, check_body=False)

    async def system_notification(
        self, app: App, group_id: str, content: str, to: list[str] | None = None
    ) -> None:
        """REST ``send_group_system_notification``: to everyone a stored message
        (``TIMGroupSystemNoticeElem``); to chosen members an online push
        ``GROUP_SYSTEM_NOTICE_RECEIVED``. Raises ImError 10010; 10004 empty content."""
        group = await self._directory.get(app, group_id)
        if not content:
            raise ImError(Code.ERR_SVR_GROUP_INVALID_PARAMETERS, "Content must not be empty")
        if to:
            await self._publisher.notice(app.sdkappid, to, GroupSystemNotice(group_id, content))
            return
        body = [{"MsgType": "TIMGroupSystemNoticeElem", "MsgContent": {"Content": content}}]
        await self.server_message(app, group, SYSTEM_SENDER, body)

    async def history(
        self,
        app: App,
        group_id: str,
        viewer: str | None,
        *,
        limit: int,
        before_seq: int | None = None,
    ) -> HistoryPage:
        """Up to ``limit`` messages before ``before_seq``, oldest first, as
        ``viewer`` may see them (after their join seq and what they cleared;
        ``None``: an App admin, or a live room's audience, sees all).

        Raises:
            ImError: 10010; 10007 ``viewer`` is not a member.
        """
        group = await self.stream_group(app, group_id)
        after = 0
        if viewer is not None and group.type != "AVChatRoom":
            m = await self._directory.member(app, group.group_id, viewer)
            if m is None:
                raise ImError(
                    Code.ERR_SVR_GROUP_PERMISSION_DENY, f"{viewer!r} is not a member of the group"
                )
            after = 0 if group.group_id != group_id else max(m.join_seq, m.cleared_seq)
        async with self._db.read() as conn:
            rows = await msg_store.history(
                conn,
                app.sdkappid,
                viewer or "",
                group_conv_id(group_id),
                after_seq=after,
                before_seq=before_seq,
                min_time=None,
                max_time=None,
                limit=limit + 1,
            )
        msgs = rows[:limit]
        msgs.reverse()
        return HistoryPage(msgs, complete=len(rows) <= limit)

    async def get(self, app: App, group_id: str, message_id: int) -> MessageRecord:
        """A message of the group by storage id.

        Raises:
            ImError: 6017 (``ERR_INVALID_PARAMETERS``) if it is not in the group.
        """
        async with self._db.read() as conn:
            msg = await msg_store.get_by_id(conn, app.sdkappid, message_id)
        if msg is None or msg.conv_id != group_conv_id(group_id):
            raise ImError(Code.ERR_INVALID_PARAMETERS, "no such message in this group")
        return msg

    async def get_by_seq(self, app: App, group_id: str, seq: int) -> MessageRecord:
        """A message of the group by its ``MsgSeq``.

        Raises:
            ImError: 6017 (``ERR_INVALID_PARAMETERS``) if the group has no such message.
        """
        async with self._db.read() as conn:
            msg = await msg_store.get_by_seq(conn, app.sdkappid, group_conv_id(group_id), seq)
        if msg is None:
            raise ImError(Code.ERR_INVALID_PARAMETERS, "no such message in this group")
        return msg

    async def recall(
        self,
        app: App,
        operator: str,
        group_id: str,
        seqs: list[int],
        *,
        admin: bool,
        window: int | None = None,
    ) -> dict[int, int]:
        """Recall messages by ``MsgSeq`` (REST ``group_msg_recall``, SDK
        ``revokeMessage``); result code per seq: 0 ok, 10030 not found, 10031
        older than ``window`` seconds, 10007 not allowed (users recall their own;
        owner/admin any). Members online get ``MESSAGE_REVOKED``.

        Raises:
            ImError: 10010 no group.
        """
        group = await self.stream_group(app, group_id)
        me = None if admin else await self._directory.member(app, group.group_id, operator)
        manager = admin or (me is not None and me.role in ("Owner", "Admin"))
        out: dict[int, int] = {}
        recalled: list[MessageRecord] = []
        now = self._clock.time()
        async with self._db.write() as conn:
            for seq in seqs:
                msg = await msg_store.get_by_seq(conn, app.sdkappid, group_conv_id(group_id), seq)
                out[seq] = _recall_code(msg, operator, manager, window, now)
                if msg is not None and out[seq] == RECALL_OK and not msg.is_recalled:
                    await msg_store.set_flags(conn, msg.id, msg.flags | MessageFlag.RECALLED.value)
                    recalled.append(msg)
            staged = bool(recalled) and await self._stage(
                conn,
                app,
                cb.GROUP_AFTER_RECALL,
                group_conv_id(group_id),
                {
                    "GroupId": group_id,
                    "Type": group.type,
                    "Operator_Account": operator,
                    "MsgSeqList": [{"MsgSeq": m.seq} for m in recalled],
                },
            )
        if staged:
            self._sent()
        for msg in recalled:
            await self._publisher.group_notice(
                app.sdkappid,
                group.group_id,
                GroupMessageRevoked(msg, operator),
            )
        return out

    async def delete_by_sender(self, app: App, group_id: str, sender: str) -> int:
        """REST ``delete_group_msg_by_sender``: delete ``sender``'s messages; the count.
        Raises ImError 10010."""
        await self._directory.get(app, group_id)
        async with self._db.write() as conn:
            return await group_msg_store.delete_by_sender(conn, app.sdkappid, group_id, sender)

    async def import_message(
        self,
        app: App,
        group_id: str,
        sender: str,
        body: Any,
        *,
        random: int,
        msg_time: int,
    ) -> SendResult:
        """REST ``import_group_msg``: store a history message (no push). Import
        messages before members (as Tencent requires): members imported later get
        their ``UnreadMsgNum`` of them as unread; existing members would see them
        unread. A second import (same sender, ``random`` and ``msg_time``) answers
        the first (``duplicate``).

        Raises:
            ImError: 90002/90007/80002 bad body; 10010; 10004 time in the future.
        """
        validate_msg_body(body)
        group = await self._directory.get(app, group_id)
        if msg_time > self._clock.time() + 60:
            raise ImError(Code.ERR_SVR_GROUP_INVALID_PARAMETERS, "SendTime is in the future")
        draft = Draft(
            conv_id=group_conv_id(group_id),
            sender=sender,
            receiver=group_id,
            body=body,
            random=random,
            time=msg_time,
            dedupe_key=f"gi\x1f{group_id}\x1f{sender}\x1f{random}\x1f{msg_time}",
        )
        route = _GroupRoute(self, app, group_id, group=group, check_member=False, push=False)
        return await self._pipeline.send(draft, route, check_body=False)


def _recall_code(
    msg: MessageRecord | None, operator: str, manager: bool, window: int | None, now: float
) -> int:
    """The ``recall`` result for one message (see :meth:`GroupMessages.recall`)."""
    if msg is None:
        return RECALL_NOT_FOUND
    if not manager and msg.sender != operator:
        return RECALL_NOT_ALLOWED
    if not manager and window is not None and now - msg.time > window:
        return RECALL_TOO_LATE
    return RECALL_OK


class _GroupRoute:
    """The group part of a send (:class:`~palaver.services.sending.Route`).

    ``check_member``: the sender must be allowed to send (see
    :meth:`GroupMessages._check_sender`); without it (App admins, tips, imports)
    the sender's membership is not touched. ``push`` False stores without
    pushing (imported history). ``group``: already loaded (else it is looked
    up, cached, when the send is checked).
    """

    def __init__(
        self,
        service: GroupMessages,
        app: App,
        group_id: str,
        *,
        check_member: bool,
        from_client: bool = False,
        group: Group | None = None,
        push: bool = True,
        dedupe_since: int | None = None,
        source: SendSource | None = None,
        online_only: bool = False,
    ) -> None:
        self._service = service
        self._source = source
        self._online_only = online_only
        self._app = app
        self._group_id = group_id
        self._group = group
        self._check_member = check_member
        self._from_client = from_client
        self._push = push
        self._dedupe_since = dedupe_since
        self._sender_is_member = False

    async def check(self, draft: Draft) -> None:
        if self._group is None:
            self._group = await self._service.stream_group(self._app, self._group_id, True)
        if self._check_member and self._group.group_id != self._group_id:
            self._sender_is_member = await self._service._check_topic_sender(
                self._app, self._group, self._group_id, draft.sender
            )
        elif self._check_member:
            self._sender_is_member = await self._service._check_sender(
                self._app, self._group, draft.sender, self._from_client
            )

    def context(self, draft: Draft) -> SendContext | None:
        """A user's send (``source`` given) as the hooks see it."""
        if self._source is None or self._group is None:
            return None
        return SendContext(
            self._app,
            "Group",
            self._source,
            online_only=self._online_only,
            group_type=self._group.type,
        )

    def write(self, new: NewMessage, callback: NewCallback | None = None) -> GroupWrite:
        return GroupWrite(
            self._app.sdkappid,
            new,
            sender_is_member=self._sender_is_member,
            dedupe_since=self._dedupe_since,
            callback=callback,
        )

    async def publish(self, message: MessageRecord, written: Written, origin: str | None) -> None:
        if self._push and not written.duplicate:
            await self._service._publisher.group_message(self._app.sdkappid, message, origin=origin)

    async def push_online(self, message: MessageRecord, origin: str | None) -> None:
        await self._service._publisher.group_message(self._app.sdkappid, message, origin=origin)
