"""What a committed change of friends, applications or blacklists tells the users.

Every committed change lands in the affected users' event streams in the same
transaction (docs/protocol.md §4, §6), whichever layer asked for it:

- ``EventKind.FRIENDS`` (``FRIEND_LIST_UPDATED``) to each user whose friend list
  changed: friends added, imported, updated or deleted, or removed by a
  blacklisting;
- ``EventKind.FRIEND_APPLICATIONS`` (``FRIEND_APPLICATION_LIST_UPDATED``) to both
  parties of an application created, refreshed, accepted, refused, cancelled,
  or dropped because a friendship or a blacklisting made it moot;
- ``EventKind.BLACKLIST`` (``BLACKLIST_UPDATED``) to the owner of a blacklist that
  changed.

After the commit, :class:`ChangeFeed` publishes them through the ``Publisher`` port.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from palaver.model.events import EventKind, StreamEvent
from palaver.services.ports import Publisher
from palaver.services.sns.checks import RelationChecks
from palaver.storage import Tx
from palaver.storage import events as ev_store
from palaver.storage.sns import FriendApplication


class Changes:
    """The stream events one call produces: each (user, kind) once, in the order noted."""

    def __init__(self) -> None:
        self._events: dict[tuple[str, EventKind], None] = {}

    def note(self, kind: EventKind, *users: str) -> None:
        """``users``' ``kind`` list changed (``FRIENDS``, ``FRIEND_APPLICATIONS``, ``BLACKLIST``)."""
        for u in users:
            self._events[(u, kind)] = None

    def applications(self, applications: Iterable[FriendApplication]) -> None:
        """These pending applications were created or removed: both parties are told."""
        for a in applications:
            self.note(EventKind.FRIEND_APPLICATIONS, a.from_user, a.to_user)

    async def append(self, conn: Tx, app_id: int) -> list[StreamEvent]:
        """Write the events in ``conn``'s transaction; what to publish after the commit."""
        events = [ev_store.NewEvent(u, kind) for u, kind in self._events]
        seqs = await ev_store.append_events(conn, app_id, events)
        return [StreamEvent(e.user_id, s, e.kind) for e, s in zip(events, seqs, strict=True)]


class ChangeFeed:
    """Publishes what a committed call changed.

    Args:
        publisher: pushes the committed stream events.
        checks: its cached relations are forgotten first.
    """

    def __init__(self, publisher: Publisher, checks: RelationChecks) -> None:
        self._publisher = publisher
        self._checks = checks

    async def publish(self, app_id: int, events: Sequence[StreamEvent]) -> None:
        """After a commit: forget cached relations, then push the committed events.

        The cache is cleared first so that a client reacting to the push at
        once (say, by sending a message) is checked against the new relations.
        """
        self._checks.forget()
        if events:
            await self._publisher.stream(app_id, events)
