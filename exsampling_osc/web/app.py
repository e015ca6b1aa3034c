"""The Bottle app: every route module present installs its routes with ``install(app, service)``.

The app applies two plugins to every route: :class:`~exsampling_osc.web.answers.JsonErrors` (our exceptions
answer JSON, the status by type) and :class:`~exsampling_osc.web.doors.Doors` (each route's ``door``).
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


def make_app(service) -> bottle.Bottle:
    """A Bottle app with the routes of every installed module, behind the door policy; errors answer JSON."""
    app = bottle.Bottle()
    app.config["exsampling.service"] = service
    app.install(JsonErrors())  # outermost: also answers the doors' refusals
    app.install(Doors(service.tokens.check))
    for module in present_modules(ROUTE_MODULES):
        module.install(app, service)
    for code in (400, 403, 404, 405, 413, 415, 429, 500):
        app.error_handler[code] = error_page
    return app
