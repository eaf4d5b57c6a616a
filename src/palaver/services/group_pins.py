"""Pinned group messages (Tencent's ``pinGroupMessage``,
``getPinnedGroupMessageList`` and ``PINNED_GROUP_MESSAGE_UPDATED``; Tencent's
client commands ``group_open_http_svc.pin_message`` / ``unpin_message`` /
``get_pinned_messages``; cloud.tencent.com/document/product/269/60171 and
trtc.io/document/60171).

The owner and admins of a group (and the App admin) pin up to
:data:`MAX_PINS` of its stored messages; every member may list them. A pin or
unpin reaches the members online as ``PINNED_GROUP_MESSAGE_UPDATED``; the list is
stored, so a client that was away asks for it again. Only groups that store
their messages have pins: not an AVChatRoom.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from palaver.errors import Code, ImError
from palaver.model.events import GroupMessagePinned
from palaver.model.messages import MessageRecord, group_conv_id
from palaver.services.groups.directory import GroupDirectory
from palaver.services.ports import Clock, Publisher, SystemClock
from palaver.storage import Database
from palaver.storage import messages as msg_store
from palaver.storage import pins as pin_store

if TYPE_CHECKING:
    from palaver.services.apps import App

#: Most pinned messages in one group (Tencent's limit).
MAX_PINS = 10
#: Group types without pinned messages (nothing stored to pin).
NO_PINS = ("AVChatRoom",)


@dataclass(frozen=True, slots=True)
class Pin:
    """A pinned message, who pinned it and when (unix ms)."""

    message: MessageRecord
    pinner: str
    pinned_at: int


class GroupPinService:
    """A group's pinned messages, and their pushes.

    Args:
        db: the database.
        publisher: pushes pins and unpins to the members online.
        directory: groups and roles.
        clock: the time of a pin.
    """

    def __init__(
        self,
        db: Database,
        publisher: Publisher,
        directory: GroupDirectory,
        clock: Clock | None = None,
    ) -> None:
        self._db = db
        self._publisher = publisher
        self._directory = directory
        self._clock = clock or SystemClock()

    async def pin(
        self, app: App, group_id: str, seq: int, operator: str, *, pinned: bool, admin: bool = False
    ) -> None:
        """``operator`` (``admin``: the App admin) pins or unpins the message
        ``seq``. Unpinning a message that is not pinned changes nothing; a recalled
        message cannot be pinned but can be unpinned (it still counts until then).

        Raises:
            ImError: 10010 no such group; 10007 the operator is not its owner or
                an admin; 10004 an AVChatRoom; 20026 no such message
                (or recalled); 10071 pinned already; 10070 the group has
                :data:`MAX_PINS` pinned messages already.
        """
        group, _ = await self._directory.require_manager(app, group_id, operator, admin)
        if group.type in NO_PINS:
            raise ImError(
                Code.ERR_SVR_GROUP_INVALID_PARAMETERS, f"a {group.type} has no pinned messages"
            )
        async with self._db.write() as conn:
            msg = await msg_store.get_by_seq(conn, app.sdkappid, group_conv_id(group_id), seq)
            if msg is None or (pinned and msg.is_recalled):
                raise ImError(Code.ERR_SVR_MSG_NOT_FOUND, "no such message in this group")
            if not pinned:
                changed = await pin_store.unpin(conn, app.sdkappid, group_id, seq)
            elif await pin_store.count(conn, app.sdkappid, group_id) >= MAX_PINS:
                raise ImError(
                    Code.ERR_SVR_GROUP_PINNED_MESSAGE_COUNT_LIMIT,
                    f"at most {MAX_PINS} pinned messages in a group",
                )
            else:
                at = int(self._clock.time() * 1000)
                changed = await pin_store.pin(conn, app.sdkappid, group_id, seq, operator, at)
                if not changed:
                    raise ImError(
                        Code.ERR_SVR_GROUP_MESSAGE_ALREADY_PINNED, "the message is pinned already"
                    )
        if changed:
            notice = GroupMessagePinned(msg, pinned, operator)
            await self._publisher.group_notice(app.sdkappid, group_id, notice)

    async def pins(self, app: App, group_id: str, user: str | None) -> list[Pin]:
        """The group's pinned messages, latest pin first (recalled ones left out);
        ``user`` (``None``: the App admin) must be a member.

        Raises:
            ImError: 10010 no such group; 10007 ``user`` is not a member.
        """
        if user is None:
            await self._directory.get(app, group_id)
        else:
            await self._directory.require_member(app, group_id, user)
        conv = group_conv_id(group_id)
        async with self._db.read() as conn:
            found = await pin_store.pins(conn, app.sdkappid, group_id)
            msgs = await msg_store.get_many_by_seq(
                conn, app.sdkappid, [(conv, seq) for seq, _, _ in found]
            )
        out: list[Pin] = []
        for seq, pinner, at in found:
            msg = msgs.get((conv, seq))
            if msg is not None and not msg.is_recalled:
                out.append(Pin(msg, pinner, at))
        return out
