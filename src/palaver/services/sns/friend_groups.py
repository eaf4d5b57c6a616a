"""Friend groups: Tencent IM REST ``sns/group_add``, ``group_delete`` and
``group_get``, and the SDK's ``createFriendGroup``, ``deleteFriendGroup``,
``renameFriendGroup``, ``addToFriendGroup``, ``removeFromFriendGroup`` and
``getFriendGroupList`` (client command ``sns.group_update`` for the last three
changes).

A user has at most :data:`MAX_FRIEND_GROUPS` groups, each named by up to 30
bytes.  A group exists once created, empty or not; a friend added or imported
with a group name (``friend_add`` ``GroupName``, ``friend_update``
``Tag_SNS_IM_Group``) makes that group exist as well.  Every change gives the
owner ``FRIEND_GROUP_LIST_UPDATED`` and, for each friend whose groups changed,
``FRIEND_LIST_UPDATED`` (:mod:`.changes`).

Errors are :class:`~palaver.errors.ImError` 30001 (bad or unknown names, too
many groups; Tencent's ``Err_SNS_Group*`` cases share it) and 30003 (the owner
is not an account); per friend, :data:`NOT_FRIEND` (32216).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from palaver.errors import Code, ImError
from palaver.model.events import StreamEvent
from palaver.services.sns.changes import ChangeFeed, Changes
from palaver.services.sns.model import (
    MAX_BATCH,
    Friend,
    ItemResult,
    check_groups,
    digest,
    possible_ids,
    require_owner,
)
from palaver.storage import Database, Tx
from palaver.storage import accounts as account_store
from palaver.storage import people as people_store
from palaver.storage import sns as sns_store

if TYPE_CHECKING:
    from palaver.services.apps import App

MAX_FRIEND_GROUPS = 32  # friend groups per user (and per group_add call)
NOT_FRIEND = 32216  # Err_SNS_GroupAdd_ToTinyId_Not_Friend


@dataclass(frozen=True)
class FriendGroup:
    """One friend group: its name and its friends (in friend-list order)."""

    name: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class FriendGroupList:
    """``owner``'s friend groups (creation order) and ``sequence``, a digest of
    them (equal values mean unchanged; never 0)."""

    groups: list[FriendGroup]
    sequence: int


def _bad(info: str) -> ImError:
    return ImError(Code.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS, info)


class FriendGroups:
    """The friend groups of every app's users.

    Args:
        db: the database.
        feed: publishes committed changes.
    """

    def __init__(self, db: Database, feed: ChangeFeed) -> None:
        self._db = db
        self._feed = feed

    async def _load(self, conn: Tx, app_id: int, owner: str) -> tuple[list[str], list[Friend]]:
        """``owner``'s group names (created ones, then ones only friends name) and friends."""
        friends = await sns_store.friends_of(conn, app_id, owner)
        names = await people_store.friend_group_names(conn, app_id, owner)
        for f in friends:
            names.extend(g for g in f.groups if g not in names)
        return names, friends

    async def create(
        self, app: App, owner: str, names: Sequence[str], peers: Sequence[str] = ()
    ) -> tuple[list[ItemResult], int]:
        """Create groups ``names`` and put the friends ``peers`` in each of them.

        Tencent IM REST ``sns/group_add`` / the SDK's ``createFriendGroup``.
        Returns per peer a result (0, 30003 not an account, 32216 not a friend)
        and the new ``CurrentSequence``.

        Raises:
            ImError: 30001 no names, a bad name (empty, over 30 bytes), a name
                that exists, more than 32 groups in all, more than 1000 peers;
                30003 ``owner`` is not an account.
        """
        wanted = check_groups(names)
        if not wanted:
            raise _bad("GroupName is empty")
        if len(peers) > MAX_BATCH:
            raise _bad(f"at most {MAX_BATCH} accounts per call")
        app_id = app.sdkappid
        async with self._db.write() as conn:
            await require_owner(conn, app, owner)
            have, friends = await self._load(conn, app_id, owner)
            taken = [n for n in wanted if n in have]
            if taken:
                raise _bad(f"friend group {taken[0]!r} already exists")
            if len(have) + len(wanted) > MAX_FRIEND_GROUPS:
                raise _bad(f"a user has at most {MAX_FRIEND_GROUPS} friend groups")
            await people_store.add_friend_groups(
                conn, app_id, owner, wanted, time.time_ns() // 1_000_000
            )
            results, changed = await self._regroup(
                conn, app_id, friends, peers, add=wanted, remove=()
            )
            events = await self._commit(conn, app, owner, changed)
            seq = digest(await self._snapshot(conn, app_id, owner))
        await self._feed.publish(app_id, events)
        return results, seq

    async def delete(self, app: App, owner: str, names: Sequence[str]) -> int:
        """Delete groups (their friends stay friends); returns ``CurrentSequence``.

        Tencent IM REST ``sns/group_delete`` / the SDK's ``deleteFriendGroup``.

        Raises:
            ImError: 30001 no names or a name that is not one of ``owner``'s
                groups; 30003 ``owner`` is not an account.
        """
        gone = check_groups(names)
        if not gone:
            raise _bad("GroupName is empty")
        app_id = app.sdkappid
        async with self._db.write() as conn:
            await require_owner(conn, app, owner)
            have, friends = await self._load(conn, app_id, owner)
            self._require(have, gone)
            await people_store.delete_friend_groups(conn, app_id, owner, gone)
            changed = [
                replace(f, groups=tuple(g for g in f.groups if g not in gone))
                for f in friends
                if any(g in gone for g in f.groups)
            ]
            await sns_store.save_friend_data(conn, app_id, changed)
            events = await self._commit(conn, app, owner, changed)
            seq = digest(await self._snapshot(conn, app_id, owner))
        await self._feed.publish(app_id, events)
        return seq

    async def update(
        self,
        app: App,
        owner: str,
        name: str,
        *,
        new_name: str | None = None,
        add: Sequence[str] = (),
        remove: Sequence[str] = (),
    ) -> list[tuple[ItemResult, bool]]:
        """Rename group ``name`` to ``new_name`` and/or put friends in it and take
        others out; per peer ``(result, added)`` (0, 30003 not an account, 32216
        not a friend), added ones first.

        The SDK's ``renameFriendGroup``, ``addToFriendGroup`` and
        ``removeFromFriendGroup`` (client command ``sns.group_update``).

        Raises:
            ImError: 30001 ``name`` is not one of ``owner``'s groups, a bad
                ``new_name`` or one that exists, more than 1000 peers;
                30003 ``owner`` is not an account.
        """
        (name,) = check_groups([name])
        if new_name is not None:
            (new_name,) = check_groups([new_name])
        if len(add) + len(remove) > MAX_BATCH:
            raise _bad(f"at most {MAX_BATCH} accounts per call")
        app_id = app.sdkappid
        async with self._db.write() as conn:
            await require_owner(conn, app, owner)
            have, friends = await self._load(conn, app_id, owner)
            self._require(have, [name])
            renamed: list[Friend] = []
            if new_name is not None and new_name != name:
                if new_name in have:
                    raise _bad(f"friend group {new_name!r} already exists")
                renamed = await self._rename(conn, app_id, owner, friends, name, new_name)
                name = new_name
            added, changed_in = await self._regroup(
                conn, app_id, friends, add, add=[name], remove=()
            )
            removed, changed_out = await self._regroup(
                conn, app_id, friends, remove, add=(), remove=[name]
            )
            changed = {f.peer: f for f in [*renamed, *changed_in, *changed_out]}
            events = await self._commit(conn, app, owner, list(changed.values()))
        await self._feed.publish(app_id, events)
        return [(r, True) for r in added] + [(r, False) for r in removed]

    async def get(
        self, app: App, owner: str, names: Sequence[str] | None = None
    ) -> FriendGroupList:
        """``owner``'s friend groups (only ``names`` if given, in that order;
        unknown names are left out) with their friends.

        Tencent IM REST ``sns/group_get`` / the SDK's ``getFriendGroupList``.

        Raises:
            ImError: 30001 a bad name; 30003 ``owner`` is not an account.
        """
        wanted = None if names is None else check_groups(names)
        async with self._db.read() as conn:
            await require_owner(conn, app, owner)
            groups = await self._snapshot(conn, app.sdkappid, owner)
        seq = digest(groups)
        by_name = {g[0]: g for g in groups}
        order = list(by_name) if wanted is None else [n for n in wanted if n in by_name]
        return FriendGroupList([FriendGroup(n, tuple(by_name[n][1])) for n in order], sequence=seq)

    @staticmethod
    async def _rename(
        conn: Tx, app_id: int, owner: str, friends: list[Friend], old: str, new: str
    ) -> list[Friend]:
        """Rename group ``old`` of ``owner`` to ``new``; the friend rows changed
        (saved; ``friends`` is updated in place)."""
        await people_store.add_friend_groups(
            conn, app_id, owner, [new], time.time_ns() // 1_000_000
        )
        await people_store.delete_friend_groups(conn, app_id, owner, [old])
        changed: list[Friend] = []
        for i, f in enumerate(friends):
            if old in f.groups:
                friends[i] = replace(f, groups=tuple(new if g == old else g for g in f.groups))
                changed.append(friends[i])
        await sns_store.save_friend_data(conn, app_id, changed)
        return changed

    async def _snapshot(self, conn: Tx, app_id: int, owner: str) -> list[tuple[str, list[str]]]:
        names, friends = await self._load(conn, app_id, owner)
        return [(n, [f.peer for f in friends if n in f.groups]) for n in names]

    @staticmethod
    def _require(have: Sequence[str], names: Sequence[str]) -> None:
        for n in names:
            if n not in have:
                raise _bad(f"friend group {n!r} does not exist")

    async def _regroup(
        self,
        conn: Tx,
        app_id: int,
        friends: list[Friend],
        peers: Sequence[str],
        *,
        add: Sequence[str],
        remove: Sequence[str],
    ) -> tuple[list[ItemResult], list[Friend]]:
        """Put ``peers`` in groups ``add`` and take them out of ``remove``; the
        per-peer results and the friend rows that changed (saved; ``friends``
        is updated in place)."""
        if not peers:
            return [], []
        accounts = await account_store.existing(conn, app_id, possible_ids(peers))
        index = {f.peer: i for i, f in enumerate(friends)}
        results: list[ItemResult] = []
        changed: dict[str, Friend] = {}
        for p in dict.fromkeys(peers):
            if p not in accounts:
                results.append(ItemResult(p, 30003, "account does not exist"))
                continue
            i = index.get(p)
            if i is None:
                results.append(ItemResult(p, NOT_FRIEND, "Err_SNS_GroupAdd_ToTinyId_Not_Friend"))
                continue
            f = friends[i]
            groups = tuple(g for g in f.groups if g not in remove)
            groups += tuple(g for g in add if g not in groups)
            if groups != f.groups:
                friends[i] = changed[p] = replace(f, groups=groups)
            results.append(ItemResult(p))
        await sns_store.save_friend_data(conn, app_id, list(changed.values()))
        return results, list(changed.values())

    async def _commit(
        self, conn: Tx, app: App, owner: str, changed: Sequence[Friend]
    ) -> list[StreamEvent]:
        changes = Changes()
        changes.friend_groups_changed(owner)
        changes.friends_updated(owner, [f.peer for f in changed])
        return await self._feed.commit(conn, app, changes)
