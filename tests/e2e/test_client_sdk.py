"""The Python SDK (``palaver.client``) end to end, against a real server on a free port.

Every wait is bounded: events are awaited through queues fed by listeners, with
timeouts. No fixed sleeps: that something does *not* happen (no echo, no
reconnect after a kick) is shown by a later marker that arrives first, or by
the SDK's session having ended (its supervisor gone: nothing left to reconnect).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial
from typing import Any

import pytest

from conftest import RunningServer
from palaver.api.ws import OPS
from palaver.client import EVENT, TYPES, Chat, ChatError, Conversation, Message
from palaver.usersig import gen_usersig_v2
from support.waiting import eventually

WAIT = 5.0  # seconds any single expected event may take

ALL_EVENTS = [v for k, v in vars(EVENT).items() if k.isupper()]
HAVE_SNS_OPS = all(
    op in OPS
    for op in (
        "getMyProfile",
        "getUserProfile",
        "updateMyProfile",
        "getFriendList",
        "addFriend",
        "deleteFriend",
        "checkFriend",
        "getFriendApplicationList",
        "acceptFriendApplication",
        "refuseFriendApplication",
        "getBlacklist",
        "addToBlacklist",
        "removeFromBlacklist",
    )
)


def test_profile_friend_and_blacklist_ops_are_served() -> None:
    """The SDK's relationship tests below need these ops (a condition, never a skip)."""
    assert HAVE_SNS_OPS


class Recorder:
    """Every event of one :class:`Chat`, queued per event name, plus one ordered log."""

    def __init__(self, chat: Chat) -> None:
        self.chat = chat
        self.queues: dict[str, asyncio.Queue[Any]] = {e: asyncio.Queue() for e in ALL_EVENTS}
        self.log: list[tuple[str, Any]] = []
        for name in ALL_EVENTS:
            chat.on(name, partial(self._put, name))

    def _put(self, name: str, data: Any) -> None:
        self.queues[name].put_nowait(data)
        self.log.append((name, data))

    async def next(self, name: str, within: float = WAIT) -> Any:
        """The next ``name`` event's data (fails after ``within`` seconds)."""
        return await asyncio.wait_for(self.queues[name].get(), within)

    async def until(self, name: str, pred: Callable[[Any], bool], within: float = WAIT) -> Any:
        """Skip ``name`` events until one satisfies ``pred``; its data."""

        async def scan() -> Any:
            while True:
                data = await self.queues[name].get()
                if pred(data):
                    return data

        return await asyncio.wait_for(scan(), within)

    def drain(self, name: str) -> list[Any]:
        """The ``name`` events queued so far (without waiting)."""
        out = []
        while not self.queues[name].empty():
            out.append(self.queues[name].get_nowait())
        return out

    async def messages(self, n: int, within: float = WAIT) -> list[Message]:
        """Exactly the next ``n`` received messages (MESSAGE_RECEIVED comes in batches)."""
        got: list[Message] = []

        async def collect() -> None:
            while len(got) < n:
                got.extend(await self.queues[EVENT.MESSAGE_RECEIVED].get())

        await asyncio.wait_for(collect(), within)
        assert len(got) == n, f"expected {n} messages, got {got}"
        return got

    async def unread_total(self, value: int) -> None:
        """Wait for TOTAL_UNREAD_MESSAGE_COUNT_UPDATED to report ``value``."""
        await self.until(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, lambda n: n == value)

    async def conversation(
        self, cid: str, pred: Callable[[Conversation], bool] = lambda c: True
    ) -> Conversation:
        """Wait for a CONVERSATION_LIST_UPDATED whose ``cid`` entry satisfies ``pred``."""

        def match(convs: list[Conversation]) -> bool:
            return any(c.conversation_id == cid and pred(c) for c in convs)

        convs = await self.until(EVENT.CONVERSATION_LIST_UPDATED, match)
        return next(c for c in convs if c.conversation_id == cid)


Connect = Callable[..., Awaitable[tuple[Chat, Recorder]]]


@pytest.fixture
async def connect(server: RunningServer) -> AsyncIterator[Connect]:
    """``await connect(user, platform=..., **chat_options)`` -> a logged-in Chat and its
    Recorder (listeners registered before login); all are logged out afterwards."""
    chats: list[Chat] = []

    async def make(
        user: str, *, platform: str = "Python", sig: str | None = None, **options: Any
    ) -> tuple[Chat, Recorder]:
        chat = Chat.create(server.app.sdkappid, server.url, platform=platform, **options)
        rec = Recorder(chat)
        chats.append(chat)
        await chat.login(user_id=user, user_sig=sig or server.sig(user))
        return chat, rec

    yield make
    for chat in chats:
        await chat.logout()
    # a logged-out SDK leaves no task of its own behind
    left = [t.get_name() for t in asyncio.all_tasks() if t.get_name().startswith("chat-")]
    assert left == []


def text_of(msgs: list[Message]) -> list[str]:
    return [m.payload.get("text", "") for m in msgs]


async def send_text(chat: Chat, to: str, text: str, **kw: Any) -> Message:
    return await chat.send_message(chat.create_text_message(to=to, payload={"text": text}), **kw)


def rest_text(frm: str, to: str, text: str, random: int = 7, **extra: Any) -> dict[str, Any]:
    return {
        "From_Account": frm,
        "To_Account": to,
        "MsgRandom": random,
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}],
        **extra,
    }


# --------------------------------------------------------------------------- basics


def test_constants_have_tencents_names_and_values() -> None:
    assert EVENT.SDK_READY == "sdkStateReady"
    assert EVENT.SDK_NOT_READY == "sdkStateNotReady"
    assert EVENT.MESSAGE_RECEIVED == "onMessageReceived"
    assert EVENT.MESSAGE_REVOKED == "onMessageRevoked"
    assert EVENT.MESSAGE_READ_BY_PEER == "onMessageReadByPeer"
    assert EVENT.CONVERSATION_LIST_UPDATED == "onConversationListUpdated"
    assert EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED == "onTotalUnreadMessageCountUpdated"
    assert EVENT.PROFILE_UPDATED == "onProfileUpdated"
    assert EVENT.FRIEND_LIST_UPDATED == "onFriendListUpdated"
    assert EVENT.FRIEND_APPLICATION_LIST_UPDATED == "onFriendApplicationListUpdated"
    assert EVENT.BLACKLIST_UPDATED == "blacklistUpdated"
    assert EVENT.KICKED_OUT == "kickedOut"
    assert EVENT.NET_STATE_CHANGE == "netStateChange"
    assert EVENT.ERROR == "error"
    assert (TYPES.CONV_C2C, TYPES.CONV_GROUP) == ("C2C", "GROUP")
    assert TYPES.MSG_TEXT == "TIMTextElem" and TYPES.MSG_AUDIO == "TIMSoundElem"
    assert TYPES.MSG_VIDEO == "TIMVideoFileElem"
    assert TYPES.KICKED_OUT_MULT_ACCOUNT == "multipleAccount"
    assert TYPES.KICKED_OUT_MULT_DEVICE == "multipleDevice"
    assert TYPES.KICKED_OUT_REST_API == "REST_API_Kick"
    assert TYPES.NET_STATE_CONNECTING == "connecting"
    assert TYPES.SNS_ADD_TYPE_BOTH == "Add_Type_Both"
    assert TYPES.ALLOW_TYPE_NEED_CONFIRM == "AllowType_Type_NeedConfirm"


async def test_create_message_validates_locally(server: RunningServer) -> None:
    chat = Chat(sdk_app_id=server.app.sdkappid, server=server.url)
    msg = chat.create_text_message(
        to="bob", conversation_type=TYPES.CONV_C2C, payload={"text": "x"}
    )
    assert msg.status == "unSend" and msg.conversation_id == "C2Cbob" and 0 <= msg.random < 2**32
    assert msg.msg_body == [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "x"}}]
    with pytest.raises(ChatError) as err:
        chat.create_text_message(to="bob", payload={"txt": "x"})
    assert err.value.code == 6017
    with pytest.raises(ChatError) as err:
        chat.create_text_message(to="", payload={"text": "x"})
    assert err.value.code == 6017
    with pytest.raises(ChatError) as err:  # not logged in
        await chat.send_message(msg)
    assert err.value.code == 6014
    with pytest.raises(ChatError) as err:
        await chat.get_conversation_list()
    assert err.value.code == 6014


async def test_two_users_chat_in_real_time(server: RunningServer, connect: Connect) -> None:
    await server.import_users("alice", "bob")
    ready_seen_before_login_returned: list[bool] = []
    alice, a = await connect("alice")
    bob = Chat(sdk_app_id=server.app.sdkappid, server=server.url)
    b = Recorder(bob)
    bob.on(EVENT.SDK_READY, lambda _: ready_seen_before_login_returned.append(True))
    await bob.login(user_id="bob", user_sig=server.sig("bob"))
    try:
        assert ready_seen_before_login_returned == [True]  # login returns once SDK_READY
        assert bob.is_ready() and bob.get_login_user() == "bob"
        assert (await a.next(EVENT.NET_STATE_CHANGE))["state"] == "connecting"
        assert (await a.next(EVENT.NET_STATE_CHANGE))["state"] == "connected"

        msg = alice.create_text_message(
            to="bob", conversation_type=TYPES.CONV_C2C, payload={"text": "hi bob"}
        )
        msg.cloud_custom_data = '{"k": 1}'
        sent = await alice.send_message(msg)
        assert sent is msg
        assert sent.status == "success" and sent.id and sent.sequence > 0
        assert abs(sent.time - time.time()) < 5 and sent.flow == "out"

        [got] = await b.messages(1)
        assert got.id == sent.id and got.sequence == sent.sequence and got.time == sent.time
        assert (got.from_, got.sender, got.to, got.flow) == ("alice", "alice", "bob", "in")
        assert got.conversation_id == "C2Calice" and got.conversation_type == "C2C"
        assert got.type == TYPES.MSG_TEXT and got.payload == {"text": "hi bob"}
        assert got.cloud_custom_data == '{"k": 1}' and not got.is_read and not got.is_revoked
        assert got.msg_body == [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi bob"}}]

        reply = await send_text(bob, "alice", "hi alice")
        [back] = await a.messages(1)
        assert back.id == reply.id and back.payload == {"text": "hi alice"}
        assert back.conversation_id == "C2Cbob" and back.flow == "in"
    finally:
        await bob.logout()
    assert (await b.until(EVENT.SDK_NOT_READY, lambda _: True)) == {"name": EVENT.SDK_NOT_READY}
    assert bob.get_login_user() == "" and not bob.is_ready()


async def test_every_message_type_arrives_with_its_payload(
    server: RunningServer, connect: Connect
) -> None:
    await server.import_users("alice", "bob")
    alice, _ = await connect("alice")
    _, b = await connect("bob")
    kw: dict[str, Any] = {"to": "bob", "conversation_type": TYPES.CONV_C2C}
    made = [
        alice.create_text_message(payload={"text": "t"}, **kw),
        alice.create_face_message(payload={"index": 3, "data": "smile"}, **kw),
        alice.create_location_message(
            payload={"description": "here", "longitude": 113.9, "latitude": 22.5}, **kw
        ),
        alice.create_custom_message(
            payload={"data": "d", "description": "desc", "extension": "ext"}, **kw
        ),
        alice.create_image_message(
            payload={"url": "https://img.example/a.png", "width": 64, "height": 48, "size": 99},
            **kw,
        ),
        alice.create_file_message(
            payload={"url": "https://f.example/a.pdf", "fileName": "a.pdf", "fileSize": 10}, **kw
        ),
        alice.create_audio_message(
            payload={"url": "https://f.example/a.mp3", "second": 4, "size": 1000}, **kw
        ),
        alice.create_video_message(
            payload={"url": "https://f.example/a.mp4", "videoSecond": 9, "thumbUrl": "t.jpg"},
            **kw,
        ),
    ]
    for m in made:
        await alice.send_message(m)
    got = await b.messages(len(made))
    assert [m.type for m in got] == [
        TYPES.MSG_TEXT,
        TYPES.MSG_FACE,
        TYPES.MSG_LOCATION,
        TYPES.MSG_CUSTOM,
        TYPES.MSG_IMAGE,
        TYPES.MSG_FILE,
        TYPES.MSG_AUDIO,
        TYPES.MSG_VIDEO,
    ]
    assert got[1].payload == {"index": 3, "data": "smile"}
    assert got[2].payload == {"description": "here", "longitude": 113.9, "latitude": 22.5}
    assert got[3].payload == {"data": "d", "description": "desc", "extension": "ext"}
    image = got[4].payload["imageInfoArray"][0]
    assert image["url"] == "https://img.example/a.png" and image["width"] == 64
    assert got[5].payload["fileUrl"] == "https://f.example/a.pdf"
    assert got[5].payload["fileName"] == "a.pdf"
    assert got[6].payload["url"] == "https://f.example/a.mp3" and got[6].payload["second"] == 4
    assert got[7].payload["videoUrl"] == "https://f.example/a.mp4"
    assert got[7].payload["thumbUrl"] == "t.jpg"
    assert [m.id for m in got] == [m.id for m in made]


async def test_send_errors_mark_the_message_failed(server: RunningServer, connect: Connect) -> None:
    await server.import_users("alice")
    alice, _ = await connect("alice")
    msg = alice.create_text_message(to="nobody", payload={"text": "?"})
    with pytest.raises(ChatError) as err:
        await alice.send_message(msg)
    assert err.value.code == 20003  # receiver not imported
    assert msg.status == "fail"
    with pytest.raises(ChatError) as err:
        await alice.send_message(
            alice.create_text_message(to="alice", payload={"text": "x" * 9000})
        )
    assert err.value.code == 80002  # body larger than 8 KB

    await server.import_users("nobody")
    again = await alice.resend_message(msg)  # same message object, now stored
    assert again is msg and msg.status == "success" and msg.sequence > 0
    with pytest.raises(ChatError) as err:
        await alice.resend_message(msg)
    assert err.value.code == 6017


async def test_resend_with_the_same_random_is_stored_once(
    server: RunningServer, connect: Connect
) -> None:
    """An app that lost a send's answer resends it: the server answers the stored copy."""
    await server.import_users("alice", "bob")
    alice, _ = await connect("alice")
    bob, b = await connect("bob")
    first = await send_text(alice, "bob", "once")
    retry = alice.create_text_message(to="bob", payload={"text": "once"})
    retry.random = first.random
    retry.status = "fail"  # as after a 2800/2801 failure
    again = await alice.resend_message(retry)
    assert again.id == first.id and again.sequence == first.sequence
    await send_text(alice, "bob", "next")
    got = await b.messages(2)
    assert text_of(got) == ["once", "next"]
    page = await bob.get_message_list(conversation_id="C2Calice")
    assert text_of(page.message_list) == ["once", "next"]


# ----------------------------------------------------------------- several devices


async def test_several_devices_and_three_users(server: RunningServer, connect: Connect) -> None:
    await server.import_users("alice", "bob", "carol")
    phone, p = await connect("alice", platform="Android")
    laptop, lap = await connect("alice", platform="Web")
    bob, b = await connect("bob")
    carol, c = await connect("carol")

    sent = await send_text(phone, "bob", "from my phone")
    [on_laptop] = await lap.messages(1)
    assert on_laptop.id == sent.id and on_laptop.flow == "out"
    assert (on_laptop.from_, on_laptop.to, on_laptop.conversation_id) == ("alice", "bob", "C2Cbob")
    conv = await lap.conversation("C2Cbob", lambda cv: cv.last_message is not None)
    assert conv.last_message is not None and conv.last_message.id == sent.id
    assert conv.unread_count == 0  # my own messages are never unread
    [on_bob] = await b.messages(1)
    assert on_bob.id == sent.id and on_bob.flow == "in"

    # carol writes to alice: both of alice's devices get it, bob does not
    from_carol = await send_text(carol, "alice", "hello alice")
    for rec in (p, lap):
        [m] = await rec.messages(1)
        assert m.id == from_carol.id and m.flow == "in" and m.conversation_id == "C2Ccarol"
        await rec.unread_total(1)
    # the sending phone got no echo of its own message: carol's is the first it saw
    assert p.drain(EVENT.MESSAGE_RECEIVED) == []
    # bob never gets carol's message to alice, carol no echo of hers: a later
    # marker to each is the next message they see
    for by, rec, to in ((carol, b, "bob"), (bob, c, "carol")):
        marker = await send_text(by, to, "marker")
        assert [m.id for m in await rec.messages(1)] == [marker.id]

    # the phone's conversation list shows both conversations (the server orders
    # by last message time in seconds: same-second ties are not ordered by arrival)
    convs = {cv.conversation_id: cv for cv in await phone.get_conversation_list()}
    assert {cid: cv.unread_count for cid, cv in convs.items()} == {"C2Ccarol": 1, "C2Cbob": 0}
    assert convs["C2Ccarol"].user_profile.get("userID") == "carol"
    last = convs["C2Cbob"].last_message
    assert last is not None and last.id == sent.id and last.flow == "out"

    # reading on the laptop clears the phone's unread count too
    await laptop.set_message_read(conversation_id="C2Ccarol")
    await lap.unread_total(0)
    await p.unread_total(0)
    assert await phone.get_total_unread_message_count() == 0
    assert [cv.unread_count for cv in phone.conversations] == [0, 0]


async def test_rest_and_client_sends_mix(server: RunningServer, connect: Connect) -> None:
    await server.import_users("alice", "bob")
    alice, a = await connect("alice")
    bob, b = await connect("bob")
    await server.ok("openim", "sendmsg", rest_text("alice", "bob", "via REST", SyncOtherMachine=1))
    [got] = await b.messages(1)
    assert got.payload == {"text": "via REST"} and got.from_ == "alice" and got.flow == "in"
    [mine] = await a.messages(1)  # the REST send is alice's too: her SDK sees it as "out"
    assert mine.id == got.id and mine.flow == "out"
    reply = await send_text(bob, "alice", "via SDK")
    [back] = await a.messages(1)
    assert back.id == reply.id
    await server.ok("openim", "sendmsg", rest_text("bob", "alice", "REST again", random=8))
    [again] = await a.messages(1)
    assert again.payload == {"text": "REST again"} and again.from_ == "bob"
    page = await alice.get_message_list(conversation_id="C2Cbob")
    assert text_of(page.message_list) == ["via REST", "via SDK", "REST again"]
    assert [m.flow for m in page.message_list] == ["out", "in", "in"]
    await a.unread_total(2)


async def test_online_only_messages_reach_only_online_devices(
    server: RunningServer, connect: Connect
) -> None:
    await server.import_users("alice", "bob", "carol")
    alice, _ = await connect("alice")
    bob, b = await connect("bob")
    typing = alice.create_custom_message(to="bob", payload={"data": "typing"})
    sent = await alice.send_message(typing, online_user_only=True)
    assert sent.status == "success" and sent.sequence == 0
    [got] = await b.messages(1)
    assert got.payload["data"] == "typing" and got.from_ == "alice"
    # not stored: no history, no conversation, no unread
    assert (await bob.get_message_list(conversation_id="C2Calice")).message_list == []
    assert await bob.get_total_unread_message_count() == 0
    # carol is offline: a later login does not get it
    await alice.send_message(
        alice.create_custom_message(to="carol", payload={"data": "typing"}), online_user_only=True
    )
    carol, c = await connect("carol")
    assert (await carol.get_message_list(conversation_id="C2Calice")).message_list == []
    assert c.drain(EVENT.MESSAGE_RECEIVED) == []


# ---------------------------------------------------------------- history, unread


async def test_history_paging(server: RunningServer, connect: Connect) -> None:
    await server.import_users("alice", "bob")
    alice, _ = await connect("alice")
    bob, b = await connect("bob")
    texts = [f"m{i:02d}" for i in range(35)]
    for t in texts:
        await send_text(alice, "bob", t)
    await b.messages(35)

    page = await bob.get_message_list(
        conversation_id="C2Calice", next_req_message_id=None, count=15
    )
    assert text_of(page.message_list) == texts[20:]  # the newest 15, oldest first
    assert not page.is_completed and page.next_req_message_id
    page2 = await bob.get_message_list(
        conversation_id="C2Calice", next_req_message_id=page.next_req_message_id, count=50
    )
    assert text_of(page2.message_list) == texts[5:20]  # count is capped at 15
    page3 = await bob.get_message_list(
        conversation_id="C2Calice", next_req_message_id=page2.next_req_message_id
    )
    assert text_of(page3.message_list) == texts[:5] and page3.is_completed
    seqs = [m.sequence for m in page3.message_list + page2.message_list + page.message_list]
    assert seqs == sorted(seqs) and len(set(seqs)) == 35
    small = await bob.get_message_list(conversation_id="C2Calice", count=4)
    assert text_of(small.message_list) == texts[-4:]
    # alice pages the same conversation from her side
    mine = await alice.get_message_list(conversation_id="C2Cbob")
    assert text_of(mine.message_list) == texts[20:]
    assert all(m.flow == "out" and m.is_read for m in mine.message_list)


async def test_unread_counts_and_read_receipts(server: RunningServer, connect: Connect) -> None:
    await server.import_users("alice", "bob")
    alice, a = await connect("alice")
    bob, b = await connect("bob")
    bob2, b2 = await connect("bob", platform="iOS")
    sent = [await send_text(alice, "bob", f"n{i}") for i in range(3)]

    await b.unread_total(3)
    await b2.unread_total(3)
    conv = await b.conversation("C2Calice", lambda cv: cv.unread_count == 3)
    assert conv.last_message is not None and conv.last_message.id == sent[-1].id
    assert await bob.get_total_unread_message_count() == 3
    profile = await bob.get_conversation_profile("C2Calice")
    assert profile.unread_count == 3 and profile.user_profile["userID"] == "alice"
    received = await b.messages(3)
    assert not any(m.is_read for m in received)

    await bob.set_message_read(conversation_id="C2Calice")
    await b.unread_total(0)
    await b2.unread_total(0)  # bob's other device follows
    assert all(m.is_read for m in received)
    assert await bob.get_total_unread_message_count() == 0

    receipt = await a.next(EVENT.MESSAGE_READ_BY_PEER)
    assert receipt["conversationID"] == "C2Cbob" and receipt["userID"] == "bob"
    assert receipt["readSequence"] == sent[-1].sequence
    assert {m.id for m in receipt["messageList"]} == {m.id for m in sent}
    assert all(m.is_peer_read for m in sent)  # alice's own message objects are updated
    history = await alice.get_message_list(conversation_id="C2Cbob")
    assert all(m.is_peer_read for m in history.message_list)
    conv = await a.conversation("C2Cbob", lambda cv: cv.peer_read_sequence == sent[-1].sequence)
    assert conv.last_message is not None and conv.last_message.is_peer_read

    # new messages after the read count again
    await send_text(alice, "bob", "later")
    await b.unread_total(1)


async def test_offline_messages_show_in_the_list_at_sdk_ready(
    server: RunningServer, connect: Connect
) -> None:
    await server.import_users("alice", "bob")
    alice, _ = await connect("alice")
    for i in range(3):
        await send_text(alice, "bob", f"while you were out {i}")
    bob, b = await connect("bob")
    ready = await b.next(EVENT.SDK_READY, within=0.1)  # already emitted by login()
    assert ready == {"name": EVENT.SDK_READY}
    convs = await b.next(EVENT.CONVERSATION_LIST_UPDATED, within=0.1)
    assert [(cv.conversation_id, cv.unread_count) for cv in convs] == [("C2Calice", 3)]
    assert convs[0].last_message is not None
    assert convs[0].last_message.payload == {"text": "while you were out 2"}
    assert await b.next(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, within=0.1) == 3
    # the order of the first events: ready, then the list and the total
    names = [n for n, _ in b.log if n != EVENT.NET_STATE_CHANGE]
    assert names[:3] == [
        EVENT.SDK_READY,
        EVENT.CONVERSATION_LIST_UPDATED,
        EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED,
    ]


async def test_pin_and_delete_conversations_across_devices(
    server: RunningServer, connect: Connect
) -> None:
    await server.import_users("alice", "bob", "carol")
    alice, _ = await connect("alice")
    carol, _ = await connect("carol")
    bob, b = await connect("bob")
    bob2, b2 = await connect("bob", platform="Mac")
    await send_text(alice, "bob", "a1")
    await send_text(carol, "bob", "c1")
    await b2.conversation("C2Ccarol")
    convs = await bob.get_conversation_list()
    assert sorted(cv.conversation_id for cv in convs) == ["C2Calice", "C2Ccarol"]

    await bob.pin_conversation(conversation_id="C2Calice", is_pinned=True)
    convs = await bob.get_conversation_list()
    assert [(cv.conversation_id, cv.is_pinned) for cv in convs] == [
        ("C2Calice", True),
        ("C2Ccarol", False),
    ]
    # the other device hears of it
    pinned = await b2.conversation("C2Calice", lambda cv: cv.is_pinned)
    assert pinned.is_pinned
    # a new message does not move an unpinned conversation above a pinned one
    await send_text(carol, "bob", "c2")
    convs = await b2.until(
        EVENT.CONVERSATION_LIST_UPDATED,
        lambda cs: any(
            cv.conversation_id == "C2Ccarol"
            and cv.last_message is not None
            and cv.last_message.payload == {"text": "c2"}
            for cv in cs
        ),
    )
    assert [cv.conversation_id for cv in convs] == ["C2Calice", "C2Ccarol"]

    b2.drain(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED)
    await bob.delete_conversation("C2Ccarol")
    assert [cv.conversation_id for cv in await bob.get_conversation_list()] == ["C2Calice"]
    await b2.until(
        EVENT.CONVERSATION_LIST_UPDATED,
        lambda cs: [cv.conversation_id for cv in cs] == ["C2Calice"],
    )
    await b2.unread_total(1)  # only alice's message is still unread
    # deleting cleared the history: carol's messages are gone for bob
    assert (await bob.get_message_list(conversation_id="C2Ccarol")).message_list == []
    with pytest.raises(ChatError) as err:
        await bob.get_conversation_profile("C2Cdave")
    assert err.value.code == 6017
    with pytest.raises(ChatError):
        await bob.pin_conversation(conversation_id="C2Cdave", is_pinned=True)


# ------------------------------------------------------------------------- recall


async def test_recall_within_the_window_and_20016_after(
    server: RunningServer, connect: Connect
) -> None:
    await server.import_users("alice", "bob")
    alice, a = await connect("alice", platform="Android")
    alice2, a2 = await connect("alice", platform="Web")
    bob, b = await connect("bob")
    sent = await send_text(alice, "bob", "oops")
    [seen] = await b.messages(1)
    await a2.messages(1)

    recalled = await alice.revoke_message(sent)
    assert recalled is sent and sent.is_revoked
    [gone] = await b.next(EVENT.MESSAGE_REVOKED)
    assert gone is seen and seen.is_revoked  # bob's message object is marked in place
    assert gone.id == sent.id and gone.conversation_id == "C2Calice"
    [gone2] = await a2.next(EVENT.MESSAGE_REVOKED)  # alice's other device too
    assert gone2.id == sent.id and gone2.is_revoked
    conv = await b.conversation(
        "C2Calice", lambda cv: cv.last_message is not None and cv.last_message.is_revoked
    )
    assert conv.last_message is not None and conv.last_message.id == sent.id
    history = await bob.get_message_list(conversation_id="C2Calice")
    assert [(m.id, m.is_revoked) for m in history.message_list] == [(sent.id, True)]
    # the recalling device got its answer instead: a later message to alice is
    # processed with no MESSAGE_REVOKED before it
    await server.import_users("carol")
    carol, _ = await connect("carol")
    marker = await send_text(carol, "alice", "marker")
    assert [m.id for m in await a.messages(1)] == [marker.id]
    assert a.drain(EVENT.MESSAGE_REVOKED) == []

    await server.hub.apps.update_settings(server.app.sdkappid, recall_window=0)
    late = await send_text(alice2, "bob", "too late")
    fresh, _ = await connect("alice", platform="Linux")
    mine = (await fresh.get_message_list(conversation_id="C2Cbob")).message_list[-1]
    assert mine.id == late.id
    with pytest.raises(ChatError) as err:
        await fresh.revoke_message(mine)
    assert err.value.code == 20016
    assert not mine.is_revoked
    history = await bob.get_message_list(conversation_id="C2Calice")
    assert [m.is_revoked for m in history.message_list] == [True, False]


async def test_settings_changed_while_logged_in_apply(
    server: RunningServer, connect: Connect
) -> None:
    await server.import_users("alice", "bob")
    alice, _ = await connect("alice")
    await connect("bob")
    await server.hub.apps.update_settings(server.app.sdkappid, recall_window=0)
    late = await send_text(alice, "bob", "too late")
    with pytest.raises(ChatError) as err:
        await alice.revoke_message(late)
    assert err.value.code == 20016


async def test_reading_or_recalling_another_users_messages_is_refused(
    server: RunningServer, connect: Connect
) -> None:
    await server.import_users("alice", "bob", "carol")
    alice, _ = await connect("alice")
    bob, b = await connect("bob")
    carol, _ = await connect("carol")
    secret = await send_text(alice, "bob", "for bob only")
    [at_bob] = await b.messages(1)

    # carol cannot page alice<->bob using one of its message IDs
    for cid in ("C2Calice", "C2Cbob"):
        with pytest.raises(ChatError) as err:
            await carol.get_message_list(conversation_id=cid, next_req_message_id=secret.id)
        assert err.value.code == 6017
        assert (await carol.get_message_list(conversation_id=cid)).message_list == []
    # nor recall it, whatever conversation she names
    for cid in ("C2Calice", "C2Cbob"):
        forged = Message(id=secret.id, conversation_id=cid, from_="alice", to="bob")
        with pytest.raises(ChatError) as err:
            await carol.revoke_message(forged)
        assert err.value.code in (6017, 20002)
    # the receiver cannot recall the sender's message either
    with pytest.raises(ChatError) as err:
        await bob.revoke_message(at_bob)
    assert err.value.code in (6017, 20002)
    # nor mark read / pin someone else's conversation: only her own (empty) one
    await carol.set_message_read(conversation_id="C2Calice")
    assert await bob.get_total_unread_message_count() == 1
    history = await alice.get_message_list(conversation_id="C2Cbob")
    assert [(m.id, m.is_revoked, m.is_peer_read) for m in history.message_list] == [
        (secret.id, False, False)
    ]


# -------------------------------------------------------------------- kick-out


async def test_single_login_policy_kicks_the_first_device(
    server: RunningServer, connect: Connect
) -> None:
    await server.import_users("alice", "bob")
    await server.hub.apps.update_settings(server.app.sdkappid, login_policy="single")
    first, f = await connect("alice", platform="Android", reconnect_delay=0.05)
    second, s = await connect("alice", platform="Web")
    assert await f.next(EVENT.KICKED_OUT) == {"type": TYPES.KICKED_OUT_MULT_ACCOUNT}
    await f.until(EVENT.SDK_NOT_READY, lambda _: True)
    assert not first.is_ready() and first.get_login_user() == ""
    with pytest.raises(ChatError) as err:
        await send_text(first, "bob", "still there?")
    assert err.value.code == 6014
    # the kicked SDK does not reconnect (which would kick the second one back):
    # its session ended, with no supervisor left to try
    await session_ended(first)
    conns = server.hub.registry.connections(server.app.sdkappid, "alice")
    assert [c.platform for c in conns] == ["Web"]
    bob, _ = await connect("bob")
    await send_text(bob, "alice", "to the survivor")
    [m] = await s.messages(1)
    assert m.payload == {"text": "to the survivor"}
    assert s.drain(EVENT.KICKED_OUT) == [] and second.is_ready()  # no kick before it
    assert f.drain(EVENT.MESSAGE_RECEIVED) == []


async def test_same_platform_login_kicks_with_multiple_device(
    server: RunningServer, connect: Connect
) -> None:
    await server.import_users("alice")
    web1, w1 = await connect("alice", platform="Web", reconnect_delay=0.05)
    phone, ph = await connect("alice", platform="Android")
    web2, w2 = await connect("alice", platform="Web")
    assert await w1.next(EVENT.KICKED_OUT) == {"type": TYPES.KICKED_OUT_MULT_DEVICE}
    await session_ended(web1)
    # the others were not kicked: a later message reaches both, with no kick before it
    await server.import_users("bob")
    bob, _ = await connect("bob")
    marker = await send_text(bob, "alice", "marker")
    for rec in (ph, w2):
        assert [m.id for m in await rec.messages(1)] == [marker.id]
    assert ph.drain(EVENT.KICKED_OUT) == [] and w2.drain(EVENT.KICKED_OUT) == []
    assert phone.is_ready() and web2.is_ready() and not web1.is_ready()
    platforms = sorted(
        c.platform for c in server.hub.registry.connections(server.app.sdkappid, "alice")
    )
    assert platforms == ["Android", "Web"]


async def test_rest_kick_closes_every_device_and_voids_old_usersigs(
    server: RunningServer, connect: Connect
) -> None:
    await server.import_users("alice")
    old_sig = server.sig("alice", now=int(time.time()) - 10)
    one, o = await connect("alice", platform="Android", sig=old_sig, reconnect_delay=0.05)
    two, t = await connect("alice", platform="Web", sig=old_sig, reconnect_delay=0.05)
    await server.ok("im_open_login_svc", "kick", {"UserID": "alice"})
    for rec in (o, t):
        assert await rec.next(EVENT.KICKED_OUT) == {"type": TYPES.KICKED_OUT_REST_API}
        await rec.until(EVENT.SDK_NOT_READY, lambda _: True)
        await rec.until(EVENT.NET_STATE_CHANGE, lambda d: d["state"] == "disconnected")
    with pytest.raises(ChatError) as err:
        await one.login(user_id="alice", user_sig=old_sig)
    assert err.value.code == 70052
    assert not one.is_ready()
    # a UserSig minted after the kick's second works (one of the same second is void too)
    await one.login(user_id="alice", user_sig=server.sig("alice", now=int(time.time()) + 1))
    assert one.is_ready()
    await session_ended(two)  # the other kicked SDK does not come back
    assert [c.platform for c in server.hub.registry.connections(server.app.sdkappid, "alice")] == [
        "Android"
    ]


# ------------------------------------------------------------------------ login


async def test_login_errors(server: RunningServer) -> None:
    await server.import_users("alice", "bob")
    chat = Chat.create(sdk_app_id=server.app.sdkappid, server=server.url)
    rec = Recorder(chat)
    expired = server.sig("alice", expire=60, now=int(time.time()) - 3600)
    wrong_key = gen_usersig_v2(server.app.sdkappid, "0" * 64, "alice", 86400)
    cases = [
        ("alice", expired, 70001),
        ("alice", wrong_key, 70009),
        ("alice", server.sig("bob"), 70013),
        ("nobody", server.sig("nobody"), 70107),
        ("alice", "", 70002),
        ("alice", "not a usersig", 70003),
    ]
    for user, sig, code in cases:
        with pytest.raises(ChatError) as err:
            await chat.login(user_id=user, user_sig=sig)
        assert err.value.code == code, (user, code, err.value)
        assert err.value.message
        assert not chat.is_ready() and chat.get_login_user() == ""
    assert ChatError(70001).is_user_sig_expired
    other_app = Chat.create(sdk_app_id=1400099999, server=server.url)
    with pytest.raises(ChatError) as err:
        await other_app.login(user_id="alice", user_sig=server.sig("alice"))
    assert err.value.code == 70020
    unreachable = Chat.create(sdk_app_id=server.app.sdkappid, server="http://127.0.0.1:9")
    with pytest.raises(ChatError) as err:
        await unreachable.login(user_id="alice", user_sig=server.sig("alice"))
    assert err.value.code == 2800
    assert rec.drain(EVENT.SDK_READY) == []
    # after all that, the same instance logs in fine
    await chat.login(user_id="alice", user_sig=server.sig("alice"))
    try:
        assert chat.is_ready()
        assert await chat.login(user_id="alice", user_sig=server.sig("alice")) == {
            "repeatLogin": True
        }
        with pytest.raises(ChatError) as err:
            await chat.login(user_id="bob", user_sig=server.sig("bob"))
        assert err.value.code == 6017
    finally:
        await chat.logout()


# --------------------------------------------------------------- listeners


async def test_listeners_sync_async_failing_and_off(
    server: RunningServer, connect: Connect
) -> None:
    await server.import_users("alice", "bob")
    alice, _ = await connect("alice")
    bob, b = await connect("bob")
    calls: list[str] = []

    def broken(msgs: list[Message]) -> None:
        calls.append("broken")
        raise RuntimeError("listener bug")

    async def replying(msgs: list[Message]) -> None:
        calls.append("async")
        for m in msgs:  # a listener may call the SDK
            await bob.set_message_read(conversation_id=m.conversation_id)

    def plain(msgs: list[Message]) -> None:
        calls.append("sync")

    for fn in (broken, replying, plain):
        bob.on(EVENT.MESSAGE_RECEIVED, fn)
    b.drain(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED)
    await send_text(alice, "bob", "one")
    await b.messages(1)
    await b.unread_total(0)
    assert calls == ["broken", "async", "sync"]

    bob.off(EVENT.MESSAGE_RECEIVED, broken)
    bob.off(EVENT.MESSAGE_RECEIVED, plain)
    bob.off(EVENT.MESSAGE_RECEIVED, plain)  # twice: no error
    b.drain(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED)
    await send_text(alice, "bob", "two")
    await b.messages(1)
    await b.unread_total(1)
    await b.unread_total(0)
    assert calls == ["broken", "async", "sync", "async"]
    # the SDK survived the failing listener
    assert bob.is_ready() and (await send_text(bob, "alice", "fine")).status == "success"


# -------------------------------------------------------------------- reconnect


async def session_ended(chat: Chat) -> None:
    """Wait until ``chat``'s session is over: logged out, its supervisor gone (so
    nothing is left that could reconnect) and no connection open."""
    await eventually(
        lambda: chat._supervisor is None and chat._link is None and not chat.is_ready(),
        "the SDK's session to end",
    )


def drop_connections(server: RunningServer, user: str, code: int = 1001) -> int:
    """Close ``user``'s server-side connections as a restarting server would."""
    conns = server.hub.registry.connections(server.app.sdkappid, user)
    for conn in conns:
        conn.close(code, "test")
    return len(conns)


async def test_reconnect_resumes_with_nothing_lost_or_doubled(
    server: RunningServer, connect: Connect
) -> None:
    await server.import_users("alice", "bob")
    alice, a = await connect("alice")
    bob, b = await connect("bob", reconnect_delay=1.0)
    bob._rand = lambda: 0.99  # full jitter at its top: away for ~the whole delay
    await send_text(alice, "bob", "before")
    [first] = await b.messages(1)
    timeline: list[str] = []
    bob.on(EVENT.NET_STATE_CHANGE, lambda d: timeline.append(d["state"]))
    expected = ["before"]

    b.drain(EVENT.NET_STATE_CHANGE)
    for round_, code in enumerate((1001, 4008, 4000)):
        assert drop_connections(server, "bob", code) == 1
        assert (await b.next(EVENT.NET_STATE_CHANGE))["state"] == "connecting"
        # while bob is away (the jitter at its top: >= 0.99 s), both kinds of sends
        for i in range(4):
            t = f"r{round_}-sdk{i}"
            await send_text(alice, "bob", t)
            expected.append(t)
        for i in range(3):
            t = f"r{round_}-rest{i}"
            await server.ok("openim", "sendmsg", rest_text("alice", "bob", t, random=100 + i))
            expected.append(t)
        timeline.append("sent")
        assert (await b.next(EVENT.NET_STATE_CHANGE))["state"] == "connected"
        assert timeline[-2:] == ["sent", "connected"], timeline  # they really were sent while away
        got = await b.messages(7)
        assert text_of(got) == expected[-7:]

    # a request made while disconnected waits for the connection to come back
    drop_connections(server, "bob")
    assert (await b.next(EVENT.NET_STATE_CHANGE))["state"] == "connecting"
    assert await bob.get_total_unread_message_count() == len(expected)

    # nothing doubled: a later message is the next one bob sees
    marker = await send_text(alice, "bob", "marker")
    assert [m.id for m in await b.messages(1)] == [marker.id]
    expected.append("marker")
    page1 = await bob.get_message_list(conversation_id="C2Calice")
    page2 = await bob.get_message_list(
        conversation_id="C2Calice", next_req_message_id=page1.next_req_message_id
    )
    assert text_of(page2.message_list + page1.message_list) == expected
    assert sum(cv.unread_count for cv in bob.conversations) == len(expected)
    assert first.id == page2.message_list[0].id
    assert a.drain(EVENT.KICKED_OUT) == [] and bob.is_ready()


async def test_reconnect_of_a_client_whose_stream_was_empty(
    server: RunningServer, connect: Connect
) -> None:
    await server.import_users("alice", "bob")
    alice, _ = await connect("alice")
    # bob's stream is empty at login (cursor 0): cursor 0 must still mean "resume from 0"
    bob, b = await connect("bob", reconnect_delay=1.0)
    bob._rand = lambda: 0.99  # full jitter at its top: away for ~the whole delay
    assert bob.cursor == 0
    b.drain(EVENT.NET_STATE_CHANGE)
    drop_connections(server, "bob")
    assert (await b.next(EVENT.NET_STATE_CHANGE))["state"] == "connecting"
    await send_text(alice, "bob", "while away")
    assert (await b.next(EVENT.NET_STATE_CHANGE))["state"] == "connected"
    [m] = await b.messages(1)
    assert m.payload == {"text": "while away"}


async def test_requests_time_out_while_disconnected(
    server: RunningServer, connect: Connect
) -> None:
    await server.import_users("bob")
    bob, b = await connect("bob", reconnect_delay=30.0, request_timeout=0.5)
    bob._rand = lambda: 0.99  # full jitter at its top: away for ~the whole delay
    b.drain(EVENT.NET_STATE_CHANGE)
    drop_connections(server, "bob")
    assert (await b.next(EVENT.NET_STATE_CHANGE))["state"] == "connecting"
    started = time.monotonic()
    with pytest.raises(ChatError) as err:
        await bob.get_total_unread_message_count()
    assert err.value.code == 2801
    assert 0.4 < time.monotonic() - started < 3
    await bob.logout()  # cancels the pending reconnect
    assert (await b.until(EVENT.NET_STATE_CHANGE, lambda d: True))["state"] == "disconnected"


async def test_a_session_that_cannot_log_in_again_ends_with_error(
    server: RunningServer, connect: Connect
) -> None:
    await server.import_users("bob")
    bob, b = await connect("bob", reconnect_delay=0.05)
    b.drain(EVENT.NET_STATE_CHANGE)
    # the account is deleted while bob's connection is already on its way out
    # (a server restart): the deletion's kick finds no connection, so no
    # KICKED_OUT stops the SDK, which reconnects and is refused
    conns = server.hub.registry.connections(server.app.sdkappid, "bob")
    for conn in conns:
        server.hub.registry.remove(conn)
    await server.hub.accounts.delete(server.app, ["bob"])
    for conn in conns:
        conn.close(1001, "test")
    error = await b.next(EVENT.ERROR)
    assert error["code"] == 70107 and error["message"]
    await b.next(EVENT.SDK_NOT_READY)
    assert (await b.until(EVENT.NET_STATE_CHANGE, lambda d: True))["state"] == "connecting"
    await b.until(EVENT.NET_STATE_CHANGE, lambda d: d["state"] == "disconnected")
    assert not bob.is_ready() and bob.get_login_user() == ""
    await session_ended(bob)  # and it stopped trying
    assert server.hub.registry.connections(server.app.sdkappid, "bob") == []
    assert b.drain(EVENT.NET_STATE_CHANGE) == []


async def test_rest_account_delete_kicks_the_account_out(
    server: RunningServer, connect: Connect
) -> None:
    await server.import_users("bob")
    bob, b = await connect("bob")
    await server.ok("im_open_login_svc", "account_delete", {"DeleteItem": [{"UserID": "bob"}]})
    assert await b.next(EVENT.KICKED_OUT) == {"type": TYPES.KICKED_OUT_REST_API}
    await session_ended(bob)
    await eventually(
        lambda: server.hub.registry.connections(server.app.sdkappid, "bob") == [],
        "bob's connection to leave the registry",
    )
    assert not bob.is_ready()


async def test_heartbeats_keep_the_connection_alive(
    server: RunningServer, connect: Connect
) -> None:
    await server.import_users("alice")
    await connect("alice", heartbeat_interval=0.05)
    [conn] = server.hub.registry.connections(server.app.sdkappid, "alice")
    before = conn.last_seen
    # no request from the app meanwhile: only heartbeats refresh it
    await eventually(lambda: conn.last_seen > before, "a heartbeat to reach the server")


# ------------------------------------------------------- profile, friends, blacklist


async def test_profile_updates_reach_my_devices_and_friends(
    server: RunningServer, connect: Connect
) -> None:
    await server.import_users("alice", "bob")
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
    alice, _ = await connect("alice", platform="Android")
    alice2, a2 = await connect("alice", platform="Web")
    bob, b = await connect("bob")
    updated = await alice.update_my_profile(nick="Alice", self_signature="hello")
    assert updated["nick"] == "Alice" and updated["selfSignature"] == "hello"
    [mine] = await a2.until(
        EVENT.PROFILE_UPDATED, lambda ps: any(p.get("userID") == "alice" for p in ps)
    )
    assert mine["nick"] == "Alice"
    [friends] = await b.until(
        EVENT.PROFILE_UPDATED, lambda ps: any(p.get("userID") == "alice" for p in ps)
    )
    assert friends["nick"] == "Alice"
    assert (await alice2.get_my_profile())["nick"] == "Alice"
    [seen] = await bob.get_user_profile(["alice"])
    assert seen["userID"] == "alice" and seen["nick"] == "Alice"


async def test_friend_requests_and_friend_list(server: RunningServer, connect: Connect) -> None:
    await server.import_users("alice", "bob")
    alice, a = await connect("alice")
    bob, b = await connect("bob")
    await bob.update_my_profile(allow_type=TYPES.ALLOW_TYPE_NEED_CONFIRM)

    answer = await alice.add_friend(to="bob", source="AddSource_Type_Web", wording="hi, it's alice")
    assert answer["code"] == 30539  # pending: bob must confirm
    apps = await b.until(
        EVENT.FRIEND_APPLICATION_LIST_UPDATED,
        lambda d: any(x["userID"] == "alice" for x in d["friendApplicationList"]),
    )
    [req] = [x for x in apps["friendApplicationList"] if x["userID"] == "alice"]
    assert req["type"] == TYPES.SNS_APPLICATION_SENT_TO_ME and req["wording"] == "hi, it's alice"
    mine = await alice.get_friend_application_list()
    assert [x["type"] for x in mine["friendApplicationList"]] == [TYPES.SNS_APPLICATION_SENT_BY_ME]

    await bob.accept_friend_application(user_id="alice", type=TYPES.SNS_APPLICATION_AGREE_AND_ADD)
    for rec in (a, b):
        await rec.until(EVENT.FRIEND_LIST_UPDATED, lambda fl: len(fl) == 1)
    assert [f["userID"] for f in await alice.get_friend_list()] == ["bob"]
    check = await alice.check_friend(["bob"])
    assert check["successUserIDList"][0]["relation"] == TYPES.SNS_TYPE_BOTH_WAY

    for rec in (a, b):
        rec.drain(EVENT.FRIEND_LIST_UPDATED)
        rec.drain(EVENT.FRIEND_APPLICATION_LIST_UPDATED)
    await alice.delete_friend(["bob"])
    for rec in (a, b):
        await rec.until(EVENT.FRIEND_LIST_UPDATED, lambda fl: fl == [])
    assert (await bob.check_friend(["alice"]))["successUserIDList"][0][
        "relation"
    ] == TYPES.SNS_TYPE_NO_RELATION

    # a refused request disappears from both lists
    await alice.add_friend(to="bob", source="AddSource_Type_Web")
    await b.until(
        EVENT.FRIEND_APPLICATION_LIST_UPDATED, lambda d: len(d["friendApplicationList"]) == 1
    )
    b.drain(EVENT.FRIEND_APPLICATION_LIST_UPDATED)
    assert (await bob.get_friend_application_list())["unreadCount"] == 1
    # read here, read everywhere: the list comes again, with nothing unread
    await bob.set_friend_application_read()
    await b.until(
        EVENT.FRIEND_APPLICATION_LIST_UPDATED,
        lambda d: d["unreadCount"] == 0 and len(d["friendApplicationList"]) == 1,
    )
    await bob.refuse_friend_application(user_id="alice")
    await b.until(EVENT.FRIEND_APPLICATION_LIST_UPDATED, lambda d: d["friendApplicationList"] == [])
    assert (await alice.get_friend_application_list())["friendApplicationList"] == []


async def test_blacklist(server: RunningServer, connect: Connect) -> None:
    await server.import_users("alice", "bob")
    alice, _ = await connect("alice")
    bob, b = await connect("bob")
    bob2, b2 = await connect("bob", platform="Windows")
    result = await bob.add_to_blacklist(["alice"])
    assert result["successUserIDList"] == ["alice"]
    assert await b2.until(EVENT.BLACKLIST_UPDATED, lambda ids: ids == ["alice"]) == ["alice"]
    assert await bob.get_blacklist() == ["alice"]
    with pytest.raises(ChatError) as err:
        await send_text(alice, "bob", "let me in")
    assert err.value.code == 20007
    await bob.remove_from_blacklist(["alice"])
    await b2.until(EVENT.BLACKLIST_UPDATED, lambda ids: ids == [])
    await send_text(alice, "bob", "thanks")
    [m] = await b.messages(1)
    assert m.payload == {"text": "thanks"}
