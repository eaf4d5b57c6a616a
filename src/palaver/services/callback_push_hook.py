"""The offline-push hook's lookups (issue 12 §3), kept off the send path.

``C2C.CallbackAfterSendMsg`` and ``Group.CallbackAfterSendMsg`` tell the app
backend who was offline and who wants no offline push. What needs the database is
decided away from each send:

- do-not-disturb (a C2C conversation's remind type, a group member's ``MsgFlag``
  and everyone's app-wide window) when the delivery pass posts the callback
  (:func:`decide_c2c`, :func:`filter_groups`: one lookup per conversation or
  group and pass, not per message);
- a group's member list, needed at send time to know which members are offline
  then, comes from :class:`MemberFlags`, a cache of at most :data:`MEMBERS_TTL`
  seconds (one read per group and TTL instead of one per message); the delivery
  pass reads it afresh (:meth:`MemberFlags.fresh`) and drops who has left since.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from palaver.model import callbacks as cb
from palaver.storage import Database
from palaver.storage import group_members as member_store
from palaver.storage.callbacks import OutboxRow

if TYPE_CHECKING:
    from palaver.services.apps import App

#: (app, conversation id such as ``GROUP<id>``, offline users) -> those who still want a push
PushFilter = Callable[["App", str, list[str]], Awaitable[list[str]]]
#: ``remind_type(app, receiver, sender)``: the receiver's do-not-disturb of the C2C conversation
RemindOf = Callable[["App", str, str], Awaitable[str]]

#: seconds a group's member list is reused for ``OfflineMemberList``
MEMBERS_TTL = 2.0
#: groups whose member lists are kept at once (the least recently used go first)
MEMBERS_KEPT = 1024

ACCEPT_AND_NOTIFY = "AcceptAndNotify"


class MemberFlags:
    """Each group's members and their ``MsgFlag``, read at most every
    :data:`MEMBERS_TTL` seconds (a member who joined or left within that time may
    be missing from, or still in, an ``OfflineMemberList``). The sends that find a
    group's list expired together wait for one read (not one read each: a burst
    of a group's messages would otherwise read it once per message in flight)."""

    def __init__(self, db: Database, clock: Callable[[], float] = time.monotonic) -> None:
        self._db = db
        self._clock = clock
        self._kept: OrderedDict[tuple[int, str], tuple[float, dict[str, str]]] = OrderedDict()
        #: the read in progress of each group, that :meth:`get` joins
        self._reading: dict[tuple[int, str], asyncio.Future[dict[str, str]]] = {}
        self.reads = 0  # database reads (for tests)

    async def get(self, app_id: int, group_id: str) -> dict[str, str]:
        """{member: ``MsgFlag``} of the group (no more than :data:`MEMBERS_TTL` s old),
        in user id order."""
        key = (app_id, group_id)
        hit = self._kept.get(key)
        if hit is not None and hit[0] > self._clock():
            self._kept.move_to_end(key)
            return hit[1]
        reading = self._reading.get(key)
        if reading is not None:
            try:
                return await asyncio.shield(reading)
            except Exception:  # that read failed: try one of our own
                pass
        return await self.fresh(app_id, group_id)

    async def fresh(self, app_id: int, group_id: str) -> dict[str, str]:
        """{member: ``MsgFlag``} of the group, read now (and kept for :meth:`get`),
        in user id order."""
        key = (app_id, group_id)
        now = self._clock()
        reading: asyncio.Future[dict[str, str]] = asyncio.get_running_loop().create_future()
        self._reading[key] = reading
        self.reads += 1
        try:
            async with self._db.read() as conn:
                flags = dict(
                    sorted((await member_store.member_msg_flags(conn, app_id, group_id)).items())
                )
        except BaseException as exc:  # those who joined it read again
            failed = exc if isinstance(exc, Exception) else RuntimeError("read cancelled")
            reading.set_exception(failed)
            reading.exception()  # retrieved (no "never retrieved" warning)
            raise
        finally:
            if self._reading.get(key) is reading:
                del self._reading[key]
        reading.set_result(flags)
        self._kept[key] = (now + MEMBERS_TTL, flags)
        self._kept.move_to_end(key)
        while len(self._kept) > MEMBERS_KEPT:
            self._kept.popitem(last=False)
        return flags


async def decide_c2c(
    remind_type: RemindOf,
    apps: dict[int, App | None],
    rows: list[OutboxRow],
    bodies: dict[int, dict[str, Any]],
) -> None:
    """C2C do-not-disturb, decided when a pass posts the callbacks: a
    ``C2C.CallbackAfterSendMsg`` whose receiver has do-not-disturb on the
    conversation (``setMessageRemindType``, REST ``MsgFlag``) or app-wide
    (``setAllReceiveMessageOpt``) gets ``OfflinePushInfo.PushFlag`` 1 and
    ``To_Account_MsgFlag``. One lookup per (receiver, sender) and pass."""
    memo: dict[tuple[int, str, str], str] = {}
    for row in rows:
        body = bodies.get(row.id)
        app = apps.get(row.app_id)
        if row.command != cb.C2C_AFTER_SEND or body is None or app is None:
            continue
        if "To_Account_MsgFlag" in body:  # decided before (rows of older releases)
            continue
        key = (row.app_id, str(body.get("To_Account")), str(body.get("From_Account")))
        remind = memo.get(key)
        if remind is None:
            memo[key] = remind = await remind_type(app, key[1], key[2])
        if remind != ACCEPT_AND_NOTIFY:  # do-not-disturb: no offline push for it
            body["OfflinePushInfo"] = {**(body.get("OfflinePushInfo") or {}), "PushFlag": 1}
            body["To_Account_MsgFlag"] = remind


async def filter_groups(
    members: MemberFlags,
    push_filter: PushFilter | None,
    apps: dict[int, App | None],
    rows: list[OutboxRow],
    bodies: dict[int, dict[str, Any]],
) -> None:
    """Group members' do-not-disturb, decided when a pass posts the callbacks: each
    ``Group.CallbackAfterSendMsg``'s ``OfflineMemberList`` (who was offline when it
    was sent) keeps the members who are still members with ``MsgFlag``
    ``AcceptAndNotify`` (``setMessageRemindType``, REST ``MsgFlag``) and whom
    ``push_filter`` (the app-wide do-not-disturb) lets through. One read of the
    members and one ``push_filter`` call per group and pass."""
    by_group: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for row in rows:
        body = bodies.get(row.id)
        if row.command != cb.GROUP_AFTER_SEND or body is None:
            continue
        if isinstance(body.get("OfflineMemberList"), list) and body["OfflineMemberList"]:
            by_group.setdefault((row.app_id, str(body.get("GroupId"))), []).append(body)
    for (app_id, group_id), group_bodies in by_group.items():
        app = apps.get(app_id)
        if app is None:
            continue
        flags = await members.fresh(app_id, group_id)
        listed = {m.get("Member_Account") for b in group_bodies for m in b["OfflineMemberList"]}
        users = sorted(u for u in flags if u in listed and flags[u] == ACCEPT_AND_NOTIFY)
        wanted = set(users)
        if push_filter is not None and users:
            wanted = set(await push_filter(app, f"GROUP{group_id}", users))
        for b in group_bodies:
            b["OfflineMemberList"] = [
                m for m in b["OfflineMemberList"] if m.get("Member_Account") in wanted
            ]
