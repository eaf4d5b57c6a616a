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
from palaver.protocol.objects import C2C, GROUP, message_object
from palaver.realtime.fanout import Delivery, Fanout, GroupEffect
from palaver.storage import Database
from palaver.storage import events as ev_store
from palaver.storage import groups as group_store
from palaver.storage.schema import (
    EV_BLACKLIST,
    EV_CONV_CHANGED,
    EV_CONV_READ,
    EV_FRIEND_REQUESTS,
    EV_FRIENDS,
    EV_GROUP,
    EV_GROUP_APPLICATIONS,
    EV_MESSAGE,
    EV_PROFILE,
    EV_READ_BY_PEER,
    EV_REVOKE,
    FLAG_NEED_RECEIPT,
    FLAG_RECALLED,
)

if TYPE_CHECKING:
    from palaver.realtime.connection import Connection, Item

CATCH_UP_PAGE = 500


@dataclass(frozen=True)
class MessageView:
    """The fields of a stored (or online-only) message a frame needs
    (``group_id`` set for a group message; ``receiver`` is then the group id)."""

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
    group_id: str | None = None
    at_users: list[str] | None = None

    def for_viewer(self, viewer: str) -> dict[str, Any]:
        """The protocol message object as ``viewer`` sees it ("" for the shape
        pushed to every member of a group)."""
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
            group_id=self.group_id,
            at_users=self.at_users,
            need_receipt=bool(self.flags & FLAG_NEED_RECEIPT),
        )


def message_view(row: Any, *, flags: int | None = None) -> MessageView:
    """The view of a ``messages`` row (C2C or group)."""
    conv = row["conv_id"]
    group_id = conv[6:] if conv.startswith("group:") else None
    at = row["at_users"]
    return MessageView(
        msg_id=str(row["id"]),
        sender=row["from_account"],
        receiver=row["to_account"],
        seq=int(row["seq"]),
        time=int(row["msg_time"]),
        random=int(row["random"]),
        body=orjson.loads(row["body"]),
        cloud_custom_data=row["cloud_custom_data"],
        msg_key=row["msg_key"],
        flags=int(row["flags"]) if flags is None else flags,
        group_id=group_id,
        at_users=orjson.loads(at) if at else None,
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
    if kind == EV_GROUP:
        return "GROUP_LIST_UPDATED", p
    if kind == EV_GROUP_APPLICATIONS:
        return "GROUP_APPLICATION_LIST_UPDATED", p
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
    #: a membership event: the user's connections follow/unfollow the group
    effect: GroupEffect | None = None


def group_effect(kind: int, payload: dict[str, Any] | None) -> GroupEffect | None:
    """The follow/unfollow a membership event causes (AVChatRooms are followed
    per connection, never through the stream)."""
    if kind != EV_GROUP or not payload or payload.get("groupType") == "AVChatRoom":
        return None
    change = payload.get("change")
    if change == "joined":
        return GroupEffect(payload["groupID"], True, int(payload.get("joinSeq", 0)))
    if change in ("quit", "kicked", "dismissed"):
        return GroupEffect(payload["groupID"], False)
    return None


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
            effect = e.effect or group_effect(e.kind, e.payload)
            out.append(Delivery(app_id, e.user_id, frame, e.seq, spare=e.origin, effect=effect))
        await self.fanout.publish(out)

    async def group_message(
        self, app_id: int, message: MessageView, *, origin: str | None = None
    ) -> None:
        """Push a group message to every connection following the group: encoded
        once, the same bytes for all (stored: with ``seq`` = MsgSeq; online-only: without)."""
        assert message.group_id is not None
        data = orjson.dumps({"message": message.for_viewer("")})
        seq = None if message.online_only else message.seq
        frame = encode_push("MESSAGE_RECEIVED", data, seq, GROUP + message.group_id)
        await self.fanout.publish(
            [Delivery(app_id, "", frame, seq, spare=origin, group=message.group_id)]
        )

    async def group_ephemeral(
        self, app_id: int, group_id: str, ev: str, data: dict[str, Any]
    ) -> None:
        """Push a frame without ``seq`` to every connection following the group."""
        frame = encode_push(ev, data, None, GROUP + group_id)
        await self.fanout.publish([Delivery(app_id, "", frame, group=group_id)])

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

    async def load(
        self, conn: Connection, after: int
    ) -> tuple[list[tuple[int, Item | None]], bool]:
        """Catch-up reader: the stream of ``conn``'s user after ``after``, encoded
        (membership events carry their follow/unfollow effect)."""
        from palaver.realtime.connection import Tagged

        async with self._db.read() as c:
            rows = await ev_store.read_events(c, conn.app_id, conn.user_id, after, CATCH_UP_PAGE)
        frames: list[tuple[int, Item | None]] = []
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
            frame = encode_push(ev, data, seq)
            effect = group_effect(int(r["kind"]), payload)
            frames.append((seq, Tagged(frame, effect) if effect is not None else frame))
        return frames, len(rows) < CATCH_UP_PAGE

    async def load_group(
        self, conn: Connection, group_id: str, after: int
    ) -> tuple[list[tuple[int, bytes | None]], bool]:
        """Catch-up reader of a group's stream after ``after``: its stored
        messages, encoded as pushed live; a seq with no message (deleted, expired)
        is ``None``, so the stream has no gap."""
        async with self._db.read() as c:
            top = await group_store.head(c, conn.app_id, group_id)
            rows = await group_store.messages_after(c, conn.app_id, group_id, after, CATCH_UP_PAGE)
        stream = GROUP + group_id
        frames: list[tuple[int, bytes | None]] = []
        expect = after + 1
        for r in rows:
            seq = int(r["seq"])
            if seq > top:
                break
            frames.extend((s, None) for s in range(expect, seq))
            view = message_view(r)
            data = orjson.dumps({"message": view.for_viewer("")})
            frames.append((seq, encode_push("MESSAGE_RECEIVED", data, seq, stream)))
            expect = seq + 1
        complete = len(rows) < CATCH_UP_PAGE
        if complete:
            frames.extend((s, None) for s in range(expect, top + 1))
        return frames, complete
