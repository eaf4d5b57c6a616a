"""Cloud search commands: ``message_search.query``, ``user_search.query``,
``group_search.query``, ``group_member_search.query`` — Tencent's
``searchCloudMessages``, ``searchCloudUsers``, ``searchCloudGroups``,
``searchCloudGroupMembers`` (docs/tencent-client-protocol.md, docs/search.md)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from palaver.api.tencent.core import Body, TencentSession, command
from palaver.model.messages import MessageRecord
from palaver.protocol.objects import message_wire
from palaver.protocol.tencent import objects as o
from palaver.services.groups.model import Group
from palaver.services.search import MessageSearch
from palaver.storage.search import MemberHit

IMAGE = "Tag_Profile_IM_Image"


class MessageQuery(Body):
    """The SDK's ``searchCloudMessages`` options, renamed by its key map."""

    KeywordList: list[str] = []
    MatchType: str = "or"
    PeerAccount: str | None = None
    GroupID: str | None = None
    MsgTypeList: list[str] = []
    SendUserIDList: list[str] = []
    StartTime: int | None = Field(None, ge=0)
    EndTime: int | None = Field(None, ge=0)
    Count: int = 100
    Cursor: str = ""


async def _items(
    s: TencentSession, msgs: list[MessageRecord], group_types: dict[str, str]
) -> list[dict[str, Any]]:
    out = []
    for m in msgs:
        wire = message_wire(m, s.user_id)
        if m.group_id is not None:
            out.append(o.group_message(wire, group_types.get(m.group_id, "Public")))
        else:
            out.append(o.c2c_message(wire))
    return out


@command("message_search", "query", MessageQuery)
async def message_search(s: TencentSession, d: MessageQuery) -> dict[str, Any]:
    """``searchCloudMessages``: ``ConversationMsgs`` (each ``UserID`` or ``GroupID``,
    ``Count``, ``LastMsgTime``, ``MessageList`` newest first), ``TotalCount``, ``Cursor``.

    Errors: 27003 no keyword, sender or type; more than 5 keywords; a keyword of
    punctuation only; ``Count`` outside 1..100; a malformed ``Cursor``.
    """
    app = s.require_app()
    hub = s.hub
    page = await hub.search.messages(
        app,
        MessageSearch(
            s.user_id,
            keywords=d.KeywordList,
            match_all=d.MatchType.lower() == "and",
            peer=d.PeerAccount or None,
            group_id=d.GroupID or None,
            senders=d.SendUserIDList,
            kinds=d.MsgTypeList,
            start_time=d.StartTime or None,
            end_time=d.EndTime or None,
            cursor=d.Cursor,
            count=d.Count,
        ),
    )
    types: dict[str, str] = {}
    if any(c.group_id for c in page.conversations):
        joined, _ = await hub.groups.directory.joined(app, s.user_id)
        types = {g.group_id: g.type for g, _ in joined}
    convs = []
    for c in page.conversations:
        item: dict[str, Any] = {"Count": c.count, "LastMsgTime": c.last_time}
        if c.group_id is not None:
            item["GroupID"] = c.group_id
        else:
            item["UserID"] = c.peer
        item["MessageList"] = await _items(s, c.messages, types)
        convs.append(item)
    return {"ConversationMsgs": convs, "TotalCount": page.total, "Cursor": page.cursor}


class NameQuery(Body):
    """The SDK's ``searchCloudUsers`` / ``searchCloudGroups`` /
    ``searchCloudGroupMembers`` options (its generic renaming: ``keywordList`` →
    ``Keywords``, ``keywordListMatchType`` → ``KeywordMatchType`` 1 for AND)."""

    Keywords: list[str] = []
    KeywordMatchType: int = 0
    Count: int = 20
    Cursor: str = ""
    Gender: str | None = None
    MiniBirthday: int | None = Field(None, ge=0)
    MaxBirthday: int | None = Field(None, ge=0)
    GroupTypeList: list[str] = []
    GroupIDList: list[str] = []


@command("user_search", "query", NameQuery)
async def user_search(s: TencentSession, d: NameQuery) -> dict[str, Any]:
    """``searchCloudUsers``: ``UserList`` (``UserId``, ``ProfileItems`` of
    ``Tag``/``Value``), ``TotalCount``, ``Cursor``. Errors: 27003 (see
    :meth:`~palaver.services.search.SearchService.users`)."""
    app = s.require_app()
    birthday = None
    if d.MiniBirthday is not None or d.MaxBirthday is not None:
        birthday = (d.MiniBirthday or 0, d.MaxBirthday or 0xFFFFFFFF)
    page = await s.hub.search.users(
        app,
        d.Keywords,
        match_all=d.KeywordMatchType == 1,
        gender=d.Gender or None,
        birthday=birthday,
        cursor=d.Cursor,
        count=d.Count,
    )
    ids = [u for u, _ in page.items]
    profiles = await s.hub.profiles.get(app, ids, None) if ids else {}
    users = [
        {
            "UserId": u,
            "ProfileItems": [{"Tag": t, "Value": v} for t, v in profiles.get(u, {}).items()],
        }
        for u in ids
    ]
    return {"UserList": users, "TotalCount": page.total, "Cursor": page.cursor}


def _group(g: Group) -> dict[str, Any]:
    """A group as the SDK's ``Group`` takes it (after its generic renaming)."""
    return {
        "GroupId": g.group_id,
        "Name": g.name,
        "FaceUrl": g.face_url,
        "Type": g.type,
        "Introduction": g.introduction,
        "Notification": g.notification,
        "Owner_Account": g.owner,
        "CreateTime": g.created_at,
        "MemberNum": g.member_num,
        "MaxMemberNum": g.max_members,
        "JoinOption": g.apply_join_option,
        "MuteAllMembers": "On" if g.shut_up_all else "Off",
    }


@command("group_search", "query", NameQuery)
async def group_search(s: TencentSession, d: NameQuery) -> dict[str, Any]:
    """``searchCloudGroups``: ``GroupList`` (group profiles), ``TotalCount``,
    ``Cursor``. Private and Work groups only for members. Errors: 27003."""
    app = s.require_app()
    page = await s.hub.search.groups(
        app,
        s.user_id,
        d.Keywords,
        match_all=d.KeywordMatchType == 1,
        types=d.GroupTypeList,
        cursor=d.Cursor,
        count=d.Count,
    )
    found = await s.hub.groups.directory.get_many(app, list(page.items)) if page.items else {}
    groups = [_group(found[g]) for g in page.items if g in found]
    return {"GroupList": groups, "TotalCount": page.total, "Cursor": page.cursor}


@command("group_member_search", "query", NameQuery)
async def group_member_search(s: TencentSession, d: NameQuery) -> dict[str, Any]:
    """``searchCloudGroupMembers``: ``GroupMemberList`` (each ``GroupId``, group
    ``Name``/``Type``/``Avatar``, ``Member_Account``, ``Nick``, ``NameCard``,
    ``MemberAvatar``), ``TotalCount``, ``Cursor``; only the caller's groups.
    Errors: 27003."""
    app = s.require_app()
    page = await s.hub.search.members(
        app,
        s.user_id,
        d.Keywords,
        match_all=d.KeywordMatchType == 1,
        group_ids=d.GroupIDList,
        types=d.GroupTypeList,
        cursor=d.Cursor,
        count=d.Count,
    )
    hits: list[MemberHit] = page.items
    gids = list(dict.fromkeys(h.group_id for h in hits))
    groups = await s.hub.groups.directory.get_many(app, gids) if gids else {}
    faces = await s.hub.profiles.get(app, [h.user_id for h in hits], [IMAGE]) if hits else {}
    out = []
    for h in hits:
        g = groups.get(h.group_id)
        out.append(
            {
                "GroupId": h.group_id,
                "Name": g.name if g else "",
                "Type": g.type if g else "",
                "Avatar": g.face_url if g else "",
                "Member_Account": h.user_id,
                "Nick": h.nick,
                "NameCard": h.name_card,
                "MemberAvatar": faces.get(h.user_id, {}).get(IMAGE, ""),
            }
        )
    return {"GroupMemberList": out, "TotalCount": page.total, "Cursor": page.cursor}
