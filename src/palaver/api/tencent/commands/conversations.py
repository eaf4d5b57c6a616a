"""Conversation commands (``recentcontact.*``): the list, delete and pin
(docs/tencent-client-protocol.md §6.3)."""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, Field

from palaver.api.tencent.core import Body, TencentSession, command
from palaver.errors import Code, ImError
from palaver.model.messages import MessageRecord
from palaver.protocol.objects import message_wire
from palaver.protocol.tencent import objects as o
from palaver.services.conversation_settings import REMIND_CODES
from palaver.services.conversations import CONV_C2C, CONV_GROUP, Conversation

NICK, IMAGE = "Tag_Profile_IM_Nick", "Tag_Profile_IM_Image"


def _last_msg(m: MessageRecord | None, viewer: str) -> dict[str, Any]:
    """``LastMsg`` of a session item (a tip: as ``GroupTips``, ``Event`` 4)."""
    if m is None:
        return {"MsgBody": []}
    if m.group_id is not None and m.body and m.body[0].get("MsgType") == "TIMGroupTipElem":
        return {"Event": o.EV_GROUP_TIP, "GroupTips": o.group_tip(message_wire(m, viewer))}
    out: dict[str, Any] = {"MsgBody": m.body, "CloudCustomData": m.cloud_custom_data or ""}
    if m.is_recalled:
        out["RevokerInfo"] = {"Revoker": m.sender}
    return out


async def session_items(s: TencentSession, convs: list[Conversation]) -> list[dict[str, Any]]:
    """``SessionItem`` of each conversation (C2C: ``Type`` 1, groups: ``Type`` 2)."""
    app = s.require_app()
    hub = s.hub
    me = s.user_id
    last = await hub.messages.last_messages(app, [(c.conv_id, c.last_seq) for c in convs])
    peers = [c.peer for c in convs if c.conv_type == CONV_C2C]
    profiles = await hub.profiles.get(app, peers, [NICK, IMAGE]) if peers else {}
    groups = [c for c in convs if c.conv_type == CONV_GROUP]
    mine = (
        {g.group_id: g for g, _ in (await hub.groups.directory.joined(app, me))[0]}
        if groups
        else {}
    )
    inside = await hub.conversation_settings.group_items(app, me)
    items = []
    for c in convs:
        m = last.get(c.conv_id)
        item: dict[str, Any] = {
            # my settings: do-not-disturb, marks (a binary string), custom data, groups
            "MsgRecvOption": REMIND_CODES.get(c.remind_type, 0),
            "StandardMark": format(c.marks, "b") if c.marks else "",
            "CustomMark": c.custom_data,
            "ContactGroupId": inside.get(c.conversation_id, []),
            "MsgTime": c.last_time,
            "MsgSeq": (m.client_seq or m.seq)
            if m is not None and c.conv_type == CONV_C2C
            else c.last_seq,
            "MsgRandom": m.random if m is not None else 0,
            "LastMsg": _last_msg(m, me),
            "TopFlags": int(c.pinned),
        }
        if c.conv_type == CONV_C2C:
            p = profiles.get(c.peer, {})
            item.update(
                Type=1,
                To_Account=c.peer,
                LastC2CMsgFromAccount=m.sender if m is not None else "",
                LastMsgFlags=o.C2C_RECALLED if m is not None and m.is_recalled else 0,
                C2cNick=p.get(NICK, ""),
                C2cImage=p.get(IMAGE, ""),
            )
        else:
            g = mine.get(c.peer)
            if g is None:
                continue
            item.update(
                Type=2,
                ToAccount=c.peer,
                MsgGroupFromAccount=m.sender if m is not None else "",
                LastMsgFlags=o.GROUP_RECALLED if m is not None and m.is_recalled else 0,
                GroupNick=g.name,
                GroupImage=g.face_url,
                GroupType=g.type,
                GroupNextMsgSeq=g.next_msg_seq,
                MsgGroupReadedSeq=c.read_seq,
                UnreadMsgCount=c.unread,
            )
        items.append(item)
    return items


class PageGet(Body):
    StartIndex: int = 0


@command("recentcontact", "page_get", PageGet)
async def page_get(s: TencentSession, d: PageGet) -> dict[str, Any]:
    """The conversation list at login and after a reconnect, in one page
    (``CompleteFlag`` 1: the SDK stops paging). Group items carry their unread
    counts; C2C unread counts come with ``getmsg``."""
    app = s.require_app()
    convs = await s.hub.conversations.list(app, s.user_id)
    items = await session_items(s, convs)
    newest = max((c.last_time for c in convs), default=0)
    return {
        "SessionItem": items,
        "CompleteFlag": 1,
        "TimeStamp": newest,
        "StartIndex": 0,
        "TopTimeStamp": 0,
        "TopStartIndex": 0,
    }


class ContactRef(Body):
    Type: int
    To_Account: str = ""
    GroupId: str = Field(
        "", validation_alias=AliasChoices("ToGroupid", "GroupId", "GroupID", "ToGroupId")
    )

    def target(self) -> tuple[int, str]:
        """(1, UserID) or (2, GroupId). Raises ImError(50002) for another type."""
        if self.Type == CONV_C2C and self.To_Account:
            return CONV_C2C, self.To_Account
        if self.Type == CONV_GROUP and self.GroupId:
            return CONV_GROUP, self.GroupId
        raise ImError(
            Code.ERR_SVR_CONV_INVALID_PARAMETERS, "Type 1 with To_Account or 2 with a group"
        )


class BatchDelete(Body):
    ContactItem: list[ContactRef] = Field(default_factory=list, max_length=100)
    ClearRamble: int = 0


@command("recentcontact", "batch_delete", BatchDelete)
async def batch_delete(s: TencentSession, d: BatchDelete) -> dict[str, Any]:
    """``deleteConversation``: each deleted (with ``ClearRamble``: its history
    too, for me); ``ResultItem`` per conversation (0, or the failure's code)."""
    app = s.require_app()
    results = []
    for ref in d.ContactItem:
        kind, peer = ref.target()
        try:
            await s.hub.conversations.delete(
                app, s.user_id, kind, peer, clear_history=bool(d.ClearRamble)
            )
            code = 0
        except ImError as exc:
            code = exc.code
        results.append(
            {"ResultCode": code, "Type": kind, "To_Account": peer}
            if kind == CONV_C2C
            else {"ResultCode": code, "Type": kind, "ToGroupid": peer}
        )
    return {"ResultItem": results}


class Top(Body):
    OperationType: int = 1
    RecentContactItem: list[ContactRef] = Field(default_factory=list, max_length=100)


@command("recentcontact", "top", Top)
async def top(s: TencentSession, d: Top) -> None:
    """``pinConversation``: ``OperationType`` 1 pins, 2 unpins.
    Errors: 50002 no such conversation."""
    app = s.require_app()
    for ref in d.RecentContactItem:
        kind, peer = ref.target()
        await s.hub.conversations.pin(app, s.user_id, kind, peer, d.OperationType == 1)
