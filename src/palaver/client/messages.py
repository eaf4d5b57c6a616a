"""Messages: create, send, recall, history, read state and read receipts
(Tencent's message manager), as a mixin of :class:`palaver.client.Chat`."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable
from typing import Any

from palaver.client import media
from palaver.client._processor import Processor, PushHandler
from palaver.client.constants import EVENT, TYPES
from palaver.client.conversation_list import read_receipts
from palaver.client.models import (
    ERR_INVALID_PARAMETERS,
    ERR_NETWORK,
    ERR_REQUEST_TIMEOUT,
    ChatError,
    Message,
    MessageListResult,
    check_recipient,
    push_info_to_wire,
    system_notice,
)
from palaver.errors import ImError
from palaver.protocol.objects import element_to_payload, payload_to_element

UINT32 = 1 << 32
MAX_PAGE = 15  # getMessageList's cap, as Tencent's SDK clamps it


class MessageManager(Processor):
    """Message calls of :class:`~palaver.client.Chat` (Tencent's message manager)."""

    def _push_handlers(self) -> dict[str, PushHandler]:
        return {
            **super()._push_handlers(),
            "GROUP_SYSTEM_NOTICE_RECEIVED": self._on_system_notice,
        }

    async def _on_system_notice(self, gen: int, data: dict[str, Any]) -> None:
        self._emit(EVENT.MESSAGE_RECEIVED, [system_notice(data, self._user_id)])

    def _create(
        self,
        msg_type: str,
        to: str,
        conversation_type: str,
        payload: dict[str, Any],
        cloud_custom_data: str | None,
        need_read_receipt: bool,
    ) -> Message:
        check_recipient(to, conversation_type)
        try:
            element = payload_to_element(msg_type, payload)
        except ImError as exc:
            raise ChatError(ERR_INVALID_PARAMETERS, exc.info) from None
        return self._outgoing(
            msg_type,
            to,
            conversation_type,
            dict(payload),
            element,
            cloud_custom_data=cloud_custom_data or "",
            need_read_receipt=need_read_receipt,
        )

    def _outgoing(
        self,
        msg_type: str,
        to: str,
        conversation_type: str,
        payload: dict[str, Any],
        element: dict[str, Any],
        **fields: Any,
    ) -> Message:
        """An unsent message of mine (``status`` ``unSend``) with one element; ``fields``:
        further :class:`Message` fields (``cloud_custom_data``, ``forwarded``...)."""
        rnd = secrets.randbelow(UINT32)
        now = int(time.time())
        return Message(
            id=f"{self._user_id}-{now}-{rnd}",
            conversation_id=conversation_type + to,
            conversation_type=conversation_type,
            from_=self._user_id,
            to=to,
            flow="out",
            time=now,
            random=rnd,
            status="unSend",
            is_read=True,
            payload=payload,
            type=msg_type,
            msg_body=[element],
            **fields,
        )

    def _create_upload(
        self,
        msg_type: str,
        to: str,
        conversation_type: str,
        payload: dict[str, Any],
        on_progress: media.Progress | None,
        cloud_custom_data: str | None,
        need_read_receipt: bool,
    ) -> Message:
        """A media message whose file :meth:`send_message` uploads first."""
        pending = media.pending(msg_type, payload, on_progress)
        message = self._create(
            msg_type, to, conversation_type, {}, cloud_custom_data, need_read_receipt
        )
        message.pending_file = pending
        return message

    def cancel_uploading(self, message: Message) -> bool:
        """Stop the upload of a media message being sent (Palaver's own; Tencent's SDK
        has none): its :meth:`send_message` fails with ChatError 2802 and nothing is
        stored or sent (a later resend fails the same way). False when the message has
        no upload left (not a file, uploaded already, or cancelled before)."""
        pending = message.pending_file
        if pending is None or pending.cancelled:
            return False
        pending.cancelled = True
        return True

    async def _upload(self, message: Message) -> None:
        """Upload the message's file and fill in its element (URL, sizes, UUID)."""
        assert self._http is not None
        answer = await media.upload(
            self._http,
            self.server,
            self.sdk_app_id,
            self._user_id,
            self._user_sig,
            message.pending_file,
        )
        element = answer["MsgBody"][0]
        message.msg_body = [element]
        message.payload = element_to_payload(element)
        message.pending_file = None

    def create_text_message(
        self,
        *,
        to: str,
        conversation_type: str = TYPES.CONV_C2C,
        payload: dict[str, Any],
        cloud_custom_data: str | None = None,
        need_read_receipt: bool = False,
    ) -> Message:
        """An unsent text message. ``payload``: ``{"text": str}``.

        Raises:
            ChatError: 6017 bad ``to``, ``conversation_type`` or payload.
        """
        if not isinstance(payload.get("text"), str):
            raise ChatError(ERR_INVALID_PARAMETERS, "payload.text must be a string")
        return self._create(
            TYPES.MSG_TEXT, to, conversation_type, payload, cloud_custom_data, need_read_receipt
        )

    def create_text_at_message(
        self,
        *,
        to: str,
        conversation_type: str = TYPES.CONV_GROUP,
        payload: dict[str, Any],
        cloud_custom_data: str | None = None,
        need_read_receipt: bool = False,
    ) -> Message:
        """An unsent group text that mentions members (Tencent
        ``createTextAtMessage``). ``payload``: ``{"text": str, "atUserList":
        [userID | TYPES.MSG_AT_ALL]}``. The mentioned members' conversation
        gets an entry in ``group_at_info_list``.

        Raises:
            ChatError: 6017 not a group conversation, bad payload.
        """
        at = payload.get("atUserList")
        if conversation_type != TYPES.CONV_GROUP:
            raise ChatError(ERR_INVALID_PARAMETERS, "@-mentions are for group messages")
        if not isinstance(at, list) or not all(isinstance(u, str) and u for u in at):
            raise ChatError(ERR_INVALID_PARAMETERS, "payload.atUserList must list userIDs")
        msg = self.create_text_message(
            to=to,
            conversation_type=conversation_type,
            payload={"text": payload.get("text")},
            cloud_custom_data=cloud_custom_data,
            need_read_receipt=need_read_receipt,
        )
        msg.at_user_list = list(at)
        msg.payload = dict(payload)
        return msg

    def create_face_message(
        self,
        *,
        to: str,
        conversation_type: str = TYPES.CONV_C2C,
        payload: dict[str, Any],
        cloud_custom_data: str | None = None,
        need_read_receipt: bool = False,
    ) -> Message:
        """An unsent face (emoji) message. ``payload``: ``{"index": int, "data": str}``."""
        return self._create(
            TYPES.MSG_FACE, to, conversation_type, payload, cloud_custom_data, need_read_receipt
        )

    def create_location_message(
        self,
        *,
        to: str,
        conversation_type: str = TYPES.CONV_C2C,
        payload: dict[str, Any],
        cloud_custom_data: str | None = None,
        need_read_receipt: bool = False,
    ) -> Message:
        """An unsent location. ``payload``: ``{"description": str, "longitude":
        float, "latitude": float}`` (degrees)."""
        return self._create(
            TYPES.MSG_LOCATION, to, conversation_type, payload, cloud_custom_data, need_read_receipt
        )

    def create_custom_message(
        self,
        *,
        to: str,
        conversation_type: str = TYPES.CONV_C2C,
        payload: dict[str, Any],
        cloud_custom_data: str | None = None,
        need_read_receipt: bool = False,
    ) -> Message:
        """An unsent custom message. ``payload``: ``{"data": str, "description":
        str, "extension": str}``."""
        return self._create(
            TYPES.MSG_CUSTOM, to, conversation_type, payload, cloud_custom_data, need_read_receipt
        )

    def create_image_message(
        self,
        *,
        to: str,
        conversation_type: str = TYPES.CONV_C2C,
        payload: dict[str, Any],
        cloud_custom_data: str | None = None,
        need_read_receipt: bool = False,
        on_progress: media.Progress | None = None,
    ) -> Message:
        """An unsent image message: a file to upload, or an image by URL.

        ``payload``: ``{"file": path | bytes | binary file, "fileName"?}`` (uploaded by
        :meth:`send_message`, which fills in Tencent's three sizes; ``on_progress(f)``
        sees the fraction sent, 0 < f <= 1); or Tencent's received shape ``{"uuid",
        "imageFormat", "imageInfoArray": [{"type": 1|2|3, "size", "width", "height",
        "url"}]}``; or the short form ``{"url", "width"?, "height"?, "size"? (bytes),
        "imageFormat"?}`` (one original-size image).
        """
        if "file" in payload:
            return self._create_upload(
                TYPES.MSG_IMAGE,
                to,
                conversation_type,
                payload,
                on_progress,
                cloud_custom_data,
                need_read_receipt,
            )
        if "imageInfoArray" not in payload and "url" in payload:
            info = {"type": 1, "url": payload["url"]}
            for k in ("size", "width", "height"):
                if k in payload:
                    info[k] = payload[k]
            payload = {
                "uuid": payload.get("uuid", ""),
                "imageFormat": payload.get("imageFormat", 255),
                "imageInfoArray": [info],
            }
        return self._create(
            TYPES.MSG_IMAGE, to, conversation_type, payload, cloud_custom_data, need_read_receipt
        )

    def create_file_message(
        self,
        *,
        to: str,
        conversation_type: str = TYPES.CONV_C2C,
        payload: dict[str, Any],
        cloud_custom_data: str | None = None,
        need_read_receipt: bool = False,
        on_progress: media.Progress | None = None,
    ) -> Message:
        """An unsent file message: ``payload`` ``{"file": path | bytes | binary file,
        "fileName"?}`` (uploaded by :meth:`send_message`, ``on_progress`` as for images),
        or by URL ``{"fileUrl" (or "url"), "fileName", "fileSize" (bytes), "uuid"?}``."""
        if "file" in payload:
            return self._create_upload(
                TYPES.MSG_FILE,
                to,
                conversation_type,
                payload,
                on_progress,
                cloud_custom_data,
                need_read_receipt,
            )
        if "fileUrl" not in payload and "url" in payload:
            payload = {
                **{k: v for k, v in payload.items() if k != "url"},
                "fileUrl": payload["url"],
            }
        return self._create(
            TYPES.MSG_FILE, to, conversation_type, payload, cloud_custom_data, need_read_receipt
        )

    def create_audio_message(
        self,
        *,
        to: str,
        conversation_type: str = TYPES.CONV_C2C,
        payload: dict[str, Any],
        cloud_custom_data: str | None = None,
        need_read_receipt: bool = False,
        on_progress: media.Progress | None = None,
    ) -> Message:
        """An unsent audio message: ``payload`` ``{"file": path | bytes | binary file}``
        (uploaded by :meth:`send_message`; the server reads the duration), or by URL
        ``{"url", "second" (duration, s), "size" (bytes), "uuid"?}``."""
        if "file" in payload:
            return self._create_upload(
                TYPES.MSG_AUDIO,
                to,
                conversation_type,
                payload,
                on_progress,
                cloud_custom_data,
                need_read_receipt,
            )
        return self._create(
            TYPES.MSG_AUDIO, to, conversation_type, payload, cloud_custom_data, need_read_receipt
        )

    def create_video_message(
        self,
        *,
        to: str,
        conversation_type: str = TYPES.CONV_C2C,
        payload: dict[str, Any],
        cloud_custom_data: str | None = None,
        need_read_receipt: bool = False,
        on_progress: media.Progress | None = None,
    ) -> Message:
        """An unsent video message: ``payload`` ``{"file": path | bytes | binary file,
        "cover"?: an image (the same kinds), "second"?}`` (MP4, MOV or WebM, uploaded by
        :meth:`send_message`, its cover first: the ``thumb*`` fields), or by URL ``{"videoUrl"
        (or "url"), "videoSecond" (s), "videoSize" (bytes), "videoFormat", "thumbUrl",
        "thumbWidth", "thumbHeight", ...}``."""
        if "file" in payload:
            return self._create_upload(
                TYPES.MSG_VIDEO,
                to,
                conversation_type,
                payload,
                on_progress,
                cloud_custom_data,
                need_read_receipt,
            )
        if "videoUrl" not in payload and "url" in payload:
            payload = {
                **{k: v for k, v in payload.items() if k != "url"},
                "videoUrl": payload["url"],
            }
        return self._create(
            TYPES.MSG_VIDEO, to, conversation_type, payload, cloud_custom_data, need_read_receipt
        )

    async def send_message(
        self,
        message: Message,
        online_user_only: bool = False,
        offline_push_info: dict[str, Any] | None = None,
    ) -> Message:
        """Send a message made by a ``create_*_message`` method.

        The same object is updated and returned: server ``id``, ``sequence``,
        ``time`` and ``status`` ``"success"``. The receiver's devices and this
        user's other devices get it as ``MESSAGE_RECEIVED``; this device does not
        (the returned message is its copy). With ``online_user_only`` the message
        is not stored: only devices online now get it (``sequence`` 0).
        ``offline_push_info`` (``{"disablePush", "title", "description",
        "extension"}``, as Tencent's SDK) is stored with the message, shown to its
        receivers (``offline_push_info``) and passed to the app backend's offline-push hook.

        Group messages (``conversation_type`` ``TYPES.CONV_GROUP``, ``to`` the
        group ID) go to every member; ``create_text_at_message`` mentions some.

        A message made with a ``"file"`` is uploaded first (``on_progress`` sees it);
        an upload failure fails the send with the upload's code (2253/2301/2351/2402
        too large, 2252 not an image, 2352 not a video, 2108 empty, 6008 storage).

        On failure ``status`` becomes ``"fail"`` and ChatError is raised: the
        server's codes (20003 receiver not imported, 20007 blacklisted, 20009
        not friends, 20012 forbidden to send, 90002/80002 bad body; groups:
        10010 no such group, 10007 not a member, 10017 muted...), or 2800
        / 2801 when the answer was lost — then the message may have been stored:
        :meth:`resend_message` sends it again with the same ``random`` and the
        server answers the stored copy instead of storing it twice.
        """
        self._require_login()
        if message.status == "success":
            raise ChatError(ERR_INVALID_PARAMETERS, "this message was sent already")
        if message.pending_file is not None:
            try:
                await self._upload(message)
            except ChatError:
                message.status = "fail"
                raise
        data: dict[str, Any] = {
            "to": message.to,
            "conversationType": message.conversation_type,
            "type": message.type,
            "payload": message.payload,
            "random": message.random,
            "onlineUserOnly": online_user_only,
            "needReadReceipt": message.need_read_receipt,
        }
        data.update(message.send_fields())
        if offline_push_info is not None:
            data["offlinePushInfo"] = push_info_to_wire(offline_push_info)
        if not message.from_:
            message.from_ = self._user_id
        self._session.sending(message.random)
        message.status = "unSend"
        try:
            answer = await self._request("sendMessage", data)
        except ChatError as exc:
            message.status = "fail"
            if exc.code not in (ERR_NETWORK, ERR_REQUEST_TIMEOUT):
                self._session.sent(message.random, None)
            # else: it may be stored; its echo stays suppressed until a resend
            raise
        message.update_from_wire(answer.get("message") or {})
        message.status = "success"
        message.flow = "out"
        message.is_read = True
        message.online_only = online_user_only
        self._session.sent(message.random, message.id)
        if not online_user_only:
            self._convs.intern(message)
            self._queue_local(self._convs.sent(message))
        return message

    async def resend_message(self, message: Message) -> Message:
        """Send again a message whose send failed (same ``random``: if the first
        attempt was stored, the server answers that copy). Raises ChatError
        6017 if the message was sent successfully, else as :meth:`send_message`."""
        if message.status == "success":
            raise ChatError(ERR_INVALID_PARAMETERS, "this message was sent already")
        return await self.send_message(message, online_user_only=message.online_only)

    async def get_message_list(
        self, conversation_id: str, next_req_message_id: str | None = None, count: int = MAX_PAGE
    ) -> MessageListResult:
        """A page of a conversation's history, oldest first.

        Args:
            conversation_id: ``"C2C<userID>"`` or ``"GROUP<groupID>"`` (one of mine).
            next_req_message_id: ``None`` for the newest page, then the previous
                page's ``next_req_message_id``.
            count: 1..15 (more is clamped to 15, as Tencent's SDK does).

        Raises:
            ChatError: 6017 bad conversation ID, or a ``next_req_message_id``
                that is not a message of this conversation; 10007 a group I am
                not a member of; 10010 no such group.
        """
        count = max(1, min(int(count), MAX_PAGE))
        req: dict[str, Any] = {"conversationID": conversation_id, "count": count}
        if next_req_message_id:
            req["nextReqMessageID"] = next_req_message_id
        data = await self._request("getMessageList", req)
        msgs = self._convs.loaded(data.get("messageList") or [])
        return MessageListResult(
            msgs, str(data.get("nextReqMessageID") or ""), bool(data.get("isCompleted", True))
        )

    async def set_message_read(self, conversation_id: str) -> None:
        """Mark every message of a conversation read: its unread count becomes 0,
        my other devices follow, and the peer gets ``MESSAGE_READ_BY_PEER`` (in a
        group: senders who asked get ``MESSAGE_READ_RECEIPT_RECEIVED``; the
        conversation's ``group_at_info_list`` empties).

        Raises:
            ChatError: 6017 bad conversation ID; 10007 a group I am not in.
        """
        await self._request("setMessageRead", {"conversationID": conversation_id})
        self._queue_local(self._convs.read_locally(conversation_id))

    async def revoke_message(self, message: Message) -> Message:
        """Recall one of my sent messages; both parties' devices get ``MESSAGE_REVOKED``
        (except this one: the returned message, ``is_revoked`` True, is its news).

        In a group, the owner and admins may recall anyone's message at any time.

        Raises:
            ChatError: 20016 the app's recall window (default 120 s) has
                passed (10031 in a group); 6017 not my message or not in my
                conversations (10007 in a group: not mine, and I am no admin).
        """
        convs = self._convs
        convs.own_revokes.add(message.id)
        try:
            data = await self._request(
                "revokeMessage", {"conversationID": message.conversation_id, "ID": message.id}
            )
        except ChatError:
            convs.own_revokes.discard(message.id)
            raise
        message.update_from_wire(data.get("message") or {})
        message.is_revoked = True
        message.revoker = self._user_id
        kept = convs.intern(message)
        kept.is_revoked = True
        self._queue_local(convs.revoked_locally(kept))
        return message

    # ------------------------------------------------------------ read receipts

    async def get_message_read_receipt_list(
        self, message_list: Iterable[Message]
    ) -> dict[str, Any]:
        """Read counts of messages (one conversation or several): ``{"messageList"}``,
        the same Message objects with ``read_receipt_info`` ``{"readCount",
        "unreadCount"}`` set (in a group, members other than the sender; in C2C,
        the other party, 0 or 1).

        Raises:
            ChatError: 6017 a message not in its conversation; 10007 a group I am
                not in.
        """
        return await self._drive(read_receipts(message_list))

    async def get_group_message_read_member_list(
        self, message: Message, filter: int = 0, cursor: str = "", count: int = 100
    ) -> dict[str, Any]:
        """Who read (``filter`` 0) or has not read (1) one of a group's messages,
        the sender left out: ``{"messageID", "readUserIDList"`` (or
        ``"unreadUserIDList"``), ``"cursor"`` (pass it back for the next page),
        ``"isCompleted"}``. ``count`` 1..100.

        Raises:
            ChatError: 6017 not a group message; 10007 not a member.
        """
        data = await self._request(
            "getGroupMessageReadMemberList",
            {
                "conversationID": message.conversation_id,
                "messageID": message.id,
                "filter": filter,
                "offset": int(cursor or 0),
                "count": count,
            },
        )
        key = "readUserIDList" if filter == 0 else "unreadUserIDList"
        return {
            "messageID": message.id,
            key: list(data.get("userIDList") or []),
            "cursor": str(data.get("offset") or ""),
            "isCompleted": bool(data.get("isCompleted", True)),
        }

    async def send_message_read_receipt(self, message_list: Iterable[Message]) -> None:
        """Tell the senders I read these messages (Tencent ``sendMessageReadReceipt``):
        their conversation is read up to the newest of them. Messages of one
        conversation per call.

        Raises:
            ChatError: 6017 no messages, several conversations, or a message not
                in its conversation; 10007 a group I am not in.
        """
        msgs = list(message_list)
        cids = {m.conversation_id for m in msgs}
        if len(cids) != 1:
            raise ChatError(ERR_INVALID_PARAMETERS, "messages of one conversation, please")
        (cid,) = cids
        await self._request(
            "sendMessageReadReceipt", {"conversationID": cid, "messageIDList": [m.id for m in msgs]}
        )
        self._queue_local(self._convs.read_up_to(cid, max(m.sequence for m in msgs)))
