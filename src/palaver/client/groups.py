"""Groups: create, join, leave, profiles, members, roles, applications and
live rooms (Tencent's group manager), as a mixin of :class:`palaver.client.Chat`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from palaver.client._processor import Processor, PushHandler
from palaver.client.constants import EVENT, TYPES
from palaver.client.models import ERR_INVALID_PARAMETERS, ChatError

#: update_group_profile's snake_case names -> protocol names
_GROUP_FIELDS = {
    "max_member_num": "maxMemberNum",
    "join_option": "joinOption",
    "mute_all_members": "muteAllMembers",
    "group_custom_field": "groupCustomField",
}
#: GROUP_LIST_UPDATED changes after which a group conversation came or went
_MEMBERSHIP_CHANGES = ("joined", "quit", "kicked", "dismissed")


class GroupManager(Processor):
    """Group calls of :class:`~palaver.client.Chat` (Tencent's group manager).

    AVChatRooms joined (or created) on this device are followed per
    connection: the SDK joins them again after a reconnect, and their
    messages make no conversation.
    """

    def _push_handlers(self) -> dict[str, PushHandler]:
        return {
            **super()._push_handlers(),
            "GROUP_LIST_UPDATED": self._on_group_list,
            "GROUP_APPLICATION_LIST_UPDATED": self._on_group_applications,
            "GROUP_ATTRIBUTES_UPDATED": self._on_group_attributes,
            "GROUP_COUNTER_UPDATED": self._on_group_counters,
            "TOPIC_CREATED": self._on_topics,
            "TOPIC_UPDATED": self._on_topics,
            "TOPIC_DELETED": self._on_topics,
        }

    async def _on_topics(self, gen: int, data: dict[str, Any]) -> None:
        if "topicIDList" in data:
            self._emit(EVENT.TOPIC_DELETED, {k: data[k] for k in ("groupID", "topicIDList")})
        elif "topicID" in data:
            self._emit(EVENT.TOPIC_CREATED, {k: data[k] for k in ("groupID", "topicID")})
        else:
            self._emit(EVENT.TOPIC_UPDATED, {k: data.get(k) for k in ("groupID", "topic")})

    async def _on_group_list(self, gen: int, data: dict[str, Any]) -> None:
        if data.get("change") in _MEMBERSHIP_CHANGES:
            await self._drive(self._convs.refresh())  # the group conversation came or went
        groups = await self.get_group_list()
        self._emit(EVENT.GROUP_LIST_UPDATED, groups["groupList"])

    async def _on_group_applications(self, gen: int, data: dict[str, Any]) -> None:
        self._emit(EVENT.GROUP_APPLICATION_LIST_UPDATED, await self.get_group_application_list())

    async def _on_group_attributes(self, gen: int, data: dict[str, Any]) -> None:
        keys = ("groupID", "groupAttributes", "updatedKeyList", "deletedKeyList")
        self._emit(EVENT.GROUP_ATTRIBUTES_UPDATED, {k: data.get(k) for k in keys})

    async def _on_group_counters(self, gen: int, data: dict[str, Any]) -> None:
        for key, value in (data.get("counters") or {}).items():
            self._emit(
                EVENT.GROUP_COUNTER_UPDATED,
                {"groupID": data["groupID"], "key": key, "value": value},
            )

    async def create_group(
        self,
        *,
        type: str,
        name: str,
        group_id: str | None = None,
        introduction: str | None = None,
        notification: str | None = None,
        avatar: str | None = None,
        max_member_num: int | None = None,
        join_option: str | None = None,
        member_list: Iterable[dict[str, Any]] | None = None,
        group_custom_field: Iterable[dict[str, str]] | None = None,
    ) -> dict[str, Any]:
        """Create a group that I own: ``{"group"}`` (docs/protocol.md §8.4).

        Args:
            type: ``TYPES.GRP_WORK`` (Private), ``GRP_PUBLIC``, ``GRP_MEETING``
                (ChatRoom), ``GRP_AVCHATROOM``, ``GRP_COMMUNITY``.
            group_id: a custom ID (not starting with ``@TGS#``); generated if None.
            join_option: ``TYPES.JOIN_OPTIONS_*`` (Public groups).
            member_list: ``[{"userID", "role"?, "memberCustomField"?}]`` (≤ 100).
            group_custom_field: ``[{"key", "value"}]``.

        I am in an AVChatRoom I create (and in it again after a reconnect).

        Raises:
            ChatError: 10004 bad type/name/option; 10015 bad ``group_id``; 10021
                ``group_id`` in use; 10019 a member is not imported; 10038 too many.
        """
        data: dict[str, Any] = {"type": type, "name": name}
        optional = {
            "groupID": group_id,
            "introduction": introduction,
            "notification": notification,
            "avatar": avatar,
            "maxMemberNum": max_member_num,
            "joinOption": join_option,
            "memberList": list(member_list) if member_list is not None else None,
            "groupCustomField": list(group_custom_field)
            if group_custom_field is not None
            else None,
        }
        data.update({k: v for k, v in optional.items() if v is not None})
        answer = await self._request("createGroup", data)
        group = answer.get("group") or {}
        if group.get("type") == TYPES.GRP_AVCHATROOM:
            self._convs.live_rooms.add(str(group.get("groupID")))
        return answer

    async def get_group_list(self) -> dict[str, Any]:
        """The groups I am a member of, newest join first: ``{"groupList": [group]}``
        (each with my ``selfInfo``: role, join time, name card, mute)."""
        return await self._request("getGroupList")

    async def get_group_profile(self, group_id: str) -> dict[str, Any]:
        """``{"group"}``. Raises ChatError 10010 no such group; 10007 a Private
        group I am not in."""
        return await self._request("getGroupProfile", {"groupID": group_id})

    async def update_group_profile(self, group_id: str, **fields: Any) -> dict[str, Any]:
        """Change a group I own or administer: ``{"group"}``. Fields (Tencent's
        names, snake_case accepted): ``name``, ``introduction``, ``notification``,
        ``avatar``, ``max_member_num``, ``join_option``, ``mute_all_members``
        (bool), ``group_custom_field`` (``[{"key", "value"}]``, merged). Members
        get a group tip (``TYPES.GRP_TIP_GRP_PROFILE_UPDATED``).

        Raises:
            ChatError: 10007 not owner/admin; 10004 a bad value; 10010.
        """
        data = {_GROUP_FIELDS.get(k, k): v for k, v in fields.items()}
        return await self._request("updateGroupProfile", {"groupID": group_id, **data})

    async def join_group(self, group_id: str, apply_message: str = "") -> dict[str, Any]:
        """Join (or apply to) a group: ``{"status": TYPES.JOIN_STATUS_*, "group"?}``.

        ``Public`` groups follow their ``joinOption`` (``WaitAdminApproval``: the
        owner and admins get ``GROUP_APPLICATION_LIST_UPDATED``; when they agree,
        ``GROUP_LIST_UPDATED`` comes here). ChatRoom and Community are free; an
        AVChatRoom is joined by this device only, and again after a reconnect.

        Raises:
            ChatError: 10007 a Private group or one that takes no applications;
                10010 no such group; 10014 full.
        """
        data: dict[str, Any] = {"groupID": group_id}
        if apply_message:
            data["applyMessage"] = apply_message
        answer = await self._request("joinGroup", data)
        group = answer.get("group") or {}
        if group.get("type") == TYPES.GRP_AVCHATROOM:
            self._convs.live_rooms.add(group_id)
        return answer

    async def quit_group(self, group_id: str) -> dict[str, Any]:
        """Leave a group: ``{"groupID"}``. Raises ChatError 10009 I own it
        (dismiss it, or hand it over first); 10007 not a member; 10010."""
        answer = await self._request("quitGroup", {"groupID": group_id})
        self._convs.live_rooms.discard(group_id)
        return answer

    async def dismiss_group(self, group_id: str) -> dict[str, Any]:
        """Dismiss a group I own: ``{"groupID"}``; members get ``GROUP_LIST_UPDATED``.
        Raises ChatError 10007 not the owner; 10010."""
        answer = await self._request("dismissGroup", {"groupID": group_id})
        self._convs.live_rooms.discard(group_id)
        return answer

    async def search_group_by_id(self, group_id: str) -> dict[str, Any]:
        """A group's public profile: ``{"group"}``. Raises ChatError 10010 none;
        10007 a Private group."""
        return await self._request("searchGroupByID", {"groupID": group_id})

    async def change_group_owner(self, group_id: str, new_owner_id: str) -> dict[str, Any]:
        """Hand my group to a member (I become a Member): ``{"group"}``.
        Raises ChatError 10007 not the owner; 10004 not a member."""
        return await self._request(
            "changeGroupOwner", {"groupID": group_id, "newOwnerID": new_owner_id}
        )

    async def get_group_application_list(self) -> dict[str, Any]:
        """Pending applications to groups I own or administer, newest first:
        ``{"applicationList": [{"groupID", "groupName", "applicant",
        "applicantNick", "applyMessage", "time"}], "unreadCount"}``."""
        return await self._request("getGroupApplicationList")

    async def handle_group_application(
        self,
        handle_action: str,
        *,
        application: dict[str, Any] | None = None,
        group_id: str | None = None,
        applicant: str | None = None,
        handle_message: str = "",
    ) -> dict[str, Any]:
        """Agree or reject an application (``handle_action`` ``"Agree"`` or
        ``"Reject"``), given as an item of ``get_group_application_list`` or by
        ``group_id`` and ``applicant``. Returns ``{}``.

        Raises:
            ChatError: 10007 not owner/admin; 10024 no such pending application;
                6017 neither an application nor group_id and applicant.
        """
        app = application or {}
        gid = group_id or app.get("groupID")
        who = applicant or app.get("applicant")
        if not gid or not who:
            raise ChatError(ERR_INVALID_PARAMETERS, "which application? (group_id, applicant)")
        data = {"groupID": gid, "applicant": who, "handleAction": handle_action}
        if handle_message:
            data["handleMessage"] = handle_message
        return await self._request("handleGroupApplication", data)

    async def get_group_member_list(
        self, group_id: str, count: int = 15, offset: int = 0, role: str | None = None
    ) -> dict[str, Any]:
        """A page of members, owner first then by join time: ``{"memberList":
        [{"userID", "nick", "avatar", "role", "joinTime", "nameCard", "muteUntil",
        "memberCustomField"}], "offset"}`` (the next offset; 0 when done).
        ``count`` 1..100. Raises ChatError 10007 not a member; 10010."""
        data: dict[str, Any] = {"groupID": group_id, "count": count, "offset": offset}
        if role is not None:
            data["role"] = role
        return await self._request("getGroupMemberList", data)

    async def get_group_member_profile(
        self, group_id: str, user_id_list: Iterable[str]
    ) -> dict[str, Any]:
        """The members among ``user_id_list`` (≤ 50): ``{"memberList"}``.
        Raises ChatError 10007 I am not a member; 10010."""
        return await self._request(
            "getGroupMemberProfile", {"groupID": group_id, "userIDList": list(user_id_list)}
        )

    async def add_group_member(self, group_id: str, user_id_list: Iterable[str]) -> dict[str, Any]:
        """Invite users: ``{"successUserIDList", "failureUserIDList",
        "existedUserIDList", "group"}``. Private groups: any member invites;
        others: owner/admins. Raises ChatError 10007 not allowed; 10014 full."""
        return await self._request(
            "addGroupMember", {"groupID": group_id, "userIDList": list(user_id_list)}
        )

    async def delete_group_member(
        self, group_id: str, user_id_list: Iterable[str], reason: str = ""
    ) -> dict[str, Any]:
        """Kick members: ``{"group", "userIDList"}`` (those removed). The owner
        kicks anyone, admins kick members. Raises ChatError 10007 not allowed."""
        data: dict[str, Any] = {"groupID": group_id, "userIDList": list(user_id_list)}
        if reason:
            data["reason"] = reason
        return await self._request("deleteGroupMember", data)

    async def set_group_member_role(self, group_id: str, user_id: str, role: str) -> dict[str, Any]:
        """Make a member ``TYPES.GRP_MBR_ROLE_ADMIN`` or ``..._MEMBER`` (owner
        only): ``{"group", "member"}``. Raises ChatError 10007; 10004 bad role."""
        return await self._request(
            "setGroupMemberRole", {"groupID": group_id, "userID": user_id, "role": role}
        )

    async def set_group_member_mute_time(
        self, group_id: str, user_id: str, mute_time: int
    ) -> dict[str, Any]:
        """Mute a member for ``mute_time`` seconds (0 unmutes; owner/admins):
        ``{"group", "member"}``; their sends then fail with 10017.
        Raises ChatError 10007 not allowed."""
        return await self._request(
            "setGroupMemberMuteTime",
            {"groupID": group_id, "userID": user_id, "muteTime": int(mute_time)},
        )

    async def set_group_member_name_card(
        self, group_id: str, name_card: str, user_id: str | None = None
    ) -> dict[str, Any]:
        """Set my name card in a group (or a member's, as owner/admin):
        ``{"group", "member"}``. Raises ChatError 10007 not allowed."""
        data: dict[str, Any] = {"groupID": group_id, "nameCard": name_card}
        if user_id is not None:
            data["userID"] = user_id
        return await self._request("setGroupMemberNameCard", data)

    async def set_group_member_custom_field(
        self,
        group_id: str,
        member_custom_field: Iterable[dict[str, str]],
        user_id: str | None = None,
    ) -> dict[str, Any]:
        """Set member custom fields (``[{"key", "value"}]``, merged; mine, or a
        member's as owner/admin): ``{"group", "member"}``."""
        data: dict[str, Any] = {
            "groupID": group_id,
            "memberCustomField": list(member_custom_field),
        }
        if user_id is not None:
            data["userID"] = user_id
        return await self._request("setGroupMemberCustomField", data)

    async def get_group_online_member_count(self, group_id: str) -> dict[str, Any]:
        """``{"memberCount"}``: members online now (AVChatRoom: users in the room)."""
        return await self._request("getGroupOnlineMemberCount", {"groupID": group_id})

    # -- group attributes and counters (every member; AVChatRoom: once in the room)

    async def init_group_attributes(
        self, group_id: str, group_attributes: dict[str, str]
    ) -> dict[str, Any]:
        """Replace every attribute of the group: ``{"groupAttributes"}``. Members get
        ``GROUP_ATTRIBUTES_UPDATED``. Raises ChatError 10007 not a member, 10004 past
        the limits (16 keys of ≤ 32 bytes, values ≤ 4000 bytes, 16,000 in all)."""
        data = {"groupID": group_id, "groupAttributes": dict(group_attributes)}
        return await self._request("initGroupAttributes", data)

    async def set_group_attributes(
        self, group_id: str, group_attributes: dict[str, str]
    ) -> dict[str, Any]:
        """Add or change attributes: ``{"groupAttributes"}``. Errors as
        :meth:`init_group_attributes`."""
        data = {"groupID": group_id, "groupAttributes": dict(group_attributes)}
        return await self._request("setGroupAttributes", data)

    async def delete_group_attributes(
        self, group_id: str, key_list: Iterable[str] = ()
    ) -> dict[str, Any]:
        """Delete attributes (every one when ``key_list`` is empty): ``{"keyList"}``
        (those that were there). Raises ChatError 10007 not a member."""
        return await self._request(
            "deleteGroupAttributes", {"groupID": group_id, "keyList": list(key_list)}
        )

    async def get_group_attributes(
        self, group_id: str, key_list: Iterable[str] = ()
    ) -> dict[str, Any]:
        """``{"groupAttributes": {key: value}}`` (all, or ``key_list``). Raises
        ChatError 10007 not a member."""
        return await self._request(
            "getGroupAttributes", {"groupID": group_id, "keyList": list(key_list)}
        )

    async def set_group_counters(self, group_id: str, counters: dict[str, int]) -> dict[str, Any]:
        """Set counters: ``{"counters"}``. Members get ``GROUP_COUNTER_UPDATED``. Raises
        ChatError 10007 not a member, 10004 over 20 counters or a key over 128 bytes."""
        return await self._request(
            "setGroupCounters", {"groupID": group_id, "counters": dict(counters)}
        )

    async def increase_group_counter(self, group_id: str, key: str, value: int) -> dict[str, Any]:
        """Add ``value`` (≥ 0) to a counter (a missing one starts at 0): ``{"counters":
        {key: new value}}``. Errors as :meth:`set_group_counters`."""
        data = {"groupID": group_id, "key": key, "value": value}
        return await self._request("increaseGroupCounter", data)

    async def decrease_group_counter(self, group_id: str, key: str, value: int) -> dict[str, Any]:
        """Take ``value`` (≥ 0) from a counter: ``{"counters": {key: new value}}``."""
        data = {"groupID": group_id, "key": key, "value": value}
        return await self._request("decreaseGroupCounter", data)

    async def get_group_counters(
        self, group_id: str, key_list: Iterable[str] = ()
    ) -> dict[str, Any]:
        """``{"counters": {key: value}}`` (all, or ``key_list``). Raises ChatError 10007."""
        return await self._request(
            "getGroupCounters", {"groupID": group_id, "keyList": list(key_list)}
        )

    # -- Community topics (the group's owner and admins manage them; members list them)

    async def create_topic_in_community(
        self, group_id: str, topic_name: str, **profile: str
    ) -> dict[str, Any]:
        """A topic in a Community group: ``{"topicID"}`` (``<groupID>@TOPIC#_…``).
        ``profile``: ``topic_id``, ``avatar``, ``introduction``, ``notification``,
        ``custom_data``. Raises ChatError 10007 not owner/admin or not a Community
        group, 10004 no name or too long, 10021 topic ID taken."""
        names = {"topic_id": "topicID", "custom_data": "customData"}
        data: dict[str, Any] = {"groupID": group_id, "topicName": topic_name}
        data.update({names.get(k, k): v for k, v in profile.items()})
        return await self._request("createTopicInCommunity", data)

    async def delete_topic_from_community(
        self, group_id: str, topic_id_list: Iterable[str] = ()
    ) -> dict[str, Any]:
        """Delete topics (all when ``topic_id_list`` is empty): ``{"successTopicList",
        "failureTopicList"}``. Raises ChatError 10007 not owner/admin."""
        data = {"groupID": group_id, "topicIDList": list(topic_id_list)}
        return await self._request("deleteTopicFromCommunity", data)

    async def update_topic_profile(
        self, group_id: str, topic_id: str, **fields: Any
    ) -> dict[str, Any]:
        """Change a topic (``topic_name``, ``avatar``, ``introduction``,
        ``notification``, ``custom_data``, ``mute_all_members``): ``{"topic"}``.
        Raises ChatError 10007 not owner/admin, 10010 no such topic."""
        names = {
            "topic_name": "topicName",
            "custom_data": "customData",
            "mute_all_members": "muteAllMembers",
        }
        data: dict[str, Any] = {"groupID": group_id, "topicID": topic_id}
        data.update({names.get(k, k): v for k, v in fields.items()})
        return await self._request("updateTopicProfile", data)

    async def get_topic_list(
        self, group_id: str, topic_id_list: Iterable[str] = ()
    ) -> dict[str, Any]:
        """The group's topics: ``{"successTopicList", "failureTopicList"}``. Raises
        ChatError 10007 not a member."""
        data = {"groupID": group_id, "topicIDList": list(topic_id_list)}
        return await self._request("getTopicList", data)
