"""The Bottle app: every route module present installs its routes with ``install(app, service)``."""

from __future__ import annotations

import json
import logging

import bottle

from exsampling_osc.optional import present_modules

log = logging.getLogger(__name__)

ROUTE_MODULES = (
    "exsampling_osc.web.api",  # JSON API, QR picture
    "exsampling_osc.web.recorder_routes",  # participant page (issue 4)
    "exsampling_osc.web.console_routes",  # performer console (issue 5)
)


def make_app(service) -> bottle.Bottle:
    """A Bottle app with the routes of every installed module; /api errors answer JSON."""
    app = bottle.Bottle()
    app.config["exsampling.service"] = service
    for module in present_modules(ROUTE_MODULES):
        module.install(app, service)
    for code in (400, 403, 404, 405, 413, 429, 500):
        app.error_handler[code] = _error_page
    return app


def _error_page(error: bottle.HTTPError) -> str:
    """JSON ``{"error": message}`` for /api paths, Bottle's page elsewhere."""
    if bottle.request.path.startswith("/api"):
        bottle.response.content_type = "application/json"
        message = error.body if isinstance(error.body, str) and error.body else error.status_line
        if error.status_code == 404 and message.startswith("Not found: '"):
            message = f"no such address: {bottle.request.path}"
        return json.dumps({"error": message, "status": error.status_code})
    return bottle.Bottle.default_error_handler(bottle.default_app(), error)
