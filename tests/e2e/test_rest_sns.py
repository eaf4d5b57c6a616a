"""REST ``sns`` (friends, friend requests, blacklist) through a real server."""

from __future__ import annotations

from typing import Any

from conftest import RunningServer
from palaver.api.rest.core import SERVICES
from palaver.storage import profiles as profile_store

SNS = "sns"


async def set_allow_type(server: RunningServer, user: str, allow: str) -> None:
    async with server.hub.db.write() as conn:
        await profile_store.set_tags(
            conn, server.app.sdkappid, user, {"Tag_Profile_IM_AllowType": allow}
        )


async def add(
    server: RunningServer,
    owner: str,
    *peers: str,
    add_type: str = "Add_Type_Both",
    force: int = 0,
    **extra: Any,
) -> dict[str, Any]:
    body = {
        "From_Account": owner,
        "AddFriendItem": [
            {"To_Account": p, "AddSource": "AddSource_Type_Test", **extra} for p in peers
        ],
        "AddType": add_type,
        "ForceAddFlags": force,
    }
    return await server.ok(SNS, "friend_add", body)


def codes(r: dict[str, Any]) -> dict[str, int]:
    return {i["To_Account"]: i["ResultCode"] for i in r["ResultItem"]}


async def relations(
    server: RunningServer, owner: str, *peers: str, single: bool = False
) -> dict[str, str]:
    r = await server.ok(
        SNS,
        "friend_check",
        {
            "From_Account": owner,
            "To_Account": list(peers),
            "CheckType": "CheckResult_Type_Single" if single else "CheckResult_Type_Both",
        },
    )
    return {i["To_Account"]: i["Relation"].removeprefix("CheckResult_Type_") for i in r["InfoItem"]}


async def test_seed_flow_adds_both_ways(server: RunningServer) -> None:
    await server.import_users("a", "b")
    body = {
        "From_Account": "a",
        "AddFriendItem": [{"To_Account": "b", "AddSource": "AddSource_Type_x"}],
        "AddType": "Add_Type_Both",
        "ForceAddFlags": 1,
    }
    r = await server.ok(SNS, "friend_add", body)
    assert r["ResultItem"] == [{"To_Account": "b", "ResultCode": 0, "ResultInfo": ""}]
    assert r["ErrorDisplay"] == "" and "Fail_Account" not in r
    assert await server.hub.sns.checks.are_friends(server.app, "a", "b")
    assert await server.hub.sns.checks.are_friends(server.app, "b", "a")
    # again: already friends
    r = await server.ok(SNS, "friend_add", body)
    assert codes(r) == {"b": 30001} and r["Fail_Account"] == ["b"]


async def test_add_single_and_errors(server: RunningServer) -> None:
    await server.import_users("a", "b", "c")
    r = await add(server, "a", "b", "a", "ghost", add_type="Add_Type_Single")
    assert codes(r) == {"b": 0, "a": 30001, "ghost": 30003}
    assert r["Fail_Account"] == ["a", "ghost"]
    assert await relations(server, "a", "b", "c") == {"b": "AWithB", "c": "NoRelation"}
    assert await relations(server, "b", "a") == {"a": "BWithA"}
    assert not await server.hub.sns.checks.are_friends(server.app, "a", "b")
    # single again: already; both: completes the other direction
    assert codes(await add(server, "a", "b", add_type="Add_Type_Single")) == {"b": 30001}
    assert codes(await add(server, "a", "b")) == {"b": 0}
    assert await relations(server, "a", "b") == {"b": "BothWay"}

    # whole-call errors
    r = await server.rest(
        SNS, "friend_add", {"AddFriendItem": [{"To_Account": "b", "AddSource": "AddSource_Type_x"}]}
    )
    assert (r["ActionStatus"], r["ErrorCode"]) == ("FAIL", 30001)
    r = await server.rest(
        SNS,
        "friend_add",
        {
            "From_Account": "nobody",
            "AddFriendItem": [{"To_Account": "b", "AddSource": "AddSource_Type_x"}],
        },
    )
    assert r["ErrorCode"] == 30003
    r = await server.rest(
        SNS,
        "friend_add",
        {"From_Account": "a", "AddFriendItem": [{"To_Account": "c", "AddSource": "Web"}]},
    )
    assert r["ErrorCode"] == 30001
    r = await server.rest(
        SNS,
        "friend_add",
        {
            "From_Account": "a",
            "AddFriendItem": [
                {"To_Account": "c", "AddSource": "AddSource_Type_x", "Remark": "r" * 97}
            ],
        },
    )
    assert r["ErrorCode"] == 30001
    r = await server.rest(
        SNS,
        "friend_add",
        {
            "From_Account": "a",
            "AddFriendItem": [{"To_Account": "c", "AddSource": "AddSource_Type_x"}],
            "AddType": "Nope",
        },
    )
    assert r["ErrorCode"] == 30001
    many = [{"To_Account": f"u{i}", "AddSource": "AddSource_Type_x"} for i in range(101)]
    r = await server.rest(SNS, "friend_add", {"From_Account": "a", "AddFriendItem": many})
    assert r["ErrorCode"] == 30001
    # only an App admin may call
    r = await server.rest(
        SNS,
        "friend_check",
        {"From_Account": "a", "To_Account": ["b"]},
        identifier="a",
        usersig=server.sig("a"),
    )
    assert (r["ActionStatus"], r["ErrorCode"]) == ("FAIL", SERVICES["sns"].not_admin)


async def test_allow_type_need_confirm_and_deny(server: RunningServer) -> None:
    await server.import_users("a", "b", "c", "d")
    await set_allow_type(server, "b", "AllowType_Type_NeedConfirm")
    await set_allow_type(server, "c", "AllowType_Type_DenyAny")
    await set_allow_type(server, "d", "AllowType_Type_AllowAny")
    r = await add(server, "a", "b", "c", "d", Remark="bee", GroupName="work", AddWording="hi")
    assert codes(r) == {"b": 30539, "c": 30516, "d": 0}
    assert r["Fail_Account"] == ["b", "c"]
    assert await relations(server, "a", "b", "c", "d") == {
        "b": "NoRelation",
        "c": "NoRelation",
        "d": "BothWay",
    }
    sns = server.hub.sns
    [incoming] = (await sns.applications.pending(server.app, "b", outgoing=False)).applications
    assert (incoming.from_user, incoming.to_user, incoming.remark, incoming.group_name) == (
        "a",
        "b",
        "bee",
        "work",
    )
    assert incoming.add_wording == "hi" and incoming.add_source == "AddSource_Type_Test"
    assert (await sns.applications.pending(server.app, "a", incoming=False)).applications == [
        incoming
    ]
    assert (await sns.applications.pending(server.app, "a", outgoing=False)).applications == []

    await sns.applications.accept(server.app, "b", "a", remark="ay")
    assert await sns.checks.are_friends(server.app, "a", "b")
    assert (await sns.applications.pending(server.app, "b")).applications == []
    r = await server.ok(
        SNS,
        "friend_get_list",
        {
            "From_Account": "a",
            "To_Account": ["b"],
            "TagList": ["Tag_SNS_IM_Remark", "Tag_SNS_IM_Group", "Tag_SNS_IM_AddWording"],
        },
    )
    assert r["InfoItem"][0]["SnsProfileItem"] == [
        {"Tag": "Tag_SNS_IM_Remark", "Value": "bee"},
        {"Tag": "Tag_SNS_IM_Group", "Value": ["work"]},
        {"Tag": "Tag_SNS_IM_AddWording", "Value": "hi"},
    ]
    r = await server.ok(
        SNS,
        "friend_get_list",
        {"From_Account": "b", "To_Account": ["a"], "TagList": ["Tag_SNS_IM_Remark"]},
    )
    assert r["InfoItem"][0]["SnsProfileItem"] == [{"Tag": "Tag_SNS_IM_Remark", "Value": "ay"}]

    # force add bypasses AllowType, DenyAny included
    assert codes(await add(server, "a", "c", force=1)) == {"c": 0}
    assert await relations(server, "a", "c") == {"c": "BothWay"}


async def test_requests_refuse_cancel_and_one_way_accept(server: RunningServer) -> None:
    await server.import_users("a", "b", "c")
    sns, app = server.hub.sns, server.app
    for u in ("a", "b", "c"):
        await set_allow_type(server, u, "AllowType_Type_NeedConfirm")
    assert codes(await add(server, "a", "b", "c")) == {"b": 30539, "c": 30539}
    await sns.applications.refuse(app, "b", "a")
    await sns.applications.cancel(app, "a", "c")
    assert (await sns.applications.pending(app, "a")).applications == []
    for call in (sns.applications.refuse(app, "b", "a"), sns.applications.accept(app, "b", "a")):
        try:
            await call
        except Exception as exc:
            assert getattr(exc, "code", None) == 30614
        else:
            raise AssertionError("expected 30614")
    # one-way accept
    assert codes(await add(server, "a", "b")) == {"b": 30539}
    await sns.applications.accept(app, "b", "a", add_back=False)
    assert await relations(server, "a", "b") == {"b": "AWithB"}


async def test_mutual_requests_become_friends(server: RunningServer) -> None:
    await server.import_users("a", "b")
    await set_allow_type(server, "a", "AllowType_Type_NeedConfirm")
    await set_allow_type(server, "b", "AllowType_Type_NeedConfirm")
    assert codes(await add(server, "b", "a", Remark="from b")) == {"a": 30539}
    # a adds b while b already asked a: no confirmation needed, friends both ways
    assert codes(await add(server, "a", "b", add_type="Add_Type_Single")) == {"b": 0}
    assert await relations(server, "a", "b") == {"b": "BothWay"}
    assert (await server.hub.sns.applications.pending(server.app, "a")).applications == []
    r = await server.ok(
        SNS,
        "friend_get_list",
        {"From_Account": "b", "To_Account": ["a"], "TagList": ["Tag_SNS_IM_Remark"]},
    )
    assert r["InfoItem"][0]["SnsProfileItem"] == [{"Tag": "Tag_SNS_IM_Remark", "Value": "from b"}]


async def test_blacklist_blocks_adding_and_removes_friendship(server: RunningServer) -> None:
    await server.import_users("a", "b", "c")
    await add(server, "a", "b", "c", force=1)
    sns, app = server.hub.sns, server.app
    r = await server.ok(
        SNS, "black_list_add", {"From_Account": "a", "To_Account": ["b", "a", "ghost"]}
    )
    assert codes(r) == {"b": 0, "a": 30001, "ghost": 30003}
    assert r["Fail_Account"] == ["a", "ghost"]
    assert await sns.checks.is_blacklisted(app, "a", "b")
    assert not await sns.checks.is_blacklisted(app, "b", "a")
    assert await relations(server, "a", "b", "c") == {"b": "NoRelation", "c": "BothWay"}
    r = await server.ok(SNS, "black_list_add", {"From_Account": "a", "To_Account": ["b"]})
    assert codes(r) == {"b": 30001}

    assert codes(await add(server, "a", "b", force=1)) == {"b": 30515}
    assert codes(await add(server, "b", "a", force=1)) == {"a": 30525}

    r = await server.ok(SNS, "black_list_delete", {"From_Account": "a", "To_Account": ["b", "c"]})
    assert codes(r) == {"b": 0, "c": 30001}
    assert not await sns.checks.is_blacklisted(app, "a", "b")
    assert codes(await add(server, "b", "a")) == {"a": 0}


async def test_black_list_check_all_relations(server: RunningServer) -> None:
    await server.import_users("a", "b", "c", "d", "e")
    await server.ok(SNS, "black_list_add", {"From_Account": "a", "To_Account": ["b", "c"]})
    await server.ok(SNS, "black_list_add", {"From_Account": "b", "To_Account": ["a"]})
    await server.ok(SNS, "black_list_add", {"From_Account": "d", "To_Account": ["a"]})
    body = {
        "From_Account": "a",
        "To_Account": ["b", "c", "d", "e", "ghost"],
        "CheckType": "BlackCheckResult_Type_Both",
    }
    r = await server.ok(SNS, "black_list_check", body)
    assert {i["To_Account"]: (i["Relation"], i["ResultCode"]) for i in r["BlackListCheckItem"]} == {
        "b": ("BlackCheckResult_Type_BothWay", 0),
        "c": ("BlackCheckResult_Type_AWithB", 0),
        "d": ("BlackCheckResult_Type_BWithA", 0),
        "e": ("BlackCheckResult_Type_NO", 0),
        "ghost": ("BlackCheckResult_Type_NO", 30003),
    }
    assert r["Fail_Account"] == ["ghost"]
    body["CheckType"] = "BlackCheckResult_Type_Single"
    r = await server.ok(SNS, "black_list_check", body)
    assert [
        i["Relation"].removeprefix("BlackCheckResult_Type_") for i in r["BlackListCheckItem"]
    ] == [
        "AWithB",
        "AWithB",
        "NO",
        "NO",
        "NO",
    ]


async def test_friend_check_all_relations(server: RunningServer) -> None:
    await server.import_users("a", "both", "mine", "theirs", "none")
    await add(server, "a", "both")
    await add(server, "a", "mine", add_type="Add_Type_Single")
    await add(server, "theirs", "a", add_type="Add_Type_Single")
    everyone = ("both", "mine", "theirs", "none")
    assert await relations(server, "a", *everyone) == {
        "both": "BothWay",
        "mine": "AWithB",
        "theirs": "BWithA",
        "none": "NoRelation",
    }
    assert await relations(server, "a", *everyone, single=True) == {
        "both": "AWithB",
        "mine": "AWithB",
        "theirs": "NoRelation",
        "none": "NoRelation",
    }
    r = await server.ok(
        SNS,
        "friend_check",
        {"From_Account": "a", "To_Account": ["ghost"], "CheckType": "CheckResult_Type_Both"},
    )
    assert r["InfoItem"] == [
        {
            "To_Account": "ghost",
            "Relation": "CheckResult_Type_NoRelation",
            "ResultCode": 30003,
            "ResultInfo": "account does not exist",
        }
    ]
    r = await server.rest(
        SNS, "friend_check", {"From_Account": "a", "To_Account": [f"u{i}" for i in range(1001)]}
    )
    assert r["ErrorCode"] == 30001
    r = await server.rest(
        SNS, "friend_check", {"From_Account": "a", "To_Account": ["b"], "CheckType": "bad"}
    )
    assert r["ErrorCode"] == 30001


async def test_friend_get_paging_and_import(server: RunningServer) -> None:
    users = [f"f{i:03d}" for i in range(150)]
    await server.import_users("owner")
    await server.import_users(*users[:100])
    await server.import_users(*users[100:])
    for chunk, base in ((users[:100], 1_600_000_000), (users[100:], 1_600_001_000)):
        items = [
            {
                "To_Account": u,
                "AddSource": "AddSource_Type_Import",
                "AddTime": base + i,
                "Remark": f"r-{u}",
                "RemarkTime": base + i,
            }
            for i, u in enumerate(chunk)
        ]
        items[0]["GroupName"] = ["g1", "g2"]
        items[0]["CustomItem"] = [{"Tag": "Tag_SNS_Custom_Level", "Value": 3}]
        r = await server.ok(SNS, "friend_import", {"From_Account": "owner", "AddFriendItem": items})
        assert set(codes(r).values()) == {0}
    # one-way only
    assert await relations(server, "owner", "f000", "f149") == {"f000": "AWithB", "f149": "AWithB"}

    r1 = await server.ok(SNS, "friend_get", {"From_Account": "owner", "StartIndex": 0})
    assert (r1["FriendNum"], r1["CompleteFlag"], r1["NextStartIndex"]) == (150, 0, 100)
    assert len(r1["UserDataItem"]) == 100
    first = r1["UserDataItem"][0]
    assert first["To_Account"] == "f000"
    assert first["ValueItem"] == [
        {"Tag": "Tag_SNS_IM_AddSource", "Value": "AddSource_Type_Import"},
        {"Tag": "Tag_SNS_IM_Remark", "Value": "r-f000"},
        {"Tag": "Tag_SNS_IM_Group", "Value": ["g1", "g2"]},
        {"Tag": "Tag_SNS_IM_AddWording", "Value": ""},
        {"Tag": "Tag_SNS_IM_AddTime", "Value": 1_600_000_000},
        {"Tag": "Tag_SNS_IM_RemarkTime", "Value": 1_600_000_000},
        {"Tag": "Tag_SNS_Custom_Level", "Value": 3},
    ]
    r2 = await server.ok(SNS, "friend_get", {"From_Account": "owner", "StartIndex": 100})
    assert (r2["CompleteFlag"], r2["NextStartIndex"], len(r2["UserDataItem"])) == (1, 0, 50)
    seen = [i["To_Account"] for i in r1["UserDataItem"] + r2["UserDataItem"]]
    assert seen == users
    # unchanged sequences: values are left out
    r3 = await server.ok(
        SNS,
        "friend_get",
        {
            "From_Account": "owner",
            "StartIndex": 0,
            "StandardSequence": r1["StandardSequence"],
            "CustomSequence": r1["CustomSequence"],
        },
    )
    assert r3["UserDataItem"][0] == {"To_Account": "f000", "ValueItem": []}
    r4 = await server.ok(
        SNS,
        "friend_get",
        {"From_Account": "owner", "StartIndex": 0, "StandardSequence": r1["StandardSequence"]},
    )
    assert r4["UserDataItem"][0]["ValueItem"] == [{"Tag": "Tag_SNS_Custom_Level", "Value": 3}]
    # importing again: already friends; bad custom tag: whole call fails
    r = await server.ok(
        SNS,
        "friend_import",
        {
            "From_Account": "owner",
            "AddFriendItem": [
                {"To_Account": "f000", "AddSource": "AddSource_Type_x"},
                {"To_Account": "ghost", "AddSource": "AddSource_Type_x"},
            ],
        },
    )
    assert codes(r) == {"f000": 30001, "ghost": 30003}
    r = await server.rest(
        SNS,
        "friend_import",
        {
            "From_Account": "owner",
            "AddFriendItem": [
                {
                    "To_Account": "f000",
                    "AddSource": "AddSource_Type_x",
                    "CustomItem": [{"Tag": "Level", "Value": 1}],
                }
            ],
        },
    )
    assert r["ErrorCode"] == 30001
    # an empty list
    await server.import_users("lonely")
    r = await server.ok(SNS, "friend_get", {"From_Account": "lonely", "StartIndex": 0})
    assert (r["UserDataItem"], r["FriendNum"], r["CompleteFlag"], r["NextStartIndex"]) == (
        [],
        0,
        1,
        0,
    )


async def test_update_then_get_list(server: RunningServer) -> None:
    await server.import_users("a", "b", "c")
    async with server.hub.db.write() as conn:
        await profile_store.set_tags(conn, server.app.sdkappid, "b", {"Tag_Profile_IM_Nick": "Bee"})
    await add(server, "a", "b")
    body = {
        "From_Account": "a",
        "UpdateItem": [
            {
                "To_Account": "b",
                "SnsItem": [
                    {"Tag": "Tag_SNS_IM_Remark", "Value": "buddy"},
                    {"Tag": "Tag_SNS_IM_Group", "Value": ["g1", "g2"]},
                    {"Tag": "Tag_SNS_Custom_Note", "Value": "likes tea"},
                ],
            },
            {"To_Account": "c", "SnsItem": [{"Tag": "Tag_SNS_IM_Remark", "Value": "x"}]},
            {"To_Account": "ghost", "SnsItem": [{"Tag": "Tag_SNS_IM_Remark", "Value": "x"}]},
        ],
    }
    r = await server.ok(SNS, "friend_update", body)
    assert codes(r) == {"b": 0, "c": 30001, "ghost": 30003}
    bad = [
        {"Tag": "Tag_SNS_IM_Remark", "Value": "x" * 97},
        {"Tag": "Tag_SNS_IM_AddSource", "Value": "AddSource_Type_y"},
        {"Tag": "Tag_SNS_IM_Group", "Value": "not a list"},
    ]
    for item in bad:
        r = await server.ok(
            SNS,
            "friend_update",
            {"From_Account": "a", "UpdateItem": [{"To_Account": "b", "SnsItem": [item]}]},
        )
        assert codes(r) == {"b": 30001}, item

    tags = [
        "Tag_Profile_IM_Nick",
        "Tag_SNS_IM_Remark",
        "Tag_SNS_IM_Group",
        "Tag_SNS_Custom_Note",
        "Tag_SNS_Custom_Missing",
    ]
    r = await server.ok(
        SNS,
        "friend_get_list",
        {"From_Account": "a", "To_Account": ["b", "c", "ghost"], "TagList": tags},
    )
    items = {i["To_Account"]: i for i in r["InfoItem"]}
    assert items["b"]["ResultCode"] == 0
    assert items["b"]["SnsProfileItem"] == [
        {"Tag": "Tag_Profile_IM_Nick", "Value": "Bee"},
        {"Tag": "Tag_SNS_IM_Remark", "Value": "buddy"},
        {"Tag": "Tag_SNS_IM_Group", "Value": ["g1", "g2"]},
        {"Tag": "Tag_SNS_Custom_Note", "Value": "likes tea"},
    ]
    assert (items["c"]["ResultCode"], items["ghost"]["ResultCode"]) == (30001, 30003)
    assert r["Fail_Account"] == ["c", "ghost"]
    r = await server.rest(
        SNS, "friend_get_list", {"From_Account": "a", "To_Account": ["b"], "TagList": ["Nick"]}
    )
    assert r["ErrorCode"] == 30001
    # the remark time is set by the update
    r = await server.ok(
        SNS,
        "friend_get_list",
        {"From_Account": "a", "To_Account": ["b"], "TagList": ["Tag_SNS_IM_RemarkTime"]},
    )
    assert r["InfoItem"][0]["SnsProfileItem"][0]["Value"] > 0


async def test_delete_single_both_and_all(server: RunningServer) -> None:
    await server.import_users("a", "b", "c", "d", "e")
    await add(server, "a", "b", "c", "d")
    r = await server.ok(
        SNS,
        "friend_delete",
        {
            "From_Account": "a",
            "To_Account": ["b", "e", "ghost"],
            "DeleteType": "Delete_Type_Single",
        },
    )
    assert codes(r) == {"b": 0, "e": 31704, "ghost": 30003}
    assert await relations(server, "a", "b") == {"b": "BWithA"}
    r = await server.ok(
        SNS,
        "friend_delete",
        {"From_Account": "a", "To_Account": ["c"], "DeleteType": "Delete_Type_Both"},
    )
    assert codes(r) == {"c": 0}
    assert await relations(server, "a", "c") == {"c": "NoRelation"}
    # both-way delete also clears a one-way relation from the other side
    r = await server.ok(
        SNS,
        "friend_delete",
        {"From_Account": "a", "To_Account": ["b"], "DeleteType": "Delete_Type_Both"},
    )
    assert codes(r) == {"b": 0}
    assert await relations(server, "a", "b") == {"b": "NoRelation"}
    r = await server.rest(
        SNS, "friend_delete", {"From_Account": "a", "To_Account": [f"u{i}" for i in range(1001)]}
    )
    assert r["ErrorCode"] == 30001

    await add(server, "a", "b", "c", "e")
    r = await server.ok(
        SNS, "friend_delete_all", {"From_Account": "a", "DeleteType": "Delete_Type_Single"}
    )
    assert set(r) == {"ActionStatus", "ErrorCode", "ErrorInfo", "ErrorDisplay"}
    assert await relations(server, "a", "b", "c", "d", "e") == dict.fromkeys("bcde", "BWithA")
    await add(server, "a", "b", "c", "d", "e")
    await server.ok(
        SNS, "friend_delete_all", {"From_Account": "a", "DeleteType": "Delete_Type_Both"}
    )
    assert await relations(server, "a", "b", "c", "d", "e") == dict.fromkeys("bcde", "NoRelation")
    r = await server.rest(SNS, "friend_delete_all", {"From_Account": "ghost"})
    assert r["ErrorCode"] == 30003


async def test_black_list_get_paging(server: RunningServer) -> None:
    users = [f"u{i:02d}" for i in range(25)]
    await server.import_users("a", *users)
    await server.ok(SNS, "black_list_add", {"From_Account": "a", "To_Account": users})
    seen: list[str] = []
    start, pages, seq = 0, 0, None
    while True:
        r = await server.ok(
            SNS,
            "black_list_get",
            {"From_Account": "a", "StartIndex": start, "MaxLimited": 10, "LastSequence": 0},
        )
        seen += [i["To_Account"] for i in r["BlackListItem"]]
        assert all(i["AddBlackTimeStamp"] > 0 for i in r["BlackListItem"])
        assert seq in (None, r["CurrentSequence"]) and r["CurrentSequence"] != 0
        seq = r["CurrentSequence"]
        pages += 1
        start = r["StartIndex"]
        if start == 0:
            break
    assert (pages, seen) == (3, users)
    r = await server.rest(SNS, "black_list_get", {"From_Account": "a", "StartIndex": 0})
    assert r["ErrorCode"] == 30001  # MaxLimited is required
    await server.ok(SNS, "black_list_delete", {"From_Account": "a", "To_Account": ["u00"]})
    r = await server.ok(
        SNS,
        "black_list_get",
        {"From_Account": "a", "StartIndex": 0, "MaxLimited": 100, "LastSequence": seq},
    )
    assert len(r["BlackListItem"]) == 24 and r["CurrentSequence"] != seq


async def test_limits(server: RunningServer, monkeypatch: Any) -> None:
    from palaver.services.sns import model as sns_model  # the limits are read from here

    monkeypatch.setattr(sns_model, "MAX_FRIENDS", 2)
    monkeypatch.setattr(sns_model, "MAX_BLACKLIST", 2)
    await server.import_users("a", "b", "c", "d", "x", "y", "z")
    r = await add(server, "a", "b", "c", "d")
    assert codes(r) == {"b": 0, "c": 0, "d": 30010}
    await add(server, "x", "y", "z")
    assert codes(await add(server, "d", "x")) == {"x": 30014}
    assert codes(await add(server, "d", "x", add_type="Add_Type_Single")) == {"x": 0}
    r = await server.ok(SNS, "black_list_add", {"From_Account": "a", "To_Account": ["x", "y", "z"]})
    assert codes(r) == {"x": 0, "y": 0, "z": 30013}
