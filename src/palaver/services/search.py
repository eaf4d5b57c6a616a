"""Search of messages (issue 18; docs/search.md).

Follows Tencent's cloud search (``searchCloudMessages``): keywords (at most 5)
joined by AND or OR, optional conversation, senders, element types and time
range, newest first, with a per-conversation summary when no conversation is
given. A user finds only messages of conversations they are in, in groups only
from their join onwards, never what they cleared or what was recalled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import orjson

from palaver.errors import Code, ImError
from palaver.model.messages import GROUP_CONV_PREFIX, MessageRecord
from palaver.model.search_text import Phrase, normalize, phrase
from palaver.storage import Database
from palaver.storage import search as search_store
from palaver.storage.messages import c2c_conv_id

if TYPE_CHECKING:
    from palaver.services.apps import App

MAX_KEYWORDS = 5
MAX_COUNT = 100
GENDER = "Tag_Profile_IM_Gender"
BIRTHDAY = "Tag_Profile_IM_BirthDay"
#: Group types found by non-members only if they are members (Tencent's private groups).
PRIVATE_TYPES = ("Private", "Work")


@dataclass(frozen=True)
class Page:
    """A page of users, groups or members: ``items``; ``total`` matching;
    ``cursor`` for the next page (``""``: this is the last)."""

    items: list[Any]
    total: int
    cursor: str


def _like_keywords(keywords: Sequence[str]) -> list[str]:
    """Keywords for substring matching on names: normalised (NFKC, case-folded), 1..5."""
    if not keywords or len(keywords) > MAX_KEYWORDS:
        raise ImError(Code.ERR_SVR_SEARCH_INVALID_PARAMETERS, f"1..{MAX_KEYWORDS} keywords")
    out = [normalize(k).strip() for k in keywords]
    if not all(out):
        raise ImError(Code.ERR_SVR_SEARCH_INVALID_PARAMETERS, "empty keyword")
    return out


def _count(count: int) -> int:
    if not 1 <= count <= MAX_COUNT:
        raise ImError(Code.ERR_SVR_SEARCH_INVALID_PARAMETERS, f"count must be 1..{MAX_COUNT}")
    return count


@dataclass(frozen=True)
class MessageSearch:
    """A message search by ``viewer``.

    ``keywords``: at most 5, each matched as a phrase (docs/search.md);
    ``match_all``: every keyword (AND) instead of any (OR);
    ``peer``/``group_id``: only the C2C conversation with ``peer`` or the group;
    ``senders``: only from these UserIDs; ``kinds``: only messages with one of
    these element types (``TIMTextElem``...); ``start_time``/``end_time``: unix s,
    inclusive; ``cursor``: from the previous page (``""``: the first);
    ``count``: page size, 1..100.
    """

    viewer: str
    keywords: Sequence[str] = ()
    match_all: bool = False
    peer: str | None = None
    group_id: str | None = None
    senders: Sequence[str] = ()
    kinds: Sequence[str] = ()
    start_time: int | None = None
    end_time: int | None = None
    cursor: str = ""
    count: int = 20


@dataclass(frozen=True)
class ConversationHits:
    """The hits of one conversation: C2C (``peer``) or group (``group_id``);
    ``count``: matching messages; ``last_time``: the newest one's time;
    ``messages``: newest first (a page of them when the search named the
    conversation; without, the message itself when it is the only one)."""

    peer: str | None
    group_id: str | None
    count: int
    last_time: int
    messages: list[MessageRecord] = field(default_factory=list)


@dataclass(frozen=True)
class SearchPage:
    """One page: ``total``: matching messages in the named conversation, or,
    across conversations, the conversations with hits (as Tencent's
    ``totalCount``); ``cursor``: for the next page (``""``: this is the last)."""

    total: int
    cursor: str
    conversations: list[ConversationHits]


def _conversation_of(conv_id: str, viewer: str) -> tuple[str | None, str | None]:
    """(peer, group_id) of a storage conversation id."""
    if conv_id.startswith(GROUP_CONV_PREFIX):
        return None, conv_id[len(GROUP_CONV_PREFIX) :]
    a, _, b = conv_id[4:].partition("\x1f")
    return (b if a == viewer else a), None


def _phrases(keywords: Sequence[str]) -> list[Phrase]:
    if len(keywords) > MAX_KEYWORDS:
        raise ImError(Code.ERR_SVR_SEARCH_INVALID_PARAMETERS, f"at most {MAX_KEYWORDS} keywords")
    out = []
    for k in keywords:
        p = phrase(k)
        if p is None:
            raise ImError(
                Code.ERR_SVR_SEARCH_INVALID_PARAMETERS, f"keyword {k!r} has nothing to search"
            )
        out.append(p)
    return out


class SearchService:
    """Message search for every app.

    Args:
        db: the database (the index lives beside the messages).
    """

    def __init__(self, db: Database) -> None:
        self._db = db

    async def users(
        self,
        app: App,
        keywords: Sequence[str],
        *,
        match_all: bool = False,
        gender: str | None = None,
        birthday: tuple[int, int] | None = None,
        cursor: str = "",
        count: int = 20,
    ) -> Page:
        """Users whose UserID or nick contains the keywords (Tencent
        ``searchCloudUsers``), by UserID; ``items`` are ``(user_id, nick)``.
        ``gender``: ``Gender_Type_Male``/``Female``; ``birthday``: inclusive
        range of ``Tag_Profile_IM_BirthDay`` (``YYYYMMDD``). Raises ImError(27003)
        on 0 or more than 5 keywords, an empty one, ``count`` outside 1..100."""
        kws = _like_keywords(keywords)
        filters: list[tuple[str, Any]] = []
        if gender:
            filters.append((GENDER, lambda v, g=gender: v == _json_str(g)))
        if birthday is not None:
            lo, hi = birthday
            filters.append((BIRTHDAY, lambda v: search_store.json_int_between(v, lo, hi)))
        async with self._db.read() as conn:
            hits, total = await search_store.search_users(
                conn,
                app.sdkappid,
                kws,
                match_all,
                profile_filters=filters,
                after=cursor,
                limit=_count(count),
            )
        nxt = hits[-1].user_id if len(hits) == count else ""
        return Page([(h.user_id, _json_text(h.nick)) for h in hits], total, nxt)

    async def groups(
        self,
        app: App,
        viewer: str,
        keywords: Sequence[str],
        *,
        match_all: bool = False,
        types: Sequence[str] = (),
        cursor: str = "",
        count: int = 20,
    ) -> Page:
        """Groups whose GroupId or name contains the keywords (Tencent
        ``searchCloudGroups``), by GroupId; ``items`` are GroupIds. Private and
        Work groups only for their members. Raises ImError(27003) as :meth:`users`."""
        kws = _like_keywords(keywords)
        async with self._db.read() as conn:
            ids, total = await search_store.search_groups(
                conn,
                app.sdkappid,
                viewer,
                kws,
                match_all,
                types=types,
                private_types=PRIVATE_TYPES,
                after=cursor,
                limit=_count(count),
            )
        return Page(ids, total, ids[-1] if len(ids) == count else "")

    async def members(
        self,
        app: App,
        viewer: str,
        keywords: Sequence[str],
        *,
        match_all: bool = False,
        group_ids: Sequence[str] = (),
        types: Sequence[str] = (),
        cursor: str = "",
        count: int = 20,
    ) -> Page:
        """Members of ``viewer``'s groups whose UserID, name card or nick contains
        the keywords (Tencent ``searchCloudGroupMembers``), by group then UserID;
        ``items`` are :class:`~palaver.storage.search.MemberHit` (nick decoded).
        Raises ImError(27003) as :meth:`users`, or on a malformed cursor."""
        kws = _like_keywords(keywords)
        after = ("", "")
        if cursor:
            g, sep, u = cursor.partition("\x1f")
            if not sep:
                raise ImError(Code.ERR_SVR_SEARCH_INVALID_PARAMETERS, "bad cursor")
            after = (g, u)
        async with self._db.read() as conn:
            hits, total = await search_store.search_members(
                conn,
                app.sdkappid,
                viewer,
                kws,
                match_all,
                group_ids=group_ids,
                types=types,
                after=after,
                limit=_count(count),
            )
        nxt = f"{hits[-1].group_id}\x1f{hits[-1].user_id}" if len(hits) == count else ""
        items = [replace(h, nick=_json_text(h.nick)) for h in hits]
        return Page(items, total, nxt)

    async def rebuild(self) -> int:
        """Index every stored message again (``palaver search rebuild``); the count."""
        return await self._db.run_write(search_store.rebuild)

    async def messages(self, app: App, s: MessageSearch) -> SearchPage:
        """Search messages as ``s.viewer``.

        With a conversation: its matching messages, newest first, ``count`` a
        page, the cursor the last id. Without: the conversations with hits, the
        most recent hit first, ``count`` a page of conversations, each with its
        count and, when it has one hit, that message.

        Raises:
            ImError(27003 ``ERR_SVR_SEARCH_INVALID_PARAMETERS``): no keyword, sender
                or type; more than 5 keywords; a keyword of punctuation only;
                ``count`` outside 1..100; a malformed cursor.
        """
        if not (s.keywords or s.senders or s.kinds):
            raise ImError(
                Code.ERR_SVR_SEARCH_INVALID_PARAMETERS, "keywords, senders or types needed"
            )
        _count(s.count)
        if s.cursor and not (s.cursor.isascii() and s.cursor.isdigit() and len(s.cursor) < 19):
            raise ImError(Code.ERR_SVR_SEARCH_INVALID_PARAMETERS, "bad cursor")
        at = int(s.cursor) if s.cursor else 0
        match = search_store.Match(_phrases(s.keywords), s.match_all, s.kinds, s.senders)
        only = None
        if s.peer is not None:
            only = c2c_conv_id(s.viewer, s.peer)
        elif s.group_id is not None:
            only = GROUP_CONV_PREFIX + s.group_id
        timed = s.start_time is not None or s.end_time is not None
        async with self._db.read() as conn:
            scopes = await search_store.viewer_scopes(conn, app.sdkappid, s.viewer, only)
            if only is not None:
                return await self._in_conversation(conn, app, s, match, scopes, at, timed)
            found: list[tuple[search_store.Scope, int, int]] = []  # scope, count, newest
            for sc in scopes:
                if timed:
                    _, n, last = await self._timed(conn, app, s, match, sc, None, 1)
                else:
                    n, last = await search_store.count_in(conn, app.sdkappid, s.viewer, match, sc)
                if n:
                    found.append((sc, n, last))
            if not timed:  # newest hit ids -> their times
                times = await search_store.times_of(conn, app.sdkappid, [x[2] for x in found])
                found = [(sc, n, times.get(last, 0)) for sc, n, last in found]
            found.sort(key=lambda x: (-x[2], x[0].conv_id))
            out: list[ConversationHits] = []
            for sc, n, last in found[at : at + s.count]:
                peer, gid = _conversation_of(sc.conv_id, s.viewer)
                msgs: list[MessageRecord] = []
                if n == 1:
                    msgs = await self._page(conn, app, s, match, sc, None, 1, timed)
                out.append(ConversationHits(peer, gid, n, last, msgs))
            nxt = at + s.count
            # as Tencent: across conversations, the total counts conversations
            return SearchPage(len(found), str(nxt) if nxt < len(found) else "", out)

    async def _in_conversation(
        self,
        conn: Any,
        app: App,
        s: MessageSearch,
        match: search_store.Match,
        scopes: list[search_store.Scope],
        at: int,
        timed: bool,
    ) -> SearchPage:
        if not scopes:
            return SearchPage(0, "", [])
        sc = scopes[0]
        before = at or None
        if timed:
            page, n, last = await self._timed(conn, app, s, match, sc, before, s.count)
        else:
            n, newest = await search_store.count_in(conn, app.sdkappid, s.viewer, match, sc)
            page = await search_store.page_in(
                conn, app.sdkappid, s.viewer, match, sc, before_id=before, limit=s.count
            )
            last = (await search_store.times_of(conn, app.sdkappid, [newest])).get(newest, 0)
        peer, gid = _conversation_of(sc.conv_id, s.viewer)
        cursor = str(page[-1].id) if len(page) == s.count else ""
        hits = [ConversationHits(peer, gid, n, last, page)] if n else []
        return SearchPage(n, cursor, hits)

    async def _page(
        self,
        conn: Any,
        app: App,
        s: MessageSearch,
        match: search_store.Match,
        sc: search_store.Scope,
        before: int | None,
        limit: int,
        timed: bool,
    ) -> list[MessageRecord]:
        if timed:
            return (await self._timed(conn, app, s, match, sc, before, limit))[0]
        return await search_store.page_in(
            conn, app.sdkappid, s.viewer, match, sc, before_id=before, limit=limit
        )

    async def _timed(
        self,
        conn: Any,
        app: App,
        s: MessageSearch,
        match: search_store.Match,
        sc: search_store.Scope,
        before: int | None,
        limit: int,
    ) -> tuple[list[MessageRecord], int, int]:
        return await search_store.timed_in(
            conn,
            app.sdkappid,
            s.viewer,
            match,
            sc,
            start_time=s.start_time,
            end_time=s.end_time,
            before_id=before,
            limit=limit,
        )


def _json_str(v: str) -> str:
    return orjson.dumps(v).decode()


def _json_text(raw: str) -> str:
    """A stored profile value (JSON) as text (``""`` if none or not a string)."""
    if not raw:
        return ""
    try:
        v = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return ""
    return v if isinstance(v, str) else ""
