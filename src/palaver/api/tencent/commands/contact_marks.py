"""Conversation marks, custom data and conversation groups (``recentcontact.*``):
``markConversation``, ``setConversationCustomData``, ``createConversationGroup``,
``deleteConversationGroup``, ``renameConversationGroup``,
``addConversationsToGroup``, ``deleteConversationsFromGroup`` and the SDK's
fetches of them (docs/tencent-client-protocol.md §3).

The bodies are those of Tencent's REST commands of the same names
(cloud.tencent.com/document/product/269/76266 and the pages after it), so the
REST adapter (palaver.api.rest.recentcontact_marks) answers with these
functions too. A conversation is a ``ContactItem`` ``{"Type": 1, "To_Account"}``
or ``{"Type": 2, "ToGroupId"}``; marks travel as bit positions (``SetMark``,
``ClearMark``: 0 star, 1 unread, 2 fold, 3 hide) and come back as
``StandardMark``, a binary string (``"101"``: star and fold).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import AliasChoices, Field

from palaver.api.tencent.commands.conversations import ContactRef
from palaver.api.tencent.core import Body, TencentSession, command
from palaver.errors import Code, ImError
from palaver.services.conversation_settings import ConversationSettings, split_id

if TYPE_CHECKING:
    from palaver.hub import Hub
    from palaver.services.apps import App

SVC = "recentcontact"


def conversation_id(ref: ContactRef) -> str:
    """``C2C<userID>`` / ``GROUP<groupID>`` of a ``ContactItem`` (50002 if neither)."""
    kind, peer = ref.target()
    return ("C2C" if kind == 1 else "GROUP") + peer


def contact_item(cid: str, group_key: str = "ToGroupId") -> dict[str, Any]:
    """The ``ContactItem`` of a conversation ID."""
    kind, peer = split_id(cid)
    return {"Type": 1, "To_Account": peer} if kind == "C2C" else {"Type": 2, group_key: peer}


def standard_mark(bits: int) -> str:
    """Marks as Tencent's ``StandardMark`` binary string (``""`` for none)."""
    return format(bits, "b") if bits else ""


async def _each(refs: list[ContactRef], do: Any, group_key: str = "ToGroupId") -> list[Any]:
    """``do(cid)`` for every conversation: ``[{ContactItem, ResultCode, ResultInfo}]``."""
    out = []
    for ref in refs:
        try:
            cid = conversation_id(ref)
            await do(cid)
            item, code, info = contact_item(cid, group_key), 0, ""
        except ImError as exc:
            item = ref.model_dump(exclude_defaults=True)
            code, info = exc.code, exc.info
        out.append({"ContactItem": item, "ResultCode": code, "ResultInfo": info})
    return out


class MarkEntry(Body):
    OptType: int = Field(1, validation_alias=AliasChoices("OptType", "OperationType"))
    ContactItem: ContactRef
    SetMark: list[int] = Field(default_factory=list)
    ClearMark: list[int] = Field(default_factory=list)
    CustomMark: str | None = None


class MarkContact(Body):
    MarkItem: list[MarkEntry] = Field(default_factory=list, max_length=100)


async def mark_contact_for(hub: Hub, app: App, owner: str, d: MarkContact) -> dict[str, Any]:
    """``OptType`` 1 sets/clears standard marks, 2 sets ``CustomMark``, 3 both."""
    s: ConversationSettings = hub.conversation_settings
    results = []
    for m in d.MarkItem:

        async def apply(cid: str, m: MarkEntry = m) -> None:
            if m.OptType in (1, 3):
                for bit in m.SetMark:
                    await s.mark(app, owner, [cid], _bit(bit), True)
                for bit in m.ClearMark:
                    await s.mark(app, owner, [cid], _bit(bit), False)
            if m.OptType in (2, 3):
                await s.set_custom_data(app, owner, [cid], m.CustomMark or "")

        results += await _each([m.ContactItem], apply)
    return {"ResultItem": results}


def _bit(position: int) -> int:
    if not 0 <= position <= 3:
        raise ImError(Code.ERR_SVR_CONV_INVALID_PARAMETERS, "marks are bits 0 to 3")
    return 1 << position


@command(SVC, "mark_contact", MarkContact)
async def mark_contact(s: TencentSession, d: MarkContact) -> dict[str, Any]:
    """``markConversation`` and ``setConversationCustomData``: ``ResultItem`` per
    conversation (``ResultCode`` 0, or 50002 a bad conversation or mark)."""
    return await mark_contact_for(s.hub, s.require_app(), s.user_id, d)


class GroupContactEntry(Body):
    GroupName: str
    ContactItem: list[ContactRef] = Field(default_factory=list, max_length=100)


class CreateContactGroup(Body):
    GroupContactItem: list[GroupContactEntry] = Field(min_length=1, max_length=1)


async def create_contact_group_for(
    hub: Hub, app: App, owner: str, d: CreateContactGroup
) -> dict[str, Any]:
    """Create the group (50002 a taken or bad name, a bad conversation; 51008
    over 20 groups), then add each conversation."""
    g = d.GroupContactItem[0]
    ids = [conversation_id(r) for r in g.ContactItem]
    gid = await hub.conversation_settings.create_group(app, owner, g.GroupName, ids)
    return {
        "GroupResultItem": [
            {
                "GroupItem": {"GroupName": g.GroupName, "GroupId": gid},
                "ResultItem": [
                    {"ContactItem": contact_item(c), "ResultCode": 0, "ResultInfo": ""} for c in ids
                ],
            }
        ]
    }


@command(SVC, "create_contact_group", CreateContactGroup)
async def create_contact_group(s: TencentSession, d: CreateContactGroup) -> dict[str, Any]:
    """``createConversationGroup``: ``GroupResultItem: [{GroupItem: {GroupName,
    GroupId}, ResultItem}]``. Errors: 50002, 51008."""
    return await create_contact_group_for(s.hub, s.require_app(), s.user_id, d)


class DelContactGroup(Body):
    GroupName: list[str] = Field(min_length=1, max_length=20)


async def del_contact_group_for(
    hub: Hub, app: App, owner: str, d: DelContactGroup
) -> dict[str, Any]:
    """Delete each named group (50002 if one does not exist)."""
    items = []
    for name in d.GroupName:
        gid = await hub.conversation_settings.delete_group(app, owner, name)
        items.append({"GroupName": name, "GroupId": gid})
    return {"GroupItem": items}


@command(SVC, "del_contact_group", DelContactGroup)
async def del_contact_group(s: TencentSession, d: DelContactGroup) -> dict[str, Any]:
    """``deleteConversationGroup``: ``GroupItem: [{GroupName, GroupId}]``. Errors: 50002."""
    return await del_contact_group_for(s.hub, s.require_app(), s.user_id, d)


class ContactUpdateEntry(Body):
    ContactOptType: int = Field(
        1, validation_alias=AliasChoices("ContactOptType", "OperationType", "OptType")
    )
    ContactItem: ContactRef


class UpdateGroupBody(Body):
    UpdateGroupType: int = 1
    OldGroupName: str = Field("", validation_alias=AliasChoices("OldGroupName", "GroupName"))
    NewGroupName: str = ""
    ContactUpdateItem: list[ContactUpdateEntry] = Field(
        default_factory=list,
        max_length=100,
        validation_alias=AliasChoices("ContactUpdateItem", "UpdateItem"),
    )


class UpdateContactGroup(Body):
    UpdateType: int = 1
    UpdateGroup: UpdateGroupBody


async def update_contact_group_for(
    hub: Hub, app: App, owner: str, d: UpdateContactGroup
) -> dict[str, Any]:
    """``UpdateGroupType`` 1 renames (``OldGroupName`` -> ``NewGroupName``), 2
    adds (``ContactOptType`` 1) or removes (2) conversations."""
    u = d.UpdateGroup
    s = hub.conversation_settings
    if u.UpdateGroupType == 1:
        gid = await s.rename_group(app, owner, u.OldGroupName, u.NewGroupName)
        return {
            "UpdateGroupResult": {
                "UpdateGroupType": 1,
                "GroupId": gid,
                "OldGroupName": u.OldGroupName,
                "NewGroupName": u.NewGroupName,
            }
        }
    if u.UpdateGroupType != 2:
        raise ImError(Code.ERR_SVR_CONV_INVALID_PARAMETERS, "UpdateGroupType is 1 or 2")
    found = next((g for g, n in (await s.groups(app, owner)).items() if n == u.OldGroupName), None)
    if found is None:
        raise ImError(
            Code.ERR_SVR_CONV_INVALID_PARAMETERS, f"no conversation group {u.OldGroupName!r}"
        )
    results = []
    for item in u.ContactUpdateItem:

        async def apply(cid: str, add: bool = item.ContactOptType == 1) -> None:
            if add:
                await s.add_to_group(app, owner, u.OldGroupName, [cid])
            else:
                await s.remove_from_group(app, owner, u.OldGroupName, [cid])

        results += await _each([item.ContactItem], apply, group_key="GroupId")
    return {
        "UpdateGroupResult": {
            "UpdateGroupType": 2,
            "GroupId": found,
            "GroupName": u.OldGroupName,
            "ContactResultItem": results,
        }
    }


@command(SVC, "update_contact_group", UpdateContactGroup)
async def update_contact_group(s: TencentSession, d: UpdateContactGroup) -> dict[str, Any]:
    """``renameConversationGroup``, ``addConversationsToGroup``,
    ``deleteConversationsFromGroup``. Errors: 50002 no such group, a taken name."""
    return await update_contact_group_for(s.hub, s.require_app(), s.user_id, d)


async def contact_items(
    hub: Hub, app: App, owner: str, only: list[str] | None = None
) -> dict[str, Any]:
    """``GroupItem`` (every group) and ``ContactItem`` (the conversations with a
    mark, custom data or group; those of ``only`` if given)."""
    s = hub.conversation_settings
    groups = await s.groups(app, owner)
    inside = await s.group_items(app, owner)
    convs = await hub.conversations.list(app, owner, include_empty=True)
    items = []
    for c in convs:
        cid = c.conversation_id
        if only is not None and cid not in only:
            continue
        if only is None and not (c.marks or c.custom_data or inside.get(cid)):
            continue
        items.append(
            {
                **contact_item(cid),
                "StandardMark": standard_mark(c.marks),
                "CustomMark": c.custom_data,
                "ContactGroupId": inside.get(cid, []),
            }
        )
    return {
        "GroupItem": [{"GroupName": n, "GroupId": g} for g, n in groups.items()],
        "ContactItem": items,
    }


class GetContactGroup(Body):
    StartIndex: int = 0


@command(SVC, "get_contact_group", GetContactGroup)
async def get_contact_group(s: TencentSession, d: GetContactGroup) -> dict[str, Any]:
    """At login: my conversation groups and the marks, custom data and groups
    of my conversations, in one page (``CompleteFlag`` 1)."""
    out = await contact_items(s.hub, s.require_app(), s.user_id)
    return {**out, "CompleteFlag": 1, "NextStartIndex": 0}


class SearchContactGroup(Body):
    ContactItem: list[ContactRef] = Field(default_factory=list, max_length=100)


@command(SVC, "search_contact_group", SearchContactGroup)
async def search_contact_group(s: TencentSession, d: SearchContactGroup) -> dict[str, Any]:
    """For conversations new to the SDK: their marks, custom data and groups
    (``ContactResultItem``) and my groups (``GroupItem``)."""
    ids = []
    for ref in d.ContactItem:
        try:
            ids.append(conversation_id(ref))
        except ImError:
            continue
    out = await contact_items(s.hub, s.require_app(), s.user_id, ids)
    return {"ContactResultItem": out["ContactItem"], "GroupItem": out["GroupItem"]}
