"""The XY pad as a 2-D map onto the latent space (numpy).

The plane through the mean of the training codes along their first two principal axes; each axis is
stretched by the codes' own distribution (pad −1…1 = their 5th…95th percentile), so the training codes
fill the square evenly instead of crowding its middle. Landmarks (the performer's encoded songs) sit at
their projected place, and the map bends to pass exactly through their codes: at a landmark's pad point
the latent point *is* the song's code, and the bend fades with distance (inverse-distance weights).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

QUANTILES = 101
TAIL = 5.0  # percent of the codes beyond each edge of the pad (the far tails decode to odd phrases)
LANDMARK_RADIUS = 0.15  # pad distance at which a lone landmark's bend is half its size


@dataclass
class PadMap:
    mean: np.ndarray  # D
    axes: np.ndarray  # 2 × D, orthonormal
    quantiles: np.ndarray  # 2 × QUANTILES, increasing projections
    landmark_codes: np.ndarray  # k × D
    landmark_xy: np.ndarray  # k × 2

    @classmethod
    def fit(cls, codes: np.ndarray, landmarks: np.ndarray | None = None) -> PadMap:
        """The map of training ``codes`` (n × D) with ``landmarks`` (k × D) placed on it."""
        codes = np.asarray(codes, dtype=np.float64)
        mean = codes.mean(axis=0)
        _, _, vt = np.linalg.svd(codes - mean, full_matrices=False)
        axes = vt[:2] if len(vt) >= 2 else np.eye(2, codes.shape[1])
        proj = (codes - mean) @ axes.T
        q = np.percentile(proj, np.linspace(TAIL, 100 - TAIL, QUANTILES), axis=0).T
        q = np.maximum.accumulate(q + np.arange(QUANTILES) * 1e-9, axis=1)  # strictly increasing
        lm = np.zeros((0, codes.shape[1])) if landmarks is None else np.asarray(landmarks, dtype=np.float64)
        pad = cls(mean, axes, q, lm, np.zeros((len(lm), 2)))
        pad.landmark_xy = np.array([pad.coordinates(c) for c in lm]).reshape(-1, 2)
        return pad

    @classmethod
    def from_arrays(cls, w: dict[str, np.ndarray]) -> PadMap:
        return cls(w["pad_mean"], w["pad_axes"], w["pad_quantiles"], w["pad_landmark_codes"], w["pad_landmark_xy"])

    def arrays(self) -> dict[str, np.ndarray]:
        return {
            "pad_mean": self.mean.astype(np.float32),
            "pad_axes": self.axes.astype(np.float32),
            "pad_quantiles": self.quantiles.astype(np.float32),
            "pad_landmark_codes": self.landmark_codes.astype(np.float32).reshape(-1, len(self.mean)),
            "pad_landmark_xy": self.landmark_xy.astype(np.float32).reshape(-1, 2),
        }

    def _plane(self, x: float, y: float) -> np.ndarray:
        u = np.linspace(0.0, 1.0, QUANTILES)
        s = [np.interp((np.clip(v, -1, 1) + 1) / 2, u, self.quantiles[i]) for i, v in enumerate((x, y))]
        return self.mean + s[0] * self.axes[0] + s[1] * self.axes[1]

    def coordinates(self, code: np.ndarray) -> tuple[float, float]:
        """Pad (x, y) of a latent point: its projection, through each axis' distribution."""
        proj = (np.asarray(code, dtype=np.float64) - self.mean) @ self.axes.T
        u = np.linspace(0.0, 1.0, QUANTILES)
        x, y = (float(np.interp(proj[i], self.quantiles[i], u)) * 2 - 1 for i in range(2))
        return x, y

    def latent(self, x: float, y: float) -> np.ndarray:
        """The latent point at pad (x, y) (coordinates clipped to [−1, 1]); exactly a landmark's code on it."""
        z = self._plane(x, y)
        if not len(self.landmark_codes):
            return z.astype(np.float32)
        d2 = ((self.landmark_xy - np.array([x, y])) ** 2).sum(axis=1)
        hit = np.flatnonzero(d2 < 1e-18)
        if hit.size:
            return self.landmark_codes[hit[0]].astype(np.float32)
        resid = self.landmark_codes - np.array([self._plane(*p) for p in self.landmark_xy])
        k = 1.0 / d2
        w = k / (k.sum() + 1.0 / LANDMARK_RADIUS**2)
        return (z + w @ resid).astype(np.float32)
