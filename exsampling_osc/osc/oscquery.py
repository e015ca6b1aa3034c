"""The OSC address space as an OSCQuery description (the JSON that TouchDesigner, Chataigne and other OSC tools
read to discover ports and addresses), derived from the declaration; and a tiny WSGI app that serves it.

OSCQuery convention: ``GET /`` answers the tree of nodes (``FULL_PATH``, ``CONTENTS``, ``TYPE`` type tags,
``ACCESS`` 2 = the tool may send it, 1 = the backend sends it, ``DESCRIPTION``); ``GET /?HOST_INFO`` answers
the server's name and OSC port. A web app may mount :func:`oscquery_app`; ``serve --announce`` runs it alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from urllib.parse import unquote

from exsampling_osc.osc import protocol

ACCESS_READ, ACCESS_WRITE = 1, 2


def _node(path: str) -> dict:
    return {"FULL_PATH": path, "CONTENTS": {}}


def oscquery_document(messages: Iterable[protocol.Message] | None = None) -> dict:
    """The OSCQuery tree of ``messages`` (default: every declared message)."""
    root = _node("/")
    root["DESCRIPTION"] = "ExSampling OSC backend"
    for m in messages if messages is not None else protocol.MESSAGES.values():
        node = root
        parts = m.address.strip("/").split("/")
        for i, part in enumerate(parts):
            node = node["CONTENTS"].setdefault(part, _node("/" + "/".join(parts[: i + 1])))
        node["DESCRIPTION"] = m.doc
        node["ACCESS"] = ACCESS_WRITE if m.direction == protocol.TO_BACKEND else ACCESS_READ
        if m.args:
            node["TYPE"] = m.typetags
            node["EXTENDED_TYPE"] = [a.name for a in m.args]
            node["ARGUMENTS"] = [{"NAME": a.name, "TYPE": a.type, "DESCRIPTION": a.doc} for a in m.args]
            if any(a.limits for a in m.args):  # OSCQuery's RANGE: one entry per argument, null where unbounded
                node["RANGE"] = [None if a.limits is None else {"MIN": a.limits[0], "MAX": a.limits[1]} for a in m.args]
    _prune(root)
    return root


def _prune(node: dict) -> None:
    """Leaves carry no empty ``CONTENTS`` (an address may also have children, as /exsampling/phrase)."""
    for child in node["CONTENTS"].values():
        _prune(child)
    if not node["CONTENTS"] and node["FULL_PATH"] != "/":
        del node["CONTENTS"]


def host_info(name: str, osc_port: int, osc_ip: str = "127.0.0.1") -> dict:
    """The ``?HOST_INFO`` answer."""
    return {
        "NAME": name,
        "OSC_IP": osc_ip,
        "OSC_PORT": osc_port,
        "OSC_TRANSPORT": "UDP",
        "EXTENSIONS": {
            "ACCESS": True,
            "VALUE": False,
            "RANGE": False,
            "DESCRIPTION": True,
            "TAGS": False,
            "EXTENDED_TYPE": True,
            "UNIT": False,
            "CRITICAL": False,
            "CLIPMODE": False,
            "LISTEN": False,
            "PATH_CHANGED": False,
        },
    }


def find(document: dict, path: str) -> dict | None:
    """The node at ``path`` of an OSCQuery ``document`` (None when there is none)."""
    node: dict | None = document
    for part in [p for p in path.split("/") if p]:
        node = (node or {}).get("CONTENTS", {}).get(part)
        if node is None:
            return None
    return node


def oscquery_app(name: str, osc_port: Callable[[], int] | int) -> Callable:
    """A WSGI app answering OSCQuery requests (``osc_port`` may be a function, read at each request)."""

    def app(environ: dict, start_response: Callable) -> list[bytes]:
        port = osc_port() if callable(osc_port) else osc_port
        query = environ.get("QUERY_STRING", "")
        if environ.get("REQUEST_METHOD", "GET") != "GET":
            start_response("405 Method Not Allowed", [("Content-Type", "text/plain")])
            return [b"OSCQuery answers GET only\n"]
        if query.split("&")[0] == "HOST_INFO":
            body: dict | None = host_info(name, port)
        else:
            body = find(oscquery_document(), unquote(environ.get("PATH_INFO", "/")))
        if body is None:
            start_response("404 Not Found", [("Content-Type", "application/json")])
            return [b'{"error": "no such OSC address"}']
        data = json.dumps(body, indent=1).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]

    return app
