"""The client side of the protocol, without I/O: what an SDK keeps per session.

:class:`ClientSession` numbers requests, matches responses, tracks the stream
cursors (the user's stream and each group's, docs/protocol.md §8.1) and drops
duplicates (by ``seq`` and by message ``ID``), so that an SDK only moves bytes
and calls listeners.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from palaver.protocol.frames import (
    PROTOCOL_VERSION,
    Push,
    Response,
    encode_request,
    parse_server_frame,
)
from palaver.protocol.objects import GROUP

SEEN_IDS = 5000  # message IDs remembered for duplicate suppression

#: the login error of a busy server: try again after its ``retryAfter`` (docs/protocol.md §3)
SERVER_BUSY = 70169


def reconnect_delay(
    attempt: int, base: float, cap: float, rand: float, retry_after: float | None = None
) -> float:
    """Seconds to wait before (re)connect attempt ``attempt`` (0: the first).

    Exponential backoff with full jitter: uniform over ``[0, min(cap, base *
    2**attempt))`` with ``rand`` uniform in ``[0, 1)``, so clients that lost
    the same server at the same moment spread out instead of coming back
    together (the first attempt too). After a busy server's answer with
    ``retryAfter``, at least that long, plus the jitter. Units are the
    caller's (the Python SDK uses seconds, the JS SDK milliseconds).
    """
    window: float = min(cap, base * 2.0 ** min(attempt, 32))
    jitter = rand * window
    return jitter if retry_after is None else retry_after + jitter


def busy_hint(headers: Mapping[str, str]) -> float | None:
    """Seconds a busy server's HTTP 503 (an upgrade turned away, docs/protocol.md
    §3) asks the client to wait: its ``Retry-After-Ms`` (ms), else its
    ``Retry-After`` (whole seconds); ``None`` if neither is a number ≥ 0."""
    for name, scale in (("Retry-After-Ms", 1000.0), ("Retry-After", 1.0)):
        value = headers.get(name)
        if value is not None and value.strip().isdigit():
            return int(value) / scale
    return None


class ClientSession:
    """Protocol state of one logged-in client across reconnects.

    ``cursor`` survives reconnects: pass it in the next ``login``.
    """

    def __init__(self) -> None:
        self.cursor = 0
        #: last ``seq`` processed per group stream (group id -> MsgSeq)
        self.group_cursors: dict[str, int] = {}
        self.resuming = False  # True once logged in: later logins resume from the cursor
        self.user_id = ""
        self._next_id = 1
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._own_sends: set[int] = set()

    def request(self, op: str, data: dict[str, Any] | None = None) -> tuple[int, bytes]:
        """A new request frame and its id."""
        rid = self._next_id
        self._next_id += 1
        return rid, encode_request(rid, op, data)

    def login_data(
        self, sdk_app_id: int, user_id: str, user_sig: str, platform: str = "Python"
    ) -> dict[str, Any]:
        """The ``login`` request data; after the first login it carries the cursor."""
        data: dict[str, Any] = {
            "v": PROTOCOL_VERSION,
            "SDKAppID": sdk_app_id,
            "userID": user_id,
            "userSig": user_sig,
            "platform": platform,
        }
        if self.resuming:
            data["cursor"] = self.cursor
            data["groupCursors"] = dict(self.group_cursors)
        return data

    def logged_in(self, response: Response) -> None:
        """Note a successful login: a fresh session starts at the stream's end."""
        self.user_id = str(response.data.get("userID", ""))
        if not self.resuming:
            self.cursor = int(response.data.get("cursor", 0))
            self.resuming = True

    def sending(self, random: int) -> None:
        """Note a ``sendMessage`` in flight with this ``random``: its echo in this
        device's own stream is not reported as a received message."""
        self._own_sends.add(random)

    def sent(self, random: int, message_id: str | None) -> None:
        """The send with ``random`` was answered (``message_id`` None if it failed)."""
        self._own_sends.discard(random)
        if message_id:
            self.remember(message_id)

    def receive(self, frame: bytes | str) -> Response | Push | None:
        """Parse a server frame; ``None`` for a duplicate push (already processed).

        Stream pushes move :attr:`cursor`; ``MESSAGE_RECEIVED`` pushes whose
        message ID was already seen, or that echo this device's own sends, are
        dropped (after moving the cursor).
        """
        item = parse_server_frame(frame)
        if isinstance(item, Response):
            return item
        if not self._advance(item):
            return None
        if item.ev == "GROUP_LIST_UPDATED":
            self._membership(item.data)
        elif item.ev == "sync_done":
            self._synced(item.data)
        if item.ev == "MESSAGE_RECEIVED" and self._repeated(item.data.get("message") or {}):
            return None
        return item

    def _advance(self, item: Push) -> bool:
        """Move the cursor of the push's stream (the user's, or a group's) past it;
        False if it was past it already (a duplicate)."""
        if item.seq is None:
            return True
        if item.stream is not None:
            group_id = item.stream[len(GROUP) :]
            if item.seq <= self.group_cursors.get(group_id, -1):
                return False
            self.group_cursors[group_id] = item.seq
            return True
        if item.seq <= self.cursor:
            return False
        self.cursor = item.seq
        return True

    def _synced(self, data: dict[str, Any]) -> None:
        """``sync_done``: group streams caught up to ``groupCursors`` (never backwards)."""
        for group_id, seq in (data.get("groupCursors") or {}).items():
            if seq > self.group_cursors.get(group_id, -1):
                self.group_cursors[group_id] = seq

    def _repeated(self, message: dict[str, Any]) -> bool:
        """Whether a received message was seen already, or echoes a send from this
        device. Marks my own group messages outgoing and read (group frames are
        the same for every member)."""
        if message.get("conversationType") == GROUP and message.get("from") == self.user_id:
            message["flow"] = "out"
            message["isRead"] = True
        msg_id = str(message.get("ID", ""))
        if msg_id and not self.remember(msg_id):
            return True
        return message.get("from") == self.user_id and message.get("random") in self._own_sends

    def _membership(self, data: dict[str, Any]) -> None:
        """Follow the user-stream membership events: a joined group's stream starts
        at ``joinSeq``; a group left is forgotten."""
        group_id = str(data.get("groupID", ""))
        change = data.get("change")
        if change == "joined" and data.get("groupType") != "AVChatRoom":
            self.group_cursors.setdefault(group_id, int(data.get("joinSeq", 0)))
        elif change in ("quit", "kicked", "dismissed"):
            self.group_cursors.pop(group_id, None)

    def remember(self, msg_id: str) -> bool:
        """Record a message ID; False if it was seen already (a duplicate)."""
        if msg_id in self._seen:
            return False
        self._seen[msg_id] = None
        if len(self._seen) > SEEN_IDS:
            self._seen.popitem(last=False)
        return True
