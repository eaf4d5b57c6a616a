"""What the group services speak: groups, members, applications, and Tencent's rules
for their names, types, limits and IDs.

Constants and rules follow Tencent IM's group pages (cloud.tencent.com/document/
product/269/1502 "group system", /1615 ``create_group``); errors are
:class:`~palaver.errors.ImError` with Tencent's group codes.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from palaver.errors import Code, ImError
from palaver.model.messages import TOPIC_MARK, topic_group
from palaver.services.sending import SendLane, SendSource
from palaver.storage.group_members import NewMember
from palaver.storage.records import GroupApplicationRow, GroupRow, MemberRow

if TYPE_CHECKING:
    from palaver.services.apps import App

#: Group types and the names Tencent's newer SDKs also accept.
GROUP_TYPES = ("Private", "Public", "ChatRoom", "AVChatRoom", "Community")
TYPE_ALIASES = {"Work": "Private", "Meeting": "ChatRoom"}
ROLES = ("Owner", "Admin", "Member")
JOIN_OPTIONS = ("FreeAccess", "NeedPermission", "DisableApply")
#: ``MsgFlag`` values (REST ``modify_group_member_info``).
MSG_FLAGS = ("AcceptAndNotify", "AcceptNotNotify", "Discard")
#: ``GroupAtInfo``/``atUserList`` value that mentions everyone.
AT_ALL = "__kImSDK_MesssageAtALL__"

# Group tip operation types (TIMGroupTipElem OpType / SDK operationType).
TIP_JOIN = 1
TIP_QUIT = 2
TIP_KICKED = 3
TIP_SET_ADMIN = 4
TIP_CANCEL_ADMIN = 5
TIP_GROUP_PROFILE = 6
TIP_MEMBER_PROFILE = 7

# Results of add_group_member per account (REST ``Result``).
ADD_FAILED = 0
ADD_OK = 1
ADD_ALREADY = 2

SYSTEM_SENDER = "@TIM#SYSTEM"  # From_Account of server-made messages, as Tencent's
OPEN_HISTORY = ("ChatRoom", "Community")  # new members see earlier history
GROUP_CACHE_TTL = 5.0  # seconds a group's / a membership's send checks are cached
DEDUPE_WINDOW = 120  # seconds a retried send is answered with the first MsgSeq

#: Tencent's member limits per type (app setting ``group_member_limits`` overrides them).
DEFAULT_MEMBER_LIMITS = {"Private": 200, "Public": 2000, "ChatRoom": 6000, "Community": 100_000}

# Byte limits of group and member fields (REST create_group / modify_*_info).
NAME_BYTES = 30
INTRODUCTION_BYTES = 240
NOTIFICATION_BYTES = 300
FACE_URL_BYTES = 100
NAME_CARD_BYTES = 50
CUSTOM_KEY_BYTES = 16
CUSTOM_VALUE_BYTES = 4096
GROUP_ID_BYTES = 48

_TYPE_CODE = {"Private": "1", "Public": "2", "ChatRoom": "3", "AVChatRoom": "a", "Community": "c"}
#: The prefix of a Community group's custom ID (Tencent: "自定义的社群 ID 前缀必须是@TGS#_").
COMMUNITY_PREFIX = "@TGS#_"
_GROUP_ID_OK = set(string.ascii_letters + string.digits + "_-@#.:")


@dataclass(frozen=True)
class Group:
    """A group as stored, with its message head and member count.

    ``custom``: group custom data ``{key: value}`` (REST ``AppDefinedData``).
    ``last_seq``: the newest ``MsgSeq`` (0 before the first message);
    ``max_members``: 0 for no limit (AVChatRoom). Times are unix s.
    """

    group_id: str
    type: str
    name: str
    introduction: str
    notification: str
    face_url: str
    owner: str
    apply_join_option: str
    shut_up_all: bool
    max_members: int
    custom: dict[str, str]
    created_at: int
    info_time: int
    last_seq: int
    last_msg_time: int
    member_num: int

    @property
    def next_msg_seq(self) -> int:
        """REST ``NextMsgSeq``."""
        return self.last_seq + 1

    @classmethod
    def of(cls, row: GroupRow, member_num: int) -> Group:
        """The group of a stored row and its member count."""
        return cls(
            group_id=row.group_id,
            type=row.type,
            name=row.name,
            introduction=row.introduction,
            notification=row.notification,
            face_url=row.face_url,
            owner=row.owner,
            apply_join_option=row.apply_join_option,
            shut_up_all=row.shut_up_all,
            max_members=row.max_members,
            custom=row.custom,
            created_at=row.created_at,
            info_time=row.info_time,
            last_seq=row.last_seq,
            last_msg_time=row.last_time,
            member_num=member_num,
        )


#: A member of a group: the stored membership (see :class:`MemberRow` for the fields).
Member = MemberRow

#: A pending application to join a group (Public with NeedPermission).
GroupApplication = GroupApplicationRow


@dataclass(frozen=True)
class MemberSpec:
    """A member to add at creation or import: role, custom data, and for imports
    the join time (unix s) and the unread count to start with."""

    user_id: str
    role: str = "Member"
    custom: dict[str, str] = field(default_factory=dict)
    join_time: int | None = None
    unread: int = 0


@dataclass(frozen=True)
class GroupSendOptions:
    """Optional parts of a group send.

    ``at``: mentioned user IDs and/or :data:`AT_ALL` (REST ``GroupAtInfo``).
    ``online_only``: push to online members only, never stored (REST
    ``MsgOnlineOnlyFlag``, SDK ``onlineUserOnly``). ``controls``:
    ``SendMsgControl`` (``NoUnread``, ``NoLastMsg``). ``check_member``: the
    sender must be a member and not muted (False for an App admin sending as
    itself). ``need_receipt``: senders get ``MESSAGE_READ_RECEIPT_RECEIVED``.
    ``lane``/``origin``: the sending connection's order and id (as for C2C).
    ``client_seq``/``client_time``: the client's ``ClientSeq`` and
    ``MsgClientTime`` (Tencent's SDK names messages by them). ``source``: where
    the send came from, for the app backend's callbacks.
    """

    at: tuple[str, ...] = ()
    online_only: bool = False
    cloud_custom_data: str | None = None
    msg_time: int | None = None
    priority: str = "Normal"
    controls: frozenset[str] = field(default_factory=frozenset)
    need_receipt: bool = False
    #: ``isSupportExtension``: the message may carry extensions
    support_extension: bool = False
    check_member: bool = True
    lane: SendLane | None = None
    origin: str | None = None
    client_seq: int = 0
    client_time: int = 0
    source: SendSource = field(default_factory=SendSource)


@dataclass(frozen=True)
class GroupConversation:
    """A member's view of a group as a conversation. ``at_me``: unread messages
    mentioning them: (seq, sender, [1 at me | 2 at all]). ``last_time`` unix s,
    ``pinned_at`` unix ms."""

    group_id: str
    last_seq: int
    last_time: int
    last_msg_id: int
    read_seq: int
    pinned: bool
    pinned_at: int
    unread: int
    at_me: list[tuple[int, str, list[int]]]


def custom_list(custom: dict[str, str]) -> list[dict[str, Any]]:
    """``{k: v}`` as the SDK's ``[{key, value}]``."""
    return [{"key": k, "value": v} for k, v in custom.items()]


# -- rules ---------------------------------------------------------------------


def norm_type(t: str) -> str:
    """The group type ``t`` names (aliases resolved). Raises ImError 10004 if none."""
    t = TYPE_ALIASES.get(t, t)
    if t not in GROUP_TYPES:
        raise ImError(
            Code.ERR_SVR_GROUP_INVALID_PARAMETERS,
            f"invalid group Type {t!r} (one of {', '.join(GROUP_TYPES)})",
        )
    return t


def type_limit(app: App, gtype: str) -> int:
    """The app's member limit for groups of type ``gtype`` (0: no member list)."""
    if gtype == "AVChatRoom":
        return 0  # no member list
    return int(app.settings.group_member_limits.get(gtype, DEFAULT_MEMBER_LIMITS[gtype]))


def join_option(gtype: str, option: str | None) -> str:
    """The ``ApplyJoinOption`` a group of ``gtype`` gets when ``option`` is asked
    for (fixed for Private and AVChatRoom; ``None``: the type's default).
    Raises ImError 10004 for an unknown option."""
    if gtype == "Private":
        return "DisableApply"
    if gtype == "AVChatRoom":
        return "FreeAccess"
    if option is None:
        return "NeedPermission" if gtype == "Public" else "FreeAccess"
    if option not in JOIN_OPTIONS:
        raise ImError(Code.ERR_SVR_GROUP_INVALID_PARAMETERS, f"invalid ApplyJoinOption {option!r}")
    return option


def check_text(value: str, size: int, label: str, *, required: bool = False) -> None:
    """Raise ImError 10004 if ``value`` (field ``label``) is longer than ``size``
    bytes in UTF-8, or empty when ``required``."""
    if required and not value:
        raise ImError(Code.ERR_SVR_GROUP_INVALID_PARAMETERS, f"{label} is required")
    if len(value.encode()) > size:
        raise ImError(Code.ERR_SVR_GROUP_INVALID_PARAMETERS, f"{label} is longer than {size} bytes")


def check_group_id(group_id: str, gtype: str | None = None) -> None:
    """Raise ImError 10015 for a custom group ID Tencent refuses: the ``@TGS#``
    prefix (generated IDs only; but a Community's custom ID starts ``@TGS#_``, as
    Tencent's SDK needs to tell its topics), more than 48 bytes, or characters
    other than letters, digits and ``_-@#.:``. Without ``gtype`` (a group named,
    not created) a topic's ID (``<group ID>@TOPIC#_<suffix>``) passes when its
    group's ID does; a new group's ID may not hold ``@TOPIC#_``."""
    if gtype is None:
        group_id = topic_group(group_id) or group_id
    community = group_id.startswith(COMMUNITY_PREFIX) and gtype in (None, "Community")
    if (
        (group_id.startswith("@TGS#") and not community)
        or TOPIC_MARK in group_id
        or len(group_id.encode()) > GROUP_ID_BYTES
        or not set(group_id) <= _GROUP_ID_OK
    ):
        raise ImError(Code.ERR_SVR_GROUP_INVALID_GROUPID, f"invalid GroupId {group_id!r}")


def new_group_id(gtype: str) -> str:
    """A fresh generated ID: ``@TGS#``, a type letter and 9 random characters; a
    Community's also starts with ``@TGS#_`` (``@TGS#_@TGS#c…``, as Tencent makes
    them: its SDK tells a Community with topics by that prefix)."""
    alphabet = string.ascii_uppercase + string.digits
    gid = "@TGS#" + _TYPE_CODE[gtype] + "".join(secrets.choice(alphabet) for _ in range(9))
    return COMMUNITY_PREFIX + gid if gtype == "Community" else gid


def merge_custom(old: dict[str, str], new: dict[str, str], max_keys: int = 0) -> dict[str, str]:
    """``old`` custom data with ``new`` applied (an empty value deletes a key).
    Raises ImError 10004 for a key over 16 bytes, a value over 4096 bytes, or
    more than ``max_keys`` keys in the result (0: no count limit)."""
    out = dict(old)
    for k, v in new.items():
        if len(k.encode()) > CUSTOM_KEY_BYTES or len(str(v).encode()) > CUSTOM_VALUE_BYTES:
            raise ImError(
                Code.ERR_SVR_GROUP_INVALID_PARAMETERS,
                f"custom field {k!r}: key ≤ 16 bytes, value ≤ 4096 bytes",
            )
        if v == "":
            out.pop(k, None)
        else:
            out[k] = str(v)
    if max_keys and len(out) > max_keys and len(out) > len(old):
        raise ImError(
            Code.ERR_SVR_GROUP_INVALID_PARAMETERS,
            f"at most {max_keys} custom fields (the app's max_member_custom_fields)",
        )
    return out


def new_member(
    spec: MemberSpec, join_time: int, join_seq: int = 0, read_seq: int = 0, max_keys: int = 0
) -> NewMember:
    """The membership to insert for ``spec``: history visible after ``join_seq``,
    read up to ``read_seq`` (never before ``join_seq``); ``join_time`` unix s.
    Raises ImError 10004 for bad custom data (see :func:`merge_custom`; at most
    ``max_keys`` keys)."""
    return NewMember(
        user_id=spec.user_id,
        role=spec.role,
        join_time=join_time,
        join_seq=join_seq,
        read_seq=max(read_seq, join_seq),
        custom=merge_custom({}, spec.custom, max_keys),
    )
