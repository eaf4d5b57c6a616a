"""Accounts: import, delete, check, kick (Tencent IM ``im_open_login_svc``)."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from palaver.errors import Code, ImError
from palaver.services.cache import TTLCache
from palaver.services.ports import Presence, Publisher
from palaver.services.profiles import check_value
from palaver.storage import Database, Tx
from palaver.storage import accounts as accounts_store
from palaver.storage import profiles as profile_store
from palaver.storage import userdata as userdata_store

if TYPE_CHECKING:
    from palaver.services.apps import App

MAX_USER_ID_BYTES = 32
KICK_TTL = 2.0  # seconds a user's kick time is cached


def validate_user_id(user_id: object, code: int = 70402) -> str:
    """Check a UserID: a string of 1..32 bytes of printable ASCII (0x21..0x7e).

    Tencent's SDK allows printable ASCII up to 32 bytes; spaces are refused
    because REST clients trim them. Raises ImError(``code``) otherwise.
    """
    if not isinstance(user_id, str) or not user_id:
        raise ImError(code, "UserID must be a non-empty string")
    if len(user_id) > MAX_USER_ID_BYTES or not all(0x21 <= ord(c) <= 0x7E for c in user_id):
        raise ImError(code, f"invalid UserID {user_id[:40]!r}: 1..32 printable ASCII bytes")
    return user_id


@dataclass(frozen=True)
class ImportItem:
    """One account to import, with optional nick and avatar URL."""

    user_id: str
    nick: str | None = None
    face_url: str | None = None
    type: int = 0


#: ``KICKED_OUT`` type of a REST ``kick`` or ``account_delete``.
REST_KICK = "REST_API_Kick"


class AccountService:
    """Account lifecycle for every app.

    Args:
        db: the database.
        publisher: closes the connections of kicked and deleted accounts.
        presence: online state (REST ``query_online_status``).
    """

    def __init__(self, db: Database, publisher: Publisher, presence: Presence) -> None:
        self._db = db
        self._publisher = publisher
        self._presence = presence
        # (app, user) -> kicked_at: the REST admin check is on every call. A kick
        # made on another node is seen within KICK_TTL seconds.
        self._kicked: TTLCache[int] = TTLCache(ttl=KICK_TTL)
        # (app, user) known to be imported: every send checks both parties.
        self._known: set[tuple[int, str]] = set()

    async def import_accounts(self, app: App, items: Sequence[ImportItem]) -> list[str]:
        """Import accounts (idempotent); sets Nick/FaceUrl when given.

        Returns the UserIDs that failed (over the app's account limit).

        Raises:
            ImError: 70402 for an invalid UserID; 40601/40610 for a Nick or
                FaceUrl over 500 bytes or not a string; 70398 if the limit is
                hit by a single import.
        """
        for it in items:
            validate_user_id(it.user_id)
            for tag, value in _profile_tags(it).items():
                check_value(tag, value)
        now = int(time.time())
        async with self._db.write() as conn:
            todo, failed = await _within_limit(conn, app, items)
            for it in todo:
                await accounts_store.import_accounts(
                    conn, app.sdkappid, [it.user_id], now=now, type_=it.type
                )
                tags = _profile_tags(it)
                if tags:
                    await profile_store.set_tags(conn, app.sdkappid, it.user_id, tags)
        if failed and len(items) == 1:
            raise ImError(Code.ERR_SVR_ACCOUNT_COUNT_LIMIT)
        return failed

    async def delete(self, app: App, user_ids: Iterable[str]) -> dict[str, int]:
        """Delete accounts and close their connections (``KICKED_OUT``
        ``REST_API_Kick``); returns UserID -> result code (0 ok, 70107 not found).

        What goes with the account is the app's ``account_delete_mode``:
        ``tencent`` (profile and relations; messages and the rest stay),
        ``erase`` or ``erase_redact`` (everything only the user has, and with
        ``erase_redact`` the bodies of the messages the user sent: see
        :mod:`palaver.services.userdata`)."""
        result: dict[str, int] = {}
        mode = app.settings.account_delete_mode
        async with self._db.write() as conn:
            for u in user_ids:
                if mode == "tencent":
                    ok = await accounts_store.delete_account(conn, app.sdkappid, u)
                else:
                    done = await userdata_store.erase(
                        conn, app.sdkappid, u, redact=mode == "erase_redact"
                    )
                    ok = bool(done.get("accounts"))
                result[u] = 0 if ok else 70107
                if ok:  # importing it again must not revive its UserSigs
                    await accounts_store.mark_deleted(conn, app.sdkappid, u, int(time.time()))
                self._kicked.drop((app.sdkappid, u))
                self._known.discard((app.sdkappid, u))
        for user, code in result.items():
            if code == 0:  # a deleted account's live connections end now
                await self._publisher.kick(app.sdkappid, user, REST_KICK)
        return result

    def known(self, app: App, user_id: str) -> bool:
        """``user_id`` is known to be imported (remembered; no storage read)."""
        return (app.sdkappid, user_id) in self._known

    async def existing(self, app: App, user_ids: Iterable[str]) -> set[str]:
        """The subset of ``user_ids`` that are imported.

        Known accounts are remembered; an account deleted through another node
        stays known here until this node restarts.
        """
        ids = set(user_ids)
        have = {u for u in ids if (app.sdkappid, u) in self._known}
        if len(have) < len(ids):
            async with self._db.read() as conn:
                found = await accounts_store.existing(conn, app.sdkappid, ids - have)
            self._known.update((app.sdkappid, u) for u in found)
            have |= found
        return have

    async def require(self, app: App, user_ids: Iterable[str], code: int) -> None:
        """Raise ImError(``code``) naming the first UserID that is not imported."""
        ids = list(user_ids)
        have = await self.existing(app, ids)
        for u in ids:
            if u not in have:
                raise ImError(code, f"account {u!r} does not exist")

    async def kick(self, app: App, user_id: str) -> int:
        """Invalidate every UserSig of ``user_id`` issued up to now (this second
        included: :func:`voided_by_kick`) and close the
        user's connections (``KICKED_OUT`` ``REST_API_Kick``); returns the kick time.

        Raises:
            ImError: 70107 if the account is not imported.
        """
        now = int(time.time())
        async with self._db.write() as conn:
            if not await accounts_store.set_kicked_at(conn, app.sdkappid, user_id, now):
                raise ImError(Code.ERR_SVR_ACCOUNT_NOT_FOUND)
        self._kicked.put((app.sdkappid, user_id), now)
        await self._publisher.kick(app.sdkappid, user_id, REST_KICK)
        return now

    async def online_status(self, app: App, user_ids: Sequence[str]) -> dict[str, list[str]]:
        """REST ``query_online_status``: the platforms each imported user is online
        on (empty: offline); accounts that are not imported are left out."""
        have = await self.existing(app, user_ids)
        return await self._presence.online(app.sdkappid, [u for u in user_ids if u in have])

    async def kicked_at(self, app: App, user_id: str) -> int | None:
        """Last kick time of a user (0 if never), ``None`` if not imported."""
        key = (app.sdkappid, user_id)
        hit = self._kicked.get(key)
        if hit is not None:
            return hit
        # one indexed row with no thread hop (Database.read_now): nearly every login
        # comes here (the cache lives 2 s), after a restart every login of the storm
        v = await self._db.read_now(accounts_store.kicked_at_sync, app.sdkappid, user_id)
        if v is not None:
            self._kicked.put(key, v)
        return v


def voided_by_kick(issued: int, kicked: int) -> bool:
    """Whether a UserSig issued at ``issued`` (unix s) is void after a kick at
    ``kicked`` (unix s; 0: never kicked). A UserSig carries its time in whole
    seconds, so one minted in the kick's own second cannot be told from one
    minted just before it: it is void too (issue 13 §1.10). A new UserSig works
    from the next second on."""
    return bool(kicked) and issued <= kicked


def _profile_tags(item: ImportItem) -> dict[str, str]:
    """The profile tags an import sets: ``Tag_Profile_IM_Nick`` and
    ``Tag_Profile_IM_Image`` (FaceUrl), those given."""
    tags: dict[str, str] = {}
    if item.nick is not None:
        tags["Tag_Profile_IM_Nick"] = item.nick
    if item.face_url is not None:
        tags["Tag_Profile_IM_Image"] = item.face_url
    return tags


async def _within_limit(
    conn: Tx, app: App, items: Sequence[ImportItem]
) -> tuple[list[ImportItem], list[str]]:
    """(the items to import, the UserIDs that fail): with the app's
    ``max_accounts`` set, new accounts past the limit fail (existing ones are
    always re-imported)."""
    limit = app.settings.max_accounts
    if not limit:
        return list(items), []
    have = await accounts_store.existing(conn, app.sdkappid, [i.user_id for i in items])
    room = limit - await accounts_store.count(conn, app.sdkappid)
    kept: list[ImportItem] = []
    failed: list[str] = []
    for it in items:
        if it.user_id in have:
            kept.append(it)
        elif room > 0:
            room -= 1
            kept.append(it)
        else:
            failed.append(it.user_id)
    return kept, failed
