"""The chat UI at ``/`` in real Chromium (Playwright), against a real server.

Two users in two browser contexts log in with fragment links
(``/#SDKAppID=…&userID=…&userSig=…``) and chat: live delivery, unread badges,
read receipts, recall, typing, failed sends and resend, history paging after
a reload, the friend-request flow, the blacklist, the profile, the language
switch, the login form with the debug UserSig signer, and text that looks like
HTML staying text. Screenshots at phone and desktop width go to
``test-artifacts/``. Every wait is bounded (``WAIT`` ms).
"""

from __future__ import annotations

import re
import struct
import time
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from conftest import SDKAPPID, RunningServer

WAIT = 10_000  # ms any single wait may take
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
XSS = "<img src=x onerror=alert(1)>"
AVATAR = "http://img.palaver.test/alice.png"

pytestmark = pytest.mark.timeout(180)


def link(server: RunningServer, user: str) -> str:
    return f"{server.url}/#SDKAppID={SDKAPPID}&userID={user}&userSig={server.sig(user)}"


def tiny_png() -> bytes:
    """A 1x1 orange PNG (an avatar picture)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x80\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def text_body(text: str) -> list[dict[str, Any]]:
    return [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]


@dataclass
class Tab:
    """One user's page, with what went wrong on it."""

    page: Any
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def tid(self, testid: str) -> Any:
        return self.page.get_by_test_id(testid)


class Users:
    """Opens pages (each in its own browser context) logged in as a user."""

    def __init__(self, browser: Any, server: RunningServer) -> None:
        self.browser = browser
        self.server = server
        self.contexts: list[Any] = []

    async def open(
        self,
        user: str | None,
        viewport: dict[str, int] = DESKTOP,
        locale: str = "en-US",
        scale: float = 1,
    ) -> Tab:
        ctx = await self.browser.new_context(
            viewport=viewport, locale=locale, device_scale_factor=scale
        )
        ctx.set_default_timeout(WAIT)
        self.contexts.append(ctx)
        page = await ctx.new_page()
        tab = Tab(page)
        page.on("pageerror", lambda e: tab.errors.append(str(e)))
        page.on(
            "console",
            lambda m: (
                tab.errors.append(m.text) if m.type == "error" and "favicon" not in m.text else None
            ),
        )

        async def on_dialog(d: Any) -> None:
            tab.dialogs.append(d.message)
            await d.dismiss()

        page.on("dialog", on_dialog)
        await page.goto(link(self.server, user) if user else f"{self.server.url}/")
        if user:
            await expect(tab.tid("app-view")).to_be_visible(timeout=WAIT)
        return tab

    async def close(self) -> None:
        for ctx in self.contexts:
            await ctx.close()


def expect(locator: Any) -> Any:
    from playwright.async_api import expect as pw_expect

    return pw_expect(locator)


@pytest.fixture
async def users(browser: Any, server: RunningServer) -> AsyncIterator[Users]:
    """alice and bob (friends), carol and dave (no relations), with nicknames."""
    await server.ok("im_open_login_svc", "account_import", {"UserID": "alice", "Nick": "Alice"})
    await server.ok("im_open_login_svc", "account_import", {"UserID": "bob", "Nick": "Bob"})
    await server.ok("im_open_login_svc", "account_import", {"UserID": "carol", "Nick": "Carol"})
    await server.import_users("dave")
    await server.ok(
        "sns",
        "friend_add",
        {
            "From_Account": "alice",
            "AddFriendItem": [{"To_Account": "bob", "AddSource": "AddSource_Type_Test"}],
            "AddType": "Add_Type_Both",
            "ForceAddFlags": 1,
        },
    )
    u = Users(browser, server)
    try:
        yield u
    finally:
        await u.close()


async def open_chat_with_friend(tab: Tab, friend: str) -> None:
    """Contacts → the friend's "Message" button → the conversation page."""
    await tab.tid("tab-contacts").click()
    row = tab.page.locator(f'[data-testid="friend"][data-userid="{friend}"]')
    await row.get_by_test_id("friend-message").click()
    await expect(tab.tid("chat-body")).to_be_visible(timeout=WAIT)


async def send(tab: Tab, text: str) -> None:
    await tab.tid("composer-input").fill(text)
    await tab.tid("send").click()


def conversation(tab: Tab, peer: str) -> Any:
    return tab.page.locator(f'[data-testid="conversation-item"][data-conversation-id="C2C{peer}"]')


def bubbles(tab: Tab) -> Any:
    return tab.tid("message-list").get_by_test_id("message-text")


# --------------------------------------------------------------------------- chat


async def test_live_chat_unread_receipts_recall_typing_and_reload(
    users: Users, server: RunningServer
) -> None:
    alice = await users.open("alice")
    bob = await users.open("bob")

    await open_chat_with_friend(alice, "bob")
    await expect(alice.tid("chat-title")).to_have_text("Bob", timeout=WAIT)
    await send(alice, "Hello Bob")
    await send(alice, "Are you there?")
    mine = alice.tid("message").filter(has_text="Are you there?")
    await expect(mine.get_by_test_id("read-receipt")).to_have_text("Unread", timeout=WAIT)

    # bob sees it live, counted unread, in the list and the total
    item = conversation(bob, "alice")
    await expect(item.get_by_test_id("conversation-preview")).to_have_text(
        "Are you there?", timeout=WAIT
    )
    await expect(item.get_by_test_id("conversation-name")).to_have_text("Alice")
    await expect(item.get_by_test_id("unread-badge")).to_have_text("2", timeout=WAIT)
    await expect(bob.tid("total-unread")).to_have_text("2", timeout=WAIT)

    # opening clears the badges; alice's messages show "Read"
    await item.get_by_test_id("conversation-open").click()
    await expect(bubbles(bob)).to_have_text(["Hello Bob", "Are you there?"], timeout=WAIT)
    await expect(item.get_by_test_id("unread-badge")).to_have_count(0, timeout=WAIT)
    await expect(bob.tid("total-unread")).to_be_hidden(timeout=WAIT)
    await expect(mine.get_by_test_id("read-receipt")).to_have_text("Read", timeout=WAIT)
    await expect(bob.tid("day-separator")).to_have_text(["Today"])

    # typing: bob types, alice sees "typing…"; sending ends it
    await bob.tid("composer-input").fill("Yes")
    await expect(alice.tid("typing-indicator")).to_be_visible(timeout=WAIT)
    await bob.tid("send").click()
    await expect(alice.tid("typing-indicator")).to_be_hidden(timeout=WAIT)
    await expect(bubbles(alice)).to_have_text(["Hello Bob", "Are you there?", "Yes"], timeout=WAIT)
    # the open conversation is read as messages arrive: no badge on alice's side
    await expect(conversation(alice, "bob").get_by_test_id("unread-badge")).to_have_count(0)

    # recall: alice recalls her first message; both sides show it recalled
    first = alice.tid("message").filter(has_text="Hello Bob")
    await first.hover()
    await first.get_by_test_id("recall").click()
    await expect(alice.tid("msg-recalled")).to_have_text(["You recalled a message"], timeout=WAIT)
    await expect(bob.tid("msg-recalled")).to_have_text(["Alice recalled a message"], timeout=WAIT)
    await expect(bubbles(bob)).to_have_text(["Are you there?", "Yes"])
    # bob's own messages have no recall for alice, and bob cannot recall alice's
    await expect(
        bob.tid("message").filter(has_text="Are you there?").get_by_test_id("recall")
    ).to_have_count(0)

    # a reload keeps the session and the history (recall included)
    await bob.page.reload()
    await expect(bob.tid("app-view")).to_be_visible(timeout=WAIT)
    await conversation(bob, "alice").get_by_test_id("conversation-open").click()
    await expect(bubbles(bob)).to_have_text(["Are you there?", "Yes"], timeout=WAIT)
    await expect(bob.tid("msg-recalled")).to_have_count(1)
    assert bob.page.url.endswith("/"), "the UserSig must leave the address bar"

    assert not alice.errors and not bob.errors, (alice.errors, bob.errors)


async def test_html_in_messages_and_profiles_is_text(users: Users, server: RunningServer) -> None:
    await server.ok(
        "profile",
        "portrait_set",
        {
            "From_Account": "alice",
            "ProfileItem": [{"Tag": "Tag_Profile_IM_Nick", "Value": "<b>Al</b><img src=y>"}],
        },
    )
    alice = await users.open("alice")
    bob = await users.open("bob", PHONE)
    await open_chat_with_friend(alice, "bob")
    await send(alice, XSS)
    item = conversation(bob, "alice")
    await expect(item.get_by_test_id("conversation-preview")).to_have_text(XSS, timeout=WAIT)
    await expect(item.get_by_test_id("conversation-name")).to_have_text("<b>Al</b><img src=y>")
    await item.get_by_test_id("conversation-open").click()
    bubble = bob.tid("bubble").filter(has_text="onerror")
    await expect(bubble).to_have_count(1, timeout=WAIT)
    await expect(bubble).to_have_text(XSS)
    assert await bubble.locator("img").count() == 0
    assert await bob.page.locator("img[src=x], img[src=y], b").count() == 0
    # an image's onerror handler in the text would have fired before ours: the
    # page has decoded (and failed) an image since the text was shown
    for user in (alice, bob):
        await user.page.evaluate(
            "() => new Promise((r) => { const i = new Image(); i.onerror = r; i.src = 'data:,x'; })"
        )
    assert not alice.dialogs and not bob.dialogs
    assert not alice.errors and not bob.errors, (alice.errors, bob.errors)


async def test_failed_send_and_resend(users: Users, server: RunningServer) -> None:
    alice = await users.open("alice")
    await open_chat_with_friend(alice, "bob")
    await server.ok("sns", "black_list_add", {"From_Account": "bob", "To_Account": ["alice"]})
    await send(alice, "Let me in")
    msg = alice.tid("message").filter(has_text="Let me in")
    await expect(msg.get_by_test_id("msg-status")).to_have_text("Failed", timeout=WAIT)
    await expect(alice.tid("toast")).to_contain_text("20007", timeout=WAIT)
    await server.ok("sns", "black_list_delete", {"From_Account": "bob", "To_Account": ["alice"]})
    await msg.get_by_test_id("resend").click()
    await expect(msg.get_by_test_id("read-receipt")).to_have_text("Unread", timeout=WAIT)
    await expect(msg.get_by_test_id("resend")).to_have_count(0)
    # an emoji from the panel
    await alice.tid("emoji-toggle").click()
    await alice.page.locator('[data-testid="emoji"][data-emoji="👍"]').click()
    await expect(alice.tid("composer-input")).to_have_value("👍")
    await alice.tid("send").click()
    await expect(bubbles(alice).last).to_have_text("👍", timeout=WAIT)
    await expect(alice.tid("emoji-panel")).to_be_hidden()
    bob = await users.open("bob")
    await conversation(bob, "alice").get_by_test_id("conversation-open").click()
    await expect(bubbles(bob)).to_have_text(["Let me in", "👍"], timeout=WAIT)


async def test_history_pages_day_separators_and_new_message_jump(
    users: Users, server: RunningServer
) -> None:
    # 20 yesterday, 20 today, by the local calendar the page uses: today's between the
    # day's start and now, however early in the day the test runs (at 00:05 "ten minutes
    # ago" was yesterday, and a third separator showed)
    now = int(time.time())
    midnight = int(
        datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
    )
    times = [midnight - 86400 + 3600 + 10 * i for i in range(20)]
    times += [midnight + (now - midnight) * i // 20 for i in range(20)]
    for i, t in enumerate(times):
        await server.ok(
            "openim",
            "importmsg",
            {
                "SyncFromOldSystem": 2,
                "From_Account": "alice" if i % 2 else "bob",
                "To_Account": "bob" if i % 2 else "alice",
                "MsgRandom": 1000 + i,
                "MsgTimeStamp": t,
                "MsgBody": text_body(f"old {i}"),
            },
        )
    bob = await users.open("bob", PHONE)
    await conversation(bob, "alice").get_by_test_id("conversation-open").click()
    await expect(bubbles(bob).last).to_have_text("old 39", timeout=WAIT)
    assert await bubbles(bob).count() < 40  # only the newest pages so far
    scroller = bob.tid("message-list")
    for _ in range(10):  # scroll up until the whole history is there
        shown = await bubbles(bob).count()
        if shown == 40:
            break
        await scroller.evaluate(
            "el => { el.scrollTop = 0; el.dispatchEvent(new Event('scroll')); }"
        )
        await expect(bubbles(bob)).not_to_have_count(shown, timeout=WAIT)  # a page more
    await expect(bubbles(bob)).to_have_count(40, timeout=WAIT)
    await expect(bubbles(bob).first).to_have_text("old 0")
    await expect(bob.tid("messages-top")).to_have_text("No earlier messages", timeout=WAIT)
    await expect(bob.tid("day-separator")).to_have_count(2)
    await expect(bob.tid("day-separator").last).to_have_text("Today")

    # scrolled up, a new message shows the jump button; it scrolls down
    await scroller.evaluate("el => { el.scrollTop = 0; }")
    await server.ok(
        "openim",
        "sendmsg",
        {
            "From_Account": "alice",
            "To_Account": "bob",
            "MsgRandom": 77,
            "MsgBody": text_body("new!"),
        },
    )
    await expect(bob.tid("jump-new")).to_be_visible(timeout=WAIT)
    await bob.tid("jump-new").click()
    await expect(bob.tid("jump-new")).to_be_hidden(timeout=WAIT)
    await expect(bubbles(bob).last).to_be_in_viewport(timeout=WAIT)
    assert not bob.errors, bob.errors


# ---------------------------------------------------------------------- contacts


async def test_friend_request_accept_refuse_and_blacklist(
    users: Users, server: RunningServer
) -> None:
    for user in ("carol", "dave"):
        await server.ok(
            "profile",
            "portrait_set",
            {
                "From_Account": user,
                "ProfileItem": [
                    {"Tag": "Tag_Profile_IM_AllowType", "Value": "AllowType_Type_NeedConfirm"}
                ],
            },
        )
    alice = await users.open("alice")
    carol = await users.open("carol", PHONE)
    await alice.tid("tab-contacts").click()
    await carol.tid("tab-contacts").click()

    await alice.tid("add-friend-userid").fill("carol")
    await alice.tid("add-friend-wording").fill("Hi, it's Alice")
    await alice.tid("add-friend-submit").click()
    await expect(alice.tid("add-friend-status")).to_contain_text("request sent", timeout=WAIT)
    await expect(alice.tid("request-out")).to_contain_text("Waiting", timeout=WAIT)

    request = carol.tid("request-in")
    await expect(request).to_contain_text("Hi, it's Alice", timeout=WAIT)
    await expect(carol.tid("application-badge")).to_have_text("1")
    await request.get_by_test_id("request-accept").click()
    await expect(carol.tid("friend").filter(has_text="Alice")).to_have_count(1, timeout=WAIT)
    await expect(alice.tid("friend").filter(has_text="Carol")).to_have_count(1, timeout=WAIT)
    await expect(carol.tid("request-in")).to_have_count(0)
    await expect(carol.tid("application-badge")).to_be_hidden()

    # dave refuses alice
    dave = await users.open("dave")
    await alice.tid("add-friend-userid").fill("dave")
    await alice.tid("add-friend-submit").click()
    await dave.tid("tab-contacts").click()
    await dave.tid("request-in").get_by_test_id("request-refuse").click()
    await expect(dave.tid("request-in")).to_have_count(0, timeout=WAIT)
    await expect(alice.tid("request-out")).to_have_count(0, timeout=WAIT)
    await expect(alice.tid("friend").filter(has_text="dave")).to_have_count(0)

    # an unknown userID is an error with its code
    await alice.tid("add-friend-userid").fill("nobody")
    await alice.tid("add-friend-submit").click()
    await expect(alice.tid("add-friend-status")).to_contain_text("30003", timeout=WAIT)

    # blacklist: carol blocks alice (friendship ends), then unblocks her
    await carol.tid("friend").filter(has_text="Alice").get_by_test_id("friend-block").click()
    await expect(carol.tid("blocked")).to_have_count(1, timeout=WAIT)
    await expect(carol.tid("friend")).to_have_count(0, timeout=WAIT)
    await expect(alice.tid("friend").filter(has_text="Carol")).to_have_count(0, timeout=WAIT)
    await carol.tid("blocked").get_by_test_id("unblock").click()
    await expect(carol.tid("blocked")).to_have_count(0, timeout=WAIT)
    await carol.tid("block-userid").fill("dave")
    await carol.tid("block-submit").click()
    await expect(carol.tid("blocked").filter(has_text="dave")).to_have_count(1, timeout=WAIT)

    # start a chat from a friend (bob) on the phone-width page
    assert not alice.errors and not carol.errors and not dave.errors


async def test_profile_edit_and_pin_delete(users: Users, server: RunningServer) -> None:
    await server.ok(
        "openim",
        "sendmsg",
        {"From_Account": "bob", "To_Account": "alice", "MsgRandom": 1, "MsgBody": text_body("hi")},
    )
    await server.ok(
        "openim",
        "sendmsg",
        {
            "From_Account": "carol",
            "To_Account": "alice",
            "MsgRandom": 2,
            "MsgBody": text_body("yo"),
        },
    )
    alice = await users.open("alice")
    bob = await users.open("bob")
    for tab in (alice, bob):
        await tab.page.context.route(
            f"{AVATAR}*", lambda route: route.fulfill(body=tiny_png(), content_type="image/png")
        )
    items = alice.tid("conversation-item")
    await expect(items).to_have_count(2, timeout=WAIT)
    first = await items.first.get_attribute("data-conversation-id")
    second = await items.nth(1).get_attribute("data-conversation-id")
    assert {first, second} == {"C2Cbob", "C2Ccarol"}

    # pin the second: it goes first; unpin: back below the other
    pinned = alice.page.locator(
        f'[data-testid="conversation-item"][data-conversation-id="{second}"]'
    )
    await pinned.get_by_test_id("conversation-more").click()
    await expect(alice.tid("conversation-pin")).to_have_text("Pin to top")
    await alice.tid("conversation-pin").click()
    await expect(items.first).to_have_attribute("data-conversation-id", second, timeout=WAIT)
    await expect(items.first).to_have_class("conv conv--pinned", timeout=WAIT)
    await pinned.get_by_test_id("conversation-more").click()
    await expect(alice.tid("conversation-pin")).to_have_text("Unpin")
    await alice.tid("conversation-pin").click()
    await expect(items.first).to_have_attribute("data-conversation-id", first, timeout=WAIT)
    await expect(items.nth(1)).to_have_class("conv", timeout=WAIT)

    # delete carol's conversation
    await conversation(alice, "carol").get_by_test_id("conversation-more").click()
    await alice.tid("conversation-delete").click()
    await expect(items).to_have_count(1, timeout=WAIT)

    # profile: nick, signature, AllowType; bob (a friend) sees the new nick live
    await alice.tid("tab-me").click()
    await expect(alice.tid("profile-nick")).to_have_value("Alice", timeout=WAIT)
    await alice.tid("profile-nick").fill("Alice W.")
    await alice.tid("profile-signature").fill("Hello <there>")
    await alice.tid("profile-avatar").fill(AVATAR)
    await alice.tid("profile-allowtype").select_option("AllowType_Type_DenyAny")
    await alice.tid("profile-save").click()
    await expect(alice.tid("profile-status")).to_have_text("Profile saved.", timeout=WAIT)
    await expect(alice.tid("my-name")).to_have_text("Alice W.")
    got = await server.ok(
        "profile",
        "portrait_get",
        {
            "To_Account": ["alice"],
            "TagList": [
                "Tag_Profile_IM_Nick",
                "Tag_Profile_IM_SelfSignature",
                "Tag_Profile_IM_AllowType",
            ],
        },
    )
    tags = {i["Tag"]: i["Value"] for i in got["UserProfileItem"][0]["ProfileItem"]}
    assert tags["Tag_Profile_IM_Nick"] == "Alice W."
    assert tags["Tag_Profile_IM_SelfSignature"] == "Hello <there>"
    assert tags["Tag_Profile_IM_AllowType"] == "AllowType_Type_DenyAny"
    await expect(conversation(bob, "alice").get_by_test_id("conversation-name")).to_have_text(
        "Alice W.", timeout=WAIT
    )
    assert not alice.errors and not bob.errors, (alice.errors, bob.errors)


# ---------------------------------------------------------------- login, language


async def test_login_form_errors_and_debug_usersig(users: Users, server: RunningServer) -> None:
    tab = await users.open(None)
    await expect(tab.tid("login-view")).to_be_visible(timeout=WAIT)
    await tab.tid("login-sdkappid").fill(str(SDKAPPID))
    await tab.tid("login-userid").fill("alice")

    # debug signing off (the default): the button goes away, a note says why
    await tab.tid("debug-usersig").click()
    await expect(tab.tid("debug-usersig")).to_be_hidden(timeout=WAIT)
    await expect(tab.tid("debug-box")).to_contain_text("debug_usersig is off")

    # a bad UserSig: the error with its code
    await tab.tid("login-usersig").fill("not-a-sig")
    await tab.tid("login-submit").click()
    await expect(tab.tid("login-error")).to_contain_text("code 70", timeout=WAIT)
    await expect(tab.tid("app-view")).to_be_hidden()

    # debug signing on: the button fills in a UserSig that logs in
    await server.hub.apps.update_settings(server.app.sdkappid, debug_usersig=True)
    await tab.page.reload()
    await expect(tab.tid("login-sdkappid")).to_have_value(str(SDKAPPID), timeout=WAIT)
    await expect(tab.tid("login-userid")).to_have_value("alice")
    await tab.tid("debug-usersig").click()
    await expect(tab.tid("login-usersig")).not_to_have_value("", timeout=WAIT)
    await tab.tid("login-submit").click()
    await expect(tab.tid("app-view")).to_be_visible(timeout=WAIT)
    await expect(tab.tid("me-chip")).to_contain_text("Alice", timeout=WAIT)

    # logout returns to the form, and a reload stays logged out
    await tab.tid("tab-me").click()
    await tab.tid("logout").click()
    await expect(tab.tid("login-view")).to_be_visible(timeout=WAIT)
    await tab.page.reload()
    await expect(tab.tid("login-view")).to_be_visible(timeout=WAIT)
    assert not tab.dialogs


async def test_kicked_out_shows_the_login_page(users: Users, server: RunningServer) -> None:
    tab = await users.open("alice")
    await server.ok("im_open_login_svc", "kick", {"UserID": "alice"})
    await expect(tab.tid("login-view")).to_be_visible(timeout=WAIT)
    await expect(tab.tid("login-error")).to_contain_text("administrator", timeout=WAIT)


async def test_language_from_browser_and_switch(users: Users, server: RunningServer) -> None:
    zh = await users.open("alice", locale="zh-CN")
    await expect(zh.tid("tab-chats")).to_contain_text("消息", timeout=WAIT)

    tab = await users.open("alice")
    await expect(tab.tid("tab-chats")).to_contain_text("Chats")
    await expect(tab.tid("sidebar-title")).to_have_text("Chats")
    await tab.tid("lang-toggle").click()
    await expect(tab.tid("tab-chats")).to_contain_text("消息")
    await expect(tab.tid("sidebar-title")).to_have_text("消息")
    await expect(tab.tid("composer-input")).to_have_attribute("placeholder", "输入消息")
    assert await tab.page.evaluate("document.documentElement.lang") == "zh-CN"
    # the choice is remembered
    await tab.page.reload()
    await expect(tab.tid("tab-contacts")).to_contain_text("通讯录", timeout=WAIT)
    await tab.tid("tab-me").click()
    await tab.tid("lang-select").select_option("en")
    await expect(tab.tid("tab-contacts")).to_contain_text("Contacts")


# ------------------------------------------------------------------- screenshots


async def test_screenshots_phone_and_desktop(
    users: Users, server: RunningServer, artifacts: Path
) -> None:
    await server.ok(
        "sns",
        "friend_add",
        {
            "From_Account": "alice",
            "AddFriendItem": [{"To_Account": "carol", "AddSource": "AddSource_Type_Test"}],
            "AddType": "Add_Type_Both",
            "ForceAddFlags": 1,
        },
    )
    now = int(time.time())
    lines = [
        ("bob", "alice", "Hi Alice! Is the self-hosted server up?"),
        ("alice", "bob", "Yes, Palaver runs on my laptop 🎉"),
        ("bob", "alice", "Great, it feels just like the Tencent chat UI."),
    ]
    for i, (frm, to, text) in enumerate(lines):
        await server.ok(
            "openim",
            "importmsg",
            {
                "SyncFromOldSystem": 2,
                "From_Account": frm,
                "To_Account": to,
                "MsgRandom": 500 + i,
                "MsgTimeStamp": now - 86400 + i * 60,
                "MsgBody": text_body(text),
            },
        )
    await server.ok(
        "openim",
        "sendmsg",
        {
            "From_Account": "carol",
            "To_Account": "alice",
            "MsgRandom": 9,
            "MsgBody": text_body("Lunch tomorrow?"),
        },
    )
    alice = await users.open("alice", DESKTOP)
    bob = await users.open("bob", PHONE, scale=2)

    await conversation(alice, "bob").get_by_test_id("conversation-open").click()
    await send(alice, "Let's try recall, receipts and typing.")
    await expect(alice.tid("read-receipt").last).to_have_text("Unread", timeout=WAIT)

    await conversation(bob, "alice").get_by_test_id("conversation-open").click()
    await expect(bubbles(bob).last).to_have_text(
        "Let's try recall, receipts and typing.", timeout=WAIT
    )
    await send(bob, "Sure 👍 你好！")
    await bob.tid("composer-input").fill("typing…")
    await expect(alice.tid("typing-indicator")).to_be_visible(timeout=WAIT)
    await expect(alice.tid("read-receipt").last).to_have_text("Read", timeout=WAIT)
    await expect(bubbles(alice).last).to_have_text("Sure 👍 你好！", timeout=WAIT)
    await alice.page.mouse.move(0, 0)

    await alice.page.screenshot(path=str(artifacts / "ui-desktop.png"))
    await bob.page.screenshot(path=str(artifacts / "ui-phone.png"))
    # the phone's conversation list (one pane) too
    await bob.tid("chat-back").click()
    await expect(bob.tid("conversation-list")).to_be_visible(timeout=WAIT)
    await bob.page.screenshot(path=str(artifacts / "ui-phone-list.png"))
    assert (artifacts / "ui-desktop.png").stat().st_size > 10_000
    assert (artifacts / "ui-phone.png").stat().st_size > 10_000
    assert not alice.errors and not bob.errors, (alice.errors, bob.errors)


async def test_search_box_finds_messages_and_opens_the_chat_at_them(
    users: Users, server: RunningServer
) -> None:
    """docs/search.md in the UI: a Chinese keyword without spaces, only my
    conversations; a conversation with several hits lists them (search within the
    chat); a hit opens the chat at that message, older pages loaded, highlighted."""

    async def say(frm: str, to: str, text: str, rnd: int) -> None:
        await server.ok("openim", "sendmsg", {"From_Account": frm, "To_Account": to,
                                              "MsgRandom": rnd, "MsgBody": text_body(text)})  # fmt: skip

    await say("bob", "alice", "新地址：建国路88号", 1)
    for i in range(40):  # more than two pages of history after it
        await say("alice", "bob", f"闲聊 {i}", 100 + i)
    await say("bob", "alice", "地址别发错", 2)
    await say("carol", "dave", "dave的地址", 3)
    alice = await users.open("alice")
    await alice.tid("search-input").fill("建国路88")
    await alice.tid("search-submit").click()
    hits = alice.tid("search-hit")
    await expect(hits).to_have_count(1, timeout=WAIT)
    await expect(hits.get_by_test_id("search-hit-name")).to_have_text("Bob")
    await expect(hits.get_by_test_id("search-hit-text")).to_have_text("新地址：建国路88号")
    # two hits in one conversation: the count; carol's message to dave is not mine
    await alice.tid("search-input").fill("地址")
    await alice.tid("search-submit").click()
    await expect(hits.get_by_test_id("search-hit-text")).to_have_text(re.compile("2"), timeout=WAIT)
    await hits.get_by_role("button").click()  # within the chat: its two hits, newest first
    await expect(hits.get_by_test_id("search-hit-text")).to_have_text(
        ["地址别发错", "新地址：建国路88号"], timeout=WAIT
    )
    await hits.nth(1).get_by_role("button").click()
    await expect(alice.tid("search-results")).to_be_hidden()
    found = alice.page.locator('[data-testid="message"][data-found="true"]')
    await expect(found.get_by_test_id("message-text")).to_have_text(
        "新地址：建国路88号", timeout=WAIT
    )
    await expect(found).to_be_in_viewport()
    await expect(bubbles(alice).filter(has_text="闲聊 0")).to_be_visible()  # its context
    await alice.tid("search-input").fill("不存在的词")
    await alice.tid("search-submit").click()
    await expect(alice.tid("search-note")).to_be_visible(timeout=WAIT)
