"""Teaching the running backend a sound: taught labels kept in the library, applied to new pieces at once.

One part of the service (not a mixin): :class:`Teaching` owns the taught labels. Examples are library
samples (each sample one example: its pieces' embeddings averaged, see
:func:`exsampling_osc.analysis.fewshot.embed_file`); their embeddings are stored, so a restart rebuilds the
head in milliseconds without reading audio. Labels taught on another model are set aside with a warning
(their embeddings mean nothing to this one): teach them again from their samples.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import numpy as np

from exsampling_osc.analysis.fewshot import TaughtClassifier, TaughtLabels, TeachingError, embed_file
from exsampling_osc.backend.events import Events
from exsampling_osc.errors import NotFound
from exsampling_osc.library.store import Store
from exsampling_osc.mapping import Mapping

log = logging.getLogger(__name__)


def check_label(label: str) -> str:
    """``label`` stripped, when it can be taught (one word, not ``unknown``); else TeachingError."""
    label = label.strip()
    if not label or label == "unknown" or " " in label:
        raise TeachingError(f"{label!r} cannot be taught: a label is one word, not 'unknown'")
    return label


class Teaching:
    """Taught labels of one analyzer and one library store; ``mapping`` gets them as labels with a track, and
    ``events`` hears every change (/exsampling/taught to the devices, a ``taught`` event)."""

    def __init__(self, analyzer, store: Store, mapping: Mapping, events: Events) -> None:
        self.analyzer, self.store, self.mapping, self.events = analyzer, store, mapping, events
        self._lock = threading.Lock()
        self.classifier: TaughtClassifier | None = None  # made on first use: nothing taught costs nothing
        if store.taught_examples():
            self._rebuild()
        mapping.set_extra_labels(self.labels)

    @property
    def labels(self) -> list[str]:
        return self.classifier.taught.labels if self.classifier else []

    def counts(self) -> dict[str, int]:
        return self.classifier.taught.counts() if self.classifier else {}

    def _rebuild(self) -> None:
        if self.classifier is None:
            self.classifier = TaughtClassifier(getattr(self.analyzer.classifier, "base", self.analyzer.classifier))
            self.model = self.classifier.taught.model
        taught = TaughtLabels.empty(self.classifier.taught.dim, model=self.model)
        stale: set[str] = set()
        for row in self.store.taught_examples():
            if row["model"] != self.model:
                stale.add(row["label"])
                continue
            taught = taught.teach(row["label"], [np.frombuffer(row["embedding"], dtype=np.float32)])
        if stale:
            log.warning(
                "taught label(s) %s were taught on another model: teach them again from their samples",
                ", ".join(sorted(stale)),
            )
        self.classifier.taught = taught
        # the base classifier alone is cheaper: only wrap it while something is taught
        self.analyzer.classifier = self.classifier if taught.labels else self.classifier.base

    def teach(self, label: str, sample_ids: list[int]) -> dict:
        """Teach ``label`` from library samples (each one example); it applies to new pieces at once and gets
        a track like any label (the unlisted track until re-mapped). Returns ``{label, examples, labels}``."""
        samples = []
        for sid in sample_ids:
            row = self.store.sample(int(sid))
            if row is None:
                raise NotFound(f"no sample {sid}")
            samples.append((int(sid), Path(row["path"])))
        return self._changed(self.learn(label, samples))

    def untaught(self, label: str) -> dict:
        """Forget a taught label (TeachingError when it was not taught); samples keep the label they were given
        until re-analysed."""
        with self._lock:
            if not self.store.remove_taught(label):
                raise TeachingError(f"{label}: not a taught label")
            self._rebuild()
        return self._changed({"label": label, "examples": 0, "labels": self.labels})

    def _changed(self, result: dict) -> dict:
        self.mapping.set_extra_labels(self.labels)
        self.events.send("/exsampling/taught", [result["label"], int(result["examples"]), " ".join(result["labels"])])
        self.events.emit("taught", result)
        return result

    def learn(self, label: str, samples: list[tuple[int, Path]]) -> dict:
        """Learn ``label`` from ``(sample_id, audio path)`` examples; returns ``{label, examples, labels}``."""
        label = check_label(label)
        if not samples:
            raise TeachingError(f"{label}: no examples")
        if self.classifier is None:
            self._rebuild()
        rows = [(sid, np.asarray(embed_file(self.analyzer, path), dtype=np.float32).tobytes()) for sid, path in samples]
        with self._lock:
            self.store.add_taught(label, rows, self.model)
            self._rebuild()
        return {"label": label, "examples": self.counts().get(label, 0), "labels": self.labels}
