"""Tencent IM REST ``group_open_http_svc``: groups, members and group messages.

Commands (cloud.tencent.com/document/product/269/1615 and neighbours):
create_group, import_group, get_group_info, modify_group_base_info,
destroy_group, get_appid_group_list, change_group_owner, add_group_member,
import_group_member, delete_group_member, get_group_member_info,
modify_group_member_info, get_joined_group_list, get_role_in_group,
forbid_send_msg, get_group_shutted_uin, send_group_msg,
send_group_system_notification, group_msg_get_simple, group_msg_recall,
delete_group_msg_by_sender, import_group_msg, set_unread_msg_num,
get_online_member_num.

Each parses Tencent's fields and calls :class:`~palaver.services.groups.GroupService`
(``hub.groups``) as an App admin (``admin=True``, ``operator`` = the REST
``identifier``); the rules and most error codes live there. Errors of this
layer: 10004 a missing or wrong-typed field (the service's ``invalid`` code),
10005 more accounts than one request may carry, 10011 a body that is not JSON.
"""

from __future__ import annotations

import time
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AliasChoices, Field, StrictInt, StrictStr, model_validator

from palaver.api.rest.core import RestRequest, Wire, command
from palaver.errors import Code, ImError
from palaver.services.groups import (
    AT_ALL,
    ROLES,
    TYPE_ALIASES,
    Group,
    GroupSendOptions,
    Member,
    MemberSpec,
)

SVC = "group_open_http_svc"
UINT32 = (1 << 32) - 1
MAX_GROUP_ID_BYTES = 48
MAX_INFO_GROUPS = 50  # get_group_info: groups per request
MAX_CREATE_MEMBERS = 100  # create_group / import_group: MemberList
MAX_ADD_MEMBERS = 300  # add_group_member
MAX_DELETE_MEMBERS = 100  # delete_group_member
MAX_ACCOUNTS = 500  # get_role_in_group, forbid_send_msg, import_group_member
MAX_SIMPLE_MSGS = 20  # group_msg_get_simple: ReqMsgNumber
MAX_RECALL = 10  # group_msg_recall: MsgSeqList
MAX_IMPORT_MSGS = 20  # import_group_msg: MsgList
MAX_APP_GROUPS = 10000  # get_appid_group_list: Limit
MAX_MEMBER_PAGE = 6000  # get_group_member_info: Limit
MAX_JOINED_PAGE = 5000  # get_joined_group_list: Limit (larger values are capped)
ALL_PAGE = 1000  # page size when a command returns every member
MAX_PAGES = 1000  # bound of any paging loop here

# Import results (REST ``import_group_msg`` ``Result``).
IMPORT_OK = 0
IMPORT_FAILED = 1
IMPORT_DUPLICATE = 2


def _at_most(limit: int, code: int = 10005) -> Any:
    """A list validator: more than ``limit`` items raises ImError(``code``)."""

    def check(items: list[Any]) -> list[Any]:
        if len(items) > limit:
            raise ImError(code, f"at most {limit} items per request")
        return items

    return AfterValidator(check)


def _int(lo: int = 0, hi: int = UINT32) -> Any:
    """A strict integer field constraint (bools and strings refused)."""
    return Field(ge=lo, le=hi)


class _Body(Wire):
    """Base of this service's request bodies: a NUL character in any string
    (outside ``MsgBody``, which is stored as JSON) is refused with 10004, as
    storage cannot keep it."""

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, str) and "\x00" in item:
                raise ImError(
                    Code.ERR_SVR_GROUP_INVALID_PARAMETERS, "strings must not contain NUL characters"
                )
            if isinstance(item, list):
                stack += item
            elif isinstance(item, dict):
                for k, v in item.items():
                    stack.append(k)
                    if k != "MsgBody":
                        stack.append(v)
        return data


Uint = Annotated[StrictInt, _int()]
Account = Annotated[StrictStr, Field(min_length=1)]


class KeyValue(Wire):
    """``{"Key", "Value"}`` of ``AppDefinedData`` / ``AppMemberDefinedData``."""

    Key: StrictStr
    Value: StrictStr


def _custom(items: list[KeyValue] | None) -> dict[str, str] | None:
    return None if items is None else {i.Key: i.Value for i in items}


def _key_values(custom: dict[str, str], keys: list[str] | None = None) -> list[dict[str, str]]:
    """``{k: v}`` as ``[{"Key", "Value"}]``, only ``keys`` when given."""
    return [{"Key": k, "Value": v} for k, v in custom.items() if keys is None or k in keys]


def _type_filter(value: str | None) -> str | None:
    """A group-type filter with Tencent's aliases (``Work``, ``Meeting``) resolved."""
    return None if value is None else TYPE_ALIASES.get(value, value)


def check_group_id(group_id: str) -> None:
    """Raise ImError(Code.ERR_SVR_GROUP_INVALID_GROUPID) for a group ID no group can have (empty, > 48 bytes,
    not printable ASCII)."""
    if (
        not group_id
        or len(group_id.encode()) > MAX_GROUP_ID_BYTES
        or not all(0x20 < ord(c) < 0x7F for c in group_id)
    ):
        raise ImError(Code.ERR_SVR_GROUP_INVALID_GROUPID, f"invalid GroupId {group_id[:60]!r}")


def _group_id(group_id: str) -> str:
    check_group_id(group_id)
    return group_id


#: The ``GroupId`` of an existing group: an impossible one is refused with 10015.
GroupIdStr = Annotated[StrictStr, AfterValidator(_group_id)]


# --- shaping -----------------------------------------------------------------------

#: The base-info fields of ``get_group_info`` / ``get_joined_group_list``.
BASE_FIELDS = (
    "Type",
    "Name",
    "Appid",
    "Introduction",
    "Notification",
    "FaceUrl",
    "Owner_Account",
    "CreateTime",
    "LastInfoTime",
    "LastMsgTime",
    "NextMsgSeq",
    "MemberNum",
    "MaxMemberNum",
    "ApplyJoinOption",
    "ShutUpAllMember",
)
#: The fields of a member item (``MemberInfoFilter`` / ``SelfInfoFilter`` choose among them).
MEMBER_FIELDS = (
    "Role",
    "JoinTime",
    "MsgSeq",
    "MsgFlag",
    "LastSendMsgTime",
    "ShutUpUntil",
    "NameCard",
)


def base_info(g: Group, sdkappid: int, fields: list[str] | None = None) -> dict[str, Any]:
    """A group's base info (``fields`` only, when given; unknown names ignored)."""
    info: dict[str, Any] = {
        "Type": g.type,
        "Name": g.name,
        "Appid": sdkappid,
        "Introduction": g.introduction,
        "Notification": g.notification,
        "FaceUrl": g.face_url,
        "Owner_Account": g.owner,
        "CreateTime": g.created_at,
        "LastInfoTime": g.info_time,
        "LastMsgTime": g.last_msg_time,
        "NextMsgSeq": g.next_msg_seq,
        "MemberNum": g.member_num,
        "MaxMemberNum": g.max_members,
        "ApplyJoinOption": g.apply_join_option,
        "ShutUpAllMember": "On" if g.shut_up_all else "Off",
    }
    return info if fields is None else {k: v for k, v in info.items() if k in fields}


def member_info(
    m: Member,
    fields: list[str] | None = None,
    custom_keys: list[str] | None = None,
    *,
    account: bool = True,
) -> dict[str, Any]:
    """A member item: ``Member_Account`` and ``fields`` (all when ``None``);
    ``AppMemberDefinedData`` unless ``fields`` leaves it out (``custom_keys``
    only, when given). ``ShutUpUntil`` is 0 once the mute has passed."""
    now = int(time.time())
    values: dict[str, Any] = {
        "Role": m.role,
        "JoinTime": m.join_time,
        "MsgSeq": m.read_seq,
        "MsgFlag": m.msg_flag,
        "LastSendMsgTime": m.last_send_time,
        "ShutUpUntil": m.shut_up_until if m.shut_up_until > now else 0,
        "NameCard": m.name_card,
    }
    item: dict[str, Any] = {"Member_Account": m.user_id} if account else {}
    item.update(values if fields is None else {k: v for k, v in values.items() if k in fields})
    if fields is None or "AppMemberDefinedData" in fields or custom_keys is not None:
        item["AppMemberDefinedData"] = _key_values(m.custom, custom_keys)
    return item


async def _all_members(req: RestRequest, group_id: str, role: str | None = None) -> list[Member]:
    """Every member of a group (paged through the service), in the service's order."""
    out: list[Member] = []
    for _ in range(MAX_PAGES):
        page, total = await req.hub.groups.directory.members(
            req.app, group_id, offset=len(out), limit=ALL_PAGE, role=role
        )
        out += page
        if not page or len(out) >= total:
            break
    return out


# --- create_group / import_group ---------------------------------------------------


class _NewMember(Wire):
    Member_Account: Account
    Role: StrictStr = "Member"
    AppMemberDefinedData: list[KeyValue] = []


class CreateGroup(_Body):
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
    MemberList: Annotated[list[_NewMember], _at_most(MAX_CREATE_MEMBERS)] = []


class ImportGroup(CreateGroup):
    """``create_group``'s fields plus ``CreateTime`` (unix s)."""

    CreateTime: Uint | None = None


async def _create(req: RestRequest, body: CreateGroup, created_at: int | None) -> dict[str, Any]:
    members = [
        MemberSpec(m.Member_Account, m.Role, _custom(m.AppMemberDefinedData) or {})
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
        custom=_custom(body.AppDefinedData),
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


class GetGroupInfo(_Body):
    """``{"GroupIdList": [...] (≤50), "ResponseFilter"?: {...}}``."""

    GroupIdList: Annotated[list[StrictStr], Field(min_length=1), _at_most(MAX_INFO_GROUPS, 10004)]
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
            item["AppDefinedData"] = _key_values(
                g.custom, f.AppDefinedDataFilter_Group if f else None
            )
        if f is None or f.MemberInfoFilter is not None:
            fields = f.MemberInfoFilter if f else None
            keys = f.AppDefinedDataFilter_GroupMember if f else None
            item["MemberList"] = [
                member_info(m, fields, keys) for m in await _all_members(req, gid)
            ]
        out.append(item)
    return {"GroupInfo": out}


# --- modify_group_base_info / destroy_group / change_group_owner ---------------------


class _Group(_Body):
    GroupId: GroupIdStr


class ModifyGroup(_Group):
    """``{"GroupId", "Name"?, "Introduction"?, "Notification"?, "FaceUrl"?,
    "MaxMemberNum"?, "ApplyJoinOption"?, "ShutUpAllMember"?: "On"|"Off",
    "AppDefinedData"?: [{Key, Value}]}`` (an empty Value deletes a key)."""

    Name: StrictStr | None = None
    Introduction: StrictStr | None = None
    Notification: StrictStr | None = None
    FaceUrl: StrictStr | None = None
    MaxMemberNum: Uint | None = Field(
        None, validation_alias=AliasChoices("MaxMemberNum", "MaxMemberCount")
    )
    ApplyJoinOption: StrictStr | None = None
    ShutUpAllMember: Literal["On", "Off"] | None = None
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
        "shut_up_all": None if body.ShutUpAllMember is None else body.ShutUpAllMember == "On",
        "custom": _custom(body.AppDefinedData),
    }
    await req.hub.groups.lifecycle.modify(
        req.app,
        req.identifier,
        body.GroupId,
        admin=True,
        **{k: v for k, v in changes.items() if v is not None},
    )


@command(SVC, "destroy_group", _Group)
async def destroy_group(req: RestRequest, body: _Group) -> None:
    """Dismiss a group: members are told, history is deleted. Errors: 10010 no group."""
    await req.hub.groups.lifecycle.destroy(req.app, req.identifier, body.GroupId, admin=True)


class ChangeOwner(_Group):
    NewOwner_Account: Account


@command(SVC, "change_group_owner", ChangeOwner)
async def change_group_owner(req: RestRequest, body: ChangeOwner) -> None:
    """Make ``NewOwner_Account`` (a member) the owner; the old owner becomes a Member.
    Errors: 10010 no group, 10004 not a member, 10007 AVChatRoom."""
    await req.hub.groups.lifecycle.change_owner(
        req.app, req.identifier, body.GroupId, body.NewOwner_Account, admin=True
    )


# --- get_appid_group_list ------------------------------------------------------------


class AppGroupList(_Body):
    """``{"Limit"? (≤10000, default 10000), "Next"?, "GroupType"?}`` (older ``Type``)."""

    Limit: Annotated[StrictInt, Field(ge=1, le=MAX_APP_GROUPS)] = MAX_APP_GROUPS
    Next: Annotated[StrictInt, Field(ge=0, le=(1 << 62))] = 0
    GroupType: StrictStr | None = Field(None, validation_alias=AliasChoices("GroupType", "Type"))


@command(SVC, "get_appid_group_list", AppGroupList)
async def get_appid_group_list(req: RestRequest, body: AppGroupList) -> dict[str, Any]:
    """The app's groups: ``TotalCount``, ``GroupIdList: [{"GroupId"}]`` and ``Next``
    (0 when done; send it back for the next page)."""
    ids, nxt, total = await req.hub.groups.directory.list_app_groups(
        req.app, limit=body.Limit, next_key=body.Next, type=_type_filter(body.GroupType)
    )
    return {"TotalCount": total, "GroupIdList": [{"GroupId": i} for i in ids], "Next": nxt}


# --- members ---------------------------------------------------------------------------


class _AccountItem(Wire):
    Member_Account: Account


class AddMembers(_Group):
    """``{"GroupId", "Silence"?: 0|1, "MemberList": [{"Member_Account"}] (≤300)}``."""

    Silence: Annotated[StrictInt, Field(ge=0, le=1)] = 0
    MemberList: Annotated[list[_AccountItem], Field(min_length=1), _at_most(MAX_ADD_MEMBERS)]


@command(SVC, "add_group_member", AddMembers)
async def add_group_member(req: RestRequest, body: AddMembers) -> dict[str, Any]:
    """``MemberList: [{"Member_Account", "Result"}]``: 1 added, 2 already a member,
    0 failed (not an imported account). ``Silence`` 1: no join tip.
    Errors: 10010 no group, 10014 the group would be over its limit, 10007 AVChatRoom."""
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


class ImportMembers(_Group):
    """``{"GroupId", "MemberList": [{"Member_Account", "Role"?, "JoinTime"?,
    "UnreadMsgNum"?}] (≤500)}``."""

    MemberList: Annotated[list[_ImportMember], Field(min_length=1), _at_most(MAX_ACCOUNTS)]


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


class DeleteMembers(_Group):
    """``{"GroupId", "MemberToDel_Account": [...] (≤100), "Silence"?, "Reason"?}``."""

    MemberToDel_Account: Annotated[list[Account], Field(min_length=1), _at_most(MAX_DELETE_MEMBERS)]
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


class MemberInfo(_Group):
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
    "ShutUpUntil" (unix s, 0 = not muted), "NameCard", "AppMemberDefinedData"}]``,
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
            everyone = await _all_members(req, body.GroupId, role)
            page, total = everyone[body.Offset :], len(everyone)
    else:  # two of the three roles
        everyone = [m for m in await _all_members(req, body.GroupId) if m.role in roles]
        end = body.Offset + body.Limit if body.Limit else None
        page, total = everyone[body.Offset : end], len(everyone)
    return {
        "MemberNum": total,
        "MemberList": [
            member_info(m, body.MemberInfoFilter, body.AppDefinedDataFilter_GroupMember)
            for m in page
        ],
    }


class ModifyMember(_Group):
    """``{"GroupId", "Member_Account", "Role"?: "Admin"|"Member", "NameCard"?,
    "MsgFlag"?, "ShutUpTime"? (s; 0 unmutes), "AppMemberDefinedData"?}``."""

    Member_Account: Account
    Role: StrictStr | None = None
    NameCard: StrictStr | None = None
    MsgFlag: StrictStr | None = None
    ShutUpTime: Uint | None = None
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
        custom=_custom(body.AppMemberDefinedData),
        shut_up_seconds=body.ShutUpTime,
        msg_flag=body.MsgFlag,
    )


class JoinedFilter(Wire):
    GroupBaseInfoFilter: list[StrictStr] | None = None
    SelfInfoFilter: list[StrictStr] | None = None


class JoinedGroups(_Body):
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
    {fields of SelfInfoFilter: Role, JoinTime, MsgFlag, MsgSeq, ShutUpUntil, NameCard,
    UnreadMsgNum}}]``. Errors: 10019 account not imported."""
    await req.hub.accounts.require(req.app, [body.Member_Account], 10019)
    pairs, total = await req.hub.groups.directory.joined(
        req.app,
        body.Member_Account,
        type=_type_filter(body.GroupType),
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
                item["AppDefinedData"] = _key_values(g.custom)
        if f and f.SelfInfoFilter:
            self_info = member_info(m, f.SelfInfoFilter, account=False)
            if "UnreadMsgNum" in f.SelfInfoFilter:
                self_info["UnreadMsgNum"] = await req.hub.groups.reads.unread(
                    req.app, body.Member_Account, g.group_id
                )
            item["SelfInfo"] = self_info
        out.append(item)
    return {"TotalCount": total, "GroupIdList": out}


class RoleInGroup(_Group):
    """``{"GroupId", "User_Account": [...] (≤500)}``."""

    User_Account: Annotated[list[Account], Field(min_length=1), _at_most(MAX_ACCOUNTS)]


@command(SVC, "get_role_in_group", RoleInGroup)
async def get_role_in_group(req: RestRequest, body: RoleInGroup) -> dict[str, Any]:
    """``UserIdList: [{"Member_Account", "Role": Owner|Admin|Member|NotMember}]``.
    Errors: 10010 no group."""
    users = list(dict.fromkeys(body.User_Account))
    roles = await req.hub.groups.directory.roles(req.app, body.GroupId, users)
    return {"UserIdList": [{"Member_Account": u, "Role": roles.get(u, "NotMember")} for u in users]}


class ForbidSend(_Group):
    """``{"GroupId", "Members_Account": [...] (≤500), "ShutUpTime": s (0 unmutes)}``."""

    Members_Account: Annotated[list[Account], Field(min_length=1), _at_most(MAX_ACCOUNTS)]
    ShutUpTime: Uint


@command(SVC, "forbid_send_msg", ForbidSend)
async def forbid_send_msg(req: RestRequest, body: ForbidSend) -> None:
    """Mute members for ``ShutUpTime`` seconds (0 unmutes); a muted member's sends
    fail with 10017. Errors: 10010 no group."""
    await req.hub.groups.members.mute(
        req.app,
        req.identifier,
        body.GroupId,
        list(dict.fromkeys(body.Members_Account)),
        body.ShutUpTime,
        admin=True,
    )


@command(SVC, "get_group_shutted_uin", _Group)
async def get_group_shutted_uin(req: RestRequest, body: _Group) -> dict[str, Any]:
    """``ShuttedUinList: [{"Member_Account", "ShuttedUntil" (unix s)}]`` of members muted now."""
    muted = await req.hub.groups.directory.muted(req.app, body.GroupId)
    return {"ShuttedUinList": [{"Member_Account": u, "ShuttedUntil": t} for u, t in muted]}


@command(SVC, "get_online_member_num", _Group)
async def get_online_member_num(req: RestRequest, body: _Group) -> dict[str, Any]:
    """``OnlineMemberNum``: members with a connection now (AVChatRoom: users in the room)."""
    return {"OnlineMemberNum": await req.hub.groups.live_rooms.online_count(req.app, body.GroupId)}


class SetUnread(_Group):
    """``{"GroupId", "Member_Account", "UnreadMsgNum"}``."""

    Member_Account: Account
    UnreadMsgNum: Uint


@command(SVC, "set_unread_msg_num", SetUnread)
async def set_unread_msg_num(req: RestRequest, body: SetUnread) -> None:
    """Make a member have ``UnreadMsgNum`` unread messages in the group.
    Errors: 10010 no group, 10007 not a member."""
    await req.hub.groups.reads.set_unread(
        req.app, body.GroupId, body.Member_Account, body.UnreadMsgNum
    )


# --- messages ----------------------------------------------------------------------------


class AtInfo(Wire):
    GroupAtAllFlag: Annotated[StrictInt, Field(ge=0, le=1)] = 0
    GroupAt_Account: StrictStr | None = None


class SendGroupMsg(_Group):
    """``{"GroupId", "Random", "MsgBody", "From_Account"?, "MsgPriority"?,
    "MsgOnlineOnlyFlag"?, "SendMsgControl"?, "CloudCustomData"?, "GroupAtInfo"?}``
    (``OfflinePushInfo`` and ``ForbidCallbackControl`` are accepted and ignored)."""

    Random: Uint
    MsgBody: list[Any]
    From_Account: Account | None = None
    MsgPriority: Literal["High", "Normal", "Low", "Lowest"] = "Normal"
    MsgOnlineOnlyFlag: Annotated[StrictInt, Field(ge=0, le=1)] = 0
    SendMsgControl: list[StrictStr] = []
    CloudCustomData: StrictStr | None = None
    GroupAtInfo: list[AtInfo] = []


@command(SVC, "send_group_msg", SendGroupMsg)
async def send_group_msg(req: RestRequest, body: SendGroupMsg) -> dict[str, Any]:
    """Send a group message as ``From_Account`` (a member) or, without it, as the
    admin; answers ``MsgTime`` (unix s) and ``MsgSeq`` (per group, from 1).

    ``GroupAtInfo`` mentions members (``GroupAt_Account``) or everyone
    (``GroupAtAllFlag`` 1); ``MsgOnlineOnlyFlag`` 1 reaches online members only and
    is not stored. Errors: 10010 no group, 10007 sender not a member, 10017
    sender muted (or everyone muted), 90002/90007/80002 bad ``MsgBody``.
    """
    at = [AT_ALL if a.GroupAtAllFlag else a.GroupAt_Account or "" for a in body.GroupAtInfo]
    opts = GroupSendOptions(
        at=tuple(dict.fromkeys(a for a in at if a)),
        online_only=bool(body.MsgOnlineOnlyFlag),
        cloud_custom_data=body.CloudCustomData,
        priority=body.MsgPriority,
        controls=frozenset(body.SendMsgControl),
        check_member=body.From_Account is not None,
    )
    res = await req.hub.groups.messages.send(
        req.app,
        body.GroupId,
        body.From_Account or req.identifier,
        body.MsgBody,
        body.Random,
        opts,
    )
    return {"MsgTime": res.msg_time, "MsgSeq": res.seq}


class SystemNotification(_Group):
    """``{"GroupId", "ToMembers_Account"?: [...] (≤500), "Content"}``."""

    ToMembers_Account: Annotated[list[Account], _at_most(MAX_ACCOUNTS)] | None = None
    Content: StrictStr


@command(SVC, "send_group_system_notification", SystemNotification)
async def send_group_system_notification(req: RestRequest, body: SystemNotification) -> None:
    """Send a group system notice: to everyone (stored, in history) or, with
    ``ToMembers_Account``, an online push to those members. Errors: 10010, 10004 empty."""
    await req.hub.groups.messages.system_notification(
        req.app, body.GroupId, body.Content, body.ToMembers_Account or None
    )


class GetSimple(_Group):
    """``{"GroupId", "ReqMsgNumber" (1..20), "ReqMsgSeq"? (newest seq to return)}``."""

    ReqMsgNumber: Annotated[StrictInt, Field(ge=1, le=MAX_SIMPLE_MSGS)]
    ReqMsgSeq: Annotated[StrictInt, Field(ge=0, le=(1 << 62))] | None = None


@command(SVC, "group_msg_get_simple", GetSimple)
async def group_msg_get_simple(req: RestRequest, body: GetSimple) -> dict[str, Any]:
    """Group history, newest first: ``GroupId``, ``IsFinished`` (1 nothing older,
    0 more) and ``RspMsgList: [{"From_Account", "IsPlaceMsg", "MsgBody",
    "MsgPriority", "MsgRandom", "MsgSeq", "MsgTimeStamp"}]``, the ``ReqMsgNumber``
    messages with ``MsgSeq`` ≤ ``ReqMsgSeq`` (default: the newest). Page on with
    the smallest ``MsgSeq`` returned minus 1. A recalled message stays in its
    place with ``IsPlaceMsg`` 1 and an empty ``MsgBody``. Errors: 10010 no group.
    """
    before = None if body.ReqMsgSeq is None else body.ReqMsgSeq + 1
    page = await req.hub.groups.messages.history(
        req.app, body.GroupId, None, limit=body.ReqMsgNumber, before_seq=before
    )
    items = []
    for m in reversed(page.messages):
        recalled = m.is_recalled
        items.append(
            {
                "From_Account": m.sender,
                "IsPlaceMsg": int(recalled),
                "MsgBody": [] if recalled else m.body,
                "MsgPriority": "Normal",
                "MsgRandom": m.random,
                "MsgSeq": m.seq,
                "MsgTimeStamp": m.time,
            }
        )
    return {"GroupId": body.GroupId, "IsFinished": int(page.complete), "RspMsgList": items}


class _SeqItem(Wire):
    MsgSeq: Annotated[StrictInt, Field(ge=0, le=(1 << 62))]


class Recall(_Group):
    """``{"GroupId", "MsgSeqList": [{"MsgSeq"}] (≤10)}``."""

    MsgSeqList: Annotated[list[_SeqItem], Field(min_length=1), _at_most(MAX_RECALL, 10004)]


@command(SVC, "group_msg_recall", Recall)
async def group_msg_recall(req: RestRequest, body: Recall) -> dict[str, Any]:
    """Recall messages (any sender, any age for the admin): ``RecallRetList:
    [{"MsgSeq", "RetCode"}]``, RetCode 0 recalled, 10030 no such message.
    Errors: 10010 no group."""
    seqs = list(dict.fromkeys(i.MsgSeq for i in body.MsgSeqList))
    codes = await req.hub.groups.messages.recall(
        req.app, req.identifier, body.GroupId, seqs, admin=True
    )
    return {"RecallRetList": [{"MsgSeq": s, "RetCode": codes.get(s, 10030)} for s in seqs]}


class DeleteBySender(_Group):
    Sender_Account: Account


@command(SVC, "delete_group_msg_by_sender", DeleteBySender)
async def delete_group_msg_by_sender(req: RestRequest, body: DeleteBySender) -> None:
    """Delete every message ``Sender_Account`` sent in the group. Errors: 10010 no group."""
    await req.hub.groups.messages.delete_by_sender(req.app, body.GroupId, body.Sender_Account)


class _ImportMsg(Wire):
    From_Account: Account
    SendTime: Uint
    Random: Uint = 0
    MsgBody: list[Any]


class ImportGroupMsg(_Group):
    """``{"GroupId", "MsgList": [{"From_Account", "SendTime", "Random"?, "MsgBody"}] (≤20)}``
    (``RecentContactFlag`` is accepted and ignored)."""

    MsgList: Annotated[list[_ImportMsg], Field(min_length=1), _at_most(MAX_IMPORT_MSGS, 10004)]


@command(SVC, "import_group_msg", ImportGroupMsg)
async def import_group_msg(req: RestRequest, body: ImportGroupMsg) -> dict[str, Any]:
    """Import history messages (no push, no unread), in the order given:
    ``ImportMsgResult: [{"MsgSeq", "MsgTime", "Result"}]``, Result 0 imported, 1 failed
    (bad ``MsgBody``, a ``SendTime`` in the future), 2 already imported (same sender,
    ``Random`` and ``SendTime``).
    Errors: 10010 no group."""
    await req.hub.groups.directory.get(req.app, body.GroupId)
    results = []
    for m in body.MsgList:
        try:
            res = await req.hub.groups.messages.import_message(
                req.app,
                body.GroupId,
                m.From_Account,
                m.MsgBody,
                random=m.Random,
                msg_time=m.SendTime,
            )
        except ImError as exc:
            if exc.code == 10010:
                raise
            results.append({"MsgSeq": 0, "MsgTime": m.SendTime, "Result": IMPORT_FAILED})
            continue
        result = IMPORT_DUPLICATE if res.duplicate else IMPORT_OK
        results.append({"MsgSeq": res.seq, "MsgTime": res.msg_time, "Result": result})
    return {"ImportMsgResult": results}
