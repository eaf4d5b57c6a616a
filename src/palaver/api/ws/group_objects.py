"""Group objects of the client protocol (docs/protocol.md §8.4), in
``@tencentcloud/chat`` field names: the group and the group member. (Group
messages are shaped by :func:`palaver.protocol.objects.message_wire`.)
"""

from __future__ import annotations

from typing import Any

from palaver.services.groups import Group, Member, custom_list


def group_object(g: Group, me: Member | None, last_from: str = "") -> dict[str, Any]:
    """The SDK ``Group``: ``{groupID, type, name, avatar, introduction,
    notification, ownerID, createTime, lastInfoTime, lastMessage: {lastTime,
    lastSequence, fromAccount}, nextMessageSeq, memberCount, maxMemberCount,
    muteAllMembers, joinOption, groupCustomField: [{key, value}], selfInfo}``.

    ``selfInfo`` (``{userID, role, joinTime, nameCard, muteUntil,
    messageRemindType}``) only when ``me`` is given (a member). Times are unix s;
    ``maxMemberCount`` 0 means no limit (AVChatRoom); ``last_from`` is the sender
    of the newest message ("" if unknown or none).
    """
    out: dict[str, Any] = {
        "groupID": g.group_id,
        "type": g.type,
        "name": g.name,
        "avatar": g.face_url,
        "introduction": g.introduction,
        "notification": g.notification,
        "ownerID": g.owner,
        "createTime": g.created_at,
        "lastInfoTime": g.info_time,
        "lastMessage": {
            "lastTime": g.last_msg_time,
            "lastSequence": g.last_seq,
            "fromAccount": last_from,
        },
        "nextMessageSeq": g.next_msg_seq,
        "memberCount": g.member_num,
        "maxMemberCount": g.max_members,
        "muteAllMembers": g.shut_up_all,
        "joinOption": g.apply_join_option,
        "groupCustomField": custom_list(g.custom),
    }
    if me is not None:
        out["selfInfo"] = {
            "userID": me.user_id,
            "role": me.role,
            "joinTime": me.join_time,
            "nameCard": me.name_card,
            "muteUntil": me.shut_up_until,
            "messageRemindType": me.msg_flag,
        }
    return out


def member_object(m: Member, profile: dict[str, Any] | None = None) -> dict[str, Any]:
    """The SDK ``GroupMember``: ``{userID, nick, avatar, role, joinTime, nameCard,
    muteUntil (unix s; 0 = not muted), memberCustomField: [{key, value}]}``;
    ``nick``/``avatar`` from the member's profile (SDK ``Profile`` shape)."""
    p = profile or {}
    return {
        "userID": m.user_id,
        "nick": p.get("nick", ""),
        "avatar": p.get("avatar", ""),
        "role": m.role,
        "joinTime": m.join_time,
        "nameCard": m.name_card,
        "muteUntil": m.shut_up_until,
        "memberCustomField": custom_list(m.custom),
    }
