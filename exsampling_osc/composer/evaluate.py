"""``compose evaluate``: the model against held-out songs, beside a Markov-1 chain and nearest-phrase
retrieval trained on the same training songs, plus the pad survey (numpy only)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from exsampling_osc.composer.baselines import Markov1, nearest, step_accuracy
from exsampling_osc.composer.corpus import DEFAULT_LIMIT
from exsampling_osc.composer.dataset import PhraseSet, Song, phrase_set, read_songs
from exsampling_osc.composer.decoder import Decoder
from exsampling_osc.composer.generate import PAD_TEMPERATURE, Controls, decode_at, uniforms_of
from exsampling_osc.composer.grid import to_notes
from exsampling_osc.composer.metrics import JSD_FIGURES, SCALAR_FIGURES, closer_count, compare, pad_survey
from exsampling_osc.composer.pad import PadMap
from exsampling_osc.errors import ExSamplingError

PAD_GRID = 21  # 21 × 21 points over [-1, 1]²: neighbours 0.1 apart


def _songs(folder: str, names: list[str]) -> list[Song]:
    wanted = set(names)
    if not Path(folder).is_dir() and Path(folder).name == f"essen-{DEFAULT_LIMIT}":
        from exsampling_osc.composer.corpus import default_corpus  # another machine: export it again

        folder = str(default_corpus())
    songs, _ = read_songs(folder)
    return [s for s in songs if s.name in wanted]


def data_for(dec: Decoder, songs_dir: str | Path | None) -> tuple[PhraseSet, PhraseSet, str]:
    """(training phrases, held-out phrases, what the held-out set is) for the model's last training stage;
    with ``songs_dir`` every song there is held out."""
    sources = dec.meta.get("sources", {})
    stage = "finetune" if "finetune" in sources else "pretrain"
    if stage not in sources:
        raise ExSamplingError("the model does not name the songs it was trained on (model.json 'sources')")
    src = sources[stage]
    bars = int(dec.meta["bars"])
    train = phrase_set(_songs(src["folder"], src["train"]), bars, 1)
    if songs_dir is not None:
        held, _ = read_songs(songs_dir)
        what = f"all {len(held)} songs of {songs_dir}"
    else:
        held = _songs(src["folder"], src["test"] or src["val"])
        what = f"{len(held)} held-out songs of {src['folder']} ({stage})"
    test = phrase_set(held, bars, bars)
    if not len(test) or not len(train):
        raise ExSamplingError("no held-out or no training phrases to evaluate with")
    return train, test, what


def model_samples(dec: Decoder, n: int, temperature: float, seed: int, pad: bool) -> np.ndarray:
    """``n`` phrases: latent points from the prior N(0, I) (or uniform pad points) decoded at ``temperature``."""
    rng = np.random.default_rng(seed)
    if pad:
        padmap = PadMap.from_arrays(dec.weights)
        z = np.array([padmap.latent(*rng.uniform(-1, 1, 2)) for _ in range(n)])
    else:
        z = rng.standard_normal((n, dec.latent_dim)).astype(np.float32)
    return dec.decode(z, temperature, rng.random((n, dec.steps)))


def survey(dec: Decoder, temperature: float = PAD_TEMPERATURE, seed: int | None = None, n: int = PAD_GRID) -> dict:
    """Pad survey over an n × n grid (see :func:`metrics.pad_survey`)."""
    padmap = PadMap.from_arrays(dec.weights)
    c = Controls()
    grid = []
    for y in np.linspace(-1, 1, n):
        row = []
        for x in np.linspace(-1, 1, n):
            tok, _ = decode_at(dec, padmap.latent(x, y), uniforms_of(seed, dec.steps), temperature, c)
            row.append(to_notes(tok))
        grid.append(row)
    return pad_survey(grid)


def evaluate(
    model_dir: str | Path,
    songs_dir: str | Path | None = None,
    temperature: float = 1.0,
    pad_temperature: float = PAD_TEMPERATURE,
    samples: int = 1000,
    seed: int = 0,
    log: Callable[[str], None] = print,
) -> dict:
    """Every figure for the model (prior and pad samples), Markov-1 and retrieval; printed as a table."""
    dec = Decoder.load(model_dir)
    if dec.kind != "melody":
        raise ExSamplingError("compose evaluate measures melody models")
    train, test, what = data_for(dec, songs_dir)
    log(f"held out: {what}: {len(test)} phrases of {dec.steps // 16} bars; {len(train)} training phrases")
    ref, tr = test.notes(), train.notes()
    rows = {
        f"model (prior, T={temperature:g})": model_samples(dec, samples, temperature, seed, pad=False),
        f"model (pad, T={temperature:g})": model_samples(dec, samples, temperature, seed + 1, pad=True),
        "markov-1": Markov1(train.tokens).sample(samples, np.random.default_rng(seed)),
        "retrieval": train.tokens[nearest(train.tokens, test.tokens)],
    }
    report: dict = {"held_out": what, "phrases": len(test)}
    for name, toks in rows.items():
        report[name] = compare([to_notes(t) for t in toks], ref, tr, dec.steps)
    report["held-out itself"] = compare(ref, ref, tr, dec.steps)
    markov = report["markov-1"]
    for name in rows:
        report[name]["closer_than_markov"] = closer_count(report[name], markov)
    report["reconstruction"] = {
        "model": step_accuracy(dec.decode(dec.encode(test.tokens)), test.tokens),
        "retrieval": step_accuracy(rows["retrieval"], test.tokens),
    }
    report["pad"] = survey(dec, pad_temperature)
    log(format_report(report, list(rows) + ["held-out itself"]))
    return report


def format_report(r: dict, names: list[str]) -> str:
    cols = [*JSD_FIGURES, *(f"{k}_gap" for k in SCALAR_FIGURES)]
    head = ["", *cols, *SCALAR_FIGURES, "degenerate", "range", "copy_exact", "copy_ngram", "closer"]
    lines = ["  ".join(f"{h:>20}" if i == 0 else f"{h[:12]:>12}" for i, h in enumerate(head))]
    for n in names:
        v = r[n]
        vals = [v[c] for c in cols] + [v[k] for k in (*SCALAR_FIGURES, "degenerate", "range")]
        vals += [v["copy_exact"], v["copy_ngram"]]
        closer = f"{v['closer_than_markov']}/7" if "closer_than_markov" in v else "-"
        lines.append(f"{n[:20]:>20}  " + "  ".join(f"{x:12.3f}" for x in vals) + f"  {closer:>12}")
    rec = r["reconstruction"]
    lines.append(f"held-out reconstruction (steps right): model {rec['model']:.3f}, retrieval {rec['retrieval']:.3f}")
    p = r["pad"]
    lines.append(
        f"pad {PAD_GRID}x{PAD_GRID}: degenerate {p['degenerate']:.3f}, neighbours 0.1 apart changing more than "
        f"half their notes {p['neighbour_change']:.3f} (mean change {p['mean_neighbour_change']:.3f}), "
        f"distinct phrases {p['distinct']:.0f}"
    )
    return "\n".join(lines)
