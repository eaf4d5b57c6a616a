"""The rules of changing friend lists, without I/O: which ``friend_add`` item
succeeds and what it records (Tencent IM REST ``sns/friend_add``: accounts,
oneself, blacklists, ``AllowType``, the 3000-friend limit, applications that a new
friendship settles), which ``friend_update`` tags apply, and which tags
``friend_get_list`` may ask for. :class:`~.friends.Friends` reads the state and
writes what these decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from palaver.errors import Code, ImError
from palaver.services.sns import model
from palaver.services.sns.model import (
    MAX_REMARK_BYTES,
    PROFILE_PREFIX,
    SNS_CUSTOM_PREFIX,
    STANDARD_TAGS,
    TAG_GROUP,
    TAG_REMARK,
    AllowType,
    Friend,
    FriendAdd,
    FriendApplication,
    ItemResult,
    check_custom,
    check_groups,
    limit_bytes,
)
from palaver.storage import sns as sns_store


def check_profile_tags(tags: Sequence[str]) -> None:
    """30001 unless ``tags`` is a non-empty list of friend and profile tags."""
    if not tags:
        raise ImError(Code.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS, "TagList is empty")
    for t in tags:
        if t not in STANDARD_TAGS and not t.startswith((SNS_CUSTOM_PREFIX, PROFILE_PREFIX)):
            raise ImError(Code.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS, f"unknown tag {t!r}")


@dataclass
class AddContext:
    """What :meth:`.friends.Friends.add` knows about the owner and its targets, updated as items apply."""

    owner: str
    accounts: set[str]
    friends: sns_store.Links
    blocks: sns_store.Links
    applications_in: dict[str, FriendApplication]
    allow: dict[str, str]
    counts: dict[str, int]
    now: int
    new_friends: list[Friend] = field(default_factory=list)
    new_applications: dict[str, FriendApplication] = field(default_factory=dict)


def add_one(ctx: AddContext, it: FriendAdd, *, both: bool, force: bool) -> ItemResult:
    """One ``friend_add`` item, by the rules of :meth:`.friends.Friends.add` in their order;
    ``ctx`` records what it adds."""
    peer = it.peer
    refused = _refused(ctx, peer)
    if refused is not None:
        return refused
    asked_me = ctx.applications_in.get(peer)
    want_out = peer not in ctx.friends.outgoing
    want_in = (both or asked_me is not None) and peer not in ctx.friends.incoming
    if not want_out and not want_in:
        return ItemResult(peer, 30001, "already friends")
    if asked_me is None and not force:
        held = _by_allow_type(ctx, it)
        if held is not None:
            return held
    if want_out and ctx.counts[ctx.owner] >= model.MAX_FRIENDS:
        return ItemResult(peer, 30010, f"your friend list is full ({model.MAX_FRIENDS})")
    if want_in and ctx.counts[peer] >= model.MAX_FRIENDS:
        return ItemResult(peer, 30014, f"the account's friend list is full ({model.MAX_FRIENDS})")
    _befriend(ctx, it, want_out=want_out, want_in=want_in, asked_me=asked_me)
    return ItemResult(peer)


def _refused(ctx: AddContext, peer: str) -> ItemResult | None:
    """Why ``peer`` cannot be added at all (30003, 30001 oneself, 30515, 30525), or None."""
    if peer not in ctx.accounts:
        return ItemResult(peer, 30003, "account does not exist")
    if peer == ctx.owner:
        return ItemResult(peer, 30001, "cannot add yourself as a friend")
    if peer in ctx.blocks.outgoing:
        return ItemResult(peer, 30515, "the account is on your blacklist")
    if peer in ctx.blocks.incoming:
        return ItemResult(peer, 30525, "you are on the account's blacklist")
    return None


def _by_allow_type(ctx: AddContext, it: FriendAdd) -> ItemResult | None:
    """What the target's AllowType says: DenyAny 30516, NeedConfirm 30539 (an
    application is recorded), AllowAny (the default) None: add."""
    allow = ctx.allow.get(it.peer, AllowType.ALLOW_ANY)
    if allow == AllowType.DENY_ANY:
        return ItemResult(it.peer, 30516, "the account does not accept friend requests")
    if allow == AllowType.NEED_CONFIRM:
        ctx.new_applications[it.peer] = FriendApplication(
            ctx.owner, it.peer, it.add_source, it.add_wording, it.remark, it.group_name, ctx.now
        )
        return ItemResult(it.peer, 30539, "friend request sent, waiting for confirmation")
    return None


def _befriend(
    ctx: AddContext,
    it: FriendAdd,
    *,
    want_out: bool,
    want_in: bool,
    asked_me: FriendApplication | None,
) -> None:
    """Record the new friend rows (owner -> peer when ``want_out``, peer -> owner
    when ``want_in``); the applications between them are settled."""
    peer, owner = it.peer, ctx.owner
    if want_out:
        ctx.new_friends.append(
            Friend(
                owner,
                peer,
                add_source=it.add_source,
                remark=it.remark,
                groups=(it.group_name,) if it.group_name else (),
                add_wording=it.add_wording,
                add_time=ctx.now,
                remark_time=ctx.now if it.remark else 0,
            )
        )
        ctx.friends.outgoing.add(peer)
        ctx.counts[owner] += 1
    if want_in:
        ctx.new_friends.append(_reverse_row(peer, owner, it, asked_me, ctx.now))
        ctx.friends.incoming.add(peer)
        ctx.counts[peer] += 1
    ctx.applications_in.pop(peer, None)
    ctx.new_applications.pop(peer, None)


def _reverse_row(
    peer: str, owner: str, it: FriendAdd, application: FriendApplication | None, now: int
) -> Friend:
    """``peer``'s new row for ``owner``: from ``peer``'s own pending application when it made one."""
    if application is not None:
        return Friend(
            peer,
            owner,
            add_source=application.add_source,
            remark=application.remark,
            groups=(application.group_name,) if application.group_name else (),
            add_wording=application.add_wording,
            add_time=now,
            remark_time=now if application.remark else 0,
        )
    return Friend(peer, owner, add_source=it.add_source, add_wording=it.add_wording, add_time=now)


def apply_update(friend: Friend, items: Sequence[tuple[str, Any]], now: int) -> Friend:
    """``friend`` with ``friend_update`` tags applied; ImError(Code.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS) for a bad tag or value."""
    if not items:
        raise ImError(Code.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS, "SnsItem is empty")
    custom = dict(friend.custom)
    for tag, value in items:
        if tag == TAG_REMARK:
            if not isinstance(value, str):
                raise ImError(
                    Code.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS, f"{TAG_REMARK} must be a string"
                )
            limit_bytes(TAG_REMARK, value, MAX_REMARK_BYTES)
            friend = replace(friend, remark=value, remark_time=now)
        elif tag == TAG_GROUP:
            if not isinstance(value, list):
                raise ImError(
                    Code.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS,
                    f"{TAG_GROUP} must be a list of group names",
                )
            friend = replace(friend, groups=check_groups(value))
        elif tag.startswith(SNS_CUSTOM_PREFIX):
            check_custom(tag, value)
            custom[tag] = value
        else:
            raise ImError(
                Code.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS, f"tag {tag!r} cannot be updated"
            )
    return replace(friend, custom=custom)
