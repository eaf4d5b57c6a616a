"""REST ``im_open_login_svc`` and the common request/envelope rules, through a real server."""

from __future__ import annotations

import time
from urllib.parse import quote

from conftest import ADMIN, SECRET, RunningServer
from palaver.usersig import gen_usersig_v2


async def test_account_import_check_delete(server: RunningServer) -> None:
    await server.ok("im_open_login_svc", "account_import", {"UserID": "alice", "Nick": "Alice"})
    await server.ok("im_open_login_svc", "account_import", {"UserID": "alice"})  # idempotent
    r = await server.ok(
        "im_open_login_svc",
        "account_check",
        {"CheckItem": [{"UserID": "alice"}, {"UserID": "bob"}]},
    )
    assert [(i["UserID"], i["AccountStatus"]) for i in r["ResultItem"]] == [
        ("alice", "Imported"),
        ("bob", "NotImported"),
    ]
    r = await server.ok(
        "im_open_login_svc",
        "account_delete",
        {"DeleteItem": [{"UserID": "alice"}, {"UserID": "bob"}]},
    )
    assert {i["UserID"]: i["ResultCode"] for i in r["ResultItem"]} == {"alice": 0, "bob": 70107}
    r = await server.ok("im_open_login_svc", "account_check", {"CheckItem": [{"UserID": "alice"}]})
    assert r["ResultItem"][0]["AccountStatus"] == "NotImported"


async def test_legacy_identifier_and_multiaccount(server: RunningServer) -> None:
    await server.ok("im_open_login_svc", "account_import", {"Identifier": "old", "type": 0})
    r = await server.ok(
        "im_open_login_svc", "multiaccount_import", {"Accounts": ["a1", "a2", "bad id"]}
    )
    assert r["FailAccounts"] == ["bad id"]
    r = await server.ok(
        "im_open_login_svc",
        "multiaccount_import",
        {"AccountList": [{"UserID": "n1", "Nick": "N1"}, {"UserID": "n2"}]},
    )
    assert r["FailAccounts"] == []
    have = await server.hub.accounts.existing(server.app, ["old", "a1", "a2", "n1", "n2", "bad id"])
    assert have == {"old", "a1", "a2", "n1", "n2"}


async def test_bad_parameters(server: RunningServer) -> None:
    r = await server.rest("im_open_login_svc", "account_import", {"Nick": "x"})
    assert (r["ActionStatus"], r["ErrorCode"]) == ("FAIL", 70402)
    r = await server.rest("im_open_login_svc", "account_import", {"UserID": "x" * 33})
    assert r["ErrorCode"] == 70402
    r = await server.rest("im_open_login_svc", "account_import", raw=b"{not json")
    assert r["ErrorCode"] == 60003
    r = await server.rest("im_open_login_svc", "account_import", raw=b"[1,2]")
    assert r["ErrorCode"] == 60003
    r = await server.rest("im_open_login_svc", "no_such_command", {})
    assert r["ErrorCode"] == 60009


async def test_auth_errors(server: RunningServer) -> None:
    await server.import_users("alice")
    # not an admin
    r = await server.rest(
        "im_open_login_svc",
        "account_check",
        {"CheckItem": [{"UserID": "alice"}]},
        identifier="alice",
        usersig=server.sig("alice"),
    )
    assert r["ErrorCode"] == 70403
    r = await server.rest(
        "openim",
        "query_online_status",
        {"To_Account": ["alice"]},
        identifier="alice",
        usersig=server.sig("alice"),
    )
    assert r["ErrorCode"] == 60010
    # sig for another identifier
    r = await server.rest("im_open_login_svc", "account_check", {}, usersig=server.sig("alice"))
    assert r["ErrorCode"] == 70013
    # sig signed by another key
    other = gen_usersig_v2(server.app.sdkappid, "not-the-key", ADMIN, 3600)
    r = await server.rest("im_open_login_svc", "account_check", {}, usersig=other)
    assert r["ErrorCode"] == 70009
    # expired
    old = gen_usersig_v2(server.app.sdkappid, SECRET, ADMIN, 60, now=int(time.time()) - 3600)
    r = await server.rest("im_open_login_svc", "account_check", {}, usersig=old)
    assert r["ErrorCode"] == 70001
    # truncated
    r = await server.rest("im_open_login_svc", "account_check", {}, usersig=server.admin_sig[:20])
    assert r["ErrorCode"] == 70003
    # unknown and missing sdkappid, missing usersig
    r = await server.rest("im_open_login_svc", "account_check", {}, sdkappid=1234)
    assert r["ErrorCode"] == 70020
    q = f"identifier={ADMIN}&usersig={server.admin_sig}"
    r = await server.rest("im_open_login_svc", "account_check", {}, query=q)
    assert r["ErrorCode"] == 60012
    q = f"sdkappid={server.app.sdkappid}&identifier={ADMIN}"
    r = await server.rest("im_open_login_svc", "account_check", {}, query=q)
    assert r["ErrorCode"] == 70002


async def test_sloppy_clients(server: RunningServer) -> None:
    """No random, fixed random, no/wrong Content-Type, encoded sig, GET with a body."""
    body = {"CheckItem": [{"UserID": ADMIN}]}
    for q in (
        f"usersig={server.admin_sig}&identifier={ADMIN}&sdkappid={server.app.sdkappid}&contenttype=json",
        f"sdkappid={server.app.sdkappid}&identifier={ADMIN}&usersig={quote(server.admin_sig, safe='')}&random=1",
    ):
        r = await server.rest("im_open_login_svc", "account_check", body, query=q)
        assert r["ActionStatus"] == "OK", r
    r = await server.rest(
        "im_open_login_svc", "account_check", body, headers={"Content-Type": "text/plain"}
    )
    assert r["ResultItem"][0]["AccountStatus"] == "Imported"
    r = await server.rest("im_open_login_svc", "account_check", body, method="GET")
    assert r["ResultItem"][0]["AccountStatus"] == "Imported"
    r = await server.rest(
        "im_open_login_svc",
        "account_check",
        body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r["ActionStatus"] == "OK"


async def test_kick_invalidates_earlier_usersigs(server: RunningServer) -> None:
    await server.import_users("alice")
    r = await server.rest("im_open_login_svc", "kick", {"UserID": "nobody"})
    assert r["ErrorCode"] == 70107
    await server.ok("im_open_login_svc", "kick", {"Identifier": "alice"})
    kicked = await server.hub.accounts.kicked_at(server.app, "alice")
    assert kicked is not None and kicked > 0
    # an admin kicked: its earlier UserSig stops working on REST
    earlier = gen_usersig_v2(server.app.sdkappid, SECRET, ADMIN, 3600, now=int(time.time()) - 10)
    await server.ok(
        "im_open_login_svc", "account_check", {"CheckItem": [{"UserID": "a"}]}, usersig=earlier
    )
    await server.ok("im_open_login_svc", "kick", {"UserID": ADMIN})
    r = await server.rest("im_open_login_svc", "account_check", {}, usersig=earlier)
    assert r["ErrorCode"] == 70052
    fresh = gen_usersig_v2(server.app.sdkappid, SECRET, ADMIN, 3600, now=int(time.time()) + 1)
    await server.ok(
        "im_open_login_svc", "account_check", {"CheckItem": [{"UserID": "a"}]}, usersig=fresh
    )


async def test_import_checks_profile_values(server: RunningServer) -> None:
    r = await server.rest("im_open_login_svc", "account_import", {"UserID": "a", "Nick": "n" * 501})
    assert r["ErrorCode"] == 40601
    r = await server.ok(
        "im_open_login_svc",
        "multiaccount_import",
        {"AccountList": [{"UserID": "ok1"}, {"UserID": "bad1", "FaceUrl": "u" * 600}]},
    )
    assert r["FailAccounts"] == ["bad1"]
    assert await server.hub.accounts.existing(server.app, ["ok1", "bad1"]) == {"ok1"}
