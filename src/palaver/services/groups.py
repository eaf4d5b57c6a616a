"""Groups: Tencent's group types, members, applications and group messages.

Rules follow Tencent IM REST ``group_open_http_svc`` (cloud.tencent.com/document/
api/269/1615 and neighbours) and ``@tencentcloud/chat`` group calls; the
protocol side is docs/protocol.md §8.

Every call takes the acting user (``operator``) and ``admin``: ``admin=True``
is an App admin through REST (may do anything an owner may); ``admin=False`` is
a user through the client protocol (roles apply).

A group message is stored once (``messages``, conversation ``group:<id>``) with
``MsgSeq`` from the group's head; members' read positions are sequences in
their ``group_members`` row. Times are unix seconds.
"""

from __future__ import annotations

import random as _random
import secrets
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from palaver.errors import Code, ImError
from palaver.model.events import (
    ConversationRead,
    EventKind,
    EventPayload,
    GroupApplicationsChanged,
    GroupDismissed,
    GroupMessageRevoked,
    GroupReadReceipt,
    GroupSystemNotice,
    MembershipChanged,
    StreamEvent,
)
from palaver.model.messages import MessageFlag, MessageRecord, group_conv_id
from palaver.msgbody import validate_msg_body
from palaver.services.cache import TTLCache
from palaver.services.messages import HistoryPage
from palaver.services.ports import Audience, Clock, Presence, Publisher, SystemClock
from palaver.services.sending import (
    Draft,
    SendLane,
    SendPipeline,
    SendResult,
    control_flags,
)
from palaver.storage import Database
from palaver.storage import events as ev_store
from palaver.storage import groups as store
from palaver.storage import messages as msg_store
from palaver.storage.messages import NewMessage
from palaver.storage.records import GroupApplicationRow, GroupRow, MemberRow
from palaver.storage.writer import GroupWrite, MessageWriter, Written

if TYPE_CHECKING:
    from palaver.services.accounts import AccountService
    from palaver.services.apps import App


#: Group types and the names Tencent's newer SDKs also accept.
GROUP_TYPES = ("Private", "Public", "ChatRoom", "AVChatRoom", "Community")
TYPE_ALIASES = {"Work": "Private", "Meeting": "ChatRoom"}
ROLES = ("Owner", "Admin", "Member")
JOIN_OPTIONS = ("FreeAccess", "NeedPermission", "DisableApply")
#: ``GroupAtInfo``/``atUserList`` value that mentions everyone.
AT_ALL = "__kImSDK_MesssageAtALL__"

# Group tip operation types (TIMGroupTipElem OpType / SDK operationType).
TIP_JOIN = 1
TIP_QUIT = 2
TIP_KICKED = 3
TIP_SET_ADMIN = 4
TIP_CANCEL_ADMIN = 5
TIP_GROUP_PROFILE = 6
TIP_MEMBER_PROFILE = 7

# Results of add_group_member per account (REST ``Result``).
ADD_FAILED = 0
ADD_OK = 1
ADD_ALREADY = 2


@dataclass(frozen=True)
class Group:
    """A group as stored, with its message head and member count.

    ``custom``: group custom data ``{key: value}`` (REST ``AppDefinedData``).
    ``last_seq``: the newest ``MsgSeq`` (0 before the first message);
    ``max_members``: 0 for no limit (AVChatRoom). Times are unix s.
    """

    group_id: str
    type: str
    name: str
    introduction: str
    notification: str
    face_url: str
    owner: str
    apply_join_option: str
    shut_up_all: bool
    max_members: int
    custom: dict[str, str]
    created_at: int
    info_time: int
    last_seq: int
    last_msg_time: int
    member_num: int

    @property
    def next_msg_seq(self) -> int:
        """REST ``NextMsgSeq``."""
        return self.last_seq + 1

    @classmethod
    def of(cls, row: GroupRow, member_num: int) -> Group:
        """The group of a stored row and its member count."""
        return cls(
            group_id=row.group_id,
            type=row.type,
            name=row.name,
            introduction=row.introduction,
            notification=row.notification,
            face_url=row.face_url,
            owner=row.owner,
            apply_join_option=row.apply_join_option,
            shut_up_all=row.shut_up_all,
            max_members=row.max_members,
            custom=row.custom,
            created_at=row.created_at,
            info_time=row.info_time,
            last_seq=row.last_seq,
            last_msg_time=row.last_time,
            member_num=member_num,
        )


#: A member of a group: the stored membership (see :class:`MemberRow` for the fields).
Member = MemberRow


@dataclass(frozen=True)
class MemberSpec:
    """A member to add at creation or import: role, custom data, and for imports
    the join time (unix s) and the unread count to start with."""

    user_id: str
    role: str = "Member"
    custom: dict[str, str] = field(default_factory=dict)
    join_time: int | None = None
    unread: int = 0


#: A pending application to join a group (Public with NeedPermission).
GroupApplication = GroupApplicationRow


@dataclass(frozen=True)
class GroupSendOptions:
    """Optional parts of a group send.

    ``at``: mentioned user IDs and/or :data:`AT_ALL` (REST ``GroupAtInfo``).
    ``online_only``: push to online members only, never stored (REST
    ``MsgOnlineOnlyFlag``, SDK ``onlineUserOnly``). ``controls``:
    ``SendMsgControl`` (``NoUnread``, ``NoLastMsg``). ``check_member``: the
    sender must be a member and not muted (False for an App admin sending as
    itself). ``need_receipt``: senders get ``MESSAGE_READ_RECEIPT_RECEIVED``.
    ``lane``/``origin``: the sending connection's order and id (as for C2C).
    """

    at: tuple[str, ...] = ()
    online_only: bool = False
    cloud_custom_data: str | None = None
    msg_time: int | None = None
    priority: str = "Normal"
    controls: frozenset[str] = field(default_factory=frozenset)
    need_receipt: bool = False
    check_member: bool = True
    lane: SendLane | None = None
    origin: str | None = None


def custom_list(custom: dict[str, str]) -> list[dict[str, Any]]:
    """``{k: v}`` as the SDK's ``[{key, value}]``."""
    return [{"key": k, "value": v} for k, v in custom.items()]


class GroupService:
    """Groups of every app (docs/protocol.md §8).

    Args:
        db: the database.
        writer: the group-commit writer (group messages are stored through it).
        accounts: checks that members are imported accounts.
        publisher: pushes what was committed.
        presence: who is online (``getGroupOnlineMemberCount``).
        audience: who follows a live room on this node (AVChatRoom counts).
        clock: time (mutes, recall windows).
    """

    def __init__(
        self,
        db: Database,
        writer: MessageWriter,
        accounts: AccountService,
        publisher: Publisher,
        presence: Presence,
        audience: Audience,
        clock: Clock | None = None,
    ) -> None:
        self._db = db
        self._pipeline = SendPipeline(writer)
        self._accounts = accounts
        self._publisher = publisher
        self._presence = presence
        self._audience = audience
        self._clock = clock or SystemClock()
        # per-send checks; changes through this node drop entries at once,
        # other nodes' changes are seen within the TTL (docs/deploy.md)
        self._groups: TTLCache[Group] = TTLCache(GROUP_CACHE_TTL)
        self._members: TTLCache[tuple[Member | None]] = TTLCache(GROUP_CACHE_TTL)

    # -- reading --------------------------------------------------------------

    async def get(self, app: App, group_id: str) -> Group:
        """One group. Raises ImError(Code.ERR_SVR_GROUP_NOT_FOUND) if it does not exist."""
        async with self._db.read() as conn:
            row = await store.get_group(conn, app.sdkappid, group_id)
            if row is None:
                raise ImError(Code.ERR_SVR_GROUP_NOT_FOUND, f"group {group_id!r} does not exist")
            counts = await store.member_counts(conn, app.sdkappid, [group_id])
        return Group.of(row, counts[group_id])

    async def get_many(self, app: App, group_ids: list[str]) -> dict[str, Group]:
        """Existing groups among ``group_ids`` (missing ones left out)."""
        async with self._db.read() as conn:
            rows = await store.get_groups(conn, app.sdkappid, group_ids)
            counts = await store.member_counts(conn, app.sdkappid, list(rows))
        return {g: Group.of(r, counts[g]) for g, r in rows.items()}

    async def _cached_group(self, app: App, group_id: str) -> Group:
        async def load() -> Group:
            return await self.get(app, group_id)

        return await self._groups.get_or_load((app.sdkappid, group_id), load)

    async def member(self, app: App, group_id: str, user: str) -> Member | None:
        """``user``'s membership, or ``None``."""
        async with self._db.read() as conn:
            return await store.get_member(conn, app.sdkappid, group_id, user)

    async def _cached_member(self, app: App, group_id: str, user: str) -> Member | None:
        async def load() -> tuple[Member | None]:
            return (await self.member(app, group_id, user),)

        return (await self._members.get_or_load((app.sdkappid, group_id, user), load))[0]

    def _forget(self, app: App, group_id: str, users: Iterable[str] = ()) -> None:
        self._groups.drop((app.sdkappid, group_id))
        for u in users:
            self._members.drop((app.sdkappid, group_id, u))

    async def require_member(self, app: App, group_id: str, user: str) -> tuple[Group, Member]:
        """The group and ``user``'s membership. Raises ImError 10010; 10007 not a member."""
        group = await self.get(app, group_id)
        m = await self.member(app, group_id, user)
        if m is None:
            raise ImError(
                Code.ERR_SVR_GROUP_PERMISSION_DENY, f"{user!r} is not a member of the group"
            )
        return group, m

    async def _manager(
        self, app: App, group_id: str, operator: str, admin: bool, *, owner_only: bool = False
    ) -> tuple[Group, Member | None]:
        """The group, and the operator's membership; 10007 unless owner (or admin role)."""
        group = await self.get(app, group_id)
        if admin:
            return group, await self.member(app, group_id, operator)
        m = await self.member(app, group_id, operator)
        allowed = ("Owner",) if owner_only else ("Owner", "Admin")
        if m is None or m.role not in allowed:
            raise ImError(
                Code.ERR_SVR_GROUP_PERMISSION_DENY,
                "only the group owner" + ("" if owner_only else " or an admin"),
            )
        return group, m

    async def members(
        self,
        app: App,
        group_id: str,
        *,
        offset: int = 0,
        limit: int = 100,
        role: str | None = None,
    ) -> tuple[list[Member], int]:
        """Members, owner first then admins then by join time; (page, total).
        Raises ImError(Code.ERR_SVR_GROUP_NOT_FOUND)."""
        async with self._db.read() as conn:
            if not await store.group_exists(conn, app.sdkappid, group_id):
                raise ImError(Code.ERR_SVR_GROUP_NOT_FOUND, f"group {group_id!r} does not exist")
            rows, total = await store.list_members(
                conn, app.sdkappid, group_id, offset=offset, limit=limit, role=role
            )
        return rows, total

    async def members_of(self, app: App, group_id: str, users: list[str]) -> list[Member]:
        """The memberships of ``users`` (non-members left out), in request order."""
        async with self._db.read() as conn:
            rows = await store.get_members(conn, app.sdkappid, group_id, users)
        return [rows[u] for u in users if u in rows]

    async def joined(
        self,
        app: App,
        user: str,
        *,
        type: str | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> tuple[list[tuple[Group, Member]], int]:
        """Groups ``user`` is a member of, newest join first: (page, total)."""
        async with self._db.read() as conn:
            rows = await store.memberships(conn, app.sdkappid, user, type=type)
            page = rows[offset : offset + limit if limit is not None else None]
            counts = await store.member_counts(conn, app.sdkappid, [g.group_id for g, _ in page])
        return [(Group.of(g, counts[g.group_id]), m) for g, m in page], len(rows)

    async def roles(self, app: App, group_id: str, users: list[str]) -> dict[str, str]:
        """REST ``get_role_in_group``: role per user, ``"NotMember"`` for others."""
        await self.get(app, group_id)
        found = {m.user_id: m.role for m in await self.members_of(app, group_id, users)}
        return {u: found.get(u, "NotMember") for u in users}

    async def muted(self, app: App, group_id: str) -> list[tuple[str, int]]:
        """REST ``get_group_shutted_uin``: (user, muted until) of muted members."""
        await self.get(app, group_id)
        async with self._db.read() as conn:
            return await store.muted_members(conn, app.sdkappid, group_id, int(self._clock.time()))

    async def list_app_groups(
        self, app: App, *, limit: int, next_key: int = 0, type: str | None = None
    ) -> tuple[list[str], int, int]:
        """REST ``get_appid_group_list``: (group ids, next key (0 = done), total).

        ``next_key`` is an offset into the app's groups in id order."""
        async with self._db.read() as conn:
            ids, total = await store.list_group_ids(
                conn, app.sdkappid, type=_norm_type(type) if type else None, after="", limit=10**9
            )
        page = ids[next_key : next_key + limit]
        nxt = next_key + len(page)
        return page, (nxt if nxt < total else 0), total

    async def search(self, app: App, group_id: str) -> Group:
        """SDK ``searchGroupByID``. Raises ImError 10010 no group; 10007 a Private group."""
        group = await self.get(app, group_id)
        if group.type == "Private":
            raise ImError(
                Code.ERR_SVR_GROUP_PERMISSION_DENY, "a Private (Work) group cannot be searched"
            )
        return group

    async def stream_positions(self, app: App, user: str) -> list[tuple[str, int, int]]:
        """(group id, where a resuming client without a cursor starts, head) of
        ``user``'s groups with a stream to follow at login (all but AVChatRooms):
        it starts after what they have read, and never before they joined."""
        async with self._db.read() as conn:
            rows = await store.memberships(conn, app.sdkappid, user)
        return [
            (g.group_id, max(m.join_seq, m.read_seq), g.last_seq)
            for g, m in rows
            if g.type != "AVChatRoom"
        ]

    # -- events -----------------------------------------------------------------

    async def _membership_events(
        self,
        app: App,
        items: list[tuple[str, EventPayload]],
        kind: EventKind = EventKind.GROUP,
    ) -> None:
        """Append user-stream events (membership changes) and publish them."""
        if not items:
            return
        events = [ev_store.NewEvent(u, kind, None, p) for u, p in items]
        async with self._db.write() as conn:
            seqs = await ev_store.append_events(conn, app.sdkappid, events)
        await self._publisher.stream(
            app.sdkappid,
            [StreamEvent(e.user_id, s, kind, e.payload) for e, s in zip(events, seqs, strict=True)],
        )

    async def _tip(
        self,
        app: App,
        group: Group,
        operator: str,
        op_type: int,
        users: list[str],
        **extra: Any,
    ) -> None:
        """A group tip (TIMGroupTipElem): a message of the group, in history, not unread."""
        content: dict[str, Any] = {
            "OpType": op_type,
            "Operator_Account": operator,
            "List_Account": users,
        }
        content.update(extra)
        await self._server_message(
            app, group, operator, [{"MsgType": "TIMGroupTipElem", "MsgContent": content}]
        )

    async def _server_message(
        self, app: App, group: Group, sender: str, body: list[dict[str, Any]]
    ) -> None:
        """Store and push a message the server makes (a tip, a notice): not unread."""
        draft = Draft(
            conv_id=group_conv_id(group.group_id),
            sender=sender or SYSTEM_SENDER,
            receiver=group.group_id,
            body=body,
            random=_random.getrandbits(32),
            time=int(self._clock.time()),
            flags=int(MessageFlag.NO_UNREAD),
        )
        route = _GroupRoute(self, app, group.group_id, group=group, check_member=False)
        await self._pipeline.send(draft, route, check_body=False)

    # -- creating and changing groups -------------------------------------------

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
        :data:`TYPE_ALIASES`. Members are added with a join tip (unless
        ``silence``); AVChatRoom keeps no member rows.

        Raises:
            ImError: 10004 bad type/name/sizes/role/option; 10015 invalid custom
                id (``@TGS#`` prefix, bad characters, > 48 bytes); 10021 id in use
                (10025 when the operator owns it); 10019 an account is not
                imported; 10038 more members than the type allows.
        """
        gtype = _norm_type(type)
        if not admin:
            owner = operator
        _check_text(name, 30, "Name", required=True)
        _check_text(introduction, 240, "Introduction")
        _check_text(notification, 300, "Notification")
        _check_text(face_url, 100, "FaceUrl")
        limit = _type_limit(app, gtype)
        if max_members is not None:
            if max_members <= 0 or (limit and max_members > limit):
                raise ImError(
                    Code.ERR_SVR_GROUP_INVALID_PARAMETERS,
                    f"MaxMemberCount must be 1..{limit or 'unlimited'}",
                )
            limit = max_members
        option = _join_option(gtype, apply_join_option)
        specs = list(members or [])
        for spec in specs:
            if spec.role not in ("Admin", "Member"):
                raise ImError(
                    Code.ERR_SVR_GROUP_INVALID_PARAMETERS,
                    f"invalid Role {spec.role!r} (Admin or Member)",
                )
        specs = [sp for sp in specs if sp.user_id != owner]
        if gtype == "AVChatRoom" and specs:
            raise ImError(Code.ERR_SVR_GROUP_INVALID_PARAMETERS, "an AVChatRoom has no member list")
        if limit and len(specs) + (1 if owner else 0) > limit:
            raise ImError(Code.ERR_SVR_GROUP_MEMBER_COUNT_LIMIT, f"more than {limit} members")
        wanted = {sp.user_id for sp in specs} | ({owner} if owner else set())
        have = await self._accounts.existing(app, wanted)
        if wanted - have:
            raise ImError(
                Code.ERR_SVR_GROUP_ACCOUNT_NOT_FOUND,
                f"accounts not imported: {sorted(wanted - have)}",
            )
        now = int(self._clock.time())
        t = created_at or now
        async with self._db.write() as conn:
            if group_id:
                _check_group_id(group_id)
                if await store.group_exists(conn, app.sdkappid, group_id):
                    taken = await store.get_group(conn, app.sdkappid, group_id)
                    mine = taken is not None and taken.owner == (owner or operator)
                    raise ImError(
                        Code.ERR_SVR_GROUP_GROUPID_IN_USED_FOR_SUPER if mine else 10021,
                        f"group id {group_id!r} is in use",
                    )
                gid = group_id
            else:
                gid = _new_group_id(gtype)
                while await store.group_exists(conn, app.sdkappid, gid):
                    gid = _new_group_id(gtype)
            await store.insert_group(
                conn,
                {
                    "app_id": app.sdkappid,
                    "group_id": gid,
                    "type": gtype,
                    "name": name,
                    "introduction": introduction,
                    "notification": notification,
                    "face_url": face_url,
                    "owner": owner or "",
                    "apply_join_option": option,
                    "shut_up_all": False,
                    "max_members": limit,
                    "custom": orjson.dumps(_merge_custom({}, custom or {})).decode(),
                    "created_at": t,
                    "info_time": t,
                },
            )
            if gtype != "AVChatRoom":
                rows = []
                if owner:
                    rows.append(_member_row(app.sdkappid, gid, MemberSpec(owner, "Owner"), t, 0))
                rows += [_member_row(app.sdkappid, gid, sp, sp.join_time or t, 0) for sp in specs]
                await store.insert_members(conn, rows)
        group = await self.get(app, gid)
        joined = ([owner] if owner and gtype != "AVChatRoom" else []) + [sp.user_id for sp in specs]
        await self._membership_events(
            app,
            [(u, _joined_payload(group, 0, "Owner" if u == owner else "Member")) for u in joined],
        )
        if joined and not silence:
            await self._tip(
                app, group, operator if not admin else (owner or operator), TIP_JOIN, joined
            )
            group = await self.get(app, gid)
        return group

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
        group, _ = await self._manager(app, group_id, operator, admin)
        values: dict[str, Any] = {}
        info: dict[str, Any] = {}
        sizes = {
            "name": (30, "Name"),
            "introduction": (240, "Introduction"),
            "notification": (300, "Notification"),
            "face_url": (100, "FaceUrl"),
        }
        for key, (size, label) in sizes.items():
            if changes.get(key) is not None:
                _check_text(changes[key], size, label, required=key == "name")
                values[key] = changes[key]
                info[label] = changes[key]
        if changes.get("max_members") is not None:
            n = int(changes["max_members"])
            limit = _type_limit(app, group.type)
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
            values["apply_join_option"] = _join_option(group.type, changes["apply_join_option"])
            info["ApplyJoinOption"] = values["apply_join_option"]
        if changes.get("shut_up_all") is not None:
            values["shut_up_all"] = bool(changes["shut_up_all"])
            info["ShutUpAllMember"] = "On" if values["shut_up_all"] else "Off"
        if changes.get("custom") is not None:
            values["custom"] = orjson.dumps(_merge_custom(group.custom, changes["custom"])).decode()
            info["AppDefinedData"] = [{"Key": k, "Value": v} for k, v in changes["custom"].items()]
        if not values:
            return group
        values["info_time"] = int(self._clock.time())
        async with self._db.write() as conn:
            await store.update_group(conn, app.sdkappid, group_id, **values)
        self._forget(app, group_id)
        group = await self.get(app, group_id)
        await self._tip(app, group, operator, TIP_GROUP_PROFILE, [], GroupInfo=info)
        return group

    async def destroy(self, app: App, operator: str, group_id: str, *, admin: bool) -> None:
        """Dismiss a group (owner, or an App admin). Members get
        ``GROUP_LIST_UPDATED`` ``dismissed``; history is deleted.

        Raises:
            ImError: 10010 no group; 10007 not the owner.
        """
        group, _ = await self._manager(app, group_id, operator, admin, owner_only=True)
        async with self._db.read() as conn:
            users = await store.member_ids(conn, app.sdkappid, group_id)
        async with self._db.write() as conn:
            await store.delete_group(conn, app.sdkappid, group_id)
        self._forget(app, group_id, users)
        await self._membership_events(app, [(u, _change(group, "dismissed")) for u in users])
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
        group, _ = await self._manager(app, group_id, operator, admin, owner_only=True)
        if group.type == "AVChatRoom":
            raise ImError(
                Code.ERR_SVR_GROUP_PERMISSION_DENY, "an AVChatRoom's owner cannot be changed"
            )
        if await self.member(app, group_id, new_owner) is None:
            raise ImError(Code.ERR_SVR_GROUP_INVALID_PARAMETERS, f"{new_owner!r} is not a member")
        old = group.owner
        async with self._db.write() as conn:
            if old:
                await store.update_member(conn, app.sdkappid, group_id, old, role="Member")
            await store.update_member(conn, app.sdkappid, group_id, new_owner, role="Owner")
            await store.update_group(
                conn, app.sdkappid, group_id, owner=new_owner, info_time=int(self._clock.time())
            )
        self._forget(app, group_id, [old, new_owner])
        group = await self.get(app, group_id)
        changed: list[tuple[str, EventPayload]] = [
            (u, _change(group, "role", role=r))
            for u, r in ((old, "Member"), (new_owner, "Owner"))
            if u
        ]
        await self._membership_events(app, changed)
        await self._tip(
            app, group, operator, TIP_GROUP_PROFILE, [], GroupInfo={"Owner_Account": new_owner}
        )
        return group

    # -- membership -----------------------------------------------------------

    async def _add(
        self,
        app: App,
        group: Group,
        specs: list[MemberSpec],
    ) -> tuple[dict[str, int], list[str]]:
        """Insert new memberships: (result per user, users added)."""
        users = [sp.user_id for sp in specs]
        have = await self._accounts.existing(app, users)
        result: dict[str, int] = {}
        now = int(self._clock.time())
        async with self._db.write() as conn:
            existing = await store.get_members(conn, app.sdkappid, group.group_id, users)
            count = (await store.member_counts(conn, app.sdkappid, [group.group_id]))[
                group.group_id
            ]
            top = await store.head(conn, app.sdkappid, group.group_id)
            rows = []
            for sp in specs:
                if sp.user_id in result:
                    continue
                if sp.user_id in existing:
                    result[sp.user_id] = ADD_ALREADY
                elif sp.user_id not in have:
                    result[sp.user_id] = ADD_FAILED
                else:
                    result[sp.user_id] = ADD_OK
                    # imported members keep the (imported) history and their unread count
                    history_from = 0 if group.type in OPEN_HISTORY or sp.join_time else top
                    read = top
                    if sp.join_time:
                        read = await store.read_seq_for_unread(
                            conn, app.sdkappid, group.group_id, sp.user_id, sp.unread, 0
                        )
                    rows.append(
                        _member_row(
                            app.sdkappid,
                            group.group_id,
                            sp,
                            sp.join_time or now,
                            history_from,
                            read,
                        )
                    )
            if group.max_members and count + len(rows) > group.max_members:
                raise ImError(Code.ERR_SVR_GROUP_FULL_MEMBER_COUNT, "the group is full")
            await store.insert_members(conn, rows)
        added = [r["user_id"] for r in rows]
        self._forget(app, group.group_id, added)
        await self._membership_events(
            app, [(u, _joined_payload(group, top, "Member")) for u in added]
        )
        return result, added

    async def add_members(
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
        result per user :data:`ADD_OK`, :data:`ADD_ALREADY` or :data:`ADD_FAILED`
        (not an imported account). One join tip lists the added users.

        Raises:
            ImError: 10010 no group; 10007 the operator may not invite (not a
                member; in Public/ChatRoom/Community only owner/admin; AVChatRoom
                never); 10014 the group would exceed its member limit.
        """
        group = await self.get(app, group_id)
        if group.type == "AVChatRoom":
            raise ImError(
                Code.ERR_SVR_GROUP_PERMISSION_DENY, "members cannot be added to an AVChatRoom"
            )
        if not admin:
            m = await self.member(app, group_id, operator)
            if m is None:
                raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, "only members can invite")
            if group.type != "Private" and m.role == "Member":
                raise ImError(
                    Code.ERR_SVR_GROUP_PERMISSION_DENY, "only the owner or an admin can add members"
                )
        result, added = await self._add(app, group, [MemberSpec(u) for u in users])
        if added and not silence:
            await self._tip(app, group, operator, TIP_JOIN, added)
        return result

    async def import_members(
        self, app: App, group_id: str, members: list[MemberSpec]
    ) -> dict[str, int]:
        """REST ``import_group_member``: add members with their join times and
        unread counts, without tips. Result per user as :meth:`add_members`."""
        group = await self.get(app, group_id)
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
        result, _ = await self._add(app, group, specs)
        return result

    async def delete_members(
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
        """Remove members (kick); returns those removed. They get
        ``GROUP_LIST_UPDATED`` ``kicked``; the group a tip (type 3).

        Raises:
            ImError: 10010; 10007 the operator may not kick them (members can't;
                admins can't kick the owner or admins; nobody kicks the owner).
        """
        group, me = await self._manager(app, group_id, operator, admin)
        targets = await self.members_of(app, group_id, users)
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
            await store.delete_members(conn, app.sdkappid, group_id, gone)
        self._forget(app, group_id, gone)
        await self._membership_events(
            app, [(u, _change(group, "kicked", reason=reason)) for u in gone]
        )
        if not silence:
            await self._tip(app, group, operator, TIP_KICKED, gone)
        return gone

    async def join(self, app: App, user: str, group_id: str, wording: str = "") -> str:
        """SDK ``joinGroup``: ``"JoinedSuccess"``, ``"WaitAdminApproval"`` or
        ``"AlreadyInGroup"``. AVChatRoom joins are connection-level (the API
        layer follows the room) and return ``"JoinedSuccess"``.

        Raises:
            ImError: 10010; 10007 Private or DisableApply; 10014 full.
        """
        group = await self.get(app, group_id)
        if group.type == "AVChatRoom":
            return "JoinedSuccess"
        if await self.member(app, group_id, user) is not None:
            return "AlreadyInGroup"
        if group.type == "Private" or group.apply_join_option == "DisableApply":
            raise ImError(
                Code.ERR_SVR_GROUP_PERMISSION_DENY, "this group does not take applications"
            )
        if group.apply_join_option == "NeedPermission":
            async with self._db.write() as conn:
                await store.put_application(
                    conn, app.sdkappid, group_id, user, wording[:256], int(self._clock.time())
                )
                managers = await store.managers(conn, app.sdkappid, group_id)
            await self._membership_events(
                app,
                [(u, GroupApplicationsChanged(group_id)) for u in managers],
                EventKind.GROUP_APPLICATIONS,
            )
            return "WaitAdminApproval"
        _, added = await self._add(app, group, [MemberSpec(user)])
        if added:
            await self._tip(app, group, user, TIP_JOIN, added)
        return "JoinedSuccess"

    async def quit(self, app: App, user: str, group_id: str) -> None:
        """SDK ``quitGroup``. Raises ImError 10010; 10007 not a member; 10009 owner."""
        group, m = await self.require_member(app, group_id, user)
        if m.role == "Owner" and group.type != "AVChatRoom":
            raise ImError(
                Code.ERR_SVR_GROUP_SUPER_NOT_ALLOW_QUIT,
                "the owner cannot quit; transfer or dismiss the group",
            )
        async with self._db.write() as conn:
            await store.delete_members(conn, app.sdkappid, group_id, [user])
        self._forget(app, group_id, [user])
        await self._membership_events(app, [(user, _change(group, "quit"))])
        await self._tip(app, group, user, TIP_QUIT, [user])

    async def applications(self, app: App, user: str) -> list[GroupApplication]:
        """Pending applications to groups ``user`` owns or administers, newest first."""
        async with self._db.read() as conn:
            return await store.applications_for(conn, app.sdkappid, user)

    async def handle_application(
        self, app: App, operator: str, group_id: str, applicant: str, agree: bool, *, admin: bool
    ) -> None:
        """Agree (the applicant joins) or reject (they get ``GROUP_LIST_UPDATED``
        ``rejected``). Raises ImError 10010; 10007 not owner/admin; 10024 none
        pending; 10014 full."""
        group, _ = await self._manager(app, group_id, operator, admin)
        async with self._db.write() as conn:
            if not await store.take_application(conn, app.sdkappid, group_id, applicant):
                raise ImError(
                    Code.ERR_SVR_GROUP_REQ_ALLREADY_BEEN_PROCESSED,
                    "no pending application from this user",
                )
            managers = await store.managers(conn, app.sdkappid, group_id)
        await self._membership_events(
            app,
            [(u, GroupApplicationsChanged(group_id)) for u in managers],
            EventKind.GROUP_APPLICATIONS,
        )
        if not agree:
            await self._membership_events(app, [(applicant, _change(group, "rejected"))])
            return
        _, added = await self._add(app, group, [MemberSpec(applicant)])
        if added:
            await self._tip(app, group, operator, TIP_JOIN, added)

    async def modify_member(
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
        """REST ``modify_group_member_info``; SDK ``setGroupMemberRole`` (owner
        only; tips 4/5), ``setGroupMemberNameCard``/``CustomField`` (self, or
        owner/admin), ``setGroupMemberMuteTime`` (owner/admin over lower roles;
        tip 7 with ``MemberInfo``).

        Raises:
            ImError: 10010; 10007 not allowed; 10004 bad role/sizes; 10007 ``user``
                not a member.
        """
        group = await self.get(app, group_id)
        target = await self.member(app, group_id, user)
        if target is None:
            raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, f"{user!r} is not a member")
        me = target if operator == user else await self.member(app, group_id, operator)
        rank = {"Owner": 0, "Admin": 1, "Member": 2}
        my_rank = -1 if admin else (rank[me.role] if me is not None else 9)
        values: dict[str, Any] = {}
        tips: list[tuple[int, dict[str, Any]]] = []
        if role is not None:
            if role not in ("Admin", "Member"):
                raise ImError(Code.ERR_SVR_GROUP_INVALID_PARAMETERS, "Role must be Admin or Member")
            if my_rank > 0:
                raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, "only the owner can set roles")
            if target.role == "Owner":
                raise ImError(
                    Code.ERR_SVR_GROUP_PERMISSION_DENY, "the owner's role cannot be changed"
                )
            if group.type == "AVChatRoom":
                raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, "no admins in an AVChatRoom")
            if role != target.role:
                values["role"] = role
                tips.append((TIP_SET_ADMIN if role == "Admin" else TIP_CANCEL_ADMIN, {}))
        if name_card is not None or custom is not None:
            if operator != user and my_rank > 1:
                raise ImError(
                    Code.ERR_SVR_GROUP_PERMISSION_DENY,
                    "only the owner or an admin can change another member",
                )
            if name_card is not None:
                _check_text(name_card, 50, "NameCard")
                values["name_card"] = name_card
            if custom is not None:
                values["custom"] = orjson.dumps(_merge_custom(target.custom, custom)).decode()
        if msg_flag is not None:
            if msg_flag not in ("AcceptAndNotify", "AcceptNotNotify", "Discard"):
                raise ImError(
                    Code.ERR_SVR_GROUP_INVALID_PARAMETERS,
                    "MsgFlag must be AcceptAndNotify, AcceptNotNotify or Discard",
                )
            if operator != user and not admin:
                raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, "members set their own MsgFlag")
            values["msg_flag"] = msg_flag
        if shut_up_seconds is not None:
            if shut_up_seconds < 0:
                raise ImError(Code.ERR_SVR_GROUP_INVALID_PARAMETERS, "ShutUpTime must be >= 0")
            if my_rank >= rank[target.role] or my_rank > 1:
                raise ImError(
                    Code.ERR_SVR_GROUP_PERMISSION_DENY, "only a higher role can mute a member"
                )
            until = int(self._clock.time()) + shut_up_seconds if shut_up_seconds else 0
            values["shut_up_until"] = until
            tips.append(
                (
                    TIP_MEMBER_PROFILE,
                    {"MemberInfo": [{"Member_Account": user, "ShutUpTime": shut_up_seconds}]},
                )
            )
        if values:
            async with self._db.write() as conn:
                await store.update_member(conn, app.sdkappid, group_id, user, **values)
            self._forget(app, group_id, [user])
            if "role" in values:
                await self._membership_events(app, [(user, _change(group, "role", role=role))])
            for op_type, extra in tips:
                await self._tip(app, group, operator, op_type, [user], **extra)
        m = await self.member(app, group_id, user)
        assert m is not None
        return m

    async def mute(
        self, app: App, operator: str, group_id: str, users: list[str], seconds: int, *, admin: bool
    ) -> None:
        """REST ``forbid_send_msg``: mute ``users`` for ``seconds`` (0 unmutes).

        Raises ImError 10010; 10004 negative; 10007 a user is not a member (or
        the operator may not mute them)."""
        for u in users:
            await self.modify_member(
                app, operator, group_id, u, admin=admin, shut_up_seconds=seconds
            )

    async def online_count(self, app: App, group_id: str) -> int:
        """Members with a connection now (AVChatRoom: users in the room on this node)."""
        group = await self.get(app, group_id)
        if group.type == "AVChatRoom":
            return len(self._audience.group_users(app.sdkappid, group_id))
        async with self._db.read() as conn:
            users = await store.member_ids(conn, app.sdkappid, group_id)
        online = await self._presence.online(app.sdkappid, users)
        return sum(1 for u in users if online.get(u))

    # -- live rooms (AVChatRoom) and group streams on a connection ------------

    async def purge_live_room_history(self, apps: Iterable[App], now: int | None = None) -> int:
        """Delete AVChatRoom messages older than each app's
        ``avchatroom_history_seconds`` (live rooms keep a short window); the count."""
        now = int(self._clock.time()) if now is None else now
        total = 0
        for app in apps:
            window = app.settings.avchatroom_history_seconds
            async with self._db.write() as conn:
                rooms = await store.group_ids_of_type(conn, app.sdkappid, "AVChatRoom")
                total += await store.purge_messages_before(conn, app.sdkappid, rooms, now - window)
        return total

    async def stream_head(self, app: App, group_id: str) -> int:
        """The newest ``MsgSeq`` of a group's stream (0 if none): where a connection
        joining an AVChatRoom (connection-level, nothing stored) starts following it."""
        async with self._db.read() as c:
            return await store.head(c, app.sdkappid, group_id)

    # -- messages -------------------------------------------------------------

    async def send(
        self,
        app: App,
        group_id: str,
        sender: str,
        body: Any,
        random: int,
        opts: GroupSendOptions,
    ) -> SendResult:
        """Store (unless online-only) and deliver one group message (REST
        ``send_group_msg``, SDK ``sendMessage`` to ``GROUP<id>``). Committed
        before it returns, then one push goes to every online member.

        Raises:
            ImError: 90002/90007/80002 bad body (as C2C); 10010 no group; 10007
                sender not a member; 10017 muted (member, or all muted and the
                sender is not owner/admin).
        """
        draft = Draft(
            conv_id=group_conv_id(group_id),
            sender=sender,
            receiver=group_id,
            body=body,
            random=random,
            time=opts.msg_time or int(self._clock.time()),
            cloud_custom_data=opts.cloud_custom_data,
            flags=control_flags(opts.controls, need_receipt=opts.need_receipt),
            at_users=list(dict.fromkeys(opts.at)) or None,
            dedupe_key=f"g\x1f{group_id}\x1f{sender}\x1f{random}",
            dedupe_body=True,
        )
        route = _GroupRoute(
            self,
            app,
            group_id,
            check_member=opts.check_member,
            dedupe_since=int(self._clock.time()) - DEDUPE_WINDOW,
        )
        return await self._pipeline.send(
            draft, route, lane=opts.lane, online_only=opts.online_only, origin=opts.origin
        )

    async def _check_sender(self, app: App, group: Group, sender: str) -> bool:
        """May ``sender`` send to ``group``? True if as a member (AVChatRooms have
        none: any imported account may). Raises ImError 10007 not a member (or
        not imported); 10017 muted, or all muted and not owner/admin."""
        if group.type == "AVChatRoom":
            if sender not in await self._accounts.existing(app, [sender]):
                raise ImError(
                    Code.ERR_SVR_GROUP_PERMISSION_DENY, "the sender is not an imported account"
                )
            return False
        m = await self._cached_member(app, group.group_id, sender)
        if m is None:
            raise ImError(
                Code.ERR_SVR_GROUP_PERMISSION_DENY, "the sender is not a member of the group"
            )
        if m.shut_up_until > self._clock.time():
            raise ImError(Code.ERR_SVR_GROUP_SHUTUP_DENY, "the sender is muted in this group")
        if group.shut_up_all and m.role == "Member":
            raise ImError(Code.ERR_SVR_GROUP_SHUTUP_DENY, "everyone is muted in this group")
        return True

    async def system_notification(
        self, app: App, group_id: str, content: str, to: list[str] | None = None
    ) -> None:
        """REST ``send_group_system_notification``: to everyone a stored message
        (``TIMGroupSystemNoticeElem``); to chosen members an online push
        ``GROUP_SYSTEM_NOTICE_RECEIVED``. Raises ImError 10010; 10004 empty content."""
        group = await self.get(app, group_id)
        if not content:
            raise ImError(Code.ERR_SVR_GROUP_INVALID_PARAMETERS, "Content must not be empty")
        if to:
            await self._publisher.notice(app.sdkappid, to, GroupSystemNotice(group_id, content))
            return
        body = [{"MsgType": "TIMGroupSystemNoticeElem", "MsgContent": {"Content": content}}]
        await self._server_message(app, group, SYSTEM_SENDER, body)

    async def history(
        self,
        app: App,
        group_id: str,
        viewer: str | None,
        *,
        limit: int,
        before_seq: int | None = None,
    ) -> HistoryPage:
        """Up to ``limit`` messages before ``before_seq``, oldest first, as
        ``viewer`` may see them (after their join seq; ``None``: an App admin sees all).

        Raises:
            ImError: 10010; 10007 ``viewer`` is not a member.
        """
        group = await self.get(app, group_id)
        after = 0
        if viewer is not None and group.type != "AVChatRoom":
            async with self._db.read() as conn:
                m = await store.get_member(conn, app.sdkappid, group_id, viewer)
            if m is None:
                raise ImError(
                    Code.ERR_SVR_GROUP_PERMISSION_DENY, f"{viewer!r} is not a member of the group"
                )
            after = max(m.join_seq, m.cleared_seq)
        async with self._db.read() as conn:
            rows = await msg_store.history(
                conn,
                app.sdkappid,
                viewer or "",
                group_conv_id(group_id),
                after_seq=after,
                before_seq=before_seq,
                min_time=None,
                max_time=None,
                limit=limit + 1,
            )
        msgs = rows[:limit]
        msgs.reverse()
        return HistoryPage(msgs, complete=len(rows) <= limit)

    async def get_message(self, app: App, group_id: str, message_id: int) -> MessageRecord:
        """A message of the group by storage id. Raises ImError(Code.ERR_INVALID_PARAMETERS) if not in it."""
        async with self._db.read() as conn:
            msg = await msg_store.get_by_id(conn, app.sdkappid, message_id)
        if msg is None or msg.conv_id != group_conv_id(group_id):
            raise ImError(Code.ERR_INVALID_PARAMETERS, "no such message in this group")
        return msg

    async def recall(
        self,
        app: App,
        operator: str,
        group_id: str,
        seqs: list[int],
        *,
        admin: bool,
        window: int | None = None,
    ) -> dict[int, int]:
        """Recall messages by ``MsgSeq`` (REST ``group_msg_recall``); result code
        per seq: 0 ok, 10030 not found, 10031 past ``window``, 10007 not allowed
        (users recall their own; owner/admin any)."""
        group = await self.get(app, group_id)
        me = None if admin else await self.member(app, group_id, operator)
        manager = admin or (me is not None and me.role in ("Owner", "Admin"))
        out: dict[int, int] = {}
        recalled: list[MessageRecord] = []
        now = self._clock.time()
        async with self._db.write() as conn:
            for seq in seqs:
                msg = await msg_store.get_by_seq(conn, app.sdkappid, group_conv_id(group_id), seq)
                if msg is None:
                    out[seq] = 10030
                    continue
                if not manager and msg.sender != operator:
                    out[seq] = 10007
                    continue
                if not manager and window is not None and now - msg.time > window:
                    out[seq] = 10031
                    continue
                out[seq] = 0
                if not msg.is_recalled:
                    await msg_store.set_flags(conn, msg.id, int(msg.flags | MessageFlag.RECALLED))
                    recalled.append(msg)
        for msg in recalled:
            await self._publisher.group_notice(
                app.sdkappid,
                group.group_id,
                GroupMessageRevoked(group.group_id, msg.id, msg.seq, operator),
            )
        return out

    async def delete_by_sender(self, app: App, group_id: str, sender: str) -> int:
        """REST ``delete_group_msg_by_sender``: delete ``sender``'s messages; the count."""
        await self.get(app, group_id)
        async with self._db.write() as conn:
            return await store.delete_by_sender(conn, app.sdkappid, group_id, sender)

    async def import_message(
        self,
        app: App,
        group_id: str,
        sender: str,
        body: Any,
        *,
        random: int,
        msg_time: int,
    ) -> SendResult:
        """REST ``import_group_msg``: store a history message (no push). Import
        messages before members (as Tencent requires): members imported later get
        their ``UnreadMsgNum`` of them as unread; existing members would see them unread.
        Raises ImError 10010; 10004 time in the future."""
        validate_msg_body(body)
        group = await self.get(app, group_id)
        if msg_time > self._clock.time() + 60:
            raise ImError(Code.ERR_SVR_GROUP_INVALID_PARAMETERS, "SendTime is in the future")
        draft = Draft(
            conv_id=group_conv_id(group_id),
            sender=sender,
            receiver=group_id,
            body=body,
            random=random,
            time=msg_time,
            dedupe_key=f"gi\x1f{group_id}\x1f{sender}\x1f{random}\x1f{msg_time}",
        )
        route = _GroupRoute(self, app, group_id, group=group, check_member=False, push=False)
        return await self._pipeline.send(draft, route, check_body=False)

    async def mark_read(
        self, app: App, user: str, group_id: str, up_to_seq: int | None = None
    ) -> int:
        """Move ``user``'s read position (default: the newest message); returns it.
        Their other devices get ``CONVERSATION_READ``; senders of messages with
        ``need_receipt`` in the newly read range get ``MESSAGE_READ_RECEIPT_RECEIVED``.
        Raises ImError 10010; 10007 not a member."""
        group, m = await self.require_member(app, group_id, user)
        target = group.last_seq if up_to_seq is None else min(up_to_seq, group.last_seq)
        async with self._db.write() as conn:
            old = await store.advance_read(conn, app.sdkappid, group_id, user, target)
            if old is None:
                return max(m.read_seq, target) if up_to_seq is None else m.read_seq
            senders = await store.receipt_senders(conn, app.sdkappid, group_id, old, target, user)
            payload = ConversationRead("GROUP" + group_id, target)
            (seq,) = await ev_store.append_events(
                conn, app.sdkappid, [ev_store.NewEvent(user, EventKind.CONV_READ, None, payload)]
            )
        self._members.drop((app.sdkappid, group_id, user))
        await self._publisher.stream(
            app.sdkappid, [StreamEvent(user, seq, EventKind.CONV_READ, payload)]
        )
        if senders:
            await self._publisher.notice(
                app.sdkappid, senders, GroupReadReceipt(group_id, user, target)
            )
        return target

    async def set_unread(self, app: App, group_id: str, user: str, unread: int) -> None:
        """REST ``set_unread_msg_num``: make ``user`` have ``unread`` unread messages.
        Raises ImError 10010; 10007 not a member; 10004 negative."""
        if unread < 0:
            raise ImError(Code.ERR_SVR_GROUP_INVALID_PARAMETERS, "UnreadMsgNum must be >= 0")
        group, m = await self.require_member(app, group_id, user)
        async with self._db.write() as conn:
            read = await store.read_seq_for_unread(
                conn, app.sdkappid, group_id, user, unread, m.join_seq
            )
            await store.update_member(conn, app.sdkappid, group_id, user, read_seq=read)
        self._members.drop((app.sdkappid, group_id, user))

    async def unread(self, app: App, user: str, group_id: str) -> int:
        """``user``'s unread count in the group (messages after their read
        position, not theirs, not NoUnread/recalled)."""
        group, m = await self.require_member(app, group_id, user)
        async with self._db.read() as conn:
            return await store.unread_count(
                conn, app.sdkappid, group_id, user, max(m.read_seq, m.join_seq), group.last_seq
            )

    async def read_counts(
        self, app: App, group_id: str, seqs: list[int]
    ) -> dict[int, tuple[int, int]]:
        """(read count, unread count) per message seq, excluding each sender."""
        out: dict[int, tuple[int, int]] = {}
        async with self._db.read() as conn:
            for seq in seqs:
                msg = await msg_store.get_by_seq(conn, app.sdkappid, group_conv_id(group_id), seq)
                if msg is None:
                    continue
                out[seq] = await store.read_counts(conn, app.sdkappid, group_id, seq, msg.sender)
        return out

    async def readers(
        self,
        app: App,
        group_id: str,
        seq: int,
        sender: str,
        *,
        read: bool,
        offset: int = 0,
        limit: int = 100,
    ) -> tuple[list[str], int]:
        """Members who have (``read``) or have not read message ``seq``, the sender
        excluded: (page of user IDs, next offset (0 = done))."""
        async with self._db.read() as conn:
            users = await store.readers(
                conn, app.sdkappid, group_id, seq, sender, read=read, offset=offset, limit=limit + 1
            )
        more = len(users) > limit
        return users[:limit], (offset + limit if more else 0)

    async def conversations(self, app: App, user: str) -> list[GroupConversation]:
        """``user``'s group conversations (every group they are in, except hidden
        ones with nothing new), with unread counts and @-me markers."""
        async with self._db.read() as conn:
            rows = await store.memberships(conn, app.sdkappid, user)
            out = []
            for g, m in rows:
                if m.hidden and g.last_seq <= m.hidden_seq:
                    continue
                after = max(m.read_seq, m.join_seq, m.cleared_seq)
                unread = await store.unread_count(
                    conn, app.sdkappid, g.group_id, user, after, g.last_seq
                )
                at: list[tuple[int, str, list[int]]] = []
                if unread:
                    for mr in await store.mentions(conn, app.sdkappid, g.group_id, after):
                        names = mr.at_users
                        kinds = ([1] if user in names else []) + ([2] if AT_ALL in names else [])
                        if kinds and mr.sender != user and not mr.is_recalled:
                            at.append((mr.seq, mr.sender, kinds))
                out.append(
                    GroupConversation(
                        group_id=g.group_id,
                        last_seq=g.last_seq,
                        last_time=g.last_time or m.join_time,
                        last_msg_id=g.last_msg_id,
                        read_seq=after,
                        pinned=m.pinned,
                        pinned_at=m.pinned_at,
                        unread=unread,
                        at_me=at,
                    )
                )
        return out

    async def set_conversation(self, app: App, user: str, group_id: str, **values: Any) -> bool:
        """Change ``user``'s group conversation (``pinned``/``pinned_at``; ``hidden``
        hides it until a newer message; ``clear`` also hides the history so far).
        False if they are not a member."""
        async with self._db.write() as conn:
            top = await store.head(conn, app.sdkappid, group_id)
            if values.pop("clear", False):
                values["cleared_seq"] = top
            if values.get("hidden"):
                values["hidden_seq"] = top
                values["read_seq"] = top
            return await store.update_member(conn, app.sdkappid, group_id, user, **values)


@dataclass(frozen=True)
class GroupConversation:
    """A member's view of a group as a conversation. ``at_me``: unread messages
    mentioning them: (seq, sender, [1 at me | 2 at all])."""

    group_id: str
    last_seq: int
    last_time: int
    last_msg_id: int
    read_seq: int
    pinned: bool
    pinned_at: int
    unread: int
    at_me: list[tuple[int, str, list[int]]]


SYSTEM_SENDER = "@TIM#SYSTEM"  # From_Account of server-made messages, as Tencent's
OPEN_HISTORY = ("ChatRoom", "Community")  # new members see earlier history
GROUP_CACHE_TTL = 5.0  # seconds a group's / a membership's send checks are cached
DEDUPE_WINDOW = 120
_TYPE_CODE = {"Private": "1", "Public": "2", "ChatRoom": "3", "AVChatRoom": "a", "Community": "c"}
_GROUP_ID_OK = set(string.ascii_letters + string.digits + "_-@#.:")


def _norm_type(t: str) -> str:
    t = TYPE_ALIASES.get(t, t)
    if t not in GROUP_TYPES:
        raise ImError(
            Code.ERR_SVR_GROUP_INVALID_PARAMETERS,
            f"invalid group Type {t!r} (one of {', '.join(GROUP_TYPES)})",
        )
    return t


#: Tencent's member limits per type (app setting ``group_member_limits`` overrides them).
DEFAULT_MEMBER_LIMITS = {"Private": 200, "Public": 2000, "ChatRoom": 6000, "Community": 100_000}


def _type_limit(app: App, gtype: str) -> int:
    if gtype == "AVChatRoom":
        return 0  # no member list
    return int(app.settings.group_member_limits.get(gtype, DEFAULT_MEMBER_LIMITS[gtype]))


def _join_option(gtype: str, option: str | None) -> str:
    if gtype == "Private":
        return "DisableApply"
    if gtype == "AVChatRoom":
        return "FreeAccess"
    if option is None:
        return "NeedPermission" if gtype == "Public" else "FreeAccess"
    if option not in JOIN_OPTIONS:
        raise ImError(Code.ERR_SVR_GROUP_INVALID_PARAMETERS, f"invalid ApplyJoinOption {option!r}")
    return option


def _check_text(value: str, size: int, label: str, *, required: bool = False) -> None:
    if required and not value:
        raise ImError(Code.ERR_SVR_GROUP_INVALID_PARAMETERS, f"{label} is required")
    if len(value.encode()) > size:
        raise ImError(Code.ERR_SVR_GROUP_INVALID_PARAMETERS, f"{label} is longer than {size} bytes")


def _check_group_id(group_id: str) -> None:
    if (
        group_id.startswith("@TGS#")
        or len(group_id.encode()) > 48
        or not set(group_id) <= _GROUP_ID_OK
    ):
        raise ImError(Code.ERR_SVR_GROUP_INVALID_GROUPID, f"invalid GroupId {group_id!r}")


def _new_group_id(gtype: str) -> str:
    alphabet = string.ascii_uppercase + string.digits
    return "@TGS#" + _TYPE_CODE[gtype] + "".join(secrets.choice(alphabet) for _ in range(9))


def _merge_custom(old: dict[str, str], new: dict[str, str]) -> dict[str, str]:
    out = dict(old)
    for k, v in new.items():
        if len(k.encode()) > 16 or len(str(v).encode()) > 4096:
            raise ImError(
                Code.ERR_SVR_GROUP_INVALID_PARAMETERS,
                f"custom field {k!r}: key ≤ 16 bytes, value ≤ 4096 bytes",
            )
        if v == "":
            out.pop(k, None)
        else:
            out[k] = str(v)
    return out


def _member_row(
    app_id: int, group_id: str, spec: MemberSpec, join_time: int, join_seq: int, read_seq: int = 0
) -> dict[str, Any]:
    return {
        "app_id": app_id,
        "group_id": group_id,
        "user_id": spec.user_id,
        "role": spec.role,
        "join_time": join_time,
        "join_seq": join_seq,
        "read_seq": max(read_seq, join_seq),
        "name_card": "",
        "custom": orjson.dumps(_merge_custom({}, spec.custom)).decode(),
        "shut_up_until": 0,
        "msg_flag": "AcceptAndNotify",
        "last_send_time": 0,
        "pinned": False,
        "pinned_at": 0,
        "hidden": False,
        "hidden_seq": 0,
        "cleared_seq": 0,
    }


def _change(
    group: Group, change: str, *, role: str | None = None, reason: str | None = None
) -> MembershipChanged:
    return MembershipChanged(group.group_id, change, group.type, role=role, reason=reason)


def _joined_payload(group: Group, stream_start: int, role: str) -> MembershipChanged:
    """A ``joined`` event: the member's stream of the group starts after ``stream_start``."""
    return MembershipChanged(group.group_id, "joined", group.type, join_seq=stream_start, role=role)


class _GroupRoute:
    """The group part of a send (:class:`~palaver.services.sending.Route`).

    ``check_member``: the sender must be allowed to send (see
    :meth:`GroupService._check_sender`); without it (App admins, tips, imports)
    the sender's membership is not touched. ``push`` False stores without
    pushing (imported history). ``group``: already loaded (else it is looked
    up, cached, when the send is checked).
    """

    def __init__(
        self,
        service: GroupService,
        app: App,
        group_id: str,
        *,
        check_member: bool,
        group: Group | None = None,
        push: bool = True,
        dedupe_since: int | None = None,
    ) -> None:
        self._service = service
        self._app = app
        self._group_id = group_id
        self._group = group
        self._check_member = check_member
        self._push = push
        self._dedupe_since = dedupe_since
        self._sender_is_member = False

    async def check(self, draft: Draft) -> None:
        if self._group is None:
            self._group = await self._service._cached_group(self._app, self._group_id)
        if self._check_member:
            self._sender_is_member = await self._service._check_sender(
                self._app, self._group, draft.sender
            )

    def write(self, new: NewMessage) -> GroupWrite:
        return GroupWrite(
            self._app.sdkappid,
            new,
            sender_is_member=self._sender_is_member,
            dedupe_since=self._dedupe_since,
        )

    async def publish(self, message: MessageRecord, written: Written, origin: str | None) -> None:
        if self._push and not written.duplicate:
            await self._service._publisher.group_message(self._app.sdkappid, message, origin=origin)

    async def push_online(self, message: MessageRecord, origin: str | None) -> None:
        await self._service._publisher.group_message(self._app.sdkappid, message, origin=origin)
