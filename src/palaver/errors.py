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
    6012: "(web/IM SDK) request timeout. Not in the header I read: unconfirmed",
    6013: "SDK not initialised",
    6014: "not logged in, or kicked",
    6017: "invalid parameters",
    6026: "no previous login (auto-login)",
    6200: "(native SDK) network unavailable / request failed. Unconfirmed; not in the 2021 header",
    6206: "UserSig expired at login (ERR_USER_SIG_EXPIRED)",
    6208: 'kicked offline: the same account logged in on another device (ERR_LOGIN_KICKED_OFF_BY_OTHER). This is the native "kick-out code"',
    7003: "invalid UserID",
    7015: "local profanity hit (tim-profanity-filter-plugin)",
    7501: "login/logout in progress",
    7502: "login/logout in progress",
    8001: "message > 8 KB",
    9004: "AddSource lacks the `AddSource_Type_` prefix",
    10002: "internal error",
    10003: "bad command name",
    10004: "invalid parameters",
    10005: "too many accounts in one request",
    10006: "rate limit",
    10007: 'permission denied (also used for "not a group member")',
    10008: "invalid request/signature",
    10009: "owner can't quit",
    10010: "group does not exist / dismissed",
    10011: "JSON parse",
    10012: "invalid operator UserID",
    10013: "already a member",
    10014: "group full",
    10015: "invalid group ID",
    10016: "app backend callback rejected the operation",
    10017: "muted",
    10018: "response > 1 MB (legacy long-poll also uses this)",
    10019: "account does not exist",
    10021: "group ID in use",
    10023: "send-rate limit",
    10024: "request already handled",
    10025: "group ID in use and the caller is its owner",
    10026: "command disabled",
    10030: "recall: message not found",
    10031: "recall time limit",
    10032: "message can't be recalled",
    10033: "group type can't recall",
    10034: "delete not supported",
    10035: "delete not supported",
    10036: "AVChatRoom count limit",
    10037: "per-user create/join limit",
    10038: "member limit",
    20001: "invalid request packet (check that sender/receiver exist)",
    20002: "internal auth failed (UserSig/A2 invalid)",
    20003: "sender or receiver UserID invalid / not imported",
    20004: "network error, retry",
    20005: "internal error, retry",
    20006: "C2C before-send callback (app backend) forbade delivery",
    20007: "sender is on the receiver's blacklist",
    20009: 'not friends with each other, send forbidden (only if "check friendship for C2C" is enabled)',
    20010: "sender is not in the receiver's friend list (one-way)",
    20011: "receiver is not in the sender's friend list (one-way)",
    20012: "sender muted",
    20016: "recall time limit exceeded (default 2 min)",
    20018: "delete-roaming internal error",
    30001: "bad parameters, or already friends (add) / not friends (delete, update, get) / already (or not) on the blacklist",
    30002: "SDKAppID mismatch",
    30003: "account does not exist",
    30004: "admin required",
    30005: "sensitive words",
    30006: "internal error",
    30007: "timeout",
    30008: "concurrent-write conflict (use batch calls)",
    30009: "backend forbids this user from adding friends",
    30010: "own friend limit reached",
    30011: "friend-group limit",
    30012: "pending limit",
    30013: "blacklist limit",
    30014: "peer's friend limit",
    30515: "target is on my blacklist",
    30516: "target's AllowType is DenyAny",
    30525: "I am on the target's blacklist",
    30539: "target needs confirmation: a pending request was created",
    30540: "security-limited",
    30614: "pending request not found",
    31704: "deleting a non-friend",
    31707: "security-limited",
    31804: "account not found",
    40601: "profile value > 500 B",
    40605: "wrong standard-field value or type",
    40610: "wrong standard-field value or type",
    50001: "conversation: account not imported",
    50002: "conversation: bad parameters",
    50003: "conversation: admin required",
    50004: "conversation: internal error",
    50005: "conversation: timeout",
    60002: "bad HTTP URL",
    60003: "bad request JSON",
    60004: "identifier or UserSig wrong in the URL/body",
    60005: "identifier or UserSig wrong in the URL/body",
    60006: "invalid SDKAppID",
    60007: "rate limited",
    60008: "request timeout. The legacy webim long-poll returns 60008 when there is nothing new (normal)",
    60009: "bad request resource (URL)",
    60010: "the REST identifier is not an App admin",
    60011: "rate limited",
    60012: "sdkappid missing",
    60015: "identifier not a string",
    60016: "app/request disabled",
    60017: "app/request disabled",
    60018: "rate limited",
    60019: "rate limited",
    60020: "no package (or expired package)",
    60021: "disallowed caller IP",
    70001: "UserSig expired",
    70002: "UserSig empty",
    70003: "UserSig check failed: malformed or truncated",
    70005: "UserSig check failed (variant)",
    70009: "UserSig verification failed: signed with another key",
    70013: "identifier in the request does not match the UserSig",
    70014: "SDKAppID in the request does not match the UserSig",
    70016: "no key configured to verify this UserSig",
    70020: "SDKAppID not found",
    70050: "too many failed attempts; retry after 1 min",
    70051: "account blacklisted",
    70052: "UserSig invalidated (the user was kicked)",
    70107: "user account not imported / does not exist",
    70114: "restricted for security",
    70169: "server internal timeout, retry",
    70206: "invalid batch size",
    70398: "account-count limit exceeded",
    70399: "(account_import) on non-trial apps a deleted account can't be re-imported for a while (text truncated; unconfirmed)",
    70402: "invalid parameters",
    70403: "requires App admin",
    70500: "internal error",
    80001: "text hit the sensitive-word filter",
    80002: "message body larger than 8 KB",
    80004: "sensitive media (uikit constant)",
    90001: "JSON parse failed",
    90002: "MsgBody malformed",
    90003: "To_Account missing/invalid",
    90005: "MsgRandom missing/not an integer",
    90006: "MsgTimeStamp missing/not an integer",
    90007: "MsgBody not an array",
    90009: "admin required",
    90010: "MsgBody malformed",
    90011: "batch > 500 targets",
    90012: "To_Account not registered",
    90026: "MsgLifeTime > 7 days",
    90031: "SyncOtherMachine not an integer",
    90044: "MsgLifeTime not an integer",
    90048: "account does not exist",
    90992: "internal error; if every request gets it and callbacks are on, check that the callback server answers",
    90994: "internal errors",
    90995: "internal errors",
    91000: "internal errors",
    91101: "legacy web long-poll kicked (too many concurrent web instances)",
    93000: "JSON packet > 8 KB",
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
