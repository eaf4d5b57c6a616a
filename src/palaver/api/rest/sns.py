"""Tencent IM REST ``sns``: friends and blacklist.

Commands ``friend_add``, ``friend_import``, ``friend_update``,
``friend_delete``, ``friend_delete_all``, ``friend_check``, ``friend_get``,
``friend_get_list``, ``black_list_add``, ``black_list_delete``,
``black_list_get``, ``black_list_check`` (cloud.tencent.com/document/product/269/1643
and neighbours).  Each parses Tencent's fields, calls the relationship-chain
services (:mod:`palaver.services.sns`: ``hub.sns.friends``, ``.blacklist``,
``.checks``) and shapes their answer; the rules live in the services.

Every call names the user it acts for in ``From_Account`` (30001 missing or
malformed, 30003 not an account).  Batch answers carry per-target
``{"To_Account", "ResultCode", "ResultInfo"}`` items and, when some failed,
``Fail_Account``; the framework adds ``ErrorDisplay``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import Field

from palaver.api.rest.core import RestRequest, Wire, command
from palaver.services.sns import (
    MAX_ADD_BATCH,
    MAX_BATCH,
    CheckResult,
    FriendAdd,
    FriendImport,
    FriendUpdate,
    ItemResult,
    friend_tags,
)

SVC = "sns"


def _result_items(results: Sequence[ItemResult]) -> dict[str, Any]:
    """``ResultItem`` (and ``Fail_Account`` when some target failed)."""
    out: dict[str, Any] = {
        "ResultItem": [
            {"To_Account": r.peer, "ResultCode": r.code, "ResultInfo": r.info} for r in results
        ]
    }
    failed = [r.peer for r in results if not r.ok]
    if failed:
        out["Fail_Account"] = failed
    return out


def _check_items(key: str, results: Sequence[CheckResult]) -> dict[str, Any]:
    out: dict[str, Any] = {
        key: [
            {
                "To_Account": r.peer,
                "Relation": r.relation,
                "ResultCode": r.code,
                "ResultInfo": r.info,
            }
            for r in results
        ]
    }
    failed = [r.peer for r in results if r.code]
    if failed:
        out["Fail_Account"] = failed
    return out


class _Owner(Wire):
    From_Account: str = Field(min_length=1)


class _TagValue(Wire):
    Tag: str
    Value: Any


# --- friend_add ------------------------------------------------------------------


class _AddItem(Wire):
    To_Account: str
    AddSource: str
    Remark: str = ""
    GroupName: str = ""
    AddWording: str = ""


class FriendAddBody(_Owner):
    """``{"From_Account", "AddFriendItem": [...] (≤100), "AddType"?, "ForceAddFlags"?}``."""

    AddFriendItem: list[_AddItem] = Field(min_length=1, max_length=MAX_ADD_BATCH)
    AddType: Literal["Add_Type_Single", "Add_Type_Both"] = "Add_Type_Both"
    ForceAddFlags: Literal[0, 1] = 0


@command(SVC, "friend_add", FriendAddBody)
async def friend_add(req: RestRequest, body: FriendAddBody) -> dict[str, Any]:
    """Add friends; per-item 30539 when the target must confirm (a request is pending).

    See :meth:`palaver.services.sns.Friends.add` for the per-item codes (30003, 30001,
    30515, 30525, 30516, 30539, 30010, 30014).
    """
    items = [
        FriendAdd(i.To_Account, i.AddSource, i.Remark, i.GroupName, i.AddWording)
        for i in body.AddFriendItem
    ]
    results = await req.hub.sns.friends.add(
        req.app,
        body.From_Account,
        items,
        both=body.AddType == "Add_Type_Both",
        force=body.ForceAddFlags == 1,
    )
    return _result_items(results)


# --- friend_import ---------------------------------------------------------------


class _ImportItem(Wire):
    To_Account: str
    AddSource: str
    Remark: str = ""
    RemarkTime: int = Field(0, ge=0)
    GroupName: list[str] = []
    AddWording: str = ""
    AddTime: int = Field(0, ge=0)
    CustomItem: list[_TagValue] = []


class FriendImportBody(_Owner):
    """``{"From_Account", "AddFriendItem": [{..., "GroupName": [...], "CustomItem": [...]}]}``."""

    AddFriendItem: list[_ImportItem] = Field(min_length=1, max_length=MAX_ADD_BATCH)


@command(SVC, "friend_import", FriendImportBody)
async def friend_import(req: RestRequest, body: FriendImportBody) -> dict[str, Any]:
    """Import one-way friends with their data (no AllowType or blacklist check)."""
    items = [
        FriendImport(
            peer=i.To_Account,
            add_source=i.AddSource,
            remark=i.Remark,
            remark_time=i.RemarkTime,
            groups=tuple(i.GroupName),
            add_wording=i.AddWording,
            add_time=i.AddTime,
            custom={c.Tag: c.Value for c in i.CustomItem},
        )
        for i in body.AddFriendItem
    ]
    return _result_items(
        await req.hub.sns.friends.import_friends(req.app, body.From_Account, items)
    )


# --- friend_update -----------------------------------------------------------------


class _UpdateItem(Wire):
    To_Account: str
    SnsItem: list[_TagValue] = Field(min_length=1)


class FriendUpdateBody(_Owner):
    """``{"From_Account", "UpdateItem": [{"To_Account", "SnsItem": [{"Tag", "Value"}]}]}``."""

    UpdateItem: list[_UpdateItem] = Field(min_length=1, max_length=MAX_ADD_BATCH)


@command(SVC, "friend_update", FriendUpdateBody)
async def friend_update(req: RestRequest, body: FriendUpdateBody) -> dict[str, Any]:
    """Update remark (``Tag_SNS_IM_Remark``), groups (``Tag_SNS_IM_Group``) or custom tags."""
    updates = [
        FriendUpdate(u.To_Account, [(s.Tag, s.Value) for s in u.SnsItem]) for u in body.UpdateItem
    ]
    return _result_items(await req.hub.sns.friends.update(req.app, body.From_Account, updates))


# --- friend_delete / friend_delete_all -------------------------------------------


class FriendDeleteBody(_Owner):
    """``{"From_Account", "To_Account": [...] (≤1000), "DeleteType"?}`` (default Single)."""

    To_Account: list[str] = Field(min_length=1, max_length=MAX_BATCH)
    DeleteType: Literal["Delete_Type_Single", "Delete_Type_Both"] = "Delete_Type_Single"


@command(SVC, "friend_delete", FriendDeleteBody)
async def friend_delete(req: RestRequest, body: FriendDeleteBody) -> dict[str, Any]:
    """Delete friends; per-item 31704 when not a friend."""
    results = await req.hub.sns.friends.delete(
        req.app, body.From_Account, body.To_Account, both=body.DeleteType == "Delete_Type_Both"
    )
    return _result_items(results)


class FriendDeleteAllBody(_Owner):
    """``{"From_Account", "DeleteType"?}`` (default Single)."""

    DeleteType: Literal["Delete_Type_Single", "Delete_Type_Both"] = "Delete_Type_Single"


@command(SVC, "friend_delete_all", FriendDeleteAllBody)
async def friend_delete_all(req: RestRequest, body: FriendDeleteAllBody) -> None:
    """Empty the friend list (Both: also leave those friends' lists). No extra fields."""
    await req.hub.sns.friends.delete_all(
        req.app, body.From_Account, both=body.DeleteType == "Delete_Type_Both"
    )


# --- friend_check ------------------------------------------------------------------


class FriendCheckBody(_Owner):
    """``{"From_Account", "To_Account": [...] (≤1000), "CheckType"}`` (default Both)."""

    To_Account: list[str] = Field(min_length=1, max_length=MAX_BATCH)
    CheckType: Literal["CheckResult_Type_Single", "CheckResult_Type_Both"] = "CheckResult_Type_Both"


@command(SVC, "friend_check", FriendCheckBody)
async def friend_check(req: RestRequest, body: FriendCheckBody) -> dict[str, Any]:
    """``InfoItem: [{To_Account, Relation: CheckResult_Type_*, ResultCode, ResultInfo}]``."""
    results = await req.hub.sns.checks.check_friends(
        req.app,
        body.From_Account,
        body.To_Account,
        both=body.CheckType == "CheckResult_Type_Both",
    )
    return _check_items("InfoItem", results)


# --- friend_get / friend_get_list ----------------------------------------------------


class FriendGetBody(_Owner):
    """``{"From_Account", "StartIndex", "StandardSequence"?, "CustomSequence"?}``."""

    StartIndex: int = Field(0, ge=0)
    StandardSequence: int = 0
    CustomSequence: int = 0


@command(SVC, "friend_get", FriendGetBody)
async def friend_get(req: RestRequest, body: FriendGetBody) -> dict[str, Any]:
    """A page of 100 friends: ``UserDataItem: [{To_Account, ValueItem: [{Tag, Value}]}]``.

    Standard (``Tag_SNS_IM_*``) or custom (``Tag_SNS_Custom_*``) values are
    left out when the caller's ``StandardSequence`` / ``CustomSequence``
    equals the current one.  Also ``StandardSequence``, ``CustomSequence``,
    ``FriendNum``, ``CompleteFlag`` (1 = last page) and ``NextStartIndex``.
    """
    page = await req.hub.sns.friends.get_page(req.app, body.From_Account, body.StartIndex)
    skip_standard = body.StandardSequence == page.standard_sequence
    skip_custom = body.CustomSequence == page.custom_sequence
    items = []
    for f in page.friends:
        values = [
            {"Tag": tag, "Value": value}
            for tag, value in friend_tags(f)
            if not (skip_custom if tag in f.custom else skip_standard)
        ]
        items.append({"To_Account": f.peer, "ValueItem": values})
    return {
        "UserDataItem": items,
        "StandardSequence": page.standard_sequence,
        "CustomSequence": page.custom_sequence,
        "FriendNum": page.total,
        "CompleteFlag": int(page.complete),
        "NextStartIndex": page.next_index,
    }


class FriendGetListBody(_Owner):
    """``{"From_Account", "To_Account": [...], "TagList": [...]}``."""

    To_Account: list[str] = Field(min_length=1, max_length=MAX_BATCH)
    TagList: list[str] = Field(min_length=1)


@command(SVC, "friend_get_list", FriendGetListBody)
async def friend_get_list(req: RestRequest, body: FriendGetListBody) -> dict[str, Any]:
    """``InfoItem: [{To_Account, SnsProfileItem: [{Tag, Value}], ResultCode, ResultInfo}]``.

    Friend tags and ``Tag_Profile_*`` profile tags; per-item 30001 not a friend.
    """
    results = await req.hub.sns.friends.get_profiles(
        req.app, body.From_Account, body.To_Account, body.TagList
    )
    out: dict[str, Any] = {
        "InfoItem": [
            {
                "To_Account": r.peer,
                "SnsProfileItem": [{"Tag": t, "Value": v} for t, v in r.items],
                "ResultCode": r.code,
                "ResultInfo": r.info,
            }
            for r in results
        ]
    }
    failed = [r.peer for r in results if r.code]
    if failed:
        out["Fail_Account"] = failed
    return out


# --- blacklist ------------------------------------------------------------------------


class BlackListBody(_Owner):
    """``{"From_Account", "To_Account": [...] (≤1000)}``."""

    To_Account: list[str] = Field(min_length=1, max_length=MAX_BATCH)


@command(SVC, "black_list_add", BlackListBody)
async def black_list_add(req: RestRequest, body: BlackListBody) -> dict[str, Any]:
    """Blacklist accounts (removing the friendship both ways); per-item 30001 / 30013."""
    return _result_items(
        await req.hub.sns.blacklist.add(req.app, body.From_Account, body.To_Account)
    )


@command(SVC, "black_list_delete", BlackListBody)
async def black_list_delete(req: RestRequest, body: BlackListBody) -> dict[str, Any]:
    """Un-blacklist accounts; per-item 30001 when not on the blacklist."""
    return _result_items(
        await req.hub.sns.blacklist.remove(req.app, body.From_Account, body.To_Account)
    )


class BlackListGetBody(_Owner):
    """``{"From_Account", "StartIndex", "MaxLimited", "LastSequence"}``."""

    StartIndex: int = Field(0, ge=0)
    MaxLimited: int = Field(ge=1)
    LastSequence: int = 0


@command(SVC, "black_list_get", BlackListGetBody)
async def black_list_get(req: RestRequest, body: BlackListGetBody) -> dict[str, Any]:
    """``BlackListItem: [{To_Account, AddBlackTimeStamp}]``, ``StartIndex`` (0 = done), ``CurrentSequence``.

    ``LastSequence`` is accepted and not used: the page is always returned.
    """
    page = await req.hub.sns.blacklist.get_page(
        req.app, body.From_Account, body.StartIndex, min(body.MaxLimited, MAX_BATCH)
    )
    return {
        "BlackListItem": [
            {"To_Account": b.peer, "AddBlackTimeStamp": b.added_at} for b in page.entries
        ],
        "StartIndex": page.next_index,
        "CurrentSequence": page.sequence,
    }


class BlackListCheckBody(_Owner):
    """``{"From_Account", "To_Account": [...] (≤1000), "CheckType"}`` (default Both)."""

    To_Account: list[str] = Field(min_length=1, max_length=MAX_BATCH)
    CheckType: Literal["BlackCheckResult_Type_Single", "BlackCheckResult_Type_Both"] = (
        "BlackCheckResult_Type_Both"
    )


@command(SVC, "black_list_check", BlackListCheckBody)
async def black_list_check(req: RestRequest, body: BlackListCheckBody) -> dict[str, Any]:
    """``BlackListCheckItem: [{To_Account, Relation: BlackCheckResult_Type_*, ResultCode, ResultInfo}]``."""
    results = await req.hub.sns.checks.check_blacklist(
        req.app,
        body.From_Account,
        body.To_Account,
        both=body.CheckType == "BlackCheckResult_Type_Both",
    )
    return _check_items("BlackListCheckItem", results)
