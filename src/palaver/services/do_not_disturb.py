"""A user's app-wide do-not-disturb (Tencent's ``setAllReceiveMessageOpt`` /
``getAllReceiveMessageOpt``, as ``@tencentcloud/chat`` 3.x sends them).

The user names a time window, ``StartTime`` to ``EndTime`` (unix seconds), once or
every day at those hours (``IsRepeated``; a repeated window of 24 hours or more
is the whole day), and a level: ``AcceptNotNotify`` (2) or ``Discard`` (1).
A change reaches the user's devices online as ``ALL_RECEIVE_MESSAGE_OPT_UPDATED``
(Tencent's push event 26). Inside the window messages still arrive, online and in the history, but get no
offline push: the offline-push hook (``C2C.CallbackAfterSendMsg`` says
``PushFlag`` 1; ``Group.CallbackAfterSendMsg`` leaves the user out of
``OfflineMemberList``). ``Discard`` acts as ``AcceptNotNotify`` here: Palaver drops
no messages for it. Level ``AcceptAndNotify`` (0) turns it off.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

from palaver.errors import Code, ImError
from palaver.model.events import AllReceiveOptChanged
from palaver.services.ports import Clock, Publisher, SystemClock
from palaver.storage import Database
from palaver.storage import relay as relay_store
from palaver.storage.relay import DoNotDisturb

if TYPE_CHECKING:
    from palaver.services.apps import App

__all__ = ["DAY", "LEVELS", "DoNotDisturb", "DoNotDisturbService"]

DAY = 86_400
#: level <-> Tencent's remind type names (as ``Mute_Notifications``)
LEVELS = {"AcceptAndNotify": 0, "Discard": 1, "AcceptNotNotify": 2}
RemindOf = Callable[["App", str, str], Awaitable[str]]


def in_window(d: DoNotDisturb, now: int) -> bool:
    """Whether ``now`` (unix s) falls in ``d``'s window (False when it is off)."""
    if d.level == 0:
        return False
    length = d.end_time - d.start_time
    if not d.repeated:
        return d.start_time <= now < d.end_time
    if length >= DAY:
        return True
    return (now - d.start_time) % DAY < length


class DoNotDisturbService:
    """App-wide do-not-disturb per user, and the offline-push gates it makes.

    Args:
        db: the database.
        publisher: tells the user's devices of a change (``ALL_RECEIVE_MESSAGE_OPT_UPDATED``).
        clock: what ``now`` is.
    """

    def __init__(self, db: Database, publisher: Publisher, clock: Clock | None = None) -> None:
        self._db = db
        self._publisher = publisher
        self._clock = clock or SystemClock()

    async def save(self, app: App, user: str, d: DoNotDisturb) -> None:
        """Set ``user``'s do-not-disturb; their devices online get
        ``ALL_RECEIVE_MESSAGE_OPT_UPDATED``.

        Raises:
            ImError: 6017 a level other than 0, 1, 2, a negative time, or an end
                before the start.
        """
        if d.level not in LEVELS.values():
            raise ImError(Code.ERR_INVALID_PARAMETERS, "Level: 0, 1 or 2")
        if d.start_time < 0 or d.end_time < d.start_time:
            raise ImError(Code.ERR_INVALID_PARAMETERS, "StartTime <= EndTime, both unix seconds")
        async with self._db.write() as conn:
            await relay_store.save_dnd(conn, app.sdkappid, user, d)
        change = AllReceiveOptChanged(d.level, d.start_time, d.end_time, d.repeated)
        await self._publisher.notice(app.sdkappid, [user], change)

    async def get(self, app: App, user: str) -> DoNotDisturb:
        """``user``'s do-not-disturb (level 0 when never set)."""
        async with self._db.read() as conn:
            found = await relay_store.dnd_of(conn, app.sdkappid, [user])
        return found.get(user, DoNotDisturb())

    async def quiet(self, app: App, users: Sequence[str]) -> set[str]:
        """Those of ``users`` whose do-not-disturb window is on now."""
        async with self._db.read() as conn:
            found = await relay_store.dnd_of(conn, app.sdkappid, users)
        now = int(self._clock.time())
        return {u for u, d in found.items() if in_window(d, now)}

    async def push_filter(self, app: App, conversation_id: str, users: list[str]) -> list[str]:
        """The offline-push hook's gate (``CallbackService.push_filter``): those of
        ``users`` who still want an offline push now."""
        quiet = await self.quiet(app, users)
        return [u for u in users if u not in quiet]

    def remind_type(self, inner: RemindOf) -> RemindOf:
        """``inner`` (a C2C conversation's remind type, ``remind_of(app, receiver,
        sender)``) made ``AcceptNotNotify`` while the receiver's window is on."""

        async def remind(app: App, receiver: str, sender: str) -> str:
            r = await inner(app, receiver, sender)
            if r == "AcceptAndNotify" and await self.quiet(app, [receiver]):
                return "AcceptNotNotify"
            return r

        return remind
