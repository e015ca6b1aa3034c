"""The web app: one Bottle app that mounts one sub-app per route module present: the participant API
(:mod:`~exsampling_osc.web.api`), the participant page (:mod:`~exsampling_osc.web.recorder_routes`) and the
performer console (:mod:`~exsampling_osc.web.console_routes`).

Each module fills its sub-app with ``install(app, service)``; the sub-apps keep their full URLs (each is
mounted at ``/``, so a module reads as the list of its addresses). Bottle applies a parent's plugins only to
the parent's own routes, never to a mounted app's, so :func:`sub_app` builds every sub-app (and the parent)
with the same two plugins, in one place: :class:`~exsampling_osc.web.answers.JsonErrors` (our exceptions answer
JSON, the status by type) and :class:`~exsampling_osc.web.doors.Doors` (each route's ``door``, who may call it).
"""

from __future__ import annotations

import logging

import bottle

from exsampling_osc.optional import present_modules
from exsampling_osc.web.answers import JsonErrors, error_page
from exsampling_osc.web.doors import Doors

log = logging.getLogger(__name__)

ROUTE_MODULES = (
    "exsampling_osc.web.api",  # JSON API, QR picture
    "exsampling_osc.web.recorder_routes",  # participant page (issue 4)
    "exsampling_osc.web.console_routes",  # performer console (issue 5)
)
ERROR_CODES = (400, 403, 404, 405, 413, 415, 429, 500)


def sub_app(service) -> bottle.Bottle:
    """An app with the door policy and JSON errors installed, and JSON error pages on API paths."""
    app = bottle.Bottle()
    app.config["exsampling.service"] = service
    app.install(JsonErrors())  # outermost: also answers the doors' refusals
    app.install(Doors(service.tokens.check))
    for code in ERROR_CODES:
        app.error_handler[code] = error_page
    return app


def make_app(service) -> bottle.Bottle:
    """The app: every installed route module's sub-app mounted, each behind the same door policy."""
    app = sub_app(service)
    for module in present_modules(ROUTE_MODULES):
        part = sub_app(service)
        module.install(part, service)
        app.mount("/", part)
    return app
