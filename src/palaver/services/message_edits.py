"""Editing sent messages: C2C and group, by users and by the app's backend.

Follows Tencent IM's ``modifyMessage`` (SDK, any participant of the
conversation may edit; ``MESSAGE_MODIFIED`` to both parties / every member) and
REST ``openim/modify_c2c_msg`` and ``group_open_http_svc/modify_group_msg``
(cloud.tencent.com/document/product/269/74740 and /74741).

Every message has a ``version`` (Tencent's ``MsgVersion``, 0 when sent). A user's
edit names the version it started from; when someone else edited the message
in between, the edit is refused with 20027 and :class:`ModifyConflict` carries
the message as it is now, so the client can show it and try again (Tencent's
SDK turns 20027 into its 2480 with ``data.message``). REST edits (admin) apply
whatever the version.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from palaver.errors import Code, ImError
from palaver.model.events import EventKind, GroupMessageModified, Modified, StreamEvent
from palaver.model.messages import MessageRecord, group_conv_id
from palaver.msgbody import validate_msg_body
from palaver.services.ports import Publisher
from palaver.storage import Database
from palaver.storage import events as ev_store
from palaver.storage import messages as msg_store

if TYPE_CHECKING:
    from palaver.services.apps import App
    from palaver.services.groups.directory import GroupDirectory

#: Element types a user's edit may put in a message (as Tencent's SDK allows).
EDITABLE = frozenset({"TIMTextElem", "TIMCustomElem", "TIMLocationElem", "TIMFaceElem"})
#: The live-room type: its messages are not stored and cannot be edited.
AV_CHAT_ROOM = "AVChatRoom"


def _kind(element: Any) -> Any:
    return element.get("MsgType") if isinstance(element, dict) else None


class ModifyConflict(ImError):
    """20027: the message has another version than the edit named; ``message``
    is its current state."""

    def __init__(self, message: MessageRecord) -> None:
        super().__init__(
            Code.ERR_SVR_MSG_MODIFY_CONFLICT,
            f"the message is at version {message.version}: someone else edited it first",
        )
        self.message = message


class MessageEditService:
    """Edits of stored messages (C2C and group) and their ``MESSAGE_MODIFIED`` pushes.

    Args:
        db: the database.
        publisher: pushes what was committed.
        directory: groups and memberships (who may edit a group's messages).
    """

    def __init__(self, db: Database, publisher: Publisher, directory: GroupDirectory) -> None:
        self._db = db
        self._publisher = publisher
        self._directory = directory

    async def c2c_by_key(
        self, app: App, a: str, b: str, *, seq: int, random: int, msg_time: int
    ) -> MessageRecord:
        """The message of the a/b conversation named as Tencent's SDK names it:
        its sequence (the sender's ``MsgSeq`` or the conversation's), ``MsgRandom``
        and time.

        Raises:
            ImError: 20026 no such message in that conversation.
        """
        conv_id = msg_store.c2c_conv_id(a, b)
        async with self._db.read() as conn:
            msg = await msg_store.get_by_random_time(conn, app.sdkappid, conv_id, random, msg_time)
        if msg is None or seq not in (0, msg.seq, msg.client_seq):
            raise ImError(Code.ERR_SVR_MSG_NOT_FOUND, "no such message in this conversation")
        return msg

    async def by_id(self, app: App, conversation: str, message_id: int) -> MessageRecord:
        """A message by storage id, if it is in the storage conversation ``conversation``.

        Raises:
            ImError: 20026 it is not.
        """
        async with self._db.read() as conn:
            msg = await msg_store.get_by_id(conn, app.sdkappid, message_id)
        if msg is None or msg.conv_id != conversation:
            raise ImError(Code.ERR_SVR_MSG_NOT_FOUND, "no such message in this conversation")
        return msg

    async def c2c_by_msg_key(self, app: App, a: str, b: str, msg_key: str) -> MessageRecord:
        """The message of the a/b conversation with this ``MsgKey``.

        Raises:
            ImError: 20026 none.
        """
        parts = msg_key.split("_")
        if len(parts) != 3 or not all(p.isascii() and p.isdigit() and len(p) < 19 for p in parts):
            raise ImError(Code.ERR_SVR_MSG_NOT_FOUND, "MsgKey must be {seq}_{random}_{time}")
        seq, random, msg_time = (int(p) for p in parts)
        conv_id = msg_store.c2c_conv_id(a, b)
        async with self._db.read() as conn:
            msg = await msg_store.get_by_seq(conn, app.sdkappid, conv_id, seq)
        if msg is None or (msg.random, msg.time) != (random, msg_time):
            raise ImError(Code.ERR_SVR_MSG_NOT_FOUND, "no such message in this conversation")
        return msg

    async def group_message(
        self, app: App, group_id: str, seq: int, editor: str | None
    ) -> MessageRecord:
        """A group's message by ``MsgSeq``; ``editor`` (``None``: the app admin)
        must be a member.

        Raises:
            ImError: 10010 no such group; 10007 ``editor`` is not a member; 2481
                a live room (AVChatRoom: nothing stored); 20026 no such message.
        """
        group = await self._directory.get(app, group_id)
        if group.type == AV_CHAT_ROOM:
            raise ImError(
                Code.ERR_SDK_MSG_MODIFY_DISABLED_IN_AV, "messages of an AVChatRoom cannot be edited"
            )
        if editor is not None and await self._directory.member(app, group_id, editor) is None:
            raise ImError(
                Code.ERR_SVR_GROUP_PERMISSION_DENY, "only members edit a group's messages"
            )
        async with self._db.read() as conn:
            msg = await msg_store.get_by_seq(conn, app.sdkappid, group_conv_id(group_id), seq)
        if msg is None:
            raise ImError(Code.ERR_SVR_MSG_NOT_FOUND, "no such message in this group")
        return msg

    async def modify(
        self,
        app: App,
        msg: MessageRecord,
        editor: str,
        *,
        body: Any = None,
        cloud_custom_data: str | None = None,
        version: int | None = None,
        user_edit: bool = True,
    ) -> MessageRecord:
        """Replace ``msg``'s ``MsgBody`` and/or ``CloudCustomData`` (``None``: keep),
        making version ``msg.version + 1``. C2C: both parties' streams get
        ``MESSAGE_MODIFIED`` (every device, also after a reconnect); group: every
        member online. ``version``: the version the edit started from (``None``:
        whatever it is now, REST). ``user_edit``: the body may hold only text,
        custom, location and face elements (as Tencent's SDK allows).

        Raises:
            ImError: 20026 the message was recalled; 90007/90002/80002 a bad body;
                6017 neither body nor custom data given, or another element type;
                20027 :class:`ModifyConflict` (another edit came first).
        """
        if msg.is_recalled:
            raise ImError(Code.ERR_SVR_MSG_NOT_FOUND, "a recalled message cannot be edited")
        if body is None and cloud_custom_data is None:
            raise ImError(Code.ERR_INVALID_PARAMETERS, "give MsgBody and/or CloudCustomData")
        body_json = None
        if body is not None:
            if user_edit and isinstance(body, list) and any(_kind(e) not in EDITABLE for e in body):
                raise ImError(
                    Code.ERR_INVALID_PARAMETERS,
                    "only text, custom, location and face messages can be edited",
                )
            body_json = orjson.dumps(validate_msg_body(body)).decode()
        group = msg.group_id is not None
        users = [] if group else list(dict.fromkeys([msg.sender, msg.receiver]))
        async with self._db.write() as conn:
            ok = await msg_store.modify(conn, msg.id, version, body_json, cloud_custom_data)
            now = await msg_store.get_by_id(conn, app.sdkappid, msg.id)
            assert now is not None  # ids are never reused; rows go only by retention
            if not ok:
                raise ModifyConflict(now)
            payload = Modified(editor, now.version)
            events = [ev_store.NewEvent(u, EventKind.MODIFY, msg.id, payload) for u in users]
            seqs = await ev_store.append_events(conn, app.sdkappid, events) if events else []
        if group:
            assert now.group_id is not None
            await self._publisher.group_notice(
                app.sdkappid, now.group_id, GroupMessageModified(now, editor)
            )
        else:
            await self._publisher.stream(
                app.sdkappid,
                [
                    StreamEvent(u, s, EventKind.MODIFY, payload, now)
                    for u, s in zip(users, seqs, strict=True)
                ],
            )
        return now
