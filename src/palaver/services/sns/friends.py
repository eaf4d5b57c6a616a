"""Friend lists: Tencent IM REST ``sns/friend_add``, ``friend_import``,
``friend_update``, ``friend_delete``, ``friend_delete_all``, ``friend_get`` and
``friend_get_list``, and the SDK's ``addFriend``, ``deleteFriend`` and
``getFriendList``. (``friend_check`` is in :mod:`.checks`; pending applications,
in :mod:`.applications`.)

Batch calls answer per item with an :class:`~.model.ItemResult` (Tencent's
``ResultItem``: 0 or a 3xxxx code); a problem with the call itself raises
:class:`~palaver.errors.ImError`. Every change lands in the users' streams
(:mod:`.changes`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from palaver.errors import Code, ImError
from palaver.model import callbacks as cb
from palaver.services.sns import model
from palaver.services.sns.changes import ChangeFeed, Changes
from palaver.services.sns.friend_rules import AddContext, add_one, apply_update, check_profile_tags
from palaver.services.sns.model import (
    FRIEND_PAGE,
    MAX_ADD_BATCH,
    MAX_BATCH,
    MAX_REMARK_BYTES,
    MAX_WORDING_BYTES,
    PROFILE_PREFIX,
    TAG_ALLOW_TYPE,
    Friend,
    FriendAdd,
    FriendImport,
    FriendPage,
    FriendProfile,
    FriendUpdate,
    ItemResult,
    check_batch,
    check_custom,
    check_groups,
    check_source,
    digest,
    friend_tags,
    limit_bytes,
    possible_ids,
    refused_items,
    require_owner,
    standard_tags,
)
from palaver.storage import Database
from palaver.storage import accounts as account_store
from palaver.storage import profiles as profile_store
from palaver.storage import sns as sns_store

if TYPE_CHECKING:
    from palaver.services.apps import App
    from palaver.services.callbacks import CallbackService


class Friends:
    """The friend lists of every app.

    Args:
        db: the database.
        feed: publishes committed changes (and forgets cached relations).
        callbacks: the app backend's ``Sns.CallbackPrevFriendAdd``.
    """

    def __init__(
        self, db: Database, feed: ChangeFeed, callbacks: CallbackService | None = None
    ) -> None:
        self._db = db
        self._feed = feed
        self._callbacks = callbacks

    async def add(
        self,
        app: App,
        owner: str,
        items: Sequence[FriendAdd],
        *,
        both: bool = True,
        force: bool = False,
        client: bool = False,
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
        pending application ``owner`` -> target is stored or refreshed), AllowAny
        (the default) adds.  Adding over 3000 friends gives 30010 (own list)
        or 30014 (the target's list).  Pending applications a new friendship
        satisfies are removed.

        A user's request (``client``; not REST, as Tencent) first goes to the
        app backend's ``Sns.CallbackPrevFriendAdd`` when the app wants it: a
        target it answers with a ``ResultCode`` other than 0 gets that code if in
        38000–39000 (else 38000) and its ``ResultInfo``. An ``ErrorCode`` other
        than 0 (the backend failed) is ignored, as by Tencent, unless the command
        fails closed.

        Raises:
            ImError: 30001 no items, more than 100, a bad ``owner`` id,
                ``add_source`` without the ``AddSource_Type_`` prefix, a
                remark over 96 bytes, a group name over 30 bytes or a
                wording over 256 bytes; 30003 ``owner`` is not an account;
                the command fails closed and the backend did not answer (38000)
                or answered with an ``ErrorCode`` (38000–39000: that code, else 38000).
        """
        check_batch(len(items), MAX_ADD_BATCH)
        for it in items:
            check_source(it.add_source)
            limit_bytes("Remark", it.remark, MAX_REMARK_BYTES)
            limit_bytes("AddWording", it.add_wording, MAX_WORDING_BYTES)
            if it.group_name:
                check_groups([it.group_name])
        refused = await self._prev_add(app, owner, items, both=both, force=force) if client else {}
        app_id = app.sdkappid
        peers = possible_ids(it.peer for it in items)
        async with self._db.write() as conn:
            await require_owner(conn, app, owner)
            asked = await sns_store.applications_between(conn, app_id, owner, peers)
            allow = await profile_store.get_tags(conn, app_id, peers, [TAG_ALLOW_TYPE])
            ctx = AddContext(
                owner=owner,
                accounts=await account_store.existing(conn, app_id, peers),
                friends=await sns_store.friend_links(conn, app_id, owner, peers),
                blocks=await sns_store.block_links(conn, app_id, owner, peers),
                applications_in={r.from_user: r for r in asked if r.to_user == owner},
                allow={p: str(t[TAG_ALLOW_TYPE]) for p, t in allow.items() if TAG_ALLOW_TYPE in t},
                counts=await sns_store.count_friends(conn, app_id, [owner, *peers]),
                now=int(time.time()),
            )
            results = [
                refused.get(it.peer) or add_one(ctx, it, both=both, force=force) for it in items
            ]
            added_out = {f.peer for f in ctx.new_friends if f.owner == owner}
            added_in = {f.owner for f in ctx.new_friends if f.peer == owner}
            await sns_store.insert_friends(conn, app_id, ctx.new_friends)
            await sns_store.save_applications(conn, app_id, list(ctx.new_applications.values()))
            await sns_store.delete_application_links(
                conn, app_id, owner, outgoing=added_out, incoming=added_in
            )
            changes = Changes()
            for f in ctx.new_friends:
                changes.friends_added(f.owner, [f.peer])
            changes.applications_added(ctx.new_applications.values())
            changes.applications_removed(
                r
                for r in asked
                if (r.from_user == owner and r.to_user in added_out)
                or (r.to_user == owner and r.from_user in added_in)
            )
            events = await self._feed.commit(conn, app, changes)
        await self._feed.publish(app_id, events)
        return results

    async def _prev_add(
        self, app: App, owner: str, items: Sequence[FriendAdd], *, both: bool, force: bool
    ) -> dict[str, ItemResult]:
        """Ask ``Sns.CallbackPrevFriendAdd``: the targets the backend refuses."""
        if self._callbacks is None:
            return {}
        body = {
            "Requester_Account": owner,
            "From_Account": owner,
            "AddType": "Add_Type_Both" if both else "Add_Type_Single",
            "ForceAddFlags": int(force),
            "FriendItem": [
                {
                    "To_Account": it.peer,
                    "Remark": it.remark,
                    "GroupName": it.group_name,
                    "AddSource": it.add_source,
                    "AddWording": it.add_wording,
                }
                for it in items
            ],
        }
        reply = await self._callbacks.ask(
            app, cb.SNS_PREV_FRIEND_ADD, body, refused=Code.SNS_CALLBACK_REFUSED
        )
        return refused_items(reply, cb.SNS_OWN_CODES)

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
        check_batch(len(items), MAX_ADD_BATCH)
        cleaned: list[FriendImport] = []
        for it in items:
            check_source(it.add_source)
            limit_bytes("Remark", it.remark, MAX_REMARK_BYTES)
            limit_bytes("AddWording", it.add_wording, MAX_WORDING_BYTES)
            for tag, value in it.custom.items():
                check_custom(tag, value)
            cleaned.append(replace(it, groups=check_groups(it.groups)))
        app_id = app.sdkappid
        peers = possible_ids(it.peer for it in items)
        now = int(time.time())
        results: list[ItemResult] = []
        added: list[Friend] = []
        async with self._db.write() as conn:
            await require_owner(conn, app, owner)
            accounts = await account_store.existing(conn, app_id, peers)
            mine = (await sns_store.friend_links(conn, app_id, owner, peers)).outgoing
            count = (await sns_store.count_friends(conn, app_id, [owner]))[owner]
            for it in cleaned:
                if it.peer not in accounts:
                    results.append(ItemResult(it.peer, 30003, "account does not exist"))
                elif it.peer == owner:
                    results.append(ItemResult(it.peer, 30001, "cannot add yourself as a friend"))
                elif it.peer in mine:
                    results.append(ItemResult(it.peer, 30001, "already friends"))
                elif count >= model.MAX_FRIENDS:
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
                for r in await sns_store.applications_between(conn, app_id, owner, added_peers)
                if r.from_user == owner
            ]
            await sns_store.insert_friends(conn, app_id, added)
            await sns_store.delete_application_links(conn, app_id, owner, outgoing=added_peers)
            changes = Changes()
            changes.friends_added(owner, added_peers)
            changes.applications_removed(dropped)
            events = await self._feed.commit(conn, app, changes)
        await self._feed.publish(app_id, events)
        return results

    async def update(
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
        check_batch(len(updates), MAX_ADD_BATCH)
        app_id = app.sdkappid
        now = int(time.time())
        peers = possible_ids(u.peer for u in updates)
        results: list[ItemResult] = []
        async with self._db.write() as conn:
            await require_owner(conn, app, owner)
            accounts = await account_store.existing(conn, app_id, peers)
            current = {f.peer: f for f in await sns_store.friends_of(conn, app_id, owner, peers)}
            for u in updates:
                if u.peer not in accounts:
                    results.append(ItemResult(u.peer, 30003, "account does not exist"))
                    continue
                friend = current.get(u.peer)
                if friend is None:
                    results.append(ItemResult(u.peer, 30001, "not a friend"))
                    continue
                try:
                    current[u.peer] = apply_update(friend, u.items, now)
                except ImError as exc:
                    results.append(ItemResult(u.peer, exc.code, exc.info))
                    continue
                results.append(ItemResult(u.peer))
            changed = {r.peer for r in results if r.ok}
            await sns_store.save_friend_data(conn, app_id, [current[p] for p in changed])
            changes = Changes()
            changes.friends_updated(owner, [r.peer for r in results if r.ok])
            events = await self._feed.commit(conn, app, changes)
        await self._feed.publish(app_id, events)
        return results

    async def delete(
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
        check_batch(len(peers), MAX_BATCH)
        ids = possible_ids(peers)
        app_id = app.sdkappid
        results: list[ItemResult] = []
        out: list[str] = []
        inc: list[str] = []
        async with self._db.write() as conn:
            await require_owner(conn, app, owner)
            accounts = await account_store.existing(conn, app_id, ids)
            links = await sns_store.friend_links(conn, app_id, owner, ids)
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
            await sns_store.delete_friend_links(conn, app_id, owner, out, inc)
            changes = Changes()
            changes.friends_removed(owner, out)
            for p in inc:
                changes.friends_removed(p, [owner])
            events = await self._feed.commit(conn, app, changes)
        await self._feed.publish(app_id, events)
        return results

    async def delete_all(self, app: App, owner: str, *, both: bool = False) -> list[str]:
        """Empty ``owner``'s friend list; returns the removed peers.

        Tencent IM REST ``sns/friend_delete_all``.  With ``both``
        (``Delete_Type_Both``) ``owner`` also leaves those peers' lists.

        Raises:
            ImError: 30001 bad ``owner`` id; 30003 ``owner`` is not an account.
        """
        app_id = app.sdkappid
        async with self._db.write() as conn:
            await require_owner(conn, app, owner)
            mine = [f.peer for f in await sns_store.friends_of(conn, app_id, owner)]
            theirs = (
                (await sns_store.friend_links(conn, app_id, owner, mine)).incoming
                if both
                else set()
            )
            removed = await sns_store.delete_all_friends(conn, app_id, owner, both=both)
            changes = Changes()
            changes.friends_removed(owner, removed)
            for p in mine:
                if p in theirs:
                    changes.friends_removed(p, [owner])
            events = await self._feed.commit(conn, app, changes)
        await self._feed.publish(app_id, events)
        return removed

    async def get_page(
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
            await require_owner(conn, app, owner)
            everyone = await sns_store.friends_of(conn, app.sdkappid, owner)
        page = everyone[start_index : start_index + page_size]
        end = start_index + len(page)
        complete = end >= len(everyone)
        return FriendPage(
            friends=page,
            total=len(everyone),
            next_index=0 if complete else end,
            complete=complete,
            standard_sequence=digest(
                [[f.peer, *(v for _, v in standard_tags(f))] for f in everyone]
            ),
            custom_sequence=digest([[f.peer, sorted(f.custom.items())] for f in everyone]),
        )

    async def get_profiles(
        self, app: App, owner: str, peers: Sequence[str], tags: Sequence[str] | None
    ) -> list[FriendProfile]:
        """Friend data and profile tags of some of ``owner``'s friends.

        Tencent IM REST ``sns/friend_get_list``.  ``tags`` may name
        ``Tag_SNS_IM_*`` and ``Tag_SNS_Custom_*`` friend tags and
        ``Tag_Profile_*`` profile tags; each answer lists, in ``tags`` order,
        those with a value.  ``None`` (the SDK's ``getFriendProfile``, command
        ``friend_get_specified``): every friend tag, then every profile tag,
        with a value.  Per peer: 30003 not an account, 30001 not a friend.

        Raises:
            ImError: 30001 no peers, more than 1000, an empty ``tags``, a tag
                of another kind, bad ``owner`` id; 30003 ``owner`` is not an account.
        """
        check_batch(len(peers), MAX_BATCH)
        ids = possible_ids(peers)
        if tags is not None:
            check_profile_tags(tags)
        profile_tags = None if tags is None else [t for t in tags if t.startswith(PROFILE_PREFIX)]
        app_id = app.sdkappid
        async with self._db.read() as conn:
            await require_owner(conn, app, owner)
            accounts = await account_store.existing(conn, app_id, ids)
            rows = {f.peer: f for f in await sns_store.friends_of(conn, app_id, owner, ids)}
            profiles = (
                await profile_store.get_tags(conn, app_id, rows, profile_tags)
                if profile_tags != [] and rows
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
            wanted = values if tags is None else [t for t in tags if t in values]
            results.append(FriendProfile(p, [(t, values[t]) for t in wanted]))
        return results
