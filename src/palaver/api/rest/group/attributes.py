"""REST commands about group attributes and counters, as an App admin:
``group_open_attr_http_svc/get_group_attr``, ``group_open_http_svc/``
``set_group_attr``, ``modify_group_attr``, ``delete_group_attr``,
``clear_group_attr``, ``update_group_counter``, ``get_group_counter``
(cloud.tencent.com/document/product/269/74251 and neighbours). Members are told
(``GROUP_ATTRIBUTES_UPDATED`` / ``GROUP_COUNTER_UPDATED``); limits and errors
are :mod:`palaver.services.groups.attributes`'.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, StrictInt, StrictStr

from palaver.api.rest.core import RestRequest, Wire, command
from palaver.api.rest.group.wire import SVC, GroupRequest
from palaver.services.groups.attributes import MAX_ATTRIBUTES, MAX_COUNTERS

ATTR_SVC = "group_open_attr_http_svc"


class _Attr(Wire):
    key: StrictStr
    value: StrictStr


class _Key(Wire):
    key: StrictStr


class AttrSet(GroupRequest):
    """``{"GroupId", "GroupAttr": [{"key", "value"}] (≤16)}``."""

    GroupAttr: Annotated[list[_Attr], Field(min_length=1, max_length=MAX_ATTRIBUTES)]


class AttrDelete(GroupRequest):
    """``{"GroupId", "GroupAttr": [{"key"}]}``."""

    GroupAttr: Annotated[list[_Key], Field(min_length=1, max_length=MAX_ATTRIBUTES)]


async def _write(req: RestRequest, gid: str, op: str, **kw: Any) -> None:
    await req.hub.groups.attributes.write(req.app, None, gid, op, **kw)


@command(SVC, "set_group_attr", AttrSet)
async def set_group_attr(req: RestRequest, body: AttrSet) -> None:
    """Replace every attribute with ``GroupAttr``. Errors: 10010 no group, 10004
    an empty key, over 16 attributes, a key over 32 or a value over 4000 bytes."""
    await _write(req, body.GroupId, "init", values={a.key: a.value for a in body.GroupAttr})


@command(SVC, "modify_group_attr", AttrSet)
async def modify_group_attr(req: RestRequest, body: AttrSet) -> None:
    """Add or change attributes. Errors as set_group_attr."""
    await _write(req, body.GroupId, "set", values={a.key: a.value for a in body.GroupAttr})


@command(SVC, "delete_group_attr", AttrDelete)
async def delete_group_attr(req: RestRequest, body: AttrDelete) -> None:
    """Delete attributes by key (absent ones ignored). Errors: 10010 no group."""
    await _write(req, body.GroupId, "delete", keys=[a.key for a in body.GroupAttr])


@command(SVC, "clear_group_attr", GroupRequest)
async def clear_group_attr(req: RestRequest, body: GroupRequest) -> None:
    """Delete every attribute. Errors: 10010 no group."""
    await _write(req, body.GroupId, "clear")


@command(ATTR_SVC, "get_group_attr", GroupRequest)
async def get_group_attr(req: RestRequest, body: GroupRequest) -> dict[str, Any]:
    """``GroupAttrAry: [{"key", "value"}]``, by key. Errors: 10010 no group."""
    _, attrs = await req.hub.groups.attributes.get(req.app, None, body.GroupId)
    return {"GroupAttrAry": [{"key": k, "value": v} for k, v in attrs.items()]}


class _Counter(Wire):
    key: StrictStr
    value: StrictInt


class CounterUpdate(GroupRequest):
    """``{"GroupId", "GroupCounter": [{"key", "value"}] (≤20), "Mode"?: "Set" |
    "Increase" | "Decrease" (default Set)}``."""

    GroupCounter: Annotated[list[_Counter], Field(min_length=1, max_length=MAX_COUNTERS)]
    Mode: Literal["Set", "Increase", "Decrease"] = Field(
        "Set", validation_alias=AliasChoices("Mode", "mode")
    )


@command(SVC, "update_group_counter", CounterUpdate)
async def update_group_counter(req: RestRequest, body: CounterUpdate) -> dict[str, Any]:
    """Set counters, or add to / take from them (a missing one starts at 0):
    ``GroupCounter: [{"key", "value"}]`` with their new values. Errors: 10010 no
    group, 10004 a bad key, value or mode, more than 20 counters in the group."""
    _, values = await req.hub.groups.counters.update(
        req.app, None, body.GroupId, body.Mode, {c.key: c.value for c in body.GroupCounter}
    )
    return {"GroupCounter": [{"key": k, "value": v} for k, v in values.items()]}


class CounterGet(GroupRequest):
    """``{"GroupId", "GroupCounterKeys"?: [...]}`` (all counters without keys)."""

    GroupCounterKeys: Annotated[list[StrictStr], Field(max_length=MAX_COUNTERS)] = []


@command(SVC, "get_group_counter", CounterGet)
async def get_group_counter(req: RestRequest, body: CounterGet) -> dict[str, Any]:
    """``GroupCounter: [{"key", "value"}]``, by key. Errors: 10010 no group."""
    _, values = await req.hub.groups.counters.get(
        req.app, None, body.GroupId, body.GroupCounterKeys or None
    )
    return {"GroupCounter": [{"key": k, "value": v} for k, v in values.items()]}
