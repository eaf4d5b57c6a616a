"""Banned members: Tencent IM REST ``ban_group_member``, ``unban_group_member`` and
``get_group_ban_member`` (cloud.tencent.com/document/product/269/79249, /79248;
updated 2025-12: every group type, AVChatRoom first of all).

A ban removes the user from the group and keeps them out until it ends: they
receive nothing more (in an AVChatRoom their connections leave the room), and
joining, being added or an application agreed to fail while it lasts. Times are
unix seconds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from palaver.errors import Code, ImError
from palaver.services.groups import tips
from palaver.services.groups.directory import GroupDirectory
from palaver.services.groups.model import TIP_KICKED
from palaver.services.groups.tips import GroupTips
from palaver.services.ports import Clock
from palaver.storage import Database
from palaver.storage import group_extras as extras_store
from palaver.storage import group_members as member_store

if TYPE_CHECKING:
    from palaver.services.apps import App

MAX_BAN_ACCOUNTS = 20  # Members_Account per ban_group_member / unban_group_member
MAX_BAN_PAGE = 100  # get_group_ban_member: Limit
DESCRIPTION_BYTES = 1000


class GroupBans:
    """Bans of every group.

    Args:
        db: the database.
        directory: groups and memberships (and their caches).
        tips: tips and membership events (the banned are told ``kicked``).
        clock: time (how long a ban lasts).
    """

    def __init__(self, db: Database, directory: GroupDirectory, tips: GroupTips, clock: Clock):
        self._db = db
        self._directory = directory
        self._tips = tips
        self._clock = clock

    async def ban(
        self,
        app: App,
        operator: str,
        group_id: str,
        users: list[str],
        seconds: int,
        description: str = "",
    ) -> None:
        """Ban ``users`` for ``seconds`` (an App admin; a ban already there is
        replaced). Members among them leave the group (``GROUP_LIST_UPDATED``
        ``kicked`` with ``description`` as the reason; the group gets a kick tip);
        in an AVChatRoom every one of them is told, and their connections leave
        the room.

        Raises:
            ImError: 10010 no group; 10004 ``seconds`` 0, a description over 1000
                bytes; 10007 the owner cannot be banned.
        """
        if seconds <= 0:
            raise ImError(Code.ERR_SVR_GROUP_INVALID_PARAMETERS, "Duration must be at least 1")
        if len(description.encode()) > DESCRIPTION_BYTES:
            raise ImError(
                Code.ERR_SVR_GROUP_INVALID_PARAMETERS, "Description is longer than 1000 bytes"
            )
        group = await self._directory.get(app, group_id)
        if group.owner and group.owner in users:
            raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, "the group owner cannot be banned")
        members = [m.user_id for m in await self._directory.members_of(app, group_id, users)]
        until = int(self._clock.time()) + seconds
        async with self._db.write() as conn:
            await extras_store.put_bans(conn, app.sdkappid, group_id, users, until, description)
            if members:
                await member_store.delete_members(conn, app.sdkappid, group_id, members)
        told = users if group.type == "AVChatRoom" else members
        self._directory.forget(app, group_id, members)
        await self._tips.membership_events(
            app, [(u, tips.change(group, "kicked", reason=description)) for u in told]
        )
        if members:
            await self._tips.tip(app, group, operator, TIP_KICKED, members)

    async def unban(self, app: App, group_id: str, users: list[str]) -> None:
        """Lift the bans of ``users`` (not banned is fine); they may join again.
        Raises ImError 10010 no group."""
        await self._directory.get(app, group_id)
        async with self._db.write() as conn:
            await extras_store.drop_bans(conn, app.sdkappid, group_id, users)

    async def banned(
        self, app: App, group_id: str, *, offset: int, limit: int
    ) -> tuple[list[tuple[str, int]], int]:
        """A page of ``(user, banned until)`` banned now, by user id, and how many
        there are. Raises ImError 10010 no group."""
        await self._directory.get(app, group_id)
        async with self._db.read() as conn:
            return await extras_store.list_bans(
                conn, app.sdkappid, group_id, int(self._clock.time()), offset=offset, limit=limit
            )


async def refuse_banned(db: Database, app: App, group_id: str, user: str, now: int) -> None:
    """Raise ImError 10007 if ``user`` is banned from the group at ``now`` (joins)."""
    async with db.read() as conn:
        if await extras_store.banned(conn, app.sdkappid, group_id, [user], now):
            raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, "banned from this group")
