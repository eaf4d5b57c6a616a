"""A user's data moved out or erased (GDPR-style access and erasure).

:meth:`UserData.export` is the whole of what Palaver keeps about one user of
one app, as one JSON-ready document (``palaver account export``).
:meth:`UserData.erase` removes it (``palaver account erase``; REST
``im_open_login_svc/account_delete`` when the app sets ``account_delete_erases``).

The rules for what others hold (docs/deploy.md, "A user's data"):

- A C2C message is in two histories. Erasing one party keeps the other's:
  with ``messages="keep"`` (Tencent's ``account_delete``: the peers' roaming
  messages stay) the message stays as it was; with ``messages="redact"`` (the
  default of ``palaver account erase``) the messages the user *sent* lose their
  body and custom data and read as recalled, in C2C and group conversations
  alike, so no one can read what the user wrote. Their sequence numbers stay,
  so nobody's history gets a gap.
- Everything only the user has goes: account, profile, friends and blacklist
  (both ways), friend requests (both ways), the user's conversation list and
  event stream, group memberships and applications. Groups the user owned
  go on without an owner.
"""

from __future__ import annotations

import time
from typing import Any, Literal

import orjson

from palaver.errors import Code, ImError
from palaver.storage import Database
from palaver.storage import userdata as userdata_store

#: The ``format`` field of an export document.
EXPORT_FORMAT = "palaver-account-export/1"

MessagesRule = Literal["keep", "redact"]

#: ``MsgContent`` keys that point at media (Tencent's image, sound, file and video elements).
_MEDIA_KEYS = ("URL", "Url", "VideoUrl", "ThumbUrl")


def _media(body: list[Any]) -> list[str]:
    """The media URLs of a ``MsgBody`` (``ImageInfoArray[].URL``, ``Url``, ``VideoUrl``...)."""
    urls: list[str] = []
    for elem in body:
        content = elem.get("MsgContent") if isinstance(elem, dict) else None
        if not isinstance(content, dict):
            continue
        for key in _MEDIA_KEYS:
            if isinstance(content.get(key), str) and content[key]:
                urls.append(content[key])
        for image in content.get("ImageInfoArray") or []:
            if isinstance(image, dict) and isinstance(image.get("URL"), str):
                urls.append(image["URL"])
    return urls


def _message(row: dict[str, Any], user_id: str) -> dict[str, Any]:
    body = orjson.loads(row["body"])
    group = userdata_store.is_group_conv(row["conv_id"])
    return {
        "ConversationType": "GROUP" if group else "C2C",
        "GroupId" if group else "Peer_Account": (
            row["to_account"] if group or row["from_account"] == user_id else row["from_account"]
        ),
        "From_Account": row["from_account"],
        "To_Account": row["to_account"],
        "MsgSeq": row["seq"],
        "MsgRandom": row["random"],
        "MsgTimeStamp": row["msg_time"],
        "MsgKey": row["msg_key"],
        "MsgBody": body,
        "CloudCustomData": row["cloud_custom_data"] or "",
        "Recalled": bool(row["flags"] & 1),
    }


def _json_value(value: str) -> Any:
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        return value


class UserData:
    """Export and erase one user's data.

    Args:
        db: the database.
    """

    def __init__(self, db: Database) -> None:
        self._db = db

    async def export(self, sdkappid: int, user_id: str) -> dict[str, Any]:
        """Everything kept about ``user_id``::

            {"format": "palaver-account-export/1", "SDKAppID", "UserID", "ExportedAt",
             "Account": {"Type", "CreatedAt"}, "Profile": {tag: value},
             "Friends": [...], "FriendRequestsSent": [...], "FriendRequestsReceived": [...],
             "Blacklist": [...], "Conversations": [...], "Groups": [...],
             "GroupApplications": [...], "Messages": [...], "Media": [url, ...]}

        ``Messages``: C2C messages the user sent or received and group
        messages the user sent, oldest first, in the REST API's field names;
        ``Media``: every media URL in them, once each.

        Raises:
            ImError: 70107 the account is not imported.
        """
        async with self._db.read() as conn:
            acct = await userdata_store.account(conn, sdkappid, user_id)
            if acct is None:
                raise ImError(Code.ERR_SVR_ACCOUNT_NOT_FOUND, f"account {user_id!r} not found")
            rel = await userdata_store.relations(conn, sdkappid, user_id)
            msgs = [
                _message(row, user_id)
                async for row in userdata_store.messages_of(conn, sdkappid, user_id)
            ]
        media: dict[str, None] = {}
        for m in msgs:
            media.update(dict.fromkeys(_media(m["MsgBody"])))
        return {
            "format": EXPORT_FORMAT,
            "SDKAppID": sdkappid,
            "UserID": user_id,
            "ExportedAt": int(time.time()),
            "Account": {"Type": acct["type"], "CreatedAt": acct["created_at"]},
            "Profile": {tag: _json_value(v) for tag, v in rel["profile"].items()},
            "Friends": [_friend(f) for f in rel["friends"]],
            "FriendRequestsSent": [_request(r, "to_user") for r in rel["friend_requests_sent"]],
            "FriendRequestsReceived": [
                _request(r, "from_user") for r in rel["friend_requests_received"]
            ],
            "Blacklist": [
                {"To_Account": b["peer"], "AddBlackTimeStamp": b["added_at"]}
                for b in rel["blacklist"]
            ],
            "Conversations": [_conversation(c) for c in rel["conversations"]],
            "ConversationSettings": [
                {
                    "ConversationID": c["conversation_id"],
                    "MsgFlag": c["remind"],
                    "Draft": c["draft"],
                    "CustomData": c["custom_data"],
                    "Marks": c["marks"],
                }
                for c in rel.get("conversation_settings", [])
            ],
            "Groups": [_group(g) for g in rel["groups"]],
            "GroupApplications": [
                {"GroupId": a["group_id"], "Wording": a["wording"], "CreateTime": a["created_at"]}
                for a in rel["group_applications"]
            ],
            "Messages": msgs,
            "Media": list(media),
        }

    async def erase(
        self, sdkappid: int, user_id: str, messages: MessagesRule = "redact"
    ) -> dict[str, int]:
        """Erase ``user_id`` by the module's rules, in one transaction: {table: rows}.

        Raises:
            ImError: 70107 the account is not imported.
        """
        async with self._db.write() as conn:
            done = await userdata_store.erase(conn, sdkappid, user_id, redact=messages == "redact")
            if not done.get("accounts"):
                raise ImError(Code.ERR_SVR_ACCOUNT_NOT_FOUND, f"account {user_id!r} not found")
        return done


def _friend(f: dict[str, Any]) -> dict[str, Any]:
    return {
        "To_Account": f["peer"],
        "AddSource": f["add_source"],
        "Remark": f["remark"],
        "GroupName": orjson.loads(f["group_names"] or "[]"),
        "AddWording": f["add_wording"],
        "AddTime": f["add_time"],
        "Custom": orjson.loads(f["custom"] or "{}"),
    }


def _request(r: dict[str, Any], peer: str) -> dict[str, Any]:
    return {
        "To_Account" if peer == "to_user" else "From_Account": r[peer],
        "AddSource": r["add_source"],
        "AddWording": r["add_wording"],
        "Remark": r["remark"],
        "CreateTime": r["created_at"],
    }


def _conversation(c: dict[str, Any]) -> dict[str, Any]:
    return {
        "Type": "C2C" if c["conv_type"] == 1 else "GROUP",
        "Peer": c["peer"],
        "LastMsgTime": c["last_time"],
        "ReadSeq": c["read_seq"],
        "Pinned": bool(c["pinned"]),
    }


def _group(g: dict[str, Any]) -> dict[str, Any]:
    return {
        "GroupId": g["group_id"],
        "Name": g["name"],
        "Type": g["type"],
        "Role": g["role"],
        "JoinTime": g["join_time"],
        "NameCard": g["name_card"],
        "MsgFlag": g["msg_flag"],
    }
