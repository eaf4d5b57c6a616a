"""Session commands: login and logout, hellos, acks, the sync after login, and
the SDK's config and telemetry commands (docs/tencent-client-protocol.md §4-§6.1, §11).
"""

from __future__ import annotations

import secrets
from typing import Any

import orjson

from palaver.api.tencent.core import (
    NO_ANSWER,
    Body,
    TencentSession,
    command,
    current_request,
)
from palaver.limits import parse_sdkappid
from palaver.protocol.tencent.ids import make_cookie, read_cookie, tiny_id
from palaver.services.sending import SendLane
from palaver.services.sessions import LoginPlan

#: Seconds between the SDK's ``wshello`` (its default).
HELLO_INTERVAL = 120
#: The platform Tencent's web SDK logs in as (``login_policy`` compares platforms).
PLATFORM = "Web"
#: Feature bits the SDK checks locally before it calls (``str_purchase_bits``):
#: all on, so a call reaches Palaver and is answered (a missing one with an error).
PURCHASE_BITS = "1" * 64


class Login(Body):
    State: str = "Online"


@command("im_open_status", "wslogin", Login, anonymous=True)
async def wslogin(s: TencentSession, d: Login) -> dict[str, Any]:
    """``login()``: with ``identifier`` + ``usersig`` in the head (a new login) or
    with the ``a2`` key Palaver gave (the re-login after a reconnect, to any
    node). Answers the session key (``A2Key``), ``TinyId``, ``InstId`` and the
    server time.

    A new login's streams start at their ends (the SDK then fetches
    conversations and history). A re-login resumes where this SDK instance's
    last connection acknowledged pushes; if this node does not know it, the
    streams start at the ``getmsg`` that follows, from its cookie.

    Errors: 70001 UserSig (or session key) expired, 700xx bad UserSig, 70020
    unknown SDKAppID, 70107 account not imported, 70052 kicked since, 70169
    server busy (more logins at once than the server admits; try again later).
    """
    hub = s.hub
    head = current_request().head
    now = int(hub.clock.time())
    if s.app is not None:
        s.log_out()
    async with hub.login_gate.admit():  # 70169 when over capacity (issue 20)
        a2 = head.get("a2")
        if isinstance(a2, str) and a2:
            who = await hub.sessions.authenticate_key(a2, now)
            key, resuming = a2, True
        else:
            sdkappid = parse_sdkappid(head.get("sdkappid") or 0)  # 60006 if not uint32
            who = await hub.sessions.authenticate(
                sdkappid, str(head.get("identifier") or ""), str(head.get("usersig") or "")
            )
            key, resuming = await hub.sessions.issue_key(who), False
        app, user = who.app, who.user_id
        conn = s.conn
        conn.app_id, conn.user_id, conn.platform = app.sdkappid, user, PLATFORM
        s.app, s.user_id, s.lane = app, user, SendLane()
        s.expires = who.expires
        s.inst_id = secrets.randbelow(1 << 31) + 1
        await hub.registry.attach(conn, app.settings.max_connections_per_user)
        acked = s.resume.take((app.sdkappid, user, s.instance_id)) if resuming else None
        if resuming and acked is None:
            await hub.sessions.open(app, user, conn.id, PLATFORM)
            s.waiting_cookie = True  # the streams start at getmsg, from its cookie
        elif acked is None:
            _start_after_answer(s, await hub.sessions.login(app, user, conn.id, PLATFORM, None))
        else:
            groups = {k[5:]: v for k, v in acked.items() if k.startswith("GROUP")}
            plan = await hub.sessions.login(app, user, conn.id, PLATFORM, acked.get("u", 0), groups)
            _start_after_answer(s, plan)
    return {
        "A2Key": key,
        "TinyId": tiny_id(user),
        "InstId": s.inst_id,
        "HelloInterval": HELLO_INTERVAL,
        "TimeStamp": now,
    }


def _start_after_answer(s: TencentSession, plan: LoginPlan) -> None:
    """Deliver the streams from the plan's cursors once the current answer is queued."""
    conn = s.conn
    s.acked = {"u": plan.cursor, **{"GROUP" + g: c for g, c in plan.group_cursors.items()}}
    s.after_answer = lambda: conn.start_stream(
        plan.cursor,
        None,
        plan.group_cursors,
        at_head=plan.at_head and s.hub.registry.routed_on_watch,
    )


class Logout(Body):
    wslogout_type: int = 0


@command("im_open_status", "wslogout", Logout, anonymous=True)
async def wslogout(s: TencentSession, d: Logout) -> None:
    """``logout()`` (type 0), or the SDK logging itself out after a kick (1). The
    socket stays open; the SDK may log in again on it."""
    app, user = s.app, s.user_id
    s.log_out()
    if app is not None:
        await s.hub.sessions.state_change(app, user, "Logout", "Unregister", s.conn.platform)


class Empty(Body):
    pass


@command("im_open_status", "wshello", Empty)
async def wshello(s: TencentSession, d: Empty) -> None:
    """The SDK's periodic hello (every ``HelloInterval`` s): a sign of life."""


@command("heartbeat", "alive", Empty, anonymous=True)
async def alive(s: TencentSession, d: Empty) -> None:
    """Heartbeat (the endpoint answers it itself, before queued work)."""


class Ack(Body):
    SessionData: str = ""


@command("openim", "ws_msg_push_ack", Ack, anonymous=True)
async def ws_msg_push_ack(s: TencentSession, d: Ack) -> dict[str, Any]:
    """The SDK acknowledges a push (:meth:`TencentSession.note_ack`). No answer.
    The endpoint takes acks itself, in its read loop (one per push: no task for
    each); this is the same, for a caller that goes through the commands."""
    s.note_ack(d.SessionData)
    return NO_ANSWER


class GetMsg(Body):
    Cookie: str = ""
    SyncFlag: int = 0


@command("openim", "getmsg", GetMsg)
async def getmsg(s: TencentSession, d: GetMsg) -> dict[str, Any]:
    """The sync after login (and after a reconnect): unread counts per C2C peer,
    and a ``Cookie`` that the SDK sends back after its next reconnect.

    Messages are not returned here: the streams push them (the SDK shows pushed
    messages as received; it files ``getmsg`` messages away silently). After a
    re-login this node knew nothing of, the streams start now, from the cookie.
    """
    app = s.require_app()
    conn = s.conn
    if s.waiting_cookie:
        s.waiting_cookie = False
        cursor = read_cookie(d.Cookie)
        plan = await s.hub.sessions.plan(app, s.user_id, cursor, None)
        _start_after_answer(s, plan)
        position = plan.cursor
    else:
        position = conn.stream.delivered if conn.stream is not None else 0
    unread = await s.hub.messages.unread_counts(app, s.user_id)
    return {
        "Cookie": make_cookie(position),
        "SyncFlag": 2,
        "MsgList": [],
        "C2CPairUnreadCount": [
            {"From_Account": peer, "UnreadCount": n} for peer, n in unread.items() if n
        ],
    }


class PurchaseBits(Body):
    pass


@command("im_sdk_config_mgr", "fetch_imsdk_purchase_bitsv2", PurchaseBits, anonymous=True)
async def fetch_purchase_bits(s: TencentSession, d: PurchaseBits) -> dict[str, Any]:
    """The SDK's feature bits (every feature reaches the server: one Palaver lacks
    is refused there, with a code)."""
    return {
        "int32_error_code": 0,
        "str_error_message": "",
        "str_purchase_bits": PURCHASE_BITS,
        "uint32_expired_time": 3600,
    }


class FetchConfig(Body):
    uint32_sdkappid: int = 0


@command("im_sdk_config_mgr", "fetch_config", FetchConfig, anonymous=True)
async def fetch_config(s: TencentSession, d: FetchConfig) -> dict[str, Any]:
    """Cloud config: uploads through Palaver's simple signatures (``simple_cos``) and the
    app's upload limits in MB (``upload_size_limit`` ``{i, a, v, f}``), which the SDK
    checks before it uploads; nothing else (the SDK keeps its defaults)."""
    config: dict[str, str] = {"simple_cos": "1"}
    app = await s.hub.apps.get(d.uint32_sdkappid) if d.uint32_sdkappid else None
    if app is not None:
        mb = {k: s.hub.media.limit(app, k) >> 20 for k in ("image", "sound", "video", "file")}
        config["upload_size_limit"] = orjson.dumps(
            {"i": mb["image"], "a": mb["sound"], "v": mb["video"], "f": mb["file"]}
        ).decode()
    return {
        "int32_error_code": 0,
        "str_error_message": "",
        "str_json_config": orjson.dumps(config).decode(),
        "uint32_expired_time": 3600,
        "uint32_sdkappid": d.uint32_sdkappid,
        "uint64_version": 1,
    }


@command("imopenstat", "tim_web_report_v2", Empty, anonymous=True)
async def tim_web_report(s: TencentSession, d: Empty) -> None:
    """The SDK's telemetry: accepted and dropped; nothing leaves the server."""
