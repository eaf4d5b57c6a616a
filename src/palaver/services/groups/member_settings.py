"""A member's settings: role, name card, custom data, message flag and mute.

Tencent IM REST ``modify_group_member_info`` and ``forbid_send_msg``; the SDK's
``setGroupMemberRole``, ``setGroupMemberNameCard``, ``setGroupMemberCustomField``
and ``setGroupMemberMuteTime``. Who may change what is decided by
:mod:`.member_rules`; :class:`~.members.GroupMembers` (joining, leaving,
applications) builds on this.

Every call takes the acting user (``operator``) and ``admin`` (an App admin
through REST, who may do anything an owner may); roles apply otherwise: the
owner outranks admins, who outrank members.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from palaver.errors import Code, ImError
from palaver.services.groups import tips
from palaver.services.groups.directory import GroupDirectory
from palaver.services.groups.member_rules import Actor, Change
from palaver.services.groups.model import TIP_MEMBER_PROFILE, Group, Member
from palaver.services.groups.tips import GroupTips
from palaver.services.ports import Clock
from palaver.storage import Database
from palaver.storage import group_members as member_store

if TYPE_CHECKING:
    from palaver.services.accounts import AccountService
    from palaver.services.apps import App
    from palaver.services.moderation import ModerationService


class MemberSettings:
    """The members' own settings in every group.

    Args:
        db: the database.
        accounts: checks that a muted live-room user is an account.
        directory: groups and memberships (and their caches).
        tips: tips and membership events.
        clock: time (mutes).
        moderation: sensitive words in name cards.
    """

    def __init__(
        self,
        db: Database,
        accounts: AccountService,
        directory: GroupDirectory,
        tips: GroupTips,
        clock: Clock,
        moderation: ModerationService | None = None,
    ) -> None:
        self._db = db
        self._accounts = accounts
        self._directory = directory
        self._tips = tips
        self._clock = clock
        self._moderation = moderation

    async def modify(
        self,
        app: App,
        operator: str,
        group_id: str,
        user: str,
        *,
        admin: bool,
        role: str | None = None,
        name_card: str | None = None,
        custom: dict[str, str] | None = None,
        shut_up_seconds: int | None = None,
        msg_flag: str | None = None,
    ) -> Member:
        """REST ``modify_group_member_info``: change any of a member's role, name
        card, custom data (merged; an empty value deletes a key), mute (seconds
        from now; 0 unmutes) and ``MsgFlag``, all or nothing; the member as it
        is now. The rules of each part are those of :meth:`set_role`,
        :meth:`set_name_card`, :meth:`set_mute_time` and (``msg_flag``: only the
        member themselves or an App admin) ``MsgFlag``.

        Raises:
            ImError: 10010; 10007 ``user`` is not a member, or not allowed;
                10004 bad role, flag, sizes or a negative mute.
        """
        group = await self._directory.get(app, group_id)
        if group.type == "AVChatRoom" and shut_up_seconds is not None:
            return await self._mute_audience(app, operator, group, user, shut_up_seconds, admin)
        target = await self._directory.member(app, group_id, user)
        if target is None:
            raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, f"{user!r} is not a member")
        me = target if operator == user else await self._directory.member(app, group_id, operator)
        actor = Actor(operator, admin, target, me)
        change = Change()
        if role is not None:
            change.role(actor, group, role)
        if name_card and self._moderation is not None:
            name_card = await self._moderation.check_text(
                app, name_card, who=operator, where=f"group {group_id} name card of {user}"
            )
        if name_card is not None or custom is not None:
            change.profile(actor, name_card, custom, app.settings.max_member_custom_fields)
        if msg_flag is not None:
            change.msg_flag(actor, msg_flag)
        if shut_up_seconds is not None:
            change.mute(actor, shut_up_seconds, int(self._clock.time()))
        if change.values:
            await self._apply(app, group, operator, user, change)
        m = await self._directory.member(app, group_id, user)
        assert m is not None
        return m

    async def _mute_audience(
        self, app: App, operator: str, group: Group, user: str, seconds: int, admin: bool
    ) -> Member:
        """Mute ``user`` in a live room (AVChatRoom: no member rows; anyone in the
        audience, or not yet) for ``seconds`` (0 unmutes): its owner or an App
        admin; the room gets tip 7 with ``MemberInfo``. The membership returned
        is the audience member's (role ``Member``, ``shut_up_until`` set).

        Raises:
            ImError: 10004 negative; 10007 not the owner or an App admin, or the owner muted.
        """
        if seconds < 0:
            raise ImError(Code.ERR_SVR_GROUP_INVALID_PARAMETERS, "ShutUpTime must be >= 0")
        if not admin and operator != group.owner:
            raise ImError(
                Code.ERR_SVR_GROUP_PERMISSION_DENY, "only the owner can mute in a live room"
            )
        if user == group.owner:
            raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, "the owner cannot be muted")
        if user not in await self._accounts.existing(app, [user]):
            raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, f"{user!r} is not an account")
        now = int(self._clock.time())
        until = now + seconds if seconds else 0
        async with self._db.write() as conn:
            await member_store.set_room_mute(conn, app.sdkappid, group.group_id, user, until)
        self._directory.forget_room_mutes(app, group.group_id)
        info = {"MemberInfo": [{"Member_Account": user, "ShutUpTime": seconds}]}
        await self._tips.tip(app, group, operator, TIP_MEMBER_PROFILE, [user], **info)
        return Member(
            group_id=group.group_id,
            user_id=user,
            role="Member",
            join_time=0,
            join_seq=0,
            read_seq=0,
            name_card="",
            custom={},
            shut_up_until=until,
            msg_flag="AcceptAndNotify",
            last_send_time=0,
            pinned=False,
            pinned_at=0,
            hidden=False,
            hidden_seq=0,
            cleared_seq=0,
        )

    async def _apply(self, app: App, group: Group, operator: str, user: str, c: Change) -> None:
        """Write a planned change of ``user``'s membership, then tell the group."""
        async with self._db.write() as conn:
            await member_store.update_member(conn, app.sdkappid, group.group_id, user, **c.values)
        self._directory.forget(app, group.group_id, [user])
        if "role" in c.values:
            event = tips.change(group, "role", role=c.values["role"])
            await self._tips.membership_events(app, [(user, event)])
        for op_type, extra in c.tips:
            await self._tips.tip(app, group, operator, op_type, [user], **extra)

    async def set_role(
        self, app: App, operator: str, group_id: str, user: str, role: str, *, admin: bool
    ) -> Member:
        """SDK ``setGroupMemberRole``: make a member an ``Admin`` or a ``Member``
        (owner only; tip 4 or 5; no AVChatRoom admins).

        Raises:
            ImError: 10010; 10007 not the owner, ``user`` not a member or the
                owner; 10004 another role.
        """
        return await self.modify(app, operator, group_id, user, admin=admin, role=role)

    async def set_name_card(
        self, app: App, operator: str, group_id: str, user: str, name_card: str, *, admin: bool
    ) -> Member:
        """SDK ``setGroupMemberNameCard`` (up to 50 bytes): one's own, or as the
        owner/an admin another's.

        Raises:
            ImError: 10010; 10007 not allowed or not a member; 10004 too long.
        """
        return await self.modify(app, operator, group_id, user, admin=admin, name_card=name_card)

    async def set_custom_field(
        self,
        app: App,
        operator: str,
        group_id: str,
        user: str,
        custom: dict[str, str],
        *,
        admin: bool,
    ) -> Member:
        """SDK ``setGroupMemberCustomField``: merge ``custom`` into a member's custom
        data (an empty value deletes a key): one's own, or as the owner/an admin
        another's.

        Raises:
            ImError: 10010; 10007 not allowed or not a member; 10004 a key over
                16 bytes or a value over 4096.
        """
        return await self.modify(app, operator, group_id, user, admin=admin, custom=custom)

    async def set_mute_time(
        self, app: App, operator: str, group_id: str, user: str, seconds: int, *, admin: bool
    ) -> Member:
        """SDK ``setGroupMemberMuteTime``: mute a member for ``seconds`` from now
        (0 unmutes), over a lower role only; tip 7 with ``MemberInfo``. A muted
        member's sends fail with 10017.

        Raises:
            ImError: 10010; 10007 not a higher role, or not a member; 10004 negative.
        """
        return await self.modify(
            app, operator, group_id, user, admin=admin, shut_up_seconds=seconds
        )

    async def mute(
        self, app: App, operator: str, group_id: str, users: list[str], seconds: int, *, admin: bool
    ) -> None:
        """REST ``forbid_send_msg``: mute ``users`` for ``seconds`` (0 unmutes), one
        by one as :meth:`set_mute_time`.

        Raises:
            ImError: 10010; 10004 negative; 10007 a user is not a member (or the
                operator may not mute them).
        """
        for u in users:
            await self.set_mute_time(app, operator, group_id, u, seconds, admin=admin)
