"""Tencent's client protocol for the load generator: a client of ``/binfo``.

Frames as ``@tencentcloud/chat`` 3.6.6 sends them (docs/tencent-client-protocol.md
§2): binary WebSocket frames of JSON ``{"head": {...}, "body": {...}}``, the
head with the SDK's fields (``ver``, ``platform``, ``websdkappid``,
``websdkversion``, ``a2``, ``tinyid``, ``sdkappid``, ``contenttype``, ``sdkability``,
``servcmd``, ``seq`` ...), a ``sendmsg`` body with the SDK's defaults
(``OfflinePushInfo`` with its APNs and Android parts), and an
``openim.ws_msg_push_ack`` for every push that asks for one, as the SDK sends
them. So the server does per message what it does for the real SDK.

Built like :mod:`bench.wsproto`: request frames by byte concatenation from
pre-encoded parts, answers matched by ``(servcmd, seq)``, no task per frame.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import orjson

from bench.wsproto import WsClient, connect, frame_header

_OP_BIN = 2
LOGIN = "im_open_status.wslogin"
SENDMSG = b"openim.sendmsg"
PUSH = b"im_open_push.msg_push"
#: The first bytes of every answer to ``sendmsg`` / ``heartbeat.alive`` and of a push
#: (Palaver's server frames start ``{"head":{"ver":"v4","servcmd":"…"``).
SENDMSG_ANSWER = b'{"head":{"ver":"v4","servcmd":"openim.sendmsg"'
HEARTBEAT_ANSWER = b'{"head":{"ver":"v4","servcmd":"heartbeat.alive"'
PUSH_PREFIX = b'{"head":{"ver":"v4","servcmd":"im_open_push.msg_push"'
#: ``seq`` of the generator's heartbeats and acks (sends count from 1; the SDK's own
#: numbering is per instance and never reused, and the server only echoes it).
HEARTBEAT_SEQS = itertools.count(1 << 30)


def binary_frame(payload: bytes) -> bytes:
    """A whole client frame (binary, masked with the zero key) carrying ``payload``."""
    return frame_header(len(payload), _OP_BIN) + payload


class TencentPeer:
    """A logged-in client of Tencent's protocol.

    ``request(servcmd, body)`` sends a frame and resolves with the answer body;
    pushes with ``NeedAck`` are acknowledged (``SessionData`` echoed) and
    counted. After login a scenario's fast paths replace ``ws.on_frame``.
    """

    __slots__ = (
        "ws",
        "user",
        "pending",
        "next_seq",
        "last_seq",
        "seq_gaps",
        "pushes",
        "head_prefix",
        "synced",
    )

    def __init__(self, ws: WsClient, user: str, sdkappid: int) -> None:
        self.ws = ws
        self.user = user
        self.pending: dict[tuple[str, int], asyncio.Future[dict[str, Any]]] = {}
        self.next_seq = 1
        self.last_seq = -1  # the stream position, from the first push's SessionData
        self.seq_gaps = 0
        self.pushes = 0
        self.head_prefix = b""  # set at login: the head's fields up to ``servcmd``
        self.synced: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.synced.set_result(None)  # Tencent's protocol has no sync_done
        ws.on_frame = self.on_frame
        ws.on_close = self._closed
        self._set_head(sdkappid, {"identifier": user})

    def _set_head(self, sdkappid: int, creds: dict[str, Any]) -> None:
        head = {
            "ver": "v4",
            "platform": 7,
            "websdkappid": 537048168,
            "websdkversion": "1.7.3",
            **creds,
            "status_instid": 0,
            "sdkappid": sdkappid,
            "contenttype": "json",
            "reqtime": 0,
            "sdkability": 75689843,
            "sdkability_ext": "",
            "cs": 0,
        }
        self.head_prefix = b'{"head":' + orjson.dumps(head)[:-1] + b',"servcmd":"'

    def _closed(self) -> None:
        why = ConnectionError(f"closed ({self.ws.close_code})")
        for fut in self.pending.values():
            if not fut.done():
                fut.set_exception(why)
                fut.exception()

    def frame(self, servcmd: bytes, seq: int, body: bytes) -> bytes:
        """A whole request frame (``body``: the encoded JSON object)."""
        payload = (
            self.head_prefix
            + servcmd
            + b'","seq":'
            + str(seq).encode()
            + b'},"body":'
            + body
            + b"}"
        )
        return binary_frame(payload)

    def ack_frame(self, session_data: bytes) -> bytes:
        """The SDK's ``openim.ws_msg_push_ack`` for a push's ``SessionData``."""
        body = b'{"SessionData":"' + session_data + b'"}'
        return self.frame(b"openim.ws_msg_push_ack", next(HEARTBEAT_SEQS), body)

    def heartbeat(self) -> bytes:
        """A ``heartbeat.alive`` frame (the SDK's, every few seconds while idle)."""
        return self.frame(b"heartbeat.alive", next(HEARTBEAT_SEQS), b"{}")

    def on_frame(self, payload: bytes) -> None:
        obj = orjson.loads(payload)
        head = obj.get("head") or {}
        body = obj.get("body") or {}
        if head.get("servcmd") == PUSH.decode():
            self.on_push(body)
            return
        fut = self.pending.pop((head.get("servcmd", ""), head.get("seq", -1)), None)
        if fut is not None and not fut.done():
            fut.set_result(body)

    def on_push(self, body: dict[str, Any]) -> None:
        self.pushes += 1
        data = body.get("SessionData")
        if body.get("NeedAck") and isinstance(data, str):
            self.ws.send_raw(self.ack_frame(data.encode()))
            self.check_seq(int(data.rpartition(":")[2]))

    def check_seq(self, seq: int) -> None:
        if self.last_seq >= 0 and seq != self.last_seq + 1:
            self.seq_gaps += 1
        self.last_seq = seq

    def request(self, servcmd: str, body: dict[str, Any]) -> asyncio.Future[dict[str, Any]]:
        seq = self.next_seq
        self.next_seq += 1
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.pending[(servcmd, seq)] = fut
        self.ws.send_raw(self.frame(servcmd.encode(), seq, orjson.dumps(body)))
        return fut

    async def call(self, servcmd: str, body: dict[str, Any], within: float = 30) -> dict[str, Any]:
        """An answer's body; raises RuntimeError on a non-zero ``ErrorCode``."""
        async with asyncio.timeout(within):
            ans = await self.request(servcmd, body)
        if ans.get("ErrorCode", 0) != 0:
            raise RuntimeError(f"{servcmd}: {ans.get('ErrorCode')} {ans.get('ErrorInfo')}")
        return ans

    async def login(self, sdkappid: int, usersig: str, within: float) -> None:
        """``wslogin`` with the UserSig; later requests carry the session key, as the SDK's."""
        self._set_head(sdkappid, {"identifier": self.user, "usersig": usersig})
        ans = await self.call(LOGIN, {"State": "Online", "is_web_uniapp": 0}, within)
        self._set_head(sdkappid, {"a2": ans["A2Key"], "tinyid": str(ans["TinyId"])})


async def tencent_login(
    host: str, port: int, sdkappid: int, user: str, usersig: str, within: float = 30
) -> TencentPeer:
    """Connect to ``/binfo`` as SDK 3.6.6 does and log ``user`` in."""
    path = f"/binfo?sdkappid={sdkappid}&instanceid={user}&platform=7&sdkversion=3.6.6"
    ws = await connect(host, port, within=within, path=path)
    peer = TencentPeer(ws, user, sdkappid)
    try:
        await peer.login(sdkappid, usersig, within)
    except BaseException:
        ws.abort()
        raise
    return peer


def sendmsg_parts(sender: str, to: str) -> tuple[bytes, bytes]:
    """The ``sendmsg`` body around its text, as the SDK fills it: (before, after) the
    text; :func:`sendmsg_body` puts them together."""
    before = b'{"From_Account":' + orjson.dumps(sender) + b',"To_Account":' + orjson.dumps(to)
    after = orjson.dumps(
        {
            "Nick": "",
            "Avatar": "",
            "OfflinePushInfo": {
                "PushFlag": 0,
                "Title": "",
                "Desc": "",
                "Ext": "",
                "ApnsInfo": {"Sound": "", "BadgeMode": 0, "Image": "", "ContentAvailable": 0},
                "AndroidInfo": {"Sound": "", "VIVOClassification": 1},
            },
            "IsNeedReadReceipt": 0,
            "SupportMessageExtension": 0,
            "IsRelayMsg": 0,
        }
    )[1:]
    return before, b'"}}],' + after


def sendmsg_body(parts: tuple[bytes, bytes], seq: int, text: bytes, client_time: int) -> bytes:
    """A ``sendmsg`` body with the SDK's per-conversation ``MsgSeq`` ``seq`` (never
    reused by a sender, or the server takes it for a resend) and a ``MsgRandom``
    made from it."""
    before, after = parts
    rnd = (seq * 2654435761) & 0xFFFFFFFF
    return (
        before
        + b',"MsgSeq":%d,"MsgRandom":%d,"MsgClientTime":%d' % (seq & 0xFFFFFFFF, rnd, client_time)
        + b',"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"'
        + text
        + after
    )
