"""Reading groups and their members: lookups, lists, searches and the send-check caches.

Tencent IM REST ``get_group_info``, ``get_appid_group_list``,
``get_joined_group_list``, ``get_group_member_info``, ``get_role_in_group``,
``get_group_shutted_uin`` and the SDK's ``getGroupProfile``, ``getGroupList``,
``searchGroupByID``, ``getGroupMemberList``, ``getGroupMemberProfile``. The other
group services read through the :class:`GroupDirectory` too, and tell it what
they changed (:meth:`GroupDirectory.forget`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from palaver.errors import Code, ImError
from palaver.services.cache import TTLCache
from palaver.services.groups.model import GROUP_CACHE_TTL, Group, Member, norm_type
from palaver.services.ports import Clock
from palaver.storage import Database
from palaver.storage import group_members as member_store
from palaver.storage import groups as group_store

if TYPE_CHECKING:
    from palaver.services.apps import App


class GroupDirectory:
    """Groups and memberships as stored, and short-lived caches of both for the
    per-message checks.

    Changes through this node drop cache entries at once (:meth:`forget`);
    other nodes' changes are seen within :data:`GROUP_CACHE_TTL` seconds
    (docs/deploy.md).

    Args:
        db: the database.
        clock: time (who is muted now).
    """

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._groups: TTLCache[Group] = TTLCache(GROUP_CACHE_TTL)
        self._members: TTLCache[tuple[Member | None]] = TTLCache(GROUP_CACHE_TTL)
        self._room_mutes: TTLCache[dict[str, int]] = TTLCache(GROUP_CACHE_TTL)

    # -- groups -----------------------------------------------------------------

    async def get(self, app: App, group_id: str) -> Group:
        """One group. Raises ImError(Code.ERR_SVR_GROUP_NOT_FOUND) if it does not exist."""
        async with self._db.read() as conn:
            row = await group_store.get_group(conn, app.sdkappid, group_id)
            if row is None:
                raise ImError(Code.ERR_SVR_GROUP_NOT_FOUND, f"group {group_id!r} does not exist")
            counts = await member_store.member_counts(conn, app.sdkappid, [group_id])
        return Group.of(row, counts[group_id])

    async def get_many(self, app: App, group_ids: list[str]) -> dict[str, Group]:
        """Existing groups among ``group_ids`` (missing ones left out)."""
        async with self._db.read() as conn:
            rows = await group_store.get_groups(conn, app.sdkappid, group_ids)
            counts = await member_store.member_counts(conn, app.sdkappid, list(rows))
        return {g: Group.of(r, counts[g]) for g, r in rows.items()}

    async def cached(self, app: App, group_id: str) -> Group:
        """:meth:`get`, cached up to :data:`GROUP_CACHE_TTL` seconds (send checks)."""

        async def load() -> Group:
            return await self.get(app, group_id)

        return await self._groups.get_or_load((app.sdkappid, group_id), load)

    async def search(self, app: App, group_id: str) -> Group:
        """SDK ``searchGroupByID``. Raises ImError 10010 no group; 10007 a Private group."""
        group = await self.get(app, group_id)
        if group.type == "Private":
            raise ImError(
                Code.ERR_SVR_GROUP_PERMISSION_DENY, "a Private (Work) group cannot be searched"
            )
        return group

    async def joined(
        self,
        app: App,
        user: str,
        *,
        type: str | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> tuple[list[tuple[Group, Member]], int]:
        """Groups ``user`` is a member of, newest join first: (page, total)."""
        async with self._db.read() as conn:
            rows = await group_store.memberships(conn, app.sdkappid, user, type=type)
            page = rows[offset : offset + limit if limit is not None else None]
            counts = await member_store.member_counts(
                conn, app.sdkappid, [g.group_id for g, _ in page]
            )
        return [(Group.of(g, counts[g.group_id]), m) for g, m in page], len(rows)

    async def list_app_groups(
        self, app: App, *, limit: int, next_key: int = 0, type: str | None = None
    ) -> tuple[list[str], int, int]:
        """REST ``get_appid_group_list``: (group ids, next key (0 = done), total).

        ``next_key`` is an offset into the app's groups in id order. Raises
        ImError 10004 for an unknown ``type``."""
        async with self._db.read() as conn:
            ids, total = await group_store.list_group_ids(
                conn, app.sdkappid, type=norm_type(type) if type else None, after="", limit=10**9
            )
        page = ids[next_key : next_key + limit]
        nxt = next_key + len(page)
        return page, (nxt if nxt < total else 0), total

    # -- members ----------------------------------------------------------------

    async def member(self, app: App, group_id: str, user: str) -> Member | None:
        """``user``'s membership, or ``None``."""
        async with self._db.read() as conn:
            return await member_store.get_member(conn, app.sdkappid, group_id, user)

    async def cached_member(self, app: App, group_id: str, user: str) -> Member | None:
        """:meth:`member`, cached up to :data:`GROUP_CACHE_TTL` seconds (send checks)."""

        async def load() -> tuple[Member | None]:
            return (await self.member(app, group_id, user),)

        return (await self._members.get_or_load((app.sdkappid, group_id, user), load))[0]

    def forget(self, app: App, group_id: str, users: Iterable[str] = ()) -> None:
        """Drop the cached group and the cached memberships of ``users`` (after a change)."""
        self._groups.drop((app.sdkappid, group_id))
        self.forget_members(app, group_id, users)

    def forget_members(self, app: App, group_id: str, users: Iterable[str]) -> None:
        """Drop the cached memberships of ``users`` only (the group is unchanged)."""
        for u in users:
            self._members.drop((app.sdkappid, group_id, u))

    async def require_member(self, app: App, group_id: str, user: str) -> tuple[Group, Member]:
        """The group and ``user``'s membership. Raises ImError 10010; 10007 not a member."""
        group = await self.get(app, group_id)
        m = await self.member(app, group_id, user)
        if m is None:
            raise ImError(
                Code.ERR_SVR_GROUP_PERMISSION_DENY, f"{user!r} is not a member of the group"
            )
        return group, m

    async def require_manager(
        self, app: App, group_id: str, operator: str, admin: bool, *, owner_only: bool = False
    ) -> tuple[Group, Member | None]:
        """The group and the operator's membership (``None`` for an App admin who
        is not a member). Raises ImError 10010; 10007 unless the operator is the
        owner (or an admin, unless ``owner_only``) or ``admin`` (an App admin)."""
        group = await self.get(app, group_id)
        if admin:
            return group, await self.member(app, group_id, operator)
        m = await self.member(app, group_id, operator)
        allowed = ("Owner",) if owner_only else ("Owner", "Admin")
        if m is None or m.role not in allowed:
            raise ImError(
                Code.ERR_SVR_GROUP_PERMISSION_DENY,
                "only the group owner" + ("" if owner_only else " or an admin"),
            )
        return group, m

    async def members(
        self,
        app: App,
        group_id: str,
        *,
        offset: int = 0,
        limit: int = 100,
        role: str | None = None,
    ) -> tuple[list[Member], int]:
        """Members, owner first then admins then by join time; (page, total).
        Raises ImError(Code.ERR_SVR_GROUP_NOT_FOUND)."""
        async with self._db.read() as conn:
            if not await group_store.group_exists(conn, app.sdkappid, group_id):
                raise ImError(Code.ERR_SVR_GROUP_NOT_FOUND, f"group {group_id!r} does not exist")
            return await member_store.list_members(
                conn, app.sdkappid, group_id, offset=offset, limit=limit, role=role
            )

    async def members_of(self, app: App, group_id: str, users: list[str]) -> list[Member]:
        """The memberships of ``users`` (non-members left out), in request order."""
        async with self._db.read() as conn:
            rows = await member_store.get_members(conn, app.sdkappid, group_id, users)
        return [rows[u] for u in users if u in rows]

    async def roles(self, app: App, group_id: str, users: list[str]) -> dict[str, str]:
        """REST ``get_role_in_group``: role per user, ``"NotMember"`` for others.
        Raises ImError 10010."""
        await self.get(app, group_id)
        found = {m.user_id: m.role for m in await self.members_of(app, group_id, users)}
        return {u: found.get(u, "NotMember") for u in users}

    async def room_muted_until(self, app: App, group_id: str, user: str) -> int:
        """Until when (unix s; 0: not muted) ``user`` is muted in a live room
        (AVChatRoom), cached up to :data:`GROUP_CACHE_TTL` seconds (send checks)."""

        async def load() -> dict[str, int]:
            async with self._db.read() as conn:
                rows = await member_store.room_mutes(
                    conn, app.sdkappid, group_id, int(self._clock.time())
                )
            return dict(rows)

        mutes = await self._room_mutes.get_or_load((app.sdkappid, group_id), load)
        return mutes.get(user, 0)

    def forget_room_mutes(self, app: App, group_id: str) -> None:
        """A live room's mutes changed through this node."""
        self._room_mutes.drop((app.sdkappid, group_id))

    async def muted(self, app: App, group_id: str) -> list[tuple[str, int]]:
        """REST ``get_group_muted_account`` (``get_group_shutted_uin``): (user, muted until, unix s) of the members
        (an AVChatRoom: of its audience) muted now. Raises ImError 10010."""
        group = await self.get(app, group_id)
        if group.type == "AVChatRoom":
            async with self._db.read() as conn:
                return await member_store.room_mutes(
                    conn, app.sdkappid, group_id, int(self._clock.time())
                )
        async with self._db.read() as conn:
            return await member_store.muted_members(
                conn, app.sdkappid, group_id, int(self._clock.time())
            )
