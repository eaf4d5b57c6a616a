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
  changed;
- ``EventKind.FRIEND_GROUPS`` (``FRIEND_GROUP_LIST_UPDATED``, no payload) to the
  owner of friend groups created, deleted, renamed, or whose friends changed.

After the commit, :class:`ChangeFeed` publishes them through the ``Publisher`` port.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from palaver.model import callbacks as cb
from palaver.model.events import (
    ApplicationNote,
    ApplicationsChanged,
    BlacklistChanged,
    EventKind,
    EventPayload,
    FriendsChanged,
    StreamEvent,
)
from palaver.services.ports import Publisher
from palaver.services.sns.checks import RelationChecks
from palaver.storage import Tx
from palaver.storage import events as ev_store
from palaver.storage.sns import FriendApplication

if TYPE_CHECKING:
    from palaver.services.apps import App
    from palaver.services.callbacks import CallbackService


class _Detail:
    """What one user's one list gained and lost within a call (in noted order)."""

    __slots__ = ("added", "removed", "updated", "notes", "read_time")

    def __init__(self) -> None:
        self.added: dict[str, None] = {}
        self.removed: dict[str, None] = {}
        self.updated: dict[str, None] = {}
        self.notes: dict[str, ApplicationNote] = {}
        self.read_time = 0


class Changes:
    """The stream events one call produces: each (user, kind) once, in the order
    first noted, each carrying what changed (``FriendsChanged``,
    ``ApplicationsChanged``, ``BlacklistChanged``) so a client can apply it
    without refetching the list."""

    def __init__(self) -> None:
        self._details: dict[tuple[str, EventKind], _Detail] = {}

    def _at(self, user: str, kind: EventKind) -> _Detail:
        d = self._details.get((user, kind))
        if d is None:
            d = self._details[(user, kind)] = _Detail()
        return d

    def friends_added(self, owner: str, peers: Iterable[str]) -> None:
        """``peers`` joined ``owner``'s friend list."""
        self._list(owner, EventKind.FRIENDS, peers, "added")

    def friends_removed(self, owner: str, peers: Iterable[str]) -> None:
        """``peers`` left ``owner``'s friend list."""
        self._list(owner, EventKind.FRIENDS, peers, "removed")

    def friends_updated(self, owner: str, peers: Iterable[str]) -> None:
        """``owner``'s remark, groups or custom data for ``peers`` changed."""
        self._list(owner, EventKind.FRIENDS, peers, "updated")

    def blacklisted(self, owner: str, peers: Iterable[str]) -> None:
        """``owner`` put ``peers`` on its blacklist."""
        self._list(owner, EventKind.BLACKLIST, peers, "added")

    def unblacklisted(self, owner: str, peers: Iterable[str]) -> None:
        """``owner`` took ``peers`` off its blacklist."""
        self._list(owner, EventKind.BLACKLIST, peers, "removed")

    def _list(self, owner: str, kind: EventKind, peers: Iterable[str], field: str) -> None:
        peers = list(peers)
        if not peers:
            return
        d = self._at(owner, kind)
        into: dict[str, None] = getattr(d, field)
        for p in peers:
            into[p] = None
            if field == "added":
                d.removed.pop(p, None)
            elif field == "removed":
                d.added.pop(p, None)
                d.updated.pop(p, None)

    def applications_added(self, applications: Iterable[FriendApplication]) -> None:
        """These applications were created or refreshed: both parties are told."""
        for a in applications:
            note = ApplicationNote(a.to_user, False, a.add_source, a.add_wording, a.created_at)
            self._at(a.from_user, EventKind.FRIEND_APPLICATIONS).notes[a.to_user] = note
            note = ApplicationNote(a.from_user, True, a.add_source, a.add_wording, a.created_at)
            self._at(a.to_user, EventKind.FRIEND_APPLICATIONS).notes[a.from_user] = note

    def applications_removed(self, applications: Iterable[FriendApplication]) -> None:
        """These pending applications are gone: both parties are told."""
        for a in applications:
            for me, other in ((a.from_user, a.to_user), (a.to_user, a.from_user)):
                d = self._at(me, EventKind.FRIEND_APPLICATIONS)
                d.notes.pop(other, None)
                d.removed[other] = None

    def friend_groups_changed(self, owner: str) -> None:
        """``owner``'s friend groups were created, deleted, renamed or refilled."""
        self._at(owner, EventKind.FRIEND_GROUPS)

    def applications_read(self, user: str, at: int) -> None:
        """``user`` read the applications sent to them up to ``at`` (unix s)."""
        self._at(user, EventKind.FRIEND_APPLICATIONS).read_time = at

    def _payload(self, kind: EventKind, d: _Detail) -> EventPayload | None:
        if kind is EventKind.FRIEND_GROUPS:
            return None
        if kind is EventKind.FRIENDS:
            return FriendsChanged(tuple(d.added), tuple(d.removed), tuple(d.updated))
        if kind is EventKind.BLACKLIST:
            return BlacklistChanged(tuple(d.added), tuple(d.removed))
        return ApplicationsChanged(tuple(d.notes.values()), tuple(d.removed), d.read_time)

    def relation_changes(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """What the app backend's Sns callbacks report: ``(command, [(owner,
        peer)...])`` for friends added and removed and blacklist entries added
        and removed, each list in the order noted."""
        out: list[tuple[str, list[tuple[str, str]]]] = []
        for kind, field, command in (
            (EventKind.FRIENDS, "added", cb.SNS_FRIEND_ADD),
            (EventKind.FRIENDS, "removed", cb.SNS_FRIEND_DELETE),
            (EventKind.BLACKLIST, "added", cb.SNS_BLACKLIST_ADD),
            (EventKind.BLACKLIST, "removed", cb.SNS_BLACKLIST_DELETE),
        ):
            pairs = [
                (u, p)
                for (u, k), d in self._details.items()
                if k is kind
                for p in getattr(d, field)
            ]
            if pairs:
                out.append((command, pairs))
        return out

    async def append(self, conn: Tx, app_id: int) -> list[StreamEvent]:
        """Write the events in ``conn``'s transaction; what to publish after the commit."""
        events = [
            ev_store.NewEvent(u, kind, payload=self._payload(kind, d))
            for (u, kind), d in self._details.items()
        ]
        seqs = await ev_store.append_events(conn, app_id, events)
        return [
            StreamEvent(e.user_id, s, e.kind, e.payload) for e, s in zip(events, seqs, strict=True)
        ]


class ChangeFeed:
    """Publishes what a committed call changed.

    Args:
        publisher: pushes the committed stream events.
        checks: its cached relations are forgotten first.
    """

    def __init__(
        self,
        publisher: Publisher,
        checks: RelationChecks,
        callbacks: CallbackService | None = None,
    ) -> None:
        self._publisher = publisher
        self._checks = checks
        self._callbacks = callbacks

    async def commit(self, conn: Tx, app: App, changes: Changes) -> list[StreamEvent]:
        """In the call's transaction: write its stream events (:meth:`Changes.append`)
        and the app backend's ``Sns.*`` callbacks (friends and blacklist added or
        removed; ``PairList`` of ``From_Account`` → ``To_Account``)."""
        events = await changes.append(conn, app.sdkappid)
        if self._callbacks is not None:
            for command, pairs in changes.relation_changes():
                body: dict[str, object] = {
                    "PairList": [
                        {"From_Account": a, "To_Account": b}
                        | ({"Initiator_Account": a} if command == cb.SNS_FRIEND_ADD else {})
                        for a, b in pairs
                    ]
                }
                if command == cb.SNS_FRIEND_ADD:
                    body = {"ClientCmd": "friend_add", **body}
                await self._callbacks.stage(conn, app, command, f"sns:{pairs[0][0]}", body)
        return events

    async def publish(self, app_id: int, events: Sequence[StreamEvent]) -> None:
        """After a commit: forget cached relations, then push the committed events.

        The cache is cleared first so that a client reacting to the push at
        once (say, by sending a message) is checked against the new relations.
        """
        self._checks.forget()
        if self._callbacks is not None:
            self._callbacks.sent()
        if events:
            await self._publisher.stream(app_id, events)
