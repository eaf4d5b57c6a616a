"""Groups in the JavaScript SDK (``/sdk/palaver-chat.js``), in real Chromium against a real server.

Each user is a browser context with the SDK loaded as in ``test_js_sdk`` (same
harness): group creation, three users chatting (``flow`` fixed on the client,
unread counts), @-mentions (``groupAtInfoList``), Public groups with
NeedPermission and approval, quit/kick/dismiss events, members and roles, read
receipts, and resuming after a reconnect with ``groupCursors`` (no message lost
or doubled). Every wait is bounded (``WAIT``); that something does *not* happen is
shown by a later marker that arrives first (``marker_first``), never by a sleep.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from conftest import SDKAPPID, RunningServer
from support.waiting import eventually
from test_js_sdk import HARNESS, WAIT, Tab, drop_connections, marker_first, texts

RECEIVED = "onMessageReceived"
CONV_LIST = "onConversationListUpdated"
TOTAL_UNREAD = "onTotalUnreadMessageCountUpdated"
GROUP_LIST = "onGroupListUpdated"
GROUP_APPS = "onGroupApplicationListUpdated"
RECEIPT = "onMessageReadReceiptReceived"
NET = "netStateChange"
TIP = "TIMGroupTipElem"
AT_ALL = "__kImSDK_MesssageAtALL__"

pytestmark = pytest.mark.timeout(120)

Open = Callable[..., Any]


@pytest.fixture
async def open_chat(server: RunningServer, browser: Any) -> AsyncIterator[Open]:
    """``await open_chat("alice")``: a new browser context with the SDK, logged in
    as ``alice`` (``options``: create() options). The account is imported first."""
    contexts: list[Any] = []

    async def open_(user: str, **options: Any) -> Tab:
        await server.import_users(user)
        context = await browser.new_context()
        contexts.append(context)
        page = await context.new_page()
        page.set_default_timeout(WAIT * 1000)
        await page.goto(server.url + "/healthz")
        await page.evaluate(HARNESS, {"sdkAppID": SDKAPPID, "options": options})
        tab = Tab(page, user)
        await tab.login(server.sig(user))
        return tab

    yield open_
    for context in contexts:
        await context.close()


async def create_group(
    tab: Tab, members: list[str], type_: str = "Private", name: str = "Team", **extra: Any
) -> dict[str, Any]:
    data = await tab.ok(
        "chat.createGroup(a)",
        {"type": type_, "name": name, "memberList": [{"userID": m} for m in members], **extra},
    )
    group: dict[str, Any] = data["group"]
    return group


async def send_group(
    tab: Tab,
    gid: str,
    text: str,
    *,
    at: list[str] | None = None,
    receipt: bool = False,
    key: str | None = None,
) -> dict[str, Any]:
    """Send a text (with @-mentions: createTextAtMessage) to the group; the sent message."""
    data = await tab.ok(
        """(async () => {
          const o = {to: a.gid, conversationType: 'GROUP', payload: {text: a.text},
                     needReadReceipt: a.receipt};
          if (a.at) o.payload.atUserList = a.at;
          const m = a.at ? chat.createTextAtMessage(o) : chat.createTextMessage(o);
          T.msgs[a.key] = m;
          return await chat.sendMessage(m);
        })()""",
        {"gid": gid, "text": text, "at": at, "receipt": receipt, "key": key or text},
    )
    message: dict[str, Any] = data["message"]
    return message


async def received(tab: Tab, n: int, within: float = WAIT) -> list[dict[str, Any]]:
    """The next ``n`` received messages that are not group tips (tips are skipped)."""
    got: list[dict[str, Any]] = []
    deadline = time.monotonic() + within
    while len(got) < n:
        batch = await tab.next(RECEIVED, max(deadline - time.monotonic(), 0.01))
        got.extend(m for m in batch if m["type"] != TIP)
    assert len(got) == n, got
    return got


async def tip(tab: Tab, operation: int, within: float = WAIT) -> dict[str, Any]:
    """The next received group tip of ``operation`` (1 join, 2 quit, 3 kicked...)."""
    deadline = time.monotonic() + within
    while True:
        batch = await tab.next(RECEIVED, max(deadline - time.monotonic(), 0.01))
        for m in batch:
            if m["type"] == TIP and m["payload"]["operationType"] == operation:
                return m


async def conversation(
    tab: Tab, cid: str, pred: Callable[[dict[str, Any] | None], bool], within: float = WAIT
) -> dict[str, Any] | None:
    """The conversation ``cid`` in the first CONVERSATION_LIST_UPDATED for which
    ``pred(conversation or None)`` holds."""
    deadline = time.monotonic() + within
    while True:
        convs = await tab.next(CONV_LIST, max(deadline - time.monotonic(), 0.01))
        conv = next((c for c in convs if c["conversationID"] == cid), None)
        if pred(conv):
            return conv


async def groups(tab: Tab, pred: Callable[[list[str]], bool]) -> list[str]:
    """The groupIDs of the first GROUP_LIST_UPDATED for which ``pred`` holds."""
    deadline = time.monotonic() + WAIT
    while True:
        ids = [g["groupID"] for g in await tab.next(GROUP_LIST, deadline - time.monotonic())]
        if pred(ids):
            return ids


async def read_all(tab: Tab, cid: str) -> None:
    """Read the conversation; forget the list events before (they are stale now)."""
    await tab.ok("chat.setMessageRead({conversationID: a})", cid)
    await tab.drain(CONV_LIST)
    await tab.drain(TOTAL_UNREAD)


async def total_becomes(tab: Tab, n: int) -> None:
    """Wait (bounded) until the SDK's total unread count is ``n``."""
    await tab.page.wait_for_function(
        "(n) => window.T.chat.getTotalUnreadMessageCount() === n", arg=n, timeout=WAIT * 1000
    )


async def applications(tab: Tab, pred: Callable[[list[dict[str, Any]]], bool]) -> list[Any]:
    """The applicationList of the first GROUP_APPLICATION_LIST_UPDATED for which ``pred`` holds."""
    deadline = time.monotonic() + WAIT
    while True:
        data = await tab.next(GROUP_APPS, deadline - time.monotonic())
        if pred(data["applicationList"]):
            apps: list[Any] = data["applicationList"]
            return apps


# ------------------------------------------------------------------- constants


async def test_group_constants_are_tencents(server: RunningServer, open_chat: Open) -> None:
    tab = await open_chat("alice")
    types = await tab.js("return T.PalaverChat.TYPES;")
    assert types["GRP_WORK"] == "Private" and types["GRP_PUBLIC"] == "Public"
    assert types["GRP_MEETING"] == types["GRP_CHATROOM"] == "ChatRoom"
    assert types["GRP_AVCHATROOM"] == "AVChatRoom" and types["GRP_COMMUNITY"] == "Community"
    assert [types[f"GRP_MBR_ROLE_{r}"] for r in ("OWNER", "ADMIN", "MEMBER")] == [
        "Owner",
        "Admin",
        "Member",
    ]
    assert types["JOIN_OPTIONS_NEED_PERMISSION"] == "NeedPermission"
    assert types["JOIN_OPTIONS_FREE_ACCESS"] == "FreeAccess"
    assert types["JOIN_OPTIONS_DISABLE_APPLY"] == "DisableApply"
    assert types["JOIN_STATUS_SUCCESS"] == "JoinedSuccess"
    assert types["JOIN_STATUS_WAIT_APPROVAL"] == "WaitAdminApproval"
    assert types["JOIN_STATUS_ALREADY_IN_GROUP"] == "AlreadyInGroup"
    assert types["MSG_GRP_TIP"] == TIP and types["MSG_GRP_SYS_NOTICE"] == "TIMGroupSystemNoticeElem"
    assert types["GRP_TIP_MBR_JOIN"] == 1 and types["GRP_TIP_MBR_PROFILE_UPDATED"] == 7
    assert types["MSG_AT_ALL"] == AT_ALL and types["CONV_GROUP"] == "GROUP"
    # arguments are checked before anything is sent
    assert (await tab.fails("chat.getGroupProfile({})"))["code"] == 6017
    assert (await tab.fails("chat.createGroup({type: 'Private'})"))["code"] == 6017
    assert (await tab.fails("chat.addGroupMember({groupID: 'g'})"))["code"] == 6017


# ------------------------------------------------------------------- messages


async def test_three_users_chat_in_a_group(server: RunningServer, open_chat: Open) -> None:
    alice = await open_chat("alice")
    alice_mac = await open_chat("alice", platform="Mac")  # alice's other device
    bob = await open_chat("bob")
    carol = await open_chat("carol")

    group = await create_group(alice, ["bob", "carol"])
    gid = group["groupID"]
    cid = "GROUP" + gid
    assert gid.startswith("@TGS#") and group["type"] == "Private" and group["name"] == "Team"
    assert group["ownerID"] == "alice" and group["selfInfo"]["role"] == "Owner"
    assert group["memberCount"] == 3

    # the members learn it from GROUP_LIST_UPDATED, with the conversation and a join tip
    for tab in (bob, carol, alice_mac):
        assert gid in await groups(tab, lambda ids: gid in ids)
        conv = await conversation(tab, cid, lambda c: c is not None)
        assert conv is not None and conv["type"] == "GROUP"
        assert conv["groupProfile"]["groupID"] == gid and conv["groupProfile"]["name"] == "Team"
    joined = await tip(bob, 1)
    assert joined["conversationID"] == cid and {"bob", "carol"} <= set(
        joined["payload"]["userIDList"]
    )
    for tab in (alice, bob, carol):
        await read_all(tab, cid)
    await total_becomes(alice_mac, 0)  # read on the other device

    sent = await send_group(alice, gid, "hello team")
    assert sent["flow"] == "out" and sent["conversationType"] == "GROUP"
    assert sent["conversationID"] == cid and sent["to"] == gid and sent["sequence"] > 0
    for tab in (bob, carol):
        [got] = await received(tab, 1)
        assert got["ID"] == sent["ID"] and got["from"] == "alice" and got["flow"] == "in"
        assert got["conversationID"] == cid and got["payload"] == {"text": "hello team"}
    # my other device sees my message as mine, and does not count it unread
    [echo] = await received(alice_mac, 1)
    assert echo["ID"] == sent["ID"] and echo["flow"] == "out"
    mac_conv = await conversation(
        alice_mac, cid, lambda c: c is not None and (c["lastMessage"] or {}).get("ID") == sent["ID"]
    )
    assert mac_conv is not None and mac_conv["unreadCount"] == 0

    reply = await send_group(bob, gid, "hi alice")
    [got] = await received(alice, 1)
    assert got["ID"] == reply["ID"] and got["flow"] == "in" and got["from"] == "bob"
    [got] = await received(carol, 1)
    assert got["ID"] == reply["ID"]

    # unread: carol has both, bob only alice's (his own is out), alice only bob's
    conv = await conversation(carol, cid, lambda c: c is not None and c["unreadCount"] == 2)
    assert conv is not None and conv["lastMessage"]["messageForShow"] == "hi alice"
    assert conv["lastMessage"]["fromAccount"] == "bob"
    assert await carol.js("return chat.getTotalUnreadMessageCount();") == 2
    await conversation(
        bob, cid, lambda c: c is not None and (c["lastMessage"] or {}).get("ID") == reply["ID"]
    )
    assert await bob.js("return chat.getTotalUnreadMessageCount();") == 1
    await conversation(alice, cid, lambda c: c is not None and c["unreadCount"] == 1)
    mac_conv = await conversation(
        alice_mac,
        cid,
        lambda c: c is not None and (c["lastMessage"] or {}).get("ID") == reply["ID"],
    )
    assert mac_conv is not None and mac_conv["unreadCount"] == 1

    # the sender's page got no echo of its own sends: a later message comes first
    assert [m for batch in await alice.drain(RECEIVED) for m in batch if m["type"] != TIP] == []
    await marker_first(server, alice)
    await read_all(alice, "C2Cmarker")

    # reading clears the count, also on my other device
    await read_all(alice, cid)
    await conversation(alice_mac, cid, lambda c: c is not None and c["unreadCount"] == 0)
    assert await alice.js("return chat.getTotalUnreadMessageCount();") == 0

    # history: both messages, mine "out"
    page = await bob.ok("chat.getMessageList({conversationID: a})", cid)
    mine = [m for m in page["messageList"] if m["type"] != TIP]
    assert texts(mine) == ["hello team", "hi alice"]
    assert [m["flow"] for m in mine] == ["in", "out"]
    # a non-member cannot read or send
    dave = await open_chat("dave")
    assert (await dave.fails("chat.getMessageList({conversationID: a})", cid))["code"] == 10007
    err = await dave.fails(
        "chat.sendMessage(chat.createTextMessage({to: a, conversationType: 'GROUP',"
        " payload: {text: 'x'}}))",
        gid,
    )
    assert err["code"] == 10007


async def test_at_mentions_mark_the_conversation(server: RunningServer, open_chat: Open) -> None:
    alice = await open_chat("alice")
    bob = await open_chat("bob")
    carol = await open_chat("carol")
    gid = (await create_group(alice, ["bob", "carol"]))["groupID"]
    cid = "GROUP" + gid
    for tab in (bob, carol):
        await conversation(tab, cid, lambda c: c is not None)
        await read_all(tab, cid)

    at_bob = await send_group(alice, gid, "@bob look", at=["bob"])
    assert at_bob["atUserList"] == ["bob"]
    [got] = await received(bob, 1)
    assert got["atUserList"] == ["bob"]
    conv = await conversation(bob, cid, lambda c: c is not None and c["groupAtInfoList"] != [])
    assert conv is not None
    [info] = conv["groupAtInfoList"]
    assert info["atTypeArray"] == [1] and info["from"] == "alice"
    assert info["messageSequence"] == at_bob["sequence"] and info["groupID"] == gid
    conv = await conversation(carol, cid, lambda c: c is not None and c["unreadCount"] == 1)
    assert conv is not None and conv["groupAtInfoList"] == []

    at_all = await send_group(alice, gid, "@all lunch", at=[AT_ALL])
    conv = await conversation(carol, cid, lambda c: c is not None and c["groupAtInfoList"] != [])
    assert conv is not None and [a["atTypeArray"] for a in conv["groupAtInfoList"]] == [[2]]
    conv = await conversation(bob, cid, lambda c: c is not None and len(c["groupAtInfoList"]) == 2)
    assert conv is not None
    assert [a["messageSequence"] for a in conv["groupAtInfoList"]] == [
        at_bob["sequence"],
        at_all["sequence"],
    ]

    # the server's list says the same to a fresh login
    carol2 = await open_chat("carol", platform="Mac")
    [listed] = [
        c
        for c in (await carol2.ok("chat.getConversationList()"))["conversationList"]
        if c["conversationID"] == cid
    ]
    assert [a["atTypeArray"] for a in listed["groupAtInfoList"]] == [[2]]
    assert listed["unreadCount"] == 2

    # reading clears the markers
    await bob.ok("chat.setMessageRead({conversationID: a})", cid)
    await conversation(bob, cid, lambda c: c is not None and c["groupAtInfoList"] == [])
    assert (await bob.ok("chat.getConversationProfile(a)", cid))["conversation"][
        "groupAtInfoList"
    ] == []


# ---------------------------------------------------------------- join rules


async def test_public_group_needs_approval(server: RunningServer, open_chat: Open) -> None:
    alice = await open_chat("alice")
    dave = await open_chat("dave")
    erin = await open_chat("erin")
    group = await create_group(alice, [], "Public", "Hikers", joinOption="NeedPermission")
    gid = group["groupID"]
    assert group["joinOption"] == "NeedPermission"

    found = await dave.ok("chat.searchGroupByID(a)", gid)
    assert found["group"]["name"] == "Hikers" and "selfInfo" not in found["group"]
    applied = await dave.ok("chat.joinGroup({groupID: a, applyMessage: 'let me in'})", gid)
    assert applied["status"] == "WaitAdminApproval"

    [app] = await applications(alice, lambda apps: apps != [])
    assert app["groupID"] == gid and app["applicant"] == "dave"
    assert app["applyMessage"] == "let me in" and app["groupName"] == "Hikers"
    listed = await alice.ok("chat.getGroupApplicationList()")
    assert [a["applicant"] for a in listed["applicationList"]] == ["dave"]
    # a member who is not owner/admin cannot approve
    assert (
        await dave.fails(
            "chat.handleGroupApplication({handleAction: 'Agree', groupID: a, applicant: 'dave'})",
            gid,
        )
    )["code"] == 10007

    await alice.ok("chat.handleGroupApplication({handleAction: 'Agree', application: a})", app)
    assert gid in await groups(dave, lambda ids: gid in ids)
    await conversation(dave, "GROUP" + gid, lambda c: c is not None)
    assert await applications(alice, lambda apps: apps == []) == []
    again = await alice.fails(
        "chat.handleGroupApplication({handleAction: 'Agree', groupID: a, applicant: 'dave'})", gid
    )
    assert again["code"] == 10024
    sent = await send_group(dave, gid, "thanks!")
    [got] = await received(alice, 1)
    assert got["ID"] == sent["ID"] and got["from"] == "dave"
    assert (await dave.ok("chat.joinGroup({groupID: a})", gid))["status"] == "AlreadyInGroup"

    # a rejected applicant stays out
    await erin.ok("chat.joinGroup({groupID: a})", gid)
    [app] = await applications(alice, lambda apps: apps != [])
    assert app["applicant"] == "erin"
    await alice.ok("chat.handleGroupApplication({handleAction: 'Reject', application: a})", app)
    assert gid not in await groups(erin, lambda ids: True)
    assert (await erin.fails("chat.getMessageList({conversationID: a})", "GROUP" + gid))[
        "code"
    ] == 10007

    # other types' rules: a Work group is invitation only, a Meeting group is free to join
    work = await create_group(alice, [], "Private", "Secret")
    assert (await erin.fails("chat.joinGroup({groupID: a})", work["groupID"]))["code"] == 10007
    assert (await erin.fails("chat.searchGroupByID(a)", work["groupID"]))["code"] == 10007
    meeting = await create_group(alice, [], "ChatRoom", "Standup")
    joined = await erin.ok("chat.joinGroup({groupID: a})", meeting["groupID"])
    assert joined["status"] == "JoinedSuccess" and joined["group"]["selfInfo"]["role"] == "Member"
    closed = await create_group(alice, [], "Public", "Closed", joinOption="DisableApply")
    assert (await erin.fails("chat.joinGroup({groupID: a})", closed["groupID"]))["code"] == 10007
    assert (await erin.fails("chat.searchGroupByID('@TGS#nothing')"))["code"] == 10010


async def test_quit_kick_and_dismiss(server: RunningServer, open_chat: Open) -> None:
    alice = await open_chat("alice")
    bob = await open_chat("bob")
    carol = await open_chat("carol")
    dave = await open_chat("dave")
    gid = (await create_group(alice, ["bob", "carol", "dave"]))["groupID"]
    cid = "GROUP" + gid
    for tab in (bob, carol, dave):
        await conversation(tab, cid, lambda c: c is not None)
    await alice.drain(RECEIVED)

    # bob leaves: his list and conversation lose the group; the others see a tip
    assert await bob.ok("chat.quitGroup(a)", gid) == {"groupID": gid}
    assert gid not in await groups(bob, lambda ids: gid not in ids)
    await conversation(bob, cid, lambda c: c is None)
    left = await tip(alice, 2)
    assert left["payload"]["userIDList"] == ["bob"] and left["conversationID"] == cid
    # a tip is the conversation's last message, never an unread one
    conv = await conversation(
        alice, cid, lambda c: c is not None and (c["lastMessage"] or {}).get("ID") == left["ID"]
    )
    assert conv is not None and conv["unreadCount"] == 0

    # only the owner or admins remove members; carol is removed
    assert (await dave.fails("chat.deleteGroupMember({groupID: a, userIDList: ['carol']})", gid))[
        "code"
    ] == 10007
    removed = await alice.ok("chat.deleteGroupMember({groupID: a, userIDList: ['carol']})", gid)
    assert removed["userIDList"] == ["carol"] and removed["group"]["memberCount"] == 2
    assert gid not in await groups(carol, lambda ids: gid not in ids)
    await conversation(carol, cid, lambda c: c is None)
    kicked = await tip(dave, 3)
    assert kicked["payload"]["userIDList"] == ["carol"]
    assert kicked["payload"]["operatorID"] == "alice"
    err = await carol.fails(
        "chat.sendMessage(chat.createTextMessage({to: a, conversationType: 'GROUP',"
        " payload: {text: 'still here?'}}))",
        gid,
    )
    assert err["code"] == 10007

    # the owner cannot quit; only the owner dismisses
    assert (await alice.fails("chat.quitGroup(a)", gid))["code"] == 10009
    assert (await dave.fails("chat.dismissGroup(a)", gid))["code"] == 10007
    assert await alice.ok("chat.dismissGroup(a)", gid) == {"groupID": gid}
    for tab in (alice, dave):
        assert gid not in await groups(tab, lambda ids: gid not in ids)
        await conversation(tab, cid, lambda c: c is None)
    assert (await dave.fails("chat.getGroupProfile({groupID: a})", gid))["code"] == 10010


async def test_members_roles_mute_and_profile(server: RunningServer, open_chat: Open) -> None:
    alice = await open_chat("alice")
    bob = await open_chat("bob")
    carol = await open_chat("carol")
    gid = (await create_group(alice, ["bob", "carol"], "Public", "Club"))["groupID"]
    cid = "GROUP" + gid
    for tab in (bob, carol):
        await conversation(tab, cid, lambda c: c is not None)

    page = await bob.ok("chat.getGroupMemberList({groupID: a, count: 100})", gid)
    assert [(m["userID"], m["role"]) for m in page["memberList"]] == [
        ("alice", "Owner"),
        ("bob", "Member"),
        ("carol", "Member"),
    ]
    assert page["offset"] == 0
    first = await bob.ok("chat.getGroupMemberList({groupID: a, count: 2})", gid)
    assert len(first["memberList"]) == 2 and first["offset"] == 2

    # the owner makes bob an admin: a tip, and bob's role
    assert (
        await carol.fails(
            "chat.setGroupMemberRole({groupID: a, userID: 'bob', role: 'Admin'})", gid
        )
    )["code"] == 10007
    data = await alice.ok(
        "chat.setGroupMemberRole({groupID: a, userID: 'bob', role: 'Admin'})", gid
    )
    assert data["member"]["role"] == "Admin"
    assert (await tip(carol, 4))["payload"]["userIDList"] == ["bob"]

    # the admin mutes carol: her sends fail with 10017 until unmuted
    muted = await bob.ok(
        "chat.setGroupMemberMuteTime({groupID: a, userID: 'carol', muteTime: 600})", gid
    )
    assert muted["member"]["muteUntil"] > time.time()
    mute_tip = await tip(alice, 7)
    assert mute_tip["payload"]["msgMemberInfo"][0]["userID"] == "carol"
    err = await carol.fails(
        "chat.sendMessage(chat.createTextMessage({to: a, conversationType: 'GROUP',"
        " payload: {text: 'muted?'}}))",
        gid,
    )
    assert err["code"] == 10017
    await bob.ok("chat.setGroupMemberMuteTime({groupID: a, userID: 'carol', muteTime: 0})", gid)
    await send_group(carol, gid, "free again")

    # name cards, and the group profile (owner/admin only)
    card = await carol.ok("chat.setGroupMemberNameCard({groupID: a, nameCard: 'Caz'})", gid)
    assert card["member"]["nameCard"] == "Caz"
    profile = await alice.ok(
        "chat.getGroupMemberProfile({groupID: a, userIDList: ['carol', 'nobody']})", gid
    )
    assert [(m["userID"], m["nameCard"]) for m in profile["memberList"]] == [("carol", "Caz")]
    assert (await carol.fails("chat.updateGroupProfile({groupID: a, name: 'Mine'})", gid))[
        "code"
    ] == 10007
    updated = await bob.ok("chat.updateGroupProfile({groupID: a, notification: 'Meet at 9'})", gid)
    assert updated["group"]["notification"] == "Meet at 9"
    changed = await tip(carol, 6)
    assert changed["payload"]["newGroupProfile"]["notification"] == "Meet at 9"
    assert (await carol.ok("chat.getGroupProfile({groupID: a})", gid))["group"][
        "notification"
    ] == "Meet at 9"
    assert (await alice.ok("chat.getGroupOnlineMemberCount(a)", gid))["memberCount"] == 3

    # the owner hands the group to bob
    handed = await alice.ok("chat.changeGroupOwner({groupID: a, newOwnerID: 'bob'})", gid)
    assert handed["group"]["ownerID"] == "bob" and handed["group"]["selfInfo"]["role"] == "Member"
    assert (await alice.ok("chat.quitGroup(a)", gid))["groupID"] == gid


async def test_group_read_receipts(server: RunningServer, open_chat: Open) -> None:
    alice = await open_chat("alice")
    bob = await open_chat("bob")
    await server.import_users("carol")
    gid = (await create_group(alice, ["bob", "carol"]))["groupID"]
    cid = "GROUP" + gid
    await conversation(bob, cid, lambda c: c is not None)
    sent = await send_group(alice, gid, "please read", receipt=True, key="r")
    assert sent["needReadReceipt"] is True
    await received(bob, 1)

    await bob.ok("chat.setMessageRead({conversationID: a})", cid)
    [receipt] = await alice.until(RECEIPT, sent["ID"])
    assert receipt["groupID"] == gid and receipt["messageID"] == sent["ID"]
    assert (receipt["readCount"], receipt["unreadCount"]) == (1, 1)  # bob read, carol did not
    assert await alice.js("return T.msgs.r.readReceiptInfo;") == {"readCount": 1, "unreadCount": 1}
    listed = await alice.ok("chat.getMessageReadReceiptList([T.msgs.r])")
    assert listed["messageList"][0]["readReceiptInfo"] == {"readCount": 1, "unreadCount": 1}
    read = await alice.ok("chat.getGroupMessageReadMemberList({message: T.msgs.r, filter: 0})")
    assert read["readUserIDList"] == ["bob"] and read["isCompleted"] is True
    unread = await alice.ok("chat.getGroupMessageReadMemberList({message: T.msgs.r, filter: 1})")
    assert unread["unreadUserIDList"] == ["carol"]


# ------------------------------------------------------------------- reconnect


async def test_resume_after_reconnect_with_group_cursors(
    server: RunningServer, open_chat: Open
) -> None:
    alice = await open_chat("alice")
    carol = await open_chat("carol")
    bob = await open_chat("bob")
    gid = (await create_group(alice, ["bob", "carol"]))["groupID"]
    cid = "GROUP" + gid
    await conversation(bob, cid, lambda c: c is not None)
    before = await send_group(alice, gid, "before")
    await received(bob, 1)
    await read_all(bob, cid)
    # record the frames bob's SDK sends from now on
    await bob.js(
        "T.sent = []; const send = WebSocket.prototype.send;"
        " WebSocket.prototype.send = function (d) { T.sent.push(String(d)); return send.call(this, d); };"
    )
    await bob.drain(NET)
    # bob's reconnect waits for the test, not for a timer (a busy machine can take
    # longer than any backoff to send what follows)
    await bob.js(
        "T.gates = []; T.sleep = chat._sleep;"
        " chat._sleep = () => new Promise((resolve) => T.gates.push(resolve));"
    )

    assert drop_connections(server, "bob") == 1
    assert (await bob.next(NET))["state"] == "connecting"
    # a busy group while bob is away, and a group he is added to meanwhile
    for i in range(6):
        await send_group(alice if i % 2 else carol, gid, f"away {i}")
    other = (await create_group(carol, ["bob"], name="Other"))["groupID"]
    await send_group(carol, other, "in the other group")
    assert await bob.js("return chat.getNetState();") == "connecting"
    await bob.js("chat._sleep = T.sleep; T.gates.forEach((go) => go());")

    assert (await bob.next(NET))["state"] == "connected"
    got = await received(bob, 7)
    mine = [m for m in got if m["conversationID"] == cid]
    assert texts(mine) == [f"away {i}" for i in range(6)]
    assert [m["sequence"] for m in mine] == sorted(m["sequence"] for m in mine)
    assert [m for m in got if m["conversationID"] == "GROUP" + other][0]["payload"] == {
        "text": "in the other group"
    }
    assert len({m["ID"] for m in got}) == 7
    assert [m for batch in await bob.drain(RECEIVED) for m in batch if m["type"] != TIP] == []
    await marker_first(server, bob)  # nothing twice
    # the login resumed from the group's cursor (the last message bob had)
    logins = await bob.js(
        "return T.sent.map((s) => JSON.parse(s)).filter((f) => f.op === 'login').map((f) => f.data);"
    )
    assert len(logins) == 1
    assert logins[0]["groupCursors"][gid] >= before["sequence"]
    assert logins[0]["groupCursors"][gid] < mine[0]["sequence"]
    assert "cursor" in logins[0]
    assert gid in await groups(bob, lambda ids: other in ids)
    conv = await conversation(bob, cid, lambda c: c is not None and c["unreadCount"] == 6)
    assert conv is not None and conv["lastMessage"]["payload"] == {"text": "away 5"}
    cursors = await bob.js("return Object.fromEntries(chat._sess.groupCursors);")
    assert cursors[gid] == mine[-1]["sequence"]

    # a second drop resumes after what was caught up: nothing again
    await bob.drain(NET)
    drop_connections(server, "bob")
    assert (await bob.next(NET))["state"] == "connecting"
    assert (await bob.next(NET))["state"] == "connected"
    await send_group(alice, gid, "after")  # the first message after the resume
    assert texts(await received(bob, 1)) == ["after"]


async def test_live_room_is_joined_again_after_reconnect(
    server: RunningServer, open_chat: Open
) -> None:
    alice = await open_chat("alice")
    bob = await open_chat("bob", reconnectDelay=300)
    room = await create_group(alice, [], "AVChatRoom", "Live")
    gid = room["groupID"]
    joined = await bob.ok("chat.joinGroup({groupID: a})", gid)
    assert joined["status"] == "JoinedSuccess" and joined["group"]["type"] == "AVChatRoom"
    first = await send_group(alice, gid, "welcome")
    [got] = await received(bob, 1)
    assert got["ID"] == first["ID"] and got["conversationID"] == "GROUP" + gid

    await bob.drain(NET)
    assert drop_connections(server, "bob") == 1
    assert (await bob.next(NET))["state"] == "connecting"
    assert (await bob.next(NET))["state"] == "connected"

    # the SDK joins the room again by itself: live messages keep coming
    async def rejoined() -> bool:  # the rejoin follows the reconnect's catch-up
        online = await alice.ok("chat.getGroupOnlineMemberCount(a)", gid)
        return bool(online["memberCount"] >= 2)

    await eventually(rejoined, "bob to join the room again")
    again = await send_group(alice, gid, "still live?")
    [got] = await received(bob, 1)
    assert got["ID"] == again["ID"]
    # a live room is no conversation, and after leaving it nothing comes
    convs = (await bob.ok("chat.getConversationList()"))["conversationList"]
    assert "GROUP" + gid not in [c["conversationID"] for c in convs]
    await bob.ok("chat.quitGroup(a)", gid)
    await send_group(alice, gid, "bye")
    await marker_first(server, bob)  # "bye" would have come first
