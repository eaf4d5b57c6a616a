"""The ``make run`` demo: one app, two users who are friends and have chatted,
and a group of the two (``demo``) with a few messages.

The demo app is the only app with ``debug_usersig`` on, so the browser UI can
ask the server for UserSigs (development only, like TUIKit's
``GenerateTestUserSig``).  Everything is created once and kept in the data folder.
"""

from __future__ import annotations

from dataclasses import dataclass

from palaver.errors import ImError
from palaver.hub import Hub
from palaver.services.accounts import ImportItem
from palaver.services.apps import DEFAULT_ADMIN, App, AppSettings
from palaver.services.groups import GroupSendOptions, MemberSpec
from palaver.services.messages import SendOptions
from palaver.services.sns import FriendAdd
from palaver.settings import Settings
from palaver.usersig import gen_usersig_v2

DEMO_USERS = {"alice": "Alice", "bob": "Bob"}
DEMO_MESSAGES = [
    ("alice", "bob", "Hi Bob! Palaver is running on this machine."),
    ("bob", "alice", "Hello Alice! Open the other link to chat as me."),
    ("alice", "bob", "你好 👋"),
]
DEMO_GROUP = "demo"
DEMO_GROUP_MESSAGES = [
    ("alice", "Welcome to the demo group: type @ to mention someone."),
    ("bob", "Group messages are stored once and pushed to every member."),
]
LINK_SIG_LIFETIME = 7 * 86400  # seconds


@dataclass(frozen=True)
class Demo:
    """The demo app, whether it was created now, and a login link per user."""

    app: App
    created: bool
    links: dict[str, str]


async def prepare_demo(settings: Settings, base_url: str) -> Demo:
    """Create (once) or reuse the demo app and its users; return login links.

    Links look like ``{base_url}/#SDKAppID=…&userID=alice&userSig=…`` and log
    the chat UI in directly.
    """
    hub = await Hub.open(settings)
    try:
        app = next((a for a in await hub.apps.list() if a.settings.debug_usersig), None)
        created = app is None
        if app is None:
            app = await hub.apps.create(
                admins=[DEFAULT_ADMIN], settings=AppSettings(debug_usersig=True)
            )
        await hub.accounts.import_accounts(
            app, [ImportItem(u, nick=n) for u, n in DEMO_USERS.items()]
        )
        if not await hub.sns.checks.are_friends(app, "alice", "bob"):
            await hub.sns.friends.add(
                app, "alice", [FriendAdd("bob", "AddSource_Type_Demo")], both=True, force=True
            )
        page = await hub.messages.history(app, "alice", "bob", limit=1)
        if not page.messages:
            for i, (frm, to, text) in enumerate(DEMO_MESSAGES):
                body = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]
                await hub.messages.send_c2c(app, frm, to, body, 1000 + i, SendOptions())
        try:
            await hub.groups.directory.get(app, DEMO_GROUP)
        except ImError:  # 10010: not created yet
            await hub.groups.lifecycle.create(
                app,
                "alice",
                admin=False,
                type="Public",
                name="Palaver demo",
                group_id=DEMO_GROUP,
                members=[MemberSpec("bob")],
            )
            for i, (frm, text) in enumerate(DEMO_GROUP_MESSAGES):
                body = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]
                await hub.groups.messages.send(
                    app, DEMO_GROUP, frm, body, 2000 + i, GroupSendOptions()
                )
        assert app.secret_key is not None
        links = {
            u: f"{base_url}/#SDKAppID={app.sdkappid}&userID={u}&userSig="
            + gen_usersig_v2(app.sdkappid, app.secret_key, u, LINK_SIG_LIFETIME)
            for u in DEMO_USERS
        }
        return Demo(app, created, links)
    finally:
        await hub.close()
