"""What members are told when a group changes: tips in the group, events in their streams.

- A tip (``TIMGroupTipElem``, Tencent's group tip message; SDK
  ``TYPES.MSG_GRP_TIP`` with ``operationType`` :data:`~.model.TIP_JOIN` ...
  :data:`~.model.TIP_MEMBER_PROFILE`) is a message of the group, in its
  history, never unread.
- A membership event goes to the user's own stream (docs/protocol.md §4, §8):
  ``GROUP_LIST_UPDATED`` (joined, quit, kicked, role, dismissed, rejected) and
  ``GROUP_APPLICATION_LIST_UPDATED`` to a group's owner and admins.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from palaver.model.events import (
    EventKind,
    EventPayload,
    GroupApplicationsChanged,
    MembershipChanged,
    StreamEvent,
)
from palaver.services.groups.messages import GroupMessages
from palaver.services.groups.model import Group
from palaver.services.ports import Publisher
from palaver.storage import Database
from palaver.storage import events as ev_store

if TYPE_CHECKING:
    from palaver.services.apps import App


class GroupTips:
    """Writes tips and membership events, then publishes them.

    Args:
        db: the database (stream events).
        publisher: pushes the committed events.
        messages: stores and pushes tips (server-made group messages).
    """

    def __init__(self, db: Database, publisher: Publisher, messages: GroupMessages) -> None:
        self._db = db
        self._publisher = publisher
        self._messages = messages

    async def tip(
        self,
        app: App,
        group: Group,
        operator: str,
        op_type: int,
        users: list[str],
        **extra: Any,
    ) -> None:
        """A group tip (``TIMGroupTipElem``: ``OpType`` ``op_type``, ``Operator_Account``,
        ``List_Account`` ``users``, plus ``extra`` fields such as ``GroupInfo`` or
        ``MemberInfo``): a message of the group, in history, not unread."""
        content: dict[str, Any] = {
            "OpType": op_type,
            "Operator_Account": operator,
            "List_Account": users,
        }
        content.update(extra)
        await self._messages.server_message(
            app, group, operator, [{"MsgType": "TIMGroupTipElem", "MsgContent": content}]
        )

    async def membership_events(
        self,
        app: App,
        items: list[tuple[str, EventPayload]],
        kind: EventKind = EventKind.GROUP,
    ) -> None:
        """Append ``(user, payload)`` events of ``kind`` to the users' streams and
        publish them once committed."""
        if not items:
            return
        events = [ev_store.NewEvent(u, kind, None, p) for u, p in items]
        async with self._db.write() as conn:
            seqs = await ev_store.append_events(conn, app.sdkappid, events)
        await self._publisher.stream(
            app.sdkappid,
            [StreamEvent(e.user_id, s, kind, e.payload) for e, s in zip(events, seqs, strict=True)],
        )

    async def applications_changed(self, app: App, group_id: str, managers: list[str]) -> None:
        """Tell the group's ``managers`` (owner and admins) that its pending
        applications changed (``GROUP_APPLICATION_LIST_UPDATED``)."""
        await self.membership_events(
            app,
            [(u, GroupApplicationsChanged(group_id)) for u in managers],
            EventKind.GROUP_APPLICATIONS,
        )


def change(
    group: Group, change: str, *, role: str | None = None, reason: str | None = None
) -> MembershipChanged:
    """A ``GROUP_LIST_UPDATED`` payload: ``change`` is ``quit``, ``kicked`` (with
    ``reason``), ``role`` (the new ``role``), ``dismissed`` or ``rejected``."""
    return MembershipChanged(group.group_id, change, group.type, role=role, reason=reason)


def joined(group: Group, stream_start: int, role: str) -> MembershipChanged:
    """A ``joined`` event: the member's stream of the group starts after ``stream_start``."""
    return MembershipChanged(group.group_id, "joined", group.type, join_seq=stream_start, role=role)
