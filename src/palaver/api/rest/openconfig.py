"""Tencent IM REST ``openconfigsvr``: global mutes, ``setnospeaking`` and
``getnospeaking`` (cloud.tencent.com/document/product/269/4230, 4229).

The rules are :mod:`palaver.services.mutes`'.  Codes are this service's:
130001 the body is not JSON, 130004 no ``Set_Account`` / ``Get_Account``,
130005 it is not an account (or a time is out of range), 130008 no time given.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from palaver.api.rest.core import RestRequest, Wire, command
from palaver.services.mutes import FOREVER, NO_ACCOUNT_FIELD

SVC = "openconfigsvr"


class SetNoSpeakingBody(Wire):
    """``{"Set_Account", "C2CmsgNospeakingTime"?, "GroupmsgNospeakingTime"?}``
    (seconds; 0 unmutes, 4294967295 for ever; at least one of the two)."""

    field_codes: ClassVar[dict[str, int]] = {"Set_Account": NO_ACCOUNT_FIELD}

    Set_Account: str = Field(min_length=1)
    C2CmsgNospeakingTime: int | None = Field(None, ge=0, le=FOREVER)
    GroupmsgNospeakingTime: int | None = Field(None, ge=0, le=FOREVER)


@command(SVC, "setnospeaking", SetNoSpeakingBody)
async def setnospeaking(req: RestRequest, body: SetNoSpeakingBody) -> None:
    """Mute (or unmute) an account for C2C and/or group messages: its sends then
    fail with 20012 (C2C) / 10017 (group) until the time is up."""
    await req.hub.mutes.set(
        req.app, body.Set_Account, body.C2CmsgNospeakingTime, body.GroupmsgNospeakingTime
    )


class GetNoSpeakingBody(Wire):
    """``{"Get_Account"}``."""

    field_codes: ClassVar[dict[str, int]] = {"Get_Account": NO_ACCOUNT_FIELD}

    Get_Account: str = Field(min_length=1)


@command(SVC, "getnospeaking", GetNoSpeakingBody)
async def getnospeaking(req: RestRequest, body: GetNoSpeakingBody) -> dict[str, Any]:
    """``C2CmsgNospeakingTime`` / ``GroupmsgNospeakingTime``: seconds of mute
    left (0 none, 4294967295 for ever)."""
    state = await req.hub.mutes.get(req.app, body.Get_Account)
    return {"C2CmsgNospeakingTime": state.c2c, "GroupmsgNospeakingTime": state.group}
