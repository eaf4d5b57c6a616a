"""Relations between two users: friendship and blacklist checks, with a cache.

Tencent IM REST ``sns/friend_check`` and ``sns/black_list_check``, and the
per-message checks of C2C sends (:meth:`RelationChecks.is_blacklisted`,
:meth:`RelationChecks.are_friends`), which are cached for
:data:`RELATION_TTL` seconds: any change through this node clears the cache
(:meth:`RelationChecks.forget`, called by :class:`~.changes.ChangeFeed`),
changes on other nodes are seen within the TTL (docs/deploy.md).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING

from palaver.services.cache import TTLCache
from palaver.services.sns.model import (
    MAX_BATCH,
    BlackRelation,
    CheckResult,
    Relation,
    check_batch,
    possible_ids,
    require_owner,
)
from palaver.storage import Database, Tx
from palaver.storage import accounts as account_store
from palaver.storage import sns as sns_store

if TYPE_CHECKING:
    from palaver.services.apps import App

RELATION_TTL = 10.0  # seconds a cached blacklist/friendship answer is trusted


class RelationChecks:
    """Friend and blacklist relations of every app.

    Args:
        db: the database.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        # (app, kind, a, b) -> relation, for the per-message checks
        self._relations: TTLCache[bool] = TTLCache(ttl=RELATION_TTL)

    def forget(self) -> None:
        """Drop every cached relation (after a change of friends or blacklists)."""
        self._relations.clear()

    def cached_blacklisted(self, app: App, owner: str, peer: str) -> bool | None:
        """:meth:`is_blacklisted` from the cache only (``None``: not cached)."""
        return self._relations.get((app.sdkappid, "black", owner, peer))

    def cached_friends(self, app: App, a: str, b: str) -> bool | None:
        """:meth:`are_friends` from the cache only (``None``: not cached)."""
        return self._relations.get((app.sdkappid, "friends", a, b))

    async def is_blacklisted(self, app: App, owner: str, peer: str) -> bool:
        """True if ``owner`` has ``peer`` on its blacklist (cached, see RELATION_TTL)."""

        async def load() -> bool:
            async with self._db.read() as conn:
                links = await sns_store.block_links(conn, app.sdkappid, owner, [peer])
            return peer in links.outgoing

        return await self._relations.get_or_load((app.sdkappid, "black", owner, peer), load)

    async def are_friends(self, app: App, a: str, b: str) -> bool:
        """True if ``a`` and ``b`` have each other as friends (both ways; cached)."""

        async def load() -> bool:
            async with self._db.read() as conn:
                links = await sns_store.friend_links(conn, app.sdkappid, a, [b])
            return b in links.outgoing and b in links.incoming

        return await self._relations.get_or_load((app.sdkappid, "friends", a, b), load)

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
            sns_store.friend_links,
            (Relation.BOTH_WAY, Relation.A_WITH_B, Relation.B_WITH_A, Relation.NO_RELATION),
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
            sns_store.block_links,
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
        links_of: Callable[[Tx, int, str, Iterable[str]], Awaitable[sns_store.Links]],
        names: tuple[StrEnum, StrEnum, StrEnum, StrEnum],
    ) -> list[CheckResult]:
        """Shared by friend and blacklist checks: ``names`` are the (both ways,
        A with B, B with A, none) relation values; unknown peers get 30003."""
        check_batch(len(peers), MAX_BATCH)
        ids = possible_ids(peers)
        async with self._db.read() as conn:
            await require_owner(conn, app, owner)
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
