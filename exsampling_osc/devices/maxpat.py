"""A small writer of Max patcher JSON: boxes, patch lines, Live parameters and the device ``project`` block.

Box inlet/outlet counts come from :mod:`exsampling_osc.devices.objects`, so a generated patch carries the
counts Max itself would save.
"""

from __future__ import annotations

from exsampling_osc.devices import DeviceError
from exsampling_osc.devices.objects import signature

APPVERSION = {"major": 8, "minor": 6, "revision": 5, "architecture": "x64", "modernui": 1}
# Live's Parameter Visibility (parameter_invisible): 0 automated and modulated, 1 stored only, 2 hidden
STORED_ONLY = 1
ENUM = 2  # parameter_type of a menu-like parameter (0 float, 1 int)
# the project block's amxdtype is the device-type code read as a big-endian integer
AMXDTYPE = {"audio_effect": 0x61616161, "midi_effect": 0x6D6D6D6D, "instrument": 0x69696969}


class Patcher:
    """Collects boxes and lines; ``to_dict()`` gives the ``{"patcher": ...}`` JSON of a device."""

    def __init__(self, device_type: str, width: float, height: float = 169.0) -> None:
        self.device_type = device_type
        self.width, self.height = width, height
        self.boxes: list[dict] = []
        self.lines: list[dict] = []
        self.parameters: dict[str, list] = {}

    def _add(self, maxclass: str, text: str, rect: list[float], attrs: dict) -> str:
        sig = signature(maxclass, text)
        if sig is None:
            raise DeviceError(f"no known signature for {maxclass} {text!r}: add it to devices/objects.py")
        box_id = f"obj-{len(self.boxes) + 1}"
        box = {"id": box_id, "maxclass": maxclass, "numinlets": sig[0], "numoutlets": sig[1], "patching_rect": rect}
        if sig[2]:
            box["outlettype"] = sig[2]
        if text and maxclass in ("newobj", "message", "comment", "live.text"):
            box["text"] = text
        box.update(attrs)
        self.boxes.append({"box": box})
        return box_id

    def obj(self, text: str, x: float, y: float, **attrs) -> str:
        """An object box (``newobj``) such as ``route /exsampling/sample``."""
        width = max(40.0, 6.5 * len(text) + 12)
        if width > 190.0:  # long boxes wrap, as Max saves them
            attrs.setdefault("linecount", int(width // 180) + 1)
            return self._add("newobj", text, [x, y, 180.0, 22.0 + 13.0 * (attrs["linecount"] - 1)], attrs)
        return self._add("newobj", text, [x, y, width, 22.0], attrs)

    def msg(self, text: str, x: float, y: float) -> str:
        """A message box."""
        return self._add("message", text, [x, y, max(30.0, 7.0 * len(text) + 12), 22.0], {})

    def ui(
        self,
        maxclass: str,
        x: float,
        y: float,
        w: float,
        h: float,
        *,
        text: str = "",
        view: tuple[float, float, float, float] | None = None,
        **attrs,
    ) -> str:
        """A user-interface box; ``view`` places it in the device's presentation view."""
        if view is not None:
            attrs.update(presentation=1, presentation_rect=list(view))
        return self._add(maxclass, text, [x, y, w, h], attrs)

    def parameter(self, box_id: str, name: str, kind: int, **valueof) -> None:
        """Make a UI box a Live parameter (saved with the set, automatable). kind: 0 float, 1 int, 2 enum."""
        box = next(b["box"] for b in self.boxes if b["box"]["id"] == box_id)
        box["parameter_enable"] = 1
        box["varname"] = name
        box["saved_attribute_attributes"] = {
            "valueof": {"parameter_longname": name, "parameter_shortname": name, "parameter_type": kind, **valueof}
        }
        self.parameters[box_id] = [name, name, 0]

    def setting(self, box_id: str, name: str, items: list[str], initial: bool = True) -> None:
        """A menu-like Live parameter nobody automates: an enum saved with the set (Stored Only), starting at its
        first item when ``initial`` (momentary buttons have no initial value: Live would output it at load)."""
        start = {"parameter_initial_enable": 1, "parameter_initial": [0]} if initial else {}
        self.parameter(box_id, name, ENUM, parameter_enum=list(items), parameter_invisible=STORED_ONLY, **start)

    def connect(self, source: str, outlet: int, destination: str, inlet: int = 0) -> None:
        self.lines.append({"patchline": {"source": [source, outlet], "destination": [destination, inlet]}})

    def to_dict(self) -> dict:
        return {
            "patcher": {
                "fileversion": 1,
                "appversion": APPVERSION,
                "classnamespace": "box",
                "rect": [100.0, 100.0, 1200.0, 800.0],
                "openinpresentation": 1,
                "default_fontsize": 10.0,
                "default_fontname": "Arial",
                "gridsize": [8.0, 8.0],
                "devicewidth": self.width,
                "boxes": self.boxes,
                "lines": self.lines,
                "parameters": {**self.parameters, "inherited_shortname": 1},
                "dependency_cache": [],
                "autosave": 0,
                "project": {
                    "version": 1,
                    "creationdate": 3590052493,
                    "modificationdate": 3590052493,
                    "viewrect": [0.0, 0.0, 300.0, 500.0],
                    "autoorganize": 1,
                    "hideprojectwindow": 1,
                    "showdependencies": 1,
                    "autolocalize": 0,
                    "contents": {"patchers": {}},
                    "layout": {},
                    "searchpath": {},
                    "detailsvisible": 0,
                    "amxdtype": AMXDTYPE[self.device_type],
                    "readonly": 0,
                    "devpathtype": 0,
                    "devpath": ".",
                    "sortmode": 0,
                    "viewmode": 0,
                    "includepackages": 0,
                },
            }
        }
