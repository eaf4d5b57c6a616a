"""Tencent IM REST ``sns`` friend groups: ``group_add``, ``group_delete`` and
``group_get`` (cloud.tencent.com/document/product/269/10107, 10108, 54763).

Each names the user it acts for in ``From_Account`` (30001 missing or
malformed, 30003 not an account); the rules are the services'
(:mod:`palaver.services.sns.friend_groups`).  Answers carry
``CurrentSequence``, a digest of the user's friend groups.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from palaver.api.rest.core import RestRequest, Wire, command
from palaver.api.rest.sns import SVC, _result_items
from palaver.services.sns import MAX_BATCH, MAX_FRIEND_GROUPS


class _Owner(Wire):
    From_Account: str = Field(min_length=1)


class GroupAddBody(_Owner):
    """``{"From_Account", "GroupName": [...] (1..32), "To_Account"?: [...] (≤1000)}``."""

    GroupName: list[str] = Field(min_length=1, max_length=MAX_FRIEND_GROUPS)
    To_Account: list[str] = Field(default_factory=list, max_length=MAX_BATCH)


@command(SVC, "group_add", GroupAddBody)
async def group_add(req: RestRequest, body: GroupAddBody) -> dict[str, Any]:
    """Create friend groups and put friends in them.

    Answers ``CurrentSequence`` and, with ``To_Account``, ``ResultItem`` (per
    friend 0, 30003 not an account, 32216 not a friend) and ``Fail_Account``.
    Errors: 30001 a bad or existing name, more than 32 groups in all.
    """
    results, seq = await req.hub.sns.friend_groups.create(
        req.app, body.From_Account, body.GroupName, body.To_Account
    )
    out = _result_items(results) if body.To_Account else {}
    return {**out, "CurrentSequence": seq}


class GroupDeleteBody(_Owner):
    """``{"From_Account", "GroupName": [...]}``."""

    GroupName: list[str] = Field(min_length=1, max_length=MAX_FRIEND_GROUPS)


@command(SVC, "group_delete", GroupDeleteBody)
async def group_delete(req: RestRequest, body: GroupDeleteBody) -> dict[str, Any]:
    """Delete friend groups (their friends stay friends): ``CurrentSequence``.
    Errors: 30001 a name that is not one of the user's groups."""
    seq = await req.hub.sns.friend_groups.delete(req.app, body.From_Account, body.GroupName)
    return {"CurrentSequence": seq}


class GroupGetBody(_Owner):
    """``{"From_Account", "NeedFriend"?: "Need_Friend_Type_Yes", "LastSequence"?,
    "GroupName"?: [...]}``."""

    NeedFriend: Literal["Need_Friend_Type_Yes", "Need_Friend_Type_No", ""] = ""
    LastSequence: int = Field(0, ge=0)
    GroupName: list[str] | None = Field(None, max_length=MAX_FRIEND_GROUPS)


@command(SVC, "group_get", GroupGetBody)
async def group_get(req: RestRequest, body: GroupGetBody) -> dict[str, Any]:
    """The user's friend groups: ``ResultItem: [{GroupName, FriendNumber,
    To_Account?}]`` and ``CurrentSequence``.

    ``To_Account`` (the group's friends) is given with ``NeedFriend``
    ``Need_Friend_Type_Yes`` or when ``GroupName`` names the groups; unknown
    names are left out.  When ``LastSequence`` equals ``CurrentSequence``
    nothing changed and ``ResultItem`` is left out.
    """
    found = await req.hub.sns.friend_groups.get(req.app, body.From_Account, body.GroupName)
    if body.LastSequence and body.LastSequence == found.sequence:
        return {"CurrentSequence": found.sequence}
    members = body.NeedFriend == "Need_Friend_Type_Yes" or body.GroupName is not None
    return {
        "ResultItem": [
            {"GroupName": g.name, "FriendNumber": len(g.members)}
            | ({"To_Account": list(g.members)} if members else {})
            for g in found.groups
        ],
        "CurrentSequence": found.sequence,
    }
