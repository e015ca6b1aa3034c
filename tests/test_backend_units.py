"""In-process checks of the backend's parts: config validation, mapping, library store, atomic files,
the protocol document, OSC encoding."""

from __future__ import annotations

import sqlite3

import pytest
from serve_support import labels

from exsampling_osc.errors import ConfigError
from exsampling_osc.library import Library
from exsampling_osc.library.files import atomic_write
from exsampling_osc.mapping import DEFAULT_CONFIG, Mapping, load_config
from exsampling_osc.osc import docs, protocol
from exsampling_osc.osc.sender import build


def test_protocol_md_is_fresh():
    assert docs.DOC_PATH.read_text(encoding="utf-8") == docs.render(), (
        "docs/PROTOCOL.md is stale: run python -m exsampling_osc.osc.docs"
    )


def test_every_core_message_is_documented_and_fits_a_packet():
    text = docs.render()
    for m in protocol.CORE:
        assert f"### `{m.address}`" in text
        args = ["x" * 300 if a.type == "s" else 1 for a in m.args]
        assert len(build(m.address, args)) < 8192
    with pytest.raises(ValueError, match="must be a string"):
        build("/exsampling/error", [3])


def test_default_config_assigns_all_50_classes_once():
    cfg = load_config()
    assigned = [c for t in cfg.tracks for c in t.classes]
    assert sorted(assigned) == sorted(labels()) and len(assigned) == 50
    cfg.check_labels(labels())
    modes = {c: t.mode for t in cfg.tracks for c in t.classes}
    assert {modes[c] for c in ("clock_tick", "door_wood_knock", "footsteps", "mouse_click")} == {"percussive"}
    assert {modes[c] for c in ("church_bells", "siren", "car_horn", "rooster")} == {"melodic"}
    assert cfg.track(cfg.unknown) is not None and cfg.ports == {"http": 8765, "osc": 9000, "device": 9001}


@pytest.mark.parametrize(
    "edit, marker, words",
    [
        (("max_upload_mb: 50", "max_upload_mb: lots"), "max_upload_mb: lots", "max_upload_mb must be a number"),
        (("unknown: textures", "unknown: nowhere"), "unknown: nowhere", "`unknown` must name a track"),
        (
            ("    mode: percussive\n    classes: [rain", "    mode: percussive\n    classes: [dog, rain"),
            "classes: [dog, rain",
            "class 'dog' is in both",
        ),
        (("  osc: 9000", "  osc: 99999"), "osc: 99999", "port osc must be a whole number"),
        (("trim_db: 20.0", "trim_db: 20.0\ncolour: red"), "colour: red", "unknown setting 'colour'"),
    ],
)
def test_config_errors_name_file_and_line(tmp_path, edit, marker, words):
    text = DEFAULT_CONFIG.read_text()
    assert edit[0] in text
    cfg = tmp_path / "c.yaml"
    new = text.replace(edit[0], edit[1], 1)
    cfg.write_text(new)
    line = next(i for i, x in enumerate(new.splitlines(), 1) if marker in x)
    with pytest.raises(ConfigError) as err:
        load_config(cfg)
    assert str(err.value).startswith(f"{cfg}:{line}: ") and words in str(err.value)


def test_config_class_not_in_model_names_its_line(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("tracks:\n  - name: a\n    mode: melodic\n    classes:\n      - dog\n      - unicorn\n")
    with pytest.raises(ConfigError, match=r"c.yaml:6: class 'unicorn'"):
        load_config(cfg).check_labels(labels())


def test_mapping_remaps_and_unknown():
    cfg = load_config()
    m = Mapping(cfg, labels(), {"dog": "drums"})
    assert m.track_of("dog") == "drums" and m.track_of("unknown") == cfg.unknown
    m.remap("siren", "drums")
    assert m.as_dict()["siren"] == "drums" and m.mode_of("drums") == "percussive"
    with pytest.raises(ValueError, match="unknown track"):
        m.remap("siren", "nowhere")
    with pytest.raises(ValueError, match="unknown label"):
        m.remap("unicorn", "drums")


def test_library_store_round_trip_and_cleanup(tmp_path):
    lib = Library(tmp_path)
    src = tmp_path / "in.wav"
    src.write_bytes(b"RIFF....")
    rid = lib.keep_recording(src, "my sound.wav", source="upload", latitude=1.5)
    assert lib.store.unanalysed() == [rid]
    ids = lib.store.store_analysis(
        rid,
        [
            {
                "piece_index": 0,
                "start": 0.0,
                "duration": 1.0,
                "path": "/x.wav",
                "label": "dog",
                "confidence": 0.9,
                "top": [["dog", 0.9]],
                "root_midi": None,
                "pitch_confidence": 0.1,
                "analysed_mode": "percussive",
            }
        ],
    )
    assert lib.store.unanalysed() == [] and lib.store.sample(ids[0])["latitude"] == 1.5
    lib.store.update_sample(ids[0], overridden_label="cat", state="accepted")
    lib.store.set_remap("dog", "drums")
    lib.close()
    (tmp_path / "recordings" / "orphan.wav").write_bytes(b"x")
    again = Library(tmp_path)
    s = again.store.sample(ids[0])
    assert s["overridden_label"] == "cat" and s["state"] == "accepted" and s["top"] == [["dog", 0.9]]
    assert again.store.remaps() == {"dog": "drums"}
    assert not (tmp_path / "recordings" / "orphan.wav").exists()
    assert len(list((tmp_path / "recordings").iterdir())) == 1
    with pytest.raises(ValueError):
        again.store.update_sample(ids[0], path="/elsewhere")
    # a failing insert leaves no half-written analysis
    with pytest.raises(sqlite3.Error):
        again.store.store_analysis(rid, [{"piece_index": 0, "top": []}])
    assert again.store.sample(ids[0]) is not None
    again.close()


def test_atomic_write_leaves_old_file_on_failure(tmp_path):
    target = tmp_path / "f.bin"
    atomic_write(target, lambda tmp: tmp.write_bytes(b"old"))

    def broken(tmp):
        tmp.write_bytes(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError):
        atomic_write(target, broken)
    assert target.read_bytes() == b"old" and list(tmp_path.iterdir()) == [target]


def test_size_limits_read_in_a_unit_that_fits():
    from exsampling_osc.backend.ingest import size_text

    assert size_text(50_000) == "50 KB"  # not "0 MB"
    assert size_text(25e6) == "25 MB"
    assert size_text(999) == "999 bytes"
