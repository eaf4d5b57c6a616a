"""Operators' endpoints: ``/healthz``, ``/readyz`` and ``/metrics``.

- ``GET /healthz``: the process answers (liveness): ``200 {"status": "ok"}``.
- ``GET /readyz``: the node can serve (readiness): the database answers
  ``SELECT 1`` and, in a cluster, Redis answers ``PING``, each within
  ``readiness_timeout`` seconds. ``200 {"status": "ready", "checks": {...}}``
  or ``503 {"status": "not ready", "checks": {"database": {"ok": false,
  "error": "..."}}}``. A node whose database comes back is ready again at the
  next call; nothing needs restarting.
- ``GET /metrics``: Prometheus' text format (:mod:`palaver.metrics`). Off
  (404) unless ``metrics_token`` or ``metrics_port`` is set; with a token it
  needs ``Authorization: Bearer <token>`` (else 401). With ``metrics_port`` it
  is served only on that separate listener (:func:`build_ops_app`).
"""

from __future__ import annotations

import hmac

from aiohttp import web

from palaver.metrics import CONTENT_TYPE, Monitor, exposition, metrics_registry
from palaver.settings import Settings

MONITOR_KEY = web.AppKey("monitor", Monitor)


def _authorized(request: web.Request, token: str | None) -> bool:
    if token is None:
        return True
    given = request.headers.get("Authorization", "")
    scheme, _, value = given.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(value.strip(), token)


def add_routes(
    app: web.Application, monitor: Monitor, settings: Settings, *, metrics: bool
) -> None:
    """Add ``/healthz`` and ``/readyz``, and ``/metrics`` when ``metrics`` is true
    (its token, if any, from ``settings.metrics_token``)."""
    app[MONITOR_KEY] = monitor

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(_: web.Request) -> web.Response:
        checks = await monitor.check()
        ready = all(c.ok for c in checks.values())
        body = {
            "status": "ready" if ready else "not ready",
            "checks": {
                name: {"ok": c.ok, **({"error": c.error} if c.error else {})}
                for name, c in checks.items()
            },
        }
        return web.json_response(body, status=200 if ready else 503)

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    if not metrics:
        return
    registry = metrics_registry(monitor.hub, monitor)
    token = settings.metrics_token

    async def metrics_handler(request: web.Request) -> web.Response:
        if not _authorized(request, token):
            return web.json_response(
                {"error": "a bearer token is required"},
                status=401,
                headers={"WWW-Authenticate": 'Bearer realm="palaver-metrics"'},
            )
        return web.Response(body=exposition(registry), headers={"Content-Type": CONTENT_TYPE})

    app.router.add_get("/metrics", metrics_handler)


def build_ops_app(monitor: Monitor, settings: Settings) -> web.Application:
    """The application of the separate metrics listener (``metrics_port``):
    ``/metrics``, ``/healthz`` and ``/readyz`` only."""
    app = web.Application()
    add_routes(app, monitor, settings, metrics=True)
    return app
