"""Request ids in log records: which REST call or client request a line belongs to.

The API adapters set :data:`request_id` when they start on a request (a REST
call: its ``X-Request-Id`` header, or a new id, echoed in the answer's
``X-Request-Id``; a WebSocket request: ``<connection>:<request id>``). Every
log record made while that request's task runs (the adapter, the services,
storage calls, the publish to connections) carries it as ``request_id``:
:class:`RequestIdFilter` adds it, the JSON log format writes it. Work done in
other tasks (the group-commit writer's batches, fan-out on other nodes) is
shared by many requests and logs without one.

This module imports nothing of Palaver's, so every layer may use it.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

#: The id of the request the current task serves (``None`` outside one).
request_id: ContextVar[str | None] = ContextVar("palaver_request_id", default=None)

_SAFE = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def new_request_id(given: str | None = None) -> str:
    """``given`` when it is a plausible id (1–64 of ``A-Za-z0-9._:-``), else a new
    random one (16 hex digits); set as the current request's."""
    rid = given if given and _SAFE.fullmatch(given) else uuid.uuid4().hex[:16]
    request_id.set(rid)
    return rid


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (the current request's, or ``None``) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always keeps the record."""
        record.request_id = request_id.get()
        return True
