"""Search operations of the client protocol (docs/protocol.md, docs/search.md),
named and shaped as ``@tencentcloud/chat``'s ``searchCloudMessages``,
``searchCloudUsers``, ``searchCloudGroups`` and ``searchCloudGroupMembers``."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from palaver.api.ws.core import OpModel, Session, op
from palaver.api.ws.group_objects import group_object
from palaver.protocol.objects import (
    C2C,
    GROUP,
    conversation_id,
    message_wire,
    split_conversation_id,
)
from palaver.services.profiles import ProfileService
from palaver.services.search import MessageSearch

IMAGE = "Tag_Profile_IM_Image"


class SearchMessages(OpModel):
    keywordList: list[str] = Field([], max_length=5)
    keywordListMatchType: Literal["or", "and"] = "or"
    conversationID: str | None = None
    senderUserIDList: list[str] = Field([], max_length=5)
    messageTypeList: list[str] = Field([], max_length=10)
    timePosition: int = Field(0, ge=0)
    timePeriod: int = Field(0, ge=0)
    cursor: str = ""
    count: int = 20


@op("searchCloudMessages", SearchMessages)
async def search_cloud_messages(s: Session, d: SearchMessages) -> dict[str, Any]:
    """Messages the caller may see that match (docs/search.md). Without
    ``conversationID``: ``searchResultList`` of ``{conversationID, messageCount,
    messageList}`` (the message only when it is the conversation's one hit),
    most recent first, ``count`` conversations a page; with it: that
    conversation's messages, newest first, ``count`` a page. ``timePosition``
    (unix s, 0 now) and ``timePeriod`` (s before it, 0 all) bound the time.
    Errors: 27003 bad keywords, count (1..100) or cursor; 6017 a bad conversationID."""
    app = s.require_app()
    peer = group = None
    if d.conversationID:
        kind, target = split_conversation_id(d.conversationID)
        peer, group = (target, None) if kind == C2C else (None, target)
    end = d.timePosition or None
    start = None
    if d.timePeriod:
        start = max(0, (d.timePosition or int(s.hub.clock.time())) - d.timePeriod)
    page = await s.hub.search.messages(
        app,
        MessageSearch(
            s.user_id,
            keywords=d.keywordList,
            match_all=d.keywordListMatchType == "and",
            peer=peer,
            group_id=group,
            senders=d.senderUserIDList,
            kinds=d.messageTypeList,
            start_time=start,
            end_time=end,
            cursor=d.cursor,
            count=d.count,
        ),
    )
    results = [
        {
            "conversationID": conversation_id(GROUP, c.group_id)
            if c.group_id is not None
            else conversation_id(C2C, c.peer or ""),
            "messageCount": c.count,
            "messageList": [message_wire(m, s.user_id) for m in c.messages],
        }
        for c in page.conversations
    ]
    return {"searchResultList": results, "totalCount": page.total, "cursor": page.cursor}


class SearchNames(OpModel):
    keywordList: list[str] = Field(min_length=1, max_length=5)
    keywordListMatchType: Literal["or", "and"] = "or"
    cursor: str = ""
    count: int = 20
    gender: str | None = None
    miniBirthday: int | None = Field(None, ge=0)
    maxBirthday: int | None = Field(None, ge=0)
    groupTypeList: list[str] = []
    groupIDList: list[str] = []


@op("searchCloudUsers", SearchNames)
async def search_cloud_users(s: Session, d: SearchNames) -> dict[str, Any]:
    """Users whose UserID or nick contains the keywords: ``searchResultList`` of
    profiles (by UserID), ``totalCount``, ``cursor``; ``gender``,
    ``miniBirthday``/``maxBirthday`` filter. Errors: 27003."""
    app = s.require_app()
    birthday = None
    if d.miniBirthday is not None or d.maxBirthday is not None:
        birthday = (d.miniBirthday or 0, d.maxBirthday or 0xFFFFFFFF)
    page = await s.hub.search.users(
        app,
        d.keywordList,
        match_all=d.keywordListMatchType == "and",
        gender=d.gender,
        birthday=birthday,
        cursor=d.cursor,
        count=d.count,
    )
    ids = [u for u, _ in page.items]
    tags = await s.hub.profiles.get(app, ids, None) if ids else {}
    users = [ProfileService.to_sdk_profile(u, tags.get(u, {})) for u in ids]
    return {"searchResultList": users, "totalCount": page.total, "cursor": page.cursor}


@op("searchCloudGroups", SearchNames)
async def search_cloud_groups(s: Session, d: SearchNames) -> dict[str, Any]:
    """Groups whose ID or name contains the keywords (Private and Work groups
    only for members): ``searchResultList`` of groups, ``totalCount``,
    ``cursor``; ``groupTypeList`` filters. Errors: 27003."""
    app = s.require_app()
    page = await s.hub.search.groups(
        app,
        s.user_id,
        d.keywordList,
        match_all=d.keywordListMatchType == "and",
        types=d.groupTypeList,
        cursor=d.cursor,
        count=d.count,
    )
    found = await s.hub.groups.directory.get_many(app, list(page.items)) if page.items else {}
    groups = [group_object(found[g], None) for g in page.items if g in found]
    return {"searchResultList": groups, "totalCount": page.total, "cursor": page.cursor}


@op("searchCloudGroupMembers", SearchNames)
async def search_cloud_group_members(s: Session, d: SearchNames) -> dict[str, Any]:
    """Members of the caller's groups whose UserID, name card or nick contains
    the keywords: ``searchResultList`` of ``{groupInfo: {groupID, name, type,
    avatar}, memberList: [{userID, nick, nameCard, avatar}]}``, ``totalCount``
    (members), ``cursor``; ``groupIDList``/``groupTypeList`` filter. Errors: 27003."""
    app = s.require_app()
    page = await s.hub.search.members(
        app,
        s.user_id,
        d.keywordList,
        match_all=d.keywordListMatchType == "and",
        group_ids=d.groupIDList,
        types=d.groupTypeList,
        cursor=d.cursor,
        count=d.count,
    )
    gids = list(dict.fromkeys(h.group_id for h in page.items))
    groups = await s.hub.groups.directory.get_many(app, gids) if gids else {}
    users = [h.user_id for h in page.items]
    faces = await s.hub.profiles.get(app, users, [IMAGE]) if users else {}
    out: dict[str, dict[str, Any]] = {}
    for h in page.items:
        g = groups.get(h.group_id)
        item = out.setdefault(
            h.group_id,
            {
                "groupInfo": {
                    "groupID": h.group_id,
                    "name": g.name if g else "",
                    "type": g.type if g else "",
                    "avatar": g.face_url if g else "",
                },
                "memberList": [],
            },
        )
        item["memberList"].append(
            {
                "userID": h.user_id,
                "nick": h.nick,
                "nameCard": h.name_card,
                "avatar": faces.get(h.user_id, {}).get(IMAGE, ""),
            }
        )
    return {"searchResultList": list(out.values()), "totalCount": page.total, "cursor": page.cursor}
