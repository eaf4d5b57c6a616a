"""Live rooms (AVChatRoom) and who is online in a group.

An AVChatRoom keeps no member list: its audience is the connections following
it (joined per connection, again after a reconnect), and its history is a
short window (the app setting ``avchatroom_history_seconds``). Tencent IM REST
``get_online_member_num`` and the SDK's ``getGroupOnlineMemberCount``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from palaver.services.groups.directory import GroupDirectory
from palaver.services.ports import Audience, Clock, Presence
from palaver.storage import Database
from palaver.storage import group_members as member_store
from palaver.storage import group_messages as group_msg_store
from palaver.storage import groups as group_store

if TYPE_CHECKING:
    from palaver.services.apps import App


class LiveRooms:
    """Online counts, live-room streams and their history window.

    Args:
        db: the database.
        presence: who is online (members of the other group types).
        audience: who follows a live room on this node.
        directory: groups (their types).
        clock: time (the history window).
    """

    def __init__(
        self,
        db: Database,
        presence: Presence,
        audience: Audience,
        directory: GroupDirectory,
        clock: Clock,
    ) -> None:
        self._db = db
        self._presence = presence
        self._audience = audience
        self._directory = directory
        self._clock = clock

    async def online_count(self, app: App, group_id: str) -> int:
        """Members with a connection now (AVChatRoom: users in the room on this
        node). Raises ImError 10010."""
        group = await self._directory.get(app, group_id)
        if group.type == "AVChatRoom":
            return len(self._audience.group_users(app.sdkappid, group_id))
        async with self._db.read() as conn:
            users = await member_store.member_ids(conn, app.sdkappid, group_id)
        online = await self._presence.online(app.sdkappid, users)
        return sum(1 for u in users if online.get(u))

    async def stream_head(self, app: App, group_id: str) -> int:
        """The newest ``MsgSeq`` of a group's stream (0 if none): where a connection
        joining an AVChatRoom (connection-level, nothing stored) starts following it."""
        async with self._db.read() as c:
            return await group_store.head(c, app.sdkappid, group_id)

    async def purge_history(self, apps: Iterable[App], now: int | None = None) -> int:
        """Delete AVChatRoom messages older than each app's
        ``avchatroom_history_seconds`` (``now`` unix s, default the clock's);
        returns how many."""
        now = int(self._clock.time()) if now is None else now
        total = 0
        for app in apps:
            window = app.settings.avchatroom_history_seconds
            async with self._db.write() as conn:
                rooms = await group_store.group_ids_of_type(conn, app.sdkappid, "AVChatRoom")
                total += await group_msg_store.purge_messages_before(
                    conn, app.sdkappid, rooms, now - window
                )
        return total
