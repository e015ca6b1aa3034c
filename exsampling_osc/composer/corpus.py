"""The pretraining corpus: folk melodies from music21's bundled Essen collection, written out as MIDI files
with their key signatures and bar lines on beat 0 (needs the ``train`` extra for music21).

Only tunes in duple or quadruple metre (bars of 2, 4 or 8 beats) are kept, so the 4/4 grid's bar lines fall
on theirs; a pickup bar is shifted so the first full bar starts on a bar line.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from exsampling_osc.composer.midi import Note, write_midi
from exsampling_osc.errors import ExSamplingError

# Essen collections read in this order (German children's songs, Erk, ballads, Böhme, old German songs)
DEFAULT_FILES = ("kinder0.abc", "erk10.abc", "ballad10.abc", "boehme10.abc", "altdeu10.abc", "fink0.abc")
DEFAULT_LIMIT = 400
BAR_BEATS = (2.0, 4.0, 8.0)


def cache_dir() -> Path:
    """Where exported corpora are kept (``$EXSAMPLING_CACHE`` or ``~/.cache/exsampling-osc``)."""
    return Path(os.environ.get("EXSAMPLING_CACHE") or Path.home() / ".cache" / "exsampling-osc") / "corpus"


def _key_name(score) -> str | None:
    from music21 import key as m21key

    found = list(score.recurse().getElementsByClass(m21key.KeySignature))
    if not found:
        return None
    k = found[0] if isinstance(found[0], m21key.Key) else found[0].asKey("major")
    name = k.tonic.name.replace("-", "b")
    return name + ("m" if k.mode == "minor" else "")


def tune_notes(score) -> list[Note] | None:
    """The tune's notes in beats (ties merged, grace notes dropped), bar lines on multiples of the bar
    length; None when its metre is not duple or quadruple."""
    from music21 import meter, stream

    sigs = list(score.recurse().getElementsByClass(meter.TimeSignature))
    if not sigs or any(float(s.barDuration.quarterLength) not in BAR_BEATS for s in sigs):
        return None
    bar = float(sigs[0].barDuration.quarterLength)
    measures = list(score.recurse().getElementsByClass(stream.Measure))
    pickup = float(measures[0].duration.quarterLength) if measures else bar
    shift = (bar - pickup) % bar if 0 < pickup < bar else 0.0
    notes = []
    for n in score.stripTies().flatten().notes:
        length = float(n.quarterLength)
        if length <= 0:
            continue
        for p in n.pitches:
            notes.append(Note(int(p.midi), 90, float(n.offset) + shift, length))
    return notes or None


def export_corpus(
    out_dir: str | Path,
    files: tuple[str, ...] = DEFAULT_FILES,
    limit: int = DEFAULT_LIMIT,
    log: Callable[[str], None] = print,
) -> Path:
    """Write up to ``limit`` tunes as ``NNNN_title.mid`` into ``out_dir`` (done once: an existing folder with
    a ``.complete`` marker is reused)."""
    out = Path(out_dir)
    if (out / ".complete").is_file():
        return out
    try:
        from music21 import corpus
    except ImportError:
        raise ExSamplingError("the corpus needs music21: pip install 'exsampling-osc[train]'") from None
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for name in files:
        opus = corpus.parse(f"essenFolksong/{name}")
        scores = list(opus.scores) if hasattr(opus, "scores") else [opus]
        kept = 0
        for score in scores:
            notes = tune_notes(score)
            if notes is None:
                continue
            write_midi(notes, out / f"{count:04d}_{name.split('.')[0]}.mid", key=_key_name(score))
            count, kept = count + 1, kept + 1
            if count >= limit:
                break
        log(f"corpus: {name}: {kept} of {len(scores)} tunes in duple or quadruple metre")
        if count >= limit:
            break
    (out / ".complete").write_text(f"{count}\n")
    return out


def default_corpus(log: Callable[[str], None] = print) -> Path:
    """The default pretraining corpus, exported on first use."""
    return export_corpus(cache_dir() / f"essen-{DEFAULT_LIMIT}", log=log)
