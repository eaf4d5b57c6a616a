"""Stream events: what changed for a user, in the order their clients must see it.

Each user has one stream (docs/protocol.md §4). An event is written in the
transaction of the change it reports (storage assigns its ``seq``), then
published. The payload of each :class:`EventKind` has one typed definition
here; storage keeps it as JSON (:mod:`palaver.storage.events`) and the protocol
layer shapes the push (:mod:`palaver.protocol.pushes`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Literal

from palaver.model.messages import MessageRecord


class EventKind(IntEnum):
    """``user_events.kind``: what a stream event reports (stored; never renumber)."""

    MESSAGE = 1  #: a C2C message to or from the user (``message`` set)
    REVOKE = 2  #: that message was recalled (:class:`Revoked`)
    READ_BY_PEER = 3  #: the peer read up to a sequence (:class:`ReadByPeer`)
    CONV_READ = 4  #: the user read a conversation on another device (:class:`ConversationRead`)
    CONV_CHANGED = 5  #: pinned, unpinned or deleted (:class:`ConversationChanged`)
    PROFILE = 6  #: a profile the user sees changed (:class:`ProfileChanged`)
    FRIENDS = 7  #: the friend list changed (:class:`FriendsChanged`)
    FRIEND_APPLICATIONS = 8  #: friend applications changed (:class:`ApplicationsChanged`)
    BLACKLIST = 9  #: the blacklist changed (:class:`BlacklistChanged`)
    GROUP = 10  #: the user's membership of a group changed (:class:`MembershipChanged`)
    GROUP_APPLICATIONS = (
        11  #: applications to a group the user manages (:class:`GroupApplicationsChanged`)
    )
    MODIFY = 12  #: a C2C message was edited (:class:`Modified`; ``message`` is its newest state)
    FRIEND_GROUPS = 16  #: the user's friend groups changed (no payload: refetch them)


@dataclass(frozen=True, slots=True)
class Revoked:
    """:attr:`EventKind.REVOKE`: who recalled the message."""

    revoker: str


@dataclass(frozen=True, slots=True)
class Modified:
    """:attr:`EventKind.MODIFY`: who edited the message, and the version it made."""

    modifier: str
    version: int


@dataclass(frozen=True, slots=True)
class ReadByPeer:
    """:attr:`EventKind.READ_BY_PEER`: ``peer`` read the C2C conversation up to
    ``seq`` at ``time`` (unix s)."""

    peer: str
    seq: int
    time: int


@dataclass(frozen=True, slots=True)
class ConversationRead:
    """:attr:`EventKind.CONV_READ`: read up to ``seq`` (``C2C<id>`` / ``GROUP<id>``)
    at ``time`` (unix s; 0 in events stored before it was kept)."""

    conversation_id: str
    seq: int
    time: int = 0


@dataclass(frozen=True, slots=True)
class ConversationChanged:
    """:attr:`EventKind.CONV_CHANGED`: ``change`` is ``pinned``, ``unpinned`` or ``deleted``."""

    conversation_id: str
    change: str


@dataclass(frozen=True, slots=True)
class ProfileChanged:
    """:attr:`EventKind.PROFILE`: ``user_id``'s profile, as the SDK shows it."""

    user_id: str
    profile: dict[str, Any]


@dataclass(frozen=True, slots=True)
class MembershipChanged:
    """:attr:`EventKind.GROUP`: ``change`` is ``joined`` (with ``join_seq``: the
    group stream starts after it, and ``role``), ``quit``, ``kicked`` (with
    ``reason``), ``dismissed``, ``rejected`` or ``role``."""

    group_id: str
    change: str
    group_type: str = ""
    join_seq: int | None = None
    role: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class GroupApplicationsChanged:
    """:attr:`EventKind.GROUP_APPLICATIONS`: applications to ``group_id`` changed."""

    group_id: str


@dataclass(frozen=True, slots=True)
class FriendsChanged:
    """:attr:`EventKind.FRIENDS`: friends added to, removed from, and updated in my
    list (empty in events stored before details were kept: refetch the list)."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ApplicationNote:
    """A friend application as one party sees it: ``user`` is the other party;
    ``incoming`` when they asked me. Times unix s."""

    user: str
    incoming: bool
    source: str = ""
    wording: str = ""
    time: int = 0


@dataclass(frozen=True, slots=True)
class ApplicationsChanged:
    """:attr:`EventKind.FRIEND_APPLICATIONS`: applications to or from me that are
    new (or refreshed), and the other parties of those that are gone (accepted,
    refused, withdrawn, or made moot); ``read_time`` (unix s, 0: unchanged): I
    have read the applications sent to me up to then."""

    added: tuple[ApplicationNote, ...] = ()
    removed: tuple[str, ...] = ()
    read_time: int = 0


@dataclass(frozen=True, slots=True)
class BlacklistChanged:
    """:attr:`EventKind.BLACKLIST`: users put on and taken off my blacklist."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


#: The typed payload of a stream event (``None`` for kinds that carry none).
EventPayload = (
    FriendsChanged
    | ApplicationsChanged
    | BlacklistChanged
    | Revoked
    | Modified
    | ReadByPeer
    | ConversationRead
    | ConversationChanged
    | ProfileChanged
    | MembershipChanged
    | GroupApplicationsChanged
)


@dataclass(frozen=True, slots=True)
class GroupEffect:
    """What delivering a user-stream event does to the user's connections:
    start following a group's stream after ``cursor`` (``follow``) or stop."""

    group_id: str
    follow: bool
    cursor: int = 0


def group_effect(payload: EventPayload | None) -> GroupEffect | None:
    """The follow/unfollow a membership event causes (AVChatRooms are followed per
    connection, never through the stream; a ban makes the connections leave one)."""
    if not isinstance(payload, MembershipChanged):
        return None
    if payload.group_type == "AVChatRoom":  # only a ban (told as kicked) leaves the room
        return GroupEffect(payload.group_id, False) if payload.change == "kicked" else None
    if payload.change == "joined":
        return GroupEffect(payload.group_id, True, payload.join_seq or 0)
    if payload.change in ("quit", "kicked", "dismissed"):
        return GroupEffect(payload.group_id, False)
    return None


@dataclass(frozen=True, slots=True)
class StreamEvent:
    """A committed event of ``user_id``'s stream at ``seq``, ready to publish.

    ``origin``: the connection that caused it and already has the result (a
    send's response); it only moves its stream position past ``seq``.
    """

    user_id: str
    seq: int
    kind: EventKind
    payload: EventPayload | None = None
    message: MessageRecord | None = None
    origin: str | None = None

    @property
    def effect(self) -> GroupEffect | None:
        """The group follow/unfollow this event causes on the user's connections."""
        return group_effect(self.payload)


# -- notices: pushed to whoever is online, never stored in a user's stream ----


@dataclass(frozen=True, slots=True)
class GroupDismissed:
    """The group was dismissed (to everyone following it, live-room audiences too)."""

    group_id: str


@dataclass(frozen=True, slots=True)
class GroupSystemNotice:
    """REST ``send_group_system_notification`` to chosen members."""

    group_id: str
    content: str


@dataclass(frozen=True, slots=True)
class GroupMessageRevoked:
    """A group message was recalled by ``revoker``."""

    message: MessageRecord
    revoker: str

    @property
    def group_id(self) -> str:
        """The group of the message."""
        assert self.message.group_id is not None
        return self.message.group_id


@dataclass(frozen=True, slots=True)
class GroupMessageModified:
    """A group message was edited by ``modifier``; ``message`` is its new state."""

    message: MessageRecord
    modifier: str

    @property
    def group_id(self) -> str:
        """The group of the message."""
        assert self.message.group_id is not None
        return self.message.group_id


@dataclass(frozen=True, slots=True)
class ReactionsChanged:
    """A message's reactions changed: ``reactions`` is each reaction with its
    count and first users (in the order they reacted); ``conversation_id`` as its
    receivers see it (``C2C<peer>`` / ``GROUP<id>``)."""

    message: MessageRecord
    conversation_id: str
    reactions: tuple[tuple[str, int, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class ExtensionsChanged:
    """A message's extensions changed (``op`` ``set``: ``items`` were written;
    ``delete``: ``items`` were deleted; ``clear``: all of them are gone, ``items``
    the keys there were). ``items`` are ``(key, value, seq)``; ``global_seq`` the
    message's extension sequence now; ``conversation_id`` as the receivers see it."""

    message: MessageRecord
    conversation_id: str
    op: str
    items: tuple[tuple[str, str, int], ...]
    global_seq: int
    clear_seq: int = 0


@dataclass(frozen=True, slots=True)
class GroupMessagePinned:
    """``operator`` pinned (``pinned``) or unpinned a group's message (to the
    members online)."""

    message: MessageRecord
    pinned: bool
    operator: str

    @property
    def group_id(self) -> str:
        """The group of the message."""
        assert self.message.group_id is not None
        return self.message.group_id


@dataclass(frozen=True, slots=True)
class ReceiptCount:
    """A group message that asked for receipts, and how many members (its
    sender left out) have and have not read it."""

    message: MessageRecord
    read: int
    unread: int


@dataclass(frozen=True, slots=True)
class GroupReadReceipt:
    """``user_id`` read the group up to ``read_seq`` (to senders who asked for
    receipts); ``counts``: the newest messages of the newly read range that
    asked for receipts, with their new counts (at most
    :data:`RECEIPT_COUNTS`)."""

    group_id: str
    user_id: str
    read_seq: int
    counts: tuple[ReceiptCount, ...] = ()


#: Most messages a :class:`GroupReadReceipt` carries counts for.
RECEIPT_COUNTS = 50


@dataclass(frozen=True, slots=True)
class C2CReadReceipt:
    """``reader`` sent read receipts for these C2C messages (sent to it, asking for
    receipts); the notice goes to their sender."""

    reader: str
    messages: tuple[MessageRecord, ...]


@dataclass(frozen=True, slots=True)
class GroupAttributesChanged:
    """The group's attributes changed (to everyone following the group): ``op`` is
    ``init`` (all replaced), ``set``, ``delete`` or ``clear``; ``attributes`` all
    of them now, ``changed`` the keys set, ``deleted`` the keys gone; ``seq`` the
    attribute sequence after the change."""

    group_id: str
    op: str
    seq: int
    attributes: tuple[tuple[str, str], ...]
    changed: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GroupCountersChanged:
    """Group counters changed (to everyone following the group): their new values
    and the counter sequence after the change."""

    group_id: str
    seq: int
    counters: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class UserStatus:
    """A user's status: ``status_type`` 1 online, 2 offline (Tencent's
    ``USER_STATUS_ONLINE`` / ``USER_STATUS_OFFLINE``), and its custom status."""

    user_id: str
    status_type: int
    custom_status: str = ""


@dataclass(frozen=True, slots=True)
class UserStatusChanged:
    """Users' status changed (to those who subscribed to it, ``subscribeUserStatus``)."""

    statuses: tuple[UserStatus, ...]


@dataclass(frozen=True, slots=True)
class TopicProfile:
    """A topic of a Community group: its profile (``custom_data``: Tencent's
    ``CustomString``), whether everyone but the group's owner and admins is muted
    in it, and when it was made (unix s)."""

    topic_id: str
    group_id: str
    name: str
    face_url: str
    introduction: str
    notification: str
    custom_data: str
    mute_all: bool
    created_at: int


@dataclass(frozen=True, slots=True)
class TopicsChanged:
    """A Community group's topics changed (pushed to its online members):
    ``change`` is ``created`` or ``updated`` (``topic``: the topic now) or
    ``deleted`` (``deleted``: their IDs)."""

    group_id: str
    change: Literal["created", "updated", "deleted"]
    topic: TopicProfile | None = None
    deleted: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AllReceiveOptChanged:
    """The user's app-wide do-not-disturb changed (to all their devices): ``level``
    0 AcceptAndNotify (off), 1 Discard, 2 AcceptNotNotify; the window in unix s."""

    level: int
    start_time: int
    end_time: int
    repeated: bool


#: A push outside every stream.
Notice = (
    GroupDismissed
    | GroupSystemNotice
    | GroupMessageRevoked
    | GroupMessageModified
    | ReactionsChanged
    | ExtensionsChanged
    | GroupMessagePinned
    | GroupReadReceipt
    | C2CReadReceipt
    | GroupAttributesChanged
    | GroupCountersChanged
    | UserStatusChanged
    | TopicsChanged
    | AllReceiveOptChanged
)
