"""Group operations of the client protocol (docs/protocol.md §8.2).

They mirror ``@tencentcloud/chat``'s ``createGroup``, ``getGroupList``,
``getGroupProfile``, ``updateGroupProfile``, ``joinGroup``, ``quitGroup``,
``dismissGroup``, ``searchGroupByID``, ``changeGroupOwner``,
``getGroupApplicationList``, ``handleGroupApplication``, ``getGroupMemberList``,
``getGroupMemberProfile``, ``addGroupMember``, ``deleteGroupMember``,
``setGroupMemberRole``, ``setGroupMemberMuteTime``, ``setGroupMemberNameCard``,
``setGroupMemberCustomField``, ``getGroupOnlineMemberCount``,
``getMessageReadReceiptList``, ``getGroupMessageReadMemberList`` and
``sendMessageReadReceipt``, over :class:`palaver.services.groups.GroupService`:
a user acts as the operator with ``admin=False`` (roles apply). The group
branches of ``sendMessage``, ``getMessageList``, ``setMessageRead`` and
``revokeMessage`` (in :mod:`palaver.api.ws.ops_chat`) are the ``*_group_*``
functions here.

Errors are Tencent's group codes (§8.2): 10004 bad parameter, 10007 not
allowed (not a member, not owner/admin, joining a Private group...), 10009 the
owner cannot quit, 10010 no such group, 10013 already a member, 10014 full,
10015 invalid group ID, 10017 muted, 10019 account not imported, 10021 group ID
in use, 10024 no pending application, 10038 too many members at creation.
Request data without the documented shape (a missing or mistyped field) is 6017.
Pushes (``GROUP_LIST_UPDATED``, ``GROUP_APPLICATION_LIST_UPDATED``, tips) are
sent by the service, not here.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from palaver.api.ws.core import OpModel, Session, op, parse_message_id
from palaver.api.ws.group_objects import group_object, member_object
from palaver.errors import Code, ImError
from palaver.model.messages import MessageRecord, group_conv_id
from palaver.protocol.objects import C2C, GROUP, message_wire, split_conversation_id
from palaver.services.groups import (
    ADD_ALREADY,
    ADD_OK,
    Group,
    GroupSendOptions,
    Member,
    MemberSpec,
)
from palaver.services.profiles import IMAGE, NICK, ProfileService

MAX_INITIAL_MEMBERS = 100  # createGroup memberList (REST create_group's limit)
MAX_MEMBER_PROFILES = 50  # getGroupMemberProfile userIDList
MAX_MEMBER_PAGE = 100  # getGroupMemberList count
MAX_BATCH = 500  # addGroupMember / deleteGroupMember userIDList (REST's limit)
MAX_READ_QUERY = 100  # messages per read-receipt query; readers per page
MAX_HISTORY_PAGE = 15  # getMessageList count cap (as the SDK clamps it)
PRIVILEGED = ("Owner", "Admin")


class Empty(OpModel):
    pass


class GroupRef(OpModel):
    groupID: str = Field(min_length=1)


class CustomItem(OpModel):
    """``{key, value}`` of group / member custom data."""

    key: str
    value: str


def _custom(items: list[CustomItem]) -> dict[str, str]:
    return {i.key: i.value for i in items}


async def _profiles(s: Session, user_ids: list[str]) -> dict[str, dict[str, Any]]:
    """SDK profiles (nick, avatar) of the imported ones of ``user_ids``."""
    found = await s.hub.profiles.get(s.require_app(), user_ids, [NICK, IMAGE])
    return {u: ProfileService.to_sdk_profile(u, tags) for u, tags in found.items()}


async def _groups(s: Session, pairs: list[tuple[Group, Member | None]]) -> list[dict[str, Any]]:
    """Group objects (§8.4) with their last message's sender (one read for all)."""
    app = s.require_app()
    keys = [(group_conv_id(g.group_id), g.last_seq) for g, _ in pairs]
    last = await s.hub.messages.last_messages(app, keys)
    out = []
    for g, me in pairs:
        m = last.get(group_conv_id(g.group_id))
        out.append(group_object(g, me, m.sender if m else ""))
    return out


async def _group(s: Session, g: Group, me: Member | None) -> dict[str, Any]:
    return (await _groups(s, [(g, me)]))[0]


async def _group_and_me(s: Session, group_id: str) -> tuple[Group, Member | None]:
    """The group (10010 if none) and my membership (``None`` if not a member)."""
    app = s.require_app()
    g = await s.hub.groups.directory.get(app, group_id)
    return g, await s.hub.groups.directory.member(app, group_id, s.user_id)


async def _fresh(s: Session, group_id: str) -> dict[str, Any]:
    """The group object as it is now, with my ``selfInfo``."""
    g, me = await _group_and_me(s, group_id)
    return await _group(s, g, me)


async def _member(s: Session, m: Member) -> dict[str, Any]:
    profile = (await _profiles(s, [m.user_id])).get(m.user_id)
    return member_object(m, profile)


def _is_av(g: Group) -> bool:
    return g.type == "AVChatRoom"


# --- groups --------------------------------------------------------------------


class CreateMember(OpModel):
    userID: str
    role: str = "Member"
    memberCustomField: list[CustomItem] = []


class CreateGroup(OpModel):
    """``{type, name, groupID?, introduction?, notification?, avatar?,
    maxMemberNum?, joinOption?, memberList?, groupCustomField?}``."""

    type: str
    name: str
    groupID: str | None = None
    introduction: str = ""
    notification: str = ""
    avatar: str = ""
    maxMemberNum: int | None = Field(None, ge=0)
    joinOption: str | None = None
    memberList: list[CreateMember] = Field([], max_length=MAX_INITIAL_MEMBERS)
    groupCustomField: list[CustomItem] = []


@op("createGroup", CreateGroup)
async def create_group(s: Session, d: CreateGroup) -> dict[str, Any]:
    """Create a group owned by me: ``{group}`` (with my ``selfInfo``, role Owner).

    Tencent: ``@tencentcloud/chat`` ``createGroup`` (REST ``create_group``).
    ``type``: ``Private`` (alias ``Work``), ``Public``, ``ChatRoom`` (alias
    ``Meeting``), ``AVChatRoom``, ``Community``. Members listed join with a tip.
    The creator of an ``AVChatRoom`` is in the room on this connection.

    Errors: 10004 bad type/name/sizes/role/joinOption; 10015 invalid custom
    ``groupID``; 10021 ``groupID`` in use (10025 when it is mine); 10019 a
    member is not imported; 10038 more members than the type allows.
    """
    app = s.require_app()
    g = await s.hub.groups.lifecycle.create(
        app,
        s.user_id,
        admin=False,
        type=d.type,
        name=d.name,
        owner=s.user_id,
        group_id=d.groupID or None,
        introduction=d.introduction,
        notification=d.notification,
        face_url=d.avatar,
        max_members=d.maxMemberNum,
        apply_join_option=d.joinOption,
        custom=_custom(d.groupCustomField),
        members=[MemberSpec(m.userID, m.role, _custom(m.memberCustomField)) for m in d.memberList],
    )
    if _is_av(g):
        await _follow_live_room(s, g.group_id)
    return {"group": await _fresh(s, g.group_id)}


@op("getGroupList", Empty)
async def get_group_list(s: Session, d: Empty) -> dict[str, Any]:
    """Groups I am a member of, newest join first: ``{groupList: [group]}``
    (each with my ``selfInfo``). Tencent: ``getGroupList``."""
    app = s.require_app()
    joined, _ = await s.hub.groups.directory.joined(app, s.user_id)
    pairs: list[tuple[Group, Member | None]] = [(g, m) for g, m in joined]
    return {"groupList": await _groups(s, pairs)}


@op("getGroupProfile", GroupRef)
async def get_group_profile(s: Session, d: GroupRef) -> dict[str, Any]:
    """One group: ``{group}``. Tencent: ``getGroupProfile``.

    Members see any group; others see every type but ``Private``.
    Errors: 10010 no such group; 10007 a ``Private`` group I am not in.
    """
    g, me = await _group_and_me(s, d.groupID)
    if me is None and g.type == "Private":
        raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, "only members can see a Private group")
    return {"group": await _group(s, g, me)}


class UpdateGroupProfile(OpModel):
    """``{groupID, name?, introduction?, notification?, avatar?, maxMemberNum?,
    joinOption?, muteAllMembers?, groupCustomField?}`` (at least one change)."""

    groupID: str = Field(min_length=1)
    name: str | None = None
    introduction: str | None = None
    notification: str | None = None
    avatar: str | None = None
    maxMemberNum: int | None = Field(None, ge=0)
    joinOption: str | None = None
    muteAllMembers: bool | None = None
    groupCustomField: list[CustomItem] | None = None


@op("updateGroupProfile", UpdateGroupProfile)
async def update_group_profile(s: Session, d: UpdateGroupProfile) -> dict[str, Any]:
    """Change group fields (owner/admin): ``{group}``; members get a tip
    (``TIMGroupTipElem`` operationType 6) with the changed fields.

    Tencent: ``updateGroupProfile`` (REST ``modify_group_base_info``).
    ``groupCustomField`` items are merged (an empty value deletes a key).
    Errors: 10010; 10007 not owner/admin; 10004 a bad value or nothing to change.
    """
    app = s.require_app()
    fields = {
        "name": d.name,
        "introduction": d.introduction,
        "notification": d.notification,
        "face_url": d.avatar,
        "max_members": d.maxMemberNum,
        "apply_join_option": d.joinOption,
        "shut_up_all": d.muteAllMembers,
        "custom": _custom(d.groupCustomField) if d.groupCustomField is not None else None,
    }
    changes = {k: v for k, v in fields.items() if v is not None}
    if not changes:
        raise ImError(Code.ERR_SVR_GROUP_INVALID_PARAMETERS, "nothing to update")
    await s.hub.groups.lifecycle.modify(app, s.user_id, d.groupID, admin=False, **changes)
    return {"group": await _fresh(s, d.groupID)}


class JoinGroup(OpModel):
    groupID: str = Field(min_length=1)
    applyMessage: str = ""


@op("joinGroup", JoinGroup)
async def join_group(s: Session, d: JoinGroup) -> dict[str, Any]:
    """Join or apply: ``{status: "JoinedSuccess" | "WaitAdminApproval" |
    "AlreadyInGroup", group?}`` (``group`` unless waiting).

    Tencent: ``joinGroup``. ``Public`` groups follow their ``joinOption``
    (``NeedPermission``: owner and admins get ``GROUP_APPLICATION_LIST_UPDATED``);
    ``ChatRoom``/``Community`` are free to join; an ``AVChatRoom`` is joined by
    this connection only (the SDK joins again after a reconnect).
    Errors: 10010; 10007 a ``Private`` group or ``DisableApply``; 10014 full.
    """
    app = s.require_app()
    status = await s.hub.groups.members.join(app, s.user_id, d.groupID, d.applyMessage)
    g, me = await _group_and_me(s, d.groupID)
    if _is_av(g):
        await _follow_live_room(s, d.groupID)
    out: dict[str, Any] = {"status": status}
    if status != "WaitAdminApproval":
        out["group"] = await _group(s, g, me)
    return out


@op("quitGroup", GroupRef)
async def quit_group(s: Session, d: GroupRef) -> dict[str, Any]:
    """Leave a group: ``{groupID}``. Tencent: ``quitGroup``. Leaving an
    ``AVChatRoom`` stops this connection receiving it.

    Errors: 10010; 10007 not a member; 10009 the owner cannot quit (dismiss
    the group or hand it over with ``changeGroupOwner``).
    """
    app = s.require_app()
    g = await s.hub.groups.directory.get(app, d.groupID)
    if _is_av(g):
        if g.owner == s.user_id:
            raise ImError(
                Code.ERR_SVR_GROUP_SUPER_NOT_ALLOW_QUIT, "the owner cannot quit the group"
            )
        s.conn.unfollow_group(d.groupID)
    else:
        await s.hub.groups.members.quit(app, s.user_id, d.groupID)
    return {"groupID": d.groupID}


@op("dismissGroup", GroupRef)
async def dismiss_group(s: Session, d: GroupRef) -> dict[str, Any]:
    """Dismiss a group I own: ``{groupID}``; members get ``GROUP_LIST_UPDATED``
    ``dismissed``. Tencent: ``dismissGroup``. Errors: 10010; 10007 not the owner."""
    app = s.require_app()
    await s.hub.groups.lifecycle.destroy(app, s.user_id, d.groupID, admin=False)
    return {"groupID": d.groupID}


@op("searchGroupByID", GroupRef)
async def search_group_by_id(s: Session, d: GroupRef) -> dict[str, Any]:
    """A group's public fields (no ``selfInfo``): ``{group}``. Tencent:
    ``searchGroupByID``. Errors: 10010 no such group; 10007 a ``Private`` group."""
    g = await s.hub.groups.directory.search(s.require_app(), d.groupID)
    return {"group": await _group(s, g, None)}


class ChangeOwner(OpModel):
    groupID: str = Field(min_length=1)
    newOwnerID: str = Field(min_length=1)


@op("changeGroupOwner", ChangeOwner)
async def change_group_owner(s: Session, d: ChangeOwner) -> dict[str, Any]:
    """Hand my group to a member (I become a Member): ``{group}``. Tencent:
    ``changeGroupOwner``. Errors: 10010; 10007 not the owner (or an
    AVChatRoom); 10004 ``newOwnerID`` is not a member."""
    app = s.require_app()
    await s.hub.groups.lifecycle.change_owner(app, s.user_id, d.groupID, d.newOwnerID, admin=False)
    return {"group": await _fresh(s, d.groupID)}


# --- applications --------------------------------------------------------------


@op("getGroupApplicationList", Empty)
async def get_group_application_list(s: Session, d: Empty) -> dict[str, Any]:
    """Pending applications to groups I own or administer, newest first:
    ``{applicationList: [{groupID, groupName, applicant, applicantNick,
    applyMessage, time}], unreadCount}`` (``unreadCount``: all of them).
    Tencent: ``getGroupApplicationList``."""
    apps = await s.hub.groups.members.applications(s.require_app(), s.user_id)
    profiles = await _profiles(s, list(dict.fromkeys(a.applicant for a in apps)))
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
    g, me = await _group_and_me(s, d.groupID)
    if _is_av(g):
        return {"memberList": [], "offset": 0}
    if me is None:
        raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, "only members can list the members")
    page, total = await s.hub.groups.directory.members(
        app, d.groupID, offset=d.offset, limit=d.count, role=d.role
    )
    profiles = await _profiles(s, [m.user_id for m in page])
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
    g, me = await _group_and_me(s, d.groupID)
    if _is_av(g):
        return {"memberList": []}
    if me is None:
        raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, "only members can see member profiles")
    members = await s.hub.groups.directory.members_of(
        app, d.groupID, list(dict.fromkeys(d.userIDList))
    )
    profiles = await _profiles(s, [m.user_id for m in members])
    return {"memberList": [member_object(m, profiles.get(m.user_id)) for m in members]}


class MemberBatch(OpModel):
    groupID: str = Field(min_length=1)
    userIDList: list[str] = Field(min_length=1, max_length=MAX_BATCH)
    reason: str = ""


@op("addGroupMember", MemberBatch)
async def add_group_member(s: Session, d: MemberBatch) -> dict[str, Any]:
    """Invite users: ``{successUserIDList, failureUserIDList (not imported),
    existedUserIDList, group}``; one join tip lists those added.

    Tencent: ``addGroupMember``. In a ``Private`` group any member invites; in
    the other types only owner/admins; never in an ``AVChatRoom``.
    Errors: 10010; 10007 not allowed to invite; 10014 the group would be full.
    """
    app = s.require_app()
    users = list(dict.fromkeys(d.userIDList))
    result = await s.hub.groups.members.add(app, s.user_id, d.groupID, users, admin=False)
    return {
        "successUserIDList": [u for u in users if result.get(u) == ADD_OK],
        "failureUserIDList": [u for u in users if result.get(u) not in (ADD_OK, ADD_ALREADY)],
        "existedUserIDList": [u for u in users if result.get(u) == ADD_ALREADY],
        "group": await _fresh(s, d.groupID),
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
    return {"group": await _fresh(s, d.groupID), "userIDList": removed}


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
    return await _modify_member(s, d.groupID, d.userID, role=d.role)


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
    return await _modify_member(s, d.groupID, d.userID, shut_up_seconds=d.muteTime)


class SetNameCard(OpModel):
    groupID: str = Field(min_length=1)
    userID: str | None = None
    nameCard: str


@op("setGroupMemberNameCard", SetNameCard)
async def set_group_member_name_card(s: Session, d: SetNameCard) -> dict[str, Any]:
    """Set a member's name card (mine by default; others' as owner/admin):
    ``{group, member}``. Tencent: ``setGroupMemberNameCard``.
    Errors: 10010; 10007 not allowed or not a member; 10004 too long."""
    return await _modify_member(s, d.groupID, d.userID or s.user_id, name_card=d.nameCard)


class SetMemberCustom(OpModel):
    groupID: str = Field(min_length=1)
    userID: str | None = None
    memberCustomField: list[CustomItem] = Field(min_length=1)


@op("setGroupMemberCustomField", SetMemberCustom)
async def set_group_member_custom_field(s: Session, d: SetMemberCustom) -> dict[str, Any]:
    """Set a member's custom fields (merged; mine by default, others' as
    owner/admin): ``{group, member}``. Tencent: ``setGroupMemberCustomField``.
    Errors: 10010; 10007 not allowed or not a member; 10004 bad key or value."""
    return await _modify_member(
        s, d.groupID, d.userID or s.user_id, custom=_custom(d.memberCustomField)
    )


async def _modify_member(s: Session, group_id: str, user: str, **change: Any) -> dict[str, Any]:
    app = s.require_app()
    m = await s.hub.groups.members.modify(app, s.user_id, group_id, user, admin=False, **change)
    return {"group": await _fresh(s, group_id), "member": await _member(s, m)}


@op("getGroupOnlineMemberCount", GroupRef)
async def get_group_online_member_count(s: Session, d: GroupRef) -> dict[str, Any]:
    """Members with a connection now (``AVChatRoom``: users in the room):
    ``{memberCount}``. Tencent: ``getGroupOnlineMemberCount``.
    Errors: 10010; 10007 a ``Private`` group I am not in."""
    g, me = await _group_and_me(s, d.groupID)
    if me is None and g.type == "Private":
        raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, "only members can see a Private group")
    return {"memberCount": await s.hub.groups.live_rooms.online_count(s.require_app(), d.groupID)}


async def _follow_live_room(s: Session, group_id: str) -> None:
    """This connection receives the AVChatRoom's messages from now on
    (connection-level: nothing is stored; the SDK joins again after a reconnect)."""
    s.conn.follow_group(
        group_id, await s.hub.groups.live_rooms.stream_head(s.require_app(), group_id)
    )


# --- group messages (the GROUP branches of ops_chat's message ops) --------------


def _as_seen(m: MessageRecord, viewer: str, read_seq: int) -> dict[str, Any]:
    """A group message as ``viewer`` (whose read position is ``read_seq``) sees it."""
    return message_wire(m, viewer, is_read=m.seq <= read_seq)


async def send_group_message(
    s: Session,
    group_id: str,
    body: list[dict[str, Any]],
    random: int,
    *,
    at_user_list: list[str],
    online_only: bool,
    need_read_receipt: bool,
    cloud_custom_data: str | None,
    priority: str,
) -> dict[str, Any]:
    """``sendMessage`` to ``GROUP<id>``: ``{message}`` (stored once; one frame to
    every online member). Errors: the body's codes (90002, 80002...); 10010;
    10007 not a member; 10017 muted (me, or everyone but owner/admins)."""
    res = await s.hub.groups.messages.send(
        s.require_app(),
        group_id,
        s.user_id,
        body,
        random,
        GroupSendOptions(
            at=tuple(at_user_list),
            online_only=online_only,
            cloud_custom_data=cloud_custom_data,
            priority=priority,
            need_receipt=need_read_receipt,
            lane=s.lane,
            origin=s.conn.id,
        ),
    )
    return {"message": message_wire(res.message, s.user_id)}


async def get_group_message_list(
    s: Session, group_id: str, next_req_message_id: str | None, count: int
) -> dict[str, Any]:
    """``getMessageList`` of ``GROUP<id>``: a page (≤ 15, oldest first) of what I
    may see (from my join on, or all of it in ChatRoom/Community; in an AVChatRoom
    I have joined on this connection, its short window).
    Errors: 10010; 10007 not a member (not in the room); 6017 ``nextReqMessageID``
    not in the group."""
    app = s.require_app()
    group = await s.hub.groups.directory.get(app, group_id)
    viewer: str | None = s.user_id
    if group.type == "AVChatRoom":  # no members: the room's audience reads its short window
        if group_id not in s.conn.groups:
            raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, "join the room first")
        viewer, read_seq = None, 0
    else:
        _, me = await s.hub.groups.directory.require_member(app, group_id, s.user_id)
        read_seq = me.read_seq
    before = None
    if next_req_message_id:
        anchor = await s.hub.groups.messages.get(
            app, group_id, parse_message_id(next_req_message_id)
        )
        before = anchor.seq
    page = await s.hub.groups.messages.history(
        app, group_id, viewer, limit=min(count, MAX_HISTORY_PAGE), before_seq=before
    )
    items = [_as_seen(m, s.user_id, read_seq) for m in page.messages]
    return {
        "messageList": items,
        "nextReqMessageID": items[0]["ID"] if items and not page.complete else "",
        "isCompleted": page.complete,
    }


async def set_group_message_read(s: Session, group_id: str) -> None:
    """``setMessageRead`` of ``GROUP<id>``: my read position moves to the newest
    message; senders who asked for receipts get ``MESSAGE_READ_RECEIPT_RECEIVED``.
    Errors: 10010; 10007 not a member."""
    await s.hub.groups.reads.mark_read(s.require_app(), s.user_id, group_id)


async def revoke_group_message(s: Session, group_id: str, message_id: str) -> dict[str, Any]:
    """``revokeMessage`` in ``GROUP<id>``: ``{message}`` (``isRevoked`` true);
    members online get ``MESSAGE_REVOKED``. The sender may recall within the
    app's ``recall_window``; the owner and admins any message at any time.
    Errors: 10010; 10007 not a member or not my message; 10031 past the window;
    6017 no such message in the group."""
    app = s.require_app()
    _, me = await s.hub.groups.directory.require_member(app, group_id, s.user_id)
    msg = await s.hub.groups.messages.get(app, group_id, parse_message_id(message_id))
    window = None if me.role in PRIVILEGED else app.settings.recall_window
    codes = await s.hub.groups.messages.recall(
        app, s.user_id, group_id, [msg.seq], admin=False, window=window
    )
    code = codes.get(msg.seq, 10030)
    if code:
        raise ImError(code)
    msg = await s.hub.groups.messages.get(app, group_id, msg.id)
    return {"message": _as_seen(msg, s.user_id, me.read_seq)}


# --- read receipts ---------------------------------------------------------------


class MessageIDs(OpModel):
    conversationID: str
    messageIDList: list[str] = Field(min_length=1, max_length=MAX_READ_QUERY)


async def _messages_of(
    s: Session, conversation_id: str, ids: list[str]
) -> tuple[str, str, list[MessageRecord]]:
    """(kind, peer or group ID, the messages) of one of my conversations.
    Raises ImError 6017 a message not in it; 10010/10007 for a group I am not in."""
    app = s.require_app()
    kind, peer = split_conversation_id(conversation_id)
    msgs = []
    if kind == GROUP:
        await s.hub.groups.directory.require_member(app, peer, s.user_id)
        for i in ids:
            msgs.append(await s.hub.groups.messages.get(app, peer, parse_message_id(i)))
    else:
        for i in ids:
            msgs.append(await s.hub.messages.get(app, s.user_id, peer, parse_message_id(i)))
    return kind, peer, msgs


@op("getMessageReadReceiptList", MessageIDs)
async def get_message_read_receipt_list(s: Session, d: MessageIDs) -> dict[str, Any]:
    """How many have read each message: ``{messageList: [{ID, sequence,
    readReceiptInfo: {readCount, unreadCount}}]}`` (request order). In a group
    the sender is not counted; in C2C the count is the other party's (0 or 1).

    Tencent: ``getMessageReadReceiptList``. Errors: 6017 an ID not in the
    conversation; 10010; 10007 not a member of the group.
    """
    app = s.require_app()
    kind, peer, msgs = await _messages_of(s, d.conversationID, d.messageIDList)
    if kind == GROUP:
        counts = await s.hub.groups.reads.read_counts(app, peer, [m.seq for m in msgs])
    else:
        read_by_peer = await s.hub.messages.peer_read_seq(app, s.user_id, peer)
        read_by_me = await s.hub.messages.peer_read_seq(app, peer, s.user_id)
        counts = {}
        for m in msgs:
            read = m.seq <= (read_by_peer if m.sender == s.user_id else read_by_me)
            counts[m.seq] = (1, 0) if read else (0, 1)
    return {
        "messageList": [
            {
                "ID": str(m.id),
                "sequence": m.seq,
                "readReceiptInfo": dict(
                    zip(("readCount", "unreadCount"), counts.get(m.seq, (0, 0)), strict=True)
                ),
            }
            for m in msgs
        ]
    }


class ReadMembers(OpModel):
    conversationID: str
    messageID: str
    filter: Literal[0, 1] = 0
    offset: int = Field(0, ge=0)
    count: int = Field(MAX_READ_QUERY, ge=1, le=MAX_READ_QUERY)


@op("getGroupMessageReadMemberList", ReadMembers)
async def get_group_message_read_member_list(s: Session, d: ReadMembers) -> dict[str, Any]:
    """Members who have read (``filter`` 0) or not read (1) a group message, the
    sender excluded: ``{userIDList, offset (next; 0 when done), isCompleted}``.

    Tencent: ``getGroupMessageReadMemberList``. Errors: 6017 not a group
    conversation, or an ID not in it; 10010; 10007 not a member.
    """
    app = s.require_app()
    kind, group_id, [msg] = await _messages_of(s, d.conversationID, [d.messageID])
    if kind != GROUP:
        raise ImError(Code.ERR_INVALID_PARAMETERS, "read member lists are for group messages")
    users, nxt = await s.hub.groups.reads.readers(
        app, group_id, msg.seq, msg.sender, read=d.filter == 0, offset=d.offset, limit=d.count
    )
    return {"userIDList": users, "offset": nxt, "isCompleted": nxt == 0}


@op("sendMessageReadReceipt", MessageIDs)
async def send_message_read_receipt(s: Session, d: MessageIDs) -> None:
    """Mark a conversation read up to the newest of these messages (Tencent
    ``sendMessageReadReceipt``): the senders get ``MESSAGE_READ_RECEIPT_RECEIVED``
    (group) or ``MESSAGE_READ_BY_PEER`` (C2C). Errors as :func:`get_message_read_receipt_list`."""
    app = s.require_app()
    kind, peer, msgs = await _messages_of(s, d.conversationID, d.messageIDList)
    up_to = max(m.seq for m in msgs)
    if kind == GROUP:
        await s.hub.groups.reads.mark_read(app, s.user_id, peer, up_to)
    else:
        assert kind == C2C
        await s.hub.messages.mark_read(app, s.user_id, peer, up_to)
