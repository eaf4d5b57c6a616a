"""Relationship chain: friends, friend requests (pendency) and the blacklist.

Rules follow Tencent IM's ``sns`` service (cloud.tencent.com/document/product/269/1643
and neighbours: ``friend_add``, ``friend_import``, ``friend_update``,
``friend_delete``, ``friend_delete_all``, ``friend_check``, ``friend_get``,
``friend_get_list``, ``black_list_add``, ``black_list_delete``,
``black_list_get``, ``black_list_check``) and the SDK's friend-application
calls (accept / refuse / delete a friend application).  Everything here speaks
plain Python values, so the REST layer and the client (WebSocket) layer share it.

Every committed change also lands in the affected users' event streams, in the
same transaction (docs/protocol.md §4, §6), whichever layer asked for it:

- ``EventKind.FRIENDS`` (``FRIEND_LIST_UPDATED``) to each user whose friend list
  changed: friends added, imported, updated or deleted, or removed by a
  blacklisting;
- ``EventKind.FRIEND_APPLICATIONS`` (``FRIEND_APPLICATION_LIST_UPDATED``) to both parties
  of a request created, refreshed, accepted, refused, cancelled, or dropped
  because a friendship or a blacklisting made it moot;
- ``EventKind.BLACKLIST`` (``BLACKLIST_UPDATED``) to the owner of a blacklist that changed.

After the commit the events are published through the ``Publisher`` port.

Batch calls answer per item with an :class:`ItemResult` (Tencent's
``ResultItem``: 0 or a 3xxxx code); a problem with the call itself raises
:class:`~palaver.errors.ImError`.
"""

from __future__ import annotations

import contextlib
import functools
import time
import zlib
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast

import orjson

from palaver.errors import Code, ImError
from palaver.model.events import EventKind, StreamEvent
from palaver.services.accounts import validate_user_id
from palaver.services.cache import TTLCache
from palaver.services.ports import Publisher
from palaver.storage import Database, Tx
from palaver.storage import accounts as account_store
from palaver.storage import events as ev_store
from palaver.storage import profiles as profile_store
from palaver.storage import sns as store
from palaver.storage.sns import Block, Friend, FriendRequest

if TYPE_CHECKING:
    from palaver.services.apps import App

__all__ = [
    "AllowType",
    "BlackRelation",
    "Block",
    "BlacklistPage",
    "CheckResult",
    "Friend",
    "FriendAdd",
    "FriendImport",
    "FriendPage",
    "FriendProfile",
    "FriendRequest",
    "FriendUpdate",
    "ItemResult",
    "Relation",
    "SnsService",
    "friend_tags",
]

MAX_FRIENDS = 3000  # friend-list size (30010 own list full, 30014 the peer's)
MAX_BLACKLIST = 1000  # blacklist size (30013)
MAX_ADD_BATCH = 100  # friend_add / friend_import / friend_update items per call
MAX_BATCH = 1000  # delete / check / get_list / blacklist items per call
FRIEND_PAGE = 100  # friends per friend_get page

MAX_REMARK_BYTES = 96
MAX_GROUP_NAME_BYTES = 30
MAX_WORDING_BYTES = 256
MAX_SOURCE_BYTES = 128
MAX_CUSTOM_BYTES = 500

ADD_SOURCE_PREFIX = "AddSource_Type_"
TAG_ADD_SOURCE = "Tag_SNS_IM_AddSource"
TAG_REMARK = "Tag_SNS_IM_Remark"
TAG_GROUP = "Tag_SNS_IM_Group"
TAG_ADD_WORDING = "Tag_SNS_IM_AddWording"
TAG_ADD_TIME = "Tag_SNS_IM_AddTime"
TAG_REMARK_TIME = "Tag_SNS_IM_RemarkTime"
SNS_CUSTOM_PREFIX = "Tag_SNS_Custom_"
PROFILE_PREFIX = "Tag_Profile_"
TAG_ALLOW_TYPE = "Tag_Profile_IM_AllowType"
STANDARD_TAGS = (
    TAG_ADD_SOURCE,
    TAG_REMARK,
    TAG_GROUP,
    TAG_ADD_WORDING,
    TAG_ADD_TIME,
    TAG_REMARK_TIME,
)


class AllowType(StrEnum):
    """``Tag_Profile_IM_AllowType``: how a user accepts friend requests (unset = AllowAny)."""

    ALLOW_ANY = "AllowType_Type_AllowAny"
    NEED_CONFIRM = "AllowType_Type_NeedConfirm"
    DENY_ANY = "AllowType_Type_DenyAny"


class Relation(StrEnum):
    """``friend_check`` relation of A (the owner) and B (the other)."""

    BOTH_WAY = "CheckResult_Type_BothWay"
    A_WITH_B = "CheckResult_Type_AWithB"  # B is in A's list only
    B_WITH_A = "CheckResult_Type_BWithA"  # A is in B's list only
    NO_RELATION = "CheckResult_Type_NoRelation"


class BlackRelation(StrEnum):
    """``black_list_check`` relation of A (the owner) and B (the other)."""

    BOTH_WAY = "BlackCheckResult_Type_BothWay"
    A_WITH_B = "BlackCheckResult_Type_AWithB"  # B is on A's blacklist only
    B_WITH_A = "BlackCheckResult_Type_BWithA"  # A is on B's blacklist only
    NO = "BlackCheckResult_Type_NO"


@dataclass(frozen=True)
class ItemResult:
    """Outcome for one target of a batch call: ``code`` 0 or a Tencent 3xxxx code."""

    peer: str
    code: int = 0
    info: str = ""

    @property
    def ok(self) -> bool:
        return self.code == 0


@dataclass(frozen=True)
class CheckResult:
    """Relation of the owner and ``peer`` (``code`` 30003 if ``peer`` is not an account)."""

    peer: str
    relation: str
    code: int = 0
    info: str = ""


@dataclass(frozen=True)
class FriendAdd:
    """One friend to add (``friend_add``'s ``AddFriendItem``).

    ``add_source`` must start with ``AddSource_Type_``; ``group_name`` is one
    friend group (empty for none).
    """

    peer: str
    add_source: str
    remark: str = ""
    group_name: str = ""
    add_wording: str = ""


@dataclass(frozen=True)
class FriendImport:
    """One friend to import (``friend_import``'s ``AddFriendItem``); times in unix s, 0 = now/unset."""

    peer: str
    add_source: str
    remark: str = ""
    remark_time: int = 0
    groups: tuple[str, ...] = ()
    add_wording: str = ""
    add_time: int = 0
    custom: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FriendUpdate:
    """New friend data for ``peer``: ``(tag, value)`` pairs (``friend_update``'s ``SnsItem``)."""

    peer: str
    items: Sequence[tuple[str, Any]]


@dataclass(frozen=True)
class FriendPage:
    """One ``friend_get`` page.

    ``next_index`` is the ``StartIndex`` of the next page (0 when ``complete``);
    ``standard_sequence`` / ``custom_sequence`` are digests of the whole list's
    standard / custom data (equal values mean unchanged; never 0).
    """

    friends: list[Friend]
    total: int
    next_index: int
    complete: bool
    standard_sequence: int
    custom_sequence: int


@dataclass(frozen=True)
class FriendProfile:
    """``friend_get_list`` answer for one peer: the asked tags that have a value."""

    peer: str
    items: list[tuple[str, Any]]
    code: int = 0
    info: str = ""


@dataclass(frozen=True)
class BlacklistPage:
    """One ``black_list_get`` page; ``next_index`` 0 when done; ``sequence`` a digest (never 0)."""

    entries: list[Block]
    next_index: int
    sequence: int


def friend_tags(friend: Friend) -> list[tuple[str, Any]]:
    """The friend's ``Tag_SNS_IM_*`` standard tags then its ``Tag_SNS_Custom_*`` tags."""
    return _standard_tags(friend) + sorted(friend.custom.items())


def _standard_tags(f: Friend) -> list[tuple[str, Any]]:
    return [
        (TAG_ADD_SOURCE, f.add_source),
        (TAG_REMARK, f.remark),
        (TAG_GROUP, list(f.groups)),
        (TAG_ADD_WORDING, f.add_wording),
        (TAG_ADD_TIME, f.add_time),
        (TAG_REMARK_TIME, f.remark_time),
    ]


def _digest(data: Any) -> int:
    return zlib.crc32(orjson.dumps(data)) or 1


def _limit_bytes(name: str, value: str, limit: int) -> None:
    if len(value.encode()) > limit:
        raise ImError(
            Code.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS, f"{name} is longer than {limit} bytes"
        )


def _check_source(source: str) -> None:
    if not source.startswith(ADD_SOURCE_PREFIX) or len(source) == len(ADD_SOURCE_PREFIX):
        raise ImError(
            Code.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS,
            f"AddSource must look like {ADD_SOURCE_PREFIX}XXX",
        )
    _limit_bytes("AddSource", source, MAX_SOURCE_BYTES)


def _check_groups(groups: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for g in groups:
        if not isinstance(g, str) or not g:
            raise ImError(
                Code.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS,
                "a friend group name must be a non-empty string",
            )
        _limit_bytes("friend group name", g, MAX_GROUP_NAME_BYTES)
        if g not in out:
            out.append(g)
    return tuple(out)


def _check_custom(tag: str, value: Any) -> None:
    if not tag.startswith(SNS_CUSTOM_PREFIX) or len(tag) == len(SNS_CUSTOM_PREFIX):
        raise ImError(
            Code.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS,
            f"custom friend tags must look like {SNS_CUSTOM_PREFIX}XXX",
        )
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ImError(
            Code.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS,
            f"{tag}: the value must be a string or an integer",
        )
    if isinstance(value, str):
        _limit_bytes(tag, value, MAX_CUSTOM_BYTES)


def _possible_ids(ids: Iterable[str]) -> list[str]:
    """The ones of ``ids`` an account could have, the only ones worth a query.

    Others cannot be accounts (per-item 30003); PostgreSQL would even refuse
    some of them (a NUL in a text value).
    """
    out: list[str] = []
    for i in ids:
        with contextlib.suppress(ImError):
            out.append(validate_user_id(i))
    return out


def _check_batch(n: int, limit: int) -> None:
    if n == 0:
        raise ImError(Code.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS, "no target accounts given")
    if n > limit:
        raise ImError(
            Code.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS, f"at most {limit} accounts per call"
        )


@dataclass
class _AddContext:
    """What ``add_friends`` knows about the owner and its targets, updated as items apply."""

    owner: str
    accounts: set[str]
    friends: store.Links
    blocks: store.Links
    requests_in: dict[str, FriendRequest]
    allow: dict[str, str]
    counts: dict[str, int]
    now: int
    new_friends: list[Friend] = field(default_factory=list)
    new_requests: dict[str, FriendRequest] = field(default_factory=dict)


class _Changes:
    """The stream events one call produces: each (user, kind) once, in the order noted."""

    def __init__(self) -> None:
        self._events: dict[tuple[str, EventKind], None] = {}

    def note(self, kind: EventKind, *users: str) -> None:
        """``users``' ``kind`` list changed (``FRIENDS``, ``FRIEND_APPLICATIONS``, ``BLACKLIST``)."""
        for u in users:
            self._events[(u, kind)] = None

    def requests(self, requests: Iterable[FriendRequest]) -> None:
        """These pending requests were created or removed: both parties are told."""
        for r in requests:
            self.note(EventKind.FRIEND_APPLICATIONS, r.from_user, r.to_user)

    async def append(self, conn: Tx, app_id: int) -> list[StreamEvent]:
        """Write the events in ``conn``'s transaction; what to publish after the commit."""
        events = [ev_store.NewEvent(u, kind) for u, kind in self._events]
        seqs = await ev_store.append_events(conn, app_id, events)
        return [StreamEvent(e.user_id, s, e.kind) for e, s in zip(events, seqs, strict=True)]


P = ParamSpec("P")
R = TypeVar("R")

RELATION_TTL = 10.0  # seconds a cached blacklist/friendship answer is trusted


def _changes_relations(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Clear the relation cache after a method that changes friends or blacklists."""

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await fn(*args, **kwargs)
        finally:
            cast("SnsService", args[0])._relations.clear()

    return wrapper


class SnsService:
    """Friends, friend requests and blacklists of every app."""

    def __init__(self, db: Database, publisher: Publisher) -> None:
        self._db = db
        self._publisher = publisher
        # (app, kind, a, b) -> relation, for the per-message checks; any local
        # change clears it, changes on other nodes are seen within the TTL.
        self._relations: TTLCache[bool] = TTLCache(ttl=RELATION_TTL)

    # --- helpers ---------------------------------------------------------------

    @staticmethod
    async def _require_owner(conn: Tx, app: App, owner: str) -> None:
        validate_user_id(owner, 30001)
        if not await account_store.existing(conn, app.sdkappid, [owner]):
            raise ImError(
                Code.ERR_SVR_FRIENDSHIP_ACCOUNT_NOT_FOUND, f"account {owner!r} does not exist"
            )

    async def _publish(self, app_id: int, events: Sequence[StreamEvent]) -> None:
        """After a commit: forget cached relations, then push the committed events.

        The cache is cleared first so that a client reacting to the push at
        once (say, by sending a message) is checked against the new relations.
        """
        self._relations.clear()
        if events:
            await self._publisher.stream(app_id, events)

    # --- relations used by messaging -----------------------------------------------

    async def is_blacklisted(self, app: App, owner: str, peer: str) -> bool:
        """True if ``owner`` has ``peer`` on its blacklist (cached, see RELATION_TTL)."""

        async def load() -> bool:
            async with self._db.read() as conn:
                links = await store.block_links(conn, app.sdkappid, owner, [peer])
            return peer in links.outgoing

        return await self._relations.get_or_load((app.sdkappid, "black", owner, peer), load)

    async def are_friends(self, app: App, a: str, b: str) -> bool:
        """True if ``a`` and ``b`` have each other as friends (both ways; cached)."""

        async def load() -> bool:
            async with self._db.read() as conn:
                links = await store.friend_links(conn, app.sdkappid, a, [b])
            return b in links.outgoing and b in links.incoming

        return await self._relations.get_or_load((app.sdkappid, "friends", a, b), load)

    # --- adding friends ------------------------------------------------------------

    @_changes_relations
    async def add_friends(
        self,
        app: App,
        owner: str,
        items: Sequence[FriendAdd],
        *,
        both: bool = True,
        force: bool = False,
    ) -> list[ItemResult]:
        """Add friends to ``owner``'s list (and ``owner`` to theirs when ``both``).

        Tencent IM REST ``sns/friend_add`` (``AddType`` Single/Both,
        ``ForceAddFlags``) and the SDK's ``addFriend``.  Per target, in order:
        30003 not an account; 30001 ``owner`` itself; 30515 the target is on
        ``owner``'s blacklist; 30525 ``owner`` is on the target's blacklist;
        30001 already friends (in every asked direction).  If the target had
        already asked to add ``owner``, both become friends of each other
        whatever the target's AllowType.  Otherwise, unless ``force``, the
        target's AllowType decides: DenyAny 30516, NeedConfirm 30539 (a
        pending request ``owner`` -> target is stored or refreshed), AllowAny
        (the default) adds.  Adding over 3000 friends gives 30010 (own list)
        or 30014 (the target's list).  Pending requests a new friendship
        satisfies are removed.

        Raises:
            ImError: 30001 no items, more than 100, a bad ``owner`` id,
                ``add_source`` without the ``AddSource_Type_`` prefix, a
                remark over 96 bytes, a group name over 30 bytes or a
                wording over 256 bytes; 30003 ``owner`` is not an account.
        """
        _check_batch(len(items), MAX_ADD_BATCH)
        for it in items:
            _check_source(it.add_source)
            _limit_bytes("Remark", it.remark, MAX_REMARK_BYTES)
            _limit_bytes("AddWording", it.add_wording, MAX_WORDING_BYTES)
            if it.group_name:
                _check_groups([it.group_name])
        app_id = app.sdkappid
        peers = _possible_ids(it.peer for it in items)
        async with self._db.write() as conn:
            await self._require_owner(conn, app, owner)
            asked = await store.requests_between(conn, app_id, owner, peers)
            allow = await profile_store.get_tags(conn, app_id, peers, [TAG_ALLOW_TYPE])
            ctx = _AddContext(
                owner=owner,
                accounts=await account_store.existing(conn, app_id, peers),
                friends=await store.friend_links(conn, app_id, owner, peers),
                blocks=await store.block_links(conn, app_id, owner, peers),
                requests_in={r.from_user: r for r in asked if r.to_user == owner},
                allow={p: str(t[TAG_ALLOW_TYPE]) for p, t in allow.items() if TAG_ALLOW_TYPE in t},
                counts=await store.count_friends(conn, app_id, [owner, *peers]),
                now=int(time.time()),
            )
            results = [self._add_one(ctx, it, both=both, force=force) for it in items]
            added_out = {f.peer for f in ctx.new_friends if f.owner == owner}
            added_in = {f.owner for f in ctx.new_friends if f.peer == owner}
            await store.insert_friends(conn, app_id, ctx.new_friends)
            await store.save_requests(conn, app_id, list(ctx.new_requests.values()))
            await store.delete_request_links(
                conn, app_id, owner, outgoing=added_out, incoming=added_in
            )
            changes = _Changes()
            changes.note(EventKind.FRIENDS, *(f.owner for f in ctx.new_friends))
            changes.requests(ctx.new_requests.values())
            changes.requests(
                r
                for r in asked
                if (r.from_user == owner and r.to_user in added_out)
                or (r.to_user == owner and r.from_user in added_in)
            )
            events = await changes.append(conn, app_id)
        await self._publish(app_id, events)
        return results

    @staticmethod
    def _add_one(ctx: _AddContext, it: FriendAdd, *, both: bool, force: bool) -> ItemResult:
        peer, owner = it.peer, ctx.owner
        if peer not in ctx.accounts:
            return ItemResult(peer, 30003, "account does not exist")
        if peer == owner:
            return ItemResult(peer, 30001, "cannot add yourself as a friend")
        if peer in ctx.blocks.outgoing:
            return ItemResult(peer, 30515, "the account is on your blacklist")
        if peer in ctx.blocks.incoming:
            return ItemResult(peer, 30525, "you are on the account's blacklist")
        asked_me = ctx.requests_in.get(peer)
        want_out = peer not in ctx.friends.outgoing
        want_in = (both or asked_me is not None) and peer not in ctx.friends.incoming
        if not want_out and not want_in:
            return ItemResult(peer, 30001, "already friends")
        if asked_me is None and not force:
            allow = ctx.allow.get(peer, AllowType.ALLOW_ANY)
            if allow == AllowType.DENY_ANY:
                return ItemResult(peer, 30516, "the account does not accept friend requests")
            if allow == AllowType.NEED_CONFIRM:
                ctx.new_requests[peer] = FriendRequest(
                    owner, peer, it.add_source, it.add_wording, it.remark, it.group_name, ctx.now
                )
                return ItemResult(peer, 30539, "friend request sent, waiting for confirmation")
        if want_out and ctx.counts[owner] >= MAX_FRIENDS:
            return ItemResult(peer, 30010, f"your friend list is full ({MAX_FRIENDS})")
        if want_in and ctx.counts[peer] >= MAX_FRIENDS:
            return ItemResult(peer, 30014, f"the account's friend list is full ({MAX_FRIENDS})")
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
        ctx.requests_in.pop(peer, None)
        ctx.new_requests.pop(peer, None)
        return ItemResult(peer)

    @_changes_relations
    async def import_friends(
        self, app: App, owner: str, items: Sequence[FriendImport]
    ) -> list[ItemResult]:
        """Import one-way friends into ``owner``'s list, with their stored data.

        Tencent IM REST ``sns/friend_import``: no AllowType or blacklist check,
        ``add_time`` 0 means now, ``remark_time`` 0 means now if a remark is
        given.  Per target: 30003 not an account, 30001 ``owner`` itself or
        already a friend, 30010 over 3000 friends.

        Raises:
            ImError: 30001 no items, more than 100, bad ``owner`` id, bad
                AddSource / remark / group / wording, or a custom tag not
                named ``Tag_SNS_Custom_*`` or whose value is not a string or
                integer; 30003 ``owner`` is not an account.
        """
        _check_batch(len(items), MAX_ADD_BATCH)
        cleaned: list[FriendImport] = []
        for it in items:
            _check_source(it.add_source)
            _limit_bytes("Remark", it.remark, MAX_REMARK_BYTES)
            _limit_bytes("AddWording", it.add_wording, MAX_WORDING_BYTES)
            for tag, value in it.custom.items():
                _check_custom(tag, value)
            cleaned.append(replace(it, groups=_check_groups(it.groups)))
        app_id = app.sdkappid
        peers = _possible_ids(it.peer for it in items)
        now = int(time.time())
        results: list[ItemResult] = []
        added: list[Friend] = []
        async with self._db.write() as conn:
            await self._require_owner(conn, app, owner)
            accounts = await account_store.existing(conn, app_id, peers)
            mine = (await store.friend_links(conn, app_id, owner, peers)).outgoing
            count = (await store.count_friends(conn, app_id, [owner]))[owner]
            for it in cleaned:
                if it.peer not in accounts:
                    results.append(ItemResult(it.peer, 30003, "account does not exist"))
                elif it.peer == owner:
                    results.append(ItemResult(it.peer, 30001, "cannot add yourself as a friend"))
                elif it.peer in mine:
                    results.append(ItemResult(it.peer, 30001, "already friends"))
                elif count >= MAX_FRIENDS:
                    results.append(ItemResult(it.peer, 30010, "your friend list is full"))
                else:
                    added.append(
                        Friend(
                            owner,
                            it.peer,
                            add_source=it.add_source,
                            remark=it.remark,
                            groups=it.groups,
                            add_wording=it.add_wording,
                            add_time=it.add_time or now,
                            remark_time=it.remark_time or (now if it.remark else 0),
                            custom=dict(it.custom),
                        )
                    )
                    mine.add(it.peer)
                    count += 1
                    results.append(ItemResult(it.peer))
            added_peers = [f.peer for f in added]
            dropped = [
                r
                for r in await store.requests_between(conn, app_id, owner, added_peers)
                if r.from_user == owner
            ]
            await store.insert_friends(conn, app_id, added)
            await store.delete_request_links(conn, app_id, owner, outgoing=added_peers)
            changes = _Changes()
            if added:
                changes.note(EventKind.FRIENDS, owner)
            changes.requests(dropped)
            events = await changes.append(conn, app_id)
        await self._publish(app_id, events)
        return results

    # --- friend requests (pendency) ----------------------------------------------------

    async def list_requests(
        self, app: App, user: str, *, incoming: bool = True, outgoing: bool = True
    ) -> list[FriendRequest]:
        """Pending requests sent to ``user`` (``incoming``) and/or by ``user``, newest first.

        The SDK's ``getFriendApplicationList`` (``Pendency_Type_ComeIn`` /
        ``SendOut`` / ``Both``).
        """
        async with self._db.read() as conn:
            return await store.requests_of(
                conn, app.sdkappid, user, incoming=incoming, outgoing=outgoing
            )

    @_changes_relations
    async def accept_request(
        self,
        app: App,
        user: str,
        requester: str,
        *,
        add_back: bool = True,
        remark: str = "",
        group_name: str = "",
    ) -> None:
        """``user`` accepts ``requester``'s pending request.

        ``requester`` gets ``user`` in its list with the request's source,
        remark, group and wording.  With ``add_back`` (the SDK's
        ``Response_Action_AgreeAndAdd``, the default) ``user`` also gets
        ``requester``, with ``remark`` / ``group_name``; without it
        (``Response_Action_Agree``) the friendship is one-way.  Pending
        requests the new friendship satisfies are removed.

        Raises:
            ImError: 30614 no pending request from ``requester`` to ``user``;
                30001 bad remark/group; 30014 ``requester``'s list is full;
                30010 ``user``'s list is full (only with ``add_back``).
        """
        _limit_bytes("Remark", remark, MAX_REMARK_BYTES)
        if group_name:
            _check_groups([group_name])
        app_id = app.sdkappid
        now = int(time.time())
        if not _possible_ids([requester]):
            raise ImError(
                Code.ERR_SVR_FRIENDSHIP_PENDENCY_NOT_FOUND,
                f"no pending friend request from {requester[:40]!r}",
            )
        async with self._db.write() as conn:
            req = next(
                (
                    r
                    for r in await store.requests_between(conn, app_id, user, [requester])
                    if r.from_user == requester
                ),
                None,
            )
            if req is None:
                raise ImError(
                    Code.ERR_SVR_FRIENDSHIP_PENDENCY_NOT_FOUND,
                    f"no pending friend request from {requester!r}",
                )
            links = await store.friend_links(conn, app_id, user, [requester])
            counts = await store.count_friends(conn, app_id, [user, requester])
            rows: list[Friend] = []
            if requester not in links.incoming:
                if counts[requester] >= MAX_FRIENDS:
                    raise ImError(
                        Code.ERR_SVR_FRIENDSHIP_PEER_FRIEND_LIMIT,
                        "the requester's friend list is full",
                    )
                rows.append(
                    Friend(
                        requester,
                        user,
                        add_source=req.add_source,
                        remark=req.remark,
                        groups=(req.group_name,) if req.group_name else (),
                        add_wording=req.add_wording,
                        add_time=now,
                        remark_time=now if req.remark else 0,
                    )
                )
            if add_back and requester not in links.outgoing:
                if counts[user] >= MAX_FRIENDS:
                    raise ImError(Code.ERR_SVR_FRIENDSHIP_COUNT_LIMIT, "your friend list is full")
                rows.append(
                    Friend(
                        user,
                        requester,
                        add_source=req.add_source,
                        remark=remark,
                        groups=(group_name,) if group_name else (),
                        add_wording=req.add_wording,
                        add_time=now,
                        remark_time=now if remark else 0,
                    )
                )
            await store.insert_friends(conn, app_id, rows)
            await store.delete_request_links(
                conn,
                app_id,
                user,
                outgoing=[requester] if add_back else [],
                incoming=[requester],
            )
            changes = _Changes()
            changes.requests([req])
            changes.note(EventKind.FRIENDS, *(f.owner for f in rows))
            events = await changes.append(conn, app_id)
        await self._publish(app_id, events)

    async def refuse_request(self, app: App, user: str, requester: str) -> None:
        """``user`` refuses (deletes) ``requester``'s pending request.

        Raises:
            ImError: 30614 no pending request from ``requester`` to ``user``.
        """
        await self._drop_request(app, requester, user)

    async def cancel_request(self, app: App, user: str, target: str) -> None:
        """``user`` withdraws its own pending request to ``target``.

        Raises:
            ImError: 30614 no pending request from ``user`` to ``target``.
        """
        await self._drop_request(app, user, target)

    async def _drop_request(self, app: App, from_user: str, to_user: str) -> None:
        if len(_possible_ids([from_user, to_user])) < 2:
            raise ImError(Code.ERR_SVR_FRIENDSHIP_PENDENCY_NOT_FOUND, "friend request not found")
        async with self._db.write() as conn:
            found = await store.requests_between(conn, app.sdkappid, from_user, [to_user])
            gone = [r for r in found if r.from_user == from_user and r.to_user == to_user]
            if not gone:
                raise ImError(
                    Code.ERR_SVR_FRIENDSHIP_PENDENCY_NOT_FOUND, "friend request not found"
                )
            await store.delete_request_links(conn, app.sdkappid, from_user, outgoing=[to_user])
            changes = _Changes()
            changes.requests(gone)
            events = await changes.append(conn, app.sdkappid)
        await self._publish(app.sdkappid, events)

    # --- editing and removing friends -----------------------------------------------------

    async def update_friends(
        self, app: App, owner: str, updates: Sequence[FriendUpdate]
    ) -> list[ItemResult]:
        """Change the remark, groups or custom data of ``owner``'s friends.

        Tencent IM REST ``sns/friend_update``.  Tags: ``Tag_SNS_IM_Remark``
        (string ≤ 96 bytes; sets the remark time), ``Tag_SNS_IM_Group`` (list
        of group names ≤ 30 bytes each), ``Tag_SNS_Custom_*`` (string or
        integer).  Per target: 30003 not an account, 30001 not a friend, an
        unknown or read-only tag, or a bad value.

        Raises:
            ImError: 30001 no items or more than 100, bad ``owner`` id;
                30003 ``owner`` is not an account.
        """
        _check_batch(len(updates), MAX_ADD_BATCH)
        app_id = app.sdkappid
        now = int(time.time())
        peers = _possible_ids(u.peer for u in updates)
        results: list[ItemResult] = []
        async with self._db.write() as conn:
            await self._require_owner(conn, app, owner)
            accounts = await account_store.existing(conn, app_id, peers)
            current = {f.peer: f for f in await store.friends_of(conn, app_id, owner, peers)}
            for u in updates:
                if u.peer not in accounts:
                    results.append(ItemResult(u.peer, 30003, "account does not exist"))
                    continue
                friend = current.get(u.peer)
                if friend is None:
                    results.append(ItemResult(u.peer, 30001, "not a friend"))
                    continue
                try:
                    current[u.peer] = _apply_update(friend, u.items, now)
                except ImError as exc:
                    results.append(ItemResult(u.peer, exc.code, exc.info))
                    continue
                results.append(ItemResult(u.peer))
            changed = {r.peer for r in results if r.ok}
            await store.save_friend_data(conn, app_id, [current[p] for p in changed])
            changes = _Changes()
            if changed:
                changes.note(EventKind.FRIENDS, owner)
            events = await changes.append(conn, app_id)
        await self._publish(app_id, events)
        return results

    @_changes_relations
    async def delete_friends(
        self, app: App, owner: str, peers: Sequence[str], *, both: bool = False
    ) -> list[ItemResult]:
        """Remove ``peers`` from ``owner``'s list (and ``owner`` from theirs when ``both``).

        Tencent IM REST ``sns/friend_delete`` (``Delete_Type_Single`` /
        ``Delete_Type_Both``).  Per target: 30003 not an account; 31704 not a
        friend (for ``both``: no friendship in either direction).

        Raises:
            ImError: 30001 no targets, more than 1000, bad ``owner`` id;
                30003 ``owner`` is not an account.
        """
        _check_batch(len(peers), MAX_BATCH)
        ids = _possible_ids(peers)
        app_id = app.sdkappid
        results: list[ItemResult] = []
        out: list[str] = []
        inc: list[str] = []
        async with self._db.write() as conn:
            await self._require_owner(conn, app, owner)
            accounts = await account_store.existing(conn, app_id, ids)
            links = await store.friend_links(conn, app_id, owner, ids)
            for p in peers:
                has_out = p in links.outgoing
                has_in = both and p in links.incoming
                if p not in accounts:
                    results.append(ItemResult(p, 30003, "account does not exist"))
                elif not has_out and not has_in:
                    results.append(ItemResult(p, 31704, "not a friend"))
                else:
                    if has_out:
                        out.append(p)
                        links.outgoing.discard(p)
                    if has_in:
                        inc.append(p)
                        links.incoming.discard(p)
                    results.append(ItemResult(p))
            await store.delete_friend_links(conn, app_id, owner, out, inc)
            changes = _Changes()
            if out:
                changes.note(EventKind.FRIENDS, owner)
            changes.note(EventKind.FRIENDS, *inc)
            events = await changes.append(conn, app_id)
        await self._publish(app_id, events)
        return results

    @_changes_relations
    async def delete_all_friends(self, app: App, owner: str, *, both: bool = False) -> list[str]:
        """Empty ``owner``'s friend list; returns the removed peers.

        Tencent IM REST ``sns/friend_delete_all``.  With ``both``
        (``Delete_Type_Both``) ``owner`` also leaves those peers' lists.

        Raises:
            ImError: 30001 bad ``owner`` id; 30003 ``owner`` is not an account.
        """
        app_id = app.sdkappid
        async with self._db.write() as conn:
            await self._require_owner(conn, app, owner)
            mine = [f.peer for f in await store.friends_of(conn, app_id, owner)]
            theirs = (
                (await store.friend_links(conn, app_id, owner, mine)).incoming if both else set()
            )
            removed = await store.delete_all_friends(conn, app_id, owner, both=both)
            changes = _Changes()
            if removed:
                changes.note(EventKind.FRIENDS, owner)
            changes.note(EventKind.FRIENDS, *(p for p in mine if p in theirs))
            events = await changes.append(conn, app_id)
        await self._publish(app_id, events)
        return removed

    # --- reading friends -------------------------------------------------------------------

    async def check_friends(
        self, app: App, owner: str, peers: Sequence[str], *, both: bool = True
    ) -> list[CheckResult]:
        """Friend relation of ``owner`` (A) with each peer (B).

        Tencent IM REST ``sns/friend_check``.  With ``both``
        (``CheckResult_Type_Both``): BothWay, AWithB (B in A's list only),
        BWithA (A in B's list only) or NoRelation; without it
        (``CheckResult_Type_Single``) only AWithB (B in A's list) or
        NoRelation.  Not an account: NoRelation with code 30003.

        Raises:
            ImError: 30001 no targets, more than 1000, bad ``owner`` id;
                30003 ``owner`` is not an account.
        """
        return await self._check(
            app,
            owner,
            peers,
            both,
            store.friend_links,
            (Relation.BOTH_WAY, Relation.A_WITH_B, Relation.B_WITH_A, Relation.NO_RELATION),
        )

    async def get_friends_page(
        self, app: App, owner: str, start_index: int = 0, *, page_size: int = FRIEND_PAGE
    ) -> FriendPage:
        """A page of ``owner``'s friends, oldest first, from ``start_index``.

        Tencent IM REST ``sns/friend_get`` (100 per page).

        Raises:
            ImError: 30001 negative ``start_index`` or bad ``owner`` id;
                30003 ``owner`` is not an account.
        """
        if start_index < 0 or page_size < 1:
            raise ImError(Code.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS, "StartIndex must be >= 0")
        async with self._db.read() as conn:
            await self._require_owner(conn, app, owner)
            everyone = await store.friends_of(conn, app.sdkappid, owner)
        page = everyone[start_index : start_index + page_size]
        end = start_index + len(page)
        complete = end >= len(everyone)
        return FriendPage(
            friends=page,
            total=len(everyone),
            next_index=0 if complete else end,
            complete=complete,
            standard_sequence=_digest(
                [[f.peer, *(v for _, v in _standard_tags(f))] for f in everyone]
            ),
            custom_sequence=_digest([[f.peer, sorted(f.custom.items())] for f in everyone]),
        )

    async def get_friend_profiles(
        self, app: App, owner: str, peers: Sequence[str], tags: Sequence[str]
    ) -> list[FriendProfile]:
        """Friend data and profile tags of some of ``owner``'s friends.

        Tencent IM REST ``sns/friend_get_list``.  ``tags`` may name
        ``Tag_SNS_IM_*`` and ``Tag_SNS_Custom_*`` friend tags and
        ``Tag_Profile_*`` profile tags; each answer lists, in ``tags`` order,
        those with a value.  Per peer: 30003 not an account, 30001 not a friend.

        Raises:
            ImError: 30001 no peers, more than 1000, no tags, a tag of another
                kind, bad ``owner`` id; 30003 ``owner`` is not an account.
        """
        _check_batch(len(peers), MAX_BATCH)
        ids = _possible_ids(peers)
        if not tags:
            raise ImError(Code.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS, "TagList is empty")
        for t in tags:
            if t not in STANDARD_TAGS and not t.startswith((SNS_CUSTOM_PREFIX, PROFILE_PREFIX)):
                raise ImError(Code.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS, f"unknown tag {t!r}")
        profile_tags = [t for t in tags if t.startswith(PROFILE_PREFIX)]
        app_id = app.sdkappid
        async with self._db.read() as conn:
            await self._require_owner(conn, app, owner)
            accounts = await account_store.existing(conn, app_id, ids)
            rows = {f.peer: f for f in await store.friends_of(conn, app_id, owner, ids)}
            profiles = (
                await profile_store.get_tags(conn, app_id, rows, profile_tags)
                if profile_tags and rows
                else {}
            )
        results: list[FriendProfile] = []
        for p in peers:
            if p not in accounts:
                results.append(FriendProfile(p, [], 30003, "account does not exist"))
                continue
            friend = rows.get(p)
            if friend is None:
                results.append(FriendProfile(p, [], 30001, "not a friend"))
                continue
            values = dict(friend_tags(friend)) | profiles.get(p, {})
            results.append(FriendProfile(p, [(t, values[t]) for t in tags if t in values]))
        return results

    # --- blacklist ---------------------------------------------------------------------------

    @_changes_relations
    async def add_blacklist(self, app: App, owner: str, peers: Sequence[str]) -> list[ItemResult]:
        """Put ``peers`` on ``owner``'s blacklist.

        Tencent IM REST ``sns/black_list_add``: the friendship is removed in
        both directions, and so are pending requests between the two.  Per
        target: 30003 not an account; 30001 ``owner`` itself or already on the
        blacklist; 30013 the blacklist holds 1000 accounts.

        Raises:
            ImError: 30001 no targets, more than 1000, bad ``owner`` id;
                30003 ``owner`` is not an account.
        """
        _check_batch(len(peers), MAX_BATCH)
        ids = _possible_ids(peers)
        app_id = app.sdkappid
        now = int(time.time())
        results: list[ItemResult] = []
        added: list[Block] = []
        async with self._db.write() as conn:
            await self._require_owner(conn, app, owner)
            accounts = await account_store.existing(conn, app_id, ids)
            listed = (await store.block_links(conn, app_id, owner, ids)).outgoing
            count = await store.count_blocks(conn, app_id, owner)
            for p in peers:
                if p not in accounts:
                    results.append(ItemResult(p, 30003, "account does not exist"))
                elif p == owner:
                    results.append(ItemResult(p, 30001, "cannot blacklist yourself"))
                elif p in listed:
                    results.append(ItemResult(p, 30001, "already on the blacklist"))
                elif count >= MAX_BLACKLIST:
                    results.append(ItemResult(p, 30013, f"the blacklist is full ({MAX_BLACKLIST})"))
                else:
                    added.append(Block(owner, p, now))
                    listed.add(p)
                    count += 1
                    results.append(ItemResult(p))
            blocked = [b.peer for b in added]
            unfriended = await store.friend_links(conn, app_id, owner, blocked)
            dropped = await store.requests_between(conn, app_id, owner, blocked)
            await store.insert_blocks(conn, app_id, added)
            await store.delete_friend_links(conn, app_id, owner, blocked, blocked)
            await store.delete_request_links(conn, app_id, owner, blocked, blocked)
            changes = _Changes()
            if added:
                changes.note(EventKind.BLACKLIST, owner)
            if unfriended.outgoing:
                changes.note(EventKind.FRIENDS, owner)
            changes.note(EventKind.FRIENDS, *(p for p in blocked if p in unfriended.incoming))
            changes.requests(dropped)
            events = await changes.append(conn, app_id)
        await self._publish(app_id, events)
        return results

    @_changes_relations
    async def remove_blacklist(
        self, app: App, owner: str, peers: Sequence[str]
    ) -> list[ItemResult]:
        """Take ``peers`` off ``owner``'s blacklist (friendships are not restored).

        Tencent IM REST ``sns/black_list_delete``.  Per target: 30003 not an
        account; 30001 not on the blacklist.

        Raises:
            ImError: 30001 no targets, more than 1000, bad ``owner`` id;
                30003 ``owner`` is not an account.
        """
        _check_batch(len(peers), MAX_BATCH)
        ids = _possible_ids(peers)
        app_id = app.sdkappid
        results: list[ItemResult] = []
        async with self._db.write() as conn:
            await self._require_owner(conn, app, owner)
            accounts = await account_store.existing(conn, app_id, ids)
            listed = (await store.block_links(conn, app_id, owner, ids)).outgoing
            removed: list[str] = []
            for p in peers:
                if p not in accounts:
                    results.append(ItemResult(p, 30003, "account does not exist"))
                elif p not in listed:
                    results.append(ItemResult(p, 30001, "not on the blacklist"))
                else:
                    listed.discard(p)
                    removed.append(p)
                    results.append(ItemResult(p))
            await store.delete_blocks(conn, app_id, owner, removed)
            changes = _Changes()
            if removed:
                changes.note(EventKind.BLACKLIST, owner)
            events = await changes.append(conn, app_id)
        await self._publish(app_id, events)
        return results

    async def get_blacklist_page(
        self, app: App, owner: str, start_index: int = 0, limit: int = MAX_BLACKLIST
    ) -> BlacklistPage:
        """Up to ``limit`` entries of ``owner``'s blacklist from ``start_index``, oldest first.

        Tencent IM REST ``sns/black_list_get`` (``StartIndex``, ``MaxLimited``).

        Raises:
            ImError: 30001 negative ``start_index``, ``limit`` < 1 or bad
                ``owner`` id; 30003 ``owner`` is not an account.
        """
        if start_index < 0 or limit < 1:
            raise ImError(
                Code.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS,
                "StartIndex must be >= 0 and MaxLimited >= 1",
            )
        async with self._db.read() as conn:
            await self._require_owner(conn, app, owner)
            entries = await store.blocks_of(conn, app.sdkappid, owner)
        page = entries[start_index : start_index + limit]
        end = start_index + len(page)
        return BlacklistPage(
            entries=page,
            next_index=0 if end >= len(entries) else end,
            sequence=_digest([[b.peer, b.added_at] for b in entries]),
        )

    async def check_blacklist(
        self, app: App, owner: str, peers: Sequence[str], *, both: bool = True
    ) -> list[CheckResult]:
        """Blacklist relation of ``owner`` (A) with each peer (B).

        Tencent IM REST ``sns/black_list_check``.  With ``both``
        (``BlackCheckResult_Type_Both``): BothWay, AWithB (B on A's list
        only), BWithA (A on B's list only) or NO; without it
        (``BlackCheckResult_Type_Single``) only AWithB or NO.  Not an account:
        NO with code 30003.

        Raises:
            ImError: 30001 no targets, more than 1000, bad ``owner`` id;
                30003 ``owner`` is not an account.
        """
        return await self._check(
            app,
            owner,
            peers,
            both,
            store.block_links,
            (
                BlackRelation.BOTH_WAY,
                BlackRelation.A_WITH_B,
                BlackRelation.B_WITH_A,
                BlackRelation.NO,
            ),
        )

    async def _check(
        self,
        app: App,
        owner: str,
        peers: Sequence[str],
        both: bool,
        links_of: Callable[[Tx, int, str, Iterable[str]], Awaitable[store.Links]],
        names: tuple[StrEnum, StrEnum, StrEnum, StrEnum],
    ) -> list[CheckResult]:
        """Shared by friend and blacklist checks: ``names`` are the (both ways,
        A with B, B with A, none) relation values; unknown peers get 30003."""
        _check_batch(len(peers), MAX_BATCH)
        ids = _possible_ids(peers)
        async with self._db.read() as conn:
            await self._require_owner(conn, app, owner)
            accounts = await account_store.existing(conn, app.sdkappid, ids)
            links = await links_of(conn, app.sdkappid, owner, ids)
        both_way, a_with_b, b_with_a, none = names
        results: list[CheckResult] = []
        for p in peers:
            if p not in accounts:
                results.append(CheckResult(p, none, 30003, "account does not exist"))
                continue
            a_b = p in links.outgoing
            b_a = both and p in links.incoming
            rel = both_way if a_b and b_a else a_with_b if a_b else b_with_a if b_a else none
            results.append(CheckResult(p, rel))
        return results


def _reverse_row(
    peer: str, owner: str, it: FriendAdd, request: FriendRequest | None, now: int
) -> Friend:
    """``peer``'s new row for ``owner``: from ``peer``'s own pending request when it made one."""
    if request is not None:
        return Friend(
            peer,
            owner,
            add_source=request.add_source,
            remark=request.remark,
            groups=(request.group_name,) if request.group_name else (),
            add_wording=request.add_wording,
            add_time=now,
            remark_time=now if request.remark else 0,
        )
    return Friend(peer, owner, add_source=it.add_source, add_wording=it.add_wording, add_time=now)


def _apply_update(friend: Friend, items: Sequence[tuple[str, Any]], now: int) -> Friend:
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
            _limit_bytes(TAG_REMARK, value, MAX_REMARK_BYTES)
            friend = replace(friend, remark=value, remark_time=now)
        elif tag == TAG_GROUP:
            if not isinstance(value, list):
                raise ImError(
                    Code.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS,
                    f"{TAG_GROUP} must be a list of group names",
                )
            friend = replace(friend, groups=_check_groups(value))
        elif tag.startswith(SNS_CUSTOM_PREFIX):
            _check_custom(tag, value)
            custom[tag] = value
        else:
            raise ImError(
                Code.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS, f"tag {tag!r} cannot be updated"
            )
    return replace(friend, custom=custom)
