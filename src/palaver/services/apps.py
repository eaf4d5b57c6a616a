"""Apps: SDKAppID, keys, admins and per-app settings, and UserSig checks for an app.

One server hosts one or more apps; every stored row belongs to one of them.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass, field
from typing import Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, field_validator

from palaver import usersig
from palaver.errors import Code, ImError, UserSigError
from palaver.model import callbacks as cb
from palaver.services.cache import TTLCache
from palaver.storage import Database
from palaver.storage import apps as app_store

MAX_ADMINS = 10
APP_TTL = 5.0  # seconds an app's settings are cached
DEFAULT_ADMIN = "administrator"


class AppSettings(BaseModel):
    """Per-app behaviour. Times in seconds unless named otherwise."""

    model_config = ConfigDict(extra="forbid")

    check_friendship: bool = Field(
        False, description="C2C sends between non-friends fail with 20009 (client sends only)"
    )
    recall_window: int = Field(120, ge=0, description="seconds a sender may recall a message")
    max_message_bytes: int = Field(
        12 * 1024,
        ge=1024,
        le=1024 * 1024,
        description="bytes of a message's MsgBody (JSON) and CloudCustomData together "
        "(Tencent: 12 KB; 80002 past it)",
    )
    rest_qps: int = Field(
        0,
        ge=0,
        description="REST calls a second the app may make, 60007 past it (Tencent's "
        "default is 200); 0 = unlimited",
    )
    max_connections_per_user: int = Field(
        32,
        ge=0,
        description="a user's connections on one node; a new one past it kicks the oldest "
        "(multipleDevice); 0 = unlimited",
    )
    client_sends_per_second: int = Field(
        0,
        ge=0,
        description="messages a user may send a second through the client protocols "
        "(10023 in a group, 60007 C2C past it; REST is capped by rest_qps); 0 = unlimited "
        "(a chat app may set 10-20: no person types faster)",
    )
    group_creates_per_minute: int = Field(
        30, ge=0, description="groups a user may create a minute (10006 past it); 0 = unlimited"
    )
    max_profile_custom_fields: int = Field(
        20,
        ge=0,
        description="Tag_Profile_Custom_* fields one user may have (each ≤ 500 bytes; "
        "40601 past it; Tencent: 20); 0 = unlimited",
    )
    max_member_custom_fields: int = Field(
        5,
        ge=0,
        description="custom fields (AppMemberDefinedData) one group member may have "
        "(each ≤ 4096 bytes; 10004 past it; Tencent: 5); 0 = unlimited",
    )
    max_at_users: int = Field(
        30,
        ge=1,
        le=1000,
        description="@-mentions in one group message, @all included (Tencent: 30)",
    )
    history_retention_days: int = Field(
        0, ge=0, description="days messages are kept; 0 keeps them forever"
    )
    max_accounts: int = Field(0, ge=0, description="account limit (70398); 0 = unlimited")
    login_policy: Literal["single", "multi_platform"] = Field(
        "multi_platform", description="one device at a time, or one per platform"
    )
    debug_usersig: bool = Field(
        False, description="let the web UI ask the server to sign UserSigs (development only)"
    )
    group_member_limits: dict[str, int] = Field(
        default_factory=dict,
        description='most members per group type, e.g. {"Public": 500}; types left out '
        "keep Tencent's limits (Private 200, Public 2000, ChatRoom 6000, Community 100000)",
    )

    @field_validator("group_member_limits")
    @classmethod
    def _limits(cls, v: dict[str, int]) -> dict[str, int]:
        for gtype, n in v.items():
            if gtype not in ("Private", "Public", "ChatRoom", "Community"):
                raise ValueError(
                    f"unknown group type {gtype!r} (Private, Public, ChatRoom, Community)"
                )
            if n < 1:
                raise ValueError(f"the {gtype} limit must be at least 1")
        return v

    media_limits_mb: dict[str, int] = Field(
        default_factory=dict,
        description='largest upload per media kind in MB, e.g. {"image": 10}; kinds left out '
        "keep Tencent's limits (image 20, sound 20, file 100, video 100)",
    )
    media_quota_mb: int = Field(
        0, ge=0, description="MB of uploads the app may keep in all (2400 past it); 0 = unlimited"
    )

    @field_validator("media_limits_mb")
    @classmethod
    def _media_limits(cls, v: dict[str, int]) -> dict[str, int]:
        for kind, n in v.items():
            if kind not in ("image", "file", "sound", "video"):
                raise ValueError(f"unknown media kind {kind!r} (image, file, sound, video)")
            if n < 1:
                raise ValueError(f"the {kind} limit must be at least 1 MB")
        return v

    avchatroom_history_seconds: int = Field(
        600, ge=0, description="seconds AVChatRoom messages are kept for late joiners and resume"
    )
    account_delete_mode: Literal["tencent", "erase", "erase_redact"] = Field(
        "tencent",
        description="REST account_delete: tencent = account, profile and relations; erase = "
        "also conversations, streams, group memberships; erase_redact = and blank the "
        "messages the user sent",
    )
    callback_url: str = Field(
        "", description="the app backend's callback URL (http:// or https://); empty: none"
    )
    callback_token: str = Field(
        "",
        repr=False,
        description="callback auth token: requests carry Sign = sha256(token + RequestTime)",
    )
    callback_commands: list[str] = Field(
        default_factory=list,
        description='the CallbackCommands sent, e.g. ["C2C.CallbackAfterSendMsg"]; none by default',
    )
    callback_timeout: float = Field(
        2.0, gt=0, le=30, description="seconds a callback request may take (Tencent: 2)"
    )
    callback_fail_closed: list[str] = Field(
        default_factory=list,
        description="before-callbacks that refuse the action when the backend does not "
        "answer in time (the others let it through, as Tencent does)",
    )
    callback_offline_members_max: int = Field(
        2000,
        ge=0,
        description="groups up to this many members list their offline members "
        "(OfflineMemberList) in Group.CallbackAfterSendMsg, the offline-push hook",
    )
    callback_max_attempts: int = Field(
        10, ge=1, le=100, description="tries of an after-callback before it is dead-lettered"
    )

    @field_validator("callback_url")
    @classmethod
    def _url(cls, v: str) -> str:
        v = v.strip()
        if v and not v.startswith(("http://", "https://")):
            raise ValueError("callback_url must start with http:// or https://")
        return v

    @field_validator("callback_commands", "callback_fail_closed")
    @classmethod
    def _commands(cls, v: list[str]) -> list[str]:
        for name in v:
            if name not in cb.COMMANDS:
                raise ValueError(f"unknown CallbackCommand {name!r} ({', '.join(cb.COMMANDS)})")
        return list(dict.fromkeys(v))


@dataclass(frozen=True)
class App:
    """An app: its SDKAppID, keys, admin identifiers and settings.

    ``secret_key`` (v2 HMAC) and ``public_key_pem`` (v1 ECDSA) are secrets'
    verifiers; :meth:`__repr__` never shows them.
    """

    sdkappid: int
    admins: tuple[str, ...]
    settings: AppSettings
    secret_key: str | None = field(default=None, repr=False)
    public_key_pem: str | None = field(default=None, repr=False)
    created_at: int = 0
    #: signs the session keys (A2) of Tencent's client protocol; never leaves the server
    session_key: str | None = field(default=None, repr=False)

    def is_admin(self, identifier: str) -> bool:
        """True if ``identifier`` is one of the app's admin accounts."""
        return identifier in self.admins

    def verify_usersig(
        self, sig: str, identifier: str, now: int | None = None
    ) -> usersig.UserSigInfo:
        """Verify a UserSig made for this app (v1 or v2, by its document).

        Raises:
            UserSigError: 70001 expired, 70002 empty, 70003 malformed, 70009 bad
                signature, 70013 identifier mismatch, 70014 SDKAppID mismatch,
                70016 the app has no key of that version.
        """
        if not sig:
            raise UserSigError(70002)
        return usersig.verify_usersig(
            sig,
            sdkappid=self.sdkappid,
            identifier=identifier,
            secret_key=self.secret_key,
            public_key_pem=self.public_key_pem.encode() if self.public_key_pem else None,
            now=now,
        )


def _row_to_app(row: object) -> App:
    r = dict(row)  # type: ignore[call-overload]
    return App(
        sdkappid=int(r["sdkappid"]),
        admins=tuple(orjson.loads(r["admins"])),
        settings=AppSettings.model_validate(orjson.loads(r["settings"])),
        secret_key=r["secret_key"],
        public_key_pem=r["public_key_pem"],
        created_at=int(r["created_at"]),
        session_key=r.get("session_key"),
    )


#: Unknown SDKAppIDs remembered (each for a second) to spare the database.
MAX_MISSES = 4096


class AppService:
    """Creates, loads and caches apps."""

    def __init__(self, db: Database) -> None:
        self._db = db
        # Apps change rarely; other nodes' changes are seen within APP_TTL seconds.
        self._cache: TTLCache[App] = TTLCache(ttl=APP_TTL)
        self._misses: dict[int, float] = {}
        self._reloading: set[int] = set()

    async def create(
        self,
        *,
        sdkappid: int | None = None,
        secret_key: str | None = None,
        public_key_pem: str | None = None,
        admins: list[str] | None = None,
        settings: AppSettings | None = None,
    ) -> App:
        """Create an app; generates the SDKAppID (14xxxxxxxx) and the v2 key unless given.

        Raises:
            ImError: 70402 if the SDKAppID exists, an admin list is empty or longer
                than 10, or the public key does not load.
        """
        from palaver.services import accounts as accounts_svc

        admins = list(dict.fromkeys(admins or [DEFAULT_ADMIN]))
        if not 1 <= len(admins) <= MAX_ADMINS:
            raise ImError(
                Code.ERR_SVR_ACCOUNT_INVALID_PARAMETERS, f"an app has 1 to {MAX_ADMINS} admins"
            )
        for a in admins:
            accounts_svc.validate_user_id(a)
        if public_key_pem is not None:
            usersig.load_public_key(public_key_pem.encode())
        if secret_key is None and public_key_pem is None:
            secret_key = secrets.token_hex(32)
        async with self._db.write() as conn:
            if sdkappid is None:
                while True:
                    sdkappid = 1_400_000_000 + secrets.randbelow(100_000_000)
                    if await app_store.get_app(conn, sdkappid) is None:
                        break
            elif await app_store.get_app(conn, sdkappid) is not None:
                raise ImError(
                    Code.ERR_SVR_ACCOUNT_INVALID_PARAMETERS, f"app {sdkappid} exists already"
                )
            now = int(time.time())
            await app_store.insert_app(
                conn,
                sdkappid=sdkappid,
                secret_key=secret_key,
                public_key_pem=public_key_pem,
                admins=orjson.dumps(admins).decode(),
                settings=(settings or AppSettings()).model_dump_json(),
                created_at=now,
                session_key=secrets.token_hex(32),
            )
            from palaver.storage import accounts as accounts_store

            await accounts_store.import_accounts(conn, sdkappid, admins, now=now)
        app = await self.get(sdkappid)
        assert app is not None
        return app

    async def update_settings(self, sdkappid: int, **changes: object) -> App:
        """Change some per-app settings (validated); returns the updated app.

        Raises:
            ImError: 70020 if the app does not exist; 70402 if a value is invalid.
        """
        app = await self.get(sdkappid)
        if app is None:
            raise ImError(Code.ERR_SVR_ACCOUNT_SDKAPPID_NOT_FOUND)
        try:
            new = AppSettings.model_validate({**app.settings.model_dump(), **changes})
        except ValueError as exc:
            raise ImError(Code.ERR_SVR_ACCOUNT_INVALID_PARAMETERS, str(exc)) from None
        async with self._db.write() as conn:
            await app_store.update_app(conn, sdkappid, settings=new.model_dump_json())
        self._cache.drop(sdkappid)
        updated = await self.get(sdkappid)
        assert updated is not None
        return updated

    async def get(self, sdkappid: int) -> App | None:
        """The app, from cache or storage; ``None`` if unknown.

        Unknown SDKAppIDs are looked up at most once a second (at most
        :data:`MAX_MISSES` of them remembered), so apps created
        by ``palaver app create`` while the server runs are found; settings
        changed elsewhere (CLI, another node) apply within ``APP_TTL`` seconds.
        """
        app = self._cache.get(sdkappid)
        if app is not None:
            return app
        now = time.monotonic()
        if now - self._misses.get(sdkappid, -10.0) < 1.0:
            return None
        async with self._db.read() as conn:
            row = await app_store.get_app(conn, sdkappid)
        if row is None:
            if len(self._misses) >= MAX_MISSES:  # bounded: forget the ones past their second
                self._misses = {k: t for k, t in self._misses.items() if now - t < 1.0}
                if len(self._misses) >= MAX_MISSES:
                    self._misses.clear()
            self._misses[sdkappid] = now
            return None
        app = _row_to_app(row)
        self._cache.put(sdkappid, app)
        return app

    async def ensure_session_key(self, sdkappid: int) -> str:
        """The app's ``session_key``, made now if it has none (an app created before
        the column existed and not migrated). Raises ImError(70020) if unknown."""
        async with self._db.write() as conn:
            await app_store.set_session_key_once(conn, sdkappid, secrets.token_hex(32))
            row = await app_store.get_app(conn, sdkappid)
        if row is None:
            raise ImError(Code.ERR_SVR_ACCOUNT_SDKAPPID_NOT_FOUND)
        self._cache.drop(sdkappid)
        return str(row["session_key"])

    def current(self, app: App) -> App:
        """The cached, up-to-date version of ``app``, without waiting.

        If the cache entry expired, a reload starts in the background and
        ``app`` is returned meanwhile: callers on the message hot path never
        suspend here (a suspension would let later requests overtake earlier ones).
        """
        fresh = self._cache.get(app.sdkappid)
        if fresh is not None:
            return fresh
        if app.sdkappid not in self._reloading:
            self._reloading.add(app.sdkappid)
            task = asyncio.ensure_future(self.get(app.sdkappid))
            task.add_done_callback(lambda _t: self._reloading.discard(app.sdkappid))
        return app

    async def list(self) -> list[App]:
        """All apps, by SDKAppID."""
        async with self._db.read() as conn:
            rows = await app_store.list_apps(conn)
        return [_row_to_app(r) for r in rows]
