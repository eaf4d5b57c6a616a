"""Group operations about members: ``getGroupApplicationList``,
``handleGroupApplication``, ``getGroupMemberList``, ``getGroupMemberProfile``,
``addGroupMember``, ``deleteGroupMember``, ``setGroupMemberRole``,
``setGroupMemberMuteTime``, ``setGroupMemberNameCard``,
``setGroupMemberCustomField``, ``getGroupOnlineMemberCount``
(``@tencentcloud/chat`` names; docs/protocol.md §8.2), over
``hub.groups.members``, ``hub.groups.directory`` and ``hub.groups.live_rooms``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from palaver.api.ws.core import OpModel, Session, op
from palaver.api.ws.group_objects import member_object
from palaver.api.ws.ops_group.views import (
    CustomItem,
    Empty,
    GroupRef,
    custom_dict,
    fresh_group,
    group_and_me,
    is_live_room,
    member_view,
    sdk_profiles,
)
from palaver.errors import Code, ImError
from palaver.services.groups import ADD_ALREADY, ADD_OK, Member

MAX_MEMBER_PROFILES = 50  # getGroupMemberProfile userIDList
MAX_MEMBER_PAGE = 100  # getGroupMemberList count
MAX_BATCH = 500  # addGroupMember / deleteGroupMember userIDList (REST's limit)


@op("getGroupApplicationList", Empty)
async def get_group_application_list(s: Session, d: Empty) -> dict[str, Any]:
    """Pending applications to groups I own or administer, newest first:
    ``{applicationList: [{groupID, groupName, applicant, applicantNick,
    applyMessage, time}], unreadCount}`` (``unreadCount``: all of them).
    Tencent: ``getGroupApplicationList``."""
    apps = await s.hub.groups.members.applications(s.require_app(), s.user_id)
    profiles = await sdk_profiles(s, list(dict.fromkeys(a.applicant for a in apps)))
    items = [
        {
            "groupID": a.group_id,
            "groupName": a.group_name,
            "applicant": a.applicant,
            "applicantNick": profiles.get(a.applicant, {}).get("nick", ""),
            "applyMessage": a.wording,
            "time": a.time,
        }
        for a in apps
    ]
    return {"applicationList": items, "unreadCount": len(items)}


class HandleApplication(OpModel):
    groupID: str = Field(min_length=1)
    applicant: str = Field(min_length=1)
    handleAction: Literal["Agree", "Reject"]
    handleMessage: str = ""


@op("handleGroupApplication", HandleApplication)
async def handle_group_application(s: Session, d: HandleApplication) -> dict[str, Any]:
    """Agree (the applicant joins) or reject (they get ``GROUP_LIST_UPDATED``
    ``rejected``) an application: ``{}``. Tencent: ``handleGroupApplication``.
    Errors: 10010; 10007 not owner/admin; 10024 no pending application; 10014 full."""
    app = s.require_app()
    await s.hub.groups.members.handle_application(
        app, s.user_id, d.groupID, d.applicant, d.handleAction == "Agree", admin=False
    )
    return {}


# --- members -------------------------------------------------------------------


class GetMemberList(OpModel):
    groupID: str = Field(min_length=1)
    count: int = Field(15, ge=1, le=MAX_MEMBER_PAGE)
    offset: int = Field(0, ge=0)
    role: Literal["Owner", "Admin", "Member"] | None = None


@op("getGroupMemberList", GetMemberList)
async def get_group_member_list(s: Session, d: GetMemberList) -> dict[str, Any]:
    """A page of members, owner first then by join time: ``{memberList: [member],
    offset}`` (the next offset; 0 when done). Tencent: ``getGroupMemberList``.
    An ``AVChatRoom`` keeps no member list (empty). Errors: 10010; 10007 not a member."""
    app = s.require_app()
    g, me = await group_and_me(s, d.groupID)
    if is_live_room(g):
        return {"memberList": [], "offset": 0}
    if me is None:
        raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, "only members can list the members")
    page, total = await s.hub.groups.directory.members(
        app, d.groupID, offset=d.offset, limit=d.count, role=d.role
    )
    profiles = await sdk_profiles(s, [m.user_id for m in page])
    end = d.offset + len(page)
    return {
        "memberList": [member_object(m, profiles.get(m.user_id)) for m in page],
        "offset": end if page and end < total else 0,
    }


class MemberProfiles(OpModel):
    groupID: str = Field(min_length=1)
    userIDList: list[str] = Field(min_length=1, max_length=MAX_MEMBER_PROFILES)


@op("getGroupMemberProfile", MemberProfiles)
async def get_group_member_profile(s: Session, d: MemberProfiles) -> dict[str, Any]:
    """Members among ``userIDList`` (others left out), in request order:
    ``{memberList: [member]}``. Tencent: ``getGroupMemberProfile``.
    Errors: 10010; 10007 I am not a member."""
    app = s.require_app()
    g, me = await group_and_me(s, d.groupID)
    if is_live_room(g):
        return {"memberList": []}
    if me is None:
        raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, "only members can see member profiles")
    members = await s.hub.groups.directory.members_of(
        app, d.groupID, list(dict.fromkeys(d.userIDList))
    )
    profiles = await sdk_profiles(s, [m.user_id for m in members])
    return {"memberList": [member_object(m, profiles.get(m.user_id)) for m in members]}


class MemberBatch(OpModel):
    groupID: str = Field(min_length=1)
    userIDList: list[str] = Field(min_length=1, max_length=MAX_BATCH)
    reason: str = ""


@op("addGroupMember", MemberBatch)
async def add_group_member(s: Session, d: MemberBatch) -> dict[str, Any]:
    """Invite users: ``{successUserIDList, failureUserIDList (not imported, or
    refused by the app backend), existedUserIDList, group}``; one join tip lists
    those added.

    Tencent: ``addGroupMember``. In a ``Private`` group any member invites; in
    the other types only owner/admins; never in an ``AVChatRoom``. The app
    backend's ``Group.CallbackBeforeInviteJoinGroup`` is asked first.
    Errors: 10010; 10007 not allowed to invite; 10014 the group would be full;
    10016 / 10100–10200 the app backend refused the invitation.
    """
    app = s.require_app()
    users = list(dict.fromkeys(d.userIDList))
    result = await s.hub.groups.members.add(app, s.user_id, d.groupID, users, admin=False)
    return {
        "successUserIDList": [u for u in users if result.get(u) == ADD_OK],
        "failureUserIDList": [u for u in users if result.get(u) not in (ADD_OK, ADD_ALREADY)],
        "existedUserIDList": [u for u in users if result.get(u) == ADD_ALREADY],
        "group": await fresh_group(s, d.groupID),
    }


@op("deleteGroupMember", MemberBatch)
async def delete_group_member(s: Session, d: MemberBatch) -> dict[str, Any]:
    """Remove members (kick): ``{group, userIDList}`` (those removed). They get
    ``GROUP_LIST_UPDATED`` ``kicked``; the group a tip (operationType 3).

    Tencent: ``deleteGroupMember``. The owner kicks anyone; admins kick members.
    Errors: 10010; 10007 not allowed (a member kicking, an admin kicking an
    admin, anybody kicking the owner).
    """
    app = s.require_app()
    removed = await s.hub.groups.members.delete(
        app, s.user_id, d.groupID, list(dict.fromkeys(d.userIDList)), admin=False, reason=d.reason
    )
    return {"group": await fresh_group(s, d.groupID), "userIDList": removed}


class SetRole(OpModel):
    groupID: str = Field(min_length=1)
    userID: str = Field(min_length=1)
    role: str


@op("setGroupMemberRole", SetRole)
async def set_group_member_role(s: Session, d: SetRole) -> dict[str, Any]:
    """Make a member an Admin or a Member (owner only; tip 4 or 5):
    ``{group, member}``. Tencent: ``setGroupMemberRole``.
    Errors: 10010; 10007 not the owner or not a member; 10004 a role other than
    ``Admin``/``Member``."""
    if d.role not in ("Admin", "Member"):
        raise ImError(
            Code.ERR_SVR_GROUP_INVALID_PARAMETERS,
            "role must be Admin or Member (use changeGroupOwner)",
        )
    app = s.require_app()
    m = await s.hub.groups.members.set_role(
        app, s.user_id, d.groupID, d.userID, d.role, admin=False
    )
    return await _member_changed(s, d.groupID, m)


class SetMuteTime(OpModel):
    groupID: str = Field(min_length=1)
    userID: str = Field(min_length=1)
    muteTime: int


@op("setGroupMemberMuteTime", SetMuteTime)
async def set_group_member_mute_time(s: Session, d: SetMuteTime) -> dict[str, Any]:
    """Mute a member for ``muteTime`` seconds from now (0 unmutes): ``{group,
    member}``; the group gets a tip (operationType 7 with ``msgMemberInfo``).
    A muted member's sends fail with 10017. Tencent: ``setGroupMemberMuteTime``.
    Errors: 10010; 10007 not owner/admin, muting the owner, or an admin muting
    an admin; 10004 a negative ``muteTime``."""
    if d.muteTime < 0:
        raise ImError(Code.ERR_SVR_GROUP_INVALID_PARAMETERS, "muteTime must be >= 0 seconds")
    app = s.require_app()
    m = await s.hub.groups.members.set_mute_time(
        app, s.user_id, d.groupID, d.userID, d.muteTime, admin=False
    )
    return await _member_changed(s, d.groupID, m)


class SetNameCard(OpModel):
    groupID: str = Field(min_length=1)
    userID: str | None = None
    nameCard: str


@op("setGroupMemberNameCard", SetNameCard)
async def set_group_member_name_card(s: Session, d: SetNameCard) -> dict[str, Any]:
    """Set a member's name card (mine by default; others' as owner/admin):
    ``{group, member}``. Tencent: ``setGroupMemberNameCard``.
    Errors: 10010; 10007 not allowed or not a member; 10004 too long."""
    app = s.require_app()
    m = await s.hub.groups.members.set_name_card(
        app, s.user_id, d.groupID, d.userID or s.user_id, d.nameCard, admin=False
    )
    return await _member_changed(s, d.groupID, m)


class SetMemberCustom(OpModel):
    groupID: str = Field(min_length=1)
    userID: str | None = None
    memberCustomField: list[CustomItem] = Field(min_length=1)


@op("setGroupMemberCustomField", SetMemberCustom)
async def set_group_member_custom_field(s: Session, d: SetMemberCustom) -> dict[str, Any]:
    """Set a member's custom fields (merged; mine by default, others' as
    owner/admin): ``{group, member}``. Tencent: ``setGroupMemberCustomField``.
    Errors: 10010; 10007 not allowed or not a member; 10004 bad key or value."""
    app = s.require_app()
    custom = custom_dict(d.memberCustomField)
    m = await s.hub.groups.members.set_custom_field(
        app, s.user_id, d.groupID, d.userID or s.user_id, custom, admin=False
    )
    return await _member_changed(s, d.groupID, m)


async def _member_changed(s: Session, group_id: str, m: Member) -> dict[str, Any]:
    """``{group, member}``: the group and the changed member as they are now."""
    return {"group": await fresh_group(s, group_id), "member": await member_view(s, m)}


@op("getGroupOnlineMemberCount", GroupRef)
async def get_group_online_member_count(s: Session, d: GroupRef) -> dict[str, Any]:
    """Members with a connection now (``AVChatRoom``: users in the room):
    ``{memberCount}``. Tencent: ``getGroupOnlineMemberCount``.
    Errors: 10010; 10007 a ``Private`` group I am not in."""
    g, me = await group_and_me(s, d.groupID)
    if me is None and g.type == "Private":
        raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, "only members can see a Private group")
    return {"memberCount": await s.hub.groups.live_rooms.online_count(s.require_app(), d.groupID)}
