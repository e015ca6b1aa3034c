"""The drop folder with real files: audio ingested once (also a large file written slowly), others ignored."""

from __future__ import annotations

import shutil
import time

import numpy as np
import soundfile as sf
from serve_support import Serve, tone


def test_drop_folder_ingests_each_audio_file_once(tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    tone(drop / "already there.wav", 2.0, 300.0)
    serve = Serve(tmp_path / "data", "--drop-folder", str(drop))
    try:
        shutil.copyfile(tone(tmp_path / "src.wav", 2.0, 500.0), drop / "copied in.wav")
        (drop / "notes.txt").write_text("not audio")
        # a large file written slowly: 12 s of audio over about 3 s, in 24 chunks
        sr, total = 22050, 12 * 22050
        rng = np.random.default_rng(1)
        with sf.SoundFile(str(drop / "slow.wav"), "w", sr, 1, subtype="PCM_16") as f:
            for chunk in np.array_split(np.arange(total), 24):
                f.write(
                    (0.3 * np.sin(2 * np.pi * 440 * chunk / sr) + 0.01 * rng.standard_normal(chunk.size)).astype(
                        np.float32
                    )
                )
                f.flush()
                time.sleep(0.12)
        end = time.monotonic() + 60
        recs = []
        while time.monotonic() < end:
            recs = serve.get("/api/recordings")["recordings"]
            if len(recs) >= 3 and all(r["status"] == "analysed" for r in recs):
                break
            time.sleep(0.2)
        time.sleep(2.0)  # time for any duplicate to show up
        recs = serve.get("/api/recordings")["recordings"]
        names = sorted(r["name"] for r in recs)
        assert names == ["already there.wav", "copied in.wav", "slow.wav"]
        assert all(r["source"] == "drop" for r in recs)
        slow = [r for r in recs if r["name"] == "slow.wav"][0]
        with sf.SoundFile(slow["path"]) as f:
            assert f.frames == total  # the complete file, not a part of it
        assert len(serve.get(f"/api/recordings/{slow['id']}")["samples"]) == 3
        assert "notes.txt ignored (not an audio file)" in serve.log
    finally:
        serve.stop()
    again = Serve(tmp_path / "data", "--drop-folder", str(drop))
    try:
        time.sleep(2.0)
        assert len(again.get("/api/recordings")["recordings"]) == 3  # nothing ingested twice after restart
    finally:
        again.stop()
