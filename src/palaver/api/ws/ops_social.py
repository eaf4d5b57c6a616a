"""Profile, friend and blacklist operations of the client protocol (docs/protocol.md §5).

They mirror ``@tencentcloud/chat``'s ``getMyProfile``, ``getUserProfile``,
``updateMyProfile``, ``getFriendList``, ``addFriend``, ``deleteFriend``,
``checkFriend``, ``getFriendApplicationList``, ``acceptFriendApplication``,
``refuseFriendApplication``, ``getBlacklist``, ``addToBlacklist`` and
``removeFromBlacklist``, and apply the rules and error codes of the REST API
(:mod:`palaver.services.sns`, :mod:`palaver.services.profiles`): a user acts
as the ``From_Account`` of the matching ``sns`` / ``profile`` command.

Changes are pushed by the services, not here: ``PROFILE_UPDATED`` to the user
and everyone who has them as a friend, ``FRIEND_LIST_UPDATED``,
``FRIEND_APPLICATION_LIST_UPDATED`` and ``BLACKLIST_UPDATED`` to each user
whose list changed (docs/protocol.md §6).

Request data that does not have the documented shape (a missing or mistyped
field, an empty or oversized ``userIDList``, an unknown enum value) is
answered with 6017.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from palaver.api.ws.core import OpModel, Session, op
from palaver.errors import Code, ImError
from palaver.protocol.objects import APPLICATION_IN, APPLICATION_OUT
from palaver.services.profiles import IMAGE, NICK, ProfileService
from palaver.services.sns import (
    MAX_BATCH,
    MAX_FRIENDS,
    RESPONSE_REJECT,
    FriendAdd,
    FriendResponse,
    ItemResult,
)

MAX_PROFILE_USERS = 100  # getUserProfile accounts per call (REST portrait_get's limit)
CODE_PENDING = 30539  # addFriend: the target must confirm; a request is pending


class Empty(OpModel):
    pass


class UserIDList(OpModel):
    """``{userIDList: [userID, ...]}`` (1..1000 accounts)."""

    userIDList: list[str] = Field(min_length=1, max_length=MAX_BATCH)


def _failure(r: ItemResult) -> dict[str, Any]:
    return {"userID": r.peer, "code": r.code, "message": r.info}


# --- profiles ------------------------------------------------------------------


async def _profiles(s: Session, user_ids: list[str]) -> dict[str, dict[str, Any]]:
    """SDK profiles of the imported ones of ``user_ids``, in their order."""
    app = s.require_app()
    found = await s.hub.profiles.get(app, user_ids)
    return {u: ProfileService.to_sdk_profile(u, tags) for u, tags in found.items()}


@op("getMyProfile", Empty)
async def get_my_profile(s: Session, d: Empty) -> dict[str, Any]:
    """My profile: ``{profile}`` (docs/protocol.md §7 Profile).

    Tencent: ``@tencentcloud/chat`` ``getMyProfile``.  Error: 40003 my account
    was deleted meanwhile.
    """
    profile = (await _profiles(s, [s.user_id])).get(s.user_id)
    if profile is None:
        raise ImError(
            Code.ERR_SVR_PROFILE_ACCOUNT_NOT_FOUND, f"account {s.user_id!r} is not imported"
        )
    return {"profile": profile}


class GetUserProfile(OpModel):
    """``{userIDList}``: 1..100 accounts."""

    userIDList: list[str] = Field(min_length=1, max_length=MAX_PROFILE_USERS)


@op("getUserProfile", GetUserProfile)
async def get_user_profile(s: Session, d: GetUserProfile) -> dict[str, Any]:
    """Profiles of other users: ``{profileList: [profile, ...]}``.

    Tencent: ``@tencentcloud/chat`` ``getUserProfile``.  In request order,
    each account once; accounts that do not exist are left out (as the SDK
    does).  Errors: 6017 an empty list or more than 100 accounts.
    """
    found = await _profiles(s, d.userIDList)
    return {"profileList": list(found.values())}


class UpdateMyProfile(OpModel):
    """``{nick?, avatar?, gender?, selfSignature?, allowType?, birthday?, location?,
    language?, messageSettings?, level?, role?, profileCustomField?: [{key, value}]}``.

    Values are checked by :meth:`ProfileService.from_sdk_update`, with the
    REST ``portrait_set`` codes; unknown fields are refused there (6017).
    """

    model_config = ConfigDict(extra="allow")


ADMIN_ONLY_FIELDS = ("adminForbidType",)


@op("updateMyProfile", UpdateMyProfile)
async def update_my_profile(s: Session, d: UpdateMyProfile) -> dict[str, Any]:
    """Change my profile, all or nothing; answers ``{profile}`` (the whole new one).

    Tencent: ``@tencentcloud/chat`` ``updateMyProfile``.  I and everyone who
    has me as a friend get ``PROFILE_UPDATED`` ``{userID, profile}``.

    Errors: 6017 no field, an unknown field, ``adminForbidType`` (only an
    admin sets it, with REST ``portrait_set``) or a malformed
    ``profileCustomField``; 40610 a value of the wrong type; 40605 a value not
    allowed (an unknown ``gender``/``allowType``, an integer out of range);
    40601 a string over 500 bytes; 40009 a bad custom key.
    """
    app = s.require_app()
    fields = dict(d.model_extra or {})
    if not fields:
        raise ImError(Code.ERR_INVALID_PARAMETERS, "nothing to update")
    for name in ADMIN_ONLY_FIELDS:
        if name in fields:
            raise ImError(
                Code.ERR_INVALID_PARAMETERS,
                f"{name} can only be set by an admin (REST portrait_set)",
            )
    items = ProfileService.from_sdk_update(fields)
    tags = await s.hub.profiles.set(app, s.user_id, items)
    return {"profile": ProfileService.to_sdk_profile(s.user_id, tags)}


# --- friends -------------------------------------------------------------------


@op("getFriendList", Empty)
async def get_friend_list(s: Session, d: Empty) -> dict[str, Any]:
    """My friends, oldest first: ``{friendList: [{userID, remark, groupList,
    addTime, source, wording, friendCustomField: [{key, value}], profile}]}``.

    Tencent: ``@tencentcloud/chat`` ``getFriendList`` (its ``Friend`` object).
    """
    app = s.require_app()
    friends = []
    start = 0
    while True:
        page = await s.hub.sns.friends.get_page(app, s.user_id, start, page_size=MAX_FRIENDS)
        friends.extend(page.friends)
        if page.complete:
            break
        start = page.next_index
    profiles = await _profiles(s, [f.peer for f in friends])
    return {
        "friendList": [
            {
                "userID": f.peer,
                "remark": f.remark,
                "groupList": list(f.groups),
                "addTime": f.add_time,
                "source": f.add_source,
                "wording": f.add_wording,
                "friendCustomField": [{"key": k, "value": v} for k, v in sorted(f.custom.items())],
                "profile": profiles.get(f.peer) or ProfileService.to_sdk_profile(f.peer, {}),
            }
            for f in friends
        ]
    }


class AddFriend(OpModel):
    """``{to, source: "AddSource_Type_…", wording?, type?, remark?, groupName?}``."""

    to: str
    source: str
    wording: str = ""
    type: Literal["Add_Type_Both", "Add_Type_Single"] = "Add_Type_Both"
    remark: str = ""
    groupName: str = ""


@op("addFriend", AddFriend)
async def add_friend(s: Session, d: AddFriend) -> dict[str, Any]:
    """Add ``to`` as a friend: ``{userID, code}``, ``code`` 0 added or 30539 pending.

    Tencent: ``@tencentcloud/chat`` ``addFriend``, which resolves with
    ``code`` 30539 when the target's AllowType is NeedConfirm: a pending
    request is stored (or refreshed) and both sides get
    ``FRIEND_APPLICATION_LIST_UPDATED``.  When added, ``FRIEND_LIST_UPDATED``
    goes to me (and to ``to`` with ``Add_Type_Both``).  If ``to`` had asked me
    first, we become friends both ways whatever its AllowType.

    Errors (error responses): 6017 bad data; 30001 ``to`` is me, already
    friends, ``source`` not ``AddSource_Type_XXX``, remark over 96 bytes,
    group name over 30, wording over 256; 30003 ``to`` does not exist; 30515
    ``to`` is on my blacklist; 30525 I am on ``to``'s blacklist; 30516 ``to``
    refuses every request (DenyAny); 30010 / 30014 my / ``to``'s friend list
    is full.
    """
    app = s.require_app()
    item = FriendAdd(d.to, d.source, d.remark, d.groupName, d.wording)
    [result] = await s.hub.sns.friends.add(
        app, s.user_id, [item], both=d.type == "Add_Type_Both", client=True
    )
    if result.code not in (0, CODE_PENDING):
        raise ImError(result.code, result.info)
    return {"userID": d.to, "code": result.code}


class DeleteFriend(UserIDList):
    """``{userIDList, type?: "Delete_Type_Both" (default) | "Delete_Type_Single"}``."""

    type: Literal["Delete_Type_Both", "Delete_Type_Single"] = "Delete_Type_Both"


@op("deleteFriend", DeleteFriend)
async def delete_friend(s: Session, d: DeleteFriend) -> dict[str, Any]:
    """Remove friends: ``{successUserIDList: [{userID}], failureUserIDList:
    [{userID, code, message}]}``.

    Tencent: ``@tencentcloud/chat`` ``deleteFriend`` (default both ways).
    Per account: 30003 does not exist, 31704 not a friend.  Errors: 6017 bad
    data (empty list, over 1000 accounts).
    """
    app = s.require_app()
    results = await s.hub.sns.friends.delete(
        app, s.user_id, d.userIDList, both=d.type == "Delete_Type_Both"
    )
    return {
        "successUserIDList": [{"userID": r.peer} for r in results if r.ok],
        "failureUserIDList": [_failure(r) for r in results if not r.ok],
    }


class CheckFriend(UserIDList):
    """``{userIDList, type?: "CheckResult_Type_Both" (default) | "CheckResult_Type_Single"}``."""

    type: Literal["CheckResult_Type_Both", "CheckResult_Type_Single"] = "CheckResult_Type_Both"


@op("checkFriend", CheckFriend)
async def check_friend(s: Session, d: CheckFriend) -> dict[str, Any]:
    """Relations with some accounts: ``{successUserIDList: [{userID, code: 0,
    relation}], failureUserIDList: [{userID, code, message}]}``.

    Tencent: ``@tencentcloud/chat`` ``checkFriend``.  ``relation`` (me = A):
    ``CheckResult_Type_BothWay``, ``CheckResult_Type_AWithB`` (they are in my
    list only), ``CheckResult_Type_BWithA`` (I am in theirs only),
    ``CheckResult_Type_NoRelation``; with ``CheckResult_Type_Single`` only my
    list is looked at.  Per account: 30003 does not exist.  Errors: 6017 bad data.
    """
    app = s.require_app()
    results = await s.hub.sns.checks.check_friends(
        app, s.user_id, d.userIDList, both=d.type == "CheckResult_Type_Both"
    )
    return {
        "successUserIDList": [
            {"userID": r.peer, "code": 0, "relation": str(r.relation)}
            for r in results
            if r.code == 0
        ],
        "failureUserIDList": [
            {"userID": r.peer, "code": r.code, "message": r.info} for r in results if r.code
        ],
    }


# --- friend applications ---------------------------------------------------------


@op("getFriendApplicationList", Empty)
async def get_friend_application_list(s: Session, d: Empty) -> dict[str, Any]:
    """Pending requests to and from me, newest first: ``{friendApplicationList:
    [{userID, type, wording, source, time, nick, avatar}], unreadCount}``.

    Tencent: ``@tencentcloud/chat`` ``getFriendApplicationList``.  ``type`` is
    ``Pendency_Type_ComeIn`` (``userID`` asked me) or
    ``Pendency_Type_SendOut`` (I asked ``userID``); ``nick``/``avatar`` are
    the other user's.  ``unreadCount``: incoming ones sent after my read mark
    (``setFriendApplicationRead``).
    """
    app = s.require_app()
    me = s.user_id
    found = await s.hub.sns.applications.pending(app, me)
    pending = found.applications
    others = [r.from_user if r.to_user == me else r.to_user for r in pending]
    names = await s.hub.profiles.get(app, others, [NICK, IMAGE])
    items = []
    for r, other in zip(pending, others, strict=True):
        tags = names.get(other, {})
        items.append(
            {
                "userID": other,
                "type": APPLICATION_IN if r.to_user == me else APPLICATION_OUT,
                "wording": r.add_wording,
                "source": r.add_source,
                "time": r.created_at,
                "nick": tags.get(NICK, ""),
                "avatar": tags.get(IMAGE, ""),
            }
        )
    return {"friendApplicationList": items, "unreadCount": found.unread}


@op("setFriendApplicationRead", Empty)
async def set_friend_application_read(s: Session, d: Empty) -> None:
    """Mark the applications sent to me as read (``unreadCount`` 0 on every
    device; my devices get ``FRIEND_APPLICATION_LIST_UPDATED``).

    Tencent: ``@tencentcloud/chat`` ``setFriendApplicationRead``.
    """
    await s.hub.sns.applications.set_read(s.require_app(), s.user_id)


class AcceptApplication(OpModel):
    """``{userID, type?: "Response_Action_AgreeAndAdd" (default) | "Response_Action_Agree",
    remark?}``."""

    userID: str
    type: Literal["Response_Action_Agree", "Response_Action_AgreeAndAdd"] = (
        "Response_Action_AgreeAndAdd"
    )
    remark: str = ""


@op("acceptFriendApplication", AcceptApplication)
async def accept_friend_application(s: Session, d: AcceptApplication) -> None:
    """Accept ``userID``'s pending request.

    Tencent: ``@tencentcloud/chat`` ``acceptFriendApplication``.
    ``Response_Action_Agree``: ``userID`` gets me in its list (one way);
    ``Response_Action_AgreeAndAdd``: I also get ``userID``, with ``remark``.
    Both get ``FRIEND_APPLICATION_LIST_UPDATED``, and each whose list changed
    ``FRIEND_LIST_UPDATED``.

    The app backend's ``Sns.CallbackPrevFriendResponse`` is asked first.

    Errors: 6017 bad data; 30614 no pending request from ``userID``; 30001
    remark over 96 bytes; 30014 / 30010 ``userID``'s / my list is full;
    38000–39000 the app backend refused (38000 also when it did not answer and
    the callback fails closed).
    """
    await _respond(s, FriendResponse(d.userID, d.type, remark=d.remark))


async def _respond(s: Session, answer: FriendResponse) -> None:
    """Answer one friend application as the user (after the app backend's
    ``Sns.CallbackPrevFriendResponse``); its error, if any, is raised."""
    app = s.require_app()
    (result,) = await s.hub.sns.applications.respond(app, s.user_id, [answer], client=True)
    if not result.ok:
        raise ImError(result.code, result.info)


class UserRef(OpModel):
    userID: str


@op("refuseFriendApplication", UserRef)
async def refuse_friend_application(s: Session, d: UserRef) -> None:
    """Refuse (delete) ``userID``'s pending request; both get
    ``FRIEND_APPLICATION_LIST_UPDATED``.

    Tencent: ``@tencentcloud/chat`` ``refuseFriendApplication``; the app backend's
    ``Sns.CallbackPrevFriendResponse`` is asked first.  Errors: 6017 bad data;
    30614 no pending request from ``userID``; 38000–39000 the app backend refused.
    """
    await _respond(s, FriendResponse(d.userID, RESPONSE_REJECT))


# --- blacklist -------------------------------------------------------------------


@op("getBlacklist", Empty)
async def get_blacklist(s: Session, d: Empty) -> dict[str, Any]:
    """My blacklist, oldest first: ``{userIDList}``.

    Tencent: ``@tencentcloud/chat`` ``getBlacklist`` (which resolves with the array).
    """
    app = s.require_app()
    page = await s.hub.sns.blacklist.get_page(app, s.user_id)
    return {"userIDList": [b.peer for b in page.entries]}


def _batch_answer(results: list[ItemResult]) -> dict[str, Any]:
    return {
        "successUserIDList": [r.peer for r in results if r.ok],
        "failureUserIDList": [_failure(r) for r in results if not r.ok],
    }


@op("addToBlacklist", UserIDList)
async def add_to_blacklist(s: Session, d: UserIDList) -> dict[str, Any]:
    """Blacklist accounts: ``{successUserIDList: [userID], failureUserIDList:
    [{userID, code, message}]}``.

    Tencent: ``@tencentcloud/chat`` ``addToBlacklist`` (which resolves with
    the successful IDs) and REST ``sns/black_list_add``: friendships and
    pending requests with them are removed both ways.  I get
    ``BLACKLIST_UPDATED`` (and ``FRIEND_LIST_UPDATED`` if a friend was
    removed; they get ``FRIEND_LIST_UPDATED`` if I was in their list).  Per
    account: 30003 does not exist; 30001 me, or already blacklisted; 30013
    the blacklist is full (1000).  Errors: 6017 bad data.
    """
    app = s.require_app()
    return _batch_answer(await s.hub.sns.blacklist.add(app, s.user_id, d.userIDList))


@op("removeFromBlacklist", UserIDList)
async def remove_from_blacklist(s: Session, d: UserIDList) -> dict[str, Any]:
    """Un-blacklist accounts (friendships are not restored): same answer as
    ``addToBlacklist``.

    Tencent: ``@tencentcloud/chat`` ``removeFromBlacklist``, REST
    ``sns/black_list_delete``.  Per account: 30003 does not exist; 30001 not
    on my blacklist.  Errors: 6017 bad data.
    """
    app = s.require_app()
    return _batch_answer(await s.hub.sns.blacklist.remove(app, s.user_id, d.userIDList))
