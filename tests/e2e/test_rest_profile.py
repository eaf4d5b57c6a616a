"""REST ``profile`` (portrait_set / portrait_get) and the profile service, through a real server."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import RunningServer
from palaver.api.rest.core import SERVICES
from palaver.errors import ImError
from palaver.services.profiles import STANDARD_TAGS, ProfileService

ALL_STANDARD = list(STANDARD_TAGS)

FULL_PROFILE: dict[str, Any] = {
    "Tag_Profile_IM_Nick": "Alice 爱丽丝",
    "Tag_Profile_IM_Gender": "Gender_Type_Female",
    "Tag_Profile_IM_BirthDay": 20190419,
    "Tag_Profile_IM_Location": "Shenzhen",
    "Tag_Profile_IM_SelfSignature": "hello",
    "Tag_Profile_IM_AllowType": "AllowType_Type_NeedConfirm",
    "Tag_Profile_IM_Language": 2,
    "Tag_Profile_IM_Image": "https://example.com/a.png",
    "Tag_Profile_IM_MsgSettings": 1,
    "Tag_Profile_IM_AdminForbidType": "AdminForbid_Type_SendOut",
    "Tag_Profile_IM_Level": 4294967295,
    "Tag_Profile_IM_Role": 7,
}

DEFAULTS: dict[str, Any] = {
    "Tag_Profile_IM_Nick": "",
    "Tag_Profile_IM_Gender": "Gender_Type_Unknown",
    "Tag_Profile_IM_BirthDay": 0,
    "Tag_Profile_IM_Location": "",
    "Tag_Profile_IM_SelfSignature": "",
    "Tag_Profile_IM_AllowType": "AllowType_Type_AllowAny",
    "Tag_Profile_IM_Language": 0,
    "Tag_Profile_IM_Image": "",
    "Tag_Profile_IM_MsgSettings": 0,
    "Tag_Profile_IM_AdminForbidType": "AdminForbid_Type_None",
    "Tag_Profile_IM_Level": 0,
    "Tag_Profile_IM_Role": 0,
}


async def pset(server: RunningServer, user: str, tags: dict[str, Any]) -> dict[str, Any]:
    """portrait_set; the raw answer."""
    items = [{"Tag": t, "Value": v} for t, v in tags.items()]
    return await server.rest(
        "profile", "portrait_set", {"From_Account": user, "ProfileItem": items}
    )


async def pget(server: RunningServer, users: list[str], tags: list[str]) -> dict[str, Any]:
    """portrait_get, asserting OK."""
    return await server.ok("profile", "portrait_get", {"To_Account": users, "TagList": tags})


def as_dict(item: dict[str, Any]) -> dict[str, Any]:
    return {p["Tag"]: p["Value"] for p in item["ProfileItem"]}


async def test_set_and_get_every_standard_tag(server: RunningServer) -> None:
    await server.import_users("alice")
    r = await pset(server, "alice", FULL_PROFILE)
    assert (r["ActionStatus"], r["ErrorCode"], r["ErrorDisplay"]) == ("OK", 0, ""), r
    r = await pget(server, ["alice"], ALL_STANDARD)
    assert r["ErrorDisplay"] == ""
    assert "Fail_Account" not in r
    [item] = r["UserProfileItem"]
    assert (item["To_Account"], item["ResultCode"], item["ResultInfo"]) == ("alice", 0, "")
    assert [p["Tag"] for p in item["ProfileItem"]] == ALL_STANDARD  # TagList order
    assert as_dict(item) == FULL_PROFILE
    # overwrite one tag, the others stay
    r = await pset(server, "alice", {"Tag_Profile_IM_Nick": "Al"})
    assert r["ErrorCode"] == 0
    r = await pget(server, ["alice"], ALL_STANDARD)
    assert as_dict(r["UserProfileItem"][0]) == {**FULL_PROFILE, "Tag_Profile_IM_Nick": "Al"}


async def test_defaults_for_unset_tags(server: RunningServer) -> None:
    await server.import_users("bob")
    r = await pget(server, ["bob"], [*ALL_STANDARD, "Tag_Profile_Custom_Never"])
    item = r["UserProfileItem"][0]
    assert item["ResultCode"] == 0
    assert as_dict(item) == DEFAULTS  # unset custom tags are left out
    assert await server.hub.profiles.allow_type(server.app, "bob") == "AllowType_Type_AllowAny"


async def test_account_import_nick_and_faceurl(server: RunningServer) -> None:
    await server.ok(
        "im_open_login_svc",
        "account_import",
        {"UserID": "carol", "Nick": "Carol", "FaceUrl": "https://x/c.jpg"},
    )
    await server.ok(
        "im_open_login_svc",
        "multiaccount_import",
        {"AccountList": [{"UserID": "dave", "Nick": "Dave", "FaceUrl": "https://x/d.jpg"}]},
    )
    r = await pget(server, ["carol", "dave"], ["Tag_Profile_IM_Nick", "Tag_Profile_IM_Image"])
    assert {i["To_Account"]: as_dict(i) for i in r["UserProfileItem"]} == {
        "carol": {"Tag_Profile_IM_Nick": "Carol", "Tag_Profile_IM_Image": "https://x/c.jpg"},
        "dave": {"Tag_Profile_IM_Nick": "Dave", "Tag_Profile_IM_Image": "https://x/d.jpg"},
    }


async def test_custom_tags(server: RunningServer) -> None:
    await server.import_users("alice")
    custom = {
        "Tag_Profile_Custom_City": "Paris",
        "Tag_Profile_Custom_Score": 18446744073709551615,
        "Tag_Profile_Custom_a_1": "",
        "Tag_Profile_Custom_Bytes8ch": "x" * 500,
    }
    r = await pset(server, "alice", custom)
    assert r["ErrorCode"] == 0, r
    r = await pget(server, ["alice"], [*custom, "Tag_Profile_IM_Nick"])
    assert as_dict(r["UserProfileItem"][0]) == {**custom, "Tag_Profile_IM_Nick": ""}
    # a custom tag may change type (string <-> integer)
    assert (await pset(server, "alice", {"Tag_Profile_Custom_City": 75}))["ErrorCode"] == 0
    r = await pget(server, ["alice"], ["Tag_Profile_Custom_City"])
    assert as_dict(r["UserProfileItem"][0]) == {"Tag_Profile_Custom_City": 75}


@pytest.mark.parametrize(
    ("tag", "value", "code"),
    [
        # wrong JSON type -> 40610
        ("Tag_Profile_IM_Nick", 123, 40610),
        ("Tag_Profile_IM_Image", None, 40610),
        ("Tag_Profile_IM_Location", ["x"], 40610),
        ("Tag_Profile_IM_Gender", 1, 40610),
        ("Tag_Profile_IM_AllowType", True, 40610),
        ("Tag_Profile_IM_BirthDay", "20190419", 40610),
        ("Tag_Profile_IM_Level", 1.5, 40610),
        ("Tag_Profile_IM_Role", True, 40610),
        ("Tag_Profile_IM_MsgSettings", {"a": 1}, 40610),
        ("Tag_Profile_Custom_Obj", {"a": 1}, 40610),
        ("Tag_Profile_Custom_Flt", 2.5, 40610),
        ("Tag_Profile_Custom_Bool", False, 40610),
        # right type, value not allowed -> 40605
        ("Tag_Profile_IM_Gender", "Male", 40605),
        ("Tag_Profile_IM_Gender", "", 40605),
        ("Tag_Profile_IM_AllowType", "AllowType_Type_Anyone", 40605),
        ("Tag_Profile_IM_AdminForbidType", "AdminForbid_Type_All", 40605),
        ("Tag_Profile_IM_BirthDay", -1, 40605),
        ("Tag_Profile_IM_Language", 4294967296, 40605),
        ("Tag_Profile_Custom_Neg", -5, 40605),
        # unknown tag -> 40009
        ("Tag_Profile_IM_Nickname", "x", 40009),
        ("Tag_SNS_IM_Remark", "x", 40009),
        ("Nick", "x", 40009),
        ("Tag_Profile_Custom_", "x", 40009),
        ("Tag_Profile_Custom_NineChars", "x", 40009),
        ("Tag_Profile_Custom_a-b", "x", 40009),
        ("tag_profile_im_nick", "x", 40009),
        # longer than 500 bytes -> 40601
        ("Tag_Profile_IM_Nick", "n" * 501, 40601),
        ("Tag_Profile_IM_SelfSignature", "签" * 167, 40601),  # 501 bytes, 167 chars
        ("Tag_Profile_Custom_Long", "c" * 501, 40601),
    ],
)
async def test_value_errors(server: RunningServer, tag: str, value: Any, code: int) -> None:
    await server.import_users("alice")
    await pset(server, "alice", {"Tag_Profile_IM_Nick": "before"})
    # the bad pair comes after a good one: nothing is written
    r = await pset(server, "alice", {"Tag_Profile_IM_Location": "x", tag: value})
    assert (r["ActionStatus"], r["ErrorCode"]) == ("FAIL", code), r
    assert r["ErrorInfo"] and r["ErrorDisplay"] == ""
    r = await pget(server, ["alice"], ["Tag_Profile_IM_Nick", "Tag_Profile_IM_Location"])
    assert as_dict(r["UserProfileItem"][0]) == {
        "Tag_Profile_IM_Nick": "before",
        "Tag_Profile_IM_Location": "",
    }


async def test_integer_beyond_uint64(server: RunningServer) -> None:
    await server.import_users("alice")
    # JSON parsers read integers past 64 bits as floats: a type error over REST
    raw = b'{"From_Account":"alice","ProfileItem":[{"Tag":"Tag_Profile_Custom_Big",'
    r = await server.rest("profile", "portrait_set", raw=raw + b'"Value":18446744073709551616}]}')
    assert r["ErrorCode"] == 40610
    # the service itself checks the uint64 range
    with pytest.raises(ImError) as exc:
        await server.hub.profiles.set(server.app, "alice", [("Tag_Profile_Custom_Big", 2**64)])
    assert exc.value.code == 40605


async def test_500_byte_limit_counts_utf8_bytes(server: RunningServer) -> None:
    await server.import_users("alice")
    for value in ("n" * 500, "é" * 250, "签" * 166 + "ab"):
        assert len(value.encode()) == 500
        r = await pset(server, "alice", {"Tag_Profile_IM_Nick": value})
        assert r["ErrorCode"] == 0, r
    r = await pset(server, "alice", {"Tag_Profile_IM_Nick": "é" * 251})
    assert r["ErrorCode"] == 40601


async def test_account_not_imported(server: RunningServer) -> None:
    r = await pset(server, "ghost", {"Tag_Profile_IM_Nick": "Boo"})
    assert (r["ActionStatus"], r["ErrorCode"]) == ("FAIL", 40003)
    # validation comes first: a bad tag on a missing account is 40009
    r = await pset(server, "ghost", {"Tag_Profile_IM_Bad": "Boo"})
    assert r["ErrorCode"] == 40009
    await server.import_users("alice")
    # a NUL is refused at the edge, whole request (issue 13)
    r = await pset(server, "a\x00b", {"Tag_Profile_IM_Nick": "Boo"})
    assert r["ErrorCode"] == 40001
    r = await server.rest(
        "profile", "portrait_get", {"To_Account": ["alice", "a\x00b"], "TagList": ["x"]}
    )
    assert r["ErrorCode"] == 40001
    r = await pget(server, ["ghost", "alice", "ghost2"], ["Tag_Profile_IM_Nick"])
    assert r["Fail_Account"] == ["ghost", "ghost2"]
    assert [(i["To_Account"], i["ResultCode"]) for i in r["UserProfileItem"]] == [
        ("ghost", 40003),
        ("alice", 0),
        ("ghost2", 40003),
    ]
    assert r["UserProfileItem"][0]["ProfileItem"] == []
    assert r["UserProfileItem"][0]["ResultInfo"]
    # a deleted account loses its profile
    await pset(server, "alice", {"Tag_Profile_IM_Nick": "Alice"})
    await server.ok("im_open_login_svc", "account_delete", {"DeleteItem": [{"UserID": "alice"}]})
    r = await pget(server, ["alice"], ["Tag_Profile_IM_Nick"])
    assert r["Fail_Account"] == ["alice"]
    await server.import_users("alice")
    r = await pget(server, ["alice"], ["Tag_Profile_IM_Nick"])
    assert as_dict(r["UserProfileItem"][0]) == {"Tag_Profile_IM_Nick": ""}


async def test_multiple_users_and_taglist_filtering(server: RunningServer) -> None:
    users = [f"u{i}" for i in range(100)]
    await server.import_users(*users)
    for i, u in enumerate(users[:3]):
        r = await pset(
            server,
            u,
            {
                "Tag_Profile_IM_Nick": f"N{i}",
                "Tag_Profile_IM_Level": i,
                "Tag_Profile_Custom_Team": f"T{i}",
            },
        )
        assert r["ErrorCode"] == 0
    tags = ["Tag_Profile_Custom_Team", "Tag_Profile_IM_Nick"]
    r = await pget(server, ["u2", "u0", "u1", "u0"], tags)  # order kept, duplicate once
    assert [i["To_Account"] for i in r["UserProfileItem"]] == ["u2", "u0", "u1"]
    for item in r["UserProfileItem"]:
        n = item["To_Account"][1:]
        assert item["ProfileItem"] == [
            {"Tag": "Tag_Profile_Custom_Team", "Value": f"T{n}"},
            {"Tag": "Tag_Profile_IM_Nick", "Value": f"N{n}"},
        ]
    # exactly 100 accounts is allowed; unset users get defaults
    r = await pget(server, users, ["Tag_Profile_IM_Level"])
    assert [as_dict(i)["Tag_Profile_IM_Level"] for i in r["UserProfileItem"]] == [0, 1, 2] + [
        0
    ] * 97
    # an unknown tag in TagList fails the whole call
    r = await server.rest(
        "profile", "portrait_get", {"To_Account": ["u0"], "TagList": ["Tag_Profile_IM_X"]}
    )
    assert (r["ActionStatus"], r["ErrorCode"]) == ("FAIL", 40009)


@pytest.mark.parametrize(
    ("command", "body"),
    [
        ("portrait_set", {"ProfileItem": [{"Tag": "Tag_Profile_IM_Nick", "Value": "x"}]}),
        ("portrait_set", {"From_Account": "alice"}),
        ("portrait_set", {"From_Account": "alice", "ProfileItem": []}),
        ("portrait_set", {"From_Account": "alice", "ProfileItem": {"Tag": "x"}}),
        (
            "portrait_set",
            {"From_Account": "alice", "ProfileItem": [{"Tag": "Tag_Profile_IM_Nick"}]},
        ),
        ("portrait_set", {"From_Account": "alice", "ProfileItem": [{"Tag": 5, "Value": "x"}]}),
        ("portrait_set", {"From_Account": 42, "ProfileItem": [{"Tag": "T", "Value": "x"}]}),
        ("portrait_get", {"TagList": ["Tag_Profile_IM_Nick"]}),
        ("portrait_get", {"To_Account": [], "TagList": ["Tag_Profile_IM_Nick"]}),
        ("portrait_get", {"To_Account": "alice", "TagList": ["Tag_Profile_IM_Nick"]}),
        ("portrait_get", {"To_Account": ["alice"]}),
        ("portrait_get", {"To_Account": ["alice"], "TagList": []}),
        ("portrait_get", {"To_Account": [f"u{i}" for i in range(101)], "TagList": ["T"]}),
    ],
)
async def test_bad_bodies(server: RunningServer, command: str, body: dict[str, Any]) -> None:
    await server.import_users("alice")
    r = await server.rest("profile", command, body)
    assert (r["ActionStatus"], r["ErrorCode"], r["ErrorDisplay"]) == ("FAIL", 40001, ""), r


async def test_bad_json_and_not_admin(server: RunningServer) -> None:
    await server.import_users("alice")
    r = await server.rest("profile", "portrait_get", raw=b"{nope")
    assert r["ErrorCode"] == 40001
    r = await server.rest(
        "profile",
        "portrait_get",
        {"To_Account": ["alice"], "TagList": ["Tag_Profile_IM_Nick"]},
        identifier="alice",
        usersig=server.sig("alice"),
    )
    assert (r["ActionStatus"], r["ErrorCode"]) == ("FAIL", SERVICES["profile"].not_admin)


async def test_service_get_all_and_allow_types(server: RunningServer) -> None:
    await server.import_users("alice", "bob")
    svc = server.hub.profiles
    await svc.set(
        server.app,
        "alice",
        [
            ("Tag_Profile_Custom_Zed", 1),
            ("Tag_Profile_Custom_Abc", "a"),
            ("Tag_Profile_IM_AllowType", "AllowType_Type_DenyAny"),
            ("Tag_Profile_IM_Nick", "first"),
            ("Tag_Profile_IM_Nick", "last"),  # last one wins
        ],
    )
    got = await svc.get(server.app, ["alice", "nobody"])
    assert list(got) == ["alice"]
    assert list(got["alice"]) == [*ALL_STANDARD, "Tag_Profile_Custom_Abc", "Tag_Profile_Custom_Zed"]
    assert got["alice"]["Tag_Profile_IM_Nick"] == "last"
    assert await svc.allow_types(server.app, ["alice", "bob"]) == {
        "alice": "AllowType_Type_DenyAny",
        "bob": "AllowType_Type_AllowAny",
    }
    assert await svc.allow_type(server.app, "alice") == "AllowType_Type_DenyAny"
    with pytest.raises(ImError) as exc:
        await svc.set(server.app, "nobody", [("Tag_Profile_IM_Nick", "x")])
    assert exc.value.code == 40003
    with pytest.raises(ImError) as exc:
        await svc.get(server.app, ["alice"], ["Tag_Profile_IM_Unknown"])
    assert exc.value.code == 40009


async def test_sdk_mapping_round_trip(server: RunningServer) -> None:
    await server.import_users("alice", "bob")
    svc = server.hub.profiles
    update = {
        "nick": "Alice",
        "avatar": "https://x/a.png",
        "gender": "Gender_Type_Female",
        "selfSignature": "hi",
        "allowType": "AllowType_Type_NeedConfirm",
        "birthday": 19900101,
        "location": "Earth",
        "language": 3,
        "messageSettings": 1,
        "adminForbidType": "AdminForbid_Type_SendOut",
        "level": 9,
        "role": 2,
        "profileCustomField": [
            {"key": "Tag_Profile_Custom_Hobby", "value": "chess"},
            {"key": "Age", "value": 30},  # the prefix is added
        ],
    }
    items = ProfileService.from_sdk_update(update)
    assert ("Tag_Profile_IM_Image", "https://x/a.png") in items
    assert ("Tag_Profile_Custom_Age", 30) in items
    await svc.set(server.app, "alice", items)
    tags = (await svc.get(server.app, ["alice"]))["alice"]
    sdk = ProfileService.to_sdk_profile("alice", tags)
    expected = {k: v for k, v in update.items() if k != "profileCustomField"}
    assert sdk == {
        "userID": "alice",
        **expected,
        "profileCustomField": [
            {"key": "Tag_Profile_Custom_Age", "value": 30},
            {"key": "Tag_Profile_Custom_Hobby", "value": "chess"},
        ],
    }
    # and back again: the SDK profile (minus userID) is a valid update
    again = {k: v for k, v in sdk.items() if k != "userID"}
    assert sorted(ProfileService.from_sdk_update(again)) == sorted(tags.items())
    # REST sees what the SDK wrote
    r = await pget(server, ["alice"], ["Tag_Profile_IM_Image", "Tag_Profile_Custom_Age"])
    assert as_dict(r["UserProfileItem"][0]) == {
        "Tag_Profile_IM_Image": "https://x/a.png",
        "Tag_Profile_Custom_Age": 30,
    }
    # a user with nothing set: defaults, no custom fields
    bob = ProfileService.to_sdk_profile("bob", (await svc.get(server.app, ["bob"]))["bob"])
    assert bob["gender"] == "Gender_Type_Unknown" and bob["allowType"] == "AllowType_Type_AllowAny"
    assert bob["nick"] == "" and bob["birthday"] == 0 and bob["profileCustomField"] == []
    assert ProfileService.to_sdk_profile("x", {})["adminForbidType"] == "AdminForbid_Type_None"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"userID": "alice"}, 6017),
        ({"nickName": "x"}, 6017),
        ({"profileCustomField": {"key": "a", "value": "b"}}, 6017),
        ({"profileCustomField": [{"key": "a"}]}, 6017),
        ({"profileCustomField": [{"key": 1, "value": "b"}]}, 6017),
        ({"profileCustomField": ["a"]}, 6017),
        ({"profileCustomField": [{"key": "waytoolong", "value": "b"}]}, 40009),
        ({"gender": "Gender_Type_Other"}, 40605),
        ({"level": "1"}, 40610),
        ({"nick": "n" * 501}, 40601),
    ],
)
def test_sdk_update_errors(fields: dict[str, Any], code: int) -> None:
    with pytest.raises(ImError) as exc:
        ProfileService.from_sdk_update(fields)
    assert exc.value.code == code
