"""Console helpers: waveform peaks, location blur, the loopback-only rule."""

from __future__ import annotations

import numpy as np
import pytest

from exsampling_osc.web.console_routes import blur, peaks, sample_view
from exsampling_osc.web.doors import from_this_computer


def test_peaks_follow_the_signal():
    sr = 1000
    tone = 0.5 * np.sin(2 * np.pi * 50 * np.arange(sr) / sr)
    signal = np.concatenate([np.zeros(sr), tone]).astype(np.float32)
    p = peaks(signal, 10)
    assert p.shape == (10, 2)
    assert np.all(p[:5] == 0.0)  # the silent half
    assert np.allclose(p[5:, 1], 0.5, atol=0.01) and np.allclose(p[5:, 0], -0.5, atol=0.01)
    assert peaks(np.array([], dtype=np.float32), 4).tolist() == [[0, 0]] * 4
    short = peaks(np.array([0.2, -0.9], dtype=np.float32), 6)
    assert short.min() == pytest.approx(-0.9) and short.max() == pytest.approx(0.2)
    assert peaks(np.array([3.0, -3.0], dtype=np.float32), 2).tolist() == [[1.0, 1.0], [-1.0, -1.0]]


def test_blur_rounds_to_about_a_kilometre():
    assert blur(48.858844) == 48.86 and blur(2.294351) == 2.29 and blur(None) is None
    view = sample_view(
        {"id": 3, "label": "dog", "overridden_label": "rooster", "latitude": 48.858844, "longitude": 2.294351},
        blurred=True,
    )
    assert (view["label"], view["analysed_label"], view["overridden"]) == ("rooster", "dog", True)
    assert (view["latitude"], view["longitude"]) == (48.86, 2.29)
    assert view["audio"] == "/console/api/samples/3/audio"


@pytest.mark.parametrize(
    "remote, host, headers, ok",
    [
        ("127.0.0.1", "127.0.0.1:8765", {}, True),
        ("::1", "localhost:8765", {}, True),
        ("127.0.0.1", "[::1]:8765", {}, True),
        ("192.168.1.20", "192.168.1.10:8765", {}, False),  # a phone on the LAN
        ("127.0.0.1", "127.0.0.1:8765", {"X-Forwarded-For": "1.2.3.4"}, False),  # a tunnel on this machine
        ("127.0.0.1", "127.0.0.1:8765", {"Cf-Connecting-Ip": "1.2.3.4"}, False),
        ("127.0.0.1", "evil.example:8765", {}, False),  # DNS rebinding
        ("", "127.0.0.1", {}, False),
        ("not-an-ip", "127.0.0.1", {}, False),
    ],
)
def test_only_this_computer_is_served(remote, host, headers, ok):
    environ = {
        "REMOTE_ADDR": remote,
        "HTTP_HOST": host,
        **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()},
    }
    assert from_this_computer(environ) is ok
