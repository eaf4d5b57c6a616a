"""Identifiers the SDK keeps between requests: TinyIds, A2 keys and sync cookies.

- **TinyId**: Tencent's numeric user id. The SDK builds every message ID as
  ``<sender TinyId>-<MsgClientTime>-<MsgRandom>``, so each device must get the
  same TinyId for a user: it is derived from the UserID, stable across nodes
  and restarts.
- **A2 key**: the credential the SDK sends instead of the UserSig after the
  first login of a session, including on the re-login after a reconnect. It is
  signed (HMAC-SHA256 with a key derived from the app's ``session_key``), so any
  node can check it, after a restart too, and expires with the UserSig it came from.
- **Cookie** of ``openim.getmsg``: opaque to the SDK, which sends the last one
  back after a reconnect. Palaver puts the user's stream position in it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

import orjson

#: TinyIds look like Tencent's: 2**57 (144115188075855872) plus 40 bits of hash.
_TINY_BASE = 1 << 57


def tiny_id(user_id: str) -> str:
    """The TinyId of a user (a decimal string, as the SDK keeps it). It depends on
    the UserID only, so a push encoded once serves every app's devices alike."""
    h = hashlib.sha256(user_id.encode()).digest()
    return str(_TINY_BASE + int.from_bytes(h[:5], "big"))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class A2:
    """What an A2 key vouches for: the user, when it was issued and until when
    it is good (unix s, the expiry of the UserSig it was issued for)."""

    sdkappid: int
    user_id: str
    issued: int
    expires: int


def a2_secret(session_key: str) -> bytes:
    """The HMAC key of an app's A2 keys, derived from the app's ``session_key``
    (a random secret in the database, so every node has it)."""
    return hashlib.sha256(b"palaver tencent a2\x00" + session_key.encode()).digest()


def make_a2(secret: bytes, a2: A2) -> str:
    """An A2 key: ``<payload>.<signature>``, both base64url."""
    payload = _b64(orjson.dumps([a2.sdkappid, a2.user_id, a2.issued, a2.expires]))
    mac = hmac.new(secret, payload.encode(), hashlib.sha256).digest()[:18]
    return f"{payload}.{_b64(mac)}"


def read_a2(secret: bytes, token: str) -> A2 | None:
    """The A2 a key vouches for, or ``None`` if it is malformed or not signed with ``secret``.
    (Expiry and kicks are the caller's to check.)"""
    payload, _, mac = token.partition(".")
    try:
        want = hmac.new(secret, payload.encode(), hashlib.sha256).digest()[:18]
        if not hmac.compare_digest(want, _unb64(mac)):
            return None
        app, user, issued, expires = orjson.loads(_unb64(payload))
        return A2(int(app), str(user), int(issued), int(expires))
    except (ValueError, TypeError, orjson.JSONDecodeError):
        return None


def a2_app(token: str) -> int | None:
    """The SDKAppID an A2 key names (unverified), to find the key that checks it."""
    try:
        return int(orjson.loads(_unb64(token.partition(".")[0]))[0])
    except (ValueError, TypeError, IndexError, orjson.JSONDecodeError):
        return None


def make_cookie(cursor: int) -> str:
    """The ``getmsg`` cookie of a user-stream position."""
    return f"p1.{cursor}"


def read_cookie(cookie: str) -> int | None:
    """The user-stream position in a cookie, or ``None`` (empty or not Palaver's)."""
    head, _, tail = cookie.partition(".")
    return (
        int(tail) if head == "p1" and tail.isascii() and tail.isdigit() and len(tail) < 19 else None
    )
