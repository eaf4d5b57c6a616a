"""The JavaScript SDK (``/sdk/palaver-chat.js``) in real Chromium, against a real server.

Each user is a browser context with one page on the server's origin (``/healthz``):
the page carries the server's Content-Security-Policy, and the SDK is loaded
with a dynamic ``import()`` of the same-origin module, as an app's own script
would (``script-src 'self'``). A small harness (``HARNESS``) records every SDK
event as plain JSON, per event name, so a test awaits "the next
``onMessageReceived``" with a timeout.

Every wait is bounded: event waits time out in the page after ``WAIT`` seconds,
Playwright calls after ``WAIT`` seconds. No fixed sleeps: that something does
*not* happen (no echo, no duplicate) is shown by a later marker message that
arrives first (:func:`marker_first`); that a kicked SDK does not reconnect, by
its session being gone (:meth:`Tab.session_ended`).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import SDKAPPID, RunningServer
from palaver.services.admission import RETRY_AFTER_MIN_MS, LoginGate
from palaver.usersig import gen_usersig_v2
from support.waiting import eventually
from test_storms import hold_logins, refused_at_login_only
from wsclient import WsClient

WAIT = 5.0  # seconds any single expected event may take

SDK_DIR = Path(__file__).resolve().parents[2] / "src" / "palaver" / "static" / "sdk"

# Tencent's event names and values (reference §6.1), as the SDK must export them.
EVENT = {
    "SDK_READY": "sdkStateReady",
    "SDK_NOT_READY": "sdkStateNotReady",
    "MESSAGE_RECEIVED": "onMessageReceived",
    "MESSAGE_REVOKED": "onMessageRevoked",
    "MESSAGE_READ_BY_PEER": "onMessageReadByPeer",
    "CONVERSATION_LIST_UPDATED": "onConversationListUpdated",
    "TOTAL_UNREAD_MESSAGE_COUNT_UPDATED": "onTotalUnreadMessageCountUpdated",
    "PROFILE_UPDATED": "onProfileUpdated",
    "FRIEND_LIST_UPDATED": "onFriendListUpdated",
    "FRIEND_APPLICATION_LIST_UPDATED": "onFriendApplicationListUpdated",
    "BLACKLIST_UPDATED": "blacklistUpdated",
    "KICKED_OUT": "kickedOut",
    "NET_STATE_CHANGE": "netStateChange",
    "ERROR": "error",
}
RECEIVED = EVENT["MESSAGE_RECEIVED"]
REVOKED = EVENT["MESSAGE_REVOKED"]
READ_BY_PEER = EVENT["MESSAGE_READ_BY_PEER"]
CONV_LIST = EVENT["CONVERSATION_LIST_UPDATED"]
TOTAL_UNREAD = EVENT["TOTAL_UNREAD_MESSAGE_COUNT_UPDATED"]
NET = EVENT["NET_STATE_CHANGE"]

# Runs in the page: load the SDK, create an instance, record its events.
HARNESS = """
async (a) => {
  const mod = await import('/sdk/palaver-chat.js');
  const PalaverChat = mod.default;
  const chat = PalaverChat.create({SDKAppID: a.sdkAppID, ...a.options});
  const T = {PalaverChat, chat, queues: {}, waiters: {}, log: [], msgs: {}};
  // Event data as JSON; MESSAGE_READ_BY_PEER's array also carries properties.
  T.plain = (name, data) => {
    if (data === undefined) return null;
    const out = JSON.parse(JSON.stringify(data));
    if (name === PalaverChat.EVENT.MESSAGE_READ_BY_PEER) {
      return {messageList: out, conversationID: data.conversationID, userID: data.userID,
              readSequence: data.readSequence};
    }
    return out;
  };
  for (const name of Object.values(PalaverChat.EVENT)) {
    chat.on(name, (e) => {
      const d = T.plain(e.name, e.data);
      T.log.push([e.name, d]);
      const w = (T.waiters[name] || []).shift();
      if (w) w(d); else (T.queues[name] = T.queues[name] || []).push(d);
    });
  }
  // The next `name` event's data (rejects after `ms`).
  T.next = (name, ms) => new Promise((resolve, reject) => {
    const q = T.queues[name] || [];
    if (q.length) { resolve(q.shift()); return; }
    const list = (T.waiters[name] = T.waiters[name] || []);
    const w = (d) => { clearTimeout(timer); resolve(d); };
    const timer = setTimeout(() => {
      list.splice(list.indexOf(w), 1);
      reject(new Error(`no ${name} event within ${ms} ms`));
    }, ms);
    list.push(w);
  });
  // Skip `name` events until one whose JSON contains `text`.
  T.until = async (name, text, ms) => {
    const end = Date.now() + ms;
    for (;;) {
      const d = await T.next(name, Math.max(end - Date.now(), 1));
      if (JSON.stringify(d).includes(text)) return d;
    }
  };
  T.drain = (name) => { const q = T.queues[name] || []; T.queues[name] = []; return q; };
  // {ok: value} or {error: {code, message}} for a promise (or a function that throws).
  T.try = async (f) => {
    try { return {ok: JSON.parse(JSON.stringify((await f()) ?? null))}; }
    catch (e) { return {error: {code: e.code, message: e.message}}; }
  };
  window.T = T;
}
"""


class Tab:
    """One user's page with the SDK loaded (``window.T``: harness, ``T.chat``: SDK)."""

    def __init__(self, page: Any, user: str) -> None:
        self.page = page
        self.user = user
        self.dialogs: list[str] = []
        page.on("dialog", self._dialog)

    async def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        await dialog.dismiss()

    async def js(self, body: str, arg: Any = None) -> Any:
        """Run ``body`` as an async function of ``a`` in the page (``T``, ``chat`` in scope)."""
        script = f"async (a) => {{ const T = window.T; const chat = T.chat; {body} }}"
        return await self.page.evaluate(script, arg)

    async def call(self, expr: str, arg: Any = None) -> dict[str, Any]:
        """``{"ok": value}`` or ``{"error": {code, message}}`` for the SDK call ``expr``."""
        result: dict[str, Any] = await self.js(f"return await T.try(async () => {expr});", arg)
        return result

    async def ok(self, expr: str, arg: Any = None) -> Any:
        """The ``data`` of a call that must resolve ``{code: 0, data}``."""
        r = await self.call(expr, arg)
        assert "ok" in r, r
        if isinstance(r["ok"], dict) and "code" in r["ok"]:
            assert r["ok"]["code"] == 0, r
            return r["ok"].get("data")
        return r["ok"]

    async def fails(self, expr: str, arg: Any = None) -> dict[str, Any]:
        """The ``{code, message}`` a call rejects with."""
        r = await self.call(expr, arg)
        assert "error" in r, r
        error: dict[str, Any] = r["error"]
        return error

    async def next(self, event: str, within: float = WAIT) -> Any:
        """The next ``event``'s data (the page gives up after ``within`` seconds)."""
        return await self.js("return await T.next(a.e, a.ms);", {"e": event, "ms": within * 1000})

    async def until(self, event: str, text: str, within: float = WAIT) -> Any:
        """The next ``event`` whose data (as JSON) contains ``text``."""
        return await self.js(
            "return await T.until(a.e, a.t, a.ms);", {"e": event, "t": text, "ms": within * 1000}
        )

    async def drain(self, event: str) -> list[Any]:
        """The ``event``s recorded and not consumed yet (consuming them)."""
        result: list[Any] = await self.js("return T.drain(a);", event)
        return result

    async def messages(self, n: int, within: float = WAIT) -> list[dict[str, Any]]:
        """Exactly the next ``n`` received messages (MESSAGE_RECEIVED batches flattened)."""
        got: list[dict[str, Any]] = []
        deadline = time.monotonic() + within
        while len(got) < n:
            got.extend(await self.next(RECEIVED, max(deadline - time.monotonic(), 0.01)))
        assert len(got) == n, got
        return got

    async def session_ended(self) -> None:
        """Wait until the SDK holds no session: logged out or kicked, with nothing
        left that could reconnect (every reconnect path checks the session)."""
        await self.page.wait_for_function("() => window.T.chat._sess === null", timeout=WAIT * 1000)

    async def login(self, sig: str) -> Any:
        return await self.ok("chat.login({userID: a.u, userSig: a.s})", {"u": self.user, "s": sig})

    async def send_text(self, to: str, text: str, key: str | None = None) -> dict[str, Any]:
        """Send a text; the sent message (kept in the page as ``T.msgs[key]``)."""
        data = await self.ok(
            """(async () => {
              const m = chat.createTextMessage({to: a.to, conversationType: 'C2C',
                                                payload: {text: a.text}});
              T.msgs[a.key] = m;
              return await chat.sendMessage(m);
            })()""",
            {"to": to, "text": text, "key": key or text},
        )
        message: dict[str, Any] = data["message"]
        return message


Open = Callable[..., Awaitable[Tab]]


@pytest.fixture
async def open_chat(server: RunningServer, browser: Any) -> AsyncIterator[Open]:
    """``await open_chat("alice")``: a new browser context with the SDK, logged in
    as ``alice`` (``login=False``: not logged in; ``options``: create() options)."""
    contexts: list[Any] = []

    async def open_(
        user: str, *, login: bool = True, sig: str | None = None, **options: Any
    ) -> Tab:
        context = await browser.new_context()
        contexts.append(context)
        page = await context.new_page()
        page.set_default_timeout(WAIT * 1000)
        await page.goto(server.url + "/healthz")
        await page.evaluate(HARNESS, {"sdkAppID": SDKAPPID, "options": options})
        tab = Tab(page, user)
        if login:
            await tab.login(sig or server.sig(user))
        return tab

    yield open_
    for context in contexts:
        await context.close()


def texts(messages: list[dict[str, Any]]) -> list[str]:
    return [m["payload"].get("text", "") for m in messages]


def rest_text(frm: str, to: str, text: str, random: int = 7) -> dict[str, Any]:
    return {
        "From_Account": frm,
        "To_Account": to,
        "MsgRandom": random,
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}],
    }


async def make_friends(server: RunningServer, a: str, b: str) -> None:
    await server.ok(
        "sns",
        "friend_add",
        {
            "From_Account": a,
            "AddFriendItem": [{"To_Account": b, "AddSource": "AddSource_Type_Test"}],
            "AddType": "Add_Type_Both",
            "ForceAddFlags": 1,
        },
    )


_markers = iter(range(900_000, 1_000_000))


async def marker_first(server: RunningServer, tab: Tab) -> None:
    """Send ``tab``'s user a message now (REST, from the account ``marker``) and
    assert that it is the next message the page receives: whatever must not
    have arrived (an echo, a duplicate) would have come before it."""
    await server.import_users("marker")
    await server.ok("openim", "sendmsg", rest_text("marker", tab.user, "marker", next(_markers)))
    got: list[dict[str, Any]] = []
    deadline = time.monotonic() + WAIT
    while not any(m["from"] == "marker" for m in got):
        batch = await tab.next(RECEIVED, max(deadline - time.monotonic(), 0.01))
        got.extend(m for m in batch if m["type"] != "TIMGroupTipElem")
    assert [(m["from"], m["payload"]) for m in got] == [("marker", {"text": "marker"})]


def drop_connections(server: RunningServer, user: str, code: int = 1001) -> int:
    """Close ``user``'s server-side sockets, as a restarting server would."""
    conns = server.hub.registry.connections(server.app.sdkappid, user)
    for conn in conns:
        conn.close(code, "test")
    return len(conns)


# ------------------------------------------------------------------- the package


def _sdk_modules() -> dict[str, str]:
    """The SDK's ES modules (the entry and ``src/*.js``) by path in the folder."""
    files = [SDK_DIR / "palaver-chat.js", *sorted((SDK_DIR / "src").glob("*.js"))]
    return {str(f.relative_to(SDK_DIR)): f.read_text() for f in files}


def _class_chain(source: str, name: str) -> list[str]:
    """The bodies of class ``name`` and of the classes it extends, in all of ``source``."""
    bodies = []
    while name:
        m = re.search(
            rf"^export (?:default )?class {name}(?: extends (\w+))? {{\n(.*?)^}}",
            source,
            re.M | re.S,
        )
        assert m, f"class {name} not found"
        bodies.append(m.group(2))
        name = m.group(1) or ""
    return bodies


def test_package_layout_and_declarations() -> None:
    """The folder publishes as is (ES modules, no build); every public method of
    the SDK's class is declared in the generated .d.ts files."""
    pkg = json.loads((SDK_DIR / "package.json").read_text())
    assert pkg["name"] == "@palaver/chat" and pkg["version"] == "0.1.0"
    assert pkg["type"] == "module"
    assert pkg["main"] == pkg["module"] == "palaver-chat.js"
    assert pkg["types"] == "palaver-chat.d.ts"
    assert {"palaver-chat.js", "palaver-chat.d.ts", "README.md", "src/"} <= set(pkg["files"])
    modules = _sdk_modules()
    source = "\n".join(modules.values())
    for path, text in modules.items():
        for imported in re.findall(r"^(?:import|export) .*? from '(\.[^']+)';", text, re.M):
            target = (SDK_DIR / path).parent / imported
            assert target.is_file(), f"{path} imports {imported}, which is not there"
    dts = "\n".join(
        f.read_text() for f in [SDK_DIR / "palaver-chat.d.ts", *(SDK_DIR / "src").glob("*.d.ts")]
    )
    assert "export { default } from" in (SDK_DIR / "palaver-chat.d.ts").read_text()
    body = "\n".join(_class_chain(source, "PalaverChat"))
    methods = set(re.findall(r"^  (?:async )?([a-z][A-Za-z]+)\(", body, re.M))
    assert {
        "login",
        "sendMessage",
        "getMessageList",
        "removeFromBlacklist",
        "createGroup",
    } <= methods
    assert len(methods) >= 66
    for name in methods:
        assert re.search(rf"\b{name}(<[^>]*>)?\(", dts), (
            f"{name} is not declared in the .d.ts files"
        )
    for name, value in EVENT.items():
        assert f"{name}: '{value}'" in source and name in dts


def test_sdk_does_no_dom_work_and_no_eval() -> None:
    for path, source in _sdk_modules().items():
        code = re.sub(r"//[^\n]*|/\*.*?\*/", "", source, flags=re.S)  # comments may mention them
        for word in (
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.",
            "eval(",
            "Function(",
        ):
            assert word not in code, f"{word} in {path}"


# ------------------------------------------------------------------------ login


async def test_loads_under_the_csp_with_tencents_constants(
    server: RunningServer, open_chat: Open
) -> None:
    async with server.session.get(server.url + "/healthz") as resp:
        assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
    tab = await open_chat("alice", login=False)
    consts = await tab.js(
        "return {EVENT: T.PalaverChat.EVENT, TYPES: T.PalaverChat.TYPES, url: chat._url,"
        " ready: chat.isReady(), user: chat.getLoginUser(),"
        " total: chat.getTotalUnreadMessageCount()};"
    )
    for name, value in EVENT.items():
        assert consts["EVENT"][name] == value
    types = consts["TYPES"]
    assert types["CONV_C2C"] == "C2C" and types["CONV_GROUP"] == "GROUP"
    assert types["MSG_TEXT"] == "TIMTextElem" and types["MSG_AUDIO"] == "TIMSoundElem"
    assert types["MSG_VIDEO"] == "TIMVideoFileElem" and types["MSG_FACE"] == "TIMFaceElem"
    assert types["KICKED_OUT_REST_API"] == "REST_API_Kick"
    assert types["KICKED_OUT_MULT_DEVICE"] == "multipleDevice"
    assert types["NET_STATE_CONNECTING"] == "connecting"
    assert types["SNS_ADD_TYPE_BOTH"] == "Add_Type_Both"
    assert types["SNS_APPLICATION_SENT_TO_ME"] == "Pendency_Type_ComeIn"
    assert types["ALLOW_TYPE_NEED_CONFIRM"] == "AllowType_Type_NeedConfirm"
    assert types["GENDER_FEMALE"] == "Gender_Type_Female"
    assert types["MSG_STATUS_FAIL"] == "fail"
    # the WebSocket URL is derived from the page's origin
    assert consts["url"] == server.url.replace("http://", "ws://") + "/ws"
    assert consts["ready"] is False and consts["user"] == "" and consts["total"] == 0
    # calls that need a login refuse with 6014
    assert (await tab.fails("chat.getConversationList()"))["code"] == 6014


async def test_login_ready_and_logout(server: RunningServer, open_chat: Open) -> None:
    await server.import_users("alice")
    tab = await open_chat("alice", login=False)
    data = await tab.login(server.sig("alice"))
    assert data["repeatLogin"] is False and data["userID"] == "alice"
    assert data["heartbeatInterval"] > 0
    # SDK_READY came before login resolved, with the (empty) list and total
    log = await tab.js("return T.log.map(([n]) => n);")
    assert log[:5] == [NET, NET, EVENT["SDK_READY"], CONV_LIST, TOTAL_UNREAD]
    assert await tab.js("return [chat.isReady(), chat.getLoginUser()];") == [True, "alice"]
    assert (await tab.login(server.sig("alice")))["repeatLogin"] is True
    other = await tab.fails("chat.login({userID: 'bob', userSig: 'x'})")
    assert other["code"] == 6017
    await tab.ok("chat.logout()")
    assert await tab.js("return [chat.isReady(), chat.getLoginUser()];") == [False, ""]
    tail = await tab.js("return T.log.slice(-2).map(([n, d]) => [n, d]);")
    assert tail == [[EVENT["SDK_NOT_READY"], None], [NET, {"state": "disconnected"}]]
    # and in again on the same instance
    await tab.login(server.sig("alice"))
    assert await tab.js("return chat.isReady();") is True


async def test_login_errors(server: RunningServer, open_chat: Open) -> None:
    await server.import_users("alice")
    tab = await open_chat("alice", login=False)
    expired = server.sig("alice", expire=60, now=int(time.time()) - 3600)
    cases = [
        (expired, "alice", 70001),
        (server.sig("nobody"), "nobody", 70107),
        (server.sig("bob"), "alice", 70013),
        ("garbage", "alice", 70003),
        (gen_usersig_v2(SDKAPPID, "0" * 64, "alice", 86400), "alice", 70009),  # another key
    ]
    for sig, user, code in cases:
        err = await tab.fails("chat.login({userID: a.u, userSig: a.s})", {"u": user, "s": sig})
        assert err["code"] == code, (user, err)
        assert err["message"]
        assert await tab.js("return chat.isReady();") is False
    states = [d["state"] for d in await tab.drain(NET)]
    assert states == ["connecting", "disconnected"] * len(cases)
    assert await tab.drain(EVENT["SDK_READY"]) == []
    # a failed login leaves the instance usable
    await tab.login(server.sig("alice"))
    bad = await tab.fails("chat.login({userID: ''})")
    assert bad["code"] == 6017


# --------------------------------------------------------------------- messages


async def test_two_users_chat_live(server: RunningServer, open_chat: Open) -> None:
    await server.import_users("alice", "bob")
    alice = await open_chat("alice")
    bob = await open_chat("bob")
    await bob.drain(CONV_LIST)
    await bob.drain(TOTAL_UNREAD)

    sent = await alice.send_text("bob", "hello bob")
    assert sent["status"] == "success" and sent["flow"] == "out"
    assert sent["ID"] and sent["sequence"] > 0 and sent["time"] > 0
    assert sent["conversationID"] == "C2Cbob"
    # the SDK updated the very Message object it created
    same = await alice.js("const m = T.msgs['hello bob']; return [m.status, m.ID];")
    assert same == ["success", sent["ID"]]

    [got] = await bob.messages(1)
    assert got["payload"] == {"text": "hello bob"} and got["type"] == "TIMTextElem"
    assert got["ID"] == sent["ID"] and got["flow"] == "in" and got["from"] == "alice"
    assert got["conversationID"] == "C2Calice" and got["isRead"] is False
    convs = await bob.next(CONV_LIST)
    assert [c["conversationID"] for c in convs] == ["C2Calice"]
    assert convs[0]["unreadCount"] == 1 and convs[0]["userProfile"]["userID"] == "alice"
    assert convs[0]["lastMessage"]["messageForShow"] == "hello bob"
    assert convs[0]["lastMessage"]["lastSequence"] == sent["sequence"]
    assert await bob.next(TOTAL_UNREAD) == 1
    assert await bob.js("return chat.getTotalUnreadMessageCount();") == 1

    # the sender's own device gets no echo, but its list follows its sends
    alice_convs = await alice.until(CONV_LIST, "hello bob")
    assert alice_convs[0]["unreadCount"] == 0
    assert await alice.drain(RECEIVED) == []
    await marker_first(server, alice)

    # other kinds of messages
    await alice.ok(
        """(async () => {
          await chat.sendMessage(chat.createFaceMessage({to: 'bob', conversationType: 'C2C',
              payload: {index: 3, data: 'smile'}}));
          await chat.sendMessage(chat.createCustomMessage({to: 'bob', conversationType: 'C2C',
              payload: {data: '{"k":1}', description: 'd', extension: 'e'},
              cloudCustomData: 'ccd'}));
          await chat.sendMessage(chat.createLocationMessage({to: 'bob', conversationType: 'C2C',
              payload: {description: 'Shenzhen', longitude: 114.05, latitude: 22.55}}));
          return await chat.sendMessage(chat.createImageMessage({to: 'bob',
              conversationType: 'C2C', payload: {url: 'https://example.com/a.png', width: 4,
              height: 3}}));
        })()"""
    )
    face, custom, location, image = await bob.messages(4)
    assert face["type"] == "TIMFaceElem" and face["payload"] == {"index": 3, "data": "smile"}
    assert custom["type"] == "TIMCustomElem" and custom["payload"]["data"] == '{"k":1}'
    assert custom["cloudCustomData"] == "ccd"
    assert location["payload"]["description"] == "Shenzhen"
    assert location["payload"]["latitude"] == 22.55
    info = image["payload"]["imageInfoArray"][0]
    assert image["type"] == "TIMImageElem" and info["url"] == "https://example.com/a.png"
    assert info["width"] == 4
    assert await bob.until(TOTAL_UNREAD, "5") == 5

    # bob reads: his count clears; alice learns her messages were read
    await bob.ok("chat.setMessageRead({conversationID: 'C2Calice'})")
    assert await bob.until(TOTAL_UNREAD, "0") == 0
    assert await bob.js("return chat.getTotalUnreadMessageCount();") == 0
    receipt = await alice.next(READ_BY_PEER)
    assert receipt["conversationID"] == "C2Cbob" and receipt["userID"] == "bob"
    assert receipt["readSequence"] >= sent["sequence"] + 4
    ids = {m["ID"] for m in receipt["messageList"]}
    assert sent["ID"] in ids and len(ids) == 5
    assert all(m["isPeerRead"] for m in receipt["messageList"])
    assert await alice.js("return T.msgs['hello bob'].isPeerRead;") is True


async def test_send_failures_and_resend(server: RunningServer, open_chat: Open) -> None:
    await server.import_users("alice", "bob")
    alice = await open_chat("alice")
    bad = await alice.fails(
        "chat.createTextMessage({to: 'bob', conversationType: 'C2C', payload: {}})"
    )
    assert bad["code"] == 6017
    err = await alice.fails(
        """(async () => {
          T.msgs.x = chat.createTextMessage({to: 'nobody', conversationType: 'C2C',
                                             payload: {text: 'x'}});
          return await chat.sendMessage(T.msgs.x);
        })()"""
    )
    assert err["code"] == 20003
    assert await alice.js("return T.msgs.x.status;") == "fail"
    # a failed message is sent again with the same random (the server dedupes on it)
    await alice.js("T.msgs.x.to = 'bob'; T.msgs.x.conversationID = 'C2Cbob';")
    data = await alice.ok("chat.resendMessage(T.msgs.x)")
    assert data["message"]["status"] == "success"
    assert (await alice.fails("chat.resendMessage(T.msgs.x)"))["code"] == 6017


async def test_message_list_pages(server: RunningServer, open_chat: Open) -> None:
    await server.import_users("alice", "bob")
    alice = await open_chat("alice")
    await alice.ok(
        """(async () => {
          for (let i = 0; i < 20; i++) {
            await chat.sendMessage(chat.createTextMessage({to: 'bob', conversationType: 'C2C',
                                                           payload: {text: 'm' + i}}));
          }
        })()"""
    )
    bob = await open_chat("bob")
    assert await bob.js("return chat.getTotalUnreadMessageCount();") == 20
    first = await bob.ok("chat.getMessageList({conversationID: 'C2Calice', count: 30})")
    assert texts(first["messageList"]) == [f"m{i}" for i in range(5, 20)]
    assert first["isCompleted"] is False and first["nextReqMessageID"]
    second = await bob.ok(
        "chat.getMessageList({conversationID: 'C2Calice', nextReqMessageID: a})",
        first["nextReqMessageID"],
    )
    assert texts(second["messageList"]) == [f"m{i}" for i in range(5)]
    assert second["isCompleted"] is True and second["nextReqMessageID"] == ""
    assert all(m["flow"] == "in" and not m["isRead"] for m in second["messageList"])
    mine = await alice.ok("chat.getMessageList({conversationID: 'C2Cbob', count: 3})")
    assert texts(mine["messageList"]) == ["m17", "m18", "m19"]
    assert all(m["flow"] == "out" for m in mine["messageList"])
    assert (await bob.fails("chat.getMessageList({conversationID: 'bogus'})"))["code"] == 6017


async def test_revoke_reaches_both_sides(server: RunningServer, open_chat: Open) -> None:
    await server.import_users("alice", "bob")
    alice = await open_chat("alice")
    alice_mac = await open_chat("alice", platform="Mac")  # alice's other device
    bob = await open_chat("bob")
    sent = await alice.send_text("bob", "oops", key="oops")
    [got] = await bob.messages(1)
    [echo] = await alice_mac.messages(1)
    assert got["ID"] == echo["ID"] == sent["ID"] and echo["flow"] == "out"

    data = await alice.ok("chat.revokeMessage(T.msgs.oops)")
    assert data["message"]["isRevoked"] is True and data["message"]["ID"] == sent["ID"]
    assert await alice.js("return T.msgs.oops.isRevoked;") is True
    [revoked] = await bob.next(REVOKED)
    assert revoked["ID"] == sent["ID"] and revoked["isRevoked"] is True
    assert revoked["revoker"] == "alice" and revoked["payload"] == {"text": "oops"}
    [revoked_mac] = await alice_mac.next(REVOKED)
    assert revoked_mac["ID"] == sent["ID"] and revoked_mac["isRevoked"] is True
    convs = await bob.until(CONV_LIST, '"isRevoked":true')
    assert convs[0]["lastMessage"]["isRevoked"] is True
    # the revoking device learns it from the promise, not from an event: none
    # came before a later message
    await marker_first(server, alice)
    assert await alice.drain(REVOKED) == []
    # bob cannot recall alice's message
    await bob.js(
        "T.msgs.theirs = (await chat.getMessageList({conversationID: 'C2Calice'}))"
        ".data.messageList[0];"
    )
    assert (await bob.fails("chat.revokeMessage(T.msgs.theirs)"))["code"] == 6017


async def test_rest_sendmsg_reaches_the_browser_live(
    server: RunningServer, open_chat: Open
) -> None:
    await server.import_users("alice", "bob")
    bob = await open_chat("bob")
    await server.ok("openim", "sendmsg", rest_text("alice", "bob", "from the backend"))
    [got] = await bob.messages(1)
    assert got["payload"] == {"text": "from the backend"} and got["from"] == "alice"
    assert await bob.until(TOTAL_UNREAD, "1") == 1


async def test_text_is_never_rendered_as_html(server: RunningServer, open_chat: Open) -> None:
    await server.import_users("alice", "bob")
    alice = await open_chat("alice")
    bob = await open_chat("bob")
    evil = "<img src=x onerror=alert(1)>"
    await alice.send_text("bob", evil)
    [got] = await bob.messages(1)
    assert got["payload"]["text"] == evil  # a plain string, as sent
    convs = await bob.until(CONV_LIST, "onerror")
    assert convs[0]["lastMessage"]["messageForShow"] == evil
    # an image error handler of the text would have run before ours, on the same URL
    await bob.js(
        "await new Promise((r) => { const i = new Image(); i.onerror = r; i.src = 'x'; });"
    )
    assert bob.dialogs == [] and alice.dialogs == []
    assert await bob.js("return document.images.length;") == 0


# ---------------------------------------------------------------- conversations


async def test_conversation_list_pin_and_delete(server: RunningServer, open_chat: Open) -> None:
    await server.import_users("alice", "bob", "carol")
    await server.ok("openim", "sendmsg", rest_text("bob", "alice", "from bob"))
    await server.ok("openim", "sendmsg", rest_text("carol", "alice", "from carol"))
    alice = await open_chat("alice")
    [convs] = await alice.drain(CONV_LIST)
    # (both in the same second: the server's order between them is not recency)
    assert {c["conversationID"] for c in convs} == {"C2Ccarol", "C2Cbob"}
    assert [c["unreadCount"] for c in convs] == [1, 1]

    await alice.ok("chat.pinConversation({conversationID: 'C2Cbob', isPinned: true})")
    pinned = await alice.next(CONV_LIST)
    assert [(c["conversationID"], c["isPinned"]) for c in pinned] == [
        ("C2Cbob", True),
        ("C2Ccarol", False),
    ]
    # a new message from carol does not move her above the pinned conversation
    await server.ok("openim", "sendmsg", rest_text("carol", "alice", "again", random=8))
    await alice.messages(1)
    convs = await alice.until(CONV_LIST, "again")
    assert [c["conversationID"] for c in convs] == ["C2Cbob", "C2Ccarol"]
    assert convs[1]["unreadCount"] == 2
    assert await alice.js("return chat.getTotalUnreadMessageCount();") == 3

    profile = await alice.ok("chat.getConversationProfile('C2Ccarol')")
    assert profile["conversation"]["unreadCount"] == 2
    listed = await alice.ok("chat.getConversationList()")
    assert [c["conversationID"] for c in listed["conversationList"]] == ["C2Cbob", "C2Ccarol"]

    assert await alice.ok("chat.deleteConversation('C2Ccarol')") == {"conversationID": "C2Ccarol"}
    after = await alice.until(CONV_LIST, "C2Cbob")
    assert [c["conversationID"] for c in after] == ["C2Cbob"]
    assert await alice.until(TOTAL_UNREAD, "1") == 1
    removed = await alice.ok("chat.deleteConversation({conversationIDList: ['C2Cbob']})")
    assert removed == {"conversationIDList": ["C2Cbob"]}
    assert await alice.ok("chat.getConversationList()") == {
        "conversationList": [],
        "isSyncCompleted": True,
    }


async def test_my_other_devices_keep_my_list_in_step(
    server: RunningServer, open_chat: Open
) -> None:
    await server.import_users("alice", "bob")
    alice = await open_chat("alice")
    alice_mac = await open_chat("alice", platform="Mac")
    await server.ok("openim", "sendmsg", rest_text("bob", "alice", "one", random=1))
    await server.ok("openim", "sendmsg", rest_text("bob", "alice", "two", random=2))
    for tab in (alice, alice_mac):
        assert texts(await tab.messages(2)) == ["one", "two"]
        assert await tab.until(TOTAL_UNREAD, "2") == 2
    # read on the Mac: the web page's count clears (CONVERSATION_READ)
    await alice_mac.ok("chat.setMessageRead({conversationID: 'C2Cbob'})")
    assert await alice.until(TOTAL_UNREAD, "0") == 0
    # pinned on the Mac: the web page's list follows (CONVERSATION_CHANGED)
    await alice_mac.ok("chat.pinConversation({conversationID: 'C2Cbob', isPinned: true})")
    convs = await alice.until(CONV_LIST, '"isPinned":true')
    assert convs[0]["conversationID"] == "C2Cbob"
    # sent on the web page: the Mac receives it as its own (flow "out"), unread stays 0
    sent = await alice.send_text("bob", "from the web")
    [echo] = await alice_mac.messages(1)
    assert echo["ID"] == sent["ID"] and echo["flow"] == "out"
    convs = await alice_mac.until(CONV_LIST, "from the web")
    assert convs[0]["unreadCount"] == 0 and convs[0]["lastMessage"]["flow"] == "out"
    await marker_first(server, alice)  # the sending page itself gets no echo


# ------------------------------------------------------------------- reconnect


async def test_reconnect_replays_missed_messages_exactly_once(
    server: RunningServer, open_chat: Open
) -> None:
    await server.import_users("alice", "bob")
    alice = await open_chat("alice")
    bob = await open_chat("bob", reconnectDelay=1000)  # away >= 0.99 s (below)
    await bob.js("chat._random = () => 0.99;")  # full jitter at its top: away ~the whole delay
    await alice.send_text("bob", "before")
    await bob.messages(1)
    await bob.drain(NET)

    assert drop_connections(server, "bob") == 1
    assert (await bob.next(NET))["state"] == "connecting"
    for i in range(5):
        await alice.send_text("bob", f"while away {i}")
    # really sent while bob was away
    assert await bob.js("return chat.getNetState();") == "connecting"
    assert (await bob.next(NET))["state"] == "connected"
    got = await bob.messages(5)
    assert texts(got) == [f"while away {i}" for i in range(5)]
    assert len({m["ID"] for m in got}) == 5
    await marker_first(server, bob)  # nothing twice
    assert await bob.until(TOTAL_UNREAD, "7") == 7  # 1 + 5 + the marker
    assert await bob.js("return [chat.isReady(), chat.getTotalUnreadMessageCount()];") == [
        True,
        7,
    ]
    # SDK_READY once per login, not per reconnect
    assert await bob.drain(EVENT["SDK_READY"]) == [None]

    # the server's other close codes resume the same way
    for code in (4008, 4000):
        drop_connections(server, "bob", code)
        assert (await bob.next(NET))["state"] == "connecting"
        await server.ok("openim", "sendmsg", rest_text("alice", "bob", f"after {code}", code))
        assert (await bob.next(NET))["state"] == "connected"
        assert texts(await bob.messages(1)) == [f"after {code}"]
    await marker_first(server, bob)


async def test_reconnect_of_a_client_whose_stream_was_empty(
    server: RunningServer, open_chat: Open
) -> None:
    await server.import_users("alice", "bob")
    alice = await open_chat("alice")
    bob = await open_chat("bob", reconnectDelay=1000)
    await bob.js("chat._random = () => 0.99;")  # full jitter at its top: away ~the whole delay
    # the first login sent no cursor (a new client); the reconnect sends 0
    assert await bob.js("return chat.getCursor();") == 0
    await bob.drain(NET)
    drop_connections(server, "bob")
    assert (await bob.next(NET))["state"] == "connecting"
    await alice.send_text("bob", "while away")
    assert (await bob.next(NET))["state"] == "connected"
    assert texts(await bob.messages(1, within=2)) == ["while away"]


async def test_requests_fail_with_documented_codes_when_disconnected(
    server: RunningServer, open_chat: Open
) -> None:
    await server.import_users("bob")
    bob = await open_chat("bob", reconnectDelay=30000)
    # short request deadlines only once logged in: a busy machine may take longer to log in
    await bob.js(
        "chat._requestTimeout = 500; chat._random = () => 0.99;"
    )  # full jitter at its top: away ~the whole delay
    await bob.drain(NET)
    # in flight when the socket goes: 2800
    err = await bob.fails(
        "(async () => { const p = chat.getMyProfile(); chat._sess.link.ws.close(); return await p; })()"
    )
    assert err["code"] == 2800
    assert (await bob.next(NET))["state"] == "connecting"
    # made while disconnected: waits for the connection, then 2801
    started = time.monotonic()
    err = await bob.fails("chat.getFriendList()")
    assert err["code"] == 2801
    assert 0.4 < time.monotonic() - started < 3
    await bob.ok("chat.logout()")  # cancels the pending reconnect
    assert (await bob.next(NET))["state"] == "disconnected"
    assert (await bob.fails("chat.getFriendList()"))["code"] == 6014


async def test_heartbeats_keep_the_connection(server: RunningServer, open_chat: Open) -> None:
    await server.import_users("bob")
    bob = await open_chat("bob", login=False, heartbeatInterval=100)
    await bob.js(
        """const W = chat._WebSocket;
        T.beats = 0;
        chat._WebSocket = class extends W {
          send(frame) { if (JSON.parse(frame).op === 'heartbeat') T.beats += 1; super.send(frame); }
        };
        // the page's interval timers still running (the heartbeat is one)
        T.intervals = new Set();
        const set = globalThis.setInterval, clear = globalThis.clearInterval;
        globalThis.setInterval = (...args) => { const id = set(...args); T.intervals.add(id); return id; };
        globalThis.clearInterval = (id) => { T.intervals.delete(id); clear(id); };"""
    )
    await bob.login(server.sig("bob"))
    assert await bob.js("return T.intervals.size;") == 1  # the heartbeat
    await bob.page.wait_for_function("() => window.T.beats >= 4", timeout=WAIT * 1000)
    assert await bob.js("return chat.getNetState();") == "connected"
    await bob.ok("chat.logout()")
    assert await bob.js("return T.intervals.size;") == 0  # none after logout: its timer is gone


async def test_a_busy_server_turns_the_login_away_and_the_sdk_gets_in_after_the_hint(
    server: RunningServer, open_chat: Open
) -> None:
    """Admission control (one login at a time, none may wait: bob's is in
    progress) answers alice's login 70169 with ``retryAfter``; the SDK waits it
    out (a fake sleep records how long), logs in again, gets in and works."""
    await server.import_users("alice", "bob")
    server.hub.login_gate = gate = refused_at_login_only(LoginGate(limit=1, queue=0))
    release = hold_logins(server, "bob")
    bob = WsClient(server.url, SDKAPPID, "bob", server.sig("bob"))
    bob_in = asyncio.create_task(bob.connect())
    await eventually(lambda: gate.active == 1)
    alice = await open_chat("alice", login=False)
    await alice.js(
        "T.waits = []; chat._random = () => 0.5;"
        "chat._sleep = (ms) => new Promise((resolve) => { T.waits.push(ms); T.resume = resolve; });"
    )
    login = asyncio.create_task(alice.login(server.sig("alice")))
    await eventually(lambda: gate.refused == 1)
    for _ in range(200):  # bounded: the refusal reaches the page
        waits = await alice.js("return T.waits;")
        if waits:
            break
    assert len(waits) == 1 and waits[0] >= RETRY_AFTER_MIN_MS  # the server's hint, at least
    release.set()
    await bob_in
    await alice.js("T.resume();")  # the wait is over
    await login
    assert await alice.js("return chat.isReady();") is True
    await bob.send_text("alice", "welcome", 1)
    assert texts(await alice.messages(1)) == ["welcome"]
    await bob.close()


async def test_kicked_out_by_rest(server: RunningServer, open_chat: Open) -> None:
    await server.import_users("bob")
    bob = await open_chat("bob", reconnectDelay=100)
    await bob.drain(NET)
    await server.ok("im_open_login_svc", "kick", {"UserID": "bob"})
    assert await bob.next(EVENT["KICKED_OUT"]) == {"type": "REST_API_Kick"}
    assert await bob.next(EVENT["SDK_NOT_READY"]) is None
    assert (await bob.next(NET))["state"] == "disconnected"
    assert await bob.js("return chat.isReady();") is False
    await bob.session_ended()  # no reconnect after a kick: nothing left to try
    assert await bob.drain(NET) == []
    await eventually(
        lambda: server.hub.registry.connections(server.app.sdkappid, "bob") == [],
        "bob's connection to leave the registry",
    )


async def test_another_login_on_the_same_platform_kicks(
    server: RunningServer, open_chat: Open
) -> None:
    await server.import_users("bob")
    first = await open_chat("bob", reconnectDelay=100)
    await open_chat("bob")  # also "Web"
    assert await first.next(EVENT["KICKED_OUT"]) == {"type": "multipleDevice"}
    await first.session_ended()  # it does not come back to kick the second one
    await eventually(
        lambda: len(server.hub.registry.connections(server.app.sdkappid, "bob")) == 1,
        "one connection of bob's",
    )


# ------------------------------------------------------ profile, friends, blacklist


async def test_friend_request_flow(server: RunningServer, open_chat: Open) -> None:
    await server.import_users("alice", "bob")
    await server.ok(
        "profile",
        "portrait_set",
        {
            "From_Account": "bob",
            "ProfileItem": [
                {"Tag": "Tag_Profile_IM_AllowType", "Value": "AllowType_Type_NeedConfirm"}
            ],
        },
    )
    alice = await open_chat("alice")
    bob = await open_chat("bob")
    added = await alice.ok(
        "chat.addFriend({to: 'bob', source: 'AddSource_Type_Web', wording: 'hi, alice here'})"
    )
    assert added == {"userID": "bob", "code": 30539}
    mine = await alice.next(EVENT["FRIEND_APPLICATION_LIST_UPDATED"])
    assert [(a["userID"], a["type"]) for a in mine["friendApplicationList"]] == [
        ("bob", "Pendency_Type_SendOut")
    ]
    theirs = await bob.next(EVENT["FRIEND_APPLICATION_LIST_UPDATED"])
    [request] = theirs["friendApplicationList"]
    assert request["userID"] == "alice" and request["type"] == "Pendency_Type_ComeIn"
    assert request["wording"] == "hi, alice here" and theirs["unreadCount"] == 1
    listed = await bob.ok("chat.getFriendApplicationList()")
    assert listed["unreadCount"] == 1

    await bob.ok(
        "chat.acceptFriendApplication({userID: 'alice', type: a})", "Response_Action_AgreeAndAdd"
    )
    bob_friends = await bob.next(EVENT["FRIEND_LIST_UPDATED"])
    alice_friends = await alice.next(EVENT["FRIEND_LIST_UPDATED"])
    assert [f["userID"] for f in bob_friends] == ["alice"]
    assert [f["userID"] for f in alice_friends] == ["bob"]
    assert alice_friends[0]["profile"]["userID"] == "bob"
    assert (await alice.next(EVENT["FRIEND_APPLICATION_LIST_UPDATED"]))[
        "friendApplicationList"
    ] == []
    check = await alice.ok("chat.checkFriend({userIDList: ['bob']})")
    assert check["successUserIDList"][0]["relation"] == "CheckResult_Type_BothWay"
    assert (await alice.fails("chat.acceptFriendApplication({userID: 'bob'})"))["code"] == 30614

    gone = await alice.ok("chat.deleteFriend({userIDList: ['bob']})")
    assert gone["successUserIDList"] == [{"userID": "bob"}]
    assert await bob.until(EVENT["FRIEND_LIST_UPDATED"], "[]") == []
    assert (await alice.fails("chat.addFriend({to: 'alice', source: 'AddSource_Type_Web'})"))[
        "code"
    ] == 30001


async def test_profile_updates_reach_friends(server: RunningServer, open_chat: Open) -> None:
    await server.import_users("alice", "bob")
    await make_friends(server, "alice", "bob")
    alice = await open_chat("alice")
    bob = await open_chat("bob")
    await alice.send_text("bob", "hi")
    await bob.messages(1)
    await bob.until(CONV_LIST, "hi")

    me = await alice.ok(
        "chat.updateMyProfile({nick: 'Alice <b>', selfSignature: 'hello', allowType: a})",
        "AllowType_Type_NeedConfirm",
    )
    assert me["nick"] == "Alice <b>" and me["allowType"] == "AllowType_Type_NeedConfirm"
    [pushed] = await bob.next(EVENT["PROFILE_UPDATED"])
    assert pushed["userID"] == "alice" and pushed["nick"] == "Alice <b>"
    assert pushed["selfSignature"] == "hello"
    [mine] = await alice.next(EVENT["PROFILE_UPDATED"])
    assert mine["nick"] == "Alice <b>"
    # bob's conversation with alice shows the new nick
    convs = await bob.until(CONV_LIST, "Alice <b>")
    assert convs[0]["userProfile"]["nick"] == "Alice <b>"
    assert (await alice.ok("chat.getMyProfile()"))["selfSignature"] == "hello"
    [profile] = await bob.ok("chat.getUserProfile({userIDList: ['alice', 'nobody']})")
    assert profile["userID"] == "alice" and profile["nick"] == "Alice <b>"
    err = await alice.fails("chat.updateMyProfile({allowType: 'sometimes'})")
    assert err["code"] == 40605


async def test_blacklist(server: RunningServer, open_chat: Open) -> None:
    await server.import_users("alice", "bob")
    alice = await open_chat("alice")
    bob = await open_chat("bob")
    assert await alice.ok("chat.addToBlacklist({userIDList: ['bob']})") == ["bob"]
    assert await alice.next(EVENT["BLACKLIST_UPDATED"]) == ["bob"]
    assert await alice.ok("chat.getBlacklist()") == ["bob"]
    err = await bob.fails(
        """(async () => {
          T.msgs.b = chat.createTextMessage({to: 'alice', conversationType: 'C2C',
                                             payload: {text: 'let me in'}});
          return await chat.sendMessage(T.msgs.b);
        })()"""
    )
    assert err["code"] == 20007
    assert await bob.js("return T.msgs.b.status;") == "fail"
    assert (await alice.fails("chat.addToBlacklist({userIDList: ['nobody']})"))["code"] == 30003
    assert await alice.ok("chat.removeFromBlacklist({userIDList: ['bob']})") == ["bob"]
    assert await alice.next(EVENT["BLACKLIST_UPDATED"]) == []
    await bob.ok("chat.resendMessage(T.msgs.b)")
    assert texts(await alice.messages(1)) == ["let me in"]


async def test_search_cloud_messages_users_groups_members(
    server: RunningServer, open_chat: Open
) -> None:
    """docs/search.md through the JS SDK: Chinese keywords without spaces, privacy."""
    await server.import_users("alice", "bob", "carol")
    await server.ok(
        "profile",
        "portrait_set",
        {"From_Account": "bob", "ProfileItem": [{"Tag": "Tag_Profile_IM_Nick", "Value": "Bob 李"}]},
    )
    await server.ok(
        "group_open_http_svc",
        "create_group",
        {
            "Owner_Account": "alice",
            "Type": "Public",
            "Name": "北京 Team",
            "GroupId": "bj",
            "MemberList": [{"Member_Account": "bob"}],
        },
    )
    await server.ok("openim", "sendmsg", rest_text("bob", "alice", "新地址：建国路88号😀"))
    await server.ok("openim", "sendmsg", rest_text("carol", "bob", "carol的地址保密", 9))
    alice = await open_chat("alice")
    res = await alice.ok("chat.searchCloudMessages({keywordList: ['地址']})")
    assert res["totalCount"] == 1 and res["cursor"] == ""
    (conv,) = res["searchResultList"]
    assert (conv["conversationID"], conv["messageCount"]) == ("C2Cbob", 1)
    assert texts(conv["messageList"]) == ["新地址：建国路88号😀"]
    res = await alice.ok(
        "chat.searchCloudMessages({keywordList: ['建国路', '８８号'], keywordListMatchType: 'and',"
        " conversationID: 'C2Cbob'})"
    )
    assert texts(res["searchResultList"][0]["messageList"]) == ["新地址：建国路88号😀"]
    users = await alice.ok("chat.searchCloudUsers({keywordList: ['BOB']})")
    assert [(u["userID"], u["nick"]) for u in users["searchResultList"]] == [("bob", "Bob 李")]
    groups = await alice.ok("chat.searchCloudGroups({keywordList: ['北京']})")
    assert [g["groupID"] for g in groups["searchResultList"]] == ["bj"]
    members = await alice.ok("chat.searchCloudGroupMembers({keywordList: ['李']})")
    assert [m["userID"] for m in members["searchResultList"][0]["memberList"]] == ["bob"]
    bad = await alice.fails("chat.searchCloudMessages({keywordList: ['！？']})")
    assert bad["code"] == 27003
