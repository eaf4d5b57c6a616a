"""The protocol corpus (``tests/corpus/*.json``) replayed against the Python SDK's
sans-I/O core: :class:`palaver.protocol.client.ClientSession` (cursors,
duplicates) and :class:`palaver.client.conversation_list.ConversationList` (the
conversation list). ``tests/js/corpus.test.mjs`` replays the same files against
the JavaScript SDK's twins with ``node --test``. No server, no socket, no clock.

A case is ``{"name", "title", "user", "liveRooms"?: [groupID], "only"?: "python" |
"js", "divergence"?, "steps": [...]}``; ``only`` marks behaviour in which the two
SDKs differ today (``divergence`` says how), pinned for each.
Each step is one of

- ``{"frames": [server frame, ...]}``: pushes as the server sends them; those the
  protocol session accepts are handled in order, ``MESSAGE_RECEIVED`` frames back
  to back as one batch (as the SDKs' processors do);
- ``{"do": "login" | "getConversationList" | "sendMessage" | "setMessageRead" |
  "sendMessageReadReceipt" | "revokeMessage" | "getMessageList", ...}``: what the
  app does on this device (see ``_do``),

with what must happen: ``calls`` (the requests the step makes, in order, each
``{"op", "data"?, "answer" | "error"}``: the scripted answer or error code),
``events`` (every event emitted, in order: ``[name]`` or ``[name, data]``; none
if left out), and
the state after it: ``conversations`` (the whole list, in order), ``messages``
(kept message objects by ID), ``cursor``. Expected data is matched as a pattern:
an object's listed keys must match (others are ignored), a list must have the
same length and match item by item. Objects use the protocol's field names
(docs/protocol.md §7).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from palaver.client.conversation_list import Call, ConversationList, Emit, Step
from palaver.client.models import ChatError, Conversation, Message
from palaver.protocol.client import ClientSession
from palaver.protocol.frames import Push, Response

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _cases() -> Iterator[Any]:
    for path in sorted(CORPUS.glob("*.json")):
        for case in json.loads(path.read_text())["cases"]:
            if case.get("only") != "js":  # a JS-only case is replayed by tests/js alone
                yield pytest.param(case, id=f"{path.stem}/{case['name']}")


# ------------------------------------------------------------------ matching


def plain(value: Any) -> Any:
    """Event data and state as protocol JSON (Message and Conversation objects too)."""
    if isinstance(value, Message):
        return {
            **value.to_wire(),
            "revoker": value.revoker,
            "onlineOnly": value.online_only,
        }
    if isinstance(value, Conversation):
        return {
            "conversationID": value.conversation_id,
            "type": value.type,
            "unreadCount": value.unread_count,
            "lastMessage": plain(value.last_message),
            "isPinned": value.is_pinned,
            "userProfile": dict(value.user_profile),
            "groupProfile": dict(value.group_profile) or None,
            "groupAtInfoList": [dict(a) for a in value.group_at_info_list],
            "peerReadSequence": value.peer_read_sequence,
        }
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def match(actual: Any, pattern: Any, where: str = "") -> None:
    """Assert ``actual`` (plain JSON) matches ``pattern`` (see the module docstring)."""
    if isinstance(pattern, dict):
        assert isinstance(actual, dict), f"{where}: expected an object, got {actual!r}"
        for key, want in pattern.items():
            assert key in actual, f"{where}: no {key!r} in {actual!r}"
            match(actual[key], want, f"{where}.{key}")
    elif isinstance(pattern, list):
        assert isinstance(actual, list), f"{where}: expected a list, got {actual!r}"
        assert len(actual) == len(pattern), (
            f"{where}: {len(actual)} items, expected {len(pattern)}: {actual!r}"
        )
        for i, (a, p) in enumerate(zip(actual, pattern, strict=True)):
            match(a, p, f"{where}[{i}]")
    else:
        assert actual == pattern, f"{where}: {actual!r} != {pattern!r}"


# ------------------------------------------------------------------- driving


class Replay:
    """One case's SDK core and what its steps did."""

    def __init__(self, user: str) -> None:
        self.user = user
        self.session = ClientSession()
        self.session.logged_in(Response(None, 0, {"userID": user, "cursor": 0}))
        self.convs = ConversationList(user)
        self.calls: list[dict[str, Any]] = []
        self.events: list[list[Any]] = []

    def run(self, step: Step[Any]) -> Any:
        """Drive ``step``: record its events, answer its calls from the script."""
        reply: Any = None
        error: ChatError | None = None
        while True:
            try:
                effect = step.send(reply) if error is None else step.throw(error)
            except StopIteration as stop:
                return stop.value
            reply, error = None, None
            if isinstance(effect, Emit):
                self.events.append([effect.event, plain(effect.data)])
                continue
            reply, error = self._answer(effect)

    def _answer(self, call: Call) -> tuple[Any, ChatError | None]:
        assert self.calls, f"unexpected request {call.op} {call.data}"
        script = self.calls.pop(0)
        assert call.op == script["op"], f"request {call.op}, expected {script['op']}"
        if "data" in script:
            match(call.data, script["data"], call.op)
        if "error" in script:
            return None, ChatError(int(script["error"]))
        return script.get("answer", {}), None

    def frames(self, frames: list[dict[str, Any]]) -> None:
        """Server frames through the protocol session, then the conversation list."""
        pushes = [self.session.receive(orjson.dumps(f)) for f in frames]
        accepted = [p for p in pushes if p is not None]
        i = 0
        while i < len(accepted):
            push = accepted[i]
            if push.ev == "MESSAGE_RECEIVED":
                batch = [push]
                while i + 1 < len(accepted) and accepted[i + 1].ev == "MESSAGE_RECEIVED":
                    i += 1
                    batch.append(accepted[i])
                self.run(self.convs.received([p.data.get("message") or {} for p in batch]))
            else:
                self.run(self._push(push))
            i += 1

    def _push(self, push: Push) -> Step[None]:
        d = push.data
        handlers: dict[str, Callable[[], Step[None]]] = {
            "MESSAGE_REVOKED": lambda: self.convs.revoked(d),
            "MESSAGE_MODIFIED": lambda: self.convs.modified(d),
            "MESSAGE_READ_BY_PEER": lambda: self.convs.read_by_peer(d),
            "CONVERSATION_READ": lambda: self.convs.conversation_read(
                str(d.get("conversationID", "")), int(d.get("readSequence", 0) or 0)
            ),
            "CONVERSATION_CHANGED": lambda: self.convs.refresh(),
            "PROFILE_UPDATED": lambda: self.convs.profile_updated(d),
            "MESSAGE_READ_RECEIPT_RECEIVED": lambda: self.convs.read_receipt(d),
        }
        assert push.ev in handlers, f"the corpus has no use for {push.ev} yet"
        return handlers[push.ev]()

    def do(self, step: dict[str, Any]) -> None:
        """What the app does on this device (the SDK method's local part)."""
        what, convs = step["do"], self.convs
        if what == "login":
            self.run(convs.refresh(emit=False))
            self.run(convs.emit_changes(force=True))
        elif what == "getConversationList":
            self.run(convs.refresh())
        elif what == "sendMessage":  # the server's answer, as send_message applies it
            message = Message.from_wire(step["message"])
            message.status, message.flow, message.is_read = "success", "out", True
            convs.intern(message)
            self.run(convs.sent(message))
        elif what == "setMessageRead":
            self.run(convs.read_locally(step["conversationID"]))
        elif what == "sendMessageReadReceipt":
            self.run(convs.read_up_to(step["conversationID"], step["upTo"]))
        elif what == "revokeMessage":
            convs.own_revokes.add(step["ID"])
            kept = convs.messages[step["ID"]]
            kept.is_revoked = True
            kept.revoker = self.user
            self.run(convs.revoked_locally(kept))
        elif what == "getMessageList":
            convs.loaded(step["page"])
        else:
            raise AssertionError(f"unknown step {what!r}")


@pytest.mark.parametrize("case", list(_cases()))
def test_corpus(case: dict[str, Any]) -> None:
    replay = Replay(case["user"])
    replay.convs.live_rooms = set(case.get("liveRooms", []))
    for n, step in enumerate(case["steps"]):
        where = f"step {n}"
        replay.calls = list(step.get("calls", []))
        replay.events = []
        if "frames" in step:
            replay.frames(step["frames"])
        else:
            replay.do(step)
        assert not replay.calls, f"{where}: requests not made: {replay.calls}"
        names = [e[0] for e in replay.events]
        expected = step.get("events", [])
        assert names == [e[0] for e in expected], f"{where}: events {names}"
        for got, want in zip(replay.events, expected, strict=True):
            if len(want) > 1:
                match(got[1], want[1], f"{where} {want[0]}")
        if "conversations" in step:
            match(plain(replay.convs.conversations), step["conversations"], f"{where} list")
        for msg_id, want in step.get("messages", {}).items():
            kept = replay.convs.messages.get(msg_id)
            assert kept is not None, f"{where}: message {msg_id} is not kept"
            match(plain(kept), want, f"{where} message {msg_id}")
        if "cursor" in step:
            assert replay.session.cursor == step["cursor"], f"{where}: cursor"


def test_corpus_is_there() -> None:
    """The corpus exists and every case has a title saying what a user sees."""
    cases = [c.values[0] for c in _cases()]
    assert len(cases) >= 20
    for case in cases:
        assert case["title"] and case["steps"], case["name"]
