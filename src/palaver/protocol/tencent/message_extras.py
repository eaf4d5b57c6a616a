"""Pushes of message extensions and pinned group messages in Tencent's protocol
(docs/tencent-client-protocol.md §8), as ``@tencentcloud/chat`` 3.6.6 reads them:

- ``MESSAGE_EXTENSIONS_UPDATED`` / ``…_DELETED``: ``MsgExtensionNotify`` with the
  message named by its sender's ``TinyId``, ``MsgClientTime`` and ``MsgRandom``
  (``ExtensionC2cMsgInfo`` / ``ExtensionGroupMsgInfo``), ``MsgOptType`` 1 set, 2
  delete, 3 clear, the keys in ``SetKVInfo`` / ``DeleteKVInfo`` / ``ClearKVInfo``
  and the message's extension sequence ``MsgLastSeq``.
- ``PINNED_GROUP_MESSAGE_UPDATED``: a group tip (``Event`` 4) whose ``OpType`` is
  16 (pinned: the message in ``PinnedMsg``) or 17 (unpinned: named in
  ``SdkGroupMessageId``); the SDK emits ``onPinnedGroupMessageUpdated``.
"""

from __future__ import annotations

from typing import Any

from palaver.protocol.frames import Push
from palaver.protocol.tencent import objects as o
from palaver.protocol.tencent.ids import tiny_id

Body = dict[str, Any]

#: ``Event`` of a ``MsgExtensionNotify`` (the SDK dispatches on the key).
EV_EXTENSIONS = o.EV_REACTIONS
#: ``MsgOptType``
OPT_SET, OPT_DELETE, OPT_CLEAR = 1, 2, 3
#: Group tip ``OpType`` of a pin and an unpin.
TIP_PINNED, TIP_UNPINNED = 16, 17


def _notify(d: Body, opt: int, results_key: str, results: list[Body]) -> Body:
    info = {
        "TinyId": tiny_id(d["from"]),
        "MsgClientTime": d["clientTime"],
        "MsgRandom": d["random"],
        "MsgSeq": d["sequence"],
    }
    where = (
        "ExtensionGroupMsgInfo"
        if d["conversationID"].startswith("GROUP")
        else "ExtensionC2cMsgInfo"
    )
    notify = {
        where: info,
        "TinyId": info["TinyId"],
        "MsgOptType": opt,
        results_key: results,
        "MsgLastSeq": d["globalSequence"],
    }
    return {"EventArray": [{"Event": EV_EXTENSIONS, "MsgExtensionNotify": notify}]}


def extensions_updated(d: Body, push: Push) -> Body | None:
    """``MESSAGE_EXTENSIONS_UPDATED``: ``SetKVInfo`` with the keys written."""
    seqs = d.get("extensionSeqs") or {}
    kvs = [
        {"Key": e["key"], "Value": e["value"], "Seq": seqs.get(e["key"], d["globalSequence"])}
        for e in d["extensions"]
    ]
    return _notify(d, OPT_SET, "SetKVInfo", [{"MsgKeyValue": kvs, "ClearMsgSeq": 0}])


def extensions_deleted(d: Body, push: Push) -> Body | None:
    """``MESSAGE_EXTENSIONS_DELETED``: ``DeleteKVInfo`` with the keys (value ""),
    or ``ClearKVInfo`` with the clear sequence."""
    if d.get("cleared"):
        item = {"MsgKeyValue": [], "ClearMsgSeq": d["clearSequence"]}
        return _notify(d, OPT_CLEAR, "ClearKVInfo", [item])
    kvs = [{"Key": k, "Value": "", "Seq": d["globalSequence"]} for k in d["keyList"]]
    return _notify(d, OPT_DELETE, "DeleteKVInfo", [{"MsgKeyValue": kvs, "ClearMsgSeq": 0}])


def pinned(d: Body, push: Push) -> Body | None:
    """``PINNED_GROUP_MESSAGE_UPDATED``: a group tip of ``OpType`` 16 / 17."""
    m = d["message"]
    operator = d["operatorInfo"]["userID"]
    body: Body = {"OpType": TIP_PINNED if d["isPinned"] else TIP_UNPINNED}
    body["Operator_Account"] = operator
    # the SDK reads the pin's operator from here (elements.operatorInfo)
    body["OperatorInfo"] = {"Member_Account": operator, "Nick": "", "Avatar": ""}
    if d["isPinned"]:
        body["PinnedMsg"] = o.group_message(m)
    else:
        body["SdkGroupMessageId"] = {
            "MsgClientTime": o.client_time(m),
            "MsgRandom": m["random"],
            "SenderTinyId": tiny_id(m["from"]),
            "ServerTime": m["time"],
            "MsgSeq": m["sequence"],
        }
    group_id = d["groupID"]
    tip = {
        "GroupInfo": {"GroupId": group_id},
        "ToGroupId": group_id,
        "MsgSeq": 0,
        "MsgRandom": 0,
        "MsgTimeStamp": m["time"],
        "From_Account": operator,
        "TinyId": tiny_id(operator),
        "MsgBody": body,
    }
    return {"EventArray": [{"Event": o.EV_GROUP_TIP, "GroupTips": [tip]}]}
