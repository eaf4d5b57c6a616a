"""Input limits every front door applies the same way (issue 13).

The REST API, Palaver's WebSocket protocol and Tencent's client protocol hand
each decoded JSON request to :func:`screen` before any command sees it. It
refuses, with the caller's invalid-parameter code:

- nesting deeper than :data:`MAX_DEPTH` levels (a stored value nested deeper
  than a frame can hold would break every stream it is pushed on);
- NUL characters in any string or key (PostgreSQL text cannot hold them),
  except inside message bodies (:data:`NUL_KEPT`), which are stored as JSON;
- integers outside a signed 64-bit integer (no column can hold them), except
  the uint64 values of custom fields (:data:`UINT64_KEYS`). Floats are left to
  each command's model (a JSON integer past 64 bits reads as a float).

:func:`screen` first looks at the raw bytes (C-speed ``bytes`` methods and one
regex) and walks the decoded value only when they look suspicious, so an
ordinary request costs almost nothing.

For values already stored, :func:`stored_json` reads JSON back and reports
those that no frame could carry, so that readers skip them instead of
failing (a body written before these limits must never stop a stream).

This module is sans-I/O; :mod:`palaver.msgbody` uses :func:`json_depth` for
its tighter ``MsgBody`` limit.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

import orjson

from palaver.errors import Code, ImError

log = logging.getLogger("palaver.limits")

#: Deepest JSON nesting a request may have (Tencent's SDK maps keys to depth 100;
#: orjson cannot encode past 254 levels, and frames wrap values in ~10 more).
MAX_DEPTH = 100
#: Integers must fit a signed 64-bit column ...
INT_MIN = -(2**63)
INT_MAX = 2**63 - 1
#: ... except the values of Tencent's custom profile and relation fields
#: (``{"Tag": ..., "Value": n}``), which are uint64.
UINT64_KEYS = frozenset({"Value", "value"})
UINT64_MAX = 2**64 - 1
#: Largest ``OfflinePushInfo`` stored with a message (its compact JSON, bytes):
#: APNs caps a whole notification at 4 KB, so a bigger one could never be pushed
#: (:mod:`palaver.offline_push`).
MAX_OFFLINE_PUSH_BYTES = 4096

_BIG_NUMBER = re.compile(rb"\d{19}")


def json_depth(value: Any, limit: int) -> int:
    """Nesting depth of a JSON value (a scalar is 1), stopping early past ``limit``."""
    stack = [(value, 1)]
    deepest = 0
    while stack:
        v, d = stack.pop()
        if d > deepest:
            deepest = d
            if deepest > limit:
                return deepest
        if isinstance(v, dict):
            stack.extend((x, d + 1) for x in v.values())
        elif isinstance(v, list):
            stack.extend((x, d + 1) for x in v)
    return deepest


def suspicious(raw: bytes | str) -> bool:
    """Whether a raw JSON text may break a limit (deep, NUL, a huge number)."""
    b = raw.encode() if isinstance(raw, str) else raw
    return (
        b.count(b"{") + b.count(b"[") > MAX_DEPTH
        or b"\\u0000" in b
        or _BIG_NUMBER.search(b) is not None
    )


#: Keys whose values are stored as JSON text, where a NUL is kept (escaped):
#: message bodies (Tencent's ``MsgBody``, the Palaver protocol's ``payload``).
NUL_KEPT = frozenset({"MsgBody", "payload"})


def problem(value: Any, max_depth: int = MAX_DEPTH) -> str | None:
    """What is wrong with a decoded JSON value, or ``None``."""
    stack = [(value, 1, False, False)]
    while stack:
        v, d, nul_ok, u64 = stack.pop()
        if d > max_depth:
            return f"JSON nested deeper than {max_depth} levels"
        if isinstance(v, str):
            if not nul_ok and "\x00" in v:
                return "a string holds a NUL character"
        elif isinstance(v, bool):
            continue
        elif isinstance(v, int):
            if not INT_MIN <= v <= (UINT64_MAX if u64 else INT_MAX):
                return "an integer is out of range (signed 64-bit)"
        elif isinstance(v, dict):
            for k, x in v.items():
                if not nul_ok and "\x00" in k:
                    return "a key holds a NUL character"
                stack.append((x, d + 1, nul_ok or k in NUL_KEPT, k in UINT64_KEYS))
        elif isinstance(v, list | tuple):
            stack.extend((x, d + 1, nul_ok, u64) for x in v)
    return None


def screen(raw: bytes | str, value: Any, code: int) -> None:
    """Refuse a decoded request that breaks a limit (see the module docstring).

    Args:
        raw: the request's JSON text (``b""`` when unknown: the value is walked).
        value: its decoded value.
        code: the caller's invalid-parameter code.

    Raises:
        ImError: ``code``, saying which limit.
    """
    if raw and not suspicious(raw):
        return
    why = problem(value)
    if why is not None:
        raise ImError(code, why)


#: Stored JSON whose text has no more brackets than this needs no depth walk.
_SHALLOW = 64


def stored_json(text: str | bytes, what: str, placeholder: Any) -> Any:
    """Decode stored JSON; ``placeholder`` (and a warning naming ``what``) if it
    cannot be decoded or is nested too deep for any frame to carry it."""
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        log.warning("unreadable stored JSON skipped: %s", what)
        return copy.deepcopy(placeholder)
    if isinstance(text, str):
        brackets = text.count("{") + text.count("[")
    else:
        brackets = text.count(b"{") + text.count(b"[")
    if brackets > _SHALLOW and json_depth(value, MAX_DEPTH) > MAX_DEPTH:
        log.warning("stored JSON nested deeper than %d levels skipped: %s", MAX_DEPTH, what)
        return copy.deepcopy(placeholder)
    return value


#: SDKAppIDs are uint32 (Tencent's are 10 digits: 1400000000 and up).
SDKAPPID_MAX = 2**32 - 1


def parse_sdkappid(value: object) -> int:
    """An SDKAppID from a query parameter or a frame head: a JSON integer, or a
    string of 1-10 ASCII digits (no sign, space, ``_`` or full-width digit);
    at most :data:`SDKAPPID_MAX`.

    Raises:
        ImError: 60006 (``ERR_SVR_COMM_INVALID_SDKAPPID``) otherwise.
    """
    if isinstance(value, str) and 0 < len(value) <= 10 and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= SDKAPPID_MAX:
        return value
    raise ImError(Code.ERR_SVR_COMM_INVALID_SDKAPPID, "SDKAppID must be a number below 2^32")
