"""Objects the SDK hands out: :class:`Message`, :class:`Conversation`,
:class:`MessageListResult` and the :class:`ChatError` exception.

Field names are Tencent's ``@tencentcloud/chat`` ones in snake_case
(``conversationID`` -> ``conversation_id``, ``from`` -> ``from_``).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from palaver.client.constants import TYPES
from palaver.errors import CODE_MEANINGS

UINT32 = 1 << 32

#: Request unanswered within the request timeout (Tencent Web SDK ``2801``).
ERR_REQUEST_TIMEOUT = 2801
#: The connection was lost (or could not be made) before the answer came
#: (Tencent Web SDK ``2800``, network error).
ERR_NETWORK = 2800
#: The upload of a media message was cancelled (``cancel_uploading``; Palaver's own).
ERR_UPLOAD_CANCELLED = 2802
#: Not logged in (or kicked out, or logged out).
ERR_NOT_LOGGED_IN = 6014
#: Invalid parameters (checked by the SDK before sending).
ERR_INVALID_PARAMETERS = 6017
#: UserSig expired: the server answers 70001; Tencent's native SDKs call it 6206.
ERR_USER_SIG_EXPIRED = 70001


class ChatError(Exception):
    """A failed call: ``code`` is a Tencent error code, ``message`` says why.

    Server refusals carry the server's code (e.g. 70001 UserSig expired, 70009
    bad signature, 70013 userID mismatch, 70107 not imported, 20016 recall
    window passed). The SDK's own codes: 2800 connection lost / cannot connect,
    2801 request timed out, 6014 not logged in, 6017 invalid parameters.
    """

    def __init__(
        self,
        code: int,
        message: str = "",
        retry_after: float | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        self.code = code
        self.message = message or CODE_MEANINGS.get(code, "error")
        #: seconds a busy server (70169) asked the client to wait before trying again
        self.retry_after = retry_after
        #: what the failure carries (2480 edit conflict: ``{"message": Message}``, the newest)
        self.data: dict[str, Any] = data or {}
        super().__init__(f"{code}: {self.message}")

    @property
    def is_user_sig_expired(self) -> bool:
        """True for an expired UserSig (70001, or 6206 as native SDKs name it)."""
        return self.code in (70001, 6206)


@dataclass(eq=False)
class Message:
    """A message, as ``@tencentcloud/chat``'s ``Message`` (snake_case fields).

    Attributes:
        id: the server's message ID (opaque string). Before it is sent, a local
            ID ``"<userID>-<time>-<random>"`` that the send replaces.
        conversation_id: ``"C2C<peer>"`` from this user's point of view, or
            ``"GROUP<groupID>"``.
        conversation_type: ``TYPES.CONV_C2C`` or ``TYPES.CONV_GROUP``.
        from_: the sender's userID (also :attr:`sender`).
        to: the receiver's userID (the group ID for group messages).
        flow: ``"out"`` (sent by this user, from any device) or ``"in"``.
        time: unix seconds, the server's time once sent.
        sequence: position in the conversation (0 before sending and for
            online-only messages).
        random: the client random that makes retries idempotent.
        status: ``"unSend"``, ``"success"`` or ``"fail"``.
        is_read: whether this user read it (always True for ``out``).
        is_peer_read: whether the peer read it (``out`` only).
        is_revoked: recalled by its sender.
        payload: the first element in the SDK's shape, e.g. ``{"text": "hi"}``.
        type: the first element's type, ``TYPES.MSG_*``.
        msg_body: every element in the REST shape (``[{"MsgType", "MsgContent"}]``).
        cloud_custom_data: the app's string riding along with the message.
        at_user_list: group messages: the mentioned userIDs (``TYPES.MSG_AT_ALL``
            mentions everyone).
        need_read_receipt: the sender asked for read receipts.
        read_receipt_info: ``{"readCount", "unreadCount"}`` once asked with
            ``get_message_read_receipt_list`` (or told by
            ``MESSAGE_READ_RECEIPT_RECEIVED``).
        priority: ``TYPES.MSG_PRIORITY_*`` (set it before sending).
        is_support_extension: it may carry key-value extensions (set it before
            sending; Tencent's ``isSupportExtension``).
        offline_push_info: how it is pushed to offline receivers, when its sender
            gave it (``send_message``'s ``offline_push_info``): ``{"disablePush",
            "title", "description", "extension"}`` as Tencent's SDK names them
            (:func:`push_info_from_wire`), else ``None``.
    """

    id: str = ""
    conversation_id: str = ""
    conversation_type: str = "C2C"
    from_: str = ""
    to: str = ""
    flow: str = "out"
    time: int = 0
    sequence: int = 0
    random: int = 0
    status: str = "unSend"
    is_read: bool = True
    is_peer_read: bool = False
    is_revoked: bool = False
    payload: dict[str, Any] = field(default_factory=dict)
    type: str = "TIMTextElem"
    msg_body: list[dict[str, Any]] = field(default_factory=list)
    cloud_custom_data: str = ""
    nick: str = ""
    avatar: str = ""
    need_read_receipt: bool = False
    online_only: bool = False
    revoker: str = ""
    at_user_list: list[str] = field(default_factory=list)
    read_receipt_info: dict[str, int] = field(default_factory=dict)
    priority: str = "Normal"
    is_support_extension: bool = False
    #: a pinned group message: who pinned it (``{"userID"}``)
    pinner_info: dict[str, str] | None = None
    offline_push_info: dict[str, Any] | None = None
    #: times edited (Tencent's ``version``); an edit names the version it started from
    version: int = 0
    #: edited at least once (``MESSAGE_MODIFIED`` or an edit of mine)
    is_modified: bool = False
    #: deleted for me (:meth:`~palaver.client.Chat.delete_message`)
    is_deleted: bool = False
    #: a forwarded copy: sent with its whole ``msg_body`` as it was
    forwarded: bool = field(default=False, repr=False)
    #: a file to upload when the message is sent (``create_*_message`` with ``"file"``)
    pending_file: Any = field(default=None, repr=False)

    @property
    def sender(self) -> str:
        """The sender's userID (same as :attr:`from_`)."""
        return self.from_

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Message:
        """A message from its protocol object (docs/protocol.md §7)."""
        msg = cls()
        msg.update_from_wire(d)
        return msg

    def update_from_wire(self, d: dict[str, Any]) -> None:
        """Overwrite the fields the protocol object carries (in place)."""
        self.id = str(d.get("ID", self.id))
        self.conversation_id = str(d.get("conversationID", self.conversation_id))
        self.conversation_type = str(d.get("conversationType", self.conversation_type or "C2C"))
        self.from_ = str(d.get("from", self.from_))
        self.to = str(d.get("to", self.to))
        self.flow = str(d.get("flow", self.flow))
        self.time = int(d.get("time", self.time) or 0)
        self.sequence = int(d.get("sequence", self.sequence) or 0)
        self.random = int(d.get("random", self.random) or 0)
        self.status = str(d.get("status", self.status))
        self.is_read = bool(d.get("isRead", self.is_read))
        self.is_peer_read = bool(d.get("isPeerRead", self.is_peer_read))
        self.is_revoked = bool(d.get("isRevoked", self.is_revoked))
        if "payload" in d:
            self.payload = dict(d["payload"] or {})
        if "type" in d:
            self.type = str(d["type"])
        if "MsgBody" in d:
            self.msg_body = list(d["MsgBody"] or [])
        self.cloud_custom_data = str(d.get("cloudCustomData", self.cloud_custom_data) or "")
        self.nick = str(d.get("nick", self.nick) or "")
        self.avatar = str(d.get("avatar", self.avatar) or "")
        self.online_only = bool(d.get("onlineOnly", self.online_only))
        self.need_read_receipt = bool(d.get("needReadReceipt", self.need_read_receipt))
        self.is_support_extension = bool(d.get("isSupportExtension", self.is_support_extension))
        if "atUserList" in d:
            self.at_user_list = [str(u) for u in d["atUserList"] or []]
        if isinstance(d.get("readReceiptInfo"), dict):
            self.read_receipt_info = dict(d["readReceiptInfo"])
        if isinstance(d.get("offlinePushInfo"), dict):
            self.offline_push_info = push_info_from_wire(d["offlinePushInfo"])
        self.version = int(d.get("version", self.version) or 0)
        self.is_modified = self.is_modified or self.version > 0
        if not self.type and self.msg_body:
            self.type = str(self.msg_body[0].get("MsgType", ""))

    def to_wire(self) -> dict[str, Any]:
        """The protocol object (docs/protocol.md §7) of this message."""
        return {
            "ID": self.id,
            "conversationID": self.conversation_id,
            "conversationType": self.conversation_type,
            "from": self.from_,
            "to": self.to,
            "flow": self.flow,
            "time": self.time,
            "sequence": self.sequence,
            "random": self.random,
            "type": self.type,
            "payload": self.payload,
            "MsgBody": self.msg_body,
            "cloudCustomData": self.cloud_custom_data,
            "status": self.status,
            "isRevoked": self.is_revoked,
            "isPeerRead": self.is_peer_read,
            "isRead": self.is_read,
            "nick": self.nick,
            "avatar": self.avatar,
            "atUserList": list(self.at_user_list),
            "needReadReceipt": self.need_read_receipt,
            "isSupportExtension": self.is_support_extension,
            "readReceiptInfo": dict(self.read_receipt_info),
            "version": self.version,
            **(
                {"offlinePushInfo": push_info_to_wire(self.offline_push_info)}
                if self.offline_push_info is not None
                else {}
            ),
        }

    def send_fields(self) -> dict[str, Any]:
        """The ``sendMessage`` fields of this message that are sent only when set."""
        data: dict[str, Any] = {}
        if self.at_user_list:
            data["atUserList"] = self.at_user_list
        if self.is_support_extension:
            data["isSupportExtension"] = True
        if self.priority != "Normal":
            data["priority"] = self.priority
        if len(self.msg_body) > 1 or self.forwarded:
            data["MsgBody"] = self.msg_body
        if self.cloud_custom_data:
            data["cloudCustomData"] = self.cloud_custom_data
        return data

    def __repr__(self) -> str:
        return (
            f"Message(id={self.id!r}, {self.from_}->{self.to}, flow={self.flow}, "
            f"seq={self.sequence}, type={self.type}, payload={self.payload!r}, "
            f"status={self.status}, revoked={self.is_revoked})"
        )


@dataclass(eq=False)
class Conversation:
    """A conversation, as ``@tencentcloud/chat``'s ``Conversation`` (snake_case).

    Attributes:
        conversation_id: ``"C2C<peer>"`` or ``"GROUP<groupID>"``.
        type: ``TYPES.CONV_C2C`` or ``TYPES.CONV_GROUP``.
        unread_count: messages received and not yet read.
        last_message: the newest message, or None.
        is_pinned: pinned conversations list first.
        user_profile: the peer's profile (``{"userID", "nick", "avatar", ...}``; C2C).
        peer_read_sequence: how far the peer has read (a message ``sequence``; C2C).
        group_profile: the group (docs/protocol.md §8.4; GROUP).
        group_at_info_list: unread @-mentions of me: ``[{"groupID", "from",
            "messageSequence", "atTypeArray": [TYPES.CONV_AT_ME | CONV_AT_ALL]}]``
            (GROUP; emptied when the conversation is read).
        message_remind_type: do-not-disturb: ``AcceptAndNotify``,
            ``AcceptNotNotify`` or ``Discard`` (a muted one is left out of the
            unread total).
        draft_text: my draft, kept on the server.
        custom_data: my custom data of the conversation.
        mark_list: my marks (``TYPES.CONV_MARK_TYPE_*``: 1 star, 2 unread, 4 fold, 8 hide).
        conversation_group_list: the names of my conversation groups holding it.
    """

    conversation_id: str
    type: str = "C2C"
    unread_count: int = 0
    last_message: Message | None = None
    is_pinned: bool = False
    user_profile: dict[str, Any] = field(default_factory=dict)
    peer_read_sequence: int = 0
    group_profile: dict[str, Any] = field(default_factory=dict)
    group_at_info_list: list[dict[str, Any]] = field(default_factory=list)
    message_remind_type: str = "AcceptAndNotify"
    draft_text: str = ""
    custom_data: str = ""
    mark_list: list[int] = field(default_factory=list)
    conversation_group_list: list[str] = field(default_factory=list)

    @property
    def muted(self) -> bool:
        """Do-not-disturb is on (``AcceptNotNotify`` or ``Discard``)."""
        return self.message_remind_type not in ("", "AcceptAndNotify")

    @property
    def peer(self) -> str:
        """The other party's userID (C2C) or the group ID (GROUP)."""
        prefix = self.type if self.conversation_id.startswith(self.type) else ""
        return self.conversation_id[len(prefix) :]

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Conversation:
        """A conversation from its protocol object (docs/protocol.md §7)."""
        last = d.get("lastMessage")
        return cls(
            conversation_id=str(d.get("conversationID", "")),
            type=str(d.get("type", "C2C")),
            unread_count=int(d.get("unreadCount", 0) or 0),
            last_message=Message.from_wire(last) if isinstance(last, dict) else None,
            is_pinned=bool(d.get("isPinned", False)),
            user_profile=dict(d.get("userProfile") or {}),
            peer_read_sequence=int(d.get("peerReadSequence", 0) or 0),
            group_profile=dict(d.get("groupProfile") or {}),
            group_at_info_list=[dict(a) for a in d.get("groupAtInfoList") or []],
            message_remind_type=str(d.get("messageRemindType") or "AcceptAndNotify"),
            draft_text=str(d.get("draftText") or ""),
            custom_data=str(d.get("customData") or ""),
            mark_list=[int(m) for m in d.get("markList") or []],
            conversation_group_list=[str(g) for g in d.get("conversationGroupList") or []],
        )

    def key(self) -> tuple[Any, ...]:
        """What a user sees of the conversation, to tell whether it changed."""
        m = self.last_message
        return (
            self.conversation_id,
            self.unread_count,
            self.is_pinned,
            self.peer_read_sequence,
            (m.id, m.is_revoked, m.is_peer_read, m.version) if m else None,
            tuple(sorted((k, repr(v)) for k, v in self.user_profile.items())),
            tuple(sorted((k, repr(v)) for k, v in self.group_profile.items())),
            tuple(repr(a) for a in self.group_at_info_list),
            self.message_remind_type,
            self.draft_text,
            self.custom_data,
            tuple(self.mark_list),
            tuple(self.conversation_group_list),
        )


@dataclass
class MessageListResult:
    """A page of history: ``get_message_list``'s answer.

    Attributes:
        message_list: the messages, oldest first (at most 15).
        next_req_message_id: pass it back to get the page before this one
            (``""`` when complete).
        is_completed: True when there is nothing older.
    """

    message_list: list[Message]
    next_req_message_id: str
    is_completed: bool


def check_recipient(to: str, conversation_type: str) -> None:
    """Raise ChatError 6017 unless ``to`` is a non-empty ID and ``conversation_type``
    is ``C2C`` or ``GROUP``."""
    if not isinstance(to, str) or not to:
        raise ChatError(ERR_INVALID_PARAMETERS, "'to' must be a userID or groupID")
    if conversation_type not in ("C2C", "GROUP"):
        raise ChatError(ERR_INVALID_PARAMETERS, f"bad conversation_type {conversation_type!r}")


def push_info_to_wire(info: dict[str, Any]) -> dict[str, Any]:
    """Tencent's ``OfflinePushInfo`` (the protocol's ``offlinePushInfo``) of a send
    option in the shape of Tencent's SDK: ``disablePush`` (bool) -> ``PushFlag``
    1/0, ``title`` -> ``Title``, ``description`` -> ``Desc``, ``extension`` ->
    ``Ext``. Raises ChatError 6017 if it is not a dict or a text field is not a str."""
    if not isinstance(info, dict):
        raise ChatError(ERR_INVALID_PARAMETERS, "offline_push_info must be a dict")
    wire: dict[str, Any] = {"PushFlag": 1 if info.get("disablePush") else 0}
    for key, name in _PUSH_TEXTS:
        value = info.get(key)
        if value is not None:
            if not isinstance(value, str):
                raise ChatError(ERR_INVALID_PARAMETERS, f"offline_push_info[{key!r}] must be a str")
            wire[name] = value
    return wire


def push_info_from_wire(wire: dict[str, Any]) -> dict[str, Any]:
    """A message's ``offlinePushInfo`` (Tencent's ``OfflinePushInfo``) in the shape
    of Tencent's SDK (the inverse of :func:`push_info_to_wire`)."""
    info: dict[str, Any] = {"disablePush": wire.get("PushFlag") == 1}
    for key, name in _PUSH_TEXTS:
        info[key] = str(wire.get(name) or "")
    return info


_PUSH_TEXTS = (("title", "Title"), ("description", "Desc"), ("extension", "Ext"))


def system_notice(data: dict[str, Any], user_id: str) -> Message:
    """A group system notice sent to chosen members (REST
    ``send_group_system_notification``, push ``GROUP_SYSTEM_NOTICE_RECEIVED``
    ``{"groupID", "content"}``) as Tencent's SDK shows it to ``user_id``: a
    message of ``@TIM#SYSTEM``, type ``TIMGroupSystemNoticeElem``, operationType 255."""
    group_id = str(data.get("groupID", ""))
    content = str(data.get("content", ""))
    return Message(
        id=f"{TYPES.CONV_SYSTEM}-{group_id}-{secrets.randbelow(UINT32)}",
        conversation_id=TYPES.CONV_SYSTEM,
        conversation_type=TYPES.CONV_SYSTEM,
        from_=TYPES.CONV_SYSTEM,
        to=user_id,
        flow="in",
        time=int(time.time()),
        status="success",
        is_read=False,
        type=TYPES.MSG_GRP_SYS_NOTICE,
        payload={
            "operationType": 255,
            "groupProfile": {"groupID": group_id},
            "userDefinedField": content,
        },
        msg_body=[{"MsgType": TYPES.MSG_GRP_SYS_NOTICE, "MsgContent": {"Content": content}}],
    )
