"""Cloud search commands (``message_search.query``): Tencent's
``searchCloudMessages`` (docs/tencent-client-protocol.md, docs/search.md)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from palaver.api.tencent.core import Body, TencentSession, command
from palaver.model.messages import MessageRecord
from palaver.protocol.objects import message_wire
from palaver.protocol.tencent import objects as o
from palaver.services.search import MessageSearch


class MessageQuery(Body):
    """The SDK's ``searchCloudMessages`` options, renamed by its key map."""

    KeywordList: list[str] = []
    MatchType: str = "or"
    PeerAccount: str | None = None
    GroupID: str | None = None
    MsgTypeList: list[str] = []
    SendUserIDList: list[str] = []
    StartTime: int | None = Field(None, ge=0)
    EndTime: int | None = Field(None, ge=0)
    Count: int = 100
    Cursor: str = ""


async def _items(
    s: TencentSession, msgs: list[MessageRecord], group_types: dict[str, str]
) -> list[dict[str, Any]]:
    out = []
    for m in msgs:
        wire = message_wire(m, s.user_id)
        if m.group_id is not None:
            out.append(o.group_message(wire, group_types.get(m.group_id, "Public")))
        else:
            out.append(o.c2c_message(wire))
    return out


@command("message_search", "query", MessageQuery)
async def message_search(s: TencentSession, d: MessageQuery) -> dict[str, Any]:
    """``searchCloudMessages``: ``ConversationMsgs`` (each ``UserID`` or ``GroupID``,
    ``Count``, ``LastMsgTime``, ``MessageList`` newest first), ``TotalCount``, ``Cursor``.

    Errors: 27003 no keyword, sender or type; more than 5 keywords; a keyword of
    punctuation only; ``Count`` outside 1..100; a malformed ``Cursor``.
    """
    app = s.require_app()
    hub = s.hub
    page = await hub.search.messages(
        app,
        MessageSearch(
            s.user_id,
            keywords=d.KeywordList,
            match_all=d.MatchType.lower() == "and",
            peer=d.PeerAccount or None,
            group_id=d.GroupID or None,
            senders=d.SendUserIDList,
            kinds=d.MsgTypeList,
            start_time=d.StartTime or None,
            end_time=d.EndTime or None,
            cursor=d.Cursor,
            count=d.Count,
        ),
    )
    types: dict[str, str] = {}
    if any(c.group_id for c in page.conversations):
        joined, _ = await hub.groups.directory.joined(app, s.user_id)
        types = {g.group_id: g.type for g, _ in joined}
    convs = []
    for c in page.conversations:
        item: dict[str, Any] = {"Count": c.count, "LastMsgTime": c.last_time}
        if c.group_id is not None:
            item["GroupID"] = c.group_id
        else:
            item["UserID"] = c.peer
        item["MessageList"] = await _items(s, c.messages, types)
        convs.append(item)
    return {"ConversationMsgs": convs, "TotalCount": page.total, "Cursor": page.cursor}
