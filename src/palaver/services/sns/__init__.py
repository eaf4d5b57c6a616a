"""Relationship chain: friends, friend applications (pendency) and the blacklist.

Rules follow Tencent IM's ``sns`` service (cloud.tencent.com/document/product/269/1643
and neighbours: ``friend_add``, ``friend_import``, ``friend_update``,
``friend_delete``, ``friend_delete_all``, ``friend_check``, ``friend_get``,
``friend_get_list``, ``black_list_add``, ``black_list_delete``,
``black_list_get``, ``black_list_check``) and the SDK's friend-application
calls (accept / refuse / delete a friend application). Everything here speaks
plain Python values, so the REST layer and the client (WebSocket) layer share it.
The package keeps Tencent's REST service name; inside it, Tencent's SDK words
(a pending request is a friend *application*).

:class:`SnsServices` is what the hub holds (``hub.sns``), one small service per
area, each with its collaborators passed in:

- ``friends`` (:mod:`.friends`): add, import, update, delete, pages, profiles;
- ``applications`` (:mod:`.applications`): pending applications, accept,
  refuse, cancel;
- ``blacklist`` (:mod:`.blacklist`): add, remove, pages;
- ``friend_groups`` (:mod:`.friend_groups`): create, delete, rename, fill, list;
- ``checks`` (:mod:`.checks`): friend and blacklist checks, and the cached
  relations C2C sends are checked against.

Every committed change also lands in the affected users' event streams
(:mod:`.changes`). Records, limits and rules are in :mod:`.model`; the rules of
adding and updating friends, in :mod:`.friend_rules`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from palaver.services.ports import Publisher
from palaver.services.sns.applications import FriendApplications
from palaver.services.sns.blacklist import Blacklists
from palaver.services.sns.changes import ChangeFeed
from palaver.services.sns.checks import RelationChecks
from palaver.services.sns.friend_groups import (
    MAX_FRIEND_GROUPS,
    FriendGroup,
    FriendGroupList,
    FriendGroups,
)
from palaver.services.sns.friends import Friends
from palaver.services.sns.model import (
    MAX_ADD_BATCH,
    MAX_BATCH,
    MAX_BLACKLIST,
    MAX_FRIENDS,
    AllowType,
    BlacklistPage,
    BlackRelation,
    Block,
    CheckResult,
    Friend,
    FriendAdd,
    FriendApplication,
    FriendImport,
    FriendPage,
    FriendProfile,
    FriendUpdate,
    ItemResult,
    PendingApplications,
    Relation,
    friend_tags,
)
from palaver.storage import Database

if TYPE_CHECKING:
    from palaver.services.callbacks import CallbackService

__all__ = [
    "MAX_ADD_BATCH",
    "MAX_BATCH",
    "MAX_BLACKLIST",
    "MAX_FRIENDS",
    "MAX_FRIEND_GROUPS",
    "AllowType",
    "BlackRelation",
    "Blacklists",
    "BlacklistPage",
    "Block",
    "CheckResult",
    "Friend",
    "FriendAdd",
    "FriendGroup",
    "FriendGroupList",
    "FriendGroups",
    "FriendApplication",
    "FriendApplications",
    "FriendImport",
    "FriendPage",
    "FriendProfile",
    "FriendUpdate",
    "Friends",
    "PendingApplications",
    "ItemResult",
    "Relation",
    "RelationChecks",
    "SnsServices",
    "friend_tags",
]


class SnsServices:
    """Friends, friend applications and blacklists of every app.

    Args:
        db: the database.
        publisher: pushes committed changes (stream events).
        callbacks: the app backend's ``Sns.*`` callbacks.
    """

    def __init__(
        self, db: Database, publisher: Publisher, callbacks: CallbackService | None = None
    ) -> None:
        self.checks = RelationChecks(db)
        feed = ChangeFeed(publisher, self.checks, callbacks)
        self.friends = Friends(db, feed, callbacks)
        self.applications = FriendApplications(db, feed)
        self.blacklist = Blacklists(db, feed)
        self.friend_groups = FriendGroups(db, feed)
