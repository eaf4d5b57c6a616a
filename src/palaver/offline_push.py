"""``OfflinePushInfo``: how a message should be pushed to receivers who are offline.

Tencent IM's object (cloud.tencent.com/document/product/269/2720, "OfflinePushInfo"):
``PushFlag`` (0 push, 1 do not push), ``Title``, ``Desc``, ``Ext`` (strings),
``AndroidInfo`` and ``ApnsInfo`` (objects of vendor settings). It comes with a
send (REST ``sendmsg``/``batchsendmsg``/``send_group_msg``, Tencent's client
``sendmsg``/``send_group_msg``, Palaver's ``sendMessage``), is stored with the
message, reaches the app backend's after-send callback (the offline-push hook)
and is shown with the message in Palaver's protocol (``offlinePushInfo``).

:func:`check_offline_push` is the one check every front door applies
(:data:`OfflinePushField`, a pydantic type: a bad value is the front door's
invalid-parameter error, e.g. 90001 for REST ``openim``, 10004 for groups).
Fields Palaver does not know are kept (Tencent adds some over time) but count
in the size limit. This module is sans-I/O.
"""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from pydantic import AfterValidator

from palaver.limits import MAX_OFFLINE_PUSH_BYTES, json_depth

#: The string fields and the object fields of Tencent's ``OfflinePushInfo``.
STRING_FIELDS = ("Title", "Desc", "Ext")
OBJECT_FIELDS = ("AndroidInfo", "ApnsInfo")
#: ``AndroidInfo`` / ``ApnsInfo`` hold flat settings: the whole object nests 3 deep.
MAX_DEPTH = 4


def check_offline_push(value: Any) -> dict[str, Any] | None:
    """``value`` if it is a valid ``OfflinePushInfo`` (``None`` stays ``None``).

    Raises:
        ValueError: not a JSON object; ``PushFlag`` not the integer 0 or 1;
            ``Title``/``Desc``/``Ext`` not strings; ``AndroidInfo``/``ApnsInfo``
            not objects; nested deeper than :data:`MAX_DEPTH`; more than
            :data:`~palaver.limits.MAX_OFFLINE_PUSH_BYTES` bytes of JSON.
    """
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError("OfflinePushInfo must be an object")
    flag = value.get("PushFlag", 0)
    if type(flag) is not int or flag not in (0, 1):
        raise ValueError("OfflinePushInfo.PushFlag must be 0 (push) or 1 (no push)")
    for key in STRING_FIELDS:
        if not isinstance(value.get(key, ""), str):
            raise ValueError(f"OfflinePushInfo.{key} must be a string")
    for key in OBJECT_FIELDS:
        if not isinstance(value.get(key, {}), dict):
            raise ValueError(f"OfflinePushInfo.{key} must be an object")
    if json_depth(value, MAX_DEPTH) > MAX_DEPTH:
        raise ValueError(f"OfflinePushInfo is nested deeper than {MAX_DEPTH} levels")
    size = len(orjson.dumps(value))
    if size > MAX_OFFLINE_PUSH_BYTES:
        raise ValueError(
            f"OfflinePushInfo holds {size} bytes of JSON; at most {MAX_OFFLINE_PUSH_BYTES}"
        )
    return value


#: A request field holding an ``OfflinePushInfo`` (checked by :func:`check_offline_push`).
OfflinePushField = Annotated[dict[str, Any] | None, AfterValidator(check_offline_push)]
