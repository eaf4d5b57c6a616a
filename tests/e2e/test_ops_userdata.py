"""One user's data out and erased (issue 14 §2): ``palaver account export`` against
a real server's database, then REST ``account_delete`` with the app's
``account_delete_mode = erase_redact``, and what the others still see."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from conftest import RunningServer
from test_cli import run_palaver

IMAGE = "https://media.example/alice/cat.jpg"


def text(t: str) -> list[dict[str, Any]]:
    return [{"MsgType": "TIMTextElem", "MsgContent": {"Text": t}}]


async def roam(server: RunningServer, who: str, peer: str) -> list[dict[str, Any]]:
    r = await server.ok(
        "openim",
        "admin_getroammsg",
        {
            "Operator_Account": who,
            "Peer_Account": peer,
            "MaxCnt": 100,
            "MinTime": 0,
            "MaxTime": 2**31 - 1,
        },  # fmt: skip
    )
    msgs: list[dict[str, Any]] = r["MsgList"]
    return msgs


async def test_export_then_erase_a_user(server: RunningServer, tmp_path: Path) -> None:
    await server.import_users("alice", "bob", "carol")
    await server.ok(
        "profile",
        "portrait_set",
        {"From_Account": "alice", "ProfileItem": [{"Tag": "Tag_Profile_IM_Nick", "Value": "Al"}]},
    )
    await server.ok(
        "sns",
        "friend_import",
        {
            "From_Account": "alice",
            "AddFriendItem": [{"To_Account": "bob", "AddSource": "AddSource_Type_Test"}],
        },
    )
    await server.ok("sns", "black_list_add", {"From_Account": "alice", "To_Account": ["carol"]})
    for i, (a, b) in enumerate([("alice", "bob"), ("bob", "alice"), ("alice", "bob")]):
        await server.ok(
            "openim",
            "sendmsg",
            {"From_Account": a, "To_Account": b, "MsgRandom": i, "MsgBody": text(f"{a} {i}")},
        )
    g = await server.ok(
        "group_open_http_svc",
        "create_group",
        {
            "Owner_Account": "bob",
            "Type": "Public",
            "Name": "g",
            "MemberList": [{"Member_Account": "alice"}],
        },  # fmt: skip
    )
    image = [{"MsgType": "TIMImageElem", "MsgContent": {"UUID": "u1", "ImageFormat": 1,
              "ImageInfoArray": [{"Type": 1, "Size": 10, "Width": 1, "Height": 1, "URL": IMAGE}]}}]  # fmt: skip
    await server.ok(
        "group_open_http_svc",
        "send_group_msg",
        {"GroupId": g["GroupId"], "From_Account": "alice", "Random": 5, "MsgBody": image},
    )
    url = server.hub.settings.effective_database_url

    # export: stdout by default, or a file
    rc, out, err = await run_palaver("account", "export", str(server.app.sdkappid), "alice",
                                     "--database-url", url)  # fmt: skip
    assert rc == 0, err
    doc = orjson.loads(out)
    assert doc["format"] == "palaver-account-export/1" and doc["UserID"] == "alice"
    assert doc["Profile"]["Tag_Profile_IM_Nick"] == "Al"
    assert [f["To_Account"] for f in doc["Friends"]] == ["bob"]
    assert [b["To_Account"] for b in doc["Blacklist"]] == ["carol"]
    assert [(m["From_Account"], m["MsgBody"]) for m in doc["Messages"]] == [
        ("alice", text("alice 0")),
        ("bob", text("bob 1")),
        ("alice", text("alice 2")),
        ("alice", image),
    ]
    assert doc["Messages"][1]["Peer_Account"] == "bob"
    assert doc["Messages"][3]["GroupId"] == g["GroupId"]
    assert doc["Media"] == [IMAGE]
    assert [c["Peer"] for c in doc["Conversations"]] == ["bob"]
    assert [x["GroupId"] for x in doc["Groups"]] == [g["GroupId"]]
    target = tmp_path / "alice.json"
    rc, _, err = await run_palaver("account", "export", str(server.app.sdkappid), "alice",
                                   "--database-url", url, "-o", str(target))  # fmt: skip
    assert rc == 0 and "4 messages, 1 media" in err, err
    assert orjson.loads(target.read_bytes())["Messages"] == doc["Messages"]

    # erase through Tencent's REST account_delete, with the app's erase setting
    await server.hub.apps.update_settings(server.app.sdkappid, account_delete_mode="erase_redact")
    r = await server.ok(
        "im_open_login_svc", "account_delete", {"DeleteItem": [{"UserID": "alice"}]}
    )
    assert r["ResultItem"] == [{"ResultCode": 0, "ResultInfo": "", "UserID": "alice"}]

    # bob keeps his history, gapless; what alice wrote is gone and reads as recalled
    history = await roam(server, "bob", "alice")
    assert [m["MsgSeq"] for m in history] == [1, 2, 3]
    assert [(m["From_Account"], m["MsgBody"], m["MsgFlagBits"]) for m in history] == [
        ("alice", [], 2),
        ("bob", text("bob 1"), 0),
        ("alice", [], 2),
    ]
    members = await server.ok("group_open_http_svc", "get_group_member_info",
                              {"GroupId": g["GroupId"]})  # fmt: skip
    assert [m["Member_Account"] for m in members["MemberList"]] == ["bob"]
    friends = await server.ok("sns", "friend_get", {"From_Account": "bob", "StartIndex": 0})
    assert friends.get("UserDataItem", []) == []
    rc, _, err = await run_palaver("account", "export", str(server.app.sdkappid), "alice",
                                   "--database-url", url)  # fmt: skip
    assert rc == 1 and "70107" in err


async def test_cli_erase_keeps_messages_when_told(server: RunningServer) -> None:
    await server.import_users("dan", "eve")
    await server.ok(
        "openim",
        "sendmsg",
        {"From_Account": "dan", "To_Account": "eve", "MsgRandom": 1, "MsgBody": text("hi")},
    )
    url = server.hub.settings.effective_database_url
    sdkappid = str(server.app.sdkappid)
    rc, _, err = await run_palaver("account", "erase", sdkappid, "dan", "--database-url", url)
    assert rc == 2 and "--yes" in err  # nothing without --yes
    rc, out, err = await run_palaver("account", "erase", sdkappid, "dan", "--messages", "keep",
                                     "--yes", "--database-url", url)  # fmt: skip
    assert rc == 0 and "Erased dan" in out, err
    history = await roam(server, "eve", "dan")
    assert [(m["MsgBody"], m["MsgFlagBits"]) for m in history] == [(text("hi"), 0)]
    rc, _, err = await run_palaver("account", "erase", sdkappid, "dan", "--yes",
                                   "--database-url", url)  # fmt: skip
    assert rc == 1 and "70107" in err
