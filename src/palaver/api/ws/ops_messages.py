"""Message operations of issue 17 (docs/protocol.md §5): ``modifyMessage``,
``deleteMessage``, ``clearHistoryMessage``, ``setAllMessageRead``, mirroring ``@tencentcloud/chat``'s."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from palaver.api.ws.core import OpModel, Session, op, parse_message_id
from palaver.model.messages import MessageRecord, group_conv_id
from palaver.protocol.objects import (
    C2C,
    GROUP,
    message_wire,
    payload_to_element,
    split_conversation_id,
)
from palaver.services.message_reads import READ_ALL
from palaver.storage.messages import c2c_conv_id


async def my_message(
    s: Session, conversation_id: str, message_id: str, *, edit: bool = True
) -> MessageRecord:
    """A stored message of one of my conversations.

    Raises:
        ImError: 6017 a bad ID; 20026 no such message there; a group's: 10010 no
            group, 10007 I am not a member, 2481 a live room (``edit``).
    """
    app = s.require_app()
    kind, peer = split_conversation_id(conversation_id)
    mid = parse_message_id(message_id)
    if kind == GROUP:
        msg = await s.hub.edits.by_id(app, group_conv_id(peer), mid)
        if not edit:
            await s.hub.deletes.group_by_seqs(app, s.user_id, peer, [])
            return msg
        return await s.hub.edits.group_message(app, peer, msg.seq, s.user_id)
    return await s.hub.edits.by_id(app, c2c_conv_id(s.user_id, peer), mid)


class Modify(OpModel):
    conversationID: str
    ID: str
    version: int = Field(0, ge=0)
    type: str | None = None
    payload: dict[str, Any] | None = None
    MsgBody: list[Any] | None = None
    cloudCustomData: str | None = None


@op("modifyMessage", Modify)
async def modify_message(s: Session, d: Modify) -> dict[str, Any]:
    """Edit a message of one of my conversations (any participant may, as in
    Tencent's SDK): its new content (``MsgBody``, or ``type`` + ``payload``)
    and/or ``cloudCustomData``, from ``version`` (the version I hold). Answers
    ``{message}`` at its new version; both parties / every member get
    ``MESSAGE_MODIFIED``.

    Errors: 20027 someone else edited it first (the error's ``data.message`` is
    the message as it is now); 20026 no such message, or recalled; 6017 nothing
    to change or an element type that cannot be edited (only text, custom,
    location, face); 10007 not a member of the group; 2481 a live room.
    """
    app = s.require_app()
    msg = await my_message(s, d.conversationID, d.ID)
    body = d.MsgBody
    if body is None and d.type is not None:
        body = [payload_to_element(d.type, d.payload or {})]
    modified = await s.hub.edits.modify(
        app, msg, s.user_id, body=body, cloud_custom_data=d.cloudCustomData, version=d.version
    )
    return {"message": message_wire(modified, s.user_id)}


class DeleteMessages(OpModel):
    conversationID: str
    IDList: list[str] = Field(min_length=1, max_length=30)


@op("deleteMessage", DeleteMessages)
async def delete_message(s: Session, d: DeleteMessages) -> dict[str, Any]:
    """Delete messages of one of my conversations for me only (Tencent's
    ``deleteMessage``: the other party and other members keep them); answers the
    ``IDList`` deleted. Errors: 6017 a bad ID or more than 30; 20026 a message
    not in that conversation; groups: 10010, 10007 not a member."""
    app = s.require_app()
    msgs = [await my_message(s, d.conversationID, i, edit=False) for i in d.IDList]
    await s.hub.deletes.delete_for(app, s.user_id, msgs)
    return {"IDList": [m.message_id for m in msgs]}


class ClearHistory(OpModel):
    conversationID: str


@op("clearHistoryMessage", ClearHistory)
async def clear_history_message(s: Session, d: ClearHistory) -> None:
    """Clear my history of a conversation (read, too; the other party and other
    members keep theirs). Errors: 6017 a bad conversation ID; groups: 10010,
    10007 not a member."""
    app = s.require_app()
    kind, peer = split_conversation_id(d.conversationID)
    if kind == GROUP:
        await s.hub.deletes.clear_group(app, s.user_id, peer)
    else:
        await s.hub.deletes.clear_c2c(app, s.user_id, peer)


class ReadAllOp(OpModel):
    scope: str = READ_ALL


@op("setAllMessageRead", ReadAllOp)
async def set_all_message_read(s: Session, d: ReadAllOp) -> dict[str, Any]:
    """Read every conversation with unread messages (``scope``:
    ``readAllMessage``, ``readAllC2CMessage`` or ``readAllGroupMessage``), each
    as ``setMessageRead`` would; answers ``{conversationIDList}`` read. Errors:
    6017 an unknown scope."""
    done = await s.hub.read_all.read_all(s.require_app(), s.user_id, d.scope)
    ids = [C2C + p for p in done.c2c] + [GROUP + g for g in done.groups]
    return {"conversationIDList": ids}


class Reaction(OpModel):
    conversationID: str
    ID: str
    reactionID: str


@op("addMessageReaction", Reaction)
async def add_message_reaction(s: Session, d: Reaction) -> None:
    """React to a message of my conversations; everyone in it online gets
    ``MESSAGE_REACTIONS_UPDATED``. Again: nothing changes. Errors: 6017 a bad
    reaction ID (1..100 characters) or a 21st kind on the message; 20026 no
    such message, or recalled; groups: 10010, 10007 not a member."""
    msg = await my_message(s, d.conversationID, d.ID, edit=False)
    await s.hub.reactions.react(s.require_app(), msg, s.user_id, d.reactionID, True)


@op("removeMessageReaction", Reaction)
async def remove_message_reaction(s: Session, d: Reaction) -> None:
    """Take back my reaction (errors as ``addMessageReaction``)."""
    msg = await my_message(s, d.conversationID, d.ID, edit=False)
    await s.hub.reactions.react(s.require_app(), msg, s.user_id, d.reactionID, False)


class Reactions(OpModel):
    conversationID: str
    IDList: list[str] = Field(min_length=1, max_length=20)


@op("getMessageReactions", Reactions)
async def get_message_reactions(s: Session, d: Reactions) -> dict[str, Any]:
    """The reactions of up to 20 messages of one conversation: ``{resultList:
    [{messageID, reactionList: [{reactionID, totalUserCount, partialUserList:
    [{userID}], reactedByMyself}]}]}`` (up to 10 users each)."""
    msgs = [await my_message(s, d.conversationID, i, edit=False) for i in d.IDList]
    found = await s.hub.reactions.summaries(s.require_app(), [m.id for m in msgs])
    return {
        "resultList": [
            {
                "messageID": m.message_id,
                "reactionList": [
                    {
                        "reactionID": r,
                        "totalUserCount": n,
                        "partialUserList": [{"userID": u} for u in users],
                        "reactedByMyself": s.user_id in users,
                    }
                    for r, n, users in found.get(m.id, ())
                ],
            }
            for m in msgs
        ]
    }


class ReactionUsers(OpModel):
    conversationID: str
    ID: str
    reactionID: str
    nextSeq: int = Field(0, ge=0)
    count: int = Field(100, ge=1, le=100)


@op("getAllUserListOfMessageReaction", ReactionUsers)
async def get_reaction_users(s: Session, d: ReactionUsers) -> dict[str, Any]:
    """A page of the users of one reaction, in the order they reacted:
    ``{userList: [{userID}], nextSeq, isCompleted}``."""
    msg = await my_message(s, d.conversationID, d.ID, edit=False)
    users, nxt = await s.hub.reactions.users(s.require_app(), msg, d.reactionID, d.nextSeq, d.count)
    return {"userList": [{"userID": u} for u in users], "nextSeq": nxt, "isCompleted": nxt == 0}
