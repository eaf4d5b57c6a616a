"""Drive Tencent's own web SDK (``@tencentcloud/chat``) in real Chromium.

The SDK and its upload plugin are test dependencies pinned in ``tests/tencent/package.json``
(``make node_modules``, part of ``make test``, runs ``npm ci`` there). They are served,
unmodified, with a small test page (``tests/tencent/page.html`` + ``harness.js``) from the
origin of the server under test, under the test-only mount ``/_test/tencent/`` (see
``RunningServer.mount`` in conftest.py); on the server's own origin the page needs no
local-network-access permission.

Use it through the ``tencent`` fixture (registered by ``conftest.py``)::

    async def test_hello(server, tencent):
        await server.import_users("alice", "bob")
        alice = await tencent.login("alice", server.sig("alice"))  # open + create + login
        bob = await tencent.login("bob", server.sig("bob"))        # (waits for SDK_READY)
        sent = await alice.send_text("bob", "hi")                   # the sent message, JSON
        got = await bob.wait_event("MESSAGE_RECEIVED", lambda d: d[0]["ID"] == sent["ID"])
        convs = await bob.call("getConversationList")               # the resolved ``data``
        await alice.call("revokeMessage", alice.msg(sent["ID"]))    # a live message object
        with pytest.raises(TencentError) as err:                    # a rejected promise
            await alice.call("getGroupProfile", {"groupID": "nope"})
        assert err.value.code == 10015, alice.report()              # console, events...

Step by step: ``tab = await tencent.open("alice")``, ``await tab.create(SDKAPPID,
server.ws_url)`` (the SDK connects at once), ``await tab.login("alice", sig)``.

Events: the page records every SDK event with a JSON copy of its data. A recorded event stays
until a wait or :meth:`TencentTab.drain` consumes it, so nothing is missed between calls;
``wait_event(name, predicate, within, after=tab.mark())`` ignores older ones. Names are the
SDK's keys (``"SDK_READY"``) or values (``"sdkStateReady"``).

Network cuts: the SDK keeps its socket in a Web Worker, and Playwright's offline mode does not
close an open socket, so the harness cuts the connection itself with a TCP :class:`Relay`.
``await tencent.login(user, sig, relay=True)`` points the tab's ``proxyServer`` at a relay of
its own; ``await tab.network_down()`` takes the browser offline and closes/refuses the
relay's connections, ``network_down(silent=True)`` instead drops every byte (a dead link,
noticed only by the SDK's heartbeat, about 14 s), ``await tab.network_up()`` restores both.
Note: after a failed reconnect the SDK stays ``disconnected`` until the browser's ``online``
event or its next request; a bare ``relay.cut()`` / ``relay.restore()`` models a server that
went away, and then the SDK's next call reconnects, its request going out on the new socket
before ``wslogin`` (with ``a2``/``tinyid`` in its head).

Every wait is bounded: ``WAIT`` seconds for events, ``CALL_WAIT`` for SDK calls (just above
the SDK's own 15 s request timeout), no fixed sleeps. A failure's message carries the tab's
:meth:`TencentTab.report` (the SDK's console at log level 0, page errors, recent events); when
a test fails, each tab's whole console and event log go to ``test-artifacts/tencent/<test>/``.

No code of Tencent's SDK is copied here: the npm packages are only loaded into the browser.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from aiohttp import web

TESTS = Path(__file__).resolve().parents[2]  # tests/ (the npm package is tests/tencent)
PACKAGE_DIR = TESTS / "tencent"  # package.json, package-lock.json, page.html, harness.js
NODE_MODULES = PACKAGE_DIR / "node_modules"
SDK_PACKAGE = "@tencentcloud/chat"
PLUGIN_PACKAGE = "tim-upload-plugin"
MOUNT = "tencent"  # the page is at <server>/_test/tencent/page.html

WAIT = 10.0  # seconds an expected event may take
CALL_WAIT = 20.0  # seconds an SDK call may take (the SDK gives up on a request after 15 s)
REPORT_LINES = 60  # console lines in a failure message

# The test page's own policy (Palaver's pages have a stricter one): the SDK runs its socket
# in a Worker made from a blob: URL and connects to whatever proxyServer it is given.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; worker-src blob:; "
    "connect-src 'self' ws: wss: http: https:; img-src 'self' data: blob: http: https:; "
    "object-src 'none'; base-uri 'none'"
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_STYLED = re.compile(r"^%c\s*(\S+)\s*%c\s*background:.*?background:transparent\s*")


# ------------------------------------------------------------------------ packages


def package_version(name: str, node_modules: Path = NODE_MODULES) -> str | None:
    """The installed version of an npm package, or None when it is not installed."""
    try:
        manifest = json.loads((node_modules / name / "package.json").read_text())
    except (OSError, ValueError):
        return None
    version = manifest.get("version")
    return version if isinstance(version, str) else None


def pinned_version(name: str) -> str:
    """The version ``tests/tencent/package-lock.json`` pins for ``name``."""
    lock = json.loads((PACKAGE_DIR / "package-lock.json").read_text())
    version: str = lock["packages"][f"node_modules/{name}"]["version"]
    return version


def static_handler(node_modules: Path = NODE_MODULES) -> Handler:
    """An aiohttp handler for the mount's files (``match_info["tail"]`` is the path in it):
    ``page.html``, ``harness.js``, ``sdk/...`` (the SDK package), ``plugin/...`` (the upload
    plugin). Mount it with ``server.mount("tencent", ...)`` or any ``.../{tail:.*}`` route."""
    roots = {
        "sdk": node_modules / SDK_PACKAGE,
        "plugin": node_modules / PLUGIN_PACKAGE,
    }
    own = {"page.html": PACKAGE_DIR / "page.html", "harness.js": PACKAGE_DIR / "harness.js"}

    async def handle(request: web.Request) -> web.StreamResponse:
        if request.method not in ("GET", "HEAD"):
            raise web.HTTPMethodNotAllowed(request.method, ["GET", "HEAD"])
        tail = request.match_info.get("tail", "")
        path = own.get(tail)
        if path is None and "/" in tail:
            top, rest = tail.split("/", 1)
            root = roots.get(top)
            if root is not None:
                candidate = (root / rest).resolve()
                if candidate.is_relative_to(root.resolve()) and candidate.is_file():
                    path = candidate
        if path is None:
            raise web.HTTPNotFound()
        return web.FileResponse(
            path, headers={"Cache-Control": "no-store", "Content-Security-Policy": PAGE_CSP}
        )

    return handle


# ------------------------------------------------------------------------ errors


class TencentError(Exception):
    """An SDK call rejected: ``code`` and ``message`` as the SDK gave them."""

    def __init__(self, method: str, error: dict[str, Any], report: str = "") -> None:
        self.method = method
        self.code: int | None = error.get("code")
        self.message: str = error.get("message") or ""
        self.error = error
        super().__init__(
            f"{method} rejected: code {self.code}, message {self.message!r}"
            + (f"\n{report}" if report else "")
        )


class HarnessTimeout(AssertionError):
    """An expected event, call or condition did not come in time."""


# ------------------------------------------------------------------------ the page


@dataclass(frozen=True)
class Event:
    """One SDK event as the page recorded it (``t``: ms since the page loaded)."""

    index: int
    name: str
    data: Any
    t: int


@dataclass(frozen=True)
class Ref:
    """Stands for a live object kept in the page (``H.refs[name]``), as a call argument;
    ``path`` walks into it (``Ref("sent", ("message",))``)."""

    name: str
    path: tuple[str | int, ...] = ()

    def to_js(self) -> dict[str, Any]:
        return {"__ref__": self.name, "path": list(self.path)}


def _encode(arg: Any) -> Any:
    if isinstance(arg, Ref):
        return arg.to_js()
    if isinstance(arg, dict):
        return {k: _encode(v) for k, v in arg.items()}
    if isinstance(arg, list | tuple):
        return [_encode(v) for v in arg]
    return arg


class TencentTab:
    """One user: a browser context with the test page; the SDK in it after :meth:`create`."""

    def __init__(self, context: Any, page: Any, label: str) -> None:
        self.context = context
        self.page = page
        self.label = label
        self.user: str | None = None
        self.relay: Relay | None = None  # the tab's own relay, see TencentHarness.login
        self.EVENT: dict[str, str] = {}  # the SDK's event names, key -> value
        self.events: list[Event] = []  # every event fetched from the page so far
        self.console: list[str] = []  # the page's console, with seconds since open
        self.page_errors: list[str] = []  # uncaught errors, unhandled rejections, CSP
        self.blocked: list[str] = []  # requests to other origins (aborted)
        self._consumed: set[int] = set()
        self._t0 = time.monotonic()
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)
        page.on("worker", self._on_worker)

    def _stamp(self) -> str:
        return f"{time.monotonic() - self._t0:8.3f}"

    def _on_console(self, message: Any) -> None:
        text = _STYLED.sub(r"\1 ", message.text)  # the SDK's "%c Chat %c <css> <css>" prefix
        self.console.append(f"{self._stamp()} {message.type}: {text}")

    def _on_page_error(self, error: Any) -> None:
        self.page_errors.append(str(error))
        self.console.append(f"{self._stamp()} PAGE ERROR: {error}")

    def _on_worker(self, worker: Any) -> None:
        self.console.append(f"{self._stamp()} worker started: {worker.url[:80]}")

    # -- low level

    async def js(self, body: str, arg: Any = None, *, within: float = CALL_WAIT) -> Any:
        """Run ``body`` as an async function of ``a`` in the page, with ``H`` (harness),
        ``chat`` (the SDK instance) and ``TencentCloudChat`` in scope; its JSON result."""
        script = (
            "async (a) => { const H = window.H; const chat = H.chat;"
            f" const TencentCloudChat = window.TencentCloudChat; {body}\n}}"
        )
        try:
            return await asyncio.wait_for(self.page.evaluate(script, _encode(arg)), within)
        except TimeoutError:
            raise HarnessTimeout(
                f"[{self.label}] page script still running after {within} s: {body[:200]}\n"
                + self.report()
            ) from None

    async def call(
        self, method: str, *args: Any, keep: str | None = None, within: float = CALL_WAIT
    ) -> Any:
        """``chat.<method>(*args)``: the resolved ``data`` (or the plain return value of a
        method that returns no promise), as JSON. A rejection raises :class:`TencentError`
        with its ``code`` and ``message``. Arguments are JSON, or :class:`Ref` for live
        objects; ``keep`` keeps the live result in the page as ``Ref(keep)``."""
        result = await self.js(
            "return await H.call(a.method, a.args, a.keep, a.ms);",
            {"method": method, "args": list(args), "keep": keep, "ms": within * 1000},
            within=within + 5,
        )
        if "timeout" in result:
            raise HarnessTimeout(
                f"[{self.label}] {method} did not settle within {within} s\n" + self.report()
            )
        if "error" in result:
            raise TencentError(f"[{self.label}] {method}", result["error"], self.report())
        return result["ok"]

    def msg(self, message_id: str) -> Ref:
        """The live message object with this ID (every message the SDK handed out is kept:
        created, sent, listed, received), as a call argument."""
        return Ref(f"msg:{message_id}")

    # -- the SDK

    async def create(self, sdkappid: int, proxy_server: str, **options: Any) -> dict[str, Any]:
        """``TencentCloudChat.create({SDKAppID, proxyServer, ...options})``, log level 0,
        tim-upload-plugin registered, every event recorded. The SDK connects at once.
        Returns ``{"version": <the SDK's VERSION>, "EVENT": {...}}``."""
        info: dict[str, Any] = await self.js(
            "return H.create(a);", {"SDKAppID": sdkappid, "proxyServer": proxy_server, **options}
        )
        self.EVENT = info["EVENT"]
        return info

    async def login(
        self, user: str, usersig: str, *, ready: bool = True, within: float = CALL_WAIT
    ) -> Any:
        """``chat.login({userID, userSig})``; its data. With ``ready`` (the default) also
        waits for (and consumes) the SDK_READY that follows."""
        self.user = user
        mark = await self.mark()
        data = await self.call("login", {"userID": user, "userSig": usersig}, within=within)
        if ready:
            await self.wait_event("SDK_READY", within=within, after=mark)
        return data

    async def logout(self) -> Any:
        return await self.call("logout")

    async def create_text(
        self, to: str, text: str, conversation_type: str = "C2C", **options: Any
    ) -> Ref:
        """``chat.createTextMessage(...)``, not sent; the live message as a :class:`Ref`."""
        message = await self.call(
            "createTextMessage",
            {"to": to, "conversationType": conversation_type, "payload": {"text": text}, **options},
        )
        return self.msg(message["ID"])

    async def send_text(
        self, to: str, text: str, conversation_type: str = "C2C", **options: Any
    ) -> dict[str, Any]:
        """Create and send a text message (``conversation_type`` ``"C2C"`` or ``"GROUP"``,
        ``options`` as createTextMessage takes them); the sent message, as JSON. The live
        object stays available as ``tab.msg(message["ID"])``."""
        ref = await self.create_text(to, text, conversation_type, **options)
        data = await self.call("sendMessage", ref)
        message: dict[str, Any] = data["message"]
        return message

    # -- the network

    async def network_down(self, *, silent: bool = False) -> None:
        """Lose the network: the browser goes offline (``navigator.onLine`` false, an
        ``offline`` event) and the tab's relay closes its connections and refuses new ones.
        With ``silent``, a dead link instead: the relay drops every byte and the browser
        notices nothing (the SDK finds out by its heartbeat, in about 14 s)."""
        if self.relay is None:
            raise RuntimeError(f"{self.label} has no relay: TencentHarness.login(relay=True)")
        if not silent:
            await self.context.set_offline(True)
        await self.relay.cut(silent=silent)

    async def network_up(self) -> None:
        """Undo :meth:`network_down`: the relay lets connections through, the browser goes
        online (its ``online`` event makes the SDK reconnect at once)."""
        if self.relay is None:
            raise RuntimeError(f"{self.label} has no relay: TencentHarness.login(relay=True)")
        await self.relay.restore()
        await self.context.set_offline(False)

    # -- events

    def _name(self, name: str) -> str:
        return self.EVENT.get(name, name)

    async def _pull(self, wait: float) -> None:
        """Fetch the events recorded since the last pull, waiting up to ``wait`` seconds
        for the first one."""
        new = await self.js(
            "return await H.wait(a.n, a.ms);",
            {"n": len(self.events), "ms": max(wait, 0) * 1000},
            within=wait + 5,
        )
        for e in new:
            if e["i"] == len(self.events):
                self.events.append(Event(e["i"], e["name"], e["data"], e["t"]))

    async def mark(self) -> int:
        """The number of events recorded so far: ``wait_event(..., after=mark)`` ignores
        older ones."""
        await self._pull(0)
        return len(self.events)

    async def wait_event(
        self,
        name: str,
        predicate: Callable[[Any], Any] | None = None,
        within: float = WAIT,
        *,
        after: int = 0,
    ) -> Any:
        """The data of the oldest unconsumed ``name`` event (index ``>= after``) for which
        ``predicate(data)`` is true, waiting up to ``within`` seconds; it is consumed.
        Events that do not match stay for later waits."""
        wanted = self._name(name)
        deadline = time.monotonic() + within
        checked = after
        while True:
            for event in self.events[checked:]:
                if (
                    event.name == wanted
                    and event.index not in self._consumed
                    and (predicate is None or predicate(event.data))
                ):
                    self._consumed.add(event.index)
                    return event.data
            checked = max(checked, len(self.events))
            left = deadline - time.monotonic()
            if left <= 0:
                raise HarnessTimeout(
                    f"[{self.label}] no {name} event"
                    + (" matching the predicate" if predicate else "")
                    + f" within {within} s\n"
                    + self.report()
                )
            await self._pull(left)

    async def received(self, n: int = 1, within: float = WAIT) -> list[dict[str, Any]]:
        """The next ``n`` received messages (MESSAGE_RECEIVED batches flattened, consumed);
        fails if a batch brings more than ``n``."""
        got: list[dict[str, Any]] = []
        deadline = time.monotonic() + within
        while len(got) < n:
            got += await self.wait_event("MESSAGE_RECEIVED", None, deadline - time.monotonic())
        assert len(got) == n, f"expected {n} messages, got {len(got)}: {got}"
        return got

    async def drain(self, name: str | None = None) -> list[Event]:
        """Consume and return every unconsumed event (of ``name``, or all) recorded so far."""
        await self._pull(0)
        wanted = None if name is None else self._name(name)
        out = [
            e
            for e in self.events
            if e.index not in self._consumed and (wanted is None or e.name == wanted)
        ]
        self._consumed.update(e.index for e in out)
        return out

    # -- reports

    async def collect_errors(self) -> list[str]:
        """Page errors, including what the page itself saw (CSP violations, unhandled
        rejections)."""
        seen = await self.js("return H.errors.slice();", within=5)
        return self.page_errors + [e for e in seen if e not in self.page_errors]

    def report(self, lines: int = REPORT_LINES) -> str:
        """The tail of the console, page errors, blocked requests and the last events, for
        an assertion message."""
        parts = [f"--- {self.label} ({self.user or 'not logged in'}): console, last {lines}"]
        parts += self.console[-lines:]
        if self.page_errors:
            parts += ["--- page errors", *self.page_errors]
        if self.blocked:
            parts += ["--- requests to other origins (blocked)", *self.blocked]
        if self.events:
            parts.append("--- last events")
            for e in self.events[-10:]:
                used = " (consumed)" if e.index in self._consumed else ""
                parts.append(f"#{e.index} {e.t} ms {e.name}{used}: {json.dumps(e.data)[:300]}")
        return "\n".join(parts)

    def dump(self, folder: Path) -> Path:
        """Write the whole console and event log to ``folder/<label>.log``."""
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', self.label)}.log"
        with path.open("w") as f:
            f.write("\n".join(self.console) + "\n")
            if self.page_errors:
                f.write("--- page errors\n" + "\n".join(self.page_errors) + "\n")
            if self.blocked:
                f.write("--- blocked requests\n" + "\n".join(self.blocked) + "\n")
            f.write("--- events\n")
            for e in self.events:
                f.write(f"#{e.index} {e.t} ms {e.name}: {json.dumps(e.data)}\n")
        return path

    async def close(self) -> None:
        await self.context.close()


# ------------------------------------------------------------------------ the relay


class _Pipe:
    """One relayed connection: client <-> upstream."""

    def __init__(self, client: asyncio.StreamWriter, upstream: asyncio.StreamWriter) -> None:
        self.client = client
        self.upstream = upstream
        self.silent = False
        self.closed = False

    def abort(self) -> None:
        """Drop both sockets at once (what a cut does)."""
        self.closed = True
        self.client.transport.abort()
        self.upstream.transport.abort()

    def close(self) -> None:
        """Close both sockets after sending what is buffered."""
        self.closed = True
        self.client.close()
        self.upstream.close()


class Relay:
    """A TCP relay from ``127.0.0.1:<port>`` to the server, that a test can cut.

    Playwright's offline mode does not close an open WebSocket, and the SDK keeps its socket
    in a Web Worker, so a test cuts the connection itself: give :attr:`ws_url` (plus any path
    prefix) as the SDK's ``proxyServer``. :meth:`cut` closes every relayed connection and
    refuses new ones; ``cut(silent=True)`` keeps them open but drops every byte both ways (a
    dead network: the SDK finds out by its heartbeat). :meth:`restore` lets connections
    through again (silenced ones are closed: their streams lost bytes).
    """

    def __init__(self, upstream_port: int, upstream_host: str = "127.0.0.1") -> None:
        self.upstream = (upstream_host, upstream_port)
        self.port = 0
        self.state = "open"  # "open", "cut" or "silent"
        self.accepted = 0  # connections relayed (silent ones included)
        self.refused = 0  # connections closed at once while cut (or upstream down)
        self.requests: list[str] = []  # first line of each relayed connection
        self._pipes: set[_Pipe] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._changed = asyncio.Condition()
        self._server: asyncio.Server | None = None

    async def start(self) -> Relay:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def active(self) -> int:
        """Connections open now."""
        return sum(1 for p in self._pipes if not p.closed)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            if self.state == "cut":
                self.refused += 1
                writer.transport.abort()
                return
            try:
                up_reader, up_writer = await asyncio.open_connection(*self.upstream)
            except OSError:
                self.refused += 1
                writer.transport.abort()
                return
            pipe = _Pipe(writer, up_writer)
            pipe.silent = self.state == "silent"
            self._pipes.add(pipe)
            self.accepted += 1
            await self._notify()
            await asyncio.gather(
                self._pump(pipe, reader, up_writer, first=True),
                self._pump(pipe, up_reader, writer, first=False),
            )
            if not pipe.closed:
                pipe.close()
            self._pipes.discard(pipe)
        finally:
            self._tasks.discard(task)
            await self._notify()

    async def _pump(
        self,
        pipe: _Pipe,
        src: asyncio.StreamReader,
        dst: asyncio.StreamWriter,
        first: bool,
    ) -> None:
        try:
            while data := await src.read(65536):
                if first:
                    first = False
                    self.requests.append(data.split(b"\r\n", 1)[0].decode("latin-1"))
                    await self._notify()
                if pipe.silent or pipe.closed:
                    continue
                dst.write(data)
                await dst.drain()
            if not pipe.closed and dst.can_write_eof():
                dst.write_eof()  # pass a clean close on, after the bytes before it
        except (ConnectionError, OSError):
            pipe.abort()

    async def cut(self, *, silent: bool = False) -> int:
        """Cut the network: close every relayed connection and refuse new ones, or with
        ``silent`` keep them (and new ones) open but drop every byte. The number of
        connections that were open."""
        open_now = [p for p in self._pipes if not p.closed]
        if silent:
            self.state = "silent"
            for p in open_now:
                p.silent = True
        else:
            self.state = "cut"
            for p in open_now:
                p.abort()
        await self._notify()
        return len(open_now)

    async def restore(self) -> None:
        """Let connections through again; silenced ones are closed."""
        for p in list(self._pipes):
            if p.silent:
                p.abort()
        self.state = "open"
        await self._notify()

    async def wait_for(
        self, predicate: Callable[[Relay], bool], within: float = WAIT, what: str = ""
    ) -> None:
        """Wait until ``predicate(relay)`` holds (checked at every connection change)."""
        try:
            async with self._changed:
                await asyncio.wait_for(self._changed.wait_for(lambda: predicate(self)), within)
        except TimeoutError:
            raise HarnessTimeout(
                f"relay :{self.port}: {what or 'condition'} not reached within {within} s"
                f" (state {self.state}, accepted {self.accepted}, refused {self.refused},"
                f" active {self.active})"
            ) from None

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for p in list(self._pipes):
            p.abort()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=5)
        if self._server is not None:
            await self._server.wait_closed()


# ------------------------------------------------------------------------ harness


@dataclass
class TencentHarness:
    """Opens tabs on the test page and relays to the server; closes them all at the end."""

    browser: Any
    page_url: str  # .../_test/tencent/page.html on the server's origin
    upstream_port: int  # the server's port (relays lead there)
    tabs: list[TencentTab] = field(default_factory=list)
    relays: list[Relay] = field(default_factory=list)

    @property
    def origin(self) -> str:
        return "/".join(self.page_url.split("/", 3)[:3])

    @property
    def ws_url(self) -> str:
        """The server's origin as a WebSocket URL (a ``proxyServer``)."""
        return "ws" + self.origin.removeprefix("http")

    async def open(self, label: str) -> TencentTab:
        """A new browser context with the test page loaded (the SDK loaded, not created)."""
        context = await self.browser.new_context()
        page = await context.new_page()
        page.set_default_timeout(CALL_WAIT * 1000)
        tab = TencentTab(context, page, label)
        self.tabs.append(tab)
        origin = self.origin

        async def route(route: Any) -> None:
            url = route.request.url
            if url == origin or url.startswith(origin + "/"):
                await route.continue_()
            else:
                tab.blocked.append(f"{route.request.method} {url}")
                await route.abort()

        await context.route("**/*", route)
        await page.goto(self.page_url)
        loaded = await tab.js(
            "return [typeof TencentCloudChat.create, typeof window.TIMUploadPlugin, typeof H];"
        )
        if loaded != ["function", "function", "object"]:
            raise AssertionError(f"the test page did not load the SDK: {loaded}\n{tab.report()}")
        return tab

    async def login(
        self,
        user: str,
        usersig: str,
        *,
        sdkappid: int | None = None,
        proxy_server: str | None = None,
        relay: bool = False,
        **options: Any,
    ) -> TencentTab:
        """Open a tab, create the SDK and log in as ``user`` (waiting for SDK_READY).
        ``proxyServer`` is the server, or ``proxy_server``, or with ``relay`` a new relay
        of the tab's own (``tab.relay``, for :meth:`TencentTab.network_down`)."""
        if sdkappid is None:
            from conftest import SDKAPPID

            sdkappid = SDKAPPID
        tab = await self.open(user)
        proxy_server = proxy_server or self.ws_url
        if relay:
            url = urlsplit(proxy_server)
            tab.relay = await self.relay(url.port or 80)
            proxy_server = urlunsplit(url._replace(netloc=f"127.0.0.1:{tab.relay.port}"))
        await tab.create(sdkappid, proxy_server, **options)
        await tab.login(user, usersig)
        return tab

    async def relay(self, port: int | None = None) -> Relay:
        """A new :class:`Relay` to the server (or to 127.0.0.1:``port``), closed at the end
        of the test."""
        relay = await Relay(port or self.upstream_port).start()
        self.relays.append(relay)
        return relay

    async def close(self, failed_folder: Path | None = None) -> None:
        """Close every tab and relay; with ``failed_folder``, dump each tab's log there."""
        if failed_folder is not None:
            for tab in self.tabs:
                path = tab.dump(failed_folder)
                print(f"{tab.label}: console and events in {path}")
                print(tab.report(40))
        for tab in self.tabs:
            await tab.close()
        for relay in self.relays:
            await relay.close()


# ------------------------------------------------------------------------ pytest glue

_FAILED = pytest.StashKey[bool]()
_versions_logged = False


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Remember that a test failed, so the ``tencent`` fixture can keep its logs."""
    report = yield
    if report.failed:
        item.stash[_FAILED] = True
    return report


def require_packages() -> Path:
    """``tests/tencent/node_modules`` with the pinned SDK and plugin (skipped locally when
    they are missing; a failure under CI=true)."""
    from conftest import require_service

    for name in (SDK_PACKAGE, PLUGIN_PACKAGE):
        installed = package_version(name)
        require_service(
            f"npm package {name} {pinned_version(name)}",
            installed == pinned_version(name),
            f"found {installed or 'nothing'} in {NODE_MODULES}; run make node_modules",
        )
    return NODE_MODULES


def _log_versions(config: pytest.Config, line: str) -> None:
    global _versions_logged
    if _versions_logged:
        return
    _versions_logged = True
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line("")
            reporter.write_line(line)


@pytest.fixture
def tencent_packages() -> Path:
    """The installed npm test packages (checked before any server or browser starts)."""
    return require_packages()


@pytest.fixture
async def tencent(
    tencent_packages: Path, server: Any, browser: Any, request: pytest.FixtureRequest
) -> AsyncIterator[TencentHarness]:
    """Tencent's web SDK on the ``server``'s origin: ``await tencent.login(user, sig)``,
    ``await tencent.open(label)``, ``await tencent.relay()`` (see the module docstring)."""
    node_modules = tencent_packages
    base = server.mount(MOUNT, static_handler(node_modules))
    _log_versions(
        request.config,
        f"tencent sdk tests: {SDK_PACKAGE} {package_version(SDK_PACKAGE)},"
        f" {PLUGIN_PACKAGE} {package_version(PLUGIN_PACKAGE)} ({node_modules}),"
        f" in Chromium {browser.version}",
    )
    port = int(server.url.rsplit(":", 1)[1])
    harness = TencentHarness(browser, base + "page.html", port)
    try:
        yield harness
    finally:
        failed = None
        if request.node.stash.get(_FAILED, False):
            safe = re.sub(r"[^A-Za-z0-9_.-]", "_", request.node.name)
            failed = TESTS.parent / "test-artifacts" / "tencent" / safe
        await harness.close(failed)
