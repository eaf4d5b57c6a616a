"""Group attributes and counters in Palaver's protocol (docs/protocol.md §8.5):
``initGroupAttributes``, ``setGroupAttributes``, ``deleteGroupAttributes``,
``getGroupAttributes``, ``setGroupCounters``, ``increaseGroupCounter``,
``decreaseGroupCounter``, ``getGroupCounters`` (``@tencentcloud/chat`` names and
shapes), over ``hub.groups.attributes`` and ``hub.groups.counters``. Changes are
pushed to the group as ``GROUP_ATTRIBUTES_UPDATED`` / ``GROUP_COUNTER_UPDATED``.

Errors: 10010 no group, 10007 not a member (AVChatRoom: not in the room), 10004
past a limit (16 attributes, keys ≤ 32 bytes, values ≤ 4000, 16,000 in all; 20
counters, keys ≤ 128 bytes), 6017 data of the wrong shape.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, StrictInt

from palaver.api.ws.core import OpModel, Session, op


class InitAttributes(OpModel):
    """``{groupID, groupAttributes: {key: value}}``."""

    groupID: str = Field(min_length=1)
    groupAttributes: dict[str, str]


@op("initGroupAttributes", InitAttributes)
async def init_group_attributes(s: Session, d: InitAttributes) -> dict[str, Any]:
    """Replace every attribute: ``{groupAttributes}`` (what was set)."""
    await s.hub.groups.attributes.write(
        s.require_app(), s.user_id, d.groupID, "init", d.groupAttributes
    )
    return {"groupAttributes": d.groupAttributes}


@op("setGroupAttributes", InitAttributes)
async def set_group_attributes(s: Session, d: InitAttributes) -> dict[str, Any]:
    """Add or change attributes: ``{groupAttributes}`` (what was set)."""
    await s.hub.groups.attributes.write(
        s.require_app(), s.user_id, d.groupID, "set", d.groupAttributes
    )
    return {"groupAttributes": d.groupAttributes}


class DeleteAttributes(OpModel):
    """``{groupID, keyList?: [...]}`` (none or empty: every attribute)."""

    groupID: str = Field(min_length=1)
    keyList: list[str] = []


@op("deleteGroupAttributes", DeleteAttributes)
async def delete_group_attributes(s: Session, d: DeleteAttributes) -> dict[str, Any]:
    """Delete attributes: ``{keyList}`` (the keys that were there)."""
    app = s.require_app()
    _, before = await s.hub.groups.attributes.get(app, s.user_id, d.groupID)
    if d.keyList:
        await s.hub.groups.attributes.write(app, s.user_id, d.groupID, "delete", keys=d.keyList)
        return {"keyList": [k for k in d.keyList if k in before]}
    await s.hub.groups.attributes.write(app, s.user_id, d.groupID, "clear")
    return {"keyList": list(before)}


class GetAttributes(OpModel):
    """``{groupID, keyList?: [...]}`` (none or empty: every attribute)."""

    groupID: str = Field(min_length=1)
    keyList: list[str] = []


@op("getGroupAttributes", GetAttributes)
async def get_group_attributes(s: Session, d: GetAttributes) -> dict[str, Any]:
    """``{groupAttributes: {key: value}}``."""
    _, attrs = await s.hub.groups.attributes.get(
        s.require_app(), s.user_id, d.groupID, d.keyList or None
    )
    return {"groupAttributes": attrs}


class SetCounters(OpModel):
    """``{groupID, counters: {key: value}}``."""

    groupID: str = Field(min_length=1)
    counters: dict[str, StrictInt]


@op("setGroupCounters", SetCounters)
async def set_group_counters(s: Session, d: SetCounters) -> dict[str, Any]:
    """Set counters: ``{counters}`` (their values now)."""
    _, values = await s.hub.groups.counters.update(
        s.require_app(), s.user_id, d.groupID, "Set", d.counters
    )
    return {"counters": values}


class StepCounter(OpModel):
    """``{groupID, key, value}`` (value ≥ 0)."""

    groupID: str = Field(min_length=1)
    key: str
    value: StrictInt = Field(ge=0)


@op("increaseGroupCounter", StepCounter)
async def increase_group_counter(s: Session, d: StepCounter) -> dict[str, Any]:
    """Add ``value`` to a counter (a missing one starts at 0): ``{counters: {key: new}}``."""
    _, values = await s.hub.groups.counters.update(
        s.require_app(), s.user_id, d.groupID, "Increase", {d.key: d.value}
    )
    return {"counters": values}


@op("decreaseGroupCounter", StepCounter)
async def decrease_group_counter(s: Session, d: StepCounter) -> dict[str, Any]:
    """Take ``value`` from a counter: ``{counters: {key: new}}``."""
    _, values = await s.hub.groups.counters.update(
        s.require_app(), s.user_id, d.groupID, "Decrease", {d.key: d.value}
    )
    return {"counters": values}


class GetCounters(OpModel):
    """``{groupID, keyList?: [...]}`` (none or empty: every counter)."""

    groupID: str = Field(min_length=1)
    keyList: list[str] = []


@op("getGroupCounters", GetCounters)
async def get_group_counters(s: Session, d: GetCounters) -> dict[str, Any]:
    """``{counters: {key: value}}``."""
    _, values = await s.hub.groups.counters.get(
        s.require_app(), s.user_id, d.groupID, d.keyList or None
    )
    return {"counters": values}
