"""Tencent IM REST ``recentcontact``: get_list and delete
(cloud.tencent.com/document/product/269/62118, /62119).

Sessions are C2C (``Type`` 1, ``To_Account``) or group (``Type`` 2,
``GroupId``; a group session exists while the user is a member).
"""

from __future__ import annotations

import time
from typing import Any

from pydantic import AliasChoices, Field, StrictInt

from palaver.api.rest.core import RestRequest, Wire, command
from palaver.errors import Code, ImError
from palaver.services.conversations import CONV_C2C, Conversation

SVC = "recentcontact"
PAGE = 100

ASSIST_PINNED = 1  # bit 0: list pinned sessions first, with TopFlag
ASSIST_EMPTY = 2  # bit 1: include sessions with no (visible) messages
ASSIST_PAGE_PINNED = 4  # bit 2: page the pinned sessions too


class GetList(Wire):
    From_Account: str
    TimeStamp: StrictInt = 0
    StartIndex: StrictInt = Field(0, ge=0)
    TopTimeStamp: StrictInt = 0
    TopStartIndex: StrictInt = Field(0, ge=0)
    AssistFlags: StrictInt = 0


def _item(c: Conversation, pinned_flag: bool) -> dict[str, Any]:
    item: dict[str, Any] = {"Type": c.conv_type}
    if c.conv_type == CONV_C2C:
        item["To_Account"] = c.peer
    else:
        item["GroupId"] = c.peer
    item["MsgTime"] = c.last_time
    item["TopFlag"] = int(pinned_flag and c.pinned)
    item["UnreadMsgCount"] = c.unread
    return item


@command(SVC, "get_list", GetList)
async def get_list(req: RestRequest, body: GetList) -> dict[str, Any]:
    """A user's sessions, newest first, 100 per page: ``SessionItem: [{"Type": 1,
    "To_Account" | "Type": 2, "GroupId", "MsgTime", "TopFlag", "UnreadMsgCount"}]``.

    ``AssistFlags`` bit 0 puts pinned sessions first with ``TopFlag`` 1; bit 1
    includes sessions without messages; bit 2 pages the pinned ones separately
    with ``TopStartIndex``. Continue with the returned ``StartIndex`` (and
    ``TopStartIndex``) while ``CompleteFlag`` is 0. Errors: 50001 not imported.
    """
    await req.hub.accounts.require(req.app, [body.From_Account], 50001)
    convs = await req.hub.conversations.list(
        req.app, body.From_Account, include_empty=bool(body.AssistFlags & ASSIST_EMPTY)
    )
    now = int(time.time())
    use_pins = bool(body.AssistFlags & ASSIST_PINNED)
    if not use_pins:
        ordered = sorted(convs, key=lambda c: (-c.last_time, c.conv_id))
        page = ordered[body.StartIndex : body.StartIndex + PAGE]
        nxt = body.StartIndex + len(page)
        return {
            "CompleteFlag": int(nxt >= len(ordered)),
            "TimeStamp": now,
            "StartIndex": nxt,
            "TopTimeStamp": now,
            "TopStartIndex": 0,
            "SessionItem": [_item(c, False) for c in page],
        }
    pinned = [c for c in convs if c.pinned]
    others = [c for c in convs if not c.pinned]
    items: list[Conversation] = []
    top_next = body.TopStartIndex
    if body.AssistFlags & ASSIST_PAGE_PINNED:
        top_page = pinned[body.TopStartIndex : body.TopStartIndex + PAGE]
        top_next = body.TopStartIndex + len(top_page)
        items += top_page
    elif body.StartIndex == 0 and body.TopStartIndex == 0:
        items += pinned
        top_next = len(pinned)
    room = PAGE - len(items)
    page = others[body.StartIndex : body.StartIndex + max(room, 0)]
    nxt = body.StartIndex + len(page)
    done = nxt >= len(others) and top_next >= len(pinned)
    return {
        "CompleteFlag": int(done),
        "TimeStamp": now,
        "StartIndex": nxt,
        "TopTimeStamp": now,
        "TopStartIndex": top_next,
        "SessionItem": [_item(c, True) for c in items + page],
    }


class Delete(Wire):
    """``Type`` 1 (C2C, ``To_Account``) or 2 (group, ``ToGroupid``); lowercase ``type`` accepted."""

    From_Account: str
    Type: StrictInt = Field(validation_alias=AliasChoices("Type", "type"))
    To_Account: str | None = None
    ToGroupid: str | None = Field(None, validation_alias=AliasChoices("ToGroupid", "ToGroupId"))
    ClearRamble: StrictInt = 0


@command(SVC, "delete", Delete)
async def delete(req: RestRequest, body: Delete) -> None:
    """Delete a session (it comes back with the next message); ``ClearRamble`` 1
    also clears its history for this user. Errors: 50001 not imported, 50002 bad Type/peer."""
    await req.hub.accounts.require(req.app, [body.From_Account], 50001)
    peer = body.To_Account if body.Type == CONV_C2C else body.ToGroupid
    if not peer:
        raise ImError(
            Code.ERR_SVR_CONV_INVALID_PARAMETERS,
            "To_Account (Type 1) or ToGroupid (Type 2) is required",
        )
    await req.hub.conversations.delete(
        req.app, body.From_Account, body.Type, peer, clear_history=bool(body.ClearRamble)
    )
