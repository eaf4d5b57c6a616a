"""The rules of changing one membership: who may set a member's role, name card,
custom data, message flag and mute (Tencent IM's group roles: the owner outranks
admins, who outrank members; an App admin through REST outranks everyone)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from palaver.errors import Code, ImError
from palaver.services.groups.model import (
    MSG_FLAGS,
    NAME_CARD_BYTES,
    TIP_CANCEL_ADMIN,
    TIP_MEMBER_PROFILE,
    TIP_SET_ADMIN,
    Group,
    Member,
    check_text,
    merge_custom,
)
from palaver.storage import groups as group_store

#: Rank of each role: a lower rank may act on a higher one.
RANK = {"Owner": 0, "Admin": 1, "Member": 2}
APP_ADMIN_RANK = -1  # an App admin (REST) outranks everyone
NOT_A_MEMBER_RANK = 9


@dataclass(frozen=True)
class Actor:
    """Who changes whose membership: ``operator`` (``me`` their membership, or
    ``None``; ``admin`` an App admin) on ``target``."""

    operator: str
    admin: bool
    target: Member
    me: Member | None

    @property
    def rank(self) -> int:
        """The operator's rank (:data:`RANK`; lower outranks)."""
        if self.admin:
            return APP_ADMIN_RANK
        return RANK[self.me.role] if self.me is not None else NOT_A_MEMBER_RANK

    @property
    def on_self(self) -> bool:
        """Whether members change their own membership."""
        return self.operator == self.target.user_id


@dataclass
class Change:
    """A planned change of one membership: the columns to write and the tips
    (op type, extra fields) to send. Each part checks its rules first and
    raises ImError (10004 bad value, 10007 not allowed) before anything is written."""

    values: dict[str, Any] = field(default_factory=dict)
    tips: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    def role(self, actor: Actor, group: Group, role: str) -> None:
        """``Admin`` or ``Member``: the owner (or an App admin) only, not of the owner,
        and no admins in an AVChatRoom; tip 4 (set admin) or 5 (cancel admin)."""
        if role not in ("Admin", "Member"):
            raise ImError(Code.ERR_SVR_GROUP_INVALID_PARAMETERS, "Role must be Admin or Member")
        if actor.rank > RANK["Owner"]:
            raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, "only the owner can set roles")
        if actor.target.role == "Owner":
            raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, "the owner's role cannot be changed")
        if group.type == "AVChatRoom":
            raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, "no admins in an AVChatRoom")
        if role != actor.target.role:
            self.values["role"] = role
            self.tips.append((TIP_SET_ADMIN if role == "Admin" else TIP_CANCEL_ADMIN, {}))

    def profile(
        self,
        actor: Actor,
        name_card: str | None,
        custom: dict[str, str] | None,
        max_keys: int = 0,
    ) -> None:
        """Name card (≤ 50 bytes) and custom data (at most ``max_keys`` keys; 0: any
        number): one's own, or owner/admin."""
        if not actor.on_self and actor.rank > RANK["Admin"]:
            raise ImError(
                Code.ERR_SVR_GROUP_PERMISSION_DENY,
                "only the owner or an admin can change another member",
            )
        if name_card is not None:
            check_text(name_card, NAME_CARD_BYTES, "NameCard")
            self.values["name_card"] = name_card
        if custom is not None:
            merged = merge_custom(actor.target.custom, custom, max_keys)
            self.values["custom"] = group_store.custom_json(merged)

    def msg_flag(self, actor: Actor, msg_flag: str) -> None:
        """``MsgFlag``: the member themselves, or an App admin."""
        if msg_flag not in MSG_FLAGS:
            raise ImError(
                Code.ERR_SVR_GROUP_INVALID_PARAMETERS,
                "MsgFlag must be AcceptAndNotify, AcceptNotNotify or Discard",
            )
        if not actor.on_self and not actor.admin:
            raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, "members set their own MsgFlag")
        self.values["msg_flag"] = msg_flag

    def mute(self, actor: Actor, seconds: int, now: int) -> None:
        """Mute for ``seconds`` from ``now`` (0 unmutes): an owner/admin over a
        lower role; tip 7 with ``MemberInfo``."""
        if seconds < 0:
            raise ImError(Code.ERR_SVR_GROUP_INVALID_PARAMETERS, "ShutUpTime must be >= 0")
        if actor.rank >= RANK[actor.target.role] or actor.rank > RANK["Admin"]:
            raise ImError(
                Code.ERR_SVR_GROUP_PERMISSION_DENY, "only a higher role can mute a member"
            )
        self.values["shut_up_until"] = now + seconds if seconds else 0
        info = {"MemberInfo": [{"Member_Account": actor.target.user_id, "ShutUpTime": seconds}]}
        self.tips.append((TIP_MEMBER_PROFILE, info))
