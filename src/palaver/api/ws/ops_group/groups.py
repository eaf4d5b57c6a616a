"""Group operations about groups themselves: ``createGroup``, ``getGroupList``,
``getGroupProfile``, ``updateGroupProfile``, ``joinGroup``, ``quitGroup``,
``dismissGroup``, ``searchGroupByID``, ``changeGroupOwner`` (``@tencentcloud/chat``
names; docs/protocol.md §8.2), over ``hub.groups.lifecycle``,
``hub.groups.directory`` and ``hub.groups.members``.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from palaver.api.ws.core import OpModel, Session, op
from palaver.api.ws.ops_group.views import (
    CustomItem,
    Empty,
    GroupRef,
    custom_dict,
    follow_live_room,
    fresh_group,
    group_and_me,
    group_view,
    group_views,
    is_live_room,
)
from palaver.errors import Code, ImError
from palaver.services.groups import Group, Member, MemberSpec

MAX_INITIAL_MEMBERS = 100  # createGroup memberList (REST create_group's limit)


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
        custom=custom_dict(d.groupCustomField),
        members=[
            MemberSpec(m.userID, m.role, custom_dict(m.memberCustomField)) for m in d.memberList
        ],
    )
    if is_live_room(g):
        await follow_live_room(s, g.group_id)
    return {"group": await fresh_group(s, g.group_id)}


@op("getGroupList", Empty)
async def get_group_list(s: Session, d: Empty) -> dict[str, Any]:
    """Groups I am a member of, newest join first: ``{groupList: [group]}``
    (each with my ``selfInfo``). Tencent: ``getGroupList``."""
    app = s.require_app()
    joined, _ = await s.hub.groups.directory.joined(app, s.user_id)
    pairs: list[tuple[Group, Member | None]] = [(g, m) for g, m in joined]
    return {"groupList": await group_views(s, pairs)}


@op("getGroupProfile", GroupRef)
async def get_group_profile(s: Session, d: GroupRef) -> dict[str, Any]:
    """One group: ``{group}``. Tencent: ``getGroupProfile``.

    Members see any group; others see every type but ``Private``.
    Errors: 10010 no such group; 10007 a ``Private`` group I am not in.
    """
    g, me = await group_and_me(s, d.groupID)
    if me is None and g.type == "Private":
        raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, "only members can see a Private group")
    return {"group": await group_view(s, g, me)}


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
        "custom": custom_dict(d.groupCustomField) if d.groupCustomField is not None else None,
    }
    changes = {k: v for k, v in fields.items() if v is not None}
    if not changes:
        raise ImError(Code.ERR_SVR_GROUP_INVALID_PARAMETERS, "nothing to update")
    await s.hub.groups.lifecycle.modify(app, s.user_id, d.groupID, admin=False, **changes)
    return {"group": await fresh_group(s, d.groupID)}


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
    g, me = await group_and_me(s, d.groupID)
    if is_live_room(g):
        await follow_live_room(s, d.groupID)
    out: dict[str, Any] = {"status": status}
    if status != "WaitAdminApproval":
        out["group"] = await group_view(s, g, me)
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
    if is_live_room(g):
        if g.owner == s.user_id:
            raise ImError(
                Code.ERR_SVR_GROUP_SUPER_NOT_ALLOW_QUIT, "the owner cannot quit the group"
            )
        s.conn.unfollow_group(d.groupID)
        await s.hub.groups.members.left_live_room(app, s.user_id, d.groupID)
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
    return {"group": await group_view(s, g, None)}


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
    return {"group": await fresh_group(s, d.groupID)}
