"""Tencent IM REST ``group_open_http_svc``: groups, members and group messages.

Commands (cloud.tencent.com/document/product/269/1615 and neighbours), one
module per area, as :mod:`palaver.services.groups` is cut:

- :mod:`.groups`: create_group, import_group, get_group_info,
  modify_group_base_info, destroy_group, change_group_owner,
  get_appid_group_list, get_joined_group_list;
- :mod:`.members`: add_group_member, import_group_member, delete_group_member,
  get_group_member_info, modify_group_member_info, get_role_in_group,
  forbid_send_msg, get_group_shutted_uin, get_online_member_num;
- :mod:`.messages`: send_group_msg, send_group_system_notification,
  group_msg_get_simple, group_msg_recall, delete_group_msg_by_sender,
  import_group_msg, set_unread_msg_num;
- :mod:`.attributes`: set/modify/delete/clear_group_attr, get_group_attr
  (``group_open_attr_http_svc``), update_group_counter, get_group_counter;
- :mod:`.bans`: ban_group_member, unban_group_member, get_group_ban_member;
- :mod:`.topics`: create_topic, get_topic, modify_topic, destroy_topic;
- :mod:`.wire`: what they share (limits, request fields, shapes).

Each parses Tencent's fields and calls the group services (``hub.groups.*``)
as an App admin (``admin=True``, ``operator`` = the REST ``identifier``); the
rules and most error codes live there. Errors of this layer: 10004 a missing
or wrong-typed field (the service's ``invalid`` code), 10005 more accounts
than one request may carry, 10011 a body that is not JSON. Importing this
package registers every command.
"""

from palaver.api.rest.group import (  # noqa: F401  (registers them)
    attributes,
    bans,
    groups,
    members,
    messages,
    topics,
)
