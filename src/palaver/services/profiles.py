"""User profiles: standard ``Tag_Profile_IM_*`` and custom ``Tag_Profile_Custom_*`` tags.

Follows Tencent IM "Profile management" (cloud.tencent.com/document/product/269/1500),
``portrait_set`` (…/269/1640) and ``portrait_get`` (…/269/1639).

A profile is a set of ``(tag, value)`` pairs per user.  Values are JSON strings
or unsigned integers; every tag has a default, so a user who never set a
standard tag still has one.

Standard tags (:data:`STANDARD_TAGS`)
    =================================  ========  ====================================
    tag                                type      values / default
    =================================  ========  ====================================
    ``Tag_Profile_IM_Nick``            string    ≤ 500 bytes, default ``""``
    ``Tag_Profile_IM_Image``           string    avatar URL, ≤ 500 bytes, ``""``
    ``Tag_Profile_IM_Location``        string    ≤ 500 bytes, ``""``
    ``Tag_Profile_IM_SelfSignature``   string    ≤ 500 bytes, ``""``
    ``Tag_Profile_IM_Gender``          enum      ``Gender_Type_Unknown`` (default),
                                                 ``Gender_Type_Female``, ``Gender_Type_Male``
    ``Tag_Profile_IM_AllowType``       enum      ``AllowType_Type_NeedConfirm``,
                                                 ``AllowType_Type_AllowAny`` (default),
                                                 ``AllowType_Type_DenyAny``
    ``Tag_Profile_IM_AdminForbidType`` enum      ``AdminForbid_Type_None`` (default),
                                                 ``AdminForbid_Type_SendOut``
    ``Tag_Profile_IM_BirthDay``        uint32    e.g. ``20190419``, default 0
    ``Tag_Profile_IM_Language``        uint32    app-defined, default 0
    ``Tag_Profile_IM_MsgSettings``     uint32    bit 0 = refuse messages, default 0
    ``Tag_Profile_IM_Level``           uint32    default 0
    ``Tag_Profile_IM_Role``            uint32    default 0
    =================================  ========  ====================================

Defaults of unset tags: Tencent's pages do not say what ``portrait_get``
answers for a tag never set.  Palaver answers the zero value of each type, as
the native SDK enums number them (``V2TIMUserFullInfo``: gender unknown = 0,
``V2TIM_FRIEND_ALLOW_ANY = 0``): ``""`` for strings, ``0`` for integers,
``Gender_Type_Unknown``, ``AllowType_Type_AllowAny`` and ``AdminForbid_Type_None``.
The friend service reads :meth:`ProfileService.allow_type`, so a user without an
``AllowType`` accepts every friend request there too.

Custom tags
    ``Tag_Profile_Custom_<key>``.  Tencent requires custom fields to be
    registered in the console first, with a key of at most 8 bytes.  Palaver
    has no registration step: any key of 1–8 ASCII letters, digits or ``_``
    (Tencent's character set for profile keys) is accepted.  Values are strings
    (≤ 500 bytes) or unsigned 64-bit integers.  An unset custom tag has no
    default: it is simply missing from :meth:`ProfileService.get`.

Error codes (``ImError``), as in Tencent's ``portrait_set`` error table:
    - 40003: the account is not imported;
    - 40009: the tag does not exist (not a standard tag, or a malformed custom name);
    - 40601: a string value is longer than 500 bytes (UTF-8);
    - 40605: the value has the right type but is not allowed (not one of the
      enum's strings, an integer out of range);
    - 40610: the value has the wrong JSON type (a number for a string tag, a
      string or a float for an integer tag, ``null``, booleans, objects…);
    - 6017: (client-SDK helpers only) an unknown ``updateMyProfile`` field.

Events: every :meth:`ProfileService.set` (REST ``portrait_set`` or the client's
``updateMyProfile``) appends, in its transaction, an ``EventKind.PROFILE`` event
(``PROFILE_UPDATED``, docs/protocol.md §6) with payload ``{"userID", "profile"}``
(:meth:`ProfileService.to_sdk_profile` of the whole new profile) to the user
and to every user who has them in their friend list, then publishes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeGuard

from palaver.errors import Code, ImError
from palaver.model.callbacks import PROFILE_PORTRAIT_SET
from palaver.model.events import EventKind, ProfileChanged, StreamEvent
from palaver.services.ports import Publisher
from palaver.storage import Database
from palaver.storage import accounts as account_store
from palaver.storage import events as ev_store
from palaver.storage import profiles as profile_store
from palaver.storage import sns as sns_store

if TYPE_CHECKING:
    from palaver.services.apps import App
    from palaver.services.callbacks import CallbackService
    from palaver.services.moderation import ModerationService

#: A stored profile value: a string or an unsigned integer.
ProfileValue = str | int

MAX_VALUE_BYTES = 500
UINT32_MAX = 0xFFFF_FFFF
UINT64_MAX = 0xFFFF_FFFF_FFFF_FFFF

STANDARD_PREFIX = "Tag_Profile_IM_"
CUSTOM_PREFIX = "Tag_Profile_Custom_"
MAX_CUSTOM_KEY = 8
_CUSTOM_KEY = re.compile(rf"[A-Za-z0-9_]{{1,{MAX_CUSTOM_KEY}}}")

# Standard tag names.
NICK = "Tag_Profile_IM_Nick"
IMAGE = "Tag_Profile_IM_Image"
LOCATION = "Tag_Profile_IM_Location"
SELF_SIGNATURE = "Tag_Profile_IM_SelfSignature"
GENDER = "Tag_Profile_IM_Gender"
ALLOW_TYPE = "Tag_Profile_IM_AllowType"
ADMIN_FORBID_TYPE = "Tag_Profile_IM_AdminForbidType"
BIRTHDAY = "Tag_Profile_IM_BirthDay"
LANGUAGE = "Tag_Profile_IM_Language"
MSG_SETTINGS = "Tag_Profile_IM_MsgSettings"
LEVEL = "Tag_Profile_IM_Level"
ROLE = "Tag_Profile_IM_Role"

ALLOW_NEED_CONFIRM = "AllowType_Type_NeedConfirm"
ALLOW_ANY = "AllowType_Type_AllowAny"
ALLOW_DENY_ANY = "AllowType_Type_DenyAny"


class TagKind(Enum):
    """The value type of a standard tag."""

    STRING = "string"
    ENUM = "enum"
    UINT32 = "uint32"


@dataclass(frozen=True)
class TagSpec:
    """A standard tag: its kind, its value when unset and, for enums, its values."""

    kind: TagKind
    default: ProfileValue
    choices: tuple[str, ...] = ()


def _enum(*choices: str, default: str) -> TagSpec:
    return TagSpec(TagKind.ENUM, default, choices)


_STRING = TagSpec(TagKind.STRING, "")
_UINT32 = TagSpec(TagKind.UINT32, 0)

#: Every standard tag, in Tencent's documented order.
STANDARD_TAGS: dict[str, TagSpec] = {
    NICK: _STRING,
    GENDER: _enum(
        "Gender_Type_Unknown",
        "Gender_Type_Female",
        "Gender_Type_Male",
        default="Gender_Type_Unknown",
    ),
    BIRTHDAY: _UINT32,
    LOCATION: _STRING,
    SELF_SIGNATURE: _STRING,
    ALLOW_TYPE: _enum(ALLOW_NEED_CONFIRM, ALLOW_ANY, ALLOW_DENY_ANY, default=ALLOW_ANY),
    LANGUAGE: _UINT32,
    IMAGE: _STRING,
    MSG_SETTINGS: _UINT32,
    ADMIN_FORBID_TYPE: _enum(
        "AdminForbid_Type_None", "AdminForbid_Type_SendOut", default="AdminForbid_Type_None"
    ),
    LEVEL: _UINT32,
    ROLE: _UINT32,
}

#: ``updateMyProfile`` / ``Profile`` field of the client SDK -> standard tag (Tencent §6.4).
SDK_FIELDS: dict[str, str] = {
    "nick": NICK,
    "avatar": IMAGE,
    "gender": GENDER,
    "selfSignature": SELF_SIGNATURE,
    "allowType": ALLOW_TYPE,
    "birthday": BIRTHDAY,
    "location": LOCATION,
    "language": LANGUAGE,
    "messageSettings": MSG_SETTINGS,
    "adminForbidType": ADMIN_FORBID_TYPE,
    "level": LEVEL,
    "role": ROLE,
}
SDK_CUSTOM_FIELD = "profileCustomField"
_TAG_TO_SDK = {tag: name for name, tag in SDK_FIELDS.items()}


def is_custom_tag(tag: str) -> bool:
    """True if ``tag`` is a well-formed ``Tag_Profile_Custom_<key>`` (key: 1–8 of ``[A-Za-z0-9_]``)."""
    return tag.startswith(CUSTOM_PREFIX) and bool(_CUSTOM_KEY.fullmatch(tag[len(CUSTOM_PREFIX) :]))


def check_tag(tag: str) -> str:
    """Return ``tag`` if it is a standard tag or a well-formed custom tag.

    Raises:
        ImError: 40009 otherwise (Tencent: the tag does not exist).
    """
    if tag in STANDARD_TAGS or is_custom_tag(tag):
        return tag
    if tag.startswith(CUSTOM_PREFIX):
        raise ImError(
            Code.ERR_SVR_PROFILE_TAG_NOT_FOUND,
            f"invalid custom tag {tag[:80]!r}: the key after {CUSTOM_PREFIX!r} must be "
            f"1..{MAX_CUSTOM_KEY} ASCII letters, digits or '_'",
        )
    raise ImError(Code.ERR_SVR_PROFILE_TAG_NOT_FOUND, f"unknown profile tag {tag[:80]!r}")


def _is_int(value: object) -> TypeGuard[int]:
    """A JSON integer (``true``/``false`` are not integers here)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _check_string(tag: str, value: str) -> str:
    if len(value.encode("utf-8")) > MAX_VALUE_BYTES:
        raise ImError(
            Code.ERR_SVR_PROFILE_SIZE_LIMIT,
            f"value of {tag} is longer than {MAX_VALUE_BYTES} bytes",
        )
    return value


def check_value(tag: str, value: object) -> ProfileValue:
    """Validate one ``(tag, value)`` pair and return the value to store.

    Raises:
        ImError: 40009 unknown tag; 40610 wrong JSON type for the tag; 40605 an
            enum string not allowed or an integer out of range (uint32 for
            standard tags, uint64 for custom ones); 40601 a string over 500 bytes.
    """
    check_tag(tag)
    spec = STANDARD_TAGS.get(tag)
    if spec is None:  # custom: string or uint64
        if isinstance(value, str):
            return _check_string(tag, value)
        if _is_int(value):
            if not 0 <= value <= UINT64_MAX:
                raise ImError(
                    Code.ERR_SVR_PROFILE_VALUE_ERROR, f"value of {tag} is out of the uint64 range"
                )
            return value
        raise ImError(
            Code.ERR_SVR_PROFILE_INVALID_VALUE_FORMAT,
            f"value of {tag} must be a string or an unsigned integer",
        )
    if spec.kind is TagKind.UINT32:
        if not _is_int(value):
            raise ImError(
                Code.ERR_SVR_PROFILE_INVALID_VALUE_FORMAT,
                f"value of {tag} must be an unsigned integer",
            )
        if not 0 <= value <= UINT32_MAX:
            raise ImError(
                Code.ERR_SVR_PROFILE_VALUE_ERROR, f"value of {tag} is out of the uint32 range"
            )
        return value
    if not isinstance(value, str):
        raise ImError(Code.ERR_SVR_PROFILE_INVALID_VALUE_FORMAT, f"value of {tag} must be a string")
    if spec.kind is TagKind.ENUM and value not in spec.choices:
        raise ImError(
            Code.ERR_SVR_PROFILE_VALUE_ERROR,
            f"value of {tag} must be one of {', '.join(spec.choices)}",
        )
    return _check_string(tag, value)


def check_items(items: Iterable[tuple[str, object]]) -> dict[str, ProfileValue]:
    """Validate ``[(tag, value), ...]`` into ``{tag: value}`` (a repeated tag: last wins).

    Raises:
        ImError: as :func:`check_value`, for the first bad pair.
    """
    return {tag: check_value(tag, value) for tag, value in items}


def _storable_id(user_id: str) -> bool:
    """False for ids no account can have and PostgreSQL refuses as text (NUL)."""
    return "\x00" not in user_id


def _complete(
    row: Mapping[str, ProfileValue], wanted: Sequence[str] | None
) -> dict[str, ProfileValue]:
    """A user's stored tags with standard defaults filled in (see :meth:`ProfileService.get`)."""
    if wanted is None:
        profile = {t: row.get(t, spec.default) for t, spec in STANDARD_TAGS.items()}
        profile.update(sorted((t, v) for t, v in row.items() if is_custom_tag(t)))
        return profile
    out: dict[str, ProfileValue] = {}
    for t in wanted:
        if t in row:
            out[t] = row[t]
        elif t in STANDARD_TAGS:
            out[t] = STANDARD_TAGS[t].default
    return out


class ProfileService:
    """Profiles of every app (Tencent ``profile`` service and the SDK profile calls)."""

    def __init__(
        self,
        db: Database,
        publisher: Publisher,
        moderation: ModerationService | None = None,
        callbacks: CallbackService | None = None,
    ) -> None:
        self._db = db
        self._publisher = publisher
        self._moderation = moderation
        self._callbacks = callbacks

    async def set(
        self, app: App, user_id: str, items: Sequence[tuple[str, Any]]
    ) -> dict[str, ProfileValue]:
        """Set profile tags of one user, all or nothing (Tencent ``portrait_set``,
        ``@tencentcloud/chat`` ``updateMyProfile``).

        In the same transaction, the user and everyone who has the user as a
        friend get an ``EventKind.PROFILE`` event with ``{"userID", "profile"}``
        (the SDK profile); it is pushed after the commit.

        Args:
            items: ``[(tag, value), ...]``; a tag given twice keeps its last value.

        Returns:
            The user's whole new profile, ``{tag: value}`` as :meth:`get` with
            ``tags=None`` answers it.

        Raises:
            ImError: 40009/40601/40605/40610 for a bad pair (see :func:`check_value`),
                nothing written; 40601 a new custom tag past the app's
                ``max_profile_custom_fields``; 40003 if ``user_id`` is not imported.
        """
        tags = check_items(items)
        nick = tags.get(NICK)
        if isinstance(nick, str) and nick and self._moderation is not None:
            tags[NICK] = await self._moderation.check_text(
                app, nick, who=user_id, where="profile nick"
            )
        app_id = app.sdkappid
        async with self._db.write() as conn:
            if not _storable_id(user_id) or not await account_store.existing(
                conn, app_id, [user_id]
            ):
                raise ImError(
                    Code.ERR_SVR_PROFILE_ACCOUNT_NOT_FOUND, f"account {user_id!r} is not imported"
                )
            custom = [t for t in tags if is_custom_tag(t)]
            had = await profile_store.get_tags(conn, app_id, [user_id], custom) if custom else {}
            await profile_store.set_tags(conn, app_id, user_id, tags)
            stored = await profile_store.get_tags(conn, app_id, [user_id], None)
            _check_custom_count(
                app, stored.get(user_id, {}), set(custom) - set(had.get(user_id, {}))
            )
            profile = _complete(stored.get(user_id, {}), None)
            payload = ProfileChanged(user_id, self.to_sdk_profile(user_id, profile))
            viewers = [user_id] + [
                u for u in await sns_store.friend_owners_of(conn, app_id, user_id) if u != user_id
            ]
            events = [ev_store.NewEvent(u, EventKind.PROFILE, None, payload) for u in viewers]
            seqs = await ev_store.append_events(conn, app_id, events)
            staged = self._callbacks is not None and await self._callbacks.stage(
                conn,
                app,
                PROFILE_PORTRAIT_SET,
                f"profile:{user_id}",
                {
                    "From_Account": user_id,
                    "ProfileItem": [{"Tag": t, "Value": v} for t, v in tags.items()],
                },
            )
        if staged and self._callbacks is not None:
            self._callbacks.sent()
        await self._publisher.stream(
            app_id,
            [
                StreamEvent(e.user_id, s, e.kind, e.payload)
                for e, s in zip(events, seqs, strict=True)
            ],
        )
        return profile

    async def get(
        self, app: App, user_ids: Iterable[str], tags: Iterable[str] | None = None
    ) -> dict[str, dict[str, ProfileValue]]:
        """Profiles of imported users: ``{user_id: {tag: value}}`` (Tencent ``portrait_get``).

        Args:
            user_ids: users to read; accounts that are not imported are left out
                of the result (the caller reports them, e.g. as 40003).
            tags: tags to read, in the order wanted.  A standard tag the user
                never set has its default (see the module doc); a custom tag the
                user never set is left out.  ``None`` reads every standard tag
                and every custom tag the user has.

        Returns:
            ``{user_id: {tag: value}}`` in the order of ``user_ids`` (duplicates
            once), each user's tags in the order of ``tags``.

        Raises:
            ImError: 40009 for a tag that does not exist.
        """
        ids = [u for u in dict.fromkeys(user_ids) if _storable_id(u)]
        wanted = None if tags is None else [check_tag(t) for t in dict.fromkeys(tags)]
        async with self._db.read() as conn:
            have = await account_store.existing(conn, app.sdkappid, ids)
            stored = await profile_store.get_tags(
                conn, app.sdkappid, [u for u in ids if u in have], wanted
            )
        return {u: _complete(stored.get(u, {}), wanted) for u in ids if u in have}

    async def allow_types(self, app: App, user_ids: Iterable[str]) -> dict[str, str]:
        """``{user_id: Tag_Profile_IM_AllowType}`` for many users, unset = ``AllowType_Type_AllowAny``.

        Does not check that the accounts exist: unknown users get the default.
        """
        ids = list(dict.fromkeys(user_ids))
        async with self._db.read() as conn:
            stored = await profile_store.get_tags(
                conn, app.sdkappid, [u for u in ids if _storable_id(u)], [ALLOW_TYPE]
            )
        default = str(STANDARD_TAGS[ALLOW_TYPE].default)
        return {u: str(stored.get(u, {}).get(ALLOW_TYPE, default)) for u in ids}

    async def allow_type(self, app: App, user_id: str) -> str:
        """How ``user_id`` accepts friend requests: ``AllowType_Type_NeedConfirm``,
        ``AllowType_Type_AllowAny`` (also when unset) or ``AllowType_Type_DenyAny``."""
        return (await self.allow_types(app, [user_id]))[user_id]

    @staticmethod
    def to_sdk_profile(user_id: str, tags: Mapping[str, ProfileValue]) -> dict[str, Any]:
        """A client-SDK ``Profile`` object from a user's tags (Tencent §6.4).

        Returns:
            ``{"userID", "nick", "avatar", "gender", "selfSignature", "allowType",
            "birthday", "location", "language", "messageSettings",
            "adminForbidType", "level", "role", "profileCustomField": [{"key",
            "value"}]}``; standard tags missing from ``tags`` have their default,
            custom keys are full tag names (``Tag_Profile_Custom_x``) sorted.
        """
        out: dict[str, Any] = {"userID": user_id}
        for tag, spec in STANDARD_TAGS.items():
            out[_TAG_TO_SDK[tag]] = tags.get(tag, spec.default)
        out[SDK_CUSTOM_FIELD] = [
            {"key": t, "value": v} for t, v in sorted(tags.items()) if is_custom_tag(t)
        ]
        return out

    @staticmethod
    def from_sdk_update(fields: Mapping[str, Any]) -> list[tuple[str, ProfileValue]]:
        """``updateMyProfile`` options -> ``[(tag, value), ...]`` for :meth:`set`.

        ``profileCustomField`` is ``[{"key", "value"}, ...]``; a key without the
        ``Tag_Profile_Custom_`` prefix gets it (as Tencent's native SDK does).

        Raises:
            ImError: 6017 for an unknown field or a malformed ``profileCustomField``;
                40009/40601/40605/40610 for a bad value, as :meth:`set`.
        """
        items: list[tuple[str, ProfileValue]] = []
        for name, value in fields.items():
            if name == SDK_CUSTOM_FIELD:
                if not isinstance(value, list):
                    raise ImError(
                        Code.ERR_INVALID_PARAMETERS,
                        "profileCustomField must be a list of {key, value}",
                    )
                for entry in value:
                    if not (
                        isinstance(entry, dict)
                        and isinstance(entry.get("key"), str)
                        and "value" in entry
                    ):
                        raise ImError(
                            Code.ERR_INVALID_PARAMETERS,
                            "profileCustomField items must be {key, value}",
                        )
                    key: str = entry["key"]
                    tag = key if key.startswith(CUSTOM_PREFIX) else CUSTOM_PREFIX + key
                    items.append((tag, check_value(tag, entry["value"])))
                continue
            tag = SDK_FIELDS.get(name, "")
            if not tag:
                raise ImError(Code.ERR_INVALID_PARAMETERS, f"unknown profile field {name[:40]!r}")
            items.append((tag, check_value(tag, value)))
        return items


def _check_custom_count(app: App, profile: dict[str, Any], added: set[str]) -> None:
    """Raise ImError 40601 if ``added`` custom tags took the profile past the app's
    ``max_profile_custom_fields`` (a profile already past it may still change its tags)."""
    most = app.settings.max_profile_custom_fields
    if not most or not added:
        return
    n = sum(1 for t in profile if is_custom_tag(t))
    if n > most:
        raise ImError(
            Code.ERR_SVR_PROFILE_SIZE_LIMIT,
            f"at most {most} custom profile fields (the app's max_profile_custom_fields)",
        )
