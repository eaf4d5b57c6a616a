"""Tencent IM REST ``profile``: portrait_set and portrait_get.

Follows cloud.tencent.com/document/product/269/1640 (portrait_set) and
/269/1639 (portrait_get).  The rules live in :mod:`palaver.services.profiles`;
a body that does not have the documented shape fails with 40001 (Tencent's
``Err_Profile_Comm_Decode_Fail``), and every answer carries ``ErrorDisplay``.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from palaver.api.rest.core import RestRequest, Wire, command

SVC = "profile"
MAX_GET_ACCOUNTS = 100


class _ProfileItem(Wire):
    Tag: str
    Value: Any  # type checked by the service: 40610 / 40605 / 40601


class PortraitSet(Wire):
    """``{"From_Account", "ProfileItem": [{"Tag", "Value"}, ...]}``."""

    From_Account: str
    ProfileItem: list[_ProfileItem] = Field(min_length=1)


@command(SVC, "portrait_set", PortraitSet)
async def portrait_set(req: RestRequest, body: PortraitSet) -> None:
    """Set standard and custom profile tags of ``From_Account``, all or nothing.

    Errors: 40001 bad body; 40009 unknown tag; 40610 wrong value type; 40605
    value not allowed; 40601 value over 500 bytes; 40003 account not imported.
    """
    await req.hub.profiles.set(
        req.app, body.From_Account, [(i.Tag, i.Value) for i in body.ProfileItem]
    )


class PortraitGet(Wire):
    """``{"To_Account": [...] (1..100), "TagList": [...] (at least one)}``."""

    To_Account: list[str] = Field(min_length=1, max_length=MAX_GET_ACCOUNTS)
    TagList: list[str] = Field(min_length=1)


@command(SVC, "portrait_get", PortraitGet)
async def portrait_get(req: RestRequest, body: PortraitGet) -> dict[str, Any]:
    """Read tags of up to 100 users.

    Response: ``UserProfileItem: [{"To_Account", "ProfileItem": [{"Tag",
    "Value"}], "ResultCode", "ResultInfo"}]`` in request order; an account that
    is not imported gets ``ResultCode`` 40003 and an empty ``ProfileItem``, and
    is also listed in ``Fail_Account`` (present only when not empty).  Unset
    standard tags come back with their defaults, unset custom tags are left out.

    Errors: 40001 bad body or more than 100 accounts; 40009 unknown tag.
    """
    profiles = await req.hub.profiles.get(req.app, body.To_Account, body.TagList)
    items: list[dict[str, Any]] = []
    failed: list[str] = []
    for user in dict.fromkeys(body.To_Account):
        tags = profiles.get(user)
        if tags is None:
            failed.append(user)
            items.append(
                {
                    "To_Account": user,
                    "ProfileItem": [],
                    "ResultCode": 40003,
                    "ResultInfo": f"account {user!r} is not imported",
                }
            )
            continue
        items.append(
            {
                "To_Account": user,
                "ProfileItem": [{"Tag": t, "Value": v} for t, v in tags.items()],
                "ResultCode": 0,
                "ResultInfo": "",
            }
        )
    out: dict[str, Any] = {"UserProfileItem": items}
    if failed:
        out["Fail_Account"] = failed
    return out
