"""Friend groups, ``updateFriend`` and user status in the client protocol
(docs/protocol.md §5).

They mirror ``@tencentcloud/chat``'s ``getFriendGroupList``,
``createFriendGroup``, ``deleteFriendGroup``, ``renameFriendGroup``,
``addToFriendGroup``, ``removeFromFriendGroup`` and ``updateFriend``, with the
rules and codes of REST ``sns/group_*`` and ``friend_update``, and
``getUserStatus``, ``setSelfStatus``, ``subscribeUserStatus`` and
``unsubscribeUserStatus`` (:mod:`palaver.services.user_status`)
(:mod:`palaver.services.sns`): a user acts as their ``From_Account``.

A friend group is ``{name, userIDList, count}``.  Changes give me
``FRIEND_GROUP_LIST_UPDATED`` (and ``FRIEND_LIST_UPDATED`` for friends whose
groups or data changed) on every device.  Request data of the wrong shape is
answered with 6017.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from palaver.api.ws.core import OpModel, Session, op
from palaver.errors import Code, ImError
from palaver.protocol.pushes import user_status_data
from palaver.services.sns import (
    MAX_BATCH,
    FriendGroup,
    FriendUpdate,
    ItemResult,
)
from palaver.services.sns.model import SNS_CUSTOM_PREFIX, TAG_REMARK
from palaver.services.user_status import MAX_BATCH as STATUS_BATCH
from palaver.services.user_status import StatusFailure


def _group(g: FriendGroup) -> dict[str, Any]:
    return {"name": g.name, "userIDList": list(g.members), "count": len(g.members)}


def _failure(r: ItemResult) -> dict[str, Any]:
    return {"userID": r.peer, "code": r.code, "message": r.info}


async def _one(s: Session, name: str) -> dict[str, Any]:
    found = await s.hub.sns.friend_groups.get(s.require_app(), s.user_id, [name])
    return _group(found.groups[0]) if found.groups else {"name": name, "userIDList": [], "count": 0}


class Empty(OpModel):
    pass


@op("getFriendGroupList", Empty)
async def get_friend_group_list(s: Session, d: Empty) -> dict[str, Any]:
    """My friend groups, oldest first: ``{friendGroupList: [{name, userIDList, count}]}``.

    Tencent: ``@tencentcloud/chat`` ``getFriendGroupList``; REST ``sns/group_get``.
    """
    found = await s.hub.sns.friend_groups.get(s.require_app(), s.user_id)
    return {"friendGroupList": [_group(g) for g in found.groups]}


class CreateFriendGroup(OpModel):
    """``{name, userIDList?}`` (≤ 1000 friends)."""

    name: str
    userIDList: list[str] = Field(default_factory=list, max_length=MAX_BATCH)


@op("createFriendGroup", CreateFriendGroup)
async def create_friend_group(s: Session, d: CreateFriendGroup) -> dict[str, Any]:
    """Create a friend group with some friends: ``{friendGroup, failureUserIDList:
    [{userID, code, message}]}``.

    Tencent: ``@tencentcloud/chat`` ``createFriendGroup``; REST ``sns/group_add``.
    Per account: 30003 does not exist, 32216 not a friend.  Errors: 30001 an
    empty name, one over 30 bytes, one that exists, or a 33rd group.
    """
    results, _ = await s.hub.sns.friend_groups.create(
        s.require_app(), s.user_id, [d.name], d.userIDList
    )
    return {
        "friendGroup": await _one(s, d.name),
        "failureUserIDList": [_failure(r) for r in results if not r.ok],
    }


class GroupName(OpModel):
    name: str


@op("deleteFriendGroup", GroupName)
async def delete_friend_group(s: Session, d: GroupName) -> dict[str, Any]:
    """Delete a friend group (its friends stay friends): ``{friendGroup}`` as it was.

    Tencent: ``@tencentcloud/chat`` ``deleteFriendGroup``; REST
    ``sns/group_delete``.  Errors: 30001 not one of my groups.
    """
    before = await _one(s, d.name)
    await s.hub.sns.friend_groups.delete(s.require_app(), s.user_id, [d.name])
    return {"friendGroup": before}


class RenameFriendGroup(OpModel):
    oldName: str
    newName: str


@op("renameFriendGroup", RenameFriendGroup)
async def rename_friend_group(s: Session, d: RenameFriendGroup) -> dict[str, Any]:
    """Rename a friend group: ``{friendGroup}``.

    Tencent: ``@tencentcloud/chat`` ``renameFriendGroup``.  Errors: 30001
    ``oldName`` is not one of my groups, ``newName`` is bad or exists.
    """
    await s.hub.sns.friend_groups.update(s.require_app(), s.user_id, d.oldName, new_name=d.newName)
    return {"friendGroup": await _one(s, d.newName)}


class GroupMembers(OpModel):
    """``{name, userIDList}`` (1..1000 friends)."""

    name: str
    userIDList: list[str] = Field(min_length=1, max_length=MAX_BATCH)


async def _regroup(s: Session, d: GroupMembers, *, add: bool) -> dict[str, Any]:
    results = await s.hub.sns.friend_groups.update(
        s.require_app(),
        s.user_id,
        d.name,
        add=d.userIDList if add else (),
        remove=() if add else d.userIDList,
    )
    return {
        "friendGroup": await _one(s, d.name),
        "failureUserIDList": [_failure(r) for r, _ in results if not r.ok],
    }


@op("addToFriendGroup", GroupMembers)
async def add_to_friend_group(s: Session, d: GroupMembers) -> dict[str, Any]:
    """Put friends in a group: ``{friendGroup, failureUserIDList}``.

    Tencent: ``@tencentcloud/chat`` ``addToFriendGroup``.  Per account: 30003
    does not exist, 32216 not a friend.  Errors: 30001 not one of my groups.
    """
    return await _regroup(s, d, add=True)


@op("removeFromFriendGroup", GroupMembers)
async def remove_from_friend_group(s: Session, d: GroupMembers) -> dict[str, Any]:
    """Take friends out of a group: ``{friendGroup, failureUserIDList}``.

    Tencent: ``@tencentcloud/chat`` ``removeFromFriendGroup``.  Per account:
    30003 does not exist, 32216 not a friend.  Errors: 30001 not one of my groups.
    """
    return await _regroup(s, d, add=False)


class KeyValue(OpModel):
    key: str
    value: str | int


class UpdateFriend(OpModel):
    """``{userID, remark?, friendCustomField?: [{key: "Tag_SNS_Custom_x", value}]}``."""

    userID: str
    remark: str | None = None
    friendCustomField: list[KeyValue] = Field(default_factory=list, max_length=20)


@op("updateFriend", UpdateFriend)
async def update_friend(s: Session, d: UpdateFriend) -> dict[str, Any]:
    """Change a friend's remark and custom fields: ``{userID, remark,
    groupList, friendCustomField}`` (the friend's data afterwards).

    Tencent: ``@tencentcloud/chat`` ``updateFriend``; REST ``sns/friend_update``.
    My devices get ``FRIEND_LIST_UPDATED``.  Errors: 6017 nothing to change;
    30001 not a friend, a remark over 96 bytes, a key not named
    ``Tag_SNS_Custom_*`` or a string value over 500 bytes; 30003 no such account.
    """
    items: list[tuple[str, Any]] = []
    if d.remark is not None:
        items.append((TAG_REMARK, d.remark))
    for kv in d.friendCustomField:
        key = kv.key if kv.key.startswith(SNS_CUSTOM_PREFIX) else SNS_CUSTOM_PREFIX + kv.key
        items.append((key, kv.value))
    if not items:
        raise ImError(
            Code.ERR_INVALID_PARAMETERS, "nothing to update: give remark or friendCustomField"
        )
    app = s.require_app()
    [result] = await s.hub.sns.friends.update(app, s.user_id, [FriendUpdate(d.userID, items)])
    if not result.ok:
        raise ImError(result.code, result.info)
    [profile] = await s.hub.sns.friends.get_profiles(app, s.user_id, [d.userID], None)
    values = dict(profile.items)
    return {
        "userID": d.userID,
        "remark": values.get(TAG_REMARK, ""),
        "groupList": list(values.get("Tag_SNS_IM_Group", [])),
        "friendCustomField": [
            {"key": k, "value": v} for k, v in profile.items if k.startswith(SNS_CUSTOM_PREFIX)
        ],
    }


# --- user status -------------------------------------------------------------------


def _status_failure(f: StatusFailure) -> dict[str, Any]:
    return {"userID": f.user_id, "code": f.code, "message": f.info}


class StatusUsers(OpModel):
    """``{userIDList}`` (1..500 accounts)."""

    userIDList: list[str] = Field(min_length=1, max_length=STATUS_BATCH)


@op("getUserStatus", StatusUsers)
async def get_user_status(s: Session, d: StatusUsers) -> dict[str, Any]:
    """Users' status: ``{successUserList: [{userID, statusType (1 online, 2
    offline), customStatus}], failureUserList: [{userID, code: 70107, message}]}``.

    Tencent: ``@tencentcloud/chat`` ``getUserStatus``.  Errors: 6017 bad data.
    """
    found, failed = await s.hub.user_status.get(s.require_app(), d.userIDList)
    return {
        "successUserList": user_status_data(found)["userStatusList"],
        "failureUserList": [_status_failure(f) for f in failed],
    }


class SelfStatus(OpModel):
    """``{customStatus}`` (≤ 100 bytes; "" clears it)."""

    customStatus: str


@op("setSelfStatus", SelfStatus)
async def set_self_status(s: Session, d: SelfStatus) -> dict[str, Any]:
    """Set my custom status: ``{userID, statusType, customStatus}``; my
    subscribers and my devices get ``USER_STATUS_UPDATED``.

    Tencent: ``@tencentcloud/chat`` ``setSelfStatus``.  Errors: 6017 over 100 bytes.
    """
    status = await s.hub.user_status.set_custom(s.require_app(), s.user_id, d.customStatus)
    item: dict[str, Any] = user_status_data([status])["userStatusList"][0]
    return item


@op("subscribeUserStatus", StatusUsers)
async def subscribe_user_status(s: Session, d: StatusUsers) -> dict[str, Any]:
    """Follow users' status (``USER_STATUS_UPDATED`` when it changes):
    ``{failureUserList}`` (70107 not an account).

    Tencent: ``@tencentcloud/chat`` ``subscribeUserStatus``.  Errors: 6017 bad
    data, or more than 200 users followed in all.
    """
    failed = await s.hub.user_status.subscribe(s.require_app(), s.user_id, d.userIDList)
    return {"failureUserList": [_status_failure(f) for f in failed]}


class UnsubscribeStatus(OpModel):
    """``{userIDList?}`` (none or empty: everyone)."""

    userIDList: list[str] = Field(default_factory=list, max_length=STATUS_BATCH)


@op("unsubscribeUserStatus", UnsubscribeStatus)
async def unsubscribe_user_status(s: Session, d: UnsubscribeStatus) -> dict[str, Any]:
    """Stop following users' status (all of them without ``userIDList``):
    ``{failureUserList}``.

    Tencent: ``@tencentcloud/chat`` ``unsubscribeUserStatus``.
    """
    failed = await s.hub.user_status.unsubscribe(s.require_app(), s.user_id, d.userIDList)
    return {"failureUserList": [_status_failure(f) for f in failed]}
