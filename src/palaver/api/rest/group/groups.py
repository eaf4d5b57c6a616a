"""``group_open_http_svc`` commands about groups themselves: create_group,
import_group, get_group_info, modify_group_base_info, destroy_group,
change_group_owner, get_appid_group_list, get_joined_group_list.

They call ``hub.groups.lifecycle`` and ``hub.groups.directory``
(:mod:`palaver.services.groups`) as an App admin.
"""

from __future__ import annotations

import time
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, StrictInt, StrictStr

from palaver.api.rest.core import RestRequest, Wire, command
from palaver.api.rest.group.wire import (
    MAX_APP_GROUPS,
    MAX_CREATE_MEMBERS,
    MAX_INFO_GROUPS,
    MAX_JOINED_PAGE,
    SVC,
    UINT32,
    Account,
    GroupBody,
    GroupRequest,
    KeyValue,
    Uint,
    all_members,
    at_most,
    base_info,
    check_group_id,
    custom_dict,
    key_values,
    member_info,
    type_filter,
)
from palaver.errors import Code, ImError
from palaver.services.groups import MemberSpec


class _NewMember(Wire):
    Member_Account: Account
    Role: StrictStr = "Member"
    AppMemberDefinedData: list[KeyValue] = []


class CreateGroup(GroupBody):
    """``{"Type", "Name", "Owner_Account"?, "GroupId"?, "Introduction"?, "Notification"?,
    "FaceUrl"?, "MaxMemberCount"?, "ApplyJoinOption"?, "AppDefinedData"?: [{Key, Value}],
    "MemberList"?: [{"Member_Account", "Role"?, "AppMemberDefinedData"?}] (≤100)}``."""

    field_codes = {"GroupId": 10015}

    Type: StrictStr
    Name: StrictStr
    Owner_Account: Account | None = None
    GroupId: StrictStr | None = None
    Introduction: StrictStr = ""
    Notification: StrictStr = ""
    FaceUrl: StrictStr = ""
    MaxMemberCount: Uint | None = Field(
        None, validation_alias=AliasChoices("MaxMemberCount", "MaxMemberNum")
    )
    ApplyJoinOption: StrictStr | None = None
    AppDefinedData: list[KeyValue] | None = None
    MemberList: Annotated[list[_NewMember], at_most(MAX_CREATE_MEMBERS)] = []


class ImportGroup(CreateGroup):
    """``create_group``'s fields plus ``CreateTime`` (unix s)."""

    CreateTime: Uint | None = None


async def _create(req: RestRequest, body: CreateGroup, created_at: int | None) -> dict[str, Any]:
    members = [
        MemberSpec(m.Member_Account, m.Role, custom_dict(m.AppMemberDefinedData) or {})
        for m in body.MemberList
    ]
    g = await req.hub.groups.lifecycle.create(
        req.app,
        req.identifier,
        admin=True,
        type=body.Type,
        name=body.Name,
        owner=body.Owner_Account,
        group_id=body.GroupId,
        introduction=body.Introduction,
        notification=body.Notification,
        face_url=body.FaceUrl,
        max_members=body.MaxMemberCount,
        apply_join_option=body.ApplyJoinOption,
        custom=custom_dict(body.AppDefinedData),
        members=members,
        created_at=created_at,
        silence=created_at is not None,
    )
    return {"GroupId": g.group_id}


@command(SVC, "create_group", CreateGroup)
async def create_group(req: RestRequest, body: CreateGroup) -> dict[str, Any]:
    """Create a group; answers ``GroupId`` (generated ones start with ``@TGS#``).

    ``Type`` is ``Private`` (= ``Work``), ``Public``, ``ChatRoom`` (= ``Meeting``),
    ``AVChatRoom`` or ``Community``; without ``Owner_Account`` the group has no owner.
    Errors: 10004 bad Type/Name/sizes/Role/ApplyJoinOption, 10015 invalid
    custom GroupId (``@TGS#`` prefix, > 48 bytes...), 10021 GroupId in use,
    10019 an account not imported, 10005 MemberList > 100, 10038 more members
    than the type allows.
    """
    return await _create(req, body, None)


@command(SVC, "import_group", ImportGroup)
async def import_group(req: RestRequest, body: ImportGroup) -> dict[str, Any]:
    """Create a group with its original ``CreateTime`` (default now), without tips
    (members usually follow with ``import_group_member``). Errors as ``create_group``."""
    return await _create(req, body, body.CreateTime or int(time.time()))


# --- get_group_info ----------------------------------------------------------------


class InfoFilter(Wire):
    """``ResponseFilter`` of get_group_info."""

    GroupBaseInfoFilter: list[StrictStr] | None = None
    MemberInfoFilter: list[StrictStr] | None = None
    AppDefinedDataFilter_Group: list[StrictStr] | None = None
    AppDefinedDataFilter_GroupMember: list[StrictStr] | None = None


class GetGroupInfo(GroupBody):
    """``{"GroupIdList": [...] (≤50), "ResponseFilter"?: {...}}``."""

    GroupIdList: Annotated[list[StrictStr], Field(min_length=1), at_most(MAX_INFO_GROUPS, 10004)]
    ResponseFilter: InfoFilter | None = None


@command(SVC, "get_group_info", GetGroupInfo)
async def get_group_info(req: RestRequest, body: GetGroupInfo) -> dict[str, Any]:
    """``GroupInfo: [{"GroupId", "ErrorCode", "ErrorInfo", base info..., "AppDefinedData",
    "MemberList"}]`` in request order.

    Without ``ResponseFilter`` everything is returned (base info, custom data,
    every member with all fields). With it: ``GroupBaseInfoFilter`` picks base
    fields (all when absent); ``MemberList`` only with ``MemberInfoFilter``
    (its fields; ``AppMemberDefinedData`` with ``AppDefinedDataFilter_GroupMember``);
    ``AppDefinedData`` only when named in ``GroupBaseInfoFilter`` or with
    ``AppDefinedDataFilter_Group`` (its keys). A group that does not exist gets
    its own ``ErrorCode`` 10010 (10015 for an impossible ID) and the envelope stays OK.
    """
    f = body.ResponseFilter
    found = await req.hub.groups.directory.get_many(req.app, list(dict.fromkeys(body.GroupIdList)))
    out: list[dict[str, Any]] = []
    for gid in body.GroupIdList:
        g = found.get(gid)
        if g is None:
            try:
                check_group_id(gid)
                err = ImError(Code.ERR_SVR_GROUP_NOT_FOUND, f"group {gid!r} does not exist")
            except ImError as exc:
                err = exc
            out.append({"GroupId": gid, "ErrorCode": err.code, "ErrorInfo": err.info})
            continue
        item: dict[str, Any] = {"GroupId": gid, "ErrorCode": 0, "ErrorInfo": ""}
        item.update(base_info(g, req.app.sdkappid, f.GroupBaseInfoFilter if f else None))
        want_custom = (
            f is None
            or f.AppDefinedDataFilter_Group is not None
            or "AppDefinedData" in (f.GroupBaseInfoFilter or ())
        )
        if want_custom:
            item["AppDefinedData"] = key_values(
                g.custom, f.AppDefinedDataFilter_Group if f else None
            )
        if f is None or f.MemberInfoFilter is not None:
            fields = f.MemberInfoFilter if f else None
            keys = f.AppDefinedDataFilter_GroupMember if f else None
            item["MemberList"] = [member_info(m, fields, keys) for m in await all_members(req, gid)]
        out.append(item)
    return {"GroupInfo": out}


class ModifyGroup(GroupRequest):
    """``{"GroupId", "Name"?, "Introduction"?, "Notification"?, "FaceUrl"?,
    "MaxMemberNum"?, "ApplyJoinOption"?, "MuteAllMember"?: "On"|"Off" (older docs:
    ``ShutUpAllMember``), "AppDefinedData"?: [{Key, Value}]}`` (an empty Value deletes a key)."""

    Name: StrictStr | None = None
    Introduction: StrictStr | None = None
    Notification: StrictStr | None = None
    FaceUrl: StrictStr | None = None
    MaxMemberNum: Uint | None = Field(
        None, validation_alias=AliasChoices("MaxMemberNum", "MaxMemberCount")
    )
    ApplyJoinOption: StrictStr | None = None
    MuteAllMember: Literal["On", "Off"] | None = Field(
        None, validation_alias=AliasChoices("MuteAllMember", "ShutUpAllMember")
    )
    AppDefinedData: list[KeyValue] | None = None


@command(SVC, "modify_group_base_info", ModifyGroup)
async def modify_group_base_info(req: RestRequest, body: ModifyGroup) -> None:
    """Change group profile fields; members get a tip. Errors: 10010 no group,
    10004 bad value. (Note: ``MaxMemberNum`` here, ``MaxMemberCount`` at creation;
    both spellings are accepted.)"""
    changes: dict[str, Any] = {
        "name": body.Name,
        "introduction": body.Introduction,
        "notification": body.Notification,
        "face_url": body.FaceUrl,
        "max_members": body.MaxMemberNum,
        "apply_join_option": body.ApplyJoinOption,
        "shut_up_all": None if body.MuteAllMember is None else body.MuteAllMember == "On",
        "custom": custom_dict(body.AppDefinedData),
    }
    await req.hub.groups.lifecycle.modify(
        req.app,
        req.identifier,
        body.GroupId,
        admin=True,
        **{k: v for k, v in changes.items() if v is not None},
    )


@command(SVC, "destroy_group", GroupRequest)
async def destroy_group(req: RestRequest, body: GroupRequest) -> None:
    """Dismiss a group: members are told, history is deleted. Errors: 10010 no group."""
    await req.hub.groups.lifecycle.destroy(req.app, req.identifier, body.GroupId, admin=True)


class ChangeOwner(GroupRequest):
    NewOwner_Account: Account


@command(SVC, "change_group_owner", ChangeOwner)
async def change_group_owner(req: RestRequest, body: ChangeOwner) -> None:
    """Make ``NewOwner_Account`` (a member) the owner; the old owner becomes a Member.
    Errors: 10010 no group, 10004 not a member, 10007 AVChatRoom."""
    await req.hub.groups.lifecycle.change_owner(
        req.app, req.identifier, body.GroupId, body.NewOwner_Account, admin=True
    )


# --- get_appid_group_list ------------------------------------------------------------


class AppGroupList(GroupBody):
    """``{"Limit"? (≤10000, default 10000), "Next"?, "GroupType"?}`` (older ``Type``)."""

    Limit: Annotated[StrictInt, Field(ge=1, le=MAX_APP_GROUPS)] = MAX_APP_GROUPS
    Next: Annotated[StrictInt, Field(ge=0, le=(1 << 62))] = 0
    GroupType: StrictStr | None = Field(None, validation_alias=AliasChoices("GroupType", "Type"))


@command(SVC, "get_appid_group_list", AppGroupList)
async def get_appid_group_list(req: RestRequest, body: AppGroupList) -> dict[str, Any]:
    """The app's groups: ``TotalCount``, ``GroupIdList: [{"GroupId"}]`` and ``Next``
    (0 when done; send it back for the next page)."""
    ids, nxt, total = await req.hub.groups.directory.list_app_groups(
        req.app, limit=body.Limit, next_key=body.Next, type=type_filter(body.GroupType)
    )
    return {"TotalCount": total, "GroupIdList": [{"GroupId": i} for i in ids], "Next": nxt}


class JoinedFilter(Wire):
    GroupBaseInfoFilter: list[StrictStr] | None = None
    SelfInfoFilter: list[StrictStr] | None = None


class JoinedGroups(GroupBody):
    """``{"Member_Account", "Limit"?, "Offset"?, "GroupType"? (older ``Type``),
    "ResponseFilter"?: {"GroupBaseInfoFilter", "SelfInfoFilter"}}``."""

    Member_Account: Account
    Limit: Annotated[StrictInt, Field(ge=0, le=UINT32)] | None = None
    Offset: Annotated[StrictInt, Field(ge=0, le=UINT32)] = 0
    GroupType: StrictStr | None = Field(None, validation_alias=AliasChoices("GroupType", "Type"))
    ResponseFilter: JoinedFilter | None = None


@command(SVC, "get_joined_group_list", JoinedGroups)
async def get_joined_group_list(req: RestRequest, body: JoinedGroups) -> dict[str, Any]:
    """Groups ``Member_Account`` belongs to, newest join first: ``TotalCount`` and
    ``GroupIdList: [{"GroupId", base fields of GroupBaseInfoFilter..., "SelfInfo"?:
    {fields of SelfInfoFilter: Role, JoinTime, MsgFlag, MsgSeq, MuteUntil, NameCard,
    UnreadMsgNum}}]``. Errors: 10019 account not imported."""
    await req.hub.accounts.require(req.app, [body.Member_Account], 10019)
    pairs, total = await req.hub.groups.directory.joined(
        req.app,
        body.Member_Account,
        type=type_filter(body.GroupType),
        offset=body.Offset,
        limit=min(body.Limit, MAX_JOINED_PAGE) if body.Limit else None,
    )
    f = body.ResponseFilter
    out = []
    for g, m in pairs:
        item: dict[str, Any] = {"GroupId": g.group_id}
        if f and f.GroupBaseInfoFilter:
            item.update(base_info(g, req.app.sdkappid, f.GroupBaseInfoFilter))
            if "AppDefinedData" in f.GroupBaseInfoFilter:
                item["AppDefinedData"] = key_values(g.custom)
        if f and f.SelfInfoFilter:
            self_info = member_info(m, f.SelfInfoFilter, account=False)
            if "UnreadMsgNum" in f.SelfInfoFilter:
                self_info["UnreadMsgNum"] = await req.hub.groups.reads.unread(
                    req.app, body.Member_Account, g.group_id
                )
            item["SelfInfo"] = self_info
        out.append(item)
    return {"TotalCount": total, "GroupIdList": out}
