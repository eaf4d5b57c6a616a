"""Errors with Tencent Cloud IM error codes.

Every failure a client can see is an :class:`ImError` carrying the numeric
Tencent code and a human-readable ``ErrorInfo``.  The REST layer turns it into
``{"ActionStatus": "FAIL", "ErrorCode": code, "ErrorInfo": info}`` (HTTP 200),
the CLI prints ``code: meaning``.

Hierarchy::

    ImError
    └── UserSigError      (70001, 70003, 70009, 70013, 70014, 70016, ...)

Codes and meanings follow Tencent IM's error-code pages
(cloud.tencent.com/document/product/269/1671) and ``V2TIMErrorCode.h``, whose
names :class:`Code` uses: call sites read ``ImError(Code.ERR_SVR_GROUP_NOT_FOUND)``.
"""

from __future__ import annotations

from enum import IntEnum


class Code(IntEnum):
    """Tencent IM error codes Palaver returns, by the names of Tencent's
    ``V2TIMErrorCode.h`` (``ERR_SVR_*``: server codes, the REST ``ErrorCode``)."""

    # client SDK
    ERR_SDK_NOT_LOGGED_IN = 6014
    ERR_INVALID_PARAMETERS = 6017
    ERR_SDK_MSG_MODIFY_CONFLICT = 2480
    ERR_SDK_MSG_MODIFY_DISABLED_IN_AV = 2481
    # media uploads: the web SDK's codes (@tencentcloud/chat 3.6.6 error table,
    # V2TIMErrorCode.h ERR_FILE_TRANS_*)
    MSG_F_IS_EMPTY = 2108
    MSG_I_TYPES_LIMIT = 2252
    MSG_I_SIZE_LIMIT = 2253
    MSG_A_SIZE_LIMIT = 2301
    MSG_V_SIZE_LIMIT = 2351
    MSG_V_TYPES_LIMIT = 2352
    MSG_F_UPLOAD_FAIL = 2400
    MSG_F_SIZE_LIMIT = 2402
    ERR_FILE_TRANS_AUTH_FAILED = 6006
    ERR_FILE_TRANS_UPLOAD_FAILED = 6008
    ERR_FILE_TRANS_DOWNLOAD_FAILED = 6009
    # groups (group_open_http_svc)
    ERR_SVR_GROUP_INTERNAL_ERROR = 10002
    ERR_SVR_GROUP_API_NAME_ERROR = 10003
    ERR_SVR_GROUP_INVALID_PARAMETERS = 10004
    ERR_SVR_GROUP_FREQ_LIMIT = 10006
    ERR_SVR_GROUP_ACOUNT_COUNT_LIMIT = 10005
    ERR_SVR_GROUP_PERMISSION_DENY = 10007
    ERR_SVR_GROUP_SUPER_NOT_ALLOW_QUIT = 10009
    ERR_SVR_GROUP_NOT_FOUND = 10010
    ERR_SVR_GROUP_JSON_PARSE_FAILED = 10011
    ERR_SVR_GROUP_INVALID_ID = 10012
    ERR_SVR_GROUP_ALLREADY_MEMBER = 10013
    ERR_SVR_GROUP_FULL_MEMBER_COUNT = 10014
    ERR_SVR_GROUP_INVALID_GROUPID = 10015
    ERR_SVR_GROUP_REJECT_FROM_THIRDPARTY = 10016
    ERR_SVR_GROUP_SHUTUP_DENY = 10017
    ERR_SVR_GROUP_ACCOUNT_NOT_FOUND = 10019
    ERR_SVR_GROUP_GROUPID_IN_USED = 10021
    ERR_SVR_GROUP_SEND_MSG_FREQ_LIMIT = 10023
    ERR_SVR_GROUP_REQ_ALLREADY_BEEN_PROCESSED = 10024
    ERR_SVR_GROUP_GROUPID_IN_USED_FOR_SUPER = 10025
    ERR_SVR_GROUP_REVOKE_MSG_NOT_FOUND = 10030
    ERR_SVR_GROUP_REVOKE_MSG_TIME_LIMIT = 10031
    ERR_SVR_GROUP_MEMBER_COUNT_LIMIT = 10038
    #: an 11th pinned message in a group (``pinGroupMessage``)
    ERR_SVR_GROUP_PINNED_MESSAGE_COUNT_LIMIT = 10070
    #: the message is pinned already
    ERR_SVR_GROUP_MESSAGE_ALREADY_PINNED = 10071
    # messages (openim)
    ERR_SVR_MSG_PKG_PARSE_FAILED = 20001
    ERR_SVR_MSG_INVALID_ID = 20003
    ERR_SVR_MSG_PUSH_DENY = 20006
    ERR_SVR_MSG_IN_PEER_BLACKLIST = 20007
    ERR_SVR_MSG_BOTH_NOT_FRIEND = 20009
    ERR_SVR_MSG_NOT_PEER_FRIEND = 20010
    ERR_SVR_MSG_NOT_SELF_FRIEND = 20011
    ERR_SVR_MSG_SHUTUP_DENY = 20012
    ERR_SVR_MSG_REVOKE_TIME_LIMIT = 20016
    ERR_SVR_MSG_NOT_FOUND = 20026
    #: a message extension was written by someone else first (its ``Seq`` is stale)
    ERR_SVR_MSG_EXTENSION_CONFLICT = 23001
    ERR_SVR_MSG_MODIFY_CONFLICT = 20027
    # relationships (sns)
    ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS = 30001
    ERR_SVR_FRIENDSHIP_ACCOUNT_NOT_FOUND = 30003
    ERR_SVR_FRIENDSHIP_COUNT_LIMIT = 30010
    ERR_SVR_FRIENDSHIP_PEER_FRIEND_LIMIT = 30014
    ERR_SVR_FRIENDSHIP_IN_SELF_BLACKLIST = 30515
    ERR_SVR_FRIENDSHIP_ALLOW_TYPE_DENY_ANY = 30516
    ERR_SVR_FRIENDSHIP_IN_PEER_BLACKLIST = 30525
    ERR_SVR_FRIENDSHIP_ALLOW_TYPE_NEED_CONFIRM = 30539
    ERR_SVR_FRIENDSHIP_PENDENCY_NOT_FOUND = 30614
    ERR_SVR_FRIENDSHIP_DEL_NONFRIEND = 31704
    #: the app backend's ``Sns.CallbackPrevFriendAdd`` refused (38000–39000 are the
    #: backend's own codes; Tencent's header has no name for them)
    SNS_CALLBACK_REFUSED = 38000
    # profiles
    ERR_SVR_PROFILE_INVALID_PARAMETERS = 40001
    ERR_SVR_PROFILE_ACCOUNT_NOT_FOUND = 40003
    ERR_SVR_PROFILE_TAG_NOT_FOUND = 40009
    ERR_SVR_PROFILE_SIZE_LIMIT = 40601
    ERR_SVR_PROFILE_VALUE_ERROR = 40605
    ERR_SVR_PROFILE_INVALID_VALUE_FORMAT = 40610
    # conversations (recentcontact)
    ERR_SVR_CONV_ACCOUNT_NOT_FOUND = 50001
    ERR_SVR_CONV_INVALID_PARAMETERS = 50002
    # common REST
    ERR_SVR_COMM_INVALID_HTTP_URL = 60002
    #: cloud search: bad keywords, count or cursor (the SDK's ``SearchParamsError``)
    ERR_SVR_SEARCH_INVALID_PARAMETERS = 27003
    ERR_SVR_COMM_REQ_JSON_PARSE_FAILED = 60003
    ERR_SVR_COMM_INVALID_ACCOUNT = 60004
    ERR_SVR_COMM_INVALID_SDKAPPID = 60006
    ERR_SVR_COMM_RATE_LIMITED = 60007
    ERR_SVR_COMM_INVALID_RES = 60009
    ERR_SVR_COMM_ID_NOT_ADMIN = 60010
    ERR_SVR_COMM_SDKAPPID_MISS = 60012
    # accounts and UserSig
    ERR_SVR_ACCOUNT_USERSIG_EXPIRED = 70001
    ERR_SVR_ACCOUNT_USERSIG_EMPTY = 70002
    ERR_SVR_ACCOUNT_USERSIG_CHECK_FAILED = 70003
    ERR_SVR_ACCOUNT_USERSIG_MISMATCH_PUBLICKEY = 70009
    ERR_SVR_ACCOUNT_USERSIG_MISMATCH_ID = 70013
    ERR_SVR_ACCOUNT_USERSIG_MISMATCH_SDKAPPID = 70014
    ERR_SVR_ACCOUNT_USERSIG_PUBLICKEY_NOT_FOUND = 70016
    ERR_SVR_ACCOUNT_SDKAPPID_NOT_FOUND = 70020
    ERR_SVR_ACCOUNT_INVALID_USERSIG = 70052
    ERR_SVR_ACCOUNT_NOT_FOUND = 70107
    #: "server internal timeout, retry": Palaver's "server busy, retry after N ms"
    ERR_SVR_ACCOUNT_SERVER_BUSY = 70169
    ERR_SVR_ACCOUNT_COUNT_LIMIT = 70398
    ERR_SVR_ACCOUNT_INVALID_PARAMETERS = 70402
    ERR_SVR_ACCOUNT_ADMIN_REQUIRED = 70403
    ERR_SVR_ACCOUNT_INTERNAL_ERROR = 70500
    # content
    ERR_SVR_COMM_SENSITIVE_TEXT = 80001
    ERR_SVR_COMM_BODY_SIZE_LIMIT = 80002
    # message format (openim)
    ERR_SVR_MSG_JSON_PARSE_FAILED = 90001
    ERR_SVR_MSG_INVALID_JSON_BODY_FORMAT = 90002
    ERR_SVR_MSG_INVALID_TO_ACCOUNT = 90003
    ERR_SVR_MSG_INVALID_RAND = 90005
    ERR_SVR_MSG_INVALID_TIMESTAMP = 90006
    ERR_SVR_MSG_BODY_NOT_ARRAY = 90007
    ERR_SVR_MSG_ADMIN_REQUIRED = 90009
    ERR_SVR_MSG_TO_ACCOUNT_COUNT_LIMIT = 90011
    ERR_SVR_MSG_TO_ACCOUNT_NOT_FOUND = 90012
    ERR_SVR_MSG_TIME_LIMIT = 90026
    ERR_SVR_MSG_ACCOUNT_NOT_FOUND = 90048
    ERR_SVR_MSG_BODY_SIZE_LIMIT = 93000


#: Meaning of the codes Palaver returns, as Tencent documents them.
CODE_MEANINGS: dict[int, str] = {
    0: "OK",
    2108: "the file is empty",
    2480: "the message was modified by someone else first",
    2481: "messages of an AVChatRoom cannot be modified",
    2252: "not an image of a supported type (JPG, GIF, PNG, BMP, WebP)",
    2253: "the image is larger than the app's limit",
    2301: "the voice message is larger than the app's limit",
    2351: "the video is larger than the app's limit",
    2352: "not a video of a supported type (MP4, MOV, WebM)",
    2400: "the file upload failed",
    2402: "the file is larger than the app's limit",
    6006: "upload not authorised (bad or expired UserSig or upload ticket)",
    6008: "the file could not be stored (storage full or unavailable); retry later",
    6009: "the file does not exist (or is not stored yet)",
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
    10070: "at most 10 pinned messages in a group",
    10071: "the message is pinned already",
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
    20026: "the message does not exist (or was recalled)",
    23001: "message extension write conflict: the key changed since the Seq given",
    20027: "the message was modified by someone else first (MsgVersion is old)",
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


class StoreUnavailable(Exception):
    """The file store cannot take or give bytes now (disk full, I/O error, object
    store down); the media service answers 6008."""
