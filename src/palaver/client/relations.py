"""Profiles and the relationship chain: my profile and others', friends,
friend applications and the blacklist (Tencent's profile and friendship
managers), as a mixin of :class:`palaver.client.Chat`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from palaver.client._processor import Processor, PushHandler
from palaver.client.constants import EVENT, TYPES

_PROFILE_FIELDS = {
    "self_signature": "selfSignature",
    "allow_type": "allowType",
    "message_settings": "messageSettings",
    "admin_forbid_type": "adminForbidType",
    "profile_custom_field": "profileCustomField",
}


class RelationManager(Processor):
    """Profile, friend and blacklist calls of :class:`~palaver.client.Chat`; the
    pushes that say a list changed are answered by refetching it."""

    def _push_handlers(self) -> dict[str, PushHandler]:
        return {
            **super()._push_handlers(),
            "FRIEND_LIST_UPDATED": self._on_friend_list,
            "FRIEND_APPLICATION_LIST_UPDATED": self._on_friend_applications,
            "BLACKLIST_UPDATED": self._on_blacklist,
            "FRIEND_GROUP_LIST_UPDATED": self._on_friend_groups,
            "USER_STATUS_UPDATED": self._on_user_status,
        }

    async def _on_friend_list(self, gen: int, data: dict[str, Any]) -> None:
        friends = await self.get_friend_list()
        self._emit(EVENT.FRIEND_LIST_UPDATED, friends)

    async def _on_friend_applications(self, gen: int, data: dict[str, Any]) -> None:
        self._emit(EVENT.FRIEND_APPLICATION_LIST_UPDATED, await self.get_friend_application_list())

    async def _on_user_status(self, gen: int, data: dict[str, Any]) -> None:
        self._emit(EVENT.USER_STATUS_UPDATED, list(data.get("userStatusList") or []))

    async def _on_friend_groups(self, gen: int, data: dict[str, Any]) -> None:
        self._emit(EVENT.FRIEND_GROUP_LIST_UPDATED, await self.get_friend_group_list())

    async def _on_blacklist(self, gen: int, data: dict[str, Any]) -> None:
        self._emit(EVENT.BLACKLIST_UPDATED, await self.get_blacklist())

    async def get_my_profile(self) -> dict[str, Any]:
        """My profile: ``{"userID", "nick", "avatar", "gender", "selfSignature",
        "allowType", "birthday", "location", "language", "messageSettings",
        "adminForbidType", "level", "role", "profileCustomField": [{"key", "value"}]}``."""
        data = await self._request("getMyProfile")
        return dict(data.get("profile") or data)

    async def get_user_profile(self, user_id_list: Iterable[str]) -> list[dict[str, Any]]:
        """Profiles of users (same shape as :meth:`get_my_profile`)."""
        data = await self._request("getUserProfile", {"userIDList": list(user_id_list)})
        return list(data.get("profileList") or [])

    async def update_my_profile(self, **fields: Any) -> dict[str, Any]:
        """Change my profile; returns it. Fields: ``nick``, ``avatar``, ``gender``
        (``TYPES.GENDER_*``), ``self_signature``, ``allow_type``
        (``TYPES.ALLOW_TYPE_*``), ``birthday`` (int ``YYYYMMDD``), ``location``,
        ``language``, ``message_settings``, ``level``, ``role``,
        ``profile_custom_field`` (``[{"key", "value"}]``); Tencent's camelCase
        names are accepted too. My friends get ``PROFILE_UPDATED``.

        Raises:
            ChatError: the server's profile validation codes (40xxx, 6017).
        """
        data = {_PROFILE_FIELDS.get(k, k): v for k, v in fields.items()}
        answer = await self._request("updateMyProfile", data)
        return dict(answer.get("profile") or answer)

    # ---------------------------------------------------------------- friends

    async def get_friend_list(self) -> list[dict[str, Any]]:
        """My friends: ``[{"userID", "remark", "groupList", "addTime", "profile"}]``."""
        data = await self._request("getFriendList")
        return list(data.get("friendList") or [])

    async def add_friend(
        self,
        to: str,
        source: str,
        wording: str | None = None,
        type: str = TYPES.SNS_ADD_TYPE_BOTH,
        remark: str | None = None,
        group_name: str | None = None,
    ) -> dict[str, Any]:
        """Add a friend or ask to. ``source``: ``"AddSource_Type_<something>"``.

        Returns ``{"userID", "code"}``: code 0 added, 30539 request pending
        (the user's ``allowType`` needs confirmation).

        Raises:
            ChatError: 30516 the user accepts no requests, 30515 I am on their
                blacklist, 30525 they are on mine, 9004 bad ``source``...
        """
        data: dict[str, Any] = {"to": to, "source": source, "type": type}
        if wording is not None:
            data["wording"] = wording
        if remark is not None:
            data["remark"] = remark
        if group_name is not None:
            data["groupName"] = group_name
        return await self._request("addFriend", data)

    async def delete_friend(
        self, user_id_list: Iterable[str], type: str = TYPES.SNS_DELETE_TYPE_BOTH
    ) -> dict[str, Any]:
        """Delete friends. Returns ``{"successUserIDList", "failureUserIDList"}``."""
        return await self._request("deleteFriend", {"userIDList": list(user_id_list), "type": type})

    async def check_friend(
        self, user_id_list: Iterable[str], type: str = TYPES.SNS_CHECK_TYPE_BOTH
    ) -> dict[str, Any]:
        """Check relations. Returns ``{"successUserIDList": [{"userID", "relation"
        (TYPES.SNS_TYPE_*)}], "failureUserIDList"}``."""
        return await self._request("checkFriend", {"userIDList": list(user_id_list), "type": type})

    async def get_friend_application_list(self) -> dict[str, Any]:
        """Friend requests: ``{"friendApplicationList": [{"userID", "type"
        (TYPES.SNS_APPLICATION_SENT_TO_ME / _SENT_BY_ME), "wording", "source",
        "time"}], "unreadCount"}``."""
        return await self._request("getFriendApplicationList")

    async def set_friend_application_read(self) -> dict[str, Any]:
        """Mark the requests sent to me as read: ``unreadCount`` drops to 0 on
        every device of mine (they get FRIEND_APPLICATION_LIST_UPDATED)."""
        return await self._request("setFriendApplicationRead")

    async def accept_friend_application(
        self,
        user_id: str,
        type: str = TYPES.SNS_APPLICATION_AGREE_AND_ADD,
        remark: str | None = None,
    ) -> dict[str, Any]:
        """Accept the request ``user_id`` sent me (``AgreeAndAdd``: we become
        friends both ways; ``Agree``: they add me only)."""
        data: dict[str, Any] = {"userID": user_id, "type": type}
        if remark is not None:
            data["remark"] = remark
        return await self._request("acceptFriendApplication", data)

    async def refuse_friend_application(self, user_id: str) -> dict[str, Any]:
        """Refuse the request ``user_id`` sent me."""
        return await self._request("refuseFriendApplication", {"userID": user_id})

    async def get_blacklist(self) -> list[str]:
        """The userIDs I blacklisted."""
        data = await self._request("getBlacklist")
        return [str(u) for u in data.get("userIDList") or []]

    async def add_to_blacklist(self, user_id_list: Iterable[str]) -> dict[str, Any]:
        """Blacklist users (their messages to me fail with 20007). Returns
        ``{"successUserIDList", "failureUserIDList"}``."""
        return await self._request("addToBlacklist", {"userIDList": list(user_id_list)})

    async def remove_from_blacklist(self, user_id_list: Iterable[str]) -> dict[str, Any]:
        """Take users off my blacklist. Returns ``{"successUserIDList", "failureUserIDList"}``."""
        return await self._request("removeFromBlacklist", {"userIDList": list(user_id_list)})

    # ---------------------------------------------------------- friend data, groups

    async def update_friend(
        self,
        user_id: str,
        remark: str | None = None,
        friend_custom_field: Iterable[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Change a friend's remark and custom fields (``[{"key":
        "Tag_SNS_Custom_x", "value"}]``); returns ``{"userID", "remark",
        "groupList", "friendCustomField"}``. My devices get FRIEND_LIST_UPDATED.

        Raises:
            ChatError: 30001 not a friend or a bad value, 30003 no such
                account, 6017 nothing to change.
        """
        data: dict[str, Any] = {"userID": user_id}
        if remark is not None:
            data["remark"] = remark
        if friend_custom_field is not None:
            data["friendCustomField"] = list(friend_custom_field)
        return await self._request("updateFriend", data)

    async def get_friend_group_list(self) -> list[dict[str, Any]]:
        """My friend groups: ``[{"name", "userIDList", "count"}]``, oldest first."""
        data = await self._request("getFriendGroupList")
        return list(data.get("friendGroupList") or [])

    async def create_friend_group(
        self, name: str, user_id_list: Iterable[str] = ()
    ) -> dict[str, Any]:
        """Create a friend group with some friends: ``{"friendGroup",
        "failureUserIDList": [{"userID", "code", "message"}]}`` (32216 not a
        friend). Raises ChatError 30001 for a bad or existing name or a 33rd group."""
        return await self._request(
            "createFriendGroup", {"name": name, "userIDList": list(user_id_list)}
        )

    async def delete_friend_group(self, name: str) -> dict[str, Any]:
        """Delete a friend group (its friends stay friends); returns it as it was.
        Raises ChatError 30001 if it is not one of mine."""
        data = await self._request("deleteFriendGroup", {"name": name})
        return dict(data.get("friendGroup") or {})

    async def rename_friend_group(self, old_name: str, new_name: str) -> dict[str, Any]:
        """Rename a friend group; returns it. Raises ChatError 30001 if
        ``old_name`` is not mine or ``new_name`` is bad or taken."""
        data = await self._request("renameFriendGroup", {"oldName": old_name, "newName": new_name})
        return dict(data.get("friendGroup") or {})

    async def add_to_friend_group(self, name: str, user_id_list: Iterable[str]) -> dict[str, Any]:
        """Put friends in a group: ``{"friendGroup", "failureUserIDList"}``."""
        return await self._request(
            "addToFriendGroup", {"name": name, "userIDList": list(user_id_list)}
        )

    async def remove_from_friend_group(
        self, name: str, user_id_list: Iterable[str]
    ) -> dict[str, Any]:
        """Take friends out of a group: ``{"friendGroup", "failureUserIDList"}``."""
        return await self._request(
            "removeFromFriendGroup", {"name": name, "userIDList": list(user_id_list)}
        )

    # ------------------------------------------------------------------ user status

    async def get_user_status(self, user_id_list: Iterable[str]) -> dict[str, Any]:
        """Users' status: ``{"successUserList": [{"userID", "statusType" (1
        online, 2 offline), "customStatus"}], "failureUserList": [{"userID",
        "code" (70107 not an account), "message"}]}``."""
        return await self._request("getUserStatus", {"userIDList": list(user_id_list)})

    async def set_self_status(self, custom_status: str) -> dict[str, Any]:
        """Set my custom status (≤ 100 bytes; "" clears it); returns my status.
        My subscribers and devices get USER_STATUS_UPDATED. Raises ChatError
        6017 when too long."""
        return await self._request("setSelfStatus", {"customStatus": custom_status})

    async def subscribe_user_status(self, user_id_list: Iterable[str]) -> dict[str, Any]:
        """Follow users' status (USER_STATUS_UPDATED ``[{"userID", "statusType",
        "customStatus"}]`` when it changes): ``{"failureUserList"}``."""
        return await self._request("subscribeUserStatus", {"userIDList": list(user_id_list)})

    async def unsubscribe_user_status(
        self, user_id_list: Iterable[str] | None = None
    ) -> dict[str, Any]:
        """Stop following users' status (everyone's when ``None``): ``{"failureUserList"}``."""
        return await self._request(
            "unsubscribeUserStatus", {"userIDList": list(user_id_list or [])}
        )
