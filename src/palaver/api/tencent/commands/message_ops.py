"""Message commands of issue 17 in Tencent's client protocol: edits
(``openim.modify_c2c_msg``, ``openim.modify_group_msg``; the SDK's
``modifyMessage``), deletes for me (``deleteMessage``), cleared histories
(``clearHistoryMessage``), ``setAllMessageRead`` and reactions. Tencent REST shapes on the wire."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from palaver.api.tencent.core import Body, TencentSession, command
from palaver.errors import Code, ImError
from palaver.model.messages import MessageRecord
from palaver.services.message_deletes import parse_key
from palaver.services.message_edits import ModifyConflict
from palaver.services.message_reads import READ_ALL_C2C, READ_ALL_GROUP

UINT32 = (1 << 32) - 1


class ConflictAnswer(ImError):
    """20027 with the message as it is now in the answer (the SDK rejects with
    2480 and ``data.message`` updated from ``MsgBody``, ``MsgVersion``,
    ``CloudCustomData``)."""

    def __init__(self, conflict: ModifyConflict) -> None:
        super().__init__(conflict.code, conflict.info)
        self.answer = _edited(conflict.message)


def _edited(m: MessageRecord) -> dict[str, Any]:
    return {
        "MsgBody": m.body,
        "MsgVersion": m.version,
        "CloudCustomData": m.cloud_custom_data or "",
    }


class ModifyC2CMsg(Body):
    From_Account: str
    To_Account: str
    MsgSeq: int = Field(0, ge=0, le=UINT32)
    MsgRandom: int = Field(0, ge=0, le=UINT32)
    MsgTime: int = Field(0, ge=0)
    MsgVersion: int = Field(0, ge=0)
    MsgBody: list[Any] | None = None
    CloudCustomData: str | None = None


async def _modify(
    s: TencentSession, msg: MessageRecord, d: ModifyC2CMsg | ModifyGroupMsg
) -> dict[str, Any]:
    try:
        now = await s.hub.edits.modify(
            s.require_app(),
            msg,
            s.user_id,
            body=d.MsgBody,
            cloud_custom_data=d.CloudCustomData,
            version=d.MsgVersion,
        )
    except ModifyConflict as conflict:
        raise ConflictAnswer(conflict) from None
    return _edited(now)


@command("openim", "modify_c2c_msg", ModifyC2CMsg)
async def modify_c2c_msg(s: TencentSession, d: ModifyC2CMsg) -> dict[str, Any]:
    """``modifyMessage`` in ``C2C<id>``: the message named by sequence, random and
    time, edited from ``MsgVersion``; answers its new ``MsgBody``, ``MsgVersion``
    and ``CloudCustomData``. Errors: 20026 not in my conversation with that peer
    (or recalled); 20027 edited by someone else first (with the current message);
    6017 an element type that cannot be edited."""
    app = s.require_app()
    peer = d.To_Account if d.From_Account == s.user_id else d.From_Account
    msg = await s.hub.edits.c2c_by_key(
        app, s.user_id, peer, seq=d.MsgSeq, random=d.MsgRandom, msg_time=d.MsgTime
    )
    return await _modify(s, msg, d)


class ModifyGroupMsg(Body):
    GroupId: str
    MsgSeq: int = Field(ge=0, le=(1 << 62))
    MsgVersion: int = Field(0, ge=0)
    MsgBody: list[Any] | None = None
    CloudCustomData: str | None = None


@command("openim", "modify_group_msg", ModifyGroupMsg)
async def modify_group_msg(s: TencentSession, d: ModifyGroupMsg) -> dict[str, Any]:
    """``modifyMessage`` in ``GROUP<id>``: the message ``MsgSeq``. Errors: 10010 no
    group; 10007 not a member; 2481 a live room; 20026; 20027 as for C2C."""
    msg = await s.hub.edits.group_message(s.require_app(), d.GroupId, d.MsgSeq, s.user_id)
    return await _modify(s, msg, d)


class DeleteC2CMsg(Body):
    To_Account: str
    MsgKeyList: list[str] = Field(min_length=1)


@command("openim", "delete_c2c_msg_ramble", DeleteC2CMsg)
async def delete_c2c_msg_ramble(s: TencentSession, d: DeleteC2CMsg) -> dict[str, Any]:
    """``deleteMessage`` in ``C2C<id>``: keys ``{sequence}_{random}_{time}`` (as
    the SDK names them), deleted for me only. Errors: 6017 more than 30."""
    app = s.require_app()
    msgs = await s.hub.deletes.c2c_by_keys(app, s.user_id, d.To_Account, d.MsgKeyList)
    await s.hub.deletes.delete_for(app, s.user_id, msgs)
    return {}


class DeleteGroupMsg(Body):
    GroupId: str
    Seqs: list[Any] = Field(min_length=1)


def _seq(item: Any) -> int:
    """One of ``Seqs``: a number, its text, or ``{"MsgSeq": n}``."""
    value = item.get("MsgSeq") if isinstance(item, dict) else item
    text = str(value)
    if not (text.isascii() and text.isdigit() and len(text) < 19):
        raise ImError(Code.ERR_SVR_GROUP_INVALID_PARAMETERS, f"bad MsgSeq {value!r}")
    return int(text)


@command("group_open_http_svc", "delete_group_ramble_msg_by_seq", DeleteGroupMsg)
async def delete_group_ramble_msg_by_seq(s: TencentSession, d: DeleteGroupMsg) -> dict[str, Any]:
    """``deleteMessage`` in ``GROUP<id>``: messages by sequence, deleted for me
    only. Errors: 10010 no group; 10007 not a member; 10004 a bad sequence;
    6017 more than 30."""
    app = s.require_app()
    seqs = [_seq(i) for i in d.Seqs]
    msgs = await s.hub.deletes.group_by_seqs(app, s.user_id, d.GroupId, seqs)
    await s.hub.deletes.delete_for(app, s.user_id, msgs)
    return {}


class ClearMsg(Body):
    Type: int = 1
    To_Account: str = ""
    ToGroupid: str = ""


@command("recentcontact", "clear_msg", ClearMsg)
async def clear_msg(s: TencentSession, d: ClearMsg) -> dict[str, Any]:
    """``clearHistoryMessage``: my history of a C2C (``Type`` 1, ``To_Account``)
    or group (2, ``ToGroupid``) conversation. Errors: 6017 another type or no
    peer; 10010, 10007 for a group I am not in."""
    app = s.require_app()
    if d.Type == 1 and d.To_Account:
        await s.hub.deletes.clear_c2c(app, s.user_id, d.To_Account)
    elif d.Type == 2 and d.ToGroupid:
        await s.hub.deletes.clear_group(app, s.user_id, d.ToGroupid)
    else:
        raise ImError(Code.ERR_INVALID_PARAMETERS, "Type 1 with To_Account or 2 with ToGroupid")
    return {}


class GroupRead(Body):
    GroupId: str
    MsgSeq: int = Field(0, ge=0)


class ReadAllUnread(Body):
    C2CReadAllMsg: int = 0
    GroupReadInfo: list[GroupRead] = []


@command("openim", "read_all_unread_msg", ReadAllUnread)
async def read_all_unread_msg(s: TencentSession, d: ReadAllUnread) -> dict[str, Any]:
    """``setAllMessageRead``: every C2C conversation (``C2CReadAllMsg`` 1) and
    the listed groups up to their ``MsgSeq``; answers each group's
    ``LastReadMsgSeq`` (a group I cannot read: its ``RetCode``)."""
    app = s.require_app()
    groups: list[dict[str, Any]] = []
    if d.C2CReadAllMsg:
        await s.hub.read_all.read_all(app, s.user_id, READ_ALL_C2C)
    for g in d.GroupReadInfo:
        item: dict[str, Any] = {"GroupId": g.GroupId, "MsgSeq": g.MsgSeq}
        try:
            done = await s.hub.read_all.read_all(
                app, s.user_id, READ_ALL_GROUP, {g.GroupId: g.MsgSeq or None}
            )
            item["LastReadMsgSeq"] = done.groups.get(g.GroupId, g.MsgSeq)
        except ImError as exc:
            item["RetCode"] = exc.code
        groups.append(item)
    return {"C2CReadAllMsg": d.C2CReadAllMsg, "GroupReadInfoArray": groups}


# -- reactions (openim_msg_ext_http_svc) ---------------------------------------

EXT = "openim_msg_ext_http_svc"


def _peer(s: TencentSession, a: str, b: str) -> str:
    return b if a == s.user_id else a


async def _c2c_by_key(s: TencentSession, a: str, b: str, key: str) -> MessageRecord:
    parsed = parse_key(key)
    if parsed is None:
        raise ImError(Code.ERR_SVR_MSG_NOT_FOUND, "MsgKey must be {seq}_{random}_{time}")
    seq, random, msg_time = parsed
    return await s.hub.edits.c2c_by_key(
        s.require_app(), s.user_id, _peer(s, a, b), seq=seq, random=random, msg_time=msg_time
    )


async def _group_msg(s: TencentSession, group_id: str, seq: int) -> MessageRecord:
    app = s.require_app()
    found = await s.hub.deletes.group_by_seqs(app, s.user_id, group_id, [seq])
    if not found:
        raise ImError(Code.ERR_SVR_MSG_NOT_FOUND, "no such message in this group")
    return found[0]


def _summary(summary: Any, me: str) -> list[dict[str, Any]]:
    return [
        {
            "Reaction": r,
            "Count": n,
            "Reaction_Account": list(users),
            "ReactedByMe": int(me in users),
        }
        for r, n, users in summary
    ]


class C2CReaction(Body):
    From_Account: str
    To_Account: str
    Reaction: str
    MsgKey: str


class GroupReaction(Body):
    GroupId: str
    MsgSeq: int = Field(ge=0, le=1 << 62)
    Reaction: str


@command(EXT, "reaction_add", C2CReaction)
async def reaction_add(s: TencentSession, d: C2CReaction) -> dict[str, Any]:
    """``addMessageReaction`` in C2C: the message by ``MsgKey``
    (``{sequence}_{random}_{time}``). Errors as Palaver's ``addMessageReaction``."""
    msg = await _c2c_by_key(s, d.From_Account, d.To_Account, d.MsgKey)
    await s.hub.reactions.react(s.require_app(), msg, s.user_id, d.Reaction, True)
    return {}


@command(EXT, "reaction_del", C2CReaction)
async def reaction_del(s: TencentSession, d: C2CReaction) -> dict[str, Any]:
    """``removeMessageReaction`` in C2C."""
    msg = await _c2c_by_key(s, d.From_Account, d.To_Account, d.MsgKey)
    await s.hub.reactions.react(s.require_app(), msg, s.user_id, d.Reaction, False)
    return {}


@command(EXT, "group_reaction_add", GroupReaction)
async def group_reaction_add(s: TencentSession, d: GroupReaction) -> dict[str, Any]:
    """``addMessageReaction`` in a group: the message by ``MsgSeq``."""
    msg = await _group_msg(s, d.GroupId, d.MsgSeq)
    await s.hub.reactions.react(s.require_app(), msg, s.user_id, d.Reaction, True)
    return {}


@command(EXT, "group_reaction_del", GroupReaction)
async def group_reaction_del(s: TencentSession, d: GroupReaction) -> dict[str, Any]:
    """``removeMessageReaction`` in a group."""
    msg = await _group_msg(s, d.GroupId, d.MsgSeq)
    await s.hub.reactions.react(s.require_app(), msg, s.user_id, d.Reaction, False)
    return {}


class C2CReactionStat(Body):
    From_Account: str
    To_Account: str
    MsgKeyList: list[str] = Field(min_length=1, max_length=20)


@command(EXT, "reaction_multi_stat", C2CReactionStat)
async def reaction_multi_stat(s: TencentSession, d: C2CReactionStat) -> dict[str, Any]:
    """``getMessageReactions`` in C2C: ``Results`` per ``MsgKey`` as sent."""
    msgs = [await _c2c_by_key(s, d.From_Account, d.To_Account, k) for k in d.MsgKeyList]
    found = await s.hub.reactions.summaries(s.require_app(), [m.id for m in msgs])
    return {
        "Results": [
            {"MsgKey": k, "MsgReactionSummary": _summary(found.get(m.id, ()), s.user_id)}
            for k, m in zip(d.MsgKeyList, msgs, strict=True)
        ]
    }


class GroupReactionStat(Body):
    GroupId: str
    MsgSeqList: list[Any] = Field(min_length=1, max_length=20)


@command(EXT, "group_reaction_multi_stat", GroupReactionStat)
async def group_reaction_multi_stat(s: TencentSession, d: GroupReactionStat) -> dict[str, Any]:
    """``getMessageReactions`` in a group: ``Results`` per ``MsgSeq``."""
    msgs = [await _group_msg(s, d.GroupId, _seq(i)) for i in d.MsgSeqList]
    found = await s.hub.reactions.summaries(s.require_app(), [m.id for m in msgs])
    return {
        "Results": [
            {"MsgSeq": m.seq, "MsgReactionSummary": _summary(found.get(m.id, ()), s.user_id)}
            for m in msgs
        ]
    }


class C2CReactionUsers(C2CReaction):
    NextSeq: int = Field(0, ge=0)
    Count: int = Field(100, ge=1)


class GroupReactionUsers(GroupReaction):
    NextSeq: int = Field(0, ge=0)
    Count: int = Field(100, ge=1)


async def _users(
    s: TencentSession, msg: MessageRecord, d: C2CReactionUsers | GroupReactionUsers
) -> dict[str, Any]:
    users, nxt = await s.hub.reactions.users(s.require_app(), msg, d.Reaction, d.NextSeq, d.Count)
    return {"Reaction_Account": users, "NextSeq": nxt}


@command(EXT, "reaction_iterate", C2CReactionUsers)
async def reaction_iterate(s: TencentSession, d: C2CReactionUsers) -> dict[str, Any]:
    """``getAllUserListOfMessageReaction`` in C2C: a page of users and ``NextSeq``."""
    return await _users(s, await _c2c_by_key(s, d.From_Account, d.To_Account, d.MsgKey), d)


@command(EXT, "group_reaction_iterate", GroupReactionUsers)
async def group_reaction_iterate(s: TencentSession, d: GroupReactionUsers) -> dict[str, Any]:
    """``getAllUserListOfMessageReaction`` in a group."""
    return await _users(s, await _group_msg(s, d.GroupId, d.MsgSeq), d)
