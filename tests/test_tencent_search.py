"""Tencent's web SDK (``@tencentcloud/chat`` 3.6.6, in Chromium) searching on
Palaver: ``searchCloudMessages`` (issue 18, docs/search.md)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import RunningServer
from support.tencent_sdk import TencentError, TencentHarness

pytestmark = pytest.mark.timeout(180)


async def test_search_cloud_messages_chinese_privacy_and_paging(
    server: RunningServer, tencent: TencentHarness
) -> None:
    await server.import_users("alice", "bob", "carol")
    alice = await tencent.login("alice", server.sig("alice"))
    bob = await tencent.login("bob", server.sig("bob"))
    await alice.send_text("bob", "我们公司地址变了")
    await bob.send_text("alice", "新地址：建国路88号😀")
    await server.ok(
        "openim",
        "sendmsg",
        {
            "From_Account": "carol",
            "To_Account": "bob",
            "MsgRandom": 5,
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "carol的地址保密"}}],
        },
    )

    # across conversations: alice finds only hers, summarised per conversation
    res: dict[str, Any] = await alice.call("searchCloudMessages", {"keywordList": ["地址"]})
    assert res["totalCount"] == 2, alice.report()
    assert [(c["conversationID"], c["messageCount"]) for c in res["searchResultList"]] == [
        ("C2Cbob", 2)
    ]
    # within the conversation: the messages, newest first, paged
    res = await alice.call(
        "searchCloudMessages", {"keywordList": ["地址"], "conversationID": "C2Cbob", "count": 1}
    )
    (conv,) = res["searchResultList"]
    assert [m["payload"]["text"] for m in conv["messageList"]] == ["新地址：建国路88号😀"]
    assert res["cursor"]
    res = await alice.call(
        "searchCloudMessages",
        {"keywordList": ["地址"], "conversationID": "C2Cbob", "count": 1, "cursor": res["cursor"]},
    )
    assert [m["payload"]["text"] for m in res["searchResultList"][0]["messageList"]] == [
        "我们公司地址变了"
    ]
    # mixed Chinese/digits/emoji without spaces; AND of two keywords; full-width
    for kws, kind in ((["路88号😀"], "or"), (["建国路", "８８"], "and")):
        res = await bob.call(
            "searchCloudMessages", {"keywordList": kws, "keywordListMatchType": kind}
        )
        assert res["totalCount"] == 1, (kws, bob.report())
        assert res["searchResultList"][0]["messageList"][0]["from"] == "bob"
    # bob sees carol's too; a sender filter narrows it
    res = await bob.call("searchCloudMessages", {"keywordList": ["地址"]})
    assert res["totalCount"] == 3
    res = await bob.call(
        "searchCloudMessages", {"keywordList": ["地址"], "senderUserIDList": ["carol"]}
    )
    assert [c["conversationID"] for c in res["searchResultList"]] == ["C2Ccarol"]
    with pytest.raises(TencentError) as e:
        await bob.call("searchCloudMessages", {"keywordList": ["，"]})
    assert e.value.code == 27003
