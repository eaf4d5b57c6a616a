"""Every push of the client protocol (docs/protocol.md §6), one typed definition each.

A push is ``{"ev": NAME, "stream"?, "seq"?, "data": DATA}``; the ``TypedDict``
of each ``NAME`` below is its ``DATA``. The functions build the
:class:`~palaver.protocol.frames.Push` of a stream event, a message or a notice
as a given user sees it; wire protocols other than Palaver's translate these
pushes (they never see storage rows).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, NotRequired, TypedDict

import orjson

from palaver.model.events import (
    AllReceiveOptChanged,
    ApplicationsChanged,
    BlacklistChanged,
    C2CReadReceipt,
    ConversationChanged,
    ConversationRead,
    EventKind,
    EventPayload,
    ExtensionsChanged,
    FriendsChanged,
    GroupApplicationsChanged,
    GroupAttributesChanged,
    GroupCountersChanged,
    GroupDismissed,
    GroupMessageModified,
    GroupMessagePinned,
    GroupMessageRevoked,
    GroupReadReceipt,
    GroupSystemNotice,
    MembershipChanged,
    Modified,
    Notice,
    ProfileChanged,
    ReactionsChanged,
    ReadByPeer,
    Revoked,
    TopicsChanged,
    UserStatus,
    UserStatusChanged,
)
from palaver.model.messages import MessageRecord, topic_group
from palaver.protocol.frames import Push
from palaver.protocol.group_extras import group_extras_push
from palaver.protocol.message_extras import extras_push
from palaver.protocol.objects import APPLICATION_IN, APPLICATION_OUT, C2C, GROUP, message_wire


class MessageReceived(TypedDict):
    """``MESSAGE_RECEIVED``: a message (:func:`~palaver.protocol.objects.message_wire`)."""

    message: dict[str, Any]


#: ``MESSAGE_REVOKED``: the message ``ID`` / ``sequence`` of a conversation was
#: recalled; ``from``, ``to``, ``random``, ``time``, ``clientSequence`` and
#: ``clientTime`` identify it the way Tencent's SDK does.
MessageRevoked = TypedDict(
    "MessageRevoked",
    {
        "conversationID": str,
        "ID": str,
        "sequence": int,
        "revoker": str,
        "from": str,
        "to": str,
        "random": int,
        "time": int,
        "clientSequence": int,
        "clientTime": int,
    },
)


class MessageModified(TypedDict):
    """``MESSAGE_MODIFIED``: a message was edited by ``modifier``; ``message`` is
    its new state (:func:`~palaver.protocol.objects.message_wire`, with its new
    ``version``; a client keeps the highest version it has seen)."""

    conversationID: str
    modifier: str
    message: dict[str, Any]


class MessageReadByPeer(TypedDict):
    """``MESSAGE_READ_BY_PEER``: the C2C peer read up to ``readSequence`` at ``time``."""

    conversationID: str
    userID: str
    readSequence: int
    time: int


class MessageReadReceiptReceived(TypedDict):
    """``MESSAGE_READ_RECEIPT_RECEIVED``: a member read the group up to
    ``readSequence``; ``messages``: the newest read messages that asked for
    receipts (at most 50), with their new ``readCount`` / ``unreadCount``."""

    conversationID: str
    groupID: str
    userID: str
    readSequence: int
    messages: list[GroupReceiptMessage]


#: A group message a read receipt counts, named the ways both SDKs name it.
GroupReceiptMessage = TypedDict(
    "GroupReceiptMessage",
    {
        "ID": str,
        "from": str,
        "sequence": int,
        "random": int,
        "time": int,
        "clientTime": int,
        "readCount": int,
        "unreadCount": int,
    },
)

#: A message a C2C read receipt is about, named the ways both SDKs name it.
ReceiptMessage = TypedDict(
    "ReceiptMessage",
    {
        "ID": str,
        "from": str,
        "sequence": int,
        "clientSequence": int,
        "random": int,
        "time": int,
        "clientTime": int,
    },
)


class C2CReadReceiptReceived(TypedDict):
    """``MESSAGE_READ_RECEIPT_RECEIVED`` in C2C: ``userID`` read my ``messages``."""

    conversationID: str
    userID: str
    messages: list[ReceiptMessage]


class MessageExpired(TypedDict):
    """``MESSAGE_EXPIRED``: a stream event's message is gone (history retention)."""

    ID: str


class ConversationReadData(TypedDict):
    """``CONVERSATION_READ``: read on another device up to ``readSequence`` at ``time`` (unix s)."""

    conversationID: str
    readSequence: int
    time: int


class ConversationChangedData(TypedDict):
    """``CONVERSATION_CHANGED``: ``change`` is ``pinned``, ``unpinned`` or ``deleted``."""

    conversationID: str
    change: str


class ProfileUpdated(TypedDict):
    """``PROFILE_UPDATED``: ``profile`` in SDK names."""

    userID: str
    profile: dict[str, Any]


class GroupListUpdated(TypedDict):
    """``GROUP_LIST_UPDATED``: my membership of ``groupID`` changed (docs/protocol.md §8)."""

    groupID: str
    change: str
    groupType: str
    joinSeq: NotRequired[int]
    role: NotRequired[str]
    reason: NotRequired[str]


class GroupApplicationListUpdated(TypedDict):
    """``GROUP_APPLICATION_LIST_UPDATED``: applications to a group I manage changed."""

    groupID: str


class GroupDismissedData(TypedDict):
    """``GROUP_DISMISSED``: pushed to everyone following the group."""

    groupID: str


class GroupSystemNoticeReceived(TypedDict):
    """``GROUP_SYSTEM_NOTICE_RECEIVED``: REST ``send_group_system_notification`` to me."""

    groupID: str
    content: str


class KickedOut(TypedDict):
    """``KICKED_OUT``: ``type`` ``multipleAccount``, ``multipleDevice`` or ``REST_API_Kick``."""

    type: str


class SyncDone(TypedDict):
    """``sync_done``: the catch-up after login is complete (docs/protocol.md §3.1, §8.1)."""

    cursor: int
    resync: bool
    groupCursors: dict[str, int]
    groupsTruncated: list[str]


class FriendListUpdated(TypedDict):
    """``FRIEND_LIST_UPDATED``: user IDs added to, removed from and updated in
    my friend list (all empty for events stored before details were kept)."""

    added: list[str]
    removed: list[str]
    updated: list[str]


class BlacklistUpdated(TypedDict):
    """``BLACKLIST_UPDATED``: user IDs put on and taken off my blacklist."""

    added: list[str]
    removed: list[str]


#: One application in ``FRIEND_APPLICATION_LIST_UPDATED`` (Tencent's
#: ``FriendApplication`` names): ``userID`` the other party; ``type``
#: ``Pendency_Type_ComeIn`` (to me) or ``Pendency_Type_SendOut`` (mine);
#: ``from`` who applied (``userID`` or me); ``time`` unix s.
FriendApplicationItem = TypedDict(
    "FriendApplicationItem",
    {"userID": str, "type": str, "from": str, "source": str, "wording": str, "time": int},
)


class FriendApplicationListUpdated(TypedDict):
    """``FRIEND_APPLICATION_LIST_UPDATED``: applications new or refreshed, the
    other parties (user IDs) of those gone, and ``readTime`` (unix s; 0:
    unchanged) when I marked those sent to me read."""

    added: list[FriendApplicationItem]
    removed: list[str]
    readTime: int


#: List pushes whose data says what changed; old events carry none ({}).
ListUpdated = Literal[
    "FRIEND_LIST_UPDATED",
    "FRIEND_APPLICATION_LIST_UPDATED",
    "BLACKLIST_UPDATED",
    "FRIEND_GROUP_LIST_UPDATED",
]
_LIST_EVENTS: dict[EventKind, ListUpdated] = {
    EventKind.FRIENDS: "FRIEND_LIST_UPDATED",
    EventKind.FRIEND_APPLICATIONS: "FRIEND_APPLICATION_LIST_UPDATED",
    EventKind.BLACKLIST: "BLACKLIST_UPDATED",
    EventKind.FRIEND_GROUPS: "FRIEND_GROUP_LIST_UPDATED",
}


def stream_push(
    kind: EventKind,
    viewer: str,
    seq: int,
    payload: EventPayload | None,
    message: MessageRecord | None,
) -> Push:
    """The push of ``viewer``'s stream event at ``seq``.

    A message event whose message is gone (``message`` None for
    :attr:`EventKind.MESSAGE` / :attr:`EventKind.REVOKE`) is
    ``MESSAGE_EXPIRED``, so the stream keeps its ``seq``.
    """
    data: Any
    ev: str
    match payload:
        case None if kind in _LIST_EVENTS:
            ev, data = _LIST_EVENTS[kind], {}
        case None if kind == EventKind.MESSAGE and message is not None:
            ev, data = "MESSAGE_RECEIVED", MessageReceived(message=message_wire(message, viewer))
        case Revoked() if message is not None:
            peer = message.receiver if viewer == message.sender else message.sender
            ev, data = "MESSAGE_REVOKED", _revoked(C2C + peer, message, payload.revoker)
        case Modified() if message is not None:
            wire = message_wire(message, viewer)
            ev = "MESSAGE_MODIFIED"
            data = MessageModified(
                conversationID=wire["conversationID"], modifier=payload.modifier, message=wire
            )
        case ReadByPeer():
            ev = "MESSAGE_READ_BY_PEER"
            data = MessageReadByPeer(
                conversationID=C2C + payload.peer,
                userID=payload.peer,
                readSequence=payload.seq,
                time=payload.time,
            )
        case ConversationRead():
            ev = "CONVERSATION_READ"
            data = ConversationReadData(
                conversationID=payload.conversation_id, readSequence=payload.seq, time=payload.time
            )
        case ConversationChanged():
            ev = "CONVERSATION_CHANGED"
            data = ConversationChangedData(
                conversationID=payload.conversation_id, change=payload.change
            )
        case ProfileChanged():
            ev, data = (
                "PROFILE_UPDATED",
                ProfileUpdated(userID=payload.user_id, profile=payload.profile),
            )
        case MembershipChanged():
            ev, data = "GROUP_LIST_UPDATED", membership_data(payload)
        case GroupApplicationsChanged():
            ev = "GROUP_APPLICATION_LIST_UPDATED"
            data = GroupApplicationListUpdated(groupID=payload.group_id)
        case FriendsChanged() | BlacklistChanged() | ApplicationsChanged():
            ev, data = _LIST_EVENTS[kind], relations_data(payload, viewer)
        case _:  # a message event without its message: the caller reports it expired
            ev, data = "UNKNOWN_EVENT", {}
    return Push(ev, data, seq)


def relations_data(
    p: FriendsChanged | BlacklistChanged | ApplicationsChanged, viewer: str
) -> FriendListUpdated | BlacklistUpdated | FriendApplicationListUpdated:
    """The data of a friend, blacklist or friend-application list push to ``viewer``."""
    if isinstance(p, FriendsChanged):
        return FriendListUpdated(
            added=list(p.added), removed=list(p.removed), updated=list(p.updated)
        )
    if isinstance(p, BlacklistChanged):
        return BlacklistUpdated(added=list(p.added), removed=list(p.removed))
    items = [
        FriendApplicationItem(
            {
                "userID": a.user,
                "type": APPLICATION_IN if a.incoming else APPLICATION_OUT,
                "from": a.user if a.incoming else viewer,
                "source": a.source,
                "wording": a.wording,
                "time": a.time,
            }
        )
        for a in p.added
    ]
    return FriendApplicationListUpdated(added=items, removed=list(p.removed), readTime=p.read_time)


def _revoked(conversation_id: str, m: MessageRecord, revoker: str) -> MessageRevoked:
    return {
        "conversationID": conversation_id,
        "ID": m.message_id,
        "sequence": m.seq,
        "revoker": revoker or m.sender,
        "from": m.sender,
        "to": m.receiver,
        "random": m.random,
        "time": m.time,
        "clientSequence": m.client_seq,
        "clientTime": m.client_time or m.time,
    }


def expired_push(message_id: int, seq: int) -> Push:
    """``MESSAGE_EXPIRED`` at ``seq``: the event's message was deleted (retention)."""
    return Push("MESSAGE_EXPIRED", MessageExpired(ID=str(message_id)), seq)


def membership_data(p: MembershipChanged) -> GroupListUpdated:
    """The data of ``GROUP_LIST_UPDATED``."""
    data = GroupListUpdated(groupID=p.group_id, change=p.change, groupType=p.group_type)
    if p.join_seq is not None:
        data["joinSeq"] = p.join_seq
    if p.role is not None:
        data["role"] = p.role
    if p.reason is not None:
        data["reason"] = p.reason
    return data


def message_push(message: MessageRecord, viewer: str) -> Push:
    """``MESSAGE_RECEIVED`` of an online-only C2C message, as ``viewer`` sees it."""
    return Push("MESSAGE_RECEIVED", MessageReceived(message=message_wire(message, viewer)))


def group_message_push(message: MessageRecord) -> Push:
    """``MESSAGE_RECEIVED`` of a group message on the group's stream: the same for
    every member (stored: ``seq`` = MsgSeq; online-only, or in a topic: no ``seq``).
    Its data is encoded here once, as JSON bytes."""
    assert message.group_id is not None
    data = orjson.dumps({"message": message_wire(message, "")})
    seq = None if message.online_only or topic_group(message.group_id) else message.seq
    return Push("MESSAGE_RECEIVED", data, seq, GROUP + message.group_id)


def notice_push(notice: Notice) -> Push:
    """The push of a notice (no ``seq``); group-wide ones carry the group's stream name."""
    match notice:
        case GroupDismissed():
            data: Any = GroupDismissedData(groupID=notice.group_id)
            return Push("GROUP_DISMISSED", data, None, GROUP + notice.group_id)
        case GroupMessageRevoked():
            data = _revoked(GROUP + notice.group_id, notice.message, notice.revoker)
            return Push("MESSAGE_REVOKED", data, None, GROUP + notice.group_id)
        case GroupMessageModified():
            data = MessageModified(
                conversationID=GROUP + notice.group_id,
                modifier=notice.modifier,
                message=message_wire(notice.message, ""),
            )
            return Push("MESSAGE_MODIFIED", data, None, GROUP + notice.group_id)
        case ReactionsChanged():
            return Push("MESSAGE_REACTIONS_UPDATED", reactions_data(notice))
        case ExtensionsChanged() | GroupMessagePinned():
            return extras_push(notice)
        case GroupSystemNotice():
            data = GroupSystemNoticeReceived(groupID=notice.group_id, content=notice.content)
            return Push("GROUP_SYSTEM_NOTICE_RECEIVED", data)
        case GroupAttributesChanged() | GroupCountersChanged() | TopicsChanged():
            return group_extras_push(notice)
        case C2CReadReceipt():
            data = C2CReadReceiptReceived(
                conversationID=C2C + notice.reader,
                userID=notice.reader,
                messages=[
                    {
                        "ID": m.message_id,
                        "from": m.sender,
                        "sequence": m.seq,
                        "clientSequence": m.client_seq,
                        "random": m.random,
                        "time": m.time,
                        "clientTime": m.client_time or m.time,
                    }
                    for m in notice.messages
                ],
            )
            return Push("MESSAGE_READ_RECEIPT_RECEIVED", data)
        case GroupReadReceipt():
            data = MessageReadReceiptReceived(
                conversationID=GROUP + notice.group_id,
                groupID=notice.group_id,
                userID=notice.user_id,
                readSequence=notice.read_seq,
                messages=[
                    {
                        "ID": c.message.message_id,
                        "from": c.message.sender,
                        "sequence": c.message.seq,
                        "random": c.message.random,
                        "time": c.message.time,
                        "clientTime": c.message.client_time or c.message.time,
                        "readCount": c.read,
                        "unreadCount": c.unread,
                    }
                    for c in notice.counts
                ],
            )
            return Push("MESSAGE_READ_RECEIPT_RECEIVED", data)
        case UserStatusChanged():
            return Push("USER_STATUS_UPDATED", user_status_data(notice.statuses))
        case AllReceiveOptChanged():
            return Push("ALL_RECEIVE_MESSAGE_OPT_UPDATED", all_receive_opt_data(notice))


#: ``AllReceiveOptChanged.level`` -> the SDKs' remind type
REMIND_LEVELS = ("AcceptAndNotify", "Discard", "AcceptNotNotify")


def all_receive_opt_data(opt: AllReceiveOptChanged) -> dict[str, Any]:
    """``ALL_RECEIVE_MESSAGE_OPT_UPDATED`` (and ``getAllReceiveMessageOpt``):
    ``{messageRemindType, startTime, endTime, isRepeated}``, times unix s."""
    return {
        "messageRemindType": REMIND_LEVELS[opt.level],
        "startTime": opt.start_time,
        "endTime": opt.end_time,
        "isRepeated": opt.repeated,
    }


def user_status_data(statuses: Sequence[UserStatus]) -> dict[str, Any]:
    """``USER_STATUS_UPDATED`` (and ``getUserStatus``): ``{userStatusList:
    [{userID, statusType, customStatus}]}``."""
    return {
        "userStatusList": [
            {"userID": u.user_id, "statusType": u.status_type, "customStatus": u.custom_status}
            for u in statuses
        ]
    }


def reactions_data(notice: ReactionsChanged) -> dict[str, Any]:
    """The data of ``MESSAGE_REACTIONS_UPDATED``: ``{conversationID, messageID,
    from, sequence, random, clientTime}`` (naming the message as both SDKs do)
    and ``reactionList`` ``[{reactionID, totalUserCount, partialUserList:
    [{userID}]}]`` (the first users, in the order they reacted)."""
    m = notice.message
    return {
        "conversationID": notice.conversation_id,
        "messageID": m.message_id,
        "from": m.sender,
        "sequence": m.seq,
        "random": m.random,
        "clientTime": m.client_time or m.time,
        "reactionList": [
            {
                "reactionID": reaction,
                "totalUserCount": count,
                "partialUserList": [{"userID": u} for u in users],
            }
            for reaction, count, users in notice.reactions
        ],
    }


def kicked_out(kick_type: str) -> Push:
    """``KICKED_OUT`` (ephemeral; the server closes the socket next)."""
    return Push("KICKED_OUT", KickedOut(type=kick_type))


def sync_done(
    cursor: int, resync: bool, group_cursors: dict[str, int], truncated: list[str]
) -> Push:
    """``sync_done`` (ephemeral): the catch-up after login is complete."""
    data = SyncDone(
        cursor=cursor, resync=resync, groupCursors=group_cursors, groupsTruncated=truncated
    )
    return Push("sync_done", data)
