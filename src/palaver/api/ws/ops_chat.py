"""Session, message and conversation operations of the client protocol
(docs/protocol.md §3 and §5), mirroring ``@tencentcloud/chat``'s ``login``,
``sendMessage``, ``getMessageList``, ``setMessageRead``, ``revokeMessage``,
``getConversationList``, ``deleteConversation``, ``pinConversation`` and
``getTotalUnreadMessageCount``."""

from __future__ import annotations

import random as _random
import time
from typing import Any, Literal

from pydantic import Field

from palaver.api.ws import ops_group
from palaver.api.ws.core import INLINE, OpModel, Session, error_frame, op, parse_message_id
from palaver.api.ws.group_objects import group_object
from palaver.errors import Code, ImError
from palaver.model.messages import MessageRecord
from palaver.offline_push import OfflinePushField
from palaver.protocol.frames import PROTOCOL_VERSION, encode_response
from palaver.protocol.objects import (
    C2C,
    GROUP,
    message_wire,
    payload_to_element,
    split_conversation_id,
)
from palaver.protocol.pushes import sync_done
from palaver.realtime.delivery import Outbound
from palaver.services.conversation_settings import mark_list
from palaver.services.conversations import CONV_C2C, CONV_GROUP, Conversation
from palaver.services.messages import SendOptions
from palaver.services.sending import SendLane, SendResult, SendSource

UINT32 = (1 << 32) - 1
PROFILE_TAGS = ["Tag_Profile_IM_Nick", "Tag_Profile_IM_Image"]


class Login(OpModel):
    v: int = PROTOCOL_VERSION
    SDKAppID: int = Field(ge=0, le=2**32 - 1)  # uint32, as Tencent's
    userID: str
    userSig: str
    platform: str = "Unknown"
    cursor: int | None = Field(None, ge=0)
    groupCursors: dict[str, int] = {}


@op("login", Login)
async def login(s: Session, d: Login) -> dict[str, Any]:
    """Log in with a UserSig; then the streams are caught up from the cursors
    (:class:`~palaver.services.sessions.SessionService` decides).

    Errors: 60002 protocol version, 70020 unknown SDKAppID, 700xx UserSig,
    70052 UserSig issued before a kick, 70107 account not imported, 70169
    server busy (more logins at once than ``login_concurrency`` +
    ``login_queue``): the error carries ``retryAfter`` (ms), try again after it;
    6017 this socket is already logged in (one login per socket: log out, which
    closes it, and log in on a new one).
    """
    hub = s.hub
    if s.logged_in:
        raise ImError(
            Code.ERR_INVALID_PARAMETERS,
            f"this socket is already logged in as {s.user_id!r}: one login per socket",
        )
    if d.v != PROTOCOL_VERSION:
        raise ImError(
            Code.ERR_SVR_COMM_INVALID_HTTP_URL,
            f"protocol version {d.v} is not supported (use {PROTOCOL_VERSION})",
        )
    conn = s.conn
    async with hub.login_gate.admit():  # 70169 + retryAfter when over capacity
        app = (await hub.sessions.authenticate(d.SDKAppID, d.userID, d.userSig)).app
        conn.app_id, conn.user_id, conn.platform = app.sdkappid, d.userID, d.platform[:16]
        s.app, s.user_id = app, d.userID
        s.lane = SendLane()
        await hub.registry.attach(conn, app.settings.max_connections_per_user)
        plan = await hub.sessions.login(
            app, d.userID, conn.id, conn.platform, d.cursor, d.groupCursors
        )

    def synced() -> None:
        delivered = conn.stream.delivered if conn.stream else plan.cursor
        done = sync_done(delivered, plan.resync, conn.group_cursors(), plan.truncated)
        conn.send_push(Outbound(done))

    s.after_response = lambda: conn.start_stream(
        plan.cursor,
        synced,
        plan.group_cursors,
        at_head=plan.at_head and hub.registry.routed_on_watch,
    )
    return {
        "v": PROTOCOL_VERSION,
        "userID": d.userID,
        "serverTime": int(time.time()),
        "heartbeatInterval": hub.settings.heartbeat_interval,
        "heartbeatTimeout": hub.settings.heartbeat_timeout,
        "recallWindow": app.settings.recall_window,
        "cursor": plan.head,
    }


class Empty(OpModel):
    pass


@op("heartbeat", Empty)
async def heartbeat(s: Session, d: Empty) -> dict[str, Any]:
    """Sign of life (any frame is); answers the server time (unix s)."""
    return {"serverTime": int(time.time())}


@op("logout", Empty)
async def logout(s: Session, d: Empty) -> None:
    """End the session; the server closes the socket (1000) after answering."""
    s.hub.registry.remove(s.conn)
    app = s.require_app()
    s.app = None  # logged out: the socket's end is no disconnect
    await s.hub.sessions.state_change(app, s.user_id, "Logout", "Unregister", s.conn.platform)
    s.after_response = lambda: s.conn.close(1000, "logout")


def _c2c_peer(conversation_id: str) -> str:
    kind, peer = split_conversation_id(conversation_id)
    if kind != C2C:
        raise ImError(Code.ERR_INVALID_PARAMETERS, "group conversations are not supported yet")
    return peer


class SendMessage(OpModel):
    to: str
    conversationType: str = C2C
    type: str = "TIMTextElem"
    payload: dict[str, Any] = {}
    MsgBody: list[Any] | None = None
    random: int | None = Field(None, ge=0, le=UINT32)
    cloudCustomData: str | None = None
    onlineUserOnly: bool = False
    needReadReceipt: bool = False
    #: the message may carry extensions (``setMessageExtensions``)
    isSupportExtension: bool = False
    atUserList: list[str] = []  # GROUP: mentioned userIDs and/or "__kImSDK_MesssageAtALL__"
    priority: Literal["High", "Normal", "Low", "Lowest"] = "Normal"
    #: Tencent's ``OfflinePushInfo`` (``PushFlag``, ``Title``, ``Desc``, ``Ext``...): for
    #: the app backend's offline-push hook (the after-send callback)
    offlinePushInfo: OfflinePushField = None


_FAST_FIELDS = frozenset(
    ("to", "conversationType", "type", "payload", "MsgBody", "random", "cloudCustomData")
    + ("needReadReceipt", "onlineUserOnly", "priority")
)
_PRIORITIES = frozenset(("High", "Normal", "Low", "Lowest"))


def _plain_c2c(d: dict[str, Any]) -> bool:
    """``d`` is a stored C2C ``sendMessage`` whose fields have exactly the types
    :class:`SendMessage` declares (nothing pydantic would coerce or refuse)."""
    if not d.keys() <= _FAST_FIELDS or type(d.get("to")) is not str:
        return False
    if d.get("conversationType", C2C) != C2C or d.get("onlineUserOnly", False) is not False:
        return False
    r = d.get("random")
    return (
        type(d.get("type", "")) is str
        and type(d.get("payload", {})) is dict
        and type(d.get("MsgBody", [])) is list
        and (r is None or (type(r) is int and 0 <= r <= UINT32))
        and type(d.get("cloudCustomData", "")) is str
        and type(d.get("needReadReceipt", False)) is bool
        and d.get("priority", "Normal") in _PRIORITIES
    )


def send_message_now(s: Session, rid: Any, d: dict[str, Any], answer: Any) -> bool:
    """``sendMessage``'s fast lane, run by the read loop (no task, no pydantic
    model): a stored C2C send whose fields are plain and whose checks are cached
    is queued to the writer at once, in the connection's order, and answered from
    the writer's commit; anything else returns ``False`` for :func:`send_message`.
    Same answers and errors as :func:`send_message`."""
    if not _plain_c2c(d):
        return False
    app = s.require_app()
    body = d.get("MsgBody")
    if body is None:
        body = [payload_to_element(d.get("type", "TIMTextElem"), d.get("payload", {}))]
    random = d.get("random")
    user, conn = s.user_id, s.conn
    opts = SendOptions(
        cloud_custom_data=d.get("cloudCustomData"),
        need_receipt=d.get("needReadReceipt", False),
        priority=d.get("priority", "Normal"),
        lane=s.lane,
        origin=conn.id,
        source=SendSource(platform=conn.platform, client_ip=conn.client_ip),
    )

    def done(res: SendResult | BaseException) -> None:
        if isinstance(res, BaseException):
            answer(error_frame(rid, res))
        else:
            answer(encode_response(rid, {"message": message_wire(res.message, user)}))

    return s.hub.messages.send_c2c_now(
        app,
        user,
        d["to"],
        body,
        random if random is not None else _random.getrandbits(32),
        opts,
        done,
    )


INLINE["sendMessage"] = send_message_now


@op("sendMessage", SendMessage)
async def send_message(s: Session, d: SendMessage) -> dict[str, Any]:
    """Send a C2C or group message; answers the stored message (ID, sequence, time).

    Errors are the REST ones (90002, 80002...) plus 20003 receiver not
    imported, 20007 blacklisted, 20009 not friends, 20012 send ban; for a
    group (``conversationType`` "GROUP", ``to`` the group ID) see
    :func:`ops_group.send_group_message` (10010, 10007, 10017).
    """
    app = s.require_app()
    if d.conversationType not in (C2C, GROUP):
        raise ImError(
            Code.ERR_INVALID_PARAMETERS, f"unknown conversationType {d.conversationType!r}"
        )
    body = d.MsgBody if d.MsgBody is not None else [payload_to_element(d.type, d.payload)]
    random = d.random if d.random is not None else _random.getrandbits(32)
    if d.conversationType == GROUP:
        return await ops_group.send_group_message(
            s,
            d.to,
            body,
            random,
            at_user_list=d.atUserList,
            online_only=d.onlineUserOnly,
            need_read_receipt=d.needReadReceipt,
            cloud_custom_data=d.cloudCustomData,
            priority=d.priority,
            offline_push=d.offlinePushInfo,
            support_extension=d.isSupportExtension,
        )
    res = await s.hub.messages.send_c2c(
        app,
        s.user_id,
        d.to,
        body,
        random,
        SendOptions(
            lifetime=0 if d.onlineUserOnly else None,
            cloud_custom_data=d.cloudCustomData,
            need_receipt=d.needReadReceipt,
            support_extension=d.isSupportExtension,
            priority=d.priority,
            lane=s.lane,
            origin=s.conn.id,
            source=SendSource(
                platform=s.conn.platform,
                client_ip=s.conn.client_ip,
                offline_push=d.offlinePushInfo,
            ),
        ),
    )
    return {"message": message_wire(res.message, s.user_id)}


class GetMessageList(OpModel):
    conversationID: str
    nextReqMessageID: str | None = None
    count: int = Field(15, ge=1)


@op("getMessageList", GetMessageList)
async def get_message_list(s: Session, d: GetMessageList) -> dict[str, Any]:
    """A page of history (at most 15, oldest first) before ``nextReqMessageID``.
    Group conversations: :func:`ops_group.get_group_message_list` (members only, 10007)."""
    app = s.require_app()
    kind, peer = split_conversation_id(d.conversationID)
    if kind == GROUP:
        return await ops_group.get_group_message_list(s, peer, d.nextReqMessageID, d.count)
    before = parse_message_id(d.nextReqMessageID) if d.nextReqMessageID else None
    page, peer_read, my_read = await s.hub.messages.page(
        app, s.user_id, peer, limit=min(d.count, 15), before_id=before
    )
    items = [_as_seen(m, s.user_id, peer_read, my_read) for m in page.messages]
    return {
        "messageList": items,
        "nextReqMessageID": items[0]["ID"] if items and not page.complete else "",
        "isCompleted": page.complete,
    }


def _as_seen(m: MessageRecord, viewer: str, peer_read: int, my_read: int) -> dict[str, Any]:
    """A C2C message with its read state: ``isPeerRead`` if mine, ``isRead`` if theirs."""
    mine = m.sender == viewer
    return message_wire(
        m, viewer, is_read=not mine and m.seq <= my_read, is_peer_read=mine and m.seq <= peer_read
    )


class ConversationRef(OpModel):
    conversationID: str


@op("setMessageRead", ConversationRef)
async def set_message_read(s: Session, d: ConversationRef) -> None:
    """Mark the whole conversation read; the peer gets ``MESSAGE_READ_BY_PEER``
    (groups: :func:`ops_group.set_group_message_read`)."""
    app = s.require_app()
    kind, peer = split_conversation_id(d.conversationID)
    if kind == GROUP:
        return await ops_group.set_group_message_read(s, peer)
    await s.hub.messages.mark_read(app, s.user_id, peer)


class Revoke(OpModel):
    conversationID: str
    ID: str


@op("revokeMessage", Revoke)
async def revoke_message(s: Session, d: Revoke) -> dict[str, Any]:
    """Recall one of my messages within the app's window (20016 after it).

    Another user's message, or one outside my conversations, is refused (6017).
    Groups: :func:`ops_group.revoke_group_message` (owner/admins recall any message).
    """
    app = s.require_app()
    kind, peer = split_conversation_id(d.conversationID)
    if kind == GROUP:
        return await ops_group.revoke_group_message(s, peer, d.ID)
    msg = await s.hub.messages.get(app, s.user_id, peer, parse_message_id(d.ID))
    if msg.sender != s.user_id:
        raise ImError(Code.ERR_INVALID_PARAMETERS, "only the sender can recall a message")
    recalled = await s.hub.messages.recall_message(
        app, msg, s.user_id, window=app.settings.recall_window
    )
    return {"message": message_wire(recalled, s.user_id)}


async def _conversation_objects(s: Session, convs: list[Conversation]) -> list[dict[str, Any]]:
    app = s.require_app()
    c2c = [c for c in convs if c.conv_type == CONV_C2C]
    groups = [c for c in convs if c.conv_type == CONV_GROUP]
    last = await s.hub.messages.last_messages(app, [(c.conv_id, c.last_seq) for c in convs])
    profiles = await s.hub.profiles.get(app, [c.peer for c in c2c], PROFILE_TAGS)
    # my groups with my membership in one read (group profile + selfInfo)
    mine = (
        {g.group_id: (g, m) for g, m in (await s.hub.groups.directory.joined(app, s.user_id))[0]}
        if groups
        else {}
    )
    out = []
    for c in convs:
        m = last.get(c.conv_id)
        if c.conv_type == CONV_GROUP:
            if c.peer not in mine:
                continue
            info, me = mine[c.peer]
            out.append(
                {
                    "conversationID": c.conversation_id,
                    "type": GROUP,
                    "unreadCount": c.unread,
                    "isPinned": c.pinned,
                    "lastMessage": message_wire(m, s.user_id) if m else None,
                    "groupProfile": group_object(info, me, m.sender if m else ""),
                    "groupAtInfoList": [
                        {
                            "groupID": c.peer,
                            "from": sender,
                            "messageSequence": seq,
                            "atTypeArray": kinds,
                        }
                        for seq, sender, kinds in c.at_me
                    ],
                    "readSequence": c.read_seq,
                    "lastTime": c.last_time,
                    **settings_wire(c),
                }
            )
            continue
        peer_read = await s.hub.messages.peer_read_seq(app, s.user_id, c.peer)
        out.append(
            {
                "conversationID": c.conversation_id,
                "type": C2C,
                "unreadCount": c.unread,
                "isPinned": c.pinned,
                "lastMessage": _as_seen(m, s.user_id, peer_read, c.read_seq) if m else None,
                "userProfile": s.hub.profiles.to_sdk_profile(c.peer, profiles.get(c.peer, {})),
                "peerReadSequence": peer_read,
                "readSequence": c.read_seq,
                "lastTime": c.last_time,
                **settings_wire(c),
            }
        )
    return out


def settings_wire(c: Conversation) -> dict[str, Any]:
    """A conversation's settings as the SDK names them."""
    return {
        "messageRemindType": c.remind_type,
        "draftText": c.draft,
        "customData": c.custom_data,
        "markList": mark_list(c.marks),
        "conversationGroupList": list(c.groups),
    }


class ListFilter(OpModel):
    type: str | None = None
    markType: int | None = None
    groupName: str | None = None
    hasUnreadCount: bool | None = None
    hasGroupAtInfo: bool | None = None


def _wanted(c: Conversation, f: ListFilter) -> bool:
    """``getConversationList``'s filter, as Tencent's SDK applies it: ``type``
    (C2C | GROUP), ``markType`` (0: no mark), ``groupName`` ("": in no group),
    ``hasUnreadCount``, ``hasGroupAtInfo``."""
    kind = C2C if c.conv_type == CONV_C2C else GROUP
    checks = (
        f.type not in (C2C, GROUP) or kind == f.type,
        f.markType is None or (c.marks == 0 if f.markType == 0 else bool(c.marks & f.markType)),
        f.groupName is None or (not c.groups if f.groupName == "" else f.groupName in c.groups),
        f.hasUnreadCount is None or (c.unread > 0) == f.hasUnreadCount,
        f.hasGroupAtInfo is None or bool(c.at_me) == f.hasGroupAtInfo,
    )
    return all(checks)


@op("getConversationList", ListFilter)
async def get_conversation_list(s: Session, d: ListFilter) -> dict[str, Any]:
    """My conversations: pinned first, then the newest first; with a filter
    (``type``, ``markType``, ``groupName``, ``hasUnreadCount``,
    ``hasGroupAtInfo``) only those that pass it."""
    app = s.require_app()
    convs = [c for c in await s.hub.conversations.list(app, s.user_id) if _wanted(c, d)]
    return {"conversationList": await _conversation_objects(s, convs)}


@op("getConversationProfile", ConversationRef)
async def get_conversation_profile(s: Session, d: ConversationRef) -> dict[str, Any]:
    """One of my conversations (6017 if I have none with that ID)."""
    app = s.require_app()
    split_conversation_id(d.conversationID)
    convs = [
        c
        for c in await s.hub.conversations.list(app, s.user_id, include_empty=True)
        if c.conversation_id == d.conversationID
    ]
    if not convs:
        raise ImError(Code.ERR_INVALID_PARAMETERS, "no such conversation")
    return {"conversation": (await _conversation_objects(s, convs))[0]}


class DeleteConversation(OpModel):
    conversationID: str
    clearHistoryMessage: bool = True


@op("deleteConversation", DeleteConversation)
async def delete_conversation(s: Session, d: DeleteConversation) -> None:
    """Delete one of my conversations (and, by default, my copy of its history)."""
    app = s.require_app()
    kind, peer = split_conversation_id(d.conversationID)
    await s.hub.conversations.delete(
        app,
        s.user_id,
        CONV_C2C if kind == C2C else CONV_GROUP,
        peer,
        clear_history=d.clearHistoryMessage,
    )


class Pin(OpModel):
    conversationID: str
    isPinned: bool


@op("pinConversation", Pin)
async def pin_conversation(s: Session, d: Pin) -> None:
    """Pin or unpin one of my conversations."""
    app = s.require_app()
    kind, peer = split_conversation_id(d.conversationID)
    try:
        await s.hub.conversations.pin(
            app, s.user_id, CONV_C2C if kind == C2C else CONV_GROUP, peer, d.isPinned
        )
    except ImError as exc:
        raise ImError(Code.ERR_INVALID_PARAMETERS, exc.info) from None


@op("getTotalUnreadMessageCount", Empty)
async def get_total_unread(s: Session, d: Empty) -> dict[str, Any]:
    """The sum of my conversations' unread counts (C2C and group), less the
    muted ones (do-not-disturb), as Tencent counts it."""
    app = s.require_app()
    return {"count": await s.hub.conversations.total_unread(app, s.user_id)}
