"""Tencent IM REST ``im_open_login_svc``: account_import, multiaccount_import,
account_delete, account_check, kick (cloud.tencent.com/document/product/269/1608 ff.)."""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, Field, model_validator

from palaver.api.rest.core import RestRequest, Wire, command
from palaver.errors import Code, ImError
from palaver.services.accounts import ImportItem, validate_user_id
from palaver.services.profiles import check_value

SVC = "im_open_login_svc"
MAX_BATCH = 100


class AccountImport(Wire):
    """``{"UserID", "Nick"?, "FaceUrl"?}``; legacy ``Identifier`` and ``Type`` accepted."""

    UserID: str = Field(validation_alias=AliasChoices("UserID", "Identifier"))
    Nick: str | None = None
    FaceUrl: str | None = None
    #: 0 a normal account, 1 a robot (Tencent's account types)
    Type: int = Field(0, ge=0, le=1, validation_alias=AliasChoices("Type", "type"))


@command(SVC, "account_import", AccountImport)
async def account_import(req: RestRequest, body: AccountImport) -> None:
    """Import one account (idempotent). Errors: 70402 bad UserID, 40601 Nick/FaceUrl
    over 500 bytes, 70398 account limit."""
    await req.hub.accounts.import_accounts(
        req.app, [ImportItem(body.UserID, body.Nick, body.FaceUrl, body.Type)]
    )


class _ImportEntry(Wire):
    UserID: str = Field(validation_alias=AliasChoices("UserID", "Identifier"))
    Nick: str | None = None
    FaceUrl: str | None = None


class MultiAccountImport(Wire):
    """Old ``{"Accounts": ["a", ...]}`` or new ``{"AccountList": [{"UserID", "Nick", "FaceUrl"}]}``."""

    Accounts: list[str] | None = None
    AccountList: list[_ImportEntry] | None = None

    @model_validator(mode="after")
    def _one_of(self) -> MultiAccountImport:
        n = len(self.Accounts or []) + len(self.AccountList or [])
        if n == 0:
            raise ValueError("Accounts or AccountList is required")
        if n > MAX_BATCH:
            raise ValueError(f"at most {MAX_BATCH} accounts per call")
        return self


@command(SVC, "multiaccount_import", MultiAccountImport)
async def multiaccount_import(req: RestRequest, body: MultiAccountImport) -> dict[str, Any]:
    """Import up to 100 accounts. Response ``FailAccounts``: invalid ids or over the limit."""
    items = [ImportItem(u) for u in body.Accounts or []]
    items += [ImportItem(e.UserID, e.Nick, e.FaceUrl) for e in body.AccountList or []]
    good: list[ImportItem] = []
    failed: list[str] = []
    for it in items:
        try:
            validate_user_id(it.user_id)
            for tag, value in (
                ("Tag_Profile_IM_Nick", it.nick),
                ("Tag_Profile_IM_Image", it.face_url),
            ):
                if value is not None:
                    check_value(tag, value)
            good.append(it)
        except ImError:
            failed.append(it.user_id)
    if good:
        failed += await req.hub.accounts.import_accounts(req.app, good)
    return {"FailAccounts": failed}


class _UserItem(Wire):
    UserID: str = Field(validation_alias=AliasChoices("UserID", "Identifier"))


class AccountDelete(Wire):
    DeleteItem: list[_UserItem] = Field(min_length=1, max_length=MAX_BATCH)


@command(SVC, "account_delete", AccountDelete)
async def account_delete(req: RestRequest, body: AccountDelete) -> dict[str, Any]:
    """Delete up to 100 accounts and close their connections (``KICKED_OUT``
    ``REST_API_Kick``). ``ResultItem`` per account: 0, or 70107 not imported."""
    admins = [i.UserID for i in body.DeleteItem if req.app.is_admin(i.UserID)]
    if admins:
        raise ImError(
            Code.ERR_SVR_ACCOUNT_INVALID_PARAMETERS,
            f"admin account {admins[0]!r} cannot be deleted",
        )
    result = await req.hub.accounts.delete(req.app, [i.UserID for i in body.DeleteItem])
    return {
        "ResultItem": [
            {
                "ResultCode": code,
                "ResultInfo": "" if code == 0 else "account not imported",
                "UserID": user,
            }
            for user, code in result.items()
        ]
    }


class AccountCheck(Wire):
    CheckItem: list[_UserItem] = Field(min_length=1, max_length=MAX_BATCH)


@command(SVC, "account_check", AccountCheck)
async def account_check(req: RestRequest, body: AccountCheck) -> dict[str, Any]:
    """``ResultItem: [{UserID, ResultCode, ResultInfo, AccountStatus: Imported|NotImported}]``."""
    ids = [i.UserID for i in body.CheckItem]
    have = await req.hub.accounts.existing(req.app, ids)
    return {
        "ResultItem": [
            {
                "UserID": u,
                "ResultCode": 0,
                "ResultInfo": "",
                "AccountStatus": "Imported" if u in have else "NotImported",
            }
            for u in ids
        ]
    }


class Kick(Wire):
    """``{"UserID"}``; legacy ``Identifier`` accepted."""

    UserID: str = Field(validation_alias=AliasChoices("UserID", "Identifier"))


@command(SVC, "kick", Kick)
async def kick(req: RestRequest, body: Kick) -> None:
    """Invalidate every UserSig of the user issued before now and close the user's
    connections (``KICKED_OUT`` type ``REST_API_Kick``). Errors: 70107 not imported."""
    await req.hub.accounts.kick(req.app, body.UserID)
