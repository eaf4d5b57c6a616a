"""The chat UI's conversation menu and drafts in real Chromium, against a real
server: pin, mute (do not disturb), mark unread, move to a conversation group,
and a draft kept per conversation (on the server: another device sees it). A
mute set by REST (``MsgFlag``) stops the unread badge at once. Every wait is
bounded (``WAIT`` ms).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from conftest import RunningServer
from support.waiting import eventually
from test_web_ui import WAIT, Users, expect, text_body

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


def item(tab: Any, cid: str) -> Any:
    return tab.page.locator(f'[data-testid="conversation-item"][data-conversation-id="{cid}"]')


async def rest_text(server: RunningServer, frm: str, to: str, text: str, rnd: int) -> None:
    body = {"From_Account": frm, "To_Account": to, "MsgRandom": rnd, "MsgBody": text_body(text)}
    await server.ok("openim", "sendmsg", body)


async def group_text(server: RunningServer, text: str, rnd: int) -> None:
    body = {"GroupId": "team", "From_Account": "bob", "Random": rnd, "MsgBody": text_body(text)}
    await server.ok("group_open_http_svc", "send_group_msg", body)


async def test_a_mute_set_by_rest_stops_the_badge(users: Users, server: RunningServer) -> None:
    await server.ok(
        "group_open_http_svc",
        "create_group",
        {
            "Owner_Account": "bob",
            "Type": "Work",
            "GroupId": "team",
            "Name": "Team",
            "MemberList": [{"Member_Account": "alice"}],
        },
    )
    alice = await users.open("alice")
    await group_text(server, "first", 1)
    team = item(alice, "GROUPteam")
    await expect(team.get_by_test_id("unread-badge")).to_have_text("1", timeout=WAIT)
    await expect(alice.tid("total-unread")).to_have_text("1", timeout=WAIT)

    await server.ok(
        "group_open_http_svc",
        "modify_group_member_info",
        {"GroupId": "team", "Member_Account": "alice", "MsgFlag": "AcceptNotNotify"},
    )
    await expect(team.get_by_test_id("muted-mark")).to_be_visible(timeout=WAIT)
    await expect(team.get_by_test_id("unread-badge")).to_have_count(0, timeout=WAIT)
    await expect(team.get_by_test_id("muted-dot")).to_be_visible()
    await expect(alice.tid("total-unread")).to_be_hidden(timeout=WAIT)
    await group_text(server, "second", 2)
    await expect(team.get_by_test_id("conversation-preview")).to_contain_text("second")
    await expect(team.get_by_test_id("unread-badge")).to_have_count(0)
    await expect(alice.tid("total-unread")).to_be_hidden()

    # unmute from the menu: the badge and the total come back
    await team.get_by_test_id("conversation-more").click()
    await expect(alice.tid("conversation-mute")).to_have_text("Unmute")
    await alice.tid("conversation-mute").click()
    await expect(team.get_by_test_id("unread-badge")).to_have_text("2", timeout=WAIT)
    await expect(alice.tid("total-unread")).to_have_text("2", timeout=WAIT)
    info = await server.ok("group_open_http_svc", "get_group_member_info", {"GroupId": "team"})
    flags = {m["Member_Account"]: m["MsgFlag"] for m in info["MemberList"]}
    assert flags["alice"] == "AcceptAndNotify"
    assert not alice.errors


async def test_conversation_menu_mute_mark_unread_and_move(
    users: Users, server: RunningServer
) -> None:
    await rest_text(server, "bob", "alice", "hi from bob", 1)
    await rest_text(server, "carol", "alice", "hi from carol", 2)
    await server.ok(
        "recentcontact",
        "create_contact_group",
        {
            "From_Account": "alice",
            "GroupContactItem": [
                {"GroupName": "Work", "ContactItem": [{"Type": 1, "To_Account": "carol"}]}
            ],
        },
    )
    alice = await users.open("alice")
    bob = item(alice, "C2Cbob")
    await expect(bob.get_by_test_id("unread-badge")).to_have_text("1", timeout=WAIT)
    await expect(item(alice, "C2Ccarol").get_by_test_id("conversation-group")).to_have_text("Work")

    # mute: a dot instead of the count, out of the total
    await bob.get_by_test_id("conversation-more").click()
    await alice.tid("conversation-mute").click()
    await expect(bob.get_by_test_id("muted-mark")).to_be_visible(timeout=WAIT)
    await expect(bob.get_by_test_id("muted-dot")).to_be_visible()
    await expect(alice.tid("total-unread")).to_have_text("1", timeout=WAIT)  # carol's only
    kinds = await server.hub.conversation_settings.c2c_remind(server.app, "alice", ["bob"])
    assert kinds == {"bob": "AcceptNotNotify"}

    # mark read, then mark unread: a dot that opening the conversation clears
    carol = item(alice, "C2Ccarol")
    await carol.get_by_test_id("conversation-more").click()
    await expect(alice.tid("conversation-mark-unread")).to_have_text("Mark as read")
    await alice.tid("conversation-mark-unread").click()
    await expect(carol.get_by_test_id("unread-badge")).to_have_count(0, timeout=WAIT)
    await carol.get_by_test_id("conversation-more").click()
    await expect(alice.tid("conversation-mark-unread")).to_have_text("Mark as unread")
    await alice.tid("conversation-mark-unread").click()
    await expect(carol.get_by_test_id("marked-unread")).to_be_visible(timeout=WAIT)
    listed = await server.ok(
        "recentcontact",
        "search_contact_group",
        {"From_Account": "alice", "ContactItem": [{"Type": 1, "To_Account": "carol"}]},
    )
    assert listed["ContactResultItem"][0]["StandardMark"] == "10"  # the unread mark
    await carol.get_by_test_id("conversation-open").click()
    await expect(carol.get_by_test_id("marked-unread")).to_have_count(0, timeout=WAIT)

    # move bob's conversation into "Work", then out of it
    await bob.get_by_test_id("conversation-more").click()
    move = alice.page.locator('[data-testid="conversation-move"][data-group="Work"]')
    await expect(move).to_have_text("Move to “Work”")
    await move.click()
    await expect(bob.get_by_test_id("conversation-group")).to_have_text("Work", timeout=WAIT)
    got = await server.ok("recentcontact", "get_contact_group", {"From_Account": "alice"})
    members = {i["To_Account"] for i in got["ContactItem"] if i["ContactGroupId"]}
    assert members == {"bob", "carol"}
    await bob.get_by_test_id("conversation-more").click()
    await expect(move).to_have_text("Remove from “Work”")
    await move.click()
    await expect(bob.get_by_test_id("conversation-group")).to_have_count(0, timeout=WAIT)
    assert not alice.errors


async def test_a_draft_is_kept_per_conversation(users: Users, server: RunningServer) -> None:
    await rest_text(server, "bob", "alice", "hi from bob", 1)
    await rest_text(server, "carol", "alice", "hi from carol", 2)
    alice = await users.open("alice")
    bob, carol = item(alice, "C2Cbob"), item(alice, "C2Ccarol")
    await bob.get_by_test_id("conversation-open").click()
    await alice.tid("composer-input").fill("half a thought")
    await carol.get_by_test_id("conversation-open").click()
    await expect(alice.tid("composer-input")).to_have_value("")
    await expect(bob.get_by_test_id("conversation-preview")).to_have_text(
        "[Draft] half a thought", timeout=WAIT
    )

    # kept on the server: the next session (this one is replaced: one Web login
    # at a time) shows it, and puts it back in the composer
    other = await users.open("alice")
    other_bob = item(other, "C2Cbob")
    await expect(other_bob.get_by_test_id("conversation-preview")).to_have_text(
        "[Draft] half a thought", timeout=WAIT
    )
    await other_bob.get_by_test_id("conversation-open").click()
    await expect(other.tid("composer-input")).to_have_value("half a thought")

    # sending it clears it
    await other.tid("send").click()
    await expect(other_bob.get_by_test_id("conversation-preview")).to_have_text(
        "half a thought", timeout=WAIT
    )

    async def no_drafts() -> bool:
        convs = await server.hub.conversations.list(server.app, "alice")
        return {c.peer: c.draft for c in convs} == {"bob": "", "carol": ""}

    await eventually(no_drafts, "the draft cleared on the server")
    assert not other.errors
