"""What the group operations share: request pieces, and the group and member
objects (docs/protocol.md §8.4) they answer with, completed from other services
(the last message's sender, members' profiles).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from palaver.api.ws.core import OpModel, Session
from palaver.api.ws.group_objects import group_object, member_object
from palaver.model.messages import group_conv_id
from palaver.services.groups import Group, Member
from palaver.services.profiles import IMAGE, NICK, ProfileService


class Empty(OpModel):
    """No data (``{}``)."""


class GroupRef(OpModel):
    """``{groupID}``."""

    groupID: str = Field(min_length=1)


class CustomItem(OpModel):
    """``{key, value}`` of group / member custom data."""

    key: str
    value: str


def custom_dict(items: list[CustomItem]) -> dict[str, str]:
    """SDK ``[{key, value}]`` custom fields as ``{key: value}``."""
    return {i.key: i.value for i in items}


async def sdk_profiles(s: Session, user_ids: list[str]) -> dict[str, dict[str, Any]]:
    """SDK profiles (nick, avatar) of the imported ones of ``user_ids``."""
    found = await s.hub.profiles.get(s.require_app(), user_ids, [NICK, IMAGE])
    return {u: ProfileService.to_sdk_profile(u, tags) for u, tags in found.items()}


async def group_views(s: Session, pairs: list[tuple[Group, Member | None]]) -> list[dict[str, Any]]:
    """Group objects (§8.4) with their last message's sender (one read for all);
    ``selfInfo`` where the membership is given."""
    app = s.require_app()
    keys = [(group_conv_id(g.group_id), g.last_seq) for g, _ in pairs]
    last = await s.hub.messages.last_messages(app, keys)
    out = []
    for g, me in pairs:
        m = last.get(group_conv_id(g.group_id))
        out.append(group_object(g, me, m.sender if m else ""))
    return out


async def group_view(s: Session, g: Group, me: Member | None) -> dict[str, Any]:
    """One group object (see :func:`group_views`)."""
    return (await group_views(s, [(g, me)]))[0]


async def group_and_me(s: Session, group_id: str) -> tuple[Group, Member | None]:
    """The group (10010 if none) and my membership (``None`` if not a member)."""
    app = s.require_app()
    g = await s.hub.groups.directory.get(app, group_id)
    return g, await s.hub.groups.directory.member(app, group_id, s.user_id)


async def fresh_group(s: Session, group_id: str) -> dict[str, Any]:
    """The group object as it is now, with my ``selfInfo``."""
    g, me = await group_and_me(s, group_id)
    return await group_view(s, g, me)


async def member_view(s: Session, m: Member) -> dict[str, Any]:
    """The SDK ``GroupMember`` of ``m``, with its nick and avatar."""
    profile = (await sdk_profiles(s, [m.user_id])).get(m.user_id)
    return member_object(m, profile)


def is_live_room(g: Group) -> bool:
    """Whether ``g`` is an AVChatRoom (no member list; joined per connection)."""
    return g.type == "AVChatRoom"


async def follow_live_room(s: Session, group_id: str) -> None:
    """This connection receives the AVChatRoom's messages from now on
    (connection-level: nothing is stored; the SDK joins again after a reconnect)."""
    s.conn.follow_group(
        group_id, await s.hub.groups.live_rooms.stream_head(s.require_app(), group_id)
    )
