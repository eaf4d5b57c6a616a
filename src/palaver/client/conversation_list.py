"""The client's conversation list as a sans-I/O state machine.

:class:`ConversationList` holds what one logged-in user sees: the conversation
list (pinned first, then newest first, with unread counts, last messages,
@-mentions and read positions) and the one :class:`Message` object kept per
message ID (so a recall or a read receipt updates the object the app holds).
It decides how each server push, each answer and each change made on this
device moves that state, and which events it reports.

It does no I/O: no sockets, no timers, no asyncio. Each operation is a
generator (a :data:`Step`) that yields *effects*:

- :class:`Emit` ``(event, data)``: report an ``EVENT.*`` to the listeners now;
- :class:`Call` ``(op, data)``: ask the server (docs/protocol.md §5); the
  driver sends the answer's ``data`` back in, or throws the :class:`ChatError`
  the request failed with.

The SDK drives these steps with its WebSocket (``Chat._drive``); the protocol
corpus (``tests/corpus/*.json``) drives them with scripted answers, and the
JavaScript SDK's ``src/conversation-list.js`` is its twin, replayed against the
same corpus.
"""

from __future__ import annotations

import copy
import logging
from collections import OrderedDict
from collections.abc import Generator, Iterable
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeVar

from palaver.client.constants import EVENT, TYPES
from palaver.client.models import (
    ERR_INVALID_PARAMETERS,
    ChatError,
    Conversation,
    Message,
)

log = logging.getLogger("palaver.client")

CACHED_MESSAGES = 5000  # message objects kept so recalls/read receipts update them in place
MAX_RECEIPT_QUERY = 100  # messages per getMessageReadReceiptList request
#: message types the server never counts as unread (group tips and notices)
NOT_UNREAD = frozenset({TYPES.MSG_GRP_TIP, TYPES.MSG_GRP_SYS_NOTICE})


@dataclass(frozen=True)
class Emit:
    """Effect: report ``event`` (an ``EVENT.*`` value) with ``data`` to the listeners."""

    event: str
    data: Any


@dataclass(frozen=True)
class Call:
    """Effect: make the request ``op`` with ``data``; its answer's data is sent back in."""

    op: str
    data: dict[str, Any] | None = None


Effect: TypeAlias = Emit | Call
_T = TypeVar("_T")
#: A step of the state machine: yields effects, receives answers, returns a ``_T``.
Step: TypeAlias = Generator[Effect, Any, _T]


def snapshot(conv: Conversation) -> Conversation:
    """A copy of a conversation (and of its last message) as it is now: event
    data stays what it was when emitted."""
    out = copy.copy(conv)
    out.user_profile = dict(conv.user_profile)
    out.group_profile = dict(conv.group_profile)
    out.group_at_info_list = [dict(a) for a in conv.group_at_info_list]
    out.mark_list = list(conv.mark_list)
    out.conversation_group_list = list(conv.conversation_group_list)
    if conv.last_message is not None:
        out.last_message = copy.copy(conv.last_message)
    return out


def new_conversation(m: Message) -> Conversation:
    """An empty conversation for ``m``'s (peer or group known by ID only)."""
    if m.conversation_type == TYPES.CONV_GROUP:
        return Conversation(m.conversation_id, m.conversation_type, group_profile={"groupID": m.to})
    peer = m.to if m.flow == "out" else m.from_
    return Conversation(m.conversation_id, m.conversation_type, user_profile={"userID": peer})


def read_receipts(messages: Iterable[Message]) -> Step[dict[str, Any]]:
    """Fetch the read counts of messages (``getMessageReadReceiptList``, at most
    100 per request, per conversation) into their ``read_receipt_info``
    ``{"readCount", "unreadCount"}``. Returns ``{"messageList": [the same
    objects]}``; a failed request's ChatError propagates."""
    msgs = list(messages)
    by_conv: dict[str, list[Message]] = {}
    for m in msgs:
        by_conv.setdefault(m.conversation_id, []).append(m)
    for cid, group in by_conv.items():
        for i in range(0, len(group), MAX_RECEIPT_QUERY):
            chunk = group[i : i + MAX_RECEIPT_QUERY]
            data = yield Call(
                "getMessageReadReceiptList",
                {"conversationID": cid, "messageIDList": [m.id for m in chunk]},
            )
            info = {
                str(x.get("ID")): x.get("readReceiptInfo") or {}
                for x in data.get("messageList") or []
            }
            for m in chunk:
                if m.id in info:
                    m.read_receipt_info = {k: int(v) for k, v in info[m.id].items()}
    return {"messageList": msgs}


class ConversationList:
    """The conversation list and message objects of one login, sans-I/O.

    Args:
        user_id: the logged-in user (mentions of me, my messages).

    Attributes:
        conversations: the list, pinned first, then by newest message.
        messages: the kept message objects by ID, least recently used first
            (at most 5000).
        live_rooms: IDs of the AVChatRooms joined on this device: their
            messages make no conversation.
        own_revokes: IDs this device is recalling: the recall's push is not
            reported (the ``revoke_message`` call is this device's news).

    Every method that returns a :data:`Step` must be driven to its end; the
    others change nothing the listeners were told about.
    """

    def __init__(self, user_id: str = "") -> None:
        self.user_id = user_id
        self.conversations: list[Conversation] = []
        self.messages: OrderedDict[str, Message] = OrderedDict()
        self.live_rooms: set[str] = set()
        self.own_revokes: set[str] = set()
        #: per kept message ID, the newest version this device was told of
        #: (``MESSAGE_MODIFIED``) or first kept at: a later copy (a conversation
        #: fetched after an edit) may update the message but not its report
        self.told_versions: dict[str, int] = {}
        self._emitted_list: tuple[Any, ...] | None = None
        self._emitted_total: int | None = None

    # ------------------------------------------------------------ messages

    def intern(self, msg: Message) -> Message:
        """The one object kept for ``msg.id`` (updated from ``msg``); ``msg``
        itself when it is new or has no ID."""
        if not msg.id:
            return msg
        known = self.messages.get(msg.id)
        if known is None:
            self.messages[msg.id] = msg
            self.told_versions.setdefault(msg.id, msg.version)
            if len(self.messages) > CACHED_MESSAGES:
                gone, _ = self.messages.popitem(last=False)
                self.told_versions.pop(gone, None)
            return msg
        self.messages.move_to_end(msg.id)
        if known is not msg:
            known.update_from_wire(msg.to_wire())
        return known

    def loaded(self, wires: Iterable[dict[str, Any]]) -> list[Message]:
        """The kept objects of messages the server sent (a history page)."""
        return [self.intern(Message.from_wire(w)) for w in wires]

    def find(self, conversation_id: str) -> Conversation | None:
        """The conversation with that ID, or None."""
        for c in self.conversations:
            if c.conversation_id == conversation_id:
                return c
        return None

    def snapshot(self) -> list[Conversation]:
        """Copies of the conversations, in list order."""
        return [snapshot(c) for c in self.conversations]

    def total_unread(self) -> int:
        """The sum of the unread counts, less muted conversations' (as Tencent's SDK)."""
        return sum(c.unread_count for c in self.conversations if not c.muted)

    # ------------------------------------------------------------- pushes

    def received(self, wires: list[dict[str, Any]]) -> Step[list[Message]]:
        """``MESSAGE_RECEIVED`` pushes (protocol message objects, in order):
        report them, fold each into its conversation (a conversation new to
        the list asks the server for its profile), report what changed."""
        msgs = self.loaded(wires)
        yield Emit(EVENT.MESSAGE_RECEIVED, msgs)
        for m in msgs:
            yield from self._fold(m)
        yield from self.emit_changes()
        return msgs

    def revoked(self, data: dict[str, Any]) -> Step[None]:
        """``MESSAGE_REVOKED`` ``{"ID", "conversationID", "sequence", "revoker"}``."""
        msg_id = str(data.get("ID", ""))
        msg = self.messages.get(msg_id)
        if msg is None:
            msg = Message(
                id=msg_id,
                conversation_id=str(data.get("conversationID", "")),
                sequence=int(data.get("sequence", 0) or 0),
                status="success",
            )
        msg.is_revoked = True
        msg.revoker = str(data.get("revoker", ""))
        conv = self.find(msg.conversation_id)
        if conv is not None and conv.last_message is not None and conv.last_message.id == msg_id:
            conv.last_message.is_revoked = True
        if msg_id in self.own_revokes:
            self.own_revokes.discard(msg_id)
        else:
            yield Emit(EVENT.MESSAGE_REVOKED, [msg])
        yield from self.emit_changes()

    def modified(self, data: dict[str, Any]) -> Step[None]:
        """``MESSAGE_MODIFIED`` ``{"conversationID", "modifier", "message"}`` (or
        my edit's answer): reported once per version, whichever comes first; the
        kept message takes the new state when it is a newer version. A copy that
        came in between (a conversation's last message fetched after the edit)
        updates the message but does not count as reported."""
        wire = dict(data.get("message") or {})
        fresh = Message.from_wire(wire)
        if not fresh.id:
            return
        msg = self.messages.get(fresh.id)
        if msg is not None:
            if self.told_versions.get(fresh.id, msg.version) >= fresh.version:
                return
            self.told_versions[fresh.id] = fresh.version
        if msg is None:
            msg = fresh
        elif msg.version <= fresh.version:
            wire.pop("flow", None)  # a group push is shaped for everyone: keep my flow
            wire.pop("isRead", None)
            wire.pop("isPeerRead", None)
            msg.update_from_wire(wire)
        msg.is_modified = True
        conv = self.find(msg.conversation_id)
        last = conv.last_message if conv is not None else None
        if last is not None and last.id == msg.id and last is not msg:
            if last.version <= fresh.version:
                last.update_from_wire(wire)
            last.is_modified = True
        yield Emit(EVENT.MESSAGE_MODIFIED, [msg])
        yield from self.emit_changes()

    def read_by_peer(self, data: dict[str, Any]) -> Step[None]:
        """``MESSAGE_READ_BY_PEER`` ``{"conversationID", "userID", "readSequence",
        "time"}``: my messages up to ``readSequence`` become ``is_peer_read``."""
        cid = str(data.get("conversationID", ""))
        read_seq = int(data.get("readSequence", 0) or 0)
        affected = []
        for m in self.messages.values():
            if (
                m.conversation_id == cid
                and m.flow == "out"
                and 0 < m.sequence <= read_seq
                and not m.is_peer_read
            ):
                m.is_peer_read = True
                affected.append(m)
        conv = self.find(cid)
        if conv is not None:
            conv.peer_read_sequence = max(conv.peer_read_sequence, read_seq)
            last = conv.last_message
            if last is not None and last.flow == "out" and last.sequence <= read_seq:
                last.is_peer_read = True
        yield Emit(EVENT.MESSAGE_READ_BY_PEER, {**data, "messageList": affected})
        yield from self.emit_changes()

    def read_receipt(self, data: dict[str, Any]) -> Step[None]:
        """``MESSAGE_READ_RECEIPT_RECEIVED`` ``{"groupID", "conversationID",
        "userID", "readSequence"}``: refresh the read counts of my kept messages
        up to ``readSequence`` that asked for receipts, and report them (nothing
        when there are none)."""
        cid = str(data.get("conversationID", ""))
        read_seq = int(data.get("readSequence", 0) or 0)
        mine = [
            m
            for m in self.messages.values()
            if m.conversation_id == cid
            and m.from_ == self.user_id
            and m.need_read_receipt
            and 0 < m.sequence <= read_seq
        ]
        if not mine:
            return
        yield from read_receipts(mine)
        yield Emit(
            EVENT.MESSAGE_READ_RECEIPT_RECEIVED,
            [
                {
                    "groupID": str(data.get("groupID", "")),
                    "conversationID": cid,
                    "messageID": m.id,
                    "readCount": m.read_receipt_info.get("readCount", 0),
                    "unreadCount": m.read_receipt_info.get("unreadCount", 0),
                }
                for m in mine
            ],
        )

    def conversation_read(self, conversation_id: str, read_seq: int) -> Step[None]:
        """I read a conversation up to ``read_seq`` (``CONVERSATION_READ`` from
        another device, or a read receipt sent here). When newer messages came
        meanwhile, the server says how many are left unread."""
        self._mark_read(conversation_id, read_seq)
        conv = self.find(conversation_id)
        if conv is not None:
            conv.group_at_info_list = [
                a for a in conv.group_at_info_list if a.get("messageSequence", 0) > read_seq
            ]
        if conv is not None and conv.unread_count:
            last = conv.last_message
            if last is None or last.sequence <= read_seq:
                conv.unread_count = 0
            else:  # newer messages arrived meanwhile: ask the server
                fresh = yield Call("getConversationProfile", {"conversationID": conversation_id})
                conv.unread_count = int(
                    (fresh.get("conversation") or {}).get("unreadCount", conv.unread_count)
                )
        yield from self.emit_changes()

    def profile_updated(self, data: dict[str, Any]) -> Step[None]:
        """``PROFILE_UPDATED`` ``{"userID", "profile"}``: the C2C conversation
        with that user shows the new profile."""
        profile = dict(data.get("profile") or {})
        user_id = str(data.get("userID") or profile.get("userID") or "")
        if user_id:
            profile.setdefault("userID", user_id)
        for conv in self.conversations:
            if conv.type == TYPES.CONV_C2C and conv.peer == user_id:
                conv.user_profile = {**conv.user_profile, **profile}
        yield Emit(EVENT.PROFILE_UPDATED, [profile])
        yield from self.emit_changes()

    def refresh(self, *, emit: bool = True) -> Step[None]:
        """Replace the list with the server's (``getConversationList``): after a
        login, a reconnect, a pin or a delete; reports what changed if ``emit``."""
        data = yield Call("getConversationList")
        convs = [Conversation.from_wire(c) for c in data.get("conversationList") or []]
        for c in convs:
            if c.last_message is not None:
                c.last_message = self.intern(c.last_message)
        self.conversations = convs
        if emit:
            yield from self.emit_changes()

    # ------------------------------------------------------ local changes

    def sent(self, message: Message) -> Step[None]:
        """This device sent ``message`` (stored: ``sequence`` > 0)."""
        yield from self._fold(message)
        yield from self.emit_changes()

    def read_locally(self, conversation_id: str) -> Step[None]:
        """This device marked a whole conversation read: no unread, no mentions."""
        conv = self.find(conversation_id)
        if conv is not None and conv.unread_count:
            conv.unread_count = 0
            self._mark_read(conv.conversation_id, None)
        if conv is not None:
            conv.group_at_info_list = []
        yield from self.emit_changes()

    def read_up_to(self, conversation_id: str, read_seq: int) -> Step[None]:
        """This device sent read receipts up to ``read_seq`` (the conversation is
        read that far, as after ``CONVERSATION_READ``)."""
        yield from self.conversation_read(conversation_id, read_seq)

    def revoked_locally(self, kept: Message) -> Step[None]:
        """This device recalled a message (``kept``: the object kept for it, marked revoked)."""
        conv = self.find(kept.conversation_id)
        if conv is not None and conv.last_message is not None and conv.last_message.id == kept.id:
            conv.last_message.is_revoked = True
        yield from self.emit_changes()

    def emit_changes(self, *, force: bool = False) -> Step[None]:
        """Report ``CONVERSATION_LIST_UPDATED`` (snapshots) and
        ``TOTAL_UNREAD_MESSAGE_COUNT_UPDATED`` for what changed since they were
        last reported (both when ``force``)."""
        keys = tuple(c.key() for c in self.conversations)
        if force or keys != self._emitted_list:
            self._emitted_list = keys
            yield Emit(EVENT.CONVERSATION_LIST_UPDATED, self.snapshot())
        total = self.total_unread()
        if force or total != self._emitted_total:
            self._emitted_total = total
            yield Emit(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, total)

    # ------------------------------------------------------------ folding

    def _fold(self, m: Message) -> Step[None]:
        """Fold a stored message into the list (fetching a new conversation)."""
        if m.online_only or m.sequence == 0:
            return
        if m.conversation_type == TYPES.CONV_GROUP and m.to in self.live_rooms:
            return  # live rooms have no conversation (no unread counts, no list entry)
        if self.find(m.conversation_id) is None:
            conv = yield from self._fetch_conversation(m)
            if conv is None:
                return
            self._place(conv)
        self._apply_message(m)

    def _fetch_conversation(self, m: Message) -> Step[Conversation | None]:
        """A conversation new to the list, made from its first message here
        (``None`` for a group that has none: a live room, AVChatRoom).

        Unread counts stay local (one per incoming message folded in); the
        server is asked only for the peer's profile, so a count it computed
        while later messages arrived cannot be counted twice.
        """
        conv = new_conversation(m)
        try:
            data = yield Call("getConversationProfile", {"conversationID": m.conversation_id})
        except ChatError as exc:
            log.debug("no profile for %s: %s", m.conversation_id, exc)
            if exc.code == ERR_INVALID_PARAMETERS and m.conversation_type == TYPES.CONV_GROUP:
                return None
            return conv
        fresh = Conversation.from_wire(data.get("conversation") or {})
        conv.user_profile = fresh.user_profile or conv.user_profile
        conv.group_profile = fresh.group_profile or conv.group_profile
        conv.group_at_info_list = [
            a for a in fresh.group_at_info_list if a.get("messageSequence", 0) < m.sequence
        ]
        conv.is_pinned = fresh.is_pinned
        conv.peer_read_sequence = fresh.peer_read_sequence
        conv.message_remind_type = fresh.message_remind_type
        conv.draft_text = fresh.draft_text
        conv.custom_data = fresh.custom_data
        conv.mark_list = fresh.mark_list
        conv.conversation_group_list = fresh.conversation_group_list
        return conv

    def _apply_message(self, m: Message) -> None:
        """Fold a stored message into its conversation (last message, unread)."""
        conv = self.find(m.conversation_id)
        if conv is None:
            conv = new_conversation(m)
            self._place(conv)
        last = conv.last_message
        if last is None or m.sequence > last.sequence:
            conv.last_message = m
            if m.flow == "in" and not m.is_read and m.type not in NOT_UNREAD:
                conv.unread_count += 1
                self._note_mention(conv, m)
            self._place(conv)
        elif last.sequence == m.sequence and last.id == m.id:
            conv.last_message = m

    def _note_mention(self, conv: Conversation, m: Message) -> None:
        """Add ``m`` to the conversation's ``group_at_info_list`` if it mentions me."""
        types = []
        if self.user_id in m.at_user_list:
            types.append(TYPES.CONV_AT_ME)
        if TYPES.MSG_AT_ALL in m.at_user_list:
            types.append(TYPES.CONV_AT_ALL)
        if not types or any(
            a.get("messageSequence") == m.sequence for a in conv.group_at_info_list
        ):
            return
        conv.group_at_info_list.append(
            {
                "groupID": m.to,
                "from": m.from_,
                "messageSequence": m.sequence,
                "atTypeArray": types,
            }
        )

    def _place(self, conv: Conversation) -> None:
        """Move (or add) ``conv`` to the top of its part (pinned ones first)."""
        if conv in self.conversations:
            self.conversations.remove(conv)
        index = 0
        if not conv.is_pinned:
            while index < len(self.conversations) and self.conversations[index].is_pinned:
                index += 1
        self.conversations.insert(index, conv)

    def _mark_read(self, conversation_id: str, read_seq: int | None) -> None:
        """Mark my kept incoming messages read (up to ``read_seq``; all if None)."""
        for m in self.messages.values():
            if (
                m.conversation_id == conversation_id
                and m.flow == "in"
                and not m.is_read
                and (read_seq is None or m.sequence <= read_seq)
            ):
                m.is_read = True
