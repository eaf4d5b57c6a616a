"""Cloud search calls of :class:`~palaver.client.Chat` (Tencent's
``searchCloudMessages``, ``searchCloudUsers``, ``searchCloudGroups``,
``searchCloudGroupMembers``; docs/search.md)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from palaver.client._processor import Processor


def _names(
    keyword_list: Iterable[str], match_type: str, cursor: str, count: int, **extra: Any
) -> dict[str, Any]:
    req: dict[str, Any] = {
        "keywordList": list(keyword_list),
        "keywordListMatchType": match_type,
        "count": count,
    }
    if cursor:
        req["cursor"] = cursor
    req.update({k: v for k, v in extra.items() if v is not None and v != []})
    return req


class SearchManager(Processor):
    """Search calls. Every one answers ``{"search_result_list", "total_count",
    "cursor"}`` (``cursor`` ``""`` on the last page) and raises
    :class:`~palaver.client.ChatError` 27003 on bad keywords (1..5, not only
    punctuation), ``count`` outside 1..100 or a bad cursor."""

    async def search_cloud_messages(
        self,
        keyword_list: Iterable[str] = (),
        *,
        keyword_list_match_type: str = "or",
        conversation_id: str | None = None,
        sender_user_id_list: Iterable[str] = (),
        message_type_list: Iterable[str] = (),
        time_position: int = 0,
        time_period: int = 0,
        cursor: str = "",
        count: int = 20,
    ) -> dict[str, Any]:
        """Messages I may see that contain the keywords (Chinese, English, digits
        and emoji, without spaces between them; width and case folded).

        Without ``conversation_id``: one item per conversation with hits, most
        recent first: ``{"conversation_id", "message_count", "message_list"}``
        (the message only when it is the one hit); with it: that conversation's
        messages, newest first. ``time_position`` (unix s, 0 now) and
        ``time_period`` (s before it) bound the time; ``message_type_list``
        holds ``TYPES.MSG_*``.
        """
        req = _names(
            keyword_list,
            keyword_list_match_type,
            cursor,
            count,
            conversationID=conversation_id,
            senderUserIDList=list(sender_user_id_list),
            messageTypeList=list(message_type_list),
            timePosition=time_position or None,
            timePeriod=time_period or None,
        )
        data = await self._request("searchCloudMessages", req)
        results = [
            {
                "conversation_id": r["conversationID"],
                "message_count": r["messageCount"],
                "message_list": self._convs.loaded(r.get("messageList") or []),
            }
            for r in data.get("searchResultList") or []
        ]
        return _page(data, results)

    async def search_cloud_users(
        self,
        keyword_list: Iterable[str],
        *,
        keyword_list_match_type: str = "or",
        gender: str | None = None,
        mini_birthday: int | None = None,
        max_birthday: int | None = None,
        cursor: str = "",
        count: int = 20,
    ) -> dict[str, Any]:
        """Users whose UserID or nick contains the keywords: profiles (as
        :meth:`get_user_profile`), by UserID."""
        req = _names(
            keyword_list,
            keyword_list_match_type,
            cursor,
            count,
            gender=gender,
            miniBirthday=mini_birthday,
            maxBirthday=max_birthday,
        )
        data = await self._request("searchCloudUsers", req)
        return _page(data, list(data.get("searchResultList") or []))

    async def search_cloud_groups(
        self,
        keyword_list: Iterable[str],
        *,
        keyword_list_match_type: str = "or",
        group_type_list: Iterable[str] = (),
        cursor: str = "",
        count: int = 20,
    ) -> dict[str, Any]:
        """Groups whose ID or name contains the keywords (Private and Work groups
        only if I am a member): group objects, by groupID."""
        req = _names(
            keyword_list,
            keyword_list_match_type,
            cursor,
            count,
            groupTypeList=list(group_type_list),
        )
        data = await self._request("searchCloudGroups", req)
        return _page(data, list(data.get("searchResultList") or []))

    async def search_cloud_group_members(
        self,
        keyword_list: Iterable[str],
        *,
        keyword_list_match_type: str = "or",
        group_id_list: Iterable[str] = (),
        group_type_list: Iterable[str] = (),
        cursor: str = "",
        count: int = 20,
    ) -> dict[str, Any]:
        """Members of my groups whose UserID, name card or nick contains the
        keywords: ``{"groupInfo": {groupID, name, type, avatar}, "memberList":
        [{userID, nick, nameCard, avatar}]}`` per group."""
        req = _names(
            keyword_list,
            keyword_list_match_type,
            cursor,
            count,
            groupIDList=list(group_id_list),
            groupTypeList=list(group_type_list),
        )
        data = await self._request("searchCloudGroupMembers", req)
        return _page(data, list(data.get("searchResultList") or []))


def _page(data: dict[str, Any], results: list[Any]) -> dict[str, Any]:
    return {
        "search_result_list": results,
        "total_count": int(data.get("totalCount") or 0),
        "cursor": str(data.get("cursor") or ""),
    }
