"""The YAML configuration, one module for all of it: tracks (name, mode, classes), where `unknown` goes, ports,
data folder, analysis settings, and the sections of the participant page (``recorder``) and the console.

:func:`load_config` validates every section and raises :class:`~exsampling_osc.errors.ConfigError` naming
the file, the line and what is wrong, so a broken config stops start-up with a message a person can act on.
:func:`load_recorder_file` reads a show's ``recorder.yaml`` (the ``recorder`` keys alone) with the same
validator. Each default is written once, in the dataclasses below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path

import yaml

from exsampling_osc.analysis.loudness import DEFAULT_TARGET_LUFS
from exsampling_osc.errors import ConfigError

MODES = ("percussive", "melodic")
DEFAULT_CONFIG = Path(__file__).resolve().parent / "default.yaml"
_KEYS = {
    "tracks",
    "unknown",
    "unlisted",
    "ports",
    "data_dir",
    "trim_db",
    "confidence_threshold",
    "max_upload_mb",
    "loudness_target_lufs",
}
#: Sections of other parts: the participant page (:class:`RecorderSettings`) and the performer console (no
#: settings yet: an empty mapping or nothing).
SECTIONS = ("recorder", "console")
#: The ports, written once: participants' HTTP, the backend's OSC in, the device's OSC in.
DEFAULT_PORTS = {"http": 8765, "osc": 9000, "device": 9001}
_PORTS = set(DEFAULT_PORTS)


@dataclass(frozen=True)
class RecorderSettings:
    """The ``recorder`` section: what the participant page shows and enforces."""

    project_name: str = "ExSampling"
    consent: str = ""  # "": the page's own words in the participant's language (recorder/i18n/*.json)
    stream_url: str = ""
    stream_label: str = ""  # "": the page's own words
    max_seconds: float = 30.0
    sample_rate: int = 22050
    uploads_per_minute: int = 6
    location_precision_km: float = 1.0  # the phone snaps a shared location to a grid this wide (0: exact)

    def page_config(self) -> dict:
        """The JSON the page reads (without the rate limit, which the page does not need)."""
        data = asdict(self)
        data.pop("uploads_per_minute")
        return data


Fail = Callable[[str, str], ConfigError]


def parse_recorder(raw: object, fail: Fail) -> RecorderSettings:
    """Validate the ``recorder`` section (None: the defaults); ``fail(key, what)`` makes the error."""

    def bad(key: str, what: str) -> ConfigError:
        return fail(f"recorder.{key}".rstrip("."), f"recorder.{key}: {what}")

    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise bad("", "`recorder` must be a mapping")
    known = [f.name for f in fields(RecorderSettings)]
    values = {}
    for key, value in raw.items():
        if key not in known:
            raise bad(key, f"unknown setting (known: {', '.join(known)})")
        kind = type(getattr(RecorderSettings, key))
        if kind is str:
            if not isinstance(value, str):
                raise bad(key, f"must be text, not {value!r}")
        elif isinstance(value, bool) or not isinstance(value, int | float):
            raise bad(key, f"must be a number, not {value!r}")
        elif (
            value < 0
            or (key == "max_seconds" and not 1 <= value <= 600)
            or (key == "location_precision_km" and value > 100)
        ):
            raise bad(key, f"{value!r} is out of range")
        elif key == "sample_rate" and value and not 8000 <= value <= 192000:
            raise bad(key, f"{value!r} is not a sample rate (8000-192000, or 0 for the phone's own)")
        values[key] = kind(value)
    if values.get("stream_url") and not values["stream_url"].startswith(("https://", "http://")):
        raise bad("stream_url", "must start with https:// or http://")
    return RecorderSettings(**values)


@dataclass(frozen=True)
class Track:
    name: str
    mode: str
    classes: tuple[str, ...]


@dataclass(frozen=True)
class Config:
    """A validated configuration. ``lines`` maps a dotted key (``tracks.2.mode``) to its 1-based line."""

    path: Path
    tracks: tuple[Track, ...]
    unknown: str
    ports: dict[str, int]
    unlisted: str = ""  # track of the model's labels that no track lists ("" : the unknown track)
    data_dir: str = ""
    trim_db: float = 20.0
    confidence_threshold: float | None = None  # None: the model's own unknown_threshold (else 0.25)
    max_upload_mb: float = 50.0
    loudness_target_lufs: float = DEFAULT_TARGET_LUFS  # samples normalised to this, peak at most -1 dBFS
    recorder: RecorderSettings | None = field(default=None, compare=False)  # None: no `recorder` section
    console: dict | None = field(default=None, compare=False)
    lines: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def track(self, name: str) -> Track | None:
        return next((t for t in self.tracks if t.name == name), None)

    def line(self, key: str) -> int:
        """Line of ``key`` or of its nearest parent (1 when unknown)."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key.rpartition(".")[0]
        return 1

    @property
    def unlisted_track(self) -> str:
        return self.unlisted or self.unknown

    def check_labels(self, labels: list[str]) -> list[str]:
        """Fit the config to a model's ``labels``; returns the labels no track lists (they go to
        :attr:`unlisted_track`).

        A class of a performer's config that the model does not have is an error naming file and line; the
        packaged default config (written for the shipped ESC-50 model) serves any model, its extra classes
        simply never occur.
        """
        known = set(labels) | {"unknown"}
        if self.path != DEFAULT_CONFIG:
            for i, t in enumerate(self.tracks):
                for j, c in enumerate(t.classes):
                    if c not in known:
                        raise ConfigError(
                            f"{self.path}:{self.line(f'tracks.{i}.classes.{j}')}: class {c!r} of "
                            f"track {t.name!r} is not one of the model's labels (write a mapping "
                            "for this model with: exsampling config init --model MODEL_DIR)"
                        )
        listed = {c for t in self.tracks for c in t.classes}
        return [label for label in labels if label not in listed]


def _node_lines(node: yaml.Node, prefix: str, out: dict[str, int]) -> None:
    out.setdefault(prefix, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = f"{prefix}.{k.value}" if prefix else str(k.value)
            out[key] = k.start_mark.line + 1
            _node_lines(v, key, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            key = f"{prefix}.{i}" if prefix else str(i)
            out[key] = v.start_mark.line + 1
            _node_lines(v, key, out)


def read_yaml(path: Path) -> tuple[object, dict[str, int]]:
    """A YAML file's data and the line of every dotted key; ConfigError (file:line) when unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise ConfigError(f"{path}:{line}: not valid YAML ({exc.problem or exc.context})") from None
    lines: dict[str, int] = {}
    if node is not None:
        _node_lines(node, "", lines)
    return data, lines


def failing(path: Path, lines: dict[str, int]) -> Fail:
    """``fail(key, what)``: a ConfigError citing ``path`` and the line of ``key`` (or of its nearest parent)."""

    def fail(key: str, what: str) -> ConfigError:
        k = key
        while k and k not in lines:
            k = k.rpartition(".")[0]
        return ConfigError(f"{path}:{lines.get(k, 1)}: {what}")

    return fail


def load_config(path: str | Path | None = None) -> Config:
    """Read and validate a config file (the packaged ``default.yaml`` when ``path`` is None)."""
    path = Path(path) if path else DEFAULT_CONFIG
    data, lines = read_yaml(path)
    return parse_config(data, path, lines)


def load_recorder_file(path: Path) -> RecorderSettings:
    """A show's ``recorder.yaml``: the ``recorder`` keys at the top level or under ``recorder:``."""
    data, lines = read_yaml(path)
    if isinstance(data, dict) and set(data) == {"recorder"}:
        data = data["recorder"]
    else:
        lines = {f"recorder.{k}".rstrip("."): n for k, n in lines.items()}
    return parse_recorder(data, failing(path, lines))


#: number keys that may be null, and what null means
_NULLABLE = {"confidence_threshold": "the model's own"}


def _default(name: str) -> float | None:
    default = next(f.default for f in fields(Config) if f.name == name)
    assert default is not MISSING
    return None if default is None else float(default)  # type: ignore[arg-type]


def parse_config(data: object, path: Path, lines: dict[str, int]) -> Config:
    """Validate the loaded YAML ``data``; errors cite ``path`` and the line from ``lines``."""
    fail = failing(path, lines)
    if not isinstance(data, dict):
        raise fail("", "the config must be a mapping with a `tracks` list")
    for key in data:
        if key not in _KEYS and key not in SECTIONS:
            known = ", ".join(sorted(_KEYS | set(SECTIONS)))
            raise fail(str(key), f"unknown setting {key!r} (known: {known})")
    recorder = None if data.get("recorder") is None else parse_recorder(data["recorder"], fail)
    console = data.get("console")
    if console is not None and not isinstance(console, dict):
        raise fail("console", "`console` must be a mapping of settings")
    for key in console or {}:
        raise fail(f"console.{key}", f"console.{key}: unknown setting (the console has no settings yet)")
    raw_tracks = data.get("tracks")
    if not isinstance(raw_tracks, list) or not raw_tracks:
        raise fail("tracks", "`tracks` must be a non-empty list")
    tracks: list[Track] = []
    owner: dict[str, str] = {}
    for i, t in enumerate(raw_tracks):
        key = f"tracks.{i}"
        if not isinstance(t, dict):
            raise fail(key, "each track needs `name`, `mode` and `classes`")
        name, mode, classes = t.get("name"), t.get("mode"), t.get("classes", [])
        if not isinstance(name, str) or not name.strip() or " " in name:
            raise fail(f"{key}.name" if "name" in t else key, "a track needs a `name` (one word)")
        if any(x.name == name for x in tracks):
            raise fail(f"{key}.name", f"track {name!r} is defined twice")
        if mode not in MODES:
            raise fail(
                f"{key}.mode" if "mode" in t else key,
                f"track {name!r}: mode must be percussive or melodic, not {mode!r}",
            )
        if not isinstance(classes, list) or not all(isinstance(c, str) for c in classes):
            raise fail(f"{key}.classes", f"track {name!r}: `classes` must be a list of class labels")
        for j, c in enumerate(classes):
            if c in owner:
                raise fail(f"{key}.classes.{j}", f"class {c!r} is in both {owner[c]!r} and {name!r}")
            owner[c] = name
        extra = set(t) - {"name", "mode", "classes"}
        if extra:
            raise fail(f"{key}.{sorted(extra)[0]}", f"track {name!r}: unknown key {sorted(extra)[0]!r}")
        tracks.append(Track(name, mode, tuple(classes)))
    unknown = data.get("unknown", tracks[0].name)
    if unknown not in {t.name for t in tracks}:
        raise fail("unknown", f"`unknown` must name a track, not {unknown!r}")
    unlisted = data.get("unlisted", "")
    if unlisted and unlisted not in {t.name for t in tracks}:
        raise fail("unlisted", f"`unlisted` must name a track, not {unlisted!r}")
    ports = dict(DEFAULT_PORTS)
    raw_ports = data.get("ports") or {}
    if not isinstance(raw_ports, dict):
        raise fail("ports", "`ports` must be a mapping of http, osc, device")
    for k, v in raw_ports.items():
        if k not in _PORTS:
            raise fail(f"ports.{k}", f"unknown port {k!r} (known: http, osc, device)")
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 65535:
            raise fail(f"ports.{k}", f"port {k} must be a whole number 0-65535, not {v!r}")
        ports[k] = v
    numbers: dict[str, float] = {}
    for k, lo, hi in (
        ("trim_db", 1.0, 120.0),
        ("confidence_threshold", 0.0, 1.0),
        ("max_upload_mb", 0.001, 4096.0),
        ("loudness_target_lufs", -60.0, 0.0),
    ):
        v = data.get(k, _default(k))
        if v is None and k in _NULLABLE:  # the Config default stands
            continue
        if isinstance(v, bool) or not isinstance(v, int | float) or not lo <= v <= hi:
            also = f", or null for {_NULLABLE[k]}" if k in _NULLABLE else ""
            raise fail(k, f"{k} must be a number between {lo:g} and {hi:g}{also}, not {v!r}")
        numbers[k] = float(v)
    data_dir = data.get("data_dir") or ""
    if not isinstance(data_dir, str):
        raise fail("data_dir", "`data_dir` must be a folder path")
    return Config(
        path,
        tuple(tracks),
        unknown,
        ports,
        unlisted,
        data_dir,
        recorder=recorder,
        console=console,
        lines=lines,
        **numbers,
    )
