"""Label → track decisions: the YAML config plus the re-maps made live (persisted by the library)."""

from __future__ import annotations

import threading

from exsampling_osc.mapping.config import DEFAULT_CONFIG, MODES, Config, Track, load_config

__all__ = ["Config", "Mapping", "Track", "load_config", "DEFAULT_CONFIG", "MODES"]


class Mapping:
    """Which track each label goes to, and each track's playing mode. Thread-safe."""

    def __init__(self, config: Config, labels: list[str], remaps: dict[str, str] | None = None):
        self.config = config
        self.labels = list(labels)
        self._model_labels = list(labels)
        self._lock = threading.Lock()
        self._track_of = {c: t.name for t in config.tracks for c in t.classes}
        for label, track in (remaps or {}).items():
            if config.track(track) is not None:
                self._track_of[label] = track

    def set_extra_labels(self, labels: list[str]) -> None:
        """The model's labels plus these (taught labels); a re-map made for one of them stays."""
        with self._lock:
            self.labels = list(dict.fromkeys([*self._model_labels, *labels]))

    def track_of(self, label: str) -> str:
        """The track a label plays on: `unknown` goes to the config's unknown track, labels no track lists to its
        unlisted track (the unknown track unless the config names another)."""
        with self._lock:
            if label == "unknown":
                return self._track_of.get("unknown", self.config.unknown)
            return self._track_of.get(label, self.config.unlisted_track)

    def mode_of(self, track: str) -> str:
        t = self.config.track(track)
        return t.mode if t else "percussive"

    def remap(self, label: str, track: str) -> None:
        """Send ``label`` to ``track``; ValueError for an unknown label or track."""
        if label not in self.labels and label != "unknown":
            raise ValueError(f"unknown label {label!r}")
        if self.config.track(track) is None:
            raise ValueError(f"unknown track {track!r} (tracks: {', '.join(self.track_names())})")
        with self._lock:
            self._track_of[label] = track

    def track_names(self) -> list[str]:
        return [t.name for t in self.config.tracks]

    def as_dict(self) -> dict[str, str]:
        """label → track for every model label plus `unknown`."""
        return {label: self.track_of(label) for label in [*self.labels, "unknown"]}

    def tracks(self) -> list[dict]:
        """Tracks with their mode and current classes (after re-maps)."""
        current = self.as_dict()
        return [
            {"name": t.name, "mode": t.mode, "classes": [lbl for lbl, tr in current.items() if tr == t.name]}
            for t in self.config.tracks
        ]
