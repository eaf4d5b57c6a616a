"""The chat UI's message menu and conversation menu (issue 17, UI) in real
Chromium against a real server, at desktop width (right-click, keyboard) and at
phone width (a real long press through the touch screen).

The message menu: react (the count shows on both sides), copy, quote (shown on
both sides, sent as chat-uikit's ``cloudCustomData.messageReply``), forward,
edit (the peer sees the new text), delete (for me only), recall (the peer sees
it recalled); items a message does not allow are absent. The conversation menu
opens on a right-click and a long press too, and is driven by the keyboard.
Every wait is bounded (``WAIT`` ms); none is a fixed sleep.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from conftest import RunningServer
from support.waiting import eventually
from test_web_ui import DESKTOP, PHONE, WAIT, Tab, Users, expect, link, text_body

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
async def users(browser: Any, server: RunningServer) -> AsyncIterator[Users]:
    for user, nick in (("alice", "Alice"), ("bob", "Bob"), ("carol", "Carol")):
        await server.ok("im_open_login_svc", "account_import", {"UserID": user, "Nick": nick})
    u = Users(browser, server)
    try:
        yield u
    finally:
        await u.close()


async def rest_text(server: RunningServer, frm: str, to: str, text: str, rnd: int) -> None:
    body = {"From_Account": frm, "To_Account": to, "MsgRandom": rnd, "MsgBody": text_body(text)}
    await server.ok("openim", "sendmsg", body)


async def history(server: RunningServer, user: str, peer: str) -> list[dict[str, Any]]:
    """``user``'s C2C history with ``peer``, oldest first (REST admin_getroammsg)."""
    body = {"Operator_Account": user, "Peer_Account": peer, "MaxCnt": 100}
    got = await server.ok("openim", "admin_getroammsg", body)
    return list(got["MsgList"])


def item(tab: Tab, cid: str) -> Any:
    return tab.page.locator(f'[data-testid="conversation-item"][data-conversation-id="{cid}"]')


def message(tab: Tab, text: str) -> Any:
    exact = re.compile(f"^{re.escape(text)}$")
    return tab.tid("message").filter(has=tab.tid("message-text").filter(has_text=exact))


def bubble(tab: Tab, text: str) -> Any:
    return message(tab, text).get_by_test_id("bubble")


async def open_chat(tab: Tab, peer: str) -> None:
    await item(tab, f"C2C{peer}").get_by_test_id("conversation-open").click()
    await expect(tab.tid("chat-body")).to_be_visible(timeout=WAIT)


async def menu_of(tab: Tab, text: str) -> Any:
    """Right-click the bubble of the message with `text`; the menu, once shown."""
    await bubble(tab, text).click(button="right")
    menu = tab.tid("message-menu")
    await expect(menu).to_be_visible(timeout=WAIT)
    return menu


async def test_edit_recall_keyboard_and_what_a_peer_message_lacks(
    users: Users, server: RunningServer
) -> None:
    await rest_text(server, "bob", "alice", "hello alice", 1)
    alice = await users.open("alice")
    bob = await users.open("bob")
    await open_chat(alice, "bob")
    await alice.tid("composer-input").fill("first draft")
    await alice.tid("send").click()
    await expect(message(alice, "first draft")).to_have_attribute("data-status", "success")
    await open_chat(bob, "alice")
    await expect(bubble(bob, "first draft")).to_be_visible(timeout=WAIT)

    # my message: an ARIA menu with every item, the first one focused
    menu = await menu_of(alice, "first draft")
    await expect(menu).to_have_attribute("role", "menu")
    items = menu.locator('[role="menuitem"], [role="menuitemcheckbox"]')
    names = ["menu-copy", "menu-quote", "menu-forward", "menu-edit", "menu-recall", "menu-delete"]
    for name in names:
        await expect(menu.get_by_test_id(name)).to_have_attribute("role", "menuitem")
    await expect(menu.get_by_test_id("menu-react")).to_have_count(6)
    await expect(items.first).to_be_focused()
    # the keyboard: arrows move (and wrap), Escape closes and gives the bubble the focus
    await alice.page.keyboard.press("End")
    await expect(menu.get_by_test_id("menu-delete")).to_be_focused()
    await alice.page.keyboard.press("ArrowDown")
    await expect(items.first).to_be_focused()
    await alice.page.keyboard.press("ArrowUp")
    await alice.page.keyboard.press("ArrowUp")
    await expect(menu.get_by_test_id("menu-recall")).to_be_focused()
    await alice.page.keyboard.press("Escape")
    await expect(menu).to_have_count(0)
    await expect(bubble(alice, "first draft")).to_be_focused()
    # Shift+F10 on the focused bubble opens it again; a click outside closes it
    await alice.page.keyboard.press("Shift+F10")
    await expect(menu).to_be_visible(timeout=WAIT)
    await alice.tid("chat-title").click()
    await expect(menu).to_have_count(0)

    # a peer's message: no edit, no recall
    menu = await menu_of(alice, "hello alice")
    await expect(menu.get_by_test_id("menu-copy")).to_be_visible()
    await expect(menu.get_by_test_id("menu-quote")).to_be_visible()
    await expect(menu.get_by_test_id("menu-delete")).to_be_visible()
    await expect(menu.get_by_test_id("menu-edit")).to_have_count(0)
    await expect(menu.get_by_test_id("menu-recall")).to_have_count(0)
    await alice.page.keyboard.press("Escape")

    # edit, picked with the keyboard: the message box edits it; both sides show the new text
    await menu_of(alice, "first draft")
    for _ in range(10):  # past the 6 reactions, copy, quote, forward and select
        await alice.page.keyboard.press("ArrowDown")
    await expect(alice.tid("menu-edit")).to_be_focused()
    await alice.page.keyboard.press("Enter")
    await expect(alice.tid("compose-title")).to_have_text("Edit message")
    await expect(alice.tid("composer-input")).to_have_value("first draft")
    await expect(alice.tid("composer-input")).to_be_focused()
    await alice.tid("composer-input").fill("final text")
    await alice.page.keyboard.press("Enter")
    await expect(bubble(alice, "final text")).to_be_visible(timeout=WAIT)
    await expect(message(alice, "final text").get_by_test_id("msg-edited")).to_have_text("Edited")
    await expect(alice.tid("compose-bar")).to_be_hidden()
    await expect(alice.tid("composer-input")).to_have_value("")
    await expect(bubble(bob, "final text")).to_be_visible(timeout=WAIT)
    await expect(message(bob, "final text").get_by_test_id("msg-edited")).to_be_visible()
    await expect(bubble(bob, "first draft")).to_have_count(0)
    stored = await history(server, "bob", "alice")
    assert [m["MsgBody"][0]["MsgContent"]["Text"] for m in stored] == ["hello alice", "final text"]

    # an edit left with Escape changes nothing and gives the box back its text
    await alice.tid("composer-input").fill("half typed")
    menu = await menu_of(alice, "final text")
    await menu.get_by_test_id("menu-edit").click()
    await expect(alice.tid("composer-input")).to_have_value("final text")
    await alice.tid("composer-input").press("Escape")
    await expect(alice.tid("compose-bar")).to_be_hidden()
    await expect(alice.tid("composer-input")).to_have_value("half typed")

    # recall: both sides show it recalled; bob's menu on his own message has it too,
    # but none on alice's
    menu = await menu_of(alice, "final text")
    await menu.get_by_test_id("menu-recall").click()
    await expect(alice.tid("msg-recalled")).to_have_text(["You recalled a message"], timeout=WAIT)
    await expect(bob.tid("msg-recalled")).to_have_text(["Alice recalled a message"], timeout=WAIT)
    menu = await menu_of(bob, "hello alice")
    await expect(menu.get_by_test_id("menu-recall")).to_be_visible()
    await expect(menu.get_by_test_id("menu-edit")).to_be_visible()
    assert not alice.errors and not bob.errors, (alice.errors, bob.errors)


async def test_copy_quote_react_forward_and_delete_for_me(
    users: Users, server: RunningServer, artifacts: Path
) -> None:
    await rest_text(server, "bob", "alice", "hello alice", 1)
    await rest_text(server, "carol", "alice", "hi from carol", 2)
    alice = await users.open("alice")
    await alice.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    bob = await users.open("bob")
    await open_chat(alice, "bob")
    await open_chat(bob, "alice")

    # copy
    menu = await menu_of(alice, "hello alice")
    await alice.page.screenshot(path=str(artifacts / "ui-desktop-message-menu.png"))
    await menu.get_by_test_id("menu-copy").click()
    await expect(alice.tid("toast")).to_have_text("Copied")
    assert await alice.page.evaluate("navigator.clipboard.readText()") == "hello alice"

    # react: the count shows on both sides, mine highlighted; bob joins from his chip
    menu = await menu_of(alice, "hello alice")
    await menu.locator('[data-testid="menu-react"][data-reaction="👍"]').click()
    chip = message(alice, "hello alice").locator('[data-testid="reaction"][data-reaction="👍"]')
    bob_chip = message(bob, "hello alice").locator('[data-testid="reaction"][data-reaction="👍"]')
    await expect(chip.get_by_test_id("reaction-count")).to_have_text("1", timeout=WAIT)
    await expect(chip).to_have_attribute("aria-pressed", "true")
    await expect(bob_chip.get_by_test_id("reaction-count")).to_have_text("1", timeout=WAIT)
    await expect(bob_chip).to_have_attribute("aria-pressed", "false")
    await bob_chip.click()
    await expect(chip.get_by_test_id("reaction-count")).to_have_text("2", timeout=WAIT)
    await expect(bob_chip).to_have_attribute("aria-pressed", "true")
    menu = await menu_of(
        alice, "hello alice"
    )  # the menu shows mine checked; picking it takes it back
    mine = menu.locator('[data-testid="menu-react"][data-reaction="👍"]')
    await expect(mine).to_have_attribute("aria-checked", "true")
    await mine.click()
    await expect(bob_chip.get_by_test_id("reaction-count")).to_have_text("1", timeout=WAIT)
    await expect(chip).to_have_attribute("aria-pressed", "false")
    # after a reload the reactions come with the history
    await bob.page.reload()
    await expect(bob.tid("app-view")).to_be_visible(timeout=WAIT)
    await open_chat(bob, "alice")
    await expect(bob_chip.get_by_test_id("reaction-count")).to_have_text("1", timeout=WAIT)
    await expect(bob_chip).to_have_attribute("aria-pressed", "true")

    # quote: shown above the box, sent with chat-uikit's messageReply, shown on both sides
    menu = await menu_of(alice, "hello alice")
    await menu.get_by_test_id("menu-quote").click()
    await expect(alice.tid("compose-title")).to_have_text("Quote Bob")
    await expect(alice.tid("compose-text")).to_have_text("hello alice")
    await alice.tid("composer-input").fill("hello to you")
    await alice.tid("send").click()
    await expect(alice.tid("compose-bar")).to_be_hidden()
    reply = message(alice, "hello to you")
    await expect(reply.get_by_test_id("message-quote-text")).to_have_text(
        "hello alice", timeout=WAIT
    )
    await expect(message(bob, "hello to you").get_by_test_id("message-quote-text")).to_have_text(
        "hello alice", timeout=WAIT
    )
    await alice.page.screenshot(path=str(artifacts / "ui-desktop-quote-reactions.png"))
    stored = await history(server, "bob", "alice")
    quoted = json.loads(stored[-1]["CloudCustomData"])["messageReply"]
    assert quoted["messageAbstract"] == "hello alice" and quoted["messageSender"] == "Bob"
    assert quoted["messageType"] == 1 and quoted["version"] == 1
    first_id = await message(alice, "hello alice").get_attribute("data-message-id")
    assert quoted["messageID"] == first_id

    # forward to carol
    menu = await menu_of(alice, "hello to you")
    await menu.get_by_test_id("menu-forward").click()
    await alice.page.locator(
        '[data-testid="forward-target"][data-conversation-id="C2Ccarol"]'
    ).click()
    await expect(alice.tid("toast")).to_have_text("Forwarded to Carol", timeout=WAIT)
    await expect(item(alice, "C2Ccarol").get_by_test_id("conversation-preview")).to_have_text(
        "hello to you", timeout=WAIT
    )
    to_carol = await history(server, "carol", "alice")
    assert to_carol[-1]["From_Account"] == "alice"
    assert to_carol[-1]["MsgBody"] == text_body("hello to you")

    # delete for me: a confirmation, then gone here and after a reload; bob keeps it
    menu = await menu_of(alice, "hello alice")
    await menu.get_by_test_id("menu-delete").click()
    await alice.tid("confirm-ok").click()
    await expect(bubble(alice, "hello alice")).to_have_count(0, timeout=WAIT)
    await expect(bubble(bob, "hello alice")).to_be_visible()
    await alice.page.reload()
    await expect(alice.tid("app-view")).to_be_visible(timeout=WAIT)
    await open_chat(alice, "bob")
    await expect(bubble(alice, "hello to you")).to_be_visible(timeout=WAIT)
    await expect(bubble(alice, "hello alice")).to_have_count(0)
    assert [m["MsgBody"] for m in await history(server, "alice", "bob")] == [
        text_body("hello to you")
    ]
    assert len(await history(server, "bob", "alice")) == 2
    assert not alice.errors and not bob.errors, (alice.errors, bob.errors)


async def open_touch(users: Users, server: RunningServer, user: str) -> Tab:
    """A phone (touch screen) page logged in as `user`."""
    ctx = await users.browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    ctx.set_default_timeout(WAIT)
    users.contexts.append(ctx)
    page = await ctx.new_page()
    tab = Tab(page)
    page.on("pageerror", lambda e: tab.errors.append(str(e)))
    await page.goto(link(server, user))
    await expect(tab.tid("app-view")).to_be_visible(timeout=WAIT)
    return tab


async def long_press(tab: Tab, target: Any, menu: Any) -> None:
    """Touch `target` and hold until `menu` shows, then lift the finger."""
    box = None
    for _ in range(20):  # (a list drawn again meanwhile replaces the element)
        await expect(target).to_be_visible(timeout=WAIT)
        box = await target.bounding_box()
        if box is not None:
            break
    assert box is not None
    point = {"x": box["x"] + box["width"] / 2, "y": box["y"] + box["height"] / 2}
    cdp = await tab.page.context.new_cdp_session(tab.page)
    await cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [point]})
    await expect(menu).to_be_visible(timeout=WAIT)
    await cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


async def test_long_press_on_a_phone_opens_both_menus(
    users: Users, server: RunningServer, artifacts: Path
) -> None:
    await rest_text(server, "bob", "alice", "hello alice", 1)
    await rest_text(server, "carol", "alice", "hi from carol", 2)
    alice = await open_touch(users, server, "alice")
    bob = await users.open("bob", DESKTOP)
    await open_chat(bob, "alice")

    # the conversation menu: a long press on carol's conversation, then pin it
    carol = item(alice, "C2Ccarol")
    menu = alice.tid("conversation-menu")
    await long_press(alice, carol, menu)
    await expect(menu.get_by_test_id("conversation-pin")).to_have_text("Pin to top")
    await menu.get_by_test_id("conversation-pin").tap()
    await expect(menu).to_have_count(0)
    await expect(carol).to_have_class(re.compile(r"\bconv--pinned\b"), timeout=WAIT)
    await expect(alice.tid("chat-body")).to_be_hidden()  # the press opened no chat

    # the message menu: a long press on bob's message, then react
    await item(alice, "C2Cbob").get_by_test_id("conversation-open").tap()
    await expect(bubble(alice, "hello alice")).to_be_visible(timeout=WAIT)
    menu = alice.tid("message-menu")
    await long_press(alice, bubble(alice, "hello alice"), menu)
    await expect(menu.get_by_test_id("menu-edit")).to_have_count(0)
    await alice.page.screenshot(path=str(artifacts / "ui-phone-message-menu.png"))
    await menu.locator('[data-testid="menu-react"][data-reaction="🎉"]').tap()
    await expect(menu).to_have_count(0)
    chip = message(bob, "hello alice").locator('[data-testid="reaction"][data-reaction="🎉"]')
    await expect(chip.get_by_test_id("reaction-count")).to_have_text("1", timeout=WAIT)
    assert not alice.errors and not bob.errors, (alice.errors, bob.errors)


async def test_conversation_menu_by_right_click_and_keyboard(
    users: Users, server: RunningServer
) -> None:
    await rest_text(server, "bob", "alice", "hello alice", 1)
    alice = await users.open("alice")
    bob = item(alice, "C2Cbob")
    await bob.click(button="right")
    menu = alice.tid("conversation-menu")
    await expect(menu).to_be_visible(timeout=WAIT)
    await expect(menu).to_have_attribute("role", "menu")
    await expect(menu.get_by_test_id("conversation-pin")).to_be_focused()
    await alice.page.keyboard.press("ArrowDown")
    await expect(menu.get_by_test_id("conversation-mute")).to_be_focused()
    await alice.page.keyboard.press("Enter")
    await expect(bob.get_by_test_id("muted-mark")).to_be_visible(timeout=WAIT)
    await expect(menu).to_have_count(0)

    # the "more" button opens it too; Escape gives the button the focus back
    await bob.get_by_test_id("conversation-more").click()
    await expect(menu.get_by_test_id("conversation-mute")).to_have_text("Unmute")
    await expect(bob.get_by_test_id("conversation-more")).to_have_attribute("aria-expanded", "true")
    await bob.get_by_test_id("conversation-more").click()  # the button closes it again
    await expect(menu).to_have_count(0)
    await bob.get_by_test_id("conversation-more").click()
    await expect(menu).to_be_visible(timeout=WAIT)
    await alice.page.keyboard.press("Escape")
    await expect(menu).to_have_count(0)
    await expect(bob.get_by_test_id("conversation-more")).to_be_focused()
    await expect(bob.get_by_test_id("conversation-more")).to_have_attribute(
        "aria-expanded", "false"
    )

    # in Chinese, both menus speak Chinese
    await alice.tid("lang-toggle").click()
    await bob.click(button="right")
    await expect(menu.get_by_test_id("conversation-pin")).to_have_text("置顶", timeout=WAIT)
    await expect(menu.get_by_test_id("conversation-mute")).to_have_text("取消免打扰")
    await alice.page.keyboard.press("Escape")
    await bob.get_by_test_id("conversation-open").click()
    await bubble(alice, "hello alice").click(button="right")
    menu = alice.tid("message-menu")
    await expect(menu.get_by_test_id("menu-copy")).to_have_text("复制", timeout=WAIT)
    await expect(menu.get_by_test_id("menu-quote")).to_have_text("引用")
    await expect(menu).to_have_attribute("aria-label", "消息操作")
    assert not alice.errors


async def test_group_message_menu_edit_react_and_quote(users: Users, server: RunningServer) -> None:
    await server.ok(
        "group_open_http_svc",
        "create_group",
        {
            "Owner_Account": "bob",
            "Type": "Work",
            "GroupId": "team",
            "Name": "Team",
            "MemberList": [{"Member_Account": "alice"}, {"Member_Account": "carol"}],
        },
    )
    body = {
        "GroupId": "team",
        "From_Account": "bob",
        "Random": 1,
        "MsgBody": text_body("team news"),
    }
    await server.ok("group_open_http_svc", "send_group_msg", body)
    alice = await users.open("alice")
    bob = await users.open("bob")
    for tab in (alice, bob):
        await item(tab, "GROUPteam").get_by_test_id("conversation-open").click()
        await expect(bubble(tab, "team news")).to_be_visible(timeout=WAIT)
    await alice.tid("composer-input").fill("my idea")
    await alice.tid("send").click()
    await expect(bubble(bob, "my idea")).to_be_visible(timeout=WAIT)

    # another member's message: react and quote, but no edit or recall
    menu = await menu_of(alice, "team news")
    await expect(menu.get_by_test_id("menu-edit")).to_have_count(0)
    await expect(menu.get_by_test_id("menu-recall")).to_have_count(0)
    await menu.locator('[data-testid="menu-react"][data-reaction="❤️"]').click()
    chip = message(bob, "team news").locator('[data-testid="reaction"][data-reaction="❤️"]')
    await expect(chip.get_by_test_id("reaction-count")).to_have_text("1", timeout=WAIT)
    menu = await menu_of(alice, "team news")
    await menu.get_by_test_id("menu-quote").click()
    await expect(alice.tid("compose-title")).to_have_text("Quote Bob")
    await alice.tid("composer-input").fill("agreed")
    await alice.tid("send").click()
    await expect(message(bob, "agreed").get_by_test_id("message-quote")).to_have_text(
        "Bob:team news", timeout=WAIT
    )

    # my own group message: edited, and every member sees the new text
    menu = await menu_of(alice, "my idea")
    await menu.get_by_test_id("menu-edit").click()
    await alice.tid("composer-input").fill("my better idea")
    await alice.tid("send").click()
    await expect(bubble(bob, "my better idea")).to_be_visible(timeout=WAIT)
    await expect(message(bob, "my better idea").get_by_test_id("msg-edited")).to_be_visible()
    await expect(message(alice, "my better idea").get_by_test_id("msg-edited")).to_be_visible()
    assert not alice.errors and not bob.errors, (alice.errors, bob.errors)


async def crew_with_two_messages(server: RunningServer) -> None:
    """The Work group ``crew`` (owner bob, member alice) where alice said "the plan",
    then "small talk"."""
    await server.ok(
        "group_open_http_svc",
        "create_group",
        {
            "Owner_Account": "bob",
            "Type": "Work",
            "GroupId": "crew",
            "Name": "Crew",
            "MemberList": [{"Member_Account": "alice"}],
        },
    )
    for rnd, text in enumerate(("the plan", "small talk"), start=1):
        body = {
            "GroupId": "crew",
            "From_Account": "alice",
            "Random": rnd,
            "MsgBody": text_body(text),
        }
        await server.ok("group_open_http_svc", "send_group_msg", body)


async def test_group_owner_pins_from_the_menu_and_members_see_the_bar(
    users: Users, server: RunningServer
) -> None:
    await crew_with_two_messages(server)
    alice = await users.open("alice")
    bob = await users.open("bob")
    for tab in (alice, bob):
        await item(tab, "GROUPcrew").get_by_test_id("conversation-open").click()
        await expect(bubble(tab, "small talk")).to_be_visible(timeout=WAIT)
        await expect(tab.tid("pinned-bar")).to_be_hidden()

    # a member may not pin: no such item in her menu
    menu = await menu_of(alice, "the plan")
    await expect(menu.get_by_test_id("menu-react").first).to_be_visible()
    await expect(menu.get_by_test_id("menu-pin")).to_have_count(0)
    await alice.page.keyboard.press("Escape")

    # the owner pins; both see the bar, the member live (PINNED_GROUP_MESSAGE_UPDATED)
    menu = await menu_of(bob, "the plan")
    await menu.get_by_test_id("menu-pin").click()
    for tab in (bob, alice):
        await expect(tab.tid("pinned-text")).to_have_text("Alice: the plan", timeout=WAIT)
    await expect(alice.tid("pinned-unpin")).to_have_count(0)
    pinned = await server.ok("group_open_http_svc", "get_pinned_messages", {"GroupId": "crew"})
    assert [p["Pinner_Account"] for p in pinned["PinnedMsgList"]] == ["bob"]

    # the list is kept: a fresh page of the member reads it when the chat opens
    alice2 = await users.open("alice")
    await item(alice2, "GROUPcrew").get_by_test_id("conversation-open").click()
    await expect(alice2.tid("pinned-text")).to_have_text("Alice: the plan", timeout=WAIT)
    await alice2.tid("pinned-open").click()
    found = alice2.page.locator('[data-testid="message"][data-found="true"]')
    await expect(found.get_by_test_id("message-text")).to_have_text("the plan", timeout=WAIT)

    # the owner's menu now offers Unpin; the bar goes on every page
    menu = await menu_of(bob, "the plan")
    await menu.get_by_test_id("menu-unpin").click()
    for tab in (bob, alice, alice2):
        await expect(tab.tid("pinned-bar")).to_be_hidden(timeout=WAIT)
    assert not alice.errors and not bob.errors and not alice2.errors, (
        alice.errors,
        bob.errors,
        alice2.errors,
    )


async def test_the_pinned_bar_clicked_while_the_chat_loads_opens_at_the_message(
    users: Users, server: RunningServer
) -> None:
    """On a slow network the pinned bar shows before the chat's first page has come.
    Clicked then, the chat opens at the pinned message once the page comes (it did
    nothing: the click's own load gave up while the first one was under way)."""
    await crew_with_two_messages(server)
    bob = await users.open("bob")
    await item(bob, "GROUPcrew").get_by_test_id("conversation-open").click()
    menu = await menu_of(bob, "the plan")
    await menu.get_by_test_id("menu-pin").click()
    await expect(bob.tid("pinned-text")).to_have_text("Alice: the plan", timeout=WAIT)

    # alice's page: her getMessageList requests are held back until released
    held: list[str | bytes] = []
    upstream: list[Any] = []
    released = False

    def route(ws: Any) -> None:
        server_side = ws.connect_to_server()
        upstream.append(server_side)

        def from_page(message: str | bytes) -> None:
            if not released and b'"getMessageList"' in (
                message.encode() if isinstance(message, str) else message
            ):
                held.append(message)
            else:
                server_side.send(message)

        ws.on_message(from_page)

    ctx = await users.browser.new_context(viewport=DESKTOP)
    users.contexts.append(ctx)
    await ctx.route_web_socket(re.compile(r"/ws$"), route)
    page = await ctx.new_page()
    alice = Tab(page)
    page.on("pageerror", lambda e: alice.errors.append(str(e)))
    await page.goto(link(server, "alice"))
    await item(alice, "GROUPcrew").get_by_test_id("conversation-open").click()
    await expect(alice.tid("pinned-text")).to_have_text("Alice: the plan", timeout=WAIT)
    await eventually(lambda: bool(held), "the chat's first page to be asked for")
    await alice.tid("pinned-open").click()
    released = True
    for message in held:
        upstream[-1].send(message)
    found = alice.page.locator('[data-testid="message"][data-found="true"]')
    await expect(found.get_by_test_id("message-text")).to_have_text("the plan", timeout=WAIT)
    assert not alice.errors and not bob.errors, (alice.errors, bob.errors)


async def test_select_messages_and_forward_them_merged_or_one_by_one(
    users: Users, server: RunningServer
) -> None:
    await rest_text(server, "bob", "alice", "meet at 9", 1)
    await rest_text(server, "alice", "bob", "room 301", 2)
    await rest_text(server, "bob", "alice", "unrelated", 3)
    await rest_text(server, "carol", "alice", "hi alice", 4)
    alice = await users.open("alice")
    carol = await users.open("carol")
    await open_chat(alice, "bob")

    # Select in the menu, then a click picks another; the count follows; a click drops it
    menu = await menu_of(alice, "meet at 9")
    await menu.get_by_test_id("menu-select").click()
    await expect(alice.tid("select-count")).to_have_text("1 selected")
    await bubble(alice, "room 301").click()
    await bubble(alice, "unrelated").click()
    await expect(alice.tid("select-count")).to_have_text("3 selected")
    await bubble(alice, "unrelated").click()
    await expect(alice.tid("select-count")).to_have_text("2 selected")
    await expect(message(alice, "room 301")).to_have_attribute("aria-selected", "true")

    # merged: carol gets one "chat history" card; it opens the two messages
    await alice.tid("forward-merged").click()
    await alice.page.locator(
        '[data-testid="forward-target"][data-conversation-id="C2Ccarol"]'
    ).click()
    await expect(alice.tid("toast")).to_have_text("Forwarded to Carol", timeout=WAIT)
    await expect(alice.tid("select-bar")).to_be_hidden()
    await open_chat(carol, "alice")
    card = carol.tid("merger-card")
    await expect(card.get_by_test_id("merger-title")).to_have_text(
        "Chat history of Alice and Bob", timeout=WAIT
    )
    await expect(card.get_by_test_id("merger-line")).to_have_text(
        ["Bob: meet at 9", "Alice: room 301"]
    )
    await card.click()
    dialog = carol.tid("merged-dialog")
    await expect(dialog.get_by_test_id("merged-item")).to_have_count(2, timeout=WAIT)
    await expect(dialog.get_by_test_id("merged-item").first).to_contain_text("meet at 9")
    await expect(dialog.get_by_test_id("merged-item").last).to_contain_text("room 301")
    stored = (await history(server, "carol", "alice"))[-1]
    assert stored["MsgBody"][0]["MsgType"] == "TIMRelayElem"
    await carol.page.keyboard.press("Escape")

    # one by one: two ordinary messages, in their order
    menu = await menu_of(alice, "meet at 9")
    await menu.get_by_test_id("menu-select").click()
    await bubble(alice, "room 301").click()
    await alice.tid("forward-each").click()
    await alice.page.locator(
        '[data-testid="forward-target"][data-conversation-id="C2Ccarol"]'
    ).click()
    await expect(bubble(carol, "room 301")).to_be_visible(timeout=WAIT)
    texts = [
        m["MsgBody"][0]["MsgContent"].get("Text") for m in await history(server, "carol", "alice")
    ]
    assert texts[-2:] == ["meet at 9", "room 301"]
    assert not alice.errors and not carol.errors, (alice.errors, carol.errors)
