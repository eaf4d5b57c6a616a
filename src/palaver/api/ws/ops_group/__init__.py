"""Group operations of the client protocol (docs/protocol.md §8.2).

They mirror ``@tencentcloud/chat``'s group calls over the group services
(:mod:`palaver.services.groups`, ``hub.groups.*``): a user acts as the operator
with ``admin=False`` (roles apply). One module per area, as the services are cut:

- :mod:`.groups`: ``createGroup``, ``getGroupList``, ``getGroupProfile``,
  ``updateGroupProfile``, ``joinGroup``, ``quitGroup``, ``dismissGroup``,
  ``searchGroupByID``, ``changeGroupOwner``;
- :mod:`.members`: ``getGroupApplicationList``, ``handleGroupApplication``,
  ``getGroupMemberList``, ``getGroupMemberProfile``, ``addGroupMember``,
  ``deleteGroupMember``, ``setGroupMemberRole``, ``setGroupMemberMuteTime``,
  ``setGroupMemberNameCard``, ``setGroupMemberCustomField``,
  ``getGroupOnlineMemberCount``;
- :mod:`.messages`: the group branches of ``sendMessage``, ``getMessageList``,
  ``setMessageRead`` and ``revokeMessage`` (the ``*_group_*`` functions,
  re-exported here for :mod:`palaver.api.ws.ops_chat`), and
  ``getMessageReadReceiptList``, ``getGroupMessageReadMemberList``,
  ``sendMessageReadReceipt``;
- :mod:`.attributes`: ``initGroupAttributes``, ``setGroupAttributes``,
  ``deleteGroupAttributes``, ``getGroupAttributes``, ``setGroupCounters``,
  ``increaseGroupCounter``, ``decreaseGroupCounter``, ``getGroupCounters``;
- :mod:`.topics`: ``createTopicInCommunity``, ``deleteTopicFromCommunity``,
  ``updateTopicProfile``, ``getTopicList``;
- :mod:`.views`: what they share (request pieces, group and member objects).

Errors are Tencent's group codes (§8.2): 10004 bad parameter, 10007 not
allowed (not a member, not owner/admin, joining a Private group...), 10009 the
owner cannot quit, 10010 no such group, 10013 already a member, 10014 full,
10015 invalid group ID, 10017 muted, 10019 account not imported, 10021 group ID
in use, 10024 no pending application, 10038 too many members at creation.
Request data without the documented shape (a missing or mistyped field) is 6017.
Pushes (``GROUP_LIST_UPDATED``, ``GROUP_APPLICATION_LIST_UPDATED``, tips) are
sent by the services, not here. Importing this package registers every operation.
"""

from palaver.api.ws.ops_group import (  # noqa: F401  (registers them)
    attributes,
    groups,
    members,
    topics,
)
from palaver.api.ws.ops_group.messages import (
    get_group_message_list,
    revoke_group_message,
    send_group_message,
    set_group_message_read,
)

__all__ = [
    "get_group_message_list",
    "revoke_group_message",
    "send_group_message",
    "set_group_message_read",
]
