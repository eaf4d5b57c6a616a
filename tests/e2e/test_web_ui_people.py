"""The web UI's contacts show friend groups and user status (issue 17, UI):
a friend group made by REST and a status set on another device show up live."""

from __future__ import annotations

from typing import Any

from conftest import RunningServer
from test_web_ui import WAIT, Users, expect
from test_web_ui import users as users  # the fixture

__all__ = ["users"]


async def test_contacts_show_friend_groups_and_status(
    users: Users, server: RunningServer, browser: Any
) -> None:
    await server.ok(
        "sns", "group_add", {"From_Account": "alice", "GroupName": ["Work"], "To_Account": ["bob"]}
    )
    alice = await users.open("alice")
    await alice.tid("tab-contacts").click()
    header = alice.tid("friend-group").filter(has_text="Work")
    await expect(header).to_have_text("Work (1)", timeout=WAIT)
    row = alice.page.locator('[data-testid="friend"][data-userid="bob"]')
    await expect(row.get_by_test_id("friend-status")).to_have_text("Offline", timeout=WAIT)

    # bob comes online and sets a status: alice's contacts follow, live
    bob = await users.open("bob")
    await expect(row.get_by_test_id("friend-status")).to_have_text("Online", timeout=WAIT)
    await bob.page.evaluate(
        "() => import('/static/app/state.js').then(({state}) =>"
        " state.chat.setSelfStatus({customStatus: 'On a call'}))"
    )
    await expect(row.get_by_test_id("friend-status")).to_have_text(
        "Online · On a call", timeout=WAIT
    )
    # a group renamed elsewhere (REST) is shown renamed
    await server.ok("sns", "group_add", {"From_Account": "alice", "GroupName": ["Family"]})
    await server.ok("sns", "group_delete", {"From_Account": "alice", "GroupName": ["Work"]})
    await expect(alice.tid("friend-group").filter(has_text="Family")).to_have_text(
        "Family (0)", timeout=WAIT
    )
    await expect(alice.tid("friend-group").filter(has_text="Other friends")).to_have_text(
        "Other friends (1)", timeout=WAIT
    )
    assert alice.errors == [] and bob.errors == []
