"""Global mutes: Tencent IM REST ``openconfigsvr/setnospeaking`` and
``getnospeaking`` (cloud.tencent.com/document/product/269/4230, 4229).

An account can be muted for C2C messages and for group messages, each for a
number of seconds or for ever (:data:`FOREVER`).  While muted its sends fail:
C2C with 20012, group with 10017 — before the app backend's before-send
callback, which a muted send never reaches.  A mute ends by itself when its
time is up.  The check runs on every send (:class:`~palaver.services.send_rules.SendRules`)
and is cached for :data:`MUTE_TTL` seconds: a change through this node applies
at once, one through another node within the TTL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from palaver.errors import Code, ImError
from palaver.services.accounts import validate_user_id
from palaver.services.cache import TTLCache
from palaver.services.ports import Clock, SystemClock
from palaver.storage import Database
from palaver.storage import accounts as account_store
from palaver.storage import people as people_store

if TYPE_CHECKING:
    from palaver.services.apps import App

FOREVER = 4294967295  # 0xFFFFFFFF: muted for ever (Tencent's value)
MUTE_TTL = 10.0  # seconds a cached mute is trusted (changes on other nodes)

# openconfigsvr's codes
BAD_JSON = 130001
NO_ACCOUNT_FIELD = 130004
BAD_ACCOUNT = 130005
NO_TIME = 130008


@dataclass(frozen=True)
class MuteState:
    """Seconds of mute left (0 none, :data:`FOREVER` for ever), C2C and group."""

    c2c: int
    group: int


def _left(until: int, now: int) -> int:
    if until >= FOREVER:
        return FOREVER
    return max(until - now, 0)


class GlobalMutes:
    """The global mutes of every app.

    Args:
        db: the database.
        clock: when mutes end.
    """

    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self._db = db
        self._clock = clock or SystemClock()
        self._cache: TTLCache[tuple[int, int]] = TTLCache(ttl=MUTE_TTL)

    async def _require(self, app: App, user: str) -> None:
        try:
            validate_user_id(user)
        except ImError:
            raise ImError(BAD_ACCOUNT, f"invalid account {user!r}") from None
        async with self._db.read() as conn:
            if not await account_store.existing(conn, app.sdkappid, [user]):
                raise ImError(BAD_ACCOUNT, f"account {user!r} does not exist")

    async def set(self, app: App, user: str, c2c: int | None, group: int | None) -> None:
        """Mute ``user`` for ``c2c`` / ``group`` seconds from now (0 unmutes,
        :data:`FOREVER` for ever, ``None`` leaves that one as it is).

        Raises:
            ImError: 130008 neither given; 130005 ``user`` is not an account
                or a time is out of 0..4294967295.
        """
        if c2c is None and group is None:
            raise ImError(NO_TIME, "give C2CmsgNospeakingTime or GroupmsgNospeakingTime")
        for t in (c2c, group):
            if t is not None and not 0 <= t <= FOREVER:
                raise ImError(BAD_ACCOUNT, "a mute time is 0..4294967295 seconds")
        await self._require(app, user)
        now = int(self._clock.time())

        def until(seconds: int | None, old: int) -> int:
            if seconds is None:
                return old
            if seconds >= FOREVER:
                return FOREVER
            return now + seconds if seconds else 0

        async with self._db.write() as conn:
            old_c2c, old_group = await people_store.global_mute(conn, app.sdkappid, user)
            await people_store.set_global_mute(
                conn, app.sdkappid, user, until(c2c, old_c2c), until(group, old_group)
            )
        self._cache.clear()

    async def get(self, app: App, user: str) -> MuteState:
        """What is left of ``user``'s mutes.

        Raises:
            ImError: 130005 ``user`` is not an account.
        """
        await self._require(app, user)
        async with self._db.read() as conn:
            c2c, group = await people_store.global_mute(conn, app.sdkappid, user)
        now = int(self._clock.time())
        return MuteState(_left(c2c, now), _left(group, now))

    def known_unmuted(self, app: App, sender: str) -> bool:
        """Whether the cache knows ``sender`` has no global mute (no I/O; ``False``
        when not cached: :meth:`check` then loads it)."""
        cached = self._cache.get((app.sdkappid, sender))
        return cached is not None and not cached[0] and not cached[1]

    async def check(self, app: App, sender: str, kind: str) -> None:
        """Refuse a send by a muted ``sender`` (``kind`` ``"C2C"`` or ``"Group"``).

        Raises:
            ImError: 20012 muted for C2C; 10017 muted for groups.
        """

        async def load() -> tuple[int, int]:
            async with self._db.read() as conn:
                return await people_store.global_mute(conn, app.sdkappid, sender)

        c2c, group = await self._cache.get_or_load((app.sdkappid, sender), load)
        if not c2c and not group:
            return
        now = self._clock.time()
        if kind == "C2C" and c2c > now:
            raise ImError(Code.ERR_SVR_MSG_SHUTUP_DENY, "the sender is muted (setnospeaking)")
        if kind == "Group" and group > now:
            raise ImError(Code.ERR_SVR_GROUP_SHUTUP_DENY, "the sender is muted (setnospeaking)")
