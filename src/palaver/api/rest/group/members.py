"""``group_open_http_svc`` commands about members: add_group_member,
import_group_member, delete_group_member, get_group_member_info,
get_specified_group_member_info, modify_group_member_info, get_role_in_group, forbid_send_msg,
get_group_muted_account (older name get_group_shutted_uin), get_online_member_num.

They call ``hub.groups.members``, ``hub.groups.directory`` and
``hub.groups.live_rooms`` (:mod:`palaver.services.groups`) as an App admin.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, StrictInt, StrictStr

from palaver.api.rest.core import RestRequest, Wire, command
from palaver.api.rest.group.wire import (
    MAX_ACCOUNTS,
    MAX_ADD_MEMBERS,
    MAX_DELETE_MEMBERS,
    MAX_MEMBER_PAGE,
    MAX_SPECIFIED,
    SVC,
    UINT32,
    Account,
    GroupRequest,
    KeyValue,
    Uint,
    all_members,
    at_most,
    custom_dict,
    member_info,
)
from palaver.services.groups import ROLES, MemberSpec


class _AccountItem(Wire):
    Member_Account: Account


class AddMembers(GroupRequest):
    """``{"GroupId", "Silence"?: 0|1, "MemberList": [{"Member_Account"}] (≤300)}``."""

    Silence: Annotated[StrictInt, Field(ge=0, le=1)] = 0
    MemberList: Annotated[list[_AccountItem], Field(min_length=1), at_most(MAX_ADD_MEMBERS)]


@command(SVC, "add_group_member", AddMembers)
async def add_group_member(req: RestRequest, body: AddMembers) -> dict[str, Any]:
    """``MemberList: [{"Member_Account", "Result"}]``: 1 added, 2 already a member,
    0 failed (not an imported account, or refused by the app backend's
    ``Group.CallbackBeforeInviteJoinGroup``). ``Silence`` 1: no join tip.
    Errors: 10010 no group, 10014 the group would be over its limit, 10007 AVChatRoom,
    10016 / 10100–10200 the app backend refused the request."""
    users = list(dict.fromkeys(m.Member_Account for m in body.MemberList))
    results = await req.hub.groups.members.add(
        req.app, req.identifier, body.GroupId, users, admin=True, silence=bool(body.Silence)
    )
    return {"MemberList": [{"Member_Account": u, "Result": results.get(u, 0)} for u in users]}


class _ImportMember(Wire):
    Member_Account: Account
    Role: StrictStr = "Member"
    JoinTime: Uint | None = None
    UnreadMsgNum: Uint = 0


class ImportMembers(GroupRequest):
    """``{"GroupId", "MemberList": [{"Member_Account", "Role"?, "JoinTime"?,
    "UnreadMsgNum"?}] (≤500)}``."""

    MemberList: Annotated[list[_ImportMember], Field(min_length=1), at_most(MAX_ACCOUNTS)]


@command(SVC, "import_group_member", ImportMembers)
async def import_group_member(req: RestRequest, body: ImportMembers) -> dict[str, Any]:
    """Add members with their join times and unread counts, without tips.
    ``MemberList: [{"Member_Account", "Result"}]`` as add_group_member."""
    specs = list(
        {
            m.Member_Account: MemberSpec(
                m.Member_Account, m.Role, join_time=m.JoinTime, unread=m.UnreadMsgNum
            )
            for m in body.MemberList
        }.values()
    )
    results = await req.hub.groups.members.import_members(req.app, body.GroupId, specs)
    return {
        "MemberList": [
            {"Member_Account": s.user_id, "Result": results.get(s.user_id, 0)} for s in specs
        ]
    }


class DeleteMembers(GroupRequest):
    """``{"GroupId", "MemberToDel_Account": [...] (≤100), "Silence"?, "Reason"?}``."""

    MemberToDel_Account: Annotated[list[Account], Field(min_length=1), at_most(MAX_DELETE_MEMBERS)]
    Silence: Annotated[StrictInt, Field(ge=0, le=1)] = 0
    Reason: StrictStr = ""


@command(SVC, "delete_group_member", DeleteMembers)
async def delete_group_member(req: RestRequest, body: DeleteMembers) -> None:
    """Remove members (they are told ``kicked``; the group gets a tip unless ``Silence``).
    Errors: 10010 no group, 10007 the owner cannot be removed."""
    await req.hub.groups.members.delete(
        req.app,
        req.identifier,
        body.GroupId,
        list(dict.fromkeys(body.MemberToDel_Account)),
        admin=True,
        reason=body.Reason,
        silence=bool(body.Silence),
    )


class MemberInfo(GroupRequest):
    """``{"GroupId", "Limit"? (≤6000; default all), "Offset"?, "MemberRoleFilter"?,
    "MemberInfoFilter"?, "AppDefinedDataFilter_GroupMember"?}``."""

    Limit: Annotated[StrictInt, Field(ge=0, le=MAX_MEMBER_PAGE)] | None = None
    Offset: Annotated[StrictInt, Field(ge=0, le=UINT32)] = 0
    MemberRoleFilter: list[Literal["Owner", "Admin", "Member"]] | None = None
    MemberInfoFilter: list[StrictStr] | None = None
    AppDefinedDataFilter_GroupMember: list[StrictStr] | None = None


@command(SVC, "get_group_member_info", MemberInfo)
async def get_group_member_info(req: RestRequest, body: MemberInfo) -> dict[str, Any]:
    """``MemberNum`` (members matching the role filter) and ``MemberList: [{"Member_Account",
    "Role", "JoinTime", "MsgSeq" (read up to), "MsgFlag", "LastSendMsgTime",
    "MuteUntil" (unix s, 0 = not muted; ``ShutUpUntil`` in older docs), "NameCard",
    "AppMemberDefinedData"}]``,
    owner first, then admins, then by join time; ``MemberInfoFilter`` picks fields,
    ``AppDefinedDataFilter_GroupMember`` custom keys. Errors: 10010 no group."""
    roles = set(body.MemberRoleFilter or ROLES)
    if len(roles) in (1, len(ROLES)):
        role = next(iter(roles)) if len(roles) == 1 else None
        if body.Limit:
            page, total = await req.hub.groups.directory.members(
                req.app, body.GroupId, offset=body.Offset, limit=body.Limit, role=role
            )
        else:
            everyone = await all_members(req, body.GroupId, role)
            page, total = everyone[body.Offset :], len(everyone)
    else:  # two of the three roles
        everyone = [m for m in await all_members(req, body.GroupId) if m.role in roles]
        end = body.Offset + body.Limit if body.Limit else None
        page, total = everyone[body.Offset : end], len(everyone)
    return {
        "MemberNum": total,
        "MemberList": [
            member_info(m, body.MemberInfoFilter, body.AppDefinedDataFilter_GroupMember)
            for m in page
        ],
    }


class SpecifiedMembers(GroupRequest):
    """``{"GroupId", "Member_List_Account": [...] (≤50), "MemberInfoFilter"?,
    "AppDefinedDataFilter_GroupMember"?}``."""

    Member_List_Account: Annotated[list[Account], Field(min_length=1), at_most(MAX_SPECIFIED)]
    MemberInfoFilter: list[StrictStr] | None = None
    AppDefinedDataFilter_GroupMember: list[StrictStr] | None = None


@command(SVC, "get_specified_group_member_info", SpecifiedMembers)
async def get_specified_group_member_info(
    req: RestRequest, body: SpecifiedMembers
) -> dict[str, Any]:
    """``MemberList``: the members among ``Member_List_Account`` (others left out), in
    request order, each item as in get_group_member_info (``MemberInfoFilter`` picks
    fields, ``AppDefinedDataFilter_GroupMember`` custom keys). Follows
    cloud.tencent.com/document/product/269/112002. Errors: 10010 no group,
    10005 more than 50 accounts."""
    await req.hub.groups.directory.get(req.app, body.GroupId)
    users = list(dict.fromkeys(body.Member_List_Account))
    found = await req.hub.groups.directory.members_of(req.app, body.GroupId, users)
    return {
        "MemberList": [
            member_info(m, body.MemberInfoFilter, body.AppDefinedDataFilter_GroupMember)
            for m in found
        ]
    }


class ModifyMember(GroupRequest):
    """``{"GroupId", "Member_Account", "Role"?: "Admin"|"Member", "NameCard"?,
    "MsgFlag"?, "MuteTime"? (s; 0 unmutes; older docs: ``ShutUpTime``),
    "AppMemberDefinedData"?}``."""

    Member_Account: Account
    Role: StrictStr | None = None
    NameCard: StrictStr | None = None
    MsgFlag: StrictStr | None = None
    MuteTime: Uint | None = Field(None, validation_alias=AliasChoices("MuteTime", "ShutUpTime"))
    AppMemberDefinedData: list[KeyValue] | None = None


@command(SVC, "modify_group_member_info", ModifyMember)
async def modify_group_member_info(req: RestRequest, body: ModifyMember) -> None:
    """Change a member's role, name card, message flag, mute or custom data.
    Errors: 10010 no group, 10007 not a member, 10004 bad Role/MsgFlag/sizes."""
    await req.hub.groups.members.modify(
        req.app,
        req.identifier,
        body.GroupId,
        body.Member_Account,
        admin=True,
        role=body.Role,
        name_card=body.NameCard,
        custom=custom_dict(body.AppMemberDefinedData),
        shut_up_seconds=body.MuteTime,
        msg_flag=body.MsgFlag,
    )
    if body.MsgFlag is not None:  # the member's devices show the new do-not-disturb
        await req.hub.conversation_settings.changed(
            req.app, body.Member_Account, "GROUP" + body.GroupId, "remind"
        )


class RoleInGroup(GroupRequest):
    """``{"GroupId", "User_Account": [...] (≤500)}``."""

    User_Account: Annotated[list[Account], Field(min_length=1), at_most(MAX_ACCOUNTS)]


@command(SVC, "get_role_in_group", RoleInGroup)
async def get_role_in_group(req: RestRequest, body: RoleInGroup) -> dict[str, Any]:
    """``UserIdList: [{"Member_Account", "Role": Owner|Admin|Member|NotMember}]``.
    Errors: 10010 no group."""
    users = list(dict.fromkeys(body.User_Account))
    roles = await req.hub.groups.directory.roles(req.app, body.GroupId, users)
    return {"UserIdList": [{"Member_Account": u, "Role": roles.get(u, "NotMember")} for u in users]}


class ForbidSend(GroupRequest):
    """``{"GroupId", "Members_Account": [...] (≤500), "MuteTime": s (0 unmutes,
    4294967295 for ever)}``; older docs call ``MuteTime`` ``ShutUpTime``."""

    Members_Account: Annotated[list[Account], Field(min_length=1), at_most(MAX_ACCOUNTS)]
    MuteTime: Uint = Field(validation_alias=AliasChoices("MuteTime", "ShutUpTime"))


@command(SVC, "forbid_send_msg", ForbidSend)
async def forbid_send_msg(req: RestRequest, body: ForbidSend) -> None:
    """Mute members for ``MuteTime`` seconds (0 unmutes); a muted member's sends
    fail with 10017. Follows cloud.tencent.com/document/product/269/1627 (updated
    2025-12). Errors: 10010 no group, 10004 no ``MuteTime``."""
    await req.hub.groups.members.mute(
        req.app,
        req.identifier,
        body.GroupId,
        list(dict.fromkeys(body.Members_Account)),
        body.MuteTime,
        admin=True,
    )


@command(SVC, "get_group_muted_account", GroupRequest)
async def get_group_muted_account(req: RestRequest, body: GroupRequest) -> dict[str, Any]:
    """``MutedAccountList: [{"Member_Account", "MutedUntil" (unix s)}]`` of the members
    muted now (Tencent IM REST ``get_group_muted_account``, the current name of
    ``get_group_shutted_uin``). Errors: 10010 no group."""
    muted = await req.hub.groups.directory.muted(req.app, body.GroupId)
    return {"MutedAccountList": [{"Member_Account": u, "MutedUntil": t} for u, t in muted]}


@command(SVC, "get_group_shutted_uin", GroupRequest)
async def get_group_shutted_uin(req: RestRequest, body: GroupRequest) -> dict[str, Any]:
    """The older name of ``get_group_muted_account``, answered in the older shape:
    ``ShuttedUinList: [{"Member_Account", "ShuttedUntil" (unix s)}]``."""
    muted = await req.hub.groups.directory.muted(req.app, body.GroupId)
    return {"ShuttedUinList": [{"Member_Account": u, "ShuttedUntil": t} for u, t in muted]}


@command(SVC, "get_online_member_num", GroupRequest)
async def get_online_member_num(req: RestRequest, body: GroupRequest) -> dict[str, Any]:
    """``OnlineMemberNum``: members with a connection now (AVChatRoom: users in the room)."""
    return {"OnlineMemberNum": await req.hub.groups.live_rooms.online_count(req.app, body.GroupId)}
