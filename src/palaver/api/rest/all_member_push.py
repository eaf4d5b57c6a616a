"""Tencent IM REST ``all_member_push``: push to everyone (``im_push``) and the
user attributes and tags it selects on (cloud.tencent.com/document/product/269/45934
and neighbours).  The rules are :mod:`palaver.services.push_all`'s; a bad
request gets 90001; accounts that do not exist are listed in ``ErrorList``
with 70107.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from palaver.api.rest.core import RestRequest, Wire, command
from palaver.services.push_all import MAX_USERS, NOT_AN_ACCOUNT, Condition

SVC = "all_member_push"


def _errors(missing: list[str]) -> dict[str, Any]:
    if not missing:
        return {}
    return {
        "ErrorList": [
            {"To_Account": u, "ErrorCode": NOT_AN_ACCOUNT, "ErrorInfo": "account does not exist"}
            for u in missing
        ]
    }


class _Condition(Wire):
    TagsOr: list[str] = Field(default_factory=list, max_length=10)
    TagsAnd: list[str] = Field(default_factory=list, max_length=10)
    AttrsOr: dict[str, str] = Field(default_factory=dict)
    AttrsAnd: dict[str, str] = Field(default_factory=dict)


class PushBody(Wire):
    """``{"From_Account"?, "MsgRandom", "MsgLifeTime"?, "Condition"?, "MsgBody"}``."""

    From_Account: str | None = None
    MsgRandom: int = Field(ge=0, le=4294967295)
    MsgLifeTime: int = Field(0, ge=0)
    Condition: _Condition | None = None
    MsgBody: Any = None


@command(SVC, "im_push", PushBody)
async def im_push(req: RestRequest, body: PushBody) -> dict[str, Any]:
    """Push a message to every account (or those ``Condition`` selects):
    ``TaskId``.  ``From_Account`` defaults to the calling admin; ``MsgLifeTime``
    0 (default) reaches only who is online, up to 604800 keeps it offline.
    Errors: 90001 bad fields, tags mixed with attributes; 90048 the sender is
    not an account; 90007/90002/80002 a bad MsgBody."""
    c = body.Condition or _Condition()
    task_id, _ = await req.hub.push_all.push(
        req.app,
        body.From_Account or req.identifier,
        body.MsgRandom,
        body.MsgBody,
        lifetime=body.MsgLifeTime,
        condition=Condition(tuple(c.TagsOr), tuple(c.TagsAnd), c.AttrsOr, c.AttrsAnd),
    )
    return {"TaskId": task_id}


class AttrNamesBody(Wire):
    """``{"AttrNames": {"0": name, ... "9": name}}``."""

    AttrNames: dict[str, str] = Field(min_length=1)


@command(SVC, "im_set_attr_name", AttrNamesBody)
async def im_set_attr_name(req: RestRequest, body: AttrNamesBody) -> None:
    """Name the app's attribute slots "0".."9"."""
    await req.hub.push_all.set_attr_names(req.app, body.AttrNames)


class EmptyBody(Wire):
    pass


@command(SVC, "im_get_attr_name", EmptyBody)
async def im_get_attr_name(req: RestRequest, body: EmptyBody) -> dict[str, Any]:
    """``AttrNames``: the app's attribute names by slot."""
    return {"AttrNames": await req.hub.push_all.attr_names(req.app)}


class UsersBody(Wire):
    """``{"To_Account": [...] (≤100)}``."""

    To_Account: list[str] = Field(min_length=1, max_length=MAX_USERS)


class _UserAttrs(Wire):
    To_Account: str
    Attrs: dict[str, str]


class UserAttrsBody(Wire):
    """``{"UserAttrs": [{"To_Account", "Attrs": {name: value}}] (≤100)}``."""

    UserAttrs: list[_UserAttrs] = Field(min_length=1, max_length=MAX_USERS)


@command(SVC, "im_get_attr", UsersBody)
async def im_get_attr(req: RestRequest, body: UsersBody) -> dict[str, Any]:
    """``UserAttrs: [{To_Account, Attrs}]``."""
    found, missing = await req.hub.push_all.attrs(req.app, body.To_Account)
    items = [{"To_Account": u, "Attrs": a} for u, a in found.items()]
    return {"UserAttrs": items, **_errors(missing)}


@command(SVC, "im_set_attr", UserAttrsBody)
async def im_set_attr(req: RestRequest, body: UserAttrsBody) -> dict[str, Any]:
    """Set users' attributes (names from ``im_set_attr_name``)."""
    missing = await req.hub.push_all.set_attrs(
        req.app, {i.To_Account: i.Attrs for i in body.UserAttrs}
    )
    return _errors(missing)


@command(SVC, "im_remove_attr", UserAttrsBody)
async def im_remove_attr(req: RestRequest, body: UserAttrsBody) -> dict[str, Any]:
    """Remove the named attributes of users (``Attrs`` values are ignored)."""
    missing = await req.hub.push_all.remove_attrs(
        req.app, {i.To_Account: list(i.Attrs) for i in body.UserAttrs}
    )
    return _errors(missing)


class _UserTags(Wire):
    To_Account: str
    Tags: list[str] = Field(min_length=1, max_length=10)


class UserTagsBody(Wire):
    """``{"UserTags": [{"To_Account", "Tags": [...]}] (≤100)}``."""

    UserTags: list[_UserTags] = Field(min_length=1, max_length=MAX_USERS)


@command(SVC, "im_get_tag", UsersBody)
async def im_get_tag(req: RestRequest, body: UsersBody) -> dict[str, Any]:
    """``UserTags: [{To_Account, Tags}]``."""
    found, missing = await req.hub.push_all.tags(req.app, body.To_Account)
    items = [{"To_Account": u, "Tags": t} for u, t in found.items()]
    return {"UserTags": items, **_errors(missing)}


@command(SVC, "im_add_tag", UserTagsBody)
async def im_add_tag(req: RestRequest, body: UserTagsBody) -> dict[str, Any]:
    """Give users tags (at most 10 each)."""
    missing = await req.hub.push_all.add_tags(
        req.app, {i.To_Account: i.Tags for i in body.UserTags}
    )
    return _errors(missing)


@command(SVC, "im_remove_tag", UserTagsBody)
async def im_remove_tag(req: RestRequest, body: UserTagsBody) -> dict[str, Any]:
    """Take tags from users."""
    items: dict[str, list[str] | None] = {i.To_Account: i.Tags for i in body.UserTags}
    return _errors(await req.hub.push_all.remove_tags(req.app, items))


@command(SVC, "im_remove_all_tags", UsersBody)
async def im_remove_all_tags(req: RestRequest, body: UsersBody) -> dict[str, Any]:
    """Take every tag from users."""
    items: dict[str, list[str] | None] = dict.fromkeys(body.To_Account)
    return _errors(await req.hub.push_all.remove_tags(req.app, items))
