"""Who is in a group: add, import, kick, join, quit and applications; the
member's own settings (role, name card, custom data, message flag, mute) come
from :class:`~.member_settings.MemberSettings`, which :class:`GroupMembers` extends.

Tencent IM REST ``add_group_member``, ``import_group_member`` and
``delete_group_member``; the SDK's ``joinGroup``, ``quitGroup``,
``addGroupMember``, ``deleteGroupMember``, ``getGroupApplicationList`` and
``handleGroupApplication``.

Every call takes the acting user (``operator``) and ``admin`` (an App admin
through REST, who may do anything an owner may); roles apply otherwise: the
owner outranks admins, who outrank members.

The app backend's callbacks, as Tencent sends them: ``Group.CallbackBeforeApplyJoinGroup``
(a user asks to join) and ``Group.CallbackBeforeInviteJoinGroup`` (members are
added or invited; the backend may refuse some) before; ``Group.CallbackAfterNewMemberJoin``,
``Group.CallbackAfterMemberExit`` and ``Group.CallbackAfterGroupFull`` after, through the
outbox. ``import_group_member`` sends none (Tencent: "without triggering callbacks").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from palaver.errors import Code, ImError
from palaver.model import callbacks as cb
from palaver.model.messages import group_conv_id
from palaver.services.groups import tips
from palaver.services.groups.bans import refuse_banned
from palaver.services.groups.directory import GroupDirectory
from palaver.services.groups.member_settings import MemberSettings
from palaver.services.groups.model import (
    ADD_ALREADY,
    ADD_FAILED,
    ADD_OK,
    OPEN_HISTORY,
    TIP_JOIN,
    TIP_KICKED,
    TIP_QUIT,
    Group,
    GroupApplication,
    MemberSpec,
    new_member,
)
from palaver.services.groups.tips import GroupTips
from palaver.services.ports import Audience, Clock
from palaver.storage import Database, Tx
from palaver.storage import group_extras as extras_store
from palaver.storage import group_members as member_store
from palaver.storage import group_messages as group_msg_store
from palaver.storage import groups as group_store
from palaver.storage.group_members import NewMember

if TYPE_CHECKING:
    from palaver.services.accounts import AccountService
    from palaver.services.apps import App
    from palaver.services.callbacks import CallbackService
    from palaver.services.moderation import ModerationService


class GroupMembers(MemberSettings):
    """Memberships of every group, and (:class:`~.member_settings.MemberSettings`)
    the members' own settings.

    Args:
        db: the database.
        accounts: checks that new members are imported accounts.
        directory: groups and memberships (and their caches).
        tips: tips and membership events.
        clock: time (join times, mutes).
        moderation: sensitive words in name cards.
        callbacks: the app backend's callbacks (before a user applies to join or
            members are invited; after members join or leave, or the group fills up).
        audience: who follows a live room on this node (an AVChatRoom's join and
            exit callbacks are sent for a user's first and last connection in it).
    """

    def __init__(
        self,
        db: Database,
        accounts: AccountService,
        directory: GroupDirectory,
        tips: GroupTips,
        clock: Clock,
        moderation: ModerationService | None = None,
        callbacks: CallbackService | None = None,
        audience: Audience | None = None,
    ) -> None:
        super().__init__(db, accounts, directory, tips, clock, moderation)
        self._callbacks = callbacks
        self._audience = audience

    async def _stage(
        self, conn: Tx, app: App, command: str, group: Group, body: dict[str, Any]
    ) -> bool:
        """Write a membership event's after-callback in its transaction (if wanted)."""
        if self._callbacks is None:
            return False
        body = {"GroupId": group.group_id, "Type": group.type, **body}
        return await self._callbacks.stage(conn, app, command, group_conv_id(group.group_id), body)

    def _sent(self, staged: bool) -> None:
        if staged and self._callbacks is not None:
            self._callbacks.sent()

    # -- joining and leaving ------------------------------------------------------

    async def _admit(
        self,
        app: App,
        group: Group,
        specs: list[MemberSpec],
        join: tuple[str, str] | None = None,
    ) -> tuple[dict[str, int], list[str]]:
        """Insert new memberships: (result per user, users added). They get
        ``GROUP_LIST_UPDATED`` ``joined``; a banned user is not added
        (:data:`ADD_FAILED`). With ``join`` (``JoinType`` ``Apply`` or ``Invited``,
        the operator; not for imports) the app backend gets
        ``Group.CallbackAfterNewMemberJoin``, and ``Group.CallbackAfterGroupFull``
        when this fills the group to its ``MaxMemberNum`` or is refused for it.

        Raises:
            ImError: 10014 the group would be over its limit (nobody is added).
        """
        users = [sp.user_id for sp in specs]
        have = await self._accounts.existing(app, users)
        now = int(self._clock.time())
        async with self._db.write() as conn:
            count = (await member_store.member_counts(conn, app.sdkappid, [group.group_id]))[
                group.group_id
            ]
            top = await group_store.head(conn, app.sdkappid, group.group_id)
            result, rows = await _plan(conn, app, group, specs, have, now, top)
            limit = group.max_members
            over = bool(limit) and count + len(rows) > limit
            staged = False
            if not over:
                await member_store.insert_members(conn, app.sdkappid, group.group_id, rows)
                if join is not None and rows:
                    filled = bool(limit) and count + len(rows) == limit
                    staged = await self._stage_joined(conn, app, group, join, rows, filled)
        if over:
            if join is not None and self._callbacks is not None:
                await self._callbacks.event(
                    app,
                    cb.GROUP_AFTER_FULL,
                    group_conv_id(group.group_id),
                    {"GroupId": group.group_id},
                )
            raise ImError(Code.ERR_SVR_GROUP_FULL_MEMBER_COUNT, "the group is full")
        self._sent(staged)
        added = [r.user_id for r in rows]
        self._directory.forget(app, group.group_id, added)
        await self._tips.membership_events(
            app, [(u, tips.joined(group, top, "Member")) for u in added]
        )
        return result, added

    async def _stage_joined(
        self,
        conn: Tx,
        app: App,
        group: Group,
        join: tuple[str, str],
        rows: list[NewMember],
        filled: bool,
    ) -> bool:
        """In the join's transaction: ``Group.CallbackAfterNewMemberJoin`` and, if
        the group is now full, ``Group.CallbackAfterGroupFull`` (``GroupId``)."""
        staged = await self._stage(
            conn,
            app,
            cb.GROUP_AFTER_NEW_MEMBER_JOIN,
            group,
            {
                "JoinType": join[0],
                "Operator_Account": join[1],
                "NewMemberList": [{"Member_Account": r.user_id} for r in rows],
            },
        )
        if filled and self._callbacks is not None:
            gid = group.group_id
            full = await self._callbacks.stage(
                conn, app, cb.GROUP_AFTER_FULL, group_conv_id(gid), {"GroupId": gid}
            )
            staged = staged or full
        return staged

    async def add(
        self,
        app: App,
        operator: str,
        group_id: str,
        users: list[str],
        *,
        admin: bool,
        silence: bool = False,
    ) -> dict[str, int]:
        """Add members (REST ``add_group_member``, SDK ``addGroupMember``):
        result per user :data:`~.model.ADD_OK`, :data:`~.model.ADD_ALREADY` or
        :data:`~.model.ADD_FAILED` (not an imported account, banned, or refused
        by the app backend). One join tip lists the added users (unless ``silence``).

        The app backend's ``Group.CallbackBeforeInviteJoinGroup`` is asked first
        (Tencent asks it for users' invitations and REST adds alike); the users in
        its ``RefusedMembers_Account`` are not added.

        Raises:
            ImError: 10010 no group; 10007 the operator may not invite (not a
                member; in Public/ChatRoom/Community only owner/admin; AVChatRoom
                never); 10014 the group would exceed its member limit; 10016 the
                app backend refused them all (or did not answer and the callback
                fails closed); 10100–10200 the backend's own code.
        """
        group = await self._directory.get(app, group_id)
        if group.type == "AVChatRoom":
            raise ImError(
                Code.ERR_SVR_GROUP_PERMISSION_DENY, "members cannot be added to an AVChatRoom"
            )
        if not admin:
            m = await self._directory.member(app, group_id, operator)
            if m is None:
                raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, "only members can invite")
            if group.type != "Private" and m.role == "Member":
                raise ImError(
                    Code.ERR_SVR_GROUP_PERMISSION_DENY, "only the owner or an admin can add members"
                )
        refused = await self._before_invite(app, group, operator, users)
        result, added = await self._admit(
            app, group, [MemberSpec(u) for u in users if u not in refused], ("Invited", operator)
        )
        if added and not silence:
            await self._tips.tip(app, group, operator, TIP_JOIN, added)
        return {u: ADD_FAILED if u in refused else result[u] for u in dict.fromkeys(users)}

    async def _before_invite(
        self, app: App, group: Group, operator: str, users: list[str]
    ) -> set[str]:
        """``Group.CallbackBeforeInviteJoinGroup`` (``GroupId``, ``Type``,
        ``Operator_Account``, ``DestinationMembers: [{Member_Account}]``: those
        asked for who are not members yet), when the app wants it: the users the
        backend refuses (its answer's ``RefusedMembers_Account``).

        Raises:
            ImError: 10016 the backend refused them all (``ErrorCode`` 1 or
                another code, or no answer and the command fails closed);
                10100–10200 the backend's own code and ``ErrorInfo`` (Tencent's range).
        """
        if self._callbacks is None or not self._callbacks.wanted(app, cb.GROUP_BEFORE_INVITE_JOIN):
            return set()
        unique = list(dict.fromkeys(users))
        members = {m.user_id for m in await self._directory.members_of(app, group.group_id, unique)}
        asked = [u for u in unique if u not in members]
        if not asked:
            return set()
        reply = await self._callbacks.ask(
            app,
            cb.GROUP_BEFORE_INVITE_JOIN,
            {
                "GroupId": group.group_id,
                "Type": group.type,
                "Operator_Account": operator,
                "DestinationMembers": [{"Member_Account": u} for u in asked],
            },
            refused=Code.ERR_SVR_GROUP_REJECT_FROM_THIRDPARTY,
        )
        named = reply.get("RefusedMembers_Account") if reply else None
        return {u for u in named if isinstance(u, str)} if isinstance(named, list) else set()

    async def import_members(
        self, app: App, group_id: str, members: list[MemberSpec]
    ) -> dict[str, int]:
        """REST ``import_group_member``: add members with their join times (unix s;
        default now) and unread counts, without tips. Result per user as :meth:`add`.

        Raises:
            ImError: 10010; 10007 an AVChatRoom; 10004 a role other than
                Admin/Member; 10014 the group would be full.
        """
        group = await self._directory.get(app, group_id)
        if group.type == "AVChatRoom":
            raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, "an AVChatRoom has no member list")
        for sp in members:
            if sp.role not in ("Admin", "Member"):
                raise ImError(Code.ERR_SVR_GROUP_INVALID_PARAMETERS, f"invalid Role {sp.role!r}")
        specs = [
            MemberSpec(
                sp.user_id, sp.role, sp.custom, sp.join_time or int(self._clock.time()), sp.unread
            )
            for sp in members
        ]
        result, _ = await self._admit(app, group, specs)
        return result

    async def delete(
        self,
        app: App,
        operator: str,
        group_id: str,
        users: list[str],
        *,
        admin: bool,
        reason: str = "",
        silence: bool = False,
    ) -> list[str]:
        """Remove members (kick; REST ``delete_group_member``, SDK
        ``deleteGroupMember``); returns those removed. They get
        ``GROUP_LIST_UPDATED`` ``kicked`` (with ``reason``); the group a tip
        (type 3) unless ``silence``.

        Raises:
            ImError: 10010; 10007 the operator may not kick them (members can't;
                admins can't kick the owner or admins; nobody kicks the owner).
        """
        group, me = await self._directory.require_manager(app, group_id, operator, admin)
        targets = await self._directory.members_of(app, group_id, users)
        for t in targets:
            if t.role == "Owner":
                raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, "the owner cannot be removed")
            if not admin and me is not None and me.role == "Admin" and t.role == "Admin":
                raise ImError(
                    Code.ERR_SVR_GROUP_PERMISSION_DENY, "an admin cannot remove another admin"
                )
        gone = [t.user_id for t in targets]
        if not gone:
            return []
        async with self._db.write() as conn:
            await member_store.delete_members(conn, app.sdkappid, group_id, gone)
            staged = await self._stage(
                conn,
                app,
                cb.GROUP_AFTER_MEMBER_EXIT,
                group,
                {
                    "ExitType": "Kicked",
                    "Operator_Account": operator,
                    "ExitMemberList": [{"Member_Account": u} for u in gone],
                },
            )
        self._sent(staged)
        self._directory.forget(app, group_id, gone)
        await self._tips.membership_events(
            app, [(u, tips.change(group, "kicked", reason=reason)) for u in gone]
        )
        if not silence:
            await self._tips.tip(app, group, operator, TIP_KICKED, gone)
        return gone

    async def join(self, app: App, user: str, group_id: str, wording: str = "") -> str:
        """SDK ``joinGroup``: ``"JoinedSuccess"``, ``"WaitAdminApproval"`` (an
        application is filed; ``wording`` up to 256 characters) or
        ``"AlreadyInGroup"``. AVChatRoom joins are connection-level (the API
        layer follows the room after this call) and return ``"JoinedSuccess"``;
        ``Group.CallbackAfterNewMemberJoin`` (``Apply``) is sent when the user has
        no connection in the room on this node yet.

        Raises:
            ImError: 10010; 10007 Private or DisableApply, or banned; 10014 full.
        """
        group = await self._directory.get(app, group_id)
        await refuse_banned(self._db, app, group_id, user, int(self._clock.time()))
        if group.type == "AVChatRoom":
            await self.before_apply(app, group, user)
            if not self._in_room(app, group_id, user):
                await self._live_event(
                    app,
                    group,
                    cb.GROUP_AFTER_NEW_MEMBER_JOIN,
                    {
                        "JoinType": "Apply",
                        "Operator_Account": user,
                        "NewMemberList": [{"Member_Account": user}],
                    },
                )
            return "JoinedSuccess"
        if await self._directory.member(app, group_id, user) is not None:
            return "AlreadyInGroup"
        if group.type == "Private" or group.apply_join_option == "DisableApply":
            raise ImError(
                Code.ERR_SVR_GROUP_PERMISSION_DENY, "this group does not take applications"
            )
        await self.before_apply(app, group, user)
        if group.apply_join_option == "NeedPermission":
            async with self._db.write() as conn:
                await group_store.put_application(
                    conn, app.sdkappid, group_id, user, wording[:256], int(self._clock.time())
                )
                managers = await group_store.managers(conn, app.sdkappid, group_id)
            await self._tips.applications_changed(app, group_id, managers)
            return "WaitAdminApproval"
        _, added = await self._admit(app, group, [MemberSpec(user)], ("Apply", user))
        if added:
            await self._tips.tip(app, group, user, TIP_JOIN, added)
        return "JoinedSuccess"

    async def before_apply(
        self, app: App, group: Group, user: str, *, client_ip: str = "", platform: str = ""
    ) -> None:
        """``Group.CallbackBeforeApplyJoinGroup`` (``GroupId``, ``Type``,
        ``Requestor_Account``), when the app wants it.

        Raises:
            ImError: 10016 the backend refused (or did not answer and the command
                fails closed); 10100–10200 the backend's own code (Tencent's range).
        """
        if self._callbacks is None:
            return
        await self._callbacks.ask(
            app,
            cb.GROUP_BEFORE_APPLY_JOIN,
            {"GroupId": group.group_id, "Type": group.type, "Requestor_Account": user},
            refused=Code.ERR_SVR_GROUP_REJECT_FROM_THIRDPARTY,
            client_ip=client_ip,
            platform=platform,
        )

    async def left_live_room(self, app: App, user: str, group_id: str) -> None:
        """A connection of ``user`` left the AVChatRoom ``group_id`` (SDK
        ``quitGroup``; the API layer has stopped it following the room): the app
        backend gets ``Group.CallbackAfterMemberExit`` (``ExitType`` ``Quit``) when
        it was the user's last connection in the room on this node. A lost
        connection sends none (Tencent reports those only as online states)."""
        if self._callbacks is None or self._in_room(app, group_id, user):
            return
        group = await self._directory.get(app, group_id)
        await self._live_event(
            app,
            group,
            cb.GROUP_AFTER_MEMBER_EXIT,
            {
                "ExitType": "Quit",
                "Operator_Account": user,
                "ExitMemberList": [{"Member_Account": user}],
            },
        )

    def _in_room(self, app: App, group_id: str, user: str) -> bool:
        """Whether ``user`` has a connection following the live room on this node."""
        return self._audience is not None and user in self._audience.group_users(
            app.sdkappid, group_id
        )

    async def _live_event(self, app: App, group: Group, command: str, body: dict[str, Any]) -> None:
        """An AVChatRoom membership callback (nothing else is stored): its own transaction."""
        if self._callbacks is None:
            return
        body = {"GroupId": group.group_id, "Type": group.type, **body}
        await self._callbacks.event(app, command, group_conv_id(group.group_id), body)

    async def quit(self, app: App, user: str, group_id: str) -> None:
        """SDK ``quitGroup``: ``user`` leaves; the group gets a tip (type 2).

        Raises:
            ImError: 10010; 10007 not a member; 10009 the owner (who must hand
                the group over or dismiss it).
        """
        group, m = await self._directory.require_member(app, group_id, user)
        if m.role == "Owner" and group.type != "AVChatRoom":
            raise ImError(
                Code.ERR_SVR_GROUP_SUPER_NOT_ALLOW_QUIT,
                "the owner cannot quit; transfer or dismiss the group",
            )
        async with self._db.write() as conn:
            await member_store.delete_members(conn, app.sdkappid, group_id, [user])
            staged = await self._stage(
                conn,
                app,
                cb.GROUP_AFTER_MEMBER_EXIT,
                group,
                {
                    "ExitType": "Quit",
                    "Operator_Account": user,
                    "ExitMemberList": [{"Member_Account": user}],
                },
            )
        self._sent(staged)
        self._directory.forget(app, group_id, [user])
        await self._tips.membership_events(app, [(user, tips.change(group, "quit"))])
        await self._tips.tip(app, group, user, TIP_QUIT, [user])

    # -- applications -------------------------------------------------------------

    async def applications(self, app: App, user: str) -> list[GroupApplication]:
        """SDK ``getGroupApplicationList``: pending applications to groups ``user``
        owns or administers, newest first."""
        async with self._db.read() as conn:
            return await group_store.applications_for(conn, app.sdkappid, user)

    async def handle_application(
        self, app: App, operator: str, group_id: str, applicant: str, agree: bool, *, admin: bool
    ) -> None:
        """SDK ``handleGroupApplication``: agree (the applicant joins, with a join
        tip) or reject (they get ``GROUP_LIST_UPDATED`` ``rejected``).

        Raises:
            ImError: 10010; 10007 not owner/admin; 10024 none pending; 10014 full.
        """
        group, _ = await self._directory.require_manager(app, group_id, operator, admin)
        async with self._db.write() as conn:
            if not await group_store.take_application(conn, app.sdkappid, group_id, applicant):
                raise ImError(
                    Code.ERR_SVR_GROUP_REQ_ALLREADY_BEEN_PROCESSED,
                    "no pending application from this user",
                )
            managers = await group_store.managers(conn, app.sdkappid, group_id)
        await self._tips.applications_changed(app, group_id, managers)
        if not agree:
            await self._tips.membership_events(app, [(applicant, tips.change(group, "rejected"))])
            return
        _, added = await self._admit(app, group, [MemberSpec(applicant)], ("Apply", operator))
        if added:
            await self._tips.tip(app, group, operator, TIP_JOIN, added)


async def _plan(
    conn: Tx,
    app: App,
    group: Group,
    specs: list[MemberSpec],
    accounts: set[str],
    now: int,
    top: int,
) -> tuple[dict[str, int], list[NewMember]]:
    """Who of ``specs`` joins ``group`` (in ``conn``'s transaction): the result per
    user (:data:`ADD_ALREADY` a member, :data:`ADD_FAILED` not in ``accounts`` or
    banned, :data:`ADD_OK`) and the new memberships."""
    users = [sp.user_id for sp in specs]
    existing = await member_store.get_members(conn, app.sdkappid, group.group_id, users)
    banned = await extras_store.banned(conn, app.sdkappid, group.group_id, users, now)
    result: dict[str, int] = {}
    rows: list[NewMember] = []
    for sp in specs:
        if sp.user_id in result:
            continue
        if sp.user_id in existing:
            result[sp.user_id] = ADD_ALREADY
        elif sp.user_id not in accounts or sp.user_id in banned:
            result[sp.user_id] = ADD_FAILED
        else:
            result[sp.user_id] = ADD_OK
            rows.append(await _joining(conn, app, group, sp, now, top))
    return result, rows


async def _joining(
    conn: Tx, app: App, group: Group, spec: MemberSpec, now: int, top: int
) -> NewMember:
    """The membership of someone joining now, when the group's head is ``top``.

    New members read from ``top``, and see history from there (everything in
    ChatRoom/Community). Imported members (with a ``join_time``) keep the
    imported history and start with ``spec.unread`` unread messages.
    """
    history_from = 0 if group.type in OPEN_HISTORY or spec.join_time else top
    read = top
    if spec.join_time:
        read = await group_msg_store.read_seq_for_unread(
            conn, app.sdkappid, group.group_id, spec.user_id, spec.unread, 0
        )
    return new_member(
        spec, spec.join_time or now, history_from, read, app.settings.max_member_custom_fields
    )
