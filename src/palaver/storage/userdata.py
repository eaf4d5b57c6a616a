"""One user's data, read out whole or erased (``palaver account export|erase``,
REST ``account_delete`` with ``account_delete_erases``).

Reads and deletes only; the rules (what an export holds, what erasing keeps
for the others) are :mod:`palaver.services.userdata`'s.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from palaver.model.messages import GROUP_CONV_PREFIX, MessageFlag
from palaver.storage import search as search_store
from palaver.storage.schema import (
    accounts,
    blacklist,
    conversation_group_items,
    conversation_groups,
    conversation_settings,
    friend_requests,
    friends,
    group_applications,
    group_bans,
    group_members,
    hidden_messages,
    im_groups,
    live_room_mutes,
    message_reactions,
    messages,
    profiles,
    user_conversations,
    user_do_not_disturb,
    user_events,
    user_heads,
)

#: Messages read per query while exporting.
PAGE = 1000

_C2C_PREFIX = "c2c:"
_RECALLED = int(MessageFlag.RECALLED)


def _rows(result: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in result.mappings()]


async def account(conn: AsyncConnection, app_id: int, user_id: str) -> dict[str, Any] | None:
    """The account row, or ``None`` if not imported."""
    row = (
        (
            await conn.execute(
                select(accounts).where(accounts.c.app_id == app_id, accounts.c.user_id == user_id)
            )
        )
        .mappings()
        .first()
    )
    return dict(row) if row is not None else None


async def relations(conn: AsyncConnection, app_id: int, user_id: str) -> dict[str, Any]:
    """The user's profile tags, friends, friend requests (sent and received),
    blacklist, conversations, group memberships and pending group applications."""
    prof = await conn.execute(
        select(profiles.c.tag, profiles.c.value).where(
            profiles.c.app_id == app_id, profiles.c.user_id == user_id
        )
    )
    out: dict[str, Any] = {"profile": {str(r[0]): r[1] for r in prof}}
    out["friends"] = _rows(
        await conn.execute(
            select(friends).where(friends.c.app_id == app_id, friends.c.owner == user_id)
        )
    )
    fr = friend_requests.c
    out["friend_requests_sent"] = _rows(
        await conn.execute(
            select(friend_requests).where(fr.app_id == app_id, fr.from_user == user_id)
        )
    )
    out["friend_requests_received"] = _rows(
        await conn.execute(
            select(friend_requests).where(fr.app_id == app_id, fr.to_user == user_id)
        )
    )
    out["blacklist"] = _rows(
        await conn.execute(
            select(blacklist).where(blacklist.c.app_id == app_id, blacklist.c.owner == user_id)
        )
    )
    uc = user_conversations.c
    out["conversations"] = _rows(
        await conn.execute(
            select(user_conversations)
            .where(uc.app_id == app_id, uc.owner == user_id)
            .order_by(uc.last_time.desc())
        )
    )
    cs = conversation_settings.c
    out["conversation_settings"] = _rows(
        await conn.execute(
            select(conversation_settings)
            .where(cs.app_id == app_id, cs.owner == user_id)
            .order_by(cs.conversation_id)
        )
    )
    gm = group_members.c
    out["groups"] = _rows(
        await conn.execute(
            select(group_members, im_groups.c.name, im_groups.c.type)
            .join(
                im_groups,
                and_(im_groups.c.app_id == gm.app_id, im_groups.c.group_id == gm.group_id),
            )
            .where(gm.app_id == app_id, gm.user_id == user_id)
            .order_by(gm.group_id)
        )
    )
    ga = group_applications.c
    out["group_applications"] = _rows(
        await conn.execute(
            select(group_applications).where(ga.app_id == app_id, ga.user_id == user_id)
        )
    )
    gb = group_bans.c
    out["group_bans"] = _rows(
        await conn.execute(select(group_bans).where(gb.app_id == app_id, gb.user_id == user_id))
    )
    return out


def _mine(app_id: int, user_id: str) -> Any:
    """The messages that are the user's: C2C ones sent or received, group ones sent."""
    m = messages.c
    return and_(
        m.app_id == app_id,
        or_(
            m.from_account == user_id,
            and_(m.to_account == user_id, m.conv_id.startswith(_C2C_PREFIX)),
        ),
    )


async def messages_of(
    conn: AsyncConnection, app_id: int, user_id: str
) -> AsyncIterator[dict[str, Any]]:
    """The user's messages (C2C sent or received, group sent), by id, paged."""
    after = 0
    m = messages.c
    while True:
        page = _rows(
            await conn.execute(
                select(messages)
                .where(_mine(app_id, user_id), m.id > after)
                .order_by(m.id)
                .limit(PAGE)
            )
        )
        for row in page:
            yield row
        if len(page) < PAGE:
            return
        after = int(page[-1]["id"])


async def erase(
    conn: AsyncConnection, app_id: int, user_id: str, *, redact: bool
) -> dict[str, int]:
    """Delete the user's account and everything that is only theirs, in the
    caller's transaction: {table: rows deleted or changed}.

    Deleted: the account, profile, friends/blacklist/friend requests both
    ways, the user's own conversation rows and event stream, group
    memberships, applications and bans; groups the user owned keep going without
    an owner. Messages others hold stay; with ``redact``, the messages the
    user sent lose their body and custom data and are marked recalled
    (``RECALLED``): peers see them withdrawn, their sequence numbers stay.
    """
    done: dict[str, int] = {}

    async def run(name: str, stmt: Any) -> None:
        done[name] = done.get(name, 0) + int((await conn.execute(stmt)).rowcount or 0)

    await run(
        "accounts",
        delete(accounts).where(accounts.c.app_id == app_id, accounts.c.user_id == user_id),
    )
    await run(
        "profiles",
        delete(profiles).where(profiles.c.app_id == app_id, profiles.c.user_id == user_id),
    )
    for table, a, b in (
        (friends, friends.c.owner, friends.c.peer),
        (blacklist, blacklist.c.owner, blacklist.c.peer),
        (friend_requests, friend_requests.c.from_user, friend_requests.c.to_user),
    ):
        await run(
            table.name,
            delete(table).where(table.c.app_id == app_id, or_(a == user_id, b == user_id)),
        )
    for table, col in (
        (user_conversations, user_conversations.c.owner),
        (hidden_messages, hidden_messages.c.owner),
        (message_reactions, message_reactions.c.user_id),
        (conversation_settings, conversation_settings.c.owner),
        (conversation_group_items, conversation_group_items.c.owner),
        (conversation_groups, conversation_groups.c.owner),
        (user_events, user_events.c.user_id),
        (user_heads, user_heads.c.user_id),
        (user_do_not_disturb, user_do_not_disturb.c.user_id),
        (group_members, group_members.c.user_id),
        (group_applications, group_applications.c.user_id),
        (live_room_mutes, live_room_mutes.c.user_id),
        (group_bans, group_bans.c.user_id),
    ):
        await run(table.name, delete(table).where(table.c.app_id == app_id, col == user_id))
    await run(
        "groups_owned",
        update(im_groups)
        .where(im_groups.c.app_id == app_id, im_groups.c.owner == user_id)
        .values(owner=""),
    )
    if redact:
        m = messages.c
        # redacted messages leave the search index first (their text is gone)
        await search_store.unindex_where(conn, m.app_id == app_id, m.from_account == user_id)
        await run(
            "messages_redacted",
            update(messages)
            .where(m.app_id == app_id, m.from_account == user_id)
            .values(body="[]", cloud_custom_data=None, flags=m.flags.op("|")(_RECALLED)),
        )
    return done


def is_group_conv(conv_id: str) -> bool:
    """Whether a storage conversation id is a group's."""
    return conv_id.startswith(GROUP_CONV_PREFIX)
