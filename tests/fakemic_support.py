"""Knocks and claps through the participant's path: a WAV as Chromium's fake microphone, the real recorder page
of a real ``exsampling serve``, Record, Send; then the stored recording, its offset against the source, and
the hits found in it scored against the truth (the same scoring for the source sliced directly)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf

from exsampling_osc.analysis.onsets import Hit

RATE = 22050  # the recorder's upload rate and the analysis rate
WINDOW_S = 0.025
EDGE_S = 0.05  # truth onsets this close to either end of the covered stretch are not scored


def write_source(path: Path, audio: np.ndarray, sr: int) -> Path:
    """The fake microphone's file: 16-bit PCM WAV (what Chromium's file capture reads)."""
    sf.write(str(path), np.asarray(audio, np.float32), sr, subtype="PCM_16")
    return path


def record_through_browser(playwright, serve, mic: Path, seconds: float) -> tuple[np.ndarray, int, dict]:
    """Play ``mic`` (played once, ``%noloop``) into the recorder page, record ``seconds``, send; returns the
    stored recording (float32 as stored), its rate and the backend's analysed recording."""
    from recorder_support import launch, new_phone_page, record

    browser = launch(playwright, Path(f"{mic}%noloop"))
    try:
        page = new_phone_page(browser)
        page.goto(serve.ready["participant_url"])
        record(page, seconds)
        page.click("#send")
        page.wait_for_selector("body[data-state='idle']", timeout=30000)
        match = re.search(r"Sound (\d+) (is on its way|arrived)", page.text_content("#message") or "")
        assert match, (page.text_content("#message"), page.text_content("#error"))
        assert page.js_errors == [], page.js_errors
    finally:
        browser.close()
    rec = serve.wait_analysed(int(match.group(1)))
    stored, sr = sf.read(rec["path"], dtype="float32", always_2d=True)
    return stored.mean(axis=1), int(sr), rec


def estimate_offset(stored: np.ndarray, source: np.ndarray, sr: int) -> tuple[float, float, float]:
    """(offset s, gain, normalised correlation) that best explain ``stored[t] ≈ gain · source[t + offset]``,
    from the full cross-correlation of the two at ``sr``, refined below the sample (10 ms at 48 kHz is
    220.5 samples at 22.05 kHz: half a sample off costs a clap's highs a tenth of their correlation)."""
    from scipy.signal import correlate

    c = correlate(source.astype(np.float64), stored.astype(np.float64), mode="full", method="fft")
    k = int(np.argmax(c))
    lag, frac = k - (stored.size - 1), _subsample(c, k)
    a, b = _overlap(stored, source, lag)
    b = delay(b, -frac)
    gain = float(np.dot(a, b) / max(np.dot(b, b), 1e-12))
    corr = float(np.dot(a, b) / max(np.linalg.norm(a) * np.linalg.norm(b), 1e-12))
    return (lag + frac) / sr, gain, corr


def _subsample(c: np.ndarray, k: int) -> float:
    """Where the peak of ``c`` at ``k`` really is, in samples from ``k`` (parabola through three points)."""
    if not 0 < k < c.size - 1:
        return 0.0
    den = c[k - 1] - 2 * c[k] + c[k + 1]
    return float(np.clip(0.5 * (c[k - 1] - c[k + 1]) / den, -0.5, 0.5)) if den < 0 else 0.0


def delay(x: np.ndarray, d: float) -> np.ndarray:
    """``x`` delayed by ``d`` samples (a fraction too), band-limited: y[n] = x(n − d), circular."""
    spec = np.fft.rfft(x)
    return np.fft.irfft(spec * np.exp(-2j * np.pi * np.fft.rfftfreq(x.size) * d), x.size)


def _overlap(stored: np.ndarray, source: np.ndarray, lag: int) -> tuple[np.ndarray, np.ndarray]:
    """The stretches of ``stored`` and ``source`` that line up at ``lag`` (source sample = stored + lag)."""
    lo = max(0, -lag)
    hi = min(stored.size, source.size - lag)
    return stored[lo:hi].astype(np.float64), source[lo + lag : hi + lag].astype(np.float64)


def truth_in_recording(
    truth_src: np.ndarray, stored: np.ndarray, source: np.ndarray, sr: int, offset_s: float, reach_s: float = 0.04
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each true onset (s of the source) in the recording's time, with its own offset: the lag (within
    ``reach_s`` of ``offset_s``) that best lines up the source from 30 ms before the onset to 100 ms after it;
    the global one where that stretch is silent or poorly matched (normalised correlation under 0.5).
    Returns (times, offsets, gains, correlations); gain and correlation are NaN where the global lag is used."""
    lag0, reach = int(round(offset_s * sr)), int(reach_s * sr)  # lag: source sample − stored sample
    before, after = int(0.03 * sr), int(0.1 * sr)
    out = []
    for t in truth_src:
        a = max(0, int(round(t * sr)) - before)
        ref = source[a : a + before + after].astype(np.float64)
        lo = a - lag0 - reach  # the stored stretch searched starts here
        lag, gain, corr = offset_s * sr, np.nan, np.nan
        if lo >= 0 and lo + ref.size + 2 * reach <= stored.size and np.max(np.abs(ref)) > 1e-4:
            seg = stored[lo : lo + ref.size + 2 * reach].astype(np.float64)
            c = np.correlate(seg, ref, mode="valid")  # c[k]: ref against stored from lo + k
            k = int(np.argmax(c))
            frac = _subsample(c, k)
            win, shifted = seg[k : k + ref.size], delay(ref, frac)
            rho = np.dot(win, shifted) / max(np.linalg.norm(win) * np.linalg.norm(shifted), 1e-12)
            if rho >= 0.5:
                lag, gain, corr = a - (lo + k + frac), np.dot(win, shifted) / max(np.dot(shifted, shifted), 1e-12), rho
        out.append((t - lag / sr, lag / sr, gain, corr))
    cols = np.asarray(out, float).reshape(-1, 4).T
    return cols[0], cols[1], cols[2], cols[3]


@dataclass
class Score:
    """Matched onsets (greedy within ``WINDOW_S``, each truth at most once) summed over sequences."""

    tp: int = 0
    found: int = 0
    truth: int = 0
    errors_ms: list[float] = field(default_factory=list)  # found − true, of the matched ones

    def add(self, found_s: np.ndarray, truth_s: np.ndarray) -> None:
        used = np.zeros(truth_s.size, bool)
        for t in np.sort(found_s):
            d = np.abs(truth_s - t)
            d[used] = np.inf
            j = int(np.argmin(d)) if d.size else -1
            if j >= 0 and d[j] <= WINDOW_S:
                used[j] = True
                self.tp += 1
                self.errors_ms.append(1000 * (t - truth_s[j]))
        self.found += found_s.size
        self.truth += truth_s.size

    @property
    def fpr(self) -> tuple[float, float, float]:
        p, r = self.tp / max(self.found, 1), self.tp / max(self.truth, 1)
        return (2 * p * r / (p + r) if self.tp else 0.0), p, r

    def line(self) -> str:
        f, p, r = self.fpr
        e = np.abs(self.errors_ms) if self.errors_ms else np.zeros(1)
        return (
            f"F={f:.3f} P={p:.3f} R={r:.3f} ({self.tp}/{self.found} found, {self.truth} true); |error| "
            f"median {np.median(e):.1f} ms, 95th pct {np.percentile(e, 95):.1f} ms, mean signed "
            f"{np.mean(self.errors_ms) if self.errors_ms else 0:.1f} ms"
        )


def onsets_in(hits: list[Hit], fade_in_s: float = 0.0015) -> np.ndarray:
    """Onset times (s) of ``hits``: each hit starts ``fade_in_s`` before its onset."""
    return np.array([h.start_s + fade_in_s for h in hits])


@dataclass
class Take:
    """One sequence through the browser: what was found in the stored recording and directly in the source."""

    name: str
    offset_s: float  # stored[t] ≈ gain · source[t + offset], from the whole take
    corr: float  # normalised correlation of the whole take at that offset (a dropped buffer lowers it)
    gain: float  # median over the hits, each at its own offset
    hit_corr: tuple[float, float]  # (lowest, median) over the hits, each at its own offset
    hit_offsets_s: np.ndarray  # each scored true onset's own offset (a jump: a dropped or repeated buffer)
    truth_rec: np.ndarray  # scored true onsets, in the recording's time
    truth_src: np.ndarray  # the same onsets, in the source's time
    browser: np.ndarray  # onsets sliced from the stored recording (s of the recording)
    direct: np.ndarray  # onsets sliced from the source file (s of the source), within the recorded stretch
    backend: np.ndarray  # onsets of the hits the backend itself stored (s of the recording)
    steps_db: dict[str, float]  # largest end step of the hits: browser, direct, backend's stored WAVs
    flags: list[str]  # the backend's moderation flags for the recording (near_silent, clipped, ...)


def measure(name: str, truth: np.ndarray, source: np.ndarray, stored: np.ndarray, rec: dict) -> Take:
    """Slice the stored recording and the source (both at ``RATE``), place the truth in the recording with
    :func:`truth_in_recording`, and keep the onsets of the stretch both cover (``EDGE_S`` inside it)."""
    from exsampling_osc.analysis.onsets import slice_hits

    offset, _, corr = estimate_offset(stored, source, RATE)
    t_rec, offs, gains, corrs = truth_in_recording(truth, stored, source, RATE, offset)
    dur = stored.size / RATE
    keep = (t_rec >= EDGE_S) & (t_rec <= dur - EDGE_S)
    hb, hd = slice_hits(stored, RATE), slice_hits(source, RATE)
    fb, fd = onsets_in(hb), onsets_in(hd)
    fb = fb[(fb >= EDGE_S - WINDOW_S) & (fb <= dur - EDGE_S + WINDOW_S)]
    fd = fd[(fd >= offset + EDGE_S - WINDOW_S) & (fd <= offset + dur - EDGE_S + WINDOW_S)]
    samples = [s for s in rec.get("samples", []) if s.get("start") is not None]
    backend = np.array([s["start"] + 0.0015 for s in samples]) if len(samples) > 1 else np.zeros(0)
    stored_steps = [_file_step(Path(s["path"])) for s in samples] if len(samples) > 1 else []
    steps = {"browser": edge_step_db(hb), "direct": edge_step_db(hd)}
    if stored_steps:
        steps["backend"] = max(stored_steps)
    gain = float(np.nanmedian(gains[keep]))
    hit_corr = float(np.nanmin(corrs[keep])), float(np.nanmedian(corrs[keep]))
    flags = list((rec.get("moderation") or {}).get("flags") or [])
    return Take(name, offset, corr, gain, hit_corr, offs[keep], t_rec[keep], truth[keep], fb, fd, backend, steps, flags)


def _file_step(path: Path) -> float:
    """The largest end step (dBFS) of a stored hit's WAV."""
    y, _ = sf.read(str(path), dtype="float64", always_2d=True)
    a = y.mean(axis=1)
    worst = max(abs(a[0]), abs(a[-1]), abs(a[1] - a[0]), abs(a[-1] - a[-2])) if a.size >= 2 else 0.0
    return float(20 * np.log10(worst)) if worst > 0 else -np.inf


def edge_step_db(hits: list[Hit]) -> float:
    """The largest step at either end of any hit (first/last sample and the step next to it), in dBFS."""
    worst = 0.0
    for h in hits:
        a = h.audio.astype(np.float64)
        if a.size >= 2:
            worst = max(worst, abs(a[0]), abs(a[-1]), abs(a[1] - a[0]), abs(a[-1] - a[-2]))
    return float(20 * np.log10(worst)) if worst > 0 else -np.inf


def load(path: Path) -> np.ndarray:
    """``path`` as the backend reads a recording: mono at the analysis rate (``load_audio``)."""
    from exsampling_osc.analysis.audio import load_audio

    return load_audio(path, RATE)
