"""Tencent IM REST ``recentcontact``: conversation marks and conversation groups
(cloud.tencent.com/document/product/269/76266 and the pages after it:
``mark_contact``, ``create_contact_group``, ``del_contact_group``,
``update_contact_group``, ``get_contact_group``, ``search_contact_group``).

The bodies are those of Tencent's client protocol, plus ``From_Account`` (whose
conversations); the work is done by the same functions
(palaver.api.tencent.commands.contact_marks). Errors: 50001 ``From_Account`` not
imported; 50002 a bad conversation, mark, or group name, a taken name or no such
group; 51008 over 20 conversation groups.
"""

from __future__ import annotations

from typing import Any

from palaver.api.rest.core import RestRequest, Wire, command
from palaver.api.tencent.commands import contact_marks as cm

SVC = "recentcontact"


class MarkContact(Wire, cm.MarkContact):
    """``{"From_Account", "MarkItem": [{"OptType": 1 marks | 2 custom | 3 both,
    "ContactItem": {"Type", "To_Account" | "ToGroupId"}, "SetMark": [bit],
    "ClearMark": [bit], "CustomMark"}]}``."""

    From_Account: str


@command(SVC, "mark_contact", MarkContact)
async def mark_contact(req: RestRequest, body: MarkContact) -> dict[str, Any]:
    """Set or clear standard marks (bits 0 star, 1 unread, 2 fold, 3 hide) and
    custom marks: ``ResultItem: [{ContactItem, ResultCode, ResultInfo}]``."""
    await req.hub.accounts.require(req.app, [body.From_Account], 50001)
    return await cm.mark_contact_for(req.hub, req.app, body.From_Account, body)


class CreateContactGroup(Wire, cm.CreateContactGroup):
    """``{"From_Account", "GroupContactItem": [{"GroupName", "ContactItem": [...]}]}``."""

    From_Account: str


@command(SVC, "create_contact_group", CreateContactGroup)
async def create_contact_group(req: RestRequest, body: CreateContactGroup) -> dict[str, Any]:
    """A conversation group: ``GroupResultItem: [{GroupItem: {GroupName, GroupId},
    ResultItem}]``."""
    await req.hub.accounts.require(req.app, [body.From_Account], 50001)
    return await cm.create_contact_group_for(req.hub, req.app, body.From_Account, body)


class DelContactGroup(Wire, cm.DelContactGroup):
    """``{"From_Account", "GroupName": [names]}``."""

    From_Account: str


@command(SVC, "del_contact_group", DelContactGroup)
async def del_contact_group(req: RestRequest, body: DelContactGroup) -> dict[str, Any]:
    """Delete conversation groups: ``GroupItem: [{GroupName, GroupId}]``."""
    await req.hub.accounts.require(req.app, [body.From_Account], 50001)
    return await cm.del_contact_group_for(req.hub, req.app, body.From_Account, body)


class UpdateContactGroup(Wire, cm.UpdateContactGroup):
    """``{"From_Account", "UpdateType": 1, "UpdateGroup": {"UpdateGroupType": 1,
    "OldGroupName", "NewGroupName"} | {"UpdateGroupType": 2, "OldGroupName",
    "ContactUpdateItem": [{"ContactOptType": 1 add | 2 remove, "ContactItem"}]}}``."""

    From_Account: str


@command(SVC, "update_contact_group", UpdateContactGroup)
async def update_contact_group(req: RestRequest, body: UpdateContactGroup) -> dict[str, Any]:
    """Rename a conversation group, or add and remove conversations:
    ``UpdateGroupResult``."""
    await req.hub.accounts.require(req.app, [body.From_Account], 50001)
    return await cm.update_contact_group_for(req.hub, req.app, body.From_Account, body)


class GetContactGroup(Wire):
    """``{"From_Account", "StartIndex"?}``."""

    From_Account: str
    StartIndex: int = 0


@command(SVC, "get_contact_group", GetContactGroup)
async def get_contact_group(req: RestRequest, body: GetContactGroup) -> dict[str, Any]:
    """The user's conversation groups (``GroupItem``) and marked or grouped
    conversations (``ContactItem`` with ``StandardMark``, ``CustomMark``,
    ``ContactGroupId``), in one page (``CompleteFlag`` 1)."""
    await req.hub.accounts.require(req.app, [body.From_Account], 50001)
    out = await cm.contact_items(req.hub, req.app, body.From_Account)
    return {**out, "CompleteFlag": 1, "NextStartIndex": 0}


class SearchContactGroup(Wire, cm.SearchContactGroup):
    """``{"From_Account", "ContactItem": [{"Type", "To_Account" | "ToGroupId"}]}``."""

    From_Account: str


@command(SVC, "search_contact_group", SearchContactGroup)
async def search_contact_group(req: RestRequest, body: SearchContactGroup) -> dict[str, Any]:
    """Marks and groups of the given conversations: ``ContactResultItem``, ``GroupItem``."""
    await req.hub.accounts.require(req.app, [body.From_Account], 50001)
    ids = []
    for ref in body.ContactItem:
        ids.append(cm.conversation_id(ref))
    out = await cm.contact_items(req.hub, req.app, body.From_Account, ids)
    return {"ContactResultItem": out["ContactItem"], "GroupItem": out["GroupItem"]}
