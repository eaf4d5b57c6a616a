"""Groups in the chat UI at ``/``, in real Chromium (Playwright) against a real server.

Three users in three browser contexts (alice on a desktop, bob on a phone,
carol on a desktop): alice creates a group with her friends from the "New
group" dialog; they chat (sender names, unread badges); carol @-mentions bob
with the picker, and bob sees "[@me]" in his list and the message highlighted;
alice makes bob an admin and removes carol from the group page, and the tips
show in every chat. Then a Public group that needs approval: dave finds it by
ID and asks to join, alice approves from Contacts (with a badge), dave leaves,
alice dismisses it. Screenshots go to ``test-artifacts/``. Every wait is
bounded (``WAIT`` ms).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from conftest import RunningServer
from test_web_ui import DESKTOP, PHONE, WAIT, Tab, Users, expect

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
async def users(browser: Any, server: RunningServer) -> AsyncIterator[Users]:
    """alice (friends with bob and carol), bob, carol and dave, with nicknames."""
    for user, nick in (("alice", "Alice"), ("bob", "Bob"), ("carol", "Carol"), ("dave", "Dave")):
        await server.ok("im_open_login_svc", "account_import", {"UserID": user, "Nick": nick})
    await server.ok(
        "sns",
        "friend_add",
        {
            "From_Account": "alice",
            "AddFriendItem": [
                {"To_Account": "bob", "AddSource": "AddSource_Type_Test"},
                {"To_Account": "carol", "AddSource": "AddSource_Type_Test"},
            ],
            "AddType": "Add_Type_Both",
            "ForceAddFlags": 1,
        },
    )
    u = Users(browser, server)
    try:
        yield u
    finally:
        await u.close()


def group_item(tab: Tab, gid: str) -> Any:
    return tab.page.locator(f'[data-testid="conversation-item"][data-conversation-id="GROUP{gid}"]')


def bubbles(tab: Tab) -> Any:
    return tab.tid("message-list").get_by_test_id("message-text")


def tips(tab: Tab) -> Any:
    return tab.tid("message-list").get_by_test_id("group-tip")


async def send(tab: Tab, text: str) -> None:
    await tab.tid("composer-input").fill(text)
    await tab.tid("send").click()


async def create_group(
    tab: Tab, name: str, members: list[str], type_: str = "Private", join: str = ""
) -> str:
    """The "New group" dialog; the new group's ID (its conversation opens)."""
    await tab.tid("create-group-open").click()
    dialog = tab.tid("create-group-dialog")
    await expect(dialog).to_be_visible(timeout=WAIT)
    await dialog.get_by_test_id("create-group-type").select_option(type_)
    if join:
        await dialog.get_by_test_id("create-group-join-option").select_option(join)
    await dialog.get_by_test_id("create-group-name").fill(name)
    for user in members:
        await dialog.locator(
            f'[data-testid="create-group-member"][data-userid="{user}"] input'
        ).check()
    await dialog.get_by_test_id("create-group-submit").click()
    await expect(dialog).to_have_count(0, timeout=WAIT)
    await expect(tab.tid("chat-title")).to_have_text(name, timeout=WAIT)
    item = tab.page.locator('[data-testid="conversation-item"][data-conversation-id^="GROUP"]')
    await expect(item.filter(has_text=name)).to_have_count(1, timeout=WAIT)
    cid = await item.filter(has_text=name).get_attribute("data-conversation-id")
    assert cid is not None and cid.startswith("GROUP@TGS#")
    return cid[len("GROUP") :]


async def test_group_chat_mentions_and_tips(
    users: Users, server: RunningServer, artifacts: Path
) -> None:
    alice = await users.open("alice", DESKTOP)
    bob = await users.open("bob", PHONE, scale=2)
    carol = await users.open("carol", DESKTOP)

    # alice creates a Work group with her two friends
    await alice.tid("create-group-open").click()
    dialog = alice.tid("create-group-dialog")
    await expect(dialog.get_by_test_id("create-group-member")).to_have_count(2, timeout=WAIT)
    await dialog.get_by_test_id("create-group-name").fill("Weekend")
    await dialog.locator('[data-testid="create-group-member"][data-userid="bob"] input').check()
    await dialog.locator('[data-testid="create-group-member"][data-userid="carol"] input').check()
    await alice.page.screenshot(path=str(artifacts / "ui-group-create.png"))
    await dialog.get_by_test_id("create-group-submit").click()
    await expect(alice.tid("chat-title")).to_have_text("Weekend", timeout=WAIT)
    await expect(alice.tid("typing-indicator")).to_have_text("3 members", timeout=WAIT)
    cid = await alice.page.locator(
        '[data-testid="conversation-item"][data-conversation-id^="GROUP"]'
    ).get_attribute("data-conversation-id")
    assert cid is not None
    gid = cid[len("GROUP") :]
    # the join tip names the members
    await expect(tips(alice).first).to_contain_text("joined the group", timeout=WAIT)
    await expect(tips(alice).first).to_contain_text("Bob")

    # the group shows up for bob and carol, named
    for tab in (bob, carol):
        await expect(group_item(tab, gid).get_by_test_id("conversation-name")).to_have_text(
            "Weekend", timeout=WAIT
        )

    # three users chat; senders are named
    await send(alice, "Hello everyone")
    item = group_item(bob, gid)
    await expect(item.get_by_test_id("conversation-preview")).to_have_text(
        "Alice: Hello everyone", timeout=WAIT
    )
    await expect(item.get_by_test_id("unread-badge")).to_have_text("1", timeout=WAIT)
    await item.get_by_test_id("conversation-open").click()
    await expect(bubbles(bob)).to_have_text(["Hello everyone"], timeout=WAIT)
    alice_msg = bob.tid("message").filter(has_text="Hello everyone")
    await expect(alice_msg.get_by_test_id("sender-name")).to_have_text("Alice")
    await expect(item.get_by_test_id("unread-badge")).to_have_count(0, timeout=WAIT)
    await send(bob, "Hi! 👋")
    # carol sees bob's message in her list before she opens it, as a person does (a
    # click while the list re-renders for it may land on the item being replaced)
    await expect(group_item(carol, gid).get_by_test_id("conversation-preview")).to_contain_text(
        "Hi!", timeout=WAIT
    )
    await group_item(carol, gid).get_by_test_id("conversation-open").click()
    await expect(bubbles(carol)).to_have_text(["Hello everyone", "Hi! 👋"], timeout=WAIT)
    await expect(
        carol.tid("message").filter(has_text="Hi!").get_by_test_id("sender-name")
    ).to_have_text("Bob")
    await expect(bubbles(alice)).to_have_text(["Hello everyone", "Hi! 👋"], timeout=WAIT)
    # my own messages carry no sender line
    await expect(
        alice.tid("message").filter(has_text="Hello everyone").get_by_test_id("sender-name")
    ).to_have_count(0)

    # bob goes back to his list; carol @-mentions him with the picker
    await bob.tid("chat-back").click()
    await carol.tid("composer-input").fill("Lunch ")
    await carol.tid("composer-input").press("End")
    await carol.tid("composer-input").type("@")
    panel = carol.tid("mention-panel")
    await expect(panel).to_be_visible(timeout=WAIT)
    await expect(panel.get_by_test_id("mention-name")).to_have_text(
        ["Everyone", "Alice", "Bob"], timeout=WAIT
    )
    await carol.tid("composer-input").type("bo")
    await expect(panel.get_by_test_id("mention-name")).to_have_text(["Bob"], timeout=WAIT)
    await carol.page.screenshot(path=str(artifacts / "ui-group-mention-picker.png"))
    await carol.tid("composer-input").press("Enter")  # picks, does not send
    await expect(panel).to_be_hidden()
    await expect(carol.tid("composer-input")).to_have_value("Lunch @Bob ")
    await carol.tid("composer-input").type("at noon?")
    await carol.tid("composer-input").press("Enter")
    await expect(bubbles(carol).last).to_have_text("Lunch @Bob at noon?", timeout=WAIT)

    # bob: "[@me]" and the badge in his list; alice, mentioned by nobody, has no marker
    await expect(item.get_by_test_id("at-marker")).to_have_text("[@me]", timeout=WAIT)
    await expect(item.get_by_test_id("conversation-preview")).to_have_text(
        "Carol: Lunch @Bob at noon?"
    )
    await expect(item.get_by_test_id("unread-badge")).to_have_text("1")
    await expect(group_item(alice, gid).get_by_test_id("at-marker")).to_have_count(0)
    await bob.page.screenshot(path=str(artifacts / "ui-group-phone-list.png"))
    # opening: the mention is highlighted, the marker goes
    await item.get_by_test_id("conversation-open").click()
    mention = bob.tid("message").filter(has_text="Lunch @Bob")
    await expect(mention.get_by_test_id("at-me")).to_have_text("@ you", timeout=WAIT)
    await expect(mention).to_have_class("msg msg--in msg--at")
    await expect(
        bob.tid("message").filter(has_text="Hello everyone").get_by_test_id("at-me")
    ).to_have_count(0)
    await expect(item.get_by_test_id("at-marker")).to_have_count(0, timeout=WAIT)
    await bob.page.screenshot(path=str(artifacts / "ui-group-phone-chat.png"))

    # @everyone from alice: carol's message is highlighted too
    await alice.tid("composer-input").fill("")
    await alice.tid("composer-input").type("@")
    await alice.tid("mention-panel").get_by_test_id("mention-option").first.click()
    await alice.tid("composer-input").type("meeting at 5")
    await alice.tid("send").click()
    everyone = carol.tid("message").filter(has_text="meeting at 5")
    await expect(everyone.get_by_test_id("at-me")).to_have_text("@ everyone", timeout=WAIT)
    await expect(bubbles(bob).last).to_have_text("@Everyone meeting at 5", timeout=WAIT)

    # the group page: members with roles; alice makes bob an admin, removes carol
    await alice.tid("group-info-open").click()
    page = alice.tid("group-page")
    await expect(page).to_be_visible(timeout=WAIT)
    await expect(page.get_by_test_id("group-page-name")).to_have_text("Weekend")
    await expect(page.get_by_test_id("group-page-id")).to_contain_text(gid)
    members = page.get_by_test_id("group-member")
    await expect(members.get_by_test_id("member-name")).to_have_text(
        ["Alice", "Bob", "Carol"], timeout=WAIT
    )
    await expect(members.first.get_by_test_id("member-role")).to_have_text("Owner")
    bob_row = page.locator('[data-testid="group-member"][data-userid="bob"]')
    await bob_row.get_by_test_id("member-admin").click()
    await expect(bob_row.get_by_test_id("member-role")).to_have_text("Admin", timeout=WAIT)
    await expect(tips(bob).last).to_have_text("Bob is now an admin", timeout=WAIT)
    # bob, now an admin, sees actions on carol but not on alice
    await bob.tid("group-info-open").click()
    bob_page = bob.tid("group-page")
    await expect(
        bob_page.locator('[data-testid="group-member"][data-userid="carol"]').get_by_test_id(
            "member-remove"
        )
    ).to_have_count(1, timeout=WAIT)
    await expect(
        bob_page.locator('[data-testid="group-member"][data-userid="alice"]').get_by_test_id(
            "member-remove"
        )
    ).to_have_count(0)
    await expect(bob_page.get_by_test_id("group-quit")).to_be_visible()
    await bob.page.screenshot(path=str(artifacts / "ui-group-phone-page.png"))
    await bob.tid("group-page-back").click()

    # the notice, edited by the owner, shows on the page and as a tip
    await page.get_by_test_id("group-notification-edit").click()
    await page.get_by_test_id("group-notification-input").fill("Bring water")
    await page.get_by_test_id("group-notification-save").click()
    await expect(page.get_by_test_id("group-page-notification")).to_have_text(
        "Bring water", timeout=WAIT
    )
    await expect(tips(bob).last).to_have_text("Alice updated the group notice", timeout=WAIT)

    carol_row = page.locator('[data-testid="group-member"][data-userid="carol"]')
    await carol_row.get_by_test_id("member-remove").click()
    await alice.tid("confirm").get_by_test_id("confirm-ok").click()
    await expect(members).to_have_count(2, timeout=WAIT)
    await alice.page.screenshot(path=str(artifacts / "ui-group-page.png"))
    await expect(tips(bob).last).to_have_text("Carol was removed from the group", timeout=WAIT)
    # carol loses the conversation; her open chat says she is out
    await expect(group_item(carol, gid)).to_have_count(0, timeout=WAIT)
    await expect(carol.tid("chat-notice")).to_have_text(
        "You are no longer a member of this group.", timeout=WAIT
    )
    await expect(carol.tid("composer")).to_be_hidden()

    await alice.tid("group-page-back").click()
    await expect(alice.tid("chat-body")).to_be_visible()
    await expect(tips(alice).last).to_have_text("Carol was removed from the group", timeout=WAIT)
    await alice.page.mouse.move(0, 0)
    await alice.page.screenshot(path=str(artifacts / "ui-group-desktop.png"))
    for tab in (alice, bob, carol):
        assert not tab.errors and not tab.dialogs, (tab.errors, tab.dialogs)


async def test_join_by_id_with_approval_quit_and_dismiss(
    users: Users, server: RunningServer, artifacts: Path
) -> None:
    alice = await users.open("alice", DESKTOP)
    dave = await users.open("dave", PHONE)
    gid = await create_group(alice, "Hikers", [], "Public", "NeedPermission")

    # a wrong ID, then the right one
    await dave.tid("join-group-open").click()
    dialog = dave.tid("join-group-dialog")
    await dialog.get_by_test_id("join-group-id").fill("@TGS#nothing")
    await dialog.get_by_test_id("join-group-search").click()
    await expect(dialog.get_by_test_id("join-group-status")).to_have_text(
        "No group with this ID.", timeout=WAIT
    )
    await dialog.get_by_test_id("join-group-id").fill(gid)
    await dialog.get_by_test_id("join-group-search").click()
    found = dialog.get_by_test_id("join-group-found")
    await expect(found).to_contain_text("Hikers", timeout=WAIT)
    await expect(found.get_by_test_id("join-group-meta")).to_have_text("Public group · 1 member")
    await found.get_by_test_id("join-group-message").fill("I love hiking")
    await found.get_by_test_id("join-group-submit").click()
    await expect(dialog.get_by_test_id("join-group-status")).to_contain_text(
        "Waiting for approval", timeout=WAIT
    )
    await dave.page.screenshot(path=str(artifacts / "ui-group-join-phone.png"))
    await dialog.get_by_test_id("modal-close").click()
    await expect(dialog).to_have_count(0)

    # alice: a badge on Contacts, the request there
    await expect(alice.tid("application-badge")).to_have_text("1", timeout=WAIT)
    await alice.tid("tab-contacts").click()
    request = alice.tid("group-application")
    await expect(request).to_contain_text("Dave", timeout=WAIT)
    await expect(request).to_contain_text("wants to join Hikers")
    await expect(request).to_contain_text("I love hiking")
    await expect(alice.tid("group-applications-badge")).to_have_text("1")
    await alice.page.screenshot(path=str(artifacts / "ui-group-contacts.png"))
    await request.get_by_test_id("group-app-accept").click()
    await expect(alice.tid("group-application")).to_have_count(0, timeout=WAIT)
    await expect(alice.tid("application-badge")).to_be_hidden(timeout=WAIT)
    await expect(alice.tid("group-list").get_by_test_id("my-group")).to_contain_text(
        "Hikers", timeout=WAIT
    )

    # dave is in: the conversation appears, and alice's chat shows the tip
    item = group_item(dave, gid)
    await expect(item.get_by_test_id("conversation-name")).to_have_text("Hikers", timeout=WAIT)
    await alice.tid("tab-chats").click()
    await expect(tips(alice).last).to_have_text("Dave joined the group", timeout=WAIT)
    await item.get_by_test_id("conversation-open").click()
    await send(dave, "Thanks for having me")
    await expect(bubbles(alice).last).to_have_text("Thanks for having me", timeout=WAIT)

    # dave leaves from the group page
    await dave.tid("group-info-open").click()
    await dave.tid("group-quit").click()
    await dave.tid("confirm").get_by_test_id("confirm-ok").click()
    await expect(item).to_have_count(0, timeout=WAIT)
    await expect(dave.tid("toast")).to_contain_text("You left", timeout=WAIT)
    await expect(tips(alice).last).to_have_text("Dave left the group", timeout=WAIT)

    # the owner has no "leave", only "dismiss"
    await alice.tid("group-info-open").click()
    await expect(alice.tid("group-quit")).to_have_count(0, timeout=WAIT)
    await alice.tid("group-dismiss").click()
    await alice.tid("confirm").get_by_test_id("confirm-cancel").click()  # not yet
    await expect(alice.tid("group-page")).to_be_visible()
    await alice.tid("group-dismiss").click()
    await alice.tid("confirm").get_by_test_id("confirm-ok").click()
    await expect(group_item(alice, gid)).to_have_count(0, timeout=WAIT)
    await expect(alice.tid("chat-placeholder")).to_be_visible(timeout=WAIT)
    for tab in (alice, dave):
        assert not tab.errors and not tab.dialogs, (tab.errors, tab.dialogs)


async def test_group_ui_in_chinese(users: Users, server: RunningServer, artifacts: Path) -> None:
    alice = await users.open("alice", DESKTOP, locale="zh-CN")
    bob = await users.open("bob", PHONE, locale="zh-CN", scale=2)
    await expect(alice.tid("create-group-open")).to_have_text("创建群聊", timeout=WAIT)
    gid = await create_group(alice, "周末", ["bob"])
    await expect(tips(alice).first).to_contain_text("加入了群聊", timeout=WAIT)
    await send(alice, "大家好")
    item = group_item(bob, gid)
    await expect(item.get_by_test_id("conversation-preview")).to_have_text(
        "Alice: 大家好", timeout=WAIT
    )
    await alice.tid("composer-input").press_sequentially("@")
    panel = alice.tid("mention-panel")
    await expect(panel).to_be_visible(timeout=WAIT)
    await expect(panel.get_by_test_id("mention-name")).to_have_text(["所有人", "Bob"], timeout=WAIT)
    await alice.tid("composer-input").press("Enter")  # picks, does not send
    await expect(alice.tid("composer-input")).to_have_value("@所有人 ")
    await alice.tid("composer-input").press_sequentially("开会")
    await alice.tid("composer-input").press("Enter")
    await expect(bubbles(alice).last).to_have_text("@所有人 开会", timeout=WAIT)
    await expect(item.get_by_test_id("at-marker")).to_have_text("[@所有人]", timeout=WAIT)
    await bob.page.screenshot(path=str(artifacts / "ui-group-phone-list-zh.png"))
    await alice.tid("group-info-open").click()
    await expect(alice.tid("group-dismiss")).to_have_text("解散群聊", timeout=WAIT)
    await expect(alice.tid("group-member").first.get_by_test_id("member-role")).to_have_text(
        "群主", timeout=WAIT
    )
    await alice.page.screenshot(path=str(artifacts / "ui-group-page-zh.png"))
    assert not alice.errors and not bob.errors, (alice.errors, bob.errors)


async def test_mention_picker_opened_right_after_a_send_stays_open(
    users: Users, server: RunningServer
) -> None:
    """Clicking Send blurs the message box, and the picker closes a moment after
    a blur. Typing "@" again within that moment must keep the new panel open:
    on a fast machine the stale close hid it, and Enter then sent a bare "@"
    (the cause of a red ``test_group_ui_in_chinese`` on Chromium 156.0.8078.114).
    The page's clock is Playwright's fake one, so the moment passes on demand."""
    alice = await users.open("alice", DESKTOP)
    await alice.page.clock.install()
    await create_group(alice, "Weekend", ["bob"])
    await send(alice, "Hello")  # the click on Send takes the focus from the box
    await alice.tid("composer-input").press_sequentially("@")
    panel = alice.tid("mention-panel")
    await expect(panel).to_be_visible(timeout=WAIT)
    await alice.page.clock.run_for(1000)  # the blur's delayed close is due now
    await expect(panel).to_be_visible()
    await alice.tid("composer-input").press("Enter")
    await expect(alice.tid("composer-input")).to_have_value("@Everyone ")
    # a real blur still closes it, and a closed panel offers nothing
    await alice.tid("composer-input").press_sequentially("@")
    await expect(panel).to_be_visible(timeout=WAIT)
    await alice.tid("tab-contacts").click()
    await alice.page.clock.run_for(1000)
    await expect(panel).to_be_hidden()
    await expect(panel.get_by_test_id("mention-option")).to_have_count(0)
    assert not alice.errors, alice.errors
