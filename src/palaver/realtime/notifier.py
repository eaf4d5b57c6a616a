"""From committed changes to deliveries: the real-time side of the ``Publisher`` port.

Services call the :class:`Notifier` (through :class:`palaver.services.ports.Publisher`)
after a commit with what changed: stream events with the ``seq`` storage gave
each user, group messages, notices and kicks. It builds each push once
(:mod:`palaver.protocol.pushes`) and publishes it through fan-out; connections
encode it in their own wire protocol.
"""

from __future__ import annotations

from collections.abc import Sequence

from palaver.model.events import Notice, StreamEvent
from palaver.model.messages import MessageRecord, topic_group
from palaver.protocol.pushes import group_message_push, message_push, notice_push, stream_push
from palaver.realtime.delivery import Delivery, GroupFrame, Kick, Outbound, UserFrame
from palaver.realtime.fanout import Fanout


class Notifier:
    """Publishes pushes through fan-out (implements ``Publisher``)."""

    def __init__(self, fanout: Fanout) -> None:
        self._fanout = fanout

    async def stream(self, app_id: int, events: Sequence[StreamEvent]) -> None:
        """Publish committed stream events (one push per user, built once)."""
        self.stream_now(app_id, events)

    def stream_now(self, app_id: int, events: Sequence[StreamEvent]) -> None:
        """:meth:`stream` without awaiting (fan-out's :meth:`~Fanout.publish_now`)."""
        out: list[Delivery] = []
        for e in events:
            push = stream_push(e.kind, e.user_id, e.seq, e.payload, e.message)
            out.append(UserFrame(app_id, e.user_id, Outbound(push), e.seq, e.origin, e.effect))
        self._fanout.publish_now(out)

    async def group_message(
        self, app_id: int, message: MessageRecord, *, origin: str | None = None
    ) -> None:
        """Push a group message to every connection following the group: built
        once, the same push for all (stored: with ``seq`` = MsgSeq; online-only: without).
        A topic's message goes to the followers of its Community group, outside
        the group's stream (no ``seq``)."""
        assert message.group_id is not None
        push = Outbound(group_message_push(message))
        community = topic_group(message.group_id)
        if community is not None:
            await self._fanout.publish([GroupFrame(app_id, community, push)])
            return
        seq = None if message.online_only else message.seq
        await self._fanout.publish([GroupFrame(app_id, message.group_id, push, seq, origin)])

    async def message(self, app_id: int, message: MessageRecord, users: Sequence[str]) -> None:
        """Push an online-only C2C message (never stored) to ``users``' connections."""
        await self._fanout.publish(
            [UserFrame(app_id, u, Outbound(message_push(message, u))) for u in users]
        )

    async def notice(self, app_id: int, users: Sequence[str], notice: Notice) -> None:
        """Push a notice to whoever of ``users`` is online now."""
        push = Outbound(notice_push(notice))
        await self._fanout.publish([UserFrame(app_id, u, push) for u in users])

    async def group_notice(self, app_id: int, group_id: str, notice: Notice) -> None:
        """Push a notice to every connection following the group."""
        await self._fanout.publish([GroupFrame(app_id, group_id, Outbound(notice_push(notice)))])

    async def kick(
        self,
        app_id: int,
        user_id: str,
        kick_type: str,
        *,
        origin: str | None = None,
        platform: str | None = None,
    ) -> None:
        """Close the user's connections on every node with ``KICKED_OUT`` ``kick_type``,
        except connection ``origin`` and, when ``platform`` is set, other platforms'."""
        await self._fanout.publish([Kick(app_id, user_id, kick_type, origin, platform)])
