"""``group_open_http_svc`` commands about banned members: ban_group_member,
unban_group_member, get_group_ban_member (cloud.tencent.com/document/product/269/79249
and neighbours). They call ``hub.groups.bans`` (:mod:`palaver.services.groups.bans`)
as an App admin.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StrictInt, StrictStr

from palaver.api.rest.core import RestRequest, command
from palaver.api.rest.group.wire import SVC, UINT32, Account, GroupRequest, at_most
from palaver.services.groups.bans import MAX_BAN_ACCOUNTS, MAX_BAN_PAGE


class Ban(GroupRequest):
    """``{"GroupId", "Members_Account": [...] (≤20), "Duration": s (≥1), "Description"?}``."""

    Members_Account: Annotated[list[Account], Field(min_length=1), at_most(MAX_BAN_ACCOUNTS)]
    Duration: Annotated[StrictInt, Field(ge=0, le=UINT32)]
    Description: StrictStr = ""


@command(SVC, "ban_group_member", Ban)
async def ban_group_member(req: RestRequest, body: Ban) -> None:
    """Ban members for ``Duration`` seconds: members leave the group (told
    ``kicked``), an AVChatRoom's audience leaves the room, and none of them may
    join again until the ban ends. Errors: 10010 no group, 10004 ``Duration`` 0
    or ``Description`` over 1000 bytes, 10005 more than 20 accounts, 10007 the owner."""
    await req.hub.groups.bans.ban(
        req.app,
        req.identifier,
        body.GroupId,
        list(dict.fromkeys(body.Members_Account)),
        body.Duration,
        body.Description,
    )


class Unban(GroupRequest):
    """``{"GroupId", "Members_Account": [...] (≤20)}``."""

    Members_Account: Annotated[list[Account], Field(min_length=1), at_most(MAX_BAN_ACCOUNTS)]


@command(SVC, "unban_group_member", Unban)
async def unban_group_member(req: RestRequest, body: Unban) -> None:
    """Lift bans (they may join again). Errors: 10010 no group, 10005 more than 20."""
    await req.hub.groups.bans.unban(
        req.app, body.GroupId, list(dict.fromkeys(body.Members_Account))
    )


class BanList(GroupRequest):
    """``{"GroupId", "Offset"?, "Limit"? (≤100, default 100)}``."""

    Offset: Annotated[StrictInt, Field(ge=0, le=UINT32)] = 0
    Limit: Annotated[StrictInt, Field(ge=1, le=MAX_BAN_PAGE)] = MAX_BAN_PAGE


@command(SVC, "get_group_ban_member", BanList)
async def get_group_ban_member(req: RestRequest, body: BanList) -> dict[str, Any]:
    """``BannedAccountList: [{"Member_Account", "BannedUntil" (unix s)}]`` of the
    users banned now, by user id, and ``NextOffset`` (0 when there are no more).
    Errors: 10010 no group."""
    page, total = await req.hub.groups.bans.banned(
        req.app, body.GroupId, offset=body.Offset, limit=body.Limit
    )
    end = body.Offset + len(page)
    return {
        "BannedAccountList": [{"Member_Account": u, "BannedUntil": t} for u, t in page],
        "NextOffset": end if end < total else 0,
    }
