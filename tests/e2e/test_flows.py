"""Whole backend flows, as existing Tencent IM backends run them against Palaver.

1. The seed sample's node backend (SQDYY/wx-tencent-im ``node-im``): a v1 ECDSA
   admin UserSig made like its ``TimGenerateSig.js`` (appid_at_3rd = sdkappid,
   account_type 36862, no TLS.version), ``Identifier`` in account_import,
   friend_add both ways with ForceAddFlags, sendmsg with a constant MsgRandom,
   no ``random`` query parameter and no Content-Type header.
2. A backend whose UserSigs come from Tencent's own PyPI ``tls-sig-api-v2``.
"""

from __future__ import annotations

import base64
import json
import time
import zlib
from typing import Any

import aiohttp
import orjson
import TLSSigAPIv2
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from conftest import RunningServer


def seed_style_v1_sig(private_key: ec.EllipticCurvePrivateKey, sdkappid: int, ident: str) -> str:
    """A v1 UserSig built the way the seed's TimGenerateSig.js builds it (not with Palaver)."""
    now = str(int(time.time()))
    fields = {
        "TLS.appid_at_3rd": str(sdkappid),
        "TLS.account_type": "36862",
        "TLS.identifier": ident,
        "TLS.sdk_appid": str(sdkappid),
        "TLS.time": now,
        "TLS.expire_after": str(30 * 86400),
    }
    text = "".join(f"{k}:{v}\n" for k, v in fields.items())
    der = private_key.sign(text.encode(), ec.ECDSA(hashes.SHA256()))
    doc = {**fields, "TLS.sig": base64.b64encode(der).decode()}
    raw = base64.b64encode(zlib.compress(json.dumps(doc).encode())).decode()
    return raw.translate(str.maketrans("+/=", "*-_"))


async def seed_post(
    session: aiohttp.ClientSession, url: str, path: str, sdkappid: int, sig: str, body: Any
) -> dict[str, Any]:
    """Like node-im's TimRestApi.js: no random, no Content-Type header."""
    q = f"usersig={sig}&identifier=admin&sdkappid={sdkappid}&contenttype=json"
    async with session.post(
        f"{url}/v4/{path}?{q}", data=json.dumps(body).encode(), skip_auto_headers=["Content-Type"]
    ) as resp:
        assert resp.status == 200
        assert "Content-Type" not in resp.request_info.headers
        result: dict[str, Any] = orjson.loads(await resp.read())
        return result


async def test_seed_backend_flow(server: RunningServer) -> None:
    key = ec.generate_private_key(ec.SECP256K1())
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    app = await server.hub.apps.create(
        sdkappid=1400150342, public_key_pem=pem.decode(), admins=["admin"]
    )
    sig = seed_style_v1_sig(key, app.sdkappid, "admin")

    async def call(path: str, body: Any) -> dict[str, Any]:
        r = await seed_post(server.session, server.url, path, app.sdkappid, sig, body)
        assert r["ActionStatus"] == "OK" and r["ErrorCode"] == 0, (path, r)
        return r

    for ident, nick in (("wx_alice", "Alice"), ("wx_bob", "Bob")):
        await call(
            "im_open_login_svc/account_import",
            {"Identifier": ident, "Nick": nick, "FaceUrl": "https://img/x.png", "type": 0},
        )
    r = await call(
        "sns/friend_add",
        {
            "From_Account": "wx_alice",
            "AddFriendItem": [{"To_Account": "wx_bob", "AddSource": "AddSource_Type_wx"}],
            "AddType": "Add_Type_Both",
            "ForceAddFlags": 1,
        },
    )
    assert r["ResultItem"][0]["ResultCode"] == 0
    assert await server.hub.sns.checks.are_friends(app, "wx_alice", "wx_bob")
    for text in ("hello bob", "second"):
        r = await call(
            "openim/sendmsg",
            {
                "SyncOtherMachine": 1,
                "From_Account": "wx_alice",
                "To_Account": "wx_bob",
                "MsgRandom": 1287657,
                "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}],
            },
        )
        assert r["MsgKey"] and r["MsgTime"]
    r = await call(
        "openim/admin_getroammsg",
        {
            "From_Account": "wx_bob",
            "To_Account": "wx_alice",
            "MaxCnt": 10,
            "MinTime": 0,
            "MaxTime": int(time.time()) + 5,
        },
    )
    assert [m["MsgBody"][0]["MsgContent"]["Text"] for m in r["MsgList"]] == ["hello bob", "second"]
    r = await call("recentcontact/get_list", {"From_Account": "wx_bob"})
    assert [(i["To_Account"], i["UnreadMsgCount"]) for i in r["SessionItem"]] == [("wx_alice", 2)]
    r = await call(
        "profile/portrait_get", {"To_Account": ["wx_alice"], "TagList": ["Tag_Profile_IM_Nick"]}
    )
    assert r["UserProfileItem"][0]["ProfileItem"] == [
        {"Tag": "Tag_Profile_IM_Nick", "Value": "Alice"}
    ]
    # a sig signed with another private key is refused
    other = seed_style_v1_sig(ec.generate_private_key(ec.SECP256K1()), app.sdkappid, "admin")
    r = await seed_post(
        server.session,
        server.url,
        "im_open_login_svc/account_check",
        app.sdkappid,
        other,
        {"CheckItem": [{"UserID": "wx_bob"}]},
    )
    assert r["ErrorCode"] == 70009


async def test_official_tls_sig_api_v2_flow(server: RunningServer) -> None:
    api = TLSSigAPIv2.TLSSigAPIv2(server.app.sdkappid, server.app.secret_key)
    admin_sig = api.gen_sig("administrator", 86400)

    async def call(svc: str, cmd: str, body: Any) -> dict[str, Any]:
        return await server.ok(svc, cmd, body, usersig=admin_sig)

    await call("im_open_login_svc", "multiaccount_import", {"Accounts": ["u1", "u2"]})
    await call(
        "sns",
        "friend_add",
        {
            "From_Account": "u1",
            "AddFriendItem": [{"To_Account": "u2", "AddSource": "AddSource_Type_Web"}],
            "AddType": "Add_Type_Both",
            "ForceAddFlags": 1,
        },
    )
    r = await call(
        "sns",
        "friend_check",
        {"From_Account": "u1", "To_Account": ["u2"], "CheckType": "CheckResult_Type_Both"},
    )
    assert r["InfoItem"][0]["Relation"] == "CheckResult_Type_BothWay"
    r = await call(
        "openim",
        "sendmsg",
        {
            "From_Account": "u1",
            "To_Account": "u2",
            "MsgRandom": 1,
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "via official sig"}}],
        },
    )
    key = r["MsgKey"]
    r = await call(
        "openim",
        "admin_getroammsg",
        {
            "Operator_Account": "u2",
            "Peer_Account": "u1",
            "MaxCnt": 5,
            "MinTime": 0,
            "MaxTime": int(time.time()) + 5,
        },
    )
    assert r["MsgList"][0]["MsgKey"] == key
    # a user's UserSig from the official package verifies for that user
    user_sig = api.gen_sig_with_userbuf("u1", 3600, b"hello")
    info = server.app.verify_usersig(user_sig, "u1")
    assert info.userbuf == b"hello"
