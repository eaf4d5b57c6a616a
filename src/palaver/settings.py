"""The one typed settings object.

Values come from, highest priority first:

1. explicit overrides (the ``palaver serve`` options ``--host``, ``--port``...),
2. ``PALAVER_*`` environment variables (``PALAVER_PORT=9000``, ``PALAVER_DATA_DIR=/srv/im``),
3. a TOML config file (``--config FILE`` or ``PALAVER_CONFIG``), top-level keys
   with the field names below (``port = 9000``),
4. the defaults below.

A wrong value or an unknown key fails at start with :class:`SettingsError`,
whose message names the key.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


class SettingsError(Exception):
    """A setting is wrong; the message names the key and the reason."""


class Settings(BaseSettings):
    """Server settings. Times are in seconds unless the name says otherwise."""

    model_config = SettingsConfigDict(env_prefix="PALAVER_", extra="forbid", frozen=True)

    # Network
    host: str = Field("127.0.0.1", description="address to listen on")
    port: int = Field(8080, ge=0, le=65535, description="TCP port (0 picks a free one)")

    # Storage
    data_dir: Path = Field(Path("palaver-data"), description="folder for the SQLite database")
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL; default sqlite+aiosqlite:///<data_dir>/palaver.db. "
        "PostgreSQL: postgresql+asyncpg://user@host/db",
    )

    public_url: str | None = Field(
        None,
        description="the address clients reach this server at (https://im.example.com), "
        "used in media URLs; default: the scheme and Host of each request",
    )

    # Media (docs/media.md)
    media_store: Literal["local", "s3"] = Field(
        "local", description="where uploads go: data_dir/media, or an S3-compatible bucket"
    )
    s3_bucket: str = Field("palaver-media", description="the bucket (media_store = 's3')")
    s3_endpoint_url: str | None = Field(
        None, description="the S3-compatible service, e.g. http://127.0.0.1:9000; default AWS"
    )
    s3_region: str = Field("us-east-1", description="the bucket's region")
    s3_access_key: str | None = Field(
        None, description="default: botocore's sources (AWS_ACCESS_KEY_ID, ...)"
    )
    s3_secret_key: SecretStr | None = Field(None, description="never logged or shown")
    s3_prefix: str = Field("media/", description="prepended to every object key")

    # Fan-out between nodes
    fanout: Literal["local", "redis"] = Field("local", description="in-process or Redis pub/sub")
    redis_url: str = Field("redis://127.0.0.1:6379/0", description="used when fanout = 'redis'")

    # REST
    rest_max_body_bytes: int = Field(
        1 << 20, ge=1024, description="largest REST request body accepted, in bytes"
    )

    # Real-time clients (docs/protocol.md)
    heartbeat_interval: float = Field(30, gt=0, description="seconds between client heartbeats")
    heartbeat_timeout: float = Field(
        90, gt=0, description="seconds of silence before a client is dropped"
    )
    login_timeout: float = Field(
        30, gt=0, description="seconds a new WebSocket may take to log in before it is closed"
    )
    http_idle_timeout: float = Field(
        75,
        gt=0,
        description="seconds an HTTP connection may stay idle (no request, or a request whose "
        "headers never finish) before it is closed; WebSockets are not affected",
    )
    login_concurrency: int = Field(
        32, ge=1, description="client logins in progress at once (admission control)"
    )
    login_queue: int = Field(
        10_000,
        ge=0,
        description="logins that may wait for a turn; more are told to retry later "
        "(HTTP 503 + Retry-After before the WebSocket upgrade, or 70169)",
    )
    login_max_wait: float = Field(
        5.0,
        gt=0,
        description="seconds a login may expect to wait for its turn; longer: retry later "
        "(HTTP 503 + Retry-After before the WebSocket upgrade, or 70169)",
    )
    listen_backlog: int = Field(
        4096, ge=128, description="pending TCP connections the kernel queues (capped by somaxconn)"
    )
    send_queue_frames: int = Field(
        1000, ge=10, description="frames queued per connection before a slow client is dropped"
    )

    event_retention_days: int = Field(
        30, ge=1, description="days a client may stay away and still resume from its cursor"
    )

    # Operations (docs/deploy.md, "Watching Palaver")
    metrics_token: str | None = Field(
        None,
        description="bearer token /metrics requires (Authorization: Bearer <token>); "
        "without it and without metrics_port, /metrics is off",
    )
    metrics_host: str = Field("127.0.0.1", description="address of the metrics listener")
    metrics_port: int | None = Field(
        None,
        ge=0,
        le=65535,
        description="serve /metrics (and /healthz, /readyz) on this separate port only",
    )
    readiness_timeout: float = Field(
        2.0, gt=0, description="seconds /readyz waits for the database and Redis"
    )
    # Callbacks to app backends (docs/callbacks.md); each app sets its URL and commands
    callback_retry_base: float = Field(
        1.0, gt=0, description="seconds before an after-callback's first retry (doubles each try)"
    )
    callback_retry_max: float = Field(
        300.0, gt=0, description="longest wait between two tries of an after-callback, seconds"
    )
    callback_concurrency: int = Field(
        16, ge=1, le=1024, description="conversations whose callbacks are delivered at once"
    )
    callback_retention_days: float = Field(
        7.0,
        gt=0,
        description="days a delivered or dead-lettered callback is kept (for `palaver "
        "callbacks log` and `replay`) before it is purged",
    )

    search_index: bool = Field(
        True,
        description="keep the message search index (docs/search.md); off, new messages "
        "are not searchable until 'palaver search rebuild'",
    )

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = Field(
        "text", description="log lines as text, or as one JSON object per line"
    )

    @property
    def effective_database_url(self) -> str:
        """The database URL in use: ``database_url`` or the SQLite file in ``data_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir.resolve() / 'palaver.db'}"

    @classmethod
    def load(cls, config_file: str | Path | None = None, **overrides: Any) -> Settings:
        """Build the settings from overrides, environment, TOML file and defaults.

        Args:
            config_file: a TOML file; ``None`` uses ``PALAVER_CONFIG`` if set.
            overrides: values that win over everything (``None`` values are ignored).

        Raises:
            SettingsError: a key is unknown or a value is invalid; the message names it.
        """
        path = config_file or os.environ.get("PALAVER_CONFIG")
        if path is not None and not Path(path).is_file():
            raise SettingsError(f"config file {path!s} does not exist")
        toml_path = Path(path) if path else None

        class _FromFile(cls):  # type: ignore[valid-type,misc]
            @classmethod
            def settings_customise_sources(
                cls,
                settings_cls: type[BaseSettings],
                init_settings: PydanticBaseSettingsSource,
                env_settings: PydanticBaseSettingsSource,
                dotenv_settings: PydanticBaseSettingsSource,
                file_secret_settings: PydanticBaseSettingsSource,
            ) -> tuple[PydanticBaseSettingsSource, ...]:
                sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
                if toml_path is not None:
                    sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml_path))
                return tuple(sources)

        given = {k: v for k, v in overrides.items() if v is not None}
        try:
            loaded = _FromFile(**given)
        except ValidationError as exc:
            problems = "; ".join(
                f"setting '{'.'.join(str(p) for p in err['loc'])}': {err['msg']}"
                for err in exc.errors()
            )
            raise SettingsError(problems) from None
        except ValueError as exc:  # TOML syntax errors
            raise SettingsError(f"config file {path}: {exc}") from None
        return cls.model_validate(loaded.model_dump())
