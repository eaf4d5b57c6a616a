"""From stored changes to frames on the wire.

Services call the :class:`Notifier` after a commit with what changed and the
stream ``seq`` storage gave each user; it encodes each user's frame once and
publishes it through fan-out.  Catch-up after a reconnect reads the same events
from storage and encodes them the same way (:meth:`Notifier.load`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from palaver.protocol.frames import encode_push
from palaver.protocol.objects import C2C, message_object
from palaver.realtime.fanout import Delivery, Fanout
from palaver.storage import Database
from palaver.storage import events as ev_store
from palaver.storage.schema import (
    EV_BLACKLIST,
    EV_CONV_CHANGED,
    EV_CONV_READ,
    EV_FRIEND_REQUESTS,
    EV_FRIENDS,
    EV_MESSAGE,
    EV_PROFILE,
    EV_READ_BY_PEER,
    EV_REVOKE,
    FLAG_RECALLED,
)

if TYPE_CHECKING:
    from palaver.realtime.connection import Connection

CATCH_UP_PAGE = 500


@dataclass(frozen=True)
class MessageView:
    """The fields of a stored (or online-only) C2C message a frame needs."""

    msg_id: str
    sender: str
    receiver: str
    seq: int
    time: int
    random: int
    body: list[dict[str, Any]]
    cloud_custom_data: str | None = None
    msg_key: str = ""
    flags: int = 0
    online_only: bool = False

    def for_viewer(self, viewer: str) -> dict[str, Any]:
        """The protocol message object as ``viewer`` sees it."""
        return message_object(
            msg_id=self.msg_id,
            sender=self.sender,
            receiver=self.receiver,
            viewer=viewer,
            seq=self.seq,
            time=self.time,
            random=self.random,
            body=self.body,
            cloud_custom_data=self.cloud_custom_data,
            is_revoked=bool(self.flags & FLAG_RECALLED),
            is_read=False,
            msg_key=self.msg_key,
            online_only=self.online_only,
        )


_SIMPLE = {
    EV_FRIENDS: "FRIEND_LIST_UPDATED",
    EV_FRIEND_REQUESTS: "FRIEND_APPLICATION_LIST_UPDATED",
    EV_BLACKLIST: "BLACKLIST_UPDATED",
}


def event_push(
    kind: int, viewer: str, payload: dict[str, Any] | None, message: MessageView | None
) -> tuple[str, dict[str, Any]]:
    """The push (event name, data) of a stream event, as ``viewer`` sees it."""
    p = payload or {}
    if kind == EV_MESSAGE and message is not None:
        return "MESSAGE_RECEIVED", {"message": message.for_viewer(viewer)}
    if kind == EV_REVOKE and message is not None:
        peer = message.receiver if viewer == message.sender else message.sender
        return "MESSAGE_REVOKED", {
            "conversationID": C2C + peer,
            "ID": message.msg_id,
            "sequence": message.seq,
            "revoker": p.get("revoker", message.sender),
        }
    if kind == EV_READ_BY_PEER:
        return "MESSAGE_READ_BY_PEER", {
            "conversationID": C2C + p["peer"],
            "userID": p["peer"],
            "readSequence": p["seq"],
            "time": p.get("time", 0),
        }
    if kind == EV_CONV_READ:
        return "CONVERSATION_READ", {
            "conversationID": p["conversationID"],
            "readSequence": p["seq"],
        }
    if kind == EV_CONV_CHANGED:
        return "CONVERSATION_CHANGED", {
            "conversationID": p["conversationID"],
            "change": p["change"],
        }
    if kind == EV_PROFILE:
        return "PROFILE_UPDATED", p
    return _SIMPLE.get(kind, "UNKNOWN_EVENT"), p


@dataclass(frozen=True)
class StreamEvent:
    """A committed stream event for one user, ready to encode."""

    user_id: str
    seq: int
    kind: int
    payload: dict[str, Any] | None = None
    message: MessageView | None = None
    #: the connection that caused the event and already has it (a send's
    #: response): it only advances its stream position, without the frame
    origin: str | None = None


class Notifier:
    """Encodes stream events and ephemeral pushes, and publishes them."""

    def __init__(self, db: Database, fanout: Fanout) -> None:
        self._db = db
        self.fanout = fanout

    async def stream(self, app_id: int, events: Sequence[StreamEvent]) -> None:
        """Publish committed stream events (one frame per user, encoded once)."""
        out = []
        for e in events:
            ev, data = event_push(e.kind, e.user_id, e.payload, e.message)
            frame = encode_push(ev, data, e.seq)
            out.append(Delivery(app_id, e.user_id, frame, e.seq, spare=e.origin))
        await self.fanout.publish(out)

    async def ephemeral(
        self, app_id: int, users: Sequence[str], ev: str, data: dict[str, Any]
    ) -> None:
        """Push a frame without ``seq`` to whoever of ``users`` is online now."""
        frame = encode_push(ev, data)
        await self.fanout.publish([Delivery(app_id, u, frame) for u in users])

    async def online_only_message(
        self, app_id: int, message: MessageView, users: Sequence[str]
    ) -> None:
        """Push an online-only message (never stored) to ``users``' connections."""
        await self.fanout.publish(
            [
                Delivery(
                    app_id, u, encode_push("MESSAGE_RECEIVED", {"message": message.for_viewer(u)})
                )
                for u in users
            ]
        )

    async def kick(
        self,
        app_id: int,
        user_id: str,
        kick_type: str,
        *,
        spare: str | None = None,
        platform: str | None = None,
    ) -> None:
        """Close the user's connections (on every node) with ``KICKED_OUT``."""
        await self.fanout.publish(
            [Delivery(app_id, user_id, kick=kick_type, spare=spare, platform=platform)]
        )

    async def load(self, conn: Connection, after: int) -> tuple[list[tuple[int, bytes]], bool]:
        """Catch-up reader: the stream of ``conn``'s user after ``after``, encoded."""
        async with self._db.read() as c:
            rows = await ev_store.read_events(c, conn.app_id, conn.user_id, after, CATCH_UP_PAGE)
        frames: list[tuple[int, bytes]] = []
        for r in rows:
            message = None
            if r["message_id"] is not None and r["m_seq"] is not None:
                message = MessageView(
                    msg_id=str(r["message_id"]),
                    sender=r["m_from_account"],
                    receiver=r["m_to_account"],
                    seq=int(r["m_seq"]),
                    time=int(r["m_msg_time"]),
                    random=int(r["m_random"]),
                    body=orjson.loads(r["m_body"]),
                    cloud_custom_data=r["m_cloud_custom_data"],
                    msg_key=r["m_msg_key"],
                    flags=int(r["m_flags"]) & ~FLAG_RECALLED
                    if r["kind"] == EV_MESSAGE
                    else int(r["m_flags"]),
                )
            payload = orjson.loads(r["payload"]) if r["payload"] else None
            if message is None and r["message_id"] is not None:
                # the message is gone (history retention): keep the seq, say so
                ev, data = "MESSAGE_EXPIRED", {"ID": str(r["message_id"])}
            else:
                ev, data = event_push(int(r["kind"]), conn.user_id, payload, message)
            seq = int(r["seq"])
            frames.append((seq, encode_push(ev, data, seq)))
        return frames, len(rows) < CATCH_UP_PAGE
