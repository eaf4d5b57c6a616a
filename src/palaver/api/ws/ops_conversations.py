"""Conversation settings of the client protocol (docs/protocol.md §5.4),
mirroring ``@tencentcloud/chat``: ``setMessageRemindType``,
``setConversationDraft``, ``setConversationCustomData``, ``markConversation``
and the conversation groups (``getConversationGroupList``,
``createConversationGroup``, ``deleteConversationGroup``,
``renameConversationGroup``, ``addConversationsToGroup``,
``deleteConversationsFromGroup``).

Errors (Tencent's server codes, passed through): 50002 a bad or unknown
conversation, group name or value; 51008 over 20 conversation groups; for a
group's do-not-disturb the group's own (10010 no group, 10007 not a member).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from palaver.api.ws.core import OpModel, Session, op
from palaver.errors import Code, ImError


class RemindType(OpModel):
    userIDList: list[str] | None = Field(None, max_length=100)
    groupID: str | None = None
    messageRemindType: str


@op("setMessageRemindType", RemindType)
async def set_message_remind_type(s: Session, d: RemindType) -> dict[str, Any]:
    """Do-not-disturb of C2C conversations (``userIDList``) or of a group
    (``groupID``: my ``MsgFlag``). Answers ``{successUserIDList: [{userID}],
    failureUserIDList: [{userID, code}]}`` (C2C; a peer that is not an account
    fails with 50002) or ``{}`` (group)."""
    app = s.require_app()
    hub = s.hub
    if d.groupID:
        await hub.groups.members.modify(
            app, s.user_id, d.groupID, s.user_id, admin=False, msg_flag=d.messageRemindType
        )
        await hub.conversation_settings.changed(app, s.user_id, "GROUP" + d.groupID, "remind")
        return {}
    if not d.userIDList:
        raise ImError(Code.ERR_SVR_CONV_INVALID_PARAMETERS, "userIDList or groupID is required")
    failed = await hub.conversation_settings.set_c2c_remind(
        app, s.user_id, d.userIDList, d.messageRemindType
    )
    return {
        "successUserIDList": [{"userID": u} for u in d.userIDList if u not in failed],
        "failureUserIDList": [
            {"userID": u, "code": Code.ERR_SVR_CONV_INVALID_PARAMETERS} for u in failed
        ],
    }


class Draft(OpModel):
    conversationID: str
    draftText: str = ""


@op("setConversationDraft", Draft)
async def set_conversation_draft(s: Session, d: Draft) -> None:
    """Keep a draft of one conversation on the server (``""`` clears it); my
    other devices see it as the conversation's ``draftText``."""
    app = s.require_app()
    await s.hub.conversation_settings.set_draft(app, s.user_id, d.conversationID, d.draftText)


class CustomData(OpModel):
    conversationIDList: list[str] = Field(max_length=100)
    customData: str = ""


@op("setConversationCustomData", CustomData)
async def set_conversation_custom_data(s: Session, d: CustomData) -> dict[str, Any]:
    """Set ``customData`` (at most 256 bytes) of conversations; answers
    ``{successConversationIDList, failureConversationIDList: []}``."""
    app = s.require_app()
    await s.hub.conversation_settings.set_custom_data(
        app, s.user_id, d.conversationIDList, d.customData
    )
    return {"successConversationIDList": d.conversationIDList, "failureConversationIDList": []}


class Mark(OpModel):
    conversationIDList: list[str] = Field(max_length=100)
    markType: int
    enableMark: bool


@op("markConversation", Mark)
async def mark_conversation(s: Session, d: Mark) -> dict[str, Any]:
    """Set or clear a mark (1 star, 2 unread, 4 fold, 8 hide) on conversations."""
    app = s.require_app()
    await s.hub.conversation_settings.mark(
        app, s.user_id, d.conversationIDList, d.markType, d.enableMark
    )
    return {"successConversationIDList": d.conversationIDList, "failureConversationIDList": []}


class Empty(OpModel):
    pass


@op("getConversationGroupList", Empty)
async def get_conversation_group_list(s: Session, d: Empty) -> dict[str, Any]:
    """My conversation groups' names, oldest first: ``{groupList: [name]}``."""
    app = s.require_app()
    groups = await s.hub.conversation_settings.groups(app, s.user_id)
    return {"groupList": list(groups.values())}


class CreateGroup(OpModel):
    groupName: str
    conversationIDList: list[str] = Field(max_length=100)


@op("createConversationGroup", CreateGroup)
async def create_conversation_group(s: Session, d: CreateGroup) -> dict[str, Any]:
    """A new conversation group holding conversations (1 to 100)."""
    app = s.require_app()
    await s.hub.conversation_settings.create_group(
        app, s.user_id, d.groupName, d.conversationIDList
    )
    return {"successConversationIDList": d.conversationIDList, "failureConversationIDList": []}


class GroupName(OpModel):
    groupName: str


@op("deleteConversationGroup", GroupName)
async def delete_conversation_group(s: Session, d: GroupName) -> None:
    """Delete one of my conversation groups (its conversations stay)."""
    app = s.require_app()
    await s.hub.conversation_settings.delete_group(app, s.user_id, d.groupName)


class Rename(OpModel):
    oldName: str
    newName: str


@op("renameConversationGroup", Rename)
async def rename_conversation_group(s: Session, d: Rename) -> None:
    """Rename one of my conversation groups."""
    app = s.require_app()
    await s.hub.conversation_settings.rename_group(app, s.user_id, d.oldName, d.newName)


class GroupItems(OpModel):
    groupName: str
    conversationIDList: list[str] = Field(max_length=100)


@op("addConversationsToGroup", GroupItems)
async def add_conversations_to_group(s: Session, d: GroupItems) -> dict[str, Any]:
    """Put conversations in one of my conversation groups."""
    app = s.require_app()
    await s.hub.conversation_settings.add_to_group(
        app, s.user_id, d.groupName, d.conversationIDList
    )
    return {"successConversationIDList": d.conversationIDList, "failureConversationIDList": []}


@op("deleteConversationsFromGroup", GroupItems)
async def delete_conversations_from_group(s: Session, d: GroupItems) -> dict[str, Any]:
    """Take conversations out of one of my conversation groups."""
    app = s.require_app()
    await s.hub.conversation_settings.remove_from_group(
        app, s.user_id, d.groupName, d.conversationIDList
    )
    return {"successConversationIDList": d.conversationIDList, "failureConversationIDList": []}
