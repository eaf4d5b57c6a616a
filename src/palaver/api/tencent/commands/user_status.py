"""User status (``im_open_status.ws_*``), as the logged-in user
(docs/tencent-client-protocol.md §6.2): ``getUserStatus``, ``setSelfStatus``,
``subscribeUserStatus`` and ``unsubscribeUserStatus``; the rules are
:mod:`palaver.services.user_status`'.  Users are named in ``To_Account`` (the
SDK's ``userIDList``)."""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, Field

from palaver.api.tencent.core import Body, TencentSession, command
from palaver.protocol.tencent.objects import custom_status_wire
from palaver.services.user_status import MAX_BATCH, StatusFailure

USERS = AliasChoices("To_Account", "UserIDList", "userIDList")


def _errors(failed: list[StatusFailure]) -> list[dict[str, Any]]:
    return [{"To_Account": f.user_id, "ErrorCode": f.code, "ErrorInfo": f.info} for f in failed]


class StatusUsers(Body):
    To_Account: list[str] = Field(min_length=1, max_length=MAX_BATCH, validation_alias=USERS)


@command("im_open_status", "ws_get_user_status", StatusUsers)
async def ws_get_user_status(s: TencentSession, d: StatusUsers) -> dict[str, Any]:
    """``getUserStatus``: ``UserStatusList: [{To_Account, Status (1 online, 2
    offline), CustomStatus (base64)}]``, ``ErrorList`` (70107 not an account)."""
    found, failed = await s.hub.user_status.get(s.require_app(), d.To_Account)
    return {
        "UserStatusList": [
            {
                "To_Account": u.user_id,
                "Status": u.status_type,
                "CustomStatus": custom_status_wire(u.custom_status),
            }
            for u in found
        ],
        "ErrorList": _errors(failed),
    }


class CustomStatus(Body):
    CustomStatus: str = Field(validation_alias=AliasChoices("CustomStatus", "customStatus"))


@command("im_open_status", "ws_set_custom_status", CustomStatus)
async def ws_set_custom_status(s: TencentSession, d: CustomStatus) -> dict[str, Any]:
    """``setSelfStatus``: my subscribers and devices get ``USER_STATUS_UPDATED``.
    Errors: 6017 over 100 bytes."""
    await s.hub.user_status.set_custom(s.require_app(), s.user_id, d.CustomStatus)
    return {}


@command("im_open_status", "ws_status_subscribe", StatusUsers)
async def ws_status_subscribe(s: TencentSession, d: StatusUsers) -> dict[str, Any]:
    """``subscribeUserStatus``: ``ErrorList`` (70107 not an account).
    Errors: 6017 more than 200 users followed."""
    failed = await s.hub.user_status.subscribe(s.require_app(), s.user_id, d.To_Account)
    return {"ErrorList": _errors(failed)}


class Unsubscribe(Body):
    To_Account: list[str] = Field(
        default_factory=list, max_length=MAX_BATCH, validation_alias=USERS
    )


@command("im_open_status", "ws_status_unsubscribe", Unsubscribe)
async def ws_status_unsubscribe(s: TencentSession, d: Unsubscribe) -> dict[str, Any]:
    """``unsubscribeUserStatus`` (none named: everyone): ``ErrorList``."""
    failed = await s.hub.user_status.unsubscribe(s.require_app(), s.user_id, d.To_Account)
    return {"ErrorList": _errors(failed)}
