"""Groups: Tencent's group types, members, applications and group messages.

Rules follow Tencent IM REST ``group_open_http_svc`` (cloud.tencent.com/document/
api/269/1615 and neighbours) and ``@tencentcloud/chat`` group calls; the
protocol side is docs/protocol.md §8.

A group message is stored once (``messages``, conversation ``group:<id>``) with
``MsgSeq`` from the group's head; members' read positions are sequences in
their ``group_members`` row. Times are unix seconds.

:class:`GroupServices` is what the hub holds (``hub.groups``): one small
service per area, the way Tencent's native SDKs split group features into
managers, each with its collaborators passed in:

- ``directory`` (:mod:`.directory`): reading groups and members, the caches;
- ``lifecycle`` (:mod:`.lifecycle`): create/import, profile, owner, dismiss;
- ``members`` (:mod:`.members`): add/import/kick, join/quit, applications;
  and (:mod:`.member_settings`) role, name card, custom data, message flag, mutes;
- ``messages`` (:mod:`.messages`): send, notices, history, recall, import;
- ``reads`` (:mod:`.reads`): read positions, unread, receipts, conversations;
- ``live_rooms`` (:mod:`.live_rooms`): AVChatRoom audiences, online counts;
- ``bans`` (:mod:`.bans`): banned members (REST ``ban_group_member``);
- ``attributes``, ``counters`` (:mod:`.attributes`): group attributes and counters;
- ``topics`` (:mod:`.topics`): topics of Community groups;
- ``tips`` (:mod:`.tips`): tips and membership events (used by the others).

The records and rules they share are in :mod:`.model`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from palaver.services.groups.attributes import GroupAttributes, GroupCounters
from palaver.services.groups.bans import GroupBans
from palaver.services.groups.directory import GroupDirectory
from palaver.services.groups.lifecycle import GroupLifecycle
from palaver.services.groups.live_rooms import LiveRooms
from palaver.services.groups.members import GroupMembers
from palaver.services.groups.messages import GroupMessages
from palaver.services.groups.model import (
    ADD_ALREADY,
    ADD_FAILED,
    ADD_OK,
    AT_ALL,
    GROUP_TYPES,
    ROLES,
    TYPE_ALIASES,
    Group,
    GroupApplication,
    GroupConversation,
    GroupSendOptions,
    Member,
    MemberSpec,
    custom_list,
)
from palaver.services.groups.reads import GroupReads
from palaver.services.groups.tips import GroupTips
from palaver.services.groups.topics import GroupTopics
from palaver.services.ports import Audience, Clock, Presence, Publisher, SystemClock
from palaver.services.sending import SendHooks
from palaver.storage import Database
from palaver.storage.writer import MessageWriter

if TYPE_CHECKING:
    from palaver.services.accounts import AccountService
    from palaver.services.callbacks import CallbackService
    from palaver.services.moderation import ModerationService

__all__ = [
    "ADD_ALREADY",
    "ADD_FAILED",
    "ADD_OK",
    "AT_ALL",
    "GROUP_TYPES",
    "ROLES",
    "TYPE_ALIASES",
    "Group",
    "GroupApplication",
    "GroupAttributes",
    "GroupBans",
    "GroupConversation",
    "GroupCounters",
    "GroupDirectory",
    "GroupLifecycle",
    "GroupMembers",
    "GroupMessages",
    "GroupReads",
    "GroupSendOptions",
    "GroupServices",
    "GroupTips",
    "GroupTopics",
    "LiveRooms",
    "Member",
    "MemberSpec",
    "custom_list",
]


class GroupServices:
    """The group services of every app, built in dependency order.

    Args:
        db: the database.
        writer: the group-commit writer (group messages are stored through it).
        accounts: checks that members and senders are imported accounts.
        publisher: pushes what was committed.
        presence: who is online (``getGroupOnlineMemberCount``).
        audience: who follows a live room on this node (AVChatRoom counts).
        clock: time (mutes, recall windows, the live-room window).
        hooks: what a user's send goes through (moderation, the app backend's callbacks).
        moderation: sensitive words in group names, notices and name cards.
        callbacks: the app backend's callbacks of group events.
    """

    def __init__(
        self,
        db: Database,
        writer: MessageWriter,
        accounts: AccountService,
        publisher: Publisher,
        presence: Presence,
        audience: Audience,
        clock: Clock | None = None,
        hooks: SendHooks | None = None,
        moderation: ModerationService | None = None,
        callbacks: CallbackService | None = None,
    ) -> None:
        clock = clock or SystemClock()
        self.directory = GroupDirectory(db, clock)
        self.messages = GroupMessages(
            db,
            writer,
            accounts,
            publisher,
            self.directory,
            clock,
            hooks,
            callbacks,
            audience=audience,
        )
        self.tips = GroupTips(db, publisher, self.messages)
        self.lifecycle = GroupLifecycle(
            db, accounts, publisher, self.directory, self.tips, clock, moderation, callbacks
        )
        self.members = GroupMembers(
            db, accounts, self.directory, self.tips, clock, moderation, callbacks
        )
        self.reads = GroupReads(db, publisher, self.directory, clock)
        self.live_rooms = LiveRooms(db, presence, audience, self.directory, clock)
        self.bans = GroupBans(db, self.directory, self.tips, clock)
        self.attributes = GroupAttributes(db, self.directory, publisher, audience)
        self.counters = GroupCounters(db, self.directory, publisher, audience)
        self.topics = GroupTopics(db, self.directory, clock)
