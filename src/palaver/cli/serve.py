"""``palaver serve``: run a node; and the logging every server command sets up
(text, or one JSON object per line).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import click
import orjson
from sqlalchemy.exc import SQLAlchemyError

from palaver.cli.common import (
    SettingsSource,
    _fail,
    safe_url,
    settings_options,
)
from palaver.logcontext import RequestIdFilter
from palaver.settings import Settings

log = logging.getLogger("palaver.cli")


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line (``log_format = "json"``): ``ts`` (ISO 8601, UTC),
    ``level``, ``logger``, ``msg``, ``request_id`` within a request
    (:mod:`palaver.logcontext`) and, for an exception, ``exc``."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        rid = getattr(record, "request_id", None)
        if rid is not None:
            line["request_id"] = rid
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(line).decode()


def _configure_logging(settings: Settings) -> None:
    if settings.log_format == "json":
        handler = logging.StreamHandler()
        handler.setFormatter(JsonLogFormatter())
        handler.addFilter(RequestIdFilter())
        logging.basicConfig(level=settings.log_level, handlers=[handler])
        return
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def _serve(settings: Settings) -> None:
    """Run the server until SIGINT/SIGTERM; a socket or database failure exits 1."""
    from palaver.server import run

    log.info(
        "data folder %s, database %s",
        settings.data_dir.resolve(),
        safe_url(settings.effective_database_url),
    )
    try:
        run(settings)
    except (OSError, SQLAlchemyError) as exc:
        _fail(f"error: {exc}")


@click.command()
@click.option("--host", help="Address to listen on (default: $PALAVER_HOST or 127.0.0.1).")
@click.option("--port", type=int, help="TCP port (default: $PALAVER_PORT or 8080).")
@settings_options
def serve(host: str | None, port: int | None, source: SettingsSource) -> None:
    """Run a Palaver node until Ctrl-C or SIGTERM."""
    settings = source.load(host=host, port=port)
    _configure_logging(settings)
    _serve(settings)
