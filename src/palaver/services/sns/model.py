"""What the relationship-chain services speak: limits, tags, results, and the
rules for their values.

Limits, tag names and result codes are Tencent IM's ``sns`` service's
(cloud.tencent.com/document/product/269/1643 and neighbours); errors are
:class:`~palaver.errors.ImError` with its 3xxxx codes. The rows are storage's
records (:class:`Friend`, :class:`FriendApplication`, :class:`Block`).

The list sizes :data:`MAX_FRIENDS` and :data:`MAX_BLACKLIST` are read from this
module when a call runs (``model.MAX_FRIENDS``), so there is one place to change them.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import orjson

from palaver.errors import Code, ImError
from palaver.services.accounts import validate_user_id
from palaver.storage import Tx
from palaver.storage import accounts as account_store
from palaver.storage.sns import Block, Friend, FriendApplication

if TYPE_CHECKING:
    from palaver.services.apps import App

__all__ = [
    "AllowType",
    "BlackRelation",
    "Block",
    "BlacklistPage",
    "CheckResult",
    "Friend",
    "FriendAdd",
    "FriendApplication",
    "FriendImport",
    "FriendPage",
    "FriendProfile",
    "FriendResponse",
    "FriendUpdate",
    "ItemResult",
    "Relation",
    "friend_tags",
]

MAX_FRIENDS = 3000  # friend-list size (30010 own list full, 30014 the peer's)
MAX_BLACKLIST = 1000  # blacklist size (30013)
MAX_ADD_BATCH = 100  # friend_add / friend_import / friend_update items per call
MAX_BATCH = 1000  # delete / check / get_list / blacklist items per call
FRIEND_PAGE = 100  # friends per friend_get page

MAX_REMARK_BYTES = 96
MAX_GROUP_NAME_BYTES = 30
MAX_WORDING_BYTES = 256
MAX_SOURCE_BYTES = 128
MAX_CUSTOM_BYTES = 500

ADD_SOURCE_PREFIX = "AddSource_Type_"
TAG_ADD_SOURCE = "Tag_SNS_IM_AddSource"
TAG_REMARK = "Tag_SNS_IM_Remark"
TAG_GROUP = "Tag_SNS_IM_Group"
TAG_ADD_WORDING = "Tag_SNS_IM_AddWording"
TAG_ADD_TIME = "Tag_SNS_IM_AddTime"
TAG_REMARK_TIME = "Tag_SNS_IM_RemarkTime"
SNS_CUSTOM_PREFIX = "Tag_SNS_Custom_"
PROFILE_PREFIX = "Tag_Profile_"
TAG_ALLOW_TYPE = "Tag_Profile_IM_AllowType"
STANDARD_TAGS = (
    TAG_ADD_SOURCE,
    TAG_REMARK,
    TAG_GROUP,
    TAG_ADD_WORDING,
    TAG_ADD_TIME,
    TAG_REMARK_TIME,
)


class AllowType(StrEnum):
    """``Tag_Profile_IM_AllowType``: how a user accepts friend requests (unset = AllowAny)."""

    ALLOW_ANY = "AllowType_Type_AllowAny"
    NEED_CONFIRM = "AllowType_Type_NeedConfirm"
    DENY_ANY = "AllowType_Type_DenyAny"


class Relation(StrEnum):
    """``friend_check`` relation of A (the owner) and B (the other)."""

    BOTH_WAY = "CheckResult_Type_BothWay"
    A_WITH_B = "CheckResult_Type_AWithB"  # B is in A's list only
    B_WITH_A = "CheckResult_Type_BWithA"  # A is in B's list only
    NO_RELATION = "CheckResult_Type_NoRelation"


class BlackRelation(StrEnum):
    """``black_list_check`` relation of A (the owner) and B (the other)."""

    BOTH_WAY = "BlackCheckResult_Type_BothWay"
    A_WITH_B = "BlackCheckResult_Type_AWithB"  # B is on A's blacklist only
    B_WITH_A = "BlackCheckResult_Type_BWithA"  # A is on B's blacklist only
    NO = "BlackCheckResult_Type_NO"


@dataclass(frozen=True)
class ItemResult:
    """Outcome for one target of a batch call: ``code`` 0 or a Tencent 3xxxx code."""

    peer: str
    code: int = 0
    info: str = ""

    @property
    def ok(self) -> bool:
        """Whether the item succeeded (``code`` 0)."""
        return self.code == 0


def refused_items(
    reply: Mapping[str, Any] | None, codes: range, refused: int = 38000
) -> dict[str, ItemResult]:
    """The targets an app backend's ``Sns.CallbackPrevFriendAdd`` /
    ``Sns.CallbackPrevFriendResponse`` answer refuses, by user: its ``ResultItem``
    entries ``{To_Account, ResultCode, ResultInfo}`` whose ``ResultCode`` is not 0
    (Tencent: "other values: do not allow"), with that code when it is in ``codes``
    (Tencent's range for it, 38000–39000), else ``refused``; entries with
    ``ResultCode`` 0, and the targets left out, are allowed."""
    out: dict[str, ItemResult] = {}
    verdicts = reply.get("ResultItem") if reply else None
    for v in verdicts if isinstance(verdicts, list) else []:
        if not isinstance(v, dict) or not isinstance(v.get("To_Account"), str):
            continue
        code = v.get("ResultCode")
        if isinstance(code, int) and not isinstance(code, bool) and code != 0:
            info = str(v.get("ResultInfo") or "refused by the app backend")
            out[v["To_Account"]] = ItemResult(
                v["To_Account"], code if code in codes else refused, info
            )
    return out


@dataclass(frozen=True)
class CheckResult:
    """Relation of the owner and ``peer`` (``code`` 30003 if ``peer`` is not an account)."""

    peer: str
    relation: str
    code: int = 0
    info: str = ""


@dataclass(frozen=True)
class FriendAdd:
    """One friend to add (``friend_add``'s ``AddFriendItem``).

    ``add_source`` must start with ``AddSource_Type_``; ``group_name`` is one
    friend group (empty for none).
    """

    peer: str
    add_source: str
    remark: str = ""
    group_name: str = ""
    add_wording: str = ""


@dataclass(frozen=True)
class FriendImport:
    """One friend to import (``friend_import``'s ``AddFriendItem``); times in unix s, 0 = now/unset."""

    peer: str
    add_source: str
    remark: str = ""
    remark_time: int = 0
    groups: tuple[str, ...] = ()
    add_wording: str = ""
    add_time: int = 0
    custom: Mapping[str, Any] = field(default_factory=dict)


#: ``ResponseAction`` values of an answer to a friend application (Tencent's
#: ``friend_response``): accept and add back, accept one way, refuse
RESPONSE_AGREE_AND_ADD = "Response_Action_AgreeAndAdd"
RESPONSE_AGREE = "Response_Action_Agree"
RESPONSE_REJECT = "Response_Action_Reject"


@dataclass(frozen=True)
class FriendResponse:
    """One answer to ``requester``'s pending friend application (the SDK's
    ``acceptFriendApplication`` / ``refuseFriendApplication``, Tencent's
    ``ResponseFriendItem``): ``action`` one of :data:`RESPONSE_AGREE_AND_ADD`,
    :data:`RESPONSE_AGREE`, :data:`RESPONSE_REJECT`; ``remark`` and ``group_name``
    (Tencent's ``TagName``) are what the answerer gives the new friend."""

    requester: str
    action: str = RESPONSE_AGREE_AND_ADD
    remark: str = ""
    group_name: str = ""


@dataclass(frozen=True)
class FriendUpdate:
    """New friend data for ``peer``: ``(tag, value)`` pairs (``friend_update``'s ``SnsItem``)."""

    peer: str
    items: Sequence[tuple[str, Any]]


@dataclass(frozen=True)
class PendingApplications:
    """``user``'s pending applications (to and/or from them, newest first) and
    until when (unix s) they read those sent to them (``setFriendApplicationRead``)."""

    user: str
    applications: list[FriendApplication]
    read_time: int

    @property
    def unread(self) -> int:
        """Applications sent to ``user`` after their read time (the SDK's ``unreadCount``)."""
        return sum(
            1 for a in self.applications if a.to_user == self.user and a.created_at > self.read_time
        )


@dataclass(frozen=True)
class FriendPage:
    """One ``friend_get`` page.

    ``next_index`` is the ``StartIndex`` of the next page (0 when ``complete``);
    ``standard_sequence`` / ``custom_sequence`` are digests of the whole list's
    standard / custom data (equal values mean unchanged; never 0).
    """

    friends: list[Friend]
    total: int
    next_index: int
    complete: bool
    standard_sequence: int
    custom_sequence: int


@dataclass(frozen=True)
class FriendProfile:
    """``friend_get_list`` answer for one peer: the asked tags that have a value."""

    peer: str
    items: list[tuple[str, Any]]
    code: int = 0
    info: str = ""


@dataclass(frozen=True)
class BlacklistPage:
    """One ``black_list_get`` page; ``next_index`` 0 when done; ``sequence`` a digest (never 0)."""

    entries: list[Block]
    next_index: int
    sequence: int


def friend_tags(friend: Friend) -> list[tuple[str, Any]]:
    """The friend's ``Tag_SNS_IM_*`` standard tags then its ``Tag_SNS_Custom_*`` tags."""
    return standard_tags(friend) + sorted(friend.custom.items())


def standard_tags(f: Friend) -> list[tuple[str, Any]]:
    """The friend's ``Tag_SNS_IM_*`` tags and values, in Tencent's order."""
    return [
        (TAG_ADD_SOURCE, f.add_source),
        (TAG_REMARK, f.remark),
        (TAG_GROUP, list(f.groups)),
        (TAG_ADD_WORDING, f.add_wording),
        (TAG_ADD_TIME, f.add_time),
        (TAG_REMARK_TIME, f.remark_time),
    ]


def digest(data: Any) -> int:
    """A list's ``*Sequence`` (a CRC-32 of its JSON; never 0, which means "none")."""
    return zlib.crc32(orjson.dumps(data)) or 1


def limit_bytes(name: str, value: str, limit: int) -> None:
    """Raise ImError 30001 if ``value`` (field ``name``) is over ``limit`` bytes (UTF-8)."""
    if len(value.encode()) > limit:
        raise ImError(
            Code.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS, f"{name} is longer than {limit} bytes"
        )


def check_source(source: str) -> None:
    """Raise ImError 30001 unless ``source`` is ``AddSource_Type_XXX`` (≤ 128 bytes)."""
    if not source.startswith(ADD_SOURCE_PREFIX) or len(source) == len(ADD_SOURCE_PREFIX):
        raise ImError(
            Code.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS,
            f"AddSource must look like {ADD_SOURCE_PREFIX}XXX",
        )
    limit_bytes("AddSource", source, MAX_SOURCE_BYTES)


def check_groups(groups: Iterable[str]) -> tuple[str, ...]:
    """Friend-group names without repeats. Raises ImError 30001 for an empty or
    non-string name or one over 30 bytes."""
    out: list[str] = []
    for g in groups:
        if not isinstance(g, str) or not g:
            raise ImError(
                Code.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS,
                "a friend group name must be a non-empty string",
            )
        limit_bytes("friend group name", g, MAX_GROUP_NAME_BYTES)
        if g not in out:
            out.append(g)
    return tuple(out)


def check_custom(tag: str, value: Any) -> None:
    """Raise ImError 30001 unless ``tag`` is ``Tag_SNS_Custom_XXX`` and ``value`` a
    string (≤ 500 bytes) or an integer."""
    if not tag.startswith(SNS_CUSTOM_PREFIX) or len(tag) == len(SNS_CUSTOM_PREFIX):
        raise ImError(
            Code.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS,
            f"custom friend tags must look like {SNS_CUSTOM_PREFIX}XXX",
        )
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ImError(
            Code.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS,
            f"{tag}: the value must be a string or an integer",
        )
    if isinstance(value, str):
        limit_bytes(tag, value, MAX_CUSTOM_BYTES)


def possible_ids(ids: Iterable[str]) -> list[str]:
    """The ones of ``ids`` an account could have, the only ones worth a query.

    Others cannot be accounts (per-item 30003); PostgreSQL would even refuse
    some of them (a NUL in a text value).
    """
    out: list[str] = []
    for i in ids:
        with contextlib.suppress(ImError):
            out.append(validate_user_id(i))
    return out


def check_batch(n: int, limit: int) -> None:
    """Raise ImError 30001 for a call with no targets or more than ``limit``."""
    if n == 0:
        raise ImError(Code.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS, "no target accounts given")
    if n > limit:
        raise ImError(
            Code.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS, f"at most {limit} accounts per call"
        )


async def require_owner(conn: Tx, app: App, owner: str) -> None:
    """Raise ImError 30001 for an invalid ``owner`` id, 30003 if it is not an account."""
    validate_user_id(owner, 30001)
    if not await account_store.existing(conn, app.sdkappid, [owner]):
        raise ImError(
            Code.ERR_SVR_FRIENDSHIP_ACCOUNT_NOT_FOUND, f"account {owner!r} does not exist"
        )
