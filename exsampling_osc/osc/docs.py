"""Generate docs/PROTOCOL.md from the declaration: ``python -m exsampling_osc.osc.docs [--check]``.

``--json`` prints the declaration instead (address, direction, argument names and type tags, replies, ports),
for generators in other languages (the Node launcher, the Pd and Max patch builders).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from exsampling_osc.osc import protocol

DOC_PATH = Path(__file__).resolve().parents[2] / "docs" / "PROTOCOL.md"

HEADER = """# OSC protocol

Generated from `exsampling_osc/osc/protocol.py` by `python -m exsampling_osc.osc.docs`; do not edit by hand
(a test fails when this file is stale).

UDP on 127.0.0.1. The backend listens on `--osc-port` (default {osc}) and sends to `--device-port`
(default {device}) and to every port a device announces with `/exsampling/hello`. Types are OSC type tags:
`i` int32, `f` float32, `s` string. No bundles; every packet stays under 8 KB; a path is one string
argument even when it holds spaces.

Answers to a query go to its `reply_port` argument when it is not 0 and a device announced that port
with `/exsampling/hello` (an unannounced one is refused with `/exsampling/error`), otherwise to the port
the asker announced in its hello (matched by its source address), otherwise to every known device.
Messages with unknown addresses, wrong argument types or unreadable bytes (including bundles nested more
than 8 deep) are logged and ignored; a wrong call to a known address is answered with `/exsampling/error`.
Large answers (`/exsampling/query/samples`) are sent in pages from their own thread, so other messages keep
being answered meanwhile. `python -m exsampling_osc.osc.docs --json` prints this declaration as JSON;
`exsampling serve --announce` serves it as an OSCQuery description.
"""


def _arg_notes(arg: protocol.Arg) -> str:
    """`` (0.0 to 2.0; optional, default -1.0)``: an argument's declared range and default, when it has them."""
    notes = [f"{arg.limits[0]} to {arg.limits[1]}"] if arg.limits is not None else []
    notes += [f"optional, default {arg.default}"] if arg.default is not None else []
    return f" ({'; '.join(notes)})" if notes else ""


def _table(message: protocol.Message) -> list[str]:
    lines = [f"### `{message.address}` ({message.typetags or 'no arguments'})", "", message.doc, ""]
    if message.source != "core":
        lines += [f"Added by the plugin `{message.source}`.", ""]
    if message.args:
        lines += ["| # | name | type | meaning |", "|---|---|---|---|"]
        lines += [f"| {i} | `{a.name}` | `{a.type}` | {a.doc}{_arg_notes(a)} |" for i, a in enumerate(message.args, 1)]
        lines.append("")
    if message.replies:
        lines += ["Answered with: " + ", ".join(f"`{r}`" for r in message.replies), ""]
    return lines


def render(messages: list[protocol.Message] | None = None) -> str:
    """The whole PROTOCOL.md text for the core messages (plugins document their own)."""
    messages = messages if messages is not None else [m for m in protocol.CORE]
    from exsampling_osc.mapping.config import DEFAULT_PORTS

    out = [HEADER.format(**DEFAULT_PORTS)]
    for title, direction in (("Backend → device", protocol.TO_DEVICE), ("Device → backend", protocol.TO_BACKEND)):
        out += [f"## {title}", ""]
        for m in messages:
            if m.direction == direction:
                out += _table(m)
    return "\n".join(out).rstrip() + "\n"


def declaration_json(messages: list[protocol.Message] | None = None) -> dict:
    """The declaration as plain data: ``{"prefix", "ports", "max_packet", "messages": [...]}``."""
    from exsampling_osc.mapping.config import DEFAULT_PORTS
    from exsampling_osc.osc.sender import MAX_PACKET

    messages = messages if messages is not None else list(protocol.MESSAGES.values())
    return {
        "prefix": protocol.PREFIX,
        "ports": DEFAULT_PORTS,
        "max_packet": MAX_PACKET,
        "messages": [
            {
                "address": m.address,
                "direction": m.direction,
                "typetags": m.typetags,
                "args": [
                    {"name": a.name, "type": a.type, **({} if a.default is None else {"default": a.default})}
                    for a in m.args
                ],
                "replies": list(m.replies),
                "source": m.source,
            }
            for m in messages
        ],
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--json" in argv:
        print(json.dumps(declaration_json(), indent=1))
        return 0
    text = render()
    if "--check" in argv:
        current = DOC_PATH.read_text(encoding="utf-8") if DOC_PATH.exists() else ""
        if current != text:
            print(f"{DOC_PATH} is stale: run python -m exsampling_osc.osc.docs", file=sys.stderr)
            return 1
        return 0
    DOC_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {DOC_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
