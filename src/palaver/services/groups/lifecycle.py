"""A group's life: create (and import), change its profile, hand it over, dismiss it.

Tencent IM REST ``create_group``, ``import_group``, ``modify_group_base_info``,
``change_group_owner`` and ``destroy_group``; the SDK's ``createGroup``,
``updateGroupProfile``, ``changeGroupOwner`` and ``dismissGroup``.

Every call takes the acting user (``operator``) and ``admin``: ``admin=True``
is an App admin through REST (may do anything an owner may); ``admin=False`` is
a user through the client protocol (roles apply).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from palaver.errors import Code, ImError
from palaver.model import callbacks as cb
from palaver.model.events import EventPayload, GroupDismissed
from palaver.model.messages import group_conv_id
from palaver.services.callbacks import wants
from palaver.services.groups import tips
from palaver.services.groups.directory import GroupDirectory
from palaver.services.groups.model import (
    FACE_URL_BYTES,
    INTRODUCTION_BYTES,
    NAME_BYTES,
    NOTIFICATION_BYTES,
    TIP_GROUP_PROFILE,
    TIP_JOIN,
    Group,
    MemberSpec,
    check_group_id,
    check_text,
    join_option,
    merge_custom,
    new_group_id,
    new_member,
    norm_type,
    type_limit,
)
from palaver.services.groups.tips import GroupTips
from palaver.services.ports import Clock, Publisher
from palaver.services.ratelimit import PerMinute
from palaver.storage import Database, Tx
from palaver.storage import group_extras as extras_store
from palaver.storage import group_members as member_store
from palaver.storage import groups as group_store
from palaver.storage import topics as topic_store
from palaver.storage.group_members import NewMember
from palaver.storage.groups import NewGroup

if TYPE_CHECKING:
    from palaver.services.accounts import AccountService
    from palaver.services.apps import App
    from palaver.services.callbacks import CallbackService
    from palaver.services.moderation import ModerationService

#: Text fields of a group profile: keyword -> (byte limit, REST name).
TEXT_FIELDS = {
    "name": (NAME_BYTES, "Name"),
    "introduction": (INTRODUCTION_BYTES, "Introduction"),
    "notification": (NOTIFICATION_BYTES, "Notification"),
    "face_url": (FACE_URL_BYTES, "FaceUrl"),
}


class GroupLifecycle:
    """Creates, changes and dismisses groups.

    Args:
        db: the database.
        accounts: checks that the owner and initial members are imported.
        publisher: tells live-room audiences a group was dismissed.
        directory: groups and memberships (and their caches).
        tips: tips and membership events.
        clock: time (creation and info times).
        moderation: sensitive words in group names and notices.
        callbacks: the app backend's callbacks (group created, changed, destroyed).
    """

    def __init__(
        self,
        db: Database,
        accounts: AccountService,
        publisher: Publisher,
        directory: GroupDirectory,
        tips: GroupTips,
        clock: Clock,
        moderation: ModerationService | None = None,
        callbacks: CallbackService | None = None,
    ) -> None:
        self._db = db
        self._accounts = accounts
        self._publisher = publisher
        self._directory = directory
        self._tips = tips
        self._clock = clock
        self._creates = PerMinute(clock)
        self._moderation = moderation
        self._callbacks = callbacks

    async def _stage(
        self, conn: Any, app: App, command: str, group_id: str, body: dict[str, Any]
    ) -> bool:
        """Write a group event's after-callback in its transaction (if the app wants it)."""
        if self._callbacks is None:
            return False
        return await self._callbacks.stage(conn, app, command, group_conv_id(group_id), body)

    def _sent(self, staged: bool) -> None:
        if staged and self._callbacks is not None:
            self._callbacks.sent()

    async def _moderate(
        self, app: App, operator: str, group_id: str, texts: dict[str, Any]
    ) -> None:
        """Check the name and notice among ``texts`` for sensitive words, in place
        (replace mode stars them). Raises ImError 80001 (block mode)."""
        if self._moderation is None:
            return
        for key in ("name", "notification"):
            value = texts.get(key)
            if isinstance(value, str) and value:
                texts[key] = await self._moderation.check_text(
                    app, value, who=operator, where=f"group {group_id or '(new)'} {key}"
                )

    async def create(
        self,
        app: App,
        operator: str,
        *,
        admin: bool,
        type: str,
        name: str,
        owner: str | None = None,
        group_id: str | None = None,
        introduction: str = "",
        notification: str = "",
        face_url: str = "",
        max_members: int | None = None,
        apply_join_option: str | None = None,
        custom: dict[str, str] | None = None,
        members: list[MemberSpec] | None = None,
        created_at: int | None = None,
        silence: bool = False,
    ) -> Group:
        """Create a group (REST ``create_group``/``import_group``, SDK ``createGroup``).

        ``owner``: the owner (REST ``Owner_Account``; for a user, themselves; an
        admin may create an owner-less group). ``type`` accepts the aliases of
        :data:`~.model.TYPE_ALIASES`. Members are added with a join tip (unless
        ``silence``); AVChatRoom keeps no member rows. ``created_at``: unix s
        (default now).

        Raises:
            ImError: 10004 bad type/name/sizes/role/option; 10015 invalid custom
                id (``@TGS#`` prefix, bad characters, > 48 bytes); 10021 id in use
                (10025 when the operator owns it); 10019 an account is not
                imported; 10038 more members than the type allows; 10006 a user
                created more than the app's ``group_creates_per_minute``.
        """
        gtype = norm_type(type)
        if not admin:
            owner = operator
            self._creates.admit(
                (app.sdkappid, operator),
                app.settings.group_creates_per_minute,
                Code.ERR_SVR_GROUP_FREQ_LIMIT,
                "group creations",
            )
        texts = {
            "name": name,
            "introduction": introduction,
            "notification": notification,
            "face_url": face_url,
        }
        for key, value in texts.items():
            size, label = TEXT_FIELDS[key]
            check_text(value, size, label, required=key == "name")
        await self._moderate(app, operator, group_id or "", texts)
        name, notification = texts["name"], texts["notification"]
        limit = _member_limit(app, gtype, max_members)
        option = join_option(gtype, apply_join_option)
        specs = _initial_members(gtype, members or [], owner, limit)
        await self._require_accounts(app, specs, owner)
        await self._before_create(app, operator, owner, gtype, name, specs, admin=admin)
        t = created_at or int(self._clock.time())
        async with self._db.write() as conn:
            gid = await _free_group_id(conn, app, gtype, group_id, owner or operator)
            await group_store.insert_group(
                conn,
                app.sdkappid,
                NewGroup(
                    group_id=gid,
                    type=gtype,
                    name=name,
                    introduction=introduction,
                    notification=notification,
                    face_url=face_url,
                    owner=owner or "",
                    apply_join_option=option,
                    max_members=limit,
                    custom=merge_custom({}, custom or {}),
                    created_at=t,
                ),
            )
            if gtype != "AVChatRoom":
                rows = [NewMember(owner, "Owner", t, 0, 0)] if owner else []
                most = app.settings.max_member_custom_fields
                rows += [new_member(sp, sp.join_time or t, max_keys=most) for sp in specs]
                await member_store.insert_members(conn, app.sdkappid, gid, rows)
            staged = await self._stage(
                conn,
                app,
                cb.GROUP_AFTER_CREATE,
                gid,
                {
                    "GroupId": gid,
                    "Type": gtype,
                    "Name": name,
                    "Operator_Account": operator,
                    "Owner_Account": owner or "",
                    "MemberList": [{"Member_Account": sp.user_id} for sp in specs],
                },
            )
        self._sent(staged)
        group = await self._directory.get(app, gid)
        joined = ([owner] if owner and gtype != "AVChatRoom" else []) + [sp.user_id for sp in specs]
        await self._tips.membership_events(
            app, [(u, tips.joined(group, 0, "Owner" if u == owner else "Member")) for u in joined]
        )
        if joined and not silence:
            tipper = operator if not admin else (owner or operator)
            await self._tips.tip(app, group, tipper, TIP_JOIN, joined)
            group = await self._directory.get(app, gid)
        return group

    async def _before_create(
        self,
        app: App,
        operator: str,
        owner: str | None,
        gtype: str,
        name: str,
        specs: list[MemberSpec],
        *,
        admin: bool,
    ) -> None:
        """``Group.CallbackBeforeCreateGroup``, when the app wants it.
        Raises ImError 10016 when the backend refuses (or, failing closed, does not answer),
        or the backend's own code (10100–10200, Tencent's range) and ``ErrorInfo``."""
        if self._callbacks is None or not wants(app, cb.GROUP_BEFORE_CREATE):
            return
        async with self._db.read() as conn:
            owned = await group_store.count_owned(conn, app.sdkappid, owner or operator, gtype)
        await self._callbacks.ask(
            app,
            cb.GROUP_BEFORE_CREATE,
            {
                "Operator_Account": operator,
                "Owner_Account": owner or "",
                "Type": gtype,
                "Name": name,
                "CreateGroupNum": owned,
                "MemberList": [{"Member_Account": sp.user_id} for sp in specs],
            },
            refused=Code.ERR_SVR_GROUP_REJECT_FROM_THIRDPARTY,
            platform="RESTAPI" if admin else "",
        )

    async def _require_accounts(self, app: App, specs: list[MemberSpec], owner: str | None) -> None:
        """Raise ImError 10019 unless the owner and every member are imported accounts."""
        wanted = {sp.user_id for sp in specs} | ({owner} if owner else set())
        have = await self._accounts.existing(app, wanted)
        if wanted - have:
            raise ImError(
                Code.ERR_SVR_GROUP_ACCOUNT_NOT_FOUND,
                f"accounts not imported: {sorted(wanted - have)}",
            )

    async def modify(
        self, app: App, operator: str, group_id: str, *, admin: bool, **changes: Any
    ) -> Group:
        """Change group profile fields (REST ``modify_group_base_info``, SDK
        ``updateGroupProfile``). ``changes`` keys: ``name``, ``introduction``,
        ``notification``, ``face_url``, ``max_members``, ``apply_join_option``,
        ``shut_up_all`` (bool), ``custom`` (merged; an empty value deletes a key).
        Members get a tip (type 6) with the changed fields.

        Raises:
            ImError: 10010 no group; 10007 not owner/admin; 10004 bad value.
        """
        group, _ = await self._directory.require_manager(app, group_id, operator, admin)
        changes = dict(changes)
        await self._moderate(app, operator, group_id, changes)
        values: dict[str, Any] = {}
        info: dict[str, Any] = {}
        for key, (size, label) in TEXT_FIELDS.items():
            if changes.get(key) is not None:
                check_text(changes[key], size, label, required=key == "name")
                values[key] = changes[key]
                info[label] = changes[key]
        if changes.get("max_members") is not None:
            n = int(changes["max_members"])
            limit = type_limit(app, group.type)
            if n <= 0 or (limit and n > limit) or n < group.member_num:
                raise ImError(Code.ERR_SVR_GROUP_INVALID_PARAMETERS, "MaxMemberNum out of range")
            values["max_members"] = n
            info["MaxMemberNum"] = n
        if changes.get("apply_join_option") is not None:
            if group.type in ("Private", "AVChatRoom"):
                raise ImError(
                    Code.ERR_SVR_GROUP_INVALID_PARAMETERS,
                    f"ApplyJoinOption cannot be changed for {group.type}",
                )
            values["apply_join_option"] = join_option(group.type, changes["apply_join_option"])
            info["ApplyJoinOption"] = values["apply_join_option"]
        if changes.get("shut_up_all") is not None:
            values["shut_up_all"] = bool(changes["shut_up_all"])
            info["ShutUpAllMember"] = "On" if values["shut_up_all"] else "Off"
        if changes.get("custom") is not None:
            values["custom"] = group_store.custom_json(
                merge_custom(group.custom, changes["custom"])
            )
            info["AppDefinedData"] = [{"Key": k, "Value": v} for k, v in changes["custom"].items()]
        if not values:
            return group
        values["info_time"] = int(self._clock.time())
        async with self._db.write() as conn:
            await group_store.update_group(conn, app.sdkappid, group_id, **values)
            staged = await self._stage(
                conn,
                app,
                cb.GROUP_AFTER_INFO_CHANGED,
                group_id,
                {
                    "GroupId": group_id,
                    "Type": group.type,
                    "Operator_Account": operator,
                    **{
                        k: v
                        for k, v in info.items()
                        if k in ("Name", "Introduction", "Notification", "FaceUrl")
                    },
                },
            )
        self._sent(staged)
        self._directory.forget(app, group_id)
        group = await self._directory.get(app, group_id)
        await self._tips.tip(app, group, operator, TIP_GROUP_PROFILE, [], GroupInfo=info)
        return group

    async def destroy(self, app: App, operator: str, group_id: str, *, admin: bool) -> None:
        """Dismiss a group (owner, or an App admin). Members get
        ``GROUP_LIST_UPDATED`` ``dismissed``; history is deleted.

        Raises:
            ImError: 10010 no group; 10007 not the owner.
        """
        group, _ = await self._directory.require_manager(
            app, group_id, operator, admin, owner_only=True
        )
        async with self._db.read() as conn:
            users = await member_store.member_ids(conn, app.sdkappid, group_id)
        async with self._db.write() as conn:
            await group_store.delete_group(conn, app.sdkappid, group_id)
            await extras_store.delete_all(conn, app.sdkappid, group_id)
            await topic_store.delete_topics(conn, app.sdkappid, group_id)
            staged = await self._stage(
                conn,
                app,
                cb.GROUP_AFTER_DESTROYED,
                group_id,
                {
                    "GroupId": group_id,
                    "Type": group.type,
                    "Name": group.name,
                    "Owner_Account": group.owner,
                    "Operator_Account": operator,
                    "MemberList": [{"Member_Account": u} for u in users],
                },
            )
        self._sent(staged)
        self._directory.forget(app, group_id, users)
        await self._tips.membership_events(
            app, [(u, tips.change(group, "dismissed")) for u in users]
        )
        # live-room audiences (no member rows) and anyone still following
        await self._publisher.group_notice(app.sdkappid, group_id, GroupDismissed(group_id))

    async def change_owner(
        self, app: App, operator: str, group_id: str, new_owner: str, *, admin: bool
    ) -> Group:
        """Make ``new_owner`` (a member) the owner; the old owner becomes a Member.

        Raises:
            ImError: 10010 no group; 10007 not the owner (or AVChatRoom); 10004 the
                new owner is not a member.
        """
        group, _ = await self._directory.require_manager(
            app, group_id, operator, admin, owner_only=True
        )
        if group.type == "AVChatRoom":
            raise ImError(
                Code.ERR_SVR_GROUP_PERMISSION_DENY, "an AVChatRoom's owner cannot be changed"
            )
        if await self._directory.member(app, group_id, new_owner) is None:
            raise ImError(Code.ERR_SVR_GROUP_INVALID_PARAMETERS, f"{new_owner!r} is not a member")
        old = group.owner
        async with self._db.write() as conn:
            if old:
                await member_store.update_member(conn, app.sdkappid, group_id, old, role="Member")
            await member_store.update_member(conn, app.sdkappid, group_id, new_owner, role="Owner")
            await group_store.update_group(
                conn, app.sdkappid, group_id, owner=new_owner, info_time=int(self._clock.time())
            )
        self._directory.forget(app, group_id, [old, new_owner])
        group = await self._directory.get(app, group_id)
        changed: list[tuple[str, EventPayload]] = [
            (u, tips.change(group, "role", role=r))
            for u, r in ((old, "Member"), (new_owner, "Owner"))
            if u
        ]
        await self._tips.membership_events(app, changed)
        await self._tips.tip(
            app, group, operator, TIP_GROUP_PROFILE, [], GroupInfo={"Owner_Account": new_owner}
        )
        return group


def _member_limit(app: App, gtype: str, max_members: int | None) -> int:
    """A new group's member limit: ``max_members`` if given (within the type's
    limit), else the type's. Raises ImError 10004 out of range."""
    limit = type_limit(app, gtype)
    if max_members is None:
        return limit
    if max_members <= 0 or (limit and max_members > limit):
        raise ImError(
            Code.ERR_SVR_GROUP_INVALID_PARAMETERS,
            f"MaxMemberCount must be 1..{limit or 'unlimited'}",
        )
    return max_members


def _initial_members(
    gtype: str, members: list[MemberSpec], owner: str | None, limit: int
) -> list[MemberSpec]:
    """The members a new group starts with besides its owner.

    Raises:
        ImError: 10004 a role other than Admin/Member, or members for an
            AVChatRoom; 10038 more than ``limit`` with the owner.
    """
    for spec in members:
        if spec.role not in ("Admin", "Member"):
            raise ImError(
                Code.ERR_SVR_GROUP_INVALID_PARAMETERS,
                f"invalid Role {spec.role!r} (Admin or Member)",
            )
    specs = [sp for sp in members if sp.user_id != owner]
    if gtype == "AVChatRoom" and specs:
        raise ImError(Code.ERR_SVR_GROUP_INVALID_PARAMETERS, "an AVChatRoom has no member list")
    if limit and len(specs) + (1 if owner else 0) > limit:
        raise ImError(Code.ERR_SVR_GROUP_MEMBER_COUNT_LIMIT, f"more than {limit} members")
    return specs


async def _free_group_id(
    conn: Tx, app: App, gtype: str, group_id: str | None, claimant: str
) -> str:
    """``group_id`` if free, or a new generated ID when none is asked for.

    Raises:
        ImError: 10015 an invalid custom ID; 10021 in use (10025 when
            ``claimant`` owns the group that has it).
    """
    if not group_id:
        gid = new_group_id(gtype)
        while await group_store.group_exists(conn, app.sdkappid, gid):
            gid = new_group_id(gtype)
        return gid
    check_group_id(group_id, gtype)
    if await group_store.group_exists(conn, app.sdkappid, group_id):
        taken = await group_store.get_group(conn, app.sdkappid, group_id)
        mine = taken is not None and taken.owner == claimant
        raise ImError(
            Code.ERR_SVR_GROUP_GROUPID_IN_USED_FOR_SUPER
            if mine
            else Code.ERR_SVR_GROUP_GROUPID_IN_USED,
            f"group id {group_id!r} is in use",
        )
    return group_id
