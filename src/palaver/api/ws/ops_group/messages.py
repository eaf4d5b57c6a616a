"""Group messages and read receipts of the client protocol (docs/protocol.md §8.2).

The group branches of ``sendMessage``, ``getMessageList``, ``setMessageRead``
and ``revokeMessage`` (:mod:`palaver.api.ws.ops_chat` dispatches ``GROUP<id>``
conversations to the ``*_group_*`` functions here), and the read-receipt ops
``getMessageReadReceiptList``, ``getGroupMessageReadMemberList`` and
``sendMessageReadReceipt`` (groups and C2C), over ``hub.groups.messages`` and
``hub.groups.reads``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from palaver.api.ws.core import OpModel, Session, op, parse_message_id
from palaver.errors import Code, ImError
from palaver.model.messages import MessageRecord
from palaver.protocol.objects import C2C, GROUP, message_wire, split_conversation_id
from palaver.services.groups import GroupSendOptions
from palaver.services.sending import SendSource

MAX_READ_QUERY = 100  # messages per read-receipt query; readers per page
MAX_HISTORY_PAGE = 15  # getMessageList count cap (as the SDK clamps it)
PRIVILEGED = ("Owner", "Admin")


def _as_seen(m: MessageRecord, viewer: str, read_seq: int) -> dict[str, Any]:
    """A group message as ``viewer`` (whose read position is ``read_seq``) sees it."""
    return message_wire(m, viewer, is_read=m.seq <= read_seq)


async def send_group_message(
    s: Session,
    group_id: str,
    body: list[dict[str, Any]],
    random: int,
    *,
    at_user_list: list[str],
    online_only: bool,
    need_read_receipt: bool,
    cloud_custom_data: str | None,
    priority: str,
    offline_push: dict[str, Any] | None = None,
    support_extension: bool = False,
) -> dict[str, Any]:
    """``sendMessage`` to ``GROUP<id>``: ``{message}`` (stored once; one frame to
    every online member). Errors: the body's codes (90002, 80002...); 10010;
    10007 not a member; 10017 muted (me, or everyone but owner/admins)."""
    res = await s.hub.groups.messages.send(
        s.require_app(),
        group_id,
        s.user_id,
        body,
        random,
        GroupSendOptions(
            at=tuple(at_user_list),
            online_only=online_only,
            cloud_custom_data=cloud_custom_data,
            priority=priority,
            need_receipt=need_read_receipt,
            support_extension=support_extension,
            lane=s.lane,
            origin=s.conn.id,
            source=SendSource(
                platform=s.conn.platform, client_ip=s.conn.client_ip, offline_push=offline_push
            ),
        ),
    )
    return {"message": message_wire(res.message, s.user_id)}


async def get_group_message_list(
    s: Session, group_id: str, next_req_message_id: str | None, count: int
) -> dict[str, Any]:
    """``getMessageList`` of ``GROUP<id>``: a page (≤ 15, oldest first) of what I
    may see (from my join on, or all of it in ChatRoom/Community; in an AVChatRoom
    I have joined on this connection, its short window).
    Errors: 10010; 10007 not a member (not in the room); 6017 ``nextReqMessageID``
    not in the group."""
    app = s.require_app()
    group = await s.hub.groups.messages.stream_group(app, group_id)  # a topic's: its group
    viewer: str | None = s.user_id
    if group.type == "AVChatRoom":  # no members: the room's audience reads its short window
        if group_id not in s.conn.groups:
            raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, "join the room first")
        viewer, read_seq = None, 0
    else:
        _, _, read_seq = await s.hub.groups.messages.reader(app, group_id, s.user_id)
    before = None
    if next_req_message_id:
        anchor = await s.hub.groups.messages.get(
            app, group_id, parse_message_id(next_req_message_id)
        )
        before = anchor.seq
    page = await s.hub.groups.messages.history(
        app, group_id, viewer, limit=min(count, MAX_HISTORY_PAGE), before_seq=before
    )
    items = [_as_seen(m, s.user_id, read_seq) for m in page.messages]
    return {
        "messageList": items,
        "nextReqMessageID": items[0]["ID"] if items and not page.complete else "",
        "isCompleted": page.complete,
    }


async def set_group_message_read(s: Session, group_id: str) -> None:
    """``setMessageRead`` of ``GROUP<id>``: my read position moves to the newest
    message; senders who asked for receipts get ``MESSAGE_READ_RECEIPT_RECEIVED``.
    Errors: 10010; 10007 not a member."""
    await s.hub.groups.reads.mark_read(s.require_app(), s.user_id, group_id)


async def revoke_group_message(s: Session, group_id: str, message_id: str) -> dict[str, Any]:
    """``revokeMessage`` in ``GROUP<id>``: ``{message}`` (``isRevoked`` true);
    members online get ``MESSAGE_REVOKED``. The sender may recall within the
    app's ``recall_window``; the owner and admins any message at any time.
    Errors: 10010; 10007 not a member or not my message; 10031 past the window;
    6017 no such message in the group."""
    app = s.require_app()
    _, me, read_seq = await s.hub.groups.messages.reader(app, group_id, s.user_id)
    msg = await s.hub.groups.messages.get(app, group_id, parse_message_id(message_id))
    window = None if me.role in PRIVILEGED else app.settings.recall_window
    codes = await s.hub.groups.messages.recall(
        app, s.user_id, group_id, [msg.seq], admin=False, window=window
    )
    code = codes.get(msg.seq, 10030)
    if code:
        raise ImError(code)
    msg = await s.hub.groups.messages.get(app, group_id, msg.id)
    return {"message": _as_seen(msg, s.user_id, read_seq)}


class MessageIDs(OpModel):
    conversationID: str
    messageIDList: list[str] = Field(min_length=1, max_length=MAX_READ_QUERY)


async def _messages_of(
    s: Session, conversation_id: str, ids: list[str]
) -> tuple[str, str, list[MessageRecord]]:
    """(kind, peer or group ID, the messages) of one of my conversations.
    Raises ImError 6017 a message not in it; 10010/10007 for a group I am not in."""
    app = s.require_app()
    kind, peer = split_conversation_id(conversation_id)
    msgs = []
    if kind == GROUP:
        await s.hub.groups.messages.reader(app, peer, s.user_id)
        for i in ids:
            msgs.append(await s.hub.groups.messages.get(app, peer, parse_message_id(i)))
    else:
        for i in ids:
            msgs.append(await s.hub.messages.get(app, s.user_id, peer, parse_message_id(i)))
    return kind, peer, msgs


@op("getMessageReadReceiptList", MessageIDs)
async def get_message_read_receipt_list(s: Session, d: MessageIDs) -> dict[str, Any]:
    """How many have read each message: ``{messageList: [{ID, sequence,
    readReceiptInfo: {readCount, unreadCount}}]}`` (request order). In a group
    the sender is not counted; in C2C the count is the other party's (0 or 1).

    Tencent: ``getMessageReadReceiptList``. Errors: 6017 an ID not in the
    conversation; 10010; 10007 not a member of the group.
    """
    app = s.require_app()
    kind, peer, msgs = await _messages_of(s, d.conversationID, d.messageIDList)
    if kind == GROUP:
        counts = await s.hub.groups.reads.read_counts(app, peer, [m.seq for m in msgs])
    else:
        read_by_peer = await s.hub.messages.peer_read_seq(app, s.user_id, peer)
        read_by_me = await s.hub.messages.peer_read_seq(app, peer, s.user_id)
        counts = {}
        for m in msgs:
            read = m.seq <= (read_by_peer if m.sender == s.user_id else read_by_me)
            counts[m.seq] = (1, 0) if read else (0, 1)
    return {
        "messageList": [
            {
                "ID": str(m.id),
                "sequence": m.seq,
                "readReceiptInfo": dict(
                    zip(("readCount", "unreadCount"), counts.get(m.seq, (0, 0)), strict=True)
                ),
            }
            for m in msgs
        ]
    }


class ReadMembers(OpModel):
    conversationID: str
    messageID: str
    filter: Literal[0, 1] = 0
    offset: int = Field(0, ge=0)
    count: int = Field(MAX_READ_QUERY, ge=1, le=MAX_READ_QUERY)


@op("getGroupMessageReadMemberList", ReadMembers)
async def get_group_message_read_member_list(s: Session, d: ReadMembers) -> dict[str, Any]:
    """Members who have read (``filter`` 0) or not read (1) a group message, the
    sender excluded: ``{userIDList, offset (next; 0 when done), isCompleted}``.

    Tencent: ``getGroupMessageReadMemberList``. Errors: 6017 not a group
    conversation, or an ID not in it; 10010; 10007 not a member.
    """
    app = s.require_app()
    kind, group_id, [msg] = await _messages_of(s, d.conversationID, [d.messageID])
    if kind != GROUP:
        raise ImError(Code.ERR_INVALID_PARAMETERS, "read member lists are for group messages")
    users, nxt = await s.hub.groups.reads.readers(
        app, group_id, msg.seq, msg.sender, read=d.filter == 0, offset=d.offset, limit=d.count
    )
    return {"userIDList": users, "offset": nxt, "isCompleted": nxt == 0}


@op("sendMessageReadReceipt", MessageIDs)
async def send_message_read_receipt(s: Session, d: MessageIDs) -> None:
    """Mark a conversation read up to the newest of these messages (Tencent
    ``sendMessageReadReceipt``): the senders get ``MESSAGE_READ_RECEIPT_RECEIVED``
    (group) or ``MESSAGE_READ_BY_PEER`` (C2C). Errors as :func:`get_message_read_receipt_list`."""
    app = s.require_app()
    kind, peer, msgs = await _messages_of(s, d.conversationID, d.messageIDList)
    up_to = max(m.seq for m in msgs)
    if kind == GROUP:
        await s.hub.groups.reads.mark_read(app, s.user_id, peer, up_to)
    else:
        assert kind == C2C
        await s.hub.messages.mark_read(app, s.user_id, peer, up_to)
