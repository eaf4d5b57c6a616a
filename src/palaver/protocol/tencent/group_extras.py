"""Group attribute and counter pushes in Tencent's protocol (added to
:data:`palaver.protocol.tencent.pushes._BUILDERS`).

``@tencentcloud/chat`` takes both as ``GroupTips`` of ``Event`` 6, never shown as
messages: attributes in ``MsgBody.MsgGroupNewInfo.GroupAttrOption``
(``GroupAttrSeq``, ``PushChangedAttrValFlag`` 1, ``GroupAttrInfo: [{key, Val,
SubKeySeq}]``, ``OpType`` 1 init, 2 set, 3 clear, 4 delete), counters in
``MsgBody.groupCounterInfo: [{type: 0, groupCounterSeq, counterList: [{key,
value}]}]``. An SDK that missed a change (its sequence is behind) fetches the
attributes again by itself.
"""

from __future__ import annotations

from typing import Any

from palaver.protocol.frames import Push

Body = dict[str, Any]

EV_GROUP_EXTRA = 6
#: ``GROUP_ATTRIBUTES_UPDATED`` ``operation`` -> ``GroupAttrOption.OpType``.
ATTR_OPS = {"init": 1, "set": 2, "clear": 3, "delete": 4}


def _tip(group_id: str, body: Body) -> Body:
    item = {
        "GroupInfo": {"GroupId": group_id},
        "ToGroupId": group_id,
        "MsgSeq": 0,
        "MsgRandom": 0,
        "MsgTimeStamp": 0,
        "From_Account": "",
        "MsgBody": body,
    }
    return {"EventArray": [{"Event": EV_GROUP_EXTRA, "GroupTips": [item]}]}


def attributes(d: Body, push: Push) -> Body | None:
    """``GROUP_ATTRIBUTES_UPDATED`` as an attribute notice."""
    op = d.get("operation", "set")
    seq = d.get("mainSequence", 0)
    attrs: dict[str, str] = d.get("groupAttributes") or {}
    keys = d.get("deletedKeyList") if op == "delete" else d.get("updatedKeyList")
    info = [
        {"key": k, "Val": attrs.get(k, ""), "SubKeySeq": seq}
        for k in (keys or [])
        if op == "delete" or k in attrs
    ]
    option = {
        "GroupAttrSeq": seq,
        "PushChangedAttrValFlag": 1,
        "GroupAttrInfo": info,
        "OpType": ATTR_OPS.get(op, 2),
    }
    return _tip(d["groupID"], {"OpType": 6, "MsgGroupNewInfo": {"GroupAttrOption": option}})


def counters(d: Body, push: Push) -> Body | None:
    """``GROUP_COUNTER_UPDATED`` as a counter notice."""
    items = [{"key": k, "value": v} for k, v in (d.get("counters") or {}).items()]
    info = [{"type": 0, "groupCounterSeq": d.get("sequence", 0), "counterList": items}]
    return _tip(d["groupID"], {"groupCounterInfo": info})
