"""Inlet and outlet counts of the Max objects the devices use, as real saved patches record them.

Each entry was read from ``.maxpat`` files saved by Max 8/9 (``numinlets``, ``numoutlets``,
``outlettype``). Objects whose counts depend on their arguments (``route``, ``unpack``, ``pack``,
``trigger``, ``expr``, ``sprintf``, ``sel``) are computed the way Max computes them. A line to a port that
does not exist fails silently in Live, so the validator checks every line against this table.
"""

from __future__ import annotations

import re

# maxclass (UI objects and boxes) → (inlets, outlets, outlettype)
UI_CLASSES: dict[str, tuple[int, int, list[str]]] = {
    "message": (2, 1, [""]),
    "comment": (1, 0, []),
    "button": (1, 1, ["bang"]),
    "toggle": (1, 1, ["int"]),
    "number": (1, 2, ["", "bang"]),
    "umenu": (1, 3, ["int", "", ""]),
    "textedit": (1, 4, ["", "int", "", ""]),
    "live.numbox": (1, 2, ["", "float"]),
    "live.text": (1, 2, ["", ""]),
    "live.menu": (1, 3, ["", "", "float"]),
    "live.dial": (1, 2, ["", "float"]),
    "live.tab": (1, 3, ["", "", "float"]),
    "jweb": (1, 1, [""]),
    "fpic": (1, 1, ["jit_matrix"]),
    "panel": (1, 0, []),
}

# first word of a newobj box → (inlets, outlets, outlettype), for fixed-signature objects
FIXED: dict[str, tuple[int, int, list[str]]] = {
    "loadbang": (1, 1, ["bang"]),
    "live.thisdevice": (1, 3, ["bang", "int", "int"]),
    "udpreceive": (1, 1, [""]),
    "udpsend": (1, 0, []),
    "node.script": (1, 2, ["", ""]),
    "notein": (1, 3, ["int", "int", "int"]),
    "poly": (2, 3, ["int", "int", "int"]),
    "makenote": (3, 2, ["float", "float"]),
    "buffer~": (1, 2, ["float", "bang"]),
    "info~": (1, 8, ["float", "list", "float", "float", "float", "float", "float", ""]),
    "groove~": (3, 2, ["signal", "signal"]),
    "line~": (2, 2, ["signal", "bang"]),
    "*~": (2, 1, ["signal"]),
    "*": (2, 1, ["int"]),
    "plugin~": (2, 2, ["signal", "signal"]),
    "plugout~": (2, 2, ["signal", "signal"]),
    "prepend": (1, 1, [""]),
    "print": (1, 0, []),
    "gate": (2, 1, [""]),
    "metro": (2, 1, ["bang"]),
    "counter": (5, 4, ["int", "", "", "int"]),
    "receive": (0, 1, [""]),
    "r": (0, 1, [""]),
    "send": (1, 0, []),
    "s": (1, 0, []),
    "deferlow": (1, 1, [""]),
    "sig~": (1, 1, ["signal"]),
    "js": (1, 1, [""]),
    "dbtoa": (1, 1, [""]),
    "value": (1, 1, [""]),
    "v": (1, 1, [""]),
    "random": (2, 1, ["int"]),
    "freebang": (0, 1, ["bang"]),
    "live.path": (1, 3, ["", "", ""]),
    "live.object": (2, 1, [""]),
    "+": (2, 1, ["int"]),
    "==": (2, 1, ["int"]),
    "maximum": (2, 1, ["int"]),
    "delay": (2, 1, ["bang"]),
    "!=": (2, 1, ["int"]),
    "transport": (2, 9, ["int", "int", "float", "float", "float", "", "int", "float", ""]),
    "coll": (1, 4, ["", "", "", ""]),
    "flush": (2, 2, ["int", "int"]),
    "i": (2, 1, ["int"]),
    "int": (2, 1, ["int"]),
}

_DOLLAR = re.compile(r"\$[ifs](\d+)")
_FORMAT = re.compile(r"%[-+ #0-9.]*[a-zA-Z]")


def _words(text: str) -> list[str]:
    return text.split()


def signature(maxclass: str, text: str = "") -> tuple[int, int, list[str]] | None:
    """(inlets, outlets, outlettype) of a box, or None when the object is not in the table."""
    if maxclass != "newobj":
        return UI_CLASSES.get(maxclass)
    words = _words(text)
    if not words:
        return None
    name, args = words[0], [w for w in words[1:] if not w.startswith("@")]
    if "@" in text:
        args = args[: next((i for i, w in enumerate(words[1:]) if w.startswith("@")), len(args))]
    if name == "route":
        n = len(args)
        return n + 1 if n else 2, n + 1, [""] * (n + 1)
    if name in ("unpack", "pack"):
        n = max(len(args), 2)
        types = ["float" if "." in a else ("int" if a.lstrip("-").isdigit() else "") for a in args] or ["int", "int"]
        return (1, n, types) if name == "unpack" else (n, 1, [""])
    if name in ("t", "trigger"):
        n = max(len(args), 2)
        kinds = {"b": "bang", "f": "float", "i": "int", "s": "", "l": "", "a": ""}
        return 1, n, [kinds.get(a, "") for a in args] or ["", ""]
    if name in ("sel", "select"):
        n = len(args) or 1
        return (2 if n == 1 else 1), n + 1, ["bang"] * n + [""]
    if name == "gate":
        n = int(args[0]) if args and args[0].isdigit() else 1
        return 2, n, [""] * n
    if name == "expr":
        body = " ".join(args)
        numbers = [int(m) for m in _DOLLAR.findall(body)]
        return max(numbers, default=1), 1, [""]
    if name == "sprintf":
        fmt = " ".join(a for a in args if a != "symout")
        return max(len(_FORMAT.findall(fmt)), 1), 1, [""]
    return FIXED.get(name)
