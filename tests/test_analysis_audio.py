import numpy as np
import pytest
import soundfile as sf

from exsampling_osc.analysis.audio import fit_length, load_audio, segment, trim_silence
from exsampling_osc.errors import AudioError
from tests.conftest import tone

SR = 22050


def with_silence(y: np.ndarray, before: float, after: float) -> np.ndarray:
    return np.concatenate([np.zeros(int(before * SR), np.float32), y, np.zeros(int(after * SR), np.float32)])


def test_trim_removes_silence_before_and_after():
    y = with_silence(tone(440, 2.0), 1.5, 2.5)
    trimmed, start = trim_silence(y, top_db=20)
    assert abs(start / SR - 1.5) < 0.1
    assert abs(trimmed.size / SR - 2.0) < 0.15


def test_trim_threshold_is_respected():
    loud, quiet = tone(440, 1.0, amp=0.5), tone(440, 1.0, amp=0.5 * 10 ** (-25 / 20))  # quiet is -25 dB
    y = np.concatenate([loud, quiet])
    kept_20, _ = trim_silence(y, top_db=20)
    kept_30, _ = trim_silence(y, top_db=30)
    assert abs(kept_20.size / SR - 1.0) < 0.15  # the -25 dB part is below a 20 dB threshold
    assert abs(kept_30.size / SR - 2.0) < 0.15  # and above a 30 dB one


def test_all_silent_signal_is_refused():
    with pytest.raises(AudioError, match="silent"):
        trim_silence(np.zeros(SR, np.float32))


@pytest.mark.parametrize(("seconds", "count", "last"), [(3.0, 1, 3.0), (5.0, 1, 5.0), (12.0, 3, 2.0)])
def test_segment_counts(seconds, count, last):
    pieces = segment(tone(440, seconds), SR, seconds=5.0)
    assert len(pieces) == count
    assert abs(pieces[-1].audio.size / SR - last) < 1e-3
    assert [p.start for p in pieces] == [5.0 * k for k in range(count)]


def test_short_tail_is_dropped_and_silent_piece_removed():
    y = np.concatenate([tone(440, 5.0), np.zeros(5 * SR, np.float32), tone(440, 5.4)])
    pieces = segment(y, SR, seconds=5.0, min_last=1.0, silent_db=-40)
    assert [p.index for p in pieces] == [0, 2]  # middle silence dropped, 0.4 s tail dropped


def test_fit_length_loops_short_sounds_instead_of_padding_zeros():
    y = tone(440, 1.0)
    out = fit_length(y, 3 * SR)
    assert out.size == 3 * SR
    assert np.array_equal(out[SR : 2 * SR], y)


def test_load_mono_at_model_rate_from_8ch_96k(write_audio):
    y = np.stack([tone(440, 1.0, sr=96000)] * 8, axis=1)
    path = write_audio("eight.wav", y, sr=96000, subtype="PCM_24")
    out = load_audio(path, SR)
    assert out.ndim == 1 and abs(out.size - SR) <= 2 and out.dtype == np.float32
    assert abs(np.max(np.abs(out)) - 0.5) < 0.02


@pytest.mark.parametrize("suffix", [".flac", ".ogg", ".aiff"])
def test_other_formats_load(write_audio, suffix):
    path = write_audio("clip" + suffix, tone(330, 1.0, sr=44100), sr=44100)
    assert abs(load_audio(path, SR).size - SR) < 200


def test_truncated_wav_is_a_clear_error(write_audio):
    path = write_audio("cut.wav", tone(440, 2.0))
    data = path.read_bytes()
    path.write_bytes(data[:30])  # header cut in the middle
    with pytest.raises(AudioError, match="cut.wav"):
        load_audio(path, SR)


def test_a_wav_cut_inside_its_data_is_the_shorter_sound_it_holds(write_audio):
    # README: accepted as the shorter sound it holds (no error), as a phone that stopped mid-upload sends it
    path = write_audio("half.wav", tone(440, 2.0))
    data = path.read_bytes()
    path.write_bytes(data[: 44 + (len(data) - 44) // 2])
    y = load_audio(path, SR)
    assert abs(y.size / SR - 1.0) < 0.01 and np.abs(y).max() > 0.1


def test_text_named_wav_is_a_clear_error(tmp_path):
    path = tmp_path / "notes.wav"
    path.write_text("this is not audio\n" * 20)
    with pytest.raises(AudioError, match="not a readable audio file"):
        load_audio(path, SR)


def test_empty_file_is_a_clear_error(tmp_path):
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    with pytest.raises(AudioError, match="empty"):
        load_audio(path, SR)


def test_nan_samples_are_refused(write_audio):
    y = tone(440, 1.0)
    y[1000:1010] = np.nan
    path = write_audio("nan.wav", y, subtype="FLOAT")
    with pytest.raises(AudioError, match="NaN"):
        load_audio(path, SR)


def test_one_hour_of_silence_is_refused_before_reading(tmp_path):
    path = tmp_path / "hour.flac"
    with sf.SoundFile(str(path), "w", samplerate=8000, channels=1, format="FLAC") as fh:
        block = np.zeros(8000 * 60, dtype=np.float32)
        for _ in range(60):
            fh.write(block)
    with pytest.raises(AudioError, match="too long"):
        load_audio(path, SR)


def test_serving_crops_cover_one_period_of_the_looped_piece():
    from exsampling_osc.analysis.features import FeatureParams, crops, looped_log_mel

    params = FeatureParams()
    image = looped_log_mel(tone(440, 2.0), params)
    assert image.shape == (params.n_mels, 1 + 2 * params.samples // params.hop_length)
    views = crops(image, params.frames, 3)
    assert views.shape == (3, params.n_mels, params.frames)
    assert 0.0 <= views.min() and views.max() <= 1.0
