"""The model card (markdown) written beside every exported model."""

from __future__ import annotations

from pathlib import Path

ESC50_CITATION = (
    "K. J. Piczak. ESC: Dataset for Environmental Sound Classification. Proceedings of the 23rd Annual "
    "ACM Conference on Multimedia, Brisbane, Australia, 2015. doi:10.1145/2733373.2806390"
)


def split_classes(counts: dict[str, int]) -> tuple[list[str], list[str]]:
    """Complete classes (at least 90 % of the largest class's clips) and few-shot classes."""
    top = max(counts.values())
    complete = sorted(k for k, v in counts.items() if v >= 0.9 * top)
    return complete, sorted(k for k in counts if k not in complete)


def group_accuracy(per_class: dict, names: list[str]) -> tuple[float, int]:
    n = sum(per_class[k]["n"] for k in names if k in per_class)
    ok = sum(per_class[k]["correct"] for k in names if k in per_class)
    return (ok / n if n else float("nan")), n


def summary(report: dict, extras: tuple[dict, ...], complete: list[str], few: list[str]) -> list[str]:
    """One paragraph: how well the model does on complete and few-shot classes, from every CV run."""
    runs = [r for r in (report, *extras) if "cv" in r]
    if not runs:
        return []
    if not is_esc50(report):
        cv = report["cv"]
        trained = f" (model trained on {cv['trained_on']})" if "trained_on" in cv else ""
        return [
            "",
            f"**Summary.** Held-out accuracy: {_pct(cv['accuracy'])} on {cv['n']} clips of "
            f"{held_text(report)}{trained}. With few clips per class this figure moves a lot from one split to "
            "another; listen to what the model says about new recordings before a show.",
            "",
        ]
    parts = []
    for r in runs:
        pc = r["cv"]["per_class"]
        trc = r.get("cv_counts_train", {})
        few_train = sorted(trc.get(k, 0) for k in few) or [0]
        fraction = r.get("val_fraction", 1.0)
        held = f"fold {r['val_fold']}" if fraction >= 1 else f"{fraction:.0%} of fold {r['val_fold']}"
        if not few:
            parts.append(f"holding out {held}: {_pct(r['cv']['accuracy'])} on all {len(complete)} classes")
            continue
        parts.append(
            f"holding out {held}: {_pct(group_accuracy(pc, complete)[0])} on the {len(complete)} "
            f"complete classes, {_pct(group_accuracy(pc, few)[0])} on the {len(few)} few-shot classes "
            f"({few_train[0]}-{few_train[-1]} training clips each)"
        )
    if len(runs) > 1 and not few:
        accs = [r["cv"]["accuracy"] for r in runs]
        parts.append(f"mean of the {len(runs)} folds {_pct(sum(accs) / len(accs))}")
    return [
        "",
        "**Summary.** Cross-validated accuracy, " + "; ".join(parts) + ". Human listeners reach 81.3 % "
        "on ESC-50 (Piczak, 2015). The shipped model trains on every clip here.",
        "",
    ]


def is_esc50(report: dict) -> bool:
    """Whether the report's model was trained on ESC-50 (older reports: judged by the dataset's path)."""
    return bool(report.get("esc50", "esc50" in report["dataset"].lower()))


def held_text(report: dict) -> str:
    fraction = report.get("val_fraction", 1.0)
    return f"fold {report['val_fold']}" if fraction >= 1 else f"{fraction:.0%} of fold {report['val_fold']}"


def _pct(value: float) -> str:
    return "n/a" if value != value else f"{value:.1%}"


def cv_section(report: dict, complete: list[str], few: list[str], per_class_table: bool) -> list[str]:
    """Markdown for one cross-validation run of ``report``."""
    cv = report["cv"]
    pc = cv["per_class"]
    acc_c, n_c = group_accuracy(pc, complete)
    acc_f, n_f = group_accuracy(pc, few)
    trc = report.get("cv_counts_train", {})
    held = held_text(report)
    few_train = sorted(trc.get(k, 0) for k in few)
    lines = [
        "",
        f"## Cross-validation: {held} held out, the rest trains",
        f"Measured on the exported int8 TFLite model as serving runs it (mean over 3 crops), {cv['n']} clips.",
        "",
        "| set | clips | accuracy |",
        "|---|---|---|",
        f"| all classes | {cv['n']} | {_pct(cv['accuracy'])} |",
    ]
    if few:  # the complete / few-shot split says something only when some classes have fewer clips
        lines += [
            f"| {len(complete)} complete classes | {n_c} | {_pct(acc_c)} |",
            f"| {len(few)} few-shot classes | {n_f} | {_pct(acc_f)} |",
        ]
    lines.append("")
    if few_train:
        lines.append(f"Training clips per few-shot class in this split: {few_train[0]}-{few_train[-1]}.")
    if report.get("cv_train_seconds"):
        lines.append(
            f"Training ({report['settings']['epochs']} epochs) took {report['cv_train_seconds'] / 60:.0f} min."
        )
    if per_class_table:
        lines += [
            "",
            "Per class (correct / clips held out; training clips in this split):",
            "",
            "| class | group | correct | clips | train clips |" if few else "| class | correct | clips | train clips |",
            "|---|---|---|---|---|" if few else "|---|---|---|---|",
        ]
        for label in report["labels"]:
            if label in pc:
                grp = (" complete |" if label in complete else " few-shot |") if few else ""
                lines.append(f"| {label} |{grp} {pc[label]['correct']} | {pc[label]['n']} | {trc.get(label, 0)} |")
        lines += ["", "![confusion matrix](confusion.png)"]
    return lines


def write_card(out_dir: Path, report: dict, extras: tuple[dict, ...] = ()) -> Path:
    """Write ``MODEL_CARD.md`` from a training report (see ``run_training``) and extra CV reports."""
    labels = report["labels"]
    complete, few = split_classes(report["train_counts"])
    s = report["settings"]
    f = report["features"]
    esc = is_esc50(report)
    counts = report["train_counts"]
    has_cv = any("cv" in r for r in (report, *extras))
    lines = [
        f"# Model card: {out_dir.name}",
        "",
        "Sound-class classifier of ExSampling OSC: MobileNetV2 "
        f"(α {s['alpha']}, last 1×1 conv {s.get('head_filters', 1280)} wide, trained from scratch, no ImageNet "
        "weights) on one-channel log-mel images, "
        "exported as a full-int8 TFLite model (int8 input and output).",
        "",
        *summary(report, extras, complete, few),
        "## Files",
        "- `model.tflite`: the network; `model.json`: labels and the feature parameters the serving path uses;",
        "  `report.json`: every number below"
        + ("; `confusion.png`: the cross-validation confusion matrix." if has_cv else "."),
        "",
        "## Data and licence",
    ]
    if esc:
        n_clips = sum(counts.values())
        lines += [
            f"Trained on the ESC-50 clips in `shared/datasets/esc50` (folds 1-4, {n_clips} clips, {len(labels)} "
            "classes; fold 5 is",
            "held back for independent evaluation and was never seen). "
            + (
                f"{len(complete)} classes are complete there ({max(counts.values())} clips); the other {len(few)} "
                f"have {min(counts[k] for k in few)}-{max(counts[k] for k in few)} clips (few-shot)."
                if few
                else f"Every class has {max(counts.values())} clips."
            ),
            *(
                [
                    f"761 of the clips come from a copy resampled to 16 kHz (nothing above 8 kHz): the features stop "
                    f"at {f['fmax']:g} Hz,",
                    "so the model cannot tell those clips by their missing highs.",
                ]
                if f["fmax"] <= 8000
                else []
            ),
            "",
            "ESC-50 is licensed **CC BY-NC 3.0** (the ESC-10 subset CC BY 3.0): this model is for",
            "**non-commercial use only**. Citation:",
            "",
            f"> {ESC50_CITATION}",
        ]
    else:
        lines += [
            f"Trained on `{report['dataset']}` (the performer's own sounds): {sum(counts.values())} clips of "
            f"{len(labels)} classes ({', '.join(f'{k} {counts.get(k, 0)}' for k in labels)}). Each class's clips",
            f"are dealt at random (seed {s['seed']}) into folds 1-5 for the held-out check.",
        ]
    lines += [
        "",
        "## Input",
        f"{f['seconds']} s windows at {f['sample_rate']} Hz → log-mel, {f['n_mels']} mels, n_fft {f['n_fft']}, "
        f"hop {f['hop_length']}, {f['fmin']}-{f['fmax']} Hz, dB relative to the window's maximum "
        f"(top {f['top_db']} dB) scaled to [0, 1]. Silence below 20 dB is trimmed first and short sounds are",
        "looped to fill the window (never zero-padded), in training and in serving alike.",
        "",
        "## Training",
        f"{s['epochs']} epochs, batch {s['batch_size']}, AdamW (lr {s['learning_rate']}, cosine decay, weight decay "
        f"{s['weight_decay']}), label smoothing {s['label_smoothing']}, class-balanced sampling (1/√count),",
        f"seed {s['seed']}. Augmentation: random crops of the looped clip (time shift), ±3 mel-bin shifts,",
        f"SpecAugment time and frequency masks, gain jitter, mixup (α {s['mixup_alpha']}).",
        *(
            [
                "Every clip also trains once as a phone hears it in a room (`exsampling train --rooms`,",
                "`training/augment.py`): a pyroomacoustics shoebox (RT60 0.15-0.9 s), a background clip of another",
                "class 8-25 dB down, a phone response (low cut, resonance, band limit, level, noise, soft clipping).",
            ]
            if s.get("rooms")
            else []
        ),
    ]
    for i, run in enumerate(r for r in (report, *extras) if "cv" in r):
        lines += cv_section(run, complete, few, per_class_table=i == 0)
    if "final_fit" in report:
        lines += [
            "",
            "## Shipped model" if esc else "## Exported model (`model.tflite`)",
            f"Retrained on all {report['final_fit']['n']} clips with the same settings; its accuracy on its own",
            f"training clips is {report['final_fit']['accuracy']:.1%} (a fit check, not a claim about new sounds).",
            f"Training took {report.get('final_train_seconds', 0) / 60:.0f} min.",
        ]
    if esc:
        recipe = _recipe(s)
        cv_recipe = next((_recipe(r["settings"]) for r in (report, *extras) if "cv" in r), recipe)
        lines += [
            "",
            "## Reproduce",
            "Deterministic with the seed. Each run trains on 2 CPU cores (no GPU); the times above were measured",
            "on a shared 2-core machine.",
            "",
            "```sh",
            f"exsampling train ../shared/datasets/esc50 --out models/esc50 --val-fold 0{recipe}  # shipped",
            f"exsampling train ../shared/datasets/esc50 --out cv4 --val-fold 4{cv_recipe}          # CV, fold 4",
            "cp cv4/report.json models/esc50/cv_fold4.json; cp cv4/confusion.png models/esc50/",
            ".venv/bin/python bench/bench_rooms.py --model cv4 --fold 4 --write models/esc50",
            ".venv/bin/python bench/bench_openset.py --model cv4 --fold 4 --write models/esc50",
            "python -m exsampling_osc.training.card models/esc50 models/esc50/cv_fold4.json",
            "```",
        ]
    lines += [
        "",
        "## Size and speed",
        f"- `model.tflite`: {report['size_bytes'] / 1024:.0f} KiB.",
        f"- One inference, one thread, LiteRT: {report['latency_ms']:.2f} ms median (on the training machine).",
        "",
        *_measured(report.get("measured", [])),
        "## Limits",
        f"- Below a top probability of {_threshold_text(report)} the label is `unknown` and the performer decides.",
        *(_ESC50_LIMITS if esc else _own_limits(len(labels))),
        "",
        "## Classes",
        ", ".join(labels),
        "",
    ]
    path = out_dir / "MODEL_CARD.md"
    path.write_text("\n".join(lines))
    return path


def _recipe(settings: dict) -> str:
    """The ``exsampling train`` options that differ between runs: epochs, rooms."""
    return f" --epochs {settings['epochs']}" + (" --rooms" if settings.get("rooms") else "")


def _threshold_text(report: dict) -> str:
    from exsampling_osc.analysis.classify import DEFAULT_THRESHOLD

    t = report.get("unknown_threshold")
    if t is None:
        return f"{DEFAULT_THRESHOLD:g} (the default: this model has no threshold of its own)"
    return f"{t:g} (this model's own `unknown_threshold`, picked with `bench/bench_openset.py`)"


def _measured(entries: list[dict]) -> list[str]:
    """``report["measured"]``: figures measured by the benches after training, each ``{"title", "lines"}``."""
    out: list[str] = []
    for e in entries:
        out += [f"## {e['title']}", *e["lines"], ""]
    return out


_ESC50_LIMITS = [
    "- Phones in a venue are not ESC-50: crowd noise, music and reverberation lower accuracy.",
    "- Classes outside these 50 are forced into the nearest one; retrain with `exsampling train` on your",
    "  own sounds (a folder of class sub-folders) for another vocabulary.",
]


def _own_limits(n_classes: int) -> list[str]:
    return [
        f"- Sounds unlike these {n_classes} classes are forced into the nearest one unless their top",
        "  probability is below the threshold.",
        "- Recordings in the venue (other phones, crowd noise, reverberation) differ from the training clips;",
        "  more clips per class, recorded where you play, help most.",
    ]


def add_measured(model_dir: Path, title: str, lines: list[str], **fields) -> Path:
    """Store a bench's figures (a card section ``title`` of markdown ``lines``, plus top-level ``fields`` such
    as ``unknown_threshold``) in ``model_dir/report.json`` and rewrite the card; a section of the same title
    is replaced."""
    import json

    path = model_dir / "report.json"
    report = json.loads(path.read_text())
    report["measured"] = [e for e in report.get("measured", []) if e["title"] != title] + [
        {"title": title, "lines": lines}
    ]
    report.update(fields)
    _write_report(path, report)
    return write_card(model_dir, report, _extras(model_dir, report))


def _write_report(path: Path, report: dict) -> None:
    import json

    path.write_text(json.dumps(report, indent=2) + "\n")


def _extras(model_dir: Path, report: dict) -> tuple[dict, ...]:
    """The cross-validation reports the card names in ``report["cv_reports"]`` (files in ``model_dir``)."""
    import json

    return tuple(json.loads((model_dir / name).read_text()) for name in report.get("cv_reports", []))


def main(argv: list[str] | None = None) -> None:
    """``python -m exsampling_osc.training.card MODEL_DIR [EXTRA_REPORT.json ...]``: rewrite the card, with the
    cross-validation reports given (remembered in ``report.json`` for later rewrites) or remembered."""
    import json
    import sys

    args = sys.argv[1:] if argv is None else argv
    out_dir = Path(args[0])
    path = out_dir / "report.json"
    report = json.loads(path.read_text())
    if args[1:]:
        report["cv_reports"] = [str(Path(p).resolve().relative_to(out_dir.resolve())) for p in args[1:]]
        _write_report(path, report)
    print(write_card(out_dir, report, _extras(out_dir, report)))


if __name__ == "__main__":
    main()
