"""Topics of Community groups: create, list, change, delete (Tencent IM REST
``create_topic``, ``get_topic``, ``modify_topic``, ``destroy_topic``;
cloud.tencent.com/document/product/269/78120 and neighbours).

A topic's ID is its group's ID, ``@TOPIC#_`` and a suffix (generated, or chosen
by the creator), so ``GROUP<topic ID>`` names its conversation as Tencent's SDK
names it. Any Community group takes topics (Tencent's need the group created
with ``SupportTopic``). Times are unix seconds.

Every change is pushed to the group's online members (``TOPIC_CREATED``,
``TOPIC_UPDATED``, ``TOPIC_DELETED``); a deleted topic's messages go with it.
"""

from __future__ import annotations

import secrets
import string
from typing import TYPE_CHECKING, Any

from palaver.errors import Code, ImError
from palaver.model.events import TopicsChanged
from palaver.model.messages import TOPIC_MARK
from palaver.services.groups.directory import GroupDirectory
from palaver.services.groups.model import Group, check_text
from palaver.services.ports import Clock, Publisher
from palaver.storage import Database
from palaver.storage import topics as topic_store
from palaver.storage.topics import TopicRow

if TYPE_CHECKING:
    from palaver.services.apps import App

TOPIC_ID_BYTES = 128
MAX_TOPICS = 100  # per Community group
NAME_BYTES = 150
TEXT_BYTES = 400  # introduction, notification
FACE_URL_BYTES = 500
CUSTOM_BYTES = 3000

#: A topic's profile fields and their byte limits.
LIMITS = {
    "name": NAME_BYTES,
    "face_url": FACE_URL_BYTES,
    "introduction": TEXT_BYTES,
    "notification": TEXT_BYTES,
    "custom_data": CUSTOM_BYTES,
}

Topic = TopicRow


class GroupTopics:
    """Topics of every Community group.

    Args:
        db: the database.
        directory: groups and memberships.
        clock: time (creation times).
        publisher: pushes topic changes to the group's online members.
    """

    def __init__(
        self,
        db: Database,
        directory: GroupDirectory,
        clock: Clock,
        publisher: Publisher | None = None,
    ) -> None:
        self._db = db
        self._directory = directory
        self._clock = clock
        self._publisher = publisher

    async def _push(self, app: App, change: TopicsChanged) -> None:
        if self._publisher is not None:
            await self._publisher.group_notice(app.sdkappid, change.group_id, change)

    async def _community(self, app: App, group_id: str, operator: str, admin: bool) -> Group:
        group, _ = await self._directory.require_manager(app, group_id, operator, admin)
        if group.type != "Community":
            raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, "only Community groups have topics")
        return group

    async def create(
        self,
        app: App,
        operator: str,
        group_id: str,
        *,
        admin: bool,
        name: str,
        topic_id: str | None = None,
        **profile: str,
    ) -> Topic:
        """A new topic (``profile``: ``face_url``, ``introduction``,
        ``notification``, ``custom_data``); the owner or an admin of the group.

        Raises:
            ImError: 10010 no group; 10007 not the owner or an admin, or not a
                Community group; 10004 no name, a field too long, or more than 100
                topics; 10015 a topic ID not made of the group ID, ``@TOPIC#_``
                and a suffix; 10021 the topic ID is taken.
        """
        group = await self._community(app, group_id, operator, admin)
        check_text(name, NAME_BYTES, "TopicName", required=True)
        for k, v in profile.items():
            check_text(v, LIMITS[k], k)
        prefix = group.group_id + TOPIC_MARK
        if topic_id is None:
            alphabet = string.ascii_letters + string.digits
            topic_id = prefix + "".join(secrets.choice(alphabet) for _ in range(12))
        elif not (
            topic_id.startswith(prefix)
            and len(topic_id) > len(prefix)
            and len(topic_id.encode()) <= TOPIC_ID_BYTES
            and topic_id.isprintable()
        ):
            raise ImError(
                Code.ERR_SVR_GROUP_INVALID_GROUPID, f"a topic ID is {prefix}<suffix>: {topic_id!r}"
            )
        row = TopicRow(
            topic_id=topic_id,
            group_id=group.group_id,
            name=name,
            face_url=profile.get("face_url", ""),
            introduction=profile.get("introduction", ""),
            notification=profile.get("notification", ""),
            custom_data=profile.get("custom_data", ""),
            mute_all=False,
            created_at=int(self._clock.time()),
        )
        async with self._db.write() as conn:
            if await topic_store.topic_exists(conn, app.sdkappid, topic_id):
                raise ImError(Code.ERR_SVR_GROUP_GROUPID_IN_USED, f"topic {topic_id!r} exists")
            if len(await topic_store.topics(conn, app.sdkappid, group.group_id)) >= MAX_TOPICS:
                raise ImError(Code.ERR_SVR_GROUP_INVALID_PARAMETERS, f"at most {MAX_TOPICS} topics")
            await topic_store.insert_topic(conn, app.sdkappid, row)
        await self._push(app, TopicsChanged(group.group_id, "created", row))
        return row

    async def get(
        self, app: App, user: str | None, group_id: str, topic_ids: list[str] | None = None
    ) -> list[Topic]:
        """The group's topics (``topic_ids`` only, when given), oldest first; a
        member, or an App admin (``user`` None). Raises ImError 10010 no group,
        10007 not a member."""
        if user is None:
            await self._directory.get(app, group_id)
        else:
            await self._directory.require_member(app, group_id, user)
        async with self._db.read() as conn:
            return await topic_store.topics(conn, app.sdkappid, group_id, topic_ids)

    async def modify(
        self, app: App, operator: str, group_id: str, topic_id: str, *, admin: bool, **changes: Any
    ) -> Topic:
        """Change a topic's profile (``name``, ``face_url``, ``introduction``,
        ``notification``, ``custom_data``; ``mute_all`` bool); the topic now.

        Raises:
            ImError: 10010 no group or no such topic in it; 10007 not the owner or
                an admin; 10004 an empty name or a field too long.
        """
        await self._community(app, group_id, operator, admin)
        if "name" in changes:
            check_text(changes["name"], NAME_BYTES, "TopicName", required=True)
        for k, v in changes.items():
            if k in LIMITS and k != "name":
                check_text(v, LIMITS[k], k)
        async with self._db.write() as conn:
            [*found] = await topic_store.topics(conn, app.sdkappid, group_id, [topic_id])
            if not found:
                raise ImError(Code.ERR_SVR_GROUP_NOT_FOUND, f"no topic {topic_id!r} in the group")
            if changes:
                await topic_store.update_topic(conn, app.sdkappid, topic_id, **changes)
            topic = (await topic_store.topics(conn, app.sdkappid, group_id, [topic_id]))[0]
        if changes:
            await self._push(app, TopicsChanged(topic.group_id, "updated", topic))
        return topic

    async def destroy(
        self, app: App, operator: str, group_id: str, topic_ids: list[str], *, admin: bool
    ) -> dict[str, int]:
        """Delete topics and their messages: a code per topic ID (0 deleted, 10010
        none such in the group). Raises ImError 10010 no group, 10007 not the owner
        or an admin."""
        await self._community(app, group_id, operator, admin)
        async with self._db.write() as conn:
            have = {
                t.topic_id
                for t in await topic_store.topics(conn, app.sdkappid, group_id, topic_ids)
            }
            await topic_store.delete_topics(conn, app.sdkappid, group_id, sorted(have))
        if have:
            await self._push(app, TopicsChanged(group_id, "deleted", deleted=tuple(sorted(have))))
        return {t: 0 if t in have else Code.ERR_SVR_GROUP_NOT_FOUND for t in topic_ids}
