"""Friend applications (Tencent's "pendency"; the SDK's friend applications).

A user whose ``AllowType`` is ``NeedConfirm`` gets an application instead of a
new friend (``friend_add`` answers 30539); the SDK's
``getFriendApplicationList``, ``acceptFriendApplication``,
``refuseFriendApplication`` and ``deleteFriendApplication`` work on them.
Both parties of a changed application get ``FRIEND_APPLICATION_LIST_UPDATED``
(:mod:`.changes`). A user's answer first goes to the app backend's
``Sns.CallbackPrevFriendResponse`` (:meth:`FriendApplications.respond`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from palaver.errors import Code, ImError
from palaver.model import callbacks as cb
from palaver.services.sns import model
from palaver.services.sns.changes import ChangeFeed, Changes
from palaver.services.sns.model import (
    MAX_REMARK_BYTES,
    RESPONSE_AGREE_AND_ADD,
    RESPONSE_REJECT,
    Friend,
    FriendResponse,
    ItemResult,
    PendingApplications,
    check_groups,
    limit_bytes,
    possible_ids,
    refused_items,
)
from palaver.storage import Database
from palaver.storage import sns as sns_store

if TYPE_CHECKING:
    from palaver.services.apps import App
    from palaver.services.callbacks import CallbackService


CLOCK_SLACK_S = 2
"""Seconds a client's idea of "now" may lag ours (see :meth:`FriendApplications.set_read`)."""


class FriendApplications:
    """Pending friend applications of every app.

    Args:
        db: the database.
        feed: publishes committed changes (and forgets cached relations).
        callbacks: the app backend's ``Sns.CallbackPrevFriendResponse``.
    """

    def __init__(
        self, db: Database, feed: ChangeFeed, callbacks: CallbackService | None = None
    ) -> None:
        self._db = db
        self._feed = feed
        self._callbacks = callbacks

    async def pending(
        self, app: App, user: str, *, incoming: bool = True, outgoing: bool = True
    ) -> PendingApplications:
        """Pending applications sent to ``user`` (``incoming``) and/or by ``user``,
        newest first, with ``user``'s read mark.

        The SDK's ``getFriendApplicationList`` (``Pendency_Type_ComeIn`` /
        ``SendOut`` / ``Both``).
        """
        async with self._db.read() as conn:
            found = await sns_store.applications_of(
                conn, app.sdkappid, user, incoming=incoming, outgoing=outgoing
            )
            read_time = await sns_store.applications_read_at(conn, app.sdkappid, user)
        return PendingApplications(user, found, read_time)

    async def set_read(self, app: App, user: str, up_to: int = 0) -> int:
        """``user`` has seen the applications sent to them up to ``up_to`` (unix s;
        0, a time to come or one within :data:`CLOCK_SLACK_S` of now: now);
        returns the read time. The slack is there because a client's clock is
        synced to ours in whole seconds (Tencent's ``wslogin`` ``TimeStamp``):
        the SDK's "now" runs up to a second behind and would leave an
        application made in the same second unread. Their devices get
        ``FRIEND_APPLICATION_LIST_UPDATED`` (``unreadCount`` drops) unless the
        mark did not move.

        The SDK's ``setFriendApplicationRead`` (``sns.pendency_report``).
        """
        now = int(time.time())
        at = now if not up_to or up_to >= now - CLOCK_SLACK_S else up_to
        async with self._db.write() as conn:
            if not await sns_store.set_applications_read(conn, app.sdkappid, user, at):
                return await sns_store.applications_read_at(conn, app.sdkappid, user)
            changes = Changes()
            changes.applications_read(user, at)
            events = await self._feed.commit(conn, app, changes)
        await self._feed.publish(app.sdkappid, events)
        return at

    async def respond(
        self, app: App, user: str, items: Sequence[FriendResponse], *, client: bool = False
    ) -> list[ItemResult]:
        """``user`` answers pending friend applications, each by its ``action``
        (:meth:`accept`, with ``add_back`` for ``Response_Action_AgreeAndAdd``, or
        :meth:`refuse`): Tencent's ``friend_response``, the SDK's
        ``acceptFriendApplication`` and ``refuseFriendApplication``.

        A user's answer (``client``; Tencent asks nothing of REST) first goes to the
        app backend's ``Sns.CallbackPrevFriendResponse`` when the app wants it, one
        request for all ``items``: an applicant it answers with a ``ResultCode``
        other than 0 (``ResultItem``) gets that code if in 38000–39000 (else 38000)
        and its ``ResultInfo``, and their application stays pending. An
        ``ErrorCode`` other than 0 (the backend failed) is ignored, as by Tencent,
        unless the command fails closed.

        Returns one result per item, in order: code 0, or the item's error (30614
        no pending application, 30001 a bad remark or group, 30010 / 30014 a full
        list, the backend's 38000–39000) with its text.

        Raises:
            ImError: the command is in ``callback_fail_closed`` and the backend did
                not answer (38000) or answered with an ``ErrorCode`` (that code and
                ``ErrorInfo`` if in 38000–39000, else 38000).
        """
        refused = await self._prev_response(app, user, items) if client else {}
        out: list[ItemResult] = []
        for it in items:
            verdict = refused.get(it.requester)
            if verdict is not None:
                out.append(verdict)
                continue
            try:
                if it.action == RESPONSE_REJECT:
                    await self.refuse(app, user, it.requester)
                else:
                    await self.accept(
                        app,
                        user,
                        it.requester,
                        add_back=it.action == RESPONSE_AGREE_AND_ADD,
                        remark=it.remark,
                        group_name=it.group_name,
                    )
            except ImError as exc:
                out.append(ItemResult(it.requester, exc.code, exc.info))
            else:
                out.append(ItemResult(it.requester))
        return out

    async def _prev_response(
        self, app: App, user: str, items: Sequence[FriendResponse]
    ) -> dict[str, ItemResult]:
        """Ask ``Sns.CallbackPrevFriendResponse``: the applicants the backend refuses."""
        if self._callbacks is None:
            return {}
        body = {
            "Requester_Account": user,
            "From_Account": user,
            "ResponseFriendItem": [
                {
                    "To_Account": it.requester,
                    "Remark": it.remark,
                    "TagName": it.group_name,
                    "ResponseAction": it.action,
                }
                for it in items
            ],
        }
        reply = await self._callbacks.ask(
            app,
            cb.SNS_PREV_FRIEND_RESPONSE,
            body,
            refused=Code.SNS_CALLBACK_REFUSED,
        )
        return refused_items(reply, cb.SNS_OWN_CODES)

    async def accept(
        self,
        app: App,
        user: str,
        requester: str,
        *,
        add_back: bool = True,
        remark: str = "",
        group_name: str = "",
    ) -> None:
        """``user`` accepts ``requester``'s pending application (SDK
        ``acceptFriendApplication``).

        ``requester`` gets ``user`` in its list with the application's source,
        remark, group and wording.  With ``add_back`` (the SDK's
        ``Response_Action_AgreeAndAdd``, the default) ``user`` also gets
        ``requester``, with ``remark`` / ``group_name``; without it
        (``Response_Action_Agree``) the friendship is one-way.  Pending
        applications the new friendship satisfies are removed.

        Raises:
            ImError: 30614 no pending application from ``requester`` to ``user``;
                30001 bad remark/group; 30014 ``requester``'s list is full;
                30010 ``user``'s list is full (only with ``add_back``).
        """
        limit_bytes("Remark", remark, MAX_REMARK_BYTES)
        if group_name:
            check_groups([group_name])
        app_id = app.sdkappid
        now = int(time.time())
        if not possible_ids([requester]):
            raise ImError(
                Code.ERR_SVR_FRIENDSHIP_PENDENCY_NOT_FOUND,
                f"no pending friend request from {requester[:40]!r}",
            )
        async with self._db.write() as conn:
            req = next(
                (
                    r
                    for r in await sns_store.applications_between(conn, app_id, user, [requester])
                    if r.from_user == requester
                ),
                None,
            )
            if req is None:
                raise ImError(
                    Code.ERR_SVR_FRIENDSHIP_PENDENCY_NOT_FOUND,
                    f"no pending friend request from {requester!r}",
                )
            links = await sns_store.friend_links(conn, app_id, user, [requester])
            counts = await sns_store.count_friends(conn, app_id, [user, requester])
            rows: list[Friend] = []
            if requester not in links.incoming:
                if counts[requester] >= model.MAX_FRIENDS:
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
                if counts[user] >= model.MAX_FRIENDS:
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
            await sns_store.insert_friends(conn, app_id, rows)
            await sns_store.delete_application_links(
                conn,
                app_id,
                user,
                outgoing=[requester] if add_back else [],
                incoming=[requester],
            )
            changes = Changes()
            changes.applications_removed([req])
            for f in rows:
                changes.friends_added(f.owner, [f.peer])
            events = await self._feed.commit(conn, app, changes)
        await self._feed.publish(app_id, events)

    async def refuse(self, app: App, user: str, requester: str) -> None:
        """``user`` refuses (deletes) ``requester``'s pending application (SDK
        ``refuseFriendApplication`` / ``deleteFriendApplication``).

        Raises:
            ImError: 30614 no pending application from ``requester`` to ``user``.
        """
        await self._drop(app, requester, user)

    async def cancel(self, app: App, user: str, target: str) -> None:
        """``user`` withdraws its own pending application to ``target``.

        Raises:
            ImError: 30614 no pending application from ``user`` to ``target``.
        """
        await self._drop(app, user, target)

    async def _drop(self, app: App, from_user: str, to_user: str) -> None:
        """Remove the pending application ``from_user`` -> ``to_user`` (30614 if none)."""
        if len(possible_ids([from_user, to_user])) < 2:
            raise ImError(Code.ERR_SVR_FRIENDSHIP_PENDENCY_NOT_FOUND, "friend request not found")
        async with self._db.write() as conn:
            found = await sns_store.applications_between(conn, app.sdkappid, from_user, [to_user])
            gone = [r for r in found if r.from_user == from_user and r.to_user == to_user]
            if not gone:
                raise ImError(
                    Code.ERR_SVR_FRIENDSHIP_PENDENCY_NOT_FOUND, "friend request not found"
                )
            await sns_store.delete_application_links(
                conn, app.sdkappid, from_user, outgoing=[to_user]
            )
            changes = Changes()
            changes.applications_removed(gone)
            events = await self._feed.commit(conn, app, changes)
        await self._feed.publish(app.sdkappid, events)
