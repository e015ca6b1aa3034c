"""What the model must beat, in the same grid: a first-order Markov chain on (pitch, length) events and
nearest-phrase retrieval from the training phrases (numpy only)."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from exsampling_osc.composer.grid import HOLD, REST

Event = tuple[int, int]  # (token at the onset: REST or a note-on, length in steps)


def events_of(tokens: np.ndarray) -> list[Event]:
    """A token row as events: each note-on or rest with how many steps it lasts."""
    out: list[list[int]] = []
    for t in (int(v) for v in tokens):
        if t == HOLD and out:
            out[-1][1] += 1
        elif t == REST and out and out[-1][0] == REST:
            out[-1][1] += 1
        else:
            out.append([REST if t == HOLD else t, 1])
    return [(a, b) for a, b in out]


def tokens_of(events: list[Event], steps: int) -> np.ndarray:
    """Events laid end to end into ``steps`` tokens (cut at the end)."""
    tok = []
    for t, length in events:
        tok += [t] + [t if t == REST else HOLD] * (length - 1)
    tok = (tok + [REST] * steps)[:steps]
    return np.array(tok, dtype=np.int32)


class Markov1:
    """First-order Markov chain over (pitch token, length) events of the training phrases."""

    def __init__(self, train_tokens: np.ndarray):
        self.starts: list[Event] = []
        self.next: dict[Event, list[Event]] = defaultdict(list)
        for row in train_tokens:
            ev = events_of(row)
            self.starts.append(ev[0])
            for a, b in zip(ev, ev[1:], strict=False):
                self.next[a].append(b)
        self.steps = train_tokens.shape[1]

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` phrases (n × steps tokens), each chain started like a training phrase."""
        out = np.zeros((n, self.steps), dtype=np.int32)
        for i in range(n):
            ev = [self.starts[rng.integers(len(self.starts))]]
            total = ev[0][1]
            while total < self.steps:
                options = self.next.get(ev[-1]) or self.starts
                ev.append(options[rng.integers(len(options))])
                total += ev[-1][1]
            out[i] = tokens_of(ev, self.steps)
        return out


def nearest(train_tokens: np.ndarray, queries: np.ndarray, chunk: int = 64) -> np.ndarray:
    """Index of the training phrase with the most equal steps for each query phrase."""
    best = np.zeros(len(queries), dtype=np.int64)
    for s in range(0, len(queries), chunk):
        q = queries[s : s + chunk]
        same = (q[:, None, :] == train_tokens[None, :, :]).sum(axis=2)
        best[s : s + chunk] = same.argmax(axis=1)
    return best


def step_accuracy(pred: np.ndarray, truth: np.ndarray) -> float:
    """Share of grid steps reproduced exactly."""
    return float((np.asarray(pred) == np.asarray(truth)).mean())
