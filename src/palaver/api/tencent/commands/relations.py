"""Profiles (``profile.*``), friends, friend applications and the blacklist
(``sns.*``), as the logged-in user (docs/tencent-client-protocol.md §6.2).
Tencent REST shapes on the wire; the rules are the services'."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import Field

from palaver.api.tencent.core import Body, TencentSession, command
from palaver.errors import ImError
from palaver.protocol.objects import APPLICATION_IN, APPLICATION_OUT
from palaver.services.sns import MAX_BATCH, FriendAdd, FriendUpdate, ItemResult, friend_tags
from palaver.services.sns import FriendResponse as Answer


def _results(results: Sequence[ItemResult]) -> dict[str, Any]:
    return {
        "ResultItem": [
            {"To_Account": r.peer, "ResultCode": r.code, "ResultInfo": r.info} for r in results
        ]
    }


# --- profiles ---------------------------------------------------------------------


class UserRef(Body):
    To_Account: str


class PortraitGet(Body):
    UserItem: list[UserRef] = Field(default_factory=list, max_length=MAX_BATCH)


@command("profile", "portrait_get_all", PortraitGet)
async def portrait_get_all(s: TencentSession, d: PortraitGet) -> dict[str, Any]:
    """``getMyProfile`` / ``getUserProfile``: every standard and custom tag of each
    user; an account that does not exist answers ``To_Account`` ``""`` (skipped)."""
    app = s.require_app()
    users = list(dict.fromkeys(i.To_Account for i in d.UserItem))
    have = await s.hub.accounts.existing(app, users)
    profiles = await s.hub.profiles.get(app, [u for u in users if u in have], None)
    items = []
    for u in users:
        if u not in have:
            items.append({"To_Account": "", "ResultCode": 40003, "ResultInfo": "no such account"})
            continue
        tags = profiles.get(u, {})
        items.append(
            {
                "To_Account": u,
                "StandardSequence": 1,
                "CustomSequence": 1,
                "ResultCode": 0,
                "ResultInfo": "",
                "ProfileItem": [{"Tag": t, "Value": v} for t, v in tags.items()],
            }
        )
    return {"UserProfileItem": items}


class TagValue(Body):
    Tag: str
    Value: Any


class PortraitSet(Body):
    ProfileItem: list[TagValue] = Field(min_length=1, max_length=100)


@command("profile", "portrait_set", PortraitSet)
async def portrait_set(s: TencentSession, d: PortraitSet) -> None:
    """``updateMyProfile``: set my tags (all or nothing); my friends and my other
    devices get ``PROFILE_UPDATED``. Errors: 40009/40601/40605/40610 bad tag or value."""
    app = s.require_app()
    await s.hub.profiles.set(app, s.user_id, [(i.Tag, i.Value) for i in d.ProfileItem])


# --- friends ----------------------------------------------------------------------


class FriendGet(Body):
    StartIndex: int = Field(0, ge=0)


@command("sns", "friend_get", FriendGet)
async def friend_get(s: TencentSession, d: FriendGet) -> dict[str, Any]:
    """``getFriendList``: a page of my friends with their friend data (``CompleteFlag``
    1 on the last page; otherwise the SDK asks for ``NextStartIndex``)."""
    app = s.require_app()
    page = await s.hub.sns.friends.get_page(app, s.user_id, d.StartIndex)
    return {
        "UserDataItem": [
            {
                "To_Account": f.peer,
                "ValueItem": [{"Tag": t, "Value": v} for t, v in friend_tags(f)],
            }
            for f in page.friends
        ],
        "StandardSequence": page.standard_sequence,
        "CustomSequence": page.custom_sequence,
        "FriendNum": page.total,
        "CompleteFlag": int(page.complete),
        "NextStartIndex": page.next_index,
    }


class FriendSpecified(Body):
    To_Account: list[str] = Field(min_length=1, max_length=MAX_BATCH)


@command("sns", "friend_get_specified", FriendSpecified)
async def friend_get_specified(s: TencentSession, d: FriendSpecified) -> dict[str, Any]:
    """``getFriendProfile`` (and the SDK's own refresh after ``FRIEND_LIST_UPDATED``):
    per user every friend tag and profile tag, ``SnsProfileItem: [{Tag, Value}]``;
    ``ResultCode`` 30001 not a friend, 30003 not an account."""
    app = s.require_app()
    found = await s.hub.sns.friends.get_profiles(app, s.user_id, d.To_Account, None)
    return {
        "InfoItem": [
            {
                "To_Account": f.peer,
                "ResultCode": f.code,
                "ResultInfo": f.info,
                "SnsProfileItem": [{"Tag": t, "Value": v} for t, v in f.items],
            }
            for f in found
        ]
    }


class FriendUpdateItem(Body):
    To_Account: str
    SnsItem: list[TagValue] = Field(min_length=1, max_length=100)


class FriendUpdateBody(Body):
    UpdateItem: list[FriendUpdateItem] = Field(min_length=1, max_length=100)


@command("sns", "friend_update", FriendUpdateBody)
async def friend_update(s: TencentSession, d: FriendUpdateBody) -> dict[str, Any]:
    """``updateFriend``: set remark (``Tag_SNS_IM_Remark``) and ``Tag_SNS_Custom_*``
    friend data; per friend 0, 30001 not a friend or a bad tag or value, 30003 no
    such account. My other devices get ``FRIEND_LIST_UPDATED``."""
    app = s.require_app()
    updates = [
        FriendUpdate(u.To_Account, [(i.Tag, i.Value) for i in u.SnsItem]) for u in d.UpdateItem
    ]
    return _results(await s.hub.sns.friends.update(app, s.user_id, updates))


class AddItem(Body):
    To_Account: str
    AddSource: str = "AddSource_Type_Web"
    Remark: str = ""
    GroupName: str = ""
    AddWording: str = ""


class FriendAddBody(Body):
    AddFriendItem: list[AddItem] = Field(min_length=1, max_length=100)
    AddType: Literal["Add_Type_Single", "Add_Type_Both"] = "Add_Type_Both"


@command("sns", "friend_add", FriendAddBody)
async def friend_add(s: TencentSession, d: FriendAddBody) -> dict[str, Any]:
    """``addFriend``: per target 0 added, 30539 pending (the target confirms),
    30515/30525 blacklisted, 30516 the target refuses everyone, 30001 already friends."""
    app = s.require_app()
    items = [
        FriendAdd(i.To_Account, i.AddSource, i.Remark, i.GroupName, i.AddWording)
        for i in d.AddFriendItem
    ]
    results = await s.hub.sns.friends.add(
        app, s.user_id, items, both=d.AddType == "Add_Type_Both", client=True
    )
    return _results(results)


class FriendDelete(Body):
    To_Account: list[str] = Field(min_length=1, max_length=MAX_BATCH)
    DeleteType: Literal["Delete_Type_Single", "Delete_Type_Both"] = "Delete_Type_Both"


@command("sns", "friend_delete", FriendDelete)
async def friend_delete(s: TencentSession, d: FriendDelete) -> dict[str, Any]:
    """``deleteFriend``: per target 0, or 31704 not a friend."""
    app = s.require_app()
    results = await s.hub.sns.friends.delete(
        app, s.user_id, d.To_Account, both=d.DeleteType == "Delete_Type_Both"
    )
    return _results(results)


class FriendCheck(Body):
    To_Account: list[str] = Field(min_length=1, max_length=MAX_BATCH)
    CheckType: Literal["CheckResult_Type_Single", "CheckResult_Type_Both"] = "CheckResult_Type_Both"


@command("sns", "friend_check", FriendCheck)
async def friend_check(s: TencentSession, d: FriendCheck) -> dict[str, Any]:
    """``checkFriend``: ``InfoItem: [{To_Account, Relation, ResultCode}]``."""
    app = s.require_app()
    results = await s.hub.sns.checks.check_friends(
        app, s.user_id, d.To_Account, both=d.CheckType == "CheckResult_Type_Both"
    )
    return {
        "InfoItem": [
            {
                "To_Account": r.peer,
                "Relation": r.relation,
                "ResultCode": r.code,
                "ResultInfo": r.info,
            }
            for r in results
        ]
    }


# --- friend applications ------------------------------------------------------------


class PendencyGet(Body):
    PendencyType: str = "Pendency_Type_Both"


@command("sns", "pendency_get", PendencyGet)
async def pendency_get(s: TencentSession, d: PendencyGet) -> dict[str, Any]:
    """``getFriendApplicationList``: pending applications to me (``Pendency_Type_ComeIn``)
    and from me (``Pendency_Type_SendOut``), newest first."""
    app = s.require_app()
    incoming = d.PendencyType in ("Pendency_Type_ComeIn", "Pendency_Type_Both")
    outgoing = d.PendencyType in ("Pendency_Type_SendOut", "Pendency_Type_Both")
    found = await s.hub.sns.applications.pending(
        app, s.user_id, incoming=incoming, outgoing=outgoing
    )
    requests = found.applications
    others = list({r.from_user if r.to_user == s.user_id else r.to_user for r in requests})
    profiles = (
        await s.hub.profiles.get(app, others, ["Tag_Profile_IM_Nick", "Tag_Profile_IM_Image"])
        if others
        else {}
    )
    items = []
    for r in requests:
        mine = r.from_user == s.user_id
        other = r.to_user if mine else r.from_user
        p = profiles.get(other, {})
        items.append(
            {
                "To_Account": other,
                "PendencyType": APPLICATION_OUT if mine else APPLICATION_IN,
                "AddSource": r.add_source,
                "AddWording": r.add_wording,
                "AddTime": r.created_at,
                "Nick": p.get("Tag_Profile_IM_Nick", ""),
                "Image": p.get("Tag_Profile_IM_Image", ""),
            }
        )
    return {
        "PendencyItem": items,
        "StartTime": 0,
        "UnreadPendencyCount": found.unread,
        "CurrentSequence": 1,
    }


class ResponseItem(Body):
    To_Account: str
    ResponseAction: Literal[
        "Response_Action_Agree", "Response_Action_AgreeAndAdd", "Response_Action_Reject"
    ] = "Response_Action_AgreeAndAdd"
    Remark: str = ""
    TagName: str = ""


class FriendResponse(Body):
    ResponseFriendItem: list[ResponseItem] = Field(min_length=1, max_length=100)


@command("sns", "friend_response", FriendResponse)
async def friend_response(s: TencentSession, d: FriendResponse) -> dict[str, Any]:
    """``acceptFriendApplication`` (``Agree``: the applicant gets me as a friend;
    ``AgreeAndAdd``: both ways) and ``refuseFriendApplication`` (``Reject``),
    after the app backend's ``Sns.CallbackPrevFriendResponse``: per applicant
    0, 30614 no pending application, or the backend's 38000–39000 with its
    ``ResultInfo``. Errors: 38000–39000 the backend refused the whole answer."""
    app = s.require_app()
    results = await s.hub.sns.applications.respond(
        app,
        s.user_id,
        [
            Answer(
                item.To_Account, item.ResponseAction, remark=item.Remark, group_name=item.TagName
            )
            for item in d.ResponseFriendItem
        ],
        client=True,
    )
    return _results(results)


class PendencyDelete(Body):
    To_Account: list[str] = Field(min_length=1, max_length=100)
    PendencyType: str = "Pendency_Type_ComeIn"


@command("sns", "pendency_delete", PendencyDelete)
async def pendency_delete(s: TencentSession, d: PendencyDelete) -> dict[str, Any]:
    """``refuseFriendApplication`` / ``deleteFriendApplication``: an application
    to me (``ComeIn``) is refused, one of mine (``SendOut``) withdrawn;
    per user 0 or 30614 none pending."""
    app = s.require_app()
    results = []
    for other in d.To_Account:
        code = 0
        try:
            if d.PendencyType == "Pendency_Type_SendOut":
                await s.hub.sns.applications.cancel(app, s.user_id, other)
            else:
                await s.hub.sns.applications.refuse(app, s.user_id, other)
        except ImError as exc:
            code = exc.code
        results.append({"To_Account": other, "ResultCode": code, "ResultInfo": ""})
    return {"ResultItem": results}


class PendencyReport(Body):
    LatestPendencyTimeStamp: int = 0


@command("sns", "pendency_report", PendencyReport)
async def pendency_report(s: TencentSession, d: PendencyReport) -> None:
    """``setFriendApplicationRead``: the applications sent to me up to
    ``LatestPendencyTimeStamp`` (unix s; 0: now) are read, on every device."""
    await s.hub.sns.applications.set_read(s.require_app(), s.user_id, d.LatestPendencyTimeStamp)


# --- blacklist --------------------------------------------------------------------


class BlackListGet(Body):
    StartIndex: int = Field(0, ge=0)
    MaxLimited: int = Field(1000, ge=1)


@command("sns", "black_list_get", BlackListGet)
async def black_list_get(s: TencentSession, d: BlackListGet) -> dict[str, Any]:
    """``getBlacklist``: all of it (``StartIndex`` 0: the SDK stops paging)."""
    app = s.require_app()
    items: list[dict[str, Any]] = []
    start = 0
    while True:
        page = await s.hub.sns.blacklist.get_page(app, s.user_id, start, 1000)
        items += [{"To_Account": b.peer, "AddBlackTimeStamp": b.added_at} for b in page.entries]
        if not page.next_index:
            break
        start = page.next_index
    return {"BlackListItem": items, "StartIndex": 0, "CurruentSequence": 1}


class BlackListChange(Body):
    To_Account: list[str] = Field(min_length=1, max_length=MAX_BATCH)


@command("sns", "black_list_add", BlackListChange)
async def black_list_add(s: TencentSession, d: BlackListChange) -> dict[str, Any]:
    """``addToBlacklist``: per target 0, or 30001 already on it / myself."""
    app = s.require_app()
    return _results(await s.hub.sns.blacklist.add(app, s.user_id, d.To_Account))


@command("sns", "black_list_delete", BlackListChange)
async def black_list_delete(s: TencentSession, d: BlackListChange) -> dict[str, Any]:
    """``removeFromBlacklist``: per target 0, or 30001 not on it."""
    app = s.require_app()
    return _results(await s.hub.sns.blacklist.remove(app, s.user_id, d.To_Account))
