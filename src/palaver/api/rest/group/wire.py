"""What every ``group_open_http_svc`` command shares: limits, request fields,
and the shapes of a group's base info and of a member item.

Request models derive from :class:`GroupBody` (a NUL in any string is 10004)
or :class:`GroupRequest` (with a checked ``GroupId``).
"""

from __future__ import annotations

import time
from typing import Annotated, Any

from pydantic import AfterValidator, Field, StrictInt, StrictStr, model_validator

from palaver.api.rest.core import RestRequest, Wire
from palaver.errors import Code, ImError
from palaver.model.messages import topic_group
from palaver.services.groups import TYPE_ALIASES, Group, Member
from palaver.services.groups.topics import TOPIC_ID_BYTES

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
MAX_SPECIFIED = 50  # get_specified_group_member_info: Member_List_Account
MAX_JOINED_PAGE = 5000  # get_joined_group_list: Limit (larger values are capped)
ALL_PAGE = 1000  # page size when a command returns every member
MAX_PAGES = 1000  # bound of any paging loop here


def at_most(limit: int, code: int = 10005) -> Any:
    """A list validator: more than ``limit`` items raises ImError(``code``)."""

    def check(items: list[Any]) -> list[Any]:
        if len(items) > limit:
            raise ImError(code, f"at most {limit} items per request")
        return items

    return AfterValidator(check)


def _int(lo: int = 0, hi: int = UINT32) -> Any:
    """A strict integer field constraint (bools and strings refused)."""
    return Field(ge=lo, le=hi)


class GroupBody(Wire):
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


def custom_dict(items: list[KeyValue] | None) -> dict[str, str] | None:
    """``[{"Key", "Value"}]`` as ``{k: v}`` (``None`` stays ``None``: not given)."""
    return None if items is None else {i.Key: i.Value for i in items}


def key_values(custom: dict[str, str], keys: list[str] | None = None) -> list[dict[str, str]]:
    """``{k: v}`` as ``[{"Key", "Value"}]``, only ``keys`` when given."""
    return [{"Key": k, "Value": v} for k, v in custom.items() if keys is None or k in keys]


def type_filter(value: str | None) -> str | None:
    """A group-type filter with Tencent's aliases (``Work``, ``Meeting``) resolved."""
    return None if value is None else TYPE_ALIASES.get(value, value)


def check_group_id(group_id: str) -> None:
    """Raise ImError(Code.ERR_SVR_GROUP_INVALID_GROUPID) for a group ID no group can have (empty, > 48 bytes,
    not printable ASCII). A Community topic's ID (its message stream) may be up to 128 bytes."""
    limit = TOPIC_ID_BYTES if topic_group(group_id) else MAX_GROUP_ID_BYTES
    if (
        not group_id
        or len(group_id.encode()) > limit
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
    "MuteAllMember",
)
#: The fields of a member item (``MemberInfoFilter`` / ``SelfInfoFilter`` choose among them).
MEMBER_FIELDS = (
    "Role",
    "JoinTime",
    "MsgSeq",
    "MsgFlag",
    "LastSendMsgTime",
    "MuteUntil",
    "NameCard",
)
#: Field names of older editions of Tencent's docs -> the current ones. A filter
#: naming the old one gets the field under that name (a backend written to the
#: old docs reads what it asked for); without a filter answers use current names.
OLD_NAMES = {"ShutUpAllMember": "MuteAllMember", "ShutUpUntil": "MuteUntil"}


def _pick(values: dict[str, Any], fields: list[str] | None) -> dict[str, Any]:
    """``values`` limited to ``fields`` (all when ``None``; unknown names ignored),
    old spellings (:data:`OLD_NAMES`) answered under the name asked for."""
    if fields is None:
        return values
    out: dict[str, Any] = {}
    for name in fields:
        current = OLD_NAMES.get(name, name)
        if current in values:
            out[name] = values[current]
    return out


def base_info(g: Group, sdkappid: int, fields: list[str] | None = None) -> dict[str, Any]:
    """A group's base info (``fields`` only, when given; unknown names ignored).
    ``MuteAllMember`` is ``ShutUpAllMember`` in older docs (see :data:`OLD_NAMES`)."""
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
        "MuteAllMember": "On" if g.shut_up_all else "Off",
    }
    return _pick(info, fields)


def member_info(
    m: Member,
    fields: list[str] | None = None,
    custom_keys: list[str] | None = None,
    *,
    account: bool = True,
) -> dict[str, Any]:
    """A member item: ``Member_Account`` and ``fields`` (all when ``None``);
    ``AppMemberDefinedData`` unless ``fields`` leaves it out (``custom_keys``
    only, when given). ``MuteUntil`` (older docs: ``ShutUpUntil``, answered under
    that name when the filter names it) is 0 once the mute has passed."""
    now = int(time.time())
    values: dict[str, Any] = {
        "Role": m.role,
        "JoinTime": m.join_time,
        "MsgSeq": m.read_seq,
        "MsgFlag": m.msg_flag,
        "LastSendMsgTime": m.last_send_time,
        "MuteUntil": m.shut_up_until if m.shut_up_until > now else 0,
        "NameCard": m.name_card,
    }
    item: dict[str, Any] = {"Member_Account": m.user_id} if account else {}
    item.update(_pick(values, fields))
    if fields is None or "AppMemberDefinedData" in fields or custom_keys is not None:
        item["AppMemberDefinedData"] = key_values(m.custom, custom_keys)
    return item


async def all_members(req: RestRequest, group_id: str, role: str | None = None) -> list[Member]:
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


class GroupRequest(GroupBody):
    """A request about one group: ``{"GroupId", ...}``."""

    GroupId: GroupIdStr
