"""Group commands (``group_open_http_svc.*``, and ``million_group_open_http_svc.*``
for Community groups) as the logged-in user, with roles applied
(docs/tencent-client-protocol.md §6.6). Tencent REST shapes on the wire."""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, Field

from palaver.api.tencent.core import Body, TencentSession, command, current_request
from palaver.errors import Code, ImError
from palaver.services.groups import ADD_ALREADY, ADD_OK, Group, Member, MemberSpec

SVC = "group_open_http_svc"
UINT32 = (1 << 32) - 1
#: Most messages of one ``group_msg_get`` page.
MAX_PAGE = 50


def _community_service() -> bool:
    """The request came as ``million_group_open_http_svc.*``: the SDK asks about its
    Community groups there, and about the other groups under ``group_open_http_svc``."""
    return current_request().servcmd.startswith("million_")


def _custom(items: list[dict[str, Any]]) -> dict[str, str]:
    return {str(i.get("Key", "")): str(i.get("Value", "")) for i in items if isinstance(i, dict)}


def _app_data(custom: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in custom.items()]


def group_info(g: Group) -> dict[str, Any]:
    """A group's base info in REST names (``GroupIdList``/``GroupInfo`` items)."""
    return {
        "GroupId": g.group_id,
        "Type": g.type,
        "Name": g.name,
        "Introduction": g.introduction,
        "Notification": g.notification,
        "FaceUrl": g.face_url,
        "Owner_Account": g.owner,
        "CreateTime": g.created_at,
        "InfoSeq": g.info_time,
        "LastInfoTime": g.info_time,
        "LastMsgTime": g.last_msg_time,
        "MemberNum": g.member_num,
        "MaxMemberNum": g.max_members,
        "ApplyJoinOption": g.apply_join_option,
        "NextMsgSeq": g.next_msg_seq,
        "ShutUpAllMember": "On" if g.shut_up_all else "Off",
        "AppDefinedData": _app_data(g.custom),
    }


def member_info(m: Member) -> dict[str, Any]:
    """A member in REST names (``MemberList`` items)."""
    return {
        "Member_Account": m.user_id,
        "Role": m.role,
        "JoinTime": m.join_time,
        "MsgSeq": m.read_seq,
        "MsgFlag": m.msg_flag,
        "LastSendMsgTime": m.last_send_time,
        "NameCard": m.name_card,
        "ShutUpUntil": m.shut_up_until,
        "AppMemberDefinedData": _app_data(m.custom),
    }


class JoinedList(Body):
    Limit: int = Field(200, ge=1)
    Offset: int = Field(0, ge=0)
    GroupType: str | None = Field(None, validation_alias=AliasChoices("GroupType", "Type"))


@command(SVC, "get_joined_group_list", JoinedList)
async def get_joined_group_list(s: TencentSession, d: JoinedList) -> dict[str, Any]:
    """``getGroupList``: my groups (newest join first) with my ``SelfInfo``; under
    ``million_group_open_http_svc`` my Community groups, else the others."""
    app = s.require_app()
    pairs, total = await s.hub.groups.directory.joined(
        app, s.user_id, type=d.GroupType, offset=d.Offset, limit=d.Limit
    )
    community = _community_service()
    pairs = [(g, me) for g, me in pairs if (g.type == "Community") == community]
    groups = []
    for g, me in pairs:
        item = group_info(g)
        item["SelfInfo"] = {
            "Role": me.role,
            "JoinTime": me.join_time,
            "MsgFlag": me.msg_flag,
            "MsgSeq": me.read_seq,
            "NameCard": me.name_card,
        }
        groups.append(item)
    return {"GroupIdList": groups, "TotalCount": total}


class GroupIds(Body):
    GroupIdList: list[str] = Field(min_length=1, max_length=50)


@command(SVC, "get_group_self_member_info", GroupIds)
async def get_group_self_member_info(s: TencentSession, d: GroupIds) -> dict[str, Any]:
    """``getGroupProfile`` (Tencent's ``get_group_info``): each group with me as
    its ``MemberList``; per group ``ErrorCode`` 10010 no such group, 10007 not a
    member (a Public group's profile is still given to others)."""
    app = s.require_app()
    found = await s.hub.groups.directory.get_many(app, d.GroupIdList)
    out = []
    for gid in d.GroupIdList:
        g = found.get(gid)
        if g is None:
            out.append({"GroupId": gid, "ErrorCode": 10010, "ErrorInfo": "no such group"})
            continue
        me = await s.hub.groups.directory.member(app, gid, s.user_id)
        if me is None and g.type == "Private":
            out.append({"GroupId": gid, "ErrorCode": 10007, "ErrorInfo": "not a member"})
            continue
        item = {**group_info(g), "ErrorCode": 0, "ErrorInfo": ""}
        item["MemberList"] = [member_info(me)] if me is not None else []
        out.append(item)
    return {"GroupInfo": out}


@command(SVC, "get_group_public_info", GroupIds)
async def get_group_public_info(s: TencentSession, d: GroupIds) -> dict[str, Any]:
    """``searchGroupByID``: the group's public profile. Errors: 10010 no such group,
    10007 a Private (Work) group (not searchable)."""
    app = s.require_app()
    out = []
    for gid in d.GroupIdList:
        g = await s.hub.groups.directory.search(app, gid)
        out.append({**group_info(g), "ErrorCode": 0, "ErrorInfo": ""})
    return {"GroupInfo": out}


class MemberItem(Body):
    Member_Account: str
    Role: str = "Member"
    AppMemberDefinedData: list[dict[str, Any]] = []


class CreateGroup(Body):
    Type: str
    Name: str
    GroupId: str | None = None
    Introduction: str = ""
    Notification: str = ""
    FaceUrl: str = ""
    MaxMemberCount: int | None = Field(
        None, ge=0, validation_alias=AliasChoices("MaxMemberCount", "MaxMemberNum")
    )
    ApplyJoinOption: str | None = None
    MemberList: list[MemberItem] = Field(default_factory=list, max_length=100)
    AppDefinedData: list[dict[str, Any]] = []


@command(SVC, "create_group", CreateGroup)
async def create_group(s: TencentSession, d: CreateGroup) -> dict[str, Any]:
    """``createGroup``, owned by me; members listed join with a tip.

    Errors: 10004 bad type/name/sizes; 10015 bad custom id; 10021 id in use
    (10025 mine); 10019 a member is not imported; 10038 too many members.
    """
    app = s.require_app()
    g = await s.hub.groups.lifecycle.create(
        app,
        s.user_id,
        admin=False,
        type=d.Type,
        name=d.Name,
        owner=s.user_id,
        group_id=d.GroupId or None,
        introduction=d.Introduction,
        notification=d.Notification,
        face_url=d.FaceUrl,
        max_members=d.MaxMemberCount or None,
        apply_join_option=d.ApplyJoinOption,
        custom=_custom(d.AppDefinedData),
        members=[
            MemberSpec(m.Member_Account, m.Role, _custom(m.AppMemberDefinedData))
            for m in d.MemberList
        ],
    )
    if g.type == "AVChatRoom":
        await _follow_live_room(s, g.group_id)
    return {"GroupId": g.group_id, "Type": g.type}


async def _follow_live_room(s: TencentSession, group_id: str) -> None:
    """This connection receives the AVChatRoom from now on (nothing is stored)."""
    app = s.require_app()
    s.conn.follow_group(group_id, await s.hub.groups.live_rooms.stream_head(app, group_id))


class GroupRef(Body):
    GroupId: str


@command(SVC, "destroy_group", GroupRef)
async def destroy_group(s: TencentSession, d: GroupRef) -> None:
    """``dismissGroup`` (the owner). Errors: 10010; 10007 not the owner."""
    app = s.require_app()
    await s.hub.groups.lifecycle.destroy(app, s.user_id, d.GroupId, admin=False)


class ModifyGroup(Body):
    GroupId: str
    Name: str | None = None
    Introduction: str | None = None
    Notification: str | None = None
    FaceUrl: str | None = None
    MaxMemberNum: int | None = None
    ApplyJoinOption: str | None = None
    ShutUpAllMember: str | None = Field(
        None, validation_alias=AliasChoices("ShutUpAllMember", "MuteAllMember")
    )
    AppDefinedData: list[dict[str, Any]] | None = None


@command(SVC, "modify_group_base_info", ModifyGroup)
async def modify_group_base_info(s: TencentSession, d: ModifyGroup) -> None:
    """``updateGroupProfile`` (owner or admin); members get a tip.
    Errors: 10010; 10007 not owner/admin; 10004 bad value."""
    app = s.require_app()
    mute = None if d.ShutUpAllMember is None else d.ShutUpAllMember == "On"
    await s.hub.groups.lifecycle.modify(
        app,
        s.user_id,
        d.GroupId,
        admin=False,
        name=d.Name,
        introduction=d.Introduction,
        notification=d.Notification,
        face_url=d.FaceUrl,
        max_members=d.MaxMemberNum,
        apply_join_option=d.ApplyJoinOption,
        shut_up_all=mute,
        custom=_custom(d.AppDefinedData) if d.AppDefinedData is not None else None,
    )


class ChangeOwner(Body):
    GroupId: str
    NewOwner_Account: str


@command(SVC, "change_group_owner", ChangeOwner)
async def change_group_owner(s: TencentSession, d: ChangeOwner) -> None:
    """``changeGroupOwner``. Errors: 10010; 10007 not the owner; 10004 not a member."""
    app = s.require_app()
    await s.hub.groups.lifecycle.change_owner(
        app, s.user_id, d.GroupId, d.NewOwner_Account, admin=False
    )


# --- members -------------------------------------------------------------------------


class MemberList(Body):
    GroupId: str
    Limit: int = Field(100, ge=1)
    Offset: int = Field(0, ge=0)


@command(SVC, "get_group_member_info", MemberList)
async def get_group_member_info(s: TencentSession, d: MemberList) -> dict[str, Any]:
    """``getGroupMemberList``: a page of members (owner, admins, then by join).
    Errors: 10010; 10007 not a member (of a Private group)."""
    app = s.require_app()
    members, total = await s.hub.groups.directory.members(
        app, d.GroupId, offset=d.Offset, limit=min(d.Limit, 100)
    )
    nxt = d.Offset + len(members)
    return {
        "MemberNum": total,
        "MemberList": [member_info(m) for m in members],
        "NextSeq": 0,
        "Offset": nxt if nxt < total else 0,
    }


class SpecifiedMembers(Body):
    GroupId: str
    Member_List_Account: list[str] = Field(min_length=1, max_length=50)


@command(SVC, "get_specified_group_member_info", SpecifiedMembers)
async def get_specified_group_member_info(s: TencentSession, d: SpecifiedMembers) -> dict[str, Any]:
    """``getGroupMemberProfile``: the members among ``Member_List_Account``."""
    app = s.require_app()
    await s.hub.groups.directory.get(app, d.GroupId)
    members = await s.hub.groups.directory.members_of(app, d.GroupId, d.Member_List_Account)
    return {"MemberList": [member_info(m) for m in members]}


class AddMembers(Body):
    GroupId: str
    MemberList: list[MemberItem] = Field(min_length=1, max_length=100)


@command(SVC, "add_group_member", AddMembers)
async def add_group_member(s: TencentSession, d: AddMembers) -> dict[str, Any]:
    """``addGroupMember``: ``MemberList: [{Member_Account, Result}]`` (1 added,
    2 already a member, 0 failed: not an account).
    Errors: 10010; 10007 may not invite; 10014 full."""
    app = s.require_app()
    result = await s.hub.groups.members.add(
        app, s.user_id, d.GroupId, [m.Member_Account for m in d.MemberList], admin=False
    )
    return {
        "MemberList": [
            {"Member_Account": u, "Result": {ADD_OK: 1, ADD_ALREADY: 2}.get(r, 0)}
            for u, r in result.items()
        ]
    }


class DeleteMembers(Body):
    GroupId: str
    MemberToDel_Account: list[str] = Field(min_length=1, max_length=100)
    Reason: str = ""


@command(SVC, "delete_group_member", DeleteMembers)
async def delete_group_member(s: TencentSession, d: DeleteMembers) -> None:
    """``deleteGroupMember`` (owner or admin; a tip tells the group, a system
    notice the removed). Errors: 10010; 10007 not allowed."""
    app = s.require_app()
    await s.hub.groups.members.delete(
        app, s.user_id, d.GroupId, d.MemberToDel_Account, admin=False, reason=d.Reason
    )


class Join(Body):
    GroupId: str
    ApplyMsg: str = ""


@command(SVC, "apply_join_group", Join)
async def apply_join_group(s: TencentSession, d: Join) -> dict[str, Any]:
    """``joinGroup``: ``JoinedStatus`` ``JoinedSuccess``, ``WaitAdminApproval``
    or ``AlreadyInGroup``; an AVChatRoom is joined by this connection, which
    then gets its messages pushed (Tencent's SDK would long-poll without them).
    Errors: 10010; 10007 Private or DisableApply; 10014 full."""
    app = s.require_app()
    status = await s.hub.groups.members.join(app, s.user_id, d.GroupId, d.ApplyMsg)
    g = await s.hub.groups.directory.get(app, d.GroupId)
    if g.type == "AVChatRoom":
        # no LongPollingKey: the SDK then takes the room's messages as pushes
        await _follow_live_room(s, d.GroupId)
        return {"JoinedStatus": status, "HugeGroupFlag": 1}
    return {"JoinedStatus": status}


@command(SVC, "quit_group", GroupRef)
async def quit_group(s: TencentSession, d: GroupRef) -> None:
    """``quitGroup``. Errors: 10010; 10007 not a member; 10009 the owner."""
    app = s.require_app()
    g = await s.hub.groups.directory.get(app, d.GroupId)
    if g.type == "AVChatRoom":
        if g.owner == s.user_id:
            raise ImError(Code.ERR_SVR_GROUP_SUPER_NOT_ALLOW_QUIT, "the owner cannot quit")
        s.conn.unfollow_group(d.GroupId)
        await s.hub.groups.members.left_live_room(app, s.user_id, d.GroupId)
        return
    await s.hub.groups.members.quit(app, s.user_id, d.GroupId)


class ModifyMember(Body):
    GroupId: str
    Member_Account: str
    Role: str | None = None
    NameCard: str | None = None
    ShutUpTime: int | None = Field(None, validation_alias=AliasChoices("ShutUpTime", "MuteTime"))
    MsgFlag: str | None = None
    AppMemberDefinedData: list[dict[str, Any]] | None = None


@command(SVC, "modify_group_member_info", ModifyMember)
async def modify_group_member_info(s: TencentSession, d: ModifyMember) -> None:
    """``setGroupMemberRole`` / ``NameCard`` / ``MuteTime`` / ``CustomField``.
    Errors: 10010; 10007 not allowed (or not a member); 10004 bad value."""
    app = s.require_app()
    await s.hub.groups.members.modify(
        app,
        s.user_id,
        d.GroupId,
        d.Member_Account,
        admin=False,
        role=d.Role,
        name_card=d.NameCard,
        custom=_custom(d.AppMemberDefinedData) if d.AppMemberDefinedData is not None else None,
        shut_up_seconds=d.ShutUpTime,
        msg_flag=d.MsgFlag,
    )
    if d.MsgFlag is not None:  # my other devices show the new do-not-disturb
        await s.hub.conversation_settings.changed(
            app, d.Member_Account, "GROUP" + d.GroupId, "remind"
        )


class HandleApplication(Body):
    GroupId: str
    Applicant_Account: str
    HandleMsg: str = "Agree"


@command(SVC, "handle_apply_join_group", HandleApplication)
async def handle_apply_join_group(s: TencentSession, d: HandleApplication) -> None:
    """``handleGroupApplication`` (owner or admin): ``Agree`` or ``Reject``.
    Errors: 10010; 10007 not owner/admin; 10024 none pending; 10014 full."""
    app = s.require_app()
    await s.hub.groups.members.handle_application(
        app, s.user_id, d.GroupId, d.Applicant_Account, d.HandleMsg == "Agree", admin=False
    )


class Pendency(Body):
    StartTime: int = 0
    Limit: int = 100


@command(SVC, "get_pendency", Pendency)
async def get_pendency(s: TencentSession, d: Pendency) -> dict[str, Any]:
    """``getGroupApplicationList``: applications to the groups I own or administer
    (the SDK asks twice: for Community groups, then for the others)."""
    app = s.require_app()
    apps = await s.hub.groups.members.applications(app, s.user_id)
    groups = await s.hub.groups.directory.get_many(app, list({a.group_id for a in apps}))
    community = _community_service()
    apps = [a for a in apps if (groups[a.group_id].type == "Community") == community]
    return {
        "PendencyList": [
            {
                "GroupId": a.group_id,
                "GroupName": a.group_name,
                "From_Account": a.applicant,
                "To_Account": s.user_id,
                "Time": a.time,
                "ApplicationType": 0,
                "Handled": 0,
                "ApplyInviteMsg": a.wording,
                "Authentication": "",
            }
            for a in apps
        ],
        "NextStartTime": 0,
    }


@command(SVC, "get_online_member_num", GroupRef)
async def get_online_member_num(s: TencentSession, d: GroupRef) -> dict[str, Any]:
    """``getGroupOnlineMemberCount``. Errors: 10010."""
    app = s.require_app()
    return {"OnlineMemberNum": await s.hub.groups.live_rooms.online_count(app, d.GroupId)}
