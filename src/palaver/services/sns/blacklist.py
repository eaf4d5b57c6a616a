"""Blacklists: Tencent IM REST ``sns/black_list_add``, ``black_list_delete`` and
``black_list_get``, and the SDK's ``addToBlacklist``, ``removeFromBlacklist`` and
``getBlacklist``. (``black_list_check`` is in :mod:`.checks`.)

Blacklisting someone removes the friendship both ways and the pending
applications between the two; a blacklisted sender's C2C messages are refused
(20007, :meth:`~.checks.RelationChecks.is_blacklisted`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from palaver.errors import Code, ImError
from palaver.services.sns import model
from palaver.services.sns.changes import ChangeFeed, Changes
from palaver.services.sns.model import (
    MAX_BATCH,
    BlacklistPage,
    Block,
    ItemResult,
    check_batch,
    digest,
    possible_ids,
    require_owner,
)
from palaver.storage import Database
from palaver.storage import accounts as account_store
from palaver.storage import sns as sns_store

if TYPE_CHECKING:
    from palaver.services.apps import App


class Blacklists:
    """The blacklists of every app.

    Args:
        db: the database.
        feed: publishes committed changes (and forgets cached relations).
    """

    def __init__(self, db: Database, feed: ChangeFeed) -> None:
        self._db = db
        self._feed = feed

    async def add(self, app: App, owner: str, peers: Sequence[str]) -> list[ItemResult]:
        """Put ``peers`` on ``owner``'s blacklist.

        Tencent IM REST ``sns/black_list_add``: the friendship is removed in
        both directions, and so are pending applications between the two.  Per
        target: 30003 not an account; 30001 ``owner`` itself or already on the
        blacklist; 30013 the blacklist holds 1000 accounts.

        Raises:
            ImError: 30001 no targets, more than 1000, bad ``owner`` id;
                30003 ``owner`` is not an account.
        """
        check_batch(len(peers), MAX_BATCH)
        ids = possible_ids(peers)
        app_id = app.sdkappid
        now = int(time.time())
        results: list[ItemResult] = []
        added: list[Block] = []
        async with self._db.write() as conn:
            await require_owner(conn, app, owner)
            accounts = await account_store.existing(conn, app_id, ids)
            listed = (await sns_store.block_links(conn, app_id, owner, ids)).outgoing
            count = await sns_store.count_blocks(conn, app_id, owner)
            for p in peers:
                if p not in accounts:
                    results.append(ItemResult(p, 30003, "account does not exist"))
                elif p == owner:
                    results.append(ItemResult(p, 30001, "cannot blacklist yourself"))
                elif p in listed:
                    results.append(ItemResult(p, 30001, "already on the blacklist"))
                elif count >= model.MAX_BLACKLIST:
                    results.append(
                        ItemResult(p, 30013, f"the blacklist is full ({model.MAX_BLACKLIST})")
                    )
                else:
                    added.append(Block(owner, p, now))
                    listed.add(p)
                    count += 1
                    results.append(ItemResult(p))
            blocked = [b.peer for b in added]
            unfriended = await sns_store.friend_links(conn, app_id, owner, blocked)
            dropped = await sns_store.applications_between(conn, app_id, owner, blocked)
            await sns_store.insert_blocks(conn, app_id, added)
            await sns_store.delete_friend_links(conn, app_id, owner, blocked, blocked)
            await sns_store.delete_application_links(conn, app_id, owner, blocked, blocked)
            changes = Changes()
            changes.blacklisted(owner, blocked)
            changes.friends_removed(owner, [p for p in blocked if p in unfriended.outgoing])
            for p in blocked:
                if p in unfriended.incoming:
                    changes.friends_removed(p, [owner])
            changes.applications_removed(dropped)
            events = await self._feed.commit(conn, app, changes)
        await self._feed.publish(app_id, events)
        return results

    async def remove(self, app: App, owner: str, peers: Sequence[str]) -> list[ItemResult]:
        """Take ``peers`` off ``owner``'s blacklist (friendships are not restored).

        Tencent IM REST ``sns/black_list_delete``.  Per target: 30003 not an
        account; 30001 not on the blacklist.

        Raises:
            ImError: 30001 no targets, more than 1000, bad ``owner`` id;
                30003 ``owner`` is not an account.
        """
        check_batch(len(peers), MAX_BATCH)
        ids = possible_ids(peers)
        app_id = app.sdkappid
        results: list[ItemResult] = []
        async with self._db.write() as conn:
            await require_owner(conn, app, owner)
            accounts = await account_store.existing(conn, app_id, ids)
            listed = (await sns_store.block_links(conn, app_id, owner, ids)).outgoing
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
            await sns_store.delete_blocks(conn, app_id, owner, removed)
            changes = Changes()
            changes.unblacklisted(owner, removed)
            events = await self._feed.commit(conn, app, changes)
        await self._feed.publish(app_id, events)
        return results

    async def get_page(
        self, app: App, owner: str, start_index: int = 0, limit: int = model.MAX_BLACKLIST
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
            await require_owner(conn, app, owner)
            entries = await sns_store.blocks_of(conn, app.sdkappid, owner)
        page = entries[start_index : start_index + limit]
        end = start_index + len(page)
        return BlacklistPage(
            entries=page,
            next_index=0 if end >= len(entries) else end,
            sequence=digest([[b.peer, b.added_at] for b in entries]),
        )
