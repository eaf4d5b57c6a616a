"""Friend groups (``sns.group_*``), as the logged-in user
(docs/tencent-client-protocol.md §6.2): ``getFriendGroupList``,
``createFriendGroup``, ``deleteFriendGroup``, and ``renameFriendGroup`` /
``addToFriendGroup`` / ``removeFromFriendGroup`` (all three ``group_update``).
Tencent REST shapes on the wire; the rules are the services'
(:mod:`palaver.services.sns.friend_groups`)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from palaver.api.tencent.core import Body, TencentSession, command
from palaver.services.sns import MAX_BATCH, MAX_FRIEND_GROUPS, ItemResult


def _item(r: ItemResult) -> dict[str, Any]:
    return {"To_Account": r.peer, "ResultCode": r.code, "ResultInfo": r.info}


class FriendGroupGet(Body):
    GroupName: list[str] | None = Field(None, max_length=MAX_FRIEND_GROUPS)


@command("sns", "group_get", FriendGroupGet)
async def friend_group_get(s: TencentSession, d: FriendGroupGet) -> dict[str, Any]:
    """``getFriendGroupList``: ``ResultItem: [{GroupName, FriendNumber,
    To_Account}]`` (empty groups too) and ``CurrentSequence``."""
    found = await s.hub.sns.friend_groups.get(s.require_app(), s.user_id, d.GroupName)
    return {
        "ResultItem": [
            {"GroupName": g.name, "FriendNumber": len(g.members), "To_Account": list(g.members)}
            for g in found.groups
        ],
        "CurrentSequence": found.sequence,
    }


class FriendGroupAdd(Body):
    GroupName: list[str] = Field(min_length=1, max_length=MAX_FRIEND_GROUPS)
    To_Account: list[str] = Field(default_factory=list, max_length=MAX_BATCH)


@command("sns", "group_add", FriendGroupAdd)
async def friend_group_add(s: TencentSession, d: FriendGroupAdd) -> dict[str, Any]:
    """``createFriendGroup``: per friend ``ResultItem`` (0, 30003, 32216 not a
    friend). Errors: 30001 a bad or existing name, over 32 groups."""
    results, seq = await s.hub.sns.friend_groups.create(
        s.require_app(), s.user_id, d.GroupName, d.To_Account
    )
    return {"ResultItem": [_item(r) for r in results], "CurrentSequence": seq}


class FriendGroupDelete(Body):
    GroupName: list[str] = Field(min_length=1, max_length=MAX_FRIEND_GROUPS)


@command("sns", "group_delete", FriendGroupDelete)
async def friend_group_delete(s: TencentSession, d: FriendGroupDelete) -> dict[str, Any]:
    """``deleteFriendGroup``. Errors: 30001 not one of my groups."""
    seq = await s.hub.sns.friend_groups.delete(s.require_app(), s.user_id, d.GroupName)
    return {"CurrentSequence": seq}


class GroupItemChange(Body):
    To_Account: str
    UpdateType: Literal["Update_Type_Add", "Update_Type_Delete"]


class FriendGroupUpdate(Body):
    GroupOldName: str
    GroupNewName: str | None = None
    UpdateGroupItem: list[GroupItemChange] = Field(default_factory=list, max_length=MAX_BATCH)


@command("sns", "group_update", FriendGroupUpdate)
async def friend_group_update(s: TencentSession, d: FriendGroupUpdate) -> dict[str, Any]:
    """``renameFriendGroup`` (``GroupNewName``), ``addToFriendGroup`` /
    ``removeFromFriendGroup`` (``UpdateGroupItem`` with ``UpdateType``
    ``Update_Type_Add`` / ``Update_Type_Delete``): per friend ``ResultItem``
    with its ``UpdateType`` (0, 30003, 32216 not a friend).  Errors: 30001
    ``GroupOldName`` is not one of my groups, a bad or existing new name."""
    add = [i.To_Account for i in d.UpdateGroupItem if i.UpdateType == "Update_Type_Add"]
    remove = [i.To_Account for i in d.UpdateGroupItem if i.UpdateType == "Update_Type_Delete"]
    results = await s.hub.sns.friend_groups.update(
        s.require_app(), s.user_id, d.GroupOldName, new_name=d.GroupNewName, add=add, remove=remove
    )
    return {
        "ResultItem": [
            _item(r) | {"UpdateType": "Update_Type_Add" if added else "Update_Type_Delete"}
            for r, added in results
        ]
    }
