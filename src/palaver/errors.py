"""Errors with Tencent Cloud IM error codes.

Every failure a client can see is an :class:`ImError` carrying the numeric
Tencent code and a human-readable ``ErrorInfo``.  The REST layer turns it into
``{"ActionStatus": "FAIL", "ErrorCode": code, "ErrorInfo": info}`` (HTTP 200),
the CLI prints ``code: meaning``.

Hierarchy::

    ImError
    └── UserSigError      (70001, 70003, 70009, 70013, 70014, 70016, ...)

Codes and meanings follow Tencent IM's error-code pages
(cloud.tencent.com/document/product/269/1671) and ``V2TIMErrorCode.h``.
"""

from __future__ import annotations

#: Meaning of the codes Palaver returns, as Tencent documents them.
CODE_MEANINGS: dict[int, str] = {
    0: "OK",
    60002: "bad HTTP URL",
    60003: "bad request JSON",
    60006: "invalid SDKAppID",
    60009: "bad request resource (URL)",
    60010: "the REST identifier is not an App admin",
    60012: "sdkappid missing",
    70001: "UserSig expired",
    70002: "UserSig empty",
    70003: "UserSig check failed: malformed or truncated",
    70009: "UserSig verification failed: signed with another key",
    70013: "identifier in the request does not match the UserSig",
    70014: "SDKAppID in the request does not match the UserSig",
    70016: "no key configured to verify this UserSig",
    70020: "SDKAppID not found",
    70052: "UserSig invalidated (the user was kicked)",
    70107: "user account not imported / does not exist",
    70398: "account-count limit exceeded",
    70402: "invalid parameters",
    70403: "requires App admin",
    70500: "internal error",
    80002: "message body larger than 8 KB",
}


class ImError(Exception):
    """A failure with a Tencent IM error code.

    Args:
        code: the Tencent ``ErrorCode`` (for example 70107).
        info: the ``ErrorInfo`` text; defaults to the known meaning of ``code``.
    """

    def __init__(self, code: int, info: str | None = None) -> None:
        self.code = code
        self.info = info if info is not None else CODE_MEANINGS.get(code, "error")
        super().__init__(f"{code}: {self.info}")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.info!r})"


class UserSigError(ImError):
    """A UserSig failed to verify (70001, 70003, 70009, 70013, 70014, 70016...)."""
