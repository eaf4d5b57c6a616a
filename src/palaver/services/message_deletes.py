"""Deleting messages for one user, and clearing a conversation's history.

Follows Tencent IM's ``deleteMessage`` (SDK: up to 30 messages of one
conversation, gone from my history and no one else's) and REST
``openim/delete_c2c_msg_ramble`` (cloud.tencent.com/document/product/269/101439);
``clearHistoryMessage`` (SDK: my history of one conversation, the conversation
stays) and REST ``group_open_http_svc/clear_group_msg`` (a group's history for
every member, /95617; the admin's ``group_msg_get_simple`` still sees it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from palaver.errors import Code, ImError
from palaver.model.messages import MessageRecord, group_conv_id
from palaver.storage import Database
from palaver.storage import message_ops as ops_store
from palaver.storage import messages as msg_store

if TYPE_CHECKING:
    from palaver.services.apps import App
    from palaver.services.groups.directory import GroupDirectory
    from palaver.services.groups.reads import GroupReads

#: Most messages of one delete (as Tencent's SDK and REST API).
MAX_DELETE = 30


def parse_key(key: str) -> tuple[int, int, int] | None:
    """``{seq}_{random}_{time}`` as three ints, or ``None``."""
    parts = key.split("_")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() and len(p) < 19 for p in parts):
        return None
    seq, random, msg_time = (int(p) for p in parts)
    return seq, random, msg_time


class MessageDeleteService:
    """Messages deleted for one user; cleared histories.

    Args:
        db: the database.
        directory: groups and memberships.
        reads: members' group conversations (clearing one).
    """

    def __init__(self, db: Database, directory: GroupDirectory, reads: GroupReads) -> None:
        self._db = db
        self._directory = directory
        self._reads = reads

    async def c2c_by_keys(
        self, app: App, owner: str, peer: str, keys: Sequence[str]
    ) -> list[MessageRecord]:
        """The messages of ``owner``'s conversation with ``peer`` named by keys
        ``{seq}_{random}_{time}`` (the MsgKey, or the sender's own sequence as
        Tencent's SDK names its messages); unknown keys are skipped.

        Raises:
            ImError: 6017 more than :data:`MAX_DELETE` keys.
        """
        if len(keys) > MAX_DELETE:
            raise ImError(Code.ERR_INVALID_PARAMETERS, f"at most {MAX_DELETE} messages at once")
        conv_id = msg_store.c2c_conv_id(owner, peer)
        found: list[MessageRecord] = []
        async with self._db.read() as conn:
            for key in keys:
                parsed = parse_key(key)
                if parsed is None:
                    continue
                seq, random, msg_time = parsed
                m = await msg_store.get_by_random_time(
                    conn, app.sdkappid, conv_id, random, msg_time
                )
                if m is not None and seq in (m.seq, m.client_seq):
                    found.append(m)
        return found

    async def group_by_seqs(
        self, app: App, owner: str, group_id: str, seqs: Sequence[int]
    ) -> list[MessageRecord]:
        """The group's messages with these ``MsgSeq`` (unknown ones skipped).

        Raises:
            ImError: 10010 no group; 10007 ``owner`` is not a member; 6017 more
                than :data:`MAX_DELETE`.
        """
        if len(seqs) > MAX_DELETE:
            raise ImError(Code.ERR_INVALID_PARAMETERS, f"at most {MAX_DELETE} messages at once")
        await self._directory.get(app, group_id)
        if await self._directory.member(app, group_id, owner) is None:
            raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, "not a member of the group")
        conv_id = group_conv_id(group_id)
        async with self._db.read() as conn:
            got = await msg_store.get_many_by_seq(conn, app.sdkappid, [(conv_id, s) for s in seqs])
        return list(got.values())

    async def delete_for(self, app: App, owner: str, msgs: Sequence[MessageRecord]) -> None:
        """Delete ``msgs`` from ``owner``'s history only (the other party and the
        other members keep them). Again: no-op.

        Raises:
            ImError: 6017 more than :data:`MAX_DELETE`.
        """
        if len(msgs) > MAX_DELETE:
            raise ImError(Code.ERR_INVALID_PARAMETERS, f"at most {MAX_DELETE} messages at once")
        async with self._db.write() as conn:
            await msg_store.hide(conn, app.sdkappid, owner, [m.id for m in msgs if m.id])

    async def clear_c2c(self, app: App, owner: str, peer: str) -> None:
        """Clear ``owner``'s history with ``peer`` (the conversation is read; it
        stays until ``owner`` deletes it; ``peer``'s history is unchanged)."""
        conv_id = msg_store.c2c_conv_id(owner, peer)
        async with self._db.write() as conn:
            seq = await msg_store.last_seq(conn, app.sdkappid, conv_id)
            await msg_store.update_conversation(conn, app.sdkappid, owner, conv_id, cleared_seq=seq)
            await msg_store.mark_read(conn, app.sdkappid, owner, conv_id, seq)

    async def clear_group(self, app: App, owner: str, group_id: str) -> None:
        """Clear ``owner``'s history of a group (read, too).

        Raises:
            ImError: 10010 no group; 10007 not a member.
        """
        await self._directory.get(app, group_id)
        if not await self._reads.set_conversation(app, owner, group_id, clear=True):
            raise ImError(Code.ERR_SVR_GROUP_PERMISSION_DENY, "not a member of the group")

    async def clear_group_for_all(self, app: App, group_id: str, up_to_seq: int | None) -> None:
        """REST ``clear_group_msg``: every member's history of the group loses the
        messages up to ``up_to_seq`` (default: all so far).

        Raises:
            ImError: 10010 no group.
        """
        await self._directory.get(app, group_id)
        async with self._db.write() as conn:
            top = await msg_store.last_seq(conn, app.sdkappid, group_conv_id(group_id))
            seq = top if up_to_seq is None else min(up_to_seq, top)
            await ops_store.clear_group_for_all(conn, app.sdkappid, group_id, seq)
